"""A Word report as the reader's token stream: its tables as tables, its paragraphs as lines.

.docx is read with python-docx, in document order. A table's rows and cells come from the
document's own grid: a cell merged across columns (w:gridSpan) is one cell, and a cell merged
down rows (w:vMerge) is one cell, in the row where the merge starts, as a web page's rowspan
gives it; the continuing cells below are left out but keep their place in the cell's `loc`
([table, row, cell]). Paragraphs between tables are read as a text copy (a report typed with
tab stops instead of a table still gives its rows).

.doc and .wps (the binary formats of Word 97-2003 and WPS) are converted to .docx by LibreOffice
(`soffice --headless --convert-to docx`) when it is installed, then read the same way; without
it the file is refused with that reason.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from gx_pipeline.documents.base import Document, DocumentError, Location
from gx_pipeline.parsing.tokens import CELL, END, ROW_END, Head, Token, text_tokens

#: seconds LibreOffice may take to convert one .doc (a report converts in 1-3 s)
CONVERT_TIMEOUT = 120
#: the uncompressed size of a .docx's parts we are willing to read (a zip bomb stops here)
MAX_UNZIPPED = 200 * 1024 * 1024
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def read_docx(data: bytes, source: str, kind: str = "docx") -> Document:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 (python-docx raises many kinds for a bad package)
        raise DocumentError(
            f"the Word file cannot be opened ({type(exc).__name__}: {exc})"
        ) from None
    tokens: list[Token] = []
    texts: list[str] = []
    locations: dict[tuple[int, int, int], Location] = {}
    state = {"table": 0, "line": 0}
    pending: list[str] = []

    def flush() -> None:
        if not pending:
            return
        first = state["line"] + 1
        state["line"] += len(pending)
        for t in text_tokens("\n".join(pending) + "\n"):
            if t.kind != END:
                t = t._replace(table=0, tr=first + (t.tr or 1) - 1)
            tokens.append(t)
        pending.clear()

    def table_tokens(table: Table) -> None:
        state["table"] += 1
        number = state["table"]
        nested: list[Table] = []
        for r, tr in enumerate(table._tbl.tr_lst, start=1):
            for c, tc in enumerate(tr.tc_lst, start=1):
                if tc.vMerge == "continue":
                    continue  # the merged cell above covers it
                cell = _cell(tc, table)
                text = " ".join("\n".join(p.text for p in cell.paragraphs).split())
                nested += cell.tables
                tokens.append(Token(CELL, text, number, r, c))
                texts.append(text)
            tokens.append(ROW_END)
        for inner in nested:
            table_tokens(inner)

    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            # a paragraph's line breaks are lines of the copy; its tabs separate cells
            lines = block.text.split("\n")
            pending.extend(lines)
            texts.extend(lines)
        elif isinstance(block, Table):
            flush()
            table_tokens(block)
    flush()
    if not any(t.text for t in tokens if t.kind != END):
        raise DocumentError("the Word file has no text (its report may be pasted as images)")
    props = document.core_properties
    created = props.created
    head = Head(
        title=props.title or None,
        meta={"creationdate": created.date().isoformat()}
        if isinstance(created, dt.datetime)
        else {},
    )
    return Document(
        kind=kind,
        tokens=tuple(tokens),
        head=head,
        text="\n".join(texts) + "\n",
        locations=locations,
    )


def _cell(tc, table):
    from docx.table import _Cell

    return _Cell(tc, table)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(f"the Word file is damaged: {exc}") from None
    if size > MAX_UNZIPPED:
        raise DocumentError(
            f"the Word file unpacks to {size} bytes, more than the {MAX_UNZIPPED} read"
        )


def converter() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(data: bytes, source: str) -> Document:
    """A .doc or .wps (OLE2) file, through LibreOffice's conversion to .docx."""
    if data.find(_WORD_STREAM) < 0:
        raise DocumentError(
            "an OLE2 (old Office) file without a WordDocument stream: not a Word document "
            "(a spreadsheet or presentation?)"
        )
    command = converter()
    if command is None:
        raise DocumentError(
            "a Word 97-2003 or WPS file (.doc/.wps): reading it needs LibreOffice to convert it "
            "(`make system-deps` installs it), and it is not installed here"
        )
    with tempfile.TemporaryDirectory(prefix="gx-doc-") as tmp:
        work = Path(tmp)
        source_path = work / "report.doc"
        source_path.write_bytes(data)
        # a profile of its own: parallel workers must not share LibreOffice's profile lock
        profile = (work / "profile").as_uri()
        try:
            done = subprocess.run(
                [
                    command,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "docx:MS Word 2007 XML",
                    "--outdir",
                    str(work / "out"),
                    str(source_path),
                ],
                capture_output=True,
                timeout=CONVERT_TIMEOUT,
                env={**os.environ, "HOME": tmp},
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DocumentError(
                f"LibreOffice did not convert the Word file within {CONVERT_TIMEOUT} s"
            ) from None
        converted = work / "out" / "report.docx"
        if done.returncode != 0 or not converted.is_file():
            said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:200]
            raise DocumentError(
                f"LibreOffice could not convert the Word file (exit {done.returncode}"
                + (f": {said}" if said else "")
                + ")"
            )
        return read_docx(converted.read_bytes(), source, kind="doc")
