"""Charts of metric results: results in, ``ax=None`` in, Axes out; zh/en labels.

Every ``plot_<thing>(result, *, ax=None, lang="zh", ...)`` draws an existing result of
``ecanalysis.metrics`` and computes nothing: columns default to the names the metric
functions return and can be renamed with the ``*_col`` options. Labels come from
:data:`ecanalysis.report.LABELS`. An empty result draws "无数据" (no data) instead of
failing. Charts are drawn inside :func:`plot_style` (the CJK font, seaborn's white
grid), so Chinese renders without missing glyphs; global rcParams are left alone.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator
from typing import Any

from ecanalysis.labels import CURRENCY_SYMBOLS, format_value, kind_of, label, value_label
from ecanalysis.theme import PALETTE

#: Colours (``ecanalysis.theme.PALETTE``, shared with the pages): a calm main series,
#: grey comparisons, green good, red bad.
MAIN = PALETTE["main"]
COMPARE = PALETTE["compare"]
GOOD = PALETTE["good"]
BAD = PALETTE["bad"]
BAND = PALETTE["band"]
#: Longest text of a category label before it is shortened with "…".
MAX_LABEL = 28


def style_rc() -> dict[str, Any]:
    """rcParams of the charts: seaborn's ``whitegrid`` style plus the CJK font settings.

    Returns
    -------
    dict
        For ``matplotlib.rc_context`` or, in a notebook kernel, ``rcParams.update``.

    Examples
    --------
    >>> style_rc()["font.family"][0]
    'Noto Sans CJK SC'
    """
    import seaborn as sns

    from ecanalysis.fonts import chart_rc

    return {**sns.axes_style("whitegrid"), **chart_rc(), "figure.dpi": 100}


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """Context in which charts use the CJK font and the house style; rcParams restored after.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["font.family"]
    >>> with plot_style():
    ...     mpl.rcParams["font.family"][0]
    'Noto Sans CJK SC'
    >>> mpl.rcParams["font.family"] == before
    True
    """
    import matplotlib as mpl

    with mpl.rc_context(style_rc()):
        yield


def _chart(function: Callable[..., Any]) -> Callable[..., Any]:
    """Draw ``function``'s chart inside :func:`plot_style` and give its texts the CJK font.

    Texts that existed before (the title and axis labels of an Axes made outside the
    style, the tick prototype that later ticks copy) keep the font they were made with,
    so the font is set on them explicitly.
    """

    @functools.wraps(function)
    def draw(*args: Any, **kwargs: Any):
        with plot_style():
            ax = function(*args, **kwargs)
            _apply_font(ax)
        return ax

    return draw


def _apply_font(ax) -> None:
    from ecanalysis.fonts import chart_rc

    family = chart_rc()["font.family"]
    texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
    texts += ax.get_xticklabels(which="both") + ax.get_yticklabels(which="both")
    for axis in (ax.xaxis, ax.yaxis):
        for tick in axis.get_major_ticks()[:1] + axis.get_minor_ticks()[:1]:
            texts += [tick.label1, tick.label2]
    texts += list(ax.texts)
    legend = ax.get_legend()
    if legend is not None:
        texts += list(legend.get_texts())
    for text in texts:
        text.set_fontfamily(family)


def _axes(ax, figsize: tuple[float, float]):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _no_data(ax, title: str, lang: str):
    ax.set_title(title)
    ax.text(
        0.5,
        0.5,
        "无数据" if lang == "zh" else "No data",
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=14,
        color=COMPARE,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


#: A trend needs at least this many points: two points make a line that says nothing a
#: table does not (issue 15); fewer are shown as a note instead of a chart.
MIN_TREND_POINTS = 3


def _too_few_points(ax, title: str, lang: str, points: int):
    """The chart replaced by a note: too few points for a trend."""
    _no_data(ax, title, lang)
    ax.texts[-1].set_text(
        _say(
            lang,
            f"仅 {points} 个数据点，不足以画走势（见表格）",
            f"Only {points} data point{'s' if points != 1 else ''}: too few for a trend (see the table)",
        )
    )
    ax.texts[-1].set_fontsize(11)
    return ax


def _short(text: Any) -> str:
    text = str(text)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _value_axis(ax, name: str, *, axis: str = "y") -> None:
    """Format an axis's ticks by the kind of ``name``: percent for rates, else 1,234."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    kind = kind_of(name)
    target = ax.yaxis if axis == "y" else ax.xaxis
    if kind == "rate":
        target.set_major_formatter(PercentFormatter(1.0))
    else:
        if kind == "count":  # ticks at whole numbers: 0, 1, 2, never 0, 0.2, 0.4 shown as 0 0 0
            target.set_major_locator(MaxNLocator(integer=True))
        target.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def _axis_title(name: str, lang: str, currency: str | None = None) -> str:
    """An axis title: the column's label, with the currency when it holds money.

    Examples
    --------
    >>> _axis_title("paid_amount", "zh", "CNY"), _axis_title("orders", "en", "CNY")
    ('支付金额（¥）', 'Paid orders')
    """
    text = label(name, lang)
    if currency and kind_of(name) == "money":
        unit = CURRENCY_SYMBOLS.get(currency, currency)
        text += f"（{unit}）" if lang == "zh" else f" ({unit})"
    return text


#: Value labels on bars: a white box, so that no gridline runs through the number.
VALUE_LABEL = {
    "padding": 3,
    "fontsize": 8,
    "bbox": {"facecolor": "white", "edgecolor": "none", "pad": 0.6},
}


def _date_col(frame, date_col: str | None) -> str:
    if date_col:
        return date_col
    return next((c for c in ("date", "period_start", "cohort") if c in frame.columns), "date")


def _lower(text: str) -> str:
    """A label inside an English sentence: ``Traffic source`` → ``traffic source``; an
    acronym (``SKU``, ``GMV``) stays as it is."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _title(title: str | None, default: str) -> str:
    return default if title is None else title


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# -- trends -------------------------------------------------------------------------


@_chart
def plot_daily_trend(
    daily,
    *,
    value_col: str,
    compare_col: str | None = None,
    date_col: str | None = None,
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """Line of a daily metric, with a comparison series (e.g. last week) dashed.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per day: ``date`` (or ``period_start``), ``value_col`` and optionally
        ``compare_col`` (e.g. ``paid_amount_lag_7`` from ``compare.vs_trailing_mean``).
    value_col : str
    compare_col : str, optional
    date_col : str, optional
        Default: ``date``, else ``period_start``.
    ax : matplotlib.axes.Axes, optional
    lang : {"zh", "en"}, default "zh"
    title : str, optional
    currency : str, optional
        ISO 4217 code of money values, shown in the axis title (``支付金额（¥）``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (9, 3.6))
    title = _title(
        title, _say(lang, f"每日{label(value_col, lang)}", f"{label(value_col, lang)} per day")
    )
    if daily.empty:
        return _no_data(ax, title, lang)
    if len(daily) < MIN_TREND_POINTS:
        return _too_few_points(ax, title, lang, len(daily))
    dates = daily[_date_col(daily, date_col)]
    ax.plot(dates, daily[value_col], color=MAIN, marker="o", ms=3, label=label(value_col, lang))
    if compare_col is not None and compare_col in daily.columns:
        ax.plot(
            dates,
            daily[compare_col],
            color=COMPARE,
            linestyle="--",
            label=label(compare_col, lang),
        )
        ax.legend(loc="best", frameon=False)
    ax.set_title(title)
    ax.set_xlabel(label("date", lang))
    ax.set_ylabel(_axis_title(value_col, lang, currency))
    _value_axis(ax, value_col)
    ax.tick_params(axis="x", labelrotation=30)
    return ax


@_chart
def plot_kpi_vs_target(
    frame,
    *,
    date_col: str = "period_start",
    actual_col: str = "actual",
    target_col: str = "target",
    kpi: str = "paid_amount",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """Bars of a KPI per period with its target as a line of markers.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``period_start, actual, target`` (target NaN where none is set).
    kpi : str, default "paid_amount"
        The KPI's name, for the labels.

    currency : str, optional
        ISO 4217 code of money values, shown in the axis title (``支付金额（¥）``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (9, 3.6))
    title = _title(title, label(kpi, lang) + _say(lang, "：实际与目标", ": actual vs target"))
    if frame.empty:
        return _no_data(ax, title, lang)
    positions = list(range(len(frame)))
    ticks = [f"{d:%Y-%m}" for d in frame[date_col]]
    ax.bar(positions, frame[actual_col], color=MAIN, label=label("actual", lang))
    ax.plot(
        positions,
        frame[target_col].astype("float64"),
        color=BAD,
        marker="_",
        ms=18,
        mew=2.5,
        linestyle="none",
        label=label("target", lang),
    )
    ax.set_xticks(positions, ticks, rotation=30)
    ax.set_title(title)
    ax.set_ylabel(_axis_title(kpi, lang, currency))
    _value_axis(ax, kpi)
    ax.legend(loc="best", frameon=False)
    return ax


# -- rankings and shares --------------------------------------------------------------


@_chart
def plot_bar_ranking(
    frame,
    *,
    label_col: str,
    value_col: str,
    n: int = 10,
    ascending: bool = False,
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """Horizontal bars of the ``n`` largest (or smallest) values: products, reasons, channels.

    Negative values (changes) are drawn red, positive ones by the main colour.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item with ``label_col`` and ``value_col``.
    n : int, default 10
    ascending : bool, default False
        True shows the ``n`` smallest values (the worst).
    currency : str, optional
        ISO 4217 code of money values, shown in the axis title (``支付金额（¥）``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    n = int(n)
    shown = frame.dropna(subset=[value_col]).sort_values(value_col, ascending=ascending)
    shown = shown.head(n).iloc[::-1]
    ax = _axes(ax, (8, max(2.5, 0.38 * len(shown) + 1)))
    title = _title(title, label(value_col, lang) + _say(lang, "排行", " ranking"))
    if shown.empty:
        return _no_data(ax, title, lang)
    values = shown[value_col].astype("float64")
    colours = [BAD if v < 0 else MAIN for v in values]
    positions = list(range(len(shown)))
    bars = ax.barh(positions, values, color=colours)
    ax.set_yticks(positions, [_short(value_label(label_col, v, lang)) for v in shown[label_col]])
    kind = kind_of(value_col)
    ax.bar_label(
        bars, labels=[format_value(v, kind, currency=currency) for v in values], **VALUE_LABEL
    )
    ax.set_title(title)
    ax.set_xlabel(_axis_title(value_col, lang, currency))
    _value_axis(ax, value_col, axis="x")
    ax.margins(x=0.15)
    return ax


@_chart
def plot_contribution(
    frame,
    *,
    by: str,
    change_col: str = "change",
    metric: str | None = None,
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """Diverging bars of each group's contribution to a change (green up, red down).

    Parameters
    ----------
    frame : pandas.DataFrame
        ``compare.contribution`` result: ``<by>, current, previous, change, share_of_change``.
    by : str
        The group column (``channel``, ``category``).
    metric : str, optional
        The metric that changed, for the title.
    currency : str, optional
        ISO 4217 code when ``metric`` is money (paid amount, revenue): the axis title and
        the value labels show it (``+¥27,217.49``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    shown = frame.dropna(subset=[change_col]).sort_values(change_col)
    ax = _axes(ax, (8, max(2.5, 0.38 * len(shown) + 1)))
    what = label(metric, lang) if metric else ""
    title = _title(
        title,
        _say(
            lang,
            f"{what}变化的{label(by, lang)}贡献",
            f"{what} change by {_lower(label(by, lang))}",
        ),
    )
    if shown.empty:
        return _no_data(ax, title, lang)
    values = shown[change_col].astype("float64")
    kind = "money" if currency and metric and kind_of(metric) == "money" else "number"
    positions = list(range(len(shown)))
    bars = ax.barh(positions, values, color=[GOOD if v >= 0 else BAD for v in values])
    ax.set_yticks(positions, [_short(value_label(by, v, lang)) for v in shown[by]])
    ax.bar_label(
        bars,
        labels=[format_value(v, kind, currency=currency, signed=True) for v in values],
        **VALUE_LABEL,
    )
    ax.axvline(0, color=PALETTE["muted"], linewidth=0.8)
    ax.set_title(title)
    unit = CURRENCY_SYMBOLS.get(currency, currency) if kind == "money" else None
    ax.set_xlabel(
        label(change_col, lang) + (_say(lang, f"（{unit}）", f" ({unit})") if unit else "")
    )
    _value_axis(ax, metric or change_col, axis="x")
    ax.margins(x=0.2)
    return ax


@_chart
def plot_rfm_segments(
    summary,
    *,
    segment_col: str = "segment",
    count_col: str = "customers",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
):
    """Horizontal bars of customers per RFM segment (``segment_zh`` names in Chinese).

    Parameters
    ----------
    summary : pandas.DataFrame
        ``segment, segment_zh, customers, share``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    names = "segment_zh" if lang == "zh" and "segment_zh" in summary.columns else segment_col
    return plot_bar_ranking(
        summary,
        label_col=names,
        value_col=count_col,
        n=len(summary),
        ax=ax,
        lang=lang,
        title=_title(title, _say(lang, "RFM 客户分层", "RFM segments")),
    )


@_chart
def plot_rating_distribution(
    summary,
    *,
    rating_col: str = "rating",
    count_col: str = "reviews",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
):
    """Bars of reviews per star rating (1–5); 1–2 stars red, 3 grey, 4–5 green.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per rating: ``rating``, ``reviews``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (6, 3.2))
    title = _title(title, _say(lang, "评分分布", "Rating distribution"))
    if summary.empty:
        return _no_data(ax, title, lang)
    ratings = summary[rating_col].astype("int64")
    colours = [BAD if r <= 2 else (COMPARE if r == 3 else GOOD) for r in ratings]
    bars = ax.bar(ratings, summary[count_col], color=colours)
    ax.bar_label(bars, labels=[format_value(v, "count") for v in summary[count_col]], **VALUE_LABEL)
    ax.set_xticks(range(1, 6), [f"{r}★" for r in range(1, 6)])
    ax.set_title(title)
    ax.set_xlabel(label(rating_col, lang))
    ax.set_ylabel(label(count_col, lang))
    return ax


@_chart
def plot_buyer_mix(
    frame,
    *,
    date_col: str = "period_start",
    new_col: str = "new_buyers",
    returning_col: str = "returning_buyers",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
):
    """Stacked bars of new and returning buyers per period.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``period_start, new_buyers, returning_buyers``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (9, 3.6))
    title = _title(title, _say(lang, "新老买家构成", "New and returning buyers"))
    if frame.empty:
        return _no_data(ax, title, lang)
    positions = list(range(len(frame)))
    new, returning = frame[new_col].astype("float64"), frame[returning_col].astype("float64")
    ax.bar(positions, new, color=MAIN, label=label(new_col, lang))
    ax.bar(positions, returning, bottom=new, color=BAND, label=label(returning_col, lang))
    ax.set_xticks(positions, [_period_tick(d) for d in frame[date_col]], rotation=30)
    ax.set_title(title)
    ax.set_ylabel(label("buyers", lang))
    _value_axis(ax, "buyers")
    ax.legend(loc="best", frameon=False)
    return ax


def _period_tick(stamp) -> str:
    return f"{stamp:%Y-%m}" if stamp.day == 1 else f"{stamp:%m-%d}"


# -- funnels, channels, cohorts -------------------------------------------------------------


@_chart
def plot_funnel(
    steps,
    *,
    step_col: str = "step",
    count_col: str = "count",
    rate_col: str = "rate_from_previous",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
):
    """A funnel: centred bars of each step's count, with the rate from the previous step.

    Parameters
    ----------
    steps : pandas.DataFrame
        ``funnel_steps`` result: ``step, count, rate_from_previous, rate_from_first``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (7, 0.6 * len(steps) + 1.5))
    title = _title(title, _say(lang, "转化漏斗", "Conversion funnel"))
    if steps.empty:
        return _no_data(ax, title, lang)
    counts = steps[count_col].astype("float64")
    widest = counts.max()
    positions = list(range(len(steps)))[::-1]
    ax.barh(positions, counts, left=(widest - counts) / 2, color=MAIN, height=0.7)
    for y, count, rate in zip(positions, counts, steps[rate_col], strict=True):
        text = format_value(count, "count")
        if rate == rate:  # not NaN: the first step has no previous one
            text += f"（{format_value(rate, 'rate')}）" if lang == "zh" else f" ({rate:.1%})"
        right = (widest + count) / 2
        ax.text(right, y, "  " + text, ha="left", va="center", fontsize=9)
    if widest > 0:
        ax.set_xlim(0, widest * 1.35)
    ax.set_yticks(positions, [label(s, lang) for s in steps[step_col]])
    ax.set_xticks([])
    ax.grid(False)
    ax.set_title(title)
    return ax


@_chart
def plot_channel_efficiency(
    perf,
    *,
    spend_col: str = "spend",
    roas_col: str = "roas",
    size_col: str = "paid_amount",
    label_col: str = "channel",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
    breakeven: float | None = None,
):
    """Scatter of spend against ROAS per channel; bubble area ∝ paid amount; a reference line.

    Channels flagged ``action == "cut"`` are red, ``"grow"`` green. Channels without
    spend (organic) have no ROAS and are not drawn.

    Parameters
    ----------
    perf : pandas.DataFrame
        ``channel_performance`` (or ``flag_channels``) result.
    breakeven : float, optional
        The store's break-even ROAS (保本投产比, ``contribution_margin``'s
        ``breakeven_roas``): the line is drawn there and labelled with its number. None,
        NaN or infinite (costs unknown, or CM2 ≤ 0) draws the line at ROAS 1, labelled as
        ROAS 1 only (it is break-even only at a 100 % margin).

    currency : str, optional
        ISO 4217 code of the spend, shown in the axis title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (8, 4.5))
    title = _title(title, _say(lang, "渠道效率：花费与 ROAS", "Channel efficiency: spend vs ROAS"))
    shown = perf.dropna(subset=[spend_col, roas_col])
    shown = shown[shown[spend_col] > 0]
    if shown.empty:
        return _no_data(ax, title, lang)
    sizes = shown[size_col].astype("float64").fillna(0).clip(lower=0)
    largest = sizes.max() or 1.0
    colours = [
        {"cut": BAD, "grow": GOOD}.get(str(a), MAIN)
        for a in shown.get("action", [None] * len(shown))
    ]
    ax.scatter(
        shown[spend_col], shown[roas_col], s=60 + 1200 * sizes / largest, c=colours, alpha=0.6
    )
    for x, y, name in zip(shown[spend_col], shown[roas_col], shown[label_col], strict=True):
        ax.annotate(
            _short(value_label(label_col, name, lang)),
            (x, y),
            textcoords="offset points",
            xytext=(6, 6),
            fontsize=9,
        )
    # the line is named in a legend that matplotlib places away from the points, never as a
    # text on the line that a channel's label can overlap
    known = breakeven is not None and math.isfinite(breakeven)
    line = float(breakeven) if known else 1.0
    ax.axhline(
        line,
        color=BAD,
        linestyle="--",
        linewidth=1,
        label=_say(lang, f"保本投产比 {line:.2f}", f"Break-even ROAS {line:.2f}")
        if known
        else "ROAS = 1",
    )
    ax.legend(loc="best", frameon=False, fontsize=8)
    ax.set_title(title)
    ax.set_xlabel(_axis_title(spend_col, lang, currency))
    ax.set_ylabel(label(roas_col, lang))
    _value_axis(ax, spend_col, axis="x")
    ax.margins(0.15)
    return ax


@_chart
def plot_cohort_retention(
    retention,
    *,
    cohort_col: str = "cohort",
    age_col: str = "age",
    value_col: str = "retention",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
):
    """Heatmap of retention by cohort (rows) and age (columns), annotated in percent.

    Censored cells (ages past the end of the data) stay blank.

    Parameters
    ----------
    retention : pandas.DataFrame
        ``cohort_retention`` result: ``cohort, age, cohort_size, active_customers, retention``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import seaborn as sns

    matrix = retention.pivot(index=cohort_col, columns=age_col, values=value_col)
    ax = _axes(ax, (10, 0.4 * len(matrix) + 1.8))
    title = _title(title, _say(lang, "同期群留存率", "Cohort retention"))
    if matrix.empty:
        return _no_data(ax, title, lang)
    matrix.index = [_period_tick(c) for c in matrix.index]
    # the colours spread over the later ages (age 0 is every cohort's 100 %, which would
    # leave the rest pale); the percentages are large enough to read in a report
    later = matrix.loc[:, [c for c in matrix.columns if c != 0]].astype("float64").stack()
    top = float(later.max()) if len(later) else 1.0
    sns.heatmap(
        matrix.astype("float64"),
        ax=ax,
        annot=True,
        fmt=".0%",
        cmap="Blues",
        vmin=0,
        vmax=max(top, 0.01),
        cbar=False,
        annot_kws={"fontsize": 9},
        linewidths=0.5,
    )
    ax.grid(False)  # censored (blank) cells stay blank, not crossed by grid lines
    ax.set_title(title)
    ax.set_xlabel(label(age_col, lang))
    ax.set_ylabel(label(cohort_col, lang))
    return ax


# -- statistics: anomalies, forecasts, campaigns ------------------------------------------


@_chart
def plot_anomalies(
    frame,
    *,
    date_col: str = "date",
    value_col: str = "value",
    expected_col: str = "expected",
    lower_col: str = "lower",
    upper_col: str = "upper",
    flag_col: str = "is_anomaly",
    metric: str | None = None,
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """A series with its expected band; anomalies marked red.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``detect_anomalies`` result: ``date, value, expected, lower, upper, is_anomaly``.
    metric : str, optional
        The metric's name, for the labels.

    currency : str, optional
        ISO 4217 code of money values, shown in the axis title (``支付金额（¥）``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (9, 3.6))
    name = label(metric, lang) if metric else label(value_col, lang)
    title = _title(title, name + _say(lang, "：异常检测", ": anomalies"))
    if frame.empty:
        return _no_data(ax, title, lang)
    dates = frame[date_col]
    ax.fill_between(
        dates,
        frame[lower_col].astype("float64"),
        frame[upper_col].astype("float64"),
        color=BAND,
        alpha=0.5,
        label=_say(lang, "正常区间", "expected range"),
    )
    ax.plot(
        dates, frame[expected_col], color=COMPARE, linestyle="--", label=label("expected", lang)
    )
    ax.plot(dates, frame[value_col], color=MAIN, label=name)
    flagged = frame[frame[flag_col].fillna(False).astype(bool)]
    ax.scatter(
        flagged[date_col],
        flagged[value_col],
        color=BAD,
        zorder=3,
        label=label("is_anomaly", lang),
    )
    ax.set_title(title)
    ax.set_ylabel(_axis_title(metric or value_col, lang, currency))
    _value_axis(ax, metric or value_col)
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax


@_chart
def plot_forecast(
    history,
    forecast,
    *,
    value_col: str = "value",
    date_col: str = "date",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """History, then the forecast dashed with its prediction interval.

    Parameters
    ----------
    history : pandas.DataFrame
        ``date`` and ``value_col``.
    forecast : pandas.DataFrame
        ``forecast_daily`` result: ``date, forecast, lower, upper``.

    currency : str, optional
        ISO 4217 code of money values, shown in the axis title (``支付金额（¥）``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (9, 3.6))
    title = _title(title, label(value_col, lang) + _say(lang, "：预测", ": forecast"))
    if history.empty and forecast.empty:
        return _no_data(ax, title, lang)
    ax.plot(history[date_col], history[value_col], color=MAIN, label=label("actual", lang))
    if not forecast.empty:
        ax.fill_between(
            forecast[date_col],
            forecast["lower"].astype("float64"),
            forecast["upper"].astype("float64"),
            color=BAND,
            alpha=0.5,
            label=_say(lang, "预测区间", "prediction interval"),
        )
        ax.plot(
            forecast[date_col],
            forecast["forecast"],
            color=MAIN,
            linestyle="--",
            label=label("forecast", lang),
        )
    ax.set_title(title)
    ax.set_ylabel(_axis_title(value_col, lang, currency))
    _value_axis(ax, value_col)
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax


@_chart
def plot_campaign_lift(
    daily,
    *,
    start=None,
    end=None,
    date_col: str = "date",
    actual_col: str = "actual",
    baseline_col: str = "baseline",
    lower_col: str = "lower",
    upper_col: str = "upper",
    ax=None,
    lang: str = "zh",
    title: str | None = None,
    currency: str | None = None,
):
    """Actual sales against the counterfactual baseline (with its interval); campaign shaded.

    Parameters
    ----------
    daily : pandas.DataFrame
        ``campaign_lift_daily`` result: ``date, actual, baseline, lower, upper``.
    start, end : date-like, optional
        The campaign's inclusive first and last day (shaded).

    currency : str, optional
        ISO 4217 code of money values, shown in the axis title (``支付金额（¥）``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import pandas as pd

    ax = _axes(ax, (9, 3.6))
    title = _title(title, _say(lang, "活动增量：实际与基线", "Campaign lift: actual vs baseline"))
    if daily.empty:
        return _no_data(ax, title, lang)
    dates = daily[date_col]
    ax.fill_between(
        dates,
        daily[lower_col].astype("float64"),
        daily[upper_col].astype("float64"),
        color=BAND,
        alpha=0.5,
        label=_say(lang, "基线区间", "baseline interval"),
    )
    ax.plot(
        dates, daily[baseline_col], color=COMPARE, linestyle="--", label=label("baseline", lang)
    )
    ax.plot(dates, daily[actual_col], color=MAIN, label=label("actual", lang))
    if start is not None and end is not None:
        first, after = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
        ax.axvspan(first, after, color=GOOD, alpha=0.08, label=_say(lang, "活动期", "campaign"))
    ax.set_title(title)
    ax.set_ylabel(_axis_title("paid_amount", lang, currency))
    _value_axis(ax, "paid_amount")
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(loc="best", frameon=False, fontsize=8)
    return ax
