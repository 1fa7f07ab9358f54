"""Whether a PDF or Word file is all there: a download cut off, or an error served in its place.

A site that breaks off a transfer (a proxy's time limit, a disk full on its side) with the
length it announced already sent answers 200 with the start of the file. Read, such a file may
still give its first pages (PDFium mends a PDF without its cross-reference table from what is
there), so the parser cannot be the judge; the end of the file is. What each kind has at its
end:

- a PDF: `%%EOF` (within its last kilobyte: some servers add a line or a few NULs after it);
- a .docx: the zip's central directory (without it the zip cannot be opened, so the bytes are
  not told a .docx at all: a zip's local header followed by a zip that does not open is one);
- a .doc or .wps (OLE2): every sector its allocation table uses;
- an RTF file: its closing brace.

No Dagster import: the fetcher asks before it archives a body.
"""

from __future__ import annotations

import io
import struct
import zipfile

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
#: how far from the end a PDF's %%EOF may stand (what PDF readers search)
_PDF_TAIL = 1024
#: the FAT's marks that are no sector's next: free, end of chain, FAT and DIFAT sectors
_FREE_SECTOR = 0xFFFFFFFF
SPECIAL_SECTORS = 0xFFFFFFFA


def cut_short(data: bytes) -> str | None:
    """Why `data`, which begins as a PDF or a Word file, is not all there, or None when it is
    whole or is no such file (a page, a text copy)."""
    head = data[:1024]
    if b"%PDF-" in head:
        if b"%%EOF" not in data[-_PDF_TAIL:]:
            return f"a PDF cut off before its end (no %%EOF in its last {_PDF_TAIL} bytes)"
        return None
    if data.startswith(_OLE2):
        return _ole2_cut_short(data)
    if data[:64].lstrip()[:5] == b"{\\rtf":
        if not data.rstrip(b" \t\r\n\x00").endswith(b"}"):
            return "an RTF file cut off before its end (no closing brace)"
        return None
    if data.startswith(_ZIP):
        try:
            zipfile.ZipFile(io.BytesIO(data)).close()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            return f"a zip (a .docx?) that does not open: {exc}"
    return None


def ole2_fat_sectors(data: bytes) -> list[int]:
    """The sectors of an OLE2 file's allocation table (FAT) that its header lists: the first
    109 (enough for a 7 MB file at 512-byte sectors); a longer list continues in DIFAT sectors,
    not followed. `data` holds the 512-byte header at least."""
    fat_count = struct.unpack_from("<I", data, 0x2C)[0]
    return [s for s in struct.unpack_from("<109I", data, 0x4C)[:fat_count] if s < SPECIAL_SECTORS]


def _ole2_cut_short(data: bytes) -> str | None:
    """An OLE2 file (.doc, .wps) shorter than the sectors its allocation table uses."""
    if len(data) < 512:
        return f"a Word (.doc) file of {len(data)} bytes, shorter than its header"
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return f"a Word (.doc) file with a damaged header (sector shift {shift})"
    size = 1 << shift
    # those read here are enough to find a file cut short
    fat_sectors = ole2_fat_sectors(data)
    last_used = -1
    for number, sector in enumerate(fat_sectors):
        start = (sector + 1) * size
        if start + size > len(data):
            return (
                f"a Word (.doc) file cut off before its end ({len(data)} bytes; its allocation "
                f"table's sector {sector} is beyond them)"
            )
        entries = struct.unpack_from(f"<{size // 4}I", data, start)
        for index, entry in enumerate(entries):
            if entry != _FREE_SECTOR:
                last_used = max(last_used, number * (size // 4) + index)
    needed = (last_used + 1) * size + 1  # the last sector may be stored short
    if len(data) < needed:
        return (
            f"a Word (.doc) file cut off before its end ({len(data)} bytes; its sectors "
            f"need {needed - 1})"
        )
    return None
