"""A PDF report as the reader's token stream: ruled tables as tables, the rest as text lines.

PDFium (pypdfium2) gives every character with its box and every path the page draws, in C.
Per page, in reading order (top to bottom):

- each ruled table (gx_pipeline.documents.grid) becomes table cells, a row per table row, each
  merged cell once, as a web page's table would: the reader never sees a blank cell vanish or
  a value slide into the next column, which is what a text rendering of the same table does;
- the text outside the tables becomes lines, with runs of spaces where the page has gaps (a
  borderless table stays a line per row, numbers on their row), read as a text copy is read;
- a page-number line at the top or bottom of a page (`- 3 -`, `第3页 共6页`, `3/6`) is left out,
  so a table continued on the next page is not interrupted by it.

A page whose text is drawn a quarter turn from upright (SIDEWAYS_SHARE of its characters:
a wide table set sideways) with no /Rotate to show it so is read as the page turned upright;
fewer such characters among upright text are left out and flagged, saying what they are.

Text drawn white (fill and stroke, as its render mode draws it) over nothing dark, no
non-white fill and no picture behind it, is no one's to read: left out and said, as text drawn
invisible over no picture is.
Text a reader cannot tell from what is behind it (its colour against the last rectangle filled
under it before it, or the paper: white on light grey, black on black) or that an opaque
rectangle painted after it covers (a redaction drawn over a figure) is read as unknown
characters, and flagged: a cell holding it is not read.

A page without a text layer (a scan, or a table pasted as an image) has nothing to read: a PDF
with no text at all is refused with that reason, one with some such pages reads the others and
says which pages were images. Pages are read one at a time and only the first `MAX_PAGES`.
Cells are located by page: [page, line on the page, cell in the line], a table row counting as
one line.
"""

from __future__ import annotations

import bisect
import ctypes
import datetime as dt
import itertools
import math
import re
import statistics
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from gx_pipeline.documents import cut as cut_rows
from gx_pipeline.documents import grid
from gx_pipeline.documents.base import WHITE_CHANNEL as _WHITE_CHANNEL
from gx_pipeline.documents.base import Document, DocumentError, Location
from gx_pipeline.parsing import labels
from gx_pipeline.parsing import problems as codes
from gx_pipeline.parsing.colours import PAPER as _PAPER
from gx_pipeline.parsing.colours import unseen_in_document as _unseen
from gx_pipeline.parsing.problems import Problems
from gx_pipeline.parsing.tokens import CELL, END, ROW_END, Head, Token, text_tokens
from gx_pipeline.parsing.values import SUBSCRIPT_DIGITS, SUPERSCRIPT_DIGITS, is_value_text

#: pages read from one PDF: a report has 3-20; a 300-page compilation is read as far as this
MAX_PAGES = 120
#: a document whose pages hold fewer visible characters than this per page has no text layer
SCAN_CHARS_PER_PAGE = 10
#: a share of characters PDFium cannot map to Unicode above this: the text is not readable
UNMAPPED_SHARE = 0.3
#: points per character column when lines are laid out by their characters' places: one
#: measure for the whole document, so that a table's columns stand at the same character
#: columns on every page it runs over. A Chinese character of 10.5 points takes three, one in
#: the text, so that a label whose cell wrapped it over three lines, joined back on its row's
#: line, still ends before the values; an A4 page is 170 columns wide
UNIT = 3.5

_PAGE_NUMBER = re.compile(
    r"^(?:[-—－–]\s*\d{1,4}\s*[-—－–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
#: a character's angle (radians) further than this from a quarter turn is drawn at a slant
SLANT = math.radians(3)
_QUARTER = math.pi / 2
#: the text render mode that draws nothing (FPDF_TEXTRENDERMODE_INVISIBLE)
_INVISIBLE = 3
#: the render modes that draw text: fill, stroke, both (each also with a clip, 4-6)
_FILLS, _STROKES = (0, 2, 4, 6), (1, 2, 5, 6)


@dataclass
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    #: drawn invisible (text render mode 3): a scan's OCR layer over its picture, or text no
    #: one sees
    hidden: bool = False
    #: drawn in white (or fully transparent ink): seen only on something dark behind it
    white: bool = False
    #: the text object that draws it (its address; 0 where not looked up)
    obj: int = 0
    #: drawn at TINY_POINTS or less (the font's size as the page shows it): no one reads it
    tiny: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def read_pdf(data: bytes, source: str) -> Document:
    """The PDF's token stream and metadata; DocumentError when there is nothing to read."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DocumentError(_open_error(str(exc))) from None
    try:
        return _read(
            pdf,
            source,
            _holds(data, b"/PatternType"),
            _type3_digits(data),
            _mapped_against(data),
        )
    finally:
        pdf.close()


#: an object stream (PDF 1.5: many objects' dictionaries packed into one compressed stream, as
#: qpdf, Chrome and Word write them) and its data
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
#: bytes inflated from a file's object streams at most (a 300-page report packs a few MB)
MAX_INFLATED = 64 << 20


def _object_texts(data: bytes):
    """The file's bytes, then each of its object streams' (PDF 1.5: many objects' dictionaries
    packed into one compressed stream, as qpdf, Chrome and Word write them), inflated."""
    yield data
    budget = MAX_INFLATED
    for found in _OBJECT_STREAM.finditer(data):
        start = data.find(b"stream", found.end())
        end = data.find(b"endstream", start)
        if start < 0 or end < 0 or b"/FlateDecode" not in data[max(0, found.start() - 200) : start]:
            continue
        start += len(b"stream")
        start += 2 if data[start : start + 2] == b"\r\n" else 1
        try:
            text = zlib.decompressobj().decompress(data[start:end], budget)
        except zlib.error:
            continue
        yield text
        budget -= len(text)
        if budget <= 0:
            return


def _holds(data: bytes, name: bytes) -> bool:
    """Whether any object of the file holds `name` (a dictionary key such as /PatternType):
    in the file's bytes or in an object stream's. A file that packs its objects into object
    streams shows no dictionary in its bytes but a stream's own (a tiling pattern's stays
    plain, a shading pattern's is packed): a byte search alone missed it there."""
    return any(name in text for text in _object_texts(data))


#: a Type3 font's glyph names that name a digit (the standard names, and uniXXXX / uXXXX)
_DIGIT_NAMES = {
    name: str(k)
    for k, word in enumerate(b"zero one two three four five six seven eight nine".split())
    for name in (word, b"uni003%d" % k, b"u003%d" % k)
}
_TYPE3 = re.compile(rb"/Subtype\s*/Type3\b")
_ENCODING = re.compile(rb"/Encoding\s*(?:(<<)|(\d+)\s+(\d+)\s+R)")
_DIFFERENCES = re.compile(rb"/Differences\s*\[([^\]]*)\]")
_DIFFERENCE = re.compile(rb"(\d+)|/([^\s/\[\]<>()%]+)")


_BRACKETS = re.compile(rb"<<|>>")


def _dictionary(text: bytes, at: int, reach: int = 20000) -> bytes:
    """The dictionary (<< ... >>, with those nested in it) that holds the place `at`, or b""."""
    depth, start = 0, -1
    for found in reversed(list(_BRACKETS.finditer(text, max(0, at - reach), at))):
        if found.group() == b">>":
            depth += 1
        elif depth:
            depth -= 1
        else:
            start = found.start()
            break
    if start < 0:
        return b""
    for found in _BRACKETS.finditer(text, start, at + reach):
        depth += 1 if found.group() == b"<<" else -1
        if not depth:
            return text[start : found.end()]
    return b""


#: a glyph's tight box, in points each way, past which it draws something
_INK = 1.0


def _inked_space(textpage, i: int) -> bool:
    """Whether a space PDFium gives is a glyph of a text object that draws ink (its tight box
    more than a point each way), not a font's blank space or a gap PDFium makes up."""
    from pypdfium2 import raw

    if not raw.FPDFText_GetTextObject(textpage, i):
        return False
    box = [ctypes.c_double() for _ in range(4)]
    if not raw.FPDFText_GetCharBox(textpage, i, *(ctypes.byref(b) for b in box)):
        return False
    left, right, bottom, top = (b.value for b in box)
    return right - left > _INK and top - bottom > _INK


def _nameless(textpage, index: int) -> bool:
    """Whether a character's font has no /BaseFont name (a Type3 font: its glyphs are drawn by
    the file's own procedures)."""
    from pypdfium2 import raw

    held = raw.FPDFText_GetTextObject(textpage, index)
    font = raw.FPDFTextObj_GetFont(held) if held else None
    return bool(font) and raw.FPDFFont_GetBaseFontName(font, None, 0) <= 1


def _type3_digits(data: bytes) -> dict[int, str]:
    """The codes every Type3 font of the file names a digit by (its /Encoding's /Differences:
    /five, /uni0035), where none names it otherwise: such a font draws its digits as glyphs
    PDFium maps to no character, and the name is all that tells which. PDFium does not say
    which font a character is in, so a code is read only where every Type3 font that names it
    names one digit, and none is read where a font's encoding is not found."""
    if b"/Type3" not in data and b"/ObjStm" not in data:
        return {}
    named: dict[int, str | None] = {}
    for text in _object_texts(data):
        for found in _TYPE3.finditer(text):
            font = _dictionary(text, found.start())
            encoding = _ENCODING.search(font)
            if encoding and encoding.group(2):
                held = re.search(
                    rb"\b%s\s+%s\s+obj\b" % (encoding.group(2), encoding.group(3)), data
                )
                font = data[held.end() : data.find(b"endobj", held.end())] if held else b""
            differences = _DIFFERENCES.search(font) if encoding else None
            if differences is None:
                return {}
            code = None
            for number, name in _DIFFERENCE.findall(differences.group(1)):
                if number:
                    code = int(number)
                    continue
                if code is None:
                    return {}
                digit = _DIGIT_NAMES.get(name)
                named[code] = digit if named.get(code, digit) == digit else None
                code += 1
    return {code: digit for code, digit in named.items() if digit is not None}


#: a simple font's /ToUnicode map (its object) and the encodings that give codes 48-57 the
#: digits' glyph names (a standard Latin font with no /Encoding of its own reads by Standard)
_TO_UNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+(\d+)\s+R")
_SIMPLE = re.compile(rb"/Subtype\s*/(Type1|TrueType|MMType1|Type3)\b")
_BASE_FONT = re.compile(rb"/BaseFont\s*/([^\s/\[\]<>()%]+)")
_DIGITS_ENCODED = re.compile(rb"/(?:WinAnsi|MacRoman|Standard)Encoding\b")
_LATIN_14 = re.compile(rb"(?:Helvetica|Times|Courier)(?:-[A-Za-z]+)?")
_CMAP_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_CMAP_RANGE = re.compile(
    rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]*)>|\[([^\]]*)\])"
)
_CMAP_BLOCK = re.compile(rb"beginbf(char|range)(.*?)endbf\1", re.DOTALL)


def _stream_of(data: bytes, number: bytes, generation: bytes) -> bytes:
    """The (inflated) stream of object `number`, or b"" where it is not found plain in the
    file's bytes."""
    held = re.search(rb"(?<!\d)%s\s+%s\s+obj\b" % (number, generation), data)
    if not held:
        return b""
    start = data.find(b"stream", held.end())
    end = data.find(b"endstream", start)
    if start < 0 or end < 0 or data.find(b"endobj", held.end(), start) >= 0:
        return b""
    head = data[held.end() : start]
    start += len(b"stream")
    start += 2 if data[start : start + 2] == b"\r\n" else 1
    if b"/FlateDecode" not in head:
        return data[start:end]
    try:
        return zlib.decompressobj().decompress(data[start:end], MAX_INFLATED)
    except zlib.error:
        return b""


def _cmap_targets(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap's one-byte codes and the text each is mapped to."""
    out: dict[int, str] = {}

    def text(hexed: bytes) -> str:
        raw_bytes = bytes.fromhex(hexed.decode()) if len(hexed) % 2 == 0 else b""
        return raw_bytes.decode("utf-16-be", errors="replace")

    for kind, body in _CMAP_BLOCK.findall(cmap):
        if kind == b"char":
            for src, dst in _CMAP_PAIR.findall(body):
                if len(src) == 2:
                    out[int(src, 16)] = text(dst)
            continue
        for lo, hi, dst, listed in _CMAP_RANGE.findall(body):
            if len(lo) != 2 or len(hi) != 2:
                continue
            first, last = int(lo, 16), int(hi, 16)
            if listed:
                for k, one in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", listed)):
                    out[first + k] = text(one)
            elif dst and len(dst) % 4 == 0 and first <= last:
                head, tail = dst[:-4], int(dst[-4:], 16)
                for k in range(last - first + 1):
                    out[first + k] = text(head) + chr(tail + k) if tail + k < 0x10000 else "?"
    return out


def _mapped_against(data: bytes) -> dict[str, set[str]]:
    """By each simple font's /BaseFont name ("" for a Type3 font, which has none), the
    characters its /ToUnicode map gives a code its encoding names a digit (WinAnsi, MacRoman
    and Standard encodings name codes 48-57 so; a /Differences entry /five names its code)
    as other than that digit (or its full-width form): a map offset by a constant (57 read
    %' or EG), two digits swapped (57 read 75), digits sent to CJK. The glyphs drawn are
    the digits the encoding names; the map says otherwise, and which a reader sees is not
    certain: those characters in that font are read as unknown."""
    if b"/ToUnicode" not in data:
        return {}
    found: dict[str, set[str]] = defaultdict(set)
    for text in _object_texts(data):
        for held in _TO_UNICODE.finditer(text):
            font = _dictionary(text, held.start())
            subtype = _SIMPLE.search(font)
            if not subtype:
                continue
            named = _BASE_FONT.search(font)
            name = named.group(1).decode("latin-1") if named else ""
            encoding = _ENCODING.search(font)
            if encoding and encoding.group(2):
                enc = re.search(
                    rb"(?<!\d)%s\s+%s\s+obj\b(.*?)endobj" % (encoding.group(2), encoding.group(3)),
                    data,
                    re.DOTALL,
                )
                font = font + (enc.group(1) if enc else b"")
            digits: dict[int, str] = {}
            if subtype.group(1) != b"Type3" and (
                _DIGITS_ENCODED.search(font)
                or (
                    b"/BaseEncoding" not in font
                    and (encoding or b"/Encoding" not in font)
                    and named
                    and _LATIN_14.fullmatch(named.group(1))
                )
            ):
                digits = {0x30 + k: str(k) for k in range(10)}
            differences = _DIFFERENCES.search(font) if encoding else None
            code = None
            for number, glyph in _DIFFERENCE.findall(differences.group(1) if differences else b""):
                if number:
                    code = int(number)
                elif code is not None:
                    if glyph in _DIGIT_NAMES:
                        digits[code] = _DIGIT_NAMES[glyph]
                    else:
                        digits.pop(code, None)
                    code += 1
            if not digits:
                continue
            targets = _cmap_targets(_stream_of(data, held.group(1), held.group(2)))
            for code, digit in digits.items():
                said = targets.get(code)
                if said and unicodedata.normalize("NFKC", said) != digit:
                    found[name].add(said)
    return dict(found)


def _font_name(textpage, index: int) -> str:
    """The /BaseFont name of a character's font ("" for one without: a Type3 font)."""
    from pypdfium2 import raw

    held = raw.FPDFText_GetTextObject(textpage, index)
    font = raw.FPDFTextObj_GetFont(held) if held else None
    if not font:
        return ""
    size = raw.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("latin-1")


def _open_error(message: str) -> str:
    if "password" in message.lower():
        return "the PDF is encrypted with a password; it cannot be read"
    return f"the PDF cannot be opened ({message}): damaged or not a PDF"


def _read(
    pdf,
    source: str,
    patterned: bool = False,
    type3: dict[int, str] | None = None,
    against: dict[str, set[str]] | None = None,
) -> Document:
    meta = pdf.get_metadata_dict(skip_empty=True)
    total = len(pdf)
    if total == 0:
        raise DocumentError("the PDF has no pages")
    out = _Out()
    image_pages: list[int] = []
    watermarks: list[tuple[int, str]] = []
    crossed: list[tuple[int, str]] = []
    #: pages whose text is invisible over a picture of the page (OCR's), and invisible text
    #: over nothing, left out
    ocr_pages: list[int] = []
    unseen: list[tuple[int, str]] = []
    #: text drawn white on nothing dark (no fill, no picture behind it), left out
    white: list[tuple[int, str]] = []
    #: text drawn outside the clipping path that bounds it, left out
    clipped: list[tuple[int, str]] = []
    #: digits a clipping path cuts through, part of them shown: read as unknown
    halved: list[tuple[int, str]] = []
    #: text drawn twice over itself a little apart, more than bold: read as unknown
    smeared: list[tuple[int, str]] = []
    #: white text on a pattern (whose colour is not known): read as unknown
    on_pattern: list[tuple[int, str]] = []
    #: text set at TINY_POINTS or less, left out
    small: list[tuple[int, str]] = []
    #: text drawn on a fill of nearly its own colour, and text a box painted over it hides:
    #: read as unknown characters (see _unknown_ink)
    faint: list[tuple[int, str]] = []
    covered: list[tuple[int, str]] = []
    pictured: list[tuple[int, str]] = []
    #: digits raised or lowered beside a number at its own size: read as unknown
    shifted: list[tuple[int, str]] = []
    #: digits set at half the size of a digit beside them or less: read as unknown
    dwarfed: list[tuple[int, str]] = []
    #: pages whose text is drawn sideways, read turned upright
    sideways: list[int] = []
    #: pages their /Rotate (or their drawing, upside down) shows turned, read turned upright
    upturned: list[int] = []
    visible = unmapped = 0
    #: the page before, held back until the page after it tells whether its last table runs on
    held: _Page | None = None
    for number in range(1, min(total, MAX_PAGES) + 1):
        page = pdf[number - 1]
        try:
            edges, has_images, hides, backdrops, doubts, clips, doubled = _drawing(
                page, patterned=patterned
            )
            chars, n_unmapped, slanted, turned, aside, upside = _chars(
                page, hides, type3=type3, against=against
            )
            if turned is not None:
                # the page's text shown turned from upright (a wide table set sideways on an
                # upright page, a page its /Rotate shows upside down): read as the page turned
                # to show it upright, as a viewer's "rotate page" would
                edges, has_images, hides, backdrops, doubts, clips, doubled = _drawing(
                    page, turned, patterned
                )
                chars, n_unmapped, slanted, _, aside, upside = _chars(
                    page, hides, turned, type3, against
                )
                if page.get_rotation() or turned == 180:
                    upturned.append(number)
                else:
                    sideways.append(number)
            if aside:
                out.flag(
                    codes.CELLS_UNPLACED if any(ch.isdigit() for ch in aside) else codes.INCOMPLETE,
                    f"document: page {number}: {len(aside)} characters drawn a quarter turn from "
                    "upright among upright text (a table or a note set sideways on the page: "
                    f"'{aside[:20]}'{'…' if len(aside) > 20 else ''}): not read",
                )
            if upside:
                out.flag(
                    codes.CELLS_UNPLACED,
                    f"document: page {number}: digits drawn upside down or on their side among "
                    f"upright text ('{upside[:20]}'{'…' if len(upside) > 20 else ''}: read as "
                    "the page stands they run backwards, 57 read 75, or join a figure): read as "
                    "unknown characters",
                )
        finally:
            page.close()
        if clips:
            chars = _clip_chars(chars, clips, number, clipped, halved)
        if doubled and (twice := _twice_read(chars, doubled)):
            smeared.append((number, "".join(c.text for c in twice)))
            gone = {id(c) for c in twice}
            chars = [replace(c, text="\ufffd") if id(c) in gone else c for c in chars]
        if any(c.tiny for c in chars):
            small.append((number, "".join(c.text for c in chars if c.tiny)))
            chars = [c for c in chars if not c.tiny]
        if any(c.white for c in chars):
            lost = [c for c in chars if c.white and not _on_backdrop(c, backdrops)]
            if lost:
                white.append((number, "".join(c.text for c in lost)))
                gone = {id(c) for c in lost}
                chars = [c for c in chars if id(c) not in gone]
            if unsure := {id(c) for c in chars if c.white and _on_pattern(c, backdrops)}:
                on_pattern.append((number, "".join(c.text for c in chars if id(c) in unsure)))
                chars = [replace(c, text="\ufffd") if id(c) in unsure else c for c in chars]
        if doubts:
            chars = _unknown_ink(chars, doubts, backdrops, number, faint, covered, pictured)
        chars = _shifted_digits(chars, number, shifted, dwarfed, edges)
        if any(c.hidden for c in chars):
            # invisible text over a picture is what the picture shows, as OCR read it (a
            # scan's text layer); beside the pictures (an old 5 left invisible by a 7 on a
            # page that has a logo or a seal elsewhere) no one sees it: it read 57, unflagged
            lost = [c for c in chars if c.hidden and not _on_picture(c, has_images)]
            if len(lost) < sum(c.hidden for c in chars):
                ocr_pages.append(number)
            if lost:
                unseen.append((number, "".join(c.text for c in lost)))
                gone = {id(c) for c in lost}
                chars = [c for c in chars if id(c) not in gone]
        visible += len(chars)
        unmapped += n_unmapped
        if slanted:
            watermarks.append((number, slanted))
        if len(chars) < SCAN_CHARS_PER_PAGE:
            if has_images:
                image_pages.append(number)
            if held is not None:
                out.emit(held)
                held = None
            continue
        if struck := _struck(chars, edges):
            crossed.append((number, "".join(chars[k].text for k in struck)))
            chars = [c for k, c in enumerate(chars) if k not in struck]
        this = _page(number, chars, grid.find_tables(edges), out)
        if held is not None:
            _run_on(held, this, out)
            out.emit(held)
        held = this
    if held is not None:
        out.emit(held)
    if visible < SCAN_CHARS_PER_PAGE * min(total, MAX_PAGES) and unseen:
        raise DocumentError(
            "the PDF's text is drawn invisible (text render mode 3) over no picture of the "
            f"page: its {total} page(s) show none of it "
            f"({sum(len(t) for _, t in unseen)} characters); not read"
        )
    if visible < SCAN_CHARS_PER_PAGE * min(total, MAX_PAGES):
        raise DocumentError(
            f"a scan: the PDF's {total} page(s) have no text layer "
            f"({visible} characters in all); its tables are images and need OCR"
        )
    if unmapped > UNMAPPED_SHARE * (visible + unmapped):
        raise DocumentError(
            "the PDF's fonts have no Unicode mapping: its text cannot be read "
            f"({unmapped} of {visible + unmapped} characters unmapped)"
        )
    if against:
        out.problems.append(
            "document: a font's ToUnicode map gives glyphs its encoding names digits as other "
            f"characters ({', '.join(sorted(''.join(sorted(s)) for s in against.values()))[:40]}"
            "): those characters in that font are kept as '\ufffd'"
        )
    if unmapped:
        out.flag(
            codes.ENCODING_DAMAGED,
            f"document: {unmapped} character(s) have no Unicode mapping in their font (kept as "
            "'\ufffd'): a cell or line holding one is not read as it stands",
        )
    if watermarks:
        pages = ", ".join(str(n) for n, _ in watermarks)
        sample = watermarks[0][1]
        out.problems.append(
            f"document: page(s) {pages}: text drawn at a slant over the page (a watermark or a "
            f"seal: '{sample[:20]}'{'…' if len(sample) > 20 else ''}) is left out"
        )
    if unseen:
        out.problems.append(
            _left_out(unseen, "text drawn invisible over no picture (no one sees it")
        )
    if sideways:
        out.problems.append(
            f"document: page(s) {', '.join(map(str, sideways))}: the text is drawn a quarter "
            "turn from upright (a table set sideways on the page, which the page itself does "
            "not turn): read turned upright"
        )
    if upturned:
        out.problems.append(
            f"document: page(s) {', '.join(map(str, upturned))}: the page is shown with its "
            "text turned from upright (its /Rotate turns it sideways or upside down, or it is "
            "drawn so): read turned upright"
        )
    if white:
        out.problems.append(
            _left_out(white, "text drawn white over nothing dark (no one sees it on the paper")
        )
    if small:
        out.problems.append(_left_out(small, "text set at 2 pt or less (no one reads it"))
    if clipped:
        out.problems.append(
            _left_out(clipped, "text drawn outside the clipping path it is drawn in (not shown")
        )
    for found, what in (
        (
            faint,
            (
                "text drawn on a fill of nearly its own colour, or nearly transparent (white "
                "on light grey, black on black, ink at a tenth of its opacity: whether a "
                "reader sees it, and what, is not known"
            ),
        ),
        (covered, "text under an opaque box painted over it (a redaction: no reader sees it"),
        (
            halved,
            (
                "digits a clipping path cuts through (part of each shown: which digit a "
                "reader sees is not known"
            ),
        ),
        (
            on_pattern,
            (
                "text drawn white on a pattern (a picture the page tiles, as a web page's "
                "background image prints: its colours are not known, nor whether a reader sees it"
            ),
        ),
        (
            smeared,
            (
                "text drawn twice over itself a little apart, more than bold is (two copies "
                "half a glyph apart: what a reader makes of it is not known"
            ),
        ),
        (
            shifted,
            (
                "a digit set raised or lowered beside a number at the number's own size (a "
                "footnote's mark or a digit of the figure: which is not known"
            ),
        ),
        (
            dwarfed,
            (
                "a digit set at half the size of the digit beside it or less (an old figure "
                "left tiny beside the one shown, or a mark: which is not known"
            ),
        ),
        (
            pictured,
            (
                "text under a picture painted over it (a patch pasted over an old figure, a "
                "redaction: what a reader sees there is the picture"
            ),
        ),
    ):
        if found:
            out.flag(
                codes.CELLS_UNPLACED,
                _left_out(found, what).removesuffix("is left out")
                + "is read as unknown characters: a cell holding it is not read",
            )
    if ocr_pages:
        out.problems.append(
            f"document: page(s) {', '.join(map(str, ocr_pages))}: the text is drawn invisible "
            "over a picture of the page (a scan with a text layer OCR made): its numbers are "
            "OCR's reading of the picture"
        )
    if crossed:
        out.problems.append(
            _left_out(crossed, "text struck through (a revision shown as deleted, or crossed out")
        )
    if image_pages:
        out.flag(
            codes.INCOMPLETE,
            "document: PDF page(s) "
            + ", ".join(map(str, image_pages))
            + " have no text layer (scanned or pasted as images); what they show is not read",
        )
    if total > MAX_PAGES:
        out.flag(
            codes.INCOMPLETE,
            f"document: only the first {MAX_PAGES} of the PDF's {total} pages read",
        )
    head = Head(
        title=meta.get("Title") or None,
        meta={k: v for k, v in (("creationdate", _pdf_date(meta.get("CreationDate"))),) if v},
    )
    return Document(
        kind="pdf",
        tokens=tuple(out.tokens),
        head=head,
        text="\n".join(out.texts) + "\n",
        problems=tuple(out.problems),
        codes=frozenset(out.problems.codes),
        pages=min(total, MAX_PAGES),
        locations=out.locations,
    )


def _left_out(found: list[tuple[int, str]], what: str) -> str:
    """The problem line for text left out of pages: which pages, what it is, a sample."""
    pages = ", ".join(str(n) for n, _ in found)
    sample = " ".join(t for _, t in found)
    return (
        f"document: page(s) {pages}: {what}: '{sample[:20]}'{'…' if len(sample) > 20 else ''}) "
        "is left out"
    )


@dataclass
class _TCell:
    """A ruled table's cell with its text, once the page's characters are gone."""

    text: str
    x0: float
    x1: float
    bottom: float
    row: int
    col: int


@dataclass
class _Table:
    rows: list[list[_TCell]]
    bottom: float
    #: cells of a row joined to the page before that run on below it (a merged cell): not
    #: read again, but where the table's columns stand when it runs on to the next page
    joined: list[_TCell] = field(default_factory=list)
    #: the rows a continuation on the next page may print again at its top
    head: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class _Page:
    number: int
    blocks: list[_Table | list[str]]

    def first_table(self) -> _Table | None:
        """The table the page opens with (after at most a running header's lines)."""
        for k, block in enumerate(self.blocks):
            if isinstance(block, _Table):
                return block if _only_lines_before(self.blocks, k) else None
        return None

    def last_table(self) -> _Table | None:
        """The table the page ends with (before at most a running footer's lines)."""
        for k in range(len(self.blocks) - 1, -1, -1):
            if isinstance(self.blocks[k], _Table):
                return self.blocks[k] if _only_lines_after(self.blocks, k) else None  # type: ignore[return-value]
        return None


@dataclass
class _Out:
    """The document's token stream as it is written, page by page."""

    tokens: list[Token] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    locations: dict[tuple[int, int, int], Location] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    table_no: int = 0

    def flag(self, code: str, line: str) -> None:
        self.problems.flag(code, line)

    def emit(self, page: _Page) -> None:
        line_no = 0
        for block in page.blocks:
            if isinstance(block, _Table):
                if not block.rows:
                    continue
                self.table_no += 1
                line_no = self._table(block.rows, page.number, line_no)
                continue
            first = line_no + 1
            line_no += len(block)
            self.texts += block
            for t in text_tokens("\n".join(block) + "\n"):
                if t.kind != END:
                    # text_tokens numbers the lines of each run from 1: one number for the
                    # page and the line on it, told apart again by `locations`
                    line = first + (t.tr or 1) - 1
                    t = t._replace(table=0, tr=page.number * _LINES + line)
                    self.locations[(0, t.tr, t.td or 1)] = (page.number, line, t.td or 1)
                self.tokens.append(t)

    def _table(self, rows: list[list[_TCell]], page: int, line_no: int) -> int:
        """A ruled table as the reader's table cells: a row per table row, each cell once."""
        for row in rows:
            line_no += 1
            for cell in row:
                self.tokens.append(
                    Token(CELL, cell.text, self.table_no, cell.row + 1, cell.col + 1)
                )
                self.texts.append(cell.text)
                self.locations[(self.table_no, cell.row + 1, cell.col + 1)] = (
                    page,
                    line_no,
                    cell.col + 1,
                )
            self.tokens.append(ROW_END)
        return line_no


def _page(number: int, chars: list[_Char], tables: list[grid.Table], out: _Out) -> _Page:
    """The page's blocks, its tables as rows of texts; a table or line whose characters are
    drawn over one another is left out with its reason."""
    drawn_over = _drawn_over(chars)
    found, lost_lines, withheld = _blocks(chars, tables, drawn_over)
    blocks: list[_Table | list[str]] = []
    for block in found:
        if isinstance(block, grid.Table):
            if any(id(ch) in drawn_over for c in block.cells for ch in c.chars):
                rows = [_row_texts(r) for r in _rows(block)]
                said = " | ".join(" ".join(t for t in r if t) for r in rows[:2])[:80]
                out.flag(
                    codes.CELLS_UNPLACED
                    if any(ch.isdigit() for r in rows for t in r for ch in t)
                    else codes.INCOMPLETE,
                    f"document: page {number}: a table ({said} …) whose characters are drawn "
                    "over one another (the text cannot be read in order, a cell's text may "
                    "stand in another cell): not read",
                )
                continue
            rows = [
                [
                    _TCell(text, c.x0, c.x1, c.bottom, c.row, c.col)
                    for c, text in zip(r, _row_texts(r), strict=True)
                ]
                for r in _rows(block)
            ]
            blocks.append(_Table(rows, block.bottom))
        else:
            blocks.append(block)
    page = _Page(number, blocks)
    if withheld:
        shown = " | ".join(withheld)
        out.flag(
            codes.CELLS_UNPLACED,
            f"document: page {number}: a table without rules down whose row labels are wrapped "
            "over lines that stand between its rows or run into one another "
            f"({shown[:80]}{'…' if len(shown) > 80 else ''}): which row a line's numbers belong "
            f"to is not certain, so the numbers of its {len(withheld)} rows are not read",
        )
    for lost in lost_lines:
        out.flag(
            codes.CELLS_UNPLACED if any(ch.isdigit() for ch in lost) else codes.INCOMPLETE,
            f"document: page {number}: a line whose characters are drawn over one another "
            f"({lost[:60]!r}): not read",
        )
    return page


def _run_on(before: _Page, after: _Page, out: _Out) -> None:
    """A table that runs from the end of one page on to the top of the next: its header rows
    printed again at the top are left out, and a row the page break cut in two is one row
    again, or, where that is not certain, neither part is read."""
    last, first = before.last_table(), after.first_table()
    if last is not None and last.head:
        head = last.head
    elif last is not None:
        head = [tuple(c.text for c in r) for r in last.rows[:_HEAD_ROWS]]
    else:
        head = []
    if first is None or last is None or not last.rows:
        if first is not None:
            first.head = []
        return
    # a table run over from the last page with its header rows printed again (Word's repeated
    # header rows, a browser's <thead>): not rows of the report
    first.rows = _without_repeated_head(first.rows, head)
    first.head = head
    if not first.rows:
        return
    cut = [
        c
        for c in itertools.chain(itertools.chain.from_iterable(last.rows), last.joined)
        if abs(c.bottom - last.bottom) <= grid.SNAP
    ]
    cut.sort(key=lambda c: c.x0)
    pieces = [cut_rows.Piece(c.text, c.x0, c.x1) for c in cut]
    below = first.rows[0]
    decision, where = cut_rows.decide(pieces, [cut_rows.Piece(c.text, c.x0, c.x1) for c in below])
    if decision == cut_rows.TWO_ROWS:
        return
    if decision == cut_rows.JOIN:
        assert where is not None
        for k, cell in zip(where, below, strict=True):
            if cell.text:
                above = cut[k]
                above.text = _joined(above.text, cell.text)
        _pop_first(first)
        return
    above_texts = " ".join(c.text for c in last.rows[-1] if c.text)
    below_texts = " ".join(c.text for c in below if c.text)
    out.flag(
        codes.CELLS_UNPLACED
        if any(ch.isdigit() for ch in above_texts + below_texts)
        else codes.INCOMPLETE,
        f"document: page {before.number}'s last table row ({above_texts[:60]}) may run on "
        f"into page {after.number}'s first row ({below_texts[:60]}): which cells belong "
        "together is not certain, so neither row is read",
    )
    last.rows.pop()
    _pop_first(first)


def _pop_first(table: _Table) -> None:
    """The table without its first row, whose merged cells that run on below it are kept as
    the places of their columns."""
    row = table.rows.pop(0)
    bottom = min(c.bottom for c in row)
    table.joined = [
        _TCell("", c.x0, c.x1, c.bottom, c.row, c.col) for c in row if c.bottom > bottom + grid.SNAP
    ]


def _joined(top: str, rest: str) -> str:
    """A cell's text on two pages as one: no space between two pieces of Chinese."""
    if not top:
        return rest
    return top + ("" if _cjk(top[-1]) and _cjk(rest[0]) else " ") + rest


#: text lines are numbered page * _LINES + line on the page in the token stream
_LINES = 100_000


def _pdf_date(value: str | None) -> str | None:
    m = _PDF_DATE.match(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _chars(
    page,
    hides: bool = False,
    rotation: int | None = None,
    type3: dict[int, str] | None = None,
    against: dict[str, set[str]] | None = None,
) -> tuple[list[_Char], int, str, int | None, str, str]:
    """The page's visible characters in display coordinates, how many of them PDFium could not
    map to Unicode, the text of the characters drawn at a slant that are left out, the turn
    (as /Rotate gives it) that would show the page's text upright where SIDEWAYS_SHARE of its
    characters are shown turned from upright (_upright_turn; None where they are not, or where
    `rotation`, the page's turn, is given), the text of fewer such characters drawn a quarter
    turn (SCAN_CHARS_PER_PAGE or more), left out, and of digits drawn upside down (or on
    their side, fewer than that) among upright text, kept as U+FFFD.

    A watermark (仅供参考, 内部资料, the agency's name) is written across the page at a slant,
    over the tables: read, its characters stand in cells and lines and the page cannot be read
    in order. Text at a slant other than a quarter turn is a watermark or a seal's ring of
    characters, never a report's text, so it is left out, unless most of the page is slanted
    (a page printed askew is read as it is, or not at all)."""
    from pypdfium2 import raw

    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        given = rotation is not None
        rotation = page.get_rotation() % 360 if rotation is None else rotation
        n = raw.FPDFText_CountChars(textpage)
        if n <= 0:
            return [], 0, "", None, "", ""
        # the whole text in one call: one UTF-16 unit per character index
        buffer = ctypes.create_string_buffer((n + 1) * 2)
        written = raw.FPDFText_GetText(
            textpage, 0, n, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
        )
        text = buffer.raw[: n * 2].decode("utf-16-le", errors="replace")
        if written != n + 1:
            # PDFium's text leaves out the codes 2 and 3 a font maps to nothing (a Type3
            # font's glyphs at codes from 1): every character after them stood at the place
            # of the one two on, its box another's. Character by character, as PDFium has them
            codes = (raw.FPDFText_GetUnicode(textpage, i) for i in range(n))
            text = "".join("\ufffd" if 0xD800 <= u < 0xE000 else chr(u) for u in codes)
        rect = raw.FS_RECTF()
        box, angle = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharAngle
        text_object, render_mode = raw.FPDFText_GetTextObject, raw.FPDFTextObj_GetTextRenderMode
        unmapped_digit = raw.FPDFText_HasUnicodeMapError
        #: text object -> (drawn invisible, drawn white) (one object holds many characters)
        ink: dict[int, tuple[bool, bool]] = {0: (False, False)}
        rgba = tuple(ctypes.c_uint() for _ in range(4))
        matrix = raw.FS_MATRIX()
        chars: list[_Char] = []
        slanted: list[int] = []  # places in `chars`
        quarters = [0, 0, 0, 0]  # characters drawn at each quarter turn but upright
        sideways: list[int] = []  # places in `chars` of those at 90 or 270 degrees
        upside: list[int] = []  # places in `chars` of those at 180 degrees
        unmapped = 0
        for i, ch in enumerate(text):
            if (
                "\x00" < ch < "\u0100"
                and ch != " "
                and unmapped_digit(textpage, i)
                and (ch.isdigit() or unicodedata.category(ch) == "Cc" or _nameless(textpage, i))
            ):
                # a character PDFium gives from its code alone: its font maps no character to
                # it (a Type3 font, or glyphs named g5, without a ToUnicode map); its glyph may
                # draw any figure, and 57 was read where the page showed two shapes no one had
                # named. A code below 32 gave a control character or a tab, left out unsaid
                # (1, a Type3 font's 6213 and 1 read 11), one of 65 a letter (the figure read
                # as a word). Where the file's Type3 fonts name the code a digit (/five,
                # /uni0035) and the character's font is one (no name of its own), that digit
                # is what it draws
                ch = type3.get(ord(ch), "\ufffd") if type3 and _nameless(textpage, i) else "\ufffd"
            elif (
                against
                and any(ch in said for said in against.values())
                and ch in against.get(_font_name(textpage, i), ())
            ):
                # a character the font's ToUnicode map gives a glyph its encoding names a
                # digit (_mapped_against): 57 read %' or 75. What it draws is not certain
                ch = "\ufffd"
            elif ch.isspace() and not _inked_space(textpage, i):
                continue  # PDFium's own spaces and line ends; gaps are measured instead
            elif ch.isspace():
                # a glyph that draws ink, which its font's ToUnicode map gives as a space
                # (57's shapes mapped to U+0020: the cell read blank, nothing said): what it
                # draws is not known
                ch = "\ufffd"
            if ch == "\ufffd" or ch == "\x00" or "\ue000" <= ch <= "\uf8ff":
                # a glyph without a Unicode mapping keeps its place as U+FFFD: dropped, the
                # digits around it would close up into another number ("1?2" read as 12)
                unmapped += 1
                ch = "\ufffd"
            elif unicodedata.category(ch)[0] == "C":
                continue
            if not box(textpage, i, rect):
                continue
            # (a character PDFium makes up, of no text object, has no size of its own)
            tiny = (
                max(rect.right - rect.left, rect.top - rect.bottom) < _TINY_BOX
                and bool(text_object(textpage, i))
                and _shown_size(textpage, i, matrix) <= TINY_POINTS
            )
            turn = angle(textpage, i)
            if turn > 0 and SLANT < (turn % _QUARTER) < _QUARTER - SLANT:
                slanted.append(len(chars))
            else:
                # as the page shows it: its /Rotate turns it on (clockwise, as PDFium's angle)
                quarter = (round(max(turn, 0) / _QUARTER) + rotation // 90) % 4
                quarters[quarter] += 1
                if turn > 0 and quarter % 2:
                    sideways.append(len(chars))
                elif turn > 0 and quarter == 2:
                    upside.append(len(chars))
            where = 0
            if hides:  # the page draws some text invisible or white: which characters
                held = text_object(textpage, i)
                where = ctypes.cast(held, ctypes.c_void_p).value or 0
                if where not in ink:
                    mode = render_mode(held) if held else 0
                    ink[where] = (mode == _INVISIBLE, bool(held) and _white_ink(held, mode, rgba))
            if rotation:
                x0, top, x1, bottom = _display(
                    rect.left, rect.bottom, rect.right, rect.top, width, height, rotation
                )
                chars.append(_Char(ch, x0, top, x1, bottom, *ink[where], where, tiny))
            else:
                chars.append(
                    _Char(
                        ch,
                        rect.left,
                        height - rect.top,
                        rect.right,
                        height - rect.bottom,
                        *ink[where],
                        where,
                        tiny,
                    )
                )
    finally:
        textpage.close()
    turned = None if given else _upright_turn(quarters, len(chars) - len(slanted), rotation)
    # sideways text among upright text: read across the page, its characters stand one under
    # the other and its lines cross the upright ones
    aside = (
        sideways if not given and turned is None and len(sideways) >= SCAN_CHARS_PER_PAGE else []
    )
    # a figure drawn upside down among upright text (a stamp, a writer's slip): read as the
    # page stands its digits run backwards (57 read 75) on a line of their own; a digit drawn
    # on its side among upright text (fewer than make a sideways table) joined the figure
    # beside it (579 for 57)
    turned_digits: list[str] = []
    if given or turned is None:
        if not any(chars[k].text.isdigit() for k in upside):
            upside = []
        if not aside:
            upside += [k for k in sideways if chars[k].text.isdigit()]
        # (kept in place as unknown: the figure beside one is not read either)
        turned_digits = [chars[k].text for k in upside]
        for k in upside:
            chars[k] = replace(chars[k], text="\ufffd")
    else:
        upside = []
    if slanted and len(slanted) * 2 <= len(chars):
        drop = set(slanted) | set(aside)
        slanted_text = "".join(chars[k].text for k in slanted)
    else:
        drop, slanted_text = set(aside), ""
    kept = [c for k, c in enumerate(chars) if k not in drop] if drop else chars
    if hides:
        kept = _drawn_last(page, kept, rgba)
    return (
        kept,
        unmapped,
        slanted_text,
        turned,
        "".join(chars[k].text for k in aside),
        "".join(turned_digits),
    )


#: a font size (points, as the page shows it) no reader reads: 2 pt and under, as a Word
#: file's (word.TINY_HALF_POINTS). An old figure left beside the new one at 1 pt (Word's least,
#: printed to PDF), or a web page's font-size:1px printed, read 57 for a shown 7
TINY_POINTS = 2.0
#: a character's box (pt) under this across and up is measured for its size (_shown_size):
#: text a reader reads has a box of 6 pt and more
_TINY_BOX = 6.0


def _shown_size(textpage, i: int, matrix) -> float:
    """The size a character's font is shown at: its size times the scale its matrix (the
    text matrix and the page's and forms' transformations) draws it at (`matrix`: an
    FS_MATRIX to read it in)."""
    from pypdfium2 import raw

    size = raw.FPDFText_GetFontSize(textpage, i)
    if not raw.FPDFText_GetMatrix(textpage, i, matrix):
        return size
    return size * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))


#: how many text objects painted before one that gave no characters are looked at for the
#: object it draws again (PDFium looks at the five before it)
_AGAIN_REACH = 8


def _drawn_last(page, chars: list[_Char], rgba: tuple) -> list[_Char]:
    """The characters as the last text object drawing them shows them. PDFium reads a text
    object that draws the same characters where one painted shortly before drew them as that
    one again, and gives none of its own: a shadow painted first (a web page's text-shadow in
    white or light grey under black text, printed by Chromium; Word's shadow effect) gave the
    characters and its ink, and the text shown over it was judged by the shadow's (left out as
    white on paper, unknown as too faint). A reader sees the one painted last, over it: its
    ink is theirs (`rgba`: four c_uint)."""
    from pypdfium2 import raw

    given = {c.obj for c in chars}
    texts = []
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
            texts.append((ctypes.cast(obj, ctypes.c_void_p).value or 0, obj))
    if all(address in given for address, _ in texts):
        return chars

    def place(obj) -> tuple[float, ...] | None:
        box = [ctypes.c_float() for _ in range(5)]
        if not raw.FPDFPageObj_GetBounds(obj, *box[:4]):
            return None
        if not raw.FPDFTextObj_GetFontSize(obj, box[4]):
            return None
        return tuple(b.value for b in box)

    last: dict[int, tuple[int, object]] = {}  # object that gave characters -> drawn again by
    for k, (address, obj) in enumerate(texts):
        if address in given or (again := place(obj)) is None:
            continue
        for first, earlier in reversed(texts[max(0, k - _AGAIN_REACH) : k]):
            if first not in given or (drawn := place(earlier)) is None:
                continue
            across = min(drawn[2], again[2]) - max(drawn[0], again[0])
            width = drawn[2] - drawn[0]
            if (
                across > 0
                and abs(across - width) <= width / 2
                and min(drawn[3], again[3]) > max(drawn[1], again[1])
                and abs(drawn[4] - again[4]) < 0.01
            ):
                last[first] = (address, obj)  # the later painted wins
                break
    if not last:
        return chars
    ink = {}
    for first, (address, obj) in last.items():
        mode = raw.FPDFTextObj_GetTextRenderMode(obj)
        ink[first] = (mode == _INVISIBLE, _white_ink(obj, mode, rgba), address)
    return [
        replace(c, hidden=ink[c.obj][0], white=ink[c.obj][1], obj=ink[c.obj][2])
        if c.obj in ink
        else c
        for c in chars
    ]


#: the share of a page's characters drawn a quarter turn from upright that makes it a page set
#: sideways (its page number, a title or a note may stand upright)
SIDEWAYS_SHARE = 0.8


def _upright_turn(quarters: list[int], total: int, rotation: int) -> int | None:
    """The turn (as /Rotate gives it: 0, 90, 180 or 270) that shows upright the page's text,
    where SIDEWAYS_SHARE of its `total` characters are shown (`quarters`: how many at each
    quarter turn, clockwise, after the page's own turn `rotation`) turned from upright; else
    None, the page read as it is shown. A table drawn sideways with no /Rotate, a page whose
    /Rotate 180 shows its upright text upside down (a scanner's "turn page" saved into the
    file), a page drawn upside down: a reader turns the paper and reads it. Read as shown, a
    /Rotate 180 page's lines ran backwards ('75 wen' for 'new 57') and its figures were lost
    with no word said."""
    if total < SCAN_CHARS_PER_PAGE:
        return None
    for quarter in (1, 2, 3):
        if quarters[quarter] >= SIDEWAYS_SHARE * total:
            return (rotation - 90 * quarter) % 360
    return None


def _struck(chars: list[_Char], edges: list[grid.Edge]) -> set[int]:
    """The characters a line is drawn through, across their middle: text struck out. Word and
    LibreOffice print a report's tracked revisions when markup is shown, the deleted number
    struck through beside the inserted one (`7̶1` reads 71); a struck number is no value.
    A strike line runs from the first struck character to the last and no further; an
    underline (inserted text) runs below the middle; a table's rule runs on past the text
    (the cell's padding, the next cells), so it strikes nothing even where glyphs overlap it."""
    lines = sorted((e.at, e.a, e.b) for e in edges if e.horizontal)
    if not lines:
        return set()
    ys = [y for y, _, _ in lines]
    crossed: dict[int, list[int]] = defaultdict(list)
    for k, c in enumerate(chars):
        height = c.bottom - c.top
        lo = bisect.bisect_left(ys, c.top + 0.3 * height)
        hi = bisect.bisect_right(ys, c.bottom - 0.3 * height)
        for n in range(lo, hi):
            if lines[n][1] <= c.cx <= lines[n][2]:
                crossed[n].append(k)
    struck: set[int] = set()
    for n, ks in crossed.items():
        _, a, b = lines[n]
        slack = 0.5 + 0.25 * max(chars[k].bottom - chars[k].top for k in ks)
        if (
            abs(min(chars[k].x0 for k in ks) - a) <= slack
            and abs(b - max(chars[k].x1 for k in ks)) <= slack
        ):
            struck.update(ks)
    return struck


def _display(
    left: float, bottom: float, right: float, top: float, w: float, h: float, rotation: int
) -> tuple[float, float, float, float]:
    """A box in PDF space (origin bottom left) as the page is shown: (x0, top, x1, bottom),
    y growing downwards, after the page's /Rotate."""
    xs, ys = [], []
    for x, y in ((left, bottom), (right, top)):
        if rotation == 90:
            x, y = y, x
        elif rotation == 180:
            x = w - x
        elif rotation == 270:
            x, y = h - y, w - x
        else:
            y = h - y
        xs.append(x)
        ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


def _drawing(
    page, rotation: int | None = None, patterned: bool = False
) -> tuple[list[grid.Edge], list, bool, list | None, dict[int, tuple[int, list]], dict, list]:
    """The page's borders (horizontal and vertical pieces of every stroked or non-white filled
    path), where the page's pictures stand (display boxes, _ANYWHERE for one whose place is
    not known), whether it draws text invisible or white or some text that may not be seen,
    what text may be seen on (the boxes of its fills and pictures in
    the order painted, each with whether it may be dark, its place in that order and its
    colour, None where not known; in display coordinates; None where they are not known: a
    picture in a form), the text objects that may not be seen (see _doubted), the boxes of
    the clipping paths text objects reach out of (_clipped) and the text objects drawn twice
    over themselves (_drawn_twice); one pass over its objects."""
    from pypdfium2 import raw

    width, height = page.get_size()
    rotation = page.get_rotation() % 360 if rotation is None else rotation
    crop = _crop(page)
    edges: list[grid.Edge] = []
    hides = False
    #: the boxes of the page's pictures, in display coordinates (_ANYWHERE: one in a form)
    pictures_at: list[tuple[float, float, float, float]] = []
    # filled rectangles: white ones, and the others. A table drawn as white cells on a dark
    # background (an old web page's <table bgcolor=#000 cellspacing=1> printed to PDF) has no
    # border drawn at all: the gaps between the cells are its rules, so a white rectangle on
    # a dark one gives its sides as borders
    whites: list[tuple[float, float, float, float]] = []
    fills: list[tuple[float, float, float, float]] = []
    bounds = [ctypes.c_float() for _ in range(4)]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    get_bounds, draw_mode = raw.FPDFPageObj_GetBounds, raw.FPDFPath_GetDrawMode
    backdrops: list | None = []
    rgba = tuple(ctypes.c_uint() for _ in range(4))
    render_mode, get_fill = raw.FPDFTextObj_GetTextRenderMode, raw.FPDFPageObj_GetFillColor
    #: text objects: (place in the order painted, object, its colours, its box on the page
    #: where a form draws it, else None: the object's own bounds)
    inks: list[tuple[int, object, list, tuple | None]] = []
    #: filled rectangles: (place in the order painted, box, colour)
    rects: list[tuple[int, tuple[float, float, float, float], tuple[int, int, int, int]]] = []
    #: pictures painted opaque: (place in the order painted, box, object)
    pictures: list[tuple[int, tuple[float, float, float, float], object]] = []
    #: text objects in forms drawn at an opacity (a transparency group's, or their ink's) at
    #: which they may not be seen: judged on the paper alone, wherever they stand
    clear: dict[int, tuple[int, list]] = {}
    #: text objects drawn partly outside the clipping path that bounds them: its box
    clips: dict[int, tuple[float, float, float, float]] = {}
    #: the page's own text objects: their bounds (PDF space) and the object
    placed: list[tuple[float, float, float, float, object]] = []
    for order, (obj, matrix, kind, alpha) in enumerate(_objects(page.raw, None, 0)):
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            box = _on_page(obj, matrix, bounds)
            if box is None:
                backdrops = None
                pictures_at.append(_ANYWHERE)  # turned in a form: its place is not worked out
                continue
            left, bottom, right, top = box
            # (one in a form, a scan's page wrapped in one, is told anywhere, as before)
            pictures_at.append(
                _display(left, bottom, right, top, width, height, rotation)
                if matrix is None
                else _ANYWHERE
            )
            if backdrops is not None:
                # an opaque picture hides what it is painted over; one painted at an opacity
                # or in a blend shows it through (one with a soft mask, a seal's stamp over
                # the sign-off, is told where it covers text: _doubted). One a form paints (a
                # white patch pasted over an old figure as a form XObject) hides it as well
                opaque = alpha >= 1 and not raw.FPDFPageObj_HasTransparency(obj)
                backdrops.append((*box, True, order, _PICTURE if opaque else None))
                if opaque or (not rotation and alpha >= 1):
                    pictures.append((order, box, obj))
            continue
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            mode = render_mode(obj)
            if mode == 0:  # filled, as nearly all text is: its fill colour alone
                known = get_fill(obj, *rgba)
                colours = [tuple(c.value for c in rgba)] if known and rgba[3].value else []
                if not hides:
                    hides = known and (not colours or min(colours[0][:3]) >= _WHITE_CHANNEL)
            else:
                colours = _ink_colours(obj, mode, rgba)
                if not hides:
                    hides = mode == _INVISIBLE or _white_ink(obj, mode, rgba)
            if alpha < 1:
                colours = [(*c[:3], round(c[3] * alpha)) for c in colours]
            if (box := _clipped(obj, bounds, None if matrix else crop)) is not None and (
                box := _placed(box, matrix)
            ) is not None:
                # (in a form, its clipping path holds the form's /BBox: a figure the form
                # clips away is not drawn)
                clips[ctypes.cast(obj, ctypes.c_void_p).value or 0] = _display(
                    *box, width, height, rotation
                )
            if matrix is None and get_bounds(obj, *bounds):
                placed.append((*(b.value for b in bounds), obj))
            if matrix is None and colours:
                inks.append((order, obj, colours, None))
            elif (
                colours
                and min(c[3] for c in colours) < 255
                and all(_unseen(c, _PAPER) for c in colours)
            ):
                clear[ctypes.cast(obj, ctypes.c_void_p).value or 0] = (order, colours)
            elif colours and (box := _on_page(obj, matrix, bounds)) is not None:
                # text a form draws, at its place on the page: a box or picture the page
                # paints over it later hides it as it hides the page's own (an old 5 in a
                # form under a white patch beside the 7 shown read 57, no flag)
                inks.append((order, obj, colours, box))
            continue
        if not draw_mode(obj, fill, stroke) or not (fill.value or stroke.value):
            continue
        n = raw.FPDFPath_CountSegments(obj)
        if n <= 5 and matrix is None and get_bounds(obj, *bounds):
            # a rectangle (borders are drawn as one thin rectangle each): its bounds in one
            # call instead of a call per corner
            left, bottom, right, top = (b.value for b in bounds)
            if right - left < grid.SNAP or top - bottom < grid.SNAP:
                segments = [((left, (bottom + top) / 2), (right, (bottom + top) / 2))]
                if right - left < grid.SNAP:
                    segments = [(((left + right) / 2, bottom), ((left + right) / 2, top))]
            else:
                white = not stroke.value and _white(obj)
                if fill.value and not stroke.value:
                    (whites if white else fills).append((left, bottom, right, top))
                if fill.value and backdrops is not None:
                    _cover(
                        obj,
                        (left, bottom, right, top),
                        backdrops,
                        order,
                        rects,
                        patterned=patterned,
                    )
                if white:
                    continue  # a background, unless it lies on a dark one (below)
                segments = [
                    ((left, bottom), (right, bottom)),
                    ((left, top), (right, top)),
                    ((left, bottom), (left, top)),
                    ((right, bottom), (right, top)),
                ]
        elif (
            n <= 5
            and fill.value
            and backdrops is not None
            and (box := _on_page(obj, matrix, bounds)) is not None
            and _rectangle(obj, tuple(b.value for b in bounds))
        ):
            # a rectangle a form fills (a white patch drawn over an old figure as a form
            # XObject, a web page's box at an opacity printed as a transparency group): on
            # the page where its form puts it, as the page's own (an old 5 under it beside the
            # 7 shown read 57). Its sides are borders as a path's in a form are
            _cover(obj, box, backdrops, order, rects, alpha, rectangle=True, patterned=patterned)
            if not stroke.value and _white(obj):
                continue
            segments = _segments(obj, matrix, n)
        elif not stroke.value and _white(obj):
            continue
        else:
            segments = _segments(obj, matrix, n)
            if fill.value and backdrops is not None:
                # a filled shape text may stand on; inside a form its place is not worked out
                if matrix is not None or not get_bounds(obj, *bounds):
                    backdrops = None
                else:
                    _cover(
                        obj, tuple(b.value for b in bounds), backdrops, order, patterned=patterned
                    )
        edges += _edges(segments, width, height, rotation)
    for left, bottom, right, top in whites:
        if any(
            fl <= left
            and fb <= bottom
            and right <= fr
            and top <= ft
            and (fr - fl) * (ft - fb) > (right - left) * (top - bottom) * 1.05
            for fl, fb, fr, ft in fills
        ):
            edges += _edges(
                [
                    ((left, bottom), (right, bottom)),
                    ((left, top), (right, top)),
                    ((left, bottom), (left, top)),
                    ((right, bottom), (right, top)),
                ],
                width,
                height,
                rotation,
            )
    doubts: dict[int, tuple[int, list]] = {}
    if backdrops is not None:
        backdrops = [(*_display(*box[:4], width, height, rotation), *box[4:]) for box in backdrops]
        masks: dict[int, _Alpha] = {}
        doubts = _doubted(inks, rects, pictures, lambda obj: _see_through(page, obj), masks)
        # a picture with a mask of its own painted over text: told character by character
        backdrops = [(*b[:6], masks.get(b[5], b[6])) for b in backdrops]
        if hides and pictures:
            # white text on an opaque picture all of whose pixels are white (a white patch,
            # a blank picture behind a cell, a web page's white background image printed)
            # stands on nothing dark: an old 5 so left beside the 7 shown read 57, no flag
            blank = {order for order, _, obj in pictures if _blank(page, obj)}
            backdrops = [
                (*b[:4], False, *b[5:]) if b[6] is _PICTURE and b[5] in blank else b
                for b in backdrops
            ]
    doubts.update(clear)
    doubled = _drawn_twice(placed)
    return (
        edges,
        pictures_at,
        hides or bool(doubts) or bool(clips) or bool(doubled),
        backdrops,
        doubts,
        clips,
        doubled,
    )


#: a text object drawn again over itself this share of its height apart or less is bold (a
#: writer's way to embolden a font that has no bold face): a reader sees the text, thicker
BOLD_SHIFT = 0.15
#: ... and more than this share of its width apart, text set on after it
_TWICE_APART = 0.6
#: ... or, the same digits, reaching into the other copy's ink by more than this share of
#: their width (a writer's tight setting leaves digits' ink apart)
_INTO_INK = 0.05


def _drawn_twice(
    placed: list[tuple[float, float, float, float, object]],
) -> list[tuple[int, int, bool]]:
    """The pairs of text objects (their addresses) that may be one drawn a second time over themselves further apart
    than BOLD_SHIFT and less than _TWICE_APART of their width: boxes of one size in one font
    at one size, overlapping. PDFium keeps one of the two (it drops a text object the same as
    one just drawn within a space's width) and the text read the same as drawn once, but the
    paper shows two copies smeared half a glyph apart ('57' twice 3 pt apart): what a reader
    makes of it is not known. Each pair says whether the two are further apart than that but
    still reach into one another's ink by more than _INTO_INK of their width (a 5 drawn
    again 5 pt on, PDFium keeps both and they read 55): set text never does that."""
    from pypdfium2 import raw

    placed = sorted(placed, key=lambda p: p[0])
    found: list[tuple[int, int, bool]] = []
    size_a, size_b = ctypes.c_float(), ctypes.c_float()
    for n, (left, bottom, right, top, obj) in enumerate(placed):
        width, height = right - left, top - bottom
        near = left + _TWICE_APART * width
        for left2, bottom2, right2, top2, obj2 in placed[n + 1 :]:
            if left2 >= max(near, right - _INTO_INK * width):
                break
            dx, dy = left2 - left, abs(bottom2 - bottom)
            if (
                abs(right2 - left2 - width) > 0.05 * width
                or abs(top2 - bottom2 - height) > 0.05 * height
                or max(dx, dy) <= BOLD_SHIFT * height
                or dy >= _TWICE_APART * height
            ):
                continue
            if (
                _address(raw.FPDFTextObj_GetFont(obj)) == _address(raw.FPDFTextObj_GetFont(obj2))
                and raw.FPDFTextObj_GetFontSize(obj, size_a)
                and raw.FPDFTextObj_GetFontSize(obj2, size_b)
                and size_a.value == size_b.value
            ):
                found.append((_address(obj), _address(obj2), left2 >= near))
    return found


def _twice_read(chars: list[_Char], pairs: list[tuple[int, int, bool]]) -> list[_Char]:
    """The characters of the text objects `pairs` draws twice over themselves (_drawn_twice)
    where the two hold the same text, or one none (PDFium kept the other): two glyphs of a
    vertical heading, stacked a little closer than their boxes are high, are no such pair.
    A pair further apart than _TWICE_APART counts only where both hold the same digits."""
    texts: dict[int, str] = defaultdict(str)
    for c in chars:
        texts[c.obj] += c.text
    twice = {
        one
        for a, b, far in pairs
        if (
            texts.get(a, "") == texts.get(b, "") and any(ch.isdigit() for ch in texts.get(a, ""))
            if far
            else texts.get(a, "") == texts.get(b, "") or not texts.get(a) or not texts.get(b)
        )
        for one in (a, b)
    }
    return [c for c in chars if c.obj in twice]


def _address(handle) -> int:
    """A PDFium handle's address (ctypes pointers to one object compare unequal)."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _clipped(
    obj, bounds: list, crop: tuple[float, float, float, float] | None = None
) -> tuple[float, float, float, float] | None:
    """The box (PDF space) of the clipping path a text object is drawn in, where the object
    reaches outside it; else None. What a clip cuts away is not drawn: an old figure left in
    a cell and clipped away beside the new one (a layout's overflow hidden) read into it. Each
    of the clip's paths bounds it (their boxes' overlap; a shape other than a rectangle is
    taken as its box, so nothing it shows is left out). `crop`: the page's /CropBox where it
    is less than the paper (PDF space), which bounds every object the page draws as a clip
    does: one through a table's row showed the digits' feet alone, read whole."""
    from pypdfium2 import raw

    clip = raw.FPDFPageObj_GetClipPath(obj)
    if not (clip or crop) or not raw.FPDFPageObj_GetBounds(obj, *bounds):
        return None
    box = list(crop) if crop else [-math.inf, -math.inf, math.inf, math.inf]
    x, y = ctypes.c_float(), ctypes.c_float()
    for k in range(raw.FPDFClipPath_CountPaths(clip) if clip else 0):
        xs, ys = [], []
        for n in range(raw.FPDFClipPath_CountPathSegments(clip, k)):
            if raw.FPDFPathSegment_GetPoint(raw.FPDFClipPath_GetPathSegment(clip, k, n), x, y):
                xs.append(x.value)
                ys.append(y.value)
        if xs:
            box = [
                max(box[0], min(xs)),
                max(box[1], min(ys)),
                min(box[2], max(xs)),
                min(box[3], max(ys)),
            ]
    left, bottom, right, top = (b.value for b in bounds)
    slack = 0.5
    if (
        left >= box[0] - slack
        and bottom >= box[1] - slack
        and right <= box[2] + slack
        and top <= box[3] + slack
    ):
        return None
    return (box[0], box[1], box[2], box[3])


def _crop(page) -> tuple[float, float, float, float] | None:
    """The page's /CropBox (PDF space), where it shows less than its /MediaBox: what a viewer
    shows and prints of the page; else None."""
    crop, media = page.get_cropbox(), page.get_mediabox()
    inside = (crop[0] - media[0], crop[1] - media[1], media[2] - crop[2], media[3] - crop[3])
    return crop if max(inside) > 0.5 and min(inside) >= -0.5 else None


#: the place of a picture not worked out (one in a form): anywhere on the page
_ANYWHERE = (-math.inf, -math.inf, math.inf, math.inf)

#: a fill this opaque (alpha, of 255) painted over text hides it
_OPAQUE = 250
#: the colour an opaque picture stands under: not known, but opaque (told by identity)
_PICTURE = (0, 0, 0, 255)
#: the colour PDFium gives a fill in a pattern (a tiling of a picture: a web page's cell
#: background-image, which Chromium prints as one) as it gives a real 75% grey; in a PDF that
#: holds patterns, such a fill's colour is not known (told by identity once so marked)
_PATTERN_GREY = (191, 191, 191)
_PATTERN = (191, 191, 191, 255)
#: the colour PDFium gives a fill in a shading pattern, as it gives a real white one
_PAPER_WHITE = (255, 255, 255)


def _doubted(
    inks: list[tuple[int, object, list, tuple | None]],
    rects: list,
    pictures: list = (),
    see_through: Callable[[object], _Alpha | bool] = bool,
    masks: dict | None = None,
) -> dict[int, tuple[int, list]]:
    """The text objects some of whose characters a reader may not see, by their addresses,
    for a look at each character (_unknown_ink): drawn on paper or on a filled rectangle
    painted before them, in a colour too close to it (white on light grey, black on black),
    or under an opaque filled rectangle or an opaque picture painted after them (a redaction
    drawn over the text, a white patch pasted over an old figure), or a picture whose own mask
    is opaque in places (its alpha, by the order it was painted, into `masks`: _unknown_ink
    tells which characters it hides).
    Text in white on paper is the white rule's (left out, said), not looked at again. Most
    pages need no look at any object's box: no rectangle painted after text, none of a
    colour close to the text's, text in colours that show on paper."""
    from pypdfium2 import raw

    first = min((order for order, *_ in inks), default=0)
    colours = {colour for _, _, drawn, _ in inks for colour in drawn}
    rects = [
        (painted, box, fill)
        for painted, box, fill in rects
        if (painted > first and fill[3] >= _OPAQUE) or any(_unseen(c, fill) for c in colours)
    ] + [(painted, box, (_PICTURE, obj)) for painted, box, obj in pictures if painted > first]
    if not rects and not any(_unseen(c, _PAPER) and min(c[:3]) < _WHITE_CHANNEL for c in colours):
        return {}
    doubts: dict[int, tuple[int, list]] = {}
    #: whether each picture painted over text shows it through, once asked
    through: dict[int, bool] = {}
    bounds = [ctypes.c_float() for _ in range(4)]
    for order, obj, drawn, placed in inks:
        white = all(min(c[:3]) >= _WHITE_CHANNEL for c in drawn)
        doubted = not white and all(_unseen(c, _PAPER) for c in drawn)
        if not doubted and rects and (placed or raw.FPDFPageObj_GetBounds(obj, *bounds)):
            left, bottom, right, top = placed or (b.value for b in bounds)
            for painted, (fl, fb, fr, ft), fill in rects:
                if fl >= right or left >= fr or fb >= top or bottom >= ft:
                    continue
                if fill[0] is _PICTURE:
                    if painted > order and painted not in through:
                        through[painted] = see_through(fill[1])
                        if isinstance(through[painted], _Alpha) and masks is not None:
                            masks[painted] = through[painted]
                    shows = through.get(painted, True)
                    doubted = painted > order and (not shows or isinstance(shows, _Alpha))
                elif painted > order:
                    doubted = fill[3] >= _OPAQUE
                else:
                    doubted = all(_unseen(c, fill) for c in drawn)
                if doubted:
                    break
        if doubted:
            doubts[ctypes.cast(obj, ctypes.c_void_p).value or 0] = (order, drawn)
    return doubts


@dataclass(frozen=True)
class _Alpha:
    """A picture's opacity as drawn (its own soft mask or colour key applied), row by row
    from the top: part of it hides what it is painted over, part shows it through (a seal's
    stamp: its ink opaque, the paper around it clear; a white patch with clear edges)."""

    width: int
    height: int
    #: the alpha of each pixel, rows from the top
    alpha: bytes

    def hides(self, c: _Char, x0: float, top: float, x1: float, bottom: float) -> bool:
        """Whether the picture, drawn over the box (display coordinates), is opaque over
        most of a character's box (half its points or more): a reader sees the picture
        there, not the character. A seal's thin ring or strokes across a figure leave it
        read."""
        if x1 <= x0 or bottom <= top:
            return False
        points = [
            (
                c.x0 + (c.x1 - c.x0) * (i + 0.5) / _SAMPLES,
                c.top + (c.bottom - c.top) * (j + 0.5) / _SAMPLES,
            )
            for i in range(_SAMPLES)
            for j in range(_SAMPLES)
        ]
        opaque = 0
        for x, y in points:
            if x0 <= x < x1 and top <= y < bottom:
                col = min(int((x - x0) / (x1 - x0) * self.width), self.width - 1)
                row = min(int((y - top) / (bottom - top) * self.height), self.height - 1)
                opaque += self.alpha[row * self.width + col] >= _OPAQUE
        return opaque * 2 >= len(points)


#: points across and down a character's box where a picture's opacity is looked at
_SAMPLES = 5


def _see_through(page, obj) -> _Alpha | bool:
    """Whether a picture lets what it is painted over show through: False where its pixels
    as drawn (its soft mask or colour key applied) are all opaque; its alpha (_Alpha) where
    some are and some are not, and it is painted at full opacity; True where none are, or it
    is painted at an opacity or in a blend that shows through (its own pixels all opaque)."""
    from pypdfium2 import raw

    bitmap = raw.FPDFImageObj_GetRenderedBitmap(page.pdf.raw, page.raw, obj)
    if not bitmap:
        return True  # not drawn: not known to hide anything
    try:
        if raw.FPDFBitmap_GetFormat(bitmap) != raw.FPDFBitmap_BGRA:
            return bool(raw.FPDFPageObj_HasTransparency(obj))
        size = raw.FPDFBitmap_GetStride(bitmap) * raw.FPDFBitmap_GetHeight(bitmap)
        width = raw.FPDFBitmap_GetWidth(bitmap)
        pixels = ctypes.string_at(raw.FPDFBitmap_GetBuffer(bitmap), size)
        stride = raw.FPDFBitmap_GetStride(bitmap)
        alpha = b"".join(pixels[row + 3 : row + 4 * width : 4] for row in range(0, size, stride))
        if min(alpha) >= _OPAQUE:
            # its own pixels opaque: it hides what is under it, unless painted at an opacity
            # or in a blend (a watermark at /ca 0.1, a seal multiplied over the text)
            return bool(raw.FPDFPageObj_HasTransparency(obj))
        if max(alpha) < _OPAQUE:
            return True
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if raw.FPDFPageObj_GetFillColor(obj, r, g, b, a) and a.value < _OPAQUE:
            return True  # painted at an opacity: shows through
        return _Alpha(width, len(alpha) // max(width, 1), alpha)
    finally:
        raw.FPDFBitmap_Destroy(bitmap)


#: a picture of more pixels than this is not looked at for being blank (a scan's page is no
#: white patch; rendering it to look would cost more than the page's text)
_BLANK_PIXELS = 250_000


def _blank(page, obj) -> bool:
    """Whether a picture as drawn is white all over (every pixel's channels light)."""
    from pypdfium2 import raw

    w, h = ctypes.c_uint(), ctypes.c_uint()
    if not raw.FPDFImageObj_GetImagePixelSize(obj, w, h) or w.value * h.value > _BLANK_PIXELS:
        return False
    bitmap = raw.FPDFImageObj_GetRenderedBitmap(page.pdf.raw, page.raw, obj)
    if not bitmap:
        return False
    try:
        channels = {raw.FPDFBitmap_BGR: 3, raw.FPDFBitmap_BGRx: 4, raw.FPDFBitmap_BGRA: 4}
        step = channels.get(raw.FPDFBitmap_GetFormat(bitmap))
        if step is None:
            return False
        width, stride = raw.FPDFBitmap_GetWidth(bitmap), raw.FPDFBitmap_GetStride(bitmap)
        size = stride * raw.FPDFBitmap_GetHeight(bitmap)
        pixels = ctypes.string_at(raw.FPDFBitmap_GetBuffer(bitmap), size)
        return all(
            min(pixels[row + k : row + k + 3]) >= _WHITE_CHANNEL
            for row in range(0, size, stride)
            for k in range(0, step * width, step)
        )
    finally:
        raw.FPDFBitmap_Destroy(bitmap)


def _unknown_ink(
    chars: list[_Char],
    doubts: dict[int, tuple[int, list]],
    backdrops: list | None,
    number: int,
    faint: list[tuple[int, str]],
    covered: list[tuple[int, str]],
    pictured: list[tuple[int, str]],
) -> list[_Char]:
    """The page's characters with those no reader can be said to see read as U+FFFD: under an
    opaque rectangle painted after them over their middle (a black box drawn over a figure to
    redact it: the figure read as if shown), or in a colour too close to what is behind their
    middle (the last fill painted there before them, else the paper): white on light grey,
    black on black. The reader sees a box, or at best a ghost of the figure: a cell holding
    one is not read (flagged), where it was read as if printed; so too under an opaque picture
    painted after them (`pictured`: a white patch pasted over an old figure, a black one over
    a figure redacted). What stands behind a picture or a shape other than a rectangle is not
    known: read. Text drawn so nearly transparent that it is not seen on paper (`doubts` of
    text in forms, whose place among the fills is not worked out) is not seen on anything."""
    out, hidden, faded, under_picture = [], [], [], []
    for c in chars:
        doubt = doubts.get(c.obj)
        if doubt is None:
            out.append(c)
            continue
        order, colours = doubt
        behind: tuple | None = _PAPER
        over = picture = False
        for x0, top, x1, bottom, _dark, painted, colour in backdrops or ():
            if not (x0 <= c.cx <= x1 and top <= c.cy <= bottom):
                # a patch painted over part of a glyph, not its middle (a white box pasted
                # a little aside of an old 5): the paper shows a broken glyph, whatever it was
                # (a letter of a label so broken is still matched by its words: left read)
                over = over or (
                    c.text.isdigit()
                    and painted > order
                    and (colour is _PICTURE or (isinstance(colour, tuple) and colour[3] >= _OPAQUE))
                    and _covered_share(c, (x0, top, x1, bottom)) >= _PART_HIDDEN
                )
                continue
            if painted < order:
                # the last painted wins; None: not known
                behind = (
                    None
                    if colour is _PICTURE or colour is _PATTERN or isinstance(colour, _Alpha)
                    else colour
                )
            elif colour is _PICTURE:
                picture = True
            elif isinstance(colour, _Alpha):
                picture = picture or colour.hides(c, x0, top, x1, bottom)
            elif colour is not None and colour[3] >= _OPAQUE:
                over = True
        if over:
            hidden.append(c.text)
        elif picture:
            under_picture.append(c.text)
        elif behind is not None and all(_unseen(ink, behind) for ink in colours):
            faded.append(c.text)
        else:
            out.append(c)
            continue
        out.append(replace(c, text="\ufffd"))
    if hidden:
        covered.append((number, "".join(hidden)))
    if faded:
        faint.append((number, "".join(faded)))
    if under_picture:
        pictured.append((number, "".join(under_picture)))
    return out


def _ink_colours(obj, mode: int, rgba: tuple) -> list[tuple[int, int, int, int]]:
    """The colours a text object draws in, as its render mode draws (fill, stroke or both),
    leaving out fully transparent ink; none for invisible text (`rgba`: four c_uint)."""
    from pypdfium2 import raw

    colours = []
    for modes, getter in (
        (_FILLS, raw.FPDFPageObj_GetFillColor),
        (_STROKES, raw.FPDFPageObj_GetStrokeColor),
    ):
        if mode in modes and getter(obj, *rgba) and rgba[3].value:
            colours.append(tuple(c.value for c in rgba))
    return colours


def _white_ink(obj, mode: int, rgba: tuple) -> bool:
    """Whether a text object draws in white (or fully transparent) ink: the colour of each
    way its render mode draws, fill and stroke, white (`rgba`: four c_uint to read it in)."""
    from pypdfium2 import raw

    ways = [
        getter
        for modes, getter in (
            (_FILLS, raw.FPDFPageObj_GetFillColor),
            (_STROKES, raw.FPDFPageObj_GetStrokeColor),
        )
        if mode in modes
    ]
    if not ways:
        return False
    r, g, b, a = rgba
    for getter in ways:
        if not getter(obj, r, g, b, a):
            return False
        if a.value and min(r.value, g.value, b.value) < _WHITE_CHANNEL:
            return False
    return True


def _cut(c: _Char, box: tuple[float, float, float, float]) -> bool:
    """Whether a character's middle stands outside a clip's box (display coordinates)."""
    x0, top, x1, bottom = box
    return not (x0 <= c.cx <= x1 and top <= c.cy <= bottom)


def _covered_share(c: _Char, box: tuple[float, float, float, float]) -> float:
    """The share of a character's box (its area) a box covers."""
    x0, top, x1, bottom = box
    across = (min(c.x1, x1) - max(c.x0, x0)) / max(c.x1 - c.x0, 1e-6)
    up = (min(c.bottom, bottom) - max(c.top, top)) / max(c.bottom - c.top, 1e-6)
    return max(0.0, across) * max(0.0, up)


#: an opaque patch painted over this share of a character's box or more, not its middle,
#: breaks the glyph (a rule drawn along a glyph's edge covers a few hundredths)
_PART_HIDDEN = 0.15


def _shown_share(c: _Char, box: tuple[float, float, float, float]) -> float:
    """The share of a character's box (across or up, the less) a clip's box holds."""
    x0, top, x1, bottom = box
    across = (min(c.x1, x1) - max(c.x0, x0)) / max(c.x1 - c.x0, 1e-6)
    up = (min(c.bottom, bottom) - max(c.top, top)) / max(c.bottom - c.top, 1e-6)
    return max(0.0, min(across, up))


#: a digit a clip shows more than this share of and less than HALF_SHOWN_MOST is cut through:
#: a reader sees part of a glyph, whatever it was
HALF_SHOWN_LEAST, HALF_SHOWN_MOST = 0.3, 0.8


def _clip_chars(
    chars: list[_Char],
    clips: dict[int, tuple[float, float, float, float]],
    number: int,
    clipped: list[tuple[int, str]],
    halved: list[tuple[int, str]],
) -> list[_Char]:
    """The page's characters without those a clipping path cuts away (their middle outside
    it: an old figure clipped away beside the new one, added to `clipped`), and with each digit
    it cuts through (a part of it shown, HALF_SHOWN_LEAST to HALF_SHOWN_MOST) read as U+FFFD
    (added to `halved`). A page-wide clip drawn through a figure's line left half a 7 out of
    57, read 5 with nothing flagged, or kept its half shown as the whole digit."""
    cut: list[_Char] = []
    through: dict[int, str] = {}
    for c in chars:
        if c.obj not in clips:
            continue
        if c.text.isdigit() and (
            HALF_SHOWN_LEAST < _shown_share(c, clips[c.obj]) < HALF_SHOWN_MOST
            or _foot_shown(c, clips[c.obj])
        ):
            through[id(c)] = c.text
        elif _cut(c, clips[c.obj]):
            cut.append(c)
    # a digit cut away from the run of digits its own text object draws (57 drawn in one
    # run, its 7 past a cell's clip) leaves a number short of a digit: 57 read 5, a note and
    # no flag. A figure another object draws beside it (an old one left in the cell, clipped
    # away) is not the figure's, and is left out as before
    gone = {id(c) for c in cut} | through.keys()
    kept = [c for c in chars if c.obj in clips and c.text.isdigit() and id(c) not in gone]
    for c in cut:
        if c.text.isdigit() and any(_in_run(c, k) for k in kept if k.obj == c.obj):
            through[id(c)] = c.text
    cut = [c for c in cut if id(c) not in through]
    if cut:
        clipped.append((number, "".join(c.text for c in cut)))
    if through:
        halved.append((number, "".join(through.values())))
    gone = {id(c) for c in cut}
    return [
        replace(c, text="\ufffd") if id(c) in through else c for c in chars if id(c) not in gone
    ]


def _foot_shown(c: _Char, box: tuple[float, float, float, float]) -> bool:
    """Whether a clip shows a strip of a digit across all its width but less than
    HALF_SHOWN_LEAST of its height: its foot or its top (a cell's clip, or a page's, drawn
    through a table's row). A reader sees a cut row and no digit; a run of such digits was
    left out whole, the cell read blank, a note and no flag."""
    x0, top, x1, bottom = box
    across = (min(c.x1, x1) - max(c.x0, x0)) / max(c.x1 - c.x0, 1e-6)
    up = (min(c.bottom, bottom) - max(c.top, top)) / max(c.bottom - c.top, 1e-6)
    return across > 1 - _SLIVER and _SLIVER < up <= HALF_SHOWN_LEAST


#: a part of a glyph's box this small is no part a reader sees (a box's rounding)
_SLIVER = 0.02


def _in_run(c: _Char, other: _Char) -> bool:
    """Whether two characters stand in one run on a line: level, the gap between them less
    than a fifth of their height (a figure's digits, not two figures a column apart)."""
    height = max(c.bottom - c.top, other.bottom - other.top, 1e-6)
    level = min(c.bottom, other.bottom) - max(c.top, other.top) > height / 2
    gap = max(c.x0, other.x0) - min(c.x1, other.x1)
    return level and gap < height / 5


def _on_picture(c: _Char, pictures: list[tuple[float, float, float, float]]) -> bool:
    """Whether a character's middle stands on one of the pictures (display boxes)."""
    return any(x0 <= c.cx <= x1 and top <= c.cy <= bottom for x0, top, x1, bottom in pictures)


def _on_pattern(c: _Char, backdrops: list | None) -> bool:
    """Whether the last fill painted behind a character's middle is a pattern (_PATTERN)."""
    behind = [
        colour
        for x0, top, x1, bottom, _, _, colour in backdrops or ()
        if x0 <= c.cx <= x1 and top <= c.cy <= bottom
    ]
    return bool(behind) and behind[-1] is _PATTERN


def _on_backdrop(c: _Char, backdrops: list | None) -> bool:
    """Whether white text stands on something that may be dark: the last fill painted behind
    its middle a non-white one or a picture, not a white one (all of the page where what is
    behind is not known). A table drawn as white cells on a dark background has its text on
    the white cells, painted over the dark one."""
    if backdrops is None:
        return True
    behind = [
        dark
        for x0, top, x1, bottom, dark, *_ in backdrops
        if x0 <= c.cx <= x1 and top <= c.cy <= bottom
    ]
    return bool(behind) and behind[-1]


def _edges(segments, width: float, height: float, rotation: int) -> list[grid.Edge]:
    """The horizontal and vertical segments as borders in display coordinates."""
    edges = []
    for (x0, y0), (x1, y1) in segments:
        if rotation:
            ax, ay, _, _ = _display(x0, y0, x0, y0, width, height, rotation)
            bx, by, _, _ = _display(x1, y1, x1, y1, width, height, rotation)
        else:
            ax, ay, bx, by = x0, height - y0, x1, height - y1
        if abs(ay - by) < 0.5 and abs(ax - bx) >= 0.5:
            edges.append(grid.Edge(True, (ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) < 0.5 and abs(ay - by) >= 0.5:
            edges.append(grid.Edge(False, (ax + bx) / 2, min(ay, by), max(ay, by)))
    return edges


def _objects(parent, matrix, depth: int, alpha: float = 1.0):
    """(object, matrix from its form to the page or None on the page itself, type, the opacity
    its forms paint it at) of every path, image and text, inside forms too. A form's opacity is
    its fill colour's alpha as PDFium gives it (the /ca of the graphics state it is painted in:
    Chromium prints a web page's `opacity` as a transparency group so); nested forms multiply."""
    from pypdfium2 import raw

    on_page = depth == 0
    count = raw.FPDFPage_CountObjects(parent) if on_page else raw.FPDFFormObj_CountObjects(parent)
    for i in range(count):
        obj = raw.FPDFPage_GetObject(parent, i) if on_page else raw.FPDFFormObj_GetObject(parent, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM and depth < 4:
            form = _matrix(obj)
            opacity = alpha
            if raw.FPDFPageObj_GetFillColor(obj, *_RGBA):
                opacity *= _RGBA[3].value / 255
            yield from _objects(
                obj, form if matrix is None else _times(form, matrix), depth + 1, opacity
            )
        elif kind in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT):
            yield obj, matrix, kind, alpha


#: four c_uint to read a colour in
_RGBA = tuple(ctypes.c_uint() for _ in range(4))


def _matrix(obj):
    from pypdfium2 import raw

    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return raw.FS_MATRIX(1, 0, 0, 1, 0, 0)
    return m


def _times(m, n):
    """m then n (row vectors: p' = p m n)."""
    from pypdfium2 import raw

    return raw.FS_MATRIX(
        m.a * n.a + m.b * n.c,
        m.a * n.b + m.b * n.d,
        m.c * n.a + m.d * n.c,
        m.c * n.b + m.d * n.d,
        m.e * n.a + m.f * n.c + n.e,
        m.e * n.b + m.f * n.d + n.f,
    )


def _on_page(obj, matrix, bounds: list) -> tuple[float, float, float, float] | None:
    """An object's box on the page (PDF space): its bounds, through `matrix` for one in a form
    (None on the page itself); None where they are not known, or its form turns or slants it."""
    from pypdfium2 import raw

    if not raw.FPDFPageObj_GetBounds(obj, *bounds):
        return None
    return _placed(tuple(b.value for b in bounds), matrix)


def _placed(box: tuple, matrix) -> tuple[float, float, float, float] | None:
    """A box (left, bottom, right, top) of a form's space on the page, through `matrix`
    (None: the page's own); None where the form turns or slants it."""
    left, bottom, right, top = box
    if matrix is None:
        return left, bottom, right, top
    if abs(matrix.b) > 1e-6 or abs(matrix.c) > 1e-6:
        return None
    xs = (left * matrix.a + matrix.e, right * matrix.a + matrix.e)
    ys = (bottom * matrix.d + matrix.f, top * matrix.d + matrix.f)
    return min(xs), min(ys), max(xs), max(ys)


def _cover(
    obj,
    box: tuple,
    backdrops: list,
    order: int,
    rects: list | None = None,
    alpha: float = 1.0,
    rectangle: bool | None = None,
    patterned: bool = False,
) -> None:
    """Add a filled shape's box to what text may stand on, in the order painted (`order`):
    dark (True) unless filled white; a white fill that hides what is under it (not fully
    transparent) covers a dark one painted before it (False). A rectangle's colour is kept
    with it (and it is added to `rects`): text on it, or under it, is told by its colour; a
    shape's box is not all of it, so its colour is not. `patterned`: the file holds patterns
    (see _PATTERN)."""
    from pypdfium2 import raw

    if rects is not None and not (_rectangle(obj, box) if rectangle is None else rectangle):
        rects = None  # a few points that are no upright rectangle: its box is not all of it
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    colour = None
    if raw.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        # (`alpha`: the opacity the forms it is in paint it at)
        colour = (r.value, g.value, b.value, round(a.value * alpha))
    if patterned and colour is not None and colour[:3] == _PATTERN_GREY:
        # a pattern's fill, or a real 75% grey: PDFium tells them apart nowhere; white text
        # on it was read where the pattern tiled a white picture (an old figure no one sees)
        backdrops.append((*box, True, order, _PATTERN))
        return
    if patterned and colour is not None and colour[:3] == _PAPER_WHITE:
        # a shading pattern's fill (a gradient: a web page's linear-gradient cell), or a
        # real white one: PDFium gives both as white. White figures on a dark gradient were
        # left out as drawn on white paper (an old 5 beside 7 read 7, the 57 shown, no flag)
        if rects is not None:
            rects.append((order, box, colour))
        backdrops.append((*box, True, order, _PATTERN))
        return
    if rects is not None and colour is not None:
        rects.append((order, box, colour))
    if not _white(obj):
        backdrops.append((*box, True, order, colour if rects is not None else None))
        return
    if colour is not None and colour[3] > 0:
        backdrops.append((*box, False, order, colour if rects is not None else None))


def _rectangle(obj, box: tuple) -> bool:
    """Whether a path of a few points fills all of its box (`box`: its bounds on the page): one
    outline through the box's corners alone, upright and level. A thin bar turned by its
    matrix (Chromium draws a header cell's CSS diagonal so), a band drawn slanting point by
    point or a triangle (a corner mark) has a box over text it leaves showing."""
    from pypdfium2 import raw

    left, bottom, right, top = box
    m = _matrix(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    points = []
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not raw.FPDFPathSegment_GetPoint(seg, x, y) or (
            points and raw.FPDFPathSegment_GetType(seg) != raw.FPDF_SEGMENT_LINETO
        ):
            return False  # a curve, or a second outline
        px = x.value * m.a + y.value * m.c + m.e
        py = x.value * m.b + y.value * m.d + m.f
        if min(abs(px - left), abs(px - right)) > _ON_EDGE:
            return False
        if min(abs(py - bottom), abs(py - top)) > _ON_EDGE:
            return False
        points.append((px, py))
    # the outline closes on its first point, as a fill closes it: each side upright or level
    return len(points) >= 4 and all(
        abs(x0 - x1) <= _ON_EDGE or abs(y0 - y1) <= _ON_EDGE
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
    )


#: how far (pt) a rectangle's corner may lie from its box's edge
_ON_EDGE = 0.5


def _white(obj) -> bool:
    """Filled white or fully transparent: a background, not a border."""
    from pypdfium2 import raw

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return False
    return a.value == 0 or (r.value > 240 and g.value > 240 and b.value > 240)


def _segments(obj, form, n: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of a path, in page space (`form`: the matrix of the form the path
    is drawn in, None on the page)."""
    from pypdfium2 import raw

    m = _matrix(obj)
    if form is not None:
        m = _times(m, form)
    x, y = ctypes.c_float(), ctypes.c_float()
    segments = []
    start = last = None
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        if not raw.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        px = x.value * m.a + y.value * m.c + m.e
        py = x.value * m.b + y.value * m.d + m.f
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = last = (px, py)
            continue
        if kind == raw.FPDF_SEGMENT_LINETO and last is not None:
            segments.append((last, (px, py)))
        last = (px, py)
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and last != start:
            segments.append((last, start))
            last = start
    return segments


# --- a page's blocks: ruled tables and text lines, top to bottom ---------------------------


def _blocks(
    chars: list[_Char],
    tables: list[grid.Table],
    drawn_over: set[int] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[grid.Table | list[str]], list[str], list[str]]:
    """The page in reading order: ruled tables (their cells holding their characters) and runs
    of text lines between them; the lines left out because characters of theirs are drawn
    over other characters (`drawn_over`: their ids); and the rows of a table without rules
    whose numbers are left out because which row they belong to is not certain."""
    outside: list[_Char] = []
    slots = [_slots(t) for t in tables]
    for ch in chars:
        x, y = ch.cx, ch.cy
        for table, (xs, ys, cell_at) in zip(tables, slots, strict=True):
            if table.contains(x, y):
                cell = cell_at.get((bisect.bisect(xs, x), bisect.bisect(ys, y)))
                if cell is not None:
                    cell.chars.append(ch)
                    break
        else:
            outside.append(ch)
    kept = []
    for t in tables:
        if not any(c.chars for c in t.cells):
            continue
        if all(c.x0 == t.x0 and c.x1 == t.x1 for c in t.cells):
            # rules across and none down (a frame, a 三线表's rules): no column is drawn, so
            # the rows are read as lines, their gaps telling the columns as on a page of text
            outside += [ch for c in t.cells for ch in c.chars]
            continue
        kept.append(t)
    tables = kept
    lines = _lines(outside)
    lines = _drop_page_numbers(lines)
    unit = UNIT
    lines, tails = _wrapped_labels(lines, drawn_over)
    uncertain = _uncertain_rows(lines)
    items: list[tuple[float, int, object]] = [(t.top, 1, t) for t in tables]
    items += [(line[0].top, 0, line) for line in lines]
    items.sort(key=lambda item: (item[0], item[1]))
    blocks: list[grid.Table | list[str]] = []
    lost: list[str] = []
    withheld: list[str] = []
    for _, kind, item in items:
        if kind == 1:
            blocks.append(item)  # type: ignore[arg-type]
            continue
        if id(item) in uncertain:
            # the row's label stays (the reader says the row shows no cells), its numbers go
            withheld.append(_line_text(item, unit=unit, tails=tails))  # type: ignore[arg-type]
            item = uncertain[id(item)]
            if not item:
                continue
        forced: list[_Char] = []
        text = _line_text(item, unit=unit, tails=tails, forced=forced)  # type: ignore[arg-type]
        if any(ch.text in _VALUE for ch in forced):
            # a label joined from the lines below is longer than the room its line has: the
            # row's numbers cannot stand at their columns, so they stand one space apart, a
            # row whose values are read in order where it shows all, and not at all where
            # blank cells leave their columns unknown
            text = _line_text(item, unit=unit, tails=tails, flat=True)  # type: ignore[arg-type]
        if any(id(ch) in drawn_over for ch in item):  # type: ignore[attr-defined]
            lost.append(text)
        elif blocks and isinstance(blocks[-1], list):
            blocks[-1].append(text)
        else:
            blocks.append([text])
    return blocks, lost, withheld


def _pieces(line: list[_Char], words: bool = False) -> list[list[_Char]]:
    """A line cut at its column gaps; `words`: at every gap wider than half a character too
    (the narrow gap between two label cells side by side, each set solid)."""
    out = [[line[0]]]
    for prev, ch in itertools.pairwise(line):
        size = max(prev.bottom - prev.top, 1.0)
        if _column_gap(prev, ch) or (words and ch.x0 - prev.x1 > 0.6 * size):
            out.append([])
        out[-1].append(ch)
    return out


def _piece_text(piece: list[_Char]) -> str:
    return unicodedata.normalize("NFKC", _line_text(piece, cell=True))


def _wrapped_labels(
    lines: list[list[_Char]], drawn_over: set[int]
) -> tuple[list[list[_Char]], dict[int, str]]:
    """A borderless table's row labels that their cells wrapped onto the lines below, joined
    to the row's line: the lines without the joined ones, and the text each label's last
    character is to be followed by.

    A row's line holds its values and the first line of its labels (a label cell's text
    starts at the cell's top, as Word and WPS set it); a line below it is the rest of those
    labels only where every piece of it stands left of the values, at the left edge of one of
    the row's labels, and the words say so: each label completed by the pieces below it names
    a row of the template (or its group), as a row cut by a page break is told
    (gx_pipeline.documents.cut). A label centred in a taller row (the values on a middle
    line), a heading or a label of the next row stays a line of its own."""
    dropped: set[int] = set()
    tails: dict[int, str] = {}
    k = 0
    while k < len(lines):
        pieces = _pieces(lines[k])
        texts = [_piece_text(p) for p in pieces]
        first_value = next((i for i, t in enumerate(texts) if is_value_text(t)), None)
        if not first_value:
            k += 1
            continue
        labels_here = _pieces([ch for p in pieces[:first_value] for ch in p], words=True)
        texts = [_piece_text(p) for p in labels_here]
        right = pieces[first_value][0].x0
        below: list[list[str]] = [[] for _ in labels_here]
        taken: list[int] = []
        j = k + 1
        while j < len(lines):
            line = lines[j]
            size = max(line[0].bottom - line[0].top, 1.0)
            previous = lines[j - 1]
            if (
                max(ch.x1 for ch in line) > right
                or line[0].top - max(ch.bottom for ch in previous) > size
                or any(id(ch) in drawn_over for ch in line)
            ):
                break
            places = []
            for piece in _pieces(line, words=True):
                at = [
                    n
                    for n, label in enumerate(labels_here)
                    if abs(label[0].x0 - piece[0].x0) <= cut_rows.ALIGN
                ]
                if len(at) != 1 or is_value_text(_piece_text(piece)):
                    places = []
                    break
                places.append((at[0], _line_text(piece, cell=True)))
            if not places:
                break
            for n, text in places:
                below[n].append(text)
            taken.append(j)
            j += 1
        if taken:
            last = [
                cut_rows.Piece(t, p[0].x0, p[0].x0)
                for p, t in zip(labels_here, texts, strict=False)
            ]
            first = [
                cut_rows.Piece(
                    unicodedata.normalize("NFKC", _joined_label(parts)),
                    labels_here[n][0].x0,
                    labels_here[n][0].x0,
                )
                for n, parts in enumerate(below)
                if parts
            ]
            decision, _ = cut_rows.decide(last, first)
            whole = [_joined(a.text, b.text) for a, b in zip(last, first, strict=False)]
            if decision == cut_rows.JOIN or (
                # each label in the template's own words once joined (`2.其他` reads as the
                # leaf 其他 by itself, `2.其他法律行政法规禁止公开` is a row)
                len(first) == len(last)
                and all(cut_rows._exact(t) or labels.is_request_group(t) for t in whole)
            ):
                joined = {}
                for n, parts in enumerate(below):
                    if parts:
                        end = labels_here[n][-1]
                        rest = _joined_label(parts)
                        joined[id(end)] = ("" if _cjk(end.text) and _cjk(rest[0]) else " ") + rest
                tails.update(joined)
                dropped.update(taken)
                k = j
                continue
        k += 1
    return [line for n, line in enumerate(lines) if n not in dropped], tails


#: a borderless table's rows are judged together from this many rows on (a proactive block
#: of two rows shows no wrapped labels to go by)
_RUN_ROWS = 3


def _uncertain_rows(lines: list[list[_Char]]) -> dict[int, list[_Char]]:
    """The rows of a table without rules down whose numbers do not certainly belong to the
    label on their line: each by its line's id, with what of the line stays (its label).

    A table's rows are certain where each row's labels stand on its line (after the wrapped
    rest of a label is joined to it, `_wrapped_labels`). A row is not certain where its label
    is the end of one label run into the start of another (`政查询事项 1.本机关不掌握相`: the
    label lines of two rows side by side at one height, as a browser prints labels centred in
    rows of different heights), or, where lines of labels stand between the rows (a label
    centred in its cell: its first line above the row's numbers, its last below), only the
    end of a label (`认或重新出具已获取信息`); where the line below it at its own line spacing
    shows numbers without a label or with the rest of its label (`_broken_row`); nor is a row
    without a label beside an uncertain one, which the reader would place by its position
    among the rows. Their numbers may be the row above's or below's: they are not read."""
    info = []
    for line in lines:
        pieces = _pieces(line)
        texts = [_piece_text(p) for p in pieces]
        first = next((i for i, t in enumerate(texts) if is_value_text(t)), None)
        info.append((pieces, texts, first))
    out: dict[int, list[_Char]] = {}
    k = 0
    while k < len(lines):
        pieces, _, first = info[k]
        if first is None:
            k += 1
            continue
        rows = [k]
        right = pieces[first][0].x0
        doubtful: set[int] = set()
        wandering = False
        pending: list[int] = []
        j = k + 1
        while j < len(lines):
            pieces, texts, first = info[j]
            text = " ".join(texts)
            if first is not None:
                if pending:
                    # a line of labels between two rows: either may be the one it belongs to
                    wandering = True
                    pending = []
                rows.append(j)
                right = min(right, pieces[first][0].x0)
            elif max(ch.x1 for ch in lines[j]) < right and not _heading(text):
                if not (cut_rows._whole(text) or _group_piece(labels.norm(text))):
                    pending.append(j)
            else:
                break
            j += 1
        for above, below in itertools.pairwise(rows):
            if _broken_row(lines, info, above, below):
                doubtful.update((above, below))
        if len(rows) >= _RUN_ROWS:
            doubtful.update(r for r in rows if _run_into(info[r], wandering))
            # a row without a label beside a doubtful one is placed by its place among the
            # rows, which the doubtful one does not certainly keep
            for n, r in enumerate(rows):
                if r in doubtful:
                    for m in (n - 1, n + 1):
                        if 0 <= m < len(rows) and info[rows[m]][2] == 0:
                            doubtful.add(rows[m])
        for r in doubtful:
            pieces, _, first = info[r]
            out[id(lines[r])] = [ch for p in pieces[:first] for ch in p]
        k = j
    return out


def _broken_row(lines: list[list[_Char]], info: list, above: int, below: int) -> bool:
    """Two lines with numbers that may be one row: the line below follows at the row's own
    line spacing and has no label, or its label goes on the label above (at its left edge,
    neither a whole label nor an enumerated one nor a group's piece): `规  0  0  11` over
    `范性文件  0`, where 110 is a number its cell's width broke over two lines."""
    if below != above + 1:
        return False
    pieces, texts, first = info[below]
    size = max(lines[below][0].bottom - lines[below][0].top, 1.0)
    if lines[below][0].top - max(ch.bottom for ch in lines[above]) > 0.6 * size:
        return False
    if first == 0:
        # numbers without a label at the row's own line spacing: the rest of the row above
        # (its cells' text set a little lower) or a row whose label stands elsewhere
        return True
    if first is None:
        return False
    label = labels.norm("".join(texts[:first]))
    if labels.strip_enum(label) != label or cut_rows._whole(label) or _group_piece(label):
        return False
    top = info[above][0]
    return abs(top[0][0].x0 - pieces[0][0].x0) <= cut_rows.ALIGN


def _group_piece(text: str) -> bool:
    """A piece of a group's label (`度办理结` of 三、本年度办理结果, `予公开` of （三）不予公开),
    which wraps beside the rows it spans."""
    return bool(text) and any(text in group for group in labels.GROUP_LABELS)


def _heading(text: str) -> bool:
    """A section heading or a proactive block's title: the end of a table's rows."""
    named = cut_rows._names(text) or ""
    return named.startswith(("heading:", "block:"))


#: an enumeration inside a label (`4.`, `（三）`, `三、`) where a label of the template begins
_ENUMERATED = re.compile(
    r"\d{1,2}[.．、]|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、"
)


def _run_into(row: tuple[list[list[_Char]], list[str], int | None], wandering: bool) -> bool:
    """A row's line whose label begins with the end of another row's label: text before an
    enumeration inside it (`政查询事项 1.本机关不掌握相`) that starts with no enumeration and
    is no piece of a group's label (`度办理结` of 三、本年度办理结果: a group's cell spans the
    rows beside it). `wandering`: the table's label lines stand between its rows, so a label
    that is only the end of one (`认或重新出具已获取信息`) may belong to the row above too."""
    pieces, _, first = row
    if not first:
        return False
    label = labels.norm("".join(_piece_text(p) for p in pieces[:first]))
    inner = next((m for m in _ENUMERATED.finditer(label) if m.start() > 0), None)
    head = label[: inner.start()] if inner else label
    if not head or labels.strip_enum(head) != head or _group_piece(head):
        return False
    return inner is not None or (wandering and not cut_rows._whole(label))


def _joined_label(parts: list[str]) -> str:
    out = ""
    for part in parts:
        out = _joined(out, part)
    return out


#: a glyph whose box covers this share of another's is drawn over it
_OVER = 0.4


def _drawn_over(chars: list[_Char]) -> set[int]:
    """The ids of characters drawn over a different character: text in that place cannot be
    read in order (a writer that stacked a vertical header's glyphs, overflowing into the
    cell below). A character drawn twice in the same place (bold made by drawing it again,
    slightly shifted) is dropped from `chars`, not counted."""
    by_x = sorted(range(len(chars)), key=lambda i: chars[i].x0)
    over: set[int] = set()
    doubles: set[int] = set()
    for n, i in enumerate(by_x):
        a = chars[i]
        area_a = max((a.x1 - a.x0) * (a.bottom - a.top), 1e-6)
        for j in by_x[n + 1 :]:
            b = chars[j]
            if b.x0 >= a.x1:
                break
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.bottom, b.bottom) - max(a.top, b.top)
            if dx <= 0 or dy <= 0:
                continue
            area_b = max((b.x1 - b.x0) * (b.bottom - b.top), 1e-6)
            share = dx * dy / min(area_a, area_b)
            if a.text == b.text and share > 0.7:
                doubles.add(j)
            elif share > _OVER:
                over.update((id(a), id(b)))
    if doubles:
        chars[:] = [ch for k, ch in enumerate(chars) if k not in doubles]
    return over


def _slots(table: grid.Table) -> tuple[list[float], list[float], dict[tuple[int, int], grid.Cell]]:
    """The table's grid lines, and the cell covering each slot between them, so that finding
    a character's cell is two bisections."""
    xs = sorted({c.x0 for c in table.cells} | {c.x1 for c in table.cells})
    ys = sorted({c.top for c in table.cells} | {c.bottom for c in table.cells})
    cell_at: dict[tuple[int, int], grid.Cell] = {}
    for cell in table.cells:
        for i in range(bisect.bisect(xs, cell.x0), bisect.bisect_left(xs, cell.x1) + 1):
            for j in range(bisect.bisect(ys, cell.top), bisect.bisect_left(ys, cell.bottom) + 1):
                cell_at[(i, j)] = cell
    return xs, ys, cell_at


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into lines (overlapping vertically), each left to right, top down."""
    lines: list[list[_Char]] = []
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if lines:
            last = lines[-1]
            top = min(c.top for c in last[-3:])
            bottom = max(c.bottom for c in last[-3:])
            overlap = min(bottom, ch.bottom) - max(top, ch.top)
            if overlap > 0.5 * min(bottom - top, ch.bottom - ch.top):
                last.append(ch)
                continue
        lines.append([ch])
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _line_text(
    line: list[_Char],
    cell: bool = False,
    unit: float | None = None,
    tails: dict[int, str] | None = None,
    forced: list[_Char] | None = None,
    flat: bool = False,
) -> str:
    """A line's characters with a space where there is a gap and three or more where it is
    wide (a column gap), so that numbers of a borderless table stay apart on their row.

    Two values side by side are in two columns wherever a gap stands between them (a digit
    is never spaced inside a number): right-aligned in narrow columns, `0` and `—` of two
    cells stand less than a character apart; so are a label and a value half a character
    apart (a label that fills its cell, the value left-aligned in the next), wider than the
    space a writer puts between Chinese and a number in a sentence.

    With `unit` (points per character column, `UNIT`) a piece after a column gap starts at
    the character column of its place on the page (x / unit), as pdftotext -layout lays a
    page out: a blank cell, which a borderless table does not draw, leaves its column empty,
    and the reader tells a value's column by where it stands under the columns the full rows
    show. `tails`: text written after a character (by its id): the rest of a label its cell
    wrapped onto the lines below. `forced`: gets the characters that could not be written at
    their column (the text before them too long). `flat`: a column gap as one space, the
    line's places not told."""
    line = _raised_marks(line)
    out = [line[0].text]
    if unit and not cell and not flat and line[0].text in _VALUE:
        # a row whose first cells are blank: its first value stands in its column too
        out.insert(0, " " * round(line[0].x0 / unit))
    width = sum(map(len, out))
    tails = tails or {}
    if id(line[0]) in tails:
        out.append(tails[id(line[0])])
        width += len(out[-1])
    for prev, ch in itertools.pairwise(line):
        size = _gap_measure(prev, ch)
        gap = ch.x0 - prev.x1
        if not cell and _column_gap(prev, ch):
            spaces = 1 if flat else 3
            if unit and not flat:
                spaces = max(spaces, round(ch.x0 / unit) - width)
                if forced is not None and round(ch.x0 / unit) - width < 3:
                    # the text before is longer than the page's room for it: what follows
                    # does not stand at its column
                    forced.append(ch)
            out.append(" " * spaces)
            width += spaces
        elif gap > 0.2 * size and not _unknown_beside_value(prev, ch):
            # (a space would part the unknown glyph from its figure: a value of its own)
            out.append(" ")
            width += 1
        out.append(ch.text)
        width += len(ch.text)
        if id(ch) in tails:
            out.append(tails[id(ch)])
            width += len(tails[id(ch)])
    return "".join(out)


#: a digit smaller than the digit before it (by a tenth or more: a browser sets <sup> at 83%)
#: and set this far above or below it (of that digit's height: a browser raises <sup> by 0.37)
#: is a mark set after a number: a footnote's 1 in 7¹
MARK_SIZE = 0.9
MARK_SHIFT = 0.2
#: and a lowered one's foot at least this far below the digit's (of its height)
MARK_DROP = 0.05
_AS_SUPERSCRIPT = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_AS_SUBSCRIPT = str.maketrans("0123456789", SUBSCRIPT_DIGITS)


def _raised_marks(line: list[_Char]) -> list[_Char]:
    """The line with each digit set smaller and raised (lowered) after a number's digits as a
    superscript (subscript) digit: a web page's 7<sup>1</sup> printed, or Word's raised
    footnote reference, joins the number in the text (71) though the page shows 7 and a mark;
    a web page's own is read so (parsing/tokens.py)."""
    out: list[_Char] = []
    base: _Char | None = None  # the last digit of the number the marks follow
    for ch in line:
        if ch.text.isdigit() and base is not None:
            height = base.bottom - base.top
            small = ch.bottom - ch.top < MARK_SIZE * height
            if small and ch.bottom < base.bottom - MARK_SHIFT * height:
                out.append(replace(ch, text=ch.text.translate(_AS_SUPERSCRIPT)))
                continue
            # lowered: its foot below the digit's too (a digit set only smaller on the same
            # line, a cell typed in two sizes, has its top lower but its foot higher)
            lowered = ch.bottom > base.bottom + MARK_DROP * height
            if small and lowered and ch.top > base.top + MARK_SHIFT * height:
                out.append(replace(ch, text=ch.text.translate(_AS_SUBSCRIPT)))
                continue
        base = ch if ch.text.isdigit() and ch.text.isascii() else None
        out.append(ch)
    return out


def _shifted_digits(
    chars: list[_Char],
    number: int,
    shifted: list[tuple[int, str]],
    dwarfed: list[tuple[int, str]],
    edges: list[grid.Edge] = (),  # type: ignore[assignment]
) -> list[_Char]:
    """The page's characters with each digit that stands on a line right after a number's
    digit, at its size, but raised or lowered by MARK_SHIFT of its height read as U+FFFD (and
    added to `shifted`). Word raises a footnote's mark by w:position at the number's own size
    (and a web page's position:relative does): printed, 7 and a raised 1 were read 71, with no
    flag. Smaller, it is a mark (_raised_marks); at the same size it may be either: the cell is
    not read. A digit in the next cell does not stand right after it."""
    found: dict[int, str] = {}
    stray: dict[int, str] = {}
    rules = [e for e in edges if not e.horizontal]
    for line in _lines(chars):
        for prev, ch in itertools.pairwise(line):
            if not (ch.text.isdigit() and prev.text.isdigit()):
                continue
            if prev.text.isascii() and _shifted(prev, ch):
                found[id(ch)] = ch.text
            elif (small := _dwarfed(prev, ch)) is not None and not _ruled_apart(prev, ch, rules):
                stray[id(small)] = small.text
    if stray:
        # the digits of a run set as small as the stray one, beside it: 55 at 3 pt before a 7
        for line in _lines(chars):
            pairs = list(itertools.pairwise(line))
            for prev, ch in [*pairs, *pairs[::-1]]:
                if not (ch.text.isdigit() and prev.text.isdigit()):
                    continue
                for small, other in ((prev, ch), (ch, prev)):
                    height = small.bottom - small.top
                    if (
                        id(small) in stray
                        and other.bottom - other.top <= height / MARK_SIZE
                        and _close(prev, ch, height)
                    ):
                        stray.setdefault(id(other), other.text)
        dwarfed.append((number, "".join(stray.values())))
    if found:
        shifted.append((number, "".join(found.values())))
    if not found and not stray:
        return chars
    return [replace(c, text="\ufffd") if id(c) in found or id(c) in stray else c for c in chars]


def _ruled_apart(prev: _Char, ch: _Char, rules: list[grid.Edge]) -> bool:
    """Whether a vertical rule (a cell's border) stands between `prev` and the character `ch`
    after it on their line: they are in two cells, whatever their sizes (a table's figures at
    7 pt beside its 总计 column in bold at 15 pt stand a border's width apart)."""
    middle = (max(prev.top, ch.top) + min(prev.bottom, ch.bottom)) / 2
    return any(prev.x1 <= e.at <= ch.x0 and e.a <= middle <= e.b for e in rules)


def _close(prev: _Char, ch: _Char, height: float) -> bool:
    """Whether `ch` stands right after `prev` on its line (a digit of the same number), for a
    digit `height` high."""
    return -0.1 * height <= ch.x0 - prev.x1 <= 0.2 * height


def _shifted(prev: _Char, ch: _Char) -> bool:
    """Whether the digit `ch` after `prev` is at its size but raised or lowered (_shifted_digits)."""
    height = prev.bottom - prev.top
    return (
        MARK_SIZE * height <= ch.bottom - ch.top <= height / MARK_SIZE
        and abs(ch.bottom - prev.bottom) >= MARK_SHIFT * height
        and _close(prev, ch, height)
    )


def _dwarfed(prev: _Char, ch: _Char) -> _Char | None:
    """Of two digits side by side, the one set at STRAY_SIZE of the other's height or less on
    its line, not raised or lowered after it as a mark (_raised_marks): an old figure left at 3
    pt beside the 12 pt one the page shows (a web page's font-size:4px, a Word file's 3 pt
    digit, printed) read 57 for a shown 7. At 2 pt and under it is left out (TINY_POINTS);
    a number's last digits typed a size or two smaller (小四 then 小五) are no such digit."""
    high, low = prev.bottom - prev.top, ch.bottom - ch.top
    small, big = (ch, prev) if low < high else (prev, ch)
    height = big.bottom - big.top
    # beside it at a gap the big digit's size takes for no column's (_column_gap): measured at
    # its own size a 2.5 pt 55 three points from a 7 stood a column apart, read '55 7', and
    # the 7 was read as the next column's value
    if (
        small.bottom - small.top > STRAY_SIZE * height
        or not -0.1 * height <= ch.x0 - prev.x1 <= _VALUES_APART * height
    ):
        return None
    raised = small.bottom < big.bottom - MARK_SHIFT * height
    lowered = (
        small.bottom > big.bottom + MARK_DROP * height and small.top > big.top + MARK_SHIFT * height
    )
    if small is ch and big.text.isascii() and (raised or lowered):
        return None  # a mark after the number: _raised_marks
    return small


#: a digit this fraction of the height of the digit beside it, or less, is no digit of its
#: number (_dwarfed)
STRAY_SIZE = 0.5


def _gap_measure(prev: _Char, ch: _Char) -> float:
    """The size a gap between two characters of a line is measured by: the first's height,
    or the figure's beside an unknown glyph (a stray digit set tiny, _shifted_digits), which
    stands in the figure's cell by its measure: apart by its own small size, a 2.5 pt 55 three
    points before a 7 read as a value of its own and the 7 as the next column's."""
    size = max(prev.bottom - prev.top, 1.0)
    return max(size, ch.bottom - ch.top) if _unknown_beside_value(prev, ch) else size


def _unknown_beside_value(prev: _Char, ch: _Char) -> bool:
    """Whether one of two characters side by side is an unknown glyph, the other a value's."""
    return "\ufffd" in (prev.text, ch.text) and (prev.text in _VALUE or ch.text in _VALUE)


def _column_gap(prev: _Char, ch: _Char) -> bool:
    """Whether the gap between two characters of a line is a column gap (see _line_text)."""
    size = _gap_measure(prev, ch)
    gap = ch.x0 - prev.x1
    return (
        gap > 1.2 * size
        or (gap > _VALUES_APART * size and prev.text in _VALUE and ch.text in _VALUE)
        or (
            gap > 0.45 * size
            and (prev.text in _VALUE) != (ch.text in _VALUE)
            # `4.` of a label `4.保护第三方合法权益` set in a narrow cell: an enumeration
            and prev.text not in _ENUMERATION_ENDS
        )
    )


#: two values' characters this share of their size apart or more stand in two columns
_VALUES_APART = 0.35
#: the characters an enumeration (`4.`, `1．`) ends with before a label's words
_ENUMERATION_ENDS = frozenset(".．、")
#: characters of a value: digits and the marks a blank or a negative cell shows
_VALUE = frozenset("0123456789,.%-—–－/／０１２３４５６７８９，．％")


def _drop_page_numbers(lines: list[list[_Char]]) -> list[list[_Char]]:
    """Without a page number standing alone as the page's first or last line, and with a
    running header or footer (a date at one side, the title or address in the middle, a page
    number at the other) as one line per field: run into one line, the title would take the
    date in front of it for part of the agency's name."""
    for end in (0, -1):
        if lines and _gaps(lines[end]):
            fields = _gaps(lines[end])
            lines = fields + lines[1:] if end == 0 else lines[:-1] + fields
    for end in (0, -1):
        if lines and _PAGE_NUMBER.match(unicodedata.normalize("NFKC", _line_text(lines[end]))):
            lines = lines[1:] if end == 0 else lines[:-1]
    return lines


def _gaps(line: list[_Char]) -> list[list[_Char]]:
    """A line cut at gaps wider than four characters (a running header's fields), or [] when
    it has none, or when two of its fields are numbers only: a table's row that opens or ends
    the page, its blank cells wide gaps, not a running header (which shows one number at
    most, the page's), whose values cut off from their label would be read as lines."""
    fields = [[line[0]]]
    for prev, ch in itertools.pairwise(line):
        if ch.x0 - prev.x1 > 4 * max(prev.bottom - prev.top, 1.0):
            fields.append([])
        fields[-1].append(ch)
    numbers = sum(
        1
        for f in fields
        if all(_NUMBER.match(w) for w in unicodedata.normalize("NFKC", _line_text(f)).split())
    )
    return fields if len(fields) > 1 and numbers < 2 else []


#: a table's value as a running header never shows one: digits, or a blank cell's mark
_NUMBER = re.compile(r"^(?:\d[\d,]*(?:\.\d+)?%?|[-—–/])$")


def _cell_text(chars: list[_Char], x0: float | None = None, x1: float | None = None) -> str:
    """A cell's text: its lines joined, without a space between two lines of Chinese (a label
    wrapped by the cell's width, or a header written one character per line), nor inside a
    number the cell's width wrapped (`14` over `3` in a narrow column is 143)."""
    out = ""
    lines = _lines(chars)
    if x0 is not None and x1 is not None and lines:
        # the narrower margin of any line: the cell's padding
        pad = max(0.0, min(min(ln[0].x0 - x0, x1 - ln[-1].x1) for ln in lines))
        room = x1 - x0 - 2 * pad
    else:
        room = None
    previous: list[_Char] = []
    for line in lines:
        text = _line_text(line, cell=True)
        if (
            out
            and not (_cjk(out[-1]) and _cjk(text[0]))
            and not _wrapped_number(previous, line, out, text, room)
        ):
            out += " "
        out += text
        previous = line
    return out


def _wrapped_number(
    above: list[_Char], line: list[_Char], out: str, text: str, room: float | None
) -> bool:
    """A number the cell's width broke: digits on both sides, and the line above could not
    take the next character (a line break someone typed leaves room)."""
    if room is None or not (out[-1].isdigit() and (text[0].isdigit() or text[0] in ".%")):
        return False
    width = above[-1].x1 - above[0].x0
    return width + (line[0].x1 - line[0].x0) > room + 0.5


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


#: leading rows of a table that a continuation on the next page may repeat
_HEAD_ROWS = 6
#: lines a page may hold between a table and the page break (a running header or footer)
_RUNNING_LINES = 2


def _rows(table: grid.Table) -> list[list[grid.Cell]]:
    rows: list[list[grid.Cell]] = []
    for cell in table.cells:
        if not rows or rows[-1][0].row != cell.row:
            rows.append([])
        rows[-1].append(cell)
    return rows


def _row_texts(row: list[grid.Cell]) -> tuple[str, ...]:
    texts = [" ".join(_cell_text(c.chars, c.x0, c.x1).split()) for c in row]
    for k, cell in enumerate(row):
        if _marks_alone(cell, [c for c in row if c is not cell]):
            texts[k] = texts[k].translate(_AS_SUPERSCRIPT)
    return tuple(texts)


def _marks_alone(cell: grid.Cell, others: list[grid.Cell]) -> bool:
    """Whether a cell holds only digits set smaller than its row's figures and raised above
    their line (MARK_SIZE, MARK_SHIFT): a web page's cell of <sup>12</sup> alone, a
    footnote's mark with no figure before it, printed. Read 12, it was a figure the page does
    not show as one (the web page itself is read as the mark ¹²)."""
    digits = [ch for ch in cell.chars if not ch.text.isspace()]
    if not digits or not all(ch.text.isascii() and ch.text.isdigit() for ch in digits):
        return False
    figures = [ch for c in others for ch in c.chars if ch.text.isascii() and ch.text.isdigit()]
    if not figures:
        return False
    height = statistics.median(ch.bottom - ch.top for ch in figures)
    foot = statistics.median(ch.bottom for ch in figures)
    return all(
        ch.bottom - ch.top < MARK_SIZE * height and ch.bottom < foot - MARK_SHIFT * height
        for ch in digits
    )


def _only_lines_before(blocks: list, k: int) -> bool:
    before = blocks[:k]
    return all(isinstance(b, list) for b in before) and sum(map(len, before)) <= _RUNNING_LINES


def _only_lines_after(blocks: list, k: int) -> bool:
    after = blocks[k + 1 :]
    return all(isinstance(b, list) for b in after) and sum(map(len, after)) <= _RUNNING_LINES


def _without_repeated_head(
    rows: list[list[_TCell]], head: list[tuple[str, ...]]
) -> list[list[_TCell]]:
    i = 0
    while i < len(rows) - 1 and i < len(head) and tuple(c.text for c in rows[i]) == head[i]:
        i += 1
    return rows[i:]
