"""A page's <style> blocks read once into rules, and the declarations that win for an element.

The parser asks a page's style sheet three things: what it hides, what colour and fill it gives
text, and what it strikes through. Each is asked here of the same rules: a selector and its
declarations (each property with its !important flag), its specificity and its place in the
sheet. A browser applies a rule to every element its selector picks, and of the rules that pick
an element and set one property, the one that wins by importance, then specificity, then order;
an element's own style beats every rule but an !important one.

Most sheets a report's page carries are a CMS template's or a spreadsheet's export: thousands of
simple rules (`.xl65 {…}`, `td.band {…}`), found through an index of the class or id each
requires. A selector with combinators, attributes or pseudo-classes (`.t .h`, `td > span[title]`,
`:not(.v)`) is translated to XPath by cssselect, once per selector text, and each translated
selector is one search of the tree. A sheet with more such selectors than _MOST_SELECTORS that
may matter is not matched at all: the page's cells are withheld and said (see `Sheet.unread`).
One the translator cannot read is widened to one it can (see _widened): the cells are withheld
where that reaches a figure (see tokens._reaching_figures).
Rules inside `@media print` (and other media that are not the screen) are not the screen's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from typing import NamedTuple

from cssselect import HTMLTranslator, SelectorError, parse
from cssselect.parser import CombinedSelector
from lxml import etree

from gx_pipeline.parsing.colours import light_ink

#: the properties whose rules are read: those that hide text, colour it or its fill, or strike it
PROPERTIES = frozenset(
    (
        "display", "visibility", "opacity", "color", "background", "clip",
        "clip-path", "position", "left", "top", "text-indent", "width", "height", "overflow",
        "font-size", "text-decoration", "transform", "max-height", "max-width", "line-height",
        "-webkit-text-fill-color", "font", "margin-left",
    )
)  # fmt: skip
#: selectors with combinators, attributes or pseudo-classes that a sheet may hold among the rules
#: that set these properties: each is a search of the page's tree (~0.1 ms on a report's page).
#: Those of rules that only set a display or a visibility are searched only on a page where a
#: rule hides something, and may be more (a site's template sets the display of its menus)
_MOST_SELECTORS = 300
_MOST_UNDOING = 1000

#: a comment, and the HTML comment marks an old page wraps its sheet in (a sheet ignores them)
_COMMENT = re.compile(r"/\*.*?\*/|<!--|-->", re.DOTALL)
#: statement at-rules before a rule's selector (`@charset "utf-8";`, `@import url(a.css);`): each
#: ends at its semicolon, and the rule after it applies
_STATEMENTS = re.compile(r"^(?:\s*@[\w-]+[^;{}]*;)+")
_BRACE = re.compile(r"([{}])")
#: a selector that picks an element by itself: a tag (or *), an id and classes
_SIMPLE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*|\*)?(#[\w-]+)?((?:\.[\w-]+)*)$")
#: media that are not the screen's: print, speech, or a query that negates the screen
_NOT_SCREEN = re.compile(
    r"^\s*(?:only\s+)?(?:print|speech|aural|braille|tv|handheld|not\s+(?:screen|all))\b"
)
#: a width a media query bounds, and the desktop screen's width it is held against
_WIDTH = re.compile(r"(min|max)-width\s*:\s*(\d+(?:\.\d+)?)\s*(px|em|rem)?")
#: a width bounded in the range syntax, either way round: `(width <= 600px)`, `(768px < width)`
_LENGTH = r"(\d+(?:\.\d+)?)\s*(px|em|rem)?"
_RANGE = re.compile(
    rf"(?<![\w-])width\s*([<>]=?)\s*{_LENGTH}|{_LENGTH}\s*([<>]=?)\s*(?=width(?![\w-]))"
)
_SCREEN_WIDTH = 1280
#: @-blocks whose rules apply as the sheet's own: the screen's media, a feature test
_CONDITIONAL = ("@media", "@supports", "@layer", "@container")


#: what a rule may do to text, each asked of the sheet by its own user: hide it, undo what
#: hides it (display, visibility, a child's own font size: looked for only where a rule
#: hides), colour it or its fill, strike it
HIDE, UNDO, COLOUR, STRIKE = "hide", "undo", "colour", "strike"
#: the rules that undo by a font size alone: a budget of their own (a template sets the size
#: of its menus' items by hundreds of selectors, which must not leave a page unread)
SIZE = "size"
_BUDGETS = {HIDE: _MOST_SELECTORS, UNDO: _MOST_UNDOING, SIZE: _MOST_UNDOING}
#: a rule's or a style's declarations that may hide text (the cheap test before they are read)
MAY_HIDE = re.compile(
    r"none|hidden|collapse|opacity|transparent|clip|indent|-\s*\d{3}|scale|height\s*:\s*0"
    r"|size\s*:\s*(?:0|[0-3](?:\.\d*)?p[xt]|\.\d|1?\d%|2[0-4]%)"
    r"|font\s*:[^;]*?(?<![\w.#-])(?:0|[0-3](?:\.\d*)?p[xt]|\.\d|1?\d%|2[0-4]%)",
    re.IGNORECASE,
)
#: the size of a font shorthand (`font:0/0 a`, `font: bold 10.5pt/1.5 宋体`): a length, a
#: percentage or a keyword before the line height or the family (a weight's 700 has no unit)
_FONT_SIZE = re.compile(
    r"(?<![\w.#-])((?:\d*\.)?\d+(?:px|pt|pc|r?em|ex|ch|%|cm|mm|in|q|vw|vh)|0(?=\s*/|\s)"
    r"|(?:xx?-|xxx-)?(?:small|large)|medium|larger|smaller)(?=\s*/|\s|$)"
)


def font_size(shorthand: str) -> str | None:
    """The font size a font shorthand sets (None for a system font: `font: caption`)."""
    m = _FONT_SIZE.search(shorthand.lower())
    return m[1] if m else None


#: a selector that picks an element only under the pointer or in focus, or only a part the
#: browser draws (::before): no element of the page as it is read
_NEVER = re.compile(
    r"::|:(?:hover|focus|active|visited|before|after|first-line|first-letter)\b"
    # a state no page is in as it is read (a keyboard's focus ring, a form's autofill or its
    # placeholder, the full screen, a dialog open modal) or the placeholder's text of an input
    r"|:(?:-moz-focusring|-webkit-autofill|autofill|placeholder-shown|fullscreen|modal"
    r"|popover-open|-(?:webkit|moz|ms)-full-?screen|-(?:moz|ms|webkit)(?:-input)?-placeholder"
    r"|-moz-ui-invalid|user-invalid)(?![\w-])",
    re.IGNORECASE,
)
#: a :not() and what it holds: a state no element is in, negated, is every element
#: (`td span:not(:hover)` picks every span of a cell), so it leaves the selector to the
#: translator
_NOT_GROUP = re.compile(r":not\((?:[^()]|\([^()]*\))*\)", re.IGNORECASE)
#: a selector's XPath that steps through a table's part, or from a table to its row
_TABLE_PART = re.compile(r"tbody|thead|tfoot|table/tr|table/\*|parent::\*\[self::table\b|table >")
#: properties that hide nothing themselves (a transparent colour is written into the style by
#: the colour reader, and hides from there)
_NOT_HIDING = frozenset(("color", "-webkit-text-fill-color", "background", "text-decoration"))
#: properties written as one: a fill, a line
_ALIASES = {"background-color": "background", "text-decoration-line": "text-decoration"}


class Rule(NamedTuple):
    """One selector of a rule of the sheet and its declarations."""

    #: (property, value, important) in the rule's order, the properties read only
    declarations: tuple[tuple[str, str, bool], ...]
    specificity: tuple[int, int, int]
    order: int
    #: a simple selector's parts: tag (None for any), id (or None), classes
    tag: str | None
    id: str | None
    classes: frozenset[str]
    #: a selector of another form: its XPath (None for a simple one)
    xpath: etree.XPath | _Chain | None = None


class Index(NamedTuple):
    """The rules of one kind (HIDE, COLOUR, STRIKE), as the matcher finds their elements."""

    #: the simple rules by a name each requires: one of its classes, or its id as `#id`
    by_name: dict[str, list[int]]
    #: the simple rules that name neither: by tag (`*` for any element)
    by_tag: dict[str, list[int]]
    #: the other rules, each found by its XPath
    searched: tuple[int, ...]


class Sheet(NamedTuple):
    """A page's style sheet as rules, with the index of each kind."""

    rules: tuple[Rule, ...]
    kinds: dict[str, Index]
    #: selectors that may matter and were not translated (past _MOST_SELECTORS): what the sheet
    #: hides is not known
    unread: int = 0
    #: rules that may matter whose selector names a table's part (`tbody td .h`, `table > tr`):
    #: a browser puts the rows a page writes without a <tbody> into one, the tree read here
    #: does not, so on such a page what they pick is not known
    table_parts: int = 0
    #: the classes and ids (`.h`, `#t1`) the selectors of the rules that may hide, strike,
    #: whiten or show text name: on a page read in quirks mode, whatever their case
    names: frozenset[str] = frozenset()
    #: rules that may hide, strike or whiten text whose selector is not translated (`li:nth-
    #: child(1 of .x)`, `svg|a`, `a:-webkit-any(b)`): the XPath of each widened (see _widened),
    #: None where it cannot be. What the rule picks is among what the widened one does: where
    #: that reaches no figure of the page (a menu's, a footer's), the rule hides none
    widened: tuple[etree.XPath | _Chain | None, ...] = ()


def _kinds(said: tuple[tuple[str, str, bool], ...]) -> list[str]:
    """What a rule's declarations (those read) may do to text."""
    names = {name for name, _, _ in said}
    hiding = ";".join(f"{n}:{v}" for n, v, _ in said if n not in _NOT_HIDING)
    out = []
    if MAY_HIDE.search(hiding):
        out.append(HIDE)
    elif names & {"display", "visibility", "font-size"}:
        out.append(UNDO)
    if names & {"color", "-webkit-text-fill-color", "background"}:
        out.append(COLOUR)
    if "text-decoration" in names:
        out.append(STRIKE)
    return out


#: a selector list's commas, and what they may stand in: brackets, parentheses, strings
_LIST_PARTS = re.compile(r"""(\\.|"[^"]*"|'[^']*'|[()\[\],])""")


def _listed(selectors: str) -> list[str]:
    """The selectors of a list, split at its own commas only (`:is(td, th) .h`, `[title="a,b"]`
    are one each), each `:not(.a, .b)` written `:not(.a):not(.b)` (cssselect reads only one
    selector in a :not)."""
    out = []
    depth = 0
    part: list[str] = []
    for piece in _LIST_PARTS.split(selectors):
        if piece in ("(", "["):
            depth += 1
        elif piece in (")", "]"):
            depth -= 1
        elif piece == "," and depth <= 0:
            out.append("".join(part).strip())
            part = []
            continue
        part.append(piece)
    out.append("".join(part).strip())
    return [_NOT_LIST.sub(_nots, selector) if ":not(" in selector else selector for selector in out]


#: a :not() of a list of simple selectors (no parentheses, attributes or strings inside)
_NOT_LIST = re.compile(r""":not\(([^()\[\]"']*,[^()\[\]"']*)\)""", re.IGNORECASE)


def _nots(m: re.Match[str]) -> str:
    return "".join(f":not({part.strip()})" for part in m[1].split(","))


def _shows(said: tuple[tuple[str, str, bool], ...]) -> bool:
    """Whether a rule's declarations set a display or a visibility."""
    return any(name in ("display", "visibility") for name, _, _ in said)


def declarations(text: str) -> tuple[tuple[str, str, bool], ...]:
    """The declarations of a rule's block or a style attribute that set the properties read:
    (property, value, important)."""
    out = []
    for declaration in text.split(";"):
        name, colon, value = declaration.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        name = _ALIASES.get(name, name)
        if name not in PROPERTIES:
            continue
        value = value.strip()
        important = "!" in value and value.lower().replace(" ", "").endswith("!important")
        if important:
            value = value[: value.rfind("!")].strip()
        if name == "font":
            size = font_size(value)
            if size is None:
                continue
            name, value = "font-size", size
        out.append((name, value, important))
    return tuple(out)


def _applies(prelude: str) -> bool:
    """Whether the rules of an @-block apply on the screen."""
    at = prelude.split(None, 1)[0].lower() if prelude.split() else ""
    if at not in _CONDITIONAL:
        return False  # @font-face, @keyframes, @page: no rules for the page's elements
    if at != "@media":
        return True
    queries = prelude[len("@media") :].lower().split(",")
    return any(not _NOT_SCREEN.match(query) and _fits(query) for query in queries)


def _fits(query: str) -> bool:
    """Whether a media query's widths hold for the desktop screen reports are read on (a
    responsive page hides its wide table on a phone and shows it on the desktop)."""
    bounds = [(bound == "min", size, unit) for bound, size, unit in _WIDTH.findall(query)]
    for after, size, unit, before_size, before_unit, before in _RANGE.findall(query):
        if after:  # width >= 600px: the width is at least 600
            bounds.append((after[0] == ">", size, unit))
        else:  # 600px <= width: the same
            bounds.append((before[0] == "<", before_size, before_unit))
    for least, size, unit in bounds:
        width = float(size) * (16 if unit in ("em", "rem") else 1)
        if (least and width > _SCREEN_WIDTH) or (not least and width < _SCREEN_WIDTH):
            return False
    return True


def _screen_blocks(css: str) -> list[tuple[str, str]]:
    """The rules of a style sheet the screen applies, as (selectors, declarations), in order:
    those outside any @-block and inside the blocks of the screen's media. A rule nested in
    another (`.t { & .h {display:none} }`, `.t { td .h {…} }`: CSS nesting, which browsers
    apply since 2023) is its parent's selectors joined to its own, after its parent's
    declarations; those its parent writes after it are its parent's still."""
    out: list[list[str]] = []
    # for each open block: whether its rules apply, and the rule of `out` it writes into (None
    # for an @-block outside any rule)
    stack: list[tuple[bool, int | None]] = [(True, None)]
    pending = ""
    for part in _BRACE.split(_COMMENT.sub("", css)):
        if part == "{":
            applies, inside = stack[-1]
            if inside is None:
                head, selector = "", _STATEMENTS.sub("", pending).strip()
            else:  # declarations of the rule it is nested in, then its selector
                head, _, selector = pending.rpartition(";")
                selector = selector.strip()
                out[inside][1] += ";" + head
            if selector.startswith("@"):
                applies = applies and _applies(selector)
                if inside is not None:  # `.t { @media screen { color:#fff } }`: the rule's own
                    out.append([out[inside][0], ""])
                    inside = len(out) - 1
            else:
                parent = out[inside][0] if inside is not None else None
                out.append([_nested(parent, selector) if parent else selector, ""])
                inside = len(out) - 1
            stack.append((applies, inside))
        elif part == "}":
            if len(stack) > 1:
                applies, inside = stack.pop()
                if inside is not None:
                    out[inside][1] += ";" + pending
                    if not applies:
                        out[inside][0] = ""
        else:
            pending = part
            continue
        pending = ""
    return [(selector, said) for selector, said in out if selector and said.strip("; \t\r\n")]


def _nested(parent: str, selector: str) -> str:
    """A nested rule's selectors written whole: each `&` its parent's selectors, and a selector
    without one under them (`> span` a child of them)."""
    joined = []
    whole = parent if "," not in parent else f":is({parent})"
    for part in _listed(selector):
        if "&" in part:
            joined.append(part.replace("&", whole))
        elif part:
            joined.append(f"{whole} {part}")
    return ", ".join(joined)


#: the step from an element to those a combinator relates it to, looking back: its ancestors,
#: its parent, the element just before it, those before it
_AXES = {
    " ": "ancestor::*",
    ">": "parent::*",
    "+": "preceding-sibling::*[1]",
    "~": "preceding-sibling::*",
}


def _upwards(tree: object) -> str | _Chain | None:
    """The XPath of a chain of combinators (`div .t td span`, `div > div td > span.h`, `.a +
    span`) that finds the elements its last part picks and looks back from each, through its
    ancestors, its parent or the elements before it, for what each part before picks. Where
    the parts before are joined by descendant combinators only, the nearest ancestor a part
    picks is the one to look from (where a farther one does, the nearest does: its ancestors
    hold the farther one's). cssselect's own steps down from every element each part picks:
    on a page nested 1,000 deep, 30 rules `div div div span.k` cost 11 s, `div > div div > div
    span.k` 6 s. None for another selector."""
    translator = HTMLTranslator()
    tests = []
    combinators = []
    while isinstance(tree, CombinedSelector) and tree.combinator in _AXES:
        tests.append(translator.xpath(tree.subselector))
        combinators.append(tree.combinator)
        tree = tree.selector
    if not tests or isinstance(tree, CombinedSelector):
        return None
    tests.append(translator.xpath(tree))
    if any(test.path for test in tests):
        return None
    parts = [
        " and ".join(
            ([f"self::{test.element}"] if test.element != "*" else [])
            + ([f"({test.condition})"] if test.condition else [])
        )
        or "true()"
        for test in tests
    ]
    if any(
        combinator in (" ", "~") and later not in (None, " ")
        for combinator, later in zip(combinators, [*combinators[1:], None], strict=True)
    ):
        # each of the elements a step back finds (all its ancestors, all before it) would be
        # looked back from again: depth times depth on a page nested deep
        return _Chain(tuple(parts), tuple(combinators))
    # from the first part inwards: each part the one before it looks back to
    path = ""
    for k in range(len(combinators) - 1, -1, -1):
        combinator, part = combinators[k], parts[k + 1]
        # the nearest ancestor, where what is looked for beyond it is among its ancestors
        nearest = combinator == " " and path and combinators[k + 1] == " "
        path = (
            f"{_AXES[combinator]}[{part}]"
            + ("[1]" if nearest else "")
            + (f"[{path}]" if path else "")
        )
    return f"descendant-or-self::*[{parts[0]}][{path}]"


class _Chain:
    """A chain of combinators matched from the first part inwards, one part at a time over
    the whole tree (`div > div div > div span`: the elements each part picks, kept where the
    part before stands to them as the combinator says), where looking back from each element
    costs depth times depth. Called like an XPath; `path` for what it names."""

    def __init__(self, parts: tuple[str, ...], combinators: tuple[str, ...]):
        self.tests = [etree.XPath(f"descendant-or-self::*[{part}]") for part in parts]
        self.combinators = combinators
        self.path = " ".join(
            reversed([parts[0], *(f"{c} {p}" for c, p in zip(combinators, parts[1:], strict=True))])
        )

    def __call__(self, root: etree._Element) -> list[etree._Element]:
        # each part's elements in the page's order, as an XPath finds them
        found: list[etree._Element] = self.tests[-1](root)  # type: ignore[assignment]
        for k in range(len(self.combinators) - 1, -1, -1):
            if not found:
                return []
            combinator, have = self.combinators[k], set(found)
            candidates: list[etree._Element] = self.tests[k](root)  # type: ignore[assignment]
            if combinator == ">":
                found = [e for e in candidates if e.getparent() in have]
                continue
            if combinator == "+":
                found = [e for e in candidates if _previous(e) in have]
                continue
            reached: set[etree._Element] = set()  # under (after) an element found
            for element in found:
                if element in reached:
                    continue  # what is under (after) it is under (after) one before
                if combinator == " ":
                    reached.update(element.iterdescendants())
                else:
                    reached.update(element.itersiblings())
            found = [e for e in candidates if e in reached]
        return found


def _previous(element: etree._Element) -> etree._Element | None:
    """The element just before an element among its siblings."""
    return next(element.itersiblings(etree.Element, preceding=True), None)


#: an element none of whose names is ever a name of the page's (for a translated selector's trial)
_TRIAL = etree.Element("gx-trial")


@functools.lru_cache(maxsize=4096)
def _translated(
    selector: str,
) -> tuple[etree.XPath | _Chain | None, tuple[int, int, int], bool]:
    """A selector's XPath and specificity (None for one no element on the screen is picked
    by: a pseudo-element's content, a pointer's :hover), and whether the selector was read: a
    form this translator cannot read (`td:has(> b) .h`, `span:nth-child(2 of .h)`, a
    namespace's `h|span`, a pseudo-class it does not know) picks elements no one knows."""
    if "|" in selector and _PREFIX.search(selector):
        # a namespace's prefix (`x|td > .h`): its XPath fails where it is asked only, which
        # a trial element may never reach (a chain stops at its last part's test first)
        return None, (0, 0, 0), False
    try:
        [parsed] = parse(selector)
        if parsed.pseudo_element is not None:
            return None, (0, 0, 0), True
        path = _upwards(parsed.parsed_tree) or HTMLTranslator().selector_to_xpath(
            parsed, prefix="descendant-or-self::"
        )
        a, b, c = parsed.specificity()
        xpath = etree.XPath(path) if isinstance(path, str) else path
        xpath(_TRIAL)  # a namespace's prefix fails only where it is asked
        return xpath, (a, b, c), True
    except (SelectorError, ValueError, etree.XPathSyntaxError, etree.XPathEvalError):
        return None, (0, 0, 0), False


@functools.lru_cache(maxsize=64)
def read_sheet(css: str) -> Sheet:
    """The rules of a page's style sheet (its <style> blocks joined) that may hide, colour or
    strike text. A site's pages share their style sheet: it is read once."""
    rules: list[Rule] = []
    kinds: list[list[str]] = []
    unread = order = 0
    names: set[str] = set()
    widened: list[etree.XPath | _Chain | None] = []
    searched = dict.fromkeys((HIDE, UNDO, SIZE), 0)  # the selectors translated, by budget
    for selectors, block in _screen_blocks(css):
        said = declarations(block)
        kind = _kinds(said) if said else []
        if not kind:
            continue
        budget = HIDE if kind != [UNDO] else UNDO if _shows(said) else SIZE
        if budget != SIZE and (kind != [COLOUR] or _light_ink(said)):
            names.update(_NAME.findall(selectors))
        for selector in _listed(selectors):
            order += 1
            m = _SIMPLE.match(selector)
            if m and selector:
                tag = m[1].lower() if m[1] and m[1] != "*" else None
                classes = frozenset(m[3].split(".")[1:])
                specificity = (1 if m[2] else 0, len(classes), 1 if tag else 0)
                rule = Rule(said, specificity, order, tag, m[2][1:] if m[2] else None, classes)
            elif _NEVER.search(_NOT_GROUP.sub("", selector) if ":not(" in selector else selector):
                continue
            elif searched[budget] >= _BUDGETS[budget]:
                # a child's font size past the bound is not read, as none was before: the
                # text it gives a size stays of no size (said as unseen), the page read
                unread += budget != SIZE
                continue
            else:
                searched[budget] += 1
                xpath, specificity, read = _translated(selector)
                if xpath is None:
                    # a rule that may hide, strike or whiten text whose selector is not read:
                    # what it picks is not known, but is among what its widened form picks
                    # (a rule that only undoes, or colours darker, leaves what is read as
                    # the page's own style says)
                    if not read and _matters(kind, said):
                        widened.append(_widened(selector))
                    continue
                rule = Rule(said, specificity, order, None, None, frozenset(), xpath)
            rules.append(rule)
            kinds.append(kind)
    indexes = {}
    for kind in (HIDE, UNDO, COLOUR, STRIKE):
        by_name: dict[str, list[int]] = {}
        by_tag: dict[str, list[int]] = {}
        searched = []
        for k, rule in enumerate(rules):
            if kind not in kinds[k]:
                continue
            if rule.xpath is not None:
                searched.append(k)
            elif rule.classes or rule.id:
                name = min(rule.classes) if rule.classes else f"#{rule.id}"
                by_name.setdefault(name, []).append(k)
            else:
                by_tag.setdefault(rule.tag or "*", []).append(k)
        indexes[kind] = Index(by_name, by_tag, tuple(searched))
    table_parts = sum(
        1
        for rule, kind in zip(rules, kinds, strict=True)
        if rule.xpath is not None
        and _TABLE_PART.search(rule.xpath.path)
        and (_matters(kind, rule.declarations) or (UNDO in kind and _shows(rule.declarations)))
    )
    return Sheet(tuple(rules), indexes, unread, table_parts, frozenset(names), tuple(widened))


#: a pseudo-class with its argument (two levels of parentheses), and a namespace's prefix
#: (`svg|a`, `*|span`; not an attribute's `|=` nor a column's `||`)
_PSEUDO_CLASS = re.compile(r"(?<!:):[\w-]+(?:\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))?")
_PREFIX = re.compile(r"(?<![\w|-])(?:[\w-]+|\*)?\|(?![=|])")
#: a pseudo-class every element has (no element is named gx-trial): what stands for one dropped
_ANY = ":not(gx-trial)"


@functools.lru_cache(maxsize=4096)
def _widened(selector: str) -> etree.XPath | _Chain | None:
    """A selector the translator cannot read widened to one it can: each namespace's prefix
    dropped, and each pseudo-class it cannot read alone (`:nth-child(1 of .h)`, `:-webkit-
    any(b)`, `:is(svg|a)`: the whole of it, a :not() with what is inside) taken as one every
    element has. What the selector picks, the widened one picks too (`.nav li:nth-child(1 of
    .on) a` is among `.nav li a`). None where the widened one is not read either."""
    if "|" in selector and ('"' in selector or "'" in selector):
        return None  # a prefix is not told from a string's bar: not widened
    wide = _PREFIX.sub("", selector)
    wide = _PSEUDO_CLASS.sub(lambda m: m[0] if _translated("*" + m[0])[2] else _ANY, wide)
    xpath, _, read = _translated(wide)
    return xpath if read else None


def _matters(kind: list[str], said: tuple[tuple[str, str, bool], ...]) -> bool:
    """Whether a rule may keep text from a reader: hide it, strike it, or set it in a colour
    light enough to be lost on the paper."""
    return HIDE in kind or STRIKE in kind or (COLOUR in kind and _light_ink(said))


def _light_ink(said: tuple[tuple[str, str, bool], ...]) -> bool:
    """Whether declarations set a text colour light enough to be lost on the paper."""
    return any(light_ink(value) for name, value, _ in said if name == "color")


def _for_media(media: str | None, css: str) -> str:
    """A <style> block's rules, inside an @media block for its media attribute (a block for
    print applies nothing to the screen)."""
    return f"@media {media} {{\n{css}\n}}" if media and media.strip() else css


def page_sheet(root: etree._Element) -> Sheet | None:
    """The page's style sheet read, or None for a page without one. On a page a browser reads
    in quirks mode, whose selectors name its classes or ids in another case (`.Hide` for
    class="hide"), the names of both are written in lower case: there a browser matches them
    whatever their case."""
    blocks = [_for_media(style.get("media"), style.text or "") for style in root.iter("style")]
    if not blocks:
        return None
    css = "\n".join(blocks)
    sheet = read_sheet(css)
    if sheet.names and _quirks(root) and _names_in_another_case(root, sheet.names):
        for element in root.xpath("//*[@class or @id]"):
            for name in ("class", "id"):
                value = element.get(name)
                if value:
                    element.set(name, value.lower())
        return read_sheet(_NAME.sub(lambda m: m[0].lower(), css))
    return sheet


#: the doctypes a browser reads a page in quirks mode by (HTML 4.0 and older, 4.01's loose
#: ones without a system identifier); a page without one is read so too, and libxml2 gives it
#: HTML 4.0 Transitional's
_QUIRKS_IDS = ("-//w3c//dtd html 4.0 transitional//", "-//w3c//dtd html 4.0 frameset//",
               "-//w3c//dtd html 3", "-//w3c//dtd html 2", "-//ietf//")  # fmt: skip
_LOOSE_IDS = ("-//w3c//dtd html 4.01 transitional//", "-//w3c//dtd html 4.01 frameset//")
#: a class or an id a selector names (and a colour's #fff, which matches no name)
_NAME = re.compile(r"[.#]-?[A-Za-z_][\w-]*")


def _quirks(root: etree._Element) -> bool:
    """Whether a browser reads the page in quirks mode."""
    info = root.getroottree().docinfo
    public = (info.public_id or "").lower()
    return public.startswith(_QUIRKS_IDS) or (public.startswith(_LOOSE_IDS) and not info.system_url)


def _names_in_another_case(root: etree._Element, names: frozenset[str]) -> bool:
    """Whether the sheet names (`.h`, `#t1`) a class or an id of the page in another case
    only."""
    have = {n for value in root.xpath("//@class | //@id") for n in _XML_SPACE.split(value) if n}
    lowered = {n.lower() for n in have}
    return any(n[1:] not in have and n[1:].lower() in lowered for n in names)


_STYLE_BLOCK = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_MEDIA = re.compile(r"""\smedia\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def markup_sheet(markup: str) -> Sheet:
    """The style sheet of a page's markup read (for a page whose tree is not read)."""
    blocks = []
    for attributes, css in _STYLE_BLOCK.findall(markup):
        media = _MEDIA.search(attributes)
        blocks.append(_for_media("".join(media.groups("")) if media else None, css))
    return read_sheet("\n".join(blocks))


#: names beyond which the elements the simple rules pick are found in Python (one look at each
#: element's names) rather than by an XPath test of each name: libxml2 tests every name on
#: every element (4,000 classes: 0.4 s a page), and past ~4,500 refuses the test
#: (XPathEvalError), the page lost. A spreadsheet's export names a class for each cell style
_XPATH_NAMES = 64
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def naming(classes: Iterable[str], ids: Iterable[str] = ()) -> str:
    """An XPath test of an element whose class attribute names one of `classes`, or whose id
    is one of `ids`."""
    tests = [
        f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')"
        for c in sorted(classes)
        if "'" not in c
    ]
    tests += [f"@id = '{i}'" for i in sorted(ids) if "'" not in i]
    return " or ".join(tests) or "false()"


def named(
    root: etree._Element, classes: Collection[str], ids: Collection[str] = ()
) -> list[etree._Element]:
    """The elements whose class attribute names one of `classes`, or whose id is one of `ids`,
    in the page's order: what `//*[naming(classes, ids)]` finds."""
    if len(classes) + len(ids) <= _XPATH_NAMES:
        return root.xpath(f"//*[{naming(classes, ids)}]")
    wanted, wanted_ids = frozenset(classes), frozenset(ids)
    return [
        element
        for element in root.iter(etree.Element)
        if not wanted.isdisjoint(_XML_SPACE.split(element.get("class") or ""))
        or element.get("id") in wanted_ids
    ]


def picked(root: etree._Element, sheet: Sheet, kind: str) -> dict[etree._Element, list[int]]:
    """The elements the sheet's rules of `kind` pick, each with those rules, in the page's
    order of elements (first those picked by their names)."""
    rules = sheet.rules
    index = sheet.kinds[kind]
    out: dict[etree._Element, list[int]] = {}
    if sheet.unread:
        return out  # not matched: the page's figures are withheld (Head.unmatched_selectors)
    if index.by_name:
        classes = [n for n in index.by_name if n[0] != "#"]
        ids = [n[1:] for n in index.by_name if n[0] == "#"]
        for element in named(root, classes, ids):
            have = set(_XML_SPACE.split(element.get("class") or ""))
            own_id = element.get("id")
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            # only the rules that name one of its classes or its id may pick it (a
            # spreadsheet's sheet has a rule for each of hundreds of classes)
            may = {k for name in [*have, f"#{own_id}"] for k in index.by_name.get(name, ())}
            for k in may:
                rule = rules[k]
                if (
                    rule.classes <= have
                    and (rule.id is None or rule.id == own_id)
                    and (rule.tag is None or rule.tag == tag)
                ):
                    out.setdefault(element, []).append(k)
    for tag, ks in index.by_tag.items():
        for element in root.iter(etree.Element if tag == "*" else tag):
            out.setdefault(element, []).extend(ks)
    for k in index.searched:
        for element in rules[k].xpath(root):  # type: ignore[misc]
            if isinstance(element, etree._Element):
                out.setdefault(element, []).append(k)
    return out


def winning(sheet: Sheet, rule_numbers: Iterable[int], style: str) -> dict[str, str]:
    """The values the rules `rule_numbers` give an element whose own style is `style`, where
    they win: an !important declaration over any other, then the element's own style over a
    rule, then the more specific rule, then the later. A value its own style keeps is not in."""
    best: dict[str, tuple[tuple, str]] = {}
    for k in rule_numbers:
        rule = sheet.rules[k]
        for name, value, important in rule.declarations:
            key = (important, rule.specificity, rule.order)
            if name not in best or key >= best[name][0]:  # of one rule, the later
                best[name] = (key, value)
    if best and style:
        for name, _, important in declarations(style):
            if name in best and (important or not best[name][0][0]):
                del best[name]
    return {name: value for name, (_, value) in best.items()}


def without(style: str, names: Iterable[str]) -> str:
    """A style attribute's declarations but those of `names` (a rule wins over them)."""
    drop = set(names)
    kept = []
    for declaration in style.split(";"):
        name = declaration.partition(":")[0].strip().lower()
        if _ALIASES.get(name, name) not in drop:
            kept.append(declaration)
    return ";".join(kept)
