"""Runs whose process is gone: marked failed, and the pool slots they held freed.

A run killed with SIGKILL (or by the out-of-memory killer) cannot record its end: it stays
STARTED in the instance and its step keeps the `duckdb` pool slot, so every later run waits for
a slot that is never given back. `gx run` calls release_dead_runs before it starts, and
stale_years_sensor on every look; under the daemon, the code server that launched a run also
marks it failed when its process dies, and run monitoring (dagster.yaml) frees its slots.

Which process ran a run: the tag gx/pid (runs started by `gx run`), else the pid the in-process
executor records when it starts ("Executing steps in process (pid: N)"). A pid that now belongs
to a newer process does not count as the run's. A pid names a process only on its machine and
in its pid namespace, which the run's tags gx/host and gx/pidns record: `gx run` tags its runs
so, and a run executed otherwise (the UI's run worker, a sensor's run, `dagster job launch`) is
tagged by its first step of a year (record_machine). A pid with no machine recorded is judged
by no machine's processes, whatever keeps the run records: SQLite under DAGSTER_HOME is read
by more than this machine's processes too (a DAGSTER_HOME mounted into the container that runs
the UI, a folder on a network disk two machines share, records copied from another machine),
and a live run taken for dead there was marked failed and its `duckdb` slot freed under it.

A run whose process is not known cannot be judged so: one whose process vanished before the
executor recorded its pid, one whose executor records none, one tagged with another machine or
pid namespace, one whose pid is recorded with no machine (before its first step).
It too stays in flight, and the automation waits behind it. Such a run is named, with the way
to end it by hand (unaccounted_said: `gx status --mark-failed`, or the UI's Terminate), and is
taken for dead only when nothing can be running it elsewhere: not tagged with another machine,
in run records kept on this machine (SQLite, as DAGSTER_HOME keeps them), no step started (an
executor that records no pid, celery, runs steps silent for long in its workers), nothing
recorded for SILENT_RUN_S and no claim on a year held in the data folder (a step that stages or
loads a year holds one while its process lives).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

# Dagster 1.13 keeps these outside its public API; it is pinned exactly (pyproject.toml)
from dagster._core.storage.runs import InMemoryRunStorage, SqliteRunStorage
from dagster._core.storage.tags import PARENT_RUN_ID_TAG

from gx_pipeline.machine import pid_namespace, process_alive, process_said
from gx_pipeline.staging import claims

#: tags `gx run` puts on its runs: the process that executes them, its machine and its pid
#: namespace (record_machine puts the last two on runs executed otherwise)
PID_TAG = "gx/pid"
HOST_TAG = "gx/host"
PIDNS_TAG = "gx/pidns"
_IN_FLIGHT = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


@dataclass(frozen=True)
class Released:
    run_id: str
    partition: str | None
    pid: int | None
    why: str


#: a run whose process is not known, silent this long and holding no claim, is taken for dead
SILENT_RUN_S = float(os.environ.get("GX_SILENT_RUN_S", "1800"))
#: a run whose process is not known is named (with the way to end it) once silent this long
SILENT_SAID_S = 60.0
#: what ends a run by hand, for the lines that name one
MARK_FAILED = "gx status --mark-failed"


def own_tags(pid: int) -> dict[str, str]:
    """Tags for a run executed by this process (see release_dead_runs)."""
    return {PID_TAG: str(pid), **_machine_tags()}


def _machine_tags() -> dict[str, str]:
    return {HOST_TAG: socket.gethostname(), PIDNS_TAG: pid_namespace()}


def record_machine(context: dg.AssetExecutionContext) -> dg.RunRecord | None:
    """Tag the run with this machine and pid namespace when it has none and the pid it
    recorded is this process's (its steps run where it was started: the in-process executor;
    celery's workers record no pid): the pid can then be judged (process_gone). The run's
    record, as read before the tags: its stored tags, not the step's copy of the run as it
    started (which a tag written by an earlier step of the run does not reach)."""
    instance = context.instance
    record = instance.get_run_record_by_id(context.run.run_id)
    stored = record.dagster_run if record is not None else context.run
    run = as_recorded(instance, stored)
    if HOST_TAG in run.tags:
        return record
    created = record.create_timestamp.timestamp() if record is not None else time.time()
    pid, _ = _process_of(instance, run, created)
    if pid == os.getpid():
        # a run that inherited its parent's gx/pid gets its own, so its tags are its own now
        inherited = PID_TAG in stored.tags and PID_TAG not in run.tags
        instance.add_run_tags(run.run_id, own_tags(pid) if inherited else _machine_tags())
    return record


#: the tags that say which process, on which machine, executes a run
_MACHINE_TAGS = (PID_TAG, HOST_TAG, PIDNS_TAG)


def as_recorded(instance: dg.DagsterInstance, run: dg.DagsterRun) -> dg.DagsterRun:
    """The run without the machine tags it shares with the run it re-executes. The UI's
    Re-execute (from failure, or all steps) gives the new run its parent's tags: a `gx run`'s
    gx/pid, gx/host and gx/pidns name that `gx run`'s process, long ended, not the run worker
    that executes the new run (a live run was marked failed so, and its slot freed under it).
    Its own pid is then the one its executor records, its machine not known until its first
    step of a year tags it (record_machine)."""
    parent_id = run.parent_run_id or run.tags.get(PARENT_RUN_ID_TAG)
    if not parent_id or not any(tag in run.tags for tag in _MACHINE_TAGS):
        return run
    parent = instance.get_run_by_id(parent_id)
    if parent is None or any(run.tags.get(t) != parent.tags.get(t) for t in _MACHINE_TAGS):
        return run
    return run.with_tags({k: v for k, v in run.tags.items() if k not in _MACHINE_TAGS})


def release_dead_runs(
    instance: dg.DagsterInstance,
    by: str = "gx run's start-up check",
    staging: Path | None = None,
) -> list[Released]:
    """Mark failed every in-flight run whose process is gone, then free the pool slots of
    every finished run that still holds some. Runs of other machines are left alone. `by`:
    who does it, for the run's failure message. With `staging` (the data folder's staging
    folder, where runs claim their years) a run whose process is not known is marked failed
    too once it is silent_and_unclaimed."""
    with one_look():
        return _release_dead_runs(instance, by, staging)


def _release_dead_runs(
    instance: dg.DagsterInstance, by: str, staging: Path | None
) -> list[Released]:
    released: list[Released] = []
    host = socket.gethostname()
    now = time.time()
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_IN_FLIGHT)):
        run = record.dagster_run
        pid = process_gone(instance, record, host)
        if pid is not None:
            why = f"its process (pid {pid}) is gone: marked failed by {by}"
        elif staging is not None and (silent := silent_and_unclaimed(instance, record, staging)):
            why = (
                f"its process is not known (no pid recorded) and it recorded nothing for "
                f"{_minutes(now - silent)}, holding no claim on a year: taken for dead, "
                f"marked failed by {by}"
            )
        else:
            continue
        instance.report_run_failed(run, f"Run {run.run_id}: {why}")
        released.append(Released(run.run_id, run.tags.get("dagster/partition"), pid, why))
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        for run_id in storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
                if run is not None and all(r.run_id != run_id for r in released):
                    why = f"finished ({run.status.value.lower()}) but held a pool slot: freed"
                    partition = run.tags.get("dagster/partition")
                    released.append(Released(run_id, partition, None, why))
    return released


def process_gone(
    instance: dg.DagsterInstance, record: dg.RunRecord, host: str | None = None
) -> int | None:
    """The pid of an in-flight run's process when that process is gone (None: alive, not
    known, or of another machine than `host`, default this one). A pid with no machine tagged
    is not judged by this machine's processes: the run may run in another (a container, a
    machine sharing the run records)."""
    run = as_recorded(instance, record.dagster_run)
    if _tagged_elsewhere(run, host) or HOST_TAG not in run.tags:
        return None
    pid, since = _process_of(instance, run, record.create_timestamp.timestamp())
    if pid is None or process_alive(pid, started_before=since):
        return None
    return pid


def records_here(instance: dg.DagsterInstance) -> bool:
    """Whether the instance keeps its run records on this machine (SQLite under DAGSTER_HOME,
    or in memory), so that its runs are run here; a shared database (Postgres) serves runs of
    several machines."""
    return isinstance(instance.run_storage, SqliteRunStorage | InMemoryRunStorage)


def last_recorded(instance: dg.DagsterInstance, record: dg.RunRecord) -> float:
    """Unix time of the run's last event (its creation when it recorded none)."""
    events = instance.get_records_for_run(record.dagster_run.run_id, limit=1, ascending=False)
    if events.records:
        return events.records[0].event_log_entry.timestamp
    return record.create_timestamp.timestamp()


def unaccounted(instance: dg.DagsterInstance, record: dg.RunRecord) -> str | None:
    """Why the process of an in-flight run cannot be judged here ("no pid recorded", "it runs
    on <host>"); None when it can (it has a pid on this machine) or the run has ended."""
    run = as_recorded(instance, record.dagster_run)
    if run.status not in _IN_FLIGHT:
        return None
    if _tagged_elsewhere(run):
        if run.tags[HOST_TAG] != socket.gethostname():
            return f"it runs on {run.tags[HOST_TAG]}"
        return f"it runs on {run.tags[HOST_TAG]} in another pid namespace (a container)"
    pid, _ = _process_of(instance, run, record.create_timestamp.timestamp())
    if pid is None:
        return "no pid recorded"
    if HOST_TAG not in run.tags:
        where = "several machines share" if not records_here(instance) else "kept here"
        return (
            f"pid {pid} recorded, no machine recorded (run records {where} may be read from "
            "another machine or a container: the pid is not judged here)"
        )
    return None


def _tagged_elsewhere(run: dg.DagsterRun, here: str | None = None) -> bool:
    """Whether the run is tagged with another machine than `here` (default this one), or with
    this machine and another pid namespace (a container given the host's name)."""
    host = socket.gethostname()
    here = here or host
    if run.tags.get(HOST_TAG, here) != here:
        return True
    return here == host and run.tags.get(PIDNS_TAG, pid_namespace()) != pid_namespace()


def silent_and_unclaimed(
    instance: dg.DagsterInstance, record: dg.RunRecord, staging: Path
) -> float | None:
    """The time of the last event of an in-flight run taken for dead though its process is not
    known: run on this machine (not tagged with another; records kept here), no step started,
    silent for SILENT_RUN_S and holding no claim in the data folder. None: it may be alive."""
    if unaccounted(instance, record) != "no pid recorded" or not records_here(instance):
        return None
    run_id = record.dagster_run.run_id
    if instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.STEP_START, limit=1
    ).records:
        # its steps started with no pid recorded: an executor that records none (celery,
        # whose steps run in workers and may stay silent for long), not a process that died
        # before it could record one
        return None
    last = last_recorded(instance, record)
    if time.time() - last < SILENT_RUN_S:
        return None
    if claims.claim_of_run(staging, run_id) is not None:
        return None
    return last


def unaccounted_said(instance: dg.DagsterInstance, record: dg.RunRecord) -> str:
    """For a run whose process is not known and that has been silent a while: what is known
    and how to end it by hand ("" for any other run). A run of another machine, or one whose
    records another machine may share, is never ended without being asked."""
    why = unaccounted(instance, record)
    if why is None:
        return ""
    last = last_recorded(instance, record)
    if time.time() - last < SILENT_SAID_S:
        return ""
    run_id = record.dagster_run.run_id
    where = "running there" if why.startswith("it runs on") else "running"
    return (
        f"its process is not known here ({why}; nothing recorded since {_stamp(last)}): if it "
        f"is not {where}, mark it failed: `{MARK_FAILED} {run_id[:8]}` (or in the UI: the "
        "run, Terminate, force termination)"
    )


def stuck_runs_said(instance: dg.DagsterInstance) -> list[str]:
    """One line per in-flight run whose process is not known here and that has been silent a
    while (unaccounted_said): the automation waits behind each until it ends."""
    lines = []
    with one_look():
        for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_IN_FLIGHT)):
            if said := unaccounted_said(instance, record):
                run = record.dagster_run
                lines.append(f"{describe_run(run)} ({run.job_name}) is in flight: {said}")
    return lines


def mark_failed(instance: dg.DagsterInstance, ref: str, staging: Path | None) -> str:
    """Mark the in-flight run `ref` (its id or the start of it) failed by hand and free its
    pool slots; what was done, in one line. Refused (ValueError, saying why) for no such run,
    one that has ended, and one whose process runs on this machine or holds a claim here."""
    ref = ref.strip()
    records = (
        [
            r
            for r in instance.get_run_records(filters=dg.RunsFilter(statuses=_IN_FLIGHT))
            if r.dagster_run.run_id.startswith(ref)
        ]
        if ref
        else []
    )
    if not records:
        ended = instance.get_run_by_id(ref) if len(ref) == 36 else None
        if ended is not None:
            raise ValueError(f"run {ref} has ended ({ended.status.value.lower()}): nothing to do")
        raise ValueError(f"no run in flight whose id begins {ref!r} (`make ui` lists the runs)")
    if len(records) > 1:
        raise ValueError(f"{len(records)} runs in flight begin {ref!r}: give more of the id")
    record = records[0]
    run = record.dagster_run
    if not _tagged_elsewhere(run):
        # a pid alive here refuses, its machine tagged or not (in shared run records, a
        # process of this machine that may be the run's)
        pid, since = _process_of(instance, run, record.create_timestamp.timestamp())
        if pid is not None and process_alive(pid, started_before=since):
            raise ValueError(
                f"{describe_run(run)} is running: {process_said(pid)}. `kill {pid}` stops it "
                "(the next gx run marks it failed once its process is gone)"
            )
    held = claims.claim_of_run(staging, run.run_id) if staging is not None else None
    if held is not None and held.host == socket.gethostname():
        raise ValueError(
            f"{describe_run(run)} is running: {held.said()} holds its claim on report year "
            f"{held.year}. `kill {held.pid}` stops it"
        )
    why = f"marked failed by hand ({MARK_FAILED})"
    instance.report_run_failed(run, f"Run {run.run_id}: {why}")
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        storage.free_concurrency_slots_for_run(run.run_id)
    return f"{describe_run(run)} ({run.run_id}): {why}; its pool slots freed"


def _stamp(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


#: the pids found in runs' engine events during one look (one_look), by instance and run
_LOOK: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "gx_liveness_look", default=None
)


@contextlib.contextmanager
def one_look() -> Iterator[None]:
    """One look at the runs in flight (a sensor's tick, `gx status`' line of a year): a run's
    engine events are read for its pid once, not once per question asked of it (whether its
    process is gone, whether it is unaccounted, what to say of it: three reads of a run's
    whole event log in one tick). Nested looks share the outer one's."""
    if _LOOK.get() is not None:
        yield
        return
    token = _LOOK.set({})
    try:
        yield
    finally:
        _LOOK.reset(token)


def _process_of(
    instance: dg.DagsterInstance, run: dg.DagsterRun, created: float
) -> tuple[int | None, float | None]:
    """The pid that executes `run`, and a time its process must have started by."""
    tagged = run.tags.get(PID_TAG, "")
    if tagged.isdigit():
        return int(tagged), created
    look = _LOOK.get()
    if look is None:
        return _recorded_pid(instance, run)
    key = (id(instance), run.run_id)
    if key not in look:
        look[key] = _recorded_pid(instance, run)
    return look[key]


def _recorded_pid(
    instance: dg.DagsterInstance, run: dg.DagsterRun
) -> tuple[int | None, float | None]:
    """The pid the run's executor recorded in an engine event, and when it recorded it."""
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.event_specific_data if entry.dagster_event else None
        pid = getattr(data, "metadata", {}).get("pid") if data is not None else None
        text = getattr(pid, "value", pid)
        if isinstance(text, str) and text.isdigit():
            return int(text), entry.timestamp
    return None, None


#: runs that have not ended: queued, or in flight (they may still touch a year's staging folder)
UNFINISHED = [dg.DagsterRunStatus.QUEUED, *_IN_FLIGHT]
#: the run tags of a partition: a yearly run's key ("2020"), and the year and province of a run
#: of the year × province partitions (Dagster tags each dimension of a multi-partition key)
PARTITION_TAG = "dagster/partition"
YEAR_TAG = "dagster/partition/year"
PROVINCE_TAG = "dagster/partition/province"


class YearTaken(dg.Failure):
    """Another run, launched first, is loading the year: this one leaves it."""


def unfinished_runs_of_year(instance: dg.DagsterInstance, year: int | str) -> list[dg.RunRecord]:
    """The runs of `year` that have not ended, of either code location, oldest first: the
    yearly job's (partition "2020") and the year × province partitions' (routes and assembly
    "2020", a province "广东省|2020")."""
    return runs_of_year(instance, year, UNFINISHED)[::-1]


def runs_of_year(
    instance: dg.DagsterInstance,
    year: int | str,
    statuses: list[dg.DagsterRunStatus] | None = None,
    limit: int | None = None,
) -> list[dg.RunRecord]:
    """The runs of `year` (with one of `statuses`, None: any), newest first, whichever job ran
    them: the yearly job, Dagster's own asset job (a step materialized from the UI), the year ×
    province partitions' jobs, a backfill's runs; at most `limit`."""
    records: dict[str, dg.RunRecord] = {}
    for tags in ({PARTITION_TAG: str(year)}, {YEAR_TAG: str(year)}):
        for record in instance.get_run_records(
            filters=dg.RunsFilter(statuses=statuses or [], tags=tags), limit=limit
        ):
            records[record.dagster_run.run_id] = record
    newest = sorted(
        records.values(), key=lambda r: (r.create_timestamp, r.dagster_run.run_id), reverse=True
    )
    return newest[:limit] if limit is not None else newest


def describe_run(run: dg.DagsterRun) -> str:
    """`run 1a2b3c4d of 2020`, or of a province: `run 1a2b3c4d of 广东省|2020 (the year ×
    province partitions)`."""
    partition = run.tags.get(PARTITION_TAG, "-")
    beside = " (the year × province partitions)" if PROVINCE_TAG in run.tags else ""
    return f"run {run.run_id[:8]} of {partition}{beside}"


def where_it_runs(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str:
    """`pid 123 on host, DAGSTER_HOME /path`: where a run of `instance` runs, for a refusal to
    name the process to look for (a run not started yet has none)."""
    run = as_recorded(instance, run)
    record = instance.get_run_record_by_id(run.run_id)
    created = record.create_timestamp.timestamp() if record is not None else 0.0
    pid, _ = _process_of(instance, run, created)
    host = run.tags.get(HOST_TAG, "a machine not recorded")
    process = f"pid {pid} on {host}" if pid is not None else "no process yet"
    return f"{process}, DAGSTER_HOME {instance_home(instance)}"


def stages_in_use(instance: dg.DagsterInstance, staging: Path, year: int | str) -> set[str]:
    """The runs whose staged rows of `year` must stay: those of the instance that have not
    ended, and those another process claims in the data folder (a run of another instance,
    which this one does not know)."""
    live = {r.dagster_run.run_id for r in unfinished_runs_of_year(instance, year)}
    return live | {c.run_id for c in claims.live_claims(staging, int(year))}


def instance_home(instance: dg.DagsterInstance) -> str:
    """Where an instance keeps its records (its DAGSTER_HOME), for a claim to name it."""
    try:
        return str(instance.root_directory)
    except Exception:  # noqa: BLE001 - an instance without local storage
        return "(an instance without a DAGSTER_HOME)"


def leave_year_to_another_instance(
    context: dg.AssetExecutionContext, year: int, staging: Path
) -> None:
    """Claim `year` for this run in the data folder (gx_pipeline.staging.claims); fail the
    step, writing nothing, when a run this instance does not know (of another DAGSTER_HOME on
    the same data folder) claimed it first and its process is still there."""
    mine = claims.claim(staging, year, context.run.run_id, instance_home(context.instance))
    if not claims.holds(context.run.run_id):
        context.log.warning(
            f"this run's claim on report year {year} could not be written in "
            f"{staging / claims.CLAIMS} (a file there, a folder not writable, no room): a run "
            "of another DAGSTER_HOME on this data folder will not see this one, and may remove "
            "its staged rows"
        )
    others = [
        c
        for c in claims.live_claims(staging, year)
        if (c.claimed_at, c.run_id) < (mine.claimed_at, mine.run_id)
        and context.instance.get_run_record_by_id(c.run_id) is None
    ]
    if others:
        claims.let_go(context.run.run_id)
        raise YearTaken(
            f"{others[0].said()} is loading report year {year} from this data folder "
            f"({staging.parent}): this instance ({mine.instance}) does not see that one's runs, "
            "so this run leaves the year to it, writing nothing (the two would load the year "
            "at once, and each remove the other's staged rows). Run one DAGSTER_HOME per data "
            "folder; materialize the year again once that run has ended"
        )


def leave_year_to_an_earlier_run(
    context: dg.AssetExecutionContext, year: int, staging: Path | None = None
) -> None:
    """Fail the step, writing nothing, when a run of `year` launched before this one has not
    finished: the two would load the year at once, one replacing or loading what the other
    half-wrote. `gx run` looks before it starts a year; a run of the Dagster UI (a
    materialization, a backfill, the Python API) did not. The runs of the yearly job and of the
    year × province partitions (gx_pipeline.defs.provinces) exclude each other the same way;
    the provinces of one year do not (they are meant to run side by side), nor runs of one
    province of two years. The run launched first keeps the year, whoever reaches a step first.
    A run whose process is gone does not count (marked failed here, as `gx run` and the sensor
    do). With `staging` (the data folder's staging folder) the year is claimed there too, and
    left to an earlier run of another instance (leave_year_to_another_instance)."""
    own = record_machine(context)
    instance = context.instance
    if own is None:
        return
    mine = (own.create_timestamp.timestamp(), context.run.run_id)
    my_province = own.dagster_run.tags.get(PROVINCE_TAG)

    def excludes(run: dg.DagsterRun) -> bool:
        province = run.tags.get(PROVINCE_TAG)
        return my_province is None or province is None or province == my_province

    def earlier() -> list[dg.DagsterRun]:
        return [
            r.dagster_run
            for r in unfinished_runs_of_year(instance, year)
            if r.dagster_run.run_id != context.run.run_id
            and (r.create_timestamp.timestamp(), r.dagster_run.run_id) < mine
            and excludes(r.dagster_run)
        ]

    if earlier():
        # the dead ones leave
        release_dead_runs(instance, f"run {context.run.run_id[:8]} of {year}", staging)
    taken = earlier()
    if not taken and staging is not None:
        leave_year_to_another_instance(context, year, staging)
    if taken:
        run = taken[0]
        raise YearTaken(
            f"{describe_run(run)} is loading report year {year} "
            f"({run.status.value.lower()}, launched before this one; "
            f"{where_it_runs(instance, run)}): this run leaves the year "
            "to it, writing nothing (the two would load the year at once). Materialize the "
            "year again once that run has ended"
        )
