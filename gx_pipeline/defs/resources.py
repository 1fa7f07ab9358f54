"""The resources: where the raw pages and the warehouse live, and the fetcher's politeness.

Paths come from the data folder (gx_pipeline.datadir: `GX_DATA_DIR`, default `<repo>/data`).
The warehouse is written in a working file and published for analysts after each successful
write (gx_pipeline.warehouse.files).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from gx_pipeline.datadir import DataDir, data_dir
from gx_pipeline.fetch import FetchSettings
from gx_pipeline.warehouse.files import Published, WarehouseFiles
from gx_pipeline.warehouse.reviews import copy_decisions


class RawPages(dg.ConfigurableResource):
    """The folder of raw report pages, one sub-folder per report year."""

    data_dir: str

    @property
    def layout(self) -> DataDir:
        return DataDir(Path(self.data_dir))

    @property
    def raw_dir(self) -> Path:
        return self.layout.raw_dir

    @property
    def truth_dir(self) -> Path:
        return self.layout.truth_dir

    @property
    def staging_dir(self) -> Path:
        """Rows between pipeline steps, as Parquet (see gx_pipeline.staging.parts); disposable."""
        return self.layout.staging_dir

    def year_dir(self, year: int) -> Path:
        return self.layout.year_dir(year)

    @property
    def manifest_path(self) -> Path:
        """The addresses raw_archive fetches: CSV address[,agency][,year] (see the README)."""
        return self.layout.manifest_path

    @property
    def index_pages_path(self) -> Path:
        """Agencies' report list pages (CSV address[,agency]): the monthly re-fetch of late and
        edited reports reads the annual-report links on them."""
        return self.layout.index_pages_path

    @property
    def archive_dir(self) -> Path:
        """The fetcher's archive: pages exactly as served, and the log of every fetch."""
        return self.layout.archive_dir


_FETCH_DEFAULTS = FetchSettings()


class WebFetcher(dg.ConfigurableResource):
    """How politely raw_archive fetches: the settings `gx fetch` takes as options, with the same
    defaults (gx_pipeline.fetch.FetchSettings). robots.txt is always honoured.

    There is deliberately no switch for loopback and private targets: run config is open to
    anyone with the UI. Whoever starts the code server can set GX_FETCH_ALLOW_PRIVATE=1 (a local
    test server), which the fetcher reads itself."""

    #: requests in flight over all hosts
    concurrency: int = _FETCH_DEFAULTS.concurrency
    #: requests in flight to one host
    per_host: int = _FETCH_DEFAULTS.per_host
    #: seconds between the starts of two requests to one host
    delay: float = _FETCH_DEFAULTS.delay
    #: seconds of silence before a request is given up (and retried)
    read_timeout: float = _FETCH_DEFAULTS.read_timeout
    #: seconds for one request in all (connect, TLS, headers, body), however slowly it drips
    total_timeout: float = _FETCH_DEFAULTS.total_timeout
    #: tries per address on 5xx, 429, timeouts and broken connections
    attempts: int = _FETCH_DEFAULTS.attempts
    #: longest wait in seconds granted to a 429 or 503's Retry-After before the next try
    retry_after_max: float = _FETCH_DEFAULTS.retry_after_max

    def settings(self, refresh: bool = False) -> FetchSettings:
        return FetchSettings(
            concurrency=self.concurrency,
            per_host=self.per_host,
            delay=self.delay,
            read_timeout=self.read_timeout,
            total_timeout=self.total_timeout,
            attempts=self.attempts,
            retry_after_max=self.retry_after_max,
            refresh=refresh,
        )


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file (gx_pipeline.warehouse.files).

    Used instead of dagster_duckdb.DuckDBResource because that one does not close its connection
    when the body raises, so the file lock outlives a failed step until garbage collection.
    """

    #: the working file only Dagster opens
    database: str
    #: the analyst-facing copy, replaced atomically after each successful write; None: no copy
    publish_to: str | None = None
    #: DuckDB allows one writer process; wait this long for another one to let go of the file.
    lock_timeout_s: float = 60.0
    #: the reviewers' decisions (data/reviews.jsonl), copied into the warehouse with each year
    reviews_log: str | None = None

    @property
    def files(self) -> WarehouseFiles:
        return WarehouseFiles(
            Path(self.database),
            Path(self.publish_to) if self.publish_to else None,
            self.lock_timeout_s,
        )

    def files_saying(self, say: Callable[[str], None] | None = None) -> WarehouseFiles:
        """The files, a wait for another process's lock on them said by `say` (a step's
        `context.log.warning`: the run's log; None: stderr)."""
        return dataclasses.replace(self.files, say=say)

    @contextmanager
    def connect(
        self, publish: bool = True, say: Callable[[str], None] | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the working file, published after a clean exit; a wait
        for the file said by `say` (files_saying)."""
        with self.files_saying(say).connect(publish) as conn:
            yield conn

    def publish(self, say: Callable[[str], None] | None = None) -> Published:
        return self.files_saying(say).publish()

    def copy_reviews(self, conn: duckdb.DuckDBPyConnection) -> int:
        """The reviewers' decisions into the tables reviews and review_cells (none without a
        log); returns how many."""
        if self.reviews_log is None:
            return 0
        return copy_decisions(conn, Path(self.reviews_log))


def default_resources(root: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    layout = DataDir(Path(root) if root is not None else data_dir())
    return {
        "raw_pages": RawPages(data_dir=str(layout.root)),
        "web_fetcher": WebFetcher(),
        "warehouse": Warehouse(
            database=str(layout.work_database),
            publish_to=str(layout.published_database),
            reviews_log=str(layout.reviews_log),
        ),
    }
