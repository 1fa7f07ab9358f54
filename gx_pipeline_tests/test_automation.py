"""The automation, evaluated as the daemon would: stale_years_sensor on a persistent instance in a
temporary DAGSTER_HOME where real runs loaded years, some with an older parser version (the
same Definitions with another code version on the parser's assets), and the monthly re-fetch of
late reports from a loopback site.

Each requested run is then executed like the daemon launches it (the request's partition, tags
and run key), so the next look sees what that run did.
"""

from __future__ import annotations

import itertools
import time
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.schedule_definition import ScheduleExecutionData
from dagster._core.storage.tags import RUN_KEY_TAG

from gx_pipeline import cli
from gx_pipeline.definitions import build_definitions
from gx_pipeline.defs.assets import raw_report_inventory
from gx_pipeline.defs.automation import (
    DERIVED_JOB,
    SENSOR_NAME,
    late_reports_schedule,
    stale_since,
    stale_years_sensor,
)
from gx_pipeline.defs.fetch_assets import raw_archive
from gx_pipeline.defs.resources import RawPages, WebFetcher, default_resources
from gx_pipeline.defs.schedules import gx_yearly_schedule
from gx_pipeline.defs.staleness import PARSER_ASSETS, YEARLY_ASSETS, code_versions, year_state
from gx_pipeline.parsing import PARSER_VERSION
from gx_pipeline.staging import pool
from gx_pipeline_tests.conftest import REALDEV_PAGES, ReportSite, put_page, query, schedule_tick
from gx_pipeline_tests.dagster_ui import BUNDLED_RAW, TERMINAL, DagsterUI, start, stop
from gx_pipeline_tests.holding import writer_holding

OLD_PARSER = "1.7.0"
#: one real page per report year (2025's real excerpt has no table: a generated page instead)
PAGES = {
    2019: REALDEV_PAGES / "101_fuxin_zhangwu_govoffice_2019.txt",
    2020: REALDEV_PAGES / "107_qianjiang_zhouji_street_2020.txt",
    2021: REALDEV_PAGES / "111_tianjin_beichen_jiarongli_street_2021.txt",
    2022: REALDEV_PAGES / "113_xian_lintong_qinling_2022.txt",
    2023: REALDEV_PAGES / "116_yongzhou_lengshuitan_gaokeyuan_2023.txt",
    2024: REALDEV_PAGES / "118_jiaxing_pinghu_bureau_2024.txt",
    2025: BUNDLED_RAW / "2025" / "gen-2025-04-trs.html",
}
_QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _defs(data_dir: Path, parser_version: str = PARSER_VERSION) -> dg.Definitions:
    """The code location's Definitions; with another parser_version, as an older release of
    the code declared them."""
    defs = build_definitions(data_dir)
    if parser_version == PARSER_VERSION:
        return defs
    return defs.map_asset_specs(
        func=lambda spec: (
            spec.replace_attributes(code_version=parser_version)
            if spec.key in PARSER_ASSETS
            else spec
        )
    )


def _load(
    defs: dg.Definitions, instance: dg.DagsterInstance, year: str, tags: dict | None = None
) -> dg.ExecuteInProcessResult:
    result = defs.resolve_job_def("gx_yearly_job").execute_in_process(
        partition_key=year, instance=instance, tags=tags, run_config=_QUIET, raise_on_error=False
    )
    assert result.success, year
    return result


@pytest.fixture
def load_old(data_dir, instance, monkeypatch):
    """Load a year as the release before the parser upgrade did: its Definitions declared
    OLD_PARSER and its parser wrote OLD_PARSER into dim_report.parser_version."""
    old = _defs(data_dir, OLD_PARSER)

    def load(year: str) -> None:
        with monkeypatch.context() as patch:
            patch.setattr(pool, "PARSER_VERSION", OLD_PARSER)
            _load(old, instance, year)

    return load


class Automation:
    """stale_years_sensor looked at tick after tick, carrying its cursor like the daemon."""

    def __init__(self, data_dir: Path, instance: dg.DagsterInstance) -> None:
        self.data_dir = data_dir
        self.instance = instance
        self.defs = _defs(data_dir)
        self.cursor: str | None = None

    def look(self) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=self.instance,
            cursor=self.cursor,
            definitions=self.defs,
            resources={"raw_pages": RawPages(data_dir=str(self.data_dir))},
        )
        result = stale_years_sensor(context)
        self.cursor = result.cursor
        return result

    def requests(self) -> list[dg.RunRequest]:
        return list(self.look().run_requests or [])

    def run(self, request: dg.RunRequest) -> None:
        """What the daemon does with a request: a run of the year, tagged, with its run key."""
        tags = {**request.tags, RUN_KEY_TAG: request.run_key}
        if request.job_name == DERIVED_JOB:
            job = self.defs.resolve_job_def(DERIVED_JOB)
            result = job.execute_in_process(instance=self.instance, tags=tags, run_config=_QUIET)
            assert result.success
            return
        _load(self.defs, self.instance, request.partition_key, tags)

    def run_until_current(self) -> list[tuple[str, str]]:
        """Every (year, gx/reason) the automation launches, in order, until it asks for none."""
        launched = []
        for _ in range(10):
            requests = self.requests()
            if not requests:
                return launched
            (request,) = requests  # one run at a time
            launched.append((request.partition_key, request.tags["gx/reason"]))
            self.run(request)
        raise AssertionError(f"still requesting after {launched}")


def _pages(data_dir: Path, years: list[int]) -> None:
    for year in years:
        put_page(data_dir, year, PAGES[year].name, PAGES[year])


def test_a_parser_upgrade_reloads_exactly_the_years_of_the_old_parser_newest_first(
    data_dir, instance, load_old
):
    _pages(data_dir, [2020, 2021, 2022])
    load_old("2020")
    load_old("2021")
    _load(_defs(data_dir), instance, "2022")  # already read by the current parser
    automation = Automation(data_dir, instance)

    first = automation.look()
    (request,) = first.run_requests
    assert request.partition_key == "2021"
    assert request.tags == {
        "gx/reason": "parser_upgrade",
        "gx/stale": f"parsed with {OLD_PARSER}, parser now {PARSER_VERSION}",
    }
    # each stale year shows on its gx_warehouse partition, with the next step
    seen = {e.partition: e.metadata for e in first.asset_events}
    assert set(seen) == {"2021", "2020"}
    assert seen["2020"]["stale"].value == "parser_upgrade"
    assert seen["2020"]["loaded_parser_version"].value == OLD_PARSER
    assert seen["2020"]["automation"].value == "2nd in line"

    automation.run(request)
    assert automation.run_until_current() == [("2020", "parser_upgrade")]
    assert stale_since(automation.cursor) == {}
    skip = automation.look()
    assert not skip.run_requests
    assert "all 3 years with raw folders are current" in str(skip.skip_reason)


def _current_2022_and_2023(data_dir: Path, instance: dg.DagsterInstance) -> Automation:
    """2022 and 2023 loaded by the current code: the automation asks for nothing."""
    _pages(data_dir, [2022, 2023])
    defs = _defs(data_dir)
    _load(defs, instance, "2022")
    _load(defs, instance, "2023")
    automation = Automation(data_dir, instance)
    assert automation.requests() == []
    return automation


def test_a_changed_raw_page_requests_only_its_year(data_dir, instance):
    automation = _current_2022_and_2023(data_dir, instance)

    put_page(data_dir, 2022, "late-edition.txt", PAGES[2022])
    (request,) = automation.requests()
    assert (request.partition_key, request.tags["gx/reason"]) == ("2022", "raw_change")
    assert stale_since(automation.cursor).keys() == {"2022"}
    # downloads in progress and editors' temporary files are not a change
    for name in ("late.html.part", "late.html.crdownload", ".late.html.swp", "~$late.doc"):
        put_page(data_dir, 2023, name, b"...")
    automation.run(request)
    assert automation.requests() == []
    # a page under a hidden name is: it is read like any other
    put_page(data_dir, 2023, ".hidden.txt", PAGES[2021])
    (request,) = automation.requests()
    assert (request.partition_key, request.tags["gx/reason"]) == ("2023", "raw_change")


def test_a_page_rewritten_with_its_size_and_modification_time_kept_requests_its_year(
    data_dir, instance
):
    """A corrected report of the same length (one figure 5 -> 6) copied over the old one by a
    tool that keeps modification times (cp -p, rsync -a, an archive extracted): the folder's
    names, sizes and mtimes are as loaded, and the year was called current for good, with the
    old figures in the warehouse."""
    import hashlib
    import os

    automation = _current_2022_and_2023(data_dir, instance)
    page = data_dir / "raw" / "2022" / PAGES[2022].name
    before = page.stat()
    text = page.read_bytes()
    changed = text.replace(b"| 0 |", b"| 1 |", 1)
    assert changed != text and len(changed) == len(text)
    time.sleep(0.01)
    page.write_bytes(changed)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))

    (request,) = automation.requests()
    assert (request.partition_key, request.tags["gx/reason"]) == ("2022", "raw_change")
    automation.run(request)
    assert automation.requests() == []
    assert query(data_dir, "select raw_sha256 from dim_report where report_year = 2022") == [
        (hashlib.sha256(changed).hexdigest(),)
    ]


def test_raw_files_stamped_in_the_future_do_not_reload_their_year_at_every_look(
    data_dir, instance, monkeypatch
):
    """A raw folder on a mount whose server's clock is ahead, or files written before the
    machine's clock was set back: every inode change time is later than any run's start, so
    each load left its year stale (`raw_change`, "rewritten since the load") and the automation
    reloaded it at every look until the clock caught up. A page rewritten with its size and
    mtime kept is still seen."""
    import dataclasses
    import os

    from gx_pipeline.staging import inventory

    ahead = 3 * 3600 * 10**9  # the file server's clock, three hours ahead
    walk = inventory.iter_year_entries

    def stamped_ahead(*args, **kwargs):
        for entry in walk(*args, **kwargs):
            yield dataclasses.replace(entry, ctime_ns=entry.ctime_ns + ahead)

    monkeypatch.setattr(inventory, "iter_year_entries", stamped_ahead)
    automation = _current_2022_and_2023(data_dir, instance)  # asks for nothing
    assert automation.requests() == []

    page = data_dir / "raw" / "2022" / PAGES[2022].name
    before = page.stat()
    text = page.read_bytes()
    time.sleep(0.01)
    page.write_bytes(text.replace(b"| 0 |", b"| 1 |", 1))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert automation.run_until_current() == [("2022", "raw_change")]


def test_a_warehouse_that_lost_its_years_has_them_loaded_again(data_dir, instance):
    """The warehouse deleted to be rebuilt, or put back from an older copy (or the working file
    rebuilt from an analysts' copy a held publish left behind): the instance still holds each
    year's load, so every year was current for good, with nothing in the warehouse."""
    import shutil

    automation = _current_2022_and_2023(data_dir, instance)
    (data_dir / "warehouse.duckdb").unlink()
    shutil.rmtree(data_dir / ".work")

    assert automation.run_until_current() == [
        ("2023", "not_in_warehouse"),
        ("2022", "not_in_warehouse"),
    ]
    assert query(
        data_dir, "select report_year, count(*) from dim_report group by 1 order by 1"
    ) == [(2022, 1), (2023, 1)]


def test_views_and_flags_made_by_older_code_are_made_again_without_a_load(data_dir, instance):
    """After an upgrade that changes a view's SQL or the flags' rules, with every year current,
    the automation launched nothing: analysts read what the older code made until some year's
    next load (only `gx run` and a load made them again)."""
    automation = _current_2022_and_2023(data_dir, instance)
    view = "select report_year, count(*) as n from cells_year_over_year group by 1 order by 1"
    made = query(data_dir, view)
    flags = query(data_dir, "select count(*) from report_flags")
    with default_resources(data_dir)["warehouse"].connect() as conn:  # as older code made it
        conn.execute("delete from report_flags")
        conn.execute("create or replace view cells_year_over_year as select 1 as report_year")
        conn.execute("create or replace macro gx_derived_fingerprint() as 'older'")
        conn.execute("create or replace macro gx_schema_fingerprint() as 'older'")

    (request,) = automation.requests()
    assert request.job_name == DERIVED_JOB and request.tags["gx/reason"] == "derived_out_of_date"
    assert "views and table definitions" in request.tags["gx/stale"]
    automation.run(request)
    assert query(data_dir, view) == made
    assert query(data_dir, "select count(*) from report_flags") == flags
    # no year was loaded for it, and nothing more is asked for
    assert automation.requests() == []


def test_the_provinces_location_makes_views_and_flags_of_older_code_again(data_dir, instance):
    """The code location of the year × province partitions had no sensor: after an upgrade
    that changed a view's SQL or the flags' rules, the views and flags stayed as the older code
    made them there (a year's assembly makes them, but none comes). Its derived_objects_sensor
    launches gx_derived_job as the yearly location's sensor does, once no run is going."""
    from gx_pipeline import definitions_provinces
    from gx_pipeline.defs.automation import derived_objects_sensor

    _current_2022_and_2023(data_dir, instance)
    defs = definitions_provinces.build_definitions(data_dir, str(data_dir / "lake"))
    assert [s.name for s in defs.sensors] == ["derived_objects_sensor"]
    view = "select report_year, count(*) as n from cells_year_over_year group by 1 order by 1"
    made = query(data_dir, view)

    def look() -> dg.RunRequest | dg.SkipReason:
        context = dg.build_sensor_context(
            instance=instance,
            definitions=defs,
            resources={"raw_pages": RawPages(data_dir=str(data_dir))},
        )
        return derived_objects_sensor(context)

    assert "made by this code" in str(look())
    with default_resources(data_dir)["warehouse"].connect() as conn:  # as older code made it
        conn.execute("create or replace view cells_year_over_year as select 1 as report_year")
        conn.execute("create or replace macro gx_derived_fingerprint() as 'older'")
        conn.execute("create or replace macro gx_schema_fingerprint() as 'older'")
    request = look()
    assert isinstance(request, dg.RunRequest) and request.job_name == DERIVED_JOB
    result = defs.resolve_job_def(DERIVED_JOB).execute_in_process(
        instance=instance, tags={**request.tags, RUN_KEY_TAG: request.run_key}, run_config=_QUIET
    )
    assert result.success
    assert query(data_dir, view) == made
    assert "made by this code" in str(look())


def test_a_year_folder_that_emptied_is_left_alone(data_dir, instance):
    # a mount that drops or a sync half-way must not reload (and so wipe) a year
    automation = _current_2022_and_2023(data_dir, instance)
    for page in (data_dir / "raw" / "2022").iterdir():
        page.unlink()
    put_page(data_dir, 2022, "half.html.part", b"<html>")  # only a download in progress
    assert automation.requests() == []


def test_a_run_whose_process_died_is_failed_and_its_slot_freed_by_the_next_look(data_dir, instance):
    """A `gx run` killed while its warehouse step held the `duckdb` slot: the automation waits
    while any run is unfinished, so the next look marks it failed and frees the slot."""
    import subprocess
    import sys

    from gx_pipeline.defs.liveness import own_tags

    _pages(data_dir, [2022])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    job = _defs(data_dir).resolve_job_def("gx_yearly_job")
    run = instance.create_run_for_job(
        job, tags={"dagster/partition": "2022", **own_tags(int(dead.stdout))}
    )
    instance.handle_run_event(run.run_id, _run_start(run))
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
    storage = instance.event_log_storage
    storage.set_concurrency_slots("duckdb", 1)
    storage.claim_concurrency_slot("duckdb", run.run_id, "gx_warehouse")
    assert storage.get_concurrency_info("duckdb").claimed_slots

    (request,) = Automation(data_dir, instance).requests()

    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert storage.get_concurrency_info("duckdb").claimed_slots == []
    assert request.partition_key == "2022"


def _started_run(data_dir, instance, year: str, tags: dict | None = None) -> dg.DagsterRun:
    """A run of `year` recorded STARTED and nothing more: its process vanished before the
    executor recorded its pid, or it runs where this machine cannot see (`tags`)."""
    job = _defs(data_dir).resolve_job_def("gx_yearly_job")
    run = instance.create_run_for_job(job, tags={"dagster/partition": year, **(tags or {})})
    instance.handle_run_event(run.run_id, _run_start(run))
    return run


def test_a_run_whose_process_is_not_known_is_named_with_the_way_to_end_it(
    data_dir, instance, monkeypatch, capsys
):
    """A run left STARTED with no pid recorded made the automation wait for good, its skip
    reason only `after run 1a2b3c4d (gx_yearly_job 2022)`, and `gx status` said `started`:
    nothing told the engineer the run may be dead or how to end it. Silent for less than the
    bound (or holding a claim), it is named, not failed; `gx status --mark-failed` ends it."""
    from gx_pipeline.defs import liveness

    monkeypatch.setattr(liveness, "SILENT_SAID_S", 0.0)
    _pages(data_dir, [2022, 2023])
    stuck = _started_run(data_dir, instance, "2022")
    result = Automation(data_dir, instance).look()
    assert not result.run_requests
    assert f"run {stuck.run_id[:8]} of 2022 (gx_yearly_job) is in flight" in str(result.skip_reason)
    assert "no pid recorded" in str(result.skip_reason)
    assert f"`gx status --mark-failed {stuck.run_id[:8]}`" in str(result.skip_reason)
    assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.STARTED

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(instance.root_directory))
    assert cli.main(["status", "--years", "2022-2023"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("2022 "))  # the year's row
    assert f"(run {stuck.run_id[:8]}), its process is not known here" in row, out
    assert f"waits for: run {stuck.run_id[:8]} of 2022" in out

    assert cli.main(["status", "--years", "2022", "--mark-failed", stuck.run_id[:8]]) == 0
    assert "marked failed by hand" in capsys.readouterr().err
    assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE
    (request,) = Automation(data_dir, instance).requests()
    assert request.partition_key == "2023"


def test_one_look_reads_a_runs_engine_events_once(data_dir, instance, monkeypatch, capsys):
    """A sensor's tick asks of each run in flight whether its process is gone, whether it is
    unaccounted and what to say of it, and `gx status` asks two of these of a year's run: each
    question read the run's whole event log again for its pid (three reads in a tick, two for
    a status line). Now one look reads them once, whether no pid is recorded or one is, and
    says the same."""
    from dagster._core.events import EngineEventData

    from gx_pipeline.defs import liveness

    monkeypatch.setattr(liveness, "SILENT_SAID_S", 0.0)
    _pages(data_dir, [2021, 2022, 2023])
    silent = _started_run(data_dir, instance, "2022")
    # a pid recorded by the executor, of a live process that is not this machine's to judge
    elsewhere = _started_run(data_dir, instance, "2021")
    instance.report_engine_event("started", elsewhere, EngineEventData.in_process(1))
    monkeypatch.setattr(liveness, "records_here", lambda instance: False)
    reads: list[str] = []
    all_logs = type(instance).all_logs

    def counted(self, run_id, *args, **kwargs):
        if kwargs.get("of_type") == dg.DagsterEventType.ENGINE_EVENT:
            reads.append(run_id)
        return all_logs(self, run_id, *args, **kwargs)

    monkeypatch.setattr(type(instance), "all_logs", counted)
    result = Automation(data_dir, instance).look()
    said = str(result.skip_reason)
    assert f"run {silent.run_id[:8]} of 2022 (gx_yearly_job) is in flight" in said, said
    assert "pid 1 recorded, no machine recorded" in said, said
    assert sorted(reads) == sorted([silent.run_id, elsewhere.run_id]), reads

    reads.clear()
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(instance.root_directory))
    assert cli.main(["status", "--years", "2021-2022"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("2022 "))
    assert f"(run {silent.run_id[:8]}), its process is not known here" in row, out
    assert reads.count(silent.run_id) == 1 and reads.count(elsewhere.run_id) == 1, reads


def test_a_silent_run_of_no_known_process_holding_no_claim_is_taken_for_dead(
    data_dir, instance, monkeypatch
):
    """Silent past the bound, on this machine, its records kept here, no step started and no
    claim on a year held in the data folder: nothing can be running it, so the next look marks
    it failed. One tagged with another machine, one whose steps started (celery records no
    pid) or one whose claim a process holds is only named."""
    from gx_pipeline.defs import liveness
    from gx_pipeline.staging import claims

    monkeypatch.setattr(liveness, "SILENT_RUN_S", 0.0)
    monkeypatch.setattr(liveness, "SILENT_SAID_S", 0.0)
    _pages(data_dir, [2021, 2022])
    elsewhere = _started_run(
        data_dir, instance, "2021", {liveness.HOST_TAG: "another-machine", liveness.PID_TAG: "7"}
    )
    claimed = _started_run(data_dir, instance, "2022")
    staging = data_dir / "staging"
    claims.claim(staging, 2022, claimed.run_id, "elsewhere")
    try:
        result = Automation(data_dir, instance).look()
        assert not result.run_requests
        assert "it runs on another-machine" in str(result.skip_reason)
        assert f"run {claimed.run_id[:8]} of 2022" in str(result.skip_reason)
        with pytest.raises(ValueError, match="holds its claim on report year 2022"):
            liveness.mark_failed(instance, claimed.run_id[:8], staging)
    finally:
        claims.let_go(claimed.run_id)
    dead = _started_run(data_dir, instance, "2022")
    # steps started with no pid recorded: an executor that records none (celery), not a
    # process that died before recording one
    stepping = _started_run(data_dir, instance, "2020")
    instance.report_dagster_event(
        dg.DagsterEvent(
            event_type_value=dg.DagsterEventType.STEP_START.value,
            job_name=stepping.job_name,
            step_key="parsed_reports",
            message="started",
        ),
        stepping.run_id,
    )
    Automation(data_dir, instance).look()
    for run, status in (
        (elsewhere, dg.DagsterRunStatus.STARTED),
        (stepping, dg.DagsterRunStatus.STARTED),
        (claimed, dg.DagsterRunStatus.FAILURE),  # its claim let go: nothing runs it now
        (dead, dg.DagsterRunStatus.FAILURE),
    ):
        assert instance.get_run_by_id(run.run_id).status == status, run.run_id
    failure = instance.get_records_for_run(
        dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
    ).records[0]
    assert "no pid recorded" in failure.event_log_entry.dagster_event.message


def _run_start(run: dg.DagsterRun) -> dg.DagsterEvent:
    return dg.DagsterEvent(
        event_type_value=dg.DagsterEventType.RUN_START.value,
        job_name=run.job_name,
        message="started",
    )


def test_a_load_from_before_fingerprints_is_compared_by_modification_time(data_dir, instance):
    """Materializations the release before this one recorded: no raw_fingerprint on the
    inventory. The folder's mtimes against the load's time decide instead."""
    _pages(data_dir, [2021])
    versions = code_versions(_defs(data_dir).resolve_asset_graph())
    for key in YEARLY_ASSETS:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(
                asset_key=key, partition="2021", tags={"dagster/code_version": versions[key]}
            )
        )
    assert year_state(instance, versions, data_dir / "raw", "2021").reasons == ()
    # the inventory's own code version changed: not the parser, still a reload
    bumped = {**versions, raw_report_inventory.key: f"{versions[raw_report_inventory.key]}+1"}
    assert year_state(instance, bumped, data_dir / "raw", "2021").reasons == ("code_change",)

    put_page(data_dir, 2021, "added-later.txt", PAGES[2021])
    state = year_state(instance, versions, data_dir / "raw", "2021")
    assert (state.reasons, state.detail) == (("raw_change",), "raw folder modified after the load")


def test_a_run_in_flight_holds_the_queue_and_a_failed_state_is_not_retried(data_dir, instance):
    _pages(data_dir, [2023, 2024])
    automation = Automation(data_dir, instance)
    job = automation.defs.resolve_job_def("gx_yearly_job")

    # someone's run of 2023 has not finished: no second run of anything meanwhile
    queued = instance.create_run_for_job(job, tags={"dagster/partition": "2023"})
    result = automation.look()
    assert not result.run_requests
    assert f"after run {queued.run_id[:8]} (gx_yearly_job 2023)" in str(result.skip_reason)
    first_since = stale_since(automation.cursor)
    instance.report_run_canceled(queued)

    (request,) = automation.requests()
    assert request.partition_key == "2024"
    # the launched run for 2024 fails before anything is written: that state is not tried
    # again (it would fail again), and the automation goes on with 2023
    failed = instance.create_run_for_job(
        job, tags={**request.tags, "dagster/partition": "2024", RUN_KEY_TAG: request.run_key}
    )
    instance.report_run_failed(failed)
    result = automation.look()
    (request,) = result.run_requests
    assert request.partition_key == "2023"
    # the years were first seen stale on the first look, and each shows once in the UI
    assert stale_since(automation.cursor) == first_since
    assert result.asset_events == []


def test_gx_status_says_what_is_stale_and_what_comes_next(
    data_dir, instance, load_old, monkeypatch, capsys
):
    _pages(data_dir, [2023, 2024, 2025])
    load_old("2024")
    _load(_defs(data_dir), instance, "2025")
    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(instance.root_directory))

    assert cli.main(["status", "--years", "2022-2025"]) == 0
    out = capsys.readouterr().out
    automation_part = out.split("\n\n", 1)[1].splitlines()
    assert automation_part[0].startswith("automation: stale_years_sensor is on;")
    assert f"parser now {PARSER_VERSION}" in automation_part[0]
    rows = {line.split()[0]: line.split() for line in automation_part[3:7]}
    assert rows["2022"][1:3] == ["-", "no"]  # no raw folder
    assert rows["2025"][1:3] == [PARSER_VERSION, "current"]
    # 2024 was read by the old parser: the warehouse says so, and the automation knows why
    assert rows["2024"][1:4] == [OLD_PARSER, "stale:", "parser_upgrade"]
    assert rows["2023"][1:4] == ["-", "stale:", "never_loaded"]
    # no look recorded in this instance yet (the daemon stores them), so no "since"
    assert rows["2024"][4] == "-"
    assert " ".join(rows["2024"][5:]) == "next to run"
    assert " ".join(rows["2023"][5:]) == "2nd in line"
    assert f"  2024: parsed with {OLD_PARSER}, parser now {PARSER_VERSION}" in out


def test_the_yearly_schedule_does_not_load_a_year_the_automation_already_loaded(data_dir, instance):
    _pages(data_dir, [2025])
    defs = _defs(data_dir)

    def tick() -> ScheduleExecutionData:
        when = datetime(2026, 2, 1, 6)
        return schedule_tick(
            gx_yearly_schedule, instance, data_dir, when, defs.get_repository_def()
        )

    assert [r.partition_key for r in tick().run_requests] == ["2025"]
    automation = Automation(data_dir, instance)
    assert automation.run_until_current() == [("2025", "never_loaded")]
    skipped = tick()
    assert skipped.run_requests == [] and skipped.skip_message == "2025 is loaded and current"


LIST_PATH = "/ndbg/index.html"


def _list_page(years: list[int]) -> bytes:
    links = "".join(
        f'<li><a href="/ndbg/{y}.html">{y}年政府信息公开工作年度报告</a></li>' for y in years
    )
    page = f"<html><head><title>某区人民政府</title></head><body><ul>{links}</ul></body></html>"
    return page.encode()


def test_the_monthly_tick_refetches_late_and_edited_reports_and_only_those_years_reload(
    data_dir, instance, report_site: ReportSite, monkeypatch
):
    site = report_site
    # the list page and the reports are on a loopback server
    monkeypatch.setenv("GX_FETCH_ALLOW_PRIVATE", "1")
    for year in (2019, 2024, 2025):
        site.pages[f"/ndbg/{year}.html"] = PAGES[year].read_bytes()
    site.pages[LIST_PATH] = _list_page([2024, 2019])
    tick_time = datetime(2026, 3, 1, 4)

    def tick() -> ScheduleExecutionData:
        return schedule_tick(late_reports_schedule, instance, data_dir, tick_time)

    def fetch(request: dg.RunRequest) -> None:
        resources = {
            **default_resources(data_dir),
            "web_fetcher": WebFetcher(delay=0.0, attempts=1),
        }
        result = dg.materialize(
            [raw_archive], resources=resources, run_config=request.run_config, instance=instance
        )
        assert result.success

    assert "no list pages to re-fetch" in tick().skip_message  # no data/index-pages.csv
    (data_dir / "index-pages.csv").write_text(f"address,agency\n{site.url(LIST_PATH)},某区\n")
    (request,) = tick().run_requests
    assert request.run_config["ops"]["raw_archive"]["config"]["years"] == [2024, 2025]
    fetch(request)
    # the 2019 report is outside the last two report years
    assert sorted(p.name for p in (data_dir / "raw").iterdir()) == ["2024"]
    automation = Automation(data_dir, instance)
    assert automation.run_until_current() == [("2024", "never_loaded")]

    # a month later: the 2025 report was published late, the 2024 one edited
    site.pages[LIST_PATH] = _list_page([2025, 2024, 2019])
    site.pages["/ndbg/2024.html"] += "\n更正：本报告于发布后修改。\n".encode()
    tick_time = datetime(2026, 4, 1, 4)
    (request,) = tick().run_requests
    fetch(request)
    assert automation.run_until_current() == [("2025", "never_loaded"), ("2024", "raw_change")]


# --- end to end: `dagster dev` (daemon on) on loopback, the automation on as `make ui` ships it

E2E_YEARS = (2020, 2021)


def _gx_status(ui: DagsterUI, monkeypatch, capsys) -> dict[str, list[str]]:
    """`gx status` against the server's instance and data folder: the automation table, by
    year."""
    monkeypatch.setenv("DAGSTER_HOME", str(ui.home))
    monkeypatch.setenv("GX_DATA_DIR", str(ui.data_dir))
    assert cli.main(["status", "--years", "2020-2021"]) == 0
    lines = capsys.readouterr().out.split("\n\n", 1)[1].splitlines()
    return {"head": lines[:1], **{line.split()[0]: line.split() for line in lines[3:5]}}


def _wait_for(ui: DagsterUI, count: int, timeout: float = 240) -> list[dict]:
    """The automation's runs, once `count` of them exist and all have finished."""
    deadline = time.monotonic() + timeout
    while True:
        runs = ui.runs_tagged("dagster/sensor_name", SENSOR_NAME)
        if len(runs) >= count and all(r["status"] in TERMINAL for r in runs):
            return runs
        if time.monotonic() > deadline or ui.process.poll() is not None:
            raise AssertionError(f"{len(runs)} automation runs: {runs}\n{ui.tail_log()}")
        time.sleep(1)


def _tags(run: dict) -> dict[str, str]:
    return {t["key"]: t["value"] for t in run["tags"]}


@pytest.mark.automation  # over a minute of real ticks: make test-automation (in CI)
def test_make_ui_reloads_every_stale_year_by_itself_one_at_a_time(tmp_path, monkeypatch, capsys):
    def populate(data_dir: Path) -> None:
        _pages(data_dir, list(E2E_YEARS))

    def before_the_upgrade(home: Path, data_dir: Path) -> None:
        # both years were loaded by the release before the parser upgrade
        with dg.DagsterInstance.from_config(str(home)) as instance:
            old = _defs(data_dir, OLD_PARSER)
            with monkeypatch.context() as patch:
                patch.setattr(pool, "PARSER_VERSION", OLD_PARSER)
                for year in ("2020", "2021"):
                    _load(old, instance, year)

    # looks every 5 s instead of 30, so the test waits less between runs
    ui = start(
        tmp_path,
        populate=populate,
        env={"GX_AUTOMATION_INTERVAL": "5"},
        prepare=before_the_upgrade,
    )
    try:
        runs = _wait_for(ui, 2)
        assert [(_tags(r)["dagster/partition"], _tags(r)["gx/reason"]) for r in runs] == [
            ("2021", "parser_upgrade"),
            ("2020", "parser_upgrade"),
        ]
        assert {r["status"] for r in runs} == {"SUCCESS"}
        # one at a time: each run started after the one before it ended
        for before, after in itertools.pairwise(runs):
            assert after["startTime"] >= before["endTime"]
        # the UI showed each year's staleness on its gx_warehouse partition
        seen = {o["partition"]: o for o in ui.observations("gx_warehouse", ["2020"])}
        entries = {e["label"]: e.get("text") for e in seen["2020"]["metadataEntries"]}
        assert entries["stale"] == "parser_upgrade"
        assert entries["loaded_parser_version"] == OLD_PARSER

        status = _gx_status(ui, monkeypatch, capsys)
        assert status["head"][0].startswith("automation: stale_years_sensor is on, looks every")
        for year in ("2020", "2021"):
            assert status[year][1:3] == [PARSER_VERSION, "current"], status

        # paused in the UI: a new page in 2020 waits, and gx status says so
        ui.stop_sensor(SENSOR_NAME)
        put_page(ui.data_dir, 2020, "late-report.txt", PAGES[2019])
        time.sleep(10)  # two looks' worth
        runs = ui.runs_tagged("dagster/sensor_name", SENSOR_NAME)
        assert len(runs) == 2, [_tags(r) for r in runs[2:]]
        status = _gx_status(ui, monkeypatch, capsys)
        assert "is stopped (paused)" in status["head"][0]
        assert status["2020"][2:4] == ["stale:", "raw_change"]
        assert status["2020"][-1] == "paused" and status["2021"][2] == "current"

        # switched on again: only 2020 reloads
        ui.start_sensor(SENSOR_NAME)
        runs = _wait_for(ui, 3)
        assert [(_tags(r)["dagster/partition"], _tags(r)["gx/reason"]) for r in runs[2:]] == [
            ("2020", "raw_change")
        ]
        status = _gx_status(ui, monkeypatch, capsys)
        assert [status[y][2] for y in ("2020", "2021")] == ["current"] * 2
        assert len(ui.runs_tagged("dagster/sensor_name", SENSOR_NAME)) == 3
    finally:
        stop(ui)


@pytest.mark.parametrize("first", ["2021", "2020"])
def test_a_copy_quarantined_for_another_years_copy_is_loaded_again_when_that_copy_goes(
    data_dir, instance, first
):
    # 107 states 2020; a copy is misfiled under 2021 too. Whichever year ran first, the 2020
    # copy is the report and 2021 quarantines its own copy naming it (stage "load")
    misfiled = "misfiled-107.txt"
    _pages(data_dir, [2020, 2021])
    put_page(
        data_dir,
        2020,
        "106_xiaogan_govoffice_2020.txt",
        REALDEV_PAGES / "106_xiaogan_govoffice_2020.txt",
    )
    put_page(data_dir, 2021, misfiled, PAGES[2020])
    defs = _defs(data_dir)
    for year in sorted(["2020", "2021"], key=lambda y: y != first):
        _load(defs, instance, year)
    ((stage, reason),) = query(
        data_dir, "select stage, reason from quarantine where source = ?", [f"2021/{misfiled}"]
    )
    assert stage == "load" and f"2020/{PAGES[2020].name}" in reason
    automation = Automation(data_dir, instance)
    assert automation.requests() == []

    # the 2020 copy is removed and 2020 loaded again: the 2021 copy is now the only one
    (data_dir / "raw" / "2020" / PAGES[2020].name).unlink()
    automation.run(*automation.requests())
    assert query(data_dir, "select count(*) from dim_report where source like '%107%'") == [(0,)]
    # its quarantine row no longer says it is loaded elsewhere, and 2021 is stale for it
    ((reason,),) = query(
        data_dir, "select reason from quarantine where source = ?", [f"2021/{misfiled}"]
    )
    assert "no longer loaded" in reason
    state = year_state(
        instance, code_versions(defs.resolve_asset_graph()), data_dir / "raw", "2021"
    )
    assert state.reasons == ("copy_gone",)
    assert f"2021/{misfiled}" in state.detail

    assert automation.run_until_current() == [("2021", "copy_gone")]
    assert query(
        data_dir,
        "select report_year, stated_year from dim_report where source = ?",
        [f"2021/{misfiled}"],
    ) == [(2021, 2020)]
    assert query(data_dir, "select count(*) from quarantine") == [(0,)]


def test_the_derived_objects_run_tries_again_while_a_writer_holds_the_warehouse(
    data_dir, instance, monkeypatch
):
    """gx_derived_job launched while a session held the working file read-write (the DuckDB
    CLI, a notebook) failed at once on the lock, and its run key (the code's and the file's
    fingerprints, unchanged by a failure) kept the sensor from launching it again: the views and
    flags stayed as older code made them until some year's next load. It now tries again later
    as a year's load does, a bounded number of times."""

    from gx_pipeline.defs import derived
    from gx_pipeline.defs.resources import Warehouse

    automation = _current_2022_and_2023(data_dir, instance)
    warehouse = default_resources(data_dir)["warehouse"]
    with warehouse.connect() as conn:  # as older code made it
        conn.execute("create or replace macro gx_derived_fingerprint() as 'older'")
    (request,) = automation.requests()
    assert request.job_name == DERIVED_JOB
    monkeypatch.setattr(derived, "RETRY_WAIT_S", 0)
    holder = writer_holding(warehouse.database)
    try:
        impatient = Warehouse(**{**warehouse.model_dump(), "lock_timeout_s": 0.2})
        result = derived.gx_derived_job.execute_in_process(
            instance=instance,
            resources={"warehouse": impatient},
            run_config=_QUIET,
            raise_on_error=False,
        )
    finally:
        holder.kill()
        holder.wait()
    assert not result.success
    retries = [
        e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY
    ]
    assert len(retries) == derived.RETRIES


def _run_of_a_pid_not_here_holding_the_slot(data_dir, instance):
    """A run of 2021 recorded STARTED with the pid of its process, as the code server records
    a run worker's ("Started process for run (pid: N)"), and no machine, holding the `duckdb`
    slot: a pid no process of this machine (or namespace) has. Gives the run and that pid."""
    import subprocess

    from dagster._core.events import EngineEventData

    gone = subprocess.Popen(["true"])
    gone.wait()
    run = _started_run(data_dir, instance, "2021")
    instance.report_engine_event(
        f"Started process for run (pid: {gone.pid}).", run, EngineEventData.in_process(gone.pid)
    )
    storage = instance.event_log_storage
    storage.set_concurrency_slots("duckdb", 1)
    assert storage.claim_concurrency_slot("duckdb", run.run_id, "gx_warehouse").is_claimed
    return run, gone


def test_a_pid_recorded_with_no_machine_in_run_records_kept_here_is_not_judged_by_it(
    data_dir, instance, monkeypatch
):
    """Run records in SQLite under DAGSTER_HOME, read by more than the processes of this
    machine: a DAGSTER_HOME mounted into the container that runs the UI (another pid
    namespace), one folder on a network disk shared by two machines, records copied from
    another machine. A run launched from the UI, a sensor or `dagster job launch` records the
    pid of its process (that namespace's, that machine's) and no machine: every look for dead
    runs (`gx run`, the sensor) took it for this machine's, found no such process here, and
    marked the live run failed and freed its `duckdb` slot under it (a second writer then
    started beside it). Now a pid with no machine recorded is not judged by this machine's
    processes in any run records; the run is named with the way out, its slot kept."""

    from gx_pipeline.defs import liveness

    monkeypatch.setattr(liveness, "SILENT_SAID_S", 0.0)
    assert liveness.records_here(instance)  # SQLite, as `make ui` and `gx run` keep them
    _pages(data_dir, [2021, 2022])
    elsewhere, gone = _run_of_a_pid_not_here_holding_the_slot(data_dir, instance)
    storage = instance.event_log_storage

    result = Automation(data_dir, instance).look()
    assert not liveness.release_dead_runs(instance, staging=data_dir / "staging")
    assert instance.get_run_by_id(elsewhere.run_id).status == dg.DagsterRunStatus.STARTED
    assert [s.run_id for s in storage.get_concurrency_info("duckdb").claimed_slots] == [
        elsewhere.run_id
    ]
    said = str(result.skip_reason)
    assert f"run {elsewhere.run_id[:8]} of 2021 (gx_yearly_job) is in flight" in said, said
    assert f"pid {gone.pid} recorded, no machine recorded" in said, said
    assert f"--mark-failed {elsewhere.run_id[:8]}`" in said, said
    # the same pid tagged with this machine and its pid namespace is judged: gone, failed
    tagged = _started_run(data_dir, instance, "2022", liveness.own_tags(gone.pid))
    assert [r.run_id for r in liveness.release_dead_runs(instance)] == [tagged.run_id]
    # tagged with this host name but another pid namespace (a container sharing the host's
    # name and DAGSTER_HOME): not this machine's process, not judged
    other_ns = {**liveness.own_tags(gone.pid), liveness.PIDNS_TAG: "4026531999"}
    beside = _started_run(data_dir, instance, "2023", other_ns)
    assert liveness.release_dead_runs(instance) == []
    assert instance.get_run_by_id(beside.run_id).status == dg.DagsterRunStatus.STARTED


def test_a_run_launched_without_gx_run_is_tagged_with_its_machine_by_its_first_step(
    data_dir, instance
):
    """A run of the yearly job executed outside `gx run` (the UI's run worker, a sensor's run,
    `dagster job execute`) had no machine recorded, so its pid could not be judged safely.
    The first step of a year records the machine and pid namespace of the process that runs
    it when that process is the one the run recorded; the run's pid is then judged as a `gx
    run`'s is."""
    import os
    import socket

    from gx_pipeline.defs import liveness

    _pages(data_dir, [2022])
    job = _defs(data_dir).resolve_job_def("gx_yearly_job")
    result = job.execute_in_process(instance=instance, partition_key="2022")
    assert result.success
    tags = instance.get_run_by_id(result.run_id).tags
    assert liveness.PID_TAG not in tags  # the executor's record of its pid is read as before
    assert tags[liveness.HOST_TAG] == socket.gethostname()
    assert tags[liveness.PIDNS_TAG] == str(os.stat("/proc/self/ns/pid").st_ino)


def test_a_run_re_executed_from_a_gx_run_is_not_judged_by_the_process_of_the_run_it_repeats(
    data_dir, instance
):
    """The UI's Re-execute (from failure, or all steps) of a run `gx run` executed: the new run
    inherits its parent's tags (the UI's default), gx/pid, gx/host and gx/pidns among them, and
    is executed by a run worker of the code location. The look for dead runs (`gx run`'s, the
    sensor's, a waiting run's) read the inherited gx/pid, the `gx run` that has long ended,
    marked the live re-executed run failed and freed its `duckdb` slot under it. Tags a run
    shares with the run it repeats are not its own: its pid is the one its executor records
    (no machine: not judged), and its first step of a year tags it with its own process."""
    import os
    import subprocess

    from dagster._core.events import EngineEventData
    from dagster._core.storage.tags import (
        PARENT_RUN_ID_TAG,
        ROOT_RUN_ID_TAG,
        TAGS_TO_MAYBE_OMIT_ON_RETRY,
    )

    from gx_pipeline.defs import liveness

    _pages(data_dir, [2021])
    gx_run = subprocess.Popen(["true"])  # the `gx run` that executed the parent, ended since
    gx_run.wait()
    job = _defs(data_dir).resolve_job_def("gx_yearly_job")
    parent = instance.create_run_for_job(
        job,
        tags={"dagster/partition": "2021", **liveness.own_tags(gx_run.pid)},
        status=dg.DagsterRunStatus.FAILURE,
    )
    # what the UI's Re-execute records (create_reexecuted_run, use_parent_run_tags=True)
    inherited = {k: v for k, v in parent.tags.items() if k not in TAGS_TO_MAYBE_OMIT_ON_RETRY}
    inherited |= {PARENT_RUN_ID_TAG: parent.run_id, ROOT_RUN_ID_TAG: parent.run_id}
    worker = subprocess.Popen(["sleep", "60"])  # the run worker executing it, live
    try:
        again = instance.create_run_for_job(job, tags=inherited)
        instance.handle_run_event(again.run_id, _run_start(again))
        instance.report_engine_event(
            f"Started process for run (pid: {worker.pid}).",
            again,
            EngineEventData.in_process(worker.pid),
        )
        storage = instance.event_log_storage
        storage.set_concurrency_slots("duckdb", 1)
        assert storage.claim_concurrency_slot("duckdb", again.run_id, "gx_warehouse").is_claimed

        assert liveness.release_dead_runs(instance) == []
        assert instance.get_run_by_id(again.run_id).status == dg.DagsterRunStatus.STARTED
        assert [s.run_id for s in storage.get_concurrency_info("duckdb").claimed_slots] == [
            again.run_id
        ]
        storage.free_concurrency_slots_for_run(again.run_id)
    finally:
        worker.kill()
        worker.wait()
    instance.report_run_failed(instance.get_run_by_id(again.run_id))  # ended by hand

    # executed here (its first step of the year): tagged with its own process and machine
    result = job.execute_in_process(instance=instance, partition_key="2021", tags=inherited)
    assert result.success
    tags = instance.get_run_by_id(result.run_id).tags
    assert tags[liveness.PID_TAG] == str(os.getpid())
    assert tags[liveness.HOST_TAG] == parent.tags[liveness.HOST_TAG]


def test_a_run_of_shared_run_records_whose_machine_is_not_known_is_not_judged_by_its_pid(
    data_dir, instance, monkeypatch
):
    """Run records in a shared database (Postgres: several machines, or a Kubernetes run's own
    pod): a run launched from the UI or a sensor there records its pid (its code server's
    "Started process for run (pid: N)") and no machine. The sensor's and gx run's look for dead
    runs judged that pid by this machine's processes: not found here, the live run was marked
    failed ("its process (pid N) is gone") and its `duckdb` slot freed under it. Now such a
    run is named, with the way out, and not failed; a run tagged with this machine still is."""

    from dagster._core.events import EngineEventData

    from gx_pipeline.defs import liveness

    monkeypatch.setattr(liveness, "records_here", lambda instance: False)
    monkeypatch.setattr(liveness, "SILENT_SAID_S", 0.0)
    _pages(data_dir, [2021, 2022])
    elsewhere, gone = _run_of_a_pid_not_here_holding_the_slot(data_dir, instance)
    storage = instance.event_log_storage
    tagged = _started_run(data_dir, instance, "2022", liveness.own_tags(gone.pid))

    result = Automation(data_dir, instance).look()
    assert instance.get_run_by_id(elsewhere.run_id).status == dg.DagsterRunStatus.STARTED
    assert [s.run_id for s in storage.get_concurrency_info("duckdb").claimed_slots] == [
        elsewhere.run_id
    ]
    said = str(result.skip_reason)
    assert f"run {elsewhere.run_id[:8]} of 2021 (gx_yearly_job) is in flight" in said, said
    assert "no machine recorded" in said and f"--mark-failed {elsewhere.run_id[:8]}`" in said
    assert instance.get_run_by_id(tagged.run_id).status == dg.DagsterRunStatus.FAILURE
    storage.free_concurrency_slots_for_run(elsewhere.run_id)

    # by hand: a pid alive on this machine still refuses, its machine tagged or not
    import os

    here = _started_run(data_dir, instance, "2022")
    instance.report_engine_event("started", here, EngineEventData.in_process(os.getpid()))
    with pytest.raises(ValueError, match="is running"):
        liveness.mark_failed(instance, here.run_id[:8], data_dir / "staging")
    assert "marked failed by hand" in liveness.mark_failed(
        instance, elsewhere.run_id[:8], data_dir / "staging"
    )
