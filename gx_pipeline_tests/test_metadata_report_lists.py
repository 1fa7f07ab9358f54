"""A list of related reports (each a title with its date on the line below) between the
page's own title and the body, or before the title; and a metadata grid written as a
paragraph (成文日期 | 2024-01-18). The list's years and dates are other reports': the page's
year and date are read from its own title and labels, or withheld."""

from __future__ import annotations

import itertools

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_metadata_title_block import _AGENCIES, _page


def _body(agency: str, year: int) -> list[str]:
    return ["一、总体情况", f"{year}年，{agency}认真贯彻落实《条例》，政府信息公开工作有序推进。"]


#: whose reports the list names: the agency's other years, yearless agency, other agencies
_OTHERS = ("same", "bare", "agencies")
#: how the list dates each entry
_ENTRY_DATES = ("{y}-01-2{k}", "{y}年1月2{k}日", "[{y}-01-2{k}]")
#: what introduces the list
_INTROS = ("相关阅读", "相关链接", "")
#: the page's own date, when it has one
_OWN = ("成文日期：{d}", "日期：{d}", "发布时间：{d}", "")


def _list(agency: str, year: int, others: str, form: str) -> list[str]:
    if others == "same":
        titles = [f"{agency}{year - k}年政府信息公开工作年度报告" for k in (1, 2, 3)]
    elif others == "bare":
        titles = [f"{year - k}年政府信息公开工作年度报告" for k in (1, 2)]
    else:
        titles = [f"{a}{year - 1}年政府信息公开工作年度报告" for a in _AGENCIES if a != agency][:3]
    out: list[str] = []
    for k, title in enumerate(titles):
        out += [title, form.format(y=year - k, k=k)]
    return out


_CASES = list(itertools.product(_OTHERS, _ENTRY_DATES, _INTROS, _OWN))


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("under", [True, False])
@pytest.mark.parametrize(("others", "form", "intro", "own"), _CASES)
def test_a_dated_list_of_reports_beside_the_title_names_no_year_agency_or_date_of_the_page(
    html, under, others, form, intro, own
):
    # before, a list under the title: its entry nearest the body was read as the page's own
    # title (the year three years back, another agency) and its first entry's date as the
    # publication; a list above the title, the page having no date of its own: the first
    # entry's date (another year's report) was emitted as the publication
    i = _CASES.index((others, form, intro, own)) + (0 if under else 2)
    agency, year = _AGENCIES[i % 5], 2019 + (i + 1 - under) % 5
    date = f"{year + 1}-01-18"
    title = f"{agency}{year}年政府信息公开工作年度报告"
    dated = [own.format(d=date)] if own else []
    listed = [*([intro] if intro else []), *_list(agency, year, others, form)]
    head = [title, *dated, *listed] if under else [*listed, title, *dated]
    meta = parse_bytes(*_page([*head, *_body(agency, year)], html))
    assert (meta.year, meta.agency) == (year, agency)
    assert meta.published == (date if own else None)


def test_a_dated_list_above_the_title_with_the_pages_own_date_under_it_keeps_both():
    # no title above the list: the title nearest the body and its date line are the page's
    agency, year = _AGENCIES[1], 2021
    lines = [
        *_list(agency, year, "same", "{y}-01-2{k}"),
        f"{agency}{year}年政府信息公开工作年度报告",
        f"{year + 1}-01-18",
        *_body(agency, year),
    ]
    for html in (False, True):
        meta = parse_bytes(*_page(lines, html))
        assert (meta.year, meta.agency, meta.published) == (year, agency, f"{year + 1}-01-18")


#: a portal's clock (print view) near the grid, or none
_CLOCKS = ("", "2026-12-08", "2026-12-08 10:21:33")


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize(
    ("label", "sep", "clock", "where"),
    list(
        itertools.product(
            ("成文日期", "发布日期", "发布时间"), (" | ", "|", " ｜ "), _CLOCKS, range(3)
        )
    ),
)
def test_a_grid_written_as_a_paragraph_gives_the_pages_date(html, label, sep, clock, where):
    # before: on a web page `<p>成文日期 | 2024-01-18</p>` was not read, and the portal's
    # clock alone on a line was emitted (flagged), or no date at all
    agency, year = _AGENCIES[where + 1], 2020 + where
    date = f"{year + 1}-01-18"
    title = f"{agency}{year}年政府信息公开工作年度报告"
    grid = f"{label}{sep}{date}"
    clk = [clock] if clock else []
    head = ([*clk, grid, title], [title, *clk, grid], [title, grid, *clk])[where]
    meta = parse_bytes(*_page([*head, *_body(agency, year)], html))
    assert (meta.year, meta.agency, meta.published) == (year, agency, date)
