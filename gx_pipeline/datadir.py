"""Where everything lives: one data folder, `GX_DATA_DIR` (default `<repo>/data`).

raw/<year>/           the raw pages, untouched, one folder per report year
truth/<year>/         truth sidecars of generated pages
staging/<year>/       rows between pipeline steps, as Parquet (disposable)
.work/warehouse.duckdb  the working warehouse only the pipeline opens
warehouse.duckdb      the published copy analysts open
reviews.jsonl         the reviewers' decisions (gx review), copied into the warehouse on each write
manifest.csv          the fetcher's list of addresses
index-pages.csv       agencies' report list pages, re-fetched each month for late reports
archive/              the fetcher's archive of pages exactly as served
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The data folder: $GX_DATA_DIR, or data/ of the repository."""
    return Path(os.environ.get("GX_DATA_DIR") or REPO_ROOT / "data")


def not_a_folder(root: Path) -> str | None:
    """Why `root` cannot be the data folder because it, or a folder on its path, is a file (a
    mistyped GX_DATA_DIR naming the warehouse file, say), or None. A folder not there yet is
    no reason: gx run makes it, and says the year folders it lacks."""
    path = root
    while not path.exists() and not path.is_symlink() and path != path.parent:
        path = path.parent
    if path.exists() and not path.is_dir():
        what = "" if path == root else f" ({path} is a file)"
        return f"Not a directory{what}"
    return None


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def default(cls) -> DataDir:
        return cls(data_dir())

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def truth_dir(self) -> Path:
        return self.root / "truth"

    @property
    def staging_dir(self) -> Path:
        return self.root / "staging"

    @property
    def work_database(self) -> Path:
        return self.root / ".work" / "warehouse.duckdb"

    @property
    def published_database(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def reviews_log(self) -> Path:
        """The reviewers' decisions (gx_pipeline.review.log): written by `gx review` only."""
        return self.root / "reviews.jsonl"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.csv"

    @property
    def index_pages_path(self) -> Path:
        return self.root / "index-pages.csv"

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    def year_dir(self, year: int | str) -> Path:
        return self.raw_dir / str(year)
