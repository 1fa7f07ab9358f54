"""Which addresses the fetcher may contact at all.

A manifest or a redirect is untrusted input: without this check a hostile page could redirect
the fetcher to the machine's own services (127.0.0.1, 169.254.169.254 cloud metadata, 10.x).
Every resolved IP must be public, so a name with one public and one private record is refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


class UnsafeAddress(Exception):
    """The address must not be fetched; the message says why."""


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_address(address: str, *, allow_private: bool = False) -> None:
    """Raise UnsafeAddress unless `address` is http(s) to a host whose every IP is public.

    The host is resolved here and again by the HTTP client, so a DNS server that answers
    differently the second time (rebinding) is not caught; pinning the IP would break TLS SNI.
    """
    parts = urlsplit(address)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeAddress(f"scheme {parts.scheme or '(none)'!r} is not http or https")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # a port that is not a number
        raise UnsafeAddress(f"malformed address: {exc}") from None
    if not host:
        raise UnsafeAddress("the address has no host")
    if allow_private:
        return
    try:
        ips = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise UnsafeAddress(f"cannot resolve host {host}: {exc}") from None
        ips = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for ip in ips:
        if not _is_public(ip):
            raise UnsafeAddress(f"host {host} resolves to non-public address {ip}")
