"""Odd and hostile documents given as a report: each is read with every number on its own row
and column, or refused with a reason that names what the file is.

The inputs are made here from their descriptions: old Office files other than Word's (their
compound file's directory names their streams), Word files cut off, macro-enabled, importing a
web page, with tracked changes, fields and raised footnote marks (the generated Word fixture
with one cell rewritten), and PDFs written here object by object (encrypted, raised digits,
invisible text) or the generated PDF fixture with its pages turned.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from gx_pipeline import documents
from gx_pipeline.documents import DocumentError
from gx_pipeline.parsing import ParseError, parse_bytes
from gx_pipeline.staging.pool import parse_raw
from gx_pipeline.staging.tables import Quarantined, RawFile

PAGES = Path(__file__).parent / "fixtures" / "documents" / "pages"
DOCX = next(p for p in sorted(PAGES.iterdir()) if p.suffix == ".docx").read_bytes()
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
#: the cell rewritten: new requests from natural persons
CELL = ("requests", "new_received", "natural_person")


def _ole2(names: list[str]) -> bytes:
    """A compound file (OLE2), as every Office 97-2003 file is: a header, one sector of its
    allocation table, and its directory, whose root holds an empty stream of each name."""
    entries = [("Root Entry", 5)] + [(name, 2) for name in names]
    directory = b""
    for k, (name, kind) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if k == 0 and names else 0xFFFFFFFF
        right = k + 1 if 0 < k < len(entries) - 1 else 0xFFFFFFFF
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", 0xFFFFFFFE, 0)
        )
    directory = directory.ljust(512 * -(-len(directory) // 512), b"\0")
    chain = [0xFFFFFFFD] + [k + 2 for k in range(1, len(directory) // 512)] + [0xFFFFFFFE]
    fat = struct.pack(f"<{len(chain)}I", *chain).ljust(512, b"\xff")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<8I", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
        + struct.pack("<I", 0)  # the first sector of the allocation table
    )
    return header.ljust(512, b"\xff") + fat + directory


def _quarantined(data: bytes, path: Path) -> str:
    """Why a year's run puts the file in quarantine."""
    path.write_bytes(data)
    raw = RawFile(path.name, str(path), hashlib.sha256(data).hexdigest(), len(data), True)
    outcome = parse_raw(raw)
    assert isinstance(outcome, Quarantined), path.name
    return outcome.reason


@pytest.mark.parametrize(
    ("streams", "said"),
    [
        (["Workbook", "\x05SummaryInformation"], "an Excel workbook (.xls"),
        (["Book"], "an Excel workbook (.xls"),  # Excel 5/95
        (["PowerPoint Document", "Current User"], "a PowerPoint presentation (.ppt)"),
        (
            ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"],
            "an Office file encrypted with a password",
        ),
    ],
)
def test_an_old_office_file_other_than_word_is_named_for_what_it_is(
    streams, said, tmp_path: Path
) -> None:
    # an agency links the report's tables as an .xls: "not a Word document (a spreadsheet or
    # presentation?)" left the reader to guess; a .docx saved with a password is such a file too
    data = _ole2(streams)
    with pytest.raises(ParseError, match=f"^report.xls: {re.escape(said)}"):
        parse_bytes(data, "report.xls")
    assert said in _quarantined(data, tmp_path / "report.xls")


def _word97(flags: int, shift: int = 9, small: bool = False) -> bytes:
    """A Word 97-2003 file (.doc) as its compound file holds it: a header (sectors of 1 << shift
    bytes), one sector of its allocation table, its directory (the root and the WordDocument
    stream), and the stream, which opens with the Word header (FIB: its ident, version,
    language, and `flags` at 0x0A). `small`: a stream under the 4096 bytes at which a compound
    file keeps streams in its mini stream (64-byte sectors, held by the root entry)."""
    size = 1 << shift
    stream = struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0x0804, 0, flags)
    stream = stream.ljust(256 if small else 6000, b"\0")
    body = stream.ljust(size * -(-len(stream) // size), b"\0")
    n = len(body) // size
    entries = [("Root Entry", 5, 2 if small else 0xFFFFFFFE, len(body) if small else 0)]
    entries.append(("WordDocument", 2, 0 if small else 2, len(stream)))
    directory = b""
    for k, (name, kind, start, length) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        directory += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, k or 1)
            + b"\0" * 36
            + struct.pack("<IQ", start, length)
        )
    directory = directory.ljust(size, b"\0")
    chain = [0xFFFFFFFD, 0xFFFFFFFE] + [2 + k + 1 for k in range(n - 1)] + [0xFFFFFFFE]
    fat = struct.pack(f"<{len(chain)}I", *chain).ljust(size, b"\xff")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<5H", 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift, 6)
        + b"\0" * 6
        + struct.pack("<8I", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
        + struct.pack("<II", 0, 0)  # no DIFAT sector; the allocation table in sector 0
    )
    return header.ljust(size, b"\xff") + fat + directory + body


@pytest.mark.parametrize(
    ("shift", "small", "flags"),
    [
        (9, False, 0x0100),  # RC4 with a password
        (9, False, 0x8100),  # XOR-obfuscated with a password
        (12, False, 0x0100),  # 4096-byte sectors (a compound file of version 4)
        (9, True, 0x0100),  # a short stream, in the mini stream
    ],
)
def test_a_word_97_file_encrypted_with_a_password_is_refused_saying_so_at_once(
    shift: int, small: bool, flags: int, tmp_path: Path, monkeypatch
) -> None:
    # LibreOffice asked to convert it waits for the password or converts scrambled bytes; the
    # Word header says it is encrypted, and nothing is run. Unencrypted, the same file goes on
    # to the conversion (refused here with LibreOffice said missing: no converter is called)
    from gx_pipeline.documents import word

    monkeypatch.setattr(word, "converter", lambda: None)
    encrypted = _word97(flags, shift, small)
    assert documents.kind_of(encrypted) == "doc"
    with pytest.raises(ParseError, match=r"^report.doc: a Word 97-2003 file \(.doc\) encrypted"):
        parse_bytes(encrypted, "report.doc")
    assert "encrypted with a password" in _quarantined(encrypted, tmp_path / "report.doc")
    with pytest.raises(ParseError, match="needs LibreOffice"):
        parse_bytes(_word97(flags & ~0x0100, shift, small), "report.doc")


def test_gx_parse_names_an_excel_workbook_in_its_error_line(tmp_path: Path) -> None:
    sheet = tmp_path / "2023年报表.xls"
    sheet.write_bytes(_ole2(["Workbook"]))
    out = subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "parse", str(sheet)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert out.stderr.splitlines()[0].startswith(f"gx parse: {sheet}: an Excel workbook (.xls")


def _first_part_end(docx: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        first, second = z.infolist()[:2]
    assert first.filename == "[Content_Types].xml"
    return second.header_offset


def test_a_word_file_cut_within_its_first_parts_is_cut_off_not_another_file() -> None:
    # cut within its first 1.8 KB (the content types, relationships and properties every
    # Office file opens with), a .docx was "a zip archive of 3 files (…) cut off": no part
    # under word/ had come yet. Its content types name Word's main part; cut before them, the
    # file is an Office file cut off, not a zip archive
    whole = _first_part_end(DOCX)
    for size in range(40, 1900, 23):
        with pytest.raises(ParseError, match="damaged: cut off") as err:
            parse_bytes(DOCX[:size], "report.docx")
        if size >= whole:
            assert "the Word file is damaged: cut off" in str(err.value), size
        assert "zip archive" not in str(err.value), size
    # a spreadsheet cut as early stays no Word file
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr("_rels/.rels", "<Relationships/>" * 20)
    cut = sheet.getvalue()[: _first_part_end(sheet.getvalue()) + 40]
    assert documents.kind_of(cut) is None
    with pytest.raises(ParseError, match="an Office file .* damaged: cut off"):
        parse_bytes(cut, "report.xlsx")


_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.mark.parametrize(
    "main",
    [
        b"application/vnd.ms-word.document.macroEnabled.main+xml",  # .docm
        b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",  # .dotm
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    ],
)
def test_a_macro_enabled_word_file_is_read_as_its_document_never_run(main: bytes) -> None:
    # a .docm's main part is a Word document's, only typed otherwise; python-docx refused it
    # ("is not a Word file"). Its macros are a part (vbaProject.bin) that is carried, not run
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DOCX)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(_MAIN, main).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                    b'vbaProject"/></Types>',
                )
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                    b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
                )
            dst.writestr(item, data)
        dst.writestr("word/vbaProject.bin", _ole2(["VBA", "PROJECT"]))
    docm = out.getvalue()
    assert documents.kind_of(docm) == "docx"
    read = parse_bytes(docm, "report.docm")
    assert read.cells == parse_bytes(DOCX, "report.docx").cells
    assert read.cells


def _with_cell(inner: str, before: str = "", row: str = "", styles: str = "") -> bytes:
    """The Word fixture with CELL's paragraphs replaced by `inner` (WordprocessingML), the
    cells `before` put before it in its row, the row's properties `row` (a w:tblPrEx or
    w:trPr) put first in its row, and the w:style elements `styles` added to its styles."""

    def edit(table, tr: int, td: int) -> None:
        tc = table.findall(f"{W}tr")[tr - 1].findall(f"{W}tc")[td - 1]
        for p in tc.findall(f"{W}p"):
            tc.remove(p)
        tc.extend(etree.fromstring(f"<x {NS}>{inner}</x>"))
        for cell in etree.fromstring(f"<x {NS}>{before}</x>"):
            tc.addprevious(cell)
        for k, props in enumerate(etree.fromstring(f"<x {NS}>{row}</x>")):
            tc.getparent().insert(k, props)

    return _cells_table_edited(edit, styles)


def _cells_table_edited(edit: Callable, styles: str = "") -> bytes:
    """The Word fixture with `edit(table, tr, td)` applied to the table CELL is in (CELL's row
    and cell numbers given), and the w:style elements `styles` added to its styles."""
    where = next(c for c in parse_bytes(DOCX, "r.docx").cells if (c.section, c.row, c.col) == CELL)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DOCX)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                edit(list(root.iter(f"{W}tbl"))[where.table - 1], where.tr, where.td)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            if item.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", styles.encode() + b"</w:styles>")
            dst.writestr(item, data)
    return out.getvalue()


def _value(inner: str, styles: str = ""):
    report = parse_bytes(_with_cell(inner, styles=styles), "report.docx")
    (value,) = [c.value for c in report.cells if (c.section, c.row, c.col) == CELL]
    return value, report


def _run(text: str, props: str = "") -> str:
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}<w:t>{text}</w:t></w:r>"


def _para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def _field(code: str, result: str) -> str:
    mark = "<w:r><w:fldChar w:fldCharType='{}'/></w:r>".format
    return f"{mark('begin')}{code}{mark('separate')}{result}{mark('end')}"


def test_a_fields_code_is_not_read_only_its_result() -> None:
    # {= {QUOTE 5} + 2} shows 7. The field nested in the outer one's code shows its result 5
    # inside that code, which Word does not show: read, the cell was 57, a wrong number
    # with no flag
    inner = _field("<w:r><w:instrText>QUOTE 5</w:instrText></w:r>", _run(5))
    code = (
        f"<w:r><w:instrText>= </w:instrText></w:r>{inner}<w:r><w:instrText> + 2</w:instrText></w:r>"
    )
    value, _ = _value(f"<w:p>{_field(code, _run(7))}</w:p>")
    assert value == 7
    # a result typed in the code's runs as text, not w:instrText, is code all the same
    value, _ = _value(
        f"<w:p>{_field(_run(9) + '<w:r><w:instrText>=3+4</w:instrText></w:r>', _run(7))}</w:p>"
    )
    assert value == 7


@pytest.mark.parametrize(("align", "mark"), [("superscript", "¹"), ("subscript", "₁")])
def test_a_digit_raised_after_a_number_is_its_footnote_mark_not_a_digit(align, mark) -> None:
    # Word shows 7 with a raised 1 (a footnote's reference) as 7¹; the runs' text joined them
    # into 71, a wrong number with no flag. A web page's 7<sup>1</sup> is read as 7 and its mark
    value, report = _value(f"<w:p>{_run(7)}{_run(1, f'<w:vertAlign w:val={align!r}/>')}</w:p>")
    assert value == 7
    assert any(f"'{mark}'" in p for p in report.problems)
    # a number set raised as a whole is the number
    raised = _run(12, "<w:vertAlign w:val='superscript'/>")
    value, _ = _value(f"<w:p>{raised}</w:p>")
    assert value == 12


def _style(kind: str, style_id: str, props: str, based_on: str = "", name: str = "") -> str:
    based = f"<w:basedOn w:val='{based_on}'/>" if based_on else ""
    return (
        f"<w:style {NS} w:type='{kind}' w:styleId='{style_id}'><w:name w:val='{name or style_id}'/>"
        f"{based}<w:rPr>{props}</w:rPr></w:style>"
    )


_SUPERSCRIPT = "<w:vertAlign w:val='superscript'/>"
#: the footnote mark's character style as Word and WPS name it (a Chinese template's id)
_NOTE_STYLES = _style("character", "a5", _SUPERSCRIPT, name="footnote reference") + _style(
    "character", "Sub", "<w:vertAlign w:val='subscript'/>"
)


@pytest.mark.parametrize(
    ("inner", "styles", "expected"),
    [
        # a custom footnote mark in the footnote reference style: Word shows 7¹ (read, 71)
        (
            _para(
                _run(7),
                "<w:r><w:rPr><w:rStyle w:val='a5'/></w:rPr><w:footnoteReference "
                "w:customMarkFollows='1' w:id='1'/><w:t>1</w:t></w:r>",
            ),
            _NOTE_STYLES,
            7,
        ),
        (_para(_run(7), _run(1, "<w:rStyle w:val='Sub'/>")), _NOTE_STYLES, 7),
        # raised by a style the mark's style is based on
        (
            _para(_run(7), _run(2, "<w:rStyle w:val='Mark'/>")),
            _NOTE_STYLES + _style("character", "Mark", "<w:i/>", based_on="a5"),
            7,
        ),
        # a paragraph style raises every run; the number is set back on the baseline
        (
            _para(_run(7, "<w:vertAlign w:val='baseline'/>"), _run(1)).replace(
                "<w:p>", "<w:p><w:pPr><w:pStyle w:val='Raised'/></w:pPr>"
            ),
            _style("paragraph", "Raised", _SUPERSCRIPT),
            7,
        ),
        # raised by hand (w:position, half-points) at a smaller size, directly or by a style
        (_para(_run(7), _run(1, "<w:position w:val='8'/><w:sz w:val='12'/>")), "", 7),
        (_para(_run(7), _run(1, "<w:position w:val='-6'/><w:sz w:val='12'/>")), "", 7),
        # raised at the number's size: a mark or a digit, not known (read, 71)
        (_para(_run(7), _run(1, "<w:position w:val='8'/>")), "", None),
        # the number and the digit raised together are one number
        (_para(_run(7, "<w:position w:val='4'/>"), _run(1, "<w:position w:val='4'/>")), "", 71),
        (
            _para(_run(7), _run(1, "<w:rStyle w:val='Pos'/>")),
            _style("character", "Pos", "<w:position w:val='8'/><w:sz w:val='12'/>"),
            7,
        ),
        # the style's raise turned off on the run: Word shows 71
        (
            _para(_run(7), _run(1, "<w:rStyle w:val='a5'/><w:vertAlign w:val='baseline'/>")),
            _NOTE_STYLES,
            71,
        ),
        # a number raised as a whole is the number
        (_para(_run(12, "<w:rStyle w:val='a5'/>")), _NOTE_STYLES, 12),
    ],
)
def test_a_digit_a_style_or_position_raises_after_a_number_is_its_mark(inner, styles, expected):
    # Word takes a run's vertical alignment from its styles as from its own properties
    # (ECMA-376 17.7.2): the mark's 1 read into the number was 71, a wrong number, no flag
    value, report = _value(inner, styles)
    assert value == expected
    if expected == 7:
        assert any("footnote mark" in p for p in report.problems), report.problems
    if expected is None:
        assert "cells_unplaced" in report.flags


@pytest.mark.parametrize("runs", [2, 3])
@pytest.mark.parametrize(
    ("props", "paragraph", "styles"),
    [
        (_SUPERSCRIPT, "", ""),
        ("<w:vertAlign w:val='subscript'/>", "", ""),
        ("<w:rStyle w:val='a5'/>", "", _NOTE_STYLES),
        ("<w:rStyle w:val='Sub'/>", "", _NOTE_STYLES),
        ("", "Raised", _style("paragraph", "Raised", _SUPERSCRIPT)),
    ],
)
def test_a_number_raised_in_runs_split_where_it_was_edited_is_the_number(
    runs, props, paragraph, styles
):
    # Word splits a number's runs where it was edited: 12 set raised (its runs', a
    # style's or the paragraph style's superscript) as 1 and 2 read 1 and a footnote mark
    # after it, a wrong number with no flag. Raised as the digit before it, it is the number's
    digits = "123"[:runs]
    inner = _para(*(_run(d, props) for d in digits))
    if paragraph:
        inner = inner.replace("<w:p>", f"<w:p><w:pPr><w:pStyle w:val='{paragraph}'/></w:pPr>")
    value, report = _value(inner, styles)
    assert value == int(digits)
    assert not any("footnote mark" in p for p in report.problems), report.problems
    # a mark of two digits in two runs after a number on the line is still its mark
    value, report = _value(_para(_run(7), *(_run(d, props) for d in digits[:2])), styles)
    if not paragraph:
        assert value == 7
        assert any("footnote mark" in p for p in report.problems), report.problems
    # raised digits and a digit on the line after them (¹2): a mark before the figure or a
    # figure set awry, not known (read 12 with no flag)
    if not paragraph:
        value, report = _value(_para(_run(digits, props), _run(5)), styles)
        assert value is None
        assert "cells_unplaced" in report.flags


_MC_NS = "xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006'"
_W14_NS = "xmlns:w14='http://schemas.microsoft.com/office/word/2010/wordml'"
_MATH_NS = "xmlns:m='http://schemas.openxmlformats.org/officeDocument/2006/math'"


def _alternate(choice: str, fallback: str, requires: str = "w14", ns: str = _W14_NS) -> str:
    return (
        f"<mc:AlternateContent {_MC_NS} {ns}><mc:Choice Requires='{requires}'>{choice}"
        f"</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>"
    )


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        # runs in an mc:AlternateContent in the paragraph (a newer Word's text, an older
        # reader's copy): Word shows the Choice it knows, else the Fallback; read, neither,
        # and the cell was blank with nothing said
        (_para(_alternate(_run(7), _run(7))), 7),
        (_para(_alternate(_run(7), _run(5))), 7),
        (_para(_run(1), _alternate(_run(2), _run(2))), 12),
        (_para(_alternate(_run(5), _run(7), "x", "xmlns:x='urn:other-vendor'")), 7),
        # ruby text: the base Word shows large, not its reading above it
        (
            _para(
                f"<w:r><w:ruby><w:rubyPr/><w:rt>{_run(5)}</w:rt>"
                f"<w:rubyBase>{_run(7)}</w:rubyBase></w:ruby></w:r>"
            ),
            7,
        ),
        # a symbol whose font draws a digit (Symbol's F035 is 5): Word shows 57, read 7
        (_para("<w:r><w:sym w:font='Symbol' w:char='F035'/></w:r>", _run(7)), 57),
        (_para(_run(1), "<w:r><w:sym w:font='Times New Roman' w:char='0032'/></w:r>"), 12),
    ],
)
def test_runs_word_shows_in_other_markup_are_read(inner: str, expected: int) -> None:
    value, report = _value(inner)
    assert value == expected
    assert "cells_unplaced" not in report.flags


@pytest.mark.parametrize(
    "inner",
    [
        # an equation (Word's math): its text is not the number it draws, and was a blank
        # cell with nothing said
        _para(f"<m:oMath {_MATH_NS}><m:r><m:t>7</m:t></m:r></m:oMath>"),
        _para(f"<m:oMathPara {_MATH_NS}><m:oMath><m:r><m:t>7</m:t></m:r></m:oMath></m:oMathPara>"),
        _para(_run(1), f"<m:oMath {_MATH_NS}><m:r><m:t>2</m:t></m:r></m:oMath>"),
        # a picture font's glyph beside a number: not a digit, not known what it means
        _para("<w:r><w:sym w:font='Wingdings' w:char='F035'/></w:r>", _run(7)),
    ],
)
def test_what_word_shows_that_is_not_read_withholds_its_cell_saying_so(inner: str) -> None:
    value, report = _value(inner)
    assert value is None
    assert "cells_unplaced" in report.flags
    assert any("is not read" in p and "m:oMath" in p for p in report.problems)


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        # tracked changes: the deleted 5 (w:delText, or w:t as some editors write it) is no
        # value, the inserted 7 is
        (
            (
                "<w:p><w:del w:id='1' w:author='a'><w:r><w:delText>5</w:delText></w:r></w:del>"
                f"<w:ins w:id='2' w:author='a'>{_run(7)}</w:ins></w:p>"
            ),
            7,
        ),
        (f"<w:p><w:del w:id='1' w:author='a'>{_run(5)}</w:del>{_run(7)}</w:p>", 7),
        (f"<w:p>{_run(1)}<w:del w:id='1' w:author='a'>{_run(5)}</w:del>{_run(7)}</w:p>", 17),
        (
            (
                f"<w:p><w:moveFrom w:id='1' w:author='a'>{_run(5)}</w:moveFrom>"
                f"<w:moveTo w:id='2' w:author='a'>{_run(7)}</w:moveTo></w:p>"
            ),
            7,
        ),
        # a strike recorded as the run's former formatting (w:rPrChange) strikes nothing now
        (
            (
                "<w:p><w:r><w:rPr><w:rPrChange w:id='3' w:author='a'><w:rPr><w:strike/></w:rPr>"
                "</w:rPrChange></w:rPr><w:t>7</w:t></w:r></w:p>"
            ),
            7,
        ),
        # fields: their result, not their code
        (f"<w:p><w:fldSimple w:instr='=SUM(ABOVE)'>{_run(7)}</w:fldSimple></w:p>", 7),
        (f"<w:p>{_field('<w:r><w:instrText>=3+4</w:instrText></w:r>', _run(7))}</w:p>", 7),
        # the value in a text box drawn in the cell (the VML copy for old readers not again)
        (
            (
                "<w:p><w:r><mc:AlternateContent xmlns:mc='http://schemas.openxmlformats.org/"
                "markup-compatibility/2006'><mc:Choice Requires='wps'><w:drawing><wps:txbx "
                "xmlns:wps='http://schemas.microsoft.com/office/word/2010/wordprocessingShape'>"
                f"<w:txbxContent><w:p>{_run(7)}</w:p></w:txbxContent></wps:txbx></w:drawing>"
                f"</mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p>{_run(7)}</w:p>"
                "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
            ),
            7,
        ),
    ],
)
def test_what_word_shows_in_a_cell_is_its_value(inner: str, expected: int) -> None:
    value, _ = _value(inner)
    assert value == expected


_WHITE = "<w:color w:val='FFFFFF'/>"


def _shaded(fill: str, runs: str, pattern: str = "clear") -> str:
    """A paragraph shaded with `fill` holding the runs."""
    shading = f"<w:shd w:val='{pattern}' w:color='auto' w:fill='{fill}'/>"
    return f"<w:p><w:pPr>{shading}</w:pPr>{runs}</w:p>"


@pytest.mark.parametrize(
    ("inner", "expected", "said"),
    [
        # an old 5 left beside the 7 Word shows: white on no shading, white on a white
        # shading, the theme's background colour, set at 1 pt or 2 pt (read, 57 with no flag)
        (_para(_run(5, _WHITE), _run(7)), 7, "no reader sees"),
        (_para(_run(5, "<w:color w:val='FDFDFD'/>"), _run(7)), 7, "no reader sees"),
        (_shaded("FFFFFF", _run(5, _WHITE) + _run(7)), 7, "no reader sees"),
        (
            _para(_run(5, "<w:color w:val='FFFFFF' w:themeColor='background1'/>"), _run(7)),
            7,
            "no reader sees",
        ),
        (_para(_run(5, "<w:sz w:val='2'/>"), _run(7)), 7, "no reader sees"),
        (_para(_run(7), _run(5, "<w:sz w:val='4'/><w:szCs w:val='4'/>")), 7, "2 pt"),
        # white on a dark shading, or marked, is seen: read
        (_shaded("1F3864", _run(57, _WHITE)), 57, None),
        (_para(_run(57, _WHITE + "<w:highlight w:val='black'/>")), 57, None),
        (_para(_run(57, _WHITE + "<w:shd w:val='clear' w:fill='000000'/>")), 57, None),
        # a dark shading under a white one nearer the text: unseen
        (
            _shaded("000000", _run(5, _WHITE + "<w:shd w:val='clear' w:fill='FFFFFF'/>") + _run(7)),
            7,
            "no reader sees",
        ),
        # on a light grey or a pattern: not known, so not read
        (_shaded("D9D9D9", _run(5, _WHITE) + _run(7)), None, "white text on a shading"),
        (_shaded("auto", _run(5, _WHITE) + _run(7), "pct25"), None, "white text on a shading"),
        # coloured, or a small but readable size: read
        (_para(_run(57, "<w:color w:val='FF0000'/><w:sz w:val='12'/>")), 57, None),
    ],
)
def test_a_number_set_where_no_reader_sees_it_is_not_read(inner, expected, said) -> None:
    value, report = _value(inner)
    assert value == expected
    if said is None:
        assert not any("no reader sees" in p or "white text" in p for p in report.problems)
    else:
        assert any(said in p for p in report.problems), report.problems
    if expected is None:
        assert "cells_unplaced" in report.flags


def _theme_colours() -> list[tuple[str, str, bool]]:
    """(w:color or w:shd attributes, what Word draws, whether it is white) for the theme colours
    Word's colour picker offers: the background's and text's with their darker and lighter
    shades (themeShade, themeTint: the share of the colour kept, in hex), w:val holding the
    colour Word worked out, or a stale one (a producer that wrote only the theme)."""
    out = []
    for theme, base in (("background1", 255), ("light1", 255), ("text1", 0), ("dark1", 0)):
        for way, share in (
            ("", 255),
            ("Shade", 0xF2),
            ("Shade", 0xD9),
            ("Shade", 0xBF),
            ("Shade", 0x80),
            ("Shade", 0x40),
            ("Tint", 0x80),
            ("Tint", 0x0D),
        ):
            if way == "Shade":
                channel = base * share // 255
            elif way == "Tint":
                channel = 255 - (255 - base) * share // 255
            else:
                channel = base
            attribute = f" w:theme{{1}}{way}='{share:02X}'" if way else ""
            for val in (f"{channel:02X}" * 3, "FFFFFF" if base else "000000"):
                out.append((f"w:theme{{0}}='{theme}'{attribute}", val, channel >= 0xF0))
    return out


@pytest.mark.parametrize(("theme", "val", "white"), _theme_colours())
def test_a_theme_colour_is_read_as_the_colour_word_draws(theme: str, val: str, white: bool):
    # Word draws a run or a shading in its theme colour (w:themeColor, w:themeFill) made darker
    # or lighter by its themeShade or themeTint, whatever w:val holds: grey text
    # ("background 1, darker 25%") was taken as white and left out (12 read 1, with no flag),
    # and white text on a dark grey cell ("background 1, darker 50%") as unseen (no value, no
    # flag)
    run = f"<w:color w:val='{val}' {theme.format('Color', '')}/>"
    value, _ = _value(_para(_run(1), _run(2, run)))
    assert value == (1 if white else 12), run
    shading = f"<w:shd w:val='clear' w:color='auto' w:fill='{val}' {theme.format('Fill', 'Fill')}/>"
    inner = f"<w:p><w:pPr>{shading}</w:pPr>{_run(12, _WHITE)}</w:p>"
    value, report = _value(inner)
    assert value in ((None,) if white else (12, None)), shading
    assert value == 12 or white or "cells_unplaced" in report.flags, shading


@pytest.mark.parametrize(
    ("shading", "expected"),
    [
        ("w:val='clear' w:color='auto' w:fill='1F3864'", 12),  # dark: the white 2 is seen
        ("w:val='clear' w:color='auto' w:fill='000000' w:themeFill='text1'", 12),
        ("w:val='clear' w:color='auto' w:fill='FFFFFF'", 1),  # white: unseen, as before
        ("w:val='clear' w:color='auto' w:fill='auto'", 1),
    ],
)
def test_white_text_on_a_row_shaded_by_a_table_property_exception(shading, expected) -> None:
    # a row shaded dark by its w:tblPrEx shows its white text: the shading was not looked for
    # there, the 2 was taken as white on no shading and left out (12 read 1, with no flag)
    inner = f"<w:p>{_run(1)}{_run(2, _WHITE)}</w:p>"
    # (a row pasted from another table keeps its shading so)
    exception = f"<w:tblPrEx><w:shd {shading}/></w:tblPrEx>"
    report = parse_bytes(_with_cell(inner, row=exception), "report.docx")
    (value,) = [c.value for c in report.cells if (c.section, c.row, c.col) == CELL]
    assert value == expected


def _importing(
    part: str, content_type: str, payload: bytes, before: bytes = b"", after: bytes = b""
) -> bytes:
    """The Word fixture with its body replaced by one w:altChunk importing `payload`, the
    body's own `before` and `after` it (WordprocessingML)."""
    relationship = (
        f'<Relationship Id="rIdChunk" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/aFChunk" Target="{part}"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(DOCX)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = re.sub(
                    rb"<w:body>.*</w:body>",
                    b'<w:body>%s<w:altChunk r:id="rIdChunk"/>%s<w:sectPr/></w:body>'
                    % (before, after),
                    data,
                    flags=re.DOTALL,
                )
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", relationship.encode())
            elif item.filename == "[Content_Types].xml":
                override = f'<Override PartName="/word/{part}" ContentType="{content_type}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(item, data)
        dst.writestr(f"word/{part}", payload)
    return out.getvalue()


def test_a_word_file_that_imports_a_web_page_as_its_body_reads_the_page() -> None:
    # "export to Word" tools write the page as a Word file whose body is one w:altChunk (the
    # page as HTML or a web archive); Word shows the page. It was refused as "no text (its
    # report may be pasted as images)", which was not why
    from email import charset
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    page = PAGES / "gen-pair1-trs-2021.html"
    assert DOCX == (PAGES / "gen-pair1-trs-2021-docx-repeat.docx").read_bytes()
    html = page.read_bytes()
    quoted = charset.Charset("utf-8")
    quoted.body_encoding = charset.QP
    archive = MIMEMultipart("related")
    archive.attach(MIMEText(html.decode("utf-8"), "html", quoted))
    expected = parse_bytes(html, page.name).cells
    for part, content_type, payload in (
        ("afchunk.htm", "text/html", html),
        ("afchunk.mht", "message/rfc822", archive.as_bytes()),
    ):
        read = parse_bytes(_importing(part, content_type, payload), "report.docx")
        assert read.cells == expected and expected, part
        assert any("w:altChunk" in p for p in read.problems)
    # a Word file or RTF imported is not read as a page, and says what it is
    with pytest.raises(ParseError, match="imports .* of type application/rtf: not read"):
        parse_bytes(_importing("afchunk.rtf", "application/rtf", b"{\\rtf1 7}"), "report.docx")


def _lines(*texts: str) -> bytes:
    return "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts).encode()


@pytest.mark.parametrize(
    "page",
    [
        "gen-pair1-trs-2021.html",
        "gen-pair2-split-2019.html",
        "gen-pair3-gbk-2023.html",
        "gen-pair4-onetable-2024.html",
    ],
)
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (("XX局政府信息公开工作年度报告",), ()),
        ((), ("附件：无",)),
        (("XX区人民政府", "年度报告"), ("（完）", "2024年1月")),
    ],
)
def test_a_word_file_s_own_lines_around_an_imported_web_page_are_read_with_it(
    page, before, after
) -> None:
    # a title or a note of the file's own around the one web page it imports (the tables
    # are the page's): Word shows the page in its place among them, and it was withheld
    # whole (incomplete); read with the lines as the page's paragraphs, the page's figures
    # are its own
    html = (PAGES / page).read_bytes()
    expected = parse_bytes(html, page).cells
    word = _importing("afchunk.htm", "text/html", html, _lines(*before), _lines(*after))
    read = parse_bytes(word, "report.docx")
    assert read.cells == expected and expected
    assert "incomplete" not in read.flags
    assert any("line(s) of its own are read with the web page" in p for p in read.problems)
    # imported as text, or beside a table of the file's own, it is not read: flagged
    for plain in (
        _importing("afchunk.txt", "text/plain", html, _lines(*before), _lines(*after)),
        _importing("afchunk.htm", "text/html", html, _lines(*before), _TABLE),
    ):
        read = parse_bytes(plain, "report.docx")
        assert "incomplete" in read.flags
        assert not any("line(s) of its own are read" in p for p in read.problems)


_TABLE = (
    b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
    b"<w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
)


def _pdf(objects: list[bytes], trailer: bytes) -> bytes:
    """A PDF of the objects (1 0 obj the catalog), with its cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    return out + b"startxref\n%d\n%%%%EOF\n" % table


def test_a_pdf_encrypted_with_a_password_is_refused_saying_so(tmp_path: Path) -> None:
    # the standard security handler with a user password (its /U does not match the empty one)
    encrypted = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32),
        ],
        b"/Encrypt 4 0 R /ID [<%s> <%s>] " % (b"33" * 16, b"33" * 16),
    )
    with pytest.raises(ParseError, match="^report.pdf: the PDF is encrypted with a password"):
        parse_bytes(encrypted, "report.pdf")
    assert "encrypted with a password" in _quarantined(encrypted, tmp_path / "report.pdf")


@pytest.mark.parametrize("turn", [90, 270])
def test_pages_turned_to_show_a_table_drawn_sideways_read_as_shown(turn: int) -> None:
    # a landscape table drawn across a portrait page's content and the page turned (/Rotate)
    # to show it upright, as a viewer's "rotate page" saves it: read as the page shows it
    pdf = next(p for p in sorted(PAGES.iterdir()) if p.name.endswith("-pdf-portrait.pdf"))
    turned = _turned_content(pdf.read_bytes(), turn, rotate=True)
    expected = _values(parse_bytes(pdf.read_bytes(), pdf.name))
    assert _values(parse_bytes(turned, "turned.pdf")) == expected
    assert any(v is not None for v in expected.values())


def _turned_content(pdf: bytes, turn: int, rotate: bool) -> bytes:
    """The PDF with every page's content turned a quarter (counter-clockwise for 90) and its
    media box made landscape; with `rotate`, the page turned back by /Rotate to show it
    upright, as a viewer's "rotate page" saves it; without, the table is drawn sideways."""
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    document = pdfium.PdfDocument(pdf)
    for page in document:
        width, height = page.get_size()
        a, b = (0, 1) if turn == 90 else (0, -1)
        matrix = pdfium.PdfMatrix(
            a, b, -b, a, height if turn == 90 else 0, 0 if turn == 90 else width
        )
        for item in list(page.get_objects(max_depth=1)):
            item.transform(matrix)
        raw.FPDFPage_SetMediaBox(page, 0, 0, height, width)
        if rotate:
            page.set_rotation(turn)
        page.gen_content()
    turned = io.BytesIO()
    document.save(turned)
    document.close()
    return turned.getvalue()


@pytest.mark.parametrize("turn", [90, 270])
@pytest.mark.parametrize("printed", ["-pdf-portrait.pdf", "-pdf-landscape.pdf"])
def test_a_table_drawn_sideways_on_an_upright_page_reads_as_the_page_turned(
    turn: int, printed: str
) -> None:
    # the text matrix turns the table's text a quarter and no /Rotate turns the page: read as
    # the page stands, its characters stood one under the other, and the page was flagged as
    # "a table without rules down whose row labels are wrapped", no number read
    pdf = next(p for p in sorted(PAGES.iterdir()) if p.name.endswith(printed))
    upright = parse_bytes(pdf.read_bytes(), pdf.name)
    sideways = parse_bytes(_turned_content(pdf.read_bytes(), turn, rotate=False), "s.pdf")
    assert _values(sideways) == _values(upright)
    assert sum(v is not None for v in _values(upright).values()) > 100
    assert sideways.flags == upright.flags
    assert any("a quarter turn from upright" in p for p in sideways.problems)
    assert not any("without rules down" in p for p in sideways.problems)


def test_text_drawn_sideways_among_upright_text_is_not_read_and_said() -> None:
    # a small table or a note set sideways beside upright lines: its characters, read across
    # the page, stand one under the other and cross the upright lines
    upright = [
        (100, 760, 12, "Report on the year's requests"),
        (100, 700, 12, "Requests answered in the year 7"),
        (100, 640, 12, "Requests carried over to next year 3"),
        (100, 580, 12, "Appeals decided in the year 2"),
    ]
    sideways = b"BT /F1 10 Tf 0 1 -1 0 500 300 Tm (new 12 old 34 sum 46) Tj ET\n"
    document = documents.read(_text_pdf(upright, more=sideways), "r.pdf")
    text = " ".join(document.text.split())
    assert "Requests answered in the year 7" in text
    assert not any(d in text for d in ("12", "34", "46"))
    said = [p for p in document.problems if "among upright text" in p]
    assert said and "'new12old34sum46'" in said[0], document.problems
    assert "cells_unplaced" in document.codes


def _values(report) -> dict:
    return {(c.section, c.row, c.col): c.value for c in report.cells}


def _text_pdf(runs: list[tuple], image: bool = False, more: bytes = b"") -> bytes:
    """A one-page PDF drawing each run (x, y, font size, ASCII text[, text render mode]) in
    Helvetica, over a picture of the page (a grey pixel stretched over it) with `image`, and
    then the operators `more`."""
    stream = b"q 595 0 0 842 0 0 cm /Im1 Do Q\n" if image else b""
    stream += b"".join(
        b"BT /F1 %.1f Tf %d Tr %.1f %.1f Td (%s) Tj ET\n"
        % (run[2], run[4] if len(run) > 4 else 0, run[0], run[1], run[3].encode())
        for run in runs
    )
    stream += more
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>"
            ),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            (
                b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
            ),
        ],
        b"",
    )


def test_a_digit_printed_raised_after_a_number_is_its_footnote_mark_not_a_digit() -> None:
    # a web page's 7<sup>1</sup> printed to PDF (or Word's raised footnote reference): the 1
    # is drawn smaller and raised, and PDFium's text gave 71, a wrong number with no flag
    line = [
        (100, 760, 12, "Report on the year's requests"),  # lines above and below: the line
        (100, 640, 12, "Requests answered in the year"),  # read is no running header
        (100, 700, 12, "new 7"),
        (132.5, 705, 8, "1"),  # raised, smaller: 7 and a mark
        (160, 700, 12, "12"),
        (174, 696, 8, "3"),  # lowered, smaller
        (200, 700, 12, "2021"),
        (230, 700, 10, "5"),  # smaller on the same line, not raised: a digit
        (260, 700, 12, "4"),
        (267.5, 701, 12, "6"),  # a point higher, not smaller: a digit
    ]
    text = documents.read(_text_pdf(line), "r.pdf").text
    assert "7¹" in text and "12₃" in text
    assert "2021" in text and "5" in text and "46" in text.replace(" ", "")


@pytest.mark.parametrize("ratio", [0.92, 1.0, 1.08])
@pytest.mark.parametrize("shift", [-5.0, -3.5, 3.5, 5.0, 7.0])
def test_a_digit_shifted_beside_a_number_at_its_size_is_not_read_as_its_digit(ratio, shift):
    # Word's footnote mark raised by w:position at the number's own size (or a web page's
    # position:relative mark) printed: 7 and a raised 1 read 71 with no flag. At the same size
    # a reader cannot tell a mark from a digit set awry: unknown, flagged
    size = 12 * ratio
    runs = [*_FRAME, (100, 700, 12, "new", 0), (130, 700, 12, "7", 0)]
    runs.append((136.7, 700 + shift, size, "1", 0))
    document = documents.read(_painted_pdf(runs), "r.pdf")
    line = next(x for x in document.text.splitlines() if x.startswith("new"))
    assert line.split() == ["new", "7\ufffd"]
    assert "cells_unplaced" in document.codes
    assert any("raised or lowered" in p and "'1'" in p for p in document.problems)
    # on its line, or in the next cell, it is a digit (a value of its own)
    for shifted in ((136.7, 700, size, "1", 0), (160, 700 + shift, size, "1", 0)):
        document = documents.read(_painted_pdf([*runs[:-1], shifted]), "r.pdf")
        assert "cells_unplaced" not in document.codes


def test_a_report_printed_with_a_footnote_mark_after_a_number_reads_the_number() -> None:
    from gx_pipeline.pagegen.documents import ToolMissing, pdf_with_chromium

    page = (PAGES / "gen-pair1-trs-2021.html").read_text("utf-8")
    label = page.index("本年新收政府信息公开申请数量")
    start = page.index(">", page.index("<td", page.index("</td>", label))) + 1
    end = page.index("</td>", start)
    marked = page[:start] + "7<sup>1</sup>" + page[end:]
    try:
        pdf = pdf_with_chromium(marked)
    except ToolMissing as missing:
        pytest.skip(str(missing))
    # as the web page itself is read
    assert _values(parse_bytes(marked.encode("utf-8"), "report.html"))[CELL] == 7
    assert _values(parse_bytes(pdf, "report.pdf"))[CELL] == 7


@pytest.mark.parametrize("mark", ["<sup>1</sup>", "<sup>12</sup>", "<sup>305</sup>"])
def test_a_report_printed_with_a_footnote_mark_alone_in_a_cell_reads_no_figure(mark) -> None:
    # a cell holding a mark and no figure: the web page is read as the mark, no value; its
    # printed copy gave the mark's digits as the cell's figure (12), with no flag
    from gx_pipeline.pagegen.documents import ToolMissing, pdf_with_chromium

    page = (PAGES / "gen-pair1-trs-2021.html").read_text("utf-8")
    label = page.index("本年新收政府信息公开申请数量")
    start = page.index(">", page.index("<td", page.index("</td>", label))) + 1
    end = page.index("</td>", start)
    marked = page[:start] + mark + page[end:]
    try:
        pdf = pdf_with_chromium(marked)
    except ToolMissing as missing:
        pytest.skip(str(missing))
    assert _values(parse_bytes(marked.encode("utf-8"), "report.html")).get(CELL) is None
    report = parse_bytes(pdf, "report.pdf")
    assert _values(report).get(CELL) is None
    assert "cells_unplaced" in report.flags


def test_text_drawn_invisible_over_no_picture_is_no_number() -> None:
    # text render mode 3 draws nothing: an old 5 left invisible beside the 7 the page shows
    # read 57, a wrong number with no flag. Over a picture of the page (a scan's OCR layer) the
    # invisible text is what the picture shows, and is read, saying so
    lines = [
        (100, 760, 12, "Report on the year's requests"),
        (100, 640, 12, "Requests answered in the year"),
        (100, 700, 12, "new"),
        (130, 700, 12, "5", 3),
        (137, 700, 12, "7"),
    ]
    shown = documents.read(_text_pdf(lines), "r.pdf")
    assert "new 7" in " ".join(shown.text.split()) and "5" not in shown.text
    assert any("invisible" in p and "'5'" in p for p in shown.problems)
    ocr = documents.read(_text_pdf([(*run[:4], 3) for run in lines], image=True), "r.pdf")
    assert "new 57" in " ".join(ocr.text.split())
    assert any("OCR" in p for p in ocr.problems)
    # all of it invisible over nothing: refused, saying why (it was "a scan … images")
    with pytest.raises(DocumentError, match="drawn invisible .* over no picture"):
        documents.read(_text_pdf([(*run[:4], 3) for run in lines]), "r.pdf")


def _painted_pdf(runs: list[tuple], fills: list[tuple] = (), image: bool = False) -> bytes:
    """A one-page PDF drawing rectangles filled grey `fills` (x, y, w, h, grey level) and
    then each run (x, y, font size, text, fill grey level[, render mode, stroke grey])."""
    stream = b"".join(b"q %.2f g %.1f %.1f %.1f %.1f re f Q\n" % (f[4], *f[:4]) for f in fills)
    if image:
        stream = b"q 100 0 0 100 80 680 cm /Im1 Do Q\n" + stream
    stream += b"".join(
        b"BT %.2f g %.2f G %d Tr /F1 %.1f Tf %.1f %.1f Td (%s) Tj ET\n"
        % (
            run[4],
            run[6] if len(run) > 6 else 0,
            run[5] if len(run) > 5 else 0,
            run[2],
            run[0],
            run[1],
            run[3].encode(),
        )
        for run in runs
    )
    return _text_pdf([], more=stream)


_FRAME = [
    (100, 760, 12, "Report on the year's requests", 0),
    (100, 640, 12, "Requests answered in the year", 0),
]


@pytest.mark.parametrize(
    ("runs", "fills", "image", "read", "left_out"),
    [
        # an old 5 left in white beside the 7 the page shows (read 57 with no flag); near white
        ([(100, 700, 12, "new", 0), (130, 700, 12, "5", 1), (137, 700, 12, "7", 0)], [], False,
         "new 7", "5"),
        ([(100, 700, 12, "new", 0), (130, 700, 12, "5", 0.97), (137, 700, 12, "7", 0)], [],
         False, "new 7", "5"),
        # white fill, stroked black (render mode 2): seen
        ([(100, 700, 12, "new", 0), (130, 700, 12, "57", 1, 2, 0)], [], False, "new 57", None),
        # white on a dark cell (a shaded header printed): seen
        ([(100, 700, 12, "new", 0), (130, 700, 12, "57", 1)], [(125, 690, 40, 20, 0.2)], False,
         "new 57", None),
        # white on a mid-grey fill is not on white: kept, as what is behind it is drawn (on a
        # light grey one it is not known: test_text_a_reader_cannot_see_is_read_as_unknown)
        ([(100, 700, 12, "new", 0), (130, 700, 12, "57", 1)], [(125, 690, 40, 20, 0.5)], False,
         "new 57", None),
        # white over a picture, which may be dark there: kept
        ([(100, 700, 12, "new", 0), (130, 700, 12, "57", 1)], [], True, "new 57", None),
        # white on a white cell of a table drawn as white cells on a dark background (an old
        # web page's <table bgcolor=#000 cellspacing=1> printed): the cell is what is behind
        # it (read 57 with no flag); a dark cell drawn over a white one shows it
        ([(100, 700, 12, "new", 0), (130, 700, 12, "5", 1), (137, 700, 12, "7", 0)],
         [(90, 680, 200, 40, 0), (92, 682, 196, 36, 1)], False, "new 7", "5"),
        ([(100, 700, 12, "new", 0), (130, 700, 12, "57", 1)],
         [(125, 680, 100, 40, 1), (127, 682, 96, 36, 0.1)], False, "new 57", None),
        ([(100, 700, 12, "new", 0), (130, 700, 12, "57", 1)],
         [(125, 680, 100, 40, 0), (300, 300, 40, 20, 1)], False, "new 57", None),
        # a white fill elsewhere on the page changes nothing
        ([(100, 700, 12, "new", 0), (130, 700, 12, "5", 1), (137, 700, 12, "7", 0)],
         [(300, 300, 40, 20, 0.2)], False, "new 7", "5"),
    ],
)  # fmt: skip
def test_text_drawn_white_over_nothing_dark_is_no_number(runs, fills, image, read, left_out):
    document = documents.read(_painted_pdf(_FRAME + runs, fills, image), "r.pdf")
    assert read in " ".join(document.text.split())
    said = [p for p in document.problems if "drawn white" in p]
    if left_out is None:
        assert not said
    else:
        assert said and f"'{left_out}'" in said[0], document.problems


def _layered_pdf(layers: list[tuple]) -> bytes:
    """A one-page PDF painting `layers` in order: ("fill", x, y, w, h, (r, g, b)) a filled
    rectangle, ("text", x, y, text, (r, g, b)) 12 pt text (colours 0-1)."""
    stream = b""
    for kind, x, y, *rest in layers:
        if kind == "fill":
            w, h, colour = rest
            stream += b"q %.3f %.3f %.3f rg %.1f %.1f %.1f %.1f re f Q\n" % (*colour, x, y, w, h)
        else:
            text, colour = rest
            stream += b"BT %.3f %.3f %.3f rg /F1 12 Tf %.1f %.1f Td (%s) Tj ET\n" % (
                *colour,
                x,
                y,
                text.encode(),
            )
    return _text_pdf([], more=stream)


_BLACK, _WHITE_INK = (0, 0, 0), (1, 1, 1)
#: (what is hidden, the ink it is drawn in, the fill under it, a box painted over it): text a
#: reader cannot see, or not tell from what is behind it
_UNSEEN_PDF_TEXT = {
    "white on 85% grey": (_WHITE_INK, (0.85,) * 3, None),
    "white on 88% grey": (_WHITE_INK, (0.88,) * 3, None),
    "white on 92% grey": (_WHITE_INK, (0.92,) * 3, None),
    "white on pale yellow": (_WHITE_INK, (1, 1, 0.8), None),
    "black on black": (_BLACK, _BLACK, None),
    "black on 10% grey": (_BLACK, (0.1,) * 3, None),
    "dark grey on black": ((0.12,) * 3, _BLACK, None),
    "navy on navy": ((0, 0, 0.3), (0, 0, 0.32), None),
    "yellow on paper": ((1, 1, 0), None, None),
    "light grey on paper": ((0.88,) * 3, None, None),
    "cyan on paper": ((0, 1, 1), None, None),
    "black box over it": (_BLACK, None, _BLACK),
    "dark blue box over it": (_BLACK, None, (0, 0, 0.35)),
    "grey box over it": (_BLACK, None, (0.5,) * 3),
    "white box over it": (_BLACK, None, _WHITE_INK),
    "black box over white on grey": (_WHITE_INK, (0.3,) * 3, _BLACK),
}
#: the same drawn so that a reader sees it: read as before
_SEEN_PDF_TEXT = {
    "white on 50% grey": (_WHITE_INK, (0.5,) * 3, None),
    "white on dark blue": (_WHITE_INK, (0.1, 0.2, 0.5), None),
    "black on 85% grey": (_BLACK, (0.85,) * 3, None),
    "black on pale yellow": (_BLACK, (1, 1, 0.8), None),
    "grey on paper": ((0.6,) * 3, None, None),
    "red on paper": ((1, 0, 0), None, None),
    "dark red on black": ((0.9, 0.1, 0.1), _BLACK, None),
    # a report printed in a light grey, or a light fill under white text (WCAG 1.54, 1.53:
    # colours.DOCUMENT_CONTRAST), and text told from its fill by hue (red on green, 1.29)
    "#d0d0d0 on paper": ((0xD0 / 255,) * 3, None, None),
    "white on 82% grey": (_WHITE_INK, (0.82,) * 3, None),
    "red on green": ((1, 0, 0), (0, 0.5, 0), None),
    "green on paper": ((0, 1, 0), None, None),
}


def _hidden_figure_pdf(ink, fill, box, whole: bool, box_elsewhere: bool = False) -> bytes:
    """The frame, a label and a figure: `whole` the figure 57 drawn so, else an old 5 drawn so
    beside the 7 the page shows; on `fill`, under `box` painted after it (elsewhere on the
    page with `box_elsewhere`)."""
    layers: list[tuple] = [("text", x, y, text, _BLACK) for x, y, _, text, _ in _FRAME]
    layers.append(("text", 100, 700, "new", _BLACK))
    if fill is not None:
        layers.append(("fill", 126, 692, 22 if whole else 9, 20, fill))
    if whole:
        layers.append(("text", 130, 700, "57", ink))
    else:
        layers += [("text", 130, 700, "5", ink), ("text", 137, 700, "7", _BLACK)]
    if box is not None:
        where = (300, 300) if box_elsewhere else (128, 696)
        layers.append(("fill", *where, 17 if whole else 8, 14, box))
    return _layered_pdf(layers)


@pytest.mark.parametrize("whole", [True, False], ids=["figure", "old figure beside"])
@pytest.mark.parametrize("hiding", sorted(_UNSEEN_PDF_TEXT))
def test_text_a_reader_cannot_see_is_read_as_unknown(hiding: str, whole: bool) -> None:
    # text no reader sees or can tell from what is behind it, other than white on white: on
    # a fill of nearly its colour (white on light grey, black on black), or under an opaque
    # box painted over it (a redaction drawn over the figure). Read, it gave the figure the
    # reader cannot see (57), with no flag; as Word's white on a light shading it is now no
    # figure, the report flagged and the hidden text named
    ink, fill, box = _UNSEEN_PDF_TEXT[hiding]
    document = documents.read(_hidden_figure_pdf(ink, fill, box, whole), "r.pdf")
    line = next(t.text for t in document.tokens if t.text.startswith("new"))
    assert not re.search(r"\d", line.removesuffix("7") if not whole else line), line
    assert "\ufffd" in line
    assert "cells_unplaced" in document.codes
    said = [p for p in document.problems if "unknown characters" in p]
    assert said and ("'57'" if whole else "'5'") in said[0], document.problems


@pytest.mark.parametrize("whole", [True, False], ids=["figure", "old figure beside"])
@pytest.mark.parametrize("hiding", sorted(_SEEN_PDF_TEXT))
def test_text_a_reader_sees_on_a_fill_is_read(hiding: str, whole: bool) -> None:
    ink, fill, _ = _SEEN_PDF_TEXT[hiding]
    for box in (None, _BLACK):  # a box painted after the text, elsewhere on the page
        document = documents.read(
            _hidden_figure_pdf(ink, fill, box, whole, box_elsewhere=True), "r.pdf"
        )
        assert "new 57" in " ".join(document.text.split()), (hiding, box)
        assert not any("unknown characters" in p for p in document.problems)
        assert "cells_unplaced" not in document.codes


#: a shadow drawn under text, in a colour no reader tells from the paper (its ink, and how
#: far it is set off right and down, pt): what the reader sees there is the text over it
_SHADOWS = {
    "white, down": (_WHITE_INK, 0.0, 0.75),
    "white, right and down": (_WHITE_INK, 0.5, 0.5),
    "light grey, right and down": ((0.88,) * 3, 0.75, 0.75),
    "near white, right": ((0.95,) * 3, 1.0, 0.0),
    "pale yellow glow, in place": ((1, 1, 0.7), 0.0, 0.0),
    "light grey, down": ((0.9,) * 3, 0.0, 1.2),
}


@pytest.mark.parametrize("figure", ["57", "1 203"])
@pytest.mark.parametrize("shadow", sorted(_SHADOWS))
def test_a_faint_shadow_under_text_is_the_text_it_shadows(shadow: str, figure: str) -> None:
    # text drawn a second time under itself, a little off, in white or a colour too faint to
    # see on the paper (a web page's text-shadow printed by Chromium, `0 1px 0 #fff` the
    # embossed look of old style sheets; Word's shadow effect). PDFium reads the text shown
    # over it as the shadow drawn again and gives its characters the shadow's ink: in white
    # they were left out (no value of a report page so printed was read), in light grey read
    # as unknown. The reader sees the text painted last, over the shadow
    ink, dx, dy = _SHADOWS[shadow]
    layers: list[tuple] = [("text", x, y, text, _BLACK) for x, y, _, text, _ in _FRAME]
    layers += [
        ("text", 100, 700, "new", _BLACK),
        ("text", 130 + dx, 700 - dy, figure, ink),
        ("text", 130, 700, figure, _BLACK),
    ]
    document = documents.read(_layered_pdf(layers), "r.pdf")
    assert f"new {figure}" in " ".join(document.text.split()), document.text
    assert not any("unknown characters" in p for p in document.problems), document.problems
    assert "cells_unplaced" not in document.codes


@pytest.mark.parametrize(
    ("ink", "said"),
    [(_WHITE_INK, "drawn white"), ((0.9,) * 3, "unknown characters")],
    ids=["white", "light grey"],
)
def test_a_figure_drawn_again_over_itself_is_what_the_last_ink_shows(ink, said) -> None:
    # the figure drawn again in the same place over itself in white (or near it): the reader
    # sees the paper there; PDFium gives the characters of the first drawing only, in black,
    # and the figure was read with no flag
    layers: list[tuple] = [("text", x, y, text, _BLACK) for x, y, _, text, _ in _FRAME]
    layers += [
        ("text", 100, 700, "new", _BLACK),
        ("text", 130, 700, "57", _BLACK),
        ("text", 130, 700, "57", ink),
    ]
    document = documents.read(_layered_pdf(layers), "r.pdf")
    assert not re.search(r"\d", " ".join(document.text.split()))
    assert any(said in p and "'57'" in p for p in document.problems), document.problems


@pytest.mark.parametrize("under", ["5", "8"])
def test_a_faint_figure_under_a_different_one_is_still_unknown(under: str) -> None:
    # the faint copy is the text's own: a different faint figure under the 7 shown is no
    # shadow of it (the reader cannot tell what it is)
    layers: list[tuple] = [("text", x, y, text, _BLACK) for x, y, _, text, _ in _FRAME]
    layers += [
        ("text", 100, 700, "new", _BLACK),
        ("text", 130.5, 699.5, under, (0.9,) * 3),
        ("text", 130, 700, "7", _BLACK),
    ]
    document = documents.read(_layered_pdf(layers), "r.pdf")
    assert "cells_unplaced" in document.codes
    assert any("unknown characters" in p and f"'{under}'" in p for p in document.problems)


#: filled shapes painted after the figure 57 (its characters' middles near (133, 704) and
#: (140, 704)) whose box holds those middles but which leave them showing: the diagonal line
#: of a header cell split in two (a thin bar turned by its matrix, or drawn slanting point by
#: point), a corner mark, a bar turned through the cell and beyond
_SHAPES_OVER_TEXT_NOT_ON_IT = {
    "thin bar turned 20 degrees": b"1 0 0 1 120 690 cm 0.94 0.34 -0.34 0.94 0 0 cm 0 0 60 1 re f",
    "thin bar turned 35 degrees": b"1 0 0 1 124 686 cm 0.82 0.57 -0.57 0.82 0 0 cm 0 0 50 1.5 re f",
    "slanting band by its points": b"125 690 m 127 690 l 167 716 l 165 716 l h f",
    "corner mark": b"125 690 m 165 690 l 165 715 l h f",
    "corner mark above": b"125 716 m 165 716 l 125 698 l h f",
}


@pytest.mark.parametrize(
    "ink", [(0, 0, 0), (0.5, 0.5, 0.5), (1, 0, 0)], ids=["black", "grey", "red"]
)
@pytest.mark.parametrize("shape", sorted(_SHAPES_OVER_TEXT_NOT_ON_IT))
def test_a_shape_painted_after_text_is_judged_by_what_it_covers_not_its_box(shape, ink) -> None:
    # a filled path of a few points painted after the text is no rectangle unless its points
    # are a rectangle's corners and its matrix turns it not: its box is not what it covers. The
    # slanting line of a header cell split in two (a page printed by Chromium draws a CSS
    # diagonal as a thin bar turned by its matrix) has a box over the whole cell: taken as a
    # box painted over them, the cell's words and figures were read as unknown characters
    stream = b"BT %.3f %.3f %.3f rg /F1 12 Tf 130 700 Td (57) Tj ET\n" % ink
    stream += b"q %.3f %.3f %.3f rg %s Q\n" % (*ink, _SHAPES_OVER_TEXT_NOT_ON_IT[shape])
    runs = [(x, y, size, text) for x, y, size, text, _ in _FRAME] + [(100, 700, 12, "new")]
    document = documents.read(_text_pdf(runs, more=stream), "r.pdf")
    assert "new 57" in " ".join(document.text.split()), document.text
    assert not any("unknown characters" in p for p in document.problems), document.problems
    assert "cells_unplaced" not in document.codes


#: a header cell split in two by a diagonal line, as web pages draw it: a bar or a border of
#: a box turned through the cell, clipped by the cell
_CSS_DIAGONALS = {
    "bar": "height:1px;background:#000",
    "border": "border-top:1px solid #000",
}


@pytest.mark.parametrize("drawn", sorted(_CSS_DIAGONALS))
def test_a_report_printed_with_a_diagonal_header_cell_is_read_as_without_it(drawn) -> None:
    # Chromium draws the diagonal after the cells' text, as a thin bar turned by its matrix:
    # its box, far larger than the cell where it is clipped, was taken as a box painted over
    # every word and figure under it, read as unknown characters and not read (207 values of
    # 528 lost over the four report pages so printed; 123 of 134 read on this one)
    from gx_pipeline.pagegen.documents import ToolMissing, pdf_with_chromium

    page = (PAGES / "gen-pair2-split-2019.html").read_text("utf-8")
    truth = _values(parse_bytes(page.encode("utf-8"), "report.html"))
    corner = "table tr:first-child td:first-child"
    css = (
        f"{corner}{{position:relative;overflow:hidden}} {corner}::after{{content:'';"
        f"position:absolute;left:0;top:0;width:300%;{_CSS_DIAGONALS[drawn]};"
        "transform:rotate(25deg);transform-origin:0 0}"
    )
    try:
        pdf = pdf_with_chromium(page.replace("</head>", f"<style>{css}</style></head>", 1))
    except ToolMissing as missing:
        pytest.skip(str(missing))
    report = parse_bytes(pdf, "report.pdf")
    read = _values(report)
    assert {k: v for k, v in read.items() if v is not None and v != truth.get(k)} == {}
    assert not any("unknown characters" in p for p in report.problems), report.problems
    shown = sum(v is not None for v in truth.values())
    assert sum(v is not None for v in read.values()) > 0.9 * shown


#: a value cell's markup (its opening tag, the figure shown) with an old figure beside it,
#: printed so that no reader sees the old one
_PRINTED_UNSEEN = {
    "white on light grey": lambda td, old, shown: (
        f'{td}<span style="background:#ddd;color:#fff">{old}</span>{shown}'
    ),
    "white on a light grey cell": lambda td, old, shown: (
        f"{td.replace('<td', '<td style=background:#ddd', 1)}"
        f'<span style="color:#fff">{old}</span>{shown}'
    ),
    "black on black": lambda td, old, shown: (
        f'{td}<span style="background:#000;color:#000">{old}</span>{shown}'
    ),
    "a box painted over it": lambda td, old, shown: (
        f'{td}<span style="position:relative">{old}<span style="position:absolute;left:0;'
        f'top:0;width:100%;height:100%;background:#000"></span></span>{shown}'
    ),
}


@pytest.mark.parametrize("hiding", sorted(_PRINTED_UNSEEN))
def test_a_report_printed_with_an_old_figure_no_reader_sees_reads_no_wrong_number(hiding):
    # a web page printed to PDF by a browser, an old figure beside one value no reader sees
    # there: read as printed, the cell gave old and shown figures run together, a wrong
    # number with no flag on most such pages
    from gx_pipeline.pagegen.documents import ToolMissing, pdf_with_chromium

    page = (PAGES / "gen-pair1-trs-2021.html").read_text("utf-8")
    truth = _values(parse_bytes(page.encode("utf-8"), "report.html"))
    values = list(re.finditer(r"(<td[^>]*>)(\d{1,4})</td>", page))
    rng = random.Random(f"printed-unseen:{hiding}")
    for m in rng.sample(values, 2):
        old = str(rng.randint(1, 9))
        marked = page[: m.start()] + _PRINTED_UNSEEN[hiding](m[1], old, m[2])
        marked += page[m.start() + len(m[1]) + len(m[2]) :]
        try:
            pdf = pdf_with_chromium(marked)
        except ToolMissing as missing:
            pytest.skip(str(missing))
        report = parse_bytes(pdf, "report.pdf")
        read = _values(report)
        assert {k: v for k, v in read.items() if v is not None and v != truth.get(k)} == {}
        assert "cells_unplaced" in report.flags
        assert any("unknown characters" in p and f"'{old}'" in p for p in report.problems)


def test_a_cell_deleted_with_track_changes_is_not_in_its_row() -> None:
    # Word shows the row without a cell deleted with Track Changes on (w:cellDel), as it does
    # a deleted row: read, the row had a value cell too many and none of it was read
    deleted = (
        "<w:tc><w:tcPr><w:cellDel w:id='9' w:author='a' w:date='2022-01-01T00:00:00Z'/>"
        f"</w:tcPr><w:p>{_run(9)}</w:p></w:tc>"
    )
    plain = parse_bytes(_with_cell(f"<w:p>{_run(7)}</w:p>"), "report.docx")
    tracked = parse_bytes(_with_cell(f"<w:p>{_run(7)}</w:p>", before=deleted), "report.docx")
    assert _values(tracked) == _values(plain)
    assert _values(tracked)[CELL] == 7
    assert tracked.flags == plain.flags


@pytest.mark.parametrize("size", [10.5, 12, 14, 16])
def test_a_number_whose_last_digits_are_set_smaller_on_its_line_is_the_number(size) -> None:
    # a cell edited in two font sizes (小四 12 pt typed over with 小五 9 pt): its last digits are
    # drawn smaller on the same baseline, their tops lower than the digit before them, not
    # lowered; read as a subscript footnote mark, 12 gave 1
    runs = [
        (100, 760, 12, "Report on the year's requests"),
        (100, 640, 12, "Requests answered in the year"),
    ]
    expected = []
    for k, (ratio, big, small) in enumerate(
        [(0.75, "1", "2"), (0.6, "20", "5"), (0.7, "3", "07"), (0.8, "4", "4"), (0.65, "98", "6")]
    ):
        x, y = 100 + 90 * k, 700
        runs.append((x, y, size, big))
        runs.append((x + 0.556 * size * len(big), y, size * ratio, small))
        expected.append(big + small)
    text = documents.read(_text_pdf(runs), "r.pdf").text
    assert [w for w in text.split() if any(c.isdigit() for c in w)] == expected, text


def _inked_pdf(stream: bytes) -> bytes:
    """A one-page PDF painting `stream` with Helvetica (/F1), opaque pictures of one pixel in
    white, black and grey (/Wh, /Bk, /Gy), a white one with a soft mask (/Ms: a seal's stamp,
    see-through), pictures whose soft masks are opaque in places (/Patch: white, 5 by 5, its
    middle 3 by 3 opaque; /Ring: red, 9 by 9, a ring a pixel wide opaque), graphics states painting at opacities (/A02, /A05, /A10, /A50: /ca 0.02 ...)
    and a form drawing 57 (/Fm, a transparency group, as Chromium prints `opacity`)."""
    form = b"BT /F1 12 Tf 130 700 Td (57) Tj ET"
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
    image += b"/BitsPerComponent 8 /Length 1 %s>>\nstream\n%s\nendstream"
    states = b"".join(b"/A%02d << /ca %.2f >> " % (k, k / 100) for k in (2, 5, 10, 50))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            (
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> /ExtGState << %s>> /XObject << "
                b"/Wh 6 0 R /Bk 7 0 R /Gy 8 0 R /Ms 9 0 R /Fm 10 0 R /Patch 11 0 R "
                b"/Ring 13 0 R >> >> >>" % states
            ),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            image % (b"", b"\xff"),
            image % (b"", b"\x00"),
            image % (b"", b"\x80"),
            image % (b"/SMask 8 0 R ", b"\xff"),
            (
                b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Group << /S "
                b"/Transparency >> /Resources << /Font << /F1 5 0 R >> >> /Length %d >>\n"
                b"stream\n%s\nendstream" % (len(form), form)
            ),
            _picture(5, b"/DeviceGray", b"\xff" * 25, b"/SMask 12 0 R "),
            _picture(5, b"/DeviceGray", _mask(5, lambda i, j: 0 < i < 4 and 0 < j < 4)),
            _picture(9, b"/DeviceRGB", b"\xe0\x20\x20" * 81, b"/SMask 14 0 R "),
            _picture(9, b"/DeviceGray", _mask(9, lambda i, j: i in (0, 8) or j in (0, 8))),
        ],
        b"",
    )


def _picture(side: int, space: bytes, pixels: bytes, more: bytes = b"") -> bytes:
    """A square picture `side` pixels across (8 bits a channel), with `more` in its dictionary."""
    return b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s " % (
        side,
        side,
        space,
    ) + b"/BitsPerComponent 8 %s/Length %d >>\nstream\n%s\nendstream" % (more, len(pixels), pixels)


def _mask(side: int, opaque: Callable[[int, int], bool]) -> bytes:
    """A soft mask's pixels: opaque where `opaque(row, column)`, clear elsewhere."""
    return bytes(255 if opaque(i, j) else 0 for i in range(side) for j in range(side))


def _inked_line(stream: bytes) -> tuple[str, object]:
    """The line of the figure (after "new") as read from the frame, "new" and `stream`."""
    frame = b"".join(
        b"BT /F1 12 Tf %d %d Td (%s) Tj ET\n" % (x, y, text.encode())
        for x, y, _, text, _ in [*_FRAME, (100, 700, 12, "new", 0)]
    )
    document = documents.read(_inked_pdf(frame + stream), "r.pdf")
    return next(x for x in document.text.splitlines() if x.startswith("new")), document


_OLD_5, _NEW_7 = b"130 700 Td (5) Tj", b"137 700 Td (7) Tj"


@pytest.mark.parametrize(
    "old",
    [
        b"BT /F1 1 Tf " + _OLD_5 + b" ET",  # 1 pt (Word's least, printed)
        b"BT /F1 2 Tf " + _OLD_5 + b" ET",
        b"BT /F1 0.3 Tf " + _OLD_5 + b" ET",
        # 12 pt text shown at 1.2 pt by its text matrix, or by the page's transformation
        b"BT /F1 12 Tf 0.1 0 0 0.1 130 700 Tm (5) Tj ET",
        b"q 0.1 0 0 0.1 130 700 cm BT /F1 12 Tf 0 0 Td (5) Tj ET Q",
        b"q 0.15 0 0 0.15 0 0 cm BT /F1 12 Tf 866 4666 Td (5) Tj ET Q",
    ],
)
def test_an_old_figure_set_at_2_pt_or_less_is_left_out_and_said(old: bytes) -> None:
    # a web page's font-size:1px or a Word file's 1 pt old figure printed beside the 7 the
    # page shows: PDFium's text read 57, a wrong number with no flag. As a Word file's, text
    # shown at 2 pt or less (its size times its matrices) is no text a reader reads
    line, document = _inked_line(old + b"\nBT /F1 12 Tf " + _NEW_7 + b" ET\n")
    assert line.split() == ["new", "7"]
    assert any("2 pt or less" in p and "'5'" in p for p in document.problems)


@pytest.mark.parametrize("size", [b"3", b"6", b"12"])
def test_a_figure_set_small_but_readable_is_read(size: bytes) -> None:
    line, document = _inked_line(b"BT /F1 %s Tf 130 700 Td (57) Tj ET\n" % size)
    assert line.split() == ["new", "57"]
    assert not any("2 pt or less" in p for p in document.problems)


@pytest.mark.parametrize(
    "picture",
    [
        b"q 40 0 0 40 20 20 cm /Gy Do Q",  # a logo in a corner
        b"q 595 0 0 60 0 782 cm /Gy Do Q",  # a header band across the top
        b"q 60 0 0 60 300 300 cm /Ms Do Q",  # a seal's stamp below the table
    ],
)
@pytest.mark.parametrize("after", [False, True])
def test_invisible_text_beside_the_pages_pictures_is_no_number(picture, after) -> None:
    # an old 5 left invisible (text render mode 3) beside the 7 the page shows, on a page with
    # a picture elsewhere: read as a scan's OCR layer (57, no flag), where no picture is under
    # it and no one sees it; over a picture it is still read (a scan's text layer)
    old = b"q BT 3 Tr /F1 12 Tf " + _OLD_5 + b" ET Q\n"
    stream = old + picture + b"\n" if after else picture + b"\n" + old
    line, document = _inked_line(stream + b"BT /F1 12 Tf " + _NEW_7 + b" ET\n")
    assert line.split() == ["new", "7"]
    assert any("invisible over no picture" in p and "'5'" in p for p in document.problems)
    under = b"q 30 0 0 30 120 690 cm /Gy Do Q\nq BT 3 Tr /F1 12 Tf 130 700 Td (57) Tj ET Q\n"
    line, document = _inked_line(picture + b"\n" + under)
    assert line.split() == ["new", "57"]
    assert any("OCR" in p for p in document.problems)
    assert not any("over no picture" in p for p in document.problems)


@pytest.mark.parametrize(
    "picture",
    [
        b"q 8 0 0 14 128 696 cm /Wh Do Q",  # a white patch pasted over the old 5
        b"q 8 0 0 14 128 696 cm /Bk Do Q",  # a black one: redacted
        b"q 8 0 0 14 128 696 cm /Gy Do Q",
        b"q 30 0 0 30 120 690 cm /Wh Do Q",  # over the 7 too
    ],
)
def test_text_under_a_picture_painted_over_it_is_read_as_unknown(picture: bytes) -> None:
    # a picture painted after the text hides it: the old 5 under a white patch beside the 7
    # read 57 with no flag, as a black box's redaction was read as if printed
    line, document = _inked_line(b"BT /F1 12 Tf " + _OLD_5 + b" ET\n" + picture + b"\n")
    assert "\ufffd" in line and "5" not in line
    assert "cells_unplaced" in document.codes
    assert any("picture painted over it" in p and "'5'" in p for p in document.problems)


@pytest.mark.parametrize(
    "clip",
    [
        b"136 690 40 30 re W n",  # a cell's box, the old 5 outside it on the left
        b"0 0 1 1 re W n",  # nothing of it drawn
        b"136 600 300 200 re W n 0 650 200 100 re W n",  # two paths: where they overlap
    ],
)
def test_a_figure_clipped_away_beside_the_one_shown_is_left_out(clip: bytes) -> None:
    # an old 5 left in a cell and clipped away (a layout's overflow hidden) beside the 7 the
    # page shows: drawn, it is not shown, and the page read 57 with no flag
    line, document = _inked_line(
        b"q " + clip + b" BT /F1 12 Tf " + _OLD_5 + b" ET Q\nBT /F1 12 Tf " + _NEW_7 + b" ET\n"
    )
    assert line.split() == ["new", "7"]
    assert any("clipping path" in p and "'5'" in p for p in document.problems)
    # a clip around all of the figure, or a shape around it, takes nothing away
    for whole in (b"120 690 40 30 re W n", b"120 690 m 200 690 l 160 760 l h W n"):
        line, document = _inked_line(b"q " + whole + b" BT /F1 12 Tf 130 700 Td (57) Tj ET Q\n")
        assert line.split() == ["new", "57"]
        assert not any("clipping path" in p for p in document.problems)


@pytest.mark.parametrize(
    "picture",
    [
        # a white patch whose soft mask is opaque over the old 5 (clear at its rim): it hid
        # the 5 and the page read 57 with no flag, as a picture with any clear pixel showed
        # what it covered through
        b"q 20 0 0 30 124 690 cm /Patch Do Q",
        b"q 40 0 0 40 121 686 cm /Patch Do Q",
    ],
)
def test_text_under_the_opaque_part_of_a_masked_picture_is_read_as_unknown(picture) -> None:
    line, document = _inked_line(b"BT /F1 12 Tf " + _OLD_5 + b" ET\n" + picture + b"\n")
    assert "\ufffd" in line and "5" not in line
    assert "cells_unplaced" in document.codes


@pytest.mark.parametrize(
    "picture",
    [
        b"q 30 0 0 30 120 690 cm /Gy Do Q\nBT /F1 12 Tf 130 700 Td (57) Tj ET",  # under it
        # a seal's ring crossing the figure, its middle clear: the figure is read
        b"BT /F1 12 Tf 130 700 Td (57) Tj ET\nq 60 0 0 60 126 660 cm /Ring Do Q",
        b"BT /F1 12 Tf 130 700 Td (57) Tj ET\nq 60 0 0 60 90 680 cm /Ring Do Q",
        # the patch's clear rim over the figure, its opaque middle beside it
        b"BT /F1 12 Tf 130 700 Td (57) Tj ET\nq 40 0 0 40 140 690 cm /Patch Do Q",
        b"BT /F1 12 Tf 130 700 Td (57) Tj ET\nq 8 0 0 14 300 300 cm /Bk Do Q",  # elsewhere
        b"BT /F1 12 Tf 130 700 Td (57) Tj ET\nq 30 0 0 30 120 690 cm /Ms Do Q",  # see-through
    ],
)
def test_text_beside_or_over_a_picture_or_under_a_see_through_one_is_read(picture) -> None:
    line, document = _inked_line(picture + b"\n")
    assert line.split() == ["new", "57"]
    assert "cells_unplaced" not in document.codes


@pytest.mark.parametrize(
    ("ghost", "seen"),
    [
        # the old 5 in ink at 2%, 5%, 10% opacity (PDFium's fill colour (0, 0, 0, 5)), on the
        # page and in a transparency group (Chromium's `opacity`): read as black, 57 with no
        # flag; no reader sees it
        (b"q /A02 gs BT /F1 12 Tf " + _OLD_5 + b" ET Q", False),
        (b"q /A05 gs BT /F1 12 Tf " + _OLD_5 + b" ET Q", False),
        (b"q /A10 gs BT /F1 12 Tf " + _OLD_5 + b" ET Q", False),
        (b"q /A02 gs /Fm Do Q", False),
        (b"q /A10 gs /Fm Do Q", False),
        # half opacity is a grey a reader sees; a group at full opacity is its ink
        (b"q /A50 gs BT /F1 12 Tf 130 700 Td (57) Tj ET Q", True),
        (b"q /A50 gs /Fm Do Q", True),
        (b"/Fm Do", True),
    ],
)
def test_text_nearly_transparent_is_read_as_unknown(ghost: bytes, seen: bool) -> None:
    stream = ghost + b"\n"
    if b"(5)" in ghost:
        stream += b"BT /F1 12 Tf " + _NEW_7 + b" ET\n"
    line, document = _inked_line(stream)
    if seen:
        assert line.split() == ["new", "57"]
        assert "cells_unplaced" not in document.codes
        return
    assert "\ufffd" in line and "5" not in line
    assert "cells_unplaced" in document.codes
    assert any("nearly transparent" in p for p in document.problems), document.problems
