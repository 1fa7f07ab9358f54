"""The analyst views on a small warehouse written with the library (no Dagster)."""

import duckdb
import pytest

from gx_pipeline import contract, warehouse
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile
from gx_pipeline.warehouse import schema


def _loaded(sha: str, year: int, agency: str, cells: list[Cell]) -> LoadedReport:
    raw = RawFile(f"{year}/{sha[:4]}.html", "", sha, 10, False)
    return LoadedReport(raw, Report(raw.source, agency, year, None, "2021", tuple(cells)), "test")


def _requests(**totals: float | None) -> list[Cell]:
    return [
        Cell("requests", row, "total", v, "" if v is None else str(v), 1, i, 8)
        for i, (row, v) in enumerate(totals.items())
    ]


def _load(conn: duckdb.DuckDBPyConnection, year: int, reports: list[LoadedReport]) -> None:
    warehouse.replace_year(
        conn, year, tables.year_frames(reports, [], year), clear=warehouse.YEAR_TABLES
    )
    warehouse.record_tally(conn, year, warehouse.evaluate_tally(conn, year))


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    _load(
        conn,
        2022,
        [
            _loaded("a" * 64, 2022, "宁强县自然资源局", _requests(carried_forward=5)),
            _loaded("c" * 64, 2022, "新华街道办事处", _requests(carried_forward=1)),
        ],
    )
    _load(
        conn,
        2023,
        [
            _loaded(
                "b" * 64,
                2023,
                "宁强县自然资源局",
                _requests(
                    new_received=8,
                    carried_over=4,
                    granted=3,
                    partially_granted=None,
                    **{"withheld.state_secret": 1},
                    results_total=6,
                ),
            ),
            _loaded("d" * 64, 2023, "新华街道办事处", _requests(carried_over=None)),
            _loaded("e" * 64, 2023, "新华街道办事处", _requests(carried_over=1)),
        ],
    )
    return conn


def test_wide_views_have_one_column_per_contract_column_with_both_headers(conn):
    for section, view in warehouse.WIDE_VIEWS.items():
        columns = dict(
            conn.execute(
                "select column_name, comment from duckdb_columns() where table_name = ?", [view]
            ).fetchall()
        )
        codes = {
            c
            for t in contract.TEMPLATES
            for r in contract.rows(t, section)
            for c in (col.code for col in r.columns)
        }
        assert codes <= set(columns)
        assert set(columns) - codes <= set(schema._WIDE_KEY_COMMENTS)
        assert all(columns.values()), f"{view} has a column without comment"
    comment = dict(
        conn.execute(
            "select column_name, comment from duckdb_columns() where table_name = 'requests_wide'"
        ).fetchall()
    )["natural_person"]
    assert comment.startswith("natural persons (自然人)")


def test_requests_wide_keeps_blank_cells_null(conn):
    got = conn.execute(
        'select "row", row_label_en, total from requests_wide where report_id = ? order by row_seq',
        ["b" * 16],
    ).fetchall()
    assert ("partially_granted", "granted in part", None) in got
    assert got[0] == ("new_received", "new requests received this year", 8.0)


def test_request_ratios_count_blank_numerators_as_zero(conn):
    share, full, withheld, blanks = conn.execute(
        "select granted_share, granted_in_full_share, withheld_share, blank_granted_cells "
        "from request_ratios where report_id = ?",
        ["b" * 16],
    ).fetchone()
    assert (share, full, withheld, blanks) == (0.5, 0.5, pytest.approx(1 / 6), 1)


def test_carry_chain_pairs_only_agencies_unique_in_both_years(conn):
    rows = conn.execute(
        "select agency, division_code, carried_over, previous_carried_forward, difference, status "
        "from carry_chain"
    ).fetchall()
    # 新华街道办事处 has two reports in 2023 and no region: never paired
    assert rows == [("宁强县自然资源局", "610726", 4.0, 5.0, -1.0, "fail")]


def test_quality_summary_is_written_with_the_tally_results(conn):
    verdicts = dict(conn.execute("select report_id, verdict from report_quality").fetchall())
    assert verdicts["b" * 16] == "not fully assessable"
    passed, failed, not_assessable = conn.execute(
        "select tally_passed, tally_failed, tally_not_assessable from dim_report "
        "where report_id = ?",
        ["b" * 16],
    ).fetchone()
    counts = dict(
        conn.execute(
            "select status, count(*) from tally_results where report_id = ? group by status",
            ["b" * 16],
        ).fetchall()
    )
    assert (passed, failed, not_assessable) == (
        counts.get("pass", 0),
        counts.get("fail", 0),
        counts.get("not_assessable", 0),
    )


def test_review_correction_rate_excludes_pending_and_blanks_count_as_zero():
    conn = duckdb.connect()
    cells = [
        Cell("appeals", "review", c, v)
        for c, v in [
            ("upheld", 3),
            ("corrected", 1),
            ("other", None),
            ("pending", 6),
            ("total", 10),
        ]
    ]
    _load(conn, 2023, [_loaded("f" * 64, 2023, "某局", cells)])
    assert conn.execute(
        "select decided, correction_rate, blank_outcome_cells from review_ratios "
        "where \"row\" = 'review'"
    ).fetchone() == (4.0, 0.25, 1)


def test_every_table_view_and_column_has_a_comment():
    conn = duckdb.connect()
    warehouse.ensure_schema(conn)
    missing = conn.execute(
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'main' and not internal and (comment is null or comment = '')"
    ).fetchall()
    assert missing == []
    assert conn.execute(
        "select count(*) from duckdb_tables() where schema_name = 'main' and comment is null"
    ).fetchone() == (0,)
    assert conn.execute(
        "select count(*) from duckdb_views() where schema_name = 'main' and not internal "
        "and comment is null"
    ).fetchone() == (0,)
