"""Report metadata: agency, report year and publication date, from the page around the tables.

The report year comes from the title, the statistics period or the opening sentence, never from
dates in the introduction (they lose digits: 自202011日起). The publication date comes from the
page chrome (发布时间, 日期, …) or the sign-off at the end, and is cross-checked against the year.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from gx_pipeline.parsing import problems as codes
from gx_pipeline.parsing.labels import norm
from gx_pipeline.parsing.problems import Problems
from gx_pipeline.parsing.tokens import Head
from gx_pipeline.parsing.values import nfkc

#: what a report's title calls it after the year: 政府信息公开工作年度报告, …工作的年度报告,
#: …工作情况的报告, 政务公开工作年度报告 (the agency's own words for the same report)
_REPORT_WORDS = (
    r"(?:(?:政府|政务)?信息公开(?:工作)?的?(?:年度报告|年报|工作报告|情况的?报告|报告|情况)|"
    r"政务公开(?:工作)?的?(?:年度报告|年报))"
)
#: `pre` and `post` are bounded (a title line is at most 80 characters): unbounded, a line of
#: 100,000 characters of report words (a page of text in one line) took the search minutes, each
#: start scanning to the line's end. `post` holds no year: a title may open with the date it was
#: published (（2024年1月）XX局2023年度…报告, 2024年XX局关于2023年…的报告), and the year nearest
#: the report's words is the report's. A year with a month after it is a date
#: (XX局2023年度暨2024年1月…报告, 2023年度（截至2024年1月）的报告): no report's year, and `post`
#: may hold one
_TITLE = re.compile(
    r"(?P<pre>[^,，。:：;；!！?？\s]{0,80}?)(?P<year>20\d{2})年度?(?!\d{1,2}月)"
    r"(?P<post>(?:(?!20\d{2}年(?!\d{1,2}月))[^,，。:：;；]){0,80}?)" + _REPORT_WORDS
)
#: the first year of a span a title names before its year (XX局2022—2023年…报告, 2022年至2023年):
#: the end of _TITLE's `pre`
_SPAN_START = re.compile(r"(?P<first>20\d{2})(?:年度?)?[-—–~至到]$")
#: a report year in a title's `pre` (before a span): the last one not followed by a month
_PRE_YEAR = re.compile(r"20\d{2}年度?(?!\d{1,2}月)")


def _plan_year(found: Mapping[str, str | None]) -> re.Match[str] | None:
    """The report year a title names before a span that is a plan's, not the report's: words
    stand between the span and the report's words (XX局2023年度落实2021—2025年政务公开规划暨
    政府信息公开工作情况的报告), and a year stands before the span. A span right before the
    report's words (XX局2022—2023年…报告) is the report's."""
    pre = found.get("pre") or ""
    if not found.get("post") or (first := _SPAN_START.search(pre)) is None:
        return None
    return next(reversed(list(_PRE_YEAR.finditer(pre, 0, first.start()))), None)


#: the report year in brackets right after a title's words (…年度报告（2023年度）): where the
#: year before the words is another (2024年…年度报告（2023年度）, the year the report was
#: written), the bracketed one is the report's; but not a bare year (（2024年）) after a title
#: that names its year's report (2023年度…报告): that one is the year it was published
_BRACKET_YEAR = re.compile(r"\((?P<year>20\d{2})年度?\)")
#: the end every _TITLE match has, found in one linear scan: a long line without it is not
#: searched for titles at all (even bounded, each start of such a line costs ~80² steps)
_TITLE_END = re.compile(_REPORT_WORDS)
#: a title naming no year (XX局政府信息公开工作年度报告, XX局政务公开工作年度报告)
_TITLE_NO_YEAR = re.compile(
    r"^(?P<pre>[^,，。:：;；!！?？\s]{2,40}?)"
    r"(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?(?:年度报告|年报)$"
)
#: a title of the report's words after a name and no digit (XX局政务公开工作年度报告)
_YEARLESS_TITLE = re.compile(r"[^,，。:：;；!！?？\s\d]{2,40}?" + _REPORT_WORDS)
#: …财政局政府信息公开工作年度报告（2021年度）, …财政局政府信息公开工作2021年度报告
_TITLE_YEAR_AFTER = re.compile(
    r"(?P<pre>[^,，。:：;；!！?？\s]{2,40}?)(?:政府|政务)?信息公开(?:工作)?"
    r"(?:(?:年度报告|年报|报告)\((?P<year>20\d{2})年?度?\)|(?P<inside>20\d{2})年度(?:工作)?报告)"
)
#: words of a sentence that cites another report to compare with it or follow it up (与《XX局
#: 2022年…报告》相比, 对照《…》中提出的问题, 《…》所列问题整改情况): the title it quotes is the
#: year before's, and its year no report year of this page. The words count where they govern
#: the title: before its 《 (与《…》, 对照《…》), or after it in its clause (…》相比, …》中提出的
#: 问题, …》所列问题). Not 所列 of data (《XX局2023年…报告》所列数据的统计期限: the report's
#: own), nor 对照 of another document or standard before the title's 《 (对照《条例》要求编制了
#: 《…》)
_CITING_BEFORE = re.compile(r"(?:相比|对照|对比|比较|针对|整改|与|同)《[^《》]*$")
_CITED_AFTER = re.compile(r"相比|相较|对比|比较|提出的|指出的|所列(?:问题|不足)|整改")
#: a line that compares (与2022年相比) or cites a title so (_CITING_BEFORE, _CITED_AFTER)
_CITING_LINE = re.compile(
    r"相比|相较|对比|比较|(?:对照|针对|整改|与|同)《"
    r"|》[^,，。；;:：]*?(?:提出的|指出的|所列(?:问题|不足)|整改)"
)
_CLAUSE_END = re.compile(r"[,，。；;:：!！?？]")
#: a comparison with a year (较2022年, 比2022年, 同比): the year before the report's
_COMPARED = re.compile(r"[较比]20\d{2}年|同比|上年|去年")
#: a year that is part of a name: an event's (杭州2022年亚运会, 北京2022年冬奥会) or a body set up
#: for it (2023年全运会筹备工作指挥部): no year of a report, even right before its words
_NAMED_YEAR = re.compile(
    r"20\d{2}年(?=[\u4e00-\u9fff]{0,12}?(?:运动会|运会|奥会|博会|峰会|组委会|组织委员会|指挥部|"
    r"领导小组|筹备|执委会))"
)
_NOTICE_VERB = re.compile(r"关于(?:印发|公布|发布|转发|公开)")
# word lists, filled to the line
# fmt: off
_AGENCY_SUFFIX = (
    "办事处", "委员会", "管委会", "管理委员会", "办公室", "办公厅", "人民政府", "政府", "局",
    "委", "办", "处", "中心", "街道", "镇", "乡", "厅", "院", "所", "站", "队", "馆", "园", "室",
    "区", "县", "市", "署", "社", "会", "部", "司", "台", "场", "集团", "公司", "街", "关", "旗",
    "盟", "州", "团", "师", "苏木", "港", "狱", "库", "银行", "分行", "支行", "中学", "小学", "大学", "学校",
)
_VERB_PREFIXES = (
    "印发", "转发", "现予公布", "予以公布", "现公布", "现发布", "特发布", "现将", "公布", "发布", "编制", "编写",
    "制作", "形成", "关于", "根据", "特此", "特将", "现",
)
#: the verb phrase of the sentence that publishes the report, before the name it publishes
#: (特向社会公布XX街道2021年度…, 我局编制并向社会公开XX局…, 现公开区人民政府办公室…): no name
#: opens with it, and what it leaves is a name or a kind of office without its place
_VERB_PHRASE = re.compile(
    r"^(?:我局|我委|我办|我单位|本机关|本单位|我中心|我镇|我乡|我街道)?(?:特|现|兹)?"
    r"(?:(?:编制|制定|制作|撰写)并?)?(?:向社会(?:公众)?|予以)?(?:公开|公布|发布|编制|制定|撰写)"
)
#: a verb of compiling or publishing inside a run (XX委编制了XX委员会…, XX局编制并发布XX局…)
_MID_VERB = re.compile(r"(?:编制|制定|撰写|公布|公开|发布|印发)(?:了|并(?:向社会)?(?:公布|公开|发布))?")
#: a verb phrase after the name, before the year of the report it compiles or publishes
_VERB_TAIL = re.compile(r"(?:特此|特|现|依法)?(?:编制|公布|发布|制定|印发)了?$")
_SELF_NAMES = {"我局", "我处", "我单位", "本局", "本单位", "我委", "我办", "本机关", "我中心",
               "我镇", "我乡", "我街道", "我区", "我县", "我市", "我院", "我厅", "本委", "我园",
               "本站", "本网", "本网站"}
# fmt: on
#: (a copy may run the section's heading into it on one line: 一、总体情况 2022年，XX局…)
_BODY_AGENCY = re.compile(
    r"(?:^|(?<=[。；;])|(?<=总体情况))(?:20\d{2})年度?[,，]?(?:以来)?[,，]?(?P<run>[\u4e00-\u9fff（）()]{2,40})"
)
_BODY_VERBS = re.compile(
    r"(全面|坚持|高度|认真|深入|严格|在|以|按照|围绕|紧紧|始终|持续|进一步|积极|根据|结合|紧扣|"
    # 共 only as 'in all' before what was done (…局共发布…): names hold it (公共资源交易中心,
    # 中共…委, 共青团, 共和县); 将 not in 将乐县
    r"扎实|切实|不断|着力|立足|主动|依法|聚焦|贯彻|按|牢固|把|对|将(?!乐县)|继续|大力|紧密|"
    r"不折不扣|共(?=计|有|发布|公开|公布|收到|受理|办理|处理|答复|主动|制发|印发|出台|开展|完成|"
    r"接|组织|更新|报送|上传|回复|新增|录入|编制|举办|召开|梳理|清理|审查|发出|推送))"
)
#: the report's words that end the name in the opening sentence (2023年，XX局政务公开工作…)
_OPENING_WORDS = re.compile(r"(?<!人民)政府信息公开|政务公开|信息公开|工作")
#: an office the report's words name right after a place (XX市政务公开办公室, XX县信息公开中心):
#: a name whole, where after an office's name (XX局信息公开办理工作) they are the sentence's
_OPEN_OFFICE = re.compile(
    r"(?<=[市县区州盟旗])(?:政府信息公开|政务公开|信息公开)"
    r"(?:领导小组办公室|领导小组|办公室|中心|办(?![理件结事]))"
)
#: the opening's statement of who wrote the report: 本报告由XX根据《条例》要求编制, or in a
#: clause after the rules it follows (本年度报告是根据《条例》要求，由XX编制), in the same
#: sentence (not a contact: 如对本报告有疑问，请与XX联系 may name another office)
_COMPILED_BY = re.compile(
    r"本(?:年度)?报告(?:是)?(?P<gap>[^。；;由]{0,100}?[,，])?由(?P<run>[\u4e00-\u9fff（）()]{3,40}?)"
    r"(?:根据|依据|依照|按照|结合|负责|编制(?![办委])|编写|制作|组织编制)"
)
#: the clause after the rules compiles the report (由XX局结合有关统计数据编制, 由XX局负责编制):
#: the office of another (由XX负责解释, 由XX负责提供, 由XX负责全区…的组织协调) is not its compiler
_COMPILING = re.compile(r"[^,，。；;]*?(?:编制|编写|撰写|制作)")
_BODY_YEAR = re.compile(r"(?:^|[。；;:：!！])(20\d{2})年度?[,，]")
_PERIOD = re.compile(r"(20\d{2})年1月1日(?:起)?至\1年12月31日")
#: a year as the text writes it (2021年), for the year a page mentions most
_YEAR_WRITTEN = re.compile(r"(20\d{2})年(?!\d)")
_DATE = r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LABELLED_DATE = re.compile(
    # the specific labels may stand without a colon (发布时间 2022-01-26, 【发布时间】2024-01-26);
    # plain 日期/时间 need one: 受理时间2021年5月1日 in a sentence is no publication date. A plain
    # one is a label of its own or the end of a publication's (公布日期, 录入时间), not of another
    # label's (当前时间, 打印日期, 生效日期: the portal's clock, the day the page was printed, the
    # day a rule takes effect)
    r"(?:(?P<label>发布时间|发布日期|发文日期|成文日期|产生日期|公开日期|更新时间|更新日期|修改时间|"
    r"发稿时间|发布于)"
    # or a grid's cells written as a paragraph (成文日期 | 2024-01-18)
    r"\s*[:：】\]|]?|(?:(?<![\u4e00-\u9fff])|(?<=公布|印发|生成|签发|公开|上线|录入|创建|发表|上传|撰稿))"
    r"(?P<plain>日期|时间)\s*[:：】\]])\s*"
    # the date itself may stand in brackets (发布时间：[2022-01-20])
    r"(?:[\[【(（]\s*)?"
    r"(?:(?P<y>20\d{2})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?)?"
)
#: a plain 时间/日期 label run into the value of the chrome's label before it, no space between
#: (来源：本站时间：2024-01-20, 作者：张三日期：…: inline spans joined), the date taken as under
#: a plain label; not another label's word run in so (来源：本站当前时间：…)
_RUN_ON_DATE = re.compile(
    r"(?:来源|作者|编辑|发布机构|发布单位|供稿|撰稿|浏览次数|点击数)[:：][^:：\s|]{1,30}?"
    r"(?<!当前|打印|浏览|访问|生效|登记|实施|施行|截止|系统|办理|受理|开始|结束|有效|到期|今天)"
    r"(?P<plain>日期|时间)[:：]\s*(?P<label>(?!))?"
    r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
)
_LABEL_RANK = {
    "发布时间": 0,
    "发布日期": 0,
    "发布于": 0,
    "发稿时间": 0,
    "公开日期": 1,
    "日期": 1,
    "时间": 1,
    # an edit after publication, which portals show beside the article's date (_EDITED)
    "更新时间": 4,
    "更新日期": 4,
    "修改时间": 4,
    "发文日期": 2,
    "成文日期": 2,
    "产生日期": 2,
}
#: what before a plain 日期/时间 makes it the day the document was written or signed (公文生成
#:日期, 印发日期, 签发日期), ranked as 成文日期 below the article's own date line
_WRITTEN = ("生成", "印发", "签发")
#: the rank of a label that dates an edit, not the publication: taken only where the page
#: has no other date, the sign-off's included, and then said
_EDITED = 4
#: an entry of a list of links: a report title followed by its date
_LISTED = re.compile(r"(?:报告|年报)\s*[\[(（]?20\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}")
#: <meta> names CMS put the publication time under (TRS, Hanweb, 中国政府网 templates)
_META_DATES = (
    "pubdate",
    "firstpublishedtime",
    "publishdate",
    "publishtime",
    "dc.date",
    "article:published_time",
    "createtime",
)
_DATE_ONLY = re.compile(r"^" + _DATE + r"(?:\d{1,2}:\d{2}(?::\d{2})?)?$")
_LEADING_DATE = re.compile(r"^" + _DATE + r"(?:\s+\d{1,2}:\d{2})?")
_SIGNOFF_DATE = re.compile(r"^" + _DATE + r"$")
_YEAR_LINE = re.compile(r"[(\[【]?(20\d{2})年度[)\]】]?")
_SIGNOFF_INLINE = re.compile(r"^(?P<name>[\u4e00-\u9fff（）()]{3,40}?)" + _DATE + r"$")
_META_AGENCY = re.compile(
    r"(?:发布机构|发文机关|发文单位|来源单位|发布单位|信息来源|来源)\s*[\]】]?\s*[:：]?\s*(?:\|\s*)?"
    r"(?P<a>[^\s|:：]{2,30})"
)


#: 〇 as reports type it too: 零, a circle, a letter O (half or full width) among Chinese digits
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {
    "零": "0",
    "○": "0",
    "O": "0",
    "Ｏ": "0",
}
#: a year of four Chinese digits (not OOOO: a word of letters), a month or a day; 元月 after a
#: year is January (not the 元 of an amount before 月: 万元月均)
_CN_DATE_PART = re.compile(
    r"((?=[^O]{0,3}[〇○零一二三四五六七八九])[〇○零Ｏ一二三四五六七八九O]{4})年"
    r"|([一二三四五六七八九十]{1,3}|(?<=年)元(?=月))(月|日)"
)

#: a year of Arabic digits with a letter O for a zero (2O23年, 2OO9年; norm() made Ｏ an O): no
#: word of letters ends in 年
_LETTER_O_YEAR = re.compile(r"(?<![0-9A-Za-z])(?=2[0-9O]{3}年)2[0-9]{0,2}O[0-9O]{0,2}(?=年)")


def _cn_number(text: str) -> str:
    """二十一 -> 21, 十二 -> 12, 十 -> 10, 七 -> 7."""
    if "十" not in text:
        return "".join(_CN_DIGITS[c] for c in text)
    tens, _, ones = text.partition("十")
    return str(int(_CN_DIGITS[tens] if tens else 1) * 10 + int(_CN_DIGITS[ones] if ones else 0))


@functools.lru_cache(maxsize=16384)
def _normalised(text: str) -> str:
    """norm() with dates in Arabic numerals; the same chrome lines come back page after page."""
    return arabic_dates(norm(text))


def arabic_dates(text: str) -> str:
    """Dates written in Chinese numerals (二〇二一年一月二十日) in Arabic ones, and a year's
    zeros typed as the letter O (2O23年) as zeros."""
    if "O" in text and "年" in text:
        text = _LETTER_O_YEAR.sub(lambda m: m.group().replace("O", "0"), text)
    if ("年" not in text and "月" not in text) or not _CN_DATE_PART.search(text):
        return text
    return _CN_DATE_PART.sub(
        lambda m: (
            f"{''.join(_CN_DIGITS[c] for c in m.group(1))}年"
            if m.group(1)
            else f"{'1' if m.group(2) == '元' else _cn_number(m.group(2))}{m.group(3)}"
        ),
        text,
    )


@dataclass(frozen=True)
class Metadata:
    agency: str | None
    year: int | None
    published: str | None
    problems: Problems


#: words that glue a name to what the sentence says it did (…办公室通过区政府网站公开…): the
#: name is what stands before them
_GLUE = re.compile(
    r"通过|依托|利用|借助|按照|根据|认真|坚持|全面|严格|进一步|积极|切实|扎实|始终|高度重视|"
    r"紧紧围绕|深入贯彻|贯彻落实|主动公开|依法"
)
#: not the name of an agency: a website or a platform, or a reference to one; a year or a
#: bracket inside it (搜狐]2023年政府: a credit and a title's words run together)
_NOT_A_NAME = re.compile(
    r"网站|门户|网页|平台|公众号|微信|微博|客户端|专栏|栏目|热线|20\d{2}年|[\[\]【】]"
)
#: 全 and 贵 only before the word that makes them one (全区, 全市, 贵单位, 贵局): places begin
#: with them too (全椒县, 全州县, 全南县; 贵州省, 贵阳市, 贵港市, 贵溪市, 贵德县, 贵定县 …), as
#: 本溪市 does with 本
_REFERENCE = re.compile(
    r"^(?:我|本(?!溪)|各|该|其|有关|相关|上级|下级|所属|"
    r"全(?=[国省市区县旗盟镇乡街村局委办院厅部系面年体])|贵(?=[单局委办院厅部司公方处所站校中]))"
)
#: a kind of agency without the place that would make it one (政府, 行政机关, 市人民政府办公室)
_GENERIC = re.compile(
    r"^[省市区县镇乡州旗盟]?(?:人民)?(?:政府|行政机关|机关|单位|部门|本级)(?:办公室|办公厅)?$"
)


#: a body of the whole country, which needs no place, by the words it opens with: 国家统计局,
#: 中国人民银行, 中共中央宣传部 (not 中国共产党, which opens a county's committee's name too)
_NATIONAL = re.compile(
    r"^(?:国家|中国(?!共产党)|全国|中华人民共和国|中央|中共中央|国务院|最高人民)"
)
#: the end of a ministry's or an administration's name (教育部, 审计署, 海关总署), under no
#: level word: a party department (宣传部, 统战部, 人民武装部, 防汛抗旱指挥部) and a prefecture's
#: 行政公署 end so in every county and prefecture
_NATIONAL_END = re.compile(
    r"(?<!宣传)(?<!组织)(?<!统战)(?<!工作)(?<!武装)(?<!指挥)部$|(?<!公)署$|总局$"
)
#: a body named by its province's short name (广东出入境边防检查总站, 新疆生产建设兵团第八师):
#: the place without its 省; the production corps, a province's peer (兵团第八师)
_PROVINCE_SHORT = re.compile(
    r"^(?:兵团|北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    r"湖南|广东|广西|海南|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|内蒙古)"
)
#: words before an office's kind that name its level, not its place (县市场监督管理局, 区委区政府
#: 督查室, 中共县委宣传部): the 市 of 市场 after 县 is no place's end
_LEVEL_WORDS = re.compile(
    r"^(?:中共|中国共产党)?(?:[省市区县州旗盟镇乡](?:委员会|委|人民政府|政府|级)?)+"
)
#: the end of a place's name, after at least one character of it: a division (汉中市, 锡山区,
#: 青山镇, 佳荣里街), or a mountain, river or lake an organ is named after (秦岭保护局)
_PLACE_END = re.compile(
    r"(?<=[\u4e00-\u9fff])(?:省|市|区|县|州|旗|盟|镇|乡|村|街|苏木|嘎查|山|岭|江|河|湖|海)"
)
#: words of an office's kind that hold those endings (住房和城乡建设局, 农业农村局, 城市管理局,
#: 市场监督管理局): a word at the name's start or after 和/与/、 (or 农业农村) is the kind's,
#: not a place's; after a name it is (丰城市, 锡山区, 铁边城镇). Masked with _ one after another
#: (高新区城市管理局: the kind's words after a zone's)
_KIND_WORDS = re.compile(
    r"(?:^|(?<=[和与及、业务_]))(?:城乡|城市|都市|市场|乡村|农村|城镇|乡镇|村镇|社区|山区|牧区|林区|"
    r"矿区|矿山|街道|河湖|江河|湖泊|地区|"
    # a kind of zone every city has (高新区管委会, 经济技术开发区管理委员会): named alone, no place
    r"(?:国家级|省级)?(?:经济技术开发|高新技术产业开发|高新技术开发|经济开发|工业开发|开发|高新|"
    r"经开|新|工业园|产业园|园|综合保税|保税|风景名胜|名胜|风景|景|旅游度假|度假|旅游|示范|试验|"
    r"实验|合作)区)"
)


#: organs that one place or one foundation has, named by a proper name without a place's ending
#: (赤峰监狱, 清华大学, 湘雅医院, 深圳证监局, 深圳职业技术学院; a city's housing fund centre and
#: the national energy regulator's regional offices: 南京住房公积金管理中心, 华北能源监管局): the
#: name is the organ's own
_PROPER_ORGAN = re.compile(
    r"^(?P<name>.+?)(?:大学|学院|职业技术学校|医院|监狱|看守所|强制隔离戒毒所|戒毒所|"
    r"证监局|银保监局|住房公积金管理中心|能源监管局)$"
)
#: the words of such a name that every city's organ of the kind holds (第一人民医院, 师范大学,
#: 职业技术学院, 女子监狱): what remains after them must be a proper name of two characters
_ORGAN_KIND_WORDS = re.compile(
    r"第[一二三四五六七八九十]+|[一二三四五六七八九十]+|人民|中心|附属|职业技术|职业|技术|师范|"
    r"医科|医学|理工|科技|科学技术|工业|工程|农业|农林|林业|财经|经济|政法|外国语|交通|民族|"
    r"体育|艺术|音乐|美术|海洋|石油|中医药|中医|中西医结合|护理|卫生|商业|管理|信息|城市|建筑|"
    r"航空|传媒|文理|开放|广播电视|电视|警察|警官|司法|行政|社区|老年|成人|职工|妇幼保健|妇幼|"
    r"妇产|儿童|妇女儿童|口腔|肿瘤|传染病|精神|胸科|眼科|骨科|康复|专科|综合|女子|未成年犯管教|"
    r"未成年|少年|党校|干部|大学|学院|医院|附院|分院|总院|院区|市|县|区|省"
)


def _proper_organ(name: str) -> bool:
    """Whether `name` is an organ of a kind (a university, a hospital, a prison, a securities
    regulator's office) under a proper name of its own: 第一人民医院 or 师范大学 alone is a
    kind every city has, 赤峰监狱 or 清华大学 one organ."""
    m = _PROPER_ORGAN.match(_LEVEL_WORDS.sub("", name))
    if m is None:
        return False
    return len(_ORGAN_KIND_WORDS.sub("", m.group("name"))) >= 2


def _names_a_place(name: str) -> bool:
    """Whether an agency's name holds the place that makes it one agency: 财政局, 政府办 or
    市场监督管理局 alone is a kind of office every county has (a portal's 发布机构 often gives
    only that), 汉中市财政局 or 西园街道办事处 is an office of one place (a town or street may be
    named without its county: how the page names itself, the county read by the warehouse from
    its text and site code)."""
    if _NATIONAL.search(name) or _PROVINCE_SHORT.search(name):
        return True
    rest = _LEVEL_WORDS.sub("", name)
    if rest == name and _NATIONAL_END.search(name):
        return True
    if _proper_organ(rest):
        return True
    masked = ""
    while masked != rest:
        masked, rest = rest, _KIND_WORDS.sub(lambda m: "_" * len(m.group()), rest)
    return _PLACE_END.search(rest) is not None


@functools.lru_cache(maxsize=8192)
def _clean_agency(run: str) -> str | None:
    """An agency's name out of a run of text, or None when the run names no agency: a phrase of
    the page's text (通过政府门户网站, 我市行政机关), a generic kind (政府, 区政府办公室), a kind of
    office without its place (财政局, 政府办)."""
    glued = _GLUE.search(run)
    a = _agency_words(run[: glued.start()] if glued is not None else run)
    if a is None or _NOT_A_NAME.search(a) or _REFERENCE.match(a) or _GENERIC.match(a):
        return None
    if not _names_a_place(a):
        return None
    return a


#: what a WeChat article puts around its paragraphs: emoji and symbols (📌, ▲, ☞), their
#: variation selectors and joiners, the editor's invisible characters
_DECORATION = frozenset({"So", "Sk", "Cf", "Mn", "Me"})


def _undecorated(text: str) -> str:
    """`text` without the decorations (_DECORATION) around it: 📌XX县人民政府 names XX县人民政府."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start]) in _DECORATION:
        start += 1
    while end > start and unicodedata.category(text[end - 1]) in _DECORATION:
        end -= 1
    return text[start:end].strip()


def _agency_words(run: str) -> str | None:
    # a site name before the title (萍乡市人民政府_…) and column tags (【政务公开】) are not
    # the agency
    a = _undecorated(re.split(r"[-_|—–]", run.strip(" -—_·•|"))[-1])
    a = a.rsplit("《", 1)[-1]  # 关于印发《XX局2021年…报告》的通知: the name inside the quotes
    # XX办公室关于公布XX县2021年度…报告的通知: the report's own agency follows the verb
    a = _NOTICE_VERB.split(a)[-1]
    a = re.sub(r"^(?:【[^】]*】|\[[^\]]*\]|〔[^〕]*〕)+", "", a)
    # the date a title opens with ((2024年1月)XX局2023年度…, 2024年XX局…): no part of the name
    a = _LEADING_YEAR.sub("", a)
    # a grid's label before the title's words on its line (索引号 …-00047 发文字号 XX街道2023年…,
    # 文号：XX局2023年…): the name follows the last label
    a = _TITLE_LABEL.split(a)[-1]
    # the document number that label's value is, before the title (发文字号 宝司发〔2024〕3号
    # XX局2023年…): no part of the name
    a = _DOC_NUMBER.sub("", a)
    changed = True
    while changed:
        changed = False
        if (verb := _VERB_PHRASE.match(a)) and len(a) > verb.end() + 1:
            a = a[verb.end() :]
            changed = True
        for p in _VERB_PREFIXES:
            if a.startswith(p) and len(a) > len(p) + 1:
                a = a[len(p) :]
                changed = True
    # XX委编制了XX委员会2022年…报告: the subject that compiled the report, its verb, then the
    # name the report goes by (not a cut inside a name: 政务公开办公室, 新闻发布中心 leave no
    # name of a place after the verb); the subject's own name may hold a verb's word
    # (XX政务公开办公室编制了XX…, XX县编制办编制了XX县编制办…), so the verb is the last that
    # follows a name or a self-name and leaves a name of a place
    for verb in reversed(list(_MID_VERB.finditer(a))):
        subject = re.sub(r"(?:特此|特|现|依法)$", "", a[: verb.start()])
        rest = a[verb.end() :]
        if (
            (subject.endswith(_AGENCY_SUFFIX) or subject in _SELF_NAMES)
            and rest.endswith(_AGENCY_SUFFIX)
            and _names_a_place(rest)
        ):
            a = rest
            break
    for tail in ("关于", "的"):
        a = a.removesuffix(tail)
    # XX镇人民政府特此编制2024年度…报告: the verb phrase between the name and the year
    a = _VERB_TAIL.sub("", a)
    if len(a) < 2 or a in _SELF_NAMES or not re.search(r"[\u4e00-\u9fff]", a):
        return None
    if ":" in a:
        # a metadata line (日期:2024-01-20发布机构:XX局) above a title: a label's value, not a
        # name, and what a split at its date's hyphen leaves (20发布机构:XX局) no name at all
        return None
    # a second name in brackets: 自然资源和规划局（林业局）; written with the page's full-width
    # brackets (the text here is NFKC)
    second = re.fullmatch(r"(?P<first>.+?)\((?P<second>[^()]+)\)", a)
    if second is not None:
        if not second.group("first").endswith(_AGENCY_SUFFIX):
            return None
        if _ALIAS.match(second.group("second")):
            # XX区人民政府办公室（以下简称区政府办公室）: the short name the text goes on with,
            # not a second name
            return second.group("first")
        return f"{second.group('first')}（{second.group('second')}）"
    if not a.endswith(_AGENCY_SUFFIX):
        return None
    return a


#: what opens the brackets after a name that give the short name the text goes on with
#: (以下简称区政府办公室, 下称市统计局, 简称"区人社局")
_ALIAS = re.compile(r"(?:以下|下文)?简称|(?:以)?下称|以下称")
#: the opening bracket of a short name's brackets
_ALIAS_OPEN = re.compile(r"[（(](?=(?:以下|下文)?简称|(?:以)?下称|以下称)")
#: a grid's labels whose value may be the report's title (or run into it)
_TITLE_LABEL = re.compile(r"(?:信息名称|标题|名称|题目|发文字号|文号)[:：]?")
#: a document number (宝司发〔2024〕3号, 西湖办[2024]12号; NFKC text), or a grid's word for none
#: (文号：无; not the 无 of 无锡, 无为, 无棣, 无极)
_DOC_NUMBER = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,12}[〔\[【(]20\d{2}[〕\]】)]第?\d{1,5}号|暂无|无(?![锡为棣极]))"
)
#: a year or a month (in brackets or not) before a name
_LEADING_YEAR = re.compile(r"^[(\[]?20\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?[)\]]?")


def _leading_agency(run: str) -> str | None:
    """The longest agency name `run` starts with: a metadata line run together from inline
    spans (来源:XX管理委员会阅读:695) has the next label right after the name."""
    if "网" in run or "公众号" in run:
        return None  # 来源:XX市人民政府网: a website, not the agency
    for end in range(len(run), 1, -1):
        if a := _clean_agency(run[:end]):
            return a
    return None


def _in_list(lines: list[str], k: int) -> bool:
    """Whether line k stands in a list of reports: a line next to it is the title of another
    report (another agency's or another year's, with its date or without), not a sentence."""
    this = _named_report(lines[k])
    return this is not None and any(
        0 <= j < len(lines)
        and len(lines[j]) <= 80
        and "。" not in lines[j]
        and (other := _named_report(lines[j])) is not None
        and _other_report(this, other)
        for j in (k - 1, k + 1)
    )


def _other_report(a: tuple[str, str | None], b: tuple[str, str | None]) -> bool:
    """Whether two titles name different reports: other years, or agencies both named and not
    the same (a title whose agency cannot be read tells nothing of it)."""
    return a[0] != b[0] or (a[1] is not None and b[1] is not None and a[1] != b[1])


#: a credit of where the text was taken from (来源, 转载, 出处…)
_CREDIT = re.compile(r"来源|出处|转载|转自|摘自|摘编")


def _title_agency(line: str, m: re.Match[str]) -> str | None:
    """The agency a title names before or after its year. None where a credit stands before
    the year (來源：網絡XX局2020年…, 【来源：新浪网】XX局…, a mirror's credit run together with
    the title): the words after it name where the text was taken from (the web, a site, another
    agency) and the title does not tell where that name ends and the agency's begins; the
    agency is read from the page's other titles, its opening sentence or its sign-off."""
    if _CREDIT.search(line, 0, m.end("pre")):
        return None
    plan = _plan_year(m.groupdict())
    pre = _SPAN_START.sub("", m.group("pre")) if plan is None else m.group("pre")[: plan.start()]
    return _clean_agency(pre) or _clean_agency(m.groupdict().get("post") or "")


def _not_its_year(line: str, m: re.Match[str]) -> bool:
    """Whether the year of the title `m` found in `line` is no year of the page's report: the
    line cites the title to compare with it (a word of citing governing it: _CITING_BEFORE,
    _CITED_AFTER), or the year is part of a name before the report's words (_NAMED_YEAR:
    杭州2022年亚运会组委会政府信息公开工作年度报告 names no year)."""
    at = m.start("year") if m.groupdict().get("year") else m.start("inside")
    if _NAMED_YEAR.match(line, at) is not None:
        return True
    # the clause around the title: what its `pre` holds (it starts after the last stop) and
    # what follows it up to the next (本年报中所列数据 in another clause is the report's own)
    after = _CLAUSE_END.split(line[m.end() :], maxsplit=1)[0]
    return bool(_CITING_BEFORE.search(m.group("pre")) or _CITED_AFTER.search(after))


def _may_title(line: str) -> bool:
    """The words every title holds (a quick look before a title's search)."""
    return "信息公开" in line or "政务公开" in line


def _title_line(line: str) -> bool:
    """Whether `line` is a report's title alone: no sentence, the year then the report's words."""
    return "。" not in line and _may_title(line) and _TITLE.fullmatch(line) is not None


def _named_report(line: str) -> tuple[str, str | None] | None:
    """The year and agency of the report a title line names."""
    if not _may_title(line) or (m := _TITLE.search(line)) is None:
        return None
    return m.group("year"), _title_agency(line, m)


def _list_entry_date(head: list[str], k: int, bullets: str = "") -> bool:
    """Whether the date alone on line k dates an entry of a list of reports (a related list
    before the article, each title with its date on the line below): a title above it, and
    another entry's date or title above that or a title right below. Such a date is no later
    than a 更新时间, and is another report's. `bullets` are those a bulleted list opens its
    lines with."""
    if k == 0 or _named_report(head[k - 1].lstrip(bullets)) is None:
        return False
    above = head[k - 2].lstrip(bullets) if k >= 2 else ""
    below = head[k + 1].lstrip(bullets) if k + 1 < len(head) else ""
    # a date above the title that is the value of a grid's label in the cell before it
    # (成文日期 | 2024-01-18, the grid above the article) is no other entry's date
    cell = k >= 3 and _GRID_LABEL_END.search(head[k - 3]) is not None
    return bool(
        (_DATE_ONLY.match(above) and not cell) or _named_report(above) or _named_report(below)
    )


def _bare_date(line: str) -> bool:
    """Whether `line` is a date alone, in brackets or not ([2019-01-20])."""
    return _DATE_ONLY.match(line.strip("[]【】()（）")) is not None


def _dated_entry(lines: list[str], j: int) -> bool:
    """Whether line j names a report and the line below it is a date alone: its date."""
    return (
        0 <= j < len(lines) - 1 and _named_report(lines[j]) is not None and _bare_date(lines[j + 1])
    )


def _below_list_title(lines: list[str], k: int) -> bool:
    """Whether line k is an entry of a list of reports each dated on the line below it (a
    related list: another report's title and date next to it) with a title of a report above
    the list, a few lines of chrome (日期：…, 相关阅读) between at most: that title is the
    page's own and the list's entries are other reports' (other years', other agencies'). A
    list with no title above it is left as it is read: its last entry may be the page's own."""
    if not _dated_entry(lines, k):
        return False
    this = _named_report(lines[k])
    if this is None or not any(
        _dated_entry(lines, j)
        and (other := _named_report(lines[j])) is not None
        and _other_report(this, other)
        for j in (k - 2, k + 2)
    ):
        return False
    start = k
    while _dated_entry(lines, start - 2):
        start -= 2
    return any(
        _named_report(lines[j]) is not None and "。" not in lines[j] and len(lines[j]) <= 80
        for j in range(max(start - 4, 0), start)
    )


def _others_entry_date(head: list[str], k: int, stated: int | None, bullets: str = "") -> bool:
    """Whether the date alone on line k dates an entry of a list of reports (_list_entry_date)
    whose title names a year other than the report year the page states: another report's
    date, never the page's."""
    if stated is None or not _list_entry_date(head, k, bullets):
        return False
    named = _named_report(head[k - 1].lstrip(bullets))
    return named is not None and int(named[0]) != stated


#: a grid's label cell whose value is the next cell: 成文日期, 发布时间：
_GRID_LABEL_END = re.compile(r"(?:日期|时间)[:：]?$")


def _calendar_date(y: str, m: str, d: str) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def extract(
    texts: list[str], head_info: Head | None = None, body_start: int | None = None
) -> Metadata:
    """Metadata from the page's texts in reading order (lines and cells) and its <head>.

    `body_start` is the index of the first text of the report's tables: the report's own title
    stands before it; lists of related reports (other years!) usually stand after it.
    """
    problems = Problems()
    head = [_normalised(t) for t in texts[:400]]
    before = head[: body_start if body_start is not None else 400]
    agency: str | None = None
    year: int | None = None
    year_from = ""

    # 1. a title line: short, names the report
    # the page's own title first: a list of the agency's other reports (other years) may come
    # before the article in the page
    head_info = head_info or Head()
    candidates = [
        _normalised(t)
        for t in (
            *(head_info.meta.get(n) for n in ("articletitle", "title", "dc.title")),
            head_info.title,
        )
        if t
    ]
    from_head = len(candidates)
    #: where each candidate of the page's own lines stands in `before`
    at: list[int] = []
    for k, t in enumerate(before):
        if 6 <= len(t) <= 80 and "。" not in t and not ("报" in t and _LISTED.search(t)):
            candidates.append(t)
            at.append(k)
    # then the page's lines nearest the report's body first: a sidebar or related list before
    # the article names other reports (other agencies, other years) without a date to tell them
    order = [*range(from_head), *range(len(candidates) - 1, from_head - 1, -1)]
    own_title = False  # the title nearest the body was read: the report's own
    yearless = False  # a title naming no year was met before any title naming one
    #: an entry of a list of reports was passed over above a title naming no year: the years
    #: the text mentions are the list's as much as the report's
    listed = False
    #: the years of the first title read from the <head> and of the report's own title line
    head_year: int | None = None
    line_year: int | None = None
    #: the agency the <head>'s title named, and another that the report's own title line names
    head_agency: str | None = None
    line_agency: str | None = None
    #: the agency on the line under a title that names none (the heading's subtitle): read
    #: only where nothing else on the page names one
    below: str | None = None
    #: the line of the report's own title (the title read nearest the body), whose block the
    #: page's own date line stands in
    title_at: int | None = None
    #: the span of years the title that gave the year names (2022—2023年), if it names one
    span: tuple[int, int] | None = None
    #: a title's year before its words and the other in brackets after them, taken instead
    bracketed: tuple[int, int] | None = None
    for i in order:
        line = candidates[i]
        if not _may_title(line):
            continue
        if agency is not None and agency not in line:
            if agency == head_agency and i >= from_head and not own_title and line_agency is None:
                line_agency = _other_title_agency(line, year)
            continue  # once named, only a title with a fuller form of the name can say more
        if i >= from_head and not own_title and _YEARLESS_TITLE.fullmatch(line):
            yearless = True  # the report's own title, nearest the body, names no year
        # both forms hold a year (20xx), and _TITLE ends in the report's words: a menu line
        # (政府信息公开指南) is not searched, each of its starts costing up to 80 steps
        if "20" not in line:
            continue
        m = (_TITLE_END.search(line) and _TITLE.search(line)) or _TITLE_YEAR_AFTER.search(line)
        if m is None or _not_its_year(line, m):
            continue
        found = m.groupdict()
        # the year of _TITLE_YEAR_AFTER's second form stands inside the words
        title_year = int(found["year"] or found["inside"])
        if (plan := _plan_year(found)) is not None:
            title_year = int(plan.group()[:4])
        after = _BRACKET_YEAR.match(line, m.end())
        if after is not None and int(after.group("year")) != title_year:
            if year is None:
                bracketed = (title_year, int(after.group("year")))
            # a bare year in brackets (（2024年）) after a year's report (2023年度…报告) is
            # the year it was published: the title's 年度 names the report's
            named = line.startswith("年度", m.end("year" if found["year"] else "inside"))
            if not named or after.group().endswith("年度)"):
                title_year = int(after.group("year"))
        k = at[i - from_head] if i >= from_head else None
        if k is not None and not own_title and not yearless and _below_list_title(before, k):
            # an entry of a dated list of reports between the page's title and the body
            continue
        if k is not None and (own_title or yearless) and _in_list(before, k):
            # an entry of a list of reports (a related list, a sidebar) farther from the body
            # than the report's own title, or than its title that names no year: another
            # report's title, whoever's it is
            listed = listed or not own_title
            continue
        if k is None and head_year is None:
            head_year = title_year
        elif k is not None and not own_title:
            line_year = title_year
        if k is not None and not own_title:
            title_at = k
        own_title = own_title or k is not None
        if year is None:
            year, year_from = title_year, "title"
            first = _SPAN_START.search(found.get("pre") or "") if plan is None else None
            if first is not None:
                span = (int(first.group("first")), title_year)
        post = found.get("post") or ""
        a = _title_agency(line, m)
        if a is None and not m.group("pre") and not post and k:
            # a two-line title: the agency on the line right above (a short name is no title
            # line: the candidate before this one may be any text above it)
            a = _clean_agency(before[k - 1])
        if a is None and not m.group("pre") and not post and k is not None and below is None:
            below = _subtitle_agency(before, k)
        if a is not None and agency is None:
            agency = a
            head_agency = a if k is None else None
        elif a is not None and a != agency and a.endswith(agency or "\0") and title_year == year:
            agency = a  # the same report's title elsewhere on the page, with the fuller name
    if year is None:
        # the title's year on a line of its own under it: （2021年度）
        for t in before:
            if m := _YEAR_LINE.fullmatch(t):
                year, year_from = int(m.group(1)), "title"
                break
    if agency is None:
        # a running header may abbreviate the name: of several titles, the fullest name wins
        names = [
            a
            for line in candidates
            if "公开" in line
            and (m := _TITLE_NO_YEAR.match(line))
            and (a := _clean_agency(m.group("pre")))
        ]
        agency = max(names, key=len, default=None)
    # 2. the report named inside a sentence (现公布XX2019年政府信息公开工作年度报告)
    if agency is None or year is None:
        for k, t in enumerate(before):
            if "信息公开" not in t or not _TITLE_END.search(t) or _LISTED.search(t):
                continue
            if (own_title or yearless) and _in_list(before, k):
                continue  # another report's title in a list, not a sentence of this one
            for m in _TITLE.finditer(t):
                if _not_its_year(t, m):
                    continue
                a = _title_agency(t, m)
                if year is None:
                    year, year_from = int(m.group("year")), "title"
                if agency is None and a is not None:
                    agency = a
            if agency is not None and year is not None:
                break
    # 3. the opening sentence: 2020年，XX局坚持…
    body_agency: str | None = None
    for n in head:
        if "年" not in n or _title_line(n):
            # a title without a name (2023年政府信息公开工作年度报告) opens as the opening
            # sentence does: the sentence below it may name the agency
            continue
        for m in _BODY_AGENCY.finditer(n):
            # the brackets of its short name end the name (XX办公室（以下简称区政府办公室）坚持…):
            # the 以 of 以下简称 is no verb's
            run = _BODY_VERBS.split(_ALIAS_OPEN.split(m.group("run"), maxsplit=1)[0], maxsplit=1)[0]
            office = _OPEN_OFFICE.search(run)
            cut = _OPENING_WORDS.search(run, office.end() if office else 0)
            run = run[: cut.start()] if cut else run
            body_agency = _clean_agency(run) if len(run) >= 3 else None
            if body_agency:
                break
        if body_agency or _BODY_AGENCY.match(n):
            break
    if body_agency is None:
        body_agency = next(
            (
                a
                for t in before
                if "报告" in t
                and (m := _COMPILED_BY.search(t))
                and (m["gap"] is None or _COMPILING.match(t, m.end("run")))
                and (a := _clean_agency(m["run"]))
            ),
            None,
        )
    if year is None:
        # before the tables only: after them, section 五's plans open with next year (2022年，
        # 我们将…)
        for t in before:
            m = _BODY_YEAR.search(t) if "年" in t else None
            if m:
                year, year_from = int(m.group(1)), "body"
                break
    if year is None:
        for t in head:
            m = _PERIOD.search(t) if "月" in t else None
            if m:
                year, year_from = int(m.group(1)), "period"
                break
    if year is None and not listed:
        # not where a list of reports of other years stands above a title naming none: their
        # years, one each, outnumber the report's own in a text that seldom names it
        # not a year of a name (杭州2022年亚运会组委会), which the page repeats whatever its year,
        # nor of a sentence comparing with a year (较2022年增长, 与《…2022年…报告》相比): the
        # year before's, which a report compares with and seldom names its own
        years = Counter(
            int(y)
            for t in head
            if "年" in t and not (_CITING_LINE.search(t) or _COMPARED.search(t))
            for y in _YEAR_WRITTEN.findall(_NAMED_YEAR.sub("", t) if "20" in t else t)
        )
        if years:
            year, year_from = years.most_common(1)[0][0], "frequent"

    # 4. the sign-off line, the opening sentence, the page's metadata grid
    signoff, signed = _signoff(texts)
    if agency is not None:
        # a title may shorten the name the report signs with (鄞州区司法局 / 宁波市鄞州区司法局)
        fuller = [a for a in (signoff, body_agency) if a and a != agency and a.endswith(agency)]
        agency = max(fuller, key=len, default=agency)
    if agency is not None and agency == head_agency and line_agency is not None:
        agency = _head_or_line_agency(agency, line_agency, (signoff, body_agency), problems)
    if agency is None:
        agency = signoff
    if agency is None:
        flat = " | ".join(map(nfkc, texts[:400]))
        meta_agency = next(
            (a for m in _META_AGENCY.finditer(flat) if (a := _leading_agency(m.group("a")))),
            None,
        )
        if body_agency and meta_agency and meta_agency.endswith(body_agency):
            agency = meta_agency
        else:
            agency = body_agency or meta_agency
    if agency is None:
        agency = below
    if agency is None:
        # CMS pages name the publishing organ in <meta name="ContentSource"> (not SiteName,
        # which is the portal)
        for name in ("contentsource", "author"):
            if value := head_info.meta.get(name):
                agency = _clean_agency(norm(value))
                if agency:
                    break

    no_dates: list[str] = []
    edited: list[str] = []
    clocks: list[str] = []
    stated = year if year_from in ("title", "body", "period") else None
    #: a date line alone outside the title's block that a document's writing date outranks
    rivals: list[str] = []
    published = _published(
        head,
        texts,
        head_info.meta,
        signed,
        no_dates,
        edited,
        stated,
        clocks,
        (title_at, body_start if body_start is not None else 400, rivals),
    )
    if edited:
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.published: the page dates only an edit (更新时间 {edited[0]}), no publication "
            "nor a sign-off; taken as the publication date",
        )
    if year is not None and year_from == "body" and published is not None:
        stated = int(published[:4]) - 1
        if stated != year and int(published[5:7]) <= 6:
            problems.flag(
                codes.METADATA_GUESSED,
                f"meta.year: the opening sentence says {year} but the page was published "
                f"{published}; taken as {stated}",
            )
            year = stated
    if year_from == "title" and head_year == year and line_year not in (None, year):
        year = _head_or_line_year(year, line_year, published, before, problems)
    elif year_from == "title" and year is not None and published is not None:
        year = _title_against_body(year, published, before, problems)
    if year is not None and year_from == "frequent" and published is not None:
        year = None
    if year is None and published is not None:
        year, year_from = int(published[:4]) - 1, "published"
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.year: no title or statement of the year; taken as the year before "
            f"publication ({published})",
        )
    if bracketed is not None and year in bracketed:
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.year: the title names {bracketed[0]} before the report's words and "
            f"{year} in brackets after them; taken as {year}",
        )
    if span is not None and year == span[1] and span[0] < year:
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.year: the title names the span {span[0]}–{year}; taken as {year}, its "
            "last year (a report of two years' work, or a title that miswrote its year)",
        )
    if year is not None and year_from == "frequent":
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.year: no title or opening sentence states the year; taken as {year}, "
            "the year the text mentions most",
        )
    if year is not None and year_from and published is not None:
        p = dt.date.fromisoformat(published)
        if p.year <= year:
            _date_before_year_end(published, year, year_from, before, problems)
        elif p.year != year + 1:
            # years later: a report re-posted (a site moved, a page republished), not a
            # contradiction
            problems.append(
                f"meta.published: {published} is not in the year after the report year {year}"
            )
    if published is None and no_dates:
        problems.append(
            f"meta.published: the page's date {no_dates[0]} is no date (no such month or day); "
            "no publication date is taken"
        )
    elif published is None and rivals:
        problems.append(f"meta.published: {rivals[0]}; no publication date is taken")
    elif published is None and clocks and clocks[0].endswith(_SHAPED):
        problems.append(
            f"meta.published: the page's only date under a plain label ({clocks[0]}) is a "
            "portal's clock; no publication date is taken"
        )
    elif published is None and clocks:
        problems.append(
            f"meta.published: the page's only date under a plain label ({clocks[0]}) is a year "
            f"or more after the year after the report year {year} (a portal's clock); "
            "no publication date is taken"
        )
    elif published is None:
        problems.append("meta.published: no publication date on the page")
    if agency is None:
        problems.flag(
            codes.METADATA_MISSING, "meta.agency: the page does not name the publishing agency"
        )
    if year is None:
        problems.flag(
            codes.METADATA_MISSING, "meta.year: the report year is not stated on the page"
        )
    return Metadata(agency, year, published, problems)


def _subtitle_agency(before: list[str], k: int) -> str | None:
    """The agency a title without a name (2023年政府信息公开工作年度报告) has on the line right
    under it, the whole line a name; not an entry of a list of such titles, each with its
    agency under it (another title right after the name)."""
    if k + 1 >= len(before) or (k + 2 < len(before) and _named_report(before[k + 2])):
        return None
    return _clean_agency(before[k + 1])


def _other_title_agency(line: str, year: int | None) -> str | None:
    """The agency a title line names for the report year `year`, if it names one."""
    m = _TITLE.search(line) or _TITLE_YEAR_AFTER.search(line)
    if m is None or int(m.group("year") or m.groupdict().get("inside") or 0) != year:
        return None
    return _title_agency(line, m)


def _head_or_line_agency(
    head_agency: str, line_agency: str, told: tuple[str | None, ...], problems: Problems
) -> str:
    """The agency where the page's <title> and the report's own title line name two: a
    mirror's or a portal's <title> may name the site's agency. The one the report's sign-off
    or opening sentence bears out is taken, and the reading says so."""

    def same(a: str, b: str) -> bool:
        return a in b or b in a

    if same(head_agency, line_agency) or any(t and same(head_agency, t) for t in told):
        return head_agency
    if any(t and same(line_agency, t) for t in told):
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.agency: the page's <title> names {head_agency}, its own title line "
            f"{line_agency}, as its sign-off or opening sentence do; taken as {line_agency}",
        )
        return line_agency
    problems.flag(
        codes.METADATA_GUESSED,
        f"meta.agency: the page's <title> names {head_agency}, its own title line "
        f"{line_agency}; taken as {head_agency}",
    )
    return head_agency


def _head_or_line_year(
    head_year: int, line_year: int, published: str | None, before: list[str], problems: Problems
) -> int:
    """The report year where the page's <title> and the report's own title line disagree. A
    mirror re-hosts a report under a <title> of its own, sometimes another year's; a sidebar
    before the article may hold another year's title. The one the page's publication date or
    the report's opening sentence (2023年，…) bears out is taken, and the reading says so."""
    told = {int(published[:4]) - 1} if published else set()
    told |= {int(m.group(1)) for t in before[:200] if "年" in t for m in _BODY_YEAR.finditer(t)}
    if head_year in told:
        return head_year
    if line_year in told:
        problems.flag(
            codes.METADATA_GUESSED,
            f"meta.year: the page's <title> names {head_year}, its own title line {line_year}, "
            f"as its date or opening sentence do; taken as {line_year}",
        )
        return line_year
    problems.flag(
        codes.METADATA_GUESSED,
        f"meta.year: the page's <title> names {head_year}, its own title line {line_year}; "
        f"taken as {head_year}",
    )
    return head_year


def _title_against_body(year: int, published: str, before: list[str], problems: Problems) -> int:
    """The report year where every title names one year and the report's opening sentence
    (2023年，…) and its publication date (January–March of the next year) both name another:
    a mirror that titled the page (its <title> and heading) for another year. The year the
    two bear out is taken, and the reading says so."""
    opening = next((m for t in before if "年" in t and (m := _BODY_YEAR.search(t))), None)
    stated = int(published[:4]) - 1
    if opening is None or int(opening.group(1)) != stated or stated == year:
        return year
    if int(published[5:7]) > 6:
        return year  # published late in a year: a report re-posted, not its year
    problems.flag(
        codes.METADATA_GUESSED,
        f"meta.year: the title names {year}, but the opening sentence says {stated} and the "
        f"page was published {published}; taken as {stated}",
    )
    return stated


#: where the report year was read, as the problem line names it
_YEAR_SOURCES = {
    "title": "the title states",
    "body": "the opening sentence states",
    "period": "the period the report covers is",
    "frequent": "the year the text mentions most is",
}


def _date_before_year_end(
    published: str, year: int, year_from: str, before: list[str], problems: Problems
) -> None:
    """A publication date on or before the last day of the report year: no annual report is
    published before its year ends, so the year or the date is wrong. The year is kept (not
    changed without a reader) and the report flagged; the line names where each was read and,
    when the opening sentence states the year the title does, blames the date."""
    source = _YEAR_SOURCES.get(year_from, "the page states")
    opening = {int(m.group(1)) for t in before if "年" in t for m in _BODY_YEAR.finditer(t)}
    if year_from != "body" and year in opening:
        blame = f"the opening sentence says {year} too: the date is the likelier error"
    else:
        blame = "the year or the date is wrong"
    problems.flag(
        codes.DATE_CONTRADICTS_YEAR,
        f"meta.published: {published} is before the report year {year} ended ({source} "
        f"{year}); {blame}; the year is kept",
    )


def _published(
    head: list[str],
    texts: list[str],
    meta: Mapping[str, str],
    signed: str | None,
    no_dates: list[str] | None = None,
    edited: list[str] | None = None,
    stated: int | None = None,
    clocks: list[str] | None = None,
    block: tuple[int | None, int, list[str]] | None = None,
) -> str | None:
    """From the page chrome (normalised `head`) or the CMS's <meta> (PubDate…), else the
    sign-off's date (`signed`, see _signoff), else the last date at the end of `texts`, else
    the date of an edit (更新时间, added to `edited` when taken): a portal shows when the
    article was last changed, which may be days or years after the report was published.
    A date written with no such month or day (2023年13月3日) is added to `no_dates`.

    A date under a plain label (时间：, 日期：) a year or more after the year after the
    report year the page states (`stated`) is passed over and added to `clocks`: a portal shows
    its clock so (时间：2026-12-07 天气：晴), and no report is published that late but one
    re-posted, which its site dates under a publication's own label (发布时间).

    `block` is the line of the report's own title, where its body starts, and a list the
    reason is added to when no date is taken. A date alone on a line of the title's block
    (right under the title, page chrome between at most) is the page's own date line, ranked
    as a 时间 above a 成文日期 (of the report or of a document it cites: a related-document
    box, an attachment's grid). A date alone on another line before the body, in the year after
    the stated report year, is anyone's: where a 成文日期 says another day, neither is taken."""
    no_dates = [] if no_dates is None else no_dates
    title_at, body_at, rivals = block if block is not None else (None, 0, [])
    #: a date alone on a line before the body, outside the title's block
    loose: str | None = None
    edit: str | None = None
    #: the next cell of a metadata grid holding an edit label's date (更新时间： | 2020-01-21):
    #: the edit's, not a date line of its own
    edit_cells: set[int] = set()

    def dated(y: str, m: str, d: str) -> str | None:
        date = _calendar_date(y, m, d)
        if date is None:
            no_dates.append(f"{y}年{int(m)}月{int(d)}日")
        return date

    best: tuple[float, str] | None = None
    for name in _META_DATES:
        m = re.match(_DATE, norm(meta.get(name, "")))
        if m and (date := dated(*m.groups())):
            best = (1, date)  # as good as a visible 日期; a visible 发布时间 still wins
            break
    for k in _dated_lines(head[:300]):
        n = head[k]
        if len(n) > 160:
            continue
        if not any(word in n for word in _DATE_LABEL_WORDS):
            matches = ()
        else:
            matches = _LABELLED_DATE.finditer(n)
            if "：" in n or ":" in n:
                matches = itertools.chain(matches, _RUN_ON_DATE.finditer(n))
        for m in matches:
            if m.group("y") is None:
                # the label's value may be the next cell of a metadata grid
                nxt = head[k + 1] if k + 1 < len(head) else ""
                if m.end() == len(n) and (d := re.match(_DATE, nxt)):
                    date = dated(*d.groups())
                else:
                    continue
            else:
                date = dated(m.group("y"), m.group("mo"), m.group("d"))
            if date is None:
                continue
            if m.group("plain") and stated is not None and int(date[:4]) >= stated + 2:
                if clocks is not None:
                    clocks.append(date)
                continue
            if m.group("plain") and _CLOCK_TAIL.match(n, m.end()) and not _ARTICLE_FIELDS.search(n):
                # the weekday or the weather after it: the portal's clock, whatever its year
                # (not on a line naming the article's source or readers: its own date line,
                # 日期：2024-01-15 星期一  来源：XX局, as some portals print the weekday)
                if clocks is not None:
                    clocks.append(f"{date}{_SHAPED}")
                continue
            rank = _LABEL_RANK[m.group("label") or m.group("plain")]
            if m.group("plain") and n[max(m.start("plain") - 2, 0) : m.start("plain")] in _WRITTEN:
                rank = _LABEL_RANK["成文日期"]  # 公文生成日期, 签发日期: the writing, as 成文日期
            if rank == _EDITED:
                edit = edit or date
                if m.group("y") is None:
                    edit_cells.add(k + 1)
            elif best is None or rank < best[0]:
                best = (rank, date)
        if (
            (best is None or best[0] > _LABEL_RANK["时间"])
            and k < 120
            and k not in edit_cells
            # a portal's list of the article's fields may bullet its date line (• 2025-02-10)
            and (m := _LEADING_DATE.match(bare := n.lstrip(_BULLETS)))
            and len(n) < 60
        ):
            date = dated(*m.groups()[:3])
            # the fields follow the date, a weekday or the font's buttons between at most
            # (2021-02-09发布：XX点击数：, 2021-02-09星期二作者：), not another article's title in
            # a list of links (2023-01-20XX局2022年…报告浏览次数：120)
            fields = "来源" in bare or (
                (f := _DATE_LINE_FIELDS.search(bare, m.end())) is not None
                and _TITLE_WORDS.search(bare, m.end(), f.start()) is None
            )
            if date and (fields or _DATE_ONLY.match(bare)):
                bulleted = bare != n
                listed = not fields and _list_entry_date(head, k, _BULLETS if bulleted else "")
                if listed and _others_entry_date(head, k, stated, _BULLETS if bulleted else ""):
                    continue  # another year's report's date in a list: never the page's
                # a list entry's date ranks below a 更新时间, and is kept only where nothing else
                # is; a bulleted list of other reports' titles and dates dates none; the date
                # line with the article's fields is its 时间, above a 成文日期 or 印发日期 (of the
                # report or of a document it cites)
                rank = 5 if listed else _LABEL_RANK["时间"] if fields else 3
                if rank == 3 and _may_date(date, stated) and _in_title_block(head, title_at, k):
                    rank = _OWN_LINE
                elif rank == 3 and k < body_at and loose is None and _may_date(date, stated):
                    loose = date
                if not (listed and bulleted) and (best is None or rank < best[0]):
                    best = (rank, date)
    if best is not None and best[0] == _LABEL_RANK["成文日期"] and loose not in (None, best[1]):
        # a document's writing date and a date line of no one's: a cited document's date
        # beside the page's own, or the page's writing beside another's date
        rivals.append(
            f"a document's writing date ({best[1]}) and a date line outside the title "
            f"({loose}) disagree"
        )
        return None
    if best is not None and (best[0] < _EDITED or edit is None):
        return best[1]
    # the sign-off at the end: the agency's name, then the date; else the last date alone
    if signed is not None:
        return signed
    for k in range(len(texts) - 1, max(len(texts) - 40, 0) - 1, -1):
        m = _SIGNOFF_DATE.match(_normalised(texts[k]))
        if k < len(head) and _others_entry_date(head, k, stated):
            continue
        if m and not (edit is not None and k < len(head) and _list_entry_date(head, k)):
            return dated(*m.groups())
    if edit is not None and edited is not None:
        edited.append(edit)
    # the page's own edit before a related list's date, which is another report's
    return edit or (best[1] if best is not None else None)


#: what a portal writes after its clock's date (时间：2024年3月5日 星期二, 日期：2024-03-05
#: 天气：晴, …周二 多云 12℃): no article's date is followed by a weekday or the weather
_CLOCK_TAIL = re.compile(
    r"(?:\d{1,2}:\d{2}(?::\d{2})?)?(?:星期|礼拜|周[一二三四五六日天]|天气|[晴阴]|多云|小雨)"
)
#: an article's fields, which its own date line holds and a portal's clock never stands beside
_ARTICLE_FIELDS = re.compile(r"来源|作者|阅读|浏览|点击|责任编辑|发布机构")
#: the fields of an article's own date line after the date it opens with (2021-02-09 发布：XX
#: 点击数：, 2023-01-31 来源：XX局): a list entry's date stands before another report's title
_DATE_LINE_FIELDS = re.compile(
    r"来源|(?:发布|发布者|发布机构|作者|编辑|点击数?|浏览(?:次数|量)?|阅读(?:次数|量)?|访问(?:次数|量)?)[:：]"
)
#: a title's words between a date and the fields after it: the line is a list's entry
_TITLE_WORDS = re.compile(r"[\u4e00-\u9fff]{6}|报告|年报")
#: how a clock told by its shape is named in the problem line
_SHAPED = ", a weekday or the weather beside it"

#: the bullets a portal's list of an article's fields opens its lines with
_BULLETS = "•·・-*"
#: the words of _LABELLED_DATE's labels: a line without any holds no labelled date
_DATE_LABEL_WORDS = ("日期", "时间", "发布于", "发稿")


def _may_date(date: str, stated: int | None) -> bool:
    """Whether `date` may be the publication of the report of the year the page states: in
    the year after it. A date alone in another year (a portal's clock, a list's entry of years
    ago) is no rival of a 成文日期."""
    return stated is None or int(date[:4]) == stated + 1


#: how many lines of page chrome (字体：大 中 小, 来源：…, 打印) may stand between the title and
#: its date line
_TITLE_BLOCK = 3


def _in_title_block(head: list[str], title_at: int | None, k: int) -> bool:
    """Whether line k stands in the block of the report's own title at `title_at`: under
    it, with at most _TITLE_BLOCK lines between, each short and dating nothing (page chrome,
    not a sentence of the report nor another document's grid), none naming another document
    (相关文件, 关于…的通知: the date under it is that document's) and the last no label whose
    value the date is (最后更新, 修订日期：)."""
    if title_at is None or not 0 < k - title_at <= _TITLE_BLOCK:
        return False
    between = head[title_at + 1 : k]
    if between and _LABEL_BEFORE_VALUE.search(between[-1]):
        return False
    return all(
        len(t) <= 40
        and "。" not in t
        and re.search(r"20\d{2}\s*[-/.年]", t) is None
        and _OTHER_DOCUMENT.search(t) is None
        for t in between
    )


#: the rank of the page's own date line under its title (_in_title_block): above a 成文日期,
#: below a labelled 日期 or 时间 (a date alone may be an edit's or a cited document's)
_OWN_LINE = 1.5
#: a line naming another document or introducing others (a related box, an attachment, a list
#: of links), whose date the next line may be; a document's words only on a line with no label
#: (来源：XX市自然资源和规划局 is the page's chrome)
_OTHER_DOCUMENT = re.compile(
    r"附件|相关|上一篇|下一篇|(?:延伸|推荐|热门)阅读|"
    r"^[^:：]*(?:关于|通知|意见|办法|规定|规划|方案|制度|指南|目录|决定|批复|函$|报告)[^:：]*$"
)
#: a label whose value is the next line: 最后更新, 更新于, 修订日期：, 浏览次数：
_LABEL_BEFORE_VALUE = re.compile(r"(?:[:：]|更新|修订|修改|更新于|日期|时间)$")


def _dated_lines(head: list[str]) -> list[int]:
    """The indexes of the normalised lines (no white space in any) that may hold a date
    _published reads: a label's word (_DATE_LABEL_WORDS), or a leading year (_LEADING_DATE
    opens with 20, after a bullet or not). Substring searches of the lines joined: a test of each line in
    Python (300 of them, on a portal page mostly menus and links) cost 0.13 M instructions a
    page more."""
    joined = "\n" + "\n".join(head)
    #: where each line starts in `joined`
    starts = list(itertools.accumulate([len(n) + 1 for n in head], initial=1))
    found: set[int] = set()
    for word in (*_DATE_LABEL_WORDS, "\n20", *(f"\n{b}20" for b in _BULLETS)):
        skip = 1 if word[0] == "\n" else 0
        at = joined.find(word)
        while at >= 0:
            found.add(bisect.bisect_right(starts, at + skip) - 1)
            at = joined.find(word, at + 1)
    return sorted(found)


#: how far from the end of the page the sign-off is looked for: footers list dozens of links
_SIGNOFF_REACH = 80


def _signoff(texts: list[str]) -> tuple[str | None, str | None]:
    """The sign-off: the agency's name above the closing date (or before it on the same line),
    and that date. Read from the end of the page; a date whose line above names no agency (a
    related-links list under the report) is passed over."""
    tail = [_normalised(t) for t in texts[-_SIGNOFF_REACH:] if norm(t)]
    for i in range(len(tail) - 1, -1, -1):
        if (m := _SIGNOFF_DATE.match(tail[i])) and i > 0:
            if name := _clean_agency(tail[i - 1]):
                return name, _calendar_date(*m.groups())
        elif (m := _SIGNOFF_INLINE.match(tail[i])) and (name := _clean_agency(m.group("name"))):
            return name, _calendar_date(*m.groups()[1:4])
    return None, None
