"""Whether a reader tells text from what it stands on: the contrast of two colours, as a PDF's
text and fills and a web page's CSS colours give them."""

from __future__ import annotations

import functools
import re

#: text and what it stands on this close in contrast (WCAG's ratio of their relative
#: luminances, 1 for one colour, 21 for black on white) are not told apart by a reader:
#: white on a fill of 85% grey or lighter (1.4), black on one of 15% grey or darker, yellow on
#: white (1.07). Grey text (#999, 2.8) and white on a mid-grey header (4.0) are read
FAINT_CONTRAST = 1.6
#: white paper: what text stands on where nothing is painted
PAPER = (255, 255, 255, 255)


def _luminance(colour: tuple[int, ...]) -> float:
    """The relative luminance of an sRGB colour (channels 0-255), as WCAG defines it."""
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in colour[:3])
    )
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@functools.lru_cache(maxsize=1024)
def faint(ink: tuple[int, ...], behind: tuple[int, ...]) -> bool:
    """Whether text in `ink` on `behind` is too close in contrast for a reader to see (asked
    for every text object of a PDF's page: a document uses a few colours)."""
    high, low = sorted((_luminance(ink), _luminance(behind)), reverse=True)
    return (high + 0.05) / (low + 0.05) < FAINT_CONTRAST


#: the CSS colour names pages write for light and dark fills and text (others: unknown)
_NAMED = {
    "white": (255, 255, 255),
    "snow": (255, 250, 250),
    "ivory": (255, 255, 240),
    "whitesmoke": (245, 245, 245),
    "ghostwhite": (248, 248, 255),
    "floralwhite": (255, 250, 240),
    "azure": (240, 255, 255),
    "aliceblue": (240, 248, 255),
    "honeydew": (240, 255, 240),
    "lightyellow": (255, 255, 224),
    "beige": (245, 245, 220),
    "gainsboro": (220, 220, 220),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "silver": (192, 192, 192),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "black": (0, 0, 0),
    "navy": (0, 0, 128),
    "blue": (0, 0, 255),
    "red": (255, 0, 0),
    "maroon": (128, 0, 0),
    "green": (0, 128, 0),
    "darkblue": (0, 0, 139),
    "darkred": (139, 0, 0),
}
_RGB = re.compile(r"rgba?\((\d{1,3}),(\d{1,3}),(\d{1,3})(?:,(1|1\.0*|100%))?\)$")
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})$")


def css_colour(value: str) -> tuple[int, int, int] | None:
    """The red, green and blue of an opaque CSS colour (`#eee`, `#F2F2F2`, `rgb(1, 2, 3)`, a
    common name), as written in a style, a bgcolor or a <font color>; None for anything else
    (a colour partly transparent, a system colour, an image)."""
    value = "".join(value.split()).lower().removesuffix("!important")
    if m := _HEX.match(value):
        digits = m[1] if len(m[1]) == 6 else "".join(d * 2 for d in m[1])
        return tuple(bytes.fromhex(digits))  # type: ignore[return-value]
    if m := _RGB.match(value):
        channels = tuple(int(c) for c in m.groups()[:3])
        return channels if max(channels) <= 255 else None  # type: ignore[return-value]
    return _NAMED.get(value)


#: a document's text (a PDF's, printed or on screen) at this contrast or more is read by
#: people: #d0d0d0 on white (1.54; 23% in Michelson's terms, where reading speed of normal
#: sight is still near its best, Legge, Rubin & Luebker 1987) and white on an 82% grey fill
#: (1.53), as a report printed in a light grey is read. White on Word's 85% grey shading
#: (1.41), #e0e0e0 on white (1.32) and yellow on white (1.07) are the ghosts of text a reader
#: does not make out, or misses
DOCUMENT_CONTRAST = 1.45
#: text and fill this far apart on CIELAB's red-green axis (a*) are told apart by their hue
#: whatever their luminance: red on a green fill (1.29 by luminance, a* 80 against -52). The
#: blue-yellow axis does not count: fine strokes in it are not resolved (yellow on white)
RED_GREEN_APART = 60


def _red_green(colour: tuple[int, ...]) -> float:
    """CIELAB's a* of an sRGB colour (D65 white): red positive, green negative."""
    r, g, b = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (channel / 255 for channel in colour[:3])
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else t / 0.128418 + 4 / 29

    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    return 500 * (f(x) - f(0.2126 * r + 0.7152 * g + 0.0722 * b))


@functools.lru_cache(maxsize=1024)
def unseen_in_document(ink: tuple[int, ...], behind: tuple[int, ...]) -> bool:
    """Whether a document's text in `ink` on `behind` is not made out by a reader: too close
    to it in luminance (DOCUMENT_CONTRAST) and not told from it by its hue (RED_GREEN_APART)."""
    high, low = sorted((_luminance(ink), _luminance(behind)), reverse=True)
    return (high + 0.05) / (low + 0.05) < DOCUMENT_CONTRAST and (
        abs(_red_green(ink) - _red_green(behind)) < RED_GREEN_APART
    )
