"""The page's own date line in its title's block against a cited document's writing date, and
the agency's name beside what a page writes around it (the brackets of its short name, a
grid's label before the title), on generated pages of each family."""

from __future__ import annotations

import itertools

import pytest

from gx_pipeline.parsing import parse_bytes

#: agencies of every level and kind, each naming its place
_AGENCIES = (
    "西湖区人力资源和社会保障局",
    "宝鸡市司法局",
    "青龙镇人民政府",
    "莆田市涵江区教育局",
    "东街街道",
)
_TABLE = (
    "二、主动公开政府信息情况",
    "第二十条第（一）项 | | | |",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
    "规章 | 0 | 0 | 0 |",
)


def _page(lines: list[str], html: bool) -> tuple[bytes, str]:
    """The page of `lines` and the report's first table, as a text copy or a web page with a
    paragraph a line (the table's cells in a table)."""
    if not html:
        return "\n".join([*lines, *_TABLE, ""]).encode("utf-8"), "p.txt"
    rows = "".join(
        "<tr>" + "".join(f"<td>{c.strip()}</td>" for c in row.split("|")) + "</tr>"
        for row in _TABLE[1:]
    )
    body = "".join(f"<p>{line}</p>" for line in [*lines, _TABLE[0]])
    page = (
        f"<html><head><meta charset='utf-8'></head><body>{body}<table>{rows}</table></body></html>"
    )
    return page.encode("utf-8"), "p.html"


#: the page's own date as a line of its own under the title: a date, a time after it or not
_DATE_FORMS = ("{y}-01-20", "{y}年1月20日", "{y}-01-20 10:30", "{y}/01/20", "{y}.01.20")
#: what may stand between the title and its date line: nothing, the page's buttons, its source
_BETWEEN = ("", "字体：[大 中 小]", "打印 | 关闭", "来源：{a}")
#: a cited document's writing date: a related-document box's field or an attachment's grid
_CITED = ("{label}：2019-05-06", "{label} | 2019-05-06", "{label}：2019年5月6日")
_LABELS = ("成文日期", "发文日期", "印发日期", "产生日期")
#: where the cited document stands: above the title (a sidebar), under its date line, in the
#: body as an attachment, after the tables
_PLACES = ("above", "under", "body", "after")


def _cited_page(
    agency: str, year: int, own: str | None, cited: str, place: str, between: str = ""
) -> list[str]:
    box = ["相关文件", f"标题：关于印发{year - 1}年政务公开工作要点的通知", cited]
    title = f"{agency}{year}年政府信息公开工作年度报告"
    head = [*(box if place == "above" else []), title]
    if own is not None:
        head += [*([between.format(a=agency)] if between else []), own]
    return [
        *head,
        *(box if place == "under" else []),
        "一、总体情况",
        f"{year}年，{agency}认真贯彻落实《条例》，政府信息公开工作有序推进。",
        *(["附件：", *box] if place == "body" else []),
        *(box if place == "after" else []),
    ]


#: each date form, what stands above it and where the cited document stands, with a label, a
#: way of writing the cited date and a kind of page in turn
_CITED_CASES = [
    (form, between, place, _LABELS[i % 4], _CITED[i % 3], i % 2 == 1)
    for i, (form, between, place) in enumerate(itertools.product(_DATE_FORMS, _BETWEEN, _PLACES))
]


@pytest.mark.parametrize(("form", "between", "place", "label", "cited", "html"), _CITED_CASES)
def test_a_date_line_alone_under_the_title_outranks_a_cited_documents_writing_date(
    form, between, place, label, cited, html
):
    # the date alone under the title is the page's own date line; the 成文日期 a related
    # document's box or an attachment's grid shows is that document's (before: the cited
    # document's date was taken, 9,000 of 9,600 such generated pages dated 2019-05-06)
    agency = _AGENCIES[len(form + between + label) % len(_AGENCIES)]
    year = 2019 + len(cited + place) % 5
    own = form.format(y=year + 1)
    lines = _cited_page(agency, year, own, cited.format(label=label), place, between)
    got = parse_bytes(*_page(lines, html))
    assert (got.published, got.agency, got.year) == (f"{year + 1}-01-20", agency, year)


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize("label", _LABELS)
@pytest.mark.parametrize("form", _DATE_FORMS)
def test_a_date_line_away_from_the_title_and_a_writing_date_that_disagree_date_nothing(
    html, label, form
):
    # a date alone above the title among the portal's menus is anyone's (the portal's, a
    # list's), and a 成文日期 may be a cited document's: neither is taken, and the page says so
    lines = [
        "网站首页",
        "政务公开",
        form.format(y=2024),
        "政府信息公开年报",
        *_cited_page("宝鸡市司法局", 2023, None, f"{label}：2019-05-06", "under"),
    ]
    got = parse_bytes(*_page(lines, html))
    assert got.published is None
    assert any("disagree" in p and "2019-05-06" in p for p in got.problems)


@pytest.mark.parametrize("label", _LABELS)
def test_a_date_line_away_from_the_title_that_agrees_with_the_writing_date_dates_the_report(
    label,
):
    lines = [
        "网站首页",
        "2024-01-20",
        "政府信息公开年报",
        f"{label}：2024-01-20",
        "宝鸡市司法局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "2023年，宝鸡市司法局认真贯彻落实《条例》。",
    ]
    assert parse_bytes(*_page(lines, False)).published == "2024-01-20"


@pytest.mark.parametrize("clock", ["2026-12-07", "2026年12月7日", "2023-06-01"])
@pytest.mark.parametrize("label", _LABELS)
def test_a_date_alone_that_cannot_date_the_report_leaves_the_writing_date(clock, label):
    # a portal's clock at the top, or a date within the report year: no publication of a
    # 2023 report, so no rival of the page's 成文日期
    lines = [
        clock,
        "网站首页",
        f"{label}：2024-01-18",
        "宝鸡市司法局2023年政府信息公开工作年度报告",
        "一、总体情况",
        "2023年，宝鸡市司法局认真贯彻落实《条例》。",
    ]
    assert parse_bytes(*_page(lines, False)).published == "2024-01-18"


#: the brackets after a name that give the short name the text goes on with
_ALIASES = ("（以下简称{s}）", "（以下简称“{s}”）", "(下称{s})", "（简称{s}）", "（以下称{s}）")
#: sentences naming the report, or opening it, with the agency's name in them
_SENTENCES = (
    "根据《中华人民共和国政府信息公开条例》规定，现公布{a}{alias}{y}年政府信息公开工作年度报告。",
    "根据《中华人民共和国政府信息公开条例》要求，特编制{a}{alias}{y}年度政府信息公开工作年度报告。",
    "{y}年，{a}{alias}坚持以习近平新时代中国特色社会主义思想为指导，扎实推进政府信息公开各项工作。",
)
_SHORT = {
    "西湖区人力资源和社会保障局": "区人社局",
    "宝鸡市司法局": "市司法局",
    "青龙镇人民政府": "镇政府",
    "莆田市涵江区教育局": "区教育局",
    "东街街道": "街道",
}


@pytest.mark.parametrize("html", [False, True])
@pytest.mark.parametrize(
    ("agency", "alias", "sentence"), list(itertools.product(_AGENCIES, _ALIASES, _SENTENCES))
)
def test_the_brackets_of_a_short_name_after_the_agency_are_no_part_of_its_name(
    html, agency, alias, sentence
):
    # before: the brackets were read as a second name (清远市清新区人民政府办公室（以下简称区政府
    # 办公室）, a real report's), or the opening sentence's name cut at 以 and none taken
    year = 2019 + len(alias) % 5
    line = sentence.format(a=agency, alias=alias.format(s=_SHORT[agency]), y=year)
    got = parse_bytes(*_page([line, "一、总体情况", f"{year}年，我单位工作有序推进。"], html))
    assert (got.agency, got.year) == (agency, year)


#: a grid's label whose value is the report's title, on the line of the grid's other cells
_TITLE_LABELS = ("发文字号", "文号", "标题", "名称", "信息名称", "题目")
_CELLS_BEFORE = (
    "索引号 620702074/2024-00047 ",
    "索引号：11330240-2/2024-104757 ",
    "索引号 XM02123-0101-2024-00001 | ",
    "",
)


@pytest.mark.parametrize(
    ("agency", "label", "before", "sep"),
    [
        (agency, label, before, (" ", "：", ": ")[i % 3])
        for i, (agency, label, before) in enumerate(
            itertools.product(_AGENCIES, _TITLE_LABELS, _CELLS_BEFORE)
        )
    ],
)
def test_a_grid_label_before_the_title_on_its_line_is_no_part_of_the_agency(
    agency, label, before, sep
):
    # 索引号 620702074/2024-00047 发文字号 东街街道2023年度…报告号 (a real grid): before, the
    # agency read was 00047发文字号东街街道
    title = f"{agency}2023年度政府信息公开工作年度报告"
    lines = [
        "当前位置: 首页>政府信息公开>政府信息公开年报",
        f"{before}{label}{sep}{title}号",
        "生成日期 2024-01-26",
        "一、总体情况",
        "2023年，我单位认真贯彻落实《条例》。",
    ]
    got = parse_bytes(*_page(lines, False))
    assert (got.agency, got.year) == (agency, 2023)
