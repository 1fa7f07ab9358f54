"""The requests table's applicant columns read from a header that is not the plain three rows:
a heading of the group drawn down beside 法人或其他组织 (rowspan=2, the group spanning the
others), 总计 or 自然人 drawn in the third row, columns the template lacks (个体工商户 anywhere
among the group, 其他 split in two, 律师事务所), a 备注 column drawn down all the header's rows.
Each test draws pages of one shape in both format versions and in web pages and text copies,
and asserts every number read equals the page's, and that a number not read is flagged.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline import trust
from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import GCell, Table, keyed_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.report import Report
from gx_pipeline_tests.test_generated_hazards import FORMATS, RENDERINGS, _document
from gx_pipeline_tests.test_requests_alignment import _TRAILING, _with_trailing

#: the copies: web pages (their spans laid out, or drawn without spans), text copies keeping
#: the header's rows (bars, a cell a line, TABs) and copies of the whole grid (Markdown)
COPIES = {
    **RENDERINGS,
    "tabs": lambda doc, rng: (render_text.tab_rows(doc, rng, trimmed=False), ".txt"),
}
#: copies that lay out the header's cells where they stand: each heading's column is certain
GRIDS = ("trs", "word", "md-repeat", "md-blank")
SUBS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def _read(doc, rendering: str, rng: random.Random) -> Report:
    text, ext = {**COPIES, **SPACED}[rendering](doc, rng)
    return parse_bytes(text.encode("utf-8"), f"page{ext}")


def _h(text: str, **span) -> GCell:
    return GCell(text, header=True, **span)


def _drawn_down(corner: str, shape: str) -> list[tuple[GCell, ...]]:
    """The header's three rows of one shape: the group's headings listed in `shape` as
    "apart" drawn down from the group's row beside it, the rest under it."""
    top = (_h(corner, rowspan=3, colspan=3), _h("申请人情况", colspan=7))
    if shape == "natural_row3":  # 自然人 under a blank in the group's row
        return [
            top,
            (_h(""), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)),
            (_h("自然人"), *(_h(h) for h in SUBS)),
        ]
    apart = {
        "first": ("商业企业",),
        "last": ("其他",),
        "both": ("商业企业", "其他"),
        "legal_other": ("法律服务机构", "其他"),
        "last_total_row3": ("其他",),
    }[shape]
    under = [h for h in SUBS if h not in apart]
    before = [h for h in apart if SUBS.index(h) < SUBS.index(under[0])]
    after = [h for h in apart if h not in before]
    total_row3 = shape.endswith("total_row3")
    middle = (
        _h("自然人", rowspan=2),
        *(_h(h, rowspan=2) for h in before),
        _h("法人或其他组织", colspan=len(under)),
        *(_h(h, rowspan=2) for h in after),
        _h("") if total_row3 else _h("总计", rowspan=2),
    )
    return [top, middle, (*(_h(h) for h in under), *((_h("总计"),) if total_row3 else ()))]


def _with_header(table: Table, shape: str) -> Table:
    return replace(table, rows=(*_drawn_down(table.rows[0][0].text, shape), *table.rows[3:]))


def _flagged(got: Report) -> bool:
    """Whether the report says it needs a look (the 2019 format's bare procurement amount,
    taken as 万元, says nothing of the tables)."""
    return bool(set(trust.assess(got).reasons) - {"unit_assumed"})


def _judged(got: Report, truth: dict) -> tuple[dict, dict]:
    """Numbers read otherwise than the page's (or for cells it does not show), and the
    requests cells the page shows that are not read."""
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    wrong = {k: (truth.get(k), v) for k, v in read.items() if v is not None and truth.get(k) != v}
    missing = {k: v for k, v in truth.items() if k[0] == "requests" and read.get(k) != v}
    return wrong, missing


def _read_shaped(rng: random.Random, rendering: str, shaped) -> tuple[Report, dict]:
    """A generated page (either format version) with its requests table drawn by `shaped`,
    read: no number may be read wrong, and cells not read must be flagged; the report and
    those cells."""
    template, year = rng.choice(FORMATS)
    doc, values = _document(rng, template, year)
    doc = map_tables(doc, lambda t: shaped(t) if t.section == "requests" else t)
    got = _read(doc, rendering, rng)
    wrong, missing = _judged(got, {k: values.get(k) for k, _ in keyed_cells(doc)})
    assert not wrong, (template, year, wrong)
    if missing:
        assert _flagged(got), (template, year, missing)
    return got, missing


SHAPES = ("first", "last", "both", "legal_other", "last_total_row3", "natural_row3")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_heading_drawn_down_beside_the_group_is_read_over_its_own_column(
    shape: str, rendering: str
):
    """A heading drawn down beside the group stands where it is drawn, not at the head of
    the group's row 3: a web page's spans and a grid copy place it, as does a text copy that
    keeps the header's rows where the row under the group holds its headings alone; where a
    copy does not place it (总计 in the third row beside it), the order is a guess and its
    numbers are withheld, said."""
    rng = random.Random(f"drawn-{shape}-{rendering}")
    for _ in range(6):
        got, missing = _read_shaped(rng, rendering, lambda t: _with_header(t, shape))
        if rendering in GRIDS or shape != "last_total_row3":
            assert not missing, (missing, got.problems)


def _with_columns(table: Table, shape: str, rng: random.Random, truth: dict) -> Table:
    """The requests table with a column the template lacks among the group's (`shape`), 总计
    counting it; the truth updated (其他 split in two: its halves are no column of the
    contract)."""
    heads = list(SUBS)
    where = {
        "getihu_first": (0, "个体工商户"),
        "getihu_before_other": (4, "个体工商户"),
        "getihu_last": (5, "个体工商户"),
        "lawyers_after_legal": (4, "律师事务所"),
    }
    if shape == "other_split":
        heads[4:5] = ["其他企业", "其他组织"]
    else:
        at, word = where[shape]
        heads.insert(at, word)
    rows = [
        (table.rows[0][0], replace(table.rows[0][1], colspan=8)),
        (table.rows[1][0], replace(table.rows[1][1], colspan=6), table.rows[1][2]),
        tuple(_h(h) for h in heads),
    ]
    for row in table.rows[3:]:
        label, cells = row[:-7], list(row[-7:])
        code = cells[0].key[1]
        total = truth.get(("requests", code, "total")) or 0
        if shape == "other_split":
            other = truth.pop(("requests", code, "other_org")) or 0
            half = rng.randint(0, int(other))
            cells[5:6] = [GCell(str(half)), GCell(str(other - half))]
        else:
            extra = rng.randint(0, 3)
            truth[("requests", code, "total")] = total + extra
            cells[-1] = replace(cells[-1], text=str(total + extra))
            cells.insert(1 + where[shape][0], GCell(str(extra)))
        rows.append((*label, *cells))
    return replace(table, rows=tuple(rows), width=11)


@pytest.mark.parametrize(
    "shape",
    ("getihu_first", "getihu_before_other", "getihu_last", "lawyers_after_legal", "other_split"),
)
@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_column_the_template_lacks_among_the_group_is_left_out_where_it_stands(
    shape: str, rendering: str
):
    """A column the template lacks is read where it stands among the group's (个体工商户 first
    in the group's row is no column after 总计) and its values are left out, said; each of
    the template's columns is read under its own heading or not at all (其他 split in two is
    none of its halves)."""
    rng = random.Random(f"extra-{shape}-{rendering}")
    for _ in range(6):
        template, year = rng.choice(FORMATS)
        # every cell written: a row opening with a blank beside a column the template lacks
        # is a hazard of its own (how a row's blank cells stand among its values)
        doc, values = _document(rng, template, year, blanks="none")
        truth = {k: values.get(k) for k, _ in keyed_cells(doc)}
        doc = map_tables(
            doc,
            lambda t, truth=truth: (
                _with_columns(t, shape, rng, truth) if t.section == "requests" else t
            ),
        )
        got = _read(doc, rendering, rng)
        wrong, missing = _judged(got, truth)
        assert not wrong, (template, year, wrong)
        assert _flagged(got), got.problems  # the column's values are left out
        if rendering in ("trs", "word", "pipe", "celllines"):
            # each of the template's columns whose heading the page draws is read under it
            # (a Markdown grid's rows, as wide as the header's, may lose theirs to the checks
            # of blank positions and of numbers copied down, which count seven columns)
            assert not missing, (template, year, missing, got.problems)


def _with_remarks(table: Table) -> Table:
    """A 备注 column drawn down all the header's rows beside 申请人情况, its cells empty."""
    rows = [
        (*row, _h("备注", rowspan=3)) if k == 0 else row if k < 3 else (*row, GCell(""))
        for k, row in enumerate(table.rows)
    ]
    return replace(table, rows=tuple(rows), width=table.width + 1)


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_remarks_column_drawn_down_beside_the_applicants_stands_after_them(rendering: str):
    """备注 drawn down from the first header row after 申请人情况 is the last column, not the
    first: read row by row it comes before 自然人, and every value would be read a column
    off (a copy writing a cell a line tells its rows apart only by its fillers)."""
    rng = random.Random(f"remarks-{rendering}")
    for _ in range(6):
        _read_shaped(rng, rendering, _with_remarks)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_heading_drawn_down_beside_the_group_and_a_column_after_the_total_read_together(
    shape: str, rendering: str
):
    """A header drawing a heading of the group down beside it and a column after 总计 (备注,
    说明, 上年总计) down all its rows: the column's cells and heading are left out of the table
    (test_requests_alignment), and the headings left are placed where they stand as in a
    table without it. Its heading left in the header's rows but not in its words, no way of
    laying out the columns gave the header's words: the order was read row by row, 其他 and
    总计 in the third row beside the group (其他 drawn down, 总计 under a blank) a column off."""
    rng = random.Random(f"drawn-after-{shape}-{rendering}")
    for _ in range(4):
        heading, cell = _TRAILING[rng.choice(("remarks-nullmark", "notes-mixed", "last-year"))]
        got, missing = _read_shaped(
            rng,
            rendering,
            lambda t, heading=heading, cell=cell: _with_trailing(
                _with_header(t, shape), heading, cell, rng
            ),
        )
        if rendering in GRIDS[:2] and shape != "last_total_row3":
            assert not missing, (missing, got.problems)


#: text copies that write a header row a line, its headings apart by runs of spaces: a
#: reader's copy (two spaces between cells) and pdftotext's layout
SPACED = {
    "spaced": lambda doc, rng: (render_text.spaced_rows(doc, rng), ".txt"),
    "laid": lambda doc, rng: (render_text.laid_out(doc, rng), ".txt"),
}


def _zeroed(table: Table, truth: dict) -> Table:
    """The requests table of an agency that had no requests: every value 0."""
    truth.update({c.key: 0 for row in table.rows for c in row if c.key})
    return replace(
        table,
        rows=tuple(tuple(replace(c, text="0") if c.key else c for c in row) for row in table.rows),
    )


@pytest.mark.parametrize("zero", (False, True))
@pytest.mark.parametrize("shape", ("getihu_before_other", "getihu_last", "other_split"))
@pytest.mark.parametrize("rendering", sorted(SPACED))
def test_a_header_line_with_a_column_the_template_lacks_is_read_in_text_laid_out_by_spaces(
    rendering: str, shape: str, zero: bool
):
    """A header row written as a line of headings apart by spaces, one of them a column the
    template lacks (其他企业 | 其他组织 for 其他, 个体工商户), is the header: not read as one,
    each row's eight values are none of the template's seven, and a table of zeros (an agency
    that had no requests) reads 0 under 其他, a column the page does not draw."""
    rng = random.Random(f"spaced-{shape}-{rendering}-{zero}")
    for _ in range(6):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year, blanks="none")
        truth = {k: values.get(k) for k, _ in keyed_cells(doc)}

        def shaped(t: Table, truth: dict = truth) -> Table:
            if t.section != "requests":
                return t
            return _with_columns(_zeroed(t, truth) if zero else t, shape, rng, truth)

        got = parse_bytes(SPACED[rendering](map_tables(doc, shaped), rng)[0].encode(), "p.txt")
        wrong, _ = _judged(got, truth)
        assert not wrong, (template, year, wrong)
        assert _flagged(got), got.problems  # the column's values are left out


#: headings as agencies word them otherwise, the same column's (the template's heading, the
#: page's word)
REWORDED = (
    ("商业企业", "企业"),
    ("社会公益组织", "公益组织"),
    ("社会公益组织", "社会组织"),
    ("科研机构", "科研院所"),
    ("法律服务机构", "法律服务组织"),
)


def _reworded(table: Table, heading: str, word: str, rng: random.Random) -> Table:
    """The requests table with `heading` written as `word`, its column swapped with another of
    the group's (values and heading), so that the template's order reads them wrong."""
    other = rng.choice([h for h in SUBS[:4] if h != heading])
    rows = list(table.rows)
    at = {c.text: k for k, c in enumerate(rows[2])}
    group = list(rows[2])
    group[at[heading]], group[at[other]] = group[at[other]], group[at[heading]]
    rows[2] = tuple(replace(c, text=word) if c.text == heading else c for c in group)
    a, b = (SUBS.index(h) - 6 for h in (heading, other))
    for k in range(3, len(rows)):
        cells = list(rows[k])
        cells[a], cells[b] = cells[b], cells[a]
        rows[k] = tuple(cells)
    return replace(table, rows=tuple(rows))


#: copies whose header's words come to the check in their columns' order; a converter's grid
#: that copies merged cells into each position, and a copy writing a cell a line, give the
#: words in another order there (the reworded heading among the group's, not where it
#: stands), and its values are read in the template's order under column_order_guessed
REWORDED_COPIES = sorted({*COPIES, *SPACED} - {"md-repeat", "celllines"})


@pytest.mark.parametrize(("heading", "word"), REWORDED)
@pytest.mark.parametrize("rendering", REWORDED_COPIES)
def test_a_heading_worded_otherwise_is_read_over_its_own_column(
    heading: str, word: str, rendering: str
):
    """A heading of the group worded otherwise (公益组织 for 社会公益组织), the one word of
    the header that names none of the template's, stands where only the heading the header
    does not name can: its column is read there, not in the template's order."""
    rng = random.Random(f"reworded-{word}-{rendering}")

    def shaped(t: Table) -> Table:
        return _reworded(t, heading, word, rng)

    for _ in range(6):
        if (rendering, word) != ("spaced", "社会组织"):
            _read_shaped(rng, rendering, shaped)
            continue
        # read as characters standing alone beside the other headings: the order is said to
        # be a guess, and values read in the template's order are wrong under that flag
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t: shaped(t) if t.section == "requests" else t)
        got = _read(doc, rendering, rng)
        wrong, missing = _judged(got, {k: values.get(k) for k, _ in keyed_cells(doc)})
        if wrong or missing:
            assert _flagged(got), (template, year, wrong, missing)


def _two_in_one_cell(table: Table) -> Table:
    """The requests table with 商业企业 and 科研机构 written in one header cell over both
    columns."""
    under = list(table.rows[2])
    at = next(k for k, c in enumerate(under) if c.text == "商业企业")
    under[at : at + 2] = [_h("商业企业 科研机构", colspan=2)]
    return replace(table, rows=(*table.rows[:2], tuple(under), *table.rows[3:]))


def test_a_laid_out_header_with_headings_wrapped_in_their_cells_is_read():
    """pdftotext's layout of a header whose narrow cells wrap their headings (社会公益 | 组织,
    法律服务 | 机构): the wrapped pieces (组织, 机构) are no columns of their own, though they
    name kinds of applicants. With 商业企业 and 科研机构 written in one cell over both columns
    (商业企业 / 科研机 / 构), the lines read across put 商业企业 before 科研机构 or after it
    (nothing on a line tells which stands left): the five columns under 法人或其他组织 are
    withheld, flagged, not read in the template's order; every other value is read."""
    rng = random.Random("laid-wrapped")
    for _ in range(8):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t: _two_in_one_cell(t) if t.section == "requests" else t)
        text = render_text.laid_out(doc, rng, heading_width=4)
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        wrong, missing = _judged(got, {k: values.get(k) for k, _ in keyed_cells(doc)})
        assert not wrong, (template, year, wrong)
        group = {"enterprise", "research", "nonprofit", "legal_service", "other_org"}
        assert {k[2] for k in missing} <= group, (template, year, missing, got.problems)
        assert "column_order_guessed" in got.flags
