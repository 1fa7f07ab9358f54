"""A folder written whole or not at all: `gx export` and `gx release` write DIR this way.

The files are written into a hidden sibling folder (`.DIR.export-<pid>-<token>`,
`.DIR.release-…`) and renamed into DIR's place once complete; the earlier DIR is moved aside
(`.DIR.replaced-…`) for that moment and removed. One export or release at a time writes DIR
(a lock on `.DIR.lock` beside it while it runs): a second is refused, naming the first's
process. A sibling
left by a process that was killed is removed by the next into DIR, and an earlier DIR that one
killed between the two renames had moved aside is put back.

What the swap cannot do is refused before anything is written: DIR a mount point (a rename
cannot take its place) or holding the current directory (the shell would be left in a removed
folder). The new DIR keeps the old one's mode and group (a team's setgid folder stays the
team's), and the siblings' names are cut short where DIR's name is near the 255 bytes a name
may have.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from gx_pipeline.machine import process_alive

#: what is said of each kind of folder written beside DIR and swapped in, once done
_DONE = {"export": "exported", "release": "released"}
#: the longest name a folder may have (ext4, XFS, btrfs, tmpfs), in bytes
_NAME_MAX = 255
#: the siblings' names beyond DIR's: `.` + `.release-` + a pid + `-` + 8 hex digits
_SIBLING_EXTRA = 40


class ExportError(Exception):
    """The export cannot be done safely; the message names the database and the relation."""


def can_be_swapped(out: Path, kind: str, under: Path) -> None:
    """ExportError when the folder `out` cannot be replaced by a sibling renamed into its place:
    it holds the current directory, or it is a mount point. `kind`: export or release; `under`:
    the folder to name instead."""
    nothing = f"nothing was {_DONE[kind]}"
    if len(os.fsencode(out.name)) > _NAME_MAX:
        raise ExportError(
            f"{out}: a folder name of {len(os.fsencode(out.name))} bytes, longer than the "
            f"{_NAME_MAX} a file system allows; {nothing}"
        )
    try:
        cwd = Path.cwd()
    except OSError:  # the current directory was removed: nothing under `out` is it
        cwd = Path("/")
    if cwd == out or out in cwd.parents:
        raise ExportError(
            f"{out} holds the current directory, which the swap would remove from under it "
            f"(the shell left in a removed folder); run gx {kind} from outside it (cd "
            f"{out.parent}); {nothing}"
        )
    if os.path.ismount(out):
        raise ExportError(
            f"{out} is a mount point: the {kind} is written beside it and swapped in by a "
            f"rename, which a mount point cannot take. Write it into a folder under it "
            f"({under}); {nothing}"
        )


@contextlib.contextmanager
def claimed(out: Path, kind: str, under: Path) -> Iterator[str]:
    """Hold `out` for one export or release, or ExportError naming the process that holds it.

    The hold is an OS lock (flock) on the file `.DIR.lock` beside DIR, which the kernel lets go
    of when the process ends however it ends: a file left by a killed export or release
    (kill -9, the machine's reboot) holds nothing and blocks no one. Yields "" or, when such a
    file was there, a line saying so (its content named the process gone); the file is removed
    when done."""
    lock = out.parent / f".{_base(out)}.lock"
    while True:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as err:
            raise _unwritable(out, kind, under, err) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").split()
            os.close(fd)
            pid, theirs = (holder + ["?", "export"])[:2]
            raise ExportError(
                f"another {theirs} into {out} is running (process {pid}); run again when it "
                f"has finished: nothing was {_DONE[kind]}"
            ) from None
        # the file may have been removed by the run that held it since it was opened: then
        # this lock is on no one's file, and the next run's open makes a new one
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    # a holder that finished removed the file: content in it is a process's that was killed
    left = os.pread(fd, 200, 0).decode(errors="replace").split()
    note = ""
    if left:
        pid, theirs = (left + ["?", "export"])[:2]
        note = (
            f"{lock} was left by {'an' if theirs == 'export' else 'a'} {theirs} that did not finish (process {pid}, killed?): it "
            "held no lock (the lock ended with its process), so it blocked nothing; taken over"
        )
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {kind}\n".encode(), 0)
        yield note
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)  # while held: no one else holds the file it names
        os.close(fd)


def staging_folder(out: Path, kind: str, under: Path) -> Path:
    """A new folder beside `out` (held: `claimed`) to write into, with `out`'s group and
    setgid bit, so that what is written in it is the group's as in `out`; first removes those
    that runs killed part-way left (their process is gone), except the earlier folder one
    killed between the swap's two renames moved aside, which becomes `out` again."""
    prefixes = _prefixes(out, kind)
    try:
        for sibling in sorted(out.parent.iterdir()):
            pid = _owner(sibling.name, prefixes)
            if pid is None or process_alive(pid):
                continue
            if sibling.name.startswith(prefixes[1]) and not out.exists():
                # killed between the swap's two renames: the earlier folder is put back
                sibling.rename(out)
            else:
                shutil.rmtree(sibling, ignore_errors=True)
        staged = out.parent / f"{prefixes[0]}{os.getpid()}-{secrets.token_hex(4)}"
        staged.mkdir()
    except OSError as err:
        raise _unwritable(out, kind, under, err) from None
    if out.is_dir():
        info = out.stat()
        with contextlib.suppress(OSError):  # not a member of the group: the user's own
            os.chown(staged, -1, info.st_gid)
        # writable by its writer until it is swapped in (swap_in gives it the mode itself)
        os.chmod(staged, stat.S_IMODE(info.st_mode) | stat.S_IRWXU)
    return staged


def swap_in(staged: Path, out: Path) -> None:
    """`staged` becomes `out`, with `out`'s mode; the earlier `out` is removed."""
    if not out.exists():
        staged.rename(out)
        return
    os.chmod(staged, stat.S_IMODE(out.stat().st_mode))
    token = staged.name.rsplit("-", 2)[-2:]
    earlier = out.parent / f"{_prefixes(out, 'export')[1]}{'-'.join(token)}"
    out.rename(earlier)
    try:
        staged.rename(out)
    except BaseException:
        earlier.rename(out)
        raise
    shutil.rmtree(earlier, ignore_errors=True)


def _unwritable(out: Path, kind: str, under: Path, err: OSError) -> ExportError:
    what = err.strerror or str(err)
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ExportError(
            f"{out.parent} cannot be written ({what}): the {kind} is written beside {out} and "
            f"renamed into its place, so {out} being writable is not enough. Write it into a "
            f"folder under it ({under}), or make {out.parent} writable; nothing was "
            f"{_DONE[kind]}"
        )
    return ExportError(
        f"the {kind} is written beside {out} and swapped in, and {out.parent} cannot be "
        f"written: {err}; nothing was {_DONE[kind]}"
    )


def _base(out: Path) -> str:
    """What the siblings of `out` are named after: its name, or, where that would make theirs
    longer than a name may be, its first characters and a hash of the whole."""
    name = out.name
    if len(os.fsencode(name)) + _SIBLING_EXTRA <= _NAME_MAX:
        return name
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    short = name
    while len(os.fsencode(short)) > _NAME_MAX - _SIBLING_EXTRA - len(digest) - 1:
        short = short[:-1]
    return f"{short}~{digest}"


def _prefixes(out: Path, kind: str) -> tuple[str, str]:
    """The names' beginnings of the folders a run of `kind` into `out` keeps beside it for a
    moment: the new folder being written, and the earlier one being removed."""
    return f".{_base(out)}.{kind}-", f".{_base(out)}.replaced-"


def _owner(name: str, prefixes: Sequence[str]) -> int | None:
    """The process id in the name of a sibling folder (its name's beginning one of
    `prefixes`), None: not one."""
    for prefix in prefixes:
        if name.startswith(prefix):
            pid = name[len(prefix) :].split("-", 1)[0]
            return int(pid) if pid.isdigit() else None
    return None
