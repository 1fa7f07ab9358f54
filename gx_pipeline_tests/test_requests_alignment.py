"""The requests table's values under their columns, where a page draws a column after 总计,
writes a value cell the parser cannot read, or turns the table on its side.

Each test draws pages of one family from the page generator (its values, agencies and
renderings; both format versions; web pages and text copies) and asserts that every number
read is the one the page shows under that row and column, and that a cell not read leaves
the report flagged: a number under the wrong column, even flagged, fails.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from gx_pipeline import trust
from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import Document, GCell, Table, keyed_cells, map_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.report import Report
from gx_pipeline_tests import test_generated_hazards as hazards


def _ends_trimmed(text: str) -> str:
    """A grid copy whose editor left each row's empty end cells out (| a | b |  |  → | a | b |)."""
    return "\n".join(re.sub(r"(\|\s*)+\|\s*$", "|", line) for line in text.split("\n"))


#: the generated-hazard renderings, and a TAB copy that keeps a row's blank end cells
RENDERINGS = {
    **hazards.RENDERINGS,
    "tabs": lambda doc, rng: (render_text.tab_rows(doc, rng, trimmed=False), ".txt"),
}
FORMATS = hazards.FORMATS
#: pages drawn for each case
PAGES = 6


def _document(rng: random.Random) -> tuple[Document, dict]:
    """A generated page (values left blank in one of the generator's ways) and its values."""
    return hazards._document(rng, *rng.choice(FORMATS))


def _parse(doc: Document, rendering: str, rng: random.Random) -> Report:
    text, ext = RENDERINGS[rendering](doc, rng)
    return parse_bytes(text.encode("utf-8"), f"page{ext}")


def _flagged(got: Report) -> bool:
    # (the 2019 format's bare procurement amount is flagged on every such page: it says
    # nothing of the tables)
    return bool(set(trust.assess(got).reasons) - {"unit_assumed"})


def _check(got: Report, truth: dict) -> None:
    """Every number read is the truth's; a truth number not read leaves the report flagged."""
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    wrong = {k: (truth.get(k), v) for k, v in read.items() if v is not None and v != truth.get(k)}
    assert not wrong, (wrong, got.problems)
    missing = {k: v for k, v in truth.items() if v is not None and read.get(k) is None}
    assert not missing or _flagged(got), (missing, got.problems)


def _truth(doc: Document, values: dict) -> dict:
    return {k: values.get(k) for k, _ in keyed_cells(doc)}


def _header_rows(table: Table) -> int:
    return next(i for i, row in enumerate(table.rows) if not all(c.header for c in row))


# --- a column after 总计 -----------------------------------------------------------------------

#: what a column after 总计 holds: (its heading, a cell of a row given the row's total)
_TRAILING = {
    "remarks-empty": ("备注", lambda rng, total: ""),
    "remarks-nullmark": ("备注", lambda rng, total: rng.choice(("无", "/", "—"))),
    "remarks-words": ("备 注", lambda rng, total: rng.choice(("无", "含网上申请", ""))),
    "notes-mixed": ("说明", lambda rng, total: rng.choice(("", "", "无", "/", "详见说明"))),
    "last-year": ("上年总计", lambda rng, total: str(rng.randint(0, 30))),
    # (the heading words a row label's core: 二、上年结转政府信息公开申请数量)
    "carried-last-year": ("上年结转", lambda rng, total: str(rng.randint(0, 30))),
    "change": ("同比增减", lambda rng, total: str(rng.randint(-5, 5))),
    "share": ("占比", lambda rng, total: f"{rng.randint(0, 100)}%"),
}


def _with_trailing(table: Table, heading: str, cell, rng: random.Random) -> Table:
    """The requests table with one more column after 总计, its heading drawn down the header."""
    top = _header_rows(table)
    rows = []
    for j, row in enumerate(table.rows):
        if j == 0:
            rows.append(row + (GCell(heading, rowspan=top, header=True),))
        elif j < top:
            rows.append(row)
        else:
            rows.append(row + (GCell(cell(rng, None)),))
    return replace(table, rows=tuple(rows), width=table.width + 1)


def _trailing(doc: Document, kind: str, rng: random.Random) -> Document:
    """The page with a column of `kind` after 总计 in its requests table."""
    heading, cell = _TRAILING[kind]
    return map_tables(
        doc, lambda t: _with_trailing(t, heading, cell, rng) if t.section == "requests" else t
    )


def _page_with_trailing(kind: str, rng: random.Random) -> tuple[Document, Document, dict]:
    """A generated page, the same with a column of `kind` after 总计, and its values."""
    doc, values = _document(rng)
    return doc, _trailing(doc, kind, rng), values


@pytest.mark.parametrize("kind", sorted(_TRAILING))
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_column_after_the_total_takes_no_value_of_the_row(kind: str, rendering: str):
    rng = random.Random(f"{kind}-{rendering}")
    for _ in range(3 * PAGES):
        doc, page, values = _page_with_trailing(kind, rng)
        _check(_parse(page, rendering, rng), _truth(doc, values))


@pytest.mark.parametrize("kind", sorted(_TRAILING))
def test_a_grid_copy_without_its_empty_end_cells_reads_no_row_a_column_off_unsaid(kind: str):
    """A converter's grid (covered positions blank in front of a row's values) whose editor
    left each row's empty end cells out: a row may end before its cell behind 总计 or before
    its empty last values, so its blanks in front tell no place. Read as if its cell behind
    总计 were there, the row lost its 总计 for that cell, said nowhere. (Such a copy leaves
    some values in doubt, flagged, with no column after 总计 too.)"""
    rng = random.Random(f"trimmed-{kind}")
    for _ in range(4 * PAGES):
        doc, page, values = _page_with_trailing(kind, rng)
        text = _ends_trimmed(render_text.grid_markdown(page, rng, repeat=False))
        got = parse_bytes(text.encode("utf-8"), "page.md")
        truth = _truth(doc, values)
        wrong = {
            (c.section, c.row, c.col): (truth.get((c.section, c.row, c.col)), c.value)
            for c in got.cells
            if c.value is not None and c.value != truth.get((c.section, c.row, c.col))
        }
        assert not wrong or _flagged(got), (wrong, got.problems)


@pytest.mark.parametrize("kind", sorted(_TRAILING))
def test_a_converter_s_grid_with_a_column_after_the_total_reads_every_value(kind: str):
    """A converter's Markdown of the table's whole grid, a merged cell's covered positions
    left blank, with a column after 总计 whose cells are all written (无, /, a figure): no
    row ends in an empty cell, which is how a copy whose editor left rows' empty end cells
    out looks, and each row was withheld for where it may end. The grid's header rows end in
    empty cells (总计's and the column's covered positions under their headings drawn down):
    such a copy leaves no end cell out, and each row's cells stand where the header's do."""
    rng = random.Random(f"converter-grid-{kind}")
    heading, cell = _TRAILING[kind]

    def written(rng: random.Random, total) -> str:
        return cell(rng, total) or rng.choice(("无", "/", "0"))

    for _ in range(3 * PAGES):
        doc, values = _document(rng)
        page = map_tables(
            doc,
            lambda t: _with_trailing(t, heading, written, rng) if t.section == "requests" else t,
        )
        text = render_text.grid_markdown(page, rng, repeat=False)
        got = parse_bytes(text.encode("utf-8"), "page.md")
        truth = _truth(doc, values)
        _check(got, truth)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        missing = {k: v for k, v in truth.items() if k[0] == "requests" and read.get(k) != v}
        assert not missing, (missing, got.problems)


#: what a column after 总计 whose heading is left empty holds
_UNHEADED = {
    "blank": lambda rng, total: "",
    "marks": lambda rng, total: rng.choice(("无", "/", "—", "")),
    "figures": lambda rng, total: str(rng.randint(0, 30)),
    "some-figures": lambda rng, total: rng.choice(("", "", str(rng.randint(0, 9)))),
}


@pytest.mark.parametrize("kind", sorted(_UNHEADED))
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_column_after_the_total_with_no_heading_takes_no_value_of_the_row(
    kind: str, rendering: str
):
    """A column drawn after 总计 whose heading cell is left empty (last year's figures, or
    remarks, under no word at all): its heading says nothing, so nothing marked it as a
    column after 总计, and a row blank in its first column was read from the right (taken
    for a merged label's covered position), its cell behind 总计 read as the row's 总计 and
    each value a column off, flagged only for the rows that did not fit."""
    rng = random.Random(f"unheaded-{kind}-{rendering}")
    for _ in range(2 * PAGES):
        doc, values = _document(rng)
        page = map_tables(
            doc,
            lambda t: _with_trailing(t, "", _UNHEADED[kind], rng) if t.section == "requests" else t,
        )
        got = _parse(page, rendering, rng)
        _check(got, _truth(doc, values))
        read = {(c.section, c.row, c.col) for c in got.cells if c.value is not None}
        truth = {k for k, v in _truth(doc, values).items() if v is not None}
        if kind == "blank" and truth <= read:
            # an empty column with no heading (or an empty end cell behind each row, as a
            # document's table draws one) holds nothing: where every row was read, nothing
            # of it is said as left out
            assert not any("columns drawn after 总计" in p for p in got.problems), got.problems


#: cell-a-line copies that write a row's fillers after its cells: the seed's (a lone `|`
#: after the row's last cell) and a tool's padding each row past its end
_CELL_LINES = {
    "seed": render_text.cell_lines,
    "padded-bars": render_text.padded_cell_lines,
    "padded-double": lambda doc, rng: render_text.padded_cell_lines(doc, rng, fillers="double"),
    "padded-empty": lambda doc, rng: render_text.padded_cell_lines(doc, rng, fillers="empty"),
}


@pytest.mark.parametrize("kind", sorted(_TRAILING))
@pytest.mark.parametrize("copy", sorted(_CELL_LINES))
def test_a_column_after_the_total_tells_no_cell_a_line_copy_s_way_of_writing_its_rows(
    kind: str, copy: str
):
    """A cell-a-line copy's rows with a column after 总计: a row whose last cell is the one
    behind 总计 (a mark, a word, a figure) and whose first is blank is no sign that the copy
    writes a merged label's covered positions in front of the values. Taken for one, the
    seed's copy (its fillers after a row's cells) had the rows blank in their first and last
    applicant columns placed by their neighbours one column right: 总计's 0 under 其他,
    unflagged. Zeros are left blank, so such rows abound."""
    rng = random.Random(f"cell-lines-{kind}-{copy}")
    for _ in range(PAGES):
        doc, values = hazards._document(rng, *rng.choice(FORMATS), blanks="zeros_blank")
        text = _CELL_LINES[copy](_trailing(doc, kind, rng), rng)
        _check(parse_bytes(text.encode("utf-8"), "page.txt"), _truth(doc, values))


# --- a value cell the parser cannot read ---------------------------------------------------

_CN = "零一二三四五六七八九"


def _numeral(v: int) -> str:
    if v < 10:
        return _CN[v]
    if v < 20:
        return "十" + (_CN[v % 10] if v % 10 else "")
    if v < 100:
        return _CN[v // 10] + "十" + (_CN[v % 10] if v % 10 else "")
    return str(v)


#: a count written with marks around it, or as a Chinese numeral
_JUNK = {
    "about": lambda v: f"约{v}",
    "more-than": lambda v: f"{v}余",
    "at-least": lambda v: f"≥{v}",
    "stop": lambda v: f"{v}。",
    "plus": lambda v: f"{v}+",
    "paren": lambda v: f"({v})",
    "numeral": lambda v: _numeral(int(v)),
}


@pytest.mark.parametrize("junk", sorted(_JUNK))
@pytest.mark.parametrize("share", [0.05, 0.3, 1.0])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_cell_not_read_keeps_its_place_in_the_row(junk: str, share: float, rendering: str):
    rng = random.Random(f"{junk}-{share}-{rendering}")
    for _ in range(PAGES):
        doc, values = _document(rng)

        def marked(position, c: GCell, values: dict = values) -> GCell:
            if c.key is None or c.key[0] == "proactive" or values.get(c.key) is None:
                return c
            return replace(c, text=_JUNK[junk](values[c.key])) if rng.random() < share else c

        _check(_parse(map_cells(doc, marked), rendering, rng), _truth(doc, values))


# --- the requests table on its side ----------------------------------------------------------

_APPLICANT_HEADINGS = (
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
)


def _on_its_side(table: Table, totals: bool) -> Table:
    """The table turned: a row per applicant, the rows' labels across the header (the last
    label of each row, 一、本年新收… or （七）总计); `totals`: with its 总计 applicant row."""
    data = table.rows[_header_rows(table) :]
    labels = [
        next(c.text for c in reversed(row[:-7]) if not c.text.startswith("三、")) for row in data
    ]
    keep = range(7) if totals else range(6)
    header = (GCell("申请人情况", header=True),) + tuple(GCell(w, header=True) for w in labels)
    rows = [header] + [
        (GCell(_APPLICANT_HEADINGS[j]),) + tuple(row[-7:][j] for row in data) for j in keep
    ]
    return Table("requests", tuple(rows), len(header))


@pytest.mark.parametrize("totals", [True, False])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_the_requests_table_on_its_side_gives_no_row_s_values_as_another_s(
    totals: bool, rendering: str
):
    rng = random.Random(f"side-{totals}-{rendering}")
    for _ in range(PAGES):
        doc, values = _document(rng)
        page = map_tables(doc, lambda t: _on_its_side(t, totals) if t.section == "requests" else t)
        got = _parse(page, rendering, rng)
        _check(got, _truth(doc, values))
        assert _flagged(got), got.problems


# --- a column after 总计 in copies writing every grid position of their value rows ------------

#: cell-a-line copies whose value rows write every grid position (a merged label's covered
#: positions as empty cells in front of its values): of the whole grid (`x |` lines, or bare
#: lines between separator lines), and with the header's covered positions as fillers
_GRID_COPIES = {
    "grid": lambda doc, rng: render_text.grid_cell_lines(doc, rng),
    "grid-separators": lambda doc, rng: render_text.grid_cell_lines(doc, rng, separators=True),
    "header-fillers": lambda doc, rng: render_text.padded_header_grid_cell_lines(
        doc,
        rng,
        fillers=rng.choice(("bars", "double", "empty")),
        at=rng.choice(("end", "mid")),
        row_end=rng.choice(("", "empty", "pad")),
        separators=rng.random() < 0.5,
    ),
}


def _wrong(got: Report, truth: dict) -> dict:
    """Numbers read that are not the page's under their row and column, flagged or not."""
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    return {k: (truth.get(k), v) for k, v in read.items() if v is not None and v != truth.get(k)}


@pytest.mark.parametrize("blanks", ["none", "zeros_blank", "sparse", "ends"])
@pytest.mark.parametrize("kind", ["none", *sorted(_TRAILING)])
@pytest.mark.parametrize("copy", sorted(_GRID_COPIES))
def test_a_copy_writing_every_grid_position_reads_every_number_where_it_stands(
    copy: str, kind: str, blanks: str
):
    """A cell-a-line copy whose value rows write every grid position: between a row's label
    and the next row's stand the positions its label covers, its seven columns, the cell of
    a column drawn after 总计 (a remark, last year's figure, a change, a share) and the
    positions in front of the next row's label, all cells. Where the copy does not tell the
    header's rows apart (the whole grid a cell a line), 同比增减 after 申请人情况 was read as the
    first column and every row's values a column off; a row's remark or figure behind 总计
    was read as its 总计, with the page flagged for other rows. `blanks`: values left blank
    as the generator does, or (`ends`) rows inside a result group blank in their first and
    last columns. Every number read is the page's under its row and column; a number not
    read leaves the page flagged."""
    rng = random.Random(f"grid-copies:{copy}:{kind}:{blanks}")
    for k in range(PAGES):
        template, year = FORMATS[k % len(FORMATS)]
        if blanks == "ends":
            doc, values = hazards._document(rng, template, year)
            doc, _ = hazards._blank_at_both_ends(rng, doc, values, template)
        else:
            doc, values = hazards._document(rng, template, year, blanks=blanks)
        page = doc if kind == "none" else _trailing(doc, kind, rng)
        got = parse_bytes(_GRID_COPIES[copy](page, rng).encode("utf-8"), "page.txt")
        truth = _truth(doc, values)
        assert _wrong(got, truth) == {}, (template, year, got.problems)
        _check(got, truth)


# --- the natural-person column drawn two wide ------------------------------------------------


def _natural_person_two_wide(table: Table, how: str) -> Table:
    """The requests table with a blank column beside 自然人's: its heading spanning both
    (`span`), or a heading cell left empty behind it (`cell`); the rows' cell there blank."""
    top = _header_rows(table)
    rows = []
    for j, row in enumerate(table.rows):
        cells = list(row)
        if j < top:
            for k, c in enumerate(cells):
                if c.text == "申请人情况":
                    cells[k] = replace(c, colspan=c.colspan + 1)
                elif c.text == "自然人":
                    if how == "span":
                        cells[k] = replace(c, colspan=2)
                    else:
                        cells.insert(k + 1, GCell("", rowspan=c.rowspan, header=True))
                    break
        else:
            k = next(k for k, c in enumerate(cells) if c.key and c.key[2] == "natural_person")
            cells.insert(k + 1, GCell(""))
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows), width=table.width + 1)


@pytest.mark.parametrize("how", ["span", "cell"])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_blank_column_beside_the_natural_person_s_reads_no_value_a_column_off_unsaid(
    how: str, rendering: str
):
    """自然人's column drawn two wide (its heading over two columns, or an empty heading
    cell behind it), the rows' cell beside its value blank: each row has a cell more than
    the template's columns. A row whose last two cells say the same (0 and 0, 1 and 1: its
    其他 and 总计 alike) was taken for a merged value copied into a covered position behind
    总计, and read from its first cell: the blank beside 自然人 read as 商业企业's and each
    value after it a column off (其他's under 总计), unflagged. Zeros and blanks abound in
    such rows. A number read is the page's; a number not read leaves the page flagged."""
    rng = random.Random(f"two-wide-{how}-{rendering}")
    for _ in range(3 * PAGES):
        doc, values = _document(rng)
        page = map_tables(
            doc, lambda t: _natural_person_two_wide(t, how) if t.section == "requests" else t
        )
        got = _parse(page, rendering, rng)
        truth = _truth(doc, values)
        off = _wrong(got, truth)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        missing = {k: v for k, v in truth.items() if v is not None and read.get(k) is None}
        assert not (off or missing) or _flagged(got), (off, missing, got.problems)


@pytest.mark.parametrize("how", ["span", "cell"])
@pytest.mark.parametrize("rendering", ["trs", "word"])
def test_a_web_page_s_blank_column_beside_the_natural_person_s_reads_no_value_a_column_off(
    how: str, rendering: str
):
    """On a web page 申请人情况 spans the blank column too (eight columns where the headings
    name seven): a row of eight cells ending in a blank (总计 left blank) was read as if the
    blank past its last column were a covered position, the blank beside 自然人 as 商业企业's
    and each value after it a column off, its 其他's 0 read as 总计 (flagged for other rows).
    Such a header tells that a column without a heading of its own stands among the
    applicants', not where: no row of a cell more is read, and every number read is the
    page's under its row and column."""
    rng = random.Random(f"web-two-wide-{how}-{rendering}")
    for _ in range(4 * PAGES):
        doc, values = _document(rng)
        page = map_tables(
            doc, lambda t: _natural_person_two_wide(t, how) if t.section == "requests" else t
        )
        _check(_parse(page, rendering, rng), _truth(doc, values))
