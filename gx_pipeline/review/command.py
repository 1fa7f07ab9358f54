"""`gx review`: serve the review application, or export the decisions.

gx review                        serve on http://127.0.0.1:8765 (loopback only)
gx review --port 9000 --reviewer 王明
gx review --export decisions.csv   every decision with its attachment now (.csv or .json; the
                                   CSV, for spreadsheets, starts with a UTF-8 byte order mark)
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from gx_pipeline import csvfiles
from gx_pipeline.review.log import REVIEW_COLUMNS, ReviewLog, ReviewLogError
from gx_pipeline.review.queue import LOG_CELLS, LOG_REVIEWS, ReviewData, ReviewDataError

DEFAULT_PORT = 8765
#: the columns of an export, in order
EXPORT_COLUMNS = (
    *REVIEW_COLUMNS,
    "in_force",
    "attachment",
    "needs_second_look",
    "parser_version_now",
)


def export(data: ReviewData, out: Path) -> int:
    """Every decision of the log with what it is attached to in the published warehouse now, as
    CSV or JSON by the file's suffix. Returns the number written."""
    with data.connect() as conn:
        frame = conn.execute(
            f"select * from review_status_of('{LOG_REVIEWS}', '{LOG_CELLS}') order by made_at"
        ).df()
    frame = frame[list(EXPORT_COLUMNS)]
    frame["made_at"] = frame["made_at"].map(lambda t: t.isoformat())
    frame["cells"] = frame["cells"].map(lambda cells: " ".join(cells))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        out.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif out.suffix.lower() == ".csv":
        # a note starting with = + - @ would be a formula in a spreadsheet: quoted as text.
        # With a byte order mark: Excel on a Chinese Windows machine reads a CSV without one
        # as GBK (reviewers' names and notes garbled); pandas and DuckDB skip it
        frame.map(_inert).to_csv(out, index=False, encoding=csvfiles.ENCODING)
    else:
        raise ValueError(f"{out}: export to a .csv or .json file")
    return len(frame)


def _inert(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def main_review(argv: Sequence[str] | None = None) -> int:
    from gx_pipeline.datadir import DataDir

    layout = DataDir.default()
    parser = argparse.ArgumentParser(
        prog="gx review",
        description="Decide on the warehouse's flags looking at each page (a local web "
        "application), or export the decisions.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"({DEFAULT_PORT})")
    parser.add_argument(
        "--reviewer", default=None, help="the name decisions are made under (default: login)"
    )
    parser.add_argument(
        "--database",
        default=str(layout.published_database),
        help="the published warehouse (read only; default data/warehouse.duckdb)",
    )
    parser.add_argument(
        "--log", default=str(layout.reviews_log), help="the decisions (data/reviews.jsonl)"
    )
    parser.add_argument("--export", metavar="FILE", help="write the decisions to FILE and exit")
    args = parser.parse_args(argv)
    data = ReviewData(Path(args.database), ReviewLog(args.log), layout.raw_dir, layout.archive_dir)
    if args.export:
        try:
            n = export(data, Path(args.export))
        except (ReviewDataError, ReviewLogError, ValueError, duckdb.Error) as err:
            print(f"gx review: {err}", file=sys.stderr)
            return 2
        print(f"gx review: {n} decisions written to {args.export}")
        return 0
    return serve(data, args.host, args.port, args.reviewer or _login())


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def serve(data: ReviewData, host: str, port: int, reviewer: str) -> int:
    import uvicorn

    from gx_pipeline.review.app import Settings, create_app

    hosts = ("127.0.0.1", "localhost", "::1", "[::1]")
    if host not in hosts:
        print(
            f"gx review: listening on {host}: anyone who can reach it can record decisions",
            file=sys.stderr,
        )
        hosts = (*hosts, host)
    settings = Settings(
        data.database, data.log.path, data.raw_dir, data.archive_dir, reviewer, hosts
    )
    print(f"gx review: http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    return 0
