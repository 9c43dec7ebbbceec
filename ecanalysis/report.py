"""Safe, self-contained HTML for stakeholders: KPI cards, tables, alerts, notes.

Every block is an :class:`Html` object that Jupyter displays through ``_repr_html_``;
it carries the stylesheet (:data:`ecanalysis.theme.BLOCK_CSS`, in a ``<style
data-eca-theme>`` that the report page replaces by one copy in its head, see
``ecanalysis.html``); no external resources, no JavaScript. Everything that comes from data (titles,
review texts, store names, messages, column names) is escaped with :func:`html.escape`
before it reaches the page: a product called ``<script>…`` is shown, never run.

Colour convention: international, green for a rise and red for a fall (the Chinese
market convention red = up is *not* used, so that red always means "look here"). For
cost-like KPIs (:data:`~ecanalysis.labels.COST_LIKE`: refunds, CPA, bounce rate …) a
rise is coloured red. Both colours are options of :func:`kpi_cards`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from ecanalysis.errors import EcanalysisError
from ecanalysis.labels import (
    COST_LIKE,
    LABELS,
    LANGS,
    MISSING,
    format_value,
    is_missing,
    kind_of,
    label,
    value_label,
)
from ecanalysis.theme import BLOCK_CSS, PALETTE

__all__ = [
    "COST_LIKE",
    "LABELS",
    "Html",
    "alerts_list",
    "chart_description",
    "coverage_note",
    "format_table",
    "format_value",
    "kind_of",
    "kpi_cards",
    "label",
    "markdown_in",
    "missing_section",
    "note",
    "params_table",
    "setup_notebook",
    "side_by_side",
    "title_block",
]

UP_COLOR = PALETTE["good"]
DOWN_COLOR = PALETTE["bad"]
FLAT_COLOR = PALETTE["muted"]
#: Comparisons shown under a KPI card: key suffix → (zh, en) caption.
COMPARISON_LABELS: dict[str, tuple[str, str]] = {
    "": ("较对比期", "vs comparison"),
    "_yoy": ("同比", "YoY"),
    "_vs_trailing_7d": ("较近7日均值", "vs 7-day mean"),
}
#: What a section shows when its table is present (for :func:`missing_section`).
SECTION_CONTENT: dict[str, tuple[str, str]] = {
    "traffic": (
        "访客数、浏览量、跳失率与转化漏斗",
        "visitors, pageviews, bounce rate and the conversion funnel",
    ),
    "ad_spend": (
        "各渠道推广花费、CPC、CPA 与 ROAS",
        "ad spend, CPC, CPA and ROAS per channel",
    ),
    "order_items": (
        "商品销量排行、库存可售天数与滞销商品",
        "product rankings, days of stock cover and products without sales",
    ),
    "products": (
        "商品名称、类目、库存与价格/成本检查",
        "product titles, categories, stock and price/cost checks",
    ),
    "reviews": ("评分、DSR 与差评原因", "ratings, DSR scores and reasons of bad reviews"),
    "campaigns": ("活动效果复盘", "campaign results"),
    "fx_rates": (
        "以报告币种汇总的多店铺合计",
        "portfolio totals in one reporting currency",
    ),
    "orders.channel": ("按渠道拆分的订单与新客", "orders and new buyers by channel"),
    "orders.device": ("按设备拆分的订单", "orders by device"),
}
ALERT_BADGES: dict[str, tuple[str, str, str]] = {
    "critical": ("严重", "Critical", PALETTE["bad"]),
    "warning": ("注意", "Warning", PALETTE["warning"]),
    "info": ("提示", "Info", PALETTE["info"]),
}

#: The stylesheet every block carries for JupyterLab; the report page strips these
#: copies and has the stylesheet once in its head (``ecanalysis.html``).
_CSS = BLOCK_CSS


class Html:
    """A block of escaped HTML that Jupyter shows as HTML and a console as plain text.

    Parameters
    ----------
    html : str
        Markup built by this module (data already escaped).
    text : str
        Plain-text version (``repr``).

    Examples
    --------
    >>> block = Html("<p>hi</p>", "hi")
    >>> block
    hi
    >>> block._repr_html_()
    '<p>hi</p>'
    """

    def __init__(self, html: str, text: str = "") -> None:
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or "<Html>"


def _block(kind: str, inner: str, text: str) -> Html:
    return Html(f'<div class="eca {kind}"><style data-eca-theme>{_CSS}</style>{inner}</div>', text)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise EcanalysisError(f"lang={lang!r} is not supported; use 'zh' or 'en'")
    return lang


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# -- KPI cards ------------------------------------------------------------------------


def kpi_cards(
    kpis: Mapping[str, Any],
    comparisons: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    names: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    lang: str = "zh",
    currency: str | None = None,
    formats: Mapping[str, str] | None = None,
    comparison_labels: Mapping[str, str] | None = None,
    up_color: str = UP_COLOR,
    down_color: str = DOWN_COLOR,
    cost_like: Iterable[str] = COST_LIKE,
) -> Html:
    """A responsive grid of KPI cards: label, value, and change against each comparison.

    Parameters
    ----------
    kpis : mapping
        ``{name: value}``, as in ``metrics.json`` ``kpis``.
    comparisons : mapping, optional
        ``{key: {"previous", "change", "change_pct"}}`` as in ``metrics.json``; a card for
        ``name`` shows the comparisons ``name`` (vs the comparison period), ``name_yoy``
        and ``name_vs_trailing_7d`` that exist.
    names : sequence of str, optional
        The KPIs to show, in order (default: every KPI). A name without a value shows ``—``.
    labels : mapping, optional
        Label overrides ``{name: text}``.
    lang : {"zh", "en"}, default "zh"
    currency : str, optional
        ISO 4217 code for money KPIs.
    formats : mapping, optional
        Kind overrides ``{name: "money" | "rate" | "ratio" | "count" | "number" | "days"}``
        (default: :func:`~ecanalysis.labels.kind_of`).
    comparison_labels : mapping, optional
        Caption overrides ``{suffix: text}``, e.g. ``{"": "较上周同日"}`` in a daily report.
    up_color, down_color : str
        Colours of good and bad changes (CSS). A rise is good, except for ``cost_like``.
    cost_like : iterable of str
        KPIs whose rise is bad (refunds, CPA, bounce rate …).

    Returns
    -------
    Html
        The cards; ``repr`` gives one plain-text line per KPI.

    Notes
    -----
    Change is shown as ▲/▼ with the relative change (``change_pct``), the absolute
    change when the comparison value is 0, and for rates in percentage points (pp). The tooltip (``title``) states the comparison
    value and both changes. Colours follow the international convention (green up).

    Examples
    --------
    >>> cards = kpi_cards(
    ...     {"paid_amount": 1200.0, "refund_amount": 90.0},
    ...     {"paid_amount": {"previous": 1000.0, "change": 200.0, "change_pct": 0.2},
    ...      "refund_amount": {"previous": 60.0, "change": 30.0, "change_pct": 0.5}},
    ...     currency="CNY",
    ... )
    >>> cards
    支付金额: ¥1,200.00 (较对比期 ▲ 20.0%)
    退款金额: ¥90.00 (较对比期 ▲ 50.0%)
    >>> "#cf222e" in cards._repr_html_()  # a rise in refunds is bad news
    True
    """
    _check_lang(lang)
    comparisons = comparisons or {}
    formats = formats or {}
    cost_like = frozenset(cost_like)
    captions = {s: _say(lang, *pair) for s, pair in COMPARISON_LABELS.items()}
    captions.update(comparison_labels or {})
    cards, lines = [], []
    for name in list(names) if names is not None else list(kpis):
        kind = formats.get(name) or kind_of(name)
        value = format_value(kpis.get(name), kind, currency=currency)
        if kind == "days":  # a duration with its unit: 32 天 / 32 days
            value = days_text(kpis.get(name), lang=lang)
        title = label(name, lang, labels=labels)
        changes = []
        for suffix, caption in captions.items():
            entry = comparisons.get(f"{name}{suffix}")
            if entry:
                colours = (down_color, up_color) if name in cost_like else (up_color, down_color)
                changes.append(_change_line(entry, caption, kind, currency, colours, lang))
        cards.append(
            f'<div class="eca-card"><div class="eca-label">{escape(title)}</div>'
            f'<div class="eca-value">{escape(value)}</div>'
            + "".join(html for html, _ in changes)
            + "</div>"
        )
        extra = "; ".join(text for _, text in changes if text)
        lines.append(f"{title}: {value}" + (f" ({extra})" if extra else ""))
    return _block("eca-cards", "".join(cards), "\n".join(lines))


def _change_line(
    entry: Mapping[str, Any],
    caption: str,
    kind: str,
    currency: str | None,
    colours: tuple[str, str],
    lang: str,
) -> tuple[str, str]:
    """One comparison under a card: (html, plain text); ("", "") when there is no change."""
    change, pct = entry.get("change"), entry.get("change_pct")
    if is_missing(change):
        return "", ""
    arrow, colour = ("▲", colours[0]) if change > 0 else ("▼", colours[1])
    if kind == "rate":  # a rate's change reads best in percentage points
        shown = _points(abs(change)).removeprefix("+")
    elif not is_missing(pct):
        shown = format_value(abs(pct), "rate")
    else:
        shown = format_value(abs(change), kind, currency=currency)
    if change == 0 or shown in ("0.0 pp", "0.0%"):  # no change at the precision shown
        arrow, colour = "–", FLAT_COLOR
    previous = format_value(entry.get("previous"), kind, currency=currency)
    tip = _say(
        lang,
        f"对比值 {previous}；变化 {format_value(change, kind, currency=currency, signed=True)}"
        f"（{format_value(pct, 'rate', signed=True)}）",
        f"Compared with {previous}: {format_value(change, kind, currency=currency, signed=True)}"
        f" ({format_value(pct, 'rate', signed=True)})",
    )
    text = f"{caption} {arrow} {shown}"
    html = (
        f'<div class="eca-change" title="{escape(tip)}"><span style="color:{escape(colour)}">'
        f'{arrow} {escape(shown)}</span> <span class="eca-vs">{escape(caption)}</span></div>'
    )
    return html, text


# -- tables -------------------------------------------------------------------------


def format_table(
    frame,
    *,
    money: Sequence[str] = (),
    rates: Sequence[str] = (),
    counts: Sequence[str] = (),
    ratios: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    lang: str = "zh",
    max_rows: int = 50,
    currency: str | None = None,
    missing: Mapping[str, tuple[str, str]] | None = None,
    csv_name: str | None = None,
) -> Html:
    """A DataFrame as an HTML table with labelled columns, formatted numbers and escaped text.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any tidy result; a non-default index is shown as columns.
    money, rates, counts, ratios : sequence of str
        Columns to show as money, percent, whole numbers or plain ratios (``lift`` of a
        product pair, where the name alone says incremental sales); other columns take the
        kind :func:`~ecanalysis.labels.kind_of` infers from their names.
    labels : mapping, optional
        Column label overrides ``{column: text}``.
    lang : {"zh", "en"}, default "zh"
    max_rows : int, default 50
        Rows shown; a caption says how many were left out.
    currency : str, optional
        ISO 4217 code for money columns.
    missing : mapping, optional
        ``{column: (zh, en)}``: what an empty cell of that column means, shown instead of
        ``—`` (a product never sold has no last sale: "从未售出 / never sold").
    csv_name : str, optional
        The name of the record's ``tables/<csv_name>.csv`` holding the whole table: a
        table cut at ``max_rows`` links to it.

    Returns
    -------
    Html
        The table; ``repr`` gives a plain-text summary.

    Notes
    -----
    Text cells (titles, review texts, ids) are escaped with :func:`html.escape`; dates
    at midnight are shown as ``YYYY-MM-DD``; booleans as 是/否 (yes/no); missing values
    as ``—``; changes with a sign.

    Examples
    --------
    >>> import pandas as pd
    >>> table = format_table(pd.DataFrame({"title": ["<b>杯</b>"], "revenue": [1234.5]}))
    >>> table
    table: 1 row(s) × 2 column(s): 商品名称, 销售额
    >>> "&lt;b&gt;杯&lt;/b&gt;" in table._repr_html_(), "1,234.50" in table._repr_html_()
    (True, True)
    """
    import pandas as pd

    _check_lang(lang)
    if not isinstance(frame, pd.DataFrame):
        raise EcanalysisError(
            f"format_table needs a pandas DataFrame, got {type(frame).__name__}; "
            "wrap a Series with .to_frame() or a dict with pandas.DataFrame(...)"
        )
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    kinds = {**{c: "money" for c in money}, **{c: "rate" for c in rates}}
    kinds.update({c: "count" for c in counts})
    kinds.update({c: "ratio" for c in ratios})
    shown = frame.head(max_rows)
    columns = [str(c) for c in frame.columns]
    row_kinds = _row_kinds(shown)
    cells = [
        _format_column(shown[column], kinds.get(str(column)), currency, lang, row_kinds)
        for column in frame.columns
    ]
    for column, (zh, en) in (missing or {}).items():
        if column in frame.columns:
            at = list(frame.columns).index(column)
            cells[at] = [
                (cls, _say(lang, zh, en) if text == MISSING else text) for cls, text in cells[at]
            ]
    heads = "".join(
        f'<th class="{_head_class(frame[column], column_cells)}" title="{escape(c)}">'
        f"{escape(label(c, lang, labels=labels))}</th>"
        for c, column, column_cells in zip(columns, frame.columns, cells, strict=True)
    )
    rows = [
        "<tr>" + "".join(f'<td class="{cls}">{escape(text)}</td>' for cls, text in row) + "</tr>"
        for row in zip(*cells, strict=True)
    ]
    if not rows:
        span = max(len(columns), 1)
        rows = [f'<tr><td colspan="{span}">{escape(_say(lang, "无数据", "No data"))}</td></tr>']
    caption = ""
    if len(frame) > max_rows:
        caption = _say(
            lang,
            f"显示前 {max_rows} 行，共 {len(frame)} 行（完整数据见 tables/ 目录的 CSV）。",
            f"Showing the first {max_rows} of {len(frame)} rows (full data in tables/*.csv).",
        )
        caption = f'<p class="eca-caption">{escape(caption)}'
        if csv_name:
            href = f"tables/{quote(csv_name, safe='')}.csv"
            link = _say(lang, "下载全部", "download all")
            caption += f' <a href="{escape(href)}">{escape(link)} ({len(frame)})</a>'
        caption += "</p>"
    inner = (
        f'<div class="eca-scroll"><table class="eca-table"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{caption}"
    )
    text = f"table: {len(frame)} row(s) × {len(columns)} column(s): " + ", ".join(
        label(c, lang, labels=labels) for c in columns
    )
    return _block("eca-tablewrap", inner, text)


#: Long tables (``compare_periods``, ``assessment_table``): the row's metric names the
#: values of these columns, so they are formatted by the metric's kind, row by row.
ROW_VALUE_COLUMNS = frozenset(
    {"current", "previous", "change", "actual", "target", "gap", "projected"}
)
METRIC_NAME_COLUMNS = ("metric", "kpi")
#: Period columns that name a month when every value is a 1st (``sales_summary(freq="MS")``).
MONTH_COLUMNS = frozenset({"period_start", "cohort"})


def _head_class(values, cells: list[tuple[str, str]]) -> str:
    """The CSS class of a column's heading: that of its cells (``eca-num`` right-aligns
    numbers and their heading, text stays left), from the dtype when there are no rows."""
    import pandas as pd

    if cells:
        return cells[0][0]
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    return "eca-num" if numeric and not pd.api.types.is_bool_dtype(values.dtype) else "eca-text"


def _row_kinds(frame) -> list[str] | None:
    """Kind of each row's values in a long table (a ``metric`` or ``kpi`` column), else None."""
    column = next((c for c in METRIC_NAME_COLUMNS if c in frame.columns), None)
    if column is None:
        return None
    return [kind_of(str(name)) for name in frame[column]]


def _format_column(
    values, kind: str | None, currency: str | None, lang: str, row_kinds: list[str] | None = None
):
    """``[(css class, text)]`` of one column."""
    import pandas as pd

    dtype = values.dtype
    name = str(values.name)
    base = name.removesuffix("_yoy")
    if name in METRIC_NAME_COLUMNS and row_kinds is not None:
        return [("eca-text", MISSING if is_missing(v) else label(str(v), lang)) for v in values]
    if base in ROW_VALUE_COLUMNS and row_kinds is not None and kind is None:
        signed = base in ("change", "gap")
        return [
            (
                "eca-num",
                _points(v)
                if signed and k == "rate"
                else format_value(v, k, currency=currency, signed=signed),
            )
            for v, k in zip(values, row_kinds, strict=True)
        ]
    if pd.api.types.is_bool_dtype(dtype):
        yes, no = _say(lang, "是", "yes"), _say(lang, "否", "no")
        return [("eca-bool", MISSING if is_missing(v) else (yes if v else no)) for v in values]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        known = stamps.dropna()
        daily = bool((known == known.dt.normalize()).all())
        pattern = "%Y-%m-%d" if daily else "%Y-%m-%d %H:%M"
        if name in MONTH_COLUMNS and len(known.unique()) > 1 and bool((known.dt.day == 1).all()):
            pattern = "%Y-%m"  # a table of months: 2024-11, not 2024-11-01
        return [("eca-date", MISSING if is_missing(v) else v.strftime(pattern)) for v in stamps]
    if pd.api.types.is_numeric_dtype(dtype):
        kind = kind or kind_of(name)
        if kind in ("number", "ratio") and pd.api.types.is_integer_dtype(dtype):
            kind = "count"  # whole numbers (a review's 1–5 rating) get no decimals
        signed = "change" in name
        return [
            ("eca-num", format_value(v, kind, currency=currency, signed=signed)) for v in values
        ]
    return [("eca-text", _text(value_label(name, v, lang))) for v in values]


def _points(change: Any) -> str:
    """A change of a rate in percentage points, rounded to one decimal: 0.02 → ``+2.0 pp``,
    0.0349 → ``+3.5 pp``, -0.0008 → ``-0.1 pp``; a change too small for one decimal gets
    two (-0.0004 → ``-0.04 pp``), never a signed ``-0.0 pp``."""
    if is_missing(change):
        return MISSING
    points = float(change) * 100
    decimals = 2 if round(points, 1) == 0 else 1
    if round(points, decimals) == 0:
        return f"{0:.1f} pp"
    return f"{points:+.{decimals}f} pp"


def _text(value: Any) -> str:
    """A cell as text: lists joined with "; ", dates in ISO form, missing as —."""
    if isinstance(value, (list, tuple, set)) or type(value).__name__ == "ndarray":
        return "; ".join(_text(v) for v in value)
    if is_missing(value):
        return MISSING
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return format_value(value, "number")
    return str(value)


def side_by_side(first, second, *, suffix: str = "_yoy", lang: str = "zh"):
    """Two comparison tables as one: the keys, ``first``'s numbers, ``second``'s with ``suffix``.

    Typical use: week-over-week and year-over-year results of
    ``compare.compare_periods`` side by side. Columns of ``second`` that equal
    ``first``'s (the current values) are not repeated.

    Parameters
    ----------
    first, second : pandas.DataFrame
        Frames with the same key (text) columns, e.g. ``metric``.
    suffix : str, default "_yoy"
        Added to the numeric columns of ``second`` (labels show "（同比）").
    lang : {"zh", "en"}, default "zh"
        Unused for the data; kept for a uniform call shape.

    Returns
    -------
    pandas.DataFrame
        Key columns, then ``first``'s numeric columns, then ``second``'s with ``suffix``.

    Examples
    --------
    >>> import pandas as pd
    >>> wow = pd.DataFrame({"metric": ["orders"], "current": [12.0], "change_pct": [0.2]})
    >>> yoy = pd.DataFrame({"metric": ["orders"], "current": [12.0], "change_pct": [-0.1]})
    >>> side_by_side(wow, yoy).columns.tolist()
    ['metric', 'current', 'change_pct', 'change_pct_yoy']
    """
    import pandas as pd

    _check_lang(lang)
    keys = [
        c
        for c in first.columns
        if c in second.columns and not pd.api.types.is_numeric_dtype(first[c].dtype)
    ]
    extra = [
        c
        for c in second.columns
        if c not in keys and not (c in first.columns and first[c].equals(second[c]))
    ]
    renamed = second[keys + extra].rename(columns={c: f"{c}{suffix}" for c in extra})
    if not keys:
        return pd.concat([first.reset_index(drop=True), renamed.reset_index(drop=True)], axis=1)
    merged = first.merge(renamed, on=keys, how="left")
    only_second = renamed.merge(first[keys], on=keys, how="left", indicator=True)
    only_second = only_second[only_second["_merge"] == "left_only"].drop(columns="_merge")
    if only_second.empty:
        return merged
    return pd.concat([merged, only_second], ignore_index=True)


def params_table(*params) -> Any:
    """Fitted model parameters (pandas Series) as one table: ``model, parameter, value``.

    Parameters
    ----------
    *params : pandas.Series
        e.g. ``fit_bgnbd(rfm).params`` (``r, alpha, a, b``) and
        ``fit_gamma_gamma(rfm).params`` (``p, q, v``).

    Returns
    -------
    pandas.DataFrame
        - ``model`` (str): BG/NBD, Gamma-Gamma, or the Series name
        - ``parameter`` (str)
        - ``value`` (float64)

    Examples
    --------
    >>> import pandas as pd
    >>> params_table(pd.Series({"p": 6.25, "q": 3.74, "v": 15.45})).to_dict("list")
    {'model': ['Gamma-Gamma', 'Gamma-Gamma', 'Gamma-Gamma'], 'parameter': ['p', 'q', 'v'], 'value': [6.25, 3.74, 15.45]}
    """
    import pandas as pd

    known = {
        frozenset({"r", "alpha", "a", "b"}): "BG/NBD",
        frozenset({"p", "q", "v"}): "Gamma-Gamma",
    }
    rows = []
    for series in params:
        model = known.get(frozenset(map(str, series.index)), str(series.name or ""))
        rows += [(model, str(k), float(v)) for k, v in series.items()]
    return pd.DataFrame(rows, columns=["model", "parameter", "value"]).astype(
        {"model": "str", "parameter": "str", "value": "float64"}
    )


# -- alerts, notes, headers ---------------------------------------------------------------


def alerts_list(alerts: Iterable[Mapping[str, Any]], *, lang: str = "zh") -> Html:
    """Alerts as a list with level badges, most severe first.

    Parameters
    ----------
    alerts : iterable of mapping
        ``{"level": "critical" | "warning" | "info", "message": str}`` (``metrics.json``).
    lang : {"zh", "en"}, default "zh"

    Returns
    -------
    Html
        A list; "无预警" (no alerts) when empty.

    Examples
    --------
    >>> alerts_list([{"level": "info", "message": "a"}, {"level": "critical", "message": "<b>"}])
    [critical] <b>
    [info] a
    >>> alerts_list([], lang="en")
    No alerts.
    """
    _check_lang(lang)
    order = list(ALERT_BADGES)
    items = sorted(
        (dict(a) for a in alerts),
        key=lambda a: order.index(a.get("level")) if a.get("level") in order else len(order),
    )
    if not items:
        message = _say(lang, "无预警。", "No alerts.")
        return _block(
            "eca-alertbox", f'<div class="eca-note eca-ok">{escape(message)}</div>', message
        )
    rows, lines = [], []
    for alert in items:
        level = str(alert.get("level", "info"))
        zh, en, colour = ALERT_BADGES.get(level, (level, level, FLAT_COLOR))
        message = str(alert.get("message", ""))
        rows.append(
            f'<li><span class="eca-badge" style="background:{colour}">'
            f"{escape(_say(lang, zh, en))}</span>{escape(message)}</li>"
        )
        lines.append(f"[{level}] {message}")
    return _block("eca-alertbox", f'<ul class="eca-alerts">{"".join(rows)}</ul>', "\n".join(lines))


def note(text: str, *, level: str = "info") -> Html:
    """A short escaped note (``info``, ``warning``, ``critical``, ``ok``, or ``summary``: the
    plain paragraph a report opens with).

    Examples
    --------
    >>> note("历史数据不足 8 周，无法预测。")
    历史数据不足 8 周，无法预测。
    """
    css = level if level in ("info", "warning", "critical", "ok", "summary") else "info"
    return _block(
        "eca-notebox", f'<div class="eca-note eca-{css}">{escape(str(text))}</div>', str(text)
    )


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")


def _is_chinese(paragraph: str) -> bool | None:
    """True for a Chinese paragraph, False for an English one (a Chinese term or two in
    English prose, an English name or two in Chinese prose), None for neither."""
    cjk, latin = len(_CJK.findall(paragraph)), len(_LATIN.findall(paragraph))
    if not cjk and not latin:
        return None
    return 2 * cjk >= latin


def markdown_in(text: str, lang: str) -> str:
    r"""The ``lang`` half of a notebook's bilingual markdown cell, for the HTML report.

    The notebooks write each heading as ``## 中文 · English`` and each paragraph twice,
    the Chinese one first, separated by a blank line (JupyterLab shows both). A heading
    keeps the side of ``lang``; a paragraph is kept when its script is that of ``lang``
    (mostly CJK characters: Chinese); a paragraph of neither (numbers, a rule) stays.

    Examples
    --------
    >>> markdown_in("## 库存 · Stock\n缺货的商品（SKU）。\n\nOut-of-stock products (缺货).", "en")
    '## Stock\n\nOut-of-stock products (缺货).'
    """
    want_zh = _check_lang(lang) == "zh"
    kept = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines = block.split("\n")
        if lines[0].startswith("#") and " · " in lines[0]:
            marks, title = lines[0].split(" ", 1)
            zh, en = title.split(" · ", 1)
            kept.append(f"{marks} {zh if want_zh else en}")
            lines = lines[1:]
        paragraph = "\n".join(lines)
        if paragraph.strip() and _is_chinese(paragraph) in (want_zh, None):
            kept.append(paragraph)
    return "\n\n".join(kept)


def missing_section(
    table: str,
    what_it_would_show: str | None = None,
    *,
    lang: str = "zh",
    store_id: str | None = None,
) -> Html:
    """The note that replaces a section whose optional table (or column) is absent, or
    (``store_id`` given) has no row of that store.

    Parameters
    ----------
    table : str
        The missing table (``traffic``) or column (``orders.channel``).
    what_it_would_show : str, optional
        What the section shows with the data (default: a description of the table).
    lang : {"zh", "en"}, default "zh"
    store_id : str, optional
        The store whose rows the table lacks, when the table itself is there.

    Returns
    -------
    Html

    Examples
    --------
    >>> missing_section("traffic")
    本节需要 traffic 表（未提供）：可展示访客数、浏览量、跳失率与转化漏斗。
    >>> missing_section("orders.channel", lang="en")
    This section needs the channel column of the orders table (not provided): it would show orders and new buyers by channel.
    >>> missing_section("traffic", lang="en", store_id="shop09")
    This section needs rows of store shop09 in the traffic table (it has none): it would show visitors, pageviews, bounce rate and the conversion funnel.
    """
    _check_lang(lang)
    content = what_it_would_show or _say(lang, *SECTION_CONTENT.get(table, ("", "")))
    if "." in table:
        name, column = table.split(".", 1)
        need = _say(lang, f"{name} 表的 {column} 列", f"the {column} column of the {name} table")
    else:
        need = _say(lang, f"{table} 表", f"the {table} table")
    if store_id is not None:
        text = _say(
            lang,
            f"本节需要 {table} 表中店铺 {store_id} 的数据（该表没有本店的行）",
            f"This section needs rows of store {store_id} in the {table} table (it has none)",
        )
    else:
        text = _say(lang, f"本节需要 {need}（未提供）", f"This section needs {need} (not provided)")
    if content:
        text += _say(lang, f"：可展示{content}。", f": it would show {content}.")
    else:
        text += _say(lang, "。", ".")
    return _block("eca-notebox", f'<div class="eca-note eca-warning">{escape(text)}</div>', text)


def _as_date(value: Any) -> dt.date | None:
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _short(day: dt.date, year: int) -> str:
    return f"{day:%m-%d}" if day.year == year else day.isoformat()


def coverage_note(coverage: Mapping[str, Any], period: Any, *, lang: str = "zh") -> Html:
    """A banner with the data coverage; a warning when it does not cover the whole period.

    Parameters
    ----------
    coverage : mapping
        ``{"first": date, "last": date}``: first and last local day of the store's data
        (ISO strings and None accepted).
    period : Period
        The report period (``label``, ``first_day``, ``last_day``).
    lang : {"zh", "en"}, default "zh"

    Returns
    -------
    Html
        ``ok`` banner when the data cover the period, else a warning that the period is
        incomplete (so that a half period is not read as a drop).

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> month = SimpleNamespace(label="2025-11", first_day=dt.date(2025, 11, 1),
    ...                         last_day=dt.date(2025, 11, 30))
    >>> coverage_note({"first": "2024-01-01", "last": "2025-11-20"}, month)
    数据截至 11-20，本期（2025-11）不完整：缺 11-21 至 11-30 的数据，请勿与完整周期直接比较。
    """
    _check_lang(lang)
    first, last = _as_date(coverage.get("first")), _as_date(coverage.get("last"))
    start, end, name = period.first_day, period.last_day, str(period.label)
    year = end.year
    if last is None or first is None:
        level, text = (
            "critical",
            _say(lang, "没有数据：本店无订单记录。", "No data for this store."),
        )
    elif last < start or first > end:
        level = "critical"
        text = _say(
            lang,
            f"数据范围 {first} 至 {last}，不含本期（{name}）：本期无数据。",
            f"The data ({first} to {last}) do not reach {name}: no data for this period.",
        )
    elif last < end:
        level = "warning"
        gap = last + dt.timedelta(days=1)
        text = _say(
            lang,
            f"数据截至 {_short(last, year)}，本期（{name}）不完整：缺 {_short(gap, year)} 至 "
            f"{_short(end, year)} 的数据，请勿与完整周期直接比较。",
            f"Data end on {last}: {name} is incomplete ({gap} to {end} missing); "
            "do not compare it with complete periods.",
        )
    elif first > start:
        level = "warning"
        text = _say(
            lang,
            f"数据始于 {first}，本期（{name}）不完整，请勿与完整周期直接比较。",
            f"Data start on {first}: {name} is incomplete; do not compare it with complete periods.",
        )
    else:
        level = "ok"
        text = _say(
            lang,
            f"数据覆盖 {first} 至 {last}，本期（{name}）完整。",
            f"Data cover {first} to {last}; {name} is complete.",
        )
    return _block("eca-notebox", f'<div class="eca-note eca-{level}">{escape(text)}</div>', text)


def title_block(
    title: str, store: Mapping[str, Any] | str, period: Any, *, lang: str = "zh"
) -> Html:
    """The report heading: title, store (name and id), period, currency and time zone.

    The heading (``<h1>``) names the report, the store and the period in words
    ("日报 · 悦享家居天猫旗舰店 · 2025-11-30"); the report page takes it as its title.

    Parameters
    ----------
    title : str
    store : mapping or str
        A ``stores`` row (``store_id``, ``name``, ``currency``, ``timezone``) or a store id.
    period : Period or str
        The report period (``label``, ``first_day``, ``last_day``) or its label.
    lang : {"zh", "en"}, default "zh"

    Returns
    -------
    Html

    Examples
    --------
    >>> title_block("日报", {"store_id": "shop01", "name": "旗舰店", "currency": "CNY"}, "2025-11-11")
    日报 — 店铺：旗舰店（shop01） · 周期：2025-11-11 · 币种：CNY
    >>> portfolio = {"store_id": "all", "name": "Portfolio", "currencies": ["CNY", "USD"]}
    >>> title_block("Overview", portfolio, "2025-11", lang="en")
    Overview — Store: All stores · Period: 2025-11 · Currency: each store's own (CNY, USD)

    A portfolio names no one store's time zone (issue 15):

    >>> title_block("Overview", {**portfolio, "timezone": "Asia/Shanghai"}, "2025-11", lang="en")
    Overview — Store: All stores · Period: 2025-11 · Currency: each store's own (CNY, USD) · Days: each store's own local days; portfolio periods in Asia/Shanghai
    """
    _check_lang(lang)
    if isinstance(store, str):
        store = {"store_id": store}
    store_id, name = str(store.get("store_id", "")), store.get("name")
    if store_id == "all":  # the portfolio, in the report language
        name = _say(lang, "全部店铺", "All stores")
    shop = f"{name}（{store_id}）" if name and str(name) != store_id else store_id
    if lang == "en" and name and str(name) != store_id:
        shop = f"{name} ({store_id})"
    if store_id == "all":  # no id to show beside "all stores"
        shop = name
    label_ = str(getattr(period, "label", period))
    when = label_
    first, last = getattr(period, "first_day", None), getattr(period, "last_day", None)
    if first is not None and last is not None and first != last:
        when += _say(lang, f"（{first} 至 {last}）", f" ({first} to {last})")
    parts = [
        _say(lang, f"店铺：{shop}", f"Store: {shop}"),
        _say(lang, f"周期：{when}", f"Period: {when}"),
    ]
    if store.get("currency"):
        parts.append(_say(lang, f"币种：{store['currency']}", f"Currency: {store['currency']}"))
    elif store.get("currencies"):  # a portfolio without one reporting currency
        listed = ", ".join(store["currencies"])
        parts.append(
            _say(
                lang, f"币种：各店铺自身币种（{listed}）", f"Currency: each store's own ({listed})"
            )
        )
    if store.get("timezone") and store_id == "all":  # a portfolio: no one store's zone
        zone = store["timezone"]
        parts.append(
            _say(
                lang,
                f"日期：各店铺按自身当地日期，组合周期按 {zone}",
                f"Days: each store's own local days; portfolio periods in {zone}",
            )
        )
    elif store.get("timezone"):
        parts.append(_say(lang, f"时区：{store['timezone']}", f"Time zone: {store['timezone']}"))
    line = " · ".join(parts)
    heading = " · ".join(str(part) for part in (title, name or store_id, label_) if part)
    inner = f'<div class="eca-title"><h1>{escape(heading)}</h1><p>{escape(line)}</p></div>'
    return _block("eca-titlebox", inner, f"{title} — {line}")


# -- notebooks --------------------------------------------------------------------------


def setup_notebook() -> str:
    """Prepare a report notebook's kernel: chart style with the CJK font; return the family.

    Call once at the top of a notebook. It changes ``matplotlib.rcParams`` of the
    kernel process (a notebook is its own process); importing ecanalysis never does.

    Returns
    -------
    str
        The CJK font family used by the charts (``'Noto Sans CJK SC'``).
    """
    import matplotlib as mpl

    from ecanalysis.plots import style_rc

    _activate_inline_figures()
    _describe_figures()
    rc = style_rc()
    mpl.rcParams.update(rc)
    return rc["font.family"][0]


def _activate_inline_figures() -> None:
    """``%matplotlib inline`` in a Jupyter kernel.

    Without it, a kernel started by papermill (ipykernel 7, matplotlib-inline 0.2) shows
    only the first figure of the notebook: pyplot is not interactive, so later figures
    are never flushed into the cell outputs. Outside a kernel this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")
        draw_figures_once(shell)


def _describe_figures() -> None:
    """In IPython (a kernel or the in-process engine), a figure's text/plain is its
    :func:`chart_description`, which the HTML report gives its image as alt text."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    plain = shell.display_formatter.formatters["text/plain"]
    plain.for_type(Figure, lambda fig, printer, cycle: printer.text(chart_description(fig)))


def chart_description(figure) -> str:
    """A chart's titles (else its axis labels), for the ``alt`` text of its image.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("每日支付金额"), ax.set_xlabel("日期"), ax.set_ylabel("支付金额")
    >>> chart_description(fig)
    '每日支付金额 (日期 / 支付金额)'
    >>> plt.close(fig)
    """
    parts = []
    suptitle = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""
    if suptitle:
        parts.append(suptitle)
    for ax in figure.axes:
        title = ax.get_title()
        labels = " / ".join(text for text in (ax.get_xlabel(), ax.get_ylabel()) if text)
        if title and labels:
            parts.append(f"{title} ({labels})")
        elif title or labels:
            parts.append(title or labels)
    return "; ".join(parts) or "chart"


def draw_figures_once(shell) -> None:
    """Render each inline figure once, when it becomes PNG output.

    In interactive mode pyplot redraws every open figure after each cell (for GUI
    windows); the inline backend then draws them again to make the PNG, so a report drew
    each chart twice over for nothing. The PNG is the same without that redraw.
    """
    import matplotlib.pyplot as plt

    redraw = getattr(plt, "_draw_all_if_interactive", None)
    if redraw is not None and redraw in shell.events.callbacks.get("post_execute", []):
        shell.events.unregister("post_execute", redraw)


# -- issue 17: the backtest's verdict in words --------------------------------------------------


def backtest_sentence(verdict, *, currency: str | None = None, lang: str = "zh") -> str:
    """The sentence under a backtest table: does the forecast beat the seasonal naive, by how much.

    ``verdict`` is a ``forecast.backtest_verdict`` result (one row, or none). When the model
    loses (or ties), the sentence says its forecast should be read with care.

    Examples
    --------
    >>> import pandas as pd
    >>> verdict = pd.DataFrame({"model": ["ets"], "folds": [3], "mae": [90.0], "naive_mae": [100.0],
    ...                         "mae_change": [-0.1], "beats_naive": [True]})
    >>> backtest_sentence(verdict, currency="CNY", lang="en")
    'Over 3 backtest windows the model beats the seasonal-naive forecast (same weekday last week): its mean absolute error is 10% smaller (¥90.00 vs ¥100.00 a day).'
    >>> backtest_sentence(verdict.assign(mae=[120.0], mae_change=[0.2], beats_naive=[False]), lang="zh")
    '3 个回测窗口中，模型未能胜过"上周同日"的朴素预测：平均绝对误差高 20%（每天 120 对 100）。预测仅供参考，请谨慎解读。'
    """
    lang = _check_lang(lang)
    if len(verdict) == 0 or verdict["naive_mae"].isna().iloc[0]:
        return _say(
            lang,
            "历史数据不足以回测：无法判断预测是否优于朴素预测，请谨慎解读。",
            "Too little history to backtest: whether the forecast beats the naive one is "
            "unknown; read it with care.",
        )
    row = verdict.iloc[0]
    folds, change = int(row["folds"]), float(row["mae_change"])
    mae = format_value(row["mae"], "money" if currency else "number", currency=currency)
    naive = format_value(row["naive_mae"], "money" if currency else "number", currency=currency)
    if bool(row["beats_naive"]):
        return _say(
            lang,
            f'{folds} 个回测窗口中，模型优于"上周同日"的朴素预测：平均绝对误差小 {abs(change):.0%}'
            f"（每天 {mae} 对 {naive}）。",
            f"Over {folds} backtest windows the model beats the seasonal-naive forecast (same "
            f"weekday last week): its mean absolute error is {abs(change):.0%} smaller ({mae} vs "
            f"{naive} a day).",
        )
    return _say(
        lang,
        f'{folds} 个回测窗口中，模型未能胜过"上周同日"的朴素预测：平均绝对误差高 {change:.0%}'
        f"（每天 {mae} 对 {naive}）。预测仅供参考，请谨慎解读。",
        f"Over {folds} backtest windows the model does not beat the seasonal-naive forecast "
        f"(same weekday last week): its mean absolute error is {change:.0%} larger ({mae} vs "
        f"{naive} a day). Read the forecast with care.",
    )


#: issue 17: a month-end projection table (one row per KPI) formats its values by the row's KPI.
ROW_VALUE_COLUMNS = ROW_VALUE_COLUMNS | {
    "actual_to_date",
    "forecast_remaining",
    "projected_total",
    "lower",
    "upper",
}


def days_text(value: Any, *, lang: str = "zh") -> str:
    """A number of days with its unit, whole when it is (no ``.00``): ``32 天``, ``32.5 days``.

    Examples
    --------
    >>> days_text(32.0, lang="zh"), days_text(32.5, lang="en"), days_text(1, lang="en")
    ('32 天', '32.5 days', '1 day')
    >>> days_text(float("nan"))
    '—'
    """
    if is_missing(value):
        return MISSING
    number = round(float(value), 1)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"
    return _say(lang, f"{text} 天", f"{text} day" + ("" if number == 1 else "s"))
