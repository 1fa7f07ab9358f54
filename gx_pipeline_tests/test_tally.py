"""The tally identities: their semantics, and the SQL evaluation against the Python one."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from gx_pipeline import tally, warehouse
from gx_pipeline.parsing import ParseError, parse_file
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile

DATA_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _report(cells: list[Cell], template: str = "2019") -> Report:
    return Report("x.html", "某局", 2020, None, template, tuple(cells))


def _by_key(results: list[tally.TallyResult]) -> dict[tuple[str, str], tally.TallyResult]:
    return {(r.identity, r.subject): r for r in results}


def test_identity_with_every_operand_present_fails_when_it_does_not_hold():
    cells = [
        Cell("appeals", "review", c, v)
        for c, v in [("upheld", 1), ("corrected", 0), ("other", 0), ("pending", 0), ("total", 2)]
    ]
    result = _by_key(tally.evaluate(_report(cells)))[("appeals.row_total", "review")]
    assert (result.left, result.right, result.status) == (2.0, 1.0, "fail")
    assert result.difference == 1.0


def test_blank_operand_makes_a_broken_identity_not_assessable_and_counts_as_zero():
    cells = [
        Cell("appeals", "review", c, v)
        for c, v in [("upheld", 1), ("corrected", None), ("other", 0), ("pending", 0), ("total", 2)]
    ]
    result = _by_key(tally.evaluate(_report(cells)))[("appeals.row_total", "review")]
    assert (result.left, result.right, result.status) == (2.0, 1.0, "not_assessable")


def test_blank_operands_that_still_balance_pass():
    cells = [Cell("appeals", "review", "total", None)]
    result = _by_key(tally.evaluate(_report(cells)))[("appeals.row_total", "review")]
    assert result.status == "pass"


def test_identities_of_a_missing_section_are_not_evaluated():
    cells = [Cell("appeals", "review", "total", 0)]
    assert {r.identity for r in tally.evaluate(_report(cells))} == {"appeals.row_total"}


def test_other_sum_applies_only_where_the_2021_other_row_has_cells():
    base = [Cell("requests", "new_received", "total", 0)]
    without = {r.identity for r in tally.evaluate(_report(base, "2021"))}
    with_row = {
        r.identity
        for r in tally.evaluate(_report([*base, Cell("requests", "other", "total", 1)], "2021"))
    }
    assert "requests.other_sum" not in without
    assert "requests.other_sum" in with_row


def test_carry_chain_compares_totals_across_years():
    assert tally.carry_chain(3, 3).status == "pass"
    assert tally.carry_chain(3, 2).status == "fail"
    assert tally.carry_chain(None, 2).status == "not_assessable"


def _bundled_reports() -> dict[int, list[LoadedReport]]:
    out: dict[int, list[LoadedReport]] = {}
    for path in sorted(DATA_RAW.glob("*/*")):
        try:
            report = parse_file(path)
        except ParseError:
            continue
        if not report.cells:
            continue
        sha = report.sha256 or ""
        raw = RawFile(path.name, str(path), sha, path.stat().st_size, path.name.startswith("gen-"))
        out.setdefault(int(path.parent.name), []).append(LoadedReport(raw, report, "test"))
    return out


@pytest.mark.parametrize("year", range(2019, 2026))
def test_sql_evaluation_agrees_with_the_python_one_on_the_bundled_reports(year: int):
    loaded = _bundled_reports()[year]
    conn = duckdb.connect()
    frames = tables.year_frames(loaded, [], year)
    warehouse.replace_year(conn, year, frames)
    sql = warehouse.evaluate_tally(conn, year)
    got = {
        (r.report_id, r.identity, r.subject): (r.left_value, r.right_value, r.status)
        for r in sql.itertuples(index=False)
    }
    expected = {
        (item.report_id, t.identity, t.subject): (t.left, t.right, t.status)
        for item in loaded
        for t in tally.evaluate(item.report)
    }
    assert got == expected
    assert any(status == "fail" for *_, status in got.values()) == (year in (2020, 2021, 2023))
