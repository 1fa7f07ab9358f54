"""Materialize report years through Dagster and print what each year loaded.

    python -m gx_pipeline.defs.runner            # every year with a data/raw/<year>/ folder
    python -m gx_pipeline.defs.runner 2020 2021  # just these
    gx run --years 2019-2025             # the same, with a progress line per step

Each year is one run of gx_yearly_job from the code location's Definitions, exactly what the
UI launches. The runs are recorded in the project's instance ($DAGSTER_HOME, else
`.dagster_home` of the repository, as `make` sets it), so they show up in `make ui`, and the
`duckdb` pool of its dagster.yaml applies: a run here waits for a UI run's warehouse write
instead of failing on the lock. Before the first run, runs whose process is gone (killed) are
marked failed and their pool slots freed (gx_pipeline.defs.liveness).
"""

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import stat
import sys
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

import dagster as dg
import duckdb

# Dagster 1.13 keeps these outside its public API; it is pinned exactly (pyproject.toml)
from dagster._core.execution.backfill import BulkActionsFilter, BulkActionStatus
from dagster._core.storage.tags import BACKFILL_ID_TAG

from gx_pipeline.datadir import data_dir
from gx_pipeline.definitions import build_definitions
from gx_pipeline.defs import cancels
from gx_pipeline.defs.automation import INTERVAL_S, SENSOR_NAME, sensor_state, stale_since, stamp
from gx_pipeline.defs.checks import (
    TALLY_CHECK,
    lost_reports_said,
    parser_failures,
    parser_failures_said,
)
from gx_pipeline.defs.derived import derived_out_of_date, refresh_derived
from gx_pipeline.defs.home import dagster_home, local_instance
from gx_pipeline.defs.liveness import (
    HOST_TAG,
    PID_TAG,
    PROVINCE_TAG,
    as_recorded,
    describe_run,
    one_look,
    own_tags,
    process_gone,
    release_dead_runs,
    runs_of_year,
    stages_in_use,
    stuck_runs_said,
    unaccounted_said,
    unfinished_runs_of_year,
    where_it_runs,
)
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import RawPages, Warehouse
from gx_pipeline.defs.staleness import (
    WAREHOUSE,
    AssetGraph,
    code_versions,
    plan,
    unfinished_run_of,
    year_states,
    years_with_folders,
)
from gx_pipeline.diskspace import explain_text
from gx_pipeline.documents.word import end_orphaned_conversions
from gx_pipeline.machine import process_said, process_state
from gx_pipeline.parsing.page import version_order
from gx_pipeline.staging import claims
from gx_pipeline.staging.inventory import safe_name
from gx_pipeline.staging.parts import discard_year
from gx_pipeline.warehouse import copies_left_behind, entries_by_year, lost_reports
from gx_pipeline.warehouse.files import WAIT_NOTE, lock_holder

SUMMARY_SQL = """
select
    (select count(*) from dim_report where report_year = $year) as loaded,
    (select count(*) from quarantine where report_year = $year) as quarantined,
    (select count(distinct report_id) from tally_results
        where report_year = $year and status = 'fail') as failing,
    (select count(*) from dim_report
        where report_year = $year and trust_status = 'needs_review') as needs_review,
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
    #: "ERROR" (the run failed on it) or "WARN" (reports contradict themselves), None: not run
    check_severity: str | None
    loaded: int
    quarantined: int
    failing: int
    needs_review: int
    not_assessable_reports: int
    not_assessable: int
    #: pages whose reports were loaded at an earlier load and are in no fact table now
    #: (quarantined, gone, overwritten with another report): (source, agency, reason)
    lost: tuple[tuple[str, str | None, str], ...] = ()
    #: why the run failed: the failing steps and their errors
    cause: str = ""
    #: the signal that stopped `gx run` during (or right before) this year's run, 0: none.
    #: SIGINT (Ctrl-C), SIGTERM (a supervisor, `kill`) or SIGHUP (the terminal closed): the
    #: years after it were not run
    interrupted: int = 0


def available_years(root: Path | None = None) -> list[str]:
    """Partition keys that have a raw folder; all partitions when none has one."""
    root = Path(root) if root is not None else data_dir()
    keys = yearly_partitions.get_partition_keys()
    present = [k for k in keys if (root / "raw" / k).is_dir()]
    return present or keys


#: (year, step key, what happened: "started" | "succeeded" | "failed" | "retrying", steps done,
#: steps in the run, when it happened as a Unix timestamp)
Progress = Callable[[str, str, str, int, int, float], None]

#: how long the end of a year's run waits for the progress thread's last look
LAST_PROGRESS_S = 10.0

_STEP_EVENTS = {
    dg.DagsterEventType.STEP_START: "started",
    dg.DagsterEventType.STEP_SUCCESS: "succeeded",
    dg.DagsterEventType.STEP_FAILURE: "failed",
    dg.DagsterEventType.STEP_UP_FOR_RETRY: "retrying",
}
#: the events the progress thread reads: the steps', and the engine's (a step blocked by a pool)
_WATCHED = {*_STEP_EVENTS, dg.DagsterEventType.ENGINE_EVENT}

#: how often a step waiting for a pool slot is said again (Dagster's own note: every 5 min)
WAIT_SAID_S = 60.0
#: how often, while a step waits for a pool slot, runs whose process is gone are released
DEAD_LOOK_S = 2.0


def _pool_blocking(event: dg.DagsterEvent) -> str | None:
    """The pool whose limit blocks the step, when `event` is Dagster's note of it ("Step
    blocked by limit for pool duckdb": an engine event with the pool in its metadata)."""
    metadata = getattr(event.event_specific_data, "metadata", None) or {}
    pool = metadata.get("pool")
    if pool is None or "blocked" not in (event.message or ""):
        return None
    return str(getattr(pool, "value", pool))


def _pool_wait_said(
    instance: dg.DagsterInstance, step: str, pool: str, own_run: str, waited: float
) -> str:
    """What a step blocked by `pool` waits for, in one line: the run holding the slot, its
    process (stopped, if /proc says so) and the way out."""
    so_far = f", {_duration(waited)} so far" if waited else ""
    head = f"{step} waits for the {pool} slot (one warehouse writer at a time){so_far}"
    try:
        claimed = [
            c
            for c in instance.event_log_storage.get_concurrency_info(pool).claimed_slots
            if c.run_id != own_run
        ]
    except Exception:  # noqa: BLE001 - the line without its holder, not no line
        claimed = []
    if not claimed:
        return f"{head}: its holder is not known here; `make ui` shows the runs in flight"
    holders = []
    for slot in claimed:
        run = instance.get_run_by_id(slot.run_id)
        run = as_recorded(instance, run) if run is not None else None
        said = describe_run(run) if run is not None else f"run {slot.run_id[:8]}"
        said += f" ({slot.step_key})" if slot.step_key else ""
        pid = run.tags.get(PID_TAG, "") if run is not None else ""
        here = run is not None and run.tags.get(HOST_TAG) == socket.gethostname()
        if pid.isdigit() and here:
            # a stopped process takes SIGTERM only once continued: SIGKILL ends it at once
            kill = "kill -9" if process_state(int(pid)) in ("T", "t") else "kill"
            said += f", {process_said(int(pid))}; `{kill} {pid}` ends it, and this run then "
            said += "frees its slot"
        elif run is not None and run.tags.get(HOST_TAG):
            said += f", on {run.tags[HOST_TAG]}"
        else:
            said += ", launched from the UI (`make ui` shows it, and cancels it)"
        holders.append(said)
    return (
        f"{head}: held by {'; '.join(holders)}. Ctrl-C (or `kill {os.getpid()}`) ends this run "
        "while it waits, withdrawing its place in line"
    )


def _retry_said(event: dg.DagsterEvent, count: int) -> str:
    """Why a step is tried again, in one line: the file and the process holding its lock, or
    the first line of the innermost error."""
    data = event.step_retry_data
    wait = f" in {data.seconds_to_wait:g} s" if data.seconds_to_wait else ""
    error = data.error
    while error.cause is not None:
        error = error.cause
    text = error.message.strip()
    held = lock_holder(text)
    if held is None:
        why = text.splitlines()[0] if text else (error.cls_name or "failed")
    else:
        file, pid = held
        who = process_said(pid) if pid is not None else "another process"
        why = (
            f"{file} is held open by {who}, a session that opened it (read-only too: DuckDB "
            "locks the file for any connection) or a run outside the duckdb pool"
            + (f"; close that session or `kill {pid}`" if pid is not None else "")
        )
    return f"{event.step_key} is tried again{wait} (retry {count}): {why}"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _execute_with_progress(
    job: dg.JobDefinition,
    key: str,
    instance: dg.DagsterInstance,
    progress: Progress | None,
    run_config: dict,
    stream: TextIO | None = None,
    staging: Path | None = None,
    waits_ended: list[tuple[str, bool]] | None = None,
) -> dg.ExecuteInProcessResult:
    """Run one partition; meanwhile report its step events as the instance records them, and
    say on `stream` (default stderr), with or without progress, why a step waits: a retry's
    cause, and the run that holds the pool slot a step waits for (at once, then every
    WAIT_SAID_S seconds).

    The run executes in this (the main) thread and a thread reports: a step that parses in this
    process limits the time a page may take with a timer signal, which only the main thread
    receives (gx_pipeline.staging.pool.time_limit). An interrupt while a step waits ends the
    run, and so does a cancel of its run from outside (the UI's Terminate: gx_pipeline.defs.
    cancels); what it waited for, and whether a cancel ended it, is added to `waits_ended`."""
    run_id = str(uuid.uuid4())
    waits_ended = [] if waits_ended is None else waits_ended
    total = len(job.graph.node_dict)
    finished = threading.Event()

    def say(line: str) -> None:
        print(f"{key}: {line}", file=stream or sys.stderr, flush=True)

    def report() -> None:
        done = 0
        cursor = None
        retries: dict[str, int] = {}
        #: step -> (the pool it waits for, since, last said), monotonic times
        waiting: dict[str, tuple[str, float, float]] = {}
        looked = 0.0
        while True:
            last = finished.is_set()  # read before the records: the last events are in them
            try:
                # every record: a step's log lines are no Dagster events (of_type drops them)
                records = instance.get_records_for_run(run_id, cursor)
            except Exception as err:  # noqa: BLE001 - the run goes on without progress lines
                # the instance's storage cannot be read (its disk full, say): the run itself
                # fails on it, or not, and says why; no thread's traceback here
                print(f"gx run: no more progress lines: {err}", file=sys.stderr)
                return
            cursor = records.cursor
            now = time.monotonic()
            for record in records.records:
                entry = record.event_log_entry
                event = entry.dagster_event
                if event is None:
                    # a step waiting for a warehouse file another process holds: said in its
                    # log at once (the console logger is quiet), so said here too
                    if entry.user_message.startswith(WAIT_NOTE):
                        say(f"{entry.step_key or 'a step'}: {entry.user_message}")
                    continue
                if event.event_type not in _WATCHED:
                    continue
                step = event.step_key or ""
                if event.event_type == dg.DagsterEventType.ENGINE_EVENT:
                    pool = _pool_blocking(event)
                    if pool is not None and step not in waiting:
                        waiting[step] = (pool, now, now)
                        say(_pool_wait_said(instance, step, pool, run_id, 0.0))
                    continue
                what = _STEP_EVENTS[event.event_type]
                if what == "started" and step in waiting:
                    pool, since, _ = waiting.pop(step)
                    say(f"{step} has the {pool} slot after {_duration(now - since)} of waiting")
                done += what in ("succeeded", "failed")
                at = record.event_log_entry.timestamp
                if progress is not None:
                    progress(key, step, what, done, total, at)
                if what == "retrying":  # after its progress line: why it is tried again
                    retries[step] = retries.get(step, 0) + 1
                    say(_retry_said(event, retries[step]))
            if waiting and now - looked >= DEAD_LOOK_S:
                # a holder killed while this run waits keeps its slot until someone frees it
                looked = now
                try:
                    dead_runs = release_dead_runs(
                        instance, "gx run, waiting for its pool slot", staging
                    )
                except Exception:  # noqa: BLE001 - one look missed, the next one reads again
                    # the run records cannot be read now (locked by another process for 5 s
                    # and more, a database server restarting): the thread ended with a
                    # traceback here, and the progress lines with it
                    dead_runs = []
                for dead in dead_runs:
                    say(f"run {dead.run_id} ({dead.partition or '-'}): {dead.why}")
            for step, (pool, since, said) in list(waiting.items()):
                if now - said >= WAIT_SAID_S:
                    waiting[step] = (pool, since, now)
                    say(_pool_wait_said(instance, step, pool, run_id, now - since))
            if last:
                return
            finished.wait(0.2)

    reporter = threading.Thread(target=report, name=f"gx-progress-{key}", daemon=True)
    reporter.start()
    try:
        return job.execute_in_process(
            partition_key=key,
            instance=instance,
            raise_on_error=False,
            run_config=run_config,
            run_id=run_id,
            # the process that runs it, for the next run's check on dead runs
            tags=own_tags(os.getpid()),
        )
    finally:
        if run_id in cancels.ENDED:
            waits_ended.append(cancels.ENDED.pop(run_id))
        # the run's claim on its year in the data folder ends with the run, not with gx run
        claims.let_go(run_id)
        finished.set()
        # its last look is one read of the run's events; a read that never returns (the
        # storage locked, a lock left held) must not hold gx run: left, it ends with it
        reporter.join(LAST_PROGRESS_S)


def materialize_years(
    years: Iterable[str | int],
    instance: dg.DagsterInstance | None = None,
    data_dir_path: Path | None = None,
    progress: Progress | None = None,
    allow_shrink: bool = False,
    stream: TextIO | None = None,
    page_seconds: float | None = None,
) -> list[YearSummary]:
    """One run of gx_yearly_job per year (one partition per run), then a summary per year.

    `page_seconds`: ParseConfig.page_seconds for every year (None: its default). Runs of the
    instance whose process is gone are released first (said on `stream`, default
    stderr), and every failing step's error is printed there as it ends."""
    stream = stream or sys.stderr
    defs = build_definitions(data_dir_path)
    job = defs.resolve_job_def("gx_yearly_job")
    if instance is None:
        instance = local_instance()
    run_config: dict = dict(_QUIET)
    ops: dict = {}
    if allow_shrink:
        ops["gx_warehouse"] = {"config": {"allow_shrink": True}}
    if page_seconds is not None:
        ops["parsed_reports"] = {"config": {"page_seconds": page_seconds}}
    if ops:
        run_config["ops"] = ops
    warehouse: Warehouse = defs.resources["warehouse"]
    raw_pages: RawPages = defs.resources["raw_pages"]
    with _signals_received() as received, _stop_requested_on(STOP_SIGNALS) as run_executing:
        for dead in release_dead_runs(instance, staging=raw_pages.staging_dir):
            print(f"gx run: run {dead.run_id} ({dead.partition or '-'}): {dead.why}", file=stream)
        if left := end_orphaned_conversions():
            print(
                f"gx run: ended {len(left)} process(es) of a Word conversion whose run was killed "
                f"(pids {', '.join(map(str, left))})",
                file=stream,
            )
        for line in refresh_derived(warehouse):
            print(f"gx run: {line}", file=stream)
        if behind := warehouse.files.behind():
            # a session held the copy at the last write: published now, whatever the years do
            done = warehouse.publish()
            print(
                f"gx run: {behind.replace(' is behind', ' was behind', 1)}: "
                + ("published now" if done.replaced else f"still not published: {done.note}"),
                file=stream,
            )
        outcomes = _run_years(
            job,
            instance,
            progress,
            run_config,
            stream,
            list(years),
            received,
            run_executing,
            raw_pages.staging_dir,
        )
        return _summaries(outcomes, instance, warehouse, raw_pages, stream)


def _summaries(
    outcomes: list[tuple],
    instance: dg.DagsterInstance,
    warehouse: Warehouse,
    raw_pages: RawPages,
    stream: TextIO,
) -> list[YearSummary]:
    for key, ok, _, _, cause, _ in outcomes:
        if not ok and not cause.startswith((LEFT_TO, NOT_STARTED)):
            # the next run stages the year afresh from its pages: what this one staged only
            # takes room, on a disk that may well be full (a run still going keeps its own)
            live = stages_in_use(instance, raw_pages.staging_dir, key)
            discard_year(raw_pages.staging_dir, int(key), keep=live)
    # the counts once all years ran: one connection, not one per year
    with warehouse.connect(publish=False) as conn:  # a read: nothing to publish
        # a fresh data folder whose first run failed has no tables yet: nothing is loaded
        # (not created here: a read must not need room on a disk that may be full)
        empty = not conn.execute(
            "select count(*) from duckdb_tables() where table_name = 'tally_results'"
        ).fetchone()[0]
        for other, sources in ({} if empty else copies_left_behind(conn)).items():
            print(
                f"gx run: report year {other}: {', '.join(sources)} quarantined for a copy no "
                f"longer loaded as its reason says: until `gx run --years {other}`, in no fact "
                "table",
                file=stream,
            )
        summaries = [
            YearSummary(
                key,
                ok,
                passed,
                severity,
                *((0,) * 6 if empty else conn.execute(SUMMARY_SQL, {"year": int(key)}).fetchone()),
                lost=() if empty else tuple(lost_reports(conn, int(key))),
                cause=cause,
                interrupted=stopped,
            )
            for key, ok, passed, severity, cause, stopped in outcomes
        ]
        failed = {} if empty else {key: parser_failures(conn, int(key)) for key, *_ in outcomes}
    for summary in summaries:
        if summary.lost:
            print(f"gx run: {lost_reports_said(summary.year, list(summary.lost))}", file=stream)
        if failed.get(summary.year):
            print(
                f"gx run: {parser_failures_said(summary.year, failed[summary.year])}", file=stream
            )
    return summaries


#: the cause of a year gx run leaves to another run in flight
LEFT_TO = "not run, left to the run in flight:"
#: the cause of a year not started: a stop signal came as the year before it ended
NOT_STARTED = "not started:"

#: the signals that stop `gx run` after the year they land in: Ctrl-C, what a supervisor,
#: `kill` or `timeout` send (Dagster maps SIGTERM to its interrupt while a run executes), and
#: SIGHUP, the terminal closed (handed to that interrupt by _stop_requested_on)
STOP_SIGNALS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}


def _run_years(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    progress: Progress | None,
    run_config: dict,
    stream: TextIO,
    years: list[str | int],
    received: Callable[[], set[int]],
    run_executing: Callable[[], contextlib.AbstractContextManager],
    staging: Path | None = None,
) -> list[tuple]:
    """One run per year, in order: each year's (key, run ok, check passed, check severity,
    causes, interrupted). Stops after a run an interrupt (Ctrl-C) ended."""
    outcomes: list[tuple] = []
    stops: set[int] = set()

    def stopped_by() -> int:
        """The stop signal received so far (Ctrl-C first), 0: none."""
        stops.update(s for s in received() if s in STOP_SIGNALS)
        return min(stops, default=0)

    for k, year in enumerate(years):
        key = str(year)
        later = ", ".join(str(y) for y in years[k + 1 :])
        live = unfinished_run_of(instance, key)
        if live is not None:
            # its staging folder is the live run's: a second run would load what that one
            # half-wrote, or discard what it is about to load
            cause = (
                f"{LEFT_TO} {describe_run(live)} is loading it "
                f"({live.status.value.lower()}; {where_it_runs(instance, live)}); run the year "
                "again once it has ended"
            )
            record = instance.get_run_record_by_id(live.run_id)
            if record is not None and (unknown := unaccounted_said(instance, record)):
                cause += f"; {unknown}"
            print(f"{key}: {cause}", file=stream)
            outcomes.append((key, False, None, None, cause, 0))
            continue
        if stop := stopped_by():
            # it came between two runs (or before the first), where no run could fail on it
            cause = f"{NOT_STARTED} {_stop_name(stop)} came before its run began"
            print(
                f"gx run: interrupted ({_stop_name(stop)}) before {key}"
                + (f"; not started: {key}, {later}" if later else f"; not started: {key}"),
                file=stream,
            )
            outcomes.append((key, False, None, None, cause, stop))
            break
        waits_ended: list[tuple[str, bool]] = []
        with run_executing():
            result = _execute_with_progress(
                job, key, instance, progress, run_config, stream, staging, waits_ended
            )
        evaluations = result.get_asset_check_evaluations()
        # the summary's "tally check" is that check's; a lost report has its own column
        tally = [e for e in evaluations if e.check_name == TALLY_CHECK]
        passed = all(e.passed for e in tally) if tally else None
        severity = None
        if tally and not passed:
            failed = [e for e in tally if not e.passed]
            error = any(e.severity == dg.AssetCheckSeverity.ERROR for e in failed)
            severity = "ERROR" if error else "WARN"
        causes = [
            f"{event.step_key} failed: {_cause(event, evaluations)}"
            for event in result.all_events
            if event.is_step_failure
        ]
        stop = stopped_by()
        ended = instance.get_run_by_id(result.run_id)
        if not stop and ended is not None and ended.status in cancels.CANCELED:
            # no signal here: the run was canceled from outside (the UI's Terminate); the
            # years after it go on
            waited = [what for what, _ in waits_ended]
            causes.insert(
                0,
                "its run was canceled from outside gx run (the Dagster UI's Terminate?)"
                + (f" while {waited[0]}" if waited else "")
                + ": nothing of it was loaded",
            )
        for cause in causes:
            print(f"{key}: {cause}", file=stream)
        # the interrupt reaches the step as Dagster's error, or as DuckDB's "Query interrupted"
        # when it lands in a query: the signal itself is what tells. One that lands as the run
        # ends fails no step (Dagster may record the run failed, or not): still a stop
        if not stop and not (ended is not None and ended.status in cancels.CANCELED):
            stop = signal.SIGINT if _interrupted(result) else 0
        outcomes.append((key, result.success, passed, severity, "; ".join(causes), stop))
        if stop:
            ended = (
                "its run succeeded"
                if result.success
                else f"its run was canceled while {waits_ended[0][0]}"
                if waits_ended
                else "its run ended as failed"
                if causes
                else "its steps had ended; its run is recorded as failed"
            )
            print(
                f"gx run: interrupted ({_stop_name(stop)}) during {key}: {ended}"
                + (f"; not started: {later}" if later else ""),
                file=stream,
            )
            break
    return outcomes


@contextlib.contextmanager
def _signals_received() -> Iterator[Callable[[], set[int]]]:
    """A function that tells which signals the process received since it was last called,
    whichever handler ran and whatever exception it became (Python writes each signal's number
    to the wakeup file descriptor). Only in the main thread; elsewhere it tells none."""
    if threading.current_thread() is not threading.main_thread():
        yield set
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)

    def received() -> set[int]:
        numbers: set[int] = set()
        with contextlib.suppress(BlockingIOError):
            while chunk := reader.recv(4096):
                numbers.update(chunk)
        return numbers

    try:
        yield received
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()


def _stop_name(signum: int) -> str:
    return STOP_SIGNALS.get(signal.Signals(signum), signal.Signals(signum).name)


@contextlib.contextmanager
def _stop_requested_on(
    signums: Iterable[int],
) -> Iterator[Callable[[], contextlib.AbstractContextManager]]:
    """While `gx run` is between runs (before the first, between two, during the summary), a
    stop signal is noted (by the wakeup descriptor of _signals_received) instead of raising:
    Dagster leaves SIGTERM raising KeyboardInterrupt after a run (it maps SIGTERM to SIGINT's
    handler and restores it so), which ended `gx run` with a traceback and no summary, or the
    signal's default, which ended it unreported (SIGHUP: the terminal closed). A second one
    raises KeyboardInterrupt, for a process stuck outside a run. Only in the main thread.

    Gives a context manager to run each year's run in (run_executing)."""
    if threading.current_thread() is not threading.main_thread():
        yield contextlib.nullcontext
        return
    seen: list[int] = []

    def note(signum: int, frame: object) -> None:
        if signum == signal.SIGHUP:
            _leave_hung_up_terminal()
        seen.append(signum)
        if len(seen) > 1:
            raise KeyboardInterrupt

    def hand_over(signum: int, frame: object) -> None:
        # while a run executes, SIGINT's handler is Dagster's interrupt (it maps SIGTERM to it
        # too): a stop signal it does not map ends the run's step as Ctrl-C does
        interrupt = signal.getsignal(signal.SIGINT)
        if callable(interrupt) and interrupt not in (note, _ignored):
            interrupt(signum, frame)
        else:
            note(signum, frame)

    # one ignored when gx run started (`nohup`, a script's background job) stays ignored
    ours = [s for s in signums if signal.getsignal(s) is not signal.SIG_IGN]
    previous = {s: signal.signal(s, note) for s in ours}

    @contextlib.contextmanager
    def run_executing() -> Iterator[None]:
        """A year's run executes inside: Dagster takes SIGINT and SIGTERM meanwhile, and the
        other stop signals are handed to its interrupt. After the run ours are put back:
        Dagster sets SIGTERM to SIGINT's handler as it ends, which is "ignore" when gx run
        started with SIGINT ignored (a script's `&`), and a SIGTERM between two years was lost."""
        for s in ours:
            if s not in (signal.SIGINT, signal.SIGTERM):
                signal.signal(s, hand_over)
        if signal.SIGINT in signums and signal.SIGINT not in ours:
            # what Dagster finds for SIGINT, puts back and gives SIGTERM too as the run ends:
            # with "ignore", a SIGTERM in the moment before ours came back was lost; with a
            # handler that does nothing, it is still written to the wakeup descriptor
            signal.signal(signal.SIGINT, _ignored)
        try:
            yield
        finally:
            # here, not as SIGHUP comes: a step's stdout and stderr are Dagster's files then
            _leave_hung_up_terminal()
            for s in ours:
                signal.signal(s, note)
            for s in set(signums) - set(ours):
                signal.signal(s, signal.SIG_IGN)

    try:
        yield run_executing
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in set(signums) - set(ours):
            signal.signal(s, signal.SIG_IGN)


def _ignored(signum: int, frame: object) -> None:
    """SIGINT's handler while a run executes in a `gx run` started with it ignored (see
    _stop_requested_on): ignores it, as "ignore" does, but lets the signal be seen."""


def _leave_hung_up_terminal() -> None:
    """SIGHUP: point stdout and stderr at /dev/null where they are a terminal that has hung up
    (closed). Each write to it fails (EIO), and the first, a failing step's cause, ended `gx
    run` in a traceback nobody saw, with no summary and exit status 1. Output redirected to a
    file or a pipe (`gx run … > run.log 2>&1`), or to a terminal still open (`kill -HUP`), is
    still written."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            try:
                # a terminal that has hung up is still a character device, no longer a tty
                gone = stat.S_ISCHR(os.fstat(fd).st_mode) and not os.isatty(fd)
            except OSError:
                gone = False  # closed: nothing is written to it anyway
            if gone:
                os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """The run ended because the process got an interrupt (Ctrl-C, SIGINT): Dagster fails the
    step it was in and returns, as it does for any failure."""
    for event in result.all_events:
        data = event.step_failure_data if event.is_step_failure else None
        error = data.error if data is not None else None
        while error is not None:
            if error.cls_name == "DagsterExecutionInterruptedError":
                return True
            error = error.cause
    return False


def _cause(event: dg.DagsterEvent, evaluations: list) -> str:
    """What made a step fail, in one line: the failed check's description, a Failure's
    description, or the first line of the innermost error's message."""
    # a check's step is keyed `<asset>_<check name>` (no word "check" in it); Dagster's error
    # for it says only "1 blocking asset check failed with ERROR severity:"
    failing_checks = [
        e
        for e in evaluations
        if not e.passed and e.description and e.check_name in str(event.step_key)
    ]
    if failing_checks:
        return "; ".join(e.description for e in failing_checks)
    data = event.step_failure_data
    if data is None:
        return event.message or "failed"
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description
    error = data.error
    full = _disk_full(error)
    if full:
        return full
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return event.message or "failed"
    schema = _schema_errors(error.message)
    if schema:
        return schema
    # the first line says what went wrong (`OutOfMemoryException: …`); DuckDB's last lines are
    # advice and a link
    return error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name


def _schema_errors(message: str, said: int = 3) -> str | None:
    """pandera's SchemaErrors in one line: its message is a JSON document whose first line is
    `{` (what `gx run` printed of a year a table's schema refused), of errors each naming the
    schema, the column, the check and what failed. The first `said` are named, the rest
    counted; None for any other message."""
    start = message.find("SchemaErrors: {")
    if start < 0:
        return None
    try:
        document = json.loads(message[start + len("SchemaErrors: ") :])
    except ValueError:
        return None
    errors = [
        error
        for kinds in document.values()
        if isinstance(kinds, dict)
        for found in kinds.values()
        if isinstance(found, list)
        for error in found
        if isinstance(error, dict)
    ]
    if not errors:
        return None
    named = [
        f"{e.get('schema')}: column {e.get('column')}: {e.get('check')}: "
        + " ".join(str(e.get("error", "")).split())[:160]
        for e in errors[:said]
    ]
    more = f"; {len(errors) - said} more" if len(errors) > said else ""
    return "a table's rows broke its schema: " + "; ".join(named) + more


class _ErrorInfo(Protocol):
    """What a step failure's record says of an error (Dagster's SerializableErrorInfo, which
    Dagster 1.13 keeps out of its public API: read by these fields only)."""

    @property
    def message(self) -> str: ...
    @property
    def cls_name(self) -> str | None: ...
    @property
    def cause(self) -> "_ErrorInfo | None": ...
    @property
    def context(self) -> "_ErrorInfo | None": ...


def _disk_full(error: _ErrorInfo | None) -> str | None:
    """The line that says the disk is full, when a step failed for it: a DiskFull's own
    message, or one made from an error that says so (the step's output written to the
    instance's storage, say)."""
    chain = []
    todo = [error]
    while todo:
        e = todo.pop()
        if e is not None and e not in chain:
            chain.append(e)
            todo += [e.cause, e.context]
    for e in chain:
        at = e.message.find("the disk is full: ")
        if e.cls_name == "DiskFull" and at >= 0:
            return e.message[at:].strip().splitlines()[0]
    for e in chain:
        text = explain_text(e.message, dagster_home(), "the step's output (Dagster's storage)")
        if text:
            return text
    return None


def format_summary(summaries: list[YearSummary]) -> str:
    head = (
        "year",
        "run",
        "tally check",
        "loaded",
        "quarantined",
        "contradicting",
        "needs review",
        "not-assessable reports",
        "not-assessable evaluations",
        "lost",
    )
    rows = [
        (
            s.year,
            "ok" if s.run_ok else "FAILED",
            "passed" if s.check_passed else (s.check_severity or "not run").lower(),
            str(s.loaded),
            str(s.quarantined),
            str(s.failing),
            str(s.needs_review),
            str(s.not_assessable_reports),
            str(s.not_assessable),
            str(len(s.lost)),
        )
        for s in summaries
    ]
    return _table(head, rows)


def outside_year_folders(raw_dir: Path) -> str:
    """What `raw_dir` holds outside the report years' folders, each entry with why it is not one
    and how many entries under it are not loaded; "" when nothing. The inventory reads only
    `raw/<year>/` of a report year: a folder `2025 ` or `２０２５`, a year outside the
    partitions, a page put straight into raw/ are in no table, and no run would say so."""
    keys = yearly_partitions.get_partition_keys()
    try:
        names = sorted(os.listdir(raw_dir))
    except OSError:
        return ""  # no raw folder: the years' own lines say so
    lines = []
    for name in names:
        path = raw_dir / name
        if name in keys:
            if not path.is_dir() and (path.exists() or path.is_symlink()):
                # its bytes are read by no run, whose year only says no folder is there
                lines.append(
                    f"  {name!r}: a file in place of the folder of report year {name}: "
                    f"move it aside and put the year's pages in a folder {name}/"
                )
            continue
        # a name that is not UTF-8 percent-encoded, as dim_report.source writes it
        shown = safe_name(os.fsencode(name))[0]
        if not path.is_dir():
            why = "a file outside the year folders: move it into data/raw/<its report year>/"
            lines.append(f"  {shown!r}: {why}")
            continue
        lines.append(f"  {shown!r}: {_not_a_year(name, keys)} ({_entries_under(path)})")
    if not lines:
        return ""
    head = f"not loaded: {raw_dir} holds what is not the folder of a report year:"
    return "\n".join([head, *lines])


def _not_a_year(name: str, keys: list[str]) -> str:
    plain = unicodedata.normalize("NFKC", name).strip()
    if plain in keys and plain != name:
        how = "full-width digits" if plain != name.strip() else _white_space(name)
        return f"the folder of report year {plain} written with {how}: rename it {plain}"
    if re.fullmatch(r"[0-9]{4}", plain):
        return (
            f"report year {plain} is not one of the years loaded ({keys[0]}-{keys[-1]}), the "
            "years of the 2019 regulation to the last complete one"
        )
    return "not a report year's folder: pages go in data/raw/<report year>/"


def _white_space(name: str) -> str:
    """What surrounds a year's digits in a folder name: a line break or a tab is no space."""
    if "\n" in name or "\r" in name:
        return "a line break"
    return "a tab" if "\t" in name else "a space"


def _entries_under(folder: Path) -> str:
    count = 0
    for root, dirs, files in os.walk(folder):
        count += len(files) + sum(1 for d in dirs if os.path.islink(os.path.join(root, d)))
    return f"{count} {'entry' if count == 1 else 'entries'} not loaded"


#: one item of --years: a year, or two joined by a hyphen (ASCII digits: int() also reads
#: "+2020", "2_020" and full-width digits)
_YEARS_ITEM = re.compile(r"([0-9]{4})(?:\s*-\s*([0-9]{4}))?")


def parse_years(spec: str) -> list[str]:
    """ "2019-2025", "2019,2021", "2020" or a mix ("2019-2020,2023") as partition keys."""
    keys = yearly_partitions.get_partition_keys()
    parts = [p.strip() for p in spec.split(",")]
    if not any(parts):
        raise ValueError("names no report year")
    years: list[str] = []
    for part in parts:
        # an empty item or an open range is a year left out (`--years $A,$B` with B unset),
        # not a year to skip or to stretch to: ran as the years that were there, and "ok"
        match = _YEARS_ITEM.fullmatch(part)
        if match is None:
            raise ValueError(
                f"{part!r} is not a year or a range of years (2020, 2019-2021)"
                + (": an empty item between commas" if not part else "")
            )
        first, last = match.group(1), match.group(2) or match.group(1)
        if int(last) < int(first):
            raise ValueError(f"{part}: the first year is after the last")
        for year in range(int(first), int(last) + 1):
            if str(year) not in keys:
                raise ValueError(f"{year} is not a report year ({keys[0]}..{keys[-1]})")
            years.append(str(year))
    if not years:
        raise ValueError("names no report year")
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
    needs_review: int
    not_assessable_reports: int
    #: dim_report.parser_version of the year's reports ("" when none is loaded)
    parser_versions: str
    last_run: str
    #: pages whose reports were loaded at an earlier load and are in no fact table now
    #: (quarantined, gone, overwritten with another report): (source, agency, reason)
    lost: tuple[tuple[str, str | None, str], ...] = ()
    #: pages quarantined for a failure of the parser itself: (source, reason)
    parser_failed: tuple[tuple[str, str], ...] = ()


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
    (select count(*) from dim_report
        where report_year = $year and trust_status = 'needs_review'),
    (select count(distinct report_id) from tally_results
        where report_year = $year and status = 'not_assessable'),
    (select coalesce(list(distinct parser_version), [])
        from dim_report where report_year = $year)
"""


def last_runs(
    instance: dg.DagsterInstance, years: Iterable[str], asset_graph: AssetGraph | None = None
) -> dict[str, str]:
    """Per year: the status and start time of its latest run, whichever job ran it (the yearly
    job, or another one named: the UI's asset job when steps were picked, a job of the year ×
    province partitions), the backfill it belongs to, its process gone if so; the other runs of
    the year still going; the backfills requested that target the year (an asset backfill's
    partitions read with `asset_graph`, when given)."""
    waiting = _backfills_by_year(instance, asset_graph)
    with one_look():  # a run's engine events read once for all that is asked of it
        return {year: _last_run_said(instance, year, waiting) for year in years}


def _last_run_said(instance: dg.DagsterInstance, year: str, waiting: dict[str, list[str]]) -> str:
    """last_runs' line of one year."""
    records = runs_of_year(instance, year, limit=1)
    said = [] if records else ["never run"]
    if records:
        record = records[0]
        run = record.dagster_run
        started = record.start_time
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(started)) if started else ""
        province = run.tags.get(PROVINCE_TAG, "")
        backfill = run.tags.get(BACKFILL_ID_TAG)
        # the yearly job is the default: another job (the UI's asset job when steps were
        # picked, the year × province partitions' jobs) is named
        job = "" if run.job_name == "gx_yearly_job" else run.job_name
        text = " ".join(x for x in (run.status.value.lower(), when, job, province) if x)
        said.append(text + (f" (backfill {backfill})" if backfill else ""))
        if not run.is_finished and process_gone(instance, record):
            # killed: it stays in flight in the instance until the next `gx run` marks it
            said[-1] += ", its process is gone (killed?)"
        elif not run.is_finished and (unknown := unaccounted_said(instance, record)):
            said[-1] += f" (run {run.run_id[:8]}), {unknown}"
        others = len(unfinished_runs_of_year(instance, year)) - (not run.is_finished)
        if others > 0:
            said.append(f"{others} more run(s) of the year unfinished")
    said += _backfills_said(waiting.get(year, []))
    return "; ".join(said)


def _backfills_said(backfills: list[str]) -> list[str]:
    """The backfills requested for a year, newest first: two named, more counted (a backfill
    asked for again and again must not make the year's row, and the table, pages wide)."""
    if len(backfills) <= 2:
        return [f"backfill {b} requested" for b in backfills]
    return [f"{len(backfills)} backfills requested ({backfills[0]}, {backfills[1]}, …)"]


def _backfills_by_year(
    instance: dg.DagsterInstance, asset_graph: AssetGraph | None
) -> dict[str, list[str]]:
    """Year -> the backfills requested (not yet ended) whose partitions include it: a job's
    backfill names them, an asset backfill's targets are read with the asset graph (one of
    another code location, which this graph cannot read, is left out)."""
    years: dict[str, list[str]] = {}
    for backfill in instance.get_backfills(
        filters=BulkActionsFilter(statuses=[BulkActionStatus.REQUESTED])
    ):
        keys: set[str] = set(backfill.partition_names or ())
        if backfill.is_asset_backfill and asset_graph is not None:
            try:
                target = backfill.get_asset_backfill_data(asset_graph).target_subset
            except Exception:  # noqa: BLE001, S112 - another location's assets: not this graph's
                continue
            for subset in target.partitions_subsets_by_asset_key.values():
                keys.update(subset.get_partition_keys())
        # a year's key "2020", or a year × province key "广东省|2020"
        for year in sorted({part for key in keys for part in str(key).split("|")}):
            years.setdefault(year, []).append(backfill.backfill_id)
    return years


def year_status(
    database: Path, years: Iterable[str], runs: dict[str, str] | None = None
) -> list[YearStatus]:
    """Per report year, what the warehouse holds (read-only) and the last run's status."""
    years = list(years)
    runs = runs or {}
    rows = {y: (0, "", 0, "", 0, 0, 0, "") for y in years}
    lost: dict[str, tuple] = {}
    failed: dict[str, tuple] = {}
    if Path(database).is_file():
        conn = duckdb.connect(str(database), read_only=True)
        try:
            if conn.execute(
                "select count(*) from information_schema.tables where table_name = 'tally_results'"
            ).fetchone()[0]:
                for y in years:
                    *counts, versions = conn.execute(_STATUS_SQL, {"year": int(y)}).fetchone()
                    rows[y] = (*counts, ", ".join(sorted(versions, key=version_order)))
                    lost[y] = tuple(lost_reports(conn, int(y)))
                    failed[y] = tuple(parser_failures(conn, int(y)))
        finally:
            conn.close()
    return [
        YearStatus(
            y,
            *rows[y],
            runs.get(y, "never run"),
            lost=lost.get(y, ()),
            parser_failed=failed.get(y, ()),
        )
        for y in years
    ]


def loaded_years(database: Path) -> list[str]:
    """The report years (partition keys) the published warehouse holds entries of, read-only;
    [] when it cannot be read."""
    held = entries_by_year(Path(database)) or {}
    return [k for k in yearly_partitions.get_partition_keys() if int(k) in held]


def format_status(rows: list[YearStatus]) -> str:
    head = (
        "year",
        "loaded",
        "templates",
        "quarantined",
        "by stage",
        "contradicting",
        "needs review",
        "not-assessable reports",
        "lost",
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
            str(r.needs_review),
            str(r.not_assessable_reports),
            str(len(r.lost)),
            r.last_run,
        )
        for r in rows
    ]
    said = [lost_reports_said(r.year, list(r.lost)) for r in rows if r.lost]
    said += [parser_failures_said(r.year, list(r.parser_failed)) for r in rows if r.parser_failed]
    return _table(head, body) + "".join(f"\n{line}" for line in said)


def stale_derived_said(database: Path) -> str:
    """What `gx status` says of a warehouse whose derived objects other code made ("" if none)."""
    stale = derived_out_of_date(database)
    if not stale:
        return ""
    return (
        f"{' and '.join(stale)} of the warehouse were made by other code than this (every "
        "loaded year): the next `gx run` makes them again, loading no year again for it, as "
        f"does {SENSOR_NAME} (gx_derived_job) once every year is current and no run is going"
    )


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
    with_pages = set(years_with_folders(raw_dir))
    with_folder = [r.year for r in statuses if r.year in with_pages]
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
            gone = "empty raw folder" if (raw_dir / r.year).is_dir() else "no raw folder"
            rows.append((r.year, r.parser_versions or "-", gone, "-", "-"))
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
    stuck = [f"waits for: {line}" for line in stuck_runs_said(instance)]
    return "\n".join([head, table, *(["why:", *why] if why else []), *stuck])


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [line.format(*head), line.format(*("-" * w for w in widths))]
        + [line.format(*r) for r in rows]
    )


def exit_code(summaries: list[YearSummary]) -> int:
    # a year whose reports contradict themselves is loaded, flagged, and its run green (the
    # check's WARN); a failed run (an ERROR of the check included) is an error; an interrupt
    # gives the shell's status for SIGINT, as `gx fetch` does
    stops = [s.interrupted for s in summaries if s.interrupted]
    if stops:
        return 128 + min(stops)
    return 0 if all(s.run_ok for s in summaries) else 1


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
