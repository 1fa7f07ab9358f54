"""Hazard families on generated pages: each test draws many pages of one family (the page
generator's values, agencies and renderings; both format versions; HTML and text copies) and
asserts every cell the page shows, so a value under the wrong row or column fails it.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline import contract
from gx_pipeline.pagegen import render_html, render_text
from gx_pipeline.pagegen.layout import (
    KOUJI,
    Document,
    LayoutOptions,
    Para,
    Table,
    ValueFormat,
    build_document,
    keyed_cells,
    map_cells,
    map_tables,
    section_tables,
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
}
#: (format, report year): late adopters keep the 2019 format after 2020
FORMATS = (("2019", 2019), ("2019", 2020), ("2019", 2023), ("2021", 2021), ("2021", 2025))


def _document(rng: random.Random, template: str, year: int, **layout) -> tuple[Document, dict]:
    values = blank(rng, generate(rng, template), rng.choice(("none", "zeros_blank", "sparse")))
    opts = LayoutOptions(
        template=template,
        year=year,
        fmt=ValueFormat(null_text=rng.choice(("", "—", "/"))),
        corner=KOUJI if rng.random() < 0.7 else "",
        **layout,
    )
    doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
    return doc, values


def _read(doc: Document, rendering: str, rng: random.Random) -> Report:
    text, ext = RENDERINGS[rendering](doc, rng)
    return parse_bytes(text.encode("utf-8"), f"page{ext}")


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
        assert _differences(got, doc, values) == {}, blanks


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


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_two_unreadable_headings_side_by_side_give_no_number(rendering: str):
    """Two headings next to each other that cannot be read (口口口口, ��): each stands where
    either could, and a pair drawn the other way round shows the same; their values are not
    read, the others are. Apart from each other, each is pinned by its neighbours: read."""
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
            assert not _read_columns(got) & set(pair), pair
            assert "cells_unplaced" in got.flags, pair
        else:
            assert _differences(got, doc, values) == {}, pair


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
