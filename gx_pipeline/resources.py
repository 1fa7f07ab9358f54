"""Where the raw pages and the warehouse live, and how the warehouse is opened.

Paths come from `GX_DATA_DIR` (default: `<repo>/data`): raw pages under `raw/<year>/`, truth
sidecars of generated pages under `truth/<year>/`, the fetcher's list of addresses in
`manifest.csv` and its archive under `archive/`. Dagster writes the warehouse in a working file,
`.work/warehouse.duckdb`, and publishes a copy as `warehouse.duckdb` for analysts after each
successful write: an analyst session holding that file open (even read-only, which DuckDB treats
as a lock) never blocks a run, and keeps its snapshot until it reconnects.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from gx_pipeline.fetch import FetchSettings

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("GX_DATA_DIR") or REPO_ROOT / "data")


def raw_files(year_dir: Path) -> list[Path]:
    """The raw pages of a year folder: every file below it, sorted, hidden ones (a leading dot
    anywhere in the path below the folder) left out. The inventory lists these and the sensor
    fingerprints them."""
    if not year_dir.is_dir():
        return []
    return [
        path
        for path in sorted(p for p in year_dir.rglob("*") if p.is_file())
        if not any(part.startswith(".") for part in path.relative_to(year_dir).parts)
    ]


class RawPages(dg.ConfigurableResource):
    """The folder of raw report pages, one sub-folder per report year."""

    data_dir: str

    @property
    def raw_dir(self) -> Path:
        return Path(self.data_dir) / "raw"

    @property
    def truth_dir(self) -> Path:
        return Path(self.data_dir) / "truth"

    @property
    def staging_dir(self) -> Path:
        """Rows between pipeline steps, as Parquet (see gx_pipeline.staging); disposable."""
        return Path(self.data_dir) / "staging"

    def year_dir(self, year: int) -> Path:
        return self.raw_dir / str(year)

    @property
    def manifest_path(self) -> Path:
        """The addresses raw_archive fetches: CSV address[,agency][,year] (see the README)."""
        return Path(self.data_dir) / "manifest.csv"

    @property
    def archive_dir(self) -> Path:
        """The fetcher's archive: pages exactly as served, and the log of every fetch."""
        return Path(self.data_dir) / "archive"


_FETCH_DEFAULTS = FetchSettings()


class WebFetcher(dg.ConfigurableResource):
    """How politely raw_archive fetches: the settings `gx fetch` takes as options, with the same
    defaults (gx_pipeline.fetch.FetchSettings). robots.txt is always honoured."""

    #: requests in flight over all hosts
    concurrency: int = _FETCH_DEFAULTS.concurrency
    #: requests in flight to one host
    per_host: int = _FETCH_DEFAULTS.per_host
    #: seconds between the starts of two requests to one host
    delay: float = _FETCH_DEFAULTS.delay
    #: seconds of silence before a request is given up (and retried)
    read_timeout: float = _FETCH_DEFAULTS.read_timeout
    #: tries per address on 5xx, timeouts and broken connections
    attempts: int = _FETCH_DEFAULTS.attempts
    #: allow loopback and private targets: only for tests against a local server
    allow_private: bool = False

    def settings(self, refresh: bool = False) -> FetchSettings:
        return FetchSettings(
            concurrency=self.concurrency,
            per_host=self.per_host,
            delay=self.delay,
            read_timeout=self.read_timeout,
            attempts=self.attempts,
            allow_private=self.allow_private,
            refresh=refresh,
        )


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file.

    Used instead of dagster_duckdb.DuckDBResource because that one does not close its connection
    when the body raises, so the file lock outlives a failed step until garbage collection.
    """

    #: the working file only Dagster opens
    database: str
    #: the analyst-facing copy, replaced atomically after each successful write; None: no copy
    publish_to: str | None = None
    #: DuckDB allows one writer process; wait this long for another one to let go of the file.
    lock_timeout_s: float = 60.0

    @contextmanager
    def connect(self, publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working file; closed whatever happens. When the body
        ends without an exception (and `publish`), the file is checkpointed and published."""
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        self._seed_from_published()
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.1
        while True:
            try:
                conn = duckdb.connect(self.database)
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
        if not self.publish_to or not Path(self.database).exists():
            return
        target = Path(self.publish_to)
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
        work = Path(self.database)
        if work.exists() or not self.publish_to or not Path(self.publish_to).exists():
            return
        from gx_pipeline.warehouse import schema_is_current

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


def default_resources(root: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    root = Path(root) if root is not None else data_dir()
    return {
        "raw_pages": RawPages(data_dir=str(root)),
        "web_fetcher": WebFetcher(),
        "warehouse": Warehouse(
            database=str(root / ".work" / "warehouse.duckdb"),
            publish_to=str(root / "warehouse.duckdb"),
        ),
    }
