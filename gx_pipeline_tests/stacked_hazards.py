"""Several hazards on one page: a generated page (its values the truth) with two or three
hazards drawn from different families of docs/HAZARDS.md stacked on it (a column after 总计
and a row without its label and no colspans; a stale hidden row and a portal's frame and
thousands separators…), drawn as a web page or a text copy.

Each family's hazards are tested alone elsewhere; a page meets them together, and one
hazard's repair may be what another hazard undoes. `judge` sorts a page's reading into right,
withheld and said, withheld unsaid, wrong and said, wrong unsaid.
"""

from __future__ import annotations

import random
from dataclasses import replace

from gx_pipeline.pagegen import render_html, render_text
from gx_pipeline.pagegen.layout import (
    KOUJI,
    Document,
    GCell,
    LayoutOptions,
    Para,
    Table,
    ValueFormat,
    build_document,
    footnote_marks,
    keyed_cells,
    map_cells,
    map_tables,
    org_subtotal_column,
    section_tables,
    serial_column,
)
from gx_pipeline.pagegen.metadata import make_meta
from gx_pipeline.pagegen.styles import _UNLABELLED_CANDIDATES
from gx_pipeline.pagegen.values import blank, generate
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.report import Report
from gx_pipeline_tests import test_generated_hazards as gh
from gx_pipeline_tests import test_requests_alignment as ra
from gx_pipeline_tests.portal_themes import FRAMES, in_portal, portal_sheet
from gx_pipeline_tests.test_cell_markup import _with_stale_copy

WEB = ("trs", "trs-nospan", "word")
COPIES = ("pipe", "celllines", "md-repeat", "md-blank", "tabs", "blanklines")

_HEADER_BREAKS = {
    "商业企业": "商业\n企业",
    "法律服务机构": "法律服务\n机构",
    "社会公益组织": "社会公益\n组织",
    "本年新制作数量": "本年新\n制作数量",
    "本年新公开数量": "本年新\n公开数量",
    "本年制发件数": "本年\n制发件数",
}


class Page:
    """A page being drawn: its document, its values, how it is written (layout options before
    the document is built, then its rendering's switches)."""

    def __init__(self, rng: random.Random, template: str, year: int, web: bool):
        self.rng, self.template, self.year, self.web = rng, template, year, web
        self.values = blank(rng, generate(rng, template), rng.choice(("none", "zeros_blank")))
        self.layout: dict = {}
        self.fmt: dict = {"null_text": rng.choice(("", "—", "/"))}
        self.doc: Document | None = None
        self.spans = True
        self.css: list[str] = []
        self.stale = False
        self.frame: str | None = None
        self.one_table = False
        self.table_changes: list = []

    def build(self) -> None:
        opts = LayoutOptions(
            template=self.template,
            year=self.year,
            fmt=ValueFormat(**self.fmt),
            corner=KOUJI if self.rng.random() < 0.7 else "",
            **self.layout,
        )
        self.sections = section_tables(opts, self.values)
        for change in self.table_changes:
            change()
        self.doc = build_document(
            self.rng,
            make_meta(self.rng, self.year),
            self.sections,
            self.values,
            one_table=self.one_table,
        )
        if self.one_table:
            # (one table is as wide as its widest section: 四's fifteen, or one more for a
            # column drawn before its labels)
            wide = max(t.width for ts in self.sections.values() for t in ts)
            self.doc = map_tables(self.doc, lambda t: replace(t, width=max(t.width, wide)))

    def tables(self, section: str, fn) -> None:
        """A change of a section's table(s), made before the tables go on the page."""
        self.sections[section] = [fn(t) for t in self.sections[section]]


# --- the hazards, by family: (applies before the document is built, or after) ---------------


def _thousands(p: Page) -> None:
    for row in ("licensing", "penalty", "coercion"):
        key = ("proactive", row, "decisions")
        if key in p.values:
            p.values[key] = p.rng.randint(1000, 99999)
    p.fmt["thousands"] = True


def _fullwidth(p: Page) -> None:
    p.fmt["fullwidth"] = True


def _header_breaks(p: Page) -> None:
    p.layout["headers"] = {**p.layout.get("headers", {}), **_HEADER_BREAKS}


def _header_spaces(p: Page) -> None:
    p.layout["headers"] = {
        **p.layout.get("headers", {}),
        "商业企业": "商业 企业",
        "科研机构": "科研 机构",
    }


def _title_rows(p: Page) -> None:
    p.layout["title_rows"] = True


def _one_table(p: Page) -> None:
    p.one_table = True


def _unit_row(p: Page) -> None:
    note = p.rng.choice(("单位：件", "（单位：件）", "计量单位：件"))
    p.tables(
        "requests",
        lambda t: replace(t, rows=((GCell(note, colspan=t.width, header=True),),) + t.rows),
    )


def _footnotes(p: Page) -> None:
    marks = p.rng.choice((("¹", "²", "③"), ("*",), ("①", "②")))
    p.doc = map_tables(p.doc, lambda t: footnote_marks(t, p.rng, marks, 0.2))


def _negative(p: Page) -> None:
    minus = p.rng.choice(("-", "－", "\u2212", "—"))
    changed = {}
    for key in p.values:
        if key[0] == "proactive" and key[2] == "change" and p.rng.random() < 0.6:
            changed[key] = p.values[key] = -p.rng.randint(1, 2000)

    def signed(pos: int, c: GCell) -> GCell:
        if c.key in changed:
            return replace(c, text=f"{minus}{-changed[c.key]}")
        return c

    p.doc = map_cells(p.doc, signed)


def _total_blank(p: Page) -> None:
    """总计 left blank on every row of the requests table."""
    for key in list(p.values):
        if key[0] == "requests" and key[2] == "total":
            p.values[key] = None
    p.doc = map_cells(
        p.doc,
        lambda pos, c: replace(c, text="") if c.key and c.key[:3:2] == ("requests", "total") else c,
    )


def _total_misprinted(p: Page) -> None:
    """One row's 总计 misprinted (a report's own slip: one more or less than its applicants'
    sum, or a digit off), the rest as drawn; the page's figure is the truth."""
    rows = [k for k in p.values if k[0] == "requests" and k[2] == "total" and p.values[k]]
    if not rows:
        return
    key = p.rng.choice(sorted(rows))
    p.values[key] += p.rng.choice((1, -1, 10))
    text = str(p.values[key])
    p.doc = map_cells(p.doc, lambda pos, c: replace(c, text=text) if c.key == key else c)


_REMARKS = ("remarks-empty", "remarks-nullmark", "remarks-words", "notes-mixed")


def _trailing(p: Page, kinds: tuple[str, ...] = tuple(sorted(ra._TRAILING))) -> None:
    heading, cell = ra._TRAILING[p.rng.choice(kinds)]
    p.tables("requests", lambda t: ra._with_trailing(t, heading, cell, p.rng))


def _np_two_wide(p: Page) -> None:
    how = p.rng.choice(("span", "cell"))
    p.tables("requests", lambda t: ra._natural_person_two_wide(t, how))


def _swapped(p: Page) -> None:
    """Two of the group's columns drawn the other way round, headings and values (a heading
    written over two lines or with a space in it is still its column's)."""
    a, b = p.rng.sample(gh._ORG, 2)

    def at(row: tuple, code: str) -> list[int]:
        return [
            k
            for k, c in enumerate(row)
            if (c.key is not None and c.key[2] == code)
            or (c.header and "".join(c.text.split()) == gh._HEADINGS[code])
        ]

    def swap(t: Table) -> Table:
        rows = []
        for row in t.rows:
            cells, i, j = list(row), at(row, a), at(row, b)
            if len(i) == 1 and len(j) == 1:
                cells[i[0]], cells[j[0]] = cells[j[0]], cells[i[0]]
            rows.append(tuple(cells))
        return replace(t, rows=tuple(rows))

    p.tables("requests", swap)


def _subtotal(p: Page) -> None:
    p.tables("requests", lambda t: org_subtotal_column(t, p.values))


def _serial(p: Page) -> None:
    p.tables(p.rng.choice(("requests", "appeals")), serial_column)


def _unlabelled(p: Page) -> None:
    code = p.rng.choice(_UNLABELLED_CANDIDATES)
    p.doc = map_cells(p.doc, lambda pos, c: replace(c, text="") if c.label_of == code else c)


def _rows_swapped(p: Page) -> None:
    """Two rows of the requests table drawn the other way round (each with its label)."""

    def swap(t: Table) -> Table:
        rows = list(t.rows)
        plain = [
            i
            for i, row in enumerate(rows)
            if row[0].label_of and row[0].rowspan == 1 and any(c.key for c in row)
        ]
        by_span: dict[int, list[int]] = {}
        for i in plain:
            by_span.setdefault(rows[i][0].colspan, []).append(i)
        pairs = [v for v in by_span.values() if len(v) >= 2]
        if not pairs:
            return t
        i, j = p.rng.sample(p.rng.choice(pairs), 2)
        rows[i], rows[j] = rows[j], rows[i]
        return replace(t, rows=tuple(rows))

    p.tables("requests", swap)


def _split(p: Page) -> None:
    """A table split over two: the rows after a cut in a table of their own."""
    section = p.rng.choice(("requests", "appeals", "proactive"))
    blocks = []
    for b in p.doc.blocks:
        if isinstance(b, Table) and b.section == section and len(b.rows) > 4:
            valued = [i for i, row in enumerate(b.rows) if any(c.key for c in row)]
            cuts = [i for i in valued[1:] if all(c.rowspan == 1 for r in b.rows[:i] for c in r)]
            cuts = cuts or [
                i
                for i in valued[1:]
                if all(k + c.rowspan <= i for k, r in enumerate(b.rows[:i]) for c in r)
            ]
            if cuts:
                at = p.rng.choice(cuts)
                blocks += [replace(b, rows=b.rows[:at]), replace(b, rows=b.rows[at:])]
                continue
        blocks.append(b)
    p.doc = replace(p.doc, blocks=tuple(blocks))


def _appeals_first(p: Page) -> None:
    """Section 四 (its heading and table) drawn before section 三."""
    blocks = list(p.doc.blocks)
    starts = {
        s: next(
            (
                i
                for i, b in enumerate(blocks)
                if isinstance(b, Para) and b.kind == "heading" and h in b.text
            ),
            None,
        )
        for s, h in (("requests", "申请情况"), ("appeals", "行政复议"))
    }
    a, b = starts["requests"], starts["appeals"]
    if a is None or b is None or b < a:
        return
    end = next(
        (
            i
            for i in range(b + 1, len(blocks))
            if isinstance(blocks[i], Para) and blocks[i].kind == "heading"
        ),
        len(blocks),
    )
    p.doc = replace(p.doc, blocks=tuple(blocks[:a] + blocks[b:end] + blocks[a:b] + blocks[end:]))


def _nospan(p: Page) -> None:
    p.spans = False


def _stale_row(p: Page) -> None:
    p.stale = True
    p.css.append(
        p.rng.choice(
            (".old {display:none}", "tr.old {visibility:hidden}", "[data-x] {display:none}")
        )
    )


def _portal(p: Page) -> None:
    p.frame = p.rng.choice(sorted(FRAMES))


#: family -> hazard -> (stage, the change, web pages only?); stages: 0 layout options, 1 a
#: section's tables, 2 the document's cells, 3 the document's blocks
FAMILIES: dict[str, dict[str, tuple[bool, object, bool]]] = {
    "columns": {
        "column after 总计": (1, _trailing, False),
        # (备注 or 说明: 无, /, 含网上申请 or blank on each row)
        "remarks after 总计": (1, lambda p: _trailing(p, _REMARKS), False),
        "自然人 two wide": (1, _np_two_wide, False),
        "总计 left blank": (2, _total_blank, False),
        "two columns swapped": (1, _swapped, False),
        "小计 column": (1, _subtotal, False),
        "序号 column": (1, _serial, False),
    },
    "rows": {
        "row without label": (2, _unlabelled, False),
        "rows in another order": (1, _rows_swapped, False),
        "title row": (0, _title_rows, False),
        "unit row": (1, _unit_row, False),
    },
    "values": {
        "thousands": (0, _thousands, False),
        "fullwidth": (0, _fullwidth, False),
        "footnote marks": (2, _footnotes, False),
        "negative signs": (2, _negative, False),
    },
    "header": {
        "header <br>": (0, _header_breaks, False),
        "header spaces": (0, _header_spaces, False),
    },
    "tables": {
        "split table": (3, _split, False),
        "四 before 三": (3, _appeals_first, False),
        "one table": (0, _one_table, False),
    },
    "markup": {
        "no colspans": (2, _nospan, True),
        "stale hidden row": (2, _stale_row, True),
        "portal frame": (2, _portal, True),
    },
}
HAZARDS = {name: spec for family in FAMILIES.values() for name, spec in family.items()}
#: slips of a report's own, not drawn among the families' hazards
HAZARDS["总计 misprinted"] = (2, _total_misprinted, False)
_FAMILY_OF = {name: family for family, names in FAMILIES.items() for name in names}


def draw_hazards(rng: random.Random, web: bool, count: int) -> tuple[str, ...]:
    families = [f for f in FAMILIES if web or any(not s[2] for s in FAMILIES[f].values())]
    names = []
    for family in rng.sample(families, count):
        names.append(rng.choice([n for n, s in FAMILIES[family].items() if web or not s[2]]))
    return tuple(sorted(names))


def _web_page(p: Page, rendering: str) -> bytes:
    stale: dict[str, Table] = {}
    if p.stale:
        old = Page(random.Random(p.rng.random()), p.template, p.year, True)
        old.build()
        stale = {b.section: b for b in old.doc.blocks if isinstance(b, Table)}
    word = rendering == "word"
    spans = p.spans and rendering != "trs-nospan"
    parts = [f"<html><head><title>{p.doc.meta.title}</title></head><body>"]
    first = True
    for block in p.doc.blocks:
        if isinstance(block, Para):
            parts.append(render_html._para(block, word))
            continue
        markup = render_html.html_table(
            block, spans=spans, cell_html=render_html.word_cell if word else render_html.plain_cell
        )
        if stale and block.section in stale and first:
            old = render_html.html_table(stale[block.section])
            markup = _with_stale_copy(markup, old, "row", 'class="old" data-x="1"', p.rng)
            first = False
        parts.append(markup)
    parts.append("</body></html>")
    page = "\n".join(parts).encode("utf-8")
    css = "\n".join(p.css)
    if p.frame:
        return in_portal(page, (portal_sheet(p.rng) + "\n" + css).strip(), p.frame)
    if css:
        page = page.replace(b"</title>", f"</title><style>{css}</style>".encode(), 1)
    return page


def stacked_page(
    rng: random.Random, template: str, year: int, names: tuple[str, ...], rendering: str
) -> tuple[bytes, str, Document, dict]:
    """(bytes, file name, document, values) of a page with the hazards `names` stacked."""
    p = Page(rng, template, year, rendering in WEB)
    for name in names:
        stage, change, _ = HAZARDS[name]
        if stage == 0:
            change(p)
        elif stage == 1:
            p.table_changes.append(lambda change=change: change(p))
    p.build()
    for at in (2, 3):
        for name in names:
            if HAZARDS[name][0] == at:
                HAZARDS[name][1](p)
    return (*drawn(p, rendering), p.doc, p.values)


def drawn(p: Page, rendering: str) -> tuple[bytes, str]:
    """(bytes, file name) of a built page drawn in `rendering` (a web page's or a copy's)."""
    if rendering in WEB:
        return _web_page(p, rendering), "page.html"
    text, ext = ra.RENDERINGS.get(rendering, _COPY_RENDERINGS.get(rendering))(p.doc, p.rng)
    return text.encode("utf-8"), f"page{ext}"


_COPY_RENDERINGS = {
    "blanklines": lambda doc, rng: (render_text.blank_lines(doc, rng), ".txt"),
}


def judge(got: Report, doc: Document, values: dict) -> tuple[str, dict, dict]:
    """(outcome, wrong numbers, numbers not read): the outcome one of right, withheld+flag,
    withheld-unsaid, wrong+flag, wrong-unsaid."""
    truth = {k: values.get(k) for k, _ in keyed_cells(doc)}
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    wrong = {k: (truth.get(k), v) for k, v in read.items() if v is not None and v != truth.get(k)}
    missing = {k: v for k, v in truth.items() if v is not None and read.get(k) is None}
    flagged = ra._flagged(got)
    if wrong:
        return ("wrong+flag" if flagged else "wrong-unsaid"), wrong, missing
    if missing:
        return ("withheld+flag" if flagged else "withheld-unsaid"), wrong, missing
    return "right", wrong, missing


def read_stacked(
    seed: str, names: tuple[str, ...] | None = None, web: bool = True, count: int = 2
) -> tuple[tuple[str, ...], str, Report, Document, dict]:
    rng = random.Random(seed)
    template, year = rng.choice(gh.FORMATS)
    names = names or draw_hazards(rng, web, count)
    rendering = rng.choice(WEB if web else COPIES)
    data, name, doc, values = stacked_page(rng, template, year, names, rendering)
    return names, rendering, parse_bytes(data, name), doc, values
