"""Where the raw pages and the warehouse live, and how the warehouse is opened.

Paths come from `GX_DATA_DIR` (default: `<repo>/data`): raw pages under `raw/<year>/`, truth
sidecars of generated pages under `truth/<year>/`, the warehouse in `warehouse.duckdb`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("GX_DATA_DIR") or REPO_ROOT / "data")


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


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file.

    Used instead of dagster_duckdb.DuckDBResource because that one does not close its connection
    when the body raises, so the file lock outlives a failed step until garbage collection.
    """

    database: str
    #: DuckDB allows one writer process; wait this long for another one to let go of the file.
    lock_timeout_s: float = 60.0

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
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
        finally:
            conn.close()


def default_resources(root: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    root = Path(root) if root is not None else data_dir()
    return {
        "raw_pages": RawPages(data_dir=str(root)),
        "warehouse": Warehouse(database=str(root / "warehouse.duckdb")),
    }
