"""A list of addresses against one hostile server on 127.0.0.1: every address ends archived (and
read into the report's cells) or failed with a reason that names what went wrong, in bounded
time, and a second run over the same list behaves.

The server answers each path with one of the things agencies' sites and the network do: loops
and long chains of redirects, redirects to another host, to file:// or to a scheme that is not
the web, a 301 to the report as a PDF or Word file, a body that never ends or comes a byte at a
time, a Content-Length of 2 GB over a short body, compression bombs, a charset in the header
that contradicts the page's <meta>, a 200 carrying a portal's error or challenge page, 404/500/503
with Retry-After, a connection reset in the middle of the body, an empty 200. The list file it
is fetched from has a BOM, CRLF line ends, comments, blank lines, repeated addresses, addresses
in Chinese, with spaces and fragments, and lines that are no address at all.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote

import pytest

from gx_pipeline.documents import page_kind
from gx_pipeline.fetch import (
    Archive,
    FetchSummary,
    ManifestRow,
    export_to_raw,
    fetch_manifest,
    read_manifest,
)
from gx_pipeline.fetch.manifest import ManifestError
from gx_pipeline.pagegen import page_for
from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.conftest import LOOPBACK_FETCH, loopback_server

#: small limits, so each attack ends in a second or two
SETTINGS = dataclasses.replace(
    LOOPBACK_FETCH,
    read_timeout=1.0,
    total_timeout=3.0,
    max_bytes=2**20,
    max_decoded_bytes=2**20,
    attempts=2,
    backoff=0.05,
    backoff_max=0.1,
    retry_after_max=0.2,  # /busy's Retry-After of an hour is cut to this
)


def generated(ext: str, count: int = 1, start: int = 0) -> list[bytes]:
    """Generated report files of one kind (.html, .pdf, .docx) whose tables the parser reads."""
    found: list[bytes] = []
    index = start
    while len(found) < count:
        page = page_for(31, index)
        index += 1
        if page.ext == ext:
            found.append(page.data)
    return found


Route = Callable[[BaseHTTPRequestHandler], None]


class Hostile:
    """path (as sent, percent-decoded) -> what the server does with a request for it."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.base = ""
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.base + path

    def handler(self) -> type[BaseHTTPRequestHandler]:
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                # a route is named as sent (raw bytes percent-encoded) or decoded as UTF-8
                path = self.path if self.path in hostile.routes else unquote(self.path)
                with hostile.lock:
                    hostile.hits[path] = hostile.hits.get(path, 0) + 1
                route = hostile.routes.get(path)
                try:
                    if route is None:
                        send(self, 404, b"")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the fetcher hung up, as it should

        return Handler


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    headers = {name.replace("_", "-"): value for name, value in headers.items()}
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def answer(status: int, body: bytes = b"", **headers: str) -> Route:
    return lambda handler: send(handler, status, body, **headers)


def redirect(location: str, status: int = 302) -> Route:
    return answer(status, Location=location)


def raw_redirect(location: str, status: int = 301) -> Route:
    """A redirect whose Location is written as UTF-8 bytes, not percent-encoded, as servers that
    pass a file's Chinese name straight into the header do."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(
            f"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
        )

    return route


def start_body(handler: BaseHTTPRequestHandler, **headers: str) -> None:
    """A 200's status line and headers; the route then writes what it likes and hangs up."""
    handler.send_response(200)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.close_connection = True


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A body with no length that never ends, as fast as the fetcher takes it."""
    start_body(handler, Content_Type="text/html", Connection="close")
    while True:
        handler.wfile.write(b"<p>" + b"x" * 8192 + b"</p>")


def trickle(handler: BaseHTTPRequestHandler) -> None:
    """A byte every half second, for ever: each read is answered in time, the whole never ends."""
    start_body(handler, Content_Type="text/html", Content_Length="100000")
    for _ in range(60):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.5)


def reset_mid_body(body: bytes) -> Route:
    """Half the body, then a TCP reset (SO_LINGER 0) instead of the rest."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        start_body(handler, Content_Type="text/html; charset=utf-8", Content_Length=str(len(body)))
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return route


def deflate_of_zeros(size: int) -> bytes:
    deflate = zlib.compressobj(9)
    block = bytes(2**20)
    return b"".join(deflate.compress(block) for _ in range(size // len(block))) + deflate.flush()


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    with loopback_server(server.handler()) as base:
        server.base = base
        yield server


def fetch_one(
    hostile: Hostile, tmp_path: Path, path: str, route: Route
) -> tuple[str, FetchSummary]:
    """Serve `route` at `path` and fetch that one address for report year 2023."""
    hostile.routes[path] = route
    address = hostile.url(path)
    return address, fetch_manifest(
        [ManifestRow(address, year=2023)], tmp_path / "archive", SETTINGS
    )


def error_page(title: str, text: str, charset: str = "utf-8") -> bytes:
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><div class='box'><p>{text}</p></div></body></html>"
    ).encode(charset)


#: what a portal serves with 200 in place of the page: gone, broken, or a bot check that wants a
#: browser (each title and text as real portals word them)
CHALLENGE_PAGES = {
    "gone": error_page("页面不存在", "抱歉，您访问的页面不存在或已被删除。"),
    "error": error_page("访问出错", "访问出错，请返回首页。"),
    "verify": error_page("安全验证", "为了您的访问安全，请完成下方的安全验证后继续访问。"),
    "javascript": error_page(
        "", "<noscript>请开启JavaScript并刷新该页</noscript><script>location.reload()</script>"
    ),
    "enable-js": error_page("政府门户网站", "您的浏览器未启用JavaScript，请启用后刷新页面。"),
    "slider": error_page("滑动验证", "请拖动下方滑块完成验证"),
    "waf": error_page("", "当前访问疑似黑客攻击，已被网站管理员设置为拦截", "gbk"),
}


@pytest.mark.parametrize("kind", sorted(CHALLENGE_PAGES))
def test_a_portals_error_or_browser_check_page_served_with_200_is_a_failure_naming_it(
    hostile: Hostile, tmp_path: Path, kind: str
) -> None:
    page = answer(200, CHALLENGE_PAGES[kind], Content_Type="text/html; charset=utf-8")
    address, summary = fetch_one(hostile, tmp_path, f"/{kind}.html", page)
    assert summary.failed == 1, f"{kind}: archived as the report"
    ((failed, reason),) = summary.failures
    assert failed == address
    assert "not the report" in reason


def test_a_list_file_with_bom_crlf_comments_and_odd_addresses_is_read_line_for_line(
    tmp_path: Path,
) -> None:
    lines = [
        "\ufeffaddress,agency,year",
        "# reports of 2023",
        "",
        "  # an indented comment",
        "http://a.example/年报 2023.html#第一部分,某局,2023",
        "http://a.example/年报%202023.html,,2023",  # the same page, spelled encoded
        "",
        "http://b.example/x.html,某委,2023",
        "http://b.example/x.html#top,,",  # again, with a fragment
        "not an address at all,,2023",
    ]
    manifest = tmp_path / "list.csv"
    manifest.write_bytes("\r\n".join(lines).encode("utf-8"))
    rows = read_manifest(manifest)
    assert [row.address for row in rows] == [
        "http://a.example/年报 2023.html#第一部分",
        "http://b.example/x.html",
        "not an address at all",
    ]
    assert [row.year for row in rows] == [2023, 2023, 2023]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("/年报 2023.html", "/%E5%B9%B4%E6%8A%A5%202023.html"),
        ("/nianbao 2023.html", "/nianbao%202023.html"),
        ("/list?year=2023&name=年报", "/list?year=2023&name=%E5%B9%B4%E6%8A%A5"),
    ],
)
def test_one_request_spelled_raw_and_percent_encoded_under_two_years_is_refused(
    tmp_path: Path, first: str, second: str
) -> None:
    """The path and query as typed and as sent are one request: under 2022 and 2023 it would be
    fetched twice and placed in both years."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        f"http://a.gov.cn{first},甲,2022\nhttp://a.gov.cn{second},甲,2023\n", encoding="utf-8"
    )
    with pytest.raises(ManifestError, match=r"line 2: .* but line 1 lists it under 2022"):
        read_manifest(manifest)


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\ufeff", "\u200e", "\u200d", "\u2060", "\u00a0", "\u3000"]
)
def test_invisible_characters_pasted_around_an_address_are_not_part_of_it(
    tmp_path: Path, invisible: str
) -> None:
    """Copied from a web page, a Word file or a second list pasted after the first, an address
    brings a zero-width space, a byte order mark or a direction mark no one sees: kept, it was
    sent percent-encoded (a 404 for an address that opens in the browser) or hid the scheme."""
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        f"http://a.gov.cn/x.html{invisible},甲{invisible},2023\n"
        f"{invisible}http://a.gov.cn/y.html,,{invisible}2023\n",
        encoding="utf-8",
    )
    rows = read_manifest(manifest)
    assert rows == [
        ManifestRow("http://a.gov.cn/x.html", "甲", 2023),
        ManifestRow("http://a.gov.cn/y.html", None, 2023),
    ]


#: lines of a list that are no fetchable address; each must end as a failure naming itself
BAD_ADDRESSES = [
    "not an address at all",
    "www.example.gov.cn/2023.html",
    "htp://www.example.gov.cn/2023.html",
    "http://",
    "http://[::1/2023.html",
    "http://www.example.gov.cn:port/2023.html",
    "http://www.example.gov.cn:99999/2023.html",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://exa mple.gov.cn/2023.html",
]


def test_every_line_that_is_no_address_fails_alone_naming_itself_and_the_rest_are_fetched(
    hostile: Hostile, tmp_path: Path
) -> None:
    (page,) = generated(".html")
    hostile.routes["/report.html"] = answer(200, page, Content_Type="text/html; charset=utf-8")
    good = hostile.url("/report.html")
    rows = [ManifestRow(address, year=2023) for address in [*BAD_ADDRESSES, good]]
    summary = fetch_manifest(rows, tmp_path / "archive", SETTINGS)
    assert summary.fetched == 1
    assert summary.failed == len(BAD_ADDRESSES)
    reasons = dict(summary.failures)
    assert set(reasons) == set(BAD_ADDRESSES)
    for address, reason in reasons.items():
        assert reason and "Error:" not in reason, f"{address}: {reason}"


def utf8_pages(count: int) -> list[bytes]:
    """Generated UTF-8 report pages with a <head> and tables the parser reads, whose text GBK
    can also spell."""
    found: list[bytes] = []
    for page in generated(".html", count * 4):
        try:
            page.decode("utf-8").encode("gbk")
        except UnicodeError:
            continue
        if re.search(rb"<head[^>]*>", page) and parse_bytes(page, "page.html").cells:
            found.append(page)
    assert len(found) >= count
    return found[:count]


DOCUMENTS = Path(__file__).parent / "fixtures" / "documents" / "pages"


def recharset(page: bytes, encoding: str, meta: str | None) -> bytes:
    """A generated UTF-8 page re-encoded as `encoding`, its <meta> saying `meta` (or none)."""
    bare = re.sub(rb"<meta[^>]*charset[^>]*>", b"", page, flags=re.IGNORECASE)
    said = f'<meta charset="{meta}">'.encode() if meta else b""
    with_meta = re.sub(rb"<head[^>]*>", lambda m: m.group(0) + said, bare, count=1)
    assert said in with_meta
    return with_meta.decode("utf-8").encode(encoding)


#: (path, bytes, Content-Type): a page whose header charset and <meta> disagree, one of them
#: right; the archived bytes must parse to the cells the page holds
def charset_cases(pages: list[bytes]) -> list[tuple[str, bytes, str]]:
    gbk, utf8, gbk_lying_meta, utf8_lying_meta, gbk_bare = pages
    return [
        ("/charset/gbk-sent-as-utf8.html", recharset(gbk, "gbk", "gbk"), "utf-8"),
        ("/charset/utf8-sent-as-gbk.html", recharset(utf8, "utf-8", "utf-8"), "gbk"),
        ("/charset/gbk-meta-says-utf8.html", recharset(gbk_lying_meta, "gbk", "utf-8"), "gbk"),
        ("/charset/utf8-meta-says-gbk.html", recharset(utf8_lying_meta, "utf-8", "gbk"), "utf-8"),
        ("/charset/gbk-no-meta.html", recharset(gbk_bare, "gbk", None), "utf-8"),
    ]


#: (path, a substring of its failure reason) for every attack that must end in a failure
FAILING = {
    "/loop/a": "redirect loop",
    "/chain/12": "too many redirects",
    "/to-file": "refused (redirected to file:///etc/passwd): scheme 'file'",
    "/to-ftp": "refused (redirected to ftp://",
    "/to-javascript": "refused (redirected to javascript:alert(1)): scheme 'javascript'",
    "/to-data": "refused (redirected to data:text/html,<h1>x</h1>): scheme 'data'",
    "/to-broken-host": "refused (redirected to http://[::1/2023.html): malformed address",
    "/to-nowhere": "redirect without a Location",
    "/endless": "too large: body passed the limit",
    "/trickle": "timed out",
    "/huge-length": "too large: Content-Length 2147483648",
    "/deflate-bomb": "too large: decompressed body",
    "/br": "br",
    "/gone": "HTTP 404",
    "/error": "HTTP 500 (after 2 attempts)",
    "/busy": "HTTP 503 (after 2 attempts)",
    "/reset": "broken response",
    "/empty": "an empty body",
    "/verify": "an error page",
    "/gone-200": "an error page",
    "/moved-by-script": "sends the browser to '/chain/0' by script",
}


def hostile_routes(hostile: Hostile, pages: list[bytes]) -> dict[str, str]:
    """Set up every attack on `hostile`; path -> the page it ends at when it is archived."""
    report, other_host, chinese = pages[:3]
    html = "text/html; charset=utf-8"
    port = hostile.base.rsplit(":", 1)[1]
    routes: dict[str, Route] = {
        "/loop/a": redirect("/loop/b"),
        "/loop/b": redirect("/loop/a"),
        **{f"/chain/{n}": redirect(f"/chain/{n - 1}") for n in range(1, 13)},
        "/chain/0": answer(200, report, Content_Type=html),
        "/to-other-host": redirect(f"http://localhost:{port}/other-host.html"),
        "/other-host.html": answer(200, other_host, Content_Type=html),
        "/to-file": redirect("file:///etc/passwd"),
        "/to-ftp": redirect("ftp://127.0.0.1/2023.html"),
        "/to-javascript": redirect("javascript:alert(1)"),
        "/to-data": redirect("data:text/html,<h1>x</h1>"),
        "/to-nowhere": answer(302),
        "/to-broken-host": redirect("http://[::1/2023.html"),
        "/to-pdf": raw_redirect("/files/2023年报.pdf"),
        "/files/2023年报.pdf": answer(
            200,
            (DOCUMENTS / "gen-pair1-trs-2021-pdf-portrait.pdf").read_bytes(),
            Content_Type="application/pdf",
        ),
        "/to-docx": redirect("/files/report.docx", 301),
        "/files/report.docx": answer(
            200,
            (DOCUMENTS / "gen-pair1-trs-2021-docx-repeat.docx").read_bytes(),
            Content_Type="application/octet-stream",
        ),
        "/endless": endless,
        "/trickle": trickle,
        "/huge-length": answer(200, b"<html>short</html>", Content_Length="2147483648"),
        "/deflate-bomb": answer(200, deflate_of_zeros(64 * 2**20), Content_Encoding="deflate"),
        "/br": answer(200, b"\x1b\x00\x00", Content_Encoding="br"),
        "/gone": answer(404, b"", Retry_After="3600"),
        "/error": answer(500, b"oops", Retry_After="3600"),
        "/busy": answer(503, b"busy", Retry_After="3600"),
        "/reset": reset_mid_body(report),
        "/empty": answer(200, b"", Content_Type=html),
        "/verify": answer(200, CHALLENGE_PAGES["verify"], Content_Type=html),
        "/gone-200": answer(200, CHALLENGE_PAGES["gone"], Content_Type=html),
        "/年报 2023.html": answer(200, chinese, Content_Type=html),
        "/moved-by-refresh": answer(200, b'<meta http-equiv="refresh" content="0;url=/chain/0">'),
        "/moved-by-script": answer(200, b"<script>location.href='/chain/0'</script>"),
    }
    for path, body, charset in charset_cases(pages[3:8]):
        routes[path] = answer(200, body, Content_Type=f"text/html; charset={charset}")
    hostile.routes.update(routes)
    return {
        "/chain/0": "/chain/0",
        "/to-other-host": f"http://localhost:{port}/other-host.html",
        "/to-pdf": "/files/2023年报.pdf",
        "/to-docx": "/files/report.docx",
        "/年报 2023.html#第二部分": "/年报 2023.html",
        "/moved-by-refresh": "/chain/0",
        **{path: path for path, _, _ in charset_cases(pages[3:8])},
    }


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_location_written_in_raw_gbk_or_utf8_bytes_is_followed_to_those_bytes(
    hostile: Hostile, tmp_path: Path, encoding: str
) -> None:
    """Old servers on Chinese Windows write a file's name into the Location as the bytes of its
    name, GBK or UTF-8, not percent-encoded; a browser sends those bytes back percent-encoded.
    Read as Latin-1 and sent again as UTF-8, a GBK name asked for a page that is not there."""
    name = "/files/2023年报.html".encode(encoding)
    sent = "".join(chr(b) if b < 0x80 else f"%{b:02X}" for b in name)
    (page,) = utf8_pages(1)
    hostile.routes[sent] = answer(200, page, Content_Type="text/html; charset=utf-8")
    address, summary = fetch_one(
        hostile,
        tmp_path,
        "/moved.html",
        lambda handler: handler.wfile.write(
            b"HTTP/1.1 301 Moved\r\nLocation: " + name + b"\r\nContent-Length: 0\r\n\r\n"
        ),
    )
    assert summary.failures == ()
    assert Archive(tmp_path / "archive").latest_successes()[address].final_address == (
        hostile.url(sent)
    )


#: a portal's page that moved: a short page whose <meta http-equiv="refresh"> sends the browser
#: on, each as sites write it (quotes, case, a delay, `URL=` or none, a relative target)
MOVED_PAGES = [
    '<meta http-equiv="refresh" content="0;url={target}">',
    "<META HTTP-EQUIV='Refresh' CONTENT='0; URL={target}'>",
    '<meta http-equiv="refresh" content="3; url=\'{target}\'"><p>页面已迁移，3秒后自动跳转</p>',
    '<meta content="0;URL={target}" http-equiv="refresh">',
]


@pytest.mark.parametrize("moved", MOVED_PAGES)
def test_a_page_that_moved_by_meta_refresh_is_followed_to_the_report(
    hostile: Hostile, tmp_path: Path, moved: str
) -> None:
    (page,) = utf8_pages(1)
    body = f"<html><head>{moved.format(target='new/2023.html')}</head><body></body></html>"
    hostile.routes["/old/new/2023.html"] = answer(200, page, Content_Type="text/html")
    address, summary = fetch_one(
        hostile, tmp_path, "/old/2023.html", answer(200, body.encode(), Content_Type="text/html")
    )
    assert summary.failures == ()
    record = Archive(tmp_path / "archive").latest_successes()[address]
    assert record.final_address == hostile.url("/old/new/2023.html")
    assert Archive(tmp_path / "archive").read(record.sha256 or "") == page


def test_a_meta_refresh_loop_or_one_to_a_refused_address_fails_naming_it(
    hostile: Hostile, tmp_path: Path
) -> None:
    refresh = '<html><head><meta http-equiv="refresh" content="0;url={}"></head></html>'
    hostile.routes["/a.html"] = answer(200, refresh.format("/b.html").encode())
    hostile.routes["/b.html"] = answer(200, refresh.format("/a.html").encode())
    hostile.routes["/c.html"] = answer(200, refresh.format("file:///etc/passwd").encode())
    rows = [ManifestRow(hostile.url(path)) for path in ("/a.html", "/c.html")]
    reasons = dict(fetch_manifest(rows, tmp_path / "archive", SETTINGS).failures)
    assert "redirect loop" in reasons[hostile.url("/a.html")]
    assert "refused (redirected to file:///etc/passwd)" in reasons[hostile.url("/c.html")]


#: a moved page that sends the browser on by script only, as portals write it
SCRIPT_MOVES = [
    "<script>window.location.href='/new/2023.html';</script>",
    '<script type="text/javascript">location.replace("/new/2023.html")</script>',
    "<body onload=\"top.location = '/new/2023.html'\"></body>",
    '<script>\n  document.location.href = "/new/2023.html";\n</script><p>正在跳转…</p>',
]


@pytest.mark.parametrize("script", SCRIPT_MOVES)
def test_a_page_that_moves_by_script_only_fails_naming_where_it_sends_the_browser(
    hostile: Hostile, tmp_path: Path, script: str
) -> None:
    """A script's target may depend on the browser (a phone's site), so it is not followed; the
    page is not the report either: a failure naming the target, asked for again next run."""
    body = f"<html><head><title>某区人民政府</title></head>{script}</html>".encode()
    address, summary = fetch_one(
        hostile, tmp_path, "/old.html", answer(200, body, Content_Type="text/html; charset=utf-8")
    )
    ((failed, reason),) = summary.failures
    assert failed == address
    assert "sends the browser to '/new/2023.html' by script" in reason


@pytest.mark.parametrize(
    "page",
    [
        # a report whose tables are images, titled as the report, with a search button's script
        (
            "<title>某区2023年政府信息公开工作年度报告</title><body><img src='t1.png'>"
            "<input type=button onclick=\"location.href='/search.html'\" value='搜索'></body>"
        ),
        # a page with much to say besides a script that sends a phone to its own site
        (
            "<title>某区人民政府</title><script>if (/Mobile/.test(navigator.userAgent)) "
            "location.href = '/m/index.html';</script><body><p>"
            + "本机关依据《中华人民共和国政府信息公开条例》开展工作。" * 20
            + "</p></body>"
        ),
    ],
)
def test_a_page_with_a_location_script_besides_its_content_is_archived_as_served(
    hostile: Hostile, tmp_path: Path, page: str
) -> None:
    _, summary = fetch_one(
        hostile, tmp_path, "/page.html", answer(200, page.encode(), Content_Type="text/html")
    )
    assert (summary.fetched, summary.failures) == (1, ())


#: (Location, what the failure says): redirects to what is no web address, each named
ODD_REDIRECTS = [
    ("javascript:alert(1)", "refused (redirected to javascript:alert(1)): scheme 'javascript'"),
    ("data:text/html,<h1>x</h1>", "refused (redirected to data:text/html,<h1>x</h1>): scheme"),
    ("http://[::1/2023.html", "refused (redirected to http://[::1/2023.html): malformed address"),
    ("http://127.0.0.1:port/2023.html", "redirected to http://127.0.0.1:port/2023.html): malf"),
    ("mailto:xxgk@example.gov.cn", "refused (redirected to mailto:xxgk@example.gov.cn): scheme"),
    ("file:///etc/passwd", "refused (redirected to file:///etc/passwd): scheme 'file'"),
    ("//[::1/x.html", "refused (redirected to //[::1/x.html): malformed address"),
]


@pytest.mark.parametrize(("location", "says"), ODD_REDIRECTS)
def test_a_redirect_to_what_is_no_web_address_fails_once_naming_where_it_pointed(
    hostile: Hostile, tmp_path: Path, location: str, says: str
) -> None:
    address, summary = fetch_one(hostile, tmp_path, "/moved.html", redirect(location))
    ((failed, reason),) = summary.failures
    assert failed == address
    assert says in reason
    assert hostile.hits["/moved.html"] == 1  # refused, not retried as a broken response


@pytest.mark.faults
def test_a_list_against_a_hostile_server_ends_every_address_read_or_failed_with_its_reason(
    hostile: Hostile, tmp_path: Path
) -> None:
    pages = utf8_pages(8)
    archived = hostile_routes(hostile, pages)
    wanted = {**{path: None for path in FAILING}, **archived}
    wanted.pop("/chain/0")  # reached through /chain/12 only when the chain were short enough
    lines = ["\ufeff# reports to archive", "address,agency,year", ""]
    for path in wanted:
        lines += [f"{hostile.base}{path},某局,2023", f"  {hostile.base}{path}"]  # each twice
    lines.append("http://[::1/not-an-address.html,,2023")
    manifest = tmp_path / "list.csv"
    manifest.write_bytes("\r\n".join(lines).encode("utf-8"))
    rows = read_manifest(manifest)
    assert len(rows) == len(wanted) + 1

    archive_dir, raw = tmp_path / "archive", tmp_path / "raw"
    started = time.monotonic()
    summary = fetch_manifest(rows, archive_dir, SETTINGS)
    took = time.monotonic() - started
    # the slowest attacks (a trickle, a chain of 12) end within their deadlines, not at the server's
    assert took < 4 * SETTINGS.total_timeout, took
    assert summary.total == len(rows)
    reasons = dict(summary.failures)
    for path, says in FAILING.items():
        assert says in reasons.get(hostile.url(path), ""), (path, reasons.get(hostile.url(path)))
    assert "malformed address" in reasons["http://[::1/not-an-address.html"]
    assert summary.failed == len(FAILING) + 1
    assert summary.fetched == len(wanted) - len(FAILING)

    # every archived address is read into the report's cells, from its own final page
    records = Archive(archive_dir).latest_successes()
    placed = export_to_raw(archive_dir, raw)
    assert len(placed) == len(wanted) - len(FAILING)
    for path, final in archived.items():
        if path == "/chain/0":
            continue
        record = records[hostile.url(path)]
        assert unquote(record.final_address or "") == (
            final if final.startswith("http") else hostile.url(final)
        )
        body = Archive(archive_dir).read(record.sha256 or "")
        name = f"page.{page_kind(body)}"
        report = parse_bytes(body, name)
        assert report.cells, f"{path}: no cell read from what was archived"
    for (path, body, _), page in zip(charset_cases(pages[3:8]), pages[3:8], strict=True):
        stored = Archive(archive_dir).read(records[hostile.url(path)].sha256 or "")
        assert stored == body, path  # the bytes as served, not re-encoded
        fetched = parse_bytes(stored, "page.html")
        assert fetched.cells == parse_bytes(page, "page.html").cells, path

    # a rerun asks again for what failed only, and ends the same
    hits = dict(hostile.hits)
    again = fetch_manifest(rows, archive_dir, SETTINGS)
    assert again.skipped == summary.fetched
    assert dict(again.failures).keys() == reasons.keys()
    assert hostile.hits["/other-host.html"] == hits["/other-host.html"]
    assert sorted(export_to_raw(archive_dir, raw)) == sorted(placed)
