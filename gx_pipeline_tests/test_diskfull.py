"""A full disk at each write of a load: the error says so and names the file; nothing
half-written is published or left behind; once there is room again the year loads whole.

Each test mounts a small tmpfs (root only; skipped, saying why, elsewhere) and fills it with
filler files at the point under test. The real `gx run` on a full disk, at every step and
with DAGSTER_HOME on it, is `make test-diskfull` (test_diskfull_runs.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from gx_pipeline.diskspace import DiskFull, explain_text
from gx_pipeline.staging import tables
from gx_pipeline.staging.parts import Stage
from gx_pipeline.warehouse import ensure_schema, load_year
from gx_pipeline.warehouse.files import WarehouseFiles
from gx_pipeline.warehouse.lake import year_digests
from gx_pipeline_tests.conftest import REPO
from gx_pipeline_tests.disks import fill, free, hold, reached, release, small_disk
from gx_pipeline_tests.test_warehouse import GOOD, _loaded


@pytest.fixture
def disk(tmp_path: Path):
    with small_disk(tmp_path / "disk", 32) as mounted:
        yield mounted


def _stage(root: Path, reports: int) -> Stage:
    """A validated stage of `reports` reports of 2020 (each with its cells and tally)."""
    frames = tables.year_frames(
        [_loaded(f"{i:016x}" + "a" * 48, GOOD) for i in range(reports)], [], 2020
    )
    stage = Stage.fresh(root, 2020, "validated")
    stage.write(0, frames)
    return stage


def _published(disk: Path, tmp_path: Path, reports: int) -> tuple[WarehouseFiles, dict]:
    """A working file off the small disk, published on it with `reports` reports of 2020;
    the published year's digests."""
    files = WarehouseFiles(tmp_path / "work" / "warehouse.duckdb", disk / "warehouse.duckdb")
    with files.connect() as conn:
        load_year(conn, 2020, _stage(tmp_path / "old", reports))
    return files, _digests(disk / "warehouse.duckdb")


def _digests(database: Path) -> dict:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        return year_digests(conn, 2020)
    finally:
        conn.close()


def _files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_staged_part_that_finds_the_disk_full_names_the_file_and_is_not_left_half_written(
    disk,
):
    frames = tables.year_frames(
        [_loaded(f"{i:016x}" + "a" * 48, GOOD) for i in range(200)], [], 2020
    )
    stage = Stage.fresh(disk / "staging", 2020, "parsed")
    stage.write(0, frames)
    fill(disk)
    with pytest.raises(DiskFull) as raised:
        stage.write(1, frames)
    said = str(raised.value)
    assert said.startswith("the disk is full: the year's staged rows could not be written to ")
    assert "staging/2020/parsed/" in said and "part-00001.parquet" in said
    assert "0 bytes free of 32.0 MB" in said
    # the parts written before stay whole; no half-written part of the batch that failed
    assert not [p for p in _files_in(disk / "staging") if "part-00001" in p]


def test_a_commit_whose_checkpoint_finds_the_disk_full_is_reported_not_the_failed_rollback(
    disk, tmp_path
):
    """DuckDB checkpoints at a commit whose WAL passed checkpoint_threshold (16 MB: a national
    year's load always does); that checkpoint failing invalidates the database, and the
    rollback after it fails with "database has been invalidated", which said nothing of why."""
    stage = _stage(tmp_path / "staging", 2000)
    conn = duckdb.connect(str(disk / "warehouse.duckdb"))
    try:
        ensure_schema(conn)
        conn.execute("set checkpoint_threshold = '1KB'")  # the commit checkpoints, as a big one
        fill(disk)
        with pytest.raises(duckdb.Error) as raised:
            load_year(conn, 2020, stage)
    finally:
        conn.close()
    said = str(raised.value)
    assert "invalidated" not in said.splitlines()[0]
    assert "No space left on device" in said and "warehouse.duckdb" in said


def test_a_load_that_finds_the_disk_full_names_the_file_and_keeps_the_published_rows(
    disk, tmp_path
):
    files = WarehouseFiles(disk / ".work" / "warehouse.duckdb", disk / "warehouse.duckdb")
    with files.connect() as conn:
        load_year(conn, 2020, _stage(tmp_path / "old", 50))
    before = _digests(disk / "warehouse.duckdb")
    fill(disk)
    with pytest.raises(DiskFull) as raised, files.connect() as conn:
        load_year(conn, 2020, _stage(tmp_path / "new", 3000))
    said = str(raised.value)
    assert said.startswith("the disk is full: the working warehouse could not be written to ")
    assert f"{disk}/.work/warehouse.duckdb" in said
    assert _digests(disk / "warehouse.duckdb") == before
    assert not [p for p in _files_in(disk) if p.endswith(".tmp")]
    # room again: the same connect() loads the year, whatever the failed load left
    free(disk)
    with files.connect() as conn:
        load_year(conn, 2020, _stage(tmp_path / "again", 3000))
    assert _digests(disk / "warehouse.duckdb")["dim_report"][0] == 3000


def test_a_publish_that_finds_the_disk_full_leaves_the_old_copy_and_no_temporary_file(
    disk, tmp_path
):
    files, before = _published(disk, tmp_path, 50)
    with files.connect(publish=False) as conn:
        load_year(conn, 2020, _stage(tmp_path / "new", 3000))
    fill(disk)
    with pytest.raises(DiskFull) as raised:
        files.publish()
    said = str(raised.value)
    assert said.startswith("the disk is full: a new analysts' copy (the published file is left")
    assert f"{disk}/warehouse.duckdb" in said
    assert _digests(disk / "warehouse.duckdb") == before
    assert [p for p in _files_in(disk) if not p.startswith("filler-")] == ["warehouse.duckdb"]
    free(disk)
    assert files.publish().replaced
    assert _digests(disk / "warehouse.duckdb")["dim_report"][0] == 3000


def test_a_seed_copy_that_finds_the_disk_full_names_the_working_file_and_leaves_no_copy(
    disk, tmp_path
):
    _, before = _published(disk, tmp_path, 3000)
    # a working folder on the full disk, to be seeded from the published copy
    files = WarehouseFiles(disk / ".work" / "warehouse.duckdb", disk / "warehouse.duckdb")
    fill(disk)
    with pytest.raises(DiskFull) as raised, files.connect():
        pass
    said = str(raised.value)
    assert said.startswith("the disk is full: the working warehouse (a copy of the published")
    assert f"{disk}/.work/warehouse.duckdb" in said
    assert _digests(disk / "warehouse.duckdb") == before
    assert not [p for p in _files_in(disk) if ".work" in p]


def test_a_full_disk_in_a_step_record_is_said_with_the_file_it_names():
    text = "OSError: [Errno 28] No space left on device: '/data/staging/2020/x.parquet'\n"
    said = explain_text(text, "/elsewhere", "the step's output")
    assert said.startswith(
        "the disk is full: the step's output could not be written to /data/staging/2020/x.parquet"
    )
    assert explain_text("OSError: [Errno 2] No such file or directory: 'x'", "/", "x") is None


# --- the pipeline on a full disk, in process ---------------------------------------------------


def _materialize(data: Path, instance: dg.DagsterInstance, selection: list[str] | None = None):
    from gx_pipeline.definitions import ASSETS, CHECKS
    from gx_pipeline.defs.resources import default_resources

    return dg.materialize(
        [*ASSETS, *CHECKS],
        partition_key="2020",
        resources=default_resources(data),
        instance=instance,
        raise_on_error=False,
        selection=selection,
    )


def _cause(result: dg.ExecuteInProcessResult) -> str:
    """What `gx run` prints for the run's failed step."""
    from gx_pipeline.defs.runner import _cause

    failures = [e for e in result.all_events if e.is_step_failure]
    assert len(failures) == 1, [e.step_key for e in failures]
    return f"{failures[0].step_key} failed: {_cause(failures[0], [])}"


@pytest.mark.parametrize(
    ("step", "fills_before", "names"),
    [
        ("parsed_reports", "parsed_reports", "staging/2020/parsed/"),
        ("validated_frames", "validated_frames", "staging/2020/validated/"),
        ("gx_warehouse", "gx_warehouse", ".work/warehouse.duckdb"),
    ],
)
def test_a_step_that_finds_the_disk_full_fails_saying_so_and_the_next_run_loads_the_year(
    disk, instance, step, fills_before, names
):
    data = disk / "data"
    shutil.copytree(REPO / "data" / "raw" / "2020", data / "raw" / "2020")
    assert _materialize(data, instance).success
    clean = _digests(data / "warehouse.duckdb")
    # the steps before the one under test, then a full disk for it (its input is in the
    # instance's storage, off the small disk)
    order = ["raw_report_inventory", "parsed_reports", "validated_frames", "gx_warehouse"]
    before = order[: order.index(fills_before)]
    if before:
        assert _materialize(data, instance, before).success
    fill(disk)
    result = _materialize(data, instance, [step])
    assert not result.success
    said = _cause(result)
    assert said.startswith(f"{step} failed: the disk is full: "), said
    assert names in said and "free of 32.0 MB" in said
    assert _digests(data / "warehouse.duckdb") == clean
    # the failed step gave back the room its own rows took
    staged = data / "staging" / "2020"
    own = {"parsed_reports": "parsed", "validated_frames": "validated"}.get(step)
    if own:
        assert not (staged / own).exists()
    free(disk)
    assert _materialize(data, instance).success
    assert _digests(data / "warehouse.duckdb") == clean
    leftovers = [
        p
        for p in _files_in(data)
        if not p.startswith("raw/") and p not in ("warehouse.duckdb", ".work/warehouse.duckdb")
    ]
    assert leftovers == [
        ".work/warehouse.duckdb.closed.json",
        ".work/warehouse.duckdb.published.json",
    ]


# --- DuckDB's spill files ---------------------------------------------------------------------

#: a memory limit a load of 3,000 reports spills past (~8 MB of spill files; the pipeline's
#: limit is MAX_DUCKDB_MEMORY_MIB, which a national year's load spills past the same way)
SPILLING_MIB = 16


def _spill_files(folder: Path) -> list[Path]:
    return [p for p in folder.glob("duckdb_temp_*") if p.is_file()] if folder.is_dir() else []


@pytest.mark.parametrize("when", ["before", "during"])
def test_a_load_whose_spill_finds_the_disk_full_says_so_and_the_next_load_is_exact(
    disk, tmp_path, monkeypatch, when
):
    """A load past DuckDB's memory limit spills to `<working file>.tmp/`, on the data disk.
    Full before the load, DuckDB's cap on spill files (90% of the room left) is ~0 and it
    says "Out of Memory Error: failed to offload data block": a user would add memory. Full
    during the spill, DuckDB names its spill file. Either way: the disk is full, the spill
    folder named, the published rows kept, nothing left in the folder, and the next load
    exact."""
    monkeypatch.setattr("gx_pipeline.machine.MAX_DUCKDB_MEMORY_MIB", SPILLING_MIB)
    new = _stage(tmp_path / "new", 3000)
    clean = WarehouseFiles(tmp_path / "clean" / "w.duckdb", tmp_path / "clean" / "p.duckdb")
    with clean.connect() as conn:
        load_year(conn, 2020, new)
    files = WarehouseFiles(disk / ".work" / "warehouse.duckdb", disk / "warehouse.duckdb")
    with files.connect() as conn:
        load_year(conn, 2020, _stage(tmp_path / "old", 50))
    before = _digests(disk / "warehouse.duckdb")
    spill = Path(f"{files.database}.tmp")  # DuckDB's spill folder, next to the file
    spilled = threading.Event()
    if when == "before":
        fill(disk)
    else:

        def fill_when_spilling() -> None:
            while not spilled.is_set():
                if [p for p in _spill_files(spill) if p.name.endswith(".tmp")]:
                    fill(disk)
                    spilled.set()
                time.sleep(0.001)

        threading.Thread(target=fill_when_spilling, daemon=True).start()
    try:
        with pytest.raises(DiskFull) as raised, files.connect() as conn:
            load_year(conn, 2020, new)
    finally:
        spilled.set()
    said = str(raised.value)
    print(f"\nthe disk full {when} the spill: {said}")
    assert said.startswith(
        "the disk is full: DuckDB's spill files (what a query holds past the memory limit) "
        f"could not be written to {spill} ("
    ), said
    duck = str(raised.value.__cause__)
    assert ("failed to offload data block" if when == "before" else "duckdb_temp_") in duck
    assert _digests(disk / "warehouse.duckdb") == before
    assert _spill_files(spill) == []
    free(disk)
    with files.connect() as conn:
        load_year(conn, 2020, new)
    assert _digests(disk / "warehouse.duckdb") == _digests(tmp_path / "clean" / "p.duckdb")
    assert not spill.exists()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # removed by DuckDB meanwhile
        return 0


_SPILLING_CHILD = """
import sys, time
import gx_pipeline.machine as machine
machine.MAX_DUCKDB_MEMORY_MIB = 16
from pathlib import Path
from gx_pipeline.warehouse.files import WarehouseFiles
files = WarehouseFiles(Path(sys.argv[1]))
with files.connect(publish=False) as conn:
    print("open", flush=True)
    conn.execute(
        "select i, md5(i::varchar) as s from range(4000000) r(i) order by s"
    ).fetchall()
"""


def test_spill_files_of_a_killed_load_are_removed_by_the_next_connection(tmp_path):
    """DuckDB removes its spill files at close; a process killed mid-spill leaves them (and
    each kill adds its own): the next connection to the working file removes them."""
    database = tmp_path / ".work" / "warehouse.duckdb"
    spill = Path(f"{database}.tmp")
    left = []
    for _ in range(2):
        child = subprocess.Popen([sys.executable, "-c", _SPILLING_CHILD, str(database)])
        try:
            deadline = time.monotonic() + 120
            own = f"duckdb_temp_{child.pid}_"
            while not [
                p for p in _spill_files(spill) if p.name.startswith(own) and _size(p) > 2**20
            ]:
                assert child.poll() is None and time.monotonic() < deadline, "it never spilled"
                time.sleep(0.005)
        finally:
            child.kill()
            child.wait()
        left.append({p.name for p in _spill_files(spill)})
    # the second process's connection removed what the first left: they do not pile up
    assert left[0] and left[1] and not left[0] & left[1], left
    with WarehouseFiles(database).connect(publish=False) as conn:
        conn.execute("select 1").fetchall()
    assert _spill_files(spill) == []


def test_a_load_held_for_a_fault_test_waits_at_its_fifo_until_released_and_nowhere_else(
    tmp_path, monkeypatch
):
    """The point where test_diskfull_runs.py fills the disk for the load and publish cases:
    a load finding its FIFO (`load-<year>`) in GX_HOLD_AT's folder waits there until the test
    closes its end; another year's load, or any load without the variable, goes straight on."""
    from gx_pipeline.defs.assets import HOLD_AT, hold_for_a_fault_test

    hold_for_a_fault_test("load-2022")  # no variable: nothing to wait for
    fifo = hold(tmp_path / "holds", "load-2022")
    monkeypatch.setenv(HOLD_AT, str(fifo.parent))
    hold_for_a_fault_test("load-2020")  # no FIFO of that year's load
    load = threading.Thread(target=hold_for_a_fault_test, args=("load-2022",), daemon=True)
    load.start()
    writer = reached(fifo, load.is_alive)
    assert writer is not None
    load.join(0.2)
    assert load.is_alive(), "the load went on before it was released"
    release(fifo, writer)
    load.join(10)
    assert not load.is_alive() and not fifo.exists()
    hold_for_a_fault_test("load-2022")  # released: a later load of the run goes on


def test_a_stale_hold_or_one_never_let_go_fails_the_load_saying_so_and_never_hangs_it(
    tmp_path, monkeypatch
):
    """GX_HOLD_AT left set where a run is not a fault test's (a user's environment, a FIFO left
    behind by a killed test): a load whose FIFO no test opens, or one a writer opens and never
    closes, fails within its bound naming the variable and the FIFO, where it waited forever
    without a word; the wait is told first. A FIFO of another year's load holds nothing."""
    from gx_pipeline.defs import assets

    monkeypatch.setattr(assets, "HOLD_UNCLAIMED_S", 0.3)
    monkeypatch.setattr(assets, "HOLD_LONGEST_S", 0.6)
    stale = hold(tmp_path / "holds", "load-2022")
    hold(tmp_path / "holds", "load-2021")
    monkeypatch.setenv(assets.HOLD_AT, str(stale.parent))
    told: list[str] = []
    outcome: list[BaseException | None] = []

    def load(point: str) -> None:
        try:
            assets.hold_for_a_fault_test(point, told.append)
            outcome.append(None)
        except RuntimeError as err:  # the load's failure, seen by the test
            outcome.append(err)

    def held(point: str, writer_opens: bool) -> BaseException | None:
        outcome.clear()
        thread = threading.Thread(target=load, args=(point,), daemon=True)
        thread.start()
        writer = reached(stale, thread.is_alive) if writer_opens else None
        thread.join(10)
        assert not thread.is_alive(), f"the load hung at {point}"
        if writer is not None:
            os.close(writer)
        return outcome[0]

    for writer_opens in (False, True):
        err = held("load-2022", writer_opens)
        assert isinstance(err, RuntimeError), err
        assert assets.HOLD_AT in str(err) and str(stale) in str(err)
    assert told and all(assets.HOLD_AT in line and str(stale) in line for line in told)
    told.clear()
    assert held("load-2020", False) is None and not told
