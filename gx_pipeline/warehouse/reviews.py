"""The reviewers' decisions in the warehouse: the flags they act on and the copy of their log.

- `create_review_flags(conn)`: the view review_flags, the union of every kind of flag. The
  cross-year quality flags live in a table report_flags that another part of the pipeline
  writes; until a warehouse has that table, the view holds the trust and tally flags only.
- `copy_decisions(conn, log)`: the tables reviews and review_cells replaced from the decisions
  log in one transaction (each year's write calls it, so the warehouse always carries every
  decision made so far, whatever was re-run).

What each decision is attached to now, and each flag's review status, are views over these
(sql/views/03b_reviews.sql), so they follow every re-run and parser change without a copy.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from gx_pipeline.review.log import ReviewLog, frames

FLAGS_DIR = Path(__file__).parent / "sql" / "flags"
#: the table of cross-year quality flags (report_id, report_year, flag, subject, cells, detail,
#: evidence): its rows join review_flags when the warehouse has it
REPORT_FLAGS = "report_flags"


def has_report_flags(conn: duckdb.DuckDBPyConnection) -> bool:
    rows = conn.execute(
        "select 1 from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'main' and table_name = ?",
        [REPORT_FLAGS],
    ).fetchall()
    return bool(rows)


#: in review_flags.sql's trust branch: where report_flags exists, a reason that is one of the
#: report's quality flags is that flag's, not a trust flag of its own
_QUALITY_MARK = "/* and not a quality flag */"
#: where the rows of report_flags (report_flags.sql) join the union
_QUALITY_ROWS = "/* and the quality flags */"
_NOT_QUALITY = (
    "and not exists (select 1 from report_flags q "
    "where q.report_id = d.report_id and q.flag = r.reason)"
)


def review_flags_sql(with_report_flags: bool) -> str:
    base = (FLAGS_DIR / "review_flags.sql").read_text(encoding="utf-8").rstrip()
    if _QUALITY_MARK not in base:
        raise RuntimeError(f"{FLAGS_DIR / 'review_flags.sql'}: the mark {_QUALITY_MARK} is gone")
    if _QUALITY_ROWS not in base:
        raise RuntimeError(f"{FLAGS_DIR / 'review_flags.sql'}: the mark {_QUALITY_ROWS} is gone")
    if with_report_flags:
        base = base.replace(_QUALITY_MARK, _NOT_QUALITY)
        rows = (FLAGS_DIR / "report_flags.sql").read_text(encoding="utf-8").strip()
        base = base.replace(_QUALITY_ROWS, rows)
    return base + ";\n" + (FLAGS_DIR / "comments.sql").read_text(encoding="utf-8")


def create_review_flags(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(review_flags_sql(has_report_flags(conn)))


def copy_decisions(conn: duckdb.DuckDBPyConnection, log_path: Path) -> int:
    """Replace reviews and review_cells with the decisions of the log at `log_path` (none when
    the file does not exist), in one transaction. Returns the number of decisions. A log line
    that cannot be read raises ReviewLogError naming the file and line: the tables are left as
    they were, and no decision is dropped unseen."""
    decisions = ReviewLog(log_path).read()
    reviews, cells = frames(decisions)
    conn.register("staged_reviews", reviews)
    conn.register("staged_review_cells", cells)
    conn.begin()
    try:
        conn.execute("delete from review_cells")
        conn.execute("delete from reviews")
        if len(reviews):
            conn.execute("insert into reviews by name select * from staged_reviews")
        if len(cells):
            conn.execute("insert into review_cells by name select * from staged_review_cells")
        conn.commit()
    except BaseException:
        try:
            conn.rollback()
        except duckdb.TransactionException:
            pass
        raise
    finally:
        conn.unregister("staged_reviews")
        conn.unregister("staged_review_cells")
    return len(decisions)


#: the review statuses of a flag (view flag_reviews)
REVIEW_STATUSES = ("open", "confirmed", "dismissed", "second_look")


def year_review_counts(conn: duckdb.DuckDBPyConnection, year: int) -> dict:
    """The year's flags by review status, in all and per kind of flag: what the tally check's
    metadata shows (open flags per year)."""
    rows = conn.execute(
        "select kind, review_status, count(*) from flag_reviews where report_year = ? "
        "group by all order by all",
        [year],
    ).fetchall()
    out: dict = {"flags": 0, **dict.fromkeys(REVIEW_STATUSES, 0), "by_kind": {}}
    for kind, status, n in rows:
        out["flags"] += n
        out[status] += n
        out["by_kind"].setdefault(kind, dict.fromkeys(REVIEW_STATUSES, 0))[status] = n
    return out
