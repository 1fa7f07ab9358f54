"""What Word shows in a table's cell that the file's text does not settle: a field whose result
Word works out again (marked dirty, so updated as the file opens; a page's number or a running
count), a content control showing its placeholder prompt, a picture or an embedded object set in
the line, a table inside the cell. Each was read as the figure it stood beside or in, a wrong
number with no flag; each now withholds its cell and says so. Their settled neighbours (a field
not marked dirty, a content control holding what was written in it, a picture floating off
the line) are still read, and so are a table's rows a content control holds."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest
from lxml import etree

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_documents_odd import (
    CELL,
    DOCX,
    NS,
    W,
    _cells_table_edited,
    _field,
    _para,
    _run,
    _value,
    _with_cell,
)

_INSTR = "<w:r><w:instrText xml:space='preserve'> {} </w:instrText></w:r>".format
_DIRTY_BEGIN = "<w:r><w:fldChar w:fldCharType='begin' w:dirty='true'/></w:r>"
_MARK = "<w:r><w:fldChar w:fldCharType='{}'/></w:r>".format
_PICTURE_NS = (
    "xmlns:wp='http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing' "
    "xmlns:a='http://schemas.openxmlformats.org/drawingml/2006/main'"
)


def _dirty_field(code: str, result: str) -> str:
    return f"{_DIRTY_BEGIN}{_INSTR(code)}{_MARK('separate')}{result}{_MARK('end')}"


def _picture(placement: str) -> str:
    return (
        f"<w:r><w:drawing {_PICTURE_NS}><wp:{placement}><wp:extent cx='9' cy='9'/><a:graphic>"
        "<a:graphicData uri='http://schemas.openxmlformats.org/drawingml/2006/picture'/>"
        f"</a:graphic></wp:{placement}></w:drawing></w:r>"
    )


_OBJECT = (
    "<w:r><w:object xmlns:v='urn:schemas-microsoft-com:vml'><v:shape style='width:20pt'/>"
    "</w:object></w:r>"
)


def _control(content: str, placeholder: bool) -> str:
    shown = "<w:showingPlcHdr/>" if placeholder else ""
    return f"<w:sdt><w:sdtPr><w:alias w:val='n'/>{shown}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


#: what stands in the cell in place of (or beside) the figure 7, as runs of a paragraph
_UNSETTLED = {
    "dirty complex field": lambda t: _dirty_field("=7", _run(t)),
    "dirty simple field": lambda t: (
        f"<w:fldSimple w:instr='=7' w:dirty='true'>{_run(t)}</w:fldSimple>"
    ),
    "page number field": lambda t: _field(_INSTR("PAGE"), _run(t)),
    "page count field": lambda t: f"<w:fldSimple w:instr=' NUMPAGES '>{_run(t)}</w:fldSimple>",
    "running count field": lambda t: _field(_INSTR("SEQ Table \\* ARABIC"), _run(t)),
    "placeholder": lambda t: _control(_run(t), True),
    "inline picture": lambda t: _picture("inline") + _run(t),
    "object": lambda t: _OBJECT + _run(t),
}


@pytest.mark.parametrize(
    ("kind", "where"), itertools.product(_UNSETTLED, ["alone", "before 7", "after 7"])
)
def test_what_the_text_does_not_settle_withholds_its_cell_saying_so(kind, where) -> None:
    # the stale or stand-in text is 9: read, the cell was 9, 97 or 79
    unsettled = _UNSETTLED[kind]("9" if kind not in ("inline picture", "object") else "")
    runs = {"alone": [unsettled], "before 7": [unsettled, _run(7)], "after 7": [_run(7), unsettled]}
    if kind in ("inline picture", "object") and where == "alone":
        runs["alone"] = [_run(1), unsettled, _run(1)]  # 1, a picture, 1: was 11
    value, report = _value(_para(*runs[where]))
    assert value is None
    assert "cells_unplaced" in report.flags
    assert any("is not settled by its text" in p for p in report.problems)


@pytest.mark.parametrize(
    "inner",
    [
        # a field Word does not mark to update: its result is what it shows
        _para(_field(_INSTR("=SUM(LEFT)"), _run(7))),
        _para(f"<w:fldSimple w:instr='=7'>{_run(7)}</w:fldSimple>"),
        # a content control holding what was written in it
        _para(_control(_run(7), False)),
        _control(_para(_run(7)), False),
        # a picture floating off the line, anchored in the cell
        _para(_picture("anchor"), _run(7)),
    ],
)
def test_what_the_text_settles_beside_them_is_read(inner: str) -> None:
    value, report = _value(inner)
    assert value == 7
    assert "cells_unplaced" not in report.flags


def _table(*rows: list) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_para(_run(x))}</w:tc>" for x in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl><w:tblGrid>{'<w:gridCol/>' * len(rows[0])}</w:tblGrid>{cells}</w:tbl>"


@pytest.mark.parametrize(
    "inner",
    [
        # the cell's 7 with a table of 9 after or before it: Word draws both in the cell; the
        # inner table was read as a row without a label, said with no flag, and 7 stood
        _para(_run(7)) + _table([9]) + "<w:p/>",
        _table([9]) + _para(_run(7)),
        # a table of two figures and nothing else: the cell was blank with nothing said
        _table([1], [2]) + "<w:p/>",
        _table([1, 2]) + "<w:p/>",
    ],
)
def test_a_cell_holding_a_table_with_figures_is_withheld_saying_so(inner: str) -> None:
    value, report = _value(inner)
    assert value is None
    assert "cells_unplaced" in report.flags
    assert any("a table of its own" in p for p in report.problems)


def _wrap_rows(first: int, last: int, wrapper: str):
    """An edit wrapping the requests table's rows first..last (1-based) in `wrapper` (a
    content control, custom XML), as a form's repeating section holds its rows."""

    def edit(table, tr: int, td: int) -> None:
        rows = table.findall(f"{W}tr")[first - 1 : last]
        outer = etree.fromstring(f"<x {NS}>{wrapper}</x>")[0]
        inner = next((e for e in outer.iter(f"{W}sdtContent")), outer)
        rows[0].addprevious(outer)
        inner.extend(rows)

    return edit


@pytest.mark.parametrize(
    "wrapper",
    [
        "<w:sdt><w:sdtPr><w:alias w:val='n'/></w:sdtPr><w:sdtContent/></w:sdt>",
        "<w:customXml w:element='rows'/>",
    ],
)
@pytest.mark.parametrize("span", [(0, 0), (0, 3), (-2, 0)])
def test_rows_in_a_content_control_are_read_as_the_tables(wrapper, span) -> None:
    # Word shows the rows a content control holds as rows of the table; read only as the
    # table's own children, their figures were rows not on the page (withheld, incomplete)
    plain = parse_bytes(DOCX, "report.docx")
    where = next(c for c in plain.cells if (c.section, c.row, c.col) == CELL)
    first, last = where.tr + span[0], where.tr + span[1]
    report = parse_bytes(_cells_table_edited(_wrap_rows(first, last, wrapper)), "report.docx")
    got = {(c.section, c.row, c.col): c.value for c in report.cells}
    assert got == {(c.section, c.row, c.col): c.value for c in plain.cells}
    assert set(report.flags) == set(plain.flags)


def _before_table(paragraph: str):
    """An edit putting `paragraph` in the body before the requests table (a caption)."""

    def edit(table, tr: int, td: int) -> None:
        table.addprevious(etree.fromstring(f"<x {NS}>{paragraph}</x>")[0])

    return edit


@pytest.mark.parametrize("kind", sorted(_UNSETTLED))
def test_what_a_paragraph_outside_the_tables_does_not_settle_is_said_not_flagged(kind) -> None:
    # a table's caption numbered by a SEQ field (表1), a page's number in the body, a dirty
    # hyperlink or date, a picture in a line of text: no cell of a table holds it. The line
    # reads U+FFFD in its place, as a table cell's is read as empty, and a figure read from a
    # line so marred is no figure; the report does not need review for it
    shown = _UNSETTLED[kind]("1" if kind not in ("inline picture", "object") else "")
    plain = parse_bytes(DOCX, "report.docx")
    caption = _para(_run("表"), shown, _run("政府信息公开申请情况"))
    report = parse_bytes(_cells_table_edited(_before_table(caption)), "report.docx")
    got = {(c.section, c.row, c.col): c.value for c in report.cells}
    assert got == {(c.section, c.row, c.col): c.value for c in plain.cells}
    assert set(report.flags) == set(plain.flags)
    assert any("is not settled by its text" in p for p in report.problems)


_CHUNK = (
    "<w:altChunk xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships' "
    "r:id='rIdChunk'/>"
)
_CHUNK_PARTS = {
    "html": ("text/html", "<html><body><p>{}</p></body></html>"),
    "xhtml": (
        "application/xhtml+xml",
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><p>{}</p></body></html>",
    ),
    "txt": ("text/plain", "{}"),
    "mht": ("message/rfc822", "MIME-Version: 1.0\nContent-Type: text/html\n\n<p>{}</p>"),
    "rtf": ("application/rtf", "{{\\rtf1 {}}}"),
}


def _importing(docx: bytes, kind: str, content: str) -> bytes:
    """The Word file with a part of `kind` holding `content`, related as rIdChunk (a
    w:altChunk's import: aFChunk)."""
    content_type, template = _CHUNK_PARTS[kind]
    name = f"chunk.{kind}"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            part = src.read(item)
            if item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/word/{name}" ContentType="{content_type}"/>'
                part = part.replace(b"</Types>", override.encode() + b"</Types>")
            elif item.filename == "word/_rels/document.xml.rels":
                relation = (
                    '<Relationship Id="rIdChunk" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/aFChunk" Target="{name}"/>'
                )
                part = part.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
            dst.writestr(item, part)
        dst.writestr(f"word/{name}", template.format(content))
    return out.getvalue()


@pytest.mark.parametrize("kind", list(_CHUNK_PARTS))
@pytest.mark.parametrize(
    ("inner", "imported"),
    [
        (_CHUNK + _para(), "11"),  # the cell shows the imported 11 alone
        (_CHUNK + _para(_run("11")), "11"),  # the imported 11 over the cell's own 11
        (_CHUNK + _para(_run("11")), ""),  # an empty page over the cell's own 11
        (_para(_run("1")) + _CHUNK + _para(_run("1")), "1"),  # 1, the imported 1, 1
    ],
)
def test_a_cell_showing_a_document_it_imports_is_withheld_flagged(kind, inner, imported):
    # Word shows the imported web page, text or RTF (w:altChunk) in the cell: passed over, its
    # 11 was an empty cell with no flag, or the cell's own 11 read alone beside it
    report = parse_bytes(_importing(_with_cell(inner), kind, imported), "report.docx")
    (value,) = [c.value for c in report.cells if (c.section, c.row, c.col) == CELL]
    assert value is None
    assert "cells_unplaced" in report.flags
    assert any("w:altChunk" in p for p in report.problems)


def test_a_cell_without_an_imported_document_is_read_beside_the_part() -> None:
    # the part in the file, no cell importing it: the cell reads its own figure
    report = parse_bytes(_importing(_with_cell(_para(_run("11"))), "html", "99"), "report.docx")
    (value,) = [c.value for c in report.cells if (c.section, c.row, c.col) == CELL]
    assert value == 11
    assert "cells_unplaced" not in report.flags


def test_a_document_the_body_imports_among_its_own_text_is_said_not_read() -> None:
    # Word shows the imported page in its place among the file's own tables: passed over,
    # what it shows was lost with no word
    docx = _importing(_with_cell(_para(_run("11"))), "html", "<table><tr><td>5</td></tr></table>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            part = src.read(item)
            if item.filename == "word/document.xml":
                body = part.index(b"<w:body>") + len(b"<w:body>")
                part = part[:body] + _CHUNK.encode() + part[body:]
            dst.writestr(item, part)
    report = parse_bytes(out.getvalue(), "report.docx")
    assert "incomplete" in report.flags
    assert any("imports among its own text" in p for p in report.problems)
