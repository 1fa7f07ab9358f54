"""The working file and the published copy.

The pipeline writes one working file (`.work/warehouse.duckdb`) that only it opens, and after
each successful write publishes a copy for analysts (`warehouse.duckdb`) with one rename: an
analyst session holding that file open (even read-only, which DuckDB treats as a lock) never
blocks a run, and keeps its snapshot until it reconnects.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class WarehouseFiles:
    #: the working file only the pipeline opens
    database: Path
    #: the analyst-facing copy, replaced atomically after each successful write; None: no copy
    publish_to: Path | None = None
    #: DuckDB allows one writer process; wait this long for another one to let go of the file
    lock_timeout_s: float = 60.0

    @contextmanager
    def connect(self, publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working file; closed whatever happens. When the body
        ends without an exception (and `publish`), the file is checkpointed and published."""
        self.database.parent.mkdir(parents=True, exist_ok=True)
        self._seed_from_published()
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.1
        while True:
            try:
                conn = duckdb.connect(str(self.database))
                break
            except duckdb.IOException:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        try:
            yield conn
            # everything in the main file, no WAL beside it: the copy below is then complete
            conn.execute("checkpoint")
        finally:
            conn.close()
        if publish:
            self.publish()

    def publish(self) -> None:
        """Copy the working file next to `publish_to` and rename it into place (atomic on one
        file system). A session holding the old file keeps reading its old copy; the next
        connection sees the new one. Costs one copy of the file per write."""
        if self.publish_to is None or not self.database.exists():
            return
        target = self.publish_to
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            shutil.copyfile(self.database, tmp)
            shutil.copymode(self.database, tmp)  # mkstemp's 0600 would lock other readers out
            # a WAL left by a read-write session on the old copy would be replayed on the new one
            Path(f"{target}.wal").unlink(missing_ok=True)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _seed_from_published(self) -> None:
        """Start a missing working file from the published copy, so years loaded before (or by
        an older layout of the data folder) are kept; a copy of an outdated schema is dropped
        and the years are loaded afresh."""
        work = self.database
        if work.exists() or self.publish_to is None or not self.publish_to.exists():
            return
        from gx_pipeline.warehouse.schema import schema_is_current

        shutil.copyfile(self.publish_to, work)
        try:
            conn = duckdb.connect(str(work))
            try:
                current = schema_is_current(conn)
            finally:
                conn.close()
        except duckdb.Error:
            current = False
        if not current:
            work.unlink()
            Path(f"{work}.wal").unlink(missing_ok=True)
