"""The working file and the published copy.

The pipeline writes one working file (`.work/warehouse.duckdb`) that only it opens, and after
each successful write publishes a copy for analysts (`warehouse.duckdb`) with one rename: an
analyst session holding that file open (even read-only, which DuckDB treats as a lock) never
blocks a run, and keeps its snapshot until it reconnects.

Both files are kept in DuckDB's storage format of STORAGE_VERSION, not in the newest one the
pinned duckdb writes: analysts open the published copy with the DuckDB they have (the CLI from
the package registry, DBeaver's driver, R), and a 1.x client refuses a file in duckdb 2.0's own
format. A new working file is created in that format; one in a newer format (made before, or by
another tool) is rewritten once, so that publishing stays a plain copy of the file.
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

#: The storage format of the working file and the published copy: DuckDB 1.1 and every later
#: version read it. DuckDB 1.0 does not, whatever the version named here: it cannot read the
#: primary-key indexes duckdb 2.0 writes, even as "v1.0.0" (which also compresses less).
#: Checked by the tests with the newest DuckDB CLI of the package registry (duckdb-cli).
STORAGE_VERSION = "v1.1.0"


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
        conn = self._open()
        if not in_storage_format(conn):
            conn = self._rewrite_in_storage_format(conn)
        try:
            yield conn
            # everything in the main file, no WAL beside it: the copy below is then complete
            conn.execute("checkpoint")
        finally:
            conn.close()
        if publish:
            self.publish()

    def _open(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.1
        while True:
            try:
                # a file this creates is in STORAGE_VERSION's format; an existing one keeps its own
                return duckdb.connect(
                    str(self.database), config={"storage_compatibility_version": STORAGE_VERSION}
                )
            except duckdb.IOException:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _rewrite_in_storage_format(
        self, conn: duckdb.DuckDBPyConnection
    ) -> duckdb.DuckDBPyConnection:
        """Rewrite the working file (open on `conn`, so no one else writes it meanwhile) in
        STORAGE_VERSION's format under a temporary name, rename it into place and reopen it."""
        tmp = self.database.with_name(f".{self.database.name}.{os.getpid()}.format.tmp")
        try:
            tmp.unlink(missing_ok=True)
            copy_database(conn, tmp)
        except BaseException:
            conn.close()
            tmp.unlink(missing_ok=True)
            raise
        conn.close()
        os.replace(tmp, self.database)
        # the rewrite holds what a WAL beside the old file held; replayed on it, it would corrupt
        Path(f"{self.database}.wal").unlink(missing_ok=True)
        return self._open()

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
            self._copy_for_analysts(Path(tmp))
            shutil.copymode(self.database, tmp)  # mkstemp's 0600 would lock other readers out
            # a WAL left by a read-write session on the old copy would be replayed on the new one
            Path(f"{target}.wal").unlink(missing_ok=True)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _copy_for_analysts(self, tmp: Path) -> None:
        """Write the analysts' copy of the (checkpointed) working file to `tmp`: the file's
        bytes when it is in STORAGE_VERSION's format (as connect() keeps it), else a rewrite in
        that format (a working file no connect() has opened since it was made)."""
        if file_in_storage_format(self.database):
            shutil.copyfile(self.database, tmp)
            return
        tmp.unlink(missing_ok=True)  # DuckDB creates the file; an empty one is not a database
        conn = duckdb.connect()
        try:
            conn.execute("attach ? as working (read_only)", [str(self.database)])
            copy_database(conn, tmp, source="working")
        finally:
            conn.close()

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


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.strip("v+").split("."))


def in_storage_format(conn: duckdb.DuckDBPyConnection, database: str | None = None) -> bool:
    """Whether `database` (default: the connection's own) is stored in a format DuckDB of
    STORAGE_VERSION reads. DuckDB tags each attached file with the oldest version that reads
    its format (e.g. "v1.0.0+", "v2.0.0+")."""
    rows = conn.execute(
        "select tags['storage_version'] from duckdb_databases() "
        "where database_name = coalesce(?, current_database())",
        [database],
    ).fetchall()
    if not rows or not rows[0][0]:
        return False
    ((tag,),) = rows
    return _version(tag) <= _version(STORAGE_VERSION)


def file_in_storage_format(path: Path) -> bool:
    """in_storage_format() of a closed database file, opened read-only for the question."""
    conn = duckdb.connect()
    try:
        conn.execute("attach ? as probe (read_only)", [str(path)])
        return in_storage_format(conn, "probe")
    finally:
        conn.close()


def copy_database(conn: duckdb.DuckDBPyConnection, target: Path, source: str | None = None) -> None:
    """Write the database `source` (default: the connection's own) as a new file `target` in
    STORAGE_VERSION's format: every table with its rows and constraints, every view and macro,
    every comment (COPY FROM DATABASE). The file is written compactly, without free blocks."""
    if source is None:
        ((source,),) = conn.execute("select current_database()").fetchall()
    conn.execute(f"attach ? as gx_copy (storage_version '{STORAGE_VERSION}')", [str(target)])
    try:
        # database names come from DuckDB's catalogue or this module, never from input
        conn.execute(f'copy from database "{source}" to gx_copy')
        conn.execute("checkpoint gx_copy")
    finally:
        conn.execute("detach gx_copy")
