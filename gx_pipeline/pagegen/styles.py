"""Page styles: one generated page (bytes + truth) per call, with its defects recorded.

A style decides how the document is drawn (which renderer, which encoding, which structural
hazard); the defects every style may carry (label typos, header variants, blank markers,
units, headings, narrative, extra rows, broken identities) are drawn by `_page_options`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from gx_pipeline import contract
from gx_pipeline.pagegen import render_html, render_text
from gx_pipeline.pagegen.layout import (
    CUT,
    KOUJI,
    SECTION_HEADINGS,
    Document,
    GCell,
    LayoutOptions,
    Table,
    ValueFormat,
    build_document,
    keyed_cells,
    map_cells,
    map_tables,
    section_tables,
)
from gx_pipeline.pagegen.metadata import chinese_date, make_meta
from gx_pipeline.pagegen.truth import Truth, TruthCell
from gx_pipeline.pagegen.values import (
    BLANK_MODES,
    Values,
    blank,
    break_identity,
    failing_identities,
    generate,
)

STYLES: tuple[str, ...] = (
    "trs",  # TRS/CMS page with full chrome and the national merged grid
    "word",  # Word-exported HTML
    "nospan",  # exporter dropped every rowspan/colspan
    "split",  # section 二 split over one <table> per 第二十条 block
    "onetable",  # all three sections in one <table>
    "gbk",  # GBK bytes under a meta that says utf-8
    "gb18030",  # GB18030 bytes, no meta charset
    "pipe",  # text copy in the seed's form
    "celllines",  # text, one `x |` cell per line
    "blanklines",  # text, one cell per line, blank lines between
    "flipbook",  # flipbook/PDF text
    "truncated",  # ends in the middle of a table
    "images",  # tables pasted as images
    "colspan",  # header and data colspans disagree
    "unlabelled",  # one requests row lost its label
)
HTML_STYLES = frozenset(
    {"trs", "word", "nospan", "split", "onetable", "gbk", "gb18030", "images", "colspan"}
)
#: visible blank markers for forms where an empty cell cannot be drawn
_VISIBLE_NULLS = ("—", "/", "-")


@dataclass(frozen=True)
class GeneratedPage:
    name: str  # file stem
    ext: str  # ".html" or ".txt"
    data: bytes
    truth: Truth

    @property
    def filename(self) -> str:
        return self.name + self.ext


@dataclass(frozen=True)
class _Options:
    layout: LayoutOptions
    headings: dict[str, str]
    narrative: tuple[str, ...]
    defects: tuple[str, ...]
    flags: tuple[str, ...]


def _page_options(
    rng: random.Random, style: str, template: str, year: int, values: Values
) -> tuple[_Options, Values]:
    defects: list[str] = []
    flags: list[str] = []
    values = dict(values)
    has_null = any(v is None for v in values.values())

    visible = style in ("blanklines", "flipbook")
    null_text = (
        rng.choice(_VISIBLE_NULLS)
        if visible
        else rng.choice(("", "", "\u00a0", "—", "-", "/", "无"))
    )
    if has_null and null_text.strip():
        defects.append(f"null-marker:{null_text}")
    elif has_null and null_text == "\u00a0":
        defects.append("null-marker:&nbsp;")

    fullwidth = rng.random() < 0.12
    if fullwidth:
        defects.append("fullwidth-digits")
    thousands = rng.random() < 0.15
    if thousands:
        values[("proactive", "licensing", "decisions")] = rng.randint(1000, 9999)
        defects.append("thousands-separator:proactive.licensing.decisions")

    units: dict[str, str] = {}
    if template == "2019":
        unit = rng.choice(("万元", "万元", "元", "亿元", ""))
        key = ("proactive", "procurement", "amount")
        if unit == "亿元":
            values[key] = rng.randint(1, 800) * 100
        elif unit == "元" and values[key] == 0:
            values[key] = round(rng.uniform(1, 99), 1)
        units["procurement"] = unit
        if unit == "" and values[key]:
            defects.append("bare-procurement-amount")
            flags.append("proactive.procurement.amount")
        elif unit in ("元", "亿元"):
            defects.append(f"amount-unit:{unit}")
    else:
        unit = rng.choice(("", "", "", "万元", "元"))
        units["fees"] = unit
        if unit:
            defects.append(f"amount-unit:{unit}")

    labels: dict[str, str] = {}
    headers: dict[str, str] = {}
    if rng.random() < 0.12:
        labels["requests.withheld.internal_affairs"] = "5.属于三类内容事务信息"
        defects.append("label-typo:三类内容事务信息")
        flags.append("requests.withheld.internal_affairs")
    if rng.random() < 0.15:
        labels["requests.partially_granted"] = (
            "（二）部分公开（区分处理的，只计这一情况，不计其他情况）"
        )
        defects.append("label-variant:只计这一情况")
    if template == "2021" and rng.random() < 0.25:
        labels["proactive.normative_docs"] = "规范性文件"
        defects.append("label-variant:规范性文件-in-2021")
    if rng.random() < 0.15:
        labels["proactive.rules"] = "规 章"
        defects.append("label-space:规 章")
    if rng.random() < 0.25:
        headers["商业企业"] = rng.choice(("商业 企业", "商业\n企业"))
        headers["科研机构"] = "科研 机构"
        defects.append("header-split:商业 企业")
    if template == "2019":
        choice = rng.choice(("", "", "br", "cut"))
        if choice == "br":
            headers["本年新制作数量"] = "本年新\n制作数量"
            headers["本年新公开数量"] = "本年新\n公开数量"
            defects.append("header-linebreak:本年新制作数量")
        elif choice == "cut":
            headers["本年新制作数量"] = headers["本年新公开数量"] = "本年新"
            defects.append("header-truncated:本年新")
    else:
        if rng.random() < 0.25:
            headers["本年制发件数"] = f"本年({year})制发件数"
            defects.append("header-variant:本年(year)制发件数")
        variant = rng.choice(("", "", "现行有效件数（历史累计）", "现行有效件"))
        if variant:
            headers["现行有效件数"] = variant
            defects.append(f"header-variant:{variant}")

    if style == "word":
        # Word tables wrap long headers with manual line breaks, exported as <br>
        headers.setdefault("商业企业", "商业\n企业")
        headers.setdefault("法律服务机构", "法律服务\n机构")
        headers.setdefault("社会公益组织", "社会公益\n组织")
        defects.append("header-linebreak:word")
    corner = KOUJI if rng.random() < 0.7 else ""
    title_rows = rng.random() < 0.15
    if title_rows:
        defects.append("extra-title-rows")
    other_row = template == "2021" and rng.random() < 0.3
    if other_row:
        defects.append("requests.other-row-with-cells")

    headings: dict[str, str] = {}
    for section, options in SECTION_HEADINGS.items():
        headings[section] = rng.choice(options) if rng.random() < 0.3 else options[0]
        if headings[section] != options[0]:
            defects.append(f"heading-variant:{headings[section]}")
    narrative = tuple(s for s in contract.SECTIONS if rng.random() < 0.15)
    defects += [f"narrative-before-table:{s}" for s in narrative]

    layout = LayoutOptions(
        template=template,
        year=year,
        fmt=ValueFormat(
            null_text=null_text,
            fullwidth=fullwidth,
            thousands=thousands,
            pad=style == "blanklines" and rng.random() < 0.5,
            amount_units=units,
        ),
        labels=labels,
        headers=headers,
        fullwidth_parens=rng.random() < 0.6,
        corner=corner,
        title_rows=title_rows,
        other_row=other_row,
    )
    return _Options(layout, headings, narrative, tuple(defects), tuple(flags)), values


def _colspan_mismatch(table: Table) -> Table:
    """Section 二 with 信息内容 spanning two header columns and each first value two data ones."""
    if table.section != "proactive":
        return table
    rows = []
    for row in table.rows:
        if len(row) == 1:
            rows.append((replace(row[0], colspan=row[0].colspan + 1),))
        elif row[0].header:
            rows.append((replace(row[0], colspan=2),) + row[1:])
        else:
            rows.append((row[0], replace(row[1], colspan=row[1].colspan + 1)) + row[2:])
    return replace(table, rows=tuple(rows), width=table.width + 1)


_UNLABELLED_CANDIDATES = (
    "withheld.prohibited_by_law",
    "withheld.third_party",
    "withheld.process_info",
    "withheld.admin_query",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "not_processed.duplicate",
    "not_processed.excessive",
)


def _section_of(doc: Document) -> dict[int, str]:
    """Section of every cell position (tables mixing sections map by their keyed cells)."""
    out: dict[int, str] = {}
    pos = 0
    for block in doc.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    section = block.section or (cell.key[0] if cell.key else None)
                    if section:
                        out[pos] = section
                    pos += 1
    return out


def _truncate(rng: random.Random, doc: Document) -> tuple[Document, int, str]:
    """Mark a cut inside one cell of a table; returns (document, cut position, section)."""
    section = rng.choice(("proactive", "requests", "requests", "requests", "appeals"))
    sections = _section_of(doc)
    candidates: list[tuple[int, GCell]] = []

    def collect(pos: int, cell: GCell) -> GCell:
        if sections.get(pos) == section and (cell.key or cell.label_of) and cell.text.strip():
            # never cut in the section's first rows: a parser must still see the table start
            candidates.append((pos, cell))
        return cell

    map_cells(doc, collect)
    pos, cell = rng.choice(candidates[len(candidates) // 5 :])
    text = cell.text.rstrip()
    k = rng.randint(1, len(text)) if cell.key else rng.randint(1, max(1, len(text) - 1))
    marked = map_cells(doc, lambda p, c: replace(c, text=text[:k] + CUT) if p == pos else c)
    return marked, pos, section


def _render(style: str, base: str, doc: Document, rng: random.Random) -> tuple[str, str]:
    """(text, extension) of the document in a base rendering."""
    charset = None if style == "gb18030" else "utf-8"
    spans = style != "nospan"
    if base == "trs":
        page = render_html.trs_page(
            doc, rng, meta_charset=charset, spans=spans, images=style == "images"
        )
        return page, ".html"
    if base == "simple":
        return render_html.simple_page(doc, rng, meta_charset=charset, spans=spans), ".html"
    if base == "word":
        return render_html.word_page(doc), ".html"
    if base == "pipe":
        return render_text.pipe_rows(doc, rng), ".txt"
    if base == "celllines":
        return render_text.cell_lines(doc, rng), ".txt"
    if base == "blanklines":
        return render_text.blank_lines(doc, rng), ".txt"
    if base == "flipbook":
        return render_text.flipbook(doc, rng), ".txt"
    raise ValueError(base)


def _base_of(style: str, rng: random.Random) -> str:
    if style in ("word", "pipe", "celllines", "blanklines", "flipbook"):
        return style
    if style == "truncated":
        return rng.choice(("trs", "pipe", "celllines"))
    if style in ("unlabelled",):
        return rng.choice(("trs", "simple", "pipe"))
    if style in ("trs", "images"):
        return "trs"
    return rng.choice(("trs", "simple"))


def make_page(
    rng: random.Random,
    *,
    index: int,
    style: str,
    year: int,
    template: str,
    blank_mode: str | None = None,
    break_identity_id: str | None = None,
    name: str | None = None,
    counties: Sequence[str] | None = None,
) -> GeneratedPage:
    """Generate one page of `style` for report `year` in format `template`, with its truth;
    its agency is of one of `counties` (default: the generator's own 20)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    title_year = rng.random() >= 0.1
    meta = make_meta(rng, year, title_year=title_year, counties=counties)
    if not title_year:
        meta = replace(meta, date_place="chrome")
    values = generate(rng, template)
    if break_identity_id:
        blank_mode = "none"
    elif blank_mode is None:
        blank_mode = rng.choices(BLANK_MODES, (5, 2, 2, 2))[0]
    values = blank(rng, values, blank_mode)
    broken: tuple[str, ...] = ()
    if break_identity_id:
        values = break_identity(rng, values, break_identity_id)
        broken = failing_identities(values, template)

    opts, values = _page_options(rng, style, template, year, values)
    defects = list(opts.defects)
    flags = list(opts.flags)
    if blank_mode != "none":
        defects.insert(0, f"blank:{blank_mode}")
    if broken:
        defects.append("broken-identity:" + ",".join(broken))
    if template == "2019" and year >= 2021:
        defects.append("late-adopter-2019-format")
    if not title_year:
        defects.append("title-without-year")
        flags.append("meta.year")

    tables = section_tables(opts.layout, values, split_proactive=style == "split")
    doc = build_document(
        rng,
        meta,
        tables,
        values,
        title_year=title_year,
        headings=opts.headings,
        narrative=opts.narrative,
        one_table=style == "onetable",
    )
    if style == "colspan":
        doc = map_tables(doc, _colspan_mismatch)
        defects.append("colspan-mismatch:proactive")
    if style == "unlabelled":
        code = rng.choice(_UNLABELLED_CANDIDATES)
        doc = map_cells(doc, lambda p, c: replace(c, text="") if c.label_of == code else c)
        defects.append(f"unlabelled-row:requests.{code}")
        flags.append(f"requests.{code}")

    cut_pos: int | None = None
    cut_section = ""
    if style == "truncated":
        doc, cut_pos, cut_section = _truncate(rng, doc)
        defects.append(f"truncated-in:{cut_section}")
        flags.append(cut_section)

    base = _base_of(style, rng)
    text, ext = _render(style, base, doc, rng)
    if cut_pos is not None:
        text = text[: text.index(CUT)]
        defects.append(f"truncated-render:{base}")

    if style == "gbk":
        data = text.encode("gbk")
        defects.append("encoding:gbk-meta-utf-8")
    elif style == "gb18030":
        data = text.encode("gb18030")
        defects.append("encoding:gb18030-no-meta")
    else:
        data = text.encode("utf-8")

    cells: list[TruthCell] = []
    complete = dict.fromkeys(contract.SECTIONS, True)
    for key, pos in keyed_cells(doc):
        if cut_pos is not None and pos >= cut_pos:
            complete[key[0]] = False
            continue
        cells.append(TruthCell(*key, values.get(key)))
    if cut_pos is not None:
        # a flag about a row the cut removed cannot be raised: keep flags whose rows remain
        kept_rows = {f"{c.section}.{c.row}" for c in cells}
        flags = [
            f
            for f in flags
            if f.startswith("meta.")
            or f in contract.SECTIONS
            or ".".join(f.split(".")[:-1]) in kept_rows
            or f in kept_rows
        ]
    template_truth: str | None = template
    error: str | None = None
    if style == "images":
        cells = []
        complete = dict.fromkeys(contract.SECTIONS, False)
        template_truth = None
        error = "no tables"
        flags = [f for f in flags if f.startswith("meta.")]
    published = meta.published.isoformat()
    if published not in text and chinese_date(meta.published) not in text:
        published = None  # the date was cut off with the end of the page
    stem = name or f"gen-{index:04d}-{style}-{year}"
    truth = Truth(
        source=stem + ext,
        agency=meta.agency,
        year=year,
        published=published,
        template=template_truth,
        cells=tuple(cells),
        style=style,
        defects=tuple(defects),
        complete=complete,
        broken_identities=failing_identities(
            {(c.section, c.row, c.col): c.value for c in cells}, template
        ),
        expect_flags=tuple(dict.fromkeys(flags)),
        expect_error_contains=error,
    )
    return GeneratedPage(stem, ext, data, truth)
