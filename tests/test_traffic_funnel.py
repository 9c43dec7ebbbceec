"""Tests of ecanalysis.metrics.traffic and ecanalysis.metrics.funnel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ecanalysis.errors import DataError, MissingColumnsError
from ecanalysis.metrics import funnel as fm
from ecanalysis.metrics import traffic as tm


def traffic() -> pd.DataFrame:
    """Two days, two sources on the first (2025-11-10 Mon, 11-11 Tue)."""
    return pd.DataFrame(
        {
            "store_id": ["S1", "S1", "S1"],
            "date": pd.to_datetime(["2025-11-10", "2025-11-10", "2025-11-11"]),
            "source": ["search", "ads", "search"],
            "device": ["mobile", "pc", "mobile"],
            "visitors": [80, 20, 50],
            "sessions": [100, 25, 60],
            "pageviews": [400, 50, 180],
            "new_visitors": [30, 10, 20],
            "bounces": [40, 15, 30],
            "time_on_site_s": [12000.0, 1500.0, 6000.0],
            "cart_visitors": [8, 2, 5],
            "product_views": [200, 30, 90],
        }
    )


def orders() -> pd.DataFrame:
    ts = pd.to_datetime
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2", "c3", "c4", "c1"],
            "device": ["mobile", "mobile", "pc", "mobile", "mobile", "mobile"],
            "ordered_at": ts(
                [
                    "2025-11-10 09:00",
                    "2025-11-10 10:00",
                    "2025-11-10 11:00",
                    "2025-11-10 23:50",
                    "2025-11-11 08:00",
                    "2025-11-11 09:00",
                ]
            ),
            "paid_at": ts(
                [
                    "2025-11-10 09:01",
                    "2025-11-10 10:01",
                    None,
                    "2025-11-11 00:05",
                    "2025-11-11 08:01",
                    None,
                ]
            ),
            "status": ["paid", "paid", "cancelled", "paid", "paid", "placed"],
        }
    )


def test_traffic_summary_daily_hand_computed():
    out = tm.traffic_summary(traffic())
    expected = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-11-10", "2025-11-11"]),
            "visitors": [100.0, 50.0],
            "visitor_days": [100.0, 50.0],
            "sessions": [125.0, 60.0],
            "pageviews": [450.0, 180.0],
            "new_visitors": [40.0, 20.0],
            "returning_visitors": [60.0, 30.0],
            "new_visitor_share": [0.4, 0.4],
            "pages_per_visitor": [4.5, 3.6],
            "pages_per_session": [3.6, 3.0],
            "sessions_or_visitors": [125.0, 60.0],
            "time_on_site_s": [13500.0, 6000.0],
            "avg_time_on_site_s": [108.0, 100.0],
            "bounces": [55.0, 30.0],
            "bounce_rate": [0.44, 0.5],
            "cart_visitors": [10.0, 5.0],
            "product_views": [230.0, 90.0],
        }
    )
    assert_frame_equal(out, expected.astype({"period_start": "datetime64[ns]"}))


def test_weekly_visitors_are_not_summed_across_days():
    out = tm.traffic_summary(traffic(), freq="W").iloc[0]
    assert np.isnan(out["visitors"])
    assert out["visitor_days"] == 150.0
    assert out["pages_per_visitor"] == pytest.approx(630 / 150)
    assert out["bounce_rate"] == pytest.approx(85 / 185)


def test_traffic_by_source_and_missing_optional_columns():
    out = tm.traffic_summary(traffic(), by="source")
    assert out["source"].tolist() == ["ads", "search", "search"]
    slim = traffic()[["date", "visitors", "pageviews"]]
    row = tm.traffic_summary(slim).iloc[0]
    assert np.isnan(row["sessions"]) and np.isnan(row["bounce_rate"])
    assert row["pages_per_visitor"] == 4.5
    with pytest.raises(MissingColumnsError, match="pageviews"):
        tm.traffic_summary(traffic().drop(columns=["pageviews"]))


def sycm_traffic() -> pd.DataFrame:
    """生意参谋 store-wide days: visitors, bounced visitors and seconds, no sessions."""
    return pd.DataFrame(
        {
            "store_id": ["S1", "S1"],
            "date": pd.to_datetime(["2025-11-10", "2025-11-11"]),
            "source": [None, None],
            "visitors": [200, 100],
            "pageviews": [900, 300],
            "bounces": [90, 30],  # 跳失率 45 % and 30 %
            "time_on_site_s": [9000.0, 6000.0],  # 平均停留时长 45 s and 60 s per visitor
        }
    )


def test_without_sessions_bounce_rate_and_time_on_site_are_per_visitor():
    out = tm.traffic_summary(sycm_traffic())
    assert out["sessions"].isna().all()
    assert out["sessions_or_visitors"].tolist() == [200.0, 100.0]
    assert out["bounce_rate"].tolist() == [0.45, 0.30]
    assert out["avg_time_on_site_s"].tolist() == [45.0, 60.0]
    assert out["pages_per_session"].isna().all()
    # a week: ratios of sums, (90 + 30) / (200 + 100) and (9000 + 6000) / 300
    week = tm.traffic_summary(sycm_traffic(), freq="W").iloc[0]
    assert week["bounces"] == 120.0 and week["sessions_or_visitors"] == 300.0
    assert week["bounce_rate"] == pytest.approx(0.4)
    assert week["time_on_site_s"] == 15000.0
    assert week["avg_time_on_site_s"] == pytest.approx(50.0)
    # a sessions column that is null on every row is the same as none
    nulls = sycm_traffic().assign(sessions=pd.Series([np.nan, np.nan]))
    assert_frame_equal(tm.traffic_summary(nulls), out)


def test_rows_without_sessions_use_their_visitors_in_a_mixed_frame():
    # 11-10: a row with sessions (100 sessions, 40 bounces, 12000 s) and a 生意参谋 row
    # without (50 visitors, 10 bounced, 2500 s); 11-11: only a row with sessions.
    mixed = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-10", "2025-11-10", "2025-11-11"]),
            "visitors": [80, 50, 40],
            "sessions": [100, None, 50],
            "pageviews": [400, 200, 150],
            "bounces": [40, 10, 20],
            "time_on_site_s": [12000.0, 2500.0, 5000.0],
        }
    )
    out = tm.traffic_summary(mixed)
    assert out["sessions"].tolist() == [100.0, 50.0]
    assert out["sessions_or_visitors"].tolist() == [150.0, 50.0]
    assert out["bounce_rate"].tolist() == pytest.approx([50 / 150, 20 / 50])
    assert out["avg_time_on_site_s"].tolist() == pytest.approx([14500 / 150, 100.0])
    # 600 pageviews over 100 sessions would be 6 a session: half the views had no session
    assert out["pages_per_session"].tolist() == pytest.approx([np.nan, 3.0], nan_ok=True)
    week = tm.traffic_summary(mixed, freq="W").iloc[0]
    assert week["bounce_rate"] == pytest.approx(70 / 200)
    assert week["avg_time_on_site_s"] == pytest.approx(19500 / 200)
    assert np.isnan(week["pages_per_session"]) and week["pages_per_visitor"] == 750 / 170


def test_zero_sessions_give_nan_rates():
    quiet = traffic().assign(sessions=0, bounces=0, visitors=0, pageviews=0)
    row = tm.traffic_summary(quiet).iloc[0]
    assert np.isnan(row["bounce_rate"]) and np.isnan(row["pages_per_visitor"])


def test_conversion_funnel_daily_hand_computed():
    out = fm.conversion_funnel(traffic(), orders())
    expected = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-11-10", "2025-11-11"]),
            "visitors": [100.0, 50.0],
            "visitor_days": [100.0, 50.0],
            "cart_visitors": [10.0, 5.0],
            # 11-10: c1, c2, c3 placed; c1 paid (c3 paid after midnight)
            # 11-11: c4, c1 placed; c3, c4 paid
            "order_buyers": [3, 2],
            "paid_buyers": [1, 2],
            "cart_rate": [0.1, 0.1],
            "order_conversion_rate": [0.03, 0.04],
            "payment_conversion_rate": [0.01, 0.04],
            "order_to_payment_rate": [1 / 3, 1.0],
        }
    )
    assert_frame_equal(out, expected.astype({"period_start": "datetime64[ns]"}))


def test_weekly_funnel_counts_buyer_days_over_visitor_days():
    row = fm.conversion_funnel(traffic(), orders(), freq="W").iloc[0]
    assert np.isnan(row["visitors"])
    assert (row["order_buyers"], row["paid_buyers"]) == (5, 3)
    assert row["payment_conversion_rate"] == pytest.approx(3 / 150)


def test_funnel_by_device_and_days_without_traffic_dropped():
    out = fm.conversion_funnel(traffic(), orders(), by="device")
    pc = out[out["device"] == "pc"].iloc[0]
    assert (pc["visitors"], pc["order_buyers"], pc["paid_buyers"]) == (20.0, 1, 0)
    late = orders().assign(ordered_at=pd.Timestamp("2025-12-01"), paid_at=pd.NaT)
    assert fm.conversion_funnel(traffic(), late)["order_buyers"].sum() == 0


def test_funnel_refuses_traffic_and_orders_in_different_time_zones():
    aware_orders = orders()
    for column in ("ordered_at", "paid_at"):
        aware_orders[column] = aware_orders[column].dt.tz_localize("Asia/Shanghai")
    utc_traffic = traffic().assign(date=traffic()["date"].dt.tz_localize("UTC"))
    with pytest.raises(
        DataError, match=r"traffic\.date \(UTC\), orders\.ordered_at \(Asia/Shanghai\)"
    ):
        fm.conversion_funnel(utc_traffic, aware_orders)
    # both in the store's zone: the hand-computed daily funnel (11-10: 3 placing and
    # 1 paying buyer of 100 visitors; 11-11: 2 and 2 of 50)
    shanghai_traffic = traffic().assign(date=traffic()["date"].dt.tz_localize("Asia/Shanghai"))
    out = fm.conversion_funnel(shanghai_traffic, aware_orders)
    assert out["order_buyers"].tolist() == [3, 2]
    assert out["paid_buyers"].tolist() == [1, 2]
    assert out["payment_conversion_rate"].tolist() == [0.01, 0.04]


def test_funnel_steps_rates():
    steps = fm.funnel_steps(fm.conversion_funnel(traffic(), orders()))
    assert steps["step"].tolist() == ["visitors", "cart_visitors", "order_buyers", "paid_buyers"]
    assert steps["count"].tolist() == [150.0, 15.0, 5.0, 3.0]
    np.testing.assert_allclose(steps["rate_from_previous"], [np.nan, 0.1, 1 / 3, 0.6])
    np.testing.assert_allclose(steps["rate_from_first"], [1.0, 0.1, 5 / 150, 3 / 150])


def test_inputs_not_mutated():
    t, o = traffic(), orders()
    fm.conversion_funnel(t, o, freq="MS", by="device")
    tm.traffic_summary(t, freq="W", by="source")
    assert_frame_equal(t, traffic())
    assert_frame_equal(o, orders())
