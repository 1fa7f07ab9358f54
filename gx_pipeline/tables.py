"""Parsed reports as rows of the warehouse tables (no Dagster here).

The fact tables are long: one row per template cell, keyed by (report_id, row, col), labelled
with the contract's Chinese labels. Nothing here changes a value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from gx_pipeline import contract, regions
from gx_pipeline.report import Report

FACT_TABLES: dict[str, str] = {
    "requests": "fact_requests",
    "appeals": "fact_appeals",
    "proactive": "fact_proactive",
}
FACT_COLUMNS = [
    "report_id",
    "report_year",
    "section",
    "row",
    "col",
    "label",
    "col_label",
    "value",
    "raw",
    "source_table",
    "source_tr",
    "source_td",
]
DIM_COLUMNS = [
    "report_id",
    "report_year",
    "stated_year",
    "agency",
    "province",
    "city",
    "county",
    "division_code",
    "admin_level",
    "published",
    "template",
    "source",
    "raw_sha256",
    "size",
    "generated",
    "parser_version",
    "cell_count",
    "problems",
    "problem_count",
    "incomplete_sections",
]
QUARANTINE_COLUMNS = ["report_year", "source", "raw_sha256", "size", "stage", "reason"]
TALLY_COLUMNS = [
    "report_id",
    "report_year",
    "identity",
    "subject",
    "left_value",
    "right_value",
    "difference",
    "status",
]


_FACT_DTYPES = {
    "report_year": "int64",
    "value": "float64",
    "source_table": "Int64",
    "source_tr": "Int64",
    "source_td": "Int64",
}


def report_id(raw_sha256: str) -> str:
    return raw_sha256[:16]


@dataclass(frozen=True)
class RawFile:
    """One file under data/raw/<year>/ as the inventory saw it."""

    source: str  # path relative to data/raw, posix
    path: str
    raw_sha256: str
    size: int
    generated: bool


@dataclass(frozen=True)
class LoadedReport:
    """A parsed report with the raw file it came from."""

    raw: RawFile
    report: Report
    parser_version: str

    @property
    def report_id(self) -> str:
        return report_id(self.raw.raw_sha256)


@dataclass(frozen=True)
class Quarantined:
    raw: RawFile
    stage: str
    reason: str


def _labels() -> dict[tuple[str, str, str], tuple[str, str]]:
    out: dict[tuple[str, str, str], tuple[str, str]] = {}
    for template in contract.TEMPLATES:
        for section in contract.SECTIONS:
            for r in contract.rows(template, section):
                for c in r.columns:
                    out.setdefault((section, r.code, c.code), (r.label, c.label))
    return out


_LABELS = _labels()


def label_of(section: str, row: str, col: str, template: str | None) -> tuple[str, str]:
    """The contract's (row label, column label) in the report's template, else any template."""
    if template in contract.TEMPLATES:
        for r in contract.rows(template, section):
            if r.code == row:
                for c in r.columns:
                    if c.code == col:
                        return r.label, c.label
    return _LABELS.get((section, row, col), ("", ""))


def fact_frames(reports: Iterable[LoadedReport], year: int) -> dict[str, pd.DataFrame]:
    """One long frame per fact table."""
    rows: dict[str, list[dict]] = {s: [] for s in FACT_TABLES}
    for loaded in reports:
        template = loaded.report.template
        for cell in loaded.report.cells:
            if cell.section not in rows:
                continue
            label, col_label = label_of(cell.section, cell.row, cell.col, template)
            rows[cell.section].append(
                {
                    "report_id": loaded.report_id,
                    "report_year": year,
                    "section": cell.section,
                    "row": cell.row,
                    "col": cell.col,
                    "label": label,
                    "col_label": col_label,
                    "value": None if cell.value is None else float(cell.value),
                    "raw": cell.raw,
                    "source_table": cell.table,
                    "source_tr": cell.tr,
                    "source_td": cell.td,
                }
            )
    return {FACT_TABLES[s]: _frame(r, FACT_COLUMNS, _FACT_DTYPES) for s, r in rows.items()}


def _frame(records: list[dict], columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """A frame with fixed dtypes even when empty; columns not named in `dtypes` are text."""
    df = pd.DataFrame(records, columns=columns)
    return df.astype({c: dtypes.get(c, "str") for c in columns})


def dim_frame(reports: Iterable[LoadedReport], year: int) -> pd.DataFrame:
    """One row per loaded report; list columns travel as JSON text (cast on insert).

    The region and administrative level come from the agency name (gx_pipeline.regions); the
    tally summary columns of dim_report are not here: the tally check writes them.
    """
    records = []
    for loaded in reports:
        r = loaded.report
        region = regions.region_of(r.agency)
        records.append(
            {
                "report_id": loaded.report_id,
                "report_year": year,
                "stated_year": r.year,
                "agency": r.agency,
                "province": region.province,
                "city": region.city,
                "county": region.county,
                "division_code": region.division_code,
                "admin_level": region.level,
                "published": r.published,
                "template": r.template,
                "source": loaded.raw.source,
                "raw_sha256": loaded.raw.raw_sha256,
                "size": loaded.raw.size,
                "generated": loaded.raw.generated,
                "parser_version": loaded.parser_version,
                "cell_count": len(r.cells),
                "problems": json.dumps(list(r.problems), ensure_ascii=False),
                "problem_count": len(r.problems),
                "incomplete_sections": json.dumps(
                    sorted(s for s, ok in r.complete.items() if not ok)
                ),
            }
        )
    return _frame(
        records,
        DIM_COLUMNS,
        {
            "report_year": "int64",
            "stated_year": "Int64",
            "size": "int64",
            "generated": "bool",
            "cell_count": "int64",
            "problem_count": "int64",
        },
    )


def year_frames(
    loaded: Iterable[LoadedReport], quarantined: Iterable[Quarantined], year: int
) -> dict[str, pd.DataFrame]:
    """Every per-year table's rows for a batch of pages, before validation."""
    loaded = list(loaded)
    return {
        "dim_report": dim_frame(loaded, year),
        **fact_frames(loaded, year),
        "quarantine": quarantine_frame(quarantined, year),
    }


def quarantine_frame(items: Iterable[Quarantined], year: int) -> pd.DataFrame:
    records = [
        {
            "report_year": year,
            "source": q.raw.source,
            "raw_sha256": q.raw.raw_sha256,
            "size": q.raw.size,
            "stage": q.stage,
            "reason": q.reason,
        }
        for q in items
    ]
    return _frame(records, QUARANTINE_COLUMNS, {"report_year": "int64", "size": "int64"})
