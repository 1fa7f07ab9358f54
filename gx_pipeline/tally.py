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

A requests table may draw a kind of applicant the template lacks (个体工商户) whose requests its
总计 counts: the parser leaves that column out and names the rows where it holds a number other
than 0 (Report.total_counts_left_out, flag applicants_outside_template). On those rows
requests.row_total, the sum of the template's six, is no check of the page: where it does not
hold it is `not_assessable` with the reason OUTSIDE_TEMPLATE, never `fail`. Every other identity,
and every other row, is assessed as before.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from gx_pipeline import contract
from gx_pipeline.report import Number, Report

#: amounts are compared with a tolerance; counts are integers and compared exactly
EPSILON = 1e-9
#: TallyResult.reason of a requests.row_total that does not hold on a row whose 总计 counts
#: requests of a column the template lacks (the parser's flag of the same name)
OUTSIDE_TEMPLATE = "applicants_outside_template"
#: the identity whose rows a column outside the template makes not assessable
_ROW_TOTAL = "requests.row_total"
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
    #: why an identity that does not hold is not assessable beyond a blank or absent cell:
    #: OUTSIDE_TEMPLATE (its row's 总计 counts requests of a column the template lacks); None
    #: otherwise
    reason: str | None = None

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
    """Every in-report identity of the contract that applies to the report (evaluate_all of
    the one report).

    Requests identities apply when the report has section 三 cells, appeals identities when it
    has section 四 cells. Each side is the sum of its cells' values, blank or absent cells as
    0, summed in the terms' order (as the SQL evaluation and earlier releases sum them); an
    identity is complete when every cell of both sides has a value.
    """
    return evaluate_all([report]).results(0)


#: TallyResult.status of each status code of an Evaluation
STATUSES = ("pass", "fail", "not_assessable")
_PASS, _FAIL, _NOT_ASSESSABLE = range(3)


@dataclass(frozen=True)
class Evaluation:
    """Every identity of a batch of reports, as columns: one row per report and identity, the
    reports in their order, each report's identities in evaluation order (TallyResult's
    fields, the status as its index in STATUSES)."""

    reports: int
    #: the position in the batch of the report of each row
    report: np.ndarray
    identity: list[str]
    subject: list[str]
    left: np.ndarray
    right: np.ndarray
    status: np.ndarray
    absent_cells: np.ndarray
    #: the rows whose identity does not hold on a row whose 总计 counts requests of a column the
    #: template lacks (status not_assessable, reason OUTSIDE_TEMPLATE)
    outside: np.ndarray

    def reasons(self) -> np.ndarray:
        """The reason of each row (TallyResult.reason): OUTSIDE_TEMPLATE or None."""
        return np.where(self.outside, OUTSIDE_TEMPLATE, None)

    def statuses(self) -> np.ndarray:
        """The status of each row as its text."""
        return np.array(STATUSES, dtype=object)[self.status]

    def count(self, status: str, with_absent: bool = False) -> np.ndarray:
        """How many identities of each report have this status (`with_absent`: and absent
        cells)."""
        rows = self.status == STATUSES.index(status)
        if with_absent:
            rows &= self.absent_cells > 0
        return np.bincount(self.report[rows], minlength=self.reports)

    def results(self, k: int) -> list[TallyResult]:
        """The identities of the batch's report `k` as TallyResults."""
        at = np.flatnonzero(self.report == k)
        if not len(at):
            return []
        first, end = int(at[0]), int(at[-1]) + 1
        return [
            _new_tuple(TallyResult, fields)
            for fields in zip(
                self.identity[first:end],
                self.subject[first:end],
                self.left[first:end].tolist(),
                self.right[first:end].tolist(),
                [STATUSES[c] for c in self.status[first:end].tolist()],
                self.absent_cells[first:end].tolist(),
                self.reasons()[first:end].tolist(),
                strict=True,
            )
        ]


def evaluate_all(reports: Sequence[Report]) -> Evaluation:
    """Every in-report identity of each report (see `evaluate`), the batch at once: a national
    year has ~40 identities a report, and evaluating them one by one in Python cost ~0.05 ms a
    page. The cells of the batch are laid end to end, each report's followed by two cells of
    its own: one absent from the page (blank, 0) and one that pads a side to the widest side
    (0, not blank, with a place); each side's cells are positions among them (_layout_sides,
    once per layout of cells), and a side is summed one term after the other for every row of
    the batch at once: 0.0 + first + second ..., the additions and their order those of a
    sum term after term, so the sums are the same floats."""
    values: list = []
    places: list = []
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    absents: list[np.ndarray] = []
    outsides: list[np.ndarray] = []
    identities: list[str] = []
    subjects: list[str] = []
    starts: list[int] = []
    owners: list[int] = []
    for k, report in enumerate(reports):
        if report.template is None or not report.cells:
            continue
        columns = report.cell_columns
        sides = _layout_sides(report.template, *columns[:3])
        if sides is None:
            continue
        starts.append(len(values))
        owners.append(k)
        values.extend(columns[3])
        values.extend(_OWN_CELLS)
        places.extend(columns[7])
        places.extend(_OWN_PLACES)
        identities.extend(sides.identity)
        subjects.extend(sides.subject)
        lefts.append(sides.left)
        rights.append(sides.right)
        absents.append(sides.absent)
        outsides.append(_outside_rows(sides, report.total_counts_left_out))
    if not owners:
        empty = np.zeros(0, np.int64)
        return Evaluation(
            len(reports),
            empty,
            [],
            [],
            np.zeros(0),
            np.zeros(0),
            empty,
            empty.copy(),
            np.zeros(0, bool),
        )
    counts = [len(a) for a in absents]
    starts_of_rows = np.repeat(np.array(starts, np.int64), counts)[:, None]
    left_at = _joined(lefts, _LEFT_WIDTH) + starts_of_rows
    right_at = _joined(rights, _RIGHT_WIDTH) + starts_of_rows
    value, blank = _summands(values)
    unplaced = pa.array(places, pa.int64()).is_null().to_numpy(zero_copy_only=False)
    left = _summed(value, left_at)
    right = _summed(value, right_at)
    complete = ~(blank[left_at].any(axis=1) | blank[right_at].any(axis=1))
    holds = np.abs(left - right) <= EPSILON
    outside = np.concatenate(outsides) & ~holds
    status = np.where(holds, _PASS, np.where(complete & ~outside, _FAIL, _NOT_ASSESSABLE))
    absent = (
        np.concatenate(absents) + unplaced[left_at].sum(axis=1) + unplaced[right_at].sum(axis=1)
    )
    return Evaluation(
        len(reports),
        np.repeat(np.array(owners, np.int64), counts),
        identities,
        subjects,
        left,
        right,
        status,
        absent,
        outside,
    )


def _outside_rows(sides: _Sides, rows: tuple[str, ...]) -> np.ndarray:
    """Which of a report's identities are requests.row_total on a row whose 总计 counts
    requests of a column the template lacks (Report.total_counts_left_out)."""
    if not rows:
        return np.zeros(len(sides.identity), bool)
    return np.array(
        [i == _ROW_TOTAL and s in rows for i, s in zip(sides.identity, sides.subject, strict=True)],
        bool,
    )


#: the two cells of its own each report has after its cells (evaluate_all): absent from the
#: page (blank), and the pad (0, with a place)
_OWN_CELLS = (None, 0)
_OWN_PLACES = (1, 1)
_PAD = 1


def _summands(values: list) -> tuple[np.ndarray, np.ndarray]:
    """The values as float64 (blank as 0) and which are blank. A count of 16 digits or more (an
    ID in a count's cell) is not an integer Arrow takes as a float: it is converted as Python
    converts it when adding it to a float."""
    try:
        array = pa.array(values, pa.float64())
    except (pa.ArrowException, OverflowError):
        array = pa.array([v if v is None else float(v) for v in values], pa.float64())
    blank = array.is_null().to_numpy(zero_copy_only=False)
    return array.fill_null(0.0).to_numpy(zero_copy_only=False), blank


def _summed(value: np.ndarray, at: np.ndarray) -> np.ndarray:
    total = np.zeros(len(at))
    for column in at.T:  # term after term, as `total += v` would
        total = total + value[column]
    return total


def _joined(sides: list[np.ndarray], width: int) -> np.ndarray:
    return np.concatenate(sides) if sides else np.zeros((0, width), np.int64)


class _Sides(NamedTuple):
    """The identities that apply to one layout of cells: their names and subjects, the
    positions of each side's cells among the report's (the pad past a side's last cell), and
    how many of their cells are absent from the layout."""

    identity: tuple[str, ...]
    subject: tuple[str, ...]
    left: np.ndarray
    right: np.ndarray
    absent: np.ndarray


def _widths() -> tuple[int, int]:
    plans = [_plan(t, w) for t in contract.TEMPLATES for w in (False, True)]
    return (
        max(len(p[3]) for plan in plans for p in plan),
        max(len(p[4]) for plan in plans for p in plan),
    )


_LEFT_WIDTH, _RIGHT_WIDTH = _widths()


@functools.lru_cache(maxsize=256)
def _layout_sides(
    template: str, sections: tuple[str, ...], rows: tuple[str, ...], cols: tuple[str, ...]
) -> _Sides | None:
    """The identities that apply to a report with these cells (None: none does), each side's
    cells as their positions among the report's, a cell absent from the page at the report's
    own absent cell (len(sections)), each side padded to its width with the report's pad; of
    two cells with one key, the later counts.
    Cached: the parser gives a template's cells in its order, so most reports of a year share
    a few layouts."""
    absent, pad = len(sections), len(sections) + _PAD
    at = {key: k for k, key in enumerate(zip(sections, rows, cols, strict=True))}
    present = set(sections)
    with_other = any(s == "requests" and r == "other" for s, r in zip(sections, rows, strict=True))
    plan = [p for p in _plan(template, with_other) if p[2] in present]
    if not plan:
        return None
    left = np.full((len(plan), _LEFT_WIDTH), pad, np.int64)
    right = np.full((len(plan), _RIGHT_WIDTH), pad, np.int64)
    absents = []
    for k, (_, _, _, left_cells, right_cells) in enumerate(plan):
        left_at = [at.get(key, absent) for key in left_cells]
        right_at = [at.get(key, absent) for key in right_cells]
        left[k, : len(left_at)] = left_at
        right[k, : len(right_at)] = right_at
        absents.append((left_at + right_at).count(absent))
    return _Sides(
        tuple(p[0] for p in plan),
        tuple(p[1] for p in plan),
        left,
        right,
        np.array(absents, np.int64),
    )


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
