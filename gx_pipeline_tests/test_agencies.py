"""Agencies over time on small warehouses written with the library: who is the same agency, the
flags, and that the order the years are loaded in changes nothing."""

from __future__ import annotations

import hashlib
import itertools

import duckdb
import pytest

from gx_pipeline import regions, warehouse
from gx_pipeline.agencies import figures, rebuild
from gx_pipeline.parsing import narrative, site
from gx_pipeline.parsing.tokens import text_tokens
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile
from gx_pipeline.warehouse import tally_check
from gx_pipeline_tests.conftest import REPO


def _report(
    name: str,
    year: int,
    agency: str | None,
    *,
    published: str | None = None,
    values: dict[str, float | None] | None = None,
    text: dict[str, str] | None = None,
    site_info: dict[str, str] | None = None,
) -> LoadedReport:
    sha = hashlib.sha256(f"{name}:{year}".encode()).hexdigest()
    raw = RawFile(f"{year}/{name}.html", "", sha, 10, False)
    cells = tuple(
        Cell(*key.split("."), v, "" if v is None else str(v), 1, i, 2)
        for i, (key, v) in enumerate((values or {}).items())
    )
    report = Report(
        raw.source,
        agency,
        year,
        published or f"{year + 1}-01-20",
        "2021",
        cells,
        narrative=text or {},
        site=site_info or {},
    )
    return LoadedReport(raw, report, "test")


def _load(conn: duckdb.DuckDBPyConnection, year: int, reports: list[LoadedReport]) -> None:
    warehouse.replace_year(
        conn, year, tables.year_frames(reports, [], year), clear=warehouse.YEAR_TABLES
    )
    rebuild.rebuild(conn)


def _warehouse(by_year: dict[int, list[LoadedReport]], order=None) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    for year in order or sorted(by_year):
        _load(conn, year, by_year[year])
    return conn


def _agencies(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    return {
        source: (agency_id, match)
        for source, agency_id, match in conn.execute(
            "select source, agency_id, agency_match from dim_report"
        ).fetchall()
    }


def _flags(conn: duckdb.DuckDBPyConnection) -> list[tuple]:
    return conn.execute(
        "select d.source, f.flag, f.subject from report_flags f join dim_report d "
        "using (report_id) order by all"
    ).fetchall()


PINGYANG = {"address": "https://www.pingyang.gov.cn/art/2022/1/20/art_1.html"}


def test_short_and_full_names_of_one_agency_are_one_agency():
    conn = _warehouse(
        {
            2020: [_report("a", 2020, "平阳县洪桥镇人民政府", site_info=PINGYANG)],
            # the short name, on the county's site: the site's other reports give the place
            2021: [_report("b", 2021, "洪桥镇", site_info=PINGYANG)],
            # the short name with the county site's 网站标识码
            2022: [_report("c", 2022, "洪桥镇", site_info={"site_code": "3303260001"})],
            # the short name, and the text writes the place before it
            2023: [_report("d", 2023, "洪桥镇", text={"前言": "2023年，平阳县洪桥镇坚持…。"})],
        }
    )
    assert _agencies(conn) == {
        "2020/a.html": ("330326:洪桥镇", "name"),
        "2021/b.html": ("330326:洪桥镇", "site"),
        "2022/c.html": ("330326:洪桥镇", "site_code"),
        "2023/d.html": ("330326:洪桥镇", "text"),
    }
    assert conn.execute(
        "select name, aliases, division_code, county, admin_level, match_confidence, "
        "report_years from dim_agency"
    ).fetchall() == [
        (
            "平阳县洪桥镇人民政府",
            ["平阳县洪桥镇人民政府", "洪桥镇"],
            "330326",
            "平阳县",
            "township-street",
            "medium",
            [2020, 2021, 2022, 2023],
        )
    ]


def test_the_same_name_in_two_places_is_two_agencies_and_without_a_place_is_not_guessed():
    conn = _warehouse(
        {
            2021: [
                _report("tz", 2021, "北京市通州区新华街道办事处"),
                _report("ht", 2021, "荷塘区新华街道办事处"),
                _report("x1", 2021, "新华街道办事处"),
                _report("x2", 2021, "新华街道办事处"),
            ],
            2022: [_report("x3", 2022, "新华街道办事处")],
        }
    )
    got = _agencies(conn)
    assert got["2021/tz.html"] == ("110112:新华街道", "name")
    assert got["2021/ht.html"] == ("430202:新华街道", "name")
    # no place, and 2021 has two of them: each report is an agency of its own, none joins
    # the placed ones
    assert {got[f"{y}/{n}.html"] for y, n in ((2021, "x1"), (2021, "x2"), (2022, "x3"))} == {
        (f"report:{r.report_id}", "unresolved")
        for r in (
            _report("x1", 2021, None),
            _report("x2", 2021, None),
            _report("x3", 2022, None),
        )
    }


def test_a_name_without_place_unique_in_every_year_is_one_agency_of_low_confidence():
    conn = _warehouse(
        {2021: [_report("a", 2021, "区秦岭保护局")], 2022: [_report("b", 2022, "区秦岭保护局")]}
    )
    assert set(_agencies(conn).values()) == {("name:区秦岭保护局", "name_only")}
    assert conn.execute("select match_confidence from dim_agency").fetchall() == [("low",)]


def test_an_unnamed_page_is_its_sites_one_agency_in_a_year_without_another_report():
    xiangdu = {"address": "https://www.xiangdu.gov.cn/art/1.html"}
    by_year = {
        2021: [_report("a", 2021, "襄都区统计局", site_info=xiangdu)],
        2022: [_report("b", 2022, None, site_info=xiangdu)],
        # a second unnamed page on the site in 2023, and the agency's own report that year
        2023: [
            _report("c", 2023, "襄都区统计局", site_info=xiangdu),
            _report("d", 2023, None, site_info=xiangdu),
        ],
    }
    got = _agencies(_warehouse(by_year))
    assert got["2022/b.html"] == ("130502:统计局", "site_year")
    assert got["2023/d.html"] == (None, None)
    # a site that publishes two agencies' reports tells nothing about an unnamed page
    by_year[2021].append(_report("e", 2021, "襄都区民政局", site_info=xiangdu))
    assert _agencies(_warehouse(by_year))["2022/b.html"] == (None, None)


REQ = "requests"


def _requests(over: float | None, forward: float | None, new: float = 3) -> dict:
    return {
        f"{REQ}.new_received.total": new,
        f"{REQ}.carried_over.total": over,
        f"{REQ}.carried_forward.total": forward,
    }


def test_carry_chain_break_is_a_flag_and_the_report_is_not_clean():
    conn = _warehouse(
        {
            2021: [_report("a", 2021, "宁强县统计局", values=_requests(0, 5))],
            2022: [_report("b", 2022, "宁强县统计局", values=_requests(3, 1))],
            2023: [_report("c", 2023, "宁强县统计局", values=_requests(1, None))],
        }
    )
    assert _flags(conn) == [
        ("2022/b.html", "carry_chain_break", "requests.carried_over.total"),
        # 2023 carries over 1 from 2022's 1: pass; nothing else is flagged
    ]
    detail, cells, evidence = conn.execute(
        "select detail, cells, evidence->>'previous_carried_forward' from report_flags"
    ).fetchone()
    assert "3 in 2022" in detail and "carried forward (结转下年度继续办理) 5" in detail
    assert (cells, evidence) == (["requests.carried_over.total"], "5.0")
    assert conn.execute(
        "select source, trust_status, trust_reasons from dim_report order by source"
    ).fetchall() == [
        ("2021/a.html", "clean", []),
        ("2022/b.html", "needs_review", ["carry_chain_break"]),
        ("2023/c.html", "clean", []),
    ]


def test_two_reports_of_one_agency_in_one_year_are_flagged_not_counted_twice_unsaid():
    # an agency's report and its corrected re-post (one figure changed, so not one report to
    # the copy check), or the same report on two sites with a correction on one: both load.
    # Summed over the year they count the agency twice, and every comparison across years
    # leaves the agency out; before, both stayed clean and nothing said so
    conn = _warehouse(
        {
            2021: [_report("a", 2021, "宁强县统计局", values=_requests(0, 5))],
            2022: [
                _report("b", 2022, "宁强县统计局", values=_requests(5, 1)),
                _report("b-corrected", 2022, "宁强县统计局", values=_requests(5, 2)),
                _report("c", 2022, "宁强县教育局", values=_requests(0, 1)),
            ],
        }
    )
    assert _flags(conn) == [
        ("2022/b-corrected.html", "several_reports", ""),
        ("2022/b.html", "several_reports", ""),
    ]
    detail, evidence = conn.execute(
        "select f.detail, f.evidence from report_flags f join dim_report d using (report_id) "
        "where d.source = '2022/b.html'"
    ).fetchone()
    assert "2 reports of 2022" in detail and "2022/b-corrected.html" in detail
    assert "counted twice" in detail
    assert '"2022/b-corrected.html"' in evidence
    assert conn.execute(
        "select source, trust_status, trust_reasons from dim_report order by source"
    ).fetchall() == [
        ("2021/a.html", "clean", []),
        ("2022/b-corrected.html", "needs_review", ["several_reports"]),
        ("2022/b.html", "needs_review", ["several_reports"]),
        ("2022/c.html", "clean", []),
    ]
    # a clean-only sum no longer counts the agency twice
    assert conn.execute(
        "select sum(total) from request_totals where report_year = 2022 "
        "and \"row\" = 'carried_over' and trust_status = 'clean'"
    ).fetchone() == (0,)


@pytest.mark.parametrize(
    "name",
    # names with no place the division list knows: a bare street, a bureau of a district
    # name no province has, a government office named by its organ alone
    ["新华街道办事处", "安平区统计局", "人民政府办公室"],
)
def test_two_reports_of_one_year_sharing_a_name_without_place_are_flagged_not_counted_twice(
    name,
):
    # a report and its corrected re-post by an agency whose name holds no known place: the
    # two cannot be told one agency's or two agencies', so each is an agency of its own
    # (report:<id>); before, both stayed clean and unflagged, and a clean-only sum over the
    # year counted the agency twice with nothing to say it might
    conn = _warehouse(
        {
            2021: [_report("a", 2021, name, values=_requests(0, 5))],
            2022: [
                _report("b", 2022, name, values=_requests(5, 1)),
                _report("b-corrected", 2022, name, values=_requests(5, 2)),
                _report("c", 2022, "宁强县教育局", values=_requests(0, 1)),
            ],
        }
    )
    assert {m for _, m in _agencies(conn).values()} == {"unresolved", "name"}
    assert _flags(conn) == [
        ("2022/b-corrected.html", "several_reports", ""),
        ("2022/b.html", "several_reports", ""),
    ]
    (detail,) = conn.execute(
        "select f.detail from report_flags f join dim_report d using (report_id) "
        "where d.source = '2022/b.html'"
    ).fetchone()
    assert name in detail and "2022/b-corrected.html" in detail and "without a place" in detail
    assert conn.execute(
        "select sum(total) from request_totals where report_year = 2022 "
        "and \"row\" = 'carried_over' and trust_status = 'clean'"
    ).fetchone() == (0,)
    # the name's one report of 2021 shares its year with no other: not flagged
    assert conn.execute(
        "select trust_status from dim_report where source = '2021/a.html'"
    ).fetchone() == ("clean",)


def test_a_change_over_the_year_says_whether_the_earlier_report_needs_review_too():
    """cells_year_over_year gave the trust status of year y's report alone: filtered on
    trust_status = 'clean' (the README's numbers to take as they are) it kept changes computed
    from a previous year's report that needs review, unsaid."""
    conn = _warehouse(
        {
            2021: [
                _report("a", 2021, "宁强县统计局", published="2022-03-01", values=_requests(0, 5))
            ],
            2022: [_report("b", 2022, "宁强县统计局", values=_requests(5, 1, new=7))],
        }
    )
    assert conn.execute(
        "select source, trust_status, trust_reasons from dim_report order by source"
    ).fetchall() == [("2021/a.html", "needs_review", ["late"]), ("2022/b.html", "clean", [])]
    assert conn.execute(
        "select trust_status, previous_trust_status, previous_trust_reasons, value, "
        "previous_value, change from cells_year_over_year where \"row\" = 'new_received'"
    ).fetchall() == [("clean", "needs_review", ["late"], 7.0, 3.0, 4.0)]


def test_late_and_unknown_publication_are_flags():
    conn = _warehouse(
        {
            2021: [
                _report("on-time", 2021, "宁强县统计局", published="2022-01-31"),
                _report("late", 2021, "宁强县教育局", published="2022-02-01"),
                _report("unknown", 2021, "宁强县民政局"),
            ]
        }
    )
    conn.execute("update dim_report set published = null where source = '2021/unknown.html'")
    rebuild.rebuild(conn)
    assert _flags(conn) == [
        ("2021/late.html", "late", ""),
        ("2021/unknown.html", "publication_unknown", ""),
    ]
    assert conn.execute(
        "select evidence->>'days_late' from report_flags where flag = 'late'"
    ).fetchone() == ("1",)


def test_repeated_figures_needs_a_table_not_all_zero():
    same = {
        f"{REQ}.new_received.total": 4,
        f"{REQ}.carried_over.total": 0,
        f"{REQ}.carried_forward.total": 0,
    }
    zeros = {k: 0 for k in same}
    conn = _warehouse(
        {
            2021: [
                _report("a", 2021, "宁强县统计局", values=same),
                _report("z", 2021, "宁强县教育局", values=zeros),
            ],
            2022: [
                _report("b", 2022, "宁强县统计局", values=same),
                _report("y", 2022, "宁强县教育局", values=zeros),
            ],
        }
    )
    assert _flags(conn) == [("2022/b.html", "repeated_figures", "requests")]
    assert conn.execute("select cells from report_flags").fetchone() == (
        ["requests.new_received.total"],
    )


OWN = (
    "洪桥镇把政务公开纳入年度重点工作，主要负责同志专题研究部署2次。"
    "洪桥镇依托门户网站专栏，及时发布惠民惠农政策和项目资金信息。"
    "洪桥镇在便民服务中心设置政府信息查阅点，方便群众就近查阅。"
)
TEMPLATE = "严格按照《条例》规定的程序和时限办理政府信息公开申请，做到依法答复。"


def test_copied_text_compares_the_agencys_own_sentences_without_the_templates():
    def year(y: int, own: str) -> list[LoadedReport]:
        reports = [_report("hq", y, "平阳县洪桥镇人民政府", text={"一": own + TEMPLATE})]
        # three other agencies write the template's sentence too: it is nobody's own
        reports += [
            _report(n, y, f"平阳县{n}镇人民政府", text={"一": TEMPLATE}) for n in ("甲", "乙", "丙")
        ]
        return reports

    changed = (
        "洪桥镇今年新建了政务公开专区，群众满意度明显提升，受到县里表扬。"
        "洪桥镇围绕乡村振兴重点工作，逐月公开项目进度和资金使用情况。"
    )
    conn = _warehouse(
        {
            2021: year(2021, OWN),
            2022: year(2022, OWN.replace("2次", "3次")),
            2023: year(2023, changed),
        }
    )
    rows = conn.execute(
        "select report_year, similarity from narrative_similarity "
        "where section = 'all' order by report_year"
    ).fetchall()
    # the same sentences with another number are the same sentences; the template's sentence
    # is left out of both years, so it cannot make 2023 look copied
    assert rows == [(2022, 1.0), (2023, 0.0)]
    assert _flags(conn)[0] == ("2022/hq.html", "copied_text", "")
    assert [f for f in _flags(conn) if f[1] == "copied_text"] == [
        ("2022/hq.html", "copied_text", "")
    ]


def test_narrative_mismatch_keeps_the_sentence_and_both_numbers():
    text = {"三": "本年度共收到政府信息公开申请7件，上年结转0件。"}
    conn = _warehouse(
        {2022: [_report("a", 2022, "宁强县统计局", values=_requests(0, 0, new=5), text=text)]}
    )
    assert _flags(conn) == [("2022/a.html", "narrative_mismatch", "new_received@三.1")]
    detail, cells = conn.execute("select detail, cells from report_flags").fetchone()
    assert cells == ["requests.new_received.total"]
    assert "states 7" in detail and "the table 5" in detail and "收到政府信息公开申请7件" in detail


def test_loading_the_years_in_any_order_gives_the_same_rows():
    xiangdu = {"address": "https://www.xiangdu.gov.cn/art/1.html"}
    by_year = {
        2020: [_report("a", 2020, "邢台市襄都区统计局", values=_requests(0, 2), site_info=xiangdu)],
        2021: [_report("b", 2021, "统计局", values=_requests(1, 2), site_info=xiangdu)],
        2022: [
            _report(
                "c", 2022, None, values=_requests(2, 2), site_info=xiangdu, published="2023-03-01"
            )
        ],
    }
    results = set()
    for order in itertools.permutations(sorted(by_year)):
        conn = _warehouse(by_year, order)
        results.add(
            repr(
                [
                    conn.execute(f"select * from {t} order by all").fetchall()
                    for t in ("dim_agency", "report_flags", "narrative_similarity")
                ]
                + [
                    conn.execute(
                        "select source, agency_id, agency_match, trust_status, trust_reasons "
                        "from dim_report order by source"
                    ).fetchall()
                ]
            )
        )
    assert len(results) == 1
    conn = _warehouse(by_year, (2022, 2020, 2021))
    assert _flags(conn) == [
        ("2021/b.html", "carry_chain_break", "requests.carried_over.total"),
        ("2022/c.html", "late", ""),
    ]
    rebuild.rebuild(conn)  # again: nothing is counted twice
    assert conn.execute(
        "select trust_reasons from dim_report where source = '2022/c.html'"
    ).fetchone() == (["late"],)


# --- the parts ------------------------------------------------------------------------------


def _figures(text: dict[str, str], values: dict[str, float | None]) -> list[tuple]:
    report = _report("f", 2022, "宁强县统计局", values=values, text=text).report
    return [
        (f.subject, f.stated, f.table_value, f.status, f.note)
        for f in figures.stated_figures(report)
    ]


def test_narrative_figures_against_their_cells():
    values = {
        **_requests(2, 0, new=5),
        "appeals.review.total": 1,
        "appeals.litigation_direct.total": 1,
        "appeals.litigation_after_review.total": None,
    }
    text = {
        "一": "全年共受理政府信息公开申请7件，办结7件。",
        "四": "被申请行政复议2件，提起行政诉讼1件。",
    }
    assert _figures(text, values) == [
        # 受理 counting the carried over: 5 + 2
        (
            "new_received@一.1",
            7,
            5,
            "match",
            "equals new_received + carried_over (受理 counting the carried over)",
        ),
        ("reviews@四.1", 2, 1, "mismatch", ""),
        # a blank cell: nothing to compare
        ("lawsuits@四.1", 1, None, "not_assessable", ""),
    ]


def test_section_prose_leaves_out_headings_tables_and_lists_inside_a_section():
    lines = [
        "XX县统计局2022年政府信息公开工作年度报告",
        "2022年，XX县统计局坚持以习近平新时代中国特色社会主义思想为指导，现将情况报告",
        "如下：",
        "一、总体情况",
        "全年共主动公开政府信息120条。",
        "二、主动公开政府信息情况",
        "规章 | 0 | 0 | 0 |",
        "五、存在的主要问题及改进情况",
        "一、加强组织领导，把政务公开纳入重点工作。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
        "XX县统计局",
        "2023年1月20日",
    ]
    page = "\n".join(lines)
    got = narrative.sections_text(text_tokens(page + "\n"), wrapped_lines=True)
    assert got == {
        "前言": "2022年，XX县统计局坚持以习近平新时代中国特色社会主义思想为指导，现将情况报告如下：",
        "一": "全年共主动公开政府信息120条。",
        # 一、加强… is a list item of section 五, not a new section 一
        "五": "一、加强组织领导，把政务公开纳入重点工作。",
        "六": "本年度未收取信息处理费。",
    }


def test_site_evidence_is_the_pages_own_address_code_and_footer_domain():
    texts = [
        "通过中国政府网 www.gov.cn 和浙江政务服务网 zjzwfw.gov.cn 公开。",
        "主办单位：平阳县人民政府办公室 网站标识码：3303260001",
        "网址：www.pingyang.gov.cn ICP备12345678号",
    ]
    got = site.site_evidence(texts, "https://www.pingyang.gov.cn/art/1.html")
    assert got == {
        "address": "https://www.pingyang.gov.cn/art/1.html",
        "site_code": "3303260001",
        "domain": "www.pingyang.gov.cn",
    }
    assert site.site_evidence(texts[:1], None) == {}  # a domain named in the text is not the site's


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("3303260001", ("浙江省", "温州市", "平阳县", "330326")),
        # 130502 was 桥东区 until 2020: the place as it is named today
        ("1305020001", ("河北省", "邢台市", "襄都区", "130502")),
        ("bm01000001", (None, None, None, None)),  # a department's site: no place
        ("3007472856", (None, None, None, None)),  # no division has the code 300747
    ],
)
def test_site_code_names_the_place_of_the_sites_government(code, expected):
    r = regions.region_from_site_code(code, "统计局", 2019)
    assert (r.province, r.city, r.county, r.division_code) == expected


def test_text_region_is_the_place_written_right_before_the_name():
    found = regions.region_from_text("洪桥镇", ["2021年，平阳县洪桥镇坚持…"], 2021)
    assert (found.county, found.division_code, found.source) == ("平阳县", "330326", "text")
    # a place elsewhere in the text is not the agency's
    assert (
        regions.region_from_text("洪桥镇", ["洪桥镇与平阳县其他乡镇一道…"], 2021).division_code
        is None
    )
    # two places written before the name: the text does not tell
    two = ["平阳县洪桥镇坚持…", "北辰区洪桥镇…"]
    assert regions.region_from_text("洪桥镇", two, 2021).division_code is None


def test_a_platform_that_publishes_many_agencies_is_no_site_of_one():
    # a WeChat article names mp.weixin.qq.com as its address; so does every other agency's
    wechat = {"address": "https://mp.weixin.qq.com/s/abc"}
    got = _agencies(
        _warehouse(
            {
                2021: [
                    _report("a", 2021, "平阳县洪桥镇人民政府", site_info=wechat),
                    _report("b", 2021, "统计局", site_info=wechat),
                ],
                2022: [_report("c", 2022, None, site_info=wechat)],
            }
        )
    )
    assert got == {
        "2021/a.html": ("330326:洪桥镇", "name"),
        "2021/b.html": ("name:统计局", "name_only"),
        "2022/c.html": (None, None),
    }


def test_a_figure_of_a_part_or_another_kind_is_no_mismatch():
    values = {
        **_requests(0, 0, new=9),
        "appeals.review.total": 3,
        "appeals.review.corrected": 1,
        "appeals.litigation_direct.total": 2,
        "appeals.litigation_after_review.total": 0,
        "proactive.licensing.decisions": 340,
    }
    text = {
        "四": "本年度被申请行政复议3件，其中行政复议被纠错1件，维持原行政行为2件。"
        "行政诉讼结果败诉1件。",
        # how many kinds of licence the agency grants: not its decisions
        "二": "梳理公开行政许可事项12项，办理行政许可决定340件。",
    }
    got = _figures(text, values)
    assert [f for f in got if f[3] == "mismatch"] == []
    assert [(f[0], f[1], f[3]) for f in got] == [
        ("reviews@四.1", 3, "match"),
        ("licensing@二.1", 340, "match"),
    ]


def test_a_governments_own_report_is_due_on_31_march_its_offices_on_31_january():
    conn = _warehouse(
        {
            2021: [
                _report("gov", 2021, "平阳县人民政府", published="2022-03-31"),
                _report("office", 2021, "平阳县人民政府办公室", published="2022-02-15"),
                _report("town", 2021, "平阳县洪桥镇人民政府", published="2022-02-15"),
                _report("city", 2021, "温州市人民政府", published="2022-04-01"),
            ]
        }
    )
    assert _flags(conn) == [
        ("2021/city.html", "late", ""),
        ("2021/office.html", "late", ""),
        ("2021/town.html", "late", ""),
    ]
    assert conn.execute(
        "select detail, evidence->>'deadline' from report_flags f join dim_report d "
        "using (report_id) where d.source = '2021/city.html'"
    ).fetchone() == ("published 2022-04-01, 1 days after the 31 March 2022 deadline", "2022-03-31")


@pytest.mark.parametrize(
    ("agency", "year", "expected"),
    [
        # renamed: the place as it is named today, with today's code
        ("任县民政局", 2019, ("任泽区", "130505")),
        ("邢台市桥东区统计局", 2019, ("襄都区", "130502")),
        # abolished in 2020 (merged into 信都区): the report year's place and code
        ("邢台县民政局", 2019, ("邢台县", "130521")),
        # three counties were 桥东区 in 2019: the name alone does not tell which
        ("桥东区统计局", 2019, (None, None)),
    ],
)
def test_a_place_is_named_as_it_is_today_where_the_name_tells_which(agency, year, expected):
    r = regions.region_of(agency, year)
    assert (r.county, r.division_code) == expected


def test_agencies_flags_do_not_make_the_tally_check_fail_a_year():
    # twelve reports of a year, read cleanly, every one published late: the agencies' doing,
    # not the pipeline's; the check's needs-review share counts the reading's reasons only
    conn = _warehouse(
        {
            2021: [
                _report(
                    f"r{k}", 2021, f"宁强县第{k}局", published="2022-03-01", values=_requests(0, 0)
                )
                for k in range(12)
            ]
        }
    )
    assert {f[1] for f in _flags(conn)} == {"late"}
    summary = tally_check.summarize(conn, 2021)
    assert (summary.reports, summary.needs_review) == (12, 0)
    assert not tally_check.judge(summary).severe


def test_each_names_match_is_the_one_cnlocs_getlocation_gives():
    """regions reads cnloc's matches one text at a time, past getlocation's thread pool and
    DataFrame; an upgrade of cnloc that changes what that does fails here. Names of every level,
    of places renamed, abolished and ambiguous, short forms and no place at all."""
    import cnloc

    divisions = regions._divisions()
    counties = sorted(n for names in divisions.county_names.values() for n in names)
    texts = [
        *(f"{name}人民政府" for name in counties[::40]),
        "任县民政局",
        "邢台市桥东区统计局",
        "邢台县民政局",
        "桥东区统计局",
        "北京市通州区新华街道办事处",
        "红河哈尼族彝族自治州开远市人民政府",
        "江苏省无锡市锡山区云林街道",
        "浙江省市场监督管理局",
        "国家统计局",
        "",
        "某某局",
    ]
    for year in (2018, 2019, 2021, 2024, 2030):
        years = [year] * len(texts)
        frame = cnloc.getlocation(texts, year=years, drop=["address"])
        expected = [
            regions._place_in(text, row, year)
            for text, row in zip(texts, frame.itertuples(index=False), strict=True)
        ]
        assert regions._lookup(texts, years) == expected


def test_every_figure_pattern_ends_on_a_number_and_a_unit_the_sentence_filter_knows():
    """stated_figures reads only sentences with a number in digits and its unit: a pattern
    whose number another unit follows (or none) would lose its figures without a word."""
    import re

    number = re.escape(r"(\d+)\s*")
    for figure, (pattern, _) in figures._FIGURES.items():
        source = pattern.pattern
        assert source.count(r"(\d+)") == len(re.findall(number, source)), figure
        for units in re.findall(number + r"(?:\(\?:([^)]*)\)|(.))", source):
            for unit in "|".join(units).strip("|").split("|"):
                sentence = f"共计12{unit}"
                assert figures._NUMBER_AND_UNIT.search(sentence), (figure, unit)


@pytest.mark.parametrize(
    ("stated", "folder"), [(2021, 2022), (2023, 2022), (2019, 2024), (2022, 2022), (None, 2022)]
)
def test_a_report_filed_under_another_year_is_flagged_in_report_flags_too(stated, folder):
    """A page stating report year `stated` filed under data/raw/`folder`/: dim_report's
    trust_reasons said year_mismatch and report_flags, the analysts' table of per-report
    flags, said nothing of it. Now the flag stands in both, with both years as evidence, and
    review_flags has it once, as the trust flag reviewers decide on."""
    source = f"{folder}/filed.html"
    sha = hashlib.sha256(source.encode()).hexdigest()
    report = Report(source, "平阳县洪桥镇人民政府", stated, f"{folder + 1}-01-20", "2021", ())
    conn = duckdb.connect()
    warehouse.replace_year(
        conn,
        folder,
        tables.year_frames(
            [LoadedReport(RawFile(source, "", sha, 10, False), report, "t")], [], folder
        ),
        clear=warehouse.YEAR_TABLES,
    )
    rebuild.rebuild(conn)
    ((reasons,),) = conn.execute("select trust_reasons from dim_report").fetchall()
    flagged = conn.execute(
        "select detail, evidence->>'stated_year', evidence->>'folder_year' from report_flags "
        "where flag = 'year_mismatch'"
    ).fetchall()
    reviewed = conn.execute(
        "select kind, subject from review_flags where flag = 'year_mismatch'"
    ).fetchall()
    mismatch = stated is not None and stated != folder
    assert ("year_mismatch" in reasons) == mismatch
    if not mismatch:
        assert flagged == [] and reviewed == []
        return
    ((detail, said_stated, said_folder),) = flagged
    assert (said_stated, said_folder) == (str(stated), str(folder))
    assert str(stated) in detail and f"{folder}/" in detail
    assert reviewed == [("trust", "")]


def test_every_flag_and_trust_reason_is_documented_where_analysts_read_them():
    """Each code the parser, the tally check, the year folder or the flags' rebuild can put in
    dim_report.trust_reasons is named by that column's comment, by the contract and by the
    data dictionary, and each report_flags code by report_flags.flag's comment: a code
    visible in one place is not missing in another."""
    from gx_pipeline import trust
    from gx_pipeline.warehouse.schema import ensure_schema

    conn = duckdb.connect()
    ensure_schema(conn)
    comments = dict(
        conn.execute(
            "select table_name || '.' || column_name, comment from duckdb_columns() "
            "where table_name in ('dim_report', 'report_flags')"
        ).fetchall()
    )
    contract = (REPO / "docs" / "CONTRACT.md").read_text(encoding="utf-8")
    dictionary = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for code in (*trust.REASONS, *rebuild.FLAGS):
        assert code in comments["dim_report.trust_reasons"], code
        assert f"`{code}`" in contract or code in rebuild.FLAGS, code
        assert code in dictionary, code
    for code in rebuild.FLAGS:
        assert f"{code} (" in comments["report_flags.flag"], code
