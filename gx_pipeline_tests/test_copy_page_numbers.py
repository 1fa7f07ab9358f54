"""Page numbers a PDF viewer's copy keeps between a report's rows: the viewer copies each
page's foot with its text, so a table running over pages leaves the page's number on a line of
its own after the row that closes the page (`行政许可  3  0  12` / `5` / the next row). A
bare number there reads as the tail of the row's last number wrapped onto the next line, and
the row's last number was withheld; numbers running one a page at page intervals are the
pages' numbers, no cell, and the rows are read whole."""

from __future__ import annotations

import random

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document
from gx_pipeline_tests.test_tool_copies import _ROW_COPIES, _read, _row_lines, _with_lines

#: how a page's foot writes its number
_FORMS = ("{}", "{}", "- {} -", "第 {} 页")


def _paged(copy: str, k: int) -> tuple[str, str, dict, object]:
    """The k-th page of the family: a row copy whose pages hold `every` lines each, each
    page's number on a line of its own after the page's last line, at least one of them after
    a row (the copy, the same copy with its page numbers, the values, the document)."""
    rng = random.Random(f"page-numbers:{copy}:{k}")
    template, year = FORMATS[k % len(FORMATS)]
    doc, values = _document(rng, template, year, blanks="none")
    text = _ROW_COPIES[copy][0](doc, rng)
    lines = text.split("\n")
    rows = set(_row_lines(text, doc))
    every = rng.randint(8, 16)
    # the first page holds the title and the text before the tables: a page as long or longer
    start = rng.randrange(every, 2 * every)
    while not rows & set(range(start - 1, len(lines) - 1, every)) and start < 3 * every:
        start += 1
    form = _FORMS[k % len(_FORMS)]
    ends = range(start - 1, len(lines) - 1, every)
    numbers = {at: form.format(n) for n, at in enumerate(ends, start=1)}
    return text, _with_lines(lines, numbers), values, doc


@pytest.mark.parametrize("copy", sorted(_ROW_COPIES))
def test_page_numbers_after_rows_at_page_intervals_are_no_cells(copy: str):
    """24 pages of each row copy, each with three page numbers or more: every cell is read
    as the copy without them reads it, and as the page shows it."""
    for k in range(24):
        text, paged, values, doc = _paged(copy, k)
        assert paged != text
        assert _read(paged) == _read(text), k
        got = parse_bytes(paged.encode("utf-8"), "page.txt")
        assert _differences(got, doc, values) == {}, k


@pytest.mark.parametrize("copy", sorted(_ROW_COPIES))
def test_a_lone_figure_after_a_row_that_no_run_of_pages_explains_stays_a_possible_tail(copy: str):
    """One bare figure after a row, with no other page number to run with: it may be the
    tail of the row's last number wrapped at a width, so that number is not read, and the
    report says why."""
    for k in range(12):
        rng = random.Random(f"lone-figure:{copy}:{k}")
        template, year = FORMATS[k % len(FORMATS)]
        doc, _ = _document(rng, template, year, blanks="none")
        text = _ROW_COPIES[copy][0](doc, rng)
        at = rng.choice(_row_lines(text, doc))
        got = parse_bytes(_with_lines(text.split("\n"), {at: "5"}).encode("utf-8"), "page.txt")
        assert any("wrapped inside a number" in p for p in got.problems), k
