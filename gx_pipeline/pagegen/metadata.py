"""Who publishes a generated report and when: agency names, titles, dates, site details."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

_CITIES = (
    "邢台市",
    "阜新市",
    "株洲市",
    "无锡市",
    "赣州市",
    "孝感市",
    "潜江市",
    "海东市",
    "常州市",
    "汉中市",
    "西安市",
    "哈尔滨市",
    "永州市",
    "嘉兴市",
    "达州市",
    "红河州",
)
_COUNTIES = (
    "襄都区",
    "彰武县",
    "荷塘区",
    "锡山区",
    "会昌县",
    "孝南区",
    "化隆县",
    "武进区",
    "宁强县",
    "临潼区",
    "五常市",
    "威县",
    "冷水滩区",
    "平湖市",
    "通川区",
    "开远市",
    "北辰区",
    "通州区",
    "云龙区",
    "安乡县",
)
_BUREAUS = (
    "科技和工业信息化局",
    "自然资源局",
    "统计局",
    "市场监督管理局",
    "卫生健康局",
    "教育局",
    "民政局",
    "财政局",
    "住房和城乡建设局",
    "农业农村局",
    "生态环境局",
    "人力资源和社会保障局",
    "交通运输局",
    "应急管理局",
    "司法局",
    "水利局",
)
_STREETS = ("新华", "桂花", "云林", "周矶", "佳荣里", "东城", "北关", "南湖", "城关", "西园")
_TOWNS = ("中村", "牛塘", "背荫河", "铁边城", "群科", "石桥", "柳河", "青山", "双庙", "白沙")


@dataclass(frozen=True)
class PageMeta:
    agency: str
    #: how the site's chrome names the publisher (often shorter than the agency)
    publisher: str
    year: int
    published: dt.date
    title: str
    #: where the publication date shows: "chrome" (发布时间 line), "grid" (metadata grid) or
    #: "signoff" (only the date under the report)
    date_place: str
    date_label: str
    index_no: str
    site: str


def agency_name(rng: random.Random, counties: Sequence[str] | None = None) -> tuple[str, str]:
    """(agency as the report names itself, publisher as the site's chrome names it), of one
    of `counties` (default: the generator's own 20)."""
    county = rng.choice(counties or _COUNTIES)
    kind = rng.choice(("bureau", "bureau", "government", "office", "street", "town", "township"))
    if kind == "bureau":
        bureau = rng.choice(_BUREAUS)
        return county + bureau, rng.choice((bureau, county + bureau))
    if kind == "government":
        return county + "人民政府", county + "人民政府"
    if kind == "office":
        return county + "人民政府办公室", "县政府办" if county.endswith("县") else "政府办公室"
    if kind == "street":
        name = rng.choice(_STREETS) + "街道办事处"
        return county + name, name
    if kind == "town":
        name = rng.choice(_TOWNS) + "镇人民政府"
        return county + name, name
    name = rng.choice(_TOWNS) + "乡人民政府"
    return county + name, county + name


def make_meta(
    rng: random.Random,
    year: int,
    *,
    title_year: bool = True,
    counties: Sequence[str] | None = None,
) -> PageMeta:
    agency, publisher = agency_name(rng, counties)
    published = dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(5, 85))
    if not title_year:
        title = f"{agency}政府信息公开工作年度报告"
    elif rng.random() < 0.7:
        title = f"{agency}{year}年政府信息公开工作年度报告"
    else:
        title = f"{year}年{agency}政府信息公开工作年度报告"
    date_place = rng.choice(("chrome", "chrome", "chrome", "grid", "signoff"))
    city = rng.choice(_CITIES)
    return PageMeta(
        agency=agency,
        publisher=publisher,
        year=year,
        published=published,
        title=title,
        date_place=date_place,
        date_label=rng.choice(("发布时间", "发布日期", "日期")),
        index_no=f"{rng.randint(10**9, 10**10 - 1)}/{year + 1}-{rng.randint(1, 999):05d}",
        site=city + rng.choice(("人民政府", "人民政府门户网站")),
    )


def chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
