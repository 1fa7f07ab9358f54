"""`make bench-national`: a national report year through the real `gx run`, its memory and speed.

    python -m gx_pipeline.bench_national [--pages 100000] [--sample 500] [--work DIR] [--keep]

1. Generates `--pages` report pages of one year (gx_pipeline.pagegen, every style, HTML pages
   padded with portal chrome to ~90 KB as real pages are) into a scratch data folder.
2. Runs `gx run --years <year>` on it as its own process (its own Dagster home), sampling the
   resident memory (RSS) and CPU time of the whole process tree (the run, its parse workers)
   every 0.5 s, and prints wall time, CPU time, pages/s and the peak RSS per step, the steps
   taken from the run's progress lines.
3. On a sample of the same files, one process: the floor (decode + lxml.html.fromstring,
   nothing else; the best of three passes before the run and three after it, since one pass
   varies by almost 2x on a shared machine) and the plain pipeline (BeautifulSoup html.parser finds the tables,
   pandas.read_html on each, melted into a DataFrame per page, loaded into DuckDB), and the
   ratios: our end to end run per core against the floor, the plain pipeline against ours.

RSS summed over processes counts pages shared by the workers more than once: an upper bound.
The machine may be shared, so CPU time is the figure to compare; wall time is printed beside it
with the load average. No assertion: the targets live in the README.
"""

from __future__ import annotations

import argparse
import functools
import io
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

#: the report year the pages are generated for and loaded as
YEAR = 2025
#: bytes of disk a padded page needs in all (the page, its staged rows, the warehouse and its
#: published copy), with room to spare
DISK_PER_PAGE = 200 * 1024
#: reports a portal publishes, on average: a county's site carries its government's and its
#: bureaus' reports. The pages are padded with the chrome of one of pages/SITE_PAGES sites,
#: drawn at random: fetched files are named by their hash, so a year's folder holds its sites'
#: pages in no order, and what a parser caches of one site's menus rarely serves the next page
SITE_PAGES = 35
_CLOCK = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")
#: StepProgress's line for a step that ended: "... 2/5 parsed_reports succeeded (12.3 s)"
_STEP_LINE = re.compile(r" (\d+)/(\d+) (\S+) (succeeded|failed|retrying) \(([\d.]+) s\)")


# -- generating the year ------------------------------------------------------------------------


@functools.cache
def national_counties() -> tuple[str, ...]:
    """Every county-level name of the latest division list (~2,800): with the generator's kinds
    of agency (its bureaus, government, office, streets and towns), ~100,000 agency names, as a
    national year has about one report per agency. The generator's own 20 counties make ~1,000
    names, and the run's work for each new agency (its place, dim_agency) would hardly show."""
    from gx_pipeline.regions import _divisions

    divisions = _divisions()
    return tuple(sorted(divisions.county_names[divisions.latest]))


def _write_pages(job: tuple[int, int, int, Path, int, int, bool]) -> int:
    """Pages `first`..`last` of the year (the seed's sample with the year fixed), padded with
    the chrome of one of `sites` sites; the agencies of every county (national) or of the
    generator's 20."""
    from gx_pipeline.bench import _padded
    from gx_pipeline.pagegen import STYLES, make_page, template_for

    first, last, seed, folder, pad_kb, sites, national = job
    counties = national_counties() if national else None
    for index in range(first, last):
        rng = random.Random(f"gx-bench-national:{seed}:{index}")
        style = STYLES[index % len(STYLES)]
        breaks = ("requests.balance", "requests.results_sum", "appeals.row_total")
        broken = breaks[index % 3] if rng.random() < 0.15 and style != "images" else None
        page = make_page(
            rng,
            index=index,
            style=style,
            year=YEAR,
            template=template_for(YEAR, rng),
            break_identity_id=broken,
            counties=counties,
        )
        site = random.Random(f"gx-bench-national-site:{seed}:{index}").randrange(sites)
        (folder / page.filename).write_bytes(_padded(page.data, page.filename, pad_kb, site))
    return last - first


def generate(
    pages: int, seed: int, folder: Path, pad_kb: int, processes: int, national: bool = True
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    step = 1000
    sites = max(1, pages // SITE_PAGES)
    jobs = [
        (first, min(first + step, pages), seed, folder, pad_kb, sites, national)
        for first in range(0, pages, step)
    ]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for _ in pool.imap_unordered(_write_pages, jobs):
            pass


# -- the process tree ---------------------------------------------------------------------------


def _proc(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS bytes) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # fields from 3 on: state ppid ... utime(14) stime(15) ... rss(24)
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _CLOCK, int(fields[21]) * _PAGE


def _command(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return "parse worker or forkserver" if "forkserver" in text else text[-60:]


@dataclass
class Sample:
    at: float
    rss: int
    cpu: float


@dataclass
class TreeSampler:
    """Samples the RSS and CPU time of a process and all its descendants every `interval` s.
    CPU time of a process that ended counts as last seen (at most one interval is missed)."""

    root: int
    interval: float = 0.5
    samples: list[Sample] = field(default_factory=list)
    _cpu: dict[int, float] = field(default_factory=dict)
    #: each process's peak RSS and what it is
    peaks: dict[int, tuple[int, str]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def tree(self) -> dict[int, tuple[float, int]]:
        table = {}
        for name in os.listdir("/proc"):
            if name.isdigit() and (info := _proc(int(name))) is not None:
                table[int(name)] = info
        members, todo = {}, [self.root]
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        while todo:
            pid = todo.pop()
            if pid in table:
                members[pid] = table[pid][1:]
                todo.extend(children.get(pid, ()))
        return members

    def sample(self) -> None:
        members = self.tree()
        for pid, (cpu, rss) in members.items():
            self._cpu[pid] = cpu
            if pid not in self.peaks:
                self.peaks[pid] = (rss, _command(pid))
            elif rss > self.peaks[pid][0]:
                self.peaks[pid] = (rss, self.peaks[pid][1])
        rss = sum(r for _, r in members.values())
        self.samples.append(Sample(time.time(), rss, sum(self._cpu.values())))

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> Self:
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Step:
    name: str
    start: float
    end: float


def run_year(data: Path, home: Path, log: Path) -> tuple[int, float, float, list[Step], list]:
    """`gx run --years YEAR` on `data`: (exit code, wall s, CPU s of the tree, steps, samples)."""
    env = dict(os.environ, GX_DATA_DIR=str(data), DAGSTER_HOME=str(home))
    gx = Path(sys.executable).with_name("gx")
    subprocess.run(
        [sys.executable, "-m", "gx_pipeline.defs.home", str(home)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    steps: list[Step] = []
    before = os.times()
    start = time.time()
    proc = subprocess.Popen(
        [str(gx), "run", "--years", str(YEAR)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = io.StringIO()
    reader = threading.Thread(target=lambda: out.write(proc.stdout.read()), daemon=True)
    reader.start()
    with TreeSampler(proc.pid) as sampler, log.open("w") as log_file:
        try:
            for line in proc.stderr:
                now = time.time()
                log_file.write(f"{now - start:8.1f} {line}")
                print(f"  {line.rstrip()}", flush=True)
                if m := _STEP_LINE.search(line):
                    steps.append(Step(m.group(3), now - float(m.group(5)), now))
            code = proc.wait()
        except BaseException:
            proc.terminate()  # its parse workers end with it
            proc.wait()
            raise
    reader.join()
    wall = time.time() - start
    after = os.times()
    # every process of the tree was waited for by its parent: the children's CPU is all of it
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    print(out.getvalue(), end="")
    print("peak RSS by process (RSS counts pages the processes share in each of them):")
    for pid, (rss, what) in sorted(sampler.peaks.items(), key=lambda p: -p[1][0])[:6]:
        print(f"  {rss / 2**20:7.0f} MB  pid {pid}: {what}")
    cpu = max(cpu, sampler.samples[-1].cpu if sampler.samples else 0.0)
    return code, wall, cpu, steps, sampler.samples


def per_step(steps: list[Step], samples: list[Sample], start: float) -> list[tuple]:
    """(step, seconds, CPU seconds, peak RSS) per step; what lies outside every step is Python
    and Dagster starting, the run's launch, and the summary."""
    rows = []
    spans = sorted(steps, key=lambda s: s.start)
    for step in spans:
        inside = [s for s in samples if step.start <= s.at <= step.end]
        if not inside:
            # a step shorter than the sampling interval: the samples on either side of it (it
            # starts from the one before and leaves what it held to the one after), not 0
            before = [s for s in samples if s.at < step.start][-1:]
            after = [s for s in samples if s.at > step.end][:1]
            inside = before + after
        cpu = _cpu_between(samples, step.start, step.end)
        rows.append(
            (step.name, step.end - step.start, cpu, max((s.rss for s in inside), default=0))
        )
    outside = [s for s in samples if not any(p.start <= s.at <= p.end for p in spans)]
    busy = sum(r[2] for r in rows)
    total_cpu = samples[-1].cpu if samples else 0.0
    rows.append(
        (
            "(start-up, launch, summary)",
            (samples[-1].at - start if samples else 0) - sum(r[1] for r in rows),
            total_cpu - busy,
            max((s.rss for s in outside), default=0),
        )
    )
    return rows


def _cpu_between(samples: list[Sample], start: float, end: float) -> float:
    before = [s.cpu for s in samples if s.at <= start]
    upto = [s.cpu for s in samples if s.at <= end]
    return (upto[-1] if upto else 0.0) - (before[-1] if before else 0.0)


# -- floor and plain pipeline on a sample of the same files -------------------------------------


def _bare_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


#: passes of the floor before the run and after it: one pass of 500 files varies by almost 2x on
#: a shared machine (0.67-1.24 ms a page on the same files, quiet), the best is the floor
FLOOR_PASSES = 3


def floor(pages: list[bytes]) -> tuple[float, float]:
    """decode + lxml.html.fromstring, nothing else: (CPU µs, wall µs) per page."""
    from lxml import html as lxml_html

    cpu, wall = time.process_time(), time.perf_counter()
    for data in pages:
        lxml_html.fromstring(_bare_text(data))
    n = len(pages)
    return (time.process_time() - cpu) / n * 1e6, (time.perf_counter() - wall) / n * 1e6


_TABLE_WORDS = ("信息内容", "第二十条", "申请人情况", "行政复议", "行政诉讼")


def plain(pages: list[bytes], work: Path) -> tuple[float, float, int]:
    """What one writes without a design: BeautifulSoup (html.parser) finds the tables that
    hold the report's words, pandas.read_html reads each, the cells are melted into a long
    DataFrame per page, concatenated and inserted into DuckDB at the end: (CPU µs, wall µs)
    per page, rows loaded."""
    import duckdb
    import pandas as pd
    from bs4 import BeautifulSoup

    cpu, wall = time.process_time(), time.perf_counter()
    frames = []
    for number, data in enumerate(pages):
        soup = BeautifulSoup(_bare_text(data), "html.parser")
        for t, table in enumerate(soup.find_all("table")):
            text = table.get_text()
            if table.find("table") is not None or not any(w in text for w in _TABLE_WORDS):
                continue
            try:
                (df,) = pd.read_html(io.StringIO(str(table)))
            except ValueError:
                continue
            df.columns = [str(c) for c in range(df.shape[1])]
            long = df.reset_index(names="row").melt(id_vars="row", var_name="column")
            long["value"] = pd.to_numeric(long["value"], errors="coerce")
            long = long.dropna(subset=["value"])
            long.insert(0, "table_no", t)
            long.insert(0, "report", number)
            frames.append(long)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    conn = duckdb.connect(str(work / "plain.duckdb"))
    conn.register("rows_df", rows)
    conn.execute("create or replace table facts as select * from rows_df")
    loaded = conn.execute("select count(*) from facts").fetchone()[0]
    conn.close()
    n = len(pages)
    return (time.process_time() - cpu) / n * 1e6, (time.perf_counter() - wall) / n * 1e6, loaded


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


def floor_passes(pages: list[bytes]) -> list[tuple[float, float]]:
    """FLOOR_PASSES passes of the floor on one core; the process's cores are given back after
    (the run it measures around must keep all of them)."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    _pin_one_core()
    try:
        return [floor(pages) for _ in range(FLOOR_PASSES)]
    finally:
        if cores is not None:
            os.sched_setaffinity(0, cores)


def _every(items: list[Path], n: int) -> Iterator[Path]:
    step = max(1, len(items) // max(n, 1))
    yield from items[::step][:n]


# -- main ---------------------------------------------------------------------------------------


def _pages(text: str) -> int:
    """--pages: a positive number, or `max` (0 here: as many as the disk holds)."""
    if text == "max":
        return 0
    pages = int(text.replace("_", "").replace(",", ""))
    if pages < 1:
        raise argparse.ArgumentTypeError("at least 1 page")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench-national", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages",
        type=_pages,
        default=100_000,
        help="pages of the year, or `max`: the most the scratch folder's disk holds",
    )
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--pad-kb", type=int, default=90)
    parser.add_argument(
        "--agencies",
        choices=("national", "generator"),
        default="national",
        help="agencies of every county of the division list (~100,000 names, as a national "
        "year has) or of the page generator's 20 counties (~1,000 names, as the README's "
        "earlier national rows used)",
    )
    parser.add_argument("--sample", type=int, default=500, help="files for floor and plain")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    # `kill` ends the bench like Ctrl-C: the run and the generators stop, the scratch goes
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    parent = args.work or Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(parent).free
    if args.pages == 0:  # max
        args.pages = free // DISK_PER_PAGE // 1000 * 1000
        print(f"bench-national: {free / 2**30:.1f} GB free in {parent}: {args.pages:,} pages")
    need = args.pages * DISK_PER_PAGE
    if free < need:
        print(
            f"bench-national: {parent} has {free / 2**30:.1f} GB free, {args.pages:,} pages "
            f"need about {need / 2**30:.1f} GB: use fewer pages (N=...) or another --work",
            file=sys.stderr,
        )
        return 2
    work = Path(tempfile.mkdtemp(prefix="gx-national-", dir=parent))
    try:
        return _bench(args, work)
    finally:
        if args.keep:
            print(f"scratch kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _bench(args: argparse.Namespace, work: Path) -> int:
    data = work / "data"
    folder = data / "raw" / str(YEAR)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    t = time.perf_counter()
    generate(args.pages, args.seed, folder, args.pad_kb, cores or 1, args.agencies == "national")
    files = sorted(folder.iterdir())
    size = sum(p.stat().st_size for p in files)
    print(
        f"generated {len(files):,} pages of {YEAR} ({size / 2**30:.2f} GB, mean "
        f"{size / len(files) / 1024:.0f} KB, agencies: {args.agencies}) in {work} in "
        f"{time.perf_counter() - t:.0f} s"
    )
    load_before = os.getloadavg()
    print(f"load average before the run: {load_before[0]:.2f} (1 min) on {cores} cores")
    sample = [p.read_bytes() for p in _every(files, args.sample)]
    floors = floor_passes(sample)
    start = time.time()
    code, wall, cpu, steps, samples = run_year(data, work / "dagster_home", work / "run.log")
    load_after = os.getloadavg()
    peak = max((s.rss for s in samples), default=0)

    floors += floor_passes(sample)
    _pin_one_core()
    floor_cpu, floor_wall = min(floors)
    plain_cpu, plain_wall, plain_rows = plain(sample, work)

    n = len(files)
    ours_cpu = cpu / n * 1e6
    print()
    print(
        f"gx run --years {YEAR}: {n:,} pages, exit code {code}; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min, {cores} cores)"
    )
    print(f"{'step':<48}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}")
    for name, seconds, step_cpu, rss in per_step(steps, samples, start):
        print(f"{name:<48}{seconds:>9.1f}{step_cpu:>9.1f}{rss / 2**20:>13.0f}")
    print(f"{'whole run':<48}{wall:>9.1f}{cpu:>9.1f}{peak / 2**20:>13.0f}")
    print()
    print(f"{'pipeline':<50}{'CPU µs/page':>12}{'wall µs/page':>13}{'pages/s':>9}")
    rows = (
        (f"gx run, end to end ({cores} cores; CPU of the tree)", ours_cpu, wall / n * 1e6),
        (f"floor: decode + lxml.html.fromstring ({len(sample)} files)", floor_cpu, floor_wall),
        (f"plain: bs4 + read_html + DuckDB ({len(sample)} files)", plain_cpu, plain_wall),
    )
    for label, c, w in rows:
        print(f"{label:<50}{c:>12.0f}{w:>13.0f}{1e6 / w:>9.0f}")
    print(
        f"floor: the best of {len(floors)} passes, {FLOOR_PASSES} before the run and "
        f"{FLOOR_PASSES} after; the passes ranged {min(f[0] for f in floors):.0f}-"
        f"{max(f[0] for f in floors):.0f} µs CPU a page"
    )
    print()
    print(
        f"end to end per core / floor: {ours_cpu / floor_cpu:.2f}x CPU "
        f"({wall * cores / n * 1e6 / floor_wall:.2f}x wall x cores)   (target <= 2.5)"
    )
    print(
        f"end to end on the machine / floor: {wall / n * 1e6 / floor_wall:.2f}x wall (the run's "
        f"wall time a page with its {cores} cores against the floor on one)   (target <= 2.5)"
    )
    print(f"plain / end to end: {plain_cpu / ours_cpu:.1f}x CPU   (target >= 15)")
    print(
        f"plain / end to end on the machine: {plain_wall / (wall / n * 1e6):.1f}x wall (plain "
        f"on one core against the run's wall time a page with its {cores} cores)   (target >= 15)"
    )
    print(f"peak RSS of the process tree: {peak / 2**20:.0f} MB   (target < 1536)")
    print(f"plain pipeline loaded {plain_rows:,} rows from {len(sample)} files")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
