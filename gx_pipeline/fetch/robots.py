"""robots.txt, fetched once per host and honoured for every address and redirect target.

A robots.txt that cannot be fetched (timeout, 5xx, no file) allows everything: the research
archive would rather fetch a report once, politely paced, than lose it to a flaky server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

# robots.txt files past this size are truncated by Google too; nobody writes rules that long
ROBOTS_MAX_BYTES = 512 * 1024


class RobotsCache:
    def __init__(self, user_agent: str, fetch_text: Callable[[str], str | None]) -> None:
        """`fetch_text(url)` returns the robots.txt body, or None when it could not be had."""
        self._user_agent = user_agent
        self._fetch_text = fetch_text
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, RobotFileParser | None] = {}

    def allows(self, address: str) -> bool:
        parts = urlsplit(address)
        site = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "", "", ""))
        with self._lock:
            host_lock = self._host_locks.setdefault(site, threading.Lock())
        # one fetch of robots.txt per site even when many workers reach it at once
        with host_lock:
            if site not in self._rules:
                self._rules[site] = self._load(site + "/robots.txt")
        rules = self._rules[site]
        return True if rules is None else rules.can_fetch(self._user_agent, address)

    def _load(self, robots_address: str) -> RobotFileParser | None:
        text = self._fetch_text(robots_address)
        if text is None:
            return None
        rules = RobotFileParser(robots_address)
        rules.parse(text.splitlines())
        return rules
