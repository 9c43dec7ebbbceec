"""Campaigns: hand-computed summary, lift intervals on planted lifts, repeat, pull-forward."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import MissingColumnsError, ParameterError
from ecanalysis.metrics import campaigns as cm

WEEK = np.array([100.0, 90, 95, 105, 120, 150, 140])


def daily(days: int = 84, *, seed: int, lift_rows=(), lift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = np.tile(WEEK, days // 7 + 1)[:days] + 0.2 * np.arange(days)
    values = values + rng.normal(0, 6, days)
    values[list(lift_rows)] += lift
    return pd.DataFrame(
        {"date": pd.date_range("2025-08-18", periods=days, freq="D"), "paid_amount": values}
    )


def test_summary_hand_computed():
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["C1"],
            "store_id": ["s1"],
            "name": ["Double 11"],
            "start": pd.to_datetime(["2025-11-11"]),
            "end": pd.to_datetime(["2025-11-12"]),
            "budget": [500.0],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "store_id": ["s1", "s1", "s1", "s1", "s1", "s2"],
            "customer_id": ["a", "b", "a", "c", "b", "z"],
            "ordered_at": pd.to_datetime(
                [
                    "2025-11-04 10:00",
                    "2025-11-11 09:00",
                    "2025-11-11 20:00",
                    "2025-11-12 23:00",
                    "2025-11-13 08:00",
                    "2025-11-11 10:00",
                ]
            ),
            "paid_at": pd.to_datetime(
                [
                    "2025-11-04 10:01",
                    "2025-11-11 09:01",
                    "2025-11-11 20:01",
                    "2025-11-12 23:01",
                    "2025-11-13 08:01",
                    "2025-11-11 10:01",
                ]
            ),
            "status": ["completed", "completed", "refunded", "completed", "completed", "completed"],
            "paid_amount": [70.0, 100.0, 60.0, 40.0, 30.0, 999.0],
            "refund_amount": [0.0, 0.0, 60.0, 0.0, 0.0, 0.0],
            "refunded_at": pd.to_datetime([None, None, "2025-11-20", None, None, None]),
            "cost_amount": [30.0, 50.0, 30.0, 20.0, 10.0, 1.0],
        }
    )
    spend = pd.DataFrame(
        {
            "store_id": ["s1", "s1", "s1"],
            "date": pd.to_datetime(["2025-11-10", "2025-11-11", "2025-11-12"]),
            "channel": ["search"] * 3,
            "spend": [10.0, 40.0, 60.0],
            "campaign_id": ["C1", "C1", "C1"],
        }
    )
    row = cm.campaign_summary(campaigns, orders, spend, baseline_days=7).iloc[0]
    # During: o2, o3, o4 (o5 pays after the end, o6 is another store's).
    assert (row["orders"], row["buyers"], row["new_buyers"]) == (3, 3, 2)
    assert row["paid_amount"] == 200.0
    assert row["net_sales"] == 140.0  # o3's refund counts, dated by its order
    assert row["gross_profit"] == 140.0 - 100.0
    assert row["spend"] == 110.0  # every row tagged C1
    assert row["roas"] == pytest.approx(200 / 110)
    assert row["roi"] == pytest.approx((40 - 110) / 110)
    assert row["baseline_daily_sales"] == pytest.approx(70.0 / 7)
    assert row["during_daily_sales"] == 100.0
    assert row["uplift_pct"] == pytest.approx(100 / 10 - 1)
    assert (row["days"], row["budget"]) == (2, 500.0)


def test_summary_spend_by_window_when_untagged_and_nan_without_table():
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["C1"],
            "name": ["x"],
            "start": pd.to_datetime(["2025-11-11"]),
            "end": pd.to_datetime(["2025-11-11"]),
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1"],
            "customer_id": ["a"],
            "ordered_at": pd.to_datetime(["2025-11-11"]),
            "status": ["paid"],
            "paid_amount": [10.0],
        }
    )
    spend = pd.DataFrame(
        {"date": pd.to_datetime(["2025-11-10", "2025-11-11"]), "spend": [3.0, 5.0]}
    )
    assert cm.campaign_summary(campaigns, orders, spend)["spend"].iloc[0] == 5.0
    without = cm.campaign_summary(campaigns, orders).iloc[0]
    assert np.isnan(without["spend"]) and np.isnan(without["roas"])
    assert np.isnan(without["gross_profit"]) and np.isnan(without["roi"])


def test_planted_lift_is_inside_the_interval_and_zero_is_not():
    frame = daily(seed=1, lift_rows=range(70, 77), lift=50.0)
    lift = cm.campaign_lift(frame, start="2025-10-27", end="2025-11-02").iloc[0]
    assert lift["days"] == 7
    assert lift["pre_days"] == 56
    assert lift["lift_low"] < 350.0 < lift["lift_high"]
    assert lift["lift_low"] > 0
    assert lift["lift"] == pytest.approx(lift["actual"] - lift["baseline"])


def test_no_lift_interval_covers_zero_mostly():
    covered = 0
    for seed in range(20):
        frame = daily(seed=seed)
        lift = cm.campaign_lift(frame, start="2025-10-27", end="2025-11-02").iloc[0]
        covered += int(lift["lift_low"] <= 0 <= lift["lift_high"])
    assert covered >= 16  # a 90 % interval


def test_control_series_absorbs_a_shared_shock():
    base = daily(seed=2)
    shock = np.where(np.arange(84) >= 70, 40.0, 0.0)
    treated = base.assign(paid_amount=base["paid_amount"] + shock)
    control = daily(seed=3).assign(paid_amount=lambda f: f["paid_amount"] + shock)
    alone = cm.campaign_lift(treated, start="2025-10-27", end="2025-11-02").iloc[0]
    with_control = cm.campaign_lift(
        treated, start="2025-10-27", end="2025-11-02", control=control
    ).iloc[0]
    assert alone["lift_low"] > 0
    assert abs(with_control["lift"]) < abs(alone["lift"])


def test_lift_daily_phases_and_columns():
    frame = daily(seed=4)
    days = cm.campaign_lift_daily(frame, start="2025-10-27", end="2025-11-02", post_days=5)
    assert days.groupby("phase", sort=False).size().to_dict() == {
        "pre": 56,
        "campaign": 7,
        "post": 5,
    }
    assert dict(days.dtypes.astype(str)) == cm.LIFT_DAILY_COLUMNS
    assert (days["lower"] <= days["baseline"]).all() and (days["baseline"] <= days["upper"]).all()


def test_short_pre_period_gives_nan_not_error():
    frame = daily(days=12, seed=5)
    lift = cm.campaign_lift(frame, start="2025-08-27", end="2025-08-29")
    assert lift["pre_days"].iloc[0] == 9
    assert lift[["baseline", "lift", "lift_low"]].isna().all(axis=None)
    assert cm.campaign_lift_daily(frame, start="2025-08-27", end="2025-08-29").empty


def test_pull_forward_finds_a_planted_dip():
    frame = daily(days=91, seed=6, lift_rows=range(77, 91), lift=-40.0)
    dip = cm.pull_forward(frame, start="2025-10-27", end="2025-11-02", post_days=14).iloc[0]
    assert dip["post_days"] == 14
    assert dip["dip_low"] < 560 < dip["dip_high"]
    assert dip["dip_low"] > 0
    assert dip["dip_pct"] == pytest.approx(dip["dip"] / dip["post_baseline"])


def test_incremental_roas():
    lift = pd.DataFrame({"lift": [300.0], "lift_low": [-30.0], "lift_high": [600.0]})
    out = cm.incremental_roas(lift, spend=150.0).iloc[0]
    assert (out["incremental_roas"], out["incremental_roas_low"]) == (2.0, -0.2)
    assert np.isnan(cm.incremental_roas(lift, spend=0.0)["incremental_roas"].iloc[0])


def test_new_buyer_repeat_windows_and_censoring():
    orders = pd.DataFrame(
        {
            "order_id": list("ABCDEFG"),
            "customer_id": ["old", "n1", "n1", "n2", "n2", "n3", "old"],
            "ordered_at": pd.to_datetime(
                [
                    "2025-10-01",
                    "2025-11-11",
                    "2025-11-11",  # same day: not a repeat
                    "2025-11-12",
                    "2026-01-05",  # 54 days later
                    "2025-11-11",
                    "2026-01-20",
                ]
            ),
            "status": ["completed"] * 7,
            "paid_amount": [1.0] * 7,
        }
    )
    orders["paid_at"] = orders["ordered_at"]
    out = cm.new_buyer_repeat(orders, start="2025-11-11", end="2025-11-12", windows=(30, 60, 90))
    assert out["new_buyers"].tolist() == [3, 3, 3]
    assert out["repeaters"].tolist() == [0, 1, 1]
    assert out["censored"].tolist() == [False, False, True]
    assert out["repeat_rate"].iloc[:2].tolist() == [0.0, pytest.approx(1 / 3)]
    assert np.isnan(out["repeat_rate"].iloc[2])


def test_bad_input_is_explained():
    with pytest.raises(ParameterError, match="before start"):
        cm.campaign_lift(daily(seed=0), start="2025-11-02", end="2025-10-27")
    with pytest.raises(MissingColumnsError, match="paid_amount"):
        cm.campaign_lift(
            daily(seed=0).rename(columns={"paid_amount": "paid"}),
            start="2025-10-27",
            end="2025-11-02",
        )


# -- issue 17 (nbB): the other campaigns and festivals kept out of the baseline ---------------


def test_baseline_exclusions_lists_other_campaigns_then_festivals():
    table = pd.DataFrame(
        {
            "campaign_id": ["c1", "c2", "c3"],
            "start": pd.to_datetime(["2025-09-01", "2025-10-10", "2025-11-01"]),
            "end": pd.to_datetime(["2025-09-03", "2025-10-12", "2025-11-11"]),
        }
    )
    out = cm.baseline_exclusions(
        table,
        campaign_id="c3",
        start="2025-11-01",
        end="2025-11-11",
        region="cn",
        lookback_days=20,
    )
    assert out["event"].tolist()[:2] == ["c1", "c2"]  # not c3 itself
    assert out.loc[:1, ["pre_days", "post_days"]].to_numpy().tolist() == [[0, 0], [0, 0]]
    # the campaign's own festival stays: its pre-window is no baseline either
    assert "double_11" in set(out["event"])


def test_excluding_another_campaign_raises_the_baseline_it_depressed():
    days = pd.date_range("2025-08-01", "2025-11-11", freq="D")
    sales = pd.Series(100.0, index=days)
    sales[(days >= "2025-10-01") & (days <= "2025-10-10")] = 300.0  # another sale before
    daily = pd.DataFrame({"date": days, "paid_amount": sales.to_numpy()})
    window = {"start": "2025-11-05", "end": "2025-11-11"}
    other = pd.DataFrame({"start": ["2025-10-01"], "end": ["2025-10-10"]})
    plain = cm.campaign_lift(daily, **window).iloc[0]
    kept_out = cm.campaign_lift(daily, **window, exclude=other).iloc[0]
    # without the other sale in the fit, the baseline is the flat 100 a day: 700, no lift
    assert kept_out["baseline"] == pytest.approx(700.0, abs=1e-6)
    assert kept_out["lift"] == pytest.approx(0.0, abs=1e-6)
    assert plain["baseline"] != pytest.approx(700.0, abs=1.0)
