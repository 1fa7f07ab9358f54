"""Exports by report year, read back with one glob."""

import duckdb
import pytest

from gx_pipeline import warehouse
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile
from gx_pipeline.warehouse import export


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "w.duckdb"
    conn = duckdb.connect(str(path))
    for year, sha in ((2022, "a" * 64), (2023, "b" * 64)):
        raw = RawFile(f"{year}/x.html", "", sha, 10, False)
        cells = (Cell("requests", "new_received", "total", year - 2020, "2", 1, 2, 8),)
        report = Report(raw.source, "宁强县教育局", year, None, "2021", cells)
        frames = tables.year_frames([LoadedReport(raw, report, "test")], [], year)
        warehouse.replace_year(conn, year, frames, clear=warehouse.YEAR_TABLES)
    conn.close()
    return path


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_each_relation_is_written_by_report_year_and_read_back_with_one_glob(
    database, tmp_path, fmt
):
    out = tmp_path / "out"
    written = export.export(database, fmt, out)
    assert {"dim_report", "fact_requests", "requests_wide", "carry_chain"} <= set(written)
    assert (out / "fact_requests" / "report_year=2023").is_dir()
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    got = duckdb.sql(
        f"select report_year, value from {reader}(?, hive_partitioning = true) order by 1",
        params=[str(out / "fact_requests" / "*" / f"*.{fmt}")],
    ).fetchall()
    assert got == [(2022, 2.0), (2023, 3.0)]
    assert written["contract_cells"] == len(warehouse.contract_cells_frame())
    assert (out / "contract_cells" / f"contract_cells.{fmt}").is_file()


def test_export_twice_replaces_the_folder(database, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        export.main_export(["--format", "parquet", "--out", str(out), "--database", str(database)])
        == 0
    )
    assert (
        export.main_export(["--format", "parquet", "--out", str(out), "--database", str(database)])
        == 0
    )
    assert duckdb.sql(
        "select count(*) from read_parquet(?)", params=[str(out / "dim_report/*/*.parquet")]
    ).fetchall() == [(2,)]
    assert "fact_requests\t2" in capsys.readouterr().out
