"""The same agencies over consecutive years: generated report pages whose truth says which
agency each one is and which quality flags it must raise.

Each series is one agency's reports of several years, drawn so that the carry chain holds (上年
结转 of a year is the 结转下年度继续办理 of the year before) unless a year breaks it on purpose,
with narrative of the agency's own words and the figures its tables hold. A year may instead
copy the previous year's narrative, repeat its tables, be published late or without a date,
state a figure its table contradicts, name the agency by its short name (洪桥镇) or not at all
(我局), or name a place renamed since (邢台市桥东区 → 襄都区, 任县 → 任泽区). The truth sidecar of
each page has, beside the contract's report, a `series` record: the agency's expected key
(dim_agency.agency_id), how the page is matched to it (dim_report.agency_match) and every flag
(report_flags.flag and subject) the page must raise.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from gx_pipeline import contract
from gx_pipeline.pagegen.layout import (
    Document,
    LayoutOptions,
    Para,
    Table,
    ValueFormat,
    keyed_cells,
    section_tables,
)
from gx_pipeline.pagegen.metadata import PageMeta
from gx_pipeline.pagegen.render_html import body_html
from gx_pipeline.pagegen.render_text import pipe_rows
from gx_pipeline.pagegen.truth import Truth, TruthCell
from gx_pipeline.pagegen.values import Values, failing_identities, generate

_COLS = contract.APPLICANT_COLUMNS


@dataclass(frozen=True)
class Year:
    """One report of a series and what is done to it."""

    year: int
    #: the agency as the page names it; None: only 我局 (no name anywhere)
    name: str | None
    style: str = "html"  # html | pipe
    #: days after 1 January of the next year; None: no date on the page
    published_day: int | None = 15
    copy_text: bool = False  # sections 一, 五, 六 as the previous year's
    repeat_figures: bool = False  # every table as the previous year's
    #: added to 上年结转 (natural persons and 总计): the carry chain breaks
    chain_break: int = 0
    #: figure -> what the narrative adds to the table's number (new_received, reviews)
    misstate: dict[str, int] = field(default_factory=dict)
    canonical: bool = True  # <link rel=canonical> on the series' host
    site_code: bool = True  # the footer's 网站标识码
    #: how the page must be matched to its agency (dim_report.agency_match)
    match: str = "name"
    #: the name in the title and the site's chrome, when shorter than the sign-off's
    title_name: str | None = None
    #: `name` is the organ's kind alone (统计局): which county's it is the page does not say,
    #: so the report names no agency (the truth's agency is None) and the site keys it
    kind_only: bool = False


@dataclass(frozen=True)
class Series:
    slug: str
    key: str  # the expected dim_agency.agency_id
    short: str  # how the narrative calls the agency
    host: str
    site_code: str
    site_name: str
    years: tuple[Year, ...]


SERIES: tuple[Series, ...] = (
    Series(
        "hongqiao",
        "330326:洪桥镇",
        "洪桥镇",
        "www.pingyang.gov.cn",
        "3303260001",
        "平阳县人民政府",
        (
            Year(2019, "平阳县洪桥镇人民政府"),
            Year(2020, "平阳县洪桥镇人民政府"),
            # the short name only, on the county site, which its other years' pages give the
            # place of (no 网站标识码 on this page)
            Year(2021, "洪桥镇", site_code=False, match="site"),
            Year(2022, "平阳县洪桥镇人民政府", copy_text=True),
            Year(2023, "平阳县洪桥镇人民政府", published_day=74, misstate={"new_received": 3}),
            Year(2024, "平阳县洪桥镇人民政府", chain_break=2),
        ),
    ),
    Series(
        "xiangdu-stats",
        "130502:统计局",
        "区统计局",
        "www.xiangdu.gov.cn",
        "1305020001",
        "邢台市襄都区人民政府",
        (
            Year(2019, "邢台市桥东区统计局"),  # 襄都区 since 2020, the same code 130502
            Year(2020, "邢台市襄都区统计局"),
            Year(2021, "襄都区统计局"),
            Year(2022, "襄都区统计局", repeat_figures=True),
            # 我局 only: the one agency its site publishes, in a year it has no other report
            Year(2023, None, site_code=False, match="site_year"),
        ),
    ),
    Series(
        "xinhua-tongzhou",
        "110112:新华街道",
        "新华街道",
        "xhjd.bjtzh.gov.cn",
        "1101120002",
        "北京市通州区人民政府",
        (
            Year(2019, "北京市通州区新华街道办事处", title_name="新华街道办事处"),
            Year(2021, "北京市通州区新华街道办事处", title_name="新华街道办事处"),
            Year(2022, "北京市通州区新华街道办事处", title_name="新华街道办事处"),
        ),
    ),
    Series(
        "xinhua-hetang",
        "430202:新华街道",
        "新华街道",
        "www.hetang.gov.cn",
        "4302020001",
        "株洲市荷塘区人民政府",
        (
            Year(2019, "荷塘区新华街道办事处", title_name="新华街道办事处"),
            Year(2021, "荷塘区新华街道办事处", title_name="新华街道办事处"),
            Year(
                2022,
                "荷塘区新华街道办事处",
                title_name="新华街道办事处",
                misstate={"reviews": 1},
            ),
        ),
    ),
    Series(
        "renze-civil",
        "130505:民政局",
        "区民政局",
        "",
        "",
        "",
        (
            # 任县 (130526) is 任泽区 (130505) since 2020: a text copy without site
            Year(2019, "任县民政局", style="pipe"),
            Year(2020, "任泽区民政局", style="pipe", published_day=None),
        ),
    ),
    Series(
        "ningqiang-stats",
        "610726:统计局",
        "县统计局",
        "tjj.ningqiang.gov.cn",
        "6107260001",
        "宁强县人民政府",
        (
            # the bare organ, no agency: the one agency the site publishes
            Year(2023, "统计局", canonical=False, match="site_year", kind_only=True),
            Year(2024, "宁强县统计局", canonical=False),
        ),
    ),
)

#: the agency's own sentences: a year's narrative picks some of them ({a}: how it calls itself)
_OWN = (
    "{a}把政务公开纳入年度重点工作，主要负责同志专题研究部署政务公开工作两次",
    "{a}依托门户网站政务公开专栏，及时发布惠民惠农政策和项目资金信息",
    "{a}围绕乡村振兴和民生实事，细化公开目录，逐项明确公开责任人",
    "{a}坚持“谁制作谁公开、谁公开谁审查”原则，信息发布前均经保密审查",
    "{a}在便民服务中心设置政府信息查阅点，方便群众就近查阅",
    "{a}对群众关注的征地拆迁、低保救助等事项实行全过程公开",
    "{a}组织工作人员参加政务公开业务培训，提升依申请公开办理能力",
    "{a}通过公开栏、微信群等渠道，将政策文件送到群众身边",
    "{a}建立政策解读与文件同步起草、同步审签、同步发布机制",
    "{a}定期清理过时信息，确保公开内容准确、有效",
    "{a}加强政务新媒体管理，做到内容更新及时、留言回复规范",
    "{a}将依申请公开答复文书统一规范格式，做到依法依规答复",
)
_PROBLEMS = (
    "{a}政务公开工作还存在公开内容不够细化、政策解读形式较为单一等问题",
    "{a}部分工作人员对新修订的《条例》理解还不够深入",
    "{a}信息公开的及时性和规范性仍有提升空间",
    "{a}将进一步健全工作机制，加大业务培训力度，推动政务公开提质增效",
)
_OTHER = (
    "{a}本年度未收取信息处理费",
    "{a}本年度无其他需要报告的事项",
    "{a}本年度政务公开工作年度考核结果为良好",
)


def template_for(year: int) -> str:
    return "2019" if year < 2021 else "2021"


def _values(rng: random.Random, template: str, carried: dict[str, int] | None) -> Values:
    """A report's values with 上年结转 = `carried` (last year's 结转下年度继续办理), every
    identity holding."""
    out = generate(rng, template)
    if carried is None:
        return out
    for col in _COLS:
        _carry_over(out, col, carried[col])
    _row_totals(out, template)
    return out


def _carry_over(out: Values, col: str, over: int) -> None:
    """上年结转 of column `col` set to `over`, 本年新收 keeping the balance (granted more where it
    would go negative, so that no count is negative)."""
    forward = int(out[("requests", "carried_forward", col)] or 0)
    results = int(out[("requests", "results_total", col)] or 0)
    if results + forward < over:
        extra = over - results - forward
        out[("requests", "granted", col)] = int(out[("requests", "granted", col)] or 0) + extra
        out[("requests", "results_total", col)] = results + extra
        results += extra
    out[("requests", "carried_over", col)] = over
    out[("requests", "new_received", col)] = results + forward - over


def _row_totals(out: Values, template: str) -> None:
    for r in contract.rows(template, "requests"):
        out[("requests", r.code, "total")] = sum(
            int(out[("requests", r.code, c)] or 0) for c in _COLS
        )


def _forward(values: Values) -> dict[str, int]:
    return {c: int(values[("requests", "carried_forward", c)] or 0) for c in _COLS}


def _narrative(rng: random.Random, short: str) -> dict[str, list[str]]:
    def pick(pool: tuple[str, ...], k: int) -> list[str]:
        return [s.format(a=short) + "。" for s in rng.sample(pool, k)]

    return {"一": pick(_OWN, 4), "五": pick(_PROBLEMS, 2), "六": pick(_OTHER, 1)}


def _document(
    meta: PageMeta,
    tables: dict[str, list[Table]],
    values: Values,
    own: dict[str, list[str]],
    stated: dict[str, int],
) -> Document:
    """The pagegen document with the series' own narrative and the figures it states."""
    blocks: list = [Para(meta.title, "title")]
    opening = (
        f"{meta.year}年，{meta.agency or '我局'}认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "现将本年度政府信息公开工作情况报告如下："
    )
    blocks.append(Para(opening))
    blocks.append(Para("一、总体情况", "heading"))
    blocks += [Para(s) for s in own["一"]]
    for section, heading in (
        ("proactive", "二、主动公开政府信息情况"),
        ("requests", "三、收到和处理政府信息公开申请情况"),
        ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
    ):
        blocks.append(Para(heading, "heading"))
        if section == "requests":
            blocks.append(
                Para(
                    f"本年度共收到政府信息公开申请{stated['new_received']}件，"
                    f"上年结转{stated['carried_over']}件。"
                )
            )
        if section == "appeals":
            blocks.append(
                Para(
                    f"本年度被申请行政复议{stated['reviews']}件，"
                    f"提起行政诉讼{stated['lawsuits']}件。"
                )
            )
        blocks.extend(tables[section])
    blocks.append(Para("五、存在的主要问题及改进情况", "heading"))
    blocks += [Para(s) for s in own["五"]]
    blocks.append(Para("六、其他需要报告的事项", "heading"))
    blocks += [Para(s) for s in own["六"]]
    if meta.agency:
        blocks.append(Para(meta.agency, "signoff"))
    return Document(meta, tuple(blocks))


def _html(doc: Document, series: Series, year: Year) -> str:
    m = doc.meta
    canonical = (
        f'<link rel="canonical" href="https://{series.host}/art/{m.year + 1}/1/'
        f'{year.year % 100}/art_{zlib.crc32(series.slug.encode()) % 9000 + 1000}.html">\n'
        if year.canonical and series.host
        else ""
    )
    date = f"发布时间：{m.published.isoformat()} &nbsp; " if year.published_day is not None else ""
    code = f" &nbsp; 网站标识码：{series.site_code}" if year.site_code and series.site_code else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{html.escape(m.title)}_{series.site_name}</title>
{canonical}</head>
<body>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="article">
<h1>{html.escape(m.title)}</h1>
<div class="info">{date}来源：{html.escape(m.publisher)}</div>
<div id="zoom">
{body_html(doc, skip_title=True)}
</div>
</div>
<div class="footer"><p>主办单位：{series.site_name}办公室{code}</p>
<p>网址：{series.host}</p></div>
</body>
</html>
"""


@dataclass(frozen=True)
class SeriesPage:
    name: str
    ext: str
    year: int
    data: bytes
    truth: dict

    @property
    def filename(self) -> str:
        return self.name + self.ext


def series_pages() -> list[SeriesPage]:
    """Every page of every series, with its truth; the same bytes on every call."""
    pages: list[SeriesPage] = []
    for series in SERIES:
        previous: Values | None = None
        previous_own: dict[str, list[str]] | None = None
        previous_template: str | None = None
        for spec in series.years:
            rng = random.Random(f"gx-series:{series.slug}:{spec.year}")
            template = template_for(spec.year)
            carried = _forward(previous) if previous is not None else None
            if spec.repeat_figures and previous is not None and previous_template == template:
                values = dict(previous)
            else:
                values = _values(rng, template, carried)
                if carried is not None and not spec.chain_break:
                    # a year that will be repeated carries forward what it carried over, so
                    # that the repeated year's chain holds too
                    nxt = next((y for y in series.years if y.year == spec.year + 1), None)
                    if nxt is not None and nxt.repeat_figures:
                        values = _hold_forward(values, template)
            if spec.chain_break:
                values = _break_chain(values, template, spec.chain_break)
            own = (
                previous_own
                if spec.copy_text and previous_own is not None
                else _narrative(rng, series.short if spec.name else "我局")
            )
            pages.append(_page(series, spec, template, values, own, rng))
            previous, previous_own, previous_template = values, own, template
    return pages


def _hold_forward(values: Values, template: str) -> Values:
    """结转下年度继续办理 = 上年结转, column by column, the balance kept by 本年新收."""
    out = dict(values)
    for col in _COLS:
        over = int(out[("requests", "carried_over", col)] or 0)
        results = int(out[("requests", "results_total", col)] or 0)
        out[("requests", "carried_forward", col)] = over
        out[("requests", "new_received", col)] = results
    for r in contract.rows(template, "requests"):
        out[("requests", r.code, "total")] = sum(
            int(out[("requests", r.code, c)] or 0) for c in _COLS
        )
    return out


def _break_chain(values: Values, template: str, by: int) -> Values:
    """上年结转 raised by `by` for natural persons, 本年新收 lowered to keep the balance (raised
    results where that would go negative): only the carry chain breaks."""
    out = dict(values)
    col = "natural_person"
    _carry_over(out, col, int(out[("requests", "carried_over", col)] or 0) + by)
    _row_totals(out, template)
    return out


def _page(
    series: Series,
    spec: Year,
    template: str,
    values: Values,
    own: dict[str, list[str]],
    rng: random.Random,
) -> SeriesPage:
    published = (
        dt.date(spec.year + 1, 1, 1) + dt.timedelta(days=spec.published_day)
        if spec.published_day is not None
        else dt.date(spec.year + 1, 1, 15)  # not on the page
    )
    agency = spec.name
    title_name = spec.title_name or agency or ""
    meta = PageMeta(
        agency=agency or "",
        publisher=title_name or "本网",
        year=spec.year,
        published=published,
        title=f"{title_name}{spec.year}年政府信息公开工作年度报告",
        date_place="chrome",
        date_label="发布时间",
        index_no="",
        site=series.site_name,
    )
    # the amount's unit stated, so that the series' reports are clean but for their flags
    fmt = ValueFormat(amount_units={"procurement": "万元"})
    tables = section_tables(LayoutOptions(template=template, year=spec.year, fmt=fmt), values)
    truth_values = {
        "new_received": int(values[("requests", "new_received", "total")] or 0),
        "carried_over": int(values[("requests", "carried_over", "total")] or 0),
        "reviews": int(values[("appeals", "review", "total")] or 0),
        "lawsuits": int(values[("appeals", "litigation_direct", "total")] or 0)
        + int(values[("appeals", "litigation_after_review", "total")] or 0),
    }
    stated = {k: v + spec.misstate.get(k, 0) for k, v in truth_values.items()}
    doc = _document(meta, tables, values, own, stated)
    if spec.style == "pipe":
        text = pipe_rows(doc, rng)
        if spec.published_day is None:
            text = "\n".join(text.splitlines()[1:])  # no 发布机构/date line: no date at all
        data, ext = (text + "\n").encode("utf-8"), ".txt"
    else:
        data, ext = _html(doc, series, spec).encode("utf-8"), ".html"
    name = f"gen-series-{series.slug}-{spec.year}"
    cells = tuple(TruthCell(*key, values.get(key)) for key, _ in keyed_cells(doc))
    flags = _expected_flags(spec, stated, truth_values, values)
    truth = Truth(
        source=name + ext,
        agency=None if spec.kind_only else agency,
        year=spec.year,
        published=published.isoformat() if spec.published_day is not None else None,
        template=template,
        cells=cells,
        style=f"series-{spec.style}",
        complete=dict.fromkeys(contract.SECTIONS, True),
        broken_identities=failing_identities(values, template),
    ).to_json()
    truth["series"] = {
        "agency_id": series.key,
        "agency_match": spec.match,
        "flags": flags,
        "stated": stated,
    }
    return SeriesPage(name, ext, spec.year, data, truth)


def _expected_flags(
    spec: Year, stated: dict[str, int], actual: dict[str, int], values: Values
) -> list[dict]:
    """The flags the page must raise (report_flags.flag, subject) from what was done to it."""
    out: list[dict] = []
    if spec.published_day is None:
        out.append({"flag": "publication_unknown", "subject": ""})
    elif spec.published_day > 30:  # 31 January is day 30 after 1 January
        out.append({"flag": "late", "subject": ""})
    if spec.copy_text:
        out.append({"flag": "copied_text", "subject": ""})
    if spec.repeat_figures:
        for section in ("proactive", "requests", "appeals"):
            if any(v for (s, _, _), v in values.items() if s == section):
                out.append({"flag": "repeated_figures", "subject": section})
    where = {"new_received": "三.1", "carried_over": "三.1", "reviews": "四.1", "lawsuits": "四.1"}
    for figure, by in spec.misstate.items():
        if by:
            out.append({"flag": "narrative_mismatch", "subject": f"{figure}@{where[figure]}"})
    if spec.chain_break:
        out.append({"flag": "carry_chain_break", "subject": "requests.carried_over.total"})
    return sorted(out, key=lambda f: (f["flag"], f["subject"]))


def write_series(root: Path) -> list[Path]:
    """Write every series page under root/raw/<year>/ and its truth under root/truth/<year>/."""
    written = []
    for page in series_pages():
        raw = root / "raw" / str(page.year)
        truth = root / "truth" / str(page.year)
        raw.mkdir(parents=True, exist_ok=True)
        truth.mkdir(parents=True, exist_ok=True)
        (raw / page.filename).write_bytes(page.data)
        (truth / f"{page.name}.json").write_text(
            json.dumps(page.truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        written.append(raw / page.filename)
    return written
