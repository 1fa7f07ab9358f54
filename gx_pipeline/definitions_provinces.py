"""The code location of the year × province partitions (an option beside the default yearly
location, gx_pipeline.definitions): a year's pages routed to provinces, each province parsed on
any machine into Parquet in a storage location, the year assembled into the same warehouse.

Load it with `dagster dev -m gx_pipeline.definitions_provinces` (or workspace_provinces.yaml);
GX_LAKE_URL sets the storage location (default data/lake), GX_CELERY_BROKER the celery executor
(see docs/DEPLOY.md). The asset keys are the default location's (gx_warehouse and its check):
serve one of the two locations against one warehouse, not both.

Its automation is derived_objects_sensor: after an upgrade that changed the views' or the flags'
SQL it makes them again (gx_derived_job), as the yearly location's stale_years_sensor does. It
does not reload stale years by itself: a year here is three jobs (routes, then a backfill of the
year's provinces, then the assembly), launched as backfills from the UI, and stale_years_sensor's
reasons are read from the yearly location's steps (their code versions and materializations).
"""

from pathlib import Path

import dagster as dg

from gx_pipeline.defs import cancels
from gx_pipeline.defs.automation import derived_objects_sensor
from gx_pipeline.defs.checks import (
    no_page_failed_by_the_parser,
    no_report_of_an_earlier_load_lost,
    reports_satisfy_tally_identities,
)
from gx_pipeline.defs.derived import gx_derived_job
from gx_pipeline.defs.executors import executor_from_env
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.provinces import (
    PartitionStore,
    default_store_url,
    gx_warehouse_from_provinces,
    page_routes,
    province_facts,
    province_partitions,
)
from gx_pipeline.defs.resources import default_resources

# the runs of this location end while their steps wait, when interrupted or terminated (the
# in-process executor's; celery's steps wait in its workers)
cancels.install()

ROUTES_JOB = "gx_routes_job"
PROVINCE_JOB = "gx_province_job"
ASSEMBLE_JOB = "gx_assemble_job"


def build_definitions(data_dir: Path | None = None, store_url: str | None = None) -> dg.Definitions:
    """Definitions over `data_dir` (default: $GX_DATA_DIR or <repo>/data) and the storage
    location `store_url` (default: $GX_LAKE_URL or <data>/lake)."""
    return dg.Definitions(
        assets=[page_routes, province_facts, gx_warehouse_from_provinces],
        asset_checks=[
            reports_satisfy_tally_identities,
            no_report_of_an_earlier_load_lost,
            no_page_failed_by_the_parser,
        ],
        jobs=[
            dg.define_asset_job(
                ROUTES_JOB, selection=[page_routes], partitions_def=yearly_partitions
            ),
            dg.define_asset_job(
                PROVINCE_JOB, selection=[province_facts], partitions_def=province_partitions
            ),
            dg.define_asset_job(
                ASSEMBLE_JOB,
                selection=dg.AssetSelection.assets(gx_warehouse_from_provinces),
                partitions_def=yearly_partitions,
            ),
            gx_derived_job,
        ],
        sensors=[derived_objects_sensor],
        resources={
            **default_resources(data_dir),
            "store": PartitionStore(url=store_url or default_store_url(data_dir)),
        },
        executor=executor_from_env(),
    )


defs = build_definitions()


# module-level job getters: the celery workers rebuild a run's job from this module by name
def routes_job() -> dg.JobDefinition:
    return defs.resolve_job_def(ROUTES_JOB)


def province_job() -> dg.JobDefinition:
    return defs.resolve_job_def(PROVINCE_JOB)


def assemble_job() -> dg.JobDefinition:
    return defs.resolve_job_def(ASSEMBLE_JOB)
