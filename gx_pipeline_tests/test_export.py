"""Exports by report year, read back with one glob."""

import os
from pathlib import Path

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
    written = export.export(database, fmt, out).rows
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

    written = export.export(database, "csv", out).rows

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

    with pytest.raises(export.ExportError, match=r"holds files gx export did not write \(fact_"):
        export.export(database, "parquet", out)
    assert [p.name for p in elsewhere.iterdir()] == ["data.txt"]
    assert (out / "fact_requests").is_symlink()


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


def _files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_relation_gone_from_the_warehouse_is_gone_from_the_next_export(tmp_path, capsys):
    """A table dropped (or renamed) since the last export: its folder stayed beside the new
    ones, and an analyst reading the folder read last month's rows as current."""
    database = tmp_path / "w.duckdb"
    _crafted(
        database,
        {
            "kept": "select 1 as x, 2023 as report_year",
            "dropped": "select 2 as x, 2023 as report_year",
        },
    )
    out = tmp_path / "out"
    assert export.main_export(["--out", str(out), "--database", str(database)]) == 0
    assert (out / "dropped").is_dir()
    with duckdb.connect(str(database)) as conn:
        conn.execute("drop table dropped")
    capsys.readouterr()

    assert export.main_export(["--out", str(out), "--database", str(database)]) == 0

    assert sorted(p.name for p in out.iterdir()) == ["export.json", "kept"]
    said = capsys.readouterr()
    assert "kept\t1" in said.out
    assert "removed from the earlier export, no longer in the warehouse: dropped" in said.err
    assert f"gx export: 1 table or view (1 row) as parquet in {out}" in said.err


def test_an_export_that_fails_part_way_leaves_the_earlier_export_as_it_was(tmp_path, capsys):
    """The second export writes `fact` anew, then fails on a later view: the folder held the
    new `fact` beside the earlier export's other relations, a mix that looked complete."""
    secret = tmp_path / "secret.txt"
    secret.write_text("credentials")
    first, second = tmp_path / "first.duckdb", tmp_path / "second.duckdb"
    _crafted(first, {"fact": "select 1 as x, 2022 as report_year", "wide": "view:select 1 as x"})
    _crafted(
        second,
        {
            "fact": "select 1 as x, unnest([2022, 2023]) as report_year",
            "wide": f"view:select * from read_text('{secret}')",
        },
    )
    out = tmp_path / "out"
    export.export(first, "parquet", out)
    before = _files(out)
    beside = sorted(p.name for p in tmp_path.iterdir())

    assert export.main_export(["--out", str(out), "--database", str(second)]) == 2

    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside  # no half-written folder left
    err = capsys.readouterr().err
    assert "'wide' reads files outside the export" in err
    assert f"{out} is as it was" in err


def test_a_folder_holding_files_gx_export_did_not_write_is_not_replaced(database, tmp_path):
    out = tmp_path / "home"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "thesis.tex").write_text("two years of work")
    (out / "todo.txt").write_text("finish")
    before = _files(out)

    with pytest.raises(export.ExportError, match="holds files gx export did not write"):
        export.export(database, "parquet", out)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "w.duckdb"]


def test_an_export_written_before_the_manifest_existed_is_replaced(database, tmp_path):
    """The layout earlier versions wrote, without export.json: recognised by its shape."""
    out = tmp_path / "out"
    (out / "fact_requests" / "report_year=2019").mkdir(parents=True)
    (out / "fact_requests" / "report_year=2019" / "data_0.parquet").write_bytes(b"old")
    (out / "contract_cells").mkdir()
    (out / "contract_cells" / "contract_cells.parquet").write_bytes(b"old")
    (out / "gone_view").mkdir()  # an empty view wrote no file

    written = export.export(database, "parquet", out)

    assert not (out / "fact_requests" / "report_year=2019").exists()
    assert not (out / "gone_view").exists()
    assert written.removed == ["gone_view"]


def test_the_manifest_says_what_the_export_holds(database, tmp_path):
    import json

    out = tmp_path / "out"
    written = export.export(database, "csv", out)
    manifest = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "csv"
    assert manifest["database"] == str(database.resolve())
    assert manifest["rows"] == written.rows
    assert manifest["rows"]["fact_requests"] == 2


def test_the_folder_of_an_export_killed_part_way_is_removed_by_the_next(database, tmp_path):
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()  # a process that has ended, as a killed export's has
    left = tmp_path / f".out.export-{dead.pid}-abc123"
    (left / "fact_requests").mkdir(parents=True)

    export.export(database, "parquet", tmp_path / "out")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "w.duckdb"]


def test_a_database_that_cannot_be_opened_is_said_in_one_line(tmp_path, capsys):
    missing = tmp_path / "no-such.duckdb"
    assert export.main_export(["--out", str(tmp_path / "out"), "--database", str(missing)]) == 2
    assert f"gx export: {missing} cannot be opened: " in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_out_that_is_a_mount_point_is_refused_before_anything_is_written(
    database, tmp_path, monkeypatch, capsys
):
    """`--out /mnt/usb`, a container's volume (-v ./export:/export): the export was written
    whole beside it, on the parent's filesystem, then the swap's rename failed (EBUSY: a mount
    point cannot be renamed) with a traceback, every time. Refused first, naming a way out."""
    import os.path

    out = tmp_path / "usb"
    out.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == out or real(p))

    assert export.main_export(["--out", str(out), "--database", str(database)]) == 2

    err = capsys.readouterr().err
    assert f"{out} is a mount point" in err
    assert f"{out / 'gx-export'}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usb", "w.duckdb"]
    assert list(out.iterdir()) == []


def test_an_out_the_swap_cannot_rename_is_left_as_it_was(database, tmp_path, monkeypatch, capsys):
    """A bind mount of a folder of the same filesystem is no mount point by its device, and
    its rename fails too (EBUSY): one line and the folder as it was, not a traceback."""
    import errno

    out = tmp_path / "out"
    export.export(database, "parquet", out)
    before = _files(out)
    rename = Path.rename

    def busy(self, target):
        if self == out:
            raise OSError(errno.EBUSY, "Device or resource busy", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", busy)

    assert export.main_export(["--out", str(out), "--database", str(database)]) == 2

    err = capsys.readouterr().err
    assert "Device or resource busy" in err
    assert f"{out} is as it was" in err
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "w.duckdb"]


@pytest.mark.parametrize(("where", "given"), [("out", "."), ("out/fact_requests", "../../out")])
def test_an_out_holding_the_current_directory_is_refused(
    database, tmp_path, monkeypatch, capsys, where, given
):
    """`mkdir exp && cd exp && gx export --out .`: the swap moved the current directory away
    and removed it, so the shell stood in a removed folder, `ls` showing nothing where the
    export was said to be. Refused first, saying from where to run it."""
    out = tmp_path / "out"
    export.export(database, "parquet", out)
    before = _files(out)
    monkeypatch.chdir(tmp_path / where)

    assert export.main_export(["--out", given, "--database", str(database)]) == 2

    err = capsys.readouterr().err
    assert "the current directory" in err
    assert _files(out) == before
    assert (tmp_path / where).samefile(".")


def test_an_export_killed_between_the_swaps_two_renames_gets_its_earlier_export_back(
    database, tmp_path
):
    """Killed (kill -9, the terminal's SIGHUP) after OUT was moved aside and before the new
    export took its name: OUT is gone, the earlier export in `.OUT.replaced-…`. The next export
    removed it as a killed export's leftover, and failing too, left no export at all. It is put
    back as OUT first."""
    import subprocess

    out = tmp_path / "out"
    export.export(database, "parquet", out)
    before = _files(out)
    dead = subprocess.Popen(["true"])
    dead.wait()
    out.rename(tmp_path / f".out.replaced-{dead.pid}-abc123")
    broken = tmp_path / "broken.duckdb"
    _crafted(broken, {"fact": "view:select * from read_text('/etc/hostname')"})

    with pytest.raises(export.ExportError, match="reads files outside the export"):
        export.export(broken, "parquet", out)

    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.duckdb", "out", "w.duckdb"]


def test_the_folders_permissions_and_group_are_kept_by_the_swap(database, tmp_path):
    """A team's export folder: group-writable, setgid so that what is written in it is the
    team's. The swapped-in folder is a new one: it must carry the mode and group over, and its
    folders the group (setgid passes it down)."""
    import os
    import stat

    out = tmp_path / "shared"
    out.mkdir()
    team = os.getgid() + 4321  # any group id: the tests run as root, or as its member
    try:
        os.chown(out, -1, team)
    except PermissionError:
        pytest.skip("cannot give a folder another group here")
    os.chmod(out, 0o2770)

    export.export(database, "parquet", out)

    info = out.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o2770, team)
    folders = [p for p in out.rglob("*") if p.is_dir()]
    assert folders and {p.stat().st_gid for p in folders} == {team}


def test_a_second_export_into_the_same_folder_at_once_is_refused_in_one_line(
    database, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "out"
    export.export(database, "parquet", out)
    write = export._write
    second: list[int] = []

    def write_while_another_starts(*args):
        if not second:  # the other export starts while this one writes its first relation
            second.append(export.main_export(["--out", str(out), "--database", str(database)]))
        return write(*args)

    monkeypatch.setattr(export, "_write", write_while_another_starts)
    export.export(database, "csv", out)

    assert second == [2]
    err = capsys.readouterr().err
    assert f"gx export: another export into {out} is running (process {os.getpid()})" in err
    assert "Traceback" not in err
    # the first finished whole; nothing of the second is left beside it
    assert (out / "fact_requests" / "report_year=2023").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "w.duckdb"]


def test_an_out_under_a_parent_that_cannot_be_written_is_refused_naming_a_way_out(
    database, tmp_path, monkeypatch, capsys
):
    """A writable OUT in a read-only parent (a share where only the export folder is the
    user's): the export is written beside OUT, which the parent refuses."""
    import errno

    out = tmp_path / "out"
    out.mkdir()
    real = os.open

    def read_only_parent(path, flags, *args, **kwargs):
        if Path(os.fsdecode(path)).parent == tmp_path and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_parent)
    real_mkdir = Path.mkdir

    def no_mkdir(self, *args, **kwargs):
        if self.parent == tmp_path and self.name.startswith(".out."):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", no_mkdir)

    assert export.main_export(["--out", str(out), "--database", str(database)]) == 2

    err = capsys.readouterr().err
    assert f"{tmp_path} cannot be written" in err
    assert f"{out / 'gx-export'}" in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("length", [200, 240, 255])
def test_an_out_with_a_long_name_is_exported_into(database, tmp_path, length):
    """The folders beside OUT are named after it: a name near 255 bytes (80 Chinese
    characters) made theirs too long, and the export failed saying the parent could not be
    written."""
    name = ("年" * 85)[: length // 3] + "x" * (length % 3)
    assert len(name.encode()) == length
    out = tmp_path / name
    export.export(database, "parquet", out)
    export.export(database, "parquet", out)
    assert (out / "fact_requests" / "report_year=2023").is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [name]


def test_the_lock_file_a_killed_export_left_blocks_nothing_and_is_said(database, tmp_path, capsys):
    """An export killed with SIGKILL leaves `.out.lock` beside OUT (nothing of it runs to remove
    it). The lock itself is the process's (flock) and ended with it: the next export and
    release go ahead, and say what the file was instead of leaving it unexplained."""
    import signal
    import subprocess
    import sys

    from gx_pipeline.warehouse.release import main_release

    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; "
                "from gx_pipeline.warehouse.swap import claimed; "
                "out = Path(sys.argv[1]); "
                "c = claimed(out, 'export', out / 'gx-export'); c.__enter__(); "
                "print('held', flush=True); time.sleep(60)"
            ),
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "held\n"
    lock = tmp_path / ".out.lock"
    # while it lives, it holds OUT
    assert export.main_export(["--out", str(out), "--database", str(database)]) == 2
    assert f"another export into {out} is running (process {holder.pid})" in capsys.readouterr().err
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    assert lock.read_text() == f"{holder.pid} export\n"  # left behind

    assert export.main_export(["--out", str(out), "--database", str(database)]) == 0
    err = capsys.readouterr().err
    said = (
        f"gx export: {lock} was left by an export that did not finish (process {holder.pid}, "
        "killed?): it held no lock (the lock ended with its process), so it blocked nothing"
    )
    assert said in err, err
    assert not lock.exists()
    # a release finds the same, once its own lock file is left the same way
    lock_release = tmp_path / ".rel.lock"
    lock_release.write_text(f"{holder.pid} release\n")
    assert main_release(["--out", str(tmp_path / "rel"), "--database", str(database)]) == 0
    assert f"was left by a release that did not finish (process {holder.pid}" in (
        capsys.readouterr().err
    )
    assert not lock_release.exists()


def test_every_csv_the_project_writes_starts_with_a_utf8_byte_order_mark(database, tmp_path):
    # Excel opens a UTF-8 CSV without the mark as the system's code page: 宁强县教育局 as
    # mojibake. `gx review --export` wrote the mark, `gx export --format csv` did not
    import codecs

    from gx_pipeline.fetch.manifest import ManifestRow, read_manifest, write_manifest

    out = tmp_path / "out"
    export.export(database, "csv", out)
    files = sorted(out.rglob("*.csv"))
    assert files and all(f.read_bytes().startswith(codecs.BOM_UTF8) for f in files)
    # read back by duckdb (and pandas) with the mark: the first column keeps its name
    got = duckdb.sql(
        "select agency, report_year from read_csv(?, hive_partitioning = true) order by 2",
        params=[str(out / "dim_report" / "*" / "*.csv")],
    ).fetchall()
    assert got == [("宁强县教育局", 2022), ("宁强县教育局", 2023)]
    import pandas as pd

    first = pd.read_csv(next(iter(sorted((out / "dim_report").rglob("*.csv")))))
    assert first.columns[0] == "report_id"
    manifest = tmp_path / "found-manifest.csv"
    write_manifest([ManifestRow("https://example.gov.cn/a.html", "宁强县教育局", 2022)], manifest)
    assert manifest.read_bytes().startswith(codecs.BOM_UTF8)
    assert read_manifest(manifest)[0].agency == "宁强县教育局"


def _cells_of_three_kinds(year: int) -> tuple[Cell, ...]:
    """A figure, a blank cell on the page (raw ''), a dash (raw '—') and a cell the page does
    not have (a cut-off row: raw and its place null): the blank and the absent cell are both
    value null, and only raw (with source_td) tells them apart."""
    return (
        Cell("requests", "new_received", "total", year - 2020, str(year - 2020), 1, 2, 8),
        Cell("requests", "granted", "total", None, "", 1, 4, 8),
        Cell("requests", "granted", "natural_person", None, "—", 1, 4, 2),
        Cell("requests", "carried_forward", "total", None, None, None, None, None),
    )


def _plain(year: int) -> tuple[Cell, ...]:
    return (Cell("requests", "new_received", "total", year - 2020, str(year - 2020), 1, 2, 8),)


@pytest.mark.parametrize(
    "years",
    [
        # the year whose file has no empty text is read first: DuckDB sniffs the glob's first
        # file, finds no quote in it and read the blank of 2023 as the two characters ""
        {2022: _plain, 2023: _cells_of_three_kinds},
        {2022: _cells_of_three_kinds, 2023: _plain},
        {2022: _cells_of_three_kinds, 2023: _cells_of_three_kinds},
    ],
)
def test_a_blank_cell_and_a_cell_the_page_lacks_read_back_from_the_csv_as_in_the_warehouse(
    tmp_path, years
):
    path = tmp_path / "w.duckdb"
    conn = duckdb.connect(str(path))
    for year, cells in years.items():
        raw = RawFile(f"{year}/x.html", "", f"{year}".ljust(64, "c"), 10, False)
        report = Report(raw.source, "宁强县教育局", year, None, "2021", cells(year))
        frames = tables.year_frames([LoadedReport(raw, report, "test")], [], year)
        warehouse.replace_year(conn, year, frames, clear=warehouse.YEAR_TABLES)
    order = "order by report_year, row, col"
    want = conn.execute(f"select report_year, row, col, value, raw from fact_requests {order}")
    want = want.fetchall()
    conn.close()
    out = tmp_path / "out"
    export.export(path, "csv", out)
    glob = str(out / "fact_requests" / "*" / "*.csv")
    # as README says: one glob, blank text kept apart from null by allow_quoted_nulls
    got = duckdb.sql(
        "select report_year, row, col, value, raw from read_csv(?, hive_partitioning = true, "
        f"allow_quoted_nulls = false) {order}",
        params=[glob],
    ).fetchall()
    assert got == want
    # with the reader's defaults no cell's text is read as anything the page did not hold
    texts = duckdb.sql(
        "select distinct raw from read_csv(?, hive_partitioning = true)", params=[glob]
    ).fetchall()
    assert {t for (t,) in texts} <= {None, "", "—", "2", "3"}
