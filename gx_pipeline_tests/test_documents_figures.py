"""Figures a document writes in ways a reader does not read as one plain number: digits apart
by a page or column break, circled, raised or foreign digits, a tiny stray digit beside a
figure, an old figure under a patch a form draws. Each is made here from its description,
in several variants, from the generated Word fixture (one cell rewritten) or a PDF written
object by object; what a reader sees is the value, else the cell is withheld, said."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from gx_pipeline import documents
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.values import read_value
from gx_pipeline_tests.test_documents_odd import (
    _FRAME,
    CELL,
    DOCX,
    W,
    _cells_table_edited,
    _inked_line,
    _para,
    _pdf,
    _picture,
    _run,
    _values,
    _with_cell,
)


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


@pytest.mark.parametrize(
    "rule",
    [b"0.75 w 140.3 690 m 140.3 715 l S\n", b"139.95 690 0.7 25 re f\n"],  # stroked or filled
)
@pytest.mark.parametrize(
    ("small", "big"),
    [(7, 15), (6, 14), (5, 12), (7, 16)],
)
@pytest.mark.parametrize("big_first", [False, True])
def test_digits_of_neighbouring_cells_apart_by_a_rule_are_no_stray_digit(
    rule, small, big, big_first
) -> None:
    # a table's figures at 7 pt, its 总计 column in bold at 15 pt: the digits of two cells stand
    # a border's width apart across the rule between them, and the smaller was read as a
    # stray digit beside the bigger one (unknown), its row withheld or read a column off
    if big_first:
        stream = _tiny(big, 140.3 - 1 - 0.556 * big, b"3") + _tiny(small, 141.3, b"0")
        read = "30"
    else:
        stream = _tiny(small, 140.3 - 1 - 0.556 * small, b"0") + _tiny(big, 141.3, b"3")
        read = "03"
    line, document = _inked_line(rule + stream)
    # (the line's text leaves the rule out; the table's grid parts the cells by it)
    assert "".join(line.split()[1:]) == read
    assert not any("half the size" in p for p in document.problems)


def _formed_pdf(stream: bytes) -> bytes:
    """A one-page PDF painting the frame, "new" and `stream`, with Helvetica (/F1), a graphics
    state painting at half opacity (/A50) and forms: /Fw fills its unit square white (placed by
    the `cm` before it), /Fm too at a /Matrix of its own that puts it over x 129-137, y 698-710,
    /Fp paints a white picture over its unit square, /Fn paints /Fw (a form in a form), /Fg
    fills its unit square white as a transparency group, /Ft writes 5 at its origin, /Fc too
    in a /BBox of half a point square that clips the 5 away."""
    frame = b"".join(
        b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, text.encode())
        for x, y, _, text, _ in [*_FRAME, (100, 700, 12, "new", 0)]
    )
    stream = frame + stream

    def form(body: bytes, more: bytes = b"") -> bytes:
        return (
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] %s/Resources << /XObject << "
            b"/Wh 6 0 R /Fw 7 0 R >> >> /Length %d >>\nstream\n%s\nendstream"
            % (more, len(body), body)
        )

    white = b"1 g 0 0 1 1 re f"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> /ExtGState << /A50 << /ca 0.5 >> >> "
                b"/XObject << /Fw 7 0 R /Fm 8 0 R /Fp 9 0 R /Fn 10 0 R /Fg 11 0 R /Ft 12 0 R "
                b"/Fc 13 0 R >> >> >>"
            ),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _picture(1, b"/DeviceGray", b"\xff"),
            form(white),
            form(white, b"/Matrix [8 0 0 12 129 698] "),
            form(b"q 1 0 0 1 0 0 cm /Wh Do Q"),
            form(b"/Fw Do"),
            form(white, b"/Group << /S /Transparency >> "),
            *(
                b"<< /Type /XObject /Subtype /Form /BBox [%s] /Resources << /Font << /F1 5 0 R "
                b">> >> /Length 31 >>\nstream\nBT /F1 12 Tf 0 0 Td (5) Tj ET\nendstream" % box
                for box in (b"-5 -5 20 20", b"0 0 0.5 0.5")
            ),
        ],
        b"",
    )


_FIFTY_SEVEN = b"BT /F1 12 Tf 130 700 Td (57) Tj ET\n"
#: 57 as the page's 7 beside an old 5 a form writes (a producer that wraps text in forms)
_FORM_5_PAGE_7 = b"q 1 0 0 1 130 700 cm /Ft Do Q\nBT /F1 12 Tf 136.7 700 Td (7) Tj ET\n"
_OVER_5 = b"q 7 0 0 12 129.5 698 cm /%s Do Q\n"


@pytest.mark.parametrize("figure", [_FIFTY_SEVEN, _FORM_5_PAGE_7])
@pytest.mark.parametrize(
    ("cover", "said"),
    [
        (_OVER_5 % b"Fw", "opaque box"),
        (b"q /Fm Do Q\n", "opaque box"),
        (_OVER_5 % b"Fp", "picture painted over it"),
        (_OVER_5 % b"Fn", "opaque box"),
        (_OVER_5 % b"Fg", "opaque box"),
        (b"1 g 129.5 698 7 12 re f 0 g\n", "opaque box"),
        (b"0 g 129.5 698 7 12 re f\n", "opaque box"),
    ],
)
def test_an_old_figure_under_a_patch_a_form_paints_is_read_as_unknown(figure, cover, said):
    # a white patch drawn over the old 5 of 57 as a form XObject (a PDF editor's "whiteout",
    # a web page's white box at an opacity printed as a transparency group): a reader sees 7,
    # and the text read 57 with no flag, as a form's rectangles and pictures were not placed.
    # The old 5 written by a form under a patch painted later, by the page or a form, read
    # 57 so too: only the page's own text was looked at under later patches
    document = documents.read(_formed_pdf(figure + cover), "r.pdf")
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert line.split() == ["new", "\ufffd7"]
    assert "cells_unplaced" in document.codes
    assert any(said in p and "'5'" in p for p in document.problems), document.problems


@pytest.mark.parametrize(
    "cover",
    [
        b"q 20 0 0 14 300 300 cm /Fw Do Q\n",  # elsewhere on the page
        b"q /A50 gs 7 0 0 12 129.5 698 cm /Fw Do Q\n",  # at half opacity: seen through
        _OVER_5 % b"Fw",  # under the figure: painted before it
        b"1 g 129.5 698 7 12 re f 0 g\n",
    ],
)
@pytest.mark.parametrize("figure", [_FIFTY_SEVEN, _FORM_5_PAGE_7])
def test_a_patch_a_form_paints_away_from_a_figure_or_under_it_leaves_it_read(cover, figure):
    document = documents.read(_formed_pdf(cover + figure), "r.pdf")
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert line.split()[-1] == "57", document.problems
    assert "cells_unplaced" not in document.codes


def test_an_old_figure_a_form_clips_away_by_its_box_is_left_out_said() -> None:
    # the form's /BBox is its clipping path: the 5 it writes outside it is not drawn, and
    # was read 57 beside the page's 7 with nothing said
    stream = b"q 1 0 0 1 130 700 cm /Fc Do Q\nBT /F1 12 Tf 136.7 700 Td (7) Tj ET\n"
    document = documents.read(_formed_pdf(stream), "r.pdf")
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert line.split() == ["new", "7"]
    assert any("clipping path" in p and "'5'" in p for p in document.problems)


def _requests_table_edited(edit: Callable) -> bytes:
    """The Word fixture with `edit(table, tr)` applied to its requests table (the table CELL
    is in; `tr`: CELL's row)."""
    return _cells_table_edited(lambda table, tr, _td: edit(table, tr))


def _span(tc, columns: int) -> None:
    pr = tc.find(f"{W}tcPr")
    if pr is None:
        pr = etree.SubElement(tc, f"{W}tcPr")
        tc.insert(0, pr)
    etree.SubElement(pr, f"{W}gridSpan").set(f"{W}val", str(columns))


@pytest.mark.parametrize("td", [2, 3, 5, 7])
@pytest.mark.parametrize("columns", [2, 3])
def test_a_row_a_merged_cell_pushes_past_the_tables_columns_is_not_read(td, columns) -> None:
    # a figure's cell given w:gridSpan with no cell taken out after it: Word draws the row
    # past the table's right edge, each figure after the merged one under the next column;
    # read by its place in the row, each stood under the column before, with no flag
    def edit(table, tr):
        _span(table.findall(f"{W}tr")[tr - 1].findall(f"{W}tc")[td - 1], columns)

    plain = parse_bytes(DOCX, "r.docx")
    report = parse_bytes(_requests_table_edited(edit), "r.docx")
    row = [c for c in report.cells if (c.section, c.row) == CELL[:2]]
    assert row and all(c.value is None for c in row)
    assert _values(report).items() - _values(plain).items() <= {(k, None) for k in _values(plain)}
    assert "cells_unplaced" in report.flags
    assert any("reach past the columns" in p for p in report.problems)


def test_a_grid_every_row_outruns_is_no_reason_to_doubt_a_row() -> None:
    # a converter's w:tblGrid written short (fewer w:gridCol than any row's cells): Word lays
    # the rows out by their cells; each row alike, none is pushed aside
    def edit(table, _tr):
        grid = table.find(f"{W}tblGrid")
        for col in grid.findall(f"{W}gridCol")[2:]:
            grid.remove(col)

    plain = parse_bytes(DOCX, "r.docx")
    report = parse_bytes(_requests_table_edited(edit), "r.docx")
    assert _values(report) == _values(plain)
    assert report.flags == plain.flags


def _merge_down(tc, restart: bool) -> None:
    pr = tc.find(f"{W}tcPr")
    if pr is None:
        pr = etree.SubElement(tc, f"{W}tcPr")
        tc.insert(0, pr)
    merge = etree.SubElement(pr, f"{W}vMerge")
    if restart:
        merge.set(f"{W}val", "restart")
    else:
        for p in tc.findall(f"{W}p"):
            tc.remove(p)
        etree.SubElement(tc, f"{W}p")


@pytest.mark.parametrize(
    ("above", "td", "row"),
    [
        (0, 1, "carried_over"),  # 一、本年新收 merged down over 二、's row
        (2, 2, "partially_granted"),  # （一）予以公开 over （二）'s
        (4, 3, "withheld.prohibited_by_law"),  # 1.属于国家秘密 over 2.'s
        (12, 3, "unavailable.needs_creation"),  # 1.本机关不掌握 over 2.'s
    ],
)
def test_a_row_whose_only_label_is_merged_down_from_above_is_not_read(above, td, row) -> None:
    # a label cell merged down (w:vMerge) over the next row, whose own label is gone: Word
    # shows the label beside both rows of figures. Placed by position, the second row's
    # figures were read as the template's next row, with no flag
    def edit(table, tr):
        rows = table.findall(f"{W}tr")
        upper, lower = rows[tr - 1 + above], rows[tr + above]
        _merge_down(upper.findall(f"{W}tc")[td - 1], True)
        _merge_down(lower.findall(f"{W}tc")[td - 1], False)

    plain = parse_bytes(DOCX, "r.docx")
    report = parse_bytes(_requests_table_edited(edit), "r.docx")
    read = _values(report)
    assert any(r == row for _, r, _ in _values(plain))
    assert all(v is None for (s, r, _), v in read.items() if (s, r) == ("requests", row))
    assert {k: v for k, v in read.items() if v is not None and v != _values(plain)[k]} == {}
    assert "cells_unplaced" in report.flags
    assert any("merged down from the row above" in p for p in report.problems)


_WHITE_5 = b"BT 1 g /F1 12 Tf 130 700 Td (5) Tj ET\nBT 0 g /F1 12 Tf 137 700 Td (7) Tj ET\n"


@pytest.mark.parametrize(
    ("picture", "pdf"),
    [
        (b"q 20 0 0 14 128 697 cm /Wh Do Q\n", "inked"),  # a white picture behind the cell
        (b"q 475 0 0 30 120 690 cm /Wh Do Q\n", "inked"),  # a white band across the row
        (b"q 20 0 0 14 128 697 cm /Fp Do Q\n", "formed"),  # a form's white picture
    ],
)
def test_white_text_on_a_picture_white_all_over_is_no_number(picture, pdf) -> None:
    # an old 5 left in white beside the 7 shown, on a white picture (a web page's white
    # background image, a blank picture behind a cell, printed): white on a picture was kept,
    # as the picture may be dark there, and read 57 with no flag. One white all over is not
    if pdf == "inked":
        line, document = _inked_line(picture + _WHITE_5)
    else:
        document = documents.read(_formed_pdf(picture + _WHITE_5), "r.pdf")
        line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert line.split() == ["new", "7"]
    assert any("drawn white" in p and "'5'" in p for p in document.problems)


@pytest.mark.parametrize("picture", [b"/Gy", b"/Bk"])
def test_white_text_on_a_picture_not_white_is_read(picture) -> None:
    line, document = _inked_line(b"q 20 0 0 14 128 697 cm %s Do Q\n" % picture + _WHITE_5)
    assert line.split() == ["new", "57"]
    assert not any("drawn white" in p for p in document.problems)


def _font_pdf(stream: bytes, font: bytes, more: list[bytes] = ()) -> bytes:
    """A one-page PDF painting the frame, "new" and `stream`, with Helvetica (/F1) and `font`
    (/F2); object 6 is a glyph procedure (a filled box), 7 on are `more`."""
    frame = b"".join(
        b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, text.encode())
        for x, y, _, text, _ in [*_FRAME, (100, 700, 12, "new", 0)]
    )
    body = frame + stream
    glyph = b"556 0 0 0 500 700 d1 0 0 500 700 re f"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R /F2 7 0 R >> >> >>"
            ),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(glyph), glyph),
            font,
            *more,
        ],
        b"",
    )


def _type3(names: list[bytes], more: bytes = b"") -> bytes:
    """A Type3 font drawing codes 48-57 (the digits' codes) by glyphs of these names."""
    procs = b" ".join(b"/%s 6 0 R" % n for n in names)
    return (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 "
        b"0.001 0 0] /CharProcs << %s >> /Encoding << /Type /Encoding /Differences [48 %s] >> "
        b"/FirstChar 48 /LastChar 57 /Widths [%s] %s>>"
        % (procs, b" ".join(b"/" + n for n in names), b"556 " * 10, more)
    )


def _to_unicode(body: bytes) -> bytes:
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
        b"1 begincodespacerange <00> <FF> endcodespacerange %s endcmap CMapName currentdict "
        b"/CMap defineresource pop end end" % body
    )
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)


_ODD_NAMES = [b"g%d" % k for k in range(10)]
_HELVETICA_RENAMED = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
    b"/Differences [53 /g5 55 /g7] >> >>"
)


@pytest.mark.parametrize(
    ("font", "more"),
    [
        (_type3(_ODD_NAMES), []),
        (_type3([b"c%02x" % (0x30 + k) for k in range(10)]), []),
        (_type3([b"zero", b"one", b"two", b"three", b"four"] + _ODD_NAMES[5:]), []),
        (_type3(_ODD_NAMES, b"/ToUnicode 8 0 R "), [_to_unicode(b"")]),
        (
            _type3(_ODD_NAMES, b"/ToUnicode 8 0 R "),
            [_to_unicode(b"1 beginbfchar <30> <0030> endbfchar")],
        ),
    ],
)
@pytest.mark.parametrize(
    ("stream", "shown"),
    [
        (b"BT /F2 12 Tf 130 700 Td (57) Tj ET\n", ""),
        (b"BT /F2 12 Tf 130 700 Td (5) Tj ET\nBT /F1 12 Tf 136.7 700 Td (7) Tj ET\n", "7"),
        (b"BT /F1 12 Tf 130 700 Td (1) Tj ET\nBT /F2 12 Tf 136.7 700 Td (5) Tj ET\n", "1"),
    ],
)
def test_a_digit_of_a_font_that_names_no_character_for_it_is_unknown(font, more, stream, shown):
    # a Type3 font, or glyphs renamed g5, with no ToUnicode map (or one that leaves the code
    # out): PDFium gives the character's code as its text, 5 for code 53, whatever shape the
    # glyph draws; read, the cell was 57 (or 75, 15) with no flag
    document = documents.read(_font_pdf(stream, font, more), "r.pdf")
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    number = "".join(line.split()[1:])
    assert "\ufffd" in number and number.replace("\ufffd", "") == shown, line
    assert "encoding_damaged" in document.codes


@pytest.mark.parametrize(
    ("font", "more"),
    [
        (
            _type3(_ODD_NAMES, b"/ToUnicode 8 0 R "),
            [_to_unicode(b"1 beginbfrange <30> <39> <0030> endbfrange")],
        ),
        (_HELVETICA_RENAMED.replace(b"/g5", b"/uni0035").replace(b"/g7", b"/seven"), []),
    ],
)
def test_a_digit_its_font_maps_is_read(font, more):
    document = documents.read(
        _font_pdf(b"BT /F2 12 Tf 130 700 Td (57) Tj ET\n", font, more), "r.pdf"
    )
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert line.split()[1:] == ["57"]
    assert not document.codes


@pytest.mark.parametrize(
    "spaces",
    [
        b"2 beginbfchar <35> <0020> <37> <0020> endbfchar",
        b"2 beginbfrange <35> <35> <0020> <37> <37> <0020> endbfrange",
        b"2 beginbfchar <35> <00A0> <37> <3000> endbfchar",
    ],
)
def test_a_digit_its_fonts_map_gives_as_a_space_is_unknown(spaces):
    # a ToUnicode map that sends the codes of glyphs the page draws (57's shapes) to a space:
    # PDFium gives a space, and the cell read blank, nothing said, where the paper shows a
    # figure; a space that draws ink is no space
    font = _type3(_ODD_NAMES, b"/ToUnicode 8 0 R ")
    document = documents.read(
        _font_pdf(b"BT /F2 12 Tf 130 700 Td (57) Tj ET\n", font, [_to_unicode(spaces)]), "r.pdf"
    )
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert "\ufffd" in "".join(line.split()[1:]), line
    assert "encoding_damaged" in document.codes


def test_a_space_that_draws_no_ink_stays_a_space():
    # (a font's own space, and a code its map sends to a space whose glyph draws nothing)
    font = _type3(_ODD_NAMES, b"/ToUnicode 8 0 R ")
    more = [_to_unicode(b"1 beginbfrange <30> <39> <0030> endbfrange")]
    document = documents.read(
        _font_pdf(
            b"BT /F2 12 Tf 130 700 Td (5) Tj ET\nBT /F1 12 Tf 140 700 Td ( 7) Tj ET\n", font, more
        ),
        "r.pdf",
    )
    assert not document.codes
