"""Per-year staging on disk: the rows between pipeline steps, as Parquet parts.

A national report year is ~100,000 pages and ~20 million cells: too much to hold in memory or
to pickle between steps. Each step streams batches of pages, writes one Parquet part per batch
and table, and the next step (or DuckDB, with one `read_parquet` glob) reads the parts back.
Memory stays bounded by the batch size whatever the size of the year.

Layout: `<root>/<year>/<step>/<run>/<table>/part-00000.parquet`, one folder per run: two runs
of a year (the yearly job's and the year × province partitions', or a run started while a
killed one's rows are still there) never replace or remove each other's rows.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from gx_pipeline.diskspace import explain

#: pages per batch: large enough for bulk inserts (≥100 pages, see docs), small in memory
BATCH_PAGES = 500


#: allocations between two collections of the youngest generation while reports are built
COLLECT_EVERY = 10_000


@contextmanager
def fewer_collections(young: int = COLLECT_EVERY) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a batch of reports is built.

    A batch holds ~100,000 cells and each page makes thousands of short-lived tokens and
    tuples; with Python's default (a collection every 700 allocations) the collector walks the
    held batch again and again: ~0.35 ms a page, 9% of the whole pipeline (`make bench`). The
    reports hold no reference cycles, so collecting every 10,000 allocations frees the same
    memory; the old thresholds come back afterwards.

    What the process holds on entry (Dagster, pandas, the run's context: ~630,000 objects) is
    frozen for the while (gc.freeze): the oldest generation's collections, which a year's batches
    set off, no longer walk it (0.95 -> 0.79 ms a page of the run's own work in a year's parse).
    It lives through the block anyway; on leaving it is unfrozen, and collected as before.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(young, old[0]), *old[1:])
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*old)


@dataclass(frozen=True)
class Stage:
    """One step's staged rows of one report year."""

    path: str

    @classmethod
    def fresh(cls, root: Path, year: int, step: str, run: str | None = None) -> Stage:
        """An empty stage for `step` of `year`, of the run `run` (a run id; None: the step's
        folder itself, for a stage of its own root)."""
        path = stage_dir(root, year, step, run)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return cls(str(path))

    def write(self, part: int, frames: Mapping[str, pd.DataFrame]) -> None:
        """Write one batch's part of each table. A disk that fills raises DiskFull naming the
        part, and the half-written part is removed (never read as a whole one). A part already
        there is unlinked first: it may be another stage's file linked in (`write_checked`),
        which writing through the name would change under that stage."""
        for table, frame in frames.items():
            folder = Path(self.path) / table
            target = folder / f"part-{part:05d}.parquet"
            try:
                folder.mkdir(exist_ok=True)
                target.unlink(missing_ok=True)
                # no column statistics: a part is read whole (the next step, the load), never
                # filtered by a column's minimum and maximum, whose computation over every text
                # column cost ~3% of the run's own work a page
                frame.to_parquet(target, index=False, write_statistics=False)
            except OSError as err:
                full = explain(err, target, "the year's staged rows")
                if full is None:
                    raise
                target.unlink(missing_ok=True)
                raise full from err

    def write_checked(
        self,
        part: int,
        frames: Mapping[str, pd.DataFrame],
        read: Mapping[str, pd.DataFrame],
        source: Stage,
    ) -> None:
        """Write one batch's part of each table as `write` does, where `read` is what was read
        of `source`'s part and `frames` what its check kept: a table whose frame is the very
        frame read (the check passed it whole) is linked to `source`'s file, not written again
        (the same rows: ~0.1 ms a page of Parquet writing). Where the file system links no
        files, the frame is written."""
        written = {}
        for table, frame in frames.items():
            if frame is not read.get(table) or not self._link(part, table, source):
                written[table] = frame
        self.write(part, written)

    def _link(self, part: int, table: str, source: Stage) -> bool:
        """`source`'s part of `table` linked in as this stage's; False where the file system
        refuses (no hard links, another device), DiskFull when the disk is full."""
        name = f"part-{part:05d}.parquet"
        folder = Path(self.path) / table
        try:
            folder.mkdir(exist_ok=True)
            os.link(Path(source.path) / table / name, folder / name)
        except OSError as err:
            # not named by the error: os.link's first file is the parsed part, not the one
            # the disk had no room for
            full = explain(err, folder / name, "the year's staged rows", named=False)
            if full is not None:
                raise full from err
            return False
        return True

    def parts(self) -> list[int]:
        self.require()
        first = next((p for p in sorted(Path(self.path).iterdir()) if p.is_dir()), None)
        if first is None:
            return []
        return sorted(int(p.stem.split("-")[1]) for p in first.glob("part-*.parquet"))

    def read(self, part: int) -> dict[str, pd.DataFrame]:
        return {
            folder.name: pd.read_parquet(folder / f"part-{part:05d}.parquet")
            for folder in sorted(Path(self.path).iterdir())
            if folder.is_dir()
        }

    def batches(self) -> Iterator[tuple[int, dict[str, pd.DataFrame]]]:
        for part in self.parts():
            yield part, self.read(part)

    def glob(self, table: str) -> str | None:
        """The Parquet glob of a table for DuckDB's read_parquet, None when nothing is staged."""
        self.require()
        folder = Path(self.path) / table
        if not any(folder.glob("part-*.parquet")):
            return None
        return str(folder / "part-*.parquet")

    def rows(self, table: str) -> int:
        """Rows staged for `table` (from the Parquet footers: nothing is read)."""
        self.require()
        parts = sorted((Path(self.path) / table).glob("part-*.parquet"))
        return sum(pq.ParquetFile(p).metadata.num_rows for p in parts)

    def require(self) -> None:
        """Fail loudly when the staged rows are gone: loading an empty stage would replace the
        year with nothing."""
        if not Path(self.path).is_dir():
            raise StagedRowsMissing(
                f"the staged rows {self.path} are gone (removed once the year was loaded, or "
                "by hand): run the year again from raw_report_inventory (the whole job, or the "
                "steps from parsed_reports on)"
            )


class StagedRowsMissing(FileNotFoundError):
    """A step's staged rows are not on disk any more."""


def stage_dir(root: Path, year: int, step: str, run: str | None = None) -> Path:
    path = Path(root) / str(year) / step
    return path / run if run else path


def discard_year(root: Path, year: int, keep: Collection[str] = ()) -> None:
    """Remove every staged step of a report year, but the stages of the runs `keep` (run ids:
    runs that have not ended), and the year's folder once nothing is left in it."""
    year_dir = Path(root) / str(year)
    if not keep:
        shutil.rmtree(year_dir, ignore_errors=True)
        return
    for step in _folders(year_dir):
        for staged in _folders(step):
            if staged.name not in keep:
                shutil.rmtree(staged, ignore_errors=True)
        _remove_if_empty(step)
    _remove_if_empty(year_dir)


def discard_run(root: Path, year: int, run: str) -> None:
    """Remove the stages of one run of a report year (after its rows are in the warehouse)."""
    year_dir = Path(root) / str(year)
    for step in _folders(year_dir):
        shutil.rmtree(step / run, ignore_errors=True)
        _remove_if_empty(step)
    _remove_if_empty(year_dir)


def _folders(path: Path) -> list[Path]:
    try:
        return [p for p in path.iterdir() if p.is_dir()]
    except OSError:  # not there (or not a folder): nothing staged
        return []


def _remove_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:  # not empty (another run's stage), or gone
        pass
