"""Figures a report's narrative states that its tables hold too, with the table's number.

Reports often repeat their main figures in words (本年度共收到政府信息公开申请16件，上年结转1件;
被申请行政复议2件、提起行政诉讼1件), and the words and the tables do not always agree: one of them
was copied from another year or typed twice. Each such figure is read from its sentence with the
cells it speaks of; the comparison with the table says `match`, `mismatch` (both numbers known
and different: the flag narrative_mismatch) or `not_assessable` (a cell is blank or not on the
page). Only figures written in Arabic digits with their unit are read; a figure the narrative
words otherwise is not guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from gx_pipeline.parsing.values import nfkc
from gx_pipeline.report import Number, Report

MATCH, MISMATCH, NOT_ASSESSABLE = "match", "mismatch", "not_assessable"
STATUSES = (MATCH, MISMATCH, NOT_ASSESSABLE)

#: a run of words inside a clause (no digit, no clause break)
_W = r"[^，。；,;:：\d]"
#: figure code -> (pattern whose group 1 is the number, the cells by format version)
_FIGURES: dict[str, tuple[re.Pattern[str], dict[str, tuple[str, ...]]]] = {
    "new_received": (
        re.compile(
            rf"(?:新收|收到|受理|接收|接到){_W}{{0,12}}?申请(?:数量)?(?:为|共计|共|总计|合计)?"
            r"(\d+)\s*(?:件|个|条|份|宗)"
            rf"|依申请公开{_W}{{0,6}}?(?:受理|收到)(\d+)\s*件"
        ),
        {"*": ("requests.new_received.total",)},
    ),
    "carried_over": (
        re.compile(rf"上年度?结转{_W}{{0,12}}?(?:为|共计|共)?(\d+)\s*件"),
        {"*": ("requests.carried_over.total",)},
    ),
    "reviews": (
        re.compile(rf"行政复议(?:案件|申请)?{_W}{{0,4}}?(?:共计|共|为)?(\d+)\s*(?:件|起|宗|次|个)"),
        {"*": ("appeals.review.total",)},
    ),
    "lawsuits": (
        re.compile(rf"行政诉讼(?:案件)?{_W}{{0,4}}?(?:共计|共|为)?(\d+)\s*(?:件|起|宗|次|个)"),
        {"*": ("appeals.litigation_direct.total", "appeals.litigation_after_review.total")},
    ),
    "normative_docs": (
        re.compile(
            rf"(?:制发|制定|印发|出台|新制作){_W}{{0,4}}?规范性文件(?:共计|共)?(\d+)\s*(?:件|份|个)"
        ),
        {
            "2021": ("proactive.normative_docs.issued",),
            "2019": ("proactive.normative_docs.new_made",),
        },
    ),
    "licensing": (
        # not 行政许可事项: the kinds of licence an agency grants, not its decisions
        re.compile(r"行政许可(?:决定|案件)?(?:共计|共)?(\d+)\s*(?:件|项|个)"),
        {"*": ("proactive.licensing.decisions",)},
    ),
    "penalty": (
        re.compile(r"行政处罚(?:决定|案件)?(?:共计|共)?(\d+)\s*(?:件|项|个|起)"),
        {"*": ("proactive.penalty.decisions",)},
    ),
}
FIGURES: tuple[str, ...] = tuple(_FIGURES)
#: words between a label and its number that make the number a part of the figure, not the
#: figure: 行政复议被纠错1件, 行政诉讼结果败诉1件 (an outcome), 其中… (a subset)
_PART = re.compile(r"维持|纠正|纠错|撤销|驳回|确认|结果|审结|败诉|胜诉|其中|其他|以外")
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")
#: what every figure's pattern ends on: a number in digits and its unit (件, 个, 起 ...)
_NUMBER_AND_UNIT = re.compile(r"\d\s*[件个条份宗起次项]")


@dataclass(frozen=True)
class StatedFigure:
    """One figure of the narrative and the table's number for it."""

    section: str  # 一 … 六 or 前言
    sentence_no: int  # 1-based, within the section
    sentence: str
    figure: str  # one of FIGURES
    stated: int
    cells: tuple[str, ...]  # section.row.col keys
    table_value: Number | None  # the cells' sum; None when a cell is blank or absent
    status: str  # one of STATUSES
    #: why a figure that differs from its cell still matches (受理 counting the carried over)
    note: str = ""
    #: 1, or 2, 3 … where the sentence states the same figure again
    occurrence: int = 1

    @property
    def subject(self) -> str:
        """Unique within the report: the figure and where it is stated."""
        again = f"#{self.occurrence}" if self.occurrence > 1 else ""
        return f"{self.figure}@{self.section}.{self.sentence_no}{again}"


def sentences(text: str) -> list[str]:
    """A section's text cut into sentences (after 。；！？ and line breaks), blank ones out."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def stated_figures(report: Report) -> list[StatedFigure]:
    """Every figure of `report`'s narrative that a table holds, in reading order."""
    if not report.narrative:
        return []
    grid: dict | None = None  # made when a figure is found: most reports' prose states none
    out: list[StatedFigure] = []
    for section, text in report.narrative.items():
        for number, sentence in enumerate(sentences(text), start=1):
            clean = nfkc(sentence)
            if _NUMBER_AND_UNIT.search(clean) is None:
                # every figure's pattern reads its number in digits followed by its unit:
                # ~60% of a report's sentences have no digit (0.11 -> 0.06 ms a report), and
                # 60% of the others no number with a unit (a date, 第3条, a percentage)
                continue
            for figure, (pattern, cells_by_template) in _FIGURES.items():
                cells = cells_by_template.get(report.template or "", cells_by_template.get("*"))
                if cells is None:
                    continue
                found_here = [m for m in pattern.finditer(clean) if not _PART.search(m.group(0))]
                for k, m in enumerate(found_here, start=1):
                    stated = int(next(g for g in m.groups() if g is not None))
                    grid = report.grid() if grid is None else grid
                    found = _compare(section, number, sentence, figure, stated, cells, grid)
                    out.append(replace(found, occurrence=k))
    return out


def _compare(
    section: str,
    number: int,
    sentence: str,
    figure: str,
    stated: int,
    cells: tuple[str, ...],
    grid: dict,
) -> StatedFigure:
    values = [grid.get(tuple(key.split("."))) for key in cells]
    known = [c.value for c in values if c is not None and c.value is not None]
    if len(known) != len(cells):
        return StatedFigure(section, number, sentence, figure, stated, cells, None, NOT_ASSESSABLE)
    table = sum(known)
    if table == stated:
        return StatedFigure(section, number, sentence, figure, stated, cells, table, MATCH)
    if figure == "new_received":
        # 受理 may count the requests carried over from last year with the new ones
        over = grid.get(("requests", "carried_over", "total"))
        if over is not None and over.value is not None and table + over.value == stated:
            note = "equals new_received + carried_over (受理 counting the carried over)"
            return StatedFigure(
                section, number, sentence, figure, stated, cells, table, MATCH, note
            )
    return StatedFigure(section, number, sentence, figure, stated, cells, table, MISMATCH)
