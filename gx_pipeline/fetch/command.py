"""`gx fetch MANIFEST`: archive a manifest's pages, with a progress line and a summary table.

    gx fetch MANIFEST [--archive DIR] [--refresh] [--concurrency N] [--per-host N] [--delay S]
    gx fetch --index-pages LISTS.csv     rows are agencies' report list pages: archive them,
                                         write the report links found to --found, fetch those
    gx fetch ... --export-raw data/raw   then copy the latest version of each page with a
                                         report year into data/raw/<year>/

Exit status: 0 when every address is archived, 1 when some failed (listed in the summary) or
the disk filled up (said in one line; run again once there is room), 2 for a bad manifest or a
busy archive, 130 when interrupted (run again to resume).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from gx_pipeline.diskspace import explain, named_when_full
from gx_pipeline.fetch.archive import (
    FETCH_AGAIN,
    STOPPED_COPY_REMOVED,
    ArchiveBusy,
    FetchRecord,
    export_to_raw,
)
from gx_pipeline.fetch.client import FetchSettings
from gx_pipeline.fetch.manifest import (
    ManifestError,
    manifest_years,
    read_manifest,
    write_manifest,
)
from gx_pipeline.fetch.run import (
    FetchSummary,
    fetch_index_pages,
    fetch_manifest,
    manifest_from_index_pages,
)

DEFAULTS = FetchSettings()


def build_parser(prog: str = "gx fetch") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("manifest", metavar="MANIFEST", help="CSV: address[,agency][,year]")
    parser.add_argument("--archive", default="data/archive", help="archive folder (data/archive)")
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="re-check archived addresses (conditional requests) instead of skipping",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULTS.concurrency,
        help=f"requests in flight in all (default {DEFAULTS.concurrency})",
    )
    parser.add_argument(
        "--per-host",
        type=int,
        default=DEFAULTS.per_host,
        help=f"requests in flight to one host (default {DEFAULTS.per_host})",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=DEFAULTS.delay,
        help=f"seconds between requests to one host (default {DEFAULTS.delay})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULTS.read_timeout,
        help=f"read timeout in seconds (default {DEFAULTS.read_timeout})",
    )
    parser.add_argument(
        "--total-timeout",
        type=float,
        default=DEFAULTS.total_timeout,
        help="seconds for one request in all, however slowly the server sends "
        f"(default {DEFAULTS.total_timeout:g})",
    )
    parser.add_argument(
        "--attempts",
        type=int,
        default=DEFAULTS.attempts,
        help=f"tries on 5xx, 429 and timeouts (default {DEFAULTS.attempts})",
    )
    parser.add_argument(
        "--retry-after-max",
        type=float,
        default=DEFAULTS.retry_after_max,
        help="longest wait in seconds granted to a 429 or 503's Retry-After before the next "
        f"try; a longer one is cut to this and said (default {DEFAULTS.retry_after_max:g})",
    )
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="allow loopback/private targets (tests against a local server); "
        "GX_FETCH_ALLOW_PRIVATE=1 does the same",
    )
    parser.add_argument("--ignore-robots", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--index-pages",
        action="store_true",
        help="MANIFEST lists agencies' report list pages; fetch the reports they link",
    )
    parser.add_argument(
        "--found",
        help="with --index-pages: where to write the reports found "
        "(default <archive>/found-manifest.csv)",
    )
    parser.add_argument(
        "--export-raw",
        metavar="RAW_DIR",
        help="afterwards place the latest pages with a year into RAW_DIR/<year>/",
    )
    return parser


def main_fetch(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = FetchSettings(
        concurrency=args.concurrency,
        per_host=args.per_host,
        delay=args.delay,
        read_timeout=args.timeout,
        total_timeout=args.total_timeout,
        attempts=args.attempts,
        retry_after_max=args.retry_after_max,
        allow_private=args.allow_private,
        honour_robots=not args.ignore_robots,
        refresh=args.refresh,
    )
    try:
        rows = read_manifest(args.manifest)
        stages = []
        if args.index_pages:
            print(f"list pages: {len(rows)}", file=sys.stderr)
            lists = fetch_index_pages(rows, args.archive, settings, ProgressLine(sys.stderr))
            stages.append(("list pages", lists.summary))
            for line in lists.notes():
                print(f"gx fetch: {line}", file=sys.stderr)
            rows = manifest_from_index_pages(lists.pages, args.archive)
            found = Path(args.found or Path(args.archive) / "found-manifest.csv")
            with named_when_full(found, "the list of reports found", False, FETCH_AGAIN):
                write_manifest(rows, found)
            print(f"reports found on them: {len(rows)} (written to {found})", file=sys.stderr)
        stages.append(
            ("reports" if args.index_pages else "addresses", _fetch(rows, args.archive, settings))
        )
        for name, summary in stages:
            print(format_summary(summary, name))
        if args.export_raw:
            placed = export_to_raw(
                args.archive,
                args.export_raw,
                manifest_years(rows),
                on_removed=lambda path: print(
                    f"gx fetch: {path}: {STOPPED_COPY_REMOVED}", file=sys.stderr
                ),
            )
            print(f"placed {len(placed)} pages under {args.export_raw}/<year>/")
    except KeyboardInterrupt:
        print(
            "\ngx fetch: interrupted; everything fetched so far is archived, run again to resume",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:
        # a full disk stops the run (every next write would fail too): said as such, exit 1
        full = explain(exc, args.archive, "the archive", remedy=FETCH_AGAIN)
        if full is not None:
            print(f"gx fetch: {full}", file=sys.stderr)
            return 1
        print(f"gx fetch: {exc}", file=sys.stderr)
        return 2
    except (ManifestError, ArchiveBusy, ValueError) as exc:
        print(f"gx fetch: {exc}", file=sys.stderr)
        return 2
    return 1 if any(summary.failed for _, summary in stages) else 0


def _fetch(rows, archive: str, settings: FetchSettings) -> FetchSummary:
    return fetch_manifest(rows, archive, settings, ProgressLine(sys.stderr))


class ProgressLine:
    """A one-line progress bar on a terminal; a line every 5% when stderr is a file or a pipe."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self._last_reported = -1

    def __call__(self, record: FetchRecord, done: int, total: int) -> None:
        self.counts[record.outcome] += 1
        share = done / total if total else 1.0
        filled = int(share * self.width)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} "
            f"fetched {self.counts['fetched']} unchanged {self.counts['unchanged']} "
            f"failed {self.counts['failed']}  {rate:.1f}/s"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done == total else ""))
        elif int(share * 20) != self._last_reported or done == total:
            self._last_reported = int(share * 20)
            self.stream.write(line + "\n")
        self.stream.flush()


def format_summary(summary: FetchSummary, name: str = "addresses") -> str:
    rows = [
        ("fetched (new content)", summary.fetched),
        ("  of which changed pages", summary.changed),
        ("unchanged", summary.unchanged),
        ("skipped (already archived)", summary.skipped),
        ("failed", summary.failed),
        ("attached reports archived", summary.attachments),
        ("needed retries", summary.retried),
        (name, summary.total),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {count:>7}" for label, count in rows]
    if summary.failures:
        lines.append("")
        lines.append("failures by reason:")
        by_reason = Counter(_reason_kind(reason) for _, reason in summary.failures)
        for reason, count in by_reason.most_common():
            lines.append(f"  {count:>6}  {reason}")
        lines.append("first failures:")
        lines.extend(f"  {address}  {reason}" for address, reason in summary.failures[:10])
    return "\n".join(lines)


def _reason_kind(reason: str) -> str:
    # "redirect loop: a -> b -> a" and "disallowed by robots.txt: URL" group by what happened
    return reason.split(":", 1)[0] if ":" in reason else reason
