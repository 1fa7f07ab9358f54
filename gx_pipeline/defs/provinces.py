"""The year × province partitions: a year's parsing spread over machines.

page_routes (yearly) lists the year folder and routes each entry to a province key
(gx_pipeline.staging.routes); province_facts (year × province) parses, validates and writes one
province's rows as Parquet to the storage location (gx_pipeline.warehouse.lake: a folder or
object storage); gx_warehouse (yearly) assembles the year from the partitions' files and loads
it like the single-machine run, with the same tally check. Steps of separate partitions share
nothing but the storage location, so any executor can run them on other machines (the celery
executor when GX_CELERY_BROKER is set, see gx_pipeline.defs.executors and docs/DEPLOY.md).
"""

import multiprocessing
import os
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd

from gx_pipeline.datadir import data_dir
from gx_pipeline.defs.assets import (
    GROUP,
    OWNERS,
    LoadConfig,
    ParseConfig,
    discard_ended_runs_stages,
    load_into_warehouse,
    parse_into,
    year_files,
)
from gx_pipeline.defs.liveness import leave_year_to_an_earlier_run
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import RawPages, Warehouse
from gx_pipeline.parsing import PARSER_VERSION
from gx_pipeline.staging import claims, routes, schemas
from gx_pipeline.staging.parts import BATCH_PAGES, Stage, discard_run
from gx_pipeline.staging.tables import RawFile
from gx_pipeline.warehouse.lake import Lake

#: one partition per report year and province key (the provinces of cpca's division list and
#: `unplaced`); keys read e.g. 广东省|2024 (Dagster orders the dimensions by name)
province_partitions = dg.MultiPartitionsDefinition(
    {"year": yearly_partitions, "province": dg.StaticPartitionsDefinition(routes.province_keys())}
)
# MultiToSingleDimensionPartitionMapping is Beta in Dagster 1.13 (pinned exactly in pyproject.toml)
warnings.filterwarnings("ignore", message="Class `MultiToSingleDimensionPartitionMapping`")
#: a province partition depends on its year's routes; the year's assembly on all its provinces
_BY_YEAR = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="year")


class PartitionStore(dg.ConfigurableResource):
    """Where the year × province partitions keep their rows: an fsspec URL (a local folder,
    file:///…, s3://bucket/prefix with s3fs installed, memory:// in tests)."""

    url: str

    @property
    def lake(self) -> Lake:
        return Lake(self.url)


def default_store_url(root: Path | None = None) -> str:
    """$GX_LAKE_URL, or the folder lake/ of the data folder."""
    return os.environ.get("GX_LAKE_URL") or str((root or data_dir()) / "lake")


@dg.asset(
    partitions_def=yearly_partitions,
    group_name=GROUP,
    kinds={"html", "parquet"},
    owners=OWNERS,
)
def page_routes(
    context: dg.AssetExecutionContext, raw_pages: RawPages, store: PartitionStore
) -> dg.MaterializeResult:
    """Every entry under data/raw/<year>/ (as raw_report_inventory lists it) with the province
    key of the partition that parses it, written to the storage location: a quick look at the
    page's first text, not the parse (gx_pipeline.staging.routes)."""
    year = int(context.partition_key)
    leave_year_to_an_earlier_run(context, year, raw_pages.staging_dir)
    try:
        files = year_files(context, raw_pages, year)
        # a batch at a time: each page's first text is ~2,000 characters, too much to hold for
        # a national year at once
        max_bytes = ParseConfig().max_page_bytes
        keys = [k for batch in files.batches(BATCH_PAGES) for k in routes.route(batch, max_bytes)]
        frame = files.frame()
        frame.insert(0, "province", keys)
        frame.insert(0, "seq", range(len(frame)))
        store.lake.write_routes(year, frame)
    finally:
        # written or failed, the process (a celery worker's, long-lived) holds no claim on the
        # year for a run whose step is over
        claims.let_go(context.run.run_id)
    by_province = Counter(keys)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(files),
            "provinces": dg.MetadataValue.json(dict(sorted(by_province.items()))),
        }
    )


def _raw_files(frame: pd.DataFrame) -> list[RawFile]:
    fields = list(RawFile.__dataclass_fields__)
    files = []
    for row in frame[fields].itertuples(index=False):
        raw = {f: (None if pd.isna(v) else v) for f, v in zip(fields, row, strict=True)}
        # routes written before paths were stored as bytes hold them as text
        raw["path"] = os.fsdecode(raw["path"])
        files.append(RawFile(**raw))
    return files


@dg.asset(
    partitions_def=province_partitions,
    group_name=GROUP,
    kinds={"html", "pandas", "parquet"},
    owners=OWNERS,
    code_version=PARSER_VERSION,
    deps=[dg.AssetDep(page_routes, partition_mapping=_BY_YEAR)],
)
def province_facts(
    context: dg.AssetExecutionContext,
    config: ParseConfig,
    store: PartitionStore,
) -> dg.MaterializeResult:
    """One province's pages of a year parsed and validated as parsed_reports and
    validated_frames do for the whole year, written as Parquet to the storage location (the
    province's files replaced; other provinces are not touched). A province without pages is
    written empty."""
    key = context.partition_key.keys_by_dimension
    year, province = int(key["year"]), key["province"]
    leave_year_to_an_earlier_run(context, year)
    lake = store.lake
    routed = lake.read_routes(year)
    routed = routed[routed["province"] == province].sort_values("seq")
    mine = _raw_files(routed)
    if not mine:
        lake.write_partition(year, province, None, routed)
        context.log.info(f"no pages of {province} in {year}")
        return dg.MaterializeResult(metadata={"dagster/row_count": 0, "pages": 0})
    if multiprocessing.current_process().daemon and config.workers != 1:
        # a celery worker's pool process may not start processes of its own: parse here, one
        # step per core comes from the workers' --concurrency instead
        config = config.model_copy(update={"workers": 1})
    with tempfile.TemporaryDirectory(prefix="gx-province-") as tmp:
        parsed = Stage.fresh(Path(tmp), year, "parsed")
        parse_into(context, config, mine, parsed, year)
        validated = Stage.fresh(Path(tmp), year, "validated")
        for part, frames in parsed.batches():
            valid = schemas.validate_year_frames(frames, year)
            validated.write_checked(part, valid, frames, parsed)
        rows = lake.write_partition(year, province, validated, routed)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows["dim_report"],
            "pages": len(mine),
            **{f"rows.{t}": n for t, n in rows.items()},
        }
    )


@dg.asset(
    name="gx_warehouse",
    partitions_def=yearly_partitions,
    group_name=GROUP,
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    code_version=PARSER_VERSION,
    pool="duckdb",
    deps=[dg.AssetDep(province_facts, partition_mapping=_BY_YEAR)],
)
def gx_warehouse_from_provinces(
    context: dg.AssetExecutionContext,
    config: LoadConfig,
    warehouse: Warehouse,
    raw_pages: RawPages,
    store: PartitionStore,
) -> dg.MaterializeResult:
    """The warehouse tables of one report year assembled from its year × province partitions
    (DuckDB over the Parquet files each province's last write names) and loaded as the
    single-machine gx_warehouse loads a year: one transaction, the same rows. Refused while a
    province of the year's routes has no complete write or one from older routes."""
    year = int(context.partition_key)
    leave_year_to_an_earlier_run(context, year, raw_pages.staging_dir)
    try:
        discard_ended_runs_stages(context, raw_pages.staging_dir, year)
        stage = Stage.fresh(raw_pages.staging_dir, year, "assembled", context.run.run_id)
        staged = store.lake.assemble(year, stage)
        context.log.info(f"assembled {staged} rows from the partitions of {year}")
        return load_into_warehouse(context, config, stage, warehouse, raw_pages, year)
    finally:
        # this run's stage only: a run of the yearly job may stage the year beside it
        discard_run(raw_pages.staging_dir, year, context.run.run_id)
        # loaded or refused: the process (a celery worker's) lives on past the run
        claims.let_go(context.run.run_id)
