"""Undoing a response's Content-Encoding in bounded pieces, so a compression bomb stays small.

httpx decodes each layer of `Content-Encoding: gzip, gzip` whole: a 3.5 KB body whose outer
layer inflates to 4 MB and inner layer to 4 GB arrives as one 4 GB chunk before any size check
can run. Here every layer inflates at most `PIECE` bytes per call and hands them on at once, and
every layer's output is counted against the limit, so decoding stops as soon as the limit is
passed and memory holds the limit plus a few pieces.

Supported: gzip (x-gzip), deflate (zlib-wrapped as the standard says, or raw as some servers
send it) and identity, in any nesting. The fetcher asks for `gzip, deflate` only, so another
coding (br, zstd, compress) is refused rather than archived still compressed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

#: most bytes one layer inflates per call
PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"


class DecodeError(Exception):
    """The body is not what its Content-Encoding says; the message says how."""


class Truncated(DecodeError):
    """A compressed layer ended before its end marker: the body was cut off in transit."""


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"decompressed body over {format_mb(limit)} (limit {limit} bytes)")
        self.limit = limit


def format_mb(size: int) -> str:
    return f"{size / 2**20:g} MB"


class _Layer:
    """One gzip or deflate layer, fed compressed bytes, yielding pieces of at most PIECE."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._inflate: zlib._Decompress | None = None
        self._head = b""  # deflate: bytes kept until the first two tell zlib from raw
        self.ended = False
        self.fed = False
        if coding == "gzip":
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.fed = self.fed or bool(data)
        if self.ended:
            return  # bytes after the end marker: ignored, as browsers and httpx do
        if self._inflate is None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS if _zlib_header(data) else -15)
        while True:
            try:
                piece = self._inflate.decompress(data, PIECE)
            except zlib.error as exc:
                raise DecodeError(f"{self.coding} layer is corrupt: {exc}") from None
            if piece:
                yield piece
            if self._inflate.eof:
                self.ended = True
                return
            data = self._inflate.unconsumed_tail
            # a full piece may leave output inside zlib even when all input was taken
            if not data and len(piece) < PIECE:
                return

    def finish(self) -> None:
        # an empty body with a Content-Encoding header is an empty page, as httpx reads it
        if self.fed and not self.ended:
            raise Truncated(f"{self.coding} layer ends before its end marker")


def _zlib_header(data: bytes) -> bool:
    """Whether the first two bytes are a zlib header (RFC 1950): method 8 and a valid check."""
    return data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def codings(content_encoding: str | None) -> list[str]:
    """The layers to undo, outermost first, or DecodeError for a coding not supported."""
    layers = []
    for token in (content_encoding or "").split(","):
        name = token.strip().lower()
        if name in ("", "identity"):
            continue
        if name == "x-gzip":
            name = "gzip"
        if name not in ("gzip", "deflate"):
            raise DecodeError(f"unsupported Content-Encoding {name!r} (asked for gzip, deflate)")
        layers.append(name)
    # listed in the order they were applied: the last one is undone first
    return layers[::-1]


class BodyDecoder:
    """Feed the body as received; get the decoded body back in pieces, never past `limit`."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self._layers = [_Layer(coding) for coding in codings(content_encoding)]
        #: bytes out of each layer so far: an inner layer may inflate bytes the next one ignores
        self._counts = [0] * len(self._layers)
        self.decoded = 0

    def feed(self, data: bytes) -> Iterator[bytes]:
        for piece in self._through(0, data):
            self.decoded += len(piece)
            if self.decoded > self.limit:
                raise TooLarge(self.limit)
            yield piece

    def finish(self) -> None:
        """Raise Truncated when a layer was started and has not reached its end."""
        for layer in self._layers:
            layer.finish()

    def _through(self, depth: int, data: bytes) -> Iterator[bytes]:
        if depth == len(self._layers):
            yield data
            return
        for piece in self._layers[depth].feed(data):
            self._counts[depth] += len(piece)
            if self._counts[depth] > self.limit:
                raise TooLarge(self.limit)
            yield from self._through(depth + 1, piece)
