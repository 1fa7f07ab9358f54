"""The raw-pages sensor on a temporary landing folder, evaluated as the daemon would."""

import json
import os

import dagster as dg

from gx_pipeline.defs.resources import RawPages
from gx_pipeline.defs.sensors import raw_pages_sensor
from gx_pipeline_tests.conftest import SEED, put_page


def _evaluate(data_dir, cursor):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"raw_pages": RawPages(data_dir=str(data_dir))}
    )
    result = raw_pages_sensor(context)
    return result, context.cursor


def _requests(result) -> list[dg.RunRequest]:
    return list(result.run_requests or []) if isinstance(result, dg.SensorResult) else []


def test_first_evaluation_records_the_folders_without_requesting_runs(data_dir):
    put_page(data_dir, 2023, SEED.name, SEED)
    result, cursor = _evaluate(data_dir, None)
    assert isinstance(result, dg.SkipReason)
    assert set(json.loads(cursor)) == {"2023"}


def test_a_page_copied_into_2024_requests_a_run_of_2024_only(data_dir):
    put_page(data_dir, 2023, SEED.name, SEED)
    put_page(data_dir, 2024, "old.txt", SEED)
    _, cursor = _evaluate(data_dir, None)

    put_page(data_dir, 2024, "new-page.txt", SEED)
    result, cursor_after = _evaluate(data_dir, cursor)
    (request,) = _requests(result)
    assert request.partition_key == "2024"
    assert request.run_key.startswith("2024:")
    assert json.loads(cursor_after)["2023"] == json.loads(cursor)["2023"]

    unchanged, _ = _evaluate(data_dir, cursor_after)
    assert isinstance(unchanged, dg.SkipReason)
    assert _requests(unchanged) == []


def test_a_changed_page_and_a_new_year_folder_each_request_their_year(data_dir):
    page = put_page(data_dir, 2021, SEED.name, SEED)
    _, cursor = _evaluate(data_dir, None)
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    put_page(data_dir, 2022, "first.txt", SEED)
    result, _ = _evaluate(data_dir, cursor)
    assert sorted(r.partition_key for r in _requests(result)) == ["2021", "2022"]


def test_hidden_files_do_not_trigger_a_run(data_dir):
    put_page(data_dir, 2024, SEED.name, SEED)
    _, cursor = _evaluate(data_dir, None)
    put_page(data_dir, 2024, ".partial-download", b"...")
    result, _ = _evaluate(data_dir, cursor)
    assert _requests(result) == []
