"""Sections 二 and 四 drawn in layouts real agencies use beside the national grid, each on an
otherwise correct generated page, with the values it shows as truth.

A family is a function `(rng, values, template) -> (html, truth)`: the table(s) that replace
the section on the page, and the section's cells as a correct parser gives them (None where
the page does not show the cell). `page(family, section, seed, form)` puts them on a clean
generated page (a web page, or a text copy in the seed's form); `outcome` sorts a parse into
right / withheld with a flag / withheld with none / wrong with a flag / wrong with none. The
section's values are drawn with few zeros, so that a number read from a neighbour's place is
rarely right by chance.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from html import escape, unescape

from gx_pipeline import contract
from gx_pipeline.pagegen.layout import _BLOCK_TITLES
from gx_pipeline.pagegen.styles import make_page
from gx_pipeline.parsing.page import parse_bytes
from gx_pipeline.trust import assess

Key = tuple[str, str, str]
Truth = dict[Key, float | int | None]
Family = Callable[[random.Random, dict, str], tuple[str, Truth]]

_HEADINGS = {
    "proactive": "二、主动公开政府信息情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
}
_NEXT = {"proactive": "三、收到和处理", "appeals": "五、存在的主要问题"}


def td(text: object, **span: int) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in span.items() if v > 1)
    return f"<td{attrs}>{escape(str(text))}</td>"


def tr(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def table(*rows: str) -> str:
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


def num(v: float | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _section_cells(values: dict, section: str) -> Truth:
    return {k: v for k, v in values.items() if k[0] == section}


def _denser(rng: random.Random, values: Truth) -> Truth:
    """The section's values with fewer zeros, so that a cell read from its neighbour's place
    rarely happens to be right; sums (总计) stay sums."""
    out = dict(values)
    for key in values:
        if key[0] == "appeals" and key[2] != "total":
            out[key] = rng.randint(0, 6)
        elif key[0] == "proactive" and key[2] not in ("amount", "change"):
            out[key] = rng.randint(0, 150)
    for key in values:
        if key[0] == "appeals" and key[2] == "total":
            parts = ("upheld", "corrected", "other", "pending")
            out[key] = sum(out[(key[0], key[1], c)] for c in parts)
    return out


def text_lines(drawn: str) -> str:
    """Tables as a text copy in the seed's form: a line a row, cells split by `|`, the grid
    positions a span covers as empty fields at the end of the line; the section's lines of
    text kept between them (`<p class="keep">`) as lines of their own."""
    lines = []
    pieces = r'<table[^>]*>(.*?)</table>|<p class="keep">(.*?)</p>'
    for tbl, line in re.findall(pieces, drawn, re.DOTALL):
        if line:  # a line of the section's text between its tables
            lines.append(unescape(line))
            continue
        for row in re.findall(r"<tr>(.*?)</tr>", tbl, re.DOTALL):
            cells = re.findall(r"<td([^>]*)>(.*?)</td>", row, re.DOTALL)
            covered = 0
            texts = []
            for attrs, text in cells:
                spans = [int(n) for n in re.findall(r'span="(\d+)"', attrs)]
                covered += sum(n - 1 for n in spans)
                texts.append(unescape(text))
            lines.append(" | ".join(texts) + " |" + "|" * covered)
    return "\n".join(lines)


def page(family: Family, section: str, seed: int, form: str = "html"):
    """(page bytes, truth of the section's cells) for the `seed`-th page of a family, as an
    HTML page or (`form="text"`) a text copy."""
    rng = random.Random(f"section-layouts:{family.__name__}:{seed}:{form}")
    template = rng.choice(("2019", "2021"))
    year = rng.choice((2019, 2020)) if template == "2019" else rng.choice((2021, 2022, 2023))
    style = "trs" if form == "html" else "pipe"
    while True:  # a clean page whose section heading is written in the national words
        base = make_page(
            rng, index=seed, style=style, year=year, template=template, blank_mode="none"
        )
        text = base.data.decode("utf-8")
        if (
            _HEADINGS[section] in text
            and _NEXT[section] in text
            and assess(parse_bytes(base.data, base.filename)).status == "clean"
        ):
            break
    values = {(c.section, c.row, c.col): c.value for c in base.truth.cells}
    drawn, truth = family(rng, _denser(rng, _section_cells(values, section)), template)
    start = text.index(_HEADINGS[section]) + len(_HEADINGS[section])
    if form == "html":
        t0 = text.index("<table", start)
        t1 = text.index("</table>", t0) + len("</table>")
        assert _NEXT[section] not in text[start:t0], "the section's table is where it should be"
    else:
        t0 = text.index("\n", start) + 1
        t1 = text.index(_NEXT[section], t0) - 1
        drawn = text_lines(drawn)
    return (text[:t0] + drawn + text[t1:]).encode("utf-8"), truth


def outcome(data: bytes, truth: Truth, name: str = "gen.html") -> tuple[str, list[str]]:
    """right / withheld-flagged / withheld-unflagged / wrong-unflagged / wrong-flagged."""
    report = parse_bytes(data, name)
    got = {(c.section, c.row, c.col): c.value for c in report.cells}
    wrong, missing = [], []
    for key, want in truth.items():
        have = got.get(key)
        if have is None and want is None:
            continue
        if have is None:
            missing.append(key)
        elif want is None or abs(float(have) - float(want)) > 1e-9:
            wrong.append(f"{'.'.join(key)}: {have} (is {want})")
    section = next(iter(truth))[0]
    for key, have in got.items():
        if key[0] == section and key not in truth and have is not None:
            wrong.append(f"{'.'.join(key)}: {have} (not on the page)")
    reasons = assess(report).reasons
    flagged = bool(reasons)
    wrong = wrong + [f"reasons: {reasons}"] if wrong else wrong
    if wrong:
        return ("wrong-flagged" if flagged else "wrong-unflagged"), wrong
    if missing:
        return ("withheld-flagged" if flagged else "withheld-unflagged"), [str(missing)]
    return "right", []


def _blocks(template: str) -> list[tuple[str, list[contract.Row]]]:
    out: dict[str, list[contract.Row]] = {}
    for r in contract.rows(template, "proactive"):
        out.setdefault(r.group, []).append(r)
    return list(out.items())


def _block_rows(group: str, rows: list, values: dict, titles: bool, cols=None) -> list[str]:
    """One 第二十条 block as the national form draws it: title, header, a row per item."""
    columns = cols or rows[0].columns
    out = [tr(td(_BLOCK_TITLES[group], colspan=4))] if titles else []
    out.append(
        tr(
            td("信息内容"),
            *(
                td(c.label, colspan=4 - len(columns) if i == len(columns) - 1 else 1)
                for i, c in enumerate(columns)
            ),
        )
    )
    for r in rows:
        cells = [num(values[("proactive", r.code, c.code)]) for c in columns]
        out.append(
            tr(
                td(r.label),
                *(
                    td(v, colspan=4 - len(columns) if i == len(columns) - 1 else 1)
                    for i, v in enumerate(cells)
                ),
            )
        )
    return out


def proactive_transposed(rng, values, template):
    """(a) each block's items as columns and its measures as rows."""
    rows_out = []
    titles = rng.random() < 0.6
    blocks = _blocks(template)
    # every block on its side, or one of them among blocks drawn the national way
    one = rng.randrange(len(blocks)) if rng.random() < 0.5 else None
    corner = rng.choice(("信息内容", "项目", ""))
    for i, (group, rows) in enumerate(blocks):
        if one is not None and i != one:
            rows_out += _block_rows(group, rows, values, titles)
            continue
        if titles:
            rows_out.append(tr(td(_BLOCK_TITLES[group], colspan=len(rows) + 1)))
        rows_out.append(tr(td(corner), *(td(r.label) for r in rows)))
        for c in rows[0].columns:
            cells = [num(values[("proactive", r.code, c.code)]) for r in rows]
            rows_out.append(tr(td(c.label), *(td(v) for v in cells)))
    return table(*rows_out), dict(values)


def proactive_on_side_odd(rng, values, template):
    """(a) every block on its side, drawn oddly: its items in reverse order, its measures in
    another, a 合计 column after the items, a measure's heading cut to its last characters
    (有效件数), or a measure the template lacks (本年废止数量) under the others."""
    mode = rng.choice(("swapped", "shuffled", "sum", "cut", "extra", "sum_off"))
    return _on_side_odd(rng, values, template, mode)


def proactive_on_side_beside(rng, values, template):
    """(a'') every block on its side with a 合计 column after its items (the sum of their
    numbers on every line), or a line of a measure the template lacks under the others
    (本年废止数量 on a 2019 page, 上一年项目数量 on a 2021 one)."""
    return _on_side_odd(rng, values, template, rng.choice(("sum", "lacking")))


def _on_side_odd(rng, values, template, mode):
    """`mode`: sum_off, a 合计 column whose figure is not the sum (it counts something else);
    lacking, a measure no block of the template has."""
    rows_out = []
    for group, rows in _blocks(template):
        rows_out.append(tr(td(_BLOCK_TITLES[group], colspan=4)))
        items = rows[::-1] if mode == "swapped" else list(rows)
        summed = mode in ("sum", "sum_off")
        heads = [r.label for r in items] + (["合计"] if summed else [])
        rows_out.append(tr(td("信息内容"), *(td(h) for h in heads)))
        cols = list(rows[0].columns)
        if mode == "shuffled":
            rng.shuffle(cols)
        for c in cols:
            shown = [values[("proactive", r.code, c.code)] for r in items]
            whole = sum(shown) + (rng.choice((-2, -1, 1, 3)) if mode == "sum_off" else 0)
            cells = [num(v) for v in shown] + ([num(whole)] if summed else [])
            rows_out.append(tr(td(c.label[-4:] if mode == "cut" else c.label), *map(td, cells)))
        if mode in ("extra", "lacking"):
            lacks = "上一年项目数量" if mode == "lacking" and template == "2021" else "本年废止数量"
            rows_out.append(tr(td(lacks), *(td(rng.randint(0, 9)) for _ in items)))
    return table(*rows_out), dict(values)


def proactive_blocks_reordered(rng, values, template):
    """(b) the blocks in another order, or one of them left out."""
    blocks = _blocks(template)
    truth = dict(values)
    if rng.random() < 0.5:
        gone = rng.randrange(len(blocks))
        for r in blocks[gone][1]:
            for c in r.columns:
                truth[("proactive", r.code, c.code)] = None
        del blocks[gone]
    else:
        while [g for g, _ in blocks] == [g for g, _ in _blocks(template)]:
            rng.shuffle(blocks)
    titles = rng.random() < 0.5
    rows_out = []
    for group, rows in blocks:
        rows_out += _block_rows(group, rows, values, titles)
    return table(*rows_out), truth


def proactive_columns_reordered(rng, values, template):
    """(c) the first block's three columns in another order, or a 本年废止 column added
    (before, between or after the three)."""
    blocks = _blocks(template)
    group, rows = blocks[0]
    cols = list(rows[0].columns)
    extra = template == "2019" and rng.random() < 0.5
    if not extra:
        while cols == list(rows[0].columns):
            rng.shuffle(cols)
    at = rng.randrange(len(cols) + 1) if extra else len(cols)
    rows_out = []
    titles = rng.random() < 0.5
    if titles:
        rows_out.append(tr(td(_BLOCK_TITLES[group], colspan=4 + extra)))
    heads = [c.label for c in cols]
    heads[at:at] = ["本年废止数量"] if extra else []
    rows_out.append(tr(td("信息内容"), *(td(h) for h in heads)))
    for r in rows:
        cells = [num(values[("proactive", r.code, c.code)]) for c in cols]
        cells[at:at] = [str(rng.randint(0, 9))] if extra else []
        rows_out.append(tr(td(r.label), *(td(v) for v in cells)))
    for g, rs in blocks[1:]:
        rows_out += _block_rows(g, rs, values, titles)
    return table(*rows_out), dict(values)


def _amount_text(v: float, per_wan: int, decimals: int) -> str:
    text = f"{round(v * per_wan, decimals):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_UNITS = {"万元": 1, "元": 10000, "千元": 10}


def proactive_amount_units(rng, values, template):
    """(d) the fee (2021) or procurement (2019) amount with its unit in the header or the cell."""
    blocks = _blocks(template)
    code = "fees" if template == "2021" else "procurement"
    unit = rng.choice(tuple(_UNITS))
    where = rng.choice(("header", "cell", "both"))
    truth = dict(values)
    amount = round(rng.uniform(0, 900), rng.choice((0, 1, 2, 4)))
    truth[("proactive", code, "amount")] = amount
    shown = _amount_text(amount, _UNITS[unit], 4)
    rows_out = []
    for group, rows in blocks:
        if group != rows[-1].group or code not in {r.code for r in rows}:
            rows_out += _block_rows(group, rows, values, True)
            continue
        base = "本年收费金额" if template == "2021" else "采购总金额"
        head = base + (f"（单位：{unit}）" if where != "cell" else "")
        rows_out.append(tr(td(_BLOCK_TITLES[group], colspan=4)))
        r = rows[0]
        heads = [c.label for c in r.columns[:-1]] + [head]
        rows_out.append(
            tr(td("信息内容"), *(td(h) for h in heads[:-1]), td(heads[-1], colspan=4 - len(heads)))
        )
        cells = [num(values[("proactive", r.code, c.code)]) for c in r.columns[:-1]]
        cells.append(shown + (unit if where != "header" else ""))
        rows_out.append(
            tr(td(r.label), *(td(v) for v in cells[:-1]), td(cells[-1], colspan=4 - len(cells)))
        )
    return table(*rows_out), truth


def proactive_other_format(rng, values, template):
    """(e) section 二 in the other format's form (a 2019 table on a 2021 page, and back)."""
    other = "2019" if template == "2021" else "2021"
    from gx_pipeline.pagegen.values import proactive_values

    drawn = proactive_values(rng, other)
    rows_out = []
    for group, rows in _blocks(other):
        rows_out += _block_rows(group, rows, drawn, rng.random() < 0.5)
    truth = {k: v for k, v in drawn.items()}
    for k in values:
        truth.setdefault(k, None)
    return table(*rows_out), truth


def proactive_sentence_cells(rng, values, template):
    """(f) a row per item and measure, its value written with its unit (123件, an amount in
    万元, 元 or 千元, an item's measures in another order), or the national grid with units."""
    if rng.random() < 0.5:
        return _grid_with_units(rng, values, template), dict(values)
    truth = dict(values)
    money = rng.choice(tuple(_UNITS))
    shuffled = rng.random() < 0.5
    rows_out = [tr(td("信息内容"), td("项目"), td("数量"))]
    for group, rows in _blocks(template):
        for r in rows:
            cols = list(r.columns)
            if shuffled:
                rng.shuffle(cols)
            for c in cols:
                v = values[("proactive", r.code, c.code)]
                shown = f"{num(v)}{_unit_of(c.code)}"
                if c.code == "amount":
                    v = truth[("proactive", r.code, c.code)] = round(rng.uniform(0, 900), 2)
                    shown = _amount_text(v, _UNITS[money], 4) + money
                label = c.label.replace("（单位：万元）", "").replace("（万元）", "")
                rows_out.append(tr(td(r.label), td(label), td(shown)))
    return table(*rows_out), truth


def _unit_of(code: str) -> str:
    return (
        "万元"
        if code == "amount"
        else ("个" if code in ("prev_items", "projects", "change") else "件")
    )


def _grid_with_units(rng, values, template) -> str:
    """The national grid with every value written with its unit, a one-value row's value
    sometimes in a sentence (本年处理决定数量123件)."""
    rows_out = []
    for group, rows in _blocks(template):
        cols = rows[0].columns
        rows_out.append(tr(td(_BLOCK_TITLES[group], colspan=4)))
        rows_out.append(tr(td("信息内容"), *(td(c.label) for c in cols)))
        for r in rows:
            cells = []
            for c in cols:
                text = num(values[("proactive", r.code, c.code)]) + _unit_of(c.code)
                if len(cols) == 1 and rng.random() < 0.5:
                    text = c.label.replace("（单位：万元）", "") + text
                cells.append(td(text))
            rows_out.append(tr(td(r.label), *cells))
    return table(*rows_out)


_APPEAL_HEADS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_APPEAL_ROWS = (
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)


def _appeal(values, row, col):
    return num(values[("appeals", row, col)])


def appeals_transposed(rng, values, template):
    """(g) 行政复议 and the two kinds of 行政诉讼 as rows, the outcomes as columns."""
    band = rng.random() < 0.5
    order = list(_APPEAL_ROWS)
    if not band and rng.random() < 0.5:
        rng.shuffle(order)
    rows_out = [tr(td("", colspan=2 if band else 1), *(td(h) for h in _APPEAL_HEADS))]
    for i, (code, label) in enumerate(order):
        cells = [
            td(_appeal(values, code, c))
            for c in ("upheld", "corrected", "other", "pending", "total")
        ]
        if band and i == 0:
            rows_out.append(tr(td(label, colspan=2), *cells))
        elif band:
            lead = [td("行政诉讼", rowspan=2)] if i == 1 else []
            rows_out.append(tr(*lead, td(label), *cells))
        else:
            rows_out.append(tr(td(label if code == "review" else "行政诉讼" + label), *cells))
    return table(*rows_out), dict(values)


def appeals_two_tables(rng, values, template):
    """(h) 行政复议 and 行政诉讼 as two tables, with or without their 总计 columns."""
    return _two_tables(rng, values, named=rng.random() >= 0.3, swapped=False)


def appeals_two_tables_named(rng, values, template):
    """(h') the two tables, each kind of case named over its columns (行政复议; 行政诉讼 and
    its two kinds), with or without their 总计 columns, 行政诉讼's table first or second."""
    return _two_tables(rng, values, named=True, swapped=rng.random() < 0.5)


def _two_tables(rng, values, named: bool, swapped: bool):
    totals = rng.random() < 0.5
    heads = _APPEAL_HEADS if totals else _APPEAL_HEADS[:4]
    cols = ("upheld", "corrected", "other", "pending", "total")[: len(heads)]
    truth = dict(values)
    if not totals:
        for code, _ in _APPEAL_ROWS:
            truth[("appeals", code, "total")] = None
    first = table(
        tr(td("行政复议", colspan=len(heads))),
        tr(*(td(h) for h in heads)),
        tr(*(td(_appeal(values, "review", c)) for c in cols)),
    )
    bands = (
        [
            tr(td("行政诉讼", colspan=2 * len(heads))),
            tr(td("未经复议直接起诉", colspan=len(heads)), td("复议后起诉", colspan=len(heads))),
        ]
        if named
        else []
    )
    second = table(
        *bands,
        tr(*(td(h) for h in heads * 2)),
        tr(*(td(_appeal(values, code, c)) for code, _ in _APPEAL_ROWS[1:] for c in cols)),
    )
    if swapped:
        return second + "<p>（二）行政复议情况</p>" + first, truth
    return first + "<p>（二）行政诉讼情况</p>" + second, truth


def appeals_one_header(rng, values, template):
    """(i) one header row of the fifteen outcome words, no 行政复议/行政诉讼 band over them:
    which group is which the page does not say (values withheld but where groups alike)."""
    data = [
        td(_appeal(values, code, c))
        for code, _ in _APPEAL_ROWS
        for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    heads = rng.choice(
        (
            _APPEAL_HEADS,
            ("维持", "纠正", "其他", "未审结", "合计"),
            ("结果维持", "结果纠正", "其他结果", "尚未审结", "小计"),
        )
    )
    return table(tr(*(td(h) for h in heads * 3)), tr(*data)), dict(values)


def _appeals_grid(
    values, cols, heads, extra_total: str = "", extra_head: str = "合计", off: int = 0
):
    """The national three-row header over `cols`; `extra_total`: where a column headed
    `extra_head` (合计: of all cases) stands beside the fifteen (first, after 行政复议, in the
    行政诉讼 band, last); `off`: how far its figure is from the sum of the totals."""
    n = len(heads)
    band2 = [td("未经复议直接起诉", colspan=n), td("复议后起诉", colspan=n)]
    extra = [td(extra_head, rowspan=3)]
    in_band = extra_total == "litigation"
    top = [td("行政复议", colspan=n), td("行政诉讼", colspan=2 * n + in_band)]
    second = (
        [td(h, rowspan=2) for h in heads] + band2 + ([td(extra_head, rowspan=2)] if in_band else [])
    )
    if extra_total == "first":
        top = extra + top
    elif extra_total == "review":
        top = top[:1] + extra + top[1:]
    elif extra_total == "last":
        top = top + extra
    rows = [tr(*top), tr(*second), tr(*(td(h) for h in heads * 2))]
    groups = [[td(_appeal(values, code, c)) for c in cols] for code, _ in _APPEAL_ROWS]
    if extra_total == "litigation":
        whole = sum(values[("appeals", code, "total")] or 0 for code, _ in _APPEAL_ROWS[1:])
    else:
        whole = sum(values[("appeals", code, "total")] or 0 for code, _ in _APPEAL_ROWS)
    cell = [td(num(whole + off))]
    data = {
        "": groups[0] + groups[1] + groups[2],
        "first": cell + groups[0] + groups[1] + groups[2],
        "review": groups[0] + cell + groups[1] + groups[2],
        "litigation": groups[0] + groups[1] + groups[2] + cell,
        "last": groups[0] + groups[1] + groups[2] + cell,
    }[extra_total]
    rows.append(tr(*data))
    return table(*rows)


def appeals_no_pending(rng, values, template):
    """(j) the national grid without its 尚未审结 columns (four a group)."""
    cols = ("upheld", "corrected", "other", "total")
    heads = ("结果维持", "结果纠正", "其他结果", "总计")
    truth = dict(values)
    closed = rng.random() < 0.5  # no case pending: each total is the sum of the three shown
    for code, _ in _APPEAL_ROWS:
        truth[("appeals", code, "pending")] = None
        if closed:
            truth[("appeals", code, "total")] = sum(values[("appeals", code, c)] for c in cols[:3])
    values = {**values, **{k: v for k, v in truth.items() if k[2] == "total"}}
    if rng.random() < 0.4:
        data = [td(_appeal(values, code, c)) for code, _ in _APPEAL_ROWS for c in cols]
        return table(tr(*(td(h) for h in heads * 3)), tr(*data)), truth
    return _appeals_grid(values, cols, heads), truth


def appeals_extra_total(rng, values, template):
    """(k) the national grid with a 合计 column after its fifteen."""
    cols = ("upheld", "corrected", "other", "pending", "total")
    where = rng.choice(("first", "review", "litigation", "last"))
    return _appeals_grid(values, cols, _APPEAL_HEADS, extra_total=where), dict(values)


def appeals_extra_unsettled(rng, values, template):
    """(l) the national grid with a column beside the fifteen that the page does not settle:
    a 合计 whose figure is not the sum of the totals (it counts something else), or a heading
    that is no sum at all (其中：当年新收案件, 备注)."""
    cols = ("upheld", "corrected", "other", "pending", "total")
    where = rng.choice(("first", "review", "litigation", "last"))
    head = rng.choice(("合计", "合计", "其中：当年新收案件", "备注"))
    off = rng.choice((-3, -2, -1, 1, 2, 5)) if head == "合计" else rng.randint(0, 3)
    grid = _appeals_grid(values, cols, _APPEAL_HEADS, where, head, off)
    return grid, dict(values)


PROACTIVE = (
    proactive_transposed,
    proactive_on_side_odd,
    proactive_on_side_beside,
    proactive_blocks_reordered,
    proactive_columns_reordered,
    proactive_amount_units,
    proactive_other_format,
    proactive_sentence_cells,
)
APPEALS = (
    appeals_transposed,
    appeals_two_tables,
    appeals_two_tables_named,
    appeals_one_header,
    appeals_no_pending,
    appeals_extra_total,
    appeals_extra_unsettled,
)


_OUTCOME_COLS = ("upheld", "corrected", "other", "pending", "total")


def _appeals_order(rng, values, groups, cols, kinds, heads: bool, drawn=None):
    """Section 四 as one table of 行政复议's five and a band of ten, groups drawn in `groups`'
    order and each group's outcome columns in `cols`' order; `kinds`: the kinds of case named
    over the groups (the others' cells left blank); `heads`: the outcome headings drawn;
    `drawn`: the order the values stand in, where it is not the headings' (`cols`)."""
    names = dict(_APPEAL_ROWS)
    top = [td(names[c] if c in kinds else "", colspan=5) for c in groups]
    rows = [tr(*top)]
    if heads:
        rows.append(tr(*(td(_APPEAL_HEADS[_OUTCOME_COLS.index(c)]) for _ in groups for c in cols)))
    rows.append(tr(*(td(_appeal(values, code, c)) for code in groups for c in drawn or cols)))
    return table(*rows), dict(values)


def _swapped_litigation(rng):
    return ("review", "litigation_after_review", "litigation_direct")


def appeals_swapped_unnamed(rng, values, template):
    """(m) 复议后起诉's five before 未经复议直接起诉's, neither named (行政复议 is)."""
    return _appeals_order(rng, values, _swapped_litigation(rng), _OUTCOME_COLS, {"review"}, True)


def appeals_swapped_named(rng, values, template):
    """(n) 复议后起诉's five before 未经复议直接起诉's, every kind named: read whole."""
    groups = _swapped_litigation(rng)
    return _appeals_order(rng, values, groups, _OUTCOME_COLS, set(groups), True)


def appeals_swapped_one_named(rng, values, template):
    """(o) the litigation groups in either order, only one of the two kinds named."""
    groups = _swapped_litigation(rng) if rng.random() < 0.5 else tuple(c for c, _ in _APPEAL_ROWS)
    named = {"review", rng.choice(groups[1:])}
    return _appeals_order(rng, values, groups, _OUTCOME_COLS, named, True)


def appeals_outcomes_reordered(rng, values, template):
    """(p) each group's outcome columns in another order, under their headings: read whole."""
    cols = list(_OUTCOME_COLS)
    while tuple(cols) == _OUTCOME_COLS:
        rng.shuffle(cols)
    groups = tuple(c for c, _ in _APPEAL_ROWS)
    return _appeals_order(rng, values, groups, tuple(cols), set(groups), True)


def appeals_outcomes_relabelled(rng, values, template):
    """(p2) the outcome headings in another order, 总计 not last, over values that stand last
    in 总计's column and in the template's order (a header relabelled, its numbers not moved)
    or the headings' (a cell over the header's rows drawn out of its place): the sums put the
    total last, and nothing tells which order the other four follow."""
    cols = list(_OUTCOME_COLS)
    while cols[-1] == "total" or [c for c in cols if c != "total"] == list(_OUTCOME_COLS[:4]):
        rng.shuffle(cols)
    drawn = (*(c for c in cols if c != "total"), "total")
    if rng.random() < 0.5:
        drawn = _OUTCOME_COLS
    groups = tuple(c for c, _ in _APPEAL_ROWS)
    return _appeals_order(rng, values, groups, tuple(cols), set(groups), True, drawn)


def appeals_outcomes_unheaded(rng, values, template):
    """(q) the outcome columns in another order or the template's, no heading over them."""
    cols = list(_OUTCOME_COLS)
    if rng.random() < 0.7:
        rng.shuffle(cols)
    groups = tuple(c for c, _ in _APPEAL_ROWS)
    return _appeals_order(rng, values, groups, tuple(cols), set(groups), False)


def appeals_outcomes_row_scrambled(rng, values, template):
    """(r) the headed table of (p) under one more header row that draws the five outcome
    headings in another order (a row scrambled in the copy): the rows disagree."""
    cols = list(_OUTCOME_COLS)
    if rng.random() < 0.5:
        rng.shuffle(cols)
    other = list(cols)
    while other == cols:
        rng.shuffle(other)
    groups = tuple(c for c, _ in _APPEAL_ROWS)
    drawn, truth = _appeals_order(rng, values, groups, tuple(cols), set(groups), True)
    junk = tr(*(td(_APPEAL_HEADS[_OUTCOME_COLS.index(c)]) for _ in groups for c in other))
    at = drawn.index("<tr>")
    return drawn[:at] + junk + drawn[at:], truth


def appeals_no_pending_unnamed(rng, values, template):
    """(s) one header row of four outcome words a group (no 尚未审结), no kind of case named,
    the litigation groups in either order: which group is which the page does not say."""
    cols = ("upheld", "corrected", "other", "total")
    heads = ("结果维持", "结果纠正", "其他结果", "总计")
    truth = dict(values)
    for code, _ in _APPEAL_ROWS:
        truth[("appeals", code, "pending")] = None
        truth[("appeals", code, "total")] = sum(values[("appeals", code, c)] for c in cols[:3])
    values = {**values, **{k: v for k, v in truth.items() if k[2] == "total"}}
    groups = _swapped_litigation(rng) if rng.random() < 0.7 else tuple(c for c, _ in _APPEAL_ROWS)
    data = [td(_appeal(values, code, c)) for code in groups for c in cols]
    return table(tr(*(td(h) for h in heads * 3)), tr(*data)), truth


ORDER_FAMILIES = (
    appeals_swapped_unnamed,
    appeals_swapped_named,
    appeals_swapped_one_named,
    appeals_outcomes_reordered,
    appeals_outcomes_unheaded,
    appeals_outcomes_row_scrambled,
    appeals_no_pending_unnamed,
)


def glued_headings(data: bytes) -> bytes:
    """A text copy of a generated page whose section 四 keeps no space between the header's
    cells (a copy that wrote them one space apart and lost it: 结果维持结果纠正其他结果…) and
    writes its values two ideographic spaces apart."""
    text = data.decode("utf-8")
    start = text.index(_HEADINGS["appeals"]) + len(_HEADINGS["appeals"])
    end = text.index(_NEXT["appeals"])
    lines = []
    for line in text[start:end].split("\n"):
        cells = [c.strip() for c in line.split("|") if c.strip()]
        if cells and all(c.isdigit() for c in cells):
            lines.append("\u3000\u3000".join(cells))
        else:
            lines.append("\u3000" + "".join(cells) if cells else line)
    return (text[:start] + "\n".join(lines) + text[end:]).encode("utf-8")


#: section 四's outcome headings as agencies word them: short, traditional, spaced
_OUTCOME_WORDINGS = {
    "upheld": ("维持", "结果维持", "維持", "维\u3000持", "結果維持"),
    "corrected": ("纠正", "结果纠正", "糾正", "纠\u3000正", "結果糾正"),
    "other": ("其他", "其他结果", "其它结果", "其他結果"),
    "pending": ("未审结", "尚未审结", "尚未審結", "未審結"),
    "total": ("总计", "合计", "總計", "合\u3000计"),
}


def _appeals_headed(values, cols, heads, closed_band: str = ""):
    """The national three-row header over `cols` headed `heads`; `closed_band`: the three
    kinds of case named in the top row, and under each a band (审结) over the closed cases'
    outcomes, 尚未审结 and 总计 beside it (the band's headings a row lower)."""
    n = len(heads)
    if closed_band:
        closed = [c in ("upheld", "corrected", "other") for c in cols]
        band = []
        k = 0
        while k < n:
            run = 0
            while k + run < n and closed[k + run]:
                run += 1
            band.append(td(closed_band, colspan=run) if run else td(heads[k], rowspan=2))
            k += run or 1
        rows = [
            tr(*(td(name, colspan=n) for _, name in _APPEAL_ROWS)),
            tr(*band * 3),
            tr(*(td(h) for _ in range(3) for h, c in zip(heads, closed) if c)),
        ]
    else:
        rows = [
            tr(td("行政复议", colspan=n), td("行政诉讼", colspan=2 * n)),
            tr(
                *(td(h, rowspan=2) for h in heads),
                td("未经复议直接起诉", colspan=n),
                td("复议后起诉", colspan=n),
            ),
            tr(*(td(h) for h in heads * 2)),
        ]
    rows.append(tr(*(td(_appeal(values, code, c)) for code, _ in _APPEAL_ROWS for c in cols)))
    return table(*rows)


def appeals_outcome_wordings(rng, values, template):
    """(t) the national grid, its outcome headings worded otherwise (维持, 纠正, 其他结果, 未审结,
    合计; traditional 維持/糾正/審結/總計; a full-width space inside: 维　持), in the template's
    order or another: every heading names its column, read whole."""
    cols = list(_OUTCOME_COLS)
    if rng.random() < 0.4:
        rng.shuffle(cols)
    heads = [rng.choice(_OUTCOME_WORDINGS[c]) for c in cols]
    return _appeals_headed(values, cols, heads), dict(values)


def appeals_outcome_band(rng, values, template):
    """(t') the closed cases' three outcomes (维持 纠正 其他) under a band (审结) in each group,
    尚未审结 and 总计 beside it, in the template's order or another: the header's words in
    reading order are not the columns' order."""
    cols = list(_OUTCOME_COLS)
    if rng.random() < 0.4:
        rng.shuffle(cols)
    heads = [rng.choice(_OUTCOME_WORDINGS[c]) for c in cols]
    heads = [h[-2:] if c in ("upheld", "corrected") else h for h, c in zip(heads, cols)]
    band = rng.choice(("审结", "審結", "已审结"))
    return _appeals_headed(values, cols, heads, closed_band=band), dict(values)


#: headings as a scan's text layer misreads them (a character misread, the heading cut)
_MISREADS = {
    "结果维持": ("结果维特", "维特", "结"),
    "结果纠正": ("结果乡正", "乡正", "结"),
    "其他结果": ("其他结杲", "其", "具他结果"),
    "尚未审结": ("尚末审结", "尚", "尚未审"),
    "总计": ("总汁", "总", "总口"),
}


def appeals_misread_headings(rng, values, template):
    """(u) the national grid with one or two outcome headings misread (纠正→乡正, 维持→维特,
    尚未审结→尚末审结, a heading cut to its first character), in every group or one, the
    outcome columns in the template's order or another: no number in a place the header does
    not tell."""
    cols = list(_OUTCOME_COLS)
    if rng.random() < 0.5:
        while tuple(cols) == _OUTCOME_COLS:
            rng.shuffle(cols)
    heads = [_APPEAL_HEADS[_OUTCOME_COLS.index(c)] for c in cols]
    bad = rng.sample(range(5), rng.choice((1, 1, 2)))
    everywhere = rng.random() < 0.5
    misread = list(heads)
    for k in bad:
        misread[k] = rng.choice(_MISREADS[heads[k]])
    grid = _appeals_headed(values, cols, misread if everywhere else heads)
    if not everywhere:  # only 行政复议's group misread (the header's first row of headings)
        first = "".join(td(h, rowspan=2) for h in heads)
        grid = grid.replace(first, "".join(td(h, rowspan=2) for h in misread), 1)
    return grid, dict(values)


_SUB_HEADINGS = {
    "litigation_direct": ("（二）未经复议直接起诉情况", "1.未经复议直接起诉", "未经复议直接起诉："),
    "litigation_after_review": ("（三）复议后起诉情况", "2.复议后起诉", "复议后起诉："),
}


def appeals_litigation_tables(rng, values, template):
    """(v) 行政复议's table, then 行政诉讼 drawn as two tables of the five outcomes with their
    totals, the kinds of case not named over their columns but in a sub-heading over each
    table, or in a sentence of the section's text before them in their order; 复议后起诉's
    table first or second: read whole."""
    return _litigation_tables(rng, values, rng.choice(("sub", "sub", "sentence")))


def appeals_litigation_tables_unnamed(rng, values, template):
    """(v') the tables of (v) with the kinds of case named nowhere: which is which the page
    does not say."""
    return _litigation_tables(rng, values, "none")


def _litigation_tables(rng, values, how: str):
    order = [c for c, _ in _APPEAL_ROWS[1:]]
    if rng.random() < 0.4:
        order.reverse()

    def small(code, title=None):
        rows = [tr(td(title, colspan=5))] if title else []
        rows.append(tr(*(td(h) for h in _APPEAL_HEADS)))
        rows.append(tr(*(td(_appeal(values, code, c)) for c in _OUTCOME_COLS)))
        return table(*rows)

    names = dict(_APPEAL_ROWS)
    parts = [small("review", "行政复议")]
    if how == "sentence":
        said = "、".join(names[c] for c in order)
        parts.append(f'<p class="keep">行政诉讼情况如下（依次为{said}）：</p>')
    elif how == "none":
        parts.append('<p class="keep">行政诉讼情况：</p>')
    for code in order:
        if how == "sub":
            parts.append(f'<p class="keep">{rng.choice(_SUB_HEADINGS[code])}</p>')
        parts.append(small(code, "行政诉讼" if how != "sub" and code == order[0] else None))
    return "".join(parts), dict(values)


#: section 四's headings worded otherwise or misread, and 行政诉讼 as two tables
NEW_FAMILIES = (
    appeals_outcome_wordings,
    appeals_outcome_band,
    appeals_misread_headings,
    appeals_litigation_tables,
    appeals_litigation_tables_unnamed,
)


# --- headers written a character a line over narrow columns --------------------------------

#: characters a heading misread in a header written down its column may show instead
_CHARACTER_MISREADS = {
    "维": "准",
    "持": "特",
    "纠": "料",
    "正": "止",
    "审": "宙",
    "未": "末",
    "计": "汁",
}


def across(heads: list[str], width: int, align: str, rows: int = 0) -> list[list[str]]:
    """Headings written `width` characters a line down narrow columns, as the lines across
    the columns a PDF's or a text copy's header gives: line k holds the k-th piece of every
    heading that has one, left to right; a shorter heading ends early (top), stands in the
    middle (centre) or at the bottom; `rows`: at least this many lines."""
    pieces = [[h[k : k + width] for k in range(0, len(h), width)] for h in heads]
    n = max(rows, *(len(p) for p in pieces))
    lines: list[list[str]] = [[] for _ in range(n)]
    for p in pieces:
        off = {"top": 0, "centre": (n - len(p)) // 2, "bottom": n - len(p)}[align]
        for k, piece in enumerate(p):
            lines[off + k].append(piece)
    return lines


def _appeals_across(rng, values, cols, misread: bool, apart: bool, total: str = "总计"):
    """Section 四 with its outcome headings written a character or two a line in `cols`'
    order, the captions of the kinds of case over them as lines of their own and the values
    as one line: the PDF-like text of a table without ruled cells (values apart by spaces)
    or a text copy's (`|`). `apart`: 行政复议's headings a line above the litigation
    groups' (under their own captions), so that a line holds pieces of several groups."""
    width = rng.choice((1, 2))
    align = rng.choice(("top", "centre", "bottom"))
    heads = [_APPEAL_HEADS[_OUTCOME_COLS.index(c)] for c in cols]
    heads = [total if h == "总计" else h for h in heads]
    group = across(heads, width, align, rows=4 // width)
    captions = ["行政复议 行政诉讼"]
    if apart:
        lines = [list(group[0])]
        lines += [group[k] + group[k - 1] * 2 for k in range(1, len(group))]
        lines += [group[-1] * 2]
    else:
        lines = [g * 3 for g in group]
        captions.append("未经复议直接起诉 复议后起诉")
    text = [" ".join(line) for line in lines]
    if apart:  # 行政诉讼's two captions on the line 行政复议's headings open
        text[0] += " 未经复议直接起诉 复议后起诉"
    if misread:
        k = rng.randrange(len(text))
        chars = [i for i, ch in enumerate(text[k]) if ch in _CHARACTER_MISREADS]
        if chars:
            i = rng.choice(chars)
            text[k] = text[k][:i] + _CHARACTER_MISREADS[text[k][i]] + text[k][i + 1 :]
    codes = [code for code, _ in _APPEAL_ROWS]
    figures = [num(_appeal(values, code, c)) or "0" for code in codes for c in cols]
    row = " ".join(figures) if rng.random() < 0.5 else " | ".join(figures) + " |"
    out = "".join(f'<p class="keep">{escape(line)}</p>' for line in [*captions, *text, row])
    truth = {k: (v if v is not None else 0) for k, v in values.items()}
    return out, truth


def _reordered(rng) -> tuple[str, ...]:
    cols = list(_OUTCOME_COLS)
    while tuple(cols) == _OUTCOME_COLS:
        rng.shuffle(cols)
    return tuple(cols)


def appeals_across(rng, values, template):
    """(w1) the national order, headings written down their columns: read across."""
    return _appeals_across(rng, values, _OUTCOME_COLS, False, False)


def appeals_across_reordered(rng, values, template):
    """(w2) the outcome columns in another order, which only the headings read down their
    columns tell."""
    return _appeals_across(rng, values, _reordered(rng), False, False)


def appeals_across_apart(rng, values, template):
    """(w3) 行政复议's headings a line above the litigation groups' (a PDF's lines each
    holding several groups' pieces), the columns in the national order or another."""
    cols = _reordered(rng) if rng.random() < 0.5 else _OUTCOME_COLS
    return _appeals_across(rng, values, cols, False, True)


def appeals_across_misread(rng, values, template):
    """(w4) one character of the header misread (维 as 准, 审 as 宙), the columns in any
    order: no reading spells every heading, so no order is taken."""
    cols = _reordered(rng) if rng.random() < 0.5 else _OUTCOME_COLS
    return _appeals_across(rng, values, cols, True, rng.random() < 0.5)


def appeals_across_total_worded(rng, values, template):
    """(w5) each group's total headed 合计 or 小计, as pages write it in a header of whole
    words, the columns in the national order or another."""
    cols = _reordered(rng) if rng.random() < 0.5 else _OUTCOME_COLS
    total = rng.choice(("合计", "小计"))
    return _appeals_across(rng, values, cols, False, False, total)


ACROSS_FAMILIES = (
    appeals_across,
    appeals_across_reordered,
    appeals_across_apart,
    appeals_across_misread,
    appeals_across_total_worded,
)


_ORG_HEADS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_ORG_ROW = "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |"


def requests_across(
    seed: int, reordered: bool, misread: bool, run_together: bool = False, beside: str = ""
) -> tuple[bytes, Truth]:
    """A clean text copy (a line a row, cells split by `|`) whose section 三 header writes the
    five headings under 法人或其他组织 a piece a line (商业企 科研机 社会公 法律服 其他 / 业 构
    益组织 务机构: one to three characters a line, each alignment of the shorter ones), as
    the lines across the columns a PDF's text or a text copy gives; `reordered`: the five
    columns in another order, which only the headings read down their columns tell;
    `misread`: one character of those lines misread. Each column's values are made its own
    (a figure added to its new and its granted requests alike, which keeps the table's sums),
    so that a value read from another column's place is not right by chance.
    `run_together`: a PDF's text that runs the header's lines into one, each column's
    characters interleaved by where they stand (自然人 商企业业 科机构研 社公组会益织 …), the
    seven headings on that line under 申请人情况 / 法人或其他组织.
    `beside`: the lines hold other columns' headings written down them too: "applicants"
    自然人 before the five and 总计 after them (the line over the five then 法人或其他组织
    alone), "number" a 序号 column before them (a column of row numbers whose cells the
    copy left blank), "both" the two."""
    rng = random.Random(f"requests-across:{seed}:{reordered}:{misread}:{run_together}:{beside}")
    while True:
        year = rng.choice((2021, 2022, 2023))
        base = make_page(
            rng, index=seed, style="pipe", year=year, template="2021", blank_mode="none"
        )
        text = base.data.decode("utf-8")
        if text.count(_ORG_ROW) == 1:
            break
    order = list(range(5))
    while reordered and order == sorted(order):
        rng.shuffle(order)
    cols = [c.code for c in contract.REQUEST_COLUMNS]
    bump = dict(zip(cols[:6], rng.sample(range(1, 60), 6), strict=True))
    bump["total"] = sum(bump.values())
    truth: Truth = {}
    for c in base.truth.cells:
        if c.section != "requests":
            continue
        v = c.value
        if c.row in ("new_received", "granted", "results_total") and v is not None:
            v = v + bump[c.col]
        truth[(c.section, c.row, c.col)] = v
    width = rng.choice((1, 2, 3))
    align = rng.choice(("top", "centre", "bottom"))
    heads = [_ORG_HEADS[k] for k in order]
    if beside in ("applicants", "both"):
        heads = ["自然人", *heads, "总计"]
    if beside in ("number", "both"):
        heads = ["序号", *heads]
    lines = [" ".join(line) for line in across(heads, width, align)]
    if misread:
        k = rng.randrange(len(lines))
        chars = [i for i, ch in enumerate(lines[k]) if ch in "业机构益组织务服他"]
        i = rng.choice(chars) if chars else 0
        lines[k] = lines[k][:i] + "口" + lines[k][i + 1 :]
    if run_together:
        words = []
        for h in ["自然人", *(_ORG_HEADS[k] for k in order), "总计"]:
            chars = list(h)
            if len(h) > 3:  # a wrapped heading: its lines' characters interleaved
                while "".join(chars) == h:
                    rng.shuffle(chars)
            words.append("".join(chars))
        if misread:
            k = rng.randrange(1, 6)
            words[k] = words[k][:-1] + "口"
        lines = [" ".join(words)]
    text = "\n".join(
        "\n".join(lines)
        if line.startswith(_ORG_ROW)
        else "法人或其他组织"
        if (run_together or beside in ("applicants", "both"))
        and line.startswith("自然人 | 法人或其他组织 | 总计")
        else line
        for line in text.split("\n")
    )
    # the value lines of section 三 stand in the template's order of rows
    codes = [r.code for r in contract.rows("2021", "requests")]
    codes = [c for c in codes if ("requests", c, "total") in truth]
    rows = iter(codes)
    start = text.index("法人或其他组织")
    end = text.index("\n", text.index("结转下年度继续办理", start))
    assert sum(1 for line in text[start:end].split("\n") if _seven(line)) == len(codes), (
        "every row of section 三 on the page"
    )
    out = []
    for line in text.split("\n"):
        at = text.index(line) if line else -1
        fields = [f.strip() for f in line.split("|")]
        numbers = [k for k, f in enumerate(fields) if re.fullmatch(r"-?\d+", f)]
        if not start < at < end or not _seven(line):
            out.append(line)
            continue
        code = next(rows)
        row = [truth.get(("requests", code, c)) for c in cols]
        drawn = [row[0], *(row[1 + k] for k in order), row[6]]
        for k, v in zip(numbers, drawn, strict=True):
            fields[k] = num(v)
        out.append(" | ".join(fields))
    return "\n".join(out).encode("utf-8"), truth


def _seven(line: str) -> bool:
    """Whether a line of a text copy is a row of section 三's seven values."""
    return sum(1 for f in line.split("|") if re.fullmatch(r"-?\d+", f.strip())) == 7
