"""Hazard families on generated pages: each test draws many pages of one family (the page
generator's values, agencies and renderings; both format versions; HTML and text copies) and
asserts every cell the page shows, so a value under the wrong row or column fails it.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline import contract
from gx_pipeline.pagegen import render_html, render_text
from gx_pipeline.pagegen.layout import (
    KOUJI,
    Document,
    LayoutOptions,
    Para,
    Table,
    ValueFormat,
    build_document,
    keyed_cells,
    map_cells,
    section_tables,
)
from gx_pipeline.pagegen.metadata import make_meta
from gx_pipeline.pagegen.values import blank, generate
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.report import Report

RENDERINGS = {
    "trs": lambda doc, rng: (render_html.trs_page(doc, rng), ".html"),
    "trs-nospan": lambda doc, rng: (render_html.trs_page(doc, rng, spans=False), ".html"),
    "word": lambda doc, rng: (render_html.word_page(doc), ".html"),
    "pipe": lambda doc, rng: (render_text.pipe_rows(doc, rng), ".txt"),
    "celllines": lambda doc, rng: (render_text.cell_lines(doc, rng), ".txt"),
}
#: (format, report year): late adopters keep the 2019 format after 2020
FORMATS = (("2019", 2019), ("2019", 2020), ("2019", 2023), ("2021", 2021), ("2021", 2025))


def _document(rng: random.Random, template: str, year: int, **layout) -> tuple[Document, dict]:
    values = blank(rng, generate(rng, template), rng.choice(("none", "zeros_blank", "sparse")))
    opts = LayoutOptions(
        template=template,
        year=year,
        fmt=ValueFormat(null_text=rng.choice(("", "—", "/"))),
        corner=KOUJI if rng.random() < 0.7 else "",
        **layout,
    )
    doc = build_document(rng, make_meta(rng, year), section_tables(opts, values), values)
    return doc, values


def _read(doc: Document, rendering: str, rng: random.Random) -> Report:
    text, ext = RENDERINGS[rendering](doc, rng)
    return parse_bytes(text.encode("utf-8"), f"page{ext}")


def _differences(got: Report, doc: Document, values: dict) -> dict:
    """Truth cells read otherwise, and numbers emitted for cells the page does not show."""
    read = {(c.section, c.row, c.col): c.value for c in got.cells}
    shown = {key for key, _ in keyed_cells(doc)}
    out = {k: (values.get(k), read.get(k, "absent")) for k in shown if read.get(k) != values[k]}
    out |= {k: (None, v) for k, v in read.items() if k not in shown and v is not None}
    return out


# --- a unit note between a heading and its table ---------------------------------------------


@pytest.mark.parametrize(
    "note", ["单位：件", "（单位：件）", "单位:件", "计量单位：件", "单位：件、万元", "单位：个"]
)
@pytest.mark.parametrize("rendering", sorted(RENDERINGS))
def test_a_unit_note_over_the_requests_table_is_no_applicant_column(note: str, rendering: str):
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"unit-note:{note}:{rendering}:{k}")
        doc, values = _document(rng, template, year, title_rows=rng.random() < 0.3)
        blocks: list = []
        for block in doc.blocks:
            if isinstance(block, Table) and block.section == "requests":
                blocks.append(Para(note))
            blocks.append(block)
        doc = replace(doc, blocks=tuple(blocks))
        got = _read(doc, rendering, rng)
        assert _differences(got, doc, values) == {}, (template, year)
        assert not any("columns the template lacks" in p for p in got.problems)
