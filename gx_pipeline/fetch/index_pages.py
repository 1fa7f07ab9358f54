"""An agency's list page (年报专栏) -> manifest rows for the annual reports it links to.

A link qualifies when its text (or its title attribute: list pages often cut long link text
short with "..." and keep the full title there) names a report year and an annual report:
`2023年政府信息公开工作年度报告`, `XX区2022年度政务公开年报`, `XX街道2019年度政府信息公开工作
报告`, or on a list page of nothing else, a bare `2021年度报告`. Other yearly reports that
agencies publish beside them (法治政府建设年度报告, 统计年报) name a different subject and are
left out, as are reports of part of a year (第一季度, 上半年, 1-6月 …政府信息公开工作报告) and
readings of the report (解读, 图解).

A column of many years runs over several pages: `further_pages` finds the list's other pages on
a page (links named 下一页, 尾页 or a page number, addresses such as index_1.html, page_2.html,
list_3.shtml or ?page=2, and the page list a TRS portal's script writes, createPageHTML),
only on the same site and in the list's own folder.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

from gx_pipeline.fetch.charset import page_text
from gx_pipeline.fetch.manifest import FIRST_REPORT_YEAR, LAST_REPORT_YEAR, ManifestRow

_CHINESE_DIGITS = str.maketrans(
    "〇零○Ｏ０一二三四五六七八九１２３４５６７８９", "00000123456789123456789"
)
_YEAR = re.compile(r"([12一二１２][0-9〇零○Ｏ０-９一二三四五六七八九]{3})\s*年")
#: 年度报告 and 年报, and 公开(工作)报告: 云林街道2019年度政府信息公开工作报告 is the same report
_REPORT = re.compile(r"年度?报告|年报|公开(?:工作)?报告")
_DISCLOSURE = re.compile(r"信息公开|政务公开")
#: a report of part of a year (a quarter's, a half-year's, some months' short of December),
#: which 公开工作报告 names too, and a reading of the annual report (解读, 图解): none is the year's report
_NOT_THE_YEARS = re.compile(
    r"季度|半年|[0-9一二三四五六七八九十]+(?:月份?)?[-－—~～至到](?!12月|十二月)"
    r"[0-9一二三四五六七八九十]+月|解读|图解"
)
# what may stand around the year in a bare link such as "2021年度报告" or "【2021年】年报"
_BARE = re.compile(r"^[\s\W_]*\d{4}年度?(报告|年报|年度报告)[\s\W_]*$")
_AGENCY_END = re.compile(
    r"(政府|办公室|办公厅|委员会|局|厅|委|院|署|街道|镇|乡|区|县|市|省|中心|所|会)$"
)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")


def report_links(
    page: bytes | str, page_address: str, agency: str | None = None
) -> list[ManifestRow]:
    """Manifest rows for the annual-report links on a list page, in page order, deduplicated.

    `agency` (the list page's agency, if known) is used for links whose text does not name one.
    """
    tree = _tree(page)
    if tree is None:
        return []
    base = page_address
    for href in tree.xpath("//base/@href"):
        base = urljoin(page_address, href.strip())
        break
    page_agency = agency or _agency_from_title(tree)
    rows: dict[str, ManifestRow] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        for label in (_normalise(link.get("title") or ""), _normalise(link.text_content())):
            if (year := _qualifying_year(label)) is not None:
                break
        else:
            continue
        address = urldefrag(urljoin(base, href))[0]
        if urlsplit(address).scheme not in ("http", "https") or address in rows:
            continue
        rows[address] = ManifestRow(address, _agency_from_label(label) or page_agency, year)
    return list(rows.values())


#: a link's text that names a later page of a list (not 首页, 上一页: they lead back)
_PAGE_WORDS = re.compile(
    r"^(?:下一?页|后一?页|尾页|末页|最后一?页|第?\d{1,3}页?|[>»›]+|next|last)$", re.IGNORECASE
)
#: a file name that is a numbered page of a list: index_1.html, page_2.shtml, list-3.htm
_PAGE_FILE = re.compile(
    r"^(?:index|page|list|default|more)[_-]?\d{1,4}\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE
)
#: a query that numbers the pages of a list: ?page=2, pageNo=3, pageIndex=4, curpage=2
_PAGE_QUERY = re.compile(
    r"(?:^|&)(?:page|pageno|pageindex|curpage|currentpage|pagenum)=\d{1,4}(?:&|$)", re.IGNORECASE
)
#: the page list a TRS portal writes with a script: createPageHTML(pages, current, "index", "shtml")
_CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?(\d{1,4})\s*,\s*\d{1,4}\s*,\s*"
    r"['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def further_pages(page: bytes | str, page_address: str) -> list[str]:
    """The addresses of the list's later pages that `page` (served at `page_address`) links,
    in page order: on the same host, in the list's own folder, named as a page (下一页, 2) or
    numbered as one (index_1.html, ?page=2)."""
    tree = _tree(page)
    if tree is None:
        return []
    here = urlsplit(page_address)
    folder = here.path.rsplit("/", 1)[0]
    found: dict[str, None] = {}
    candidates = [
        urljoin(page_address, f"{stem}_{number}.{suffix}")
        for script in tree.iter("script")
        for pages, stem, suffix in _CREATE_PAGE_HTML.findall(script.text or "")
        for number in range(1, int(pages))
    ]
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        address = urljoin(page_address, href)
        there = urlsplit(address)
        name = there.path.rsplit("/", 1)[-1]
        named = _PAGE_WORDS.match(_normalise(link.text_content()) or link.get("title") or "")
        numbered = _PAGE_FILE.match(name) or (
            there.path == here.path and _PAGE_QUERY.search(there.query)
        )
        if named or numbered:
            candidates.append(address)
    for address in candidates:
        address = urldefrag(address)[0]
        there = urlsplit(address)
        if (
            there.scheme in ("http", "https")
            and there.netloc.lower() == here.netloc.lower()
            and there.path.rsplit("/", 1)[0] == folder
            and address != page_address
        ):
            found.setdefault(address)
    return list(found)


def _tree(page: bytes | str) -> lxml.html.HtmlElement | None:
    """The list page's markup, or None for a blank page or one lxml cannot read."""
    text = page_text(page) if isinstance(page, bytes) else page
    if not text.strip():
        return None
    try:
        return lxml.html.fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return None


def names_a_report(text: str) -> bool:
    """Whether `text` (a title, a heading) names a disclosure annual report, with or without
    its year: 政府信息公开工作年度报告, 政务公开年报, 政府信息公开工作报告."""
    text = _normalise(text)
    return bool(_REPORT.search(text) and _DISCLOSURE.search(text))


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _digits(text: str) -> str:
    return text.translate(_CHINESE_DIGITS)


def _qualifying_year(label: str) -> int | None:
    """The report year when `label` names a disclosure annual report, else None."""
    if not _REPORT.search(label) or _NOT_THE_YEARS.search(label):
        return None
    if not (_DISCLOSURE.search(label) or _BARE.match(_digits(label))):
        return None
    return _report_year(label)


def _report_year(label: str) -> int | None:
    for match in _YEAR.finditer(label):
        year = int(_digits(match.group(1))) if _digits(match.group(1)).isdigit() else None
        if year is not None and FIRST_REPORT_YEAR <= year <= LAST_REPORT_YEAR:
            return year
    return None


def _agency_from_label(label: str) -> str | None:
    """The words before the year, when they end like an agency's name (XX市XX区人民政府)."""
    match = _YEAR.search(label)
    prefix = label[: match.start()].strip("《【[]】》“”\"'：:-—_ ") if match else ""
    return prefix if len(prefix) >= 2 and _AGENCY_END.search(prefix) else None


def _agency_from_title(tree: lxml.html.HtmlElement) -> str | None:
    # titles read "政府信息公开年报_XX市人民政府" or "XX区人民政府-年报专栏": take the part naming an agency
    title = tree.findtext(".//title") or ""
    for part in re.split(r"[_|\-—–·]+", _normalise(title)):
        if _AGENCY_END.search(part) and not _REPORT.search(part) and len(part) >= 2:
            return part
    return None
