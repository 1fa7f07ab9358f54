"""A run's claim on a report year, kept in the data folder: `<staging>/.claims/<year>/<run>.json`.

Which runs are live is known to the Dagster instance that runs them (DAGSTER_HOME), and only to
it: a run under another DAGSTER_HOME on the same data folder (a second `make ui`, a `gx run`
from a shell without `make`'s environment) is unknown, so its staged rows looked like an ended
run's and were removed, and its year loaded beside it. So every run that stages or loads a year
also claims it here: the claim is a file the run's process holds an exclusive lock on (flock)
while it runs, naming the run, its instance, process and machine. A claim whose lock nobody
holds is over, whatever it says (the process ended or was killed: the kernel let go of it).

flock is per machine: runs on several machines share one instance (Postgres, docs/DEPLOY.md),
which knows their runs. Where the file system has no locks (NFS without its lock service: flock
fails with ENOLCK), a claim is judged by its process instead: live while the pid it names runs
on this machine and started before the claim was written (a pid given since to another process
does not count); a claim of another machine is then taken as live.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from gx_pipeline.machine import process_alive

#: the claims' folder inside the staging folder (no report year's name)
CLAIMS = ".claims"


@dataclass(frozen=True)
class Claim:
    run_id: str
    year: int
    #: the Dagster instance that runs it (its DAGSTER_HOME)
    instance: str
    pid: int
    host: str
    #: Unix time of the run's first claim on the year: the earlier claim keeps the year
    claimed_at: float

    def said(self) -> str:
        return (
            f"run {self.run_id[:8]} of the Dagster instance at {self.instance} (pid {self.pid} "
            f"on {self.host}, since {time.strftime('%H:%M:%S', time.localtime(self.claimed_at))})"
        )


#: run id -> (the open claim file whose lock this process holds, its path)
_HELD: dict[str, tuple[int, Path]] = {}


def claim_path(root: Path, year: int, run_id: str) -> Path:
    return Path(root) / CLAIMS / str(year) / f"{run_id}.json"


def claim(root: Path, year: int, run_id: str, instance: str) -> Claim:
    """Claim `year` for the run `run_id` of this process, until let_go or the process's end.
    A process runs one run at a time (the in-process executor; `gx run`'s years one after the
    other): the claims it holds for other runs are let go first."""
    for other in [r for r in _HELD if r != run_id]:
        let_go(other)
    path = claim_path(root, year, run_id)
    if run_id in _HELD and _HELD[run_id][1] == path:
        held = _read(_HELD[run_id][0])
        if held is not None:
            return held
    let_go(run_id)
    earlier = _read_file(path)  # this run's earlier step (another process): its first claim
    mine = Claim(
        run_id,
        year,
        instance,
        os.getpid(),
        socket.gethostname(),
        earlier.claimed_at if earlier is not None and earlier.run_id == run_id else time.time(),
    )
    # made locked under another name, then renamed into place: a look (live_claims) never
    # finds the claim unlocked, and so never takes it for an ended run's
    fresh = path.with_name(f"{path.name}.{os.getpid()}.new")
    for attempt in range(3):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(fresh, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            break
        except FileNotFoundError:  # the folder removed by a look that found it empty
            if attempt == 2:
                return mine
        except OSError:
            # no room for a file (a full disk), the staging folder a file: the step's own
            # writes there fail next, saying why; a claim would protect nothing
            return mine
    try:
        with contextlib.suppress(NoLocks):  # judged by its pid instead (_held_by_another)
            _lock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):  # a full disk: the lock alone still claims
            os.write(fd, json.dumps(asdict(mine)).encode())
        os.replace(fresh, path)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            fresh.unlink()
        raise
    _HELD[run_id] = (fd, path)
    return mine


def holds(run_id: str) -> bool:
    """Whether this process holds a claim for `run_id` (claim could write none: the claims'
    folder a file, not writable, no room)."""
    return run_id in _HELD


def let_go(run_id: str) -> None:
    """End this process's claim of `run_id` (its file removed: the run is over here)."""
    fd, path = _HELD.pop(run_id, (None, None))
    if fd is None:
        return
    with contextlib.suppress(OSError):
        path.unlink()
    os.close(fd)


def live_claims(root: Path, year: int) -> list[Claim]:
    """The claims on `year` that another process holds, earliest first (this process's own are
    left out: its runs are the caller's to know). A claim nobody holds is removed."""
    folder = Path(root) / CLAIMS / str(year)
    own = {path for _, path in _HELD.values()}
    for fresh in _files(folder, ".new"):
        _remove_if_over(fresh)  # a claim being made, or one its maker was killed making
    live = []
    for path in sorted(_files(folder)):
        if path in own:
            continue
        held = _held_by_another(path)
        if held is not None:
            live.append(held)
    with contextlib.suppress(OSError):
        folder.rmdir()  # no claim left (a live one's file keeps it)
        folder.parent.rmdir()
    return sorted(live, key=lambda c: (c.claimed_at, c.run_id))


def claim_of_run(root: Path, run_id: str) -> Claim | None:
    """The claim of the run `run_id` on a year that a process holds (this one included), None
    when it holds none: no step of it stages or loads a year now, or its process is gone."""
    for folder in _folders(Path(root) / CLAIMS):
        path = folder / f"{run_id}.json"
        if run_id in _HELD and _HELD[run_id][1] == path:
            here = Claim(run_id, int(folder.name), "?", os.getpid(), socket.gethostname(), 0.0)
            return _read(_HELD[run_id][0]) or here  # written with no text on a full disk
        if path.exists() and (held := _held_by_another(path)) is not None:
            return held
    return None


def _folders(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir()]
    except OSError:
        return []


def _held_by_another(path: Path) -> Claim | None:
    """The claim in `path` when another process holds its lock; None (and the file removed)
    when nobody does."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # removed meanwhile: let go
    try:
        try:
            _lock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except NoLocks:
            found = _read(fd)  # no text: half-written by a process killed writing it
            if found is not None and _process_there(found.pid, found.host, os.fstat(fd)):
                return found
        except BlockingIOError:
            found = _read(fd)
            # held with no text (made on a full disk): live all the same
            return found or Claim(path.stem, int(path.parent.name), "?", 0, "?", time.time())
        with contextlib.suppress(OSError):
            # over (a run id is never reused): unless the file at `path` is a newer claim of
            # the same run, renamed into place since it was opened
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                path.unlink()
        return None
    finally:
        os.close(fd)


class NoLocks(OSError):
    """The file system has no locks (flock fails other than for a lock held)."""


def _lock(fd: int, how: int) -> None:
    """flock, raising BlockingIOError for a lock another holds and NoLocks where the file
    system keeps none."""
    try:
        fcntl.flock(fd, how)
    except OSError as err:
        if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise BlockingIOError(err.errno, err.strerror) from err
        if err.errno == errno.EINTR:
            raise
        raise NoLocks(err.errno, f"no file locks here: {err.strerror}") from err


def _process_there(pid: int, host: str, made: os.stat_result) -> bool:
    """Whether the process `pid` of `host` that wrote a file (`made`: its stat) still runs;
    True for another machine's, which this one cannot see."""
    if host != socket.gethostname():
        return True
    return process_alive(pid, started_before=made.st_mtime)


#: seconds a claim's file being made is left to its maker, locked or not (it is made, then locked)
MAKING_S = 60


def _remove_if_over(fresh: Path) -> None:
    """Remove a claim's file being made (`<run>.json.<pid>.new`) whose maker is gone: one
    killed between making it and renaming it into place. Its maker holds its lock."""
    try:
        fd = os.open(fresh, os.O_RDONLY)
    except OSError:
        return
    try:
        if os.fstat(fd).st_mtime > time.time() - MAKING_S:
            return
        try:
            _lock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        except NoLocks:
            pid = fresh.name.rsplit(".", 2)[-2]
            if not pid.isdigit() or _process_there(int(pid), socket.gethostname(), os.fstat(fd)):
                return
        with contextlib.suppress(OSError):
            if os.stat(fresh).st_ino == os.fstat(fd).st_ino:
                fresh.unlink()
    finally:
        os.close(fd)


def _read(fd: int) -> Claim | None:
    try:
        return Claim(**json.loads(os.pread(fd, 1 << 16, 0)))
    except (OSError, ValueError, TypeError):
        return None


def _read_file(path: Path) -> Claim | None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return _read(fd)
    finally:
        os.close(fd)


def _files(folder: Path, suffix: str = ".json") -> Iterator[Path]:
    try:
        yield from [p for p in folder.iterdir() if p.suffix == suffix]
    except OSError:
        return
