"""The manifest: the research group's list of addresses to archive, as CSV.

Columns: `address` (required), `agency` and `year` (optional). A header row is expected; a file
without one is read as address[,agency[,year]] per line, so a bare list of URLs also works.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from gx_pipeline import csvfiles

COLUMNS = ("address", "agency", "year")

# The disclosure regulations took effect in 2008; anything outside this range is a typo, and a
# year also becomes a folder name in export_to_raw, so it must be a plain bounded integer.
FIRST_REPORT_YEAR = 2008
LAST_REPORT_YEAR = 2100


@dataclass(frozen=True)
class ManifestRow:
    address: str
    agency: str | None = None
    year: int | None = None


class ManifestError(ValueError):
    pass


def report_year(value: str | int | None) -> int | None:
    """A report year from a manifest cell, or None when the cell is blank."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or not FIRST_REPORT_YEAR <= int(text) <= LAST_REPORT_YEAR:
        raise ManifestError(f"not a report year: {text!r}")
    return int(text)


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """The manifest's rows in file order, a repeated address counted once.

    A repeated address takes the agency and year its first row left blank from a later one;
    one listed under two report years (a site that serves each year's report at one address
    cannot give both) is refused, and so is a row with cells but no address: either would put
    a page in the wrong year, or none, with nothing said. Errors name the line in the file."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # a spreadsheet on a Chinese Windows machine saves CSV as GBK
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestError(
            f"{path}, line {line}: not UTF-8 (byte {data[exc.start]:#04x}; a spreadsheet's "
            "CSV in GBK?): save it as UTF-8 (CSV UTF-8) and run again"
        ) from None
    # comments (indented ones too) read as blank lines, so the reader's line numbers are the file's
    reader = csv.reader(
        "" if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)
    )
    # (line number in the file, cells); rows of blank cells (a spreadsheet's ",,") are blank
    rows = [(reader.line_num, cells) for cells in reader if any(_visible(cell) for cell in cells)]
    if not rows:
        return []
    header = [_visible(cell).lower() for cell in rows[0][1]]
    if "address" in header:
        positions = {name: header.index(name) for name in COLUMNS if name in header}
        body = rows[1:]
    else:
        positions = {name: i for i, name in enumerate(COLUMNS)}
        body = rows
    first_line: dict[str, int] = {}
    manifest: dict[str, ManifestRow] = {}
    for number, cells in body:
        named = {
            name: _visible(cells[i]) or None if i < len(cells) else None
            for name, i in positions.items()
        }
        where = f"{path}, line {number}"
        address = named.get("address")
        if not address:
            raise ManifestError(f"{where}: no address (cells: {','.join(cells)!r})")
        try:
            year = report_year(named.get("year"))
        except ManifestError as exc:
            raise ManifestError(f"{where}: {exc}") from None
        row = ManifestRow(address, named.get("agency"), year)
        page = _page(address)
        earlier = manifest.get(page)
        if earlier is None:
            first_line[page] = number
            manifest[page] = row
        elif earlier.year is not None and year is not None and earlier.year != year:
            raise ManifestError(
                f"{where}: {address} under report year {year}, but line {first_line[page]} "
                f"lists it under {earlier.year}: one address is one page, placed in one year"
            )
        else:
            manifest[page] = ManifestRow(
                earlier.address, earlier.agency or row.agency, earlier.year or row.year
            )
    return list(manifest.values())


#: what a cell copied from a web page or a Word file brings at its ends that no one sees: zero-
#: width spaces and joiners, byte order marks (a second list pasted after the first), direction
#: marks, the word joiner
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def _visible(cell: str) -> str:
    """The cell without the white space and invisible characters at its ends: sent, a zero-width
    space was percent-encoded into the address (a 404 for an address that opens in a browser),
    and a byte order mark before `http://` hid the scheme."""
    while cell != (stripped := cell.strip().strip(_INVISIBLE)):
        cell = stripped
    return cell


#: the port a scheme has when none is written
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _page(address: str) -> str:
    """`address` as the page it names: a fragment is never sent, a scheme and a host have no
    case, a scheme's default port is the port written or not (a.gov.cn/x#2023, A.GOV.CN/x and
    a.gov.cn:443/x are one page), and a path or query is what goes on the wire (年报 2023.html
    and %E5%B9%B4%E6%8A%A5%202023.html are one request). An address that is no URL stands for
    itself."""
    try:
        parts = urlsplit(address)
        port = parts.port
        sent = httpx.URL(address).raw_path.decode("ascii")
    except (ValueError, httpx.InvalidURL):
        return address
    path, _, query = sent.partition("?")
    parts = parts._replace(path=path, query=query)
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if ":" in host:  # IPv6, bracketed again
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def manifest_years(rows: Iterable[ManifestRow]) -> dict[str, int]:
    """The report year of each address the manifest gives one: for `export_to_raw`, where it
    wins over the year recorded at the address's last fetch (a row corrected since; an
    archived address is not fetched again, so its record keeps the old year)."""
    return {row.address: row.year for row in rows if row.year is not None}


def write_manifest(rows: Iterable[ManifestRow], path: str | Path) -> None:
    with csvfiles.open_for_writing(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.address, row.agency or "", row.year or ""])
