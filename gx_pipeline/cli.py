"""The `gx` command line.

gx parse FILE...                      one JSON line per file, in the contract's shape
gx sample --n N --seed S --out DIR    generated pages with their truth
gx score TRUTH_DIR FILE...            parse FILEs (or read JSON lines) and compare with truth
gx run [--years 2019-2025] [--allow-shrink]  materialize report years through Dagster, a summary
gx status [--years 2019-2025]         per year: what is loaded, quarantined, failing, last run;
                                      stale or current, and what the automation does next
gx fetch MANIFEST [...]               archive report pages from the web (gx fetch --help)
gx export --out DIR [...]             every warehouse table and view as Parquet or CSV
gx release --out DIR [...]            a versioned, citable release of the warehouse (Parquet,
                                      datapackage.json, dictionary, quality report, SHA256SUMS)
gx dictionary [--check]               regenerate docs/data-dictionary.md from the schema
gx review [--export FILE]             decide on flagged reports looking at each page (a local
                                      web application on 127.0.0.1), or export the decisions
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from gx_pipeline.parsing import ParseError, parse_bytes, parse_file


def _parse_lines(files: Sequence[str]) -> Iterator[tuple[dict, bool]]:
    """One record per file, in the contract's shape with the report's trust status; a file that
    cannot be read, or whose parse fails in any way, gives a record with an `error` field and
    the batch goes on."""
    from gx_pipeline.trust import NEEDS_REVIEW, UNREADABLE, assess

    stdin_read = False
    for name in files:
        try:
            # `-` is the standard input, as for cat: `curl … | gx parse -`; a second `-` finds
            # it used up, which is no empty page
            if name == "-" and stdin_read:
                raise ParseError(name, "the standard input was read already (by an earlier -)")
            stdin_read = stdin_read or name == "-"
            report = parse_bytes(sys.stdin.buffer.read(), name) if name == "-" else parse_file(name)
            record = report.to_json()
            trust = assess(report)
        except ParseError as exc:
            yield _named(_error_record(name, exc.reason, NEEDS_REVIEW, UNREADABLE), name), False
            continue
        except Exception as exc:  # noqa: BLE001 - one page must never end the batch
            reason = f"the parser failed on this file: {exc!r}"
            yield _named(_error_record(name, reason, NEEDS_REVIEW, UNREADABLE), name), False
            continue
        record["trust"] = trust.status
        record["trust_reasons"] = list(trust.reasons)
        yield _named(record, name), True


def _named(record: dict, name: str) -> dict:
    """`source` as dim_report.source writes a file name: one that is not UTF-8 (unzip's GBK
    names) percent-encoded and said so in `problems`, never its raw bytes in the line, which
    is then no UTF-8 and no JSON a reader takes as it is."""
    from gx_pipeline.staging.inventory import name_note, safe_name

    raw = os.fsencode(Path(name).name)
    source, encoded = safe_name(raw)
    if encoded:
        record["source"] = source
        record["problems"] = [*record["problems"], name_note(raw)]
    return record


def _error_record(name: str, reason: str, status: str, code: str) -> dict:
    return {
        "source": Path(name).name,
        "error": reason,
        "agency": None,
        "year": None,
        "published": None,
        "template": None,
        "cells": [],
        "problems": [f"page: {reason}"],
        "trust": status,
        "trust_reasons": [code],
    }


def cmd_parse(args: argparse.Namespace) -> int:
    from gx_pipeline.staging.inventory import one_line, safe_name

    failed = 0
    out = sys.stdout
    # one record per file, in order; a record's source is the file's name only, so the file
    # that failed is named here as it was given (two sites' index.html are two files)
    for name, (record, ok) in zip(args.files, _parse_lines(args.files), strict=True):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        if not ok:
            failed += 1
            given = one_line(safe_name(os.fsencode(name))[0])
            print(f"gx parse: {given}: {record['error']}", file=sys.stderr)
    if failed:
        print(f"gx parse: {failed} of {len(args.files)} files could not be read", file=sys.stderr)
    return 1 if failed else 0


def cmd_sample(args: argparse.Namespace) -> int:
    from gx_pipeline.pagegen import sample

    kinds = tuple(k for k in (args.documents or "").split(",") if k)
    paths = sample(args.n, args.seed, Path(args.out), kinds)
    print(f"wrote {len(paths)} pages to {args.out}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from gx_pipeline.scoring import format_summary, score

    if not Path(args.truth_dir).is_dir():
        why = "not a folder" if Path(args.truth_dir).exists() else "no such folder"
        print(
            f"gx score: {args.truth_dir}: {why} (TRUTH_DIR holds the truth records)",
            file=sys.stderr,
        )
        return 2
    reports: list[dict] = []
    for name in args.files:
        if name.endswith((".jsonl", ".ndjson")):
            try:
                reports.extend(_parses(name))
            except (OSError, ValueError) as exc:
                print(f"gx score: {name}: {_unread(exc)}", file=sys.stderr)
                return 2
        else:
            reports.extend(record for record, _ in _parse_lines([name]))
    summary = score(Path(args.truth_dir), reports)
    print(format_summary(summary))
    if not summary.reports:
        print("gx score: no page had a truth record to compare with", file=sys.stderr)
        return 1
    return 0


def _parses(name: str) -> Iterator[dict]:
    """The records of a .jsonl of gx parse's lines; a line that is no JSON raises ValueError
    naming it."""
    with open(name, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"line {number}: not JSON ({exc.msg})") from None


def _unread(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _years(spec: str | None) -> list[str]:
    from gx_pipeline.defs.runner import available_years, parse_years

    if spec is None:  # no --years: every year with pages (an empty --years is an error)
        return available_years()
    try:
        return parse_years(spec)
    except ValueError as err:
        raise SystemExit(f"gx: --years {spec}: {err}") from None


def cmd_run(args: argparse.Namespace) -> int:
    # Dagster is imported only here: parse/sample/score stay quick
    from gx_pipeline.datadir import DataDir, not_a_folder
    from gx_pipeline.defs.home import dagster_home, unwritable
    from gx_pipeline.defs.runner import (
        StepProgress,
        exit_code,
        format_summary,
        materialize_years,
        outside_year_folders,
    )
    from gx_pipeline.warehouse.files import unwritable_folder

    years = _years(args.years)
    home, root = dagster_home(), DataDir.default().root
    # what makes every step fail: said once, before anything runs
    for why, what, where in (
        (unwritable(home), "Dagster's run records cannot be written to", f"DAGSTER_HOME={home}"),
        (not_a_folder(root), "the data folder cannot be written:", f"GX_DATA_DIR={root}"),
    ):
        if why is not None:
            variable = where.split("=")[0]
            print(
                f"gx run: {what} {where}: {why}. Point {variable} at a folder gx run may write "
                "(nothing was run)",
                file=sys.stderr,
            )
            return 1
    if (why := unwritable_folder(DataDir.default().work_database.parent)) is not None:
        print(f"gx run: {why} (nothing was run)", file=sys.stderr)
        return 1
    print(f"gx run: {len(years)} report year(s): {', '.join(years)}", file=sys.stderr)
    try:
        summaries = materialize_years(
            years,
            progress=None if args.quiet else StepProgress(years),
            allow_shrink=args.allow_shrink,
            page_seconds=args.page_seconds,
        )
    except Exception as err:
        full = _disk_full(err) or _records_lost(err) or _cannot_open_the_warehouse(err)
        if full is None:
            raise
        # the steps' failures were printed as they came; this is what stopped the run itself
        print(f"gx run: {full}", file=sys.stderr)
        return 1
    print(format_summary(summaries))
    outside = outside_year_folders(DataDir.default().raw_dir)
    if outside:
        print(f"\n{outside}")
    return exit_code(summaries)


def _disk_full(err: BaseException) -> str | None:
    """What `gx run` says when a full disk stopped it outside a step: Dagster's records under
    DAGSTER_HOME (SQLite: "disk I/O error"), or the warehouse read for the summary."""
    from gx_pipeline.datadir import DataDir
    from gx_pipeline.defs.home import dagster_home
    from gx_pipeline.diskspace import explain

    home = dagster_home()
    chain = f"{type(err).__module__} {err!r} {err.__cause__!r} {err.__context__!r}".lower()
    if "sqlite" in chain or "sqlalchemy" in chain:
        full = explain(err, home, f"Dagster's run records (DAGSTER_HOME={home})")
    else:
        full = explain(err, DataDir.default().work_database, "the working warehouse")
    return None if full is None else str(full)


def _records_lost(err: BaseException) -> str | None:
    """What `gx run` says when Dagster's run records could no longer be reached during the run
    because DAGSTER_HOME went (removed: a cleaner of /tmp, an `rm -rf`) or stopped being
    writable; None for any other error (SQLite's own says only "unable to open database
    file")."""
    from gx_pipeline.defs.home import dagster_home

    chain = f"{type(err).__module__} {err!r} {err.__cause__!r} {err.__context__!r}".lower()
    if "sqlite" not in chain and "sqlalchemy" not in chain:
        return None
    home = dagster_home()
    if not home.is_dir():
        why = "the folder is gone (removed while the run went on?)"
    elif not os.access(home, os.W_OK):
        why = "the folder cannot be written any more"
    else:
        return None
    return (
        f"Dagster's run records under DAGSTER_HOME={home} cannot be written: {why}. The year "
        "being run was not finished; the next gx run starts the records again and runs it"
    )


def _cannot_open_the_warehouse(err: BaseException) -> str | None:
    """What `gx run` says when the working warehouse could not be opened outside a step (for
    the summary, or the derived objects and a publish before the first year): a session that
    holds it longer than the lock is waited for (the DuckDB CLI or a notebook, read-only or
    read-write), a file that cannot be read or rebuilt, one another process wrote that cannot
    be set aside (WorkingFileChanged). None for any other error."""
    import duckdb

    from gx_pipeline.datadir import DataDir
    from gx_pipeline.warehouse.files import (
        WarehouseDamaged,
        WorkFolderUnwritable,
        WorkingFileChanged,
        cannot_open,
    )

    if isinstance(err, WorkingFileChanged):  # it says what was not run, and what to do
        return str(err)
    if isinstance(err, (WorkFolderUnwritable, WarehouseDamaged)):
        return f"{err} (the years' steps said above how they ended)"
    if not isinstance(err, duckdb.IOException):
        return None
    return f"{cannot_open(DataDir.default().work_database, err, writing=True)} (the years' steps said above how they ended)"


def cmd_status(args: argparse.Namespace) -> int:
    import duckdb

    from gx_pipeline.datadir import DataDir
    from gx_pipeline.definitions import build_definitions
    from gx_pipeline.defs.home import local_instance
    from gx_pipeline.defs.liveness import one_look
    from gx_pipeline.defs.runner import (
        format_automation,
        format_status,
        last_runs,
        loaded_years,
        outside_year_folders,
        stale_derived_said,
        year_status,
    )
    from gx_pipeline.warehouse.files import WarehouseFiles, cannot_open

    layout = DataDir.default()
    if args.mark_failed is not None:
        from gx_pipeline.defs.liveness import mark_failed

        try:
            done = mark_failed(local_instance(), args.mark_failed, layout.staging_dir)
        except ValueError as refused:
            print(f"gx status: {refused}", file=sys.stderr)
            return 1
        print(f"gx status: {done}", file=sys.stderr)
    database = layout.published_database
    if (database.is_symlink() or database.exists()) and not database.is_file():
        # a folder, a link to nothing: not a warehouse never loaded (its years would say 0)
        print(f"gx status: {cannot_open(database, FileNotFoundError(database))}", file=sys.stderr)
        return 1
    years = _years(args.years)
    if args.years is None:  # and the years loaded whose folder is gone: the warehouse serves them
        years = sorted(set(years) | set(loaded_years(database)))
    instance = local_instance()
    graph = build_definitions(layout.root).resolve_asset_graph()
    with one_look():  # the runs in flight: each one's engine events read once for the page
        runs = last_runs(instance, years, graph)
        try:
            rows = year_status(database, years, runs)
        except duckdb.Error as err:  # not a DuckDB file, damaged, or a writer holds its lock
            print(f"gx status: {cannot_open(database, err)}", file=sys.stderr)
            return 1
        print(format_status(rows))
        if stale := stale_derived_said(database):
            print(f"\n{stale}")
        if behind := WarehouseFiles(layout.work_database, database).behind():
            print(f"\n{behind}: the figures above are its own; the next `gx run` publishes it")
        outside = outside_year_folders(layout.raw_dir)
        if outside:
            print(f"\n{outside}")
        print()
        print(format_automation(instance, layout.raw_dir, rows, graph))
    return 0


def _main_fetch(argv: Sequence[str]) -> int:
    from gx_pipeline.fetch import main_fetch

    return main_fetch(argv)


def _main_export(argv: Sequence[str]) -> int:
    from gx_pipeline.warehouse.export import main_export

    return main_export(argv)


def _main_release(argv: Sequence[str]) -> int:
    from gx_pipeline.warehouse.release import main_release

    return main_release(argv)


def _main_review(argv: Sequence[str]) -> int:
    from gx_pipeline.review.command import main_review

    return main_review(argv)


def _main_dictionary(argv: Sequence[str]) -> int:
    from gx_pipeline.warehouse.dictionary import main as main_dictionary

    return main_dictionary(argv)


#: subcommands with their own argument parser: everything after the name is theirs, --help too
PASSTHROUGH: dict[str, tuple[Callable[[Sequence[str]], int], str]] = {
    "fetch": (_main_fetch, "archive report pages listed in a manifest CSV, exactly as served"),
    "export": (_main_export, "write every warehouse table and view as Parquet or CSV files"),
    "release": (_main_release, "write a versioned, citable release of the warehouse"),
    "dictionary": (_main_dictionary, "regenerate (or --check) docs/data-dictionary.md"),
    "review": (_main_review, "decide on flagged reports looking at each page, or export"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gx", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse report pages into the contract's JSON, one line each")
    p.add_argument("files", nargs="+", metavar="FILE", help="a page's file; - reads standard input")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("sample", help="write generated report pages with their truth")
    p.add_argument("--n", type=int, required=True, help="how many pages")
    p.add_argument("--seed", type=int, default=0, help="the same seed writes the same pages (0)")
    p.add_argument(
        "--out", required=True, help="folder: the pages in OUT/pages, their truth in OUT/truth"
    )
    p.add_argument(
        "--documents",
        metavar="KINDS",
        help="also write each web page's report as documents: pdf, docx, doc, lopdf, scan "
        "(comma-separated; pdf and scan need Chromium, doc and lopdf LibreOffice)",
    )
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("score", help="compare parses with truth")
    p.add_argument(
        "truth_dir", metavar="TRUTH_DIR", help="folder of truth records (*.json, searched below)"
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="pages to parse, or .jsonl parses")
    p.set_defaults(func=cmd_score)

    years_help = "report years: 2019-2025, 2019,2021 or 2020 (default: every year with raw pages)"
    p = sub.add_parser("run", help="materialize report years through Dagster (gx_yearly_job)")
    p.add_argument("--years", help=years_help)
    p.add_argument("--quiet", action="store_true", help="no progress lines, only the summary")
    p.add_argument(
        "--allow-shrink",
        action="store_true",
        help="replace a year even if its folder is missing, empty, or has fewer than half the "
        "entries of the year's last load (refused by default: the year's rows stay)",
    )
    p.add_argument(
        "--page-seconds",
        type=float,
        metavar="S",
        help="quarantine a page the parser has not finished after S seconds (default 180; "
        "0 = no limit)",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("status", help="per report year: loaded, quarantined, failing, last run")
    p.add_argument("--years", help=years_help)
    p.add_argument(
        "--mark-failed",
        metavar="RUN",
        help="first mark the run in flight RUN (its id, or the start of it) failed and free its "
        "pool slots: a run whose process is gone or not known here (refused while its process "
        "runs on this machine)",
    )
    p.set_defaults(func=cmd_status)

    for name, (_, summary) in PASSTHROUGH.items():
        # listed for `gx --help` only: main() hands their arguments over before parsing
        sub.add_parser(name, help=f"{summary} (gx {name} --help)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in PASSTHROUGH:
            run, _ = PASSTHROUGH[argv[0]]
            code = run(argv[1:])
        else:
            args = build_parser().parse_args(argv)
            code = args.func(args)
        # what is still buffered is written here, not at exit where a closed pipe is no longer
        # ours to handle (output into a pipe is written in blocks)
        sys.stdout.flush()
        sys.stderr.flush()
        return code
    except BrokenPipeError:
        gone = _readers_gone()
        if not gone:
            raise  # a socket's or a child's pipe: not ours to hide
        # the reader of our output went away (`gx parse … | head`): end as `yes | head` does,
        # quietly; that descriptor points at /dev/null so the flush at exit does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in gone:
            os.dup2(devnull, fd)
        return 128 + signal.SIGPIPE


def _readers_gone() -> list[int]:
    """Of stdout and stderr, those that are a pipe whose reading end is closed (poll: POLLERR)."""
    poll = select.poll()
    for fd in (1, 2):
        with contextlib.suppress(OSError, ValueError):
            poll.register(fd, select.POLLOUT)
    return [fd for fd, events in poll.poll(0) if events & select.POLLERR]


if __name__ == "__main__":
    sys.exit(main())
