"""Section 四 with a column the template lacks drawn inside the table: a blank heading over it in
the header rows (the band over it one column wider) and a figure or nothing in the value row,
so the single row holds 16 cells where the table has 15. Where the row's first cell is blank,
the extra cell was taken for an empty field in front of the row (a grid export's label
column) and dropped, and every value between the row's start and the extra column was read a
column off with no flag (a mutation attack on generated pages: 5 pages of 260 wrong and
unflagged, web pages and text copies). The extra cell may stand anywhere; the row is read in
the template's order only where the sums of its groups say so, never by a guess."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from gx_pipeline.pagegen.layout import GCell, Table
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests import stacked_hazards as S

PAGES = 6


def _grid(table: Table) -> dict[tuple[int, int], int]:
    """(row, column) -> id of the cell standing there, spans laid out as a browser lays them."""
    taken: dict[tuple[int, int], int] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.setdefault((r + dr, c + dc), id(cell))
            c += cell.colspan
    return taken


def column_inserted(table: Table, at: int, figure: str) -> Table:
    """`table` with a column before grid column `at` (or after the last): a blank cell in each
    row that draws one there, a cell spanning across it one column wider, `figure` in the rows
    of values."""
    taken = _grid(table)
    rows = []
    for r, row in enumerate(table.rows):
        value_row = any(c.key is not None for c in row)
        new: list[GCell] = []
        done = False
        c = 0
        for cell in row:
            while (r, c) in taken and taken[(r, c)] != id(cell):
                c += 1
            if not done and c < at < c + cell.colspan:
                cell = replace(cell, colspan=cell.colspan + 1)
                done = True
            elif not done and c >= at:
                new.append(GCell(figure if value_row else "", header=cell.header))
                done = True
            new.append(cell)
            c += cell.colspan
        if not done and (r, at) not in taken:
            new.append(GCell(figure if value_row else ""))
        rows.append(tuple(new))
    return replace(table, rows=tuple(rows), width=table.width + 1)


def _page(seed: str, rendering: str, figure: bool):
    rng = random.Random(seed)
    template, year = rng.choice(S.gh.FORMATS)
    p = S.Page(rng, template, year, rendering in S.WEB)
    # the row's first cell blank: 行政复议 结果维持 none (its total the others' sum)
    upheld, total = ("appeals", "review", "upheld"), ("appeals", "review", "total")
    p.values[total] = (p.values.get(total) or 0) - (p.values.get(upheld) or 0) or None
    p.values[upheld] = None
    at = rng.randint(1, 15)
    extra = str(rng.randint(1, 40)) if figure else ""
    p.table_changes.append(lambda: p.tables("appeals", lambda t: column_inserted(t, at, extra)))
    p.build()
    return (*S.drawn(p, rendering), p.doc, p.values)


@pytest.mark.parametrize("figure", [True, False], ids=["figure", "blank"])
@pytest.mark.parametrize("rendering", [*S.WEB, *S.COPIES])
def test_a_column_the_template_lacks_inside_section_four_reads_no_value_a_column_off(
    rendering: str, figure: bool
) -> None:
    """Every value read is the one its header stands over; values not read are flagged."""
    got = {}
    for k in range(PAGES):
        data, name, doc, values = _page(
            f"appeals-extra:{rendering}:{figure}:{k}", rendering, figure
        )
        outcome, wrong, _ = S.judge(parse_bytes(data, name), doc, values)
        if outcome not in ("right", "withheld+flag"):
            got[k] = (outcome, {"/".join(key[1:]): v for key, v in wrong.items()})
    assert got == {}
