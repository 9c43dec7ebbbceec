"""Alert rules (ecanalysis.alerts): pure functions from a few rows to alerts, in the report's
language and with the figures."""

from __future__ import annotations

import pandas as pd
import pytest

from ecanalysis import alerts
from ecanalysis.metrics.channels import flag_channels
from ecanalysis.metrics.targets import LOWER_IS_BETTER, assessment_table
from ecanalysis.periods import parse_period


@pytest.fixture
def performance():
    # social: ROAS 0.5 on 40 % of spend → cut; search: ROAS 4 → grow; organic: no spend.
    perf = pd.DataFrame(
        {
            "channel": ["search", "social", "organic"],
            "spend": [600.0, 400.0, 0.0],
            "roas": [4.0, 0.5, float("nan")],
            "spend_share": [0.6, 0.4, 0.0],
        }
    )
    return flag_channels(perf, min_spend_share=0.05, roas_floor=1.0, grow_roas=3.0)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "渠道 社交媒体 花费高、回报低，建议削减（ROAS 0.50，占花费 40%，低于回本线 1）"),
        (
            "en",
            "Channel Social costs money and brings little: cut (ROAS 0.50, 40% of spend: "
            "sales do not repay spend, floor 1)",
        ),
    ],
)
def test_a_channel_to_cut_is_one_alert_in_the_reports_language(performance, lang, message):
    assert alerts.channel_cuts(performance, floor=1.0, lang=lang) == [
        {"level": "warning", "message": message}
    ]


@pytest.mark.parametrize(("partial", "alerted"), [(False, True), (True, False)])
def test_a_drop_is_an_alert_only_in_a_period_the_data_cover(partial, alerted):
    """A fall on a day after the data end is missing data, not a drop."""
    comparisons = {"orders": {"previous": 100, "change": -50, "change_pct": -0.5}}
    found = alerts.drops(
        comparisons,
        ["orders"],
        limit=-0.2,
        against=("比上周同日", "vs the same weekday last week"),
        partial=partial,
        lang="en",
    )
    expected = [
        {
            "level": "warning",
            "message": "Paid orders fell 50% vs the same weekday last week (alert at 20%)",
        }
    ]
    assert found == (expected if alerted else [])


@pytest.mark.parametrize(
    ("kind", "lang", "message"),
    [
        ("month", "en", "Paid orders fell 50% vs last month (alert at 20%)"),
        ("week", "zh", "支付订单数 环比上周下降 50%（预警线 20%）"),
    ],
)
def test_a_drop_against_the_period_before_is_named_by_the_periods_kind(kind, lang, message):
    comparisons = {"orders": {"change_pct": -0.5}, "buyers": {"change_pct": -0.19}}
    found = alerts.drops(
        comparisons,
        ["orders", "buyers", "paid_amount"],
        limit=-0.2,
        against=alerts.PREVIOUS_WORDS[kind],
        lang=lang,
    )
    assert found == [{"level": "warning", "message": message}]


def test_a_ceiling_exceeded_says_the_actual_and_how_far_over():
    """Refunds are a ceiling (less is better): not "at 84 % of target" but the actual
    figure and how far it is over."""
    kpis = {"refund_amount": 8338.16, "orders": 80}
    table = assessment_table(kpis, {"refund_amount": 7000.0, "orders": 100.0})
    found = alerts.targets(table, kpis, lower_is_better=LOWER_IS_BETTER, currency="USD", lang="en")
    assert [a["message"] for a in found] == [
        "Refunds $8,338.16, above the ceiling $7,000.00 (+19%)",
        "Paid orders at 80% of target (100)",
    ]


def test_a_target_alert_says_projected_and_never_prints_nan():
    """A month in progress is judged on its projection: the alert said "at 2 % of target"
    for a projected attainment; an AOV without orders said "at nan% of target"."""
    kpis = {"paid_amount": 1000.0, "aov": float("nan")}
    table = assessment_table(
        kpis, {"paid_amount": 50000.0, "aov": 120.0}, projected={"paid_amount": 30000.0}
    )
    found = alerts.targets(table, kpis, lower_is_better=LOWER_IS_BETTER, currency="USD", lang="en")
    assert [a["message"] for a in found] == [
        "Paid amount projected at 60% of target by the end of the month ($50,000.00)",
        "AOV has no value this period (target $120.00)",
    ]


def test_a_target_for_no_kpi_is_an_alert_not_a_miss():
    """A typo'd KPI name in targets is said, with the closest KPI, instead of being
    reported as a target missed at nan %."""
    kpis = {"paid_amount": 90.0, "orders": 10}
    table = assessment_table(kpis, {"paid_amout": 100.0, "orders": 10.0})
    found = alerts.targets(table, kpis, lower_is_better=LOWER_IS_BETTER, currency=None, lang="en")
    assert found == [
        {
            "level": "warning",
            "message": "the target 'paid_amout' names no KPI of this report (did you mean "
            "'paid_amount'?); check targets in params.",
        }
    ]


def test_an_anomaly_alert_shows_money_as_money_and_good_news_as_news():
    """Black Friday above expectation is good news (info), a day below it a warning."""
    flags = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-28", "2025-11-29", "2025-11-30"]),
            "value": [25223.4, 7000.0, 1000.0],
            "expected": [7657.2, 7100.0, 7000.0],
            "is_anomaly": [True, False, True],
        }
    )
    assert alerts.anomalies(flags, "paid_amount", currency="USD", lang="en") == [
        {
            "level": "info",
            "message": "2025-11-28 Paid amount is above expectation (actual $25,223.40, "
            "expected $7,657.20)",
        },
        {
            "level": "warning",
            "message": "2025-11-30 Paid amount is below expectation (actual $1,000.00, "
            "expected $7,000.00)",
        },
    ]
    refunds = flags.assign(is_anomaly=[True, False, False])
    assert alerts.anomalies(refunds, "refund_amount", currency="USD", lang="en")[0]["level"] == (
        "warning"
    )


@pytest.mark.parametrize(
    ("made_for", "text", "note"),
    [
        (
            ("month",),
            "2025-W46",
            "This report is made for a calendar month; 2025-W46 is an ISO week: its comparisons "
            "are with the period of the same kind just before, and headings that name a day, "
            "week or month mean this period.",
        ),
        (
            ("week", "month"),
            "2025-11-30",
            "This report is made for an ISO week or a calendar month; 2025-11-30 is a day: its "
            "comparisons are with the period of the same kind just before, and headings that "
            "name a day, week or month mean this period.",
        ),
        (("week", "month"), "2025-W46", None),
        (("day",), "2025-11-30", None),
        ((), "2025-11-01..2025-11-11", None),
    ],
)
def test_a_period_of_another_kind_than_the_notebook_is_made_for_is_noted(made_for, text, note):
    period = parse_period(text, "Asia/Shanghai")
    assert alerts.period_kind_note(period, made_for, lang="en") == note


def test_a_campaign_below_the_roas_floor_and_a_lift_interval_with_zero_are_alerts():
    summary = pd.DataFrame({"roas": [0.8]})
    lift = pd.DataFrame({"lift_low": [-10.0]})
    found = alerts.campaign(summary, lift, roas_floor=1.0, lang="en")
    assert [a["message"] for a in found] == [
        "Campaign ROAS 0.80 is below 1: it cost more than it brought",
        "The lift interval includes zero: no clear incremental sales",
    ]
    assert alerts.campaign(pd.DataFrame({"roas": [2.0]}), pd.DataFrame({"lift_low": [5.0]}),
                           roas_floor=1.0, lang="en") == []  # fmt: skip


def test_dsr_below_the_line_is_critical_and_above_it_silent():
    dsr = pd.DataFrame(
        {"dimension": ["item", "service"], "score": [4.62, 4.9], "below_threshold": [True, False]}
    )
    assert alerts.dsr_below(dsr, line=4.8, lang="en") == [
        {"level": "critical", "message": "DSR item is 4.62, below the alert line 4.8"}
    ]


def test_outlier_stores_and_stores_without_orders():
    comparison = pd.DataFrame(
        {
            "store_id": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "orders": [10, 0, 5],
            "paid_amount_change_pct": [-0.6, float("nan"), 0.1],
            "outlier": [True, False, False],
        }
    )
    assert [a["message"] for a in alerts.outliers(comparison, lang="en")] == [
        "Store A (a) stands out: -60%",
        "Store b has no orders in the period",
    ]


@pytest.mark.parametrize(("coverage", "alerted"), [(2 / 3, True), (1.0, False)])
def test_totals_missing_rates_are_an_alert(coverage, alerted):
    totals = pd.DataFrame({"currency": ["CNY"], "rate_coverage": [coverage]})
    expected = [
        {
            "level": "warning",
            "message": "33.3% of store-days have no exchange rate to CNY; their amounts are "
            "left out of the totals. Add the missing rates to fx_rates.",
        }
    ]
    assert alerts.rate_coverage(totals, lang="en") == (expected if alerted else [])


def test_counts_missing_days_and_quarantine():
    assert alerts.count(0, "warning", "个", "things", lang="en") == []
    assert alerts.missing_days("traffic", [], lang="en") == []
    days = [pd.Timestamp(f"2025-11-0{i}").date() for i in range(1, 8)]
    message = alerts.missing_days("traffic", days, lang="en")[0]["message"]
    assert "lacks 7 day(s) of the period (2025-11-01, 2025-11-02, 2025-11-03, 2025-11-04, " \
        "2025-11-05 …)" in message  # fmt: skip
    assert alerts.quarantined("reviews", 2, lang="zh") == [
        {
            "level": "warning",
            "message": "reviews 表有 2 行不符合数据约定，已隔离到 quarantine/reviews.csv，"
            "本报告的数字不含这些行。",
        }
    ]


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="alert level 'urgent'"):
        alerts.make("urgent", "x")


def test_a_kpi_under_its_alert_line_is_not_also_a_missed_target():
    """A DSR of 4.37 under the 4.8 line (critical) and under its 4.60 target (warning) was
    two alerts of different severity for one KPI: it is one, the line's."""
    kpis = {"dsr_item": 4.37, "orders": 80}
    table = assessment_table(kpis, {"dsr_item": 4.6, "orders": 100.0})
    dsr = pd.DataFrame({"dimension": ["item"], "score": [4.37], "below_threshold": [True]})
    line = alerts.dsr_below(dsr, line=4.8, lang="en")
    found = alerts.targets(
        table,
        kpis,
        lower_is_better=LOWER_IS_BETTER,
        skip=alerts.dsr_alerted(dsr),
        currency=None,
        lang="en",
    )
    assert [a["level"] for a in line + found] == ["critical", "critical"]
    assert [a["message"] for a in found] == ["Paid orders at 80% of target (100)"]


def test_a_rate_that_falls_by_points_is_an_alert():
    comparisons = {
        "gross_margin": {"change": -0.109},
        "payment_conversion_rate": {"change": -0.004},
    }
    found = alerts.rate_drops(
        comparisons,
        ["gross_margin", "payment_conversion_rate"],
        limit_pp=0.05,
        against=alerts.PREVIOUS_WORDS["day"],
        lang="zh",
    )
    assert found == [
        {
            "level": "warning",
            "message": "毛利率 环比前一天下降 10.9 个百分点（预警线 5.0 个百分点）",
        }
    ]
    assert alerts.rate_drops(comparisons, ["gross_margin"], limit_pp=0.05,
                             against=("", ""), partial=True, lang="zh") == []  # fmt: skip


# -- issue 17: pacing against the month's target ------------------------------------------


def test_pacing_alerts_only_below_the_probability_line():
    pace = pd.DataFrame(
        {
            "kpi": ["paid_amount", "orders", "new_buyers"],
            "month_to_date": [900_000.0, 400.0, 300.0],
            "month_to_date_target": [1_000_000.0, 380.0, 310.0],
            "target": [2_600_000.0, 1000.0, 900.0],
            "days_remaining": [10, 10, 10],
            "required_daily": [170_000.0, 60.0, 60.0],
            "target_hit_probability": [0.12, 0.5, float("nan")],
        }
    )
    found = alerts.pacing(pace, limit=0.5, currency="CNY", lang="zh")
    # orders at exactly the line (0.5) is no alert; new buyers have no probability
    assert found == [
        {
            "level": "warning",
            "message": "支付金额 达成月目标 ¥2,600,000.00 的概率为 12.0%（月初至今 ¥900,000.00，"
            "按进度应为 ¥1,000,000.00；剩余 10 天需日均 ¥170,000.00）",
        }
    ]
    assert alerts.pacing(pace, limit=0.1, currency="CNY", lang="zh") == []


def test_pacing_on_the_last_day_of_a_missed_month_is_critical():
    pace = pd.DataFrame(
        {
            "kpi": ["orders", "paid_amount", "new_buyers"],
            "month_to_date": [900.0, 3e6, 10.0],
            "month_to_date_target": [1000.0, 2.6e6, 10.0],
            "target": [1000.0, 2.6e6, 10.0],
            "days_remaining": [0, 0, 0],
            "required_daily": [float("nan")] * 3,
            "target_hit_probability": [0.0, 1.0, 1.0],
        }
    )
    found = alerts.pacing(pace, limit=0.5, lang="en")
    assert found == [
        {
            "level": "critical",
            "message": "Paid orders missed the monthly target 1,000 (the month: 900)",
        }
    ]


# -- issue 17 (nbB): a lift the placebo windows cannot tell from noise -------------------------


def test_campaign_placebo_alerts_only_when_not_distinguishable():
    frame = pd.DataFrame(
        {
            "window": ["campaign", "placebo", "placebo"],
            "lift_pct": [0.04, 0.06, -0.02],
            "distinguishable": pd.array([False, None, None], dtype="boolean"),
        }
    )
    [alert] = alerts.campaign_placebo(frame, lang="zh")
    assert alert["level"] == "warning"
    assert "+4.0%" in alert["message"] and "2 个无活动窗口中有 1 个" in alert["message"]
    assert "-2.0% 至 +6.0%" in alert["message"]
    sure = frame.assign(distinguishable=pd.array([True, None, None], dtype="boolean"))
    assert alerts.campaign_placebo(sure, lang="zh") == []
    unknown = frame.assign(distinguishable=pd.array([None, None, None], dtype="boolean"))
    assert alerts.campaign_placebo(unknown, lang="en") == []
