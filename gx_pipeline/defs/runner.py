"""Materialize report years through Dagster and print what each year loaded.

    python -m gx_pipeline.defs.runner            # every year with a data/raw/<year>/ folder
    python -m gx_pipeline.defs.runner 2020 2021  # just these
    gx run --years 2019-2025             # the same, with a progress line per step

Each year is one run of gx_yearly_job from the code location's Definitions, exactly what the
UI launches. With DAGSTER_HOME set the runs are recorded in that instance (and show up in
`make ui`), and the `duckdb` pool of its dagster.yaml applies: a run here waits for a UI run's
warehouse write instead of failing on the lock.
"""

import argparse
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import dagster as dg
import duckdb

from gx_pipeline.datadir import data_dir
from gx_pipeline.definitions import build_definitions
from gx_pipeline.defs.automation import INTERVAL_S, SENSOR_NAME, sensor_state, stale_since, stamp
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import Warehouse
from gx_pipeline.defs.staleness import (
    WAREHOUSE,
    AssetGraph,
    code_versions,
    plan,
    year_states,
)

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


#: (year, step key, what happened: "started" | "succeeded" | "failed" | "retrying", steps done,
#: steps in the run, when it happened as a Unix timestamp)
Progress = Callable[[str, str, str, int, int, float], None]

_STEP_EVENTS = {
    dg.DagsterEventType.STEP_START: "started",
    dg.DagsterEventType.STEP_SUCCESS: "succeeded",
    dg.DagsterEventType.STEP_FAILURE: "failed",
    dg.DagsterEventType.STEP_UP_FOR_RETRY: "retrying",
}


def _execute_with_progress(
    job: dg.JobDefinition,
    key: str,
    instance: dg.DagsterInstance,
    progress: Progress | None,
) -> dg.ExecuteInProcessResult:
    """Run one partition; meanwhile report its step events as the instance records them."""
    run_id = str(uuid.uuid4())
    outcome: dict[str, object] = {}

    def execute() -> None:
        try:
            outcome["result"] = job.execute_in_process(
                partition_key=key,
                instance=instance,
                raise_on_error=False,
                run_config=_QUIET,
                run_id=run_id,
            )
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = err

    worker = threading.Thread(target=execute, name=f"gx-run-{key}", daemon=True)
    worker.start()
    total = len(job.graph.node_dict)
    done = 0
    cursor = None
    while True:
        finished = not worker.is_alive()
        if progress is not None:
            records = instance.get_records_for_run(run_id, cursor, of_type=set(_STEP_EVENTS))
            cursor = records.cursor
            for record in records.records:
                event = record.event_log_entry.dagster_event
                what = _STEP_EVENTS[event.event_type]
                done += what in ("succeeded", "failed")
                at = record.event_log_entry.timestamp
                progress(key, event.step_key or "", what, done, total, at)
        if finished:
            break
        worker.join(0.2)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def local_instance() -> dg.DagsterInstance | None:
    """The Dagster instance under $DAGSTER_HOME (created if the folder is missing, as on a fresh
    clone before the first `make ui`), or None when DAGSTER_HOME is not set."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        return None
    Path(home).expanduser().mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.get()


def materialize_years(
    years: Iterable[str | int],
    instance: dg.DagsterInstance | None = None,
    data_dir_path: Path | None = None,
    progress: Progress | None = None,
) -> list[YearSummary]:
    """One run of gx_yearly_job per year (one partition per run), then a summary per year."""
    defs = build_definitions(data_dir_path)
    job = defs.resolve_job_def("gx_yearly_job")
    if instance is None:
        instance = local_instance() or dg.DagsterInstance.ephemeral()
    warehouse: Warehouse = defs.resources["warehouse"]
    outcomes = []
    for year in years:
        key = str(year)
        result = _execute_with_progress(job, key, instance, progress)
        checks = [e.passed for e in result.get_asset_check_evaluations()]
        for event in result.all_events:
            # a failing tally check is reported in the table; anything else is shown here
            if event.is_step_failure and event.step_key and "tally" not in event.step_key:
                print(f"{key}: {event.step_key} failed: {event.message}", file=sys.stderr)
        outcomes.append((key, result.success, all(checks) if checks else None))
    # the counts once all years ran: one connection, not one per year
    with warehouse.connect(publish=False) as conn:  # a read: nothing to publish
        return [
            YearSummary(
                key, ok, passed, *conn.execute(SUMMARY_SQL, {"year": int(key)}).fetchall()[0]
            )
            for key, ok, passed in outcomes
        ]


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
    return _table(head, rows)


def parse_years(spec: str) -> list[str]:
    """ "2019-2025", "2019,2021", "2020" or a mix ("2019-2020,2023") as partition keys."""
    keys = yearly_partitions.get_partition_keys()
    years: list[str] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        first, _, last = part.partition("-")
        for year in range(int(first), int(last or first) + 1):
            if str(year) not in keys:
                raise ValueError(f"{year} is not a report year ({keys[0]}..{keys[-1]})")
            years.append(str(year))
    return list(dict.fromkeys(years))


class StepProgress:
    """A progress line on stderr per step: which year of how many, a bar of the run's steps."""

    def __init__(self, years: list[str], stream: TextIO | None = None) -> None:
        self.years = years
        self.stream = stream
        self.started: dict[tuple[str, str], float] = {}

    def __call__(self, year: str, step: str, what: str, done: int, total: int, at: float) -> None:
        if what == "started":
            self.started[(year, step)] = at
            return
        took = at - self.started.get((year, step), at)
        bar = "#" * done + "." * max(total - done, 0)
        position = f"{self.years.index(year) + 1}/{len(self.years)}" if year in self.years else ""
        print(
            f"year {position} {year} [{bar}] {done}/{total} {step} {what} ({took:.1f} s)",
            file=self.stream or sys.stderr,
            flush=True,
        )


@dataclass(frozen=True)
class YearStatus:
    year: str
    loaded: int
    by_template: str
    quarantined: int
    by_stage: str
    failing: int
    not_assessable_reports: int
    #: dim_report.parser_version of the year's reports ("" when none is loaded)
    parser_versions: str
    last_run: str


_STATUS_SQL = """
select
    (select count(*) from dim_report where report_year = $year),
    (select coalesce(string_agg(template || ': ' || n, ', ' order by template), '')
        from (select coalesce(template, '?') as template, count(*) as n from dim_report
              where report_year = $year group by all)),
    (select count(*) from quarantine where report_year = $year),
    (select coalesce(string_agg(stage || ': ' || n, ', ' order by stage), '')
        from (select stage, count(*) as n from quarantine where report_year = $year group by all)),
    (select count(distinct report_id) from tally_results
        where report_year = $year and status = 'fail'),
    (select count(distinct report_id) from tally_results
        where report_year = $year and status = 'not_assessable'),
    (select coalesce(string_agg(distinct parser_version, ', ' order by parser_version), '')
        from dim_report where report_year = $year)
"""


def last_runs(instance: dg.DagsterInstance, years: Iterable[str]) -> dict[str, str]:
    """Status and start time of the latest gx_yearly_job run of each year in the instance."""
    out = {}
    for year in years:
        runs = instance.get_runs(
            filters=dg.RunsFilter(job_name="gx_yearly_job", tags={"dagster/partition": year}),
            limit=1,
        )
        if runs:
            record = instance.get_run_record_by_id(runs[0].run_id)
            started = record.start_time if record else None
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(started)) if started else ""
            out[year] = f"{runs[0].status.value.lower()} {when}".strip()
    return out


def year_status(
    database: Path, years: Iterable[str], runs: dict[str, str] | None = None
) -> list[YearStatus]:
    """Per report year, what the warehouse holds (read-only) and the last run's status."""
    years = list(years)
    runs = runs or {}
    rows = {y: (0, "", 0, "", 0, 0, "") for y in years}
    if Path(database).is_file():
        conn = duckdb.connect(str(database), read_only=True)
        try:
            if conn.execute(
                "select count(*) from information_schema.tables where table_name = 'tally_results'"
            ).fetchone()[0]:
                for y in years:
                    rows[y] = conn.execute(_STATUS_SQL, {"year": int(y)}).fetchone()
        finally:
            conn.close()
    return [YearStatus(y, *rows[y], runs.get(y, "never run")) for y in years]


def format_status(rows: list[YearStatus]) -> str:
    head = (
        "year",
        "loaded",
        "templates",
        "quarantined",
        "by stage",
        "failing tally",
        "not-assessable reports",
        "last run",
    )
    body = [
        (
            r.year,
            str(r.loaded),
            r.by_template or "-",
            str(r.quarantined),
            r.by_stage or "-",
            str(r.failing),
            str(r.not_assessable_reports),
            r.last_run,
        )
        for r in rows
    ]
    return _table(head, body)


def format_automation(
    instance: dg.DagsterInstance,
    raw_dir: Path,
    statuses: list[YearStatus],
    asset_graph: AssetGraph,
    now: float | None = None,
) -> str:
    """What stale_years_sensor sees and will do, per year: the parser the warehouse rows were
    read with, current or stale (and why), since when, and the automation's next step. Only
    reads: the instance and the raw folders' file sizes and times."""
    versions = code_versions(asset_graph)
    sensor = sensor_state(instance)
    with_folder = [r.year for r in statuses if (raw_dir / r.year).is_dir()]
    states = {s.year: s for s in year_states(instance, versions, raw_dir, with_folder)}
    decided = plan(instance, list(states.values()))
    since = stale_since(sensor.cursor)
    now = time.time() if now is None else now
    if not sensor.running:
        head = f"automation: {SENSOR_NAME} is stopped (paused): nothing runs until it is started"
    elif sensor.last_look is None:
        head = f"automation: {SENSOR_NAME} is on; it looks while `make ui` (dagster dev) runs"
    else:
        head = (
            f"automation: {SENSOR_NAME} is on, looks every {INTERVAL_S} s, "
            f"last {stamp(sensor.last_look)}"
        )
        if now - sensor.last_look > 5 * INTERVAL_S:
            head += " (not looking now: is `make ui` running?)"
    head += f"; parser now {versions[WAREHOUSE]}"
    rows = []
    for r in statuses:
        state = states.get(r.year)
        if state is None:
            rows.append((r.year, r.parser_versions or "-", "no raw folder", "-", "-"))
            continue
        seen = since.get(r.year)
        rows.append(
            (
                r.year,
                r.parser_versions or "-",
                f"stale: {'+'.join(state.reasons)}" if state.stale else "current",
                stamp(seen[1]) if state.stale and seen and seen[0] == state.run_key else "-",
                ("paused" if not sensor.running else decided.next_for(r.year, looking=False))
                if state.stale
                else "-",
            )
        )
    table = _table(("year", "parser", "state", "since", "next"), rows)
    why = [f"  {s.year}: {s.detail}" for s in decided.queue]
    return "\n".join([head, table, *(["why:", *why] if why else [])])


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [line.format(*head), line.format(*("-" * w for w in widths))]
        + [line.format(*r) for r in rows]
    )


def exit_code(summaries: list[YearSummary]) -> int:
    # a year whose reports contradict themselves is still loaded (and flagged in
    # tally_results): only a run that broke otherwise is an error
    return 0 if all(s.run_ok or s.check_passed is False for s in summaries) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("years", nargs="*", help="report years (default: all with raw pages)")
    args = parser.parse_args(argv)
    years = args.years or available_years()
    summaries = materialize_years(years)
    print(format_summary(summaries))
    return exit_code(summaries)


if __name__ == "__main__":
    raise SystemExit(main())
