"""The requests_by_outcome query and chart: blank cells never become 0 on the way to a bar."""

import math

import duckdb

from gx_pipeline.warehouse import SQL_DIR, charts
from gx_pipeline_tests.test_views import BLANK_TOTALS, _full_report, _load, _loaded, _warehouse

BY_OUTCOME = (SQL_DIR / "queries" / "requests_by_outcome.sql").read_text(encoding="utf-8")
OUTCOMES = list(charts.HANDLED_OUTCOMES)

PRINTED = _full_report(
    new_received=(40, [40, 0, 0, 0, 0, 0]),
    granted=(16, [16, 0, 0, 0, 0, 0]),
    partially_granted=(5, [5, 0, 0, 0, 0, 0]),
    **{"withheld.third_party": (25, [25, 0, 0, 0, 0, 0])},
    results_total=(46, [46, 0, 0, 0, 0, 0]),
)
#: withheld.third_party is blank in 总计 and in an applicant column: the outcome is unknown
UNKNOWN_WITHHELD = _full_report(
    new_received=(9, [9, 0, 0, 0, 0, 0]),
    granted=(9, [9, 0, 0, 0, 0, 0]),
    **{"withheld.third_party": (None, [None, 0, 0, 0, 0, 0])},
    results_total=(9, [9, 0, 0, 0, 0, 0]),
)


def test_only_reports_whose_every_figure_is_known_are_summed():
    conn = _warehouse({"a": PRINTED, "b": BLANK_TOTALS, "c": UNKNOWN_WITHHELD})
    got = conn.execute(BY_OUTCOME).df().iloc[0]
    assert (got["reports"], got["complete_reports"], got["derived_reports"]) == (3, 2, 1)
    # b's granted and partially_granted come from its applicant columns (14 and 5), not 0
    assert (got["granted"], got["partially_granted"]) == (16 + 14, 5 + 5)
    assert got["withheld"] == 25  # c's other outcomes are left out with its unknown one
    assert got["results_total"] == 46 + 32
    # the bars add up to the requests handled: no outcome went missing as a blank
    assert sum(got[o] for o in OUTCOMES) == got["results_total"]


def test_the_2021_other_outcome_is_its_row_or_the_sum_of_its_sub_rows():
    sub_rows_only = [c for c in PRINTED if c.row != "other"]
    other_blank = _full_report(
        other=(None, [None] * 6),
        **{"other.fee_unpaid": (3, [3, 0, 0, 0, 0, 0])},
        results_total=(3, [3, 0, 0, 0, 0, 0]),
    )
    conn = _warehouse({"a": sub_rows_only, "b": other_blank})
    got = conn.execute(BY_OUTCOME).df().iloc[0]
    assert (got["complete_reports"], got["other"], got["results_total"]) == (2, 3, 49)


def test_a_year_without_a_complete_report_draws_no_bar_not_a_zero():
    conn = _warehouse({"a": PRINTED}, year=2022)
    _load(conn, 2023, [_loaded("d" * 64, 2023, "某局", UNKNOWN_WITHHELD)])
    by_year = conn.execute(BY_OUTCOME).df()
    bars = charts.requests_by_outcome_bars(by_year)
    assert bars.loc[2022, "granted"] == 16
    assert all(math.isnan(bars.loc[2023, c]) for c in bars.columns)
    png = charts.requests_by_outcome_png(by_year)
    assert png.startswith(b"\x89PNG")


def test_the_chart_says_how_many_of_the_reports_it_sums_need_review():
    # a report granting 9 of its 6 requests handled, summed with a consistent one: the bars
    # (17) overshoot the requests handled (12), and before, the year's label said "2 of 2"
    # with nothing to tell that one of the two contradicts itself
    handled = (6, [6, 0, 0, 0, 0, 0])
    consistent = _full_report(
        new_received=handled, granted=(6, [6, 0, 0, 0, 0, 0]), results_total=handled
    )
    contradicting = _full_report(
        new_received=handled, granted=(9, [6, 0, 0, 0, 0, 0]), results_total=handled
    )
    conn = duckdb.connect()
    _load(
        conn,
        2022,
        [
            _loaded(sha * 64, 2022, f"宁强县{sha}局", cells, published="2023-01-20")
            for sha, cells in (("a", consistent), ("b", contradicting))
        ],
    )
    by_year = conn.execute(BY_OUTCOME).df()
    got = by_year.iloc[0]
    assert (got["complete_reports"], got["granted"], got["results_total"]) == (2, 15, 12)
    assert got["needs_review_reports"] == 1
    assert charts.requests_by_outcome_labels(by_year) == ["2022\n2 of 2\nneeds review: 1"]
