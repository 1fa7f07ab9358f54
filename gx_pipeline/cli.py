"""The `gx` command line.

    gx parse FILE...                      one JSON line per file, in the contract's shape
    gx sample --n N --seed S --out DIR    generated pages with their truth
    gx score TRUTH_DIR FILE...            parse FILEs (or read JSON lines) and compare with truth
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from gx_pipeline.parsing import ParseError, parse_file


def _parse_lines(files: Sequence[str]) -> Iterator[tuple[dict, bool]]:
    for name in files:
        try:
            yield parse_file(name).to_json(), True
        except ParseError as exc:
            yield {
                "source": Path(name).name,
                "error": exc.reason,
                "agency": None,
                "year": None,
                "published": None,
                "template": None,
                "cells": [],
                "problems": [f"page: {exc.reason}"],
            }, False


def cmd_parse(args: argparse.Namespace) -> int:
    failed = 0
    out = sys.stdout
    for record, ok in _parse_lines(args.files):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        failed += not ok
    if failed:
        print(f"gx parse: {failed} of {len(args.files)} files could not be read", file=sys.stderr)
    return 1 if failed else 0


def cmd_sample(args: argparse.Namespace) -> int:
    from gx_pipeline.pagegen import sample

    paths = sample(args.n, args.seed, Path(args.out))
    print(f"wrote {len(paths)} pages to {args.out}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from gx_pipeline.scoring import format_summary, score

    reports: list[dict] = []
    for name in args.files:
        if name.endswith((".jsonl", ".ndjson")):
            with open(name, encoding="utf-8") as fh:
                reports.extend(json.loads(line) for line in fh if line.strip())
        else:
            reports.extend(record for record, _ in _parse_lines([name]))
    summary = score(Path(args.truth_dir), reports)
    print(format_summary(summary))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gx", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse report pages into the contract's JSON, one line each")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("sample", help="write generated report pages with their truth")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("score", help="compare parses with truth")
    p.add_argument("truth_dir", metavar="TRUTH_DIR")
    p.add_argument("files", nargs="+", metavar="FILE", help="pages to parse, or .jsonl parses")
    p.set_defaults(func=cmd_score)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
