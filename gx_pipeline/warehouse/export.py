"""Every warehouse table and view as Parquet or CSV files, partitioned by report year.

    gx export --format parquet --out DIR [--database PATH]

Layout (hive partitioning, which DuckDB, pandas/pyarrow, polars and Spark read as a column):

    DIR/fact_requests/report_year=2023/data_0.parquet
    DIR/requests_wide/report_year=2023/data_0.parquet
    DIR/contract_cells/contract_cells.parquet      (the catalogue has no report year)

so `select * from read_parquet('DIR/fact_requests/*/*.parquet')` reads one table whole, with
report_year back as a column. Each relation's folder is replaced as a whole.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from pathlib import Path

import duckdb

FORMATS: tuple[str, ...] = ("parquet", "csv")

_RELATIONS_SQL = """
select table_name, table_type = 'VIEW' as is_view
from information_schema.tables
where table_schema = 'main'
order by is_view, table_name
"""


def relations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and then every view of the warehouse, by name."""
    return [name for name, _ in conn.execute(_RELATIONS_SQL).fetchall()]


def export(database: str | Path, fmt: str, out_dir: str | Path) -> dict[str, int]:
    """Write every table and view of `database` under `out_dir`; returns rows per relation."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    conn = duckdb.connect(str(database), read_only=True)
    try:
        for name in relations(conn):
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            columns = {
                c
                for (c,) in conn.execute(
                    "select column_name from duckdb_columns() where table_name = ?", [name]
                ).fetchall()
            }
            # relation names come from the database's catalogue, never from input
            if "report_year" in columns:
                conn.execute(
                    f'copy (select * from "{name}") to ? '
                    f"(format {fmt}, partition_by (report_year))",
                    [str(target)],
                )
            else:
                target.mkdir()
                conn.execute(
                    f'copy (select * from "{name}") to ? (format {fmt})',
                    [str(target / f"{name}.{fmt}")],
                )
            (written[name],) = conn.execute(f'select count(*) from "{name}"').fetchone()
    finally:
        conn.close()
    return written


def main_export(argv: Sequence[str] | None = None) -> int:
    from gx_pipeline.datadir import data_dir  # the one place that knows where data/ is

    parser = argparse.ArgumentParser(
        prog="gx export", description="Write every warehouse table and view by report year."
    )
    parser.add_argument("--format", choices=FORMATS, default="parquet")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument(
        "--database",
        default=str(data_dir() / "warehouse.duckdb"),
        help="warehouse file (default: the published data/warehouse.duckdb)",
    )
    args = parser.parse_args(argv)
    written = export(args.database, args.format, args.out)
    for name, rows in written.items():
        print(f"{name}\t{rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_export())
