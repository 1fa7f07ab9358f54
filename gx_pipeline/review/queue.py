"""What the review application reads: the published warehouse (read-only, a connection per
request, so a publish in between is picked up) with the live decisions log beside it.

The flags and each decision's attachment come from the warehouse's own macros
(sql/views/03b_reviews.sql) called on the log's decisions, so the application and the
warehouse's views judge a decision by the same rules, and a decision counts in the application
the moment it is made, before the pipeline copies it into the warehouse.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

import duckdb
import numpy as np
import pandas as pd

from gx_pipeline import tally
from gx_pipeline.review.log import CellSeen, ReviewLog, cell_key, frames

#: the names the log's decisions are registered under on a read-only connection
LOG_REVIEWS, LOG_CELLS = "gx_log_reviews", "gx_log_review_cells"
FACT_TABLES = ("fact_proactive", "fact_requests", "fact_appeals")


class ReviewDataError(RuntimeError):
    """The warehouse cannot serve the review (missing, or from before the review tables)."""


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    region: str | None = None
    flag: str | None = None
    trust: str | None = None
    #: open | confirmed | dismissed | second_look, or None for every status
    status: str | None = None


@dataclass(frozen=True)
class Flag:
    kind: str
    flag: str
    subject: str
    detail: str | None
    review_status: str
    decision: dict | None
    cells: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return flag_key(self.kind, self.flag, self.subject)


def flag_key(kind: str, flag: str, subject: str) -> str:
    return f"{kind}:{flag}:{subject}"


def parse_flag_key(key: str) -> tuple[str, str, str]:
    kind, _, rest = key.partition(":")
    flag, _, subject = rest.partition(":")
    return kind, flag, subject


class ReviewData:
    def __init__(self, database: Path, log: ReviewLog, raw_dir: Path, archive_dir: Path) -> None:
        self.database = Path(database)
        self.log = log
        self.raw_dir = Path(raw_dir)
        self.archive_dir = Path(archive_dir)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.database.exists():
            raise ReviewDataError(f"{self.database}: no warehouse yet (make run loads one)")
        conn = duckdb.connect(str(self.database), read_only=True)
        try:
            ((has,),) = conn.execute(
                "select count(*) from duckdb_functions() where function_name = 'flag_reviews_of'"
            ).fetchall()
            if not has:
                raise ReviewDataError(
                    f"{self.database} was written before the review tables: run the pipeline "
                    "once (make run) to bring it up to date"
                )
            reviews, cells = frames(self.log.read())
            conn.register(LOG_REVIEWS, reviews)
            conn.register(LOG_CELLS, cells)
            yield conn
        finally:
            conn.close()

    # --- the queue ---------------------------------------------------------------------------

    def queue(self, filters: Filters) -> pd.DataFrame:
        """One row per flagged report matching `filters`, with its flags by review status."""
        where, params = ["true"], []
        if filters.year is not None:
            where.append("f.report_year = ?")
            params.append(filters.year)
        if filters.region:
            where.append("(d.province = ? or d.city = ? or d.county = ?)")
            params += [filters.region] * 3
        if filters.flag:
            where.append("f.flag = ?")
            params.append(filters.flag)
        if filters.trust:
            where.append("d.trust_status = ?")
            params.append(filters.trust)
        if filters.status:
            where.append("f.review_status = ?")
            params.append(filters.status)
        sql = f"""
            select f.report_id, f.report_year, d.agency, d.province, d.source, d.trust_status,
                   d.generated, count(*) as flags,
                   count(*) filter (where f.review_status = 'open') as open,
                   count(*) filter (where f.review_status = 'confirmed') as confirmed,
                   count(*) filter (where f.review_status = 'dismissed') as dismissed,
                   count(*) filter (where f.review_status = 'second_look') as second_look,
                   string_agg(distinct f.flag, ', ' order by f.flag) as kinds
            from flag_reviews_of('{LOG_REVIEWS}', '{LOG_CELLS}') f
            join dim_report d using (report_id)
            where {" and ".join(where)}
            group by all
            order by open desc, f.report_year, d.source
        """
        with self.connect() as conn:
            rows = conn.execute(sql, params).df()
        # a missing agency or province is NaN in the frame, which a template shows as "nan"
        return rows.astype(object).where(rows.notna(), None)

    def choices(self) -> dict[str, list]:
        """The values each filter can take."""
        with self.connect() as conn:
            flags = f"flag_reviews_of('{LOG_REVIEWS}', '{LOG_CELLS}')"
            return {
                "years": [
                    y
                    for (y,) in conn.execute(
                        f"select distinct report_year from {flags} order by 1"
                    ).fetchall()
                ],
                "regions": [
                    r
                    for (r,) in conn.execute(
                        f"select distinct d.province from {flags} join dim_report d using "
                        "(report_id) where d.province is not null order by 1"
                    ).fetchall()
                ],
                "flags": [
                    f
                    for (f,) in conn.execute(
                        f"select distinct flag from {flags} order by 1"
                    ).fetchall()
                ],
            }

    def counts(self) -> pd.DataFrame:
        """Flags by kind, flag and review status, over the whole warehouse."""
        with self.connect() as conn:
            return conn.execute(
                f"select kind, flag, review_status, count(*) as flags "
                f"from flag_reviews_of('{LOG_REVIEWS}', '{LOG_CELLS}') group by all order by all"
            ).df()

    def second_look(self) -> pd.DataFrame:
        """Decisions in force that no longer attach as made."""
        with self.connect() as conn:
            return conn.execute(
                f"select * from review_status_of('{LOG_REVIEWS}', '{LOG_CELLS}') "
                "where in_force and needs_second_look order by made_at"
            ).df()

    # --- one report --------------------------------------------------------------------------

    def report(self, report_id: str) -> dict | None:
        with self.connect() as conn:
            frame = conn.execute("select * from dim_report where report_id = ?", [report_id]).df()
        if frame.empty:
            return None
        # list columns (problems, trust_reasons) come back as numpy arrays, whose truth value
        # is an error: plain lists
        return {k: _plain(v) for k, v in frame.iloc[0].to_dict().items()}

    def facts(self, report_id: str) -> pd.DataFrame:
        """Every cell of the report, in the contract's order."""
        union = " union all ".join(
            f"select section, row, col, label, col_label, value, raw, source_table, source_tr, "
            f"source_td from {t} where report_id = $id"
            for t in FACT_TABLES
        )
        sql = f"""
            select f.*, c.row_seq, c.col_seq, c.row_label_en, c.col_label_en
            from ({union}) f
            left join contract_cells c
              on c.template = $template and c.section = f.section and c."row" = f."row"
             and c.col = f.col
            order by case f.section when 'proactive' then 0 when 'requests' then 1 else 2 end,
                     c.row_seq, c.col_seq
        """
        report = self.report(report_id)
        template = report["template"] if report else None
        with self.connect() as conn:
            return conn.execute(sql, {"id": report_id, "template": template}).df()

    def flags(self, report_id: str, facts: pd.DataFrame, report: dict) -> list[Flag]:
        with self.connect() as conn:
            rows = conn.execute(
                f"select * from flag_reviews_of('{LOG_REVIEWS}', '{LOG_CELLS}') "
                "where report_id = ? order by kind, flag, subject",
                [report_id],
            ).df()
        keys = set(facts["section"] + "." + facts["row"] + "." + facts["col"])
        out = []
        for r in rows.itertuples(index=False):
            decision = None
            if r.decision_id is not None and not pd.isna(r.decision_id):
                decision = {
                    "action": r.action,
                    "reviewer": r.reviewer,
                    "made_at": r.made_at,
                    "note": r.note,
                    "attachment": r.attachment,
                }
            cells = flag_cells(r.kind, r.flag, r.subject, r.cells, report, facts, keys)
            out.append(Flag(r.kind, r.flag, r.subject, r.detail, r.review_status, decision, cells))
        return out

    def history(self, report_id: str) -> pd.DataFrame:
        with self.connect() as conn:
            return conn.execute(
                f"select * from review_status_of('{LOG_REVIEWS}', '{LOG_CELLS}') "
                "where report_id_now = ? or report_id = ? order by made_at",
                [report_id, report_id],
            ).df()

    # --- the page ----------------------------------------------------------------------------

    def raw_bytes(self, report: dict) -> bytes | None:
        """The raw page as archived: the file under data/raw/ while it still has the report's
        bytes, else the fetcher's archive object of that sha256; None when neither has it."""
        sha = str(report["raw_sha256"])
        candidates = []
        # the name as written, and as the bytes a name that is not UTF-8 was percent-encoded
        # from (inventory.safe_name); the hash tells which one holds the report
        written = str(report["source"])
        for name in dict.fromkeys((written, os.fsdecode(unquote_to_bytes(written)))):
            if "\x00" in name:  # '%00' in a name written with a % sign: no file's name
                continue
            source = self.raw_dir / name
            if source.resolve().is_relative_to(self.raw_dir.resolve()):
                candidates.append(source)
        if len(sha) == 64 and all(c in "0123456789abcdef" for c in sha):
            candidates.append(self.archive_dir / "objects" / sha[:2] / sha)
        for path in candidates:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest() == sha:
                return data
        return None


def _plain(value: object) -> object:
    """A value of a dim_report row as a template can test it: a list column as a list (a numpy
    array's truth value is an error), a missing value as None (NaN is true and shows "nan")."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def flag_cells(
    kind: str,
    flag: str,
    subject: str,
    listed: object,
    report: dict,
    facts: pd.DataFrame,
    keys: set[str],
) -> tuple[str, ...]:
    """The cells a flag is about, as keys the report has: an identity's terms; the cells the
    parser's problem lines name (a trust reason); the cells report_flags lists."""
    if kind == "tally":
        template = report.get("template")
        if template is None:
            return ()
        with_other = bool(((facts["section"] == "requests") & (facts["row"] == "other")).any())
        return tuple(
            k
            for t in tally.terms(template, with_other)
            if t.identity == flag
            and t.subject == subject
            and (k := cell_key(t.section, t.row, t.col)) in keys
        )
    if kind == "quality":
        if listed is None or (isinstance(listed, float) and pd.isna(listed)):
            return ()
        return tuple(k for k in listed if k in keys)
    return tuple(
        dict.fromkeys(k for line in report.get("problems") or () for k in problem_cells(line, keys))
    )


def problem_cells(line: str, keys: set[str]) -> list[str]:
    """The cells a problems line is about: its subject before the colon names a section's row
    (`requests.withheld.admin_query: …`, every cell of the row) or one cell
    (`proactive.procurement.amount: …`); a section, `meta.` or `page:` line names none."""
    head = line.split(":", 1)[0].strip()
    if "." not in head or " " in head:
        return []
    if head in keys:
        return [head]
    return sorted(k for k in keys if k.startswith(head + "."))


def identity_terms(report: dict, facts: pd.DataFrame, identity: str, subject: str) -> list[dict]:
    """The terms of an identity on the report, each with its side, cell and value."""
    template = report.get("template")
    if template is None:
        return []
    with_other = bool(((facts["section"] == "requests") & (facts["row"] == "other")).any())
    by_key = {cell_key(r.section, r.row, r.col): r for r in facts.itertuples(index=False)}
    out = []
    for t in tally.terms(template, with_other):
        if t.identity != identity or t.subject != subject:
            continue
        key = cell_key(t.section, t.row, t.col)
        fact = by_key.get(key)
        value = None if fact is None or pd.isna(fact.value) else float(fact.value)
        out.append(
            {
                "side": t.side,
                "key": key,
                "label": fact.label if fact is not None else t.row,
                "col_label": fact.col_label if fact is not None else t.col,
                "value": value,
            }
        )
    return out


def cells_seen(facts: pd.DataFrame, keys: tuple[str, ...] | list[str]) -> tuple[CellSeen, ...]:
    """The cells as the reviewer sees them now, for a decision."""
    by_key = {cell_key(r.section, r.row, r.col): r for r in facts.itertuples(index=False)}
    out = []
    for key in keys:
        r = by_key.get(key)
        if r is None:
            continue
        out.append(
            CellSeen(
                key,
                None if pd.isna(r.raw) else str(r.raw),
                None if pd.isna(r.value) else float(r.value),
                tuple(
                    None if pd.isna(v) else int(v)
                    for v in (r.source_table, r.source_tr, r.source_td)
                ),
            )
        )
    return tuple(out)


def locs_of(facts: pd.DataFrame, keys: tuple[str, ...] | list[str]) -> tuple[list, list]:
    """The page places of `keys`: HTML (table, tr, td) triples and text-copy line numbers."""
    by_key = {cell_key(r.section, r.row, r.col): r for r in facts.itertuples(index=False)}
    html_locs, lines = [], []
    for key in keys:
        r = by_key.get(key)
        if r is None or pd.isna(r.source_table):
            continue
        if int(r.source_table) == 0:
            lines.append(int(r.source_tr))
        else:
            html_locs.append((int(r.source_table), int(r.source_tr), int(r.source_td)))
    return html_locs, lines
