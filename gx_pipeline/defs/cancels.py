"""A run that is stopped while its steps wait ends then, and a canceled run writes nothing.

Dagster's in-process executor looks for an interrupt only when a step starts, and never at the
run's status: a step waiting for its pool slot (or a retry's delay) never starts, so Ctrl-C did
nothing, and the UI's Terminate, which records the run CANCELING (and, forced, CANCELED), left
the process waiting; once the slot was free it loaded the year under a run recorded canceled.
`gx run`'s runs (executed by this process) and the UI's (a run worker of the code location) are
run by the same executor, so the wait is made to look, on every slice, for a noted interrupt
(Ctrl-C, SIGTERM, SIGHUP: the main thread's) and, every STATUS_LOOK_S, at its run's status:
either ends the run, recorded canceled with what it waited for. The warehouse step looks at
the run's status too, as it starts and once its rows are written, before they are committed
(refuse_if_canceled): a run canceled while the step started, or while it loaded, writes nothing.
"""

from __future__ import annotations

import threading
import time

import dagster as dg

# Dagster 1.13 keeps these outside its public API; it is pinned exactly (pyproject.toml)
from dagster._core.execution.plan.active import ActiveExecution
from dagster._utils.interrupts import pop_captured_interrupt
from sqlalchemy.exc import SQLAlchemyError

#: how often a waiting run reads its own status (a read of the run storage)
STATUS_LOOK_S = 0.5
#: the statuses of a run that is to end: the UI's Terminate, then its force termination
CANCELED = (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.CANCELED)


class RunCanceled(dg.DagsterExecutionInterruptedError):
    """The run was canceled from outside its process (the UI's Terminate) while a step waited
    or before a write: it ends as an interrupted run does."""


#: run id -> when a wait of it last read its status (monotonic)
_LOOKED: dict[str, float] = {}
#: run id -> (what its steps waited for when it was ended so, whether by a cancel from outside
#: rather than an interrupt of its process): gx run's summary says it
ENDED: dict[str, tuple[str, bool]] = {}


def install() -> None:
    """Make every waiting run of this process end when it is interrupted or canceled (once;
    the code location and `gx run` both call it)."""
    if ActiveExecution.sleep_til_ready is not _sleep_til_ready:
        ActiveExecution.sleep_til_ready = _sleep_til_ready  # type: ignore[method-assign]


def _sleep_til_ready(active: ActiveExecution) -> None:
    """Dagster's sleep while no step may start, in slices that look for an interrupt, and at
    the run's status."""
    until = time.monotonic() + max(active.sleep_interval(), 0.0)
    concurrency = getattr(active, "_instance_concurrency_context", None)
    instance = getattr(concurrency, "_instance", None)
    run_id = getattr(concurrency, "_run_id", None) if instance is not None else None
    main = threading.current_thread() is threading.main_thread()
    while True:
        if main and pop_captured_interrupt():
            _end(active, instance, run_id, canceled=False)
        # at most one read of the run storage per STATUS_LOOK_S, however often Dagster sleeps
        if run_id is not None and time.monotonic() >= _LOOKED.get(run_id, 0.0) + STATUS_LOOK_S:
            _LOOKED[run_id] = time.monotonic()
            run = _run_if_readable(instance, run_id)
            if run is not None and run.status in CANCELED:
                _end(active, instance, run_id, canceled=True)
        left = until - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


def _run_if_readable(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRun | None:
    """The run as its records hold it, None when they cannot be read now: SQLite's run records
    locked by another process (a read waits 5 s, then "database is locked"), a database server
    restarting. The look is the wait's own, not the run's work: one that fails is one look
    missed, and the run waits on (it failed the run, which before waited unharmed)."""
    try:
        return instance.get_run_by_id(run_id)
    except (SQLAlchemyError, OSError):
        return None


def _end(
    active: ActiveExecution, instance: dg.DagsterInstance | None, run_id: str | None, canceled: bool
) -> None:
    what = waiting_for(active)
    if run_id is not None:
        ENDED[run_id] = (what, canceled)
    if canceled:
        raise RunCanceled(f"the run was canceled while {what}")
    run = _run_if_readable(instance, run_id) if instance is not None and run_id else None
    if run is not None and run.status not in CANCELED:
        instance.report_run_canceling(  # type: ignore[union-attr]
            run, f"the run was interrupted while {what}: the run ends here"
        )
    raise dg.DagsterExecutionInterruptedError(f"interrupted while {what}")


def waiting_for(active: ActiveExecution) -> str:
    """What keeps a run's steps from starting, in words ("gx_warehouse waited for a pool
    slot"), read from Dagster's execution state (private fields: said generally without)."""
    concurrency = getattr(active, "_instance_concurrency_context", None)
    slots = sorted(getattr(concurrency, "_pending_claims", ()) or ())
    retries = sorted(getattr(active, "_waiting_to_retry", {}) or {})
    said = [f"{', '.join(slots)} waited for a pool slot"] if slots else []
    said += [f"{', '.join(retries)} waited to be tried again"] if retries else []
    return " and ".join(said) or "its steps waited"


def refuse_if_canceled(context: dg.AssetExecutionContext, before: str) -> None:
    """End the step, writing nothing, when its run is canceled (CANCELING or CANCELED: the UI's
    Terminate, forced or not) `before` (what it would do)."""
    run = context.instance.get_run_by_id(context.run.run_id)
    if run is not None and run.status in CANCELED:
        raise RunCanceled(
            f"run {run.run_id[:8]} is {run.status.value.lower()} (the UI's Terminate?): "
            f"ended before {before}, nothing written"
        )
