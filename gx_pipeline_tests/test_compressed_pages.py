"""Pages saved still gzip-compressed. A crawler that keeps a response's body as it came
(Content-Encoding: gzip, never decoded; wget --compression=none, a proxy's cache, curl without
--compressed) leaves the page compressed under its .html, .pdf or .docx name. Such bytes were
refused as "binary content (NUL bytes), not a page": said, but the report was lost. The page
inside is read as if it had been saved plain, saying it was compressed; bytes that open as gzip
and do not decompress whole are still refused, naming what is wrong."""

from __future__ import annotations

import gzip
import random
import zlib
from pathlib import Path

import pytest

from gx_pipeline.parsing import ParseError, parse_bytes
from gx_pipeline.parsing import page as page_module

_ROOT = Path(__file__).resolve().parents[1]
_DOCUMENTS = _ROOT / "gx_pipeline_tests" / "fixtures" / "documents" / "pages"


def _pages(seed: int, count: int) -> list[Path]:
    """Report pages of every kind the project reads: web pages and text copies of the bundled
    years, PDF and Word files."""
    raw = sorted((_ROOT / "data" / "raw").glob("*/*"))
    documents = sorted(p for p in _DOCUMENTS.iterdir() if p.suffix in {".pdf", ".docx", ".doc"})
    rng = random.Random(seed)
    return rng.sample(raw, count) + rng.sample(documents, 1)


def _compressed(data: bytes, how: str, rng: random.Random) -> bytes:
    level = rng.choice([1, 6, 9])
    if how == "once":
        return gzip.compress(data, compresslevel=level, mtime=rng.randrange(2**31))
    if how == "members":  # gzip appends a second member; gunzip reads both as one file
        cut = rng.randrange(1, len(data))
        return gzip.compress(data[:cut], level) + gzip.compress(data[cut:], level)
    if how == "twice":  # a proxy's gzip over the server's
        return gzip.compress(gzip.compress(data, level), level)
    if how == "stream":  # zlib's own gzip writer, no file name, trailing newline after it
        writer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return writer.compress(data) + writer.flush() + b"\n"
    raise AssertionError(how)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("how", ["once", "members", "twice", "stream"])
def test_a_page_saved_gzip_compressed_reads_as_the_page(seed: int, how: str) -> None:
    rng = random.Random(f"{seed}{how}")
    for path in _pages(seed, 2):
        data = path.read_bytes()
        try:
            plain = parse_bytes(data, path.name).to_json()
        except ParseError as refused:  # a scan with no text layer: refused alike, packed or not
            with pytest.raises(ParseError) as packed_refused:
                parse_bytes(_compressed(data, how, rng), path.name)
            assert str(packed_refused.value) == str(refused)
            continue
        packed = parse_bytes(_compressed(data, how, rng), path.name).to_json()
        said = [line for line in packed["problems"] if "gzip" in line]
        assert len(said) == 1, (path.name, packed["problems"])
        assert ("twice" in said[0]) == (how == "twice")
        packed["problems"] = [line for line in packed["problems"] if "gzip" not in line]
        # the hash stays the file's own: the bytes as they lie in the landing folder
        assert packed.pop("sha256") != plain.pop("sha256")
        assert packed == plain, path.name


@pytest.mark.parametrize(
    "mangle, said",
    [
        (lambda z: z[: len(z) // 2], "cut off before their end"),
        (lambda z: z[:20] + bytes(b ^ 0x5A for b in z[20:40]) + z[40:], "do not decompress"),
        (lambda z: z + b"<html>more</html>", "followed by bytes that are not gzip's"),
    ],
    ids=["truncated", "corrupt", "trailing"],
)
def test_gzip_bytes_that_do_not_decompress_whole_are_refused_naming_why(mangle, said) -> None:
    data = next(iter(sorted((_ROOT / "data" / "raw").glob("2023/*")))).read_bytes()
    with pytest.raises(ParseError) as raised:
        parse_bytes(mangle(gzip.compress(data)), "x.html")
    assert said in str(raised.value) and str(raised.value).startswith("x.html: ")


def test_gzip_bytes_that_decompress_past_any_page_are_refused(monkeypatch) -> None:
    monkeypatch.setattr(page_module, "_GUNZIPPED_LIMIT", 1 << 20)
    bomb = gzip.compress(b"<html><body>" + b" " * (3 << 20) + b"</body></html>")
    with pytest.raises(ParseError, match="decompress past"):
        parse_bytes(bomb, "bomb.html")
    # members that each fit but together pass the limit are refused too
    half = gzip.compress(b" " * (600 << 10))
    with pytest.raises(ParseError, match="decompress past"):
        parse_bytes(half + half, "members.html")
