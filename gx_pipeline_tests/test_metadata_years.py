"""The report year and agency of titles that hold two years: the report's year and the date it
was published (（2024年1月）XX局2023年度…, 2024年XX局关于2023年…的报告). The year nearest the
report's words is the report's; the date before the name is no part of it."""

from __future__ import annotations

import random

import pytest

from gx_pipeline.parsing import parse_bytes
from gx_pipeline_tests.test_parsing import _AGENCY_PAGE as _PAGE

_AGENCIES = (
    "南京市财政局",
    "汉中市统计局",
    "杭州市西湖区司法局",
    "长沙县农业农村局",
    "襄都区教育局",
)
_REPORT = ("政府信息公开工作年度报告", "政府信息公开工作情况的报告", "政务公开工作年度报告")

#: titles with the publication's year (and month) before the report's: {p} the year of
#: publication, {m} its month, {y} the report year, {a} the agency, {r} the report's words
_DATE_FIRST = (
    "（{p}年{m}月）{a}{y}年度{r}",
    "({p}年{m}月){a}{y}年{r}",
    "{p}年{m}月{a}关于{y}年度{r}",
    "{p}年{a}{y}年度{r}",
    "【{p}年{m}月】{a}{y}年{r}",
)


def _titles(n: int = 30):
    rng = random.Random(40)
    for _ in range(n):
        y = rng.randint(2019, 2024)
        form = rng.choice(_DATE_FIRST)
        agency = rng.choice(_AGENCIES)
        published = y + rng.choice((1, 2))
        r = rng.choice(_REPORT)
        yield form.format(p=published, m=rng.randint(1, 12), y=y, a=agency, r=r), y, agency


def _parsed(head: str, body: str = "工作有序推进。", sign: str = "", name: str = "t.txt"):
    """The parse of a text copy of a report: `head` its title lines, `body` its opening
    chapter's text, `sign` its sign-off."""
    return parse_bytes(_PAGE.format(head=head, body=body, sign=sign).encode(), name)


def _read(head: str, sign: str = "") -> tuple[int | None, str | None]:
    """The year and agency read from a page under `head` (its title lines)."""
    got = _parsed(head, sign=sign)
    return got.year, got.agency


@pytest.mark.parametrize(("title", "year", "agency"), list(_titles()))
def test_a_title_dated_before_its_name_gives_the_report_year_and_the_agency(title, year, agency):
    # the first year of the title was taken for the report's (2024 for a 2023 report, with no
    # flag), and the date run into the name left the agency unread
    assert _read(title) == (year, agency)


@pytest.mark.parametrize("seed", range(20))
def test_a_year_typed_with_the_letter_o_is_the_year(seed):
    # 2O23年 (a letter O, half or full width, for a zero): the title was not read as one, and
    # with no other statement of the year the report had none
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    written = "".join(rng.choice("OＯ") if c == "0" else c for c in str(year))
    assert _read(f"{agency}{written}年{rng.choice(_REPORT)}") == (year, agency)


@pytest.mark.parametrize("seed", range(20))
def test_a_title_with_the_agency_on_the_line_below_names_it(seed):
    # a heading of the year and the report's words, the agency as a subtitle under it: the
    # agency was left unread (only a line above the title was looked at)
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    sign = rng.choice(("", f"{year + 1}年1月{rng.randint(10, 31)}日"))
    assert _read(f"{year}年{rng.choice(_REPORT)}\n{agency}", sign) == (year, agency)


@pytest.mark.parametrize("seed", range(24))
def test_a_title_naming_a_span_of_years_is_read_as_its_last_and_flagged(seed):
    # XX局2022—2023年…报告: a report over two years, or a title that miswrote its year; the
    # later year was taken with no word that the title names two
    rng = random.Random(seed)
    year = rng.randint(2020, 2024)
    agency = rng.choice(_AGENCIES)
    first = rng.choice((f"{year - 1}", f"{year - 1}年", f"{year - 1}年度"))
    span = (
        first + rng.choice(("-", "—", "–", "~", "至", "到")) + f"{year}年" + rng.choice(("", "度"))
    )
    page = _PAGE.format(head=f"{agency}{span}{rng.choice(_REPORT)}", body="工作有序推进。", sign="")
    got = parse_bytes(page.encode(), "span.txt")
    assert (got.year, got.agency) == (year, agency)
    assert "metadata_guessed" in got.flags
    assert any(p.startswith("meta.year: the title names the span") for p in got.problems)


@pytest.mark.parametrize("seed", range(24))
def test_a_title_with_the_report_year_in_brackets_after_another_year_is_flagged(seed):
    # XX局2024年政府信息公开工作年度报告（2023年度）: the year before the report's words (the
    # year it was written) was taken with no flag, the report year in brackets passed over
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    bracket = rng.choice(("（{}年度）", "({}年度)", "（{}年）"))
    title = f"{agency}{year + 1}年{rng.choice(_REPORT)}{bracket.format(year)}"
    _assert_bracketed(title, year, agency, year + 1)


def _assert_bracketed(title: str, year: int, agency: str, first: int) -> None:
    """`title` read as `agency`'s report of `year`, flagged with a line naming the title's
    year before its words (`first`)."""
    page = _PAGE.format(head=title, body="工作有序推进。", sign="")
    got = parse_bytes(page.encode(), "bracket.txt")
    assert (got.year, got.agency) == (year, agency)
    assert any(p.startswith(f"meta.year: the title names {first} ") for p in got.problems)
    assert "metadata_guessed" in got.flags


@pytest.mark.parametrize("seed", range(24))
def test_a_list_of_other_years_reports_before_a_title_without_a_year_gives_no_year(seed):
    # a sidebar of the agency's reports of other years above the article, whose own title
    # names no year: the nearest entry's year was taken for the report's, with no flag
    rng = random.Random(seed)
    year, agency = rng.randint(2021, 2024), rng.choice(_AGENCIES)
    report = rng.choice(_REPORT)
    entries = [f"{agency}{year - d}年{report}" for d in range(1, rng.randint(3, 4))]
    opening = rng.choice((f"{year}年，{agency}认真贯彻落实《条例》。", "工作有序推进。"))
    head = "\n".join([*rng.sample(entries, len(entries)), f"{agency}{report}"])
    got = _parsed(head, opening, "", "list.txt")
    if opening.startswith(str(year)):
        assert got.year == year
    else:
        assert got.year is None or "metadata_guessed" in got.flags, (got.year, got.problems)


@pytest.mark.parametrize("seed", range(24))
def test_a_list_of_reports_before_a_title_without_a_year_gives_no_other_year(seed):
    # with the list's entries passed over and no sentence stating the year, the year the text
    # mentions most was taken: a year of the list (its entries are the text's only years), wrong
    # with only a flag. The list may hold the report's own title too (the current entry)
    rng = random.Random(seed)
    year, agency = rng.randint(2021, 2024), rng.choice(_AGENCIES)
    report = rng.choice(_REPORT)
    years = [year - d for d in range(rng.randint(0, 1), rng.randint(3, 4))]
    entries = [f"{agency}{y}年{report}" for y in rng.sample(years, len(years))]
    published = rng.choice(("", f"发布时间：{year + 1}-01-{rng.randint(10, 31)}"))
    head = "\n".join([*entries, f"{agency}{report}", published])
    got = _parsed(head, "工作有序推进。", "", "list.txt")
    assert got.year in (None, year), (years, got.year, got.problems)
    assert "metadata_guessed" in got.flags or "metadata_missing" in got.flags


#: titles naming the report year {y} and, nearer the report's words, a later date {n}年{m}月
#: (the month the report was written, the day its figures run to): {a} the agency, {r} words
_DATE_INSIDE = (
    "{a}{y}年度暨{n}年{m}月{r}",
    "{a}{y}年及{n}年{m}月{r}",
    "{a}关于{y}年度（截至{n}年{m}月）{r}",
    "{a}{y}年度{n}年{m}月编制{r}",
)


@pytest.mark.parametrize("seed", range(24))
def test_a_year_with_a_month_nearer_the_words_is_a_date_not_the_report_year(seed):
    # the year nearest the report's words was taken even where a month follows it (2024年1月):
    # a date, not a year's report; the 2023 report was filed under 2024
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    title = rng.choice(_DATE_INSIDE).format(
        a=agency, y=year, n=year + 1, m=rng.randint(1, 3), r=rng.choice(_REPORT)
    )
    assert _read(title) == (year, agency)


@pytest.mark.parametrize("seed", range(24))
def test_a_plans_span_between_the_report_year_and_its_words_is_no_span_of_the_report(seed):
    # XX局2023年度落实2021—2025年政务公开规划暨…报告: the span of a five-year plan stands
    # nearer the words than the report's year; its last year was taken, flagged as a span
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    first, last = rng.choice(((2016, 2020), (2021, 2025)))
    sep = rng.choice(("—", "-", "至", "年至", "年—"))
    plan = rng.choice(("政务公开规划暨", "“十四五”规划实施暨", "政务公开工作规划的"))
    words = rng.choice(("政府信息公开工作年度报告", "政府信息公开工作情况的报告"))
    title = f"{agency}{year}年{rng.choice(('', '度'))}落实{first}{sep}{last}年{plan}{words}"
    got = _parsed(title, "工作有序推进。", "", "p.txt")
    assert (got.year, got.agency) == (year, agency), (title, got.problems)
    assert not any("the title names the span" in p for p in got.problems)


@pytest.mark.parametrize("seed", range(24))
def test_a_years_report_with_a_bare_year_in_brackets_after_it_keeps_its_year(seed):
    # XX局2023年度…年度报告（2024年）: the title says 2023年度, the bracket a bare year (the
    # year it was published); the bracketed year was taken, a 2023 report filed under 2024
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    bracket = rng.choice(("（{}年）", "({}年)"))
    title = f"{agency}{year}年度{rng.choice(_REPORT)}{bracket.format(year + 1)}"
    _assert_bracketed(title, year, agency, year)


@pytest.mark.parametrize("seed", range(24))
def test_a_title_naming_no_year_in_the_words_of_政务公开_names_its_agency(seed):
    # XX局政务公开工作年度报告: only titles in the words of 信息公开 were read for a name when
    # they name no year; with a list of the agency's other years' reports above it (passed over)
    # or none, nothing named the agency
    rng = random.Random(seed)
    year, agency = rng.randint(2021, 2024), rng.choice(_AGENCIES)
    words = rng.choice(("政务公开工作年度报告", "政务公开年度报告", "政务公开工作年报"))
    entries = [f"{agency}{year - d}年{words}" for d in range(1, rng.randint(1, 3))]
    assert _read("\n".join([*entries, f"{agency}{words}"]))[1] == agency


#: sentences of a report that cite the year before's report or compare with that year: the year
#: they name is not the report's ({a} the agency, {p} the year before)
_CITING = (
    "与《{a}{p}年政府信息公开工作年度报告》相比，主动公开信息数量有所增加。",
    "对照《{a}{p}年政府信息公开工作年度报告》中提出的问题，逐项整改落实。",
    "现将《{a}{p}年度政府信息公开工作年度报告》所列问题整改情况报告如下：",
    "与{a}{p}年政府信息公开工作年度报告相比，依申请公开数量有所下降",
    "针对《{a}{p}年政务公开工作年度报告》提出的问题，本年度逐项整改",
)
#: where the report's own year is stated, or nothing states it ({y} the year)
_OWN_YEAR = (
    "本报告统计期限为{y}年1月1日至{y}年12月31日。",
    "{y}年，{a}认真贯彻落实《条例》。",
    "",
)


@pytest.mark.parametrize("seed", range(30))
def test_a_yearless_title_citing_the_year_befores_report_gives_no_year_of_it(seed):
    # XX局政府信息公开工作年度报告 (no year), whose opening cites 《XX局2022年…年度报告》 to
    # compare with it: the cited title was read as the report's own, its year taken with no
    # flag (a 2023 report filed under 2022), even beside a sentence stating 2023
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    a = rng.choice((agency, agency[:3]))
    cite = rng.choice(_CITING).format(a=a, p=year - 1)
    own = rng.choice(_OWN_YEAR).format(a=agency, y=year)
    sign = rng.choice(("", f"{agency}\n{year + 1}年{rng.randint(1, 3)}月{rng.randint(10, 28)}日"))
    lines = [cite, own] if rng.random() < 0.5 else [own, cite]
    head = agency + rng.choice(("政府信息公开工作年度报告", "政务公开工作年度报告"))
    body = "\n".join(t for t in lines if t)
    got = _parsed(head, body, sign, "cite.txt")
    if own or sign:
        # stated in a sentence of its own, or a publication in January–March of year + 1
        assert got.year == year, (cite, own, sign, got.problems)
    else:
        # no statement of the year: withheld, not the cited one (the text names no other)
        assert got.year is None and "metadata_missing" in got.flags, (cite, got.problems)


#: names of bodies that hold a year: an event's and those set up for one or for a census
_YEAR_NAMES = (
    "杭州2022年亚运会组委会",
    "北京2022年冬奥会和冬残奥会组织委员会",
    "2023年全运会筹备工作指挥部",
    "成都2021年大运会执委会",
)


@pytest.mark.parametrize("seed", range(30))
def test_a_year_in_the_agencys_name_is_never_the_report_year(seed):
    # 杭州2022年亚运会组委会政府信息公开工作年度报告: the year inside the name, right before
    # the report's words, was read as the report year (2022 for a 2021 report, no flag) and
    # the words before it (杭州) as the agency
    rng = random.Random(seed)
    year, name = rng.randint(2019, 2024), rng.choice(_YEAR_NAMES)
    words = rng.choice(_REPORT)
    head, body = rng.choice(
        (
            (f"{name}{words}", f"本报告统计期限为{year}年1月1日至{year}年12月31日。"),
            (f"{name}{year}年{words}", "工作有序推进。"),
            (f"{name}{words}", f"{year}年，工作有序推进。"),
            (f"{name}{words}", "工作有序推进。"),
        )
    )
    got = _parsed(head, body, "", "named.txt")
    stated = str(year) in head + body
    assert got.year == (year if stated else None), (head, body, got.problems)
    assert got.agency in (None, name), (head, got.agency)


#: sentences of a report that name its own title (the page's title naming no year), with words
#: of citing beside it that govern something else: 所列数据 (its own data), 对照《条例》 (another
#: document), 对照 a standard in the clause before the title ({a} the agency, {y} the year)
_OWN_TITLE = (
    "《{a}{y}年政府信息公开工作年度报告》所列数据的统计期限自{y}年1月1日起至12月31日止。",
    "《{a}{y}年度政府信息公开工作年度报告》中所列数据统计期限为{y}年1月1日至12月31日。",
    "《{a}{y}年度政务公开工作年度报告》中所列数据统计期限为{y}年1月1日至12月31日。",
    "本局对照《条例》要求编制了《{a}{y}年度政府信息公开工作年度报告》。",
    "依照《条例》对照上级标准编制《{a}{y}年政府信息公开工作年度报告》，现予公布。",
    "针对社会关切，现发布《{a}{y}年政府信息公开工作年度报告》。",
)


@pytest.mark.parametrize("seed", range(24))
def test_a_report_naming_its_own_title_beside_words_of_citing_keeps_its_year(seed):
    # 《XX局2023年…年度报告》所列数据的统计期限…: the report's own title, in the clause of its
    # own data (所列数据), or after 对照 governing 《条例》 or a standard, read as a title cited
    # from the year before: its year dropped, the report's year withheld
    rng = random.Random(seed)
    year, agency = rng.randint(2019, 2024), rng.choice(_AGENCIES)
    own = _OWN_TITLE[seed % len(_OWN_TITLE)].format(a=agency, y=year)
    head = agency + rng.choice(("政府信息公开工作年度报告", "政务公开工作年度报告"))
    got = _parsed(head, own, "", "own.txt")
    assert got.year == year, (own, got.problems)
