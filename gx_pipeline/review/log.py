"""The reviewers' decisions: an append-only log of JSON lines, `data/reviews.jsonl`.

The decisions are kept apart from the warehouse on purpose: the published warehouse is read-only
and replaced on every publish, and the working file belongs to the pipeline (one writer). The
review application appends here; the pipeline copies the whole log into the warehouse tables
`reviews` and `review_cells` each time it writes a year (gx_pipeline.warehouse.reviews), so a
decision survives any number of re-runs of its year and parser changes, and is re-attached to its
cells by the raw page's sha256 and the cell's key (the view review_status says how).

Nothing is ever rewritten: a later decision on the same flag (or, for a correction, the same
cell) supersedes the earlier one, which stays in the log and in `reviews`.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from gx_pipeline.diskspace import append_whole, named_when_full

#: what a reviewer does when the disk is full: the decision was not recorded
DECIDE_AGAIN = "Free space there and make the decision again: it was not recorded"

CONFIRM, DISMISS, CORRECT = "confirm", "dismiss", "correct"
ACTIONS = (CONFIRM, DISMISS, CORRECT)
#: where a flag comes from: the report's trust reasons, a failing tally identity, or the
#: cross-year quality flags (report_flags)
KINDS = ("trust", "tally", "quality")


class ReviewLogError(ValueError):
    """A decision that cannot be recorded, or a log line that cannot be read (names the file and
    the line)."""


@dataclass(frozen=True)
class CellSeen:
    """A cell as the reviewer saw it when deciding: re-attaching compares the facts with this."""

    key: str  # section.row.col
    raw: str | None
    value: float | None
    loc: tuple[int | None, int | None, int | None] = (None, None, None)

    @property
    def parts(self) -> tuple[str, str, str]:
        return split_key(self.key)


@dataclass(frozen=True)
class Decision:
    decision_id: str
    made_at: str  # ISO 8601, UTC
    reviewer: str
    action: str  # confirm | dismiss | correct
    note: str
    report_id: str
    raw_sha256: str
    report_year: int
    source: str
    parser_version: str
    #: the flag decided on (for a correction: the flag it was made under, if any)
    kind: str
    flag: str
    subject: str
    #: a correction: the cell and the value the reviewer read on the page
    cell: str | None = None
    corrected_value: float | None = None
    cells: tuple[CellSeen, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        out = asdict(self)
        out["cells"] = [
            {"key": c.key, "raw": c.raw, "value": c.value, "loc": list(c.loc)} for c in self.cells
        ]
        return out

    @classmethod
    def from_json(cls, record: dict) -> Decision:
        cells = tuple(
            CellSeen(c["key"], c.get("raw"), c.get("value"), tuple(c.get("loc") or (None,) * 3))
            for c in record.get("cells") or ()
        )
        fields = {k: record.get(k) for k in cls.__dataclass_fields__ if k != "cells"}
        decision = cls(**fields, cells=cells)
        decision.check()
        return decision

    def check(self) -> None:
        """Raise ReviewLogError unless the decision is complete."""
        if self.action not in ACTIONS:
            raise ReviewLogError(f"action {self.action!r}: one of {', '.join(ACTIONS)}")
        if self.kind not in KINDS:
            raise ReviewLogError(f"kind {self.kind!r}: one of {', '.join(KINDS)}")
        for name in ("decision_id", "made_at", "reviewer", "note", "report_id", "raw_sha256"):
            if not str(getattr(self, name) or "").strip():
                raise ReviewLogError(f"{name} is required (who, when and why are kept)")
        if self.action == CORRECT:
            # corrected_value None: the cell is blank on the page
            if not self.cell:
                raise ReviewLogError("a correction names the cell it corrects")
            if self.cell not in {c.key for c in self.cells}:
                raise ReviewLogError(f"the corrected cell {self.cell} is not among its cells")
        for c in self.cells:
            split_key(c.key)


def split_key(key: str) -> tuple[str, str, str]:
    """`requests.withheld.admin_query.total` -> (requests, withheld.admin_query, total): the
    section is the first part and the column the last; row codes may hold dots."""
    parts = key.split(".")
    if len(parts) < 3 or not all(parts):
        raise ReviewLogError(f"cell key {key!r}: section.row.col")
    return parts[0], ".".join(parts[1:-1]), parts[-1]


def cell_key(section: str, row: str, col: str) -> str:
    return f"{section}.{row}.{col}"


def new_decision(**values: object) -> Decision:
    """A decision made now, with a fresh id; checked."""
    decision = Decision(
        decision_id=uuid.uuid4().hex,
        made_at=datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        **values,  # type: ignore[arg-type]
    )
    decision.check()
    return decision


class ReviewLog:
    """The decisions file. Appends hold an exclusive lock and write one whole line with one
    write() on a file opened for appending, then fsync: a reader sees whole lines only."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def append(self, decision: Decision) -> None:
        """Add the decision as one whole line, or raise (DiskFull on a full disk) leaving the
        log as it was."""
        decision.check()
        line = (json.dumps(decision.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
        with named_when_full(self.path, "the reviewers' decisions", False, DECIDE_AGAIN):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                append_whole(fd, line)
            finally:
                os.close(fd)  # closing releases the lock

    def read(self) -> list[Decision]:
        """Every decision in the order made. A line that is not a whole, valid decision raises
        ReviewLogError naming the file and the line: no decision is skipped unseen."""
        if not self.path.exists():
            return []
        out: list[Decision] = []
        with self.path.open("rb") as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_SH)
            data = f.read()
        for no, raw in enumerate(data.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                out.append(Decision.from_json(json.loads(raw)))
            except (ValueError, TypeError, KeyError) as err:
                raise ReviewLogError(f"{self.path}, line {no}: not a decision: {err}") from None
        if data and not data.endswith(b"\n"):
            raise ReviewLogError(f"{self.path}: the last line is cut off (no line end)")
        return out


#: columns of the warehouse table reviews (sql/09_reviews.sql), in order
REVIEW_COLUMNS = (
    "decision_id",
    "made_at",
    "reviewer",
    "action",
    "note",
    "report_id",
    "raw_sha256",
    "report_year",
    "source",
    "parser_version",
    "kind",
    "flag",
    "subject",
    "cell",
    "corrected_value",
    "cells",
)
CELL_COLUMNS = (
    "decision_id",
    "cell",
    "section",
    "row",
    "col",
    "raw",
    "value",
    "source_table",
    "source_tr",
    "source_td",
)


def frames(decisions: Sequence[Decision]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of reviews and review_cells."""
    reviews = pd.DataFrame(
        [
            {
                **{k: getattr(d, k) for k in REVIEW_COLUMNS if k != "cells"},
                "made_at": pd.Timestamp(d.made_at),
                "cells": [c.key for c in d.cells],
            }
            for d in decisions
        ],
        columns=list(REVIEW_COLUMNS),
    )
    cells = pd.DataFrame(
        [
            {
                "decision_id": d.decision_id,
                "cell": c.key,
                **dict(zip(("section", "row", "col"), c.parts, strict=True)),
                "raw": c.raw,
                "value": c.value,
                "source_table": c.loc[0],
                "source_tr": c.loc[1],
                "source_td": c.loc[2],
            }
            for d in decisions
            for c in d.cells
        ],
        columns=list(CELL_COLUMNS),
    )
    reviews = reviews.astype(
        {
            "report_year": "Int32",
            "corrected_value": "Float64",
            "cell": "string",
        }
    )
    reviews["made_at"] = pd.to_datetime(reviews["made_at"], utc=True)
    cells = cells.astype(
        {"value": "Float64", "source_table": "Int32", "source_tr": "Int32", "source_td": "Int32"}
    )
    cells = cells.astype({"raw": "string"})
    return reviews, cells


def latest(decisions: Iterable[Decision]) -> dict[tuple, Decision]:
    """The decision in force per flag (raw_sha256, kind, flag, subject) and per corrected cell
    (raw_sha256, 'cell', key): the last one made."""
    out: dict[tuple, Decision] = {}
    for d in sorted(decisions, key=lambda d: (d.made_at, d.decision_id)):
        if d.action == CORRECT:
            out[(d.raw_sha256, "cell", d.cell)] = d
        else:
            out[(d.raw_sha256, d.kind, d.flag, d.subject)] = d
    return out
