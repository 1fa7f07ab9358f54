"""Generated report pages with known truth, for testing and scoring the parser.

Every page is drawn from a random but consistent set of values and carries the hazards of real
pages (docs/HAZARDS.md); its truth record says what a correct parser returns for it. Output is
deterministic: the same seed gives byte-identical pages and truths.

    from gx_pipeline.pagegen import sample
    sample(24, seed=7, out_dir=Path("/tmp/gen"))   # /tmp/gen/pages/*, /tmp/gen/truth/*.json
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from gx_pipeline.pagegen.styles import STYLES, GeneratedPage, make_page

__all__ = ["STYLES", "GeneratedPage", "make_page", "page_for", "sample", "write_page"]

YEARS: tuple[int, ...] = tuple(range(2019, 2026))


def template_for(year: int, rng: random.Random) -> str:
    """The format a report of `year` uses: 2019 before 2021, then mostly 2021 (late adopters)."""
    if year < 2021:
        return "2019"
    return "2019" if rng.random() < 0.15 else "2021"


def page_for(seed: int, index: int) -> GeneratedPage:
    """The `index`-th page of a sample: styles cycle, years cycle at a coprime stride."""
    rng = random.Random(f"gx-pagegen:{seed}:{index}")
    style = STYLES[index % len(STYLES)]
    year = YEARS[(index * 3 + seed) % len(YEARS)]
    template = template_for(year, rng)
    breaks = ("requests.balance", "requests.results_sum", "appeals.row_total")
    broken = breaks[index % 3] if rng.random() < 0.15 and style != "images" else None
    return make_page(
        rng, index=index, style=style, year=year, template=template, break_identity_id=broken
    )


def write_page(page: GeneratedPage, page_dir: Path, truth_dir: Path) -> Path:
    page_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    path = page_dir / page.filename
    path.write_bytes(page.data)
    (truth_dir / f"{page.name}.json").write_text(
        json.dumps(page.truth.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return path


def sample(n: int, seed: int, out_dir: Path, documents: tuple[str, ...] = ()) -> list[Path]:
    """Write n generated pages to out_dir/pages and their truths to out_dir/truth.

    `documents`: kinds (pdf, docx, doc, lopdf, scan; see pagegen.documents) in which each
    printable page is also written, with its own truth, the layouts taking turns."""
    out_dir = Path(out_dir)
    paths = []
    for i in range(n):
        page = page_for(seed, i)
        paths.append(write_page(page, out_dir / "pages", out_dir / "truth"))
        if documents:
            from gx_pipeline.pagegen.documents import PRINTABLE, document_page, layouts

            if page.truth.style not in PRINTABLE or page.ext != ".html":
                continue  # a text copy is not a page a browser prints as the report
            for kind in documents:
                layout = layouts(kind)[i % len(layouts(kind))]
                made = document_page(page, kind, layout)
                paths.append(write_page(made, out_dir / "pages", out_dir / "truth"))
    return paths
