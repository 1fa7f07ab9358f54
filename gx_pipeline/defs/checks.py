"""The tally identities as a per-year asset check on the warehouse.

The identities are evaluated per report while the year is staged and written with the facts
(gx_warehouse); this check reads the year's aggregates back (gx_pipeline.warehouse.tally_check:
bounded memory, at most 200 failing rows listed) and says what they mean:

- no report contradicts itself: passed;
- no report was loaded, every entry quarantined: WARN (nothing was checked);
- reports were loaded but no identity applies to any ('nothing to check'): WARN, as above;
- every identity evaluated holds only over cells absent from its page: WARN, as above (the
  metadata counts the reports that are 'holds only with absent cells as 0' in any year);
- reports loaded by older code, before absent cells were counted (a warehouse upgraded in
  place, the check run again without a load): WARN, naming how many, not a failure of the
  pipeline; the year's next load counts them;
- some do (the agencies' own mistakes, kept in the facts as published and flagged in
  tally_results): failed with severity WARN, the run stays green;
- the pipeline failed (a report with cells but no tally, counts that disagree, or a share of
  contradicting or needs_review reports past the configured thresholds): ERROR, which fails
  the run. A blocking check cannot undo the write it checks; it stops steps downstream.
"""

import warnings
from collections.abc import Callable

import dagster as dg
import duckdb
from pydantic import Field

from gx_pipeline.defs.assets import gx_warehouse
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import Warehouse
from gx_pipeline.staging.pool import TOO_SLOW, WORKER_DIED
from gx_pipeline.warehouse import charts, tally_check
from gx_pipeline.warehouse.reviews import year_review_counts
from gx_pipeline.warehouse.writes import lost_reports

# partitions_def on a check is a Preview API in Dagster 1.13 (pinned exactly in pyproject.toml);
# without it the check's status would not be kept per report year
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")


class TallyCheckConfig(dg.Config):
    """When contradicting reports stop being the agencies' business and fail the run
    (Launchpad: ops.gx_warehouse_reports_satisfy_tally_identities.config)."""

    max_contradicting_share: float = Field(
        default=tally_check.MAX_CONTRADICTING_SHARE,
        ge=0,
        le=1,
        description="ERROR when more than this share of the year's reports contradict themselves",
    )
    max_needs_review_share: float = Field(
        default=tally_check.MAX_NEEDS_REVIEW_SHARE,
        ge=0,
        le=1,
        description="ERROR when more than this share of the year's reports need review",
    )
    min_reports: int = Field(
        default=tally_check.MIN_REPORTS_FOR_SHARES,
        ge=0,
        description="the shares are judged only on a year with at least this many reports",
    )


#: the tally check's name (its step: gx_warehouse_<name>)
TALLY_CHECK = "reports_satisfy_tally_identities"


@dg.asset_check(
    name=TALLY_CHECK,
    asset=gx_warehouse,
    partitions_def=yearly_partitions,
    blocking=True,
    pool="duckdb",
    description="Every loaded report of the year satisfies the tally identities of the contract "
    "(requests.balance, results_sum, other_sum, row_total; appeals.row_total). Reports that "
    "contradict themselves: WARN. A row total whose 总计 counts a kind of applicant the template "
    "lacks (个体工商户, left out) is not assessable, said, no contradiction. The pipeline's failure (reports without tally, or too many "
    "contradicting or needs_review reports): ERROR.",
)
def reports_satisfy_tally_identities(
    context: dg.AssetCheckExecutionContext, config: TallyCheckConfig, warehouse: Warehouse
) -> dg.AssetCheckResult:
    year = int(context.partition_key)
    with warehouse.connect(publish=False, say=context.log.warning) as conn:  # reads only
        summary = tally_check.summarize(conn, year)
        failing = tally_check.failing_rows(conn, year)
        sources = tally_check.failing_sources(conn, year)
        reasons = tally_check.review_reasons(conn, year)
        reviewed = year_review_counts(conn, year)
    limits = tally_check.Thresholds(
        config.max_contradicting_share, config.max_needs_review_share, config.min_reports
    )
    verdict = tally_check.judge(summary, limits)
    listed = "" if not summary.failed else _more(len(failing), summary.failed)
    return dg.AssetCheckResult(
        passed=verdict.passed,
        severity=dg.AssetCheckSeverity.ERROR if verdict.severe else dg.AssetCheckSeverity.WARN,
        description=verdict.description,
        # every count in one JSON value: numbers in a partitioned check's metadata are drawn
        # as one line over the evaluations in time, every year's figures joined into one
        # series, which reads like a trend and is none
        metadata={
            "counts": dg.MetadataValue.json(
                {
                    **{
                        name: getattr(summary, name)
                        for name in tally_check.SUMMARY_FIELDS
                        if name != "needs_review"
                    },
                    "passed_evaluations": summary.passed,
                    "failed_evaluations": summary.failed,
                    "failing_report_count": summary.failing_reports,
                    # passes over cells absent from the page (0 = 0): no figure compared, and
                    # the reports that hold only so (not 'consistent' in report_quality)
                    "passed_with_absent_cells": summary.passed_absent,
                    "reports_holding_only_with_absent_cells": summary.absent_reports,
                    # needing review for the reading of the page; the agencies' quality
                    # flags (late, copied_text …) apart, which are among `needs_review`
                    "reports_read_cleanly": summary.reports - summary.needs_review,
                    "needs_review_reports": summary.needs_review,
                    # reports needing review, by reason
                    "needs_review": reasons,
                }
            ),
            "thresholds": dg.MetadataValue.json(
                {
                    "max_contradicting_share": limits.max_contradicting_share,
                    "max_needs_review_share": limits.max_needs_review_share,
                    "min_reports": limits.min_reports,
                }
            ),
            # the year's flags by review status (gx review): how many still await a reviewer
            "review": dg.MetadataValue.json(reviewed),
            "failing_reports": dg.MetadataValue.json(sources),
            "failures": dg.MetadataValue.md(
                charts.markdown_table(failing) + listed if len(failing) else "No identity fails."
            ),
        },
    )


#: the pages a lost-reports check's description names; all of them are in its metadata
NAMED = 10


@dg.asset_check(
    asset=gx_warehouse,
    partitions_def=yearly_partitions,
    pool="duckdb",
    description="No report loaded at an earlier load of the year has left the fact tables: its "
    "page quarantined (emptied, cut short, unreadable), deleted, or overwritten with another "
    "agency's report or the agency's report of another year (a report that named no agency: "
    "with a named agency's report, a possible loss), while the year's counts stay "
    "within the shrink guard's share. Such reports: WARN, naming each page, the agency whose "
    "report it was and why (table lost_reports); the run stays green.",
)
def no_report_of_an_earlier_load_lost(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    return _warn_on_pages(
        context,
        warehouse,
        lost_reports,
        lost_reports_said,
        "No report of an earlier load was lost.",
        lambda lost: {
            "lost_reports": dg.MetadataValue.json(
                {source: {"agency": agency, "reason": reason} for source, agency, reason in lost}
            )
        },
    )


def _warn_on_pages(
    context: dg.AssetCheckExecutionContext,
    warehouse: Warehouse,
    find: Callable[[duckdb.DuckDBPyConnection, int], list],
    said: Callable[[int, list], str],
    none: str,
    metadata: Callable[[list], dict],
) -> dg.AssetCheckResult:
    """A WARN check of the year's pages that `find` reads from the warehouse: passed when it
    finds none (`none` its description), else `said` of them; the run stays green."""
    year = int(context.partition_key)
    with warehouse.connect(publish=False, say=context.log.warning) as conn:  # reads only
        found = find(conn, year)
    return dg.AssetCheckResult(
        passed=not found,
        severity=dg.AssetCheckSeverity.WARN,
        description=said(year, found) or none,
        metadata=metadata(found),
    )


@dg.asset_check(
    asset=gx_warehouse,
    partitions_def=yearly_partitions,
    pool="duckdb",
    description="No page of the year was quarantined for a failure of the parser itself (an "
    "exception of its own, its time limit, its worker's crash) rather than for what the page "
    "is: such pages WARN, naming each with its failure (table quarantine); their figures are "
    "in no fact table until the parser is fixed. The run stays green.",
)
def no_page_failed_by_the_parser(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    return _warn_on_pages(
        context,
        warehouse,
        parser_failures,
        parser_failures_said,
        "The parser failed on no page.",
        lambda failed: {"parser_failures": dg.MetadataValue.json(dict(failed))},
    )


def parser_failures(conn: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str]]:
    """The year's pages quarantined for a failure of the parser itself (an exception of its
    own, its time limit, its worker's crash), not for what the page is: (source, reason)."""
    return conn.execute(
        "select source, reason from quarantine where report_year = $year and "
        "(starts_with(reason, 'parser error:') or starts_with(reason, $slow) or reason = $died) "
        "order by source",
        {"year": year, "slow": TOO_SLOW, "died": WORKER_DIED},
    ).fetchall()


def parser_failures_said(year: int | str, failed: list[tuple[str, str]]) -> str:
    """One line naming the pages the parser failed on ("" when none): each was quarantined and
    the year went on (`ok`), their figures in no fact table, which the quarantine alone does
    not tell from a page with no report on it. The check's description, and what `gx run`
    prints."""
    if not failed:
        return ""
    named = "; ".join(f"{source} ({reason})" for source, reason in failed[:NAMED])
    more = f"; … and {len(failed) - NAMED} more (table quarantine)" if len(failed) > NAMED else ""
    return (
        f"report year {year}: the parser failed on {len(failed)} page(s), quarantined, their "
        f"figures in no fact table (a defect of the parser, not of the page): {named}{more}"
    )


def lost_reports_said(year: int | str, lost: list[tuple[str, str | None, str]]) -> str:
    """One line naming the year's lost reports ("" when none), each page with the agency whose
    report it was and why: the check's description, and what `gx run` and `gx status` print."""
    if not lost:
        return ""
    named = "; ".join(
        f"{source}: {_whose(agency)} ({reason})" for source, agency, reason in lost[:NAMED]
    )
    more = f"; … and {len(lost) - NAMED} more (table lost_reports)" if len(lost) > NAMED else ""
    were = "report was" if len(lost) == 1 else "reports were"
    return (
        f"report year {year}: {len(lost)} page(s) whose {were} loaded at an earlier load "
        f"are quarantined, gone or hold another report now, their figures in no fact table: "
        f"{named}{more}"
    )


def _whose(agency: str | None) -> str:
    return f"{agency}'s report" if agency else "a report naming no agency"


def _more(listed: int, total: int) -> str:
    return f"\n… and {total - listed} more.\n" if total > listed else ""
