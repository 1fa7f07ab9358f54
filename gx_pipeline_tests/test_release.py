"""gx release: a folder of Parquet files, datapackage.json, dictionary, quality report and
SHA256SUMS that frictionless validates and DuckDB reads with one glob per table and view."""

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from frictionless import validate

from gx_pipeline.report import Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, Quarantined, RawFile
from gx_pipeline.warehouse import (
    YEAR_TABLES,
    dictionary,
    evaluate_tally,
    record_tally,
    replace_year,
)
from gx_pipeline.warehouse.export import ExportError
from gx_pipeline.warehouse.release import SUMS, default_version, main_release, release
from gx_pipeline_tests.conftest import killed_at
from gx_pipeline_tests.test_views import BLANK_TOTALS, _full_report

VERSION = "2026.12.4"
#: 2023's report leaves a withheld row blank in every column: its shares cannot be known
UNKNOWN = _full_report(**{"withheld.third_party": (None, [None] * 6)})


def _report(sha: str, year: int, agency: str, cells: list, generated: bool) -> LoadedReport:
    raw = RawFile(f"{year}/{sha[:4]}.html", "", sha * 64, 10, generated)
    return LoadedReport(raw, Report(raw.source, agency, year, None, "2021", tuple(cells)), "test")


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    conn = duckdb.connect(str(path))
    years = {
        2022: (
            [_report("a", 2022, "宁强县自然资源局", BLANK_TOTALS, generated=False)],
            [Quarantined(RawFile("2022/junk.html", "", "f" * 64, 3, False), "parse", "no tables")],
        ),
        2023: ([_report("b", 2023, "某局", UNKNOWN, generated=True)], []),
    }
    for year, (loaded, quarantined) in years.items():
        replace_year(conn, year, tables.year_frames(loaded, quarantined, year), clear=YEAR_TABLES)
        record_tally(conn, year, evaluate_tally(conn, year))
    conn.close()
    return path


@pytest.fixture(scope="module")
def released(database, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / VERSION
    release(database, out, VERSION)
    return out


def _relations(database: Path) -> list[dictionary.Relation]:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        return dictionary.catalog(conn)
    finally:
        conn.close()


def test_the_release_holds_one_parquet_file_per_table_and_view_and_its_papers(database, released):
    names = [r.name for r in _relations(database)]
    files = sorted(p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file())
    assert files == sorted(
        [
            "README.md",
            SUMS,
            "data-dictionary.md",
            "datapackage.json",
            "quality.md",
            "quality.png",
            "quality_by_year.csv",
            *(f"{n}/{n}.parquet" for n in names),
        ]
    )
    # the checksums are those of the files
    sums = dict(
        reversed(line.split("  ", 1)) for line in (released / SUMS).read_text().splitlines()
    )
    assert set(sums) == set(files) - {SUMS}
    assert all(
        hashlib.sha256((released / f).read_bytes()).hexdigest() == h for f, h in sums.items()
    )


def test_frictionless_validates_the_package_row_by_row(released):
    report = validate(released / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:5]
    rows = {task.name: task.stats.get("rows") for task in report.tasks}
    assert rows["fact_requests"] == len(BLANK_TOTALS) + len(UNKNOWN)
    assert rows["dim_report"] == 2


def test_frictionless_finds_a_broken_key(released, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(released, broken)
    target = broken / "fact_requests" / "fact_requests.parquet"
    duckdb.sql(
        "copy (select * from read_parquet($p) union all (select * from read_parquet($p) "
        "limit 1)) to $t (format parquet)",
        params={"p": str(released / "fact_requests" / "fact_requests.parquet"), "t": str(target)},
    )
    report = validate(broken / "datapackage.json")
    assert not report.valid
    assert {error_type for (error_type,) in report.flatten(["type"])} == {"primary-key"}


def test_duckdb_reads_every_relation_with_one_glob_and_the_warehouses_types(database, released):
    conn = duckdb.connect(str(database), read_only=True)
    try:
        for relation in dictionary.catalog(conn):
            glob = str(released / relation.name / "*.parquet")
            got = conn.execute("describe select * from read_parquet(?)", [glob]).fetchall()
            assert [(c[0], c[1]) for c in got] == [(c.name, c.type) for c in relation.columns]
            in_files = conn.execute("select count(*) from read_parquet(?)", [glob]).fetchall()
            here = conn.execute(f'select count(*) from "{relation.name}"').fetchall()
            assert in_files == here
        # an empty view is an empty file with its schema, and report_year stays INTEGER
        assert conn.execute(
            "select count(*) from read_parquet(?)", [str(released / "carry_chain/*.parquet")]
        ).fetchall() == [(0,)]
        # a blank stays null in the files: the group with a blank row has no figure
        assert conn.execute(
            "select report_year, granted_share, withheld from read_parquet(?) order by 1",
            [str(released / "request_ratios/*.parquet")],
        ).fetchall() == [(2022, pytest.approx(19 / 32), 0.0), (2023, None, None)]
    finally:
        conn.close()


def test_datapackage_describes_every_column_with_its_comment_and_the_keys(database, released):
    package = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    for relation in _relations(database):
        resource = resources[relation.name]
        assert resource["path"] == f"{relation.name}/{relation.name}.parquet"
        fields = resource["schema"]["fields"]
        assert [(f["name"], f["description"], f["duckdbType"]) for f in fields] == [
            (c.name, c.comment, c.type) for c in relation.columns
        ]
    assert resources["dim_report"]["schema"]["primaryKey"] == ["report_id"]
    assert resources["fact_requests"]["schema"]["primaryKey"] == ["report_id", "row", "col"]
    assert resources["tally_results"]["schema"]["foreignKeys"] == [
        {"fields": ["report_id"], "reference": {"resource": "dim_report", "fields": ["report_id"]}}
    ]
    fields = {f["name"]: f for f in resources["dim_report"]["schema"]["fields"]}
    assert fields["report_year"]["type"] == "integer"
    assert fields["report_year"]["constraints"] == {"required": True}
    assert "constraints" not in fields["agency"]
    assert package["version"] == VERSION
    assert package["gx:reportYears"] == [2022, 2023]
    assert package["gx:parserVersions"] == ["test"]
    assert (package["gx:reports"], package["gx:generatedReports"]) == (2, 1)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert VERSION in package["citation"] and package["sources"]


def test_quality_report_per_year(released):
    with (released / "quality_by_year.csv").open(encoding="utf-8-sig") as f:
        rows = {int(r["report_year"]): r for r in csv.DictReader(f)}
    assert set(rows) == {2022, 2023}
    assert (rows[2022]["raw_files"], rows[2022]["loaded"], rows[2022]["quarantined"]) == (
        "2",
        "1",
        "1",
    )
    assert (rows[2022]["quarantined_parse"], rows[2023]["generated"]) == ("1", "1")
    text = (released / "quality.md").read_text(encoding="utf-8")
    assert "## 2022" in text and "## 2023" in text and "(by stage: parse 1)" in text
    assert "![" in text and (released / "quality.png").read_bytes().startswith(b"\x89PNG")
    assert "`generated`" in (released / "README.md").read_text(encoding="utf-8")


def test_a_release_goes_into_a_new_folder(database, released):
    with pytest.raises(ExportError, match="not empty"):
        release(database, released, VERSION)


def test_a_crafted_relation_name_stops_the_release_before_anything_is_written(tmp_path):
    crafted = tmp_path / "crafted.duckdb"
    conn = duckdb.connect(str(crafted))
    conn.execute('create table "../outside" (x integer)')
    conn.close()
    out = tmp_path / "out"
    with pytest.raises(ExportError, match="outside"):
        release(crafted, out, VERSION)
    assert not any(out.iterdir()) and not (tmp_path / "outside").exists()


def test_gx_release_on_the_command_line(database, tmp_path, capsys):
    out = tmp_path / "r"
    assert main_release(["--out", str(out), "--database", str(database)]) == 0
    printed = capsys.readouterr().out
    assert f"version {default_version()}" in printed and "dim_report/dim_report.parquet" in printed
    assert main_release(["--out", str(out), "--database", str(database)]) == 2
    # the frictionless command analysts run accepts it too
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("frictionless")),
            "validate",
            "--json",
            str(out / "datapackage.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(done.stdout)["valid"] is True, done.stdout[-2000:]


def test_the_readmes_listing_has_four_cells_a_row_whatever_the_comments_hold(released):
    # report_flags' comment lists its codes as a | b | c: inside a table cell they are escaped
    rows = [
        line
        for line in (released / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `") and ".parquet`" in line
    ]
    assert any("report_flags" in r for r in rows)
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) == 6, row  # 4 cells between 5 bars


def test_a_release_killed_part_way_leaves_no_release_that_looks_whole(database, tmp_path):
    """Killed (kill -9) after its tables and datapackage.json are written, before SHA256SUMS:
    the folder must not hold a release a reader would take for complete."""
    out = tmp_path / "r"
    module = "gx_pipeline.warehouse.release"
    assert killed_at(module, "_write_quality", "release", database, out, "1.0.0") == 9
    assert not out.exists() or list(out.iterdir()) == []

    # the next release into the folder is written whole, and the killed one's sibling is gone
    release(database, out, VERSION)
    assert (out / SUMS).is_file() and (out / "datapackage.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_a_release_that_fails_part_way_leaves_its_folder_empty(database, tmp_path, monkeypatch):
    import gx_pipeline.warehouse.release as module

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "_write_quality", full)
    out = tmp_path / "r"
    with pytest.raises(OSError, match="No space left"):
        release(database, out, VERSION)
    assert list(out.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_a_release_into_a_file_is_refused_in_one_line(database, tmp_path, capsys):
    taken = tmp_path / "r"
    taken.write_text("a file of the name")
    assert main_release(["--out", str(taken), "--database", str(database)]) == 2
    assert f"gx release: {taken} cannot be a new folder" in capsys.readouterr().err
    assert taken.read_text() == "a file of the name"


@pytest.fixture
def held_by_a_writer(tmp_path):
    """A warehouse file another process holds open read-write (a run loading a year)."""
    path = tmp_path / "held.duckdb"
    duckdb.connect(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                "sys.stdin.read()"
            ),
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "open\n"
    yield path, holder.pid
    holder.stdin.close()
    holder.wait(10)


def _unopenable(kind: str, tmp_path: Path, held) -> tuple[Path, str]:
    if kind == "not_duckdb":
        path = tmp_path / "warehouse.duckdb"
        path.write_text("version https://git-lfs.github.com/spec/v1\n")  # a Git LFS pointer
        return path, f"{path} cannot be opened: not a DuckDB database file, or a damaged one"
    if kind == "missing":
        path = tmp_path / "nowhere.duckdb"
        return path, f"{path} cannot be opened: no such file"
    path, pid = held
    return path, f"{path} cannot be opened: a writer holds it (process {pid})"


@pytest.mark.parametrize("kind", ["not_duckdb", "missing", "held"])
def test_a_warehouse_file_that_cannot_be_opened_is_said_in_one_line(
    kind, tmp_path, capsys, request, monkeypatch
):
    """gx release of a file DuckDB cannot open ended in DuckDB's traceback; gx status said a
    damaged file was "busy (a run is writing?)"."""
    from gx_pipeline import cli
    from gx_pipeline.warehouse.export import main_export

    held = request.getfixturevalue("held_by_a_writer") if kind == "held" else None
    path, said = _unopenable(kind, tmp_path, held)
    assert main_release(["--out", str(tmp_path / "rel"), "--database", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gx release: {said}") and err.count("\n") == 1, err
    assert "nothing was released" in err
    assert main_export(["--out", str(tmp_path / "exp"), "--database", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gx export: {said}") and "Traceback" not in err, err
    if kind == "missing":
        return  # gx status: a data folder without a warehouse is one never loaded
    data = tmp_path / "data"
    data.mkdir()
    if kind == "held":
        (data / "warehouse.duckdb").symlink_to(path)
    else:
        shutil.copy(path, data / "warehouse.duckdb")
    monkeypatch.setenv("GX_DATA_DIR", str(data))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert cli.main(["status", "--years", "2020"]) == 1
    err = capsys.readouterr().err
    status_said = said.replace(str(path), str(data / "warehouse.duckdb"))
    assert err.startswith(f"gx status: {status_said}")
    assert err.count("\n") == 1 and "busy" not in err, err


def test_a_duckdb_file_that_is_no_warehouse_is_not_released(tmp_path, capsys):
    other = tmp_path / "other.duckdb"
    conn = duckdb.connect(str(other))
    conn.execute("create table t as select 1 as a")
    conn.close()
    assert main_release(["--out", str(tmp_path / "rel"), "--database", str(other)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"gx release: {other} is a DuckDB file but not a gx-pipeline warehouse (no table "
        "dim_report, quarantine, tally_results); nothing was released\n"
    )


@pytest.mark.parametrize("kind", ["folder", "link_to_nowhere"])
def test_gx_status_of_a_warehouse_path_that_is_no_file_says_so(kind, tmp_path, capsys, monkeypatch):
    """A folder, or a symbolic link to a file that is not there (a volume not mounted), where the
    warehouse file belongs: gx status listed the years as loaded with 0 reports beside their
    successful last runs, exit 0, and said nothing about the warehouse."""
    from gx_pipeline import cli

    data = tmp_path / "data"
    (data / "raw" / "2020").mkdir(parents=True)
    path = data / "warehouse.duckdb"
    if kind == "folder":
        path.mkdir()
        said = f"{path} cannot be opened: a folder, not a warehouse file"
    else:
        path.symlink_to(tmp_path / "volume" / "warehouse.duckdb")
        said = (
            f"{path} cannot be opened: a link to {tmp_path / 'volume' / 'warehouse.duckdb'}, "
            "which is not there (a volume not mounted?)"
        )
        assert main_release(["--out", str(tmp_path / "rel"), "--database", str(path)]) == 2
        assert capsys.readouterr().err.startswith(f"gx release: {said}")
    monkeypatch.setenv("GX_DATA_DIR", str(data))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert cli.main(["status", "--years", "2020"]) == 1
    out, err = capsys.readouterr()
    assert err == f"gx status: {said}\n", err
    assert out == ""


def test_a_text_that_is_empty_on_purpose_is_valid_where_a_value_is_required(tmp_path):
    # report_flags.subject is '' for a flag on the whole report (publication_unknown, late …)
    # and narrative_figures.note '' when there is nothing to note: both NOT NULL. With '' among
    # the missing values frictionless read them as missing, and the bundled data's release was
    # INVALID for report_flags and narrative_figures
    from gx_pipeline_tests.test_views import _load, _loaded, _requests

    path = tmp_path / "warehouse.duckdb"
    conn = duckdb.connect(str(path))
    _load(conn, 2022, [_loaded("a" * 64, 2022, "宁强县自然资源局", _requests(new_received=3))])
    assert conn.execute("select flag, subject from report_flags").fetchall() == [
        ("publication_unknown", "")
    ]
    conn.close()
    out = tmp_path / "release"
    release(path, out, VERSION)
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:3]


def test_parser_versions_are_listed_in_version_order_not_as_text(database, tmp_path):
    # as text "2.2.10" < "2.2.9": the release and `gx status` listed the newest parser first
    from gx_pipeline.defs.runner import year_status

    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(database, copy)
    conn = duckdb.connect(str(copy))
    conn.execute("update dim_report set parser_version = '2.2.10' where report_year = 2022")
    conn.execute("update dim_report set parser_version = '2.2.9' where report_year = 2023")
    conn.execute(
        "insert into dim_report select * replace ('x' || report_id as report_id, "
        "'2.2.9' as parser_version) from dim_report where report_year = 2022"
    )
    conn.close()
    release(copy, tmp_path / "out", VERSION)
    facts = json.loads((tmp_path / "out" / "datapackage.json").read_text("utf-8"))
    assert facts["gx:parserVersions"] == ["2.2.9", "2.2.10"]
    (status,) = year_status(copy, ["2022"])
    assert status.parser_versions == "2.2.9, 2.2.10"


def test_a_text_that_reads_nan_is_a_value_and_a_null_is_missing(tmp_path):
    # a cell a page printed as "nan" or "NaT" (a table exported through pandas) is the text
    # it printed: with the package's missing values ("nan", "NaT", for how a missing number
    # or time reaches frictionless) on every field, it read as missing; a NULL still does
    from frictionless import Package

    from gx_pipeline.report import Cell
    from gx_pipeline_tests.test_views import _load, _loaded

    cells = [
        Cell("requests", "new_received", "total", 3, "3", 1, 1, 8),
        Cell("requests", "carried_over", "total", None, "nan", 1, 2, 8),
        Cell("requests", "settled", "total", None, "NaT", 1, 3, 8),
        Cell("requests", "pending", "total", None, None, 1, 4, 8),
    ]
    path = tmp_path / "warehouse.duckdb"
    conn = duckdb.connect(str(path))
    _load(conn, 2022, [_loaded("a" * 64, 2022, "宁强县自然资源局", cells)])
    conn.close()
    out = tmp_path / "release"
    release(path, out, VERSION)
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:3]
    facts = Package(str(out / "datapackage.json")).get_resource("fact_requests")
    read = {r["row"]: (r["value"], r["raw"]) for r in facts.read_rows()}
    assert read == {
        "new_received": (3, "3"),
        "carried_over": (None, "nan"),
        "settled": (None, "NaT"),
        "pending": (None, None),
    }


def test_reports_loaded_before_absent_cells_were_counted_are_said_in_the_quality_report(
    tmp_path,
):
    # a warehouse of older code upgraded in place: tally_passed_absent added as null, the year
    # not loaded again. report_quality calls those reports 'not checked', and quality.md said
    # "N not checked" for reports the tally did check, with nothing saying why or what to do
    from gx_pipeline.parsing import parse_file
    from gx_pipeline_tests.conftest import SEED

    path = tmp_path / "warehouse.duckdb"
    conn = duckdb.connect(str(path))
    seed = parse_file(SEED)
    for year in (2020, 2021):
        raw = RawFile(f"{year}/seed.txt", "", f"{year}" * 16, 10, False)
        frames = tables.year_frames([LoadedReport(raw, seed, "test")], [], year)
        replace_year(conn, year, frames, clear=YEAR_TABLES)
    conn.execute("update dim_report set tally_passed_absent = null where report_year = 2020")
    conn.execute("update tally_results set absent_cells = null where report_year = 2020")
    verdicts = conn.execute("select verdict from report_quality order by report_year").fetchall()
    conn.close()
    # the seed's truncated appeals row: a pass over absent cells, checked all the same
    assert verdicts == [("not checked",), ("holds only with absent cells as 0",)]
    release(path, tmp_path / "out", VERSION)
    text = (tmp_path / "out" / "quality.md").read_text(encoding="utf-8")
    year_2020, year_2021 = text.split("## 2020")[1].split("## 2021")
    assert (
        "1 not checked (loaded by older code, before the tally counted cells absent from the "
        "page: load the year again)"
    ) in year_2020, year_2020
    assert "0 not checked\n" in year_2021, year_2021
