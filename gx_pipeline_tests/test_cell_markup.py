"""What the markup inside and around a web page's table cells does to the numbers a reader sees.

Each test draws many pages of one family from the page generator (both format versions,
several years, values blank or not) and writes every value cell through markup real CMS
editors and Word exports produce: a number beside text no reader sees (display:none, the hidden
attribute, visibility:hidden, a font of no size, white on white), a number broken over two
lines of its cell, hidden rows and tables holding another copy of the figures. A number the
page does not show must never be read into a cell; a number the reader sees on two lines is no
number.
"""

from __future__ import annotations

import html
import random
from collections.abc import Callable

import pytest

from gx_pipeline.pagegen import render_html
from gx_pipeline.pagegen.layout import Document, GCell, Para, Table
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.tokens import html_tokens
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document, _wrong

#: the ways pages keep text in the markup that no reader sees
HIDING = {
    "display:none": 'style="display:none"',
    "DISPLAY: none": 'style="DISPLAY: none"',
    "hidden attribute": "hidden",
    "visibility:hidden": 'style="visibility:hidden"',
    "font-size:0": 'style="font-size:0"',
    "font-size:0px": 'style="font-size:0px;line-height:0"',
    "white": 'style="color:#FFFFFF"',
    "white on white": 'style="color: white; background-color: #fff"',
    "Word hidden text": "style='display:none;mso-hide:all'",
}


def _page(
    doc: Document,
    cell_html: Callable[[GCell], str] = render_html.plain_cell,
    table_html: Callable[[Table, str], str] | None = None,
    *,
    word: bool = False,
) -> bytes:
    """The document as a page whose value cells are written by `cell_html` (Word's cell
    markup around it with `word`) and whose tables by `table_html(table, its markup)`."""

    def cell(c: GCell) -> str:
        inner = cell_html(c)
        if not word:
            return inner
        return (
            "<p class=MsoNormal align=center style='text-align:center'><span "
            f"style='font-size:10.0pt;font-family:宋体'>{inner}<o:p></o:p></span></p>"
        )

    parts = [f"<html><head><title>{html.escape(doc.meta.title)}</title></head><body>"]
    for block in doc.blocks:
        if isinstance(block, Para):
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        markup = render_html.html_table(block, cell_html=cell)
        parts.append(table_html(block, markup) if table_html else markup)
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


#: how a page's markup goes past what the usual reading takes: a collapsed menu of hidden
#: blocks nested a thousand deep (libxslt refuses the tree: the tables are walked in Python),
#: and the report inside layout wrappers nested past libxml2's 2,048 levels (the tree loses
#: the tables: the page is read again without its wrappers)
_DEPTHS = {
    "hidden menu nested 1,200 deep": lambda body: (
        '<div style="display:none">' * 1200 + "栏目导航" + "</div>" * 1200 + body
    ),
    "wrappers nested 2,100 deep": lambda body: (
        '<div class="w">' * 1050 + "<span>" * 1050 + body + "</span>" * 1050 + "</div>" * 1050
    ),
}


def _deep(page: bytes, depth: str | None) -> bytes:
    """The page nested as `depth` says (as it is, for None)."""
    if depth is None:
        return page
    text = page.decode("utf-8")
    head, _, rest = text.partition("<body>")
    body, _, tail = rest.rpartition("</body>")
    return f"{head}<body>{_DEPTHS[depth](body)}</body>{tail}".encode()


def beside_values(rng: random.Random, stray: str, share: float) -> Callable[[GCell], str]:
    """A writer of value cells that puts a figure (0-120, into the `stray` markup's {}) before
    or after the value of `share` of them."""

    def cell(c: GCell) -> str:
        text = render_html.plain_cell(c)
        if c.key is None or rng.random() >= share:
            return text
        figure = stray.format(rng.randint(0, 120))
        return figure + text if rng.random() < 0.5 else text + figure

    return cell


# --- text no reader sees beside a cell's number ---------------------------------------------


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("word", [False, True], ids=["cms", "word"])
@pytest.mark.parametrize("hiding", sorted(HIDING))
def test_a_number_hidden_beside_a_cells_number_is_no_digit_of_it(
    hiding: str, word: bool, depth: str | None
):
    """An editor keeps last year's figure (or a check sum) in the cell beside this year's, in
    a span no reader sees: `<span style="display:none">7</span>3` shows 3, and the cell's text
    runs the two into 73. The hidden text is left out, and said; on a page nested too deep
    for the usual reading too (its other readings ran the two into 73)."""
    attribute = HIDING[hiding]
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"hidden-in-cell:{hiding}:{word}:{k}" + (f":{depth}" if depth else ""))
        doc, values = _document(rng, template, year)

        cell = beside_values(rng, f"<span {attribute}>{{}}</span>", 0.4)
        got = parse_bytes(_deep(_page(doc, cell, word=word), depth), "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert any("readers do not see" in p for p in got.problems)


_PAINTED = {
    "cell bgcolor": ("<td", '<td bgcolor="#1f4e79"'),
    "row style": ("<tr>", '<tr style="background-color: #C00000">'),
    "table style": ("<table ", '<table style="background:#333" '),
}


@pytest.mark.parametrize("painted", sorted(_PAINTED))
def test_a_white_number_on_a_coloured_cell_is_read(painted: str):
    """White text is unseen only on white: a figure drawn white on a cell, row or table the
    page colours (a highlighted total) is what the reader sees, and is read."""
    old, new = _PAINTED[painted]
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"white-on-colour:{painted}:{k}")
        doc, values = _document(rng, template, year)

        def cell(c: GCell) -> str:
            text = render_html.plain_cell(c)
            return f'<span style="color:#fff">{text}</span>' if c.key and text else text

        page = _page(doc, cell, lambda table, markup: markup.replace(old, new))
        got = parse_bytes(page, "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("readers do not see" in p for p in got.problems)


def _with_stale_copy(markup: str, old: str, where: str, attribute: str, rng: random.Random) -> str:
    """A table's markup with a stale copy (`old`) hidden by `attribute`: the whole copy, on the
    table or a block around it, before or after the table; or one of its last two rows among
    the table's own, for `where` "row"."""
    if where != "row":
        hidden = (
            old.replace("<table ", f"<table {attribute} ", 1)
            if where == "table"
            else f"<div {attribute}>{old}</div>"
        )
        return hidden + "\n" + markup if rng.random() < 0.5 else markup + "\n" + hidden
    old_rows = [line for line in old.splitlines() if line.startswith("<tr>")][-2:]
    lines = markup.splitlines()
    at = rng.randrange(3, len(lines) - 1)
    stale_row = rng.choice(old_rows).replace("<tr>", f"<tr {attribute}>", 1)
    return "\n".join(lines[:at] + [stale_row] + lines[at:])


def stale_tables(
    seed: str, template: str, year: int, where: str, attribute: str, rng: random.Random
) -> Callable[[Table, str], str]:
    """A writer of tables that puts a stale copy of each (drawn from `seed`), hidden by
    `attribute`, beside it or among its rows (see _with_stale_copy)."""
    stale_doc, _ = _document(random.Random(seed), template, year)
    stale = {b.section: b for b in stale_doc.blocks if isinstance(b, Table)}

    def table_html(table: Table, markup: str) -> str:
        old = render_html.html_table(stale[table.section])
        return _with_stale_copy(markup, old, where, attribute, rng)

    return table_html


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("hiding", ["font-size:0", "white", "font-size:0px", "display:none"])
@pytest.mark.parametrize("where", ["table", "block", "row"])
def test_a_copy_no_reader_sees_of_a_table_or_row_is_not_read(
    hiding: str, where: str, depth: str | None
):
    """A stale copy of a table (or of some of its rows, with last year's figures) kept in the
    page in white or in a font of no size, on the table, on a block around it or on the row,
    beside the table the reader sees: it is left out as a copy styled display:none is, and
    the shown figures are read; on a page nested too deep for the usual reading too."""
    attribute = HIDING[hiding]
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"unseen-copy:{hiding}:{where}:{k}" + (f":{depth}" if depth else ""))
        doc, values = _document(rng, template, year)
        table_html = stale_tables(f"stale:{k}", template, year, where, attribute, rng)
        got = parse_bytes(_deep(_page(doc, table_html=table_html), depth), "page.html")
        assert _differences(got, doc, values) == {}, (template, year)


# --- a number broken over two lines of its cell ---------------------------------------------

_LINES = {
    "br": "{a}<br>{b}",
    "p": "<p>{a}</p><p>{b}</p>",
    "div": "<div>{a}</div><div>{b}</div>",
    "p in spans": "<p><span>{a}</span></p><p><span lang=EN-US>{b}</span></p>",
}


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("form", sorted(_LINES))
def test_digits_on_two_lines_of_a_cell_are_no_number(form: str, depth: str | None):
    """`1<br>2`, `<p>1</p><p>2</p>`: the browser shows 1 over 2 (two figures, or a figure and
    a note's number), the cell's text ran them into 12. Digits on two lines of a cell are no
    number; the page's other cells are read. So on a page nested too deep for the usual
    reading (where libxslt refuses the tree, the walk in Python ran them into 12 still)."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"two-lines:{form}:{k}" + (f":{depth}" if depth else ""))
        doc, values = _document(rng, template, year)
        broken: set[tuple[str, str, str]] = set()

        def cell(c: GCell, rng: random.Random = rng, broken: set = broken) -> str:
            text = render_html.plain_cell(c)
            between_digits = [i for i in range(1, len(text)) if text[i - 1 : i + 1].isdigit()]
            if c.key is None or not between_digits or rng.random() < 0.5:
                return text
            broken.add(c.key)
            at = rng.choice(between_digits)
            return _LINES[form].format(a=text[:at], b=text[at:])

        got = parse_bytes(_deep(_page(doc, cell), depth), "page.html")
        assert broken
        wrong = _wrong(got, doc, values)
        assert not wrong.keys() & broken, (template, year)
        read = {(c.section, c.row, c.col): c.value for c in got.cells}
        assert all(read.get(key) is None for key in broken), (template, year)


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("form", ["{a}<br>", "<p>{a}</p>", "<p>{a}</p><p>&nbsp;</p>", "{a}<br>件"])
def test_a_number_on_one_line_of_its_cell_is_read(form: str, depth: str | None):
    """A line break after the number, or an empty paragraph under it (Word), leaves one
    number on the cell's lines: read, on a page nested too deep for the usual reading too."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"one-line:{form}:{k}" + (f":{depth}" if depth else ""))
        doc, values = _document(rng, template, year)

        def cell(c: GCell) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or not text[:1].isdigit() or c.key[2] == "amount":
                return text
            return form.format(a=text)

        got = parse_bytes(_deep(_page(doc, cell), depth), "page.html")
        assert _differences(got, doc, values) == {}, (template, year)


_STRAY_FORMS = {
    "paragraph": "<span {attribute}><p>{n}</p></span>",
    "line break closing nothing": "<span {attribute}>{n}</br></span>",
    "paragraph closing nothing": "<font {attribute}>{n}</p></font>",
}


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("form", sorted(_STRAY_FORMS))
@pytest.mark.parametrize("hiding", ["font-size:0", "white", "font-size:0px"])
def test_a_hidden_figure_on_a_line_of_its_own_is_no_digit_of_the_cells_number(
    hiding: str, form: str, depth: str | None
):
    """The hidden figure beside a cell's number in a paragraph of its own, or before a line
    break that closes nothing (Word, CMS editors): the line break is no text of it, so it is
    a figure no reader sees (it read 73 where the reader sees 3)."""
    attribute = HIDING[hiding]
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"hidden-line-in-cell:{hiding}:{form}:{depth}:{k}")
        doc, values = _document(rng, template, year)

        def cell(c: GCell, rng: random.Random = rng) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or rng.random() < 0.6:
                return text
            return _STRAY_FORMS[form].format(attribute=attribute, n=rng.randint(0, 120)) + text

        got = parse_bytes(_deep(_page(doc, cell), depth), "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert any("readers do not see" in p for p in got.problems)


# --- text hidden by a style sheet's rule, or by an inline style of another kind ---------------

#: the declarations that leave a reader nothing to see, other than display:none and the others
#: of HIDING: moved off the page, clipped away, transparent, given no room, indented out
HIDING_DECLARATIONS = {
    "display:none": "display:none",
    "visibility:hidden": "visibility: hidden",
    "font-size:0": "font-size:0px",
    "off-screen left": "position:absolute;left:-9999px",
    "off-screen top": "position: absolute; top: -10000px",
    "clip rect": "position:absolute;clip:rect(0 0 0 0)",
    "clip rect commas": "position:absolute;width:1px;overflow:hidden;clip:rect(0,0,0,0)",
    "clip-path": "position:absolute;clip-path:inset(50%)",
    "opacity:0": "opacity:0",
    "color:transparent": "color:transparent",
    "zero size": "display:inline-block;width:0;height:0;overflow:hidden",
    "text-indent": "display:inline-block;text-indent:-9999px;overflow:hidden",
}


def _styled(hiding: str, by_class: bool, rng: random.Random) -> tuple[str, str]:
    """A <style> block (empty for an inline style) and the attributes that hide by it: the
    class among others (`class="t3 gone"`), as CMS templates write it."""
    declarations = HIDING_DECLARATIONS[hiding]
    if not by_class:
        return "", f'style="{declarations}"'
    name = rng.choice(["gone", "hid", "x-old"])
    selector = rng.choice([f".{name}", f"span.{name}, div.{name}, tr.{name}, table.{name}"])
    css = f".other {{color:#333}}\n{selector} {{ {declarations}; }}\n"
    return f'<style type="text/css">{css}</style>', f'class="t{rng.randint(1, 9)} {name}"'


@pytest.mark.parametrize("where", ["beside", "line of its own", "row", "table", "block"])
@pytest.mark.parametrize("by_class", [False, True], ids=["inline", "class"])
@pytest.mark.parametrize("hiding", sorted(HIDING_DECLARATIONS))
def test_a_number_a_style_hides_is_not_read(hiding: str, by_class: bool, where: str):
    """A figure a reader does not see because a style hides it: by a <style> rule that picks its
    class (`.h {display:none}` then `<td><span class="h">5</span>7</td>`: the reader sees 7,
    the cell's text was 57), or by an inline style that moves it off the page, clips it away,
    makes it transparent or gives it no room. Beside a cell's number, on a line of its own in
    the cell, on a stale row or on a stale copy of a table: the figures the reader sees are
    read, and a hidden one in a cell is said."""
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"style-hidden:{hiding}:{by_class}:{where}:{k}")
        doc, values = _document(rng, template, year)
        style, attribute = _styled(hiding, by_class, rng)
        stale_doc, _ = _document(random.Random(f"style-stale:{k}"), template, year)
        stale = {b.section: b for b in stale_doc.blocks if isinstance(b, Table)}

        def cell(c: GCell, rng: random.Random = rng, attribute: str = attribute) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or rng.random() < 0.6:
                return text
            tag = "span" if where == "beside" else "div"
            stray = f"<{tag} {attribute}>{rng.randint(0, 120)}</{tag}>"
            return stray + text if rng.random() < 0.5 else text + stray

        def table_html(
            table: Table,
            markup: str,
            rng: random.Random = rng,
            stale: dict = stale,
            attribute: str = attribute,
        ) -> str:
            old = render_html.html_table(stale[table.section])
            return _with_stale_copy(markup, old, where, attribute, rng)

        in_cells = where in ("beside", "line of its own")
        page = _page(doc, cell) if in_cells else _page(doc, table_html=table_html)
        page = page.replace(b"</title>", b"</title>" + style.encode(), 1)
        got = parse_bytes(page, "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        if in_cells:
            assert any("readers do not see" in p for p in got.problems)


#: styles that hide nothing a reader of the screen misses: a class that colours or bolds, a
#: rule that hides only under the pointer or in print, a later rule or the element's own style
#: that shows it again, a rule for another tag, and inline styles near the hiding ones
SHOWING = {
    "colour and bold": (".v {color:#c00; font-weight:bold}", 'class="v"'),
    "hidden on hover": (".v:hover {display:none} .t:hover .v {opacity:0}", 'class="v"'),
    "hidden in print": ("@media print { .v {display:none; visibility:hidden} }", 'class="v"'),
    "shown by a later rule": (".v {display:none}\n.v {display:inline}", 'class="v"'),
    "shown by its own style": (".v {visibility:hidden}", 'class="v" style="visibility:visible"'),
    "hidden as another tag": ("div.v {display:none}", 'class="v"'),
    "menu hidden by class": (".menu {display:none}", ""),
    "opacity 0.8": ("", 'style="opacity:0.8"'),
    "small offset": ("", 'style="position:relative;left:-5px;top:-2px"'),
    "room of its own": ("", 'style="display:inline-block;width:60px;overflow:hidden"'),
    "indented": ("", 'style="text-indent:2em"'),
    "clip that shows": ("", 'style="position:absolute;clip:rect(0 100px 20px 0)"'),
    "indent of an inline span": ("", 'style="text-indent:-9999px"'),
}


@pytest.mark.parametrize("showing", sorted(SHOWING))
def test_a_number_a_style_shows_is_read(showing: str):
    """Every value cell's number in a span whose style hides nothing from the screen (and a
    menu hidden by its class outside the tables): the numbers are read as without the style,
    and nothing is said to be unseen."""
    css, attribute = SHOWING[showing]
    for k, (template, year) in enumerate(FORMATS):
        doc, values = _document(random.Random(f"style-shown:{showing}:{k}"), template, year)

        def cell(c: GCell) -> str:
            text = render_html.plain_cell(c)
            return f"<span {attribute}>{text}</span>" if c.key and text else text

        page = _page(doc, cell).replace(b"</title>", f"</title><style>{css}</style>".encode(), 1)
        page = page.replace(b"<body>", '<body><ul class="menu"><li>栏目 12</li></ul>'.encode(), 1)
        got = parse_bytes(page, "page.html")
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("readers do not see" in p for p in got.problems)


@pytest.mark.parametrize("rule", ["color:#333", "border:none;padding:0", "display:none"])
def test_a_style_sheet_of_thousands_of_classes_is_read(rule):
    """A spreadsheet or a site builder writes a rule for each of thousands of classes (.xl1,
    .xl2 …). The elements a class rule picks were found by one XPath test of every name joined
    by `or`, which libxml2 refused past ~4,500 names (XPathEvalError: the page lost as a parser
    error); each picked element was matched against every rule (60 ms a page of 600 .xlN rules).
    The page reads as the same page without the style sheet, but for the cell its rules hide."""
    names = 6000
    sheet = "".join(f".c{k}{{{rule}}}" for k in range(names))
    cells = "".join(
        f'<tr><td class="c{k * 997 % names}">第{k}行</td><td class="c{k}">{k}</td></tr>'
        for k in range(1, 30)
    )
    page = f"<html><head><style>{sheet}</style></head><body><table>{cells}</table></body></html>"
    bare = page.replace(f"<style>{sheet}</style>", "")
    texts = [t.text for t in html_tokens(page)[0] if t.kind == "cell"]
    if rule == "display:none":
        assert not any(text.isdigit() for text in texts)
    else:
        assert texts == [t.text for t in html_tokens(bare)[0] if t.kind == "cell"]
