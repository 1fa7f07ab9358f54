"""Parsed reports as rows of the warehouse tables (no Dagster here).

The fact tables are long: one row per template cell, keyed by (report_id, row, col), labelled
with the contract's Chinese labels. Nothing here changes a value.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from gx_pipeline import contract, regions, tally, trust
from gx_pipeline.agencies import figures
from gx_pipeline.parsing.site import host_of
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
    "trust_status",
    "trust_reasons",
    "tally_passed",
    "tally_failed",
    "tally_not_assessable",
    "content_fingerprint",
    "document_kind",
    "address",
    "page_address",
    "region_source",
    "organ",
    "organ_key",
    "site_address",
    "site_host",
    "site_code",
    "agency_id",
    "agency_match",
    "tally_passed_absent",
    "total_counts_left_out",
]
TALLY_COLUMNS = [
    "report_id",
    "report_year",
    "identity",
    "subject",
    "left_value",
    "right_value",
    "difference",
    "status",
    "absent_cells",
    "reason",
]
REPORT_TEXT_COLUMNS = ["report_id", "report_year", "section", "text"]
NARRATIVE_FIGURE_COLUMNS = [
    "report_id",
    "report_year",
    "section",
    "sentence_no",
    "occurrence",
    "sentence",
    "figure",
    "stated",
    "cells",
    "table_value",
    "status",
    "note",
]
QUARANTINE_COLUMNS = [
    "report_year",
    "source",
    "raw_sha256",
    "size",
    "stage",
    "reason",
    "generated",
]


def report_id(raw_sha256: str) -> str:
    return raw_sha256[:16]


@dataclass(frozen=True)
class RawFile:
    """One file under data/raw/<year>/ as the inventory saw it."""

    source: str  # path relative to data/raw, posix (see inventory.safe_name)
    path: str
    #: None for an entry that was not read (a FIFO, a link out of data/raw, ...)
    raw_sha256: str | None
    size: int
    generated: bool
    #: why the entry is not parsed (it goes to quarantine as it is), None for a page to parse
    refused: str | None = None
    #: what is odd about its name (not UTF-8): added to the problems or the quarantine reason
    note: str | None = None
    #: where the file was fetched (data/archive's log), None for a file put in data/raw by hand
    address: str | None = None
    #: the report page it is the report of: `address`, or the notice page that attaches it
    page_address: str | None = None


@dataclass(frozen=True)
class LoadedReport:
    """A parsed report with the raw file it came from."""

    raw: RawFile
    report: Report
    parser_version: str
    #: html, text, pdf, docx or doc (gx_pipeline.documents.KINDS)
    document_kind: str = "html"

    @property
    def report_id(self) -> str:
        return report_id(self.raw.raw_sha256 or "")

    @functools.cached_property
    def fingerprint(self) -> str | None:
        """content_fingerprint of the report, computed once (the copy check and the row)."""
        return content_fingerprint(self.report)


#: how the reason of a quarantined copy of a report loaded as another file starts
SAME_REPORT = "same report as "


def near_copy_reason(kept: str) -> str:
    """The quarantine reason of a copy of the report loaded as the file `kept`."""
    return (
        f"{SAME_REPORT}{kept} (the same agency, year, format and every cell's value; the "
        "files differ only in markup, comments or scripts): loaded once, as that file"
    )


@dataclass(frozen=True)
class Quarantined:
    raw: RawFile
    stage: str
    reason: str


def _labels() -> dict[tuple[str | None, str], dict[tuple[str, str], tuple[str, str]]]:
    """(template, section) -> {(row, col): the contract's (row label, column label)}; template
    None holds the first label of each cell over both templates, for reports without one."""
    out: dict[tuple[str | None, str], dict[tuple[str, str], tuple[str, str]]] = {}
    for template in contract.TEMPLATES:
        for section in contract.SECTIONS:
            cells = out.setdefault((template, section), {})
            anyone = out.setdefault((None, section), {})
            for r in contract.rows(template, section):
                for c in r.columns:
                    cells[(r.code, c.code)] = (r.label, c.label)
                    anyone.setdefault((r.code, c.code), (r.label, c.label))
    for (template, section), cells in out.items():
        if template is not None:  # a cell of the other template: its label there
            for key, names in out[(None, section)].items():
                cells.setdefault(key, names)
    return out


_LABELS = _labels()
#: the Arrow type of pandas' text dtype (`str`): a column made of it needs no cast in pandas
_TEXT = pa.large_string()
_NO_LABEL = ("", "")


@functools.lru_cache(maxsize=256)
def _layout_columns(
    template: str | None, section: str, rows: tuple[str, ...], cols: tuple[str, ...]
) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """The row, col, label and col_label columns of a section's cells, made Arrow arrays once
    per layout: the parser gives a template's cells in its order, so most reports of a year
    have the same cells in a section, and hashing their codes costs less than looking each
    label up and turning each code and label into Arrow again (0.127 -> 0.103 ms a page)."""
    get = _LABELS.get((template, section), {}).get
    names = [get(key, _NO_LABEL) for key in zip(rows, cols, strict=True)]
    return (
        pa.array(rows, _TEXT),
        pa.array(cols, _TEXT),
        pa.array([n[0] for n in names], _TEXT),
        pa.array([n[1] for n in names], _TEXT),
    )


#: the fact columns that differ from report to report, gathered as lists
_LISTED = ["report_id", "value", "raw", "source_table", "source_tr", "source_td"]
#: the ones of a layout (_layout_columns)
_OF_LAYOUT = ["row", "col", "label", "col_label"]


def fact_frames(reports: Iterable[LoadedReport], year: int) -> dict[str, pd.DataFrame]:
    """One long frame per fact table, built column by column (a batch is ~100,000 cells and
    a list of dicts costs several times more to turn into a frame)."""
    listed: dict[str, dict[str, list]] = {s: {c: [] for c in _LISTED} for s in FACT_TABLES}
    layouts: dict[str, list[tuple[pa.Array, ...]]] = {s: [] for s in FACT_TABLES}
    for loaded in reports:
        template = loaded.report.template
        columns = loaded.report.cell_columns
        if not columns:
            continue
        # the parser gives a section's cells together: each section a slice of the columns
        # (a section given in two runs: its runs' slices joined, in the page's order)
        by_section: dict[str, list[slice]] = {}
        at = 0
        for section, run in itertools.groupby(columns[0]):
            end = at + sum(1 for _ in run)
            by_section.setdefault(section, []).append(slice(at, end))
            at = end
        for section, runs in by_section.items():
            out = listed.get(section)
            if out is None:
                continue
            _, rows, cols, values, raws, tables_, trs, tds = (
                column[runs[0]] if len(runs) == 1 else _joined(column, runs) for column in columns
            )
            layouts[section].append(_layout_columns(template, section, rows, cols))
            out["report_id"].extend([loaded.report_id] * len(rows))
            out["value"].extend(values)
            out["raw"].extend(raws)
            out["source_table"].extend(tables_)
            out["source_tr"].extend(trs)
            out["source_td"].extend(tds)
    frames = {}
    for section, cols in listed.items():
        of_layout = {
            name: pa.concat_arrays([layout[k] for layout in layouts[section]])
            if layouts[section]
            else pa.array([], _TEXT)
            for k, name in enumerate(_OF_LAYOUT)
        }
        rows = len(cols["report_id"])
        # through Arrow, each column made with its table's type: 2-3x faster than
        # pd.DataFrame(lists) for ~100,000 rows of text, and no cast of the frame afterwards
        # (int64 with nulls came out float64 and was cast back to Int64: 0.078 -> 0.068 ms a page)
        table = pa.table(
            {
                "report_id": pa.array(cols["report_id"], _TEXT),
                "section": pa.repeat(pa.scalar(section, _TEXT), rows),
                **of_layout,
                "value": _float_array(cols["value"]),
                "raw": pa.array(cols["raw"], _TEXT),
                **{name: pa.array(cols[name], pa.int64()) for name in _SOURCE_COLUMNS},
            }
        )
        df = table.to_pandas(types_mapper=_fact_type)
        df.insert(1, "report_year", year)
        frames[FACT_TABLES[section]] = df if list(df.columns) == FACT_COLUMNS else df[FACT_COLUMNS]
    return frames


def _float_array(values: list) -> pa.Array:
    """The values as float64, as pandas casts them: a count of 16 digits or more (an ID or a
    phone number in a count's cell) is a float that only comes near it, where Arrow refuses an
    integer it cannot hold exactly (or at all, past int64) and would stop the year's staging."""
    try:
        return pa.array(values, pa.float64())
    except (pa.ArrowException, OverflowError):
        return pa.array([v if v is None else float(v) for v in values], pa.float64())


def _joined(column: tuple, runs: list[slice]) -> tuple:
    return tuple(itertools.chain.from_iterable(column[run] for run in runs))


#: the fact columns that place a cell on its page: nullable integers (Int64)
_SOURCE_COLUMNS = ("source_table", "source_tr", "source_td")


def _fact_type(arrow_type: pa.DataType) -> object:
    """The pandas dtype of a fact column of this Arrow type (None: pandas' own choice)."""
    return pd.Int64Dtype() if arrow_type == pa.int64() else None


def _frame(records: list[dict], columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """A frame with fixed dtypes even when empty; columns not named in `dtypes` are text."""
    return _columns_frame({c: [r[c] for r in records] for c in columns}, dtypes, records)


#: the Arrow type each column dtype of the staged frames is made as
_ARROW_TYPES = {
    "str": _TEXT,
    "int64": pa.int64(),
    "Int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
}


def _columns_frame(
    columns: dict[str, Sequence], dtypes: dict[str, str], records: list[dict] | None = None
) -> pd.DataFrame:
    """The frame of `columns` (lists or arrays of equal length) with fixed dtypes, columns not
    named in `dtypes` text: what pd.DataFrame(columns).astype(dtypes) makes (`records`: the same rows
    as dicts, for that), built through Arrow with each column made as its type. Casting a
    frame of Python objects column by column was most of a small table's cost (dim_report:
    0.015 ms a page of 0.029). A column Arrow does not take as it is (a number in a text
    column, a null in an int64 or bool one) makes the frame the pandas way, which converts or
    raises as it always did: the two ways never give different frames."""
    want = {c: dtypes.get(c, "str") for c in columns}
    try:
        table = pa.table({c: pa.array(v, _ARROW_TYPES[want[c]]) for c, v in columns.items()})
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        pass
    else:
        df = table.to_pandas()
        for c, dtype in want.items():
            if dtype == "Int64":  # int64 with nulls comes out float64, which rounds past 2**53
                df[c] = table.column(c).to_pandas(types_mapper=_fact_type)
        if all(df[c].dtype == _PANDAS_DTYPES[dtype] for c, dtype in want.items()):
            return df
    df = pd.DataFrame(records if records is not None else columns, columns=list(columns))
    return df.astype(want)


_PANDAS_DTYPES = {name: pd.api.types.pandas_dtype(name) for name in _ARROW_TYPES}


def content_fingerprint(report: Report) -> str | None:
    """What makes two files one report: agency, stated year, format and every cell's value
    (not the raw text, the markup, comments or scripts around it). Copies of one page saved
    at different times, with a tracking script or a comment added, share it. None when the
    page names no agency: two unnamed all-zero township reports are not the same report."""
    if not report.agency:
        return None
    cells = sorted(
        f"{c.section}\x1f{c.row}\x1f{c.col}\x1f{'' if c.value is None else float(c.value)!r}"
        for c in report.cells
    )
    text = "\x1e".join([report.agency, str(report.year), str(report.template), *cells])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def evaluations(reports: Iterable[LoadedReport]) -> tally.Evaluation:
    """Every tally identity of each report (gx_pipeline.tally.evaluate_all), in order."""
    return tally.evaluate_all([loaded.report for loaded in reports])


def report_regions(reports: list[Report], year: int) -> list[regions.Region]:
    """Each report's region (gx_pipeline.regions): from its agency's name, else the place its
    text writes right before that name, else its site's 网站标识码. A name that leaves its
    county open (河北省桥东区人民政府: 邢台's or 张家口's) takes the county of its site's
    网站标识码 when that is one of them."""
    out = regions.regions_of([r.agency for r in reports], [r.year or year for r in reports])
    for k, (report, region) in enumerate(zip(reports, out, strict=True)):
        if region.open_codes:
            found = regions.region_from_site_code(
                report.site.get("site_code"), report.agency, report.year
            )
            if found.division_code in region.open_codes:
                # the organ after the county's name, as under a name that gives the county
                organ = (region.organ or "")[len(region.open_county or "") :] or None
                out[k] = replace(found, organ=organ, level=region.level)
            continue
        if region.division_code is not None or not report.agency:
            continue
        found = regions.region_from_text(report.agency, report.narrative.values(), report.year)
        if found.division_code is None:
            found = regions.region_from_site_code(
                report.site.get("site_code"), report.agency, report.year
            )
        if found.division_code is not None:
            out[k] = replace(found, organ=region.organ, level=found.level or region.level)
    return out


def _site_host(site: dict[str, str]) -> str | None:
    domain = site.get("domain")
    return host_of(site.get("address")) or host_of(f"http://{domain}" if domain else None)


def dim_frame(
    reports: Iterable[LoadedReport],
    year: int,
    evaluated: tally.Evaluation | None = None,
) -> pd.DataFrame:
    """One row per loaded report; list columns travel as JSON text (cast on insert).

    The region and administrative level come from the report (report_regions); the tally
    summary and the trust status from the reports' tally evaluation (`evaluated`, evaluated
    here when not given), the same one tally_frame stages. The agency
    columns are the agencies rebuild's (gx_pipeline.agencies.rebuild), written in the load.
    """
    reports = list(reports)
    evaluated = evaluations(reports) if evaluated is None else evaluated
    places = report_regions([loaded.report for loaded in reports], year)
    passed, failed, not_assessable, passed_absent = (
        evaluated.count(status, with_absent).tolist()
        for status, with_absent in (
            ("pass", False),
            ("fail", False),
            ("not_assessable", False),
            ("pass", True),
        )
    )
    records = []
    for k, (loaded, region) in enumerate(zip(reports, places, strict=True)):
        r = loaded.report
        verdict = trust.assess(r, folder_year=year, identity_fails=failed[k] > 0)
        problems = [
            *r.problems,
            *([loaded.raw.note] if loaded.raw.note else []),
            *([region.note] if region.note else []),
        ]
        address = r.site.get("address")
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
                "problems": json.dumps(problems, ensure_ascii=False),
                "problem_count": len(problems),
                "incomplete_sections": json.dumps(
                    sorted(s for s, ok in r.complete.items() if not ok)
                ),
                "trust_status": verdict.status,
                "trust_reasons": json.dumps(list(verdict.reasons)),
                "tally_passed": passed[k],
                "tally_failed": failed[k],
                "tally_not_assessable": not_assessable[k],
                "content_fingerprint": loaded.fingerprint,
                "document_kind": loaded.document_kind,
                "address": loaded.raw.address,
                "page_address": loaded.raw.page_address,
                "region_source": region.source,
                "organ": region.organ,
                "organ_key": regions.organ_key(region.organ),
                "site_address": address,
                "site_host": _site_host(r.site),
                "site_code": r.site.get("site_code"),
                "agency_id": None,
                "agency_match": None,
                "tally_passed_absent": passed_absent[k],
                "total_counts_left_out": json.dumps(list(r.total_counts_left_out)),
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
            "tally_passed": "int64",
            "tally_failed": "int64",
            "tally_not_assessable": "int64",
            "tally_passed_absent": "int64",
        },
    )


def tally_frame(
    reports: Iterable[LoadedReport],
    year: int,
    evaluated: tally.Evaluation | None = None,
) -> pd.DataFrame:
    """The rows of tally_results: every identity evaluated on every report, staged with its
    facts so that a year is never written without its tally. Made of the evaluation's columns
    (~40 rows a report)."""
    reports = list(reports)
    evaluated = evaluations(reports) if evaluated is None else evaluated
    ids = np.array([loaded.report_id for loaded in reports], dtype=object)[evaluated.report]
    return _columns_frame(
        {
            "report_id": ids,
            "report_year": np.full(len(ids), year, np.int64),
            "identity": evaluated.identity,
            "subject": evaluated.subject,
            "left_value": evaluated.left,
            "right_value": evaluated.right,
            "difference": evaluated.left - evaluated.right,  # TallyResult.difference
            "status": evaluated.statuses(),
            "absent_cells": evaluated.absent_cells,
            "reason": evaluated.reasons(),
        },
        _TALLY_DTYPES,
    )


_TALLY_DTYPES = {
    "report_year": "int64",
    "left_value": "float64",
    "right_value": "float64",
    "difference": "float64",
    "absent_cells": "int64",
}


def year_frames(
    loaded: Iterable[LoadedReport], quarantined: Iterable[Quarantined], year: int
) -> dict[str, pd.DataFrame]:
    """Every per-year table's rows for a batch of pages, before validation."""
    loaded = list(loaded)
    evaluated = evaluations(loaded)
    return {
        "dim_report": dim_frame(loaded, year, evaluated),
        **fact_frames(loaded, year),
        "tally_results": tally_frame(loaded, year, evaluated),
        "quarantine": quarantine_frame(quarantined, year),
        "report_text": report_text_frame(loaded, year),
        "narrative_figures": narrative_figures_frame(loaded, year),
    }


def report_text_frame(reports: Iterable[LoadedReport], year: int) -> pd.DataFrame:
    """The prose of each section of each report (Report.narrative)."""
    records = [
        {"report_id": loaded.report_id, "report_year": year, "section": section, "text": text}
        for loaded in reports
        for section, text in loaded.report.narrative.items()
    ]
    return _frame(records, REPORT_TEXT_COLUMNS, {"report_year": "int64"})


def narrative_figures_frame(reports: Iterable[LoadedReport], year: int) -> pd.DataFrame:
    """Every figure each report's narrative states that its tables hold (agencies.figures),
    with the table's number; `cells` travels as JSON text."""
    records = [
        {
            "report_id": loaded.report_id,
            "report_year": year,
            "section": f.section,
            "sentence_no": f.sentence_no,
            "occurrence": f.occurrence,
            "sentence": f.sentence,
            "figure": f.figure,
            "stated": float(f.stated),
            "cells": json.dumps(list(f.cells)),
            "table_value": None if f.table_value is None else float(f.table_value),
            "status": f.status,
            "note": f.note,
        }
        for loaded in reports
        for f in figures.stated_figures(loaded.report)
    ]
    return _frame(
        records,
        NARRATIVE_FIGURE_COLUMNS,
        {
            "report_year": "int64",
            "sentence_no": "int64",
            "occurrence": "int64",
            "stated": "float64",
            "table_value": "float64",
        },
    )


def quarantine_frame(items: Iterable[Quarantined], year: int) -> pd.DataFrame:
    records = [
        {
            "report_year": year,
            "source": q.raw.source,
            "raw_sha256": q.raw.raw_sha256,
            "size": q.raw.size,
            "stage": q.stage,
            "reason": f"{q.reason}; {q.raw.note}" if q.raw.note else q.reason,
            "generated": q.raw.generated,
        }
        for q in items
    ]
    return _frame(
        records,
        QUARANTINE_COLUMNS,
        {"report_year": "int64", "size": "int64", "generated": "bool"},
    )
