"""Where a parsed cell stands on its page: the page's own elements, numbered as the parser numbers
them, for a person to see the cell in place (the review application, gx_pipeline.review).

A cell's `loc` is [table, tr, td] on an HTML page (the data tables, those that hold no other
table, in document order; the rows and cells within each, hidden ones keeping their place) and
[0, line, field] in a text copy (the file's line, tokens.file_lines). The page is read here exactly as the tokenizer reads it (the same
decoding, tree, srcdoc documents, stripped elements and left-out hidden copies), and each data
cell the tokenizer would number is marked with the attribute `data-gx-loc="table.tr.td"`; a text
copy comes back as its numbered lines. Nothing here makes the page safe to show: the review's
renderer does (gx_pipeline.review.render).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from gx_pipeline.parsing import tokens as tk
from gx_pipeline.parsing.decode import decode

#: the attribute that carries a data cell's place, "table.tr.td"
LOC_ATTRIBUTE = "data-gx-loc"
HTML, TEXT = "html", "text"


@dataclass
class PageView:
    """A page as the review shows it."""

    #: HTML: the page's tree with its data cells marked; TEXT: its lines as numbered
    kind: str
    root: etree._Element | None = None
    #: the page's own <style> sheets (the tree has lost them with the other skipped elements)
    styles: list[str] = field(default_factory=list)
    #: TEXT: the lines, line 1 first
    lines: list[str] = field(default_factory=list)
    #: loc -> the text the parser read there (HTML), to check a mark before it is trusted
    texts: dict[tuple[int, int, int], str] = field(default_factory=dict)
    #: loc -> the text in the cell that no reader sees (HTML): left out of the view, as the
    #: parser leaves it out of the cell's number
    unseen: dict[tuple[int, int, int], str] = field(default_factory=dict)
    #: what the view could not do, in words (empty when every cell could be placed)
    note: str = ""


def page_view(data: bytes, source: str) -> PageView:
    """The page of `data` with its cells placed as the parser places them."""
    text = decode(data, source).text
    if not tk.looks_like_html(text):
        return PageView(TEXT, lines=tk.file_lines(text))
    view = _html_view(text)
    if view is None or not view.texts:
        # no table cell on the page: the parser read its lines as a text copy (a flipbook)
        lines, _ = tk.html_tokens(text)
        joined = "\n".join(t.text for t in lines if t.kind == tk.LINE) + "\n"
        return PageView(
            TEXT,
            lines=tk.copy_lines(joined),
            note="the page has no table cells: its lines are shown as the parser read them",
        )
    return view


def _html_view(text: str) -> PageView | None:
    view = _marked(text)
    if view is not None and view.texts:
        return view
    if tk._TABLE_TAG.search(text):
        # the tokenizer's own fallback: tables libxml2 lost under thousands of wrappers
        flat = _marked(tk.unwrapped(text))
        if flat is not None and flat.texts:
            return flat
    return view


def _marked(text: str) -> PageView | None:
    markup, root, sheet = tk._read_tree(text)
    if root is None:
        return None
    styles = [tk._TEXT(s) for s in root.iter("style")]
    tk._shown_text_only(root, markup, sheet)
    lines_text = tk._lines_text(root, markup)
    segments = tk._segments(lines_text) if tk._HIDE_START in lines_text else [(lines_text, False)]
    kept = [
        not dropped for segment, dropped in segments for _ in range(segment.count(tk._TABLE_MARK))
    ]
    tables = tk._data_tables(root)
    for el in root.iter():
        if LOC_ATTRIBUTE in el.attrib:
            del el.attrib[LOC_ATTRIBUTE]  # the page's own: only the parser's places are marked
    view = PageView(HTML, root=root, styles=styles)
    if len(kept) != len(tables):
        # the text was written from another tree (libxslt refused this one): numbering the
        # tables here could differ from the parser's, so nothing is marked
        view.note = "the page's tables could not be numbered as the parser numbers them"
        return view
    number = 0
    for table, shown in zip(tables, kept, strict=True):
        if not shown:
            continue  # a hidden stale copy the parser leaves out: not counted
        number += 1
        _mark_table(table, number, view)
    for el in root.iter():
        # the line breaks the tokenizer put behind `</p>` and `</br>` (noncharacters, which a
        # browser may draw as boxes): not the page's text
        if el.text and tk._BREAK in el.text:
            el.text = el.text.replace(tk._BREAK, "")
        if el.tail and tk._BREAK in el.tail:
            el.tail = el.tail.replace(tk._BREAK, "")
    if view.unseen:
        said = tk._clean(" ".join(view.unseen.values()))
        view.note = (
            f"text in {len(view.unseen)} table cells that readers do not see (hidden, white or "
            f"of no size: '{said[:60]}') is left out of this view, as it is of the numbers"
        )
    return view


def _mark_table(table: etree._Element, number: int, view: PageView) -> None:
    """Number the rows and cells of one data table as the XSLT of the tokenizer writes them."""
    tr_no = 0
    td_no = 0
    for node in table.xpath(f".//tr | {tk._LOOSE_CELLS}"):
        if node.tag == "tr":
            tr_no += 1
            if tk._IS_HIDDEN_ROW(node):
                continue  # no reader sees the row; its number still counts
            for td_no, cell in enumerate((c for c in node if c.tag in ("td", "th")), start=1):
                _mark_cell(cell, number, tr_no, td_no, view)
            continue
        # a cell no <tr> holds: a browser opens a row for each run of them
        before = node.getprevious()
        if before is None or before.tag not in ("td", "th"):
            tr_no += 1
            td_no = 0
        td_no += 1
        _mark_cell(node, number, tr_no, td_no, view)


def _mark_cell(cell: etree._Element, table: int, tr: int, td: int, view: PageView) -> None:
    if tk._IS_HIDDEN_CELL(cell):
        return  # not shown; its place counts
    cell.set(LOC_ATTRIBUTE, f"{table}.{tr}.{td}")
    if unseen := tk.unseen_in_cell(cell):
        # taken out of the tree: the highlight paints the cell, and a white figure on it, or
        # one a page's style shows again, would be seen beside the number the parser read
        view.unseen[(table, tr, td)] = " ".join(tk._TEXT(element) for element in unseen)
        for element in unseen:
            _remove_keeping_tail(element)
    view.texts[(table, tr, td)] = tk._clean(tk._TEXT(cell).replace(tk._BREAK, ""))


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
