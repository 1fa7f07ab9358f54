"""Materialize report years through Dagster and print what each year loaded.

    python -m gx_pipeline.run            # every year with a data/raw/<year>/ folder
    python -m gx_pipeline.run 2020 2021  # just these

With DAGSTER_HOME set the runs are recorded in that instance (and show up in `make ui`).
"""

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from gx_pipeline.definitions import build_definitions
from gx_pipeline.partitions import yearly_partitions
from gx_pipeline.resources import Warehouse, data_dir

SUMMARY_SQL = """
select
    (select count(*) from dim_report where report_year = $year) as loaded,
    (select count(*) from quarantine where report_year = $year) as quarantined,
    (select count(distinct report_id) from tally_results
        where report_year = $year and status = 'fail') as failing,
    (select count(distinct report_id) from tally_results
        where report_year = $year and status = 'not_assessable') as not_assessable_reports,
    (select count(*) from tally_results
        where report_year = $year and status = 'not_assessable') as not_assessable
"""


#: the summary table is the output; Dagster's step-by-step log stays in the run record
_QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass(frozen=True)
class YearSummary:
    year: str
    run_ok: bool
    check_passed: bool | None
    loaded: int
    quarantined: int
    failing: int
    not_assessable_reports: int
    not_assessable: int


def available_years(root: Path | None = None) -> list[str]:
    """Partition keys that have a raw folder; all partitions when none has one."""
    root = Path(root) if root is not None else data_dir()
    keys = yearly_partitions.get_partition_keys()
    present = [k for k in keys if (root / "raw" / k).is_dir()]
    return present or keys


def materialize_years(
    years: Iterable[str | int],
    instance: dg.DagsterInstance | None = None,
    data_dir_path: Path | None = None,
) -> list[YearSummary]:
    """One run of gx_yearly_job per year (one partition per run), then a summary per year."""
    defs = build_definitions(data_dir_path)
    job = defs.resolve_job_def("gx_yearly_job")
    if instance is None and os.environ.get("DAGSTER_HOME"):
        instance = dg.DagsterInstance.get()
    warehouse: Warehouse = defs.resources["warehouse"]
    summaries = []
    for year in years:
        key = str(year)
        result = job.execute_in_process(
            partition_key=key, instance=instance, raise_on_error=False, run_config=_QUIET
        )
        checks = [e.passed for e in result.get_asset_check_evaluations()]
        for event in result.all_events:
            # a failing tally check is reported in the table; anything else is shown here
            if event.is_step_failure and event.step_key and "tally" not in event.step_key:
                print(f"{key}: {event.step_key} failed: {event.message}", file=sys.stderr)
        with warehouse.connect() as conn:
            row = conn.execute(SUMMARY_SQL, {"year": int(key)}).fetchone()
        summaries.append(YearSummary(key, result.success, all(checks) if checks else None, *row))
    return summaries


def format_summary(summaries: list[YearSummary]) -> str:
    head = (
        "year",
        "run",
        "tally check",
        "loaded",
        "quarantined",
        "failing tally",
        "not-assessable reports",
        "not-assessable evaluations",
    )
    rows = [
        (
            s.year,
            "ok" if s.run_ok else ("check failed" if s.check_passed is False else "FAILED"),
            {True: "passed", False: "FAILED", None: "not run"}[s.check_passed],
            str(s.loaded),
            str(s.quarantined),
            str(s.failing),
            str(s.not_assessable_reports),
            str(s.not_assessable),
        )
        for s in summaries
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [line.format(*head), line.format(*("-" * w for w in widths))]
        + [line.format(*r) for r in rows]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("years", nargs="*", help="report years (default: all with raw pages)")
    args = parser.parse_args(argv)
    years = args.years or available_years()
    summaries = materialize_years(years)
    print(format_summary(summaries))
    # a year whose reports contradict themselves is still loaded (and flagged in
    # tally_results): only a run that broke otherwise is an error
    return 0 if all(s.run_ok or s.check_passed is False for s in summaries) else 1


if __name__ == "__main__":
    raise SystemExit(main())
