"""Which addresses the fetcher may contact at all.

A manifest or a redirect is untrusted input: without this check a hostile page could redirect
the fetcher to the machine's own services (127.0.0.1, 169.254.169.254 cloud metadata, 10.x).
Every resolved IP must be globally routable, so a name with one public and one private record is
refused. The address is checked before each hop and again, by `network`, on the IPs the
connection actually dials.

Python's `ipaddress.is_global` is not enough on its own: on 3.11 it calls NAT64
(`64:ff9b::a9fe:a9fe`), 6to4 (`2002:a9fe:a9fe::`), IPv4-compatible (`::a9fe:a9fe`) and
IPv4-translated forms of 169.254.169.254 global, as well as multicast, site-local and addresses
outside 2000::/3. An IPv6 address that carries an IPv4 address is judged by that IPv4 address
too, and the special-purpose ranges of the IANA registries are listed below.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")

#: set to 1 to let the fetcher reach loopback and private targets (a local test server); the
#: Dagster asset has no setting for it, so only whoever starts the process can switch it on
ALLOW_PRIVATE_ENV = "GX_FETCH_ALLOW_PRIVATE"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: what `allow_private` admits: a test server on this machine or the local network. Link-local
#: (the cloud metadata service), multicast, reserved ranges and IPv4 hidden in an IPv6
#: translation or tunnel form stay refused even then.
LOOPBACK = "loopback"
PRIVATE = "private"
_ADMITTED_WITH_ALLOW_PRIVATE = frozenset({LOOPBACK, PRIVATE})

_V4_SPECIAL = [
    (ipaddress.ip_network(network), label)
    for network, label in (
        ("0.0.0.0/8", "'this network' (0.0.0.0/8)"),
        ("10.0.0.0/8", PRIVATE),
        ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
        ("127.0.0.0/8", LOOPBACK),
        ("169.254.0.0/16", "link-local (the cloud metadata service lives here)"),
        ("172.16.0.0/12", PRIVATE),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", PRIVATE),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
]

_V6_SPECIAL = [
    (ipaddress.ip_network(network), label)
    for network, label in (
        ("::/128", "unspecified"),
        ("::1/128", LOOPBACK),
        ("::/96", "IPv4-compatible (deprecated)"),
        ("::ffff:0:0:0/96", "IPv4-translated"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/32", "Teredo tunnel"),
        ("2001::/23", "IETF protocol assignments"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "segment routing (SRv6)"),
        ("fc00::/7", PRIVATE),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
]

_IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")
_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


class UnsafeAddress(Exception):
    """The address must not be fetched; the message says why."""


def private_allowed_by_env() -> bool:
    """GX_FETCH_ALLOW_PRIVATE as a switch: 1/true/yes/on, 0/false/no/off or unset."""
    value = os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{ALLOW_PRIVATE_ENV} must be 1 or 0, not {value!r}")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 translation or tunnel form leads to, with the form's name."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _NAT64:
        return [("NAT64", low32)]
    if ip in _IPV4_TRANSLATED:
        return [("IPv4-translated", low32)]
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return [("IPv4-compatible", low32)]
    if ip in _SIX_TO_FOUR:
        return [("6to4", ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF))]
    if ip in _TEREDO:
        server, client = ip.teredo  # type: ignore[misc]
        return [("Teredo server", server), ("Teredo client", client)]
    return []


def non_public_reason(ip: IPAddress, *, allow_private: bool = False) -> str | None:
    """Why `ip` must not be contacted, or None when it may be.

    `allow_private` admits loopback and private (RFC 1918, unique local) addresses only.
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        # how a dual-stack socket shows an IPv4 peer: the same host as the IPv4 address
        reason = non_public_reason(ip.ipv4_mapped, allow_private=allow_private)
        return None if reason is None else f"IPv4-mapped form of {ip.ipv4_mapped}, {reason}"
    if isinstance(ip, ipaddress.IPv6Address):
        for form, inner in _embedded_ipv4(ip):
            inner_reason = non_public_reason(inner)
            if inner_reason is not None:
                return f"{form} form of {inner}, {inner_reason}"
    table = _V4_SPECIAL if isinstance(ip, ipaddress.IPv4Address) else _V6_SPECIAL
    for network, label in table:
        if ip in network:
            if allow_private and label in _ADMITTED_WITH_ALLOW_PRIVATE:
                return None
            return label
    if isinstance(ip, ipaddress.IPv6Address) and ip not in _GLOBAL_UNICAST and ip not in _NAT64:
        return "outside global unicast (2000::/3)"
    if not ip.is_global:  # whatever a newer Python knows that the tables above do not
        return "not globally routable"
    return None


def check_ip(host: str, ip: IPAddress, *, allow_private: bool = False) -> None:
    """Raise UnsafeAddress when `host`'s address `ip` must not be contacted."""
    reason = non_public_reason(ip, allow_private=allow_private)
    if reason is None:
        return
    if _literal(host) == ip:
        raise UnsafeAddress(f"non-public address {ip} ({reason})")
    raise UnsafeAddress(f"host {host} resolves to non-public address {ip} ({reason})")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every IP `host` stands for: itself when it is an IP literal, else what DNS answers."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddress(f"cannot resolve host {host}: {exc}") from None
    # a link-local answer may carry a zone ("fe80::1%eth0"); the zone does not change the verdict
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


#: an http(s) scheme whose letters, colon or slashes a Chinese input method typed full width
#: (http：//, https：／／, ｈｔｔｐ://): urlsplit finds no scheme or a foreign one in it
_FULL_WIDTH_SCHEME = re.compile(r"(?i)\s*[hｈＨ][tｔＴ]{2}[pｐＰ][sｓＳ]?\s*[:：]\s*[/／]{2}")


def check_address(address: str, *, allow_private: bool = False) -> None:
    """Raise UnsafeAddress unless `address` is http(s) to a host whose every IP is public.

    `allow_private` admits loopback and private targets (see `non_public_reason`). The host is
    resolved again when the connection is made, and the IPs dialled are checked then too
    (`network`), so a DNS server that answers differently the second time gains nothing.
    """
    try:
        parts = urlsplit(address)
    except ValueError as exc:  # an unclosed IPv6 bracket: `http://[::1/2023.html`
        raise UnsafeAddress(f"malformed address: {exc}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        if _FULL_WIDTH_SCHEME.match(address):
            raise UnsafeAddress(
                "the scheme is typed with full-width marks (ｈｔｔｐ, ：, ／, as a Chinese input "
                "method writes them): write http:// or https:// in ASCII"
            )
        raise UnsafeAddress(f"scheme {parts.scheme or '(none)'!r} is not http or https")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # a port that is not a number
        raise UnsafeAddress(f"malformed address: {exc}") from None
    if not host:
        raise UnsafeAddress("the address has no host")
    for ip in resolve(host, port or 80):
        check_ip(host, ip, allow_private=allow_private)
