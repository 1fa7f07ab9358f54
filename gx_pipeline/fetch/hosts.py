"""Per-host politeness: at most N requests in flight to one site, and a pause between starts.

Agencies' sites are small servers; a 10,000-address run must look like a slow reader to each of
them, however many workers the run has in total.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit


class Stopped(Exception):
    """The run is stopping (Ctrl-C or a failing progress callback); give up this address."""


def host_key(address: str) -> str:
    """The site `address` is on; an address too malformed to name one (`http://[::1/x`, a port
    that is no number) is a site of its own, so its fetch fails alone, naming it, instead of
    ending the run before any address is tried."""
    try:
        parts = urlsplit(address)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return address


class HostGate:
    def __init__(self, per_host: int, delay: float, stop: threading.Event) -> None:
        self._per_host = max(1, per_host)
        self._delay = max(0.0, delay)
        self._stop = stop
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def turn(self, address: str) -> Iterator[None]:
        """Hold one of the host's slots, after waiting out the pause since its last request."""
        host = host_key(address)
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self._per_host))
        while not slot.acquire(timeout=0.2):
            if self._stop.is_set():
                raise Stopped
        try:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delay
            if self._stop.wait(start - now):
                raise Stopped
            yield
        finally:
            slot.release()
