"""A trust status per report: `clean`, or `needs_review` with the reasons as codes.

A report is clean when every cell was placed by its label or by an unambiguous position, the
page said what it is (agency, year, format), every identity that can be assessed holds, and the
page was filed under the year it states. Anything else is a reason a person should look at the
report before its numbers are used (docs/CONTRACT.md, "Trust status"). The status never changes
a number: it says how far the numbers can be taken as read.

The parser raises its own codes while it reads (`Report.flags`, gx_pipeline.parsing.problems);
the identities and the year folder are judged here.

A requests table with a kind of applicant the template lacks (个体工商户) whose requests its 总计
counts (applicants_outside_template) needs review for that code: the facts hold 总计 but not all
the requests it counts by applicant, so a sum over the six applicant columns falls short of it.
Its rows' requests.row_total are not assessable (gx_pipeline.tally), not failed: they raise no
identity_fails, which stays for the identities the page does contradict (another identity, or a
row where the left-out column holds 0 or nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gx_pipeline import tally
from gx_pipeline.parsing.problems import CODES
from gx_pipeline.report import Report

CLEAN = "clean"
NEEDS_REVIEW = "needs_review"
STATUSES = (CLEAN, NEEDS_REVIEW)

#: a tally identity fails with every operand present: the report contradicts itself
IDENTITY_FAILS = "identity_fails"
#: the page is filed under another report year than the one it states
YEAR_MISMATCH = "year_mismatch"
#: the file could not be parsed at all (`gx parse` writes an error line for it)
UNREADABLE = "unreadable"
#: every reason code, the parser's first
REASONS: tuple[str, ...] = (*CODES, IDENTITY_FAILS, YEAR_MISMATCH, UNREADABLE)


@dataclass(frozen=True)
class Trust:
    status: str
    reasons: tuple[str, ...] = ()


def assess(
    report: Report,
    folder_year: int | None = None,
    results: Iterable[tally.TallyResult] | None = None,
    identity_fails: bool | None = None,
) -> Trust:
    """The report's trust status. `folder_year`: the report year it is filed under, when
    known; `results`: its tally evaluation when the caller has it, or `identity_fails`: whether
    an identity of it fails (tally.Evaluation.count); evaluated here otherwise."""
    reasons = list(report.flags)
    if identity_fails is None:
        evaluated = tally.evaluate(report) if results is None else results
        identity_fails = any(r.status == "fail" for r in evaluated)
    if identity_fails:
        reasons.append(IDENTITY_FAILS)
    if folder_year is not None and report.year is not None and report.year != folder_year:
        reasons.append(YEAR_MISMATCH)
    reasons = list(dict.fromkeys(reasons))
    return Trust(NEEDS_REVIEW if reasons else CLEAN, tuple(reasons))
