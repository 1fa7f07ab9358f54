"""Agencies over time on the bundled data as `make run` loads it, against the truth of the
generated series (gx_pipeline.pagegen.series): every page's agency key and match, every flag,
the carry chain and the year-over-year cells from the truth's own cells; then a year loaded
again, emptied and restored."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from gx_pipeline.agencies.rebuild import FLAGS
from gx_pipeline.pagegen.series import series_pages
from gx_pipeline_tests.conftest import REPO, materialize_year


def _truths() -> dict[str, dict]:
    """source (as dim_report writes it) -> the series page's truth."""
    out = {}
    for path in sorted((REPO / "data" / "truth").glob("*/gen-series-*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        out[f"{truth['year']}/{truth['source']}"] = truth
    return out


TRUTHS = _truths()


def _cells(truth: dict) -> dict[str, float | None]:
    return {f"{c['section']}.{c['row']}.{c['col']}": c["value"] for c in truth["cells"]}


def _by_agency() -> dict[str, dict[int, dict]]:
    out: dict[str, dict[int, dict]] = defaultdict(dict)
    for truth in TRUTHS.values():
        out[truth["series"]["agency_id"]][truth["year"]] = truth
    return out


@pytest.fixture(scope="module")
def conn(bundled: Path):
    conn = duckdb.connect(str(bundled), read_only=True)
    yield conn
    conn.close()


def test_the_bundled_series_are_what_the_generator_writes():
    pages = series_pages()
    assert len(pages) == len(TRUTHS) >= 15
    for page in pages:
        raw = REPO / "data" / "raw" / str(page.year) / page.filename
        assert raw.read_bytes() == page.data, raw
        assert TRUTHS[f"{page.year}/{page.filename}"] == page.truth


def test_every_series_page_is_its_agency_as_the_truth_says(conn):
    got = {
        source: (agency_id, match)
        for source, agency_id, match in conn.execute(
            "select source, agency_id, agency_match from dim_report where source like '%gen-series-%'"
        ).fetchall()
    }
    assert got == {
        source: (t["series"]["agency_id"], t["series"]["agency_match"])
        for source, t in TRUTHS.items()
    }
    agencies = {
        row[0]: row[1:]
        for row in conn.execute(
            "select agency_id, division_code, aliases, report_years, generated from dim_agency"
        ).fetchall()
    }
    for key, years in _by_agency().items():
        names = sorted({t["agency"] for t in years.values() if t["agency"]})
        # the key's place is the division code; every name of every year is an alias
        assert agencies[key] == (key.split(":")[0], names, sorted(years), True), key


def test_short_full_and_renamed_names_are_one_agency_and_namesakes_two(conn):
    by_agency = _by_agency()
    names = {k: {t["agency"] for t in v.values() if t["agency"]} for k, v in by_agency.items()}
    # one key over several names: a short and a full one, a place renamed between years
    assert {"洪桥镇", "平阳县洪桥镇人民政府"} <= names["330326:洪桥镇"]
    assert {"邢台市桥东区统计局", "邢台市襄都区统计局"} <= names["130502:统计局"]
    assert {"任县民政局", "任泽区民政局"} <= names["130505:民政局"]
    # two 新华街道办事处 (their titles call both just that) in two provinces: two agencies
    rows = conn.execute(
        "select agency_id, province from dim_agency where organ = '新华街道' and generated "
        "order by agency_id"
    ).fetchall()
    assert rows == [("110112:新华街道", "北京市"), ("430202:新华街道", "湖南省")]


def test_every_loaded_agency_has_a_key_and_its_place_where_the_report_names_one(conn):
    # every report that names an agency has one, and it is a row of dim_agency
    assert (
        conn.execute(
            "select source from dim_report where agency is not null and (agency_id is null "
            "or agency_id not in (select agency_id from dim_agency))"
        ).fetchall()
        == []
    )
    # a report whose name, text or site gives its place: its agency has that division code
    assert (
        conn.execute(
            "select d.source from dim_report d left join dim_agency a using (agency_id) "
            "where d.division_code is not null and a.division_code is distinct from d.division_code"
        ).fetchall()
        == []
    )
    (reports, counted) = conn.execute(
        "select (select count(agency_id) from dim_report), sum(report_count) from dim_agency"
    ).fetchone()
    assert reports == counted


def test_every_flag_of_the_series_and_no_other(conn):
    got = defaultdict(list)
    for source, flag, subject in conn.execute(
        "select d.source, f.flag, f.subject from report_flags f join dim_report d "
        "using (report_id) where d.source like '%gen-series-%' order by all"
    ).fetchall():
        got[source].append({"flag": flag, "subject": subject})
    assert dict(got) == {s: t["series"]["flags"] for s, t in TRUTHS.items() if t["series"]["flags"]}
    raised = {f["flag"] for t in TRUTHS.values() for f in t["series"]["flags"]}
    # every kind has rows on the bundled series but several_reports: each series agency has one
    # report a year (test_agencies.py gives one two); nor year_mismatch: each page is filed
    # under the year it states (test_agencies.py files some under others)
    assert raised == set(FLAGS) - {"several_reports", "year_mismatch"}
    # a flagged report is not clean, and says why
    for source, status, reasons in conn.execute(
        "select source, trust_status, trust_reasons from dim_report where source like '%gen-series-%'"
    ).fetchall():
        flags = {f["flag"] for f in TRUTHS[source]["series"]["flags"]}
        assert flags <= set(reasons), source
        assert (status == "clean") == (not reasons), source


def test_late_and_unknown_publication_follow_every_bundled_truths_date(conn):
    truths = {}
    for path in (REPO / "data" / "truth").glob("*/*.json"):
        truth = json.loads(path.read_text(encoding="utf-8"))
        truths[f"{path.parent.name}/{truth['source']}"] = truth
    rows = conn.execute(
        "select d.source, d.report_year, d.organ_key = '人民政府' and d.admin_level in "
        "('province', 'city', 'county'), list(f.flag order by f.flag) filter "
        "(where f.flag is not null) from dim_report d left join report_flags f "
        "on f.report_id = d.report_id and f.flag in ('late', 'publication_unknown') group by all"
    ).fetchall()
    assert len(rows) > 50 and {r[0] for r in rows} <= set(truths)
    for source, year, government, flags in rows:
        published = truths[source]["published"]
        # a government's own report is due on 31 March, any other on 31 January
        deadline = f"{year + 1}-03-31" if government else f"{year + 1}-01-31"
        if published is None:
            expected = ["publication_unknown"]
        elif published > deadline:
            expected = ["late"]
        else:
            expected = None
        assert flags == expected, source


def test_carry_chain_and_year_over_year_cells_against_the_truths_cells(conn):
    pairs = 0
    for key, years in _by_agency().items():
        for year in sorted(years):
            if year - 1 not in years:
                continue
            pairs += 1
            cur, prev = _cells(years[year]), _cells(years[year - 1])
            over, forward = (
                cur["requests.carried_over.total"],
                prev["requests.carried_forward.total"],
            )
            chain = conn.execute(
                "select carried_over, previous_carried_forward, status from carry_chain "
                "where agency_id = ? and report_year = ?",
                [key, year],
            ).fetchall()
            assert chain == [(over, forward, "pass" if over == forward else "fail")], (key, year)
            rows = conn.execute(
                "select section || '.' || \"row\" || '.' || col, value, previous_value, change "
                "from cells_year_over_year where agency_id = ? and report_year = ?",
                [key, year],
            ).fetchall()
            expected = {
                cell: (
                    value,
                    prev.get(cell),
                    None if value is None or prev.get(cell) is None else value - prev[cell],
                )
                for cell, value in cur.items()
            }
            assert {r[0]: r[1:] for r in rows} == expected, (key, year)
    assert pairs >= 10
    # no pair bridges a missing year (the 新华街道 series skip 2020)
    (paired,) = conn.execute(
        "select count(*) from carry_chain where list_contains(?, agency_id)",
        [sorted(_by_agency())],
    ).fetchone()
    assert paired == pairs
    # a chain that breaks in the truth is the flag carry_chain_break, and only such a chain
    assert conn.execute(
        "select count(*) from carry_chain where status = 'fail' and generated"
    ).fetchone() == (
        sum(
            f["flag"] == "carry_chain_break" for t in TRUTHS.values() for f in t["series"]["flags"]
        ),
    )


def test_copied_text_is_the_only_near_copy_of_the_series(conn):
    rows = conn.execute(
        "select d.source, s.similarity from narrative_similarity s join dim_report d "
        "using (report_id) where s.section = 'all' and d.generated"
    ).fetchall()
    assert len(rows) >= 10 and all(similarity is not None for _, similarity in rows)
    copied = {
        s
        for s, t in TRUTHS.items()
        if {"flag": "copied_text", "subject": ""} in t["series"]["flags"]
    }
    assert {source for source, similarity in rows if similarity >= 0.9} == copied


def test_narrative_mismatch_keeps_what_the_page_states_and_the_tables_number(conn):
    rows = conn.execute(
        "select d.source, f.cells, f.evidence->>'figure', (f.evidence->>'stated')::double, "
        "(f.evidence->>'table_value')::double, f.evidence->>'sentence' from report_flags f "
        "join dim_report d using (report_id) where f.flag = 'narrative_mismatch' and d.generated"
    ).fetchall()
    assert rows
    for source, cells, figure, stated, table_value, sentence in rows:
        truth = TRUTHS[source]
        assert stated == truth["series"]["stated"][figure]
        assert table_value == sum(_cells(truth)[c] for c in cells)
        assert str(int(stated)) in sentence


def test_every_flags_cells_and_reports_exist(conn):
    missing = conn.execute(
        """
        with cells as (
            select report_id, section || '.' || "row" || '.' || col as cell from fact_requests
            union all
            select report_id, section || '.' || "row" || '.' || col from fact_appeals
            union all
            select report_id, section || '.' || "row" || '.' || col from fact_proactive
        )
        select f.report_id, f.flag, c.cell
        from report_flags f, unnest(f.cells) as c(cell)
        where not exists (select 1 from cells x where x.report_id = f.report_id and x.cell = c.cell)
        """
    ).fetchall()
    assert missing == []
    assert conn.execute(
        "select count(*) from report_flags where report_id not in (select report_id from dim_report) "
        "or (evidence->>'previous_report_id') not in (select report_id from dim_report)"
    ).fetchone() == (0,)
    assert conn.execute("select count(*) from report_flags where len(cells) > 0").fetchone()[0] > 0


_STATE = [
    (
        "select d.source, f.flag, f.subject, f.cells, f.detail, f.evidence from report_flags f "
        "join dim_report d using (report_id) order by all"
    ),
    "select * from dim_agency order by all",
    (
        "select source, agency_id, agency_match, trust_status, trust_reasons from dim_report "
        "order by all"
    ),
    "select * from narrative_similarity order by all",
]


def _state(database: Path) -> list:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        return [conn.execute(sql).fetchall() for sql in _STATE]
    finally:
        conn.close()


def test_a_year_loaded_again_emptied_and_restored(bundled, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(bundled.parent, data)
    before = _state(data / "warehouse.duckdb")
    # loading a year again neither duplicates nor loses a flag
    materialize_year(data, 2023)
    assert _state(data / "warehouse.duckdb") == before
    # 2023 emptied: the load is refused, and nothing of the agencies changes
    away = tmp_path / "away"
    shutil.move(data / "raw" / "2023", away)
    (data / "raw" / "2023").mkdir()
    assert not materialize_year(data, 2023).success
    db = data / "warehouse.duckdb"
    assert _state(db) == before
    # emptied on purpose: its reports and flags go, and so does what 2024 compared with them
    materialize_year(data, 2023, {"ops": {"gx_warehouse": {"config": {"allow_shrink": True}}}})
    conn = duckdb.connect(str(db), read_only=True)
    try:
        assert conn.execute(
            "select count(*) from report_flags where report_year = 2023"
        ).fetchone() == (0,)
        assert conn.execute(
            "select report_years from dim_agency where agency_id = '330326:洪桥镇'"
        ).fetchone() == ([y for y in sorted(_by_agency()["330326:洪桥镇"]) if y != 2023],)
        assert conn.execute(
            "select trust_status, trust_reasons from dim_report "
            "where source = '2024/gen-series-hongqiao-2024.html'"
        ).fetchone() == ("clean", [])
        assert conn.execute(
            "select count(*) from report_flags f join dim_report d using (report_id) "
            "where d.source = '2024/gen-series-hongqiao-2024.html'"
        ).fetchone() == (0,)
    finally:
        conn.close()
    shutil.rmtree(data / "raw" / "2023")
    shutil.move(away, data / "raw" / "2023")
    materialize_year(data, 2023)
    assert _state(db) == before


def test_the_views_across_years_name_the_agency_by_the_agency_table(conn):
    # carry_chain named the agency as the page of year y writes it: null for the series' page
    # that names only 我局, though agency_id was known; cells_year_over_year names it by
    # dim_agency. Both pair two reports of one agency_id: `agency` is that agency's name.
    rows = conn.execute(
        "select c.agency, a.name, c.report_agency, d.agency from carry_chain c "
        "join dim_agency a using (agency_id) join dim_report d using (report_id)"
    ).fetchall()
    assert rows and all(agency == name for agency, name, _, _ in rows)
    assert all(written == reported for _, _, written, reported in rows)
    assert any(reported is None for *_, reported in rows)  # the 我局 page is among them
    assert conn.execute(
        "select count(*) from carry_chain c join cells_year_over_year y "
        "using (agency_id, report_year) where c.agency is distinct from y.agency"
    ).fetchone() == (0,)
