"""Shared fixtures: a temporary data dir (raw pages + warehouse) and a helper that runs a year."""

import shutil
import warnings
from pathlib import Path

import dagster as dg
import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "000_1722c90fa512988b.txt"
REALDEV_PAGES = FIXTURES / "realdev" / "pages"

# partitioned asset checks are a Preview API in Dagster 1.13 (see checks.py)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "raw").mkdir(parents=True)
    return root


def put_page(data_dir: Path, year: int, name: str, content: bytes | str | Path) -> Path:
    """Write a raw page into data/raw/<year>/name."""
    target = data_dir / "raw" / str(year) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    elif isinstance(content, str):
        target.write_text(content, encoding="utf-8")
    else:
        target.write_bytes(content)
    return target


def materialize_year(data_dir: Path, year: int) -> dg.ExecuteInProcessResult:
    from gx_pipeline.definitions import ASSETS, CHECKS
    from gx_pipeline.resources import default_resources

    return dg.materialize(
        [*ASSETS, *CHECKS],
        partition_key=str(year),
        resources=default_resources(data_dir),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def query(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    # close before the next materialize: DuckDB refuses a second connection to the same file
    # with a different configuration in one process
    conn = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()
