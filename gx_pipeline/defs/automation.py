"""Backfills that run themselves: stale report years reloaded one at a time, and late and edited
reports fetched each month.

stale_years_sensor looks at every year with a raw folder (gx_pipeline.defs.staleness says which
are stale and why) and launches one run of gx_yearly_job at a time, newest year first, tagged
`gx/reason` = never_loaded, not_in_warehouse, raw_change, copy_gone, parser_upgrade or
code_change. It replaces the raw-pages sensor: a changed folder is one reason among these, so
one mechanism launches a year, never two. While any run or backfill is unfinished it waits, so it never doubles a manual
backfill either, and the `duckdb` pool sees one automation run at a time. Stopping it in the UI
pauses it: a stopped sensor is not evaluated at all, and with one run in flight a pause takes
effect after that run.

Why a sensor rather than declarative automation (AutomationCondition on the assets): in Dagster
1.13 the automation sensor's runs carry fixed tags (no reason per run) and come in no set order,
code_version_changed() compares with the previous tick rather than with what a year was loaded
with (a fresh instance sees nothing), and a file landing under data/raw/ is no Dagster event
until the inventory runs again.

It also launches gx_derived_job (tagged derived_out_of_date) when the views or the agencies
and flags of the published warehouse were made by other code (an upgrade that changed their
SQL) and no year waits and no run is going: a year's load would make them, but with every year
current none comes (gx_pipeline.defs.derived).

late_reports_schedule: on the 1st of each month, when data/index-pages.csv lists agencies'
report list pages, fetch_job re-fetches them and the reports they link for the last two report
years; the folders that change are then reloaded by the sensor (reason raw_change).
"""

from __future__ import annotations

import json
import os
import time
import warnings
from dataclasses import dataclass

import dagster as dg

# Dagster 1.13 keeps these outside its public API; it is pinned exactly (pyproject.toml)
from dagster._core.scheduler.instigation import InstigatorStatus, InstigatorType

from gx_pipeline.defs.derived import DERIVED_JOB, derived_state, gx_derived_job
from gx_pipeline.defs.liveness import one_look, release_dead_runs, stuck_runs_said
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import RawPages
from gx_pipeline.defs.schedules import fetch_job, gx_yearly_job
from gx_pipeline.defs.staleness import (
    DETAIL_TAG,
    REASON_TAG,
    WAREHOUSE,
    Plan,
    YearState,
    busy,
    code_versions,
    plan,
    year_states,
    years_with_folders,
)

SENSOR_NAME = "stale_years_sensor"
# a sensor of two jobs is copied with its (empty) owners when the Definitions resolve its jobs,
# which Dagster 1.13 warns of as a Beta parameter (pinned exactly in pyproject.toml)
warnings.filterwarnings("ignore", message="Parameter `owners` of initializer `SensorDefinition")
#: seconds between two looks (each look stats every raw file and reads the instance)
INTERVAL_S = int(os.environ.get("GX_AUTOMATION_INTERVAL", "30"))
#: GX_AUTOMATION=stopped ships the sensor stopped (switch it on in the UI); default running
DEFAULT_STATUS = (
    dg.DefaultSensorStatus.STOPPED
    if os.environ.get("GX_AUTOMATION", "").strip().lower() in ("stopped", "off", "0")
    else dg.DefaultSensorStatus.RUNNING
)
#: report years the monthly re-fetch looks at: the last complete one and the one before
LATE_YEARS = 2


def stamp(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


def stale_since(cursor: str | None) -> dict[str, tuple[str, float]]:
    """From the sensor's cursor: year -> (run key of its stale state, Unix time the automation
    first saw the year in that state)."""
    try:
        seen = json.loads(cursor or "{}").get("stale", {})
        return {year: (str(key), float(ts)) for year, (key, ts) in seen.items()}
    except (ValueError, TypeError, AttributeError):
        return {}


#: the reason gx_derived_job is launched for
DERIVED_REASON = "derived_out_of_date"


@dg.sensor(
    name=SENSOR_NAME,
    jobs=[gx_yearly_job, gx_derived_job],
    minimum_interval_seconds=INTERVAL_S,
    default_status=DEFAULT_STATUS,
    description="Reloads stale report years by itself, one run at a time, newest year first: "
    "a year never loaded, one whose files under data/raw/<year>/ changed, one loaded by an "
    "older parser (PARSER_VERSION); and the warehouse's views and flags when other code made "
    "them (gx_derived_job). Each run is tagged gx/reason; each look's log lists the "
    "stale years and what comes next. Stop the sensor to pause it. `gx status` shows the same.",
)
def stale_years_sensor(context: dg.SensorEvaluationContext, raw_pages: RawPages) -> dg.SensorResult:
    stuck = _runs_left_in_flight(context, SENSOR_NAME, raw_pages)
    versions = code_versions(context.repository_def.asset_graph)  # type: ignore[union-attr]
    states = year_states(
        context.instance, versions, raw_pages.raw_dir, years_with_folders(raw_pages.raw_dir)
    )
    decided = plan(context.instance, states)
    before = stale_since(context.cursor)
    now = time.time()
    since = {
        s.year: before[s.year] if before.get(s.year, ("",))[0] == s.run_key else (s.run_key, now)
        for s in decided.queue
    }
    for state in decided.queue:
        context.log.info(
            f"{state.year} stale since {stamp(since[state.year][1])}: {state.detail} "
            f"({', '.join(state.reasons)}); loaded with parser {state.loaded_version or '-'}; "
            f"next: {decided.next_for(state.year)}"
        )
    result = dg.SensorResult(
        cursor=json.dumps({"stale": since}, sort_keys=True),
        asset_events=[
            _observation(state, since[state.year][1], decided)
            for state in decided.queue
            if before.get(state.year, ("",))[0] != state.run_key
        ],
    )
    if decided.launch is None and (derived := _derived_request(context, raw_pages, decided)):
        return dg.SensorResult(
            run_requests=[derived], cursor=result.cursor, asset_events=result.asset_events
        )
    if decided.launch is None:
        summary = (
            "stale: "
            + "; ".join(f"{s.year} {s.reason}, {decided.next_for(s.year)}" for s in decided.queue)
            if decided.queue
            else f"all {len(states)} years with raw folders are current"
        )
        summary += "".join(f"; {line}" for line in stuck)
        return dg.SensorResult(
            skip_reason=summary, cursor=result.cursor, asset_events=result.asset_events
        )
    year = decided.launch
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                job_name=gx_yearly_job.name,
                partition_key=year.year,
                run_key=year.run_key,
                tags={REASON_TAG: year.reason, DETAIL_TAG: year.detail},
            )
        ],
        cursor=result.cursor,
        asset_events=result.asset_events,
    )


def _derived_request(
    context: dg.SensorEvaluationContext, raw_pages: RawPages, decided: Plan
) -> dg.RunRequest | None:
    """gx_derived_job when the published warehouse's views or flags were made by other code
    and no year is to be loaded (a year's load makes them too) and no run is going."""
    if decided.running or decided.waiting:
        return None
    request = derived_request(context, raw_pages)
    return request if isinstance(request, dg.RunRequest) else None


def derived_request(
    context: dg.SensorEvaluationContext, raw_pages: RawPages
) -> dg.RunRequest | str:
    """gx_derived_job when the published warehouse's views or flags were made by other code
    and no run or backfill is going; else why not, in words."""
    state = derived_state(raw_pages.layout.published_database)
    if not state.stale:
        return "the warehouse's views and flags were made by this code"
    if waiting := busy(context.instance):
        said = f"{' and '.join(state.stale)} made by other code: {waiting}"
        context.log.info(said)
        return said
    detail = f"{' and '.join(state.stale)} of the warehouse were made by other code than this"
    context.log.info(f"{detail}: made again (no year loaded again for it)")
    return dg.RunRequest(
        job_name=DERIVED_JOB,
        run_key=f"derived:{state.key}",
        tags={REASON_TAG: DERIVED_REASON, DETAIL_TAG: detail},
    )


DERIVED_SENSOR_NAME = "derived_objects_sensor"


@dg.sensor(
    name=DERIVED_SENSOR_NAME,
    job=gx_derived_job,
    minimum_interval_seconds=INTERVAL_S,
    default_status=DEFAULT_STATUS,
    description="For the code location of the year × province partitions: makes the "
    "warehouse's views and flags again (gx_derived_job) when other code made them (an "
    "upgrade) and no run or backfill is going; the yearly location's stale_years_sensor does "
    "the same. Stop the sensor to pause it.",
)
def derived_objects_sensor(
    context: dg.SensorEvaluationContext, raw_pages: RawPages
) -> dg.RunRequest | dg.SkipReason:
    stuck = _runs_left_in_flight(context, DERIVED_SENSOR_NAME, raw_pages)
    request = derived_request(context, raw_pages)
    if isinstance(request, dg.RunRequest):
        return request
    return dg.SkipReason(request + "".join(f"; {line}" for line in stuck))


def _runs_left_in_flight(
    context: dg.SensorEvaluationContext, sensor: str, raw_pages: RawPages
) -> list[str]:
    """Mark failed the runs whose process died (a killed `gx run` would stay in flight for
    ever, holding its `duckdb` slot, and the automation waits while any run is unfinished),
    then name those whose process is not known here, with the way out: a line for each, for
    the skip reason; both logged."""
    with one_look():  # the runs' engine events read once for both
        for dead in release_dead_runs(context.instance, sensor, raw_pages.staging_dir):
            context.log.warning(f"run {dead.run_id} ({dead.partition or '-'}): {dead.why}")
        stuck = stuck_runs_said(context.instance)
    for line in stuck:
        context.log.warning(line)
    return stuck


def _observation(state: YearState, since: float, decided: Plan) -> dg.AssetObservation:
    """What the UI shows on the year's gx_warehouse partition when it turns stale."""
    return dg.AssetObservation(
        asset_key=WAREHOUSE,
        partition=state.year,
        description=f"stale ({state.reason}): {state.detail}",
        metadata={
            "stale": ", ".join(state.reasons),
            "why": state.detail,
            "stale_since": dg.MetadataValue.timestamp(since),
            "loaded_parser_version": state.loaded_version or "never loaded",
            "automation": decided.next_for(state.year),
        },
    )


@dataclass(frozen=True)
class SensorState:
    """The automation as the instance records it, for `gx status`."""

    running: bool
    #: Unix time of its last look, None if it never looked in this instance
    last_look: float | None
    cursor: str | None


def sensor_state(instance: dg.DagsterInstance) -> SensorState:
    """Whether stale_years_sensor is running (the UI's switch, else its default) and its cursor."""
    states = [
        s
        for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        if s.instigator_name == SENSOR_NAME
    ]
    if not states:
        return SensorState(DEFAULT_STATUS == dg.DefaultSensorStatus.RUNNING, None, None)
    # one per code location that ever served it; the one that looked last is the live one
    state = max(
        states,
        key=lambda s: (
            (s.sensor_instigator_data and s.sensor_instigator_data.last_tick_timestamp) or 0
        ),
    )
    data = state.sensor_instigator_data
    if state.status == InstigatorStatus.STOPPED:
        running = False
    elif state.status == InstigatorStatus.DECLARED_IN_CODE:
        running = DEFAULT_STATUS == dg.DefaultSensorStatus.RUNNING
    else:
        running = True
    return SensorState(
        running, data.last_tick_timestamp if data else None, data.cursor if data else None
    )


@dg.schedule(
    name="late_reports_schedule",
    job=fetch_job,
    cron_schedule="0 4 1 * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="1st of each month, 04:00 (Beijing): when data/index-pages.csv lists agencies' "
    "report list pages, re-fetch them and the reports they link for the last two report years "
    "(new ones, and edits of archived ones); stale_years_sensor then reloads the years whose "
    "folders changed. Without that file the tick skips.",
)
def late_reports_schedule(
    context: dg.ScheduleEvaluationContext, raw_pages: RawPages
) -> dg.RunRequest | dg.SkipReason:
    index_pages = raw_pages.index_pages_path
    if not index_pages.is_file():
        return dg.SkipReason(f"no {index_pages}: no list pages to re-fetch")
    keys = yearly_partitions.get_partition_keys(current_time=context.scheduled_execution_time)
    years = [int(y) for y in keys[-LATE_YEARS:]]
    return dg.RunRequest(
        run_key=context.scheduled_execution_time.strftime("%Y-%m"),
        run_config=late_reports_config(years),
        tags={REASON_TAG: "late_reports", "gx/years": ",".join(map(str, years))},
    )


def late_reports_config(years: list[int]) -> dict:
    """fetch_job's run config for a re-fetch of the list pages and their reports of `years`."""
    return {
        "ops": {"raw_archive": {"config": {"refresh": True, "index_pages": True, "years": years}}}
    }
