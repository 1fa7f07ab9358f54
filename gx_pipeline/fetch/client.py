"""One address over HTTP, politely and defensively: the fetcher knows nothing of the archive.

Redirects are followed by hand, not by httpx, so every hop is checked by `safety` and robots.txt
before it is contacted, and a loop is recognised as a loop rather than as "too many redirects".
Bodies are streamed and decoded here (`decoding`), not by httpx, so an oversized body or a
compression bomb is cut off at the limit; every socket wait is bounded by the request's total
deadline and the run's stop (`network`), so a dripping server or Ctrl-C ends a request promptly.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Self
from urllib.parse import quote, urldefrag, urljoin

import httpx
import tenacity

from gx_pipeline.fetch.charset import page_text
from gx_pipeline.fetch.decoding import (
    ACCEPT_ENCODING,
    BodyDecoder,
    DecodeError,
    TooLarge,
    Truncated,
)
from gx_pipeline.fetch.hosts import HostGate, Stopped
from gx_pipeline.fetch.network import DeadlinePassed, GuardedTransport, budget, check_budget
from gx_pipeline.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache
from gx_pipeline.fetch.safety import UnsafeAddress, check_address, private_allowed_by_env

log = logging.getLogger(__name__)

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
    #: seconds for one request in all (connect, TLS, headers, body), so a server dripping a
    #: byte at a time still ends; each redirect hop and each retry has its own
    total_timeout: float = 120.0
    #: tries per address on 5xx, 429, timeouts and broken connections (another 4xx is never
    #: retried)
    attempts: int = 4
    #: first backoff in seconds; doubled each retry, with jitter, up to backoff_max
    backoff: float = 1.0
    backoff_max: float = 60.0
    #: the longest wait a 429 or 503's Retry-After is granted before the next try: a server
    #: asking for more (an hour, a date next year) is tried again after this, and a page given up
    #: says so in its reason
    retry_after_max: float = 120.0
    max_redirects: int = 5
    #: body size as received (compressed, if it is)
    max_bytes: int = 20 * 1024 * 1024
    #: body size after undoing Content-Encoding, counted at every layer of a nested encoding
    max_decoded_bytes: int = 20 * 1024 * 1024
    #: allow loopback and private targets (a local test server); never link-local, multicast or
    #: reserved ones. GX_FETCH_ALLOW_PRIVATE=1 in the environment switches it on as well.
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
    """Worth another try: 5xx, 429, a timeout, a connection that broke mid-body.

    `retry_after` is the wait in seconds a 429 or 503 asked for (its Retry-After), if any."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


#: statuses whose Retry-After says when to try again (RFC 9110 10.2.3, RFC 6585 4)
RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass
class Fetcher:
    settings: FetchSettings
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        s = self.settings
        self.allow_private = s.allow_private or private_allowed_by_env()
        # a large run touches thousands of hosts once each; keep the pool small
        limits = httpx.Limits(
            max_connections=max(s.concurrency * 2, 4), max_keepalive_connections=16
        )
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            # direct connections only: through a proxy the address check would judge the proxy
            transport=GuardedTransport(limits, allow_private=self.allow_private),
            event_hooks={"response": [_take_redirect]},
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
        backoff = tenacity.wait_exponential_jitter(
            initial=s.backoff, max=s.backoff_max, jitter=s.backoff
        )
        # the Retry-After waits asked for beyond the cap, in seconds
        capped: list[float] = []

        def wait(state: tenacity.RetryCallState) -> float:
            failed = state.outcome.exception() if state.outcome else None
            asked = failed.retry_after if isinstance(failed, _Transient) else None
            if asked is None:
                return backoff(state)
            # tenacity asks for the wait after the last try as well, before it stops
            if asked > s.retry_after_max and state.attempt_number < s.attempts:
                capped.append(asked)
                log.warning(
                    "%s: %s asked to wait %s s (Retry-After), more than the %s s cap; "
                    "trying again in %s s",
                    address,
                    failed.reason if failed else "",
                    _seconds(asked),
                    _seconds(s.retry_after_max),
                    _seconds(s.retry_after_max),
                )
            return min(asked, s.retry_after_max)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, s.attempts)),
            wait=wait,
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
            note = ""
            if capped:
                note = (
                    f"; the server asked to wait {_seconds(max(capped))} s (Retry-After), more "
                    f"than the {_seconds(s.retry_after_max)} s cap: waited "
                    f"{_seconds(s.retry_after_max)} s"
                )
            raise FetchFailed(
                f"{exc.reason} (after {attempt_number} attempts){note}", attempt_number
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
        """The page at `address` after redirects; `max_bytes` caps the body both as received and
        decoded (robots.txt), else the settings' two limits do."""
        seen: list[str] = []
        current = urldefrag(address)[0]
        while True:
            if current in seen:
                raise FetchFailed(f"redirect loop: {' -> '.join([*seen, current])}")
            if len(seen) > self.settings.max_redirects:
                raise FetchFailed(f"too many redirects (more than {self.settings.max_redirects})")
            seen.append(current)
            where = "" if len(seen) == 1 else f" (redirected to {current})"
            try:
                check_address(current, allow_private=self.allow_private)
            except UnsafeAddress as exc:
                raise FetchFailed(f"refused{where}: {exc}") from None
            if robots and self.settings.honour_robots and not self._robots.allows(current):
                raise FetchFailed(f"disallowed by robots.txt: {current}")
            limits = (
                (max_bytes, max_bytes)
                if max_bytes
                else (self.settings.max_bytes, self.settings.max_decoded_bytes)
            )
            try:
                page, location = self._exchange(current, headers, *limits)
            except FetchFailed as exc:
                if not where:
                    raise
                # keep the class: a timeout at a redirect target is as worth retrying
                if isinstance(exc, _Transient):
                    raise _Transient(f"{exc.reason}{where}", exc.retry_after) from None
                raise FetchFailed(f"{exc.reason}{where}") from None
            if location is None and robots:
                location = refresh_target(page.body, current)
            if location is None:
                return page
            try:
                current = urldefrag(urljoin(current, location))[0]
            except ValueError as exc:  # an unclosed IPv6 bracket: http://[::1/2023.html
                raise FetchFailed(
                    f"refused (redirected to {location}): malformed address: {exc}"
                ) from None

    def _exchange(
        self, address: str, headers: dict[str, str], max_bytes: int, max_decoded: int
    ) -> tuple[ServedPage, str | None]:
        """One request: the page, or the Location of a redirect."""
        total = self.settings.total_timeout
        with self._gate.turn(address), budget(total, self.stop):
            try:
                with self._client.stream("GET", address, headers=headers) as response:
                    return self._read(address, response, max_bytes, max_decoded)
            except DeadlinePassed:
                raise _Transient(f"timed out (no complete response within {total:g} s)") from None
            except UnsafeAddress as exc:
                raise FetchFailed(f"refused when connecting: {exc}") from None
            except httpx.TimeoutException as exc:
                raise _Transient(f"timed out ({type(exc).__name__})") from None
            except httpx.RemoteProtocolError as exc:
                # h11 raises this when the connection closes before Content-Length bytes came
                raise _Transient(f"broken response: {exc}") from None
            except httpx.TransportError as exc:
                raise _Transient(f"connection failed: {type(exc).__name__}: {exc}") from None
            except _Redirected as exc:
                # its Location is judged as any other hop's, so a failure names where it pointed
                return self._read(address, exc.response, max_bytes, max_decoded)
            except httpx.InvalidURL as exc:
                raise FetchFailed(f"invalid address: {exc}") from None

    def _read(
        self, address: str, response: httpx.Response, max_bytes: int, max_decoded: int
    ) -> tuple[ServedPage, str | None]:
        status = response.status_code
        if status in REDIRECT_STATUSES:
            location = _location(response)
            if not location:
                raise FetchFailed(f"HTTP {status} redirect without a Location header")
            return _page(address, response, None), location
        if status == 304:
            return _page(address, response, None), None
        if status >= 500 or status == 429:
            asked = (
                retry_after(response.headers.get("retry-after"))
                if status in RETRY_AFTER_STATUSES
                else None
            )
            raise _Transient(f"HTTP {status}", asked)
        if not 200 <= status < 300:
            raise FetchFailed(f"HTTP {status}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchFailed(f"too large: Content-Length {declared} bytes, limit {max_bytes}")
        try:
            decoder = BodyDecoder(response.headers.get("content-encoding"), max_decoded)
        except DecodeError as exc:
            raise FetchFailed(str(exc)) from None
        chunks: list[bytes] = []
        size = 0
        try:
            # iter_raw: the bytes as sent; the decoder undoes gzip/deflate within max_decoded
            for raw in response.iter_raw():
                size += len(raw)
                if size > max_bytes:
                    raise FetchFailed(f"too large: body passed the limit of {max_bytes} bytes")
                for piece in decoder.feed(raw):
                    check_budget()  # inflating a bomb is CPU work the deadline also bounds
                    chunks.append(piece)
            decoder.finish()
        except TooLarge as exc:
            raise FetchFailed(f"too large: {exc}") from None
        except Truncated as exc:
            raise _Transient(f"broken response: {exc}") from None
        except DecodeError as exc:
            raise FetchFailed(f"undecodable body: {exc}") from None
        return _page(address, response, b"".join(chunks)), None

    def _robots_text(self, robots_address: str) -> str | None:
        try:
            page = self._follow(robots_address, {}, robots=False, max_bytes=ROBOTS_MAX_BYTES)
        except FetchFailed:
            return None
        if page.body is None:
            return None
        return page_text(page.body, page.content_type)


class _Redirected(Exception):
    """A redirect's response, taken before httpx reads its Location: httpx reads it even when it
    does not follow redirects, and one it cannot read (javascript:, data:, an unclosed bracket)
    would end the request with an error that names neither address, or as a broken response
    that is retried. Redirects are followed by hand (`Fetcher._follow`), so httpx never needs it."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _take_redirect(response: httpx.Response) -> None:
    """httpx's response hook: hand a redirect over before httpx reads its Location."""
    if response.has_redirect_location:
        raise _Redirected(response)


#: a page that moved says so in a short page a browser leaves at once: <meta http-equiv="refresh"
#: content="0;url=new.html"> (a report page is ~100 KB; one that reloads itself names no url)
_REFRESH = re.compile(
    rb"<meta\b(?=[^>]*\bhttp-equiv\s*=\s*[\"']?refresh)[^>]*\bcontent\s*=\s*"
    rb"(?:\"([^\"]*)\"|'([^']*)')",
    re.IGNORECASE,
)
_REFRESH_CONTENT = re.compile(
    rb"^\s*(\d+(?:\.\d*)?)\s*[;,]?\s*(?:url\s*=\s*)?([\"']?)(.+?)\2\s*$", re.IGNORECASE | re.DOTALL
)
#: a moved page is a notice of a few KB; a longer page is read as served
_REFRESH_PAGE_BYTES = 32 * 1024
#: seconds of a refresh a moved page waits at most (页面已迁移，3秒后自动跳转)
_REFRESH_DELAY = 10


def refresh_target(body: bytes | None, address: str) -> str | None:
    """Where a short page's <meta http-equiv="refresh"> sends the browser at once, when it is
    another address: followed as a redirect, through the same checks, so the page that moved
    is not archived in the report's place."""
    if not body or len(body) > _REFRESH_PAGE_BYTES:
        return None
    match = _REFRESH.search(body)
    content = _REFRESH_CONTENT.match((match.group(1) or match.group(2) or b"") if match else b"")
    if content is None or float(content.group(1)) > _REFRESH_DELAY:
        return None
    # a Chinese name in the page's own encoding goes out as its bytes, as a Location's does
    target = quote(content.group(3).strip(), safe=_URL_BYTES)
    try:
        same = urldefrag(urljoin(address, target))[0] == urldefrag(address)[0]
    except ValueError:
        same = False  # a broken target is refused as a redirect's, naming it
    return None if same or not target else target


#: what a Location's bytes keep as they are: printable ASCII, `%` of escapes already there too
_URL_BYTES = "".join(map(chr, range(0x21, 0x7F)))


def _location(response: httpx.Response) -> str | None:
    """The Location as a browser follows it: old servers on Chinese Windows write a file's name
    in raw GBK (or UTF-8) bytes, which go back percent-encoded, byte for byte. httpx's text of
    the header is Latin-1 for GBK bytes: sent again as UTF-8, it asks for a page not there."""
    raw = [value for name, value in response.headers.raw if name.lower() == b"location"]
    return quote(raw[0].strip(), safe=_URL_BYTES) if raw else None


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """The seconds a Retry-After header asks to wait: delay-seconds (`120`) or an HTTP-date
    (`Wed, 21 Oct 2026 07:28:00 GMT`, or the RFC 850 and asctime forms; a date already past is 0);
    None when absent or unreadable (a negative or fractional number, text), and the usual backoff
    applies."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        # a hostile run of 5,000 digits is more than int() reads, and as long as 10**9 s
        return float(int(value)) if len(value) < 10 else 1e9
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # asctime's form names no zone: HTTP dates are all GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _seconds(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:g}"


def _page(address: str, response: httpx.Response, body: bytes | None) -> ServedPage:
    return ServedPage(
        final_address=address,
        status=response.status_code,
        body=body,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        content_type=response.headers.get("content-type"),
    )
