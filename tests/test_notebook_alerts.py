"""Alerts that the notebooks' Report helper writes from metric frames: said in the
report's language, with the figures."""

from __future__ import annotations

import pandas as pd
import pytest

from ecanalysis.metrics.channels import flag_channels


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
def test_a_channel_to_cut_is_one_alert_in_the_reports_language(
    sample_report, performance, lang, message
):
    rep = sample_report("channel_efficiency", "shop01", "2025-11", lang=lang)
    rep.flag_channels(performance)
    assert rep.alerts == [{"level": "warning", "message": message}]


@pytest.mark.parametrize(("period", "alerted"), [("2025-11-30", True), ("2025-12-01", False)])
def test_a_drop_is_an_alert_only_in_a_period_the_data_cover(sample_report, period, alerted):
    """The sample ends on 2025-11-30: a fall on 2025-12-01 is missing data, not a drop."""
    rep = sample_report("daily_report", "shop01", period)
    rep.compare("orders", 50, 100)
    rep.flag_drops(["orders"], zh="比上周同日", en="vs the same weekday last week")
    expected = [
        {
            "level": "warning",
            "message": "Paid orders fell 50% vs the same weekday last week (alert at 20%)",
        }
    ]
    assert rep.alerts == (expected if alerted else [])


def test_a_comparison_with_a_period_before_the_data_is_unknown(sample_report):
    """The sample begins on 2023-12-01: November 2023 had no data, not zero sales, so the
    first month's change against it is unknown (not "▲ 100 %")."""
    rep = sample_report("monthly_assessment", "shop01", "2024-01")
    month = pd.DataFrame({"period_start": pd.to_datetime(["2023-12-01"]), "orders": [10]})
    before = pd.DataFrame({"period_start": pd.to_datetime(["2023-11-01"]), "orders": [0]})
    rep.record_comparisons(month, before, ["orders"])
    assert rep.comparisons["orders"] == {"previous": None, "change": None, "change_pct": None}
    january = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01"]), "orders": [15]})
    rep.record_comparisons(january, month, ["orders"], suffix="_mom")
    assert rep.comparisons["orders_mom"] == {"previous": 10, "change": 5, "change_pct": 0.5}


def test_a_ceiling_exceeded_says_the_actual_and_how_far_over(sample_report):
    """Refunds are a ceiling (less is better): not "at 84 % of target" but the actual
    figure and how far it is over."""
    from ecanalysis.metrics.targets import assessment_table

    rep = sample_report("monthly_assessment", "shop02", "2025-10")
    rep.kpi("refund_amount", 8338.16)
    rep.kpi("orders", 80)
    table = assessment_table(rep.kpis, {"refund_amount": 7000.0, "orders": 100.0})
    rep.record_assessment(table)
    assert [a["message"] for a in rep.alerts] == [
        "Refunds $8,338.16, above the ceiling $7,000.00 (+19%)",
        "Paid orders at 80% of target (100)",
    ]


def test_a_target_alert_says_projected_and_never_prints_nan(sample_report):
    """A month in progress is judged on its projection: the alert said "at 2 % of target"
    for a projected attainment; an AOV without orders said "at nan% of target"."""
    from ecanalysis.metrics.targets import assessment_table

    rep = sample_report("monthly_assessment", "shop02", "2025-10")
    rep.kpi("paid_amount", 1000.0)
    rep.kpi("aov", float("nan"))
    table = assessment_table(
        rep.kpis, {"paid_amount": 50000.0, "aov": 120.0}, projected={"paid_amount": 30000.0}
    )
    rep.record_assessment(table)
    assert [a["message"] for a in rep.alerts] == [
        "Paid amount projected at 60% of target by the end of the month ($50,000.00)",
        "AOV has no value this period (target $120.00)",
    ]


def test_an_anomaly_alert_shows_money_as_money(sample_report):
    rep = sample_report("daily_report", "shop02", "2025-11-30")
    flags = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-29", "2025-11-30"]),
            "value": [7000.0, 25223.4],
            "expected": [7100.0, 7657.2],
            "is_anomaly": [True, True],
        }
    )
    rep.flag_anomaly(flags, "paid_amount")
    assert [a["message"] for a in rep.alerts] == [
        "2025-11-30 Paid amount is above expectation (actual $25,223.40, expected $7,657.20)"
    ]


def test_channel_totals_are_ratios_of_sums_compared_with_the_period_before(sample_report):
    rep = sample_report("channel_efficiency", "shop01", "2025-11")
    # ROAS over channels with spend: (300 + 100) / (100 + 100) = 2; CPA 200 / (6 + 4) = 20;
    # organic (no spend) stays out of both.
    now = pd.DataFrame(
        {
            "spend": [100.0, 100.0, 0.0],
            "paid_amount": [300.0, 100.0, 999.0],
            "orders": [6, 4, 50],
        }
    )
    before = pd.DataFrame({"spend": [50.0, 0.0], "paid_amount": [200.0, 10.0], "orders": [5, 1]})
    rep.record_channel_totals(now, previous=before)
    assert (rep.kpis["spend"], rep.kpis["roas"], rep.kpis["cpa"]) == (200.0, 2.0, 20.0)
    assert rep.comparisons["spend"] == {"previous": 50.0, "change": 150.0, "change_pct": 3.0}
    assert rep.comparisons["roas"] == {"previous": 4.0, "change": -2.0, "change_pct": -0.5}
    assert rep.comparisons["cpa"] == {"previous": 10.0, "change": 10.0, "change_pct": 1.0}


@pytest.mark.parametrize(
    ("notebook", "period", "note"),
    [
        (
            "monthly_assessment",
            "2025-W46",
            "This report is made for a calendar month; 2025-W46 is an ISO week: its comparisons "
            "are with the period of the same kind just before, and headings that name a day, "
            "week or month mean this period.",
        ),
        (
            "channel_efficiency",
            "2025-11-30",
            "This report is made for an ISO week or a calendar month; 2025-11-30 is a day: its "
            "comparisons are with the period of the same kind just before, and headings that "
            "name a day, week or month mean this period.",
        ),
        ("channel_efficiency", "2025-W46", None),
        ("channel_efficiency", "2025-11", None),
        ("daily_report", "2025-11-30", None),
        ("campaign_review", "2025-11-01..2025-11-11", None),
    ],
)
def test_a_period_of_another_kind_than_the_notebook_is_made_for_is_noted(
    sample_report, notebook, period, note
):
    rep = sample_report(notebook, "shop01", period)
    rep.header("title", "title")
    infos = [a["message"] for a in rep.alerts if a["level"] == "info"]
    assert infos == ([note] if note else [])


def test_monthly_targets_judge_only_a_calendar_month(sample_report):
    """shop01 has monthly targets: a week is not judged against a month's target."""
    month = sample_report("monthly_assessment", "shop01", "2025-11")
    assert month.targets()["paid_amount"] == 2_600_000
    assert month.targets_note() is None
    week = sample_report("monthly_assessment", "shop01", "2025-W46")
    assert set(week.targets()) == set(month.targets())
    assert all(target is None for target in week.targets().values())
    assert week.targets_note() == (
        "Targets are monthly and 2025-W46 is not a calendar month: "
        "this period is not compared with them."
    )


@pytest.mark.parametrize(
    ("notebook", "period", "lang", "message"),
    [
        (
            "monthly_assessment",
            "2025-10",
            "en",
            "Paid orders fell 50% vs last month (alert at 20%)",
        ),
        ("weekly_review", "2025-W46", "zh", "支付订单数 环比上周下降 50%（预警线 20%）"),
        ("weekly_review", "2025-11", "en", "Paid orders fell 50% vs last month (alert at 20%)"),
    ],
)
def test_a_drop_against_the_period_before_is_named_by_the_periods_kind(
    sample_report, notebook, period, lang, message
):
    """A weekly review run on a month compares with the month before, and says so."""
    rep = sample_report(notebook, "shop01", period, lang=lang)
    rep.compare("orders", 50, 100)
    rep.flag_drops(["orders"])
    assert rep.alerts == [{"level": "warning", "message": message}]


def test_a_table_of_a_period_before_the_data_keeps_its_columns_and_no_rows(sample_report):
    """2023-W48 (Nov 27 to Dec 3) begins before the sample's first day, 2023-12-01: its
    figures are unknown, and a comparison table must not read them as zeros."""
    from ecanalysis.periods import parse_period

    rep = sample_report("weekly_review", "shop01", "2023-W49")
    frame = pd.DataFrame({"period_start": pd.to_datetime(["2023-11-27"]), "orders": [3]})
    before = parse_period("2023-W48", rep.tz)
    assert not rep.comparable(before)
    assert rep.known(frame, before).empty
    assert list(rep.known(frame, before).columns) == ["period_start", "orders"]
    assert rep.comparable(rep.period) and rep.known(frame, rep.period) is frame
    assert rep.no_comparison(before).text == (
        "The comparison period 2023-W48 begins before the store's data (2023-12-01): no comparison."
    )


@pytest.mark.parametrize(("period", "recorded"), [("2025-11-10", True), ("2025-W46", False)])
def test_the_trailing_mean_compares_a_day_only(sample_report, period, recorded):
    """daily_report on a week showed the week's total beside its Monday's change."""
    rep = sample_report("daily_report", "shop01", period)
    row = pd.DataFrame({"orders": [120.0], "orders_trailing_mean": [100.0]})
    rep.record_trailing(row, ["orders"], days=7)
    expected = {"orders_vs_trailing_7d": {"previous": 100.0, "change": 20.0, "change_pct": 0.2}}
    assert rep.comparisons == (expected if recorded else {})


def test_days_missing_from_the_traffic_export_are_an_alert(sample_with):
    """A day missing from a traffic export (shop01, 2025-11-06) read as fewer visitors
    and a higher conversion, under a coverage note that said the period was complete."""
    from ecanalysis.notebook import open_report

    def without_a_day(traffic):
        gap = (traffic["store_id"] == "shop01") & (traffic["date"] == pd.Timestamp("2025-11-06"))
        assert gap.any()
        return traffic[~gap]

    data = sample_with(traffic=without_a_day)

    def alerts(store_id: str, period: str) -> list[dict]:
        rep = open_report("monthly_assessment", store_id=store_id, period=period, data=data,
                          lang="en")  # fmt: skip
        rep.load("traffic")
        return rep.alerts

    assert alerts("shop01", "2025-11") == [
        {
            "level": "warning",
            "message": "The traffic table lacks 1 day(s) of the period (2025-11-06): their "
            "visitors are not counted, so visitor and conversion figures are not a real change.",
        }
    ]
    assert alerts("shop01", "2025-10") == [] and alerts("shop02", "2025-11") == []


def test_a_notebook_refuses_a_period_before_the_data_as_run_does(sample_dir):
    """An analyst running the notebook directly (JupyterLab, papermill) got an all-zero
    report for a wrong year, which `ecanalysis run` refuses."""
    from ecanalysis.errors import ParameterError
    from ecanalysis.notebook import open_report

    with pytest.raises(ParameterError) as caught:
        open_report("weekly_review", store_id="shop01", period="2021-W10", data=sample_dir)
    assert str(caught.value).startswith(
        "period 2021-W10 ends before store shop01's data begin (2023-12-01 to 2025-11-30)"
    )
