"""Charts of the warehouse for people who look at the Dagster UI: small PNGs, no Dagster import.

Dagster renders markdown metadata with its own markdown component; an image given as a
`data:image/png;base64,…` URI shows inline (checked in headless Chromium by
gx_pipeline_tests/test_browser.py), so a chart travels as one markdown metadata value.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Outcomes of section 三 in the order they are stacked, with English legend labels (the
#: default matplotlib font has no CJK glyphs).
HANDLED_OUTCOMES: dict[str, str] = {
    "granted": "granted",
    "partially_granted": "partially granted",
    "withheld": "withheld",
    "unavailable": "unavailable",
    "not_processed": "not processed",
    "other": "other handling",
}


def requests_by_outcome_bars(by_year: pd.DataFrame) -> pd.DataFrame:
    """What the chart draws, per report year: one column per outcome of HANDLED_OUTCOMES,
    new_received and results_total, from `by_year` (sql/queries/requests_by_outcome.sql: sums
    over the reports whose every figure is known). A year without such a report has no bar
    (NaN), not a bar of height 0."""
    frame = by_year.set_index("report_year").sort_index()
    columns = [*HANDLED_OUTCOMES, "new_received", "results_total"]
    bars = frame.reindex(columns=columns).astype(float)
    bars.loc[frame["complete_reports"] == 0, :] = float("nan")
    return bars


def requests_by_outcome_labels(by_year: pd.DataFrame) -> list[str]:
    """Each year's label under its bar: the year, how many of its reports with section 三 the
    bar sums ("n of m"), and how many of those need review, since a report that contradicts
    itself is summed as printed and the flag would otherwise be nowhere in the chart."""
    counts = by_year.set_index("report_year").sort_index()
    return [
        f"{y}\n{int(counts.at[y, 'complete_reports'])} of {int(counts.at[y, 'reports'])}"
        f"\nneeds review: {int(counts.at[y, 'needs_review_reports'])}"
        for y in counts.index
    ]


def requests_by_outcome_png(by_year: pd.DataFrame) -> bytes:
    """A stacked bar per report year of requests handled by outcome, with the requests newly
    received as a line and the requests handled (总计) as a mark, over the reports whose every
    figure is known; each year's label says how many of its reports that is."""
    bars = requests_by_outcome_bars(by_year)
    years = requests_by_outcome_labels(by_year)

    def draw(ax: Axes) -> None:
        x = _stacked(
            ax, years, bars, {code: (label, None) for code, label in HANDLED_OUTCOMES.items()}
        )
        ax.plot(x, bars["new_received"], color="black", marker="o", label="newly received")
        ax.plot(
            x,
            bars["results_total"],
            color="black",
            marker="_",
            markersize=22,
            linestyle="none",
            label="handled (total)",
        )
        ax.set_title(
            "Disclosure requests handled by outcome, per report year, real agencies' reports\n"
            "(with every figure known: n of all reports with section 3, of which k need review;\n"
            "generated ones left out)",
            fontsize=10,
        )
        ax.set_ylabel("requests")
        ax.legend(fontsize=7, ncols=2, loc="upper left", frameon=False)

    return _png(draw, width=7.5)


def quality_png(by_year: pd.DataFrame) -> bytes:
    """A stacked bar per report year of its raw pages: reports loaded clean, reports loaded that
    need review, pages quarantined; the reports that contradict themselves as a mark: the real
    agencies' pages only, the generated ones counted under each year and not drawn. `by_year`
    has the columns of sql/queries/quality_by_year.sql."""
    frame = by_year.set_index("report_year").sort_index()
    years = [f"{y}\n(+{int(frame.at[y, 'generated_raw_files'])} gen.)" for y in frame.index]

    def draw(ax: Axes) -> None:
        stacks = {
            "clean": ("loaded, clean", "#4c9f70"),
            "needs_review": ("loaded, needs review", "#e0a030"),
            "quarantined": ("quarantined", "#b0b0b0"),
        }
        x = _stacked(ax, years, frame, stacks)
        contradicting = frame["contradicts_itself"]
        ax.plot(
            x,
            contradicting.where(contradicting > 0),
            color="#b03030",
            marker="x",
            linestyle="none",
            label="reports contradicting themselves",
        )
        ax.set_title(
            "Real agencies' raw pages per report year: loaded by trust status, or quarantined\n"
            "(+n gen. = generated pages besides, not drawn)",
            fontsize=10,
        )
        ax.set_ylabel("pages")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)

    return _png(draw, width=9)


def _stacked(
    ax: Axes, labels: list[str], frame: pd.DataFrame, stacks: dict[str, tuple[str, str | None]]
) -> list[int]:
    """One bar per row of `frame`, the columns of `stacks` (column -> legend label, colour)
    stacked in order, each labelled on the x axis even when it has no bar; returns the bars'
    x positions."""
    x = list(range(len(labels)))
    bottom = pd.Series(0.0, index=frame.index)
    for column, (label, color) in stacks.items():
        ax.bar(x, frame[column], bottom=bottom, label=label, width=0.6, color=color)
        bottom = bottom + frame[column]
    ax.set_xticks(x, labels)
    ax.set_xlim(-0.5, len(labels) - 0.5)  # a year without a bar keeps its place
    return x


def _png(draw: Callable[[Axes], None], width: float) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(width, 3.8), dpi=90)
    try:
        draw(ax)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
    finally:
        plt.close(fig)
    return out.getvalue()


def markdown_image(png: bytes, alt: str) -> str:
    """The PNG as a markdown image with a data: URI."""
    return f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})"


#: what could make text from a page (an agency name, a file name, a server's reason) into
#: markup: a table cell border, emphasis, a link or image, raw HTML, an entity; and an
#: underscore that is not inside a word (inside one it cannot emphasise: codes such as
#: requests.results_sum stay as they are)
_MARKUP = re.compile(r"([\\`*{}\[\]<>!#|~&]|(?<![^\W_])_|_(?![^\W_]))")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def markdown_text(value: object) -> str:
    """`value` as literal text inside markdown (a table cell or a line): every character that
    could start markup is backslash-escaped and line breaks become spaces, so an agency name
    holding `![x](http://…)` shows as text and the UI loads no image."""
    return _MARKUP.sub(r"\\\1", _BREAKS.sub(" ", "" if value is None else str(value)))


def markdown_table(frame: pd.DataFrame) -> str:
    """A small frame as a markdown table (no tabulate dependency), every cell escaped."""
    head = "| " + " | ".join(map(markdown_text, frame.columns)) + " |\n"
    rule = "|" + "---|" * len(frame.columns) + "\n"
    body = "".join(
        "| " + " | ".join(map(markdown_text, row)) + " |\n" for row in frame.itertuples(False)
    )
    return head + rule + body
