"""A run's claim on a report year, kept in the data folder: `<staging>/.claims/<year>/<run>.json`.

Which runs are live is known to the Dagster instance that runs them (DAGSTER_HOME), and only to
it: a run under another DAGSTER_HOME on the same data folder (a second `make ui`, a `gx run`
from a shell without `make`'s environment) is unknown, so its staged rows looked like an ended
run's and were removed, and its year loaded beside it. So every run that stages or loads a year
also claims it here: the claim is a file the run's process holds an exclusive lock on (flock)
while it runs, naming the run, its instance, process and machine. A claim whose lock nobody
holds is over, whatever it says (the process ended or was killed: the kernel let go of it).

flock is per machine: runs on several machines share one instance (Postgres, docs/DEPLOY.md),
which knows their runs.
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
        fcntl.flock(fd, fcntl.LOCK_EX)
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


def _held_by_another(path: Path) -> Claim | None:
    """The claim in `path` when another process holds its lock; None (and the file removed)
    when nobody does."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # removed meanwhile: let go
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
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


def _files(folder: Path) -> Iterator[Path]:
    try:
        yield from (p for p in folder.iterdir() if p.suffix == ".json")
    except OSError:
        return
