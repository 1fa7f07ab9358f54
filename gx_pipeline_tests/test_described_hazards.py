"""Hazards of docs/HAZARDS.md that had one or two hand-written pages or a single wording in the
sample pages, drawn here as families from their description: rows inside a table that are no
row of the template (a caption, a unit line, a note, a phone number, a date, an empty row), a
caption of section 四's table broken in its cell, a table with its labels and none of its
numbers, narrative that repeats a table's figures before or after it, section headings worded
and numbered otherwise, row labels with spaces inside them. Each is drawn on generated pages of
both format versions and read from the web page and from the text copies a reader makes of it:
a number is never read wrong, and one withheld is said (the report needs review)."""

from __future__ import annotations

import functools
import random
import re
from dataclasses import replace

import pytest

from gx_pipeline import contract
from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import KOUJI, Document, GCell, Para, Table, map_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.trust import assess
from gx_pipeline_tests import section_layouts
from gx_pipeline_tests.test_generated_hazards import FORMATS, RENDERINGS, _differences, _document
from gx_pipeline_tests.test_tool_copies import FAMILIES


def _text_copy(copy, doc: Document, rng: random.Random) -> tuple[str, str]:
    return copy(doc, rng), ".txt"


#: the web page, the converters' and the seed's copies, and the everyday tools' copies
COPIES = {
    **RENDERINGS,
    "tabs": lambda doc, rng: (render_text.tab_rows(doc, rng), ".txt"),
    "laid out": lambda doc, rng: (render_text.laid_out(doc, rng), ".txt"),
    **{
        f"{name} copy": functools.partial(_text_copy, FAMILIES[name])
        for name in ("firefox", "chrome", "word", "wechat", "traditional")
    },
}

_NAMES = {
    "proactive": ("主动公开政府信息情况", "行政机关主动公开政府信息情况"),
    "requests": ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开的申请情况"),
    "appeals": (
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "行政复议、行政诉讼情况",
    ),
}
_NUMERALS = {"proactive": "二", "requests": "三", "appeals": "四"}


def _caption(rng: random.Random, section: str, year: int) -> str:
    """The section's name as a table's caption: bare, numbered as a table or as the section,
    with the year or the unit."""
    name = rng.choice(_NAMES[section])
    n = _NUMERALS[section]
    return rng.choice(
        (
            name,
            f"表{rng.choice((n, '123'[list(_NUMERALS).index(section)]))}：{name}",
            f"{n}、{name}",
            f"{year}年度{name}统计表",
            f"{name}（单位：件）",
        )
    )


def _full_row(table: Table, text: str, rng: random.Random) -> tuple[GCell, ...]:
    """A row of its own: one cell across the table, or the text in the first of its cells."""
    if not text or rng.random() < 0.3:
        return (GCell(text), *(GCell("") for _ in range(table.width - 1)))
    return (GCell(text, colspan=table.width),)


def _over(rng: random.Random, table: Table, year: int) -> str:
    kind = rng.choice(("caption", "caption", "unit", "kouji", "empty"))
    return {
        "caption": lambda: _caption(rng, table.section, year),
        "unit": lambda: rng.choice(("单位：件", "（单位：件）", "计量单位：件、万元")),
        "kouji": lambda: KOUJI,
        "empty": lambda: "",
    }[kind]()


def _under(rng: random.Random, year: int) -> str:
    kind = rng.choice(("note", "phone", "source", "date", "empty"))
    return {
        "note": lambda: rng.choice(
            (
                f"注：本表统计时限为{year}年1月1日至{year}年12月31日。",
                "注：1.本表数据由各单位填报；2.空白处为0。",
                f"说明：本年度共办理{rng.randint(1, 99)}件，其中{rng.randint(1, 9)}件结转下年度。",
            )
        ),
        "phone": lambda: (
            f"填报人：张明    联系电话：0{rng.randint(310, 379)}-{rng.randint(1000000, 9999999)}"
        ),
        "source": lambda: f"数据来源：{year + 1}年{rng.randint(1, 3)}月统计",
        "date": lambda: f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日",
        "empty": lambda: "",
    }[kind]()


def _with_extra_rows(doc: Document, rng: random.Random) -> Document:
    sections = set(rng.sample(contract.SECTIONS, rng.choice((1, 2, 3))))

    def extra(table: Table) -> Table:
        if table.section not in sections:
            return table
        rows = list(table.rows)
        if rng.random() < 0.6:
            rows.insert(0, _full_row(table, _over(rng, table, doc.meta.year), rng))
        if rng.random() < 0.7:
            rows.append(_full_row(table, _under(rng, doc.meta.year), rng))
        return replace(table, rows=tuple(rows))

    return map_tables(doc, extra)


def _pages(family: str, rendering: str, count: int = 20, **drawn):
    """`count` generated pages of a family for a rendering, the formats taking turns: each
    with its year, its seeded random source, the page and its values."""
    for k in range(count):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"{family}:{rendering}:{k}")
        yield k, year, rng, *_document(rng, template, year, **drawn)


def _check(doc: Document, values: dict, rendering: str, rng: random.Random) -> None:
    _check_text(*COPIES[rendering](doc, rng), doc, values)


def _check_text(text: str, ext: str, doc: Document, values: dict) -> None:
    """No number read wrong; a number the page shows and the report leaves out is said."""
    got = parse_bytes(text.encode("utf-8"), f"page{ext}")
    differences = _differences(got, doc, values)
    wrong = {k: v for k, v in differences.items() if v[1] not in ("absent", None)}
    assert not wrong, wrong
    if any(v[0] is not None for v in differences.values()):
        assert assess(got).status == "needs_review", differences


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_rows_that_are_no_template_row_move_no_number(rendering: str):
    for k, year, rng, doc, values in _pages("extra-rows", rendering):
        _check(_with_extra_rows(doc, rng), values, rendering, rng)


def _wrapped_caption(doc: Document, caption: str, at: int) -> Document:
    """The appeals table under its caption, the caption's cell broken in two lines at `at`
    (a <br> or a second paragraph in it)."""

    def captioned(table: Table) -> Table:
        if table.section != "appeals":
            return table
        wrapped = caption[:at] + "\n" + caption[at:]
        return replace(table, rows=(_full_row(table, wrapped, random.Random(at)), *table.rows))

    return map_tables(doc, captioned)


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_caption_wrapped_over_the_appeals_header_tells_no_order_of_its_kinds_of_case(
    rendering: str,
):
    """表3：政府信息公开行政复议 / 、行政诉讼情况: the caption's cell broken in two lines over
    the header, a copy writes each line as a line of its own, and its second line names
    行政诉讼 before the header's 行政复议: read as the order of the kinds of case, every group
    of the row stood under another's heading (the sums of each group hold in any order of
    the groups), said only as a column order. A caption names the section, not a column."""
    for k, year, rng, doc, values in _pages("caption-wrap", rendering, 24, blanks="none"):
        caption = _caption(rng, "appeals", year)
        # broken after 行政复议 and before 行政诉讼 or anywhere else in the caption
        after = caption.index("复议") + 2
        at = after + rng.randrange(0, 2) if k % 2 else rng.randrange(2, len(caption) - 1)
        doc = _wrapped_caption(doc, caption, at)
        text, ext = COPIES[rendering](doc, rng)
        if ext != ".html":
            # the copy keeps the cell's line break as a line break of its own
            whole = text.rfind(caption)
            if whole >= 0:
                text = text[: whole + at] + "\n" + text[whole + at :]
        _check_text(text, ext, doc, values)


# --- a table with all its labels and none of its numbers -------------------------------------

#: how a table's empty value cells are written: nothing, a no-break or plain space, a mark
_NULLS = ("", "\u00a0", " ", "—", "/", "-", "无", "空")


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_a_table_with_its_labels_and_none_of_its_numbers_reads_no_zero(rendering: str):
    """One, two or all three tables drawn whole, labels and headings, with every value cell
    empty or a null mark: missing data, not zeros; the other tables are read."""
    for k, year, rng, doc, values in _pages("no-numbers", rendering):
        empty = set(rng.sample(contract.SECTIONS, rng.choice((1, 1, 2, 3))))
        mark = {s: rng.choice(_NULLS) for s in empty}
        values = {key: None if key[0] in empty else v for key, v in values.items()}

        def emptied(_, c: GCell, empty: set = empty, mark: dict = mark) -> GCell:
            return replace(c, text=mark[c.key[0]]) if c.key and c.key[0] in empty else c

        _check(map_cells(doc, emptied), values, rendering, rng)


# --- narrative that repeats figures ----------------------------------------------------------


def _sentences(rng: random.Random, section: str, values: dict) -> list[str]:
    """Sentences of a report's text about a section: its figures (some the table's, some
    last year's or the section's other counts), worded as the table's labels and headings."""

    def n(row: str, col: str = "total") -> int:
        return values.get((section, row, col)) or 0

    def other(top: int = 9) -> int:
        return rng.randint(0, top)

    if section == "requests":
        pool = [
            (
                f"本年度共收到政府信息公开申请{n('new_received')}件，其中自然人申请"
                f"{n('new_received', 'natural_person')}件。"
            ),
            f"（一）予以公开{n('granted')}件；（二）部分公开{n('partially_granted')}件。",
            (
                f"本年新收政府信息公开申请数量{n('new_received')}件，上年结转政府信息公开申请数量"
                f"{n('carried_forward')}件。"
            ),
            f"结转下年度继续办理{n('carried_over')}件。",
            f"2.重复申请 {other()}件，均已告知。",
            f"办理结果：予以公开 {n('granted')} 件，不予公开 {other()} 件，其他处理 {other()} 件。",
            "单位：件",
            f"上年度收到申请{other(99)}件。",
            (
                f"其中，商业企业{n('new_received', 'enterprise')}件，科研机构"
                f"{n('new_received', 'research')}件。"
            ),
        ]
    elif section == "appeals":
        pool = [
            f"本年度行政复议{other()}件，其中结果维持{other()}件，结果纠正{other()}件。",
            f"行政诉讼 {other()} 件，未经复议直接起诉 {other()} 件。",
            "全年未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
            f"复议后起诉{other()}件，尚未审结{other()}件，总计{other(20)}件。",
        ]
    else:
        pool = [
            f"本年制发规章{other()}件，行政规范性文件{other(30)}件，现行有效件数{other(200)}件。",
            f"行政许可 处理决定数量 {other(999)}",
            f"行政处罚{other(999)}件，行政强制{other(99)}件。",
            f"行政事业性收费 {other(99)}.{other()} 万元",
            "第二十条第（一）项",
        ]
    return rng.sample(pool, rng.choice((1, 2, 3)))


_SECTION_WORD = {"proactive": "主动公开", "requests": "收到和处理", "appeals": "行政复议"}


def _with_narrative(doc: Document, values: dict, rng: random.Random) -> Document:
    """Sentences after a section's heading, before its table, or after the table."""
    told = set(rng.sample(contract.SECTIONS, rng.choice((1, 2, 3))))
    blocks: list = []
    for block in doc.blocks:
        blocks.append(block)
        if isinstance(block, Para) and block.kind == "heading":
            section = next((s for s, w in _SECTION_WORD.items() if w in block.text), None)
            if section in told and rng.random() < 0.6:
                blocks += [Para(t) for t in _sentences(rng, section, values)]
                told.discard(section)
        elif isinstance(block, Table) and block.section in told:
            blocks += [Para(t) for t in _sentences(rng, block.section, values)]
            told.discard(block.section)
    return replace(doc, blocks=tuple(blocks))


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_narrative_repeating_a_table_s_figures_is_none_of_its_cells(rendering: str):
    for k, year, rng, doc, values in _pages("narrative", rendering):
        _check(_with_narrative(doc, values, rng), values, rendering, rng)


# --- section headings worded and numbered otherwise ------------------------------------------

_WORDINGS = {
    "proactive": (
        "主动公开政府信息情况",
        "行政机关主动公开政府信息情况",
        "主动公开情况",
        "政府信息主动公开情况",
        "主动公开政府信息",
    ),
    "requests": (
        "收到和处理政府信息公开申请情况",
        "收到和处理政府信息公开的申请情况",
        "依申请公开政府信息情况",
        "政府信息公开申请办理情况",
        "收到和处理政府信息公开申请情况统计",
    ),
    "appeals": (
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "行政复议、行政诉讼情况",
        "政府信息公开行政复议，行政诉讼情况",
    ),
}


def _section_heading(rng: random.Random, section: str) -> str:
    n = _NUMERALS[section]
    digit = "123"[list(_NUMERALS).index(section)]
    numeral = rng.choice(
        (
            f"{n}、",
            f"{n}.",
            f"{n}．",
            f"（{n}）",
            f"{digit}.",
            f"{digit}、",
            f"第{n}部分 ",
            "",
            "、",
        )
    )
    return numeral + rng.choice(_WORDINGS[section]) + rng.choice(("", "", "：", "（单位：件）"))


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_section_headings_worded_or_numbered_otherwise_open_their_sections(rendering: str):
    for k, year, rng, doc, values in _pages("headings", rendering):
        blocks = []
        for block in doc.blocks:
            if isinstance(block, Para) and block.kind == "heading" and rng.random() < 0.8:
                section = next((s for s, w in _SECTION_WORD.items() if w in block.text), None)
                if section:
                    block = replace(block, text=_section_heading(rng, section))
            blocks.append(block)
        _check(replace(doc, blocks=tuple(blocks)), values, rendering, rng)


# --- row labels with spaces inside them ------------------------------------------------------


@pytest.mark.parametrize("rendering", sorted(COPIES))
def test_row_labels_with_spaces_inside_name_their_rows(rendering: str):
    """A space, an ideographic or a no-break space typed anywhere inside some labels, or all."""
    for k, year, rng, doc, values in _pages("spaced", rendering):
        share = rng.choice((0.1, 0.3, 1.0))

        def spaced(_, c: GCell, rng: random.Random = rng, share: float = share) -> GCell:
            if c.label_of is None or len(c.text) < 2 or rng.random() > share:
                return c
            at = rng.randrange(1, len(c.text))
            space = rng.choice((" ", "\u3000", "\u00a0", "  "))
            return replace(c, text=c.text[:at] + space + c.text[at:])

        _check(map_cells(doc, spaced), values, rendering, rng)


# --- a caption over section 四's table drawn in another layout ------------------------------

#: section 四's layouts of section_layouts (kinds of case or outcomes in another order, two or
#: three tables, on its side, headings worded otherwise or misread)
_APPEAL_LAYOUTS = tuple(
    dict.fromkeys(
        (*section_layouts.APPEALS, *section_layouts.ORDER_FAMILIES, *section_layouts.NEW_FAMILIES)
    )
)


def _captioned(layout, form: str):
    """The layout with a caption naming both kinds of case over its first table, broken in
    two lines in its cell (<br> on the page, a line break in the copy) after 行政复议 or
    anywhere."""

    def drawn(rng: random.Random, values: dict, template: str):
        html, truth = layout(rng, values, template)
        caption = _caption(rng, "appeals", rng.choice((2021, 2022, 2023)))
        after = caption.index("复议") + 2
        at = after + rng.randrange(0, 2) if rng.random() < 0.6 else rng.randrange(2, len(caption))
        cell = caption[:at] + ("<br>" if form == "html" else "\n") + caption[at:]
        row = f'<tr><td colspan="15">{cell}</td></tr>'
        return re.sub(r"(<table[^>]*>)", lambda m: m.group(1) + row, html, count=1), truth

    drawn.__name__ = layout.__name__
    return drawn


@pytest.mark.parametrize("form", ["html", "text"])
@pytest.mark.parametrize("layout", _APPEAL_LAYOUTS, ids=lambda f: f.__name__)
def test_a_caption_over_section_four_in_another_layout_moves_no_number(layout, form: str):
    """表3：政府信息公开行政复议 / 、行政诉讼情况 over a header that names the kinds of case
    otherwise (the two kinds of 行政诉讼 without 行政诉讼 over them, or tables of their own):
    the caption, a word of the header that names no heading, was tried as each heading in
    its place, and as 行政诉讼 alone it made the header name every column, with 行政诉讼
    first: every group read under another's headings, unflagged. A word that holds a heading
    whole among other words is no heading misread."""
    for seed in range(12):
        data, truth = section_layouts.page(_captioned(layout, form), "appeals", seed, form)
        outcome, why = section_layouts.outcome(
            data, truth, f"gen.{'html' if form == 'html' else 'txt'}"
        )
        assert outcome in ("right", "withheld-flagged"), (seed, why)
