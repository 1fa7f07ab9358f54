"""The yearly assets: raw pages -> parsed reports -> validated frames -> DuckDB tables.

Every raw file of a year ends in exactly one of dim_report (loaded) and quarantine (with the
stage and reason it stopped at).
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pandas as pd

from gx_pipeline import schemas, tables
from gx_pipeline.parsing import PARSER_VERSION, ParseError, parse_bytes
from gx_pipeline.partitions import yearly_partitions
from gx_pipeline.resources import RawPages, Warehouse
from gx_pipeline.tables import LoadedReport, Quarantined, RawFile
from gx_pipeline.warehouse import YEAR_TABLES, loaded_elsewhere, replace_year

GROUP = "gx"


@dataclass(frozen=True)
class ParsedYear:
    loaded: list[LoadedReport] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_generated(path: Path, truth_dir: Path) -> bool:
    if path.name.startswith("gen-"):
        return True
    sidecar = truth_dir / f"{path.stem}.json"
    if not sidecar.is_file():
        return False
    try:
        truth = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(truth, dict) and bool(
        truth.get("generated") or (truth.get("meta") or {}).get("generated")
    )


@dg.asset(partitions_def=yearly_partitions, group_name=GROUP, kinds={"html"})
def raw_report_inventory(context: dg.AssetExecutionContext, raw_pages: RawPages) -> list[RawFile]:
    """Every file under data/raw/<year>/ with its sha256 and size. The pages themselves stay
    on disk untouched."""
    year = int(context.partition_key)
    year_dir = raw_pages.year_dir(year)
    truth_dir = raw_pages.truth_dir / str(year)
    files = []
    if year_dir.is_dir():
        for path in sorted(p for p in year_dir.rglob("*") if p.is_file()):
            if any(part.startswith(".") for part in path.relative_to(year_dir).parts):
                continue
            files.append(
                RawFile(
                    source=path.relative_to(raw_pages.raw_dir).as_posix(),
                    path=str(path),
                    raw_sha256=_sha256(path),
                    size=path.stat().st_size,
                    generated=_is_generated(path, truth_dir),
                )
            )
    else:
        context.log.warning(f"no folder {year_dir}: the year has no raw pages")
    context.add_output_metadata(
        {
            "dagster/row_count": len(files),
            "bytes": sum(f.size for f in files),
            "generated": sum(f.generated for f in files),
            "folder": str(year_dir),
        }
    )
    return files


@dg.asset(partitions_def=yearly_partitions, group_name=GROUP, kinds={"python"})
def parsed_reports(
    context: dg.AssetExecutionContext, raw_report_inventory: list[RawFile]
) -> ParsedYear:
    """Each raw page parsed into a Report (contract codes). Unreadable pages, pages without a
    readable table and byte-identical duplicates go to quarantine with the reason."""
    parsed = ParsedYear()
    first_of: dict[str, str] = {}
    for raw in raw_report_inventory:
        if raw.raw_sha256 in first_of:
            parsed.quarantined.append(
                Quarantined(raw, "inventory", f"same bytes as {first_of[raw.raw_sha256]}")
            )
            continue
        first_of[raw.raw_sha256] = raw.source
        # one page in memory at a time
        data = Path(raw.path).read_bytes()
        try:
            report = parse_bytes(data, raw.source)
        except ParseError as err:
            parsed.quarantined.append(Quarantined(raw, "parse", err.reason))
            continue
        except Exception as err:  # a parser bug on one page must not block the year
            context.log.exception(f"parser crashed on {raw.source}")
            parsed.quarantined.append(
                Quarantined(raw, "parse", f"parser error: {type(err).__name__}: {err}")
            )
            continue
        finally:
            del data
        if not report.cells:
            reason = "; ".join(report.problems) or "no readable tables"
            parsed.quarantined.append(Quarantined(raw, "parse", reason))
            continue
        parsed.loaded.append(LoadedReport(raw, report, PARSER_VERSION))
    context.add_output_metadata(
        {
            "dagster/row_count": len(parsed.loaded),
            "quarantined": len(parsed.quarantined),
            "cells": sum(len(r.report.cells) for r in parsed.loaded),
            "with_problems": sum(bool(r.report.problems) for r in parsed.loaded),
        }
    )
    return parsed


def _validate(parsed: ParsedYear, year: int) -> dict[str, pd.DataFrame]:
    loaded = list(parsed.loaded)
    quarantined = list(parsed.quarantined)
    frames = {"dim_report": tables.dim_frame(loaded, year), **tables.fact_frames(loaded, year)}
    failures: dict[str, list[str]] = {}
    for table, model in schemas.REPORT_TABLE_MODELS.items():
        for rid, messages in schemas.failing_reports(model, frames[table]).items():
            failures.setdefault(rid, []).extend(f"{table}: {m}" for m in messages)
    if failures:
        quarantined += [
            Quarantined(r.raw, "validate", "; ".join(failures[r.report_id]))
            for r in loaded
            if r.report_id in failures
        ]
        loaded = [r for r in loaded if r.report_id not in failures]
        frames = {"dim_report": tables.dim_frame(loaded, year), **tables.fact_frames(loaded, year)}
    # what remains must pass as a whole; a failure here is a bug, so let it fail the step
    for table, model in schemas.REPORT_TABLE_MODELS.items():
        frames[table] = model.validate(frames[table], lazy=True)
    frames["quarantine"] = schemas.Quarantine.validate(
        tables.quarantine_frame(quarantined, year), lazy=True
    )
    return frames


@dg.asset(partitions_def=yearly_partitions, group_name=GROUP, kinds={"pandas"})
def validated_frames(
    context: dg.AssetExecutionContext, parsed_reports: ParsedYear
) -> dict[str, pd.DataFrame]:
    """The year's rows of dim_report, the three fact tables and quarantine, validated with the
    pandera models of gx_pipeline.schemas. A report whose rows fail is moved to quarantine
    (stage "validate"); the rest of the year goes on."""
    year = int(context.partition_key)
    frames = _validate(parsed_reports, year)
    context.add_output_metadata(
        {
            "dagster/row_count": len(frames["dim_report"]),
            **{f"rows.{t}": len(df) for t, df in frames.items()},
        }
    )
    return frames


@dg.asset(partitions_def=yearly_partitions, group_name=GROUP, kinds={"duckdb"}, pool="duckdb")
def gx_warehouse(
    context: dg.AssetExecutionContext,
    validated_frames: dict[str, pd.DataFrame],
    warehouse: Warehouse,
) -> dg.MaterializeResult:
    """The warehouse tables dim_report, fact_requests, fact_appeals, fact_proactive, quarantine
    (and tally_results, cleared here and filled by the tally check) for one report year,
    replaced in one DuckDB transaction: a failed write leaves the previous rows intact."""
    year = int(context.partition_key)
    frames = dict(validated_frames)
    with warehouse.connect() as conn:
        elsewhere = loaded_elsewhere(conn, year, frames["dim_report"]["report_id"])
        if elsewhere:
            frames = _quarantine_loaded_elsewhere(frames, elsewhere, year)
        written = replace_year(conn, year, frames, clear=YEAR_TABLES)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": written.get("dim_report", 0),
            "quarantined": written.get("quarantine", 0),
            **{f"rows.{t}": n for t, n in written.items()},
        }
    )


def _quarantine_loaded_elsewhere(
    frames: dict[str, pd.DataFrame], elsewhere: dict[str, tuple[int, str]], year: int
) -> dict[str, pd.DataFrame]:
    """A page already stored under another year stays there; here it is quarantined."""
    dim = frames["dim_report"]
    moved = dim[dim["report_id"].isin(elsewhere)]
    extra = pd.DataFrame(
        {
            "report_year": year,
            "source": moved["source"],
            "raw_sha256": moved["raw_sha256"],
            "size": moved["size"],
            "stage": "load",
            "reason": [
                f"same page already loaded for report year {elsewhere[rid][0]} "
                f"as {elsewhere[rid][1]}"
                for rid in moved["report_id"]
            ],
        }
    )
    out = {
        table: df[~df["report_id"].isin(elsewhere)].reset_index(drop=True)
        for table, df in frames.items()
        if table != "quarantine"
    }
    out["quarantine"] = schemas.Quarantine.validate(
        pd.concat([frames["quarantine"], extra], ignore_index=True), lazy=True
    )
    return out
