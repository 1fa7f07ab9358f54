"""A requests table with a column the template lacks among the applicants: 个体工商户, a kind
of applicant some agencies add (its requests are part of 总计), or a 小计 or 合计 of the
group 法人或其他组织 (the sum of its five). Each stacked with the hazards the rest of the
parser meets: a heading or two misread, the group's five in another order, 总计 first or
among them, 自然人 after the group, blank '-' '/' cells, rows of zeros or of one applicant;
in both formats and every copy. The column has no contract code: its values are left out,
said, and a number is read only where its row and column are certain, flag or no flag."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import GCell, keyed_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document
from gx_pipeline_tests.test_header_columns import COPIES, _flagged

RENDERINGS = {
    **COPIES,
    "tabs-trimmed": lambda doc, rng: (render_text.tab_rows(doc, rng), ".txt"),
}
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
GROUP = APPLICANTS[1:6]
#: a heading as a copy misreads it (characters not read, or none)
MISREAD = ("口口口", "", "口口口口", "科�构")


def _h(text: str, **span) -> GCell:
    return GCell(text, header=True, **span)


def _header(corner: str, columns: list[str], heads: dict, in_group: set[str], grouped: bool):
    """The header's rows over `columns` (the group's drawn under 法人或其他组织 where
    `grouped`), each heading as `heads` draws it."""
    if not grouped:
        return [
            (_h(corner, rowspan=2, colspan=3), _h("申请人情况", colspan=len(columns))),
            tuple(_h(heads.get(w, w)) for w in columns),
        ]
    top: list[GCell] = []
    under = [w for w in columns if w in in_group]
    for w in columns:
        if w not in in_group:
            top.append(_h(heads.get(w, w), rowspan=2))
        elif w == under[0]:
            top.append(_h("法人或其他组织", colspan=len(under)))
    return [
        (_h(corner, rowspan=3, colspan=3), _h("申请人情况", colspan=len(columns))),
        tuple(top),
        tuple(_h(heads.get(w, w)) for w in under),
    ]


def _row_values(rng: random.Random, cells: list[GCell], truth: dict, kind: str) -> list[GCell]:
    """A row's seven template cells as `kind` draws them: as generated, all zeros, one
    applicant's alone, or some applicants' blank ('-', '/' or empty, 总计 their sum)."""
    nums: list = [truth.get(c.key) for c in cells]
    if kind == "zeros":
        nums = [0] * 7
    elif kind == "one":
        nums = [0] * 7
        nums[rng.randrange(6)] = nums[6] = rng.randint(1, 9)
    elif kind == "blanks" and None not in nums:
        mark = rng.choice(("-", "/", ""))
        for k in rng.sample(range(6), rng.randint(1, 4)):
            nums[6] -= nums[k]
            nums[k] = mark
    elif kind != "blanks":
        return cells
    out = []
    for c, n in zip(cells, nums, strict=True):
        if n is None or isinstance(n, str):
            truth.pop(c.key, None)
            out.append(replace(c, text=n or ""))
        else:
            truth[c.key] = n
            out.append(replace(c, text=str(n)))
    return out


def _table(t, truth: dict, rng: random.Random, family: dict):
    """The requests table in the family's columns, its extra column drawn after `after`."""
    word, after = family["extra"]
    columns = list(family["columns"])
    columns.insert(columns.index(after) + 1, word)
    in_group = {*GROUP, word} if after in GROUP and word != "个体工商户" else set(GROUP)
    header = _header(t.rows[0][0].text, columns, family["heads"], in_group, family["grouped"])
    rows = []
    for row in t.rows[3:]:
        label, cells = row[:-7], list(row[-7:])
        cells = _row_values(rng, cells, truth, rng.choice(family["rows"]))
        if word == "个体工商户":
            # its own requests, counted in the row's 总计
            own = rng.randint(0, 3)
            if truth.get(cells[6].key) is not None:
                truth[cells[6].key] += own
                cells[6] = replace(cells[6], text=str(truth[cells[6].key]))
        else:
            own = sum(int(truth.get(c.key) or 0) for c in cells[1:6])
        drawn = [cells[APPLICANTS.index(w)] for w in family["columns"]]
        drawn.insert(columns.index(word), GCell(str(own)))
        rows.append((*label, *drawn))
    return replace(t, rows=(*header, *rows), width=3 + len(columns))


def _family(rng: random.Random, name: str) -> dict:
    group = list(GROUP)
    rng.shuffle(group)
    columns = {
        "template": list(APPLICANTS),
        "group-shuffled": ["自然人", *group, "总计"],
        "group-first": [*group, "自然人", "总计"],
        "total-first": ["总计", "自然人", *group],
        "total-among": ["自然人", *group[:2], "总计", *group[2:]],
    }[rng.choice(("template", "group-shuffled", "group-first", "total-first", "total-among"))]
    last = [w for w in columns if w in GROUP][-1]
    extra = {
        "个体工商户": ("个体工商户", "自然人"),
        "个体工商户-after-group": ("个体工商户", last),
        "小计": ("小计", last),
        "合计": ("合计", last),
    }[name]
    misread = rng.sample(columns, rng.choice((0, 1, 2)))
    return {
        "columns": columns,
        "extra": extra,
        "heads": {w: rng.choice(MISREAD) for w in misread},
        "grouped": rng.random() < 0.5 and "总计" not in columns[1:6],
        "rows": ("keep", "zeros", "one", "blanks"),
    }


@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
@pytest.mark.parametrize("extra", ("个体工商户", "个体工商户-after-group", "小计", "合计"))
def test_a_column_the_template_lacks_among_the_applicants_places_no_value_wrong(
    extra: str, rendering: str
):
    """A 个体工商户 column among the applicants' (its requests part of 总计) in a table that
    draws the group flat had each row's blank first cell (beside a blank 自然人) taken for a
    merged label's and its cells read a place off; a row whose 个体工商户 and 总计 were both 0
    had its last cell taken for a merged 总计's copy and dropped; a trimmed copy's row a blank
    总计 short was read in the template's seven (402 cells wrong with a flag of 1,152 such
    pages; 21 of these 36 cases). A column the template lacks that the header names and no
    rule places leaves each row's cells unplaced, except a row that shows every column's cell,
    all the same number."""
    for k in range(8):
        rng = random.Random(f"extra-applicant:{extra}:{rendering}:{k}")
        template, year = FORMATS[k % len(FORMATS)]
        doc, values = _document(rng, template, year)
        truth = {key: values.get(key) for key, _ in keyed_cells(doc)}
        family = _family(rng, extra)
        doc = map_tables(
            doc,
            lambda t, truth=truth, rng=rng, family=family: (
                _table(t, truth, rng, family) if t.section == "requests" else t
            ),
        )
        shown = {key for key, _ in keyed_cells(doc)}
        text, ext = RENDERINGS[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        wrong = {
            (c.row, c.col): (truth.get((c.section, c.row, c.col)), c.value)
            for c in got.cells
            if c.value is not None
            and (c.section, c.row, c.col) in shown
            and c.value != truth.get((c.section, c.row, c.col))
        }
        assert not wrong, (k, template, family, sorted(wrong.items())[:4])
        unread = [
            key
            for key in shown
            if truth.get(key) is not None
            and not any((c.section, c.row, c.col) == key and c.value is not None for c in got.cells)
        ]
        assert not unread or _flagged(got), (k, unread[:4])
