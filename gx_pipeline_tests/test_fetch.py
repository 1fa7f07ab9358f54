"""The fetcher against a real HTTP server on 127.0.0.1 that misbehaves the way agencies' sites do.

No traffic leaves the machine: every address is on the loopback server below, and the settings
allow private targets only because that server is on loopback.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from gx_pipeline.fetch import (
    USER_AGENT,
    Archive,
    FetchSettings,
    ManifestRow,
    UnsafeAddress,
    check_address,
    export_to_raw,
    fetch_manifest,
    main_fetch,
    read_manifest,
    report_links,
    versions,
)
from gx_pipeline_tests.conftest import loopback_server

FIXTURES = Path(__file__).parent / "fixtures" / "fetch"
#: the read timeout of the fetches here; a page served at once must come well within it on a
#: busy machine, since the fault mix counts retries exactly
CLIENT_TIMEOUT = 1.0
MAX_BYTES = 200_000
FAST = FetchSettings(
    concurrency=16,
    per_host=16,
    delay=0.0,
    connect_timeout=2.0,
    read_timeout=CLIENT_TIMEOUT,
    total_timeout=5.0,
    attempts=3,
    backoff=0.01,
    backoff_max=0.05,
    max_bytes=MAX_BYTES,
    allow_private=True,
)
GBK_TEXT = "北京市朝阳区人民政府2023年政府信息公开工作年度报告：收到申请数 125 件"
FIXED_DATE = formatdate(1_700_000_000, usegmt=True)


class Site:
    """What the loopback server serves and what it saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self.edition = 1
        self.in_flight = 0
        self.max_in_flight = 0
        self.starts: list[float] = []
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            with site.lock:
                site.hits[path] += 1
                hit = site.hits[path]
                site.user_agents.add(self.headers.get("User-Agent", ""))
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    site.conditional[path] += 1
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
                site.starts.append(time.monotonic())
            try:
                self.route(path, hit)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on a slow page, as it should
            finally:
                with site.lock:
                    site.in_flight -= 1

        def send(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            headers = {name.replace("_", "-"): value for name, value in headers.items()}
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            headers.setdefault("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def page(self, name: str, etag: str | None = None, **headers: str) -> None:
            body = f"<html><body><h1>{name}</h1><table><tr><td>1</td></tr></table></body></html>"
            if etag:
                if self.headers.get("If-None-Match") == etag:
                    return self.send(304, ETag=etag)
                headers["ETag"] = etag
            self.send(200, body.encode("utf-8"), **headers)

        def route(self, path: str, hit: int) -> None:
            kind = path.strip("/").split("/")[0]
            if path == "/robots.txt":
                self.send(200, b"User-agent: *\nDisallow: /private/\n", Content_Type="text/plain")
            elif kind in ("good", "flaky", "slow", "slowish"):
                if kind == "flaky" and hit <= 2:
                    return self.send(500, b"busy")
                if kind == "slow" and hit == 1:
                    time.sleep(CLIENT_TIMEOUT * 2)
                if kind == "slowish":
                    time.sleep(0.03)
                self.page(path, etag=f'"{hashlib.md5(path.encode()).hexdigest()}"')
            elif kind == "lm":
                if self.headers.get("If-Modified-Since") == FIXED_DATE:
                    return self.send(304)
                self.page(path, Last_Modified=FIXED_DATE)
            elif kind == "plain":
                self.page(path)
            elif kind == "gbk":
                body = (
                    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                    f"</head><body><p>{GBK_TEXT}</p><p>{path}</p></body></html>"
                ).encode("gbk")
                self.send(200, body, Content_Type="text/html", ETag=f'"gbk{path}"')
            elif kind == "changing":
                self.page(f"{path} edition {site.edition}", etag=f'"{path}-{site.edition}"')
            elif kind == "broken":
                self.send(503, b"down for maintenance")
            elif kind == "hang":
                time.sleep(CLIENT_TIMEOUT * 2)
                self.page(path)
            elif kind == "truncated":
                self.send_response(200)
                self.send_header("Content-Length", "5000")
                self.end_headers()
                self.wfile.write(b"<html><body>only the first hundred bytes".ljust(100, b"."))
                self.wfile.flush()
                self.close_connection = True
            elif kind == "loop":
                self.send(
                    302,
                    Location=path.replace("/a", "/b") if "/a" in path else path.replace("/b", "/a"),
                )
            elif kind == "redirect":
                self.send(301, Location="/good" + path[len("/redirect") :])
            elif kind == "chain":
                left = int(path.rsplit("/", 1)[1])
                if left == 0:
                    return self.page(path)
                self.send(302, Location=path.rsplit("/", 1)[0] + f"/{left - 1}")
            elif kind == "huge":
                # no Content-Length: the body runs until the connection closes
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(MAX_BYTES // 10_000 * 5):
                    self.wfile.write(b"x" * 10_000)
                self.close_connection = True
            elif kind == "huge-declared":
                self.send_response(200)
                self.send_header("Content-Length", str(MAX_BYTES * 50))
                self.end_headers()
                self.wfile.write(b"x" * 1000)
            elif kind == "offsite":
                self.send(302, Location="ftp://127.0.0.1/reports/2023.html")
            elif path == "/list/tongzhou.html":
                self.send(
                    200,
                    (FIXTURES / "report_list.html")
                    .read_bytes()
                    .replace(b"http://www.bjtzh.gov.cn", site.base.encode()),
                )
            elif kind in ("tzq", "list"):
                self.page(path, etag=f'"{path}"')
            else:
                self.send(404, b"not found")

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    with loopback_server(_handler(site)) as base:
        site.base = base
        yield site


# (path kind, count, succeeds on the first run, the failure reason when it does not)
FAULT_MIX = [
    ("good", 80, True, None),
    ("lm", 20, True, None),
    ("plain", 20, True, None),
    ("gbk", 20, True, None),
    ("flaky", 15, True, None),  # 500 twice, then fine: a retried success
    ("slow", 5, True, None),  # first try outlasts the client timeout, second is fine
    ("redirect", 5, True, None),
    ("changing", 10, True, None),
    ("broken", 3, False, "HTTP 503 (after 3 attempts)"),
    ("hang", 3, False, "timed out (ReadTimeout) (after 3 attempts)"),
    ("truncated", 3, False, "broken response"),
    ("loop", 2, False, "redirect loop"),
    ("chain", 2, False, "too many redirects"),
    ("huge", 2, False, "too large: body passed the limit"),
    ("huge-declared", 2, False, "too large: Content-Length"),
    ("missing", 4, False, "HTTP 404"),
    ("private", 2, False, "disallowed by robots.txt"),
    ("offsite", 2, False, "refused (redirected to ftp://"),
]


def _fault_manifest(site: Site) -> list[ManifestRow]:
    rows = []
    for kind, count, _, _ in FAULT_MIX:
        for i in range(count):
            path = f"/{kind}/{i}" + ("/a" if kind == "loop" else "/9" if kind == "chain" else "")
            rows.append(ManifestRow(site.url(path), agency=f"agency {i}", year=2023))
    assert len(rows) == 200
    return rows


def test_fault_mix_of_200_addresses_ends_in_retried_successes_and_recorded_failures(
    site: Site, tmp_path: Path
) -> None:
    archive_dir = tmp_path / "archive"
    started = time.monotonic()
    summary = fetch_manifest(_fault_manifest(site), archive_dir, FAST)
    elapsed = time.monotonic() - started

    succeeding = sum(count for _, count, ok, _ in FAULT_MIX if ok)
    assert (summary.fetched, summary.unchanged, summary.skipped) == (succeeding, 0, 0)
    assert summary.failed == 200 - succeeding == 25
    # flaky, slow (retried successes) + broken, hang, truncated (retried failures)
    assert summary.retried == 15 + 5 + 3 + 3 + 3
    reasons = dict(summary.failures)
    for kind, count, ok, reason in FAULT_MIX:
        failed_here = [a for a in reasons if f"/{kind}/" in a]
        assert len(failed_here) == (0 if ok else count), kind
        for address in failed_here:
            assert reason in reasons[address], (kind, reasons[address])
    # 4xx is not retried; robots.txt and the refused redirect never reach the page
    assert site.hits["/missing/0"] == 1
    assert site.hits["/private/0"] == 0
    assert site.hits["/flaky/0"] == 3 and site.hits["/broken/0"] == 3
    assert site.hits["/robots.txt"] == 1
    assert site.user_agents == {USER_AGENT}
    # a bound on the whole run only, loose for a busy machine: that a hanging page's attempts
    # are cut at the read timeout is told by its reason (FAULT_MIX)
    assert elapsed < 20

    records = {r.address: r for r in Archive(archive_dir).records()}
    flaky = records[site.url("/flaky/0")]
    assert (flaky.outcome, flaky.attempts, flaky.status) == ("fetched", 3, 200)
    redirected = records[site.url("/redirect/1")]
    assert redirected.final_address == site.url("/good/1")
    gbk = records[site.url("/gbk/0")]
    assert (gbk.meta_charset, gbk.header_charset, gbk.encoding) == ("gb2312", None, "gb18030")
    stored = Archive(archive_dir).read(gbk.sha256)
    assert hashlib.sha256(stored).hexdigest() == gbk.sha256
    assert GBK_TEXT in stored.decode("gb18030")
    assert records[site.url("/good/0")].encoding == "utf-8"
    # object files are named by hash only, inside objects/
    objects = [p for p in (archive_dir / "objects").rglob("*") if p.is_file()]
    assert all(p.name == hashlib.sha256(p.read_bytes()).hexdigest() for p in objects)
    assert all(p.parent.name == p.name[:2] for p in objects)

    # the second run re-checks everything: only the edited pages come back with a body
    site.edition = 2
    hits_before = sum(site.hits.values())
    second = fetch_manifest(_fault_manifest(site), archive_dir, _with(FAST, refresh=True))
    assert (second.fetched, second.changed) == (10, 10)
    assert second.unchanged == succeeding - 10
    assert second.failed == 25
    # /good/0 to /good/4 are also redirect targets; /good/50 is asked for once a run
    assert site.conditional["/good/50"] == 1 and site.conditional["/lm/0"] == 1
    assert site.hits["/good/50"] == 2
    assert sum(site.hits.values()) > hits_before

    history = [v for v in versions(archive_dir) if v.address == site.url("/changing/3")]
    assert [(v.version, v.changed_after_first) for v in history] == [(1, False), (2, True)]
    assert history[0].sha256 != history[1].sha256
    assert b"edition 2" in Archive(archive_dir).read(history[1].sha256)
    good = [v for v in versions(archive_dir) if v.address == site.url("/good/0")]
    assert len(good) == 1 and good[0].last_seen > good[0].first_seen
    assert len(versions(archive_dir)) == succeeding + 10


def _with(settings: FetchSettings, **changes: object) -> FetchSettings:
    from dataclasses import replace

    return replace(settings, **changes)


def test_interrupted_run_resumes_without_refetching_what_is_done(
    site: Site, tmp_path: Path
) -> None:
    rows = [ManifestRow(site.url(f"/good/{i}")) for i in range(40)]
    archive_dir = tmp_path / "archive"

    class Interrupted(Exception):
        pass

    def stop_after_ten(record, done, total) -> None:
        if done == 10:
            raise Interrupted

    settings = _with(FAST, concurrency=2, per_host=2)
    with pytest.raises(Interrupted):
        fetch_manifest(rows, archive_dir, settings, progress=stop_after_ten)
    archived = {r.address for r in Archive(archive_dir).records() if r.succeeded}
    assert 10 <= len(archived) < 40

    summary = fetch_manifest(rows, archive_dir, settings)
    assert summary.skipped == len(archived)
    assert summary.fetched == 40 - len(archived)
    assert all(
        site.hits[row.address.removeprefix(site.base)] == 1
        for row in rows
        if row.address in archived
    )
    # robots.txt once a run; a request in flight when the run stopped may be asked again
    assert sum(site.hits.values()) <= 2 + 40 + settings.concurrency
    assert {r.address for r in Archive(archive_dir).records()} == {r.address for r in rows}


def test_failed_addresses_are_tried_again_on_the_next_run(site: Site, tmp_path: Path) -> None:
    rows = [ManifestRow(site.url("/good/1")), ManifestRow(site.url("/flaky/1"))]
    first = fetch_manifest(rows, tmp_path, _with(FAST, attempts=1))
    assert (first.fetched, first.failed) == (1, 1)
    assert first.failures[0][1] == "HTTP 500 (after 1 attempts)"
    second = fetch_manifest(rows, tmp_path, _with(FAST, attempts=2))
    assert (second.fetched, second.failed, second.skipped) == (1, 0, 1)


def test_private_addresses_are_refused_without_the_setting(site: Site, tmp_path: Path) -> None:
    port = site.base.rsplit(":", 1)[1]
    rows = [
        ManifestRow(site.url("/good/1")),
        ManifestRow(f"http://localhost:{port}/good/2"),
        ManifestRow(f"http://[::1]:{port}/good/3"),
        ManifestRow("file:///etc/passwd"),
    ]
    summary = fetch_manifest(rows, tmp_path, _with(FAST, allow_private=False))
    assert summary.failed == 4
    reasons = [reason for _, reason in summary.failures]
    assert sum("non-public address" in r for r in reasons) == 3
    assert any("scheme 'file'" in r for r in reasons)
    assert sum(site.hits.values()) == 0


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/report.html",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "gopher://www.gov.cn/",
        "http:///no-host",
    ],
)
def test_check_address_refuses_non_public_targets(address: str) -> None:
    with pytest.raises(UnsafeAddress):
        check_address(address)


@pytest.mark.parametrize(
    "address",
    ["http：//www.gov.cn/2023.html", "https：／／www.gov.cn/2023.html", "ｈｔｔｐ://www.gov.cn/"],
)
def test_an_address_typed_with_full_width_marks_is_refused_saying_so(address: str) -> None:
    """A list typed with a Chinese input method writes the scheme's colon or slashes full width
    (http：//): before, the refusal said "scheme '(none)' is not http or https", naming no
    cause a user could see in the address. The reason names the marks to write instead."""
    with pytest.raises(UnsafeAddress) as refused:
        check_address(address)
    assert "http://" in str(refused.value) and "full-width" in str(refused.value), refused.value


def test_public_ip_literal_passes_the_check_without_any_lookup() -> None:
    check_address("https://202.108.33.60/gongkai/ndbg.html")  # checked, never contacted


def test_one_host_gets_at_most_per_host_requests_and_the_delay_between_them(
    site: Site, tmp_path: Path
) -> None:
    rows = [ManifestRow(site.url(f"/slowish/{i}")) for i in range(6)]
    settings = _with(FAST, concurrency=8, per_host=2, delay=0.1)
    summary = fetch_manifest(rows, tmp_path, settings)
    assert summary.fetched == 6
    assert site.max_in_flight <= 2
    # robots.txt, then 6 pages, each start 100 ms after the last; the server's clock sees
    # scheduling jitter on single gaps, so the span is what is asserted
    assert len(site.starts) == 7
    assert site.starts[-1] - site.starts[0] >= 6 * 0.1 - 0.04


def test_report_links_on_a_list_page() -> None:
    page = (FIXTURES / "report_list.html").read_bytes()
    rows = report_links(page, "http://www.bjtzh.gov.cn/tzq/zwgk/ndbg/index.html")
    assert rows == [
        ManifestRow(
            "http://www.bjtzh.gov.cn/tzq/zwgk/ndbg/202401/t20240125_3300001.html",
            "北京市通州区人民政府",
            2023,
        ),
        ManifestRow(
            "http://www.bjtzh.gov.cn/tzq/zwgk/202301/t20230130_2900002.html",
            "北京市通州区人民政府",
            2022,
        ),
        ManifestRow(
            "http://www.bjtzh.gov.cn/tzq/zwgk/202201/t20220128_2600003.html",
            "北京市通州区永顺镇",
            2021,
        ),
        ManifestRow(
            "http://www.bjtzh.gov.cn/tzq/zwgk/2021/t20210129_2200004.html",
            "北京市通州区人民政府",
            2020,
        ),
        ManifestRow(
            "http://www.bjtzh.gov.cn/tzq/zwgk/ndbg/t20200130_1900005.html",
            "北京市通州区人民政府",
            2019,
        ),
    ]


def test_report_links_reads_a_gbk_list_page() -> None:
    html = '<html><head><meta charset="gbk"><title>区政府</title></head><body>'
    html += '<a href="a.htm">海淀区2022年政府信息公开工作年度报告</a></body></html>'
    rows = report_links(html.encode("gbk"), "https://www.bjhd.gov.cn/zwgk/ndbg/")
    assert rows == [ManifestRow("https://www.bjhd.gov.cn/zwgk/ndbg/a.htm", "海淀区", 2022)]


def test_report_links_takes_the_titles_that_say_work_report_not_annual_report() -> None:
    """政府信息公开工作报告 without 年度 before 报告 (云林街道2019年度政府信息公开工作报告, as
    the realdev page's title reads) is the same report; before, its link was passed over and
    the report never fetched, with nothing said."""
    links = [
        ("a.htm", "云林街道2019年度政府信息公开工作报告"),
        ("b.htm", "锡山区统计局2020年政府信息公开工作报告"),
        ("c.htm", "2021年政府信息公开报告"),
        ("d.htm", "2022年度政务公开工作报告"),
        ("e.htm", "2023年政府信息公开工作年度报告"),
        # other reports and plans of the same agencies stay out
        ("x1.htm", "2023年法治政府建设年度报告"),
        ("x2.htm", "2023年政府信息公开工作要点"),
        ("x3.htm", "2023年统计年报"),
        ("x4.htm", "2023年国民经济和社会发展统计公报"),
    ]
    rows = _list_page_links("锡山区人民政府", links, "https://www.xishan.gov.cn/ndbg/")
    assert [(r.address.rsplit("/", 1)[1], r.year) for r in rows] == [
        ("a.htm", 2019),
        ("b.htm", 2020),
        ("c.htm", 2021),
        ("d.htm", 2022),
        ("e.htm", 2023),
    ]
    assert [r.agency for r in rows[:2]] == ["云林街道", "锡山区统计局"]


def test_report_links_leave_out_reports_of_part_of_a_year_and_readings_of_the_report() -> None:
    """公开工作报告 names a quarter's or a half-year's report too (2023年第一季度政府信息公开工作
    报告, 2023年上半年…, 2023年1-6月…): each was taken as 2023's annual report and placed in
    2023 beside it. A reading of the report (解读, 图解) is no report either."""
    links = [
        ("a.htm", "某区2023年政府信息公开工作报告"),
        ("b.htm", "某区2023年度政府信息公开工作年度报告（更正）"),
        ("c.htm", "某街道2023年1-12月政府信息公开工作报告"),
        ("x1.htm", "某区2023年第一季度政府信息公开工作报告"),
        ("x2.htm", "某区2023年上半年政府信息公开工作报告"),
        ("x3.htm", "某区2023年1-6月政府信息公开工作报告"),
        ("x4.htm", "某区2023年三季度政务公开工作报告"),
        ("x5.htm", "某区2023年度政府信息公开工作年度报告解读"),
        ("x6.htm", "图解：某区2023年度政府信息公开工作年度报告"),
    ]
    rows = _list_page_links("某区人民政府", links, "https://www.example.gov.cn/ndbg/")
    assert [(r.address.rsplit("/", 1)[1], r.year) for r in rows] == [
        ("a.htm", 2023),
        ("b.htm", 2023),
        ("c.htm", 2023),
    ]


def _list_page_links(title: str, links: list[tuple[str, str]], address: str) -> list[ManifestRow]:
    """report_links of a list page titled `title` that links (href, text) `links`."""
    html = f"<html><head><title>{title}</title></head><body>"
    html += "".join(f'<a href="{href}">{text}</a>' for href, text in links) + "</body></html>"
    return report_links(html, address)


def test_gx_fetch_index_pages_archives_the_reports_and_places_them_in_raw(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lists = tmp_path / "lists.csv"
    lists.write_text(f"address,agency\n{site.url('/list/tongzhou.html')},北京市通州区人民政府\n")
    archive_dir, raw_dir = tmp_path / "archive", tmp_path / "raw"
    argv = [
        str(lists),
        "--archive",
        str(archive_dir),
        "--allow-private",
        "--delay",
        "0",
        "--index-pages",
        "--export-raw",
        str(raw_dir),
    ]
    assert main_fetch(argv) == 1  # the 2020 link leads out of the site's folders: 404
    out = capsys.readouterr().out
    assert "fetched (new content)" in out and "HTTP 404" in out

    found = read_manifest(archive_dir / "found-manifest.csv")
    assert [row.year for row in found] == [2023, 2022, 2021, 2020, 2019]
    placed = sorted(p.relative_to(raw_dir).as_posix() for p in raw_dir.rglob("*.html"))
    assert [p.split("/")[0] for p in placed] == ["2019", "2021", "2022", "2023"]
    for path in raw_dir.rglob("*.html"):
        assert hashlib.sha256(path.read_bytes()).hexdigest().startswith(path.stem)


def test_export_to_raw_keeps_only_the_latest_version_of_each_address(
    site: Site, tmp_path: Path
) -> None:
    rows = [ManifestRow(site.url("/changing/1"), year=2023), ManifestRow(site.url("/good/1"))]
    fetch_manifest(rows, tmp_path / "archive", FAST)
    first = export_to_raw(tmp_path / "archive", tmp_path / "raw")
    assert len(first) == 1  # /good/1 has no report year
    site.edition = 2
    fetch_manifest(rows, tmp_path / "archive", _with(FAST, refresh=True))
    second = export_to_raw(tmp_path / "archive", tmp_path / "raw", {site.url("/good/1"): 2022})
    assert sorted(p.parent.name for p in second) == ["2022", "2023"]
    assert not first[0].exists() and list((tmp_path / "raw" / "2023").iterdir()) == [
        p for p in second if p.parent.name == "2023"
    ]
    assert b"edition 2" in second[1].read_bytes()


def test_a_torn_last_log_line_from_a_crash_is_cut_off_and_appending_goes_on(
    site: Site, tmp_path: Path
) -> None:
    fetch_manifest([ManifestRow(site.url("/good/1"))], tmp_path, FAST)
    with open(tmp_path / "fetches.jsonl", "ab") as fh:
        fh.write(b'{"address": "http://half')
    # read while torn: the whole records are there
    assert [r.address for r in Archive(tmp_path).records()] == [site.url("/good/1")]
    summary = fetch_manifest([ManifestRow(site.url("/good/2"))], tmp_path, FAST)
    assert summary.fetched == 1
    # the next run cut the torn line off: every line is one whole record (jq, pandas read it)
    lines = (tmp_path / "fetches.jsonl").read_text().splitlines()
    assert [json.loads(line)["address"] for line in lines] == [
        site.url("/good/1"),
        site.url("/good/2"),
    ]


def test_a_whole_last_record_short_of_its_newline_is_kept(site: Site, tmp_path: Path) -> None:
    """A kill between a record's last brace and its newline leaves a whole record: kept."""
    fetch_manifest([ManifestRow(site.url("/good/1"))], tmp_path, FAST)
    log = tmp_path / "fetches.jsonl"
    log.write_bytes(log.read_bytes().rstrip(b"\n"))
    fetch_manifest([ManifestRow(site.url("/good/2"))], tmp_path, FAST)
    lines = log.read_text().splitlines()
    assert [json.loads(line)["address"] for line in lines] == [
        site.url("/good/1"),
        site.url("/good/2"),
    ]


def test_manifest_reads_header_rows_bare_lists_and_rejects_bad_years(tmp_path: Path) -> None:
    example = read_manifest(Path(__file__).parents[1] / "data" / "manifest.example.csv")
    assert example[0].year == 2023 and example[0].agency == "北京市人民政府办公厅"
    bare = tmp_path / "bare.csv"
    bare.write_text("https://a.gov.cn/1.html\nhttps://a.gov.cn/1.html\nhttps://a.gov.cn/2.html\n")
    assert read_manifest(bare) == [
        ManifestRow("https://a.gov.cn/1.html"),
        ManifestRow("https://a.gov.cn/2.html"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("address,year\nhttps://a.gov.cn/1.html,../../etc\n")
    with pytest.raises(ValueError, match="not a report year"):
        read_manifest(bad)


def _list_page(title: str, reports: list[tuple[str, int]], paging: str) -> bytes:
    """A page of an agency's report column: a link per report, then the column's page links."""
    items = "".join(
        f'<li><a href="/xxgk/{path}">某区{year}年政府信息公开工作年度报告</a></li>'
        for path, year in reports
    )
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<ul class="list">{items}</ul><div class="page">{paging}</div></body></html>'
    ).encode()


#: how portals link a column's later pages, each a family: (the first page's path, the page
#: links of page n (0 = the first) of 3, the address of page n)
PAGINATIONS = {
    "next-index_n": (
        "/ndbg/index.html",
        lambda n: (
            '<a href="index.html">首页</a>'
            + (f'<a href="index_{n + 1}.html">下一页</a>' if n < 2 else "")
            + '<a href="index_2.html">尾页</a>'
        ),
        lambda n: "/ndbg/index.html" if n == 0 else f"/ndbg/index_{n}.html",
    ),
    "numbered-page_n": (
        "/ndbg/page_1.html",
        lambda n: "".join(f'<a href="page_{i}.html">{i}</a>' for i in (1, 2, 3)),
        lambda n: f"/ndbg/page_{n + 1}.html",
    ),
    "trs-createPageHTML": (
        "/ndbg/index.shtml",
        lambda n: f'<script>createPageHTML(3, {n}, "index", "shtml");</script>',
        lambda n: "/ndbg/index.shtml" if n == 0 else f"/ndbg/index_{n}.shtml",
    ),
    "query-page": (
        "/ndbg/list.jsp",
        lambda n: '<a href="list.jsp?page=2">2</a><a href="list.jsp?page=3">下一页</a>',
        lambda n: "/ndbg/list.jsp" if n == 0 else f"/ndbg/list.jsp?page={n + 1}",
    ),
}


@pytest.mark.parametrize("paging", sorted(PAGINATIONS))
def test_index_pages_read_the_later_pages_of_a_list(report_site, tmp_path, paging) -> None:
    """A column of reports since 2008 runs over pages: --index-pages read only the first page,
    and the reports on the others were never found (nothing said)."""
    from gx_pipeline.fetch import fetch_index_pages, manifest_from_index_pages

    first, links, address = PAGINATIONS[paging]
    assert address(0) == first
    years = [[2023, 2022], [2021, 2020], [2019]]
    report_site.pages = {
        address(n): _list_page(
            "年报专栏_某区人民政府", [(f"{y}.html", y) for y in years[n]], links(n)
        )
        for n in range(3)
    }
    lists = [ManifestRow(report_site.url(first), "某区人民政府")]

    read = fetch_index_pages(lists, tmp_path, FAST)
    found = manifest_from_index_pages(read.pages, tmp_path)

    assert [row.year for row in found] == [2023, 2022, 2021, 2020, 2019]
    assert read.followed == 2 and read.cut_short == ()
    assert read.notes() == ["later pages of the lists read: 2"]


def test_index_pages_say_which_lists_had_pages_beyond_the_bound(report_site, tmp_path) -> None:
    from gx_pipeline.fetch import fetch_index_pages

    report_site.pages = {
        ("/ndbg/index.html" if n == 0 else f"/ndbg/index_{n}.html"): _list_page(
            "年报专栏", [(f"{2023 - n}.html", 2023 - n)], f'<a href="index_{n + 1}.html">下一页</a>'
        )
        for n in range(6)
    }
    # a link to the same column on another host is not followed
    other = report_site.url("/ndbg/index_1.html").replace("127.0.0.1", "localhost")
    report_site.pages["/ndbg/index.html"] = report_site.pages["/ndbg/index.html"].replace(
        b"</div>", f'<a href="{other}">2</a></div>'.encode()
    )
    lists = [ManifestRow(report_site.url("/ndbg/index.html"), "某区人民政府")]

    read = fetch_index_pages(lists, tmp_path, FAST, max_pages=3)

    assert [row.address for row in read.pages] == [
        report_site.url(p) for p in ("/ndbg/index.html", "/ndbg/index_1.html", "/ndbg/index_2.html")
    ]
    assert read.cut_short == ((report_site.url("/ndbg/index.html"), 1),)
    assert read.notes()[-1] == (
        f"{report_site.url('/ndbg/index.html')}: only its first 3 pages were read; 1 later "
        "pages it links were not (their reports are not in the list of reports found)"
    )
