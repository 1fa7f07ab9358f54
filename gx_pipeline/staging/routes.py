"""Which province a raw page goes to before it is parsed: the province key of the year ×
province partitions (gx_pipeline/definitions_provinces.py). No Dagster here.

A page's province is only certain after the parse (dim_report.province, from the agency name).
To spread a year's parsing over machines the pages are routed first, by a quick look: the
page's first text (tags, scripts and styles dropped) read by cpca, which finds the first place
name and fills the province above it. The key only decides which partition parses the page; the
rows are the parser's, so a page routed under the wrong province loads exactly as it would on
one machine (dim_report.province says where the agency really is). What must not depend on the
route is settled again when the year is assembled (gx_pipeline.warehouse.lake): copies of one
report routed apart are loaded once, as on one machine.

A page whose quick look finds no province, and every entry that is not read (FIFOs, links out
of data/raw, oversize files, unreadable files), goes to the partition `unplaced`.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import re
from collections.abc import Sequence
from pathlib import Path

from gx_pipeline.parsing.decode import decode
from gx_pipeline.staging.inventory import open_file
from gx_pipeline.staging.tables import RawFile

UNPLACED = "unplaced"
#: bytes of a page the quick look reads: the title and the first lines are at the top
HEAD_BYTES = 64 * 1024
#: characters of text (after the markup is dropped) given to cpca
HEAD_CHARS = 2000

_HIDDEN = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>|&[a-z#0-9]+;", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@functools.cache
def province_keys() -> tuple[str, ...]:
    """Every province-level division of cpca's division list (province, autonomous region,
    municipality, SAR, 台湾省) in code order, then `unplaced`."""
    table = importlib.resources.files("cpca") / "resources" / "adcodes.csv"
    with table.open(encoding="utf-8") as f:
        rows = [(code, name) for code, name, *_ in csv.reader(f) if code.isdigit()]
    names = [name for code, name in sorted(rows) if code[2:].strip("0") == ""]
    return (*names, UNPLACED)


def head_text(data: bytes, source: str) -> str:
    """The first text of a page: decoded, markup, scripts and styles dropped."""
    text = decode(data, source).text
    text = _TAG.sub(" ", _HIDDEN.sub(" ", text[: HEAD_BYTES * 2]))
    return _SPACE.sub(" ", text).strip()[:HEAD_CHARS]


def route(raws: Sequence[RawFile], max_bytes: int) -> list[str]:
    """The province key of each raw page, in order (the same bytes always get the same key)."""
    heads: list[str | None] = []
    for raw in raws:
        heads.append(_head(raw, max_bytes))
    found = provinces_in([h for h in heads if h is not None])
    it = iter(found)
    return [UNPLACED if h is None else next(it) for h in heads]


def _head(raw: RawFile, max_bytes: int) -> str | None:
    if raw.refused is not None or raw.raw_sha256 is None or raw.size > max_bytes:
        return None
    try:
        with open_file(Path(raw.path)) as f:
            data = f.read(HEAD_BYTES)
    except OSError:
        return None  # quarantined by the parse with the reason
    try:
        return head_text(data, raw.source)
    except Exception:  # noqa: BLE001 (an undecodable page is the parser's to quarantine)
        return None


def provinces_in(texts: Sequence[str]) -> list[str]:
    """The province of the first place cpca finds in each text, `unplaced` when none is named
    (cpca also guesses from a bare 县 or 区: a place counts only when its name is in the text)."""
    if not texts:
        return []
    import cpca  # loads its division list on first use (~0.4 s)

    known = set(province_keys())
    out = []
    for text, row in zip(texts, cpca.transform(list(texts)).itertuples(index=False), strict=True):
        province, city, county = (_name(v) for v in row[:3])
        city = None if city in _NO_CITY else city
        deepest = county or city or province
        named = deepest is not None and _short(deepest) in text
        out.append(province if named and province in known else UNPLACED)
    return out


#: cpca's placeholders for the city level of municipalities and province-administered counties
_NO_CITY = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _name(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _short(place: str) -> str:
    short = re.sub(r"(省|市|自治区|特别行政区|壮族|回族|维吾尔|区|县)+$", "", place)
    return short if len(short) >= 2 else place
