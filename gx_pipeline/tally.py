"""The tally identities of the contract, as data and as an evaluation of one report.

Each identity is a list of terms: the cells summed on its left side and on its right side. The
same terms drive `evaluate` here (one parsed report) and the warehouse's SQL evaluation
(`sql/tally_evaluate.sql`, a whole report year at once), so the rules are written once.

Blank cells count as 0. An identity that does not hold is `fail` when every cell it reads has a
number (the report contradicts itself) and `not_assessable` when at least one is blank or absent
from the page. A failing identity is a fact about the report: nothing here changes a value.

Absent cells count as 0 too, so an identity over rows a cut-off page never reached holds (0 = 0)
without a single figure compared: each result says how many of its cells were absent from the
page (`absent_cells`: not emitted, or emitted without a place on the page, as the end of a
truncated row the parser takes as empty), and a `pass` with absent cells is no evidence that the
sums were checked.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from gx_pipeline import contract
from gx_pipeline.report import Number, Report

#: amounts are compared with a tolerance; counts are integers and compared exactly
EPSILON = 1e-9
_OTHER_SUBROWS = ("other.no_correction", "other.fee_unpaid", "other.other")


@dataclass(frozen=True)
class Term:
    identity: str
    subject: str  # the row (per-row identities) or column (per-column ones) evaluated
    side: str  # "left" or "right"
    section: str
    row: str
    col: str


class TallyResult(NamedTuple):
    """A NamedTuple, not a frozen dataclass: a report has ~40, made on every report of a year,
    and a frozen dataclass's __init__ sets each field through object.__setattr__ (half the
    cost of the evaluation)."""

    identity: str
    #: the row (for per-row identities) or column (for per-column ones) the evaluation is about
    subject: str
    left: float
    right: float
    status: str
    #: cells the identity reads that are not on the page at all (not blank: absent, as the rows
    #: of a page cut off before them, or the end of a truncated row the parser takes as empty,
    #: a cell without a place on the page), counted as 0 like blanks
    absent_cells: int = 0

    @property
    def difference(self) -> float:
        return self.left - self.right


@functools.cache
def terms(template: str, with_other_row: bool) -> tuple[Term, ...]:
    """Every term of every in-report identity of a template, in evaluation order.

    `with_other_row`: the report has cells of its own for 三（六）其他处理. In the 2021 format that
    row is usually only a group label; where it has cells, requests.other_sum checks it.
    """
    out: list[Term] = []
    columns = [c.code for c in contract.REQUEST_COLUMNS]

    def add(identity: str, subject: str, left: Iterable[tuple], right: Iterable[tuple]) -> None:
        out.extend(Term(identity, subject, "left", *cell) for cell in left)
        out.extend(Term(identity, subject, "right", *cell) for cell in right)

    for col in columns:
        add(
            "requests.balance",
            col,
            [("requests", "new_received", col), ("requests", "carried_over", col)],
            [("requests", "results_total", col), ("requests", "carried_forward", col)],
        )
    for col in columns:
        add(
            "requests.results_sum",
            col,
            [("requests", "results_total", col)],
            [("requests", leaf, col) for leaf in contract.RESULT_LEAVES[template]],
        )
    if template == "2021" and with_other_row:
        for col in columns:
            add(
                "requests.other_sum",
                col,
                [("requests", "other", col)],
                [("requests", sub, col) for sub in _OTHER_SUBROWS],
            )
    for r in contract.rows(template, "requests"):
        if r.code == "other" and template == "2021" and not with_other_row:
            continue
        add(
            "requests.row_total",
            r.code,
            [("requests", r.code, "total")],
            [("requests", r.code, col) for col in contract.APPLICANT_COLUMNS],
        )
    for r in contract.APPEALS:
        add(
            "appeals.row_total",
            r.code,
            [("appeals", r.code, "total")],
            [("appeals", r.code, col) for col in ("upheld", "corrected", "other", "pending")],
        )
    return tuple(out)


def status(left: float, right: float, complete: bool) -> str:
    if abs(left - right) <= EPSILON:
        return "pass"
    return "fail" if complete else "not_assessable"


@functools.cache
def _plan(template: str, with_other_row: bool) -> tuple[tuple[str, str, str, tuple, tuple], ...]:
    """The terms of `terms` grouped by identity and subject, in evaluation order: (identity,
    subject, section, left cells, right cells). One loop over these per report, not one
    dictionary update per term: this runs on every report of a national year."""
    groups: dict[tuple[str, str], tuple[str, list, list]] = {}
    for t in terms(template, with_other_row):
        section, left, right = groups.setdefault((t.identity, t.subject), (t.section, [], []))
        if section != t.section:
            raise ValueError(f"{t.identity} ({t.subject}) sums cells of two sections")
        (left if t.side == "left" else right).append((t.section, t.row, t.col))
    return tuple(
        (identity, subject, section, tuple(left), tuple(right))
        for (identity, subject), (section, left, right) in groups.items()
    )


def identities(
    template: str, with_other_row: bool
) -> tuple[tuple[str, str, str, tuple, tuple], ...]:
    """Every in-report identity of a template as (identity, subject, section, left cells,
    right cells), each cell a (section, row, col) key."""
    return _plan(template, with_other_row)


_new_tuple = tuple.__new__


def evaluate(report: Report) -> list[TallyResult]:
    """Every in-report identity of the contract that applies to the report.

    Requests identities apply when the report has section 三 cells, appeals identities when it
    has section 四 cells. Each side is the sum of its cells' values, blank or absent cells as
    0, summed in the terms' order (as the SQL evaluation and earlier releases sum them); an
    identity is complete when every cell of both sides has a value. This runs on every report
    of a national year (~40 identities each): where each term's cell sits among the report's
    cells is worked out once per layout of cells (_layout_plan), and a side is summed in C.
    """
    if report.template is None or not report.cells:
        return []
    columns = report.cell_columns
    sections, rows, cols, values = columns[:4]
    plan = _layout_plan(report.template, sections, rows, cols)
    # position len(values) stands for a cell absent from the page: blank, 0
    summands = [v or 0 for v in values]
    summands.append(0)
    term = summands.__getitem__
    blanks = {k for k, v in enumerate(values) if v is None}
    blanks.add(len(values))
    # cells the parser emits without a place on the page (the end of a truncated row, taken as
    # empty) are absent from it too; most reports have none, and the plan's count stands. A
    # place is 1-based, so all() finds a None at half the instructions of `None in tds` (each
    # int compared with None through both __eq__: 4.6% more for the evaluation, all() 2.4%)
    tds = columns[7]
    unplaced = None if all(tds) else {k for k, td in enumerate(tds) if td is None}
    out = []
    for identity, subject, left_at, right_at, both, absent in plan:
        # reduce(add) adds one term after the other, as `left += v` would (sum() may not)
        left = functools.reduce(operator.add, map(term, left_at), 0.0)
        right = functools.reduce(operator.add, map(term, right_at), 0.0)
        verdict = status(left, right, blanks.isdisjoint(both))
        if unplaced and not unplaced.isdisjoint(both):
            absent += sum(k in unplaced for k in both)
        fields = (identity, subject, left, right, verdict, absent)
        out.append(_new_tuple(TallyResult, fields))  # in C: NamedTuple's __new__ is Python
    return out


@functools.lru_cache(maxsize=256)
def _layout_plan(
    template: str, sections: tuple[str, ...], rows: tuple[str, ...], cols: tuple[str, ...]
) -> tuple[tuple[str, str, tuple[int, ...], tuple[int, ...], tuple[int, ...], int], ...]:
    """The identities that apply to a report with these cells, as (identity, subject, the
    positions of its left cells among the report's cells, of its right cells, of both, how many
    of them are absent). An absent cell is at position len(sections); of two cells with one
    key, the later counts.
    Cached: the parser gives a template's cells in its order, so most reports of a year share
    a few layouts."""
    absent = len(sections)
    at = {key: k for k, key in enumerate(zip(sections, rows, cols, strict=True))}
    present = set(sections)
    with_other = any(s == "requests" and r == "other" for s, r in zip(sections, rows, strict=True))
    plan = []
    for identity, subject, section, left_cells, right_cells in _plan(template, with_other):
        if section not in present:
            continue
        left = tuple(at.get(key, absent) for key in left_cells)
        right = tuple(at.get(key, absent) for key in right_cells)
        both = left + right
        plan.append((identity, subject, left, right, both, both.count(absent)))
    return tuple(plan)


def carry_chain(
    carried_over_total: Number | None, previous_carried_forward_total: Number | None
) -> TallyResult:
    """requests.carry_chain for one agency across two consecutive years."""
    left, right = float(carried_over_total or 0), float(previous_carried_forward_total or 0)
    complete = carried_over_total is not None and previous_carried_forward_total is not None
    return TallyResult("requests.carry_chain", "total", left, right, status(left, right, complete))


def term_rows() -> list[dict[str, object]]:
    """The terms of both templates as table rows, for the warehouse's SQL evaluation."""
    return [
        {"template": template, "with_other_row": with_other, "seq": k, **t.__dict__}
        for template in contract.TEMPLATES
        for with_other in (False, True)
        for k, t in enumerate(terms(template, with_other))
    ]
