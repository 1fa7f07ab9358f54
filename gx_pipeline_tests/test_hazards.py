"""The parser on small hand-written pages, one (or a few) per hazard of docs/HAZARDS.md.

Every page in fixtures/hazards/ looks like a real agency page (chrome, title, intro, headings,
tables, sign-off) and carries one hazard; the test named for the behaviour asserts the exact
values of the cells concerned, the template and metadata where relevant, and the `problems`
line a guess must leave behind.

Most pages share one set of report numbers, written out below as the page shows them, so a
value that lands in the wrong row or column shows up as a difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gx_pipeline import contract
from gx_pipeline.parsing import parse_bytes, parse_file
from gx_pipeline.report import Report

HAZARDS = Path(__file__).parent / "fixtures" / "hazards"

# --- the numbers most fixture pages show ---------------------------------------------------------

PRO19: dict[str, list] = {
    "rules": [0, 0, 3],
    "normative_docs": [5, 5, 119],
    "licensing": [12, -3, 358],
    "other_services": [4, 0, 27],
    "penalty": [6, 1, 74],
    "coercion": [2, 0, 5],
    "fees": [3, -1],
    "procurement": [6, 422],
}
PRO21: dict[str, list] = {
    "rules": [1, 0, 4],
    "normative_docs": [7, 2, 63],
    "licensing": [358],
    "penalty": [74],
    "coercion": [5],
    "fees": [12.35],
}
_Z = [0] * 7
REQ19: dict[str, list] = {
    "new_received": [12, 3, 0, 0, 1, 0, 16],
    "carried_over": [1, 0, 0, 0, 0, 0, 1],
    "granted": [6, 2, 0, 0, 1, 0, 9],
    "partially_granted": [1, 0, 0, 0, 0, 0, 1],
    "withheld.state_secret": _Z,
    "withheld.prohibited_by_law": _Z,
    "withheld.security_stability": _Z,
    "withheld.third_party": [1, 0, 0, 0, 0, 0, 1],
    "withheld.internal_affairs": _Z,
    "withheld.process_info": _Z,
    "withheld.enforcement_file": _Z,
    "withheld.admin_query": _Z,
    "unavailable.not_held": [3, 0, 0, 0, 0, 0, 3],
    "unavailable.needs_creation": _Z,
    "unavailable.unclear": _Z,
    "not_processed.petition": [1, 0, 0, 0, 0, 0, 1],
    "not_processed.duplicate": _Z,
    "not_processed.publication": _Z,
    "not_processed.excessive": _Z,
    "not_processed.confirmation": _Z,
    "other": _Z,
    "results_total": [12, 2, 0, 0, 1, 0, 15],
    "carried_forward": [1, 1, 0, 0, 0, 0, 2],
}
REQ21: dict[str, list] = {k: v for k, v in REQ19.items() if k != "other"}
REQ21.update(
    {
        "granted": [5, 2, 0, 0, 1, 0, 8],
        "other.no_correction": [1, 0, 0, 0, 0, 0, 1],
        "other.fee_unpaid": _Z,
        "other.other": _Z,
    }
)
APP: dict[str, list] = {
    "review": [1, 0, 0, 1, 2],
    "litigation_direct": [0, 1, 0, 0, 1],
    "litigation_after_review": [0, 0, 0, 0, 0],
}


# --- helpers --------------------------------------------------------------------------------------


def parse(name: str) -> Report:
    return parse_file(HAZARDS / name)


def values(report: Report, section: str | None = None) -> dict[tuple, object]:
    return {
        (c.section, c.row, c.col): c.value
        for c in report.cells
        if section is None or c.section == section
    }


def cell(report: Report, section: str, row: str, col: str):
    found = [c for c in report.cells if (c.section, c.row, c.col) == (section, row, col)]
    assert len(found) == 1, f"{section}.{row}.{col} emitted {len(found)} times"
    return found[0]


def columns(template: str, section: str, row: str) -> list[str]:
    if section == "appeals":
        return [c.code for c in contract.APPEAL_COLUMNS]
    if section == "requests":
        return [c.code for c in contract.REQUEST_COLUMNS]
    (r,) = [r for r in contract.rows(template, section) if r.code == row]
    return [c.code for c in r.columns]


def expect_rows(report: Report, section: str, rows: dict[str, list], template: str | None = None):
    """Every (row, column) of `rows` has exactly that value (None included)."""
    got = values(report, section)
    want = {
        (section, row, col): v
        for row, vs in rows.items()
        for col, v in zip(columns(template or report.template, section, row), vs, strict=True)
    }
    wrong = {k: (v, got.get(k, "MISSING")) for k, v in want.items() if got.get(k, "MISSING") != v}
    assert not wrong, f"(expected, got): {wrong}"
    # an int stays an int and a None stays a None: 0 and null are different
    for k, v in want.items():
        assert type(got[k]) is type(v), (k, v, got[k])


def expect_report(report: Report, template: str, pro=None, req=None, app=APP):
    assert report.template == template
    expect_rows(report, "proactive", pro or (PRO19 if template == "2019" else PRO21))
    expect_rows(report, "requests", req or (REQ19 if template == "2019" else REQ21))
    expect_rows(report, "appeals", app)
    assert report.complete == {"proactive": True, "requests": True, "appeals": True}


def problem(report: Report, prefix: str, *words: str) -> str:
    """The problems line that starts with `prefix` and contains every word; fails if none."""
    for p in report.problems:
        if p.startswith(prefix) and all(w in p for w in words):
            return p
    raise AssertionError(f"no problem {prefix!r} with {words}; problems: {list(report.problems)}")


def no_problem(report: Report, *words: str) -> None:
    hits = [p for p in report.problems if all(w in p for w in words)]
    assert not hits, hits


def meta(report: Report, agency: str, year: int, published: str) -> None:
    assert (report.agency, report.year, report.published) == (agency, year, published)


# --- structure ---------------------------------------------------------------------------------------


def test_2019_headings_in_a_2021_report_give_template_2019():
    got = parse("template_2019_headings_in_2021_report.html")
    meta(got, "漯河市源汇区市场监督管理局", 2021, "2022-01-20")
    expect_report(got, "2019")
    assert values(got)[("proactive", "other_services", "decisions")] == 27
    assert values(got)[("requests", "other", "natural_person")] == 0
    assert not any(c.row.startswith("other.") for c in got.cells)
    no_problem(got, "meta.template")


def test_2019_headings_in_a_2023_text_copy_give_template_2019():
    got = parse("template_2019_headings_in_2023_report.txt")
    meta(got, "临潼区农业农村局", 2023, "2024-01-26")
    assert got.template == "2019"
    expect_rows(
        got,
        "proactive",
        {
            "normative_docs": [2, 2, 31],
            "licensing": [17, 2, 213],
            "other_services": [0, 0, 0],
            "penalty": [9, 0, 41],
            "fees": [0, 0],
            "procurement": [3, 57.6],
        },
    )
    expect_rows(
        got,
        "requests",
        {
            "new_received": [4, 1, 0, 0, 0, 0, 5],
            "granted": [3, 1, 0, 0, 0, 0, 4],
            "unavailable.not_held": [1, 0, 0, 0, 0, 0, 1],
            "other": _Z,
            "results_total": [4, 1, 0, 0, 0, 0, 5],
        },
    )
    expect_rows(got, "appeals", {k: [0] * 5 for k in APP})


def test_format_taken_from_the_year_only_when_no_heading_tells_and_it_is_said():
    got = parse("template_from_year_only.html")
    meta(got, "汝州市统计局", 2022, "2023-01-31")
    assert got.template == "2021"
    problem(got, "meta.template:", "year")
    expect_rows(
        got,
        "appeals",
        {
            "review": [0, 0, 0, 0, 0],
            "litigation_direct": [2, 1, 0, 0, 3],
            "litigation_after_review": [0, 0, 0, 1, 1],
        },
    )
    assert got.complete["appeals"] and not got.complete["requests"]
    problem(got, "requests:", "not on the page")


def test_values_follow_their_order_when_header_and_data_colspans_disagree():
    got = parse("header_data_colspans_disagree.html")
    meta(got, "许昌市建安区水利局", 2020, "2021-01-29")
    expect_report(got, "2019")


def test_rows_align_on_labels_when_every_rowspan_and_colspan_was_dropped():
    got = parse("no_rowspan_colspan.html")
    meta(got, "信阳市平桥区明港镇人民政府", 2021, "2022-01-25")
    expect_report(got, "2021")


def test_row_without_label_is_placed_by_position_and_flagged():
    got = parse("missing_row_label.html")
    req = dict(
        REQ19, **{"withheld.process_info": [2, 0, 0, 0, 0, 0, 2], "granted": [4, 2, 0, 0, 1, 0, 7]}
    )
    expect_report(got, "2019", req=req)
    problem(got, "requests.withheld.process_info:", "position")


def test_title_rows_and_kouji_corner_inside_tables_are_not_values():
    got = parse("extra_rows_inside_table.html")
    meta(got, "郑州市金水区文化广电和旅游局", 2022, "2023-01-16")
    expect_report(got, "2021")


def test_narrative_between_heading_and_table_is_not_read_as_cells():
    got = parse("narrative_repeats_figures.html")
    meta(got, "洛阳市西工区住房和城乡建设局", 2021, "2022-01-27")
    expect_report(got, "2021")
    # a narrative paragraph is neither a row nor a row label
    no_problem(got, "予以公开8件")
    no_problem(got, "1024")


def test_one_table_split_over_several_table_elements_reads_as_one():
    got = parse("table_split_over_several_tables.html")
    meta(got, "新乡市卫辉市教育局", 2022, "2023-01-30")
    expect_report(got, "2021")


def test_three_sections_in_one_table_are_told_apart():
    got = parse("several_sections_in_one_table.html")
    meta(got, "平顶山市卫东区民政局", 2021, "2022-01-24")
    expect_report(got, "2021")


def test_heading_variants_and_a_lost_numeral_still_open_their_sections():
    got = parse("heading_variants_lost_numerals.html")
    meta(got, "开封市祥符区交通运输局", 2020, "2021-01-26")
    expect_report(got, "2019")


def test_table_with_labels_and_no_numbers_gives_nulls_not_zeros():
    got = parse("labels_without_numbers.html")
    expect_rows(got, "requests", {row: [None] * 7 for row in REQ19})
    expect_rows(got, "proactive", PRO19)
    problem(got, "requests:", "blank")


def test_page_ending_mid_table_emits_the_cells_there_and_says_what_is_incomplete():
    got = parse("document_ends_mid_table.html")
    meta(got, "商丘市睢阳区审计局", 2021, "2022-01-21")
    assert got.template == "2021"
    expect_rows(got, "proactive", PRO21)
    before = {
        k: v
        for k, v in REQ21.items()
        if list(REQ21).index(k) < list(REQ21).index("unavailable.unclear")
    }
    expect_rows(got, "requests", before)
    # the row the page stops in: the four whole cells before the cut; the cut-off fifth cell
    # ('0' of what may have been '05') is not read and nothing is invented after it
    cut_row = {c.col: c.value for c in got.cells if c.row == "unavailable.unclear"}
    assert cut_row == {"natural_person": 0, "enterprise": 0, "research": 0, "nonprofit": 0}
    problem(got, "requests.unavailable.unclear:", "ends inside")
    assert not any(c.row in ("results_total", "carried_forward") for c in got.cells)
    assert not any(c.section == "appeals" for c in got.cells)
    assert got.complete == {"proactive": True, "requests": False, "appeals": False}
    problem(got, "requests", "incomplete")
    problem(got, "appeals:", "not on the page")


@pytest.mark.parametrize(
    "name, agency, year, reason",
    [
        ("no_tables_images.html", "三门峡市陕州区发展和改革委员会", 2020, "images"),
        ("no_tables_attachment.html", "南阳市卧龙区财政局", 2021, "attachment"),
        ("no_tables_prose_summary.html", None, 2022, "prose"),
    ],
    ids=["images", "attachment", "prose"],
)
def test_page_without_tables_is_accounted_for_with_its_reason(name, agency, year, reason):
    got = parse(name)
    assert got.cells == ()
    assert got.year == year
    if agency:
        assert got.agency == agency
    line = problem(got, "page: no tables")
    assert reason in line, line
    others = {"images", "attachment", "prose"} - {reason}
    assert not any(o in line for o in others), line


# --- labels ------------------------------------------------------------------------------------------


def test_label_typos_and_near_variants_match_and_every_fuzzy_match_is_said():
    got = parse("label_typos_and_near_variants.html")
    meta(got, "焦作市山阳区应急管理局", 2021, "2022-01-26")
    pro = dict(PRO21, rules=[2, 1, 9], normative_docs=[3, 0, 17])
    req = dict(
        REQ21,
        **{"withheld.internal_affairs": [1, 0, 0, 0, 0, 0, 1], "granted": [4, 2, 0, 0, 1, 0, 7]},
    )
    expect_report(got, "2021", pro=pro, req=req)
    problem(got, "requests.withheld.internal_affairs:", "三类内容事务信息")
    problem(got, "requests.partially_granted:", "只计这一情况")


def test_header_variants_of_the_2021_format_are_recognised():
    got = parse("header_variants_2021.html")
    meta(got, "安阳市文峰区人力资源和社会保障局", 2023, "2024-01-19")
    pro = dict(PRO21, rules=[0, 1, 6], normative_docs=[4, 3, 52])
    expect_report(got, "2021", pro=pro)


def test_truncated_and_broken_2019_headers_are_recognised():
    got = parse("header_variants_2019_truncated.html")
    meta(got, "濮阳市华龙区城市管理局", 2020, "2021-01-27")
    pro = dict(PRO19, rules=[1, 1, 2], normative_docs=[8, 6, 97])
    expect_report(got, "2019", pro=pro)


def test_short_header_xianxing_youxiao_jian_in_a_text_copy():
    got = parse("header_variant_current_valid_short.txt")
    meta(got, "温县住房和城乡建设局", 2022, "2023-01-29")
    assert got.template == "2021"
    expect_rows(
        got,
        "proactive",
        {
            "rules": [0, 0, 0],
            "normative_docs": [3, 1, 26],
            "licensing": [1234],
            "penalty": [56],
            "coercion": [0],
            "fees": [0],
        },
    )
    assert got.complete["proactive"]


def test_full_width_digits_and_punctuation_are_normalised_nfkc():
    got = parse("nfkc_fullwidth.html")
    meta(got, "新密市档案馆", 2020, "2021-01-25")
    expect_report(got, "2019", pro=dict(PRO19, procurement=[2, 36]))
    assert cell(got, "requests", "new_received", "total").raw == "１６"


def test_bare_procurement_amount_under_a_header_stating_wanyuan_is_not_flagged():
    # 采购总金额（万元）: the header states the unit, so the bare ３６ is 万元 as written
    got = parse("nfkc_fullwidth.html")
    assert cell(got, "proactive", "procurement", "amount").value == 36
    no_problem(got, "proactive.procurement.amount", "bare")


# --- values ------------------------------------------------------------------------------------------


def test_a_footnote_mark_after_a_number_is_no_part_of_it():
    # 358<sup>1</sup>, 12<sup><span>2</span></sup> and 3③, explained in a note under the table
    got = parse("footnote_marks.html")
    meta(got, "开封市祥符区农业农村局", 2020, "2021-01-27")
    expect_report(got, "2019")
    problem(got, "proactive.licensing.decisions", "footnote mark")
    problem(got, "requests.new_received.natural_person", "footnote mark")
    problem(got, "requests.unavailable.not_held.total", "footnote mark")


def test_a_row_a_cell_short_under_a_value_merged_down_gives_no_values():
    # 商业企业's 3 of 一、本年新收 merged down over 二、上年结转 (1 3 0 0 0 0 4): the copy writes
    # that row a cell short, the covered position among the fillers (| 1 | 0 | 0 | 0 | 0 | 4 | |||);
    # read in order, 4 stood under 其他 and 0 under 商业企业
    got = parse("values_merged_down_copy.txt")
    meta(got, "安乡县人民政府", 2020, "2021-02-20")
    assert not [c for c in got.cells if c.row == "carried_over" and c.value is not None]
    problem(got, "requests.carried_over", "a cell short")
    assert "cells_unplaced" in got.flags
    req = {k: v for k, v in REQ19.items() if k != "carried_over"}
    expect_rows(got, "requests", req)


def test_blank_total_column_on_detail_rows_stays_null_and_zero_stays_zero():
    got = parse("blank_vs_zero.html")
    filled = ("new_received", "carried_over", "results_total", "carried_forward")
    req = {}
    for row, vs in REQ19.items():
        if row == "results_total":
            req[row] = list(vs)
        else:
            detail = [None if v == 0 else v for v in vs[:6]]
            req[row] = detail + [vs[6] if row in filled else None]
    expect_report(got, "2019", req=req)
    assert cell(got, "requests", "results_total", "research").value == 0


def test_dash_slash_wu_kong_mean_empty():
    got = parse("null_markers.html")
    meta(got, "登封市林业局", 2021, "2022-01-24")
    req = dict(
        REQ19,
        **{
            "withheld.state_secret": [None] * 7,
            "withheld.prohibited_by_law": [None] * 7,
            "unavailable.unclear": [None] * 6 + [0],
        },
    )
    expect_report(got, "2019", req=req, pro=dict(PRO19, rules=[None] * 3, procurement=[None, None]))
    raws = [
        cell(got, "requests", "withheld.state_secret", c).raw
        for c in columns("2019", "requests", "x")
    ]
    assert raws == ["—", "-", "/", "无", "空", "——", "－"]
    no_problem(got, "cannot read")


def test_full_width_digits_separators_and_spaces_read_as_numbers():
    got = parse("number_formats.html")
    pro = dict(PRO19, licensing=[12, -3, 1234], penalty=[6, 1, 2345], coercion=[2, 0, 5])
    expect_report(got, "2019", pro=pro)
    assert cell(got, "proactive", "licensing", "decisions").raw == "1,234"
    no_problem(got, "cannot read")


def test_negative_change_is_kept():
    got = parse("negative_change.html")
    pro = dict(PRO19, licensing=[652, -417, 1873], other_services=[38, -12, 96], fees=[5, -5])
    expect_report(got, "2019", pro=pro)
    no_problem(got, "negative")


@pytest.mark.parametrize(
    "name, template, row, raw, value",
    [
        ("amount_unit_yuan.html", "2019", "procurement", "251000元", 25.1),
        ("amount_unit_yi.html", "2019", "procurement", "4.22亿元", 42200),
        ("amount_unit_yuan_thousands.html", "2019", "procurement", "4,220,000元", 422),
        ("amount_unit_wan_2021.html", "2021", "fees", "4.22万", 4.22),
    ],
    ids=["yuan", "yi", "yuan-thousands", "wan"],
)
def test_amount_with_a_unit_in_its_cell_is_normalised_to_wanyuan(name, template, row, raw, value):
    got = parse(name)
    assert got.template == template
    amount = cell(got, "proactive", row, "amount")
    assert (amount.value, amount.raw) == (value, raw)
    assert type(amount.value) is type(value)
    no_problem(got, f"proactive.{row}.amount")
    others = {k: v for k, v in (PRO19 if template == "2019" else PRO21).items() if k != row}
    expect_rows(got, "proactive", others)


def test_bare_number_in_the_2019_procurement_amount_is_taken_as_written_and_flagged():
    got = parse("bare_procurement_amount.html")
    meta(got, "会昌县中村乡人民政府", 2020, "2021-01-15")
    expect_report(got, "2019", pro=dict(PRO19, procurement=[1, 8040]))
    problem(got, "proactive.procurement.amount:", "8040")


def test_decimals_in_the_2021_fee_column_are_wanyuan_without_a_flag():
    got = parse("fee_decimals_2021.html")
    meta(got, "长葛市不动产登记中心", 2022, "2023-01-17")
    expect_report(got, "2021", pro=dict(PRO21, fees=[136.57]))
    no_problem(got, "proactive.fees.amount")


# --- the page around the report ----------------------------------------------------------------------


def test_page_chrome_metadata_grid_and_related_links_are_not_the_report():
    got = parse("page_chrome_before_and_after.html")
    meta(got, "郑州市二七区卫生健康委员会", 2020, "2021-01-29")
    expect_report(got, "2019", pro=dict(PRO19, licensing=[21, 3, 1402]))
    no_problem(got, "meta.")


def test_year_comes_from_the_title_not_from_intro_dates_with_dropped_digits():
    got = parse("year_from_title_not_intro_dates.html")
    meta(got, "驻马店市泌阳县自然资源局", 2020, "2021-01-28")
    expect_report(got, "2019")
    no_problem(got, "meta.year")


def test_year_taken_from_the_publication_date_when_nothing_states_it_is_flagged():
    got = parse("year_from_publication_date.html")
    meta(got, "宝丰县审计局", 2021, "2022-01-24")
    expect_report(got, "2021")
    problem(got, "meta.year:", "2022-01-24")


@pytest.mark.parametrize(
    "name, agency, codec",
    [
        ("encoding_gbk_meta_utf8.html", "舞钢市发展和改革委员会", "gbk"),
        ("encoding_gb2312_no_meta.html", "鲁山县财政局", "gb2312"),
        ("encoding_gb18030_meta_gbk.html", "汝阳县教育体育局", "gb18030"),
        ("encoding_utf8_meta_gb2312.html", "栾川县民政局", "utf-8"),
    ],
    ids=["gbk-says-utf8", "gb2312-no-meta", "gb18030-says-gbk", "utf8-says-gb2312"],
)
def test_page_in_any_chinese_encoding_with_a_wrong_or_missing_meta_charset(name, agency, codec):
    data = (HAZARDS / name).read_bytes()
    data.decode(codec)  # the fixture really is in that encoding
    if codec != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    got = parse_bytes(data, name)
    meta(got, agency, 2020, "2021-01-22")
    expect_report(got, "2019", pro=dict(PRO19, normative_docs=[9, 9, 147]))


def test_gb18030_only_characters_survive_decoding():
    data = (HAZARDS / "encoding_gb18030_meta_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")
    got = parse_bytes(data, "gb18030.html")
    assert not any("undecodable" in p for p in got.problems)


def test_word_exported_html_reads_like_any_page():
    got = parse("word_exported_html.html")
    meta(got, "汝州市交通运输局", 2021, "2022-01-19")
    expect_report(got, "2021", pro=dict(PRO21, licensing=[2031]))


def test_cms_editor_wrappers_around_the_body_are_transparent():
    got = parse("cms_editor_wrappers.html")
    meta(got, "嵩县人民政府办公室", 2022, "2023-01-30")
    expect_report(got, "2021", pro=dict(PRO21, penalty=[812]))


def test_flipbook_text_with_vertical_headers_and_one_line_rows():
    got = parse("flipbook_text.txt")
    meta(got, "郑州市管城回族区城市管理局", 2021, "2022-01-26")
    req = {
        "new_received": [9, 2, 0, 0, 1, 0, 12],
        "carried_over": [1, 0, 0, 0, 0, 0, 1],
        "granted": [4, 1, 0, 0, 1, 0, 6],
        "partially_granted": [1, 0, 0, 0, 0, 0, 1],
        "withheld.state_secret": _Z,
        "withheld.third_party": _Z,
        "unavailable.not_held": [3, 0, 0, 0, 0, 0, 3],
        "unavailable.unclear": [0, 1, 0, 0, 0, 0, 1],
        "not_processed.petition": [1, 0, 0, 0, 0, 0, 1],
        "other.no_correction": _Z,
        "other.other": _Z,
        "results_total": [9, 2, 0, 0, 1, 0, 12],
        "carried_forward": [1, 0, 0, 0, 0, 0, 1],
    }
    app = {
        "review": [1, 0, 0, 0, 1],
        "litigation_direct": [0, 0, 1, 0, 1],
        "litigation_after_review": [0, 0, 0, 0, 0],
    }
    expect_report(
        got,
        "2021",
        req=req,
        app=app,
        pro={
            "rules": [0, 0, 0],
            "normative_docs": [2, 1, 14],
            "licensing": [96],
            "penalty": [1503],
            "coercion": [27],
            "fees": [0],
        },
    )


def test_traditional_chinese_mirror_page_is_converted_and_read():
    got = parse("traditional_chinese_mirror.html")
    meta(got, "伊川县市场监督管理局", 2020, "2021-01-27")
    expect_report(got, "2019", pro=dict(PRO19, penalty=[33, 4, 218]))
    problem(got, "page:", "Traditional")


# --- section 三 （六） and section 四 layouts ---------------------------------------------------------


_SUB = dict(
    REQ21,
    **{
        "granted": [3, 2, 0, 0, 1, 0, 6],
        "other.no_correction": [1, 0, 0, 0, 0, 0, 1],
        "other.fee_unpaid": [1, 0, 0, 0, 0, 0, 1],
        "other.other": [1, 0, 0, 0, 0, 0, 1],
    },
)


def test_2021_other_processing_three_sub_rows_under_one_group_label():
    got = parse("other_processing_2021_three_subrows.html")
    expect_report(got, "2021", req=_SUB)
    # the group label has no cells of its own here: no `other` row is invented
    assert not any(c.section == "requests" and c.row == "other" for c in got.cells)


def test_2021_other_processing_with_a_row_of_its_own_keeps_it():
    got = parse("other_processing_2021_own_row.html")
    meta(got, "沁阳市人民政府办公室", 2022, "2023-01-29")
    expect_report(got, "2021", req=dict(_SUB, other=[3, 0, 0, 0, 0, 0, 3]))


def test_appeals_as_one_row_of_15_values():
    got = parse("appeals_one_row_of_15.html")
    expect_report(
        got,
        "2019",
        app={
            "review": [3, 1, 0, 2, 6],
            "litigation_direct": [4, 0, 1, 1, 6],
            "litigation_after_review": [1, 0, 0, 2, 3],
        },
    )
    no_problem(got, "appeals")


def test_appeals_as_three_labelled_rows_of_five():
    got = parse("appeals_three_labelled_rows.html")
    expect_report(
        got,
        "2019",
        app={
            "review": [3, 1, 0, 2, 6],
            "litigation_direct": [4, 0, 1, 1, 6],
            "litigation_after_review": [1, 0, 0, 2, 3],
        },
    )
    no_problem(got, "appeals")
