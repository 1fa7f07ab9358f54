"""The tests of a style that the tokenizer's XSLT makes in one call each: whether a cell's
element's style may hide or pale its text (the cheap test before the XSLT judges whether it is
seen), and whether a style hides its element (display:none, visibility:hidden, any case and
spacing).

Word styles every row, cell, paragraph and span of a table, and the XSLT tests each of them.
Each call must say exactly what the XPath it stands for says (a contains() of each word; a
contains() in the translate() that reads the style in small letters without spaces): for the
first, an element it passes over is never
judged at all, and one it lets through wrongly is judged by a test written for the elements
that pass. Styles are drawn from a family: the declarations Word, CMS editors and hand-written
pages set, in every casing and spacing, with the list's words set in, cut short or split.
"""

from __future__ import annotations

import random

from lxml import etree

from gx_pipeline.parsing import tokens as tk

#: declarations as pages write them: Word's, editors', hiding and colouring ones
DECLARATIONS = (
    "font-size:10.0pt", "font-family:宋体", "mso-bidi-font-family:宋体", "color:black",
    "text-align:center", "mso-line-height-rule:exactly", "border:none", "display:none",
    "DISPLAY: NONE", "visibility:hidden", "VISIBILITY:HIDDEN", "Visibility:Hidden",
    "font-size:0", "FONT-SIZE: 0px", "font-size: 0", "color:#fff", "COLOR:#FFFFFF",
    "color:white", "color:WHITE", "color:White", "color:rgb(255,255,255)",
    "COLOR: RGB(250, 250, 250)", "color:#ddd", "background:#eee", "line-height:150%",
    "mso-border-alt:solid windowtext .5pt", "layout-grid-mode:char", "width:60pt",
    "color:Gb(1,2,3)", "oNe:1", "iDDen", "fFf", "hItE", "Display : None", "display:\tnone",
    "display:\u00a0none", "visibility:hid den", "display:noneX", "DISPLAY:block",
    "disp lay:NONE", "visibility: collapse", "mso-hide:all",
)  # fmt: skip


def _styles(rng: random.Random, count: int) -> list[str]:
    words = tk._MAY_BE_UNSEEN_WORDS
    styles = []
    for _ in range(count):
        parts = rng.sample(DECLARATIONS, rng.randint(1, 4))
        if rng.random() < 0.3:
            word = rng.choice(words)
            cut = rng.randint(1, len(word))
            # a word of the list whole, cut short, or split by a space
            parts.append(rng.choice((word, word[:cut], word[:cut] + " " + word[cut:])))
        styles.append(rng.choice((";", "; ", " ;")).join(parts))
    return styles


#: the XPath each call stands for (how the XSLT read a style before)
BY_CONTAINS = " or ".join(f"contains(@style, '{w}')" for w in tk._MAY_BE_UNSEEN_WORDS)
_LOWERED = f"translate(@style, '{tk._UPPER}', '{tk._UPPER[:26].lower()}')"
BY_TRANSLATE = f"contains({_LOWERED}, 'display:none') or contains({_LOWERED}, 'visibility:hidden')"


def _says_what_the_xpath_says(call, xpath: str, seed: int, least: int) -> None:
    """`call` answers as the XPath on an element of the style, for each style of the family;
    the family holds styles of both answers, `least` of each at least."""
    styles = _styles(random.Random(seed), 3000)
    found = 0
    for style in styles:
        expected = bool(etree.Element("span", style=style).xpath(f"boolean({xpath})"))
        assert call(None, style) is expected, style
        found += expected
    assert least < found < len(styles) - least


def test_the_one_call_test_says_what_each_words_contains_says():
    _says_what_the_xpath_says(tk._may_be_unseen, BY_CONTAINS, 7, 300)


def test_the_one_call_hiding_test_says_what_the_translated_style_says():
    _says_what_the_xpath_says(tk._hides, BY_TRANSLATE, 11, 200)


def test_a_cells_element_the_test_passes_over_keeps_its_text():
    """A page whose cells hold styled elements of both kinds: the XSLT writes the white figure
    between unseen marks and leaves Word's styled spans as they are."""
    cells = "".join(
        f'<td><p style="text-align:center"><span style="font-size:10.0pt;color:black">'
        f'{n}</span></p><span style="color:#fff">{n + 1}</span></td>'
        for n in range(5)
    )
    page = f"<html><body><table><tr>{cells}</tr></table></body></html>"
    tokens, head = tk.html_tokens(page)
    assert [t.text for t in tokens if t.kind == tk.CELL] == [str(n) for n in range(5)]
    assert head.unseen == " ".join(str(n + 1) for n in range(5))


def test_hidden_rows_and_cells_keep_their_places_whatever_the_casing_of_their_style():
    """A table whose rows and cells are hidden by styles written in any case and spacing: the
    browser shows neither, and the cells after a hidden cell keep their numbers."""
    rng = random.Random(3)
    hiding = ("display:none", "DISPLAY: NONE", "Visibility : Hidden", "display:\tnone")
    shown = ("border:solid windowtext 1.0pt", "DISPLAY: block", "visibility:visible")
    rows = []
    for r in range(6):
        row_hidden = r % 3 == 2
        cells = "".join(
            f'<td style="{rng.choice(hiding if c == 1 else shown)}">{r}{c}</td>' for c in range(3)
        )
        style = rng.choice(hiding if row_hidden else shown)
        rows.append(f'<tr style="{style}">{cells}</tr>')
    page = f"<html><body><table>{''.join(rows)}</table></body></html>"
    tokens, _head = tk.html_tokens(page)
    cells = [(t.tr, t.td, t.text) for t in tokens if t.kind == tk.CELL]
    assert cells == [(r + 1, c + 1, f"{r}{c}") for r in range(6) if r % 3 != 2 for c in (0, 2)]
