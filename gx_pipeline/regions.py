"""Where an agency sits: province, city, county and division code, and its administrative level.

The place names and codes come from cpca (the national division list it ships, matched offline
with Aho-Corasick); nothing here lists places by hand. cpca reads the place prefix of the agency
name as the report names itself (阜新市彰武县政府办公室 → 辽宁省 阜新市 彰武县, 210922) and fills
the levels above a unique name (宁强县 → 陕西省 汉中市). What remains after the place prefix is
the organ (政府办公室, 自然资源局, 新华街道办事处), which gives the level:

- `township-street`: the organ is a township, town or street (…乡/镇/街道 + 人民政府/办事处…),
  whatever the region found;
- `province` / `city` / `county`: the organ is the government itself or its general office
  (人民政府, 政府, 人民政府办公室/办公厅, 政府办公室) and the deepest region found is that level;
- `department-of-province` / `-city` / `-county`: any other organ (a 局, 委员会, 厅, 管委会 …),
  at the deepest region found;
- null: the name carries no place cpca knows (新华街道办事处 names a street but not its county:
  township-street; 某局 gives null).

A region is kept only when the name of its deepest level appears in the agency name (cpca guesses
a province from a bare 县, which is not a place).

Limits: the division list is cpca 0.5.5's (early 2021), so places renamed later (襄都区, 2020 in
the list under its old name 桥东区) are not found; a county name shared by two provinces is not
resolved upwards. The parser keeps only the agency name of a page, so nothing else is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

LEVELS: tuple[str, ...] = (
    "province",
    "city",
    "county",
    "township-street",
    "department-of-province",
    "department-of-city",
    "department-of-county",
)

_TOWNSHIP = re.compile(r"(街道|镇|乡|苏木)(人民政府|政府|办事处|党工委|办)?$|街道办事处")
_GOVERNMENT = re.compile(r"^(人民政府|政府)?(办公室|办公厅|办)?$")
# cpca's placeholders for the city level of municipalities and province-administered counties
_NO_CITY = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Region:
    province: str | None
    city: str | None
    county: str | None
    division_code: str | None  # 6-digit 行政区划代码 of the deepest level found
    level: str | None  # one of LEVELS


NO_REGION = Region(None, None, None, None, None)


def _text(value: object) -> str | None:
    if value is None or pd.isna(value):  # cpca gives NaN where it found nothing
        return None
    text = str(value).strip()
    return text or None


_SUFFIX = re.compile(r"(省|市|自治区|特别行政区|壮族|回族|维吾尔)+$")


def _named_in(agency: str, place: str | None) -> bool:
    if place is None:
        return False
    short = _SUFFIX.sub("", place) if len(place) > 2 else place
    return place in agency or (len(short) >= 2 and short in agency)


_CACHE: dict[str, Region] = {}
_CACHE_LIMIT = 200_000


def region_of(agency: str | None) -> Region:
    """The region and level of an agency name."""
    return regions_of([agency])[0]


def regions_of(agencies: list[str | None]) -> list[Region]:
    """Regions of many agency names at once: cpca matches a whole batch in one call (~8 µs a
    name) where one call per name costs ~1 ms; names seen before come from a cache."""
    new = sorted({a for a in agencies if a and a not in _CACHE})
    if new:
        import cpca  # loads its division list on first use (~0.4 s)

        if len(_CACHE) + len(new) > _CACHE_LIMIT:
            _CACHE.clear()
        for agency, row in zip(new, cpca.transform(new).itertuples(index=False), strict=True):
            _CACHE[agency] = _region(agency, row)
    return [_CACHE[a] if a else NO_REGION for a in agencies]


def _region(agency: str, row: tuple) -> Region:
    # cpca's frame columns: 省, 市, 区, 地址, adcode
    province, city, county = _text(row[0]), _text(row[1]), _text(row[2])
    if city in _NO_CITY:
        city = None
    organ = _text(row[3]) or ""
    code = _text(row[4])
    if not _named_in(agency, county or city or province):
        # cpca guesses a province from a bare suffix (化隆县… → 重庆市 via its 县 placeholder);
        # a region is kept only when its deepest name stands in the agency name
        province = city = county = code = None
        organ = agency
    deepest = "county" if county else "city" if city else "province" if province else None
    if _TOWNSHIP.search(organ):
        level = "township-street"
    elif deepest is None:
        level = None
    elif _GOVERNMENT.match(organ):
        level = deepest
    else:
        level = f"department-of-{deepest}"
    return Region(province, city, county, code, level)
