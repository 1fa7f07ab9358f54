"""Hazard families on generated pages: each test draws many pages of one family (the page
generator's values, agencies and renderings; both format versions; HTML and text copies) and
asserts every cell the page shows, so a value under the wrong row or column fails it.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from gx_pipeline import contract
from gx_pipeline.pagegen import render_html, render_text
from gx_pipeline.pagegen.layout import (
    KOUJI,
    Document,
    GCell,
    LayoutOptions,
    Para,
    Table,
    ValueFormat,
    appeals_merged_across,
    build_document,
    footnote_marks,
    group_sums_row,
    keyed_cells,
    map_cells,
    map_tables,
    merged_down,
    org_subtotal_column,
    own_results_table,
    proactive_columns_in_order,
    section_tables,
    serial_column,
    summed_down,
)
from gx_pipeline.pagegen.metadata import make_meta
from gx_pipeline.pagegen.values import blank, generate
from gx_pipeline.parsing import metadata, parse_bytes
from gx_pipeline.report import Report

RENDERINGS = {
    "trs": lambda doc, rng: (render_html.trs_page(doc, rng), ".html"),
    "trs-nospan": lambda doc, rng: (render_html.trs_page(doc, rng, spans=False), ".html"),
    "word": lambda doc, rng: (render_html.word_page(doc), ".html"),
    "pipe": lambda doc, rng: (render_text.pipe_rows(doc, rng), ".txt"),
    "celllines": lambda doc, rng: (render_text.cell_lines(doc, rng), ".txt"),
    # Markdown of PDF converters, each table's whole grid: merged cells copied into every
    # position they cover (docling), or those positions blank (pdfplumber, camelot)
    "md-repeat": lambda doc, rng: (render_text.grid_markdown(doc, rng), ".md"),
    "md-blank": lambda doc, rng: (render_text.grid_markdown(doc, rng, repeat=False), ".md"),
}
#: (format, report year): late adopters keep the 2019 format after 2020
FORMATS = (("2019", 2019), ("2019", 2020), ("2019", 2023), ("2021", 2021), ("2021", 2025))


def _document(
    rng: random.Random,
    template: str,
    year: int,
    *,
    one_table: bool = False,
    blanks: str | None = None,
    **layout,
) -> tuple[Document, dict]:
    """A generated page; `blanks`: how its cells are left blank (values.blank), else drawn."""
    modes = ("none", "zeros_blank", "sparse")
    values = blank(rng, generate(rng, template), blanks or rng.choice(modes))
    opts = LayoutOptions(
        template=template,
        year=year,
        fmt=ValueFormat(null_text=rng.choice(("", "—", "/"))),
        corner=KOUJI if rng.random() < 0.7 else "",
        **layout,
    )
    doc = build_document(
        rng, make_meta(rng, year), section_tables(opts, values), values, one_table=one_table
    )
    return doc, values


def _read(doc: Document, rendering: str, rng: random.Random) -> Report:
    text, ext = RENDERINGS[rendering](doc, rng)
    return parse_bytes(text.encode("utf-8"), f"page{ext}")


def _differences_but_ends_unknown(got: Report, doc: Document, values: dict) -> dict:
    """_differences, less the cells withheld of rows the report says it cannot place: a row
    of one cell more than the columns, blank at both ends, in a copy that seems to write a
    merged cell's covered positions blank in their places (a heading left blank reads as
    such a position), whose numbers its first and its last cell put a column apart."""
    unsure = {
        p.split(":")[0].removeprefix("requests.")
        for p in got.problems
        if p.startswith("requests.") and "blank at both ends" in p
    }
    return {
        k: v
        for k, v in _differences(got, doc, values).items()
        if not (v[1] == "absent" and k[0] == "requests" and k[1] in unsure)
    }


def _unless_alike(got: Report, doc: Document, values: dict, pair: tuple[str, str]) -> dict:
    """_differences, less the cells of two requests columns whose headings the page leaves in
    each other's places (not read, or blank) withheld in a row where their values differ:
    which holds which is a guess, said, and a value is read only where both orders read it.
    A cell withheld where both hold one number, or without the flag, stays a difference."""
    guessed = "column_order_guessed" in got.flags
    return {
        k: v
        for k, v in _differences(got, doc, values).items()
        if not (
            guessed
            and v[1] == "absent"
            and k[0] == "requests"
            and k[2] in pair
            and values.get(("requests", k[1], pair[0])) != values.get(("requests", k[1], pair[1]))
        )
    }


def _differences(got: Report, doc: Document, values: dict) -> dict:
    """Truth cells read otherwise, and numbers emitted for cells the page does not show."""
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    shown = {key for key, _ in keyed_cells(doc)}
    out = {k: (values.get(k), read.get(k, "absent")) for k in shown if read.get(k) != values[k]}
    out |= {k: (None, v) for k, v in read.items() if k not in shown and v is not None}
    return out


# --- a unit note between a heading and its table ---------------------------------------------


@pytest.mark.parametrize(
    "note", ["单位：件", "（单位：件）", "单位:件", "计量单位：件", "单位：件、万元", "单位：个"]
)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_unit_note_over_the_requests_table_is_no_applicant_column(note: str, rendering: str):
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"unit-note:{note}:{rendering}:{k}")
        doc, values = _document(rng, template, year, title_rows=rng.random() < 0.3)
        blocks: list = []
        for block in doc.blocks:
            if isinstance(block, Table) and block.section == "requests":
                blocks.append(Para(note))
            blocks.append(block)
        doc = replace(doc, blocks=tuple(blocks))
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("columns the template lacks" in p for p in got.problems)


# --- 2021: sub-rows of （六）其他处理 that lost their labels ----------------------------------

_OTHER_SUBS = ("other.no_correction", "other.fee_unpaid", "other.other")


@pytest.mark.parametrize("lost", [1, 2, 3])
@pytest.mark.parametrize("own_row", [False, True])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_other_processing_sub_rows_without_labels_are_placed_by_position(
    lost: int, own_row: bool, rendering: str
):
    """The first sub-rows of the 2021 （六）其他处理 lost their labels: where the group's label
    is drawn down beside them, the first of them shows that label and no other, but its numbers
    are 1.逾期不补正's, not a row of （六） itself; where （六） has a row of its own, it keeps
    it. A copy of a cell a line shows no row ends: the unlabelled sub-rows read as one row of
    （六） with the cells of all, which gives none."""
    gone = _OTHER_SUBS[:lost]
    for k, year in enumerate((2021, 2022, 2024, 2025)):
        rng = random.Random(f"other-subs:{lost}:{own_row}:{rendering}:{k}")
        doc, values = _document(rng, "2021", year, other_row=own_row)
        doc = map_cells(doc, lambda p, c: replace(c, text="") if c.label_of in gone else c)
        got = _read(doc, rendering, rng)
        wrong = _differences(got, doc, values)
        # a row that cannot be placed may give no values, and says so; none may be misplaced
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        if wrong:
            assert any(p.startswith("requests") for p in got.problems)
        if not own_row and lost < 3 and rendering != "celllines":
            # (a cell-a-line copy's lone '|' after the row may be a pad or an empty cell: the
            # row's cells are then not certain, and it gives none)
            assert wrong == {}, year


# --- a row that lost its label, in a copy of a cell a line --------------------------------------


def _block_neighbours(template: str, code: str) -> bool:
    rows = contract.rows(template, "proactive")
    k = next(i for i, r in enumerate(rows) if r.code == code)
    return any(0 <= j < len(rows) and rows[j].group == rows[k].group for j in (k - 1, k + 1))


@pytest.mark.parametrize(("template", "year"), [("2019", 2020), ("2019", 2022), ("2021", 2024)])
def test_a_section_two_row_without_its_label_in_a_cell_a_line_copy_keeps_its_columns(
    template: str, year: int
):
    """The empty label cell of a row that lost its label is a line of its own ('|') before the
    row's values: with one cell more than its columns, read as a value it moved every value a
    column right. Where the rows beside it in its block show as many cells as it has columns,
    it is the label cell; elsewhere the row gives no values, and says so."""
    for row in contract.rows(template, "proactive"):
        for k in range(3):
            rng = random.Random(f"lost-label:{template}:{year}:{row.code}:{k}")
            doc, values = _document(rng, template, year)
            doc = map_cells(
                doc, lambda p, c, code=row.code: replace(c, text="") if c.label_of == code else c
            )
            got = _read(doc, "celllines", rng)
            wrong = _differences(got, doc, values)
            assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}
            if wrong:
                assert any(p.startswith("proactive") for p in got.problems)
            if _block_neighbours(template, row.code):
                assert wrong == {}, row.code


# --- the first row of a result group without its label -----------------------------------------

_GROUP_FIRSTS = ("withheld.state_secret", "unavailable.not_held", "not_processed.petition")


@pytest.mark.parametrize("code", _GROUP_FIRSTS)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_the_first_row_of_a_result_group_without_its_label_keeps_its_empty_cells(
    code: str, rendering: str
):
    """The group's label ((三)不予公开, drawn down over its rows) stands in the first row of
    the group: where that row lost its own label, its empty label cell and the empty value
    cells after it are cells of the row, not blank positions of a header row; left out, the
    row's numbers moved to its first columns."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"group-first:{code}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_cells(doc, lambda p, c: replace(c, text="") if c.label_of == code else c)
        got = _read(doc, rendering, rng)
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        if wrong:
            assert any(p.startswith(f"requests.{code}:") for p in got.problems), year


# --- negative numbers written with a minus sign that is not the hyphen ----------------------------

_CHANGE_ROWS = ("licensing", "other_services", "penalty", "coercion", "fees")


@pytest.mark.parametrize(
    "minus",
    ["-", "－", "\u2212", "\u2013", "\u2010", "\u2011"]
    + ["\u2014", "\u2014\u2014", "\u2015", "\u2012", "\ufe58", "\u2014 "],
)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_negative_change_reads_with_any_minus_sign(minus: str, rendering: str):
    """本年增/减 is negative where items were dropped; pages write the sign as the hyphen, the
    full-width minus, the minus sign of Word's symbols (U+2212), an en dash, a hyphen of
    another code, or the dash a Chinese input method types for the minus key (—, ——, the
    horizontal bar): alone in a cell a dash is a blank, before a number it is the sign."""
    for k, year in enumerate((2019, 2020, 2023)):
        rng = random.Random(f"minus:{minus}:{rendering}:{k}")
        doc, values = _document(rng, "2019", year)
        for row in _CHANGE_ROWS:
            values[("proactive", row, "change")] = -rng.randint(1, 2000)

        def signed(p: int, c, values=values):
            if c.key is None or c.key[2] != "change":
                return c
            v = values[c.key]
            return replace(c, text=f"{minus}{-v}" if v < 0 else str(v))

        doc = map_cells(doc, signed)
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, year


# --- a four-character label with one character mistyped ---------------------------------------

#: a character and the one typed for it, sounding alike (政/正, 申/伸, 复/覆, 制/治)
_NEAR = {"政": "正", "申": "伸", "复": "覆", "制": "治", "许": "诉", "罚": "法", "予": "与"}
_FOUR = [
    ("proactive", "licensing", "行政许可"),
    ("proactive", "penalty", "行政处罚"),
    ("proactive", "coercion", "行政强制"),
    ("requests", "not_processed.duplicate", "2.重复申请"),
    ("requests", "granted", "（一）予以公开"),
]


@pytest.mark.parametrize(("section", "code", "label"), _FOUR)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_four_character_label_with_one_character_mistyped_names_its_row_and_is_said(
    section: str, code: str, label: str, rendering: str
):
    """行正许可, 行政处法, 2.重复伸请: one character of four, typed as one that sounds alike.
    Three of the four stand in their places, which no other label of the table shares: the
    row is named, and the near miss said; its values were left out as a row the template
    lacks."""
    words = [i for i, ch in enumerate(label) if ch in _NEAR]
    for k, (template, year) in enumerate(FORMATS):
        i = words[k % len(words)]
        typo = label[:i] + _NEAR[label[i]] + label[i + 1 :]
        rng = random.Random(f"four:{code}:{rendering}:{k}")
        doc, values = _document(rng, template, year, labels={f"{section}.{code}": typo})
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, typo
        assert any(p.startswith(f"{section}.{code}: label") for p in got.problems), typo


# --- requests headings left blank or not read -------------------------------------------------

_HEADINGS = dict(
    zip(
        (c.code for c in contract.REQUEST_COLUMNS),
        ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
        strict=True,
    )
)
_ORG = ("enterprise", "research", "nonprofit", "legal_service", "other_org")
_UNREAD = ("口口口口", "\ufffd\ufffd", "囗囗", "□□□□")


def _requests_table(doc: Document, fn) -> Document:
    return map_tables(doc, lambda t: fn(t) if t.section == "requests" else t)


def _headings_as(table: Table, texts: dict[str, str]) -> Table:
    """The requests table with the headings of some columns written otherwise ("": blank)."""
    by_heading = {_HEADINGS[code]: text for code, text in texts.items()}
    return replace(
        table,
        rows=tuple(
            tuple(
                replace(c, text=by_heading[c.text]) if c.header and c.text in by_heading else c
                for c in row
            )
            for row in table.rows
        ),
    )


def _column_cells(row: tuple, code: str) -> list[int]:
    return [
        k
        for k, c in enumerate(row)
        if (c.key is not None and c.key[2] == code) or (c.header and c.text == _HEADINGS[code])
    ]


def _swapped(table: Table, a: str, b: str) -> Table:
    """Two columns drawn the other way round, headings and values."""
    rows = []
    for row in table.rows:
        cells, (i, j) = list(row), (_column_cells(row, a), _column_cells(row, b))
        if len(i) == 1 and len(j) == 1:
            cells[i[0]], cells[j[0]] = cells[j[0]], cells[i[0]]
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))


def _moved_first(table: Table, code: str) -> Table:
    """A column drawn before 自然人's."""
    rows = []
    for row in table.rows:
        cells, at, first = list(row), _column_cells(row, code), _column_cells(row, "natural_person")
        if len(at) == 1 and len(first) == 1:
            cells.insert(first[0], cells.pop(at[0]))
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))


def _without(table: Table, code: str) -> Table:
    """A column the table does not have: no heading, no values, the group headings narrower."""
    narrower = {"申请人情况"} | ({"法人或其他组织"} if code in _ORG else set())
    rows = tuple(
        tuple(
            replace(c, colspan=c.colspan - 1) if c.header and c.text in narrower else c
            for k, c in enumerate(row)
            if k not in _column_cells(row, code)
        )
        for row in table.rows
    )
    return replace(table, rows=rows, width=table.width - 1)


def _wrong(got: Report, doc: Document, values: dict) -> dict:
    """Numbers read otherwise than the page shows them, or for cells it does not show."""
    shown = {key for key, _ in keyed_cells(doc)}
    return {
        (c.section, c.row, c.col): (values.get((c.section, c.row, c.col)), c.value)
        for c in got.cells
        if c.value is not None
        and ((c.section, c.row, c.col) not in shown or c.value != values[(c.section, c.row, c.col)])
    }


def _read_columns(got: Report) -> set[str]:
    return {c.col for c in got.cells if c.section == "requests" and c.value is not None}


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_blank_heading_pinned_between_known_neighbours_is_read(rendering: str):
    """A heading left blank in a header that draws the others in the template's places: the
    blank one stands where one column only can, and its values are read. So are two blanks
    apart from each other (each between known headings)."""
    codes = list(_HEADINGS)
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"blank-pinned:{rendering}:{k}")
        blanks = [codes[k % 7]] if k < len(FORMATS) else [codes[k % 7], codes[(k + 2) % 7]]
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, b=blanks: _headings_as(t, dict.fromkeys(b, "")))
        got = _read(doc, rendering, rng)
        assert _differences_but_ends_unknown(got, doc, values) == {}, blanks


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_blank_heading_and_an_unread_one_apart_are_both_read(rendering: str):
    """A heading left blank and another not read (口口口口), apart from each other, in a header
    that draws the others in the template's places: each stands between known neighbours,
    the others' columns are read, and the two are read where they hold the same number: which
    of the two headings each is, is a guess (a page may draw them the other way round). In a
    copy of the whole grid, the merged cells' blank or
    repeated positions are no headings: before, the header was read by its words' order, where
    the unread word stood among six, and every requests value was withheld."""
    codes = list(_HEADINGS)
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"blank-unread-pinned:{rendering}:{k}")
        blank, unread = codes[k % 7], codes[(k + 2 + k % 4) % 7]
        texts = {blank: "", unread: rng.choice(_UNREAD)}
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, texts=texts: _headings_as(t, texts))
        got = _read(doc, rendering, rng)
        assert _unless_alike(got, doc, values, (blank, unread)) == {}, (blank, unread)


def _without_outer_bars(text: str) -> str:
    """A pipe copy with no bar at either end of its lines: a row's blank last cell is not
    drawn at all (`其他|` ends the row)."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("|-"):
            line = line.strip("|")
        elif line.startswith("| ") and line.endswith(" |"):
            line = line[2:-2]
        lines.append(line)
    return "\n".join(lines)


def _grid_without_bars(
    seed: str, template: str, year: int, change
) -> tuple[Report, Document, dict]:
    """A generated page's whole grid copied without outer bars, merged cells' positions blank,
    its requests table changed by `change`, read."""
    rng = random.Random(seed)
    doc, values = _document(rng, template, year)
    doc = _requests_table(doc, change)
    text = _without_outer_bars(render_text.grid_markdown(doc, rng, repeat=False))
    return parse_bytes(text.encode("utf-8"), "page.txt"), doc, values


def test_a_grid_copy_that_leaves_blank_last_cells_out_reads_a_blank_total():
    """A copy of the whole grid without outer bars, merged cells' positions blank: with 总计 left
    blank, both header rows end blank and lose their last cell, so they end a cell short of
    the value rows. Read as ending where the values do, every heading stood a column left and
    every requests value was withheld; the header is not judged by position, and 总计 (pinned
    at the end) is read with the others."""
    for k, (template, year) in enumerate(FORMATS * 2):
        got, doc, values = _grid_without_bars(
            f"grid-no-bars:{k}", template, year, lambda t: _headings_as(t, {"total": ""})
        )
        assert {key for key in _differences(got, doc, values) if key[0] == "requests"} == set()


def test_a_grid_copy_without_outer_bars_keeps_a_row_s_blank_first_and_last_cells():
    """A copy of the whole grid whose separator row has no outer bars (---|---) writes none on
    its rows: a row that opens or ends with a blank cell opens or ends with a bar (` | 0 |` …
    `0 | `). Read as a closing bar, the blank last cell was lost and a row read from the right
    put each value a column to the left (flagged only by other rows' problems); each bar is a
    separator, and every value stands in its column."""
    for k in range(30):
        template, year = FORMATS[k % len(FORMATS)]
        got, doc, values = _grid_without_bars(
            f"grid-no-bars-blank-ends:{k}", template, year, lambda t: t
        )
        assert _differences(got, doc, values) == {}
        # rows with their outer bars under separator rows without them: the rows' bars rule
        rng = random.Random(f"grid-bars-bare-separator:{k}")
        doc, values = _document(rng, template, year)
        text = "\n".join(
            line.strip("|") if line.startswith("|-") else line
            for line in render_text.grid_markdown(doc, rng, repeat=False).split("\n")
        )
        got = parse_bytes(text.encode("utf-8"), "page.md")
        assert _differences(got, doc, values) == {}


def _tabs_without_blanks(doc: Document) -> str:
    """A copy whose cells are separated by TABs and whose blank cells are left out, wherever
    they stand in a row."""
    lines = [doc.meta.title]
    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
            continue
        for row in block.rows:
            lines.append("\t".join(t for c in row if (t := c.text.replace("\n", "").strip())))
    return "\n".join(lines) + "\n"


def test_a_copy_that_writes_no_blank_cell_reads_no_appeals_cells_as_its_last_ones():
    """A TAB copy that leaves every blank cell out shows the appeals row with fewer than 15
    cells. Read as a copy that leaves out only a row's last cells (their sums holding, as
    zeros do), values went to the columns before blank ones, flagged as cells taken as empty.
    A copy that shows no blank cell anywhere may have dropped any; where it does show one
    (a row trimmed at its end only) the last cells are still the ones taken as empty."""
    for k in range(30):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"tabs-without-blanks:{k}")
        doc, values = _document(rng, template, year)
        got = parse_bytes(_tabs_without_blanks(doc).encode("utf-8"), "page.txt")
        assert {key for key in _wrong(got, doc, values) if key[0] == "appeals"} == set()
        got = parse_bytes(render_text.tab_rows(doc, rng).encode("utf-8"), "page.txt")
        assert {key for key in _differences(got, doc, values) if key[0] == "appeals"} == set()


def test_sections_in_one_grid_read_no_blank_value_as_a_merged_label_s():
    """Several sections drawn in one table, copied as its whole grid with merged cells written
    into each position (docling): a section 二 row is as wide as the table, its covered
    positions blank behind its values. A row with a blank first value and a merged value copied
    behind it (行政事业性收费 | 空 | 3 | 3 | 空 …) reads two ways, a merged label's blank in front
    or a blank value; with the blanks behind, it was read the first way, unflagged, and the 3
    went to the column before. It gives no values, and says why."""
    for k in range(80):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"one-grid-docling:{k}")
        doc, values = _document(rng, template, year, one_table=True)
        got = parse_bytes(render_text.grid_markdown(doc, rng).encode("utf-8"), "page.md")
        assert _wrong(got, doc, values) == {}


_NOT_PINNED = {
    "moved beside it": lambda t, rng: _headings_as(
        _swapped(t, "nonprofit", "legal_service"), {rng.choice(("nonprofit", "legal_service")): ""}
    ),
    "the total drawn first": lambda t, rng: _headings_as(_moved_first(t, "total"), {"total": ""}),
    "a column missing": lambda t, rng: _headings_as(
        _without(t, rng.choice(("research", "other_org"))), {"enterprise": ""}
    ),
    "at an edge with a column missing": lambda t, rng: _headings_as(
        _without(t, rng.choice(("enterprise", "legal_service"))),
        {rng.choice(("natural_person", "total")): ""},
    ),
}


def test_a_grid_copy_that_leaves_blank_end_cells_out_reads_a_blank_heading_only_where_pinned():
    """A copy of the whole grid without outer bars, merged cells' positions blank, the total
    drawn first with its heading blank: a header line that opens and ends with blank cells
    reads as one with bars and loses them, so its rows are of other lengths and where
    自然人 stands is not known. Read in the template's order, the values went to other
    columns with no flag; none of them is read, and why is said. 自然人 left blank in its
    place is pinned by the group row and read."""
    for k, (template, year) in enumerate(FORMATS * 2):
        got, doc, values = _grid_without_bars(
            f"grid-no-bars-total-first:{k}",
            template,
            year,
            lambda t: _headings_as(_moved_first(t, "total"), {"total": ""}),
        )
        assert _wrong(got, doc, values) == {}
        assert "cells_unplaced" in got.flags
        # 自然人 left blank in its place: the group row, a cell for every column, ends with
        # 总计 and pins it
        got, doc, values = _grid_without_bars(
            f"grid-no-bars-person:{k}",
            template,
            year,
            lambda t: _headings_as(t, {"natural_person": ""}),
        )
        assert {key for key in _differences(got, doc, values) if key[0] == "requests"} == set()


@pytest.mark.parametrize("case", sorted(_NOT_PINNED))
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_blank_heading_whose_place_is_not_certain_gives_no_number(case: str, rendering: str):
    """A heading left blank where the others do not pin it: a column drawn elsewhere beside it,
    or one the table lacks. Read in the template's order, values went to other columns (with
    no flag where the header named the six others in order); none of them is read, and why
    is said."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"blank-unpinned:{case}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, rng=rng: _NOT_PINNED[case](t, rng))
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, case
        assert "cells_unplaced" in got.flags, case


def _corner_in_cells(table: Table) -> Table:
    """The corner over the row labels drawn as several empty cells, three in each header row,
    not one cell merged over them."""
    first, *rest = table.rows
    if not (first and first[0].rowspan == 3 and first[0].colspan == 3):
        return table
    three = tuple(GCell("", header=True) for _ in range(3))
    rows = (three + first[1:], three + rest[0], three + rest[1], *rest[2:])
    return replace(table, rows=rows)


@pytest.mark.parametrize("case", sorted(_NOT_PINNED))
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_blank_heading_beside_a_corner_of_empty_cells_is_read_only_where_pinned(
    case: str, rendering: str
):
    """The corner drawn as empty cells opens each header row with blanks: a header row with
    a heading left blank was longer than any row of headings and not judged, and 总计 drawn
    first with its heading blank went to 自然人's column with no flag (a copy of a cell a
    line). The corner's blanks are left out of the row: a heading not pinned gives no number,
    and says so; one blank in its place is read."""
    codes = list(_HEADINGS)
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"blank-corner-cells:{case}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, rng=rng: _corner_in_cells(_NOT_PINNED[case](t, rng)))
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, case
        assert "cells_unplaced" in got.flags, case
        doc, values = _document(rng, template, year)
        blank = {codes[k % 7]: ""}
        doc = _requests_table(doc, lambda t, b=blank: _corner_in_cells(_headings_as(t, b)))
        got = _read(doc, rendering, rng)
        assert _differences_but_ends_unknown(got, doc, values) == {}, blank


_MOVED_AND_BLANK = {
    "moved beside it": lambda t, blank: _headings_as(
        _swapped(t, "nonprofit", "legal_service"), {blank: ""}
    ),
    "the total drawn first": lambda t, blank: _headings_as(_moved_first(t, blank), {blank: ""}),
}


@pytest.mark.parametrize("case", sorted(_MOVED_AND_BLANK))
@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
def test_a_grid_copy_reads_each_heading_it_names_where_it_stands(case: str, rendering: str):
    """A copy of the whole grid whose header leaves a heading blank and draws a column
    elsewhere than the template's place (moved beside the blank one, 总计 drawn first and
    blank): column by column, each heading read stands over its own column, and its values are
    read there; only the blank column's are not, and that is said. Before, the header did not
    fit the template and all seven columns were withheld."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"grid-moved-blank:{case}:{rendering}:{k}")
        blank = "total" if case == "the total drawn first" else _ORG[2 + k % 2]
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, b=blank: _MOVED_AND_BLANK[case](t, b))
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, blank
        assert "cells_unplaced" in got.flags, blank
        unread = {key for key in _differences(got, doc, values) if key[0] == "requests"}
        assert {key[2] for key in unread} <= {blank}, unread


@pytest.mark.parametrize("case", sorted(_NOT_PINNED))
def test_a_heading_a_copy_leaves_out_gives_no_number_where_it_may_stand(case: str):
    """A copy that leaves blank cells out (a cell a paragraph) drops a blank heading: where
    its column stands is not drawn at all, and a column moved beside it reads as the template's
    order. Read so, values went to other columns with no flag; none is read, and why is said."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"blank-left-out:{case}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, rng=rng: _NOT_PINNED[case](t, rng))
        got = parse_bytes(render_text.blank_lines(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, case
        assert "cells_unplaced" in got.flags, case


def _blank_values_marked(table: Table) -> Table:
    """Blank value cells written as a dash, so a copy that leaves blank cells out keeps them:
    every row shows seven values."""
    return replace(
        table,
        rows=tuple(
            tuple(replace(c, text="—") if c.key and not c.text.strip() else c for c in row)
            for row in table.rows
        ),
    )


def _total_told_by_sums(values: dict) -> bool:
    """Whether a requests row shows all seven numbers and only its last is the sum of the
    others: the sums tell where 总计 stands."""
    for row in {key[1] for key in values if key[0] == "requests"}:
        numbers = [values.get(("requests", row, code)) for code in _HEADINGS]
        if None not in numbers and sum(2 * x == sum(numbers) for x in numbers) == 1:
            return True
    return False


@pytest.mark.parametrize("blank", list(_HEADINGS)[:6])
def test_a_heading_a_copy_leaves_out_keeps_only_a_total_the_sums_put_last(blank: str):
    """A copy that leaves blank cells out drops a heading left blank: the six others stand in
    the template's order and every row shows seven values, but a column moved beside the blank
    one reads the same, so the columns it may have traded places with give no number. 总计,
    which the header names last, is certain where the sums put it last in every row that
    tells: its values are read (before, every column was withheld with 自然人 blank)."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"left-out-total-kept:{blank}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t: _blank_values_marked(_headings_as(t, {blank: ""})))
        got = parse_bytes(render_text.blank_lines(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, blank
        assert "cells_unplaced" in got.flags, blank
        unread = {key for key in _differences(got, doc, values) if key[0] == "requests"}
        assert blank in {key[2] for key in unread} or not unread
        if _total_told_by_sums(values):
            assert not any(key[2] == "total" for key in unread), unread


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_two_unreadable_headings_side_by_side_give_no_number(rendering: str):
    """Two headings next to each other that cannot be read (口口口口, ��): each stands where
    either could, and a pair drawn the other way round shows the same; their values are not
    read, the others are, and the problems do not say the values were read in the template's
    order (they said so besides, with column_order_guessed). Apart from each other, each
    stands between its neighbours, and which of the two each is, a guess: read where both
    hold the same number."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"unread-two:{rendering}:{k}")
        i = k % 4
        pair = (_ORG[i], _ORG[i + 1]) if k < len(FORMATS) else (_ORG[i], _ORG[(i + 2) % 5])
        marks = {code: rng.choice(_UNREAD) for code in pair}
        doc, values = _document(rng, template, year)
        swap = k % 2 == 0 and k < len(FORMATS)
        doc = _requests_table(
            doc, lambda t, p=pair, m=marks, s=swap: _headings_as(_swapped(t, *p) if s else t, m)
        )
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, pair
        if k < len(FORMATS):
            said = [p for p in got.problems if p.startswith("requests")]
            assert not any("template's order" in p for p in said), said
            assert "column_order_guessed" not in got.flags, said
            assert not _read_columns(got) & set(pair), pair
            assert "cells_unplaced" in got.flags, pair
        else:
            assert _unless_alike(got, doc, values, pair) == {}, pair


def test_a_flipbook_copy_of_two_unreadable_headings_side_by_side_gives_no_number_under_them():
    """A flipbook viewer's text writes the header's characters one a line; two headings next to
    each other not read (口口口口 over 口口口口, or one blank and one not read) leave a run of
    marks for which nobody can tell how many headings it holds. The header spelled nothing
    then, and every value was read in the template's order, flagged as a guess: a pair drawn
    the other way round read swapped. The marks stand for the headings not named between
    their neighbours, whose values are not read; the five named are read."""
    for k in range(20):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"flipbook-unread-two:{k}")
        i = k % 4
        pair = (_ORG[i], _ORG[i + 1])
        marks = {pair[0]: rng.choice(_UNREAD), pair[1]: rng.choice(("", *_UNREAD))}
        doc, values = _document(rng, template, year)
        doc = _requests_table(
            doc,
            lambda t, p=pair, m=marks, s=k % 2 == 0: _headings_as(_swapped(t, *p) if s else t, m),
        )
        got = parse_bytes(render_text.flipbook(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, pair
        assert not _read_columns(got) & set(pair), pair
        assert "column_order_guessed" not in got.flags, got.problems
        assert any("side by side" in p for p in got.problems), got.problems


# --- a Traditional Chinese mirror that credits the web before the title ------------------------

_CREDITS = [
    "來源：網絡",
    "來源：互聯網",
    "來源：網絡整理",
    "轉載自：網絡",
    "來源：網友投稿",
    "来源：网络",
    "【來源：網絡】",
    "來源：新浪網",
    "來源於網絡",
]


@pytest.mark.parametrize("credit", _CREDITS)
@pytest.mark.parametrize("place", ["h1", "title"])
def test_a_mirror_credit_of_the_web_before_the_title_is_no_part_of_the_agency(
    credit: str, place: str
):
    """Mirror sites re-host reports in Traditional Chinese and put their credit in the title
    area, run together with the title (來源：網絡XX局2020年政府信息公開工作年度報告): the words
    after the label say where the text was taken from; the agency is the title's (网络XX局
    was read)."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"mirror:{credit}:{place}:{k}")
        doc, _ = _document(rng, template, year)
        page = s2t.convert(render_html.trs_page(doc, rng))
        title = s2t.convert(doc.meta.title)
        page = page.replace(
            f'<h1 class="title">{title}</h1>', f'<h1 class="title">{credit}{title}</h1>'
        )
        if place == "title":
            page = page.replace("<title>", f"<title>{credit}", 1)
        got = parse_bytes(page.encode("utf-8"), "page.html")
        assert got.agency == doc.meta.agency, (credit, got.agency)


@pytest.mark.parametrize(
    "credit", ["来源：网络", "【来源：网络】", "来源：新浪网", "来源于网络", "转载自："]
)
def test_a_title_credited_to_a_source_names_no_agency_by_itself(credit: str):
    """Where the credited title is all the page says of its publisher, the words after the
    credit may be a site's name, the web's or an agency's: the agency is null, and said."""
    title = f"{credit}伊川县市场监督管理局2020年政府信息公开工作年度报告"
    got = metadata.extract([title, "一、总体情况", "本年度主动公开政府信息120条。"])
    assert got.agency is None
    assert any(p.startswith("meta.agency:") for p in got.problems)
    signed = metadata.extract([title, "一、总体情况", "伊川县市场监督管理局", "2021年1月27日"])
    assert signed.agency == "伊川县市场监督管理局"


@pytest.mark.parametrize("credit", ["[来源：搜狐]", "【来源：网络】", "来源：新浪网"])
def test_a_credit_before_a_title_without_an_agency_is_no_agency(credit: str):
    """A mirror's title that names no agency after its credit (【来源：搜狐】2023年政府信息公开
    工作年度报告): the credit's words and the title's run together are no name (搜狐]2023年政府
    was read, from the 来源 label)."""
    got = metadata.extract([f"{credit}2023年政府信息公开工作年度报告", "一、总体情况"])
    assert got.agency is None
    assert any(p.startswith("meta.agency:") for p in got.problems)


# --- a blank value before a merged value cell copied into every position ---------------------


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank", "trs", "pipe"])
def test_a_blank_value_before_a_merged_value_copied_behind_is_no_label_cell(rendering: str):
    """2019 section 二: 行政事业性收费 and 政府集中采购 have two values, the last merged over
    two grid positions; a converter that copies merged cells writes it twice (| 空 | 4 | 4 |).
    The blank in front is the first value, not a merged label cell's: section 二's other rows
    show one label column (no surplus), and read so, the second value moved into the first
    column with no flag."""
    for k, year in enumerate((2019, 2020, 2022, 2023)):
        rng = random.Random(f"blank-before-repeat:{rendering}:{k}")
        doc, values = _document(rng, "2019", year)
        for key in (("proactive", "fees", "prev_items"), ("proactive", "procurement", "projects")):
            values[key] = None
        values[("proactive", "fees", "change")] = rng.randint(1, 40)
        values[("proactive", "procurement", "amount")] = rng.randint(10, 900)
        doc = map_cells(
            doc,
            lambda p, c, values=values: (
                replace(c, text=str(values[c.key] or ""))
                if (c.key is not None and c.key[1] in ("fees", "procurement"))
                else c
            ),
        )
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, year


def test_a_blank_value_before_a_copied_merged_value_with_nothing_to_tell_gives_none():
    """Where section 二's rows tell nothing of its label column (every row with a surplus
    blank in front and equal cells behind), a merged label cell's blank and a blank value
    read alike: the row gives no values, and says so."""
    lines = (
        "2020年某区政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "| 第二十条第（八）项 | 第二十条第（八）项 | 第二十条第（八）项 | 第二十条第（八）项 |",
        "|---|---|---|---|",
        "| 信息内容 | 上一年项目数量 | 本年增/减 | 本年增/减 |",
        "| 行政事业性收费 |  | 4 | 4 |",
        "| 第二十条第（九）项 | 第二十条第（九）项 | 第二十条第（九）项 | 第二十条第（九）项 |",
        "| 信息内容 | 采购项目数量 | 采购总金额 | 采购总金额 |",
        "| 政府集中采购 |  | 12 | 12 |",
    )
    got = parse_bytes("\n".join(lines).encode(), "page.md")
    read = {(c.row, c.col): c.value for c in got.cells if c.section == "proactive"}
    assert not any(v is not None for k, v in read.items() if k[0] in ("fees", "procurement"))
    assert any(p.startswith("proactive.fees:") and "not known" in p for p in got.problems)


# --- a later sub-row of the 2021 （六）其他处理 without its label ---------------------------------


@pytest.mark.parametrize("code", ["other.fee_unpaid", "other.other"])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_later_other_processing_sub_row_without_its_label_is_placed_by_position(
    code: str, rendering: str
):
    """A converter that copies the group's label (（六）其他处理, drawn down beside its
    sub-rows) into every row shows it as the only label of a later sub-row that lost its own:
    the row is that sub-row's, placed between its labelled neighbours, not a row of （六）."""
    for k, year in enumerate((2021, 2022, 2024, 2025)):
        rng = random.Random(f"other-later:{code}:{rendering}:{k}")
        doc, values = _document(rng, "2021", year)
        doc = map_cells(doc, lambda p, c: replace(c, text="") if c.label_of == code else c)
        got = _read(doc, rendering, rng)
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        if wrong:
            assert any(p.startswith("requests") for p in got.problems)
        if rendering != "celllines":
            assert wrong == {}, year


# --- pdftotext -layout text -------------------------------------------------------------------


@pytest.mark.parametrize("numbers_on", ["first", "middle", "last"])
@pytest.mark.parametrize("tall_labels", ["beside", "vertical"])
def test_laid_out_text_puts_no_value_in_another_cell(numbers_on: str, tall_labels: str):
    """Text as pdftotext -layout writes a printed report: labels wrapped in their columns with
    the numbers on one of their lines, group labels beside their rows or a character a line,
    blank cells not written, page numbers and form feeds between pages. Which cells it shows
    is often not certain (a blank cell leaves no trace), and those are left out and said; no
    value may stand in another cell: 3.危及“三安全一稳定 wrapped before its ” read ” as a
    cell (every value a column right); 行政许可's two values under a blank 上一年项目数量
    taught where a two-column block stands (政府集中采购's amount read as its projects); a
    page number over a form feed read as a value; （六）其他处理 beside 2.申请人逾期未按收费,
    cut short, named the group's row."""
    for k in range(18):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"laid-out:{numbers_on}:{tall_labels}:{k}")
        doc, values = _document(rng, template, year)
        text = render_text.laid_out(
            doc, rng, numbers_on=numbers_on, tall_labels=tall_labels, page_every=k % 3 * 7
        )
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        if wrong:
            assert got.problems


#: how an editor or a converter saves laid-out text's runs of spaces (render_text.resaved)
_RESAVED = {
    "TABs at 8": {"tab_stops": 8},
    "TABs at 4": {"tab_stops": 4},
    "U+3000 a space": {"ideographic": 1},
    "U+3000 two spaces": {"ideographic": 2},
    "TABs at 8 and U+3000": {"tab_stops": 8, "ideographic": 1},
    "TABs at 4 and U+3000 two spaces": {"tab_stops": 4, "ideographic": 2},
}


@pytest.mark.parametrize("saved", sorted(_RESAVED))
@pytest.mark.parametrize("group", ["five columns", "one column"])
def test_laid_out_text_saved_with_tabs_or_ideographic_spaces_reads_as_laid_out(
    saved: str, group: str
):
    """pdftotext -layout text saved with its runs of spaces as TABs (stops every 8 columns or
    every 4), as ideographic spaces (U+3000, each for one space or for two), or both: read
    as a TAB-separated copy or as rows of words, not as laid-out text, the rules of laid-out
    text did not reach it (blank cells a merged cell may cover; 法人或其他组织 drawn as one
    column read by where each value stands), and most of its numbers were withheld (TABs at
    4 with U+3000: values read in other columns, flagged). Each gap is read as the spaces it
    stands for, by how the numbers then line up: the copy reads as the laid-out text (but
    where a gap of two or three spaces saved as one U+3000 between two headings looks like a
    space inside a word, 社会公益组织　法律服务机构: those columns are withheld, and said)."""
    lost = shown = 0
    for k in range(10):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"laid-out-resaved:{saved}:{group}:{k}")
        doc, values = _document(rng, template, year)
        if group == "one column":
            doc = map_tables(doc, lambda t, v=values: _group_as_one_column(t, v))
        text = render_text.laid_out(doc, rng, numbers_on=rng.choice(("first", "middle", "last")))
        want = parse_bytes(text.encode("utf-8"), "page.txt")
        got = parse_bytes(render_text.resaved(text, **_RESAVED[saved]).encode("utf-8"), "p.txt")
        assert _wrong_beside_merged(got, doc, values) == {}, (saved, year)
        read = {(c.section, c.row, c.col): c.value for c in got.cells if c.value is not None}
        plain = {(c.section, c.row, c.col): c.value for c in want.cells if c.value is not None}
        lost += len(set(plain.items()) - set(read.items()))
        shown += len(plain)
        if set(plain.items()) - set(read.items()):
            assert got.problems, (saved, year)
    assert lost <= shown // 10, saved


@pytest.mark.parametrize("case", ["moved beside it", "the total drawn first"])
def test_laid_out_headings_off_their_columns_give_no_number_under_them(case: str):
    """Text laid out by spaces writes nothing for a heading left blank; a column moved beside
    it, or 总计 drawn first, puts the headings named over other columns than the template's.
    The full rows' values were read in the template's order all the same, with no flag; the
    columns whose heading over them is not the template's give no number, and that is said."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"laid-out-off:{case}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, rng=rng: _NOT_PINNED[case](t, rng))
        numbers_on = rng.choice(("first", "middle", "last"))
        text = render_text.laid_out(doc, rng, numbers_on=numbers_on)
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, case
        assert "cells_unplaced" in got.flags, case


def _laid_out_wrong(doc: Document, values: dict, rng: random.Random, **layout) -> dict:
    got = parse_bytes(render_text.laid_out(doc, rng, **layout).encode("utf-8"), "page.txt")
    wrong = _differences(got, doc, values)
    if wrong:
        assert got.problems
    return {k: v for k, v in wrong.items() if v[1] not in ("absent", None)}


@pytest.mark.parametrize(("template", "year"), FORMATS)
def test_laid_out_label_wrapped_before_its_closing_mark_is_no_cell(template: str, year: int):
    """3.危及“三安全一稳定” wrapped in a column of 11 characters leaves ” alone on the line of
    its numbers: the end of the label, not a cell that cannot be read before the values (with
    one cell blank, which the text does not draw, it moved every value a column right)."""
    for k in range(6):
        rng = random.Random(f"laid-out-tail:{template}:{year}:{k}")
        doc, values = _document(rng, template, year)
        blank_at = k % 6
        for i, col in enumerate(contract.REQUEST_COLUMNS):
            key = ("requests", "withheld.security_stability", col.code)
            values[key] = None if i == blank_at else rng.randint(1, 9)
        doc = map_cells(
            doc,
            lambda p, c, values=values: (
                replace(c, text=str(values[c.key] or ""))
                if c.key and c.key[1] == "withheld.security_stability"
                else c
            ),
        )
        layout = {"numbers_on": "last", "label_widths": (5, 8, 11)}
        assert _laid_out_wrong(doc, values, rng, **layout) == {}, year


@pytest.mark.parametrize("year", [2019, 2020, 2023])
def test_laid_out_two_values_of_a_three_column_row_teach_no_two_column_block(year: int):
    """行政许可 with its 上一年项目数量 blank shows two values, under 本年增/减 and 处理决定数量;
    taken for a full row of two columns, it put 政府集中采购's amount (under 采购总金额, merged
    over two columns) in 采购项目数量, and 行政事业性收费's 本年增/减 in 上一年项目数量."""
    for k in range(6):
        rng = random.Random(f"laid-out-blocks:{year}:{k}")
        doc, values = _document(rng, "2019", year)
        fill = {
            ("proactive", "licensing", "prev_items"): None,
            ("proactive", "licensing", "change"): rng.randint(1, 9),
            ("proactive", "licensing", "decisions"): rng.randint(10, 99),
            ("proactive", "fees", "prev_items"): None,
            ("proactive", "fees", "change"): rng.randint(1, 9),
            ("proactive", "procurement", "projects"): None,
            ("proactive", "procurement", "amount"): rng.randint(100, 999),
        }
        values.update(fill)
        doc = map_cells(
            doc,
            lambda p, c, fill=fill: replace(c, text=str(fill[c.key] or "")) if c.key in fill else c,
        )
        assert _laid_out_wrong(doc, values, rng, numbers_on="first") == {}, year


@pytest.mark.parametrize(("template", "year"), FORMATS)
def test_laid_out_page_number_over_a_form_feed_is_no_value(template: str, year: int):
    """pdftotext ends a page with its number alone on a line and a form feed: between the rows
    of a table (the appeals header and its numbers) it is the page's number, not a value."""
    for k in range(4):
        rng = random.Random(f"laid-out-page:{template}:{year}:{k}")
        doc, values = _document(rng, template, year)
        layout = {"page_every": 5 + k, "page_number": "{}"}
        assert _laid_out_wrong(doc, values, rng, **layout) == {}, year


@pytest.mark.parametrize("year", [2021, 2022, 2025])
def test_laid_out_other_processing_beside_a_sub_row_cut_short_names_the_sub_row(year: int):
    """（六）其他处理, written once beside the middle of its sub-rows, stands on the line of
    2.申请人逾期未按收费 (the rest of the label wrapped below): the line's numbers are that
    sub-row's, never a row of （六） the page does not have."""
    for k in range(6):
        rng = random.Random(f"laid-out-other:{year}:{k}")
        doc, values = _document(rng, "2021", year)
        layout = {"numbers_on": "first", "tall_labels": "beside", "label_widths": (6, 7, 10)}
        assert _laid_out_wrong(doc, values, rng, **layout) == {}, year


@pytest.mark.parametrize(("template", "year"), FORMATS)
def test_laid_out_label_cut_short_over_its_numbers_names_its_row(template: str, year: int):
    """5.要求行政机关确认或 | 重新出具已获取信息: a label wrapped with the numbers on its first
    line begins the wording of one row only, and names it (its numbers were left out as a row
    the template lacks, the rest of the label taken for the row without cells)."""
    code = "not_processed.confirmation"
    for k in range(3):
        rng = random.Random(f"laid-out-cut:{template}:{year}:{k}")
        doc, values = _document(rng, template, year)
        for col in contract.REQUEST_COLUMNS:
            values[("requests", code, col.code)] = rng.randint(1, 9)
        doc = map_cells(
            doc,
            lambda p, c, values=values: (
                replace(c, text=str(values[c.key])) if c.key and c.key[1] == code else c
            ),
        )
        text = render_text.laid_out(doc, rng, numbers_on="first", label_widths=(5, 8, 11))
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        read = {c.col: c.value for c in got.cells if c.row == code}
        assert read == {
            c.code: values[("requests", code, c.code)] for c in contract.REQUEST_COLUMNS
        }


# --- the requests table's 总计 over two columns ------------------------------------------------


def _total_over_two_columns(
    doc: Document, empty_after: bool, col: str = "total", heading: str = "总计"
) -> Document:
    """The requests table with its 总计 column (or `col`, headed `heading`) two grid columns
    wide: its heading spans both, and each row's cell either spans both too or is followed by
    an empty cell."""

    def widen(table):
        if table.section != "requests":
            return table
        rows = []
        for row in table.rows:
            cells: list = []
            for cell in row:
                if cell.key is not None and cell.key[2] == col and empty_after:
                    cells += [cell, replace(cell, text="", key=None)]
                elif (cell.key is not None and cell.key[2] == col) or cell.text == heading:
                    cells.append(replace(cell, colspan=cell.colspan + 1))
                elif cell.colspan == 7 and cell.header:  # 申请人情况 over the columns
                    cells.append(replace(cell, colspan=8))
                else:
                    cells.append(cell)
            rows.append(tuple(cells))
        return replace(table, rows=tuple(rows), width=table.width + 1)

    return map_tables(doc, widen)


@pytest.mark.parametrize("empty_after", [False, True])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_total_column_over_two_grid_columns_moves_no_value(empty_after: bool, rendering: str):
    """总计 drawn two grid columns wide (an exporter's colspan, a converter's grid) leaves a
    spare cell behind each row's total, while merged labels leave theirs in front: read from
    the right on the strength of the rows whose labels are merged, a row blank at both ends
    put its total in 其他; a total written twice was taken for 其他 and 总计 where the row's
    first cell was blank. A row whose cells cannot be placed gives none, and says so."""
    for k in range(3 * len(FORMATS)):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"total-two:{empty_after}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = _total_over_two_columns(doc, empty_after)
        got = _read(doc, rendering, rng)
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        if wrong:
            assert any(p.startswith("requests") for p in got.problems), year


# --- a figure on a line of its own before a table ---------------------------------------------


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_loose_figure_before_the_appeals_table_is_none_of_its_cells(rendering: str):
    """Converters write a figure of a table as a line of its own before it (a number the PDF
    drew outside the grid). Where the page shows its rows' ends, or writes its cells in its
    own way (`0 |`, a cell a line), and the appeals row holds its fifteen cells, the figure is
    none of them: taken as the first, it moved every value a column right, the row's last
    blank cell taken for a covered position."""
    for k in range(2 * len(FORMATS)):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"loose-figure:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        blocks: list = []
        for block in doc.blocks:
            if isinstance(block, Table):
                figures = [c.text for row in block.rows for c in row if c.key and c.text.isdigit()]
                blocks.append(Para(rng.choice(figures or ["0"])))
            blocks.append(block)
        doc = replace(doc, blocks=tuple(blocks))
        got = _read(doc, rendering, rng)
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        assert not {k for k in wrong if k[0] == "appeals"}, year


# --- the 2021 fee column's header without its unit --------------------------------------------


@pytest.mark.parametrize(
    ("header", "said"),
    [("本年收费金额", True), ("本年收费金额（单位：万）", False), ("本年收费金额（万元）", False)],
)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_bare_fee_under_a_header_without_its_unit_is_said(
    header: str, said: bool, rendering: str
):
    """The 2021 form's 本年收费金额（单位：万元）, written without its unit: a bare amount under
    it is taken as 万元, as the form has it, and said (元 is as likely); 单位：万 is 万元."""
    for k, year in enumerate((2021, 2022, 2024)):
        rng = random.Random(f"fee-header:{header}:{rendering}:{k}")
        doc, values = _document(rng, "2021", year, headers={"本年收费金额（单位：万元）": header})
        values[("proactive", "fees", "amount")] = 12.5
        doc = map_cells(
            doc,
            lambda p, c: replace(c, text="12.5") if c.key == ("proactive", "fees", "amount") else c,
        )
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, year
        assumed = [p for p in got.problems if p.startswith("proactive.fees.amount: bare number")]
        assert bool(assumed) == said, year


@pytest.mark.parametrize(("template", "year"), FORMATS)
def test_laid_out_group_label_written_down_the_margin_is_no_blank_mark(template: str, year: int):
    """（四）无法提供 written a character a line down the margin between the rows puts 无 on a
    line of its own: a character of the label, not the mark of a blank cell (read as one, the
    next row, one that lost its label, had a cell too many and its values moved a column
    right)."""
    codes = [r.code for r in contract.rows(template, "requests") if r.group]
    for k in range(12):
        rng = random.Random(f"laid-out-margin:{template}:{year}:{k}")
        doc, values = _document(rng, template, year)
        lost = rng.choice(codes)
        doc = map_cells(
            doc, lambda p, c, lost=lost: replace(c, text="") if c.label_of == lost else c
        )
        layout = {"tall_labels": "vertical", "numbers_on": ("first", "middle", "last")[k % 3]}
        assert _laid_out_wrong(doc, values, rng, **layout) == {}, year


@pytest.mark.parametrize("year", [2021, 2022, 2025])
def test_laid_out_other_processing_after_a_wrapped_sub_row_label_names_no_row_of_its_own(
    year: int,
):
    """（六）其他处理 beside its middle sub-row, whose label was lost, after 1.申请人无正当理由
    逾期不补正… wrapped over three lines: the lines of the wrapped label stand between the row
    and its labelled neighbour, and the row is 2.申请人逾期未按收费…'s, not （六）'s."""
    for k in range(6):
        rng = random.Random(f"laid-out-other-lost:{year}:{k}")
        doc, values = _document(rng, "2021", year)
        doc = map_cells(
            doc, lambda p, c: replace(c, text="") if c.label_of == "other.fee_unpaid" else c
        )
        layout = {"numbers_on": "first", "tall_labels": "beside", "label_widths": (6, 7, 12)}
        assert _laid_out_wrong(doc, values, rng, **layout) == {}, year


def _column_over_two(doc: Document, section: str, heading: str, key: tuple) -> Document:
    """The first `heading` of `section`'s table drawn two grid columns wide, with the heading
    over it, and the cells of `key`'s column (key[0] the row code or None for every row, key[1]
    the column) merged over both."""

    def widen(table):
        if table.section != section:
            return table
        rows, done = [], False
        for row in table.rows:
            cells = []
            for cell in row:
                is_key = cell.key is not None and cell.key[2] == key[1]
                is_key = is_key and key[0] in (None, cell.key[1])
                is_heading = cell.text == heading and not done
                over = cell.header and cell.colspan == 5 and cell.text == "行政复议"
                if is_key or is_heading or over:
                    done = done or is_heading
                    cell = replace(cell, colspan=cell.colspan + 1)
                elif cell.header and cell.text == "申请人情况":
                    cell = replace(cell, colspan=cell.colspan + 1)
                cells.append(cell)
            rows.append(tuple(cells))
        return replace(table, rows=tuple(rows), width=table.width + 1)

    return map_tables(doc, widen)


@pytest.mark.parametrize(
    ("section", "heading", "col"),
    [("requests", "自然人", (None, "natural_person")), ("appeals", "总计", ("review", "total"))],
)
def test_a_heading_a_converter_copied_over_two_columns_is_one_column(
    section: str, heading: str, col: tuple
):
    """A converter that copies merged cells (docling's Markdown) writes a heading drawn over
    two columns twice (自然人 | 自然人; the appeals' 总计 | 总计) and each row's merged cell
    twice: the second copy is no column. Read as one, 其他 took the total's place (a row whose
    last two cells were equal) and the appeals row lost its first cell as a grid's blank."""
    for k in range(3 * len(FORMATS)):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"doubled:{section}:{k}")
        doc, values = _document(rng, template, year)
        doc = _column_over_two(doc, section, heading, col)
        got = _read(doc, "md-repeat", rng)
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, year
        assert not {k for k in wrong if k[0] == section and values.get(k) is not None}, year


@pytest.mark.parametrize("empty_after", [False, True])
def test_a_heading_over_two_columns_whose_second_is_blank_in_a_grid_copy_is_one_column(
    empty_after: bool,
):
    """A converter that leaves the positions a merged cell covers blank (pdfplumber's, camelot's
    Markdown) draws 自然人 two grid columns wide as 自然人 | 空 in the header and each row's
    cell as its value and a blank: the blank is no column. Counted as one, a row whose 其他 and
    总计 were equal read as a value copied past the last column, every value a column right of
    its own (a blank under 商业企业 read as 0's place); the others gave none."""
    for k in range(3 * len(FORMATS)):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"natural-two-blank:{empty_after}:{k}")
        doc, values = _document(rng, template, year)
        doc = _total_over_two_columns(doc, empty_after, col="natural_person", heading="自然人")
        got = _read(doc, "md-blank", rng)
        wrong = _differences(got, doc, values)
        assert not {k for k in wrong if k[0] == "requests"}, year


@pytest.mark.parametrize("code", ["other.no_correction", "other.fee_unpaid"])
def test_a_row_without_its_label_blank_at_both_ends_in_a_cell_a_line_copy_gives_no_guess(
    code: str,
):
    """A 2021 （六） sub-row that lost its label, its first and last cells blank, in a copy of
    a cell a line that shows no row ends: its lost label's empty cell, its blank first cell
    and its blank last ones read the same as its first cell and fillers after the row. Read
    from the first, every value stood a column right, and the report said nothing."""
    for k in range(8):
        rng = random.Random(f"lost-label-blank-ends:{code}:{k}")
        doc, values = _document(rng, "2021", 2021 + k % 5)
        for i, col in enumerate(contract.REQUEST_COLUMNS):
            values[("requests", code, col.code)] = None if i in (0, 6) else rng.randint(0, 9)
        doc = map_cells(
            doc,
            lambda p, c, values=values: (
                replace(c, text="")
                if c.label_of == code
                else replace(c, text=str(values[c.key] if values[c.key] is not None else ""))
                if c.key and c.key[1] == code
                else c
            ),
        )
        got = _read(doc, "celllines", rng)
        wrong = _differences(got, doc, values)
        assert {k: v for k, v in wrong.items() if v[1] not in ("absent", None)} == {}, k
        if wrong:
            assert got.flags, k


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank", "trs", "pipe"])
def test_the_other_sub_row_label_copied_over_its_columns_is_no_header_word(rendering: str):
    """Where （六）其他处理 has a row of its own, its sub-rows' labels span the table's two label
    columns, and a converter that copies merged cells writes 3.其他 twice (3.其他 | 3.其他):
    the copy is the row's label again, not the header's 其他 (read so, it ended the row before
    its cells, which then stood as a row without a label and gave none)."""
    for k in range(6):
        rng = random.Random(f"other-leaf-copied:{rendering}:{k}")
        doc, values = _document(rng, "2021", 2021 + k % 5, other_row=True)
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, k


@pytest.mark.parametrize(("template", "year"), [("2019", 2020), ("2021", 2022), ("2021", 2025)])
def test_laid_out_group_labels_wrapped_beside_a_row_label_over_its_numbers_name_the_row(
    template: str, year: int
):
    """三、本年度办理结果 and （四）无法提供 wrapped in narrow columns beside 2.没有现成信息需要另行制作,
    the numbers on the middle line: the line before them reads 三、本年  （四）无法提  2.没有现成
    信息需要另行 and the numbers' line 度办理结  供  制作. The last piece is the rest of the row's
    own label (the groups' labels stand left of it); read as a whole, it named no row and the
    row's numbers were left out."""
    for k in range(6):
        rng = random.Random(f"beside-wrap:{template}:{k}")
        doc, values = _document(rng, template, year)
        layout = {"numbers_on": "middle", "tall_labels": "beside", "label_widths": (4, 6, 12)}
        got = parse_bytes(render_text.laid_out(doc, rng, **layout).encode("utf-8"), "page.txt")
        assert not {key for key in _differences(got, doc, values) if key[0] == "requests"}, k


@pytest.mark.parametrize(("template", "year"), [("2019", 2023), ("2021", 2021), ("2021", 2024)])
def test_laid_out_report_title_over_a_page_is_no_words_of_the_table(template: str, year: int):
    """pdftotext starts each page after a form feed, and a printed report repeats its title at
    the top of each: that line is the page's running head. Read as words of the table, it was
    joined to the label after it (…年度报告5.要求行政机关确认或重), which then took its wrapped
    rest for a second row of the same label over the next row's numbers."""
    for k in range(6):
        rng = random.Random(f"laid-out-running-head:{template}:{k}")
        doc, values = _document(rng, template, year)
        layout = {"numbers_on": "middle", "page_every": 4 + k % 3, "label_widths": (6, 7, 12)}
        got = parse_bytes(render_text.laid_out(doc, rng, **layout).encode("utf-8"), "page.txt")
        assert not any("年度报告" in p for p in got.problems if p.startswith("requests")), k
        assert _laid_out_wrong(doc, values, rng, **layout) == {}, k


def test_a_row_shown_twice_with_other_numbers_gives_none():
    """A label read twice over two sets of numbers (a wrapped label's rest read as the label
    again over the numbers of a row that lost its own): which set is the row's is not known.
    Keeping the one with more numbers read the next row's numbers as its own."""
    rng = random.Random("twice")
    doc, _ = _document(rng, "2021", 2022)
    text = render_text.pipe_rows(doc, rng)
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "5.要求行政机关确认" in line)
    lines.insert(at + 1, "| 重新出具已获取信息 | 1 | 2 | 3 | 4 | 5 | 6 | 21 |")
    got = parse_bytes("\n".join(lines).encode("utf-8"), "page.txt")
    assert not [c for c in got.cells if c.row == "not_processed.confirmation"]
    assert "duplicate_row" in got.flags


@pytest.mark.parametrize(("template", "year"), FORMATS)
@pytest.mark.parametrize("number", ["7", "  12  "])
def test_laid_out_page_number_taken_out_leaves_no_blank_cell(template: str, year: int, number: str):
    """A page's number alone on its line before the form feed (pdftotext) is taken out; left
    as a line of spaces, it read as a blank cell (a copy whose cells stand on lines of their
    own writes a blank one so), and before the appeals row's numbers, a blank of which the
    text does not draw, it made fifteen cells of the fourteen, read in order a column right."""
    for k in range(4):
        rng = random.Random(f"laid-out-page-blank:{template}:{year}:{k}")
        doc, values = _document(rng, template, year)
        blank_at = rng.choice([c.code for c in contract.APPEAL_COLUMNS])
        group = rng.choice(("review", "litigation_direct", "litigation_after_review"))
        values[("appeals", group, blank_at)] = None
        for key in [x for x in values if x[0] == "appeals" and x != ("appeals", group, blank_at)]:
            values[key] = rng.randint(1, 9)
        doc = map_cells(
            doc,
            lambda p, c, values=values: (
                replace(c, text=str(values[c.key] or "")) if c.key and c.key[0] == "appeals" else c
            ),
        )
        lines = render_text.laid_out(doc, rng).split("\n")
        heading = next(i for i, line in enumerate(lines) if "行政复议、行政诉讼情况" in line)
        row = next(i for i in range(heading, len(lines)) if lines[i].strip()[:1].isdigit())
        lines[row] = "\f" + lines[row]
        lines.insert(row, number)
        got = parse_bytes("\n".join(lines).encode("utf-8"), "page.txt")
        wrong = _differences(got, doc, values)
        assert not {key: v for key, v in wrong.items() if v[1] not in ("absent", None)}, k


# --- section 二's columns drawn in another order --------------------------------------------

_PROACTIVE_ORDERS = [(1, 0, 2), (2, 0, 1), (0, 2, 1), (2, 1, 0)]


@pytest.mark.parametrize("order", _PROACTIVE_ORDERS)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_section_two_columns_in_another_order_are_read_under_their_headings(
    order: tuple[int, ...], rendering: str
):
    """A block of section 二 whose header draws its three columns in another order than the
    template's (现行有效件数 first, 本年增/减 before 上一年项目数量), each value under its
    heading: read in the template's order, the values went to each other's columns with no
    flag. Each is read under the heading above it, and the order said."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"proactive-order:{order}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t: proactive_columns_in_order(t, order))
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, (template, year)
        assert any("orders its columns" in p for p in got.problems)


_PROACTIVE_HEADINGS = {
    "本年新制作数量": ("本年新制作数量", "本年新"),
    "本年制发件数": ("本年制发件数", "本年(2023)制发件数", "本年制发件数（件）"),
    "现行有效件数": ("现行有效件数", "现行有效件数（历史累计）", "现行有效件"),
}
_TEXT_FORMS = {
    # a block's header written downwards, a character a line
    "flipbook": lambda doc, rng: render_text.flipbook(doc, rng),
    # long headings one space apart
    "laid-out": lambda doc, rng: render_text.laid_out(doc, rng),
    "spaced": lambda doc, rng: render_text.spaced_rows(doc, rng),
}


@pytest.mark.parametrize("form", sorted(_TEXT_FORMS))
def test_section_two_columns_in_another_order_in_text_are_read_under_their_headings(form: str):
    """The same in text forms whose header is no row of cells: a flipbook writes it downwards
    a character a line, a PDF's text runs long headings together one space apart, and a
    heading may be cut short (本年新) or worded otherwise (现行有效件数（历史累计）). The header
    was not read, so the values went to each other's columns with no flag; they are read
    under their headings, or not at all."""
    for k, (template, year) in enumerate(FORMATS * 3):
        rng = random.Random(f"proactive-order-text:{form}:{k}")
        values = generate(rng, template)
        headers = {h: rng.choice(forms) for h, forms in _PROACTIVE_HEADINGS.items()}
        opts = LayoutOptions(template=template, year=year, headers=headers)
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        order = _PROACTIVE_ORDERS[k % len(_PROACTIVE_ORDERS)]
        doc = map_tables(doc, lambda t, o=order: proactive_columns_in_order(t, o))
        got = parse_bytes(_TEXT_FORMS[form](doc, rng).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year, headers)


def _reversed_one_unread(table: Table) -> Table:
    """Section 二's columns drawn the other way round, 上一年项目数量 (2019) or 本年制发件数
    (2021) unreadable."""
    unread = {"上一年项目数量", "本年制发件数"}
    table = proactive_columns_in_order(table, (2, 1, 0))
    rows = tuple(
        tuple(replace(c, text="□□□□") if c.text in unread else c for c in row) for row in table.rows
    )
    return replace(table, rows=rows)


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_section_two_columns_in_another_order_with_one_unread_give_no_number(rendering: str):
    """The same, one heading unreadable (□□□□): the two named stand in another order than the
    template's, so where the third stands is not known; the block's values are not read."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"proactive-order-unread:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, _reversed_one_unread)
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, (template, year)
        assert "cells_unplaced" in got.flags


# --- a Traditional Chinese mirror whose page opens with long scripts -------------------------


@pytest.mark.parametrize("script_kb", [25, 60])
def test_a_traditional_page_opening_with_long_scripts_is_read_in_simplified(script_kb: int):
    """A mirror's page in Traditional Chinese whose head holds tens of kilobytes of inline
    script before its first word: the script was told from the first 20,000 characters only,
    none of them Chinese, so the page was read unconverted: the agency in Traditional
    characters, the table's labels unmatched. The whole page is read in Simplified now."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"traditional-long-head:{script_kb}:{k}")
        doc, values = _document(rng, template, year)
        script = (
            "<script>var cfg = {"
            + ",".join(f'"k{i}": {i}' for i in range(script_kb * 100))
            + "};</script>"
        )
        page = s2t.convert(render_html.trs_page(doc, rng)).replace("<head>", "<head>" + script, 1)
        got = parse_bytes(page.encode("utf-8"), "page.html")
        assert got.agency == doc.meta.agency
        assert _differences(got, doc, values) == {}, (template, year)


# --- flipbook text that leaves blank cells blank ---------------------------------------------


def test_a_flipbook_line_of_appeals_values_with_a_blank_gives_no_number():
    """Flipbook or PDF text writes a row of values as one line separated by spaces, and a blank
    cell as nothing: an appeals line of 14 values may lack any of its cells, not only its last
    (as a pipe copy's last row does). Read from the first column, a blank in the review group
    moved the values after it one column left; the row is not read, and why is said."""
    tried = 0
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"flipbook-appeals-blank:{k}")
        doc, values = _document(rng, template, year)
        zeros = [
            key
            for key, v in values.items()
            if key[0] == "appeals" and key[1] != "litigation_after_review" and key[2] != "total"
            if v == 0
        ]
        if not zeros:
            continue
        tried += 1
        gone = rng.choice(zeros)
        values = {**values, gone: None}
        doc = map_cells(doc, lambda p, c, g=gone: replace(c, text="") if c.key == g else c)
        got = parse_bytes(render_text.flipbook(doc, rng).encode("utf-8"), "page.txt")
        assert {key for key in _wrong(got, doc, values) if key[0] == "appeals"} == set(), gone
        assert not any(c.section == "appeals" for c in got.cells if c.value is not None), gone
        assert "cells_unplaced" in got.flags
    assert tried >= 5


# --- grid Markdown cut off inside the appeals row --------------------------------------------


def _markdown_to_appeals_row(seed: str, rendering: str, template: str, year: int):
    """(document, values, the Markdown's lines up to section 四's data row, that row's fields
    split at its bars) of a generated page."""
    rng = random.Random(seed)
    doc, values = _document(rng, template, year)
    text, _ = RENDERINGS[rendering](doc, rng)
    lines = text.split("\n")
    at = max(i for i, line in enumerate(lines) if line.startswith("|") and "结果维持" in line)
    return doc, values, lines[: at + 2], lines[at + 1].split("|")


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
def test_grid_markdown_cut_inside_the_appeals_row_moves_no_value(rendering: str):
    """A download or excerpt of a converter's Markdown that ends inside the appeals row, before
    its closing bar: the row's opening bar was read as an empty first cell (every value one
    column to the right), and where the last header row opens with blank positions (merged
    cells left blank) those were read as the row's first cells (five columns to the right).
    The cells before the cut are read in their columns; the rest are said to be missing."""
    for k, (template, year) in enumerate(FORMATS * 3):
        doc, values, lines, cells = _markdown_to_appeals_row(
            f"md-cut-appeals:{rendering}:{k}", rendering, template, year
        )
        at = len(lines) - 1
        shown = 1 + (k % 14)  # cut after the opening bar and this many cells
        lines[at] = "|".join(cells[: shown + 1]).rstrip()
        got = parse_bytes("\n".join(lines).encode("utf-8"), "page.md")
        assert _wrong(got, doc, values) == {}, (template, year, shown)
        assert "incomplete" in got.flags


@pytest.mark.parametrize("rendering", ["md-repeat"])
def test_grid_markdown_cut_inside_the_appeals_row_reads_the_cells_before_the_cut(rendering: str):
    """A converter's grid copies a heading merged over two header rows into both (section 四's
    five 行政复议 outcomes: 20 outcome headings over 15 columns); a header drawing other than
    15 was taken as one that left a column out, and a row cut short under it gave none of its
    cells. The cells before the cut stand in the grid's columns and are read."""
    for k, (template, year) in enumerate(FORMATS * 3):
        doc, values, lines, cells = _markdown_to_appeals_row(
            f"md-cut-appeals-read:{rendering}:{k}", rendering, template, year
        )
        shown = 1 + (k % 14)
        lines[-1] = "|".join(cells[: shown + 1]).rstrip()
        got = parse_bytes(("\n".join(lines) + "\n（未完）\n").encode("utf-8"), "page.md")
        keys = [key for key, _ in keyed_cells(doc) if key[0] == "appeals"][: shown - 1]
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        assert {key: read.get(key, "absent") for key in keys} == {key: values[key] for key in keys}


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
@pytest.mark.parametrize("after", ["……", "…\n", "\n", "（未完）\n", "\n（略）\n", "\n\n下载全文\n"])
def test_grid_markdown_cut_inside_a_row_with_words_after_the_cut_moves_no_value(
    rendering: str, after: str
):
    """An excerpt of a converter's Markdown cut inside a table's row, the excerpting tool's
    words (…, （未完）, a line break) after the cut: the row keeps its opening bar and lacks its
    closing one, but the file does not stop there. Its opening bar was read as an empty first
    cell (every value one column to the right), and a number cut short was read whole. The
    cells before the cut are read in their columns; the cut one and the rest are missing."""
    for k, (template, year) in enumerate(FORMATS * 3):
        seed = f"md-cut-words:{rendering}:{after}:{k}"
        doc, values, lines, cells = _markdown_to_appeals_row(seed, rendering, template, year)
        at = len(lines) - 1
        # cut after the opening bar, this many cells and a digit of the next one written
        shown = next((n for n in range(1 + k % 14, 15) if cells[n + 1].strip()), None)
        if shown is None:
            continue
        lines[at] = "|".join(cells[: shown + 1]) + "|" + cells[shown + 1].strip()[:1]
        got = parse_bytes(("\n".join(lines) + after).encode("utf-8"), "page.md")
        # the cut cell's value is not on the page whole
        cut = [key for key, _ in keyed_cells(doc) if key[0] == "appeals"][shown]
        assert _wrong(got, doc, {**values, cut: None}) == {}, (template, year, shown)
        assert "incomplete" in got.flags


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
def test_a_markdown_row_whose_label_wrapped_onto_its_numbers_line_is_no_cut_row(rendering: str):
    """A converter's Markdown row whose label wrapped: its first line stops inside the label
    without a closing bar and the rest of the label opens the next line, before the row's
    numbers. The table goes on there: the row is not cut, and its numbers are read."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"md-label-wrapped:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        text, _ = RENDERINGS[rendering](doc, rng)
        wrapped = text.replace("1.本机关不掌握相关政府信息 |", "1.本机关不掌\n握相关政府信息 |", 1)
        assert wrapped != text
        got = parse_bytes(wrapped.encode("utf-8"), "page.md")
        assert _wrong(got, doc, values) == {}, (template, year)
        assert "incomplete" not in got.flags, (template, year)


def _cut_inside(doc: Document, at: int, shown: str, mark: str) -> Document:
    """The document with the cell at position `at` showing only `shown` and a cut mark, and no
    cell from there on shown (their keys dropped)."""

    def cut(p: int, c: GCell) -> GCell:
        if p == at:
            return replace(c, text=shown + mark, key=None)
        return replace(c, key=None) if p > at else c

    return map_cells(doc, cut)


@pytest.mark.parametrize("rendering", ["pipe", "celllines"])
@pytest.mark.parametrize("after", ["\n", "……\n", "\n（未完）\n", "\n下载全文\n"])
def test_a_bar_copy_cut_inside_a_number_with_words_after_the_cut_reads_no_cut_number(
    rendering: str, after: str
):
    """An excerpt of a copy whose rows, or cells a line, close with a bar, cut inside a value's
    digits, the excerpting tool's words after the cut: the open row was read to its end, or
    the cell's line without its bar read as a value, and the number cut short (12 for 128)
    was read as the cell's. The cut cell is not read; the cells before it are, in their
    columns."""
    mark = "\ue000"
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"bar-cut-words:{rendering}:{after}:{k}")
        doc, values = _document(rng, template, year)
        cells: list[tuple[int, GCell]] = []
        map_cells(doc, lambda p, c, seen=cells: seen.append((p, c)) or c)
        numbers = [(p, c.text.strip()) for p, c in cells if c.key and c.text.strip().isdigit()]
        numbers = [(p, t) for p, t in numbers if len(t) > 1]
        if not numbers:
            continue
        at, text = numbers[k % len(numbers)]
        doc = _cut_inside(doc, at, text[: 1 + k % (len(text) - 1)], mark)
        page, _ = RENDERINGS[rendering](doc, rng)
        page = page[: page.index(mark)] + after
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year, at)
        assert "incomplete" in got.flags


#: copies that write a table row a line, with nothing that closes a row
_ROW_A_LINE = {
    "tab": lambda doc, rng: render_text.tab_rows(doc, rng),
    "spaced": lambda doc, rng: render_text.spaced_rows(doc, rng),
    "laid-out": lambda doc, rng: render_text.laid_out(doc, rng),
}
_EXCERPT_ENDS = ("\n", "\n\n", "\n（未完）\n", "\n[全文过长，已截断]\n", "\n下载全文\n")


def _cut_keeping_keys(doc: Document, at: int, shown: str, mark: str) -> tuple[Document, set]:
    """The document with the cell at position `at` showing `shown` and a cut mark; the keys of
    the cells the cut hides (that one unless `shown` is its whole text, and every later one).
    Keys stay on the cells: a laid-out copy writes only keyed cells."""
    hidden: set = set()

    def cut(p: int, c: GCell) -> GCell:
        if p == at:
            if shown != c.text.strip():
                hidden.add(c.key)
            return replace(c, text=shown + mark)
        if p > at and c.key:
            hidden.add(c.key)
        return c

    return map_cells(doc, cut), hidden


def _cells_of(doc: Document, section: str) -> list[tuple[int, GCell]]:
    cells: list[tuple[int, GCell]] = []
    map_cells(doc, lambda p, c: cells.append((p, c)) or c)
    return [(p, c) for p, c in cells if c.key and c.key[0] == section]


@pytest.mark.parametrize("rendering", sorted(_ROW_A_LINE))
@pytest.mark.parametrize("after", _EXCERPT_ENDS)
def test_a_row_a_line_copy_cut_inside_a_number_reads_no_cut_number(rendering: str, after: str):
    """An excerpt of a copy that writes a table row a line (a browser's TAB copy, a two-space
    copy, text laid out in columns) cut inside a value's digits, a line break or the
    excerpting tool's words after the cut: nothing closes such a row, so the row looked whole,
    its blank end cells not drawn, and the number cut short (12 for 128) was read as the
    cell's. The last cell of the copy's last row, the page ending on it, is not read, and the
    page says it ends inside the table."""
    mark = "\ue000"
    for k, (template, year) in enumerate(FORMATS * 3):
        rng = random.Random(f"row-line-cut:{rendering}:{after}:{k}")
        doc, values = _document(rng, template, year)
        section = ("proactive", "requests", "appeals")[k % 3]
        numbers = [(p, c.text.strip()) for p, c in _cells_of(doc, section)]
        numbers = [(p, t) for p, t in numbers[len(numbers) // 4 :] if len(t) > 1 and t.isdigit()]
        if not numbers:
            continue
        at, text = numbers[k % len(numbers)]
        doc, hidden = _cut_keeping_keys(doc, at, text[: 1 + k % (len(text) - 1)], mark)
        page = _ROW_A_LINE[rendering](doc, rng)
        page = page[: page.index(mark)] + after
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, {**values, **dict.fromkeys(hidden)}) == {}, (template, year, at)
        assert "incomplete" in got.flags


@pytest.mark.parametrize("rendering", ["spaced", "laid-out"])
@pytest.mark.parametrize("whole", [True, False])
def test_a_copy_that_draws_no_blank_cut_inside_the_appeals_row_places_no_value_by_order(
    rendering: str, whole: bool
):
    """A two-space or laid-out copy cut inside section 四's row of 15 cells (after a cell, or
    inside a number): such a copy draws no blank cell, so the cells before the cut are not
    the row's first ones where a blank stood among them. They were read in order as the first
    columns, values under the wrong outcome on a flagged page. None is read where the copy
    does not show where each stands."""
    mark = "\ue000"
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"appeals-cut-undrawn:{rendering}:{whole}:{k}")
        doc, values = _document(rng, template, year)
        cells = [(p, c.text.strip()) for p, c in _cells_of(doc, "appeals") if c.text.strip()]
        cells = [(p, t) for p, t in cells if t.isdigit() and (whole or len(t) > 1)]
        if len(cells) < 2:
            continue
        at, text = cells[1 + k % (len(cells) - 1)]
        doc, hidden = _cut_keeping_keys(doc, at, text if whole else text[:1], mark)
        page = _ROW_A_LINE[rendering](doc, rng)
        page = page[: page.index(mark)] + ("\n", "\n（未完）\n", "")[k % 3]
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, {**values, **dict.fromkeys(hidden)}) == {}, (template, year, at)
        if any(values[key] is not None for key in hidden):
            assert "incomplete" in got.flags  # (a cut after the row's last number hides none)


@pytest.mark.parametrize("ellipsis", ["…", "……", "..."])
def test_an_excerpts_ellipsis_after_the_last_cell_is_no_blank_cell(ellipsis: str):
    """A copy with a cell a line (blank lines between), cut after section 四's fourteenth
    cell, the excerpting tool's ellipsis on a line of its own: the ellipsis, a mark for a
    blank cell, was read as the row's fifteenth cell, so the row looked whole and the page
    was not said to be cut. The ellipsis is no cell, the number before it may be cut short,
    and the page says it ends inside the table."""
    mark = "\ue000"
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"excerpt-ellipsis:{ellipsis}:{k}")
        doc, values = _document(rng, template, year)
        at, cell = _cells_of(doc, "appeals")[13]
        doc, hidden = _cut_keeping_keys(doc, at, cell.text.strip(), mark)
        page = render_text.blank_lines(doc, rng)
        page = page[: page.index(mark)] + "\n\n" + ellipsis + "\n"
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, {**values, **dict.fromkeys(hidden)}) == {}, (template, year)
        assert "incomplete" in got.flags, (template, year)


@pytest.mark.parametrize("rendering", ["pipe", "tab"])
def test_a_copy_cut_inside_an_appeals_row_drawn_in_another_order_of_groups_is_read(
    rendering: str,
):
    """A copy of section 四 drawn with 行政诉讼 before 行政复议, cut inside the first cell of its
    second or third group, words after the cut: the reading of the groups in the header's
    order asked for the group the cut left off and the page failed to parse (KeyError). The
    page is read; no value lands under another kind of case."""
    render = {"pipe": RENDERINGS["pipe"], "tab": lambda d, r: (render_text.tab_rows(d, r), "")}
    mark = "\ue000"
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"appeals-groups-cut:{rendering}:{k}")
        doc, values = _document(rng, template, year)

        def swap(t: Table) -> Table:
            if t.section != "appeals":
                return t
            rows = list(t.rows)
            r0, r1, data = list(rows[0]), list(rows[1]), list(rows[-1])
            # 行政诉讼's two group headings first, then 行政复议's five (rowspan 2)
            rows[0], rows[1] = (r0[1], r0[0]), tuple(r1[5:] + r1[:5])
            rows[-1] = tuple(data[5:15] + data[:5])
            return replace(t, rows=tuple(rows))

        doc = map_tables(doc, swap)
        cells = _cells_of(doc, "appeals")
        # the cut inside the first cell of the second or third group drawn: that cell is not
        # read, the groups before it are whole
        at, cell = cells[(5, 10)[k % 2]]
        doc, hidden = _cut_keeping_keys(doc, at, cell.text.strip(), mark)
        page, _ = render[rendering](doc, rng)
        page = page[: page.index(mark)] + "\n（未完）\n"
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, {**values, **dict.fromkeys(hidden)}) == {}, (template, year)
        assert "incomplete" in got.flags


def _up_to_appeals(doc: Document) -> Document:
    """The document as far as section 四's table: a copy of the page's tables that stops
    there, nothing after them."""
    blocks = []
    for block in doc.blocks:
        blocks.append(block)
        if isinstance(block, Table) and block.section == "appeals":
            break
    return replace(doc, blocks=tuple(blocks))


#: copies that write a table row a line, laid out as pdftotext -layout writes it in its forms
_ENDS_ON_A_ROW = {
    **_ROW_A_LINE,
    "laid-out-middle": lambda doc, rng: render_text.laid_out(doc, rng, numbers_on="middle"),
    "laid-out-vertical": lambda doc, rng: render_text.laid_out(
        doc, rng, numbers_on="last", tall_labels="vertical"
    ),
    "tab-untrimmed": lambda doc, rng: render_text.tab_rows(doc, rng, trimmed=False),
}


@pytest.mark.parametrize("rendering", sorted(_ENDS_ON_A_ROW))
@pytest.mark.parametrize("end", ["", "\n", "\n\n"])
def test_a_row_a_line_copy_ending_on_the_appeals_row_whole_reads_it(rendering: str, end: str):
    """A copy of the page's tables that stops on section 四's single row, nothing after it
    (no line break, one, or a blank line): nothing closes such a row, so it was taken as cut
    after a cell, its last number cut short, and section 四 was withheld (a copy that does not
    draw every blank cell) or its last cell. Where that cell stands in the table's last column
    (the fifteenth field, or under the header's last 总计) and equals the sum of its group's
    four outcomes, it is no number cut short: the row is read, and every value the copy's
    whole page gives is given (a row cut inside its last number stays cut:
    test_a_row_a_line_copy_cut_inside_a_number_reads_no_cut_number), but for the last number
    where nothing follows it, not even a line break, and it is not 0: digits may follow it
    (test_a_row_a_line_copy_cut_inside_a_misprinted_total_reads_no_cut_number)."""
    read_whole = 0
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"ends-on-appeals:{rendering}:{end!r}:{k}")
        doc, values = _document(rng, template, year)
        layout_seed = f"layout:{k}"
        whole = _ENDS_ON_A_ROW[rendering](doc, random.Random(layout_seed))
        doc = _up_to_appeals(doc)
        page = _ENDS_ON_A_ROW[rendering](doc, random.Random(layout_seed)).rstrip("\n") + end
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year)
        from_whole = parse_bytes(whole.encode("utf-8"), "page.txt")
        appeals = {(c.row, c.col): c.value for c in from_whole.cells if c.section == "appeals"}
        last = [c for c in doc.blocks if isinstance(c, Table)][-1].rows[-1][-1]
        if len(appeals) == 15 and last.text.strip() and values[last.key] is not None:
            read = {(c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
            if not end and values[last.key]:
                # the copy ends on its last digit: digits may follow it on the page
                appeals[("litigation_after_review", "total")] = None
                assert "incomplete" in got.flags, (template, year)
            assert read == appeals, (template, year)
            read_whole += 1
    assert read_whole


#: a 复议后起诉 group whose total the report misprints (its four outcomes, its total): the
#: total's first digits are the outcomes' sum, so a copy cut after them shows a total that
#: holds
_MISPRINTED_TOTALS = (
    ((1, 0, 0, 0), 10),
    ((0, 1, 0, 0), 12),
    ((1, 0, 0, 0), 100),
    ((0, 0, 0, 1), 13),
    ((2, 0, 0, 0), 20),
    ((3, 4, 5, 0), 120),
    ((0, 1, 1, 0), 25),
)


def _set_appeals_group(doc: Document, values: dict, row: str, group: tuple[int, ...]) -> Document:
    """The document with section 四's group `row` showing `group` (in `values` too)."""
    by_col = dict(zip(("upheld", "corrected", "other", "pending", "total"), group))

    def put(_: int, c: GCell) -> GCell:
        if c.key and c.key[:2] == ("appeals", row):
            values[c.key] = by_col[c.key[2]]
            return replace(c, text=str(by_col[c.key[2]]))
        return c

    return map_cells(doc, put)


@pytest.mark.parametrize("rendering", sorted(_ENDS_ON_A_ROW))
def test_a_row_a_line_copy_cut_inside_a_misprinted_total_reads_no_cut_number(rendering: str):
    """A copy of the page's tables cut inside the last number of section 四's row, nothing
    after it, where the report misprints that total (复议后起诉 10 over outcomes of 1, 0, 0
    and 0: reports do misprint their sums) and the digits before the cut are the outcomes'
    sum. A total equal to its group's sum stands for a whole row only where the report's sums
    hold, which a copy cannot show: with no line break after it, a number is whole only where
    no digit may follow it (0, or a blank's mark). Read as whole, the cut total (1 for 10)
    was given on a page marked clean."""
    mark = "\ue000"
    for k, (outcomes, total) in enumerate(_MISPRINTED_TOTALS * 2):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"misprinted-total:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = _set_appeals_group(
            _up_to_appeals(doc), values, "litigation_after_review", (*outcomes, total)
        )
        at, cell = _cells_of(doc, "appeals")[-1]
        doc, hidden = _cut_keeping_keys(doc, at, cell.text.strip()[:1], mark)
        page = _ENDS_ON_A_ROW[rendering](doc, random.Random(f"layout:{k}"))
        got = parse_bytes(page[: page.index(mark)].encode("utf-8"), "page.txt")
        assert _wrong(got, doc, {**values, **dict.fromkeys(hidden)}) == {}, (template, year)
        assert "incomplete" in got.flags, (template, year)


def _closing_lines(rng: random.Random, doc: Document, year: int, form: int) -> list[str]:
    """What may follow a report's last table in a copy of its pages (`form` of five): the
    sign-off's date, a page's number in one of its forms, the agency's signature, or some of
    them together."""
    date = f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
    n = rng.randint(2, 9)
    number = rng.choice((f"- {n} -", f"— {n} —", f"第 {n} 页 共 {n + 1} 页", f"第{n}页"))
    return ([date], [number], [doc.meta.publisher], [doc.meta.publisher, date], [date, "", number])[
        form % 5
    ]


@pytest.mark.parametrize("rendering", sorted(_ENDS_ON_A_ROW))
def test_a_date_page_number_or_signature_after_the_last_table_leaves_its_rows_certain(
    rendering: str,
):
    """A copy of a report's pages that stops after its last table (section 四's, or 三's where
    the copy ends with that page) with the sign-off's date, a page's number (- 3 -, 第 3 页 共 4
    页) or the agency's signature after it, with or without a final line break. A page number
    is no cell of the table, so the last row was taken as cut after a cell (its last number
    perhaps cut short) and withheld in part or whole; a signature alone read as an excerpt's
    words after a cut. Every value the same page gives whole is given, and none of these
    lines is read as a number of the table."""
    for k in range(60):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"closing-lines:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        layout_seed = f"layout:{k}"
        whole = parse_bytes(
            _ENDS_ON_A_ROW[rendering](doc, random.Random(layout_seed)).encode("utf-8"), "page.txt"
        )
        blocks = []
        for block in doc.blocks:
            blocks.append(block)
            if isinstance(block, Table) and block.section == ("requests", "appeals")[k % 3 > 0]:
                break
        doc = replace(doc, blocks=tuple(blocks))
        indent = " " * 30 if rendering.startswith("laid") else ""
        closing = [
            indent + line if line else line for line in _closing_lines(rng, doc, year, k // 5)
        ]
        page = _ENDS_ON_A_ROW[rendering](doc, random.Random(layout_seed)).rstrip("\n")
        page += "\n" + "\n".join(closing) + ("", "\n")[k // 25 % 2]
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year, closing)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        shown = {key for key, _ in keyed_cells(doc)}
        lost = [
            (c.section, c.row, c.col)
            for c in whole.cells
            if (c.section, c.row, c.col) in shown
            and c.value is not None
            and read.get((c.section, c.row, c.col)) != c.value
        ]
        assert lost == [], (template, year, closing)


# --- a copy that separates cells by spaces ---------------------------------------------------


def test_a_header_row_separated_by_spaces_is_read_as_headings():
    """A reader's copy writes a table row a line, its cells separated by two spaces. Its header
    lines (总计  自然人  法人或其他组织) were read as prose, not as headings: a requests table
    that draws 总计 first was read in the template's order, and where each row has one
    applicant's requests only, the sums hold either way round: wrong values in a report marked
    clean. The headings are read; the order they give is read or said."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"spaced-total-first:{k}")
        values = generate(rng, template)
        # one applicant's requests a row: the sums cannot tell 总计 from that applicant
        for key, v in list(values.items()):
            if key[0] == "requests" and key[2] not in ("total", "natural_person"):
                values[key] = 0
        for row in {key[1] for key in values if key[0] == "requests"}:
            values[("requests", row, "total")] = values[("requests", row, "natural_person")]
        opts = LayoutOptions(template=template, year=year, corner="")
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, lambda t: _moved_first(t, "total"))
        got = parse_bytes(render_text.spaced_rows(doc, rng).encode("utf-8"), "page.txt")
        wrong = _wrong(got, doc, values)
        assert not wrong or "column_order_guessed" in got.flags, sorted(wrong)[:4]
        assert any("总计" in p and "requests" in p for p in got.problems)


# --- requests columns read in a guessed order ------------------------------------------------


@pytest.mark.parametrize("numbers_on", ["first", "middle", "last"])
def test_laid_out_two_unread_headings_side_by_side_give_no_number(numbers_on: str):
    """Text laid out by spaces over a header with two headings side by side that cannot be
    read (口口口口, ��), sometimes drawn the other way round with their values: every heading
    found stands over its own column, and the two columns with none found over them were read
    in the template's order with no flag. Which of the two each is, is not known: neither
    column gives a number, and that is said; the others are read."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"laid-out-two-unread:{numbers_on}:{k}")
        i = k % 4
        pair = (_ORG[i], _ORG[i + 1])
        doc, values = _document(rng, template, year)
        marks = {code: rng.choice(_UNREAD) for code in pair}
        doc = _requests_table(
            doc,
            lambda t, p=pair, m=marks, s=k % 2 == 0: _headings_as(_swapped(t, *p) if s else t, m),
        )
        text = render_text.laid_out(doc, rng, numbers_on=numbers_on)
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, pair
        assert not _read_columns(got) & set(pair), pair
        assert "cells_unplaced" in got.flags, pair


def test_a_grid_copy_repeating_its_merged_headings_reads_swapped_columns_under_them():
    """A converter's Markdown of the whole grid copies 自然人 and 总计 into each header row they
    cover, so read in its words' order the header names them twice, and two applicant columns
    drawn the other way round (科研机构 before 商业企业, 其他 before 法律服务机构) were read in
    the template's order with no flag. Column by column the grid names each heading once over
    its values: each value is read under its heading."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"grid-repeat-swapped:{k}")
        pair = (_ORG[0], _ORG[1]) if k % 2 == 0 else (_ORG[3], _ORG[4])
        values = generate(rng, template)
        opts = LayoutOptions(template=template, year=year, corner=KOUJI)
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, lambda t, p=pair: _swapped(t, *p))
        text = render_text.grid_markdown(doc, rng)
        got = parse_bytes(text.encode("utf-8"), "page.md")
        assert _differences(got, doc, values) == {}, pair


@pytest.mark.parametrize("copy", ["tab", "spaced", "md-blank"])
def test_total_drawn_first_over_numbers_that_cannot_tell_reads_only_what_is_certain(copy: str):
    """A requests header that puts 总计 first, its values under it, over rows whose sums hold
    either way round (a row of one applicant: 4 4 0 0 0 0 0) or that leave cells blank: the
    values were read in the template's order, flagged as a guess, and most were wrong. A value
    is read where both orders read the same, or where a row's sums rule one order out; the
    others are withheld, said."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"total-first-untold:{copy}:{k}")
        values = blank(rng, generate(rng, template), ("sparse", "zeros_blank")[k % 2])
        opts = LayoutOptions(template=template, year=year, fmt=ValueFormat(null_text=""))
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, lambda t: _moved_first(t, "total"))
        if copy == "tab":
            text, ext = render_text.tab_rows(doc, rng, trimmed=False), ".txt"
        elif copy == "spaced":
            text, ext = render_text.spaced_rows(doc, rng), ".txt"
        else:
            text, ext = render_text.grid_markdown(doc, rng, repeat=False), ".md"
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong(got, doc, values) == {}, (template, year)
        assert "column_order_guessed" not in got.flags, got.problems


# --- a requests header drawn as one row under the corner's note ------------------------------


def _header_one_row(table: Table) -> Table:
    """The requests header drawn as one row: the corner (its note) and the seven headings."""
    first = table.rows[0]
    heads = tuple(GCell(h, header=True) for h in _HEADINGS.values())
    return replace(table, rows=((replace(first[0], rowspan=1), *heads), *table.rows[3:]))


@pytest.mark.parametrize("copy", ["spaced", "laid-out"])
def test_a_header_line_opening_with_the_note_is_read_as_headings(copy: str):
    """A header drawn as one row puts the corner's note (本列数据的勾稽关系为…) on the headings'
    line. A copy that separates cells by spaces, or lays them out by spaces, wrote the line
    with a word that is no heading, so its headings were not read: a table drawing 总计 first
    was read in the template's order, wrong values in a report marked clean. The note before
    the headings is the corner's; the headings are read, and the order they give."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"one-row-header-note:{copy}:{k}")
        values = blank(rng, generate(rng, template), ("none", "sparse")[k % 2])
        opts = LayoutOptions(template=template, year=year, fmt=ValueFormat(null_text="—"))
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, lambda t: _moved_first(_header_one_row(t), "total"))
        if copy == "spaced":
            text = render_text.spaced_rows(doc, rng)
        else:
            text = render_text.laid_out(doc, rng, numbers_on=rng.choice(("first", "last")))
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year)
        assert any("总计" in p and p.startswith("requests") for p in got.problems), year


# --- 总计 drawn first, its place told by the sums ------------------------------------------


@pytest.mark.parametrize("rendering", ["trs", "pipe", "celllines", "word"])
def test_total_first_told_by_the_sums_with_a_heading_not_named_is_no_guess(rendering: str):
    """总计 drawn first (its values too) and one of the six headings left blank: the sums put
    总计 in its place, and the blank heading is pinned between its neighbours or its column
    withheld. The page said column_order_guessed ("another order than the template's, but not
    each of the seven once"), though no value stood where a guessed order put it: the order of
    the headings named, 总计 set aside, is the template's."""
    codes = list(_HEADINGS)
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"total-first-blank-told:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        blank_one = {codes[k % 6]: ""}
        doc = _requests_table(doc, lambda t, b=blank_one: _headings_as(_moved_first(t, "total"), b))
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, blank_one
        assert "column_order_guessed" not in got.flags, got.problems


# --- 总计 drawn down from the first header row ---------------------------------------------


def _total_in_first_row(table: Table) -> Table:
    """总计 drawn down from the first header row, beside 申请人情况 (its column still last)."""
    first, second, *rest = table.rows
    total = replace(second[2], rowspan=3)
    first = (first[0], replace(first[1], colspan=6), total)
    return replace(table, rows=(first, (replace(second[0], rowspan=2), second[1]), *rest))


@pytest.mark.parametrize("corner", ["", KOUJI])
@pytest.mark.parametrize("rendering", sorted(set(RENDERINGS) - {"celllines"}))
def test_total_drawn_down_from_the_first_header_row_is_read(corner: str, rendering: str):
    """A header that draws 总计 down from its first row, beside 申请人情况: with the corner left
    blank, that row (blank corner, 总计) was judged to hold a heading left blank, and every
    requests value was withheld (自然人's in a converter's Markdown). A header that names each
    of the seven once has no heading left to be blank: its blank cells are the corner's."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"total-first-row:{corner}:{rendering}:{k}")
        values = blank(rng, generate(rng, template), ("none", "sparse")[k % 2])
        opts = LayoutOptions(
            template=template, year=year, fmt=ValueFormat(null_text="—"), corner=corner
        )
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, _total_in_first_row)
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, (template, year)


# --- a grid copy of a table without one of the seven columns ----------------------------------


@pytest.mark.parametrize("rendering", ["md-repeat", "md-blank"])
def test_a_grid_copy_without_a_column_reads_the_six_under_their_headings(rendering: str):
    """A converter's Markdown of a requests table that lacks one column: the header's grid
    names the six others, each over a column of its own, and every row has a cell under each.
    Every requests value was withheld ("which one it lacks is not known"); each is read under
    its heading where the sums of rows with six numbers put their total under 总计 (or 总计 is
    the column lacking), and the column lacking is said."""
    codes = list(_HEADINGS)
    for k, (template, year) in enumerate(FORMATS * 3):
        rng = random.Random(f"grid-lacking:{rendering}:{k}")
        gone = codes[k % 7]
        values = generate(rng, template)
        for key in values:
            if key[0] == "requests" and key[2] == gone:
                values[key] = 0
        for row in {key[1] for key in values if key[0] == "requests"}:
            # (the total is the sum of the others shown)
            values["requests", row, "total"] = sum(
                values["requests", row, code] or 0 for code in codes[:6]
            )
        values = blank(rng, values, ("none", "sparse")[k % 2])
        opts = LayoutOptions(template=template, year=year, corner=rng.choice(("", KOUJI)))
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, lambda t, g=gone: _without(t, g))
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, gone
        assert "incomplete" in got.flags, gone
        # a total that is not the sum of the others: the header may stand off its values
        doc, values = _document(rng, template, year)
        doc = _requests_table(doc, lambda t, g=gone: _without(t, g))
        assert _wrong(_read(doc, rendering, rng), doc, values) == {}, gone


# --- laid-out text: a blank heading beside an unread one -------------------------------------


@pytest.mark.parametrize("numbers_on", ["first", "middle", "last"])
def test_laid_out_blank_heading_beside_an_unread_one_withholds_only_those_two(numbers_on: str):
    """Text laid out by spaces writes nothing for a heading left blank: beside one not read
    (口口口口), the group's row shows four words, and judged by their order all five group
    columns were withheld. Judged by where they stand over the values, the three named stand
    over their own columns and are read; which of the two others each column is, is not known
    (a pair drawn the other way round shows the same), and neither is read."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"laid-out-blank-unread:{numbers_on}:{k}")
        pair = [_ORG[k % 4], _ORG[k % 4 + 1]]
        rng.shuffle(pair)
        doc, values = _document(rng, template, year)
        marks = {pair[0]: "", pair[1]: rng.choice(_UNREAD)}
        doc = _requests_table(
            doc,
            lambda t, p=pair, m=marks, s=k % 2 == 0: _headings_as(_swapped(t, *p) if s else t, m),
        )
        text = render_text.laid_out(doc, rng, numbers_on=numbers_on)
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, pair
        assert not _read_columns(got) & set(pair), pair
        assert "cells_unplaced" in got.flags, pair
        assert "column_order_guessed" not in got.flags, got.problems
        # (a row may give none for a reason of its own: a label wrapped over its numbers)
        assert set(_ORG) - set(pair) <= _read_columns(got), got.problems


def test_a_two_space_header_line_with_unread_headings_is_read_as_headings():
    """A copy separating cells by two spaces writes a header row with two headings that cannot
    be read (商业企业  口口口口  口口口口  法律服务机构  其他): the line was prose, the header named
    neither heading nor showed their cells, and the values were read in the template's order
    with no flag, wrong where the two columns were drawn the other way round. The unread words
    stand among the headings; the two side by side give no number, said."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"spaced-two-unread:{k}")
        pair = (_ORG[k % 4], _ORG[k % 4 + 1])
        marks = {code: rng.choice(_UNREAD) for code in pair}
        doc, values = _document(rng, template, year)
        doc = _requests_table(
            doc,
            lambda t, p=pair, m=marks, s=k % 2 == 0: _headings_as(_swapped(t, *p) if s else t, m),
        )
        got = parse_bytes(render_text.spaced_rows(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, pair
        assert not _read_columns(got) & set(pair), pair
        assert "cells_unplaced" in got.flags, pair


# --- footnote references after numbers -------------------------------------------------------

_TEXT_COPIES = {
    **RENDERINGS,
    "flipbook": lambda doc, rng: (render_text.flipbook(doc, rng), ".txt"),
    "tab": lambda doc, rng: (render_text.tab_rows(doc, rng, trimmed=False), ".txt"),
}


_MARKS = {"raised": ("¹", "²", "³", "①", "⑵"), "lowered": ("₁", "₂", "₃")}


@pytest.mark.parametrize("marks", sorted(_MARKS))
@pytest.mark.parametrize("rendering", sorted(_TEXT_COPIES))
def test_a_footnote_reference_after_a_number_is_no_digit_of_it(rendering: str, marks: str):
    """A report that explains a figure in a note under its table marks the figure: 12¹ in a
    copy, 12<sup>1</sup> (or a span raised by vertical-align: super) in the page's HTML, 3① in
    a flipbook's line of numbers. NFKC made 12¹ and 3① the numbers 121 and 31 (a flipbook
    line is normalized whole), and an HTML cell's text ran the raised digit into the number:
    every marked value was wrong, with no flag. The same with the mark set below the line:
    12<sub>1</sub> or a span lowered by vertical-align: sub (Word exports both), 12₁ in a copy.
    The mark is no part of the value, and the reading says so."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"footnote:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t, r=rng: footnote_marks(t, r, _MARKS[marks], share=0.2))
        text, ext = _TEXT_COPIES[rendering](doc, rng)
        if ext == ".html":
            text = render_html.superscripts_as_sup(text, styled=k % 2 == 1)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong(got, doc, values) == {}, (template, year)
        if rendering in RENDERINGS:
            assert _differences(got, doc, values) == {}, (template, year)
            assert any("footnote mark" in p for p in got.problems)


_NOTES = (
    "（含转办2件）",
    "（其中网上申请1件）",
    "(含依职权公开)",
    "（注：含1件为网上申请）",
    "\n注：含2件",
    "(见注)",
    "*注",
)


@pytest.mark.parametrize("rendering", sorted(_TEXT_COPIES))
def test_a_note_after_a_number_in_its_cell_is_no_part_of_the_value(rendering: str):
    """A report explains a figure in the cell itself, after the number: 6（含转办5件）,
    3（其中网上申请1件）, 5 and 注：含2件 on the cell's next line. The cell was no value at all:
    taken as empty, and in a grid copy whose label cell spans two columns the blank position
    after the label took the row's first column, every value of the row a column right. The
    number is the cell's value; the note is no part of it, and the reading says so."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"note-in-cell:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t, r=rng: footnote_marks(t, r, _NOTES, share=0.2))
        text, ext = _TEXT_COPIES[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong(got, doc, values) == {}, (template, year)
        if rendering in RENDERINGS:
            assert _differences(got, doc, values) == {}, (template, year)
            assert any("footnote mark" in p for p in got.problems)


# --- values merged down a column ---------------------------------------------------------------


def _merged_down_document(rng: random.Random, template: str, year: int):
    """A page whose requests table merges a run of equal values down one column."""
    doc, values = _document(rng, template, year)
    col = rng.choice([c.code for c in contract.REQUEST_COLUMNS])
    doc = _requests_table(doc, lambda t: merged_down(t, rng, col))
    return doc, values, col


def _wrong_beside_merged(got: Report, doc: Document, values: dict) -> dict:
    """_wrong, but a merged value read for a row under it is right."""
    shown = {key for key, _ in keyed_cells(doc)}
    return {
        key: v for key, v in _wrong(got, doc, values).items() if key in shown or v[1] != values[key]
    }


def test_a_copy_of_a_value_merged_down_a_column_gives_the_rows_under_it_no_numbers():
    """An editor merges a run of equal values (0 0 0) down one requests column into one cell.
    The copy writes the rows under it one cell short, the covered position in the run of bars
    that closes the line (`1 | | 2 | |||`). The space before that run was read as a blank cell,
    so each such row looked whole and every value after the merged column moved one column
    left, with no flag. A row one cell short gives no values, and says so."""
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"merged-down:{k}")
        doc, values, col = _merged_down_document(rng, template, year)
        got = parse_bytes(render_text.pipe_rows(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong_beside_merged(got, doc, values) == {}, (template, year, col)


def _merged_over_blank_rows(rng: random.Random, template: str, year: int):
    """A page whose requests table merges one value down a column over two to four rows whose
    other cells are all blank (a lone figure, 0 or more, in each of them), and the keys of the
    positions the merged cell covers."""
    doc, values = _document(rng, template, year)
    col = rng.choice([c.code for c in contract.REQUEST_COLUMNS])
    number = str(rng.choice((0, 0, 1, 2, 7, 15)))
    covered: set[tuple[str, str, str]] = set()

    def merge(table: Table) -> Table:
        rows = [list(r) for r in table.rows]
        keyed = [i for i, r in enumerate(rows) if any(c.key and c.key[2] == col for c in r)]
        runs = [
            (i, length)
            for i in keyed
            for length in (2, 3, 4)
            if all(i + d in keyed for d in range(length))
        ]
        top, length = rng.choice(runs)
        for i in range(top, top + length):
            for k, c in enumerate(rows[i]):
                if c.key is not None:
                    text = number if c.key[2] == col else ""
                    values[c.key] = int(text) if text else None
                    rows[i][k] = replace(c, text=text)
        for i in range(top + 1, top + length):
            k = next(k for k, c in enumerate(rows[i]) if c.key and c.key[2] == col)
            covered.add(rows[i][k].key)
            del rows[i][k]
        k = next(k for k, c in enumerate(rows[top]) if c.key and c.key[2] == col)
        rows[top][k] = replace(rows[top][k], rowspan=length)
        return replace(table, rows=tuple(tuple(r) for r in rows))

    return _requests_table(doc, merge), values, covered


def test_a_copy_of_a_value_merged_down_over_blank_rows_reads_no_covered_position_as_blank():
    """A value merged down a column over rows whose other cells are all blank: the copy writes
    each row under it a cell short with no number in it (`2.重复申请 | | | | | | | |||`). Such
    a row was read as blank in every column, the covered position too, where the page had the
    merged number, with no flag. Which position the merged cell covers is not told by the row:
    a column whose cell in the row above is blank is blank either way; one where that row shows
    a number is not read, and the page says so."""
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"merged-over-blanks:{k}")
        doc, values, covered = _merged_over_blank_rows(rng, template, year)
        got = parse_bytes(render_text.pipe_rows(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong_beside_merged(got, doc, values) == {}, (template, year)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        for key in covered:
            assert read.get(key, values[key]) == values[key], (template, year, key)
        if any(values[key] is not None and key not in read for key in covered):
            assert "cells_unplaced" in got.flags, (template, year)


def _merged_across(table: Table, rng: random.Random) -> Table:
    """A requests row with two or three equal neighbouring value cells drawn as one cell
    spanning their columns (0 | 0 merged into one 0); the positions it covers show no cell."""
    if table.section != "requests":
        return table
    runs = [
        (i, k, width)
        for i, row in enumerate(table.rows)
        for k in range(len(row))
        for width in (2, 3)
        if k + width <= len(row)
        and all(c.key is not None and c.text.strip() for c in row[k : k + width])
        and len({c.text for c in row[k : k + width]}) == 1
    ]
    if not runs:
        return table
    i, k, width = rng.choice(runs)
    row = table.rows[i]
    merged = (*row[:k], replace(row[k], colspan=width), *row[k + width :])
    return replace(table, rows=(*table.rows[:i], merged, *table.rows[i + 1 :]))


def _merged_page(rng: random.Random, template: str, year: int, merge: str):
    """A page with a cell merged `down` a requests column, `across` a requests row or across
    section 四's row (`appeals`), and the keys of the positions the merged cells cover."""
    if merge == "down":
        return _merged_in_columns(rng, template, year, lambda t, r, c: merged_down(t, r, c, most=4))
    doc, values = _document(rng, template, year)
    shown = {key for key, _ in keyed_cells(doc)}
    if merge == "across":
        doc = map_tables(doc, lambda t, r=rng: _merged_across(t, r))
    else:
        width = rng.choice((2, 3))
        doc = map_tables(doc, lambda t, r=rng, w=width: appeals_merged_across(t, r, w))
    return doc, values, shown - {key for key, _ in keyed_cells(doc)}


#: copies that write a merged cell once, where it starts, and the positions it covers empty
_COVERED_BLANK = {
    "md-blank": lambda doc, rng: (render_text.grid_markdown(doc, rng, repeat=False), ".md"),
    "laid": lambda doc, rng: (render_text.laid_out(doc, rng), ".txt"),
}


@pytest.mark.parametrize("merge", ["down", "across", "appeals"])
@pytest.mark.parametrize("rendering", sorted(_COVERED_BLANK))
def test_a_copy_writing_a_merged_cells_covered_positions_empty_reads_none_of_them_as_blank(
    rendering: str, merge: str
):
    """A converter's Markdown (pdfplumber, camelot) or text laid out by spaces writes a cell
    merged down a column or across a row once, where it starts, and the positions it covers
    as empty cells. A merged 0 (0 0 0 drawn as one 0) left each covered position read as a
    certain blank, with no flag: the sums count a blank as 0 and cannot tell them apart. An
    empty cell after a number (down its column, along its row) may be such a position or a
    blank cell; it is not read, and the page says so."""
    withheld = 0
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"covered-blank:{rendering}:{merge}:{k}")
        doc, values, covered = _merged_page(rng, template, year, merge)
        text, ext = _COVERED_BLANK[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong_beside_merged(got, doc, values) == {}, (template, year)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        for key in covered:
            assert read.get(key, values[key]) == values[key], (template, year, key)
        if any(key not in read for key in covered):
            withheld += 1
            assert "cells_unplaced" in got.flags, (template, year)
    assert withheld


#: cell-a-line copies of each table's whole grid, a merged cell once and its positions empty
_GRID_CELL_LINES = {
    "cell-lines": lambda doc, rng: render_text.grid_cell_lines(doc, rng),
    "separator-lines": lambda doc, rng: render_text.grid_cell_lines(doc, rng, separators=True),
}


@pytest.mark.parametrize("merge", ["down", "across", "appeals"])
@pytest.mark.parametrize("rendering", sorted(_GRID_CELL_LINES))
def test_a_cell_a_line_copy_of_the_whole_grid_reads_no_covered_position_as_blank(
    rendering: str, merge: str
):
    """A cell-a-line copy (`0 |` a line, or cells between separator lines) of each table's
    whole grid writes a merged cell once and the positions it covers as empty cells: a merged
    0 (0 0 0 drawn as one 0) left each covered position read as a certain blank with no flag,
    as in the Markdown and laid-out copies before; and a row whose label, merged over the label
    columns, left blank positions in front of its values read its first cells in order where
    its last value happened to equal the one before it (taken for a merged value's text copied
    behind), every value two columns off. The header's empty positions between headings say
    the copy writes covered positions in place: an empty cell a merged cell may cover is not
    read, and the page says so; no page gives a wrong number without a flag."""
    withheld = 0
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"grid-cell-lines:{rendering}:{merge}:{k}")
        doc, values, covered = _merged_page(rng, template, year, merge)
        got = parse_bytes(_GRID_CELL_LINES[rendering](doc, rng).encode("utf-8"), "page.txt")
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        wrong = {key: v for key, v in read.items() if key in values and v != values[key]}
        if wrong:
            assert got.flags, (template, year, wrong)
        if any(key not in read for key in covered):
            withheld += 1
            assert "cells_unplaced" in got.flags, (template, year)
    assert withheld


@pytest.mark.parametrize("merge", ["none", "down", "across", "appeals"])
@pytest.mark.parametrize("fillers", ["bars", "double", "empty"])
def test_a_cell_a_line_copy_padding_its_rows_past_their_last_column_moves_no_value(
    fillers: str, merge: str
):
    """The seed's cell-a-line copy from a tool that writes each filler as a line of its own (a
    lone `|`, `||`, an empty line) and pads every value row past its last column. A row a
    value merged down from the row above (or across it, or across section 四's row) covers a
    position of shows a cell fewer and a filler more; a lone `|` filler reads as an empty
    cell, so the row read as its first columns took a filler for its last (总计) and every
    value after the covered position a column off: 385 values on 69 of 160 pages, no flag.
    And a blank row under a merged value read its covered position as a certain blank where
    the merged cell holds a number. A row whose last column and the cells past it are empty
    is not read, nor a blank row's columns a merged value above may fill, and the page says
    so; no value is read wrong, flagged or not, and a page with no merged cell is read."""
    withheld = 0
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"padded-cell-lines:{fillers}:{merge}:{k}")
        if merge == "none":
            doc, values = _document(rng, template, year)
            covered: set = set()
        else:
            doc, values, covered = _merged_page(rng, template, year, merge)
        text = render_text.padded_cell_lines(doc, rng, fillers=fillers, extra=1 + k % 2)
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        wrong = {key: (values.get(key), v) for key, v in read.items() if values.get(key) != v}
        assert wrong == {}, (template, year, k)
        on_page = {key for key, _ in keyed_cells(doc)} | covered
        missing = [key for key in on_page if key not in read]
        if missing:
            withheld += 1
            assert "cells_unplaced" in got.flags, (template, year, k)
        if merge == "none":
            assert len(missing) < len(on_page) // 4, (template, year, k)
    assert withheld or merge == "none"


def _each_padded_grid_copy(test):
    """The test for each way of the padded-header copy of the value rows' whole grid: its
    header's fillers, where they stand, what closes a value row, separator lines or none."""
    for name, ways in (
        ("separators", [False, True]),
        ("row_end", ["", "empty", "pad"]),
        ("at", ["end", "mid"]),
        ("fillers", ["bars", "double", "empty"]),
    ):
        test = pytest.mark.parametrize(name, ways)(test)
    return test


@_each_padded_grid_copy
def test_a_copy_padding_its_header_but_writing_every_value_position_moves_no_value(
    fillers: str, at: str, row_end: str, separators: bool
):
    """A cell-a-line copy whose header rows write the positions their merged headings cover
    as fillers (a line of bars, `||` lines or empty lines; at the row's end or where they
    stand) but whose value rows write every grid position, a merged label's or value's
    covered positions as empty cells in place. Read as the seed's copy (blank cells past the
    last column covered, a value repeated past it a merged cell's copy, the table's majority
    for rows that do not tell), a row's label-covered positions in front and the next row's
    behind shifted its values a column and read covered positions as blanks, on pages whose
    flags were for other rows or none: 888 of 1,440 pages, 3,750 values, 87 pages with no
    flag (`x |` lines, and bare lines between separator lines). An empty cell under a row
    withheld was read as a blank where a number of that row merged down covered it. A row is
    read where one place of its columns between the empty cells at its ends is possible;
    else it gives no values, and the page says which row and why; empty cells a merged number
    or a row not read may cover are not read."""
    read_rows = withheld = 0
    for merge in ("none", "down", "across", "appeals"):
        for k, (template, year) in enumerate(FORMATS * 2):
            rng = random.Random(
                f"padded-header-grid:{fillers}:{at}:{row_end}:{separators}:{merge}:{k}"
            )
            if merge == "none":
                doc, values = _document(rng, template, year)
            else:
                doc, values, _ = _merged_page(rng, template, year, merge)
            text = render_text.padded_header_grid_cell_lines(
                doc, rng, fillers=fillers, at=at, row_end=row_end, separators=separators
            )
            got = parse_bytes(text.encode("utf-8"), "page.txt")
            read = {(c.section, c.row, c.col): c.value for c in got.cells}
            shown = {key for key, _ in keyed_cells(doc)}
            wrong = {key: (values.get(key), v) for key, v in read.items() if key not in shown}
            wrong |= {key: (values[key], read[key]) for key in shown & read.keys()}
            wrong = {key: pair for key, pair in wrong.items() if pair[0] != pair[1]}
            assert wrong == {}, (merge, template, year)
            # a row read as it stands (as many cells as columns, none covered) says nothing
            assert not [p for p in got.problems if re.search(r"\b0 (empty cell|after)", p)]
            for row in {key[1] for key in shown if key[0] == "requests"}:
                if any(key[:2] == ("requests", row) for key in read):
                    read_rows += 1
                elif any(p.startswith(f"requests.{row}:") for p in got.problems):
                    withheld += 1
                    assert "cells_unplaced" in got.flags
    assert read_rows > withheld > 0


#: requests rows inside a result group (not its first, which opens the group's label): the
#: row above, of the same group, and the row below
_INSIDE_A_GROUP = {
    "2019": ("withheld.third_party", "unavailable.needs_creation", "not_processed.publication"),
    "2021": ("withheld.internal_affairs", "unavailable.needs_creation", "other.fee_unpaid"),
}


def _blank_at_both_ends(rng: random.Random, doc: Document, values: dict, template: str):
    """The document with rows inside a result group blank in their first and last columns and
    numbers between, the other rows of the groups' parts all numbers; and those rows' codes."""
    targets = rng.sample(_INSIDE_A_GROUP[template], 2)
    rows = [r.code for r in contract.rows(template, "requests") if "." in r.code]
    for code in rows:
        for i, col in enumerate(contract.REQUEST_COLUMNS):
            blank = code in targets and (i in (0, 6) or rng.random() < 0.2)
            values[("requests", code, col.code)] = None if blank else rng.randint(1, 9)

    def written(p: int, c: GCell) -> GCell:
        if not (c.key and c.key[0] == "requests" and c.key[1] in rows):
            return c
        return replace(c, text="" if values[c.key] is None else str(values[c.key]))

    return map_cells(doc, written), targets


@_each_padded_grid_copy
def test_a_copy_writing_every_value_position_reads_a_row_blank_at_both_ends_its_neighbours_place(
    fillers: str, at: str, row_end: str, separators: bool
):
    """The padded-header copy of the value rows' whole grid (as above): between a row's label
    and the next row's stand the positions its label covers, its seven columns and the
    positions the next row's labels cover, all written as cells. A row whose first and last
    columns are blank shows empty cells at both ends, and read by itself it may start at any
    of them: it was withheld (116 of 720 such rows read, on 360 pages). Inside a result group
    no label opens between two rows, so the positions after a row and those its neighbour's
    label covers make up the label columns but one, as in every other pair of the group's
    rows that shows its ends: the rows beside it place it, and its numbers are read where
    they stand (711 of 720). A row a lone bar may have ended a position early is not placed,
    and said. No value is read wrong, and each number read points at its own line."""
    read_rows = 0
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"grid-blank-ends:{fillers}:{at}:{row_end}:{separators}:{k}")
        doc, values = _document(rng, template, year)
        doc, targets = _blank_at_both_ends(rng, doc, values, template)
        text = render_text.padded_header_grid_cell_lines(
            doc, rng, fillers=fillers, at=at, row_end=row_end, separators=separators
        )
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        wrong = {key: (values.get(key), v) for key, v in read.items() if values.get(key) != v}
        assert wrong == {}, (template, year)
        lines = text.split("\n")
        for c in got.cells:
            if c.value is not None:
                assert lines[c.tr - 1].strip().rstrip("|").strip() == c.raw, c
        for code in targets:
            numbers = {
                key for key, v in values.items() if key[:2] == ("requests", code) and v is not None
            }
            if numbers <= read.keys():
                read_rows += 1
            else:  # (a row a lone bar may have ended a position early, not placed; a number
                # before blank cells a merged cell may cover: withheld, and said)
                assert "cells_unplaced" in got.flags, code
                assert any(p.startswith(f"requests.{code}") for p in got.problems), code
    assert read_rows >= 2 * len(FORMATS) * 2 * 3 // 4, read_rows


def _plain_or_merged(rng: random.Random, template: str, year: int, merge: str):
    """A page with no merged cell (`none`), or as _merged_page draws it."""
    if merge == "none":
        return _document(rng, template, year)
    return _merged_page(rng, template, year, merge)[:2]


def _padded_grid(doc: Document, rng: random.Random, fillers: str, at: str, separators: bool):
    """The padded-header copy of the value rows' whole grid, its rows' end drawn by `rng`."""
    return render_text.padded_header_grid_cell_lines(
        doc,
        rng,
        fillers=fillers,
        at=at,
        row_end=rng.choice(("", "empty", "pad")),
        separators=separators,
    )


@pytest.mark.parametrize("at", ["end", "mid"])
@pytest.mark.parametrize("fillers", ["bars", "double", "empty"])
def test_a_copy_writing_every_value_position_with_a_column_the_template_lacks_reads_none_off(
    fillers: str, at: str
):
    """The padded-header copy of the value rows' whole grid (as above) of a table with a 小计
    column after the group's five, which the template lacks. Its cells were left out by their
    index counted from a row's first cell, but a row's first cells here are the positions its
    label covers: the cell left out was a value, and the 小计 read as 其他 or 总计 (295 pages,
    with or without a 序号 column, some cut: 932 wrong values on 222, the rows noted as
    placed). Where an extra column stands in such a row is not known: no row is read, and the
    page says so."""
    for merge in ("none", "down", "across", "appeals"):
        for k, (template, year) in enumerate(FORMATS * 2):
            rng = random.Random(f"padded-grid-subtotal:{fillers}:{at}:{merge}:{k}")
            doc, values = _plain_or_merged(rng, template, year, merge)
            doc = _requests_table(doc, lambda t, v=values: org_subtotal_column(t, v))
            text = _padded_grid(doc, rng, fillers, at, rng.random() < 0.5)
            got = parse_bytes(text.encode("utf-8"), "page.txt")
            read = {(c.section, c.row, c.col): c.value for c in got.cells}
            wrong = {key: (values.get(key), v) for key, v in read.items() if values.get(key) != v}
            assert wrong == {}, (merge, template, year)
            assert "cells_unplaced" in got.flags


@pytest.mark.parametrize("separators", [False, True])
@pytest.mark.parametrize("fillers", ["bars", "double", "empty"])
def test_a_copy_writing_every_value_position_cut_inside_a_row_reads_no_cell_a_column_off(
    fillers: str, separators: bool
):
    """The padded-header copy of the value rows' whole grid (as above), the page ending inside
    the requests table. The row the cut falls in was read as its first cells in order: a label
    spanning the label columns leaves an empty cell in front of its values, read as the first
    column's blank and every value after it a column to the right (80 pages: 15 wrong values
    on 10, the row said to be read up to the cut). A row cut short has no end to count its
    columns back from: with empty cells in front, none of its cells is read, and the page says
    so; the rows before the cut read as before."""
    cut_rows = 0
    for merge in ("none", "down", "across"):
        for k, (template, year) in enumerate(FORMATS * 4):
            rng = random.Random(f"padded-grid-cut:{fillers}:{separators}:{merge}:{k}")
            doc, values = _plain_or_merged(rng, template, year, merge)
            lines = _padded_grid(doc, rng, fillers, rng.choice(("end", "mid")), separators)
            lines = lines.split("\n")
            start = next(i for i, line in enumerate(lines) if "本年度办理结果" in line)
            text = "\n".join(lines[: rng.randrange(start + 1, start + 60)]) + "\n"
            got = parse_bytes(text.encode("utf-8"), "page.txt")
            read = {(c.section, c.row, c.col): c.value for c in got.cells}
            wrong = {key: (values.get(key), v) for key, v in read.items() if values.get(key) != v}
            assert wrong == {}, (merge, template, year)
            assert "incomplete" in got.flags
            cut_rows += any("the page ends inside this row" in p for p in got.problems)
    assert cut_rows


@pytest.mark.parametrize(
    "header", ["bars-end", "bars-mid", "double-end", "double-mid", "empty-end", "empty-mid", "grid"]
)
def test_a_cell_a_line_copy_of_value_rows_with_a_serial_column_takes_no_running_number_for_a_value(
    header: str,
):
    """A requests table with a 序号 column, copied a cell a line over its value rows' whole
    grid: a row under 三、 (merged down) writes its running number, then the position 三、
    covers empty, then its label. The number was looked for just before the label, so it stood
    as the row above's last value and every number after the first missed as well (the
    running count broken): the padded-header copy read the next row's number as that row's
    总计 (981 wrong values on 1,440 pages, on pages flagged for other rows only). A running
    number before the empty cells in front of a label is the row's; in a copy of the whole
    grid, header included, the header's positions hold the 序号 column's blank cells but not
    its heading, and do not line up with the values: none is read, and the page says so.
    `header`: the padded-header copy's fillers and where they stand, or (grid) the whole grid."""
    fillers, _, at = header.partition("-")
    read_rows = 0
    for merge in ("none", "down", "across", "appeals"):
        for k, (template, year) in enumerate(FORMATS):
            rng = random.Random(f"serial-grid-rows:{header}:{merge}:{k}")
            doc, values = _plain_or_merged(rng, template, year, merge)
            doc = _requests_table(doc, serial_column)
            separators = rng.random() < 0.5
            if header == "grid":
                text = render_text.grid_cell_lines(doc, rng, separators=separators)
            else:
                text = _padded_grid(doc, rng, fillers, at, separators)
            got = parse_bytes(text.encode("utf-8"), "page.txt")
            read = {(c.section, c.row, c.col): c.value for c in got.cells}
            wrong = {key: (values.get(key), v) for key, v in read.items() if values.get(key) != v}
            assert wrong == {}, (merge, template, year, separators)
            read_rows += len({key[1] for key in read if key[0] == "requests"})
            if not any(key[0] == "requests" for key in read):
                assert "cells_unplaced" in got.flags
    assert read_rows or header == "grid"


#: the requests header of a cell-a-line copy, its merged headings' covered positions written
#: as fillers at each row's end, as fillers where they stand, or not at all
_PADDED_HEADERS = {
    "end": ["*", "申请人情况", "||||||||", "自然人", "法人或其他组织", "总计", "|||||||"]
    + ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "|||||"],
    "mid": ["*", "||", "申请人情况", "||||||", "|||", "自然人", "法人或其他组织", "||||", "总计"]
    + ["||||", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "|"],
    "none": ["*", "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构"]
    + ["社会公益组织", "法律服务机构", "其他"],
}


def _cell_a_line(*texts: str) -> str:
    return "".join(f"{t} |\n" if t and not set(t) <= {"|"} else f"{t or '|'}\n" for t in texts)


@pytest.mark.parametrize("header", sorted(_PADDED_HEADERS))
def test_a_row_writing_its_label_s_covered_positions_reads_its_values_where_they_stand(
    header: str,
):
    """Hand-written rows of a copy whose header writes no covered position in place but
    whose value rows write every grid position: 一、 and 二、 spanning the three label columns
    (two empty cells in front), （一）予以公开 spanning two (one in front) with the next row's
    position under 三、 behind it, its first and third values blank (`/`). The row of
    予以公开 was read one column off (its covered position taken for 自然人's cell, its total
    dropped as a merged value's copy), with no word of it. The empty cells in front and behind
    are placed where only one place is possible; 1.属于国家秘密, blank first and last with two
    covered positions behind, could stand two ways and gives no values, said by its name."""
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    head = [corner if t == "*" else t for t in _PADDED_HEADERS[header]]
    rows = _cell_a_line(
        *("一、本年新收政府信息公开申请数量", "", "", "3", "0", "1", "0", "0", "1", "5"),
        *("二、上年结转政府信息公开申请数量", "", "", "2", "0", "0", "0", "0", "0", "2"),
        *("三、本年度办理结果", "（一）予以公开", "", "/", "0", "/", "0", "0", "0", "0", ""),
        *("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
        *("1", "0", "0", "0", "0", "0", "1", ""),
        *("（三）不予公开", "1.属于国家秘密", "", "0", "0", "0", "0", "0", "", "", ""),
        *("2.其他法律行政法规禁止公开", "0", "0", "0", "0", "0", "0", "0"),
    )
    page = (
        "某县司法局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        + _cell_a_line(*head)
        + rows
    )
    got = parse_bytes(page.encode("utf-8"), "page.txt")
    read = {(c.row, c.col): c.value for c in got.cells if c.section == "requests"}
    columns = [c.code for c in contract.REQUEST_COLUMNS]
    expected = {
        "new_received": [3, 0, 1, 0, 0, 1, 5],
        "carried_over": [2, 0, 0, 0, 0, 0, 2],
        "granted": [None, 0, None, 0, 0, 0, 0],
        "partially_granted": [1, 0, 0, 0, 0, 0, 1],
        "withheld.prohibited_by_law": [0] * 7,
    }
    assert read == {
        (row, col): v for row, values in expected.items() for col, v in zip(columns, values)
    }
    assert any(p.startswith("requests.withheld.state_secret: ") for p in got.problems)
    assert "cells_unplaced" in got.flags


@pytest.mark.parametrize("trimmed", [True, False])
@pytest.mark.parametrize("merge", ["down", "across", "appeals"])
def test_a_tab_copy_cut_after_a_merged_cell_places_no_value_a_column_off(merge: str, trimmed: bool):
    """A browser's TAB copy writes no position a merged cell covers, in place or at its row's
    end. Cut inside a row after a merged cell (across the row, or down from a row above), a
    row that shows fewer cells than columns was read as the row's first cells in order: every
    value after the merged cell a column to the left, on a page flagged only as cut. The cut
    row's cells are not read (a requests row; in section 四, the groups before the cut whose
    totals are their sums are), and the page says it ends inside the table."""
    mark = "\ue000"
    cut_pages = 0
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"tab-merged-cut:{merge}:{trimmed}:{k}")
        doc, values, covered = _merged_page(rng, template, year, merge)
        rows = {key[1] for key in covered} | {
            c.key[1] for _, c in _cells_of(doc, "requests") if c.colspan > 1 or c.rowspan > 1
        }
        section = "appeals" if merge == "appeals" else "requests"
        first = min(
            (p for p, c in _cells_of(doc, section) if c.colspan > 1 or c.rowspan > 1),
            default=None,
        )
        after = [
            (p, c)
            for p, c in _cells_of(doc, section)
            if first is not None
            and p > first
            and (section == "appeals" or c.key[1] in rows)
            and c.text.strip()
        ]
        if not after:
            continue
        at, cell = after[k % len(after)]
        text = cell.text.strip()
        shown = text if len(text) < 2 or k % 2 else text[: 1 + k % (len(text) - 1)]
        doc, hidden = _cut_keeping_keys(doc, at, shown, mark)
        page = render_text.tab_rows(doc, rng, trimmed=trimmed)
        page = page[: page.index(mark)] + ("\n", "\n（未完）\n", "")[k % 3]
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        wrong = _wrong(got, doc, {**values, **dict.fromkeys(hidden)})
        assert {
            key: v for key, v in wrong.items() if key not in covered or v[1] != values[key]
        } == {}
        assert "incomplete" in got.flags
        cut_pages += 1
    assert cut_pages


@pytest.mark.parametrize("trimmed", [True, False])
def test_a_tab_copy_cut_after_a_cell_merged_inside_a_group_reads_no_group_it_may_move(
    trimmed: bool,
):
    """Section 四 of few requests (outcomes 0 to 2, whose sums hold), two or three equal cells
    of it merged into one (0 | 0 drawn as one 0), in a browser's TAB copy cut after the
    merged cell. A group of five read in order sums to its total by chance where the merge
    inside it moved the next group's first cell under its total (1 0 0 | 1 2 for 1 0 0 0 1,
    the 0 merged over two): read, its pending and total were a column off. A group is read
    only where no merged cell before its end, of one to five cells, would make the groups
    read so far sum with other values."""
    mark = "\ue000"
    cut_pages = 0
    for k in range(320):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"tab-merged-in-group:{trimmed}:{k}")
        doc, values = _document(rng, template, year)
        for row in ("review", "litigation_direct", "litigation_after_review"):
            outcomes = [rng.choice((0, 0, 1, 1, 2)) for _ in range(4)]
            doc = _set_appeals_group(doc, values, row, (*outcomes, sum(outcomes)))
        shown = {key for key, _ in keyed_cells(doc)}
        width = rng.choice((2, 3))
        doc = map_tables(doc, lambda t, r=rng, w=width: appeals_merged_across(t, r, w))
        covered = shown - {key for key, _ in keyed_cells(doc)}
        cells = _cells_of(doc, "appeals")
        first = min((i for i, (_, c) in enumerate(cells) if c.colspan > 1), default=None)
        if first is None or first + 1 >= len(cells):
            continue
        at, cell = cells[rng.randrange(first + 1, len(cells))]
        doc, hidden = _cut_keeping_keys(doc, at, cell.text.strip(), mark)
        page = render_text.tab_rows(doc, rng, trimmed=trimmed)
        page = page[: page.index(mark)] + ("\n", "\n（未完）\n", "")[k % 3]
        got = parse_bytes(page.encode("utf-8"), "page.txt")
        wrong = _wrong(got, doc, {**values, **dict.fromkeys(hidden - covered)})
        assert {
            key: v for key, v in wrong.items() if key not in covered or v[1] != values[key]
        } == {}, (template, year)
        assert "incomplete" in got.flags
        cut_pages += 1
    assert cut_pages > 200


def test_an_html_row_a_cell_short_is_read_as_ending_empty_only_where_that_is_certain():
    """In an HTML table whose exporter dropped every span, a requests row short of cells was
    read as ending in cells the page does not draw (empty). A value merged down a column (or
    the agency's own table of one number a row, 办理结果 | 数量) makes rows short too, and read
    so, every value after the merge stood a column left and the own table's totals stood
    under 自然人. Under a header that names the applicant columns, in a table that leaves the
    total blank where it has nothing, a short row's last cells are its empty ones; else the
    row gives no values, and says so."""
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"short-html-row:{k}")
        doc, values, col = _merged_down_document(rng, template, year)
        got = parse_bytes(render_html.trs_page(doc, rng, spans=False).encode(), "page.html")
        assert _wrong_beside_merged(got, doc, values) == {}, (template, year, col)
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"own-results-table:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(
            doc, lambda t, v=values: own_results_table(v) if t.section == "requests" else t
        )
        for page in (render_html.trs_page(doc, rng), render_html.word_page(doc)):
            got = parse_bytes(page.encode(), "page.html")
            assert _wrong(got, doc, values) == {}, (template, year)


def _merged_in_columns(rng: random.Random, template: str, year: int, merge):
    """A page whose requests table has one to three of its columns merged down by `merge`
    (over two to four rows), and the keys of the positions the merged cells cover."""
    doc, values = _document(rng, template, year)
    shown = {key for key, _ in keyed_cells(doc)}
    cols = rng.sample([c.code for c in contract.REQUEST_COLUMNS], rng.choice((1, 2, 3)))
    for col in cols:
        doc = _requests_table(doc, lambda t, c=col: merge(t, rng, c))
    covered = shown - {key for key, _ in keyed_cells(doc)}
    return doc, values, covered


_SPANNED_PAGES = {
    "trs": lambda doc, rng: render_html.trs_page(doc, rng),
    "word": lambda doc, rng: render_html.word_page(doc),
}


@pytest.mark.parametrize("page", sorted(_SPANNED_PAGES))
def test_an_html_value_merged_down_is_placed_by_its_rowspan_and_read_where_the_sums_tell(
    page: str,
):
    """An editor merges a run of equal values down a requests column into one cell (rowspan
    2-4), in one to three columns. Each row under it showed fewer cells than columns, and gave
    none of its values. The spans state which grid column each cell stands in: where the
    header's and the rows' cells fill one regular grid, every row's own cells are read in
    their columns. The merged value is read for each row it covers where it is 0 or blank (so
    it is each row's, whatever the merge means) or where the tally identities hold only so."""
    read_under = 0
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"merged-down-html:{page}:{k}")
        doc, values, covered = _merged_in_columns(
            rng, template, year, lambda t, r, c: merged_down(t, r, c, most=4)
        )
        got = parse_bytes(_SPANNED_PAGES[page](doc, rng).encode(), "page.html")
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        shown = {key for key, _ in keyed_cells(doc)}
        assert {k: v for k, v in _wrong(got, doc, values).items() if k not in covered} == {}
        assert all(read[key] == values[key] for key in covered if key in read), (template, year)
        assert all(key in read for key in shown if key[0] == "requests"), (template, year)
        read_under += sum(1 for key in covered if key in read)
    assert read_under > 0


@pytest.mark.parametrize("page", sorted(_SPANNED_PAGES))
def test_an_html_cell_merged_down_holding_the_rows_sum_gives_no_value(page: str):
    """A merged cell down a requests column may hold one figure for the rows it spans (their
    sum, a 小计), not each row's value. Read for each row, every one of them got the sum. Where
    no identity shows the value to be each row's, neither the rows it covers nor the row it
    stands in give one."""
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"summed-down-html:{page}:{k}")
        doc, values, covered = _merged_in_columns(rng, template, year, summed_down)
        got = parse_bytes(_SPANNED_PAGES[page](doc, rng).encode(), "page.html")
        assert _wrong(got, doc, values) == {}, (template, year)
        assert not covered & {(c.section, c.row, c.col) for c in got.cells}, (template, year)


@pytest.mark.parametrize("case", ["summed-down-repeat", "summed-to-total"])
def test_a_cell_merged_down_holding_the_rows_sum_copied_into_each_row_is_not_read_unsaid(
    case: str,
):
    """The same 小计 merged down a requests column, in a Markdown copy that writes a merged
    cell's text into every position it covers (docling): each row it spans read the sum, with
    no flag, though a sum that reads them fails with every cell a number. A run of one number
    down a column that such a sum contradicts may be one merged figure for the rows together:
    none of them is read, and the page says so. Merged over the last result rows and the 总计
    row, with a blank cell elsewhere in the column (summed-to-total), no sum has every cell a
    number, but the column's cannot hold whatever the blank holds: the results alone exceed
    the 总计 the run gives."""
    merge, pages = (
        (summed_down, 6) if case == "summed-down-repeat" else (_summed_down_to_the_total, 12)
    )
    for k, (template, year) in enumerate(FORMATS * pages):
        rng = random.Random(f"{case}:{k}")
        doc, values, _ = _merged_in_columns(rng, template, year, merge)
        got = _read(doc, "md-repeat", rng)
        wrong = _wrong_beside_merged(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (template, year, sorted(wrong)[:4])


_BLANK_UNDER_MERGED = {
    "md-blank": lambda doc, rng: (render_text.grid_markdown(doc, rng, repeat=False), ".md"),
    "laid": lambda doc, rng: (render_text.laid_out(doc, rng), ".txt"),
}


@pytest.mark.parametrize("rendering", sorted(_BLANK_UNDER_MERGED))
@pytest.mark.parametrize("kind", ["sum", "equal"])
def test_a_merged_cell_drawn_once_over_blanks_is_not_read_where_a_sum_contradicts_it(
    rendering: str, kind: str
):
    """A requests cell merged down a column (one figure for the rows, a 小计, or each row's
    equal value drawn once), in a copy that draws the merged figure in its top row and the
    positions it covers blank (a Markdown converter writing covered cells empty, a laid-out
    text copy). Read as drawn, the top row got the sum and the rows under it blanks, with no
    flag, though a sum that reads the figure failed. Neither the figure nor the blanks after it
    are read where an identity that reads the figure fails, and the page says so."""
    merge = summed_down if kind == "sum" else lambda t, r, c: merged_down(t, r, c, most=4)
    for k, (template, year) in enumerate(FORMATS * 12):
        rng = random.Random(f"merged-drawn-once:{rendering}:{kind}:{k}")
        doc, values, _ = _merged_in_columns(rng, template, year, merge)
        text, ext = _BLANK_UNDER_MERGED[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        wrong = _wrong_beside_merged(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (template, year, sorted(wrong)[:4])


_ORG = ("enterprise", "research", "nonprofit", "legal_service", "other_org")


def _group_as_one_column(table: Table, values: dict) -> Table:
    """The requests table with 法人或其他组织 drawn as one column (自然人 | 法人或其他组织 |
    总计), each row's cell under it the five's sum: the page shows none of the five."""
    if table.section != "requests":
        return table
    corner, _ = table.rows[0]
    rows = [
        (replace(corner, rowspan=2), GCell("申请人情况", colspan=3, header=True)),
        tuple(GCell(w, header=True) for w in ("自然人", "法人或其他组织", "总计")),
    ]
    for row in table.rows[3:]:
        group = [c for c in row if c.key and c.key[2] in _ORG]
        if not group:
            rows.append(row)
            continue
        numbers = [values[c.key] for c in group if values[c.key] is not None]
        text = str(sum(numbers)) if numbers else group[0].text
        at = row.index(group[0])
        rows.append((*row[:at], GCell(text), *row[at + len(group) :]))
    return replace(table, rows=tuple(rows), width=table.width - 4)


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_group_drawn_as_one_column_gives_its_natural_person_and_total_columns(rendering: str):
    """A requests table that draws 法人或其他组织 as one column, not its five: each row shows
    three cells. The table was read as lacking a column, and no value of it was read. Its
    header names 自然人 and 总计 over their columns, and each row's three numbers sum: those
    two are read; which of the five holds what of the group's figure is not known, and none
    of them is."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"group-one-column:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t, v=values: _group_as_one_column(t, v))
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, (template, year)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        shown = {key for key, _ in keyed_cells(doc) if key[0] == "requests"}
        assert shown <= read.keys(), (template, year, sorted(shown - read.keys())[:4])
        assert not any(c.col in _ORG for c in got.cells if c.section == "requests")
        assert "cells_unplaced" in got.flags


@pytest.mark.parametrize("figure", ["drawn", "not drawn"])
def test_a_group_drawn_as_one_column_in_laid_out_text_gives_its_natural_person_and_total(
    figure: str,
):
    """Text laid out by spaces of a requests table that draws 法人或其他组织 as one column:
    each row writes its 自然人, the group's figure and its 总计 where they stand (or the first
    and last only, the group's figure left out). No value of the table was read. Each value
    is put in the column it stands under, told by the rows that show all three, or by the
    header word it stands nearest (twice as near as the next); 自然人 and 总计 are read, none
    of the five under the group."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"group-one-column-laid:{figure}:{k}")
        _group_one_column_laid_out_read(rng, template, year, figure)


def _group_one_column_laid_out_read(
    rng: random.Random, template: str, year: int, figure: str, header=lambda doc: doc, width=0
) -> None:
    """A page whose requests table draws 法人或其他组织 as one column (its figure `drawn` or
    not), laid out by spaces (its header words as `header` writes them, wrapped at `width`):
    no value wrong, each drawn number under 自然人 and 总计 read, none under the five."""
    doc, values = _document(rng, template, year)
    shown = {key for key, _ in keyed_cells(doc)}
    doc = map_tables(doc, lambda t, v=values: _group_as_one_column(t, v))
    if figure == "drawn":
        # a key of no template column, so that the copy writes the group's figure
        doc = map_tables(doc, _group_figure_keyed)
    doc = header(doc)
    text = render_text.laid_out(doc, rng, heading_width=width)
    got = parse_bytes(text.encode("utf-8"), "page.txt")
    assert _wrong_beside_merged(got, doc, values) == {}, (template, year)
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    drawn = {key for key, _ in keyed_cells(doc) if key in shown and key[0] == "requests"}
    numbers = {key for key in drawn if values[key] is not None}
    assert numbers <= read.keys(), (template, year, sorted(numbers - read.keys())[:4])
    assert not any(c.col in _ORG for c in got.cells if c.section == "requests")
    assert "cells_unplaced" in got.flags


#: headings of the requests header written with a space between their characters
_SPACED_HEADINGS = ("申请人情况", "自然人", "法人或其他组织", "总计")


def _spaced_heading_words(doc: Document, space: str) -> Document:
    return map_cells(
        doc,
        lambda p, c: (
            replace(c, text=space.join(c.text)) if c.header and c.text in _SPACED_HEADINGS else c
        ),
    )


#: a requests header as laid-out text draws it: its words with full-width or plain spaces
#: between their characters (centred, they run into their neighbours: 自　然　人 法　人　或…),
#: or wrapped onto two or three lines in their columns (法人或其 | 他组织; 法人或 | 其他组 | 织)
_GROUP_HEADERS = {
    "spaces inside words": (lambda doc: _spaced_heading_words(doc, "\u3000"), 0),
    "plain spaces inside words": (lambda doc: _spaced_heading_words(doc, " "), 0),
    "wrapped onto two lines": (lambda doc: doc, 4),
    "wrapped onto three lines": (lambda doc: doc, 3),
}


@pytest.mark.parametrize("header", sorted(_GROUP_HEADERS))
@pytest.mark.parametrize("figure", ["drawn", "not drawn"])
def test_a_group_drawn_as_one_column_in_laid_out_text_under_a_spaced_or_wrapped_header(
    header: str, figure: str
):
    """The requests table drawing 法人或其他组织 as one column, laid out by spaces under a header
    whose words have spaces inside them (法　人　或　其　他　组　织, run into their neighbours
    when centred) or wrap onto two or three lines: the header was not read as 自然人 |
    法人或其他组织 | 总计 (one word of three headings, or pieces 法人或其 and 他组织 that name
    none), and every value of the table was withheld. The headings are read where they stand
    and 自然人 and 总计 are read, none of the five under the group."""
    spaced, width = _GROUP_HEADERS[header]
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"group-one-column-header:{header}:{figure}:{k}")
        _group_one_column_laid_out_read(rng, template, year, figure, spaced, width)


def _group_figure_keyed(table: Table) -> Table:
    if table.section != "requests":
        return table
    rows = []
    for row in table.rows:
        code = next((c.key[1] for c in row if c.key), None)
        at = [k for k, c in enumerate(row) if code and c.key is None and k > 0 and row[k - 1].key]
        if at:
            k = at[0]
            row = (*row[:k], replace(row[k], key=("requests", code, "group")), *row[k + 1 :])
        rows.append(row)
    return replace(table, rows=tuple(rows))


def _appeals_merged_across(rng: random.Random, template: str, year: int):
    """A page whose section 四 row draws two or three equal neighbouring cells as one (the
    positions it covers have its value)."""
    doc, values = _document(rng, template, year)
    width = rng.choice((2, 2, 3))
    return map_tables(doc, lambda t: appeals_merged_across(t, rng, width)), values


def test_an_appeals_row_short_of_cells_in_html_without_spans_is_laid_out_by_its_sums():
    """An exporter drops every span, and section 四's row, two or three equal cells of which
    the page merged into one, shows 13 or 14 cells. The row was read as ending in cells not
    drawn (empty), flagged: every value after the merged cell stood a column left. Laid out
    every way the page allows (cells merged, or the last ones not drawn), a column gets a
    value only where every way under which each group sums to its total gives it the same."""
    read_some = 0
    for k, (template, year) in enumerate(FORMATS * 12):
        rng = random.Random(f"appeals-merged-nospan:{k}")
        doc, values = _appeals_merged_across(rng, template, year)
        got = parse_bytes(render_html.trs_page(doc, rng, spans=False).encode(), "page.html")
        read = {(c.section, c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
        assert {key: v for key, v in read.items() if v != values[key]} == {}, (template, year)
        read_some += sum(1 for v in read.values() if v is not None)
    assert read_some > 0


@pytest.mark.parametrize("page", sorted(_SPANNED_PAGES))
def test_an_appeals_cell_merged_across_is_read_for_each_column_it_spans(page: str):
    """Section 四's row drawn with two or three equal neighbouring cells as one (colspan):
    the row gave no value. Its cells' spans tell which columns each covers, and the merged
    value is each column's (a 0, or a group whose sum holds only so)."""
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"appeals-merged-spans:{page}:{k}")
        doc, values = _appeals_merged_across(rng, template, year)
        got = parse_bytes(_SPANNED_PAGES[page](doc, rng).encode(), "page.html")
        read = {(c.section, c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
        appeals = [key for key in values if key[0] == "appeals"]
        assert {
            key: read.get(key, "none") for key in appeals if read.get(key, "none") != values[key]
        } == {}, (template, year)


def test_an_appeals_row_whose_last_cells_are_not_drawn_gives_no_wrong_value():
    """Section 四's last group left blank (no such case) and its last one to four cells not
    drawn on an HTML page: the row shows 11 to 14 cells. No value is read otherwise than the
    page shows it, whichever layout the sums leave."""
    for k, (template, year) in enumerate(FORMATS * 12):
        rng = random.Random(f"appeals-trailing-nospan:{k}")
        doc, values = _document(rng, template, year)
        blank = rng.choice(("", "—", "/"))
        cut = rng.randint(1, 4)

        def trailing(t: Table, blank: str = blank, cut: int = cut, values: dict = values) -> Table:
            if t.section != "appeals":
                return t
            data = list(t.rows[-1])
            for j in range(10, 15):
                values[data[j].key] = None
                data[j] = replace(data[j], text=blank)
            return replace(t, rows=(*t.rows[:-1], tuple(data[:-cut])))

        doc = map_tables(doc, trailing)
        got = parse_bytes(render_html.trs_page(doc, rng, spans=False).encode(), "page.html")
        read = {(c.section, c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
        assert {key: v for key, v in read.items() if v != values[key]} == {}, (template, year)


_BLANK_MARK_COPIES = {
    "spaced": lambda doc, rng: (render_text.spaced_rows(doc, rng), ".txt"),
    **{k: _TEXT_COPIES[k] for k in ("flipbook", "tab", "pipe", "celllines", "trs")},
}


@pytest.mark.parametrize("copy", sorted(_BLANK_MARK_COPIES))
def test_a_row_of_blank_marks_keeps_its_place_before_a_group_row_of_sums(copy: str):
    """A result group drawn with its label on a row of its own that carries the group's sums
    ((三)不予公开 0 0 1 0 0 0 1), after a row whose cells are all written blank (— — — …). The
    row of blanks was taken for a label read on a line of its own, and the group's sums for
    its numbers, with no flag. A row that shows its cells, blank or not, is no bare label."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"group-sums-row:{copy}:{k}")
        values = generate(rng, template)
        before = {"withheld": "partially_granted", "unavailable": "withheld.admin_query"}
        group = ("withheld", "unavailable")[k % 2]
        for col in contract.REQUEST_COLUMNS:
            values[("requests", before[group], col.code)] = None
        opts = LayoutOptions(template=template, year=year, fmt=ValueFormat(null_text="—"))
        doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
        doc = _requests_table(doc, lambda t, g=group, v=values: group_sums_row(t, v, g))
        text, ext = _BLANK_MARK_COPIES[copy](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong(got, doc, values) == {}, (template, year, group)


# --- a heading misread in a text copy's header line --------------------------------------------

_MISREAD_CHARACTERS = "口购研究益企务"


@pytest.mark.parametrize("rendering", ["spaced", "laid_out"])
def test_a_text_header_line_with_a_heading_misread_is_read_as_headings(rendering: str):
    """A copy that separates cells by runs of spaces writes a header row with one heading
    misread (科研机购, 科研机口, 社会公益组务: a character OCR or a typo changed), over
    columns sometimes drawn in another order than the template's. The line was taken for
    prose, no heading of the group's row was read, and the values went in the template's
    order with no flag: wrong where the columns were drawn the other way round. The line is
    the header; the misread word stands where only its heading can and is read as that, or
    the order is said to be a guess."""
    for k, (template, year) in enumerate(FORMATS * 3):
        rng = random.Random(f"text-header-misread:{rendering}:{k}")
        pair = (_ORG[k % 4], _ORG[k % 4 + 1])
        code = pair[k % 2]
        heading = _HEADINGS[code]
        at = rng.randrange(len(heading))
        word = (
            heading[:at]
            + rng.choice(_MISREAD_CHARACTERS.replace(heading[at], ""))
            + heading[at + 1 :]
        )
        doc, values = _document(rng, template, year)
        doc = _requests_table(
            doc, lambda t, p=pair, c=code, w=word: _headings_as(_swapped(t, *p), {c: w})
        )
        text = (
            render_text.spaced_rows(doc, rng)
            if rendering == "spaced"
            else render_text.laid_out(doc, rng, numbers_on=rng.choice(("first", "middle", "last")))
        )
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        wrong = _wrong(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (word, sorted(wrong)[:4])


def _laid_out_other_and_total(
    rng: random.Random, template: str, year: int, k: int, mark: str, swapped: bool
) -> tuple[Document, dict, Report]:
    """A page laid out by spaces whose headings 其他 and 总计 are one blank, the other written
    `mark` (which is which by k), their columns drawn the other way round where `swapped`; and
    its reading."""
    blank, unread = ("other_org", "total")[:: 1 if k % 4 < 2 else -1]
    doc, values = _document(rng, template, year)
    doc = _requests_table(
        doc,
        lambda t: _headings_as(
            _swapped(t, "other_org", "total") if swapped else t, {blank: "", unread: mark}
        ),
    )
    text = render_text.laid_out(doc, rng, numbers_on=rng.choice(("first", "middle", "last")))
    return doc, values, parse_bytes(text.encode("utf-8"), "page.txt")


@pytest.mark.parametrize("mark", ["□□□□", "\ufffd\ufffd"])
def test_laid_out_heading_written_in_marks_without_chinese_is_no_row(mark: str):
    """pdftotext -layout writes a heading it could not read as □□□□ or ��: marks, no Chinese
    character, so the piece was taken for a value cell and the header's line for a row
    without a label, which placed nowhere. The header then lacked the heading with nothing to
    say so: 其他 or 总计 left blank beside it, the two columns drawn the other way round, read
    in the template's order with no flag. The piece is a header word naming no heading, as
    口口口口 is; the order it leaves is said to be a guess."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"laid-out-marks:{mark}:{k}")
        doc, values, got = _laid_out_other_and_total(rng, template, year, k, mark, k % 2 == 0)
        assert not any(mark in p and "without a label" in p for p in got.problems), k
        wrong = _wrong(got, doc, values)
        assert not wrong or "column_order_guessed" in got.flags, (k, sorted(wrong)[:4])


_SUBTOTAL_COPIES = {
    "md-repeat": lambda doc, rng: (render_text.grid_markdown(doc, rng), ".md"),
    "spaced": lambda doc, rng: (render_text.spaced_rows(doc, rng), ".txt"),
}


def _written_blank(table: Table, values: dict, section: str, which) -> Table:
    """The table of `section` with the value cells whose key `which` picks written blank."""
    if table.section != section:
        return table
    rows = []
    for row in table.rows:
        cells = []
        for c in row:
            if c.key is not None and which(c.key):
                values[c.key] = None
                c = replace(c, text="")
            cells.append(c)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))


@pytest.mark.parametrize("word", ["小计", "合计"])
@pytest.mark.parametrize("rendering", sorted(_SUBTOTAL_COPIES))
def test_a_column_the_template_lacks_after_the_group_is_left_out(word: str, rendering: str):
    """A requests table with a column after the group's five (小计, 合计: their sum) and some
    rows' 总计 left blank. A converter that writes a merged cell's text into every position it
    covers (docling) names 自然人 and 总计, drawn down the header's rows, twice, and the extra
    column was not found among the headings; a copy that separates cells by spaces wrote the
    header's row with 小计 as a line of prose. Either way a row whose 总计 is blank read its 小计
    as the total, with no flag. A heading named again names one column, and 小计 is a piece of
    a header line; the extra column's values are left out, said."""
    said = 0
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"subtotal-column:{word}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_table(
            doc,
            lambda t, w=word, v=values, r=rng: org_subtotal_column(
                _written_blank(
                    t, v, "requests", lambda key: key[2] == "total" and r.random() < 0.3
                ),
                v,
                w,
            ),
        )
        text, ext = _SUBTOTAL_COPIES[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        wrong = _wrong(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (template, year, sorted(wrong)[:4])
        said += any(word in p and "left out" in p for p in got.problems)
    assert said >= 10


@pytest.mark.parametrize("rendering", ["trs", "trs-nospan", "word"])
def test_a_serial_number_in_front_of_the_appeals_row_moves_no_value(rendering: str):
    """A page whose tables have a 序号 column numbers section 四's single row as well (1 | 0 |
    0 | …). Where the row ends in a blank cell, its 16 cells were read from the running number
    on and the blank taken for a covered position: every value a column right, with no flag.
    The sums tell whether the 15 values stand after the number; where they do not tell, none
    is read, said."""
    read = 0
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"serial-appeals:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        # 复议后起诉 written blank: the row ends in empty cells
        doc = map_tables(
            doc,
            lambda t, v=values: serial_column(
                _written_blank(t, v, "appeals", lambda key: key[1] == "litigation_after_review")
            ),
        )
        text, ext = RENDERINGS[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong(got, doc, values) == {}, (template, year)
        read += any(c.section == "appeals" and c.value is not None for c in got.cells)
    assert read >= 10


def test_a_serial_number_in_front_of_a_trimmed_appeals_row_moves_no_value():
    """The same 序号 column's running number in front of section 四's row, in a TAB copy that
    drops a row's trailing empty fields (复议后起诉's last cells left blank): the number and
    the fourteen cells left make fifteen, read as the row's whole, every value a column right,
    with no flag. The sums tell whether the values stand after the number; where they do not
    tell, none is read, said."""
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"serial-appeals-trimmed:{k}")
        doc, values = _document(rng, template, year)
        blank = {"total"} | {c for c in ("upheld", "corrected", "other") if rng.random() < 0.5}
        doc = map_tables(
            doc,
            lambda t, v=values, b=blank: serial_column(
                _written_blank(
                    t, v, "appeals", lambda key: key[1] == "litigation_after_review" and key[2] in b
                )
            ),
        )
        got = parse_bytes(render_text.tab_rows(doc, rng).encode("utf-8"), "page.txt")
        wrong = _wrong(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (template, year, sorted(wrong)[:4])


def _prior_year_beside(table: Table, rng: random.Random) -> Table:
    """Section 二 with a 上年 column after each of this year's (上年制发件数 beside 本年制发件数):
    a report comparing years. Last year's cells hold other numbers, blank where this year's
    are."""
    if table.section != "proactive":
        return table
    rows = []
    for row in table.rows:
        cells: list[GCell] = []
        for c in row:
            cells.append(c)
            if c.header and c.colspan == 1 and c.text != "信息内容":
                cells.append(GCell("上年" + c.text.replace("本年", ""), header=True))
            elif c.key is not None:
                shown = c.text.strip()
                cells.append(GCell(str(int(shown) + rng.randint(1, 9)) if shown.isdigit() else ""))
            elif c.header:
                cells[-1] = replace(c, colspan=c.colspan * 2 - 1)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows), width=table.width * 2 - 1)


@pytest.mark.parametrize("page", sorted(_SPANNED_PAGES))
def test_a_prior_year_column_beside_each_of_section_two_s_reads_no_row_from_the_right(page: str):
    """Section 二 with a 上年 column after each of this year's, its empty cells left blank:
    a row with its first four cells blank and two numbers (规章 | | | | | 35 | 41) has twice its
    columns' cells, and was read from the right as though the blanks in front were a merged
    label cell's covered positions, 41 taken for 现行有效件数, with no flag. A row with as many
    spare cells as columns holds another set of columns, not a label's blanks."""
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"prior-year-beside:{page}:{k}")
        doc, values = _document(rng, template, year)
        for row in contract.rows(template, "proactive"):
            # every row of three columns leaves its first two empty, the others all theirs
            for col in row.columns[:2] if len(row.columns) == 3 else row.columns:
                values[("proactive", row.code, col.code)] = None
        doc = map_cells(
            doc, lambda p, c, v=values: replace(c, text="") if c.key and v[c.key] is None else c
        )
        doc = map_tables(doc, lambda t, r=rng: _prior_year_beside(t, r))
        got = parse_bytes(_SPANNED_PAGES[page](doc, rng).encode("utf-8"), "page.html")
        wrong = _wrong(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (template, year, sorted(wrong)[:4])


def _sums_put_total_at(doc: Document) -> set[int]:
    """The positions among the seven requests columns, as drawn, that the rows showing a cell
    in each (blank marks as 0) put the total at: one position a row, where only one is the
    sum of the others."""
    table = next(b for b in doc.blocks if isinstance(b, Table) and b.section == "requests")
    told = set()
    for row in table.rows:
        texts = [c.text for c in row if c.key is not None]
        if len(texts) != len(_HEADINGS) or not all(texts):
            continue
        numbers = [int(x) if x.isdigit() else 0 for x in texts]
        at = [k for k, x in enumerate(numbers) if 2 * x == sum(numbers)]
        if len(at) == 1:
            told.add(at[0])
    return told


def test_laid_out_total_not_named_where_the_sums_put_it_elsewhere_gives_no_number():
    """pdftotext -layout writes nothing for a heading left blank; with 总计's heading not read
    beside 其他 left blank, each stands where the template's header rows pin it (其他 at the
    group's end, 总计 after the group), and the values were read in that order. Where the two
    columns were drawn the other way round, the rows' sums put the total in the sixth column,
    and the page was read with 总计's numbers under 其他: nothing checked them. Where the sums
    put the total elsewhere than where it is read, neither column gives a number, said."""
    told = 0
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"laid-out-total-sums:{k}")
        doc, values, got = _laid_out_other_and_total(
            rng, template, year, k, rng.choice(_UNREAD), swapped=True
        )
        wrong = _wrong(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (k, sorted(wrong)[:4])
        if _sums_put_total_at(doc) == {5}:
            told += 1
            assert not _read_columns(got) & {"other_org", "total"}, k
            assert wrong == {}, (k, sorted(wrong)[:4])
            assert "cells_unplaced" in got.flags, k
    assert told >= 5


# --- a count written with a fraction ------------------------------------------------------------

#: how a count comes out with a fraction: a slip of the keyboard or OCR (3.5, 12.1), or a
#: thousands separator written as a point, as European spreadsheets do (1.234, 12.000)
_FRACTION_FORMS = ("{v}.5", "{v}.1", "{v}.05", "point-thousands")


@pytest.mark.parametrize("form", _FRACTION_FORMS)
@pytest.mark.parametrize("rendering", sorted(_TEXT_COPIES))
def test_a_count_written_with_a_fraction_gives_no_number(form: str, rendering: str):
    """A count is a whole number: 12.1 or 3.5 in a count column is no count the page can
    mean, and 1.234 may be 1234 with a European thousands point. Such a cell was read as the
    fraction (12.1, 1.234) with no flag; it gives no number now, and the reading says why.
    Amounts (万元) keep their decimals; 12.0 is the whole number 12."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"fraction:{form}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        counts = [key for key, _ in keyed_cells(doc) if key not in contract.AMOUNT_CELLS]
        chosen = rng.sample(counts, 6)
        if form == "point-thousands":
            for key in chosen:
                values[key] = rng.choice((1, 12, 345)) * 1000 + rng.choice((0, 234, 7))
        whole = chosen[:2] if form != "point-thousands" else []

        def written(p: int, c, values=values, chosen=chosen, whole=whole):
            if c.key not in chosen or values[c.key] is None:
                return c
            v = values[c.key]
            if form == "point-thousands":
                return replace(c, text=f"{v:,}".replace(",", "."))
            if c.key in whole:
                return replace(c, text=f"{v}.0")
            return replace(c, text=form.format(v=v))

        doc = map_cells(doc, written)
        text, ext = _TEXT_COPIES[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert _wrong(got, doc, values) == {}, (template, year)
        fractions = {key for key in chosen if values[key] is not None and key not in whole}
        if any((c.section, c.row, c.col) in fractions and c.raw for c in got.cells):
            assert any("not a whole number" in p for p in got.problems), (template, year)


# --- two reports on one page, the page's title naming the second ------------------------------


def _two_reports_page(rng: random.Random, template: str, year: int):
    """A page titled for one report whose body opens with another whole report (last year's,
    or another agency's, with its own title line) before the titled one's sections: (page,
    the report first in the body, its values)."""
    doc, _ = _document(rng, template, year)
    first_year = year - 1 if year > 2019 and rng.random() < 0.7 else year
    first, first_values = _document(rng, template if first_year >= 2021 else "2019", first_year)
    unkeyed = map_cells(first, lambda p, c: replace(c, key=None))
    body = (Para(first.meta.title, "heading"), *unkeyed.blocks[1:])
    page = replace(doc, blocks=(doc.blocks[0], *body, *doc.blocks[1:]))
    return page, first, first_values


@pytest.mark.parametrize("rendering", sorted(_TEXT_COPIES))
def test_a_page_titled_for_a_report_after_another_names_the_report_it_reads(rendering: str):
    """Two reports on one page, the page's title (its <title> and heading) naming the second:
    the parser reads the first report's tables (the second report is cut off at its section
    一), and it took the first's numbers with the page title's agency and year, with no flag.
    The report read is named by its own title line, and the reading says the page's title
    names another report."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"two-reports:{rendering}:{k}")
        page, first, first_values = _two_reports_page(rng, template, year)
        text, ext = _TEXT_COPIES[rendering](page, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        assert (got.agency, got.year) == (first.meta.agency, first.meta.year), (template, year)
        # a flipbook's pages break the first report's tables where the two reports' text
        # shifts them: a row placed by its position there is said
        assert _wrong(got, first, first_values) == {} or got.flags, (template, year)
        if ext == ".html":
            assert "metadata_guessed" in got.flags, (template, year)


# --- a mirror's <title> naming another year ------------------------------------------------------

_PAGES = {
    "trs": lambda doc, rng: render_html.trs_page(doc, rng),
    "trs-nospan": lambda doc, rng: render_html.trs_page(doc, rng, spans=False),
    "word": lambda doc, rng: render_html.word_page(doc),
}


@pytest.mark.parametrize("everywhere", [False, True])
@pytest.mark.parametrize("traditional", [False, True])
@pytest.mark.parametrize("page", sorted(_PAGES))
def test_a_mirror_s_title_naming_another_year_is_not_the_report_s_year(
    page: str, traditional: bool, everywhere: bool
):
    """Mirror sites re-host a report under a title of their own, sometimes another year's
    (and in Traditional Chinese): in the <title> only, or in every title on the page. The
    <title> was taken before the report's own title line, and a title was taken against the
    report's opening sentence (2023年，…) and its publication date together, so the report
    came out under the wrong year with no flag. The year that the title line, the opening
    sentence and the date bear out is taken, and the reading says so."""
    import html

    import opencc

    s2t = opencc.OpenCC("s2t")
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"head-title:{page}:{traditional}:{k}")
        doc, values = _document(rng, template, year)
        m = doc.meta
        other = f"{m.agency}{year + rng.choice((-2, -1, 1))}年政府信息公开工作年度报告"
        text = _PAGES[page](doc, rng)
        if everywhere:
            text = text.replace(html.escape(m.title), other)
        text = text.replace(f"<title>{html.escape(m.title)}", f"<title>{other}", 1)
        text = text.replace(
            f'"ArticleTitle" content="{html.escape(m.title)}"', f'"ArticleTitle" content="{other}"'
        )
        if traditional:
            text = s2t.convert(text)
        got = parse_bytes(text.encode("utf-8"), "page.html")
        assert (got.agency, got.year) == (m.agency, year), (template, year)
        assert "metadata_guessed" in got.flags, (template, year)
        assert _differences(got, doc, values) == {}, (template, year)


# --- a page number printed as a row of an HTML table ---------------------------------------------


def _page_number_row_beside_blank(table: Table, rng: random.Random, values: dict) -> Table:
    """A page number in a row of its own (one cell across the table: a PDF converted to HTML)
    right before or after a row whose value cells are all blank."""
    rows = list(table.rows)
    blank_rows = [
        i
        for i, row in enumerate(rows)
        if any(c.key for c in row)
        and all(values[c.key] is None for c in row if c.key)
        and not any(c.rowspan > 1 for r in rows[:i] for c in r if c.key is None and c.text)
    ]
    if not blank_rows:
        return table
    i = rng.choice(blank_rows)
    number = rng.choice(("3", "5", "12", "- 4 -", "第6页"))
    at = i if rng.random() < 0.5 else i + 1
    rows.insert(at, (GCell(number, colspan=table.width),))
    return replace(table, rows=tuple(rows))


def _page_number_row_document(
    rng: random.Random, template: str, year: int, *, one_table: bool = False
) -> tuple[Document, dict]:
    doc, values = _document(rng, template, year, one_table=one_table)
    if template == "2021":
        # a single-column row of section 二 left blank: a lone number fits it
        for row in ("licensing", "penalty", "coercion"):
            if rng.random() < 0.5:
                values[("proactive", row, "decisions")] = None
    doc = map_cells(doc, lambda p, c: replace(c, text="") if c.key and values[c.key] is None else c)
    doc = map_tables(doc, lambda t: _page_number_row_beside_blank(t, rng, values))
    return doc, values


@pytest.mark.parametrize("page", sorted(_PAGES))
def test_a_page_number_row_beside_a_row_of_blank_cells_is_none_of_its_numbers(page: str):
    """A PDF converted to HTML keeps its page numbers as rows of the table, one cell across
    it. Next to a row whose cells are all blank, the number was read as that row's value (as
    if the row's label had been set apart from its numbers), with no flag. An HTML row that
    draws its value cells, blank or not, is whole: no number of another row is its."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"page-row:{page}:{k}")
        doc, values = _page_number_row_document(rng, template, year, one_table=k % 2 == 1)
        got = parse_bytes(_PAGES[page](doc, rng).encode("utf-8"), "page.html")
        assert _wrong(got, doc, values) == {}, (template, year)


@pytest.mark.parametrize("rendering", ["pipe", "md-blank", "md-repeat", "celllines"])
def test_a_lone_number_read_as_a_blank_row_s_in_a_copy_is_said_as_a_guess(rendering: str):
    """In a text copy the same page number is a line of one number beside a row whose cells
    are blank, as a row's numbers are when its label was set on a line of its own (PDF
    converters): which it is the copy does not tell. Where the number is taken as the row's,
    the page says that was a guess (positional_row), as it did not."""
    for k, (template, year) in enumerate(FORMATS * 4):
        rng = random.Random(f"page-row-copy:{rendering}:{k}")
        doc, values = _page_number_row_document(rng, template, year)
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {} or "positional_row" in got.flags, (template, year)


def _page_of_pages_after_blank_row(rng: random.Random, template: str, year: int):
    """A page whose table breaks over two PDF pages right after a row left blank, the footer's
    page of pages (3 / 8) kept as a line between the two parts."""
    doc, values = _document(rng, template, year)
    tables = [i for i, b in enumerate(doc.blocks) if isinstance(b, Table) and len(b.rows) > 4]
    i = rng.choice(tables)
    table = doc.blocks[i]
    rows = list(table.rows)
    spans = {
        j
        for k, r in enumerate(rows)
        for c in r
        if c.rowspan > 1
        for j in range(k + 1, k + c.rowspan)
    }
    at = rng.choice(
        [
            k
            for k in range(2, len(rows) - 1)
            if any(c.key for c in rows[k]) and k not in spans and k + 1 not in spans
        ]
    )
    for c in rows[at]:
        if c.key is not None:
            values[c.key] = None
    rows[at] = tuple(replace(c, text="") if c.key else c for c in rows[at])
    pages = rng.randint(4, 12)
    footer = f"{rng.randint(2, pages)} / {pages}"
    blocks = list(doc.blocks)
    blocks[i : i + 1] = [
        replace(table, rows=tuple(rows[: at + 1])),
        Para(footer),
        replace(table, rows=tuple(rows[at + 1 :])),
    ]
    return replace(doc, blocks=tuple(blocks)), values


@pytest.mark.parametrize("rendering", ["pipe", "celllines", "md-blank"])
def test_a_page_of_pages_footer_after_a_blank_row_is_no_row_s_numbers_unsaid(rendering: str):
    """A table broken over two PDF pages right after a row left blank, the footer's page of
    pages (`3 / 8`) kept as a line between the parts: the copy draws the blank row as its label
    and empty cells, as a label set apart from its numbers is drawn, and the footer's two
    numbers were read as that row's, with no flag. Read so, the page says it was a guess."""
    for k, (template, year) in enumerate(FORMATS * 8):
        rng = random.Random(f"page-of-pages:{rendering}:{k}")
        doc, values = _page_of_pages_after_blank_row(rng, template, year)
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {} or set(got.flags) - {"unit_assumed"}, (
            template,
            year,
        )


def test_a_negative_number_split_at_its_sign_in_a_cell_a_line_copy_is_no_row_read_unsaid():
    """A negative 本年增/减 written with a space after its sign (`- 135`), in a copy whose
    cells stand one a line between blank lines: the line read as two cells (a blank mark and
    135), the row took its last value's place with the 135, and that value was left over as a
    row of its own between two labelled rows, dropped as a loose figure with no flag. A figure
    left over between labelled rows stands inside the table: the page says so."""
    for k, (template, year) in enumerate(FORMATS[:3] * 8):
        rng = random.Random(f"sign-apart:{k}")
        doc, values = _document(rng, template, year)
        key = ("proactive", rng.choice(("licensing", "other_services", "penalty")), "change")
        values[key] = -rng.randint(1, 900)

        def signed(p, c, v=values, key=key):
            return replace(c, text=f"- {-v[key]}") if c.key == key else c

        doc = map_cells(doc, signed)
        got = parse_bytes(render_text.blank_lines(doc, rng).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {} or set(got.flags) - {"unit_assumed"}, (
            template,
            year,
        )


_ROW_A_LINE_COPIES = {
    "spaced": lambda doc, rng: render_text.spaced_rows(doc, rng),
    "flipbook": lambda doc, rng: render_text.flipbook(doc, rng),
    "tab": lambda doc, rng: render_text.tab_rows(doc, rng),
}


@pytest.mark.parametrize("rendering", sorted(_ROW_A_LINE_COPIES))
def test_a_lone_number_line_after_a_blank_row_s_label_in_a_row_a_line_copy_is_a_guess(
    rendering: str,
):
    """A two-space copy, a flipbook or a TAB copy whose rows lose their trailing empty fields
    writes each row on one line, its label and its numbers (`行政处罚  0`), and a row whose
    cells are blank as its label alone. A page number kept as
    a bare line (`12`) right after such a label read as that row's number on the next line,
    with no flag: the copy does not tell the two apart. Taken as the row's, the page says it
    was a guess (positional_row)."""
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"page-row-line-copy:{rendering}:{k}")
        doc, values = _page_number_row_document(rng, template, year)
        text = _ROW_A_LINE_COPIES[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {} or "positional_row" in got.flags, (template, year)


@pytest.mark.parametrize("page", sorted(_PAGES))
def test_a_head_title_naming_another_agency_is_not_the_report_s_agency(page: str):
    """A mirror's or a portal's <title> naming another agency for the same year's report (the
    site's own, a neighbour's): it was taken before the report's own title line, and the
    report came out under that agency with no flag. The agency its title line and sign-off
    name is taken, and the reading says so."""
    import html

    from gx_pipeline.pagegen.metadata import agency_name

    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"head-agency:{page}:{k}")
        doc, values = _document(rng, template, year)
        m = doc.meta
        other = f"{agency_name(rng)[0]}{year}年政府信息公开工作年度报告"
        text = _PAGES[page](doc, rng).replace(f"<title>{html.escape(m.title)}", f"<title>{other}")
        text = text.replace(
            f'"ArticleTitle" content="{html.escape(m.title)}"', f'"ArticleTitle" content="{other}"'
        )
        got = parse_bytes(text.encode("utf-8"), "page.html")
        assert (got.agency, got.year) == (m.agency, year), (template, year)
        assert "metadata_guessed" in got.flags, (template, year)
        assert _differences(got, doc, values) == {}, (template, year)


# --- a Traditional Chinese mirror in Big5 that declares no charset ---------------------------


def _traditional_pages_without_a_charset(seed: str):
    """(template, year, page): a mirror's page in Traditional Chinese, its <meta charset> gone."""
    import re

    import opencc

    s2t = opencc.OpenCC("s2t")
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"{seed}:{k}")
        doc, _ = _document(rng, template, year)
        page = s2t.convert(render_html.trs_page(doc, rng))
        yield template, year, re.sub(r"<meta[^>]*charset[^>]*>", "", page, flags=re.IGNORECASE)


def test_a_big5_page_without_a_charset_is_read_as_big5():
    """A mirror's page in Traditional Chinese saved in Big5 with no <meta charset> (nor one
    the server sent: the file alone is what the pipeline has): read as GB18030 its bytes are
    other characters, none of a report's words, and the page was taken for no report at all
    ("no tables"), its encoding never named."""
    for _, _, page in _traditional_pages_without_a_charset("big5"):
        as_utf8 = parse_bytes(page.encode("utf-8"), "page.html")
        got = parse_bytes(page.encode("big5", errors="xmlcharrefreplace"), "page.html")
        assert got.cells == as_utf8.cells and as_utf8.cells
        assert (got.agency, got.year) == (as_utf8.agency, as_utf8.year)
        assert any("Big5" in p for p in got.problems), got.problems


# --- a row without its label whose values merge two equal cells -----------------------------------

_MERGE_ROWS = ("carried_over", "partially_granted", "withheld.prohibited_by_law", "results_total")


def _lost_label_merged(table: Table, code: str, pair: tuple, v: int) -> Table:
    """The row `code` without its label's text, the values of `pair` (neighbours) both v and
    drawn as one cell over their two columns."""
    rows = []
    for row in table.rows:
        if any(c.label_of == code for c in row):
            cells = [replace(c, text="") if c.label_of == code else c for c in row]
            cells = [replace(c, text=str(v)) if c.key in pair else c for c in cells]
            i = next(i for i, c in enumerate(cells) if c.key == pair[0])
            cells[i : i + 2] = [replace(cells[i], colspan=2)]
            row = tuple(cells)
        rows.append(row)
    return replace(table, rows=tuple(rows))


@pytest.mark.parametrize("code", _MERGE_ROWS)
@pytest.mark.parametrize("rendering", ["trs", "trs-nospan", "word"])
def test_a_row_without_its_label_and_a_merged_value_gives_no_value_a_column_off(
    code: str, rendering: str
):
    """A requests row lost its label's text, and an editor merged two equal neighbouring values
    of the row into one cell. Where the exporter dropped the spans, the row shows as many cells
    as the template has columns, the first blank: the lost label's cell before one value too
    few, or a blank first value after a label cell the export left out. Read as the second,
    every value before the merged cell stood a column right, with no flag."""
    cols = [c.code for c in contract.REQUEST_COLUMNS]
    for k, (template, year) in enumerate(FORMATS * 3):
        rng = random.Random(f"lost-label-merged:{code}:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        at = rng.randrange(len(cols) - 2)  # the merged pair: columns at, at + 1
        v = rng.randint(1, 9)
        pair = (("requests", code, cols[at]), ("requests", code, cols[at + 1]))
        values.update(dict.fromkeys(pair, v))

        doc = _requests_table(doc, lambda t, p=pair, v=v: _lost_label_merged(t, code, p, v))
        got = _read(doc, rendering, rng)
        wrong = {
            key: w
            for key, w in _wrong(got, doc, values).items()
            if not (key == pair[1] and w[1] == v)
        }
        assert wrong == {}, (template, year, at)


# --- a value cell holding a table of one cell ------------------------------------------------------


def _cell_tables(page: str, rng: random.Random, share: float) -> str:
    """The page with some numeric cells' contents inside a table of one cell of their own (an
    editor pasted a cell from another document into the cell)."""

    def nest(m: re.Match[str]) -> str:
        if rng.random() >= share:
            return m[0]
        return f"{m[1]}<table><tbody><tr><td>{m[2]}</td></tr></tbody></table>{m[3]}"

    return re.sub(r"(<td[^>]*>)(\d+)(</td>)", nest, page)


@pytest.mark.parametrize("spans", [True, False])
def test_a_value_cell_holding_a_table_of_one_cell_keeps_its_table(spans: bool):
    """A value cell whose number stands in a table of one cell nested inside it: the report's
    table held another table, so it was read as a layout table, not a table of cells, and
    every row of it lost its values (no wrong value, but none read). A table of one cell
    inside a cell is that cell's content."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"cell-table:{spans}:{k}")
        doc, values = _document(rng, template, year)
        page = _cell_tables(render_html.trs_page(doc, rng, spans=spans), rng, 0.05)
        got = parse_bytes(page.encode("utf-8"), "page.html")
        assert _differences(got, doc, values) == {}, (template, year)


# --- a 单位 column between the row labels and the values ----------------------------------------


def _unit_column(table: Table) -> Table:
    """Section 二's or 三's table with a 单位 column after the row labels: its heading in the
    header (down the requests header's three rows; in each of section 二's header rows), and on
    each row with values the unit of its numbers (件, or 万元 on an amount's row)."""
    rows = []
    for i, row in enumerate(table.rows):
        at = [k for k, c in enumerate(row) if c.label_of]
        if at and any(c.key for c in row):
            unit = "万元" if any(c.key in contract.AMOUNT_CELLS for c in row) else "件"
            row = (*row[: at[0] + 1], GCell(unit), *row[at[0] + 1 :])
        elif table.section == "requests" and i == 0:
            row = (row[0], GCell("单位", rowspan=3, header=True), *row[1:])
        elif row and row[0].text == "信息内容":
            row = (row[0], GCell("单位", header=True), *row[1:])
        elif len(row) == 1:
            row = (replace(row[0], colspan=row[0].colspan + 1),)
        rows.append(row)
    return replace(table, rows=tuple(rows), width=table.width + 1)


def _with_unit_column(doc: Document, serial: bool) -> Document:
    """Sections 二 and 三 with a 单位 column (_unit_column), and a 序号 column before it."""
    return map_tables(
        doc,
        lambda t: (
            (serial_column(_unit_column(t)) if serial else _unit_column(t))
            if t.section in ("proactive", "requests")
            else t
        ),
    )


@pytest.mark.parametrize("serial", [False, True])
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_unit_column_after_the_row_labels_is_no_value(rendering: str, serial: bool):
    """Some agencies draw a 单位 column between the row labels and the numbers (件 on each row,
    万元 on an amount's), sometimes after a 序号 column too. The unit word was read as a label
    that named no row: every row of sections 二 and 三 lost its values. The unit is no label
    and no value, and the reading says so."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"unit-column:{rendering}:{serial}:{k}")
        doc, values = _document(rng, template, year)
        doc = _with_unit_column(doc, serial)
        got = _read(doc, rendering, rng)
        assert _wrong(got, doc, values) == {}, (template, year)
        # a grid copy that leaves covered positions blank still reads no value under the
        # wrong column, but not all of them (missing, not wrong)
        if rendering != "md-blank":
            assert _differences(got, doc, values) == {}, (template, year)
            assert any("a 单位 column" in p for p in got.problems)


def _blank_drawn(path, cell: GCell) -> GCell:
    """A blank value cell written with a dash (a copy that draws no empty cell loses it)."""
    return replace(cell, text="—") if cell.key and not cell.text.strip() else cell


@pytest.mark.parametrize("serial", [False, True])
def test_a_unit_column_in_a_copy_of_a_cell_a_paragraph_is_no_value(serial: bool):
    """The same 单位 column (after a 序号 column too) in a copy that writes each cell as a
    paragraph, blank lines between. The unit words were read as values there, each row one
    value too many, and none of sections 二 and 三 was read; a 序号 column's running number,
    on the line before a row's label, was read as the last value of the row above. Neither
    is a value."""
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"unit-column-paragraphs:{serial}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_cells(doc, _blank_drawn)
        doc = _with_unit_column(doc, serial)
        got = parse_bytes(render_text.blank_lines(doc, rng).encode("utf-8"), "page.txt")
        assert _differences(got, doc, values) == {}, (template, year)


_COUNT_UNITS = ("件", "个", "人", "项", "次")


@pytest.mark.parametrize("rendering", ["flipbook", "spaced"])
def test_a_count_unit_written_apart_from_its_number_is_read_with_it(rendering: str):
    """Cells that write a count's unit after its number with a space between (１２ 件, 0 人), in
    a copy that separates cells by spaces (a flipbook's text, a copy with runs of spaces). The
    unit, standing apart, ended the row's values: the row was read as a label, and its numbers
    were lost. A count unit after a number is the number's."""
    render = {"flipbook": render_text.flipbook, "spaced": render_text.spaced_rows}[rendering]
    for k, (template, year) in enumerate(FORMATS * 2):
        rng = random.Random(f"unit-apart:{rendering}:{k}")
        doc, values = _document(rng, template, year)
        doc = map_cells(doc, _blank_drawn)

        def dressed(path, c, rng=rng):
            if not c.key or c.key in contract.AMOUNT_CELLS or not c.text.isdigit():
                return c
            return replace(c, text=f"{c.text} {rng.choice(_COUNT_UNITS)}")

        plain = parse_bytes(render(doc, random.Random(k)).encode("utf-8"), "page.txt")
        doc = map_cells(doc, dressed)
        got = parse_bytes(render(doc, random.Random(k)).encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        assert read == {(c.section, c.row, c.col): c.value for c in plain.cells}


def test_a_big5_page_cut_off_or_holding_bytes_of_no_big5_is_read_as_big5():
    """The same pages when a byte is no cp950 character: cut off inside a character (a
    download that stopped), a Hong Kong character (Big5-HKSCS), a footer the host site writes
    in GBK. GB18030 read them as other characters too (or failed on the last byte), and the
    page was lost as 'no tables'; read as Big5 only the odd bytes are replaced, and said."""
    for template, year, page in _traditional_pages_without_a_charset("big5-odd"):
        whole = page.encode("big5", errors="xmlcharrefreplace")
        at = whole.index(b"</table>", len(whole) // 2)  # cut inside the first character after
        at = next(i for i in range(at, len(whole)) if whole[i] >= 0x81)
        hong_kong = page.replace("</body>", "<p>香港特別行政區㗎</p></body>")
        footer = "<p>版权所有：市人民政府办公室 主办</p></body>".encode("gbk")
        for kind, data, text in (
            ("cut", whole[: at + 1], whole[:at].decode("big5")),
            ("hkscs", hong_kong.encode("big5hkscs", errors="xmlcharrefreplace"), hong_kong),
            ("footer", whole.replace(b"</body>", footer), page),
        ):
            as_utf8 = parse_bytes(text.encode("utf-8"), "page.html")
            got = parse_bytes(data, "page.html")
            assert got.cells == as_utf8.cells and as_utf8.cells, (kind, template, year)
            assert (got.agency, got.year) == (as_utf8.agency, as_utf8.year), kind
            assert any("Big5" in p for p in got.problems), (kind, got.problems)


# --- a page saved as UTF-16 without its byte-order mark -------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("rendering", ["trs", "word", "pipe", "celllines"])
def test_a_utf16_page_without_a_byte_order_mark_is_read_as_utf16(rendering: str, codec: str):
    """A page or text copy saved as UTF-16 (Windows' "Unicode") whose byte-order mark a tool
    dropped: every ASCII character is a byte and a NUL, and the page was refused as "binary
    content (NUL bytes)", a wrong cause for a page every byte of which is text."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"utf16:{rendering}:{codec}:{k}")
        doc, _ = _document(rng, template, year)
        page, suffix = RENDERINGS[rendering](doc, rng)
        as_utf8 = parse_bytes(page.encode("utf-8"), "page" + suffix)
        got = parse_bytes(page.encode(codec), "page" + suffix)
        assert got.cells == as_utf8.cells and as_utf8.cells, (rendering, codec, k)
        assert (got.agency, got.year) == (as_utf8.agency, as_utf8.year)
        assert any("without a byte-order mark" in p for p in got.problems), got.problems
        # still binary: NULs on both sides, or no text once decoded
        with pytest.raises(Exception, match="binary"):
            parse_bytes(bytes(range(256)) * 40 + page.encode(codec)[:64], "page" + suffix)


def _summed_down_to_the_total(table: Table, rng: random.Random, col: str) -> Table:
    """summed_down over the two to four rows that end at the 总计 row (the results and their
    total in one merged cell: an editor's figure for the rows together), with a 0 of the same
    column above them drawn blank, so that no sum reading the column has every cell a number."""
    rows = [list(r) for r in table.rows]

    def at(i: int) -> int | None:
        found = [k for k, c in enumerate(rows[i]) if c.key is not None and c.key[2] == col]
        return found[0] if found else None

    ends = [i for i, r in enumerate(rows) if any(c.key and c.key[1] == "results_total" for c in r)]
    if not ends or at(ends[0]) is None:
        return table
    end = ends[0]
    size = rng.choice((2, 3, 4))
    run = [rows[i][at(i)] for i in range(end - size + 1, end + 1)]  # type: ignore[index]
    texts = [c.text for c in run]
    if not all(t.strip().isdigit() for t in texts) or len(set(texts)) < 2:
        return table
    zeros = [i for i in range(end - size + 1) if at(i) is not None and rows[i][at(i)].text == "0"]
    if not zeros:
        return table
    z = rng.choice(zeros)
    rows[z][at(z)] = replace(rows[z][at(z)], text="")  # type: ignore[index]
    top = end - size + 1
    k = at(top)
    assert k is not None
    total = sum(int(t) for t in texts)
    rows[top][k] = replace(rows[top][k], rowspan=size, text=str(total))
    for i in range(top + 1, end + 1):
        del rows[i][at(i)]  # type: ignore[arg-type]
    return replace(table, rows=tuple(tuple(r) for r in rows))


def _a_row_drawn_a_cell_short(table: Table, rng: random.Random) -> Table:
    """One requests row whose two neighbouring applicant cells of one text an editor merged
    into one cell that spans a single grid column (a row drawn a cell short, as a word
    processor keeps a table whose row lost a cell): its cells after the merged one, 总计 among
    them, stand one column left of their headings."""
    if table.section != "requests":
        return table
    rows = [list(r) for r in table.rows]
    pairs = [
        (i, k)
        for i, row in enumerate(rows)
        for k in range(len(row) - 2)
        if row[k].key
        and row[k + 1].key
        and row[k + 1].key[2] != "total"
        and row[k].text.strip()
        and row[k].text == row[k + 1].text
        and row[-1].key
        and row[-1].key[2] == "total"
        and row[-1].text.strip().isdigit()
    ]
    if not pairs:
        return table
    i, k = rng.choice(pairs)
    del rows[i][k + 1]
    return replace(table, rows=tuple(tuple(r) for r in rows))


@pytest.mark.parametrize("numbers_on", ["first", "middle"])
def test_laid_out_row_drawn_a_cell_short_gives_no_number_under_another_heading(numbers_on: str):
    """A laid-out text copy of a requests row drawn a cell short (two equal cells merged into
    one that spans one grid column): its 总计 stands under 其他, where nothing tells it from a
    row that leaves 总计 blank, and was read as 其他's, with no flag. A row that draws nothing
    under 总计 where the table draws it in every other row may be a row drawn short: where its
    cells stand is not certain, none of them is read, and the page says so."""
    for k, (template, year) in enumerate(FORMATS * 12):
        rng = random.Random(f"row-a-cell-short:{k}")
        doc, values = _document(rng, template, year)
        doc = map_tables(doc, lambda t, rng=rng: _a_row_drawn_a_cell_short(t, rng))
        got = parse_bytes(
            render_text.laid_out(doc, rng, numbers_on=numbers_on).encode("utf-8"), "page.txt"
        )
        wrong = _wrong_beside_merged(got, doc, values)
        assert not wrong or set(got.flags) - {"unit_assumed"}, (template, year, sorted(wrong)[:4])


def _totals_left_blank(doc: Document, values: dict, rng: random.Random) -> tuple[Document, dict]:
    """One to three requests rows (never four: that is the table's habit) leave 总计 blank
    and show under 其他 a number that exceeds the sum of the row's other numbers: by an amount
    none of them is (a 总计 drawn under 其他 cannot), or by one of them (it can). Returns the
    page and, for each such row, whether it may be a row drawn a cell short."""
    cols = [c.code for c in contract.REQUEST_COLUMNS]
    rows = sorted({k[1] for k, _ in keyed_cells(doc) if k[0] == "requests" and k[2] == "total"})
    chosen = {code: rng.random() < 0.3 for code in rng.sample(rows, rng.choice((1, 2, 3)))}
    for code, drawn in list(chosen.items()):
        shown = [values[("requests", code, c)] for c in cols[:5]]
        numbers = [v for v in shown if v is not None]
        chosen[code] = like_short = drawn and any(numbers)
        over = rng.choice([v for v in numbers if v]) if like_short else 0
        while not like_short and over in (0, *numbers):
            over = rng.randint(1, 40)
        values[("requests", code, "other_org")] = sum(numbers) + over
        values[("requests", code, "total")] = None

    def text(p, c):
        if c.key and c.key[0] == "requests" and c.key[1] in chosen and c.key[2] in cols[5:]:
            return replace(c, text="" if values[c.key] is None else str(values[c.key]))
        return c

    return map_cells(doc, text), chosen


def test_laid_out_row_leaving_its_total_blank_beside_a_number_under_other_is_read():
    """A laid-out requests row that leaves 总计 blank and shows a number under 其他: it may be
    a row drawn a cell short (two neighbouring cells of one text merged, its 总计 under 其他),
    and none of its values was read, wherever the number under 其他 was at least the sum of the
    others. Drawn short, that number is the others' sum and the merged text once more: where
    it exceeds their sum by an amount none of the row's numbers is, it is 其他's, and the row
    is read (its 总计 blank); by one of them, or by nothing, it stays withheld."""
    rows_read = 0
    for k, (template, year) in enumerate(FORMATS * 6):
        rng = random.Random(f"total-left-blank:{k}")
        doc, values = _document(rng, template, year)
        doc, chosen = _totals_left_blank(doc, values, rng)
        text = render_text.laid_out(doc, rng, numbers_on=rng.choice(("first", "middle", "last")))
        got = parse_bytes(text.encode("utf-8"), "page.txt")
        assert _wrong(got, doc, values) == {}, (template, year)
        read = {(c.row, c.col): c.value for c in got.cells if c.section == "requests"}
        for code, like_short in chosen.items():
            if like_short:
                assert read.get((code, "other_org")) is None, (template, year, code)
            else:
                # (a row other rules withhold, or that no full row shows the columns for, not)
                rows_read += read.get((code, "other_org")) is not None
    assert rows_read >= 40


def test_laid_out_row_of_zeros_drawn_a_cell_short_gives_its_zeros():
    """The same row drawn a cell short, every cell of it 0, told by where its cells stand:
    drawn short or not, each applicant column of it is 0, and only its 总计 is not certain (0
    under 其他, or blank). Its zeros are read, its 总计 is not."""
    rows_seen = 0
    for k, (template, year) in enumerate(FORMATS * 12):
        rng = random.Random(f"row-a-cell-short:{k}")
        doc, _ = _document(rng, template, year)
        doc = map_tables(doc, lambda t, rng=rng: _a_row_drawn_a_cell_short(t, rng))
        short = [
            next(c.key[1] for c in row if c.key is not None)
            for block in doc.blocks
            if getattr(block, "section", None) == "requests"
            for row in block.rows
            if 1 < sum(c.key is not None for c in row) < 7
            and all(c.text == "0" for c in row if c.key is not None)
        ]
        if not short:
            continue
        got = parse_bytes(render_text.laid_out(doc, rng).encode("utf-8"), "page.txt")
        read = {(c.row, c.col): c.value for c in got.cells if c.section == "requests"}
        for code in short:
            said = f"requests.{code}: the row draws nothing under 总计"
            if not any(p.startswith(said) for p in got.problems):
                continue  # (placed otherwise, or not at all: where no full row shows the columns)
            rows_seen += 1
            cols = [c.code for c in contract.REQUEST_COLUMNS if c.code != "total"]
            assert [read.get((code, col)) for col in cols] == [0] * 6, (template, year, code)
            assert read.get((code, "total")) is None
    assert rows_seen


# --- the requests table on its side ----------------------------------------------------------


def _requests_on_its_side(doc: Document, values: dict, template: str) -> Document:
    """The requests table transposed: a header row of the row labels, then one row for each
    applicant column (自然人 … 总计) holding its numbers across."""
    label = {
        c.label_of: c.text for t in doc.blocks if isinstance(t, Table) for r in t.rows for c in r
    }
    codes = [r.code for r in contract.rows(template, "requests") if r.code in label]
    words = {
        "natural_person": "自然人",
        "enterprise": "商业企业",
        "research": "科研机构",
        "nonprofit": "社会公益组织",
        "legal_service": "法律服务机构",
        "other_org": "其他",
        "total": "总计",
    }
    label = {
        c.label_of: c.text for t in doc.blocks if isinstance(t, Table) for r in t.rows for c in r
    }
    rows = [
        (GCell("申请人情况", header=True),) + tuple(GCell(label[c], header=True) for c in codes)
    ]
    for col in contract.REQUEST_COLUMNS:
        cells = tuple(
            GCell(
                ""
                if values.get(("requests", c, col.code)) is None
                else str(values[("requests", c, col.code)])
            )
            for c in codes
        )
        rows.append((GCell(words[col.code]),) + cells)
    return map_tables(
        doc,
        lambda t: Table(None, tuple(rows), len(codes) + 1) if t.section == "requests" else t,
    )


@pytest.mark.parametrize(("template", "year"), FORMATS)
def test_a_requests_table_on_its_side_gives_no_row_an_applicant_s_numbers(template: str, year: int):
    """A requests table drawn on its side (the row labels across its header, one row for each
    kind of applicant) ends its header in 四、结转下年度继续办理: the row of numbers under it is
    自然人's, not that row's line of numbers, and has far more numbers than the row has columns."""
    for k in range(12):
        rng = random.Random(f"requests-on-side:{template}:{year}:{k}")
        doc, values = _document(rng, template, year)
        doc = _requests_on_its_side(doc, values, template)
        got = _read(doc, rng.choice(("trs", "word")), rng)
        read = {(c.row, c.col): c.value for c in got.cells if c.section == "requests"}
        wrong = {
            key: value
            for key, value in read.items()
            if key[0] == "carried_forward"
            and value is not None
            and value != values[("requests", *key)]
        }
        assert wrong == {}, k
