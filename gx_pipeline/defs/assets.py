"""The yearly assets: raw pages -> parsed reports -> validated frames -> DuckDB tables.

Every raw file of a year ends in exactly one of dim_report (loaded) and quarantine (with the
stage and reason it stopped at).
"""

import contextlib
import dataclasses
import functools
import os
import select
import shutil
import stat
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
from pydantic import Field

from gx_pipeline.agencies import rebuild
from gx_pipeline.defs.cancels import refuse_if_canceled
from gx_pipeline.defs.liveness import leave_year_to_an_earlier_run, stages_in_use
from gx_pipeline.defs.partitions import yearly_partitions
from gx_pipeline.defs.resources import RawPages, Warehouse
from gx_pipeline.diskspace import explain
from gx_pipeline.fetch.archive import provenance
from gx_pipeline.parsing import PARSER_VERSION
from gx_pipeline.staging import claims, schemas, tables
from gx_pipeline.staging.heap import kept_heap
from gx_pipeline.staging.inventory import (
    MAX_PAGE_BYTES,
    Entry,
    has_pages,
    hashed,
    is_generated,
    iter_year_entries,
    year_look,
)
from gx_pipeline.staging.parts import (
    BATCH_PAGES,
    Stage,
    discard_year,
    fewer_collections,
    stage_dir,
)
from gx_pipeline.staging.pool import (
    PAGE_SECONDS,
    POOL_MIN_PAGES,
    TOO_SLOW,
    WORKER_DIED,
    PageParser,
    parse_raw,
    too_large,
)
from gx_pipeline.staging.tables import LoadedReport, Quarantined, RawFile
from gx_pipeline.staging.yearfiles import YearFiles
from gx_pipeline.warehouse import SQL_DIR, charts, copies_left_behind, load_year
from gx_pipeline.warehouse.dictionary import Relation, catalog, row_counts
from gx_pipeline.warehouse.writes import (
    DEFAULT_MIN_SHARE,
    YearShrinkRefused,
    tell_quarantined_generated,
)

GROUP = "gx"
#: Who answers for the graph in the UI (Dagster owners are e-mail addresses or "team:<name>").
OWNERS = ["team:gx-data"]
#: The inventory only lists files; bump when what it records changes.
INVENTORY_VERSION = "4"
_REQUESTS_BY_OUTCOME_SQL = (SQL_DIR / "queries" / "requests_by_outcome.sql").read_text("utf-8")
_YEAR_OUTCOMES_SQL = (SQL_DIR / "queries" / "year_outcomes.sql").read_text("utf-8")
#: the table gx_warehouse's column schema, table name and row count describe (the UI's Columns
#: tab shows one table): one row per report, the table every other one joins to
MAIN_TABLE = "dim_report"
#: the published file's catalogue name (data/warehouse.duckdb)
CATALOG = "warehouse"
#: gx_warehouse's metadata: report year -> its copies quarantined for a report (under another
#: year) that is no longer loaded (warehouse.copies_left_behind)
COPIES_LEFT_BEHIND = "copies_left_behind"

# Output(data_version=...) is Beta in Dagster 1.13 (pinned exactly in pyproject.toml)
warnings.filterwarnings("ignore", message="Parameter `data_version` of initializer")


@dataclass(frozen=True)
class StagedYear:
    """A step's output: where its rows of the year are staged, and how many there are."""

    stage: Stage
    counts: dict[str, int] = field(default_factory=dict)


def _inventory_check(_context: dg.TypeCheckContext, value: object) -> dg.TypeCheck:
    if isinstance(value, YearFiles):
        return dg.TypeCheck(success=True)
    if isinstance(value, list) and all(isinstance(raw, RawFile) for raw in value):
        return dg.TypeCheck(success=True, description="a list of RawFile (inventory version 3)")
    return dg.TypeCheck(
        success=False,
        description=f"not a year's inventory ({type(value).__name__}): "
        "materialize raw_report_inventory for the year again",
    )


#: What raw_report_inventory stores: YearFiles, or, stored by inventory version 3 and read back
#: from a DAGSTER_HOME of then (a selection without the inventory, a re-execution from a failed
#: step), the list of RawFile it was; parse_into takes both.
INVENTORY_TYPE = dg.DagsterType(
    type_check_fn=_inventory_check,
    name="RawReportInventory",
    typing_type=YearFiles | list[RawFile],
    description="a year's entries as RawFile rows: YearFiles (a list of RawFile before)",
)


@dg.asset(
    partitions_def=yearly_partitions,
    group_name=GROUP,
    kinds={"html"},
    owners=OWNERS,
    code_version=INVENTORY_VERSION,
    dagster_type=INVENTORY_TYPE,
)
def raw_report_inventory(
    context: dg.AssetExecutionContext, raw_pages: RawPages
) -> dg.Output[YearFiles]:
    """Every entry under data/raw/<year>/ with its sha256 and size: files to read (hidden ones
    too, and links to files inside data/raw), and entries that are not read, with the reason
    they will be quarantined for (FIFOs, sockets, links out of data/raw, downloads in
    progress, empty folders). The pages themselves stay on disk untouched; the entries are
    streamed into compact Parquet rows (gx_pipeline.staging.yearfiles), never held whole."""
    year = int(context.partition_key)
    year_dir = raw_pages.year_dir(year)
    # taken before the files are read: a page added meanwhile makes the next automation tick
    # see a changed folder and load the year again, never the reverse (a page left out unseen)
    fingerprint, _, changes = year_look(year_dir)
    files = year_files(context, raw_pages, year)
    # the data version is the set of files: new or changed pages make the year's
    # downstream assets stale in the UI even before anything re-runs
    return dg.Output(
        files,
        data_version=dg.DataVersion(files.digest[:16]),
        metadata={
            "dagster/row_count": len(files),
            "not_read": files.not_read,
            "bytes": files.size,
            "generated": files.generated,
            "folder": str(year_dir),
            # compared with the folder by the automation (gx_pipeline.defs.automation)
            "raw_fingerprint": fingerprint,
            # the files' inode change times: a page rewritten with its name, size and mtime kept
            "raw_changes": changes,
        },
    )


def year_files(context: dg.AssetExecutionContext, raw_pages: RawPages, year: int) -> YearFiles:
    """Every entry under data/raw/<year>/ as RawFile rows, streamed from the walk (the
    inventory's rows, and page_routes' in gx_pipeline.defs.provinces)."""
    year_dir = raw_pages.year_dir(year)
    truth_dir = raw_pages.truth_dir / str(year)
    files = YearFiles.of(
        _raw_file(entry, truth_dir) for entry in iter_year_entries(year_dir, raw_pages.raw_dir)
    )
    if raw_pages.archive_dir.is_dir():
        # fetched files: where from, and the page whose report an attached file is; read for
        # this year's files only, once they are hashed (the archive holds every year's crawl)
        files = files.with_addresses(provenance(raw_pages.archive_dir, files.shas()))
    if not year_dir.is_dir():
        context.log.warning(f"no folder {year_dir}: the year has no raw pages")
    return files


def _raw_file(entry: Entry, truth_dir: Path) -> RawFile:
    sha256, refused, size = None, entry.refused, entry.size
    if refused is None:
        try:
            # the size of the bytes hashed: the file may have been rewritten since it was listed
            sha256, size = hashed(entry.path)
        except OSError as err:  # removed or made unreadable since it was listed
            refused = f"cannot be read: {err.strerror or err}"
    return RawFile(
        source=entry.source,
        path=str(entry.path),
        raw_sha256=sha256,
        size=size,
        generated=is_generated(Path(entry.source), truth_dir),
        refused=refused,
        note=entry.name_note,
    )


class ParseConfig(dg.Config):
    """How parsed_reports parses (Launchpad: ops.parsed_reports.config)."""

    workers: int = Field(
        default=0,
        ge=0,
        description="processes that parse pages: 0 = one per core, 1 = only the run's own process",
    )
    pool_min_pages: int = Field(
        default=POOL_MIN_PAGES,
        ge=0,
        description="a year with fewer pages parses in the run's own process "
        "(starting workers takes about a second)",
    )
    max_page_bytes: int = Field(
        default=MAX_PAGE_BYTES,
        ge=1,
        description="a larger file is quarantined, not parsed (a report page is ~100 KB; "
        "parsing costs ~10x the page in memory)",
    )
    page_seconds: float = Field(
        default=PAGE_SECONDS,
        ge=0,
        description="a page the parser has not finished after this many seconds is quarantined "
        "saying so, and the year goes on (a page takes ~4 ms, one of 32 MiB a few seconds; "
        "0 = no limit)",
    )


# code_version=PARSER_VERSION on everything derived from a parse: bumping the parser's version
# marks these assets stale for every year in the UI, which is the cue to backfill
@dg.asset(
    partitions_def=yearly_partitions,
    group_name=GROUP,
    kinds={"html", "pandas"},
    owners=OWNERS,
    code_version=PARSER_VERSION,
    ins={"raw_report_inventory": dg.AssetIn(dagster_type=INVENTORY_TYPE)},
)
def parsed_reports(
    context: dg.AssetExecutionContext,
    config: ParseConfig,
    raw_report_inventory: YearFiles | list[RawFile],
    raw_pages: RawPages,
) -> StagedYear:
    """Each raw page parsed into contract codes, staged as rows of the warehouse tables, with
    every report's tally evaluation (tally_results and dim_report's tally counts).

    Pages are parsed in batches (on every core for a large year, see gx_pipeline.staging.pool)
    and staged batch by batch, so memory does not grow with the year. Entries that are not read,
    oversize files, unreadable pages, pages without a readable table, byte-identical copies and
    near-identical copies of one report (the same agency, year, format and every cell's value:
    a comment, a timestamp or a tracking script apart) go to quarantine with the reason; of
    copies, the first by file name is kept and named in the others' reason."""
    year = int(context.partition_key)
    leave_year_to_an_earlier_run(context, year, raw_pages.staging_dir)
    discard_ended_runs_stages(context, raw_pages.staging_dir, year)
    where = stage_dir(raw_pages.staging_dir, year, "parsed", context.run.run_id)
    with disk_full_fails_the_step(where, "the year's parsed rows (staging)", staged=True):
        stage = Stage.fresh(raw_pages.staging_dir, year, "parsed", context.run.run_id)
        return StagedYear(stage, parse_into(context, config, raw_report_inventory, stage, year))


def refuse_another_runs_stage(
    context: dg.AssetExecutionContext, staged: StagedYear, step: str
) -> None:
    """Fail the step, loading nothing, when this run re-executes another (the UI's re-execute
    from failure, or of selected steps) and the staged rows of `step` it was handed are not of
    that run's line. Dagster's default IO manager keeps a step's latest output per partition,
    whichever run made it: a later run of the year that staged its own rows, then failed, put
    its rows under the re-execution of the earlier run, which would load that parse (of the
    year's folder as it was then) as its parent's. A run that is no re-execution (a step
    materialized alone) loads the year's latest stage, as asked."""
    run = context.run
    lineage = {run.run_id}
    parent = run.parent_run_id
    while parent is not None and parent not in lineage:
        lineage.add(parent)
        earlier = context.instance.get_run_by_id(parent)
        parent = earlier.parent_run_id if earlier is not None else None
    made_by = Path(staged.stage.path).name
    if run.parent_run_id is None or made_by in lineage:
        return
    raise dg.Failure(
        description=(
            f"this run re-executes run {run.parent_run_id[:8]} of {context.partition_key}, but "
            f"the staged rows of {step} it would load are those of run {made_by[:8]}, a later "
            "run of the year (Dagster hands a re-execution a step's latest output of the year, "
            f"not its parent's; the parent's own were removed when run {made_by[:8]} staged "
            "its own). Loading nothing: materialize the year again (the whole job), or "
            f"re-execute run {made_by[:8]} instead"
        )
    )


def discard_ended_runs_stages(
    context: dg.AssetExecutionContext, root: Path, year: int, own: bool = False
) -> None:
    """Remove what runs of `year` that have ended left staged (a killed run's rows, a failed
    run's of a step it never reached), keeping the stages of runs still going (of this
    instance, or claimed by another's), this run's too unless `own` (its rows are loaded)."""
    live = stages_in_use(context.instance, root, year)
    discard_year(
        root, year, keep=(live - {context.run.run_id}) if own else live | {context.run.run_id}
    )


def parse_into(
    context: dg.AssetExecutionContext,
    config: ParseConfig,
    raw_report_inventory: YearFiles | list[RawFile],
    stage: Stage,
    year: int,
) -> dict[str, int]:
    """Parse the pages into `stage` (parsed_reports' work, shared with the year × province
    partitions of gx_pipeline.defs.provinces); returns the counts it adds as metadata."""
    counts: Counter[str] = Counter()
    # a list: an inventory stored before the inventory became YearFiles
    files = (
        raw_report_inventory
        if isinstance(raw_report_inventory, YearFiles)
        else YearFiles.of(raw_report_inventory)
    )
    parser = PageParser(
        files.readable,
        config.workers,
        config.pool_min_pages,
        functools.partial(
            parse_raw, max_bytes=config.max_page_bytes, max_seconds=config.page_seconds
        ),
        page_seconds=config.page_seconds,
    )
    context.log.info(
        f"parsing {files.readable} pages "
        + (f"in {parser.workers} worker processes" if parser.parallel else "in this process")
    )
    # what is known before parsing: entries not read, oversize files, byte-identical copies
    # (the first one is parsed, the others are quarantined as copies); only the sha256 that
    # several files share are remembered, not one per page of the year
    repeated = files.same_bytes(config.max_page_bytes)
    first_of: dict[str, str] = {}
    # the copy kept is the first by file name: a copy of a generated page (gen-…) whose name
    # sorts before it is the same synthetic page, never a real agency's report
    generated = files.generated_copies(config.max_page_bytes)

    def sorted_out(todo: list[RawFile]) -> tuple[list[RawFile], list[Quarantined]]:
        read: list[RawFile] = []
        known: list[Quarantined] = []
        for raw in todo:
            if raw.refused is not None or raw.raw_sha256 is None:
                known.append(Quarantined(raw, "inventory", raw.refused or "not read"))
            elif raw.size > config.max_page_bytes:
                known.append(Quarantined(raw, "parse", too_large(config.max_page_bytes, raw.size)))
            elif raw.raw_sha256 in first_of:
                known.append(
                    Quarantined(raw, "inventory", f"same bytes as {first_of[raw.raw_sha256]}")
                )
            else:
                if raw.raw_sha256 in repeated:
                    first_of[raw.raw_sha256] = raw.source
                if raw.raw_sha256 in generated and not raw.generated:
                    raw = dataclasses.replace(raw, generated=True)
                read.append(raw)
                continue
            if raw.raw_sha256 in generated and not raw.generated:
                # a copy quarantined of a generated page is that synthetic page too, whichever
                # name sorts first: never a real agency's page in the year's counts
                known[-1] = dataclasses.replace(
                    known[-1], raw=dataclasses.replace(raw, generated=True)
                )
        return read, known

    # each batch's entries known before the parse, in order: the parser reads the inventory
    # one batch ahead of the batch it hands back
    knowns: deque[list[Quarantined]] = deque()

    def todos() -> Iterator[list[RawFile]]:
        for batch in files.batches(BATCH_PAGES):
            read, known = sorted_out(batch)
            knowns.append(known)
            yield read

    # content fingerprint -> the source of the copy loaded and its part
    kept: dict[str, tuple[str, int]] = {}
    # content fingerprint -> the near copies quarantined (source, part); the fingerprints of
    # which a copy met is a generated page (then every copy is that synthetic page)
    copies: dict[str, list[tuple[str, int]]] = {}
    synthetic_report: set[str] = set()
    # part -> the copies loaded or quarantined in it of which a near copy is a generated page:
    # generated too
    synthetic: dict[int, set[str]] = {}
    with parser, fewer_collections(), kept_heap():
        for part, parsed in enumerate(parser.map_batches(todos())):
            loaded: list[LoadedReport] = []
            quarantined = knowns.popleft()
            for outcome in parsed:
                if isinstance(outcome, LoadedReport):
                    fingerprint = outcome.fingerprint
                    if fingerprint is not None and fingerprint in kept:
                        source, at = kept[fingerprint]
                        if outcome.raw.generated and fingerprint not in synthetic_report:
                            synthetic_report.add(fingerprint)
                            for copy, where in [(source, at), *copies.get(fingerprint, [])]:
                                synthetic.setdefault(where, set()).add(copy)
                        near = _near_copy(outcome, source)
                        if fingerprint in synthetic_report and not outcome.raw.generated:
                            near = dataclasses.replace(
                                near, raw=dataclasses.replace(outcome.raw, generated=True)
                            )
                        quarantined.append(near)
                        copies.setdefault(fingerprint, []).append((outcome.raw.source, part))
                        continue
                    if fingerprint is not None:
                        kept[fingerprint] = (outcome.raw.source, part)
                        if outcome.raw.generated:
                            synthetic_report.add(fingerprint)
                    loaded.append(outcome)
                    continue
                if outcome.reason.startswith(("parser error:", TOO_SLOW)) or (
                    outcome.reason == WORKER_DIED
                ):
                    context.log.error(
                        f"the parser failed on {outcome.raw.source}: {outcome.reason}"
                    )
                quarantined.append(outcome)
            counts["loaded"] += len(loaded)
            counts["quarantined"] += len(quarantined)
            counts["near_copies"] += sum(
                q.reason.startswith(tables.SAME_REPORT) for q in quarantined
            )
            counts["cells"] += sum(len(r.report.cells) for r in loaded)
            counts["with_problems"] += sum(bool(r.report.problems) for r in loaded)
            stage.write(part, tables.year_frames(loaded, quarantined, year))
    for at, sources in synthetic.items():
        _mark_generated(stage, at, sources)
    if parser.fallback:
        context.log.warning(parser.fallback)
    if parser.stalls:
        context.log.warning(
            f"the parse workers finished no page for {parser.stall_s:g} s, {parser.stalls} "
            "time(s) (a worker stopped, or stuck below Python): killed, and the pages they had "
            "in hand parsed again one by one"
        )
    context.add_output_metadata(
        {
            "dagster/row_count": counts["loaded"],
            **counts,
            "parse_workers": parser.workers if parser.parallel else 1,
            "parse_stalls": parser.stalls,
        }
    )
    return dict(counts)


def _near_copy(outcome: LoadedReport, kept: str) -> Quarantined:
    return Quarantined(outcome.raw, "parse", tables.near_copy_reason(kept))


def _mark_generated(stage: Stage, part: int, sources: set[str]) -> None:
    """The reports and quarantine rows of `sources` staged in `part` marked generated: the copy
    kept of a report is the first by file name, and one named otherwise whose near copy
    (markup apart) is a generated page (gen-…) is the same synthetic report, never a real
    agency's, as are the near copies quarantined before the generated one was met. Rare: the
    part is read and written again."""
    frames = stage.read(part)
    for table in ("dim_report", "quarantine"):
        frames[table].loc[frames[table]["source"].isin(sources), "generated"] = True
    stage.write(part, {t: frames[t] for t in ("dim_report", "quarantine")})


@dg.asset(
    partitions_def=yearly_partitions,
    group_name=GROUP,
    kinds={"pandas"},
    owners=OWNERS,
    code_version=PARSER_VERSION,
)
def validated_frames(
    context: dg.AssetExecutionContext, parsed_reports: StagedYear, raw_pages: RawPages
) -> StagedYear:
    """The year's rows of dim_report, the three fact tables and quarantine, validated batch by
    batch with the pandera models of gx_pipeline.staging.schemas. A report whose rows fail is moved to
    quarantine (stage "validate"); the rest of the year goes on."""
    year = int(context.partition_key)
    leave_year_to_an_earlier_run(context, year, raw_pages.staging_dir)
    refuse_another_runs_stage(context, parsed_reports, "parsed_reports")
    counts: Counter[str] = Counter()
    where = stage_dir(raw_pages.staging_dir, year, "validated", context.run.run_id)
    with (
        disk_full_fails_the_step(where, "the year's validated rows (staging)", staged=True),
        kept_heap(),
    ):
        stage = Stage.fresh(raw_pages.staging_dir, year, "validated", context.run.run_id)
        # a few batches checked together (schemas.validate_parts): memory holds that many
        # batches' rows, never the year's
        group: list[tuple[int, dict]] = []

        def check_group() -> None:
            checked = schemas.validate_parts([frames for _, frames in group], year)
            for (part, frames), valid in zip(group, checked, strict=True):
                counts.update({table: len(df) for table, df in valid.items()})
                stage.write_checked(part, valid, frames, parsed_reports.stage)
            group.clear()

        for part, frames in parsed_reports.stage.batches():
            group.append((part, frames))
            if len(group) == schemas.CHECKED_TOGETHER:
                check_group()
        if group:
            check_group()
    context.add_output_metadata(
        {
            "dagster/row_count": counts["dim_report"],
            **{f"rows.{t}": n for t, n in counts.items()},
        }
    )
    return StagedYear(stage, dict(counts))


class LoadConfig(dg.Config):
    """When gx_warehouse may replace a year with far fewer entries than its last load
    (Launchpad: ops.gx_warehouse.config; `gx run --allow-shrink`)."""

    allow_shrink: bool = Field(
        default=False,
        description="replace the year even if its folder is missing, empty or has fewer than "
        "min_share of the entries of the year's last load (e.g. after removing pages on purpose)",
    )
    min_share: float = Field(
        default=DEFAULT_MIN_SHARE,
        ge=0,
        le=1,
        description="a folder with fewer than this share of the entries of the year's last load "
        "is refused (0 turns the guard off)",
    )


#: a working file another writer holds past the resource's lock wait: the load is tried again
#: this many times, this many seconds apart (each try waits for the lock again)
LOCK_RETRIES = 3
LOCK_RETRY_S = 30


@dg.asset(
    partitions_def=yearly_partitions,
    group_name=GROUP,
    kinds={"duckdb"},
    owners=OWNERS,
    code_version=PARSER_VERSION,
    # one DuckDB writer at a time: with `pools: default_limit: 1` in dagster.yaml, runs of a
    # backfill wait for this step's slot instead of failing on the file lock
    pool="duckdb",
)
def gx_warehouse(
    context: dg.AssetExecutionContext,
    config: LoadConfig,
    validated_frames: StagedYear,
    warehouse: Warehouse,
    raw_pages: RawPages,
) -> dg.MaterializeResult:
    """The warehouse tables dim_report, fact_requests, fact_appeals, fact_proactive,
    tally_results, report_text, narrative_figures and quarantine for one report year, replaced
    in one DuckDB transaction from the staged Parquet: a failed write leaves the previous rows
    intact, and the year is never stored without its tally. A year whose folder is missing,
    empty or shrank to less than half the entries of its last load is refused (the rows stay)
    unless the run allows it. A page already loaded under another report year stays there and
    is quarantined here (stage "load"). The reviewers' decisions (data/reviews.jsonl) are
    copied into reviews and review_cells in the same write. The analysts' copy is published
    after the write.

    In the load's transaction, what spans the years is rebuilt from every loaded year
    (gx_pipeline.agencies.rebuild): dim_agency, narrative_similarity, report_flags and the
    flags' codes in dim_report's trust status. A year is so never stored with the agency keys
    and flags of the warehouse before it, whether the run is killed or the tally check fails."""
    year = int(context.partition_key)
    leave_year_to_an_earlier_run(context, year, raw_pages.staging_dir)
    refuse_another_runs_stage(context, validated_frames, "validated_frames")
    return load_into_warehouse(context, config, validated_frames.stage, warehouse, raw_pages, year)


#: the environment variable naming the folder where a fault test holds a run (see
#: hold_for_a_fault_test); unset, no run is ever held
HOLD_AT = "GX_HOLD_AT"


#: a fault test opens its end of the FIFO within milliseconds of the run opening its own
#: (gx_pipeline_tests.disks.reached polls for it) and writes a byte saying it holds the run: a
#: FIFO nobody claims in this long was left behind (a killed test, GX_HOLD_AT set in a user's
#: environment), and the load fails saying so instead of waiting forever without a word
HOLD_UNCLAIMED_S = 30.0
#: the longest a test holds a run it claimed (filling a disk takes seconds)
HOLD_LONGEST_S = 600.0


def hold_for_a_fault_test(point: str, tell: Callable[[str], None] | None = None) -> None:
    """Wait at `point` while a fault test does its fault there, when GX_HOLD_AT names a folder
    holding a FIFO of that name (`load-2022`: report year 2022's load, before it opens the
    working warehouse): the FIFO is opened for reading and read until the test, having claimed
    the run (a byte written), closes its end (the disk filled meanwhile). A test that did its
    fault on seeing a progress line raced the step: the line is printed after the point it
    tells, and a small year's load could commit before the disk was full, the case passing
    without testing anything. Without the variable, or the FIFO, nothing is waited for; a wait
    is told (`tell`) before it starts, and one no test claims within HOLD_UNCLAIMED_S, or ends
    within HOLD_LONGEST_S, fails the load naming the variable and the FIFO."""
    folder = os.environ.get(HOLD_AT)
    if not folder:
        return
    fifo = Path(folder) / point
    try:
        if not stat.S_ISFIFO(fifo.stat().st_mode):
            return
    except OSError:
        return
    if tell is not None:
        tell(f"{HOLD_AT}={folder} holds a FIFO {fifo}: the run waits there for a fault test")
    # opened without blocking: a plain open waits, with no bound, for a writer that may never come
    held = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poller = select.poll()
        poller.register(held, select.POLLIN)
        claimed = False
        deadline = time.monotonic() + HOLD_UNCLAIMED_S
        while (left := deadline - time.monotonic()) > 0:
            if not poller.poll(max(1, int(left * 1000))):
                continue
            if not os.read(held, 4096):  # the test's end closed (before a writer, none is told)
                return
            if not claimed:
                claimed, deadline = True, time.monotonic() + HOLD_LONGEST_S
    finally:
        os.close(held)
    raise RuntimeError(
        f"{HOLD_AT}={folder} holds a FIFO {fifo} that "
        + (
            f"a fault test claimed and did not let go in {HOLD_LONGEST_S:g} s"
            if claimed
            else f"no fault test claimed in {HOLD_UNCLAIMED_S:g} s (one left behind?)"
        )
        + f": the run does not wait at {point} any longer; unset {HOLD_AT} or remove the FIFO"
    )


def load_into_warehouse(
    context: dg.AssetExecutionContext,
    config: LoadConfig,
    stage: Stage,
    warehouse: Warehouse,
    raw_pages: RawPages,
    year: int,
) -> dg.MaterializeResult:
    """gx_warehouse's work on a year's validated stage (shared with the year assembled from
    the year × province partitions): load_year, publish, describe."""
    # a run terminated in the UI as this step got its pool slot, or while it loads, loads nothing
    refuse_if_canceled(context, f"loading report year {year}")

    def rebuild_unless_canceled(conn: duckdb.DuckDBPyConnection) -> None:
        told = tell_quarantined_generated(conn, raw_pages.truth_dir)
        if told:
            context.log.info(
                f"{told} quarantine row(s) loaded without generated (by older code) told "
                "generated or not from their file names and truth sidecars"
            )
        rebuild.rebuild_within(conn)
        refuse_if_canceled(context, f"committing report year {year}")

    # the parse's and validation's Arrow buffers are freed but kept by Arrow's allocator: given
    # back before DuckDB takes its share (~40 MB of the run's process at 20,000 pages)
    pa.default_memory_pool().release_unused()
    # a full disk fails the step saying so: the load's transaction, its checkpoint and the
    # analysts' copy leave the published file as it was
    with disk_full_fails_the_step(warehouse.files.database, "the working warehouse"):
        hold_for_a_fault_test(f"load-{year}", context.log.warning)
        try:
            with warehouse.connect(publish=False, say=context.log.warning) as conn:
                written = load_year(
                    conn,
                    year,
                    stage,
                    config.min_share,
                    config.allow_shrink,
                    then=rebuild_unless_canceled,
                    no_pages=not has_pages(raw_pages.year_dir(year)),
                )
                # every decision made so far, whatever year it is about: the log is the record
                reviews = warehouse.copy_reviews(conn)
                agencies = rebuild.summary(conn)
                outcomes = conn.execute(_YEAR_OUTCOMES_SQL, {"year": year}).df()
                by_outcome = conn.execute(_REQUESTS_BY_OUTCOME_SQL).df()
                relations = catalog(conn)
                rows = row_counts(conn, [r for r in relations if r.kind == "table"])
                left_behind = copies_left_behind(conn)
        except YearShrinkRefused as err:
            folder = raw_pages.year_dir(year)
            if not err.previous and not folder.is_dir():
                raise dg.Failure(
                    description=f"{_gone(folder)}: no pages to load, and the year was never "
                    "loaded (a data folder or report year mistyped, a disk not mounted?). "
                    "Nothing was written.",
                    allow_retries=False,
                ) from err
            if not err.previous:
                # after 31 January (the schedule's run) an empty folder is no year of no reports
                raise dg.Failure(
                    description=f"{folder} holds no pages to load (empty, or only files still "
                    "being written), and the year was never loaded (its storage not mounted, a "
                    "copy not finished, the pages not fetched yet?). Nothing was written; load "
                    "it once its pages are there.",
                    allow_retries=False,
                ) from err
            where = _gone(folder) if not folder.is_dir() else f"{folder}: {err}"
            raise dg.Failure(
                description=f"{where}. The year's {err.previous} loaded {err.unit} are kept. If "
                "the pages were removed or changed on purpose, run again with `gx run "
                "--allow-shrink` (run config ops.gx_warehouse.config.allow_shrink: true).",
                metadata={
                    f"{err.unit}_loaded_before": err.previous,
                    f"{err.unit}_now": err.incoming,
                },
                allow_retries=False,
            ) from err
        except duckdb.IOException as err:
            # someone else (a run outside the pool, a session on the working file) held the file
            # longer than the resource's lock wait: try the step again later, not fail the year
            if "lock" not in str(err).lower():
                raise
            raise dg.RetryRequested(max_retries=LOCK_RETRIES, seconds_to_wait=LOCK_RETRY_S) from err
        warehouse.files.mark_unpublished(f"report year {year} loaded, its publish not finished")
        # the year is in the warehouse: what is staged of it is of no further use, this run's
        # and every ended run's (the stages loaded are earlier runs' when steps were picked
        # alone or a run re-executed from a failed step: the parse's stayed until the next
        # parse); a run still going keeps its own
        discard_ended_runs_stages(context, raw_pages.staging_dir, year, own=True)
        claims.let_go(context.run.run_id)  # the year is loaded: nothing of it is this run's now
        published = warehouse.publish(say=context.log.warning)
        if published.note:
            context.log.warning(published.note)
        for other, sources in left_behind.items():
            context.log.warning(
                f"report year {other}: {', '.join(sources)} quarantined for a copy no longer "
                "loaded as its reason says; in no fact table until that year is loaded again"
            )
        by_name = {r.name: r for r in relations}
        metadata: dict[str, dg.RawMetadataValue] = {
            # Dagster's table metadata: the Columns tab, the table's name and size (all years);
            # dagster/partition_row_count and rows.<table> are this year's
            "dagster/column_schema": table_schema(by_name[MAIN_TABLE]),
            "dagster/table_name": f"{CATALOG}.main.{MAIN_TABLE}",
            "dagster/row_count": rows[MAIN_TABLE],
            "dagster/partition_row_count": written.get(MAIN_TABLE, 0),
            "quarantined": written.get("quarantine", 0),
            "review_decisions": reviews,
            **{f"rows.{t}": n for t, n in written.items()},
            # e.g. loaded.template_2021, quarantined.parse
            **{
                f"{o}.{'template_' if o == 'loaded' else ''}{d}": int(n)
                for o, d, n in outcomes.itertuples(index=False)
            },
            "outcomes": dg.MetadataValue.md(
                charts.markdown_table(outcomes) if len(outcomes) else "No raw files this year."
            ),
            "published": published.replaced,
            # years whose copies of a report are in no fact table: loaded again by the
            # automation (gx_pipeline.defs.staleness, COPY_GONE)
            COPIES_LEFT_BEHIND: dg.MetadataValue.json(left_behind),
            # the whole warehouse's agencies and flags, one JSON value (not plotted per partition)
            "agencies": dg.MetadataValue.json(dataclasses.asdict(agencies)),
        }
        if len(by_outcome):
            png = charts.requests_by_outcome_png(by_outcome)
            metadata["requests_by_outcome"] = dg.MetadataValue.md(
                "Requests handled by outcome (stacked), newly received (line) and handled (mark), "
                "column 总计 (or the sum of the applicant columns where 总计 is blank), all years "
                "in the warehouse, over the real agencies' reports whose every figure is known: a "
                "report with a blank figure is left out, never counted as 0 (under each year: "
                "reports drawn of reports with section 三, and how many of those drawn need "
                "review: needs_review_reports). Generated (synthetic) reports are in "
                "no bar (generated_reports: those with every figure known, left out).\n\n"
                + charts.markdown_image(png, "requests by outcome per report year")
                + "\n\n"
                + charts.markdown_table(by_outcome.astype(object).where(by_outcome.notna(), "–"))
            )
        # whole-warehouse counts as one table value: numbers of every year are no plot over the
        # year partitions; each table's and view's columns behind a [Show Table Schema] link
        metadata["tables"] = dg.MetadataValue.table(
            [
                dg.TableRecord({"name": r.name, "kind": r.kind, "rows": rows.get(r.name)})
                for r in relations
            ],
            schema=dg.TableSchema(
                columns=[
                    dg.TableColumn("name", "string"),
                    dg.TableColumn("kind", "string", description="table | view"),
                    dg.TableColumn(
                        "rows", "int", description="rows of every year; none for a view"
                    ),
                ]
            ),
        )
        metadata.update(
            {f"columns.{r.name}": table_schema(r) for r in relations if r.name != MAIN_TABLE}
        )
        return dg.MaterializeResult(metadata=metadata)


@contextmanager
def disk_full_fails_the_step(where: Path, what: str, staged: bool = False) -> Iterator[None]:
    """A step that finds the disk full fails with one line that says so, naming the file and
    the room left (the cause `gx run` prints and the UI shows), and is not retried: the disk
    stays full until someone frees it. A staging step's own rows (`staged`: the folder
    `where`) are removed, so the failed run gives back the room it took; the working and the
    published file clean up after themselves (gx_pipeline.warehouse.files)."""
    try:
        yield
    except Exception as err:
        full = explain(err, where, what)
        if full is None:
            raise
        if staged:
            shutil.rmtree(where, ignore_errors=True)
            # the step's and the year's folders too, once no other run's stage is in them
            for folder in (where.parent, where.parent.parent):
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise dg.Failure(description=str(full), allow_retries=False) from err


def table_schema(relation: Relation) -> dg.TableSchema:
    """A table or view of the warehouse as Dagster's TableSchema, described by its comments."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                c.name,
                c.type,
                description=c.comment,
                constraints=dg.TableColumnConstraints(nullable=c.nullable),
            )
            for c in relation.columns
        ]
    )


def _gone(folder: Path) -> str:
    """Why a year's folder holds no pages for the run, said of what is at its path: a file
    there (a zip of the year saved without its extension, a sync that replaced the folder) is
    not "missing" to a user who sees it."""
    if folder.is_symlink() and not folder.exists():
        return f"{folder} is a broken link, not a folder"
    if folder.exists():
        return f"{folder} is a file, not a folder: the year's pages go in a folder of that name"
    return f"{folder} is missing"
