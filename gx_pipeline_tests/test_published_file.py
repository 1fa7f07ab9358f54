"""The published warehouse opens in the DuckDB analysts have: the newest DuckDB CLI of the
package registry (duckdb-cli, a dev dependency: its `duckdb` is in the venv's bin), read-only,
with every table, view and comment."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gx_pipeline.warehouse import ensure_schema, files
from gx_pipeline.warehouse.files import WarehouseFiles, file_in_storage_format
from gx_pipeline_tests.test_views import BLANK_TOTALS, _load, _loaded

_CATALOG_SQL = """
select 'table' as kind, table_name as name, comment from duckdb_tables()
where database_name = current_database()
union all
select 'view', view_name, comment from duckdb_views()
where database_name = current_database() and not internal
order by kind, name
"""


def duckdb_cli() -> str:
    """The registry's DuckDB CLI installed beside this Python (make install), or PATH's."""
    local = Path(sys.executable).with_name("duckdb")
    found = str(local) if local.is_file() else shutil.which("duckdb")
    if found is None:
        pytest.fail("no duckdb CLI: make install puts duckdb-cli (a dev dependency) in .venv/bin")
    return found


def cli(database: Path, sql: str) -> list[dict]:
    done = subprocess.run(
        [duckdb_cli(), "-readonly", "-json", str(database), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout or "[]")


def _fill(conn: duckdb.DuckDBPyConnection) -> None:
    ensure_schema(conn)
    _load(conn, 2022, [_loaded("a" * 64, 2022, "宁强县自然资源局", BLANK_TOTALS)])


@pytest.fixture
def published(tmp_path: Path) -> Path:
    wf = WarehouseFiles(tmp_path / ".work" / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    with wf.connect() as conn:
        _fill(conn)
    return wf.publish_to


def test_the_cli_is_the_registrys_1_x(published):
    done = subprocess.run([duckdb_cli(), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("v1."), done.stdout


def test_the_registry_cli_lists_every_table_and_view_with_its_comment(published):
    listed = cli(published, _CATALOG_SQL)
    conn = duckdb.connect(str(published), read_only=True)
    try:
        here = conn.execute(_CATALOG_SQL).fetchall()
        columns = conn.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where database_name = current_database() order by all"
        ).fetchall()
        views = [name for kind, name, _ in here if kind == "view"]
    finally:
        conn.close()
    assert [(r["kind"], r["name"], r["comment"]) for r in listed] == here
    assert len(here) >= 18 and all(comment for _, _, comment in here)
    assert [
        (r["table_name"], r["column_name"], r["comment"])
        for r in cli(
            published,
            "select table_name, column_name, comment from duckdb_columns() "
            "where database_name = current_database() order by all",
        )
    ] == columns
    # every view binds and runs in the CLI's DuckDB, and the numbers are the same
    counts = cli(
        published, " union all ".join(f"select '{v}' as v, count(*) as n from {v}" for v in views)
    )
    assert {r["v"] for r in counts} == set(views)
    (share,) = cli(published, "select granted_share from request_ratios")
    assert share["granted_share"] == pytest.approx(19 / 32)


def test_a_working_file_in_duckdb_2s_format_is_rewritten_once(tmp_path):
    work = tmp_path / ".work" / "warehouse.duckdb"
    work.parent.mkdir()
    conn = duckdb.connect(str(work))  # the pinned duckdb's own format, as before
    _fill(conn)
    conn.close()
    assert not file_in_storage_format(work)
    assert subprocess.run(
        [duckdb_cli(), "-readonly", str(work), "-c", "select 1"], capture_output=True, check=False
    ).returncode  # the 1.x CLI refuses it
    wf = WarehouseFiles(work, tmp_path / "warehouse.duckdb")
    with wf.connect() as conn:
        assert files.in_storage_format(conn)
        assert conn.execute("select count(*) from dim_report").fetchall() == [(1,)]
    assert file_in_storage_format(work) and file_in_storage_format(wf.publish_to)
    assert cli(wf.publish_to, "select count(*) as n from fact_requests")[0]["n"] == len(
        BLANK_TOTALS
    )


def test_a_working_file_no_connect_has_seen_is_published_in_the_readable_format(tmp_path):
    work = tmp_path / ".work" / "warehouse.duckdb"
    work.parent.mkdir()
    conn = duckdb.connect(str(work))
    _fill(conn)
    conn.close()
    wf = WarehouseFiles(work, tmp_path / "warehouse.duckdb")
    wf.publish()
    assert file_in_storage_format(wf.publish_to)
    assert cli(wf.publish_to, "select count(*) as n from dim_report") == [{"n": 1}]
    assert not list(tmp_path.glob(".warehouse.duckdb.*"))  # no temporary file left behind
