"""``<runs>/index.html``: every run record on one page, for stakeholders.

A record lives at ``<runs>/<notebook>/<store_id>/<period label>/metrics.json``
(DESIGN §6). The index groups the records by store (store name from the record), then
by report (its name in the page's language), newest period first; each row has the
status, the key KPIs in the store's currency, alert counts, the finish time in local
time, links to the previous and next period, and relative links to ``report.html``,
``report.ipynb``, ``metrics.json`` and ``error.txt``. A contents bar jumps to a store
or to one report across stores. Wide tables scroll inside their own box; the page
embeds the CJK glyphs it uses (see ``ecanalysis.html``). Everything taken from a record is escaped; a record that cannot be read
is listed as "unreadable record", never a crash. Columns sort with a few lines of
inline JavaScript (allowed by a Content-Security-Policy hash, so no other script can
run); the page reads the same without it. The file is replaced atomically.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ecanalysis.labels import format_value, kind_of, label
from ecanalysis.notebooks import index_kpis, spec_for
from ecanalysis.paths import RECORD_LANGS, lang_name, write_text_atomic
from ecanalysis.theme import INDEX_CSS

#: KPIs shown as columns: the notebooks' key KPIs (the registry, ecanalysis.notebooks).
KEY_KPIS = index_kpis()
#: Files of a record, linked when present.
RECORD_FILES = ("report.html", "report.ipynb", "metrics.json", "error.txt")
#: Longest error message shown in the table (the full text is in error.txt).
MAX_MESSAGE = 300

_TEXT = {
    "title": ("报告索引", "Reports"),
    "notebook": ("报告", "Report"),
    "store": ("店铺", "Store"),
    "period": ("周期", "Period"),
    "status": ("状态", "Status"),
    "finished": ("完成于", "Finished"),
    "alerts": ("预警", "Alerts"),
    "links": ("文件", "Files"),
    "note": ("说明", "Note"),
    "ok": ("成功", "ok"),
    "failed": ("失败", "failed"),
    "unreadable": ("无法读取", "unreadable"),
    "unreadable_note": ("记录无法读取（unreadable record）", "unreadable record"),
    "partial": ("数据不完整", "partial data"),
    "partial_note": (
        "数据未完整覆盖本期：数字不完整",
        "the data do not cover the whole period: figures are partial",
    ),
    "none": ("还没有运行记录。", "No runs yet."),
    "filter": ("筛选…", "Filter…"),
    "sort_hint": (
        "点击列标题排序（需要 JavaScript）。",
        "Click a column heading to sort (needs JavaScript).",
    ),
    "generated": ("生成于", "Generated"),
    "times_in": ("时间均为", "times in"),
    "total": ("共", "total"),
    "by_store": ("按店铺", "By store"),
    "by_report": ("按报告", "By report"),
    "prev": ("上一期", "previous period"),
    "next": ("下一期", "next period"),
}

_SCRIPT = """
document.querySelectorAll("th[data-col]").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], col = +th.dataset.col;
    var up = th.dataset.dir !== "asc"; th.dataset.dir = up ? "asc" : "desc";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y), r;
      if (!isNaN(nx) && !isNaN(ny)) { r = nx - ny; } else { r = x < y ? -1 : (x > y ? 1 : 0); }
      return up ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
var box = document.getElementById("filter");
box.hidden = false;
box.addEventListener("input", function () {
  var q = box.value.toLowerCase();
  document.querySelectorAll("tbody tr").forEach(function (row) {
    row.hidden = q && row.textContent.toLowerCase().indexOf(q) < 0;
  });
});
"""


@dataclass
class RunRow:
    """One line of the index: a run record as found on disk."""

    notebook: str
    store_id: str
    period: str
    folder: str
    status: str
    started: str = ""
    finished: str = ""
    currency: str = ""
    kpis: dict[str, Any] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)
    note: str = ""
    files: tuple[str, ...] = ()
    complete: bool = True
    store_name: str = ""


def write_index(runs_dir: str | os.PathLike, *, lang: str = "zh", tz: str | None = None) -> Path:
    """Build ``runs_dir/index.html`` listing every run record; return its path.

    Parameters
    ----------
    runs_dir : path
        The runs root (``--out``); created when missing.
    lang : {"zh", "en"}, default "zh"
        Language of the page: headings, labels and report names.
    tz : str, optional
        IANA time zone of the times shown (default: this machine's local zone).

    Returns
    -------
    pathlib.Path
        ``runs_dir/index.html``, written through a temporary file and a rename.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as runs:
    ...     write_index(runs).name
    'index.html'
    """
    root = Path(runs_dir)
    root.mkdir(parents=True, exist_ok=True)
    rows = collect_runs(root, tz=tz)
    path = root / "index.html"
    write_text_atomic(path, render_index(rows, lang=lang, tz=tz))
    return path


def collect_runs(root: Path, *, tz: str | None = None) -> list[RunRow]:
    """Every record under ``root`` (hidden temporary folders skipped), sorted by
    notebook, store and period (latest period first); times in ``tz`` (default local)."""
    rows = []
    for metrics in root.glob("*/*/*/metrics.json"):
        folder = metrics.parent
        parts = folder.relative_to(root).parts
        if any(part.startswith(".") for part in parts):
            continue
        rows.append(read_run(folder, parts, tz=tz))
    rows.extend(_second_language_runs(root, tz=tz))
    rows.sort(key=lambda r: r.period, reverse=True)
    rows.sort(key=lambda r: (r.notebook, r.store_id))
    return rows


def _second_language_runs(root: Path, *, tz: str | None = None) -> list[RunRow]:
    """The second-language records (``metrics.en.json`` … beside a store's default
    record, :func:`ecanalysis.publish.lang_name`), one row each, the period marked with
    the language."""
    rows = []
    for lang in RECORD_LANGS:
        for metrics in root.glob(f"*/*/*/metrics.{lang}.json"):
            parts = metrics.parent.relative_to(root).parts
            if not any(part.startswith(".") for part in parts):
                rows.append(read_run(metrics.parent, parts, lang=lang, tz=tz))
    return rows


def read_run(
    folder: Path, parts: tuple[str, ...], *, lang: str | None = None, tz: str | None = None
) -> RunRow:
    """A :class:`RunRow` from a record folder (its ``lang`` files for a second-language
    record); an unreadable ``metrics.json`` gives a row with status ``unreadable``."""
    notebook, store_id, period = parts
    workbook = spec_for(notebook).workbook_file  # the workbook of monthly_assessment …
    names = (*RECORD_FILES, workbook) if workbook else RECORD_FILES
    names = tuple(lang_name(name, lang) for name in names)
    files = tuple(name for name in names if (folder / name).is_file())
    shown = period if lang is None else f"{period} ({lang})"
    row = RunRow(notebook, store_id, shown, "/".join(parts), "unreadable", files=files)
    try:
        record = json.loads((folder / lang_name("metrics.json", lang)).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return row
    if not isinstance(record, dict):
        return row
    status = record.get("status")
    row.status = status if status in ("ok", "failed") else "unreadable"
    row.started = _time(record.get("started_at"), tz)
    row.finished = _time(record.get("finished_at"), tz)
    currency = record.get("currency")
    row.currency = currency if isinstance(currency, str) else ""
    row.store_name = store_name(record)
    kpis = record.get("kpis")
    row.kpis = {k: kpis.get(k) for k in KEY_KPIS} if isinstance(kpis, dict) else {}
    alerts = record.get("alerts") if isinstance(record.get("alerts"), list) else []
    levels = [a.get("level") for a in alerts if isinstance(a, dict)]
    row.alerts = {
        level: levels.count(level) for level in ("critical", "warning") if level in levels
    }
    if row.status == "failed":
        messages = [str(a.get("message", "")) for a in alerts if isinstance(a, dict)]
        row.note = _first_line(messages[0] if messages else "")
    period = record.get("period")
    row.complete = not (isinstance(period, dict) and period.get("complete") is False)
    return row


def store_name(record: dict[str, Any]) -> str:
    """The store's name as a record states it: ``store.name``, else ``store_name``, else
    ``parameters.store_name``; empty when the record does not say.

    Examples
    --------
    >>> store_name({"store": {"name": "悦享家居天猫旗舰店"}}), store_name({"store_id": "x"})
    ('悦享家居天猫旗舰店', '')
    """
    store = record.get("store")
    parameters = record.get("parameters")
    candidates = [
        store.get("name") if isinstance(store, dict) else None,
        record.get("store_name"),
        parameters.get("store_name") if isinstance(parameters, dict) else None,
    ]
    return next((str(c) for c in candidates if isinstance(c, str) and c.strip()), "")


def _zone(tz: str | None) -> dt.tzinfo | None:
    """The zone of the shown times: ``tz`` or this machine's local zone (None)."""
    if tz is None:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(tz)


def _time(value: Any, tz: str | None = None) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM`` in ``tz`` (default: local time of this
    machine); naive ones as they are."""
    if not isinstance(value, str):
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value[:32]
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_zone(tz))
    return f"{stamp:%Y-%m-%d %H:%M}"


def _zone_label(tz: str | None) -> str:
    """How the shown times' zone is named in a heading: ``tz``, else the local offset."""
    if tz:
        return tz
    offset = dt.datetime.now().astimezone().strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


def _say(lang: str, key: str) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def render_index(
    rows: list[RunRow], *, lang: str = "zh", tz: str | None = None, embed_font: bool = True
) -> str:
    """The index page for ``rows`` (every value escaped), grouped by store then report."""
    from ecanalysis.html import LANG_TAGS, visible_text

    counts = {s: sum(r.status == s for r in rows) for s in ("ok", "failed", "unreadable")}
    summary = "".join(
        f'<span><span class="badge {s}">{escape(_say(lang, s))}</span> {n}</span>'
        for s, n in counts.items()
        if n or s != "unreadable"
    )
    groups = _groups(rows)
    sections = "".join(_store_section(store_rows, lang, tz) for store_rows in groups.values())
    if not rows:
        sections = f"<p>{escape(_say(lang, 'none'))}</p>"
    title = escape(_say(lang, "title"))
    now = dt.datetime.now(dt.UTC).astimezone(_zone(tz))
    generated = (
        f"{_say(lang, 'generated')} {now:%Y-%m-%d %H:%M} · "
        f"{_say(lang, 'times_in')} {_zone_label(tz)}"
    )
    body = (
        f'<main><h1>{title}</h1><p class="summary">{summary}'
        f"<span>{escape(_say(lang, 'total'))} {len(rows)}</span></p>"
        f'<p class="muted">{escape(generated)} · {escape(_say(lang, "sort_hint"))}</p>'
        f"{_contents(groups, lang)}"
        f'<input id="filter" type="search" hidden placeholder="{escape(_say(lang, "filter"))}">'
        f"{sections}</main><script>{_SCRIPT}</script>"
    )
    font = ""
    if embed_font:
        from ecanalysis.fonts import font_face_css
        from ecanalysis.theme import WEB_FONT_FAMILY

        font = font_face_css(visible_text(body), WEB_FONT_FAMILY)
    return (
        f'<!DOCTYPE html>\n<html lang="{LANG_TAGS.get(lang, "en")}"><head>'
        '<meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(_csp(_SCRIPT))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{font}{INDEX_CSS}</style></head><body>"
        f"{body}</body></html>\n"
    )


def _groups(rows: list[RunRow]) -> dict[str, dict[str, list[RunRow]]]:
    """``{store_id: {notebook: rows}}``: stores by id, reports in the usual order, rows
    newest period first."""
    from ecanalysis.html import REPORT_NAMES

    order = list(REPORT_NAMES)
    groups: dict[str, dict[str, list[RunRow]]] = {}
    for row in sorted(rows, key=lambda r: r.store_id):
        groups.setdefault(row.store_id, {}).setdefault(row.notebook, []).append(row)
    for store_id, by_report in groups.items():
        ranked = sorted(
            by_report.items(),
            key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
        )
        groups[store_id] = {
            notebook: sorted(report_rows, key=lambda r: r.period, reverse=True)
            for notebook, report_rows in ranked
        }
    return groups


def _store_title(store_rows: dict[str, list[RunRow]]) -> tuple[str, str]:
    """(name, id) of a store: the name from its newest record that states one."""
    rows = [row for report_rows in store_rows.values() for row in report_rows]
    store_id = rows[0].store_id
    named = sorted((r for r in rows if r.store_name), key=lambda r: r.finished, reverse=True)
    return (named[0].store_name if named else store_id), store_id


def _contents(groups: dict[str, dict[str, list[RunRow]]], lang: str) -> str:
    """Jump links: to each store, and to each report of every store."""
    from ecanalysis.html import group_anchor, report_name

    if not groups:
        return ""
    stores = "".join(
        f'<a href="#{escape(_store_anchor(store_id))}">{escape(_store_title(g)[0])}</a>'
        for store_id, g in groups.items()
    )
    reports: dict[str, list[str]] = {}
    for store_id, by_report in groups.items():
        name = _store_title(by_report)[0]
        for notebook in by_report:
            reports.setdefault(notebook, []).append(
                f'<a href="#{escape(group_anchor(notebook, store_id))}">{escape(name)}</a>'
            )
    by_report = "".join(
        f"<div><b>{escape(report_name(notebook, lang))}</b>{''.join(links)}</div>"
        for notebook, links in reports.items()
    )
    return (
        f'<nav class="toc"><div><b>{escape(_say(lang, "by_store"))}</b>{stores}</div>'
        f'<div class="muted">{escape(_say(lang, "by_report"))}</div>{by_report}</nav>'
    )


def _store_anchor(store_id: str) -> str:
    return quote(f"store--{store_id}", safe="")


def _store_section(by_report: dict[str, list[RunRow]], lang: str, tz: str | None) -> str:
    from ecanalysis.html import group_anchor, report_name

    name, store_id = _store_title(by_report)
    small = f"<small>{escape(store_id)}</small>" if name != store_id else ""
    parts = [f'<section id="{escape(_store_anchor(store_id))}"><h2>{escape(name)}{small}</h2>']
    for notebook, rows in by_report.items():
        parts.append(
            f'<h3 id="{escape(group_anchor(notebook, store_id))}">'
            f"{escape(report_name(notebook, lang))}</h3>{_table(rows, lang, tz)}"
        )
    parts.append("</section>")
    return "".join(parts)


def _table(rows: list[RunRow], lang: str, tz: str | None) -> str:
    headings = [
        ("period", _say(lang, "period")),
        ("status", _say(lang, "status")),
        *((name, label(name, lang)) for name in KEY_KPIS),
        ("alerts", _say(lang, "alerts")),
        ("finished", _say(lang, "finished")),
        ("links", _say(lang, "links")),
        ("note", _say(lang, "note")),  # last: the only column that wraps
    ]
    num = ' class="num"'
    head = "".join(
        f'<th data-col="{i}"{num if key in KEY_KPIS else ""}>{escape(text)}</th>'
        for i, (key, text) in enumerate(headings)
    )
    # rows are newest first: the previous period is the next row, the next one the row above
    body = "".join(
        _row_html(
            row,
            lang,
            newer=rows[i - 1] if i > 0 else None,
            older=rows[i + 1] if i + 1 < len(rows) else None,
        )
        for i, row in enumerate(rows)
    )
    return f'<div class="wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _cell(text: str, sort: Any = None, css: str = "") -> str:
    key = text if sort is None else sort
    cls = f' class="{css}"' if css else ""
    return f'<td{cls} data-sort="{escape(str(key))}">{escape(text)}</td>'


def _step(row: RunRow | None, arrow: str, title: str) -> str:
    """A link to a neighbouring period's page (empty when it has none)."""
    if row is None or "report.html" not in row.files:
        return ""
    href = _href(row.folder, "report.html")
    return f'<a class="step" href="{escape(href)}" title="{escape(title)} {escape(row.period)}">{arrow}</a>'


def _row_html(
    row: RunRow, lang: str, *, newer: RunRow | None = None, older: RunRow | None = None
) -> str:
    period = escape(row.period)
    if "report.html" in row.files:
        period = f'<a href="{escape(_href(row.folder, "report.html"))}">{period}</a>'
    cells = [
        f'<td class="period" data-sort="{escape(row.period)}">'
        f"{_step(older, '‹', _say(lang, 'prev'))}{period}{_step(newer, '›', _say(lang, 'next'))}</td>",
        f'<td data-sort="{escape(row.status)}"><span class="badge {escape(row.status)}">'
        f"{escape(_say(lang, row.status))}</span>{_partial(row, lang)}</td>",
    ]
    for name in KEY_KPIS:
        value = row.kpis.get(name)
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        shown = format_value(number, kind_of(name), currency=row.currency or None)
        cells.append(_cell(shown, "" if number is None else number, "num"))
    cells.append(_alerts_cell(row.alerts, lang))
    note = _say(lang, "unreadable_note") if row.status == "unreadable" else row.note
    if not note and not row.complete:
        note = _say(lang, "partial_note")
    cells.append(_cell(row.finished))
    cells.append(_links(row))
    cells.append(_cell(note, css="msg"))
    return f"<tr>{''.join(cells)}</tr>"


def _partial(row: RunRow, lang: str) -> str:
    """The badge of a run whose data do not cover its whole period (a half day, a day
    after the last export): its figures are not comparable with complete periods."""
    if row.complete or row.status != "ok":
        return ""
    return f'<span class="badge partial">{escape(_say(lang, "partial"))}</span>'


#: Short link texts (the file name is the link's title), so that the KPI and alert
#: columns stay on screen.
_LINK_TEXT = {"report.html": "HTML", "report.ipynb": "ipynb", "metrics.json": "JSON"}


def _link_text(name: str) -> str:
    plain = ".".join(part for part in name.split(".") if part not in ("en", "zh"))
    return _LINK_TEXT.get(plain) or ("xlsx" if name.endswith(".xlsx") else name)


def _links(row: RunRow) -> str:
    links = "".join(
        f'<a href="{escape(_href(row.folder, name))}" title="{escape(name)}">'
        f"{escape(_link_text(name))}</a>"
        for name in row.files
    )
    return f'<td class="files" data-sort="">{links}</td>'


def _alerts_cell(counts: dict[str, int], lang: str) -> str:
    names = {"critical": ("严重", "critical", "crit"), "warning": ("注意", "warning", "warn")}
    parts = [
        f'<span class="{names[level][2]}">{escape(names[level][lang != "zh"])} {n}</span>'
        for level, n in counts.items()
    ]
    return f'<td data-sort="{sum(counts.values())}">{" ".join(parts)}</td>'


def _href(folder: str, name: str) -> str:
    """A relative link to ``folder/name``; every component percent-encoded."""
    return "/".join(quote(part, safe="") for part in [*folder.split("/"), name])
