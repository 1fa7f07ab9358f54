"""The README's analyst queries print what the README shows, on the bundled data.

Each ```sql block of the section "## For analysts: the DuckDB file" is run against a warehouse
built from data/raw (every year, once per module) and rendered as a Markdown table: NULL for
null, Python's str() for everything else. The ```text block right after it must be identical.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SECTION = "## For analysts: the DuckDB file"
_PAIR = re.compile(r"```sql\n(?P<sql>.*?)```\n+```text\n(?P<out>.*?)```", re.DOTALL)


def readme_examples(readme: str) -> list[tuple[str, str]]:
    section = readme.partition(SECTION)[2]
    section = re.split(r"\n## ", section, maxsplit=1)[0]
    return [(m["sql"], m["out"]) for m in _PAIR.finditer(section)]


def render(cursor: duckdb.DuckDBPyConnection) -> str:
    head = [d[0] for d in cursor.description]
    rows = [["NULL" if v is None else str(v) for v in row] for row in cursor.fetchall()]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _examples() -> list[tuple[str, str]]:
    return readme_examples((REPO / "README.md").read_text(encoding="utf-8"))


def test_readme_has_the_five_examples():
    assert len(_examples()) >= 5


@pytest.mark.parametrize("index", range(len(_examples())))
def test_readme_query_prints_what_the_readme_shows(bundled, index):
    sql, shown = _examples()[index]
    conn = duckdb.connect(str(bundled), read_only=True)
    try:
        assert render(conn.execute(sql)) == shown
    finally:
        conn.close()


def test_every_bundled_raw_page_is_in_exactly_one_of_dim_report_and_quarantine(bundled):
    raw = bundled.parent / "raw"
    pages = sorted(p.relative_to(raw).as_posix() for p in raw.glob("*/*") if p.is_file())
    conn = duckdb.connect(str(bundled), read_only=True)
    try:
        accounted = sorted(
            s
            for (s,) in conn.execute(
                "select source from dim_report union all select source from quarantine"
            ).fetchall()
        )
        uncommented = conn.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name = 'main' and not internal and comment is null"
        ).fetchall()
        unchecked = conn.execute(
            "select count(*) from dim_report where tally_passed is null"
        ).fetchone()
    finally:
        conn.close()
    assert accounted == pages
    assert uncommented == []
    assert unchecked == (0,)


def update_readme(database: Path, readme: Path = REPO / "README.md") -> None:
    """Rewrite the output blocks of the section from `database` (after a parser change)."""
    text = readme.read_text(encoding="utf-8")
    head, _, section = text.partition(SECTION)
    conn = duckdb.connect(str(database), read_only=True)
    try:
        section = _PAIR.sub(
            lambda m: f"```sql\n{m['sql']}```\n\n```text\n{render(conn.execute(m['sql']))}```",
            section,
        )
    finally:
        conn.close()
    readme.write_text(head + SECTION + section, encoding="utf-8")


if __name__ == "__main__":
    # .venv/bin/python -m gx_pipeline_tests.test_readme_queries WAREHOUSE (built from data/raw)
    import sys

    update_readme(Path(sys.argv[1]))


def test_the_quality_per_year_query_counts_the_quarantine_as_quality_by_year_does(bundled):
    # a year whose every page was quarantined (bundled 2025: no real report, its pages
    # quarantined) had no row, its pages counted nowhere, while quality_by_year lists it
    from gx_pipeline.warehouse.release import _QUALITY_SQL

    (sql,) = [sql for sql, _ in _examples() if "nothing_to_check" in sql]
    conn = duckdb.connect(str(bundled), read_only=True)
    try:
        shown = {row[0]: row[-1] for row in conn.execute(sql).fetchall()}
        per_year = conn.execute(f"select report_year, quarantined from ({_QUALITY_SQL})").fetchall()
    finally:
        conn.close()
    assert shown == dict(per_year)


def _keeping(bundled: Path, tmp_path: Path, generated: bool) -> duckdb.DuckDBPyConnection:
    """A copy of the bundled warehouse holding only its generated pages (`generated`) or only
    its real ones: what a figure of either kind must be, with no page of the other to mix in."""
    from gx_pipeline.warehouse.writes import REPORT_TABLES

    copy = tmp_path / f"{'generated' if generated else 'real'}.duckdb"
    shutil.copy(bundled, copy)
    conn = duckdb.connect(str(copy))
    dropped = "(select report_id from dim_report where generated <> ?)"
    for table in [t for t in REPORT_TABLES if t != "dim_report"]:
        conn.execute(f"delete from {table} where report_id in {dropped}", [generated])
    conn.execute("delete from dim_report where generated <> ?", [generated])
    conn.execute("delete from quarantine where generated <> ?", [generated])
    return conn


def _per_year(conn: duckdb.DuckDBPyConnection, sql: str) -> dict[int, dict]:
    frame = conn.execute(sql).df()
    return {int(row["report_year"]): row for row in frame.to_dict("records")}


def test_quality_by_year_counts_real_pages_only_and_generated_ones_apart(bundled, tmp_path):
    # the release's quality figures counted the generated pages (58 of the 74 bundled
    # reports) with the real agencies': every clean and every consistent report of the year
    # was a generated one, and a quarantined generated page was a quarantined real page
    from gx_pipeline.warehouse.release import _QUALITY_SQL

    conn = duckdb.connect(str(bundled), read_only=True)
    try:
        both = _per_year(conn, _QUALITY_SQL)
        (generated_reports,) = conn.execute(
            "select count(*) from dim_report where generated"
        ).fetchone()
    finally:
        conn.close()
    real, synthetic = (_keeping(bundled, tmp_path, g) for g in (False, True))
    try:
        real_only, generated_only = (
            _per_year(real, _QUALITY_SQL),
            _per_year(synthetic, _QUALITY_SQL),
        )
    finally:
        real.close(), synthetic.close()
    real_columns = [c for c in next(iter(both.values())) if not c.startswith("generated")]
    for year, row in both.items():
        alone = real_only.get(year, {})  # a year of generated pages only: every count 0
        assert {c: row[c] for c in real_columns[1:]} == {
            c: alone.get(c, 0) for c in real_columns[1:]
        }, year
        apart = generated_only.get(year, {})
        assert {c: row[c] for c in row if c.startswith("generated")} == {
            c: apart.get(c, 0) for c in row if c.startswith("generated")
        }, year
    # the generated pages are the bundled data's, counted where no figure is a real page's
    assert sum(row["generated_raw_files"] for row in both.values()) > generated_reports > 0
    assert not any(r[c] for r in generated_only.values() for c in real_columns[1:])


def test_the_requests_chart_sums_real_reports_only(bundled, tmp_path):
    # every bar of the requests chart was made of generated reports: on the bundled data each
    # report whose every figure is known is a generated one
    from gx_pipeline.defs.assets import _REQUESTS_BY_OUTCOME_SQL

    conn = duckdb.connect(str(bundled), read_only=True)
    try:
        both = _per_year(conn, _REQUESTS_BY_OUTCOME_SQL)
    finally:
        conn.close()
    real, synthetic = (_keeping(bundled, tmp_path, g) for g in (False, True))
    try:
        real_only = _per_year(real, _REQUESTS_BY_OUTCOME_SQL)
        generated_only = _per_year(synthetic, _REQUESTS_BY_OUTCOME_SQL)
    finally:
        real.close(), synthetic.close()
    assert sum(r["generated_reports"] for r in generated_only.values()) > 0
    summed = [c for c in next(iter(both.values())) if c not in ("report_year", "generated_reports")]
    for year, row in both.items():
        # a year of no real report with section 三: no report counted, no figure summed
        alone = real_only.get(year, {})
        expected = [alone.get(c, 0 if c.endswith("reports") else float("nan")) for c in summed]
        assert [row[c] for c in summed] == pytest.approx(expected, nan_ok=True), year
        assert row["generated_reports"] == generated_only.get(year, {}).get("generated_reports", 0)


def test_a_warehouse_of_older_code_is_released_its_quarantine_told_apart_by_name(bundled, tmp_path):
    # a warehouse the older code wrote (quarantine had no column generated), released before
    # any year is loaded again: the release read quarantine.generated and stopped on a binder
    # error. Its quarantined pages are told apart by name (gen-…), as quality_by_year says, so
    # the per-year figures are those of the same warehouse with the column
    older = tmp_path / "older.duckdb"
    shutil.copy(bundled, older)
    conn = duckdb.connect(str(older))
    (named,) = conn.execute(
        "select count(*) from quarantine where generated = starts_with(parse_filename(source), 'gen-')"
    ).fetchone()
    (quarantined,) = conn.execute("select count(*) from quarantine").fetchone()
    conn.execute("alter table quarantine drop column generated")
    conn.close()
    # every bundled generated page is named so: the name tells the same as the column
    assert named == quarantined > 0
    from gx_pipeline.warehouse import release

    release.release(bundled, tmp_path / "now", "2026.12.7")
    release.release(older, tmp_path / "older", "2026.12.7")
    for name in ("quality_by_year.csv", "quality.md"):
        assert (tmp_path / "older" / name).read_text(encoding="utf-8") == (
            tmp_path / "now" / name
        ).read_text(encoding="utf-8"), name
    # the older warehouse's quarantine is released as it is, as its datapackage describes it
    from frictionless import validate

    report = validate(tmp_path / "older" / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:3]
    released = duckdb.sql(
        f"describe select * from '{tmp_path / 'older' / 'quarantine' / '*.parquet'}'"
    ).fetchall()
    assert "generated" not in [c[0] for c in released]


def test_the_pooled_share_example_says_how_many_of_its_reports_need_review():
    # a report that contradicts itself (granted 9 of 6 handled) is pooled with a consistent
    # one: the example's share is 1.42 (17 of 12), and before, nothing in its output said that one of the
    # two reports it pooled needs review (the view has trust_status; the example summed over it)
    from gx_pipeline_tests.test_views import _full_report, _load, _loaded

    handled = (6, [6, 0, 0, 0, 0, 0])
    consistent = _full_report(
        new_received=handled,
        granted=(4, [4, 0, 0, 0, 0, 0]),
        partially_granted=(2, [2, 0, 0, 0, 0, 0]),
        results_total=handled,
    )
    contradicting = _full_report(
        new_received=handled,
        granted=(9, [4, 0, 0, 0, 0, 0]),
        partially_granted=(2, [2, 0, 0, 0, 0, 0]),
        results_total=handled,
    )
    conn = duckdb.connect()
    reports = [
        _loaded(name * 64, 2022, f"宁强县{name}局", cells, published="2023-01-20")
        for name, cells in (("a", consistent), ("b", contradicting))
    ]
    _load(conn, 2022, reports)
    assert conn.execute(
        "select list(trust_status order by trust_status) from dim_report"
    ).fetchone() == (["clean", "needs_review"],)
    (sql,) = [sql for sql, _ in _examples() if "from request_shares_by_year" in sql]
    cursor = conn.execute(sql)
    got = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    assert (got["used"], got["granted_share"]) == (2, 17 / 12)
    assert got["used_needs_review"] == 1
