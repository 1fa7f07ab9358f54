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
    done = threading.Event()
    with open(path, "ab", buffering=0) as sink, open(path, "rb", buffering=0) as source:
        copier = threading.Thread(
            target=_copy, args=(source, terminal, done), name="gx-compute-log-copy", daemon=True
        )
        copier.start()
        os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
            os.dup2(terminal, fd)
            done.set()
            copier.join()
            os.close(terminal)


def _copy(source: IO[bytes], terminal: int, done: threading.Event) -> None:
    """Copy what is written to `source` to the descriptor `terminal` until `done`, then the
    rest. A terminal that is gone (a closed pipe) ends the copy, not the capture."""
    while True:
        finished = done.is_set()  # read before the last look: nothing written after is missed
        chunk = source.read(_CHUNK)
        if chunk:
            try:
                _write_all(terminal, chunk)
            except OSError:
                return
            continue
        if finished:
            return
        done.wait(POLL_S)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
