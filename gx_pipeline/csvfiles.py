"""CSV files as the project writes them: UTF-8 with a byte-order mark, every one.

Excel opens a UTF-8 CSV without the mark in the system's code page, which turns the Chinese
text (agencies, reasons, notes) into mojibake; with it, Excel reads UTF-8. DuckDB's
read_csv, pandas' read_csv and Python's csv module (with encoding="utf-8-sig") read the file
either way, and the first column keeps its name. So `gx export --format csv`, `gx review
--export`, the release's quality_by_year.csv and the fetcher's found manifest all write it.
"""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path
from typing import TextIO

#: the codec that writes the mark (and reads a file with or without it)
ENCODING = "utf-8-sig"


def open_for_writing(path: str | Path) -> TextIO:
    """`path` opened for the csv module: UTF-8 with the mark, newlines as the module writes."""
    return open(path, "w", encoding=ENCODING, newline="")


def add_mark(path: Path) -> None:
    """Put the mark before a CSV file another writer (DuckDB's COPY) wrote without it; the
    file is rewritten beside itself and renamed into place."""
    with path.open("rb") as f:
        if f.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
            return
    marked = path.with_name(f".{path.name}.marked")
    with path.open("rb") as source, marked.open("wb") as target:
        target.write(codecs.BOM_UTF8)
        shutil.copyfileobj(source, target, 1 << 20)
    os.replace(marked, path)
