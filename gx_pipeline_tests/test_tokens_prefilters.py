"""The substring tests the HTML reader runs on a page's markup before the tree's work they
spare: cheaper forms of them must answer as the plain tests of each casing did, on the
casings editors write and on ones they do not."""

from __future__ import annotations

import itertools
import random

from gx_pipeline.parsing.tokens import _names_line_through, html_tokens

#: how pages write the strike keyword: small letters, capitals (old IE markup), a title
#: casing, and casings no editor writes but a hand may (the test must not find more in them)
_CASINGS = (
    "line-through",
    "LINE-THROUGH",
    "Line-Through",
    "line-Through",
    "Line-through",
    "line-tHrough",
    "LINE-through",
    "line-THROUGh",
    "line-trough",
)
#: where the keyword stands in the markup: an element's style, a <style> rule, the prose
_PLACES = (
    '<td><span style="text-decoration:{}">9</span>6</td>',
    "<style>.old {{text-decoration: {}}}</style><td>6</td>",
    "<td>6</td><p>{} 说明</p>",
)


def _page(place: str, word: str, rng: random.Random) -> str:
    prose = "".join(
        rng.choice("政府信息公开工作年度报告申请办理") for _ in range(rng.randint(0, 400))
    )
    return f"<html><body><p>{prose}</p><table><tr><td>a</td>{place.format(word)}</tr></table></body></html>"


def test_line_through_is_found_in_each_casing_as_three_plain_searches_found_it():
    rng = random.Random(7)
    for word, place in itertools.product(_CASINGS, _PLACES):
        markup = _page(place, word, rng)
        plain = "through" in markup or "THROUGH" in markup or "Through" in markup
        assert _names_line_through(markup) == plain, (word, place)
    assert not _names_line_through(_page(_PLACES[0], "none", rng))


def test_a_number_struck_in_each_casing_editors_write_is_left_out():
    rng = random.Random(11)
    for word in ("line-through", "LINE-THROUGH", "Line-Through", "line-Through"):
        tokens, head = html_tokens(_page(_PLACES[0], word, rng))
        assert [t.text for t in tokens if t.table] == ["a", "6"], word
        assert head.struck == "9", word
