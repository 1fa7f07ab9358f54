"""The review of flagged reports without a browser: the cells found on their pages, the
decisions log, decisions re-attached after re-runs and parser changes, the quality flags of
report_flags, the export, and the application's refusals (foreign origins, hosts, loopback)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
from lxml import etree

from gx_pipeline.diskspace import DiskFull
from gx_pipeline.pagegen import render_html
from gx_pipeline.pagegen.layout import GCell
from gx_pipeline.parsing import ParseError, parse_bytes
from gx_pipeline.parsing.locate import HTML, TEXT, page_view
from gx_pipeline.review import render
from gx_pipeline.review.command import EXPORT_COLUMNS, export, main_review
from gx_pipeline.review.log import ReviewLog, ReviewLogError, new_decision
from gx_pipeline.review.queue import Filters, ReviewData
from gx_pipeline.warehouse import ensure_schema
from gx_pipeline.warehouse.files import WarehouseFiles
from gx_pipeline_tests.conftest import FIXTURES, SEED, materialize_year, query
from gx_pipeline_tests.disks import fill, free, small_disk
from gx_pipeline_tests.review_fixtures import (
    ATTACKER,
    BUNDLED,
    FAILING_HTML_2020,
    copy_page,
    free_port,
    hostile_page,
)
from gx_pipeline_tests.test_cell_markup import _DEPTHS, HIDING, _deep, _page
from gx_pipeline_tests.test_generated_hazards import FORMATS, _document

REPO = Path(__file__).resolve().parents[1]


def _pages(*roots: Path) -> list[Path]:
    return sorted(
        p
        for root in roots
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".html", ".htm", ".txt", ".md")
    )


def test_every_cell_is_found_on_its_page_where_the_parser_read_it():
    """Each cell's loc names the element (HTML) or line (text copy) holding its raw text, on the
    bundled pages and every fixture page: the highlight shows the cell the number came from."""
    checked = {HTML: 0, TEXT: 0}
    for path in _pages(BUNDLED, FIXTURES):
        data = path.read_bytes()
        try:
            report = parse_bytes(data, path.name)
        except ParseError:
            continue
        view = page_view(data, path.name)
        converted = any("Traditional Chinese" in p for p in report.problems)
        for cell in report.cells:
            if cell.table is None:
                continue
            if cell.table == 0:
                assert view.kind == TEXT, (path, cell)
                line = " ".join(view.lines[cell.tr - 1].split())
                if cell.raw and not converted:
                    assert " ".join(cell.raw.split()) in line, (path, cell, line)
                checked[TEXT] += 1
            else:
                assert view.kind == HTML, (path, cell)
                text = view.texts.get((cell.table, cell.tr, cell.td))
                assert text is not None, (path, cell, view.note)
                if not converted:
                    assert text == (cell.raw or ""), (path, cell, text)
                checked[HTML] += 1
    assert checked[HTML] > 10_000 and checked[TEXT] > 10_000, checked


def test_a_hostile_page_is_rendered_without_anything_that_runs_or_loads():
    page = hostile_page(FAILING_HTML_2020)
    view = page_view(page, "hostile.html")
    document = render.page_document(view, [(3, 4, 3)])
    tree = etree.fromstring(document, etree.HTMLParser())
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "iframe", "object", "embed", "base", "link", "form", "a", "svg"}
    # the one meta element is the document's own charset
    assert [dict(m.attrib) for m in tree.iter("meta")] == [{"charset": "utf-8"}]
    assert tags >= {"table", "td", "style"}
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert name not in ("href", "action", "formaction", "srcset"), (el.tag, name)
            if name == "src":
                assert value.startswith("data:image/"), value
            assert "javascript:" not in value.lower() and ATTACKER not in value, (name, value)
    css = "".join(s.text or "" for s in tree.iter("style"))
    assert "url(" not in css and "@import" not in css
    # the parser's cells are marked, the page's own fake mark and anchor are not
    assert len(tree.xpath('//*[@data-gx-loc="3.4.3"]')) == 1
    assert [el.get("data-gx-loc") for el in tree.xpath('//*[@id="gx-first"]')] == ["3.4.3"]
    assert not tree.xpath("//p[@data-gx-loc]")
    assert '[data-gx-loc="3.4.3"]' in css
    assert "script" not in render.PAGE_CSP and "default-src 'none'" in render.PAGE_CSP


def _warns(result) -> None:
    """The year is written and its check warns: a page contradicts itself."""
    from gx_pipeline_tests.test_pipeline import _tally_check

    check = _tally_check(result)
    assert result.success and not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN


@pytest.fixture(scope="module")
def loaded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review") / "data"
    copy_page(FAILING_HTML_2020, root, 2020)
    copy_page(SEED, root, 2020)
    _warns(materialize_year(root, 2020))  # the page breaks its sums
    return root


@pytest.fixture
def loaded(loaded_once: Path, data_dir: Path) -> Path:
    """A data folder with 2020 loaded from two flagged pages, each test its own copy (the
    year is loaded once per module)."""
    shutil.copytree(loaded_once, data_dir, dirs_exist_ok=True)
    return data_dir


def _data(data_dir: Path) -> ReviewData:
    return ReviewData(
        data_dir / "warehouse.duckdb",
        ReviewLog(data_dir / "reviews.jsonl"),
        data_dir / "raw",
        data_dir / "archive",
    )


def _report_id(data_dir: Path, name: str) -> str:
    ((rid,),) = query(
        data_dir, "select report_id from dim_report where source like ?", [f"%{name}"]
    )
    return rid


def _decide(data: ReviewData, report_id: str, key: str, action: str, note: str, **extra) -> None:
    """A decision as the application records it (the browser test goes through the forms)."""
    from gx_pipeline.review.queue import cells_seen, parse_flag_key

    report = data.report(report_id)
    facts = data.facts(report_id)
    flags = {f.key: f for f in data.flags(report_id, facts, report)}
    kind, flag, subject = parse_flag_key(key)
    cells = (extra["cell"],) if action == "correct" else flags[key].cells
    data.log.append(
        new_decision(
            reviewer="测试员",
            action=action,
            note=note,
            report_id=report_id,
            raw_sha256=report["raw_sha256"],
            report_year=int(report["report_year"]),
            source=report["source"],
            parser_version=report["parser_version"],
            kind=kind,
            flag=flag,
            subject=subject,
            cell=extra.get("cell"),
            corrected_value=extra.get("value"),
            cells=cells_seen(facts, cells),
        )
    )


def _statuses(data_dir: Path) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    rows = query(
        data_dir, "select kind, flag, subject, review_status, attachment from flag_reviews"
    )
    return {(k, f, s): (st, a) for k, f, s, st, a in rows}


def test_decisions_survive_a_re_run_and_a_parser_change_and_a_moved_cell_asks_for_a_second_look(
    loaded: Path, monkeypatch: pytest.MonkeyPatch
):
    data = _data(loaded)
    rid = _report_id(loaded, "gen-2020-01-trs.html")
    balance = "tally:requests.balance:enterprise"
    _decide(
        data, rid, balance, "confirm", "the agency's own sums: 本年新收 + 上年结转 ≠ 总计 + 结转"
    )
    _decide(data, rid, "trust:metadata_guessed:", "dismiss", "the title states 2020")
    _decide(
        data,
        rid,
        balance,
        "correct",
        "the page shows 7 here",
        cell="requests.new_received.enterprise",
        value=7.0,
    )
    # and a correction of a cell the parser will later no longer read
    ((gone,),) = query(
        loaded,
        "select section || '.' || row || '.' || col from fact_appeals where report_id = ? "
        "and value is not null order by row, col limit 1",
        [rid],
    )
    _decide(data, rid, balance, "correct", "the page shows 3 here", cell=gone, value=3.0)
    # the decisions reach the warehouse when a year is written: any year, any number of times
    _warns(materialize_year(loaded, 2020))
    assert query(loaded, "select count(*) from reviews")[0][0] == 4
    statuses = _statuses(loaded)
    assert statuses[("tally", "requests.balance", "enterprise")] == ("confirmed", "current")
    assert statuses[("trust", "metadata_guessed", "")] == ("dismissed", "current")
    assert statuses[("tally", "requests.balance", "total")] == ("open", None)
    ((published, corrected, value),) = query(
        loaded,
        "select published_value, corrected, value from facts_corrected where report_id = ? "
        "and row = 'new_received' and col = 'enterprise'",
        [rid],
    )
    assert corrected and value == 7.0 and published != 7.0
    # the published fact is untouched
    assert query(
        loaded,
        "select value from fact_requests where report_id = ? and row = 'new_received' "
        "and col = 'enterprise'",
        [rid],
    ) == [(published,)]
    assert query(loaded, "select flag, note from parser_defects") == [
        ("metadata_guessed", "the title states 2020")
    ]
    quality = query(
        loaded,
        "select flags_raised, open_flags, confirmed_flags, dismissed_flags, corrected_cells, review "
        "from report_quality where report_id = ?",
        [rid],
    )
    # the fourth flag, open: the page was published after 31 January (report_flags' late)
    assert quality == [(4, 2, 1, 1, 2, "open")]

    # a new parser version that reads the page the same: every decision re-attached
    from gx_pipeline.staging import pool

    monkeypatch.setattr(pool, "PARSER_VERSION", "9.0.0")
    _warns(materialize_year(loaded, 2020))
    statuses = _statuses(loaded)
    assert statuses[("tally", "requests.balance", "enterprise")] == ("confirmed", "reattached")
    assert statuses[("trust", "metadata_guessed", "")] == ("dismissed", "reattached")

    # a parser that puts a decided cell at another place, reads another one differently and
    # no longer reads a third: every such decision is kept and shown for a second look, the
    # corrections are not applied
    real_parse = pool.parse_bytes

    def shifted(data_, source, sha256=None):
        report = real_parse(data_, source, sha256)
        if not source.endswith("gen-2020-01-trs.html"):
            return report
        cells = []
        for c in report.cells:
            if (c.row, c.col) == ("carried_over", "enterprise"):
                c = c._replace(td=c.td + 1)
            if (c.row, c.col) == ("new_received", "enterprise"):
                c = c._replace(raw="70", value=70)
            if f"{c.section}.{c.row}.{c.col}" == gone:
                continue
            cells.append(c)
        return report.__class__(**{**report.__dict__, "cells": tuple(cells)})

    monkeypatch.setattr(pool, "PARSER_VERSION", "9.1.0")
    monkeypatch.setattr(pool, "parse_bytes", shifted)
    _warns(materialize_year(loaded, 2020))
    rows = query(
        loaded,
        "select action, attachment, needs_second_look, cells_moved, cells_changed "
        "from review_status order by action, attachment",
    )
    assert rows == [
        ("confirm", "cell_changed", True, 1, 1),
        ("correct", "cell_changed", True, 0, 1),
        ("correct", "cell_vanished", True, 0, 0),
        ("dismiss", "reattached", False, 0, 0),
    ]
    statuses = _statuses(loaded)
    assert statuses[("tally", "requests.balance", "enterprise")][0] == "second_look"
    ((corrected, value),) = query(
        loaded,
        "select corrected, value from facts_corrected where report_id = ? "
        "and row = 'new_received' and col = 'enterprise'",
        [rid],
    )
    assert not corrected and value == 70
    # and the live application says the same before any copy
    second = data.second_look()
    assert sorted(second["attachment"]) == ["cell_changed", "cell_changed", "cell_vanished"]


def test_the_quality_flags_of_report_flags_join_the_queue_when_the_table_exists(loaded: Path):
    data = _data(loaded)
    rid = _report_id(loaded, "gen-2020-01-trs.html")
    assert not query(loaded, "select 1 from review_flags where flag = 'repeated_figures'")
    work = loaded / ".work" / "warehouse.duckdb"
    # through the pipeline's own door: a write into the working file from outside it is set
    # aside at the next connection (test_working_file_written_outside.py)
    with WarehouseFiles(work, loaded / "warehouse.duckdb").connect() as conn:
        # a flag as the agencies rebuild writes it (gx_pipeline.agencies)
        conn.execute(
            "insert into report_flags (report_id, report_year, flag, subject, cells, detail, "
            "evidence) values (?, 2020, 'repeated_figures', 'requests', "
            "['requests.new_received.total', 'requests.carried_over.total'], "
            "'the same figures as the 2019 report', '{\"previous\": \"x\"}')",
            [rid],
        )
        # and, as the flags' writer does, its code among the report's trust reasons
        conn.execute(
            "update dim_report set trust_reasons = list_append(trust_reasons, "
            "'repeated_figures') where report_id = ?",
            [rid],
        )
        ensure_schema(conn)
    counts = data.counts()
    assert set(counts["kind"]) == {"trust", "tally", "quality"}
    queue = data.queue(Filters(flag="repeated_figures"))
    assert list(queue["report_id"]) == [rid]
    facts = data.facts(rid)
    # the report's quality flags: its late publication and the one written here
    (flag,) = [
        f
        for f in data.flags(rid, facts, data.report(rid))
        if f.kind == "quality" and "repeated_figures" in f.key
    ]
    assert flag.cells == ("requests.new_received.total", "requests.carried_over.total")
    # one flag, one decision: the trust reason is the quality flag's, not a second flag
    assert query(loaded, "select kind from review_flags where flag = 'repeated_figures'") == [
        ("quality",)
    ]
    _decide(data, rid, flag.key, "confirm", "both years print the same table")
    assert data.queue(Filters(flag="repeated_figures", status="confirmed")).shape[0] == 1


def test_a_schema_whose_tables_include_report_flags_reviews_them_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """When the warehouse's own DDL creates report_flags, the first ensure_schema already
    takes its rows into review_flags (not only a second one)."""
    from gx_pipeline.warehouse import schema

    sql = tmp_path / "sql"
    shutil.copytree(schema.SQL_DIR, sql)
    (sql / "99_report_flags.sql").write_text(
        "create table if not exists report_flags (report_id varchar not null, "
        "report_year integer not null, flag varchar not null, subject varchar not null, "
        "cells varchar[], detail varchar, evidence json, primary key (report_id, flag, subject));",
        encoding="utf-8",
    )
    monkeypatch.setattr(schema, "SQL_DIR", sql)
    conn = duckdb.connect()
    try:
        ensure_schema(conn)
        ((view,),) = conn.execute(
            "select sql from duckdb_views() where view_name = 'review_flags'"
        ).fetchall()
        assert "report_flags" in view
    finally:
        conn.close()


def test_the_queue_filters_by_year_region_flag_trust_and_review_status(loaded: Path):
    data = _data(loaded)
    everything = data.queue(Filters())
    assert set(everything["source"]) == {
        "2020/gen-2020-01-trs.html",
        "2020/000_1722c90fa512988b.txt",
    }
    assert data.queue(Filters(year=2019)).empty
    assert list(data.queue(Filters(flag="requests.balance"))["source"]) == [
        "2020/gen-2020-01-trs.html"
    ]
    assert set(data.queue(Filters(trust="needs_review"))["source"]) == set(everything["source"])
    assert data.queue(Filters(trust="clean")).empty
    provinces = {p for p in everything["province"] if isinstance(p, str)}
    for province in provinces:
        assert set(data.queue(Filters(region=province))["province"]) == {province}
    assert data.queue(Filters(region="no such place")).empty
    rid = _report_id(loaded, "gen-2020-01-trs.html")
    _decide(data, rid, "tally:requests.balance:total", "confirm", "the page says so")
    (row,) = data.queue(Filters(status="confirmed")).itertuples()
    assert row.report_id == rid and row.confirmed == 1


#: a whole decision, as the application's form makes one
MADE = {
    "reviewer": "王明",
    "action": "confirm",
    "note": "页面如此",
    "report_id": "r",
    "raw_sha256": "s",
    "report_year": 2020,
    "source": "x",
    "parser_version": "1",
    "kind": "tally",
    "flag": "f",
    "subject": "c",
}


def test_the_log_keeps_who_when_why_and_refuses_what_it_cannot_read(tmp_path: Path):
    log = ReviewLog(tmp_path / "reviews.jsonl")
    made = MADE
    with pytest.raises(ReviewLogError, match="note is required"):
        new_decision(**{**made, "note": " "})
    with pytest.raises(ReviewLogError, match="reviewer is required"):
        new_decision(**{**made, "reviewer": ""})
    with pytest.raises(ReviewLogError, match="action"):
        new_decision(**{**made, "action": "delete"})
    with pytest.raises(ReviewLogError, match="not among its cells"):
        new_decision(**{**made, "action": "correct", "cell": "requests.other.total"})
    d = new_decision(**made)
    log.append(d)
    assert log.read() == [d]
    with (tmp_path / "reviews.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"decision_id": "x", "action": "confirm"}\n')
    with pytest.raises(ReviewLogError, match=r"reviews.jsonl, line 2"):
        log.read()


def test_a_decision_the_disk_fills_up_in_is_refused_not_left_torn(tmp_path: Path):
    """A write that fills the disk part-way through a line returns short, and raised nothing:
    the reviewer was told the decision was recorded, the log kept half a line, and the next
    decision, glued to it, was lost with it (every later read refused the log)."""
    with small_disk(tmp_path / "disk", 1) as disk:
        log = ReviewLog(disk / "reviews.jsonl")
        first = new_decision(**MADE)
        log.append(first)
        fill(disk)  # the log's last block has room for part of the next line only
        long_note = new_decision(**{**MADE, "note": "页面如此，" * 800})
        with pytest.raises(DiskFull, match="the disk is full: the reviewers' decisions"):
            log.append(long_note)
        assert log.read() == [first]
        free(disk)
        log.append(long_note)
        assert log.read() == [first, long_note]


def test_the_application_says_a_decision_on_a_full_disk_was_not_recorded(
    loaded: Path, tmp_path: Path
):
    from starlette.testclient import TestClient

    from gx_pipeline.review.app import Settings, create_app

    with small_disk(tmp_path / "disk", 1) as disk:
        fill(disk)
        settings = Settings(
            loaded / "warehouse.duckdb", disk / "reviews.jsonl", loaded / "raw", loaded / "archive"
        )
        client = TestClient(create_app(settings), base_url="http://127.0.0.1")
        rid = _report_id(loaded, "gen-2020-01-trs.html")
        token = re.search(r'name="token" value="([^"]+)"', client.get(f"/report/{rid}").text)
        form = {"token": token.group(1), "report_id": rid, "action": "confirm"}
        form |= {"flag": "tally:requests.balance:total", "reviewer": "x", "note": "y"}
        answer = client.post("/decide", data=form, follow_redirects=False)
        assert answer.status_code == 507
        assert "not recorded: the disk is full: the reviewers&#39; decisions" in answer.text
        assert ReviewLog(disk / "reviews.jsonl").read() == []


def test_the_export_writes_every_decision_as_csv_and_json(
    loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data = _data(loaded)
    rid = _report_id(loaded, "gen-2020-01-trs.html")
    _decide(
        data, rid, "tally:requests.balance:total", "confirm", '=HYPERLINK("x") the page says so'
    )
    _decide(data, rid, "trust:metadata_guessed:", "dismiss", "year read from the title")
    n = export(data, tmp_path / "decisions.csv")
    frame = pd.read_csv(tmp_path / "decisions.csv")
    assert n == 2 and list(frame["action"]) == ["confirm", "dismiss"]
    assert frame["note"][0].startswith("'=")  # no formula in a spreadsheet
    assert set(frame["attachment"]) == {"current"}
    export(data, tmp_path / "decisions.json")
    records = json.loads((tmp_path / "decisions.json").read_text(encoding="utf-8"))
    assert [r["reviewer"] for r in records] == ["测试员", "测试员"]
    assert (
        records[0]["raw_sha256"]
        == query(loaded, "select raw_sha256 from dim_report where report_id = ?", [rid])[0][0]
    )
    with pytest.raises(ValueError, match=r"\.csv or \.json"):
        export(data, tmp_path / "decisions.xlsx")
    # the same from the command line, on the data folder's log and published warehouse
    monkeypatch.setenv("GX_DATA_DIR", str(loaded))
    assert main_review(["--export", str(tmp_path / "cli.json")]) == 0
    assert json.loads((tmp_path / "cli.json").read_text(encoding="utf-8")) == records
    assert main_review(["--export", str(tmp_path / "decisions.xlsx")]) == 2


def test_the_csv_export_carries_a_byte_order_mark_so_a_spreadsheet_reads_it_as_utf8(
    loaded: Path, tmp_path: Path
):
    # Excel on a Chinese Windows machine opens a CSV without a BOM as GBK: 测试员 as 娴嬭瘯鍛�
    data = _data(loaded)
    rid = _report_id(loaded, "gen-2020-01-trs.html")
    _decide(data, rid, "trust:metadata_guessed:", "dismiss", "年份取自标题")
    export(data, tmp_path / "decisions.csv")
    written = (tmp_path / "decisions.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbfdecision_id,")
    frame = pd.read_csv(tmp_path / "decisions.csv", encoding="utf-8-sig")
    assert tuple(frame.columns) == EXPORT_COLUMNS
    assert list(frame["reviewer"]) == ["测试员"] and list(frame["note"]) == ["年份取自标题"]
    # the JSON export is for programs: no BOM
    export(data, tmp_path / "decisions.json")
    assert (tmp_path / "decisions.json").read_bytes().startswith(b"[")


def test_the_check_and_the_release_count_the_years_flags_by_review_status(
    loaded: Path, tmp_path: Path
):
    from gx_pipeline_tests.test_pipeline import _tally_check

    data = _data(loaded)
    generated = _report_id(loaded, "gen-2020-01-trs.html")
    _decide(data, generated, "tally:requests.balance:total", "confirm", "the page says so")
    real = _report_id(loaded, "000_1722c90fa512988b.txt")
    _decide(data, real, "trust:cells_assumed_empty:", "confirm", "the page leaves them blank")
    result = materialize_year(loaded, 2020)
    review = _tally_check(result).metadata["review"].data
    flags = query(loaded, "select count(*) from review_flags where report_year = 2020")[0][0]
    assert review["flags"] == flags and review["confirmed"] == 2
    assert review["open"] == flags - 2
    assert review["by_kind"]["tally"]["confirmed"] == 1
    # the release's quality report says the same of the year's real agencies' reports (the
    # check counts every flag of the run's pages, generated ones too)
    from gx_pipeline.warehouse.release import release

    real_flags = query(
        loaded,
        "select count(*) from review_flags where report_year = 2020 and not generated",
    )[0][0]
    assert 1 <= real_flags < flags
    release(loaded / "warehouse.duckdb", tmp_path / "release")
    by_year = pd.read_csv(tmp_path / "release" / "quality_by_year.csv").set_index("report_year")
    assert by_year.loc[2020, "confirmed_flags"] == 1
    assert by_year.loc[2020, "open_flags"] == real_flags - 1
    text = (tmp_path / "release" / "quality.md").read_text(encoding="utf-8")
    assert f"{real_flags - 1} open, 1 confirmed, 0 dismissed" in text


def test_the_application_refuses_foreign_pages_and_hosts(loaded: Path):
    from starlette.testclient import TestClient

    from gx_pipeline.review.app import Settings, create_app

    settings = Settings(
        loaded / "warehouse.duckdb", loaded / "reviews.jsonl", loaded / "raw", loaded / "archive"
    )
    client = TestClient(create_app(settings), base_url="http://127.0.0.1")
    rid = _report_id(loaded, "gen-2020-01-trs.html")
    screen = client.get(f"/report/{rid}")
    assert screen.status_code == 200
    assert screen.headers["content-security-policy"].startswith("default-src 'none'")
    token = re.search(r'name="token" value="([^"]+)"', screen.text).group(1)
    form = {
        "token": token,
        "report_id": rid,
        "flag": "tally:requests.balance:total",
        "action": "confirm",
        "reviewer": "x",
        "note": "y",
    }
    foreign = client.post("/decide", data=form, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403
    cross = client.post("/decide", data=form, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    assert client.post("/decide", data={**form, "token": "guess"}).status_code == 403
    assert not (loaded / "reviews.jsonl").exists()
    rebound = client.get("/", headers={"host": "attacker.example"})
    assert rebound.status_code == 400
    ok = client.post("/decide", data=form, follow_redirects=False)
    assert ok.status_code == 303 and len(ReviewLog(loaded / "reviews.jsonl").read()) == 1
    page = client.get(f"/page/{rid}")
    assert "sandbox" in page.headers["content-security-policy"]
    # a report that names no agency is listed as such, not as "nan"
    seed = _report_id(loaded, SEED.name)
    work = loaded / ".work" / "warehouse.duckdb"
    with WarehouseFiles(work, loaded / "warehouse.duckdb").connect() as conn:
        conn.execute("update dim_report set agency = null where report_id = ?", [seed])
    listed = client.get("/")
    assert f'<a href="/report/{seed}">(no agency named)</a>' in listed.text
    assert ">nan<" not in listed.text
    assert '<h1 id="agency">(no agency named)' in client.get(f"/report/{seed}").text
    # every report's screen, whatever its problems lines (none, one, several) and trust status
    for (other,) in query(loaded, "select report_id from dim_report"):
        assert client.get(f"/report/{other}").status_code == 200, other
        assert client.get(f"/page/{other}").status_code == 200, other
    assert '<iframe id="page" title="the archived page" sandbox src=' in screen.text


def test_gx_review_listens_on_loopback_by_default(loaded: Path):
    port = free_port()
    env = {**os.environ, "GX_DATA_DIR": str(loaded)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gx_pipeline.cli", "review", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        listening = None
        deadline = time.monotonic() + 30
        while listening is None and time.monotonic() < deadline:
            time.sleep(0.2)
            for table in ("/proc/net/tcp", "/proc/net/tcp6"):
                for line in Path(table).read_text().splitlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    address, hexport = local.rsplit(":", 1)
                    if int(hexport, 16) == port and state == "0A":  # LISTEN
                        listening = address
        assert listening == "0100007F", f"listening on {listening}"  # 127.0.0.1
        # and it serves the queue of the data folder's flagged reports
        import httpx

        listed = httpx.get(f"http://127.0.0.1:{port}/", timeout=30).text
        for (rid,) in query(loaded, "select distinct report_id from review_flags"):
            assert f'href="/report/{rid}"' in listed
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_raw_page_of_a_file_whose_name_is_not_utf8_is_found(tmp_path):
    # dim_report.source holds such a name percent-encoded ('2022/%D6%D0.html' for the bytes
    # D6 D0 unzip wrote); the page was looked for under the encoded name and said not at hand
    import hashlib
    import os

    from gx_pipeline.review.queue import ReviewData

    raw = tmp_path / "raw"
    (raw / "2022").mkdir(parents=True)
    page = b"<html><p>2022</p></html>"
    (raw / "2022" / os.fsdecode(b"\xd6\xd0.html")).write_bytes(page)
    (raw / "2022" / "%D6%D0-other.html").write_bytes(b"another page")
    data = ReviewData(tmp_path / "none.duckdb", None, raw, tmp_path / "archive")
    sha = hashlib.sha256(page).hexdigest()
    assert data.raw_bytes({"source": "2022/%D6%D0.html", "raw_sha256": sha}) == page
    # a name that is UTF-8 with a % in it is still read as it is written
    other = {
        "source": "2022/%D6%D0-other.html",
        "raw_sha256": hashlib.sha256(b"another page").hexdigest(),
    }
    assert data.raw_bytes(other) == b"another page"
    assert data.raw_bytes({"source": "2022/%00.html", "raw_sha256": sha}) is None


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("hiding", sorted(HIDING))
def test_the_review_of_a_page_tells_the_reviewer_what_its_view_left_out(hiding, depth):
    """The view of a web page leaves out of its cells the figures no reader sees, as the
    parser leaves them out of the numbers, and says so in its note: the note must be in the
    page the reviewer is shown (it was kept for text copies alone, so the reviewer of a web
    page was never told the cell shown is not all of the cell's markup)."""
    attribute = HIDING[hiding]
    for k, (template, year) in enumerate(FORMATS[:2]):
        rng = random.Random(f"review-note:{hiding}:{k}" + (f":{depth}" if depth else ""))
        doc, _ = _document(rng, template, year)

        def cell(c: GCell, rng: random.Random = rng) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or rng.random() < 0.6:
                return text
            return f"{text}<span {attribute}>{rng.randint(0, 120)}</span>"

        page = _deep(_page(doc, cell, word=k % 2 == 1), depth)
        view = page_view(page, "page.html")
        assert view.kind == HTML and "readers do not see" in view.note
        shown = etree.fromstring(render.page_document(view), etree.HTMLParser(huge_tree=True))
        said = " ".join(" ".join(shown.xpath("//body")[0].itertext()).split())
        assert " ".join(view.note.split()) in said, (template, year)


@pytest.mark.parametrize("depth", [None, *sorted(_DEPTHS)])
@pytest.mark.parametrize("hiding", sorted(HIDING))
def test_a_cells_text_in_the_review_is_what_a_reader_sees(hiding: str, depth: str | None):
    """A figure no reader sees beside a cell's number (`<span style="display:none">7</span>3`)
    is left out of the number, and so of the cell the review shows and of the text it names
    for the cell: the page's own hiding does not survive the highlight (a white 7 on the
    highlight's yellow is seen). The view says text was left out."""
    attribute = HIDING[hiding]
    for k, (template, year) in enumerate(FORMATS):
        rng = random.Random(f"review-hidden-in-cell:{hiding}:{k}" + (f":{depth}" if depth else ""))
        doc, _ = _document(rng, template, year)
        strays: list[str] = []

        def cell(c: GCell, rng: random.Random = rng, strays: list = strays) -> str:
            text = render_html.plain_cell(c)
            if c.key is None or rng.random() < 0.6:
                return text
            strays.append(str(rng.randint(0, 120)))
            stray = f"<span {attribute}>{strays[-1]}</span>"
            return stray + text if rng.random() < 0.5 else text + stray

        page = _deep(_page(doc, cell, word=k % 2 == 1), depth)
        report = parse_bytes(page, "page.html")
        view = page_view(page, "page.html")
        locs = [(c.table, c.tr, c.td) for c in report.cells if c.table]
        assert strays and locs
        assert "readers do not see" in view.note
        document = etree.fromstring(
            render.page_document(view, locs), etree.HTMLParser(huge_tree=True)
        )
        for c in report.cells:
            if not c.table:
                continue
            loc = (c.table, c.tr, c.td)
            assert view.texts[loc] == (c.raw or ""), (template, year, c)
            (shown,) = document.xpath(f'//*[@data-gx-loc="{c.table}.{c.tr}.{c.td}"]')
            assert " ".join("".join(shown.itertext()).split()) == (c.raw or ""), (c, hiding)
