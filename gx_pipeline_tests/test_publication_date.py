"""The publication date against the report year: a date that cannot be the report's is flagged,
and a date the page writes that is no date is named, on generated pages of every style."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from gx_pipeline.pagegen import page_for
from gx_pipeline.parsing import parse_bytes
from gx_pipeline.parsing.metadata import _dated_lines
from gx_pipeline.parsing.problems import DATE_CONTRADICTS_YEAR


def _pages_with_dates(n: int = 40):
    """Generated web pages whose year and date the parser reads as the truth says, without a
    guess about the year."""
    for index in range(n):
        page = page_for(11, index)
        truth = page.truth
        if page.ext != ".html" or truth.published is None or truth.year is None:
            continue
        report = parse_bytes(page.data, page.filename)
        if report.year != truth.year or report.published != truth.published:
            continue
        if "metadata_guessed" in report.flags:
            continue
        yield page, report


def _redated(page, written: str) -> bytes:
    """The page with its publication date (ISO in the chrome, Chinese in the sign-off) written
    as `written` (y, m, d in both forms)."""
    d = dt.date.fromisoformat(page.truth.published)
    y, m, day = written.split("-")
    text = page.data.decode("utf-8")
    text = text.replace(d.isoformat(), f"{y}-{m}-{day}")
    text = text.replace(f"{d.year}年{d.month}月{d.day}日", f"{y}年{int(m)}月{int(day)}日")
    return text.encode("utf-8")


def _utf8(pages):
    for page, report in pages:
        try:
            page.data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        yield page, report


def test_a_date_before_the_report_year_ended_flags_the_report_and_keeps_its_year() -> None:
    checked = 0
    for page, before in _utf8(_pages_with_dates()):
        year = before.year
        for date in (f"{year}-06-03", f"{year - 1}-03-03", f"{year}-12-31"):
            report = parse_bytes(_redated(page, date), page.filename)
            if report.published != date:
                continue
            assert report.year == year, (page.name, date)
            assert DATE_CONTRADICTS_YEAR in report.flags, (page.name, date, report.problems)
            line = next(p for p in report.problems if "before the report year" in p)
            assert str(year) in line and date in line, line
            checked += 1
        # published in the next year (normal) or years later (a re-publication): no such flag
        for date in (f"{year + 1}-02-10", f"{year + 3}-05-01"):
            report = parse_bytes(_redated(page, date), page.filename)
            assert DATE_CONTRADICTS_YEAR not in report.flags, (page.name, date)
    assert checked >= 20


@pytest.mark.parametrize("written", ["13-03", "02-30", "00-10"])
def test_a_date_that_is_no_date_is_named_not_missing(written: str) -> None:
    checked = 0
    for page, before in _utf8(_pages_with_dates(20)):
        y = before.year + 1
        report = parse_bytes(_redated(page, f"{y}-{written}"), page.filename)
        if report.published is not None:
            continue  # another date on the page
        m, d = (int(x) for x in written.split("-"))
        assert "meta.published: no publication date on the page" not in report.problems
        line = next(p for p in report.problems if p.startswith("meta.published"))
        assert "is no date" in line and (f"{y}年{m}月{d}日" in line or f"{y}-{written}" in line)
        checked += 1
    assert checked >= 5


def _chrome_and_date_lines(rng: random.Random) -> list[str]:
    """Normalised lines of a page's head: menu and link lines, table cells, dates standing
    alone, labelled dates (the label's word anywhere, a date at the line's start or end), empty
    lines, a year at the start of the first line and at the very end of the last."""
    pieces = [
        "首页", "政务公开", "2023", "20", "12", "发布时间:", "发布日期:2022-03-01", "来源:本网",
        "2021年1月5日", "更新时间2020-01-21", "日期", "时间", "发布于", "发稿", "", "浏览次数:",
        "信息公开年报", "0", "2022-01-26", "x20", "(20", "【发布时间】2024-01-26", "第20页",
    ]  # fmt: skip
    lines = []
    for _ in range(rng.randint(0, 40)):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
        lines.append(line)
    return lines


def test_the_lines_read_for_a_date_are_every_line_that_may_hold_one() -> None:
    """The lines the date reader looks at are found in one search of the head's lines joined:
    none it passed over holds a label's word or opens with a year."""
    rng = random.Random("dated-lines")
    for _ in range(400):
        head = _chrome_and_date_lines(rng)
        expected = [
            k
            for k, n in enumerate(head)
            if n.startswith("20") or any(w in n for w in ("日期", "时间", "发布于", "发稿"))
        ]
        assert _dated_lines(head) == expected, head


#: labels of a date that is not the page's publication: the clock a portal shows (当前时间, 今天),
#: when the page was printed or viewed, when a rule takes effect or a record was made
_OTHER_DATE_LABELS = ("当前时间", "打印日期", "打印时间", "浏览时间", "访问时间", "生效日期", "登记日期",
                      "实施日期", "施行日期", "截止时间", "系统时间")  # fmt: skip


@pytest.mark.parametrize("seed", range(24))
def test_a_date_under_another_label_is_not_the_publication_date(seed: int) -> None:
    # the plain label 时间 or 日期 was read inside 当前时间, 打印日期…: the portal's clock or
    # the print date (years after the report) was taken for its publication, unflagged
    rng = random.Random(seed)
    year = rng.randint(2019, 2024)
    agency = rng.choice(("南京市财政局", "汉中市统计局", "杭州市西湖区司法局"))
    label = rng.choice(_OTHER_DATE_LABELS)
    other = f"{rng.randint(year + 1, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    got, expected = _parsed_under(
        rng, f"{label}{rng.choice(('：', ':', '】'))}{other}", agency, year
    )
    assert (got.year, got.published) == (year, expected)


def _parsed_under(rng: random.Random, line: str, agency: str, year: int):
    """The text copy of `agency`'s report of `year` under the chrome's `line`, signed with a
    date in January of year + 1 or with none, parsed; and that date (ISO) or None."""
    signed = rng.choice((f"{year + 1}年1月{rng.randint(10, 31)}日", ""))
    page = (
        f"{line}\n{agency}{year}年政府信息公开工作年度报告\n"
        f"一、总体情况\n{year}年，工作有序推进。\n二、主动公开政府信息情况\n"
        "第二十条第（一）项 | | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        f"规章 | 0 | 0 | 0 |\n{agency}\n{signed}\n"
    )
    got = parse_bytes(page.encode(), "clock.txt")
    expected = None
    if signed:
        expected = f"{year + 1}-01-{int(signed.split('月')[1][:-1]):02d}"
    return got, expected


#: what a portal writes after its clock under a plain label (时间：2026-12-07 天气：晴)
_CLOCK_TAILS = (" 天气：晴", " 星期一", " 15:00:00", " 多云 12℃", "")


@pytest.mark.parametrize("seed", range(24))
def test_a_plain_label_date_years_after_the_stated_year_is_no_publication_date(seed: int) -> None:
    # a portal's clock under a plain 时间： (no other word before it) dates the day the page was
    # fetched: years after the report its title states, it was taken for the publication date
    # with only a problem line. A date a year or more after year + 1 is no report's
    rng = random.Random(seed)
    year = rng.randint(2019, 2023)
    agency = rng.choice(("南京市财政局", "汉中市统计局", "杭州市西湖区司法局"))
    clock = dt.date(rng.randint(year + 2, 2026), rng.randint(1, 12), rng.randint(1, 28))
    written = rng.choice((clock.isoformat(), f"{clock.year}年{clock.month}月{clock.day}日"))
    line = f"{rng.choice(('时间', '日期'))}：{written}{rng.choice(_CLOCK_TAILS)}"
    got, expected = _parsed_under(rng, line, agency, year)
    assert (got.year, got.published) == (year, expected)
    if expected is None:
        assert any(clock.isoformat() in p for p in got.problems), got.problems


@pytest.mark.parametrize("month", ["03-05", "12-30"])
def test_a_labelled_date_late_in_the_year_after_is_still_the_publication_date(month: str) -> None:
    # a report published late in year + 1 under a plain label, or re-posted years later under
    # 发布时间, keeps its date: only a plain label's date far off is withheld
    for label, year in (("时间", 2022), ("日期", 2021), ("发布时间", 2019)):
        date = f"{year + 1 if label != '发布时间' else year + 5}-{month}"
        page = (
            f"{label}：{date}\n南京市财政局{year}年政府信息公开工作年度报告\n一、总体情况\n"
            f"{year}年，工作有序推进。\n二、主动公开政府信息情况\n"
            "第二十条第（一）项 | | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "规章 | 0 | 0 | 0 |\n"
        )
        got = parse_bytes(page.encode(), "late.txt")
        assert (got.year, got.published) == (year, date)


#: metadata labels whose value a portal runs into the next label, no space between
#: (来源：本站时间：2024-01-20, 作者：张三日期：…): spans joined when the page's text is read
_RUN_INTO = (
    "来源：本站",
    "来源：{a}",
    "信息来源：办公室",
    "作者：张三",
    "发布机构：{a}",
    "编辑：李四",
)


@pytest.mark.parametrize("seed", range(24))
def test_a_plain_label_run_into_another_labels_value_dates_the_page(seed: int) -> None:
    # the plain label after a Chinese character was read as part of another word (当前时间):
    # the page's only date, after 来源：XX局, was lost
    rng = random.Random(seed)
    year = rng.randint(2019, 2024)
    agency = rng.choice(("南京市财政局", "汉中市统计局", "杭州市西湖区司法局"))
    date = dt.date(year + 1, 1, rng.randint(10, 31))
    written = rng.choice((date.isoformat(), f"{date.year}年{date.month}月{date.day}日"))
    line = rng.choice(_RUN_INTO).format(a=agency) + rng.choice(("时间", "日期")) + f"：{written}"
    page = (
        f"{line}\n{agency}{year}年政府信息公开工作年度报告\n一、总体情况\n"
        f"{year}年，工作有序推进。\n二、主动公开政府信息情况\n"
        "第二十条第（一）项 | | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "规章 | 0 | 0 | 0 |\n"
    )
    got = parse_bytes(page.encode(), "runon.txt")
    assert (got.year, got.published) == (year, date.isoformat()), line
    # another label run in so (来源：本站当前时间：…) is still no publication date
    clock = page.replace(line, line.replace("时间：", "当前时间：").replace("日期：", "打印日期："))
    assert parse_bytes(clock.encode(), "runon.txt").published is None


#: a portal's clock as it writes the day under a plain label: the weekday or the weather after it
_CLOCK_SHAPES = (
    "时间：{y}年{m}月{d}日 星期{w}",
    "日期：{y}-{m:02d}-{d:02d} 星期{w}",
    "时间：{y}-{m:02d}-{d:02d} 天气：晴",
    "日期：{y}年{m}月{d}日 周{w} 多云 12℃",
    "今天是{y}年{m}月{d}日 星期{w}",
    "当前时间：{y}-{m:02d}-{d:02d} 10:21:33",
    "打印日期：{y}-{m:02d}-{d:02d}",
)


@pytest.mark.parametrize("seed", range(30))
def test_a_portals_clock_in_the_year_after_is_no_publication_date(seed: int) -> None:
    # 时间：2024年3月5日 星期二 above a 2023 report: a plain label's date in the year after the
    # report year was taken for its publication (only a clock years later was passed over),
    # with no word of doubt; the article's own 发布日期 beside it lost to it when ranked equal
    rng = random.Random(seed)
    year = rng.randint(2019, 2024)
    agency = rng.choice(("南京市财政局", "汉中市统计局", "杭州市西湖区司法局"))
    clock = rng.choice(_CLOCK_SHAPES).format(
        y=year + 1, m=rng.randint(1, 12), d=rng.randint(1, 28), w=rng.choice("一二三四五六日")
    )
    own = dt.date(year + 1, 1, rng.randint(10, 31)).isoformat()
    info = rng.choice((f"发布日期：{own}", f"来源：{agency} 发布时间：{own} 浏览次数：88", ""))
    lines = [clock, info] if rng.random() < 0.5 else [info, clock]
    got, expected = _parsed_under(rng, "\n".join(t for t in lines if t), agency, year)
    assert got.year == year
    assert got.published == (own if info else expected), (clock, info, got.published)


#: an article's own date line under a plain label, the weekday after the date as some portals
#: print it, with the article's other fields on the line: {p} the date, {w} a weekday, {a} the
#: agency
_DATED_ARTICLE_LINES = (
    "日期：{p} 星期{w}  来源：{a}",
    "时间：{p} 周{w} 阅读次数：300",
    "来源：{a} 日期：{p} 星期{w} 浏览次数：88",
    "作者：办公室 时间：{p} 星期{w}",
)


@pytest.mark.parametrize("seed", range(24))
def test_a_weekday_on_the_articles_own_date_line_keeps_its_date(seed: int) -> None:
    # 日期：2024-01-15 星期一  来源：XX局: the article's date line, which names its source or its
    # readers beside the weekday, was passed over as a portal's clock and the page lost its
    # publication date (a clock stands alone or beside the weather, never beside a source)
    rng = random.Random(seed)
    year = rng.randint(2019, 2024)
    agency = rng.choice(("南京市财政局", "汉中市统计局", "杭州市西湖区司法局"))
    own = dt.date(year + 1, rng.randint(1, 3), rng.randint(10, 28)).isoformat()
    line = _DATED_ARTICLE_LINES[seed % len(_DATED_ARTICLE_LINES)].format(
        p=own, w=rng.choice("一二三四五六日"), a=agency
    )
    got, _ = _parsed_under(rng, line, agency, year)
    assert got.year == year
    assert got.published == own, (line, got.problems)
