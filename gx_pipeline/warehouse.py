"""The DuckDB warehouse: schema from sql/*.sql and the one-transaction-per-year write.

The schema is the tables of sql/*.sql, the contract's catalogue (contract_cells, filled from
gx_pipeline.contract) and the analyst views of sql/views/*.sql, in that order.

page_versions, the fetcher's version history, is not per report year: replace_page_versions
swaps the whole table in one transaction, and the per-year writes below never touch it.

A year is replaced as a whole: BEGIN; DELETE the year from every table; INSERT BY NAME from the
staged Parquet (load_year) or registered frames (replace_year); COMMIT. Any error rolls back,
so the previous rows of the year survive. The tally identities are evaluated here in SQL and
recorded with the per-report quality summary in one transaction (record_tally).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from gx_pipeline import contract, tally
from gx_pipeline.fetch import VersionRow
from gx_pipeline.staging import Stage

SQL_DIR = Path(__file__).parent / "sql"
VIEWS_DIR = SQL_DIR / "views"
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


#: the wide views: section -> view name; their value columns are the section's column codes
WIDE_VIEWS: dict[str, str] = {
    "requests": "requests_wide",
    "appeals": "appeals_wide",
    "proactive": "proactive_wide",
}
#: comments of the key columns the three wide views share (their value columns are commented
#: from the contract, see wide_column_comments)
_WIDE_KEY_COMMENTS: dict[str, str] = {
    "report_id": "The report (dim_report.report_id).",
    "report_year": "Report year.",
    "agency": "Publishing agency (dim_report.agency).",
    "province": "Province of the agency (dim_report.province).",
    "template": "Format version: 2019 or 2021.",
    "row_seq": "Position of the row in the template, for ordering.",
    "row": "Row code of docs/CONTRACT.md.",
    "row_label_en": "English row label (contract_cells.row_label_en).",
    "row_label": "Chinese row label as printed in the report's format version.",
}


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the tables, refill contract_cells, (re)create the views with their comments.

    Every writer calls this, so a year's run would do it for each step (~0.1 s each): the
    database keeps the fingerprint of the schema it was given (the macro
    gx_schema_fingerprint()), and a database already at this fingerprint is left as it is."""
    fingerprint = _schema_fingerprint()
    try:
        ((current,),) = conn.execute("select gx_schema_fingerprint()").fetchall()
    except duckdb.Error:
        current = None
    if current == fingerprint:
        return
    for ddl in sorted(SQL_DIR.glob("*.sql")):
        conn.execute(ddl.read_text(encoding="utf-8"))
    _fill_contract_cells(conn)
    for ddl in sorted(VIEWS_DIR.glob("*.sql")):
        conn.execute(ddl.read_text(encoding="utf-8"))
    for view, comments in wide_column_comments().items():
        for column, text in comments.items():
            # COMMENT ON takes no bound parameters: the text is quoted as a SQL literal
            conn.execute(f'comment on column {view}."{column}" is {_literal(text)}')
    conn.execute(f"create or replace macro gx_schema_fingerprint() as {_literal(fingerprint)}")


@functools.cache
def _schema_fingerprint() -> str:
    """What ensure_schema writes: the DDL and view files, the contract's cells, the comments."""
    digest = hashlib.sha256()
    for ddl in (*sorted(SQL_DIR.glob("*.sql")), *sorted(VIEWS_DIR.glob("*.sql"))):
        digest.update(ddl.read_bytes())
    digest.update(contract_cells_frame().to_json().encode())
    digest.update(repr(sorted(wide_column_comments().items())).encode())
    return digest.hexdigest()[:16]


def schema_is_current(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the year tables of `conn` have the columns (names and types) of sql/*.sql."""
    fresh = duckdb.connect()
    try:
        ensure_schema(fresh)
        want = fresh.execute(_COLUMNS_SQL, [list(YEAR_TABLES)]).fetchall()
    finally:
        fresh.close()
    return conn.execute(_COLUMNS_SQL, [list(YEAR_TABLES)]).fetchall() == want


_COLUMNS_SQL = """
select table_name, column_name, data_type from duckdb_columns()
where schema_name = 'main' and table_name in (select unnest(?::varchar[]))
order by table_name, column_index
"""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def contract_cells_frame() -> pd.DataFrame:
    """Every cell of both format versions with its labels: the rows of contract_cells."""
    records = [
        {
            "template": template,
            "section": section,
            "row": r.code,
            "col": c.code,
            "row_seq": row_seq,
            "col_seq": col_seq,
            "row_group": r.group,
            "row_label": r.label,
            "row_label_en": r.label_en,
            "col_label": c.label,
            "col_label_en": c.label_en,
            "is_amount": (section, r.code, c.code) in contract.AMOUNT_CELLS,
        }
        for template in contract.TEMPLATES
        for section in contract.SECTIONS
        for row_seq, r in enumerate(contract.rows(template, section))
        for col_seq, c in enumerate(r.columns)
    ]
    return pd.DataFrame(records)


def _fill_contract_cells(conn: duckdb.DuckDBPyConnection) -> None:
    conn.register("contract_cells_now", contract_cells_frame())
    try:
        conn.execute("delete from contract_cells")
        conn.execute("insert into contract_cells by name select * from contract_cells_now")
    finally:
        conn.unregister("contract_cells_now")


def wide_columns(section: str) -> list[contract.Column]:
    """The value columns of a section's wide view: its column codes over both versions, in
    contract order (first seen)."""
    seen: dict[str, contract.Column] = {}
    for template in contract.TEMPLATES:
        for r in contract.rows(template, section):
            for c in r.columns:
                seen.setdefault(c.code, c)
    return list(seen.values())


def wide_column_comments() -> dict[str, dict[str, str]]:
    """Column comments of the wide views: key columns, then each value column's headers."""
    out: dict[str, dict[str, str]] = {}
    for section, view in WIDE_VIEWS.items():
        comments = dict(_WIDE_KEY_COMMENTS)
        for c in wide_columns(section):
            versions = [
                t
                for t in contract.TEMPLATES
                if any(c.code in {x.code for x in r.columns} for r in contract.rows(t, section))
            ]
            only = (
                "" if len(versions) == len(contract.TEMPLATES) else f"; format {versions[0]} only"
            )
            unit = (
                "; 万元"
                if any(cell[2] == c.code for cell in contract.AMOUNT_CELLS if cell[0] == section)
                else ""
            )
            comments[c.code] = (
                f"{c.label_en} ({c.label}){only}{unit}. Null = empty cell or no such cell."
            )
        out[view] = comments
    return out


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
