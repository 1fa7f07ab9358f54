"""The tally identities: their semantics, and the SQL evaluation against the Python one."""

from __future__ import annotations

import random
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


def _by_terms(report: Report) -> list[tuple]:
    """The evaluation as the terms define it: one dictionary of the cells (the later of two
    with one key counts), each side summed term after term, blanks and absent cells as 0; a
    cell is absent when not among the cells or without a place on the page (td None)."""
    value = {(c.section, c.row, c.col): c.value for c in report.cells}
    placed = {(c.section, c.row, c.col): c.td is not None for c in report.cells}
    with_other = any(c.section == "requests" and c.row == "other" for c in report.cells)
    sides: dict[tuple[str, str], list] = {}
    for t in tally.terms(report.template, with_other):
        if any(c.section == t.section for c in report.cells):
            sums = sides.setdefault((t.identity, t.subject), [0.0, 0.0, True, 0])
            v = value.get((t.section, t.row, t.col))
            sums[t.side == "right"] += v or 0
            sums[2] = sums[2] and v is not None
            sums[3] += not placed.get((t.section, t.row, t.col), False)
    return [
        (i, s, repr(left), repr(right), tally.status(left, right, complete), absent)
        for (i, s), (left, right, complete, absent) in sides.items()
    ]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_the_evaluation_sums_each_side_term_after_term_whatever_the_cells(template: str):
    # reports of one layout with other values (the layout's plan is reused), cells blank,
    # absent, given twice, without a place on the page (the end of a truncated row), amounts
    # whose sum depends on the order of the terms
    rng = random.Random(7)
    keys = [
        (t.section, t.row, t.col)
        for with_other in (False, True)
        for t in tally.terms(template, with_other)
    ]
    keys = list(dict.fromkeys(keys))
    for _ in range(60):
        chosen = [k for k in keys if rng.random() < 0.9]
        values = [None, 0, 0.0, -0.0, 1, 7, 0.1, 0.2, 0.3, 1e16, 2.5]
        # most cells have a place on the page; a truncated row's end has none
        cells = [
            Cell(*k, rng.choice(values), None, 1, 1, rng.choice([None, 2, 3, 4, 5])) for k in chosen
        ]
        cells += [
            Cell(*rng.choice(chosen), rng.choice([None, 3, 0.7]), None, 1, 1, rng.choice([None, 6]))
            for _ in range(3)
        ]
        for shuffled in (cells, rng.sample(cells, len(cells))):
            report = _report(shuffled, template)
            got = [
                (r.identity, r.subject, repr(r.left), repr(r.right), r.status, r.absent_cells)
                for r in tally.evaluate(report)
            ]
            assert got == _by_terms(report)


def _random_report(rng: random.Random, template: str | None) -> Report:
    """A report of a random layout: cells chosen among the identities' (some blank, some given
    twice, some without a place on the page), or none, or of no template."""
    keys = list(
        dict.fromkeys(
            (t.section, t.row, t.col)
            for with_other in (False, True)
            for t in tally.terms(template or "2019", with_other)
        )
    )
    share = rng.choice([0.0, 0.3, 0.9, 1.0])
    chosen = [k for k in keys if rng.random() < share]
    if rng.random() < 0.2:  # only one section
        section = rng.choice(["requests", "appeals"])
        chosen = [k for k in chosen if k[0] == section]
    values = [None, 0, 0.0, -0.0, 1, 7, 0.1, 0.2, 0.3, 1e16, 2.5, 2**60 + 1]
    cells = [Cell(*k, rng.choice(values), None, 1, 1, rng.choice([None, 2, 3, 4])) for k in chosen]
    if chosen:
        cells += [Cell(*rng.choice(chosen), 0.7, None, 1, 1, 6) for _ in range(rng.randrange(3))]
    return _report(rng.sample(cells, len(cells)), template)


def test_a_batch_is_evaluated_as_each_of_its_reports_alone():
    # batches mixing templates, layouts, reports with no cell, of no template, of one section:
    # each report's rows of the batch's evaluation are its evaluation term after term
    rng = random.Random(11)
    for size in (1, 2, 5, 40):
        reports = [_random_report(rng, rng.choice(["2019", "2021", None])) for _ in range(size)]
        evaluated = tally.evaluate_all(reports)
        statuses = evaluated.statuses()
        rows = list(
            zip(
                evaluated.report.tolist(),
                evaluated.identity,
                evaluated.subject,
                map(repr, evaluated.left.tolist()),
                map(repr, evaluated.right.tolist()),
                statuses,
                evaluated.absent_cells.tolist(),
                strict=True,
            )
        )
        expected = [
            (k, *row)
            for k, report in enumerate(reports)
            for row in (_by_terms(report) if report.template else [])
        ]
        assert rows == expected
        for status in tally.STATUSES:
            assert evaluated.count(status).tolist() == [
                sum(row[5] == status for row in expected if row[0] == k) for k in range(size)
            ]
        assert evaluated.count("pass", with_absent=True).tolist() == [
            sum(row[5] == "pass" and row[6] > 0 for row in expected if row[0] == k)
            for k in range(size)
        ]


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
        (r.report_id, r.identity, r.subject): (
            r.left_value,
            r.right_value,
            r.absent_cells,
            r.status,
        )
        for r in sql.itertuples(index=False)
    }
    # the rows the pipeline stages and writes with the facts (tally.evaluate, per report)
    staged = frames["tally_results"]
    expected = {
        (r.report_id, r.identity, r.subject): (
            r.left_value,
            r.right_value,
            r.absent_cells,
            r.status,
        )
        for r in staged.itertuples(index=False)
    }
    assert got == expected
    assert len(staged) == sum(len(tally.evaluate(item.report)) for item in loaded)
    assert any(status == "fail" for *_, status in got.values()) == (year in (2020, 2021, 2023))
    # dim_report's counts come from the same evaluation
    counts = conn.execute(
        "select report_id, tally_passed, tally_failed, tally_not_assessable, tally_passed_absent "
        "from dim_report"
    ).fetchall()
    for report_id, passed, failed, not_assessable, passed_absent in counts:
        mine = [(s, a) for (rid, *_), (*_, a, s) in expected.items() if rid == report_id]
        statuses = [s for s, _ in mine]
        assert (passed, failed, not_assessable, passed_absent) == (
            statuses.count("pass"),
            statuses.count("fail"),
            statuses.count("not_assessable"),
            sum(s == "pass" and a > 0 for s, a in mine),
        )
    # the excerpts cut off after section 三's first rows (and a truncated generated page) pass
    # identities over rows they do not have
    passes_over_absent = any(a > 0 and s == "pass" for *_, a, s in got.values())
    assert passes_over_absent == (year in (2020, 2022, 2023, 2025))


def _stored_year(year: int) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    warehouse.replace_year(conn, year, tables.year_frames(_bundled_reports()[year], [], year))
    return conn


def test_the_year_summary_counts_what_the_rows_say():
    from gx_pipeline.warehouse import tally_check

    conn = _stored_year(2020)
    summary = tally_check.summarize(conn, 2020)
    (reports,) = conn.execute("select count(*) from dim_report").fetchone()
    (failed,) = conn.execute("select count(*) from tally_results where status = 'fail'").fetchone()
    (passed_absent,) = conn.execute(
        "select count(*) from tally_results where status = 'pass' and absent_cells > 0"
    ).fetchone()
    assert (summary.reports, summary.failed, summary.failing_reports) == (reports, failed, 1)
    assert summary.reports_without_tally == summary.counts_disagree == 0
    # the two real excerpts of 2020 cut off after section 三's first rows: every identity holds,
    # 36 and 35 of them over rows the page does not have; and the one whose appeals row is
    # truncated (its last 3 cells taken as empty): that row's total held over them
    assert (summary.passed_absent, summary.absent_reports) == (passed_absent, 3)
    assert passed_absent >= 36 + 35 + 1
    verdict = tally_check.judge(summary)
    # one contradicting report of nine: the agency's business, a WARN
    assert (verdict.passed, verdict.severe) == (False, False)
    assert verdict.description == (
        f"1 of {reports} reports contradict themselves; reports that hold only with cells absent "
        "from the page counted as 0 ('holds only with absent cells as 0' in report_quality, not "
        "checked there): 3"
    )


def test_a_year_whose_reports_lost_their_tally_is_the_pipelines_failure():
    from gx_pipeline.warehouse import tally_check

    conn = _stored_year(2019)
    assert tally_check.judge(tally_check.summarize(conn, 2019)) == tally_check.Verdict(
        True, False, "no report of 14 contradicts itself"
    )
    # what a write without its tally (a kill between two transactions) would leave
    conn.execute(
        "delete from tally_results where report_id in "
        "(select distinct report_id from tally_results order by 1 limit 2)"
    )
    verdict = tally_check.judge(tally_check.summarize(conn, 2019))
    assert verdict.severe
    assert "2 reports have cells but no tally results" in verdict.description
    assert "2 reports' tally counts disagree with tally_results" in verdict.description


@pytest.mark.parametrize(
    ("reports", "failing", "review", "severe"),
    [
        (100, 20, 50, False),  # at the thresholds
        (100, 21, 0, True),  # past one in five
        (100, 0, 51, True),  # past half needing review
        (9, 5, 9, False),  # too few reports to judge by shares
        (10, 3, 0, True),
    ],
)
def test_the_shares_decide_between_warn_and_error(reports, failing, review, severe):
    from gx_pipeline.warehouse.tally_check import TallySummary, judge

    summary = TallySummary(reports, review, failing, 0, 10 * reports, 0, failing, 0, 0, 0)
    verdict = judge(summary)
    assert verdict.severe is severe
    assert verdict.passed is (failing == 0 and not severe)


def test_a_year_of_no_report_is_not_passed():
    # every entry of the year quarantined (only empty pages, scans, prose): nothing was checked,
    # which is no pass ("no report of 0 contradicts itself" read as ok)
    from gx_pipeline.warehouse.tally_check import TallySummary, judge

    verdict = judge(TallySummary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert (verdict.passed, verdict.severe) == (False, False)
    assert verdict.description.startswith("no report of the year was loaded")


def test_a_year_whose_reports_hold_nothing_to_check_is_not_passed():
    # every report of the year cut off after section 二 (report_quality: 'nothing to check'):
    # no identity was evaluated, which is no pass ("no report of 3 contradicts itself")
    from gx_pipeline.warehouse.tally_check import TallySummary, judge

    verdict = judge(TallySummary(3, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert (verdict.passed, verdict.severe) == (False, False)
    assert "nothing to check" in verdict.description, verdict.description
    # one report with an identity evaluated is a check
    assert judge(TallySummary(3, 0, 0, 0, 5, 5, 0, 0, 0, 0)).passed


def test_a_year_whose_identities_all_hold_only_over_absent_cells_is_not_passed():
    # every identity of the year "holds" as 0 = 0 over cells the pages do not have: no sum of
    # figures compared, which is no pass ("no report of 3 contradicts itself", as the year of
    # reports with nothing to check once was)
    from gx_pipeline.warehouse.tally_check import TallySummary, judge

    verdict = judge(TallySummary(3, 3, 0, 0, 120, 120, 0, 0, 0, 0, 120, 3))
    assert (verdict.passed, verdict.severe) == (False, False)
    assert "not checked there): 3" in verdict.description
    assert "no identity of the year was checked over cells on its page" in verdict.description
    # one identity over cells all on a page (a row's total against its applicant columns): a
    # check, and the reports that hold only with absent cells are said
    verdict = judge(TallySummary(3, 3, 0, 0, 120, 120, 0, 0, 0, 0, 119, 3))
    assert verdict.passed
    assert verdict.description.endswith("not checked there): 3")
    # one not fully assessable: a figure was compared, and nothing contradicts itself
    assert judge(TallySummary(3, 3, 0, 1, 120, 119, 0, 1, 0, 0, 119, 2)).passed


@pytest.mark.parametrize("year", [2019, 2020, 2025])
def test_a_year_loaded_before_absent_cells_were_counted_is_said_not_failed(year: int):
    # a warehouse of older code, upgraded in place: tally_results.absent_cells and
    # dim_report.tally_passed_absent added as null, the year not loaded again. Its tally check
    # run again (the check alone, from the UI) said "the year failed: N reports' tally counts
    # disagree", every report, a pipeline failure where only the count of absent cells is
    # missing; and the year's passes are not known to have compared figures
    from gx_pipeline.warehouse import tally_check

    conn = _stored_year(year)
    now = tally_check.judge(tally_check.summarize(conn, year))
    conn.execute("update tally_results set absent_cells = null")
    conn.execute("update dim_report set tally_passed_absent = null")
    summary = tally_check.summarize(conn, year)
    (reports,) = conn.execute("select count(*) from dim_report").fetchone()
    assert (summary.counts_disagree, summary.uncounted_reports) == (0, reports)
    verdict = tally_check.judge(summary)
    assert (verdict.passed, verdict.severe) == (False, now.severe)
    assert verdict.description.startswith(now.description.split(";")[0])
    assert (
        f"{reports} reports loaded before cells absent from the page were counted"
        in verdict.description
    )
    # one report's tally lost is still the pipeline's failure
    conn.execute(
        "delete from tally_results where report_id = (select min(report_id) from tally_results)"
    )
    verdict = tally_check.judge(tally_check.summarize(conn, year))
    assert verdict.severe and "1 reports have cells but no tally results" in verdict.description
