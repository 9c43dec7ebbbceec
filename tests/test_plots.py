"""Charts: the given Axes back, titles and labels set, empty results drawn as "无数据",
Chinese rendered without missing glyphs (pytest turns matplotlib's warning into an error)."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ecanalysis import plots
from ecanalysis.fonts import cjk_font_path, use_cjk_font

DAYS = pd.date_range("2025-11-01", periods=6, freq="D")
MONTHS = pd.date_range("2025-01-01", periods=3, freq="MS")
HOSTILE = "<b>$x$</b> 标题 $5 off"


def _render(ax) -> bytes:
    """Draw the figure to PNG; any warning (e.g. a missing glyph) fails the test."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


CASES = {
    "daily_trend": (
        plots.plot_daily_trend,
        lambda: pd.DataFrame(
            {
                "period_start": DAYS,
                "paid_amount": [100.0, 120, 90, 130, 150, 110],
                "paid_amount_lag_7": [95.0, 100, 100, 120, 140, 100],
            }
        ),
        {"value_col": "paid_amount", "compare_col": "paid_amount_lag_7"},
        "每日支付金额",
    ),
    "kpi_vs_target": (
        plots.plot_kpi_vs_target,
        lambda: pd.DataFrame(
            {"period_start": MONTHS, "actual": [100.0, 130, 90], "target": [110.0, np.nan, 100]}
        ),
        {},
        "支付金额：实际与目标",
    ),
    "bar_ranking": (
        plots.plot_bar_ranking,
        lambda: pd.DataFrame(
            {"title": ["保温杯", HOSTILE, "帆布包" * 20], "revenue": [300.0, 500, -20]}
        ),
        {"label_col": "title", "value_col": "revenue", "n": 2},
        "销售额排行",
    ),
    "contribution": (
        plots.plot_contribution,
        lambda: pd.DataFrame(
            {
                "channel": ["搜索", "直通车", "直播"],
                "current": [10.0, 5, 3],
                "previous": [8.0, 7, 3],
                "change": [2.0, -2, 0],
                "share_of_change": [np.nan, np.nan, np.nan],
            }
        ),
        {"by": "channel", "metric": "paid_amount"},
        "支付金额变化的渠道贡献",
    ),
    "rfm_segments": (
        plots.plot_rfm_segments,
        lambda: pd.DataFrame(
            {
                "segment": ["champions", "at_risk"],
                "segment_zh": ["重要价值客户", "流失风险客户"],
                "customers": [40, 12],
                "share": [0.77, 0.23],
            }
        ),
        {},
        "RFM 客户分层",
    ),
    "rating_distribution": (
        plots.plot_rating_distribution,
        lambda: pd.DataFrame({"rating": [1, 2, 3, 4, 5], "reviews": [3, 1, 4, 20, 70]}),
        {},
        "评分分布",
    ),
    "buyer_mix": (
        plots.plot_buyer_mix,
        lambda: pd.DataFrame(
            {"period_start": MONTHS, "new_buyers": [10, 12, 9], "returning_buyers": [4, 6, 8]}
        ),
        {},
        "新老买家构成",
    ),
    "funnel": (
        plots.plot_funnel,
        lambda: pd.DataFrame(
            {
                "step": ["visitors", "cart_visitors", "order_buyers", "paid_buyers"],
                "count": [1000, 200, 60, 50],
                "rate_from_previous": [np.nan, 0.2, 0.3, 0.8333],
                "rate_from_first": [1.0, 0.2, 0.06, 0.05],
            }
        ),
        {},
        "转化漏斗",
    ),
    "channel_efficiency": (
        plots.plot_channel_efficiency,
        lambda: pd.DataFrame(
            {
                "channel": ["直通车", "抖音", "自然流量"],
                "spend": [500.0, 300.0, np.nan],
                "roas": [0.8, 3.2, np.nan],
                "paid_amount": [400.0, 960.0, 2000.0],
                "action": ["cut", "grow", "keep"],
            }
        ),
        {},
        "渠道效率：花费与 ROAS",
    ),
    "cohort_retention": (
        plots.plot_cohort_retention,
        lambda: pd.DataFrame(
            {
                "cohort": [MONTHS[0]] * 3 + [MONTHS[1]] * 2 + [MONTHS[2]],
                "age": [0, 1, 2, 0, 1, 0],
                "cohort_size": [10, 10, 10, 8, 8, 5],
                "active_customers": [10, 4, 3, 8, 2, 5],
                "retention": [1.0, 0.4, 0.3, 1.0, 0.25, 1.0],
            }
        ),
        {},
        "同期群留存率",
    ),
    "anomalies": (
        plots.plot_anomalies,
        lambda: pd.DataFrame(
            {
                "date": DAYS,
                "value": [100.0, 105, 300, 98, 102, 101],
                "expected": [100.0] * 6,
                "lower": [80.0] * 6,
                "upper": [120.0] * 6,
                "is_anomaly": pd.array([False, False, True, False, None, False], dtype="boolean"),
            }
        ),
        {"metric": "paid_amount"},
        "支付金额：异常检测",
    ),
    "campaign_lift": (
        plots.plot_campaign_lift,
        lambda: pd.DataFrame(
            {
                "date": DAYS,
                "actual": [100.0, 300, 320, 110, 90, 95],
                "baseline": [100.0] * 6,
                "lower": [85.0] * 6,
                "upper": [115.0] * 6,
            }
        ),
        {"start": "2025-11-02", "end": "2025-11-03"},
        "活动增量：实际与基线",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_plot_draws_on_the_given_axes_in_chinese(name):
    function, make, options, title = CASES[name]
    fig, ax = plt.subplots()
    try:
        assert function(make(), ax=ax, **options) is ax
        assert ax.get_title() == title
        assert ax.has_data() or ax.images or ax.collections
        assert _render(ax)[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name", sorted(CASES))
def test_plot_of_an_empty_result_says_no_data(name):
    function, make, options, _ = CASES[name]
    fig, ax = plt.subplots()
    try:
        assert function(make().head(0), ax=ax, **options) is ax
        assert "无数据" in _texts(ax)
        _render(ax)
    finally:
        plt.close(fig)


def test_forecast_plot_and_english_labels():
    history = pd.DataFrame({"date": DAYS, "paid_amount": [100.0, 120, 90, 130, 150, 110]})
    future = pd.DataFrame(
        {
            "date": pd.date_range("2025-11-07", periods=3, freq="D"),
            "forecast": [120.0, 121, 122],
            "lower": [100.0, 99, 98],
            "upper": [140.0, 143, 146],
        }
    )
    fig, ax = plt.subplots()
    try:
        assert plots.plot_forecast(history, future, value_col="paid_amount", ax=ax, lang="en") is ax
        assert ax.get_title() == "Paid amount: forecast"
        assert ax.get_ylabel() == "Paid amount"
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["Actual", "prediction interval", "Forecast"]
        _render(ax)
        ax.clear()
        plots.plot_forecast(
            history.head(0), future.head(0), value_col="paid_amount", ax=ax, lang="en"
        )
        assert "No data" in _texts(ax)
    finally:
        plt.close(fig)


def test_funnel_without_visitors():
    steps = pd.DataFrame(
        {"step": ["visitors", "paid_buyers"], "count": [0, 0], "rate_from_previous": [np.nan] * 2}
    )
    fig, ax = plt.subplots()
    try:
        plots.plot_funnel(steps, ax=ax)
        assert _texts(ax) == ["  0", "  0"]
        _render(ax)
    finally:
        plt.close(fig)


def test_labels_come_from_report_labels():
    function, make, options, _ = CASES["daily_trend"]
    fig, ax = plt.subplots()
    try:
        function(make(), ax=ax, **options)
        assert ax.get_ylabel() == "支付金额"
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["支付金额", "支付金额（上周同日）"]
    finally:
        plt.close(fig)


def test_ranking_keeps_top_n_and_shortens_long_labels():
    function, make, options, _ = CASES["bar_ranking"]
    fig, ax = plt.subplots()
    try:
        function(make(), ax=ax, **options)
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ticks == ["保温杯", HOSTILE]  # largest at the top, n=2, shown as typed
        ax.clear()
        function(make(), ax=ax, label_col="title", value_col="revenue", n=1, ascending=True)
        (tick,) = [t.get_text() for t in ax.get_yticklabels()]
        assert tick.endswith("…") and len(tick) == plots.MAX_LABEL
    finally:
        plt.close(fig)


def test_without_ax_a_new_figure_is_made():
    function, make, options, _ = CASES["funnel"]
    ax = function(make(), **options)
    try:
        assert ax.figure is not None
        assert [t.get_text() for t in ax.get_yticklabels()] == [
            "访客数",
            "加购人数",
            "下单买家数",
            "支付买家数",
        ]
    finally:
        plt.close(ax.figure)


def test_plots_leave_rcparams_alone():
    before = dict(mpl.rcParams)
    function, make, options, _ = CASES["cohort_retention"]
    fig, ax = plt.subplots()
    try:
        function(make(), ax=ax, **options)
    finally:
        plt.close(fig)
    assert dict(mpl.rcParams) == before


def test_inputs_are_not_mutated():
    for function, make, options, _ in CASES.values():
        frame = make()
        copy = frame.copy()
        fig, ax = plt.subplots()
        try:
            function(frame, ax=ax, **options)
        finally:
            plt.close(fig)
        pd.testing.assert_frame_equal(frame, copy)


# -- fonts ----------------------------------------------------------------------------------


def test_font_comes_from_mplfonts_and_registers_once():
    from matplotlib import font_manager

    assert cjk_font_path().parent.parent.name == "mplfonts"
    family = use_cjk_font()
    count = sum(f.name == family for f in font_manager.fontManager.ttflist)
    assert use_cjk_font() == family == "Noto Sans CJK SC"
    assert sum(f.name == family for f in font_manager.fontManager.ttflist) == count


def test_chinese_text_renders_without_missing_glyphs():
    with plots.plot_style():
        fig, ax = plt.subplots()
    try:
        with plots.plot_style():
            ax.set_title("支付金额 客单价 笔单价 −12% ▲")
            ax.set_xlabel("日期")
            ax.set_yticks([0, 1], ["新买家数", "老买家数"])
        _render(ax)
    finally:
        plt.close(fig)


def test_default_font_would_miss_glyphs():
    """The check above can fail: DejaVu Sans alone lacks Chinese glyphs. Drawn in a fresh
    interpreter: matplotlib warns of a missing glyph once per font object, so a font that
    another test of this process has used would say nothing."""
    import subprocess
    import sys

    script = """
import warnings
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
    ax.set_title("支付金额")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
print(any("missing from font" in str(w.message) for w in caught))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_setup_notebook_sets_the_kernel_style():
    from ecanalysis import report

    with mpl.rc_context():
        assert report.setup_notebook() == "Noto Sans CJK SC"
        assert mpl.rcParams["font.family"][0] == "Noto Sans CJK SC"
        assert mpl.rcParams["axes.unicode_minus"] is False


def test_importing_the_package_changes_no_rcparams():
    import subprocess
    import sys

    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); "
        "import ecanalysis.plots, ecanalysis.report, ecanalysis.fonts, ecanalysis.index; "
        "assert dict(mpl.rcParams) == before; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_count_axes_tick_at_whole_numbers():
    """Two reasons with one bad review each: the axis read 0 0 0 1 1 1 (ticks at 0.2 steps
    shown without decimals)."""
    reasons = pd.DataFrame({"reason": ["damaged package", "poor quality"], "bad_reviews": [1, 1]})
    fig, ax = plt.subplots()
    try:
        plots.plot_bar_ranking(reasons, label_col="reason", value_col="bad_reviews", ax=ax)
        fig.canvas.draw()
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
        texts = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert len(texts) == len(set(texts)), texts
    finally:
        plt.close(fig)


def test_english_titles_name_the_group_and_read_as_sentences():
    """English titles: "Daily Paid amount" and "… change by <raw column>"."""
    daily = pd.DataFrame(
        {"period_start": pd.date_range("2025-11-01", periods=3), "paid_amount": [1.0, 2.0, 3.0]}
    )
    change = pd.DataFrame({"source": ["paid_search"], "change": [5.0]})
    fig, (first, second) = plt.subplots(2)
    try:
        plots.plot_daily_trend(daily, value_col="paid_amount", ax=first, lang="en")
        plots.plot_contribution(change, by="source", metric="paid_amount", ax=second, lang="en")
        assert first.get_title() == "Paid amount per day"
        assert second.get_title() == "Paid amount change by traffic source"
    finally:
        plt.close(fig)


def test_money_axes_and_value_labels_name_the_currency():
    frame = pd.DataFrame({"title": ["杯", "碗"], "paid_amount": [1200.0, 800.0]})
    fig, ax = plt.subplots()
    plots.plot_bar_ranking(frame, label_col="title", value_col="paid_amount", ax=ax, currency="CNY")
    assert ax.get_xlabel() == "支付金额（¥）"
    values = [t.get_text() for t in ax.texts]
    assert sorted(values) == ["¥1,200.00", "¥800.00"]
    assert all(t.get_bbox_patch() is not None for t in ax.texts)  # no gridline through them
    plt.close(fig)
    daily = pd.DataFrame(
        {"date": pd.date_range("2025-11-01", periods=3), "orders": [1, 2, 3], "paid_amount": 1.0}
    )
    fig, ax = plt.subplots()
    plots.plot_daily_trend(daily, value_col="orders", ax=ax, lang="en", currency="USD")
    assert ax.get_ylabel() == "Paid orders"  # a count has no currency
    plots.plot_daily_trend(daily, value_col="paid_amount", ax=ax, lang="en", currency="USD")
    assert ax.get_ylabel() == "Paid amount ($)"
    plt.close(fig)


def test_break_even_line_is_named_in_a_legend_not_on_the_line():
    """The ROAS = 1 text sat on the line at the left edge, over a channel's label."""
    perf = pd.DataFrame(
        {"channel": ["search", "display"], "spend": [500.0, 12000.0], "roas": [1.05, 0.9]}
        | {"paid_amount": [525.0, 10800.0]}
    )
    fig, ax = plt.subplots()
    plots.plot_channel_efficiency(perf, ax=ax, lang="en", currency="CNY")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ROAS = 1"]
    assert all("ROAS" not in t.get_text() for t in ax.texts)
    assert ax.get_xlabel().endswith("(¥)")
    plt.close(fig)


@pytest.mark.parametrize(
    ("breakeven", "line", "text"),
    [
        (3.3, 3.3, "保本投产比 3.30"),
        (None, 1.0, "ROAS = 1"),
        (float("nan"), 1.0, "ROAS = 1"),
        (float("inf"), 1.0, "ROAS = 1"),
    ],
)
def test_channel_plot_draws_the_break_even_line_when_known(breakeven, line, text):
    import matplotlib.pyplot as plt

    frame = CASES["channel_efficiency"][1]()
    ax = plots.plot_channel_efficiency(frame, breakeven=breakeven)
    lines = [artist for artist in ax.get_lines() if artist.get_linestyle() == "--"]
    assert [tuple(artist.get_ydata()) for artist in lines] == [(line, line)]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [text] and not any("盈亏线" in t for t in legend)
    plt.close(ax.figure)


def test_a_trend_of_two_points_is_a_note_not_a_line():
    """Issue 15: no chart for two data points; three are drawn."""
    daily = pd.DataFrame(
        {"date": pd.date_range("2025-11-01", periods=3), "paid_amount": [5.0, 7.0, 6.0]}
    )
    fig, ax = plt.subplots()
    try:
        plots.plot_daily_trend(daily.head(2), value_col="paid_amount", ax=ax, lang="en")
        assert ax.get_lines() == []
        assert [t.get_text() for t in ax.texts] == [
            "Only 2 data points: too few for a trend (see the table)"
        ]
        ax.clear()
        plots.plot_daily_trend(daily, value_col="paid_amount", ax=ax, lang="zh")
        assert len(ax.get_lines()[0].get_xdata()) == 3
    finally:
        plt.close(fig)


def test_a_change_in_money_shows_the_currency():
    change = pd.DataFrame({"channel": ["direct", "email"], "change": [27217.49, -835.41]})
    fig, ax = plt.subplots()
    try:
        plots.plot_contribution(change, by="channel", metric="paid_amount", ax=ax, lang="en",
                                currency="CNY")  # fmt: skip
        assert ax.get_xlabel() == "Change (¥)"
        assert sorted(t.get_text() for t in ax.texts) == ["+¥27,217.49", "-¥835.41"]
        ax.clear()
        plots.plot_contribution(change, by="channel", metric="orders", ax=ax, currency="CNY")
        assert ax.get_xlabel() == "变化"  # a count has no currency
    finally:
        plt.close(fig)
