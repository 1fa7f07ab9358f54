"""A requests table with a column the template lacks (a 小计 of the group 法人或其他组织, a 合计,
个体工商户) whose 总计 the page leaves blank, on every row or some: a blank 总计 is no number
(docs/CONTRACT.md: null where the source is empty), and a value of the extra column read under
总计 is a number in the wrong column. Drawn in every copy dialect and as web pages, with the
values all dashes, all zeros or ordinary."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline.pagegen.layout import extra_request_column, map_cells
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests import stacked_hazards as S

#: the extra column: (heading, the column it is drawn after)
_EXTRA = {
    "小计-after-group": ("小计", "other_org"),
    "合计-after-group": ("合计", "other_org"),
    "小计-before-其他": ("小计", "legal_service"),
    "小计-after-总计": ("小计", "total"),
    "个体工商户-beside-自然人": ("个体工商户", "natural_person"),
}


def _page(seed: str, extra: str, rendering: str, kind: str, blanks: str):
    """(bytes, file name, document, values) of a page whose requests table has the extra
    column `extra` and its 总计 left blank on every row (`blanks` all) or on about half."""
    rng = random.Random(seed)
    template, year = rng.choice(S.gh.FORMATS)
    p = S.Page(rng, template, year, rendering in S.WEB)
    requests = [k for k in p.values if k[0] == "requests"]
    if kind == "dashes":
        p.fmt["null_text"] = "—"
        p.values.update(dict.fromkeys(requests, None))
    elif kind == "zeros":
        p.values.update(dict.fromkeys(requests, 0))
    word, after = _EXTRA[extra]
    # a kind of applicant of its own holds its own figures, counted in the 总计 a row writes;
    # a subtotal is the sum of the group's
    counts: dict[str, int] = {}
    own = (
        (lambda code: str(counts.setdefault(code, rng.randint(0, 3))))
        if word == "个体工商户"
        else None
    )
    p.table_changes.append(
        lambda: p.tables("requests", lambda t: extra_request_column(t, p.values, word, after, own))
    )
    p.build()
    blank = {k for k in requests if k[2] == "total" and (blanks == "all" or rng.random() < 0.5)}
    for key in requests:
        if key in blank:
            p.values[key] = None
        elif key[2] == "total" and counts.get(key[1]) and p.values[key] is not None:
            p.values[key] += counts[key[1]]

    def drawn(pos: int, c):
        if c.key in blank:
            return replace(c, text="")
        if c.key is not None and c.key[2] == "total" and counts.get(c.key[1]):
            return replace(c, text=str(p.values[c.key]) if p.values[c.key] is not None else c.text)
        return c

    p.doc = map_cells(p.doc, drawn)
    return (*S.drawn(p, rendering), p.doc, p.values)


@pytest.mark.parametrize("rendering", [*S.COPIES, *S.WEB])
@pytest.mark.parametrize("extra", sorted(_EXTRA))
def test_a_blank_total_beside_a_column_the_template_lacks_reads_no_value_under_it(
    extra: str, rendering: str
):
    """A requests table with a 小计 column after the group's five and 总计 left blank on every
    row read the 小计 cells as 总计 with no flag (12 of 5,040 stacked pages, every copy dialect):
    with no row filling as many cells as the header has headings, the extra heading was taken
    for a piece of a wrapped header cell, not a column, and each row's values were read in the
    template's seven columns. A 小计 or 合计 is a column's heading of its own: its values are
    left out, said, and a 总计 the page leaves blank is read as blank. The same with the extra
    column before 其他, after 总计, or 个体工商户 beside 自然人."""
    for k in range(4):
        for kind in ("dashes", "zeros", "ordinary"):
            blanks = ("all", "some")[k % 2]
            seed = f"extra-blank-total:{extra}:{rendering}:{kind}:{k}"
            data, name, doc, values = _page(seed, extra, rendering, kind, blanks)
            got = parse_bytes(data, name)
            outcome, wrong, _ = S.judge(got, doc, values)
            assert outcome in ("right", "withheld+flag"), (kind, blanks, k, outcome, wrong)
