"""Generated pages as the documents agencies publish: PDFs and Word files made by real tools.

A generated HTML page (its truth unchanged: the same report) is printed to PDF by headless
Chromium, written as .docx by python-docx, and, where LibreOffice is installed, converted to a
Word 97-2003 .doc and printed to PDF by LibreOffice too (borders drawn as strokes, as Word and
WPS print them). Each kind comes in print layouts that real reports have:

- `portrait`: the page as a browser prints it (A4), its tables across page breaks;
- `landscape`: A4 landscape (wide tables, fewer breaks);
- `repeat`: the tables' header rows repeated at the top of every page a table continues on
  (`<thead>` in print, w:tblHeader in Word), with a large font so that tables break often;
- `vertical`: short header cells written one character under the other (Word: its vertical
  text direction);
- `footer`: the browser's running header and footer (date, title, address, page `1/3`).

A scan (`scan`) is the portrait PDF's pages rendered to images and saved as an image-only PDF
by Pillow, as a scanner would: it has no text layer, and its truth says so.

    from gx_pipeline.pagegen.documents import document_of
    data = document_of(page, "pdf", "repeat")     # bytes of the PDF
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import etree, html

from gx_pipeline.pagegen.styles import GeneratedPage
from gx_pipeline.parsing.decode import decode

PDF_LAYOUTS = ("portrait", "landscape", "repeat", "vertical", "footer")
DOCX_LAYOUTS = ("portrait", "landscape", "repeat", "vertical")
#: (kind, layouts) a sample cycles through; doc and lopdf need LibreOffice, pdf Chromium
KINDS = ("pdf", "docx", "doc", "lopdf", "scan")
#: styles whose page is a web page a browser shows as the report. Not printed: text copies, a
#: page of images (no tables), and a table whose exporter dropped its spans (too wide for the
#: paper, the browser squeezes its last cells to no width: the PDF does not show them)
PRINTABLE = frozenset(
    {"trs", "word", "split", "onetable", "gbk", "gb18030", "colspan", "unlabelled"}
)
CHROMIUM_TIMEOUT = 120


class ToolMissing(RuntimeError):
    """A document kind needs a tool this machine does not have (Chromium, LibreOffice)."""


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def _utf8_page(page: GeneratedPage) -> str:
    """The page's text as a browser shows it, re-declared as UTF-8 (a GBK page under a
    UTF-8 meta is shown right by the agency's own site, which serves the right charset)."""
    text = decode(page.data, page.filename).text
    text = re.sub(r"<meta[^>]*charset[^>]*>", "", text, flags=re.IGNORECASE)
    return re.sub(r"<head>", '<head>\n<meta charset="utf-8">', text, count=1, flags=re.IGNORECASE)


_HEADER_STOP = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d)")


def is_header_text(text: str) -> bool:
    """A cell's text that a header row may hold: no figure and no row label (一、, （一）, 1.)."""
    return not _HEADER_STOP.match(text) and not any(ch.isdigit() for ch in text)


def is_header_row(tr: etree._Element) -> bool:
    """A table's leading row that holds no figure and no row label: a header row."""
    cells = [" ".join(td.text_content().split()) for td in tr if td.tag in ("td", "th")]
    return bool(cells) and all(is_header_text(c) for c in cells)


def print_html(page: GeneratedPage, layout: str) -> str:
    """The page prepared for printing in `layout`."""
    root = html.document_fromstring(_utf8_page(page))
    css = ["table { border-collapse: collapse; } td, th { border: 0.75pt solid #000; }"]
    if layout == "landscape":
        css.append("@page { size: A4 landscape; margin: 15mm; }")
    else:
        css.append("@page { size: A4; margin: 18mm; }")
    if layout == "repeat":
        css.append("body { font-size: 15pt; } td, th { font-size: 15pt; padding: 4pt; }")
        css.append("thead { display: table-header-group; } tr { break-inside: avoid; }")
        for table in root.iter("table"):
            rows = [tr for tr in table.iter("tr")]
            head = []
            for tr in rows:
                if not is_header_row(tr):
                    break
                head.append(tr)
            if head and len(head) < len(rows):
                thead = etree.Element("thead")
                table.insert(0, thead)
                for tr in head:
                    thead.append(tr)
    if layout == "vertical":
        # a header written one character under the other, as narrow columns of printed reports
        # show them (Chromium's writing-mode in table cells overlaps the rows when printed)
        for table in root.iter("table"):
            for tr in table.iter("tr"):
                if not is_header_row(tr):
                    break
                for td in tr:
                    text = "".join(td.text_content().split())
                    if 2 <= len(text) <= 6 and td.get("colspan") in (None, "1"):
                        for child in list(td):
                            td.remove(child)
                        td.text = None
                        for k, ch in enumerate(text):
                            if k:
                                etree.SubElement(td, "br").tail = ch
                            else:
                                td.text = ch
    style = etree.SubElement(root.find("head"), "style")
    style.text = "\n".join(css)
    return html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def pdf_with_chromium(markup: str, footer: bool = False) -> bytes:
    """Headless Chromium's print-to-PDF of a page."""
    command = chromium()
    if command is None:
        raise ToolMissing("headless Chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="gx-print-") as tmp:
        source = Path(tmp) / "page.html"
        target = Path(tmp) / "page.pdf"
        source.write_text(markup, encoding="utf-8")
        args = [
            command,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        if not footer:
            args.insert(4, "--no-pdf-header-footer")
        subprocess.run(args, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
        if not target.is_file():
            raise ToolMissing("Chromium wrote no PDF")
        return target.read_bytes()


def docx_of(page: GeneratedPage, layout: str) -> bytes:
    """The page's report as a .docx: its paragraphs and tables (spans as Word merges)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    root = html.document_fromstring(_utf8_page(page))
    body = root.find(".//body")
    document = docx.Document()
    title = root.findtext(".//title") or ""
    document.core_properties.title = title.split("_")[0]
    section = document.sections[0]
    if layout == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    style = document.styles["Normal"]
    style.font.size = Pt(14 if layout == "repeat" else 10.5)
    for block in _blocks(body):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        grid, spans = block
        n_rows, n_cols = len(grid), max(len(r) for r in grid)
        table = document.add_table(rows=n_rows, cols=n_cols)
        table.style = "Table Grid"
        header_rows = 0
        for r, row in enumerate(grid):
            if header_rows == r and all(is_header_text(t or "") for t in row):
                header_rows += 1
        # every cell once, before merging: table.cell() walks the whole table on each call
        cells = table._cells
        for (r, c), (rowspan, colspan, text) in spans.items():
            cell = cells[r * n_cols + c]
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(cells[(r + rowspan - 1) * n_cols + c + colspan - 1])
            cell.text = text
            if layout == "vertical" and r < header_rows and 2 <= len(text) <= 6 and colspan == 1:
                direction = OxmlElement("w:textDirection")
                direction.set(qn("w:val"), "tbRlV")
                cell._tc.get_or_add_tcPr().append(direction)
        if layout == "repeat" and 0 < header_rows < n_rows:
            for tr in table._tbl.tr_lst[:header_rows]:
                flag = OxmlElement("w:tblHeader")
                tr.get_or_add_trPr().append(flag)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _blocks(body: etree._Element) -> list:
    """The body's paragraphs (text) and data tables (a grid of texts and each cell's spans), in
    order; layout tables and the chrome's tables of links are read for their text."""
    out: list = []
    for el in body.iter():
        if el.tag == "table" and el.find(".//table") is None:
            out.append(_grid(el))
        elif el.tag in ("p", "h1", "h2", "h3", "div", "li") and el.find(".//table") is None:
            if any(a.tag in ("table", "p", "li") for a in el.iterancestors()):
                continue
            if el.tag in ("div", "li") and el.find(".//p") is not None:
                continue
            text = " ".join(el.text_content().split())
            if text:
                out.append(text)
    return out


def _grid(table: etree._Element) -> tuple[list[list[str | None]], dict]:
    rows = [tr for tr in table.iter("tr")]
    taken: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int, str]] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan = min(int(td.get("rowspan") or 1), len(rows) - r)
            colspan = int(td.get("colspan") or 1)
            text = "\n".join(" ".join(part.split()) for part in _cell_lines(td) if part.strip())
            spans[(r, c)] = (rowspan, colspan, text)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
            width = max(width, c)
    grid: list[list[str | None]] = [[None] * width for _ in rows]
    for (r, c), (_, _, text) in spans.items():
        grid[r][c] = text
    return grid, spans


def _cell_lines(td: etree._Element) -> list[str]:
    """A cell's text with its <br> line breaks as separate lines."""
    for br in td.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return td.text_content().split("\n")


def libreoffice_convert(data: bytes, suffix: str, target: str) -> bytes:
    """A document converted by LibreOffice (`target`: doc, pdf)."""
    from gx_pipeline.documents.word import converter

    command = converter()
    if command is None:
        raise ToolMissing("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory(prefix="gx-lo-") as tmp:
        source = Path(tmp) / f"report{suffix}"
        source.write_bytes(data)
        subprocess.run(
            [
                command,
                f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            timeout=CHROMIUM_TIMEOUT,
            check=False,
            env={"HOME": tmp, "PATH": "/usr/bin:/bin"},
        )
        out = Path(tmp) / f"report.{target.split(':')[0]}"
        if not out.is_file():
            raise ToolMissing(f"LibreOffice wrote no .{target}")
        return out.read_bytes()


def scan_of(pdf: bytes) -> bytes:
    """An image-only PDF of the pages (as a scanner makes): rendered by PDFium, saved by Pillow."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        images = [page.render(scale=100 / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=100)
    return out.getvalue()


def document_of(page: GeneratedPage, kind: str, layout: str = "portrait") -> bytes:
    """The page's report as a document of `kind` (pdf, docx, doc, lopdf, scan) in `layout`."""
    if kind == "pdf":
        return pdf_with_chromium(print_html(page, layout), footer=layout == "footer")
    if kind == "scan":
        return scan_of(pdf_with_chromium(print_html(page, "portrait")))
    made = docx_of(page, layout)
    if kind == "docx":
        return made
    if kind == "doc":
        return libreoffice_convert(made, ".docx", "doc:MS Word 97")
    if kind == "lopdf":
        return libreoffice_convert(made, ".docx", "pdf")
    raise ValueError(f"unknown document kind {kind!r}")


EXTENSIONS = {"pdf": ".pdf", "scan": ".pdf", "lopdf": ".pdf", "docx": ".docx", "doc": ".doc"}


def document_page(page: GeneratedPage, kind: str, layout: str) -> GeneratedPage:
    """The page's report as a document, with its truth: the same cells (a scan: none, and the
    reason it is refused)."""
    import dataclasses

    data = document_of(page, kind, layout)
    name = f"{page.name}-{kind}-{layout}"
    ext = EXTENSIONS[kind]
    truth = dataclasses.replace(page.truth, source=name + ext, style=f"{page.truth.style}/{kind}")
    if kind == "scan":
        truth = dataclasses.replace(
            truth,
            cells=(),
            template=None,
            agency=None,
            year=None,
            published=None,
            complete=dict.fromkeys(truth.complete, False),
            broken_identities=(),
            expect_flags=(),
            expect_error_contains="a scan",
        )
    return GeneratedPage(name, ext, data, truth)


def layouts(kind: str) -> tuple[str, ...]:
    if kind in ("pdf",):
        return PDF_LAYOUTS
    if kind in ("docx", "doc", "lopdf"):
        return DOCX_LAYOUTS
    return ("portrait",)
