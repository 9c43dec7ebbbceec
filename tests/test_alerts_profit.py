"""The profit alert rules (ecanalysis.alerts_profit) on three-row frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecanalysis.alerts_profit import channel_breakeven_alerts, profit_alerts
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
    assert profit_alerts(rows.iloc[0], lang="en") == []
    after_ads = profit_alerts(rows.iloc[1], lang="en")
    assert after_ads == [
        {
            "level": "warning",
            "message": "Contribution margin after ad spend (CM3) is negative: -80.00 (-8.0% of "
            "net sales); ad spend exceeds CM2 100.00",
        }
    ]
    before_ads = profit_alerts(rows.iloc[2], lang="zh")
    assert [a["level"] for a in before_ads] == ["warning"]
    assert "-150.00" in before_ads[0]["message"] and "广告前已亏损" in before_ads[0]["message"]


def test_money_is_currency_neutral_unless_a_currency_is_given():
    row = margin_rows().iloc[1]
    assert "¥" not in profit_alerts(row, lang="zh")[0]["message"]
    assert "-$80.00" in profit_alerts(row, lang="en", currency="USD")[0]["message"]


def test_missing_costs_give_one_info_line_naming_the_keys():
    rows = margin_rows().assign(commission=[NAN] * 3, fulfilment_cost=[NAN, 8.0, NAN])
    rows.loc[:, ["cm2", "contribution_margin", "contribution_margin_rate"]] = NAN
    alerts = profit_alerts(rows.iloc[0], lang="en")
    assert [a["level"] for a in alerts] == ["info"]
    assert "commission_rate, fulfilment_cost_per_order" in alerts[0]["message"]
    assert "payment_fee_rate" not in alerts[0]["message"]
    zh = profit_alerts(rows.iloc[1], lang="zh")
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
    alerts = profit_alerts(row, lang="en")
    assert [a["level"] for a in alerts] == ["info"]
    assert "commission_rate, other_variable_rate, fulfilment_cost_per_order" in alerts[0]["message"]


def channel_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "channel": ["paid_search", "paid_social", "direct"],
            "spend": [1000.0, 500.0, NAN],
            "roas": [4.5, 2.7, NAN],
        }
    )


def test_channels_with_spend_below_break_even_are_warned_with_the_loss():
    alerts = channel_breakeven_alerts(channel_rows(), breakeven_roas=3.3, lang="zh")
    assert len(alerts) == 1 and alerts[0]["level"] == "warning"
    # 500 spend at ROAS 2.7 brings 1,350 of sales, which keep 1,350 / 3.3 = 409.09 as CM2.
    loss = 500 * (1 - 2.7 / 3.3)
    assert f"{loss:,.2f}" == "90.91"
    assert alerts[0]["message"] == (
        "渠道 社交广告：ROAS 2.70 低于保本投产比 3.30，花费 500.00，扣除变动成本和花费后约亏 90.91"
    )


def test_channel_alerts_need_a_known_break_even():
    assert channel_breakeven_alerts(channel_rows(), breakeven_roas=None, lang="en") == []
    assert channel_breakeven_alerts(channel_rows(), breakeven_roas=NAN, lang="en") == []
    everything = channel_breakeven_alerts(channel_rows(), breakeven_roas=math.inf, lang="en")
    assert len(everything) == 2  # every channel with spend; direct has none
    assert "no ROAS breaks even" in everything[0]["message"]


@pytest.mark.parametrize("breakeven", [4.5, 5.0])
def test_the_break_even_line_is_strict(breakeven):
    alerts = channel_breakeven_alerts(channel_rows(), breakeven_roas=breakeven, lang="en")
    assert len(alerts) == (2 if breakeven > 4.5 else 1)
