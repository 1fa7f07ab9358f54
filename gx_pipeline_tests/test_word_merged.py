"""A Word table's value cells merged down (w:vMerge) or across (w:gridSpan) read as the web page
with the same rowspan and colspan reads: by their spans, where the row and column are certain.

The family is made here from its description: each generated web page in fixtures/documents
with one requests value merged with its neighbour below (the same grid column) or beside it
(the same row), where the two are equal, so that the page's figures stay its own; the table's
rows as they stand or padded with empty cells past the last column (a wider grid, as a Word
table laid out on the whole page is); written as .docx by the generator (spans as Word merges).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

from gx_pipeline.pagegen.documents import docx_of
from gx_pipeline.pagegen.styles import GeneratedPage
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.decode import decode

PAGES = sorted((Path(__file__).parent / "fixtures" / "documents" / "pages").glob("*.html"))
#: merged pairs made per page and way
PER_PAGE = 2


def _values(report) -> dict[tuple[str, str, str], object]:
    return {(c.section, c.row, c.col): c.value for c in report.cells}


def _rows(root, table: int) -> list[list]:
    t = list(root.iter("table"))[table - 1]
    return [[c for c in tr if c.tag in ("td", "th")] for tr in t.xpath("./tr|./*/tr")]


def _grid_columns(rows: list[list]) -> dict[tuple[int, int], int]:
    """(row, cell) -> the first grid column the cell stands in, as a browser lays it out."""
    taken: set[tuple[int, int]] = set()
    out = {}
    for r, row in enumerate(rows):
        c = 0
        for k, td in enumerate(row):
            while (r, c) in taken:
                c += 1
            out[(r, k)] = c
            width = int(td.get("colspan") or 1)
            for dr in range(int(td.get("rowspan") or 1)):
                taken.update((r + dr, c + dc) for dc in range(width))
            c += width
    return out


def _merged_pages(way: str, padding: int) -> list[tuple[str, bytes, dict]]:
    """(name, merged web page, the original page's values) for each page's first PER_PAGE
    requests values equal to their neighbour below (`down`) or beside (`across`)."""
    out = []
    for path in PAGES:
        data = path.read_bytes()
        report = parse_bytes(data, path.name)
        at = {(c.table, c.tr, c.td): c for c in report.cells}
        text = decode(data, path.name).text
        made = 0
        for cell in report.cells:
            if made == PER_PAGE or cell.section != "requests" or cell.value is None:
                continue
            rows = _rows(html.document_fromstring(text), cell.table)
            columns = _grid_columns(rows)
            r, k = cell.tr - 1, cell.td - 1
            if way == "down":
                below = r + 1 < len(rows) and [
                    j for j in range(len(rows[r + 1])) if columns[(r + 1, j)] == columns[(r, k)]
                ]
                if not below:
                    continue
                other = (r + 1, below[0])
            else:
                other = (r, k + 1)
            neighbour = at.get((cell.table, other[0] + 1, other[1] + 1))
            if (
                neighbour is None
                or neighbour.section != "requests"
                or neighbour.value != cell.value
                or (way == "across" and neighbour.row != cell.row)
            ):
                continue
            root = html.document_fromstring(text)
            rows = _rows(root, cell.table)
            top, gone = rows[r][k], rows[other[0]][other[1]]
            for row in rows:
                row[-1].getparent().extend(etree.Element("td") for _ in range(padding))
            gone.getparent().remove(gone)
            top.set("rowspan" if way == "down" else "colspan", "2")
            name = f"{path.stem}-{cell.row}-{cell.col}-{way}-{padding}"
            out.append((name, html.tostring(root, encoding="utf-8"), _values(report)))
            made += 1
    return out


def _docx(name: str, page: bytes) -> bytes:
    return docx_of(GeneratedPage(name, ".html", page, None), "portrait")  # type: ignore[arg-type]


def _wrong(read: dict, truth: dict) -> dict:
    return {k: (truth.get(k), v) for k, v in read.items() if v is not None and truth.get(k) != v}


@pytest.mark.parametrize("way", ["down", "across"])
def test_a_word_value_merged_reads_as_the_web_page_with_its_spans(way: str) -> None:
    # the tokens carried no spans: a row under a value merged down was a cell short, and
    # withheld (flagged) where the web page reads it by its grid
    pages = _merged_pages(way, padding=0)
    assert len(pages) >= 2 * len(PAGES) - 1
    for name, page, truth in pages:
        web = parse_bytes(page, f"{name}.html")
        word = parse_bytes(_docx(name, page), f"{name}.docx")
        assert _wrong(_values(word), truth) == {}, name
        if "onetable" not in name:  # the generator pads that page's Word rows (below)
            assert _values(word) == _values(web), name
            assert word.flags == web.flags, name


@pytest.mark.parametrize("way", ["down", "across"])
def test_a_value_merged_in_a_table_padded_past_its_columns_is_never_read_a_column_off(
    way: str,
) -> None:
    # rows padded with empty cells stay seven cells or more under a value merged down, or
    # beside one merged across: counted one a column, every value after it was read a column
    # to the left, the last from an empty cell, with no flag (web page and Word alike)
    for name, page, truth in _merged_pages(way, padding=3):
        for kind, data in (("html", page), ("docx", _docx(name, page))):
            report = parse_bytes(data, f"{name}.{kind}")
            read = _values(report)
            assert _wrong(read, truth) == {}, (name, kind)
            lost = [k for k, v in truth.items() if v is not None and read.get(k) is None]
            assert not lost or "cells_unplaced" in report.flags, (name, kind)


def _unlabelled_pages() -> list[tuple[str, bytes]]:
    """Each page with the label of one numbered row under a label merged down over its group
    ((三)不予公开 over 1.–8., (四)无法提供 over 1.–3.) left empty, for each such row: the
    page draws an empty label cell there, the group's label beside it as beside its
    neighbours."""
    out = []
    for path in PAGES:
        text = decode(path.read_bytes(), path.name).text
        root = html.document_fromstring(text)
        for t, table in enumerate(root.iter("table"), start=1):
            rows = _rows(root, t)
            columns = _grid_columns(rows)
            for r, row in enumerate(rows):
                # the row's label stands after a grid column a label above it covers
                if len(row) < 2 or columns[(r, 0)] == 0:
                    continue
                label = row[0].text_content().strip()
                if not (label[:1].isdigit() and "." in label[:3]):
                    continue
                edited = html.document_fromstring(text)
                cell = _rows(edited, t)[r][0]
                for child in list(cell):
                    cell.remove(child)
                cell.text = ""
                out.append((f"{path.stem}-{t}-{r}", html.tostring(edited, encoding="utf-8")))
    return out


def test_a_row_whose_own_label_is_empty_under_a_group_merged_down_reads_as_the_web_page() -> None:
    # Word draws the group's label (w:vMerge) beside the row and an empty label cell of its
    # own, as the web page draws it: the row is read as the web page reads it (by its place
    # between the rows named round it), not withheld as a row whose only label is merged down
    pages = _unlabelled_pages()
    assert len(pages) >= 8 * len(PAGES)
    for name, page in pages:
        web = parse_bytes(page, f"{name}.html")
        word = parse_bytes(_docx(name, page), f"{name}.docx")
        assert _values(word) == _values(web), name
        assert not any("merged down from the row above" in p for p in word.problems), name
