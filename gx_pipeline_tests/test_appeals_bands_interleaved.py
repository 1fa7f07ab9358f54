"""Section 四 in a PDF's text whose header is written a character or two a line over narrow
columns, the lines of its two bands interleaved: 行政复议's five headings stand a half line
off 行政诉讼's ten, so the text gives a 行政复议 line, then a 行政诉讼 line, and so on
(结 结 其 尚 / 结 结 其 尚 结 结 其 尚 / 果 果 他 未 / 总计 果 果 他 未 总 果 果 他 未 总 / …,
行政复议's 总计 a word on a litigation line). Read across, such lines spell no heading, and the
order of the columns is not known. A page of no review and no lawsuit shows fifteen zeros
(the usual case: a real report of 2020, a district audit bureau's, in a flipbook's page text):
every order puts a zero in every cell, and all fifteen are read; a page of cases keeps its
values withheld and flagged, none read out of its place."""

from __future__ import annotations

import random
from html import escape

import pytest

from gx_pipeline.parsing.page import parse_bytes
from gx_pipeline_tests import section_layouts as sl

SEEDS = 16


def _bands_interleaved(rng: random.Random, values: dict, zeros: bool):
    """Section 四's header as the interleaved lines of its two bands (see the module), in the
    national order of the outcome columns or another, a character or two a line, the shorter
    headings at the top, centred or at the bottom, 行政复议's 总计 written down its column or
    as a word on one line; the values one line of fifteen (spaces or `|`): all zeros
    (`zeros`) or the page's own."""
    cols = sl._OUTCOME_COLS
    if rng.random() < 0.5:
        cols = tuple(rng.sample(cols, len(cols)))
    width = rng.choice((1, 2))
    align = rng.choice(("top", "centre", "bottom"))
    heads = [sl._APPEAL_HEADS[sl._OUTCOME_COLS.index(c)] for c in cols]
    total_word = rng.random() < 0.5 and cols[-1] == "total"
    review = sl.across(heads[:-1] if total_word else heads, width, align, rows=4 // width)
    litigation = sl.across(heads * 2, width, align, rows=4 // width)
    lines = []
    for k, (own, other) in enumerate(zip(review, litigation, strict=True)):
        upper = " ".join(own)
        lower = " ".join(other)
        if total_word and k == len(review) // 2:
            lower = "总计 " + lower
        lines += [upper, lower] if rng.random() < 0.8 else [lower, upper]
    captions = ["行政复议 行政诉讼", "未经复议直接起诉 复议后起诉"]
    codes = [code for code, _ in sl._APPEAL_ROWS]
    if zeros:
        truth = {("appeals", code, c): 0 for code in codes for c in sl._OUTCOME_COLS}
    else:
        truth = {k: (v if v is not None else 0) for k, v in values.items()}
    figures = [str(truth[("appeals", code, c)]) for code in codes for c in cols]
    row = " ".join(figures) if rng.random() < 0.5 else " | ".join(figures) + " |"
    drawn = "".join(f'<p class="keep">{escape(x)}</p>' for x in [*captions, *lines, row])
    return drawn, truth


def appeals_bands_interleaved_zeros(rng, values, template):
    """A page of no review and no lawsuit: fifteen zeros under the interleaved header."""
    return _bands_interleaved(rng, values, True)


def appeals_bands_interleaved_cases(rng, values, template):
    """A page of cases (values of their own) under the interleaved header."""
    return _bands_interleaved(rng, values, False)


def test_fifteen_zeros_under_a_header_read_in_no_order_are_read() -> None:
    got = {
        seed: sl.outcome(
            *sl.page(appeals_bands_interleaved_zeros, "appeals", seed, "text"), name="gen.txt"
        )
        for seed in range(SEEDS)
    }
    assert {s: o for s, o in got.items() if o[0] != "right"} == {}


def test_values_of_their_own_under_a_header_read_in_no_order_stay_withheld() -> None:
    got = {
        seed: sl.outcome(
            *sl.page(appeals_bands_interleaved_cases, "appeals", seed, "text"), name="gen.txt"
        )
        for seed in range(SEEDS)
    }
    assert {s: o for s, o in got.items() if o[0].startswith("wrong")} == {}


@pytest.mark.parametrize("figures", ["0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", " | ".join("0" * 15)])
def test_the_real_flipbook_page_of_fifteen_zeros_is_read(figures: str) -> None:
    """The page's text as the real report's flipbook gives it (its header's lines as they
    stand there), its values apart by spaces or by `|`."""
    text = (
        "2020年报_审计局\n四、结转下年度继续办理 0 0 0 0 0 0 0\n"
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n未经复议直接起诉 复议后起诉\n"
        "结 结 其 尚\n结 结 其 尚 结 结 其 尚\n果 果 他 未\n总计 果 果 他 未 总 果 果 他 未 总\n"
        "维 纠 结 审\n维 纠 结 审 计 维 纠 结 审 计\n持 正 果 结\n持 正 果 结 持 正 果 结\n"
        f"{figures}\n五、存在的主要问题及改进情况\n无。\n"
    )
    report = parse_bytes(text.encode("utf-8"), "gen.txt")
    appeals = {(c.row, c.col): c.value for c in report.cells if c.section == "appeals"}
    assert len(appeals) == 15
    assert set(appeals.values()) == {0}
