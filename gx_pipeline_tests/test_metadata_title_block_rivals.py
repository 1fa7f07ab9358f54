"""What may stand alone on a line under the report's title and is not the page's date (the
report's period, an edit's or a portal's clock's date, a cited document's date under its
title), against the page's own 成文日期 or 日期; and a document number before the title in a
grid (发文字号 宝司发〔2024〕3号, 文号：无), which is no part of the agency."""

from __future__ import annotations

import itertools

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_metadata_title_block import _AGENCIES, _page


def _web(lines: list[str], html: bool) -> tuple[bytes, str]:
    """The page of `lines`; on a web page a grid's cells (成文日期 | 2024-01-18, 打印 | 关闭)
    stand each in its own block, as a portal's grid of <div>s shows them."""
    if html:
        lines = [cell.strip() for line in lines for cell in line.split(" | ")]
    return _page(lines, html)


def _body(agency: str, year: int) -> list[str]:
    return ["一、总体情况", f"{year}年，{agency}认真贯彻落实《条例》，政府信息公开工作有序推进。"]


#: what stands alone under the title and dates no publication of the report of year y: the
#: period's end, a portal's clock (its print view), an edit two years on
_NOT_PUBLISHED = ("{y}年12月31日", "{y}.12.31", "2026-12-08", "2026-12-08 10:21:33", "{y3}/05/06")
#: what stands between the title and that date: nothing, the page's buttons, an edit's label
_BEFORE = ("", "打印 | 关闭", "最后更新", "更新于", "修订日期：")
#: the page's own date, under a writing label or a plain one
_OWN = ("成文日期：{d}", "成文日期 | {d}", "日期：{d}", "印发日期：{d}", "时间：{d} 来源：{a}")


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize(
    ("alone", "before", "own"),
    [
        (alone, before, own)
        for i, (alone, before) in enumerate(itertools.product(_NOT_PUBLISHED, _BEFORE))
        for own in (_OWN[i % 5], _OWN[(i + 2) % 5])
    ],
)
def test_a_date_under_the_title_that_cannot_date_the_report_leaves_the_pages_own(
    html, alone, before, own
):
    # before: any date alone within three lines under the title ranked as a 时间, above the
    # page's 成文日期 and level with a 日期 after it: the period's end (2023-12-31), the
    # portal's clock (2026-12-08) or an edit's date was emitted as the publication
    agency = _AGENCIES[len(alone + before) % 5]
    year = 2019 + len(own) % 5
    date = f"{year + 1}-01-18"
    lines = [
        f"{agency}{year}年政府信息公开工作年度报告",
        *([before] if before else []),
        alone.format(y=year, y3=year + 3),
        own.format(d=date, a=agency),
        *_body(agency, year),
    ]
    got = parse_bytes(*_web(lines, html))
    assert (got.published, got.agency, got.year) == (date, agency, year)


#: another document named under the title, without a year: its date follows it
_CITED = ("关于进一步加强政务公开工作的通知", "政府信息公开指南", "关于做好政务公开工作的实施意见")
_INTRO = ("", "相关文件", "附件：")


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize(("cited", "intro", "own"), itertools.product(_CITED, _INTRO, _OWN))
def test_a_cited_documents_date_under_its_title_under_the_reports_title_is_not_the_pages(
    html, cited, intro, own
):
    # before: the cited document's date (a year before the report's, or in the year after it)
    # ranked as the page's own date line and was emitted
    agency = _AGENCIES[len(cited + intro) % 5]
    year = 2019 + len(own + intro) % 5
    date = f"{year + 1}-01-18"
    for when in (f"{year - 1}-05-06", f"{year + 1}-03-02"):
        lines = [
            f"{agency}{year}年政府信息公开工作年度报告",
            *([intro] if intro else []),
            cited,
            when,
            own.format(d=date, a=agency),
            *_body(agency, year),
        ]
        got = parse_bytes(*_web(lines, html))
        assert (got.agency, got.year) == (agency, year)
        if when.startswith(str(year + 1)) and own.startswith(("成文", "印发")):
            # a date that may be the report's publication beside a writing date of another
            # day: neither is taken, and the page says so (the rule of 2.2.176)
            assert got.published is None
            assert any("disagree" in p for p in got.problems)
        else:
            assert got.published == date


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("form", ["{y1}-02-03", "{y1}年2月3日", "{y1}-02-03 09:30"])
def test_a_date_under_the_title_still_outranks_a_writing_date_but_not_a_labelled_date(html, form):
    # the page's own date line in the year after the report's still beats a 成文日期 (the
    # rule of 2.2.176); a 日期 the page labels stays the publication, as before that rule
    agency, year = "宝鸡市司法局", 2023
    title = f"{agency}{year}年政府信息公开工作年度报告"
    alone = form.format(y1=year + 1)
    writing = parse_bytes(
        *_page([title, alone, "成文日期：2019-05-06", *_body(agency, year)], html)
    )
    assert writing.published == "2024-02-03"
    labelled = parse_bytes(*_web([title, alone, "日期：2024-01-18", *_body(agency, year)], html))
    assert labelled.published == "2024-01-18"


#: a grid's document-number cell before the title on its line
_NUMBERS = (
    "发文字号 宝司发〔{n}〕3号 ",
    "文号 西湖办〔{n}〕12号 ",
    "文号：镇政发[{n}]第5号 ",
    "文号：无 ",
)


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize(("agency", "number"), itertools.product(_AGENCIES, _NUMBERS))
def test_a_document_number_before_the_title_is_no_part_of_the_agency(html, agency, number):
    # before: 宝司发〔2020〕3号西湖区…局, 无宝鸡市司法局 came out as the agency
    year = 2019 + len(agency) % 5
    line = f"索引号 000/{year + 1}-00047 {number.format(n=year + 1)}{agency}{year}年政府信息公开工作年度报告"
    got = parse_bytes(*_web([line, *_body(agency, year)], html))
    assert (got.agency, got.year) == (agency, year)


@pytest.mark.parametrize("name", ["无锡市教育局", "无为市司法局"])
def test_a_name_opening_with_wu_keeps_it_after_a_number_label(name):
    lines = [f"文号：无 {name}2023年政府信息公开工作年度报告", *_body(name, 2023)]
    assert parse_bytes(*_web(lines, False)).agency == name


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("label", ["来源：", "发布机构：", "信息来源:"])
@pytest.mark.parametrize("agency", ["西湖区自然资源和规划局", "宝鸡市城乡规划局"])
def test_the_pages_chrome_naming_an_agency_of_planning_stays_in_the_title_block(
    html, label, agency
):
    # a document's words (规划, 办法…) on a labelled line are the agency's name in the page's
    # chrome, not another document's title: the date under it is the page's own, above a
    # cited 成文日期 (a guard: read so on main, withheld by a first form of the rule above)
    lines = [
        "成文日期：2019-05-06",
        f"{agency}2023年政府信息公开工作年度报告",
        f"{label}{agency}",
        "2024-01-20",
        *_body(agency, 2023),
    ]
    assert parse_bytes(*_web(lines, html)).published == "2024-01-20"
