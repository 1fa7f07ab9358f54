"""The warehouse write and the frames, without Dagster or the parser."""

import json

import duckdb
import pandas as pd
import pytest

from gx_pipeline import schemas, tables, warehouse
from gx_pipeline.report import Cell, Report
from gx_pipeline.tables import LoadedReport, RawFile


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
    twice["fact_appeals"] = pd.concat([twice["fact_appeals"]] * 2, ignore_index=True)
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
    from gx_pipeline.resources import Warehouse

    path = tmp_path / "w.duckdb"
    with pytest.raises(RuntimeError), Warehouse(database=str(path)).connect() as conn:
        conn.execute("create table t (x integer)")
        raise RuntimeError("boom")
    # a still-open read-write connection would make this one fail (different configuration)
    reader = duckdb.connect(str(path), read_only=True)
    assert reader.execute("select count(*) from t").fetchone() == (0,)
    reader.close()
