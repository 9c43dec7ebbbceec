"""The profit alert rules of ecanalysis.alerts (CM3, missing costs, break-even ROAS) on
three-row frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecanalysis import alerts
from ecanalysis.metrics.channels import flag_channels
from ecanalysis.metrics.profit import contribution_margin

NAN = float("nan")


def margin_rows() -> pd.DataFrame:
    """Three periods: CM3 positive; CM3 negative after ads; CM2 already negative."""
    return pd.DataFrame(
        {
            "cm2": [300.0, 100.0, -50.0],
            "contribution_margin": [120.0, -80.0, -150.0],
            "contribution_margin_rate": [0.1, -0.08, -0.3],
            "payment_fees": [6.0, 2.0, 1.0],
            "commission": [40.0, 10.0, 5.0],
            "other_variable_cost": [10.0, 2.0, 1.0],
            "fulfilment_cost": [24.0, 8.0, 4.0],
        }
    )


def test_negative_cm3_is_a_warning_and_says_whether_ads_or_costs_cause_it():
    rows = margin_rows()
    assert alerts.profit(rows.iloc[0], lang="en") == []
    after_ads = alerts.profit(rows.iloc[1], lang="en")
    assert after_ads == [
        {
            "level": "warning",
            "message": "Contribution margin after ad spend (CM3) is negative: -80.00 (-8.0% of "
            "net sales); ad spend exceeds CM2 100.00",
        }
    ]
    before_ads = alerts.profit(rows.iloc[2], lang="zh")
    assert [a["level"] for a in before_ads] == ["warning"]
    assert "-150.00" in before_ads[0]["message"] and "广告前已亏损" in before_ads[0]["message"]


def test_money_is_currency_neutral_unless_a_currency_is_given():
    row = margin_rows().iloc[1]
    assert "¥" not in alerts.profit(row, lang="zh")[0]["message"]
    assert "-$80.00" in alerts.profit(row, lang="en", currency="USD")[0]["message"]


def test_missing_costs_give_one_info_line_naming_the_keys():
    rows = margin_rows().assign(commission=[NAN] * 3, fulfilment_cost=[NAN, 8.0, NAN])
    rows.loc[:, ["cm2", "contribution_margin", "contribution_margin_rate"]] = NAN
    found = alerts.profit(rows.iloc[0], lang="en")
    assert [a["level"] for a in found] == ["info"]
    assert "commission_rate, fulfilment_cost_per_order" in found[0]["message"]
    assert "payment_fee_rate" not in found[0]["message"]
    zh = alerts.profit(rows.iloc[1], lang="zh")
    assert zh[0]["message"].startswith("成本参数未设置：commission_rate（")


def test_profit_alerts_read_a_contribution_margin_row():
    orders = pd.DataFrame(
        {
            "order_id": ["A"],
            "customer_id": ["c1"],
            "ordered_at": pd.to_datetime(["2025-11-11 09:00"]),
            "paid_at": pd.to_datetime(["2025-11-11 09:01"]),
            "status": ["paid"],
            "gross_amount": [100.0],
            "paid_amount": [100.0],
            "cost_amount": [60.0],
        }
    )
    spend = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"]), "spend": [80.0]})
    row = contribution_margin(orders, spend, costs={"payment_fee_rate": 0.01}).iloc[0]
    # CM2 is unknown (three costs unset), so CM3 is unknown too: no warning, one info.
    found = alerts.profit(row, lang="en")
    assert [a["level"] for a in found] == ["info"]
    assert "commission_rate, other_variable_rate, fulfilment_cost_per_order" in found[0]["message"]


def channel_rows() -> pd.DataFrame:
    # flag_channels with the break-even ROAS 3.3: social (ROAS 2.7, 1/3 of spend) is cut,
    # though ROAS 1 would keep it; search (4.5) grows; direct has no spend.
    perf = pd.DataFrame(
        {
            "channel": ["paid_search", "paid_social", "direct"],
            "spend": [1000.0, 500.0, NAN],
            "roas": [4.5, 2.7, NAN],
            "spend_share": [2 / 3, 1 / 3, NAN],
        }
    )
    return perf


def test_a_channel_roas_1_keeps_is_cut_below_break_even_with_the_loss():
    kept = flag_channels(channel_rows(), roas_floor=1.0, grow_roas=3.0)
    assert list(kept["action"]) == ["grow", "keep", "keep"]
    assert alerts.channel_cuts(kept, floor=1.0, lang="zh") == []
    cut = flag_channels(channel_rows(), roas_floor=1.0, grow_roas=3.0, breakeven_roas=3.3)
    assert list(cut["action"]) == ["grow", "cut", "keep"]
    found = alerts.channel_cuts(cut, floor=1.0, breakeven_roas=3.3, lang="zh")
    # 500 spend at ROAS 2.7 brings 1,350 of sales, which keep 1,350 / 3.3 = 409.09 as CM2.
    loss = 500 * (1 - 2.7 / 3.3)
    assert f"{loss:,.2f}" == "90.91"
    assert found == [
        {
            "level": "warning",
            "message": "渠道 社交广告：ROAS 2.70 低于保本投产比 3.30（占花费 33%，500.00），"
            "建议削减：扣除变动成本和花费后约亏 90.91",
        }
    ]
    assert "ROAS 1" not in found[0]["message"] and "回本线" not in found[0]["message"]


def test_without_a_break_even_the_cut_alert_names_the_floor():
    cut = flag_channels(channel_rows(), roas_floor=3.0, grow_roas=4.0)
    found = alerts.channel_cuts(cut, floor=3.0, breakeven_roas=NAN, lang="en")
    assert len(found) == 1 and "floor 3" in found[0]["message"]


def test_no_roas_breaks_even_when_cm2_is_not_positive():
    cut = flag_channels(channel_rows(), roas_floor=1.0, breakeven_roas=math.inf)
    found = alerts.channel_cuts(cut, floor=1.0, breakeven_roas=math.inf, lang="en")
    assert len(found) == 2  # every channel with spend; direct has none
    assert all("no ROAS breaks even" in a["message"] for a in found)


@pytest.mark.parametrize("breakeven", [4.5, 5.0])
def test_the_break_even_line_is_strict(breakeven):
    cut = flag_channels(channel_rows(), roas_floor=1.0, breakeven_roas=breakeven)
    found = alerts.channel_cuts(cut, floor=1.0, breakeven_roas=breakeven, lang="en")
    assert len(found) == (2 if breakeven > 4.5 else 1)


@pytest.mark.parametrize(
    ("breakeven", "floor", "text"),
    [
        (3.3, 1.0, "the break-even ROAS 3.30"),
        (0.8, 1.0, "the break-even ROAS 1.00"),
        (NAN, 1.0, "ROAS 1 (costs not set: no break-even ROAS)"),
        (None, 2.0, "ROAS 2 (costs not set: no break-even ROAS)"),
        (math.inf, 1.0, "the break-even ROAS (none: CM2 ≤ 0)"),
    ],
)
def test_the_line_is_named_with_its_number(breakeven, floor, text):
    assert alerts.breakeven_line(breakeven, floor, lang="en") == text


def test_a_campaign_is_judged_against_break_even_when_known():
    summary, lift = pd.DataFrame({"roas": [2.5]}), pd.DataFrame({"lift_low": [10.0]})
    below = alerts.campaign(summary, lift, roas_floor=1.0, breakeven_roas=3.3, lang="zh")
    assert below == [
        {
            "level": "warning",
            "message": "活动 ROAS 2.50 低于保本投产比 3.30：扣除变动成本后，活动销售没有赚回花费",
        }
    ]
    assert alerts.campaign(summary, lift, roas_floor=1.0, breakeven_roas=2.0, lang="zh") == []
    assert alerts.campaign(summary, lift, roas_floor=1.0, breakeven_roas=NAN, lang="zh") == []
    assert len(alerts.campaign(summary, lift, roas_floor=3.0, lang="zh")) == 1


@pytest.mark.parametrize(("iroas", "alerted"), [(1.8, True), (3.3, False), (NAN, False)])
def test_incremental_roas_below_break_even_did_not_pay(iroas, alerted):
    frame = pd.DataFrame({"incremental_roas": [iroas]})
    found = alerts.incremental_below_breakeven(frame, breakeven_roas=3.3, lang="en")
    assert bool(found) is alerted
    if alerted:
        assert found[0]["message"] == (
            "Campaign incremental ROAS 1.80 is below the break-even ROAS 3.30: the sales it "
            "added did not pay for it"
        )
    assert alerts.incremental_below_breakeven(frame, breakeven_roas=None, lang="en") == []
