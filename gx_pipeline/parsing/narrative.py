"""The report's own words: the prose of each of its six sections.

The national format has six sections (一、总体情况 … 六、其他需要报告的事项); 二, 三 and 四 hold
the tables, all six hold prose. The prose is what a year-over-year comparison reads (a report
copied from last year's) and where the narrative states figures the tables hold too. It is kept
apart from the tables: nothing here changes a cell or the metadata.

A line is prose when it reads like a sentence (labels.is_narrative: a full stop, a semicolon,
figures written with their units, or a long line): headings, sub-headings, table labels and
numbers, menus and footers are not. The text before section 一 (the title and the opening
sentence) is kept under PREAMBLE; it often names the agency with its place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from gx_pipeline.parsing import labels
from gx_pipeline.parsing.tokens import CACHED_CHARS, END, LINE, Token, short_text_cache

#: the six sections of the national format, in order
SECTIONS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六")
#: the prose before section 一: the opening sentence after the title
PREAMBLE = "前言"
#: the sections a table stands in, by the contract's section code
_TABLE_SECTIONS = {"proactive": "二", "requests": "三", "appeals": "四"}
#: one section's prose is cut here: a page that repeats itself must not make a row huge
MAX_CHARS = 20_000

_OVERVIEW = re.compile(r"^一[、.．].{0,6}(?:总体|概述|概况|基本情况)")
_PROBLEMS = re.compile(r"^五[、.．]|^存在的?主要问题")
_OTHER = re.compile(r"^六[、.．]|^其他需要报告")


def _heading(text: str) -> str | None:
    """The section a heading line opens (一 … 六), or None."""
    if not text or len(text) > 40 or "。" in text:
        return None
    if section := labels.heading_section(text):
        return _TABLE_SECTIONS[section]
    n = labels.norm(text)
    if len(n) <= 20 and (_OVERVIEW.match(n) or labels.is_overview_heading(text)):
        return "一"
    if _PROBLEMS.match(n):
        return "五"
    if _OTHER.match(n):
        return "六"
    return None


@short_text_cache
def _line_kind(text: str) -> tuple[int, bool]:
    """Where a line stands among SECTIONS if it is a heading (-1 if not), and whether it holds
    Chinese words."""
    heading = _heading(text)
    return (-1 if heading is None else SECTIONS.index(heading)), labels.has_chinese(text)


#: a line that ends a sentence or announces what follows; a wrapped line ends otherwise
_ENDS_SENTENCE = "。；;！!？?：:"
#: a wrapped line fills the width of its page: a shorter one without a full stop is a
#: sub-heading or a label, never the first half of a sentence
_WRAP_MIN = 20
#: eight Chinese characters, whatever stands between them: words enough for a sentence (a
#: search stops at the eighth, where counting them all listed every one)
_EIGHT_CJK = re.compile(r"[\u4e00-\u9fff](?:[^\u4e00-\u9fff]*[\u4e00-\u9fff]){7}")


_SENTENCE_MARK = re.compile(r"[。；;]|如下[:：]$")
#: the report's title (…政府信息公开工作年度报告): a line of its own, never the first half of the
#: opening sentence that a wrapped PDF line continues
_TITLE = re.compile(r"年度报告\s*$")
#: a figure written in prose: 予以公开8件, 受理6件, 收费3.5万元
_FIGURE = re.compile(r"\d\s*(?:件|条|个|项|次|人次|份|万元|元)")


@short_text_cache
def _is_prose(text: str) -> bool:
    """A sentence: Chinese words with a full stop (or the opening sentence's 现将…报告如下：) or
    figures written with their units. A line that is only long is not one (a footer's list of
    links, a table's note)."""
    if _SENTENCE_MARK.search(text) is None and _FIGURE.search(text) is None:
        return False  # most lines
    return _EIGHT_CJK.search(text) is not None


def _line_facts(text: str) -> tuple[int, bool]:
    """Where a line stands among SECTIONS if it is a heading (-1 if not), and whether it is
    prose: what sections_text asks of each line of an HTML page, in one look."""
    return _line_kind(text)[0], _is_prose(text)


#: _line_facts cached, called as is for a line of up to CACHED_CHARS characters (the loop over
#: a page's hundreds of lines saves short_text_cache's own call)
_cached_line_facts = functools.lru_cache(maxsize=16384)(_line_facts)


def sections_text(tokens: Iterable[Token], wrapped_lines: bool = False) -> dict[str, str]:
    """The prose of each section that has any, keyed 一 … 六 (and PREAMBLE), paragraphs joined
    by line breaks. A heading counts only after the one before it (一 before 五): a numbered list
    inside a section (一、加强… under 五) opens no section. `wrapped_lines`: the page is text whose
    lines may wrap inside a sentence (PDF or flipbook text, a copy); such lines are joined first.
    An HTML page's lines are its paragraphs."""
    current = PREAMBLE
    order = -1
    found: dict[str, list[str]] = {}
    size: dict[str, int] = {}
    paragraph: list[str] = []

    def flush() -> None:
        if not paragraph:
            return
        text = "".join(paragraph)
        paragraph.clear()
        if _is_prose(text) and size.get(current, 0) + len(text) <= MAX_CHARS:
            found.setdefault(current, []).append(text)
            size[current] = size.get(current, 0) + len(text) + 1

    if not wrapped_lines:
        # every line is a paragraph of its own: the same as below, in fewer steps (a portal
        # page has hundreds of lines of menus and links)
        for token in tokens:
            text = token.text
            if token.kind == END or not text or text.isascii():
                # (a text without a Chinese character is neither a heading nor prose: most
                # of a page's table cells are numbers, told so in C without a cache lookup)
                continue
            at, prose = _cached_line_facts(text) if len(text) <= CACHED_CHARS else _line_facts(text)
            if at > order:
                current, order = SECTIONS[at], at
            elif prose and size.get(current, 0) + len(text) <= MAX_CHARS:
                found.setdefault(current, []).append(text)
                size[current] = size.get(current, 0) + len(text) + 1
        return {section: "\n".join(texts) for section, texts in found.items()}
    for token in tokens:
        text = token.text
        if token.kind == END or not text:
            continue
        at, chinese = _line_kind(text)
        if at > order:
            flush()
            current, order = SECTIONS[at], at
            continue
        if not chinese:
            flush()
            continue
        wrapped = (
            wrapped_lines
            and token.kind == LINE
            and paragraph
            and len(paragraph[-1]) >= _WRAP_MIN
            and paragraph[-1][-1] not in _ENDS_SENTENCE
            and not _TITLE.search(paragraph[-1])
        )
        if not wrapped:
            flush()
        paragraph.append(text)
        if token.kind != LINE:
            flush()
    flush()
    return {section: "\n".join(texts) for section, texts in found.items()}
