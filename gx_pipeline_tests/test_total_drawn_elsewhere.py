"""A requests header that puts 总计 first (总计 | 自然人 | 商业企业 …) over a table that draws it
elsewhere (after 自然人, or among the group's columns). The sums rule out both the header's
order and the template's; where they do, a value that both orders read the same is no more
certain than any other (a column of zeros under one heading, of numbers under the other), and
none is read wrong, flagged or not."""

from __future__ import annotations

import random

import pytest

from gx_pipeline_tests.test_header_read_down import _CODE, _GROUP, _ROWS, _judge


def _page(rng: random.Random) -> tuple[bytes, dict[str, dict[str, int]]]:
    """A markdown table whose header puts 总计 first and whose values put it at another place
    than first or last, many of them 0; and its truth."""
    group = list(_GROUP)
    drawn = ["自然人", *group]
    drawn.insert(rng.randint(1, 5), "总计")
    zeros = rng.choice([0.0, 0.5, 0.8, 0.9])
    lines = [
        "某市某局2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "| 申请人情况 | 总计 | 自然人 | " + " | ".join(group) + " |",
        "|" + "---|" * 8,
    ]
    truth: dict[str, dict[str, int]] = {}
    for code, label in _ROWS:
        values = {
            h: 0 if rng.random() < zeros else rng.randint(1, 40) for h in drawn if h != "总计"
        }
        values["总计"] = sum(values.values())
        truth[code] = {_CODE[h]: v for h, v in values.items()}
        lines.append("| " + " | ".join([label, *(str(values[h]) for h in drawn)]) + " |")
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines).encode(), truth


@pytest.mark.parametrize("seed", range(24))
def test_a_total_drawn_neither_where_the_header_nor_the_template_puts_it_reads_nothing_wrong(
    seed: int,
):
    data, truth = _page(random.Random(seed))
    _, _, wrong = _judge(data, truth)
    assert not wrong, wrong[:5]
