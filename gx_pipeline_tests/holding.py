"""A process holding a DuckDB file open read-write, as an analyst's session or a notebook does,
for the tests of what runs do while another writer holds the warehouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def writer_holding(database: Path | str, read_only: bool = False) -> subprocess.Popen:
    """A process holding DuckDB file `database` open read-write (the DuckDB CLI without
    -readonly, a notebook's connection), or `read_only` (which DuckDB locks too, against
    writers), until it is killed; returned once it holds it."""
    hold = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro'); "
        "print('held', flush=True); "
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            hold + "sys.stdin.read()",
            str(database),
            "ro" if read_only else "rw",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "held\n"
    return holder


def slot_held_by_a_live_run(home: Path, data_dir: Path):
    """The `duckdb` pool slot held by a long load of report year 2019 by a live process (this
    one), in the instance at `home`: a run that needs the slot waits. Gives the instance and the
    holder's run."""
    import os

    import dagster as dg

    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.liveness import own_tags

    instance = dg.DagsterInstance.from_config(str(home))
    job = build_definitions(data_dir).resolve_job_def("gx_yearly_job")
    holder = instance.create_run_for_job(
        job,
        tags={"dagster/partition": "2019", **own_tags(os.getpid())},
        status=dg.DagsterRunStatus.STARTED,
    )
    storage = instance.event_log_storage
    storage.set_concurrency_slots("duckdb", 1)
    storage.claim_concurrency_slot("duckdb", holder.run_id, "gx_warehouse")
    return instance, holder
