"""Rows another process writes into the working file (`.work/warehouse.duckdb`, the pipeline's
own; an analyst who opened it instead of the published copy) are not loaded or published as if
a run had loaded them.

Before: the next run's connection replayed the session's WAL (or read its checkpointed rows),
the load checkpointed them into the working file and the publish copied them into the analysts'
file, with nothing said. Now the pipeline records the working file as each of its connections
leaves it; a file that changed since is moved aside (kept, with its WAL, as `.changed-<time>`)
and the working file is made again from the published copy, said in the step's log; when the
published copy is not the file as the pipeline left it, the run is refused, naming the file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gx_pipeline.warehouse.files import WarehouseFiles, WorkingFileChanged

#: an analyst's session on the working file: one row written, then the process ends as a
#: notebook's kernel killed does (`kill`: no checkpoint, the row stays in the WAL) or closes
_ANALYST = """
import duckdb, os, sys
conn = duckdb.connect(sys.argv[1])
conn.execute("insert into t values (99)")
if sys.argv[2] == "killed":
    os._exit(0)
conn.close()
"""


def _files(root: Path, said: list[str]) -> WarehouseFiles:
    return WarehouseFiles(
        root / ".work" / "warehouse.duckdb", root / "warehouse.duckdb", 30.0, said.append
    )


def _loaded(root: Path, said: list[str]) -> WarehouseFiles:
    files = _files(root, said)
    with files.connect() as conn:
        conn.execute("create table t as select range as x from range(3)")
    return files


def _analyst_writes(files: WarehouseFiles, ends: str) -> None:
    subprocess.run([sys.executable, "-c", _ANALYST, str(files.database), ends], check=True)


def _rows(path: Path) -> list[int]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return [x for (x,) in conn.execute("select x from t order by x").fetchall()]
    finally:
        conn.close()


@pytest.mark.parametrize("ends", ["killed", "closed"])
def test_rows_an_analyst_wrote_into_the_working_file_are_set_aside_not_published(
    tmp_path: Path, ends: str
) -> None:
    said: list[str] = []
    files = _loaded(tmp_path, said)
    _analyst_writes(files, ends)
    assert Path(f"{files.database}.wal").exists() == (ends == "killed")

    with files.connect() as conn:  # the next run's load
        conn.execute("insert into t values (3)")

    assert _rows(files.publish_to) == [0, 1, 2, 3]  # before: [0, 1, 2, 3, 99], nothing said
    assert _rows(files.database) == [0, 1, 2, 3]
    [kept] = tmp_path.joinpath(".work").glob("warehouse.duckdb.changed-*[0-9]")
    assert 99 in _rows(kept)  # the analyst's row is kept, not deleted
    [line] = [line for line in said if "written by another process" in line]
    assert str(files.database) in line and str(kept) in line
    assert ("WAL" in line) == (ends == "killed")
    assert "not loaded or published" in line


def test_a_publish_alone_does_not_copy_an_analysts_rows_either(tmp_path: Path) -> None:
    """`gx run` publishes a copy left behind before its first year, without a load."""
    said: list[str] = []
    files = _loaded(tmp_path, said)
    _analyst_writes(files, "closed")
    assert files.publish().replaced
    assert _rows(files.publish_to) == [0, 1, 2]
    assert any("written by another process" in line for line in said)


def test_when_the_published_copy_lags_the_run_is_refused_naming_the_file(tmp_path: Path) -> None:
    """A load not yet published: starting again from the published copy would lose it."""
    said: list[str] = []
    files = _loaded(tmp_path, said)
    with files.connect(publish=False) as conn:
        conn.execute("insert into t values (3)")
    _analyst_writes(files, "killed")
    with pytest.raises(WorkingFileChanged) as refused, files.connect() as conn:
        conn.execute("insert into t values (4)")
    message = str(refused.value)
    assert str(files.database) in message and "nothing was run" in message
    assert "closed.json" in message  # how to publish them knowingly
    assert _rows(files.publish_to) == [0, 1, 2]


def test_the_pipelines_own_wal_left_by_a_killed_load_is_replayed_as_before(tmp_path: Path) -> None:
    said: list[str] = []
    files = _loaded(tmp_path, said)
    killed = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from gx_pipeline.warehouse.files import WarehouseFiles\n"
        "files = WarehouseFiles(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "with files.connect() as conn:\n"
        "    conn.execute('insert into t values (3)')\n"
        "    os._exit(0)\n"
    )
    subprocess.run(
        [sys.executable, "-c", killed, str(files.database), str(files.publish_to)], check=True
    )
    assert Path(f"{files.database}.wal").exists()
    with files.connect() as conn:
        conn.execute("insert into t values (4)")
    assert _rows(files.publish_to) == [0, 1, 2, 3, 4]
    assert not list(tmp_path.joinpath(".work").glob("*.changed-*"))
    assert not any("another process" in line for line in said)


@pytest.mark.parametrize("read_only", [True, False])
def test_a_session_that_only_read_the_working_file_changes_nothing(
    tmp_path: Path, read_only: bool
) -> None:
    said: list[str] = []
    files = _loaded(tmp_path, said)
    conn = duckdb.connect(str(files.database), read_only=read_only)
    assert conn.execute("select count(*) from t").fetchone() == (3,)
    conn.close()
    with files.connect() as conn:
        conn.execute("insert into t values (3)")
    assert _rows(files.publish_to) == [0, 1, 2, 3]
    assert not list(tmp_path.joinpath(".work").glob("*.changed-*"))
    assert not any("another process" in line for line in said)


def test_a_working_file_made_again_from_the_published_copy_is_not_taken_for_one_written_outside(
    tmp_path: Path,
) -> None:
    """The working file deleted (or found damaged) is made again from the published copy: how
    the pipeline left the old file says nothing of the new one."""
    said: list[str] = []
    files = _loaded(tmp_path, said)
    with files.connect(publish=False) as conn:
        conn.execute("insert into t values (3)")
    files.database.unlink()
    with files.connect() as conn:
        conn.execute("insert into t values (4)")
    assert _rows(files.publish_to) == [0, 1, 2, 4]
    assert not any("another process" in line for line in said)


@pytest.mark.parametrize("how", ["the file deleted without its WAL", "a kill mid set-aside"])
def test_a_wal_left_without_its_working_file_is_not_replayed_into_the_copy_made_again(
    tmp_path: Path, how: str
) -> None:
    """The working file gone and its WAL left (`rm .work/warehouse.duckdb`, or the file moved
    aside as the refusal says but not its .wal; a kill between the two renames of a set-aside):
    the file made again from the published copy is opened with that WAL beside it.

    Before: DuckDB replayed the WAL into the new copy, and the analyst's row was published as
    loaded ([0, 1, 2, 3, 99]), nothing said. Now the WAL is kept aside, said, never replayed."""
    said: list[str] = []
    files = _loaded(tmp_path, said)
    _analyst_writes(files, "killed")
    wal = Path(f"{files.database}.wal")
    assert wal.exists()
    if how == "a kill mid set-aside":
        files.database.rename(files.database.with_name("warehouse.duckdb.changed-20261208T000000"))
    else:
        files.database.unlink()

    with files.connect() as conn:
        conn.execute("insert into t values (3)")

    assert _rows(files.publish_to) == [0, 1, 2, 3]
    assert _rows(files.database) == [0, 1, 2, 3]
    [kept] = tmp_path.joinpath(".work").glob("warehouse.duckdb.orphaned-*.wal")
    [line] = [line for line in said if "WAL" in line]
    assert str(wal) in line and str(kept) in line


@pytest.mark.parametrize("lag", ["its publish broke off", "the published copy deleted"])
def test_gx_run_refused_for_a_working_file_written_outside_says_so_in_one_line(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, lag: str
) -> None:
    """A real `gx run` whose working file an analyst wrote while the published copy is not the
    file as gx left it (a load whose publish broke off: published at the run's start; the
    copy deleted: refused in the year's step, then in the summary's read).

    Before: the run ended in a Python traceback of WorkingFileChanged (from the publish before
    the first year, or from the summary's connection after the step had failed). Now it says
    the refusal in one line, `gx run: ...`, and exits 1."""
    from gx_pipeline import cli
    from gx_pipeline_tests.conftest import SEED, put_page

    monkeypatch.setenv("GX_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    put_page(data_dir, 2021, "a.html", SEED)
    assert cli.main(["run", "--years", "2021", "--quiet"]) == 0
    published = data_dir / "warehouse.duckdb"
    files = WarehouseFiles(data_dir / ".work" / "warehouse.duckdb", published)
    if lag == "its publish broke off":
        with files.connect(publish=False) as conn:
            conn.execute("create table loaded (x integer)")
        files.mark_unpublished("the copy broke off")
    else:
        published.unlink()
    analyst = "import duckdb, os, sys; duckdb.connect(sys.argv[1]).execute('create table a (x int)'); os._exit(0)"
    subprocess.run([sys.executable, "-c", analyst, str(files.database)], check=True)
    capsys.readouterr()

    assert cli.main(["run", "--years", "2021", "--quiet"]) == 1
    err = capsys.readouterr().err
    [line] = [
        line for line in err.splitlines() if line.startswith("gx run: ") and "written by" in line
    ]
    assert str(files.database) in line and "nothing was run" in line, err
    assert "Traceback" not in err


def test_a_load_by_a_gx_before_the_record_is_not_taken_for_another_processs_write(
    tmp_path: Path,
) -> None:
    """A gx from before `.closed.json` (an older checkout or install run on the same data
    folder) loads and publishes, leaving the record of the file as the newer gx closed it
    before. Its load is the pipeline's: the working file is the one it published.

    Before: the next connection found other headers, took the load for an analyst's write and,
    the published copy being that load, not the recorded file, refused the run
    (WorkingFileChanged). Now a working file that is the one last published is the pipeline's."""
    said: list[str] = []
    files = _loaded(tmp_path, said)
    before = files._closed_record.read_bytes()
    with files.connect() as conn:  # the older gx's load, published; it keeps no record
        conn.execute("insert into t values (3)")
    files._closed_record.write_bytes(before)

    with files.connect() as conn:
        conn.execute("insert into t values (4)")

    assert _rows(files.publish_to) == [0, 1, 2, 3, 4]
    assert not list(tmp_path.joinpath(".work").glob("*.changed-*"))
    assert not any("another process" in line for line in said)
