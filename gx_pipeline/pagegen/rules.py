"""Generated reports printed as PDFs whose tables are not drawn as a full grid.

Many agencies write the annual report in Word or WPS and print it to PDF with the table's
borders as the document's template left them. The report's tables then come in these rule
layouts (`RULE_LAYOUTS`):

- `none`: no rules at all, the columns told only by where the text stands;
- `threeline`: a 三线表: a rule over the table, one under its header rows, one under its end;
- `rows`: rules between the rows and none down;
- `frame`: an outer frame only;
- `shaded`: the header cells filled grey, no rules.

Each is printed by headless Chromium (`pdf`) or written as .docx with those borders and printed
by LibreOffice (`lopdf`), the numbers right-aligned or centred, the font large enough in some
pages that header cells wrap; the national tables run over page breaks. The truth is the web
page's: the same report.

    from gx_pipeline.pagegen.rules import rules_page
    made = rules_page(page, "threeline", "pdf", align="right")

The test fixtures are written by `python -m gx_pipeline.pagegen.rules gx_pipeline_tests/fixtures/rules`.
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
from pathlib import Path

from lxml import etree, html

from gx_pipeline.pagegen.documents import (
    docx_of,
    is_header_row,
    is_header_text,
    libreoffice_convert,
    pdf_with_chromium,
    print_html,
)
from gx_pipeline.pagegen.styles import GeneratedPage

RULE_LAYOUTS = ("none", "threeline", "rows", "frame", "shaded")
ALIGNS = ("right", "center")
_NUMBER = re.compile(r"^\s*[-—/]?\s*\d[\d,.]*\s*%?\s*$|^\s*[-—/]\s*$")
_RULE = "0.75pt solid #000"
_THICK = "1.5pt solid #000"


def _header_rows(table: etree._Element) -> int:
    rows = [tr for tr in table.iter("tr")]
    n = 0
    for tr in rows:
        if not is_header_row(tr):
            break
        n += 1
    return n if n < len(rows) else 0


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八]、|第二十条)")


def rules_html(
    page: GeneratedPage, layout: str, align: str, font_pt: float, small: bool = False
) -> str:
    """The page prepared for printing with its tables in rule layout `layout`. `small`: only
    the title, the section headings and the tables, in one font (a PDF of a few dozen KB
    instead of several hundred, for a test's fixture)."""
    if layout not in RULE_LAYOUTS:
        raise ValueError(f"unknown rule layout {layout!r}")
    root = html.document_fromstring(print_html(page, "portrait"))
    if small:
        _keep_tables(root)
    css = [
        "table { border-collapse: collapse !important; border: none !important; }",
        "td, th { border: none !important; padding: 2pt 4pt; }",
        f"body, td, th {{ font-size: {font_pt}pt; }}",
        f"td.n {{ text-align: {align} !important; }}",
        "* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }",
    ]
    if layout == "threeline":
        css.append(f"table.data {{ border-top: {_THICK} !important; }}")
        css.append(f"table.data {{ border-bottom: {_THICK} !important; }}")
        css.append(f"td.hd-end, th.hd-end {{ border-bottom: {_RULE} !important; }}")
    elif layout == "rows":
        css.append(f"table.data td, table.data th {{ border-bottom: {_RULE} !important; }}")
        css.append(f"table.data {{ border-top: {_RULE} !important; }}")
    elif layout == "frame":
        css.append(f"table.data {{ border: {_THICK} !important; }}")
    elif layout == "shaded":
        css.append("td.hd, th.hd { background: #d0d0d0 !important; }")
    for table in root.iter("table"):
        if not _data_table(table):
            continue
        table.set("class", (table.get("class", "") + " data").strip())
        table.attrib.pop("border", None)
        head = _header_rows(table)
        for r, tr in enumerate(table.iter("tr")):
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                marks = []
                if _NUMBER.match(td.text_content()):
                    marks.append("n")
                if r < head:
                    marks.append("hd")
                    if r + int(td.get("rowspan") or 1) >= head:
                        marks.append("hd-end")
                if marks:
                    td.set("class", " ".join([td.get("class", ""), *marks]).strip())
    if small:
        css.append('* { font-family: "WenQuanYi Zen Hei" !important; font-weight: normal; }')
    style = etree.SubElement(root.find("head"), "style")
    style.text = "\n".join(css)
    return html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def _data_table(table: etree._Element) -> bool:
    return table.find(".//table") is None and any(
        any(ch.isdigit() for ch in td.text_content()) for td in table.iter("td")
    )


def _keep_tables(root: etree._Element) -> None:
    """The body reduced to the report's title, its section headings and its data tables."""
    body = root.find(".//body")
    kept: list[etree._Element] = []
    title = root.findtext(".//title") or ""
    heading = etree.Element("p")
    heading.text = title.split("_")[0]
    kept.append(heading)
    for el in body.iter():
        if el.tag == "table" and _data_table(el):
            kept.append(el)
        elif el.tag in ("p", "h1", "h2", "h3", "div", "span", "strong", "b"):
            if any(a.tag in ("table", "p") for a in el.iterancestors()):
                continue
            text = " ".join(el.text_content().split())
            if (
                _HEADING.match(text)
                and len(text) < 40
                and not any(a.tag == "table" for a in el.iter())
            ):
                p = etree.Element("p")
                p.text = text
                kept.append(p)
    for child in list(body):
        body.remove(child)
    seen: set[str] = set()
    for el in kept:
        if el.tag == "p":
            if el.text in seen:
                continue
            seen.add(el.text or "")
        body.append(el)


def rules_docx(page: GeneratedPage, layout: str, align: str) -> bytes:
    """The page's report as a .docx whose tables have the borders of `layout`."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(docx_of(page, "portrait")))

    def borders(parent, tag: str, sides: dict[str, str]) -> None:
        box = OxmlElement(tag)
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{side}")
            size = sides.get(side)
            el.set(qn("w:val"), "single" if size else "nil")
            if size:
                el.set(qn("w:sz"), size)
                el.set(qn("w:color"), "000000")
            box.append(el)
        parent.append(box)

    table_sides = {
        "none": {},
        "threeline": {"top": "12", "bottom": "12"},
        "rows": {"top": "6", "bottom": "6", "insideH": "6"},
        "frame": {"top": "12", "bottom": "12", "left": "12", "right": "12"},
        "shaded": {},
    }[layout]
    for table in document.tables:
        pr = table._tbl.tblPr
        for old in pr.findall(qn("w:tblStyle")) + pr.findall(qn("w:tblBorders")):
            pr.remove(old)
        borders(pr, "w:tblBorders", table_sides)
        rows = table._tbl.tr_lst
        head = 0
        for tr in rows:
            texts = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.tc_lst]
            if not all(is_header_text(t) for t in texts):
                break
            head += 1
        if head >= len(rows):
            head = 0
        for r, tr in enumerate(rows):
            for tc in tr.tc_lst:
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                if _NUMBER.match(text):
                    for p in tc.iter(qn("w:p")):
                        pp = p.get_or_add_pPr()
                        jc = OxmlElement("w:jc")
                        jc.set(qn("w:val"), "right" if align == "right" else "center")
                        pp.append(jc)
                if r >= head:
                    continue
                tcpr = tc.get_or_add_tcPr()
                if layout == "threeline" and r == head - 1:
                    borders(tcpr, "w:tcBorders", {"bottom": "6"})
                if layout == "shaded":
                    shd = OxmlElement("w:shd")
                    shd.set(qn("w:val"), "clear")
                    shd.set(qn("w:color"), "auto")
                    shd.set(qn("w:fill"), "D0D0D0")
                    tcpr.append(shd)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rules_page(
    page: GeneratedPage,
    layout: str,
    kind: str,
    align: str = "right",
    font_pt: float = 10.5,
    small: bool = False,
) -> GeneratedPage:
    """The page's report as a PDF (`kind`: pdf from Chromium, lopdf from LibreOffice) with its
    tables in rule layout `layout`, with its truth."""
    if kind == "pdf":
        data = pdf_with_chromium(rules_html(page, layout, align, font_pt, small))
    elif kind == "lopdf":
        data = libreoffice_convert(rules_docx(page, layout, align), ".docx", "pdf")
    else:
        raise ValueError(f"unknown kind {kind!r}")
    name = f"{page.name}-rules-{layout}-{kind}-{align}"
    truth = dataclasses.replace(
        page.truth, source=name + ".pdf", style=f"{page.truth.style}/rules-{layout}/{kind}"
    )
    return GeneratedPage(name, ".pdf", data, truth)


#: the test fixtures (gx_pipeline_tests/fixtures/rules): (name, year, template, blank cells,
#: layout, kind, numbers' alignment, font size in points)
FIXTURES = (
    ("none", 2023, "2021", "sparse", "none", "pdf", "center", 10.5),
    ("threeline", 2020, "2019", "zeros_blank", "threeline", "pdf", "right", 12.0),
    ("lo-none", 2022, "2021", "sparse", "none", "lopdf", "right", 10.5),
    ("lo-threeline", 2019, "2019", "sparse", "threeline", "lopdf", "center", 10.5),
)


def write_fixtures(out_dir: Path) -> list[Path]:
    """The fixtures' PDFs (small: tables and headings only) and truths under out_dir."""
    from gx_pipeline.pagegen import write_page
    from gx_pipeline.pagegen.styles import make_page

    paths = []
    for name, year, template, blank, layout, kind, align, font in FIXTURES:
        rng = random.Random(f"rules-fixture:{name}")
        page = make_page(
            rng,
            index=0,
            style="trs",
            year=year,
            template=template,
            blank_mode=blank,
            name=f"gen-{year}",
        )
        made = rules_page(page, layout, kind, align=align, font_pt=font, small=True)
        paths.append(write_page(made, out_dir / "pages", out_dir / "truth"))
    return paths


if __name__ == "__main__":
    import sys

    for path in write_fixtures(Path(sys.argv[1])):
        print(path, path.stat().st_size)
