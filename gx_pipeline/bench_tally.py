"""`make bench-tally`: the tally check's peak memory on a national year.

    python -m gx_pipeline.bench_tally [--reports 100000] [--year 2023]

Builds a warehouse with one report year of `--reports` reports (the bundled reports of the
year, copied under new report ids: ~200 cells each, ~20 million fact rows at 100,000 reports)
and measures, each in a fresh process, the peak resident memory of:

1. the whole-year evaluation the check used to run: the identities in one SQL query
   (sql/queries/tally_evaluate.sql) brought into pandas, validated, and written back, with
   DuckDB's default settings;
2. what the check runs now: the year's aggregates, the first 200 failing rows, the reasons
   for review (gx_pipeline.warehouse.tally_check), with the pipeline's memory_limit and
   threads (gx_pipeline.machine.duckdb_settings).

No assertion: the figures go to RELIABILITY.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from gx_pipeline.datadir import REPO_ROOT
from gx_pipeline.parsing import ParseError, parse_file
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile
from gx_pipeline.warehouse import YEAR_TABLES, replace_year


def build(database: Path, year: int, reports: int) -> int:
    """A warehouse whose `year` holds `reports` copies of the bundled reports of that year."""
    loaded = []
    for path in sorted((REPO_ROOT / "data" / "raw" / str(year)).iterdir()):
        try:
            report = parse_file(path)
        except ParseError:
            continue
        if report.cells:
            raw = RawFile(f"{year}/{path.name}", str(path), report.sha256 or "", 1, False)
            loaded.append(LoadedReport(raw, report, "bench"))
    conn = duckdb.connect(str(database))
    try:
        replace_year(conn, year, tables.year_frames(loaded, [], year))
        copies = -(-reports // len(loaded))
        for table in YEAR_TABLES:
            if table == "quarantine":
                continue
            # each copy a report of its own: a new report_id (and source, where there is one)
            columns = [
                c
                for (c,) in conn.execute(
                    "select column_name from duckdb_columns() where table_name = ? "
                    "order by column_index",
                    [table],
                ).fetchall()
            ]
            select = ", ".join(
                "left(md5(report_id || '-' || i), 16)"
                if c == "report_id"
                else "source || '#' || i"
                if c == "source"
                else f'"{c}"'
                for c in columns
            )
            conn.execute(f"create temp table base as select * from {table}")
            conn.execute(f"delete from {table}")
            conn.execute(f"insert into {table} select {select} from base, range(?) t(i)", [copies])
            conn.execute("drop table base")
        conn.execute("checkpoint")
        return conn.execute(
            "select count(*) from dim_report where report_year = ?", [year]
        ).fetchone()[0]
    finally:
        conn.close()


_OLD = """
import sys, duckdb
from gx_pipeline.staging import schemas
from gx_pipeline.warehouse import evaluate_tally, record_tally, year_rows
conn = duckdb.connect(sys.argv[1])
results = schemas.TallyResults.validate(evaluate_tally(conn, int(sys.argv[2])), lazy=True)
record_tally(conn, int(sys.argv[2]), results)
dim = year_rows(conn, "dim_report", int(sys.argv[2]))
import resource
print(len(results), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_NEW = """
import sys, duckdb
from gx_pipeline.machine import duckdb_settings
from gx_pipeline.warehouse import tally_check
conn = duckdb.connect(sys.argv[1], config=duckdb_settings())
year = int(sys.argv[2])
summary = tally_check.summarize(conn, year)
tally_check.failing_rows(conn, year); tally_check.failing_sources(conn, year)
tally_check.review_reasons(conn, year)
import resource
print(summary.evaluations, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(script: str, database: Path, year: int, folder: Path) -> dict:
    """Peak RSS (MiB), wall time and output of `script` in a fresh process."""
    path = folder / "step.py"
    path.write_text(script, encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(path), str(database), str(year)],
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - started
    rows, peak_kib = done.stdout.split()
    return {"peak_mib": round(int(peak_kib) / 1024), "seconds": round(took, 1), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_tally", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gx-bench-tally-") as tmp:
        folder = Path(tmp)
        database = folder / "warehouse.duckdb"
        started = time.perf_counter()
        reports = build(database, args.year, args.reports)
        print(
            f"built a year of {reports:,} reports in {time.perf_counter() - started:.0f} s "
            f"({database.stat().st_size / 2**20:,.0f} MiB)"
        )
        new = measure(_NEW, database, args.year, folder)
        print(
            f"the check now (aggregates):        peak {new['peak_mib']:,} MiB, "
            f"{new['seconds']} s, {int(new['rows']):,} evaluations counted"
        )
        old = measure(_OLD, database, args.year, folder)
        print(
            f"the whole-year SQL evaluation:     peak {old['peak_mib']:,} MiB, "
            f"{old['seconds']} s, {int(old['rows']):,} rows"
        )
        print(json.dumps({"reports": reports, "now": new, "before": old}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
