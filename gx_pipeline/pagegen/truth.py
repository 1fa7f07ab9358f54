"""The truth record of one generated page: what a correct parser must return for it.

Its JSON has the contract's report shape (source, agency, year, published, template, cells)
plus what the generator did to the page (`style`, `defects`), which sections the page shows in
full (`complete`), the identities the numbers break on purpose (`broken_identities`) and the
problem tokens the parser must raise (`expect_flags`, each `section.row.col`, `section.row`,
`section` or `meta.field`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gx_pipeline.report import Number


@dataclass(frozen=True)
class TruthCell:
    section: str
    row: str
    col: str
    value: Number | None

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "row": self.row, "col": self.col, "value": self.value}


@dataclass(frozen=True)
class Truth:
    source: str
    agency: str | None
    year: int | None
    published: str | None
    template: str | None
    cells: tuple[TruthCell, ...]
    style: str
    defects: tuple[str, ...] = ()
    complete: dict[str, bool] = field(default_factory=dict)
    broken_identities: tuple[str, ...] = ()
    expect_flags: tuple[str, ...] = ()
    expect_error_contains: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "template": self.template,
            "cells": [c.to_json() for c in self.cells],
            "generated": True,
            "style": self.style,
            "defects": list(self.defects),
            "complete": dict(self.complete),
            "broken_identities": list(self.broken_identities),
            "expect_flags": list(self.expect_flags),
        }
        if self.expect_error_contains is not None:
            out["expect_error_contains"] = self.expect_error_contains
        return out
