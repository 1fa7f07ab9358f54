"""dim_agency, narrative_similarity and report_flags rebuilt over every loaded year at once.

Which agency a report belongs to can depend on reports of other years (a short name on a site
whose other reports give the place), and copied_text, repeated_figures and carry_chain_break
compare neighbouring years. Rebuilding all of it from the loaded rows in each year's load, in
the load's transaction (rebuild_within; `rebuild` for a transaction of its own), makes the
result the same whatever order the years were loaded in, and neither a reader nor a run killed
half-way ever sees a year with the flags of the warehouse before it. The work is SQL (sql/*.sql, run in their order) inside DuckDB, which
spills to disk past its memory limit: nothing of a national year passes through Python.

Steps: the agency of each report (its place and organ, then its site, then its name alone;
dim_report.agency_id and agency_match), dim_agency, the pairs of reports of consecutive years,
the narrative's own sentences and their similarity, the flags, and the flags' codes into each
report's trust status.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gx_pipeline.warehouse.schema import ensure_schema, schema_out_of_date
from gx_pipeline.warehouse.writes import check_keys

SQL_DIR = Path(__file__).parent / "sql"

#: the flags, in the order their codes stand in dim_report.trust_reasons
FLAGS: tuple[str, ...] = (
    "year_mismatch",
    "late",
    "publication_unknown",
    "copied_text",
    "repeated_figures",
    "narrative_mismatch",
    "carry_chain_break",
    "several_reports",
)
#: narrative_similarity of sections 一, 五, 六 together from which a report is copied_text: 90%
#: of the characters of the two years' own sentences are in both
COPIED_THRESHOLD = 0.9
#: a sentence that reports of this many agencies share in a year is the template's
TEMPLATE_AGENCIES = 3
#: sentences shorter than this (after normalising) are not compared: 无, 详见附表
MIN_SENTENCE = 6
#: a section with fewer characters of the agency's own sentences has nothing to compare
MIN_CHARS = 50

PARAMETERS = {
    "flags": list(FLAGS),
    "copied_threshold": COPIED_THRESHOLD,
    "template_agencies": TEMPLATE_AGENCIES,
    "min_sentence": MIN_SENTENCE,
    "min_chars": MIN_CHARS,
}
#: the tables the rebuild replaces as a whole
TABLES = ("dim_agency", "narrative_similarity", "report_flags")


@dataclass(frozen=True)
class Summary:
    """What the rebuild left: counts for the asset's metadata and `gx run`."""

    reports: int
    agencies: int
    reports_with_agency: int
    reports_with_division_code: int
    year_pairs: int
    flags: dict[str, int] = field(default_factory=dict)
    matches: dict[str, int] = field(default_factory=dict)
    confidence: dict[str, int] = field(default_factory=dict)


def _statements() -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SQL_DIR.glob("*.sql"))]


_PARAMETER = re.compile(r"\$([a-z_]+)")


def rebuild(conn: duckdb.DuckDBPyConnection) -> Summary:
    """Recompute the agencies, the narrative comparison and the flags from the loaded years, in
    one transaction (on error nothing changes), and return what they hold."""
    ensure_schema(conn)
    conn.begin()
    try:
        rebuild_within(conn)
        summary = _summary(conn)
        conn.commit()
    except BaseException:
        try:
            conn.rollback()
        except duckdb.TransactionException:
            pass  # a failed statement has aborted the transaction already
        raise
    return summary


def rebuild_within(conn: duckdb.DuckDBPyConnection) -> None:
    """The rebuild inside the caller's open transaction (a year's load: the year is stored
    with its flags and agency keys, or not at all). The schema must exist."""
    for table in TABLES:
        conn.execute(f"delete from {table}")  # names from TABLES, never from data
    for name, sql in _statements():
        wanted = set(_PARAMETER.findall(sql))
        try:
            conn.execute(sql, {k: PARAMETERS[k] for k in wanted} if wanted else None)
        except duckdb.Error as err:
            raise RuntimeError(f"agencies rebuild, {name}: {err}") from err
    # the keys report_flags and narrative_similarity carry no index for (their sql/*.sql)
    check_keys(conn, None, TABLES)
    # what made them, in the same transaction (hex digits only: no quoting needed)
    conn.execute(f"create or replace macro gx_derived_fingerprint() as '{definition()}'")


@functools.cache
def definition() -> str:
    """A fingerprint of what the rebuild makes of the loaded rows: its SQL files (sql/*.sql)
    and parameters. The warehouse keeps the one that made its agencies and flags
    (gx_derived_fingerprint()), so that a change of them is seen without a year's load."""
    digest = hashlib.sha256()
    for name, sql in _statements():
        digest.update(f"{name}\0{sql}\0".encode())
    digest.update(repr(sorted(PARAMETERS.items())).encode())
    return digest.hexdigest()[:16]


def built_with(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The definition() that made the warehouse's agencies and flags; None: none recorded (made
    before the fingerprint was kept, or never)."""
    try:
        ((made,),) = conn.execute("select gx_derived_fingerprint()").fetchall()
    except duckdb.Error:
        return None
    return made


#: what out_of_date names
DERIVED = "the agencies and flags (agencies/sql: dim_agency, narrative_similarity, report_flags)"
VIEWS = "the views and table definitions (warehouse/sql)"


def out_of_date(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """What of the warehouse was made by other code than today's and is derived from the
    loaded rows (rebuilt without loading a year again): the views and the schema's comments,
    the agencies and flags. [] for a warehouse without reports. A read: works read-only."""
    tables = {t for (t,) in conn.execute("select table_name from duckdb_tables()").fetchall()}
    if "dim_report" not in tables:
        return []
    stale = [VIEWS] if schema_out_of_date(conn) else []
    (reports,) = conn.execute("select count(*) from dim_report").fetchone()
    if reports and built_with(conn) != definition():
        stale.append(DERIVED)
    return stale


def refresh(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Make again what out_of_date names: the schema's views and comments (ensure_schema), the
    agencies and flags over every loaded year (rebuild, one transaction). Returns what was
    made; [] when all was current."""
    stale = out_of_date(conn)
    if stale:
        ensure_schema(conn)
    if DERIVED in stale:
        rebuild(conn)
    return stale


def summary(conn: duckdb.DuckDBPyConnection) -> Summary:
    """What the last rebuild left."""
    return _summary(conn)


#: agencies' reports of consecutive years, one in each (as sql/08_agency_pairs.sql pairs them)
_PAIRS = """
with one as (
    select agency_id, report_year from dim_report where agency_id is not null
    group by all having count(*) = 1
)
select count(*) from one cur join one prev
  on prev.agency_id = cur.agency_id and prev.report_year = cur.report_year - 1
"""


def _summary(conn: duckdb.DuckDBPyConnection) -> Summary:
    (reports, with_agency, with_code) = conn.execute(
        "select count(*), count(agency_id), "
        "count(*) filter (where agency_id in "
        "(select agency_id from dim_agency where division_code is not null)) from dim_report"
    ).fetchone()
    (agencies,) = conn.execute("select count(*) from dim_agency").fetchone()
    (pairs,) = conn.execute(_PAIRS).fetchone()
    flags = dict(conn.execute("select flag, count(*) from report_flags group by all").fetchall())
    matches = dict(
        conn.execute(
            "select coalesce(agency_match, 'none'), count(*) from dim_report group by all"
        ).fetchall()
    )
    confidence = dict(
        conn.execute("select match_confidence, count(*) from dim_agency group by all").fetchall()
    )
    return Summary(
        reports,
        agencies,
        with_agency,
        with_code,
        pairs,
        {f: flags.get(f, 0) for f in FLAGS},
        dict(sorted(matches.items())),
        dict(sorted(confidence.items())),
    )
