"""Bytes to text. The meta charset can lie, so the bytes decide.

UTF-8 is tried first because valid UTF-8 is almost never anything else; then the charset the page
declares, when it is one that can hold Chinese and is not a GB one (Big5, say); then GB18030, the
superset of GB2312 and GBK. GBK pages are decoded as GB18030 (same speed, strictly more
characters). A single-byte charset (Latin-1, koi8-r, cp437, Mac Roman …) turns any bytes into
characters, so a page declaring one proves nothing about its bytes; neither does a name Python
does not know (`charset=undefined`).
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import re
from dataclasses import dataclass

from gx_pipeline.parsing.errors import ParseError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "euc-cn", "cp936", "hz-gb-2312"}
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
#: the same control characters as bytes: in UTF-8, GB18030 and the other ASCII-compatible
#: charsets a byte below 0x20 is never part of a multi-byte character, so counting bytes in C
#: (bytes.translate) gives the count of characters without a regex over the text
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    #: what the page's <meta> said, if anything
    declared: str | None
    problems: tuple[str, ...] = ()
    #: some bytes decoded in no candidate encoding and were replaced
    damaged: bool = False


def declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:8192])
    return m.group(1).decode("ascii").lower() if m else None


#: a web archive's MIME headers: Word's "single file web page" (.mht) and the "export to Word"
#: of many sites (an .mht saved as .doc)
_WEB_ARCHIVE = re.compile(
    rb"^\s*(?:[\w-]+:[^\n]*\n(?:[ \t][^\n]*\n)*)*?content-type:\s*(?:multipart/related|text/html)",
    re.IGNORECASE,
)


def web_archive_page(data: bytes) -> bytes | None:
    """The HTML of a web archive (MIME: the page quoted-printable or base64, its images beside
    it), or None when the bytes are no web archive. Read as they are, the quoted-printable
    soft line breaks (`=` at a line's end) cut words and numbers and `=3D` stands for every
    `=`: no table of the page would be read."""
    head = data[:4096]
    if b"mime-version" not in head.lower() or not _WEB_ARCHIVE.match(head):
        return None
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload
    return None


def decode(data: bytes, source: str) -> Decoded:
    if not data.strip():
        raise ParseError(source, "the file is empty")
    if data[:64].lstrip()[:1] != b"<" and (page := web_archive_page(data)) is not None:
        decoded = decode(page, source)
        said = (
            "page: a web archive (MIME, .mht; an 'export to Word' .doc may be one): its HTML "
            "part is read"
        )
        return dataclasses.replace(decoded, problems=(said, *decoded.problems))
    declared = declared_charset(data)
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return _checked(text, enc, declared, source, data=_ascii_based(enc, data))
    if data.count(b"\x00") > max(8, len(data) // 200):
        if (utf16 := _utf16_without_bom(data)) is None:
            raise ParseError(source, "binary content (NUL bytes), not a page")
        text, enc = utf16
        said = f"page: {enc.upper()} without a byte-order mark (a NUL beside each ASCII byte)"
        return _checked(text, enc, None, source, (said,))
    try:
        return _checked(data.decode("utf-8"), "utf-8", declared, source, data=data)
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared and declared not in _GB_FAMILY and _may_hold_chinese(declared):
        candidates.append(declared)
    candidates.append("gb18030")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeError, LookupError):
            continue
        if enc != "gb18030" and _fewer_chinese(text, data):
            continue  # the declared charset decodes the bytes, but GB18030 reads them as Chinese
        if enc == "gb18030" and (big5 := _big5_instead(text, data)) is not None:
            return _as_big5(big5, declared, source, data)
        return _checked(text, enc, declared, source, data=_ascii_based(enc, data))
    # Neither decodes cleanly: take whichever loses fewer characters and say so.
    decoded = {enc: data.decode(enc, errors="replace") for enc in ("utf-8", "gb18030")}
    best = min(decoded, key=lambda enc: decoded[enc].count("\ufffd"))
    text = decoded[best]
    lost = text.count("\ufffd")
    # a Big5 page cut off inside a character is no GB page either
    big5 = _big5_instead(decoded["gb18030"], data)
    if big5 is not None and big5[2] <= lost:
        return _as_big5(big5, declared, source, data)
    checked = _checked(
        text,
        best,
        declared,
        source,
        (f"page: {lost} undecodable byte sequences replaced (decoded as {best})",),
        tolerate=lost,
        data=data,
    )
    return dataclasses.replace(checked, damaged=True)


@functools.lru_cache(maxsize=64)
def _may_hold_chinese(charset: str) -> bool:
    """Whether a declared charset is worth trying before GB18030: a multi-byte charset Python
    knows and that rejects bytes it has no character for (Big5, UTF-16 …). A single-byte
    charset gives a character for every byte whatever the bytes are; an unknown or unusable
    name (`undefined`) gives nothing."""
    try:
        codecs.lookup(charset)
        b"report".decode(charset)
    except (LookupError, UnicodeError, ValueError):
        return False
    if charset.replace("_", "-") in ("utf-8", "utf8"):
        return False
    try:
        _HIGH_BYTES.decode(charset)
    except UnicodeError:
        return True
    return False


_COMMON_CHINESE = "的政府信息公开年报告申请情况行一二三四总计"


def _report_words(text: str, words: str = _COMMON_CHINESE) -> int:
    """How many characters of `text` are of the words every report has."""
    return sum(map(text.count, words))


def _fewer_chinese(text: str, data: bytes) -> bool:
    """The bytes read as GB18030 hold more of the words every report has than `text` does."""
    try:
        other = data.decode("gb18030")
    except UnicodeError:
        return False
    return _report_words(other) > 2 * _report_words(text)


#: the words every report has, in Traditional characters too (信息公開, 申請, 總計 …)
_COMMON_EITHER = _COMMON_CHINESE + "開報請況總計資訊"


def _big5_instead(gb_text: str, data: bytes) -> tuple[str, str, int] | None:
    """The bytes as Big5 (text, codec, characters lost), when they are a Traditional Chinese
    page in Big5 that declares no charset (or a wrong one): read as GB18030, Big5 bytes are
    other characters and the text has none of a report's words (not even 信息, in every
    report's title); read as Big5 it has them. None for any other page (a GB page has 信息:
    one search, no second decoding)."""
    if "信息" in gb_text or "資訊" in gb_text:
        return None
    text, codec, lost = _big5_text(data)
    found = _report_words(text, _COMMON_EITHER)
    if found < 20 or found <= 2 * _report_words(gb_text, _COMMON_EITHER):
        return None
    if lost > found // 10:  # many bytes no Big5: some other encoding
        return None
    return text, codec, lost


def _big5_text(data: bytes) -> tuple[str, str, int]:
    """The bytes as Big5: cp950 (Microsoft's, the most common), else Big5-HKSCS (Hong Kong's
    characters, which cp950 lacks); when neither takes every byte (a page cut off inside a
    character, a footer in another encoding, a character of one codec on a page of the other)
    the one that replaces fewer byte sequences, with their count."""
    for codec in ("cp950", "big5hkscs"):
        try:
            return data.decode(codec), codec, 0
        except UnicodeDecodeError:
            pass
    read = {codec: data.decode(codec, errors="replace") for codec in ("cp950", "big5hkscs")}
    codec = min(read, key=lambda codec: read[codec].count("\ufffd"))
    return read[codec], codec, read[codec].count("\ufffd")


def _as_big5(big5: tuple[str, str, int], declared: str | None, source: str, data: bytes) -> Decoded:
    text, codec, lost = big5
    said = (
        "page: the bytes are Big5 (a Traditional Chinese page), not GB: read as GB18030 "
        f"they hold none of a report's words; decoded as Big5 ({codec})"
    )
    if not lost:
        return _checked(text, codec, declared, source, (said,), data=data)
    said += f"; {lost} undecodable byte sequences replaced"
    checked = _checked(text, codec, declared, source, (said,), tolerate=lost, data=data)
    return dataclasses.replace(checked, damaged=True)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) of a page saved as UTF-16 whose byte-order mark was dropped: each ASCII
    character a byte beside a NUL, the NULs on one side of every pair (odd positions in
    little-endian, even in big-endian) and none on the other; decoded without an error and
    holding a report's words. None otherwise (binary content)."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    for codec, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls <= len(data) // 20 or other * 20 > nuls:
            continue
        try:
            text = data[: len(data) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if _report_words(text) >= 8:
            return text, codec
    return None


def _ascii_based(encoding: str, data: bytes) -> bytes | None:
    """`data` when `encoding` keeps ASCII bytes as themselves (so control bytes can be counted
    on the bytes), None for the UTF-16/32 family."""
    return None if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")) else data


def _checked(
    text: str,
    encoding: str,
    declared: str | None,
    source: str,
    problems: tuple[str, ...] = (),
    tolerate: int = 0,
    data: bytes | None = None,
) -> Decoded:
    if data is None:  # UTF-16: two bytes a character
        junk = len(_CONTROL.findall(text))
    else:
        junk = len(data) - len(data.translate(None, _CONTROL_BYTES)) + text.count("\ufffd")
    junk -= tolerate
    if junk > max(16, len(text) // 100):
        raise ParseError(source, f"binary content: {junk} control characters, not a page")
    if declared and encoding not in ("utf-8-sig", "utf-16"):
        same = declared.replace("_", "-") in (encoding, encoding.replace("-", "")) or (
            encoding == "gb18030" and declared in _GB_FAMILY
        )
        if not same:
            problems = problems + (
                f"page: the page declares charset {declared} but is {encoding}; decoded as {encoding}",
            )
    return Decoded(text, encoding, declared, problems)
