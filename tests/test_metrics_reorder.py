"""ecanalysis.metrics.inventory.reorder_plan and campaign_uplift: hand-computed plans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from ecanalysis.errors import ParameterError
from ecanalysis.metrics.inventory import campaign_uplift, reorder_plan

AS_OF = "2025-11-29"  # the window of 28 days is 2025-11-01 … 2025-11-28


def _sales(daily: dict[str, list[int]], first_day: str = "2025-11-01"):
    """Orders and lines: sku → units on each consecutive day (0 = no order that day)."""
    order_ids, skus, quantities, stamps = [], [], [], []
    for sku, units in daily.items():
        for day, quantity in enumerate(units):
            if quantity:
                order_ids.append(f"{sku}-{day}")
                skus.append(sku)
                quantities.append(quantity)
                stamps.append(pd.Timestamp(first_day) + pd.Timedelta(days=day, hours=10))
    orders = pd.DataFrame(
        {"order_id": order_ids, "status": "paid", "ordered_at": pd.to_datetime(stamps)}
    )
    items = pd.DataFrame(
        {"order_id": order_ids, "sku": skus, "quantity": quantities, "unit_price": 9.0}
    )
    return items, orders


def _products(**columns):
    frame = pd.DataFrame({"sku": ["x"], "title": ["X"], "status": "listed"})
    for name, value in columns.items():
        frame[name] = value
    return frame


def test_shopify_worked_example_reorder_point_44():
    # 4 units a day, 7-day lead time (the product's own, winning over the argument), 4 safety days
    items, orders = _sales({"x": [4] * 28})
    products = _products(stock_on_hand=[100], lead_time_days=[7])
    plan = reorder_plan(
        products, items, orders, as_of=AS_OF, lead_time_days=30, safety_days=4
    ).iloc[0]
    assert plan.daily_velocity == 4.0
    assert plan.lead_time_days == 7.0
    assert plan.safety_stock == 16.0
    assert plan.reorder_point == 44.0
    assert plan.days_to_reorder == pytest.approx((100 - 44) / 4)
    assert plan.status == "ok" and plan.suggested_qty == 0.0


def test_out_of_stock_days_are_not_selling_days():
    # 14 days selling 4 a day, then out of stock (end-of-day 0, no sales) for 14 days;
    # the last selling day ends at 0 stock but sold, so it still counts
    items, orders = _sales({"x": [4] * 14 + [0] * 14})
    days = pd.date_range("2025-11-01", periods=28, freq="D")
    stock = [100 - 4 * (d + 1) for d in range(13)] + [0] * 15
    levels = pd.DataFrame({"date": days, "sku": "x", "stock_on_hand": stock})
    products = _products(stock_on_hand=[0])
    plan = reorder_plan(
        products, items, orders, as_of=AS_OF, stock_levels=levels, lead_time_days=7, safety_days=4
    ).iloc[0]
    assert plan.selling_days == 14
    assert plan.daily_velocity == 4.0
    assert plan.status == "reorder_now"
    # 44 + 4 × 30 − 0 = 164
    assert plan.suggested_qty == 164.0
    without = reorder_plan(products, items, orders, as_of=AS_OF, lead_time_days=7).iloc[0]
    assert (without.selling_days, without.daily_velocity) == (28, 2.0)


def test_service_level_safety_stock_is_z_sigma_root_lead_time():
    pattern = [2, 6] * 14
    items, orders = _sales({"x": pattern})
    products = _products(stock_on_hand=[500])
    plan = reorder_plan(
        products, items, orders, as_of=AS_OF, lead_time_days=9, service_level=0.95
    ).iloc[0]
    sigma = np.std(pattern, ddof=1)
    assert plan.safety_stock == pytest.approx(norm.ppf(0.95) * sigma * 3)
    assert plan.reorder_point == pytest.approx(4 * 9 + norm.ppf(0.95) * sigma * 3)


def test_suggested_qty_respects_minimum_and_case_pack():
    items, orders = _sales({"x": [1] * 28})
    products = pd.DataFrame(
        {
            "sku": ["x", "y", "z"],
            "title": ["X", "Y", "Z"],
            "status": "listed",
            "stock_on_hand": [2, 2, 2],
            "min_order_qty": [np.nan, 100, 10],
            "case_pack": [12, np.nan, 8],
        }
    )
    items = pd.concat([items, items.assign(sku="y"), items.assign(sku="z")], ignore_index=True)
    plan = reorder_plan(products, items, orders, as_of=AS_OF, lead_time_days=5).set_index("sku")
    # need = 5 + 30 − 2 = 33: x in cases of 12 → 36; y minimum 100; z max(33, 10) → 40
    assert plan["suggested_qty"].to_dict() == {"x": 36.0, "y": 100.0, "z": 40.0}
    assert set(plan["status"]) == {"reorder_now"}


def test_statuses_no_sales_unknown_and_soon():
    items, orders = _sales({"x": [2] * 28, "y": [2] * 28})
    products = pd.DataFrame(
        {
            "sku": ["x", "y", "idle"],
            "title": ["X", "Y", "Idle"],
            "status": "listed",
            "stock_on_hand": [30, 30, 5],
            "lead_time_days": [10, np.nan, 3],
        }
    )
    plan = reorder_plan(products, items, orders, as_of=AS_OF).set_index("sku")
    assert plan.loc["x", "status"] == "reorder_soon"  # (30 − 20) / 2 = 5 days
    assert plan.loc["y", "status"] == "unknown" and np.isnan(plan.loc["y", "suggested_qty"])
    assert plan.loc["idle", "status"] == "no_sales" and plan.loc["idle", "suggested_qty"] == 0
    assert list(plan.index) == ["x", "idle", "y"]


def test_campaign_uplift_scales_velocity_as_a_number_or_a_frame():
    items, orders = _sales({"x": [4] * 28})
    products = _products(stock_on_hand=[100])
    kwargs = {"as_of": AS_OF, "lead_time_days": 7, "safety_days": 4}
    doubled = reorder_plan(products, items, orders, campaign_uplift=2.0, **kwargs).iloc[0]
    assert doubled.daily_velocity == 8.0 and doubled.reorder_point == 88.0
    frame = pd.DataFrame({"sku": ["x"], "uplift": [1.5]})
    scaled = reorder_plan(products, items, orders, campaign_uplift=frame, **kwargs).iloc[0]
    assert scaled.reorder_point == 66.0
    with pytest.raises(ParameterError, match="campaign_uplift"):
        reorder_plan(products, items, orders, campaign_uplift=0, **kwargs)
    with pytest.raises(ParameterError, match="not both"):
        reorder_plan(products, items, orders, as_of=AS_OF, safety_days=3, service_level=0.9)


def test_campaign_uplift_from_last_years_event():
    # baseline 2024-10-31 … 2024-11-09 (10 days): 20 units; event 2024-11-10 … 11: 12 units
    baseline = [2] * 10
    items, orders = _sales({"x": [*baseline, 5, 7]}, first_day="2024-10-31")
    out = campaign_uplift(items, orders, start="2024-11-10", end="2024-11-11", baseline_days=10)
    assert out.to_dict("records") == [
        {
            "sku": "x",
            "event_units": 12,
            "event_days": 2,
            "baseline_units": 20,
            "baseline_days": 10,
            "uplift": 3.0,
        }
    ]
