"""A report's table of contents (目录): its entries are no headings and their numbers no figures.

Reports often open (or end) with a 目录: a Word TOC field, lines typed with dot leaders and
page numbers, a PDF's contents page (一、总体情况……………1), a web page's list of the
sections. Its entries name the sections as their headings do, so read as headings they open
each section before its real heading, their page numbers stand as the section's values, and
the real 一、总体情况 after them reads as a second report. An entry is told from a heading by
what follows it: another entry, not its section's text or table; and most carry a leader or a
page number that no heading has."""

from __future__ import annotations

import functools
import re

from gx_pipeline.parsing import labels
from gx_pipeline.parsing.tokens import CELL, END, LINE, Token

#: characters of a leader between an entry and its page number (dots, ellipses, middle dots,
#: dashes, full-width stops, underscores)
_LEADER = ".…⋯·・‧•．-—–_。"
#: a page number: bare, as 第1页, or between dashes as a Word footer writes it (- 1 -, —1—)
_PAGE = re.compile(r"(?:第\s*|[-—–]\s*)?(\d{1,3})(?:\s*页|\s*[-—–])?$")
#: a chapter (一、) or a sub-chapter (（一）) of the report's own numbering
_CHAPTER = re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]")
#: a chapter a TOC numbers in Arabic numerals (1.总体情况……1): an entry only with its leader
#: or page number, as the body's lists number their items so (1.属于国家秘密)
_ARABIC_CHAPTER = re.compile(r"^(\d{1,2})[、.．](?!\d)")
_SUB_CHAPTER = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
#: the number an entry or a heading opens with, of any of the three kinds
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])"
)
#: words of the report's sections (a TOC may shorten its entries: 二、主动公开情况)
_SECTION_WORDS = re.compile(r"总体|概述|主动公开|申请|复议|诉讼|存在的主要问题|改进|其他需要报告")
_CONTENTS = re.compile(r"^目\s*录[:：]?$")
_DIGITS = {c: k for k, c in enumerate("一二三四五六七八九", 1)}


def _chapter_number(head: str) -> int | None:
    """一、 → 1, 十二、 → 12, 3. → 3; None for a sub-chapter."""
    m = _CHAPTER.match(head)
    if m is None:
        arabic = _ARABIC_CHAPTER.match(head)
        return int(arabic[1]) if arabic else None
    word = m[0][:-1]
    if "十" not in word:
        return _DIGITS.get(word)
    tens, _, ones = word.partition("十")
    return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)


def _arabic_entry(text: str) -> bool:
    """Whether a line opening with a digit may be an entry numbered in Arabic numerals: the
    number, then a section's words."""
    return _ARABIC_CHAPTER.match(text) is not None and _SECTION_WORDS.search(text) is not None


def _units(tokens: list[Token]) -> list[tuple[int, int]]:
    """The page's lines as spans of token indices [start, end): a free-text line, or a row of
    cells up to its row end (which the span holds)."""
    out: list[tuple[int, int]] = []
    k, n = 0, len(tokens)
    while k < n:
        t = tokens[k]
        if t.kind == LINE:
            out.append((k, k + 1))
            k += 1
            continue
        start = k
        while k < n and tokens[k].kind == CELL:
            k += 1
        if k < n and tokens[k].kind == END:
            k += 1
        out.append((start, max(k, start + 1)))
    return out


@functools.lru_cache(maxsize=4096)
def _entry(text: str) -> tuple[str, bool, int | None] | None:
    """A line read as a TOC entry: its words, whether a leader or a page number marks it, the
    page number; None when the words are no chapter of a report."""
    text = text.strip()
    page = None
    m = _PAGE.search(text)
    if m and m.start() > 0 and (text[m.start() - 1] in _LEADER or text[m.start() - 1].isspace()):
        page = int(m[1])
        text = text[: m.start()]
    head = text.rstrip(_LEADER + " \t\u3000")
    leader = sum(1 for ch in text[len(head) :] if ch in _LEADER)
    marked = page is not None or leader >= 2 or "…" in text[len(head) :]
    arabic = _ARABIC_CHAPTER.match(head)
    words = head[arabic.end() :] if arabic else head
    if not head or len(head) > 40 or any(ch in head for ch in "。；;，") or re.search(r"\d", words):
        return None
    if _SUB_CHAPTER.match(head):
        return (head, marked, page) if marked else None
    if arabic:
        if not marked or not _SECTION_WORDS.search(words) or labels.match_request(words):
            return None
        return head, marked, page
    if not _CHAPTER.match(head) or not _SECTION_WORDS.search(head):
        return None
    if labels.match_request(head) or labels.match_proactive(head):
        return None  # a row of the requests table (一、本年新收政府信息公开申请数量 3)
    return head, marked, page


#: the first character of an entry's line: a chapter's numeral (Chinese or Arabic) or a
#: sub-chapter's bracket
_OPENING = frozenset("一二三四五六七八九十（(0123456789")


def _opens_an_entry(tokens: list[Token], a: int, b: int) -> bool:
    """Whether the line of tokens [a, b) opens, white space aside, with a chapter's numeral or
    a sub-chapter's bracket (as an entry's does)."""
    c = tokens[a].text[:1] if tokens[a].kind != END else ""
    if c and not c.isspace():
        return c in _OPENING
    for t in tokens[a:b]:
        if t.kind != END and (text := t.text.lstrip()):
            return text[0] in _OPENING and (not text[0].isdigit() or _arabic_entry(text))
    return False


def _elsewhere(run, texts, lines: int, around: range) -> bool:
    """Whether a line of the page's `lines` outside `around` reads as one of the run's entries
    (`texts(w)` gives line w's text)."""
    heads = {labels.norm(h) for h, _, _ in run}
    if any(labels.norm(texts(w)) in heads for w in range(lines) if w not in around):
        return True
    # numbered otherwise than the headings (1.总体情况……1 for 一、总体情况): the words after
    # the numbers, on a line that opens with a number of its own
    words = {_NUMBERING.sub("", h) for h in heads}
    return any(
        _NUMBERING.match(t := labels.norm(texts(w))) and _NUMBERING.sub("", t) in words
        for w in range(lines)
        if w not in around
    )


def contents_entries(tokens: list[Token]) -> list[int]:
    """Indices of the tokens of a table of contents: a run of two or more entries, one after
    the other, marked by a leader or a page number (the page numbers never falling), or three
    or more bare ones (or two under a 目录 line, or right above the body's first chapter); the
    目录 line itself too."""
    units = _units(tokens)
    # a line's text is made only where it may be an entry (it opens with a chapter's numeral
    # or a bracket) or a run of entries needs it: most lines of a page are neither
    cache: dict[int, str] = {}

    def texts(w: int) -> str:
        if w not in cache:
            a, b = units[w]
            cache[w] = "\t".join(t.text for t in tokens[a:b] if t.kind != END)
        return cache[w]

    def entry(w: int) -> tuple[str, bool, int | None] | None:
        a, b = units[w]
        return _entry(texts(w)) if _opens_an_entry(tokens, a, b) else None

    drop: list[int] = []
    u = 0
    while u < len(units):
        # most lines open with another character (no call made for them)
        c = tokens[units[u][0]].text[:1]
        if c not in _OPENING and (c.strip() or not _opens_an_entry(tokens, *units[u])):
            u += 1
            continue
        if c.isdigit() and not _arabic_entry(tokens[units[u][0]].text):
            u += 1  # a year, a figure, a row (2023年，…, 1.属于国家秘密): most such lines
            continue
        run: list[tuple[str, bool, int | None]] = []
        v = u
        chapter = 0
        restarts = False
        while v < len(units) and (e := entry(v)) is not None:
            # the chapters of a TOC run up: the report's own 一、总体情况 right after its last
            # entry is the body's heading (and tells the lines above it for a TOC)
            number = _chapter_number(e[0])
            if number is not None and (number <= chapter or (run and not chapter and not e[1])):
                # (or a bare chapter after entries numbered as sub-chapters, (一)总体情况……1:
                # the body's heading too)
                restarts = True
                break
            chapter = number or chapter
            run.append(e)
            v += 1
        if not run:
            u += 1
            continue
        titled = u > 0 and _CONTENTS.match(texts(u - 1).replace("\t", "").strip()) is not None
        marked = sum(1 for _, m, _ in run if m)
        chapters = sum(1 for h, _, _ in run if _chapter_number(h) is not None)
        if not chapters and marked == len(run) >= 3:
            # a TOC that numbers its chapters as sub-chapters ((一)总体情况……1): each entry
            # marked and naming a section of the report
            chapters = sum(1 for h, _, _ in run if _SECTION_WORDS.search(h)) >= 3
        pages = [p for _, _, p in run if p is not None]
        # bare entries, or page numbers that fall (a document's fields not updated, a TOC
        # typed by hand): the entries are the headings' own words, which stand elsewhere on
        # the page (or the body's first chapter follows them)
        rising = pages == sorted(pages)
        if (
            len(run) >= 2
            and chapters >= 1
            and (marked >= 2 or len(run) >= 3 or titled or restarts)
            and (rising or marked >= 2)
            and (
                (marked >= 2 and rising)
                or restarts
                or _elsewhere(run, texts, len(units), range(u - 1, v))
            )
        ):
            first = units[u - 1][0] if titled else units[u][0]
            drop.extend(range(first, units[v - 1][1]))
        u = v
    return drop


def without_contents(tokens: list[Token]) -> tuple[list[Token], list[str]]:
    """The tokens without a table of contents, and its entries' texts (for the report's note)."""
    drop = contents_entries(tokens)
    if not drop:
        return tokens, []
    gone = set(drop)
    entries = [tokens[k].text for k in drop if tokens[k].kind != END]
    return [t for k, t in enumerate(tokens) if k not in gone], entries
