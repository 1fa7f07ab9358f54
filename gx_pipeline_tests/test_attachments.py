"""A report page that is a short notice with the report attached: the fetcher archives the
attached PDF/Word file with the page, the year holds it in the page's place, and dim_report
names both addresses. Every address is on a loopback server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg
import pytest

from gx_pipeline.defs.fetch_assets import raw_archive
from gx_pipeline.defs.resources import WebFetcher, default_resources
from gx_pipeline.fetch import (
    Archive,
    FetchSettings,
    ManifestRow,
    export_to_raw,
    fetch_manifest,
    notice_attachment,
    provenance,
)
from gx_pipeline_tests.conftest import ReportSite, materialize_year, query

PAIRS = Path(__file__).parent / "fixtures" / "documents" / "pages"
PDF = PAIRS / "gen-pair1-trs-2021-pdf-portrait.pdf"
DOCX = PAIRS / "gen-pair3-gbk-2023-docx-landscape.docx"
WEB_PAGE = PAIRS / "gen-pair1-trs-2021.html"
SETTINGS = FetchSettings(
    delay=0.0, attempts=1, total_timeout=10.0, max_bytes=2_000_000, allow_private=True
)


def notice(title: str, *links: tuple[str, str], encoding: str = "utf-8") -> bytes:
    """A notice page as agencies' portals publish it: title, date, a line and the attachment."""
    anchors = "".join(f'<p>附件：<a href="{href}">{text}</a></p>' for href, text in links)
    return (
        f'<html><head><meta charset="{encoding}"><title>{title}</title></head><body>'
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a></div>'
        f"<h1>{title}</h1><p>发布日期：2022-01-20</p>"
        f"<p>根据《中华人民共和国政府信息公开条例》规定，现将{title}予以公布，详见附件。</p>"
        f"{anchors}</body></html>"
    ).encode(encoding)


def test_a_notice_names_its_one_attached_report() -> None:
    page = "http://example.gov.cn/xxgk/2022/notice.html"
    one = notice("某局2021年政府信息公开工作年度报告", ("files/ndbg.pdf", "2021年年度报告"))
    assert notice_attachment(one, page) == "http://example.gov.cn/xxgk/2022/files/ndbg.pdf"
    # the link's address hides the file; its text shows the file name
    hidden = notice("某局年报", ("/download.jsp?id=77", "某局2021年年度报告.docx"))
    assert notice_attachment(hidden, page) == "http://example.gov.cn/download.jsp?id=77"
    # two documents, one of them the report
    two = notice(
        "某局年报",
        ("/a/ndbg.pdf", "2021年政府信息公开工作年度报告.pdf"),
        ("/a/form.doc", "申请表.doc"),
    )
    assert notice_attachment(two, page) == "http://example.gov.cn/a/ndbg.pdf"
    # two reports: which one is this page's is not known, so neither is followed
    both = notice("年报", ("/a/1.pdf", "甲局年度报告.pdf"), ("/a/2.pdf", "乙局年度报告.pdf"))
    assert notice_attachment(both, page) is None
    # GBK, as many portals still serve
    gbk = notice("某局年报", ("ndbg.wps", "年度报告"), encoding="gbk")
    assert notice_attachment(gbk, page) == "http://example.gov.cn/xxgk/2022/ndbg.wps"


def test_a_page_with_the_report_on_it_is_not_a_notice() -> None:
    body = WEB_PAGE.read_bytes().replace(
        b"</body>", '<p><a href="/ndbg.pdf">年度报告下载.pdf</a></p></body>'.encode()
    )
    assert notice_attachment(body, "http://example.gov.cn/x.html") is None
    assert notice_attachment(PDF.read_bytes(), "http://example.gov.cn/x.pdf") is None


def test_a_page_the_parser_fails_on_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import gx_pipeline.parsing

    def broken(data: bytes, source: str) -> None:
        raise RecursionError("a parser bug")

    monkeypatch.setattr(gx_pipeline.parsing, "parse_bytes", broken)
    page = notice("某局年报", ("ndbg.pdf", "年度报告"))
    assert notice_attachment(page, "http://example.gov.cn/x.html") is None


def _serve(report_site: ReportSite) -> dict[str, str]:
    site = report_site
    site.pages["/2021/a.html"] = notice("某局2021年年度报告", ("/files/a.pdf", "年度报告.pdf"))
    site.pages["/files/a.pdf"] = PDF.read_bytes()
    site.pages["/2023/b.html"] = notice("某局2023年年度报告", ("/files/b.docx", "年度报告.docx"))
    site.pages["/files/b.docx"] = DOCX.read_bytes()
    # an attachment that is an error page served with 200, and one past the size cap
    site.pages["/2021/c.html"] = notice("某局年报", ("/files/c.pdf", "年度报告.pdf"))
    site.pages["/files/c.pdf"] = (
        b"<html><body>\xe6\x96\x87\xe4\xbb\xb6\xe4\xb8\x8d\xe5\xad\x98</body></html>"
    )
    site.pages["/2021/d.html"] = notice("某局年报", ("/files/d.pdf", "年度报告.pdf"))
    site.pages["/files/d.pdf"] = b"%PDF-1.7\n" + b"0" * (SETTINGS.max_bytes + 1)
    return {
        name: site.url(f"/{year}/{name}.html")
        for name, year in zip("abcd", (2021, 2023, 2021, 2021))
    }


def test_the_fetcher_archives_the_attached_report_and_the_year_holds_it(
    report_site: ReportSite, tmp_path: Path
) -> None:
    pages = _serve(report_site)
    rows = [ManifestRow(pages[n], None, 2023 if n == "b" else 2021) for n in "abcd"]
    summary = fetch_manifest(rows, tmp_path / "archive", SETTINGS)
    assert (summary.fetched, summary.attachments) == (4, 2)
    failures = dict(summary.failures)
    assert "not a PDF or Word file but html" in failures[report_site.url("/files/c.pdf")]
    assert "too large" in failures[report_site.url("/files/d.pdf")]
    placed = export_to_raw(tmp_path / "archive", tmp_path / "raw")
    got = {p.relative_to(tmp_path / "raw").as_posix(): p.read_bytes() for p in placed}
    pdf, docx = PDF.read_bytes(), DOCX.read_bytes()
    notice_c = report_site.pages["/2021/c.html"]
    notice_d = report_site.pages["/2021/d.html"]
    assert got == {
        f"2021/{_sha(pdf)[:16]}.pdf": pdf,
        f"2023/{_sha(docx)[:16]}.docx": docx,
        # no readable attachment: the notice page, quarantined with its reason when loaded
        f"2021/{_sha(notice_c)[:16]}.html": notice_c,
        f"2021/{_sha(notice_d)[:16]}.html": notice_d,
    }
    where = provenance(tmp_path / "archive")
    assert where[_sha(pdf)] == (report_site.url("/files/a.pdf"), pages["a"])
    assert where[_sha(notice_c)] == (pages["c"], pages["c"])
    # a year's files only: the same entries, the others not kept
    year = {_sha(pdf), _sha(notice_d), "f" * 64}
    assert provenance(tmp_path / "archive", year) == {
        sha: where[sha] for sha in year if sha in where
    }
    # a second run asks for nothing: the pages and their attachments are archived
    again = fetch_manifest(rows, tmp_path / "archive", SETTINGS)
    assert again.skipped == 2 and again.fetched == 0  # c and d are tried again (their file failed)


def test_a_run_stopped_between_page_and_attachment_asks_for_the_page_again(
    report_site: ReportSite, tmp_path: Path
) -> None:
    pages = _serve(report_site)
    row = ManifestRow(pages["a"], None, 2021)
    archive = Archive(tmp_path / "archive")
    fetch_manifest([row], tmp_path / "archive", SETTINGS)
    # drop the attachment's record, as a run that stopped after the page's record would leave
    log = tmp_path / "archive" / "fetches.jsonl"
    log.write_text(log.read_text(encoding="utf-8").splitlines(True)[0], encoding="utf-8")
    assert report_site.url("/files/a.pdf") not in archive.latest_successes()
    summary = fetch_manifest([row], tmp_path / "archive", SETTINGS)
    assert (summary.skipped, summary.attachments) == (0, 1)
    assert report_site.url("/files/a.pdf") in archive.latest_successes()


@pytest.fixture
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GX_FETCH_ALLOW_PRIVATE", "1")


def test_a_fetched_notice_ends_in_the_facts_with_both_addresses(
    report_site: ReportSite, data_dir: Path, loopback_allowed: None
) -> None:
    pages = _serve(report_site)
    (data_dir / "manifest.csv").write_text(
        f"address,agency,year\n{pages['a']},,2021\n{pages['c']},,2021\n", encoding="utf-8"
    )
    result = dg.materialize(
        [raw_archive],
        resources={**default_resources(data_dir), "web_fetcher": WebFetcher(delay=0.0, attempts=1)},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert materialize_year(data_dir, 2021).success
    pdf = PDF.read_bytes()
    ((kind, address, page, cells, source),) = query(
        data_dir, "select document_kind, address, page_address, cell_count, source from dim_report"
    )
    assert (kind, address, page) == ("pdf", report_site.url("/files/a.pdf"), pages["a"])
    assert source == f"2021/{_sha(pdf)[:16]}.pdf" and cells >= 190
    facts = query(
        data_dir,
        "select count(*), min(source_table) from fact_requests where report_id = ?",
        [_sha(pdf)[:16]],
    )
    assert facts[0][0] > 100 and facts[0][1] >= 1  # located by the PDF's page
    ((reason,),) = query(data_dir, "select reason from quarantine")
    assert "attachment" in reason


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_provenance_for_a_years_files_reads_the_log_as_a_whole_would(tmp_path: Path) -> None:
    """Only the wanted sha256 are kept, and a line is passed over unread only when it plainly
    shows another sha256: a record written without json.dumps' spaces, a failed fetch and a
    torn last line are judged as the whole log's reading judges them."""
    import json

    from gx_pipeline.fetch.archive import LOG

    a, b, c = ("a" * 64, "b" * 64, "c" * 64)
    lines = [
        json.dumps({"address": "http://x/1", "outcome": "fetched", "fetched_at": "t", "sha256": a}),
        json.dumps({"address": "http://x/2", "outcome": "fetched", "fetched_at": "t", "sha256": b}),
        # the sha256 written with an escape: not found plainly, so the line is read
        json.dumps(
            {"address": "http://x/3", "outcome": "fetched", "fetched_at": "t", "sha256": c},
            separators=(",", ":"),
        ).replace('"sha256":"c', '"sha256":"\\u0063'),
        json.dumps({"address": "http://x/4", "outcome": "failed", "fetched_at": "t", "sha256": a}),
        json.dumps({"address": "http://x/5", "outcome": "fetched", "fetched_at": "t", "sha256": a}),
        '{"address": "http://x/6", "outcome": "fetched", "sha256": "' + b,  # torn
    ]
    (tmp_path / LOG).write_text("\n".join(lines), encoding="utf-8")
    whole = provenance(tmp_path)
    assert whole == {
        a: ("http://x/5", "http://x/5"),
        b: ("http://x/2", "http://x/2"),
        c: ("http://x/3", "http://x/3"),
    }
    for wanted in ({a}, {b, c}, {c}, set(), {a, b, c, "d" * 64}):
        assert provenance(tmp_path, wanted) == {s: whole[s] for s in wanted if s in whole}
