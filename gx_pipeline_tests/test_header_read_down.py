"""The requests header of a PDF's text where each header cell's text comes out on its own
lines, one heading after another, a heading broken where its column is narrow and its
characters sometimes spaced out (自然人 / 法人或其他组织 / 总计商 业 企 / 业 / 科研机 / 构 /
社会公益 / 组织 / 法 律 服 务 / 机构 / 其他). The cells over two rows (自然人, 总计) come out
before, among or after the group's five; the values stand in the columns as drawn, 总计 last.
Read down, the lines name each heading once: the values are read in that order where the sums
place 总计, and none is read wrong wherever the lines do not spell the headings, put 自然人
after a heading of the group's (which the sums cannot place), or lead to rows that do not place
总计."""

from __future__ import annotations

import random

import pytest

from gx_pipeline import contract
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.fixtures.copies.make_copies import (
    NOT_PROCESSED,
    OTHER_2021,
    PARTIAL,
    UNAVAILABLE,
    WITHHELD,
)

_GROUP = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_CODE = dict(zip(("自然人", *_GROUP, "总计"), (c.code for c in contract.REQUEST_COLUMNS)))
# the rows of the national format's requests table, with their labels as a page writes them
_ROWS = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partially_granted", PARTIAL),
    *WITHHELD,
    *UNAVAILABLE,
    *NOT_PROCESSED,
    *OTHER_2021,
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)


def _broken(heading: str, rng: random.Random, spaced: bool) -> list[str]:
    """A heading's lines where its column is narrow (2 to 4 characters a line), each line's
    characters spaced out where `spaced`."""
    width = rng.randint(2, 4)
    lines = [heading[k : k + width] for k in range(0, len(heading), width)]
    return [" ".join(line) if spaced and len(line) > 1 else line for line in lines]


def _header(order: list[str], rng: random.Random, spaced: bool) -> list[str]:
    """The header's lines: each heading in `order` (the group's heading among them) down its
    own lines, the first piece of a heading sometimes run onto the line before it (总计商)."""
    lines: list[str] = []
    for heading in order:
        pieces = [heading] if len(heading) <= 3 else _broken(heading, rng, spaced)
        if lines and heading != "法人或其他组织" and rng.random() < 0.4:
            lines[-1] += pieces.pop(0)
        lines.extend(pieces)
    return lines


def _page(
    rng: random.Random,
    order: list[str],
    spaced: bool,
    drop: bool = False,
    drawn: bool = False,
    alike: float = 0.0,
    zeros: float = 0.0,
):
    """A text page whose requests table draws its columns as `order` names them, 自然人 first
    and 总计 last whatever the header's lines put first (`drawn`: 总计 where they put it, after
    自然人), with values that tell which column is the total (but where `zeros`, the share of
    the values that are 0, leaves too few rows that sum one way only). A row's share `alike`
    gives each of the group's five the same number (0 or another), 自然人 too in half of them."""
    columns = ["自然人", *(h for h in order if h in _GROUP), "总计"]
    alike_ones = ("自然人", *_GROUP)
    if drawn:
        columns = [h for h in order if h in _CODE]
    truth: dict[str, dict[str, int]] = {}
    lines = [
        "某市某局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "本局依法做好政府信息公开工作。",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，",
        "等于第三项加第四项之和）",
        "申请人情况",
    ]
    header = _header(order, rng, spaced)
    if drop:  # a line of a heading lost (a line the PDF's text left out)
        del header[rng.choice([k for k, line in enumerate(header) if len(line) <= 3])]
    lines += header
    for code, label in _ROWS:
        values = {
            h: 0 if rng.random() < zeros else rng.randint(1, 40) for h in columns if h != "总计"
        }
        if rng.random() < alike:
            same = rng.choice([0, rng.randint(1, 40)])
            values.update((h, same) for h in alike_ones[rng.random() < 0.5 :])
        values["总计"] = sum(values.values())
        truth[code] = {_CODE[h]: v for h, v in values.items()}
        lines.append(label + " " + " ".join(str(values[h]) for h in columns))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines).encode(), truth


def _orders(rng: random.Random) -> list[str]:
    """Where the PDF puts the two cells over two rows among the group's headings, and the
    group's five in the template's order or another."""
    group = list(_GROUP)
    if rng.random() < 0.5:
        rng.shuffle(group)
    tall = rng.choice(
        [
            ["自然人", "法人或其他组织", "总计", *group],
            ["自然人", "总计", "法人或其他组织", *group],
            ["法人或其他组织", "自然人", "总计", *group],
            ["自然人", "法人或其他组织", *group, "总计"],
        ]
    )
    return tall


def _judge(data: bytes, truth: dict) -> tuple[int, int, list[str]]:
    report = parse_bytes(data, "page.txt")
    got = {(c.row, c.col): c.value for c in report.cells if c.section == "requests"}
    read = withheld = 0
    wrong = []
    for row, values in truth.items():
        for col, value in values.items():
            g = got.get((row, col))
            if g is None:
                withheld += 1
            elif g == value:
                read += 1
            else:
                wrong.append(f"{row}.{col}: {g} for {value}")
    return read, withheld, wrong


@pytest.mark.parametrize("seed", range(24))
def test_a_header_written_a_heading_after_another_down_its_lines_is_read(seed: int):
    rng = random.Random(seed)
    order = _orders(rng)
    data, truth = _page(rng, order, spaced=seed % 2 == 0)
    read, withheld, wrong = _judge(data, truth)
    assert not wrong, (order, wrong[:5])
    assert withheld == 0, (order, data.decode()[:400])
    assert read == len(truth) * 7


@pytest.mark.parametrize("seed", range(12))
def test_a_total_drawn_where_the_lines_put_it_is_read_there(seed: int):
    """A page that does draw 总计 after 自然人: the sums place it where the lines do."""
    rng = random.Random(500 + seed)
    group = list(_GROUP)
    rng.shuffle(group)
    data, truth = _page(
        rng, ["自然人", "总计", "法人或其他组织", *group], seed % 2 == 0, drawn=True
    )
    read, _, wrong = _judge(data, truth)
    assert not wrong, wrong[:5]
    assert read == len(truth) * 7


@pytest.mark.parametrize("seed", range(60))
def test_a_header_down_its_lines_with_a_line_lost_reads_only_what_every_order_reads(seed: int):
    """A line lost leaves a heading unspelled: no reading down, and the order of the group's
    five (of 自然人 too, where a heading of the group comes out before it) is a guess. A value
    whose column the guess places is withheld, said; the total, which the sums put last,
    is read, and so is a row whose six applicant columns hold the same number, which every
    order of them reads alike. No value is read in the template's order under the flag. (Where
    the header leaves a column it does not name no place at all, nothing is read, said.)"""
    rng = random.Random(1000 + seed)
    data, truth = _page(rng, _orders(rng), spaced=seed % 2 == 0, drop=True, alike=0.3)
    _, withheld, wrong = _judge(data, truth)
    assert not wrong, wrong[:5]
    report = parse_bytes(data, "page.txt")
    if withheld:
        assert report.flags, report.problems
    if "cells_unplaced" in report.flags:
        return  # (no cell of the header placed at all: nothing read, said)
    got = {(c.row, c.col): c.value for c in report.cells if c.section == "requests"}
    total = _CODE["总计"]
    assert all(got.get((row, total)) == v[total] for row, v in truth.items()), report.problems
    for row, values in truth.items():
        if len({values[_CODE[h]] for h in ("自然人", *_GROUP)}) == 1:
            assert all(got.get((row, col)) is not None for col in values), (row, values)


@pytest.mark.parametrize("seed", range(12))
def test_a_natural_person_heading_after_the_group_reads_nothing_wrong(seed: int):
    """自然人, a cell over the header's two rows like 总计, may come out of the PDF after some or
    all of the group's headings; nothing tells its column (the sums place only 总计), nor so
    the five's: no value is read wrong, flagged or not."""
    rng = random.Random(1500 + seed)
    group = list(_GROUP)
    rng.shuffle(group)
    at = rng.randint(1, 5)
    order = ["法人或其他组织", *group[:at], "自然人", *group[at:]]
    order.insert(rng.choice([1, at + 1, len(order)]), "总计")
    data, truth = _page(rng, order, seed % 2 == 0)
    _, _, wrong = _judge(data, truth)
    assert not wrong, (order, wrong[:5])


@pytest.mark.parametrize("seed", range(12))
def test_a_total_heading_before_the_others_down_its_lines_is_placed_by_the_sums(seed: int):
    """总计's cell may come out first of all (总计 / 自然人 / 法人或其他组织 / …): where the sums
    put it last, the others are read in the header's order, as where it comes out among them."""
    rng = random.Random(2000 + seed)
    group = list(_GROUP)
    rng.shuffle(group)
    order = rng.choice(
        [["总计", "自然人", "法人或其他组织", *group], ["法人或其他组织", "总计", "自然人", *group]]
    )
    data, truth = _page(rng, order, seed % 2 == 0)
    read, _, wrong = _judge(data, truth)
    assert not wrong, (order, wrong[:5])
    assert read == len(truth) * 7


@pytest.mark.parametrize("seed", range(12))
def test_a_header_down_its_lines_over_rows_that_do_not_place_the_total_reads_nothing_wrong(
    seed: int,
):
    """Rows of zeros and of one applicant's requests (5 0 0 0 0 0 5) place 总计 nowhere: where
    too few rows sum one way only, nothing tells whether it stands where the lines put it, and
    no value is read wrong, flagged or not."""
    rng = random.Random(2500 + seed)
    data, truth = _page(rng, _orders(rng), seed % 2 == 0, zeros=0.93)
    _, _, wrong = _judge(data, truth)
    assert not wrong, wrong[:5]


def _run_together(data: bytes, rng: random.Random) -> bytes:
    """The page with the header's line ending the group's word (他 组 织) and the two or three
    after it run together, one piece straight after another (他 组 织其他商 业 企 业科 研 机):
    lines of a header written down narrow columns that a PDF's text gives as one."""
    lines = data.decode().split("\n")
    at = next(k for k, line in enumerate(lines) if "织" in line)
    n = rng.randint(3, 4)
    return "\n".join([*lines[:at], "".join(lines[at : at + n]), *lines[at + n :]]).encode()


@pytest.mark.parametrize("seed", range(60))
def test_a_total_drawn_second_over_a_group_run_together_reads_nothing_wrong(seed: int):
    """总计 drawn second (自然人 / 总计 / 法人或其他组织 / …) over rows of zeros or of one
    applicant's requests, the group's lines run together past reading: a header naming only
    自然人 and 总计, in the template's order, tells nothing of where the two stand among seven
    columns, and no value is read wrong, flagged or not."""
    rng = random.Random(2900 + seed)
    group = list(_GROUP)
    rng.shuffle(group)
    data, truth = _page(
        rng,
        ["自然人", "总计", "法人或其他组织", *group],
        True,
        drawn=True,
        zeros=rng.choice([0.7, 0.85, 0.95]),
    )
    _, _, wrong = _judge(_run_together(data, rng), truth)
    assert not wrong, wrong[:5]
