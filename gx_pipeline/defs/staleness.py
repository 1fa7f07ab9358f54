"""Which report years are stale, why, and what the automation does about them next.

A year is stale when the warehouse rows Dagster last wrote for it were made from something that
has changed since. It is judged from the instance's materializations (the record the UI's
"Unsynced" badge reads) and the raw folder as it is now:

- never_loaded: the year has a raw folder but gx_warehouse was never materialized for it;
- not_in_warehouse: the published warehouse does not hold the entries (reports and quarantine
  rows) the year's load wrote: the file deleted, put back from an older copy, or a working file
  rebuilt from an analysts' copy that a held publish left behind;
- raw_change: the folder's fingerprint (names, sizes, mtimes of the raw files) differs from the
  one raw_report_inventory recorded for the load the warehouse holds, or a file's inode changed
  after that load's run started (a file rewritten with its size and mtime kept);
- copy_gone: a page of the year is quarantined as a copy of a report loaded under another year,
  and a later load of that year removed the report (its file deleted or changed): the page is
  in no fact table until its own year is loaded again (gx_warehouse's copies_left_behind);
- parser_upgrade: the code version (PARSER_VERSION) of parsed_reports, validated_frames or
  gx_warehouse differs from the one that load ran with; code_change: the same for the
  inventory's own version.

Used by stale_years_sensor (gx_pipeline.defs.automation), the yearly schedule and `gx status`;
everything here only reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import EllipsisType

import dagster as dg

# Dagster 1.13 keeps these outside its public API; it is pinned exactly (pyproject.toml)
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph
from dagster._core.execution.backfill import BulkActionsFilter, BulkActionStatus
from dagster._core.storage.tags import RUN_KEY_TAG

from gx_pipeline.datadir import DataDir
from gx_pipeline.defs.assets import (
    COPIES_LEFT_BEHIND,
    gx_warehouse,
    parsed_reports,
    raw_report_inventory,
    validated_frames,
)
from gx_pipeline.defs.liveness import UNFINISHED, unfinished_runs_of_year
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.staging.inventory import has_pages, last_change, year_look
from gx_pipeline.warehouse import entries_by_year

#: the run tag that says why a run was launched
REASON_TAG = "gx/reason"
#: the run tag with the reason in words (versions, what changed)
DETAIL_TAG = "gx/stale"

NEVER_LOADED = "never_loaded"
NOT_IN_WAREHOUSE = "not_in_warehouse"
RAW_CHANGE = "raw_change"
COPY_GONE = "copy_gone"
PARSER_UPGRADE = "parser_upgrade"
CODE_CHANGE = "code_change"
#: a year with several reasons is tagged with the first of them in this order
REASONS = (NEVER_LOADED, NOT_IN_WAREHOUSE, RAW_CHANGE, COPY_GONE, PARSER_UPGRADE, CODE_CHANGE)

INVENTORY = raw_report_inventory.key
WAREHOUSE = gx_warehouse.key
#: the assets whose code version is PARSER_VERSION
PARSER_ASSETS = (parsed_reports.key, validated_frames.key, gx_warehouse.key)
YEARLY_ASSETS = (INVENTORY, *PARSER_ASSETS)


@dataclass(frozen=True)
class YearState:
    """One report year, compared with the load the warehouse holds for it."""

    year: str
    #: why the year is stale, in the order of REASONS; empty when it is current
    reasons: tuple[str, ...]
    #: each reason in words, e.g. "parsed with 1.7.0, parser now 1.8.0"
    details: tuple[str, ...]
    #: when gx_warehouse was last written for the year (Unix time); None: never
    loaded_at: float | None
    #: gx_warehouse's code version at that load (the parser version)
    loaded_version: str | None
    #: changes whenever the code, the folder or the load the year is compared with changes: a
    #: run launched for one key is never launched again (a failed run waits for a change)
    run_key: str

    @property
    def stale(self) -> bool:
        return bool(self.reasons)

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def detail(self) -> str:
        return "; ".join(self.details)


def code_versions(asset_graph: AssetGraph) -> dict[dg.AssetKey, str | None]:
    """The code version of each yearly asset in an asset graph (a repository's, or
    Definitions.resolve_asset_graph())."""
    return {key: asset_graph.get(key).code_version for key in YEARLY_ASSETS}


def years_with_folders(raw_dir: Path, current_time: datetime | None = None) -> list[str]:
    """Report years (partitions) with a folder under raw_dir that holds pages: the years the
    automation keeps loaded. A year without a folder has nothing to load, and neither has one
    whose folder emptied (a mount that dropped, a sync half-way): its last load stands, and a
    run of it would be refused anyway (gx_warehouse's shrink guard)."""
    keys = yearly_partitions.get_partition_keys(current_time=current_time)
    return [y for y in keys if (raw_dir / y).is_dir() and has_pages(raw_dir / y)]


REWRITTEN = "a raw file rewritten since the load (its name, size and mtime kept)"


def year_state(
    instance: dg.DagsterInstance,
    versions: Mapping[dg.AssetKey, str | None],
    raw_dir: Path,
    year: str,
    held: Mapping[int, int] | None | EllipsisType = ...,
) -> YearState:
    """Whether `year` is stale, and why, against its last gx_warehouse materialization.
    `held`: entries per year in the published warehouse (entries_by_year; read here when not
    given; None: the file could not be read, so unknown, not read again)."""
    if held is ...:
        held = entries_by_year(_published(raw_dir))
    year_dir = raw_dir / year
    fingerprint, rewritten, changes = year_look(year_dir)
    warehouse = _latest(instance, WAREHOUSE, year)
    state = json.dumps(
        [
            sorted((k.to_user_string(), v or "") for k, v in versions.items()),
            fingerprint,
            warehouse.storage_id if warehouse else 0,
        ]
    )
    digest = hashlib.sha256(state.encode()).hexdigest()[:12]

    if warehouse is None:
        return YearState(
            year,
            (NEVER_LOADED,),
            ("no load of this year yet",),
            None,
            None,
            f"{year}:{NEVER_LOADED}:{digest}",
        )
    # the materializations the warehouse rows were made from: the latest of each asset up to
    # and including the warehouse's own (normally all four from one run)
    loaded = {
        asset: _latest(instance, asset, year, before=warehouse.storage_id + 1)
        for asset in YEARLY_ASSETS
    }
    found: dict[str, str] = {}
    wrote = _entries_written(warehouse)
    if held is not None and wrote is not None and held.get(int(year), 0) != wrote:
        found[NOT_IN_WAREHOUSE] = (
            f"the load wrote {wrote} entries (reports and quarantined), the warehouse holds "
            f"{held.get(int(year), 0)}"
        )
    inventory = loaded[INVENTORY]
    recorded = _metadata_text(inventory, "raw_fingerprint")
    recorded_changes = _metadata_text(inventory, "raw_changes")
    if inventory is None:
        found[RAW_CHANGE] = "no inventory behind the load"
    elif recorded is not None and recorded != fingerprint:
        found[RAW_CHANGE] = "raw files added, removed or changed since the load"
    elif recorded is None and (last_change(year_dir) or 0.0) > inventory.timestamp:
        # a load from before fingerprints were recorded: the folder's mtimes decide
        found[RAW_CHANGE] = "raw folder modified after the load"
    elif recorded_changes is not None:
        if recorded_changes != changes:
            found[RAW_CHANGE] = REWRITTEN
    elif rewritten is not None and rewritten > _started(instance, inventory):
        # a load from before the change times were recorded: its run's start decides
        found[RAW_CHANGE] = REWRITTEN
    gone = _copies_gone(instance, year, warehouse.storage_id)
    if gone:
        found[COPY_GONE] = (
            f"{', '.join(gone)} quarantined for a copy under another year no longer loaded as "
            "its reason says: in no fact table until this year is loaded again"
        )
    changed = [a for a in PARSER_ASSETS if _code_version(loaded[a]) != versions[a]]
    if changed:
        found[PARSER_UPGRADE] = (
            f"parsed with {_code_version(loaded[changed[0]]) or '?'}, "
            f"parser now {versions[changed[0]]}"
        )
    if inventory is not None and _code_version(inventory) != versions[INVENTORY]:
        found[CODE_CHANGE] = (
            f"inventory version {_code_version(inventory)}, now {versions[INVENTORY]}"
        )
    reasons = tuple(r for r in REASONS if r in found)
    return YearState(
        year,
        reasons,
        tuple(found[r] for r in reasons),
        warehouse.timestamp,
        _code_version(warehouse),
        f"{year}:{'+'.join(reasons) or 'current'}:{digest}",
    )


def year_states(
    instance: dg.DagsterInstance,
    versions: Mapping[dg.AssetKey, str | None],
    raw_dir: Path,
    years: Iterable[str],
) -> list[YearState]:
    held = entries_by_year(_published(raw_dir))
    return [year_state(instance, versions, raw_dir, y, held) for y in years]


def _published(raw_dir: Path) -> Path:
    return DataDir(raw_dir.parent).published_database


def _entries_written(record: dg.EventLogRecord) -> int | None:
    """Reports and quarantine rows a gx_warehouse load wrote for its year (its metadata)."""
    if record.asset_materialization is None:
        return None
    metadata = record.asset_materialization.metadata
    counts = [metadata.get(f"rows.{t}") for t in ("dim_report", "quarantine")]
    if any(c is None for c in counts):
        return None
    return sum(int(c.value) for c in counts)


def _latest(
    instance: dg.DagsterInstance, key: dg.AssetKey, year: str, before: int | None = None
) -> dg.EventLogRecord | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[year], before_storage_id=before),
        limit=1,
    ).records
    return records[0] if records else None


def _started(instance: dg.DagsterInstance, record: dg.EventLogRecord) -> float:
    """When the run of a materialization started (Unix time): a file whose inode changed after
    it may have been read before the change, or not at all."""
    run = instance.get_run_record_by_id(record.run_id)
    started = run.start_time if run is not None else None
    return started if started is not None else record.timestamp


def _copies_gone(instance: dg.DagsterInstance, year: str, loaded: int) -> list[str]:
    """The year's copies that the warehouse's latest load, if later than the year's own, found
    quarantined for a report no longer loaded (every load records them for every year)."""
    later = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=WAREHOUSE, after_storage_id=loaded), limit=1
    ).records
    if not later or later[0].asset_materialization is None:
        return []
    value = later[0].asset_materialization.metadata.get(COPIES_LEFT_BEHIND)
    return list((value.value or {}).get(year, [])) if value is not None else []


def _code_version(record: dg.EventLogRecord | None) -> str | None:
    if record is None or record.asset_materialization is None:
        return None
    return record.asset_materialization.tags.get("dagster/code_version")


def _metadata_text(record: dg.EventLogRecord | None, label: str) -> str | None:
    if record is None or record.asset_materialization is None:
        return None
    value = record.asset_materialization.metadata.get(label)
    return None if value is None else str(value.value)


@dataclass(frozen=True)
class Plan:
    """What the automation does about the stale years on one look."""

    #: the year to launch now, if any
    launch: YearState | None
    #: stale years in the order they run: newest first
    queue: list[YearState]
    #: why nothing is launched although years wait ("" when one is launched or none waits)
    waiting: str = ""
    #: year -> its run for this very state, still going
    running: dict[str, str] = field(default_factory=dict)
    #: year -> its run for this very state, which ended without bringing the year up to date
    #: (failed, canceled): not launched again until the code or the folder changes
    tried: dict[str, str] = field(default_factory=dict)

    def next_for(self, year: str, looking: bool = True) -> str:
        """The automation's next step for `year`, in words: on its look (`looking`), or as
        `gx status` sees it between looks."""
        if year in self.running:
            return f"running: {self.running[year]}"
        if year in self.tried:
            return f"not retried: {self.tried[year]} for this state"
        order = [s.year for s in self.queue if s.year not in self.tried | self.running]
        if year not in order:
            return "-"
        if self.launch is not None and self.launch.year == year:
            return "run requested now" if looking else "next to run"
        place = {1: "1st", 2: "2nd", 3: "3rd"}.get(order.index(year) + 1)
        place = place or f"{order.index(year) + 1}th"
        return f"{self.waiting}, then {place} in line" if self.waiting else f"{place} in line"


def plan(instance: dg.DagsterInstance, states: Sequence[YearState]) -> Plan:
    """The next step: launch the newest stale year whose state has no run yet, unless a run or
    a backfill is unfinished (a manual backfill, a fetch writing raw folders, the automation's
    previous run): then wait for it, so runs go one at a time and never twice for a year."""
    queue = sorted((s for s in states if s.stale), key=lambda s: s.year, reverse=True)
    running: dict[str, str] = {}
    tried: dict[str, str] = {}
    for state in queue:
        runs = instance.get_runs(dg.RunsFilter(tags={RUN_KEY_TAG: state.run_key}), limit=1)
        if runs:
            run = runs[0]
            what = f"run {run.run_id[:8]} {run.status.value.lower()}"
            (running if run.status in UNFINISHED else tried)[state.year] = what
    todo = [s for s in queue if s.year not in tried and s.year not in running]
    if not todo:
        return Plan(None, queue, "", running, tried)
    waiting = busy(instance)
    if waiting:
        return Plan(None, queue, waiting, running, tried)
    return Plan(todo[0], queue, "", running, tried)


def busy(instance: dg.DagsterInstance) -> str:
    """What the automation waits for before it launches anything: a run or a backfill that is
    unfinished ("after run 1a2b3c4d (gx_yearly_job 2020)"); "" when none."""
    runs = instance.get_runs(dg.RunsFilter(statuses=UNFINISHED), limit=1)
    if runs:
        run = runs[0]
        year = run.tags.get("dagster/partition")
        return f"after run {run.run_id[:8]} ({run.job_name}{' ' + year if year else ''})"
    backfills = instance.get_backfills(
        filters=BulkActionsFilter(statuses=[BulkActionStatus.REQUESTED]), limit=1
    )
    if backfills:
        return f"after backfill {backfills[0].backfill_id}"
    return ""


def unfinished_run_of(instance: dg.DagsterInstance, year: str) -> dg.DagsterRun | None:
    """A run of `year` that has not finished, launched by anyone, of the yearly job or of the
    year × province partitions."""
    runs = unfinished_runs_of_year(instance, year)
    return runs[0].dagster_run if runs else None
