"""A server that answers 429 or 503 with Retry-After is given the wait it asks for, up to a cap.

Against a real HTTP server on 127.0.0.1 that records when each request came: the gap between two
tries of one address is the Retry-After (seconds or an HTTP-date), not the short backoff of the
settings; a wait longer than `retry_after_max` (an hour, a date years ahead, 5,000 digits) is cut
to the cap, logged, and named in the reason of a page given up; an unreadable Retry-After, or one
on a status that does not carry it, changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from gx_pipeline.fetch import Archive, FetchSummary, ManifestRow, fetch_manifest
from gx_pipeline.fetch.client import Fetcher, retry_after
from gx_pipeline.fetch.hosts import Stopped
from gx_pipeline_tests.conftest import LOOPBACK_FETCH, loopback_server

#: a backoff far shorter than any Retry-After below, so a gap tells which one was waited
SETTINGS = dataclasses.replace(
    LOOPBACK_FETCH, attempts=3, backoff=0.01, backoff_max=0.02, retry_after_max=5.0
)
PAGE = b"<html><body><table><tr><td>1</td></tr></table></body></html>"

#: (status, headers) for each try of a path; the last one repeats
Answers = list[tuple[int, dict[str, str]]]


class Server:
    def __init__(self) -> None:
        self.answers: dict[str, Answers | Callable[[], Answers]] = {}
        self.times: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self.base = ""

    def gaps(self, path: str) -> list[float]:
        times = self.times.get(path, [])
        return [later - earlier for earlier, later in pairwise(times)]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    times = server.times.setdefault(self.path, [])
                    times.append(time.monotonic())
                    hit = len(times)
                answers = server.answers.get(self.path, [(404, {})])
                answers = answers() if callable(answers) else answers
                status, headers = answers[min(hit, len(answers)) - 1]
                body = PAGE if status == 200 else b"busy"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    server = Server()
    with loopback_server(server.handler()) as base:
        server.base = base
        yield server


def fetch(server: Server, tmp_path: Path, path: str, **settings: Any) -> FetchSummary:
    row = ManifestRow(server.base + path, year=2023)
    return fetch_manifest([row], tmp_path / "archive", dataclasses.replace(SETTINGS, **settings))


def test_a_503_with_retry_after_in_seconds_is_tried_again_after_those_seconds(
    server: Server, tmp_path: Path
) -> None:
    server.answers["/busy.html"] = [(503, {"Retry-After": "1"}), (200, {})]
    summary = fetch(server, tmp_path, "/busy.html")
    assert (summary.fetched, summary.failed) == (1, 0)
    [gap] = server.gaps("/busy.html")
    assert 0.95 <= gap < 3.0, gap  # the backoff alone is 0.01-0.03 s


def test_a_retry_after_at_a_redirects_target_is_waited_as_well(
    server: Server, tmp_path: Path
) -> None:
    server.answers["/moved.html"] = [(302, {"Location": "/busy.html"})]
    server.answers["/busy.html"] = [(503, {"Retry-After": "1"}), (200, {})]
    summary = fetch(server, tmp_path, "/moved.html")
    assert (summary.fetched, summary.failed) == (1, 0)
    [gap] = server.gaps("/busy.html")
    assert 0.95 <= gap < 3.0, gap


def test_a_429_with_retry_after_as_an_http_date_is_tried_again_at_that_time(
    server: Server, tmp_path: Path
) -> None:
    """429 was a 4xx, never tried again: the page failed at once, whatever the server asked."""
    server.answers["/limited.html"] = lambda: [
        (429, {"Retry-After": formatdate(time.time() + 2, usegmt=True)}),
        (200, {}),
    ]
    summary = fetch(server, tmp_path, "/limited.html")
    assert (summary.fetched, summary.failed) == (1, 0), summary.failures
    [gap] = server.gaps("/limited.html")
    # the date has whole seconds: 2 s ahead is 1-2 s away when it is read
    assert 0.95 <= gap < 3.5, gap


@pytest.mark.parametrize(
    ("status", "header", "asked"),
    [
        (503, "86400", "86,400"),
        (429, "9" * 5000, "1,000,000,000"),
        (503, "Fri, 31 Dec 2100 23:59:59 GMT", None),
    ],
)
def test_a_retry_after_beyond_the_cap_is_cut_to_it_logged_and_named_when_the_page_is_given_up(
    server: Server,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
    header: str,
    asked: str | None,
) -> None:
    server.answers["/away.html"] = [(status, {"Retry-After": header})]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="gx_pipeline.fetch.client"):
        summary = fetch(server, tmp_path, "/away.html", retry_after_max=0.4)
    assert time.monotonic() - started < 5.0
    gaps = server.gaps("/away.html")
    assert len(gaps) == 2 and all(0.35 <= gap < 2.0 for gap in gaps), gaps
    [(address, reason)] = summary.failures
    assert reason.startswith(f"HTTP {status} (after 3 attempts); the server asked to wait ")
    assert reason.endswith("s (Retry-After), more than the 0.4 s cap: waited 0.4 s"), reason
    if asked:
        assert f"asked to wait {asked} s" in reason
    # the archive's log keeps the same reason for the failed page
    [record] = Archive(tmp_path / "archive").records()
    assert (record.outcome, record.attempts, record.reason) == ("failed", 3, reason)
    logged = json.loads((tmp_path / "archive" / "fetches.jsonl").read_text().splitlines()[-1])
    assert logged["reason"] == reason
    warnings = [r.getMessage() for r in caplog.records if "Retry-After" in r.getMessage()]
    assert len(warnings) == 2 and all("more than the 0.4 s cap" in w for w in warnings)
    assert all(address in w for w in warnings)


def test_a_retry_after_within_the_cap_leaves_the_reason_as_it_was(
    server: Server, tmp_path: Path
) -> None:
    server.answers["/down.html"] = [(503, {"Retry-After": "0"})]
    summary = fetch(server, tmp_path, "/down.html")
    assert summary.failures[0][1] == "HTTP 503 (after 3 attempts)"


@pytest.mark.parametrize(
    ("status", "header", "hits"),
    [
        (503, "soon", 3),  # unreadable: the settings' backoff
        (503, "-5", 3),
        (500, "2", 3),  # 500 does not carry Retry-After: the backoff
        (404, "2", 1),  # nor a 404, never tried again
    ],
)
def test_an_unreadable_retry_after_or_one_on_another_status_keeps_the_backoff(
    server: Server, tmp_path: Path, status: int, header: str, hits: int
) -> None:
    server.answers["/x.html"] = [(status, {"Retry-After": header})]
    summary = fetch(server, tmp_path, "/x.html")
    assert summary.failed == 1
    gaps = server.gaps("/x.html")
    assert len(gaps) == hits - 1 and all(gap < 0.5 for gap in gaps), gaps


def test_a_stop_ends_a_retry_after_wait_at_once(server: Server, tmp_path: Path) -> None:
    """A wait of the cap (here a minute) is spent where Ctrl-C is heard."""
    server.answers["/long.html"] = [(503, {"Retry-After": "60"})]
    fetcher = Fetcher(dataclasses.replace(SETTINGS, retry_after_max=60.0))
    threading.Timer(0.5, fetcher.stop.set).start()
    started = time.monotonic()
    with fetcher, pytest.raises(Stopped):
        fetcher.get(server.base + "/long.html")
    assert time.monotonic() - started < 2.0


NOW = 1_700_000_000.0
IN_2033 = datetime(2033, 11, 6, 8, 49, 37, tzinfo=UTC).timestamp() - NOW


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        (" 7 ", 7.0),
        ("9" * 5000, 1e9),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),  # past: at once
        ("Sun, 06 Nov 2033 08:49:37 GMT", IN_2033),
        ("Sunday, 06-Nov-33 08:49:37 GMT", IN_2033),
        ("Sun Nov  6 08:49:37 2033", IN_2033),
        ("-1", None),
        ("1.5", None),
        ("１２０", None),
        ("after lunch", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_the_three_http_date_forms(
    value: str | None, seconds: float | None
) -> None:
    assert retry_after(value, now=NOW) == seconds
