"""A requests table that draws only some of the applicant columns: an agency with no request
from research institutions or public-interest organisations leaves their columns out, and the
header names each column it keeps (自然人 | 商业企业 | 总计, or 自然人 | 法人或其他组织 over the
group's kept headings | 总计). On a web page, which draws every cell of a row, each value stands
under the heading above it: the kept columns are certain, and the ones left out are not on the
page (said). A copy whose empty fields for merged positions follow a row's cells is read so
where the totals bear it out. Other copies may read less, never a number wrong.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import GCell, Table, keyed_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document
from gx_pipeline_tests.test_header_columns import COPIES, SUBS, _flagged, _h, _judged, _read

#: copies that draw each cell of a row, a blank one too: web pages, bars and a cell a line
#: (whose empty fields for merged cells' positions stand after the row's cells)
DRAWN = ("trs", "trs-nospan", "word", "pipe", "celllines")


def _condensed(table: Table, kept: tuple[str, ...], grouped: bool, truth: dict) -> Table:
    """The requests table with only the group's columns in `kept`; the values of those left
    out are taken out of 总计 too (the agency's own sums hold), and out of the truth."""
    width = 2 + len(kept)
    corner = table.rows[0][0].text
    if grouped:
        header = [
            (_h(corner, rowspan=3, colspan=3), _h("申请人情况", colspan=width)),
            (
                _h("自然人", rowspan=2),
                _h("法人或其他组织", colspan=len(kept)),
                _h("总计", rowspan=2),
            ),
            tuple(_h(h) for h in kept),
        ]
    else:
        header = [
            (_h(corner, rowspan=2, colspan=3), _h("申请人情况", colspan=width)),
            (_h("自然人"), *(_h(h) for h in kept), _h("总计")),
        ]
    keep = [0, *(1 + SUBS.index(h) for h in kept), 6]
    rows = []
    for row in table.rows[3:]:
        label, cells = row[:-7], list(row[-7:])
        gone = 0
        for k, cell in enumerate(cells[1:6], start=1):
            if k not in keep:
                gone += int(truth.pop(cell.key, None) or 0)
        total = truth.get(cells[6].key)
        if gone and total is not None:
            truth[cells[6].key] = total - gone
            cells[6] = replace(cells[6], text=str(total - gone))
        rows.append((*label, *(cells[k] for k in keep)))
    return replace(table, rows=(*header, *rows), width=3 + width)


def _condensed_page(doc, values: dict, kept, grouped: bool, shaped=lambda t: t):
    """The page with its requests table drawing only the group's columns in `kept` (then
    `shaped`), and the figures it shows: (page, truth)."""
    truth = {k: values.get(k) for k, _ in keyed_cells(doc)}
    doc = map_tables(
        doc,
        lambda t: shaped(_condensed(t, kept, grouped, truth)) if t.section == "requests" else t,
    )
    return doc, {k: truth[k] for k, _ in keyed_cells(doc)}


@pytest.mark.parametrize("grouped", (True, False), ids=("grouped", "flat"))
@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_table_drawing_only_some_applicant_columns_reads_each_under_its_heading(
    rendering: str, grouped: bool
):
    """No number read wrong, the columns left out said; on a web page every value of a kept
    column is read."""
    rng = random.Random(f"condensed-{rendering}-{grouped}")
    for _ in range(6):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.4)[:4] or (rng.choice(SUBS),)
        doc, truth = _condensed_page(doc, values, kept, grouped)
        got = _read(doc, rendering, rng)
        wrong, missing = _judged(got, truth)
        assert not wrong, (template, year, kept, wrong)
        assert _flagged(got), (kept, got.problems)  # the columns left out are not on the page
        if rendering in DRAWN:
            assert not missing, (template, year, kept, sorted(missing), got.problems)


def test_a_kept_column_is_never_read_under_a_heading_left_out():
    """A page whose value rows are as wide as the header names columns, but whose header
    names them in another order than the template's, is not read by position (the values
    may stand in the template's order under a header written otherwise)."""
    rng = random.Random("condensed-order")
    doc, values = _document(rng, "2021", 2023, blanks="none")
    truth = {k: values.get(k) for k, _ in keyed_cells(doc)}
    doc = map_tables(
        doc,
        lambda t: (
            _condensed(t, ("商业企业", "其他"), False, truth) if t.section == "requests" else t
        ),
    )

    def swapped(t: Table) -> Table:
        if t.section != "requests":
            return t
        head = t.rows[1]
        return replace(t, rows=(t.rows[0], (head[0], head[2], head[1], head[3]), *t.rows[2:]))

    doc = map_tables(doc, swapped)
    got = _read(doc, "trs", rng)
    read = {(c.row, c.col) for c in got.cells if c.section == "requests" and c.value is not None}
    assert not {(r, c) for r, c in read if c in ("enterprise", "other_org")}, got.problems
    assert _flagged(got)


def _blank_before_values(table: Table) -> Table:
    """The table with a blank cell drawn between each row's label and its values (a label
    column left empty, the corner widened over it)."""
    top = 3 if all(c.header for c in table.rows[2]) else 2
    head = (replace(table.rows[0][0], colspan=table.rows[0][0].colspan + 1), *table.rows[0][1:])
    rows = [head, *table.rows[1:top]]
    values = table.width - 3
    for row in table.rows[top:]:
        rows.append((*row[:-values], GCell(""), *row[-values:]))
    return replace(table, rows=tuple(rows), width=table.width + 1)


@pytest.mark.parametrize("rendering", ("pipe", "celllines"))
def test_a_blank_cell_before_the_values_of_a_copy_with_fillers_gives_no_number_wrong(
    rendering: str,
):
    """A copy with bars or a cell a line of a table drawing a blank cell before each row's
    values writes it first and the empty fields for the label's merged positions after: a
    row then has blanks at both ends, and which of its fields are the columns' is not told
    by its shape (the totals check only the rows whose cells are all numbers). No number is
    read under another heading."""
    rng = random.Random(f"condensed-blank-before-{rendering}")
    for _ in range(12):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year, blanks="sparse")
        kept = (rng.choice(SUBS),)
        doc, truth = _condensed_page(doc, values, kept, False, _blank_before_values)
        got = _read(doc, rendering, rng)
        wrong, _ = _judged(got, truth)
        assert not wrong, (template, year, kept, wrong)


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_blank_cell_before_the_values_of_a_table_lacking_one_column_is_no_applicant_column(
    rendering: str,
):
    """A table that leaves one applicant column out and draws a blank cell before each row's
    values has rows of seven cells under a header naming six: read in the template's order,
    the blank went under 自然人 and each value one column right, with nothing said. A first
    cell blank in every row is not 自然人's figure: the values are read under the headings
    above them, or not at all."""
    rng = random.Random(f"condensed-six-blank-before-{rendering}")
    for _ in range(8):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        left_out = rng.choice(SUBS)
        kept = tuple(h for h in SUBS if h != left_out)
        grouped = rng.random() < 0.5
        doc, truth = _condensed_page(doc, values, kept, grouped, _blank_before_values)
        got = _read(doc, rendering, rng)
        wrong, _ = _judged(got, truth)
        assert not wrong, (template, year, kept, grouped, sorted(wrong.items())[:4])
        assert _flagged(got), (kept, got.problems)


def _ends_drawn_blank(table: Table) -> Table:
    """The grouped header with 自然人 and 总计 drawn in its second row alone and empty cells
    under them in the third, beside the group's kept headings (no cell drawn down)."""
    rows = list(table.rows)
    rows[1] = tuple(replace(c, rowspan=1) if c.text in ("自然人", "总计") else c for c in rows[1])
    rows[2] = (_h(""), *rows[2], _h(""))
    return replace(table, rows=tuple(rows))


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_empty_cells_under_natural_person_and_total_leave_the_kept_columns_in_place(
    rendering: str,
):
    """A header whose third row draws empty cells under 自然人 and 总计 around the group's
    kept headings (空 | 商业企业 | 其他 | 空): the blanks are those two columns', pinned by the
    row above, not headings of the group left blank. On a page that draws every cell, the
    kept columns are read; no number is read wrong anywhere."""
    rng = random.Random(f"condensed-ends-blank-{rendering}")
    for _ in range(6):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.4)[:4] or (rng.choice(SUBS),)
        doc, truth = _condensed_page(doc, values, kept, True, _ends_drawn_blank)
        got = _read(doc, rendering, rng)
        wrong, missing = _judged(got, truth)
        assert not wrong, (template, year, kept, sorted(wrong.items())[:4])
        assert _flagged(got), (kept, got.problems)
        if rendering in DRAWN:
            assert not missing, (template, year, kept, sorted(missing)[:4], got.problems)


def _remarks_with_numbers(rng: random.Random):
    """A 备注 column drawn down beside 申请人情况 after the kept columns, each row's cell a
    small number (last year's figure, a count of requests made online)."""

    def shaped(table: Table) -> Table:
        top = 3 if all(c.header for c in table.rows[2]) else 2
        rows = [
            (*row, _h("备注", rowspan=top))
            if k == 0
            else row
            if k < top
            else (*row, GCell(str(rng.randrange(0, 5))))
            for k, row in enumerate(table.rows)
        ]
        return replace(table, rows=tuple(rows), width=table.width + 1)

    return shaped


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_numbers_in_a_remarks_column_after_the_kept_columns_are_no_applicant_values(
    rendering: str,
):
    """A table drawing only some applicant columns and a 备注 column of numbers after 总计 has
    rows as many cells wide as the template's seven columns (or near): taken for them, 备注's
    number was read as 总计 and each kept value under a heading the page left out. The rows'
    width is the header's: its columns, then those after 总计; no number is read wrong."""
    rng = random.Random(f"condensed-remarks-numbers-{rendering}")
    for _ in range(6):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.6)[:4] or (rng.choice(SUBS),)
        grouped = rng.random() < 0.5
        doc, truth = _condensed_page(doc, values, kept, grouped, _remarks_with_numbers(rng))
        got = _read(doc, rendering, rng)
        wrong, _ = _judged(got, truth)
        assert not wrong, (template, year, kept, grouped, sorted(wrong.items())[:4])
        assert _flagged(got), (kept, got.problems)


def _kept_headings_only(kept: tuple[str, ...]):
    """The whole seven-column table whose third header row draws empty cells under 自然人 and
    总计 and only the group's kept headings between them (the rows keep all seven cells)."""

    def shaped(table: Table) -> Table:
        rows = list(table.rows)
        rows[1] = tuple(
            replace(c, rowspan=1) if c.text in ("自然人", "总计") else c for c in rows[1]
        )
        rows[2] = (_h(""), *(c for c in rows[2] if c.text in kept), _h(""))
        return replace(table, rows=tuple(rows))

    return shaped


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_header_row_drawing_fewer_headings_than_its_group_spans_places_none_of_them(
    rendering: str,
):
    """A grouped header whose third row draws only some of the group's headings while every
    row keeps the seven cells: the row is short, and a copy of the whole grid (Markdown) pads
    its end with blanks, so the headings drawn stand at the start of the group's span, not
    over their columns. Their places are not told; no number is read under them wrong."""
    rng = random.Random(f"condensed-kept-headings-only-{rendering}")
    for _ in range(6):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.4)[:4] or (rng.choice(SUBS),)
        truth = {k: values.get(k) for k, _ in keyed_cells(doc)}
        shaped = _kept_headings_only(kept)
        doc = map_tables(doc, lambda t, shaped=shaped: shaped(t) if t.section == "requests" else t)
        got = _read(doc, rendering, rng)
        wrong, _ = _judged(got, truth)
        assert not wrong, (template, year, kept, sorted(wrong.items())[:4])


_SHAPES = {
    "plain": lambda rng: None,
    "blank-before": lambda rng: _blank_before_values,
    "ends-blank": lambda rng: _ends_drawn_blank,
    "remarks-numbers": _remarks_with_numbers,
}


@pytest.mark.parametrize(
    ("shape", "grouped"),
    [(s, g) for s in sorted(_SHAPES) for g in (True, False) if g or s != "ends-blank"],
)
def test_a_condensed_table_copied_a_cell_a_line_over_its_whole_grid_reads_no_number_wrong(
    shape: str, grouped: bool
):
    """A table drawing only some applicant columns, copied a cell a line over each position
    of its grid: the value rows write the positions their labels cover as empty lines before
    or after the values, seven or more cells where the header names six or fewer. Taken for
    the template's seven columns, the values were read in the template's order (总计's value
    under 其他, each kept value a column left). No number is read wrong; where every row draws
    as many cells from its first to its last as the header names headings, and the totals
    bear it out, each is read under its heading."""
    rng = random.Random(f"condensed-gridlines-{shape}-{grouped}")
    read = 0
    for _ in range(10):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        kept = tuple(h for h in SUBS if rng.random() < 0.4)[:4] or (rng.choice(SUBS),)
        doc, truth = _condensed_page(
            doc, values, kept, grouped, _SHAPES[shape](rng) or (lambda t: t)
        )
        got = parse_bytes(render_text.grid_cell_lines(doc, rng).encode("utf-8"), "page.txt")
        wrong, missing = _judged(got, truth)
        assert not wrong, (template, year, kept, sorted(wrong.items())[:4], got.problems)
        assert _flagged(got), (kept, got.problems)
        read += sum(1 for k, v in truth.items() if k[0] == "requests" and k not in missing)
    if shape == "plain":
        assert read, "no kept column read on any page"
