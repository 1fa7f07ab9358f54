"""The code location: assets, the tally check, the yearly job, schedule and raw-pages sensor."""

from pathlib import Path

import dagster as dg

from gx_pipeline.assets import gx_warehouse, parsed_reports, raw_report_inventory, validated_frames
from gx_pipeline.checks import reports_satisfy_tally_identities
from gx_pipeline.resources import default_resources
from gx_pipeline.schedules import gx_yearly_job, gx_yearly_schedule
from gx_pipeline.sensors import raw_pages_sensor

ASSETS = [raw_report_inventory, parsed_reports, validated_frames, gx_warehouse]
CHECKS = [reports_satisfy_tally_identities]


def build_definitions(data_dir: Path | None = None) -> dg.Definitions:
    """Definitions over `data_dir` (default: $GX_DATA_DIR or <repo>/data)."""
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=[gx_yearly_job],
        schedules=[gx_yearly_schedule],
        sensors=[raw_pages_sensor],
        resources=default_resources(data_dir),
        # DuckDB has one writer: run each run's steps in one process, one after the other
        executor=dg.in_process_executor,
    )


defs = build_definitions()
