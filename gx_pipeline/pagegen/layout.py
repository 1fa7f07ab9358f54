"""The logical page: the national tables as grids of merged cells, and the text around them.

Every renderer (HTML of several kinds, text copies, flipbook text) draws the same `Document`,
so a page's truth is read off the document, never off the rendered bytes. A value cell carries
its contract key; the truth cells of a page are exactly the keyed cells it draws.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from gx_pipeline import contract
from gx_pipeline.pagegen.metadata import PageMeta, chinese_date
from gx_pipeline.pagegen.values import Key, Values
from gx_pipeline.report import Number

#: a private-use character marking where a truncated page is cut; never survives rendering
CUT = "\ue000"

KOUJI = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    key: Key | None = None
    #: the row code whose label this cell is (so a defect can erase it)
    label_of: str | None = None


Row = tuple[GCell, ...]


@dataclass(frozen=True)
class Table:
    section: str | None
    rows: tuple[Row, ...]
    width: int


@dataclass(frozen=True)
class Para:
    text: str
    kind: str = "p"  # title | heading | p | signoff | image


Block = Para | Table


@dataclass(frozen=True)
class Document:
    meta: PageMeta
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ValueFormat:
    """How value cells are written."""

    null_text: str = ""
    fullwidth: bool = False
    thousands: bool = False
    pad: bool = False
    #: unit written inside amount cells by row code: "万元", "元", "亿元" or "" (bare)
    amount_units: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LayoutOptions:
    template: str
    year: int
    fmt: ValueFormat = ValueFormat()
    #: label overrides by "section.row"
    labels: dict[str, str] = field(default_factory=dict)
    #: header text overrides by canonical header text
    headers: dict[str, str] = field(default_factory=dict)
    fullwidth_parens: bool = True
    corner: str = KOUJI
    title_rows: bool = False
    other_row: bool = False


_FULLWIDTH = str.maketrans("0123456789.-,", "０１２３４５６７８９．－，")


def number_text(v: Number) -> str:
    if isinstance(v, int):
        return str(v)
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def format_value(key: Key, value: Number | None, fmt: ValueFormat) -> str:
    if value is None:
        return fmt.null_text
    row = key[1]
    if key in contract.AMOUNT_CELLS:
        unit = fmt.amount_units.get(row, "")
        if unit == "元":
            text = number_text(round(value * 10000, 2)) + "元"
        elif unit == "亿元":
            text = number_text(round(value / 10000, 8)) + "亿元"
        else:
            text = number_text(value) + unit
    elif fmt.thousands and abs(value) >= 1000:
        text = f"{value:,}"
    else:
        text = number_text(value)
    if fmt.fullwidth:
        text = text.translate(_FULLWIDTH)
    return f" {text}" if fmt.pad else text


# --- labels as pages print them -----------------------------------------------------------

_REQ_LABELS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld.state_secret": "1.属于国家秘密",
    "withheld.prohibited_by_law": "2.其他法律行政法规禁止公开",
    "withheld.security_stability": "3.危及“三安全一稳定”",
    "withheld.third_party": "4.保护第三方合法权益",
    "withheld.internal_affairs": "5.属于三类内部事务信息",
    "withheld.process_info": "6.属于四类过程性信息",
    "withheld.enforcement_file": "7.属于行政执法案卷",
    "withheld.admin_query": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.unclear": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.excessive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.fee_unpaid": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
    "results_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
_GROUP_LABELS = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
_BLOCK_TITLES = {
    "art20_1": "第二十条第（一）项",
    "art20_5": "第二十条第（五）项",
    "art20_6": "第二十条第（六）项",
    "art20_8": "第二十条第（八）项",
    "art20_9": "第二十条第（九）项",
}
_PARENS = str.maketrans("（）：，", "():,")


class _Builder:
    def __init__(self, opts: LayoutOptions, values: Values) -> None:
        self.opts = opts
        self.values = values

    def text(self, s: str) -> str:
        return s if self.opts.fullwidth_parens else s.translate(_PARENS)

    def header(self, s: str, **span: int) -> GCell:
        return GCell(self.text(self.opts.headers.get(s, s)), header=True, **span)

    def label(self, section: str, code: str, default: str, **span: int) -> GCell:
        text = self.opts.labels.get(f"{section}.{code}", default)
        return GCell(self.text(text), label_of=code, **span)

    def value(self, key: Key, **span: int) -> GCell:
        return GCell(format_value(key, self.values.get(key), self.opts.fmt), key=key, **span)

    def values_of(self, section: str, code: str, cols: tuple[str, ...]) -> Row:
        return tuple(self.value((section, code, c)) for c in cols)


def proactive_blocks(opts: LayoutOptions, values: Values) -> list[list[Row]]:
    """Section 二 as one list of rows per 第二十条 block (title row, header row, data rows)."""
    b = _Builder(opts, values)
    blocks: dict[str, list[Row]] = {}
    for r in contract.rows(opts.template, "proactive"):
        assert r.group is not None
        block = blocks.setdefault(r.group, [])
        cols = tuple(c.code for c in r.columns)
        if not block:
            block.append((b.header(_BLOCK_TITLES[r.group], colspan=4),))
            heads = [c.label for c in r.columns]
            if r.code == "procurement":
                heads = ["采购项目数量", "采购总金额"]  # the 2019 form states no unit here
            head_cells = [b.header("信息内容")] + [b.header(h) for h in heads]
            if len(heads) < 3:
                last = head_cells.pop()
                head_cells.append(replace(last, colspan=4 - len(heads)))
            block.append(tuple(head_cells))
        cells = list(b.values_of("proactive", r.code, cols))
        if len(cols) < 3:
            cells[-1] = replace(cells[-1], colspan=4 - len(cols))
        block.append((b.label("proactive", r.code, r.label),) + tuple(cells))
    return list(blocks.values())


def requests_rows(opts: LayoutOptions, values: Values) -> list[Row]:
    b = _Builder(opts, values)
    cols = tuple(c.code for c in contract.REQUEST_COLUMNS)
    out: list[Row] = [
        (
            GCell(b.text(opts.corner), rowspan=3, colspan=3, header=True),
            b.header("申请人情况", colspan=7),
        ),
        (
            b.header("自然人", rowspan=2),
            b.header("法人或其他组织", colspan=5),
            b.header("总计", rowspan=2),
        ),
        tuple(
            b.header(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
        ),
    ]

    def plain(code: str, colspan: int) -> Row:
        return (b.label("requests", code, _REQ_LABELS[code], colspan=colspan),) + b.values_of(
            "requests", code, cols
        )

    out.append(plain("new_received", 3))
    out.append(plain("carried_over", 3))
    results: list[Row] = [plain("granted", 2), plain("partially_granted", 2)]
    leaves = [r for r in contract.rows(opts.template, "requests") if r.group]
    for group in ("withheld", "unavailable", "not_processed"):
        members = [r for r in leaves if r.group == group]
        for i, r in enumerate(members):
            row = (b.label("requests", r.code, _REQ_LABELS[r.code]),) + b.values_of(
                "requests", r.code, cols
            )
            if i == 0:
                row = (GCell(b.text(_GROUP_LABELS[group]), rowspan=len(members)),) + row
            results.append(row)
    if opts.template == "2019":
        results.append(plain("other", 2))
    else:
        subs = [r for r in leaves if r.group == "other"]
        if opts.other_row:
            results.append(plain("other", 2))
            results.extend(plain(r.code, 2) for r in subs)
        else:
            for i, r in enumerate(subs):
                row = (b.label("requests", r.code, _REQ_LABELS[r.code]),) + b.values_of(
                    "requests", r.code, cols
                )
                if i == 0:
                    row = (GCell(b.text(_GROUP_LABELS["other"]), rowspan=len(subs)),) + row
                results.append(row)
    results.append(plain("results_total", 2))
    results[0] = (GCell("三、本年度办理结果", rowspan=len(results)),) + results[0]
    out.extend(results)
    out.append(plain("carried_forward", 3))
    return out


def appeals_rows(opts: LayoutOptions, values: Values) -> list[Row]:
    b = _Builder(opts, values)
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    data: list[GCell] = []
    for r in contract.APPEALS:
        data.extend(b.values_of("appeals", r.code, tuple(c.code for c in r.columns)))
    return [
        (b.header("行政复议", colspan=5), b.header("行政诉讼", colspan=10)),
        tuple(b.header(h, rowspan=2) for h in heads)
        + (b.header("未经复议直接起诉", colspan=5), b.header("复议后起诉", colspan=5)),
        tuple(b.header(h) for h in heads * 2),
        tuple(data),
    ]


WIDTHS = {"proactive": 4, "requests": 10, "appeals": 15}


def section_tables(
    opts: LayoutOptions, values: Values, *, split_proactive: bool = False
) -> dict[str, list[Table]]:
    """Each section's table(s); section 二 split per block when `split_proactive`."""
    blocks = proactive_blocks(opts, values)
    proactive_rows = [row for block in blocks for row in block]
    tables = {
        "proactive": (
            [Table("proactive", tuple(block), 4) for block in blocks]
            if split_proactive
            else [Table("proactive", tuple(proactive_rows), 4)]
        ),
        "requests": [Table("requests", tuple(requests_rows(opts, values)), 10)],
        "appeals": [Table("appeals", tuple(appeals_rows(opts, values)), 15)],
    }
    if opts.title_rows:
        for section, ts in tables.items():
            first = ts[0]
            title = (GCell(contract.SECTION_LABELS[section], colspan=first.width, header=True),)
            ts[0] = replace(first, rows=(title,) + first.rows)
    return tables


# --- the text around the tables -----------------------------------------------------------

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "proactive": (
        "二、主动公开政府信息情况",
        "二、主动公开政府信息情况",
        "、主动公开政府信息情况",
        "二、行政机关主动公开政府信息情况",
    ),
    "requests": (
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开的申请情况",
        "收到和处理政府信息公开申请情况",
    ),
    "appeals": (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "、政府信息公开行政复议、行政诉讼情况",
    ),
}


def intro_paragraphs(rng: random.Random, meta: PageMeta, *, title_year: bool) -> list[Para]:
    y = meta.year
    if title_year:
        first = (
            f"{y}年，{meta.agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
            "《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。现将有关情况报告如下："
        )
    else:
        # dates with dropped digits, as real pages have them: never a source for the year
        first = (
            f"本报告中所列数据的统计期限自{y}11日起至{y}1231日止。根据《中华人民共和国政府"
            "信息公开条例》第五十条规定，制作本报告。"
        )
    return [
        Para(first),
        Para("一、总体情况", "heading"),
        Para("（一）主动公开情况"),
        Para(
            f"全年共主动公开政府信息{rng.randint(20, 900)}条，其中政策解读{rng.randint(1, 30)}条。"
        ),
        Para("（二）依申请公开情况"),
        Para("严格按照《条例》规定的程序和时限办理政府信息公开申请，做到依法答复。"),
        Para("（三）政府信息管理"),
        Para("建立健全信息发布审核机制，严格落实保密审查制度。"),
    ]


def outro_paragraphs(meta: PageMeta, *, signoff_date: bool) -> list[Para]:
    out = [
        Para("五、存在的主要问题及改进情况", "heading"),
        Para(
            "政府信息公开的内容不够全面，公开的及时性有待提高。"
            f"{meta.year + 1}年，我们将进一步加强政务公开工作。"
        ),
        Para("六、其他需要报告的事项", "heading"),
        Para("本年度未收取信息处理费。"),
        Para(meta.agency, "signoff"),
    ]
    if signoff_date:
        out.append(Para(chinese_date(meta.published), "signoff"))
    return out


def narrative_before(section: str, values: Values) -> Para:
    if section == "requests":
        n = values.get(("requests", "new_received", "total")) or 0
        return Para(f"本年度共收到政府信息公开申请{n}件，均在法定期限内答复。")
    if section == "appeals":
        return Para("本年度因政府信息公开工作被申请行政复议、提起行政诉讼情况如下表。")
    return Para("本年度主动公开政府信息情况如下表所示（单位：件）。")


def build_document(
    rng: random.Random,
    meta: PageMeta,
    tables: dict[str, list[Table]],
    values: Values,
    *,
    title_year: bool = True,
    headings: dict[str, str] | None = None,
    narrative: tuple[str, ...] = (),
    one_table: bool = False,
) -> Document:
    headings = headings or {s: SECTION_HEADINGS[s][0] for s in contract.SECTIONS}
    blocks: list[Block] = [Para(meta.title, "title")]
    blocks += intro_paragraphs(rng, meta, title_year=title_year)
    if one_table:
        rows: list[Row] = []
        for section in contract.SECTIONS:
            rows.append((GCell(headings[section], colspan=15, header=True),))
            for t in tables[section]:
                rows.extend(t.rows)
        blocks.append(Table(None, tuple(rows), 15))
    else:
        for section in ("proactive", "requests", "appeals"):
            blocks.append(Para(headings[section], "heading"))
            if section in narrative:
                blocks.append(narrative_before(section, values))
            blocks.extend(tables[section])
    blocks += outro_paragraphs(meta, signoff_date=True)
    return Document(meta, tuple(blocks))


def keyed_cells(doc: Document) -> list[tuple[Key, int]]:
    """(key, position) of every value cell in document order."""
    out: list[tuple[Key, int]] = []
    pos = 0
    for block in doc.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    if cell.key is not None:
                        out.append((cell.key, pos))
                    pos += 1
    return out


def map_cells(doc: Document, fn) -> Document:
    pos = 0
    blocks: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells = []
                for cell in row:
                    cells.append(fn(pos, cell))
                    pos += 1
                rows.append(tuple(cells))
            blocks.append(replace(block, rows=tuple(rows)))
        else:
            blocks.append(block)
    return replace(doc, blocks=tuple(blocks))


def map_tables(doc: Document, fn) -> Document:
    return replace(doc, blocks=tuple(fn(b) if isinstance(b, Table) else b for b in doc.blocks))


def proactive_columns_in_order(table: Table, order: tuple[int, ...]) -> Table:
    """Section 二's three-column blocks with their columns drawn in `order` (positions of the
    template's columns), heading and values together: each value stays under its heading."""
    if table.section != "proactive":
        return table
    rows = []
    for row in table.rows:
        if len(row) == 1 + len(order) and all(c.colspan == 1 for c in row):
            row = (row[0], *(row[1 + k] for k in order))
        rows.append(row)
    return replace(table, rows=tuple(rows))


def footnote_marks(table: Table, rng: random.Random, marks: tuple[str, ...], share: float) -> Table:
    """Footnote references after some numbers (12¹, 3①, 5*): a report explains a figure in a
    note under the table. A mark is no part of the value; the cell keeps its key."""
    rows = []
    for row in table.rows:
        cells = []
        for c in row:
            text = c.text.strip()
            if c.key is not None and text[-1:].isdigit() and rng.random() < share:
                c = replace(c, text=c.text + rng.choice(marks))
            cells.append(c)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows))


def serial_column(table: Table) -> Table:
    """A 序号 column before the labels: 1, 2, 3 … on each row with values, the heading on the
    first row and blank cells under it on the other header rows. A running number is no value
    of the table; the cells keep their keys."""
    rows, n = [], 0
    for i, row in enumerate(table.rows):
        if any(c.key is not None for c in row):
            n += 1
            rows.append((GCell(str(n)), *row))
        else:
            rows.append((GCell("序号" if i == 0 else "", header=True), *row))
    return replace(table, rows=tuple(rows), width=table.width + 1)


def org_subtotal_column(table: Table, values: Values, word: str = "小计") -> Table:
    """The requests table with a column the template lacks after the group's five (小计, 合计):
    on each row the sum of the five (blank cells as 0). Its cells have no key."""
    return extra_request_column(table, values, word, "other_org")


#: the applicants' columns of the group 法人或其他组织
_ORG_CODES = tuple(c.code for c in contract.REQUEST_COLUMNS[1:6])
_ORG_HEADINGS = dict(
    zip(_ORG_CODES, ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"), strict=True)
)


def extra_request_column(table: Table, values: Values, word: str, after: str, value=None) -> Table:
    """The requests table with a column the template lacks drawn after the column `after`
    (a code): among the group's headings where `after` is one of the group's (a 小计 after
    其他, or before it), else a heading drawn down the header's two lower rows beside 自然人
    or 总计 (个体工商户 beside 自然人, a 小计 after 总计). `value(code)` gives each row's cell
    text; by default the sum of the group's columns up to `after` (all five beside 自然人 or
    总计: the group's subtotal), blank cells as 0. Its cells have no key."""
    if table.section != "requests":
        return table
    in_group = after in _ORG_CODES
    summed = _ORG_CODES[: _ORG_CODES.index(after) + 1] if in_group else _ORG_CODES

    def subtotal(code: str) -> str:
        return str(sum(values.get(("requests", code, col)) or 0 for col in summed))

    value = value or subtotal
    beside = {"natural_person": "自然人", "total": "总计"}.get(after)
    heading = GCell(word, header=True) if in_group else GCell(word, rowspan=2, header=True)
    wider = {0: "申请人情况", 1: "法人或其他组织" if in_group else None}

    def named(c: GCell, text: str | None) -> bool:
        return text is not None and "".join(c.text.split()) == text

    rows = []
    for i, row in enumerate(table.rows):
        cells = list(row)
        if i in wider:
            cells = [replace(c, colspan=c.colspan + 1) if named(c, wider[i]) else c for c in cells]
            at = [k for k, c in enumerate(cells) if named(c, beside)] if i == 1 else []
            if at:
                cells.insert(at[0] + 1, heading)
        elif i == 2:
            if in_group:
                # after its heading where the row names it, else behind the row's last
                at = [k for k, c in enumerate(cells) if named(c, _ORG_HEADINGS[after])]
                cells.insert(at[0] + 1 if at else len(cells), heading)
        else:
            at = [k for k, c in enumerate(cells) if c.key is not None and c.key[2] == after]
            if at:
                cells.insert(at[0] + 1, GCell(value(cells[at[0]].key[1])))
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows), width=table.width + 1)


def merged_down(table: Table, rng: random.Random, col: str, most: int | None = None) -> Table:
    """Equal values of column `col` on neighbouring rows drawn as one cell spanning them (an
    editor merges a run of 0s down a column); `most`: over no more rows than that. The merged
    cell keeps the top row's key: the rows under it show no cell of that column."""
    rows = [list(r) for r in table.rows]

    def at(i: int) -> int | None:
        found = [k for k, c in enumerate(rows[i]) if c.key is not None and c.key[2] == col]
        return found[0] if found else None

    runs, i = [], 0
    while i < len(rows):
        j, k = i, at(i)
        if k is not None and rows[i][k].text.strip():
            while (
                j + 1 < len(rows)
                and (most is None or j + 1 - i < most)
                and (n := at(j + 1)) is not None
                and (rows[j + 1][n].text == rows[i][k].text)
            ):
                j += 1
        if j > i:
            runs.append((i, j))
        i = j + 1
    if not runs:
        return table
    top, bottom = rng.choice(runs)
    k = at(top)
    assert k is not None
    rows[top][k] = replace(rows[top][k], rowspan=bottom - top + 1)
    for i in range(top + 1, bottom + 1):
        del rows[i][at(i)]  # type: ignore[arg-type]
    return replace(table, rows=tuple(tuple(r) for r in rows))


def appeals_merged_across(table: Table, rng: random.Random, width: int = 2) -> Table:
    """Section 四's single row with `width` neighbouring equal cells drawn as one cell spanning
    their columns (0 | 0 merged into one 0). The merged cell keeps the first one's key; the
    positions it covers show no cell of their own."""
    if table.section != "appeals":
        return table
    data = list(table.rows[-1])
    starts = [
        k
        for k in range(len(data) - width + 1)
        if len({c.text for c in data[k : k + width]}) == 1
        and all(c.colspan == 1 and c.key is not None for c in data[k : k + width])
    ]
    if not starts:
        return table
    k = rng.choice(starts)
    data[k : k + width] = [replace(data[k], colspan=width)]
    return replace(table, rows=(*table.rows[:-1], tuple(data)))


def summed_down(table: Table, rng: random.Random, col: str, most: int = 4) -> Table:
    """Two to `most` neighbouring rows of column `col` drawn as one cell spanning them that
    holds their sum (an editor's 小计 for the rows together, not each row's value). The cell
    keeps the top row's key, though it shows the sum: that row's own value is not on the page,
    nor are the values of the rows under it. Rows with numbers of which not all are equal."""
    rows = [list(r) for r in table.rows]

    def at(i: int) -> int | None:
        found = [k for k, c in enumerate(rows[i]) if c.key is not None and c.key[2] == col]
        return found[0] if found else None

    runs = []
    for i in range(len(rows)):
        for size in range(2, most + 1):
            ks = [at(j) for j in range(i, min(i + size, len(rows)))]
            if len(ks) < size or any(k is None for k in ks):
                break
            texts = [rows[i + d][k].text for d, k in enumerate(ks)]  # type: ignore[index]
            if all(t.strip().isdigit() for t in texts) and len(set(texts)) > 1:
                runs.append((i, size))
    if not runs:
        return table
    top, size = rng.choice(runs)
    total = sum(int(rows[j][at(j)].text) for j in range(top, top + size))  # type: ignore[index]
    k = at(top)
    assert k is not None
    rows[top][k] = replace(rows[top][k], rowspan=size, text=str(total))
    for i in range(top + 1, top + size):
        del rows[i][at(i)]  # type: ignore[arg-type]
    return replace(table, rows=tuple(tuple(r) for r in rows))


#: an agency's own table of request results: its words, and the rows whose totals it adds
_OWN_RESULTS = (
    ("本年新收政府信息公开申请", ("new_received",)),
    ("上年结转", ("carried_over",)),
    ("予以公开", ("granted",)),
    ("部分公开", ("partially_granted",)),
    ("不予公开", ("withheld",)),
    ("无法提供", ("unavailable",)),
    ("不予处理", ("not_processed",)),
    ("其他处理", ("other",)),
    ("总计", ("results_total",)),
    ("结转下年度继续办理", ("carried_forward",)),
)


def own_results_table(values: Values) -> Table:
    """Section 三 as a table of the agency's own design instead of the national one: a row a
    result, one number a row (the requests of every applicant together), under 办理结果 |
    数量（件）. Its numbers are no cells of the national table: the table carries no keys."""
    rows: list[Row] = [(GCell("办理结果", header=True), GCell("数量（件）", header=True))]
    for label, codes in _OWN_RESULTS:
        total = sum(
            v or 0
            for (section, row, col), v in values.items()
            if section == "requests"
            and col == "total"
            and (row in codes or row.split(".")[0] in codes and "." in row)
        )
        rows.append((GCell(label), GCell(str(total))))
    return Table(None, tuple(rows), 2)


def group_sums_row(table: Table, values: Values, group: str) -> Table:
    """A requests result group (withheld, unavailable, not_processed) whose label stands on a
    row of its own carrying the group's sums, its sub-rows under it (some agencies draw the
    group so, not as a label cell beside the sub-rows). The sums are no cells of the template."""
    rows = [list(r) for r in table.rows]
    members = [
        i for i, r in enumerate(rows) if any(c.key and c.key[1].startswith(group + ".") for c in r)
    ]
    if table.section != "requests" or not members:
        return table
    first = members[0]
    codes = [next(c.key[1] for c in rows[i] if c.key) for i in members]
    rows[first] = [c for c in rows[first] if c.text != _GROUP_LABELS[group]]
    for i in members:
        rows[i] = [replace(c, colspan=2) if c.label_of else c for c in rows[i]]
    sums = [
        GCell(str(sum(values.get(("requests", code, col.code)) or 0 for code in codes)))
        for col in contract.REQUEST_COLUMNS
    ]
    rows.insert(first, [GCell(_GROUP_LABELS[group], colspan=2), *sums])
    results = "三、本年度办理结果"
    rows = [
        [replace(c, rowspan=c.rowspan + 1) if c.text == results else c for c in r] for r in rows
    ]
    return replace(table, rows=tuple(tuple(r) for r in rows))
