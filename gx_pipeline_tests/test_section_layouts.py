"""Sections 二 and 四 drawn in layouts beside the national grid (section_layouts' families),
each on an otherwise clean generated page, as an HTML page and as a text copy: no number is
read into a place it does not stand in, flagged or not, and no cell is left out unflagged;
the layouts whose every cell is named by its headings are read whole."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline.pagegen.layout import Para
from gx_pipeline.parsing.page import parse_bytes
from gx_pipeline.trust import assess
from gx_pipeline_tests import section_layouts as sl
from gx_pipeline_tests import test_generated_hazards as gh

#: seeds a family and form: 24 variants a family over its two forms
SEEDS = 12
#: section 四 in another order than the template's, named or not (the order families)
FAMILIES = (
    [("proactive", f) for f in sl.PROACTIVE]
    + [("appeals", f) for f in sl.APPEALS]
    + [("appeals", f) for f in sl.ORDER_FAMILIES]
)
#: layouts in which every cell stands under headings that name it: read whole
READ_WHOLE = {
    sl.proactive_transposed,
    sl.proactive_blocks_reordered,
    sl.proactive_amount_units,
    sl.proactive_other_format,
    sl.appeals_transposed,
    sl.appeals_extra_total,
    sl.appeals_two_tables_named,
    sl.proactive_sentence_cells,
    sl.proactive_columns_reordered,
    sl.proactive_on_side_beside,
    sl.appeals_swapped_named,
    sl.appeals_outcomes_reordered,
}


def _outcomes(section: str, family: sl.Family, form: str) -> dict[int, tuple[str, list[str]]]:
    name = "gen.html" if form == "html" else "gen.txt"
    return {
        seed: sl.outcome(*sl.page(family, section, seed, form), name=name) for seed in range(SEEDS)
    }


@pytest.mark.parametrize("form", ["html", "text"])
@pytest.mark.parametrize(("section", "family"), FAMILIES, ids=[f.__name__ for _, f in FAMILIES])
def test_no_number_out_of_place(section: str, family: sl.Family, form: str) -> None:
    got = _outcomes(section, family, form)
    bad = {
        s: o
        for s, o in got.items()
        if o[0] in ("wrong-flagged", "wrong-unflagged", "withheld-unflagged")
    }
    assert not bad
    if family in READ_WHOLE:
        assert {o for o, _ in got.values()} == {"right"}


def test_turned_block_reads_its_unit() -> None:
    """A 2021 fee block on its side whose heading states 元: the amount is read in 万元."""
    html = sl.table(
        sl.tr(sl.td("第二十条第（八）项", colspan=2)),
        sl.tr(sl.td("信息内容"), sl.td("行政事业性收费")),
        sl.tr(sl.td("本年收费金额（单位：元）"), sl.td("34339")),
    )
    data, _ = sl.page(sl.proactive_transposed, "proactive", 0, "html")
    text = data.decode("utf-8")
    start = text.index("<table", text.index(sl._HEADINGS["proactive"]))
    end = text.index("</table>", start) + len("</table>")
    report = parse_bytes((text[:start] + html + text[end:]).encode("utf-8"), "gen.html")
    assert report.template == "2021"
    fees = {(c.row, c.col): c.value for c in report.cells if c.section == "proactive"}
    assert fees[("fees", "amount")] == pytest.approx(3.4339)
    assert assess(report).status == "needs_review"  # the other blocks are not on the page


@pytest.mark.parametrize("form", ["html", "text"])
def test_turned_blocks_read_clean(form: str) -> None:
    """A block on its side read by its headings is read with certainty: the report stays
    clean, its format told by the measures' headings together (上一年项目数量 / 本年增/减 /
    处理决定数量 is 2019, though 处理决定数量 alone on its line would say 2021)."""
    name = "gen.html" if form == "html" else "gen.txt"
    for seed in range(SEEDS):
        data, _ = sl.page(sl.proactive_transposed, "proactive", seed, form)
        report = parse_bytes(data, name)
        assert assess(report).reasons == (), seed


@pytest.mark.parametrize(
    "family",
    [*sl.ORDER_FAMILIES, sl.appeals_extra_total],
    ids=lambda f: f.__name__,
)
def test_appeals_headings_written_together_tell_the_order(family: sl.Family) -> None:
    """Section 四's headings written together in a text copy (no space left between cells)
    name the columns in their order: a header that names every kind and outcome is read
    whole, in the order it draws; one that does not is withheld, flagged (as is one with a
    合计 of the agency's written into its words)."""
    got = {
        seed: sl.outcome(sl.glued_headings(data), truth, name="gen.txt")
        for seed in range(SEEDS)
        for data, truth in [sl.page(family, "appeals", seed, "text")]
    }
    assert {o for o, _ in got.values()} <= {"right", "withheld-flagged"}
    if family in READ_WHOLE and family in sl.ORDER_FAMILIES:
        assert {o for o, _ in got.values()} == {"right"}


#: section 四 headed in other words, misread, or with 行政诉讼 as two tables (20 a form)
NEW_SEEDS = 10
#: of those, the layouts whose every column the page names (in its headings or its text)
NAMED = {sl.appeals_outcome_wordings, sl.appeals_litigation_tables}


@pytest.mark.parametrize("form", ["html", "text"])
@pytest.mark.parametrize("family", sl.NEW_FAMILIES, ids=lambda f: f.__name__)
def test_appeals_headings_worded_misread_or_split(family: sl.Family, form: str) -> None:
    """Outcome headings worded otherwise (维持, 未审结, 合计, 維持, 维　持, a band 审结 over
    three), misread (乡正, 维特, 尚末审结, a heading cut to its first character) or the two
    kinds of 行政诉讼 drawn as tables of their own: no number is read into a place the page
    does not tell, flagged or not; where the page names every column it is read whole."""
    name = "gen.html" if form == "html" else "gen.txt"
    got = {
        seed: sl.outcome(*sl.page(family, "appeals", seed, form), name=name)
        for seed in range(NEW_SEEDS)
    }
    assert {s: o for s, o in got.items() if o[0] not in ("right", "withheld-flagged")} == {}
    if family in NAMED:
        assert {s: o for s, o in got.items() if o[0] != "right"} == {}


@pytest.mark.parametrize("family", sl.NEW_FAMILIES, ids=lambda f: f.__name__)
def test_appeals_headings_worded_otherwise_written_together(family: sl.Family) -> None:
    """The families above in a text copy that keeps no space between the header's cells
    (維持結果糾正其他结果尚未审结合　计 one word): the headings the word is made of, in other
    words too, name the columns in its order; no number is read out of its place."""
    got = {
        seed: sl.outcome(sl.glued_headings(data), truth, name="gen.txt")
        for seed in range(NEW_SEEDS)
        for data, truth in [sl.page(family, "appeals", seed, "text")]
    }
    assert {s: o for s, o in got.items() if o[0] not in ("right", "withheld-flagged")} == {}
    if family in NAMED:
        assert {s: o for s, o in got.items() if o[0] != "right"} == {}


#: headers written a character or two a line over narrow columns (20 pages a family)
ACROSS_SEEDS = 20


@pytest.mark.parametrize("family", sl.ACROSS_FAMILIES, ids=lambda f: f.__name__)
def test_appeals_headings_written_down_their_columns_are_read_across(family: sl.Family) -> None:
    """Section 四's outcome headings written down their narrow columns, given as lines across
    the columns (结 结 其 尚 总 / 果 果 他 未 计 / …, 总计 ending early, centred or at the
    bottom; 行政复议's a line above the litigation groups'): read across, they tell the
    columns' order, the template's or another; a character misread spells no heading, and no
    value is read in an order the header does not tell."""
    got = {
        seed: sl.outcome(*sl.page(family, "appeals", seed, "text"), name="gen.txt")
        for seed in range(ACROSS_SEEDS)
    }
    assert {s: o for s, o in got.items() if o[0] not in ("right", "withheld-flagged")} == {}
    if family in (sl.appeals_across, sl.appeals_across_reordered, sl.appeals_across_total_worded):
        assert {s: o for s, o in got.items() if o[0] != "right"} == {}
    if family is sl.appeals_across_misread:
        assert {o for o, _ in got.values()} == {"withheld-flagged"}


@pytest.mark.parametrize("run_together", [False, True])
@pytest.mark.parametrize(
    ("reordered", "misread"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_applicant_headings_written_down_their_columns_are_read_across(
    reordered: bool, misread: bool, run_together: bool
) -> None:
    """Section 三's five headings under 法人或其他组织 written one to three characters a line
    (商业企 科研机 社会公 法律服 其他 / 业 构 益组织 务机构), or those lines run into one with
    each column's characters interleaved (自然人 商企业业 科机构研 …): read across, or by
    their characters, in the template's order or another; with a character misread, the
    columns are withheld, flagged, and not read in the template's order."""
    got = {
        seed: sl.outcome(
            *sl.requests_across(seed, reordered, misread, run_together), name="gen.txt"
        )
        for seed in range(ACROSS_SEEDS // 2)
    }
    want = "withheld-flagged" if misread else "right"
    assert {s: o for s, o in got.items() if o[0] != want} == {}


#: a line of section 四's text that is an outcome heading's other wording by itself: a list's
#: last item (（三）其他, 3.其他) or a word alone, before the section's table
_STRAY_WORDS = ("（三）其他", "3.其他", "其他", "其它", "维持")


@pytest.mark.parametrize("rendering", ["trs", "word", "pipe", "celllines", "md-blank"])
def test_an_outcome_word_in_the_sections_text_is_no_heading(rendering: str) -> None:
    """Section 四's text holding a line that words an outcome heading otherwise (其他, 维持)
    before its table: the word names no column (it stands among no headings: nothing is read
    of the header yet), and the table, in the national form, is read whole."""
    for k in range(10):
        rng = random.Random(f"stray-outcome-word:{rendering}:{k}")
        doc, values = gh._document(rng, *gh.FORMATS[k % len(gh.FORMATS)])
        word = _STRAY_WORDS[k % len(_STRAY_WORDS)]
        blocks = list(doc.blocks)
        at = next(
            i
            for i, b in enumerate(blocks)
            if isinstance(b, Para) and b.kind == "heading" and "行政复议" in b.text
        )
        blocks[at + 1 : at + 1] = [Para("本年度行政复议、行政诉讼情况如下："), Para(word)]
        doc = replace(doc, blocks=tuple(blocks))
        got = gh._read(doc, rendering, rng)
        wrong = {
            key: v for key, v in gh._differences(got, doc, values).items() if key[0] == "appeals"
        }
        assert wrong == {}, (k, word, [p for p in got.problems if p.startswith("appeals")])


@pytest.mark.parametrize("beside", ["applicants", "number", "both"])
@pytest.mark.parametrize("misread", [False, True])
def test_other_columns_written_down_beside_the_group_are_read_across(
    beside: str, misread: bool
) -> None:
    """The lines of a header written a piece a line hold other columns' pieces beside the five
    under 法人或其他组织: 自然人 and 总计 written down their columns too (the line over the five
    then 法人或其他组织 alone), a 序号 column before them, or both. The five are read across
    as where they stand alone, 自然人 and 总计 named where their pieces stand; with a
    character misread the columns are withheld, flagged. Before, such a header named no
    column, or the five not at all, and the values were read in the template's order: wrong,
    and unflagged where the header named none of the seven."""
    got = {
        seed: sl.outcome(
            *sl.requests_across(seed, seed % 2 == 0, misread, beside=beside), name="gen.txt"
        )
        for seed in range(ACROSS_SEEDS // 2)
    }
    want = "withheld-flagged" if misread else "right"
    assert {s: o for s, o in got.items() if o[0] != want} == {}


@pytest.mark.parametrize("form", ["html", "text"])
def test_appeals_headings_relabelled_over_the_templates_order_read_only_what_both_read(
    form: str,
) -> None:
    """Outcome headings in another order, 总计 not last, over values in the template's order or
    the headings' with 总计 last: the sums put 总计 last, and nothing tells which order the
    other four follow. A
    value is read where both orders read the same (zeros, one number twice) and the totals
    are read; the rest is withheld, flagged, never read in the template's order."""
    name = "gen.html" if form == "html" else "gen.txt"
    for seed in range(SEEDS):
        data, truth = sl.page(sl.appeals_outcomes_relabelled, "appeals", seed, form)
        report = parse_bytes(data, name)
        got = {(c.section, c.row, c.col): c.value for c in report.cells}
        assert {
            k: v for k, v in got.items() if k in truth and v != truth[k] and v is not None
        } == {}
        if any(got.get(k) is None for k, v in truth.items() if v is not None):
            assert "column_order_guessed" in report.flags, report.problems
        for (section, row, col), value in truth.items():
            if col == "total" and value is not None:
                assert got.get((section, row, col)) == value, (row, report.problems)
