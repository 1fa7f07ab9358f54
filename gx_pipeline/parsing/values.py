"""Reading one cell's text: blank markers, full-width digits, separators, units of amount."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from gx_pipeline.report import Number

#: texts that mean "this cell is empty" (after NFKC and whitespace removal)
NULL_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "―", "－", "–", "/", "//", "\\", "无", "空", "×", "·", "...", "…"}
)

#: minus signs other than the hyphen (the full-width and the small one are the hyphen after
#: NFKC): Word's symbol (U+2212), an en dash, the hyphens of other codes, and the dashes a
#: Chinese input method types for the minus key (—, a pair of them ——, the figure dash, the
#: horizontal bar, the two-em dash). Alone in a cell a dash is a blank (NULL_MARKERS); before a
#: number it is the number's sign, never a blank beside a number
_MINUS = "\u2212\u2013\u2010\u2011\u2012\u2014\u2015\u2e3a\u2e3b"
# a number with optional sign, thousands separators and decimals, then an optional unit
_NUMBER = re.compile(
    # 本年增/减 is sometimes written in words: 增加2, 新增2项, 减少1, 减1项
    rf"^(?P<sign>[-{_MINUS}]{{1,2}}|\+|新增|增加|增|上升|减少|减|下降)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<unit>亿元|万元|千元|元|亿|万|件|条|个|项|次|份|人次|人)?$"
)
#: white space, and the characters an editor leaves inside words and figures that nobody sees
#: (zero-width space, non-joiner and joiner, word joiner, BOM): a WeChat article's 1\u200c2 in
#: one cell is 12
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
#: a soft hyphen inside a word or figure (信息\u00ad内容 is 信息内容, 1\u00ad2 is 12), or before
#: anything but a number (\u00ad1.属于国家秘密). One that opens a number stands where its minus
#: sign would: a PDF's hyphen glyph mapped to U+00AD, a converter's soft hyphen for a minus (-51
#: of 本年增/减 copied as \u00ad51); dropped, the figure was read 51. It is kept: the figure is
#: read without it (CellValue.sign_unsure) only where its column cannot be negative
SOFT_HYPHEN = "\u00ad"
_SOFT_HYPHEN = re.compile(r"(?<=[^\s\u00a0\u3000])\u00ad|\u00ad(?![\d.,]+(?:[\s\u00a0\u3000]|$))")
_AMOUNT_SCALE = {
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "万元": Decimal(1),
    "万": Decimal(1),
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}


#: the full-width forms (U+FF01-FF5E) and the ideographic space: the NFKC form of each is one
#: ASCII character, its NFKD form. NFKC composes a text's NFKD form, so it does not change when
#: such a character is first replaced by its ASCII one
_WIDE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
#: the ones Chinese text is full of, replaced one by one (str.translate costs ~50 ns a character)
_COMMON_WIDE = tuple((chr(code), chr(_WIDE[code])) for code in map(ord, "：（），；！？\u3000"))
_NORMALIZED = unicodedata.is_normalized
_NORMALIZE = unicodedata.normalize


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), ~6x faster on Chinese text: a line with full-width
    punctuation (：，（）) is not NFKC, and NFKC's composition step looks each character up in
    a list (~1,000 instructions a character); with those made ASCII first most lines are NFKC
    already, which is told quickly."""
    if _NORMALIZED("NFKC", text):
        return text
    for wide, narrow in _COMMON_WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    if _NORMALIZED("NFKC", text):
        return text
    return _NORMALIZE("NFKC", text.translate(_WIDE))


def squash(text: str) -> str:
    """NFKC and no whitespace at all: the form every comparison uses."""
    text = nfkc(text)
    if SOFT_HYPHEN in text:  # (rare: the search is not made on every text compared)
        text = _SOFT_HYPHEN.sub("", text)
    return _SPACES.sub("", text)


@dataclass(frozen=True)
class CellValue:
    value: Number | None
    #: the unit written in the cell, if any ("万元", "元", ...)
    unit: str | None = None
    #: a footnote mark after the number (①, *, 注1), which is not part of the value
    footnote: str | None = None
    #: the number opens with a soft hyphen (_SOFT_HYPHEN), which may be its minus sign: its
    #: value is read without it, which only a column that cannot be negative may take
    sign_unsure: bool = False


#: superscript digits: a footnote's reference (12¹; an HTML page's 12<sup>1</sup> is read so)
SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
#: subscript digits: a mark set below the line after a number (12₁; an HTML page's
#: 12<sub>1</sub> is read so), no digit of it either
SUBSCRIPT_DIGITS = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"
#: a note written after the number in its cell, by the word it opens with (含, 其中, 注, 见, 包括,
#: 另有): 6（含转办5件）, 3（其中网上申请1件）, 5 then 注：含2件 on the cell's next line. Words
#: that would change the number (a sign: 减少; a unit: 元) open no such note
_NOTE = r"[(（](?:含|其中|注|见|包括|包含|另有)[^()（）]*[)）]|注[:：][^()（）]*"
# checked before NFKC, which would turn ① into 1 and 1① into 11, 12¹ and 12₁ into 121
_FOOTNOTE = re.compile(
    r"^(?P<num>.*?\d)\s*(?P<unit>万元|千元|亿元|元|件|条|个|项)?\s*"
    rf"(?P<mark>[*＊※△▲#＃]+注?|[\u2460-\u2473\u2474-\u2487\u2488-\u249b]|{_NOTE}|"
    r"[(（]?注\d*[)）]?|"
    rf"[(（]\d[)）]|[{SUPERSCRIPT_DIGITS}]{{1,3}}|[{SUBSCRIPT_DIGITS}]{{1,3}})\s*$"
)


def is_footnoted(text: str) -> bool:
    """Whether the text ends in a footnote's mark after a digit (12¹, 3①, 5*), which NFKC
    must not reach before the mark is taken off."""
    return _FOOTNOTE.match(text) is not None


#: 本年增/减 written as words meaning no change
NO_CHANGE = frozenset({"无变化", "不变", "持平", "无增减", "没有变化"})


#: digits on both sides of a space: two numbers run together (a converter joined two cells)
_SPLIT_NUMBER = re.compile(r"\d[\s\u00a0\u3000]+[-+]?\d")


#: digits NFKC makes plain ones that no table writes a figure in: circled, bracketed and
#: stopped ones (① ⑪ ⑴ ⒈ ㉑: an item's number), raised and lowered ones alone (² ₁₂: a note's
#: mark), mathematical ones (𝟏); and digits \d matches of other scripts (١٢ ۱۲ १२). Plain
#: and full-width digits are a figure's; a mark after one (12①, 3¹) is a footnote's (_FOOTNOTE)
_ODD_DIGIT = re.compile(
    r"[^\x00-\x7f\uff10-\uff19](?<=\d)|[\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10c]"
)


def _odd_digits(text: str) -> bool:
    """Whether the text holds a digit outside a footnote's mark that is no plain or full-width
    digit (_ODD_DIGIT)."""
    if text.isascii() or _ODD_DIGIT.search(text) is None:
        return False
    note = _FOOTNOTE.match(text)
    return note is None or _ODD_DIGIT.search(note.group("num")) is not None


@functools.lru_cache(maxsize=4096)
def is_value_text(text: str) -> bool:
    """Whether a cell's text is a value (a number or a blank marker) rather than a label."""
    if _SPLIT_NUMBER.search(text) or _odd_digits(text):
        return False
    s = squash(text).removeprefix(SOFT_HYPHEN)
    if s in NO_CHANGE:
        return True
    m = _FOOTNOTE.match(text)
    if s in NULL_MARKERS or _NUMBER.match(s) is not None and not m:
        return True
    return m is not None and bool(_NUMBER.match(squash(m.group("num") + (m.group("unit") or ""))))


@functools.lru_cache(maxsize=4096)
def read_value(text: str, amount: bool = False) -> CellValue | None:
    """The cell's value, or None when the text is not a value at all.

    Counts come back as int; amounts (万元) as int when whole, else float. A unit of amount in a
    count column is not a count: such a cell is not a value.
    """
    if _SPLIT_NUMBER.search(text):
        return None  # "5 3" is two numbers in one cell, not 53
    if _odd_digits(text):
        return None  # ⑪ is an item's number, ² a mark: not 11, not 2
    note = _FOOTNOTE.match(text)
    if note is not None:
        plain = read_value(note.group("num") + (note.group("unit") or ""), amount)
        if plain is not None and plain.value is not None:
            return CellValue(plain.value, plain.unit, note.group("mark"))
    s = squash(text)
    if s[:1] == SOFT_HYPHEN:
        plain = read_value(s[1:], amount)
        if plain is None or plain.value is None or plain.value < 0 or plain.footnote:
            return None
        return replace(plain, sign_unsure=True)
    if s in NULL_MARKERS:
        return CellValue(None)
    if s in NO_CHANGE:
        return CellValue(0, None, s)  # a word, not a number: said by the caller
    m = _NUMBER.match(s)
    if m is None:
        return None
    unit = m.group("unit")
    try:
        number = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        return None
    sign = m.group("sign")
    if sign is not None and (sign[0] == "-" or sign[0] in _MINUS or sign in ("减少", "减", "下降")):
        number = -number
    if amount:
        if unit is not None and unit not in _AMOUNT_SCALE:
            return None
        if unit is not None:
            number *= _AMOUNT_SCALE[unit]
    elif unit is not None and unit in _AMOUNT_SCALE:
        return None
    return CellValue(_as_number(number), unit)


#: a point between digits with three digits after it: 1.234 or 12.000 is 1234 or 12000 where
#: a spreadsheet wrote the thousands the European way
_POINT_THOUSANDS = re.compile(r"\d\.\d{3}(?!\d)")


def point_thousands(text: str) -> bool:
    """Whether a number's point may be a thousands separator (1.234, 12.000)."""
    return _POINT_THOUSANDS.search(squash(text)) is not None


def header_unit(headers: list[str]) -> str | None:
    """The unit of amount a column header states: 采购总金额（万元）, 本年收费金额（单位：元）."""
    text = squash("".join(headers))
    for unit in ("亿元", "万元", "千元"):
        if unit in text:
            return unit
    if re.search(r"[(:（：]元|元[)）]|单位元", text):
        return "元"
    if re.search(r"[(:（：]万[)）]|单位万", text):
        return "万元"  # （单位：万）, a money column's 万 is 万元
    return None


#: a note of the unit a table's numbers are in, standing by itself above or below the table
#: ((金额单位:元), 单位:万元) or after a block's title (第二十条第(八)项(单位:元)), in NFKC; the
#: units of counts and amounts may stand in one, apart by commas ((金额单位:元,数量单位:个))
_CAPTION = re.compile(r"^(?:第二十条第\([一二三四五六七八九十]+\)项)?\(?(?P<parts>[^()]+?)\)?$")
_CAPTION_PART = re.compile(r"^(?:金额|计量|统计|货币|数量)?单位:?(?P<units>[^():,;]{1,12}?)$")


def caption_unit(text: str) -> str | None:
    """The unit of amount a caption of a table states (元 in (金额单位:元), in (数量单位:个;
    金额单位:元)); None for any other text, a caption of counts (单位:件) included, and for
    one stating two units of amount. A header's own words (本年收费金额(单位:元)) are no
    caption: header_unit reads them."""
    if "单位" not in text or (m := _CAPTION.match(squash(text))) is None:
        return None
    units: set[str] = set()
    for part in re.split(r"[,;]", m.group("parts")):
        if (p := _CAPTION_PART.match(part)) is None:
            return None
        if unit := header_unit([f"({p.group('units')})"]):
            units.add(unit)
    return units.pop() if len(units) == 1 else None


def in_wan(value: Number, unit: str) -> Number:
    """A bare number read in the header's unit, as 万元."""
    return _as_number(Decimal(str(value)) * _AMOUNT_SCALE[unit])


def _as_number(d: Decimal) -> Number:
    if d == d.to_integral_value():
        return int(d)
    return float(d)
