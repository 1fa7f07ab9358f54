"""The README's analyst queries print what the README shows, on the bundled data.

Each ```sql block of the section "## For analysts: the DuckDB file" is run against a warehouse
built from data/raw (every year, once per module) and rendered as a Markdown table: NULL for
null, Python's str() for everything else. The ```text block right after it must be identical.
"""

from __future__ import annotations

import re
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
    # a year whose every page was quarantined (bundled 2025: no real report, 2 pages
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
