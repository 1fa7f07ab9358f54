"""The DuckDB warehouse: its schema (schema.py, sql/), the per-year writes (writes.py), the
working file and the published copy (files.py), and what reads it back for people: the data
dictionary, the export, the charts. No Dagster here.
"""

from gx_pipeline.warehouse.files import WarehouseFiles
from gx_pipeline.warehouse.schema import (
    SQL_DIR,
    VIEWS_DIR,
    WIDE_VIEWS,
    YEAR_TABLES,
    contract_cells_frame,
    ensure_schema,
    schema_is_current,
    wide_column_comments,
    wide_columns,
)
from gx_pipeline.warehouse.writes import (
    DuplicateKey,
    check_keys,
    copies_left_behind,
    entries_by_year,
    evaluate_tally,
    load_year,
    lost_reports,
    page_versions_frame,
    record_tally,
    replace_page_versions,
    replace_year,
    tally_terms_frame,
    year_rows,
)

__all__ = [
    "SQL_DIR",
    "VIEWS_DIR",
    "WIDE_VIEWS",
    "YEAR_TABLES",
    "DuplicateKey",
    "WarehouseFiles",
    "check_keys",
    "contract_cells_frame",
    "copies_left_behind",
    "ensure_schema",
    "entries_by_year",
    "evaluate_tally",
    "load_year",
    "lost_reports",
    "page_versions_frame",
    "record_tally",
    "replace_page_versions",
    "replace_year",
    "schema_is_current",
    "tally_terms_frame",
    "wide_column_comments",
    "wide_columns",
    "year_rows",
]
