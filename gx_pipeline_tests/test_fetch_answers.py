"""What a server answers in place of a report, and what a manifest holds besides addresses.

A loopback server (127.0.0.1) serves generated report pages, then, at the same addresses, what
agencies' sites serve when something is wrong on their side: an error page with status 200
(页面不存在), an empty body, a firewall's block page. None of them is the report: a fetch
that gets one must say so and must not put it in the report's place in data/raw/<year>/.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gx_pipeline.fetch import (
    FetchSummary,
    ManifestRow,
    export_to_raw,
    fetch_manifest,
    main_fetch,
    read_manifest,
    versions,
)
from gx_pipeline.fetch.manifest import ManifestError
from gx_pipeline.pagegen import page_for
from gx_pipeline_tests.conftest import LOOPBACK_FETCH, ReportSite, killed_at

SETTINGS = LOOPBACK_FETCH
RECHECK = dataclasses.replace(LOOPBACK_FETCH, refresh=True)

#: what a site serves with status 200 when the page is gone or the site is down: each a family
ERROR_PAGE = (
    '<html><head><meta charset="utf-8"><title>页面不存在</title></head><body>'
    "<div class='err'><img src='/404.png'><p>对不起，您访问的页面不存在或已被删除！</p>"
    "<a href='/'>返回首页</a></div></body></html>"
).encode()
ERROR_PAGE_GBK = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    "<title>404 Not Found</title></head><body><h1>404 Not Found</h1><hr>nginx</body></html>"
).encode("gbk")
#: a web firewall's page: no error word a list could hold, but no report either
BLOCK_PAGE = (
    '<html><head><meta charset="utf-8"><title>网站防火墙</title></head><body>'
    "<p>您的请求带有不合法参数，已被网站管理员设置拦截！</p><p>可能原因：您提交的内容包含危险的攻击请求</p>"
    "</body></html>"
).encode()


def report_pages(count: int) -> list[bytes]:
    """Generated HTML report pages (tables the parser reads)."""
    pages = []
    index = 0
    while len(pages) < count:
        page = page_for(29, index)
        index += 1
        if page.ext == ".html":
            pages.append(page.data)
    return pages


def _year_files(raw: Path, year: int) -> dict[str, bytes]:
    folder = raw / str(year)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


@pytest.mark.parametrize(
    "answer",
    [ERROR_PAGE, ERROR_PAGE_GBK, BLOCK_PAGE, b"", b"\r\n  \n"],
    ids=["error-page", "nginx-404-gbk", "firewall-block", "empty", "blank"],
)
def test_a_recheck_answered_by_a_page_without_the_report_keeps_the_report_in_its_year(
    report_site: ReportSite, tmp_path: Path, answer: bytes
) -> None:
    report, other = report_pages(2)
    report_site.pages = {"/r/1": report, "/r/2": other}
    rows = [
        ManifestRow(report_site.url("/r/1"), "甲", 2023),
        ManifestRow(report_site.url("/r/2"), "乙", 2023),
    ]
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    assert fetch_manifest(rows, archive, SETTINGS).fetched == 2
    export_to_raw(archive, raw)
    before = _year_files(raw, 2023)
    assert sorted(before.values()) == sorted([report, other])

    report_site.pages["/r/1"] = answer
    summary = fetch_manifest(rows, archive, RECHECK)
    export_to_raw(archive, raw)

    assert (summary.fetched, summary.unchanged, summary.failed) == (0, 1, 1)
    [(address, reason)] = summary.failures
    assert address == report_site.url("/r/1")
    assert "the archived version is kept" in reason
    # the year still holds the report, and the archive's history has one version of it
    assert _year_files(raw, 2023) == before
    assert [v.version for v in versions(archive) if v.address == report_site.url("/r/1")] == [1]


@pytest.mark.parametrize(
    "answer", [ERROR_PAGE, ERROR_PAGE_GBK, b""], ids=["error-page", "nginx-404-gbk", "empty"]
)
def test_an_error_page_or_empty_body_on_a_first_fetch_fails_and_is_asked_for_again(
    report_site: ReportSite, tmp_path: Path, answer: bytes
) -> None:
    [report] = report_pages(1)
    report_site.pages = {"/r/1": answer}
    rows = [ManifestRow(report_site.url("/r/1"), "甲", 2023)]
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    summary = fetch_manifest(rows, archive, SETTINGS)
    export_to_raw(archive, raw)
    assert (summary.fetched, summary.failed) == (0, 1)
    assert _year_files(raw, 2023) == {}

    # the site is back: the next plain run asks again (a failure is not "archived")
    report_site.pages["/r/1"] = report
    again = fetch_manifest(rows, archive, SETTINGS)
    export_to_raw(archive, raw)
    assert (again.fetched, again.skipped, report_site.hits["/r/1"]) == (1, 0, 2)
    assert list(_year_files(raw, 2023).values()) == [report]


def _archived_then_edited(
    report_site: ReportSite, tmp_path: Path
) -> tuple[Path, Path, bytes, FetchSummary]:
    """A report fetched and placed in 2023, then edited and re-checked (not yet placed again):
    the archive, the raw folder, the edit and the re-check's summary."""
    first, edited = report_pages(2)
    report_site.pages = {"/r/1": first}
    rows = [ManifestRow(report_site.url("/r/1"), "甲", 2023)]
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    fetch_manifest(rows, archive, SETTINGS)
    export_to_raw(archive, raw)
    report_site.pages["/r/1"] = edited
    return archive, raw, edited, fetch_manifest(rows, archive, RECHECK)


def test_an_edited_report_still_replaces_its_earlier_edition(
    report_site: ReportSite, tmp_path: Path
) -> None:
    archive, raw, edited, summary = _archived_then_edited(report_site, tmp_path)
    export_to_raw(archive, raw)
    assert (summary.fetched, summary.changed, summary.failed) == (1, 1, 0)
    assert list(_year_files(raw, 2023).values()) == [edited]


#: an agency's short list page: no report on it, numbers in its text that are no status code
LIST_PAGE = (
    '<html><head><meta charset="utf-8"><title>年报专栏_某区人民政府</title></head><body><ul>'
    '<li><a href="/r/1">某区2023年政府信息公开工作年度报告</a></li></ul>'
    "<p>共500条 电话：010-69546500 京公网安备11010502030404号</p></body></html>"
).encode()


@pytest.mark.parametrize("kind", ["report-titled-404", "short-list-page"])
def test_a_page_that_only_mentions_an_error_or_a_status_code_is_archived(
    report_site: ReportSite, tmp_path: Path, kind: str
) -> None:
    """A report whose title says 404 or 页面不存在 is still the report; a list page that says
    共500条 is a list page."""
    [report] = report_pages(1)
    marked = report.replace(b"<title>", "<title>页面不存在 404 ".encode(), 1)
    assert marked != report
    report_site.pages = {"/p": marked if kind == "report-titled-404" else LIST_PAGE}
    summary = fetch_manifest([ManifestRow(report_site.url("/p"), None, 2023)], tmp_path, SETTINGS)
    assert (summary.fetched, summary.failed) == (1, 0)


#: report pages whose report the parser cannot read on them (scanned images, an OFD file, a
#: viewer), each with words an error page uses in a sense of their own
_UNREAD_REPORT = (
    "<p><img src='/u/2024/r1.jpg'><img src='/u/2024/r2.jpg'></p>",
    "<p>附件：<a href='/u/2024/report.ofd'>报告.ofd</a></p>",
    "<iframe src='/viewer.html?file=r.ofd' width='100%'></iframe>",
)
_ORDINARY_WORDS = (
    "<h3>一、坚决维护中央权威，推进政务公开</h3>",
    "<p>如无法访问附件，请与本单位联系。</p>",
    "<div>主办：某镇人民政府 网站维护中心：某县信息中心</div>",
    "<div>本站已部署网站防火墙，恶意访问将被拦截</div>",
    "<h2>（二）信息已删除或已过期的处理情况</h2>",
)
_REPORT_TITLES = (
    "某镇2023年政府信息公开工作年度报告",
    "某县人民政府办公室2023年度政府信息公开工作报告（第404期）",
    "2023年政务公开年报_某区人民政府",
)


@pytest.mark.parametrize("title", _REPORT_TITLES)
@pytest.mark.parametrize("words", _ORDINARY_WORDS)
@pytest.mark.parametrize("report", _UNREAD_REPORT)
def test_a_page_named_as_the_report_is_no_error_page_for_words_in_its_text(
    title: str, words: str, report: str
) -> None:
    """A page whose title names the annual report, its report as images or a file the page's
    reader does not take, is the report whatever its narrative or footer says (坚决维护中央权威,
    如无法访问附件, 网站维护中心, 防火墙, 已删除): taken for an error page, it failed on every
    fetch and was never archived. An error page does not carry a report's title."""
    from gx_pipeline.fetch.error_pages import not_the_report

    page = (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<h1>{title}</h1><p>发布日期：2024-01-20</p>{report}{words}</body></html>"
    ).encode()
    address = "https://www.example.gov.cn/art/2024/1/20/art_1.html"
    assert not_the_report(page, address, "text/html; charset=utf-8") is None


@pytest.mark.parametrize(
    ("lines", "refusal"),
    [
        # cells but no address: the row's page would be in no year, and nothing said
        (["https://a.gov.cn/1.html,甲,2023", ",乙,2023"], r"line 5: no address"),
        # one address, two years (a site that serves each year's report at one address)
        (
            ["https://a.gov.cn/nianbao.html,甲,2022", "https://a.gov.cn/nianbao.html,甲,2023"],
            r"line 5: \S+nianbao.html under report year 2023, but line 4 lists it under 2022",
        ),
        (["https://a.gov.cn/1.html,甲,2023", "https://a.gov.cn/2.html,乙,20223"], r"line 5: not a"),
    ],
    ids=["no-address", "two-years", "bad-year"],
)
def test_a_manifest_row_that_would_misplace_a_page_is_refused_naming_its_line_in_the_file(
    tmp_path: Path, lines: list[str], refusal: str
) -> None:
    manifest = tmp_path / "m.csv"
    # a BOM, a blank line and a comment before the rows: the line is the file's, not the row's
    text = "\ufeffaddress,agency,year\n\n# the first district\n" + "\n".join(lines) + "\n"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=refusal):
        read_manifest(manifest)


def test_a_manifest_saved_in_another_encoding_is_refused_naming_the_file_and_line(
    tmp_path: Path,
) -> None:
    """A spreadsheet on a Chinese Windows machine saves CSV as GBK: its agencies' names are no
    UTF-8. The refusal names the file, the line of the first such byte and what to do, where it
    was a bare UnicodeDecodeError naming neither."""
    manifest = tmp_path / "m.csv"
    text = "address,agency,year\nhttps://a.gov.cn/1.html,,2023\nhttps://a.gov.cn/2.html,甲区人民政府,2023\n"
    manifest.write_bytes(text.encode("gbk"))
    with pytest.raises(ManifestError, match=rf"{manifest}, line 3: not UTF-8 .*save it as UTF-8"):
        read_manifest(manifest)


def test_an_error_page_whose_sidebar_names_the_reports_column_is_still_one() -> None:
    """Only the page's own name (title, h1) keeps its words from being read: an error page in
    the site's template, its sidebar headed 政府信息公开年报, is an error page."""
    from gx_pipeline.fetch.error_pages import not_the_report

    page = (
        '<html><head><meta charset="utf-8"><title>某区人民政府</title></head><body>'
        "<h3>政府信息公开年报</h3><ul><li>2023年</li></ul><p>对不起，您访问的页面不存在！</p>"
        "</body></html>"
    ).encode()
    assert (not_the_report(page, "https://a.gov.cn/x.html", None) or "").startswith("an error")


@pytest.mark.parametrize(
    "words",
    [
        "网站维护中心：某县信息中心",
        "坚决维护中央权威",
        "维护中华民族共同体意识",
        "维护中小企业合法权益",
    ],
)
def test_words_that_only_begin_like_under_maintenance_do_not_make_an_error_page(words: str) -> None:
    """维护中 (under maintenance) begins 维护中心, 维护中央, 维护中华, 维护中小: a short notice page
    titled by its site, its report in a file the reader does not take (OFD), was taken for a
    maintenance page by its footer or a sentence."""
    from gx_pipeline.fetch.error_pages import not_the_report

    page = (
        '<html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>'
        "<div class='t'>2023年年报</div><p>详见附件：<a href='/u/r.ofd'>报告.ofd</a></p>"
        f"<p>{words}</p></body></html>"
    ).encode()
    assert not_the_report(page, "https://a.gov.cn/x.html", None) is None
    maintenance = page.replace(words.encode(), "系统升级维护中，请稍后访问".encode())
    assert (not_the_report(maintenance, "https://a.gov.cn/x.html", None) or "").startswith("an")


@pytest.mark.parametrize(
    "spelled",
    [
        "https://a.gov.cn/nianbao.html#2023",
        "https://A.GOV.CN/nianbao.html",
        "HTTPS://a.gov.cn:443/nianbao.html",
    ],
    ids=["fragment", "host-case", "default-port"],
)
def test_one_page_spelled_two_ways_under_two_years_is_refused(tmp_path: Path, spelled: str) -> None:
    """A fragment (never sent), the host's case, the scheme's default port: the same page.
    Written so under 2022 and 2023, it passed the one-address-one-year rule, was fetched once
    per spelling and placed in both years."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        f"address,agency,year\nhttps://a.gov.cn/nianbao.html,甲,2022\n{spelled},甲,2023\n",
        encoding="utf-8",
    )
    with pytest.raises(ManifestError, match=r"line 3: .* but line 2 lists it under 2022"):
        read_manifest(manifest)


def test_a_repeated_address_counts_once_with_the_year_a_later_row_gives(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "address,agency,year\n"
        "https://a.gov.cn/1.html,甲,2022\n"
        "https://a.gov.cn/1.html,,2022\n"
        ",,\n"
        "https://a.gov.cn/2.html,乙,\n"
        "https://a.gov.cn/2.html,乙,2022\n",
        encoding="utf-8",
    )
    assert read_manifest(manifest) == [
        ManifestRow("https://a.gov.cn/1.html", "甲", 2022),
        ManifestRow("https://a.gov.cn/2.html", "乙", 2022),
    ]


def test_a_corrected_report_year_moves_an_archived_page_to_that_year_folder(
    report_site: ReportSite, tmp_path: Path
) -> None:
    """The manifest said 2022, the page is the 2023 report: the row corrected, the next run
    (the page archived, so not asked for again) places it under 2023, and 2022 no longer holds
    it."""
    [report] = report_pages(1)
    report_site.pages = {"/nianbao.html": report}
    manifest, raw = tmp_path / "m.csv", tmp_path / "raw"
    fetch = [str(manifest), "--archive", str(tmp_path / "archive"), "--export-raw", str(raw)]
    fetch += ["--allow-private", "--delay", "0"]
    for year in (2022, 2023):
        manifest.write_text(f"address,agency,year\n{report_site.url('/nianbao.html')},甲,{year}\n")
        assert main_fetch(fetch) == 0
    assert report_site.hits["/nianbao.html"] == 1
    assert (_year_files(raw, 2022), list(_year_files(raw, 2023).values())) == ({}, [report])


def test_a_year_given_over_the_recorded_one_leaves_no_copy_in_the_old_year(
    report_site: ReportSite, tmp_path: Path
) -> None:
    """raw_archive's route: the manifest's year passed to export_to_raw (before: the page was
    placed under 2023 and stayed under 2022, one report in two year folders)."""
    [report] = report_pages(1)
    report_site.pages = {"/nianbao.html": report}
    address = report_site.url("/nianbao.html")
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    fetch_manifest([ManifestRow(address, "甲", 2022)], archive, SETTINGS)
    export_to_raw(archive, raw)
    export_to_raw(archive, raw, {address: 2023})
    assert (_year_files(raw, 2022), list(_year_files(raw, 2023).values())) == ({}, [report])


_DOCUMENTS = Path(__file__).parent / "fixtures" / "documents" / "pages"
#: a report published as a file, by kind
REPORT_FILES = {
    "pdf": _DOCUMENTS / "gen-pair1-trs-2021-pdf-portrait.pdf",
    "docx": _DOCUMENTS / "gen-pair3-gbk-2023-docx-landscape.docx",
    "doc": _DOCUMENTS / "gen-pair1-trs-2021-doc-portrait.doc",
}


def _broken(kind: str, how: str) -> bytes:
    """What a site serves at a report file's address when something is wrong on its side."""
    data = REPORT_FILES[kind].read_bytes()
    return {"cut": data[: len(data) * 2 // 3], "error-page": ERROR_PAGE, "empty": b""}[how]


@pytest.mark.parametrize("how", ["cut", "error-page", "empty"])
@pytest.mark.parametrize("route", ["address", "attached"])
@pytest.mark.parametrize("kind", sorted(REPORT_FILES))
def test_a_recheck_answered_by_a_broken_report_file_keeps_the_good_one_in_its_year(
    report_site: ReportSite, tmp_path: Path, kind: str, route: str, how: str
) -> None:
    good = REPORT_FILES[kind].read_bytes()
    path = f"/files/ndbg.{kind}"
    report_site.pages = {path: good}
    address = path
    if route == "attached":  # a notice page that links the report
        address = "/xxgk/notice.html"
        report_site.pages[address] = (
            '<html><head><meta charset="utf-8"><title>某局2023年政府信息公开工作年度报告</title>'
            f'</head><body><p>详见附件。</p><p>附件：<a href="{path}">年度报告</a></p></body></html>'
        ).encode()
    rows = [ManifestRow(report_site.url(address), "甲", 2023)]
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    fetch_manifest(rows, archive, SETTINGS)
    export_to_raw(archive, raw)
    before = _year_files(raw, 2023)
    assert list(before.values()) == [good]

    report_site.pages[path] = _broken(kind, how)
    summary = fetch_manifest(rows, archive, RECHECK)
    export_to_raw(archive, raw)

    assert _year_files(raw, 2023) == before
    [(failed, reason)] = summary.failures
    assert failed == report_site.url(path)
    expected = {
        "cut": "cut off before its end" if kind != "docx" else "does not open",
        "error-page": "an error page",
        "empty": "an empty body",
    }[how]
    assert expected in reason, reason


@pytest.mark.parametrize("kind", sorted(REPORT_FILES))
def test_a_report_file_cut_off_on_a_first_fetch_fails_and_is_asked_for_again(
    report_site: ReportSite, tmp_path: Path, kind: str
) -> None:
    good = REPORT_FILES[kind].read_bytes()
    report_site.pages = {"/ndbg": _broken(kind, "cut")}
    rows = [ManifestRow(report_site.url("/ndbg"), "甲", 2023)]
    archive, raw = tmp_path / "archive", tmp_path / "raw"
    summary = fetch_manifest(rows, archive, SETTINGS)
    export_to_raw(archive, raw)
    assert (summary.fetched, summary.failed) == (0, 1)
    assert "nothing archived" in summary.failures[0][1]
    assert _year_files(raw, 2023) == {}

    report_site.pages["/ndbg"] = good
    assert fetch_manifest(rows, archive, SETTINGS).fetched == 1
    export_to_raw(archive, raw)
    assert list(_year_files(raw, 2023).values()) == [good]


def test_a_copy_left_by_an_export_killed_while_placing_a_page_is_named_and_removed_by_the_next(
    report_site: ReportSite, tmp_path: Path
) -> None:
    from gx_pipeline.staging.inventory import year_entries

    archive, raw, edited, _ = _archived_then_edited(report_site, tmp_path)
    # the export of the edit killed (kill -9) when its copy is written, before the rename
    assert killed_at("gx_pipeline.fetch.archive", "_renamed", "export_to_raw", archive, raw) == 9
    [left] = [p for p in (raw / "2023").iterdir() if p.name.endswith(".tmp")]

    # the load does not read it and says whose it is
    [entry] = [e for e in year_entries(raw / "2023", raw) if e.path == left]
    assert entry.in_progress
    assert (entry.refused or "").startswith(
        "a page's temporary copy written by gx fetch --export-raw"
    )

    # the next export removes it, says so and places the edit
    removed: list[Path] = []
    export_to_raw(archive, raw, on_removed=removed.append)
    assert removed == [left]
    assert list(_year_files(raw, 2023).values()) == [edited]
