"""The archived page as a document that is safe to show: nothing runs, nothing is fetched.

Archived pages are untrusted input: a page may carry scripts, inline handlers, `javascript:`
links, a meta refresh, remote images and style sheets. Three layers keep them inert, each enough
on its own for scripts:

1. the page is rebuilt from the parser's own reading of it (gx_pipeline.parsing.locate: scripts,
   iframes, objects, forms' controls and the head are gone) and then cleaned by nh3 (the Rust
   sanitizer ammonia) with an allow-list: table and text elements, layout attributes, a vetted
   set of CSS properties; no link target, no event handler, images only as inline `data:`
   pictures; the page's own style sheets are kept with every `url(`, `@import` and
   `expression(` taken out;
2. the response's Content-Security-Policy is `default-src 'none'` with only inline styles and
   `data:` images allowed, and `sandbox` (no scripts, an opaque origin);
3. the review screen shows it in an `<iframe sandbox>` without allow-scripts or
   allow-same-origin.

The cells to look at are highlighted with a style rule on their `data-gx-loc` (no script needed),
and the first of them carries the anchor `gx-first`, so the frame opens scrolled to it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3
from lxml import etree

from gx_pipeline.parsing.locate import HTML, LOC_ATTRIBUTE, PageView

#: the policy of every page document: nothing from anywhere but inline styles and data: images
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
    "base-uri 'none'; form-action 'none'; sandbox"
)
#: headers every page document is sent with
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
FIRST_ANCHOR = "gx-first"

_TAGS = (nh3.ALLOWED_TAGS - {"a", "map", "area"}) | {
    "font",
    "tfoot",
    "section",
    "article",
    "main",
    "big",
    "label",
    "span",
}
_LAYOUT = {
    "style",
    "align",
    "valign",
    "width",
    "height",
    "bgcolor",
    "border",
    "cellpadding",
    "cellspacing",
    "colspan",
    "rowspan",
    "hidden",
    "title",
    "lang",
    "dir",
    "color",
    "face",
    "size",
    LOC_ATTRIBUTE,
    "id",
}
_ATTRIBUTES = {"*": _LAYOUT, "img": _LAYOUT | {"src", "alt"}}
#: CSS properties that take no URL and cannot place anything outside the page's own box
_STYLE_PROPERTIES = {
    "color",
    "background-color",
    "text-align",
    "vertical-align",
    "font-size",
    "font-weight",
    "font-family",
    "font-style",
    "text-decoration",
    "text-indent",
    "line-height",
    "letter-spacing",
    "white-space",
    "width",
    "height",
    "min-width",
    "max-width",
    "min-height",
    "display",
    "visibility",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-collapse",
    "border-spacing",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
}
_IMAGE_DATA = re.compile(r"^data:image/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/=\s]*$")
#: what a style sheet may not hold: anything that loads, runs or binds
_CSS_DANGER = re.compile(
    r"@import|url\s*\(|image-set\s*\(|expression\s*\(|behavior|-moz-binding|javascript:|</",
    re.IGNORECASE,
)


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return value if value == FIRST_ANCHOR else None  # no page id can shadow the anchor
    if attribute == "src":
        return value if tag == "img" and _IMAGE_DATA.match(value) else None
    if attribute == LOC_ATTRIBUTE:
        return value if re.fullmatch(r"\d+\.\d+\.\d+", value) else None
    return value


def clean_html(fragment: str) -> str:
    """A fragment of the page's markup with only the allowed elements, attributes and CSS."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={"script", "style", "noscript", "template", "textarea", "select"},
        attributes=_ATTRIBUTES,
        attribute_filter=_keep,
        url_schemes={"data"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties=_STYLE_PROPERTIES,
    )


def clean_css(sheet: str) -> str:
    """A page's style sheet with whatever could load or run cut out (each such piece and the
    rest of its rule); CSP would block the loads anyway."""
    return _CSS_DANGER.sub("/*x*/ x-removed(", sheet)


def page_document(
    view: PageView, locs: Iterable[tuple[int, int, int]] = (), lines: Iterable[int] = ()
) -> str:
    """The whole page as a document for the sandboxed frame, `locs` (HTML) or `lines` (a text
    copy) highlighted, the first of them anchored."""
    locs = [tuple(int(n) for n in loc) for loc in locs]
    lines = sorted({int(n) for n in lines})
    if view.kind == HTML and view.root is not None:
        body = _html_body(view, locs)
        rules = [f'[{LOC_ATTRIBUTE}="{t}.{r}.{c}"]' for t, r, c in locs]
        sheets = [clean_css(s) for s in view.styles]
    else:
        body = _text_body(view, lines)
        rules = [f'[data-gx-line="{n}"]' for n in lines]
        sheets = []
    mark = (
        ", ".join(rules) + " { outline: 3px solid #c00 !important; background: #ffe066 "
        "!important; color: #000 !important; }"
        if rules
        else ""
    )
    style = "\n".join([*sheets, _BASE_CSS, mark])
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )


_BASE_CSS = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 8px; }
table { border-collapse: collapse; }
td, th { border: 1px solid #999; padding: 2px 4px; }
.gx-lines { font-family: monospace; white-space: pre; font-size: 13px; }
.gx-ln { display: block; }
.gx-no { color: #888; display: inline-block; width: 4em; text-align: right; margin-right: 1em; }
"""


def _html_body(view: PageView, locs: list[tuple[int, int, int]]) -> str:
    root = view.root
    assert root is not None
    for el in root.iter():
        if "id" in el.attrib:
            del el.attrib["id"]  # the page's ids: none may take the place of the anchor
    if locs:
        first = min(locs)
        for el in root.iter():
            if el.get(LOC_ATTRIBUTE) == "{}.{}.{}".format(*first):
                el.set("id", FIRST_ANCHOR)
                break
    body = root.find(".//body")
    parts = [body] if body is not None else list(root)
    markup = "".join(etree.tostring(p, method="html", encoding="unicode") for p in parts)
    return _note(view) + clean_html(markup)


def _note(view: PageView) -> str:
    """What the view could not do or left out (the figures no reader sees), said above it."""
    return f"<p><i>{html.escape(view.note)}</i></p>" if view.note else ""


def _text_body(view: PageView, lines: list[int]) -> str:
    first = lines[0] if lines else None
    out = ['<div class="gx-lines">', _note(view)]
    for no, line in enumerate(view.lines, start=1):
        anchor = f' id="{FIRST_ANCHOR}"' if no == first else ""
        out.append(
            f'<span class="gx-ln" data-gx-line="{no}"{anchor}><span class="gx-no">{no}</span>'
            f"{html.escape(line)}</span>"
        )
    out.append("</div>")
    return "".join(out)
