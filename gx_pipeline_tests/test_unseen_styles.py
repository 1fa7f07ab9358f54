"""What a style's declarations mean for whether a web page's figure is seen.

A figure kept beside a cell's value (last year's, a check sum) in a span no reader sees is no
digit of the value, whatever way of writing the style makes it unseen: a colour with no alpha
(`rgba(0,0,0,0)`, `#fff0`), white written as hsl(), as rgb() of the space syntax or as one of
CSS's light names, the text's fill made transparent, upper-case properties, a font too small
to read, a scale or an opacity next to zero, a box of no height that hides what overflows it,
dark text on a dark fill; set inline or by a class of the page's style sheet. The figures a
reader does see stay read: light grey that still stands out from white, light text on a dark
fill, a clip on an element that is not positioned (CSS clips only those), half an opacity, a
scale on an inline span (CSS transforms only boxes). Each test draws pages of the generator's
family (both format versions, several years).
"""

from __future__ import annotations

import random

import pytest

from gx_pipeline.pagegen import render_html
from gx_pipeline.pagegen.layout import GCell, Table
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.tokens import _INLINE_HIDING_WORDS, names_inline_hiding
from gx_pipeline.trust import NEEDS_REVIEW, assess
from gx_pipeline_tests.test_cell_markup import _deep, _page, _with_stale_copy, beside_values
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document

#: declarations that leave a figure unseen on a page's white
UNSEEN = {
    "rgba(0,0,0,0)": "color:rgba(0,0,0,0)",
    "rgba white no alpha": "color:rgba(255, 255, 255, .0)",
    "#ffffff00": "color:#ffffff00",
    "#fff0": "color:#fff0",
    "hsl white": "color:hsl(0,0%,100%)",
    "hsla white": "color: hsla(0, 0%, 100%, 1)",
    "rgb space syntax": "color:rgb(255 255 255)",
    "rgb slash alpha": "color:rgb(0 0 0 / 0)",
    "text fill transparent": "-webkit-text-fill-color:transparent",
    "text fill white": "-webkit-text-fill-color:#fff",
    "snow": "color:snow",
    "ivory": "color:ivory",
    "ghostwhite": "color:ghostwhite",
    "mintcream": "color:mintcream",
    "azure": "color: Azure",
    "upper case": "COLOR:#FFF",
    "upper case name": "COLOR: WHITE",
    "font-size:1px": "font-size:1px",
    "font-size:0.1em": "font-size:0.1em",
    "font-size:1%": "font-size:1%",
    "scale(0)": "display:inline-block;transform:scale(0)",
    "scale(0.01)": "display:inline-block;transform: scale(0.01)",
    "opacity:0.01": "opacity:0.01",
    "height:0": "display:inline-block;height:0;overflow:hidden",
    "max-height:0": "display:inline-block;max-height:0px;overflow:hidden",
    "line-height:0": "display:inline-block;line-height:0;overflow:hidden",
    "text-indent": "display:inline-block;width:2em;text-indent:9999px;overflow:hidden",
    "black on black": "color:#000;background:#000",
    "font shorthand 0/0": "font:0/0 a",
    "font shorthand 1px": "font: 1px/1 Arial, sans-serif",
    "font shorthand upper case": "FONT: 0px/0 SimSun",
    "clip rect 1px": "position:absolute;clip:rect(1px, 1px, 1px, 1px)",
    "clip rect a pixel": "position: absolute !important; clip: rect(0 1px 1px 0)",
    "#111 on #222": "color:#111;background-color:#222",
}
#: markup that leaves a figure ({}) unseen otherwise than by its own style
UNSEEN_MARKUP = {
    "currentcolor in white": (
        '<span style="color:#fff"><span style="color:currentcolor">{}</span></span>'
    ),
    "font white on a white cell": '<font color="snow">{}</font>',
    # a size relative to no size (em, %, inherit, larger) is no size; 2px is still a speck
    "font-size:0 around 1.2em": '<span style="font-size:0"><b style="font-size:1.2em">{}</b></span>',
    "font-size:0 around 150%": '<span style="font-size:0"><b style="font-size:150%">{}</b></span>',
    "font-size:0 around inherit": (
        '<span style="font-size:0"><b style="font-size:inherit">{}</b></span>'
    ),
    "font-size:0 around larger": (
        '<span style="FONT-SIZE: 0px"><b style="font-size: larger">{}</b></span>'
    ),
    "font-size:0 around 2px": '<span style="font-size:0"><b style="font-size:2px">{}</b></span>',
}
#: a style sheet and markup that leave a figure ({}) unseen: a size the sheet gives a figure
#: inside an element of no size that gives it none of its own
UNSEEN_BY_SHEET = {
    "em inside no size": (
        ".z {font-size:0} .z b {font-size:1.2em}",
        '<span class="z"><b>{}</b></span>',
    ),
    "percent inside a speck": (
        ".z {font-size:1px} .z b {font-size:120%}",
        '<span class="z"><b>{}</b></span>',
    ),
}
#: a style sheet and markup that let a value ({}) be seen: a readable size inside no size
SEEN_BY_SHEET = {
    "px inside a speck": (
        ".z {font-size:1px} .z b {font-size:12px}",
        '<span class="z"><b>{}</b></span>',
    ),
    "rem inside no size": (
        ".z {font-size:0} .z b {font-size:1rem}",
        '<span class="z"><b>{}</b></span>',
    ),
    "keyword inside no size": (
        "td .z {font-size:0} b {font-size:medium}",
        '<span class="z"><b>{}</b></span>',
    ),
    "pt by id inside no size": (
        ".z {font-size:0} #v {font-size:10.5pt}",
        '<span class="z"><b id="v">{}</b></span>',
    ),
}
#: declarations a figure (the cell's value itself) drawn with is seen
SEEN = {
    "#ccc": "color:#ccc",
    "#999": "color:#999",
    "clip unpositioned": "clip:rect(0 0 0 0)",
    "clip relative": "position:relative;clip:rect(0,0,0,0)",
    "opacity .5": "opacity:.5",
    "scale inline": "transform:scale(0)",
    "font-size:9px": "font-size:9px",
    "font-size:0.8em": "font-size:0.8em",
    "half black": "color:rgba(0,0,0,.5)",
    "hsl grey": "color:hsl(0, 0%, 40%)",
    "height:0 overflowing": "display:inline-block;height:0",
    "light on dark": "color:#eee;background:#333",
    "upper case black": "COLOR:BLACK",
    "named dark": "color:teal",
    "font shorthand 12px": "font:12px/1.5 SimSun",
    "font shorthand bold": "font: bold 14px Arial",
    "font shorthand weight then size": "font: 700 10.5pt/0 宋体",
    "font shorthand then a size": "font:0/0 a;font-size:12px",
    "clip a region": "position:absolute;clip:rect(0 100px 20px 0)",
}
#: a figure seen though a style around it would hide it: its own size, its own colour
SEEN_MARKUP = {
    "font-size:0 around a sized figure": (
        '<span style="font-size:0"><span style="font-size:12px">{}</span></span>'
    ),
    "white around a black figure": (
        '<span style="color:#fff"><span style="color:#000">{}</span></span>'
    ),
}


def _with_class(page: bytes, declarations: str) -> bytes:
    """The page with a style sheet that gives class `dx` the `declarations`, its tables painted
    white (a text colour from a class is judged only on a fill found: another rule may paint
    what it stands on)."""
    page = page.replace(b"<table ", b'<table style="background:#fff" ')
    return page.replace(b"<head>", f"<head><style>.dx {{{declarations}}}</style>".encode(), 1)


def _pages(stray: str, seed: str, css: str = ""):
    """(page, document, values) for each format, a figure in `stray` beside 40% of values."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"unseen-style:{seed}:{k}")
        doc, values = _document(rng, template, year)
        page = _page(doc, beside_values(rng, stray, 0.4))
        yield (_with_class(page, css) if css else page), doc, values


def _span(declarations: str, how: str) -> str:
    """A span around a figure ({}) given `declarations` by its style ("inline") or its class."""
    return (
        f'<span style="{declarations}">{{}}</span>'
        if how == "inline"
        else '<span class="dx">{}</span>'
    )


def _read_as_shown(got, doc, values) -> None:
    """The values the browser shows, each read or withheld on a page that needs review."""
    differences = _differences(got, doc, values)
    if assess(got).status == NEEDS_REVIEW:
        differences = {k: d for k, d in differences.items() if d[1] is not None}
    assert differences == {}


@pytest.mark.parametrize("how", ["inline", "class"])
@pytest.mark.parametrize("form", sorted(UNSEEN))
def test_a_figure_a_style_leaves_unseen_is_no_digit_of_the_value(form, how):
    declarations = UNSEEN[form]
    stray = _span(declarations, how)
    for page, doc, values in _pages(
        stray, f"{form}:{how}", "" if how == "inline" else declarations
    ):
        got = parse_bytes(page, "page.html")
        _read_as_shown(got, doc, values)
        assert any("readers do not see" in p for p in got.problems), form


@pytest.mark.parametrize("form", sorted(UNSEEN_MARKUP))
def test_a_figure_its_markup_leaves_unseen_is_no_digit_of_the_value(form):
    for page, doc, values in _pages(UNSEEN_MARKUP[form], form):
        got = parse_bytes(page, "page.html")
        _read_as_shown(got, doc, values)
        assert any("readers do not see" in p for p in got.problems), form


@pytest.mark.parametrize("form", sorted(UNSEEN_BY_SHEET))
def test_a_figure_a_sheet_sizes_relative_to_no_size_is_no_digit_of_the_value(form):
    """A figure beside a value, in an element of no size (or a speck) whose child the sheet
    sizes in em or %: relative to nothing, still nothing to read."""
    css, markup = UNSEEN_BY_SHEET[form]
    for page, doc, values in _pages(markup, f"sheet:{form}"):
        page = page.replace(b"<head>", f"<head><style>{css}</style>".encode(), 1)
        got = parse_bytes(page, "page.html")
        _read_as_shown(got, doc, values)
        assert any("readers do not see" in p for p in got.problems), form


FILLS = {
    "body bgcolor": lambda page: page.replace(b"<body>", b'<body bgcolor="teal">'),
    "body style": lambda page: page.replace(b"<body>", b'<body style="BACKGROUND: teal">'),
    "wrapper": lambda page: page.replace(b"<body>", b'<body><div style="background:teal">'),
}


@pytest.mark.parametrize("fill", sorted(FILLS))
def test_a_figure_in_the_colour_of_a_fill_around_the_table_is_unseen(fill):
    """The page (or a block around the tables) painted teal, a figure drawn teal beside a
    value: the reader sees the value only."""
    for page, doc, values in _pages('<span style="color:teal">{}</span>', f"fill:{fill}"):
        got = parse_bytes(FILLS[fill](page), "page.html")
        _read_as_shown(got, doc, values)
        assert any("readers do not see" in p for p in got.problems), fill


#: a row of last year's figures kept in the table with each of its cells unseen
UNSEEN_CELLS = {
    "td white": ("<td", '<td style="color:#fff"'),
    "td upper white": ("<td", '<td style="COLOR:#FFFFFF"'),
    "td black on black": ("<td", '<td style="color:#000;background:#000"'),
}


@pytest.mark.parametrize("depth", [None, "hidden menu nested 1,200 deep"])
@pytest.mark.parametrize("form", sorted(UNSEEN_CELLS))
def test_a_row_whose_cells_are_unseen_is_not_read(form, depth):
    """A stale row among the table's own, every one of its cells drawn white on the page's
    white (or black on black): the reader sees an empty row, and the table's values; on a
    page nested too deep for the usual reading too (its test of the row named the XSLT's own
    function where no XPath knew it: the page was lost to an XPathEvalError)."""
    old, new = UNSEEN_CELLS[form]
    for k, (template, year) in enumerate(FORMATS[:2] if depth else FORMATS):
        rng = random.Random(f"unseen-cells:{form}:{k}")
        doc, values = _document(rng, template, year)
        stale_doc, _ = _document(random.Random(f"stale:{k}"), template, year)
        stale = {b.section: b for b in stale_doc.blocks if isinstance(b, Table)}

        def table_html(table: Table, markup: str, rng=rng, stale=stale) -> str:
            old_markup = render_html.html_table(stale[table.section]).replace(old, new)
            return _with_stale_copy(markup, old_markup, "row", "", rng)

        got = parse_bytes(_deep(_page(doc, table_html=table_html), depth), "page.html")
        _read_as_shown(got, doc, values)


def _drawn_with(markup: str):
    def cell(c: GCell) -> str:
        text = render_html.plain_cell(c)
        return markup.format(text) if c.key and text else text

    return cell


@pytest.mark.parametrize("how", ["inline", "class"])
@pytest.mark.parametrize("form", sorted(SEEN))
def test_a_value_drawn_so_a_reader_sees_it_is_read(form, how):
    declarations = SEEN[form]
    markup = _span(declarations, how)
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"seen-style:{form}:{how}:{k}")
        doc, values = _document(rng, template, year)
        page = _page(doc, _drawn_with(markup))
        got = parse_bytes(_with_class(page, declarations) if how == "class" else page, "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("readers do not see" in p for p in got.problems), form


@pytest.mark.parametrize("form", sorted(SEEN_MARKUP))
def test_a_value_its_markup_lets_a_reader_see_is_read(form):
    for k, (template, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"seen-markup:{form}:{k}"), template, year)
        got = parse_bytes(_page(doc, _drawn_with(SEEN_MARKUP[form])), "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("readers do not see" in p for p in got.problems), form


@pytest.mark.parametrize("form", sorted(SEEN_BY_SHEET))
def test_a_value_a_sheet_sizes_inside_no_size_is_read(form):
    """Every value in an element a rule sets in no size (or a speck) whose child another rule
    sets in a size a reader reads (px, pt, rem, a keyword): the child's size is its own, and
    the values are read (before, every one was lost with no flag)."""
    css, markup = SEEN_BY_SHEET[form]
    for k, (template, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"seen-sheet:{form}:{k}"), template, year)
        page = _page(doc, _drawn_with(markup))
        got = parse_bytes(
            page.replace(b"<head>", f"<head><style>{css}</style>".encode(), 1), "x.html"
        )
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("readers do not see" in p for p in got.problems), form


#: rules a template sets on every span of its tables without hiding them, on a page whose
#: sheet hides something else (its menus): they pick a span an inline style hides
UNDOING_RULES = {
    "display": ".menu {display:none} td span {display:inline}",
    "font size": ".menu {display:none} td span {font-size:12px}",
    "visibility": ".menu {visibility:hidden} span {visibility:visible}",
}


@pytest.mark.parametrize("rules", sorted(UNDOING_RULES))
@pytest.mark.parametrize(
    "form", ["opacity:0.01", "font-size:1px", "scale(0)", "height:0", "rgba(0,0,0,0)"]
)
def test_a_figure_its_style_hides_is_unseen_whatever_rules_pick_it(form, rules):
    """A figure beside a value in a span whose own style hides it, on a page whose sheet
    hides its menus and sets every span's display, size or visibility: the span's own style
    wins over those rules, and the figure is no digit of the value (before, an element a
    rule that does not hide picked was not read for its own style: 75 for a shown 5)."""
    stray = _span(UNSEEN[form], "inline")
    for page, doc, values in _pages(stray, f"undoing:{form}:{rules}"):
        page = page.replace(b"<head>", f"<head><style>{UNDOING_RULES[rules]}</style>".encode(), 1)
        got = parse_bytes(page.replace(b"<body>", b'<body><div class="menu">m</div>'), "x.html")
        _read_as_shown(got, doc, values)


def _near_words(rng: random.Random) -> str:
    """Markup of a style attribute's pieces: the words that may hide text whole, cut short,
    with a letter changed, split by a CJK character or a space, at the start or the end of
    the text; some pages hold none of them."""
    pieces = []
    for _ in range(rng.randint(0, 12)):
        word = rng.choice(_INLINE_HIDING_WORDS)
        cut = rng.randint(0, len(word))
        pieces.append(
            rng.choice(
                [
                    word if rng.random() < 0.15 else word[:cut],
                    word[cut:],
                    word[:cut] + rng.choice("中 x;:-(0") + word[cut:],
                    word[:cut] + word[cut + 1 :],
                    word.swapcase(),
                    rng.choice(['<td style="', '">', "年度报告", "font-size:12px", "-", ":", "("]),
                ]
            )
        )
    return "".join(pieces)


def test_the_markup_test_for_hiding_words_finds_a_word_where_a_substring_test_does():
    """The markup is searched for the words of an inline style that may hide text from a mark
    each holds (a colon, a bracket, a dash), not word by word: it finds one on exactly the
    pages that hold one, wherever it stands and whatever stands next to it."""
    rng = random.Random("hiding-words")
    held = 0
    for _ in range(20000):
        markup = _near_words(rng)
        expected = any(word in markup for word in _INLINE_HIDING_WORDS)
        assert names_inline_hiding(markup) is expected, markup
        held += expected
    assert 2000 < held < 18000  # both kinds of page drawn
