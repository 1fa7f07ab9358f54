"""A heading left blank in a cell-a-line copy (`x |` a line, a lone `|` for an empty cell,
the grid positions a row's merged cells cover as bars after the row): the blank heading
between two others reads as a merged heading's covered position written in its place, and a
copy that writes covered positions in place leaves a label's covered position in front of a
row's values. A row of a cell more than the columns, blank at both ends, was then withheld
(its first blank a covered position, or a value?), though the copy's other rows tell its way:
a row of a cell more that opens with a number has its covered position behind it. Where the
rows show that, and none shows the other way, the rows blank at both ends are read from their
first cell."""

from __future__ import annotations

import random

from gx_pipeline.pagegen import render_text
from gx_pipeline.pagegen.layout import Table
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_generated_hazards import (
    _HEADINGS,
    FORMATS,
    _differences,
    _document,
    _headings_as,
    _requests_table,
)


def _behind_shown(doc) -> bool:
    """Whether the copy shows a row a filler behind it (one covered position) that opens
    with a number: the covered position stands behind that row, not in front."""
    for block in doc.blocks:
        if isinstance(block, Table) and block.section == "requests":
            for row in block.rows:
                values = [c for c in row if c.key]
                if values and block.width - len(row) == 1 and values[0].text.strip():
                    return True
    return False


def test_rows_blank_at_both_ends_are_read_where_the_copy_shows_its_fillers_behind():
    codes = list(_HEADINGS)
    shown = 0
    for k in range(140):
        rng = random.Random(f"blank-heading-celllines:{k}")
        template, year = FORMATS[k % len(FORMATS)]
        doc, values = _document(rng, template, year)
        blank = [codes[k % 7]] if k % 4 else [codes[k % 7], codes[(k + 2) % 7]]
        doc = _requests_table(doc, lambda t, b=blank: _headings_as(t, dict.fromkeys(b, "")))
        got = parse_bytes(render_text.cell_lines(doc, rng).encode("utf-8"), "page.txt")
        wrong = {k: v for k, v in _differences(got, doc, values).items() if v[1] != "absent"}
        assert wrong == {}, (k, blank)
        if _behind_shown(doc):
            shown += 1
            assert _differences(got, doc, values) == {}, (k, blank)
    assert shown >= 20
