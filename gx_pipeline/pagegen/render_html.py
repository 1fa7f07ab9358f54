"""HTML renderings of a `Document`: CMS pages with their chrome, Word exports, image tables."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable

from gx_pipeline.pagegen.layout import Document, GCell, Para, Table
from gx_pipeline.pagegen.metadata import PageMeta


def _esc(text: str) -> str:
    """Escape, keep header line breaks as <br>, and write non-breaking spaces as &nbsp;."""
    return html.escape(text, quote=False).replace("\n", "<br>").replace("\u00a0", "&nbsp;")


#: digits set above or below the line, as a copy writes them, and the tag an editor sets
_MARK_DIGITS = {"sup": "⁰¹²³⁴⁵⁶⁷⁸⁹", "sub": "₀₁₂₃₄₅₆₇₈₉"}
_MARK_RUN = re.compile("[" + "".join(_MARK_DIGITS.values()) + "]+")
_PLAIN_DIGITS = str.maketrans("".join(_MARK_DIGITS.values()), "0123456789" * 2)


def superscripts_as_sup(page: str, *, styled: bool = False) -> str:
    """The page with superscript digits (a footnote's reference, 12¹) and subscript ones (12₁)
    written as an editor writes them: plain digits in <sup> or <sub> (Word), or with `styled`
    in a span its style raises or lowers (web editors), which a text copy of the cell runs
    into the number."""

    def tagged(m: re.Match[str]) -> str:
        tag = "sup" if m[0][0] in _MARK_DIGITS["sup"] else "sub"
        start, end = (
            (f'<span style="vertical-align: {"super" if tag == "sup" else "sub"};">', "</span>")
            if styled
            else (f"<{tag}>", f"</{tag}>")
        )
        return f"{start}{m[0].translate(_PLAIN_DIGITS)}{end}"

    return _MARK_RUN.sub(tagged, page)


def _attrs(cell: GCell, spans: bool) -> str:
    if not spans:
        return ""
    out = ""
    if cell.rowspan > 1:
        out += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        out += f' colspan="{cell.colspan}"'
    return out


def plain_cell(cell: GCell) -> str:
    return _esc(cell.text)


def word_cell(cell: GCell) -> str:
    size = "10.5pt" if cell.header else "10.0pt"
    inner = _esc(cell.text)
    if cell.key is not None and inner:
        inner = f"<span lang=EN-US>{inner}</span>"
    bold = ("<b>", "</b>") if cell.header else ("", "")
    return (
        f"<p class=MsoNormal align=center style='text-align:center;mso-line-height-rule:"
        f"exactly'>{bold[0]}<span style='font-size:{size};font-family:宋体;mso-bidi-font-"
        f"family:宋体;color:black'>{inner}<o:p></o:p></span>{bold[1]}</p>"
    )


def html_table(
    table: Table,
    *,
    spans: bool = True,
    cell_html: Callable[[GCell], str] = plain_cell,
    table_attrs: str = 'border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse"',
) -> str:
    lines = [f"<table {table_attrs}>", "<tbody>"]
    for i, row in enumerate(table.rows):
        tds = "".join(f'<td{_attrs(c, spans)} valign="middle">{cell_html(c)}</td>' for c in row)
        lines.append(
            f"<tr style='mso-yfti-irow:{i}'>{tds}</tr>"
            if cell_html is word_cell
            else f"<tr>{tds}</tr>"
        )
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _para(p: Para, word: bool) -> str:
    text = _esc(p.text)
    if word:
        if p.kind == "title":
            return (
                f"<p class=MsoNormal align=center style='text-align:center'><b><span "
                f"style='font-size:22.0pt;font-family:方正小标宋简体'>{text}<o:p></o:p>"
                "</span></b></p>"
            )
        style = "text-align:right" if p.kind == "signoff" else "text-indent:32.0pt"
        font = "黑体" if p.kind == "heading" else "仿宋_GB2312"
        return (
            f"<p class=MsoNormal style='{style};line-height:28.0pt'><span style='font-size:"
            f"16.0pt;font-family:{font}'>{text}<o:p></o:p></span></p>"
        )
    if p.kind == "title":
        return f'<p style="text-align:center"><strong>{text}</strong></p>'
    if p.kind == "signoff":
        return f'<p style="text-align:right">{text}</p>'
    if p.kind == "heading":
        return f"<p><strong>{text}</strong></p>"
    return f'<p style="text-indent:2em">{text}</p>'


def body_html(
    doc: Document,
    *,
    spans: bool = True,
    word: bool = False,
    images: bool = False,
    skip_title: bool = False,
) -> str:
    parts: list[str] = []
    n_img = 0
    for block in doc.blocks:
        if isinstance(block, Para):
            if skip_title and block.kind == "title":
                continue
            parts.append(_para(block, word))
        elif images:
            n_img += 1
            parts.append(
                f'<p style="text-align:center"><img src="/uploads/{doc.meta.year}/'
                f'nb_table{n_img}.png" width="600" alt="" /></p>'
            )
        elif word:
            parts.append(
                html_table(
                    block,
                    spans=spans,
                    cell_html=word_cell,
                    table_attrs="class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
                    "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
                    "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'",
                )
            )
        else:
            parts.append(html_table(block, spans=spans))
    return "\n".join(parts)


def _date_iso(meta: PageMeta) -> str:
    return meta.published.isoformat()


def trs_page(
    doc: Document,
    rng: random.Random,
    *,
    meta_charset: str | None = "utf-8",
    spans: bool = True,
    images: bool = False,
) -> str:
    """A TRS/CMS government site page: header, breadcrumbs, metadata grid, body, footer."""
    m = doc.meta
    show_date = m.date_place == "chrome"
    grid_date = _date_iso(m) if m.date_place == "grid" else ""
    head_meta = f'<meta charset="{meta_charset}">\n' if meta_charset else ""
    info = f"{m.date_label}：{_date_iso(m)} &nbsp; " if show_date else ""
    other_years = [y for y in range(m.year - 3, m.year) if y >= 2016]
    related = "\n".join(
        f'<li><a href="/xxgk/ndbg/{y}.html">{html.escape(m.agency)}{y}年政府信息公开工作年度报告'
        f"</a><span>{y + 1}-01-{rng.randint(10, 28)}</span></li>"
        for y in other_years
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{head_meta}<meta name="SiteName" content="{m.site}">
<meta name="ArticleTitle" content="{html.escape(m.title)}">
<title>{html.escape(m.title)}_{m.site}</title>
<link rel="stylesheet" href="/images/common.css">
<script src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top"><div class="w1200"><span>欢迎访问{m.site}！</span>
<a href="/login">登录</a> | <a href="/reg">注册</a> | <a href="#">无障碍</a> | <a href="#">长者模式</a></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/xxgk/">政府信息公开</a> &gt; <a href="/zwgk/xxgk/ndbg/">政府信息公开年报</a></div>
<table class="xxgk_table" width="100%" border="0" cellspacing="0" cellpadding="0">
<tr><td class="t1">索引号：</td><td>{m.index_no}</td><td class="t1">发布机构：</td><td>{html.escape(m.publisher)}</td></tr>
<tr><td class="t1">名　　称：</td><td colspan="3">{html.escape(m.title)}</td></tr>
<tr><td class="t1">发文日期：</td><td>{grid_date}</td><td class="t1">文　　号：</td><td></td></tr>
</table>
<div class="article">
<h1 class="title">{html.escape(m.title)}</h1>
<div class="info">{info}来源：{html.escape(m.publisher)} &nbsp; 浏览次数：{rng.randint(30, 3000)} &nbsp;
字体：[<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>]
&nbsp; <a href="javascript:window.print()">打印</a> <a href="#">保存</a> <a href="#">收藏</a></div>
<div class="xxgk_content"><div id="zoom"><div class="TRS_Editor">
{body_html(doc, spans=spans, images=images, skip_title=True)}
</div></div></div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="qrcode"><img src="/images/qr.png" alt=""><p>扫一扫分享到手机端</p></div>
</div>
<div class="related"><h3>相关链接</h3><ul>
{related}
</ul></div>
<div class="footer"><p>主办单位：{m.site}办公室 &nbsp; 网站标识码：{rng.randint(1000000000, 9999999999)}</p>
<p>ICP备{rng.randint(10000000, 99999999)}号 &nbsp; 公安机关备案号：{rng.randint(10**13, 10**14 - 1)}</p></div>
</body>
</html>
"""


def word_page(doc: Document, *, spans: bool = True) -> str:
    """HTML saved from Word and pasted whole into a site (MsoNormal, <o:p>, mso styles)."""
    m = doc.meta
    date_line = ""
    if m.date_place != "signoff":
        date_line = (
            f"<p class=MsoNormal align=center style='text-align:center'><span "
            f"style='font-size:10.5pt'>{m.date_label}：{_date_iso(m)}<o:p></o:p>"
            "</span></p>"
        )
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>{html.escape(m.title)}</title>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
<style>
<!-- p.MsoNormal, li.MsoNormal {{mso-style-unhide:no;mso-style-qformat:yes;margin:0cm;text-align:justify;font-size:10.5pt;font-family:等线;}}
@page WordSection1 {{size:595.3pt 841.9pt;margin:72.0pt 90.0pt 72.0pt 90.0pt;}}
div.WordSection1 {{page:WordSection1;}} -->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
{date_line}
{body_html(doc, spans=spans, word=True)}
</div>
</body>
</html>
"""


def simple_page(
    doc: Document, rng: random.Random, *, meta_charset: str | None = "utf-8", spans: bool = True
) -> str:
    """A plainer CMS page: breadcrumb, a date line, the body in a #zoom div."""
    m = doc.meta
    head_meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">\n'
        if meta_charset
        else ""
    )
    date = f"{m.date_label}：{_date_iso(m)}" if m.date_place in ("chrome", "grid") else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
{head_meta}<title>{html.escape(m.title)}</title>
</head>
<body>
<div class="dqwz">您现在的位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 政府信息公开年报</div>
<div class="content">
<div class="bt">{html.escape(m.title)}</div>
<div class="sj">{date} &nbsp;来源：{html.escape(m.publisher)} &nbsp;【字号：<a>大</a> <a>中</a> <a>小</a>】 <a>打印本页</a> <a>关闭窗口</a></div>
<div id="zoom">
{body_html(doc, spans=spans, skip_title=True)}
</div>
</div>
<div class="foot">版权所有：{m.site} &nbsp; 技术支持：某某网络科技有限公司 &nbsp; 访问量：{rng.randint(10000, 999999)}</div>
</body>
</html>
"""
