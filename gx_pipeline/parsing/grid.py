"""An HTML table's cells laid out on its grid, as a browser lays them out.

The reader places values by their order among a row's cells, not by grid positions (exporters
drop or add spans). Where a table's value cells do span, though, a row under a cell merged down
over it shows fewer cells than columns, and which of its columns the merged cell fills is told
only by the spans: `lay_out` gives each cell's column and, for each position a cell from a row
above covers, that cell. The caller decides whether the grid is regular enough to trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from gx_pipeline.parsing.tokens import Token


@dataclass(frozen=True)
class Grid:
    #: (tr, td) of each cell: the first grid column it stands in
    column: dict[tuple[int, int], int]
    #: (tr, grid column) of each position a cell from a row above covers: that cell
    covered_by: dict[tuple[int, int], Token]
    #: each row's grid columns, its own cells' and the covered ones
    filled: dict[int, set[int]]


def lay_out(cells: list[Token]) -> Grid | None:
    """The grid of one HTML table's cells (their tokens, in the page's order). None where the
    spans cannot be laid out for certain: a rowspan of 0 (to the end of the table's part, which
    the tokens do not tell), one reaching over a row the page does not show (hidden, or a row
    without cells), or cells drawn over each other."""
    rows: dict[int, list[Token]] = {}
    for tok in cells:
        if tok.tr is None or tok.td is None:
            return None
        rows.setdefault(tok.tr, []).append(tok)
    last = max(rows, default=0)
    occupied: dict[tuple[int, int], Token] = {}
    column: dict[tuple[int, int], int] = {}
    filled: dict[int, set[int]] = {tr: set() for tr in rows}
    covered_by: dict[tuple[int, int], Token] = {}
    for tr in sorted(rows):
        at = 0
        own = filled[tr]
        for tok in rows[tr]:
            while (tr, at) in occupied:
                at += 1
            column[(tr, tok.td)] = at  # type: ignore[index]
            if tok.rowspan == 1 and tok.colspan == 1:
                # most cells: the one free position the loop above found
                occupied[(tr, at)] = tok
                own.add(at)
                at += 1
                continue
            if tok.rowspan == 0:
                return None
            reach = range(tr, min(tr + tok.rowspan, last + 1))
            if any(r not in rows for r in reach):
                return None
            for r in reach:
                for c in range(at, at + tok.colspan):
                    if (r, c) in occupied:
                        return None  # cells drawn over each other
                    occupied[(r, c)] = tok
                    filled[r].add(c)
                    if r != tr:
                        covered_by[(r, c)] = tok
            at += tok.colspan
    return Grid(column, covered_by, filled)
