"""The code location: the yearly assets and the tally check, the web fetcher's raw_archive, their
jobs and schedules, and the automation that reloads stale years."""

from pathlib import Path

import dagster as dg

from gx_pipeline.defs import cancels
from gx_pipeline.defs.assets import (
    gx_warehouse,
    parsed_reports,
    raw_report_inventory,
    validated_frames,
)
from gx_pipeline.defs.automation import late_reports_schedule, stale_years_sensor
from gx_pipeline.defs.checks import (
    no_page_failed_by_the_parser,
    no_report_of_an_earlier_load_lost,
    reports_satisfy_tally_identities,
)
from gx_pipeline.defs.derived import gx_derived_job
from gx_pipeline.defs.fetch_assets import raw_archive
from gx_pipeline.defs.resources import default_resources
from gx_pipeline.defs.schedules import (
    fetch_job,
    gx_yearly_job,
    gx_yearly_schedule,
    raw_archive_recheck_schedule,
)

#: the yearly assets (one partition definition, so they materialize together)
ASSETS = [raw_report_inventory, parsed_reports, validated_frames, gx_warehouse]
#: unpartitioned: the web fetcher
FETCH_ASSETS = [raw_archive]
CHECKS = [
    reports_satisfy_tally_identities,
    no_report_of_an_earlier_load_lost,
    no_page_failed_by_the_parser,
]

# the runs of this location end while their steps wait, when interrupted or terminated
cancels.install()


def build_definitions(data_dir: Path | None = None) -> dg.Definitions:
    """Definitions over `data_dir` (default: $GX_DATA_DIR or <repo>/data)."""
    return dg.Definitions(
        assets=[*ASSETS, *FETCH_ASSETS],
        asset_checks=CHECKS,
        jobs=[gx_yearly_job, fetch_job, gx_derived_job],
        schedules=[gx_yearly_schedule, raw_archive_recheck_schedule, late_reports_schedule],
        sensors=[stale_years_sensor],
        resources=default_resources(data_dir),
        # DuckDB has one writer: run each run's steps in one process, one after the other
        executor=dg.in_process_executor,
    )


defs = build_definitions()
