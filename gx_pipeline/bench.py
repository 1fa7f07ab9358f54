"""`make bench`: how fast pages go from bytes to DuckDB rows, against an lxml baseline.

    python -m gx_pipeline.bench [--pages 2000] [--seed 11] [--rounds 3]

Generates pages with gx_pipeline.pagegen (every style), then times on one core:

1. baseline: the design notes' "lxml.html + span expansion" anchor (lxml.html parse, every
   table's spans expanded into a grid, numeric cells emitted); our budget is 2x this, end to
   end. Printed beside it, for comparison only: the parse and a walk of the cells, no grid;
2. parse: bytes -> Report (decode, tokens, sections, metadata), per page and per style;
3. end to end: parse -> warehouse rows -> pandera validation -> Parquet staging -> DuckDB
   load in one transaction, streaming in batches of staging.BATCH_PAGES pages; then the same
   with pages parsed in one worker process per core (wall clock; the x-lxml ratio still
   divides by the one-core baseline);

each step once per round (3 rounds by default, so the VM's noise drifts over all steps
alike), and prints the medians, the ratio to the baseline, and the peak memory. No assertion:
the speed targets live here, not in the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import duckdb
from lxml import html as lxml_html

from gx_pipeline import warehouse
from gx_pipeline.machine import available_cores
from gx_pipeline.pagegen import sample
from gx_pipeline.parsing import ParseError, parse_bytes
from gx_pipeline.parsing.decode import decode
from gx_pipeline.staging import schemas, tables
from gx_pipeline.staging.parts import BATCH_PAGES, Stage, fewer_collections
from gx_pipeline.staging.pool import PageParser
from gx_pipeline.staging.tables import LoadedReport, Quarantined, RawFile


def _pin_one_core() -> set[int] | None:
    """Run on one core from here on; returns the cores the process had, to give them back."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(cores)})
    return cores


def _chrome(kb: int, site: int | None = None) -> str:
    """Portal chrome of the size real pages carry (~90 KB in all): menus, a sidebar of links,
    related-link <select>s, scripts, a footer layout table. `site`: the chrome of that site (its
    name in the menus, links and footer), the same on each of its pages; None: one chrome for all."""
    name = "" if site is None else f"第{site}号门户"
    links = "".join(
        f'<li class="nav-item"><a href="/col/col{k}/index.html" target="_blank">{name}栏目{k}：'
        f"政务公开 信息公开目录 政策文件 解读回应</a></li>"
        for k in range(40)
    )
    options = "".join(
        f'<option value="http://www.site{k}.gov.cn">{name}第{k}个链接单位网站</option>'
        for k in range(48)
    )
    block = (
        f'<div class="menu"><ul class="nav">{links}</ul></div>'
        f'<div class="related"><select onchange="window.open(this.value)">{options}</select></div>'
        '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");'
        'hm.src="https://stat.example/hm.js";})();</script>'
    )
    footer = (
        '<table class="footer" width="100%"><tr><td><a href="#">党政机关</a></td>'
        f"<td>{name}网站标识码：1234560001 ICP备案：京ICP备0000号 公安备案：11010000000</td></tr></table>"
    )
    return block * max(1, kb * 1024 // (len(block.encode("utf-8")) or 1)) + footer


def _padded(data: bytes, name: str, kb: int, site: int | None = None) -> bytes:
    """An HTML page padded with chrome (of `site`, see _chrome) to about `kb` KB, in its own
    encoding."""
    if not name.endswith(".html") or kb <= 0 or len(data) >= kb * 1024:
        return data
    text = decode(data, name)
    chrome = _chrome((kb * 1024 - len(data)) // 2048, site)
    body = text.text.replace("<body>", "<body>" + chrome, 1).replace(
        "</body>", chrome + "</body>", 1
    )
    encoding = "utf-8" if text.encoding.startswith("utf") else "gb18030"
    return body.encode(encoding)


def _baseline(pages: list[bytes]) -> float:
    """The design notes' "lxml.html + span expansion" anchor: decode, parse with lxml.html,
    expand the spans of every table that holds no other table into a grid, and emit the
    numeric origin cells as (table, row, column, value). µs per page."""
    start = time.perf_counter()
    for data in pages:
        root = lxml_html.document_fromstring(decode(data, "bench").text)
        emitted = []
        for number, table in enumerate(root.iter("table")):
            if table.find(".//table") is not None:
                continue
            rows = [
                [
                    (td.text_content(), _span(td, "rowspan"), _span(td, "colspan"))
                    for td in tr
                    if td.tag in ("td", "th")
                ]
                for tr in table.iter("tr")
            ]
            for (r, c), (text, origin) in _grid(rows).items():
                if origin and (value := _number(text)) is not None:
                    emitted.append((number, r, c, value))
    return (time.perf_counter() - start) / len(pages) * 1e6


def _walk_only(pages: list[bytes]) -> float:
    """Less than the anchor, for comparison: lxml.html parse + read every cell's text and spans,
    no grid. µs per page."""
    start = time.perf_counter()
    for data in pages:
        root = lxml_html.document_fromstring(decode(data, "bench").text)
        for td in root.iter("td", "th"):
            td.text_content()
            td.get("rowspan")
            td.get("colspan")
    return (time.perf_counter() - start) / len(pages) * 1e6


def _span(td: lxml_html.HtmlElement, name: str) -> int:
    value = td.get(name)
    return int(value) if value and value.isdigit() and value != "0" else 1


def _grid(rows: list[list[tuple[str, int, int]]]) -> dict[tuple[int, int], tuple[str, bool]]:
    """Span expansion: every grid position with its cell's text and whether it is the origin."""
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = (text, dr == 0 and dc == 0)
            c += colspan
    return grid


def _number(text: str) -> float | None:
    s = text.strip()
    if not s or not (s[0].isdigit() or s[0] in "-+."):
        return None  # a label: no exception raised and caught for it
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None


def _parse_all(pages: list[tuple[str, bytes]]) -> tuple[float, dict[str, list[float]]]:
    by_style: dict[str, list[float]] = defaultdict(list)
    start = time.perf_counter()
    for name, data in pages:
        t = time.perf_counter()
        try:
            parse_bytes(data, name)
        except ParseError:
            pass
        # gen-0007-word-2021.html -> "word.html": the style and the form
        style = f"{name.split('-')[2]}.{name.rsplit('.', 1)[-1]}"
        by_style[style].append((time.perf_counter() - t) * 1e6)
    return (time.perf_counter() - start) / len(pages) * 1e6, by_style


def _stage_batches(paths: list[Path], stage: Stage, year: int, workers: int) -> None:
    """What parsed_reports and validated_frames do, in one loop: hash (as the inventory does),
    parse (in `workers` processes), build the frames, validate, write Parquet."""
    raws = []
    for path in paths:
        data = path.read_bytes()
        raws.append(
            RawFile(path.name, str(path), hashlib.sha256(data).hexdigest(), len(data), True)
        )
    batches = [raws[first : first + BATCH_PAGES] for first in range(0, len(raws), BATCH_PAGES)]
    with PageParser(len(raws), workers, min_pages=0) as parser:
        for part, outcomes in enumerate(parser.map_batches(batches)):
            loaded = [o for o in outcomes if isinstance(o, LoadedReport)]
            quarantined = [o for o in outcomes if isinstance(o, Quarantined)]
            frames = tables.year_frames(loaded, quarantined, year)
            stage.write(part, schemas.validate_year_frames(frames, year))


def _end_to_end(paths: list[Path], work: Path, year: int, workers: int = 1) -> tuple[float, int]:
    """Parse, validate, stage and load `paths` as one report year: µs per page (wall clock),
    fact rows."""
    stage = Stage.fresh(work / "staging", year, "validated")
    start = time.perf_counter()
    with fewer_collections():  # as parsed_reports does
        _stage_batches(paths, stage, year, workers)
    conn = duckdb.connect(str(work / f"bench-{workers}.duckdb"))
    written = warehouse.load_year(conn, year, stage)
    conn.execute("checkpoint")
    conn.close()
    elapsed = time.perf_counter() - start
    facts = sum(written[t] for t in ("fact_requests", "fact_appeals", "fact_proactive"))
    return elapsed / len(paths) * 1e6, facts


_PDF_PAIRS = Path(__file__).resolve().parents[1] / "gx_pipeline_tests" / "fixtures" / "documents"


def _pdf_figures(rounds: int) -> None:
    """PDFs: pages per second through PDFium's text extraction alone (the floor of this path:
    open, load each page, its text), through the table layer (gx_pipeline.documents), and the
    whole parse; medians of `rounds`."""
    import pypdfium2 as pdfium

    from gx_pipeline.documents.pdf import read_pdf

    pdfs = [
        p.read_bytes()
        for p in sorted((_PDF_PAIRS / "pages").glob("*.pdf"))
        if "-scan-" not in p.name
    ]
    if not pdfs:
        return
    pages = sum(len(pdfium.PdfDocument(d)) for d in pdfs)

    def text_only() -> None:
        for data in pdfs:
            pdf = pdfium.PdfDocument(data)
            for page in pdf:
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            pdf.close()

    steps = {
        "PDF text extraction alone (PDFium)": text_only,
        "PDF table layer (tokens)": lambda: [read_pdf(d, "bench.pdf") for d in pdfs],
        "PDF parse: bytes -> Report": lambda: [parse_bytes(d, "bench.pdf") for d in pdfs],
    }
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for label, step in steps.items():
            start = time.perf_counter()
            step()
            timings[label].append((time.perf_counter() - start) / pages * 1e3)
    print()
    print(
        f"PDFs: {len(pdfs)} documents, {pages} pages (Chromium and LibreOffice prints of generated reports)"
    )
    print(f"{'step (one core)':<44}{'ms/page':>10}{'pages/s':>10}")
    for label in steps:
        ms = statistics.median(timings[label])
        print(f"{label:<44}{ms:>10.1f}{1e3 / ms:>10.0f}")


#: run in a fresh process: parse one file, print the peak RSS in MB and what came of it
#: (VmHWM: ru_maxrss would keep the bench's own peak across the exec)
_PEAK_RSS = """
import re, sys
from gx_pipeline.parsing import ParseError, parse_file
def peak():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s*(\\d+)", status).group(1)) / 1024
if len(sys.argv) < 2:
    print(peak(), "nothing read")
    raise SystemExit
try:
    outcome = f"{len(parse_file(sys.argv[1]).cells)} cells"
except ParseError as exc:
    outcome = "refused: " + exc.reason[:60]
print(peak(), outcome)
"""


def _large_documents() -> None:
    """Peak memory parsing a 300-page PDF (a report's pages over and over) and a 50 MB scan
    (15 A4 pages of scanner grain at 300 dpi), each in a process of its own."""
    import subprocess
    import sys
    import tempfile

    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    source = _PDF_PAIRS / "pages" / "gen-pair1-trs-2021-lopdf-portrait.pdf"
    if not source.is_file():
        return
    with tempfile.TemporaryDirectory(prefix="gx-bench-") as tmp:
        report = pdfium.PdfDocument(source.read_bytes())
        long = pdfium.PdfDocument.new()
        while len(long) < 300:
            long.import_pages(report, list(range(min(len(report), 300 - len(long)))))
        long.save(f"{tmp}/300-pages.pdf")
        grain = np.random.default_rng(1)
        pages = [
            Image.fromarray((grain.random((3508, 2480)) * 60 + 180).astype("uint8"), "L")
            for _ in range(15)
        ]
        pages[0].save(
            f"{tmp}/scan.pdf",
            "PDF",
            save_all=True,
            append_images=pages[1:],
            resolution=300,
            quality=85,
        )
        del pages
        print()
        print(f"{'large documents (a process each)':<44}{'MB':>8}{'peak RSS MB':>13}  outcome")
        for name in ("300-pages.pdf", "scan.pdf"):
            path = Path(tmp) / name
            run = subprocess.run(
                [sys.executable, "-c", _PEAK_RSS, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            peak, _, outcome = run.stdout.strip().partition(" ")
            size = path.stat().st_size / 2**20
            print(f"{name:<44}{size:>8.1f}{float(peak):>13.0f}  {outcome}")
        imports = subprocess.run(
            [sys.executable, "-c", _PEAK_RSS], capture_output=True, text=True, check=True
        )
        peak = imports.stdout.split()[0]
        print(f"{'(the parser imported, nothing read)':<44}{'':>8}{float(peak):>13.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gx bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--pad-kb",
        type=int,
        default=90,
        help="pad HTML pages with portal chrome to about this size (real pages: ~90 KB); 0: off",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="time every step this many times; medians printed"
    )
    args = parser.parse_args(argv)
    cores = _pin_one_core()
    with tempfile.TemporaryDirectory(prefix="gx-bench-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        paths = sorted(sample(args.pages, args.seed, work / "sample"))
        paths = [p for p in paths if p.parent.name == "pages"] or paths
        print(f"generated {len(paths)} pages in {time.perf_counter() - t:.1f} s")
        for p in paths:
            p.write_bytes(_padded(p.read_bytes(), p.name, args.pad_kb))
        pages = [(p.name, p.read_bytes()) for p in paths]
        html = [d for n, d in pages if n.endswith(".html")]
        sizes = [len(d) for _, d in pages]
        print(
            f"page size: mean {statistics.mean(sizes) / 1024:.1f} KB, "
            f"max {max(sizes) / 1024:.1f} KB; {len(html)} HTML pages"
        )

        # rounds, each timing every step once, so the VM's noise drifts over all steps alike;
        # the medians over the rounds are printed
        timings: dict[str, list[float]] = defaultdict(list)
        by_style: dict[str, list[float]] = {}
        facts = 0
        parallel_workers = 0
        for round_no in range(args.rounds):
            timings["base"].append(_baseline(html))
            timings["walk"].append(_walk_only(html))
            parse_us, by_style = _parse_all(pages)
            timings["parse"].append(parse_us)
            timings["parse_html"].append(
                statistics.mean(
                    v for style, vals in by_style.items() if style.endswith(".html") for v in vals
                )
            )
            e2e_us, facts = _end_to_end(paths, work / f"one-{round_no}", 2023)
            timings["e2e"].append(e2e_us)
            # then on every core, as parsed_reports runs a large year: worker processes parse
            if cores is not None and len(cores) > 1:
                os.sched_setaffinity(0, cores)
                parallel_workers = available_cores()
                timings["parallel"].append(
                    _end_to_end(paths, work / f"all-{round_no}", 2024, parallel_workers)[0]
                )
                _pin_one_core()
        base, walk, parse_us, html_parse_us, e2e_us = (
            statistics.median(timings[k]) for k in ("base", "walk", "parse", "parse_html", "e2e")
        )
        parallel = (
            (parallel_workers, statistics.median(timings["parallel"]))
            if timings["parallel"]
            else None
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        print()
        print(f"median of {args.rounds} rounds, each timing every step once")
        print(f"{'step (one core)':<44}{'µs/page':>10}{'pages/s':>10}{'x lxml':>8}")
        for label, us in (
            ("baseline: lxml.html + span expansion", base),
            ("(lxml.html + cell walk, no spans)", walk),
            ("parse: bytes -> Report, all pages", parse_us),
            ("parse: bytes -> Report, HTML styles", html_parse_us),
            ("end to end: parse..validate..stage..DuckDB", e2e_us),
        ):
            print(f"{label:<44}{us:>10.0f}{1e6 / us:>10.0f}{us / base:>8.2f}")
        if parallel is not None:
            workers, us = parallel
            label = f"end to end, {workers} worker processes (wall)"
            print(f"{label:<44}{us:>10.0f}{1e6 / us:>10.0f}{us / base:>8.2f}")
        print()
        print(f"{'style':<18}{'pages':>6}{'median µs':>11}{'p90 µs':>9}")
        for style, vals in sorted(by_style.items()):
            vals.sort()
            print(
                f"{style:<18}{len(vals):>6}{statistics.median(vals):>11.0f}"
                f"{vals[int(len(vals) * 0.9)]:>9.0f}"
            )
        print()
        print(
            f"fact rows loaded: {facts:,}; 100,000 pages at this rate: "
            f"{e2e_us * 1e5 / 1e6 / 60:.1f} min on one core"
            + (f", {parallel[1] * 1e5 / 1e6 / 60:.1f} min on {parallel[0]}" if parallel else "")
        )
        print(
            f"peak RSS: {peak_mb:.0f} MB (generation, all pages in memory for the timing "
            "loops, and the streaming load)"
        )
        print(
            "a national year through the real `gx run` (peak memory per step, CPU time, the "
            "floor and the plain pipeline): make bench-national N=100000"
        )
    _pdf_figures(args.rounds)
    _large_documents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
