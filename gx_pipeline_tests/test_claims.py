"""A run's claim on a report year in the data folder (gx_pipeline.staging.claims): live while
its process holds the claim's lock, over once nobody does (the process gone)."""

import errno
import fcntl
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import gx_pipeline
from gx_pipeline.staging import claims
from gx_pipeline_tests.conftest import pid_of_a_process_gone


def test_a_claim_nobody_holds_is_over_and_removed(tmp_path):
    # what a killed run's process leaves: the file, and no lock on it
    left = claims.claim_path(tmp_path, 2020, "killed-run")
    left.parent.mkdir(parents=True)
    left.write_text(
        json.dumps(
            {
                "run_id": "killed-run",
                "year": 2020,
                "instance": "/h",
                "pid": 1,
                "host": "h",
                "claimed_at": 0.0,
            }
        )
    )
    assert claims.live_claims(tmp_path, 2020) == []
    assert not left.exists() and not (tmp_path / claims.CLAIMS).exists()


def test_a_process_holds_one_runs_claim_at_a_time_and_others_see_it_while_it_lives(tmp_path):
    first = claims.claim(tmp_path, 2020, "run-one", "/home-a")
    second = claims.claim(tmp_path, 2021, "run-two", "/home-a")
    try:
        # a process runs one run at a time: the first run's claim ended with the second's
        assert not claims.claim_path(tmp_path, 2020, "run-one").exists()
        assert claims.claim(tmp_path, 2021, "run-two", "/home-a") == second  # the same claim
        assert first.claimed_at <= second.claimed_at
        # this process's own claims are its runs', known to its caller: not listed
        assert claims.live_claims(tmp_path, 2021) == []
        look = (
            "from gx_pipeline.staging.claims import live_claims\n"
            f"print([c.run_id for c in live_claims({str(tmp_path)!r}, 2021)])\n"
        )
        code = str(Path(gx_pipeline.__file__).parents[1])
        env = {**os.environ, "PYTHONPATH": code}
        seen = subprocess.run(
            [sys.executable, "-c", look], capture_output=True, text=True, env=env, check=True
        )
        assert seen.stdout.strip() == "['run-two']"
    finally:
        claims.let_go("run-two")
    assert not claims.claim_path(tmp_path, 2021, "run-two").exists()


def _write_claim(path: Path, run_id: str, pid: int, host: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = {"run_id": run_id, "year": 2020, "instance": "/h", "pid": pid, "host": host}
    path.write_text(json.dumps({**text, "claimed_at": 0.0}))


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_without_file_locks_a_claim_is_judged_by_its_process(tmp_path, monkeypatch):
    """A file system without locks (NFS with no lock service: flock fails with ENOLCK) failed
    every step that claims or looks at claims on a bare OSError. A claim is then made all the
    same, and judged by its process: live while its pid runs here and started before the claim
    was written, over when the process is gone or the pid is now another, newer process's."""

    def no_locks(fd, how):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    mine = claims.claim(tmp_path, 2020, "run-here", "/home-a")
    try:
        assert claims.claim_path(tmp_path, 2020, "run-here").exists()
        assert mine.pid == os.getpid()
    finally:
        claims.let_go("run-here")
    running = _sleeper()
    try:
        alive = claims.claim_path(tmp_path, 2020, "alive")
        gone = claims.claim_path(tmp_path, 2020, "gone")
        reused = claims.claim_path(tmp_path, 2020, "reused")
        elsewhere = claims.claim_path(tmp_path, 2020, "elsewhere")
        _write_claim(alive, "alive", running.pid, socket.gethostname())
        _write_claim(gone, "gone", pid_of_a_process_gone(), socket.gethostname())
        # written before the process that has its pid now started: that pid was another's
        _write_claim(reused, "reused", running.pid, socket.gethostname())
        os.utime(reused, (time.time() - 3600, time.time() - 3600))
        _write_claim(elsewhere, "elsewhere", 1, "another-machine")  # not seen from here
        assert [c.run_id for c in claims.live_claims(tmp_path, 2020)] == ["alive", "elsewhere"]
        assert alive.exists() and not gone.exists() and not reused.exists()
    finally:
        running.kill()
        running.wait()


def test_a_claim_file_left_unfinished_by_a_killed_maker_is_removed(tmp_path):
    """A process killed between making its claim (`<run>.json.<pid>.new`) and renaming it into
    place left the file for good: no look removed it, nor the year's claims folder. One its
    maker still holds (locked) stays."""
    folder = tmp_path / claims.CLAIMS / "2020"
    folder.mkdir(parents=True)
    left = folder / f"killed.json.{pid_of_a_process_gone()}.new"
    left.write_text("{")
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    code = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(folder / 'making.json.1.new')!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        f"os.utime({str(folder / 'making.json.1.new')!r}, (0, 0))\n"
        "print('ok', flush=True)\n"
        "time.sleep(60)\n"
    )
    making = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert making.stdout.readline().strip() == "ok"
        assert claims.live_claims(tmp_path, 2020) == []
        assert [p.name for p in folder.iterdir()] == ["making.json.1.new"]
    finally:
        making.kill()
        making.wait()
    claims.live_claims(tmp_path, 2020)
    assert not (tmp_path / claims.CLAIMS).exists()


def test_a_year_that_cannot_be_claimed_runs_and_says_other_instances_will_not_see_it(
    data_dir, instance
):
    """`.claims` a file (or a folder that cannot be written): the run went on with no claim on
    its year, and nothing said that a run of another DAGSTER_HOME on the data folder would no
    longer see it (and might remove its staged rows)."""
    import dagster as dg

    from gx_pipeline.definitions import ASSETS, CHECKS
    from gx_pipeline.defs.resources import default_resources
    from gx_pipeline_tests.conftest import SEED, put_page

    put_page(data_dir, 2020, SEED.name, SEED)
    (data_dir / "staging").mkdir()
    (data_dir / "staging" / claims.CLAIMS).write_text("not a folder")
    result = dg.materialize(
        [*ASSETS, *CHECKS],
        partition_key="2020",
        resources=default_resources(data_dir),
        instance=instance,
    )
    assert result.success
    said = [e.user_message for e in instance.all_logs(result.run_id) if e.level >= 30]
    assert any(
        "claim on report year 2020 could not be written" in m
        and str(data_dir / "staging" / claims.CLAIMS) in m
        and "another DAGSTER_HOME" in m
        for m in said
    ), said
