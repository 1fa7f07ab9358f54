"""The warehouse's schema: the tables of sql/*.sql, the contract's catalogue (contract_cells,
filled from gx_pipeline.contract), the view of the flags reviewers act on (sql/flags, see
gx_pipeline.warehouse.reviews) and the analyst views of sql/views/*.sql, in that order, with a
comment on every table, view and column.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from gx_pipeline import contract

SQL_DIR = Path(__file__).parent / "sql"
VIEWS_DIR = SQL_DIR / "views"

#: Every table that holds rows of a report year; names are stable (analysts query them).
YEAR_TABLES: tuple[str, ...] = (
    "dim_report",
    "fact_requests",
    "fact_appeals",
    "fact_proactive",
    "tally_results",
    "quarantine",
    "report_text",
    "narrative_figures",
)
#: The keys of the tables with many rows a report that carry no primary key (see their
#: sql/*.sql): their rows are unique on these columns, checked by each write in its transaction
#: (warehouse.writes.check_keys). The fact tables' keys are checked before the write, per staged
#: batch (staging.schemas).
CHECKED_KEYS: dict[str, tuple[str, ...]] = {
    "tally_results": ("report_id", "identity", "subject"),
    "report_text": ("report_id", "section"),
    "narrative_figures": ("report_id", "section", "sentence_no", "figure", "occurrence"),
    "report_flags": ("report_id", "flag", "subject"),
    "narrative_similarity": ("report_id", "section"),
}
#: Columns that travel as JSON text in the frames and are stored as VARCHAR[].
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "dim_report": ("problems", "incomplete_sections", "trust_reasons", "total_counts_left_out"),
    "narrative_figures": ("cells",),
}


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
    "generated": "True for synthetic pages (dim_report.generated): leave them out of any "
    "analysis of real agencies.",
    "trust_status": "clean | needs_review (dim_report.trust_status).",
    "trust_reasons": "Why the report needs review, as codes (dim_report.trust_reasons); "
    "empty when clean.",
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
    from gx_pipeline.warehouse import reviews

    # the view review_flags takes in report_flags where the warehouse has that table
    with_flags = reviews.has_report_flags(conn)
    fingerprint = schema_fingerprint() + ("+report_flags" if with_flags else "")
    if schema_given(conn) == fingerprint:
        return
    _drop_primary_keys(conn)
    for ddl in sorted(SQL_DIR.glob("*.sql")):
        conn.execute(ddl.read_text(encoding="utf-8"))
    _fill_contract_cells(conn)
    if not with_flags and reviews.has_report_flags(conn):
        # the DDL above created report_flags: the view takes it in from the start
        with_flags = True
        fingerprint += "+report_flags"
    conn.execute(reviews.review_flags_sql(with_flags))
    for ddl in sorted(VIEWS_DIR.glob("*.sql")):
        conn.execute(ddl.read_text(encoding="utf-8"))
    for view, comments in wide_column_comments().items():
        for column, text in comments.items():
            # COMMENT ON takes no bound parameters: the text is quoted as a SQL literal
            conn.execute(f'comment on column {view}."{column}" is {_literal(text)}')
    conn.execute(f"create or replace macro gx_schema_fingerprint() as {_literal(fingerprint)}")


def schema_given(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the schema the database was last given (None: never)."""
    try:
        ((current,),) = conn.execute("select gx_schema_fingerprint()").fetchall()
    except duckdb.Error:
        return None
    return current


def schema_out_of_date(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether a database with tables was given the schema (its views, comments, DDL) of other
    code than today's: ensure_schema would make it again. A read, for read-only connections."""
    from gx_pipeline.warehouse import reviews

    given = schema_given(conn)
    if given is None:
        return False  # nothing made yet (an empty file), or made before the fingerprint
    with_flags = reviews.has_report_flags(conn)
    return given != schema_fingerprint() + ("+report_flags" if with_flags else "")


def _drop_primary_keys(conn: duckdb.DuckDBPyConnection) -> None:
    """Take the primary key off a table of CHECKED_KEYS in a warehouse made before it lost it.

    DuckDB cannot drop a key in place: the table is renamed, created again from its sql/*.sql
    (no key, its comments) and refilled, in one transaction. The views over it are created
    again afterwards by ensure_schema."""
    keyed = [table for (table,) in conn.execute(_KEYED_SQL, [list(CHECKED_KEYS)]).fetchall()]
    if not keyed:
        return
    conn.begin()
    try:
        for table in keyed:  # names from CHECKED_KEYS, never from data
            conn.execute(f"alter table {table} rename to {table}__keyed")
            (ddl,) = SQL_DIR.glob(f"*_{table}.sql")
            conn.execute(ddl.read_text(encoding="utf-8"))
            conn.execute(f"insert into {table} by name select * from {table}__keyed")
            conn.execute(f"drop table {table}__keyed")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


_KEYED_SQL = """
select distinct table_name from duckdb_constraints()
where schema_name = 'main' and constraint_type = 'PRIMARY KEY'
  and table_name in (select unnest(?::varchar[]))
order by table_name
"""


@functools.cache
def schema_fingerprint() -> str:
    """What ensure_schema writes: the DDL and view files, the contract's cells, the comments."""
    digest = hashlib.sha256()
    flags = sorted((SQL_DIR / "flags").glob("*.sql"))
    for ddl in (*sorted(SQL_DIR.glob("*.sql")), *flags, *sorted(VIEWS_DIR.glob("*.sql"))):
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
