"""Figures a document writes in ways a reader does not read as one plain number: digits apart
by a page or column break, circled, raised or foreign digits, a tiny stray digit beside a
figure, an old figure under a patch a form draws. Each is made here from its description,
in several variants, from the generated Word fixture (one cell rewritten) or a PDF written
object by object; what a reader sees is the value, else the cell is withheld, said."""

from __future__ import annotations

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.values import read_value
from gx_pipeline_tests.test_documents_odd import CELL, _inked_line, _para, _run, _with_cell


def _value(inner: str):
    """The value read in the Word fixture's cell CELL rewritten to `inner` (None where the
    cell is not read at all), and the report."""
    report = parse_bytes(_with_cell(inner), "report.docx")
    values = [c.value for c in report.cells if (c.section, c.row, c.col) == CELL]
    return (values or [None])[0], report


_BREAKS = {
    "page": "<w:r><w:br w:type='page'/></w:r>",
    "column": "<w:r><w:br w:type='column'/></w:r>",
    "line": "<w:r><w:br/></w:r>",
}


@pytest.mark.parametrize("kind", sorted(_BREAKS))
@pytest.mark.parametrize("digits", [("1", "1"), ("2", "05"), ("30", "7")])
def test_digits_apart_by_a_page_or_column_break_are_no_one_number(kind, digits) -> None:
    # Word sets what follows a page or column break in a table's cell on a line of its own (a
    # table's cell cannot break a page): 1, break, 1 shows two lines, 1 and 1. Read, a page
    # or column break was no text at all and the cell 11, a wrong number with no flag
    before, after = digits
    for inner in (
        _para(_run(before), _BREAKS[kind], _run(after)),
        _para(f"<w:r><w:t>{before}</w:t>{_BREAKS[kind][5:-6]}<w:t>{after}</w:t></w:r>"),
    ):
        value, report = _value(inner)
        assert value != int(before + after)
        assert value is None and report.flags, report.problems


@pytest.mark.parametrize("kind", sorted(_BREAKS))
def test_a_break_before_or_after_a_figure_leaves_it_read(kind) -> None:
    for inner in (_para(_run(12), _BREAKS[kind]), _para(_BREAKS[kind], _run(12))):
        assert _value(inner)[0] == 12


@pytest.mark.parametrize(
    "text",
    [
        "①", "⑪", "⑳", "⑴", "⒈", "❶", "➊", "㉑",  # circled, bracketed, stopped: an item's number
        "¹²", "₁₂", "²",  # raised or lowered alone: a note's mark
        "١٢", "۱۲", "१२",  # other scripts' digits
        "𝟏𝟐", "𝟙",  # mathematical letters
        "①2", "1²3",
    ],
)  # fmt: skip
def test_digits_other_than_plain_or_full_width_ones_are_no_value(text) -> None:
    # a cell holding ① or ⑪ (an item's number left in a figure's cell, a note's mark) was
    # read 1 or 11: NFKC makes each of them plain digits, and \d matches another script's.
    # A reader sees no figure of the table's there
    assert read_value(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("１２", 12), ("1,234", 1234), ("1，234", 1234), ("１，２３４", 1234),
     ("1,234,567", 1234567), ("12①", 12), ("3¹", 3), ("7₁", 7), ("１２件", 12)],
)  # fmt: skip
def test_plain_and_full_width_digits_are_read(text, value) -> None:
    read = read_value(text)
    assert read is not None and read.value == value


def _tiny(size: float, x: float, text: bytes, y: float = 700) -> bytes:
    return b"BT /F1 %.2f Tf %.2f %.2f Td (%s) Tj ET\n" % (size, x, y, text)


_SEVEN = _tiny(12, 137, b"7")


@pytest.mark.parametrize("size", [2.5, 3, 3.5, 4, 5])
@pytest.mark.parametrize(
    "stray",
    [
        lambda size: _tiny(size, 137 - 0.556 * size, b"5") + _SEVEN,  # before the figure
        lambda size: _SEVEN + _tiny(size, 143.7, b"5"),  # after it, on its line
        lambda size: _tiny(size, 137 - 1.112 * size, b"55") + _SEVEN,  # two of them
        lambda size: _tiny(size, 137 - 0.556 * size, b"1") + _SEVEN + _tiny(size, 143.7, b"5"),
    ],
)
def test_a_digit_set_tiny_beside_a_figure_is_read_as_unknown(size, stray) -> None:
    # an old figure left at 3 pt beside the 12 pt one the page shows (a web page's
    # font-size:4px, a Word file's 3 pt digit, printed): a reader sees 7, PDFium's text gave
    # 57 or 75, a wrong number with no flag (at 2 pt and under it is left out)
    line, document = _inked_line(stray(size))
    number = line.split()[-1]
    assert "\ufffd" in number and "7" in number, line
    assert "cells_unplaced" in document.codes
    assert any("half the size of the digit beside it" in p for p in document.problems)


@pytest.mark.parametrize(
    ("stream", "read"),
    [
        (_tiny(3, 130, b"57"), "57"),  # a figure set at 3 pt throughout
        (_tiny(12, 130, b"5") + _tiny(7.2, 136.7, b"7"), "57"),  # typed over a size smaller
        (_tiny(12, 130, b"7") + _tiny(4, 136.7, b"1", 706), "7\u00b9"),  # a raised mark
        (_tiny(12, 130, b"7") + _tiny(4, 160, b"5"), "7 5"),  # a digit of its own, apart
    ],
)
def test_digits_of_a_figure_set_small_or_a_mark_after_it_are_read(stream, read) -> None:
    line, document = _inked_line(stream)
    assert " ".join(line.split()[1:]) == read
    assert not any("half the size" in p for p in document.problems)
