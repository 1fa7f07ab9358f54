"""A column drawn blank among the applicants' in a text copy whose 总计 is left blank on every
row: 自然人 two columns wide (its heading over both, or an empty heading cell behind it), each
row's cell beside its value blank, and the 总计 blank. Every row then has a cell more than the
template's columns and ends blank, and reading it from its first cell (the blank at its end a
covered position) put the blank beside 自然人 under 商业企业, each value after it a column off
and 其他's under 总计, flagged or not. Drawn from the stacked hazards, alone and with the
requests table one with the others; a number read is the page's, and a number not read
leaves the report flagged."""

from __future__ import annotations

import random

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests import stacked_hazards as stacked

_STACKS = {
    "two wide, 总计 blank": ("总计 left blank", "自然人 two wide"),
    "two wide, 总计 blank, one table": ("one table", "总计 left blank", "自然人 two wide"),
}


@pytest.mark.parametrize("stack", sorted(_STACKS))
@pytest.mark.parametrize("rendering", ["celllines", "md-blank"])
def test_a_blank_column_among_the_applicants_with_total_blank_reads_no_number_off(
    stack: str, rendering: str
):
    for k in range(24):
        rng = random.Random(f"blank-column:{stack}:{rendering}:{k}")
        template, year = rng.choice(stacked.gh.FORMATS)
        data, name, doc, values = stacked.stacked_page(
            rng, template, year, _STACKS[stack], rendering
        )
        outcome, wrong, _ = stacked.judge(parse_bytes(data, name), doc, values)
        assert outcome in ("right", "withheld+flag"), (k, outcome, sorted(wrong.items())[:4])
