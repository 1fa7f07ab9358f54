"""Writes to the warehouse: a report year replaced as a whole, in one transaction.

A year is replaced as a whole: BEGIN; DELETE the year from every table; INSERT BY NAME from the
staged Parquet (load_year) or registered frames (replace_year); COMMIT. Any error rolls back,
so the previous rows of the year survive. tally_results is staged with the facts (evaluated per
report in Python, gx_pipeline.tally) and written in the same transaction. evaluate_tally states
the same identities in SQL (sql/queries/tally_evaluate.sql) for a year already stored, and
record_tally writes such an evaluation back: a repair for a year whose tally is in doubt, and
the independent statement a test holds the Python evaluation to.

page_versions, the fetcher's version history, is not per report year: replace_page_versions
swaps the whole table in one transaction, and the per-year writes never touch it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from gx_pipeline import tally
from gx_pipeline.fetch import VersionRow
from gx_pipeline.staging.inventory import ESCAPED, is_generated, one_line
from gx_pipeline.staging.parts import Stage
from gx_pipeline.warehouse.schema import (
    CHECKED_KEYS,
    LIST_COLUMNS,
    SQL_DIR,
    YEAR_TABLES,
    ensure_schema,
)

_TALLY_SQL = (SQL_DIR / "queries" / "tally_evaluate.sql").read_text(encoding="utf-8")


def _select(table: str, staged: str) -> str:
    lists = LIST_COLUMNS.get(table)
    if not lists:
        return f"select * from {staged}"
    casts = ", ".join(f"cast(cast({c} as json) as varchar[]) as {c}" for c in lists)
    return f"select * replace ({casts}) from {staged}"


def tally_terms_frame() -> pd.DataFrame:
    return pd.DataFrame(tally.term_rows())


def evaluate_tally(conn: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Every tally identity of every stored report of `year` (sql/queries/tally_evaluate.sql)."""
    conn.register("tally_terms", tally_terms_frame())
    try:
        return conn.execute(_TALLY_SQL, [year]).df()
    finally:
        conn.unregister("tally_terms")


def record_tally(conn: duckdb.DuckDBPyConnection, year: int, results: pd.DataFrame) -> int:
    """Replace the year's tally_results and write each report's quality summary
    (dim_report.tally_passed/_failed/_not_assessable) in one transaction.

    A report with no evaluation (no requests or appeals section) gets 0, 0, 0: checked, nothing
    to check. Returns the number of tally rows written.
    """
    if not results.empty and (results["report_year"] != year).any():
        raise ValueError(f"tally_results: rows of another year than {year}")
    ensure_schema(conn)
    conn.register("staged_tally_results", results)
    conn.begin()
    try:
        conn.execute("delete from tally_results where report_year = ?", [year])
        if not results.empty:
            conn.execute("insert into tally_results by name select * from staged_tally_results")
            check_keys(conn, year, ["tally_results"])
        conn.execute(_QUALITY_SQL, [year])
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    finally:
        # after the rollback: unregistering inside an aborted transaction would hide the error
        conn.unregister("staged_tally_results")
    return len(results)


_QUALITY_SQL = """
update dim_report
set tally_passed = q.passed, tally_failed = q.failed, tally_not_assessable = q.not_assessable,
    tally_passed_absent = q.passed_absent
from (
    select d.report_id,
           count(t.status) filter (where t.status = 'pass') as passed,
           count(t.status) filter (where t.status = 'pass' and t.absent_cells > 0)
               as passed_absent,
           count(t.status) filter (where t.status = 'fail') as failed,
           count(t.status) filter (where t.status = 'not_assessable') as not_assessable
    from dim_report d
    left join tally_results t using (report_id)
    where d.report_year = $1
    group by d.report_id
) q
where dim_report.report_id = q.report_id
"""


def replace_year(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    frames: Mapping[str, pd.DataFrame],
    clear: Iterable[str] | None = None,
) -> dict[str, int]:
    """Replace the rows of `year` in the `clear` tables (default: those in `frames`) atomically.

    Returns the number of rows inserted per table.
    """
    clear = tuple(frames) if clear is None else tuple(clear)
    unknown = (set(clear) | set(frames)) - set(YEAR_TABLES)
    if unknown:
        raise ValueError(f"not a year table: {sorted(unknown)}")
    ensure_schema(conn)
    written: dict[str, int] = {}
    staged: list[str] = []
    conn.begin()
    try:
        for table in clear:
            # table names come from YEAR_TABLES above, never from data
            conn.execute(f"delete from {table} where report_year = ?", [year])
        for table, frame in frames.items():
            if frame.empty:
                written[table] = 0
                continue
            if (frame["report_year"] != year).any():
                raise ValueError(f"{table}: rows of another year than {year}")
            name = f"staged_{table}"
            conn.register(name, frame)
            staged.append(name)
            conn.execute(f"insert into {table} by name {_select(table, name)}")
            written[table] = len(frame)
        check_keys(conn, year, frames)
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    finally:
        # unregistering inside an aborted transaction would raise and hide the real error
        for name in staged:
            conn.unregister(name)
    return written


class DuplicateKey(ValueError):
    """Rows of a year share the key of a table that has no primary key (CHECKED_KEYS)."""


def check_keys(conn: duckdb.DuckDBPyConnection, year: int | None, tables: Iterable[str]) -> None:
    """Raise DuplicateKey when the rows of `year` (None: of every year) in one of `tables`
    repeat a key of CHECKED_KEYS: the check those tables' primary keys made, inside the
    caller's transaction.

    A GROUP BY over the rows, which DuckDB spills to disk past its memory limit, where a key's
    index is held in memory whole (sql/05_tally_results.sql). It groups the keys' 64-bit
    hashes (a third of the memory of grouping the keys, ~4 million of them in a national
    year's tally); only when two rows share a hash are their keys compared."""
    where, params = ("where report_year = ?", [year]) if year is not None else ("", [])
    for table in tables:
        key = CHECKED_KEYS.get(table)
        if key is None:
            continue
        columns = ", ".join(key)  # names from CHECKED_KEYS, never from data
        (shared,) = conn.execute(
            f"select count(*) from (select hash({columns}) as h from {table} {where} "
            "group by h having count(*) > 1)",
            params,
        ).fetchone()
        if not shared:
            continue
        (n, example) = conn.execute(
            f"select count(*), any_value(k) from (select ({columns}) as k from {table} {where} "
            "group by all having count(*) > 1)",
            params,
        ).fetchone()
        if n:
            which = f"report year {year}" if year is not None else "the warehouse"
            raise DuplicateKey(
                f"{table}: {n} key(s) ({columns}) of {which} stand on more than one row, "
                f"e.g. {example}; the rows are left as they were"
            )


#: the year's last load counted this many entries; a new one with fewer than `min_share` of
#: them is refused without an override (a mount hiccup must not wipe a year)
DEFAULT_MIN_SHARE = 0.5


class YearShrinkRefused(ValueError):
    """The year folder has (far) fewer entries than the year's last load: not replaced."""

    #: what `previous` and `incoming` count
    unit = "entries"

    def __init__(self, year: int, previous: int, incoming: int, min_share: float) -> None:
        self.year, self.previous, self.incoming, self.min_share = (
            year,
            previous,
            incoming,
            min_share,
        )
        super().__init__(self.says())

    def says(self) -> str:
        what = "no entries" if self.incoming == 0 else f"{self.incoming} entries"
        return (
            f"report year {self.year}: the folder has {what}, the year's last load had "
            f"{self.previous} (fewer than {self.min_share:.0%} of them); the year's rows are left "
            "as they were"
        )


class ReportsShrinkRefused(YearShrinkRefused):
    """The folder has its entries, but (far) fewer of them are reports than the year's last
    load had: its pages emptied, cut short or unreadable (an interrupted copy or sync, Git LFS
    pointers in place of the files), or a parser that now reads far fewer. Not replaced.

    `quarantined` says why the refused load quarantined the other entries (the stage that
    held them is discarded: the message is the only place that tells)."""

    unit = "reports"

    def __init__(
        self, year: int, previous: int, incoming: int, min_share: float, quarantined: str = ""
    ) -> None:
        self.quarantined = quarantined
        super().__init__(year, previous, incoming, min_share)

    def says(self) -> str:
        why = f": {self.quarantined}" if self.quarantined else ""
        return (
            f"report year {self.year}: {self.incoming} reports would replace the {self.previous} "
            f"of the year's last load (fewer than {self.min_share:.0%} of them), the folder's "
            f"other entries quarantined{why}; the year's rows are left as they were"
        )


_QUARANTINE_REASONS_SQL = """
select reason, count(*) as entries, list(source order by source)[1:$examples] as sources
from read_parquet($parts)
group by reason
order by entries desc, reason
"""


#: control characters as Python writes them in a string ('\\n', '\\t', '\\x01')


def quarantine_reasons(conn: duckdb.DuckDBPyConnection, parts: str | None, shown: int = 3) -> str:
    """The quarantine rows of staged Parquet `parts` in a line: the commonest `shown` reasons,
    each with its count and the first few sources, then how many other reasons."""
    if parts is None:
        return ""
    rows = conn.execute(_QUARANTINE_REASONS_SQL, {"parts": parts, "examples": 3}).fetchall()
    said = []
    for reason, entries, sources in rows[:shown]:
        more = ", …" if entries > len(sources) else ""
        brief = reason if len(reason) <= 100 else reason[:99] + "…"
        names = ", ".join(map(one_line, sources))
        said.append(f'{entries} × "{brief.translate(ESCAPED)}" ({names}{more})')
    others = rows[shown:]
    if others:
        n = sum(entries for _, entries, _ in others)
        said.append(f"{n} more for {len(others)} other reason{'s' if len(others) > 1 else ''}")
    return "; ".join(said)


def shrinks(previous: int, incoming: int, min_share: float = DEFAULT_MIN_SHARE) -> bool:
    """Whether a load of `incoming` entries over a year loaded from `previous` ones is refused."""
    return previous > 0 and incoming < previous * min_share


def load_year(
    conn: duckdb.DuckDBPyConnection,
    year: int,
    stage: Stage,
    min_share: float = DEFAULT_MIN_SHARE,
    allow_shrink: bool = False,
    then: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
    no_pages: bool = False,
) -> dict[str, int]:
    """Replace a report year with the staged, validated rows, in one transaction.

    DuckDB reads the Parquet parts itself (no rows pass through Python). tally_results comes
    from the stage with the facts, so the year is never stored without its tally. `then` runs
    on the connection inside the transaction, after the rows are in (the agencies rebuild:
    a year is never stored without the flags and agency keys that span the years).

    A year whose stage holds fewer than `min_share` of the entries of the year's last load (a
    missing or empty folder: none) is refused with YearShrinkRefused unless `allow_shrink`;
    so is one whose reports fall below `min_share` of the last load's (ReportsShrinkRefused:
    its pages emptied or unreadable, quarantined, keep the count of entries); so is a year
    never loaded whose folder holds no pages (`no_pages`: missing, a data folder or year
    mistyped, a disk not mounted; empty, or only files still being written, on a mount point
    not mounted or a copy not finished), which was written as a year of no entries, "ok".

    The same report filed under two report years (the same bytes, or the same content
    fingerprint: copies that differ only in markup) is loaded once, under the year it states,
    whichever year runs first: a copy loaded before under a year it does not state moves here
    (its old year keeps a quarantine row naming this one), and a copy already loaded under the
    year it states stays there and becomes a quarantine row here (stage "load"). A copy
    quarantined so under another year for a report this load removes is marked as no longer
    loaded (_release_copies): its year must be loaded again to read it.
    """
    ensure_schema(conn)
    incoming = stage.rows("dim_report") + stage.rows("quarantine")
    written: dict[str, int] = {}
    conn.begin()
    try:
        reports_before, quarantined_before = conn.execute(
            _ENTRIES_LOADED, {"year": year}
        ).fetchone()
        previous = reports_before + quarantined_before
        never_loaded_without_pages = no_pages and not previous
        if not allow_shrink and (
            never_loaded_without_pages or shrinks(previous, incoming, min_share)
        ):
            raise YearShrinkRefused(year, previous, incoming, min_share)
        # entries count quarantine rows: pages all emptied keep the count, and lose the reports
        reports = stage.rows("dim_report")
        if not allow_shrink and shrinks(reports_before, reports, min_share):
            why = quarantine_reasons(conn, stage.glob("quarantine"))
            raise ReportsShrinkRefused(year, reports_before, reports, min_share, why)
        conn.execute(_REPORTS_BEFORE, {"year": year})
        for table in YEAR_TABLES:
            conn.execute(f"delete from {table} where report_year = ?", [year])
        dim = stage.glob("dim_report")
        diverted = _place_copies(conn, year, dim) if dim is not None else []
        for table in REPORT_TABLES:
            parts = stage.glob(table)
            if parts is None:
                continue
            staged = "(select * from read_parquet(?) where report_id <> all(?::varchar[]))"
            conn.execute(f"insert into {table} by name {_select(table, staged)}", [parts, diverted])
        parts = stage.glob("quarantine")
        if parts is not None:
            conn.execute("insert into quarantine by name select * from read_parquet(?)", [parts])
        _note_lost_reports(conn, year)  # before _release_copies drops gx_reports_before
        _release_copies(conn, year)
        check_keys(conn, year, YEAR_TABLES)
        for table in YEAR_TABLES:
            (n,) = conn.execute(
                f"select count(*) from {table} where report_year = ?", [year]
            ).fetchone()
            written[table] = n
        if then is not None:
            then(conn)
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    return written


def entries_by_year(database: Path) -> dict[int, int] | None:
    """Entries (reports and quarantine rows) per report year in a warehouse file: what each
    year's load wrote, as long as the file is the one the loads wrote. {} when the file does
    not exist; None when it cannot be read now (a session holds it read-write, a damaged file):
    nothing can be told then."""
    if not database.exists():
        return {}
    try:
        conn = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return None
    try:
        tables = {t for (t,) in conn.execute("select table_name from duckdb_tables()").fetchall()}
        if not {"dim_report", "quarantine"} <= tables:
            return {}
        rows = conn.execute(
            "select report_year, count(*) from (select report_year from dim_report "
            "union all select report_year from quarantine) group by all"
        ).fetchall()
        return {int(year): n for year, n in rows}
    except duckdb.Error:
        return None
    finally:
        conn.close()


#: A report's figures as one digest (lost_reports.figures_fingerprint), for the reports that name
#: no agency (content_fingerprint null): a site re-publishing its pages with a footer or title
#: that now names the office's place (科技和工业信息化局 -> 西城区科技和工业信息化局) changes the
#: agency and nothing else, and the figures of the year found again under the place's name are
#: the same report, not another office's copied over it. A report with fewer than
#: FIGURES_TELLING figures other than zero or blank gets none: many small offices report next to
#: nothing (the 2021 seed page: 6 purchases of 422万元, every other cell 0 or blank), and two
#: such offices of one kind report alike. `reports`: a FROM clause selecting the dim_report rows
#: whose figures are digested.
FIGURES_TELLING = 5
_FIGURES = (
    """
select report_id, md5(string_agg(concat_ws('|', section, row, col, value::varchar), ';'
                                 order by section, row, col)) as figures_fingerprint
from (
    select report_id, section, row, col, value from fact_requests
    union all select report_id, section, row, col, value from fact_appeals
    union all select report_id, section, row, col, value from fact_proactive
) where report_id in (select report_id from {reports})
group by report_id
having count(*) filter (where coalesce(value, 0) <> 0) >= """
    + str(FIGURES_TELLING)
    + """
"""
)

#: the year's reports before its load replaces them: what another year's copies may name, and
#: what the year's lost reports are judged against
_REPORTS_BEFORE = (
    """
create or replace temp table gx_reports_before as
select d.report_id, d.content_fingerprint, d.source, d.agency, d.stated_year, d.organ_key,
    d.division_code, f.figures_fingerprint
from dim_report d
left join ("""
    + _FIGURES.format(reports="dim_report where report_year = $year and agency is null")
    + """) f
    using (report_id)
where d.report_year = $year
"""
)

#: why a lost report's page is in no table of its year: deleted (or moved out of the folder)
FILE_GONE = "the file is gone"

#: Two reports are of one agency when they name it alike in places not known to differ (two
#: 新华街道办事处 of two known places are two agencies), or name one organ (dim_report.organ_key:
#: 洪桥镇 and 平阳县洪桥镇人民政府) in one known place. A report naming no agency is of no agency
#: known: it matches none. A report that states no year is its folder's year's (an excerpt, a page
#: without its title and date): an unknown year taken as any year made one such page of an
#: agency hide the loss of its reports of every year, and such a report's loss hidden by any.
#: A page's report is judged another agency's only when that is known: the names differ and so
#: do the organs, or the places both are known and differ (科技和工业信息化局 of no place known,
#: re-published as 西城区科技和工业信息化局, is not another's).
#: What makes up for a lost report is a report of its organ in its place, both known: two
#: districts' reports named 财政局 with no place known are not one agency's (one of them lost,
#: the other loaded, was no loss).
_SAME_AGENCY = """
create or replace temp macro gx_same_agency(a1, o1, c1, a2, o2, c2) as
    coalesce((a1 = a2 and coalesce(c1 = c2, true)) or (o1 = o2 and c1 = c2), false);
create or replace temp macro gx_other_agency(a1, o1, c1, a2, o2, c2) as
    a1 is not null and a2 is not null and not gx_same_agency(a1, o1, c1, a2, o2, c2)
    and not coalesce(o1 = o2 and (c1 is null or c2 is null), false);
create or replace temp macro gx_agency_year_loaded(a, o, c, y) as
    exists (select 1 from dim_report d
            where a is not null and o = d.organ_key and c = d.division_code
              and coalesce(d.stated_year, d.report_year) = y)
"""

#: pages of the year that were reports at its last load (or lost at an earlier one and still
#: out) whose report left the fact tables: the page quarantined now; gone (neither loaded nor
#: quarantined: deleted, moved or renamed); or loaded with another report, known to be another
#: agency's or another year's (a page overwritten under its name). A report is no loss while
#: its bytes or its content are loaded under any name or year (a page renamed or moved to a
#: loaded year), or a report of its agency for the year it stated is (a re-publication with
#: corrected figures, under this name or another). A report whose agency or year is not known
#: is never judged "another" (a page now naming no agency may be the same agency's). A report
#: that named no agency (a page naming only a kind of office, 发布机构:科技和工业信息化局, no place
#: before it) whose page now holds a named agency's report of its year is a possible loss: the
#: same office's report re-published naming its place reads exactly like another district's
#: office's copied over it, and the earlier report says nothing that tells them apart; counted
#: lost with a reason that says it may not be, unless its figures (_FIGURES: five cells or more
#: other than zero) are loaded under its year now, at any file name. Its page re-read by a newer
#: parser (the same bytes) or re-published still naming no agency (a corrected figure) is no loss.
#: Its page holding a report of another year is told with that report's agency, as known: the
#: lost report had none to be "the agency's".
_LOST_NOW = """
create or replace temp table gx_lost_now as
with candidates as (
    select source, report_id, content_fingerprint, agency, stated_year, organ_key, division_code,
        figures_fingerprint
    from gx_reports_before
    union all
    select source, report_id, content_fingerprint, agency, stated_year, organ_key, division_code,
        figures_fingerprint
    from lost_reports where report_year = $year
),
judged as (
    select c.*, q.reason as quarantined, d.report_id as now_id,
        gx_other_agency(c.agency, c.organ_key, c.division_code,
                        d.agency, d.organ_key, d.division_code) as other_agency,
        coalesce(d.stated_year <> coalesce(c.stated_year, $year), false) as other_year,
        c.agency is null and d.agency is not null as maybe_other,
        d.agency as now_agency, d.stated_year as now_year
    from candidates c
    left join quarantine q on q.report_year = $year and q.source = c.source
    left join dim_report d on d.report_year = $year and d.source = c.source
)
select distinct on (j.source)
    $year::integer as report_year, j.source, j.report_id, j.content_fingerprint, j.agency,
    case
        when j.quarantined is not null then j.quarantined
        when j.now_id is null then $gone
        when j.other_agency then 'the page now holds another agency''s report (' || j.now_agency || ')'
        when j.maybe_other and not j.other_year then 'possible loss: the page now holds '
            || j.now_agency || '''s report of the year, and the report it held named no agency '
            || 'to tell whether it was the same agency''s'
        when j.agency is null then 'the page now holds ' || coalesce(
            j.now_agency || '''s report of ' || j.now_year,
            'a report of ' || j.now_year || ' naming no agency')
        else 'the page now holds the agency''s report of ' || j.now_year
    end as reason,
    j.stated_year, j.organ_key, j.division_code, j.figures_fingerprint
from judged j
where (j.quarantined is not null or j.now_id is null
       or (j.now_id <> j.report_id and (j.other_agency or j.other_year or j.maybe_other)))
  and not exists (select 1 from dim_report d where d.report_id = j.report_id)
  and (j.content_fingerprint is null
       or not exists (select 1 from dim_report d
                      where d.content_fingerprint = j.content_fingerprint))
  and not gx_agency_year_loaded(j.agency, j.organ_key, j.division_code,
                                coalesce(j.stated_year, $year))
  and not exists (select 1 from gx_figures_now f
                  where j.agency is null and f.figures_fingerprint = j.figures_fingerprint
                    and coalesce(f.stated_year, $year) = coalesce(j.stated_year, $year))
order by j.source
"""


#: the figures of the year's reports now, where a report of its last load, or a lost one, that
#: named no agency has figures to find (none: the digests are not made)
_FIGURES_NOW = (
    """
create or replace temp table gx_figures_now as
select f.figures_fingerprint, d.stated_year
from ("""
    + _FIGURES.format(
        reports="dim_report where report_year = $year and exists ("
        "select 1 from gx_reports_before where figures_fingerprint is not null union all "
        "select 1 from lost_reports where report_year = $year and figures_fingerprint is not null)"
    )
    + """) f
join dim_report d using (report_id)
"""
)


#: another year's lost reports that this load loaded (a page moved here from its folder, a copy
#: of it, a report of its agency for its year): no loss any more, whichever year's load comes
#: first
_FOUND_AGAIN = """
delete from lost_reports l
where exists (select 1 from dim_report d where d.report_id = l.report_id)
   or exists (select 1 from dim_report d where d.content_fingerprint = l.content_fingerprint)
   or gx_agency_year_loaded(l.agency, l.organ_key, l.division_code,
                            coalesce(l.stated_year, l.report_year))
"""


def _note_lost_reports(conn: duckdb.DuckDBPyConnection, year: int) -> None:
    """Replace the year's lost_reports: its pages that were reports and are quarantined, gone
    or hold another report now; and drop those of other years whose report is loaded now."""
    conn.execute(_SAME_AGENCY)
    conn.execute(_FIGURES_NOW, {"year": year})
    conn.execute(_LOST_NOW, {"year": year, "gone": FILE_GONE})
    conn.execute("delete from lost_reports where report_year = ?", [year])
    conn.execute("insert into lost_reports by name select * from gx_lost_now")
    conn.execute("drop table gx_lost_now; drop table gx_figures_now")
    conn.execute(_FOUND_AGAIN)


def lost_reports(conn: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str | None, str]]:
    """The year's pages whose reports were loaded at an earlier load and are in no fact table
    now, as (source, the agency the report named, reason), by source; [] for a warehouse made
    before lost_reports."""
    if not conn.execute(
        "select count(*) from duckdb_tables() where table_name = 'lost_reports'"
    ).fetchone()[0]:
        return []
    return conn.execute(
        "select source, agency, reason from lost_reports where report_year = ? order by source",
        [year],
    ).fetchall()


#: how the reason of a copy quarantined for a copy loaded under another year goes on when that
#: copy is gone: the page is then in no fact table until its own year is loaded again
NO_LONGER_LOADED = "; that copy is no longer loaded"

#: quarantine rows of other years (stage load) naming a report of this year that its load
#: removed (neither its bytes nor its content are loaded any more, under any year); the
#: reasons name the copy by source (_place_copies, _move_out)
_LEFT_BEHIND = """
select q.report_year, q.source
from quarantine q
join gx_reports_before b
  on (suffix(q.reason, ' for report year ' || $year || ' as ' || b.source)
      or suffix(q.reason, ' for report year ' || $year || ' as ' || b.source
                          || ' (the year the page states)'))
where q.stage = 'load' and q.report_year <> $year
  and not exists (select 1 from dim_report d where d.report_id = b.report_id)
  and (b.content_fingerprint is null
       or not exists (select 1 from dim_report d
                      where d.content_fingerprint = b.content_fingerprint))
"""


def _release_copies(conn: duckdb.DuckDBPyConnection, year: int) -> None:
    """A copy quarantined under another year because this year's report was loaded (the same
    page or report) is in no fact table once this load removed that report (its file deleted,
    renamed to another content, or moved): its reason says so, and copies_left_behind names
    it, so that its year is loaded again (gx_pipeline.defs.staleness)."""
    left = conn.execute(_LEFT_BEHIND, {"year": year}).fetchall()
    for other_year, source in left:
        note = (
            f"{NO_LONGER_LOADED} (report year {year} was loaded again without it): this page is "
            f"in no fact table until report year {other_year} is loaded again"
        )
        conn.execute(
            "update quarantine set reason = reason || ? "
            "where report_year = ? and source = ? and stage = 'load'",
            [note, other_year, source],
        )
    conn.execute("drop table if exists gx_reports_before")


#: copies quarantined for a copy under another year that is no longer loaded: marked so by the
#: load that removed it, or (a warehouse written before loads marked them) naming a source its
#: year does not hold; a copy renamed since is found too, and its year's load names it again
_LEFT_BEHIND_ANY = """
select q.report_year, q.source
from quarantine q
where q.stage = 'load'
  and (contains(q.reason, $1)
       or (regexp_matches(q.reason, ' for report year \\d+ as ')
           and not exists (
               select 1 from dim_report d
               where d.report_year = try_cast(
                         regexp_extract(q.reason, ' for report year (\\d+) as ', 1) as integer)
                 and (suffix(q.reason, ' as ' || d.source)
                      or suffix(q.reason, ' as ' || d.source || ' (the year the page states)')))))
order by all
"""


def copies_left_behind(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Report year -> the sources of its copies quarantined for a copy under another year that
    is no longer loaded: pages in no fact table until their year is loaded again."""
    rows = conn.execute(_LEFT_BEHIND_ANY, [NO_LONGER_LOADED]).fetchall()
    out: dict[str, list[str]] = {}
    for year, source in rows:
        out.setdefault(str(year), []).append(source)
    return out


#: the year tables keyed by report_id (quarantine has none: its pages are not reports)
REPORT_TABLES = tuple(t for t in YEAR_TABLES if t != "quarantine")

#: entries of the year folder at the year's last load: each is a report or a quarantine row
_ENTRIES_LOADED = """
select (select count(*) from dim_report where report_year = $year),
       (select count(*) from quarantine where report_year = $year)
"""

#: staged reports of this year and the same report loaded under another year: the same bytes
#: (report_id) or the same content (content_fingerprint); two equi-joins, not one join on an
#: OR (which DuckDB would run as a nested loop over a national year)
_SAME_ELSEWHERE = """
with staged as (select * from read_parquet($dim))
select s.report_id, s.source, s.stated_year, d.report_id, d.report_year, d.source,
       d.raw_sha256, d.size, d.stated_year, true as same_bytes
from staged s join dim_report d using (report_id)
where d.report_year <> $year
union all
select s.report_id, s.source, s.stated_year, d.report_id, d.report_year, d.source,
       d.raw_sha256, d.size, d.stated_year, false as same_bytes
from staged s join dim_report d on d.content_fingerprint = s.content_fingerprint
where d.report_year <> $year and s.report_id <> d.report_id
order by 1, 5, 6
"""


def _place_copies(conn: duckdb.DuckDBPyConnection, year: int, dim: str) -> list[str]:
    """Settle each staged report that is also loaded under another year; return the staged
    report_ids that are not loaded here (quarantined here instead).

    A copy loaded under a year it does not state, whose page here states this year, moves
    here: so which copy is kept does not depend on the order of runs. Any other copy loaded
    elsewhere stays, and the page here is quarantined naming it."""
    pairs = conn.execute(_SAME_ELSEWHERE, {"dim": dim, "year": year}).fetchall()
    diverted: dict[str, str] = {}
    moved: set[str] = set()
    for (
        here_id,
        here,
        stated_here,
        other_id,
        other_year,
        source,
        sha256,
        size,
        stated,
        same,
    ) in pairs:
        what = "same page" if same else "same report (agency, year, format and every value)"
        if stated_here == year and stated != other_year:
            if other_id not in moved:
                moved.add(other_id)
                _move_out(conn, other_id, other_year, source, sha256, size, year, here)
            continue
        if other_id in moved or here_id in diverted:
            continue
        stated_note = " (the year the page states)" if stated == other_year else ""
        diverted[here_id] = (
            f"{what} already loaded for report year {other_year} as {source}{stated_note}"
        )
    if diverted:
        frame = pd.DataFrame({"report_id": list(diverted), "reason": list(diverted.values())})
        conn.register("gx_diverted", frame)
        try:
            conn.execute(_QUARANTINE_DIVERTED, {"dim": dim, "year": year})
        finally:
            conn.unregister("gx_diverted")
    return list(diverted)


def tell_quarantined_generated(conn: duckdb.DuckDBPyConnection, truth_dir: Path) -> int:
    """Quarantine rows of every year loaded without generated told generated or not as the
    inventory tells a raw file (its name gen-…, or its truth sidecar under `truth_dir`/<year>);
    returns how many. Such a row was loaded by the code before the column (a warehouse it
    wrote, or its stage loaded by a re-execution from failure): left null, quality_by_year
    could tell it only by its name, and a page generated by its sidecar was a real agency's."""
    rows = conn.execute(
        "select report_year, source from quarantine where generated is null"
    ).fetchall()
    if rows:
        conn.executemany(
            "update quarantine set generated = ? where report_year = ? and source = ?",
            [(is_generated(Path(source), truth_dir / str(y)), y, source) for y, source in rows],
        )
    return len(rows)


_QUARANTINE_DIVERTED = """
insert into quarantine by name
select $year as report_year, s.source, s.raw_sha256, s.size, 'load' as stage, g.reason,
       s.generated
from read_parquet($dim) s join gx_diverted g using (report_id)
"""


def _move_out(
    conn: duckdb.DuckDBPyConnection,
    report_id: str,
    old_year: int,
    source: str,
    sha256: str,
    size: int,
    year: int,
    here: str,
) -> None:
    """Remove a misfiled copy from the year it was loaded under; that year keeps a quarantine
    row naming the copy loaded here, and so do copies quarantined under other years for it."""
    reason = (
        f"the page states report year {year}, not {old_year}; "
        f"loaded for report year {year} as {here}"
    )
    (generated,) = conn.execute(
        "select generated from dim_report where report_id = ? and report_year = ?",
        [report_id, old_year],
    ).fetchone()
    for table in REPORT_TABLES:
        conn.execute(
            f"delete from {table} where report_id = ? and report_year = ?", [report_id, old_year]
        )
    # copies quarantined under other years for the one moved name where it is now
    named = f" for report year {old_year} as {source}"
    for other_year, other, said in conn.execute(
        "select report_year, source, reason from quarantine "
        "where stage = 'load' and report_year not in (?, ?) and suffix(reason, ?)",
        [old_year, year, named],
    ).fetchall():
        now = f"{said[: -len(named)]} for report year {year} as {here} (the year the page states)"
        conn.execute(
            "update quarantine set reason = ? where report_year = ? and source = ? "
            "and stage = 'load'",
            [now, other_year, other],
        )
    conn.execute(
        "insert into quarantine by name select ? as report_year, ? as source, "
        "? as raw_sha256, ? as size, 'load' as stage, ? as reason, ? as generated",
        [old_year, source, sha256, size, reason, generated],
    )


def page_versions_frame(rows: Sequence[VersionRow]) -> pd.DataFrame:
    """The rows of page_versions (sql/08_page_versions.sql) from the archive's history."""
    latest: dict[str, int] = {}
    for row in rows:
        latest[row.address] = max(latest.get(row.address, 0), row.version)
    records = [
        {
            **{f: getattr(row, f) for f in _VERSION_FIELDS},
            "superseded": row.version < latest[row.address],
            "manifest_year": row.year,
        }
        for row in rows
    ]
    frame = pd.DataFrame(records, columns=[*_VERSION_FIELDS, "superseded", "manifest_year"])
    for column in ("first_seen", "last_seen"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame.astype({"size": "Int64", "status": "Int32", "manifest_year": "Int32"})


_VERSION_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(VersionRow)
    if f.name not in ("changed_after_first", "year")  # = version > 1; manifest_year
)


def replace_page_versions(conn: duckdb.DuckDBPyConnection, rows: Sequence[VersionRow]) -> int:
    """Replace page_versions as a whole with `rows` (gx_pipeline.fetch.versions), in one
    transaction: a failed write leaves the previous history. Returns the rows written."""
    ensure_schema(conn)
    frame = page_versions_frame(rows)
    conn.register("staged_page_versions", frame)
    conn.begin()
    try:
        conn.execute("delete from page_versions")
        if len(frame):
            conn.execute("insert into page_versions by name select * from staged_page_versions")
        conn.commit()
    except BaseException:
        _rollback(conn)
        raise
    finally:
        conn.unregister("staged_page_versions")
    return len(frame)


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed write, never hiding why it failed: a failed statement (e.g. a
    constraint violation) has already aborted the transaction, and a commit whose checkpoint
    failed (a full disk) invalidates the database, so that the rollback itself fails with
    "database has been invalidated" and would replace the reason."""
    try:
        conn.rollback()
    except duckdb.Error:
        pass


def year_rows(conn: duckdb.DuckDBPyConnection, table: str, year: int) -> pd.DataFrame:
    if table not in YEAR_TABLES:
        raise ValueError(f"not a year table: {table}")
    return conn.execute(f"select * from {table} where report_year = ?", [year]).df()
