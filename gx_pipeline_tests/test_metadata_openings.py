"""The metadata of a report's opening as portals print it: the sentence that publishes the
report names the agency after its verb phrase (特向社会公布XX街道2021年度…, 我局编制并向社会公开
XX局…), a later clause of the opening says who compiled it (本年度报告是根据《条例》要求，由XX局
编制), a date line opens with the date before the article's fields (2021-02-09 发布：XX 点击数：),
and a metadata grid puts its labels in brackets ([ 发布机构 ] | XX)."""

from __future__ import annotations

import itertools

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_parsing import _AGENCY_PAGE as _PAGE

#: agencies of every level and kind, each naming its place
_AGENCIES = (
    "螺洋街道",
    "西湖区人力资源和社会保障局",
    "宝鸡市司法局",
    "青龙镇人民政府",
    "莆田市涵江区教育局",
)
#: what stands before the name in the sentence that publishes the report
_VERBS = (
    "现公开",
    "现公布",
    "特向社会公布",
    "特向社会公开",
    "现向社会公布",
    "向社会公开",
    "制定",
    "编制",
    "我局编制并向社会公开",
    "特编制并向社会公布",
)
#: the years the sentence may name
_YEARS = ("2021年度", "2023年")


def _parsed(head: str, body: str, sign: str = ""):
    return parse_bytes(_PAGE.format(head=head, body=body, sign=sign).encode("utf-8"), "p.txt")


@pytest.mark.parametrize(
    ("verb", "agency", "year"), list(itertools.product(_VERBS, _AGENCIES, _YEARS))
)
def test_the_publishing_sentence_names_the_agency_after_its_verb_phrase(verb, agency, year):
    body = (
        f"根据《中华人民共和国政府信息公开条例》规定，{verb}{agency}{year}政府信息公开工作年度报告。"
        "本报告中所列数据的统计期限自1月1日起至12月31日止。"
    )
    got = _parsed("", body)
    assert got.agency == agency
    assert got.year == int(year[:4])


@pytest.mark.parametrize("verb", _VERBS)
@pytest.mark.parametrize("office", ["区人民政府办公室", "县政府办公室", "区统计局", "财政局"])
def test_a_kind_of_office_after_the_verb_phrase_names_no_agency(verb, office):
    # 现公开区人民政府办公室2023年…: without the verb, a kind of office without its place
    # (公开区 is no district)
    body = f"根据《条例》规定，{verb}{office}2023年政府信息公开工作年度报告。"
    got = _parsed("", body)
    assert got.agency is None
    assert "metadata_missing" in got.flags


#: how the opening says who compiled the report, in a clause after the rules it follows
_COMPILED = (
    "本年度报告是根据《中华人民共和国政府信息公开条例》要求，由{a}编制，包括总体情况等六部分。",
    "本报告依据《中华人民共和国政府信息公开条例》（国务院令第711号），由{a}结合有关统计数据编制。",
    "本报告根据《条例》和《年度报告格式》的要求，由{a}负责编制。",
    "本年度报告依照《条例》第五十条规定，由{a}组织编制。",
)


#: a metadata grid's label written in brackets, its value in the next cell or after it
_GRID = (
    "[ 索 引 号 ] | 0001/2019-01 | [ 发布机构 ] | {a} |",
    "【发布机构】{a}",
    "[发布机构]：{a}",
    "【 发布机构 】 | {a}",
)
#: each statement of the agency and where it stands: the opening's clause in the body, the
#: grid above a title that names none
_STATED = [("body", c) for c in _COMPILED] + [("head", g) for g in _GRID]


@pytest.mark.parametrize(("where", "statement"), _STATED)
@pytest.mark.parametrize("agency", _AGENCIES)
def test_the_compiling_clause_or_a_bracketed_grid_label_names_the_agency(where, statement, agency):
    stated = statement.format(a=agency)
    if where == "body":
        got = _parsed("", stated + "\n1、落实五公开要求。全年发布信息120条。")
    else:
        got = _parsed(stated + "\n2023年政府信息公开工作年度报告", "2023年，工作有序推进。")
    assert got.agency == agency


@pytest.mark.parametrize("agency", _AGENCIES)
def test_a_clause_of_another_sentence_or_a_contact_is_not_the_compiler(agency):
    # the sentence about the report ends before 由 (由XX牵头… is another sentence's), and the
    # contact (请与XX办公室联系) may name another office
    body = (
        f"本年度报告根据《条例》要求编制。由{agency}牵头负责全区政务公开工作。"
        f"如对本报告有任何疑问，请与{agency}办公室联系。"
    )
    got = _parsed("", body)
    assert got.agency is None


#: the fields an article's date line holds after the date
_FIELDS = (
    "发布：{a} 点击数：",
    "发布:{a} 点击数: 35",
    "作者：{a} 浏览次数：120",
    "发布机构：{a}",
    "阅读次数：88",
    "点击数：",
)
_DATES = ("2021-02-09", "2023-01-31", "2025-01-22")


@pytest.mark.parametrize(("fields", "date"), list(itertools.product(_FIELDS, _DATES)))
def test_a_date_line_opening_with_its_date_dates_the_report(fields, date):
    year = int(date[:4]) - 1
    line = f"{date} {fields.format(a='宝鸡市司法局办公室')}"
    got = _parsed(
        f"宝鸡市司法局{year}年政府信息公开工作年度报告\n{line}", f"{year}年，工作有序推进。"
    )
    assert got.published == date
    assert got.year == year


@pytest.mark.parametrize("date", _DATES)
def test_a_related_report_listed_under_its_date_is_no_date_line(date):
    # a list of the agency's reports of other years: the date stands before another title,
    # with no article field after it
    year = int(date[:4]) - 1
    head = (
        f"宝鸡市司法局{year}年政府信息公开工作年度报告\n"
        f"{date} 宝鸡市司法局{year - 1}年政府信息公开工作年度报告 点击"
    )
    got = _parsed(head, f"{year}年，工作有序推进。")
    assert got.published is None


#: a subject that compiled the report before the name the report goes by (XX委编制了XX委员会
#: 2022年…报告): the name after the verb is the report's
_SUBJECTS = (
    ("吉林市卫生健康委编制了", "吉林市卫生健康委员会"),
    ("区卫生健康局编制了", "雁江区卫生健康局"),
    ("本局编制了", "宝鸡市司法局"),
    ("我委特此公布", "莆田市涵江区发展和改革委员会"),
    ("市自然资源和规划局编制并发布", "淮安市自然资源和规划局"),
)
#: names holding a verb's word that are names whole (政务公开办公室): not cut
_WHOLE = ("泰州市政务公开办公室", "宜城市政府信息公开办公室", "高淳区新闻发布中心")


@pytest.mark.parametrize(("subject", "agency"), _SUBJECTS)
def test_the_name_after_the_compiling_subject_and_its_verb_is_the_agency(subject, agency):
    body = f"根据《中华人民共和国政府信息公开条例》的规定，{subject}{agency}2022年政府信息公开工作年度报告。"
    assert _parsed("", body).agency == agency


@pytest.mark.parametrize("agency", _WHOLE)
def test_a_name_holding_a_verbs_word_stays_whole(agency):
    body = f"根据《中华人民共和国政府信息公开条例》规定，现公布{agency}2022年政府信息公开工作年度报告。"
    assert _parsed("", body).agency == agency
    assert (
        _parsed(f"{agency}2022年政府信息公开工作年度报告", "2022年，工作有序推进。").agency
        == agency
    )


#: the section heading a copy runs into the opening sentence on one line
_HEADINGS = ("一、总体情况 ", "一、总体情况", "一、 总体情况  ")


@pytest.mark.parametrize(("heading", "agency"), list(itertools.product(_HEADINGS, _AGENCIES)))
def test_the_opening_sentence_run_into_its_heading_names_the_agency(heading, agency):
    page = (
        f"2022年政府信息公开工作年度报告\n{heading}2022年，{agency}政府信息公开工作在区委的领导下"
        "有序推进。 （一）主动公开情况 2022年，我局主动公开信息197条。\n"
        "二、主动公开政府信息情况\n第二十条第（一）项 | | | |\n"
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n"
    )
    got = parse_bytes(page.encode("utf-8"), "p.txt")
    assert got.agency == agency
    assert got.year == 2022


#: the labels of the day a document was written or signed, which a grid shows beside the
#: article's own date line: 公文生成日期 is the 成文日期 of a CMS
_WRITTEN = ("公文生成日期", "生成日期", "印发日期", "签发日期")
#: the article's own date line under the title
_OWN = ("时间：{d} 11:18", "日期：{d}", "发布时间：{d}")


@pytest.mark.parametrize(("written", "own"), list(itertools.product(_WRITTEN, _OWN)))
def test_the_day_a_document_was_written_yields_to_the_articles_date(written, own):
    head = (
        f"发布机构：湖里区卫生健康局\n{written}：2023-01-06\n"
        f"湖里区卫生健康局2022年政府信息公开工作年度报告\n{own.format(d='2023-01-11')}"
    )
    got = _parsed(head, "2022年，湖里区卫生健康局认真贯彻落实《条例》。")
    assert got.published == "2023-01-11"


@pytest.mark.parametrize("written", _WRITTEN)
def test_the_day_a_document_was_written_dates_a_page_with_no_other(written):
    head = f"{written}：2023-01-06\n湖里区卫生健康局2022年政府信息公开工作年度报告"
    got = _parsed(head, "2022年，湖里区卫生健康局认真贯彻落实《条例》。")
    assert got.published == "2023-01-06"


#: a verb phrase between the name and the year of the report it compiles (XX镇人民政府特此编制
#: 2024年度…报告): the name before it is the agency
_AFTER_NAME = ("特此编制", "特编制", "编制了", "现公布", "依法编制")


@pytest.mark.parametrize(("after", "agency"), list(itertools.product(_AFTER_NAME, _AGENCIES)))
def test_the_name_before_a_verb_phrase_and_the_year_is_the_agency(after, agency):
    body = f"为提升政府工作的透明度，{agency}{after}2024年度政府信息公开工作年度报告。"
    assert _parsed("", body).agency == agency


@pytest.mark.parametrize("bullet", ["• ", "· ", "- ", "•"])
@pytest.mark.parametrize("date", _DATES)
def test_a_bulleted_date_line_under_the_title_dates_the_report(bullet, date):
    year = int(date[:4]) - 1
    head = f"宝鸡市司法局{year}年政府信息公开工作年度报告\n{bullet}宝鸡市人民政府门户网\n{bullet}{date} 15:59"
    assert _parsed(head, f"{year}年，工作有序推进。").published == date


#: names of real kinds of office that hold a verb's word or its piece (编制, 公开, 发布): the
#: establishment office of a party committee, a county's 编制办, the office of open government
_VERB_NAMES = tuple(
    name
    for place in ("宝鸡市", "泰顺县", "莆田市涵江区", "青龙满族自治县")
    for name in (
        f"中共{place[:-1]}{place[-1]}委机构编制委员会办公室",
        f"{place}机构编制委员会办公室",
        f"{place}编制办",
        f"{place}政务公开办公室",
        f"{place}政府信息公开办公室",
        f"{place}信息公开中心",
        f"{place}新闻发布中心",
    )
)


@pytest.mark.parametrize("agency", _VERB_NAMES)
def test_a_compiler_whose_name_holds_a_verb_is_read_whole(agency):
    # 由宝鸡市编制办编制: the clause's verb is not the 编制 of the name (宝鸡市 was read)
    body = f"本年度报告是根据《中华人民共和国政府信息公开条例》要求，由{agency}编制，包括总体情况等六部分。"
    assert _parsed("", body).agency == agency


def _opening(line: str):
    """A page whose title names no agency, its opening sentence on the line below."""
    page = (
        f"2023年政府信息公开工作年度报告\n{line}\n二、主动公开政府信息情况\n"
        "第二十条第（一）项 | | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "规章 | 0 | 0 | 0 |\n"
    )
    return parse_bytes(page.encode("utf-8"), "p.txt")


@pytest.mark.parametrize("heading", ["", "一、总体情况 "])
@pytest.mark.parametrize("agency", _VERB_NAMES)
def test_an_opening_sentence_naming_an_office_of_open_government_reads_it_whole(heading, agency):
    # 2023年，宝鸡市政务公开办公室认真…: the report's words (政务公开, 信息公开) inside the
    # name do not end it (宝鸡市 was read)
    assert _opening(f"{heading}2023年，{agency}认真贯彻落实《条例》要求。").agency == agency


@pytest.mark.parametrize("verb", ["编制了", "特此公布", "编制并发布"])
@pytest.mark.parametrize("agency", _VERB_NAMES)
def test_a_subject_whose_name_holds_a_verb_before_its_own_verb(verb, agency):
    # XX政务公开办公室编制了XX政务公开办公室2022年…: the verb after the subject's name, not
    # the 公开 inside it (the whole run was read)
    body = f"根据《条例》的规定，{agency}{verb}{agency}2022年政府信息公开工作年度报告。"
    assert _parsed("", body).agency == agency


@pytest.mark.parametrize("bullet", ["", "• ", "- ", "· "])
@pytest.mark.parametrize("fields", ["浏览次数：120", "点击：35", "发布者：宝鸡市司法局"])
def test_a_list_of_reports_with_their_dates_first_dates_no_report(bullet, fields):
    # a related list of other years' reports, each line opening with its date and ending with
    # its own counter: the fields follow another title, not the date
    year = 2023
    entries = "\n".join(
        f"{bullet}{y + 1}-01-20 宝鸡市司法局{y}年政府信息公开工作年度报告 {fields}"
        for y in (2022, 2021, 2020)
    )
    head = f"宝鸡市司法局{year}年政府信息公开工作年度报告\n相关链接\n{entries}"
    assert _parsed(head, f"{year}年，工作有序推进。").published is None


@pytest.mark.parametrize("bullet", ["• ", "- ", "· "])
def test_a_bulleted_list_of_reports_under_their_dates_dates_no_report(bullet):
    # each related report's title on a bulleted line, its date on the next: another report's
    # date (the last entry's was read as the page's)
    entries = "\n".join(
        f"{bullet}宝鸡市司法局{y}年政府信息公开工作年度报告\n{bullet}{y + 1}-01-20"
        for y in (2022, 2021, 2020)
    )
    head = f"宝鸡市司法局2023年政府信息公开工作年度报告\n相关阅读\n{entries}"
    assert _parsed(head, "2023年，工作有序推进。").published is None


#: what an office does in a clause after the report's rules that is not compiling it
_OTHER_ROLES = ("负责解释", "负责提供", "负责全区政府信息公开工作的组织协调", "负责统计")
#: the sentences about the report that give such a clause after the rules or the data
_ROLE_SENTENCES = (
    "本报告根据《条例》要求编制，由{a}{r}。",
    "本年度报告所列数据统计期限自2023年1月1日至12月31日，由{a}{r}。",
    "本报告电子版可在区人民政府门户网站下载，由{a}{r}。",
)


@pytest.mark.parametrize(
    ("sentence", "role"), list(itertools.product(_ROLE_SENTENCES, _OTHER_ROLES))
)
@pytest.mark.parametrize("agency", _AGENCIES)
def test_an_office_with_another_role_after_the_reports_clause_is_not_its_compiler(
    sentence, role, agency
):
    # the clause names who explains it or provides its data, or what the office does: not
    # who compiled the report (a district's report may name its office of open government)
    got = _parsed("", sentence.format(a=agency, r=role) + "\n1、落实五公开要求。")
    assert got.agency is None


#: what a date line may hold between its date and its fields
_BETWEEN = ("", " 星期三", " 15:59:01", " / ", " 【字体：大 中 小】 ", " 字号：大 中 小 ")


@pytest.mark.parametrize("between", _BETWEEN)
@pytest.mark.parametrize(
    "fields", ["发布：宝鸡市司法局", "作者：办公室", "浏览次数：88", "编辑：张三"]
)
def test_a_date_line_with_a_weekday_or_the_fonts_buttons_before_its_fields(between, fields):
    head = f"宝鸡市司法局2023年政府信息公开工作年度报告\n2024-01-31{between}{fields}"
    assert _parsed(head, "2023年，工作有序推进。").published == "2024-01-31"


@pytest.mark.parametrize(
    "title", ["关于开展2023年度政务公开考核工作的通知", "宝鸡市司法局2022年政务公开年报"]
)
def test_a_list_of_other_articles_with_their_dates_first_dates_no_report(title):
    head = (
        "宝鸡市司法局2023年政府信息公开工作年度报告\n相关链接\n"
        f"2023-01-20 {title} 浏览次数：120\n2022-12-08 {title} 浏览次数：96"
    )
    assert _parsed(head, "2023年，工作有序推进。").published is None


@pytest.mark.parametrize(
    "work",
    [
        "信息公开办理工作有序推进",
        "政务公开办件量稳步提升",
        "政府信息公开科室建设不断加强",
        "信息公开中心工作有序推进",
        "政务公开工作有序推进",
    ],
)
@pytest.mark.parametrize("agency", _AGENCIES[1:])
def test_the_open_government_work_of_an_office_ends_its_name(work, agency):
    # 2023年，XX局信息公开办理工作…: after an office's name the report's words are the
    # sentence's, not the start of an office of open government (which follows a place)
    assert _opening(f"2023年，{agency}{work}。").agency == agency


#: the article's own date line, opening with its date before the article's fields
_OWN_LINES = (
    "2024-01-31 来源：宝鸡市司法局",
    "2024-01-31 发布：宝鸡市司法局 点击数：",
    "2024-01-31 浏览次数：88",
)


@pytest.mark.parametrize("above", [True, False])
@pytest.mark.parametrize(
    "written", ["印发日期", "成文日期", "公文生成日期", "签发日期", "发文日期"]
)
@pytest.mark.parametrize("own", _OWN_LINES)
def test_the_date_line_with_the_articles_fields_outranks_a_documents_writing(above, written, own):
    # a grid of the report's writing above the title, or a cited document's under the date
    # line: the date line that names the article's source or readers is its publication
    title = "宝鸡市司法局2023年政府信息公开工作年度报告"
    cited = f"{written}：2019-05-06"
    if above:
        head = f"{cited}\n{title}\n{own}"
    else:
        head = f"{title}\n{own}\n相关文件：宝鸡市人民政府关于印发政务公开工作要点的通知\n{cited}"
    assert _parsed(head, "2023年，工作有序推进。").published == "2024-01-31"
