"""Recognising what a piece of page text is: a row label, a header, a heading, or narrative.

Labels are compared after normalisation (NFKC, no whitespace, no quotes, no enumeration such as
三、 （一） 1.). A label that equals the template's wording is an exact match; one that only
contains the row's distinctive core, or is one typo away from a short label, is a fuzzy match
and the section reader reports it.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from gx_pipeline import contract
from gx_pipeline.parsing.values import squash

_QUOTES = re.compile(r"[“”\"'‘’「」『』〝〞]")
_ENUM = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．,，]|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、．](?!\d)|"
    r"[①②③④⑤⑥⑦⑧⑨⑩])"
)
_PUNCT = re.compile(r"[()\[\]【】:：,，、;；。.．]")
#: enumerations inside a label that joins a group and its row: 三、本年度办理结果（一）予以公开
_INNER_ENUM = re.compile(r"\([一二三四五六七八九十]{1,3}\)|(?<![\d.])\d{1,2}[.、．](?!\d)")


@functools.lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """NFKC, no whitespace, no quotes."""
    return _QUOTES.sub("", squash(text))


def strip_enum(text: str) -> str:
    """Drop leading enumerations: 三、（一）1. → ''."""
    prev = None
    while prev != text:
        prev = text
        text = _ENUM.sub("", text)
    return text


@functools.lru_cache(maxsize=16384)
def bare(text: str) -> str:
    """The label's words only: normalised, enumeration and punctuation removed."""
    return _PUNCT.sub("", _INNER_ENUM.sub("", strip_enum(norm(text))))


@dataclass(frozen=True)
class LabelMatch:
    code: str
    exact: bool
    core: str


def _near_miss(b: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """The (label, code) a text is a near miss of: a ratio of 0.8 or more; or, for four
    characters, three of them in their places (one typed as another that sounds alike:
    行正许可, 重复伸请) where no other label has three, and the four are no piece of a label.
    A table's other words of four (不予公开 over 予以公开's rows) are left to the caller:
    they are checked first."""
    best, best_ratio, tied = None, 0.0, False
    for label, code in labels.items():
        ratio = _similarity(b, label)
        if ratio > best_ratio:
            best, best_ratio, tied = (label, code), ratio, False
        elif best is not None and ratio == best_ratio and code != best[1]:
            tied = True
    if best is not None and best_ratio >= 0.8:
        # a piece as near to two rows' labels (政府信息公开申请数量, the end of 一、本年新收… and
        # of 二、上年结转…, pushed into the next row's first cell) names neither
        return None if tied else best
    if len(b) != 4 or not has_chinese(b) or any(b in label for label in labels):
        # (a piece of a longer label wrapped over two lines is no typo: 反复申请 of
        # 4.无正当理由大量 / 反复申请 is not 重复申请)
        return None
    typos = [
        (label, code)
        for label, code in labels.items()
        if len(label) == 4 and sum(x == y for x, y in zip(b, label, strict=True)) == 3
    ]
    return typos[0] if len(typos) == 1 else None


def _similarity(a: str, b: str) -> float:
    """difflib's ratio, skipped when a cheap upper bound already rules a match out."""
    # ratio = 2M / (len(a) + len(b)) and M <= the characters the two have in common
    if 2 * min(len(a), len(b)) < 0.8 * (len(a) + len(b)):
        return 0.0
    if 2 * len(set(a) & set(b)) < 0.8 * (len(a) + len(b)) and len(set(a)) == len(a):
        return 0.0
    m = difflib.SequenceMatcher(None, a, b)
    if m.quick_ratio() < 0.8:  # (real_quick_ratio is the first test above)
        return 0.0
    return m.ratio()


# --- section 二 ---------------------------------------------------------------------------

_PROACTIVE_LABELS: dict[str, str] = {
    "规章": "rules",
    "规范性文件": "normative_docs",
    "行政规范性文件": "normative_docs",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政事业性收费": "fees",
    "政府集中采购": "procurement",
}


_PROACTIVE_CANON = {code: label for label, code in reversed(_PROACTIVE_LABELS.items())}


@functools.lru_cache(maxsize=4096)
def match_proactive(text: str) -> LabelMatch | None:
    b = bare(text)
    if not b or len(b) > 16:
        return None
    code = _PROACTIVE_LABELS.get(b)
    if code is not None:
        return LabelMatch(code, True, b)
    if len(b) < 3:
        return None
    near = _near_miss(b, _PROACTIVE_LABELS)
    if near is not None:
        return LabelMatch(near[1], False, near[0])
    return None


# --- section 三 ---------------------------------------------------------------------------

_REQUEST_ROWS = {r.code: r for t in contract.TEMPLATES for r in contract.rows(t, "requests")}
#: the canonical wording of each row label, reduced to its words
_REQUEST_CANON: dict[str, str] = {
    code: bare(re.sub(r"^三（[一二三四五六七]）(?:不予公开|无法提供|不予处理)?\s*", "", r.label))
    for code, r in _REQUEST_ROWS.items()
}
# checked in this order: longer, more specific cores first
_REQUEST_CORES: list[tuple[str, str]] = sorted(
    (
        (core, code)
        for code, r in _REQUEST_ROWS.items()
        if code not in ("results_total", "other.other")
        for core in r.cores
    ),
    key=lambda cc: -len(cc[0]),
)
#: the labels a near miss is measured against: canonical wordings of four or more characters
_REQUEST_FUZZY: dict[str, str] = {
    canon: code for code, canon in _REQUEST_CANON.items() if len(canon) >= 4
}
_REQUEST_GROUPS = ("本年度办理结果", "办理结果", "不予公开", "无法提供", "不予处理")
# fmt: off
REQUEST_HEADER_WORDS = (
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织",
    "法律服务机构", "勾稽", "本列数据", "总计", "其他", "续表",
)
# fmt: on


@functools.lru_cache(maxsize=4096)
def is_request_heading(text: str) -> bool:
    """A heading of the requests table's columns (申请人情况, 自然人, 商业企业 …), one a cell
    or several run together in one piece (flipbook text); a short text with an applicant's
    heading in it (法人或其他组织情况). Cached: the headings are the same on every page."""
    b = bare(text)
    return (
        b in REQUEST_HEADER_WORDS
        or (len(b) <= 10 and any(w in b for w in REQUEST_HEADER_WORDS[:7]))
        or only_header_words(text, REQUEST_HEADER_WORDS)
    )


@functools.lru_cache(maxsize=4096)
def match_request(text: str, fuzzy: bool = False) -> LabelMatch | None:
    """The requests row a label names. 总计 and 其他 alone are left to the caller's context.

    `fuzzy` also tries near-misses of the whole label (one typo away); only worth it inside
    the requests table, where an unmatched text is otherwise a problem line.
    """
    n = norm(text)
    if len(n) > 70 or "。" in n:
        return None
    b = bare(text)
    item = _without_groups(b)
    if item != b:
        # a group and its item in one cell: （六）其他处理 2.申请人逾期未按收费通知… — the item
        # names the row, not the group word (其他处理 is also the 2019 leaf row's own label)
        if item == "其他" and b.startswith("其他处理"):
            return LabelMatch("other.other", True, "其他")
        for core, code in _REQUEST_CORES:
            if core in item:
                canon = _REQUEST_CANON[code]
                return LabelMatch(code, item == canon, core)
        # the item's label cut short, the rest wrapped onto the next line (（六）其他处理
        # 2.申请人逾期未按收费): it names the row whose wording it begins where only one row's
        # does, and no row where several rows' do; never the group's own row
        starts = [c for c, canon in _REQUEST_CANON.items() if canon.startswith(item)]
        if len(item) >= 2 and len(starts) == 1:
            return LabelMatch(starts[0], False, item)
        if len(item) >= 2 and starts:
            return None
    for core, code in _REQUEST_CORES:
        if core in b:
            canon = _REQUEST_CANON[code]
            exact = b == canon or b.endswith(canon) and _is_group_prefix(b[: -len(canon)])
            return LabelMatch(code, exact, core)
    # a label cut short, the rest wrapped onto the next line with the numbers on the first
    # (5.要求行政机关确认或 | 重新出具已获取信息): the row whose wording it begins, the only one
    starts = [c for c, canon in _REQUEST_CANON.items() if canon.startswith(b)]
    if len(b) >= 4 and len(starts) == 1:
        return LabelMatch(starts[0], False, b)
    if fuzzy and 4 <= len(b) <= 40 and b not in _GROUP_WORDS:
        near = _near_miss(b, _REQUEST_FUZZY)
        if near is not None:
            return LabelMatch(near[1], False, near[0])
    return None


_GROUP_WORDS = ("本年度办理结果", "办理结果", "不予公开", "无法提供", "不予处理", "其他处理")
#: the group labels of the requests table in full, whose pieces a borderless table's wrapped
#: lines show beside row labels
GROUP_LABELS = (
    "三、本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
)


def _without_groups(b: str) -> str:
    changed = True
    while changed:
        changed = False
        for g in _GROUP_WORDS:
            if b.startswith(g) and len(b) > len(g):
                b, changed = b[len(g) :], True
    return b


@functools.lru_cache(maxsize=4096)
def completes(section: str, code: str, label: str, more: str) -> bool:
    """Whether `more` is the rest of `label`, a row label wrapped over two cells or lines:
    the joined words come closer to the template's wording of the row without passing it
    (from its start, or from a piece of its middle the label began with)."""
    canon = _REQUEST_CANON.get(code) if section == "requests" else _PROACTIVE_CANON.get(code)
    if not canon:
        return False
    before = _without_groups(bare(label))
    joined = _without_groups(bare(label + more))
    if before == canon or len(joined) <= len(before):
        return False
    if canon.startswith(joined):
        return True
    # a label begun in the middle: a PDF's copy that lost the line before puts a piece of the
    # wording, named by its core, in one cell and its continuation in the next (缴纳费用、 |
    # 行政机关不再处理其政), the piece maybe behind a stray line's words taken with it
    if not joined.startswith(before):
        return False
    tail = next((before[k:] for k in range(len(before) - 1) if before[k:] in canon), "")
    return len(tail) >= 2 and tail + joined[len(before) :] in canon


def _is_group_prefix(prefix: str) -> bool:
    return prefix in ("", "不予公开", "无法提供", "不予处理", "本年度办理结果", "其他处理")


def match_row(section: str | None, text: str) -> LabelMatch | None:
    """The row of a section's table that a label names (requests with near-misses)."""
    if section == "requests":
        return match_request(text, fuzzy=True)
    if section == "proactive":
        return match_proactive(text)
    return None


@functools.lru_cache(maxsize=4096)
def is_request_group(text: str) -> bool:
    b = bare(text)
    return any(b == g or b.startswith("本年度办理结果") for g in _REQUEST_GROUPS)


@functools.lru_cache(maxsize=4096)
def is_results_total(text: str, results_seen: bool, total_seen: bool = False) -> bool:
    """（七）总计 — or a bare 总计 (合计) once the result rows have begun and before the total
    row itself: a 合计 after （七）总计 is an extra row of the agency's, not the total again."""
    n = strip_enum(norm(text)) if results_seen else norm(text)
    if results_seen:
        word = _PUNCT.sub("", n)
        return word == "总计" or (word == "合计" and not total_seen)
    return bool(re.match(r"^[(（]?七[)）、.]?\s*总计$", n))


def is_other_leaf(text: str) -> bool:
    return bare(text) == "其他"


# --- section 四 ---------------------------------------------------------------------------

# fmt: off
APPEAL_HEADER_WORDS = (
    "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
    "未经复议直接起诉", "复议后起诉",
)
# fmt: on


@functools.lru_cache(maxsize=4096)
def match_appeal_row(text: str) -> str | None:
    b = bare(text)
    if b in ("行政复议",):
        return "review"
    if "直接起诉" in b and len(b) <= 12:
        return "litigation_direct"
    if "复议后起诉" in b and len(b) <= 12:
        return "litigation_after_review"
    return None


#: section 四's outcome headings as agencies word them otherwise (short, in Traditional
#: characters, 其它 for 其他): each names one column of the national form's
_APPEAL_OUTCOME_WORDINGS = {
    "维持": "结果维持",
    "纠正": "结果纠正",
    "其他": "其他结果",
    "其它": "其他结果",
    "其它结果": "其他结果",
    "未审结": "尚未审结",
}
_TRADITIONAL_OUTCOME_CHARACTERS = str.maketrans("維糾審結總計", "维纠审结总计")


@functools.lru_cache(maxsize=4096)
def appeal_outcome_wording(text: str) -> str | None:
    """The national heading a section 四 outcome heading worded otherwise stands for (维持,
    未审结, 結果糾正, 總計, 维　持), None where it is none of them or the national heading
    itself. Only in section 四's header: 维持 or 其他 alone mean nothing elsewhere."""
    b = bare(text)
    if len(b) > 4:
        return None
    simplified = b.translate(_TRADITIONAL_OUTCOME_CHARACTERS)
    heading = _APPEAL_OUTCOME_WORDINGS.get(simplified, simplified)
    if heading == b or heading not in APPEAL_HEADER_WORDS[2:7]:
        return None
    return heading


#: section 四's headings, national and worded otherwise, longest first (one of several
#: written together: 維持結果糾正其他结果尚未审结合计)
_APPEAL_HEADING_PARTS = re.compile(
    "|".join(
        sorted(
            {*APPEAL_HEADER_WORDS, *_APPEAL_OUTCOME_WORDINGS, "合计", "小计"},
            key=len,
            reverse=True,
        )
    )
)


@functools.lru_cache(maxsize=4096)
def appeal_heading_parts(text: str) -> tuple[str, ...] | None:
    """The section 四 headings a word is made of, written together with no space between
    (a copy that lost the one space between cells), each as the national heading where worded
    otherwise (維持 → 结果维持); None where the word is not made of headings alone."""
    b = bare(text).translate(_TRADITIONAL_OUTCOME_CHARACTERS)
    parts = _APPEAL_HEADING_PARTS.findall(b)
    if not parts or "".join(parts) != b:
        return None
    return tuple(_APPEAL_OUTCOME_WORDINGS.get(p, p) for p in parts)


#: a line of section 四's text that names the two kinds of 行政诉讼 in the order its tables
#: draw them: 行政诉讼情况如下（依次为复议后起诉、未经复议直接起诉）
_LITIGATION_KINDS_IN_ORDER = re.compile(
    r"(?:依次|分别)(?:为|是)?[:：]?(未经复议直接起诉|复议后起诉)(?:案件)?(?:和|及|与|、|,|，)"
    r"(未经复议直接起诉|复议后起诉)"
)


@functools.lru_cache(maxsize=4096)
def litigation_kinds_in_order(text: str) -> tuple[str, str] | None:
    """The two kinds of 行政诉讼 a line of text names in order (依次为 … 、 …), None where it
    names them in no stated order or not both."""
    m = _LITIGATION_KINDS_IN_ORDER.search(norm(text))
    if m is None or m.group(1) == m.group(2):
        return None
    return m.group(1), m.group(2)


@functools.lru_cache(maxsize=4096)
def is_appeal_header(text: str) -> bool:
    b = bare(text)
    if not b:
        return False
    if len(b) > 16:
        return only_header_words(text, APPEAL_HEADER_WORDS)
    return any(w in b for w in APPEAL_HEADER_WORDS)


# --- headings and block titles --------------------------------------------------------------

_HEADING = {
    "proactive": re.compile(
        r"^(?:[一二三四五六七八九十]*、)?[^。]{0,10}主动公开政府信息(?:的)?情况$"
    ),
    "requests": re.compile(
        r"^(?:[一二三四五六七八九十]*、)?[^。]{0,10}收到和处理政府信息公开(?:的)?申请(?:的)?情况$"
    ),
    "appeals": re.compile(
        r"^(?:[一二三四五六七八九十]*、)?[^。]{0,16}(?:行政复议|复议)[^。]{0,12}(?:行政诉讼|诉讼)[^。]{0,6}情况$"
    ),
}
_END_HEADING = re.compile(r"^[五六七]、|^存在的主要问题|^其他需要报告")
#: every character whose NFKC form holds 况: the CJK compatibility ideographs U+FA71 and U+2F81B
#: are 况 too (and a composition never makes an ideograph)
_KUANG = ("况", "\ufa71", "\U0002f81b")


@functools.lru_cache(maxsize=4096)
def heading_section(text: str) -> str | None:
    """The section a heading line opens, if it is one of the three table headings."""
    if _KUANG[0] not in text and _KUANG[1] not in text and _KUANG[2] not in text:
        return None  # every heading ends in 情况: most lines are not normalised
    n = norm(text)
    if len(n) > 40:
        return None
    for section, pattern in _HEADING.items():
        if pattern.match(n):
            return section
    return None


_OVERVIEW = re.compile(r"^一[、.．]?(?:总体情况|概述|基本情况|总体概述|总体情况概述)$")


def is_overview_heading(text: str) -> bool:
    """A report's section 一 (一、总体情况): where a report's body begins."""
    n = norm(text)
    return len(n) <= 12 and _OVERVIEW.match(_PUNCT_END.sub("", n)) is not None


_PUNCT_END = re.compile(r"[:：。]$")


_TALLY_NOTE = re.compile(r"第[一二三四]项|项之和|等于第")


#: the requests table's note in the national template's words, without punctuation
_TALLY_NOTE_WORDS = "本列数据的勾稽关系为第一项加第二项之和等于第三项加第四项之和"


def is_tally_note(n: str) -> bool:
    """A piece of the requests table's note 第一项加第二项之和，等于第三项加第四项之和."""
    return len(n) <= 40 and _TALLY_NOTE.search(n) is not None


def in_tally_note(text: str) -> bool:
    """Whether the text is a piece of the note, or the note with a part of it misread or
    cut off (之和, …项加第二项之和，等于第…): words of the note, not a misread heading."""
    b = bare(text)
    return is_tally_note(b) or (len(b) >= 2 and b in _TALLY_NOTE_WORDS)


@functools.lru_cache(maxsize=4096)
def is_end_heading(text: str) -> bool:
    n = norm(text)
    return len(n) <= 40 and _END_HEADING.match(n) is not None


_BLOCK_TITLE = re.compile(r"第二十条第?\(?([一二三四五六七八九十]+)\)?项?")
_BLOCK_NAMES = {"一": "art20_1", "五": "art20_5", "六": "art20_6", "八": "art20_8", "九": "art20_9"}


@functools.lru_cache(maxsize=4096)
def block_title(text: str) -> str | None:
    """第二十条第（五）项 → 'art20_5'; '' for an unknown item; None when not a block title."""
    if "条" not in text:  # no other character's NFKC form holds 条
        return None
    n = norm(text)
    if len(n) > 24:
        return None
    m = _BLOCK_TITLE.search(n)
    if m is None:
        return None
    return _BLOCK_NAMES.get(m.group(1), "")


#: header wording that tells the two format versions apart, in section 二
# fmt: off
_HEADER_EVIDENCE_2019 = ("新制作", "新公开", "对外公开总", "上一年项目", "增/减", "增减", "增\\减", "采购")
_HEADER_EVIDENCE_2021 = ("制发", "发件", "废止", "现行有效", "收费金额")
PROACTIVE_HEADER_WORDS = (
    "信息内容", "数量", "本年新", "增/减", "增\\减", "增减", "金额", "件数", "有效件", "发件",
    "废止", "处理决定", "采购", "单位", "万元", "制发", "总数量", "公开数量", "(历史累计)", "对外公开",
)
# fmt: on


#: words of section 二's column headers that name each column (after NFKC, no spaces)
_PROACTIVE_COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "new_made": ("新制作",),
    "new_published": ("新公开",),
    "total_published": ("对外公开总", "公开总数"),
    "prev_items": ("上一年项目", "上年项目"),
    "change": ("增/减", "增减", "增\\减", "增、减"),
    "decisions": ("处理决定",),
    "projects": ("采购项目",),
    "amount": ("金额",),
    "issued": ("制发",),
    "repealed": ("废止",),
    "in_force": ("现行有效", "有效件"),
}


def proactive_column_at(header: str, column: str) -> int | None:
    """Where in a header text (normalised) the words of a section 二 column stand, if they do."""
    found = [header.find(w) for w in _PROACTIVE_COLUMN_WORDS.get(column, ())]
    found = [k for k in found if k >= 0]
    return min(found) if found else None


#: where a section 二 column heading starts, in either format (本年新制作数量, 对外公开总数量,
#: 上一年项目数量, 本年增/减, 处理决定数量, 采购项目数量, 采购总金额, 本年制发件数, 现行有效件数, …)
_PROACTIVE_COLUMN_START = re.compile(
    r"本年|对外公开|上一?年|现行有效|采购项目|采购总|(?<!年)处理决定"
)


def proactive_column_starts(header: str) -> int:
    """How many section 二 column headings a header text (normalised) holds, named or cut."""
    return len(_PROACTIVE_COLUMN_START.findall(header))


def proactive_column_start_positions(header: str) -> list[int]:
    """Where in a header text (normalised) each section 二 column heading starts."""
    return [m.start() for m in _PROACTIVE_COLUMN_START.finditer(header)]


_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def has_chinese(text: str) -> bool:
    return _CHINESE.search(text) is not None


#: what a copy shows for a character it could not read or decode
UNREADABLE = frozenset("□■\ufffd")
#: the same, with the characters a PDF's text layer writes for a glyph it lost (口口口口)
MISREAD_MARKS = UNREADABLE | frozenset("口囗")


def not_read(text: str) -> bool:
    """A word whose characters were none of them read (口口口口, ��, □□□□): marks a PDF's text
    layer or a wrong charset leaves for characters it lost."""
    return bool(text) and MISREAD_MARKS.issuperset(text)


#: what a copy shows for characters it misread (口, 囗: OCR's box) or could not decode
_NOT_LETTERS = re.compile(r"[^\u4e00-\u9fff口囗□■\ufffd]")
_BROKEN_RUN = re.compile("\ufffd+")


def misread_of(word: str, heading: str) -> bool:
    """Whether a word may be the heading misread or cut short: as long, with at most half its
    characters other than the heading's there, marks of unread characters not counted (总口,
    口口口口, 商亚企业, 科研机关), its first characters (社会公益), or the heading with marks or
    bytes of markup beside it (社会公益组织<, 总计>). Not a word of other characters (项目 or
    类别 in the header's corner, 锟斤拷): where it stands, the heading's cell may be empty and
    the word no heading at all."""
    # bytes that decoded as nothing (社会公益�A织, 商业企���: a character's bytes, broken): the
    # characters and marks only, each run of replacement characters one unread character
    word = _BROKEN_RUN.sub("\ufffd", _NOT_LETTERS.sub("", word))
    if heading in word:
        return not has_chinese(word.replace(heading, "", 1))
    if len(word) == len(heading):
        other = sum(a != b and a not in MISREAD_MARKS for a, b in zip(word, heading, strict=True))
        return other <= len(heading) // 2
    return 2 <= len(word) < len(heading) and heading.startswith(word)


#: the group's headings in the words some agencies write them (公益组织 for 社会公益组织): a
#: word of the header naming none of the template's headings may be one of these
_REWORDED = {
    "商业企业": ("企业", "商业机构"),
    "科研机构": ("科研院所", "科研单位", "科研院校"),
    "社会公益组织": ("公益组织", "社会组织", "公益性组织", "社会公益机构"),
    "法律服务机构": ("法律服务组织", "法律服务单位"),
    "其他": ("其它",),
}


def reworded(word: str, heading: str) -> bool:
    """Whether a header's word is `heading` in words some agencies write it instead."""
    return bare(word) in _REWORDED.get(heading, ())


#: the reworded headings no wrapped heading's piece spells (企业 is 商业 | 企业's second line)
_REWORDED_WORDS = frozenset(w for ws in _REWORDED.values() for w in ws if len(w) >= 3)


def reworded_heading(text: str) -> bool:
    """Whether a header line's word is a heading of the group as some agencies word it
    (公益组织, 科研院所): a piece of the header, not of prose."""
    return bare(text) in _REWORDED_WORDS


#: the requests headings whose misreading a header line's word may be told by: not 总计
#: (合计, 小计 are words of their own), and 其他 but for 其中
_MISREAD_REQUEST_HEADINGS = (
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "法人或其他组织",
)


def misread_request_heading(text: str) -> bool:
    """Whether a header line's word, no heading itself, may be a requests heading misread
    (科研机购, 社会公益组务, 法律服口机构, 其它): a piece of the header, not of prose."""
    return (
        not is_header_word(text)
        and bare(text) != "其中"
        and any(misread_of(text, h) for h in _MISREAD_REQUEST_HEADINGS)
    )


#: words that name a kind of applicant in a heading the template lacks (个体工商户, 其他个人,
#: 其他企业 | 其他组织 for 其他 split in two)
APPLICANT_KINDS = ("个体", "工商户", "个人", "组织", "单位", "团体", "公民", "企业", "机构")


def names_applicant_kind(text: str) -> bool:
    """Whether a header line's word, no heading of the template, names a kind of applicant
    (个体工商户, 其他企业, 其他组织): a column the table adds or a heading split in two, a
    piece of the header, not of prose."""
    b = bare(text)
    return (
        2 <= len(b) <= 10
        and all("\u4e00" <= ch <= "\u9fff" for ch in b)
        and any(k in b for k in APPLICANT_KINDS)
        # a piece of a heading wrapped in its cell (社会公益 | 组织, 法律服务 | 机构) is none
        and not any(b in h for h in REQUEST_HEADER_WORDS[3:7])
    )


def has_words(text: str) -> bool:
    """Chinese characters, or the marks a copy shows for characters it could not read (□□,
    �): a heading's text, if misread, not a stray mark."""
    return has_chinese(text) or not UNREADABLE.isdisjoint(text)


@functools.lru_cache(maxsize=4096)
def is_header_word(text: str) -> bool:
    """A column heading of one of the national tables, as a piece of a header line."""
    b = bare(text)
    if not b or len(b) > 16:
        return False
    return (
        b == "信息内容"
        or only_header_words(text, REQUEST_HEADER_WORDS)
        or only_header_words(text, APPEAL_HEADER_WORDS)
        or (is_proactive_header(text) and not match_proactive(text))
    )


@functools.lru_cache(maxsize=4096)
def proactive_header_evidence(text: str) -> str | None:
    b = norm(text)
    if any(w in b for w in _HEADER_EVIDENCE_2021):
        return "2021"
    if any(w in b for w in _HEADER_EVIDENCE_2019):
        return "2019"
    return None


@functools.lru_cache(maxsize=4096)
def is_proactive_header(text: str) -> bool:
    b = norm(text)
    return len(b) <= 30 and any(w in b for w in PROACTIVE_HEADER_WORDS)


#: a note of the unit over a table (单位：件, （计量单位：件、万元）), after `bare`
_UNIT_NOTE = re.compile(r"^(?:计量|统计)?单位(?:件|个|条|项|次|人次|份|万元|元)+$")


def is_unit_note(text: str) -> bool:
    """A note of the unit a table counts in, which names no cell: 单位：件 between a heading and
    its table stands where a heading the template lacks would."""
    return _UNIT_NOTE.match(bare(text)) is not None


#: a figure written in prose: 予以公开8件, 受理6件, 收费3.5万元
_FIGURE_IN_PROSE = re.compile(r"\d\s*(?:件|条|个|项|次|人次|份|万元|元)")


@functools.lru_cache(maxsize=4096)
def is_narrative(text: str) -> bool:
    """Prose rather than a table cell: a sentence, or figures written with their units.

    Long labels with commas (（二）部分公开（区分处理的，只计这一情形，不计其他情形）) are not
    prose: `is_prose_like` is the weaker test the caller combines with label matching.
    """
    n = norm(text)
    return "。" in n or ";" in n or len(n) > 80 or _FIGURE_IN_PROSE.search(n) is not None


@functools.lru_cache(maxsize=4096)
def is_prose_like(text: str) -> bool:
    n = norm(text)
    return len(n) > 40 or (len(n) > 25 and "," in n)


@functools.lru_cache(maxsize=4096)
def only_header_words(text: str, words: tuple[str, ...]) -> bool:
    """A header line written out in one piece (flipbook text): nothing but header words."""
    b = bare(text)
    if not b:
        return False
    for w in _longest_first(words):
        b = b.replace(w, "")
    return not b


@functools.lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


# --- a narrow cell's words, one character a line --------------------------------------------

#: the column headings of sections 三 and 四, as a narrow header cell may wrap them one
#: character a line (自 / 然 / 人), with the words agencies write for some of them
_HEADINGS = frozenset(
    w
    for w in (*REQUEST_HEADER_WORDS, *APPEAL_HEADER_WORDS, "合计", "小计", "其他组织")
    if w not in ("勾稽", "本列数据", "续表")
)


#: the group heading 法人或其他组织 in the words agencies write it
_GROUP_HEADING = re.compile(r"^法人(?:或者?|及|和|与)?其[他它]组织$")


@functools.lru_cache(maxsize=4096)
def names_a_cell(text: str) -> bool:
    """Whether `text` is the whole of a column heading or a row label of the national tables
    in the template's words (法人或其他组织 in an agency's own words too): what the characters
    of a narrow cell, written one a line, spell together."""
    b = bare(text)
    if len(b) < 2:
        return False
    if b in _HEADINGS or _GROUP_HEADING.match(b):
        return True
    if is_request_group(text) or is_results_total(text, False):
        return True
    m = match_request(text)
    if m is not None and m.exact:
        return True
    m = match_proactive(text)
    return m is not None and m.exact
