"""The tally identities of the contract, evaluated on one parsed report.

Blank cells count as 0. An identity that does not hold is `fail` when every cell it reads has a
number (the report contradicts itself) and `not_assessable` when at least one is blank or absent
from the page. A failing identity is a fact about the report: nothing here changes a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gx_pipeline import contract
from gx_pipeline.report import Cell, Number, Report

#: amounts are compared with a tolerance; counts are integers and compared exactly
_EPS = 1e-9


@dataclass(frozen=True)
class TallyResult:
    identity: str
    #: the row (for per-row identities) or column (for per-column ones) the evaluation is about
    subject: str
    left: float
    right: float
    status: str

    @property
    def difference(self) -> float:
        return self.left - self.right


def _status(left: float, right: float, operands: Iterable[Number | None]) -> str:
    if abs(left - right) <= _EPS:
        return "pass"
    return "fail" if all(v is not None for v in operands) else "not_assessable"


def _sum(values: Iterable[Number | None]) -> float:
    return float(sum(v for v in values if v is not None))


def _identity(
    identity: str, subject: str, left: list[Number | None], right: list[Number | None]
) -> TallyResult:
    lhs, rhs = _sum(left), _sum(right)
    return TallyResult(identity, subject, lhs, rhs, _status(lhs, rhs, left + right))


def evaluate(report: Report) -> list[TallyResult]:
    """Every in-report identity of the contract that the report's template defines."""
    if report.template is None:
        return []
    grid: Mapping[tuple[str, str, str], Cell] = report.grid()

    def v(section: str, row: str, col: str) -> Number | None:
        cell = grid.get((section, row, col))
        return None if cell is None else cell.value

    has_requests = any(c.section == "requests" for c in report.cells)
    has_appeals = any(c.section == "appeals" for c in report.cells)
    out: list[TallyResult] = []
    columns = [c.code for c in contract.REQUEST_COLUMNS]
    if has_requests:
        for col in columns:
            out.append(
                _identity(
                    "requests.balance",
                    col,
                    [v("requests", "new_received", col), v("requests", "carried_over", col)],
                    [v("requests", "results_total", col), v("requests", "carried_forward", col)],
                )
            )
        leaves = contract.RESULT_LEAVES[report.template]
        for col in columns:
            out.append(
                _identity(
                    "requests.results_sum",
                    col,
                    [v("requests", "results_total", col)],
                    [v("requests", leaf, col) for leaf in leaves],
                )
            )
        if report.template == "2021" and any(
            c.section == "requests" and c.row == "other" for c in report.cells
        ):
            for col in columns:
                out.append(
                    _identity(
                        "requests.other_sum",
                        col,
                        [v("requests", "other", col)],
                        [
                            v("requests", sub, col)
                            for sub in ("other.no_correction", "other.fee_unpaid", "other.other")
                        ],
                    )
                )
        for r in contract.rows(report.template, "requests"):
            if r.code == "other" and report.template == "2021" and not any(
                c.section == "requests" and c.row == "other" for c in report.cells
            ):
                continue
            out.append(
                _identity(
                    "requests.row_total",
                    r.code,
                    [v("requests", r.code, "total")],
                    [v("requests", r.code, col) for col in contract.APPLICANT_COLUMNS],
                )
            )
    if has_appeals:
        for r in contract.APPEALS:
            out.append(
                _identity(
                    "appeals.row_total",
                    r.code,
                    [v("appeals", r.code, "total")],
                    [v("appeals", r.code, col) for col in ("upheld", "corrected", "other", "pending")],
                )
            )
    return out


def carry_chain(
    carried_over_total: Number | None, previous_carried_forward_total: Number | None
) -> TallyResult:
    """requests.carry_chain for one agency across two consecutive years."""
    return _identity(
        "requests.carry_chain",
        "total",
        [carried_over_total],
        [previous_carried_forward_total],
    )
