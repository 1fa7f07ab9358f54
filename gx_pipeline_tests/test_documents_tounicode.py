"""A font whose /ToUnicode map gives its digit glyphs as other characters: a bfrange offset by
a constant (57 read %' or EG), two digits swapped, the digits shuffled, sent to CJK. Where the
font's own encoding names the glyphs digits (a standard font, WinAnsi, /Differences naming
/five, a Type3 font's standard names), the map contradicts it: what the glyphs draw is not
certain and the figure is withheld, flagged. A map that agrees (the digits, or full-width
digits) is read. Each case is made here from its description, several variants seeded."""

from __future__ import annotations

import random
import unicodedata

import pytest

from gx_pipeline import documents
from gx_pipeline_tests.test_documents_drawn import _FRAMED, _objects, _text
from gx_pipeline_tests.test_documents_odd import _pdf

_DIGIT_NAMES = b"zero one two three four five six seven eight nine".split()
_TO_UNICODE = b"/ToUnicode 7 0 R "
_FONTS = {
    "standard": b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica %s>>",
    "winansi": b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding %s>>",
    "differences": (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /BaseEncoding "
        b"/WinAnsiEncoding /Differences [128 /bullet] >> %s>>"
    ),
    "type3": (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] "
        b"/CharProcs << " + b" ".join(b"/%s 8 0 R" % n for n in _DIGIT_NAMES) + b" >> "
        b"/Encoding << /Type /Encoding /Differences [48 "
        + b" ".join(b"/" + n for n in _DIGIT_NAMES)
        + b"] >> /FirstChar 48 /LastChar 57 /Widths ["
        + b"556 " * 10
        + b"] %s>>"
    ),
}
_GLYPH = b"<< /Length 40 >>\nstream\n556 0 0 0 500 700 d1 0 0 500 700 re f\nendstream"


def _cmap(targets: list[str], ranged: bool) -> bytes:
    """A ToUnicode CMap giving codes 0x30-0x39 `targets` (one bfrange from the first where
    `ranged` and they run on)."""
    if ranged:
        body = b"1 beginbfrange <30> <39> <%04X> endbfrange" % ord(targets[0])
    else:
        body = (
            b"10 beginbfchar "
            + b" ".join(
                b"<%02X> <%s>" % (0x30 + k, t.encode("utf-16-be").hex().upper().encode())
                for k, t in enumerate(targets)
            )
            + b" endbfchar"
        )
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
        b"1 begincodespacerange <00> <FF> endcodespacerange " + body + b" endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap)


def _read(font: str, targets: list[str], figure: str, ranged: bool = False):
    stream = _FRAMED + _text(130, 700, figure.encode()).replace(b"/F1", b"/F2")
    objects = _objects(stream, b"/Font << /F1 5 0 R /F2 6 0 R >>", _FONTS[font] % _TO_UNICODE)
    objects[2] = objects[2].replace(b"/Font << /F1 5 0 R >> ", b"")
    objects += [_cmap(targets, ranged), _GLYPH]
    document = documents.read(_pdf(objects, b""), "r.pdf")
    line = next((x for x in document.text.splitlines() if x.split()[:1] == ["new"]), "new")
    return "".join(line.split()[1:]), document


def _swapped(rng: random.Random) -> list[str]:
    order = list(range(10))
    a, b = rng.sample(order, 2)
    order[a], order[b] = b, a
    return [str(k) for k in order]


def _shuffled(rng: random.Random) -> list[str]:
    order = [str(k) for k in range(10)]
    while order == sorted(order):
        rng.shuffle(order)
    return order


_MAPS = {
    "offset-16": lambda rng: [chr(0x21 + k) for k in range(10)],
    "offset+16": lambda rng: [chr(0x40 + k) for k in range(10)],
    "offset+1": lambda rng: [chr(0x31 + k) for k in range(10)],
    "swapped": _swapped,
    "shuffled": _shuffled,
    "cjk": lambda rng: [chr(0x4E00 + 7 * k) for k in range(10)],
    "cjk-numerals": lambda rng: list("〇一二三四五六七八九"),
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", sorted(_MAPS))
@pytest.mark.parametrize("font", sorted(_FONTS))
def test_a_map_its_fonts_encoding_contradicts_is_withheld_flagged(font, kind, seed) -> None:
    # the glyphs drew 57; the map gave %' or EG or 75 or 68 with no flag
    rng = random.Random(f"{font}{kind}{seed}")
    targets = _MAPS[kind](rng)
    moved = [str(k) for k in range(10) if targets[k] != str(k)]
    figure = "".join(rng.choice(moved) for _ in range(rng.randint(2, 5)))
    got, document = _read(font, targets, figure, ranged=kind.startswith("offset") and seed == 1)
    assert not any(ch.isdigit() for ch in got), (figure, got)
    assert "encoding_damaged" in document.codes


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", ["digits", "full-width", "digits-ranged"])
@pytest.mark.parametrize("font", sorted(_FONTS))
def test_a_map_that_agrees_with_its_fonts_encoding_is_read(font, kind, seed) -> None:
    rng = random.Random(f"{font}{kind}{seed}")
    figure = str(rng.randint(10, 99999))
    targets = [chr((0xFF10 if kind == "full-width" else 0x30) + k) for k in range(10)]
    got, document = _read(font, targets, figure, ranged=kind == "digits-ranged")
    assert unicodedata.normalize("NFKC", got) == figure
    assert not document.codes
