"""One address over HTTP, politely and defensively: the fetcher knows nothing of the archive.

Redirects are followed by hand, not by httpx, so every hop is checked by `safety` and robots.txt
before it is contacted, and a loop is recognised as a loop rather than as "too many redirects".
Bodies are streamed so an oversized or endlessly dripping response is cut off early.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import urldefrag, urljoin

import httpx
import tenacity

from gx_pipeline.fetch.charset import page_text
from gx_pipeline.fetch.hosts import HostGate, Stopped
from gx_pipeline.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache
from gx_pipeline.fetch.safety import UnsafeAddress, check_address

USER_AGENT = "gx-pipeline/0.1 (+research archive of government information disclosure reports)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchSettings:
    #: requests in flight over all hosts
    concurrency: int = 8
    #: requests in flight to one host
    per_host: int = 2
    #: seconds between the starts of two requests to one host
    delay: float = 1.0
    connect_timeout: float = 10.0
    #: seconds of silence while waiting for the response or the next chunk of its body
    read_timeout: float = 30.0
    #: seconds for a whole response, so a server dripping a byte at a time still ends
    total_timeout: float = 120.0
    #: tries per address on 5xx, timeouts and broken connections (4xx is never retried)
    attempts: int = 4
    #: first backoff in seconds; doubled each retry, with jitter, up to backoff_max
    backoff: float = 1.0
    backoff_max: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024
    #: allow loopback, private and link-local targets (the tests' local server needs this)
    allow_private: bool = False
    honour_robots: bool = True
    #: re-check addresses already archived (with conditional requests) instead of skipping them
    refresh: bool = False
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Validators:
    """What a previous fetch of the address returned, for a conditional re-fetch."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class ServedPage:
    final_address: str
    status: int
    #: None for 304 Not Modified
    body: bytes | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    attempts: int = 1


class FetchFailed(Exception):
    """The address could not be archived; `reason` is the line kept in the record."""

    def __init__(self, reason: str, attempts: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


class _Transient(FetchFailed):
    """Worth another try: 5xx, a timeout, a connection that broke mid-body."""


@dataclass
class Fetcher:
    settings: FetchSettings
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        s = self.settings
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent},
            # a large run touches thousands of hosts once each; keep the pool small
            limits=httpx.Limits(
                max_connections=max(s.concurrency * 2, 4), max_keepalive_connections=16
            ),
        )
        self._gate = HostGate(s.per_host, s.delay, self.stop)
        self._robots = RobotsCache(s.user_agent, self._robots_text)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, address: str, previous: Validators | None = None) -> ServedPage:
        """The page at `address` (after redirects), or FetchFailed with the reason.

        304 comes back as a ServedPage with no body. Raises Stopped when the run is stopping.
        """
        s = self.settings
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, s.attempts)),
            wait=tenacity.wait_exponential_jitter(
                initial=s.backoff, max=s.backoff_max, jitter=s.backoff
            ),
            retry=tenacity.retry_if_exception_type(_Transient),
            sleep=self._pause,
            reraise=True,
        )
        attempt_number = 0
        try:
            for attempt in retrying:
                attempt_number = attempt.retry_state.attempt_number
                with attempt:
                    page = self._follow(address, previous.headers() if previous else {})
        except _Transient as exc:
            raise FetchFailed(
                f"{exc.reason} (after {attempt_number} attempts)", attempt_number
            ) from None
        except FetchFailed as exc:
            raise FetchFailed(exc.reason, attempt_number) from None
        return dataclasses.replace(page, attempts=attempt_number)

    def _pause(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopped

    def _follow(
        self,
        address: str,
        headers: dict[str, str],
        *,
        robots: bool = True,
        max_bytes: int | None = None,
    ) -> ServedPage:
        seen: list[str] = []
        current = urldefrag(address)[0]
        while True:
            if current in seen:
                raise FetchFailed(f"redirect loop: {' -> '.join([*seen, current])}")
            if len(seen) > self.settings.max_redirects:
                raise FetchFailed(f"too many redirects (more than {self.settings.max_redirects})")
            seen.append(current)
            try:
                check_address(current, allow_private=self.settings.allow_private)
            except UnsafeAddress as exc:
                where = "" if len(seen) == 1 else f" (redirected to {current})"
                raise FetchFailed(f"refused{where}: {exc}") from None
            if robots and self.settings.honour_robots and not self._robots.allows(current):
                raise FetchFailed(f"disallowed by robots.txt: {current}")
            page, location = self._exchange(current, headers, max_bytes or self.settings.max_bytes)
            if location is None:
                return page
            current = urldefrag(urljoin(current, location))[0]

    def _exchange(
        self, address: str, headers: dict[str, str], max_bytes: int
    ) -> tuple[ServedPage, str | None]:
        """One request: the page, or the Location of a redirect."""
        with self._gate.turn(address):
            deadline = time.monotonic() + self.settings.total_timeout
            try:
                with self._client.stream("GET", address, headers=headers) as response:
                    return self._read(address, response, max_bytes, deadline)
            except httpx.TimeoutException as exc:
                raise _Transient(f"timed out ({type(exc).__name__})") from None
            except httpx.RemoteProtocolError as exc:
                # h11 raises this when the connection closes before Content-Length bytes came
                raise _Transient(f"broken response: {exc}") from None
            except httpx.TransportError as exc:
                raise _Transient(f"connection failed: {type(exc).__name__}: {exc}") from None
            except httpx.InvalidURL as exc:
                raise FetchFailed(f"invalid address: {exc}") from None

    def _read(
        self, address: str, response: httpx.Response, max_bytes: int, deadline: float
    ) -> tuple[ServedPage, str | None]:
        status = response.status_code
        if status in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                raise FetchFailed(f"HTTP {status} redirect without a Location header")
            return _page(address, response, None), location
        if status == 304:
            return _page(address, response, None), None
        if status >= 500:
            raise _Transient(f"HTTP {status}")
        if not 200 <= status < 300:
            raise FetchFailed(f"HTTP {status}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchFailed(f"too large: Content-Length {declared} bytes, limit {max_bytes}")
        chunks: list[bytes] = []
        size = 0
        # iter_bytes undoes gzip/deflate, so the limit also bounds a compression bomb
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchFailed(f"too large: body passed the limit of {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise _Transient(f"timed out (body took more than {self.settings.total_timeout} s)")
            if self.stop.is_set():
                raise Stopped
            chunks.append(chunk)
        return _page(address, response, b"".join(chunks)), None

    def _robots_text(self, robots_address: str) -> str | None:
        try:
            page = self._follow(robots_address, {}, robots=False, max_bytes=ROBOTS_MAX_BYTES)
        except FetchFailed:
            return None
        if page.body is None:
            return None
        return page_text(page.body, page.content_type)


def _page(address: str, response: httpx.Response, body: bytes | None) -> ServedPage:
    return ServedPage(
        final_address=address,
        status=response.status_code,
        body=body,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        content_type=response.headers.get("content-type"),
    )
