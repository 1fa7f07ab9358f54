"""A report page that is only a short notice, the report itself attached as a PDF or Word file.

Many agencies publish the report as a file and put a line on the page (`详见附件`, a link to
`…年度报告.pdf`). Such a page has none of the report's tables, so read alone it can only be
quarantined. The fetcher follows the page's link to the attached report and archives it like a
page (the same address checks, robots.txt, size caps, deadlines and politeness per host); the
archive's log ties the two together (`FetchRecord.attachment` on the page, `attachment_of` on
the file), and `export_to_raw` places the file in data/raw/<year>/ as that page's report.

Only a page the parser finds no report table on is a notice, and only one attached report is
followed: the single link to a document, or, among several, the single one whose address or
link text says report (报告, 年报). Anything else (no link, several reports) leaves the page as
it is: quarantined with the parser's reason ("the report is an attachment").
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from lxml import etree, html

from gx_pipeline import documents
from gx_pipeline.fetch.charset import page_text

#: what a link to an attached report ends in (its path, or the file name its text shows)
_DOCUMENT = re.compile(r"\.(?:pdf|docx?|wps)$", re.IGNORECASE)
_REPORT_WORDS = ("报告", "年报")
#: document kinds an attachment may be; anything else served there is not the report
ATTACHMENT_KINDS = ("pdf", "docx", "doc")


def notice_attachment(body: bytes, address: str, content_type: str | None = None) -> str | None:
    """The address of the report attached to the notice page `body` (served at `address`), or
    None when the page is not such a notice (it has the report's tables, is itself a document
    or a text copy) or does not name one attached report."""
    if documents.page_kind(body) != "html":
        return None
    links = _document_links(body, address, content_type)
    if not links:
        return None
    from gx_pipeline.parsing import ParseError, parse_bytes

    try:
        report = parse_bytes(body, "page.html")
    except ParseError:
        pass  # no report tables on the page: a notice
    except Exception:  # noqa: BLE001 - a parser bug on one page must not end a fetch run
        return None  # whether the report is on the page is not known: the page stays as it is
    else:
        if report.cells:
            return None  # the report is on the page; its links are annexes
    if len(links) == 1:
        return next(iter(links))
    reports = [a for a, text in links.items() if any(w in text for w in _REPORT_WORDS)]
    return reports[0] if len(reports) == 1 else None


def _document_links(body: bytes, address: str, content_type: str | None) -> dict[str, str]:
    """Links to documents on the page: address -> the link's text and file name."""
    try:
        root = html.document_fromstring(page_text(body, content_type))
    except (etree.ParserError, ValueError):
        return {}
    links: dict[str, str] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        target = urldefrag(urljoin(address, href))[0]
        path = unquote(urlsplit(target).path)
        text = " ".join(a.text_content().split())
        if _DOCUMENT.search(path) or _DOCUMENT.search(text):
            links[target] = links.get(target, "") + f" {text} {path}"
    return links
