"""Tests of ecanalysis.metrics.channels and ecanalysis.metrics.compare."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ecanalysis.metrics import channels as cm
from ecanalysis.metrics import compare as km


def orders() -> pd.DataFrame:
    ts = pd.to_datetime
    return pd.DataFrame(
        {
            "customer_id": ["c0", "c1", "c2", "c1", "c3", "c4"],
            "channel": ["search", "search", "search", "search", "social", None],
            "ordered_at": ts(
                [
                    "2025-10-01 09:00",
                    "2025-11-11 09:00",
                    "2025-11-11 10:00",
                    "2025-11-11 11:00",
                    "2025-11-11 12:00",
                    "2025-11-11 13:00",
                ]
            ),
            "paid_at": ts(
                [
                    "2025-10-01 09:01",
                    "2025-11-11 09:01",
                    None,
                    "2025-11-11 11:01",
                    "2025-11-11 12:01",
                    "2025-11-11 13:01",
                ]
            ),
            "status": ["paid", "paid", "cancelled", "paid", "paid", "paid"],
            "paid_amount": [10.0, 100.0, 0.0, 50.0, 30.0, 20.0],
        }
    )


def traffic() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-11"] * 3),
            "source": ["search", "social", "direct"],
            "visitors": [100, 60, 40],
            "sessions": [120, 70, 45],
            "pageviews": [300, 100, 90],
        }
    )


def spend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-11"] * 2),
            "channel": ["search", "social"],
            "spend": [40.0, 60.0],
            "impressions": [1000, 3000],
            "clicks": [50, 30],
        }
    )


def test_channel_performance_hand_computed():
    out = cm.channel_performance(orders(), traffic(), spend(), start="2025-11-11")
    assert out["channel"].tolist() == ["(none)", "direct", "search", "social"]
    search = out.set_index("channel").loc["search"]
    assert (search["orders"], search["buyers"], search["new_buyers"]) == (2, 1, 1)
    assert search["paid_amount"] == 150.0
    assert search["visitors"] == 100.0 and search["spend"] == 40.0
    assert search["ctr"] == pytest.approx(0.05)
    assert search["cpc"] == pytest.approx(0.8)
    assert search["conversion_rate"] == pytest.approx(0.02)
    assert search["cpa"] == 20.0 and search["roas"] == 3.75 and search["aov"] == 75.0
    assert search["spend_share"] == 0.4 and search["revenue_share"] == 0.75
    social = out.set_index("channel").loc["social"]
    assert social["roas"] == 0.5 and social["spend_share"] == 0.6
    direct = out.set_index("channel").loc["direct"]
    assert direct["orders"] == 0 and np.isnan(direct["roas"]) and np.isnan(direct["cpa"])
    assert out["revenue_share"].sum() == pytest.approx(1.0)


def test_store_wide_traffic_rows_are_not_a_channel():
    # 11-11: per-source rows for search and social, plus a store-wide row (source "all",
    # as older 生意参谋 imports wrote it) and one with a null source (as imports write it
    # now). Neither store-wide row is a channel: no "all" row with visitors and 0 orders,
    # and (none), whose orders have no traffic source, gets NaN conversion, not 5 / 22315.
    store_wide = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-11"] * 4),
            "source": ["search", "social", "all", None],
            "visitors": [100, 60, 22315, 900],
            "sessions": [120, 70, None, None],
            "pageviews": [300, 100, 90000, 3000],
        }
    )
    out = cm.channel_performance(orders(), store_wide, start="2025-11-11").set_index("channel")
    assert out.index.tolist() == ["(none)", "search", "social"]
    assert np.isnan(out.loc["(none)", "visitor_days"])
    assert out.loc[["search", "social"], "visitor_days"].tolist() == [100.0, 60.0]
    assert out.loc[["search", "social"], "sessions"].tolist() == [120.0, 70.0]
    assert out["orders"].tolist() == [1, 2, 1]
    assert np.isnan(out.loc["(none)", "conversion_rate"])
    assert out.loc["search", "conversion_rate"] == pytest.approx(2 / 100)
    assert out.loc["social", "conversion_rate"] == pytest.approx(1 / 60)
    # only store-wide rows, or no source column at all: every channel has NaN traffic
    for traffic_frame in (store_wide.iloc[2:], store_wide.drop(columns=["source"])):
        only = cm.channel_performance(orders(), traffic_frame, start="2025-11-11")
        assert only["channel"].tolist() == ["(none)", "search", "social"]
        assert only["visitor_days"].isna().all() and only["conversion_rate"].isna().all()
        assert only["orders"].tolist() == [1, 2, 1]


def test_channel_performance_history_judges_new_buyers():
    history = orders().assign(customer_id=["c1", "c1", "c2", "c1", "c3", "c4"])
    out = cm.channel_performance(history, start="2025-11-11").set_index("channel")
    assert out.loc["search", "new_buyers"] == 0  # c1 first paid in October
    assert out.loc["search", "orders"] == 2
    everything = cm.channel_performance(history).set_index("channel")
    assert everything.loc["search", "orders"] == 3


def test_channel_performance_visitors_nan_over_several_days():
    two_days = pd.concat([traffic(), traffic().assign(date=pd.Timestamp("2025-11-12"))])
    out = cm.channel_performance(orders(), two_days).set_index("channel")
    assert np.isnan(out.loc["search", "visitors"])
    assert out.loc["search", "visitor_days"] == 200.0
    assert np.isnan(out.loc["search", "spend"])


def test_flag_channels_rules():
    perf = pd.DataFrame(
        {
            "channel": ["a", "b", "c", "d", "e", "f"],
            "spend": [100.0, 100.0, 100.0, 5.0, 5.0, 0.0],
            "paid_amount": [50.0, 400.0, 200.0, 1.0, 50.0, 10.0],
        }
    )
    perf["roas"] = perf["paid_amount"] / perf["spend"].where(perf["spend"] > 0)
    perf["spend_share"] = perf["spend"] / perf["spend"].sum()
    out = cm.flag_channels(perf, min_spend_share=0.05, roas_floor=1.0, grow_roas=3.0)
    assert out["action"].tolist() == ["cut", "grow", "keep", "watch", "keep", "keep"]
    assert "ROAS 0.50" in out.loc[0, "reason"]
    assert list(out.columns) == [*perf.columns, "action", "reason"]


def test_compare_periods_one_row_kpis():
    now = pd.DataFrame({"orders": [120], "paid_amount": [0.0], "gross_margin": [0.42]})
    before = pd.DataFrame({"orders": [100], "paid_amount": [0.0], "gross_margin": [0.40]})
    out = km.compare_periods(now, before)
    expected = pd.DataFrame(
        {
            "metric": ["orders", "paid_amount", "gross_margin"],
            "current": [120.0, 0.0, 0.42],
            "previous": [100.0, 0.0, 0.40],
            "change": [20.0, 0.0, 0.42 - 0.40],
            "change_pct": [0.2, np.nan, (0.42 - 0.40) / 0.40],
        }
    ).astype({"metric": "str"})
    assert_frame_equal(out, expected)


def test_compare_periods_grouped_outer_join_and_negative_base():
    now = pd.DataFrame({"channel": ["a", "b"], "gross_profit": [10.0, 5.0]})
    before = pd.DataFrame({"channel": ["b", "c"], "gross_profit": [-10.0, 3.0]})
    out = km.compare_periods(now, before, keys=["channel"])
    assert out["channel"].tolist() == ["a", "b", "c"]
    assert np.isnan(out.loc[0, "previous"]) and np.isnan(out.loc[0, "change_pct"])
    assert out.loc[1, "change"] == 15.0 and out.loc[1, "change_pct"] == 1.5
    assert np.isnan(out.loc[2, "current"])


def test_compare_periods_refuses_many_rows_without_keys():
    two = pd.DataFrame({"orders": [1, 2]})
    with pytest.raises(ValueError, match="keys"):
        km.compare_periods(two, two)


def test_contribution_shares_sum_to_one():
    now = pd.DataFrame({"channel": ["a", "b", "c"], "paid_amount": [300.0, 500.0, 50.0]})
    before = pd.DataFrame({"channel": ["a", "b", "d"], "paid_amount": [200.0, 650.0, 20.0]})
    out = km.contribution(now, before, by="channel")
    assert out["channel"].tolist() == ["b", "a", "c", "d"]
    assert out["change"].tolist() == [-150.0, 100.0, 50.0, -20.0]
    assert out["share_of_change"].sum() == pytest.approx(1.0)
    assert out.loc[0, "share_of_change"] == pytest.approx(-150 / -20)
    flat = km.contribution(now, now, by="channel")
    assert flat["share_of_change"].isna().all()


def test_vs_trailing_mean_window_and_lag():
    daily = pd.DataFrame(
        {
            "period_start": pd.date_range("2025-11-01", periods=9),
            "orders": [1, 2, 3, 4, 5, 6, 7, 14, 0],
        }
    )
    out = km.vs_trailing_mean(daily, value_cols=["orders"], days=7)
    assert list(out.columns) == [
        "period_start",
        "orders",
        "orders_trailing_mean",
        "orders_vs_trailing",
        "orders_lag_7",
    ]
    assert out["orders_trailing_mean"].iloc[:7].isna().all()
    assert out.loc[7, "orders_trailing_mean"] == 4.0
    assert out.loc[7, "orders_vs_trailing"] == 2.5
    assert out.loc[7, "orders_lag_7"] == 1.0
    assert out.loc[8, "orders_trailing_mean"] == pytest.approx(41 / 7)
    assert out.loc[8, "orders_lag_7"] == 2.0


def test_mix_rate_decomposition_sums_to_the_ratio_change():
    before = pd.DataFrame(
        {"channel": ["a", "b", "gone"], "paid_amount": [100.0, 900.0, 50.0], "orders": [2, 18, 1]}
    )
    now = pd.DataFrame(
        {"channel": ["a", "b", "new"], "paid_amount": [800.0, 300.0, 100.0], "orders": [10, 10, 5]}
    )
    out = km.mix_rate_decomposition(
        now, before, by="channel", numerator="paid_amount", denominator="orders"
    )
    assert out["channel"].tolist() == ["a", "b", "gone", "new"]
    change = 1200 / 25 - 1050 / 21
    assert out["total_effect"].sum() == pytest.approx(change)
    a = out.iloc[0]
    assert (a["previous_weight"], a["current_weight"]) == (2 / 21, 0.4)
    assert a["rate_effect"] == pytest.approx(0.4 * (80 - 50))
    assert a["mix_effect"] == pytest.approx((0.4 - 2 / 21) * (50 - 50))
    new = out.iloc[3]
    assert new["rate_effect"] == 0.0 and np.isnan(new["previous_rate"])
    assert new["mix_effect"] == pytest.approx(0.2 * (20 - 50))
    gone = out.iloc[2]
    assert gone["current_weight"] == 0.0 and gone["mix_effect"] == pytest.approx(0.0)


def test_a_new_buyer_is_new_in_the_channel_of_their_first_order_only():
    """c1 first buys through social, then through search: new in social only, so the
    channels' new buyers (1 + 1) add up to the store's two new buyers."""
    two_channels = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2"],
            "channel": ["social", "search", "search"],
            "ordered_at": pd.to_datetime(
                ["2025-11-11 09:00", "2025-11-11 11:00", "2025-11-11 12:00"]
            ),
            "paid_at": pd.to_datetime(["2025-11-11 09:01", "2025-11-11 11:01", "2025-11-11 12:01"]),
            "status": ["paid"] * 3,
            "paid_amount": [10.0, 20.0, 30.0],
        }
    )
    out = cm.channel_performance(two_channels, start="2025-11-11").set_index("channel")
    assert out["buyers"].to_dict() == {"search": 2, "social": 1}
    assert out["new_buyers"].to_dict() == {"search": 1, "social": 1}
