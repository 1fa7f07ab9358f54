"""Report pages in a government portal's frame, under its theme's style sheet (portal_themes).

A rule whose selector the translator cannot read picks what its widened form picks, and less:
where that reaches no figure of the page (the frame's menus, carousel, footer) it hides none,
and the report is read; where it reaches the tables (a cell, a span in one, a block around
them) the figures are withheld and said, or read as the browser shows them. A light text colour
written on a row, a table or a block around a stale copy is its cells', as a rule's is.
"""

from __future__ import annotations

import random

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.portal_themes import FRAMES, in_portal, portal_sheet
from gx_pipeline_tests.test_cell_markup import _page, beside_values, stale_tables
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document, _wrong
from gx_pipeline_tests.test_style_sheets import MECHANISMS, _css, _styled

_THEMES = range(48)


@pytest.mark.parametrize("frame", sorted(FRAMES))
@pytest.mark.parametrize("themes", [_THEMES[k::6] for k in range(6)], ids=range(6))
def test_a_portal_theme_s_rules_for_its_frame_leave_the_report_read(themes, frame: str):
    """48 theme sheets (rules a browser hides, whitens or strikes the frame's text by, some of
    selectors the translator cannot read) around pages of each format: every value is read,
    and the page is not flagged for its sheet (before, every page was withheld)."""
    for theme in themes:
        css = portal_sheet(random.Random(f"theme:{theme}"))
        for k, (fmt, year) in enumerate(FORMATS):
            doc, values = _document(random.Random(f"portal:{theme}:{k}"), fmt, year)
            got = parse_bytes(in_portal(_page(doc), css, frame), "page.html")
            assert _differences(got, doc, values) == {}, (theme, fmt, year)
            assert not any("selectors of its style sheet" in p for p in got.problems)


def _right_or_said(got, doc, values, page) -> None:
    """No number read otherwise than the page shows it, and any not read is said."""
    assert _wrong(got, doc, values) == {}, page
    assert _differences(got, doc, values) == {} or bool(got.flags), page


#: rules of selectors the translator cannot read that reach the decoy figure beside a value
#: (`<span class="n h">`), each written as a theme writes its rules
_SPAN = '<span class="n h" data-x="1" title="x">{}</span>'
REACHING = [
    "td span:nth-child(1 of .h) {{{hide}}}",
    ".article-content td :-webkit-any(.h) {{{hide}}}",
    ".main td :-webkit-any(.h, .hh) {{{hide}}}",
    "@namespace x url(http://www.w3.org/1999/xhtml); x|span.h {{{hide}}}",
    "@namespace x url(http://www.w3.org/1999/xhtml); x|td > .h {{{hide}}}",
    "@namespace x url(http://www.w3.org/1999/xhtml); *|*.h {{{hide}}}",
    "table :-webkit-any(td, th) > .h {{{hide}}}",
    "body:-webkit-any(body) .h {{{hide}}}",
    ".h:-webkit-any(span) {{{hide}}}",
    "td > :nth-last-child(1 of .h) {{{hide}}}",
    "td > :nth-child(1 of [data-x]) {{{hide}}}",
    ":is(td, th) .h:-webkit-any(.n) {{{hide}}}",
    "span:not(:-webkit-any(.v)) {{{hide}}}",
    ".article-content :-moz-any(.h) {{{hide}}}",
    "tr > td:-webkit-any(td) span.h {{{hide}}}",
    "td :-webkit-any(.h):not(.v) {{{hide}}}",
    ":-webkit-any(.t, .article-content, .main) .h {{{hide}}}",
    "td span.h:nth-child(-n+3 of .n) {{{hide}}}",
    "@supports selector(:-webkit-any(a)) {{ td .h:-webkit-any(span) {{{hide}}} }}",
    "@media screen {{ td :nth-child(1 of .h) {{{hide}}} }}",
]


@pytest.mark.parametrize("frame", sorted(FRAMES))
@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@pytest.mark.parametrize("rule", REACHING)
def test_an_unread_rule_reaching_a_figure_in_a_portal_is_never_read_past(
    rule: str, mechanism: str, frame: str
):
    """A theme's sheet and a rule of a selector the translator cannot read, which hides a
    decoy figure beside a value: no number is wrong, and what is not read is said."""

    def page(doc, rng: random.Random, k: int) -> bytes:
        return _page(doc, beside_values(rng, _SPAN, 0.5))

    _read_in_portal(f"portal-decoy:{rule}:{mechanism}", _css(rule, mechanism), page, frame)


def _read_in_portal(seed: str, css: str, page, frame: str | None = None) -> None:
    """Pages of each format written by `page(doc, rng, k)` in a portal's frame (each frame in
    turn where none is given), under a theme's sheet and `css`: no number is wrong, and any
    not read is said."""
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"{seed}:{k}")
        doc, values = _document(rng, fmt, year)
        sheet = portal_sheet(rng) + "\n" + css
        framed = in_portal(page(doc, rng, k), sheet, frame or sorted(FRAMES)[k % 2])
        _right_or_said(parse_bytes(framed, "page.html"), doc, values, (fmt, year))


#: rules of selectors the translator cannot read that reach a stale copy (`class="old"`): the
#: table, a block around it or the row
REACHING_COPY = [
    ".old:-webkit-any(table, div, tr) {{{hide}}}",
    "@namespace x url(http://www.w3.org/1999/xhtml); x|*.old {{{hide}}}",
    ".article-content :nth-child(1 of .old), .main :nth-child(1 of .old) {{{hide}}}",
    ":-webkit-any(.article-content, .main) .old {{{hide}}}",
    "[data-x]:-webkit-any(*) {{{hide}}}",
]


@pytest.mark.parametrize("where", ["row", "table", "block"])
@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@pytest.mark.parametrize("rule", REACHING_COPY)
def test_an_unread_rule_reaching_a_stale_copy_in_a_portal_is_never_read_past(
    rule: str, mechanism: str, where: str
):
    """A stale copy of a table, a block or a row that a rule of a selector the translator
    cannot read hides, in a portal's frame: no number is wrong, and what is not read is
    said."""

    def page(doc, rng: random.Random, k: int) -> bytes:
        fmt, year = FORMATS[k]
        stale = stale_tables(f"sheet-stale:{k}", fmt, year, where, 'class="old" data-x="1"', rng)
        return _page(doc, table_html=stale)

    _read_in_portal(f"portal-copy:{rule}:{mechanism}:{where}", _css(rule, mechanism), page)


#: a light text colour written in the style of a stale copy's table, block or row, with what
#: else an editor's style holds beside it
INLINE_LIGHT = [
    'style="color:#fff"',
    'style="color:white"',
    'style="COLOR: #FFFFFF"',
    "style='color:#fff;'",
    'style="color:#eee"',
    'style="color:#f0f0f0"',
    'style="color: rgb(255, 255, 255)"',
    'style="color:#fdfdfd; font-size:12px"',
    'style="border:0; color:#ddd"',
    'style="color:#e0e0e0"',
    'style="color:snow"',
    'style="color:lightgrey"',
    'style="color:whitesmoke"',
    'style="color:#fafafa;text-align:center"',
    'style="font-family:宋体;color:#e8e8e8"',
    'style="color:#fff !important"',
    'style="color:ivory"',
    'style="color:hsl(0, 0%, 95%)"',
    'style="COLOR:#EFEFEF"',
    'style="color:#f5f5f5"',
]


@pytest.mark.parametrize("where", ["row", "table", "block"])
@pytest.mark.parametrize("style", INLINE_LIGHT)
def test_a_stale_copy_whitened_by_its_own_style_is_not_read(style: str, where: str):
    """A stale row, table or block of last year's figures whose own style sets a light text
    colour, its cells setting none, on the white page: the cells inherit it, as they do a
    rule's, and the figures the browser shows are read, not the copy's (before, a colour
    short of white was read as shown: both copies' rows, withheld)."""
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"inline-white-copy:{style}:{where}:{k}")
        doc, values = _document(rng, fmt, year)
        table_html = stale_tables(f"sheet-stale:{k}", fmt, year, where, style, rng)
        got = parse_bytes(_page(doc, table_html=table_html), "page.html")
        assert _differences(got, doc, values) == {}, (fmt, year)


@pytest.mark.parametrize(
    "style",
    [
        'style="color:#fff;background:#1f4e79"',
        'style="color:#eee" bgcolor="#333333"',
        'style="color:#f0f0f0;background-color:navy"',
    ],
)
def test_a_table_in_a_light_colour_on_a_dark_fill_of_its_own_is_read(style: str):
    """A table whose own style sets a light text colour on a dark fill it paints: the values
    are read."""
    for k, (fmt, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"inline-white-shown:{style}:{k}"), fmt, year)

        def table_html(table, markup: str) -> str:
            return markup.replace("<table ", f"<table {style} ", 1)

        got = parse_bytes(_page(doc, table_html=table_html), "page.html")
        assert _differences(got, doc, values) == {}, (fmt, year)


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
@pytest.mark.parametrize(
    "rule", ["x|td > .h", "x|td > span.h", "td > x|span.h", "x|tr x|td > .h", "x|td + x|td > .h"]
)
def test_a_namespace_s_chain_is_withheld_not_a_crash(rule: str, mechanism: str):
    """A chain of a namespace's selectors (`x|td > .h`), which hides a decoy beside a value:
    no number is wrong, and what is not read is said (before, the chain passed the
    translator's trial, and its XPath failed on the page: the parse crashed)."""
    css = f"@namespace x url(http://www.w3.org/1999/xhtml); {_css(rule + ' {{{hide}}}', mechanism)}"
    for k, (fmt, year) in enumerate(FORMATS):
        rng = random.Random(f"namespace-chain:{rule}:{mechanism}:{k}")
        doc, values = _document(rng, fmt, year)
        got = parse_bytes(_styled(_page(doc, beside_values(rng, _SPAN, 0.5)), css), "page.html")
        _right_or_said(got, doc, values, (fmt, year))
