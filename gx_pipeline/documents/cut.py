"""A table row cut by a page break: one row, two rows, or no telling.

Word, WPS and LibreOffice let a table row break across pages: the lines of its cells that fit
stay at the bottom of the page, the rest open the next page as a row of its own, blank where a
cell was already whole (`7.属于行` + values, then `政执法案卷` over blank cells). Read as two
rows, the second one's label names a row of the report by its core and its blank cells become
that row's values: a wrong number. A browser does the same with a row taller than the space
left on the page.

The first row on the next page is the rest of the cut row only where every one of its cells
stands exactly under a cell the cut ends (the same borders), and the words say so: a piece of
the last row's label that names no row by itself or names it only in part, completed by the
piece below. Two whole rows (each label naming a row, or a column holding a value on both
sides) are two rows. Anything else is not certain: neither row is read, and the reader says
so, instead of giving a value to a row that may not be its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from gx_pipeline.parsing import labels
from gx_pipeline.parsing.values import is_value_text

#: points two borders may differ by and still be the same column's
ALIGN = 2.5

JOIN = "join"
TWO_ROWS = "two rows"
UNCERTAIN = "uncertain"


@dataclass
class Piece:
    """A table cell as the cut sees it: its text and its left and right borders."""

    text: str
    x0: float
    x1: float


def decide(last: list[Piece], first: list[Piece]) -> tuple[str, list[int] | None]:
    """How `first` (the first row on the next page) relates to the cells `last` that the page
    break cut (every cell of the table that reaches the page's end, left to right).

    Returns (JOIN, where) with the index in `last` of each cell of `first`, or (TWO_ROWS, None),
    or (UNCERTAIN, None)."""
    where = _aligned(last, first)
    if where is None:
        # a row with other borders is not the rest of the cut one: another table or layout
        return TWO_ROWS, None
    if not any(p.text for p in first):
        return JOIN, where  # the page break's empty remainder: nothing to join
    pairs = [(last[k].text, p.text) for k, p in zip(where, first, strict=True) if p.text]
    if any(a and is_value_text(a) and is_value_text(b) for a, b in pairs):
        # a column with a value on both sides: a value is never cut into two lines' pieces
        return TWO_ROWS, None
    texts = [(a, b) for a, b in pairs if not is_value_text(b)]
    values = [(a, b) for a, b in pairs if is_value_text(b)]
    if texts and all(a and _whole(a) and _whole(b) and _names(a) != _names(b) for a, b in texts):
        # each piece is a whole label naming a row (or heading, header) of its own: two rows
        return TWO_ROWS, None
    if values and not texts and all(a and not is_value_text(a) and _whole(a) for a, _ in values):
        # whole labels or header words above, values below: a cell never holds both
        return TWO_ROWS, None
    if (
        texts
        and all(a and not _whole(a) and _exact(a + b) for a, b in texts)
        and not any(a for a, _ in values)
    ):
        # each piece above completed by the one below into a row's label word for word: the
        # template's wording tells the cut, whatever the piece below names by itself (the
        # tail `府信息公开申请数量` of `二、上年结转政` reads like a column header)
        return JOIN, where
    if (
        texts
        # the cut shows: a piece above that is not a whole label by itself
        and any(a and not _whole(a) for a, _ in texts)
        # and every piece joined to the one above it names something
        and all(_names(a + b) is not None for a, b in texts)
        # that neither piece names otherwise
        and all(
            _names(a) in (None, _names(a + b)) and _names(b) in (None, _names(a + b))
            for a, b in texts
        )
        # values move only into cells the cut row leaves empty
        and not any(a for a, _ in values)
    ):
        return JOIN, where
    return UNCERTAIN, None


def _aligned(last: list[Piece], first: list[Piece]) -> list[int] | None:
    """The index in `last` of the cell standing exactly above each cell of `first`."""
    where = []
    for p in first:
        k = next(
            (
                k
                for k, q in enumerate(last)
                if abs(q.x0 - p.x0) <= ALIGN and abs(q.x1 - p.x1) <= ALIGN
            ),
            None,
        )
        if k is None or k in where:
            return None
        where.append(k)
    return where


def _names(text: str) -> str | None:
    """What a cell's text names by itself: a row of section 二 or 三, a group, a heading, a
    block title, a column header; None for a piece that names nothing."""
    if not text:
        return None
    if is_value_text(text):
        return "value"
    if (m := labels.match_request(text)) is not None:
        return f"requests.{m.code}"
    if (m := labels.match_proactive(text)) is not None:
        return f"proactive.{m.code}"
    if labels.is_results_total(text, results_seen=False):
        return "requests.results_total"
    if labels.is_request_group(text):
        return "group:" + labels.bare(text)
    if labels.is_other_leaf(text):
        return "other"
    if (section := labels.heading_section(text)) is not None:
        return "heading:" + section
    if (block := labels.block_title(text)) is not None:
        return "block:" + block
    if labels.is_header_word(text) or labels.is_tally_note(labels.norm(text)):
        return "header"
    return None


def _whole(text: str) -> bool:
    """A text that is a whole label: it names a row with the template's own wording, or a
    group, heading, block title or header in full."""
    if not text:
        return False
    named = _names(text)
    if named is None:
        return False
    if named.startswith("requests.") and named != "requests.results_total":
        m = labels.match_request(text)
        return m is not None and m.exact
    if named.startswith("proactive."):
        m = labels.match_proactive(text)
        return m is not None and m.exact
    if named == "header":
        # a piece of the tally note names it as much as the whole note does
        return not labels.is_tally_note(labels.norm(text)) or labels.norm(text).endswith(
            ("之和)", "之和）", "之和")
        )
    return True


def _exact(text: str) -> bool:
    """A row label in the template's own wording (not only by its core)."""
    m = labels.match_request(text)
    if m is not None:
        return m.exact
    m = labels.match_proactive(text)
    return m is not None and m.exact
