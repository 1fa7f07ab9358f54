"""A versioned, citable release of the warehouse: one folder that any tool reads.

    gx release --out DIR [--version 2026.12.4] [--database PATH]

    DIR/README.md                      what is here, how to read it, licence, citation
    DIR/datapackage.json               Frictionless Data Package: every table and view with its
                                       schema (each column described by its DuckDB comment),
                                       keys, version, parser versions, years, licence, sources
    DIR/data-dictionary.md             the data dictionary of this warehouse
    DIR/quality.md, quality.png        per report year: pages loaded and quarantined (by stage),
                                       trust status, tally verdicts, the failing identities
    DIR/quality_by_year.csv            the per-year figures of quality.md
    DIR/<name>/<name>.parquet          one per table and view, empty ones with their schema
    DIR/SHA256SUMS                     `sha256sum -c SHA256SUMS` checks every file

Every relation reads with one glob, `read_parquet('DIR/<name>/*.parquet')`, with the types the
warehouse has (report_year stays INTEGER: no year in the path is read back as a wider column).
The database is input like any other: its catalogue names are checked and quoted by the
export's own functions, DuckDB may touch no file outside DIR, and DIR must be new or empty, so
a release never mixes with the files of another.

A release is complete or not there: it is written into a hidden sibling folder
(`.DIR.release-<pid>-<token>`) renamed to DIR once SHA256SUMS is written. A release that fails
leaves DIR empty and removes its sibling; one killed part-way leaves DIR empty and its sibling,
which the next release into DIR removes (its process gone). DIR cannot be a mount point (a
rename cannot take its place: release into a folder under it) or hold the current directory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import json
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from gx_pipeline import csvfiles
from gx_pipeline.parsing.page import version_order
from gx_pipeline.staging.inventory import file_sha256
from gx_pipeline.warehouse import charts, dictionary
from gx_pipeline.warehouse.export import _folder, _lock_to, quote_identifier
from gx_pipeline.warehouse.files import cannot_open
from gx_pipeline.warehouse.schema import SQL_DIR
from gx_pipeline.warehouse.swap import (
    ExportError,
    can_be_swapped,
    claimed,
    staging_folder,
    swap_in,
)

NAME = "gx-disclosure-reports"
TITLE = (
    "China's government information disclosure annual reports (政府信息公开工作年度报告) as tables"
)
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
#: the keys the warehouse keeps without declaring them: a fact table's cells are unique on
#: (report_id, row, col) (checked by the pandera model before every write, see the DDL), and
#: every table of reports refers to dim_report
UNIQUE_KEYS: dict[str, list[str]] = {
    "fact_requests": ["report_id", "row", "col"],
    "fact_appeals": ["report_id", "row", "col"],
    "fact_proactive": ["report_id", "row", "col"],
}
REFERS_TO_REPORTS = ("fact_requests", "fact_appeals", "fact_proactive", "tally_results")
#: how frictionless reads Parquet (through pandas) sees a missing number or time: NaN, NaT. Not
#: "": an empty text is a value (a flag's subject on the whole report, a raw cell left blank),
#: and a missing one arrives as None; a text field has none (its "nan" is a text, _field)
MISSING_VALUES = ["nan", "NaT"]
#: the stages a page can be quarantined at (quarantine.stage); others found are added
STAGES = ("inventory", "parse", "validate", "load")
SUMS = "SHA256SUMS"

_QUALITY_SQL = (SQL_DIR / "queries" / "quality_by_year.sql").read_text(encoding="utf-8")
# the real agencies' pages only, as every count of quality_by_year.sql not named generated*
# (a quarantined page of a warehouse loaded before quarantine.generated is told by its name)
_STAGES_SQL = """
select report_year, stage, count(*) from quarantine
where not coalesce(generated, regexp_matches(source, '(^|/)gen-[^/]*$'))
group by all order by all
"""
_REASONS_SQL = """
select report_year, reason, count(*) as reports
from (select report_year, unnest(trust_reasons) as reason from dim_report where not generated)
group by all order by report_year, reports desc, reason
"""
_FAILURES_SQL = """
select r.report_year, r.agency, r.source, r.generated, t.identity, t.subject,
       t.left_value, t.right_value, t.difference
from tally_results t join dim_report r using (report_id)
where t.status = 'fail' and not r.generated
order by r.report_year, r.source, t.identity, t.subject
"""
_FAILURE_COLUMNS = (
    "agency",
    "source",
    "generated",
    "identity",
    "subject",
    "left",
    "right",
    "difference",
)
_PRIMARY_KEYS_SQL = """
select table_name, constraint_column_names from duckdb_constraints()
where database_name = current_database() and constraint_type = 'PRIMARY KEY'
"""


@dataclass(frozen=True)
class Released:
    """What a release wrote: rows per table and view, and every file (relative to DIR)."""

    version: str
    rows: dict[str, int]
    files: list[str]
    #: a lock file a killed export or release left beside DIR, said (swap.claimed); ""
    left_lock: str = ""


#: the tables a release reads beyond the catalogue (its quality figures and facts)
RELEASE_NEEDS = ("dim_report", "quarantine", "tally_results")


def default_version(now: datetime | None = None) -> str:
    """The release's version when none is given: the date, as YEAR.MONTH.DAY (calendar
    versioning in SemVer's shape, which Data Package's version asks for)."""
    now = now or datetime.now(UTC)
    return f"{now.year}.{now.month}.{now.day}"


def release(database: str | Path, out_dir: str | Path, version: str | None = None) -> Released:
    """Write the release of `database` into `out_dir` (created; must be empty)."""
    version = version or default_version()
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+-]*", version):
        raise ExportError(f"version {version!r}: letters, digits, '.', '+' and '-' only")
    out = Path(out_dir).resolve()
    under = out / NAME
    can_be_swapped(out, "release", under)
    with claimed(out, "release", under) as left_lock:
        try:
            out.mkdir(exist_ok=True)
        except OSError as err:  # a file of that name
            raise ExportError(
                f"{out} cannot be a new folder: {err}; nothing was released"
            ) from None
        if any(out.iterdir()):
            raise ExportError(f"{out} is not empty: a release is written into a new folder")
        staged = staging_folder(out, "release", under)
        try:
            done = _write_release(database, staged, version)
            # complete: it takes the empty folder's place (a killed release left no file in
            # `out`, only its sibling, which the next release into `out` removes)
            try:
                swap_in(staged, out)
            except OSError as err:  # a bind mount (EBUSY)
                raise ExportError(
                    f"the release could not be put in place as {out}: {err}; nothing was released"
                ) from None
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return dataclasses.replace(done, left_lock=left_lock)


def _write_release(database: str | Path, out: Path, version: str) -> Released:
    """Every file of the release, written into the new folder `out`."""
    try:
        conn = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as err:  # missing, not a DuckDB file, or a writer holds its lock
        raise ExportError(f"{cannot_open(database, err)}; nothing was released") from None
    try:
        relations = dictionary.catalog(conn)
        # every name is checked before the first file is written
        folders = {r.name: _folder(out, r.name, database) for r in relations}
        tables = {t for (t,) in conn.execute("select table_name from duckdb_tables()").fetchall()}
        if missing := sorted(set(RELEASE_NEEDS) - tables):
            raise ExportError(
                f"{database} is a DuckDB file but not a gx-pipeline warehouse (no table "
                f"{', '.join(missing)}); nothing was released"
            )
        keys = _keys(conn)
        rows = dictionary.row_counts(conn, relations)
        with _quarantine_told_apart(conn):
            quality = _quality(conn)
            stages = conn.execute(_STAGES_SQL).fetchall()
        years = sorted(
            {y for (y,) in conn.execute("select distinct report_year from dim_report").fetchall()}
            | set(quality["report_year"])
        )
        parser_versions = sorted(
            (
                v
                for (v,) in conn.execute(
                    "select distinct parser_version from dim_report"
                ).fetchall()
            ),
            key=version_order,
        )
        ((reports, generated),) = conn.execute(
            "select count(*), count(*) filter (where generated) from dim_report"
        ).fetchall()
        dictionary_text = dictionary.render(conn)
        reasons, failures = (conn.execute(sql).fetchall() for sql in (_REASONS_SQL, _FAILURES_SQL))
        _lock_to(conn, out)
        for relation in relations:
            folder = folders[relation.name]
            folder.mkdir()
            try:
                conn.execute(
                    f"copy (select * from {quote_identifier(relation.name)}) to ? "
                    "(format parquet, compression zstd)",
                    [str(folder / f"{relation.name}.parquet")],
                )
            except duckdb.PermissionException as err:
                raise ExportError(
                    f"{database}: relation {relation.name!r} reads files outside the release: {err}"
                ) from None
    finally:
        conn.close()

    created = datetime.now(UTC).replace(microsecond=0)
    facts = {
        "version": version,
        "created": created.isoformat().replace("+00:00", "Z"),
        "years": years,
        "parser_versions": parser_versions,
        "reports": reports,
        "generated": generated,
    }
    package = _datapackage(relations, keys, facts, list(quality.columns))
    _write(out / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    _write(out / "data-dictionary.md", dictionary_text)
    _write_quality(out, quality, stages, reasons, failures)
    _write(out / "README.md", _readme(relations, rows, facts))
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    sums = "".join(f"{file_sha256(out / name)}  {name}\n" for name in files)
    _write(out / SUMS, sums)
    return Released(version, rows, [*files, SUMS])


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _keys(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    declared = {
        table: list(columns) for table, columns in conn.execute(_PRIMARY_KEYS_SQL).fetchall()
    }
    return {**UNIQUE_KEYS, **declared}


@contextlib.contextmanager
def _quarantine_told_apart(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """While in it, `quarantine` has the column generated, null where the warehouse has none:
    one the older code wrote, released before any year was loaded again (the load adds the
    column), is counted as quality_by_year.sql counts a row loaded before the column, by its
    name. Only the quality figures read it so: the warehouse's own quarantine is released as it
    is, as the dictionary describes it."""
    (has,) = conn.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'main' and table_name = 'quarantine' and column_name = 'generated'"
    ).fetchone()
    if has:
        yield
        return
    (database,) = conn.execute("select current_database()").fetchone()
    conn.execute(
        "create temp view quarantine as select *, null::boolean as generated "
        f"from {quote_identifier(database)}.main.quarantine"
    )
    try:
        yield
    finally:
        conn.execute("drop view temp.main.quarantine")


def _quality(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = conn.execute(_QUALITY_SQL).df()
    stages = conn.execute(_STAGES_SQL).fetchall()
    names = list(STAGES) + sorted({s for _, s, _ in stages} - set(STAGES))
    for stage in names:
        frame[f"quarantined_{stage}"] = 0
    for year, stage, n in stages:
        frame.loc[frame["report_year"] == year, f"quarantined_{stage}"] = n
    # the columns of generated pages after every column of real ones (quarantined_<stage>
    # included), where they were added
    apart = [c for c in frame.columns if c.startswith("generated_")]
    return frame[[c for c in frame.columns if c not in apart] + apart]


#: DuckDB's types as Table Schema's (https://specs.frictionlessdata.io/table-schema/#types)
_FIELD_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "UTINYINT": "integer",
    "USMALLINT": "integer",
    "UINTEGER": "integer",
    "UBIGINT": "integer",
    "HUGEINT": "integer",
    "FLOAT": "number",
    "DOUBLE": "number",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "TIMESTAMP WITH TIME ZONE": "datetime",
    "TIME": "time",
}


def _field(column: dictionary.Column) -> dict:
    # a list (VARCHAR[]) arrives from Parquet as an array frictionless's readers do not take as
    # "array": "any", with the exact type beside it
    field = {
        "name": column.name,
        "type": _FIELD_TYPES.get(
            column.type, "number" if column.type.startswith("DECIMAL") else "any"
        ),
        "description": column.comment or "",
        "duckdbType": column.type,
    }
    if field["type"] == "string":
        # a text is never NaN or NaT: one that reads "nan" is what a page printed, and a
        # missing one arrives as None
        field["missingValues"] = []
    if not column.nullable:
        field["constraints"] = {"required": True}
    return field


def _datapackage(
    relations: list[dictionary.Relation],
    keys: dict[str, list[str]],
    facts: dict,
    quality_columns: list[str],
) -> dict:
    names = {r.name for r in relations}
    resources = []
    for r in relations:
        schema: dict = {"fields": [_field(c) for c in r.columns], "missingValues": MISSING_VALUES}
        if r.name in keys:
            schema["primaryKey"] = keys[r.name]
        if r.name in REFERS_TO_REPORTS and "dim_report" in names:
            schema["foreignKeys"] = [
                {
                    "fields": ["report_id"],
                    "reference": {"resource": "dim_report", "fields": ["report_id"]},
                }
            ]
        resources.append(
            {
                "name": r.name,
                "type": "table",
                "path": f"{r.name}/{r.name}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": f"({r.kind}) {r.comment or ''}",
                "schema": schema,
            }
        )
    resources.append(
        {
            "name": "quality_by_year",
            "type": "table",
            "path": "quality_by_year.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": "Per report year, of the real agencies' pages: raw pages, reports "
            "loaded, pages quarantined (in all and by stage), trust status, the tally check's "
            "verdicts and failing identities (quality.md); generated (synthetic) pages only in "
            "the columns named generated*, in no other count.",
            "schema": {
                "fields": [{"name": c, "type": "integer"} for c in quality_columns],
                "primaryKey": ["report_year"],
            },
        }
    )
    years = facts["years"]
    span = f"{years[0]}-{years[-1]}" if years else "no year"
    return {
        "name": NAME,
        "title": TITLE,
        "version": facts["version"],
        "created": facts["created"],
        "description": (
            f"Report years {span}: every table and view of the gx-pipeline warehouse, one "
            "Parquet file each (read one with `read_parquet('<name>/*.parquet')`). A blank "
            "cell of a report is null, never 0, and so is every figure computed from one. "
            f"{facts['generated']} of the {facts['reports']} reports are generated (synthetic) "
            "pages, marked by the column `generated`: leave them out of any analysis of real "
            "agencies. The trust status of each report (dim_report.trust_status) says which "
            "need review. See README.md, data-dictionary.md and quality.md."
        ),
        "keywords": [
            "政府信息公开工作年度报告",
            "government information disclosure",
            "China",
            "open government",
        ],
        "licenses": [LICENSE],
        "sources": [
            {
                "title": "Annual reports on government information disclosure "
                "(政府信息公开工作年度报告) published by each agency under the Regulations "
                "on the Disclosure of Government Information; every report names its page in "
                "dim_report.source with the sha256 of its bytes (raw_sha256), and the web "
                "address it was fetched from, when it was, in page_versions.",
            }
        ],
        "citation": _citation(facts),
        "gx:reportYears": years,
        "gx:parserVersions": facts["parser_versions"],
        "gx:reports": facts["reports"],
        "gx:generatedReports": facts["generated"],
        "resources": resources,
    }


def _citation(facts: dict) -> str:
    return (
        f"gx-pipeline ({facts['created'][:4]}). {TITLE}, version {facts['version']} "
        f"[Data set]. Report years {', '.join(map(str, facts['years']))}; parser version(s) "
        f"{', '.join(facts['parser_versions']) or 'none'}. Licence {LICENSE['name']}."
    )


#: report_quality's 'not checked': a report the tally of this code has not judged, which only a
#: load by older code leaves (before dim_report's tally counts, or before cells absent from the
#: page were counted, whose passes may hold only over them): the tally did run on most of them
_NOT_CHECKED_WHY = (
    " (loaded by older code, before the tally counted cells absent from the page: load the "
    "year again)"
)


def _write_quality(
    out: Path, quality: pd.DataFrame, stages: list, reasons: list, failures: list
) -> None:
    columns = list(quality.columns)
    with csvfiles.open_for_writing(out / "quality_by_year.csv") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(quality.itertuples(index=False))
    (out / "quality.png").write_bytes(charts.quality_png(quality))
    lines = [
        "# Quality per report year",
        "",
        (
            "What became of each year's raw pages and how far its reports can be trusted, "
            "real agencies' pages only: generated (synthetic) pages are counted apart, in the "
            "columns named `generated*`, and in no other figure, chart or list here. "
            "`quality_by_year.csv` holds the figures of the first table; `report_quality` and "
            "`quarantine` hold them per report and per page (column `generated`)."
        ),
        "",
        "![Raw pages per report year: loaded by trust status, or quarantined](quality.png)",
        "",
        charts.markdown_table(quality),
        (
            "Trust status: clean (every cell placed by its label or an unambiguous position, the "
            "page states its agency, year and format, every identity that can be assessed holds) or "
            "needs_review (dim_report.trust_reasons says why). Tally verdicts: see report_quality."
        ),
        "",
    ]
    for year in quality["report_year"]:
        row = quality[quality["report_year"] == year].iloc[0]
        by_stage = ", ".join(f"{s} {n}" for y, s, n in stages if y == year) or "none"
        why = ", ".join(f"{r} {n}" for y, r, n in reasons if y == year) or "none"
        lines += [
            f"## {year}",
            "",
            (
                f"- raw pages of real agencies: {row['raw_files']}; loaded {row['loaded']}, "
                f"quarantined {row['quarantined']} (by stage: {by_stage})"
            ),
            (
                f"- generated (synthetic) pages, in no other figure here: "
                f"{row['generated_raw_files']}; loaded {row['generated']} "
                f"({row['generated_clean']} clean, {row['generated_needs_review']} need review, "
                f"{row['generated_contradicts_itself']} contradicting themselves, "
                f"{row['generated_failing_identities']} failing identities), quarantined "
                f"{row['generated_quarantined']}"
            ),
            (
                f"- trust status: {row['clean']} clean, {row['needs_review']} need review "
                f"(reasons: {why})"
            ),
            (
                f"- tally: {row['consistent']} consistent, {row['holds_with_absent_cells']} "
                "holding only with cells absent from the page counted as 0, "
                f"{row['not_fully_assessable']} not fully "
                f"assessable, {row['contradicts_itself']} contradict themselves, "
                f"{row['nothing_to_check']} with nothing to check (no cell of section 三 or 四), "
                f"{row['not_checked']} not checked{_NOT_CHECKED_WHY if row['not_checked'] else ''}"
            ),
            (
                f"- review of the flags (gx review; reviews, flag_reviews): "
                f"{row['open_flags']} open, {row['confirmed_flags']} confirmed, "
                f"{row['dismissed_flags']} dismissed as the parser's misreading "
                f"(parser_defects), {row['second_look_flags']} needing a second look; "
                f"{row['corrected_cells']} cells with a correction (facts_corrected)"
            ),
            "",
        ]
        failing = [f[1:] for f in failures if f[0] == year]
        if failing:
            lines += [
                "Failing identities (every cell present, the report contradicts itself):",
                "",
                charts.markdown_table(pd.DataFrame(failing, columns=_FAILURE_COLUMNS)),
            ]
    _write(out / "quality.md", "\n".join(lines))


def _readme(relations: list[dictionary.Relation], rows: dict[str, int], facts: dict) -> str:
    listing = "\n".join(
        f"| `{r.name}/{r.name}.parquet` | {r.kind} | {rows[r.name]} | {dictionary.markdown_cell(r.comment)} |"
        for r in relations
    )
    return f"""# {TITLE}

Version {facts["version"]}, created {facts["created"]}; report years
{", ".join(map(str, facts["years"]))}; parser version(s) {", ".join(facts["parser_versions"])}.

{facts["reports"]} reports, of which {facts["generated"]} are **generated** (synthetic) pages:
every table and view has the column `generated` (or joins to dim_report, which has it); leave
them out of any analysis of real agencies. A blank cell of a report is null, never 0, and so is
every figure computed from one (request_totals says which totals are derived from the applicant
columns). Each report's trust status (`trust_status`, `trust_reasons`) says which need review.

## Reading it

Each table and view is one Parquet file with the warehouse's own column types:

```sql
select * from read_parquet('fact_requests/*.parquet');   -- DuckDB; pandas, polars, R arrow alike
```

`datapackage.json` describes every file (Frictionless Data Package: each column's type and
meaning, primary and foreign keys); `frictionless validate datapackage.json` checks the files
against it, `sha256sum -c {SUMS}` checks them against this release. Its `missingValues`
list "nan" and "NaT" only because frictionless reads Parquet through pandas, which shows a
missing number or time that way; the files hold nulls. A text column has none (an empty
`missingValues`): a text that reads "nan" is what a page printed.

| file | kind | rows | what |
| --- | --- | ---: | --- |
{listing}

Also: `data-dictionary.md` (every column), `quality.md` and `quality.png` (per report year:
pages loaded and quarantined, trust status, tally verdicts, failing identities),
`quality_by_year.csv`.

## Licence and sources

{LICENSE["title"]} ({LICENSE["name"]}, {LICENSE["path"]}). The reports are published by the
agencies named in them; `dim_report.source` names each page and `raw_sha256` its bytes.

## Citation

{_citation(facts)}
"""


def main_release(argv: Sequence[str] | None = None) -> int:
    from gx_pipeline.datadir import data_dir  # the one place that knows where data/ is
    from gx_pipeline.warehouse.files import published_behind

    parser = argparse.ArgumentParser(
        prog="gx release",
        description="Write a versioned, citable release of the warehouse into a new folder.",
    )
    parser.add_argument("--out", required=True, help="output folder (new or empty)")
    parser.add_argument(
        "--version", help="release version (default: today's date as YEAR.MONTH.DAY)"
    )
    parser.add_argument(
        "--database",
        default=str(data_dir() / "warehouse.duckdb"),
        help="warehouse file (default: the published data/warehouse.duckdb)",
    )
    args = parser.parse_args(argv)
    if behind := published_behind(args.database):
        print(f"gx release: {behind}", file=sys.stderr)
    try:
        done = release(args.database, args.out, args.version)
    except ExportError as err:
        print(f"gx release: {err}", file=sys.stderr)
        return 2
    if done.left_lock:
        print(f"gx release: {done.left_lock}", file=sys.stderr)
    for name in done.files:
        print(name)
    print(f"gx release: version {done.version}, {len(done.files)} files in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_release())
