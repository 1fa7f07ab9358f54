"""The sockets under httpx: every wait is bounded by the request's deadline and the run's stop.

httpx's timeouts are per socket operation, so a server that sends one header byte every second
never trips an 8 s read timeout, and a blocked read does not notice Ctrl-C. Here each connect,
TLS handshake, read and write waits in slices of at most `SLICE` seconds, and between slices
checks the calling thread's `Budget`: past its deadline the request ends with `DeadlinePassed`,
after a stop with `Stopped`. The budget is per thread because httpx's sync client does all of a
request's I/O in the thread that sent it, while pooled connections move between threads.

The backend also resolves the host itself and checks every IP it dials with `safety`, so a name
that resolved to a public address for the pre-flight check and to 127.0.0.1 a moment later
(DNS rebinding) is refused at the connection.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import select
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from gx_pipeline.fetch.hosts import Stopped
from gx_pipeline.fetch.safety import UnsafeAddress, check_ip, resolve

#: longest uninterrupted wait on a socket: how late a stop or a passed deadline is noticed
SLICE = 0.2


class DeadlinePassed(Exception):
    """The request's total time (connect, TLS, headers and body) ran out."""


@dataclass(frozen=True)
class Budget:
    #: time.monotonic() by which the request must be over
    deadline: float
    stop: threading.Event | None = None


_local = threading.local()


@contextmanager
def budget(seconds: float, stop: threading.Event | None = None) -> Iterator[Budget]:
    """Give the calling thread's requests inside the block `seconds` in all."""
    previous = getattr(_local, "budget", None)
    current = Budget(time.monotonic() + seconds, stop)
    _local.budget = current
    try:
        yield current
    finally:
        _local.budget = previous


def check_budget() -> None:
    """Raise Stopped or DeadlinePassed if the calling thread's request must end now."""
    current: Budget | None = getattr(_local, "budget", None)
    if current is None:
        return
    if current.stop is not None and current.stop.is_set():
        raise Stopped
    if time.monotonic() >= current.deadline:
        raise DeadlinePassed


def _next_wait(op_end: float | None) -> float | None:
    """Seconds to wait next, or None when the operation's own timeout has run out."""
    check_budget()
    now = time.monotonic()
    limit = now + SLICE
    current: Budget | None = getattr(_local, "budget", None)
    if current is not None:
        limit = min(limit, current.deadline)
    if op_end is not None:
        if now >= op_end:
            return None
        limit = min(limit, op_end)
    return max(limit - now, 0.001)


def _end(timeout: float | None) -> float | None:
    return None if timeout is None else time.monotonic() + timeout


class GuardedStream(httpcore.NetworkStream):
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        end = _end(timeout)
        while True:
            wait = _next_wait(end)
            if wait is None:
                raise httpcore.ReadTimeout(f"no data for {timeout} s")
            try:
                self._sock.settimeout(wait)
                return self._sock.recv(max_bytes)
            except TimeoutError:
                continue
            except OSError as exc:
                raise httpcore.ReadError(str(exc)) from exc

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        end = _end(timeout)
        while buffer:
            wait = _next_wait(end)
            if wait is None:
                raise httpcore.WriteTimeout(f"could not send for {timeout} s")
            try:
                self._sock.settimeout(wait)
                sent = self._sock.send(buffer)
            except TimeoutError:
                continue  # nothing was sent; OpenSSL wants the same buffer again anyway
            except OSError as exc:
                raise httpcore.WriteError(str(exc)) from exc
            buffer = buffer[sent:]

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        end = _end(timeout)
        # wrap_socket detaches self._sock: from then on only the TLS socket holds the connection
        tls: socket.socket = self._sock
        try:
            tls = ssl_context.wrap_socket(
                self._sock, server_hostname=server_hostname, do_handshake_on_connect=False
            )
            while True:
                wait = _next_wait(end)
                if wait is None:
                    raise httpcore.ConnectTimeout(f"TLS handshake not done in {timeout} s")
                tls.settimeout(wait)
                try:
                    tls.do_handshake()
                    return GuardedStream(tls)
                except TimeoutError:
                    continue  # the handshake state is kept; the next call goes on from it
        except OSError as exc:  # ssl.SSLError included: a bad certificate names itself
            tls.close()
            raise httpcore.ConnectError(str(exc)) from exc
        except BaseException:
            tls.close()
            raise

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock._sslobj  # what httpcore's own stream hands over for ALPN
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":
            return _readable(self._sock)
        return None


def _readable(sock: socket.socket) -> bool:
    """Whether a kept-alive connection has something to read (the server closed it, usually)."""
    if sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


class GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        check_budget()
        try:
            ips = resolve(host, port)
        except UnsafeAddress as exc:  # a lookup that failed now: a failed connection, retried
            raise httpcore.ConnectError(str(exc)) from exc
        for ip in ips:
            check_ip(host, ip, allow_private=self.allow_private)
        failures: list[str] = []
        for ip in dict.fromkeys(ips):
            try:
                sock = _connect(ip, port, timeout, local_address)
            except OSError as exc:
                failures.append(f"{ip}: {exc.strerror or exc}")
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in socket_options or ():
                sock.setsockopt(*option)
            return GuardedStream(sock)
        raise httpcore.ConnectError(f"cannot connect to {host} port {port}: {'; '.join(failures)}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the fetcher does not use unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _connect(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
    port: int,
    timeout: float | None,
    local_address: str | None,
) -> socket.socket:
    """A connected socket to exactly `ip` (the address checked), or OSError / ConnectTimeout."""
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if local_address:
            sock.bind((local_address, 0))
        sock.setblocking(False)
        code = sock.connect_ex((str(ip), port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, os.strerror(code))
        end = _end(timeout)
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLOUT)
        while code != 0:
            wait = _next_wait(end)
            if wait is None:
                raise httpcore.ConnectTimeout(f"no connection to {ip} port {port} in {timeout} s")
            if poller.poll(wait * 1000):
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, os.strerror(code))
                break
        return sock
    except BaseException:
        sock.close()
        raise


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over GuardedBackend; certificates are checked as httpx does by default
    (against SSL_CERT_FILE or SSL_CERT_DIR when set, else certifi's bundle)."""

    def __init__(self, limits: httpx.Limits, allow_private: bool = False) -> None:
        super().__init__(limits=limits)
        # HTTPTransport takes no network backend, so its pool is replaced by an equal one with
        # ours (httpx is pinned; the fetch tests go through this pool on every request)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(allow_private),
        )
