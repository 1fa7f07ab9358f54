"""Under column_order_guessed a requests value is read only where its column is certain or
every order of the columns in doubt reads the same (sections._held_in_doubt). The columns
compared are all those whose place is open, also those withheld for another reason (a heading
not read): a row reading the same in some of them tells nothing of the others' places.

Pages are generated from known values, their requests header redrawn: the group 法人或其他组织
before 自然人, or every heading once in a shuffled order, one heading not read (口口口, blank,
科�构); rows of zeros, of one applicant's requests, and rows whose five group columns hold one
number beside another 自然人."""

import random
from dataclasses import replace
from functools import partial

import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import Table, keyed_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document
from gx_pipeline_tests.test_header_columns import COPIES, SUBS, _h, _judged

RENDERINGS = {**COPIES, "tabs-trim": lambda doc, rng: (render_text.tab_rows(doc, rng), ".txt")}
APPLICANTS = ("自然人", *SUBS, "总计")
UNREAD = ("口口口", "", "口口口口", "科�构")


def _row_values(rng: random.Random) -> list[int]:
    """A row's seven numbers in the template's order, each row's total their sum: the
    group's five alike beside another 自然人, one applicant's requests, or zeros."""
    kind = rng.randrange(3)
    if kind == 0:
        n, g = rng.randint(1, 9), rng.randint(0, 3)
        return [n, g, g, g, g, g, n + 5 * g]
    nums = [0] * 7
    if kind == 1:
        nums[rng.randrange(6)] = nums[6] = rng.randint(1, 9)
    return nums


def _redrawn(table: Table, order: list[str], unread: str, grouped: bool, truth, rng) -> Table:
    """The requests table with its columns in `order`, the heading `unread` not read."""
    if table.section != "requests":
        return table
    corner = table.rows[0][0].text

    def head(w: str, **span):
        return _h(rng.choice(UNREAD) if w == unread else w, **span)

    if grouped:  # (the group's five side by side: one cell over them)
        top = list(dict.fromkeys("G" if w in SUBS else w for w in order))
        header = [
            (_h(corner, rowspan=3, colspan=3), _h("申请人情况", colspan=7)),
            tuple(_h("法人或其他组织", colspan=5) if t == "G" else head(t, rowspan=2) for t in top),
            tuple(head(w) for w in order if w in SUBS),
        ]
    else:
        header = [
            (_h(corner, rowspan=2, colspan=3), _h("申请人情况", colspan=7)),
            tuple(head(w) for w in order),
        ]
    rows = []
    for row in table.rows[3:]:
        label, cells = row[:-7], list(row[-7:])
        if rng.random() < 0.7:
            nums = _row_values(rng)
            for k, c in enumerate(cells):
                truth[c.key] = nums[k]
            cells = [replace(c, text=str(n)) for c, n in zip(cells, nums, strict=True)]
        rows.append((*label, *(cells[APPLICANTS.index(w)] for w in order)))
    return replace(table, rows=(*header, *rows))


def _order(shape: str, rng: random.Random) -> tuple[list[str], bool]:
    group = list(SUBS)
    rng.shuffle(group)
    if shape == "group_first":
        return [*group, "自然人", "总计"], True
    order = list(APPLICANTS)
    rng.shuffle(order)
    return order, False


@pytest.mark.parametrize("shape", ("group_first", "shuffled"))
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_value_in_doubt_is_read_only_where_every_open_column_reads_the_same(
    rendering: str, shape: str
):
    rng = random.Random(f"order-doubt-{rendering}-{shape}")
    for _ in range(4):
        template, year = rng.choice(FORMATS)
        doc, values = _document(rng, template, year)
        truth = {k: values.get(k) for k, _ in keyed_cells(doc)}
        order, grouped = _order(shape, rng)
        unread = rng.choice([w for w in order if w not in ("自然人", "总计")] if grouped else order)
        redrawn = partial(
            _redrawn, order=order, unread=unread, grouped=grouped, truth=truth, rng=rng
        )
        doc = map_tables(doc, redrawn)
        text, ext = RENDERINGS[rendering](doc, rng)
        got = parse_bytes(text.encode("utf-8"), f"page{ext}")
        wrong, _ = _judged(got, truth)
        assert not wrong, (order, unread, sorted(wrong.items())[:4])
