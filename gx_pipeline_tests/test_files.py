"""The working file and the analysts' copy under what operations do to them: kills half-way
through a copy, files cut short, analysts' read-write sessions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pytest

from gx_pipeline.warehouse.files import WarehouseFiles


def _files(root: Path, lock_timeout_s: float = 60.0) -> WarehouseFiles:
    return WarehouseFiles(
        root / ".work" / "warehouse.duckdb", root / "warehouse.duckdb", lock_timeout_s
    )


def _write(files: WarehouseFiles, rows: int) -> None:
    with files.connect() as conn:
        conn.execute("create or replace table t as select range as x from range(?)", [rows])


def _count(path: Path, table: str = "t") -> int:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["cut in half", "emptied"])
def test_a_damaged_working_file_is_rebuilt_from_the_published_copy_without_waiting(
    tmp_path, damage
):
    files = _files(tmp_path)
    _write(files, 100_000)
    data = files.database.read_bytes()
    files.database.write_bytes(data[: len(data) // 2] if damage == "cut in half" else b"")

    started = time.monotonic()
    with files.connect(publish=False) as conn:
        assert conn.execute("select count(*) from t").fetchone() == (100_000,)
    # "not a valid DuckDB file" is not a lock: no waiting for the 60 s lock timeout
    assert time.monotonic() - started < 20


def test_a_copy_that_dies_half_way_never_leaves_a_working_file(tmp_path, monkeypatch):
    files = _files(tmp_path)
    _write(files, 1000)
    files.database.unlink()  # the next connection seeds it from the published copy

    import gx_pipeline.warehouse.files as module

    def dies_half_way(source: Path, target: Path) -> None:
        Path(target).write_bytes(Path(source).read_bytes()[:5000])
        raise KeyboardInterrupt  # as a kill would stop it

    monkeypatch.setattr(module.shutil, "copyfile", dies_half_way)
    with pytest.raises(KeyboardInterrupt), files.connect():
        pass
    assert not files.database.exists()
    assert list(files.database.parent.glob("*.tmp")) == []  # its temporary copy is gone too
    monkeypatch.undo()
    with files.connect(publish=False) as conn:
        assert conn.execute("select count(*) from t").fetchone() == (1000,)


def test_temporary_copies_of_dead_processes_are_removed(tmp_path):
    files = _files(tmp_path)
    _write(files, 10)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    gone = int(dead.stdout)
    leftovers = [
        tmp_path / f".warehouse.duckdb.{gone}.0a1b2c3d.tmp",  # a publish killed half-way
        tmp_path / ".warehouse.duckdb.k2j3h9x1.tmp",  # an older naming, without a pid
        files.database.parent / f".warehouse.duckdb.{gone}.0a1b2c3d.seed.tmp",  # a seed
    ]
    for path in leftovers:
        path.write_bytes(b"x" * 1000)
    mine = tmp_path / f".warehouse.duckdb.{os.getpid()}.ffffffff.tmp"
    mine.write_bytes(b"in use")

    _write(files, 20)

    assert [p for p in leftovers if p.exists()] == []
    assert mine.exists()  # a live process's copy is its own business
    assert _count(files.publish_to) == 20


def test_the_pipelines_connections_take_memory_and_threads_from_the_machine(tmp_path):
    from gx_pipeline.machine import MAX_DUCKDB_MEMORY_MIB, available_cores, available_memory

    files = _files(tmp_path)
    with files.connect(publish=False) as conn:
        (limit,) = conn.execute("select current_setting('memory_limit')").fetchone()
        (threads,) = conn.execute("select current_setting('threads')").fetchone()
        (ordered,) = conn.execute("select current_setting('preserve_insertion_order')").fetchone()
    assert threads == available_cores()
    # half the machine's memory (DuckDB's default would be 80%), at most the cap that keeps a
    # national year's load bounded, as DuckDB prints it
    expected_mib = min(available_memory() // 2 / 2**20, MAX_DUCKDB_MEMORY_MIB)
    number, unit = limit.split()
    assert abs(float(number) * {"MiB": 1, "GiB": 1024}[unit] - expected_mib) < 64
    assert ordered is False


# --- analysts' sessions on the published copy ---------------------------------------------------

#: an analyst's read-write session, driven line by line over stdin
_ANALYST = """
import sys, duckdb
conn = duckdb.connect(sys.argv[1])
print("open", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "close":
        conn.close()
        print("closed", flush=True)
        break
    print(conn.execute(command).fetchall(), flush=True)
"""


class Analyst:
    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _ANALYST, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "open", self.proc.stderr.read()

    def __call__(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def test_the_published_copy_is_read_only_for_everyone(tmp_path):
    if os.getuid() == 0:
        # root's test folders are not open to others: the other user needs a way in
        tmp_path = Path(tempfile.mkdtemp(prefix="gx-published-"))
        tmp_path.chmod(0o755)
    try:
        _check_read_only_for_others(tmp_path)
    finally:
        if os.getuid() == 0:
            shutil.rmtree(tmp_path)


def _check_read_only_for_others(tmp_path: Path) -> None:
    files = _files(tmp_path)
    _write(files, 10)
    assert files.publish_to.stat().st_mode & 0o777 == 0o444
    # any user but root: a read-write connection is refused, a read-only one works
    script = (
        "import os, sys, duckdb\n"
        "if os.getuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)  # nobody\n"
        "try:\n"
        "    duckdb.connect(sys.argv[1]); print('read-write allowed')\n"
        "except duckdb.Error as err:\n"
        "    print('refused:', err)\n"
        "print(duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from t')"
        ".fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(files.publish_to)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    refused, count = out.stdout.splitlines()
    assert refused.startswith("refused:") and "Permission denied" in refused, out.stderr
    assert count == "10"


def test_a_read_write_session_on_the_published_copy_survives_the_next_publish(tmp_path):
    files = _files(tmp_path)
    _write(files, 10)
    files.publish_to.chmod(0o644)  # as root would not even need to
    analyst = Analyst(files.publish_to)
    try:
        # the session is open before the run publishes, and writes after it
        _write(files, 20)
        assert analyst("create table notes as select 'mine' as note") == "[(1,)]"
        assert analyst("select count(*) from t") == "[(10,)]"
        assert analyst("select note from notes") == "[('mine',)]"
        assert analyst("close") == "closed"
    finally:
        analyst.stop()
    # the file was left to the session: it opens, with the session's rows, and no WAL of
    # another file waits to be replayed on it
    assert _count(files.publish_to, "notes") == 1
    assert not Path(f"{files.publish_to}.wal").exists()

    # the next write publishes; the copy the session changed is kept beside it, not deleted
    _write(files, 30)
    assert _count(files.publish_to) == 30
    (kept,) = tmp_path.glob("warehouse.duckdb.changed-*")
    assert _count(kept, "notes") == 1


def _copied(tmp_path: Path) -> WarehouseFiles:
    """A data folder published once, then copied with `cp -a` (new inodes, same times)."""
    _write(_files(tmp_path / "old"), 10)
    subprocess.run(["cp", "-a", str(tmp_path / "old"), str(tmp_path / "new")], check=True)
    copy = _files(tmp_path / "new")
    assert copy.publish_to.stat().st_ino != (tmp_path / "old" / "warehouse.duckdb").stat().st_ino
    return copy


def test_a_data_folder_copied_with_cp_a_publishes_without_keeping_a_changed_copy(tmp_path):
    files = _copied(tmp_path)
    _write(files, 20)
    assert _count(files.publish_to) == 20
    assert list((tmp_path / "new").glob("warehouse.duckdb.changed-*")) == []


@pytest.mark.parametrize("times", ["moved on", "set back"])
def test_a_copied_folder_whose_published_file_a_session_changed_still_keeps_it(tmp_path, times):
    """The copy is recognised by its size, modification time and DuckDB's headers: a session
    that wrote to it is caught by the headers even with its time set back and its size kept."""
    files = _copied(tmp_path)
    before = files.publish_to.stat()
    files.publish_to.chmod(0o644)
    conn = duckdb.connect(str(files.publish_to))
    conn.execute("delete from t where x = 0")  # DuckDB keeps the file's size for this one
    conn.close()
    if times == "set back":
        os.utime(files.publish_to, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert files.publish_to.stat().st_size == before.st_size
    _write(files, 20)
    (kept,) = (tmp_path / "new").glob("warehouse.duckdb.changed-*")
    assert _count(kept) == 9
    assert _count(files.publish_to) == 20


def test_publishing_does_not_wait_for_a_read_write_session(tmp_path):
    files = _files(tmp_path)
    _write(files, 10)
    files.publish_to.chmod(0o644)
    analyst = Analyst(files.publish_to)
    try:
        started = time.monotonic()
        outcome = files.publish()
        assert time.monotonic() - started < 5
        assert not outcome.replaced
        assert "open read-write in another process" in outcome.note
        assert "open read-write in another process" in files.behind()
    finally:
        analyst.stop()
    assert files.behind().startswith(f"{files.publish_to} is behind the working warehouse")
    assert files.publish().replaced
    assert files.behind() == ""


def test_a_published_copy_that_is_a_link_is_published_through_the_link(tmp_path):
    """data/warehouse.duckdb a link to the file analysts open elsewhere (a shared volume): the
    rename replaced the link by a regular file, and the shared file stayed as it was, every
    later year missing from it, with nothing said."""
    shared = tmp_path / "shared"
    shared.mkdir()
    files = _files(tmp_path / "data")
    files.publish_to.parent.mkdir(parents=True)
    files.publish_to.symlink_to(shared / "warehouse.duckdb")
    _write(files, 10)
    assert files.publish_to.is_symlink()
    assert _count(shared / "warehouse.duckdb") == 10
    _write(files, 20)
    assert files.publish_to.is_symlink()
    assert _count(shared / "warehouse.duckdb") == 20
    assert not list(files.publish_to.parent.glob(".*.tmp")) and not list(shared.glob(".*.tmp"))


def test_a_published_copy_linked_into_a_folder_that_is_not_there_is_not_published(tmp_path):
    """The link's folder not there (a volume not mounted): the link was replaced by a regular
    file with nothing said. Now nothing is published, the note says why and the link stays;
    the working file holds the rows, and the next write publishes once the folder is back."""
    files = _files(tmp_path / "data")
    files.publish_to.parent.mkdir(parents=True)
    gone = tmp_path / "mnt" / "shared" / "warehouse.duckdb"
    files.publish_to.symlink_to(gone)
    with files.connect(publish=False) as conn:
        conn.execute("create table t as select range as x from range(5)")
    published = files.publish()
    assert not published.replaced
    assert "a link to" in published.note and str(gone) in published.note, published.note
    assert files.publish_to.is_symlink() and not (tmp_path / "mnt").exists()
    gone.parent.mkdir(parents=True)
    assert files.publish().replaced
    assert files.publish_to.is_symlink() and _count(gone) == 5


def test_publishing_waits_for_a_short_read_of_the_working_file_by_another_process(tmp_path):
    """A year loaded, its connection closed, and before the copy for analysts another process
    opened the working file for a moment (`gx run`'s summary of a year it left to this run):
    the publish's look at the file's format failed at once on DuckDB's lock, and so the step
    that had loaded the year failed and the analysts' copy stayed old. It now waits for the
    file as a connection does."""
    files = _files(tmp_path, lock_timeout_s=30.0)
    _write(files, 3)
    with files.connect(publish=False) as conn:
        conn.execute("insert into t values (3)")
    holds = (
        "import duckdb, time\n"
        f"conn = duckdb.connect({str(files.database)!r})\n"
        "print('held', flush=True)\n"
        "time.sleep(1.5)\n"
        "conn.close()\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", holds], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert files.publish().replaced
    finally:
        holder.wait()
    assert _count(tmp_path / "warehouse.duckdb") == 4
