"""The manifest: the research group's list of addresses to archive, as CSV.

Columns: `address` (required), `agency` and `year` (optional). A header row is expected; a file
without one is read as address[,agency[,year]] per line, so a bare list of URLs also works.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
    """The manifest's rows in file order, duplicates of an address dropped (first one wins)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        return []
    reader = csv.reader(io.StringIO("\n".join(lines)))
    rows = list(reader)
    header = [cell.strip().lower() for cell in rows[0]]
    if "address" in header:
        positions = {name: header.index(name) for name in COLUMNS if name in header}
        body = rows[1:]
    else:
        positions = {name: i for i, name in enumerate(COLUMNS)}
        body = rows
    seen: set[str] = set()
    manifest: list[ManifestRow] = []
    for number, cells in enumerate(body, start=1):
        named = {
            name: cells[i].strip() or None if i < len(cells) else None
            for name, i in positions.items()
        }
        address = named.get("address")
        if not address or address in seen:
            continue
        try:
            year = report_year(named.get("year"))
        except ManifestError as exc:
            raise ManifestError(f"{path}, row {number}: {exc}") from None
        seen.add(address)
        manifest.append(ManifestRow(address, named.get("agency"), year))
    return manifest


def write_manifest(rows: Iterable[ManifestRow], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.address, row.agency or "", row.year or ""])
