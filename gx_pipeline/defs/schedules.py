"""The jobs and their schedules.

gx_yearly_job: reports are due by 31 January, so on 1 February load the year before (unless
the automation, gx_pipeline.defs.automation, already has).
fetch_job: the web fetcher (raw_archive); a weekly re-check for silent edits ships switched off.
"""

import os
from pathlib import Path

import dagster as dg

from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import RawPages
from gx_pipeline.defs.staleness import (
    DETAIL_TAG,
    REASON_TAG,
    code_versions,
    unfinished_run_of,
    year_state,
)

gx_yearly_job = dg.define_asset_job(
    "gx_yearly_job",
    selection=dg.AssetSelection.groups("gx"),
    partitions_def=yearly_partitions,
    description="Load one report year: raw pages -> parsed -> validated -> DuckDB, then tally.",
)


@dg.schedule(
    job=gx_yearly_job,
    cron_schedule="0 6 1 2 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def gx_yearly_schedule(
    context: dg.ScheduleEvaluationContext, raw_pages: RawPages
) -> dg.RunRequest | dg.SkipReason:
    """Materialize the last complete report year (the tick of 2026-02-01 loads 2025), unless
    it is already loaded and current or on its way: stale_years_sensor usually got there first,
    and a year is never launched twice. A year whose folder does not exist yet (its pages not
    fetched on 1 February) is skipped, naming the folder: its run would only fail on it (as a
    manual run or a backfill of such a year still does, loudly). Not where the raw folder holds
    no year at all (missing, or an empty mount point: the data folder not mounted), nor where
    the year's folder is there and holds no pages (its storage not mounted, a copy not
    finished: after the reports are due that is no year without reports): the year's run is
    launched and fails, naming the folder, writing nothing."""
    # build_schedule_from_partitioned_job cannot take a custom tick time for a custom-cron
    # partitioning, hence this hand-written schedule
    last = yearly_partitions.get_partition_keys(current_time=context.scheduled_execution_time)[-1]
    folder = raw_pages.year_dir(int(last))
    # nothing at all there: a link to storage not mounted is no year not fetched yet
    if not os.path.lexists(folder) and _holds_a_year(raw_pages.raw_dir):
        return dg.SkipReason(
            f"{folder} does not exist: no pages of {last} to load yet (not fetched, or the data "
            f"folder not mounted); stale_years_sensor, or `gx run --years {last}`, loads the "
            "year once its pages are there"
        )
    versions = code_versions(context.repository_def.asset_graph)  # type: ignore[union-attr]
    state = year_state(context.instance, versions, raw_pages.raw_dir, last)
    if not state.stale:
        return dg.SkipReason(f"{last} is loaded and current")
    if (run := unfinished_run_of(context.instance, last)) is not None:
        return dg.SkipReason(f"{last} is being loaded by run {run.run_id}")
    return dg.RunRequest(
        run_key=last,
        partition_key=last,
        tags={REASON_TAG: state.reason, DETAIL_TAG: state.detail},
    )


def _holds_a_year(raw: Path) -> bool:
    """Whether `raw` holds a year's folder: the data folder is there, a year missing from it
    is one not fetched yet."""
    try:
        return any(entry.is_dir() and entry.name.isdigit() for entry in raw.iterdir())
    except OSError:  # missing, not a folder, not readable
        return False


fetch_job = dg.define_asset_job(
    "fetch_job",
    selection=dg.AssetSelection.groups("fetch"),
    description="Fetch data/manifest.csv into the raw archive, place the pages under "
    "data/raw/<year>/ (stale_years_sensor loads those years) and record page_versions.",
)

#: the run config that makes raw_archive re-check every archived page (gx fetch --refresh)
RECHECK_CONFIG = {"ops": {"raw_archive": {"config": {"refresh": True}}}}

# STOPPED by default: it sends a request to every listed site each week, which a group should
# switch on knowingly (Automation tab), not get from `dagster dev` on a laptop
raw_archive_recheck_schedule = dg.ScheduleDefinition(
    name="raw_archive_recheck_schedule",
    job=fetch_job,
    cron_schedule="0 3 * * 1",
    execution_timezone="Asia/Shanghai",
    run_config=RECHECK_CONFIG,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Mondays 03:00 (Beijing): re-check every archived page with a conditional "
    "request; edited pages become new versions in page_versions and replace the old edition "
    "under data/raw/<year>/.",
)
