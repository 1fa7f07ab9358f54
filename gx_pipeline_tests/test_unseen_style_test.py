"""The cheap test of a cell's element's style before the XSLT judges whether its text is seen.

Word styles every paragraph and span of a table's cells, and the tokenizer's XSLT tests each
of them; the test is one call that asks whether the style holds any of a list of words. It
must say exactly what a contains() of each word says: an element it passes over is never
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
    "color:Gb(1,2,3)", "oNe:1", "iDDen", "fFf", "hItE",
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


def _by_contains(style: str) -> bool:
    """The test as a contains() of each word (how the XSLT's pattern read it before)."""
    test = " or ".join(f"contains(@style, '{w}')" for w in tk._MAY_BE_UNSEEN_WORDS)
    element = etree.Element("span", style=style)
    return bool(element.xpath(f"boolean({test})"))


def test_the_one_call_test_says_what_each_words_contains_says():
    rng = random.Random(7)
    styles = _styles(rng, 3000)
    found = 0
    for style in styles:
        expected = _by_contains(style)
        assert tk._may_be_unseen(None, style) is expected, style
        found += expected
    # the family holds styles of both answers, in numbers
    assert 300 < found < len(styles) - 300


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
