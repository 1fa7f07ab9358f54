"""Page numbers a PDF viewer's copy keeps between a report's rows: the viewer copies each
page's foot with its text, so a table running over pages leaves the page's number on a line of
its own after the row that closes the page (`行政许可  3  0  12` / `5` / the next row). A
bare number there reads as the tail of the row's last number wrapped onto the next line, and
the row's last number was withheld; numbers running one a page at page intervals are the
pages' numbers, no cell, and the rows are read whole."""

from __future__ import annotations

import random
import re

import pytest

from gx_pipeline import contract
from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import LayoutOptions, ValueFormat, build_document, section_tables
from gx_pipeline.pagegen.metadata import make_meta
from gx_pipeline.pagegen.values import generate
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


def _small_granted(k: int, rendering: str) -> tuple[str, dict]:
    """The k-th page of a cell-a-line copy (a blank line between cells, or none) whose
    request labels keep a space after their numbering (（一） 予以公开, as a PDF's copy
    writes the gap after the number), its 予以公开 row drawn 1 / blank / … / 2 / blank / 3
    (one natural person, two legal service bodies): figures running one more each, the first
    on the line after its label (the copy, the values). 新收 and 总计 take the
    row's change, so the report's tallies hold."""
    rng = random.Random(f"label-space-figures:{rendering}:{k}")
    template, year = FORMATS[k % len(FORMATS)]
    values = generate(rng, template)
    new = {c.code: None for c in contract.REQUEST_COLUMNS}
    new |= {"natural_person": 1, "legal_service": 2, "total": 3}
    for col, value in new.items():
        change = (value or 0) - (values[("requests", "granted", col)] or 0)
        values[("requests", "granted", col)] = value
        for row in ("new_received", "results_total"):
            values[("requests", row, col)] = (values[("requests", row, col)] or 0) + change
    # (a copy with blank lines between its cells shows no blank cell written as nothing)
    nulls = ("—", "/") if rendering == "blanklines" else ("", "—", "/")
    opts = LayoutOptions(template=template, year=year, fmt=ValueFormat(null_text=rng.choice(nulls)))
    doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
    draw = render_text.blank_lines if rendering == "blanklines" else render_text.cell_lines
    text = re.sub(r"(?m)^([（(][一二三四五六七]+[）)])(?=\S)", r"\1 ", draw(doc, rng))
    return text, values


@pytest.mark.parametrize("rendering", ["blanklines", "celllines"])
def test_figures_after_a_label_are_cells_whatever_they_run(rendering: str):
    """A cell-a-line copy writes a row's first figure on the line after its label: no
    number's wrapped tail (a tail follows a number) and no page's foot, though the figures
    of a row run one more each at the intervals of the lines a blank-line copy doubles. Each
    page's 予以公开 row is read whole."""
    for k in range(10):
        text, values = _small_granted(k, rendering)
        assert "（一） 予以公开" in text, k
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        read = {c.col: c.value for c in got.cells if c.section == "requests" and c.row == "granted"}
        assert read == {c: values[("requests", "granted", c)] for c in read}, (k, got.problems)
        assert read.get("natural_person") == 1 and read.get("total") == 3, (k, got.problems)
