"""A report year's raw files as the pipeline sees them: which files, their hashes and sizes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def raw_files(year_dir: Path) -> list[Path]:
    """The raw pages of a year folder: every file below it, sorted, hidden ones (a leading dot
    anywhere in the path below the folder) left out. The inventory lists these and the sensor
    fingerprints them."""
    if not year_dir.is_dir():
        return []
    return [
        path
        for path in sorted(p for p in year_dir.rglob("*") if p.is_file())
        if not any(part.startswith(".") for part in path.relative_to(year_dir).parts)
    ]


def year_fingerprint(year_dir: Path) -> str:
    """Hash of (relative name, size, mtime) of every file raw_files lists: what the year's
    load was made from, cheap enough to compare on every automation tick (no file is read)."""
    entries = []
    for path in raw_files(year_dir):
        stat = path.stat()
        entries.append(
            f"{path.relative_to(year_dir).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}"
        )
    return hashlib.sha256("\n".join(entries).encode("utf-8")).hexdigest()[:16]


def last_change(year_dir: Path) -> float | None:
    """The newest mtime (Unix time) of the year folder, its sub-folders and its raw files:
    adding, removing or renaming a page touches its folder, editing it touches the file. None
    without a folder."""
    if not year_dir.is_dir():
        return None
    visible = [
        p
        for p in year_dir.rglob("*")
        if not any(part.startswith(".") for part in p.relative_to(year_dir).parts)
    ]
    return max(p.stat().st_mtime for p in [year_dir, *visible])


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
