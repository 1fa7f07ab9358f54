"""Reports with a table of contents (目录): a Word TOC field (dirty or not) or typed lines, a
contents page with dot leaders (一、总体情况……………1), a web page's list of its sections,
text copies of each. The entries name the sections as the headings do; a page with one must
be read as the same page without it, and no page number read as a figure."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
from lxml import etree

from gx_pipeline.pagegen import render_html, render_text
from gx_pipeline.pagegen.documents import docx_of
from gx_pipeline.pagegen.layout import Document, Para, keyed_cells
from gx_pipeline.pagegen.styles import GeneratedPage
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.contents import contents_entries
from gx_pipeline.parsing.tokens import text_tokens
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document

LEADERS = ("…", "·", ".", "-", "．", "")
PLACES = ("before_title", "after_title", "after_intro", "end")


def _contents(doc: Document, rng: random.Random, *, tab_only: bool = False) -> list[str]:
    """The TOC's lines: all sections or some, worded as the headings or shortened, with page
    numbers after a leader (…, ·, ., -, ．) or a space or TAB, or none; a 目录 line or not."""
    heads = [b.text for b in doc.blocks if isinstance(b, Para) and b.kind == "heading"]
    if rng.random() < 0.3:
        keep = sorted(rng.sample(range(len(heads)), rng.randint(2, len(heads) - 1)))
        heads = [heads[k] for k in keep]
    short = rng.random() < 0.35
    numbered = tab_only or rng.random() < 0.8
    leader = "" if tab_only else rng.choice(LEADERS)
    width = rng.randint(6, 30)
    lines, page = [], 1
    for head in heads:
        text = re.sub(r"政府信息|情况", "", head, count=1) if short else head
        page += rng.randint(0, 2)
        if numbered:
            gap = "\t" if tab_only else leader * width or rng.choice(("\t", "  ", " "))
            lines.append(f"{text}{gap}{page}")
        else:
            lines.append(text + (leader * width if leader and rng.random() < 0.5 else ""))
    if not tab_only and rng.random() < 0.7:
        lines.insert(0, rng.choice(("目录", "目  录", "目 录")))
    return lines


def _with_lines(doc: Document, lines: list[str], place: str) -> Document:
    blocks = list(doc.blocks)
    at = {"before_title": 0, "after_title": 1, "after_intro": 2, "end": len(blocks)}[place]
    blocks[at:at] = [Para(t) for t in lines]
    return Document(doc.meta, tuple(blocks))


def _text(render):
    def made(doc: Document, rng: random.Random, lines: list[str], place: str) -> str:
        if place == "before_title" and lines:
            return "\n".join(lines) + "\n" + render(doc, rng)
        return render(_with_lines(doc, lines, place), rng)

    return made


def _html_list(doc: Document, rng: random.Random, lines: list[str], place: str) -> str:
    """A web page whose 目录 is a list of links to its sections (#section1 …)."""
    if not lines:
        return render_html.simple_page(doc, rng)
    page = render_html.simple_page(_with_lines(doc, ["@@"], place.replace("before", "after")), rng)
    links = "".join(
        f'<li><a href="#section{k}">{t}</a></li>' for k, t in enumerate(lines, 1) if "目" not in t
    )
    return re.sub(r"<p[^>]*>@@</p>", f"<div class='toc'><p>目录</p><ul>{links}</ul></div>", page)


def _html_table(doc: Document, rng: random.Random, lines: list[str], place: str) -> str:
    """A web page whose 目录 is a table of two columns: the entry, its page number."""
    if not lines:
        return render_html.simple_page(doc, rng)
    page = render_html.simple_page(_with_lines(doc, ["@@"], place.replace("before", "after")), rng)
    rows = "".join(
        "<tr><td>{}</td><td>{}</td></tr>".format(
            *re.fullmatch(r"(.*?)[\s…·.．-]*(\d*)", t).groups()
        )
        for t in lines
        if "目" not in t
    )
    return re.sub(r"<p[^>]*>@@</p>", f"<p>目录</p><table>{rows}</table>", page)


def _html_paragraphs(doc: Document, rng: random.Random, lines: list[str], place: str) -> str:
    return render_html.simple_page(_with_lines(doc, lines, place.replace("before", "after")), rng)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run(xml: str) -> etree._Element:
    return etree.fromstring(f"<w:r xmlns:w='{_W}'>{xml}</w:r>")


def _docx(field: str | None):
    """A Word file with the TOC typed (`field` None), or as a TOC field Word has updated
    ("clean") or marked to update ("dirty"): each entry a paragraph, a TAB before its page
    number."""

    def made(doc: Document, rng: random.Random, lines: list[str], place: str) -> bytes:
        d = _with_lines(doc, lines, place.replace("before", "after"))
        markup = render_html.simple_page(d, rng).encode("utf-8")
        data = docx_of(GeneratedPage("p", ".html", markup, None), "portrait")  # type: ignore[arg-type]
        if field is None or not lines:
            return data
        zin = zipfile.ZipFile(io.BytesIO(data))
        root = etree.fromstring(zin.read("word/document.xml"))
        w = f"{{{_W}}}"
        entries = []
        for p in root.iter(f"{w}p"):
            text = "".join(t.text or "" for t in p.iter(f"{w}t"))
            if len(entries) < len(lines) and text.split() == lines[len(entries)].split():
                head, _, number = lines[len(entries)].partition("\t")
                for old in p.findall(f"{w}r"):
                    p.remove(old)
                p.append(_run(f"<w:t>{head}</w:t>"))
                p.append(_run("<w:tab/>"))
                p.append(_run(f"<w:t>{number}</w:t>"))
                entries.append(p)
        assert len(entries) == len(lines)
        dirty = " w:dirty='true'" if field == "dirty" else ""
        for k, xml in enumerate(
            (
                f"<w:fldChar w:fldCharType='begin'{dirty}/>",
                "<w:instrText xml:space='preserve'> TOC \\o \"1-3\" \\h \\z \\u </w:instrText>",
                "<w:fldChar w:fldCharType='separate'/>",
            )
        ):
            entries[0].insert(k + (entries[0].find(f"{w}pPr") is not None), _run(xml))
        entries[-1].append(_run("<w:fldChar w:fldCharType='end'/>"))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                body = zin.read(item)
                if item.filename == "word/document.xml":
                    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
                zout.writestr(item, body)
        return out.getvalue()

    return made


FORMS = {
    "tab-copy": (_text(lambda d, r: render_text.browser_copy(d, r, browser="firefox")), ".txt"),
    "spaced": (_text(render_text.spaced_rows), ".txt"),
    "word-text": (_text(render_text.word_plain_text), ".txt"),
    "laid-out": (_text(render_text.laid_out), ".txt"),
    "html-links": (_html_list, ".html"),
    "html-lines": (_html_paragraphs, ".html"),
    "html-table": (_html_table, ".html"),
    "docx-typed": (_docx(None), ".docx"),
    "docx-field": (_docx("clean"), ".docx"),
    "docx-field-dirty": (_docx("dirty"), ".docx"),
}


def _read(form: str, doc: Document, seed: str, lines: list[str], place: str):
    """The cells read, and the report's text by section (its headings found where they are)."""
    make, ext = FORMS[form]
    data = make(doc, random.Random(seed), lines, place)
    got = parse_bytes(data.encode("utf-8") if isinstance(data, str) else data, f"page{ext}")
    return {(c.section, c.row, c.col): c.value for c in got.cells}, got.narrative


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_table_of_contents_leaves_the_reading_as_without_it(form: str):
    pages = 10 if form.startswith("docx") else 20
    for k in range(pages):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"contents:{form}:{k}")
        doc, values = _document(rng, template, year)
        lines = _contents(doc, rng, tab_only=form.startswith("docx-field"))
        if form.startswith("docx-field"):
            lines = [t for t in lines if "目" not in t]
        place = PLACES[k % len(PLACES)]
        seed = f"contents-render:{form}:{k}"
        without, text_without = _read(form, doc, seed, [], place)
        with_toc, text = _read(form, doc, seed, lines, place)
        assert with_toc == without, (k, place, lines[:3])
        # after_intro: the TOC stands right above the body's 一、总体情况, a heading kept
        assert text == text_without, (k, place, lines[:3])
        shown = {key for key, _ in keyed_cells(doc)}
        wrong = {
            key: v
            for key, v in with_toc.items()
            if v is not None and (key not in shown or v != values.get(key))
        }
        assert not wrong, (k, wrong)


@pytest.mark.parametrize(
    "copy",
    [render_text.spaced_rows, render_text.laid_out, render_text.tab_rows, render_text.cell_lines],
)
def test_a_page_without_contents_loses_no_line(copy):
    """The requests table's rows (一、本年新收政府信息公开申请数量 3, 二、上年结转… 0) and the
    section headings of a page with no TOC are never taken for a TOC's entries."""
    for k in range(20):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"no-contents:{k}")
        doc, _ = _document(rng, template, year)
        assert contents_entries(text_tokens(copy(doc, rng))) == []


#: the chapters' numbers a TOC may give its entries instead of the headings' 一、: Arabic numerals
#: (1. 1、) or a sub-chapter's bracket (（一）)
_NUMBERINGS = ("{n}.", "{n}、", "（{c}）")
#: the page numbers a TOC may write: between dashes (- 1 -, —1—), as 第1页, or bare
_PAGE_FORMS = ("- {p} -", "—{p}—", "第{p}页", "{p}")


def _numbered_contents(doc: Document, rng: random.Random) -> list[str]:
    """A TOC of all the headings, numbered in Arabic numerals or brackets or as the headings
    are, with page numbers between dashes, as 第N页 or bare, rising or (misprinted, or the
    fields of a document not updated) falling; a 目录 line or not."""
    heads = [b.text for b in doc.blocks if isinstance(b, Para) and b.kind == "heading"]
    numbering = rng.choice((*_NUMBERINGS, None))
    pages = sorted(rng.randint(1, 9) for _ in heads)
    if numbering is None or rng.random() < 0.5:
        pages = sorted({*pages, pages[0] + 1}, reverse=True)[: len(heads)]
        pages += [pages[-1]] * (len(heads) - len(pages))
    form = rng.choice(_PAGE_FORMS)
    gap = rng.choice(("……………", "·········", "  ", "\t", "........"))
    lines = []
    for n, (head, page) in enumerate(zip(heads, pages), 1):
        if numbering is not None:
            number = numbering.format(n=n, c="一二三四五六七八九"[n - 1])
            head = re.sub(r"^[一二三四五六七八九十]+、", number, head)
        lines.append(f"{head}{gap}{form.format(p=page)}")
    if rng.random() < 0.5:
        lines.insert(0, "目录")
    return lines


@pytest.mark.parametrize("form", ["tab-copy", "spaced", "word-text", "laid-out"])
def test_a_numbered_or_falling_table_of_contents_leaves_the_reading_as_without_it(form: str):
    # entries numbered 1. or （一）, page numbers written - 1 - or 第1页, or falling: the TOC
    # was not told, its entries read as the headings and the report's cells withheld
    for k in range(24):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"numbered-contents:{form}:{k}")
        doc, _ = _document(rng, template, year)
        lines = _numbered_contents(doc, rng)
        place = ("after_title", "after_intro")[k % 2]
        seed = f"numbered-contents-render:{form}:{k}"
        assert _read(form, doc, seed, lines, place) == _read(form, doc, seed, [], place), (
            k,
            lines,
        )
