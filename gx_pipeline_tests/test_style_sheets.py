"""What a page's style sheet hides, whitens or strikes, through the selectors real sheets write.

A browser applies a <style> rule to every element its selector picks: by a descendant or child
combinator (`.t .h`, `td > span.h`), an attribute (`[data-x]`, `span[class~=h]`), a
pseudo-class that holds without a pointer (`:first-child`, `:not(.v)`), a tag or an id alone,
inside an @media block for the screen; and of the rules that pick it, the one that wins by
importance, specificity and order. Each test draws pages of the generator's report family with
a decoy figure (beside a value in its cell) or a decoy row or table (last year's figures), which
a rule of each form hides by each mechanism the parser knows: the figures read are those the
browser shows, or are withheld and said. The negative family: rules that do not pick the
element, whose figures are read.
"""

from __future__ import annotations

import random
import time

import pytest
from cssselect import HTMLTranslator
from lxml import etree

from gx_pipeline.pagegen import render_html
from gx_pipeline.pagegen.layout import GCell, Table
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.stylesheet import _translated
from gx_pipeline.parsing.tokens import html_tokens
from gx_pipeline_tests.test_cell_markup import _deep, _page, beside_values, stale_tables
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document, _wrong
from gx_pipeline_tests.test_unseen_styles import _drawn_with

#: the ways a rule keeps text from a reader: the declarations that hide, and those that undo
#: them (a later or weaker rule, an inline style)
MECHANISMS = {
    "display:none": ("display:none", "display:inline"),
    "visibility:hidden": ("visibility:hidden", "visibility:visible"),
    "white": ("color:#fff", "color:#000"),
    "strike": ("text-decoration:line-through", "text-decoration:none"),
}
#: the tables' own attributes: a class and an id for each, as CMS templates write them
_TABLE_IDS = range(1, 13)
_BY_ID = ", ".join(f"#t{k} td span" for k in _TABLE_IDS)

#: selector forms picking a decoy figure in a value cell: (the style sheet with {hide} and
#: {show} for the declarations, the decoy's markup with {n} for its figure)
_SPAN = '<span class="n h" data-x="1" title="x">{n}</span>'
BESIDE = {
    "descendant": (".t .h {{{hide}}}", _SPAN),
    "child": ("td > span.h {{{hide}}}", _SPAN),
    "id and tags": (f"{_BY_ID} {{{{{{hide}}}}}}", _SPAN),
    "attribute present": ("[data-x] {{{hide}}}", _SPAN),
    "attribute word": ("span[class~=h] {{{hide}}}", _SPAN),
    "attribute value": ('td [title="x"] {{{hide}}}', _SPAN),
    "first-child": ("td > span:first-child {{{hide}}}", _SPAN),
    "not": ("td span:not(.v) {{{hide}}}", _SPAN),
    "tag only": ("font {{{hide}}}", "<font>{n}</font>"),
    "universal": (".t td * {{{hide}}}", _SPAN),
    "media screen": ("@media screen {{ .t .h {{{hide}}} }}", _SPAN),
    "media all": ("@media all and (min-width: 1px) {{ td .h {{{hide}}} }}", _SPAN),
    "media min-width": ("@media (min-width: 10px) {{ .t .h {{{hide}}} }}", _SPAN),
    "more specific than a later rule": (".t td .h {{{hide}}} .h {{{show}}}", _SPAN),
    "important over a more specific rule": (
        ".h {{{hide} !important}} .t td span.h {{{show}}}",
        _SPAN,
    ),
    "is a list": (":is(td, th) .h {{{hide}}}", _SPAN),
    "not a list": ("td span:not(.v, .w) {{{hide}}}", _SPAN),
    "attribute value with a comma": ('td [title="x"]:not([lang="en,fr"]) {{{hide}}}', _SPAN),
    "important over inline": (
        ".t .h {{{hide} !important}}",
        '<span class="h" style="{show}">{n}</span>',
    ),
    "nested with &": (".t {{ & .h {{{hide}}} }}", _SPAN),
    "nested child": ("td {{ color:#333; & > span.h {{{hide}}} }}", _SPAN),
    "nested without &": ("@media screen {{ .t {{ td {{ .h {{{hide}}} }} }} }}", _SPAN),
    "nested & after": (".h {{ {show}; .t & {{{hide}}} }}", _SPAN),
    "child and descendant": ("body > .t td > span.h {{{hide}}}", _SPAN),
    # a state no element is in as the page is read, negated: every element
    "not under the pointer": ("td span:not(:hover) {{{hide}}}", _SPAN),
    "not in focus": (".t .h:not(:active):not(:focus) {{{hide}}}", _SPAN),
    "not a list of states": ("span.h:not(:hover, :focus) {{{hide}}}", _SPAN),
    "not a class under the pointer": ("td span:not(.v:hover) {{{hide}}}", _SPAN),
    "not in focus within": ("td > :not(:focus-within) {{{hide}}}", _SPAN),
    # selectors the translator does not read: withheld and said, never read as shown
    "nth-child of a class": ("td span:nth-child(1 of .h) {{{hide}}}", _SPAN),
    "namespace": ("@namespace x url(http://www.w3.org/1999/xhtml); x|span.h {{{hide}}}", _SPAN),
    "unknown pseudo-class": ("td .h:-webkit-any(span) {{{hide}}}", _SPAN),
}

#: selector forms picking a stale row, table or block (the copy carries `_STALE`)
_STALE = 'class="old" data-x="1"'
WHOLE = {
    "descendant": "body .old {{{hide}}}",
    "attribute present": "[data-x] {{{hide}}}",
    "not": ".old:not(.v) {{{hide}}}",
    "media screen": "@media screen {{ body .old {{{hide}}} }}",
    "important over a later rule": ".old {{{hide} !important}} .old {{{show}}}",
}

#: rules that do not pick the decoy, or are undone: the figure beside the value is seen
SHOWN = {
    "wrong class": ".t .hh {{{hide}}} td > span.x {{{hide}}}",
    "hover": ".t .h:hover {{{hide}}} td:hover span {{{hide}}}",
    "print": "@media print {{ .t .h {{{hide}}} }}",
    "narrow screens": "@media screen and (max-width: 768px) {{ .t .h {{{hide}}} }}",
    "not the class": "td span:not(.h) {{{hide}}}",
    "inline over a rule": ".t .h {{{hide}}}",
    "later more specific show": ".h {{{hide}}} .t td .h {{{show}}}",
    "another table": "#t99 td span {{{hide}}}",
    "important show before": ".t .h {{{show} !important}} .h {{{hide}}}",
    "nested under another class": ".x {{ & .h {{{hide}}} }} .t {{ .hh {{{hide}}} }}",
    "nested show": ".h {{ {hide}; .t & {{{show}}} }}",
}


def _css(template: str, mechanism: str) -> str:
    hide, show = MECHANISMS[mechanism]
    return template.format(hide=hide, show=show)


def _with_ids(table_html):
    """A writer of tables giving each a class `t` and an id t1, t2… (then `table_html`)."""
    count = iter(_TABLE_IDS)

    def write(table: Table, markup: str) -> str:
        markup = markup.replace("<table ", f'<table class="t" id="t{next(count)}" ', 1)
        return table_html(table, markup) if table_html else markup

    return write


def _styled(page: bytes, css: str) -> bytes:
    return page.replace(b"</title>", f"</title><style>{css}</style>".encode(), 1)


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@pytest.mark.parametrize("form", sorted(BESIDE))
def test_a_figure_a_rule_hides_beside_a_value_is_not_read(form: str, mechanism: str):
    """A decoy figure beside a value in its cell, which a rule of each selector form hides
    (display:none, visibility:hidden, white on white, struck through): the value the browser
    shows is read, and the decoy is no digit of it."""
    template, decoy = BESIDE[form]
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"sheet-beside:{form}:{mechanism}:{k}")
        doc, values = _document(rng, fmt, year)
        show = MECHANISMS[mechanism][1]

        def cell(c: GCell, rng: random.Random = rng, show: str = show) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or rng.random() < 0.5:
                return text
            stray = decoy.format(n=rng.randint(0, 120), show=show)
            return stray + text if rng.random() < 0.5 else text + stray

        page = _styled(_page(doc, cell, _with_ids(None)), _css(template, mechanism))
        got = parse_bytes(page, "page.html")
        assert _wrong(got, doc, values) == {}, (fmt, year)
        assert _differences(got, doc, values) == {} or bool(got.flags), (fmt, year)


@pytest.mark.parametrize("mechanism", ["display:none", "visibility:hidden", "strike"])
@pytest.mark.parametrize("where", ["row", "table", "block"])
@pytest.mark.parametrize("form", sorted(WHOLE))
def test_a_stale_copy_a_rule_hides_is_not_read(form: str, where: str, mechanism: str):
    """A stale row, table or block of last year's figures that a rule of each selector form
    hides: the figures the browser shows are read, not the copy's."""
    css = _css(WHOLE[form], mechanism)
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"sheet-whole:{form}:{where}:{mechanism}:{k}")
        doc, values = _document(rng, fmt, year)
        table_html = stale_tables(f"sheet-stale:{k}", fmt, year, where, _STALE, rng)
        got = parse_bytes(_styled(_page(doc, table_html=table_html), css), "page.html")
        assert _wrong(got, doc, values) == {}, (fmt, year)
        assert _differences(got, doc, values) == {} or bool(got.flags), (fmt, year)


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@pytest.mark.parametrize("form", sorted(SHOWN))
def test_a_figure_no_rule_hides_is_read(form: str, mechanism: str):
    """Every value written in a span that a rule does not pick (another class, under the
    pointer, in print, :not its class, another table) or picks and is undone (its own style, a
    later more specific rule): the values are read as the browser shows them."""
    css = _css(SHOWN[form], mechanism)
    show = MECHANISMS[mechanism][1]
    attribute = f'class="h" style="{show}"' if form == "inline over a rule" else 'class="h"'
    for k, (fmt, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"sheet-shown:{form}:{k}"), fmt, year)

        def cell(c: GCell) -> str:
            text = render_html.plain_cell(c)
            return f"<span {attribute}>{text}</span>" if c.key and text else text

        got = parse_bytes(_styled(_page(doc, cell, _with_ids(None)), css), "page.html")
        assert _differences(got, doc, values) == {}, (fmt, year)
        assert not any("readers do not see" in p for p in got.problems)


def test_a_child_that_undoes_visibility_is_seen():
    """`.p {visibility:hidden} .p .c {visibility:visible}`: visibility is inherited and a child
    may undo it; the child's figure is seen, its parent's own text is not. display:none is not
    undone by a child."""
    css = (
        ".p {visibility:hidden} .p .c {visibility:visible} .q {display:none} .q .c {display:inline}"
    )
    page = (
        f"<html><head><style>{css}</style></head><body><table>"
        '<tr><td>甲</td><td><span class="p">9<span class="c">4</span></span></td></tr>'
        '<tr><td>乙</td><td><span class="q">8<span class="c">5</span></span>6</td></tr>'
        "</table></body></html>"
    )
    texts = [t.text for t in html_tokens(page)[0] if t.kind == "cell"]
    assert texts == ["甲", "4", "乙", "6"]


def test_a_sheet_of_thousands_of_complex_rules_is_bounded_and_said():
    """A sheet of 5,000 rules with combinators that may hide: translating and matching each
    would cost seconds a page. Past a bound the page's cells are withheld and the report says
    why, rather than read what a rule may hide."""
    sheet = "".join(f".t{k} td span.c{k} {{display:none}}\n" for k in range(5000))
    cells = "".join(
        f'<tr><td>第{k}行</td><td><span class="c{k}">{k}</span></td></tr>' for k in range(1, 30)
    )
    page = f"<html><head><style>{sheet}</style></head><body><table>{cells}</table></body></html>"
    start = time.process_time()
    tokens, _ = html_tokens(page)
    assert time.process_time() - start < 1.5
    assert all(t.unknown for t in tokens if t.kind == "cell" and t.text.isdigit())


@pytest.mark.parametrize(
    "css", ["tbody .h {display:none}", "table > tr > td > span {visibility:hidden}"]
)
def test_a_rule_on_the_tbody_a_browser_adds_is_not_guessed(css: str):
    """A page that writes no <tbody>: the browser adds one around the rows (so `tbody .h` picks
    the decoy and `table > tr` picks nothing), the tree this parser reads does not. Its
    figures are read as the browser shows them, or withheld and said."""
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"sheet-tbody:{css}:{k}")
        doc, values = _document(rng, fmt, year)

        def cell(c: GCell, rng: random.Random = rng) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or not text:
                return text
            return f'<span class="v">{text}</span><span class="h">{rng.randint(0, 120)}</span>'

        page = _styled(_page(doc, cell), css).replace(b"<tbody>", b"").replace(b"</tbody>", b"")
        got = parse_bytes(page, "page.html")
        assert _wrong(got, doc, values) == {}, (fmt, year)
        assert _differences(got, doc, values) == {} or bool(got.flags), (fmt, year)


@pytest.mark.parametrize("css", [".t .h {display:none}", "td > span[title] {color:#fff}"])
def test_a_page_read_without_its_wrappers_does_not_guess_what_a_rule_picked(css: str):
    """A page nested past libxml2's 2,048 levels is read again without its layout wrappers
    (<div>, <span>, <font>): a rule whose selector steps through them, or picks one by more
    than its classes, no longer picks what it picked in the browser. Its figures are read as
    the browser shows them, or withheld and said."""
    for k, (fmt, year) in enumerate(FORMATS[:2]):
        rng = random.Random(f"sheet-deep:{css}:{k}")
        doc, values = _document(rng, fmt, year)

        def cell(c: GCell, rng: random.Random = rng) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or not text or rng.random() < 0.5:
                return text
            return f'{text}<span class="h" title="x">{rng.randint(0, 120)}</span>'

        page = _deep(_styled(_page(doc, cell, _with_ids(None)), css), "wrappers nested 2,100 deep")
        got = parse_bytes(page, "page.html")
        assert _wrong(got, doc, values) == {}, (fmt, year)
        assert _differences(got, doc, values) == {} or bool(got.flags), (fmt, year)


#: what a sheet may hold around a rule that a browser reads past: a statement at-rule (it ends
#: at its semicolon, and the rule after it applies), the HTML comment marks old pages wrap a
#: sheet in (ignored in a sheet), a media query in the range syntax a desktop screen meets
AROUND = {
    "@charset": '@charset "utf-8"; {rule}',
    "@import": "@import url(/css/site.css);\n{rule}",
    "@namespace": "@namespace url(http://www.w3.org/1999/xhtml); {rule}",
    "@import before @media": '@import "a.css" screen; @media screen {{ {rule} }}',
    "html comment": "<!--\n{rule}\n-->",
    "html comment after a rule": "<!-- .a {{color:#333}}\n{rule} -->",
    "range at least": "@media (width >= 600px) {{ {rule} }}",
    "range between": "@media (800px <= width <= 1600px) {{ {rule} }}",
}
#: sheets whose rule the desktop screen does not apply: a <style> block for print (its media
#: attribute), a media query in the range syntax for phones
NOT_APPLIED = {
    "style for print": '<style media="print">{rule}</style>',
    "style for print and speech": '<style type="text/css" media="print, speech">{rule}</style>',
    "range at most": "<style>@media (width <= 600px) {{ {rule} }}</style>",
    "range under": "<style>@media screen and (width < 768px) {{ {rule} }}</style>",
    "range between for tablets": "<style>@media (600px < width < 1024px) {{ {rule} }}</style>",
}


@pytest.mark.parametrize("around", sorted(AROUND))
def test_a_rule_after_an_at_rule_or_comment_mark_hides_what_it_picks(around: str):
    """A decoy figure a rule hides, written after what a browser reads past: the rule applies,
    and the decoy is no digit of the value (before, `@charset "utf-8"; .t .h {…}` was read as
    one @-block's prelude and the rule lost: 73 for a shown 3)."""
    css = AROUND[around].format(rule=".t .h {display:none}")
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"sheet-around:{around}:{k}")
        doc, values = _document(rng, fmt, year)
        cell = beside_values(rng, '<span class="h">{}</span>', 0.5)
        got = parse_bytes(_styled(_page(doc, cell, _with_ids(None)), css), "page.html")
        assert _wrong(got, doc, values) == {}, (fmt, year)
        assert _differences(got, doc, values) == {} or bool(got.flags), (fmt, year)


@pytest.mark.parametrize("sheet", sorted(NOT_APPLIED))
def test_a_rule_the_desktop_screen_does_not_apply_hides_nothing(sheet: str):
    """Every value in a span a rule hides only in print or on a phone: the values are read
    (before, the rule of a `<style media="print">` block hid every value, with no flag)."""
    style = NOT_APPLIED[sheet].format(rule=".h {display:none}")
    for k, (fmt, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"sheet-not-applied:{sheet}:{k}"), fmt, year)
        page = _page(doc, _drawn_with('<span class="h">{}</span>')).replace(
            b"</title>", f"</title>{style}".encode(), 1
        )
        got = parse_bytes(page, "page.html")
        assert _differences(got, doc, values) == {}, (fmt, year)


#: sheets of font sizes a template sets, beside a rule that hides a decoy: hundreds of menu
#: items sized by selectors with combinators, a table's body sized on a page that writes none
SIZES = {
    "1,200 menu sizes": "".join(f"div.m{k} > ul li.x{k} {{font-size:14px}}\n" for k in range(1200)),
    "tbody sizes": "tbody td {font-size:12px} table > tr > td {font-size:10.5pt; color:#333}",
}


@pytest.mark.parametrize("sizes", sorted(SIZES))
def test_a_sheets_font_sizes_leave_its_page_read(sizes: str):
    """A rule's font size is read where it may give text inside no size its size back; a sheet
    of many such rules, or of ones naming a table's body the page does not write, sets no
    text unseen, and its page is read: the values the browser shows, the decoy a rule hides
    no digit of them, no flag for what the sheet may hide."""
    css = SIZES[sizes] + ".t .h {display:none}"
    for k, (fmt, year) in enumerate(FORMATS[:3]):
        rng = random.Random(f"sheet-sizes:{sizes}:{k}")
        doc, values = _document(rng, fmt, year)
        cell = beside_values(rng, '<span class="h">{}</span>', 0.5)
        page = _styled(_page(doc, cell, _with_ids(None)), css)
        got = parse_bytes(page.replace(b"<tbody>", b"").replace(b"</tbody>", b""), "page.html")
        assert _differences(got, doc, values) == {}, (fmt, year)
        assert "cells_unplaced" not in got.flags


@pytest.mark.parametrize("depth", [40, 1000])
def test_rules_of_descendant_chains_on_a_deeply_nested_page_are_matched_quickly(depth: int):
    """A page whose table stands inside blocks nested `depth` deep, and a sheet of 30 rules
    each a chain of descendant parts (`div div td span.k7`), one hiding a decoy beside each
    value: the decoys are hidden, the values read, in well under a second (each rule stepped
    down from every block it names: 11 s a page 1,000 deep)."""
    sheet = "".join(f"div div td span.k{k} {{color:#fff}}\n" for k in range(29))
    sheet += "body div div td span.h {display:none}"
    rows = "".join(
        f'<tr><td>第{k}行</td><td>{k}<span class="h">{k + 50}</span></td></tr>'
        for k in range(1, 30)
    )
    body = "<div>" * depth + f"<table>{rows}</table>" + "</div>" * depth
    page = f"<html><head><style>{sheet}</style></head><body>{body}</body></html>"
    start = time.process_time()
    tokens, _ = html_tokens(page)
    assert time.process_time() - start < 1.0
    figures = [t.text for t in tokens if t.kind == "cell" and not t.text.startswith("第")]
    assert figures == [str(k) for k in range(1, 30)]


def _read_beside(seed: str, css: str, stray: str, doctype: bytes = b"") -> None:
    """Pages of each format with a decoy figure in `stray` beside half their values, styled by
    `css`, whose rules hide it: the values are read alone."""
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"{seed}:{css}:{k}")
        doc, values = _document(rng, fmt, year)
        cell = beside_values(rng, stray, 0.5)
        page = doctype + _styled(_page(doc, cell, _with_ids(None)), css)
        assert _differences(parse_bytes(page, "page.html"), doc, values) == {}, (fmt, year)


def _read_drawn(seed: str, css: str, wrap: str, doctype: bytes = b"") -> None:
    """Pages of each format with every value in `wrap`, styled by `css`, whose rules leave it
    seen: the values are read."""
    for k, (fmt, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"{seed}:{css}:{k}"), fmt, year)
        page = doctype + _styled(_page(doc, _drawn_with(wrap), _with_ids(None)), css)
        assert _differences(parse_bytes(page, "page.html"), doc, values) == {}, (fmt, year)


#: rules naming the classes or ids of the page's elements in another case
OTHER_CASE = [
    ".H {display:none}",
    ".t .Old {visibility:hidden}",
    ", ".join(f"#T{k} td span" for k in range(1, 8)) + " {color:#fff}",
]


@pytest.mark.parametrize(
    "doctype", [b"", b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">']
)
@pytest.mark.parametrize("css", OTHER_CASE)
def test_a_quirks_page_s_rule_picks_its_classes_whatever_their_case(css: str, doctype: bytes):
    """A page without a doctype (or with an old loose one) is read by a browser in quirks
    mode, where a selector's classes and ids pick the page's whatever their case: `.H` hides
    `<span class="h">`. The decoys it hides are no digit of the values."""
    _read_beside("sheet-quirks", css, '<span class="h old">{}</span>', doctype)


@pytest.mark.parametrize("css", OTHER_CASE[:2])
def test_a_standards_page_s_rule_picks_only_its_classes_of_the_same_case(css: str):
    """A page with the HTML5 doctype: `.H` does not pick `<span class="h">`, the values in
    such spans are read."""
    _read_drawn("sheet-standards", css, '<span class="h old">{}</span>', b"<!DOCTYPE html>")


#: rules that put a decoy off the page, or cut it away: a box placed far off by its offset, its
#: margin or a transform, its text indented away, clipped to nothing
OFF_PAGE = [
    ".h {position:absolute; left:-9999px}",
    ".h {position:absolute; margin-left:-9999px}",
    ".h {position:absolute; text-indent:-9999px}",
    ".h {display:inline-block; transform:translateX(-9999px)}",
    ".h {position:absolute; transform:translate(-10000px, 0)}",
    ".h {position:fixed; top:-10000px}",
    ".h {clip-path:inset(100%)}",
]
#: rules that move a figure a little, or a transform an inline box does not take: it is seen
ON_PAGE = [
    ".h {transform:translateX(-9999px)}",
    ".h {position:absolute; margin-left:-20px}",
    ".h {text-indent:-9999px}",
    ".h {display:inline-block; transform:translate(-12px, 2px)}",
]


@pytest.mark.parametrize("css", OFF_PAGE)
def test_a_figure_a_rule_puts_off_the_page_is_not_read(css: str):
    """A decoy figure beside a value that a rule puts off the page: the value is read alone."""
    _read_beside("sheet-off", css, '<span class="h">{}</span>')


@pytest.mark.parametrize("css", ON_PAGE)
def test_a_figure_a_rule_leaves_on_the_page_is_read(css: str):
    """Every value in a span a rule moves a little, or transforms as an inline box does not
    take it: the values are read."""
    _read_drawn("sheet-on", css, '<span class="h">{}</span>')


#: rules that show what the hidden attribute hides: the browser's own `[hidden] {display:none}`
#: gives way to any rule of the page's that sets a display
SHOWN_HIDDEN = [
    "[hidden] {display:inline}",
    "span[hidden] {display:inline-block !important}",
    ".h[hidden] {display:initial}",
    "td [hidden] {display:unset}",
]


@pytest.mark.parametrize("css", SHOWN_HIDDEN)
def test_a_value_in_a_hidden_element_a_rule_shows_is_read(css: str):
    """Every value in `<span hidden>` that a rule shows: the values are read (before, every
    one was taken as hidden, the cells blank, with no flag)."""
    _read_drawn("sheet-hidden-shown", css, '<span class="h" hidden>{}</span>')


@pytest.mark.parametrize("css", ["[hidden] {display:revert}", "[hidden] {color:#333}"])
def test_a_decoy_in_a_hidden_element_a_rule_leaves_hidden_is_not_read(css: str):
    """A decoy in `<span hidden>` beside a value, a rule reverting its display to the
    browser's or setting none: it stays hidden, and the value is read alone."""
    _read_beside("sheet-hidden-kept", css, "<span hidden>{}</span>")


@pytest.mark.parametrize("where", ["row", "table", "block"])
@pytest.mark.parametrize(
    "css", [".old {color:#fff}", "tr.old, table.old, div.old {color:white}", ".old {color:#eee}"]
)
def test_a_stale_copy_a_rule_whitens_is_not_read(css: str, where: str):
    """A stale row, table or block of last year's figures that a rule sets white: its cells
    inherit the colour, unstyled themselves. The figures the browser shows are read, not
    the copy's (before, both were read: the rows twice, withheld)."""
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"sheet-white-copy:{css}:{where}:{k}")
        doc, values = _document(rng, fmt, year)
        table_html = stale_tables(f"sheet-stale:{k}", fmt, year, where, 'class="old"', rng)
        got = parse_bytes(_styled(_page(doc, table_html=table_html), css), "page.html")
        assert _differences(got, doc, values) == {}, (fmt, year)


@pytest.mark.parametrize(
    "css", [".t {color:#fff; background:#1f4e79}", ".t {color:#fff} .t td {color:#000}"]
)
def test_a_table_a_rule_whitens_on_a_fill_or_under_a_darker_cell_is_read(css: str):
    """A table set white on a dark fill, or white with its cells set black: the values are
    read."""
    _read_drawn("sheet-white-shown", css, "{}")


@pytest.mark.parametrize(
    "form",
    [
        "div > div div > div span.k{k}",
        "div + div > div span.k{k}",
        "div ~ div span.k{k}",
        "body div > div ~ div td > span.k{k}",
    ],
)
def test_rules_of_child_and_sibling_chains_on_a_deeply_nested_page_are_matched_quickly(form: str):
    """A page whose table stands inside blocks nested 1,000 deep, each beside another, and 30
    rules of chains of child, sibling and descendant parts that hide a decoy beside each
    value: the decoys hidden, the values read, in well under a second (each element a
    descendant part stepped back to was stepped back from again: 6 s a page)."""
    sheet = "".join(form.format(k=k) + " {display:none}\n" for k in range(1, 30))
    rows = "".join(
        f'<tr><td>第{k}行</td><td>{k}<span class="k{k}">{k + 50}</span></td></tr>'
        for k in range(1, 30)
    )
    body = "<div>x</div><div>" * 500 + "<div>" * 2 + f"<table>{rows}</table>" + "</div>" * 502
    page = f"<html><head><style>{sheet}</style></head><body>{body}</body></html>"
    start = time.process_time()
    tokens, _ = html_tokens(page)
    assert time.process_time() - start < 1.0
    figures = [t.text for t in tokens if t.kind == "cell" and not t.text.startswith("第")]
    assert figures == [str(k) for k in range(1, 30)]


def test_chains_of_combinators_pick_what_cssselect_picks():
    """The selectors of chains of descendant, child and sibling parts are matched otherwise
    than cssselect writes them (for speed on deep pages): on random trees they pick the same
    elements, in the same order."""
    rng = random.Random("chains")
    tags = ["div", "span", "td", "p"]

    def tree(depth: int) -> etree._Element:
        element = etree.Element(rng.choice(tags))
        if name := rng.choice(["a", "b", ""]):
            element.set("class", name)
        for _ in range(rng.randint(0, 3) if depth else 0):
            element.append(tree(depth - 1))
        return element

    for _ in range(1500):
        root = etree.Element("html")
        etree.SubElement(root, "body").append(tree(6))
        parts = [rng.choice([*tags, "*"]) + rng.choice(["", ".a", ".b"]) for _ in range(4)]
        selector = parts[0] + "".join(f" {rng.choice(' >+~')} {p}" for p in parts[1:])
        path, _, _ = _translated(selector)
        assert path is not None
        css_path = HTMLTranslator().css_to_xpath(selector, prefix="descendant-or-self::")
        assert list(path(root)) == root.xpath(css_path), selector
