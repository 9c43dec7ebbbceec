"""``<runs>/index.html``: every run record on one page, for stakeholders.

A record lives at ``<runs>/<notebook>/<store_id>/<period label>/metrics.json``
(DESIGN §6). The index lists each with its status, period, times, key KPIs, alert
counts and relative links to ``report.html``, ``report.ipynb``, ``metrics.json`` and
``error.txt``. Everything taken from a record is escaped; a record that cannot be read
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

#: KPIs shown as columns: the notebooks' key KPIs (the registry, ecanalysis.notebooks).
KEY_KPIS = index_kpis()
#: Files of a record, linked when present.
RECORD_FILES = ("report.html", "report.ipynb", "metrics.json", "error.txt")
#: Longest error message shown in the table (the full text is in error.txt).
MAX_MESSAGE = 300

_TEXT = {
    "title": ("运行记录索引", "Report runs"),
    "notebook": ("报告", "Report"),
    "store": ("店铺", "Store"),
    "period": ("周期", "Period"),
    "status": ("状态", "Status"),
    "started": ("开始 (UTC)", "Started (UTC)"),
    "finished": ("结束 (UTC)", "Finished (UTC)"),
    "alerts": ("预警", "Alerts"),
    "links": ("文件", "Files"),
    "currency": ("币种", "Currency"),
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
    "total": ("共", "total"),
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

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei",sans-serif;color:#1f2328;margin:1.5rem;line-height:1.45}
h1{font-size:1.5rem;margin:0 0 .5rem}
.summary span{display:inline-block;margin-right:1rem;font-weight:600}
.muted{color:#57606a;font-size:.85rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;margin-top:.75rem}
th{background:#f6f8fa;text-align:left;border-bottom:2px solid #d0d7de;padding:.35rem .6rem;
white-space:nowrap;cursor:pointer}
td{border-bottom:1px solid #eaeef2;padding:.3rem .6rem;vertical-align:top;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.msg{white-space:normal;min-width:14rem;max-width:28rem;overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:4px;padding:0 .45rem;color:#fff;font-size:.8rem}
.ok{background:#1a7f37}.failed{background:#cf222e}.unreadable{background:#9a6700}
.partial{background:#9a6700;margin-left:.3rem}
a{margin-right:.4rem}
#filter{margin-top:.5rem;padding:.3rem .5rem;width:18rem}
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


def write_index(runs_dir: str | os.PathLike, *, lang: str = "zh") -> Path:
    """Build ``runs_dir/index.html`` listing every run record; return its path.

    Parameters
    ----------
    runs_dir : path
        The runs root (``--out``); created when missing.
    lang : {"zh", "en"}, default "zh"
        Language of the page's headings and labels.

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
    rows = collect_runs(root)
    path = root / "index.html"
    write_text_atomic(path, render_index(rows, lang=lang))
    return path


def collect_runs(root: Path) -> list[RunRow]:
    """Every record under ``root`` (hidden temporary folders skipped), sorted by
    notebook, store and period (latest period first)."""
    rows = []
    for metrics in root.glob("*/*/*/metrics.json"):
        folder = metrics.parent
        parts = folder.relative_to(root).parts
        if any(part.startswith(".") for part in parts):
            continue
        rows.append(read_run(folder, parts))
    rows.extend(_second_language_runs(root))
    rows.sort(key=lambda r: r.period, reverse=True)
    rows.sort(key=lambda r: (r.notebook, r.store_id))
    return rows


def _second_language_runs(root: Path) -> list[RunRow]:
    """The second-language records (``metrics.en.json`` … beside a store's default
    record, :func:`ecanalysis.publish.lang_name`), one row each, the period marked with
    the language."""
    rows = []
    for lang in RECORD_LANGS:
        for metrics in root.glob(f"*/*/*/metrics.{lang}.json"):
            parts = metrics.parent.relative_to(root).parts
            if not any(part.startswith(".") for part in parts):
                rows.append(read_run(metrics.parent, parts, lang=lang))
    return rows


def read_run(folder: Path, parts: tuple[str, ...], *, lang: str | None = None) -> RunRow:
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
    row.started = _time(record.get("started_at"))
    row.finished = _time(record.get("finished_at"))
    currency = record.get("currency")
    row.currency = currency if isinstance(currency, str) else ""
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


def _time(value: Any) -> str:
    """An ISO timestamp as ``YYYY-MM-DD HH:MM:SS`` in UTC (naive ones as they are)."""
    if not isinstance(value, str):
        return ""
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value[:32]
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    return f"{stamp:%Y-%m-%d %H:%M:%S}"


def _finish_text(started: str, finished: str) -> str:
    """The finish time without its date when the run started the same day."""
    same_day = started[:10] == finished[:10] and len(finished) == 19
    return finished[11:] if same_day else finished


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


def _say(lang: str, key: str) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def render_index(rows: list[RunRow], *, lang: str = "zh") -> str:
    """The index page for ``rows`` (every value escaped)."""
    counts = {s: sum(r.status == s for r in rows) for s in ("ok", "failed", "unreadable")}
    summary = "".join(
        f'<span><span class="badge {s}">{escape(_say(lang, s))}</span> {n}</span>'
        for s, n in counts.items()
        if n or s != "unreadable"
    )
    headings = [
        _say(lang, "notebook"),
        _say(lang, "store"),
        _say(lang, "period"),
        _say(lang, "status"),
        _say(lang, "links"),
        _say(lang, "currency"),
        *(label(k, lang) for k in KEY_KPIS),
        _say(lang, "alerts"),
        _say(lang, "note"),
        _say(lang, "started"),
        _say(lang, "finished"),
    ]
    head = "".join(f'<th data-col="{i}">{escape(h)}</th>' for i, h in enumerate(headings))
    body = "".join(_row_html(row, lang) for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headings)}">{escape(_say(lang, "none"))}</td></tr>'
    title = escape(_say(lang, "title"))
    generated = f"{_say(lang, 'generated')} {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(_csp(_SCRIPT))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f'<h1>{title}</h1><p class="summary">{summary}<span>{escape(_say(lang, "total"))} {len(rows)}</span></p>'
        f'<p class="muted">{escape(generated)} · {escape(_say(lang, "sort_hint"))}</p>'
        f'<input id="filter" type="search" hidden placeholder="{escape(_say(lang, "filter"))}">'
        f'<div class="wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
        f"</table></div><script>{_SCRIPT}</script></body></html>\n"
    )


def _cell(text: str, sort: Any = None, css: str = "") -> str:
    key = text if sort is None else sort
    cls = f' class="{css}"' if css else ""
    return f'<td{cls} data-sort="{escape(str(key))}">{escape(text)}</td>'


def _row_html(row: RunRow, lang: str) -> str:
    cells = [
        _cell(row.notebook),
        _cell(row.store_id),
        _cell(row.period),
        f'<td data-sort="{escape(row.status)}"><span class="badge {escape(row.status)}">'
        f"{escape(_say(lang, row.status))}</span>{_partial(row, lang)}</td>",
        _links(row),
        _cell(row.currency),
    ]
    for name in KEY_KPIS:
        value = row.kpis.get(name)
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        cells.append(
            _cell(format_value(number, kind_of(name)), "" if number is None else number, "num")
        )
    alerts = " ".join(f"{label_}{n}" for label_, n in _alert_text(row.alerts, lang))
    cells.append(_cell(alerts, sum(row.alerts.values())))
    note = _say(lang, "unreadable_note") if row.status == "unreadable" else row.note
    if not note and not row.complete:
        note = _say(lang, "partial_note")
    cells.append(_cell(note, css="msg"))
    cells.append(_cell(row.started))
    cells.append(_cell(_finish_text(row.started, row.finished), row.finished))
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
    return f'<td data-sort="">{links}</td>'


def _alert_text(counts: dict[str, int], lang: str) -> list[tuple[str, int]]:
    names = {"critical": ("严重 ", "critical "), "warning": ("注意 ", "warning ")}
    return [(names[level][lang != "zh"], n) for level, n in counts.items()]


def _href(folder: str, name: str) -> str:
    """A relative link to ``folder/name``; every component percent-encoded."""
    return "/".join(quote(part, safe="") for part in [*folder.split("/"), name])
