"""The warehouse write and the frames, without Dagster or the parser."""

import json

import duckdb
import pandas as pd
import pytest

from gx_pipeline import warehouse
from gx_pipeline.report import Cell, Report
from gx_pipeline.staging import schemas, tables
from gx_pipeline.staging.tables import LoadedReport, RawFile


def _loaded(sha: str, cells: list[Cell], template: str = "2019") -> LoadedReport:
    raw = RawFile(source=f"2020/{sha[:4]}.html", path="", raw_sha256=sha, size=10, generated=False)
    report = Report(
        f"2020/{sha[:4]}.html", "某局", 2020, "2021-01-27", template, tuple(cells), ("a problem",)
    )
    return LoadedReport(raw, report, "test")


GOOD = [
    Cell("appeals", "review", "upheld", 1, "1", 1, 2, 1),
    Cell("appeals", "review", "total", 1, "1", 1, 2, 5),
    Cell("proactive", "licensing", "change", -3, "-3", 1, 3, 2),
    Cell("requests", "new_received", "total", None, "", 1, 4, 7),
]


def _frames(reports: list[LoadedReport]) -> dict[str, pd.DataFrame]:
    return {"dim_report": tables.dim_frame(reports, 2020), **tables.fact_frames(reports, 2020)}


def test_year_is_replaced_not_appended():
    conn = duckdb.connect()
    frames = _frames([_loaded("a" * 64, GOOD)])
    warehouse.replace_year(conn, 2020, frames, clear=warehouse.YEAR_TABLES)
    warehouse.replace_year(conn, 2020, frames, clear=warehouse.YEAR_TABLES)
    assert conn.execute("select count(*) from fact_appeals").fetchone() == (2,)
    assert conn.execute("select problems from dim_report").fetchone() == (["a problem"],)
    value, raw = conn.execute(
        "select value, raw from fact_requests where row = 'new_received'"
    ).fetchone()
    assert value is None and raw == ""


def test_failed_write_keeps_the_previous_rows_of_the_year():
    conn = duckdb.connect()
    warehouse.replace_year(
        conn, 2020, _frames([_loaded("a" * 64, GOOD)]), clear=warehouse.YEAR_TABLES
    )
    twice = _frames([_loaded("b" * 64, GOOD)])
    # the fact tables have no key (see sql/02_fact_requests.sql); dim_report keeps one
    twice["dim_report"] = pd.concat([twice["dim_report"]] * 2, ignore_index=True)
    with pytest.raises(duckdb.ConstraintException):
        warehouse.replace_year(conn, 2020, twice, clear=warehouse.YEAR_TABLES)
    assert conn.execute("select distinct report_id from dim_report").fetchall() == [("a" * 16,)]
    assert conn.execute("select count(*) from fact_appeals").fetchone() == (2,)


def test_negative_value_outside_change_column_names_its_report():
    bad = [Cell("appeals", "review", "upheld", -1, "-1", 1, 2, 1)]
    frames = _frames([_loaded("a" * 64, GOOD), _loaded("b" * 64, bad)])
    failing = schemas.failing_reports(schemas.AppealsFacts, frames["fact_appeals"])
    assert list(failing) == ["b" * 16]
    assert schemas.failing_reports(schemas.ProactiveFacts, frames["fact_proactive"]) == {}


def test_unknown_code_names_its_report():
    bad = [Cell("requests", "no_such_row", "total", 1, "1", 1, 2, 1)]
    frames = _frames([_loaded("a" * 64, GOOD), _loaded("b" * 64, bad)])
    assert list(schemas.failing_reports(schemas.RequestsFacts, frames["fact_requests"])) == [
        "b" * 16
    ]


def test_dim_frame_carries_problems_as_json_text():
    dim = tables.dim_frame([_loaded("a" * 64, GOOD)], 2020)
    assert json.loads(dim.loc[0, "problems"]) == ["a problem"]
    schemas.ReportDim.validate(dim, lazy=True)


def test_warehouse_connection_is_closed_when_the_body_raises(tmp_path):
    from gx_pipeline.defs.resources import Warehouse

    path = tmp_path / "w.duckdb"
    with pytest.raises(RuntimeError), Warehouse(database=str(path)).connect() as conn:
        conn.execute("create table t (x integer)")
        raise RuntimeError("boom")
    # a still-open read-write connection would make this one fail (different configuration)
    reader = duckdb.connect(str(path), read_only=True)
    assert reader.execute("select count(*) from t").fetchone() == (0,)
    reader.close()


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("阜新市彰武县政府办公室", ("辽宁省", "阜新市", "彰武县", "210922", "county")),
        ("孝感市人民政府办公室", ("湖北省", "孝感市", None, "420900", "city")),
        ("浙江省市场监督管理局", ("浙江省", None, None, "330000", "department-of-province")),
        ("宁强县自然资源局", ("陕西省", "汉中市", "宁强县", "610726", "department-of-county")),
        ("通州区牛塘乡人民政府", ("北京市", None, "通州区", "110112", "township-street")),
        ("新华街道办事处", (None, None, None, None, "township-street")),
        # cpca guesses 重庆市 from the bare 县; no place in the name: no region
        ("化隆县群科新区综合服务中心", (None, None, None, None, None)),
        (None, (None, None, None, None, None)),
    ],
)
def test_region_and_level_come_from_the_agency_name(agency, expected):
    from gx_pipeline.regions import region_of

    r = region_of(agency)
    assert (r.province, r.city, r.county, r.division_code, r.level) == expected


_HOLDER = """
import sys, duckdb
conn = duckdb.connect(sys.argv[1], read_only=True)
print(conn.execute("select count(*) from dim_report").fetchone()[0], flush=True)
sys.stdin.readline()
print(conn.execute("select count(*) from dim_report").fetchone()[0], flush=True)
"""


def test_analyst_session_holding_the_file_does_not_block_a_run(data_dir):
    import subprocess
    import sys

    from gx_pipeline_tests.conftest import SEED, materialize_year, put_page, query

    put_page(data_dir, 2020, SEED.name, SEED)
    assert materialize_year(data_dir, 2020).success
    published = data_dir / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "1"  # the session is open
        put_page(data_dir, 2021, "copy.txt", SEED.read_bytes() + b"\n")
        result = materialize_year(data_dir, 2021)
        assert result.success
        # the held session keeps its snapshot; a new connection sees the new year
        out, _ = holder.communicate("\n", timeout=30)
        assert out.strip() == "1"
        assert query(data_dir, "select count(*) from dim_report") == [(2,)]
    finally:
        holder.kill()
        holder.wait()


def test_working_file_is_seeded_from_the_published_copy(data_dir):
    from gx_pipeline_tests.conftest import SEED, materialize_year, put_page, query

    put_page(data_dir, 2020, SEED.name, SEED)
    assert materialize_year(data_dir, 2020).success
    (data_dir / ".work" / "warehouse.duckdb").unlink()  # e.g. a fresh clone with data/ kept
    put_page(data_dir, 2021, "copy.txt", SEED.read_bytes() + b"\n")
    assert materialize_year(data_dir, 2021).success
    assert query(data_dir, "select report_year from dim_report order by 1") == [(2020,), (2021,)]
