"""A Word report as the reader's token stream: its tables as tables, its paragraphs as lines.

.docx is read with python-docx, in document order (a .docm or a template as the document its main
part is: its macros are never run). A table's rows and cells come from the
document's own grid: a cell merged across columns (w:gridSpan) is one cell, and a cell merged
down rows (w:vMerge) is one cell, in the row where the merge starts, as a web page's rowspan
gives it; the continuing cells below are left out but keep their place in the cell's `loc`
([table, row, cell]). A merged cell's token carries the rows and grid columns it covers, as a
web page's rowspan and colspan, so that the rows under a value merged down are read by the
table's grid as a web page's are (none where the grid columns are not certain). Paragraphs between tables are read as a text copy (a report typed with
tab stops instead of a table still gives its rows). Text struck through or hidden is left out,
whether the run itself or its styles strike or hide it (word_styles); a cell holding text Word
may show or not, as the styles' combination is read, is taken as empty and said. Text no reader
sees (white on white, set at 2 pt or less) is left out and said; white on a shading whose
colour is not worked out is taken as unknown, as a doubtful mark is (_ink).

.doc and .wps (the binary formats of Word 97-2003 and WPS), and RTF (which Word and WPS save
too, often named .doc), are converted to .docx by LibreOffice (`soffice --headless
--convert-to docx`) when it is installed, then read the same way; without it the file is
refused with that reason. A .doc whose Word header (FIB) is marked encrypted is refused
saying so before any conversion: LibreOffice would wait for its password or read scrambled
bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from gx_pipeline.documents.base import WHITE_CHANNEL as _WHITE_CHANNEL
from gx_pipeline.documents.base import Document, DocumentError, Location
from gx_pipeline.documents.whole import SPECIAL_SECTORS, ole2_fat_sectors
from gx_pipeline.documents.word_styles import DOUBTFUL, HIDDEN, SHOWN, STRUCK, RunMarks
from gx_pipeline.documents.word_styles import W as _W
from gx_pipeline.machine import pid_namespace as _pid_namespace
from gx_pipeline.parsing import problems as codes
from gx_pipeline.parsing.problems import Problems
from gx_pipeline.parsing.tokens import CELL, END, ROW_END, Head, Token, text_tokens
from gx_pipeline.parsing.values import SUBSCRIPT_DIGITS, SUPERSCRIPT_DIGITS, is_value_text

#: seconds LibreOffice may take to convert one .doc (a report converts in 1-3 s)
CONVERT_TIMEOUT = 120
#: the uncompressed size of a .docx's parts we are willing to read (a zip bomb stops here)
MAX_UNZIPPED = 200 * 1024 * 1024
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def read_docx(data: bytes, source: str, kind: str = "docx") -> Document:
    import docx

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(_as_document(data)))
    except Exception as exc:  # noqa: BLE001 (python-docx raises many kinds for a bad package)
        raise DocumentError(
            f"the Word file cannot be opened ({type(exc).__name__}: {exc})"
        ) from None
    paragraphs = _Paragraphs(RunMarks(_styles(document)))
    tokens: list[Token] = []
    texts: list[str] = []
    locations: dict[tuple[int, int, int], Location] = {}
    state = {"table": 0, "line": 0}
    pending: list[str] = []
    #: the figures of rows whose cells reach past the columns of the table's other rows
    overflowed: list[str] = []
    #: the figures of rows whose only label is one merged down from the row above
    unlabelled: list[str] = []

    def flush() -> None:
        if not pending:
            return
        first = state["line"] + 1
        state["line"] += len(pending)
        for t in text_tokens("\n".join(pending) + "\n"):
            if t.kind != END:
                t = t._replace(table=0, tr=first + (t.tr or 1) - 1)
            tokens.append(t)
        pending.clear()

    nested_cells: list[str] = []
    #: how many of what Word shows unsettled (paragraphs.unsettled) stood in a table's cell
    unsettled_in_cells = 0
    #: cells holding a document they import (w:altChunk), and how many the body holds
    imported_cells: list[str] = []
    imported = 0

    def table_tokens(tbl) -> None:
        nonlocal unsettled_in_cells
        state["table"] += 1
        number = state["table"]
        nested: list = []
        spans = _spans(tbl)
        overflow = _overflowing_rows(tbl)
        #: the grid column the figures of the last row with a label of its own start at
        figures_from: int | None = None
        for r, tr in enumerate(_table_rows(tbl), start=1):
            if tr.find(_ROW_DELETED) is not None:
                continue  # a row deleted with Track Changes on: Word shows it struck out
            c = 0
            column = _grid_skip(tr, "gridBefore")
            first = len(tokens)
            label_above = own_label = figures = False
            own_from = label_to = None
            for tc in _row_cells(tr):
                merged = _merged(tc)
                # an old-style w:hMerge continuation is no cell of its own, as the columns a
                # w:gridSpan covers are not; a w:vMerge continuation keeps its place in `loc`
                c += merged != "left"
                label_above = label_above or (c == 1 and merged == "above")
                column += _grid_span(tc)
                if merged:
                    continue  # the merged cell above (or to the left) covers it
                if own_from is None:
                    own_from = column - _grid_span(tc)
                rowspan, colspan = spans.get(tc, (1, 1))
                spanned = {}
                if rowspan > 1 or colspan > 1:
                    spanned = {"span": True, "rowspan": rowspan, "colspan": colspan}
                lines = []
                doubtful = paragraphs.unknown()
                unsettled = len(paragraphs.unsettled)
                inner = []
                chunks = 0
                for block in _blocks(tc):
                    if block.tag == _TBL:
                        nested.append(block)
                        inner.append(block)
                    elif block.tag == _ALT_CHUNK:
                        chunks += 1
                    else:
                        lines.append(paragraphs.text(block))
                unsettled_in_cells += len(paragraphs.unsettled) - unsettled
                text = " ".join("\n".join(lines).split())
                if inner and any(
                    ch.isdigit() for t in inner for ch in "".join(t.itertext()) + text
                ):
                    # a table inside the cell: Word draws it there, its figures beside or
                    # instead of the cell's own; read after the table, they were rows without
                    # a label and the cell's own figure stood with no word of them
                    nested_cells.append(text or "".join(inner[0].itertext()))
                    tokens.append(Token(CELL, "", number, r, c, unknown=True, **spanned))
                    text = ""
                elif chunks:
                    # a document the cell imports (w:altChunk: a web page, text, RTF): Word
                    # shows it in the cell, beside or instead of the cell's own text; passed
                    # over, its 11 was an empty cell, or the cell's own 11 read alone
                    imported_cells.append(text or "a document it imports")
                    tokens.append(Token(CELL, "", number, r, c, unknown=True, **spanned))
                    text = ""
                elif r in overflow and any(ch.isdigit() for ch in text):
                    overflowed.append(text)
                    tokens.append(Token(CELL, "", number, r, c, unknown=True, **spanned))
                elif paragraphs.unknown() > doubtful:
                    # read, its number could hold a digit Word does not show or lack one it does
                    text = ""
                    tokens.append(Token(CELL, text, number, r, c, unknown=True, **spanned))
                else:
                    tokens.append(Token(CELL, text, number, r, c, **spanned))
                if text and not is_value_text(text):
                    # (a word after the row's figures, a remark, is no label's column)
                    own_label, label_to = True, label_to if figures else column
                figures = figures or (bool(text) and is_value_text(text))
                texts.append(text)
            if own_label:
                figures_from = label_to
            elif (
                label_above
                and own_from is not None
                and figures_from is not None
                and own_from < figures_from
            ):
                # a cell of its own where the rows above have their labels, left empty: the
                # label merged down beside it is its group's ((三)不予公开 over 1.–8.), and
                # Word draws the row with an empty label, as a web page does: it is read as a
                # row without a label is
                label_above = False
            if label_above and not own_label:
                # the row's label is the one above merged down over it (w:vMerge), and it has
                # none of its own: Word shows 一、本年新收 beside both rows, and which row of
                # the table's its figures are is not known. Placed by position, the second
                # row's figures were read as 二、上年结转's with no flag
                for k in range(first, len(tokens)):
                    if any(ch.isdigit() for ch in tokens[k].text):
                        unlabelled.append(tokens[k].text)
                        tokens[k] = tokens[k]._replace(text="", unknown=True)
            tokens.append(ROW_END)
        for inner in nested:
            table_tokens(inner)

    #: the line of the Word file's own text a document it imports stands before
    chunk_line = 0
    for block in _blocks(document.element.body):
        if block.tag == _ALT_CHUNK:
            imported += 1
            chunk_line = len(texts)
        elif block.tag == _P:
            # a paragraph's line breaks are lines of the copy; its tabs separate cells
            lines = paragraphs.text(block).split("\n")
            pending.extend(lines)
            texts.extend(lines)
        else:
            flush()
            table_tokens(block)
    flush()
    if not any(t.text for t in tokens if t.kind != END):
        page = _imported_page(document)
        if page is not None:
            return Document(kind=kind, tokens=(), page=page)
        raise DocumentError("the Word file has no text (its report may be pasted as images)")
    problems = Problems()
    if paragraphs.struck:
        # as a web page's or a PDF's struck text is said: a number Word shows, left out
        problems.append(
            "document: text struck through (a revision shown as deleted, or crossed out: "
            f"{_sample(paragraphs.struck)}) is left out"
        )
    if paragraphs.unseen:
        problems.append(
            "document: text no reader sees (white on no shading, or set at 2 pt or less: "
            f"{_sample(paragraphs.unseen)}) is left out"
        )
    if paragraphs.faint:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: white text on a shading whose colour is not worked out (a style's, or "
            f"a pattern: {_sample(paragraphs.faint)}): whether a reader sees it is not known; "
            "a table cell holding it is taken as empty, a line reads U+FFFD in its place",
        )
    if paragraphs.unread:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: what Word shows as an equation (m:oMath), a symbol of no digit (w:sym) "
            "or a digit raised or lowered after a number at its size (a footnote's mark or a "
            f"digit) is not read ({_sample(paragraphs.unread)}): a table cell holding it is "
            "taken as empty, a line reads U+FFFD in its place",
        )
    if paragraphs.unsettled:
        line = (
            "document: what Word shows is not settled by its text (a field's result it works "
            "out again, marked dirty or a page's number; a content control's placeholder; a "
            f"picture or object in the line: {_sample(paragraphs.unsettled)}): a table cell "
            "holding it is taken as empty, a line reads U+FFFD in its place"
        )
        if unsettled_in_cells:
            problems.flag(codes.CELLS_UNPLACED, line)
        else:
            # only lines outside the tables hold it (a caption's SEQ number, a page's number,
            # a dirty table of contents, hyperlink or date): no cell is taken from them, and a
            # figure a line of values would give reads U+FFFD, no number, which the sections'
            # reading flags itself
            problems.append(line)
    if imported_cells:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: a table cell holding a document it imports (w:altChunk: Word shows "
            f"the web page, text or RTF in the cell; {_sample(imported_cells)}): what the "
            "cell shows is not read",
        )
    if (
        imported == 1
        and not state["table"]
        and not problems
        and not imported_cells
        and not paragraphs.doubtful
        and (page := _page_among(document, texts, chunk_line)) is not None
    ):
        # the file's own lines (a title, a note) around the one web page it imports, which
        # holds the tables ("export to Word" tools, a mail merge): Word shows the page in its
        # place among them, and so it is read, the lines as the page's paragraphs. Withheld
        # whole before, flagged
        return Document(
            kind=kind,
            tokens=(),
            page=page,
            problems=(
                (
                    f"document: the Word file's {len([t for t in texts if t.strip()])} line(s) "
                    "of its own are read with the web page it imports, in their places"
                ),
            ),
        )
    if imported:
        problems.flag(
            codes.INCOMPLETE,
            f"document: {imported} document(s) the Word file imports among its own text "
            "(w:altChunk: Word shows each in its place) are not read",
        )
    if nested_cells:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: a table cell holding a table of its own with figures in it or beside "
            f"it ({_sample(nested_cells)}): which figure the cell shows is not known; not read",
        )
    if paragraphs.doubtful:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: text Word may show struck through or hidden, or not (its styles set the "
            "mark at more than one level, which Word and the standard combine differently, or "
            f"in a table style's conditional formatting: {_sample(paragraphs.doubtful)}): "
            "a table cell holding it is taken as empty, a line reads U+FFFD in its place",
        )
    if overflowed:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: a table row whose cells reach past the columns of the table's other rows "
            "(a cell merged across columns, w:gridSpan, with no cell fewer): which column each "
            f"of its figures stands under is not known ({_sample(overflowed)}): not read",
        )
    if unlabelled:
        problems.flag(
            codes.CELLS_UNPLACED,
            "document: a table row with no label of its own, under a label merged down from "
            "the row above (w:vMerge): which row of the table its figures are is not known "
            f"({_sample(unlabelled)}): not read",
        )
    props = document.core_properties
    created = props.created
    head = Head(
        title=props.title or None,
        meta={"creationdate": created.date().isoformat()}
        if isinstance(created, dt.datetime)
        else {},
    )
    return Document(
        kind=kind,
        tokens=tuple(tokens),
        head=head,
        text="\n".join(texts) + "\n",
        problems=tuple(problems),
        codes=frozenset(problems.codes),
        locations=locations,
    )


#: the content types of a Word file's main part other than a document's, which python-docx
#: refuses: a macro-enabled document (.docm) and the templates (.dotx, .dotm). Their main part is
#: a document's, read the same way; a macro (the vbaProject part) is never run, only carried
_OTHER_MAINS = (
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _as_document(data: bytes) -> bytes:
    """The Word file with its main part typed as a document's (a .docm or template, repacked
    with that one change), or the file itself."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            types = z.read("[Content_Types].xml")
        except KeyError:
            return data
        if not any(t in types for t in _OTHER_MAINS):
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repacked:
            for item in z.infolist():
                part = z.read(item)
                if item.filename == "[Content_Types].xml":
                    for t in _OTHER_MAINS:
                        part = part.replace(t, _DOCUMENT_MAIN)
                repacked.writestr(item, part)
    return out.getvalue()


#: the content types of a part a Word file imports that are read as a web page: HTML, a web
#: archive (.mht, as "export to Word" tools write it), plain text
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "message/rfc822", "text/plain")


def _imported_page(document) -> bytes | None:
    """The web page a Word file without text of its own imports (w:altChunk: Word shows the
    page in its place), or None when it imports none. More than one, or a part of another kind
    (a Word file, RTF), is refused with its reason."""
    chunks = list(document.element.body.iter(_ALT_CHUNK))
    if not chunks:
        return None
    if len(chunks) > 1:
        raise DocumentError(
            f"the Word file's body is {len(chunks)} documents it imports (w:altChunk): not read"
        )
    try:
        part = document.part.related_parts[chunks[0].get(_RELATIONSHIP_ID)]
    except KeyError:
        raise DocumentError(
            "the Word file's body is a document it imports (w:altChunk) that is not in the file"
        ) from None
    if part.content_type.split(";")[0].strip().lower() not in _PAGE_TYPES:
        raise DocumentError(
            f"the Word file's body is a document it imports (w:altChunk) of type "
            f"{part.content_type}: not read"
        )
    return part.blob


#: the content types of an imported web page read among a Word file's own lines
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def _page_among(document, texts: list[str], at: int) -> bytes | None:
    """The web page the Word file imports (one w:altChunk of HTML), with the file's own lines
    before it (`texts[:at]`) and after it set in its body as paragraphs, or None where the
    page is not HTML, or has no body to set them in. Each character past ASCII is written as
    a character reference, which any ASCII-compatible charset the page declares reads alike."""
    (chunk,) = document.element.body.iter(_ALT_CHUNK)
    part = document.part.related_parts.get(chunk.get(_RELATIONSHIP_ID))
    if part is None or part.content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    blob = part.blob
    opened = _BODY.search(blob)
    closed = list(_BODY_END.finditer(blob))
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff") or not opened or not closed:
        return None
    if closed[-1].start() < opened.end():
        return None

    def lines(of: list[str]) -> bytes:
        return b"".join(
            b"<p>%s</p>\n"
            % "".join(
                ch if ch.isascii() and ch not in "<>&" else f"&#{ord(ch)};" for ch in t
            ).encode("ascii")
            for t in of
            if t.strip()
        )

    end = closed[-1].start()
    return (
        blob[: opened.end()]
        + lines(texts[:at])
        + blob[opened.end() : end]
        + lines(texts[at:])
        + blob[end:]
    )


def _styles(document):
    """The document's styles part (w:styles), or None: python-docx would make up a default
    one for a document without."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    try:
        return document.part.part_related_by(RELATIONSHIP_TYPE.STYLES).element
    except (KeyError, AttributeError):
        return None


def _sample(texts: list[str]) -> str:
    sample = " ".join(" ".join(texts).split())
    return f"'{sample[:20].rstrip()}'" + ("…" if len(sample) > 20 else "")


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _R = (f"{_W}{t}" for t in ("p", "tbl", "tr", "tc", "r"))
_ROW_DELETED = f"{_W}trPr/{_W}del"
_CELL_DELETED = f"{_W}tcPr/{_W}cellDel"
#: elements that only wrap content the document shows: content controls, custom XML, smart
#: tags, tracked insertions and moves (their new place), links, fields given by their result
_WRAPPERS = frozenset(
    f"{_W}{t}"
    for t in (
        "sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink",
        "fldSimple", "dir", "bdo",
    )
)  # fmt: skip
#: a run's pieces of text (as python-docx reads them); w:delText (deleted text) and
#: w:instrText (a field's code, not its result) are not among them
_RUN_TEXT = {
    f"{_W}t": None,
    f"{_W}tab": "\t",
    f"{_W}ptab": "\t",
    f"{_W}cr": "\n",
    f"{_W}noBreakHyphen": "-",
}
_BR = f"{_W}br"
_RUBY_BASE = f"{_W}ruby/{_W}rubyBase"
_SYMBOL = f"{_W}sym"
_ALTERNATE = f"{_MC}AlternateContent"
_MATH = frozenset(
    f"{{http://schemas.openxmlformats.org/officeDocument/2006/math}}{t}"
    for t in ("oMath", "oMathPara")
)
#: fonts whose every glyph is a picture (Wingdings' F035 is a filing cabinet, not a 5)
_PICTURE_FONTS = ("wingdings", "webdings", "marlett", "zapf dingbats", "mt extra")
#: the namespaces Word reads an mc:Choice in (its own and the standard's): it shows the
#: Choice that requires only these, and the mc:Fallback where none does
_WORD_NAMESPACES = ("http://schemas.microsoft.com/office/", "http://schemas.openxmlformats.org/")


def _shown_alternative(alternate):
    """The mc:Choice or mc:Fallback of an mc:AlternateContent that Word shows: the first
    Choice all of whose required namespaces (its Requires prefixes) Word knows, else the
    Fallback; None where neither is there."""
    for choice in alternate.iterchildren(f"{_MC}Choice"):
        prefixes = choice.get("Requires", "").split()
        if all(
            (choice.nsmap.get(prefix) or "").startswith(_WORD_NAMESPACES) for prefix in prefixes
        ):
            return choice
    return alternate.find(f"{_MC}Fallback")


_SIMPLE_FIELD, _CONTENT_CONTROL = f"{_W}fldSimple", f"{_W}sdt"
_INSTRUCTION = f"{_W}instrText"
_INLINE_PICTURE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"


def _in_line(run) -> bool:
    """Whether a run draws a picture in the line: a drawing set inline (an anchored one floats
    off it), VML (w:pict) or an embedded object's image (w:object); a text box is read for
    its text."""
    for drawn in run.iterchildren(f"{_W}drawing", f"{_W}pict", f"{_W}object"):
        if drawn.find(f".//{_TEXT_BOX}") is None and (
            drawn.tag != f"{_W}drawing" or drawn.find(_INLINE_PICTURE) is not None
        ):
            return True
    return False


#: fields whose result Word works out again from where the text falls (a page's number, a
#: running count), not a figure written in: 1 as the page a cell's field sits on
_MOVING_FIELDS = frozenset(
    ("PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF", "SEQ", "SECTION", "AUTONUM", "LISTNUM")
)


def _moving(code: list[str]) -> bool:
    """Whether a field's code (its pieces of w:instrText) names a field of _MOVING_FIELDS."""
    words = "".join(code).split()
    return bool(words) and words[0].upper() in _MOVING_FIELDS


def _on(value) -> bool:
    """A Word switch's attribute set on (true, 1, on)."""
    return (value or "").lower() in ("true", "1", "on")


def _unsettled_wrapper(element) -> bool:
    """Whether a w:fldSimple's result is one Word works out again (the field marked dirty,
    updated as the file opens, or a page's number), or a w:sdt shows its placeholder (a
    prompt, w:showingPlcHdr, not a figure written in)."""
    if element.tag == _SIMPLE_FIELD:
        return _on(element.get(f"{_W}dirty")) or _moving([element.get(f"{_W}instr") or ""])
    placeholder = element.find(f"{_W}sdtPr/{_W}showingPlcHdr")
    return placeholder is not None and _on(placeholder.get(f"{_W}val") or "true")


_ALT_CHUNK = f"{_W}altChunk"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FIELD_CHAR = f"{_W}fldChar"
_P_STYLE = f"{_W}pPr/{_W}pStyle"
_TEXT_BOX = f"{_W}txbxContent"


def _blocks(container):
    """The paragraphs, data tables and imported documents (w:altChunk) a body, cell or text
    box shows, in order: content
    controls and custom XML around them are looked through, a text box anchored in a paragraph
    (a table laid out in one) gives its blocks after that paragraph, and a table that holds
    tables in its only row or only column (a web page pasted into Word keeps its layout table,
    the report inside one cell) is read for the blocks of its cells, as a web page's layout
    table is; a table of more rows and columns is a table, its inner tables read after it."""
    for child in container:
        tag = child.tag
        if tag == _P:
            yield child
            for box in _text_boxes(child):
                yield from _blocks(box)
        elif tag == _TBL:
            if child.find(f".//{_TBL}") is None or not _is_layout(child):
                yield child
                continue
            for tr in _table_rows(child):
                if tr.find(_ROW_DELETED) is None:
                    for tc in _row_cells(tr):
                        yield from _blocks(tc)
        elif tag in _WRAPPERS:
            yield from _blocks(child)
        elif tag == _ALT_CHUNK:
            yield child


def _is_layout(tbl) -> bool:
    """A table of one row or one column (that holds tables): a layout table."""
    rows = [sum(1 for _ in _row_cells(tr)) for tr in _table_rows(tbl)]
    return len(rows) <= 1 or max(rows) <= 1


def _text_boxes(p):
    """The text boxes drawn in a paragraph, each once: Word writes a drawing (mc:Choice) and a
    VML copy of it for old readers (mc:Fallback), which is left out."""
    if p.find(f".//{_TEXT_BOX}") is None:
        return []
    return [
        box
        for box in p.iter(_TEXT_BOX)
        if not any(a.tag == f"{_MC}Fallback" for a in box.iterancestors())
        and not any(a.tag == _TEXT_BOX for a in box.iterancestors())
    ]


class _Paragraphs:
    """Paragraphs' text as Word shows it: inserted text in, deleted and moved-away text (w:del,
    w:moveFrom) out, hidden text and struck-through text out (marked on the run or by its
    styles: word_styles; the struck text kept in `struck`), a field as its result. Text Word may show or not is kept in
    `doubtful` and stands as U+FFFD, which no value is read from (white space stands as it
    is)."""

    def __init__(self, marks: RunMarks) -> None:
        self.marks = marks
        self.struck: list[str] = []
        self.doubtful: list[str] = []
        #: what Word shows that is not read: equations (m:oMath), symbols of no digit (w:sym),
        #: a digit off the line at the number's size
        self.unread: list[str] = []
        #: text no reader sees: white on no shading, or set at a size no one reads (_ink)
        self.unseen: list[str] = []
        #: white text on a shading whose colour is not known: seen or not
        self.faint: list[str] = []
        self._paragraph = None
        #: the run whose text came last in the paragraph read
        self._before = None
        #: what Word shows that its text does not settle: a field's result Word works out
        #: again (marked dirty, or a page's number), a content control's placeholder, a
        #: picture or object set in the line
        self.unsettled: list[str] = []
        #: the fields open in the paragraph read, innermost last: [in its result yet, its
        #: code so far, whether Word works its result out again]
        self._fields: list[list] = []
        #: how many wrappers around the run read show what Word does not settle
        self._unsettled_depth = 0

    def text(self, p) -> str:
        paragraph_style = table_style = None
        if not self.marks.plain:
            paragraph_style, table_style = _styles_of(p)
        out: list[str] = []
        self._fields = []
        self._paragraph = p
        self._before = None
        self._collect(p, out, paragraph_style, table_style)
        return "".join(out)

    def _collect(self, element, out: list[str], paragraph_style, table_style) -> None:
        for child in element:
            tag = child.tag
            if tag == _R:
                if child.find(_FIELD_CHAR) is not None:
                    self._field_char(child)
                if not all(field[0] for field in self._fields):
                    if self._fields:
                        # a field's code (`= 3+4`, a nested field's result in it)
                        self._fields[-1][1].extend(t.text or "" for t in child.iter(_INSTRUCTION))
                    continue
                shown = self.marks.of(child, paragraph_style, table_style)
                if shown == HIDDEN:
                    continue
                text = _run_text(child)
                if shown == SHOWN and _in_line(child):
                    # a picture or an object (an embedded sheet's image) in the line: what
                    # it shows is not read; 1, a picture, 1 was read 11
                    self.unsettled.append("a picture")
                    text += "\ufffd"
                if (
                    shown == SHOWN
                    and text.strip()
                    and (self._unsettled_depth or any(f[2] or _moving(f[1]) for f in self._fields))
                ):
                    self.unsettled.append(text)
                    text = "\ufffd"
                if (ruby := child.find(_RUBY_BASE)) is not None:
                    # Word shows the base text large, its reading (w:rt) small above it
                    self._collect(ruby, out, paragraph_style, table_style)
                if (symbol := child.find(_SYMBOL)) is not None and shown == SHOWN:
                    text += self._symbol(symbol)
                if shown == STRUCK:
                    # a number struck by hand beside the new one
                    if text.strip():
                        self.struck.append(text)
                    continue
                if shown == SHOWN and text.strip():
                    ink = _ink(child, self._paragraph, self._styles_shade)
                    if ink == UNSEEN:
                        # an old number left in white or at 1 pt beside the one Word shows
                        self.unseen.append(text)
                        continue
                    if ink == DOUBTFUL:
                        self.faint.append(text)
                        text = "\ufffd"
                if shown == DOUBTFUL and text.strip():
                    self.doubtful.append(text)
                    text = "\ufffd"
                elif (
                    _MARK_DIGITS.fullmatch(text)
                    and "".join(out).rstrip()[-1:].isdigit()
                    and (raised := self._raised(child, "".join(out).rstrip()[-1]))
                ):
                    # 12 with a footnote's 1 raised after it: Word shows 12¹, which the run's
                    # text would join into 121 (a web page's 12<sup>1</sup> is read so too)
                    if raised is _UNSURE:
                        self.unread.append(text)
                        text = "\ufffd"
                    else:
                        text = text.translate(raised)
                out.append(text)
                self._before = child
            elif tag == _SIMPLE_FIELD or tag == _CONTENT_CONTROL:
                # a field given by its result, or a content control: what Word shows of it may
                # be a result it works out again or a placeholder's prompt
                unsettled = _unsettled_wrapper(child)
                self._unsettled_depth += unsettled
                self._collect(child, out, paragraph_style, table_style)
                self._unsettled_depth -= unsettled
            elif tag in _WRAPPERS:
                self._collect(child, out, paragraph_style, table_style)
            elif tag == _ALTERNATE:
                shown = _shown_alternative(child)
                if shown is not None:
                    self._collect(shown, out, paragraph_style, table_style)
            elif tag in _MATH:
                # an equation Word draws: its text is not read as the numbers it shows (a
                # fraction, a power), and is not left out unsaid
                self.unread.append("".join(child.itertext()) or "?")
                out.append("\ufffd")

    def _symbol(self, symbol) -> str:
        """A w:sym's character: a digit where its font draws one (Symbol, a text font:
        codes 0x30-0x39, or F030-F039 as Word writes a symbol font's), else what it shows is
        not read (U+FFFD, said): a picture font's glyph, a Greek letter, an arrow."""
        code = symbol.get(f"{_W}char", "")
        font = symbol.get(f"{_W}font", "")
        try:
            value = int(code, 16)
        except ValueError:
            value = -1
        if value >= 0xF000:
            value -= 0xF000
        if 0x30 <= value <= 0x39 and not font.lower().startswith(_PICTURE_FONTS):
            return chr(value)
        self.unread.append(f"{font} {code}")
        return "\ufffd"

    def _raised(self, run, last: str) -> dict[int, str] | None:
        """The digits' marks when Word sets the run, after a number, as a superscript or
        subscript (w:vertAlign, the run's own or its styles': the "footnote reference" style
        raises a custom footnote mark), or raises or lowers it (w:position) from the run
        before it at a smaller size: a mark set by hand. Raised or lowered at the same size or
        larger, a reader sees a digit off the line, mark or not: _UNSURE. A run set as the
        number before it is (`last`, the number's last character, a digit of its own, not a
        mark), superscript after superscript, is the rest of that number: Word splits a
        number's runs where it was edited, and a number set raised in two runs (12 as 1 and 2,
        by the runs or by their paragraph's style) was read 1 and a mark. A digit on the
        line after such raised digits is _UNSURE."""
        styles = _styles_of(self._paragraph)
        placed = self.marks.placement(run, *styles)
        if placed.get("vertAlign") or not placed.get("position") or self._before is None:
            shift = placed.get("vertAlign") or ""
            if (
                shift
                and self._before is not None
                and last.isascii()
                and self.marks.placement(self._before, *styles).get("vertAlign") == shift
            ):
                return None  # the number and the digit raised together: one number
            if (
                not shift
                and self._before is not None
                and last.isascii()
                and self.marks.placement(self._before, *styles).get("vertAlign") in _AS_MARK
            ):
                # a digit on the line after digits raised (¹2): a mark before the figure or
                # a figure set awry, not known; read 12, it was a number no reader sees
                return _UNSURE
            return _AS_MARK.get(shift)
        before = self.marks.placement(self._before, *styles)
        if placed["position"] == (before.get("position") or 0):
            return None  # the number and the digit moved together: one line
        if (placed.get("sz") or _WORD_SIZE) >= (before.get("sz") or _WORD_SIZE):
            return _UNSURE
        return _AS_MARK[
            "superscript" if placed["position"] > before.get("position", 0) else "subscript"
        ]

    def unknown(self) -> int:
        """How many runs so far Word may show or not (kept as U+FFFD)."""
        return len(self.doubtful) + len(self.faint) + len(self.unread) + len(self.unsettled)

    def _styles_shade(self) -> bool:
        """Whether the paragraph's or its table's style may shade its text."""
        return self.marks.shades(*_styles_of(self._paragraph))

    def _field_char(self, run) -> None:
        """Follow a field's marks: from its begin to its separate is its code, not shown (a
        field nested in the code, its result too); from there to its end, its result."""
        for mark in run.iter(_FIELD_CHAR):
            kind = mark.get(f"{_W}fldCharType")
            if kind == "begin":
                self._fields.append([False, [], _on(mark.get(f"{_W}dirty"))])
            elif kind == "separate" and self._fields:
                self._fields[-1][0] = True
            elif kind == "end" and self._fields:
                self._fields.pop()


#: digits a run raises or lowers (w:vertAlign), as the marks they stand for
_AS_MARK = {
    "superscript": str.maketrans("0123456789", SUPERSCRIPT_DIGITS),
    "subscript": str.maketrans("0123456789", SUBSCRIPT_DIGITS),
}
#: a digit raised after a number at its size: a mark or a digit, not known
_UNSURE: dict[int, str] = {-1: ""}
_MARK_DIGITS = re.compile(r"\s*\d{1,3}\s*")
#: the size (half-points) of text no style or default sizes: Word's 10 pt
_WORD_SIZE = 20


def _run_text(run) -> str:
    out = []
    for piece in run:
        if piece.tag in _RUN_TEXT:
            out.append(_RUN_TEXT[piece.tag] or piece.text or "")
        elif piece.tag == _BR:
            # a line break; a page or column break too: in a table's cell Word sets what
            # follows it on a line of its own (a cell cannot break a page), and in a paragraph
            # on the next page or column. Read as no text, 1, break, 1 was a cell of 11
            out.append("\n")
    return "".join(out)


#: a run's text no reader sees, left out and said
UNSEEN = "unseen"
#: a font size (half-points, w:sz) no reader reads: 2 pt and under (Word's least is 1 pt)
TINY_HALF_POINTS = 4
_SHADING = f"{_W}shd"
_RPR, _COLOUR, _SIZE = f"{_W}rPr", f"{_W}color", f"{_W}sz"
#: the theme's background and text colours, white and black in every theme Word and WPS ship
#: (an accent's colour is the theme's own)
_THEME_GREYS = {"background1": 0xFF, "light1": 0xFF, "text1": 0x00, "dark1": 0x00}


#: where a cell, a row and a table hold their shading
_HOLDER_SHADING = {
    _TC: f"{_W}tcPr/{_SHADING}",
    _TR: f"{_W}tblPrEx/{_SHADING}",
    _TBL: f"{_W}tblPr/{_SHADING}",
}


def _ink(run, p, styles_shade: Callable[[], bool]) -> str:
    """SHOWN, UNSEEN or DOUBTFUL for a run Word does not hide: UNSEEN for text set at
    TINY_HALF_POINTS or less, or white (w:color, or a theme colour Word draws white) on white:
    the nearest shading behind it (the run's, its paragraph's, its cell's, its row's, its
    table's) white, or none at all and no style that may shade it. White on a dark shading, or
    under a highlight, is shown; on a light one, a pattern, or a style's shading (a table
    style's dark header row, which is not worked out here), DOUBTFUL."""
    rpr = run.find(_RPR)
    if rpr is None:
        return SHOWN  # no size, no colour of its own: most runs
    size = rpr.find(_SIZE)
    if size is not None:
        value = size.get(f"{_W}val", "")
        if value.isdigit() and int(value) <= TINY_HALF_POINTS:
            return UNSEEN
    colour = rpr.find(_COLOUR)
    grey = None if colour is None else _theme_grey(colour, _RUN_THEME)
    if colour is None or not (
        _white(colour.get(f"{_W}val", "")) if grey is None else grey >= _WHITE_CHANNEL
    ):
        return SHOWN
    highlight = rpr.find(f"{_W}highlight")
    if highlight is not None and highlight.get(f"{_W}val", "") not in ("none", "white"):
        return SHOWN  # marked with a colour behind it
    shadings = [rpr.find(_SHADING), p.find(f"{_W}pPr/{_SHADING}")]
    # the cell's own, its row's (a table-property exception: a row pasted from another
    # table keeps that table's shading), its table's
    shadings += [
        holder.find(_HOLDER_SHADING[holder.tag]) for holder in p.iterancestors(_TC, _TR, _TBL)
    ]
    for shading in shadings:
        behind = None if shading is None else _behind(shading)
        if behind is not None:
            return behind
    return DOUBTFUL if styles_shade() else UNSEEN


#: a shading's fill this dark or darker (the mean of its channels) shows white text
_DARK_FILL = 0x80


def _behind(shading) -> str | None:
    """What white text on a w:shd is: UNSEEN on white, SHOWN on a dark fill, DOUBTFUL on a
    light one or a pattern; None for a shading that shades nothing (the one behind it counts)."""
    pattern = shading.get(f"{_W}val", "clear")
    fill = shading.get(f"{_W}fill", "auto")
    if pattern == "nil":
        return None
    if pattern != "clear":
        return DOUBTFUL
    grey = _theme_grey(shading, _FILL_THEME)
    if grey is not None:
        channels = bytes((grey, grey, grey))
    elif shading.get(f"{_W}themeFill") is not None:
        return DOUBTFUL  # an accent: the theme's own colour, not worked out here
    elif fill == "auto":
        return None
    else:
        channels = _hex_channels(fill)
    if channels is None:
        return DOUBTFUL
    if min(channels) >= _WHITE_CHANNEL:
        return UNSEEN
    return SHOWN if sum(channels) / 3 <= _DARK_FILL else DOUBTFUL


#: a w:color's and a w:shd's fill's theme colour, made lighter and darker: their attributes
_RUN_THEME = ("themeColor", "themeTint", "themeShade")
_FILL_THEME = ("themeFill", "themeFillTint", "themeFillShade")


def _theme_grey(element, names: tuple[str, str, str]) -> int | None:
    """The grey (one channel) Word draws a theme colour in (`names`: _RUN_THEME for a w:color,
    _FILL_THEME for a w:shd's fill), made lighter by its tint or darker by its shade (the share
    of the colour kept, in hex): the colour picker's "background 1, darker 25%" is light grey,
    seen on white, whatever w:val holds. None for no theme colour, or an accent's."""
    theme, tint, shade = (f"{_W}{name}" for name in names)
    channel = _THEME_GREYS.get(element.get(theme, ""))
    if channel is None:
        return None
    for attribute, lighter in ((tint, True), (shade, False)):
        value = element.get(attribute, "")
        try:
            share = int(value, 16) if len(value) == 2 else None
        except ValueError:
            share = None
        if share is not None:
            channel = 255 - (255 - channel) * share // 255 if lighter else channel * share // 255
    return channel


def _white(value: str) -> bool:
    """A w:color hex value that is white on paper."""
    channels = _hex_channels(value)
    return channels is not None and min(channels) >= _WHITE_CHANNEL


def _hex_channels(value: str) -> bytes | None:
    """The red, green and blue of a hex colour (FFFFFF); None for anything else."""
    try:
        channels = bytes.fromhex(value)
    except ValueError:
        return None
    return channels if len(channels) == 3 else None


def _styles_of(p) -> tuple[str | None, str | None]:
    """A paragraph's style (w:pStyle) and its table's (_table_style)."""
    style = p.find(_P_STYLE)
    return None if style is None else style.get(f"{_W}val"), _table_style(p)


def _table_style(p) -> str | None:
    """The style of the table a paragraph stands in ("" for a table without one), None outside
    tables (a text box in a cell is outside the table's formatting)."""
    for ancestor in p.iterancestors(_TBL, _TEXT_BOX):
        if ancestor.tag == _TEXT_BOX:
            return None
        style = ancestor.find(f"{_W}tblPr/{_W}tblStyle")
        return "" if style is None else style.get(f"{_W}val", "")
    return None


def _table_rows(tbl):
    """A table's rows, a content control or custom XML around rows looked through (a
    repeating section's rows, a form's row held in one): read only as the table's children,
    their figures were rows not on the page."""
    for child in tbl:
        if child.tag == _TR:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _table_rows(child)


def _row_cells(tr):
    """A row's cells, a content control or custom XML around a cell looked through; a cell
    deleted with Track Changes on (w:cellDel) is none: Word shows the row without it."""
    for child in tr:
        if child.tag == _TC:
            if child.find(_CELL_DELETED) is None:
                yield child
        elif child.tag in _WRAPPERS:
            yield from _row_cells(child)


def _merged(tc) -> str | None:
    """ "above" for a cell a w:vMerge continues (the cell above holds the text), "left" for an
    old-style w:hMerge continuation (the cell to its left holds it, as a w:gridSpan would)."""
    pr = tc.find(f"{_W}tcPr")
    if pr is None:
        return None
    for merge, side in ((pr.find(f"{_W}vMerge"), "above"), (pr.find(f"{_W}hMerge"), "left")):
        if merge is not None and merge.get(f"{_W}val") in (None, "continue"):
            return side
    return None


def _spans(tbl) -> dict:
    """Each merged cell of a table -> (rows, grid columns) it covers, as a web page's rowspan
    and colspan give them: the reader lays the rows under a value merged down out by them, as
    it does a web page's. A cell's columns are its w:gridSpan and the old-style w:hMerge
    continuations after it; its rows, the w:vMerge continuations below it that stand in the
    same grid columns. Where the grid columns are not certain (a row that skips grid columns
    with w:gridBefore, a continuation under no merged cell of its width), no cell of the table
    is given spans: its rows stay short of cells, and are not read, as before."""
    rows = []
    for tr in _table_rows(tbl):
        if tr.find(_ROW_DELETED) is not None:
            continue
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None and before.get(f"{_W}val", "0") not in ("", "0"):
            return {}
        at = 0
        row: dict[int, list] = {}  # grid column -> [cell, width, merged]
        last = None
        for tc in _row_cells(tr):
            merged = _merged(tc)
            width = _grid_span(tc)
            if merged == "left" and last is not None:
                last[1] += width
            else:
                last = row[at] = [tc, width, merged]
            at += width
        rows.append(row)
    out: dict = {}
    open_above: dict[int, tuple] = {}  # grid column -> (cell, width) merged down into this row
    for row in rows:
        still: dict[int, tuple] = {}
        for column, (tc, width, merged) in row.items():
            if merged == "above":
                above = open_above.get(column)
                if above is None or above[1] != width:
                    return {}
                rowspan, colspan = out.get(above[0], (1, width))
                out[above[0]] = (rowspan + 1, colspan)
                still[column] = above
                continue
            if width > 1:
                out[tc] = (1, width)
            still[column] = (tc, width)
        open_above = still
    return out


def _overflowing_rows(tbl) -> set[int]:
    """The rows (numbered as read, from 1) whose cells cover more grid columns than both the
    table's grid (w:tblGrid) and most of its rows: a cell given w:gridSpan="2" with no cell
    taken out after it. Word draws such a row past the table's right edge, each cell after the
    merged one a column to the right of the column its place in the row gives: read by place,
    11 merged under 自然人 and 商业企业, then 12 stood under 商业企业, where Word shows it under
    科研机构. A grid that all rows outrun (a converter's grid written short) tells nothing."""
    widths: dict[int, int] = {}
    for r, tr in enumerate(_table_rows(tbl), start=1):
        if tr.find(_ROW_DELETED) is not None:
            continue
        width = _grid_skip(tr, "gridBefore") + _grid_skip(tr, "gridAfter")
        widths[r] = width + sum(_grid_span(tc) for tc in _row_cells(tr) if _merged(tc) != "left")
    if len(widths) < 3:
        return set()
    grid = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
    usual = max(sorted(widths.values()), key=list(widths.values()).count)
    return {r for r, width in widths.items() if width > usual and width > grid}


def _grid_skip(tr, key: str) -> int:
    """The grid columns a row skips before its first cell (`key` gridBefore) or after its
    last (gridAfter): 0 without one, or with a value that is no count."""
    skip = tr.find(f"{_W}trPr/{_W}{key}")
    value = "" if skip is None else skip.get(f"{_W}val", "")
    return int(value) if value.isdigit() else 0


def _grid_span(tc) -> int:
    """The grid columns a cell's w:gridSpan covers (1 without one, or with a value that is no
    count)."""
    span = tc.find(f"{_W}tcPr/{_W}gridSpan")
    value = "" if span is None else span.get(f"{_W}val", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        # the end of a zip's directory, nowhere (more than a comment's room of other bytes
        # after it is damage of another kind)
        if b"PK\x05\x06" not in data:
            raise DocumentError(
                "the Word file is damaged: cut off (the zip's directory, at its end, is "
                f"missing; {len(data)} bytes: a download stopped part-way?)"
            ) from None
        raise DocumentError(f"the Word file is damaged: {exc}") from None
    if size > MAX_UNZIPPED:
        raise DocumentError(
            f"the Word file unpacks to {size} bytes, more than the {MAX_UNZIPPED} read"
        )


def converter() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, source: str) -> Document:
    """A .doc or .wps (OLE2) or an RTF file, through LibreOffice's conversion to .docx."""
    rtf = data[:64].lstrip()[:5] == b"{\\rtf"
    if not rtf and data.find(_WORD_STREAM) < 0:
        raise DocumentError(_not_word(data))
    if not rtf and _encrypted(data):
        # LibreOffice asked to convert it waits for a password no one gives, until its time
        # limit, or converts the scrambled bytes; the file says it is encrypted, before either
        raise DocumentError(
            "a Word 97-2003 file (.doc) encrypted with a password (its header's fEncrypted "
            "flag): it cannot be read"
        )
    command = converter()
    if command is None:
        raise DocumentError(
            "a Word 97-2003, WPS or RTF file (.doc/.wps/.rtf): reading it needs LibreOffice to "
            "convert it (`make system-deps` installs it), and it is not installed here"
        )
    with tempfile.TemporaryDirectory(prefix=f"{_DOC_FOLDER}{_owner()}-") as tmp:
        work = Path(tmp)
        source_path = work / ("report.rtf" if rtf else "report.doc")
        source_path.write_bytes(data)
        # a profile of its own: parallel workers must not share LibreOffice's profile lock
        profile = (work / "profile").as_uri()
        returncode, said = _convert(
            [
                command,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(work / "out"),
                str(source_path),
            ],
            env={**os.environ, "HOME": tmp},
        )
        converted = work / "out" / "report.docx"
        if returncode != 0 or not converted.is_file():
            raise DocumentError(
                f"LibreOffice could not convert the Word file (exit {returncode}"
                + (f": {said}" if said else "")
                + ")"
            )
        return read_docx(converted.read_bytes(), source, kind="doc")


#: what an OLE2 file without a WordDocument stream is, told by the streams it holds
_OLE2_KINDS = (
    (
        {"EncryptionInfo", "EncryptedPackage"},
        (
            "an Office file encrypted with a password (a .docx, .xlsx or .pptx inside an encrypted "
            "package): it cannot be read"
        ),
    ),
    (
        {"Workbook", "Book"},
        (
            "an Excel workbook (.xls, Excel 97-2003 or WPS), not read: a spreadsheet is not a "
            "report format read here"
        ),
    ),
    (
        {"PowerPoint Document"},
        (
            "a PowerPoint presentation (.ppt), not read: a presentation is not a report format "
            "read here"
        ),
    ),
)


def _not_word(data: bytes) -> str:
    """Why an OLE2 file without a WordDocument stream is not read, naming what it is."""
    streams = _ole2_names(data)
    for names, said in _OLE2_KINDS:
        if streams & names:
            return said
    return (
        "an OLE2 (old Office) file without a WordDocument stream: not a Word document "
        "(a spreadsheet or presentation?)"
    )


def _ole2_names(data: bytes) -> set[str]:
    """The names of an OLE2 file's streams and storages, read from its directory entries
    wherever they stand: each is 128 bytes, at a multiple of 128 past the 512-byte header
    (sectors are 512 or 4096 bytes), its UTF-16 name's length in bytes at 64 (with the
    terminating NUL) and its type at 66 (1 a storage, 2 a stream, 5 the root)."""
    names = set()
    for at in range(512, len(data) - 127, 128):
        length = int.from_bytes(data[at + 64 : at + 66], "little")
        if data[at + 66] not in (1, 2, 5) or not 2 <= length <= 64 or length % 2:
            continue
        name = data[at : at + length]
        if name[-2:] != b"\0\0":
            continue
        with contextlib.suppress(UnicodeDecodeError):
            names.add(name[:-2].decode("utf-16-le"))
    return names


#: the Word binary header's (FIB's) first field in Word 6 and 95, and in Word 97 and later
_FIB_IDENTS = (0xA5DC, 0xA5EC)
#: fEncrypted, in the FIB's flags (a 16-bit word at 0x0A): RC4 or XOR-obfuscated with a
#: password ([MS-DOC] 2.5.2)
_F_ENCRYPTED = 0x0100


def _encrypted(data: bytes) -> bool:
    """Whether a .doc's WordDocument stream begins with a Word header marked encrypted."""
    head = _word_stream_head(data)
    if head is None or len(head) < 12:
        return False
    ident, flags = int.from_bytes(head[0:2], "little"), int.from_bytes(head[10:12], "little")
    return ident in _FIB_IDENTS and bool(flags & _F_ENCRYPTED)


def _word_stream_head(data: bytes) -> bytes | None:
    """The first sector of an OLE2 file's WordDocument stream (its first 64-byte mini sector
    where the stream is stored small), read from the compound file's own tables: the header's
    sector size, the directory's chain in the allocation table, and the stream's entry (its
    first sector at 116, its size at 120). None where the file does not lead to it."""
    if len(data) < 512:
        return None
    shift = int.from_bytes(data[0x1E:0x20], "little")
    if shift not in (9, 12):
        return None
    size = 1 << shift
    fat = b"".join(data[(s + 1) * size : (s + 2) * size] for s in ole2_fat_sectors(data))

    def chain(first: int):
        seen = set()
        while first < SPECIAL_SECTORS and first not in seen and 4 * first + 4 <= len(fat):
            seen.add(first)
            yield first
            first = int.from_bytes(fat[4 * first : 4 * first + 4], "little")

    directory = b"".join(
        data[(s + 1) * size : (s + 2) * size]
        for s in chain(int.from_bytes(data[0x30:0x34], "little"))
    )
    entries = [directory[at : at + 128] for at in range(0, len(directory) - 127, 128)]
    word = next((e for e in entries if e[: len(_WORD_STREAM) + 2] == _WORD_STREAM + b"\0\0"), None)
    if word is None or not entries:
        return None
    start = int.from_bytes(word[116:120], "little")
    length = int.from_bytes(word[120:124], "little")
    if length >= int.from_bytes(data[0x38:0x3C], "little"):
        return data[(start + 1) * size : (start + 2) * size]
    # a small stream: in the mini stream, which the root entry's chain holds, 64 bytes a sector
    sectors = list(chain(int.from_bytes(entries[0][116:120], "little")))
    k = start * 64 // size
    if k >= len(sectors):
        return None
    at = (sectors[k] + 1) * size + start * 64 % size
    return data[at : at + 64]


def _convert(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run a LibreOffice conversion: its exit status and the start of what it said.

    `soffice` starts oosplash, which converts in a child of its own (soffice.bin). The command
    runs in a process group of its own and, when it overruns CONVERT_TIMEOUT, the whole group is
    killed: killing only the process started left soffice.bin converting, for good on a file
    that hangs it, in a folder that could then not be removed. `timeout` (coreutils), where
    installed, kills the group too if the process that started it dies first (kill -9)."""
    bound = shutil.which("timeout")
    if bound:
        argv = [bound, "--signal=KILL", str(CONVERT_TIMEOUT + 5), *argv]
    # every process of the conversion inherits the mark, one that left the group too
    mark = f"{_owner()}.{next(_COUNTER)}"
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**env, _MARK: mark},
        start_new_session=True,
    )
    _CONVERTING[proc.pid] = mark
    try:
        out, err = proc.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        _abandon(proc)
        raise DocumentError(
            f"LibreOffice did not convert the Word file within {CONVERT_TIMEOUT} s"
        ) from None
    except BaseException:  # Ctrl-C, the page's time limit: the conversion goes too
        _abandon(proc)
        raise
    finally:
        del _CONVERTING[proc.pid]
        _end_marked(lambda m: m == mark)  # what outlived it, out of its group
    return proc.returncode, (err or out).decode("utf-8", "replace").strip()[:200]


def _abandon(proc: subprocess.Popen) -> None:
    """Kill the conversion's group and reap its process, without waiting for the end of its
    output: a process that left the group (setsid) may hold those pipes open for good."""
    _end_group(proc.pid)
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


#: the conversions running in this process: process group -> mark
_CONVERTING: dict[int, str] = {}
#: the environment variable that marks a conversion's processes: `<owner>.<n>`, the owner
#: being the converting process as `<pid>-<start time>-<pid namespace>` (a pid alone may be
#: reused, and is another process's in another namespace: a container's)
_MARK = "GX_CONVERSION"
_COUNTER = itertools.count()
#: a conversion's temporary folder: `gx-doc-<owner>-…` under the temporary directory
_DOC_FOLDER = "gx-doc-"
#: the whole name of a conversion's folder, as tempfile ends it (8 of [a-z0-9_]): owned as now
#: (`<pid>-<start>-<pid namespace>-`), as before the namespace (`<pid>-<start>-`), or not at all
_DOC_FOLDER_NAME = re.compile(r"gx-doc-(?:[0-9]+-[0-9]*-[0-9]*-|[0-9]+-[0-9]+-)?[a-z0-9_]{8}")


def end_conversions() -> None:
    """Kill the conversions this process started (a parse worker whose run is gone), with
    their processes that left the group (setsid)."""
    marks = set(_CONVERTING.values())
    for group in list(_CONVERTING):
        _end_group(group)
    _end_marked(lambda m: m in marks)


def end_orphaned_conversions() -> list[int]:
    """Kill the processes of conversions whose converting process is gone (a run killed with
    kill -9 while LibreOffice converted in its own process, where nothing was left to end
    them: `timeout` ends their group after CONVERT_TIMEOUT, not one that left it), and remove
    the temporary folders such conversions left: this user's folders named as a conversion
    names them (the temporary directory is shared: another user's folder, or a folder of one's
    own that only begins with gx-doc-, is left alone). Returns the processes killed."""
    killed = _end_marked(lambda m: not _alive(m.rsplit(".", 1)[0]))
    for folder in Path(tempfile.gettempdir()).glob(f"{_DOC_FOLDER}*"):
        if _DOC_FOLDER_NAME.fullmatch(folder.name) and _mine(folder) and _left_over(folder):
            shutil.rmtree(folder, ignore_errors=True)  # a link is not followed, nor removed
    return killed


#: a conversion's folder untouched for this long is no conversion's any more: none lasts longer
#: than CONVERT_TIMEOUT (`timeout` kills its group 5 s later)
_LEFT_OVER_S = 2 * (CONVERT_TIMEOUT + 5)


def _left_over(folder: Path) -> bool:
    """Whether a conversion's temporary folder is left over: its converting process is gone
    (where it can be told: this pid namespace's), or else it has been untouched for longer than a
    conversion lasts. The second covers the folders that are not judged by their owner (another
    pid namespace's, no /proc) and those named before they carried their owner's pid namespace
    (`gx-doc-<pid>-<start>-…`) or any owner (`gx-doc-…`), which stayed for good."""
    owner = folder.name[len(_DOC_FOLDER) :].split("-")
    if len(owner) >= 4:
        _, started, namespace = owner[:3]
        if namespace == _pid_namespace() and started:  # judged by its owner alone
            # the time limit runs on the monotonic clock, which a sleeping machine stops: a
            # live conversion's folder may be older than a conversion lasts by the wall clock
            return not _alive("-".join(owner[:3]))
    try:
        return time.time() - folder.lstat().st_mtime > _LEFT_OVER_S
    except OSError:
        return False


def _mine(folder: Path) -> bool:
    try:
        return folder.lstat().st_uid == os.getuid()
    except OSError:
        return False


def _owner() -> str:
    return f"{os.getpid()}-{_start_time(os.getpid())}-{_pid_namespace()}"


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat), "" if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return ""
    # the command name, in parentheses, may hold spaces: fields count from its end
    return stat[stat.rfind(b")") + 2 :].split()[19].decode()


def _alive(owner: str) -> bool:
    """Whether the converting process `owner` names may be running. One of another pid
    namespace (a container's, whose pids name other processes here) or whose start time was
    not known (no /proc) is not judged: taken as running."""
    pid, started, namespace = (owner.split("-") + ["", ""])[:3]
    if namespace != _pid_namespace() or not started:
        return True
    return pid.isdigit() and _start_time(int(pid)) == started


def _end_marked(chosen: Callable[[str], bool]) -> list[int]:
    """Kill the processes whose environment carries a conversion mark `chosen` takes (Linux:
    /proc; elsewhere none is found)."""
    prefix = f"{_MARK}=".encode()
    killed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry.name}/environ", "rb") as f:
                    environ = f.read()
            except OSError:
                continue
            mark = next((v for v in environ.split(b"\0") if v.startswith(prefix)), None)
            if mark is not None and chosen(mark[len(prefix) :].decode(errors="replace")):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry.name), signal.SIGKILL)
                    killed.append(int(entry.name))
    return killed


def _end_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
