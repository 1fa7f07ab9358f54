"""Write the bundled demo data: generated pages per report year, the generated series (the same
agencies over consecutive years, gx_pipeline.pagegen.series) and the real fixture pages.

    python -m gx_pipeline.pagegen.bundle [--root data]

Pages go to ROOT/raw/<year>/ (every file there is a raw page) and their truths to
ROOT/truth/<year>/<same stem>.json. Generated pages are named gen-*; the real seed page and the
realdev excerpts keep their names. Reports published as documents (gen-<year>-doc*: PDFs printed
by Chromium and LibreOffice, a .docx, a scan) are made from pages of their own. Rerunning
replaces the files it wrote before.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from gx_pipeline.pagegen import write_page
from gx_pipeline.pagegen.series import write_series
from gx_pipeline.pagegen.styles import make_page

_FIXTURES = Path(__file__).resolve().parents[2] / "gx_pipeline_tests" / "fixtures"

# (style, blank mode, identity to break, template override) per report year. Chosen so that
# every style appears, both formats appear, a late adopter keeps the 2019 format in 2021+, at
# least one page is GBK, several have blank cells, three fail an identity with every operand
# present, and one has its tables only as images.
PLAN: dict[int, tuple[tuple[str, str | None, str | None, str | None], ...]] = {
    2019: (
        ("trs", "none", None, None),
        ("word", "zeros_blank", None, None),
        ("pipe", "none", None, None),
        ("gbk", None, None, None),
        ("flipbook", "none", None, None),
    ),
    2020: (
        ("trs", None, "requests.balance", None),
        ("nospan", "detail_totals_blank", None, None),
        ("celllines", None, None, None),
        ("split", None, None, None),
        ("images", None, None, None),
    ),
    2021: (
        ("trs", "none", None, None),
        ("word", "sparse", None, None),
        ("gb18030", None, None, None),
        ("pipe", None, "appeals.row_total", None),
        ("colspan", None, None, None),
        ("trs", None, None, "2019"),
    ),
    2022: (
        ("onetable", None, None, None),
        ("blanklines", None, None, None),
        ("truncated", None, None, None),
        ("trs", "zeros_blank", None, None),
        ("unlabelled", None, None, None),
    ),
    2023: (
        ("split", None, None, None),
        ("celllines", "zeros_blank", None, None),
        ("gbk", None, None, None),
        ("word", None, "requests.results_sum", None),
        ("flipbook", None, None, "2019"),
    ),
    2024: (
        ("trs", "none", None, None),
        ("nospan", None, None, None),
        ("pipe", "detail_totals_blank", None, None),
        ("unlabelled", None, None, None),
    ),
    2025: (
        ("colspan", None, None, None),
        ("truncated", None, None, None),
        ("blanklines", None, None, None),
        ("trs", "sparse", None, None),
    ),
}


#: reports published as documents, per report year: (style, kind, layout). Each is a page of its
#: own (not a copy of a web page above: the year would hold one report twice), printed by
#: Chromium or LibreOffice or written by python-docx; the scan is quarantined as one.
DOCUMENT_PLAN: dict[int, tuple[tuple[str, str, str], ...]] = {
    2021: (("trs", "pdf", "portrait"),),
    2022: (("word", "docx", "repeat"),),
    2023: (("onetable", "lopdf", "portrait"),),
    2024: (("split", "pdf", "landscape"),),
    2025: (("trs", "scan", "portrait"),),
}


def _clear_generated(root: Path, documents: bool) -> None:
    for sub in ("raw", "truth"):
        for path in sorted((root / sub).glob("*/gen-*")):
            if documents or not _is_document(path):
                path.unlink()


def _is_document(path: Path) -> bool:
    return path.name.split("-")[2].startswith("doc")


def _write_documents(root: Path) -> list[Path]:
    """The documents of DOCUMENT_PLAN (needs Chromium and LibreOffice: make system-deps)."""
    from gx_pipeline.pagegen.documents import document_page

    written = []
    for year, plan in DOCUMENT_PLAN.items():
        for k, (style, kind, layout) in enumerate(plan, start=1):
            rng = random.Random(f"gx-bundle-document:{year}:{k}")
            page = make_page(
                rng,
                index=k,
                style=style,
                year=year,
                template="2019" if year < 2021 else "2021",
                name=f"gen-{year}-doc{k}-{style}",
            )
            made = document_page(page, kind, layout)
            written.append(write_page(made, root / "raw" / str(year), root / "truth" / str(year)))
    return written


def _copy_real(root: Path) -> list[Path]:
    out: list[Path] = []
    seed = _FIXTURES / "seed"
    (root / "raw" / "2020").mkdir(parents=True, exist_ok=True)
    (root / "truth" / "2020").mkdir(parents=True, exist_ok=True)
    out.append(Path(shutil.copy2(seed / "000_1722c90fa512988b.txt", root / "raw" / "2020")))
    shutil.copy2(seed / "seed-expected.json", root / "truth" / "2020" / "000_1722c90fa512988b.json")
    realdev = _FIXTURES / "realdev"
    for page in sorted((realdev / "pages").glob("*.txt")):
        year = page.stem.rsplit("_", 1)[-1]
        (root / "raw" / year).mkdir(parents=True, exist_ok=True)
        (root / "truth" / year).mkdir(parents=True, exist_ok=True)
        out.append(Path(shutil.copy2(page, root / "raw" / year)))
        shutil.copy2(realdev / "truth" / f"{page.stem}.json", root / "truth" / year)
    return out


#: the pairs the tests read: a web page and the same report as documents, with the truth
PAIRS: tuple[tuple[str, int, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "trs",
        2021,
        "2021",
        (
            ("pdf", "portrait"),
            ("pdf", "repeat"),
            ("docx", "repeat"),
            ("doc", "portrait"),
            ("scan", "portrait"),
            # LibreOffice lets a table row break across pages (rows cut in two)
            ("lopdf", "portrait"),
            ("lopdf", "landscape"),
            # LibreOffice prints a cell's vertical text direction as glyphs drawn over one
            # another: what cannot be read is left out with its reason
            ("lopdf", "vertical"),
        ),
    ),
    ("split", 2019, "2019", (("pdf", "landscape"), ("pdf", "vertical"), ("docx", "vertical"))),
    ("gbk", 2023, "2021", (("pdf", "footer"), ("docx", "landscape"))),
    ("onetable", 2024, "2021", (("pdf", "repeat"), ("pdf", "vertical"), ("lopdf", "repeat"))),
)


def write_pairs(out_dir: Path) -> list[Path]:
    """The test pairs: each web page with its documents, under out_dir/pages and /truth."""
    from gx_pipeline.pagegen.documents import document_page

    written = []
    for k, (style, year, template, kinds) in enumerate(PAIRS, start=1):
        rng = random.Random(f"gx-document-pairs:{k}")
        page = make_page(
            rng,
            index=k,
            style=style,
            year=year,
            template=template,
            blank_mode="sparse",
            name=f"gen-pair{k}-{style}-{year}",
        )
        written.append(write_page(page, out_dir / "pages", out_dir / "truth"))
        for kind, layout in kinds:
            made = document_page(page, kind, layout)
            written.append(write_page(made, out_dir / "pages", out_dir / "truth"))
    return written


def write_bundle(root: Path, documents: bool = True) -> list[Path]:
    """Write the generated and real demo pages under root; returns the page paths. Without
    `documents`, the documents already there are left as they are."""
    root = Path(root)
    _clear_generated(root, documents)
    written: list[Path] = []
    for year, plan in PLAN.items():
        for k, (style, blank_mode, broken, template) in enumerate(plan, start=1):
            rng = random.Random(f"gx-bundle:{year}:{k}")
            page = make_page(
                rng,
                index=k,
                style=style,
                year=year,
                template=template or ("2019" if year < 2021 else "2021"),
                blank_mode=blank_mode,
                break_identity_id=broken,
                name=f"gen-{year}-{k:02d}-{style}",
            )
            written.append(write_page(page, root / "raw" / str(year), root / "truth" / str(year)))
    if documents:
        written += _write_documents(root)
    return written + write_series(root) + _copy_real(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("data"))
    parser.add_argument(
        "--pairs",
        type=Path,
        help="write only the document test pairs to this folder "
        "(gx_pipeline_tests/fixtures/documents)",
    )
    parser.add_argument(
        "--no-documents",
        action="store_true",
        help="leave the bundled PDF and Word reports as they are (making them needs Chromium "
        "and LibreOffice)",
    )
    args = parser.parse_args(argv)
    if args.pairs:
        paths = write_pairs(args.pairs)
        print(f"wrote {len(paths)} pages and documents under {args.pairs}")
        return 0
    paths = write_bundle(args.root, documents=not args.no_documents)
    print(
        f"wrote {len(paths)} pages under {args.root / 'raw'} (truths under {args.root / 'truth'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
