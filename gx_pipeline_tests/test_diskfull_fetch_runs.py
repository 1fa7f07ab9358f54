"""The real `gx fetch` (its own process) on a disk that fills up mid-run, and killed with
SIGKILL at random points: the archive stays whole (every log line a record, no temporary file,
every object its sha256) and the next run, once there is room, archives every page exactly
once.

    make test-diskfull              # root (mount); skipped, saying why, elsewhere
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gx_pipeline_tests.disks import FILLER, fill, free, small_disk
from gx_pipeline_tests.test_diskfull_fetch import (
    PAGES,
    _archived_once,
    _manifest,
    _whole,
    site,  # noqa: F401 - the loopback server fixture
)

pytestmark = pytest.mark.diskfull

KILLS = 8
SEED = 20261205


def _gx_fetch(manifest: Path, archive: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gx_pipeline.cli", "fetch", str(manifest)]
        + ["--archive", str(archive), "--allow-private", "--delay", "0"]
        + ["--concurrency", "2", "--per-host", "2", "--attempts", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _objects(archive: Path) -> int:
    return sum(1 for p in (archive / "objects").rglob("*") if p.is_file())


def _used(disk: Path) -> dict[str, int]:
    return {
        str(p.relative_to(disk)): p.stat().st_blocks
        for p in disk.rglob("*")
        if p.is_file() and not p.name.startswith(FILLER)
    }


def test_gx_fetch_filled_mid_run_says_so_and_the_run_after_freeing_completes(
    site,  # noqa: F811
    tmp_path,
):
    site.delay = 0.02
    manifest, addresses = _manifest(site, tmp_path)
    with small_disk(tmp_path / "disk", 16) as disk:
        archive = disk / "archive"
        run = _gx_fetch(manifest, archive)
        while run.poll() is None and _objects(archive) < PAGES // 3:
            time.sleep(0.002)
        fill(disk)
        _, err = run.communicate(timeout=120)
        said = [line for line in err.splitlines() if "disk is full" in line]
        print(f"\ngx fetch, the disk filled mid-run: exit {run.returncode}; {' | '.join(said)}")
        assert run.returncode == 1, err
        assert len(said) == 1 and said[0].startswith("gx fetch: the disk is full: "), err
        assert str(archive) in said[0] and "Traceback" not in err
        assert _whole(archive) == []
        # again on the full disk: the same line, nothing more left behind
        used = _used(disk)
        again = _gx_fetch(manifest, archive)
        _, err = again.communicate(timeout=120)
        assert again.returncode == 1 and "the disk is full" in err, err
        assert _used(disk) == used and _whole(archive) == []
        free(disk)
        done = _gx_fetch(manifest, archive)
        _, err = done.communicate(timeout=120)
        assert done.returncode == 0, err
        assert _whole(archive) == [] and _archived_once(archive, addresses) == []


def test_gx_fetch_killed_at_random_points_leaves_a_whole_archive_and_resumes_exactly(
    site,  # noqa: F811
    tmp_path,
):
    """kill -9 anywhere: mid-page, between a page and its log line, mid-line. Each next run
    mends what the last left (a torn last line, temporary files), and the final one archives
    every page once."""
    site.delay = 0.1
    manifest, addresses = _manifest(site, tmp_path, long=True)
    archive = tmp_path / "archive"
    # a complete run elsewhere: how long one takes (start-up, then 24 pages 0.1 s each, two
    # at a time); the kills fall anywhere in that time
    started = time.monotonic()
    timing = _gx_fetch(manifest, tmp_path / "timing")
    timing.communicate(timeout=120)
    whole_run = time.monotonic() - started
    draw = random.Random(SEED)
    archived = []
    for _ in range(KILLS):
        run = _gx_fetch(manifest, archive)
        time.sleep(draw.uniform(0.05, whole_run))
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        archived.append(_objects(archive))
    print(f"\na run: {whole_run:.1f} s; killed {KILLS} times, objects after each: {archived}")
    final = _gx_fetch(manifest, archive)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert _whole(archive) == []
    assert _archived_once(archive, addresses) == []
