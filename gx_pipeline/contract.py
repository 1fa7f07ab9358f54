"""The data contract as data: every section, row and column code of both format versions.

This module is the one place where the national format is written down. The parser reads its
labels, the pandera schemas read its codes, the tally identities read its row lists and the data
dictionary is generated from it. See docs/CONTRACT.md for the prose version.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATES: tuple[str, ...] = ("2019", "2021")
SECTIONS: tuple[str, ...] = ("proactive", "requests", "appeals")

SECTION_LABELS: dict[str, str] = {
    "proactive": "主动公开政府信息情况",
    "requests": "收到和处理政府信息公开申请情况",
    "appeals": "政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    label_en: str


@dataclass(frozen=True)
class Row:
    """One row of a section in one format version.

    `cores` are the distinctive fragments that identify the row's label on a real page after
    normalisation (see parsing.labels); the first core is the canonical one.
    """

    code: str
    label: str
    label_en: str
    columns: tuple[Column, ...]
    cores: tuple[str, ...]
    group: str | None = None  # the block (第二十条第（X）项) or result group the row belongs to


# --- section 三: requests -------------------------------------------------------------------

# the catalogue is laid out as a table, one row to a line
# fmt: off
REQUEST_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人", "natural persons"),
    Column("enterprise", "法人或其他组织·商业企业", "commercial enterprises"),
    Column("research", "法人或其他组织·科研机构", "research institutions"),
    Column("nonprofit", "法人或其他组织·社会公益组织", "public-interest organisations"),
    Column("legal_service", "法人或其他组织·法律服务机构", "legal service institutions"),
    Column("other_org", "法人或其他组织·其他", "other organisations"),
    Column("total", "总计", "total"),
)


def _req(code: str, label: str, en: str, *cores: str, group: str | None = None) -> Row:
    return Row(code, label, en, REQUEST_COLUMNS, cores, group)


_REQUESTS_HEAD: tuple[Row, ...] = (
    _req("new_received", "一、本年新收政府信息公开申请数量", "new requests received this year",
         "本年新收", "新收政府信息公开申请"),
    _req("carried_over", "二、上年结转政府信息公开申请数量", "requests carried over from last year",
         "上年结转"),
    _req("granted", "三（一）予以公开", "granted in full", "予以公开", group="results"),
    _req("partially_granted", "三（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
         "granted in part", "部分公开", group="results"),
    _req("withheld.state_secret", "三（三）不予公开 1.属于国家秘密", "withheld: state secret",
         "国家秘密", group="withheld"),
    _req("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开",
         "withheld: prohibited by other laws", "法律行政法规禁止", "行政法规禁止", "禁止公开",
         group="withheld"),
    _req("withheld.security_stability", "3.危及“三安全一稳定”",
         "withheld: endangers the 'three securities and one stability'", "三安全一稳定",
         "安全一稳定", group="withheld"),
    _req("withheld.third_party", "4.保护第三方合法权益", "withheld: third-party rights",
         "第三方合法权益", "第三方", group="withheld"),
    _req("withheld.internal_affairs", "5.属于三类内部事务信息", "withheld: internal affairs",
         "三类内部事务", "三类内容事务", "内部事务", group="withheld"),
    _req("withheld.process_info", "6.属于四类过程性信息", "withheld: process information",
         "四类过程性", "过程性信息", group="withheld"),
    _req("withheld.enforcement_file", "7.属于行政执法案卷", "withheld: enforcement file",
         "行政执法案卷", "执法案卷", group="withheld"),
    _req("withheld.admin_query", "8.属于行政查询事项", "withheld: administrative query",
         "行政查询", group="withheld"),
    _req("unavailable.not_held", "三（四）无法提供 1.本机关不掌握相关政府信息",
         "unavailable: not held", "不掌握", group="unavailable"),
    _req("unavailable.needs_creation", "2.没有现成信息需要另行制作",
         "unavailable: would need to be created", "另行制作", "没有现成信息", group="unavailable"),
    _req("unavailable.unclear", "3.补正后申请内容仍不明确",
         "unavailable: still unclear after correction", "补正后", "仍不明确", group="unavailable"),
    _req("not_processed.petition", "三（五）不予处理 1.信访举报投诉类申请",
         "not processed: petition or complaint", "信访举报投诉", "信访举报", group="not_processed"),
    _req("not_processed.duplicate", "2.重复申请", "not processed: duplicate", "重复申请",
         group="not_processed"),
    _req("not_processed.publication", "3.要求提供公开出版物", "not processed: publication",
         "公开出版物", group="not_processed"),
    _req("not_processed.excessive", "4.无正当理由大量反复申请",
         "not processed: excessive repeated requests", "大量反复", group="not_processed"),
    _req("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息",
         "not processed: confirmation of information already held", "确认或重新出具",
         "重新出具", group="not_processed"),
)

_REQUESTS_TAIL: tuple[Row, ...] = (
    _req("results_total", "三（七）总计", "results total", "总计"),
    _req("carried_forward", "四、结转下年度继续办理", "carried forward to next year",
         "结转下年度", "继续办理"),
)

_OTHER = _req("other", "三（六）其他处理", "other handling", "其他处理", group="results")
_OTHER_2021 = (
    _req("other.no_correction",
         "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "other: applicant did not correct in time", "逾期不补正", "不补正", group="other"),
    _req("other.fee_unpaid",
         "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         "other: fee not paid", "收费通知", "缴纳费用", group="other"),
    _req("other.other", "3.其他", "other: other", "其他", group="other"),
)

# --- section 四: appeals --------------------------------------------------------------------

APPEAL_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持", "upheld"),
    Column("corrected", "结果纠正", "corrected"),
    Column("other", "其他结果", "other outcome"),
    Column("pending", "尚未审结", "pending"),
    Column("total", "总计", "total"),
)
APPEALS: tuple[Row, ...] = (
    Row("review", "行政复议", "administrative review", APPEAL_COLUMNS, ("行政复议",)),
    Row("litigation_direct", "行政诉讼·未经复议直接起诉", "litigation without prior review",
        APPEAL_COLUMNS, ("未经复议直接起诉", "直接起诉")),
    Row("litigation_after_review", "行政诉讼·复议后起诉", "litigation after review",
        APPEAL_COLUMNS, ("复议后起诉",)),
)

# --- section 二: proactive -----------------------------------------------------------------

_DOCS_2019 = (
    Column("new_made", "本年新制作数量", "newly made this year"),
    Column("new_published", "本年新公开数量", "newly published this year"),
    Column("total_published", "对外公开总数量", "total published"),
)
_ITEMS_2019 = (
    Column("prev_items", "上一年项目数量", "items last year"),
    Column("change", "本年增/减", "change this year"),
    Column("decisions", "处理决定数量", "decisions"),
)
_DOCS_2021 = (
    Column("issued", "本年制发件数", "issued this year"),
    Column("repealed", "本年废止件数", "repealed this year"),
    Column("in_force", "现行有效件数", "in force"),
)
_DECISIONS_2021 = (Column("decisions", "本年处理决定数量", "decisions this year"),)

PROACTIVE_2019: tuple[Row, ...] = (
    Row("rules", "规章", "rules", _DOCS_2019, ("规章",), "art20_1"),
    Row("normative_docs", "规范性文件", "normative documents", _DOCS_2019, ("规范性文件",),
        "art20_1"),
    Row("licensing", "行政许可", "administrative licensing", _ITEMS_2019, ("行政许可",),
        "art20_5"),
    Row("other_services", "其他对外管理服务事项", "other external management services",
        _ITEMS_2019, ("其他对外管理服务事项", "对外管理服务"), "art20_5"),
    Row("penalty", "行政处罚", "administrative penalties", _ITEMS_2019, ("行政处罚",), "art20_6"),
    Row("coercion", "行政强制", "administrative coercion", _ITEMS_2019, ("行政强制",), "art20_6"),
    Row("fees", "行政事业性收费", "administrative fees", _ITEMS_2019[:2], ("行政事业性收费",),
        "art20_8"),
    Row("procurement", "政府集中采购", "centralised government procurement",
        (Column("projects", "采购项目数量", "procurement projects"),
         Column("amount", "采购总金额（万元）", "procurement amount (10k yuan)")),
        ("政府集中采购", "集中采购"), "art20_9"),
)
PROACTIVE_2021: tuple[Row, ...] = (
    Row("rules", "规章", "rules", _DOCS_2021, ("规章",), "art20_1"),
    Row("normative_docs", "行政规范性文件", "administrative normative documents", _DOCS_2021,
        ("规范性文件",), "art20_1"),
    Row("licensing", "行政许可", "administrative licensing", _DECISIONS_2021, ("行政许可",),
        "art20_5"),
    Row("penalty", "行政处罚", "administrative penalties", _DECISIONS_2021, ("行政处罚",),
        "art20_6"),
    Row("coercion", "行政强制", "administrative coercion", _DECISIONS_2021, ("行政强制",),
        "art20_6"),
    Row("fees", "行政事业性收费", "administrative fees",
        (Column("amount", "本年收费金额（单位：万元）", "fees collected (10k yuan)"),),
        ("行政事业性收费",), "art20_8"),
)

# fmt: on

#: Cells whose values are amounts in 万元 rather than counts.
AMOUNT_CELLS: frozenset[tuple[str, str, str]] = frozenset(
    {("proactive", "procurement", "amount"), ("proactive", "fees", "amount")}
)
#: Cells that may legitimately be negative.
SIGNED_COLUMNS: frozenset[str] = frozenset({"change"})

TEMPLATE_ROWS: dict[str, dict[str, tuple[Row, ...]]] = {
    "2019": {
        "proactive": PROACTIVE_2019,
        "requests": _REQUESTS_HEAD + (_OTHER,) + _REQUESTS_TAIL,
        "appeals": APPEALS,
    },
    "2021": {
        "proactive": PROACTIVE_2021,
        "requests": _REQUESTS_HEAD + (_OTHER,) + _OTHER_2021 + _REQUESTS_TAIL,
        "appeals": APPEALS,
    },
}

#: Result leaf rows summed by requests.results_sum, per template.
RESULT_LEAVES: dict[str, tuple[str, ...]] = {
    t: tuple(
        r.code
        for r in TEMPLATE_ROWS[t]["requests"]
        if r.group in ("results", "withheld", "unavailable", "not_processed", "other")
        and not (t == "2021" and r.code == "other")
    )
    for t in TEMPLATES
}
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c.code for c in REQUEST_COLUMNS[:-1])

IDENTITIES: dict[str, str] = {
    "requests.balance": "new_received + carried_over = results_total + carried_forward, per column",
    "requests.results_sum": "results_total = sum of the result leaf rows, per column",
    "requests.other_sum": "2021: other = other.no_correction + other.fee_unpaid + other.other",
    "requests.row_total": "total = sum of the six applicant columns, per row",
    "appeals.row_total": "total = upheld + corrected + other + pending, per row",
    "requests.carry_chain": "carried_over[total] in year y = carried_forward[total] in year y-1",
}
TALLY_STATUSES: tuple[str, ...] = ("pass", "fail", "not_assessable")


def rows(template: str, section: str) -> tuple[Row, ...]:
    return TEMPLATE_ROWS[template][section]


def row(template: str, section: str, code: str) -> Row:
    for r in TEMPLATE_ROWS[template][section]:
        if r.code == code:
            return r
    raise KeyError(f"{template}/{section}/{code}")


def template_cells(template: str) -> list[tuple[str, str, str]]:
    """Every (section, row, col) of a template in contract order.

    In a 2021 report `requests.other` is listed too; the parser emits it only where the page has
    cells for it.
    """
    return [
        (section, r.code, c.code)
        for section in SECTIONS
        for r in TEMPLATE_ROWS[template][section]
        for c in r.columns
    ]


def all_codes(section: str) -> tuple[set[str], set[str]]:
    """Union of row codes and column codes of a section over both templates."""
    row_codes = {r.code for t in TEMPLATES for r in TEMPLATE_ROWS[t][section]}
    col_codes = {c.code for t in TEMPLATES for r in TEMPLATE_ROWS[t][section] for c in r.columns}
    return row_codes, col_codes
