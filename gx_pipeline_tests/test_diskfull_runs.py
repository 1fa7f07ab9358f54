"""The real `gx run` on a disk that fills up: at each step of a load, at the analysts' copy,
at the seed copy, with Dagster's records (DAGSTER_HOME) on the full disk, and on a data folder
full before anything was loaded.

Each case mounts a tmpfs, puts on it a data folder already loaded with state A (the bundled
2020 pages and generated 2022 pages), switches the raw folders to state B (three more
generated pages of 2022), starts `gx run` and fills the disk at the case's point. Then:

- the run fails (exit status 1, never "ok" for the year it could not write), says "the disk
  is full" with the file it could not write, prints no traceback, and leaves no process;
- the published file opens read-only and holds exactly state A (every year's digest);
- a run again on the still-full disk leaves no file more, and none larger (the working file
  aside: DuckDB may take the blocks the failed run gave back, and reuses them);
- once the fillers are removed, the next plain `gx run` exits 0 and publishes exactly the rows
  of a clean run of state B, leaves no stray file (staged parts, temporary copies, WALs) and
  no run of the instance in flight or holding the `duckdb` pool slot.

    make test-diskfull              # root (mount); skipped, saying why, elsewhere

Not part of `make test` (marker `diskfull`); the figures go to RELIABILITY.md ("Disk full").
"""

from __future__ import annotations

import glob
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from gx_pipeline.defs.assets import HOLD_AT
from gx_pipeline.defs.home import ensure_home
from gx_pipeline.warehouse.lake import year_digests
from gx_pipeline_tests.disks import FILLER, fill, free, hold, reached, release, small_disk
from gx_pipeline_tests.test_faults import (
    BIG_YEAR,
    SMALL_YEAR,
    Run,
    _pad,
    _runs_left_in_flight,
    _set_state,
    _strays,
    _wait_for_session_to_end,
)

pytestmark = pytest.mark.diskfull

YEARS = (SMALL_YEAR, BIG_YEAR)
DISK_MB = 160


@dataclass(frozen=True)
class Case:
    name: str
    #: ("glob", pattern under the disk) or ("line", text of a progress line): fill when seen;
    #: ("hold", point): fill with the run held there (GX_HOLD_AT); None: fill before the run
    when: tuple[str, str] | None
    #: what stderr must name: the file (a part of its path) the run could not write
    names: str
    #: room left by the fill (0: none)
    leave_mb: int = 0
    #: Dagster's instance on the small disk too
    home_on_disk: bool = False
    #: the working file removed before the run (it is seeded from the published copy)
    no_working_file: bool = False
    #: the data folder holds nothing loaded yet
    fresh: bool = False
    #: the years the run cannot write: published as they were (the others may be new)
    kept: tuple[int, ...] = (BIG_YEAR,)


CASES = [
    # filled once the year's inventory is taken, a second before its parse writes: filled at
    # the first part written, the step could write all its parts before the disk was full
    Case("staging", ("line", f"{BIG_YEAR} [#......] 1/7"), "staging/2022/parsed/"),
    Case("validation", ("glob", f"data/staging/{BIG_YEAR}/validated"), "staging/2022/validated/"),
    # filled as the load starts, the run held there: filled on seeing the line that says
    # validated_frames succeeded, the year's small load (3 pages more) could commit first
    Case("load", ("hold", f"load-{BIG_YEAR}"), "data/.work/warehouse.duckdb"),
    # room for the year's load (a few MB) but not for a copy of the padded file (~40 MB)
    Case("publish", ("hold", f"load-{BIG_YEAR}"), "data/warehouse.duckdb", leave_mb=20),
    Case(
        "seed",
        None,
        "data/.work/warehouse.duckdb",
        leave_mb=20,
        no_working_file=True,
        kept=YEARS,
    ),
    Case("dagster-home", ("line", f"{BIG_YEAR} [#......] 1/7"), "dagster_home", home_on_disk=True),
    Case("fresh", None, "data/staging/2020/parsed/", fresh=True),
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A data folder loaded with state A (padded, so a copy of it takes room), and the
    digests of clean runs of both states."""
    root = tmp_path_factory.mktemp("diskfull")
    data = root / "data"
    env = _env(data, ensure_home(root / "home"))
    digests = {}
    for state in ("B", "A"):  # A last: the cases start from it
        _set_state(data, state)
        run = _run(env)
        assert run.code == 0, run.err[-2000:]
        digests[state] = _digests(data / "warehouse.duckdb")
        if state == "B":
            _pad(data / ".work" / "warehouse.duckdb")
    assert digests["A"] != digests["B"]
    return {"data": data, "digests": digests}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_gx_run_on_a_full_disk_fails_saying_so_and_the_next_run_loads_everything(
    loaded, tmp_path, case
):
    with small_disk(tmp_path / "disk", DISK_MB) as disk:
        data = disk / "data"
        if case.fresh:
            _set_state(data, "B")
        else:
            # a copy keeping times (new inodes): the publish knows its file and keeps no
            # `.changed-` copy of it (checked below)
            shutil.copytree(loaded["data"], data)
            _set_state(data, "B")
        if case.no_working_file:
            (data / ".work" / "warehouse.duckdb").unlink()
        home = ensure_home((disk if case.home_on_disk else tmp_path) / "dagster_home")
        env = _env(data, home)
        if case.when is None:
            fill(disk, case.leave_mb * 2**20)
        run = _run(env, disk, case)
        print(f"\n{case.name}: exit {run.code}; {_said(run.err)}")
        problems = [] if run.filled else [f"the run ended before {case.when}: never filled"]
        problems += _after_failure(run, case, data, loaded["digests"])
        # the run again on the still-full disk leaves nothing more beside its files (the
        # working file may take blocks the failed run freed: DuckDB reuses them)
        used = _used(disk)
        again = _run(env)
        problems += [f"a run on the full disk exited {again.code}"] if again.code == 0 else []
        # (nor may the run records' SQLite index of its write-ahead log, `runs.db-shm`: SQLite
        # keeps it beside the database while a connection is open, and one a run on a full
        # disk cannot checkpoint stays, a block or so, reused by the next connection)
        grew = {
            name: (used.get(name, 0), size)
            for name, size in _used(disk).items()
            if size > used.get(name, 0)
            and name != "data/.work/warehouse.duckdb"
            and not (
                name.startswith("dagster_home/") and name.endswith(".db-shm") and size <= 2**15
            )
        }
        if grew:
            problems.append(f"a run again on the full disk left more behind: {grew}")
        free(disk)
        after = _run(env)
        if after.code != 0:
            problems.append(f"the run after freeing exited {after.code}: {after.err[-1500:]}")
        elif _digests(data / "warehouse.duckdb") != loaded["digests"]["B"]:
            problems.append("the run after freeing did not publish the rows of a clean run")
        problems += [f"stray files: {s}" for s in [_strays(data)] if s]
        problems += [f"a copy kept: {p.name}" for p in data.glob("warehouse.duckdb.changed-*")]
        problems += _runs_left_in_flight(home)
        assert not problems, "\n".join(problems)


# --- what one failed run must leave -----------------------------------------------------------


def _after_failure(run: Done, case: Case, data: Path, states: dict[str, dict]) -> list[str]:
    problems = []
    if run.code != 1:
        problems.append(f"exit status {run.code}, not 1")
    said = _said(run.err)
    if "the disk is full" not in said or case.names not in said:
        problems.append(f"does not say the disk is full at {case.names}: {run.err[-1500:]}")
    if "Traceback" in run.err:
        problems.append(f"a traceback: {run.err[run.err.index('Traceback') :][:1500]}")
    for line in run.out.splitlines():
        if line.startswith(str(BIG_YEAR)) and " ok " in line:
            problems.append(f"the year it could not write says ok: {line}")
    if run.left:
        problems.append(f"processes outlived the run: {run.left}")
    published = data / "warehouse.duckdb"
    if case.fresh:
        if published.exists():
            problems.append("a fresh data folder got a published file from a failed run")
    else:
        digests = _digests(published)
        for year in YEARS:
            wanted = (
                [states["A"][year]] if year in case.kept else [states["A"][year], states["B"][year]]
            )
            if digests[year] not in wanted:
                problems.append(f"{year} in the published file is not wholly the previous state")
    return problems


def _said(err: str) -> str:
    return " | ".join(line for line in err.splitlines() if "disk is full" in line)


def _used(disk: Path) -> dict[str, int]:
    """The bytes each of the run's files takes on the disk (the fillers left out)."""
    return {
        str(p.relative_to(disk)): p.stat().st_blocks * 512
        for p in disk.rglob("*")
        if p.is_file() and not p.name.startswith(FILLER) and "raw" not in p.parts
    }


# --- runs ---------------------------------------------------------------------------------------


@dataclass
class Done:
    code: int
    out: str
    err: str
    left: list[int]
    #: the disk was filled at the case's point (the run did not end before it)
    filled: bool = True


def _env(data: Path, home: Path) -> dict[str, str]:
    return {**os.environ, "GX_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}


def _run(env: dict[str, str], disk: Path | None = None, case: Case | None = None) -> Done:
    """`gx run` in a session of its own; with a case, the disk is filled at its point."""
    kind, what = case.when if case is not None and case.when is not None else (None, "")
    fifo = hold(disk.parent / "holds", what) if kind == "hold" else None
    run = Run({**env, HOLD_AT: str(fifo.parent)} if fifo else env)
    filled = kind is None
    if fifo is not None:
        writer = reached(fifo, lambda: run.proc.poll() is None)
        if writer is not None:
            fill(disk, case.leave_mb * 2**20)
            filled = True
            release(fifo, writer)
    elif kind is not None:
        while run.proc.poll() is None:
            if glob.glob(str(disk / what)) if kind == "glob" else run.saw(what):
                fill(disk, case.leave_mb * 2**20)
                filled = True
                break
            time.sleep(0.002)
    code = run.finish()
    left = _wait_for_session_to_end(run.proc.pid)
    return Done(code, run.out, "\n".join(run.lines), left, filled)


def _digests(database: Path) -> dict:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        return {year: year_digests(conn, year) for year in YEARS}
    finally:
        conn.close()
