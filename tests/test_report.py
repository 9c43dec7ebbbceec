"""HTML blocks of the reports: formatted numbers, labels, colours, and escaped data."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from ecanalysis import report
from ecanalysis.errors import EcanalysisError
from ecanalysis.labels import LABELS, format_value, kind_of, label

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
MONTH = SimpleNamespace(
    label="2025-11", first_day=dt.date(2025, 11, 1), last_day=dt.date(2025, 11, 30)
)


# -- labels and formats ------------------------------------------------------------------

SALES_SUMMARY = [
    "period_start", "placed_orders", "orders", "valid_orders", "order_validity_rate", "buyers",
    "new_buyers", "returning_buyers", "units", "gmv", "paid_amount", "refund_amount", "net_sales",
    "aov", "revenue_per_buyer", "cost_amount", "gross_profit", "gross_margin", "cost_coverage",
]  # fmt: skip
TRAFFIC_FUNNEL_CHANNELS = [
    "visitors", "sessions", "pageviews", "new_visitors", "returning_visitors", "new_visitor_share",
    "pages_per_visitor", "avg_time_on_site_s", "bounces", "bounce_rate", "cart_visitors",
    "order_buyers", "paid_buyers", "order_conversion_rate", "payment_conversion_rate",
    "order_to_payment_rate", "step", "count", "rate_from_previous", "rate_from_first", "channel",
    "spend", "clicks", "cpc", "conversion_rate", "cpa", "roas", "spend_share", "revenue_share",
    "action", "reason", "cohort", "age", "cohort_size", "active_customers", "retention",
]  # fmt: skip
OTHER_OUTPUTS = [
    "sku", "title", "category", "revenue", "rank", "bad_reviews", "share", "examples",
    "dimension", "reviews", "score", "below_threshold", "date", "value", "expected", "lower",
    "upper", "is_anomaly", "forecast", "actual", "baseline", "current", "previous", "change",
    "share_of_change", "segment", "segment_zh", "customers", "repeat_customers", "repeat_rate",
]  # fmt: skip


@pytest.mark.parametrize("name", SALES_SUMMARY + TRAFFIC_FUNNEL_CHANNELS + OTHER_OUTPUTS)
def test_every_metric_output_has_both_labels(name):
    zh, en = LABELS[name]
    assert zh and en


def test_published_labels():
    assert [label(n) for n in ["orders", "paid_amount", "buyers", "new_buyers"]] == [
        "支付订单数",
        "支付金额",
        "支付买家数",
        "新买家数",
    ]
    assert label("aov") == "笔单价 (AOV)"
    assert label("revenue_per_buyer") == "客单价"
    assert label("payment_conversion_rate") == "支付转化率"
    assert label("roas") == "投入产出比 ROAS"
    assert label("visitors", "en") == "Visitors (UV)"


def test_derived_labels():
    assert label("paid_amount_lag_7") == "支付金额（上周同日）"
    assert label("paid_amount_change_pct", "en") == "Paid amount change %"
    assert label("repeat_rate_30d") == "30天复购率"
    assert label("paid_amount_CNY") == "支付金额（CNY）"
    assert label("previous_orders") == "支付订单数（对比期）"
    assert label("dsr_service") == "DSR 服务态度"
    assert label("orders", labels={"orders": "订单"}) == "订单"


def test_kinds():
    assert kind_of("paid_amount_yoy") == "money"
    assert kind_of("gross_margin") == "rate"
    assert kind_of("paid_amount_change_pct") == "rate"
    assert kind_of("previous_orders") == "count"
    assert kind_of("lift_low") == "money"
    assert kind_of("repeat_rate_90d") == "rate"
    assert kind_of("low_stock_skus") == "count"


def test_format_value():
    assert format_value(1234.5, "money", currency="CNY") == "¥1,234.50"
    assert format_value(1234.6, "money", currency="JPY") == "JP¥1,235"
    assert format_value(1234.5, "money") == "1,234.50"
    assert format_value(-0.05, "rate") == "-5.0%"
    assert format_value(3, "count", signed=True) == "+3"
    assert format_value(2.0, "ratio") == "2.00"
    assert format_value(7.0) == "7"
    assert format_value(None) == "—"
    assert format_value(pd.NA) == "—"
    assert format_value(np.float64("inf"), "ratio") == "∞"


# -- KPI cards -----------------------------------------------------------------------------

KPIS = {"paid_amount": 1200.0, "orders": 30, "refund_amount": 90.0, "gross_margin": 0.25}
COMPARISONS = {
    "gross_margin": {"previous": 0.23, "change": 0.02, "change_pct": 0.087},
    "paid_amount": {"previous": 1000.0, "change": 200.0, "change_pct": 0.2},
    "paid_amount_yoy": {"previous": 1500.0, "change": -300.0, "change_pct": -0.2},
    "orders": {"previous": 0, "change": 30, "change_pct": None},
    "refund_amount": {"previous": 60.0, "change": 30.0, "change_pct": 0.5},
}


def _card(html: str, title: str) -> str:
    start = html.index(f'<div class="eca-label">{title}</div>')
    return html[start : html.find('<div class="eca-card">', start)]


def test_kpi_cards_values_and_changes():
    html = report.kpi_cards(KPIS, COMPARISONS, currency="CNY")._repr_html_()
    paid = _card(html, "支付金额")
    assert "¥1,200.00" in paid
    assert '<span style="color:#1a7f37">▲ 20.0%</span> <span class="eca-vs">较对比期</span>' in paid
    assert '<span style="color:#cf222e">▼ 20.0%</span> <span class="eca-vs">同比</span>' in paid
    assert 'title="对比值 ¥1,000.00；变化 +¥200.00（+20.0%）"' in paid
    # previous 0: no relative change, the absolute change is shown
    assert "▲ 30</span>" in _card(html, "支付订单数")
    margin = _card(html, "毛利率")
    assert "25.0%" in margin and "▲ 2.0 pp</span>" in margin


def test_cost_like_rise_is_red_and_colours_are_options():
    html = report.kpi_cards(KPIS, COMPARISONS)._repr_html_()
    assert '<span style="color:#cf222e">▲ 50.0%' in _card(html, "退款金额")
    html = report.kpi_cards(KPIS, COMPARISONS, up_color="red", down_color="green")._repr_html_()
    assert '<span style="color:red">▲ 20.0%' in _card(html, "支付金额")


def test_kpi_cards_names_order_missing_and_english():
    cards = report.kpi_cards(KPIS, None, names=["orders", "aov"], lang="en")
    assert repr(cards) == "Paid orders: 30\nAOV: —"
    assert "Paid amount" not in cards._repr_html_()


def test_kpi_cards_escape_labels_and_comparison_captions():
    cards = report.kpi_cards(
        {HOSTILE: 1.0},
        {HOSTILE: {"previous": 1, "change": 0, "change_pct": 0}},
        comparison_labels={"": HOSTILE},
    )
    html = cards._repr_html_()
    assert HOSTILE not in html and ESCAPED in html
    assert "–" in html  # no change


def test_bad_language():
    with pytest.raises(EcanalysisError, match="lang='fr'"):
        report.kpi_cards(KPIS, lang="fr")


# -- tables ------------------------------------------------------------------------------


def test_format_table_escapes_and_formats():
    frame = pd.DataFrame(
        {
            "title": [HOSTILE, "保温杯"],
            "revenue": [1234.5, np.nan],
            "revenue_share": [0.25, 0.75],
            "units": pd.array([3, 4], dtype="int64"),
            "below_threshold": [True, False],
            "period_start": pd.to_datetime(["2025-11-01", "2025-11-02"]),
            "examples": [["差", "<i>x</i>"], []],
        }
    )
    html = report.format_table(frame)._repr_html_()
    assert HOSTILE not in html and ESCAPED in html
    assert "<i>x</i>" not in html and "差; &lt;i&gt;x&lt;/i&gt;" in html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells == [
        ESCAPED, "1,234.50", "25.0%", "3", "是", "2025-11-01", "差; &lt;i&gt;x&lt;/i&gt;",
        "保温杯", "—", "75.0%", "4", "否", "2025-11-02", "",
    ]  # fmt: skip
    heads = re.findall(r"<th [^>]*>(.*?)</th>", html)
    assert heads == ["商品名称", "销售额", "收入占比", "销售件数", "低于预警线", "周期", "示例"]


def test_format_table_hostile_column_names_and_options():
    frame = pd.DataFrame({HOSTILE: [0.5], "x": [2.0], "change": [-3.0]})
    html = report.format_table(frame, rates=["x"], currency="USD", lang="en")._repr_html_()
    assert HOSTILE not in html
    assert ">200.0%<" in html and ">-3<" in html


def test_long_tables_format_each_row_by_its_metric():
    frame = pd.DataFrame(
        {
            "metric": ["paid_amount", "gross_margin", "orders"],
            "current": [1200.0, 0.25, 30.0],
            "previous": [1000.0, 0.23, 28.0],
            "change": [200.0, 0.02, 2.0],
            "change_pct": [0.2, 0.087, 0.0714],
        }
    )
    html = report.format_table(frame, currency="CNY")._repr_html_()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells == [
        "支付金额", "¥1,200.00", "¥1,000.00", "+¥200.00", "+20.0%",
        "毛利率", "25.0%", "23.0%", "+2.0 pp", "+8.7%",
        "支付订单数", "30", "28", "+2", "+7.1%",
    ]  # fmt: skip


def test_format_table_truncates_and_handles_empty():
    frame = pd.DataFrame({"orders": range(60)})
    html = report.format_table(frame, max_rows=5)._repr_html_()
    assert html.count("<tr>") == 6
    assert "显示前 5 行，共 60 行" in html
    empty = report.format_table(frame.head(0), lang="en")._repr_html_()
    assert "No data" in empty and "Paid orders" in empty


def test_format_table_timestamps_and_index():
    frame = pd.DataFrame({"v": [1.5]}, index=pd.Index(["a"], name="sku")).assign(
        created_at=pd.to_datetime(["2025-11-01 13:45"])
    )
    html = report.format_table(frame)._repr_html_()
    assert ">a<" in html and "2025-11-01 13:45" in html and ">SKU<" in html


def test_format_table_refuses_series():
    with pytest.raises(EcanalysisError, match="DataFrame"):
        report.format_table(pd.Series([1]))


def test_side_by_side_and_params_table():
    wow = pd.DataFrame({"metric": ["orders", "aov"], "current": [12.0, 5.0], "change": [2.0, 1.0]})
    yoy = pd.DataFrame({"metric": ["orders", "aov"], "current": [12.0, 5.0], "change": [-1.0, 0.0]})
    both = report.side_by_side(wow, yoy)
    assert both.to_dict("list") == {
        "metric": ["orders", "aov"],
        "current": [12.0, 5.0],
        "change": [2.0, 1.0],
        "change_yoy": [-1.0, 0.0],
    }
    only_last_year = pd.DataFrame({"metric": ["gmv"], "current": [1.0], "change": [1.0]})
    assert report.side_by_side(wow, only_last_year)["metric"].tolist() == ["orders", "aov", "gmv"]
    params = report.params_table(pd.Series({"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}))
    assert params["model"].tolist() == ["BG/NBD"] * 4
    assert params.dtypes["value"] == "float64"


# -- alerts, notes, headings --------------------------------------------------------------


def test_alerts_sorted_badged_and_escaped():
    html = report.alerts_list(
        [
            {"level": "info", "message": "fine"},
            {"level": "critical", "message": HOSTILE},
            {"level": HOSTILE, "message": "odd level"},
        ]
    )._repr_html_()
    assert HOSTILE not in html
    assert html.index("严重") < html.index("提示") < html.index("odd level")
    assert "background:#cf222e" in html
    assert "无预警" in report.alerts_list([])._repr_html_()


def test_missing_section_texts():
    text = repr(report.missing_section("ad_spend", "各渠道 ROAS"))
    assert text == "本节需要 ad_spend 表（未提供）：可展示各渠道 ROAS。"
    html = report.missing_section(HOSTILE, lang="en")._repr_html_()
    assert HOSTILE not in html


def test_note_escapes():
    assert ESCAPED in report.note(HOSTILE, level="critical")._repr_html_()


@pytest.mark.parametrize(
    ("coverage", "level", "text"),
    [
        ({"first": "2024-01-01", "last": "2025-12-31"}, "ok", "本期（2025-11）完整"),
        (
            {"first": dt.date(2024, 1, 1), "last": dt.date(2025, 11, 20)},
            "warning",
            "数据截至 11-20",
        ),
        ({"first": "2025-11-05", "last": "2025-12-31"}, "warning", "数据始于 2025-11-05"),
        ({"first": "2024-01-01", "last": "2025-10-31"}, "critical", "本期无数据"),
        ({"first": None, "last": None}, "critical", "没有数据"),
    ],
)
def test_coverage_note(coverage, level, text):
    html = report.coverage_note(coverage, MONTH)._repr_html_()
    assert f"eca-note eca-{level}" in html
    assert text in html


def test_coverage_note_english():
    text = repr(
        report.coverage_note({"first": "2024-01-01", "last": "2025-11-20"}, MONTH, lang="en")
    )
    assert text.startswith("Data end on 2025-11-20: 2025-11 is incomplete")


def test_title_block_escapes_store_name():
    store = {"store_id": "shop01", "name": HOSTILE, "currency": "CNY", "timezone": "Asia/Shanghai"}
    block = report.title_block("日报", store, MONTH)
    html = block._repr_html_()
    assert HOSTILE not in html and ESCAPED in html
    assert "周期：2025-11（2025-11-01 至 2025-11-30）" in html
    assert "时区：Asia/Shanghai" in html


def test_blocks_are_self_contained():
    html = report.kpi_cards(KPIS)._repr_html_()
    assert "<style data-eca-theme>" in html
    assert not re.search(r"(src|href)=|@import|url\(", html)
    assert "<script" not in html


# -- review of the rendered reports (shop02, 2025-11) -------------------------------------


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (-0.00078, "-0.1 pp"),  # a conversion gap of 0.078 pp read "-0.0 pp" (truncated)
        (0.0349, "+3.5 pp"),  # rounded, not truncated to +3.4
        (-0.0004, "-0.04 pp"),  # too small for one decimal: two, not a signed zero
        (0.0, "0.0 pp"),
        (1e-7, "0.0 pp"),
    ],
)
def test_rate_changes_in_points_are_rounded_and_never_a_signed_zero(change, text):
    frame = pd.DataFrame(
        {"kpi": ["payment_conversion_rate"], "actual": [0.0232], "target": [0.024], "gap": [change]}
    )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", report.format_table(frame)._repr_html_())
    assert cells[-1] == text


def test_whole_number_ratings_have_no_decimals():
    """A review's rating (1–5, integers) read "1.00"; an average rating keeps two decimals."""
    bad = pd.DataFrame({"rating": [1, 2], "avg_rating": [4.2, 4.25]})
    cells = re.findall(r"<td[^>]*>(.*?)</td>", report.format_table(bad)._repr_html_())
    assert cells == ["1", "4.20", "2", "4.25"]


def test_every_price_cost_issue_has_a_label():
    """price_cost_anomalies' issues price_deviates and missing_cost showed as raw codes."""
    from ecanalysis.labels import VALUE_LABELS
    from ecanalysis.metrics.pricing import ISSUES

    assert set(ISSUES) <= set(VALUE_LABELS["issue"])
    frame = pd.DataFrame({"issue": list(ISSUES)})
    for lang in ("zh", "en"):
        cells = re.findall(
            r"<td[^>]*>(.*?)</td>", report.format_table(frame, lang=lang)._repr_html_()
        )
        assert not set(cells) & set(ISSUES), cells


def test_uplift_and_lift_are_told_apart():
    """campaign_review shows uplift_pct (daily sales vs before) beside lift_pct (vs the
    baseline): labelled "Uplift" and "Lift %", two different numbers read as one."""
    for lang in ("zh", "en"):
        assert label("uplift_pct", lang) != label("lift_pct", lang)
    assert "before" in label("uplift_pct", "en") and "活动前" in label("uplift_pct")


CELL = """## 月度考核表 · Assessment table
达成率 = 实际 / 目标；目标在
params/stores/<store_id>.yaml 中设置。

Attainment = actual / target (the 月度考核表); targets are in params.

---"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            "## 月度考核表\n\n达成率 = 实际 / 目标；目标在\nparams/stores/<store_id>.yaml 中设置。\n\n---",
        ),
        (
            "en",
            "## Assessment table\n\nAttainment = actual / target (the 月度考核表); targets are in params.\n\n---",
        ),
    ],
)
def test_markdown_in_keeps_the_report_languages_half(lang, expected):
    """A Chinese paragraph with a path in it stays Chinese, an English one with a Chinese
    term stays English; a rule (no words) stays in both."""
    assert report.markdown_in(CELL, lang) == expected


def test_chart_description_falls_back_to_labels_then_to_chart():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    left.set_xlabel("日期")
    assert report.chart_description(fig) == "日期"
    right.set_title("Paid amount")
    assert report.chart_description(fig) == "日期; Paid amount"
    plt.close(fig)
    fig, _ = plt.subplots()
    assert report.chart_description(fig) == "chart"
    plt.close(fig)
