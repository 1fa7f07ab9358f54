"""The pipeline as a user drives it: a real `dagster dev`, backfills launched through GraphQL.

The server, its temporary DAGSTER_HOME and data dir, and two backfills of 2020-2021 launched
back to back come from the session fixture in gx_pipeline_tests/dagster_ui.py (shared with the
browser test). 2020 holds three reports that satisfy every identity; 2021 holds one that does
and one whose appeals.row_total does not (gen-2021-04-pipe.txt).
"""

import json

import pytest

from gx_pipeline.parsing import PARSER_VERSION
from gx_pipeline_tests.conftest import SEED, query
from gx_pipeline_tests.dagster_ui import FAILING_2021, DagsterUI

CHECK = "reports_satisfy_tally_identities"


def _partition(run: dict) -> str:
    return {t["key"]: t["value"] for t in run["tags"]}["dagster/partition"]


def test_every_asset_and_check_explains_itself(dagster_ui: DagsterUI):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in dagster_ui.asset_nodes()}
    assert set(nodes) == {
        "raw_report_inventory",
        "parsed_reports",
        "validated_frames",
        "gx_warehouse",
        "raw_archive",
    }
    for name, node in nodes.items():
        assert node["description"], name
        assert node["groupName"] == ("fetch" if name == "raw_archive" else "gx")
        assert node["owners"] == [{"team": "gx-data"}], name
        assert set(node["kinds"]) & {"html", "pandas", "duckdb"}, name
    for name in ("parsed_reports", "validated_frames", "gx_warehouse"):
        assert nodes[name]["opVersion"] == PARSER_VERSION
    checks = {c["name"]: c for c in nodes["gx_warehouse"]["assetChecksOrError"]["checks"]}
    assert set(checks) == {
        CHECK,
        "no_report_of_an_earlier_load_lost",
        "no_page_failed_by_the_parser",
    }
    assert all(check["description"] for check in checks.values()), checks


def test_two_backfills_of_the_same_years_queue_and_none_fails_on_the_duckdb_lock(
    dagster_ui: DagsterUI,
):
    first, second = dagster_ui.backfills
    assert len(first["launchedRunIds"]) == len(second["launchedRunIds"]) == 2  # one run per year
    runs, _ = dagster_ui.wait_for_runs(dagster_ui.backfill_run_ids())

    assert sorted(_partition(r) for r in runs) == ["2020", "2020", "2021", "2021"]
    for run in runs:
        events = dagster_ui.run_events(run["runId"])
        kinds = [e["__typename"] for e in events]
        assert "RunEnqueuedEvent" in kinds  # went through the run queue
        # the warehouse step may wait ("Step blocked by limit for pool duckdb"), never fail
        assert not [e for e in events if "could not set lock" in (e.get("message") or "").lower()]
        failed_steps = {
            e["stepKey"] for e in events if e["__typename"] == "ExecutionStepFailureEvent"
        }
        materialized = [e for e in events if e["__typename"] == "MaterializationEvent"]
        assert len(materialized) == 4, run["runId"]  # every asset of the year, both backfills
        # 2021 has a report that contradicts itself: the check warns, the run stays green
        assert run["status"] == "SUCCESS"
        assert not failed_steps


def test_the_tally_check_result_reads_back_per_year_with_the_failing_report(
    dagster_ui: DagsterUI,
):
    dagster_ui.wait_for_runs(dagster_ui.backfill_run_ids())
    executions = dagster_ui.check_executions("gx_warehouse", CHECK)
    assert len(executions) == 4
    by_year = {}
    for execution in executions:
        assert execution["evaluation"]["partition"] == execution["partition"]
        by_year.setdefault(execution["partition"], []).append(execution)
    assert {e["status"] for e in by_year["2020"]} == {"SUCCEEDED"}
    assert {e["status"] for e in by_year["2021"]} == {"FAILED"}
    assert {e["evaluation"]["severity"] for e in by_year["2021"]} == {"WARN"}

    metadata = {m["label"]: m for m in by_year["2021"][0]["evaluation"]["metadataEntries"]}
    failures = metadata["failures"]["mdStr"]
    assert failures.startswith("| agency | source | identity |")
    assert f"2021/{FAILING_2021}" in failures
    assert "appeals.row_total" in failures
    assert json.loads(metadata["counts"]["jsonString"])["failing_report_count"] == 1
    # nothing the check's Plots section would draw as one line across the years
    assert not {m["__typename"] for m in metadata.values()} & {
        "IntMetadataEntry",
        "FloatMetadataEntry",
    }


TERMINATE = """
mutation($runId: String!, $policy: TerminateRunPolicy) {
  terminateRun(runId: $runId, terminatePolicy: $policy) {
    __typename
    ... on TerminateRunFailure { message }
    ... on PythonError { message }
  }
}
"""


@pytest.mark.signals
def test_a_ui_run_waiting_for_the_duckdb_slot_ends_on_terminate_and_loads_nothing(tmp_path):
    """A run launched from the UI whose warehouse step waits for the `duckdb` slot (a long
    load holds it), then the UI's Terminate (not forced): its run worker was sent the
    interrupt and the run recorded CANCELING, but Dagster's executor looks for an interrupt only
    as a step starts, so the run waited on, CANCELING, until the slot was free or it was
    forced. Now it ends within seconds, CANCELED, and once the slot is free nothing of it is
    loaded."""
    import time

    from gx_pipeline_tests.dagster_ui import TERMINAL, start, stop
    from gx_pipeline_tests.holding import slot_held_by_a_live_run

    def one_year(data_dir):
        (data_dir / "raw" / "2020").mkdir(parents=True)
        (data_dir / "raw" / "2020" / SEED.name).write_bytes(SEED.read_bytes())

    ui = start(tmp_path, populate=one_year, env={"GX_AUTOMATION": "stopped"})
    try:
        instance, holder = slot_held_by_a_live_run(ui.home, ui.data_dir)
        storage = instance.event_log_storage
        (run_id,) = ui.launch_year_backfill(["2020"])["launchedRunIds"]
        deadline = time.monotonic() + 180
        while not any(
            "blocked" in (e.get("message") or "") and e.get("stepKey") == "gx_warehouse"
            for e in ui.run_events(run_id)
        ):
            assert time.monotonic() < deadline, ui.runs([run_id])
            time.sleep(0.5)
        result = ui.graphql(TERMINATE, {"runId": run_id, "policy": "SAFE_TERMINATE"})
        assert result["terminateRun"]["__typename"] == "TerminateRunSuccess", result
        sent = time.monotonic()
        while (status := ui.runs([run_id])[0]["status"]) not in TERMINAL:
            if time.monotonic() - sent > 30:
                break
            time.sleep(0.5)
        took = time.monotonic() - sent
        storage.free_concurrency_slots_for_run(holder.run_id)  # the long load ends
        time.sleep(5)  # a run still waiting would take the slot now
        assert status == "CANCELED", (status, took)
        assert took < 20, took
        events = ui.run_events(run_id)
        assert not [
            e
            for e in events
            if e["__typename"] == "MaterializationEvent" and e.get("stepKey") == "gx_warehouse"
        ]
        assert storage.get_concurrency_info("duckdb").claimed_slots == []
        published = ui.data_dir / "warehouse.duckdb"
        assert not published.exists() or query(
            ui.data_dir, "select count(*) from dim_report where report_year = 2020"
        ) == [(0,)]
    finally:
        stop(ui)
