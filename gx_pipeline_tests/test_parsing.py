"""The parser on real pages: the seed report and the real development excerpts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gx_pipeline.parsing import ParseError, parse_bytes, parse_file

FIXTURES = Path(__file__).parent / "fixtures"
SEED_TXT = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
SEED_HTML = FIXTURES / "seed" / "000_1722c90fa512988b.html"
SEED_EXPECTED = json.loads((FIXTURES / "seed" / "seed-expected.json").read_text("utf-8"))
REALDEV = sorted((FIXTURES / "realdev" / "pages").glob("*.txt"))


def _cells(record: dict) -> list[tuple]:
    return [(c["section"], c["row"], c["col"], c["value"]) for c in record["cells"]]


def test_seed_text_parses_to_its_expected_json_cell_for_cell():
    got = parse_file(SEED_TXT).to_json()
    for field in ("source", "agency", "year", "published", "template"):
        assert got[field] == SEED_EXPECTED[field], field
    assert _cells(got) == _cells(SEED_EXPECTED)


def test_seed_flags_the_unlabelled_row_and_the_short_appeals_row():
    problems = parse_file(SEED_TXT).problems
    assert any(p.startswith("requests.withheld.admin_query:") and "position" in p for p in problems)
    assert any(p.startswith("appeals:") and "12 of 15" in p for p in problems)


def test_html_page_and_text_copy_of_the_seed_give_the_same_json():
    html = parse_file(SEED_HTML).to_json()
    text = parse_file(SEED_TXT).to_json()
    for field in ("agency", "year", "published", "template", "problems", "complete"):
        assert html[field] == text[field], field
    assert _cells(html) == _cells(text)
    assert [c["raw"] for c in html["cells"]] == [c["raw"] for c in text["cells"]]


def test_seed_html_is_gbk_declared_as_gb2312_and_decodes():
    data = SEED_HTML.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert parse_bytes(data, "seed.html").agency == "襄都区科技和工业信息化局"


def test_cells_keep_their_source_position():
    cells = {(c.section, c.row, c.col): c for c in parse_file(SEED_HTML).cells}
    amount = cells[("proactive", "procurement", "amount")]
    assert (amount.value, amount.raw) == (422, "422万元")
    assert (amount.table, amount.tr, amount.td) == (1, 18, 3)
    total = cells[("requests", "results_total", "total")]
    assert total.table == 2 and total.value == 0


@pytest.mark.parametrize("page", REALDEV, ids=lambda p: p.stem)
def test_real_excerpt_matches_its_truth(page: Path):
    truth = json.loads((page.parent.parent / "truth" / f"{page.stem}.json").read_text("utf-8"))
    got = parse_file(page).to_json()
    for field in ("agency", "year", "published", "template"):
        assert got[field] == truth[field], field
    values = {(c["section"], c["row"], c["col"]): c["value"] for c in got["cells"]}
    for c in truth["cells"]:
        key = (c["section"], c["row"], c["col"])
        assert key in values, f"missing {key}"
        assert values[key] == c["value"], key
    for section, complete in truth["complete"].items():
        if complete:
            assert got["complete"][section], section


def test_rows_outside_the_template_are_reported_not_mapped():
    got = parse_file(FIXTURES / "realdev" / "pages" / "102_beijing_tongzhou_xinhua_street_2019.txt")
    assert not any(c.row == "other_services" for c in got.cells)
    assert any("行政检查" in p for p in got.problems)
    assert any(p.startswith("proactive.other_services:") for p in got.problems)


def test_mixed_format_block_is_not_guessed():
    got = parse_file(FIXTURES / "realdev" / "pages" / "113_xian_lintong_qinling_2022.txt")
    assert got.template == "2021"
    assert not any(c.row in ("rules", "normative_docs") for c in got.cells)
    assert any(p.startswith("proactive.rules:") for p in got.problems)


def test_last_number_of_a_cut_off_page_is_not_read():
    got = parse_file(FIXTURES / "realdev" / "pages" / "113_xian_lintong_qinling_2022.txt")
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "requests"}
    assert values[("withheld.third_party", "legal_service")] == 0
    assert ("withheld.third_party", "other_org") not in values or values[
        ("withheld.third_party", "other_org")
    ] is None
    assert any("ends inside a cell" in p for p in got.problems)


def test_page_without_tables_says_why():
    got = parse_file(FIXTURES / "realdev" / "pages" / "114_harbin_wuchang_beiyinhe_town_2022.txt")
    assert got.cells == ()
    assert any(p.startswith("page: no tables") and "headings" in p for p in got.problems)


@pytest.mark.parametrize(
    "data, reason",
    [(b"", "empty"), (b"   \n", "empty"), (bytes(range(256)) * 40, "binary")],
)
def test_unreadable_bytes_raise_the_parsers_own_error(data: bytes, reason: str):
    with pytest.raises(ParseError, match=reason):
        parse_bytes(data, "junk.html")


def _gx(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_gx_parse_prints_one_contract_line_per_file(tmp_path: Path):
    junk = tmp_path / "junk.html"
    junk.write_bytes(b"\x00\x01\x02" * 500)
    done = _gx("parse", str(SEED_TXT), str(junk), str(SEED_HTML))
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["source"] for line in lines] == [SEED_TXT.name, "junk.html", SEED_HTML.name]
    assert _cells(lines[0]) == _cells(SEED_EXPECTED)
    assert "error" in lines[1] and "binary" in lines[1]["error"]
    assert "error" not in lines[2]


def test_gx_parse_exits_zero_when_every_file_reads():
    done = _gx("parse", str(SEED_TXT), str(REALDEV[0]))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


def _appeals_table(lead: str) -> str:
    head = (
        "<tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
        "<tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>"
        "<td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td>"
        "<td colspan=5>复议后起诉</td></tr><tr>"
        + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2
        + "</tr>"
    )
    values = "".join(f"<td>{v}</td>" for v in (1, 2, 0, 0, 3, 0, 0, 0, 1, 1, 2, 0, 0, 0, 2))
    return f"<table>{head}<tr>{lead}{values}</tr></table>"


def test_section_title_rows_inside_one_table_open_their_sections():
    page = (
        "<html><body><p>某县统计局2022年政府信息公开工作年度报告</p><table>"
        "<tr><td colspan=15>四、政府信息公开行政复议、行政诉讼情况</td></tr>"
        + _appeals_table("")[len("<table>") :]
        + "</body></html>"
    )
    got = parse_bytes(page.encode("utf-8"), "onetable.html")
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
    assert values[("review", "total")] == 3
    assert values[("litigation_after_review", "upheld")] == 2
    assert got.complete["appeals"]


def test_a_label_cell_before_the_appeals_row_does_not_hide_its_values():
    page = (
        "<html><body><p>某县统计局2022年政府信息公开工作年度报告</p>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        + _appeals_table("<td>数量</td>")
        + "</body></html>"
    )
    got = parse_bytes(page.encode("utf-8"), "lead.html")
    values = {(c.row, c.col): c.value for c in got.cells if c.section == "appeals"}
    assert values[("review", "upheld")] == 1 and values[("litigation_direct", "total")] == 1
    assert any(p.startswith("appeals:") and "数量" in p for p in got.problems)


def test_title_and_publication_date_from_the_cms_meta_tags():
    seed_body = SEED_HTML.read_bytes().decode("gb18030")
    # a CMS page: no visible date line, the title and PubDate only in <meta>
    page = seed_body.replace(
        "<title>",
        '<meta name="ArticleTitle" content="襄都区科技和工业信息化局2020年政府信息'
        '公开工作年度报告"><meta name="PubDate" content="2021-01-28 09:30"><title>',
        1,
    ).replace("发布时间: 2021-01-27", "浏览次数: 12")
    got = parse_bytes(page.encode("utf-8"), "cms.html")
    assert (got.agency, got.year, got.published) == ("襄都区科技和工业信息化局", 2020, "2021-01-28")


@pytest.mark.parametrize(
    "name",
    [
        "hazards/page_chrome_before_and_after.html",
        "hazards/word_exported_html.html",
        "hazards/cms_editor_wrappers.html",
        "hazards/document_ends_mid_table.html",
        "redteam/q08_hidden_duplicate_rows_2020.html",
        "redteam/s19_report_in_iframe_srcdoc_2021.html",
        "redteam/r9_a03_hidden_stale_copies_2021.html",
        "redteam/r9_a11_hidden_table_span_font_2020.html",
    ],
)
def test_line_marks_from_the_markup_give_the_same_tokens_as_the_xslt(name, monkeypatch):
    """The fallback for a tree libxslt refuses (marks in the markup, tables walked in Python)
    gives the same tokens: lines, cells, their positions, hidden rows left out."""
    from lxml import etree

    from gx_pipeline.parsing import tokens
    from gx_pipeline.parsing.decode import decode

    text = decode((FIXTURES / name).read_bytes(), name).text
    by_xslt = tokens.html_tokens(text)

    def refuse(_root):
        raise etree.XSLTApplyError("refused")

    monkeypatch.setattr(tokens, "_LINES", refuse)
    by_markup = tokens.html_tokens(text)
    assert any(t.kind == tokens.LINE for t in by_xslt[0])
    assert any(t.kind == tokens.CELL for t in by_xslt[0])
    assert by_markup == by_xslt


def test_private_use_characters_in_a_page_are_text_not_marks():
    """Old GBK fonts put rare characters of names in the private-use area; the tokenizer's own
    marks are noncharacters (replaced should a page hold one), so such a character inside a
    cell or a line changes nothing."""
    path = FIXTURES / "hazards" / "page_chrome_before_and_after.html"
    page = path.read_text("utf-8")
    odd = (
        page.replace("发布机构：", "发布\ue000\ue001\ue002\ue003\ue004机构：")
        .replace("本年新收政府信息公开申请数量", "本年新收政府信息\ue003公开申请数量\ue000")
        .replace("二七区卫生健康委员会", "二七区卫生健康委员会\ufdd3")  # the marks themselves
        .replace("本年新收政府信息\ue003", "本年新收政府信息\ue003\ufdd0\ufdd3")
    )
    assert odd != page
    plain, marked = parse_bytes(page.encode(), path.name), parse_bytes(odd.encode(), path.name)
    assert [(c.section, c.row, c.col, c.value, c.table, c.tr, c.td) for c in marked.cells] == [
        (c.section, c.row, c.col, c.value, c.table, c.tr, c.td) for c in plain.cells
    ]
    assert len(plain.cells) > 100


def test_an_end_of_paragraph_that_closes_nothing_breaks_the_line_as_in_a_browser():
    """CMS editors leave `</p>` (and `</br>`) with no open element; a browser shows a line break
    there, libxml2 drops the tag. Inside a cell it adds nothing."""
    from gx_pipeline.parsing import tokens

    page = (
        "<html><body><div>发布时间：2022-01-20</p>浏览次数：12</br>来源：本局</div>"
        "<table><tr><td><p>3</p></p></td><td>规章</P></td></tr></table></body></html>"
    )
    found, _ = tokens.html_tokens(page)
    assert [t.text for t in found if t.kind == tokens.LINE] == [
        "发布时间：2022-01-20",
        "浏览次数：12",
        "来源：本局",
    ]
    assert [(t.text, t.td) for t in found if t.kind == tokens.CELL] == [("3", 1), ("规章", 2)]


def test_a_row_whose_tr_start_tag_is_missing_is_read_as_its_own_row(monkeypatch):
    """`</tr><td>…</td></tr>`: libxml2 leaves the cells directly in the table, a browser puts
    them into a row; so does the tokenizer, with the row's place in the count kept."""
    path = FIXTURES / "hazards" / "page_chrome_before_and_after.html"
    page = path.read_text("utf-8")
    broken = page.replace(
        '<tr><td colspan="3">一、本年新收', '<td colspan="3">一、本年新收', 1
    ).replace("<tr><td>政府集中采购", "<td>政府集中采购", 1)
    assert broken.count("<tr>") == page.count("<tr>") - 2
    plain, loose = parse_bytes(page.encode(), path.name), parse_bytes(broken.encode(), path.name)
    assert [(c.section, c.row, c.col, c.value, c.table, c.tr, c.td) for c in loose.cells] == [
        (c.section, c.row, c.col, c.value, c.table, c.tr, c.td) for c in plain.cells
    ]
    assert any(c.row == "new_received" for c in loose.cells)
    assert any(c.section == "proactive" and c.row == "procurement" for c in loose.cells)

    from lxml import etree

    from gx_pipeline.parsing import tokens

    by_xslt = tokens.html_tokens(broken)

    def refuse(_root):
        raise etree.XSLTApplyError("refused")

    monkeypatch.setattr(tokens, "_LINES", refuse)
    assert tokens.html_tokens(broken) == by_xslt  # the fallback walks loose cells alike


def test_a_cell_the_browser_does_not_show_is_not_read_but_keeps_its_place(monkeypatch):
    path = FIXTURES / "hazards" / "page_chrome_before_and_after.html"
    page = path.read_text("utf-8")
    label = '<td colspan="3">一、本年新收政府信息公开申请数量</td>'
    hidden = page.replace(label, label + '<td style="DISPLAY: none">99</td>', 1)
    assert hidden != page
    plain, shown = parse_bytes(page.encode(), path.name), parse_bytes(hidden.encode(), path.name)
    assert [(c.section, c.row, c.col, c.value) for c in shown.cells] == [
        (c.section, c.row, c.col, c.value) for c in plain.cells
    ]
    row = [
        (c.td, d.td)
        for c, d in zip(shown.cells, plain.cells, strict=True)
        if c.row == "new_received"
    ]
    assert row and all(td == before + 1 for td, before in row)  # the source position counts it

    from lxml import etree

    from gx_pipeline.parsing import tokens

    by_xslt = tokens.html_tokens(hidden)

    def refuse(_root):
        raise etree.XSLTApplyError("refused")

    monkeypatch.setattr(tokens, "_LINES", refuse)
    assert tokens.html_tokens(hidden) == by_xslt


def test_a_hidden_block_is_left_out_only_when_it_repeats_tables_the_page_shows():
    """A hidden print copy or draft of shown tables is not read (r9_* red-team pages); a hidden
    block holding a table shown nowhere else is (a tab or "read more" block a script opens)."""
    path = FIXTURES / "hazards" / "page_chrome_before_and_after.html"
    page = path.read_text("utf-8")
    start = page.index("<table", page.index("四、政府信息公开行政复议"))
    end = page.index("</table>", start) + len("</table>")
    tab = page[:start] + '<div class="tab" style="display: none">' + page[start:end] + "</div>"
    tab += page[end:]
    plain, tabbed = parse_bytes(page.encode(), path.name), parse_bytes(tab.encode(), path.name)
    appeals = [(c.row, c.col, c.value) for c in plain.cells if c.section == "appeals"]
    assert len(appeals) == 15
    assert [(c.row, c.col, c.value) for c in tabbed.cells if c.section == "appeals"] == appeals


@pytest.mark.parametrize(
    "charset", ["undefined", "koi8-r", "cp866", "macintosh", "cp437", "x-unknown"]
)
def test_a_page_declaring_a_charset_that_is_not_chinese_is_read_as_gb18030(charset: str):
    # GBK bytes under a charset that is not Chinese (or not a charset at all): the declared one
    # either decodes every byte to nonsense or cannot decode at all; neither may cost the page
    html = SEED_HTML.read_bytes().decode("gb18030")
    page = html.replace("gb2312", charset, 1).encode("gb18030")
    assert f"charset={charset}".encode() in page
    got = parse_bytes(page, "declared.html")
    assert got.agency == "襄都区科技和工业信息化局"
    assert _cells(got.to_json()) == _cells(SEED_EXPECTED)


_AGENCY_PAGE = """{head}
一、总体情况
{body}
二、主动公开政府信息情况
第二十条第（一）项 | | | |
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
{sign}
"""


@pytest.mark.parametrize(
    ("head", "body", "sign", "agency"),
    [
        ("", "2021年，通过政府门户网站主动公开政府信息120条。", "", None),
        ("", "2021年，我市行政机关认真贯彻落实《条例》。", "", None),
        ("", "2022年，区政府办公室通过区政府网站主动公开信息。", "", None),
        (
            "2021年政府信息公开工作年度报告",
            "2021年，县政务公开有序推进。",
            "政府\n2022年1月20日",
            None,
        ),
        ("市人民政府办公室2021年政府信息公开工作年度报告", "2021年，工作有序推进。", "", None),
        (
            "市人民政府办公室2021年政府信息公开工作年度报告",
            "2021年，工作有序推进。",
            "天门市人民政府办公室\n2022年1月20日",
            "天门市人民政府办公室",
        ),
        ("", "2021年，天门市人民政府办公室通过政府门户网站公开信息。", "", "天门市人民政府办公室"),
        ("", "2021年，本溪市财政局认真贯彻落实《条例》。", "", "本溪市财政局"),
    ],
)
def test_the_agency_is_a_name_never_a_phrase_of_the_text(head, body, sign, agency):
    page = _AGENCY_PAGE.format(head=head, body=body, sign=sign).encode("utf-8")
    got = parse_bytes(page, "agency.txt")
    assert got.agency == agency
    if agency is None:
        assert "meta.agency: the page does not name the publishing agency" in got.problems
        assert "metadata_missing" in got.flags


#: kinds of office as a portal's 发布机构 or a report's title writes them, with no place: the
#: same words stand in the name of every county's office of that kind
_OFFICE_KINDS = (
    "财政局",
    "统计局",
    "住房和城乡建设局",
    "市场监督管理局",
    "政府办公室",
    "农业农村局",
)


def _kind_page(kind: str, *, line: str, title: str, body: str, sign: str) -> bytes:
    """A text copy whose 发布机构 line, title, opening sentence and sign-off each may name the
    office by its kind alone ({kind} in them)."""
    head = (
        f"日期: 2022-01-20 发布机构:{line} 字体:[大 中 小]\n{title}2021年政府信息公开工作年度报告"
    )
    page = _AGENCY_PAGE.format(head=head, body=f"2021年，{body}认真贯彻落实《条例》。", sign=sign)
    return page.format(kind=kind).encode("utf-8")


@pytest.mark.parametrize("kind", _OFFICE_KINDS)
@pytest.mark.parametrize(
    ("line", "title", "body", "sign", "agency"),
    [
        # the kind alone wherever the page names the office: which county's, it does not say
        ("{kind}", "", "我单位", "2022年1月20日", None),
        ("{kind}", "{kind}", "{kind}", "2022年1月20日", None),
        ("本网", "", "{kind}", "{kind}\n2022年1月20日", None),
        ("{kind}", "", "我单位", "{kind}\n2022年1月20日", None),
        # one source names the place: that name
        ("{kind}", "", "我单位", "宁强县{kind}\n2022年1月20日", "宁强县{kind}"),
        ("宁强县{kind}", "{kind}", "{kind}", "2022年1月20日", "宁强县{kind}"),
        ("{kind}", "宁强县{kind}", "我单位", "{kind}\n2022年1月20日", "宁强县{kind}"),
        ("{kind}", "{kind}", "宁强县{kind}", "2022年1月20日", "宁强县{kind}"),
    ],
)
def test_a_kind_of_office_without_its_place_is_no_agency(kind, line, title, body, sign, agency):
    # a portal's 发布机构 gives the office's kind (财政局, 政府办公室); a title or a sign-off
    # may leave the place out too
    got = parse_bytes(_kind_page(kind, line=line, title=title, body=body, sign=sign), "kind.txt")
    assert got.agency == (agency and agency.format(kind=kind))
    assert ("metadata_missing" in got.flags) == (agency is None)
    missing = "meta.agency: the page does not name the publishing agency"
    assert (missing in got.problems) == (agency is None)


#: what stands before an office's kind in place of a place, naming none: the level alone (县,
#: 区委区政府), or a kind of zone every city has (开发区, 高新区)
_NO_PLACE_BEFORE = (
    "县",
    "区",
    "市",
    "省",
    "县委",
    "区委区政府",
    "中共县委",
    "市县",
    "高新区",
    "经开区",
)
#: kinds whose words hold a place's ending after the level word (县|城市, 市|市场, 市|城乡), a
#: party department (宣传部 ends as a ministry does), a zone's committee
_KINDS_AFTER_A_LEVEL = (
    "市场监督管理局",
    "城市管理局",
    "城乡建设局",
    "乡村振兴局",
    "宣传部",
    "管委会",
)


@pytest.mark.parametrize("before", _NO_PLACE_BEFORE)
@pytest.mark.parametrize("kind", _KINDS_AFTER_A_LEVEL)
def test_a_kind_of_office_after_a_level_word_is_no_agency(before: str, kind: str):
    # 县市场监督管理局 is the county's office, which county not said: the 市 of 市场 after 县
    # is no place's ending, nor 部 of 县委宣传部 a ministry's
    name = before + kind
    page = _kind_page(name, line="{kind}", title="{kind}", body="{kind}", sign="2022年1月20日")
    got = parse_bytes(page, "level.txt")
    assert got.agency is None, name
    assert "metadata_missing" in got.flags


@pytest.mark.parametrize(
    "name",
    [
        "西园街道办事处",
        "青山镇人民政府",
        "国家统计局",
        "区秦岭保护局",
        "丰城市人民政府",
        "锡山区农业农村局",
        # places whose names open with a level's word, bodies named by a province's short name
        "市中区人民政府",
        "镇江市财政局",
        "镇安县人民政府",
        "乡城县市场监督管理局",
        "中共湘潭县委宣传部",
        "中共中央宣传部",
        "教育部",
        "长沙经济技术开发区管理委员会",
        "两江新区管理委员会",
        "阿里地区行政公署",
        "新疆生产建设兵团第八师",
        "兵团第八师",
        "乌审召苏木",
        "广东出入境边防检查总站",
    ],
)
def test_a_name_with_its_place_or_a_national_body_stays_the_agency(name):
    # a town or street names itself without its county (西园街道办事处): that is its name, and
    # the county is read by the warehouse from the page's text and site code
    page = _kind_page(name, line="{kind}", title="{kind}", body="{kind}", sign="2022年1月20日")
    got = parse_bytes(page, "named.txt")
    assert got.agency == name
    assert "metadata_missing" not in got.flags


@pytest.mark.parametrize(
    "embed",
    [
        '<embed src="/video/gk.swf" width="600" height="400">',
        "<EMBED SRC=/flash/banner.swf quality=high>",
        '<p><embed type="video/mp4" src="/media/intro.mp4"></p>',
        '<div class="player"><embed src="/v.swf"><noscript>请安装播放器</noscript></div>',
    ],
)
def test_an_embed_left_unclosed_before_the_report_hides_nothing(embed: str):
    """<embed> is void in HTML, so pages leave it unclosed (media players, flash banners on
    portal pages); libxml2 nests the rest of the page inside it, and stripping it as a skipped
    element took the report with it ("no text on the page")."""
    page = (FIXTURES / "hazards" / "page_chrome_before_and_after.html").read_text(encoding="utf-8")
    plain = parse_bytes(page.encode("utf-8"), "plain.html")
    with_embed = page.replace("<body>", "<body>" + embed, 1)
    assert with_embed != page
    report = parse_bytes(with_embed.encode("utf-8"), "embed.html")
    assert [c.to_json() for c in report.cells] == [c.to_json() for c in plain.cells]
    assert report.agency == plain.agency and report.year == plain.year


#: real pages whose requests header draws the 法人或其他组织 group over its five columns
GROUP_HEADED = [p for p in REALDEV if "法人或其他组织" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("variant", ["法人或者其他组织", "法人及其他组织", "法人或其它组织"])
@pytest.mark.parametrize("page", GROUP_HEADED, ids=lambda p: p.name[:3])
def test_the_group_heading_in_other_words_reads_as_the_templates(page: Path, variant: str):
    """Agencies word the group heading their own way; read as a column of its own it put the
    group's five columns after 总计, and a page in the template's order was flagged as having
    its columns in another (values right, trust lowered for nothing)."""
    text = page.read_text(encoding="utf-8")
    template = parse_bytes(text.encode(), page.name)
    worded = parse_bytes(text.replace("法人或其他组织", variant).encode(), page.name)
    assert worded.cells == template.cells
    assert worded.flags == template.flags
    assert worded.complete == template.complete


def test_pages_with_the_group_heading_are_there():
    assert len(GROUP_HEADED) >= 4


#: every place of the division list whose name begins with a word the agency reader takes for a
#: reference to an agency (全区…, 贵单位, 本局) or for a verb before a name (特此…), or holds a
#: verb that ends the name in an opening sentence (…共…, …将…)
_PLACES_LIKE_WORDS = (
    "全南县",
    "全州县",
    "全椒县",
    "贵州省",
    "贵阳市",
    "贵港市",
    "贵溪市",
    "贵池区",
    "贵德县",
    "贵定县",
    "贵南县",
    "特克斯县",
    "本溪市",
    "本溪满族自治县",
    "共和县",
    "共青城市",
    "将乐县",
)


@pytest.mark.parametrize("place", _PLACES_LIKE_WORDS)
def test_an_agency_of_a_place_whose_name_begins_like_a_reference_is_named(place: str):
    import random

    from gx_pipeline.pagegen import STYLES, make_page, template_for

    wrong = []
    for index, style in enumerate(s for s in STYLES if s != "images"):
        rng = random.Random(f"place:{place}:{index}")
        page = make_page(
            rng,
            index=index,
            style=style,
            year=2023,
            template=template_for(2023, rng),
            counties=[place],
        )
        got = parse_bytes(page.data, page.filename)
        if got.agency != page.truth.agency:
            wrong.append((style, got.agency, page.truth.agency))
    assert wrong == []


@pytest.mark.parametrize("place", _PLACES_LIKE_WORDS)
@pytest.mark.parametrize(
    ("head", "body", "sign"),
    [
        ("{agency}2021年政府信息公开工作年度报告", "2021年，工作有序推进。", ""),
        ("", "2021年，{agency}认真贯彻落实《条例》。", ""),
        ("2021年政府信息公开工作年度报告", "2021年，工作有序推进。", "{agency}\n2022年1月20日"),
    ],
)
def test_a_places_agency_is_read_from_the_title_the_opening_or_the_signoff(
    place: str, head: str, body: str, sign: str
):
    agency = f"{place}统计局"
    page = _AGENCY_PAGE.format(
        head=head.format(agency=agency),
        body=body.format(agency=agency),
        sign=sign.format(agency=agency),
    )
    assert parse_bytes(page.encode("utf-8"), "agency.txt").agency == agency


#: agencies that publish these reports, of kinds beyond a government and its bureaus: Party and
#: mass organisations, a bank's branches, customs, centres, zones, a corps' cities
_AGENCY_KINDS = (
    "共青团共和县委员会",
    "共青团北京市委员会",
    "中共平湖市委办公室",
    "平湖市公共资源交易中心",
    "中国人民银行开远市支行",
    "中国人民银行贵阳中心支行",
    "国家税务总局贵阳市税务局",
    "贵阳海关",
    "威县统计局",
    "冷水滩区妇女联合会",
    "苏州工业园区管理委员会",
    "新疆生产建设兵团第八师石河子市人民政府",
    "内蒙古自治区阿拉善盟行政公署",
    "开远市第一中学",
)
_AGENCY_FORMS = (
    ("{agency}2021年政府信息公开工作年度报告", "2021年，工作有序推进。", ""),
    ("", "2021年，{agency}认真贯彻落实《条例》。", ""),
    ("", "2021年，{agency}共发布政府信息120条。", ""),
    ("2021年政府信息公开工作年度报告", "2021年，工作有序推进。", "{agency}\n2022年1月20日"),
    ("{agency}\n2021年政府信息公开工作年度报告", "2021年，工作有序推进。", ""),
    ("关于公布{agency}2021年政府信息公开工作年度报告的通知", "2021年，工作有序推进。", ""),
    ("2021年度政府信息公开工作年度报告\n发布机构：{agency}", "2021年，工作有序推进。", ""),
)


@pytest.mark.parametrize("agency", _AGENCY_KINDS)
@pytest.mark.parametrize(("head", "body", "sign"), _AGENCY_FORMS)
def test_an_agency_of_any_kind_is_read_from_the_title_the_opening_or_the_signoff(
    agency: str, head: str, body: str, sign: str
):
    page = _AGENCY_PAGE.format(
        head=head.format(agency=agency),
        body=body.format(agency=agency),
        sign=sign.format(agency=agency),
    )
    assert parse_bytes(page.encode("utf-8"), "agency.txt").agency == agency


@pytest.mark.parametrize(
    "above",
    ["首页 > 政府信息公开 > 年报", "平湖市统计局", "来源：平湖市人民政府办公室"],
)
def test_a_two_line_titles_name_is_the_line_right_above_it_however_short(above: str):
    """The line above a title without a name is the name only when it is right above it: a
    short name (贵阳海关) is no title line, and the title line before it is another text."""
    page = _AGENCY_PAGE.format(
        head=f"{above}\n贵阳海关\n2021年政府信息公开工作年度报告",
        body="2021年，工作有序推进。",
        sign="",
    )
    assert parse_bytes(page.encode("utf-8"), "agency.txt").agency == "贵阳海关"


@pytest.mark.parametrize(
    "title",
    [
        "{agency}2021年度政府信息公开工作年度报告",
        "2021年{agency}政府信息公开工作年度报告",
        "{agency}二〇二一年政府信息公开工作年度报告",
        "{agency}政府信息公开工作年度报告（2021年度）",
        # the year after the words, 的 before the kind of report, 政务公开 for 政府信息公开
        "{agency}政府信息公开工作2021年度报告",
        "{agency}关于2021年政府信息公开工作的年度报告",
        "{agency}关于2021年度政府信息公开工作情况的报告",
        "{agency}2021年政务公开工作年度报告",
    ],
)
def test_the_agency_and_year_of_a_title_in_its_agencys_wording(title: str):
    agency = "开远市统计局"
    page = _AGENCY_PAGE.format(
        head=title.format(agency=agency), body="一年来工作有序推进。", sign=""
    )
    got = parse_bytes(page.encode("utf-8"), "agency.txt")
    assert (got.agency, got.year) == (agency, 2021)


def test_next_years_plans_after_the_tables_do_not_state_the_report_year():
    """Section 五 opens its plans with the next year (2022年，我们将…); without a year in the
    title or the opening, that sentence is no statement of the report year: a year read from
    the page's other mentions is a guess, and said."""
    page = _AGENCY_PAGE.format(
        head="开远市统计局政府信息公开工作年度报告",
        body="一年来工作有序推进。",
        sign="五、存在的主要问题及改进情况\n公开的及时性有待提高。2022年，我们将进一步加强。",
    )
    got = parse_bytes(page.encode("utf-8"), "plans.txt")
    assert "metadata_guessed" in got.flags
    # with the publication date, the year before it, said once
    dated = page.replace("年度报告\n", "年度报告\n发布时间：2022-01-20\n", 1)
    got = parse_bytes(dated.encode("utf-8"), "plans.txt")
    assert got.year == 2021
    said = "meta.year: no title or statement of the year; taken as the year before publication"
    assert [p for p in got.problems if p.startswith("meta.year")] == [f"{said} (2022-01-20)"]


@pytest.mark.parametrize(
    "line",
    [
        "发布时间：[2022-01-20] 来源：开远市统计局",
        "【发布日期】【2022-01-20】",
        "日期：（2022年1月20日） 浏览次数：35",
        "发布时间 (2022.01.20)",
    ],
)
def test_a_publication_date_in_brackets_is_read(line: str):
    """Portals that set the date after its label in brackets (发布时间：[2022-01-20]): the
    label's date was not seen, so the page had no publication date, and said so."""
    page = _AGENCY_PAGE.format(
        head=f"开远市统计局2021年政府信息公开工作年度报告\n{line}",
        body="一年来工作有序推进。",
        sign="",
    )
    assert parse_bytes(page.encode("utf-8"), "dated.txt").published == "2022-01-20"


@pytest.mark.parametrize(
    "opening",
    [
        "本报告由{agency}根据《中华人民共和国政府信息公开条例》要求编制。",
        "本年度报告由{agency}编制，所列数据的统计期限自2021年1月1日起至2021年12月31日止。",
        "本报告是由{agency}依据《条例》第五十条编写的。",
    ],
)
def test_the_agency_that_the_opening_says_wrote_the_report(opening: str):
    agency = "开远市统计局"
    page = _AGENCY_PAGE.format(
        head="2021年政府信息公开工作年度报告", body=opening.format(agency=agency), sign=""
    )
    assert parse_bytes(page.encode("utf-8"), "compiled.txt").agency == agency


def test_a_contact_for_questions_is_not_the_agency():
    page = _AGENCY_PAGE.format(
        head="2021年政府信息公开工作年度报告",
        body="如对本报告有任何疑问，请与开远市人民政府办公室联系。",
        sign="",
    )
    assert parse_bytes(page.encode("utf-8"), "contact.txt").agency is None


def test_the_fast_nfkc_gives_what_unicodedata_gives():
    """values.nfkc replaces full-width forms by their ASCII ones before NFKC: exact for every
    full-width form, and for random texts that mix them with combining marks, ideographs,
    compatibility characters (①, ¹, ㈠, ﬁ) and Hangul jamo that compose."""
    import random
    import unicodedata

    from gx_pipeline.parsing.values import nfkc

    for code in [*range(0xFF00, 0xFFF0), 0x3000]:
        assert nfkc(chr(code)) == unicodedata.normalize("NFKC", chr(code))
    pool = [
        *map(chr, range(0xFF01, 0xFF5F)),
        "\u3000", "\u0301", "\u0308", "\u0327", "\u1100", "\u1161", "\u11a8", "①", "¹", "㈠",
        "ﬁ", "\ufa71", "况", "政", "府", "a", "e", "A", "1", " ", "\u00a0", "é", "\u212b",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choices(pool, k=rng.randint(1, 12)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_the_characters_a_heading_and_a_block_title_are_first_looked_for_are_all_there_are():
    """labels.heading_section looks for 况 (every heading ends in 情况) and block_title for 条
    before normalising a line: no other character may become either under NFKC."""
    import unicodedata

    from gx_pipeline.parsing import labels

    kuang, tiao = [], []
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        nfkc = unicodedata.normalize("NFKC", chr(code))
        if "况" in nfkc:
            kuang.append(chr(code))
        if "条" in nfkc:
            tiao.append(chr(code))
    assert tuple(kuang) == labels._KUANG
    assert tiao == ["条"]
    assert labels.heading_section("三、收到和处理政府信息公开申请情\ufa71") == "requests"
