"""Copies of a page made by everyday tools, generated from pages whose numbers are known: a
browser's select-all and copy (Firefox, Chrome), Word's 'save as plain text', a WeChat
article, a Traditional Chinese mirror, text whose only separators are ideographic or no-break
spaces, lines wrapped by a mail client or a terminal, labels set vertically.

Each family is drawn over both format versions; a number the copy leaves uncertain may be
withheld (the report then needs review), never read wrong without a flag."""

from __future__ import annotations

import random

import pytest

from gx_pipeline.pagegen import render_text
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_generated_hazards import FORMATS, _differences, _document

# --- the editor's invisible characters inside labels and numbers ------------------------------


@pytest.mark.parametrize("char", render_text.INVISIBLE)
def test_an_invisible_character_inside_a_label_or_a_number_is_read_through(char: str):
    """A WeChat or web editor leaves zero-width spaces, non-joiners, BOMs, soft hyphens and
    word joiners inside words and figures, where nobody sees them: 信息\u00ad内容 is 信息内容,
    1\u200c2 in one cell is 12 (a cell's separator is a TAB or a line, which they are not)."""
    for k in range(20):
        template, year = FORMATS[k % len(FORMATS)]
        rng = random.Random(f"invisible:{ord(char)}:{k}")
        doc, values = _document(rng, template, year)
        lines = []
        for line in render_text.tab_rows(doc, rng, trimmed=False).split("\n"):
            cells = line.split("\t")
            for i, cell in enumerate(cells):
                if len(cell) > 1 and rng.random() < 0.5:
                    at = rng.randrange(1, len(cell))
                    cells[i] = cell[:at] + char + cell[at:]
            lines.append("\t".join(cells))
        got = parse_bytes("\n".join(lines).encode("utf-8"), "page.txt")
        assert _differences(got, doc, values) == {}, k
