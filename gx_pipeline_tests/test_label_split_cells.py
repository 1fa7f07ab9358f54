"""A PDF's table turned into a markdown copy breaks a long row label over two cells, and where
the PDF's line before was lost the first cell holds a piece from the label's middle (缴纳费用、
| 行政机关不再处理其政 | 0 | …). Where the first piece names its row by a core of the template's
wording and the second continues the wording, the row is read; wherever a piece names no row
or another's, no value is read wrong."""

from __future__ import annotations

import random
import re

import pytest

from gx_pipeline import contract
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_header_read_down import _ROWS

_MARKER = re.compile(r"（[一二三四五六七]）|[一二三四]、|\d\.|")
_CORES = {r.code: r.cores for r in contract.rows("2021", "requests")}
_HEADER = (
    "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"
)


def _page(rng: random.Random, cut: set[str]) -> tuple[bytes, dict, dict[str, bool]]:
    """A markdown copy of the requests table whose rows in `cut` have their label broken over
    two cells, begun at its start or at a random place (its beginning lost, what was left of
    the PDF's line before sometimes a line of the copy's own). The truth, and for each cut
    row whether its first piece names the row by one of its cores alone."""
    lines = [
        "某市某局2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        _HEADER,
    ]
    lines.append("|" + "---|" * 8)
    truth: dict[str, dict[str, int]] = {}
    named: dict[str, bool] = {}
    for code, label in _ROWS:
        values = [rng.randint(1, 40) for _ in range(6)]
        values.append(sum(values))
        truth[code] = dict(zip((c.code for c in contract.REQUEST_COLUMNS), values, strict=True))
        cells = [label]
        if code in cut and len(label) >= 8:
            # (a lost line takes the enumeration with it: a piece begins after it)
            marker = len(_MARKER.match(label).group())
            start = rng.choice([0, rng.randint(marker + 1, max(marker + 1, len(label) // 2))])
            split = rng.randint(start + 2, len(label) - 2)
            cells = [label[start:split], label[split:]]
            first = cells[0]
            # the piece names its row alone, and no other row by a core of its own
            named[code] = any(c in first for c in _CORES[code]) and not any(
                c in first for other, cs in _CORES.items() if other != code for c in cs
            )
            if start and rng.random() < 0.5:
                # the rest of the PDF's line before, a line of the copy's own: the end of the
                # row above's label, which names no row
                above = _ROWS[[c for c, _ in _ROWS].index(code) - 1][1]
                lines.append(above[-rng.randint(3, 6) :].lstrip("0123456789."))
        lines.append("| " + " | ".join([*cells, *map(str, values)]) + " |")
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines).encode(), truth, named


def _wrong(report, truth: dict[str, dict[str, int]]) -> list[str]:
    """The requests cells read with a value other than the page's."""
    got = {(c.row, c.col): c.value for c in report.cells if c.section == "requests"}
    return [
        f"{row}.{col}: {got[row, col]} for {v}"
        for row, values in truth.items()
        for col, v in values.items()
        if got.get((row, col)) not in (None, v)
    ]


@pytest.mark.parametrize("seed", range(40))
def test_a_label_broken_over_two_cells_is_read_or_left_unread(seed: int):
    rng = random.Random(seed)
    long = [code for code, label in _ROWS if len(label) >= 8]
    data, truth, named = _page(rng, set(rng.sample(long, 3)))
    report = parse_bytes(data, "copy.md")
    got = {(c.row, c.col): c.value for c in report.cells if c.section == "requests"}
    wrong = _wrong(report, truth)
    assert not wrong, wrong[:5]
    unread = [code for code, yes in named.items() if yes and got.get((code, "total")) is None]
    assert not unread, (unread, [p for p in report.problems if "requests" in p][:6])


def _pushed_page(style: str, at: int, cut: int, begun: int) -> tuple[bytes, dict]:
    """A copy of the requests table where the end of row `at - 1`'s label (from character
    `cut`) was pushed into the first cell of row `at`, whose own label is begun `begun`
    characters in: | 一、 | 1 | … | then | 本年新收政府信息公开申请数量 | 政府信息公开申请数量 | 36 | ….
    As Markdown bars, tab-separated text, or one cell a line."""
    rng = random.Random(at * 1000 + cut * 10 + begun)
    head = _HEADER.strip("| ").split(" | ")
    lines = ["某市某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"]
    if style == "bars":
        lines += [_HEADER, "|" + "---|" * 8]
    else:
        lines += ["\t".join(head)] if style == "tabs" else head
    truth: dict[str, dict[str, int]] = {}
    for i, (code, label) in enumerate(_ROWS):
        values = [rng.randint(0, 40) for _ in range(6)]
        values.append(sum(values))
        truth[code] = dict(zip((c.code for c in contract.REQUEST_COLUMNS), values, strict=True))
        cells = [label]
        if i == at - 1:
            cells = [label[:cut]]
        elif i == at:
            cells = [_ROWS[at - 1][1][cut:], label[begun:]]
        cells += map(str, values)
        if style == "bars":
            lines.append("| " + " | ".join(cells) + " |")
        elif style == "tabs":
            lines.append("\t".join(cells))
        else:
            lines += cells
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines).encode(), truth


@pytest.mark.parametrize("style", ["bars", "tabs", "cell a line"])
@pytest.mark.parametrize("at", range(1, len(_ROWS)))
def test_a_label_end_pushed_into_the_next_row_is_read_or_left_unread(style: str, at: int):
    """The next row's first cell holds the end of the label above; its own label, begun
    somewhere, stands in the second. Where that end fits two rows' wording (政府信息公开申请数量
    ends both 一、本年新收… and 二、上年结转…), it names neither: no row takes the values of
    the row below it."""
    label, own = _ROWS[at - 1][1], _ROWS[at][1]
    for cut in range(2, len(label) - 1, 2):
        for begun in (0, 2, 4, 6):
            if begun >= len(own) - 2:
                continue
            data, truth = _pushed_page(style, at, cut, begun)
            wrong = _wrong(parse_bytes(data, "copy.md" if style == "bars" else "copy.txt"), truth)
            assert not wrong, (cut, begun, wrong[:5])
