"""Dagster's local compute logs (a run's stdout and stderr, kept for the UI) without helper
processes.

Dagster's LocalComputeLogManager copies a run's captured output back to the terminal with a
`tail -F` process per stream and a Python watcher per tail that ends it once the run is gone.
A run killed with SIGKILL between starting a tail and starting its watcher left that tail
running for good, holding the terminal (or a caller's pipe) open: `gx run` killed as the next
year began left one behind. Here the copy is a thread of the run's own process, which ends with
the process whatever ends it; what is left unread at the end of a capture is copied before the
capture returns (a tail that polls each second can miss it).

The files, their names and what the UI reads are LocalComputeLogManager's own. `base_dir` may
be left out: it is then `storage/` in the instance's folder, as Dagster's default.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Generator, Sequence
from typing import IO, Any

import dagster as dg
from dagster._core.storage.compute_log_manager import CapturedLogContext, ComputeIOType
from dagster._core.storage.local_compute_log_manager import (
    IO_TYPE_EXTENSION,
    LocalComputeLogManager,
)
from dagster._serdes import ConfigurableClassData

#: how often the copying thread looks for new output (Dagster's tail: each second)
POLL_S = 0.05
#: how long the end of a capture waits for a terminal that takes nothing (a reader stopped)
DRAIN_S = 5.0
_CHUNK = 1 << 16


class InProcessComputeLogManager(LocalComputeLogManager):
    """LocalComputeLogManager whose copy of the captured output to the terminal is a thread of
    the run's process, not `tail -F` processes that can outlive it."""

    def __init__(
        self,
        base_dir: str | None = None,
        polling_timeout: float | None = None,
        inst_data: ConfigurableClassData | None = None,
    ) -> None:
        super().__init__(base_dir or "", polling_timeout, inst_data)

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {
            "base_dir": dg.Field(dg.StringSource, is_required=False),
            "polling_timeout": dg.Field(dg.Float, is_required=False),
        }

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> InProcessComputeLogManager:
        return cls(inst_data=inst_data, **config_value)

    def register_instance(self, instance: dg.DagsterInstance) -> None:
        super().register_instance(instance)
        if not self._base_dir:
            self._base_dir = os.path.join(instance.root_directory, "storage")

    @contextlib.contextmanager
    def capture_logs(self, log_key: Sequence[str]) -> Generator[CapturedLogContext, None, None]:
        if not self._base_dir:
            raise dg.DagsterInvariantViolationError(
                "InProcessComputeLogManager has no base_dir and no instance folder to put it in"
            )
        out = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDOUT])
        err = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDERR])
        with captured(sys.stdout, out), captured(sys.stderr, err):
            yield CapturedLogContext(log_key)
        # as LocalComputeLogManager: the file tells the UI that the capture is complete
        with open(self.complete_artifact_path(log_key), "a", encoding="utf-8"):
            pass


@contextlib.contextmanager
def captured(stream: IO[str], path: str) -> Generator[None, None, None]:
    """Send what the process writes to `stream`'s file descriptor (Python's writes and those of
    C code alike) to the file at `path`, and copy the file to where the stream went before."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # a stream without a descriptor (a test's)
        fd = -1
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if fd < 0:
        open(path, "a", encoding="utf-8").close()
        yield
        return
    stream.flush()
    try:
        terminal = os.dup(fd)
    except OSError:  # the descriptor is closed (a daemon's stdout): keep the file only
        sink = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        if sink != fd:  # (the lowest free descriptor may be the closed one itself)
            os.dup2(sink, fd)
            os.close(sink)
        try:
            yield
        finally:
            os.close(fd)  # closed again, as it was
        return
    restore = os.dup(fd)
    with open(path, "ab", buffering=0) as sink:
        copier = _Copier(path, terminal)
        copier.start()
        os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            try:
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
                # what was written before the switch back reaches the terminal before what is
                # written after it (another thread's line written in the moment between the
                # last look and the switch can still come after its successors)
                copier.catch_up(os.fstat(sink.fileno()).st_size)
            finally:
                os.dup2(restore, fd)
                os.close(restore)
                copier.finish()


class _Copier(threading.Thread):
    """Copies what is written to the capture's file to the terminal's descriptor, until
    finish(), then the rest. A terminal that is gone (a closed pipe) ends the copy, not the
    capture; one that takes nothing (a reader that stopped) is waited for DRAIN_S, after which
    the rest is copied in the background (the file holds it in any case): the run goes on."""

    def __init__(self, path: str, terminal: int) -> None:
        super().__init__(name="gx-compute-log-copy", daemon=True)
        # both are closed by run(), when the copy ends, which may be after the capture
        self.source = open(path, "rb", buffering=0)  # noqa: SIM115
        self.terminal = terminal
        self.copied = 0
        self.ended = False
        self.done = threading.Event()
        self.wake = threading.Event()

    def run(self) -> None:
        try:
            while True:
                finished = self.done.is_set()  # before the last look: nothing written is missed
                chunk = self.source.read(_CHUNK)
                if chunk:
                    _write_all(self.terminal, chunk)
                    self.copied += len(chunk)
                    continue
                if finished:
                    return
                self.wake.wait(POLL_S)
                self.wake.clear()
        except OSError:
            return
        finally:
            self.ended = True
            self.source.close()
            os.close(self.terminal)

    def catch_up(self, size: int) -> None:
        """Wait (at most DRAIN_S) until the first `size` bytes of the file are copied."""
        deadline = time.monotonic() + DRAIN_S
        while self.copied < size and not self.ended and time.monotonic() < deadline:
            self.wake.set()
            time.sleep(0.002)

    def finish(self) -> None:
        self.done.set()
        self.wake.set()
        self.join(DRAIN_S)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
