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


def _crafted(path, relations: dict[str, str]) -> None:
    """A database file someone else made: relation name -> its query, as table or view."""
    conn = duckdb.connect(str(path))
    for name, query in relations.items():
        kind = "view" if query.startswith("view:") else "table"
        conn.execute(
            f"create {kind} {export.quote_identifier(name)} as {query.removeprefix('view:')}"
        )
    conn.close()


def test_relation_names_reach_sql_only_as_quoted_identifiers(tmp_path, monkeypatch):
    """A table named so that pasting it between double quotes ends the statement and starts a
    COPY into the current folder is exported as a table of that name, and nothing else runs."""
    name = """q") to 'pwned.csv' (format csv); select 1; --"""
    database = tmp_path / "crafted.duckdb"
    _crafted(
        database,
        {"q": "select 42 as answer", name: "select 'no secret' as note, 2023 as report_year"},
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "out"

    written = export.export(database, "csv", out)

    assert list(elsewhere.iterdir()) == []
    assert written == {"q": 1, name: 1}
    got = duckdb.sql(
        "select note, report_year from read_csv(?, hive_partitioning = true)",
        params=[str(out / name / "*" / "*.csv")],
    ).fetchall()
    assert got == [("no secret", 2023)]


@pytest.mark.parametrize(
    "name", ["..", ".", "../escape", "../../escape", "sub/dir", "a\\b", "a\0b"]
)
def test_a_relation_name_that_is_not_a_folder_name_stops_the_export_before_any_write(
    tmp_path, capsys, name
):
    database = tmp_path / "crafted.duckdb"
    _crafted(database, {"fact_requests": "select 1 as report_year", name: "select 1 as x"})
    work = tmp_path / "work"
    (work / "out" / "sub").mkdir(parents=True)
    (work / "keep.txt").write_text("the folder around --out")
    (work / "out" / "earlier.txt").write_text("an earlier export's file")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    with pytest.raises(export.ExportError, match="would be written outside"):
        export.export(database, "parquet", work / "out")
    assert export.main_export(["--out", str(work / "out"), "--database", str(database)]) == 2

    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert f"gx export: {database}: relation {name!r}" in capsys.readouterr().err


def test_a_symbolic_link_in_out_is_not_followed_or_emptied(database, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "data.txt").write_text("not the export's")
    out = tmp_path / "out"
    out.mkdir()
    (out / "fact_requests").symlink_to(elsewhere, target_is_directory=True)

    with pytest.raises(export.ExportError, match="leads outside"):
        export.export(database, "parquet", out)
    assert [p.name for p in elsewhere.iterdir()] == ["data.txt"]


def test_a_view_that_reads_files_outside_the_export_is_refused_not_copied(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("credentials")
    database = tmp_path / "crafted.duckdb"
    _crafted(database, {"leak": f"view:select * from read_text('{secret}')"})
    out = tmp_path / "out"

    with pytest.raises(export.ExportError, match="'leak' reads files outside the export"):
        export.export(database, "csv", out)
    assert not any(
        "credentials" in p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()
    )
