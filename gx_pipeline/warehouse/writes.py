"""Writes to the warehouse: a report year replaced as a whole, in one transaction.

A year is replaced as a whole: BEGIN; DELETE the year from every table; INSERT BY NAME from the
staged Parquet (load_year) or registered frames (replace_year); COMMIT. Any error rolls back,
so the previous rows of the year survive. The tally identities are evaluated here in SQL and
recorded with the per-report quality summary in one transaction (record_tally).

page_versions, the fetcher's version history, is not per report year: replace_page_versions
swaps the whole table in one transaction, and the per-year writes never touch it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

import duckdb
import pandas as pd

from gx_pipeline import tally
from gx_pipeline.fetch import VersionRow
from gx_pipeline.staging.parts import Stage
from gx_pipeline.warehouse.schema import LIST_COLUMNS, SQL_DIR, YEAR_TABLES, ensure_schema

_TALLY_SQL = (SQL_DIR / "queries" / "tally_evaluate.sql").read_text(encoding="utf-8")


def _select(table: str, staged: str) -> str:
    lists = LIST_COLUMNS.get(table)
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


def record_tally(conn: duckdb.DuckDBPyConnection, year: int, results: pd.DataFrame) -> int:
    """Replace the year's tally_results and write each report's quality summary
    (dim_report.tally_passed/_failed/_not_assessable) in one transaction.

    A report with no evaluation (no requests or appeals section) gets 0, 0, 0: checked, nothing
    to check. Returns the number of tally rows written.
    """
    if not results.empty and (results["report_year"] != year).any():
        raise ValueError(f"tally_results: rows of another year than {year}")
    ensure_schema(conn)
    conn.register("staged_tally_results", results)
    conn.begin()
    try:
        conn.execute("delete from tally_results where report_year = ?", [year])
        if not results.empty:
            conn.execute("insert into tally_results by name select * from staged_tally_results")
        conn.execute(_QUALITY_SQL, [year])
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    finally:
        # after the rollback: unregistering inside an aborted transaction would hide the error
        conn.unregister("staged_tally_results")
    return len(results)


_QUALITY_SQL = """
update dim_report
set tally_passed = q.passed, tally_failed = q.failed, tally_not_assessable = q.not_assessable
from (
    select d.report_id,
           count(t.status) filter (where t.status = 'pass') as passed,
           count(t.status) filter (where t.status = 'fail') as failed,
           count(t.status) filter (where t.status = 'not_assessable') as not_assessable
    from dim_report d
    left join tally_results t using (report_id)
    where d.report_year = $1
    group by d.report_id
) q
where dim_report.report_id = q.report_id
"""


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

    DuckDB reads the Parquet parts itself (no rows pass through Python). The same page filed
    under two report years is loaded once, under the year it states, whichever year runs
    first: a copy loaded before under a year it does not state moves here (its old year keeps
    a quarantine row naming this one), and a page already loaded under the year it states stays
    there and becomes a quarantine row here (stage "load"). tally_results of the year is
    cleared: the tally check fills it from the new facts.
    """
    ensure_schema(conn)
    written: dict[str, int] = {}
    conn.begin()
    try:
        for table in YEAR_TABLES:
            conn.execute(f"delete from {table} where report_year = ?", [year])
        dim = stage.glob("dim_report")
        if dim is not None:
            _claim_misfiled_copies(conn, year, dim)
            conn.execute(_QUARANTINE_LOADED_ELSEWHERE, [year, dim, year])
        elsewhere = "report_id in (select report_id from dim_report where report_year <> ?)"
        for table in ("dim_report", "fact_requests", "fact_appeals", "fact_proactive"):
            parts = stage.glob(table)
            if parts is None:
                continue
            staged = f"(select * from read_parquet(?) where not {elsewhere})"
            conn.execute(f"insert into {table} by name {_select(table, staged)}", [parts, year])
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


#: the year tables keyed by report_id (quarantine has none: its pages are not reports)
REPORT_TABLES = tuple(t for t in YEAR_TABLES if t != "quarantine")

#: pages of this year's stage that are loaded under another year already (which keeps them)
_QUARANTINE_LOADED_ELSEWHERE = """
insert into quarantine by name
select ? as report_year, s.source, s.raw_sha256, s.size, 'load' as stage,
       'same page already loaded for report year ' || d.report_year || ' as ' || d.source
           || case when d.stated_year = d.report_year
                   then ' (the year the page states)' else '' end as reason
from read_parquet(?) s join dim_report d using (report_id)
where d.report_year <> ?
"""

#: copies loaded under a year they do not state, whose page states the year being loaded
_MISFILED = """
select d.report_id, d.report_year, d.source, d.raw_sha256, d.size, s.source as here
from read_parquet($dim) s join dim_report d using (report_id)
where s.stated_year = $year and d.report_year <> $year
  and d.stated_year is distinct from d.report_year
"""


def _claim_misfiled_copies(conn: duckdb.DuckDBPyConnection, year: int, dim: str) -> None:
    """A page filed under the wrong year was loaded there when its year ran first; its copy
    filed under the year it states takes it over, so which copy is kept does not depend on
    the order of runs. The wrong year keeps a quarantine row naming the copy kept."""
    moved = conn.execute(_MISFILED, {"dim": dim, "year": year}).fetchall()
    for report_id, old_year, source, sha256, size, here in moved:
        reason = (
            f"the page states report year {year}, not {old_year}; "
            f"loaded for report year {year} as {here}"
        )
        for table in REPORT_TABLES:
            conn.execute(
                f"delete from {table} where report_id = ? and report_year = ?",
                [report_id, old_year],
            )
        conn.execute(
            "insert into quarantine by name select ? as report_year, ? as source, "
            "? as raw_sha256, ? as size, 'load' as stage, ? as reason",
            [
                old_year,
                source,
                sha256,
                size,
                reason,
            ],
        )


def page_versions_frame(rows: Sequence[VersionRow]) -> pd.DataFrame:
    """The rows of page_versions (sql/08_page_versions.sql) from the archive's history."""
    latest: dict[str, int] = {}
    for row in rows:
        latest[row.address] = max(latest.get(row.address, 0), row.version)
    records = [
        {
            **{f: getattr(row, f) for f in _VERSION_FIELDS},
            "superseded": row.version < latest[row.address],
            "manifest_year": row.year,
        }
        for row in rows
    ]
    frame = pd.DataFrame(records, columns=[*_VERSION_FIELDS, "superseded", "manifest_year"])
    for column in ("first_seen", "last_seen"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame.astype({"size": "Int64", "status": "Int32", "manifest_year": "Int32"})


_VERSION_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(VersionRow)
    if f.name not in ("changed_after_first", "year")  # = version > 1; manifest_year
)


def replace_page_versions(conn: duckdb.DuckDBPyConnection, rows: Sequence[VersionRow]) -> int:
    """Replace page_versions as a whole with `rows` (gx_pipeline.fetch.versions), in one
    transaction: a failed write leaves the previous history. Returns the rows written."""
    ensure_schema(conn)
    frame = page_versions_frame(rows)
    conn.register("staged_page_versions", frame)
    conn.begin()
    try:
        conn.execute("delete from page_versions")
        if len(frame):
            conn.execute("insert into page_versions by name select * from staged_page_versions")
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    finally:
        conn.unregister("staged_page_versions")
    return len(frame)


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
