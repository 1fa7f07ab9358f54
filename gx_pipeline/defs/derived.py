"""What of the warehouse is derived from its loaded rows, made again when other code made it.

The views and the schema's comments (warehouse/sql) and the agencies and flags (agencies/sql)
are made from the rows every year's load wrote. A year's load makes them with today's code; an
upgrade that changes their SQL and loads no year left them as the older code made them.
`gx run` makes them again before its first year, and stale_years_sensor launches gx_derived_job
when every year is current and no run is going (gx_pipeline.defs.automation).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from gx_pipeline.agencies import rebuild
from gx_pipeline.defs.resources import Warehouse
from gx_pipeline.warehouse.schema import schema_fingerprint, schema_given

DERIVED_JOB = "gx_derived_job"


@dataclass(frozen=True)
class DerivedState:
    """What of a warehouse file other code made, and a key of that state."""

    #: rebuild.out_of_date's names ([]: all made by today's code, or the file not readable)
    stale: list[str]
    #: changes with the code and with what the file records of the code that made it: a run
    #: launched for one key is not launched again (a failed one waits for a change)
    key: str


def derived_state(database: Path) -> DerivedState:
    """rebuild.out_of_date of a warehouse file, read-only, with its key."""
    made: tuple[str | None, str | None] = (None, None)
    stale: list[str] = []
    if Path(database).is_file():
        try:
            conn = duckdb.connect(str(database), read_only=True)
        except duckdb.Error:
            conn = None
        if conn is not None:
            try:
                stale = rebuild.out_of_date(conn)
                made = (schema_given(conn), rebuild.built_with(conn))
            finally:
                conn.close()
    text = repr((stale, made, schema_fingerprint(), rebuild.definition()))
    return DerivedState(stale, hashlib.sha256(text.encode()).hexdigest()[:12])


def derived_out_of_date(database: Path) -> list[str]:
    """rebuild.out_of_date of a warehouse file, read-only; [] when it cannot be read."""
    return derived_state(database).stale


def refresh_derived(warehouse: Warehouse, say: Callable[[str], None] | None = None) -> list[str]:
    """Make again what of the warehouse is derived from its loaded rows and was made by other
    code than today's (rebuild.out_of_date: the views, the agencies and flags), and publish it;
    a line for each. Read first from the published copy, read-only: a current warehouse is not
    opened for writing. A wait for the working file is said by `say` (None: stderr)."""
    files = warehouse.files
    if not derived_out_of_date(files.publish_to or files.database):
        return []
    with warehouse.connect(say=say) as conn:  # published when made
        made = rebuild.refresh(conn)
    return [
        f"{what} of the warehouse were made by other code than this: made again over the "
        "loaded years (no year loaded again for it)"
        for what in made
    ]


#: tries again, and seconds between, while another process holds the working file
RETRIES = 3
RETRY_WAIT_S = 30


# one DuckDB writer at a time: it waits for a year's load in the `duckdb` pool
@dg.op(pool="duckdb")
def refresh_derived_objects(context: dg.OpExecutionContext, warehouse: Warehouse) -> None:
    """Make again the views, the schema's comments and the agencies and flags of the warehouse
    where other code than today's made them, over every loaded year, and publish the
    warehouse; no year is loaded again."""
    try:
        made = refresh_derived(warehouse, context.log.warning)
    except duckdb.IOException as err:
        # a session on the working file (the DuckDB CLI, a notebook) held it past the lock's
        # wait: try again later, as a year's load does. The sensor does not launch the job
        # again for the same state (its run key), so a failure would leave the views and
        # flags as older code made them until a year's next load
        if "lock" not in str(err).lower():
            raise
        raise dg.RetryRequested(max_retries=RETRIES, seconds_to_wait=RETRY_WAIT_S) from err
    for line in made:
        context.log.info(line)
    if not made:
        context.log.info("the warehouse's derived objects were made by this code: nothing to do")


@dg.job(
    name=DERIVED_JOB,
    description="Make again what of the warehouse is derived from its loaded rows (views, "
    "agencies, flags) when other code made it; launched by stale_years_sensor after an upgrade.",
)
def gx_derived_job() -> None:
    refresh_derived_objects()
