"""Every warehouse table and view as Parquet or CSV files, partitioned by report year.

    gx export --format parquet --out DIR [--database PATH]

Layout (hive partitioning, which DuckDB, pandas/pyarrow, polars and Spark read as a column):

    DIR/fact_requests/report_year=2023/data_0.parquet
    DIR/requests_wide/report_year=2023/data_0.parquet
    DIR/contract_cells/contract_cells.parquet      (the catalogue has no report year)

so `select * from read_parquet('DIR/fact_requests/*/*.parquet')` reads one table whole, with
report_year back as a column. Each relation's folder is replaced as a whole.

The database file is input like any other: `--database` may name a file someone else made. Its
catalogue names are quoted as identifiers wherever they reach SQL, a name that cannot be a
folder right under DIR (`/`, `\\`, NUL, `.`, `..`) stops the export before anything is written
or removed, and DuckDB itself may touch no file outside DIR while exporting (so a view that
reads /etc/passwd or a URL fails instead of copying it out).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

FORMATS: tuple[str, ...] = ("parquet", "csv")

_RELATIONS_SQL = """
select table_name, table_type = 'VIEW' as is_view
from information_schema.tables
where table_catalog = current_database() and table_schema = 'main'
order by is_view, table_name
"""

_COLUMNS_SQL = """
select column_name from duckdb_columns()
where database_name = current_database() and schema_name = 'main' and table_name = ?
"""

#: characters that would make a relation name a path rather than one folder's name
_NOT_IN_FOLDER_NAMES = ("/", "\\", "\0")


class ExportError(Exception):
    """The export cannot be done safely; the message names the database and the relation."""


def relations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table and then every view of the warehouse, by name."""
    return [name for name, _ in conn.execute(_RELATIONS_SQL).fetchall()]


def quote_identifier(name: str) -> str:
    """`name` as a DuckDB identifier whatever it holds: in double quotes, inner ones doubled."""
    return '"' + name.replace('"', '""') + '"'


def _folder(out: Path, name: str, database: str | Path) -> Path:
    """The folder right under `out` (resolved) that `name` is written to, or ExportError."""
    bad = [c for c in _NOT_IN_FOLDER_NAMES if c in name]
    if not name or name in (".", "..") or bad:
        why = f"contains {bad[0]!r}" if bad else "is not a folder name"
        raise ExportError(
            f"{database}: relation {name!r} {why}; it would be written outside {out}. "
            "Nothing was exported (is this a gx-pipeline warehouse?)"
        )
    target = out / name
    if target.is_symlink() or target.resolve().parent != out:
        raise ExportError(f"{target} leads outside {out} (a symbolic link?); nothing was exported")
    return target


def _lock_to(conn: duckdb.DuckDBPyConnection, out: Path) -> None:
    """From here on the connection may read and write files under `out` only."""
    conn.execute("set allowed_directories = ?", [[str(out) + "/"]])
    conn.execute("set enable_external_access = false")
    conn.execute("set lock_configuration = true")


def export(database: str | Path, fmt: str, out_dir: str | Path) -> dict[str, int]:
    """Write every table and view of `database` under `out_dir`; returns rows per relation."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    written: dict[str, int] = {}
    conn = duckdb.connect(str(database), read_only=True)
    try:
        _lock_to(conn, out)
        # every name is checked before the first folder is replaced
        targets = {name: _folder(out, name, database) for name in relations(conn)}
        for name, target in targets.items():
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            relation = quote_identifier(name)
            columns = {c for (c,) in conn.execute(_COLUMNS_SQL, [name]).fetchall()}
            try:
                if "report_year" in columns:
                    conn.execute(
                        f"copy (select * from {relation}) to ? "
                        f"(format {fmt}, partition_by (report_year))",
                        [str(target)],
                    )
                else:
                    target.mkdir()
                    conn.execute(
                        f"copy (select * from {relation}) to ? (format {fmt})",
                        [str(target / f"{name}.{fmt}")],
                    )
            except duckdb.PermissionException as err:
                raise ExportError(
                    f"{database}: relation {name!r} reads files outside the export: {err}"
                ) from None
            (written[name],) = conn.execute(f"select count(*) from {relation}").fetchone()
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
    try:
        written = export(args.database, args.format, args.out)
    except ExportError as err:
        print(f"gx export: {err}", file=sys.stderr)
        return 2
    for name, rows in written.items():
        print(f"{name}\t{rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_export())
