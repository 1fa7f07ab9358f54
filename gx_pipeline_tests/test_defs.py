from datetime import datetime

import dagster as dg
import pytest

from gx_pipeline.definitions import defs
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.schedules import gx_yearly_schedule, raw_archive_recheck_schedule
from gx_pipeline_tests.conftest import SEED, put_page, schedule_tick


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_yearly_job_covers_the_assets_and_the_tally_check():
    job = defs.resolve_job_def("gx_yearly_job")
    assert job.partitions_def == yearly_partitions
    graph = defs.resolve_asset_graph()
    check_keys = {k.name for k in graph.asset_check_keys}
    assert "reports_satisfy_tally_identities" in check_keys
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} >= {
        "raw_report_inventory",
        "parsed_reports",
        "validated_frames",
        "gx_warehouse",
    }


def test_partitions_start_in_2019_and_end_with_the_last_complete_year():
    keys = yearly_partitions.get_partition_keys(current_time=datetime(2026, 2, 1))
    assert keys[0] == "2019"
    assert keys[-1] == "2025"


def test_schedule_tick_of_1_february_2026_requests_report_year_2025(data_dir, instance):
    put_page(data_dir, 2025, SEED.name, SEED)
    when = datetime(2026, 2, 1, 6)
    tick = schedule_tick(gx_yearly_schedule, instance, data_dir, when, defs.get_repository_def())
    requests = tick.run_requests
    assert [r.partition_key for r in requests] == ["2025"]
    assert requests[0].run_key == "2025"
    assert requests[0].tags["gx/reason"] == "never_loaded"


def test_schedule_tick_skips_a_year_whose_folder_does_not_exist_yet(data_dir, instance):
    """1 February with 2025's pages not fetched yet: the tick launched a run that failed
    ("data/raw/2025 is missing … mistyped, not mounted?"), a red run for an ordinary day. The
    tick skips, naming the folder; a manual run or a backfill of the year still fails loudly."""
    put_page(data_dir, 2024, SEED.name, SEED)  # the data folder is there: earlier years are
    when = datetime(2026, 2, 1, 6)
    tick = schedule_tick(gx_yearly_schedule, instance, data_dir, when, defs.get_repository_def())
    assert tick.run_requests == []
    assert tick.skip_message == (
        f"{data_dir / 'raw' / '2025'} does not exist: no pages of 2025 to load yet (not "
        "fetched, or the data folder not mounted); stale_years_sensor, or `gx run --years "
        "2025`, loads the year once its pages are there"
    )


@pytest.mark.parametrize(
    "missing", ["data-folder", "raw-folder", "raw-folder-empty", "year-link-to-nowhere"]
)
def test_schedule_tick_does_not_skip_when_the_data_folder_itself_is_not_there(
    data_dir, instance, missing
):
    """A data folder not mounted on 1 February (missing, or an empty mount point), or a year's
    folder linked to storage not mounted, is no year not fetched yet: the tick skipped it like one, and nothing said the data was gone. The tick
    launches the year's run, which fails naming the folder (mistyped, not mounted?)."""
    import shutil

    if missing == "data-folder":
        shutil.rmtree(data_dir)
    elif missing == "raw-folder":
        (data_dir / "raw").rmdir()
    elif missing == "year-link-to-nowhere":  # the year's own storage, not mounted
        put_page(data_dir, 2024, SEED.name, SEED)
        (data_dir / "raw" / "2025").symlink_to(data_dir.parent / "mnt" / "2025")
    when = datetime(2026, 2, 1, 6)
    tick = schedule_tick(gx_yearly_schedule, instance, data_dir, when, defs.get_repository_def())
    assert tick.skip_message is None
    assert [r.partition_key for r in tick.run_requests] == ["2025"]


def test_fetch_job_holds_raw_archive_and_its_weekly_recheck_starts_switched_off():
    job = defs.resolve_job_def("fetch_job")
    assert job.partitions_def is None
    assert {k.to_user_string() for k in job.asset_layer.selected_asset_keys} == {"raw_archive"}
    assert raw_archive_recheck_schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 3, 2, 3), repository_def=defs.get_repository_def()
    )
    (request,) = raw_archive_recheck_schedule.evaluate_tick(context).run_requests
    assert request.run_config == {"ops": {"raw_archive": {"config": {"refresh": True}}}}
