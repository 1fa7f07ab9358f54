"""The agency of organs a reader names with certainty though their names hold no place's
ending (a university, a hospital, a prison, a securities regulator's office), read wherever the
page names it; a kind of such an organ alone (第一人民医院, 师范大学) stays unnamed."""

from __future__ import annotations

import itertools

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_parsing import _AGENCY_PAGE as _PAGE

_HTML = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{h1}</h1><p>一、总体情况</p><p>{body}</p><p>二、主动公开政府信息情况</p>
<table><tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr></table>
<p>{sign}</p><p>2024年1月20日</p></body></html>"""

#: proper names (a city's without its 市, a foundation's) and the kinds of organ they name
_PROPER = ("赤峰", "清华", "湘雅", "深圳", "潍北", "协和", "华西", "东南", "华北", "南京")
#: (a city's housing fund centre and a regional energy regulator's office go by the city's or the
#: region's name alone: 南京住房公积金管理中心, 华北能源监管局)
_KINDS = (
    "大学",
    "监狱",
    "医院",
    "职业技术学院",
    "证监局",
    "看守所",
    "附属第一医院",
    "住房公积金管理中心",
    "能源监管局",
)
#: the words every city's organ of a kind holds before its kind: no name by themselves
_GENERIC = ("", "第一", "市第一人民", "师范", "女子", "中心", "县", "职业技术", "市", "中医")


def _pages(agency: str) -> list[tuple[str, bytes, str]]:
    """The page naming `agency` in its title, its sign-off, its opening sentence under a title
    without a name, and its <head>'s title alone (name, bytes, where)."""
    year = "2023年政府信息公开工作年度报告"
    texts = {
        "title": {"head": agency + year, "body": "2023年，工作有序推进。", "sign": ""},
        "signoff": {
            "head": year,
            "body": "2023年，工作有序推进。",
            "sign": f"{agency}\n2024年1月20日",
        },
        "opening": {"head": year, "body": f"2023年，{agency}认真贯彻落实《条例》。", "sign": ""},
    }
    pages = [(w, _PAGE.format(**t).encode(), "p.txt") for w, t in texts.items()]
    html = _HTML.format(title=agency + year, h1=year, body="2023年，工作有序推进。", sign="")
    return [*pages, ("head", html.encode(), "p.html")]


@pytest.mark.parametrize(("proper", "kind"), list(itertools.product(_PROPER, _KINDS)))
def test_an_organ_under_a_proper_name_is_the_agency_wherever_the_page_names_it(proper, kind):
    agency = proper + kind
    got = {w: parse_bytes(data, name).agency for w, data, name in _pages(agency)}
    assert got == {w: agency for w in got}


@pytest.mark.parametrize(("generic", "kind"), list(itertools.product(_GENERIC, _KINDS)))
def test_a_kind_of_organ_without_a_proper_name_stays_unnamed(generic, kind):
    for where, data, name in _pages(generic + kind):
        got = parse_bytes(data, name)
        assert got.agency is None, (where, generic + kind, got.agency)
        assert "metadata_missing" in got.flags


@pytest.mark.parametrize(
    "agency",
    [
        "国家税务总局深圳市福田区税务局",
        "北京市海淀区人民政府学院路街道办事处",
        "中国人民银行上海分行",
        "拱北海关",
        "杭州市公共资源交易中心",
        "广州市住房公积金管理中心",
        "深圳市第一人民医院",
    ],
)
def test_the_opening_under_a_title_without_a_name_names_the_agency(agency):
    # the title line (2023年政府信息公开工作年度报告) opens with the year as the opening
    # sentence does; taken for it, it hid the sentence that names the agency
    _where, data, name = _pages(agency)[2]
    assert parse_bytes(data, name).agency == agency


@pytest.mark.parametrize("agency", ["深圳海关", "北京市统计局", "清华大学", "中国人民银行上海分行"])
@pytest.mark.parametrize(
    "line",
    ["日期: 2024-01-20 发布机构:{a}", "发布时间：2024-01-20 来源：{a}", "2024-01-20 信息来源:{a}"],
)
def test_a_metadata_line_above_a_title_without_a_name_gives_its_value_not_the_line(agency, line):
    # read as the first line of a two-line title, the line split at its date's hyphen gave
    # 20发布机构:北京市统计局 as the agency, with no flag
    head = line.format(a=agency) + "\n2023年政府信息公开工作年度报告"
    page = _PAGE.format(head=head, body="2023年，工作有序推进。", sign="")
    got = parse_bytes(page.encode(), "meta.txt")
    assert got.agency == agency
