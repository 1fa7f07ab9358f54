"""Text in a web page's table cell drawn in a colour too close to what it stands on.

An editor keeps last year's figure beside this year's in a span drawn white (or near-white,
or light grey) on a cell, row, table or block painted light grey: the browser shows only the
value, the cell's text runs the two together. White on a dark fill (a coloured header band, a
highlighted total) is seen. Each test draws pages of the generator's family (both format
versions, several years) with every value cell written through one such variant.
"""

from __future__ import annotations

import random

import pytest

from gx_pipeline.pagegen import render_html
from gx_pipeline.pagegen.layout import GCell
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_cell_markup import _DEPTHS, _deep, _page, beside_values
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document

#: fills a reader sees white text on, and fills it does not
LIGHT_FILLS = ("#eeeeee", "#F2F2F2", "rgb(238, 238, 238)", "#EEE", "whitesmoke")
DARK_FILLS = ("#1f4e79", "#C00000", "#333", "navy", "rgb(0,112,192)")
#: how the fill is painted: on which element, by which markup
WHERE = ("td", "tr", "table", "div")
HOW = ("background", "background-color", "bgcolor")
#: text drawn in a colour that does not show on a light fill (each with the markup around it)
FAINT_INKS = {
    "#ffffff": '<span style="color:#ffffff">{}</span>',
    "#fff": '<span style="COLOR: #FFF">{}</span>',
    "#fefefe": '<span style="color:#fefefe">{}</span>',
    "rgb(250,250,250)": '<span style="color: rgb(250, 250, 250)">{}</span>',
    "white": '<span style="font-size:10pt;color:white">{}</span>',
    "font white": '<font color="#FFFFFF">{}</font>',
    "#ddd": '<span style="color:#ddd">{}</span>',
}


def _painted(fill: str, where: str, how: str):
    """The page's tables with `fill` painted by `how` on every `where` (for "class", `fill`
    is the class's name)."""
    paint = {"bgcolor": f'bgcolor="{fill}"', "class": f'class="{fill}"'}.get(
        how, f'style="{how}:{fill}"'
    )

    def table_html(table, markup: str) -> str:
        if where == "div":
            return f"<div {paint}>{markup}</div>"
        if where == "table":
            return markup.replace("<table ", f"<table {paint} ", 1)
        return markup.replace(f"<{where}", f"<{where} {paint}")

    return table_html


def faint_pages(fill: str, where: str, how: str, ink: str, seed: str):
    """(page, document, values) for each format: half the value cells hold a figure drawn in
    `ink` beside their value, on tables painted `fill` by `how` on every `where`."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"faint:{seed}:{fill}:{where}:{how}:{ink}:{k}")
        doc, values = _document(rng, template, year)

        cell = beside_values(rng, FAINT_INKS[ink], 0.5)
        yield _page(doc, cell, _painted(fill, where, how)), doc, values


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("fill", LIGHT_FILLS)
def test_a_figure_in_white_on_a_light_fill_is_no_digit_of_the_value(fill, where, how):
    """`<td style="background:#eee"><span style="color:#fff">5</span>7</td>` shows 7: the
    white 5 is left out, and said, whatever near-white the page writes."""
    for ink in FAINT_INKS:
        for page, doc, values in faint_pages(fill, where, how, ink, "beside"):
            got = parse_bytes(page, "page.html")
            assert _differences(got, doc, values) == {}, (ink, doc.meta.title)
            assert any("readers do not see" in p for p in got.problems), ink


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("fill", DARK_FILLS)
def test_a_white_value_on_a_dark_fill_is_read(fill, where, how):
    """White (or near-white) on a dark fill is what the reader sees: a value drawn so is read,
    and nothing is said of it. (A browser paints no bgcolor on a <div>: white there stands on
    the paper, and is left out.)"""
    if (where, how) == ("div", "bgcolor"):
        pytest.skip("no fill: the white-on-paper tests' case")
    for ink in ("#ffffff", "#fff", "#fefefe", "rgb(250,250,250)", "white", "font white"):
        for k, (template, year) in enumerate(FORMATS):
            rng = random.Random(f"faint:dark:{fill}:{where}:{how}:{ink}:{k}")
            doc, values = _document(rng, template, year)

            def cell(c: GCell, ink: str = ink) -> str:
                text = render_html.plain_cell(c)
                return FAINT_INKS[ink].format(text) if c.key and text else text

            got = parse_bytes(_page(doc, cell, _painted(fill, where, how)), "page.html")
            assert _differences(got, doc, values) == {}, (ink, template, year)
            assert not any("readers do not see" in p for p in got.problems), ink


@pytest.mark.parametrize("depth", sorted(_DEPTHS))
def test_a_page_nested_too_deep_judges_faint_text_alike(depth):
    """A page nested past what the usual reading takes (walked in Python, or read again
    without its wrappers) judges alike: a figure in white or light grey beside a value on
    light grey is left out and said."""
    for ink in FAINT_INKS:
        for page, doc, values in faint_pages("#eeeeee", "tr", "background", ink, depth):
            got = parse_bytes(_deep(page, depth), "page.html")
            assert _differences(got, doc, values) == {}, (ink, doc.meta.title)
            assert any("readers do not see" in p for p in got.problems), ink


#: a page's style sheet: a fill and two text colours it gives by class
_CLASS_CSS = "<style>.fill {background:%s} .ink {color: #FFF} td.pale {color:#fefefe}</style>"


@pytest.mark.parametrize("ink", ["class", "style"])
@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("fill", ["#eeeeee", "#1f4e79"])
def test_colours_a_style_sheet_gives_by_class_are_judged_alike(fill, where, ink):
    """The fill (on the cell, row, table or a block around it) set by a class in the page's
    <style>, the text colour by a class or the span's style: white beside a value on the light
    fill is left out and said; a value drawn white on the dark fill is read."""
    stray = '<span class="ink">{}</span>' if ink == "class" else FAINT_INKS["#fff"]
    light = fill == "#eeeeee"
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"faint-class:{fill}:{where}:{ink}:{k}")
        doc, values = _document(rng, template, year)
        if light:
            cell = beside_values(rng, stray, 0.5)
        else:

            def cell(c: GCell) -> str:
                text = render_html.plain_cell(c)
                return stray.format(text) if c.key and text else text

        page = _page(doc, cell, _painted("fill", where, "class"))
        page = page.replace(b"<head>", b"<head>" + (_CLASS_CSS % fill).encode())
        got = parse_bytes(page, "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert any("readers do not see" in p for p in got.problems) == light
