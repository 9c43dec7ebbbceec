"""ecanalysis.metrics.refunds: refund rates by reason (missing reasons kept), timing, campaigns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.metrics import refunds as rf


def _orders():
    return pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5"],
            "status": ["paid", "paid", "refunded", "paid", "cancelled"],
            "channel": ["app", "app", "web", "web", "web"],
            "ordered_at": pd.to_datetime(
                ["2025-11-01", "2025-11-10", "2025-11-20", "2025-12-02", "2025-11-03"]
            ),
            "paid_amount": [100.0, 200.0, 300.0, 400.0, 999.0],
            "refund_amount": [0.0, 50.0, 300.0, 0.0, 0.0],
            "refunded_at": pd.to_datetime([None, "2025-11-15", "2025-12-03", None, None]),
        }
    )


def _refunds():
    return pd.DataFrame(
        {
            "refund_id": ["r1", "r2", "r3"],
            "order_id": ["o2", "o3", "o3"],
            "amount": [50.0, 200.0, 100.0],
            "refunded_at": pd.to_datetime(["2025-11-15", "2025-12-03", "2025-12-03"]),
            "requested_at": pd.to_datetime(["2025-11-14", "2025-11-29", "2025-12-01"]),
            "reason": ["尺码不合适", None, "  "],
            "kind": ["refund_only", "return_refund", "return_refund"],
            "sku": ["x", "y", None],
        }
    )


def test_refund_summary_by_month_dates_refunds_and_sales_apart():
    out = rf.refund_summary(_refunds(), _orders())
    expected = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-11-01", "2025-12-01"]).astype("datetime64[ns]"),
            "refunds": [1, 2],
            "refunded_orders": [1, 1],
            "refund_amount": [50.0, 300.0],
            "orders": [3, 1],
            "paid_amount": [600.0, 400.0],
            "refund_rate": [50 / 600, 300 / 400],
            "order_refund_rate": [1 / 3, 1.0],
            "median_days_to_refund": [1.0, 3.0],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_missing_reasons_are_a_bucket_and_rates_add_up():
    out = rf.refund_summary(_refunds(), _orders(), by="reason")
    december = out[out["period_start"] == "2025-12-01"]
    assert december[["reason", "refunds", "refund_amount"]].values.tolist() == [
        [rf.NOT_GIVEN, 2, 300.0]
    ]
    total = rf.refund_summary(_refunds(), _orders())
    by_month = out.groupby("period_start")["refund_rate"].sum().to_numpy()
    np.testing.assert_allclose(by_month, total["refund_rate"].to_numpy())
    by_sku = rf.refund_summary(_refunds(), _orders(), by="sku", freq="YS")
    assert by_sku["sku"].tolist() == [rf.NOT_GIVEN, "x", "y"]
    assert by_sku["refund_amount"].sum() == 350.0


def test_refund_summary_by_channel_divides_by_the_channel_sales():
    out = rf.refund_summary(_refunds(), _orders(), by="channel", freq="YS")
    assert out[["channel", "refund_amount", "orders", "paid_amount"]].values.tolist() == [
        ["app", 50.0, 2, 300.0],
        ["web", 300.0, 2, 700.0],
    ]
    assert out["refund_rate"].tolist() == pytest.approx([50 / 300, 300 / 700])


def test_without_a_refunds_table_orders_refund_amount_is_read():
    out = rf.refund_summary(None, _orders(), freq="YS")
    assert out[["refunds", "refund_amount", "orders", "paid_amount"]].values.tolist() == [
        [2, 350.0, 4, 1000.0]
    ]
    assert np.isnan(out["median_days_to_refund"].item())
    with pytest.raises(ParameterError, match="reason"):
        rf.refund_summary(_refunds(), _orders(), by="status")


def test_refund_timing_by_kind():
    out = rf.refund_timing(_refunds())
    assert out["kind"].tolist() == ["refund_only", "return_refund"]
    assert out["refunds"].tolist() == [1, 2]
    assert out["median_days_to_refund"].tolist() == [1.0, 3.0]
    assert out["p90_days_to_refund"].tolist() == pytest.approx([1.0, 2.0 + 0.9 * 2.0])
    overall = rf.refund_timing(_refunds(), by=None)
    assert overall[["refunds", "timed_refunds"]].values.tolist() == [[3, 3]]


def test_campaign_refund_rate_counts_refunds_until_as_of_and_flags_maturity():
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["c1", "c2"],
            "name": ["早春", "双11"],
            "start": pd.to_datetime(["2025-11-01", "2025-11-15"]),
            "end": pd.to_datetime(["2025-11-10", "2025-11-20"]),
        }
    )
    out = rf.campaign_refund_rate(
        _refunds(), _orders(), campaigns, as_of="2025-12-02", maturity_days=20
    )
    assert out["orders"].tolist() == [2, 1]
    assert out["paid_amount"].tolist() == [300.0, 300.0]
    # o3's refunds of 2025-12-03 come after as_of: c2 shows none yet
    assert out["refund_amount"].tolist() == [50.0, 0.0]
    assert out["refund_rate"].tolist() == pytest.approx([50 / 300, 0.0])
    assert out["days_since_end"].tolist() == [21, 11]
    assert out["mature"].tolist() == [True, False]
    later = rf.campaign_refund_rate(_refunds(), _orders(), campaigns, as_of="2026-01-01")
    assert later["refund_amount"].tolist() == [50.0, 300.0]
