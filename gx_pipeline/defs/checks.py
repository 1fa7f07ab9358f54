"""Tally identities as a blocking, per-year asset check on the warehouse.

The identities are evaluated in SQL on the rows as stored (sql/queries/tally_evaluate.sql, with
the terms of gx_pipeline.tally), every evaluation is kept in tally_results with each report's
summary in dim_report (tally_passed/_failed/_not_assessable), and the check fails when any report
contradicts itself.
Failing reports stay in the facts, flagged by tally_results: numbers are never corrected. A
blocking check cannot undo the write it checks; it stops steps downstream and fails the run.
"""

import warnings
from collections import Counter

import dagster as dg

from gx_pipeline.defs.assets import gx_warehouse
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import Warehouse
from gx_pipeline.staging import schemas
from gx_pipeline.warehouse import evaluate_tally, record_tally, year_rows

#: rows of the failing-report table shown in the check's metadata
_MAX_LISTED = 200


# partitions_def on a check is a Preview API in Dagster 1.13 (pinned exactly in pyproject.toml);
# without it the check's status would not be kept per report year
warnings.filterwarnings("ignore", message="Specifying a partitions_def on an AssetCheckSpec")


@dg.asset_check(
    asset=gx_warehouse,
    partitions_def=yearly_partitions,
    blocking=True,
    pool="duckdb",
    description="Every loaded report of the year satisfies the tally identities of the contract "
    "(requests.balance, results_sum, other_sum, row_total; appeals.row_total).",
)
def reports_satisfy_tally_identities(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    year = int(context.partition_key)
    with warehouse.connect() as conn:
        results = schemas.TallyResults.validate(evaluate_tally(conn, year), lazy=True)
        # tally_results and dim_report's per-report quality summary, in one transaction
        record_tally(conn, year, results)
        dim = year_rows(conn, "dim_report", year)

    by_id = dim.set_index("report_id")
    failed = results[results["status"] == "fail"]
    failing = [
        {
            "agency": by_id.at[t.report_id, "agency"],
            "source": by_id.at[t.report_id, "source"],
            "identity": t.identity,
            "subject": t.subject,
            "left": t.left_value,
            "right": t.right_value,
            "difference": t.difference,
        }
        for t in failed.itertuples(index=False)
    ]
    statuses = Counter(results["status"])
    failing_sources = sorted({f["source"] for f in failing})
    not_assessable_reports = set(results.loc[results["status"] == "not_assessable", "report_id"])
    needs_review = dim[dim["trust_status"] == "needs_review"]
    reasons = Counter(r for listed in needs_review["trust_reasons"] for r in listed)
    return dg.AssetCheckResult(
        passed=not failing,
        description=(
            f"{len(failing_sources)} of {len(dim)} reports contradict themselves"
            if failing
            else f"no report of {len(dim)} contradicts itself"
        ),
        # every count in one JSON value: numbers in a partitioned check's metadata are drawn
        # as one line over the evaluations in time, every year's figures joined into one
        # series, which reads like a trend and is none
        metadata={
            "counts": dg.MetadataValue.json(
                {
                    "reports": len(dim),
                    "evaluations": len(results),
                    "passed_evaluations": statuses["pass"],
                    "failed_evaluations": statuses["fail"],
                    "not_assessable": statuses["not_assessable"],
                    "not_assessable_reports": len(not_assessable_reports),
                    "failing_report_count": len(failing_sources),
                    "clean_reports": len(dim) - len(needs_review),
                    "needs_review_reports": len(needs_review),
                    "needs_review": dict(sorted(reasons.items())),
                }
            ),
            "failing_reports": dg.MetadataValue.json(failing_sources),
            "failures": dg.MetadataValue.md(_markdown(failing)),
        },
    )


def _markdown(failing: list[dict]) -> str:
    if not failing:
        return "No identity fails."
    head = "| agency | source | identity | subject | left | right | difference |\n"
    head += "|---|---|---|---|---|---|---|\n"
    body = "".join(
        f"| {f['agency'] or ''} | {f['source']} | {f['identity']} | {f['subject']} "
        f"| {f['left']:g} | {f['right']:g} | {f['difference']:g} |\n"
        for f in failing[:_MAX_LISTED]
    )
    more = f"\n… and {len(failing) - _MAX_LISTED} more.\n" if len(failing) > _MAX_LISTED else ""
    return head + body + more
