"""The DuckDB warehouse: schema from sql/*.sql and the one-transaction-per-year write.

A year is replaced as a whole: BEGIN; DELETE the year from every table; INSERT BY NAME from
registered frames; COMMIT. Any error rolls back, so the previous rows of the year survive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"

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


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    try:
        conn.rollback()
    except duckdb.TransactionException:
        # a failed statement (e.g. a constraint violation) has already aborted the transaction
        pass


def loaded_elsewhere(
    conn: duckdb.DuckDBPyConnection, year: int, report_ids: Iterable[str]
) -> dict[str, tuple[int, str]]:
    """report_id -> (year, source) for ids already stored under another report year."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    ensure_schema(conn)
    rows = conn.execute(
        "select report_id, report_year, source from dim_report "
        "where report_year <> ? and list_contains(?, report_id)",
        [year, ids],
    ).fetchall()
    return {rid: (int(y), src) for rid, y, src in rows}


def year_rows(conn: duckdb.DuckDBPyConnection, table: str, year: int) -> pd.DataFrame:
    if table not in YEAR_TABLES:
        raise ValueError(f"not a year table: {table}")
    return conn.execute(f"select * from {table} where report_year = ?", [year]).df()
