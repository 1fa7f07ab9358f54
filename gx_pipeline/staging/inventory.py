"""A report year's raw files as the pipeline sees them: every entry below the year folder, what
it is, and whether it is read.

Every entry ends in the warehouse: a file that is read becomes a report or a quarantine row;
an entry that is not read (a FIFO, a socket, a link out of data/raw, a download still in
progress, an empty folder) becomes a quarantine row with the reason, so that dim_report and
quarantine together list the year folder as it was. Hidden files are read like any other (a
`.hidden.html` is a report). Nothing here opens a FIFO or a device, follows a link out of the
raw folder, or reads a file whole (a page larger than MAX_PAGE_BYTES is hashed in blocks and
quarantined by the parse step, never parsed).
"""

from __future__ import annotations

import errno
import hashlib
import heapq
import itertools
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote_from_bytes, unquote_to_bytes

#: The largest page that is read, in bytes. A report page is ~100 KB (a padded portal page
#: with scripts); the fetcher refuses bodies over 20 MB. A larger file is hashed (streamed)
#: and quarantined, never parsed: an lxml tree costs ~10x the page in memory.
MAX_PAGE_BYTES = 32 * 2**20

#: Names of files still being written: partial downloads and editors' temporary copies. They
#: are quarantined (not read) and do not count for the sensor: the finished file, under its
#: final name, is what gets read.
_IN_PROGRESS_SUFFIXES = (
    ".part",
    ".partial",
    ".crdownload",
    ".download",
    ".tmp",
    ".temp",
    ".swp",
    ".swo",
    ".swx",
    ".kate-swp",
    "~",
)
_IN_PROGRESS_PREFIXES = (".#", "~$", ".~lock.")

IN_PROGRESS = (
    "an unfinished download or an editor's temporary file: not read (the finished file is)"
)
EMPTY_FOLDER = "an empty folder: no pages in it"
#: the temporary name `gx fetch --export-raw` copies a page into a year folder under before it
#: renames it into place: `.<raw name>.<pid>.tmp` (before the pid was in it: `.<raw name>.tmp`)
PLACING = re.compile(r"^\.[0-9a-f]{16}\.(?:html|pdf|docx|doc)(?:\.(\d+))?\.tmp$")
#: a page `gx fetch --export-raw` was copying into the year folder (a run killed part-way left
#: it, or one runs now): the fetcher's own temporary name, which the next export removes
PLACING_PAGE = (
    "a page's temporary copy written by gx fetch --export-raw (left by an export killed "
    "part-way, or one running now): not read; the next export removes it and places the page"
)


@dataclass(frozen=True)
class Entry:
    """One entry below a year folder."""

    #: path under the raw folder, posix; a name that is not UTF-8 has its undecodable bytes
    #: (and its % signs) percent-encoded, see safe_name
    source: str
    #: where to read it (a link inside the raw folder: its target)
    path: Path
    size: int
    mtime_ns: int
    #: why it is not read (quarantined as it is), None for a file to read
    refused: str | None = None
    #: what is odd about its name, for the report's problems or the quarantine reason
    name_note: str | None = None
    #: when its inode last changed (a file read: its contents or its metadata); no tool sets it
    ctime_ns: int = 0

    @property
    def in_progress(self) -> bool:
        return self.refused in (IN_PROGRESS, PLACING_PAGE)


def safe_name(name: bytes) -> tuple[str, bool]:
    """A file name as text: UTF-8 as it is; otherwise percent-encoded bytes (every byte
    outside printable ASCII, and %), which urllib.parse.unquote_to_bytes turns back into the
    exact name. The flag says whether the name had to be encoded.

    A UTF-8 name that spells such an encoding (x%FF.html, beside the x\\xff.html it encodes: a
    name copied from a `source`) is encoded too, its % signs as %25: it would otherwise give
    another entry's source, and dim_report and quarantine, keyed by it, refuse the year. A
    UTF-8 name whose % signs spell UTF-8 (a page saved under its URL-encoded name,
    %E5%B9%B4.html) or nothing (50%.html) keeps its spelling."""
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        return _encoded(name), True
    return (_encoded(name), True) if _spells_an_encoding(text) else (text, False)


def _encoded(name: bytes) -> str:
    return quote_from_bytes(name, safe=_SAFE_ASCII)


def _spells_an_encoding(text: str) -> bool:
    """Whether `text` is what safe_name gives another name: the encoding of bytes that are
    not UTF-8, or of a name that itself spells one (x%25FF.html, beside x%FF.html)."""
    while "%" in text:
        name = unquote_to_bytes(text)
        if _encoded(name) != text:
            return False
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            return True
    return False


#: a control character (line break, tab, ESC ...) as its escape, for a name said in a line
ESCAPED = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F)}


def one_line(name: str) -> str:
    """A name as it is, or quoted with its escapes when it holds a line break, a tab or
    another control character (valid UTF-8, so kept in source as it is): said raw, it breaks
    the line, or reaches a terminal as a command."""
    return name if name.translate(ESCAPED) == name else repr(name)


_SAFE_ASCII = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in "%")


def name_note(name: bytes) -> str:
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return (
            f"file name: {text!r} spells the percent-encoding of another name; `source` holds "
            "it with its % signs encoded (urllib.parse.unquote_to_bytes gives the name back)"
        )
    note = (
        "file name: not valid UTF-8; `source` holds it percent-encoded "
        "(urllib.parse.unquote_to_bytes gives the bytes back)"
    )
    try:
        return note + f"; read as GB18030 it is {name.decode('gb18030')!r}"
    except UnicodeDecodeError:
        return note


def year_entries(year_dir: Path, raw_dir: Path) -> list[Entry]:
    """Every entry below `year_dir`, sorted by source (iter_year_entries as a list)."""
    return list(iter_year_entries(year_dir, raw_dir))


def iter_year_entries(year_dir: Path, raw_dir: Path) -> Iterator[Entry]:
    """Every entry below `year_dir`, one at a time, in the order of their sources. Folders are
    walked (hidden ones too), links to folders are not; an empty folder is an entry of its own.

    A national year is 100,000+ files: only one folder's names are held at a time (as bytes,
    ~70 bytes a file), never an Entry per file of the year."""
    root = Path(os.path.realpath(raw_dir))
    if not year_dir.is_dir():
        return
    prefix, _ = safe_name(os.fsencode(year_dir.relative_to(raw_dir).as_posix()))
    yield from _walk(os.fsencode(year_dir), prefix, root, None)


def _walk(folder: bytes, source: str, root: Path, note: str | None) -> Iterator[Entry]:
    """The entries below `folder` in the order of their sources (see _listing), each source
    its own (safe_name); folders' entries merged by source where their listing keys tie."""
    return _flat(_children(folder, _listing(folder), source, root, note))


#: what _children gives: an entry, or the steps of a folder to walk
_Step = Entry | Iterator["_Step"]


def _flat(steps: Iterator[_Step]) -> Iterator[Entry]:
    """The entries of `steps`, walking each folder where it comes. A stack, not recursion:
    folders nest as deep as paths allow (~2,000 levels), past Python's recursion limit."""
    stack = [steps]
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
        elif isinstance(step, Entry):
            yield step
        else:
            stack.append(step)


def _children(
    folder: bytes, listed: list[bytes], source: str, root: Path, note: str | None
) -> Iterator[_Step]:
    """The steps of `folder`, whose _listing is `listed`."""
    for place, keys in itertools.groupby(listed, lambda key: key.partition(b"\0")[0]):
        walked = place.endswith(b"/")
        names = sorted(key.partition(b"\0")[2] or place.removesuffix(b"/") for key in keys)
        steps = [_step(folder, name, walked, source, root, note) for name in names]
        if len(steps) == 1:
            yield steps[0]
        else:  # stable: of one source, the smaller name's entry first
            flat = [_flat(iter([step])) for step in steps]
            yield heapq.merge(*flat, key=lambda entry: entry.source)


def _step(
    folder: bytes, name: bytes, walked: bool, source: str, root: Path, note: str | None
) -> _Step:
    """The entry `name` of `folder`, or the steps of the folder `name` when it is walked."""
    text, encoded = safe_name(name)
    here = f"{source}/{text}"
    here_note = name_note(name) if encoded else note
    item = os.path.join(folder, name)
    path = Path(os.fsdecode(item))
    try:
        info = os.lstat(item)
    except OSError as err:
        return Entry(here, path, 0, 0, f"cannot be read: {err.strerror}", here_note)
    if stat.S_ISDIR(info.st_mode):
        # the walk goes on while the inventory hashes what it gave: a folder that held entries
        # when its parent was listed may be emptied or locked by now; it is then an entry of
        # its own all the same (where the folder's entries would have come)
        listed, reason = [], EMPTY_FOLDER
        if not walked:
            reason = _unlisted(item) or EMPTY_FOLDER
        else:
            try:
                listed = _listing(item)
            except OSError as err:
                reason = f"cannot be read: {err.strerror}"
        if listed:
            return _children(item, listed, here, root, here_note)
        return Entry(here, path, 0, info.st_mtime_ns, reason, here_note)
    if stat.S_ISLNK(info.st_mode):
        return _link(here, path, root, info, here_note)
    return _file(here, path, info, here_note, name)


def _listing(folder: bytes) -> list[bytes]:
    """The entries of `folder`, sorted as their sources sort, one bytes value each: the source's
    name (UTF-8, whose bytes sort as its text does), "/" after a folder that is walked (its
    entries' sources are "name/...", so "a.html" comes before the folder "a"'s files), NUL,
    then the name itself when it is not UTF-8 (its source's name is percent-encoded).

    A flat folder of a national year holds 100,000+ files: one short bytes value each, not a
    tuple of a str and bytes (~70 against ~230 bytes an entry, and given back when freed)."""
    keys = []
    with os.scandir(folder) as listing:
        for item in listing:
            text, encoded = safe_name(item.name)
            try:
                walked = item.is_dir(follow_symlinks=False) and _holds_entries(item.path)
            except OSError:  # listed as an entry of its own, where its name sorts
                walked = False
            place = text.encode() + b"/" if walked else text.encode()
            keys.append(place + b"\0" + item.name if encoded else place + b"\0")
    keys.sort()
    return keys


def _holds_entries(folder: bytes) -> bool:
    """Whether `folder` holds anything; a folder that cannot be listed is not walked either (it
    is an entry of its own, see _unlisted)."""
    try:
        with os.scandir(folder) as listing:
            return next(listing, None) is not None
    except OSError:
        return False


def _unlisted(folder: bytes) -> str | None:
    """Why a folder that is not walked cannot be listed (its mode, as a copy from another
    account leaves it): what it holds is unknown, it is not an empty folder. None when it can."""
    try:
        with os.scandir(folder):
            return None
    except OSError as err:
        return f"cannot be read: {err.strerror}"


def _link(source: str, path: Path, root: Path, info: os.stat_result, note: str | None) -> Entry:
    """A symbolic link: read through it only when it leads to a file inside the raw folder."""
    target = Path(os.path.realpath(path))
    shown, _ = safe_name(os.fsencode(str(target)))
    if not target.is_relative_to(root):
        reason = f"a link to {shown}, outside the raw folder: not followed"
        return Entry(source, path, info.st_size, info.st_mtime_ns, reason, note)
    try:
        aim = target.stat()
    except OSError as err:
        # a -> b -> a misses nothing: said so, not sent looking for a deleted page
        loop = err.errno == errno.ELOOP
        reason = (
            "a link in a loop (it leads back to itself): not followed" if loop else "a broken link"
        )
        return Entry(source, path, info.st_size, info.st_mtime_ns, reason, note)
    if stat.S_ISDIR(aim.st_mode):
        reason = f"a link to the folder {shown}: not followed"
        return Entry(source, path, info.st_size, info.st_mtime_ns, reason, note)
    return _file(source, target, aim, note, os.fsencode(path.name))


def _file(source: str, path: Path, info: os.stat_result, note: str | None, name: bytes) -> Entry:
    size, mtime = info.st_size, info.st_mtime_ns
    kind = _not_a_file(info.st_mode)
    if kind is not None:
        return Entry(source, path, size, mtime, f"{kind}, not a file: not read", note)
    if PLACING.match(os.fsdecode(name)):
        return Entry(source, path, size, mtime, PLACING_PAGE, note)
    text = os.fsdecode(name).lower()
    if text.endswith(_IN_PROGRESS_SUFFIXES) or text.startswith(_IN_PROGRESS_PREFIXES):
        return Entry(source, path, size, mtime, IN_PROGRESS, note)
    return Entry(source, path, size, mtime, None, note, info.st_ctime_ns)


def _not_a_file(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def year_fingerprint(year_dir: Path) -> str:
    """Hash of (name, size, mtime) of the entries year_entries lists under `year_dir` (a
    folder of data/raw/), downloads in progress left out: what the year's load was made from,
    cheap enough to compare on every automation tick (no file is read)."""
    return year_look(year_dir)[0]


def year_look(year_dir: Path) -> tuple[str, float | None, str]:
    """year_fingerprint, the newest inode change (Unix time) of a file to read (None when the
    year has none), and a hash of every such file's inode change time, in one walk: a file
    rewritten with its name, size and mtime kept (cp -p, rsync -a, an archive extracted over
    the folder) leaves the fingerprint as it was, and only its ctime, which no tool sets,
    tells. The hash is what a load records to compare with: the newest time was compared
    with the load's start, and a file server whose clock is ahead stamps every file later
    than any start (the year was stale again after each load)."""
    digest = hashlib.sha256()
    changes = hashlib.sha256()
    separator = b""
    newest = 0
    for e in iter_year_entries(year_dir, year_dir.parent):
        if not e.in_progress:
            digest.update(separator + f"{e.source}\t{e.size}\t{e.mtime_ns}".encode())
            changes.update(separator + f"{e.source}\t{e.ctime_ns}".encode())
            separator = b"\n"
            newest = max(newest, e.ctime_ns)
    return digest.hexdigest()[:16], newest / 1e9 if newest else None, changes.hexdigest()[:16]


def has_pages(year_dir: Path) -> bool:
    """Whether the year folder holds anything to load (a folder that emptied, as when a mount
    drops or a sync is half-way, holds nothing: the year's last load stands)."""
    return any(not e.in_progress for e in iter_year_entries(year_dir, year_dir.parent))


def last_change(year_dir: Path) -> float | None:
    """The newest mtime (Unix time) of the year folder and every entry below it (links not
    followed): adding, removing or renaming a page touches its folder, editing it touches the
    file. None without a folder."""
    if not year_dir.is_dir():
        return None
    # a stack, not a recursive glob: folders nest as deep as the walk goes (see _flat); an
    # entry gone or locked since its folder was listed is passed over (a sync under way must
    # not fail the automation's look; the inventory lists such entries with their reason)
    newest = year_dir.lstat().st_mtime
    folders = [os.fsencode(year_dir)]
    while folders:
        try:
            listing = os.scandir(folders.pop())
        except OSError:
            continue
        with listing:
            for item in listing:
                try:
                    info = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                newest = max(newest, info.st_mtime)
                if stat.S_ISDIR(info.st_mode):
                    folders.append(item.path)
    return newest


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks of 1 MB (a huge file never sits in memory)."""
    return hashed(path)[0]


class NotAFile(OSError):
    """An entry listed as a file is something else when it is opened (replaced since)."""


def open_file(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file (a link to one is followed), else
    NotAFile saying what it is. The entry may have been replaced since it was listed: a named
    pipe opened for reading waits for a writer, for good and before any time limit of the
    parse is armed, so it is opened without waiting and looked at before it is read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        what = _not_a_file(os.fstat(fd).st_mode)
        if what is not None:
            raise NotAFile(f"{what} now (it was listed as a file): not read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def hashed(path: Path) -> tuple[str, int]:
    """sha256 of a file and the number of bytes it was taken over (the file's size as it was
    read, which may differ from an earlier stat's), read in blocks of 1 MB."""
    digest = hashlib.sha256()
    size = 0
    with open_file(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def is_generated(path: Path, truth_dir: Path) -> bool:
    """A synthetic page: its name starts with gen-, or its truth sidecar says generated."""
    if path.name.startswith("gen-"):
        return True
    sidecar = truth_dir / f"{path.stem}.json"
    if not sidecar.is_file():
        return False
    try:
        truth = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(truth, dict) and bool(
        truth.get("generated") or (truth.get("meta") or {}).get("generated")
    )
