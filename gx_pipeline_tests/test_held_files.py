"""A warehouse file held open by another process (an analyst's DuckDB CLI or notebook, read-only
or read-write: DuckDB locks the file for either): what the pipeline waits on is said at once,
naming the file and the holder, and the wait ends, in success when the file is let go or in an
error naming the file after the documented limit, never in a silent hang."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from gx_pipeline.warehouse import files as files_module
from gx_pipeline.warehouse.files import WAIT_NOTE, WarehouseFiles
from gx_pipeline_tests.holding import writer_holding


def _loaded(root: Path, lock_timeout_s: float, said: list[str]) -> WarehouseFiles:
    files = WarehouseFiles(
        root / ".work" / "warehouse.duckdb", root / "warehouse.duckdb", lock_timeout_s, said.append
    )
    with files.connect() as conn:
        conn.execute("create table t as select range as x from range(3)")
    return files


def _said_in_time(said: list[str], within: float) -> float:
    start = time.monotonic()
    while not said and time.monotonic() - start < within:
        time.sleep(0.05)
    return time.monotonic() - start


@pytest.mark.parametrize("read_only", [True, False])
def test_a_held_working_file_is_said_at_once_and_the_load_goes_on_when_let_go(tmp_path, read_only):
    """Before: the load waited with nothing said (60 s, then Dagster's retry). Now the first
    refusal of the lock says the file, the holder's pid and command line and the limit."""
    said: list[str] = []
    files = _loaded(tmp_path, 60.0, said)
    holder = writer_holding(files.database, read_only)
    try:
        result: list[int] = []

        def load() -> None:
            with files.connect(publish=False) as conn:
                conn.execute("insert into t values (3)")
                result.append(conn.execute("select count(*) from t").fetchone()[0])

        worker = threading.Thread(target=load)
        worker.start()
        assert _said_in_time(said, 5.0) < 5.0, "nothing said while the file is held"
        line = said[0]
        assert line.startswith(WAIT_NOTE)
        assert str(files.database) in line
        assert f"process {holder.pid}" in line
        assert os.path.basename(sys.executable) in line  # its command line
        assert "at most 60 s" in line
        holder.kill()  # the session closed
        worker.join(30)
        assert not worker.is_alive() and result == [4]
    finally:
        holder.kill()
        holder.wait()


def test_a_file_held_past_the_limit_fails_naming_the_file_and_is_said_meanwhile(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(files_module, "HELD_SAID_S", 0.5)
    said: list[str] = []
    files = _loaded(tmp_path, 2.0, said)
    holder = writer_holding(files.database, read_only=True)
    try:
        start = time.monotonic()
        with pytest.raises(duckdb.IOException) as raised, files.connect(publish=False):
            pass
        assert time.monotonic() - start < 10.0
    finally:
        holder.kill()
        holder.wait()
    assert str(files.database) in str(raised.value)
    # said at once, again while it waits (with the time so far), and when it gives up
    assert len(said) >= 3, said
    assert "s so far" in said[-2]
    assert said[-1].endswith(": still held after 2 s, given up")


def test_publishing_says_what_it_waits_on_when_the_working_file_is_held(tmp_path):
    """The copy for analysts reads the working file: held meanwhile, the wait is said too."""
    said: list[str] = []
    files = _loaded(tmp_path, 1.0, said)
    holder = writer_holding(files.database)
    try:
        with pytest.raises(duckdb.IOException):
            files.publish()
    finally:
        holder.kill()
        holder.wait()
    assert said and str(files.database) in said[0]


def test_without_a_step_log_the_wait_is_said_on_stderr(tmp_path, capfd):
    """`gx status`, `gx run`'s own reads: no step log to say it in, the terminal is told."""
    files = _loaded(tmp_path, 60.0, [])
    files = WarehouseFiles(files.database, files.publish_to, 1.0)
    holder = writer_holding(files.database)
    try:
        with pytest.raises(duckdb.IOException), files.connect(publish=False):
            pass
    finally:
        holder.kill()
        holder.wait()
    err = capfd.readouterr().err
    assert WAIT_NOTE + str(files.database) in err and f"process {holder.pid}" in err
    assert os.path.basename(sys.executable) in err


@pytest.mark.parametrize("read_only", [True, False])
def test_a_write_refused_by_a_held_file_does_not_blame_a_writer(tmp_path, read_only):
    """`gx run` gives up on a working file an analyst holds: before, its last line said "a
    writer holds it" even where the holder was a read-only session (DuckDB locks the file
    against writers for those too), sending the analyst to look for a writer that is not
    there. A read blocked by a file held read-write still names the writer."""
    from gx_pipeline.warehouse.files import cannot_open

    database = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(database)).close()
    holder = writer_holding(database, read_only)
    try:
        with pytest.raises(duckdb.IOException) as refused:
            duckdb.connect(str(database))
        writing = cannot_open(database, refused.value, writing=True)
        if not read_only:
            with pytest.raises(duckdb.IOException) as refused_read:
                duckdb.connect(str(database), read_only=True)
            reading = cannot_open(database, refused_read.value)
    finally:
        holder.kill()
        holder.wait()
    assert writing.startswith(f"{database} cannot be opened: another process holds it "), writing
    assert f"(process {holder.pid})" in writing and "read-only" in writing, writing
    assert "a writer" not in writing, writing
    if not read_only:
        assert f"a writer holds it (process {holder.pid})" in reading, reading
