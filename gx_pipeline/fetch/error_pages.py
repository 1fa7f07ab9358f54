"""What a site serves with status 200 in place of a report: an empty body, an error page.

Agencies' sites answer a page that is gone, a site under maintenance or a request their web
firewall dislikes with 200 and a page of their own (页面不存在, 404 Not Found, 系统维护中,
已被网站管理员设置拦截) or its bot check (安全验证, 请开启JavaScript). Archived as the report,
such a page is counted as fetched, never asked for again, and, on a re-check, takes the
report's place in its year folder. So a body is not
the report when it is empty, when it is a page without the report whose title, heading or short
text says it is an error, or when it is a page without the report at an address whose archived
version held one.

A page whose title or h1 names the annual report (政府信息公开工作年度报告, 政务公开年报)
is not read for an error's words: its narrative and its footer use them in a sense of their own
(坚决维护中央权威, 如无法访问附件, 网站防火墙, 第404期), and where the parser reads no table on it
the report is on it as images or in a file it links (OFD). A re-check that finds such a page
without the tables the archived version had is still a failure (below).

A PDF or Word file cut off before its end (a transfer broken off with status 200) is not the
report either, first fetch or re-check: `documents.whole` tells it by the file's end.

"Without the report" is the parser's word: no cell of the report's tables read, no report
attached (`notice_attachment`), not a PDF or Word file. A report page whose text happens to say
404 or 页面不存在 is the report.
"""

from __future__ import annotations

import re

from lxml import etree, html

from gx_pipeline import documents
from gx_pipeline.documents import whole
from gx_pipeline.fetch.attachments import ATTACHMENT_KINDS, notice_attachment
from gx_pipeline.fetch.charset import page_text
from gx_pipeline.fetch.index_pages import names_a_report

#: what an error, maintenance or block page says of itself (维护中, under maintenance, not as
#: 维护中心, 维护中央, 维护中国, 维护中华, 维护中小 begin)
_ERROR_WORDS = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要|你要|您所)?(?:访问的)?(?:页面|网页|文件|内容)"
    r"|不存在或已|已被删除|已删除|已下线|已过期|无法访问|访问出错|出错了|错误提示|系统繁忙"
    r"|系统维护|维护中(?![心央国华小])|稍后再试|访问过于频繁|拦截|防火墙|禁止访问|没有权限"
    r"|not found|forbidden|bad gateway|service unavailable|internal server error"
    # a web firewall's bot check, served with 200 until a browser runs its script or a person
    # drags its slider: 安全验证, 请开启JavaScript并刷新该页, 您的浏览器未启用JavaScript
    r"|安全验证|人机验证|滑动验证|滑块|(?:开启|启用|打开|允许|支持)\s*javascript"
    r"|enable\s+javascript|javascript\s+(?:is\s+)?(?:disabled|required)",
    re.IGNORECASE,
)
#: a status code as a title or heading gives it (404, 错误 404): in a page's text a number may
#: be anything (500万元, 共404条), and a document number is not one (〔2023〕404号)
_STATUS_CODE = re.compile(r"(?<![0-9])(?:403|404|500|502|503)(?![0-9号])")
#: an error page says little; a page with more text than this is read by its title and headings
_SHORT_TEXT = 400


def not_the_report(
    body: bytes, address: str, content_type: str | None, archived: bytes | None = None
) -> str | None:
    """Why `body`, served with a 2xx at `address`, is not the report, or None when it may be.

    `archived`: the address's archived version when `body` differs from it (a re-check)."""
    if not body.strip():
        return "an empty body"
    if (cut := whole.cut_short(body)) is not None:
        return cut  # parsed, its first pages may read as a report: the end of it says
    said = _error_said(body, content_type)
    moved = _script_target(body, content_type) if said is None else None
    if said is None and moved is None and archived is None:
        return None
    if holds_report(body, address, content_type):
        return None
    if said is not None:
        return f"an error page ({said})"
    if moved is not None:
        return f"a page that sends the browser to {moved!r} by script"
    if holds_report(archived or b"", address, content_type):
        title = _title(body, content_type)
        return "a page without the report's tables" + (f" ({title})" if title else "")
    return None


def holds_report(body: bytes, address: str, content_type: str | None = None) -> bool:
    """The report is in `body` or attached to it, or whether it is cannot be told."""
    if documents.page_kind(body) in ATTACHMENT_KINDS:
        return True
    from gx_pipeline.parsing import ParseError, parse_bytes

    try:
        report = parse_bytes(body, "page.html")
    except ParseError:
        return notice_attachment(body, address, content_type) is not None
    except Exception:  # noqa: BLE001 - a parser bug on one page must not end a fetch run
        return True  # not known: the page is taken as served
    return bool(report.cells) or notice_attachment(body, address, content_type) is not None


def _error_said(body: bytes, content_type: str | None) -> str | None:
    """The title, heading or short text of an HTML or text page that says it is an error."""
    if documents.kind_of(body) is not None:
        return None
    root = _root(body, content_type)
    if root is None:
        return None
    text = " ".join(root.text_content().split())
    title = _title(body, content_type, root)
    if _names_report(root, body, content_type, title):
        return None  # an error page does not carry a report's title; the report's words do
    headings = [title, *map(_words, root.iter("h1", "h2", "h3"))]
    for heading in filter(None, headings):
        if _ERROR_WORDS.search(heading) or _STATUS_CODE.search(heading):
            return heading[:80]
    if len(text) <= _SHORT_TEXT and _ERROR_WORDS.search(text):
        return text[:80]
    return None


#: a short page that moved and sends the browser on by script only: window.location.href = …,
#: location.replace(…), top.location = … (a meta refresh is followed as a redirect, `client`).
#: Not followed: a script's target may depend on the browser (a phone's version of the site)
_SCRIPT_MOVE = re.compile(
    rb"\blocation(?:\.href)?\s*=\s*([\"'])([^\"'\s]+)\1"
    rb"|\blocation\.(?:replace|assign)\(\s*([\"'])([^\"'\s]+)\3"
)


def _script_target(body: bytes, content_type: str | None) -> str | None:
    """Where a page's script sends the browser, when the page says little else (a report whose
    tables are images, titled as the report, or a long page is read as served)."""
    match = _SCRIPT_MOVE.search(body)
    root = _root(body, content_type) if match else None
    if match is None or root is None or _names_report(root, body, content_type):
        return None
    shown = root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    if len(" ".join(" ".join(shown).split())) > _SHORT_TEXT:
        return None
    return (match.group(2) or match.group(4)).decode("utf-8", errors="replace")


def _names_report(
    root: html.HtmlElement, body: bytes, content_type: str | None, title: str | None = None
) -> bool:
    """The page's own name, its title or h1, names the annual report (a sidebar's h2/h3 may name
    a column 政府信息公开年报 on any page of the site, an error page too)."""
    title = title if title is not None else _title(body, content_type, root)
    return any(names_a_report(name) for name in [title or "", *map(_words, root.iter("h1"))])


def _words(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _root(body: bytes, content_type: str | None) -> html.HtmlElement | None:
    try:
        return html.document_fromstring(page_text(body, content_type))
    except (etree.ParserError, ValueError):
        return None


def _title(
    body: bytes, content_type: str | None, root: html.HtmlElement | None = None
) -> str | None:
    root = root if root is not None else _root(body, content_type)
    title = root.find(".//title") if root is not None else None
    text = " ".join(title.text_content().split()) if title is not None else ""
    return f"title {text!r}" if text else None
