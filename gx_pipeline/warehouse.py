"""The DuckDB warehouse: schema from sql/*.sql and the one-transaction-per-year write.

A year is replaced as a whole: BEGIN; DELETE the year from every table; INSERT BY NAME from the
staged Parquet (load_year) or registered frames (replace_year); COMMIT. Any error rolls back,
so the previous rows of the year survive. The tally identities are evaluated here in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import pandas as pd

from gx_pipeline import tally
from gx_pipeline.staging import Stage

SQL_DIR = Path(__file__).parent / "sql"
_TALLY_SQL = (SQL_DIR / "queries" / "tally_evaluate.sql").read_text(encoding="utf-8")

#: Every table that holds rows of a report year; names are stable (analysts query them).
YEAR_TABLES: tuple[str, ...] = (
    "dim_report",
    "fact_requests",
    "fact_appeals",
    "fact_proactive",
    "tally_results",
    "quarantine",
)
#: Columns that travel as JSON text in the frames and are stored as VARCHAR[].
_LIST_COLUMNS: dict[str, tuple[str, ...]] = {"dim_report": ("problems", "incomplete_sections")}


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    for ddl in sorted(SQL_DIR.glob("*.sql")):
        conn.execute(ddl.read_text(encoding="utf-8"))


def _select(table: str, staged: str) -> str:
    lists = _LIST_COLUMNS.get(table)
    if not lists:
        return f"select * from {staged}"
    casts = ", ".join(f"cast(cast({c} as json) as varchar[]) as {c}" for c in lists)
    return f"select * replace ({casts}) from {staged}"


def tally_terms_frame() -> pd.DataFrame:
    return pd.DataFrame(tally.term_rows())


def evaluate_tally(conn: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Every tally identity of every stored report of `year` (sql/queries/tally_evaluate.sql)."""
    conn.register("tally_terms", tally_terms_frame())
    try:
        return conn.execute(_TALLY_SQL, [year]).df()
    finally:
        conn.unregister("tally_terms")


def replace_year(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    frames: Mapping[str, pd.DataFrame],
    clear: Iterable[str] | None = None,
) -> dict[str, int]:
    """Replace the rows of `year` in the `clear` tables (default: those in `frames`) atomically.

    Returns the number of rows inserted per table.
    """
    clear = tuple(frames) if clear is None else tuple(clear)
    unknown = (set(clear) | set(frames)) - set(YEAR_TABLES)
    if unknown:
        raise ValueError(f"not a year table: {sorted(unknown)}")
    ensure_schema(conn)
    written: dict[str, int] = {}
    staged: list[str] = []
    conn.begin()
    try:
        for table in clear:
            # table names come from YEAR_TABLES above, never from data
            conn.execute(f"delete from {table} where report_year = ?", [year])
        for table, frame in frames.items():
            if frame.empty:
                written[table] = 0
                continue
            if (frame["report_year"] != year).any():
                raise ValueError(f"{table}: rows of another year than {year}")
            name = f"staged_{table}"
            conn.register(name, frame)
            staged.append(name)
            conn.execute(f"insert into {table} by name {_select(table, name)}")
            written[table] = len(frame)
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    finally:
        # unregistering inside an aborted transaction would raise and hide the real error
        for name in staged:
            conn.unregister(name)
    return written


def load_year(conn: duckdb.DuckDBPyConnection, year: int, stage: Stage) -> dict[str, int]:
    """Replace a report year with the staged, validated rows, in one transaction.

    DuckDB reads the Parquet parts itself (no rows pass through Python). A page already loaded
    under another report year stays there; here it becomes a quarantine row (stage "load").
    tally_results of the year is cleared: the tally check fills it from the new facts.
    """
    ensure_schema(conn)
    written: dict[str, int] = {}
    conn.begin()
    try:
        for table in YEAR_TABLES:
            conn.execute(f"delete from {table} where report_year = ?", [year])
        elsewhere = "report_id in (select report_id from dim_report where report_year <> ?)"
        dim = stage.glob("dim_report")
        if dim is not None:
            conn.execute(
                "insert into quarantine by name "
                "select ? as report_year, s.source, s.raw_sha256, s.size, 'load' as stage, "
                "'same page already loaded for report year ' || d.report_year || ' as ' "
                "|| d.source as reason "
                "from read_parquet(?) s join dim_report d using (report_id) "
                "where d.report_year <> ?",
                [year, dim, year],
            )
        for table in ("dim_report", "fact_requests", "fact_appeals", "fact_proactive"):
            parts = stage.glob(table)
            if parts is None:
                continue
            staged = f"(select * from read_parquet(?) where not {elsewhere})"
            conn.execute(
                f"insert into {table} by name {_select(table, staged)}", [parts, year]
            )
        parts = stage.glob("quarantine")
        if parts is not None:
            conn.execute("insert into quarantine by name select * from read_parquet(?)", [parts])
        for table in YEAR_TABLES:
            (n,) = conn.execute(
                f"select count(*) from {table} where report_year = ?", [year]
            ).fetchone()
            written[table] = n
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    return written


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    try:
        conn.rollback()
    except duckdb.TransactionException:
        # a failed statement (e.g. a constraint violation) has already aborted the transaction
        pass


def year_rows(conn: duckdb.DuckDBPyConnection, table: str, year: int) -> pd.DataFrame:
    if table not in YEAR_TABLES:
        raise ValueError(f"not a year table: {table}")
    return conn.execute(f"select * from {table} where report_year = ?", [year]).df()
