"""What a document reader hands the parser: the token stream, the document's own metadata, and
where each token stands in the document."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from gx_pipeline.parsing.tokens import Head, Token
from gx_pipeline.report import Cell

#: a cell's place in the document: [page, line, cell] in a PDF, [table, row, cell] in Word
Location = tuple[int, int, int]


#: a colour channel this light or more, in all three, is white on paper (Word's and a PDF's
#: text, and what it stands on)
WHITE_CHANNEL = 240


class DocumentError(Exception):
    """A document that cannot be read: a scan, a damaged or encrypted file, a format without a
    converter. `reason` is the line the page's quarantine record keeps."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Document:
    #: pdf, docx or doc (a .doc or .wps, read through its conversion to .docx)
    kind: str
    tokens: tuple[Token, ...]
    #: the document's title and metadata (a PDF's Title and CreationDate, a Word file's core
    #: properties), as a web page's <head> gives them
    head: Head = field(default_factory=Head)
    #: the document's text in reading order, for the parser's checks on the whole text
    text: str = ""
    problems: tuple[str, ...] = ()
    #: reason codes (parsing/problems.py) the reader's own guesses or losses raise, beside the
    #: lines in `problems` that say them
    codes: frozenset[str] = frozenset()
    pages: int | None = None
    #: (table, tr, td) of a token -> where it stands in the document, when that differs
    locations: Mapping[tuple[int, int, int], Location] = field(default_factory=dict)
    #: the web page a Word file imports as its whole body (w:altChunk: what "export to Word"
    #: tools write), read as a page in the document's place; None for a document of its own
    page: bytes | None = None

    def converted(self, convert: Callable[[str], str]) -> Document:
        """The same document with every text converted (Traditional -> Simplified)."""
        return replace(
            self,
            tokens=tuple(t._replace(text=convert(t.text)) for t in self.tokens),
            text=convert(self.text),
        )

    def locate(self, cells: Iterable[Cell]) -> list[Cell]:
        """Cells with their position in the document's terms."""
        if not self.locations:
            return list(cells)
        out = []
        for c in cells:
            where = self.locations.get((c.table, c.tr, c.td))  # type: ignore[arg-type]
            out.append(c if where is None else c._replace(table=where[0], tr=where[1], td=where[2]))
        return out
