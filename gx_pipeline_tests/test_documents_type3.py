"""Type3 fonts drawing a report's digits: glyphs the file draws itself, which PDFium maps to no
character. Where the glyph names say which digit each draws (/five, /uni0035, /u0035) and
every Type3 font of the file agrees, the digit is read; glyphs named otherwise (g5) stay
unknown, flagged, at whatever code the font gives them. Made here from the description, on a
page written object by object (a frame, "new" and its figure)."""

from __future__ import annotations

import random

import pytest

from gx_pipeline import documents
from gx_pipeline_tests.test_documents_odd import _FRAME, _pdf

_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_WORDS = b"zero one two three four five six seven eight nine".split()
_GLYPH = b"<< /Length 40 >>\nstream\n556 0 0 0 500 700 d1 0 0 500 700 re f\nendstream"


def _type3(names: list[bytes], first: int) -> bytes:
    """A Type3 font whose codes from `first` on draw the glyphs `names` (all one square)."""
    return (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] "
        b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << "
        + b" ".join(b"/%s 9 0 R" % n for n in sorted(set(names)))
        + b" >> /Encoding << /Type /Encoding /Differences [%d " % first
        + b" ".join(b"/" + n for n in names)
        + b"] >> /FirstChar %d /LastChar %d /Widths [%s] /Resources << >> >>"
        % (first, first + len(names) - 1, b"556 " * len(names))
    )


def _page(stream: bytes, font: bytes, other: bytes | None = None) -> bytes:
    """The frame, "new", and `stream` writing with /F2 (`font`) and /F3 (`other`, or `font`)."""
    frame = b"".join(
        b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, text.encode())
        for x, y, _, text, _ in [*_FRAME, (100, 700, 12, "new", 0)]
    )
    stream = frame + stream
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >> >> >>"
            ),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            _HELVETICA,
            font,
            other or font,
            b"<< >>",
            _GLYPH,
        ],
        b"",
    )


def _figure(figure: str, codes: dict[str, int], font: bytes = b"F2") -> bytes:
    text = b"".join(b"\\%03o" % codes[d] for d in figure)
    return b"BT /%s 12 Tf 130 700 Td (%s) Tj ET\n" % (font, text)


def _line(data: bytes) -> tuple[list[str], documents.Document]:
    document = documents.read(data, "r.pdf")
    line = next((x for x in document.text.splitlines() if x.split()[:1] == ["new"]), "new")
    return line.split()[1:], document


def _variants(named: bool) -> list[tuple[str, list[bytes], int, dict[str, int]]]:
    """Figures in a Type3 font at codes from 1, 33, 48, 65 or 128 (seeded), its glyphs named
    by the standard names (in order or shuffled), uniXXXX or uXXXX, or (`named` False) g3-g12."""
    rng = random.Random(11 if named else 12)
    out = []
    for _ in range(12):
        first = rng.choice([1, 33, 48, 65, 128])
        order = list(range(10))
        kind = rng.choice(["words", "shuffled", "uni", "u"] if named else ["g"])
        if kind == "shuffled":
            rng.shuffle(order)
        names = [
            {
                "words": _WORDS[d],
                "shuffled": _WORDS[d],
                "uni": b"uni%04X" % (0x30 + d),
                "u": b"u%04X" % (0x30 + d),
                "g": b"g%d" % (d + 3),
            }[kind]
            for d in order
        ]
        codes = {str(d): first + k for k, d in enumerate(order)}
        out.append((str(rng.randint(1, 99999)), names, first, codes))
    return out


@pytest.mark.parametrize(("figure", "names", "first", "codes"), _variants(named=True))
def test_type3_digits_named_by_their_glyphs_are_read(figure, names, first, codes) -> None:
    # withheld before, each digit unknown (/five at code 53), or left out unsaid where the
    # code gave a control character or a tab (codes 1-31: 1 and 6213 in the font read 11)
    words, document = _line(_page(_figure(figure, codes), _type3(names, first)))
    assert words == [figure], (words, first, names[:3])
    assert not document.codes
    # beside a Helvetica 1 after it, one run: read as one figure
    stream = _figure(figure, codes) + b"BT /F1 12 Tf %.3f 700 Td (1) Tj ET\n" % (
        130 + 6.672 * len(figure)
    )
    words, _ = _line(_page(stream, _type3(names, first)))
    assert words == [figure + "1"]


@pytest.mark.parametrize(("figure", "names", "first", "codes"), _variants(named=False))
def test_type3_digits_their_glyphs_do_not_name_are_unknown_flagged(figure, names, first, codes):
    # glyphs named g3-g12 draw any figure: a code below 32 was left out unsaid (beside a
    # Helvetica 1: the figure read 1), one from 65 a letter (the figure read as a word)
    stream = _figure(figure, codes) + b"BT /F1 12 Tf %.3f 700 Td (1) Tj ET\n" % (
        130 + 6.672 * len(figure)
    )
    words, document = _line(_page(stream, _type3(names, first)))
    assert words == ["\ufffd" * len(figure) + "1"], words
    assert "encoding_damaged" in document.codes


def test_type3_fonts_that_name_a_code_differently_leave_it_unknown() -> None:
    # two Type3 fonts: code 48 draws /zero in one and /five in the other; PDFium does not say
    # which font a character is in, so neither is read (the codes both name alike are)
    first = _type3(_WORDS, 48)
    other = _type3([b"five", *_WORDS[1:]], 48)
    codes = {str(d): 48 + d for d in range(10)}
    words, document = _line(_page(_figure("102", codes), first, other))
    assert words == ["1\ufffd2"]
    assert "encoding_damaged" in document.codes
