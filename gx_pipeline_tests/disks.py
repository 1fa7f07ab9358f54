"""A small disk for the disk-full tests: a tmpfs mounted for the test (root only), filled on
demand by filler files, freed by removing them."""

from __future__ import annotations

import errno
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

FILLER = "filler-"


@contextmanager
def small_disk(where: Path, size_mb: int) -> Iterator[Path]:
    """A tmpfs of `size_mb` MB mounted at `where` while the block runs; the test is skipped,
    saying why, when this process may not mount one (not root, or in a container without
    CAP_SYS_ADMIN)."""
    where.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(
            "a full disk is made with `mount -t tmpfs`, which needs root (CAP_SYS_ADMIN): "
            f"{(made.stderr or made.stdout).strip()}"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def free_bytes(disk: Path) -> int:
    stats = os.statvfs(disk)
    return stats.f_bavail * stats.f_frsize


def fill(disk: Path, leave: int = 0) -> None:
    """Take all the room on `disk` but `leave` bytes (with leave=0, every last block)."""
    target = disk / f"{FILLER}{len(list(disk.glob(FILLER + '*')))}"
    with target.open("wb", buffering=0) as out:
        room = free_bytes(disk) - leave
        if room > 0:
            try:
                os.posix_fallocate(out.fileno(), 0, room)
            except OSError:
                pass
        if leave == 0:
            block = b"\0" * 4096
            try:
                while True:
                    out.write(block)
            except OSError:
                pass
    assert free_bytes(disk) <= max(leave, 0) + 4096


def free(disk: Path) -> None:
    for filler in disk.glob(FILLER + "*"):
        filler.unlink()


def hold(folder: Path, point: str) -> Path:
    """A FIFO at which a run started with GX_HOLD_AT=`folder` waits when it comes to `point`
    (gx_pipeline.defs.assets.hold_for_a_fault_test), until the test lets it go (release)."""
    folder.mkdir(parents=True, exist_ok=True)
    fifo = folder / point
    os.mkfifo(fifo)
    return fifo


def reached(fifo: Path, running: Callable[[], bool]) -> int | None:
    """Wait for the run to come to its hold (it opens `fifo` to read: a writer may open it then)
    -> the writing end, holding the run there until release(); None when the run ended first.
    A byte written claims the run: a FIFO no test claims soon is taken as one left behind."""
    while running():
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.write(writer, b"\0")
            return writer
        except OSError as err:
            if err.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
        time.sleep(0.002)
    return None


def release(fifo: Path, writer: int) -> None:
    """Let the run held at `fifo` go on (it reads to the end), the hold gone for later runs."""
    fifo.unlink()
    os.close(writer)
