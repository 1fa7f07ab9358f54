"""Random but plausible report values for one template, with the tally identities holding.

Values are keyed by the contract's (section, row, col). Counts are small and mostly zero, as on
real pages of small agencies; `change` may be negative; amounts are in 万元. Blank cells are
`None` and are only ever placed where the value was 0 or where a real agency leaves a derived
cell blank (the 总计 column of detail rows), so an identity that held still holds or becomes
`not_assessable`, never `fail`. Breaking an identity is a separate, recorded step.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from gx_pipeline import contract, tally
from gx_pipeline.report import Cell, Number, Report

Key = tuple[str, str, str]
Values = dict[Key, Number | None]

BLANK_MODES: tuple[str, ...] = ("none", "zeros_blank", "detail_totals_blank", "sparse")
BREAKABLE: tuple[str, ...] = (
    "requests.balance",
    "requests.results_sum",
    "requests.row_total",
    "appeals.row_total",
)

_REQ_COLS = contract.APPLICANT_COLUMNS
# how likely each result leaf is to receive a request, roughly as on real pages
_LEAF_WEIGHTS: dict[str, float] = {
    "granted": 10,
    "partially_granted": 3,
    "withheld.state_secret": 0.3,
    "withheld.prohibited_by_law": 0.3,
    "withheld.security_stability": 0.2,
    "withheld.third_party": 0.5,
    "withheld.internal_affairs": 0.5,
    "withheld.process_info": 0.5,
    "withheld.enforcement_file": 0.3,
    "withheld.admin_query": 0.3,
    "unavailable.not_held": 4,
    "unavailable.needs_creation": 1,
    "unavailable.unclear": 0.5,
    "not_processed.petition": 1,
    "not_processed.duplicate": 0.5,
    "not_processed.publication": 0.2,
    "not_processed.excessive": 0.2,
    "not_processed.confirmation": 0.3,
    "other": 0.5,
    "other.no_correction": 0.5,
    "other.fee_unpaid": 0.1,
    "other.other": 0.5,
}


def _small(rng: random.Random, zero_share: float, high: int) -> int:
    return 0 if rng.random() < zero_share else rng.randint(1, high)


def _distribute(rng: random.Random, n: int, leaves: tuple[str, ...]) -> dict[str, int]:
    out = dict.fromkeys(leaves, 0)
    weights = [_LEAF_WEIGHTS[leaf] for leaf in leaves]
    for leaf in rng.choices(leaves, weights, k=n):
        out[leaf] += 1
    return out


def _amount(rng: random.Random, decimals: int) -> float | int:
    if rng.random() < 0.35:
        return 0
    value = round(rng.uniform(0.5, 900), decimals)
    return int(value) if decimals == 0 else value


def requests_values(rng: random.Random, template: str) -> Values:
    leaves = contract.RESULT_LEAVES[template]
    out: Values = {}
    scale = rng.choice((0, 3, 12, 50))
    for col in _REQ_COLS:
        high = scale if col == "natural_person" else max(scale // 6, 1)
        zero_share = 0.35 if col == "natural_person" else 0.8
        results = _small(rng, zero_share, high) if scale else 0
        split = _distribute(rng, results, leaves)
        forward = _small(rng, 0.75, 3) if results else 0
        over = rng.randint(0, min(results + forward, 3)) if rng.random() < 0.3 else 0
        for leaf, v in split.items():
            out[("requests", leaf, col)] = v
        if template == "2021":
            out[("requests", "other", col)] = sum(
                split[s] for s in ("other.no_correction", "other.fee_unpaid", "other.other")
            )
        out[("requests", "results_total", col)] = results
        out[("requests", "carried_forward", col)] = forward
        out[("requests", "carried_over", col)] = over
        out[("requests", "new_received", col)] = results + forward - over
    for r in contract.rows(template, "requests"):
        out[("requests", r.code, "total")] = sum(
            int(out[("requests", r.code, c)] or 0) for c in _REQ_COLS
        )
    return out


def appeals_values(rng: random.Random) -> Values:
    out: Values = {}
    for r in contract.APPEALS:
        parts = [_small(rng, 0.85, 3) for _ in range(4)]
        for col, v in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            out[("appeals", r.code, col)] = v
        out[("appeals", r.code, "total")] = sum(parts)
    return out


def proactive_values(rng: random.Random, template: str) -> Values:
    out: Values = {}
    for r in contract.rows(template, "proactive"):
        for c in r.columns:
            key = ("proactive", r.code, c.code)
            if c.code in ("new_made", "new_published", "issued", "repealed"):
                out[key] = _small(rng, 0.5, 12)
            elif c.code in ("total_published", "in_force"):
                out[key] = _small(rng, 0.3, 150)
            elif c.code in ("prev_items", "projects"):
                out[key] = _small(rng, 0.4, 60)
            elif c.code == "change":
                prev = int(out[("proactive", r.code, "prev_items")] or 0)
                out[key] = rng.randint(-prev, 10) if rng.random() < 0.5 else 0
            elif c.code == "decisions":
                out[key] = _small(rng, 0.45, 120)
            elif c.code == "amount":
                # the 2021 fee column is in 万元 with decimals; procurement mostly whole 万元
                out[key] = _amount(rng, 2 if r.code == "fees" else rng.choice((0, 0, 1, 2)))
    return out


def generate(rng: random.Random, template: str) -> Values:
    """All template cells of one report, every identity holding."""
    out: Values = {}
    out.update(proactive_values(rng, template))
    out.update(requests_values(rng, template))
    out.update(appeals_values(rng))
    return out


def blank(rng: random.Random, values: Mapping[Key, Number | None], mode: str) -> Values:
    """Blank cells the way agencies do; only zeros and derived 总计 cells become None."""
    out: Values = dict(values)
    if mode == "none":
        return out
    derived = ("new_received", "carried_over", "results_total", "carried_forward")
    for key, v in values.items():
        section, row, col = key
        if mode == "zeros_blank":
            hit = v == 0 and col != "total" and row != "results_total"
        elif mode == "detail_totals_blank":
            hit = section == "requests" and col == "total" and row not in derived
        else:  # sparse
            hit = v == 0 and rng.random() < 0.3
        if hit:
            out[key] = None
    return out


def report_of(values: Mapping[Key, Number | None], template: str, source: str = "") -> Report:
    cells = tuple(Cell(s, r, c, v) for (s, r, c), v in values.items())
    return Report(source, None, None, None, template, cells)


def failing_identities(values: Mapping[Key, Number | None], template: str) -> tuple[str, ...]:
    """Identity ids with at least one `fail` result on these values."""
    results = tally.evaluate(report_of(values, template))
    return tuple(sorted({t.identity for t in results if t.status == "fail"}))


def break_identity(
    rng: random.Random, values: Mapping[Key, Number | None], identity: str
) -> Values:
    """Change numbers so that `identity` fails with all its operands present.

    Other identities may fail too (cells are shared); callers record `failing_identities`.
    """
    out: Values = dict(values)
    k = rng.choice((1, 2, 3, 5, 10))

    def bump(key: Key, delta: int) -> None:
        out[key] = int(out.get(key) or 0) + delta

    if identity == "requests.balance":
        col = rng.choice(("natural_person", "enterprise"))
        bump(("requests", "carried_forward", col), k)
        bump(("requests", "carried_forward", "total"), k)
    elif identity == "requests.results_sum":
        col = rng.choice(("natural_person", "other_org"))
        bump(("requests", "granted", col), k)
        bump(("requests", "granted", "total"), k)
    elif identity == "requests.row_total":
        bump(("requests", "new_received", "total"), k)
    elif identity == "appeals.row_total":
        bump(("appeals", rng.choice(("review", "litigation_direct")), "total"), k)
    else:
        raise ValueError(f"cannot break {identity}")
    return out
