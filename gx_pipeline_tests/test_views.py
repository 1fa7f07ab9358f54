"""The analyst views on a small warehouse written with the library (no Dagster)."""

import duckdb
import pytest

from gx_pipeline import contract, warehouse
from gx_pipeline.agencies import rebuild
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile
from gx_pipeline.warehouse import schema


def _loaded(
    sha: str, year: int, agency: str, cells: list[Cell], published: str | None = None
) -> LoadedReport:
    """A 2021-format report; without `published` it is flagged publication_unknown."""
    raw = RawFile(f"{year}/{sha[:4]}.html", "", sha, 10, False)
    report = Report(raw.source, agency, year, published, "2021", tuple(cells))
    return LoadedReport(raw, report, "test")


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
    rebuild.rebuild(conn)  # as the pipeline does after each load: the agencies and the flags


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


def test_request_ratios_from_printed_totals(conn):
    share, full, withheld, derived = conn.execute(
        "select granted_share, granted_in_full_share, withheld_share, derived_rows "
        "from request_ratios where report_id = ?",
        ["b" * 16],
    ).fetchone()
    # partially_granted's 总计 is blank and it has no applicant cells: unknown, so is the share
    assert (share, full, withheld, derived) == (None, 0.5, None, [])


APPLICANTS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")


def _row(row: str, total: float | None, applicants: list[float | None]) -> list[Cell]:
    """A section 三 row: its six applicant cells and its 总计, blank where None."""
    values = [*zip(APPLICANTS, applicants, strict=True), ("total", total)]
    return [
        Cell("requests", row, col, v, "" if v is None else str(v), 1, 1, i)
        for i, (col, v) in enumerate(values)
    ]


def _full_report(**overrides: tuple[float | None, list[float | None]]) -> list[Cell]:
    """Every section 三 row of the 2021 format with 总计 0 and applicant cells 0, but `overrides`
    (row -> (total, applicants))."""
    cells: list[Cell] = []
    for r in contract.rows("2021", "requests"):
        total, applicants = overrides.get(r.code, (0, [0] * 6))
        cells += _row(r.code, total, applicants)
    return cells


def _warehouse(reports: dict[str, list[Cell]], year: int = 2022) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    loaded = [
        _loaded(sha * 64, year, f"某局{i}", cells) for i, (sha, cells) in enumerate(reports.items())
    ]
    _load(conn, year, loaded)
    return conn


#: the bundled report whose 总计 of granted and partially_granted is blank: 14 + 5 of 32
BLANK_TOTALS = _full_report(
    new_received=(32, [32, 0, 0, 0, 0, 0]),
    granted=(None, [14, 0, 0, 0, 0, 0]),
    partially_granted=(None, [5, 0, 0, 0, 0, 0]),
    **{"unavailable.not_held": (13, [13, 0, 0, 0, 0, 0])},
    results_total=(32, [32, 0, 0, 0, 0, 0]),
)


def test_a_blank_total_is_the_sum_of_its_applicant_columns_and_says_so():
    conn = _warehouse(
        {
            "a": _full_report(
                granted=(None, [14, 0, 0, 0, 0, 0]),
                partially_granted=(None, [5, None, 0, 0, 0, 0]),
                results_total=(32, [30, 2, 0, 0, 0, 0]),
            )
        }
    )
    got = {
        row: rest
        for row, *rest in conn.execute(
            "select row, printed_total, applicant_sum, total, derived from request_totals "
            "where row in ('granted', 'partially_granted', 'results_total')"
        ).fetchall()
    }
    assert got == {
        "granted": [None, 14.0, 14.0, True],
        # a blank applicant cell: the sum is unknown, and so is the total
        "partially_granted": [None, None, None, False],
        "results_total": [32.0, 32.0, 32.0, False],
    }


def test_granted_share_with_blank_totals_comes_from_the_applicant_columns_not_zero():
    conn = _warehouse({"a": BLANK_TOTALS})
    share, full, unavailable, derived = conn.execute(
        "select granted_share, granted_in_full_share, unavailable_share, derived_rows "
        "from request_ratios"
    ).fetchone()
    assert share == pytest.approx(19 / 32)  # was 0.0: the blank 总计 cells read as 0
    assert full == pytest.approx(14 / 32)
    assert unavailable == pytest.approx(13 / 32)
    assert derived == ["granted", "partially_granted"]


def test_shares_with_a_blank_that_cannot_be_derived_are_null():
    conn = _warehouse(
        {
            "a": _full_report(
                granted=(None, [14, None, 0, 0, 0, 0]),
                **{"withheld.third_party": (None, [None] * 6)},
                results_total=(32, [32, 0, 0, 0, 0, 0]),
            )
        }
    )
    row = conn.execute(
        "select granted, granted_share, granted_in_full_share, withheld, withheld_share, "
        "unavailable_share from request_ratios"
    ).fetchone()
    assert row == (None, None, None, None, None, 0.0)


def test_a_group_with_a_row_missing_from_the_page_has_no_figure():
    cells = [c for c in _full_report() if c.row != "withheld.admin_query"]  # cut off
    conn = _warehouse({"a": cells})
    assert conn.execute(
        "select withheld, withheld_share, not_processed from request_ratios"
    ).fetchone() == (
        None,
        None,
        0.0,
    )


def test_pooled_share_per_year_leaves_out_reports_with_a_blank_figure():
    complete = _full_report(
        granted=(16, [15, 1, 0, 0, 0, 0]),
        partially_granted=(5, [5, 0, 0, 0, 0, 0]),
        **{"withheld.third_party": (25, [25, 0, 0, 0, 0, 0])},
        results_total=(46, [46, 0, 0, 0, 0, 0]),
    )
    unknown = _full_report(
        granted=(None, [14, None, 0, 0, 0, 0]), results_total=(32, [32, 0, 0, 0, 0, 0])
    )
    conn = _warehouse({"a": complete, "b": BLANK_TOTALS, "c": unknown})
    # one row per trust status: pooled again over both, as the view's comment says
    got = conn.execute(
        "select sum(reports), sum(reports_used), sum(reports_left_out), "
        "sum(reports_with_derived), sum(granted_or_partly), sum(handled), "
        "sum(granted_or_partly) / sum(handled) from request_shares_by_year"
    ).fetchall()
    # a blank read as 0 would give (16 + 5) / (46 + 32 + 32) = 19 %
    assert got == [(3, 2, 1, 1, 40.0, 78.0, pytest.approx(40 / 78))]


def test_carry_chain_difference_of_a_blank_is_null():
    conn = duckdb.connect()
    _load(conn, 2022, [_loaded("a" * 64, 2022, "宁强县自然资源局", _requests(carried_forward=5))])
    _load(conn, 2023, [_loaded("b" * 64, 2023, "宁强县自然资源局", _requests(carried_over=None))])
    assert conn.execute(
        "select carried_over, previous_carried_forward, difference, status from carry_chain"
    ).fetchall() == [(None, 5.0, None, "not_assessable")]


def test_carry_chain_of_a_report_without_section_three_is_not_a_pass():
    # pages cut off before section 三 (only section 二 read) state neither 上年结转 nor
    # 结转下年度继续办理: counting both absent cells as 0 called the pair a pass, as the report
    # checks once called such a page consistent
    conn = duckdb.connect()
    cut = [Cell("proactive", "rules", "issued", 2.0, "2", 1, 3, 2)]
    _load(conn, 2021, [_loaded("a" * 64, 2021, "宁强县自然资源局", cut)])
    _load(conn, 2022, [_loaded("b" * 64, 2022, "宁强县自然资源局", cut)])
    _load(conn, 2023, [_loaded("c" * 64, 2023, "宁强县自然资源局", _requests(carried_over=0))])
    _load(conn, 2024, [_loaded("d" * 64, 2024, "宁强县自然资源局", _requests(carried_over=0))])
    assert conn.execute(
        "select report_year, carried_over, previous_carried_forward, difference, status, "
        "absent_cells from carry_chain order by report_year"
    ).fetchall() == [
        (2022, None, None, None, "not_assessable", 2),
        (2023, 0.0, None, None, "not_assessable", 1),
        # section 三 on both pages, 结转下年度继续办理 not among its rows: absent, counted as 0
        # as the contract counts it in a report's own identities: a pass that compared nothing,
        # and says so
        (2024, 0.0, None, None, "pass", 1),
    ]


def test_carry_chain_reads_section_three_once(conn):
    # carried_over, carried_forward, whether the page has each and whether it has section 三
    # were five lookups of fact_requests a report: one pass gives the same row (the tests above
    # and test_agency_series.py's series against their truths check what it gives)
    plan = conn.execute("explain select * from carry_chain").fetchall()[0][1]
    assert conn.execute("select count(*) from carry_chain").fetchone()[0] > 0
    assert plan.count("fact_requests") == 1


def test_every_view_says_which_reports_are_generated_and_their_trust_status(conn):
    views = [
        v
        for (v,) in conn.execute(
            "select view_name from duckdb_views() where schema_name = 'main' and not internal"
        ).fetchall()
    ]
    assert len(views) >= 10
    for view in views:
        columns = {
            c
            for (c,) in conn.execute(
                "select column_name from duckdb_columns() where table_name = ?", [view]
            ).fetchall()
        }
        assert {"generated", "trust_status"} <= columns, view
    assert (
        conn.execute(
            "select distinct w.generated, w.trust_status, w.trust_reasons = d.trust_reasons "
            "from requests_wide w join dim_report d using (report_id) where report_id = ?",
            ["b" * 16],
        ).fetchall()
        == conn.execute(
            "select generated, trust_status, true from dim_report where report_id = ?", ["b" * 16]
        ).fetchall()
    )


def test_carry_chain_pairs_only_agencies_unique_in_both_years(conn):
    rows = conn.execute(
        "select agency, division_code, carried_over, previous_carried_forward, difference, status "
        "from carry_chain"
    ).fetchall()
    # 新华街道办事处 has two reports in 2023 and no region: never paired
    assert rows == [("宁强县自然资源局", "610726", 4.0, 5.0, -1.0, "fail")]


def _generated(sha: str, year: int, agency: str, cells: list[Cell]) -> LoadedReport:
    raw = RawFile(f"{year}/gen-{sha[:4]}.html", "", sha, 10, True)
    return LoadedReport(raw, Report(raw.source, agency, year, None, "2021", tuple(cells)), "test")


@pytest.mark.parametrize("agency", ["宁强县自然资源局", "周矶街道办事处"])  # placed, place-less
@pytest.mark.parametrize("generated_year", [2022, 2023])
def test_a_generated_page_under_a_real_agencys_name_leaves_its_real_years_compared(
    agency, generated_year
):
    # generated pages carry real agencies' names (洪桥镇, 统计局 …): one in a year made the real
    # agency "several reports" that year (needs_review), and carry_chain and cells_year_over_year
    # left the real pair out, or (a name without place) split it into one agency per report
    conn = duckdb.connect()
    real = {
        2022: _loaded("a" * 64, 2022, agency, _requests(carried_forward=5)),
        2023: _loaded("b" * 64, 2023, agency, _requests(carried_over=4)),
    }
    fake = _generated(
        "c" * 64, generated_year, agency, _requests(carried_over=5, carried_forward=5)
    )
    for year, report in real.items():
        _load(conn, year, [report, fake] if year == generated_year else [report])
    assert conn.execute(
        "select report_id, previous_report_id, generated, status from carry_chain"
    ).fetchall() == [("b" * 16, "a" * 16, False, "fail")]
    assert conn.execute(
        "select distinct report_id, previous_report_id, generated from cells_year_over_year"
    ).fetchall() == [("b" * 16, "a" * 16, False)]
    real_ids = ["a" * 16, "b" * 16]
    assert conn.execute(
        "select count(distinct agency_id), count(*) filter (where list_contains(trust_reasons, "
        "'several_reports')) from dim_report where report_id in (select unnest(?))",
        [real_ids],
    ).fetchone() == (1, 0)
    # the generated page is an agency of its own, generated
    assert conn.execute(
        "select a.generated from dim_agency a join dim_report d using (agency_id) "
        "where d.report_id = ?",
        ["c" * 16],
    ).fetchall() == [(True,)]


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


def test_a_report_no_identity_applies_to_is_not_called_consistent():
    # a page cut off before sections 三 and 四 (only its section 二 read): no identity was
    # evaluated, which is no evidence of consistency
    conn = duckdb.connect()
    cells = [Cell("proactive", "rules", "issued", 2.0, "2", 1, 3, 2)]
    _load(conn, 2023, [_loaded("f" * 64, 2023, "某局", cells)])
    assert conn.execute(
        "select tally_passed, tally_failed, tally_not_assessable, verdict from report_quality"
    ).fetchone() == (0, 0, 0, "nothing to check")
    from gx_pipeline.warehouse.release import _QUALITY_SQL

    row = conn.execute(_QUALITY_SQL).df().iloc[0]
    assert (row["consistent"], row["nothing_to_check"]) == (0, 1)


def _consistent_report(handled: int) -> list[Cell]:
    """A whole section 三 that holds: `handled` requests received, all granted to natural
    persons, nothing carried over or forward (handled 0: every cell 0)."""
    row = (handled, [handled, 0, 0, 0, 0, 0])
    return _full_report(new_received=row, granted=row, results_total=row)


REQUEST_ROWS = [r.code for r in contract.rows("2021", "requests")]


@pytest.mark.parametrize("handled", [0, 7])
def test_a_page_cut_off_in_section_three_is_never_called_consistent(handled):
    # an excerpt cut off after its first rows of section 三, wherever the cut falls: the rows it
    # never reached are absent, counted as 0 by the contract, so identities over them hold as
    # 0 = 0 with no figure compared. Only the whole table is consistent.
    whole = _consistent_report(handled)
    # one report per cut, kept rows -> report id
    cuts = {f"{kept:02d}": kept for kept in range(1, len(REQUEST_ROWS) + 1)}
    conn = _warehouse(
        {sha: [c for c in whole if REQUEST_ROWS.index(c.row) < kept] for sha, kept in cuts.items()}
    )
    for sha, kept in cuts.items():
        verdict, passed_absent = conn.execute(
            "select verdict, tally_passed_absent from report_quality where report_id = ?",
            [(sha * 64)[:16]],
        ).fetchone()
        (counted,) = conn.execute(
            "select count(*) from tally_results "
            "where report_id = ? and status = 'pass' and absent_cells > 0",
            [(sha * 64)[:16]],
        ).fetchone()
        assert passed_absent == counted, kept
        if kept == len(REQUEST_ROWS):
            assert (verdict, passed_absent) == ("consistent", 0)
            continue
        assert verdict != "consistent", (kept, verdict)
        assert passed_absent > 0, kept
        if handled == 0:
            # nothing fails or is not assessable: every identity "holds"
            assert verdict == "holds only with absent cells as 0", kept


APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


@pytest.mark.parametrize("row", ["review", "litigation_direct", "litigation_after_review"])
def test_a_truncated_row_whose_end_was_taken_as_empty_is_not_called_consistent(row):
    # an appeals row of 12 of 15 cells: the parser takes the last cells as empty and emits them
    # without a place on the page (td None). An identity over them "holds" as 0 = 0 (the bundled
    # 襄都区 report of 2020 was consistent so); with every cell printed, the report is consistent.
    def appeals(lost: int) -> list[Cell]:
        cells = []
        for name in ("review", "litigation_direct", "litigation_after_review"):
            for i, col in enumerate(APPEAL_COLUMNS):
                if name == row and i >= len(APPEAL_COLUMNS) - lost:
                    cells.append(Cell("appeals", name, col, None, None, None, None, None))
                else:
                    cells.append(Cell("appeals", name, col, 0.0, "0", 1, 40, i + 1))
        return cells

    reports = {f"{lost}a": _consistent_report(3) + appeals(lost) for lost in range(5)}
    conn = _warehouse(reports)
    got = dict(
        conn.execute(
            "select d.source, q.verdict from report_quality q join dim_report d using (report_id)"
        ).fetchall()
    )
    absent = dict(
        conn.execute(
            "select d.source, t.absent_cells from tally_results t join dim_report d "
            "using (report_id) where t.identity = 'appeals.row_total' and t.subject = ?",
            [row],
        ).fetchall()
    )
    for lost in range(5):
        source = f"2022/{lost}a{lost}a.html"
        assert absent[source] == lost, source
        want = "consistent" if lost == 0 else "holds only with absent cells as 0"
        assert got[source] == want, source


def test_identities_over_rows_a_page_does_not_have_say_how_many_cells_were_absent():
    # cut off before results_total and carried_forward: every identity passes, and those that
    # read the two missing rows compared nothing of them
    cells = [c for c in _consistent_report(0) if c.row not in ("results_total", "carried_forward")]
    conn = _warehouse({"a": cells})
    got = dict(
        conn.execute(
            "select identity || ' ' || subject, absent_cells from tally_results "
            "where status = 'pass'"
        ).fetchall()
    )
    # every identity holds: 7 balance, 7 results_sum, 7 other_sum, 26 row_total
    assert len(got) == 47
    # requests.balance reads results_total and carried_forward of its column
    assert got["requests.balance total"] == 2
    assert got["requests.results_sum natural_person"] == 1
    assert got["requests.row_total results_total"] == 7  # the whole row: 总计 and six
    assert got["requests.row_total granted"] == 0
    assert conn.execute("select verdict from report_quality").fetchone() == (
        "holds only with absent cells as 0",
    )
    from gx_pipeline.warehouse import tally_check

    summary = tally_check.summarize(conn, 2022)
    assert (summary.passed, summary.absent_reports) == (47, 1)
    assert summary.passed_absent == sum(n > 0 for n in got.values())
    verdict = tally_check.judge(summary)
    assert verdict.description.endswith("not checked there): 1")
    # the row totals of its rows on the page compared figures: the year is checked
    assert verdict.passed
    # a page of one cell of section 三: every identity reads a cell it does not have
    one_cell = [c for c in cells if (c.row, c.col) == ("new_received", "total")]
    conn = _warehouse({"b": one_cell}, year=2023)
    summary = tally_check.summarize(conn, 2023)
    assert summary.passed_absent == summary.evaluations > 0
    assert (tally_check.judge(summary).passed, tally_check.judge(summary).severe) == (False, False)
    from gx_pipeline.warehouse.release import _QUALITY_SQL

    row = conn.execute(_QUALITY_SQL).df().iloc[0]
    assert (row["consistent"], row["holds_with_absent_cells"]) == (0, 1)


def test_shares_by_year_count_every_report_of_the_year_apart_from_those_with_section_three():
    # a page cut off before section 三 has no row in request_ratios: `reports` counted only the
    # reports with section 三 and was read as the year's reports
    cut = [Cell("proactive", "rules", "issued", 2.0, "2", 1, 3, 2)]
    conn = _warehouse({"a": BLANK_TOTALS, "b": cut, "c": cut})
    got = conn.execute(
        "select sum(reports_of_year), sum(reports_with_requests), sum(reports), "
        "sum(reports_used), sum(reports_left_out) from request_shares_by_year"
    ).fetchone()
    assert got == (3, 1, 1, 1, 0)
    assert conn.execute("select count(*) from dim_report").fetchone() == (3,)


def _review(**outcomes: float | None) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    cells = [Cell("appeals", "review", c, v) for c, v in outcomes.items()]
    _load(conn, 2023, [_loaded("f" * 64, 2023, "某局", cells)])
    return conn


def test_review_correction_rate_excludes_pending():
    conn = _review(upheld=3, corrected=1, other=0, pending=6, total=10)
    assert conn.execute(
        "select decided, correction_rate, upheld_rate, blank_outcome_cells from review_ratios "
        "where \"row\" = 'review'"
    ).fetchone() == (4.0, 0.25, 0.75, 0)


def test_review_rates_with_a_blank_outcome_are_null():
    conn = _review(upheld=3, corrected=1, other=None, pending=6, total=10)
    # a blank read as 0 would give decided 4 and a correction rate of 25 %
    assert conn.execute(
        "select decided, correction_rate, upheld_rate, blank_outcome_cells from review_ratios "
        "where \"row\" = 'review'"
    ).fetchone() == (None, None, None, 1)


@pytest.fixture
def empty() -> duckdb.DuckDBPyConnection:
    """A warehouse with its tables and views and no report."""
    conn = duckdb.connect()
    warehouse.ensure_schema(conn)
    return conn


def test_every_table_view_and_column_has_a_comment(empty):
    conn = empty
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


def test_a_cells_position_is_described_for_every_kind_of_page_the_parser_reads(empty):
    # a PDF's cell is at [page, line on the page, cell] and a Word file's at [table, row, cell]
    # (README, "Reports published as documents"); the comments named only HTML and text copies,
    # so source_table = 2 of a PDF read as its second table, not its second page
    comments = empty.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where column_name in ('source_table', 'source_tr', 'source_td')"
    ).fetchall()
    assert len(comments) == 12
    for table, column, comment in comments:
        for kind in ("HTML", "text copy", "PDF", "Word"):
            assert kind in comment, (table, column, comment)
    by_column = {(t, c): text for t, c, text in comments}
    assert "PDF = 1-based page" in by_column["fact_requests", "source_table"]
