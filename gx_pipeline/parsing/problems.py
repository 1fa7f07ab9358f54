"""Problem lines and the reason codes they raise.

Every `problems` line says in words what the parser saw. A line that is a guess, or that says a
value on the page was not put into the facts, also raises a reason code: the codes are what a
program (the warehouse, `gx_pipeline.trust`) reads to tell a report that needs a reader's eye
from one that does not. Purely informational lines (a charset the page declared wrongly, a 序号
column left out) raise none. docs/CONTRACT.md, "Trust status", describes every code.
"""

from __future__ import annotations

from collections.abc import Iterable

#: values on the page that are not in the facts: a row or column the template lacks, a row whose
#: value cells do not fit the template's columns, an unlabelled row with no place, a cell that is
#: not a value
CELLS_UNPLACED = "cells_unplaced"
#: a row label matched by its distinctive core or as a near-miss, not by the template's wording
FUZZY_LABEL = "fuzzy_label"
#: a row without a label, placed by its position between labelled rows
POSITIONAL_ROW = "positional_row"
#: year, agency or publication date inferred rather than read (the year from the publication
#: date, the year the text mentions most, the opening sentence overruled)
METADATA_GUESSED = "metadata_guessed"
#: the page names no agency, or states no report year
METADATA_MISSING = "metadata_missing"
#: the publication date is on or before the last day of the report year: no annual report can
#: be published before its year ends, so the year or the date is wrong (the year is kept)
DATE_CONTRADICTS_YEAR = "date_contradicts_year"
#: the format version taken from the year, or the page mixes both versions
TEMPLATE_GUESSED = "template_guessed"
#: the page does not hold the whole report: a section, a row or cells are not on it (cut off,
#: tables as images, an attachment)
INCOMPLETE = "incomplete"
#: a bare number in a column whose header states no unit, taken in the contract's unit
UNIT_ASSUMED = "unit_assumed"
#: cells the copy does not show, taken as empty by a rule of the copy's layout (the last row of
#: a text copy's table, whose trailing empty cells the copy leaves out)
CELLS_ASSUMED_EMPTY = "cells_assumed_empty"
#: of the readings the layout allows, the only one under which the tally identities hold
READING_BY_IDENTITY = "reading_by_identity"
#: the header and the numbers disagree on the order of the columns and nothing tells which is
#: right; the template's order is taken
COLUMN_ORDER_GUESSED = "column_order_guessed"
#: a row shown twice with different numbers; one copy is kept
DUPLICATE_ROW = "duplicate_row"
#: bytes that decode in no encoding the page could be in were replaced
ENCODING_DAMAGED = "encoding_damaged"
#: the requests table draws a kind of applicant the template lacks (个体工商户) whose requests
#: its 总计 counts: those values are left out (with cells_unplaced), and requests.row_total,
#: the sum of the template's six, is not assessable on the rows where that column holds a
#: number other than 0 (Problems.total_counts_left_out, Report.total_counts_left_out)
APPLICANTS_OUTSIDE_TEMPLATE = "applicants_outside_template"

#: every code the parser raises, in the order reports list them
CODES: tuple[str, ...] = (
    CELLS_UNPLACED,
    FUZZY_LABEL,
    POSITIONAL_ROW,
    METADATA_GUESSED,
    METADATA_MISSING,
    DATE_CONTRADICTS_YEAR,
    TEMPLATE_GUESSED,
    INCOMPLETE,
    UNIT_ASSUMED,
    CELLS_ASSUMED_EMPTY,
    READING_BY_IDENTITY,
    COLUMN_ORDER_GUESSED,
    DUPLICATE_ROW,
    ENCODING_DAMAGED,
    APPLICANTS_OUTSIDE_TEMPLATE,
)
_ORDER = {code: k for k, code in enumerate(CODES)}


class Problems(list[str]):
    """The problem lines of one page, and the reason codes the guesses among them raised.

    `total_counts_left_out`: the requests rows whose 总计 counts requests of a column the
    template lacks, left out, that holds a number other than 0 there (APPLICANTS_OUTSIDE_TEMPLATE):
    the tally does not assess their requests.row_total."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        super().__init__(lines)
        self.codes: set[str] = set()
        self.total_counts_left_out: set[str] = set()

    def flag(self, code: str, line: str) -> None:
        """A line that is a guess or leaves a value out: said, and its code raised."""
        assert code in _ORDER, code
        self.append(line)
        self.codes.add(code)

    def raise_code(self, code: str) -> None:
        """A code whose line another step already wrote."""
        assert code in _ORDER, code
        self.codes.add(code)

    def absorb(self, other: Problems | Iterable[str]) -> None:
        self.extend(other)
        if isinstance(other, Problems):
            self.codes |= other.codes
            self.total_counts_left_out |= other.total_counts_left_out


def ordered(codes: Iterable[str]) -> tuple[str, ...]:
    """Codes without repeats, in the catalogue's order."""
    return tuple(sorted(set(codes), key=lambda c: _ORDER.get(c, len(_ORDER))))
