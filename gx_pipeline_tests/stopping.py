"""A parse whose worker process stops itself on one page, for the parse pool's tests. Its own
small module: a worker imports it to run the parse, and a fresh worker importing the test module
(pytest, Dagster) takes seconds, which would count as the worker stalling."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from gx_pipeline.staging.pool import parse_raw
from gx_pipeline.staging.tables import LoadedReport, Quarantined, RawFile


def stop_on_marked_page(raw: RawFile, flags: str, always: bool) -> LoadedReport | Quarantined:
    """A parse whose worker stops (SIGSTOP, as a debugger or a hand would, or as a call stuck in
    C code looks from outside: no page finished, the page's time limit never firing) on one
    page: the first time only, or every time. Its pid is left in `flags`/stopped."""
    if raw.source.startswith("null_markers"):
        flag = Path(flags) / "stopped"
        if always or not flag.exists():
            flag.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGSTOP)
    return parse_raw(raw)
