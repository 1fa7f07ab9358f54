"""Reports published as documents (PDF, Word) as the token stream the page reader reads.

No Dagster import anywhere below this package. The kind of a file is told by its bytes, never
by its name: `%PDF-` starts a PDF, a zip holding `word/document.xml` (or a part its content
types call Word's main part: a .docx, .docm, .dotx or .dotm) is a .docx, the OLE2
header starts a .doc (and a .wps), and `{\\rtf` an RTF file, read as a .doc is. Everything
else is a web page or a text copy.

- `kind_of(data) -> "pdf" | "docx" | "doc" | None`
- `read(data, source) -> Document | None`: None for a web page or text copy; DocumentError
  with the reason for a document that cannot be read (a scan, encrypted, damaged, no converter)
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from gx_pipeline.documents.base import Document, DocumentError, Location

__all__ = ["KINDS", "Document", "DocumentError", "Location", "kind_of", "page_kind", "read"]

#: what dim_report.document_kind holds: a web page, a text copy, or one of the documents
KINDS = ("html", "text", "pdf", "docx", "doc")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF = b"{\\rtf"


def kind_of(data: bytes) -> str | None:
    """pdf, docx or doc when the bytes are such a document, else None (a page or text)."""
    head = data[:1024]
    # a PDF may have a few bytes of junk before its header (a BOM, a stray line)
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(_OLE2) or data[:64].lstrip()[:5] == _RTF:
        # an RTF file is a Word file of the old family too: Word and WPS save it, and a
        # site's "export to Word" often writes one named .doc
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return "docx" if _is_word(z) else None
        except (zipfile.BadZipFile, OSError, ValueError):
            # a zip cut off (a download stopped part-way) has lost its directory, at the end;
            # the header before each part still names it, and Word's parts are under word/.
            # Cut before them, the content types (the package's first part) may name Word's
            return "docx" if _cut_word(data) else None
    return None


def _is_word(z: zipfile.ZipFile) -> bool:
    """Whether a whole zip is a Word package: its main part is the one its content types call
    Word's, word/document.xml by custom, or another name its relationships chose (as some
    editors save word/document2.xml)."""
    names = set(z.namelist())
    if "word/document.xml" in names:
        return True
    return "[Content_Types].xml" in names and bool(_WORD_MAIN.search(z.read("[Content_Types].xml")))


_LOCAL_HEADER = b"PK\x03\x04"
#: the content type of Word's main part: a document or a template, with macros (.docm, .dotm)
#: or without
_WORD_MAIN = re.compile(
    rb"wordprocessingml\.(?:document|template)\.main\+xml"
    rb"|ms-word\.(?:document\.macroEnabled|template\.macroEnabledTemplate)\.main\+xml"
)
_CONTENT_TYPES = b"[Content_Types].xml"


def _cut_word(data: bytes) -> bool:
    """Whether a zip cut off is a Word file: a part under word/, or content types (as far as
    they are there) naming Word's main part."""
    names = list(_local_names(data))
    if any(n.startswith(b"word/") for n in names):
        return True
    return _CONTENT_TYPES in names and bool(_WORD_MAIN.search(_first_part(data)))


def _first_part(data: bytes) -> bytes:
    """What is there of a zip's first part, unpacked (stored, or deflated: a deflate stream
    cut off unpacks as far as it goes); b"" for another method or damaged data."""
    method = int.from_bytes(data[8:10], "little")
    size = int.from_bytes(data[18:22], "little")
    start = 30 + int.from_bytes(data[26:28], "little") + int.from_bytes(data[28:30], "little")
    packed = data[start : start + size] if size and size != 0xFFFFFFFF else data[start:]
    if method == 0:
        return packed
    if method != 8:
        return b""
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(packed, 1 << 20)
    except zlib.error:
        return b""


def _local_names(data: bytes) -> Iterator[bytes]:
    """The part names of a zip's local file headers (signature; the part's size at 18, its
    name's length at 26, the extra field's at 28; then the name), read without its directory.
    Each header is followed past its part: the headers inside a part stored as it is (a Word
    file in a zip of attachments, one embedded in a spreadsheet) are not the zip's. A part
    whose size its header leaves to after the data (a zip written as a stream) is followed to
    the next header's signature."""
    at = 0
    while 0 <= at < len(data):
        if not data.startswith(_LOCAL_HEADER, at):
            at = data.find(_LOCAL_HEADER, at)
            continue
        flags, size = (
            int.from_bytes(data[at + i : at + j], "little") for i, j in ((6, 8), (18, 22))
        )
        name_length, extra_length = (
            int.from_bytes(data[at + i : at + i + 2], "little") for i in (26, 28)
        )
        yield data[at + 30 : at + 30 + name_length]
        start = at + 30 + name_length + extra_length
        known = not (flags & 0x08 and size == 0) and size != 0xFFFFFFFF
        at = start + size if known else data.find(_LOCAL_HEADER, start)


def page_kind(data: bytes) -> str:
    """What the raw file is, for dim_report.document_kind: a document's kind, else html or
    text (the markup's ASCII tags are found whatever the page's encoding)."""
    from gx_pipeline.parsing.tokens import looks_like_html

    kind = kind_of(data)
    if kind is not None:
        return kind
    return "html" if looks_like_html(data[:4096].decode("latin-1")) else "text"


def read(data: bytes, source: str) -> Document | None:
    """The document's tokens, or None when the bytes are a web page or a text copy."""
    kind = kind_of(data)
    if kind == "pdf":
        from gx_pipeline.documents.pdf import read_pdf

        return read_pdf(data, source)
    if kind == "docx":
        from gx_pipeline.documents.word import read_docx

        return read_docx(data, source)
    if kind == "doc":
        from gx_pipeline.documents.word import read_doc

        return read_doc(data, source)
    if data.startswith(b"PK\x03\x04"):
        if _cut_unnamed(data):
            raise DocumentError(
                f"an Office file (.docx, .xlsx or .pptx) damaged: cut off ({len(data)} bytes) "
                "before its parts say which (a download stopped part-way?)"
            )
        raise DocumentError(f"{_zip_kind(data)}, not read: not a report's page or document")
    return None


#: the parts of an Office Open XML package that do not tell Word's from the others'
_PACKAGE_PARTS = ("[Content_Types].xml", "_rels/", "docProps/", "customXml/")
#: Office Open XML files other than Word's, told by the folder of their parts
_OFFICE_PARTS = (("xl/", "a spreadsheet (.xlsx)"), ("ppt/", "a presentation (.pptx)"))


def _cut_unnamed(data: bytes) -> bool:
    """A zip cut off within the parts every Office Open XML file opens with (its content types,
    relationships, properties), before any part tells a Word file from a spreadsheet."""
    try:
        zipfile.ZipFile(io.BytesIO(data)).close()
    except (zipfile.BadZipFile, OSError, ValueError):
        names = [n.decode("utf-8", "replace") for n in _local_names(data)]
        # the last name may itself be cut off: a piece of a package part's name
        return bool(names) and all(
            n.startswith(_PACKAGE_PARTS)
            or (k == len(names) - 1 and n and any(p.startswith(n) for p in _PACKAGE_PARTS))
            for k, n in enumerate(names)
        )
    return False


def _zip_kind(data: bytes) -> str:
    """What a zip that is no Word file holds, in words: a spreadsheet (the report's tables
    linked as an attachment), a presentation, or an archive of files (a year's reports as one
    download), named with its files. A zip cut off is told by its parts' local headers."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = [i.filename for i in z.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        names = [n.decode("utf-8", "replace") for n in _local_names(data)]
        cut = True
    else:
        cut = False
    for folder, kind in _OFFICE_PARTS:
        if any(n.startswith(folder) for n in names):
            return f"{kind} cut off" if cut else kind
    if "mimetype" in names:
        return "an OpenDocument file (.ods/.odt)"
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return f"a zip archive of {len(names)} files ({shown})" + (" cut off" if cut else "")
