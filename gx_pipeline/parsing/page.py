"""One page in, one Report out: decode, tokenise, read the sections, read the metadata."""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from pathlib import Path

from gx_pipeline import contract, documents
from gx_pipeline.parsing import contents, labels, metadata, narrative, sections, site
from gx_pipeline.parsing import problems as codes
from gx_pipeline.parsing.decode import decode
from gx_pipeline.parsing.errors import ParseError
from gx_pipeline.parsing.problems import Problems, ordered
from gx_pipeline.parsing.tokens import (
    CELL,
    END,
    LINE,
    Head,
    drop_excerpt_ellipsis,
    ends_on_a_digit,
    ends_on_page_number,
    ends_on_whole_appeals_row,
    file_line_numbers,
    html_tokens,
    looks_like_html,
    mark_row_copy_cut,
    text_tokens,
    writes_rows_with_tabs,
)
from gx_pipeline.parsing.values import is_value_text
from gx_pipeline.report import Report

#: bump on any change that can change a parse; the warehouse records it per report and Dagster
#: uses it as the code version of the derived assets
PARSER_VERSION = "2.2.191"


def version_order(version: str) -> tuple[tuple[int, int | str], ...]:
    """A parser version's place among others: its parts as numbers (2.2.9 before 2.2.10, which
    text puts first); a part that is no number after the numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.split("."))


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
#: images every page has: share buttons, QR codes, logos, badges
_ICON = re.compile(
    r"qr|ewm|erweima|share|logo|icon|weixin|wechat|weibo|wx|badge|dzjg|jiucuo|gongan|beian|"
    r"二维码|分享|扫一扫|党政机关|纠错",
    re.IGNORECASE,
)
# characters that only Traditional Chinese text uses, common in these reports
_TRADITIONAL = re.compile(r"[開與國為於關資務條報處請況計總審議訴規範許罰對機構產區縣鎮辦]")
#: how much of a page is looked at at a time to tell its script
_SAMPLE = 20000
_SIMPLIFIED = re.compile(r"[开与国为于关资务条报处请况计总审议诉规范许罚对机构产区县镇办]")
_TRADITIONAL_CHARS = frozenset(_TRADITIONAL.pattern[1:-1])
_EITHER_SCRIPT = re.compile(f"[{_TRADITIONAL.pattern[1:-1]}{_SIMPLIFIED.pattern[1:-1]}]")
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?)\b", re.IGNORECASE)


def _traditional(text: str) -> bool:
    """Whether the page is written in Traditional Chinese: the characters only one script
    uses, counted from the page's start until enough of them are seen (a page may open with
    tens of kilobytes of scripts and styles before its first word)."""
    traditional = simplified = 0
    for start in range(0, len(text), _SAMPLE):
        # one pass over the sample finds the characters of both scripts
        found = _EITHER_SCRIPT.findall(text, start, start + _SAMPLE)
        tally = sum(1 for char in found if char in _TRADITIONAL_CHARS)
        traditional += tally
        simplified += len(found) - tally
        if traditional + simplified >= 50:
            break
    return traditional > 5 and traditional > simplified


#: gzip's magic number: a crawler that saves a response's body as it came (Content-Encoding:
#: gzip, never decoded) leaves the page compressed under its .html name
_GZIP = b"\x1f\x8b"
#: a page decompresses to a few MB; past the cap a run puts on a page's file
#: (staging.inventory.MAX_PAGE_BYTES) the bytes are no report (a "gzip bomb")
_GUNZIPPED_LIMIT = 32 * 2**20
_BOMB = f"gzip-compressed bytes that decompress past {_GUNZIPPED_LIMIT // 2**20} MB: no report page"


def _gunzipped(data: bytes, source: str) -> tuple[bytes, str | None]:
    """The page inside gzip's compression, and the line that says it was there (None for
    bytes that are not gzip's). A body compressed twice (a proxy's gzip over the server's) is
    opened twice; members one after another (gzip's own way of appending) are read in turn.
    Bytes that open with gzip's number but do not decompress whole are no readable page:
    ParseError, naming what is wrong."""
    times = 0
    while data[:2] == _GZIP and times < 2:
        data, times = _gzip_members(data, source), times + 1
    if not times:
        return data, None
    twice = "" if times == 1 else " twice"
    return data, (
        f"page: saved gzip-compressed{twice} (a response body kept as it came): read decompressed"
    )


def _gzip_members(data: bytes, source: str) -> bytes:
    parts: list[bytes] = []
    room = _GUNZIPPED_LIMIT
    rest = data
    while rest[:2] == _GZIP:
        if room <= 0:  # zlib reads a max_length of 0 as no limit at all
            raise ParseError(source, _BOMB)
        opener = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            part = opener.decompress(rest, room)
        except zlib.error as exc:
            raise ParseError(
                source, f"gzip-compressed bytes that do not decompress ({exc})"
            ) from None
        if opener.unconsumed_tail:
            raise ParseError(source, _BOMB)
        if not opener.eof:
            raise ParseError(source, "gzip-compressed bytes cut off before their end")
        parts.append(part)
        room -= len(part)
        rest = opener.unused_data
    if rest.strip(b"\x00 \t\r\n"):
        raise ParseError(source, "gzip-compressed bytes followed by bytes that are not gzip's")
    return b"".join(parts)


def parse_file(path: str | Path) -> Report:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc
    return parse_bytes(data, p.name)


def parse_bytes(data: bytes, source: str, sha256: str | None = None) -> Report:
    """Parse one page. Raises ParseError only when the bytes are not a readable page.

    `sha256`: the bytes' hash when the caller has it already (the pipeline's inventory hashes
    every file), so it is not computed twice."""
    sha256 = sha256 or hashlib.sha256(data).hexdigest()  # of the file as it lies
    data, unpacked = _gunzipped(data, source)
    # a PDF or Word file comes as the token stream of its text layer and tables (the kind is
    # told by the bytes, never by the file name)
    try:
        document = documents.read(data, source)
    except documents.DocumentError as exc:
        raise ParseError(source, exc.reason) from None
    imported = document.page if document is not None else None
    said = document.problems if imported is not None else ()
    if imported is not None:
        document = None  # a Word file that is only a web page it imports: the page is read
    if document is None:
        decoded = decode(data if imported is None else imported, source)
        text = decoded.text
        problems = Problems(decoded.problems)
        if decoded.damaged:
            problems.raise_code(codes.ENCODING_DAMAGED)
        if imported is not None:
            problems.append(
                "document: the Word file's body is a web page it imports (w:altChunk, as "
                "'export to Word' tools write one): the page is read"
            )
            for line in said:
                problems.append(line)
    else:
        text = document.text
        problems = Problems(document.problems)
        for code in document.codes:
            problems.raise_code(code)
    if unpacked:
        problems.append(unpacked)
    if _traditional(text):
        # mirror sites re-host reports in Traditional Chinese; the labels are Simplified
        text = _t2s().convert(text)
        if document is not None:
            document = document.converted(_t2s().convert)
        problems.append("page: Traditional Chinese text converted to Simplified before reading")
    head = Head()
    html_page = document is None and looks_like_html(text)
    whole_end = False  # a text copy that ends on section 四's row whole
    on_file_lines = None  # a text copy's lines as its file numbers them, where they differ
    if document is not None:
        tokens, head = list(document.tokens), document.head
        lines_are_values = not any(t.kind == CELL and t.table for t in tokens)
    elif html_page:
        tokens, head = html_tokens(text)
        if head.struck:
            # as a PDF's struck text is said: a number the page shows, left out
            problems.append(
                "page: text struck through (a revision shown as deleted, or crossed out: "
                f"'{_sample(head.struck)}') is left out"
            )
        if head.unseen:
            # a browser shows the cell's number without it: read as shown, and said
            problems.append(
                f"page: text in table cells that readers do not see (hidden, white or of no "
                f"size: '{_sample(head.unseen)}') is left out"
            )
        if head.unmatched_selectors:
            problems.flag(
                codes.CELLS_UNPLACED,
                "page: selectors of its style sheet not matched (more with combinators, "
                "attributes or pseudo-classes than are read, naming a table body the page's "
                "markup leaves to the browser, of a form not read that may reach the tables, or "
                "stepping through the wrappers of a page too deep to read with them): "
                f"{head.unmatched_selectors}; their rules may hide any "
                "figure: the table cells holding figures are taken as empty",
            )
        has_tables = any(t.kind == CELL and t.table for t in tokens)
        if not has_tables:
            # a flipbook or plain-text rendering wrapped in markup: read its lines as a text copy
            tokens = text_tokens("\n".join(t.text for t in tokens if t.kind == LINE) + "\n")
            lines_are_values = True
        else:
            lines_are_values = False
    else:
        tokens = text_tokens(text)
        drop_excerpt_ellipsis(tokens)
        mark_row_copy_cut(tokens, text)
        whole_end = ends_on_whole_appeals_row(tokens, text)
        if whole_end:
            tokens = [t._replace(cut=False) if t.cut else t for t in tokens]
            if ends_on_a_digit(tokens, text):
                # the row's cells stand where they are, but its last number may go on
                last = max(k for k, t in enumerate(tokens) if t.kind != END)
                tokens[last] = tokens[last]._replace(unknown=True)
                problems.flag(
                    codes.INCOMPLETE,
                    f"appeals: the copy ends on the last digit of the row's last number "
                    f"({tokens[last].text!r}), which more digits may follow on the page; "
                    "it is not read",
                )
        lines_are_values = True
        on_file_lines = file_line_numbers(text)
    if not tokens:
        raise ParseError(source, "no text on the page")
    tokens, entries = contents.without_contents(tokens)
    if entries:
        problems.append(
            f"page: a table of contents ('{_sample(' / '.join(entries))}') is read neither as "
            "the sections' headings nor for figures"
        )

    # a document is whole or does not open: it is never cut off like a downloaded page
    truncated = document is None and not whole_end and _truncated(text, tokens, html_page)
    scan = sections.scan(tokens, lines_are_values, truncated)
    scan.tab_copy = document is None and not html_page and writes_rows_with_tabs(text)
    own = tokens
    if scan.second_report_at is not None:
        # the second report's title, date and sign-off are not this report's
        own = tokens[: _second_report_start(tokens, scan.second_report_at)]
    texts = [t.text for t in own if t.kind != END]
    meta = metadata.extract(texts, head, _body_start(own))
    if scan.second_report_at is not None and (head.title or head.meta):
        meta = _first_report_meta(meta, metadata.extract(texts, None, _body_start(own)))
    template, template_problems = sections.decide_template(scan, meta.year)
    problems.absorb(meta.problems)
    problems.absorb(template_problems)
    cells: list = []
    complete = {s: False for s in ("proactive", "requests", "appeals")}
    if template is not None:
        assembled = sections.assemble(scan, template)
        cells = assembled.cells if document is None else document.locate(assembled.cells)
        complete = assembled.complete
        if on_file_lines is not None:
            cells = [
                c._replace(tr=on_file_lines[c.tr - 1]) if c.table == 0 and c.tr else c
                for c in cells
            ]
        problems.absorb(assembled.problems)
        for section in ("proactive", "requests", "appeals"):
            if section not in assembled.found:
                shown = section in scan.sections_headed or any(
                    r.section == section for r in scan.rows
                )
                problems.flag(
                    codes.INCOMPLETE,
                    f"{section}: the section's heading or header is there, but its cells are not "
                    "on the page"
                    if shown
                    else f"{section}: the section's table is not on the page",
                )
    if not cells:
        problems.flag(codes.INCOMPLETE, "page: no tables: " + _why_no_tables(text, scan, tokens))
    return Report(
        source=source,
        agency=meta.agency,
        year=meta.year,
        published=meta.published,
        template=template,
        cells=tuple(cells),
        problems=tuple(dict.fromkeys(problems)),
        complete=complete,
        sha256=sha256,
        flags=ordered(problems.codes),
        total_counts_left_out=tuple(
            r.code
            for r in (contract.rows(template, "requests") if template is not None else ())
            if r.code in problems.total_counts_left_out
        ),
        narrative=narrative.sections_text(own, lines_are_values),
        # the whole page's texts: the metadata's, unless a second report was cut off
        site=site.site_evidence(
            texts if own is tokens else [t.text for t in tokens if t.kind != END], head.address
        ),
    )


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _images_in_body(text: str) -> bool:
    """An <img> after the first section heading that is not a share/QR/logo icon."""
    start = min(
        (i for i in (text.find("主动公开政府信息"), text.find("收到和处理政府信息公开")) if i >= 0),
        default=-1,
    )
    if start < 0:
        return False
    return any(not _ICON.search(tag) for tag in _IMG_TAG.findall(text, start))


def _sample(text: str) -> str:
    """The first 20 characters of text a page leaves out, for its problems line."""
    return text[:20] + ("…" if len(text) > 20 else "")


def _truncated(text: str, tokens: list, html_page: bool) -> bool:
    """The file stops before the page does: mid-cell, an HTML page without its end tags, or a
    text copy that stops without a final line break (an excerpt)."""
    if any(t.cut for t in tokens[-3:]):
        return True
    if html_page:
        tail = text[-4096:].lower()
        return "</html>" not in tail and "</body>" not in tail
    if ends_on_page_number(text):
        return False  # the copy holds its last page to its foot
    if not text.endswith(("\n", "\r")):
        return True
    # a text copy whose last words are table values: an excerpt, cut after a cell
    last = next((t for t in reversed(tokens) if t.kind != END), None)
    return last is not None and last.kind == CELL and is_value_text(last.text)


def _first_report_meta(page: metadata.Metadata, own: metadata.Metadata) -> metadata.Metadata:
    """The metadata of the first of two reports on a page, whose tables are read. The page's
    <head> may title the page for the second (a page that opens with last year's report, or a
    subordinate's, before its own): the report read is the one its own title line names."""
    if own.year is None or own.agency is None or page.year is None or page.agency is None:
        return page
    if own.year == page.year and (own.agency in page.agency or page.agency in own.agency):
        return page  # the same report, its name written fuller or shorter
    own.problems.flag(
        codes.METADATA_GUESSED,
        f"page: the page's title names {page.agency} {page.year}, but the first of the two "
        f"reports on the page, whose tables are read, is titled {own.agency} {own.year}: "
        "its own title is taken",
    )
    return own


def _second_report_start(tokens: list, overview: int) -> int:
    """Where the second report on a page begins: its section 一 at `overview`, or the title
    line (and an 附件 line) right before it."""
    start = overview
    for k in range(overview - 1, max(-1, overview - 6), -1):
        t = tokens[k]
        if t.kind == END:
            continue
        if "报告" in t.text or t.text.startswith("附件") or not t.text.strip():
            start = k
            continue
        break
    return start


def _body_start(tokens: list) -> int | None:
    """Index (among non-END tokens) of the first heading or table cell of the report's body."""
    k = 0
    for t in tokens:
        if t.kind == END:
            continue
        if (
            t.table
            and t.kind != LINE
            and not labels.is_narrative(t.text)
            and (
                labels.block_title(t.text) is not None
                or labels.match_proactive(t.text)
                or labels.match_request(t.text)
            )
        ) or labels.heading_section(t.text):
            return k
        k += 1
    return None


def _why_no_tables(text: str, scan: sections.Scan, tokens: list) -> str:
    if scan.sections_headed and _images_in_body(text):
        return "the section headings are there but the tables are images"
    if _ATTACHMENT.search(text) and not scan.rows:
        return "the report is an attachment (PDF/Word), not on the page"
    if scan.sections_headed and scan.prose_in_sections and not scan.rows:
        return "the sections are written as prose, without tables"
    if scan.sections_headed:
        return (
            "the section headings are there but their tables are not "
            "(images, an attachment, or a cut-off page)"
        )
    if scan.rows:
        return "table text was found but no row could be read"
    if sum(1 for t in tokens if t.kind == CELL and t.table) >= 20:
        return "the page has tables, but none of their labels is the national format's"
    return "the page has no report tables (prose only, or not a report)"
