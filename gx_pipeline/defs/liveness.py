"""Runs whose process is gone: marked failed, and the pool slots they held freed.

A run killed with SIGKILL (or by the out-of-memory killer) cannot record its end: it stays
STARTED in the instance and its step keeps the `duckdb` pool slot, so every later run waits for
a slot that is never given back. `gx run` calls release_dead_runs before it starts, and
stale_years_sensor on every look; under the daemon, the code server that launched a run also
marks it failed when its process dies, and run monitoring (dagster.yaml) frees its slots.

Which process ran a run: the tag gx/pid (runs started by `gx run`), else the pid the in-process
executor records when it starts ("Executing steps in process (pid: N)"). A pid that now belongs
to a newer process does not count as the run's.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import dagster as dg

from gx_pipeline.machine import process_alive

#: tags `gx run` puts on its runs: the process that executes them, and its machine
PID_TAG = "gx/pid"
HOST_TAG = "gx/host"
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


def own_tags(pid: int) -> dict[str, str]:
    """Tags for a run executed by this process (see release_dead_runs)."""
    return {PID_TAG: str(pid), HOST_TAG: socket.gethostname()}


def release_dead_runs(
    instance: dg.DagsterInstance, by: str = "gx run's start-up check"
) -> list[Released]:
    """Mark failed every in-flight run whose process is gone, then free the pool slots of
    every finished run that still holds some. Runs of other machines are left alone. `by`:
    who does it, for the run's failure message."""
    released: list[Released] = []
    host = socket.gethostname()
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_IN_FLIGHT)):
        run = record.dagster_run
        if run.tags.get(HOST_TAG, host) != host:
            continue
        pid, since = _process_of(instance, run, record.create_timestamp.timestamp())
        if pid is None or process_alive(pid, started_before=since):
            continue
        why = f"its process (pid {pid}) is gone: marked failed by {by}"
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


def _process_of(
    instance: dg.DagsterInstance, run: dg.DagsterRun, created: float
) -> tuple[int | None, float | None]:
    """The pid that executes `run`, and a time its process must have started by."""
    tagged = run.tags.get(PID_TAG, "")
    if tagged.isdigit():
        return int(tagged), created
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.event_specific_data if entry.dagster_event else None
        pid = getattr(data, "metadata", {}).get("pid") if data is not None else None
        text = getattr(pid, "value", pid)
        if isinstance(text, str) and text.isdigit():
            return int(text), entry.timestamp
    return None, None
