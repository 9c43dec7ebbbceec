"""The look of every page and chart: one palette, one stylesheet.

The report HTML (``ecanalysis.html``), the run index (``ecanalysis.index``), the HTML
blocks of ``ecanalysis.report`` shown in JupyterLab, the charts (``ecanalysis.plots``)
and the Excel workbook take their colours from :data:`PALETTE`, so that "red" means the
same thing everywhere. A report page carries :func:`page_css` once, in its ``<head>``;
a block shown in JupyterLab carries :data:`BLOCK_CSS` itself (a notebook has no head).

Importing this module is cheap: it holds strings only.
"""

from __future__ import annotations

#: Named colours (CSS hex). Green is good news and red bad news (international
#: convention, see ``ecanalysis.report``); ``warning`` is amber, ``info`` blue.
PALETTE: dict[str, str] = {
    "ink": "#1f2328",
    "muted": "#57606a",
    "line": "#d0d7de",
    "soft": "#eaeef2",
    "head": "#f6f8fa",
    "paper": "#ffffff",
    "good": "#1a7f37",
    "good_bg": "#dafbe1",
    "bad": "#cf222e",
    "bad_bg": "#ffebe9",
    "warning": "#9a6700",
    "warning_bg": "#fff8c5",
    "info": "#0969da",
    "info_bg": "#ddf4ff",
    "main": "#0969da",
    "compare": "#8c959f",
    "band": "#9ec5fe",
}

#: The family name of the CJK web font that ``ecanalysis.html`` embeds (a subset of
#: Noto Sans CJK SC holding the page's glyphs), see :func:`ecanalysis.fonts.font_face_css`.
WEB_FONT_FAMILY = "ECA Noto Sans SC"

#: The embedded CJK subset first (its ``unicode-range`` holds CJK only, so Latin text
#: falls through to the system fonts), then the usual system fonts.
FONT_STACK = (
    f'"{WEB_FONT_FAMILY}",system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,'
    '"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif'
)


def excel_colour(name: str) -> str:
    """A palette colour as openpyxl wants it (``RRGGBB``, no ``#``).

    Examples
    --------
    >>> excel_colour("bad")
    'CF222E'
    """
    return PALETTE[name].removeprefix("#").upper()


def _fill(css: str) -> str:
    """Fill ``{name}`` placeholders with palette colours and ``{font}`` with the font stack."""
    return css.format(font=FONT_STACK, **PALETTE)


#: The HTML blocks of ``ecanalysis.report`` (KPI cards, tables, notes, alerts, title).
BLOCK_CSS = _fill(
    """
.eca{{font-family:{font};color:{ink};line-height:1.45;margin:.5rem 0}}
.eca-cards{{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.75rem}}
.eca-card{{border:1px solid {line};border-radius:8px;padding:.7rem .9rem;background:{paper};
min-width:0}}
.eca-label{{font-size:.85rem;color:{muted}}}
.eca-value{{font-size:1.45rem;font-weight:600;margin:.15rem 0;font-variant-numeric:tabular-nums;
overflow-wrap:anywhere}}
.eca-change{{font-size:.8rem;font-variant-numeric:tabular-nums}}
.eca-vs{{color:{muted}}}
.eca-scroll{{overflow-x:auto;max-width:100%}}
.eca-table{{border-collapse:collapse;font-size:.85rem;min-width:50%}}
.eca-table th{{background:{head};text-align:left;border-bottom:2px solid {line};
padding:.35rem .6rem;white-space:nowrap;vertical-align:bottom}}
.eca-table td{{border-bottom:1px solid {soft};padding:.3rem .6rem;vertical-align:top}}
.eca-table th.eca-num,.eca-table td.eca-num{{text-align:right}}
.eca-table td.eca-num{{white-space:nowrap;font-variant-numeric:tabular-nums}}
.eca-table td.eca-text{{text-align:left;min-width:6rem;max-width:32rem;white-space:normal;
overflow-wrap:break-word}}
.eca-table td.eca-date{{white-space:nowrap}}
.eca-caption{{font-size:.8rem;color:{muted};margin:.25rem 0}}
.eca-note{{border-left:4px solid {info};background:{info_bg};padding:.5rem .8rem;border-radius:4px}}
.eca-note.eca-warning{{border-color:{warning};background:{warning_bg}}}
.eca-note.eca-critical{{border-color:{bad};background:{bad_bg}}}
.eca-note.eca-ok{{border-color:{good};background:{good_bg}}}
.eca-note.eca-summary{{border-left:none;background:none;padding:.2rem 0;font-size:1.05rem;line-height:1.6}}
.eca-alerts{{list-style:none;padding:0;margin:0}}
.eca-alerts li{{padding:.3rem 0;border-bottom:1px solid {soft}}}
.eca-badge{{display:inline-block;min-width:3em;text-align:center;color:#fff;border-radius:4px;
padding:0 .4rem;margin-right:.5rem;font-size:.8rem}}
.eca-title h1{{font-size:1.6rem;line-height:1.3;margin:0 0 .25rem}}
.eca-title p{{margin:0;color:{muted}}}
"""
)

#: The page around the blocks: navigation, headings, chart images, phone layout.
PAGE_CSS = _fill(
    """
*,*::before,*::after{{box-sizing:border-box}}
html{{-webkit-text-size-adjust:100%;text-size-adjust:100%}}
body{{margin:0;font-family:{font};color:{ink};background:{paper};line-height:1.5}}
a{{color:{info}}}
.eca-nav{{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:center;font-size:.9rem;
padding:.5rem 1.25rem;background:{head};border-bottom:1px solid {line}}}
.eca-nav a{{text-decoration:none}}
.eca-nav a:hover{{text-decoration:underline}}
.eca-nav .eca-off{{color:{muted}}}
.eca-page{{max-width:78rem;margin:0 auto;padding:1rem 1.25rem 3rem}}
.eca-md h1{{font-size:1.6rem;margin:1rem 0 .5rem}}
.eca-md h2{{font-size:1.25rem;margin:2rem 0 .5rem;padding-bottom:.25rem;
border-bottom:1px solid {soft}}}
.eca-md h3{{font-size:1.05rem;margin:1.25rem 0 .4rem}}
.eca-md p,.eca-md ul,.eca-md ol{{margin:.4rem 0}}
.eca-md table{{display:block;overflow-x:auto;max-width:100%;border-collapse:collapse}}
.eca-md th,.eca-md td{{border-bottom:1px solid {soft};padding:.25rem .5rem;text-align:left}}
.eca-md code{{font-size:.9em;background:{head};padding:0 .2em;border-radius:3px}}
.eca-out{{margin:.5rem 0;max-width:100%;overflow-x:auto}}
.eca-chart{{margin:.75rem 0}}
.eca-chart img{{display:block;max-width:100%;height:auto}}
.eca-text{{margin:.5rem 0}}
pre.eca-text{{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;background:{head};
padding:.5rem .75rem;border-radius:4px}}
table.dataframe{{border-collapse:collapse;font-size:.85rem}}
table.dataframe th,table.dataframe td{{padding:.3rem .6rem;border-bottom:1px solid {soft}}}
table.dataframe th{{background:{head};text-align:left}}
table.dataframe td{{text-align:right;font-variant-numeric:tabular-nums}}
.eca-foot{{margin-top:2.5rem;font-size:.8rem;color:{muted}}}
"""
)

#: A phone (390 px): narrower margins, KPI cards two per row. After :data:`BLOCK_CSS`,
#: whose rules it overrides.
PHONE_CSS = _fill(
    """
@media (max-width:640px){{
.eca-page{{padding:.75rem .75rem 2rem}}
.eca-nav{{padding:.5rem .75rem}}
.eca-cards{{grid-template-columns:repeat(2,minmax(0,1fr));gap:.5rem}}
.eca-card{{padding:.5rem .6rem}}
.eca-value{{font-size:1.15rem}}
.eca-title h1{{font-size:1.3rem}}
.eca-md h2{{font-size:1.1rem}}
}}
"""
)

#: The run index (``ecanalysis.index``): grouped tables of records.
INDEX_CSS = _fill(
    """
*,*::before,*::after{{box-sizing:border-box}}
body{{font-family:{font};color:{ink};background:{paper};margin:0;line-height:1.45}}
main{{max-width:90rem;margin:0 auto;padding:1rem 1.25rem 3rem}}
h1{{font-size:1.5rem;margin:0 0 .5rem}}
h2{{font-size:1.2rem;margin:2rem 0 .25rem;padding-bottom:.2rem;border-bottom:1px solid {line}}}
h2 small{{font-weight:400;color:{muted};font-size:.85rem;margin-left:.4rem}}
h3{{font-size:1rem;margin:1.1rem 0 .2rem}}
a{{color:{info}}}
.summary span{{display:inline-block;margin-right:1rem;font-weight:600}}
.muted{{color:{muted};font-size:.85rem}}
.toc{{font-size:.9rem;margin:.5rem 0;line-height:1.9}}
.toc b{{margin-right:.5rem}}
.toc a{{margin-right:.9rem;white-space:nowrap}}
.wrap{{overflow-x:auto;max-width:100%}}
table{{border-collapse:collapse;font-size:.85rem;margin-top:.25rem}}
th{{background:{head};text-align:left;border-bottom:2px solid {line};padding:.35rem .5rem;
white-space:nowrap;cursor:pointer;vertical-align:bottom}}
th.num{{text-align:right}}
td{{border-bottom:1px solid {soft};padding:.3rem .5rem;vertical-align:top;white-space:nowrap}}
td.num{{text-align:right;font-variant-numeric:tabular-nums}}
td.msg{{white-space:normal;min-width:12rem;max-width:26rem;overflow-wrap:anywhere}}
td.msg:empty{{min-width:0}}
td.period a.step{{color:{muted};text-decoration:none;margin:0 .15rem}}
.badge{{display:inline-block;border-radius:4px;padding:0 .45rem;color:#fff;font-size:.8rem}}
.ok{{background:{good}}}.failed{{background:{bad}}}.unreadable{{background:{warning}}}
.partial{{background:{warning};margin-left:.3rem}}
.crit{{color:{bad};font-weight:600}}.warn{{color:{warning};font-weight:600}}
td.files a{{margin-right:.4rem}}
#filter{{margin-top:.5rem;padding:.3rem .5rem;width:18rem;max-width:100%;font:inherit}}
@media (max-width:640px){{main{{padding:.75rem}}}}
@media print{{#filter,.toc{{display:none}}.wrap{{overflow:visible}}th{{cursor:auto}}}}
"""
)

#: Paper: no navigation, no scroll boxes (a wide table wraps instead), no breaks
#: inside a card, a table row or a chart, headings kept with what follows.
PRINT_CSS = """
@media print{
@page{margin:1.5cm}
body{font-size:10.5pt;background:#fff}
.eca-nav{display:none}
.eca-page{max-width:none;padding:0}
.eca-scroll,.eca-out{overflow:visible}
.eca-table td.eca-num,.eca-table th{white-space:normal}
.eca-card,.eca-table tr,.eca-chart,.eca-note,.eca-alerts li{break-inside:avoid}
h1,h2,h3{break-after:avoid}
a{color:inherit;text-decoration:none}
.eca-badge{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
"""


def page_css(*extra: str) -> str:
    """The one stylesheet of a report page: ``extra`` (the ``@font-face`` of the
    embedded font), then page, blocks, phone and print rules.

    Examples
    --------
    >>> css = page_css()
    >>> css.count("@media print") == 1 and ".eca-cards{" in css and "font-face" not in css
    True
    """
    return "\n".join(
        part.strip() for part in (*extra, PAGE_CSS, BLOCK_CSS, PHONE_CSS, PRINT_CSS) if part
    )
