"""Charts of the warehouse for people who look at the Dagster UI: small PNGs, no Dagster import.

Dagster renders markdown metadata with its own markdown component; an image given as a
`data:image/png;base64,…` URI shows inline (checked in headless Chromium by
gx_pipeline_tests/test_browser.py), so a chart travels as one markdown metadata value.
"""

from __future__ import annotations

import base64
import io

import pandas as pd

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


def requests_by_outcome_png(by_outcome: pd.DataFrame) -> bytes:
    """A stacked bar per report year of requests handled by outcome, with the requests newly
    received as a line. `by_outcome` has columns report_year, outcome, requests
    (sql/queries/requests_by_outcome.sql)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    wide = by_outcome.pivot_table(
        index="report_year", columns="outcome", values="requests", aggfunc="sum", fill_value=0
    ).sort_index()
    years = [str(y) for y in wide.index]
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=90)
    try:
        bottom = pd.Series(0.0, index=wide.index)
        for code, label in HANDLED_OUTCOMES.items():
            values = wide[code] if code in wide else pd.Series(0.0, index=wide.index)
            ax.bar(years, values, bottom=bottom, label=label, width=0.6)
            bottom = bottom + values
        if "new_received" in wide:
            ax.plot(years, wide["new_received"], color="black", marker="o", label="newly received")
        ax.set_title("Disclosure requests handled by outcome, per report year (all reports)")
        ax.set_ylabel("requests")
        ax.legend(fontsize=7, ncols=2, loc="upper left", frameon=False)
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


def markdown_table(frame: pd.DataFrame) -> str:
    """A small frame as a markdown table (no tabulate dependency)."""
    head = "| " + " | ".join(map(str, frame.columns)) + " |\n"
    rule = "|" + "---|" * len(frame.columns) + "\n"
    body = "".join("| " + " | ".join(map(str, row)) + " |\n" for row in frame.itertuples(False))
    return head + rule + body
