"""A requests table that draws a kind of applicant the template lacks (个体工商户) whose
requests its 总计 counts: the parser leaves the column out, and requests.row_total (总计 = the
sum of the template's six applicant columns) is then no check of a row where that column holds
a number. Such a row's row_total is not assessable, with its reason, never a failure; a row
where the column holds 0 or nothing, every other identity and every page without such a column
are assessed as before. Generated web pages (a flat header, the column beside 自然人, after the
group or after 总计), the tally in Python and in SQL, and a run of the year's assets."""

from __future__ import annotations

import random
from dataclasses import replace

import duckdb

from gx_pipeline import contract, tally, trust, warehouse
from gx_pipeline.pagegen import render_html
from gx_pipeline.pagegen.layout import keyed_cells, map_cells, map_tables
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import tables
from gx_pipeline.staging.tables import LoadedReport, RawFile
from gx_pipeline_tests import test_flat_applicant_header as flat
from gx_pipeline_tests.conftest import materialize_year, put_page, query
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document

OUTSIDE = "applicants_outside_template"


def _page(k: int, own: int | None = None):
    """(html, truth, left-out values by row) of the kth page: a 个体工商户 column drawn
    beside 自然人, after the group or after 总计 in a flat header (under 申请人情况 or not);
    `own`: every row's 个体工商户 (else 0 to 3 at random)."""
    rng = random.Random(f"outside-template:{k}")
    template, year = FORMATS[k % len(FORMATS)]
    doc, values = _document(rng, template, year)
    truth = {key: values.get(key) for key, _ in keyed_cells(doc)}
    fixed = random.Random(0) if own is None else _Fixed(own)
    after, titled = ("自然人", "其他", "总计")[k % 3], k % 4 != 3

    def table(t):
        return flat._flat_table(t, truth, _Own(rng, fixed), after, titled, None)

    doc = map_tables(doc, lambda t: table(t) if t.section == "requests" else t)
    # each row's 总计 less its six applicants' (blank as 0): the 个体工商户 it counts
    left_out = {
        key[1]: truth[key]
        - sum(truth.get(("requests", key[1], c)) or 0 for c in contract.APPLICANT_COLUMNS)
        for key in truth
        if key[0] == "requests" and key[2] == "total" and truth.get(key) is not None
    }
    return render_html.trs_page(doc, rng), truth, left_out


class _Fixed(random.Random):
    def __init__(self, value: int) -> None:
        super().__init__(0)
        self.value = value

    def randint(self, a: int, b: int) -> int:
        return self.value


class _Own(random.Random):
    """The generator's random numbers, but a 个体工商户's (randint(0, 3)) from `own`."""

    def __init__(self, rng: random.Random, own: random.Random) -> None:
        super().__init__(0)
        self.rng, self.own = rng, own

    def random(self) -> float:
        return self.rng.random()

    def randint(self, a: int, b: int) -> int:
        return self.own.randint(a, b) if (a, b) == (0, 3) else self.rng.randint(a, b)

    def choice(self, seq):
        return self.rng.choice(seq)

    def sample(self, population, k):
        return self.rng.sample(population, k)

    def randrange(self, *args):
        return self.rng.randrange(*args)

    def shuffle(self, x) -> None:
        self.rng.shuffle(x)


def _row_totals(report: Report) -> dict[str, tally.TallyResult]:
    return {r.subject: r for r in tally.evaluate(report) if r.identity == "requests.row_total"}


def test_a_row_whose_total_counts_a_sole_trader_column_is_not_assessable_not_failed():
    """Of these 30 web pages' 714 requests.row_total results, 306 failed before (each a row
    whose 个体工商户 holds requests its 总计 counts): a defect the pages do not have. Now none
    fails: each such row is not_assessable with the reason applicants_outside_template, the
    report says why (the flag, the rows), and a row whose 个体工商户 is 0 is assessed as
    before (it holds). The other identities are as before (68 fail: the generator's rows of
    zeros or of one applicant break the columns' sums)."""
    statuses: dict[str, int] = {}
    outside = others = 0
    for k in range(30):
        html, truth, left_out = _page(k)
        got = parse_bytes(html.encode("utf-8"), "page.html")
        results = _row_totals(got)
        read = {c.row for c in got.cells if c.section == "requests" and c.col == "total"}
        counted = {row for row, n in left_out.items() if n}
        # (a row whose 总计 is blank may show a 个体工商户 too: no sum to compare)
        blank = {row for row in results if truth.get(("requests", row, "total")) is None}
        assert set(got.total_counts_left_out) <= counted | blank | (set(results) - read), k
        assert (OUTSIDE in got.flags) == bool(got.total_counts_left_out), k
        assert OUTSIDE in trust.assess(got).reasons or not got.total_counts_left_out
        for row, r in results.items():
            statuses[r.status] = statuses.get(r.status, 0) + 1
            assert r.status != "fail", (k, row, r)
            if r.reason == tally.OUTSIDE_TEMPLATE:
                outside += 1
                assert r.status == "not_assessable" and row in got.total_counts_left_out
                if not r.absent_cells:
                    # the left-out column is what the sum over the six falls short by
                    assert r.left - r.right == left_out[row], (k, row, r)
            elif row in read and not left_out.get(row) and not r.absent_cells:
                assert r.status == "pass", (k, row, r)
        assert not any(r.status == "fail" and r.reason for r in tally.evaluate(got))
        others += sum(
            r.status == "fail" for r in tally.evaluate(got) if r.identity != "requests.row_total"
        )
    assert sum(statuses.values()) == 714
    assert outside >= 306 and statuses.get("fail", 0) == 0, (outside, statuses)
    assert others == 68


def test_a_sole_trader_column_of_zeros_leaves_every_row_assessed_as_before():
    """A 个体工商户 column holding 0 on every row changes no 总计: no flag, no row named, the
    row totals pass where the rows are read."""
    for k in range(6):
        html, _, left_out = _page(k, own=0)
        assert not any(left_out.values())
        got = parse_bytes(html.encode("utf-8"), "page.html")
        assert OUTSIDE not in got.flags and got.total_counts_left_out == ()
        assert all(r.reason is None for r in tally.evaluate(got))


def test_a_wrong_total_on_a_row_whose_sole_trader_cell_is_zero_still_fails():
    """The left-out column excuses only the rows where it holds a number: a row of the same
    report whose 个体工商户 is 0 and whose 总计 is wrong contradicts the page, and fails."""
    six = contract.APPLICANT_COLUMNS
    cells = [
        *(Cell("requests", "new_received", c, 1, "1", 1, 1, k) for k, c in enumerate(six)),
        Cell("requests", "new_received", "total", 9, "9", 1, 1, 8),  # 6 + 个体工商户's 3
        *(Cell("requests", "carried_over", c, 1, "1", 1, 2, k) for k, c in enumerate(six)),
        # 个体工商户 0 there: a slip of the page
        Cell("requests", "carried_over", "total", 7, "7", 1, 2, 8),
    ]
    report = Report("x.html", "某局", 2020, None, "2019", tuple(cells))
    marked = replace(report, total_counts_left_out=("new_received",))
    before, after = _row_totals(report), _row_totals(marked)
    assert before["new_received"].status == before["carried_over"].status == "fail"
    assert after["new_received"] == tally.TallyResult(
        "requests.row_total", "new_received", 9.0, 6.0, "not_assessable", 0, tally.OUTSIDE_TEMPLATE
    )
    assert after["carried_over"] == before["carried_over"]
    assert after["carried_over"].status == "fail" and after["carried_over"].reason is None
    # the balance over the column 总计 is no row total: assessed as before
    others = [r for r in tally.evaluate(marked) if r.identity != "requests.row_total"]
    assert others == [r for r in tally.evaluate(report) if r.identity != "requests.row_total"]
    assert trust.IDENTITY_FAILS in trust.assess(marked).reasons
    # a batch gives each report what it gives alone
    batch = tally.evaluate_all([marked, report, marked])
    assert [batch.results(k) for k in range(3)] == [
        tally.evaluate(marked),
        tally.evaluate(report),
        tally.evaluate(marked),
    ]


def test_a_wrong_total_on_a_page_without_an_extra_column_still_fails():
    """A generated page of the template's columns whose 总计 of one row is 5 more than its
    applicants': that row's requests.row_total fails, no reason, no flag."""
    rng = random.Random("outside-template:plain")
    template, year = FORMATS[0]
    doc, values = _document(rng, template, year)
    key = ("requests", "new_received", "total")
    wrong = (values.get(key) or 0) + 5
    doc = map_cells(doc, lambda _, c: replace(c, text=str(wrong)) if c.key == key else c)
    got = parse_bytes(render_html.trs_page(doc, rng).encode("utf-8"), "page.html")
    assert got.value(*key) == wrong
    assert OUTSIDE not in got.flags and got.total_counts_left_out == ()
    result = _row_totals(got)["new_received"]
    assert (result.status, result.reason, result.left - result.right) == ("fail", None, 5.0)


def test_the_sql_tally_gives_the_same_statuses_and_reasons():
    """The warehouse's SQL evaluation (sql/queries/tally_evaluate.sql) reads the rows from
    dim_report.total_counts_left_out and agrees with the staged Python one, reasons included."""
    loaded = []
    for k in range(8):
        html, _, _ = _page(k)
        got = parse_bytes(html.encode("utf-8"), f"page{k}.html")
        raw = RawFile(f"page{k}.html", f"2020/page{k}.html", got.sha256 or "", len(html), True)
        loaded.append(LoadedReport(raw, got, "test"))
    conn = duckdb.connect()
    frames = tables.year_frames(loaded, [], 2020)
    warehouse.replace_year(conn, 2020, frames)
    sql = warehouse.evaluate_tally(conn, 2020)

    def keyed(frame):
        return {
            (r.report_id, r.identity, r.subject): (r.left_value, r.right_value, r.status, r.reason)
            for r in frame.itertuples(index=False)
        }

    staged = keyed(frames["tally_results"])
    assert keyed(sql) == staged
    reasons = [v[3] for v in staged.values() if isinstance(v[3], str)]
    assert reasons and set(reasons) == {tally.OUTSIDE_TEMPLATE}
    assert not any(v[2] == "fail" and isinstance(v[3], str) for v in staged.values())


def test_a_run_loads_the_rows_and_the_tally_check_says_why_they_are_not_assessed(data_dir):
    """`gx run`'s year over such pages: no row total fails for the left-out column, the tally
    rows carry the reason, dim_report the rows and the trust reason, report_quality shows them,
    and the tally check's outcome says how many row totals were not assessed and why."""
    for k in range(4):
        html, _, _ = _page(k)
        put_page(data_dir, 2021, f"outside-{k}.html", html)
    result = materialize_year(data_dir, 2021)
    assert result.success
    rows = query(
        data_dir,
        "select status, reason, count(*) from tally_results "
        "where identity = 'requests.row_total' group by all order by all",
    )
    assert ("fail", None) not in {(s, r) for s, r, _ in rows}
    (outside,) = [n for s, r, n in rows if r == tally.OUTSIDE_TEMPLATE]
    assert outside > 0 and ("not_assessable", tally.OUTSIDE_TEMPLATE, outside) in rows
    reports = query(
        data_dir,
        "select d.total_counts_left_out, d.trust_reasons, q.rows_counting_applicants_outside_template "
        "from dim_report d join report_quality q using (report_id)",
    )
    named = [(rows_, reasons, shown) for rows_, reasons, shown in reports if rows_]
    assert named and all(OUTSIDE in reasons and shown for _, reasons, shown in named)
    assert sum(len(rows_) for rows_, _, _ in named) >= outside
    (check,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "reports_satisfy_tally_identities"
    ]
    description = check.description or ""
    assert f"{outside} row totals of {len(named)} reports not assessable" in description
    assert "applicants_outside_template" in description
    counts = check.metadata["counts"].value
    assert counts["outside_not_assessable"] == outside
