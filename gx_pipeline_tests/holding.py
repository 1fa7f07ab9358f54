"""A process holding a DuckDB file open read-write, as an analyst's session or a notebook does,
for the tests of what runs do while another writer holds the warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def writer_holding(database: Path | str) -> subprocess.Popen:
    """A process holding DuckDB file `database` open read-write (the DuckDB CLI without
    -readonly, a notebook's connection) until it is killed; returned once it holds it."""
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    holder = subprocess.Popen(
        [sys.executable, "-c", hold + "sys.stdin.read()", str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "held\n"
    return holder
