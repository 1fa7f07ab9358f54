"""The warehouse write and the frames, without Dagster or the parser."""

import contextlib
import json

import duckdb
import pandas as pd
import pandera.pandas as pa
import pytest

from gx_pipeline import contract, warehouse
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


def test_reports_of_one_layout_keep_their_own_values_and_each_cell_its_labels():
    # the row, col and label columns are made once per layout of a section's cells and
    # shared by the reports of that layout; values, raw text and places stay each report's
    other = [c._replace(value=7, raw="7", td=9) for c in GOOD]
    moved = [GOOD[1], GOOD[0], *GOOD[2:]]  # the same cells in another order: another layout
    frames = tables.fact_frames(
        [
            _loaded("a" * 64, GOOD),
            _loaded("b" * 64, other),
            _loaded("c" * 64, moved),
            _loaded("d" * 64, GOOD, "2021"),
        ],
        2020,
    )
    appeals = frames["fact_appeals"]
    assert list(zip(appeals.report_id.str[:1], appeals.col, appeals.value, appeals.source_td)) == [
        ("a", "upheld", 1, 1),
        ("a", "total", 1, 5),
        ("b", "upheld", 7, 9),
        ("b", "total", 7, 9),
        ("c", "total", 1, 5),
        ("c", "upheld", 1, 1),
        ("d", "upheld", 1, 1),
        ("d", "total", 1, 5),
    ]
    for table, section in [("fact_appeals", "appeals"), ("fact_proactive", "proactive")]:
        rows = frames[table]
        assert set(rows.section) == {section} and set(rows.report_year) == {2020}
        for row, col, label, col_label, report in zip(
            rows.row, rows.col, rows.label, rows.col_label, rows.report_id.str[:1]
        ):
            template = "2021" if report == "d" else "2019"
            names = {
                (r.code, c.code): (r.label, c.label)
                for r in contract.rows(template, section)
                for c in r.columns
            }
            assert (label, col_label) == names.get(
                (row, col), tables._LABELS[(None, section)][(row, col)]
            )
    assert tables.fact_frames([], 2020)["fact_requests"].empty


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
    ("agency", "year", "expected"),
    [
        ("阜新市彰武县政府办公室", 2019, ("辽宁省", "阜新市", "彰武县", "210922", "county")),
        ("孝感市人民政府办公室", 2020, ("湖北省", "孝感市", None, "420900", "city")),
        ("浙江省市场监督管理局", 2023, ("浙江省", None, None, "330000", "department-of-province")),
        (
            "宁强县自然资源局",
            2021,
            ("陕西省", "汉中市", "宁强县", "610726", "department-of-county"),
        ),
        (
            "北京市通州区牛塘乡人民政府",
            2022,
            ("北京市", None, "通州区", "110112", "township-street"),
        ),
        # two counties are called 通州区 (北京市, 南通市): without its city the name tells none
        ("通州区牛塘乡人民政府", 2022, (None, None, None, None, "township-street")),
        ("新华街道办事处", 2019, (None, None, None, None, "township-street")),
        # the list's full name is 化隆回族自治县; agencies write 化隆县
        (
            "化隆县群科新区综合服务中心",
            2020,
            ("青海省", "海东市", "化隆回族自治县", "630224", "department-of-county"),
        ),
        # renamed in 2020: the place as it is named today, with today's code
        (
            "邢台市桥东区统计局",
            2019,
            ("河北省", "邢台市", "襄都区", "130502", "department-of-county"),
        ),
        ("任县民政局", 2019, ("河北省", "邢台市", "任泽区", "130505", "department-of-county")),
        # two counties of 河北省 were called 桥东区 in 2019 (邢台's, 张家口's), and two of 山西省
        # are called 城区 (大同's, 阳泉's...): under the province only, the county is not given
        ("河北省桥东区统计局", 2019, ("河北省", None, None, "130000", "department-of-county")),
        ("山西省城区人民政府", 2022, ("山西省", None, None, "140000", "county")),
        (
            "张家口市桥东区统计局",
            2019,
            ("河北省", "张家口市", "桥东区", "130702", "department-of-county"),
        ),
        # an old name kept after the renaming is found in the list of its years
        ("任县民政局", 2022, ("河北省", "邢台市", "任泽区", "130505", "department-of-county")),
        # a short city name inside an organ is no place (中山街道 is not 中山市)
        ("中山街道办事处", 2021, (None, None, None, None, "township-street")),
        (None, 2021, (None, None, None, None, None)),
    ],
)
def test_region_and_level_come_from_the_agency_name(agency, year, expected):
    from gx_pipeline.regions import region_of

    r = region_of(agency, year)
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

    from gx_pipeline_tests.conftest import REALDEV_PAGES, SEED, materialize_year, put_page, query

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
        page = REALDEV_PAGES / "112_hanzhong_ningqiang_natres_2021.txt"
        put_page(data_dir, 2021, page.name, page)
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
    from gx_pipeline_tests.conftest import REALDEV_PAGES, SEED, materialize_year, put_page, query

    put_page(data_dir, 2020, SEED.name, SEED)
    assert materialize_year(data_dir, 2020).success
    (data_dir / ".work" / "warehouse.duckdb").unlink()  # e.g. a fresh clone with data/ kept
    page = REALDEV_PAGES / "112_hanzhong_ningqiang_natres_2021.txt"
    put_page(data_dir, 2021, page.name, page)
    assert materialize_year(data_dir, 2021).success
    assert query(data_dir, "select report_year from dim_report order by 1") == [(2020,), (2021,)]


def test_a_year_is_written_with_its_tally_in_one_transaction(tmp_path):
    from gx_pipeline.staging.parts import Stage

    frames = tables.year_frames([_loaded("a" * 64, GOOD)], [], 2020)
    assert len(frames["tally_results"]) > 0
    stage = Stage.fresh(tmp_path, 2020, "validated")
    stage.write(0, frames)
    conn = duckdb.connect()
    warehouse.load_year(conn, 2020, stage)
    assert conn.execute("select count(*) from tally_results").fetchone() == (
        len(frames["tally_results"]),
    )
    assert conn.execute(
        "select tally_passed + tally_failed + tally_not_assessable from dim_report"
    ).fetchone() == (len(frames["tally_results"]),)

    # a tally that cannot be written takes the facts with it: the year stays as it was
    broken = Stage.fresh(tmp_path, 2020, "broken")
    twice = dict(frames, tally_results=pd.concat([frames["tally_results"]] * 2))
    twice["dim_report"] = tables.dim_frame([_loaded("b" * 64, GOOD)], 2020)
    for table in tables.FACT_TABLES.values():
        twice[table] = twice[table].assign(report_id="b" * 16)
    twice["tally_results"] = twice["tally_results"].assign(report_id="b" * 16)
    broken.write(0, twice)
    with pytest.raises(warehouse.DuplicateKey, match=r"tally_results: \d+ key\(s\)"):
        warehouse.load_year(conn, 2020, broken)
    assert conn.execute("select distinct report_id from dim_report").fetchall() == [("a" * 16,)]
    assert conn.execute("select distinct report_id from tally_results").fetchall() == [("a" * 16,)]


#: at most one row per report or agency: their keys' indexes stay small whatever the year's size
_KEYED_TABLES = {"dim_report", "quarantine", "dim_agency"}


def test_no_year_table_with_many_rows_a_report_keeps_an_index(tmp_path):
    """A key's index (an ART) is held in memory whole, over every stored year, and does not
    spill: tally_results' took ~400 MB of a national year's load. Only the tables with at most
    one row per report may keep theirs; the others' keys are checked by the load (below)."""
    from gx_pipeline.agencies import rebuild

    conn = duckdb.connect()
    warehouse.ensure_schema(conn)
    keyed = {
        t
        for (t,) in conn.execute(
            "select distinct table_name from duckdb_constraints() "
            "where constraint_type in ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
    }
    assert keyed & {*warehouse.YEAR_TABLES, *rebuild.TABLES} == _KEYED_TABLES
    indexed = conn.execute("select table_name from duckdb_indexes()").fetchall()
    assert indexed == []


@pytest.mark.parametrize("table", ["tally_results", "report_text", "narrative_figures"])
def test_a_repeated_key_of_an_unindexed_table_refuses_the_year(tmp_path, table):
    from gx_pipeline.staging.parts import Stage

    conn = duckdb.connect()
    warehouse.ensure_schema(conn)
    good = [_loaded("a" * 64, GOOD)]
    stage = Stage.fresh(tmp_path, 2020, "validated")
    stage.write(0, tables.year_frames(good, [], 2020))
    warehouse.load_year(conn, 2020, stage)
    before = {t: warehouse.year_rows(conn, t, 2020) for t in warehouse.YEAR_TABLES}

    frames = tables.year_frames([_loaded("b" * 64, GOOD)], [], 2020)
    row = frames[table].head(1) if len(frames[table]) else _one_row(conn, table)
    frames[table] = pd.concat([frames[table], row, row], ignore_index=True)
    broken = Stage.fresh(tmp_path, 2020, "broken")
    broken.write(0, frames)
    with pytest.raises(warehouse.DuplicateKey, match=table):
        warehouse.load_year(conn, 2020, broken)
    for t, rows in before.items():
        pd.testing.assert_frame_equal(warehouse.year_rows(conn, t, 2020), rows)


def test_a_repeated_key_across_the_years_is_found_by_the_rebuilds_check():
    """report_flags and narrative_similarity are rebuilt over every year: their key is checked
    over the whole table (year None), not one year's rows."""
    conn = duckdb.connect()
    warehouse.ensure_schema(conn)
    for year in (2020, 2021):
        conn.execute(
            "insert into report_flags values ('r', ?, 'late', '', [], 'late', '{}', null)", [year]
        )
    warehouse.check_keys(conn, 2020, ["report_flags"])  # one year: no repeat
    with pytest.raises(warehouse.DuplicateKey, match=r"report_flags: 1 key.*\('r', 'late', ''\)"):
        warehouse.check_keys(conn, None, ["report_flags"])


def _one_row(conn: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """A row of `table` for report bbbb… (for a table the fixture report has none of)."""
    row = {
        "report_text": {"section": "一", "text": "本机关2020年收到申请12件。"},
        "narrative_figures": {
            "section": "一",
            "sentence_no": 1,
            "occurrence": 1,
            "sentence": "本机关2020年收到申请12件。",
            "figure": "requests.new_received",
            "stated": 12.0,
            "cells": json.dumps(["requests.new_received.total"]),
            "table_value": None,
            "status": "unchecked",
            "note": "",
        },
    }[table]
    return pd.DataFrame([{"report_id": "b" * 16, "report_year": 2020, **row}])


def test_a_warehouse_made_with_the_keys_loses_them_and_keeps_its_rows(tmp_path):
    conn = duckdb.connect(str(tmp_path / "old.duckdb"))
    conn.execute(
        "create table tally_results (report_id varchar not null, report_year integer not null, "
        "identity varchar not null, subject varchar not null, left_value double not null, "
        "right_value double not null, difference double not null, status varchar not null, "
        "primary key (report_id, identity, subject))"
    )
    conn.execute(
        "insert into tally_results values ('a', 2020, 'requests.balance', 'total', 1, 1, 0, 'pass')"
    )
    warehouse.ensure_schema(conn)
    assert conn.execute("select * from duckdb_indexes()").fetchall() == []
    assert conn.execute("select report_id, status from tally_results").fetchall() == [("a", "pass")]
    (comment,) = conn.execute(
        "select comment from duckdb_tables() where table_name = 'tally_results'"
    ).fetchone()
    assert comment.startswith("One row per tally identity")


def test_a_stage_that_is_gone_is_an_error_not_an_empty_year(tmp_path):
    from gx_pipeline.staging.parts import Stage, StagedRowsMissing, discard_year

    stage = Stage.fresh(tmp_path, 2020, "validated")
    stage.write(0, tables.year_frames([_loaded("a" * 64, GOOD)], [], 2020))
    conn = duckdb.connect()
    warehouse.load_year(conn, 2020, stage)
    discard_year(tmp_path, 2020)
    with pytest.raises(StagedRowsMissing, match="run the year again"):
        warehouse.load_year(conn, 2020, stage, allow_shrink=True)
    assert conn.execute("select count(*) from dim_report").fetchone() == (1,)


@pytest.mark.parametrize(
    "text",
    [
        "某局 ![x](http://203.0.113.9/pixel.png)",
        '<img src="http://203.0.113.9/p.png">',
        "2020/a|b.html",
        "2020/line\nbreak.html",
        "[click](javascript:alert(1)) `code` **bold** &lt;img&gt;",
        "__strong__ _em_ requests.results_sum",
    ],
)
def test_text_from_pages_stays_text_in_metadata_markdown(text):
    from markdown_it import MarkdownIt

    from gx_pipeline.warehouse import charts

    frame = pd.DataFrame({"agency": [text], "source": ["2020/x.html"], "n": [1]})
    html = MarkdownIt("commonmark").enable("table").render(charts.markdown_table(frame))
    # one row of three cells, holding the text as it was; no image, link or tag from it
    assert html.count("<td>") == 3
    assert "<img" not in html and "<a " not in html
    assert "<strong>" not in html and "<em>" not in html
    assert "<code>" not in html
    shown = html.split("<td>")[1].split("</td>")[0]
    from html import unescape

    assert unescape(shown) == text.replace("\n", " ")


def test_the_quarantine_in_a_line_shows_a_name_with_a_line_break_on_one_line(tmp_path):
    # a file name may hold a line break (valid UTF-8, kept in source as it is): the summary the
    # shrink guard gives in one line was cut in two by it
    import duckdb
    import pandas as pd

    from gx_pipeline.warehouse.writes import quarantine_reasons

    part = tmp_path / "quarantine.parquet"
    frame = pd.DataFrame(
        {"reason": ["the file is empty"] * 2, "source": ["2022/bad\nname.html", "2022/tab\t.html"]}
    )
    frame.to_parquet(part)
    said = quarantine_reasons(duckdb.connect(), str(part))
    assert "\n" not in said and "\t" not in said, said
    assert "'2022/bad\\nname.html'" in said and "'2022/tab\\t.html'" in said, said


def test_a_staged_part_is_written_without_column_statistics_and_reads_back_the_same(tmp_path):
    """A step's staged parts are read whole (the next step, the load): no reader filters them
    by a column's minimum and maximum, whose computation over every text column was ~3% of the
    run's own work a page. Written without, the rows read back and load as written."""
    import pyarrow.parquet as pq

    from gx_pipeline.staging.parts import Stage

    reports = [_loaded(c * 64, GOOD) for c in "abc"]
    frames = tables.year_frames(reports, [], 2020)
    stage = Stage.fresh(tmp_path, 2020, "parsed")
    stage.write(0, frames)
    for table, frame in frames.items():
        meta = pq.ParquetFile(tmp_path / f"2020/parsed/{table}/part-00000.parquet").metadata
        assert meta.num_rows == len(frame)
        for group in range(meta.num_row_groups):
            columns = meta.row_group(group)
            assert all(not columns.column(i).is_stats_set for i in range(columns.num_columns))
    back = stage.read(0)
    for table, frame in frames.items():
        pd.testing.assert_frame_equal(back[table], frame.reset_index(drop=True), check_dtype=True)


def test_the_validated_stage_links_the_tables_the_check_passed_whole(tmp_path):
    """A table whose rows all pass is the parsed part's file (linked, not written again); a
    report the check moves to quarantine rewrites the tables it leaves. Loaded, both stages
    give the rows of a stage written frame by frame."""
    from gx_pipeline.staging.parts import Stage

    bad = [Cell("appeals", "review", "upheld", -1, "-1", 1, 2, 1)]
    batches = [
        [_loaded("a" * 64, GOOD), _loaded("b" * 64, GOOD)],
        [_loaded("c" * 64, GOOD), _loaded("d" * 64, bad)],
    ]
    parsed = Stage.fresh(tmp_path, 2020, "parsed")
    for part, reports in enumerate(batches):
        parsed.write(part, tables.year_frames(reports, [], 2020))
    linked = Stage.fresh(tmp_path, 2020, "validated")
    written = Stage.fresh(tmp_path, 2020, "written")
    for part, frames in parsed.batches():
        valid = schemas.validate_year_frames(frames, 2020)
        linked.write_checked(part, valid, frames, parsed)
        written.write(part, valid)

    def same_file(table: str, part: int) -> bool:
        name = f"{table}/part-{part:05d}.parquet"
        return (tmp_path / "2020/parsed" / name).samefile(tmp_path / "2020/validated" / name)

    passed = ("dim_report", "fact_requests", "fact_appeals", "fact_proactive", "tally_results")
    assert all(same_file(t, 0) for t in passed)
    assert not same_file("quarantine", 0)  # validated as a whole, a new frame
    assert not any(same_file(t, 1) for t in ("dim_report", "fact_appeals", "quarantine"))
    loads = []
    for stage in (linked, written):
        conn = duckdb.connect()
        warehouse.load_year(conn, 2020, stage)
        loads.append(
            {
                table: conn.execute(f"select * from {table} order by all").fetchall()
                for table in [*schemas.REPORT_TABLE_MODELS, "quarantine"]
            }
        )
    assert loads[0] == loads[1]
    assert [r[1] for r in loads[0]["quarantine"]] == ["2020/dddd.html"]


def _parsed_and_checked(tmp_path, tally_year_dtype: str = "int64"):
    """A parsed stage of two good reports, its part read back and checked."""
    from gx_pipeline.staging.parts import Stage

    parsed = Stage.fresh(tmp_path, 2020, "parsed")
    frames = tables.year_frames([_loaded("a" * 64, GOOD), _loaded("b" * 64, GOOD)], [], 2020)
    frames["tally_results"]["report_year"] = frames["tally_results"]["report_year"].astype(
        tally_year_dtype
    )
    parsed.write(0, frames)
    read = parsed.read(0)
    return parsed, read, schemas.validate_year_frames(read, 2020)


def test_a_full_disk_met_linking_a_part_names_the_validated_file_not_the_parsed_one(tmp_path):
    """os.link's error names its source first: the parsed part, which was written long before
    and is not the file the disk had no room for."""
    import errno
    import os
    from unittest import mock

    from gx_pipeline.diskspace import DiskFull
    from gx_pipeline.staging.parts import Stage

    parsed, read, valid = _parsed_and_checked(tmp_path)
    validated = Stage.fresh(tmp_path, 2020, "validated")

    def full(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src), None, str(dst))

    with mock.patch("os.link", full), pytest.raises(DiskFull) as err:
        validated.write_checked(0, valid, read, parsed)
    assert "/2020/validated/" in str(err.value) and "/2020/parsed/" not in str(err.value)


def test_a_part_written_over_a_linked_one_leaves_the_parsed_part_as_it_was(tmp_path):
    """A linked part shares its file with the parsed stage: writing the same part again (a
    table the check changed the second time) replaces the name, never the shared file."""
    from gx_pipeline.staging.parts import Stage

    parsed, read, valid = _parsed_and_checked(tmp_path)
    validated = Stage.fresh(tmp_path, 2020, "validated")
    validated.write_checked(0, valid, read, parsed)
    validated.write(0, {"fact_appeals": valid["fact_appeals"].iloc[:1]})
    assert len(validated.read(0)["fact_appeals"]) == 1
    assert parsed.read(0)["fact_appeals"].equals(read["fact_appeals"])


def test_a_table_the_check_coerces_is_the_coerced_frame_and_not_linked(tmp_path):
    """tally_results' model coerces (DuckDB's int32 year to int64): a table that passes but
    whose dtypes the check changes is the coerced frame, written, not the parsed file linked;
    one the check leaves as it is stays the frame read (linked)."""
    from gx_pipeline.staging.parts import Stage

    parsed, read, valid = _parsed_and_checked(tmp_path, "int32")
    assert valid["tally_results"]["report_year"].dtype == "int64"
    assert valid["tally_results"].equals(read["tally_results"].astype({"report_year": "int64"}))
    assert valid["dim_report"] is read["dim_report"]
    validated = Stage.fresh(tmp_path, 2020, "validated")
    validated.write_checked(0, valid, read, parsed)
    name = "part-00000.parquet"
    assert not (tmp_path / "2020/parsed/tally_results" / name).samefile(
        tmp_path / "2020/validated/tally_results" / name
    )
    assert validated.read(0)["tally_results"]["report_year"].dtype == "int64"


def test_a_step_reading_a_stage_removed_since_says_to_run_the_year_again(tmp_path):
    """validated_frames run again alone after the year's load removed its parsed stage: read
    as it stood, the missing folder gave Python's bare 'No such file or directory'."""
    import shutil

    from gx_pipeline.staging.parts import StagedRowsMissing

    parsed, _, _ = _parsed_and_checked(tmp_path)
    shutil.rmtree(parsed.path)
    with pytest.raises(StagedRowsMissing, match="run the year again"):
        list(parsed.batches())


def _pandas_way(columns: dict[str, list], dtypes: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(columns).astype({c: dtypes.get(c, "str") for c in columns})


@pytest.mark.parametrize(
    ("column", "dtype", "values"),
    [
        ("text", "str", ["a", None, "乙"]),
        ("text", "str", [1, "a", None]),  # a number in a text column: made text
        ("text", "str", [float("nan"), "a", "b"]),
        ("count", "int64", [0, 3, 2**40]),
        ("count", "int64", [True, 2, 3]),
        ("count", "int64", [1.0, 2.0, 3.0]),
        ("maybe", "Int64", [None, 2, 3]),
        ("maybe", "Int64", [1, 2, 3]),
        ("value", "float64", [1, 2.5, None]),
        ("value", "float64", [True, 0.1, float("nan")]),
        ("flag", "bool", [True, False, True]),
        ("flag", "bool", [True, None, 1]),
        ("empty", "int64", []),
        ("empty", "str", []),
    ],
)
def test_staged_frames_are_the_pandas_way_whatever_the_columns_hold(column, dtype, values):
    """tables builds its small tables through Arrow; any column it holds (of the right kind
    or not) gives the very frame pd.DataFrame(...).astype(...) gives, or the same error."""
    columns = {"report_id": ["r"] * len(values), column: values}
    dtypes = {column: dtype}
    try:
        expected = _pandas_way(columns, dtypes)
    except (TypeError, ValueError) as err:
        with pytest.raises(type(err)):
            tables._columns_frame(columns, dtypes)
        return
    got = tables._columns_frame(columns, dtypes)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert [type(got[c].array) for c in got] == [type(expected[c].array) for c in expected]


def test_staged_frames_raise_as_pandas_does_for_a_null_count():
    columns = {"report_id": ["a", "b"], "count": [1, None]}
    with pytest.raises((TypeError, ValueError)):
        _pandas_way(columns, {"count": "int64"})
    with pytest.raises((TypeError, ValueError)):
        tables._columns_frame(columns, {"count": "int64"})


def _shuffled_report_cells(seed: int) -> list[Cell]:
    """A report's cells whose sections come in runs of any length and order, a section
    given again after another (as a page that splits a table does)."""
    import random

    rng = random.Random(seed)
    cells = []
    for k in range(rng.randrange(1, 40)):
        section = rng.choice([*tables.FACT_TABLES, "unknown"])
        rows = sorted(contract.all_codes(section)[0]) if section in tables.FACT_TABLES else ["x"]
        row, col = rng.choice(rows), "total"
        value = rng.choice([None, k, k + 0.5])
        located = rng.random() < 0.8
        cells.append(
            Cell(section, row, col, value, str(value), *((1, k, 2) if located else (None,) * 3))
        )
    return cells


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("pickled", [False, True])
def test_fact_rows_are_each_sections_cells_in_page_order(seed, pickled):
    """fact_frames reads a report's cells from their columns (as the parse workers send them):
    each fact table holds that section's cells in the page's order, whatever runs the
    sections come in, read from an unpickled report or from one made here."""
    import pickle

    loaded = [
        _loaded(f"{seed:02d}{k}".ljust(64, "a"), _shuffled_report_cells(seed * 7 + k))
        for k in range(3)
    ]
    if pickled:
        loaded = pickle.loads(pickle.dumps(loaded))
    frames = tables.fact_frames(loaded, 2020)
    for section, table in tables.FACT_TABLES.items():
        want = [
            (r.report_id, c.row, c.col, c.value, c.raw, c.table, c.tr, c.td)
            for r in loaded
            for c in r.report.cells
            if c.section == section
        ]
        got = frames[table][
            ["report_id", "row", "col", "value", "raw", "source_table", "source_tr", "source_td"]
        ]
        got = [tuple(None if pd.isna(v) else v for v in row) for row in got.itertuples(index=False)]
        want = [tuple(None if v is None else v for v in row) for row in want]
        assert got == want, table


@pytest.mark.parametrize("digits", [15, 16, 17, 19, 24])
def test_a_count_too_long_for_a_float_is_staged_as_before(digits):
    """A cell of 16 or more digits (an ID or phone number in a count's cell, two cells run
    together) is a value the parser reads: its row must reach the staged frames as a float,
    as pandas made it, not stop the year's staging with an error Arrow raises for an integer
    a float cannot hold exactly (then no page of the year reached the facts or quarantine)."""
    value = int("9" * digits)
    cells = [*GOOD, Cell("requests", "new_received", "natural", value, str(value), 1, 4, 2)]
    frames = tables.fact_frames([_loaded("a" * 64, cells)], 2020)
    requests = frames["fact_requests"]
    assert requests.value.dtype == "float64"
    assert requests.loc[requests.col == "natural", "value"].tolist() == [float(value)]


def test_a_nullable_integer_column_keeps_every_digit():
    """An Int64 column with a null, made through Arrow, is the integers as given, not the
    floats pandas would round them to past 2**53 on the way (a byte size, a count)."""
    big = 2**60 + 1
    frame = tables._columns_frame({"n": [big, None, 3]}, {"n": "Int64"})
    assert str(frame.n.dtype) == "Int64"
    assert frame.n.tolist()[0] == big and frame.n.isna().tolist() == [False, True, False]


def _part(first: int, reports: int, cells: list[Cell], quarantined: int = 0):
    """A batch's frames: `reports` reports of `cells` and `quarantined` entries not read, the
    sha256 (so the sources) counted from `first`."""
    from gx_pipeline.staging.tables import Quarantined

    loaded = [_loaded(f"{n:04x}" + "a" * 60, cells) for n in range(first, first + reports)]
    entries = [
        Quarantined(
            RawFile(f"2020/q{n}.html", "", f"{n:04x}" + "b" * 60, 1, False), "parse", "no table"
        )
        for n in range(first, first + quarantined)
    ]
    return tables.year_frames(loaded, entries, 2020)


_BAD = [Cell("appeals", "review", "upheld", -1, "-1", 1, 2, 1)]

#: groups of batches: each as validate_parts must check them, whatever the group holds
_GROUPS = {
    "all pass": [_part(0, 3, GOOD, 1), _part(10, 2, GOOD), _part(20, 1, GOOD, 2)],
    "a batch without reports": [_part(0, 2, GOOD), _part(10, 0, GOOD, 3), _part(20, 2, GOOD)],
    "one report failing": [_part(0, 2, GOOD), _part(10, 1, _BAD), _part(20, 2, GOOD)],
    "a failing report beside good ones": [_part(0, 2, GOOD), _part(10, 2, GOOD + _BAD)],
    "the same report in two batches": [_part(0, 2, GOOD), _part(1, 2, GOOD)],
    "one batch": [_part(0, 2, GOOD, 1)],
}


def _with_tally_year(frames, dtype):
    frames = dict(frames)
    frames["tally_results"] = frames["tally_results"].astype({"report_year": dtype})
    return frames


_GROUPS["a table the check coerces"] = [
    _part(0, 2, GOOD),
    _with_tally_year(_part(10, 2, GOOD), "int32"),
]
_GROUPS["every table coerced alike"] = [
    _with_tally_year(_part(n, 2, GOOD), "int32") for n in (0, 10, 20)
]


@pytest.mark.parametrize("name", list(_GROUPS))
def test_batches_checked_together_are_what_each_batch_checked_alone_is(name):
    """validate_parts gives each batch exactly what validate_year_frames gives it: the same
    rows kept, the same reports quarantined with the same reasons, the same dtypes."""
    parts = _GROUPS[name]
    together = schemas.validate_parts(parts, 2020)
    alone = [schemas.validate_year_frames(frames, 2020) for frames in parts]
    _assert_same_frames(together, alone)


def _assert_same_frames(together, alone):
    """Each batch's frames from validate_parts are those validate_year_frames gave it."""
    assert len(together) == len(alone)
    for got, want in zip(together, alone, strict=True):
        assert list(got) == list(want)
        for table in want:
            pd.testing.assert_frame_equal(got[table], want[table], check_dtype=True)


def test_batches_that_pass_together_are_checked_once_per_table_and_kept_as_read():
    """The point of checking together: each model's checks run once over the group, not once
    a batch; and the frames come back as they were read (linked in the validated stage)."""
    from unittest import mock

    parts = _GROUPS["all pass"]
    models = {**schemas.REPORT_TABLE_MODELS, "quarantine": schemas.Quarantine}
    with contextlib.ExitStack() as stack:
        calls = {
            table: stack.enter_context(mock.patch.object(model, "validate", wraps=model.validate))
            for table, model in models.items()
        }
        together = schemas.validate_parts(parts, 2020)
    assert {table: call.call_count for table, call in calls.items()} == dict.fromkeys(models, 1)
    assert all(got[t] is frames[t] for got, frames in zip(together, parts) for t in frames)


def _outcome(check):
    """What a check gives: its frames, or the kind of error it raised."""
    try:
        return check()
    except pa.errors.SchemaErrors as err:
        return type(err)


def _text_as_object(frames, table):
    """`frames` with `table`'s text columns held as object, the dtype of text pandas built
    without a dtype (an all-null list, a frame from records)."""
    frames = dict(frames)
    df = frames[table]
    frames[table] = df.astype({c: object for c in df.columns if df[c].dtype == "str"})
    return frames


@pytest.mark.parametrize("empty", [True, False], ids=["a batch without rows", "every batch rows"])
@pytest.mark.parametrize("table", [*schemas.REPORT_TABLE_MODELS, "quarantine"])
def test_batches_with_text_held_as_object_are_checked_as_each_batch_alone(table, empty):
    """pandera checks a text column held as object by its values, and fails one with no
    values: a batch without rows is refused alone whatever the batches beside it hold, so the
    group must not pass it for them."""
    middle = _part(10, 0, GOOD) if empty else _part(10, 1, GOOD, 1)
    parts = [
        _text_as_object(p, table) for p in (_part(0, 2, GOOD, 1), middle, _part(20, 2, GOOD, 2))
    ]
    alone = _outcome(lambda: [schemas.validate_year_frames(frames, 2020) for frames in parts])
    together = _outcome(lambda: schemas.validate_parts(parts, 2020))
    if isinstance(alone, type) or isinstance(together, type):
        assert together == alone
    else:
        _assert_same_frames(together, alone)
