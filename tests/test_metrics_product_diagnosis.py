"""ecanalysis.metrics.products.product_funnel and problem_products (异常商品)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecanalysis.metrics import products
from ecanalysis.metrics.products import problem_products, product_funnel

AS_OF = "2025-11-17"  # this week 2025-11-10 … 16, previous 2025-11-03 … 09


def _sales(rows):
    """rows: (day, sku, customer, quantity, unit_price) → order_items, orders."""
    order_ids = [f"o{i}" for i in range(len(rows))]
    orders = pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": [row[2] for row in rows],
            "status": "paid",
            "ordered_at": pd.to_datetime([f"{row[0]} 10:00" for row in rows]),
        }
    )
    items = pd.DataFrame(
        {
            "order_id": order_ids,
            "sku": [row[1] for row in rows],
            "quantity": [row[3] for row in rows],
            "unit_price": [row[4] for row in rows],
        }
    )
    return items, orders


def test_product_funnel_weekly_with_buyers_from_orders():
    traffic = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-10", "2025-11-11", "2025-11-11", "2025-11-17"]),
            "sku": ["x", "x", "y", "x"],
            "visitors": [50, 50, 20, 10],
            "cart_visitors": [5, 15, 2, 1],
        }
    )
    items, orders = _sales(
        [
            ("2025-11-10", "x", "a", 1, 10.0),
            ("2025-11-10", "x", "a", 2, 10.0),  # same buyer, same day: one buyer
            ("2025-11-11", "x", "a", 1, 10.0),  # next day: counted again (Σ of daily counts)
            ("2025-11-12", "z", "b", 1, 99.0),  # sold, no traffic row
        ]
    )
    out = product_funnel(traffic, items, orders)
    expected = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-11-10"] * 3 + ["2025-11-17"]).astype(
                "datetime64[ns]"
            ),
            "sku": ["z", "x", "y", "x"],
            "visitors": [0, 100, 20, 10],
            "pageviews": [np.nan] * 4,
            "cart_visitors": [np.nan, 20.0, 2.0, 1.0],
            "buyers": [1, 2, 0, 0],
            "units": [1, 4, 0, 0],
            "revenue": [99.0, 40.0, 0.0, 0.0],
            "cart_rate": [np.nan, 0.2, 0.1, 0.1],
            "conversion_rate": [np.nan, 0.02, 0.0, 0.0],
        }
    ).astype({"sku": "str"})
    pd.testing.assert_frame_equal(out, expected)


def test_problem_products_flags_and_split():
    traffic = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-05"] * 4 + ["2025-11-12"] * 4),
            "sku": ["drop", "conv", "zero", "hot"] * 2,
            "visitors": [400, 100, 80, 50, 100, 100, 80, 50],
            "buyers": [20, 10, 2, 5, 5, 2, 0, 10],
        }
    )
    rows = [
        ("2025-11-05", "drop", "a", 20, 10.0),
        ("2025-11-12", "drop", "a", 5, 10.0),
        ("2025-11-05", "conv", "a", 10, 10.0),
        ("2025-11-12", "conv", "a", 2, 12.0),
        ("2025-11-05", "zero", "a", 2, 10.0),
        ("2025-11-05", "hot", "a", 5, 10.0),
        ("2025-11-12", "hot", "a", 10, 10.0),
    ]
    items, orders = _sales(rows)
    products = pd.DataFrame(
        {
            "sku": ["drop", "conv", "zero", "hot"],
            "title": ["D", "C", "Z", "H"],
            "stock_on_hand": [100, 100, 100, 5],
        }
    )
    out = problem_products(traffic, items, orders, products, as_of=AS_OF).set_index("sku")
    assert out["problems"].to_dict() == {
        "drop": "traffic_drop",
        "conv": "conversion_drop",
        "zero": "no_payments",
        "hot": "low_stock_rising_sales",
    }
    assert list(out.index) == ["drop", "conv", "zero", "hot"]  # biggest loss first
    conv = out.loc["conv"]
    # revenue 100 → 24: visitors flat; conversion 0.1 → 0.02 at 10 a buyer = −80; price 10 → 12
    assert (conv.traffic_effect, conv.conversion_effect) == (0.0, pytest.approx(-80.0))
    assert conv.price_effect == pytest.approx(4.0)
    assert out.loc["hot", "days_of_cover"] == pytest.approx(5 / (10 / 7))
    total = out[["traffic_effect", "conversion_effect", "price_effect"]].sum(axis=1)
    np.testing.assert_allclose(total, out["revenue_change"])


@settings(max_examples=60, deadline=None)
@given(
    weeks=st.lists(
        st.tuples(*[st.integers(0, 300)] * 2, st.integers(0, 20), st.integers(0, 20)),
        min_size=1,
        max_size=30,
    ),
    prices=st.tuples(st.integers(1, 50), st.integers(1, 50)),
)
def test_effects_add_up_to_the_revenue_change(weeks, prices):
    frame = pd.DataFrame(weeks, columns=["previous_visitors", "visitors", "b0", "b1"])
    frame["previous_buyers"] = np.minimum(frame["b0"], frame["previous_visitors"])
    frame["buyers"] = np.minimum(frame["b1"], frame["visitors"])
    frame["previous_revenue"] = frame["previous_buyers"] * float(prices[0])
    frame["revenue"] = frame["buyers"] * float(prices[1])
    effects = products._revenue_effects(frame)
    np.testing.assert_allclose(
        effects.sum(axis=1), frame["revenue"] - frame["previous_revenue"], atol=1e-9
    )


def test_buyers_without_visitors_have_no_split():
    frame = pd.DataFrame(
        {
            "previous_visitors": [0, 10],
            "visitors": [5, 0],
            "previous_buyers": [2, 1],
            "buyers": [1, 1],
            "previous_revenue": [20.0, 10.0],
            "revenue": [10.0, 10.0],
        }
    )
    assert products._revenue_effects(frame).isna().all().all()
