"""Parsed records: what the parser produces for one page, in the contract's JSON shape."""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Number = int | float


class Cell(NamedTuple):
    """One template cell as the page gave it (a NamedTuple: a report has ~200, built in the
    parser's hot loop, and tuples are several times cheaper to make than frozen dataclasses).

    `table`, `tr` and `td` locate the cell in the source: on an HTML page the 1-based index of
    the data table, the row within it and the cell within the row; in a text copy table is 0, tr
    the line number and td the field in the line. They are None when the page has no cell for
    this position (a truncated row).
    """

    section: str
    row: str
    col: str
    value: Number | None
    raw: str | None = None
    table: int | None = None
    tr: int | None = None
    td: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "section": self.section,
            "row": self.row,
            "col": self.col,
            "value": self.value,
            "raw": self.raw,
        }
        if self.table is not None:
            out["loc"] = [self.table, self.tr, self.td]
        return out


@dataclass(frozen=True)
class Report:
    source: str
    agency: str | None
    year: int | None
    published: str | None
    template: str | None
    cells: tuple[Cell, ...] = ()
    problems: tuple[str, ...] = ()
    #: which sections were found complete on the page, e.g. {"requests": True}
    complete: dict[str, bool] = field(default_factory=dict)
    sha256: str | None = None
    #: reason codes the parser raised while reading the page (gx_pipeline.parsing.problems):
    #: each says the report holds a guess or leaves something out; see gx_pipeline.trust
    flags: tuple[str, ...] = ()
    #: the prose of each section of the report, keyed 一 … 六 and 前言 (the text before section
    #: 一): gx_pipeline.parsing.narrative
    narrative: dict[str, str] = field(default_factory=dict)
    #: where the page says it is published (address, site_code, domain):
    #: gx_pipeline.parsing.site
    site: dict[str, str] = field(default_factory=dict)
    #: the requests rows whose 总计 counts requests of a column the template lacks (个体工商户)
    #: that the parser left out, holding a number other than 0 there (flag
    #: applicants_outside_template): the template's six do not sum to such a 总计, and
    #: gx_pipeline.tally does not assess their requests.row_total. In the JSON only when any.
    total_counts_left_out: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the parse workers send every report to the run's process: a Cell pickles through
        # NamedTuple's Python-level __getnewargs__ and is rebuilt by its Python __new__, a plain
        # tuple in C (~200 cells a report: 0.65 -> 0.35 ms a report both ways, garbage
        # collection included); the cells go as their 8 columns, not ~200 tuples, and are
        # zipped back in C (0.30 -> 0.13 ms a report both ways)
        return (
            _unpickle_report,
            (
                self.source,
                self.agency,
                self.year,
                self.published,
                self.template,
                self.cell_columns,
                self.problems,
                self.complete,
                self.sha256,
                self.flags,
                self.narrative,
                self.site,
                self.total_counts_left_out,
            ),
        )

    @functools.cached_property
    def cell_columns(self) -> tuple[tuple[Any, ...], ...]:
        """The cells as their 8 columns (section, row, col, value, raw, table, tr, td; () when
        there are none), made once: the pickle sends the cells so, the report unpickled keeps
        them, and the run's process reads its rows and tally from them (transposing ~200 cells
        again cost 0.023 ms a page each time, twice a page). The cells cannot change (a frozen
        report of tuples), so neither can their columns."""
        return tuple(zip(*self.cells, strict=True))

    def to_json(self) -> dict[str, Any]:
        out = {
            "source": self.source,
            "agency": self.agency,
            "year": self.year,
            "published": self.published,
            "template": self.template,
            "cells": [c.to_json() for c in self.cells],
            "problems": list(self.problems),
            "flags": list(self.flags),
            "complete": dict(self.complete),
            "sha256": self.sha256,
            "narrative": dict(self.narrative),
            "site": dict(self.site),
        }
        if self.total_counts_left_out:
            out["total_counts_left_out"] = list(self.total_counts_left_out)
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)

    def value(self, section: str, row: str, col: str) -> Number | None:
        for c in self.cells:
            if (c.section, c.row, c.col) == (section, row, col):
                return c.value
        return None

    def grid(self) -> dict[tuple[str, str, str], Cell]:
        return {(c.section, c.row, c.col): c for c in self.cells}


_new_tuple = tuple.__new__


def _unpickle_report(
    source: str,
    agency: str | None,
    year: int | None,
    published: str | None,
    template: str | None,
    columns: tuple[tuple[Any, ...], ...],
    *rest: Any,
) -> Report:
    """A pickled Report back (Report.__reduce__): its cells' columns zipped and made Cells in C."""
    report = Report(
        source,
        agency,
        year,
        published,
        template,
        tuple(map(_new_tuple, itertools.repeat(Cell), zip(*columns))),
        *rest,
    )
    report.__dict__["cell_columns"] = columns  # Report.cell_columns, as it was sent
    return report
