"""The web fetcher as an asset: data/manifest.csv -> data/archive/ -> data/raw/<year>/ and the
warehouse's page_versions.

The same code path as `gx fetch data/manifest.csv --archive data/archive --export-raw data/raw`
(or, with config index_pages, `gx fetch data/index-pages.csv --index-pages ...`). The asset does
not feed the yearly assets directly: the pages it places under data/raw/<year>/ are picked up
by stale_years_sensor, which runs only the years whose folders changed. (A dependency edge would
mark every year stale after each fetch, changed or not.)
"""

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
from pydantic import Field

from gx_pipeline.defs.assets import OWNERS
from gx_pipeline.defs.resources import RawPages, Warehouse, WebFetcher
from gx_pipeline.fetch import (
    FetchRecord,
    FetchSummary,
    ManifestError,
    VersionRow,
    export_to_raw,
    fetch_index_pages,
    fetch_manifest,
    manifest_from_index_pages,
    manifest_years,
    read_manifest,
    versions,
    write_manifest,
)
from gx_pipeline.fetch.archive import STOPPED_COPY_REMOVED, ArchiveBusy
from gx_pipeline.fetch.archive import now as archive_clock
from gx_pipeline.warehouse import charts, replace_page_versions

GROUP = "fetch"
#: failures and changed pages listed in the metadata; the counts cover all of them
LISTED = 50


class RawArchiveConfig(dg.Config):
    """Run config of raw_archive."""

    #: re-check every address already archived with a conditional request (ETag /
    #: Last-Modified), like `gx fetch --refresh`; otherwise only new and failed addresses go out
    refresh: bool = False
    index_pages: bool = Field(
        default=False,
        description="fetch the list pages of data/index-pages.csv and the annual reports they "
        "link (like gx fetch --index-pages) instead of data/manifest.csv",
    )
    years: list[int] = Field(
        default_factory=list,
        description="with index_pages: only the reports of these report years (empty: all)",
    )


#: warns when an address of the list could not be archived: the materialization stands (what
#: was archived is kept, and the next run asks again), so without it a run whose every address
#: failed (a site blocking us, the network down) looked like a complete one
EVERY_ADDRESS_ARCHIVED = dg.AssetCheckSpec(
    "every_address_archived",
    asset="raw_archive",
    description="Every address of the list (and of its list pages) was archived or found "
    "unchanged; WARN with the failures and their reasons otherwise, and when there is no list.",
)


@dg.asset(
    group_name=GROUP,
    kinds={"html", "duckdb"},
    owners=OWNERS,
    check_specs=[EVERY_ADDRESS_ARCHIVED],
)
def raw_archive(
    context: dg.AssetExecutionContext,
    config: RawArchiveConfig,
    raw_pages: RawPages,
    web_fetcher: WebFetcher,
    warehouse: Warehouse,
) -> dg.MaterializeResult:
    """The pages listed in data/manifest.csv (address[,agency][,year]), fetched politely and
    archived exactly as served under data/archive/ (objects named by sha256, fetches.jsonl);
    the latest version of each page with a report year copied to data/raw/<year>/, where
    stale_years_sensor loads it; and the warehouse table page_versions replaced with the
    archive's version history. Config refresh=true re-checks pages already archived for
    silent edits; index_pages=true reads agencies' list pages from data/index-pages.csv and
    fetches the reports they link (of config years only, when given). Without the list file
    nothing is fetched."""
    manifest = raw_pages.index_pages_path if config.index_pages else raw_pages.manifest_path
    metadata: dict[str, dg.RawMetadataValue] = {
        "manifest": str(manifest),
        "archive": str(raw_pages.archive_dir),
        "refresh": config.refresh,
        "index_pages": config.index_pages,
    }
    check = dg.AssetCheckResult(passed=True, metadata={"addresses": 0, "failed": 0})
    if manifest.is_file():
        # the archive's clock (ISO 8601, UTC): first_seen values compare with it as text
        started = archive_clock()
        summary, placed, lists = _fetch_and_export(
            context, manifest, raw_pages, web_fetcher, config
        )
        metadata.update(_summary_metadata(summary, placed, raw_pages.raw_dir))
        if lists is not None:
            # a list page that failed hides its agency's late reports: say so
            metadata["list_pages"] = lists.total
            metadata["list_pages_failed"] = lists.failed
            metadata["list_page_failures"] = dg.MetadataValue.md(_failures_table(lists.failures))
        check = _every_address_archived([s for s in (lists, summary) if s is not None])
    else:
        context.log.warning(f"no manifest at {manifest}: nothing fetched")
        metadata["manifest"] = f"missing: {manifest} (nothing fetched)"
        # "every address archived" of none: a data folder not mounted would pass as complete
        check = dg.AssetCheckResult(
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"manifest": metadata["manifest"], "addresses": 0, "failed": 0},
        )
        started = None
    history = versions(raw_pages.archive_dir)
    try:
        with warehouse.connect(say=context.log.warning) as conn:
            written = replace_page_versions(conn, history)
    except duckdb.IOException as err:
        # the archive is already complete; only the table waits, and a rerun without refresh
        # skips every address archived, so it costs a read of the log
        if "lock" not in str(err).lower():
            raise
        raise dg.RetryRequested(max_retries=3, seconds_to_wait=30) from err
    if started is not None:
        metadata["changed_pages"] = dg.MetadataValue.md(_changed_table(history, started))
    metadata["dagster/row_count"] = written
    metadata["addresses_in_archive"] = len({row.address for row in history})
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


def _every_address_archived(summaries: Sequence[FetchSummary]) -> dg.AssetCheckResult:
    failures = [failure for summary in summaries for failure in summary.failures]
    return dg.AssetCheckResult(
        passed=not failures,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "addresses": sum(summary.total for summary in summaries),
            "failed": len(failures),
            "failures": dg.MetadataValue.md(_failures_table(failures)),
        },
    )


def _fetch_and_export(
    context: dg.AssetExecutionContext,
    manifest: Path,
    raw_pages: RawPages,
    web_fetcher: WebFetcher,
    config: RawArchiveConfig,
) -> tuple[FetchSummary, list[Path], FetchSummary | None]:
    settings = web_fetcher.settings(refresh=config.refresh)
    lists = None
    try:
        rows = read_manifest(manifest)
        if config.index_pages:
            context.log.info(f"{len(rows)} list pages")
            read = fetch_index_pages(rows, raw_pages.archive_dir, settings, _LogProgress(context))
            lists = read.summary
            for line in read.notes():
                # a list cut short hides the reports on its later pages: a warning
                (context.log.warning if read.cut_short else context.log.info)(line)
            years = set(config.years) or None
            rows = manifest_from_index_pages(read.pages, raw_pages.archive_dir, years)
            write_manifest(rows, raw_pages.archive_dir / "found-manifest.csv")
            context.log.info(
                f"{len(rows)} reports linked"
                + (f" of {', '.join(map(str, sorted(config.years)))}" if config.years else "")
            )
        summary = fetch_manifest(rows, raw_pages.archive_dir, settings, _LogProgress(context))
    except (ManifestError, ArchiveBusy) as err:
        raise dg.Failure(description=f"{manifest}: {err}") from err
    placed = export_to_raw(
        raw_pages.archive_dir,
        raw_pages.raw_dir,
        manifest_years(rows),
        on_removed=lambda path: context.log.warning(f"{path}: {STOPPED_COPY_REMOVED}"),
    )
    return summary, placed, lists


class _LogProgress:
    """A log line every tenth of the manifest, so a long fetch shows it is moving."""

    def __init__(self, context: dg.AssetExecutionContext) -> None:
        self.context = context
        self.counts: Counter[str] = Counter()

    def __call__(self, record: FetchRecord, done: int, total: int) -> None:
        self.counts[record.outcome] += 1
        if done == total or done % max(total // 10, 1) == 0:
            self.context.log.info(
                f"{done}/{total} addresses: "
                + ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.counts.items()))
            )


def _summary_metadata(
    summary: FetchSummary, placed: Sequence[Path], raw_dir: Path
) -> "dict[str, dg.RawMetadataValue]":
    years = sorted({p.relative_to(raw_dir).parts[0] for p in placed})
    return {
        "addresses": summary.total,
        "fetched": summary.fetched,
        "changed": summary.changed,
        "unchanged": summary.unchanged,
        "skipped": summary.skipped,
        "retried": summary.retried,
        "failed": summary.failed,
        # reports attached to notice pages (their failures are in `failures`)
        "attachments": summary.attachments,
        "failures": dg.MetadataValue.md(_failures_table(summary.failures)),
        "raw_pages": len(placed),
        "raw_years": ", ".join(years) or "none",
    }


def _failures_table(failures: Sequence[tuple[str, str]]) -> str:
    if not failures:
        return "No address failed."
    frame = pd.DataFrame(
        [(address, reason.replace("|", "/")) for address, reason in failures[:LISTED]],
        columns=["address", "reason"],
    )
    more = f"\n\n… and {len(failures) - LISTED} more." if len(failures) > LISTED else ""
    return charts.markdown_table(frame) + more


def _changed_table(history: Sequence[VersionRow], started: str) -> str:
    """Pages that came back with new content in this run (a version >= 2 first seen now)."""
    changed = [row for row in history if row.version > 1 and row.first_seen >= started]
    if not changed:
        return "No archived page changed."
    frame = pd.DataFrame(
        [(row.address, row.version, row.first_seen) for row in changed[:LISTED]],
        columns=["address", "version", "first_seen"],
    )
    more = f"\n\n… and {len(changed) - LISTED} more." if len(changed) > LISTED else ""
    return charts.markdown_table(frame) + more
