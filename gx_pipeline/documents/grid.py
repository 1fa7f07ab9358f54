"""Ruled tables from a page's geometry: the lines drawn on the page -> tables of cells.

Report PDFs are printed from Word, WPS or a browser, and their tables keep their borders: each
border is a thin filled rectangle or a stroked line. Where a horizontal and a vertical border
cross is a corner; the smallest rectangle whose four corners are joined by borders is a cell;
cells that share corners form a table. A merged cell is simply a larger rectangle (no border runs
through it), so it is one cell, shown once, at its top row: what a browser's rowspan/colspan
gives the reader on a web page. Positions are in points, y growing downwards.

The method is the one pdfplumber's table finder uses (snap, join, intersect, smallest
rectangles), on edges read from PDFium in C rather than from pdfminer in Python.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

#: borders closer than this (points) are one border: a 0.75 pt border drawn as a filled
#: rectangle has two long edges 0.75 pt apart; Word draws double borders 1.5 pt apart
SNAP = 2.0
#: collinear pieces with a gap up to this are one border (borders are drawn cell by cell)
JOIN = 2.0
#: a border shorter than this is the short side of a border rectangle, not a border
MIN_EDGE = 3.0
#: a cell narrower or lower than this is the gap between a double border, not a cell
MIN_CELL = 2.5


@dataclass(frozen=True)
class Edge:
    """A horizontal (y fixed, from a to b in x) or vertical (x fixed, a to b in y) border."""

    horizontal: bool
    at: float
    a: float
    b: float


@dataclass
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float
    #: row of the table the cell starts in (0-based), and its place in that row
    row: int = 0
    col: int = 0
    chars: list = field(default_factory=list)


@dataclass
class Table:
    cells: list[Cell]
    x0: float
    top: float
    x1: float
    bottom: float

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom


def _cluster(values: list[float], tolerance: float) -> dict[float, float]:
    """Each value -> the mean of its cluster (values within `tolerance` of the cluster's
    first). A cluster does not chain on from value to value: the short sides of a dashed
    border's dashes stand every few points across the page, and chained they made one
    "border" of the whole run, its mean far from every real border near it."""
    out: dict[float, float] = {}
    group: list[float] = []
    for v in sorted(set(values)):
        if group and v - group[0] > tolerance:
            mean = sum(group) / len(group)
            out.update(dict.fromkeys(group, mean))
            group = []
        group.append(v)
    if group:
        mean = sum(group) / len(group)
        out.update(dict.fromkeys(group, mean))
    return out


def merge_edges(edges: list[Edge]) -> list[Edge]:
    """Snap near-collinear edges onto one line and join the pieces that touch."""
    out: list[Edge] = []
    for horizontal in (True, False):
        group = [e for e in edges if e.horizontal is horizontal]
        snapped = _cluster([e.at for e in group], SNAP)
        by_line: dict[float, list[tuple[float, float]]] = defaultdict(list)
        for e in group:
            by_line[snapped[e.at]].append((e.a, e.b))
        for at, spans in by_line.items():
            spans.sort()
            a, b = spans[0]
            for na, nb in spans[1:]:
                if na <= b + JOIN:
                    b = max(b, nb)
                else:
                    out.append(Edge(horizontal, at, a, b))
                    a, b = na, nb
            out.append(Edge(horizontal, at, a, b))
    return [e for e in out if e.b - e.a >= MIN_EDGE]


def find_tables(edges: list[Edge]) -> list[Table]:
    """The ruled tables these borders draw, top to bottom, each with its cells in reading order
    (rows by their top, cells left to right) and every cell's row and place in its row."""
    edges = merge_edges(edges)
    edges += _closing_edges(edges)
    hs = [e for e in edges if e.horizontal]
    vs = [e for e in edges if not e.horizontal]
    if not hs or not vs:
        return []
    # corners: where a vertical border meets a horizontal one; each remembers its borders
    v_at: dict[tuple[float, float], set[int]] = defaultdict(set)
    h_at: dict[tuple[float, float], set[int]] = defaultdict(set)
    hs.sort(key=lambda e: e.at)
    h_ys = [e.at for e in hs]
    for vi, v in enumerate(vs):
        lo = bisect.bisect_left(h_ys, v.a - SNAP)
        hi = bisect.bisect_right(h_ys, v.b + SNAP)
        for hi_ in range(lo, hi):
            h = hs[hi_]
            if h.a - SNAP <= v.at <= h.b + SNAP:
                point = (v.at, h.at)
                v_at[point].add(vi)
                h_at[point].add(hi_)
    points = sorted(v_at, key=lambda p: (p[1], p[0]))
    corners = set(points)
    by_x: dict[float, list[tuple[float, float]]] = defaultdict(list)
    by_y: dict[float, list[tuple[float, float]]] = defaultdict(list)
    for p in points:
        by_x[p[0]].append(p)
        by_y[p[1]].append(p)
    cells: list[Cell] = []
    for p in points:
        below = [q for q in by_x[p[0]] if q[1] > p[1] and v_at[q] & v_at[p]]
        right = [q for q in by_y[p[1]] if q[0] > p[0] and h_at[q] & h_at[p]]
        found = None
        for b in below:  # by_x lists are in y order, by_y lists in x order
            for r in right:
                corner = (r[0], b[1])
                if corner in corners and v_at[corner] & v_at[r] and h_at[corner] & h_at[b]:
                    found = Cell(p[0], p[1], r[0], b[1])
                    break
            if found:
                break
        if found and found.x1 - found.x0 >= MIN_CELL and found.bottom - found.top >= MIN_CELL:
            cells.append(found)
    return _group(cells)


def _closing_edges(edges: list[Edge]) -> list[Edge]:
    """The borders a page break leaves out: a table cut by the end of a page (a row split over
    two pages, or the rest of a merged cell) has vertical borders that stop at the page's edge
    with nothing across. Where two or more of them stop at one height, a border is drawn across
    them, closing the cut rows into cells."""
    hs = [e for e in edges if e.horizontal]
    ends: list[tuple[float, float]] = []  # (y, x) of a vertical border's end with no border across
    for v in (e for e in edges if not e.horizontal):
        for y in (v.a, v.b):
            if not any(abs(h.at - y) <= SNAP and h.a - SNAP <= v.at <= h.b + SNAP for h in hs):
                ends.append((y, v.at))
    heights = _cluster([y for y, _ in ends], SNAP)
    rows: dict[float, list[float]] = defaultdict(list)
    for y, x in ends:
        rows[heights[y]].append(x)
    closing = []
    for y, xs in rows.items():
        # a border that stops at the cut too (the last rows' bottom, beside an open merged
        # cell) is joined: the cut runs on to it
        ends_there = [x for h in hs if abs(h.at - y) <= SNAP for x in (h.a, h.b)]
        if len(xs) + len(ends_there) >= 2:
            closing.append(Edge(True, y, min(xs + ends_there), max(xs + ends_there)))
    return closing


def _group(cells: list[Cell]) -> list[Table]:
    """Cells that share a corner form one table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, c in enumerate(cells):
        for corner in ((c.x0, c.top), (c.x1, c.top), (c.x0, c.bottom), (c.x1, c.bottom)):
            j = owner.setdefault(corner, i)
            parent[root(i)] = root(j)
    groups: dict[int, list[Cell]] = defaultdict(list)
    for i, c in enumerate(cells):
        groups[root(i)].append(c)
    tables = []
    for members in groups.values():
        tops = sorted({c.top for c in members})
        members.sort(key=lambda c: (c.top, c.x0))
        col = 0
        for k, c in enumerate(members):
            c.row = tops.index(c.top)
            col = col + 1 if k and members[k - 1].top == c.top else 0
            c.col = col
        tables.append(
            Table(
                members,
                min(c.x0 for c in members),
                min(c.top for c in members),
                max(c.x1 for c in members),
                max(c.bottom for c in members),
            )
        )
    tables.sort(key=lambda t: (t.top, t.x0))
    return tables
