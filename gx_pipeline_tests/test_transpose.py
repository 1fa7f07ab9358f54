"""Headers written a piece a line over narrow columns, read across (parsing.transpose)."""

from __future__ import annotations

import itertools

import pytest

from gx_pipeline.parsing.transpose import read_across
from gx_pipeline_tests.section_layouts import across

OUTCOMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@pytest.mark.parametrize("align", ["top", "centre", "bottom"])
@pytest.mark.parametrize("width", [1, 2])
def test_every_order_is_read_back(align: str, width: int) -> None:
    """Each order of the five outcome headings, written down their columns with 总计 ending
    early, centred or at the bottom, reads back as itself, and as nothing else."""
    for order in itertools.permutations(OUTCOMES):
        lines = across(list(order), width, align)
        assert read_across(lines, OUTCOMES, 5, 5) == [order]


def test_groups_at_different_heights_read_as_one_header() -> None:
    """行政复议's five a line above the litigation groups' ten: a line holds pieces of several
    groups, and a column takes nothing on a line between two of its pieces."""
    group = across(list(OUTCOMES), 1, "top")
    lines = [group[0], *(group[k] + group[k - 1] * 2 for k in range(1, 4)), group[3] * 2]
    assert read_across(lines, OUTCOMES, 15, 5) == [OUTCOMES * 3]


def test_a_header_that_two_orders_fit_tells_both() -> None:
    """Two headings alike but for an end that a short line leaves to either column (甲乙 |
    甲丙 over a last line 丁): both orders fit, both are returned, and the caller takes
    neither."""
    lines = [["甲", "甲"], ["乙", "丙"], ["丁"]]
    assert sorted(read_across(lines, ("甲乙丁", "甲丙", "甲乙", "甲丙丁"), 2, 2)) == [
        ("甲乙", "甲丙丁"),
        ("甲乙丁", "甲丙"),
    ]


def test_a_heading_twice_in_a_group_is_no_reading() -> None:
    assert read_across([["甲", "甲", "丙"], ["乙", "乙"]], ("甲乙", "甲乙丁", "丙"), 3, 3) == []


def test_a_misread_character_spells_no_heading() -> None:
    lines = across(list(OUTCOMES), 1, "top")
    lines[2] = ["准" if p == "维" else p for p in lines[2]]
    assert read_across(lines, OUTCOMES, 5, 5) == []
