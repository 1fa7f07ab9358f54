"""Every warehouse table and view as Parquet or CSV files, partitioned by report year.

    gx export --format parquet --out DIR [--database PATH]

Layout (hive partitioning, which DuckDB, pandas/pyarrow, polars and Spark read as a column):

    DIR/fact_requests/report_year=2023/data_0.parquet
    DIR/requests_wide/report_year=2023/data_0.parquet
    DIR/contract_cells/contract_cells.parquet      (the catalogue has no report year)
    DIR/export.json                                (what the export holds: database, format,
                                                    rows per relation, when)

so `select * from read_parquet('DIR/fact_requests/*/*.parquet')` reads one table whole, with
report_year back as a column.

DIR is replaced as a whole or not at all (`swap.py`): the export is written into a hidden
sibling folder (`.DIR.export-<pid>-<token>`) and swapped in once every relation is written, so
a relation the warehouse no longer has is gone from DIR, and an export that fails part-way
leaves the earlier one as it was. One export or release at a time writes DIR. DIR must be new, empty, or an earlier export (its manifest and folders of
Parquet/CSV files in the layout above): a folder holding anything else is refused, not emptied.
Nor can DIR be a mount point (a drive's root, a container's volume), which a rename cannot move
(export into a folder under it), or hold the current directory (`--out .`), which the swap would
remove from under the shell. The sibling folder of an export that was killed is removed by the
next export into DIR, and the earlier export one killed mid-swap had moved aside is put back.

The database file is input like any other: `--database` may name a file someone else made. Its
catalogue names are quoted as identifiers wherever they reach SQL, a name that cannot be a
folder right under DIR (`/`, `\\`, NUL, `.`, `..`) stops the export before anything is written
or removed, and DuckDB itself may touch no file outside DIR while exporting (so a view that
reads /etc/passwd or a URL fails instead of copying it out).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gx_pipeline import csvfiles
from gx_pipeline.warehouse.files import cannot_open
from gx_pipeline.warehouse.swap import (
    ExportError,
    can_be_swapped,
    claimed,
    staging_folder,
    swap_in,
)

FORMATS: tuple[str, ...] = ("parquet", "csv")

#: the file in DIR that says what the export holds
MANIFEST = "export.json"


_RELATIONS_SQL = """
select table_name, table_type = 'VIEW' as is_view
from information_schema.tables
where table_catalog = current_database() and table_schema = 'main'
order by is_view, table_name
"""

_COLUMNS_SQL = """
select column_name, data_type from duckdb_columns()
where database_name = current_database() and schema_name = 'main' and table_name = ?
"""

#: characters that would make a relation name a path rather than one folder's name
_NOT_IN_FOLDER_NAMES = ("/", "\\", "\0")


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


@dataclass(frozen=True)
class Exported:
    """What an export wrote: rows per relation, and the relations of the earlier export in the
    folder that the warehouse no longer has (removed with it)."""

    out: Path
    format: str
    rows: dict[str, int]
    removed: list[str]
    #: a lock file a killed export or release left beside `out`, said (swap.claimed); ""
    left_lock: str = ""


def export(database: str | Path, fmt: str, out_dir: str | Path) -> Exported:
    """Write every table and view of `database` into `out_dir`, replacing it whole."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    out = Path(out_dir).resolve()
    if out.parent == out:
        raise ExportError(f"{out} cannot be replaced: export into a folder under it")
    under = out / "gx-export"
    can_be_swapped(out, "export", under)
    with claimed(out, "export", under) as left_lock:
        return dataclasses.replace(_export(database, fmt, out, under), left_lock=left_lock)


def _export(database: str | Path, fmt: str, out: Path, under: Path) -> Exported:
    try:
        conn = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as err:  # missing, not a DuckDB file, or a writer holds its lock
        raise ExportError(f"{cannot_open(database, err)}; nothing was exported") from None
    try:
        names = relations(conn)
        if MANIFEST in names:
            raise ExportError(
                f"{database}: relation {MANIFEST!r} would overwrite the export's manifest. "
                "Nothing was exported (is this a gx-pipeline warehouse?)"
            )
        staged = staging_folder(out, "export", under)
        try:
            # every name is checked before the first relation is written
            targets = {name: _folder(staged, name, database) for name in names}
            earlier = _earlier_export(out)
            _lock_to(conn, staged)
            rows = {
                name: _write(conn, database, fmt, name, target) for name, target in targets.items()
            }
            manifest = {
                "database": str(Path(database).resolve()),
                "format": fmt,
                "exported": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "rows": rows,
            }
            (staged / MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            try:
                swap_in(staged, out)
            except OSError as err:  # a bind mount (EBUSY), the parent's permissions changed
                raise ExportError(
                    f"the export could not be swapped in for {out}: {err}; nothing was exported"
                ) from None
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    finally:
        conn.close()
    return Exported(out, fmt, rows, sorted(set(earlier) - set(rows)))


def _write(
    conn: duckdb.DuckDBPyConnection, database: str | Path, fmt: str, name: str, target: Path
) -> int:
    """Write relation `name` into the folder `target`; its rows."""
    relation = quote_identifier(name)
    columns = dict(conn.execute(_COLUMNS_SQL, [name]).fetchall())
    options = f"format {fmt}"
    if fmt == "csv":
        options += _quoted_text(columns)
    try:
        if "report_year" in columns:
            conn.execute(
                f"copy (select * from {relation}) to ? ({options}, partition_by (report_year))",
                [str(target)],
            )
        else:
            target.mkdir()
            conn.execute(
                f"copy (select * from {relation}) to ? ({options})",
                [str(target / f"{name}.{fmt}")],
            )
        if fmt == "csv":
            for written in sorted(target.rglob("*.csv")):
                csvfiles.add_mark(written)
    except duckdb.PermissionException as err:
        raise ExportError(
            f"{database}: relation {name!r} reads files outside the export: {err}"
        ) from None
    except duckdb.Error as err:
        raise ExportError(f"{database}: relation {name!r} could not be exported: {err}") from None
    (rows,) = conn.execute(f"select count(*) from {relation}").fetchone()
    return rows


def _quoted_text(columns: dict[str, str]) -> str:
    """COPY's option quoting every text value of a CSV file (a null stays an empty field).

    A text the page left empty (fact_*.raw of a blank cell) is written `""`, a null (the raw of
    a cell the page does not have) as nothing; a file where no other field needs quotes has no
    quote at all, and DuckDB's read_csv, sniffing a glob's first file, then took `"` for an
    ordinary character and read the blank of every later year as the two characters `""`. With
    every text quoted, each file shows its quote; `allow_quoted_nulls = false` keeps the blank
    apart from null (README, "Parquet or CSV by year")."""
    text = [quote_identifier(c) for c, kind in columns.items() if kind == "VARCHAR"]
    return f", force_quote ({', '.join(text)})" if text else ""


def _earlier_export(out: Path) -> list[str]:
    """The relations of the export in `out` (none: new or empty), or ExportError when it holds
    anything an export does not write: swapping it out would delete someone's files."""
    if not out.exists():
        return []
    if not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder; nothing was exported")
    entries = sorted(out.iterdir())
    foreign = [
        entry.name
        for entry in entries
        if not (
            _export_file(entry, MANIFEST) if entry.name == MANIFEST else _relation_folder(entry)
        )
    ]
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise ExportError(
            f"{out} holds files gx export did not write ({shown}); the export replaces its "
            "folder whole, so nothing was exported. Export into a new or empty folder, or into "
            "an earlier export's"
        )
    return [entry.name for entry in entries if entry.name != MANIFEST]


def _export_file(path: Path, *names: str) -> bool:
    return path.is_file() and not path.is_symlink() and (path.name in names or not names)


def _relation_folder(folder: Path) -> bool:
    """A relation's folder as an export writes it: `<name>.<format>`, or report_year=<year>/
    folders of DuckDB's data_<n>.<format> files."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    whole = {f"{folder.name}.{fmt}" for fmt in FORMATS}
    for entry in folder.iterdir():
        if entry.name in whole and _export_file(entry):
            continue
        if (
            entry.name.startswith("report_year=")
            and entry.is_dir()
            and not entry.is_symlink()
            and all(_export_file(f) and f.suffix[1:] in FORMATS for f in entry.iterdir())
        ):
            continue
        return False
    return True


def main_export(argv: Sequence[str] | None = None) -> int:
    from gx_pipeline.datadir import data_dir  # the one place that knows where data/ is
    from gx_pipeline.warehouse.files import published_behind

    parser = argparse.ArgumentParser(
        prog="gx export",
        description="Write every warehouse table and view by report year into a folder, "
        "replacing it whole (or leaving it as it was when the export fails).",
    )
    parser.add_argument("--format", choices=FORMATS, default="parquet")
    parser.add_argument(
        "--out", required=True, help="output folder: new, empty, or an earlier export"
    )
    parser.add_argument(
        "--database",
        default=str(data_dir() / "warehouse.duckdb"),
        help="warehouse file (default: the published data/warehouse.duckdb)",
    )
    args = parser.parse_args(argv)
    if behind := published_behind(args.database):
        print(f"gx export: {behind}", file=sys.stderr)
    try:
        done = export(args.database, args.format, args.out)
    except ExportError as err:
        print(f"gx export: {err}", file=sys.stderr)
        out = Path(args.out).resolve()
        if out.exists():
            print(f"gx export: {out} is as it was", file=sys.stderr)
        return 2
    if done.left_lock:
        print(f"gx export: {done.left_lock}", file=sys.stderr)
    for name, rows in done.rows.items():
        print(f"{name}\t{rows}")
    if done.removed:
        print(
            "gx export: removed from the earlier export, no longer in the warehouse: "
            + ", ".join(done.removed),
            file=sys.stderr,
        )
    relations_n, rows_n = len(done.rows), sum(done.rows.values())
    print(
        f"gx export: {relations_n} {'table or view' if relations_n == 1 else 'tables and views'}"
        f" ({rows_n} row{'' if rows_n == 1 else 's'}) as {done.format} in {done.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main_export())
