"""Government portals' theme style sheets and page frames, as their CMS templates write them.

A portal publishes its annual report inside the site's frame: a header with a search box, a
menu of menus, a carousel, a breadcrumb, the article, a footer; the frame's theme sheet
carries hundreds of rules for them in the forms modern themes use (`:has()`, `:where()`,
`:focus-visible`, `:nth-child(1 of .on)`, vendor pseudo-classes such as `:-moz-focusring` and
`:-webkit-any()`, `::-webkit-scrollbar`, `::selection`, an SVG namespace's `svg|a`, @supports
and @media blocks). Many hide, whiten or strike the frame's own text (a closed submenu, a
white link on the dark footer, a carousel's idle slide): none reaches the report's tables.
"""

from __future__ import annotations

import random

#: rules of the frame's elements whose selector cssselect reads
READ = [
    ".nav > li > .sub {display:none}",
    ".nav > li:hover > .sub {display:block}",
    ".nav li:has(> .sub) > a::after {content:'';border:4px solid transparent}",
    ".header .search input::placeholder {color:#fff}",
    ".footer, .footer a {color:#fff;background:#1f4e79}",
    ".carousel .item:not(.active) {display:none}",
    ".sr-only {position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}",
    ".breadcrumb li + li::before {content:'>';color:#ccc}",
    ":where(.nav, .footer) ul {list-style:none;margin:0}",
    ".dropdown-menu:not(.show) {display:none}",
    "[hidden], template {display:none}",
    ".skip-link {position:absolute;left:-9999px}",
    ".skip-link:focus {left:0}",
    ".btn:focus:not(:focus-visible) {outline:0}",
    ":focus-visible {outline:2px solid #1f4e79}",
    "::-webkit-scrollbar {width:6px;height:6px}",
    "::-webkit-scrollbar-thumb {background:#ccc;border-radius:3px}",
    "::selection {color:#fff;background:#1f4e79}",
    "::-moz-selection {color:#fff;background:#1f4e79}",
    ".header .logo img {max-width:100%;height:auto}",
    ".nav-tabs .nav-link:is(:hover, :focus) {color:#fff}",
    "a:-webkit-any-link {text-decoration:none}",
    ".news-list li:has(.new)::before {content:'new';color:#c00}",
    "html:has(.search-open) .header .search {display:block}",
    ".topbar .lang a:not(:last-child)::after {content:'|';color:#999}",
    "@supports selector(:has(a)) {{ .nav li:has(> .sub) > a {{padding-right:12px}} }}",
    "@media (max-width: 768px) {{ .nav {{display:none}} .menu-toggle {{display:block}} }}",
    "@media print {{ .header, .footer, .nav {{display:none}} }}",
    "@supports (display:grid) {{ .footer .links {{display:grid}} }}",
]
#: rules of the frame's elements whose selector cssselect does not read (an unknown or vendor
#: pseudo-class, `:nth-child(… of …)`, a namespace), that hide, whiten or strike
UNREAD = [
    "select:-moz-focusring {color:transparent;text-shadow:0 0 0 #000}",
    ":-moz-focusring {color:transparent}",
    "input:-webkit-autofill {-webkit-text-fill-color:#fff}",
    "input:-ms-input-placeholder {color:#fff}",
    "input:placeholder-shown + label {visibility:hidden}",
    ".nav li:nth-child(1 of .on) > a {color:#fff;background:#c00}",
    ".nav > li:nth-last-child(1 of :not(.more)) .sub {display:none}",
    ".header-top :-webkit-any(a, span) {color:#fff}",
    ".header-top :-moz-any(a, span) {color:#fff}",
    ".footer p:-webkit-any(.icp, .copy) {color:#fff}",
    "@namespace svg url(http://www.w3.org/2000/svg); svg|a {{color:#fff}}",
    ".carousel .item:-webkit-full-screen {display:none}",
    ".carousel:fullscreen .caption {visibility:hidden}",
    ".breadcrumb li:nth-child(1 of .home) a {text-decoration:line-through}",
    ".nav .sub li:-moz-only-whitespace {display:none}",
    ".footer .links a:-webkit-any-link {color:#fff}",
    ".search .hint:has-slotted {display:none}",
    "@supports selector(:focus-within) {{ .nav li:focus-within > .sub {{display:block}} }}",
    ".sidebar .tabs li:nth-child(2 of .tab) ~ .panel {display:none}",
    "dialog:modal .title {color:#fff}",
]
#: the frame, around the article's text ({article}); an old portal lays it out in a table
FRAMES = {
    "blocks": (
        '<div class="topbar"><div class="header-top"><a href="#">无障碍</a><span>繁体</span>'
        '</div><div class="lang"><a href="#">中文</a><a href="#">English</a></div></div>'
        '<div class="header"><div class="logo"><img src="logo.png" alt="人民政府"></div>'
        '<div class="search"><input type="text" placeholder="请输入关键词">'
        '<label class="hint">搜索</label></div></div>'
        '<ul class="nav"><li class="on"><a href="#">首页</a></li><li><a href="#">政务公开</a>'
        '<ul class="sub"><li class="on"><a href="#">政府信息公开</a></li><li><a href="#">'
        '政策文件</a></li></ul></li><li class="more"><a href="#">政务服务</a></li></ul>'
        '<div class="carousel"><div class="item active"><p class="caption">要闻</p></div>'
        '<div class="item"><p class="caption">通知公告</p></div></div>'
        '<ul class="breadcrumb"><li class="home"><a href="#">首页</a></li><li>'
        '<a href="#">政府信息公开年报</a></li></ul>'
        '<div class="sidebar"><ul class="tabs"><li class="tab">最新</li><li class="tab">热点'
        '</li></ul><div class="panel">暂无内容</div></div>'
        '<div class="main article-content">{article}</div>'
        '<div class="footer"><div class="links"><a href="#">网站地图</a><a href="#">联系我们'
        '</a></div><p class="icp">主办单位：人民政府办公室</p><p class="copy">版权所有</p>'
        '<svg><a href="#">政务微博</a></svg></div>'
    ),
    "layout table": (
        '<table class="layout" width="1000"><tr><td><div class="header-top"><a href="#">无障碍'
        '</a></div><ul class="nav"><li class="on"><a href="#">首页</a></li><li><a href="#">'
        '政务公开</a><ul class="sub"><li><a href="#">年报</a></li></ul></li></ul></td></tr>'
        '<tr><td class="main"><ul class="breadcrumb"><li class="home"><a href="#">首页</a>'
        '</li></ul><div class="article-content">{article}</div></td></tr>'
        '<tr><td><div class="footer"><p class="icp">主办单位：人民政府办公室</p>'
        '<div class="links"><a href="#">联系我们</a></div></div></td></tr></table>'
    ),
}


def portal_sheet(rng: random.Random) -> str:
    """A theme's sheet: a draw of the frame's rules, read and unread ones, in a random order
    (some written in an @media screen block)."""
    rules = rng.sample(READ, rng.randint(8, len(READ))) + rng.sample(
        UNREAD, rng.randint(3, len(UNREAD))
    )
    rng.shuffle(rules)
    # rules after an @namespace statement keep their meaning: it goes first
    rules.sort(key=lambda rule: not rule.startswith("@namespace"))
    out = []
    for rule in rules:
        rule = rule.replace("{{", "{").replace("}}", "}")
        if rng.random() < 0.2 and not rule.startswith("@"):
            rule = f"@media screen and (min-width: 1024px) {{ {rule} }}"
        out.append(rule)
    return "\n".join(out)


def in_portal(page: bytes, css: str, frame: str) -> bytes:
    """A report page put in a portal's frame, its theme sheet in the head."""
    text = page.decode()
    head, _, rest = text.partition("<body>")
    article, _, tail = rest.rpartition("</body>")
    head = head.replace("</title>", f"</title><style>{css}</style>", 1)
    return f"{head}<body>{FRAMES[frame].format(article=article)}</body>{tail}".encode()
