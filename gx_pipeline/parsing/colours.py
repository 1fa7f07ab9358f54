"""Whether a reader tells text from what it stands on: the contrast of two colours, as a PDF's
text and fills and a web page's CSS colours give them."""

from __future__ import annotations

import colorsys
import functools
import math
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


#: the 148 colour names of CSS, as name:red-green-blue in hex
_NAMES = (
    "True False "
    "aliceblue:f0f8ff antiquewhite:faebd7 aqua:00ffff aquamarine:7fffd4 azure:f0ffff beige:f5f5dc "
    "bisque:ffe4c4 black:000000 blanchedalmond:ffebcd blue:0000ff blueviolet:8a2be2 brown:a52a2a "
    "burlywood:deb887 cadetblue:5f9ea0 chartreuse:7fff00 chocolate:d2691e coral:ff7f50 "
    "cornflowerblue:6495ed cornsilk:fff8dc crimson:dc143c cyan:00ffff darkblue:00008b "
    "darkcyan:008b8b darkgoldenrod:b8860b darkgray:a9a9a9 darkgreen:006400 darkgrey:a9a9a9 "
    "darkkhaki:bdb76b darkmagenta:8b008b darkolivegreen:556b2f darkorange:ff8c00 "
    "darkorchid:9932cc darkred:8b0000 darksalmon:e9967a darkseagreen:8fbc8f darkslateblue:483d8b "
    "darkslategray:2f4f4f darkslategrey:2f4f4f darkturquoise:00ced1 darkviolet:9400d3 "
    "deeppink:ff1493 deepskyblue:00bfff dimgray:696969 dimgrey:696969 dodgerblue:1e90ff "
    "firebrick:b22222 floralwhite:fffaf0 forestgreen:228b22 fuchsia:ff00ff gainsboro:dcdcdc "
    "ghostwhite:f8f8ff gold:ffd700 goldenrod:daa520 gray:808080 green:008000 greenyellow:adff2f "
    "grey:808080 honeydew:f0fff0 hotpink:ff69b4 indianred:cd5c5c indigo:4b0082 ivory:fffff0 "
    "khaki:f0e68c lavender:e6e6fa lavenderblush:fff0f5 lawngreen:7cfc00 lemonchiffon:fffacd "
    "lightblue:add8e6 lightcoral:f08080 lightcyan:e0ffff lightgoldenrodyellow:fafad2 "
    "lightgray:d3d3d3 lightgreen:90ee90 lightgrey:d3d3d3 lightpink:ffb6c1 lightsalmon:ffa07a "
    "lightseagreen:20b2aa lightskyblue:87cefa lightslategray:778899 lightslategrey:778899 "
    "lightsteelblue:b0c4de lightyellow:ffffe0 lime:00ff00 limegreen:32cd32 linen:faf0e6 "
    "magenta:ff00ff maroon:800000 mediumaquamarine:66cdaa mediumblue:0000cd mediumorchid:ba55d3 "
    "mediumpurple:9370db mediumseagreen:3cb371 mediumslateblue:7b68ee mediumspringgreen:00fa9a "
    "mediumturquoise:48d1cc mediumvioletred:c71585 midnightblue:191970 mintcream:f5fffa "
    "mistyrose:ffe4e1 moccasin:ffe4b5 navajowhite:ffdead navy:000080 oldlace:fdf5e6 olive:808000 "
    "olivedrab:6b8e23 orange:ffa500 orangered:ff4500 orchid:da70d6 palegoldenrod:eee8aa "
    "palegreen:98fb98 paleturquoise:afeeee palevioletred:db7093 papayawhip:ffefd5 "
    "peachpuff:ffdab9 peru:cd853f pink:ffc0cb plum:dda0dd powderblue:b0e0e6 purple:800080 "
    "rebeccapurple:663399 red:ff0000 rosybrown:bc8f8f royalblue:4169e1 saddlebrown:8b4513 "
    "salmon:fa8072 sandybrown:f4a460 seagreen:2e8b57 seashell:fff5ee sienna:a0522d silver:c0c0c0 "
    "skyblue:87ceeb slateblue:6a5acd slategray:708090 slategrey:708090 snow:fffafa "
    "springgreen:00ff7f steelblue:4682b4 tan:d2b48c teal:008080 thistle:d8bfd8 tomato:ff6347 "
    "turquoise:40e0d0 violet:ee82ee wheat:f5deb3 white:ffffff whitesmoke:f5f5f5 yellow:ffff00 "
    "yellowgreen:9acd32 "
)
_NAMED = {
    name: tuple(bytes.fromhex(digits))
    for name, _, digits in (pair.partition(":") for pair in _NAMES.split())
}
#: a colour function (rgb(), rgba(), hsl(), hsla()) and its arguments, written with commas
#: (`rgb(1, 2, 3)`) or spaces and a slash before the alpha (`rgb(1 2 3 / 50%)`)
_FUNCTION = re.compile(r"(rgba?|hsla?)\((.*)\)$")
_NUMBER = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(%|deg|grad|rad|turn)?$")
_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$")
#: what turns an angle's unit into turns of the hue circle
_TURNS = {None: 1 / 360, "deg": 1 / 360, "grad": 1 / 400, "rad": 1 / (2 * math.pi), "turn": 1.0}


def _number(text: str) -> tuple[float, str | None] | None:
    m = _NUMBER.match(text)
    return (float(m[1]), m[2]) if m else None


def _channel(text: str) -> float | None:
    """An rgb() channel, 0-255 (a percentage of 255; out of range clamped, as CSS does)."""
    n = _number(text)
    if n is None or n[1] not in (None, "%"):
        return None
    value = n[0] * 2.55 if n[1] else n[0]
    return min(255.0, max(0.0, value))


def _alpha(text: str) -> float | None:
    n = _number(text)
    if n is None or n[1] not in (None, "%"):
        return None
    return min(1.0, max(0.0, n[0] / 100 if n[1] else n[0]))


def _from_function(kind: str, arguments: str) -> tuple[int, int, int, float] | None:
    if "," in arguments:
        parts = arguments.split(",")
    else:
        colour, _, alpha = arguments.partition("/")
        parts = colour.split() + ([alpha] if alpha else [])
    parts = [part.strip() for part in parts]
    if len(parts) not in (3, 4):
        return None
    alpha = _alpha(parts[3]) if len(parts) == 4 else 1.0
    if alpha is None:
        return None
    if kind.startswith("rgb"):
        channels = [_channel(part) for part in parts[:3]]
        if None in channels:
            return None
        r, g, b = (round(c) for c in channels)  # type: ignore[arg-type]
        return r, g, b, alpha
    hue, saturation, lightness = (_number(part) for part in parts[:3])
    if hue is None or saturation is None or lightness is None or hue[1] == "%":
        return None
    turns = hue[0] * _TURNS[hue[1]]
    s, lum = (min(100.0, max(0.0, n[0])) / 100 for n in (saturation, lightness))
    r, g, b = colorsys.hls_to_rgb(turns % 1.0, lum, s)
    return round(r * 255), round(g * 255), round(b * 255), alpha


@functools.lru_cache(maxsize=1024)
def css_rgba(value: str) -> tuple[int, int, int, float] | None:
    """The red, green, blue (0-255) and alpha (0-1) of a CSS colour as a style, a bgcolor or a
    <font color> writes it, in any case and spacing: `#eee`, `#F2F2F2`, `#fff0` and `#ffffff00`
    (an alpha in the last digits), `rgb(1, 2, 3)`, `rgba(0,0,0,.0)`, `rgb(255 255 255 / 0)`,
    `hsl(0, 0%, 100%)`, `hsla(...)`, the 148 names, `transparent`. None for anything else: a
    colour of the context (currentcolor, inherit), a system colour, an image."""
    value = " ".join(value.lower().replace("!important", "").split())
    if value[:1] == "#":
        if not _HEX.match(value):
            return None
        digits = value[1:]
        if len(digits) <= 4:
            digits = "".join(d * 2 for d in digits)
        channels = bytes.fromhex(digits)
        alpha = channels[3] / 255 if len(channels) == 4 else 1.0
        return channels[0], channels[1], channels[2], alpha
    if m := _FUNCTION.match(value):
        return _from_function(m[1], m[2])
    if value == "transparent":
        return 0, 0, 0, 0.0
    named = _NAMED.get(value)
    return (*named, 1.0) if named else None  # type: ignore[return-value]


def css_colour(value: str) -> tuple[int, int, int] | None:
    """The red, green and blue of an opaque CSS colour (see css_rgba); None for anything
    else (a colour partly transparent, a system colour, an image)."""
    colour = css_rgba(value)
    return colour[:3] if colour is not None and colour[3] >= 1 else None  # type: ignore[return-value]


#: a text colour light enough to be lost on the paper: all three channels this or more
#: (white, near-white, light grey)
LIGHT = 0xC0


def light_ink(value: str) -> bool:
    """Whether a declared text colour (`#eee`, `snow`, `#fff !important`) is light enough to be
    lost on the paper."""
    rgb = css_colour(value.replace("!important", "").strip().lower())
    return rgb is not None and min(rgb) >= LIGHT


def over(ink: tuple[int, int, int, float], behind: tuple[int, ...]) -> tuple[int, int, int]:
    """The colour a reader sees of `ink` (partly transparent) drawn over `behind`."""
    alpha = ink[3]
    r, g, b = (round(ink[k] * alpha + behind[k] * (1 - alpha)) for k in range(3))
    return r, g, b


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
    to it in luminance (DOCUMENT_CONTRAST) and not told from it by its hue (RED_GREEN_APART).
    Ink with an alpha (a fourth channel, of 255: a PDF's /ca, PDFium's fill colour) is the
    colour it paints over `behind`: black at alpha 5 is a ghost on paper, not black."""
    if len(ink) > 3 and ink[3] < 255:
        share = ink[3] / 255
        ink = tuple(round(i * share + b * (1 - share)) for i, b in zip(ink[:3], behind[:3]))
    high, low = sorted((_luminance(ink), _luminance(behind)), reverse=True)
    return (high + 0.05) / (low + 0.05) < DOCUMENT_CONTRAST and (
        abs(_red_green(ink) - _red_green(behind)) < RED_GREEN_APART
    )
