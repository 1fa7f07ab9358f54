"""How a PDF draws its page, not what it writes: a page its /Rotate shows upside down or on its
side, a clipping path through a figure's digits, a small run at a gap beside a figure, a
figure drawn twice a little apart. Each is made here from its description, in several
variants, on a page written object by object (a frame, "new" and its figure 57): what a
reader sees is read, else the figure is withheld, flagged."""

from __future__ import annotations

import random

import pytest

from gx_pipeline import documents
from gx_pipeline_tests.test_documents_odd import _FRAME, _pdf

_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _text(x: float, y: float, text: bytes, size: float = 12, pre: bytes = b"") -> bytes:
    return b"BT %s /F1 %.2f Tf %.2f %.2f Td (%s) Tj ET\n" % (pre, size, x, y, text)


_FRAMED = b"".join(
    _text(x, y, text.encode()) for x, y, _, text, _ in [*_FRAME, (100, 700, 12, "new", 0)]
)
_FIGURE = _text(130, 700, b"57")


def _page(
    stream: bytes,
    rotate: int = 0,
    media: bytes = b"0 0 595 842",
    tile: bytes | None = None,
    crop: bytes | None = None,
) -> bytes:
    """A one-page PDF of `stream` (Helvetica as /F1), its /MediaBox `media`, its /Rotate
    `rotate`; with `tile`, a tiling pattern /P1 drawing it (10 by 10 points); with `crop`, its
    /CropBox."""
    if crop:
        media += b"] /CropBox [" + crop
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Rotate %d /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> %s>> >>"
            % (media, rotate, b"/Pattern << /P1 6 0 R >> " if tile else b"")
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        _HELVETICA,
    ]
    if tile:
        objects.append(
            b"<< /Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] "
            b"/XStep 10 /YStep 10 /Resources << >> /Length %d >>\nstream\n%s\nendstream"
            % (len(tile), tile)
        )
    return _pdf(objects, b"")


def _figure_line(stream: bytes, **page) -> tuple[list[str], documents.Document]:
    """The words after "new" on its line, and the document."""
    document = documents.read(_page(stream, **page), "r.pdf")
    return _words(document), document


def _words(document: documents.Document) -> list[str]:
    """The words after "new" on its line."""
    line = next((x for x in document.text.splitlines() if x.split()[:1] == ["new"]), "new")
    return line.split()[1:]


_UPSIDE_DOWN = b"-1 0 0 -1 595 842"


@pytest.mark.parametrize("rotate", [180, -180, 540, 90, 270])
@pytest.mark.parametrize(
    ("stream", "media"),
    [
        (_FRAMED + _FIGURE, b"0 0 595 842"),
        (_FRAMED + _FIGURE, b"0 0 842 595"),  # a landscape sheet
        (_FRAMED + _FIGURE + _text(130.3, 700, b"57"), b"0 0 595 842"),  # bold drawn twice
        (_FRAMED + _FIGURE + _text(123.3, 700, b"9", pre=b"1 g"), b"0 0 595 842"),  # white
    ],
)
def test_a_page_its_rotate_turns_from_upright_is_read_turned_upright(rotate, stream, media):
    # /Rotate 180 showed the page's upright text upside down: read as shown, its lines ran
    # backwards ('75 wen' for 'new 57') and the figure was lost with no word said; on its side
    # (90, 270) its table was withheld. A reader turns the paper and reads 57
    words, document = _figure_line(stream, rotate=rotate, media=media)
    assert words == ["57"], document.text
    assert any("turned from upright" in p for p in document.problems)


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_a_page_drawn_turned_against_its_rotate_is_read_upright(rotate) -> None:
    # the content drawn upside down or on its side, the page's /Rotate showing it otherwise
    turn = {0: _UPSIDE_DOWN, 90: b"0 1 -1 0 595 0", 180: _UPSIDE_DOWN, 270: b"0 -1 1 0 0 842"}
    words, _ = _figure_line(b"q %s cm\n%s%sQ\n" % (turn[rotate], _FRAMED, _FIGURE), rotate=rotate)
    assert words == ["57"]


@pytest.mark.parametrize("rotate", [0, 90, 270])
@pytest.mark.parametrize("at", [145, 150])
def test_a_digit_drawn_on_its_side_beside_a_figure_is_withheld_flagged(rotate, at) -> None:
    # a 9 drawn a quarter turn beside an upright 57 (too few such characters to be a table
    # set sideways): read into the figure, 579
    turned = b"q 0 1 -1 0 %d 700 cm BT /F1 12 Tf 0 0 Td (9) Tj ET Q\n" % at
    words, document = _figure_line(_FRAMED + _FIGURE + turned, rotate=rotate)
    assert not any(word.isdigit() for word in words), words
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize("at", [(280, 1400), (320, 1402), (200, 1398)])
def test_a_figure_drawn_upside_down_among_upright_text_is_withheld_flagged(at) -> None:
    # read as the page stands, an upside-down 57 ran backwards: 75, on a line of its own
    stream = _FRAMED + b"q -1 0 0 -1 %d %d cm %sQ\n" % (*at, _FIGURE)
    _, document = _figure_line(stream)
    assert not any(ch.isdigit() for ch in document.text), document.text
    assert "cells_unplaced" in document.codes
    assert any("upside down" in p for p in document.problems)


def _clipped(box: bytes, inside: bytes = _FRAMED + _FIGURE, outside: bytes = b"") -> bytes:
    return outside + b"q %s re W n\n%sQ\n" % (box, inside)


@pytest.mark.parametrize(
    "stream",
    [
        # the page's clip, its right edge through the 5 or the 7 (a viewer shows half a glyph)
        _clipped(b"0 0 133 842"),
        _clipped(b"0 0 139 842"),
        _clipped(b"0 0 140 842"),
        # its top or bottom edge through the figure's line
        _clipped(b"0 0 595 703"),
        _clipped(b"0 0 595 705"),
        _clipped(b"0 703 595 800"),
        _clipped(b"0 705 595 800"),
        # a clip about the figure alone, its left edge through the 5
        _clipped(b"133 0 500 842", _FIGURE, _FRAMED),
        _clipped(b"134 0 500 842", _FIGURE, _FRAMED),
    ],
)
def test_a_figure_a_clip_cuts_through_is_withheld_flagged(stream) -> None:
    # half a 7 left out of 57 read 5, said among the problems but not flagged; half of it
    # kept read as the whole digit
    words, document = _figure_line(stream)
    assert not any(word.isdigit() for word in words), words
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize(
    ("stream", "read"),
    [
        (_clipped(b"0 0 595 842"), "57"),  # the page's own box
        (_clipped(b"0 0 144 842"), "57"),  # its edge past the figure
        # an old 9 clipped away beside the figure (a cell's overflow hidden), a sliver shown
        (_clipped(b"150 0 50 842", _text(145, 700, b"9"), _FRAMED + _FIGURE), "57"),
    ],
)
def test_a_clip_that_shows_or_hides_whole_digits_leaves_what_it_shows_read(stream, read):
    words, _ = _figure_line(stream)
    assert words == [read]


def _clipped_runs() -> list[tuple[bytes, bytes]]:
    """Figures of 2 to 5 digits, each drawn in one run, and a clip that takes part of the run
    away (seeded): its last or first digit whole or all but a sliver, or all but the foot or
    top of every digit (a cell's clip, or the page's, through the row)."""
    rng = random.Random(42)
    out = []
    for k in range(24):
        figure = str(rng.randint(10, 99999)).encode()
        width = 6.672 * len(figure)  # Helvetica's digits at 12 pt
        share = rng.uniform(0.0, 0.28)
        cut = rng.choice(["last", "first", "foot", "top"])
        if cut == "last":
            box = b"0 0 %.2f 842" % (130 + width - 6.672 * (1 - share))
        elif cut == "first":
            box = b"%.2f 0 500 842" % (130 + 6.672 * (1 - share))
        elif cut == "foot":  # the digits stand from y 700 to about 708.6
            box = b"0 0 595 %.2f" % (700 + 8.6 * max(share, 0.05))
        else:
            box = b"0 %.2f 595 842" % (708.6 - 8.6 * max(share, 0.05))
        out.append((figure, box))
    return out


@pytest.mark.parametrize("foot", [0.5, 1, 1.5, 2, 2.5])
@pytest.mark.parametrize("figure", [b"57", b"1234", b"90817"])
def test_a_crop_box_through_a_figure_s_row_withholds_it_flagged(foot, figure) -> None:
    # a /CropBox whose top edge crosses a row shows the digits' feet alone; the page's text
    # was read whole as if the paper were all shown
    words, document = _figure_line(
        _FRAMED + _text(130, 700, figure), crop=b"0 0 595 %.1f" % (700 + foot)
    )
    assert not any(ch.isdigit() for word in words for ch in word), words
    assert "cells_unplaced" in document.codes
    # a crop box past the figure shows it: read
    words, document = _figure_line(_FRAMED + _text(130, 700, figure), crop=b"0 600 595 800")
    assert words == [figure.decode()]
    assert not document.codes


@pytest.mark.parametrize(("figure", "box"), _clipped_runs())
def test_a_figure_a_clip_takes_a_digit_from_is_withheld_flagged(figure, box) -> None:
    # 57 drawn in one run, its 7 past a cell's clip or all but a sliver of it, read 5; a
    # clip through the row showing only the digits' feet left the cell blank: said among
    # the problems, not flagged. The figure is short of a digit a reader cannot see
    words, document = _figure_line(_clipped(box, _text(130, 700, figure), _FRAMED))
    assert not any(word.isdigit() for word in words), (words, box)
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize("size", [2.2, 2.5, 3, 4, 5])
@pytest.mark.parametrize("gap", [1, 3, 4])
@pytest.mark.parametrize("after", [False, True])
def test_a_small_run_at_a_gap_beside_a_figure_leaves_it_one_unknown_value(size, gap, after):
    # an old 55 left at 2.5 pt three points before the 7 the page shows, on a line no rule
    # parts: measured at its own size the gap was a column's, read '55 7' (no flag), the 7
    # taken for the next column's value
    small = b"55"
    if after:
        stream = _text(200, 700, b"7") + _text(200 + 6.67 + gap, 700, small, size)
    else:
        stream = _text(200 - gap - 1.112 * size, 700, small, size) + _text(200, 700, b"7")
    words, document = _figure_line(_FRAMED + stream)
    assert len(words) == 1 and "7" in words[0] and "\ufffd" in words[0], words
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize(
    "apart", [(1.5, 0), (2, 0), (3, 0), (3.3, 0), (4, 0), (5, 0), (2, 2), (0, 2)]
)
@pytest.mark.parametrize("glyph_by_glyph", [False, True])
def test_a_figure_drawn_twice_half_a_glyph_apart_is_withheld_flagged(apart, glyph_by_glyph):
    # bold made by drawing 57 again 3 pt to the right: PDFium keeps one copy (the same text
    # within a space's width) and 57 was read with no flag, though the paper shows two
    # copies smeared into one another; drawn a glyph at a time the second 5 read 557
    dx, dy = apart
    if glyph_by_glyph:
        stream = _text(130, 700, b"5") + _text(130 + dx, 700 + dy, b"5")
        stream += _text(136.67, 700, b"7") + _text(136.67 + dx, 700 + dy, b"7")
    else:
        stream = _FIGURE + _text(130 + dx, 700 + dy, b"57")
    words, document = _figure_line(_FRAMED + stream)
    assert not any(word.isdigit() for word in words), words
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize("apart", [(0, 0), (0.2, 0), (0.5, 0), (0.8, 0), (1.2, 0), (0.5, 0.5)])
def test_a_figure_drawn_twice_as_bold_is_read_once(apart) -> None:
    dx, dy = apart
    words, document = _figure_line(_FRAMED + _FIGURE + _text(130 + dx, 700 + dy, b"57"))
    assert words == ["57"]
    assert not document.codes


_WHITE_5 = b"q " + _text(130, 700, b"5", pre=b"1 g") + b"Q\n"
_WHITE_57 = b"q " + _text(130, 700, b"57", pre=b"1 g") + b"Q\n"
_PATTERNED = b"q /Pattern cs /P1 scn 125 695 30 20 re f Q\n"


@pytest.mark.parametrize(
    "tile", [b"1 g 0 0 10 10 re f", b"0 g 0 0 10 10 re f", b"0.5 g 0 0 5 5 re f"]
)
@pytest.mark.parametrize(
    "figure",
    [_WHITE_5 + _text(136.7, 700, b"7"), _WHITE_57, _WHITE_5 + _text(136.7, 700, b"7", pre=b"0 g")],
)
def test_white_text_on_a_pattern_is_withheld_flagged(tile, figure) -> None:
    # a web page's cell background-image, printed by Chromium, is a tiling pattern; PDFium
    # gives its fill as grey 191, the same as a real 75% grey, so an old 5 left white on a
    # white picture beside the 7 shown read 57, no flag
    words, document = _figure_line(_FRAMED + _PATTERNED + figure, tile=tile)
    assert not any(word.isdigit() for word in words), words
    assert "cells_unplaced" in document.codes
    assert any("white on a pattern" in p for p in document.problems)


@pytest.mark.parametrize(
    ("stream", "read"),
    [
        (_PATTERNED + _FIGURE, "57"),  # black on the pattern
        (b"q 0.75 g 125 695 30 20 re f Q\n" + _WHITE_5 + _text(136.7, 700, b"7"), "57"),
        # white off the pattern: on the paper, left out as before
        (b"q /Pattern cs /P1 scn 300 695 30 20 re f Q\n" + _WHITE_5 + _text(136.7, 700, b"7"), "7"),
    ],
)
def test_text_not_white_on_a_pattern_is_read_as_before(stream, read) -> None:
    # (a real 75% grey in a file without patterns: its colour is known)
    tile = b"1 g 0 0 10 10 re f" if b"Pattern" in stream else None
    words, _ = _figure_line(_FRAMED + stream, tile=tile)
    assert words == [read]


def _packed(objects: list[bytes]) -> bytes:
    """A PDF 1.5 of the objects (1 0 obj the catalog) as qpdf --object-streams=generate, Chrome
    or Word writes one: every dictionary that is not a stream packed into one compressed
    object stream, found through a cross-reference stream."""
    import zlib

    loose = [n for n, body in enumerate(objects, 1) if b"stream\n" in body]
    packed = [n for n, body in enumerate(objects, 1) if b"stream\n" not in body]
    heads, bodies = [], b""
    for n in packed:
        heads.append(b"%d %d" % (n, len(bodies)))
        bodies += objects[n - 1] + b"\n"
    head = b" ".join(heads) + b"\n"
    inner = zlib.compress(head + bodies)
    count = len(objects) + 2  # the object stream, then the cross-reference stream
    stream_number = count - 2 + 1
    out, rows = b"%PDF-1.5\n", {}
    for n in loose:
        rows[n] = b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00"
        out += b"%d 0 obj\n%s\nendobj\n" % (n, objects[n - 1])
    for k, n in enumerate(packed):
        rows[n] = b"\x02" + stream_number.to_bytes(4, "big") + k.to_bytes(2, "big")
    rows[stream_number] = b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00"
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n"
        % (stream_number, len(packed), len(head), len(inner), inner)
    )
    xref = count
    rows[xref] = b"\x01" + len(out).to_bytes(4, "big") + b"\x00\x00"
    table = b"\x00\x00\x00\x00\x00\xff\xff" + b"".join(rows[n] for n in range(1, count + 1))
    at = len(out)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n" % (xref, count + 1, len(table), table)
    )
    return out + b"startxref\n%d\n%%%%EOF\n" % at


def _objects(stream: bytes, resources: bytes, extra: bytes) -> list[bytes]:
    """The objects of a one-page PDF of `stream` (Helvetica as /F1, object 5), the page's
    `resources` besides its font, and `extra` as object 6."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> %s >> >>" % resources
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        _HELVETICA,
        extra,
    ]


def _shaded(stream: bytes, shading: bytes, packed: bool) -> bytes:
    """A one-page PDF of `stream` with a shading pattern /P1 (a dictionary, not a stream: a
    file that packs objects compresses it), written plain or `packed` in an object stream."""
    objects = _objects(
        stream,
        b"/Pattern << /P1 6 0 R >>",
        b"<< /Type /Pattern /PatternType 2 /Shading %s >>" % shading,
    )
    return _packed(objects) if packed else _pdf(objects, b"")


def _gradient(kind: int, start: float, end: float) -> bytes:
    """A grey gradient from `start` to `end` across the figure's cell, axial (2) or radial (3)."""
    coords = b"125 695 155 715" if kind == 2 else b"140 705 0 140 705 20"
    return (
        b"<< /ShadingType %d /ColorSpace /DeviceGray /Coords [%s] /Extend [true true] "
        b"/Function << /FunctionType 2 /Domain [0 1] /C0 [%.2f] /C1 [%.2f] /N 1 >> >>"
        % (kind, coords, start, end)
    )


@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize(
    "shading",
    [_gradient(2, 0, 0.2), _gradient(3, 0.1, 0), _gradient(2, 0.3, 0.9), _gradient(3, 1, 1)],
)
@pytest.mark.parametrize("figure", [_WHITE_5 + _text(136.7, 700, b"7"), _WHITE_57])
def test_white_text_on_a_gradient_is_withheld_flagged(packed, shading, figure) -> None:
    # a web page's cell linear-gradient prints as a shading pattern, whose fill PDFium gives
    # as white: white figures on a dark one were left out as drawn on the paper (an old 5
    # beside the 7, or the 57 shown, read 7 or nothing, no flag). The pattern's dictionary is
    # packed where the file packs its objects into object streams, so the file's bytes alone
    # do not tell that it holds patterns
    document = documents.read(_shaded(_FRAMED + _PATTERNED + figure, shading, packed), "r.pdf")
    assert (b"/PatternType" in _shaded(b"", shading, packed)) is not packed
    line = next(x for x in document.text.splitlines() if x.split()[:1] == ["new"])
    assert not any(word.isdigit() for word in line.split()[1:]), line
    assert "cells_unplaced" in document.codes
    assert any("white on a pattern" in p for p in document.problems)


@pytest.mark.parametrize("packed", [False, True])
def test_a_packed_file_reads_as_its_plain_copy(packed) -> None:
    # black figures on the gradient, the same objects packed or not: read alike
    stream = _FRAMED + _PATTERNED + _FIGURE
    document = documents.read(_shaded(stream, _gradient(2, 0.9, 1), packed), "r.pdf")
    assert "new 57" in " ".join(document.text.split())
    assert not document.codes


@pytest.mark.parametrize("dx", [4.6, 5.0, 5.3])
@pytest.mark.parametrize("digit", [b"5", b"0", b"8"])
def test_one_glyph_drawn_again_into_its_own_ink_is_withheld_flagged(dx, digit) -> None:
    # a 5 drawn a second time 5 pt on (less than its ink is wide), the 7 set on after the
    # second copy: two copies smeared into one another, too far apart for bold and too close
    # for the pair to be read as two figures; it was read 557 with no flag
    stream = _text(130, 700, digit) + _text(130 + dx, 700, digit) + _text(136.67 + dx, 700, b"7")
    words, document = _figure_line(_FRAMED + stream)
    assert not any(word.isdigit() for word in words), words
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize("pitch", [6.67, 6.2, 5.9])
def test_a_figure_set_a_glyph_at_a_time_tightly_is_read(pitch) -> None:
    # the same digits set one text object a glyph, even condensed (a writer's negative
    # character spacing), do not reach into one another's ink: read as drawn
    stream = b"".join(_text(130 + k * pitch, 700, d) for k, d in enumerate((b"5", b"5", b"7")))
    words, document = _figure_line(_FRAMED + stream)
    assert words == ["557"], words
    assert not document.codes


def _in_form(figure: bytes, after: bytes) -> bytes:
    """A page drawing `figure` inside a form XObject (its /BBox wide enough), then `after`."""
    form = (
        b"<< /Type /XObject /Subtype /Form /BBox [-50 -50 100 100] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Length %d >>\nstream\n%s\nendstream"
    )
    stream = _FRAMED + b"q 1 0 0 1 130 700 cm /Fx Do Q\n" + after
    objects = _objects(stream, b"/XObject << /Fx 6 0 R >>", form % (len(figure), figure))
    return _pdf(objects, b"")


def _five_patched(patch: bytes, in_form: bool) -> documents.Document:
    """The page of a 5 (drawn in a form or on the page), `patch` painted, then the 7 after."""
    seven = _text(136.67, 700, b"7")
    if in_form:
        data = _in_form(b"BT 0 g /F1 12 Tf 0 0 Td (5) Tj ET", patch + seven)
    else:
        data = _page(_FRAMED + _text(130, 700, b"5") + patch + seven)
    return documents.read(data, "r.pdf")


_PATCHES = [
    b"1 g 129 697 3 13 re f 0 g\n",  # the 5's left quarter painted white
    b"1 g 133.5 697 4 13 re f 0 g\n",  # its right half
    b"1 g 129 704.5 8 5 re f 0 g\n",  # its top third
    b"0 g 129 697 3.2 13 re f\n",  # its left quarter blacked
]


@pytest.mark.parametrize("patch", _PATCHES)
@pytest.mark.parametrize("in_form", [False, True])
def test_a_digit_an_opaque_patch_covers_in_part_is_withheld_flagged(patch, in_form) -> None:
    # a patch painted over part of an old 5 (not over its middle): the 5 was read as if
    # printed whole, 57 with no flag, though the paper shows a broken glyph
    document = _five_patched(patch, in_form)
    words = _words(document)
    assert not any(word.isdigit() for word in words), words
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize("patch", [b"1 g 124 697 6.6 13 re f 0 g\n", b"0 g 125 699 15 0.8 re f\n"])
@pytest.mark.parametrize("in_form", [False, True])
def test_a_patch_that_grazes_a_digit_leaves_it_read(patch, in_form) -> None:
    # a box painted up to the 5's edge, or a rule drawn across its foot, leaves the glyph whole
    assert _words(_five_patched(patch, in_form)) == ["57"]
