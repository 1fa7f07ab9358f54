"""A cell's place in a text copy is the line of the file that holds it, counted as a text
editor, `sed -n` and Python's own file reading count lines (at \\n, \\r\\n and \\r), so that a
reader who opens the file finds the number at `dim_report.source` and `fact_*.source_tr`.

Copies break lines where those tools do not: `pdftotext` ends each page with a form feed
(written before the next page's first line), Word writes a manual line break as a vertical tab,
and text copied out of a browser can hold U+2028. str.splitlines breaks at each of them, and a
cell's line was its count of such lines: after each page break, a line too far.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.locate import TEXT, page_view
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document

_RENDERINGS = {
    "pipe": render_text.pipe_rows,
    "celllines": render_text.cell_lines,
    "tab": render_text.tab_rows,
}
#: the line breaks of a text editor, `sed` and Python's universal newlines
_FILE_BREAK = re.compile(r"\r\n|\n|\r")


def _page_breaks(text: str, how: str) -> str:
    """`text` with the page breaks a tool writes into a copy, every 40th line."""
    lines = text.split("\n")
    out = []
    for k, line in enumerate(lines):
        if k and k % 40 == 0:
            if how == "form feed before the line":  # pdftotext: \f opens the next page's line
                line = "\f" + line
            elif how == "form feed on its own line":
                out.append("\f")
            elif how == "vertical tab in the line":  # Word's manual line break
                line = line + "\x0b"
            elif how == "line separator in the line":
                line = line + "\u2028"
            elif how == "form feed, CRLF line ends":
                line = "\f" + line
        out.append(line)
    joined = "\n".join(out)
    return joined.replace("\n", "\r\n") if "CRLF" in how else joined


def _misplaced(data: bytes) -> list:
    """Cells whose raw text is not on the file's line their place names."""
    report = parse_bytes(data, "page.txt")
    lines = _FILE_BREAK.split(data.decode("utf-8"))
    placed = [c for c in report.cells if c.table == 0 and c.tr and c.raw and c.raw.strip()]
    assert placed
    return [
        (c.section, c.row, c.col, c.raw, c.tr, lines[c.tr - 1] if c.tr <= len(lines) else None)
        for c in placed
        if c.tr > len(lines) or " ".join(c.raw.split()) not in " ".join(lines[c.tr - 1].split())
    ]


@pytest.mark.parametrize(
    "how",
    [
        "form feed before the line",
        "form feed on its own line",
        "vertical tab in the line",
        "line separator in the line",
        "form feed, CRLF line ends",
    ],
)
@pytest.mark.parametrize("rendering", ["pipe", "celllines", "tab"])
def test_a_cell_line_is_the_file_line_past_page_breaks(rendering: str, how: str):
    for k in range(6):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"file-lines:{rendering}:{how}:{k}")
        doc, _ = _document(rng, template, year)
        text = _RENDERINGS[rendering](doc, rng)
        assert _misplaced(_page_breaks(text, how).encode("utf-8")) == [], (k, how)


@pytest.mark.parametrize("numbers_on", ["first", "last"])
def test_laid_out_text_cells_stand_on_their_file_lines(numbers_on: str):
    """pdftotext -layout text: a page number and a form feed between pages, the next page
    opening with the report's title (a running head, which the parser takes out) or with the
    table's next row (the form feed before it)."""
    for k in range(8):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"file-lines:laid-out:{numbers_on}:{k}")
        doc, _ = _document(rng, template, year)
        text = render_text.laid_out(doc, rng, numbers_on=numbers_on, page_every=5 + k % 3)
        if k % 2:
            # no running head: the form feed opens the next page's first row
            text = text.replace("\f" + doc.meta.title + "\n", "\f")
        assert "\f" in text
        assert _misplaced(text.encode("utf-8")) == [], k


def test_the_review_shows_a_copy_by_its_file_lines():
    """The review numbers a text copy's lines as the cells' places do: the file's lines."""
    rng = random.Random("file-lines:review")
    doc, _ = _document(rng, "2021", 2021)
    data = _page_breaks(render_text.pipe_rows(doc, rng), "form feed before the line").encode()
    view = page_view(data, "page.txt")
    assert view.kind == TEXT
    assert len(view.lines) == len(_FILE_BREAK.split(data.decode()))
    for cell in parse_bytes(data, "page.txt").cells:
        if cell.tr and cell.raw and cell.raw.strip():
            assert cell.raw.strip() in view.lines[cell.tr - 1], cell


@pytest.mark.parametrize("line_end", ["\r", "\r\n", "mixed"])
@pytest.mark.parametrize("tail", ["\n", "\n\n\n"])
def test_laid_out_text_saved_with_tabs_ending_on_blank_lines_keeps_its_file_lines(
    line_end: str, tail: str
):
    """pdftotext -layout text saved by an editor with TABs (read as laid-out text, the TABs
    expanded), page breaks, blank lines at the file's end, and line ends of an old Mac (\\r) or
    of several editors (\\r, \\n and \\r\\n in one file): reading the TABs dropped the last blank
    line, the copy's lines no longer matched the file's one for one and each cell kept its
    own count of lines, which counts each form feed as a line: after each page, a line or more
    too far."""
    for k in range(6):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"file-lines:tabs:{line_end!r}:{tail!r}:{k}")
        doc, _ = _document(rng, template, year)
        text = render_text.laid_out(doc, rng, numbers_on="first", page_every=5 + k % 3)
        lines = (render_text.resaved(text, tab_stops=8).rstrip("\n") + tail).split("\n")
        if line_end == "mixed":
            text = "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(lines))
        else:
            text = line_end.join(lines)
        assert "\t" in text and "\f" in text
        assert _misplaced(text.encode("utf-8")) == [], k


@pytest.mark.parametrize("line_end", ["\r", "mixed"])
def test_laid_out_text_with_old_mac_line_ends_reads_as_with_line_feeds(line_end: str):
    """pdftotext -layout text with its line ends written as \\r (an old Mac's, or some of a
    file's lines so): the page's number before a form feed and the report's title opening the
    next page (its running head) were told only before \\n, so the title was read as words of
    the table's next row, its label unknown and the row withheld."""
    for k in range(6):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"file-lines:old-mac:{line_end!r}:{k}")
        doc, _ = _document(rng, template, year)
        text = render_text.laid_out(doc, rng, numbers_on="first", page_every=5 + k % 3)
        lines = text.split("\n")
        if line_end == "mixed":
            other = "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(lines))
        else:
            other = line_end.join(lines)
        want = parse_bytes(text.encode("utf-8"), "page.txt")
        got = parse_bytes(other.encode("utf-8"), "page.txt")
        assert {(c.section, c.row, c.col): c.value for c in got.cells} == {
            (c.section, c.row, c.col): c.value for c in want.cells
        }, k
        assert sorted(got.problems) == sorted(want.problems), k
        assert _misplaced(other.encode("utf-8")) == [], k


_COPIES = Path(__file__).parent / "fixtures" / "copies"


def _read_as(data: bytes) -> tuple:
    report = parse_bytes(data, "page.txt")
    return {(c.section, c.row, c.col): c.value for c in report.cells}, report.flags


@pytest.mark.parametrize("rendering", ["pipe", "celllines", "tab", "blank lines"])
def test_a_copy_with_old_mac_line_ends_reads_as_with_line_feeds(rendering: str):
    """Lines ended by \\r alone: the rules that look across a copy's lines (a lone bar's line,
    a value line then a label line) looked for \\n, so a copy writing a cell a line with bars
    lost its dialect: 2 values for 3 columns read as the first two with no flag, 30 values for
    section 四's 15."""
    renderings = {**_RENDERINGS, "blank lines": render_text.blank_lines}
    for k in range(6):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"file-lines:old-mac-copy:{rendering}:{k}")
        doc, _ = _document(rng, template, year)
        text = renderings[rendering](doc, rng)
        assert _read_as(text.replace("\n", "\r").encode()) == _read_as(text.encode()), k


def test_the_copies_read_alike_with_old_mac_line_ends():
    for path in sorted(_COPIES.rglob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        assert _read_as(text.replace("\n", "\r").encode()) == _read_as(text.encode()), path.name


@pytest.mark.parametrize("rendering", ["pipe", "celllines"])
def test_a_copy_drawn_with_wide_or_box_bars_reads_as_with_ascii_ones(rendering: str):
    """Copies out of Word, WPS or a PDF draw a row's bars as full-width ｜ or as box-drawing │
    and ┃, one kind or several in one file: each reads as `|`, every cell in its place as with
    ASCII bars."""
    for k in range(6):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"file-lines:wide-bars:{rendering}:{k}")
        doc, _ = _document(rng, template, year)
        text = _RENDERINGS[rendering](doc, rng)
        assert "|" in text
        kinds = ["｜", "│", "┃"] if k % 2 else [rng.choice(["｜", "│", "┃"])]
        drawn = "".join(rng.choice(kinds) if c == "|" else c for c in text)
        assert _read_as(drawn.encode()) == _read_as(text.encode()), (k, kinds)
