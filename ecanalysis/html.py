"""The report page: an executed notebook as one self-contained HTML file for stakeholders.

:func:`render_report_html` exports the notebook through the project's own nbconvert
template (``ecanalysis/templates/ecanalysis_report``): no code, no prompts, the page in
the report language (``<html lang>``, one side of each bilingual markdown cell), one
stylesheet (:func:`ecanalysis.theme.page_css`) carried once in the head, a subset of the
CJK font embedded as a ``data:`` web font (so that Chinese renders on a machine without
a CJK system font), chart images with their titles as ``alt`` text, and a navigation bar
back to the index and to the previous and next period of the same report.

The page runs no script: its Content-Security-Policy allows none, and styles, images and
the font come from the page itself.
"""

from __future__ import annotations

import os
import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

#: The report names, by notebook: (zh-Hans, English).
REPORT_NAMES: dict[str, tuple[str, str]] = {
    "daily_report": ("日报", "Daily report"),
    "weekly_review": ("周报", "Weekly review"),
    "monthly_assessment": ("月度考核", "Monthly assessment"),
    "channel_efficiency": ("渠道效率", "Channel efficiency"),
    "customer_health": ("客户健康度", "Customer health"),
    "store_inspection": ("巡店", "Store inspection"),
    "campaign_review": ("活动复盘", "Campaign review"),
    "portfolio_overview": ("多店铺总览", "Portfolio overview"),
}
#: ``<html lang>`` of each report language.
LANG_TAGS = {"zh": "zh-Hans", "en": "en"}
#: The nbconvert template of the report page (a folder of ``ecanalysis/templates``).
TEMPLATE = "ecanalysis_report"
#: Where the template puts the ``@font-face`` rule once the page's glyphs are known.
FONT_SLOT = "/*eca-font-face*/"

_WORDS = {
    "index": ("全部报告", "All reports"),
    "prev": ("上一期", "Previous"),
    "next": ("下一期", "Next"),
    "next_in_index": ("更新的报告见索引", "Later reports: see the index"),
    "none": ("无", "none"),
    "nav": ("报告导航", "Report navigation"),
}


def _say(lang: str, key: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


def report_name(notebook: str, lang: str = "zh") -> str:
    """The report's name in words: ``daily_report`` → 日报 / Daily report.

    An unknown notebook (a user's own) keeps its file name, underscores as spaces.

    Examples
    --------
    >>> report_name("daily_report"), report_name("daily_report", "en"), report_name("my_kpis")
    ('日报', 'Daily report', 'my kpis')
    """
    names = REPORT_NAMES.get(notebook)
    if names is None:
        return notebook.replace("_", " ")
    return names[0] if lang == "zh" else names[1]


def report_title(
    notebook: str, store_name: str | None, period_label: str, *, lang: str = "zh"
) -> str:
    """The page title: report, store and period in words.

    Examples
    --------
    >>> report_title("daily_report", "悦享家居天猫旗舰店", "2025-11-30")
    '日报 · 悦享家居天猫旗舰店 · 2025-11-30'
    """
    parts = [report_name(notebook, lang), store_name, period_label]
    return " · ".join(str(p) for p in parts if p)


def render_report_html(
    notebook_path: str | os.PathLike,
    html_path: str | os.PathLike,
    *,
    title: str | None = None,
    lang: str = "zh",
    index_href: str | None = None,
    prev_href: str | None = None,
    next_href: str | None = None,
    embed_font: bool = True,
) -> Path:
    """Write the stakeholder page of an executed report notebook; return its path.

    Parameters
    ----------
    notebook_path : path
        The executed notebook (``report.ipynb`` of a run record).
    html_path : path
        Where to write the page (replaced if present).
    title : str, optional
        The ``<title>``. Default: the report's own heading (``日报 · <store> · <period>``,
        written by :func:`ecanalysis.report.title_block`), else the file name.
    lang : {"zh", "en"}, default "zh"
        The report language: ``<html lang>``, the side of each bilingual markdown cell
        (:func:`ecanalysis.report.markdown_in`) and the navigation's words.
    index_href, prev_href, next_href : str, optional
        Links of the navigation bar (relative URLs, see :func:`record_links`): the run
        index and the previous and next period of the same report and store. A link
        that is None is shown as plain text ("none"), or left out for the index.
    embed_font : bool, default True
        Embed the subset of the CJK font the page needs (a ``data:`` URL).

    Returns
    -------
    pathlib.Path
        ``html_path``.
    """
    import nbformat

    from ecanalysis.report import markdown_in

    if lang not in LANG_TAGS:
        raise ValueError(f"lang={lang!r} is not supported; use 'zh' or 'en'")
    nb = nbformat.read(Path(notebook_path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_in(cell.source, lang)
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html")
            if markup:
                output["data"]["text/html"] = strip_block_styles("".join(markup))
    attention_first(nb)
    title = title or heading_of(nb) or Path(notebook_path).stem
    page = _export(nb, title=title, lang=lang, links=(index_href, prev_href, next_href))
    font = ""
    if embed_font:
        from ecanalysis.fonts import font_face_css
        from ecanalysis.theme import WEB_FONT_FAMILY

        font = font_face_css(visible_text(page), WEB_FONT_FAMILY)
    page = page.replace(FONT_SLOT, font, 1)
    target = Path(html_path)
    target.write_text(page, encoding="utf-8")
    return target


#: Headings of the section a report ends with, in either language (notebooks write both).
ATTENTION_HEADINGS = ("## 需要关注", "## What needs attention")


def attention_first(nb) -> None:
    """Move the "需要关注 · What needs attention" section (its heading and the cells up to
    the next heading) to the top of the page: after the title and coverage note (the first
    cell with output) and the report's introduction, before its first section heading, so
    that the summary and the alerts come before any chart.

    The notebook computes its alerts last, so they are written at its end; the page
    shows them first. Nothing moves in a notebook without that section.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("title"), nbformat.v4.new_markdown_cell("intro"),
    ...             nbformat.v4.new_markdown_cell("## Chart"),
    ...             nbformat.v4.new_code_cell("plot"),
    ...             nbformat.v4.new_markdown_cell("## 需要关注 · What needs attention"),
    ...             nbformat.v4.new_code_cell("alerts")]
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "t"})]
    >>> attention_first(nb)
    >>> [c.source for c in nb.cells]
    ['title', 'intro', '## 需要关注 · What needs attention', 'alerts', '## Chart', 'plot']
    """
    cells = nb.cells
    start = next(
        (
            i
            for i, cell in enumerate(cells)
            if cell.cell_type == "markdown" and cell.source.lstrip().startswith(ATTENTION_HEADINGS)
        ),
        None,
    )
    if start is None:
        return
    stop = next(
        (
            i
            for i in range(start + 1, len(cells))
            if cells[i].cell_type == "markdown" and cells[i].source.lstrip().startswith("#")
        ),
        len(cells),
    )
    section = cells[start:stop]
    rest = cells[:start] + cells[stop:]
    first = next((i for i, cell in enumerate(rest) if cell.get("outputs")), -1)
    at = next(
        (
            i
            for i in range(first + 1, len(rest))
            if rest[i].cell_type == "markdown" and rest[i].source.lstrip().startswith("#")
        ),
        len(rest),
    )
    nb.cells = rest[:at] + section + rest[at:]


def _export(nb, *, title: str, lang: str, links: tuple[str | None, ...]) -> str:
    """The page through the nbconvert template, with :data:`FONT_SLOT` still empty."""
    from nbconvert import HTMLExporter

    from ecanalysis.theme import page_css

    exporter = HTMLExporter(
        extra_template_basedirs=[str(Path(__file__).parent / "templates")],
        template_name=TEMPLATE,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    index_href, prev_href, next_href = links
    resources = {
        "metadata": {"name": title},
        "eca": {
            "title": title,
            "lang_tag": LANG_TAGS[lang],
            "css": page_css(FONT_SLOT),
            "nav": _nav(lang, index_href, prev_href, next_href),
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _nav(lang: str, index_href: str | None, prev_href: str | None, next_href: str | None) -> str:
    """The navigation bar's links (escaped HTML)."""

    def link(href: str | None, text: str, rel: str = "") -> str:
        if not href:
            return f'<span class="eca-off">{escape(text)}</span>'
        rel_attr = f' rel="{rel}"' if rel else ""
        return f'<a href="{escape(href)}"{rel_attr}>{escape(text)}</a>'

    parts = []
    if index_href:
        parts.append(link(index_href, "↑ " + _say(lang, "index")))
    parts.append(link(prev_href, "← " + _say(lang, "prev"), "prev"))
    if next_href and next_href.split("#", 1)[0].endswith("index.html"):
        parts.append(link(next_href, _say(lang, "next_in_index") + " →"))
    else:
        parts.append(link(next_href, _say(lang, "next") + " →", "next"))
    return "".join(parts)


#: The ``<style>`` that each block of :mod:`ecanalysis.report` carries for JupyterLab
#: (``data-eca-theme``; older records: a bare ``<style>`` starting with ``.eca{``).
_BLOCK_STYLE = re.compile(r"<style(?: data-eca-theme(?:=\"\")?)?>\s*\.eca\{.*?</style>", re.S)


def strip_block_styles(page: str) -> str:
    """The page without the per-block copies of the stylesheet (the head has it once).

    Examples
    --------
    >>> strip_block_styles('<div class="eca"><style data-eca-theme>.eca{x}</style>hi</div>')
    '<div class="eca">hi</div>'
    """
    return _BLOCK_STYLE.sub("", page)


def heading_of(nb) -> str | None:
    """The text of the first ``<h1>`` of the notebook's HTML outputs (the report's title
    block), else None."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html")
            if not markup:
                continue
            found = re.search(r"<h1[^>]*>(.*?)</h1>", "".join(markup), re.S)
            if found:
                return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() or None
    return None


class _TextCollector(HTMLParser):
    """Text a browser draws: character data outside ``style``/``script``/``title``, and
    the ``placeholder`` and ``value`` of form fields."""

    _HIDDEN = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name in ("placeholder", "value") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """Every character a page shows (once each, sorted), for the font subset.

    Examples
    --------
    >>> visible_text("<head><title>标题</title><style>p{}</style></head><p>日报 &amp; 周报</p>")
    ' &周报日'
    """
    collector = _TextCollector()
    collector.feed(page)
    collector.close()
    return "".join(sorted(set("".join(collector.parts)) - {"\n", "\r", "\t"}))


def record_links(
    record_dir: str | os.PathLike, *, html_name: str = "report.html"
) -> dict[str, str | None]:
    """Relative links from a record's page to the index and to the previous and next
    records of the same report and store (``<runs>/<notebook>/<store_id>/<period>/``).

    Neighbours are the sibling record folders with a page ``html_name`` whose labels have
    the same shape (days with days, months with months), in label order. A record has no
    later neighbour when it is written; its "next" then points at the report's group in
    the index, where later periods appear.

    Parameters
    ----------
    record_dir : path
        The record's final folder (it need not exist yet).
    html_name : str, default "report.html"
        The page of a record in this language.

    Returns
    -------
    dict
        ``index_href``, ``prev_href``, ``next_href`` (None when there is no earlier record).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as runs:
    ...     for day in ("2025-11-28", "2025-11-29", "2025-11"):
    ...         folder = Path(runs, "daily_report", "shop01", day)
    ...         folder.mkdir(parents=True)
    ...         _ = (folder / "report.html").write_text("x")
    ...     record_links(Path(runs, "daily_report", "shop01", "2025-11-30"))
    {'index_href': '../../../index.html', 'prev_href': '../2025-11-29/report.html', 'next_href': '../../../index.html#daily_report--shop01'}
    """
    folder = Path(record_dir)
    label, store_id, notebook = folder.name, folder.parent.name, folder.parent.parent.name
    index = "../../../index.html"
    shape = _shape(label)
    siblings = (
        sorted(
            p.name
            for p in folder.parent.iterdir()
            if p.name != label
            and not p.name.startswith(".")
            and _shape(p.name) == shape
            and (p / html_name).is_file()
        )
        if folder.parent.is_dir()
        else []
    )
    earlier = [name for name in siblings if name < label]
    later = [name for name in siblings if name > label]

    def href(name: str) -> str:
        return f"../{quote(name, safe='')}/{quote(html_name, safe='')}"

    return {
        "index_href": index,
        "prev_href": href(earlier[-1]) if earlier else None,
        "next_href": href(later[0]) if later else f"{index}#{group_anchor(notebook, store_id)}",
    }


def group_anchor(notebook: str, store_id: str) -> str:
    """The index's anchor of one report of one store.

    Examples
    --------
    >>> group_anchor("daily_report", "shop01")
    'daily_report--shop01'
    """
    return quote(f"{notebook}--{store_id}", safe="")


def _shape(label: str) -> str:
    """A period label with its digits masked: ``2025-11-30`` → ``9999-99-99``."""
    return re.sub(r"\d", "9", label)
