"""The fetcher against hostile servers on 127.0.0.1: compression bombs, dripping peers, redirects
to the cloud metadata service in IPv6 disguise, a DNS answer that changes between the check and
the connection, and Ctrl-C in the middle of all that.

RELIABILITY.md lists each attack with the test here that pins it.
"""

from __future__ import annotations

import gzip
import ipaddress
import random
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Self

import pytest

from gx_pipeline.fetch import (
    Archive,
    FetchSettings,
    ManifestRow,
    UnsafeAddress,
    check_address,
    fetch_manifest,
)
from gx_pipeline.fetch.decoding import PIECE, BodyDecoder, TooLarge
from gx_pipeline.fetch.safety import non_public_reason
from gx_pipeline_tests.conftest import LOOPBACK_FETCH, loopback_server

QUICK = LOOPBACK_FETCH
MB = 2**20

# -- compression bombs ---------------------------------------------------------------------------


@cache
def gzip_of_zeros(size: int) -> bytes:
    """A valid gzip member of `size` zero bytes, built without compressing them all: deflate of
    16 MiB of zeros after a full flush is the same 16 KB every time, so it is repeated."""
    block = bytes(16 * MB)
    assert size % len(block) == 0
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunk = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // len(block)):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return header + chunk * (size // len(block)) + deflate.flush() + trailer


def layered_bomb(size: int, codings: str) -> bytes:
    """`size` zero bytes with each coding of the Content-Encoding value applied in order."""
    names = [name.strip() for name in codings.split(",")]
    assert names[0] == "gzip"
    body = gzip_of_zeros(size)
    for name in names[1:]:
        body = gzip.compress(body, 9) if name == "gzip" else zlib.compress(body, 9)
    return body


class Served:
    """path -> (headers, body) for a loopback server; a body of None closes after the headers."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[dict[str, str], bytes]] = {}
        self.hits: dict[str, int] = {}
        self.base = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        served = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except ConnectionResetError:
                    pass  # the fetcher closed a kept-alive connection after a refused body

            def do_GET(self) -> None:
                served.hits[self.path] = served.hits.get(self.path, 0) + 1
                headers, body = served.pages.get(self.path, ({}, b""))
                status = int(headers.get("status", 200 if self.path in served.pages else 404))
                # Connection: close and no length: the body ends when the connection does
                delimited_by_close = headers.get("Connection") == "close"
                self.send_response(status)
                for name, value in headers.items():
                    if name != "status":
                        self.send_header(name, value)
                if not delimited_by_close:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher hung up on a refused body, as it should
                self.close_connection = delimited_by_close

        return Handler


@pytest.fixture
def served() -> Iterator[Served]:
    site = Served()
    with loopback_server(site.handler()) as base:
        site.base = base
        yield site


def _peak_rss_reset() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM, the peak resident size, to the current size
        return True
    except OSError:
        return False


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def test_a_gzip_gzip_bomb_of_4_gb_is_refused_at_the_decompressed_limit_8_at_once(
    served: Served, tmp_path: Path
) -> None:
    bomb = layered_bomb(4 * 1024 * MB, "gzip, gzip")
    assert len(bomb) < 8_000  # the attacker's response: a few KB on the wire
    for i in range(8):
        served.pages[f"/bomb/{i}"] = ({"Content-Encoding": "gzip, gzip"}, bomb)
    rows = [ManifestRow(f"{served.base}/bomb/{i}") for i in range(8)]
    settings = replace(QUICK, max_bytes=FetchSettings().max_bytes)  # the default limits
    assert settings.max_decoded_bytes == 20 * MB

    measured = _peak_rss_reset()
    before = _rss_kib("VmRSS")
    started = time.monotonic()
    summary = fetch_manifest(rows, tmp_path, settings)
    elapsed = time.monotonic() - started
    if measured:
        peak = _rss_kib("VmHWM")
        print(
            f"\n8 fetches of a {len(bomb):,} byte gzip,gzip bomb (4 GiB decoded): peak RSS "
            f"{peak / 1024:.0f} MiB, {(peak - before) / 1024:.0f} MiB over the "
            f"{before / 1024:.0f} MiB before; refused in {elapsed:.2f} s"
        )

    assert (summary.fetched, summary.failed) == (0, 8)
    for _, reason in summary.failures:
        assert reason == "too large: decompressed body over 20 MB (limit 20971520 bytes)"
    assert list(tmp_path.glob("objects/**/*")) == []  # nothing of it was archived


@pytest.mark.parametrize(
    "codings", ["gzip", "x-gzip", "gzip, gzip", "gzip, deflate", "gzip, deflate, gzip"]
)
def test_every_layer_of_a_nested_bomb_is_decoded_within_the_limit(
    served: Served, tmp_path: Path, codings: str
) -> None:
    encoding = codings.replace("x-gzip", "gzip")
    served.pages["/bomb"] = ({"Content-Encoding": codings}, layered_bomb(256 * MB, encoding))
    summary = fetch_manifest(
        [ManifestRow(served.base + "/bomb")], tmp_path, replace(QUICK, max_decoded_bytes=MB)
    )
    assert summary.failures == (
        (served.base + "/bomb", "too large: decompressed body over 1 MB (limit 1048576 bytes)"),
    )


def test_the_decoder_stops_within_one_piece_of_the_limit() -> None:
    """However deep the nesting, no layer hands on more than the limit plus one piece."""
    decoder = BodyDecoder("gzip, gzip, gzip", limit=3 * MB)
    bomb = gzip.compress(gzip.compress(gzip_of_zeros(1024 * MB), 9), 9)
    taken = 0
    with pytest.raises(TooLarge, match="decompressed body over 3 MB"):
        for i in range(0, len(bomb), 512):
            for piece in decoder.feed(bomb[i : i + 512]):
                taken += len(piece)
                assert len(piece) <= PIECE
    assert 3 * MB - PIECE < taken <= 3 * MB


@pytest.mark.parametrize(
    ("codings", "encode"),
    [
        ("gzip", lambda body: gzip.compress(body)),
        ("deflate", lambda body: zlib.compress(body)),
        # raw deflate without the zlib wrapper: what some IIS servers send as "deflate"
        ("deflate", lambda body: zlib.compress(body)[2:-4]),
        ("gzip, gzip", lambda body: gzip.compress(gzip.compress(body))),
        ("deflate, gzip", lambda body: gzip.compress(zlib.compress(body))),
        ("identity", lambda body: body),
    ],
)
def test_compressed_pages_are_archived_decoded_byte_for_byte(
    served: Served, tmp_path: Path, codings: str, encode: Callable[[bytes], bytes]
) -> None:
    rng = random.Random(7)
    text = "".join(rng.choice("收到申请数件总计政府信息公开 0123456789\n") for _ in range(300_000))
    page = f"<html><body><pre>{text}</pre></body></html>".encode()
    served.pages["/page"] = ({"Content-Encoding": codings}, encode(page))
    summary = fetch_manifest([ManifestRow(served.base + "/page")], tmp_path, QUICK)
    assert summary.fetched == 1
    (record,) = Archive(tmp_path).records()
    assert Archive(tmp_path).read(record.sha256) == page and record.size == len(page)


def test_the_limit_on_the_body_as_received_still_holds_for_a_compressed_body(
    served: Served, tmp_path: Path
) -> None:
    noise = random.Random(1).randbytes(300_000)  # does not compress: 300 KB on the wire
    # no Content-Length to refuse it by: the count of bytes received must
    served.pages["/big"] = (
        {"Content-Encoding": "gzip", "Connection": "close"},
        gzip.compress(noise),
    )
    settings = replace(QUICK, max_bytes=200_000, max_decoded_bytes=10 * MB)
    summary = fetch_manifest([ManifestRow(served.base + "/big")], tmp_path, settings)
    assert summary.failures[0][1] == "too large: body passed the limit of 200000 bytes"


def test_a_coding_not_asked_for_is_refused_not_archived_compressed(
    served: Served, tmp_path: Path
) -> None:
    served.pages["/br"] = ({"Content-Encoding": "br"}, b"\x1b\x03\x00\xf8\xa5\x00\x00")
    summary = fetch_manifest([ManifestRow(served.base + "/br")], tmp_path, QUICK)
    assert summary.failures[0][1] == "unsupported Content-Encoding 'br' (asked for gzip, deflate)"


def test_a_gzip_body_cut_off_before_its_end_is_a_broken_response_not_a_short_page(
    served: Served, tmp_path: Path
) -> None:
    page = random.Random(2).randbytes(50_000)
    # no Content-Length: the body ends when the connection closes, so only gzip can tell
    served.pages["/cut"] = (
        {"Content-Encoding": "gzip", "Connection": "close"},
        gzip.compress(page)[:20_000],
    )
    served.pages["/corrupt"] = ({"Content-Encoding": "gzip"}, b"\x1f\x8b\x08\x00" + bytes(40))
    rows = [ManifestRow(served.base + "/cut"), ManifestRow(served.base + "/corrupt")]
    summary = fetch_manifest(rows, tmp_path, replace(QUICK, attempts=2, backoff=0.01))
    reasons = dict(summary.failures)
    assert reasons[served.base + "/cut"] == (
        "broken response: gzip layer ends before its end marker (after 2 attempts)"
    )
    assert reasons[served.base + "/corrupt"].startswith("undecodable body: gzip layer is corrupt")
    assert served.hits["/corrupt"] == 1  # a corrupt body is not retried


# -- dripping servers and Ctrl-C -----------------------------------------------------------------

#: a drip server gives up after this long, so a fetcher without a deadline still ends
DRIP_FOR = 30.0


class DripServer:
    """A raw TCP server that answers robots.txt with a 404 and then drips, one byte each 0.5 s
    for up to DRIP_FOR seconds: a header line (`/headers`), a body (`/body`), or, for a TLS
    client, a handshake record that never completes (`tls=True`)."""

    def __init__(self, tls: bool = False) -> None:
        self.tls = tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dripping = threading.Event()
        #: set when a drip ran its full DRIP_FOR and the response was completed
        self.completed = threading.Event()
        self.closed = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        self.listener.close()

    def url(self, path: str) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.tls:
                    conn.recv(4096)  # the ClientHello
                    # a handshake record announcing 16 KB, then its bytes one at a time
                    return self._drip(conn, b"\x16\x03\x03\x40\x00", b"\x02")
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                path = request.split(b" ")[1]
                if path == b"/robots.txt":
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    return self._serve(conn)
                if path.startswith(b"/headers"):
                    self._drip(conn, b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a", b"\r\n")
                else:
                    self._drip(conn, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", b"x")
            except OSError:
                return

    def _drip(self, conn: socket.socket, start: bytes, byte: bytes, end: bytes = b"") -> None:
        conn.sendall(start)
        self.dripping.set()
        stop_at = time.monotonic() + DRIP_FOR
        sent = 0
        while time.monotonic() < stop_at and not self.closed.is_set():
            conn.sendall(byte)
            sent += 1
            if self.closed.wait(0.5):
                return
        # what a patient client finally gets: the rest of a whole response
        self.completed.set()
        if end:
            conn.sendall(end + b"Content-Length: 5\r\n\r\nhello")
        elif not self.tls:
            conn.sendall(b"x" * max(0, 100 - sent))


@pytest.mark.parametrize(
    ("tls", "path"), [(False, "/headers"), (False, "/body"), (True, "/handshake")]
)
def test_a_server_dripping_a_byte_every_half_second_is_given_up_at_the_deadline(
    tmp_path: Path, tls: bool, path: str
) -> None:
    settings = replace(QUICK, read_timeout=2.0, connect_timeout=2.0, total_timeout=2.0)
    # over TLS robots.txt would drip as well: the page alone is timed
    settings = replace(settings, honour_robots=not tls)
    with DripServer(tls=tls) as server:
        started = time.monotonic()
        summary = fetch_manifest([ManifestRow(server.url(path))], tmp_path, settings)
        elapsed = time.monotonic() - started
    print(f"\ndrip {path}: gave up after {elapsed:.2f} s (deadline 2 s, read timeout 2 s)")
    assert summary.failures == (
        (server.url(path), "timed out (no complete response within 2 s) (after 1 attempts)"),
    )
    assert not server.completed.is_set()  # ended by the deadline, not by the server


@pytest.mark.usefixtures("stop_signals_at_default")
def test_ctrl_c_stops_gx_fetch_promptly_while_a_server_drips(tmp_path: Path) -> None:
    manifest = tmp_path / "list.csv"
    with DripServer() as server:
        manifest.write_text(server.url("/headers/1") + "\n")
        child = subprocess.Popen(
            [sys.executable, "-m", "gx_pipeline.cli", "fetch", str(manifest)]
            + ["--archive", str(tmp_path / "archive"), "--allow-private", "--delay", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.dripping.wait(30), "the fetch never reached the server"
            time.sleep(1.0)  # well into the drip: the default 120 s deadline is far off
            interrupted = time.monotonic()
            child.send_signal(signal.SIGINT)
            _, stderr = child.communicate(timeout=DRIP_FOR * 2)
            stopped_after = time.monotonic() - interrupted
            # ended by Ctrl-C, not by the drip running out (nor by the 120 s deadline)
            assert not server.completed.is_set()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    print(f"\nCtrl-C during a drip: gx fetch exited {stopped_after:.2f} s after the signal")
    assert child.returncode == 130
    assert "interrupted; everything fetched so far is archived" in stderr
    # the address was stopped, not failed: the next run asks for it again
    assert not (tmp_path / "archive" / "fetches.jsonl").exists() or all(
        record.address != server.url("/headers/1")
        for record in Archive(tmp_path / "archive").records()
    )


TLS_CERT = Path(__file__).parent / "fixtures" / "fetch" / "tls" / "loopback-cert.pem"
TLS_KEY = TLS_CERT.with_name("loopback-key.pem")  # self-signed for 127.0.0.1, tests only


@pytest.fixture
def slow_tls_site() -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 that waits 0.6 s before each handshake (longer than one
    wait slice of the fetcher's sockets) and serves a gzip page; yields its base address."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS_CERT, TLS_KEY)
    listener = socket.create_server(("127.0.0.1", 0))
    body = gzip.compress(TLS_PAGE)

    def serve(conn: socket.socket) -> None:
        time.sleep(0.6)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                request = b""
                while b"\r\n\r\n" not in request:
                    request += tls.recv(4096)
                head = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nConnection: close\r\n"
                tls.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        except (OSError, ssl.SSLError):
            pass  # a client that does not trust the certificate hangs up

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


TLS_PAGE = "<html><body>政府信息公开工作年度报告</body></html>".encode()


def test_https_pages_come_through_a_slow_handshake_and_bad_certificates_are_refused(
    slow_tls_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = slow_tls_site + "/report.html"
    settings = replace(QUICK, honour_robots=False)
    # the certificate is not in any bundle: refused, with OpenSSL's reason
    untrusted = fetch_manifest([ManifestRow(address)], tmp_path / "a", settings)
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.failures[0][1]

    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CERT))  # trusted, as httpx reads the variable
    summary = fetch_manifest([ManifestRow(address)], tmp_path / "b", settings)
    assert summary.fetched == 1
    (record,) = Archive(tmp_path / "b").records()
    assert Archive(tmp_path / "b").read(record.sha256) == TLS_PAGE


# -- addresses that are not globally routable ----------------------------------------------------

METADATA = "169.254.169.254"
# the cloud metadata service in every IPv6 disguise, and special ranges is_global calls global
METADATA_FORMS = {
    "NAT64": "64:ff9b::a9fe:a9fe",
    "local-use NAT64": "64:ff9b:1::a9fe:a9fe",
    "6to4": "2002:a9fe:a9fe::1",
    "Teredo": "2001:0:4136:e378:8000:63bf:5601:5601",  # client 169.254.169.254, obfuscated
    "IPv4-mapped": "::ffff:169.254.169.254",
    "IPv4-compatible": "::169.254.169.254",
    "IPv4-translated": "::ffff:0:169.254.169.254",
}
OTHER_NON_GLOBAL = [
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "::ffff:10.0.0.1",
    "3fff::1",  # documentation (2024)
    "5f00::1",  # SRv6 segment identifiers
    "fec0::1",  # site-local
    "4000::1",  # outside 2000::/3
    "ff02::1",  # multicast
    "fe80::1",
    "224.0.0.1",  # multicast, which is_global calls global
    "192.88.99.1",  # 6to4 relay anycast
    "100.64.0.1",  # carrier-grade NAT
    "198.18.0.1",
    "0.0.0.0",
]
PUBLIC = ["202.108.33.60", "64:ff9b::ca6c:213c", "2002:ca6c:213c::1", "2400:da00::6666"]


def _url(ip: str, path: str = "/latest/meta-data/") -> str:
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}{path}"


@pytest.mark.parametrize("ip", [*METADATA_FORMS.values(), *OTHER_NON_GLOBAL])
def test_non_global_addresses_are_refused_however_they_are_written(ip: str) -> None:
    shown = str(ipaddress.ip_address(ip))
    with pytest.raises(UnsafeAddress, match=re.escape(f"non-public address {shown} (")):
        check_address(_url(ip))


@pytest.mark.parametrize("form", list(METADATA_FORMS))
def test_the_metadata_service_in_ipv6_disguise_is_refused_even_with_allow_private(
    form: str,
) -> None:
    ip = ipaddress.ip_address(METADATA_FORMS[form])
    reason = non_public_reason(ip, allow_private=True)
    assert reason is not None and ("link-local" in reason or form == "local-use NAT64")
    if form != "local-use NAT64":
        assert METADATA in reason


@pytest.mark.parametrize("ip", PUBLIC)
def test_public_addresses_and_translations_of_public_ones_pass(ip: str) -> None:
    check_address(_url(ip))  # checked, never contacted


@pytest.mark.parametrize("form", list(METADATA_FORMS))
def test_a_redirect_to_the_metadata_service_in_ipv6_disguise_is_refused(
    served: Served, tmp_path: Path, form: str
) -> None:
    shown = str(ipaddress.ip_address(METADATA_FORMS[form]))
    target = _url(shown)
    served.pages["/report"] = ({"status": "302", "Location": target}, b"")
    # allow_private admits the loopback server; it never admits the metadata service
    summary = fetch_manifest([ManifestRow(served.base + "/report")], tmp_path, QUICK)
    ((address, reason),) = summary.failures
    assert address == served.base + "/report"
    assert reason.startswith(f"refused (redirected to {target}): non-public address {shown} (")


def test_a_dns_answer_that_turns_private_after_the_check_is_refused_at_the_connection(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is public when checked and 127.0.0.1 when the socket connects."""
    served.pages["/report"] = ({"Content-Type": "text/html"}, b"<html>internal</html>")
    port = int(served.base.rsplit(":", 1)[1])
    answers = iter(["202.108.33.60", "127.0.0.1"])
    real_getaddrinfo = socket.getaddrinfo

    def rebinding(host: str, *args: object, **kwargs: object) -> list:
        if host != "reports.example.gov.cn":
            return real_getaddrinfo(host, *args, **kwargs)
        ip = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    address = f"http://reports.example.gov.cn:{port}/report"
    settings = replace(QUICK, allow_private=False, honour_robots=False)
    summary = fetch_manifest([ManifestRow(address)], tmp_path, settings)
    assert summary.failures == (
        (
            address,
            (
                "refused when connecting: host reports.example.gov.cn resolves to non-public "
                "address 127.0.0.1 (loopback)"
            ),
        ),
    )
    assert served.hits == {}


def test_private_targets_are_allowed_from_the_environment(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served.pages["/report"] = ({"Content-Type": "text/html"}, b"<html>report</html>")
    rows = [ManifestRow(served.base + "/report")]
    settings = replace(QUICK, allow_private=False)
    refused = fetch_manifest(rows, tmp_path, settings)
    assert refused.failures[0][1].endswith("non-public address 127.0.0.1 (loopback)")
    monkeypatch.setenv("GX_FETCH_ALLOW_PRIVATE", "1")
    assert fetch_manifest(rows, tmp_path, settings).fetched == 1
    monkeypatch.setenv("GX_FETCH_ALLOW_PRIVATE", "maybe")
    with pytest.raises(ValueError, match="GX_FETCH_ALLOW_PRIVATE must be 1 or 0, not 'maybe'"):
        fetch_manifest(rows, tmp_path, replace(settings, refresh=True))
