"""Where a page says it is published: its own address, its site's 网站标识码, its footer's domain.

A report page names its agency, but often not the agency's place (统计局, 洪桥镇, or only 我局).
The site it is published on does: a county portal's 网站标识码 begins with the county's division
code, and the reports of one agency over the years stand on one site. None of this changes a
cell or the metadata.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: 网站标识码: a government site's code (国办 政府网站发展指引): ten characters, the site's
#: 6-digit division code and a serial number for local sites, bm + digits for departments'
_SITE_CODE = re.compile(r"网站标识码\s*[:：]?\s*([0-9A-Za-z]{10})(?![0-9A-Za-z])")
_DOMAIN = re.compile(r"(?<![0-9a-z.-])((?:[0-9a-z-]+\.)+gov\.cn)(?![0-9a-z.-])", re.IGNORECASE)
#: footer lines that name the site's own domain (not a link to another site in the text)
_FOOTER = re.compile(r"主办|承办|版权|网址|网站标识码|ICP|备案|copyright", re.IGNORECASE)
#: how far from the end of the page the footer is looked for
_FOOTER_REACH = 60


def site_evidence(texts: list[str], address: str | None) -> dict[str, str]:
    """What the page says about the site it is published on: its own address (canonical link,
    og:url), the 网站标识码 and the domain its footer names. Empty when it says nothing."""
    out: dict[str, str] = {}
    if address:
        out["address"] = address
    tail = texts[-_FOOTER_REACH:]
    for text in reversed(tail):
        if "网站标识码" in text and (m := _SITE_CODE.search(text)):
            out["site_code"] = m.group(1).lower()
            break
    for text in reversed(tail):
        # a domain ends in .gov.cn: most lines have no `.g` and are passed over without a
        # search (_FOOTER's case-blind alternatives cost ~100 instructions a character)
        if (".g" in text or ".G" in text) and _FOOTER.search(text) and (m := _DOMAIN.search(text)):
            out["domain"] = m.group(1).lower()
            break
    return out


def host_of(address: str | None) -> str | None:
    """The host of an address, lower case, without a leading www."""
    if not address:
        return None
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.") or None
