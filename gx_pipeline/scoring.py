"""Score parser outputs against truth records (generated pages or hand-checked real ones).

A report is matched to its truth by file name: the report's `source` (its last path
component) equals the truth's `source`, or the truth file's stem plus the page's extension.
Cells are compared on their value: equal numbers (floats within 1e-9), or both null.

Besides wrong and missing values, the scorer counts guesses: `extra` is the number of non-null
cells the parser emitted that the truth does not label, except cells a truth lists under
`unlabelled` (`{"section", "row"[, "col"]}` objects: cells the page shows but whose column or
row cannot be known without guessing, left out of `cells` on purpose). And it counts reports by
their trust status (`trust`, as `gx parse` writes it): a `clean` report that holds a wrong or
extra value is a failure of the trust status itself, so `clean_but_wrong` must be 0.

Example (also on the command line as `gx score TRUTH_DIR FILE...`):

    import json
    from pathlib import Path
    from gx_pipeline.scoring import score, format_summary

    reports = [json.loads(p.read_text()) for p in Path("out").glob("*.json")]
    print(format_summary(score(Path("data/truth"), reports)))
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

META_FIELDS: tuple[str, ...] = ("agency", "year", "published", "template")

Key = tuple[str, str, str]


@dataclass(frozen=True)
class CellError:
    source: str
    section: str
    row: str
    col: str
    expected: Any
    got: Any

    def __str__(self) -> str:
        return (
            f"{self.source} {self.section}.{self.row}.{self.col}: "
            f"expected {self.expected!r}, got {self.got!r}"
        )


@dataclass(frozen=True)
class ReportScore:
    source: str
    cells: int
    correct: int
    wrong: tuple[CellError, ...]
    missing: tuple[CellError, ...]
    extra: int
    meta_ok: dict[str, bool]
    flags_found: tuple[str, ...]
    flags_missing: tuple[str, ...]
    error_expected: str | None = None
    #: the report's trust status and reasons, when the parse gave them
    trust: str | None = None
    trust_reasons: tuple[str, ...] = ()
    #: the keys of the extra non-null cells
    extra_cells: tuple[Key, ...] = ()

    @property
    def badness(self) -> int:
        return len(self.wrong) + len(self.missing)

    @property
    def clean_but_wrong(self) -> bool:
        """Said to be clean, yet a value is wrong or a number stands where the truth has none."""
        return self.trust == "clean" and bool(self.wrong or self.extra)


@dataclass(frozen=True)
class ScoreSummary:
    reports: tuple[ReportScore, ...]
    #: truth sources for which no report was given
    unmatched_truths: tuple[str, ...] = ()
    #: report sources for which no truth exists
    unmatched_reports: tuple[str, ...] = ()
    meta_correct: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        return sum(r.cells for r in self.reports)

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.reports)

    @property
    def accuracy(self) -> float:
        return self.correct / self.cells if self.cells else 1.0

    @property
    def wrong(self) -> tuple[CellError, ...]:
        return tuple(e for r in self.reports for e in r.wrong)

    @property
    def missing(self) -> tuple[CellError, ...]:
        return tuple(e for r in self.reports for e in r.missing)

    @property
    def extra(self) -> int:
        return sum(r.extra for r in self.reports)

    @property
    def trust_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.reports:
            key = r.trust or "unknown"
            out[key] = out.get(key, 0) + 1
        return out

    @property
    def reason_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.reports:
            for code in r.trust_reasons:
                out[code] = out.get(code, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def clean_but_wrong(self) -> tuple[ReportScore, ...]:
        return tuple(r for r in self.reports if r.clean_but_wrong)

    @property
    def flags_expected(self) -> int:
        return sum(len(r.flags_found) + len(r.flags_missing) for r in self.reports)

    @property
    def flags_found(self) -> int:
        return sum(len(r.flags_found) for r in self.reports)

    def worst(self, n: int = 5) -> list[ReportScore]:
        bad = [r for r in self.reports if r.badness]
        return sorted(bad, key=lambda r: (-r.badness, r.source))[:n]


def same_value(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected == got
    try:
        return math.isclose(float(expected), float(got), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return expected == got


def load_truths(truth_dir: Path) -> dict[str, dict[str, Any]]:
    """Truth records under truth_dir (recursively), by their file stem."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(truth_dir).rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record, dict) and "cells" in record:
            out[path.stem] = record
    return out


def _name(source: str | None) -> str:
    return PurePosixPath(str(source or "").replace("\\", "/")).name


def _match(report: dict[str, Any], truths: dict[str, dict[str, Any]]) -> str | None:
    name = _name(report.get("source"))
    if not name:
        return None
    for stem, truth in truths.items():
        if _name(truth.get("source")) == name:
            return stem
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem if stem in truths else None


def _flag_found(flag: str, problems: Iterable[str]) -> bool:
    """A flag `a.b` is found in a problem line that starts with it, followed by `.`, `:` or end."""
    for line in problems:
        text = str(line).strip()
        if text.startswith(flag) and (len(text) == len(flag) or text[len(flag)] in ".: "):
            return True
    return False


def score_report(truth: dict[str, Any], report: dict[str, Any]) -> ReportScore:
    source = _name(truth.get("source")) or _name(report.get("source"))
    expected: dict[Key, Any] = {
        (c["section"], c["row"], c["col"]): c.get("value") for c in truth.get("cells", [])
    }
    got: dict[Key, Any] = {
        (c["section"], c["row"], c["col"]): c.get("value") for c in report.get("cells", [])
    }
    wrong: list[CellError] = []
    missing: list[CellError] = []
    correct = 0
    for key, value in expected.items():
        if key not in got:
            missing.append(CellError(source, *key, value, None))
        elif same_value(value, got[key]):
            correct += 1
        else:
            wrong.append(CellError(source, *key, value, got[key]))
    unlabelled = [(u["section"], u["row"], u.get("col")) for u in truth.get("unlabelled") or ()]
    extra_cells = tuple(
        key
        for key, value in got.items()
        if key not in expected
        and value is not None
        and not any(key[:2] == u[:2] and u[2] in (None, key[2]) for u in unlabelled)
    )
    meta_ok = {f: truth.get(f) == report.get(f) for f in META_FIELDS}
    problems = report.get("problems") or []
    flags = list(truth.get("expect_flags") or [])
    found = tuple(f for f in flags if _flag_found(f, problems))
    return ReportScore(
        source=source,
        cells=len(expected),
        correct=correct,
        wrong=tuple(wrong),
        missing=tuple(missing),
        extra=len(extra_cells),
        extra_cells=extra_cells,
        meta_ok=meta_ok,
        flags_found=found,
        flags_missing=tuple(f for f in flags if f not in found),
        error_expected=truth.get("expect_error_contains"),
        trust=report.get("trust"),
        trust_reasons=tuple(report.get("trust_reasons") or ()),
    )


def score(truth_dir: Path, reports: list[dict[str, Any]]) -> ScoreSummary:
    """Compare parser outputs (contract-shaped dicts) with the truth records in truth_dir."""
    truths = load_truths(truth_dir)
    scores: list[ReportScore] = []
    seen: set[str] = set()
    unmatched_reports: list[str] = []
    for report in reports:
        stem = _match(report, truths)
        if stem is None:
            unmatched_reports.append(_name(report.get("source")))
            continue
        seen.add(stem)
        scores.append(score_report(truths[stem], report))
    meta_correct = {f: sum(1 for s in scores if s.meta_ok[f]) for f in META_FIELDS}
    return ScoreSummary(
        reports=tuple(scores),
        unmatched_truths=tuple(
            sorted(_name(truths[s].get("source")) or s for s in truths if s not in seen)
        ),
        unmatched_reports=tuple(unmatched_reports),
        meta_correct=meta_correct,
    )


def format_summary(summary: ScoreSummary, *, max_listed: int = 20) -> str:
    n = len(summary.reports)
    lines = [
        f"reports scored: {n}"
        + (
            f" (no truth for {len(summary.unmatched_reports)})" if summary.unmatched_reports else ""
        ),
        # 0/0 is no accuracy: "100.00%" of nothing read as a perfect score
        f"cell accuracy: {summary.correct}/{summary.cells} = {summary.accuracy:.2%}"
        if summary.cells
        else "cell accuracy: 0/0 (no cell scored)",
        (
            f"wrong values: {len(summary.wrong)}   missing values: {len(summary.missing)}   "
            f"extra values (numbers the truth does not label): {summary.extra}"
        ),
        "metadata: " + "  ".join(f"{f} {summary.meta_correct.get(f, 0)}/{n}" for f in META_FIELDS),
        f"expected flags found: {summary.flags_found}/{summary.flags_expected}",
        "trust: "
        + "  ".join(f"{k} {v}" for k, v in sorted(summary.trust_counts.items()))
        + f"   clean but wrong: {len(summary.clean_but_wrong)}"
        + (f" of {summary.trust_counts.get('clean', 0)} clean" if n else ""),
    ]
    if summary.reason_counts:
        lines.append("reasons: " + "  ".join(f"{k} {v}" for k, v in summary.reason_counts.items()))
    if summary.wrong:
        lines.append("wrong:")
        lines += [f"  {e}" for e in summary.wrong[:max_listed]]
        if len(summary.wrong) > max_listed:
            lines.append(f"  … and {len(summary.wrong) - max_listed} more")
    if summary.clean_but_wrong:
        lines.append("clean but wrong:")
        lines += [
            f"  {r.source}: {len(r.wrong)} wrong, {r.extra} extra" for r in summary.clean_but_wrong
        ]
    extra = [(r.source, k) for r in summary.reports for k in r.extra_cells]
    if extra:
        lines.append("extra values:")
        lines += [f"  {s} {'.'.join(k)}" for s, k in extra[:max_listed]]
        if len(extra) > max_listed:
            lines.append(f"  … and {len(extra) - max_listed} more")
    missing_flags = [(r.source, f) for r in summary.reports for f in r.flags_missing]
    if missing_flags:
        lines.append("flags not raised:")
        lines += [f"  {s}: {f}" for s, f in missing_flags[:max_listed]]
    meta_bad = [(r.source, f) for r in summary.reports for f, ok in r.meta_ok.items() if not ok]
    if meta_bad:
        lines.append("metadata wrong:")
        lines += [f"  {s}: {f}" for s, f in meta_bad[:max_listed]]
    worst = summary.worst()
    if worst:
        lines.append("worst reports (wrong + missing):")
        lines += [
            f"  {r.source}: {len(r.wrong)} wrong, {len(r.missing)} missing of {r.cells}"
            for r in worst
        ]
    if summary.unmatched_reports:
        lines.append("reports without truth: " + ", ".join(summary.unmatched_reports[:10]))
    return "\n".join(lines)
