"""What encoding a fetched page is in, recorded beside its bytes (the bytes stay untouched).

Agencies' pages are UTF-8 or GB2312/GBK, and their headers and <meta> often disagree with the
bytes, so all three are recorded: the header's charset, the <meta> charset and what the bytes
actually decode as (UTF-8 first, since valid UTF-8 is almost never anything else; then GB18030,
the superset of GB2312 and GBK).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gx_pipeline.parsing.decode import declared_charset

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Charsets:
    header: str | None
    meta: str | None
    #: the encoding the bytes decode cleanly as, None when neither UTF-8 nor GB18030 does
    sniffed: str | None


def detect_charsets(body: bytes, content_type: str | None) -> Charsets:
    header = _HEADER_CHARSET.search(content_type or "")
    sniffed = None
    for encoding in ("utf-8", "gb18030"):
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        sniffed = encoding
        break
    return Charsets(
        header=header.group(1).lower() if header else None,
        meta=declared_charset(body),
        sniffed=sniffed,
    )


def page_text(body: bytes, content_type: str | None = None) -> str:
    """The page as text, for reading links; undecodable bytes become U+FFFD."""
    return body.decode(detect_charsets(body, content_type).sniffed or "gb18030", errors="replace")
