"""A page as one stream of tokens, whatever its form.

HTML pages, text copies with one row per line (`a | b | c`), text with one cell per line
(`a |`, or bare lines) and flipbook renderings all become the same thing: a sequence of cell
and line tokens in reading order, with row ends where the page shows them. The section reader
(sections.py) works on this stream only, so every input form gets the same label and value rules.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple, TypeVar

from lxml import etree

from gx_pipeline import contract
from gx_pipeline.parsing import labels
from gx_pipeline.parsing.colours import PAPER, css_colour, css_rgba, faint, light_ink, over
from gx_pipeline.parsing.stylesheet import (
    COLOUR,
    HIDE,
    MAY_HIDE,
    STRIKE,
    UNDO,
    Index,
    Sheet,
    declarations,
    font_size,
    markup_sheet,
    page_sheet,
    picked,
    winning,
    without,
)
from gx_pipeline.parsing.values import (
    SUBSCRIPT_DIGITS,
    SUPERSCRIPT_DIGITS,
    is_footnoted,
    is_value_text,
    nfkc,
    read_value,
)

T = TypeVar("T")

CELL, LINE, END = "cell", "line", "end"
#: the text of an END token whose row a text copy closed with fillers for covered grid
#: positions (`||` fields or pad lines): merged cells stood in the row or above it. Its `td`
#: is the number of fillers
PAD = "pad"


class Token(NamedTuple):
    # a NamedTuple, not a dataclass: a page has hundreds of tokens and building them is hot
    kind: str  # CELL (a table cell), LINE (free text) or END (the page shows a row end here)
    text: str = ""
    table: int | None = None  # 1-based table on an HTML page; 0 for a text copy
    tr: int | None = None  # row in the table, or line number in a text copy
    td: int | None = None  # cell in the row, or field in the line
    #: the page may have been cut inside this token (it is the last thing in a truncated file)
    cut: bool = False
    #: an HTML cell with a colspan or rowspan (one that may span several columns or rows)
    span: bool = False
    #: in text laid out in columns by spaces (pdftotext -layout, OCR): the character column of
    #: the middle of a value cell, which tells the cell's column when blank cells are not drawn
    x: float | None = None
    #: in a text copy: a piece of a cell written over lines (only row ends between its pieces)
    #: whose pieces spell no heading or label (a character misread): the heading is lost
    unspelled: bool = False
    #: a value of a line of values separated by spaces (a flipbook's or a PDF's text), which
    #: draws no blank cell: a cell missing from the line may have been any of the row's
    spaced: bool = False
    #: a spanned HTML cell's rows and columns as its attributes state them (the browser's
    #: reading: leading digits, 1 where there are none); rowspan 0 (to the end of the table's
    #: part) is kept as 0, a span no grid is laid out by
    rowspan: int = 1
    colspan: int = 1
    #: a cell whose text the reader cannot tell (a Word cell that may show struck through or
    #: not): read as empty, and no blank either, which rules reason from
    unknown: bool = False


ROW_END = Token(END)
_new_tuple = tuple.__new__
#: a cell token's fields after its place (td) as Token() leaves them: not cut, no span…
_PLAIN_CELL = Token(CELL)[5:]

_HTML_SNIFF = re.compile(
    r"<\s*(?:!doctype|html|head|body|meta|div|table|tbody|tr|td|p|span|br|center|font)\b",
    re.IGNORECASE,
)
# word lists, filled to the line
# fmt: off
#: elements whose text is never report text. <del> is text deleted: Word's web page export of a
#: report revised with Track Changes on writes each revision as <del>old</del><ins>new</ins>,
#: and the browser shows the old number struck out beside the new one; <s> and <strike> are
#: an editor's strikethrough, a number corrected by hand (<s>9</s>6)
_SKIP = (
    "head", "script", "style", "noscript", "select", "iframe", "svg", "button", "textarea",
    "template", "object", "embed", "map", "input", "del", "s", "strike",
)
# fmt: on
#: marks in the text the tree gives out: a line break, a data table's start, a row's start, a
#: cell's start, and a row or cell the browser does not show. Unicode noncharacters (U+FDD0…),
#: which are for a program's own use and never stand in a page; private-use characters would
#: not do: old GBK fonts put rare characters of names there
_LINE_MARK, _TABLE_MARK, _ROW_MARK, _CELL_MARK, _HIDDEN_MARK = "\ufdd0\ufdd1\ufdd2\ufdd3\ufdd4"
#: a line break put into the markup before parsing (see _STRAY_BREAK): it may land inside a
#: table cell, where it is dropped
_BREAK = "\ufdd5"
#: the start and end of a block the browser does not show (see _shown)
_HIDE_START, _HIDE_END = "\ufdd6\ufdd7"
#: around the rowspan and colspan of a cell with either attribute, in front of its text
#: (`\ufdd83,\ufdd8text`)
_SPAN_MARK = "\ufdd8"
#: around text inside a cell that no reader sees (see _UNSEEN_IN_CELL)
_UNSEEN_MARK = "\ufdd9"
_MARKS = _LINE_MARK + _TABLE_MARK + _ROW_MARK + _CELL_MARK + _HIDDEN_MARK + _BREAK
_MARKS += _HIDE_START + _HIDE_END + _SPAN_MARK + _UNSEEN_MARK
_UNSEEN_TEXT = re.compile(f"{_UNSEEN_MARK}([^{_UNSEEN_MARK}]*){_UNSEEN_MARK}")
_HIDE_SPLIT = re.compile(f"([{_HIDE_START}{_HIDE_END}])")
_STRAY_BREAK = re.compile(r"</(?:[pP]|[bB][rR])\s*>")
#: a page that holds one anyway gets U+FFFD in its place
_NO_MARKS = str.maketrans(dict.fromkeys(_MARKS, "\ufffd"))
_TABLE_TAG = re.compile(r"<table\b", re.IGNORECASE)
#: digits an editor set as a superscript (a footnote's reference after a number) or below the
#: line: in <sup> or <sub> (Word: 12<sup>1</sup>) or in a span its style raises or lowers (web
#: editors: vertical-align: super, vertical-align: sub)
_SUP_DIGITS = re.compile(
    r"<(sup|sub)\b[^>]*>((?:\s|<[^>]*>)*)(\d{1,3})((?:\s|<[^>]*>)*)</\1\s*>"
    r"|<span\b[^>]*vertical-align:\s*(super|sub)\b[^>]*>(\d{1,3})</span\s*>",
    re.IGNORECASE,
)
_AS_MARK = {
    "sup": str.maketrans("0123456789", SUPERSCRIPT_DIGITS),
    "sub": str.maketrans("0123456789", SUBSCRIPT_DIGITS),
}
#: a layout wrapper's tag, its name in group 1
_WRAPPER_TAG = re.compile(r"</?(div|span|font|section|article|center)\b[^>]*>", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CREATE_TIME = re.compile(r"""var\s+createTime\s*=\s*['"](\d{4}-\d{1,2}-\d{1,2})""")
_IN_CELL = etree.XPath("boolean(ancestor::td|ancestor::th)")
_TEXT = etree.XPath("string()")  # an element's text with its descendants', in C
# fmt: off
#: block-level elements: text on either side of one is on another line
_BLOCKS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ul", "ol", "dl", "dt", "dd",
    "tr", "td", "th", "table", "br", "pre", "center", "section", "article", "header", "footer",
    "nav", "form", "blockquote", "caption",
)
# fmt: on
#: the same tags in the markup, for the fallback that marks lines before parsing. Spelled with
#: character classes and a lookahead rather than IGNORECASE: 3x faster on a 90 KB page
_BLOCK_TAG = re.compile(
    "<(?=/?(?:"
    + "|".join("".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in b) for b in _BLOCKS)
    + r")[\s>/])"
)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ \t\n\r\u00a0"
_STYLE = f"translate(@style, '{_UPPER}', '{_UPPER[:26].lower()}')"
#: the style that hides an element, as the browser reads it (any case, any spacing): one call
#: (_hides), where two translate() of the style in XPath cost ~75,000 instructions a cell that
#: Word styles (`border:solid windowtext 1.0pt;…`: translate() looks each character up in its
#: list), and libxslt tests every row and cell of a table
_HIDING_STYLE = "gx:hides(string(@style))"
_IS_HIDDEN = f"@hidden or (@style and ({_HIDING_STYLE}))"
#: cells of a table, or of its tbody/thead/tfoot, that no <tr> holds (the start tag is missing:
#: libxml2 keeps them there, a browser puts them into a row of their own)
_LOOSE_CELLS = "td | th | *[not(self::tr)]/td | *[not(self::tr)]/th"
#: elements that hide stale copies of a report's tables (print versions, drafts) when styled
#: display:none; only these are tested, since testing every element costs 0.8 ms a page (a
#: hidden tbody/thead/tfoot hides its rows, like a hidden row)
_HIDING = ("div", "table", "section", "article", "center", "ul", "ol", "dl", "form")
#: a cheap substring test first: translate() on every styled element would cost more
_MAY_HIDE = (
    "contains(@style, 'none') or contains(@style, 'None') or contains(@style, 'NONE')"
    " or contains(@style, 'idden') or contains(@style, 'IDDEN')"
)
_IS_HIDDEN_BLOCK = f"@hidden or (@style and ({_MAY_HIDE}) and ({_HIDING_STYLE}))"
#: text no reader sees, though displayed: set in a font of no size (font-size:0, 0px, 0pt), or
#: in white (`color: #FFF`, `<font color=white>`) where nothing of its table colours the
#: background (white on a blue header cell is seen). Cheap substring tests first, as above
_UNSEEN_WORDS = ("ize:0", "ize: 0", "fff", "FFF", "hite", "HITE", "255")
_MAY_BE_UNSEEN = " or ".join(f"contains(@style, '{word}')" for word in _UNSEEN_WORDS)


def _white(value: str) -> str:
    return " or ".join(f"{value} = '{w}'" for w in ("#fff", "#ffffff", "white", "rgb(255,255,255)"))


_AFTER_ZERO = f"substring(substring-after({_STYLE}, 'font-size:0'), 1, 1)"
_NO_SIZE = (
    f"contains({_STYLE}, 'font-size:0') and translate({_AFTER_ZERO}, '.0123456789', '') = "
    f"{_AFTER_ZERO} and not(gx:sized(.//*[contains(@style, 'ize')]))"
)
_COLOUR = f"substring-before(concat(substring-after(concat(';', {_STYLE}), ';color:'), ';'), ';')"
_BACKGROUND = (
    f"substring-before(concat(substring-after(substring-after({_STYLE}, 'background'), ':'), "
    "';'), ';')"
)
_FONT_COLOUR = "translate(@color, 'FHITEW ', 'fhitew')"
_BGCOLOR = "translate(@bgcolor, 'FHITEW ', 'fhitew')"
#: an element that colours the background (white is no colour)
_PAINTS = (
    f"(@bgcolor and not({_white(_BGCOLOR)})) or ((contains(@style, 'ackground')"
    " or contains(@style, 'ACKGROUND'))"
    f" and not({_white(_BACKGROUND)}) and {_BACKGROUND} != 'transparent'"
    f" and {_BACKGROUND} != 'none')"
)
#: an element of the table, or the table, colours the background
_COLOURED = f"ancestor-or-self::*[ancestor::table or self::table][{_PAINTS}]"
_IN_WHITE = (
    f"(@style and ({_white(_COLOUR)}) or self::font[{_white(_FONT_COLOUR)}])"
    " and not(.//*[contains(@style, 'olor') or @color])"
)
#: only a figure: words in white stay (a header's, on a background a style sheet colours). The
#: line marks put into the markup (a break after `</p>`; every block tag, for the fallback of
#: _lines_text) are no text: `<font color=white><p>7</p></font>` is a figure
_FIGURE = (
    f"translate(., '0123456789０１２３４５６７８９.,，．+-—－−–%％ \u00a0\t\n\r{_LINE_MARK}{_BREAK}', '')"
    " = ''"
)
#: a text colour that may not show on a light fill (white, near-white, light grey: all three
#: channels 0xC0 or more), in an element's style or a <font color>; whether it shows on what
#: the text stands on is for _faint_in_cell. Cheap substring tests of the style first
#: (rgb(255, 255, 255) is one of the `gb(`)
_LIGHT_WORDS = (*(w for w in _UNSEEN_WORDS if w != "255"), "#", "gb(", "GB(")
#: a colour named otherwise (hsl(), a CSS name, a text fill), but not the black Word and its
#: editors set on most figures (`color:black`, `color:windowtext`); in capitals only where
#: the words above find it (`COLOR:WHITE`): each word is tested on every styled element of
#: every cell
_NAMED_INK = (
    "contains(@style, 'olor') and not(contains(@style, 'olor:black')"
    " or contains(@style, 'olor:windowtext'))"
)
_MAY_BE_LIGHT = (
    " or ".join(f"contains(@style, '{word}')" for word in _LIGHT_WORDS) + f" or {_NAMED_INK}"
)
_FONT_INK = f"translate(@color, '{_UPPER}', '{_UPPER[:26].lower()}')"


#: the first three characters of a colour that may be light: a hex one whose red is 0xC0 or
#: more, rgb(a), hsl(a), transparent, currentcolor and inherit (the colour around), and the CSS
#: names that do not stand out from white (snow, ivory, mintcream, azure, lightgrey, yellow…;
#: `bla` for blanchedalmond, and black). _faint_in_cell reads the colour itself; this only
#: keeps it from being called for the dark colours Word and CMS editors set on most figures.
#: One evaluation of the colour, where a test of each character evaluated it a dozen times
_LIGHT_STARTS = (
    "|"
    + "|".join(f"#{red}{digit}" for red in "cdef" for digit in "0123456789abcdef")
    + "|rgb|hsl|tra|cur|inh|ali|ant|aqu|azu|bei|bis|bla|cha|cor|cya|flo|gai|gho|gol|gre|hon"
    "|ivo|kha|lav|law|lem|lig|lim|lin|med|min|mis|moc|nav|old|pal|pap|pea|pin|pow|sea|sno|spr"
    "|whe|whi|yel|"
)


def _light(value: str) -> str:
    return f"contains('{_LIGHT_STARTS}', concat('|', substring({value}, 1, 3), '|'))"


_IN_LIGHT = (
    f"(@style and ({_light(_COLOUR)} or contains({_STYLE}, 'text-fill-color:'))"
    f" or self::font[{_light(_FONT_INK)}]) and not(.//*[contains(@style, 'olor') or @color])"
)
#: the namespace of the reader's own XPath function (_faint_in_cell)
_GX = "urn:gx-pipeline:tokens"
#: what a cell's text stands on: itself and the elements around it that name a background,
#: the nearest last
_FILLS = "ancestor-or-self::*[@bgcolor or contains(@style, 'ackground') or contains(@style, 'ACKGROUND')]"
#: a text colour that may not show on what it stands on: a light one, or any on an element
#: that stands on a painted fill (black on black, teal on a page painted teal), as
#: _faint_in_cell judges it
_FAINT = (
    f"({_IN_LIGHT} or {_FILLS}[{_PAINTS}] and (@color or contains(concat(';', {_STYLE}), ';color:'))"
    f" and not(.//*[contains(@style, 'olor') or @color])) and gx:faint(., {_FILLS})"
)
#: an element inside a cell whose text no reader sees: hidden (display, visibility, the hidden
#: attribute), or a figure of no size, or drawn in a colour too close to what it stands on
#: (white on no colour, on light grey). Run into the cell's number it made another
#: (`<span style="display:none">7</span>3` reads 73 where the reader sees 3)
_UNSEEN_IN_CELL = (
    f"{_IS_HIDDEN_BLOCK} or (({_MAY_BE_LIGHT} or @color) and {_FIGURE}"
    f" and (@style and ({_NO_SIZE}) or {_FAINT}))"
)
#: an element whose style sets its text colour (not only a border's)
_OWN_INK = (
    "@style and (contains(@style, 'olor') or contains(@style, 'OLOR'))"
    f" and contains(concat(';', {_STYLE}), ';color:')"
)
#: a cell whose own colour leaves its figure unseen (`<td style="color:#fff">`): its text is
#: written between the marks of text no reader sees
_UNSEEN_CELL = f"{_OWN_INK} and {_FIGURE} and {_FAINT}"
#: a cell's text, or the hidden mark for a cell the browser does not show (its place counts)
_CELL_TEXT = (
    # one test for the cells with neither the hidden attribute nor a style (most of them)
    f'<xsl:choose><xsl:when test="@hidden or @style and ({_HIDING_STYLE} or {_UNSEEN_CELL})">'
    f'<xsl:choose><xsl:when test="{_IS_HIDDEN}"><xsl:text>{_HIDDEN_MARK}</xsl:text></xsl:when>'
    f'<xsl:otherwise><xsl:text>{_UNSEEN_MARK}</xsl:text><xsl:value-of select="."/>'
    f"<xsl:text>{_UNSEEN_MARK}</xsl:text></xsl:otherwise></xsl:choose></xsl:when>"
    '<xsl:otherwise><xsl:if test="@colspan or @rowspan">'
    f'<xsl:text>{_SPAN_MARK}</xsl:text><xsl:value-of select="@rowspan"/><xsl:text>,</xsl:text>'
    f'<xsl:value-of select="@colspan"/><xsl:text>{_SPAN_MARK}</xsl:text></xsl:if>'
    '<xsl:apply-templates mode="cell"/></xsl:otherwise></xsl:choose>'
)
#: a row, table or block no reader sees, though displayed: all its text of no size, or white
#: where nothing in it sets a class or a background (a style sheet may colour it)
_UNSEEN_BLOCK = (
    f"@style and ({_MAY_BE_UNSEEN}) and ({_NO_SIZE} or {_IN_WHITE}"
    f" and not(descendant-or-self::*[@class or {_PAINTS}])"
    f" and not({_COLOURED}))"
)
#: a row each of whose cells draws its text in a colour no reader sees (a stale row kept in
#: the table with `<td style="color:#fff">` on every cell: its labels too)
_UNSEEN_CELLS = (
    "*[1][contains(@style, 'olor') or contains(@style, 'OLOR')]"
    f" and *[1][self::td or self::th][{_OWN_INK} and {_FAINT}]"
    f" and not(*[self::td or self::th][not({_OWN_INK} and {_FAINT})])"
)
#: a row the browser does not show, or no reader sees: itself, or its tbody, thead or tfoot
_HIDDEN_ROW = (
    f"{_IS_HIDDEN} or ({_UNSEEN_BLOCK}) or {_UNSEEN_CELLS} or parent::*[self::tbody or self::thead or self::tfoot]"
    f"[{_IS_HIDDEN_BLOCK} or ({_UNSEEN_BLOCK})]"
)
#: words of a cell's element's style that may hide or pale its text: the cheap test before
#: _UNSEEN_IN_CELL
_MAY_BE_UNSEEN_WORDS = ("one", "ONE", "idden", "IDDEN", *_LIGHT_WORDS)
_MAY_BE_UNSEEN_STYLE = re.compile("|".join(map(re.escape, _MAY_BE_UNSEEN_WORDS)))


def _may_be_unseen(_context: object, style: str) -> bool:
    """Whether a style holds one of _MAY_BE_UNSEEN_WORDS: what a contains() of each would say,
    in one call. Word styles every paragraph and span of its cells, and libxslt tests the
    pattern on each: a dozen contains() cost ~37,000 instructions an element (each copies the
    style and the word); this call ~7,000."""
    return _MAY_BE_UNSEEN_STYLE.search(style) is not None


#: a style as _STYLE reads it: capitals in small letters, without spaces
_AS_STYLE = str.maketrans(
    dict(zip(_UPPER[:26], _UPPER[:26].lower(), strict=True)) | dict.fromkeys(_UPPER[26:])
)


def _hides(_context: object, style: str) -> bool:
    """Whether a style hides its element (display:none, visibility:hidden), read as _STYLE
    reads it: what a contains() of each in the translate() would say, in one call."""
    style = style.translate(_AS_STYLE)
    return "display:none" in style or "visibility:hidden" in style


#: an element inside a cell that may hold text no reader sees (tested with _UNSEEN_IN_CELL)
#: (the colour named otherwise, _NAMED_INK, stays in XPath)
_MAY_BE_UNSEEN_IN_CELL = (
    "@hidden or @color or @style[gx:may-be-unseen(string(.))"
    f" or {_NAMED_INK.replace('@style', '.')}]"
)
#: the elements a browser paints a bgcolor attribute on (it ignores one on a <div>)
_BGCOLOR_TAGS = frozenset(("table", "tr", "td", "th", "body"))
#: a fill that paints nothing: the one behind it shows
_NO_FILL = (-1, -1, -1)


def _declared(style: str, names: tuple[str, ...]) -> str | None:
    """The value of the last declaration of a style that sets one of `names`."""
    value = None
    for declaration in style.split(";"):
        name, colon, written = declaration.partition(":")
        if colon and name.strip().lower() in names:
            value = written
    return value


def _fill(element) -> tuple[int, ...] | None:
    """The colour an element paints behind its text: _NO_FILL for none (transparent, a
    bgcolor a browser ignores), None for one not known here (an image, a gradient)."""
    written = _declared(element.get("style") or "", ("background", "background-color"))
    if written is None:
        bgcolor = (element.get("bgcolor") or "").strip()
        if element.tag not in _BGCOLOR_TAGS or not bgcolor:
            return _NO_FILL
        # bgcolor="eeeeee": a browser reads hex digits without their #
        return css_colour(bgcolor if bgcolor[0] == "#" or len(bgcolor) != 6 else "#" + bgcolor)
    parts = _CSS_VALUE.findall(written.lower())
    for part in parts:
        if (colour := css_rgba(part)) is not None:
            if colour[3] >= 1:
                return colour[:3]
            return _NO_FILL if colour[3] == 0 else None  # partly transparent: not known
    if any("(" in part for part in parts):
        return None  # url(…), a gradient
    return _NO_FILL  # none, inherit


#: the words of a CSS value, a function with its arguments one (`rgb(1 2 3) no-repeat`)
_CSS_VALUE = re.compile(r"[^\s(]+(?:\([^)]*\))?")
#: an ink this close to transparent draws nothing a reader sees
_NO_ALPHA = 0.1


def _ink(element) -> tuple[int, int, int, float] | None:
    """The colour an element draws its text in: its text fill (-webkit-text-fill-color, which
    paints over its colour), its colour or a <font color>; the colour around it for one that
    names none or names the colour around it (currentcolor, inherit); black on a page that
    names none. None for one not known here (a system colour)."""
    for source in (element, *element.iterancestors()):
        style = source.get("style") or ""
        written = None
        if "ill-color" in style or "ILL-COLOR" in style:
            written = _declared(style, ("-webkit-text-fill-color",))
        if written is None:
            written = _declared(style, ("color",))
        if written is None and source.tag == "font":
            written = source.get("color")
        if written is not None and written.strip().lower() not in ("currentcolor", "inherit"):
            return css_rgba(written)
    return 0, 0, 0, 1.0


def _faint_in_cell(_context: object, elements: list, fills: list) -> bool:
    """Whether a cell's element (a figure the XSLT found drawn in a light colour) is drawn too
    close in contrast to what it stands on for a reader to see: the nearest fill that paints
    (its own, its cell's, row's, table's, a block's), or the paper. White on a dark header band
    is seen; white, #fefefe or #ddd on #eee or on no fill is not. A fill outside the tables
    (the page's, a block's around the table) counts as well: the table is transparent."""
    element = elements[0]
    ink = _ink(element)
    if ink is None:
        return False
    if ink[3] < _NO_ALPHA:
        return True  # transparent (rgba(0,0,0,0), #fff0): seen on no fill
    for fill in reversed(fills):
        behind = _fill(fill)
        if behind == _NO_FILL:
            continue
        if behind is None:
            return False  # not known: read, as white on any painted cell always was
        return faint(over(ink, behind), behind)
    # a colour from a rule too: every rule's fill is written where it paints (_colour_by_class)
    return faint(over(ink, PAPER), PAPER)


#: a font size relative to the size around it (em, %, inherit, larger): of no size, none
_RELATIVE_SIZE = re.compile(r"[+-]?[\d.]+(?:em|ex|ch|%)|inherit|unset|larger|smaller")


def _readable_size(value: str) -> bool:
    """Whether a font size gives text a reader reads whatever the size around it: a length
    of its own (12px, 10.5pt, 1rem) or a keyword (medium), not a speck (2px) nor one relative
    to the size around it (1.2em of no size is no size). One not known here (calc()) counts."""
    value = value.lower().replace("!important", "").strip()
    return not (
        _RELATIVE_SIZE.fullmatch(value) or _ZERO.fullmatch(value) or _TINY_FONT.fullmatch(value)
    )


def _sized(_context: object, elements: list) -> bool:
    """Whether one of the elements inside text of no size sets a size a reader reads (its
    text is seen: `<span style="font-size:0"><b style="font-size:12px">5</b></span>`)."""
    for element in elements:
        size = _declared(element.get("style") or "", ("font-size",))
        if size is not None and _readable_size(size):
            return True
    return False


_FUNCTIONS = {
    (_GX, "faint"): _faint_in_cell,
    (_GX, "may-be-unseen"): _may_be_unseen,
    (_GX, "hides"): _hides,
    (_GX, "sized"): _sized,
}
#: the blocks written between hide marks, for _shown to keep or drop: a hidden block, a table
#: no reader sees, a block no reader sees that holds a table (steps of an XSLT pattern)
_HIDE_BLOCKS = (
    *(f"{name}[{_IS_HIDDEN_BLOCK}]" for name in _HIDING),
    f"table[{_UNSEEN_BLOCK}]",
    f"div[{_UNSEEN_BLOCK} and .//table]",
)
#: the page as text: a line mark around every block element; each data table (one that holds no
#: other table) as its rows and cells, every cell's text in full; skipped elements are stripped
#: from the tree before
_LINES = etree.XSLT(
    etree.XML(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"'
        f' xmlns:gx="{_GX}" extension-element-prefixes="gx">'
        '<xsl:output method="text" encoding="utf-8"/>'
        f'<xsl:template match="{"|".join(_BLOCKS)}" name="block">'
        f"<xsl:text>{_LINE_MARK}</xsl:text><xsl:apply-templates/>"
        f"<xsl:text>{_LINE_MARK}</xsl:text></xsl:template>"
        '<xsl:template match="table[not(.//table)]" name="data-table">'
        f"<xsl:text>{_LINE_MARK}{_TABLE_MARK}</xsl:text>"
        f'<xsl:for-each select=".//tr | {_LOOSE_CELLS}">'
        "<xsl:choose>"
        '<xsl:when test="self::tr">'
        f"<xsl:text>{_ROW_MARK}</xsl:text>"
        "<xsl:choose>"
        f'<xsl:when test="{_HIDDEN_ROW}"><xsl:text>{_HIDDEN_MARK}</xsl:text></xsl:when>'
        '<xsl:otherwise><xsl:for-each select="td|th">'
        f"<xsl:text>{_CELL_MARK}</xsl:text>{_CELL_TEXT}"
        "</xsl:for-each></xsl:otherwise>"
        "</xsl:choose>"
        "</xsl:when>"
        # a cell with no <tr> around it: a browser opens a row for each run of such cells
        '<xsl:otherwise><xsl:if test="not(preceding-sibling::*[1][self::td or self::th])">'
        f"<xsl:text>{_ROW_MARK}</xsl:text></xsl:if>"
        f"<xsl:text>{_CELL_MARK}</xsl:text>{_CELL_TEXT}"
        "</xsl:otherwise>"
        "</xsl:choose>"
        "</xsl:for-each>"
        f"<xsl:text>{_LINE_MARK}</xsl:text></xsl:template>"
        # a line break inside a cell (`1<br>2`, `<p>1</p><p>2</p>`): the browser shows two
        # lines, the cell's text ran them together (12). A space keeps them apart
        '<xsl:template match="br|p|div|li" mode="cell"><xsl:text> </xsl:text>'
        '<xsl:apply-templates mode="cell"/></xsl:template>'
        # text inside a cell no reader sees: between marks, for the tokens to leave out and say
        f'<xsl:template priority="2" mode="cell" match="*[{_MAY_BE_UNSEEN_IN_CELL}]">'
        f'<xsl:choose><xsl:when test="{_UNSEEN_IN_CELL}">'
        f'<xsl:text>{_UNSEEN_MARK}</xsl:text><xsl:value-of select="."/>'
        f"<xsl:text>{_UNSEEN_MARK}</xsl:text></xsl:when><xsl:otherwise>"
        '<xsl:if test="self::br or self::p or self::div or self::li"><xsl:text> </xsl:text>'
        '</xsl:if><xsl:apply-templates mode="cell"/></xsl:otherwise></xsl:choose>'
        "</xsl:template>"
        # a hidden block: written as usual, between hide marks, for _shown to keep or drop
        f'<xsl:template priority="5" match="{"|".join(_HIDE_BLOCKS)}">'
        f"<xsl:text>{_HIDE_START}</xsl:text>"
        '<xsl:choose><xsl:when test="self::table[not(.//table)]">'
        '<xsl:call-template name="data-table"/></xsl:when>'
        '<xsl:otherwise><xsl:call-template name="block"/></xsl:otherwise></xsl:choose>'
        f"<xsl:text>{_HIDE_END}</xsl:text></xsl:template>"
        "</xsl:stylesheet>"
    ),
    extensions=_FUNCTIONS,
)


def looks_like_html(text: str) -> bool:
    return _HTML_SNIFF.search(text[:4096]) is not None


def _clean(text: str) -> str:
    """Runs of whitespace (ASCII, NBSP, ideographic space) as one space, ends trimmed."""
    return " ".join(text.split())


# --- HTML -----------------------------------------------------------------------------------


class Head(NamedTuple):
    """What the page's <head> says: its <title> and its <meta name=… content=…> pairs (CMS
    pages put ArticleTitle, PubDate, ContentSource there), names lower-cased."""

    title: str | None = None
    meta: Mapping[str, str] = MappingProxyType({})
    #: the page's own address as its markup states it (<link rel="canonical">, og:url): the
    #: site a report is published on, when the file came without one
    address: str | None = None
    #: the text struck through (<s>, <del>, <strike>, a line-through style) that is left out
    struck: str = ""
    #: the text inside table cells that a reader does not see (see _UNSEEN_IN_CELL)
    unseen: str = ""
    #: selectors of the page's style sheet left unmatched (past stylesheet._MOST_SELECTORS,
    #: naming a <tbody> the page does not write, or of other forms than tag, id and classes on
    #: a page read without its wrappers): what they hide is not known, so the tables' figures
    #: are not read
    unmatched_selectors: int = 0


def html_tokens(text: str) -> tuple[list[Token], Head]:
    """Tokens of an HTML page, and its head."""
    tokens, head = _html_tokens(text)
    if not any(t.table for t in tokens) and _TABLE_TAG.search(text):
        # tables the tree lost: libxml2 gives up below a few thousand nested wrappers. Without
        # the wrappers (layout only, they carry no cells) the tables come back.
        flat, flat_head = _html_tokens(unwrapped(text))
        guessed = _picked_through_wrappers(text)
        if guessed and not flat_head.unmatched_selectors:
            # what they picked in the browser went with the wrappers: no figure is certain
            flat = _withheld(flat)
            flat_head = flat_head._replace(unmatched_selectors=guessed)
        if any(t.table for t in flat):
            if head.title or head.meta:
                # the text left out is the flat reading's: the lost tree's had no tables
                head = head._replace(
                    struck=flat_head.struck,
                    unseen=flat_head.unseen,
                    unmatched_selectors=flat_head.unmatched_selectors,
                )
            else:
                head = flat_head
            return flat, head
    return tokens, head


def _picked_through_wrappers(text: str) -> int:
    """The rules of a page's <style> blocks that may hide, strike or whiten text by a selector
    other than a tag, an id and classes (`.t .h`, `td > span[title]`): read without its
    wrappers, the page no longer holds what they picked."""
    sheet = markup_sheet(text)
    searched = {k for kind in (HIDE, STRIKE, COLOUR) for k in sheet.kinds[kind].searched}
    return len(searched) + len(sheet.widened)


def _withheld(tokens: list[Token]) -> list[Token]:
    """The tokens with every table cell holding a digit unknown: a rule not matched may hide
    any figure, so none is read as the page shows it."""
    return [
        t._replace(unknown=True) if t.kind == CELL and _HAS_DIGIT.search(t.text) else t
        for t in tokens
    ]


def unwrapped(text: str) -> str:
    """The markup without its layout wrappers (<div>, <span>, <font>…), for a page whose tree
    libxml2 lost below a few thousand of them. A wrapper that strikes its text through (by
    its style or its class) must not take the strike with it, nor one that hides its text
    (display:none, the hidden attribute, white, no size) take the hiding: `<span
    style="display:none">7</span>3` would read 73 where the reader sees 3, and a hidden
    stale copy of the tables would be read beside the shown one. Those are kept; they are
    few, and add no depth worth the name."""
    if _names_line_through(text):
        rules = _class_rules(markup_sheet(text))
        text = _TEXT_WRAPPER.sub(lambda m: _struck_as_s(m, rules), text)
    hides = _wrapper_hides(text)  # the page lost its tree: a rare reading, not a cheap one
    opened: dict[str, list[bool]] = {}  # for each wrapper's name: whether each open one is kept

    def wrapper(m: re.Match[str]) -> str:
        tag = m[0]
        name = m[1].lower()
        if tag[1] == "/":
            kept = opened.get(name)
            return tag if kept and kept.pop() else "\n"
        keep = _MAY_HIDE_TEXT.search(tag) is not None or hides(tag, name)
        if not tag.endswith("/>"):
            opened.setdefault(name, []).append(keep)
        return tag if keep else "\n"

    return _WRAPPER_TAG.sub(wrapper, text)


#: a tag's attributes that may hide its text (the XSLT tells whether they do): not
#: `overflow: hidden`, `border: none` or a colour other than white or a light one (as the
#: XSLT's _light), which layout wrappers nested thousands deep may carry
_MAY_HIDE_TEXT = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|\shidden(?=[\s=>/])|font-size\s*:\s*0"
    r"|(?<![-\w])color\s*[:=]\s*[\"']?\s*"
    r"(?:\w*white|#[c-f][c-f][c-f]\b|#[c-f][0-9a-f][c-f][0-9a-f][c-f][0-9a-f]\b|rgb\("
    r"|snow|ivory|gainsboro|lightgr[ae]y|silver)",
    re.IGNORECASE,
)
#: a wrapper element holding only text (a struck number, as an editor writes it)
_TEXT_WRAPPER = re.compile(r"<(div|span|font)\b([^>]*)>([^<]*)</\1\s*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""\b(style|class)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE
)


def _attributes(tag: str) -> dict[str, str]:
    """The style and class attributes of a tag's markup (the first of each)."""
    attributes: dict[str, str] = {}
    for name, *value in _ATTRIBUTE.findall(tag):
        attributes.setdefault(name.lower(), "".join(value))
    return attributes


def _wrapper_hides(text: str) -> Callable[[str, str], bool]:
    """Whether a wrapper's start tag (and its name) hides its text by a style the XSLT does not
    read itself (see _hidden_by_style_as_inline): by a class a <style> rule may hide, or by
    its own style. Such a wrapper is kept by unwrapped, as one styled display:none is."""
    sheet = markup_sheet(text)
    named = {c for name in sheet.kinds[HIDE].by_name for c in [name] if name[0] != "#"}

    def hides(tag: str, name: str) -> bool:
        attributes = _attributes(tag)
        if named.intersection(attributes.get("class", "").split()):
            return True
        return bool(_hiding(attributes.get("style", ""), name))

    return hides


def _struck_as_s(m: re.Match[str], rules: _Rules) -> str:
    """A text wrapper a browser strikes through, as <s>."""
    attributes = _attributes(m[2])
    if not _strikes(m[1], attributes.get("style", ""), attributes.get("class", ""), rules):
        return m[0]
    return f"<s>{m[3]}</s>"


def _read_tree(text: str) -> tuple[str, etree._Element | None, Sheet | None]:
    """The markup as it is parsed and its tree, with the document of each <iframe srcdoc> in
    the iframe's place (the markup then written from the tree, for the fallback of
    _lines_text), and the page's style sheet (None for a page without one). The tokens and
    the review's view of the page (gx_pipeline.parsing.locate) both start here, so they number
    the same tables. The sheet is found once here: finding a page's <style> blocks walks the
    whole tree (~75 us on a portal page), and each reader of it asked again."""
    markup = _XML_DECLARATION.sub("", text, count=1)
    if any(mark in markup for mark in _MARKS):
        markup = markup.translate(_NO_MARKS)
    # a browser shows a </p> that closes nothing as an empty paragraph and </br> as <br>;
    # libxml2 drops both. A break mark behind each keeps the line break either way (behind a
    # </p> that closes its paragraph it only adds an empty line). 0.08 ms on a 90 KB page
    markup = _STRAY_BREAK.sub(_break_after, markup)
    if "<su" in markup or "<SU" in markup or "vertical-align" in markup:
        # a browser shows 12<sup>1</sup> (12<sub>1</sub>) as a number and its mark; the text
        # runs them into 121
        markup = _SUP_DIGITS.sub(_superscript, markup)
    root = _parse(markup)
    sheet = page_sheet(root) if root is not None else None
    if root is not None:
        _colour_by_class(root, sheet)
    if root is not None and next(root.iter("embed"), None) is not None:
        # <embed> is a void element, but libxml2 makes it hold everything after it up to its
        # parent's end: stripped with its content (it is a skipped element) it took the rest
        # of the page, the report's tables with it. Its tags go; what it "holds" stays. (The
        # tree is asked, not the markup: a walk of its elements in C costs ~6,000 instructions,
        # a case-blind search of a 60 KB page's markup ~550,000)
        etree.strip_tags(root, "embed")
    changed = root is not None and "srcdoc" in markup and _inline_srcdoc(root)
    if changed:
        sheet = page_sheet(root)  # an inlined document's <style> blocks are the page's now
    if root is not None:
        inline = names_inline_hiding(markup)
        if inline or "<style" in markup or "<STYLE" in markup:
            # the hidden attribute, which a rule may undo: a substring test of the markup
            # (~0.05 ms) before the tree's (~1 ms on a Word page)
            hidden = " hidden" in markup or " HIDDEN" in markup
            changed = _hidden_by_style_as_inline(root, inline, sheet, hidden) or changed
    if root is not None and _two_tables(markup):
        changed = _unwrap_cell_tables(root) or changed
    if changed:
        markup = etree.tostring(root, method="html", encoding="unicode")
    return markup, root, sheet


def _two_tables(markup: str) -> bool:
    """Whether the markup opens two tables or more (`<table` or `<TABLE`). A page that has any
    has several, the first two soon found: counting them all scanned the whole markup twice."""
    first = markup.find("<table")
    if first >= 0 and markup.find("<table", first + 1) >= 0:
        return True
    return markup.count("<table") + markup.count("<TABLE") > 1


def _unwrap_cell_tables(root: etree._Element) -> bool:
    """Put the content of each table of one cell that stands inside a table's cell, holding
    no table of its own, in the table's place (an editor pasted a cell from another document
    into a value cell): the outer table then holds no table and is read as a table of cells,
    not as a layout table whose rows all lost their values. Returns whether any was found.
    (One XPath union of a table's cells sorts them into the document's order, comparing
    siblings by walking between them: minutes on a table of 500,000 cells.)"""
    found = False
    for table in list(root.iter("table")):
        if (
            next(table.iterancestors("td", "th"), None) is None
            or table.find(".//table") is not None
        ):
            continue
        cells = list(itertools.islice(table.iter("td", "th"), 2))
        if len(cells) != 1:
            continue
        cell = cells[0]
        box = etree.Element("span")
        box.text = cell.text
        box.extend(list(cell))
        box.tail = table.tail
        table.getparent().replace(table, box)  # type: ignore[union-attr]
        found = True
    return found


def _superscript(m: re.Match[str]) -> str:
    if m[6] is not None:  # a raised or lowered span: its tags go with the raise
        return m[6].translate(_AS_MARK[m[5].lower()[:3]])
    return m[2] + m[3].translate(_AS_MARK[m[1].lower()]) + m[4]


def _inputs_as_text(root: etree._Element) -> None:
    """Form-like pages show a cell's value in a read-only <input value="3"> inside the cell:
    the value becomes the cell's text (the input itself is stripped with the _SKIP elements)."""
    for field in root.iter("input"):
        value = field.get("value")
        if value and (field.get("type") or "text").lower() == "text" and _IN_CELL(field):
            field.tail = value + (field.tail or "")


def _shown_text_only(root: etree._Element, markup: str, sheet: Sheet | None) -> str:
    """The tree with only the text a reader takes as the page's: an input's value as text, and
    no script, style, form control or struck-out text (the cell finder does the same). Returns
    the struck-out text left out, for the page's problems."""
    _inputs_as_text(root)
    struck: list[str] = []
    if _names_line_through(markup):
        _drop_struck(root, struck, sheet)
    for element in list(root.iter(*_STRIKE_TAGS)):
        if not any(a.tag in _STRIKE_TAGS for a in element.iterancestors()):
            struck.append(" ".join(element.itertext()))
        if next(element.iter("td", "th", "tr"), None) is not None:
            # tag soup: a strike tag around cells or rows (libxml2 keeps it there; a browser
            # moves it out of the table). Taken out with them, it moved the row's later cells
            # (or the table's later rows) one place: they keep their places, emptied, and
            # only the tag goes
            _strike_out(element)
            element.tag = _UNWRAPPED
    etree.strip_tags(root, _UNWRAPPED)
    etree.strip_elements(root, *_SKIP, with_tail=False)
    return " ".join(" ".join(struck).split())


_STRIKE_TAGS = ("s", "del", "strike")
#: the tags given, while the tree is cleaned, to an element struck by its style (taken out with
#: its text, its tail kept) and to a strike tag around cells (only the tag goes)
_STRUCK, _UNWRAPPED = "gx-struck", "gx-unwrapped"


def _names_line_through(markup: str) -> bool:
    """Whether the markup may strike text with a style. CSS keywords are case-blind (old IE
    markup writes TEXT-DECORATION: LINE-THROUGH); plain substring tests cover the casings
    editors write (through, Through, THROUGH) at ~0.05 ms a page, where one case-blind regular
    expression over a portal page's markup took 0.2 ms. The XPath after it tells case-blind.
    `hrough` first: it stands in both small-letter casings, and most pages hold none of
    them, so they cost two searches of the markup, not three (~75,000 instructions less on a
    60 KB page)."""
    return ("hrough" in markup and ("through" in markup or "Through" in markup)) or (
        "THROUGH" in markup
    )


def _drop_struck(root: etree._Element, struck: list[str], sheet: Sheet | None) -> None:
    """Text an editor struck through with a style (`text-decoration: line-through`, as rich
    text editors write it) goes, as <s> and <del> do: a number corrected by hand, the old one
    struck before the new."""
    upper, lower = "LINE-THROUGH", "line-through"
    lowered = f"translate(@style, '{upper}', '{lower}')"
    for element in root.xpath(f"//*[@style and contains({lowered}, '{lower}')]"):
        parent = element.getparent()
        if parent is None or not _line_drawn(element.get("style", "")):
            continue
        _struck_off(element, struck)
    for element in _struck_by_class(root, sheet):
        _struck_off(element, struck)
    etree.strip_elements(root, _STRUCK, with_tail=False)


def _struck_off(element: etree._Element, struck: list[str]) -> None:
    """Record `element`'s text as struck and mark it to go with it (its tail stays). A struck
    cell, row or table keeps its place, emptied: left out, it would move every later cell of
    its row (or row of its table) one place."""
    struck.append(" ".join(element.itertext()))
    if element.tag in _GRID or next(element.iter("td", "th"), None) is not None:
        _strike_out(element)
    else:
        element.tag = _STRUCK


_DECORATION = re.compile(r"text-decoration", re.IGNORECASE)


def _struck_by_class(root: etree._Element, sheet: Sheet | None) -> list[etree._Element]:
    """Elements a <style> block strikes through (`.old {text-decoration: line-through}` then
    `<span class="old">9</span>6`: the browser shows 6), by the rule that wins for each (see
    stylesheet.winning); an element's own style that sets its decoration wins over a rule but
    an !important one (and is read by _drop_struck). A strike the page draws must not be read
    as a number."""
    if sheet is None or not _any_rule(sheet, STRIKE):
        return []
    out = []
    for element, rule_numbers in picked(root, sheet, STRIKE).items():
        line = winning(sheet, rule_numbers, element.get("style") or "").get("text-decoration")
        if line is not None and "line-through" in line.lower() and element.getparent() is not None:
            out.append(element)
    return out


def _any_rule(sheet: Sheet, kind: str) -> bool:
    index = sheet.kinds[kind]
    return bool(index.by_name or index.by_tag or index.searched)


def _colour_by_class(root: etree._Element, sheet: Sheet | None) -> None:
    """The text colours and fills a page's <style> blocks give elements (`.old {color:#fff}`,
    `#tbl td span {color:#fff}`, `table {background:#1f4e79}`), written into their style where
    a rule wins over their own (see stylesheet.winning), for the XSLT's tests of text no reader
    sees. A colour is written on the element a rule picks only (one its ancestor inherits is
    not known); a fill by any rule is written where it paints, so a text colour from a rule
    is judged, as an inline one is, against the fills around it or the paper. A light text
    colour a row, a table or a block sets in its own style is its cells' as a rule's is."""
    for element in root.iter(*_INHERITED_INK):
        style = element.get("style")
        if style and ("olor" in style or "OLOR" in style):
            ink = _own_ink(style)
            if ink and light_ink(ink):
                _ink_inherited(element, ink)
    if sheet is None or not _any_rule(sheet, COLOUR):
        return
    inked = []
    for element, rule_numbers in picked(root, sheet, COLOUR).items():
        own = element.get("style") or ""
        won = winning(sheet, rule_numbers, own)
        ink, fill = won.get("color"), won.get("background")
        if won and own:
            own = without(own, won.keys())  # an !important rule's: the XSLT reads the first
        added = ""
        if ink:
            added += f";color:{ink}"
        if fill:
            added += f";background:{fill}"
        if text_fill := won.get("-webkit-text-fill-color"):
            added += f";-webkit-text-fill-color:{text_fill}"  # paints over the colour (_ink)
        if added:
            element.set("style", own + added)
        if ink and element.tag in _INHERITED_INK and light_ink(ink):
            inked.append((element, ink))
    for element, ink in inked:
        _ink_inherited(element, ink)


#: the elements around a table's cells whose text colour, set by a rule, the cells inherit
#: (`tr.old {color:#fff}`, `div.old {color:#fff}` around a stale copy of a table)
_INHERITED_INK = frozenset(("table", "thead", "tbody", "tfoot", "tr", "div", "section"))
#: a declaration of a text colour in an element's style (not a fill's, not a border's)
_INK = re.compile(r"(?:^|;)\s*color\s*:", re.IGNORECASE)


def _own_ink(style: str) -> str | None:
    """The text colour an element's style sets (the last one written), or None: a row's, a
    table's or a block's (`<tr style="color:#eee">` over a stale copy's cells that set none,
    which inherit it, as they do a rule's)."""
    inks = [value for name, value, _ in declarations(style) if name == "color"]
    return inks[-1] if inks else None


def _ink_inherited(element: etree._Element, ink: str) -> None:
    """A light text colour a rule gives a row, a table or a block, written on each of its
    cells that does not set one of its own (nor an element between them does), for the XSLT's
    test of a cell whose figure no reader sees: a colour is inherited, and `tr.old
    {color:#fff}` whitens the stale row's figures, the cells unstyled."""
    for cell in element.iterdescendants("td", "th"):
        up = cell
        while up is not element and up is not None:
            if _INK.search(up.get("style") or "") or up.get("color"):
                break
            up = up.getparent()
        else:
            cell.set("style", f"{cell.get('style') or ''};color:{ink}")


_Rules = list[tuple[str | None, frozenset[str], bool]]


def _class_rules(sheet: Sheet) -> _Rules:
    """The rules of a style sheet that set a decoration for an element picked by its classes
    alone: (tag or None, the classes, whether the line is drawn), in the sheet's order (for a
    page read without its tree, whose other selectors cannot be matched)."""
    return [
        (rule.tag, rule.classes, _line_drawn(";".join(f"{n}:{v}" for n, v, _ in rule.declarations)))
        for rule in map(sheet.rules.__getitem__, sorted(_indexed(sheet.kinds[STRIKE])))
        if rule.classes and rule.xpath is None and rule.id is None
    ]


def _indexed(index: Index) -> set[int]:
    return {k for ks in index.by_name.values() for k in ks}


def _strikes(tag: str, style: str, class_attribute: str, rules: _Rules) -> bool:
    """Whether a browser draws a line through an element: its own style decides where it sets
    a decoration, else the last of the <style> `rules` that picks it by its classes."""
    if _DECORATION.search(style):
        return _line_drawn(style)
    classes = set(class_attribute.split())
    drawn = False
    for wanted_tag, wanted, line in rules:
        if wanted <= classes and (wanted_tag is None or wanted_tag == tag.lower()):
            drawn = line
    return drawn


def _line_drawn(style: str) -> bool:
    """Whether a browser draws the line of a style that names line-through: only a
    text-decoration or text-decoration-line declaration does, and the last one wins (Word's
    HTML writes its own text-line-through:none beside text-decoration:none)."""
    drawn = False
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower() in ("text-decoration", "text-decoration-line"):
            drawn = "line-through" in value.lower()
    return drawn


#: the elements that make a table's grid
_GRID = frozenset(("table", "thead", "tbody", "tfoot", "tr", "td", "th"))


def _strike_out(element: etree._Element) -> None:
    """`element`'s text gone, the table cells inside it kept in place, empty (a table inside
    wrappers too: taken out, it went unsaid, or came back unstruck when the page lost all its
    tables and was read again without wrappers)."""
    element.text = None
    for child in list(element):
        if next(child.iter(*_GRID), None) is not None:
            _strike_out(child)
            child.tail = None
        else:
            element.remove(child)


# --- text a style hides by other means than display, or by a class --------------------------

#: words of an inline style that hides text in a way the XSLT does not read itself (it reads
#: display:none, visibility:hidden, a font of no size, white): its text made transparent
#: (opacity:0, color:transparent), clipped, moved off the page (left, top or text-indent at
#: -9999px, -10000px), scaled to nothing, set in a font too small to read (the commonest
#: spellings: 0.1em, 1px, 1%; the font shorthand's 0/0 and 1px; no size in capitals, as IE
#: writes styles, FONT-SIZE: 0px, rewritten for the XSLT's lower-case test, which costs less
#: here than in its tests of every styled element of every cell), clipped to a pixel
#: (rect(1px …)), or given no room (width:0, height:0, text-indent:9999px). Not
#: `indent`, `position` or `clip`: two pages in three indent their paragraphs or place a box,
#: and a short word is found slowly. A page without them (nor a <style> block) costs the
#: markup's searches for them only (names_inline_hiding, 0.07 ms); the XPath that
#: reads each styled element of the tree costs 5 M on a Word page
_INLINE_HIDING_WORDS = (
    "opacity", "transparent", "rect(0", "clip-path", "-9999px", "-10000", "idth:0", "scale(",
    "ize:0.", "ize:1px", "ize:1%", "eight:0", "ndent:9999", "font:0", "font: 0", "FONT: 0",
    "nt:1px", "nt: 1px", "rect(1", "IZE: 0",
)  # fmt: skip
#: the marks of a word of _INLINE_HIDING_WORDS one search of the markup starts from
_ANCHORS = ":(-"


def _anchored_searches(words: tuple[str, ...]) -> tuple[tuple[str, ...], list[re.Pattern[str]]]:
    """The words as few searches of the markup: those holding a colon, a bracket or a dash as
    one regular expression for each of those marks, which starts from the mark (the regex
    engine skips to it in C) and looks back for what stands before it (`idth:0` as `:`, then
    `0` ahead and `idth:0` behind); the other words as they are. They find a word exactly where
    one of them stands. A substring test a word cost ~18 us of CPU on a 40,000-character page
    of Chinese text (its skips over the text are branches the CPU fails to foresee), the
    twenty of them 0.36 ms, a tenth of a padded page's parse; the five searches together
    0.07 ms (0.67 M instructions against 1.1 M)."""
    plain: list[str] = []
    by_mark: dict[str, list[str]] = {}
    for word in words:
        at = next((i for i, char in enumerate(word) if char in _ANCHORS), None)
        if at is None:
            plain.append(word)
            continue
        # what follows the mark first: the engine tries an alternative only where its first
        # character stands
        ahead = re.escape(word[at + 1 :])
        by_mark.setdefault(word[at], []).append(f"{ahead}(?<={re.escape(word)})")
    searches = [
        re.compile(f"{re.escape(mark)}(?:{'|'.join(found)})") for mark, found in by_mark.items()
    ]
    return tuple(plain), searches


_HIDING_WORDS_PLAIN, _HIDING_WORD_SEARCHES = _anchored_searches(_INLINE_HIDING_WORDS)


def names_inline_hiding(markup: str) -> bool:
    """Whether the markup holds a word of _INLINE_HIDING_WORDS (anywhere: the XPath after it
    tells which style holds one)."""
    return any(word in markup for word in _HIDING_WORDS_PLAIN) or any(
        search.search(markup) is not None for search in _HIDING_WORD_SEARCHES
    )


#: the same words inside a style attribute, for the XPath that finds the elements to read
_INLINE_HIDING_TEST = (
    "@style and (" + " or ".join(f"contains(@style, '{w}')" for w in _INLINE_HIDING_WORDS) + ")"
)
_ZERO = re.compile(r"[+-]?0*\.?0+(?:px|pt|em|rem|%)?")
#: an offset that puts an element or its text off the page (left:-9999px, text-indent:-10000px)
_FAR_OFF = re.compile(r"-\s*(\d+)(?:\.\d*)?(px|pt|em|rem)?")
_FAR_AHEAD = re.compile(r"[+-]?\s*(\d+)(?:\.\d*)?(px|pt|em|rem)?")
#: a font too small for a figure to be read: under 4px (3pt), or a quarter of the text around
#: it (0.25em, 25%: 3-4px of the 12-16px a page sets its tables in). A digit's strokes are then
#: under a pixel: a speck, no figure (9px and 0.8em are small print, and read)
_TINY_FONT = re.compile(
    r"(?:0*\.\d+|[0-3](?:\.\d*)?)px|(?:0*\.\d+|[0-2](?:\.\d*)?)pt|0*\.[0-2]\d*r?em|(?:[0-9]|1\d|2[0-4])(?:\.\d*)?%"
)
#: a scale that leaves nothing to read: scale(0), scale(0.01), scaleX(0), scale(1, 0)
_SCALE = re.compile(r"scale[xy]?\(([^)]*)\)")
#: an opacity under this leaves text no reader makes out
_FAINT_OPACITY = 0.05
_PIXELS = re.compile(r"[+-]?(?:\d*\.)?\d+(?:px)?")
_CLIP_PATH_HIDES = re.compile(r"inset\(\s*(?:50|100)%|circle\(\s*0|polygon\(\s*0\s+0\s*\)")
#: elements a text-indent or a size applies to without a display of their own (not a table's
#: cell: it grows to hold its text, whatever width it is given)
_BOXES = frozenset(("div", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6"))


def _hidden_by_style_as_inline(
    root: etree._Element, inline: bool, sheet: Sheet | None, hidden_attribute: bool = False
) -> bool:
    """Text a browser shows to no reader by a <style> rule or an inline style the XSLT does not
    read (`.t .h {display:none}` then `<td><span class="h">5</span>7</td>`: the reader sees 7,
    the cell's text is 57), written as the inline style the XSLT reads: display:none (or
    font-size:0, which it reads for figures only). Of the rules that pick an element, those
    that win over the others and its own style count (stylesheet.winning). Only where it
    matters to the tables: elements inside a cell, a table's rows and cells, a table and a
    block holding one (a stale copy of a table, kept hidden by its class). Returns whether any
    was rewritten."""
    changed = hidden_attribute and _hidden_shown(root, sheet)
    chosen = picked(root, sheet, HIDE) if sheet is not None and _any_rule(sheet, HIDE) else {}
    if chosen and sheet is not None and _any_rule(sheet, UNDO):
        # the rules that set a display, a visibility or a size without hiding may undo a
        # hiding one
        hidden = list(chosen)
        for element, rule_numbers in picked(root, sheet, UNDO).items():
            chosen[element] = chosen.get(element, []) + rule_numbers
    else:
        hidden = list(chosen)
    found = root.xpath(f"//*[{_INLINE_HIDING_TEST}]") if inline else []
    # an element whose own style may hide it is read, whatever rules that hide nothing pick
    # it (`td span {font-size:12px}` on a span styled opacity:0: its own style wins)
    picked_to_hide = set(hidden)
    for element in [*hidden, *(e for e in found if e not in picked_to_hide)]:
        if element.getparent() is None or not (
            element.tag in _GRID
            or _IN_CELL(element)
            or (element.tag in _HIDING and element.find(".//table") is not None)
        ):
            continue
        own = element.get("style") or ""
        rule_numbers = chosen.get(element)
        won = winning(sheet, rule_numbers, own) if sheet is not None and rule_numbers else {}
        said = f"{own};{';'.join(f'{n}:{v}' for n, v in won.items())}" if won else own
        hiding = _hiding(said, element.tag)
        if not hiding:
            continue
        if won and not _hiding(said + ";visibility:visible", element.tag):
            # hidden by its visibility alone, which its descendants inherit and may undo
            # (`.p {visibility:hidden} .p .c {visibility:visible}`: the .c is seen)
            shown = _visible_inside(element, chosen, sheet)
            if shown:
                _hidden_around(element, shown)
                changed = True
                continue
        element.set("style", hiding if hiding == "display:none" else f"{hiding};{own}")
        if hiding != "display:none" and sheet is not None:
            _sized_inside(element, chosen, sheet)
        changed = True
    return changed


_ANY_HIDDEN = etree.XPath("boolean(//*[@hidden])")
#: displays that leave an element hidden: none, and the browser's own sheet's for [hidden]
_NO_DISPLAY = ("none", "revert", "revert-layer")


def _hidden_shown(root: etree._Element, sheet: Sheet | None) -> bool:
    """The hidden attribute taken off the elements a rule shows: it hides by the browser's own
    sheet (`[hidden] {display:none}`), which any rule of the page's that sets a display wins
    over (`[hidden] {display:inline}`: the figures in <span hidden> are seen). Returns whether
    any was."""
    if sheet is None or not (_any_rule(sheet, UNDO) or _any_rule(sheet, HIDE)):
        return False
    if not _ANY_HIDDEN(root):
        return False
    rules: dict[etree._Element, list[int]] = {}
    for kind in (UNDO, HIDE):
        if _any_rule(sheet, kind):
            for element, rule_numbers in picked(root, sheet, kind).items():
                if element.get("hidden") is not None:
                    rules.setdefault(element, []).extend(rule_numbers)
    changed = False
    for element, rule_numbers in rules.items():
        display = winning(sheet, rule_numbers, element.get("style") or "").get("display")
        if display and display.lower() not in _NO_DISPLAY:
            del element.attrib["hidden"]
            changed = True
    return changed


def _sized_inside(
    element: etree._Element, chosen: dict[etree._Element, list[int]], sheet: Sheet
) -> None:
    """The font sizes rules give the descendants of an element of no size, written into their
    style where a rule wins, for the XSLT to judge whether each gives its text back a size
    (`.s {font-size:1px} .s b {font-size:12px}`: the b's figure is seen)."""
    for inner in element.iterdescendants(etree.Element):
        rule_numbers = chosen.get(inner)
        if not rule_numbers:
            continue
        own = inner.get("style") or ""
        size = winning(sheet, rule_numbers, own).get("font-size")
        if size:
            inner.set("style", f"{without(own, ('font-size',))};font-size:{size}")


def _visible_inside(
    element: etree._Element, chosen: dict[etree._Element, list[int]], sheet: Sheet | None
) -> set[etree._Element]:
    """The descendants of an element hidden by its visibility that set it visible again."""
    shown = set()
    for inner in element.iterdescendants(etree.Element):
        own = inner.get("style") or ""
        rule_numbers = chosen.get(inner)
        if not rule_numbers and "isib" not in own:
            continue
        won = winning(sheet, rule_numbers, own) if sheet is not None and rule_numbers else {}
        visibility = won.get("visibility") or _declared(own, ("visibility",)) or ""
        if visibility.replace("!important", "").strip().lower() == "visible":
            shown.add(inner)
    return shown


def _hidden_around(element: etree._Element, shown: set[etree._Element]) -> None:
    """An element's text hidden, but for the descendants in `shown` (and theirs): its own text
    and its children's tails put in hidden spans, each child that shows nothing hidden, one
    that holds a shown descendant done alike."""

    def hidden(text: str) -> etree._Element:
        span = etree.Element("span", style="display:none")
        span.text = text
        return span

    if element.text and element.text.strip():
        element.insert(0, hidden(element.text))
        element.text = None
    for child in list(element):
        if child.tail and child.tail.strip():
            tail, child.tail = child.tail, None
            child.addnext(hidden(tail))
        if not isinstance(child.tag, str) or child.get("style") == "display:none":
            continue
        if child in shown:
            continue
        if any(inner in shown for inner in child.iterdescendants()):
            _hidden_around(child, shown)
        else:
            child.set("style", "display:none")


def _hiding(declarations: str, tag: str) -> str:
    """The inline style the XSLT reads for `declarations` that hide an element's text from a
    reader ("display:none", or "font-size:0"), or "" when they do not."""
    if not MAY_HIDE.search(declarations):
        return ""
    props: dict[str, str] = {}
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        value = " ".join(value.lower().replace("!important", "").split())
        name = name.strip().lower()
        if name == "font":  # the shorthand's size (`font:0/0 a` hides text)
            name, value = "font-size", font_size(value) or props.get("font-size", "")
        props[name] = value
    get = props.get
    display = get("display", "")
    # an element positioned absolute or fixed is a box of its own, out of its line
    placed = get("position") in ("absolute", "fixed")
    boxed = tag in _BOXES or display in ("block", "inline-block", "flex") or placed
    # a box of no height (height, max-height; or line-height 0 on a box whose height its
    # lines give) clips its text only where it hides what overflows it
    no_room = boxed and get("overflow") == "hidden"
    if (
        display == "none"
        or get("visibility") in ("hidden", "collapse")
        or _transparent(get("opacity", "1"))
        or get("color", "").startswith("transparent")
        or get("-webkit-text-fill-color", "").startswith("transparent")
        # clip cuts only an element positioned absolute or fixed: elsewhere it does nothing
        or (
            get("position") in ("absolute", "fixed")
            and _clipped(get("clip", ""), "")
            or _clipped("", get("clip-path", ""))
        )
        or (boxed and _scaled_away(get("transform", "")))
        or (boxed and _moved_away(get("transform", "")))
        or (
            get("position") in ("absolute", "fixed", "relative")
            and (_far_off(get("left", "")) or _far_off(get("top", "")))
        )
        # a margin moves a placed box alone; in a line it moves the text after it too
        or (placed and _far_off(get("margin-left", "")))
        or (boxed and _far_off(get("text-indent", "")))
        or (
            no_room
            and any(
                _ZERO.fullmatch(get(side, "1"))
                for side in ("width", "height", "max-height", "max-width", "line-height")
            )
        )
        or (no_room and _far_off(get("text-indent", ""), ahead=True))
    ):
        return "display:none"
    size = get("font-size", "1")
    return "font-size:0" if _ZERO.fullmatch(size) or _TINY_FONT.fullmatch(size) else ""


#: a transform that moves its box: translate(-9999px, 0), translateX(-9999px), translate3d(…)
_TRANSLATE = re.compile(r"translate(?:[xyz]|3d)?\(([^)]*)\)")


def _moved_away(transform: str) -> bool:
    """Whether a transform moves a box off the page (translateX(-9999px)); it does not move
    an inline element's text, only a box's."""
    return any(
        _far_off(part.strip())
        for m in _TRANSLATE.finditer(transform)
        for part in m[1].replace(",", " ").split()
    )


def _transparent(opacity: str) -> bool:
    """Whether an opacity (0, 0.01, 1%) leaves text no reader makes out."""
    try:
        value = float(opacity[:-1]) / 100 if opacity.endswith("%") else float(opacity)
    except ValueError:
        return False
    return value < _FAINT_OPACITY


def _scaled_away(transform: str) -> bool:
    """Whether a transform scales its box to (next to) nothing in either direction."""
    for m in _SCALE.finditer(transform):
        for factor in m[1].replace(",", " ").split():
            if _transparent(factor):
                return True
    return False


def _clipped(clip: str, clip_path: str) -> bool:
    """Whether a clip (rect(0 0 0 0), rect(0,0,0,0), rect(0px…)) or a clip-path (inset(50%),
    circle(0)) leaves nothing of an element to see."""
    if clip.startswith("rect("):
        sides = clip[5:].rstrip(")").replace(",", " ").split()
        if sides and all(_ZERO.fullmatch(side) for side in sides):
            return True
        if len(sides) == 4 and all(_PIXELS.fullmatch(side) for side in sides):
            # rect(top right bottom left): a region a pixel wide or high or none, as
            # `rect(1px, 1px, 1px, 1px)` of the screen readers' text, shows nothing to read
            top, right, bottom, left = (float(side.removesuffix("px")) for side in sides)
            return right - left <= 1 or bottom - top <= 1
    return _CLIP_PATH_HIDES.match(clip_path) is not None


def _far_off(value: str, ahead: bool = False) -> bool:
    """Whether an offset puts what it moves off the page: -999px or further (-99em); with
    `ahead`, a text-indent as far the other way (9999px, 100%) out of a box that hides what
    overflows it."""
    if ahead and (value.endswith("%") and value[:-1].isdigit() and int(value[:-1]) >= 100):
        return True
    m = (_FAR_AHEAD if ahead else _FAR_OFF).fullmatch(value)
    if not m:
        return False
    return int(m[1]) >= (99 if m[2] in ("em", "rem") else 999)


def _html_tokens(text: str) -> tuple[list[Token], Head]:
    # Python must not visit every node: a portal page has thousands (menus, link lists) and a
    # Python event per node costs more than parsing the page; even one XPath call per table
    # cell costs more than the rest of reading a table. So all the text, the data tables' cells
    # included, comes out of the tree in one C call (the XSLT _LINES), with marks for lines,
    # tables, rows and cells, and is cut up here.
    markup, root, sheet = _read_tree(text)
    if root is None:
        return [], Head()
    title, meta, address = _head(root)
    if "createTime" in text and (created := _CREATE_TIME.search(text)):
        meta.setdefault("createtime", created.group(1))  # WeChat articles: only in a script
    struck = _shown_text_only(root, markup, sheet)
    tokens: list[Token] = []
    unseen: list[str] = []
    table_no = 0
    text_out = _lines_text(root, markup)
    if _HIDE_START in text_out:
        text_out = _shown(text_out)
    for piece in text_out.split(_LINE_MARK):
        if not piece or piece.isspace():
            continue  # most pieces: the space between two block tags
        if piece[0] != _TABLE_MARK:
            if _BREAK not in piece:
                tokens.append(_line_token(piece))
                continue
            for part in piece.split(_BREAK):
                if line := " ".join(part.split()):
                    tokens.append(Token(LINE, line))
            continue
        table_no += 1
        if _BREAK in piece:
            piece = piece.replace(_BREAK, "")
        if _UNSEEN_MARK in piece:
            unseen += _UNSEEN_TEXT.findall(piece)
            piece = _UNSEEN_TEXT.sub("", piece)
        for tr_no, row in enumerate(piece.split(_ROW_MARK)[1:], start=1):
            if row == _HIDDEN_MARK:
                continue  # a row the browser does not show (an old copy left in the markup)
            if _SPAN_MARK not in row:  # most rows: no spanned cell to mark
                # a row's cells made at once, each tuple in C (a Token() call runs the
                # NamedTuple's __new__ in Python: most of a page's tokens are cells)
                tokens += [
                    _new_tuple(
                        Token, (CELL, " ".join(cell.split()), table_no, tr_no, td_no) + _PLAIN_CELL
                    )
                    for td_no, cell in enumerate(row.split(_CELL_MARK)[1:], start=1)
                    # a cell the browser does not show keeps its number
                    if cell != _HIDDEN_MARK
                ]
                tokens.append(ROW_END)
                continue
            for td_no, cell in enumerate(row.split(_CELL_MARK)[1:], start=1):
                if cell == _HIDDEN_MARK:
                    continue
                if cell[:1] != _SPAN_MARK:
                    tokens.append(Token(CELL, " ".join(cell.split()), table_no, tr_no, td_no))
                    continue
                end = cell.index(_SPAN_MARK, 1)
                rows, _, columns = cell[1:end].partition(",")
                tokens.append(
                    Token(
                        CELL,
                        " ".join(cell[end + 1 :].split()),
                        table_no,
                        tr_no,
                        td_no,
                        span=True,
                        rowspan=_span_count(rows, 0),
                        colspan=_span_count(columns, 1) or 1,
                    )
                )
            tokens.append(ROW_END)
    if not text.rstrip().endswith(">"):
        _mark_cut(tokens)  # the file stops inside text: the last token may be cut short
    said = " ".join(" ".join(unseen).split())
    unmatched = sheet.unread if sheet is not None else 0
    if sheet is not None and sheet.table_parts and root.find(".//table/tr") is not None:
        unmatched += sheet.table_parts
    if sheet is not None and sheet.widened:
        unmatched += _reaching_figures(root, sheet.widened)
    if unmatched:
        tokens = _withheld(tokens)
    return tokens, Head(title, meta, address, struck, said, unmatched)


_HAS_DIGIT = re.compile(r"\d")

#: a table's cell holding a figure, that holds no table itself (a layout table's cell around
#: the report's tables holds a site's menus too)
_FIGURE_CELL = (
    "(self::td or self::th) and not(.//table)"
    " and contains(translate(., '0123456789', '##########'), '#')"
)
_REACHES_FIGURE = etree.XPath(
    f"boolean(ancestor-or-self::*[{_FIGURE_CELL}] or descendant::*[{_FIGURE_CELL}])"
)
_ANY_FIGURE_CELL = etree.XPath(f"boolean(//*[{_FIGURE_CELL}])")


def _reaching_figures(root: etree._Element, widened: tuple) -> int:
    """The rules of a page's sheet whose selector is not translated (stylesheet.Sheet.widened)
    that may reach its figures: the widened selector picks a table's cell holding a figure, an
    element inside one or one around one (on a page without such cells, any element), or it
    could not be widened. A theme's rule for its menus, carousel or footer
    (`.nav li:nth-child(1 of .on) > a {color:#fff}`) reaches none: the page is read."""
    cells = _ANY_FIGURE_CELL(root)
    count = 0
    for xpath in widened:
        if xpath is None:
            count += 1
            continue
        found = xpath(root)
        count += any(not cells or _REACHES_FIGURE(element) for element in found)
    return count


#: a longer line is a page's own prose, not a menu line or a label: not cached, so that the
#: caches of lines stay a few MB whatever the pages hold
CACHED_CHARS = 200


def short_text_cache(function: Callable[[str], T]) -> Callable[[str], T]:
    """`function` of a line's text, cached for lines of up to CACHED_CHARS characters (16,384
    of them): the template's labels stand in every report, a site's menus and footers on every
    page it publishes."""
    cached = functools.lru_cache(maxsize=16384)(function)
    return functools.wraps(function)(
        lambda text: cached(text) if len(text) <= CACHED_CHARS else function(text)
    )


@short_text_cache
def _line_token(piece: str) -> Token:
    """The LINE token of a piece of the page's text (a token is immutable, so one serves every
    page that has the piece)."""
    return Token(LINE, " ".join(piece.split()))


def _head(root: etree._Element) -> tuple[str | None, dict[str, str], str | None]:
    """The page's first <title>, its <meta name=… content=…> pairs (a later name wins) and its
    own address: the first <link rel="canonical"> with an absolute http(s) address, else the
    first og:url <meta> (a property, not a name: kept apart from the names the metadata reads).
    One walk over the tree's elements: a portal page has thousands."""
    title: str | None = None
    meta: dict[str, str] = {}
    canonical: str | None = None
    og_url: str | None = None
    for el in root.iter("title", "meta", "link"):
        tag = el.tag
        if tag == "meta":
            if (name := el.get("name")) and (content := el.get("content")):
                meta[name.lower()] = _clean(content)
            if og_url is None and (el.get("property") or "").lower() == "og:url":
                og_url = _absolute(el.get("content"))
        elif tag == "link":
            if canonical is None and "canonical" in (el.get("rel") or "").lower().split():
                canonical = _absolute(el.get("href"))
        elif title is None and el is not root:
            title = _clean(_TEXT(el))
    return title, meta, canonical or og_url


def _absolute(url: str | None) -> str | None:
    url = (url or "").strip()
    return url if re.match(r"https?://[^\s/]+", url, re.IGNORECASE) else None


#: words of each section's table, to tell a hidden copy of a table the page shows
_SECTION_WORDS = {
    "proactive": ("信息内容", "第二十条"),
    "requests": ("申请人情况", "自然人"),
    "appeals": ("行政复议", "行政诉讼"),
}


def _table_sections(text: str) -> set[str]:
    tables = [piece for piece in text.split(_LINE_MARK) if piece.startswith(_TABLE_MARK)]
    return {
        section
        for section, words in _SECTION_WORDS.items()
        if any(word in table for table in tables for word in words)
    }


def _shown(text: str) -> str:
    """The page's text without each hidden block that only repeats report tables the page shows
    (a print copy, an old draft left in the markup: a browser shows neither). Any other hidden
    block stays: tabs and "read more" blocks start hidden and a script shows them, and a report
    seen nowhere else may be in one."""
    return "".join(_LINE_MARK if dropped else segment for segment, dropped in _segments(text))


def _segments(text: str) -> list[tuple[str, bool]]:
    """The text cut at the outermost hidden blocks: (segment, whether _shown leaves it out)."""
    segments: list[tuple[bool, str]] = []  # (hidden, text) at the outermost level
    depth, buffer = 0, []
    for part in _HIDE_SPLIT.split(text):
        if part == _HIDE_START:
            if depth == 0 and buffer:
                segments.append((False, "".join(buffer)))
                buffer = []
            depth += 1
        elif part == _HIDE_END:
            depth = max(0, depth - 1)
            if depth == 0:
                segments.append((True, "".join(buffer)))
                buffer = []
        else:
            buffer.append(part)
    if buffer:
        segments.append((depth > 0, "".join(buffer)))
    shown = _table_sections("".join(t for hidden, t in segments if not hidden))
    return [
        # a hidden stale copy of tables the page shows is left out
        (segment, hidden and bool(sections := _table_sections(segment)) and sections <= shown)
        for hidden, segment in segments
    ]


def _break_after(m: re.Match[str]) -> str:
    return m.group(0) + _BREAK  # a function: faster than a "\\g<0>" template here


def _parse(markup: str) -> etree._Element | None:
    # plain lxml.etree elements: lxml.html's element classes cost a Python lookup per node;
    # huge_tree: CMS templates nest layout divs past libxml2's default depth limit of 256
    parser = etree.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
    )
    try:
        return etree.fromstring(markup, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _inline_srcdoc(root: etree._Element) -> bool:
    """Put the document of each <iframe srcdoc="…"> in the iframe's place (some CMS show the
    report that way: the page itself holds only the chrome). Returns whether any was found."""
    found = False
    for _ in range(3):  # a srcdoc document may hold an iframe of its own
        frames = [f for f in root.iter("iframe") if f.get("srcdoc")]
        for frame in frames:
            inner = _parse(frame.get("srcdoc") or "")
            body = inner.find(".//body") if inner is not None else None
            box = etree.Element("div")
            if body is not None:
                box.text = body.text
                box.extend(body)
            box.tail = frame.tail
            frame.getparent().replace(frame, box)  # type: ignore[union-attr]
        if not frames:
            break
        found = True
    return found


def _data_tables(root: etree._Element) -> list[etree._Element]:
    """Tables that hold no other table, in document order (the ones whose cells are read)."""
    return [t for t in root.iter("table") if t.find(".//table") is None]


def _lines_text(root: etree._Element, markup: str) -> str:
    """The page's text with a line mark around every block element, and each data table as its
    rows and cells. XSLT does it in C: 0.3 ms on a 90 KB page, against 0.7 ms for marking the
    markup with a regex before parsing and another 0.5 ms for an XPath call per table cell.
    Should libxslt refuse a tree (its template depth is 3,000; libxml2 stops nesting at 2,048,
    which it handles), the marks go into the markup instead, the page is parsed again and the
    tables are walked in Python: the same text, slower."""
    try:
        return str(_LINES(root))
    except etree.XSLTApplyError:
        pass
    marked = _parse(_BLOCK_TAG.sub(_LINE_MARK + "<", markup))
    if marked is None:
        return ""
    _colour_by_class(marked, page_sheet(marked))
    etree.strip_elements(marked, *_SKIP, with_tail=False)
    hide_blocks = _HIDE_BLOCK_ELEMENTS(marked)
    for block in hide_blocks:
        _enclose(block, _HIDE_START, _HIDE_END)
    hidden_tables = {table for table in hide_blocks if table.tag == "table"}
    for table in _data_tables(marked):
        tail = table.tail or ""
        rows = _table_text(table)
        start, end = (_HIDE_START, _HIDE_END) if table in hidden_tables else ("", "")
        table.clear(keep_tail=False)
        table.tail = f"{start}{_LINE_MARK}{_TABLE_MARK}{rows}{_LINE_MARK}{end}{tail}"
    return _TEXT(marked)


#: the fallback's tests, the XSLT's own: blocks between hide marks, rows, cells and text in
#: cells no reader sees
_HIDE_BLOCK_ELEMENTS = etree.XPath(
    "|".join(f"//{step}" for step in _HIDE_BLOCKS), namespaces={"gx": _GX}, extensions=_FUNCTIONS
)
_IS_HIDDEN_ROW = etree.XPath(
    f"boolean({_HIDDEN_ROW})", namespaces={"gx": _GX}, extensions=_FUNCTIONS
)
_IS_HIDDEN_CELL = etree.XPath(
    f"boolean({_IS_HIDDEN})", namespaces={"gx": _GX}, extensions=_FUNCTIONS
)
_UNSEEN_IN = etree.XPath(
    f"descendant::*[{_MAY_BE_UNSEEN_IN_CELL}][{_UNSEEN_IN_CELL}]",
    namespaces={"gx": _GX},
    extensions=_FUNCTIONS,
)


def _enclose(element: etree._Element, start: str, end: str) -> None:
    """Put `start` before the element's text and `end` after its last descendant's."""
    element.text = start + (element.text or "")
    if len(element):
        element[-1].tail = (element[-1].tail or "") + end
    else:
        element.text += end


def _table_text(table: etree._Element) -> str:
    """A data table's rows and cells as the XSLT writes them (for the fallback)."""
    out = []
    for row in table.xpath(f".//tr | {_LOOSE_CELLS}"):
        if row.tag != "tr":  # a loose cell: a row for each run of them
            before = row.getprevious()
            if before is None or before.tag not in ("td", "th"):
                out.append(_ROW_MARK)
            out.append(_CELL_MARK + _cell_text(row))
            continue
        out.append(_ROW_MARK)
        if _IS_HIDDEN_ROW(row):
            out.append(_HIDDEN_MARK)
            continue
        for td in row:
            if td.tag == "td" or td.tag == "th":
                out.append(_CELL_MARK + _cell_text(td))
    return "".join(out)


def unseen_in_cell(td: etree._Element) -> list[etree._Element]:
    """The elements inside a cell whose text no reader sees, as the XSLT finds them: the
    outermost only (it writes an unseen element's text whole, and does not look inside)."""
    unseen = _UNSEEN_IN(td)
    if len(unseen) < 2:
        return unseen
    inner = {d for element in unseen for d in element.iterdescendants()}
    return [element for element in unseen if element not in inner]


def _cell_text(td: etree._Element) -> str:
    if _IS_HIDDEN_CELL(td):
        return _HIDDEN_MARK
    for element in unseen_in_cell(td):
        _enclose(element, _UNSEEN_MARK, _UNSEEN_MARK)
    for line in td.iterdescendants("br", "p", "div", "li"):
        # a line break inside the cell: a space, as the XSLT writes it (the line marks in
        # the markup go: they stand before every block tag, not only these)
        line.text = " " + (line.text or "")
    text = _TEXT(td).replace(_LINE_MARK, "")
    if td.get("colspan") is None and td.get("rowspan") is None:
        return text
    return f"{_SPAN_MARK}{td.get('rowspan') or ''},{td.get('colspan') or ''}{_SPAN_MARK}{text}"


_SPAN_DIGITS = re.compile(r"\s*\+?(\d+)")


def _span_count(attribute: str, zero: int) -> int:
    """A rowspan's or colspan's value as a browser reads it: its leading digits, 1 where it
    has none (absent, empty, `auto`); `zero` where they say 0."""
    m = _SPAN_DIGITS.match(attribute)
    if m is None:
        return 1
    return min(int(m[1]), 1000) or zero


# --- text copies ----------------------------------------------------------------------------

_PAD_LINE = re.compile(r"^[|\s]*\|[|\s]*$")


# the reading of a copy's white space is asked for by text_tokens and again by the rules that
# look at how a copy ends (copy_lines: mark_row_copy_cut, ends_on_whole_appeals_row,
# writes_rows_with_tabs): the same page's text, read once
@functools.lru_cache(maxsize=2)
def _copy_text(text: str) -> str:
    """A text copy as it is read: full-width and box-drawing bars as `|`, entities (copied
    markup) decoded, TABs that align columns expanded, a line ended by \r alone (an old Mac's
    line end, or some of a file's lines so) ended by \n as the rules that look across lines
    expect: the same lines."""
    for bar in _BARS:
        if bar in text:
            # str.replace, not str.translate: translate looks every character of the copy up
            # in its table (~1,000 instructions a character on Chinese text)
            text = text.replace(bar, "|")
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    if "\f" in text:
        # a number alone on the line before a page's end or after its start is the page's
        # number (pdftotext writes a form feed between pages), not a cell: taken out, its
        # line left empty (a line of spaces reads as a blank cell in copies whose cells stand
        # on lines of their own: before the appeals row, it moved every value a column right)
        text = _FOOT_NUMBER.sub("", text)
        # the report's title at the top of a page, after the form feed: the page's running
        # head, not words of the table it interrupts (joined to the next row's label, it hid
        # the label's wording); its line taken out, the form feed left on the next
        text = _RUNNING_HEAD.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _without_page_numbers(text)
    if "\u3000" in text and len(_IDEOGRAPHIC_GAP.findall(text, 0, 200_000)) >= 3:
        # runs of ideographic spaces before numbers: laid-out text whose runs of spaces were
        # saved as U+3000 (an editor's full-width conversion, an OCR tool), each standing for
        # one space or for two (its width on screen): read as the columns line up
        readings = [_IDEOGRAPHIC_RUN.sub(lambda m, n=n: _gap_spaces(m, n), text) for n in (1, 2)]
    else:
        readings = [text]
    if "\t" in text and len(_TAB_WITH_SPACES.findall(readings[0], 0, 200_000)) >= 3:
        # TABs that align columns together with runs of spaces (laid-out text saved by an
        # editor), not a browser copy's one TAB between two cells: read as laid-out text, the
        # TABs expanded to stops of 8 columns, or of 4 (an editor set so) where no TAB would
        # stand for a single space at 4 and the numbers line up better so
        readings = [
            "\n".join(line.expandtabs(size) for line in reading.splitlines())
            for reading in readings
            for size in (8, 4)
            if size == 8 or _tabs_fit(reading, size)
        ]
    if len(readings) > 1:
        return _best_aligned(readings)
    return readings[0]


def _without_page_numbers(text: str) -> str:
    """The copy with the page numbers a PDF viewer keeps between its rows taken out, each
    line left empty (a cell's line stays the file's line). The viewer copies each page's foot
    with its text, so a table running over pages leaves the page's number alone on the line
    after the page's last row: a bare figure there reads as the tail of the row's last number
    wrapped onto the next line. Bare figures running one more each (_FEWEST_PAGES or more) at
    page intervals (_PAGE_GAP lines apart at least, the longest gap within _PAGE_SPREAD times
    the shortest) are the pages' numbers; those after a line of several fields (a row) go.
    A lone figure that no such run explains may still be a tail, and stays. The intervals
    count the lines written, not the blank ones: a copy with a blank line between its cells
    doubles every interval, and a row's own figures, one a line after a label written with
    a space (（一） 予以公开 / 1 / — / — / — / 2 / — / 3), would run as far apart as pages."""
    found = _LONE_FIGURE.findall(text, 0, 200_000)
    if len(found) < _FEWEST_PAGES:
        return text
    lines = text.split("\n")
    lone = [(no, int(line)) for no, line in enumerate(lines) if _LONE_FIGURE.match(line)]
    runs: list[list[int]] = []
    last = None
    for no, n in lone:
        if last is not None and n == last + 1 and runs:
            runs[-1].append(no)
        else:
            runs.append([no])
        last = n
    gone: set[int] = set()
    written: list[int] = []  # the lines written (not blank) up to each line
    for run in runs:
        if len(run) < _FEWEST_PAGES:
            continue
        if not written:
            written = list(itertools.accumulate(bool(line.strip()) for line in lines))
        gaps = [written[b] - written[a] for a, b in itertools.pairwise(run)]
        if min(gaps) < _PAGE_GAP:
            continue
        if max(gaps) > _PAGE_SPREAD * min(gaps):
            continue
        for no in run:
            before = next((line for line in reversed(lines[:no]) if line.strip()), "")
            if len(before.split()) > 1 and "|" not in before:
                gone.add(no)
    if not gone:
        return text
    return "\n".join("" if no in gone else line for no, line in enumerate(lines))


def _tabs_fit(text: str, size: int) -> bool:
    """Whether each TAB after a word of a copy stands for two spaces or more with stops every
    `size` columns: an editor saving runs of spaces as TABs (`unexpand -a`) leaves a lone
    space as it is, so a TAB that would stand for one space means the stops are elsewhere."""
    for line in text[:200_000].splitlines():
        if "\t" not in line:
            continue
        column = 0
        for k, piece in enumerate(line.split("\t")[:-1]):  # (each piece before a TAB)
            column += len(piece)
            if k and not piece:
                column += size  # a TAB after a TAB: a whole stop
                continue
            if piece and not piece[-1].isspace() and column % size == size - 1:
                return False
            column += size - column % size
    return True


def _best_aligned(readings: list[str]) -> str:
    """Of several readings of a laid-out copy's white space, the one whose numbers line up in
    columns best (they stand at the fewest places: right edges and middles); the first where
    none does better. A reading that misplaces the gaps moves each line's numbers by its own
    amount, scattering them; the laid-out rules then find no columns and withhold."""
    best, fewest = readings[0], _number_places(readings[0])
    for reading in readings[1:]:
        n = _number_places(reading)
        if n < fewest:
            best, fewest = reading, n
    return best


def _number_places(text: str) -> int:
    """At how many places (right edges, and middles) the numbers after a gap of a laid-out
    copy's lines stand."""
    ends: set[int] = set()
    middles: set[int] = set()
    for line in text[:200_000].splitlines():
        if "   " in line:
            for m in _GAPPED_NUMBER.finditer(line):
                ends.add(m.end())
                middles.add(m.start(1) + m.end())
    return len(ends) + len(middles)


def copy_lines(text: str) -> list[str]:
    """The lines of a text copy as text_tokens reads and numbers them (line 1 first)."""
    return _copy_text(text).splitlines()


def file_lines(text: str) -> list[str]:
    """The lines of a text copy as the file holds them (line 1 first), broken where a text
    editor, `sed` and Python's reading of a file break them: a cell's `tr` in a text copy read
    by parse_bytes is the number of its line here."""
    return _FILE_BREAK.split(text)


def file_line_numbers(text: str) -> list[int] | None:
    """For each line of copy_lines(text), the number of its line in file_lines(text); None when
    they are the same lines. str.splitlines also breaks a line at a form feed (pdftotext's end
    of a page), a vertical tab (Word's manual line break), U+2028 and a few more, and
    _copy_text takes a page's running head out: a cell's line counted so stood a line too far
    past each page break, not where a reader opening the file finds it."""
    if not any(c in text for c in _SOFT_BREAKS):
        return None
    read = len(copy_lines(text))
    removed: set[int] = set()
    if "\f" in text:
        text = _FOOT_NUMBER.sub("", text)  # within its line
        for m in _RUNNING_HEAD.finditer(text):
            removed.add(len(_FILE_BREAK.findall(text, 0, m.start())) + 1)
        text = _RUNNING_HEAD.sub("", text)
    numbers, line = [], 1
    while line in removed:
        line += 1
    pieces = text.splitlines(keepends=True)
    for piece in pieces:
        numbers.append(line)
        if piece.endswith(("\n", "\r")):
            line += 1
            while line in removed:
                line += 1
    if len(numbers) > read and not "".join(pieces[read:]).strip():
        # a copy whose TABs are expanded is rejoined line by line: an empty last line is gone
        numbers = numbers[:read]
    if len(numbers) != read:
        return None  # an entity that decodes to a line break: the copy's own numbers stand
    return numbers


def text_tokens(text: str) -> list[Token]:
    """Tokens of a text copy: pipe rows, one cell per line, or flipbook lines."""
    tokens: list[Token] = []
    text = _copy_text(text)
    lines = text.splitlines()
    # a Markdown table (`| a | b |` over a `|---|---|` row) opens every row with a bar
    markdown = any(_MD_SEPARATOR.match(line) for line in lines)
    # one whose separator rows have no outer bars (---|---) writes none on its rows either (a
    # row opens with its label): a bar at a row's end (a blank last cell: `0 | 0 | `) or start
    # (` | 0`) is a separator, and the blank cell beyond it is the row's. Rows that all open
    # and end with a bar have outer bars, whatever the separator rows write
    bare = markdown and not any(
        line.strip().startswith("|") or line.strip().endswith("|")
        for line in lines
        if _MD_SEPARATOR.match(line)
    )
    bare = bare and any(
        "|" in line and not (line.strip().startswith("|") and line.strip().endswith("|"))
        for line in lines
        if not _MD_SEPARATOR.match(line)
    )
    # a bar closes the cell before it, also with the space pipe rows write after every bar
    ends_cleanly = (
        text.endswith(("\n", "\r")) or text.rstrip(" \t").endswith("|") or ends_on_page_number(text)
    )
    # how this copy writes its cell-per-line tables decides what a line of bars is
    dialect = _bar_line_dialect(lines) if not markdown and _lone_bars_lead(text) else {}
    # pipe rows that close with a bar: the last bar line left open, with only words after it,
    # is a row the file is cut inside (an excerpt's （未完）, a line break after the cut)
    last_bar_line = (
        max((no for no, line in enumerate(lines, start=1) if "|" in line), default=0)
        if "|" in text  # (a copy without bars: no line to look at)
        else 0
    )
    rows_close = not markdown and last_bar_line > 0 and _rows_close(lines, last_bar_line)
    open_row = False  # a pipe row is open and may continue on the next line
    row_end = ROW_END  # how the open pipe row ends: a PAD end when fillers closed its line
    unfinished = False  # the last pipe line stopped mid-row (no closing separator)
    row_fields = 0  # fields of the pipe row being read, and of the widest row so far
    widest = 0
    #: the previous line was text without a bar: the index of its LINE token
    bare_before: int | None = None
    laid_out_rows = False  # a row laid out in columns by runs of spaces was read
    # headings wrapped onto two or three lines of laid-out text (法人或其 | 他组织): the first
    # line's number -> the last's and the header's words
    wrapped = _wrapped_headings(lines) if not markdown and "   " in text else {}
    wrapped_to = 0  # the last line of the wrapped header being read

    for no, raw in enumerate(lines, start=1):
        bare_line, bare_before = bare_before, None
        if dialect and no in dialect:
            action = dialect[no]
            if action == _AS_CELL:
                tokens.append(Token(CELL, _clean(raw), 0, no, 1))
            elif action == _AS_END:
                tokens.append(ROW_END)
            elif action == _AS_PAD:
                tokens.append(Token(END, PAD, td=raw.count("|")))
            elif action > 0:
                tokens.extend([Token(CELL, "", 0, no, 1)] * action)
            continue
        if "\t" in raw and "|" not in raw and raw.strip(" \t"):
            # a browser copy of a table: cells separated by TABs, empty cells kept as empty
            # fields; a row per line, like a pipe row
            if open_row:
                tokens.append(row_end)
                open_row = False
            fields = raw.rstrip("\r\n").split("\t")
            tokens.extend(Token(CELL, _clean(f), 0, no, i) for i, f in enumerate(fields, start=1))
            tokens.append(ROW_END)
            unfinished = False
            continue
        line = raw.strip()
        cut_before_words = False
        if not line:
            bare_before = bare_line  # an empty line between them changes nothing
            if raw and "\f" not in raw and not open_row and not markdown:
                # a line of only spaces: in copies whose cells are separated by empty lines
                # this is a blank cell (an empty paragraph is harmless: no row takes it); a
                # form feed is a page's end, not a cell
                tokens.append(Token(CELL, "", 0, no, 1))
            continue
        if markdown:
            if _MD_SEPARATOR.match(line):
                continue
            line = _MD_MARKUP.sub("", line)
            # a row's opening bar; also on a last line the file cuts before its closing bar,
            # and on a table's last row cut before it with words after the cut (an excerpt's
            # （未完）, a line break): the row stops there, its last cell may be cut short
            cut_here = no == len(lines) and not ends_cleanly
            cut_before_words = (
                not bare
                and not cut_here
                and line.startswith("|")
                and not line.endswith("|")
                and not _table_goes_on(lines, no)
            )
            if (
                not bare
                and line.startswith("|")
                and (line.endswith("|") or cut_here or cut_before_words)
                and len(line) > 1
            ):
                line = line[1:].strip()
        elif line[0] == "#" and (heading := _MD_HEADING.match(line)):
            line = line[heading.end() :]  # a Markdown heading in a copy without its tables
        # a line opening with a separator continues a row whose line stopped mid-row (a cell
        # broken over lines) when the two together are no wider than the table's rows; else
        # it is a new row whose first cell is blank (a grid export)
        fields_here = line.count("|") + 1
        continues = line.startswith("|") and unfinished and row_fields + fields_here - 1 <= widest
        if open_row and not continues:
            tokens.append(row_end)
            open_row = False
        if "|" in line:
            row_fields = row_fields + fields_here - 1 if continues else fields_here
            widest = max(widest, row_fields)
        unfinished = "|" in line and not line.endswith("|")
        if continues and not line.strip("|").strip():
            continue  # the separator that finishes the broken row
        if "|" not in line:
            if _PAGE_NUMBER.match(line):
                continue  # a page number of a flipbook or PDF rendering
            if laid_out_rows and line in ("无", "空") and raw.index(line) < 8:
                # a character of a label written down the left margin, one a line between the
                # rows (（四）无法提供), not a blank cell's mark: values stand in their columns
                continue
            if no <= wrapped_to:
                continue  # the rest of a wrapped heading, read with its first line
            laid = header = None
            if no in wrapped:
                wrapped_to, header = wrapped[no]
            elif "   " in raw:  # columns kept by runs of spaces
                laid = _laid_out_row(raw)
                laid_out_rows = laid_out_rows or laid is not None
                header = _laid_out_header(raw) if laid is None else None
            if header is not None:
                # header words where they stand: they tell where the columns are
                tokens.extend(
                    Token(CELL, w, 0, no, i, x=x) for i, (w, x) in enumerate(header, start=1)
                )
                tokens.append(ROW_END)
                continue
            if laid is not None:
                label, cells = laid
                if label:
                    tokens.append(Token(CELL, label, 0, no, 1))
                tokens.extend(
                    Token(CELL, f, 0, no, i, x=x) for i, (f, x) in enumerate(cells, start=2)
                )
                tokens.append(ROW_END)
                continue
            flat = _flat_row(line)
            if flat is not None:
                label, values = flat
                k = 1
                if label is not None:
                    tokens.append(Token(CELL, label, 0, no, 1))
                    k = 2
                tokens.extend(
                    Token(CELL, f, 0, no, i, spaced=True) for i, f in enumerate(values, start=k)
                )
                tokens.append(ROW_END)
                continue
            headings = _spaced_headings(line)
            if headings is not None:
                # a header row of a copy that separates cells by spaces (总计  自然人  法人或其他组织)
                tokens.extend(Token(CELL, w, 0, no, i) for i, w in enumerate(headings, start=1))
                tokens.append(ROW_END)
                continue
            tokens.append(Token(LINE, _clean(line), 0, no, 1))
            bare_before = len(tokens) - 1
            continue
        if _PAD_LINE.match(line):
            if line.count("|") == 1:
                tokens.append(Token(CELL, "", 0, no, 1))  # a lone "|": one empty cell
            else:
                # covered grid positions closing a row
                tokens.append(Token(END, PAD, td=line.count("|")))
                open_row = False
            continue
        fields = line.split("|")
        if continues:
            fields = fields[1:]
        elif (
            bare_line is not None
            and not markdown
            and line.startswith("|")
            and len(fields) > 2
            and _closes_a_label(tokens[bare_line].text)
        ):
            # a label cell that ended in a line break (a <br>, a paragraph in the cell): the
            # archive writes the label on a line of its own and the bar that closes its cell
            # opens the next line, before the row's cells. That bar is no empty first cell
            tokens[bare_line] = tokens[bare_line]._replace(kind=CELL)
            fields = fields[1:]
            open_row = True
        row_end = ROW_END
        if fields and line.endswith("|") and not bare:
            fields = fields[:-1]  # the empty text after the closing separator
            if len(fields) > 1 and fields[-1] == "":
                # bars with nothing between them at the end of the line: fillers for the grid
                # positions merged cells cover, not cells (a blank cell is written `| |`)
                fillers = 0
                while len(fields) > 1 and fields[-1] == "":
                    fields.pop()
                    fillers += 1
                row_end = Token(END, PAD, td=fillers)
        if len(fields) == 1 and not continues and line.endswith("|"):
            # "x |": one cell per line; the row goes on until a pad line or a label
            tokens.append(Token(CELL, _clean(fields[0]), 0, no, 1))
            continue
        tokens.extend(Token(CELL, _clean(f), 0, no, i) for i, f in enumerate(fields, start=1))
        if rows_close and no == last_bar_line and unfinished and _DIGIT.search(fields[-1]):
            cut_before_words = True
        if cut_before_words:
            _mark_cut(tokens)
        open_row = True
    if open_row:
        tokens.append(row_end)
    if not markdown and last_bar_line:
        _cut_cell_line(tokens, lines, last_bar_line)
    if not ends_cleanly:
        _mark_cut(tokens)  # the copy stops mid-line: the last cell may be cut short
    return _join_wrapped_characters(tokens)


#: the most characters a line of a narrow cell holds
_NARROW = 4
#: the longest heading or row label a run of pieces is tried for: a narrow cell holds a heading
#: or a group's label (三、本年度办理结果, 二、上年结转政府信息公开申请数量), not a leaf row's
_LONGEST_LABEL = 16


def _join_wrapped_characters(tokens: list[Token]) -> list[Token]:
    """A narrow cell's words written a character or a few a line (`自` / `然` / `人 | 法人或其他
    组织 | 总` / `计`) are one cell again where the pieces spell headings or row labels of the
    tables in one way only. Left in pieces, a one-character line was dropped as a stray mark:
    a heading was lost, and the header's order read without it put values under the wrong
    column.

    The pieces of a word stand between row ends only (a copy ends its line inside a cell that
    holds line breaks); two pieces on one line, or a line closed by fillers, are two cells for
    certain and never join. The joined cell takes the place of its first piece, and the
    headings after its last one on that line continue its row (the header's rows tell where a
    heading drawn down from the first stands: sections._under_applicants)."""
    words, unspelled = _wrapped_words(tokens)
    if not words and not unspelled:
        return tokens
    out: list[Token] = []
    #: a line whose first cell ends a joined one: its row and the shift of its cells' numbers
    moved_lines: dict[int, tuple[int | None, int]] = {}
    skip: set[int] = set()
    for k, t in enumerate(tokens):
        if k in skip:
            continue
        if t.kind != END and t.tr in moved_lines and not is_value_text(t.text):
            # a value keeps the line it is written on: the review shows it there
            tr, shift = moved_lines[t.tr]
            t = t._replace(tr=tr, td=(t.td or 1) + shift)
        word = words.get(k)
        if word is None:
            out.append(t._replace(unspelled=True) if k in unspelled else t)
            continue
        pieces = [tokens[j] for j in word]
        out.append(
            Token(
                CELL if any(p.kind == CELL for p in pieces) else LINE,
                "".join(p.text for p in pieces),
                t.table,
                t.tr,
                t.td,
                cut=any(p.cut for p in pieces),
            )
        )
        skip.update(range(k + 1, word[-1] + 1))
        last = pieces[-1]
        if last.kind == CELL and last.tr is not None:
            # the headings after the last piece on its line continue the joined cell's row
            moved_lines[last.tr] = (t.tr, (t.td or 1) - (last.td or 1))
        elif word[-1] - k >= len(word):
            out.append(ROW_END)  # a row end between the pieces: the row ends after the cell
    return out


def _wrapped_words(tokens: list[Token]) -> tuple[dict[int, list[int]], set[int]]:
    """The words of two or more pieces that runs of short pieces spell: the index of each
    word's first piece, with the indices of all its pieces; and the pieces of two or more
    characters, in runs that spell nothing, that name no cell themselves."""
    # one pass in a comprehension: most pages have no run to join, and this runs on every copy
    pieces = [
        k
        for k, t in enumerate(tokens)
        if 0 < len(t.text) <= _NARROW
        and t.kind != END
        and t.x is None
        and t.table == 0
        and not is_value_text(t.text)
    ]
    runs: list[list[int]] = []
    last = -9
    for k in pieces:
        # between two pieces of a run stand only row ends (a line's end and its fillers')
        if k - last <= 3 and all(tokens[j].kind == END for j in range(last + 1, k)):
            runs[-1].append(k)
        else:
            runs.append([k])
        last = k
    words: dict[int, list[int]] = {}
    unspelled: set[int] = set()
    for run in runs:
        if len(run) == 1:
            continue
        start = 0
        for a in range(1, len(run) + 1):
            if a < len(run) and not _two_cells(tokens, run[a - 1], run[a]):
                continue
            part = run[start:a]
            start = a
            if len(part) < 2:
                continue
            texts = [tokens[j].text for j in part]
            lo, hi, ends = _spelled_within(texts)
            if ends is None:
                unspelled.update(j for j, w in zip(part, texts, strict=True) if _lost_piece(w))
                continue
            part = part[lo:hi]
            first = 0
            for end in ends:
                if end - first > 1:
                    words[part[first]] = part[first:end]
                first = end
    return words, unspelled


def _lost_piece(text: str) -> bool:
    """Whether a piece of a run that spells nothing is part of a heading that cannot be told:
    two or more characters that name no cell (one character alone is a stray mark or a lost
    heading's character already, see sections)."""
    return (
        len(labels.bare(text)) >= 2 and labels.has_chinese(text) and not labels.names_a_cell(text)
    )


#: the most lines of their own left out at each end of a run of pieces
_ASIDE = 3


def _spelled_within(texts: list[str]) -> tuple[int, int, list[int] | None]:
    """The pieces `texts[lo:hi]` that spell headings or row labels in one way only (see
    _spelled), with where they split. A line of two or more characters at either end of the
    run that names no cell (单位：件 over a table's header, 备注 under it), or a row label's
    number alone, may be a cell of its own: left out, the fewest such lines (up to _ASIDE at
    each end), the rest spell the headings. (0, 0, None) when nothing does."""
    ends = _spelled(texts)
    if ends is not None:
        return 0, len(texts), ends
    n = len(texts)
    for lo in range(min(n - 1, _ASIDE + 1)):
        if lo and not _a_cell_of_its_own(texts[lo - 1]):
            break
        for hi in range(n if lo else n - 1, max(lo + 1, n - _ASIDE - 1), -1):
            if hi < n and not _a_cell_of_its_own(texts[hi]):
                break
            ends = _spelled(texts[lo:hi])
            if ends is not None:
                return lo, hi, ends
    return 0, 0, None


def _a_cell_of_its_own(text: str) -> bool:
    """Whether a piece may stand alone rather than be part of a wrapped heading: two or more
    characters that name no cell, or a label's number alone (一、 on its own line, the label's
    words on the next, too long to be a piece)."""
    b = labels.bare(text)
    return not b or len(b) >= 2 and not labels.names_a_cell(text)


def _two_cells(tokens: list[Token], a: int, b: int) -> bool:
    """Whether two pieces of a run (by index, only row ends between them) are in two cells for
    certain: on one line (a separator between them), or with fillers closing a row between."""
    return tokens[a].tr == tokens[b].tr or any(t.text == PAD for t in tokens[a + 1 : b])


def _spelled(pieces: list[str]) -> list[int] | None:
    """Where a run of short pieces splits into headings or row labels of the tables
    (labels.names_a_cell), when it splits one way only: the end of each word, in pieces. None
    otherwise. A run of pieces of marks for characters not read (口 / 口 / 口 / 口 between
    科研机构 and 其他) is one word, a heading not read (_unread_words)."""
    n = len(pieces)
    at = [0]  # where each piece starts in the run's text
    for p in pieces:
        at.append(at[-1] + len(p))
    text = "".join(pieces)
    unread = _unread_words(pieces)
    ways = [1] + [0] * n  # ways of splitting the first k pieces, counted up to 2
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        for start in range(end - 1, -1, -1):
            if (start, end) in unread:
                if ways[start]:
                    ways[end] = min(2, ways[end] + ways[start])
                    back[end] = start
                continue
            if at[end] - at[start] > _LONGEST_LABEL:
                break
            if ways[start] and labels.names_a_cell(text[at[start] : at[end]]):
                ways[end] = min(2, ways[end] + ways[start])
                back[end] = start
    if ways[n] != 1:
        return None
    ends = []
    end = n
    while end:
        ends.append(end)
        end = back[end]
    return ends[::-1]


def _unread_words(pieces: list[str]) -> set[tuple[int, int]]:
    """The runs of pieces of one character each written as a mark for a character not read
    (口, □, �), as (start, end) in pieces, in a run whose other pieces are read: each run a
    word, where a heading written a character a line lost its characters. How many headings a
    run of marks holds is not known (口口口口口口口口 may be two side by side): it stands as one
    word not read, and the header's judges say which columns that leaves in doubt. A run of
    marks alone spells nothing; a piece of several marks (a cell's heading misread whole)
    is no piece of a word."""
    marks = [len(p) == 1 and labels.not_read(p) for p in pieces]
    if all(marks):
        return set()
    out: set[tuple[int, int]] = set()
    start = None
    for k, mark in enumerate([*marks, False]):
        if mark and start is None:
            start = k
        elif not mark and start is not None:
            out.add((start, k))
            start = None
    return out


def _closes_a_label(text: str) -> bool:
    """Whether a line of text before a line opening with a bar is a row's label whose cell that
    bar closes: a label of the national tables, not a heading, a note or a sentence."""
    if len(text) > 60 or "。" in text or _is_section_heading(text):
        return False
    return (
        labels.match_request(text) is not None
        or labels.match_proactive(text) is not None
        or labels.match_appeal_row(text) is not None
        or labels.is_request_group(text)
        or labels.is_results_total(text, False)
    )


#: what a line of a cell-per-line copy is, in the copy's dialect (see _bar_line_dialect); a
#: positive number is that many blank cells
_AS_CELL, _AS_END, _AS_PAD, _AS_NOTHING = -1, -2, -3, 0
_BARS_ONLY = re.compile(r"^\|+$")


#: where a section heading may start (二、…, not a row label such as 一、本年新收…)
_SECTION_START = re.compile(r"^(?:#{1,6}\s*)?[一二三四五六七八九十]{1,2}、")


def _is_section_heading(line: str) -> bool:
    text = line.lstrip("#").strip()
    return (
        labels.heading_section(text) is not None
        or labels.is_end_heading(text)
        or labels.is_overview_heading(text)
    )


#: the line after a lone bar (a literal line break first: the search skips ahead in C)
_AFTER_LONE_BAR = re.compile(r"\n[ \t]*\|[ \t]*\r?\n[ \t]*([^\n]*)")
#: a `n |` value line, then a `x |` line that is no number (a row ending without a bar)
_VALUE_THEN_LABEL = re.compile(
    r"^[ \t]*[\d\-—/.,]+ \|[ \t]*\r?\n[ \t]*[^\s|\d\-—/.][^\n]* \|[ \t]*$", re.MULTILINE
)
_NOT_A_NUMBER_START = re.compile(r"[^\s|\d\-—/.]")


def _lone_bars_lead(text: str) -> bool:
    """Whether the copy may have a bar dialect of its own (a quick look before the lines are
    read one by one): bare cells after separator lines, or rows that open after a lone bar
    more than after a value."""
    if text.count("\n|") < 4:  # lines that open with a bar: lone bars among them
        return False
    after = [line.rstrip() for line in _AFTER_LONE_BAR.findall(text)]
    # an excerpt cut off a few rows into its first table shows only a few bare cells: each
    # part of the copy is then looked at for the way it writes its cells (_table_dialect)
    if sum(1 for line in after if line and not line.endswith("|")) >= 3:
        return True
    opening = sum(1 for line in after if line.endswith(" |") and _NOT_A_NUMBER_START.match(line))
    return opening >= 6 and len(_VALUE_THEN_LABEL.findall(text)) <= 3 * opening


def _bar_line_dialect(lines: list[str]) -> dict[int, int]:
    """What the lines of bars mean, section by section of the copy (a tool writes a whole
    table one way; a copy pieced together from several tools may change ways between tables).
    See _table_dialect."""
    stripped = [line.strip() for line in lines]
    starts = [0] + [
        i
        for i, s in enumerate(stripped)
        if i and len(s) <= 40 and _SECTION_START.match(s) and _is_section_heading(s)
    ]
    # whether empty lines are kept is a property of the tool, so of the whole copy
    keeps_empty = functools.cache(lambda: _keeps_empty_lines(stripped))
    out: dict[int, int] = {}
    for a, b in zip(starts, [*starts[1:], len(stripped)], strict=True):
        for no, action in _table_dialect(stripped[a:b], keeps_empty, a > 0).items():
            out[no + a] = action
    return out


def _table_dialect(
    stripped: list[str], keeps_empty: Callable[[], bool], under_heading: bool = False
) -> dict[int, int]:
    """What the lines of bars mean in this part of a copy, as a property of the whole part.

    Copies made one cell per line write bars in three ways:
    - `x |` per cell and a lone `|` for an empty cell (realdev 116): nothing to change here;
    - the same, but every row closed by a lone `|` line: a lone bar right before a row's
      first cell (a label, a heading) or the end is the row's end, not an empty cell;
    - cells as bare lines with a line holding only `|` between two cells and a pad line
      (`|`, `||`, `||||`) after the row (web archives, reader mode): a separator is not a cell,
      an empty cell is an empty line between two separators, or, in a copy that drops empty
      lines, a second separator next to the first.
    Returns line number -> action, for the lines whose meaning differs from the first way.

    A part `under_heading` (a section's, not the page's chrome before them) that writes no
    cell `x |` and shows bare lines after lone bars is in the third way however short it is:
    an excerpt cut off a few rows into its first table shows few of either.
    """
    bars = [s == "|" for s in stripped]
    if sum(bars) < (2 if under_heading else 6):
        return {}

    def before(i: int) -> int | None:
        """The nearest non-empty line before line i."""
        for j in range(i - 1, max(-1, i - 4), -1):
            if stripped[j]:
                return j
        return None

    # the text lines after lone bars: cells written `x |` (the bar is part of the cell's line)
    # or bare (the bar is a line of its own between cells: a separator)
    bare = written = 0
    # rows closed by a lone bar: the lines that open a row (a cell line that is not a value)
    # stand after a lone bar, not after a value's line
    after_bar = after_value = 0
    for i, s in enumerate(stripped):
        if not s or bars[i] or _BARS_ONLY.match(s):
            continue
        j = before(i)
        if j is None:
            continue
        if bars[j]:
            if s.endswith("|"):
                written += 1
            else:
                bare += 1
        if not s.endswith(" |") or is_value_text(s[:-1]):
            continue
        if bars[j]:
            after_bar += 1
        elif stripped[j].endswith("|") and is_value_text(stripped[j].rstrip("|")):
            after_value += 1
    if (bare >= 6 and bare >= 4 * written) or (
        under_heading
        and bare >= 3
        and not written
        and not any(s.endswith(" |") and not _BARS_ONLY.match(s) for s in stripped)
    ):
        return _separator_lines(stripped, _neighbours(stripped), keeps_empty())
    if after_bar >= 6 and after_value * 10 <= after_bar:
        return _row_closing_bars(stripped, bars, _neighbours(stripped))
    return {}


def _neighbours(stripped: list[str]) -> list[tuple[int | None, int | None]]:
    """For each line, the nearest non-empty lines before and after it."""
    out: list[tuple[int | None, int | None]] = []
    prev: int | None = None
    nxt: list[int | None] = [None] * len(stripped)
    following: int | None = None
    for i in range(len(stripped) - 1, -1, -1):
        nxt[i] = following
        if stripped[i]:
            following = i
    for i, s in enumerate(stripped):
        out.append((prev, nxt[i]))
        if s:
            prev = i
    return out


def _keeps_empty_lines(stripped: list[str]) -> bool:
    """Whether a copy writes an empty cell as an empty line between two separator lines (the
    copy keeps empty lines), which a copy that drops them never shows."""
    nearest = _neighbours(stripped)
    return any(
        not s
        and (before := nearest[i][0]) is not None
        and (after := nearest[i][1]) is not None
        and _BARS_ONLY.match(stripped[before])
        and _BARS_ONLY.match(stripped[after])
        for i, s in enumerate(stripped)
    )


def _separator_lines(
    stripped: list[str], nearest: list[tuple[int | None, int | None]], keeps_empty: bool
) -> dict[int, int]:
    """Actions for a copy whose cells are bare lines with separator lines between them."""
    out: dict[int, int] = {}
    i = 0
    n = len(stripped)
    while i < n:
        if not _BARS_ONLY.match(stripped[i]):
            i += 1
            continue
        # a run of separator and pad lines, with the empty lines between them
        j = i
        while j < n and (not stripped[j] or _BARS_ONLY.match(stripped[j])):
            j += 1
        last_bar = max(k for k in range(i, j) if stripped[k])
        singles = sum(1 for k in range(i, j) if stripped[k] == "|")
        between = sum(1 for k in range(i, last_bar) if not stripped[k])
        if keeps_empty:
            blanks = between
        elif stripped[i] == "|":
            blanks = max(0, singles - 1)  # the first separator is the one between two cells
        else:
            # the run opens with a row's pad line: a separator after it stands before the next
            # row's cell, each for an empty cell the copy dropped (a row without a label, the
            # appeals row, that opens with empty cells)
            blanks = singles
        for k in range(i, j):
            out[k + 1] = _AS_PAD if len(stripped[k]) > 1 else _AS_NOTHING
        out[i + 1] = blanks if stripped[i] == "|" else out[i + 1]
        if stripped[i] != "|" and blanks:
            # the run opens with a pad line: its blank cells (if any) belong to the next row
            out[last_bar + 1] = blanks if stripped[last_bar] == "|" else out[last_bar + 1]
        # the cells on either side of the run are cells, whatever they look like
        for side in (i - 1, j):
            if 0 <= side < n and stripped[side] and not _BARS_ONLY.match(stripped[side]):
                out.setdefault(side + 1, _AS_CELL)
        i = j
    return out


def _row_closing_bars(
    stripped: list[str], bars: list[bool], nearest: list[tuple[int | None, int | None]]
) -> dict[int, int]:
    """Actions for a copy of `x |` cell lines whose rows each end in a lone `|`: the last lone
    bar before a line that is not a value cell (a row's label, a heading, the end) ends the row."""
    out: dict[int, int] = {}
    for i, is_bar in enumerate(bars):
        if not is_bar:
            continue
        nxt = nearest[i][1]
        if nxt is None or not (
            bars[nxt] or (stripped[nxt].endswith("|") and is_value_text(stripped[nxt][:-1]))
        ):
            out[i + 1] = _AS_END
    return out


def _rows_close(lines: list[str], last_bar_line: int) -> bool:
    """Whether the copy's pipe rows close with a bar (`规章 | 3 | 12 |`): of its lines holding
    two bars or more (the last bar line aside: it may be cut), most of those that end in a
    cell's text or in a bar after one end in the bar. A line ending in bars with nothing
    between them ends in fillers for merged cells (`信息内容|…||` in the seed's dialect, whose
    rows do not close: `规章|41|5|41`), which tells neither."""
    rows = [
        line.strip()
        for no, line in enumerate(lines, start=1)
        if line.count("|") >= 2 and no != last_bar_line
    ]
    closed = sum(1 for line in rows if line.endswith("|") and not _FILLERS_END.search(line))
    left_open = sum(1 for line in rows if not line.endswith("|"))
    return closed >= 1 and closed >= 3 * left_open


def _cut_cell_line(tokens: list[Token], lines: list[str], last_bar_line: int) -> None:
    """In a copy that writes a cell a line closed by a bar (`12 |`), a number on the first
    line after the last of them without its bar is a cell the file is cut inside, words or a
    line break after the cut (an excerpt): it may be a number cut short (4 for 41)."""
    after = next(
        (no for no in range(last_bar_line + 1, len(lines) + 1) if lines[no - 1].strip()), None
    )
    if after is None or not _DIGIT.search(lines[after - 1]) or not is_value_text(lines[after - 1]):
        return
    closed = sum(1 for line in lines[:last_bar_line] if _CELL_LINE.match(line))
    if closed < 3:
        return
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].tr == after and tokens[i].kind != END:
            tokens[i] = tokens[i]._replace(cut=True)
            return


def ends_on_page_number(text: str) -> bool:
    """Whether a text copy's last line is a page's number (`- 3 -`, `第 3 页 共 4 页`): the
    copy holds its last page to the foot, so a table row before it is whole, not cut after a
    cell or inside its number (the number is no cell and is not read)."""
    tail = text[-200:].rstrip()
    return bool(_PAGE_NUMBER.match(tail[max(tail.rfind("\n"), tail.rfind("\r")) + 1 :].strip()))


#: a heading of the report's own sections (五、存在的主要问题…) or a date: the report goes on
_REPORT_GOES_ON = re.compile(r"^[一二三四五六七八九十]+[、.．]|\d|[年月日]$")


#: how the name of an agency that signs a report off ends
# fmt: off
_SIGNER_ENDS = (
    "局", "委员会", "办公室", "办公厅", "政府", "办事处", "中心", "厅", "委", "镇", "乡", "街道",
)
# fmt: on


def _signs_off(line: str, text: str) -> bool:
    """Whether a line after a copy's last table is the report's sign-off: the name of the
    agency its title gives (威县司法局 under the tables of 威县司法局2021年…报告), not an
    excerpt's words (下载全文)."""
    first = text.find(line)
    return (
        len(line) >= 3
        and line.endswith(_SIGNER_ENDS)
        and 0 <= first < 2000
        and first < text.rfind(line)
    )


def mark_row_copy_cut(tokens: list[Token], text: str) -> None:
    """A copy of a page that writes a table row a line (a browser's TAB copy, a two-space
    copy, text laid out in columns) and ends inside its tables: its last row is not the
    appeals table's row of 15 values that closes them, and after it the file holds at most two
    short lines that carry the report no further (an excerpt's …, （未完）, [全文过长，已截断],
    or nothing). Nothing closes such a row: a copy cut after a cell looks like a row whose
    blank end cells are not drawn, and its last cell may be cut short (4 of 41), so that cell
    is marked cut. `tokens`: text_tokens(text)."""
    last = next((t for t in reversed(tokens) if t.kind == CELL), None)
    if last is None or not last.tr or last.table != 0:
        return
    lines = copy_lines(text)
    if not _row_a_line(last, lines):
        return
    if sum(1 for t in tokens[-40:] if t.tr == last.tr and t.kind == CELL) >= 15:
        return
    rest = [line.strip() for line in lines[last.tr :] if line.strip()]
    if len(rest) <= 2 and all(
        len(line) <= 20
        and not _REPORT_GOES_ON.search(line)
        and "\t" not in line
        and not _signs_off(line, text)
        for line in rest
    ):
        _mark_cut_in_line(tokens, last.tr)


def _row_a_line(cell: Token, lines: list[str]) -> bool:
    """Whether a text copy's cell stands in a row written a line with nothing that closes it
    (a browser's TAB copy, a two-space copy, text laid out in columns), not a bar's row."""
    raw = lines[(cell.tr or 0) - 1]
    return ("\t" in raw and "|" not in raw) or cell.x is not None or cell.spaced


def writes_rows_with_tabs(text: str) -> bool:
    """Whether a text copy writes its table rows a line with cells separated by TABs and no
    bars (a browser's copy of the page), not laid out by spaces that a tool saved as TABs."""
    if "\t" not in text:
        return False
    tabbed = [line for line in copy_lines(text) if "\t" in line and "|" not in line]
    return len(tabbed) >= 5 and not any(_TAB_WITH_SPACES.search(line) for line in tabbed)


def ends_on_whole_appeals_row(tokens: list[Token], text: str) -> bool:
    """Whether a text copy that writes a table row a line ends on section 四's single row
    whole: its last cell stands in the table's last column (复议后起诉's 总计: the fifteenth
    field of a row that writes every cell, or, in text laid out by spaces, under the header's
    last 总计) and equals the sum of its group's four outcomes. A copy that stops there (the
    page copied as far as its tables) looked like one cut after a cell, its last number cut
    short (4 of 41), and section 四 was withheld; a number cut short is less than the sum its
    group's cells give where the report's sums hold, so a total that meets it is whole, and
    the row's cells stand where they are. Whether digits may follow its last number is
    ends_on_a_digit's question. `tokens`: text_tokens(text)."""
    k = next((k for k in range(len(tokens) - 1, -1, -1) if tokens[k].kind != END), None)
    last = tokens[k] if k is not None else None
    if last is None or last.kind != CELL or last.table != 0 or not last.tr:
        return False
    if not _row_a_line(last, copy_lines(text)):
        return False
    first = k
    while first > 0 and tokens[first - 1].tr == last.tr and tokens[first - 1].kind == CELL:
        first -= 1
    row = tokens[first : k + 1]
    if not all(is_value_text(t.text) for t in row):
        return False
    heading = next(
        (
            section
            for t in reversed(tokens[max(0, first - 80) : first])
            if t.kind == LINE and (section := labels.heading_section(t.text))
        ),
        None,
    )
    if heading != "appeals":
        return False
    if len(row) == 15:
        group = row[10:14]
    elif last.x is not None and all(t.x is not None for t in row):
        header = [
            t for t in tokens[max(0, first - 80) : first] if t.kind == CELL and t.x is not None
        ]
        top = max((h.tr or 0 for h in header), default=0)
        line = [t for t in header if t.tr == top]
        if len(line) < 5 or labels.norm(line[-1].text) != "总计":
            return False
        centres = [t.x for t in line if t.x is not None]

        def under(t: Token) -> int:
            return min(range(len(centres)), key=lambda j: abs(centres[j] - (t.x or 0.0)))

        if under(last) != len(centres) - 1:
            return False
        group = [t for t in row[:-1] if under(t) >= len(centres) - 5]
    else:
        return False
    values = [read_value(t.text) for t in (*group, last)]
    if any(v is None for v in values):
        return False
    *parts, total = (v.value or 0 for v in values if v is not None)
    return labels.norm(last.text) != "" and total == sum(parts)


def ends_on_a_digit(tokens: list[Token], text: str) -> bool:
    """Whether a text copy ends on the last character of a number other than 0, nothing after
    it (not even a line break): digits may follow it on the page. A report may misprint a
    total (10 over outcomes of 1), and cut after its first digit it shows a sum that holds;
    a 0 or a blank's mark takes no digit after it."""
    last = next((t for t in reversed(tokens) if t.kind != END), None)
    if last is None or last.kind != CELL or not last.text or not text.endswith(last.text):
        return False  # a line break, or a page's number, after it
    read = read_value(last.text)
    return read is not None and read.value not in (None, 0)


_ELLIPSES = frozenset({"…", "……", "...", "......"})


def drop_excerpt_ellipsis(tokens: list[Token]) -> None:
    """A text copy whose last word is an ellipsis alone after a table's value (an excerpt's
    mark where it cut the page): no blank cell of the table, and the value before it may be
    cut short, so it is marked cut. `tokens`: text_tokens of a whole page."""
    ends = [k for k in range(len(tokens) - 1, -1, -1) if tokens[k].kind != END][:2]
    if len(ends) < 2 or tokens[ends[0]].text.strip() not in _ELLIPSES:
        return
    before = tokens[ends[1]]
    if not is_value_text(before.text):
        return
    del tokens[ends[0]]
    tokens[ends[1]] = before._replace(cut=True)


def _mark_cut_in_line(tokens: list[Token], no: int) -> None:
    """The last cell with text on line `no` may be cut short."""
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        if t.kind == CELL and t.tr == no and t.text.strip():
            tokens[i] = t._replace(cut=True)
            return
        if t.tr is not None and t.tr < no:
            return


def _table_goes_on(lines: list[str], no: int) -> bool:
    """Whether the table goes on after line `no` (1-based): the next line that is not empty
    holds a bar (a row, or the rest of a row whose label wrapped onto it)."""
    for line in lines[no:]:
        if line.strip():
            return "|" in line
    return False


def _mark_cut(tokens: list[Token]) -> None:
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        if t.kind != END:
            tokens[i] = t._replace(cut=True)
            return


_TAB_WITH_SPACES = re.compile(r"\S {2,}\t|\t {2,}\S")
#: a number after a gap of spaces, in a line laid out in columns (a group: the number)
_GAPPED_NUMBER = re.compile(r"(?<=\S  )(?: *)(\d[\d,.]*%?)(?=\s|$)")
#: a gap of two or more ideographic spaces (among spaces, TABs) before a number
_IDEOGRAPHIC_GAP = re.compile(r"\S(?=[ \t\u3000]{2})[ \t\u3000]*\u3000[ \t\u3000]*[0-9０-９]")
#: white space with an ideographic space in it
_IDEOGRAPHIC_RUN = re.compile(r"[ \u3000]*\u3000[ \u3000]*")


def _gap_spaces(run: re.Match[str], width: int) -> str:
    """A run of white space with ideographic spaces in it as spaces, each ideographic space
    `width` of them; a lone one between two Chinese characters (商业　企业, a space inside a
    word) left as it is."""
    text, at = run.string, run.start()
    if len(run[0]) < 2 and at and _CJK.match(text[at - 1]) and _CJK.match(text[at + 1 : at + 2]):
        return run[0]
    return run[0].replace("\u3000", " " * width)


#: full-width and box-drawing bars, read as `|`
_BARS = ("｜", "│", "┃")
#: a number alone on a line next to a form feed (blank lines between): a page number (lines
#: ended by \n, \r\n or \r)
_FOOT_NUMBER = re.compile(
    r"(?m)(?:^|(?<=\r))[ \t]*\d{1,4}[ \t]*(?=(?:(?:\r\n?|\n)[ \t]*)*\f)"
    r"|(?<=\f)[ \t]*\d{1,4}[ \t]*(?=\r|$)"
)
#: a figure alone on a line (a page's number, a number's wrapped tail, a cell of its own)
#: a figure alone on its line (searched in the whole copy, or matched on one line)
_LONE_FIGURE = re.compile(r"(?m)^[ \t]*\d{1,3}[ \t]*\r?$")
#: the fewest page numbers in a run, the fewest lines between two, and how much longer the
#: longest page may run than the shortest (a page of prose holds fewer lines than one of rows)
_FEWEST_PAGES = 3
_PAGE_GAP = 4
_PAGE_SPREAD = 3
#: a report's title alone on the first line of a page (a form feed before it)
_RUNNING_HEAD = re.compile(
    r"(?<=\f)[ \t]*[^\r\n|\d\f]*(?:\d{4}年)?[^\r\n|\d\f]*年度报告[ \t]*(?:\r\n?|\n)"
)
#: a carriage return that ends a line by itself
_LONE_CR = re.compile(r"\r(?!\n)")
#: a line break in a file as a text editor, `sed` and Python's reading of a file see it
_FILE_BREAK = re.compile(r"\r\n|\n|\r")
#: the other characters str.splitlines breaks a line at
_SOFT_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_DIGIT = re.compile(r"[0-9０-９]")
_FILLERS_END = re.compile(r"\|\s*\|$")
#: a cell written on a line of its own and closed by a bar (`12 |`, `规章 |`)
_CELL_LINE = re.compile(r"^\s*[^|\s][^|]*\s\|\s*$")
_MD_MARKUP = re.compile(r"^(?:#{1,6}\s+|>\s*|[*+-]\s+(?!\d))|\*\*")
_PAGE_NUMBER = re.compile(r"^[-—－–]\s*\d+\s*[-—－–]$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")


_GAP = re.compile(r"\S+(?: \S+)*")
#: a number as OCR misreads it (O for 0, l or I for 1): a value cell that cannot be read
_OCR_DIGITS = re.compile(r"^(?=.*[OoIlSB])[0-9OoIlSB.,]{1,6}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: closing marks alone: the end of a label wrapped onto its numbers' line (3.危及“三安全一稳定
#: | ” 0 0 0), never a cell (read as one, it moved every value a column right)
_LABEL_TAIL = re.compile(r"^[）)\]】」』”’、，,。；;：:]+$")
#: a label's enumeration standing alone (`4.`, `（`): its words wrapped onto the lines below in
#: a narrow cell; part of the label, not a cell that cannot be read
_ENUMERATION = re.compile(r"^(?:\d{1,2}[.．、]|[(（][一二三四五六七八九十\d]{0,3}[)）]?)$")


def _laid_out_row(raw: str) -> tuple[str, list[tuple[str, float]]] | None:
    """A row of text laid out in columns by runs of spaces (pdftotext -layout, OCR): its label
    (the leading pieces in Chinese) and its cells with the character column of their middle.

    A cell is a piece after the label: a value, or a short piece without Chinese (an OCR
    misreading such as `O` for 0), which is a cell that cannot be read, not part of the label.
    None when the line is not such a row (prose, a heading, values without a gap)."""
    if len(raw) > 240:
        return None
    pieces = [(m.group(), m.start()) for m in _GAP.finditer(raw.replace("\u3000", " "))]
    if len(pieces) < 2:
        return None
    k = 0
    while (
        k < len(pieces)
        and not is_value_text(pieces[k][0])
        and (
            _CJK.search(pieces[k][0])
            or len(pieces[k][0]) > 4
            or _ENUMERATION.match(pieces[k][0])
            or _LABEL_TAIL.match(pieces[k][0])
        )
    ):
        k += 1
    cells = pieces[k:]
    if not cells or not any(is_value_text(text) or _OCR_DIGITS.match(text) for text, _ in cells):
        return None
    if any(_CJK.search(text) and not is_value_text(text) for text, _ in cells):
        return None  # words after the numbers: not a table row
    label = " ".join(text for text, _ in pieces[:k])
    if label and (len(label) > 60 or "。" in label):
        return None
    return label, [(_clean(text), start + len(text) / 2) for text, start in cells]


def _laid_out_header(raw: str) -> list[tuple[str, float]] | None:
    """A header line of a table laid out by spaces: its words (each a column heading of the
    national tables) with the character column of their middle on the page (a Chinese character
    is two columns wide there, one character in the text)."""
    pieces = [(m.group(), m.start()) for m in _GAP.finditer(raw.replace("\u3000", " "))]
    if any(" " in text for text, _ in pieces):
        pieces = [split for text, at in pieces for split in _spaced_headings_apart(text, at)]
    words = [text for text, _ in pieces if labels.is_header_word(text)]
    # the corner's note (本列数据的勾稽关系…) before them, where the header is one row
    if not _header_line(len(words), [text for text, _ in pieces[_noted(pieces) :]]):
        return None
    return [(text, start + _width(text) / 2) for text, start in pieces]


_CJK_WORD = re.compile("[\u4e00-\u9fff]{2,8}")


def _header_line(named: int, pieces: list[str]) -> bool:
    """Whether a line's pieces, `named` of them headings, are a header row's: a heading that
    cannot be read (口口口口, ��) or was misread (科研机购) stands among them as its own word,
    and so may one word of other Chinese among three headings or more, a heading worded
    otherwise (企业 for 商业企业): not read as a header line, the group's row would be the
    template's, unsaid; read, the word is judged with the header's others."""
    others = [w for w in pieces if not _header_piece(w)]
    return named >= 2 and (
        not others or (len(others) == 1 and named >= 3 and bool(_CJK_WORD.fullmatch(others[0])))
    )


#: the headings of the national tables, each one column's (or the group's): the requests
#: and appeals headers' words, section 二's columns' names (with and without their unit)
_ONE_HEADING = frozenset(
    w
    for w in (*labels.REQUEST_HEADER_WORDS, *labels.APPEAL_HEADER_WORDS)
    if w not in ("勾稽", "本列数据", "续表")
) | {
    labels.bare(name)
    for rows in (contract.PROACTIVE_2019, contract.PROACTIVE_2021)
    for row in rows
    for col in row.columns
    for name in (col.label, col.label.split("（")[0])
}


#: the first characters (two or more) of a heading wrapped onto more lines (法人或其 of
#: 法人或其他组织)
_HEADING_STARTS = frozenset(w[:k] for w in _ONE_HEADING for k in range(2, len(w)))
#: a short piece of a line opening as a heading does: where a wrapped heading may start
_HEADING_START = re.compile(
    "(?<!\\S)[" + "".join(sorted({w[0] for w in _HEADING_STARTS})) + "][^\\s\\d]{1,8}(?!\\S)"
)


def _one_heading(text: str) -> bool:
    """Whether `text` is one heading of a national table's header (not several run together,
    not a piece of one)."""
    return labels.bare(text) in _ONE_HEADING


def _spaced_headings_apart(piece: str, start: int) -> list[tuple[str, int]]:
    """A piece of a laid-out header line whose headings are written with spaces between their
    characters (自 然 人 法 人 或 其 他 组 织 总 计: full-width spaces inside each word, one
    space between the words) as its headings, each where it starts. Read whole, the piece was
    one word, standing where none of its headings does. The piece as it is unless it is a
    header word made of such headings, each character group whole (a longer run of headings
    that is no header word stands wider than their columns: not told apart)."""
    if " " not in piece or not labels.is_header_word(piece) or _one_heading(piece):
        return [(piece, start)]
    parts, at = [], start
    for part in piece.split(" "):
        parts.append((part, at))
        at += len(part) + 1
    out: list[tuple[str, int]] = []
    k = 0
    while k < len(parts):
        ends = [
            j for j in range(len(parts), k, -1) if _one_heading("".join(t for t, _ in parts[k:j]))
        ]
        if not ends:
            return [(piece, start)]
        j = ends[0]
        first, last = parts[k], parts[j - 1]
        out.append((piece[first[1] - start : last[1] - start + len(last[0])], first[1]))
        k = j
    return out if len(out) > 1 else [(piece, start)]


def _wrapped_headings(lines: list[str]) -> dict[int, tuple[int, list[tuple[str, float]]]]:
    """Header rows of laid-out text whose headings wrap onto two or three lines in their
    columns (法人或其 over 他组织, 申请人情 over 况; a shorter heading on a middle line): for the
    number of each such row's first line, the number of its last and the row's words, each
    heading joined from its pieces where it stands. A row is so read only where each column
    of pieces (pieces that stand over one another) makes one heading of the requests or
    appeals header, or is one heading standing alone, and a heading wrapped has no piece that
    is a heading by itself."""
    # a wrapped heading is the row's tallest: its first piece opens the row's first line
    firsts = [
        i
        for i, line in enumerate(lines)
        if any(m.group() in _HEADING_STARTS for m in _HEADING_START.finditer(line))
    ]
    out: dict[int, tuple[int, list[tuple[str, float]]]] = {}
    after = 0  # the lines before this are read
    for i in firsts:
        if i < after:
            continue
        for size in (3, 2):
            window = [_heading_pieces(line) for line in lines[i : i + size]]
            if len(window) < size or any(p is None for p in window):
                continue
            words = _stacked_headings(window)  # type: ignore[arg-type]
            if words is not None:
                out[i + 1] = (i + size, words)
                after = i + size
                break
    return out


def _heading_pieces(line: str) -> list[tuple[str, int]] | None:
    """The pieces of a line that may be part of a laid-out header's wrapped row: short words
    of Chinese without digits; None for any other line."""
    if len(line) > 240 or "|" in line or _DIGIT.search(line) or not line.strip():
        return None
    if _LONG_PIECE.search(line):
        return None
    pieces = [(m.group(), m.start()) for m in _GAP.finditer(line.replace("\u3000", " "))]
    if not all(len(t) <= 10 and _CJK.search(t) for t, _ in pieces):
        return None
    return pieces


#: a run of words longer than a heading: no line of a wrapped header holds one
_LONG_PIECE = re.compile(r"[^\s\u3000]{11}")


def _stacked_headings(
    window: list[list[tuple[str, int]]],
) -> list[tuple[str, float]] | None:
    """_wrapped_headings for the lines of `window`: the headings their pieces make where
    pieces stand over one another, each with the middle of where it stands; None where they
    do not all make headings, or none is wrapped."""
    pieces = sorted(
        (start, start + len(text), row, text)
        for row, line in enumerate(window)
        for text, start in line
    )
    columns: list[list[tuple[int, int, int, str]]] = []
    for piece in pieces:
        if columns and piece[0] < max(p[1] for p in columns[-1]):
            columns[-1].append(piece)
        else:
            columns.append([piece])
    if not any(len(col) > 1 for col in columns):
        return None
    words: list[tuple[str, float]] = []
    for col in columns:
        col.sort(key=lambda p: p[2])
        rows = [p[2] for p in col]
        if len(set(rows)) != len(rows) or rows != list(range(rows[0], rows[0] + len(rows))):
            return None
        text = "".join(p[3] for p in col)
        if len(col) > 1 and (not _one_heading(text) or any(_one_heading(p[3]) for p in col)):
            return None
        if len(col) == 1 and not _header_piece(text):
            return None
        middle = sum((p[0] + p[1]) / 2 for p in col) / len(col)
        # where the heading would stand, centred there on one line (as _laid_out_header)
        words.append((text, middle - len(text) / 2 + _width(text) / 2))
    return words


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_SPACES = re.compile(r"\s{2,}")


def _spaced_headings(line: str) -> list[str] | None:
    """The headings of a header row whose cells a copy separates by runs of spaces, each a
    heading of the national tables; None for any other line."""
    if "  " not in line or len(line) > 160:
        return None
    words = _SPACES.split(line)
    headings = words[_noted([(w, 0) for w in words]) :]
    named = [w for w in headings if labels.is_header_word(w)]
    if not _header_line(len(named), headings):
        return None
    return words


#: the heading of a column a table adds after the group's five (their sum): a piece of its
#: header line, whose column the template lacks
_SUM_HEADINGS = frozenset({"小计", "合计"})


def _header_piece(word: str) -> bool:
    """A word of a header line: a heading, one not read (口口口口) or one misread (科研机购), or
    a column's the template lacks (小计, 个体工商户; 其他企业 | 其他组织, 其他 split in two: not
    read as a header line, the line's rows show eight values under seven headings, and a
    table of zeros reads 0 under a 其他 the page does not draw)."""
    return (
        labels.is_header_word(word)
        or labels.not_read(word)
        or labels.misread_request_heading(word)
        or labels.bare(word) in _SUM_HEADINGS
        or labels.names_applicant_kind(word)
        or labels.reworded_heading(word)
    )


def _noted(pieces: list[tuple[str, int]]) -> int:
    """1 where a header line opens with the requests table's note (本列数据的勾稽关系为…: the
    corner's text, on the line of a header drawn as one row), else 0."""
    return int(len(pieces) > 2 and labels.in_tally_note(pieces[0][0]))


#: whether a text is NFKC already (values.nfkc returns it as it is)
_NFKC_IS = functools.partial(unicodedata.is_normalized, "NFKC")


def _flat_row(line: str) -> tuple[str | None, list[str]] | None:
    """A flipbook row: values separated by spaces, with or without its label in front.

    '0 / 3 3' gives (None, ['0', '/', '3', '3']); '规 章 2 7 57' gives ('规 章', ['2', '7', '57']).
    None for anything else, so narrative lines stay lines.
    """
    if len(line) > 160:
        return None
    pieces = line.split()
    if len(pieces) == 1 and _NFKC_IS(pieces[0]):
        # most lines of a copy (four in five of a text copy's lines that reach here): prose
        # or a label without a space, NFKC already. NFKC leaves the piece as it is, one part:
        # no flat row, told before a footnote test and a NFKC call for the piece
        return None
    # NFKC a part at a time: a footnote's mark (3①, 12¹) would become a digit of the number
    parts = [q for p in pieces for q in (p if is_footnoted(p) else nfkc(p)).split()]
    parts = _units_joined(parts)
    if len(parts) < 2:
        return None
    k = len(parts)
    while k > 0 and is_value_text(parts[k - 1]):
        k -= 1
    values = parts[k:]
    if k == 0:
        return None, values
    if not values:
        return None
    label = " ".join(parts[:k])
    if (
        len(values) < 2
        and not any(ch.isdigit() for ch in values[0])
        and not (labels.match_proactive(label) or labels.match_request(label))
    ):
        return None
    if len(label) < 2 or "。" in label or any(ch.isdigit() for ch in label[-1:]):
        return None
    return label, values


#: the count units a cell writes after its number, a space between (１２ 件, 0 人)
_COUNT_UNITS = frozenset({"件", "条", "个", "项", "次", "份", "人次", "人"})
_BARE_NUMBER = re.compile(r"^-?\d+$")


def _units_joined(parts: list[str]) -> list[str]:
    """A row's pieces with each count unit standing apart after a number joined to it: `12 件`
    is one cell, not a number and a word that ends the row's values."""
    out: list[str] = []
    for part in parts:
        if part in _COUNT_UNITS and out and _BARE_NUMBER.match(out[-1]):
            out[-1] += part
        else:
            out.append(part)
    return out
