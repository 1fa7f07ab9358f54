"""Reports published as documents (PDF, Word) as the token stream the page reader reads.

No Dagster import anywhere below this package. The kind of a file is told by its bytes, never
by its name: `%PDF-` starts a PDF, a zip holding `word/document.xml` is a .docx, the OLE2
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
            # the header before each part still names it, and Word's parts are under word/
            return "docx" if any(n.startswith(b"word/") for n in _local_names(data)) else None
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
_WORD_MAIN = re.compile(rb"wordprocessingml\.document\.main\+xml")


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
        raise DocumentError(f"{_zip_kind(data)}, not read: not a report's page or document")
    return None


#: Office Open XML files other than Word's, told by the folder of their parts
_OFFICE_PARTS = (("xl/", "a spreadsheet (.xlsx)"), ("ppt/", "a presentation (.pptx)"))


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
