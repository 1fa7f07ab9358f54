"""Crash safety as a tested property: kill -9 of `gx run` at random points of a load.

Each trial switches the raw folders to the other of two states (A: some pages, B: a few more),
starts the real `gx run` (the CLI in its own process, with parser worker processes for the
larger year), kills it with SIGKILL at a point drawn from the trial's kill mode, and checks:

- after the kill: no process of the run is left (workers, forkserver) once they noticed; the
  published file opens read-only; every year in it is wholly the old state or wholly the new
  one, with its tally (a hash of all its rows in every year table);
- then the next `gx run`, without a hand: it finishes (no pool slot held by the dead run),
  prints the summary the state gives, publishes every year wholly new (the working file too),
  leaves no stray file (`.tmp` copies, staging, WALs) and no process, and the dead run is
  marked failed.

Kill modes: `random` (a uniform time over a whole run), `parsing` (while worker processes
parse), `load` (during gx_warehouse), `check` (during the tally check), `publish` (while the
analysts' copy is being written), `seed` (while the working file is seeded from the published
copy: the working file is removed before such a trial). The warehouse carries a 40 MB padding
table so that a copy takes long enough to be caught in the middle.

    make test-faults                 # 30 trials (CI)
    make test-faults FAULT_TRIALS=100
    GX_FAULT_SEED=7 GX_FAULT_REPORT=/tmp/faults.json make test-faults

Not part of `make test` (marker `faults`); the figures go to RELIABILITY.md.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from gx_pipeline.defs.home import ensure_home
from gx_pipeline.pagegen import STYLES, make_page
from gx_pipeline.warehouse import YEAR_TABLES
from gx_pipeline.warehouse.files import WarehouseFiles

pytestmark = pytest.mark.faults

REPO = Path(__file__).resolve().parents[1]
TRIALS = int(os.environ.get("GX_FAULT_TRIALS", "30"))
SEED = int(os.environ.get("GX_FAULT_SEED", "20261204"))
REPORT = os.environ.get("GX_FAULT_REPORT")
GX = str(Path(sys.executable).with_name("gx"))
#: the larger year is parsed by worker processes (at least POOL_MIN_PAGES pages)
BIG_YEAR, SMALL_YEAR = 2022, 2020
BIG_PAGES = 220
#: how long a killed run's processes may take to notice (the workers look every 0.5 s)
GRACE_S = 5.0
#: a run that takes longer than this has hung
RUN_TIMEOUT_S = float(os.environ.get("GX_FAULT_RUN_TIMEOUT", "300"))
MODES = ("random", "random", "random", "parsing", "load", "check", "publish", "seed")


@dataclass
class Trial:
    number: int
    mode: str
    state: str
    killed_after_s: float = 0.0
    #: what the run was doing: the step after its last finished one, or a file being copied
    phase: str = ""
    problems: list[str] = field(default_factory=list)


# --- the data folder and its two states ----------------------------------------------------------


def _generated(index: int) -> tuple[str, bytes]:
    page = make_page(
        random.Random(f"gx-faults:{index}"),
        index=index,
        style=STYLES[index % len(STYLES)],
        year=BIG_YEAR,
        template="2021",
    )
    return page.filename, page.data


def _set_state(data: Path, state: str) -> None:
    """State A: the bundled SMALL_YEAR pages and BIG_PAGES generated ones; B: three more
    entries in each year (growth, so neither direction trips the shrink guard): in SMALL_YEAR
    three that are quarantined (an empty page, binary junk, a byte-identical copy), so the year
    stays under the 10 reports from which the check judges shares; in BIG_YEAR three more
    generated pages."""
    bundled = REPO / "data" / "raw" / str(SMALL_YEAR)
    small, big = data / "raw" / str(SMALL_YEAR), data / "raw" / str(BIG_YEAR)
    small.mkdir(parents=True, exist_ok=True)
    big.mkdir(parents=True, exist_ok=True)
    for page in bundled.iterdir():
        if not (small / page.name).exists():
            (small / page.name).write_bytes(page.read_bytes())
    for index in range(BIG_PAGES):
        name, body = _generated(index)
        if not (big / name).exists():
            (big / name).write_bytes(body)
    extra_small = [
        ("extra-empty.html", b""),
        ("extra-binary.html", bytes(range(256)) * 8),
        ("extra-copy.txt", (bundled / "000_1722c90fa512988b.txt").read_bytes()),
    ]
    extra_big = [_generated(BIG_PAGES + i) for i in range(3)]
    for folder, extras in ((small, extra_small), (big, extra_big)):
        for name, body in extras:
            if state == "B":
                (folder / name).write_bytes(body)
            else:
                (folder / name).unlink(missing_ok=True)


# --- processes -------------------------------------------------------------------------------


def _session(sid: int) -> list[int]:
    """Live processes of session `sid` (a run is started in a session of its own)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if fields[0] not in ("Z", "X") and int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


def _named(pids: list[int]) -> list[str]:
    """Each process with its command line, to tell which of the run's processes was left."""
    named = []
    for pid in pids:
        try:
            line = (
                Path(f"/proc/{pid}/cmdline")
                .read_bytes()
                .replace(b"\0", b" ")
                .decode(errors="replace")
            )
        except OSError:
            line = "(gone)"
        named.append(f"{pid} {line.strip()[:160]}")
    return named


def _children_named(sid: int, word: str) -> bool:
    return any(word in named for named in _named(_session(sid)))


class Run:
    """`gx run` in a session of its own, its progress lines read as they come."""

    def __init__(self, env: dict[str, str]) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [GX, "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.out = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._out_reader = threading.Thread(target=self._read_out, daemon=True)
        self._out_reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def _read_out(self) -> None:
        self.out = self.proc.stdout.read()

    def saw(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def phase(self) -> str:
        done = [
            ln.split()[5] for ln in self.lines if ln.startswith("year ") and len(ln.split()) > 5
        ]
        year = next((ln.split()[2] for ln in reversed(self.lines) if ln.startswith("year ")), "")
        steps = [
            "raw_report_inventory",
            "parsed_reports",
            "validated_frames",
            "gx_warehouse",
            "gx_warehouse_no_page_failed_by_the_parser",
            "gx_warehouse_no_report_of_an_earlier_load_lost",
            "gx_warehouse_reports_satisfy_tally_identities",
        ]
        if not done:
            return "start-up or first step"
        last = done[-1]
        if last != steps[-1]:
            return f"{year} {steps[steps.index(last) + 1]}"
        return "the summary" if year == str(BIG_YEAR) else f"{year} done, next year starting"

    def kill(self) -> float:
        took = time.monotonic() - self.started
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._reader.join(5)
        return took

    def finish(self) -> int:
        try:
            code = self.proc.wait(RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            return -1
        self._reader.join(5)
        self._out_reader.join(5)
        return code


# --- what the files hold ------------------------------------------------------------------------


def _year_hashes(database: Path) -> dict[int, str]:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        out = {}
        for year in (SMALL_YEAR, BIG_YEAR):
            digest = hashlib.sha256()
            for table in YEAR_TABLES:
                rows = conn.execute(
                    f"select * from {table} where report_year = ? order by all", [year]
                ).fetchall()
                digest.update(f"{table}:{rows!r}".encode())
            out[year] = digest.hexdigest()
        return out
    finally:
        conn.close()


def _strays(data: Path) -> list[str]:
    """Files a finished run must not leave: temporary copies, WALs, staged rows."""
    found = [p for p in data.rglob("*") if p.name.endswith((".tmp", ".wal"))]
    staging = data / "staging"
    if staging.exists():
        found += [p for p in staging.rglob("*") if p.is_file()]
    found += [p for p in (data / ".work").iterdir() if p.name not in _WORK_FILES]
    return sorted(str(p.relative_to(data)) for p in found)


#: the working file, and how it was published and how the pipeline last left it
_WORK_FILES = {
    "warehouse.duckdb",
    "warehouse.duckdb.closed.json",
    "warehouse.duckdb.published.json",
}


def _pad(work: Path) -> None:
    """A 40 MB table the pipeline never reads: copies of the file take long enough to be
    killed in the middle."""
    # through the pipeline's door (and published with it): a write from outside would be set
    # aside at the next load (test_working_file_written_outside.py)
    with WarehouseFiles(work, work.parent.parent / "warehouse.duckdb").connect() as conn:
        conn.execute("create table fault_padding as select random() as r from range(5000000)")


# --- the suite ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("faults")
    data = root / "data"
    home = ensure_home(root / "dagster_home")
    env = {**os.environ, "GX_DATA_DIR": str(data), "DAGSTER_HOME": str(home)}
    expected: dict[str, dict] = {}
    took = []
    for state in ("B", "A"):  # A last: the trials start from A
        _set_state(data, state)
        run = Run(env)
        code = run.finish()
        # what a clean run of the state ends with (a check's ERROR would fail it, not the load)
        assert str(SMALL_YEAR) in run.out and str(BIG_YEAR) in run.out, "\n".join(run.lines[-20:])
        took.append(time.monotonic() - run.started)
        expected[state] = {
            "hashes": _year_hashes(data / "warehouse.duckdb"),
            "out": run.out,
            "code": code,
        }
        if state == "B":
            _pad(data / ".work" / "warehouse.duckdb")
    assert expected["A"]["hashes"] != expected["B"]["hashes"]
    return {"data": data, "env": env, "home": home, "expected": expected, "run_s": max(took)}


def test_kill_9_at_any_point_of_a_load_loses_nothing_and_blocks_nothing(bench):
    rng = random.Random(SEED)
    data, env, expected = bench["data"], bench["env"], bench["expected"]
    trials: list[Trial] = []
    state = "A"
    for number in range(TRIALS):
        new = "B" if state == "A" else "A"
        trial = Trial(
            number, MODES[number % len(MODES)] if number < len(MODES) else rng.choice(MODES), new
        )
        _set_state(data, new)
        if trial.mode == "seed":
            (data / ".work" / "warehouse.duckdb").unlink()
        run = Run(env)
        trial.phase = _kill_at(run, trial.mode, data, bench["run_s"], rng)
        trial.killed_after_s = round(run.kill(), 2)
        # after the kill
        left = _wait_for_session_to_end(run.proc.pid)
        if left:
            trial.problems.append(f"processes outlived the run: {_named(left)}")
            for pid in left:
                os.kill(pid, signal.SIGKILL)
        try:
            hashes = _year_hashes(data / "warehouse.duckdb")
        except duckdb.Error as err:
            trial.problems.append(f"the published file does not open: {err}")
        else:
            for year, digest in hashes.items():
                if digest not in (expected[state]["hashes"][year], expected[new]["hashes"][year]):
                    trial.problems.append(f"{year} is neither wholly old nor wholly new")
        # the next run, without a hand
        again = Run(env)
        code = again.finish()
        if code != expected[new]["code"]:
            trial.problems.append(f"the next run exited {code}: {again.lines[-5:]}")
        else:
            if again.out != expected[new]["out"]:
                trial.problems.append(f"the next run's summary differs:\n{again.out}")
            if _year_hashes(data / "warehouse.duckdb") != expected[new]["hashes"]:
                trial.problems.append(
                    "after the next run the published years are not the new state"
                )
            if _year_hashes(data / ".work" / "warehouse.duckdb") != expected[new]["hashes"]:
                trial.problems.append("after the next run the working file is not the new state")
            trial.problems.extend(_runs_left_in_flight(bench["home"]))
        strays = _strays(data)
        if strays:
            trial.problems.append(f"stray files: {strays}")
        left = _wait_for_session_to_end(again.proc.pid)
        if left:
            trial.problems.append(f"processes outlived the next run: {_named(left)}")
        trials.append(trial)
        state = new if code == expected[new]["code"] else state
        print(
            f"trial {number:3d} {trial.mode:8s} killed after {trial.killed_after_s:5.2f} s "
            f"in {trial.phase:45s} {'ok' if not trial.problems else 'FAILED: ' + '; '.join(trial.problems)}",
            flush=True,
        )
    _report(trials, bench["run_s"])
    failed = [t for t in trials if t.problems]
    assert not failed, "\n".join(
        f"trial {t.number} ({t.mode}, {t.phase}): {t.problems}" for t in failed
    )


def _kill_at(run: Run, mode: str, data: Path, run_s: float, rng: random.Random) -> str:
    """Wait for the trial's kill point; return what the run was doing there."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    if mode == "random":
        time.sleep(rng.uniform(0.3, run_s))
        return run.phase()
    if mode in ("load", "check"):
        step = "validated_frames succeeded" if mode == "load" else "gx_warehouse succeeded"
        while not run.saw(step) and run.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        return run.phase()
    pattern, label = {
        "publish": (".warehouse.duckdb.*.tmp", "publishing the analysts' copy"),
        "seed": (".work/.warehouse.duckdb.*.seed.tmp", "seeding the working file"),
        "parsing": (None, "parsing in worker processes"),
    }[mode]
    while run.proc.poll() is None and time.monotonic() < deadline:
        if pattern is None:
            if _children_named(run.proc.pid, "forkserver"):
                time.sleep(rng.uniform(0.0, 0.5))
                return f"{run.phase()} ({label})"
        elif list(data.glob(pattern)):
            return label
        time.sleep(0.002)
    return f"{run.phase()} ({label} not seen)"


def _runs_left_in_flight(home: Path) -> list[str]:
    """After the next run: no run of the instance still counts as running, no slot is held."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        stuck = instance.get_runs(filters=dg.RunsFilter(statuses=_IN_FLIGHT))
        claimed = instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots
    problems = [f"run {r.run_id} still {r.status.value}" for r in stuck]
    problems += [f"slot still held by run {c.run_id} ({c.step_key})" for c in claimed]
    return problems


_IN_FLIGHT = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def _wait_for_session_to_end(sid: int) -> list[int]:
    deadline = time.monotonic() + GRACE_S
    while time.monotonic() < deadline:
        left = _session(sid)
        if not left:
            return []
        time.sleep(0.1)
    return _session(sid)


def _report(trials: list[Trial], run_s: float) -> None:
    survived = sum(not t.problems for t in trials)
    phases = Counter(t.phase for t in trials)
    summary = {
        "trials": len(trials),
        "survived": survived,
        "seed": SEED,
        "full_run_s": round(run_s, 1),
        "by_mode": dict(Counter(t.mode for t in trials)),
        "by_phase": dict(sorted(phases.items())),
        "trials_detail": [asdict(t) for t in trials],
    }
    print(f"\nkills survived: {survived} / {len(trials)} (seed {SEED})")
    for phase, n in sorted(phases.items()):
        print(f"  {n:3d}  {phase}")
    if REPORT:
        Path(REPORT).write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")


# --- a warehouse file another process holds --------------------------------------------------------

#: the whole wait for a held working file: 60 s a try, 3 tries again 30 s apart, then the
#: summary's read of the file, 60 s (README)
HELD_LIMIT_S = 60 + 3 * (30 + 60) + 60


def _held_folder(root: Path) -> tuple[dict, Path]:
    """A data folder with report year 2020 of the repository loaded, its environment (this
    checkout's code first) and its working file."""
    data = root / "data"
    (data / "raw").mkdir(parents=True)
    subprocess.run(["cp", "-r", str(REPO / "data" / "raw" / "2020"), str(data / "raw")], check=True)
    home = ensure_home(root / "dagster_home")
    env = {
        **os.environ,
        "GX_DATA_DIR": str(data),
        "DAGSTER_HOME": str(home),
        "PYTHONPATH": str(REPO),
    }
    assert _gx_run(env).returncode == 0
    return env, data / ".work" / "warehouse.duckdb"


def _gx_run(env: dict, timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gx_pipeline.cli", "run", "--years", "2020", "--quiet"],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _gx_run_read(
    env: dict, lines: list[tuple[float, str]]
) -> tuple[subprocess.Popen, threading.Thread]:
    """`gx run` of 2020 started, a thread adding each line of its stderr to `lines` with the
    monotonic time it came."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gx_pipeline.cli", "run", "--years", "2020", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def read() -> None:
        for line in proc.stderr:
            lines.append((time.monotonic(), line.rstrip("\n")))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return proc, reader


def test_a_working_file_held_past_the_limit_ends_the_run_saying_why(tmp_path):
    """A read-only session held on the working file for longer than every try: measured
    before, each try's first minute passed with nothing printed. The run must say the wait
    within seconds, say it again while it lasts, and end, exit 1, after the documented limit
    with one line naming the file and the holder; never hang."""
    from gx_pipeline_tests.holding import writer_holding

    env, work = _held_folder(tmp_path)
    holder = writer_holding(work, read_only=True)
    lines: list[tuple[float, str]] = []
    started = time.monotonic()
    try:
        run, reader = _gx_run_read(env, lines)
        code = run.wait(timeout=HELD_LIMIT_S + 120)
        reader.join(10)
    finally:
        holder.kill()
        holder.wait()
    took = time.monotonic() - started
    waits = [(at - started, line) for at, line in lines if "waiting for the warehouse file" in line]
    assert code == 1 and took < HELD_LIMIT_S + 120, (code, took)
    assert waits and waits[0][0] < 20, lines[:20]  # the interpreter and the parse come first
    assert f"{work}: process {holder.pid}" in waits[0][1]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(waits)]
    assert max(gaps) < 40, gaps  # said every 15 s, and between tries 30 s apart
    assert lines[-1][1].startswith(f"gx run: {work} cannot be opened: another process holds it"), (
        lines
    )


def test_kill_9_while_waiting_for_a_held_working_file_leaves_nothing_behind(tmp_path):
    """`gx run` killed with SIGKILL while its load waits for a held working file (its step
    holds the duckdb slot): the next run, once the session ended, frees the dead run's slot
    and loads the year; no lock, WAL or copy is left."""
    from gx_pipeline_tests.holding import writer_holding

    env, work = _held_folder(tmp_path)
    holder = writer_holding(work)
    lines: list[tuple[float, str]] = []
    try:
        run, _ = _gx_run_read(env, lines)
        deadline = time.monotonic() + 60
        while not any("waiting for the warehouse file" in line for _, line in lines):
            assert time.monotonic() < deadline, lines
            time.sleep(0.2)
        run.kill()
        run.wait()
    finally:
        holder.kill()
        holder.wait()
    assert sorted(p.name for p in work.parent.iterdir()) == [
        "warehouse.duckdb",
        "warehouse.duckdb.closed.json",
        "warehouse.duckdb.published.json",
    ]
    after = _gx_run(env)
    assert after.returncode == 0, after.stderr
    assert "marked failed" in after.stderr and "2020  ok" in after.stdout
