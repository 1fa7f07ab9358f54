"""What the tally of a report year says about the year, in aggregates read from the warehouse.

Agencies' reports contradict themselves: that is a finding, not a failure (the reports stay in
the facts, flagged). A year is a failure of the pipeline when its rows are inconsistent (a
report with cells but no tally, counts that disagree) or when so many reports contradict
themselves, or need review, that the reading of the pages is the likelier culprit than the
agencies (a new page template read into the wrong columns makes most identities fail).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import duckdb
import pandas as pd

from gx_pipeline.agencies.rebuild import FLAGS
from gx_pipeline.warehouse.schema import SQL_DIR

_SUMMARY_SQL = (SQL_DIR / "queries" / "tally_summary.sql").read_text(encoding="utf-8")

#: Defaults of the thresholds, and why:
#: - one report in five contradicting itself: published reports do break their sums, but in a
#:   minority (one in nine to one in six in the bundled years); past one in five a misread
#:   template is the likelier cause;
#: - half the reports needing review for the reading of their pages (not for the agencies'
#:   quality flags: late, copied text …): a reviewer can work through a minority; past half,
#:   the reader of the pages is struggling with the year's pages;
#: - shares are judged from 10 reports on: one contradicting report in a folder of four is
#:   still one agency's mistake.
MAX_CONTRADICTING_SHARE = 0.2
MAX_NEEDS_REVIEW_SHARE = 0.5
MIN_REPORTS_FOR_SHARES = 10
#: failing rows listed in the check's metadata (the rest are counted)
MAX_LISTED = 200


_NO_REPORT = (
    "no report of the year was loaded, so no identity was checked (quarantine says why each "
    "entry of the year's folder was not read)"
)

_NOTHING_TO_CHECK = (
    "no identity applies to any of the year's {reports} reports, so none was checked: each is "
    "'nothing to check' in report_quality (no cell of section 三 or 四: excerpts, pages cut off "
    "after section 二)"
)


_ONLY_ABSENT = (
    "no identity of the year was checked over cells on its page: each one evaluated holds only "
    "because cells absent from the page count as 0 (pages with a few cells of section 三 or 四)"
)


_UNCOUNTED = (
    "reports loaded before cells absent from the page were counted (older code; report_quality: "
    "'not checked'): whether their passes compared figures is not known until the year is "
    "loaded again"
)


_OUTSIDE = (
    "{rows} row totals of {reports} reports not assessable: their 总计 counts requests of a "
    "kind of applicant the template lacks (个体工商户), a column left out (tally_results.reason "
    "applicants_outside_template)"
)


@dataclass(frozen=True)
class TallySummary:
    """The year's tally in counts (sql/queries/tally_summary.sql)."""

    reports: int
    needs_review: int
    failing_reports: int
    not_assessable_reports: int
    evaluations: int
    passed: int
    failed: int
    not_assessable: int
    reports_without_tally: int
    counts_disagree: int
    #: passes with a cell absent from the page counted as 0 (no figure of it compared)
    passed_absent: int = 0
    #: reports no identity of which fails or is not assessable, but some pass only so
    absent_reports: int = 0
    #: reports loaded before absent cells were counted (null in tally_results and dim_report)
    uncounted_reports: int = 0
    #: requests.row_total results not assessable because their row's 总计 counts requests of
    #: a kind of applicant the template lacks (tally_results.reason), and their reports
    outside_not_assessable: int = 0
    outside_reports: int = 0


@dataclass(frozen=True)
class Thresholds:
    max_contradicting_share: float = MAX_CONTRADICTING_SHARE
    max_needs_review_share: float = MAX_NEEDS_REVIEW_SHARE
    min_reports: int = MIN_REPORTS_FOR_SHARES


@dataclass(frozen=True)
class Verdict:
    #: no report contradicts itself and nothing is broken
    passed: bool
    #: the pipeline failed (ERROR): not just agencies contradicting themselves (WARN)
    severe: bool
    description: str


def summarize(conn: duckdb.DuckDBPyConnection, year: int) -> TallySummary:
    row = conn.execute(_SUMMARY_SQL, {"year": year, "flags": list(FLAGS)}).fetchone()
    return TallySummary(*(int(v) for v in row))


def judge(s: TallySummary, limits: Thresholds = Thresholds()) -> Verdict:
    """Pass, WARN (agencies' contradictions within the thresholds) or ERROR."""
    broken = []
    if s.reports_without_tally:
        broken.append(f"{s.reports_without_tally} reports have cells but no tally results")
    if s.counts_disagree:
        broken.append(f"{s.counts_disagree} reports' tally counts disagree with tally_results")
    if s.reports >= limits.min_reports:
        share = s.failing_reports / s.reports
        if share > limits.max_contradicting_share:
            broken.append(
                f"{share:.0%} of the reports contradict themselves (more than "
                f"{limits.max_contradicting_share:.0%}: a misread page template?)"
            )
        review = s.needs_review / s.reports
        if review > limits.max_needs_review_share:
            broken.append(
                f"{review:.0%} of the reports need review (more than "
                f"{limits.max_needs_review_share:.0%})"
            )
    found = (
        f"{s.failing_reports} of {s.reports} reports contradict themselves"
        if s.failing_reports
        else f"no report of {s.reports} contradicts itself"
    )
    if s.absent_reports:
        # a pass over cells the page does not have compared nothing: said, not called consistent
        found += (
            "; reports that hold only with cells absent from the page counted as 0 ('holds "
            f"only with absent cells as 0' in report_quality, not checked there): {s.absent_reports}"
        )
    if s.outside_not_assessable:
        # a 总计 that counts a column the parser left out is no contradiction: not failed, said
        found += "; " + _OUTSIDE.format(rows=s.outside_not_assessable, reports=s.outside_reports)
    if s.uncounted_reports:
        # a warehouse upgraded in place: the year's rows are whole, but its passes may hold only
        # over cells absent from the page (report_quality says 'not checked' for them)
        found += f"; {s.uncounted_reports} {_UNCOUNTED}"
    if broken:
        return Verdict(False, True, f"{found}; the year failed: " + "; ".join(broken))
    if not s.reports:
        # every entry quarantined: nothing was checked, which is no pass (WARN: a year of
        # scanned or withdrawn pages is possible; the quarantine table says why each was not read)
        return Verdict(False, False, _NO_REPORT)
    if not s.evaluations:
        # reports loaded, but none has a cell of section 三 or 四 (report_quality's 'nothing to
        # check': excerpts, pages cut off after section 二): no identity applied, as above
        return Verdict(False, False, _NOTHING_TO_CHECK.format(reports=s.reports))
    if s.passed_absent == s.evaluations:
        # every identity evaluated in the year holds only over cells its page does not have
        # (pages of a few cells of section 三 or 四): no sum of figures was compared, as above.
        # One identity over cells all on a page (a row's total against its applicant columns)
        # is a check.
        return Verdict(False, False, f"{found}; {_ONLY_ABSENT}")
    return Verdict(s.failing_reports == 0 and not s.uncounted_reports, False, found)


def failing_rows(
    conn: duckdb.DuckDBPyConnection, year: int, limit: int = MAX_LISTED
) -> pd.DataFrame:
    """The first `limit` failing evaluations with their report's agency and source."""
    return conn.execute(
        "select d.agency, d.source, t.identity, t.subject, t.left_value as left, "
        "t.right_value as right, t.difference "
        "from tally_results t join dim_report d using (report_id) "
        "where t.report_year = ? and t.status = 'fail' "
        "order by d.source, t.identity, t.subject limit ?",
        [year, limit],
    ).df()


def failing_sources(
    conn: duckdb.DuckDBPyConnection, year: int, limit: int = MAX_LISTED
) -> list[str]:
    """The sources of the first `limit` reports that contradict themselves."""
    return [
        s
        for (s,) in conn.execute(
            "select d.source from dim_report d where d.report_year = ? and d.tally_failed > 0 "
            "order by d.source limit ?",
            [year, limit],
        ).fetchall()
    ]


def review_reasons(conn: duckdb.DuckDBPyConnection, year: int) -> dict[str, int]:
    """How many of the year's reports need review for each reason."""
    return dict(
        conn.execute(
            "select reason, count(*) from (select unnest(trust_reasons) as reason "
            "from dim_report where report_year = ?) group by reason order by reason",
            [year],
        ).fetchall()
    )


SUMMARY_FIELDS = tuple(f.name for f in fields(TallySummary))
