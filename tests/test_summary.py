"""The paragraph a report opens with (ecanalysis.summary): true to the record it reads."""

from __future__ import annotations

from ecanalysis.summary import summary_paragraph

KPIS = {"paid_amount": 58640.99, "orders": 90, "buyers": 90, "revenue_per_buyer": 651.57}
COMPARISONS = {
    "paid_amount": {"change_pct": 0.12},
    "buyers": {"change_pct": 0.2},
    "revenue_per_buyer": {"change_pct": -0.067},
}


def test_the_result_its_driver_and_the_most_severe_alert_first():
    alerts = [
        {"level": "info", "message": "traffic table absent"},
        {"level": "warning", "message": "3 个商品库存不足 7 天"},
        {"level": "critical", "message": "5 个在售商品缺货"},
    ]
    text = summary_paragraph(
        KPIS, COMPARISONS, alerts, period_label="2025-11-30", against="较上周同日", currency="CNY"
    )
    assert text == (
        "2025-11-30：支付金额 ¥58,640.99，支付订单 90 笔，较上周同日 +12%。"
        "变化主要来自支付买家数（+20%），客单价 -7%。"
        "首先处理：5 个在售商品缺货；另有 1 项需要关注（见下）。"
    )


def test_a_partial_period_reads_no_change_as_news():
    text = summary_paragraph(
        KPIS, COMPARISONS, [], period_label="2025-12-01", against="vs last week",
        complete=False, currency="USD", lang="en",
    )  # fmt: skip
    assert "partial figures" in text and "+12%" not in text and "comes from" not in text
    assert text.endswith("Nothing needs attention.")


def test_a_flat_period_names_no_driver_and_a_portfolio_names_its_orders():
    flat = {"paid_amount": {"change_pct": 0.01}, "buyers": {"change_pct": 0.3}}
    text = summary_paragraph(KPIS, flat, [], period_label="W48", against="vs last week", lang="en")
    assert "comes from" not in text
    portfolio = summary_paragraph(
        {"orders": 7441, "stores": 3}, {}, [], period_label="2025-11", against="vs last month"
    )
    assert portfolio.startswith("2025-11：支付订单 7,441 笔（3 家店铺）。")
