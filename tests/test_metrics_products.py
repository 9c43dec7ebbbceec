"""Tests of ecanalysis.metrics.products: hand-computed frames and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import MissingColumnsError, ParameterError
from ecanalysis.metrics import products


def _days(values) -> pd.Series:
    return pd.Series(pd.to_datetime(values)).astype("datetime64[ns]")


ORDERS = pd.DataFrame(
    {
        "order_id": ["o1", "o2", "o3", "o4"],
        "customer_id": ["a", "b", "a", "c"],
        "ordered_at": _days(
            ["2025-11-10 09:00", "2025-11-11 09:00", "2025-11-30 22:00", "2025-11-12 08:00"]
        ),
        "paid_at": _days(["2025-11-10 09:05", "2025-11-11 09:05", "2025-12-01 00:10", None]),
        "status": ["completed", "refunded", "paid", "placed"],
    }
)
ITEMS = pd.DataFrame(
    {
        "order_id": ["o1", "o1", "o2", "o3", "o4"],
        "line_no": [1, 2, 1, 1, 1],
        "sku": ["tea", "cup", "tea", "pot", "tea"],
        "quantity": [2, 1, 1, 1, 9],
        "unit_price": [50.0, 20.0, 50.0, 200.0, 50.0],
        "unit_cost": [20.0, None, 20.0, 80.0, 20.0],
        "discount_amount": [10.0, None, 0.0, 20.0, 0.0],
    }
)
CATALOG = pd.DataFrame(
    {
        "sku": ["tea", "cup", "pot", "old"],
        "title": ["Green tea", "Cup", "Tea pot", "Old item"],
        "category": ["tea", "ware", "ware", None],
        "unit_cost": [20.0, 8.0, 80.0, 1.0],
        "stock_on_hand": [5, 0, 3, 10],
        "status": ["listed", "listed", "listed", "delisted"],
    }
)


def test_product_performance_by_hand():
    # o4 is unpaid: its 9 teas do not count. o2 is refunded: still a paid order (not allocated).
    # tea: 2×50−10 + 1×50 = 140, cost 3×20 = 60; pot: 200−20 = 180, cost 80;
    # cup: 20, cost from the catalogue 1×8.  Total revenue 340.
    expected = pd.DataFrame(
        {
            "sku": ["pot", "tea", "cup"],
            "title": ["Tea pot", "Green tea", "Cup"],
            "category": ["ware", "tea", "ware"],
            "units": [1, 3, 1],
            "orders": [1, 2, 1],
            "buyers": [1, 2, 1],
            "revenue": [180.0, 140.0, 20.0],
            "cost": [80.0, 60.0, 8.0],
            "gross_profit": [100.0, 80.0, 12.0],
            "gross_margin": [100 / 180, 80 / 140, 12 / 20],
            "revenue_share": [180 / 340, 140 / 340, 20 / 340],
            "rank": [1, 2, 3],
        }
    )
    out = products.product_performance(ITEMS, ORDERS, CATALOG)
    pd.testing.assert_frame_equal(out, expected)
    assert out["revenue_share"].sum() == pytest.approx(1.0)


def test_product_performance_without_catalogue_has_unknown_cost_and_titles():
    out = products.product_performance(ITEMS, ORDERS)
    cup = out.set_index("sku").loc["cup"]
    assert np.isnan(cup["cost"]) and np.isnan(cup["gross_margin"])  # no partial costs
    assert out["title"].isna().all()


def test_best_and_worst_excludes_best_from_worst():
    performance = products.product_performance(ITEMS, ORDERS, CATALOG)
    out = products.best_and_worst(performance, n=2)
    assert out[["rank_type", "rank", "sku"]].values.tolist() == [
        ["best", 1, "pot"],
        ["best", 2, "tea"],
        ["worst", 1, "cup"],
    ]
    by_units = products.best_and_worst(performance, n=1, by="units")
    assert by_units["sku"].tolist() == ["tea", "cup"]  # pot and cup tie on 1 unit: sku order
    with pytest.raises(ParameterError):
        products.best_and_worst(performance, n=0)


def test_abc_classes_by_hand_and_crossing_product():
    performance = pd.DataFrame(
        {"sku": ["d", "c", "b", "a", "z"], "revenue": [4.0, 6.0, 20.0, 70.0, 0.0]}
    )
    out = products.abc_classes(performance)
    assert out["sku"].tolist() == ["a", "b", "c", "d", "z"]
    assert out["cumulative_share"].tolist() == pytest.approx([0.7, 0.9, 0.96, 1.0, 1.0])
    # b crosses 80% (0.7 before it): A; c crosses 95%: B; d and zero-sellers: C
    assert out["abc_class"].tolist() == ["A", "A", "B", "C", "C"]
    hero = products.abc_classes(pd.DataFrame({"sku": ["h", "s"], "revenue": [90.0, 10.0]}))
    assert hero["abc_class"].tolist() == ["A", "B"]
    with pytest.raises(ParameterError):
        products.abc_classes(performance, a_share=0.9, b_share=0.8)


def test_category_sales_by_hand_dated_by_payment():
    out = products.category_sales(ITEMS, ORDERS, CATALOG, freq="MS")
    expected = pd.DataFrame(
        {
            # o3 was placed on 30 Nov but paid on 1 Dec: December sales
            "period_start": _days(["2025-11-01", "2025-11-01", "2025-12-01"]),
            "category": ["tea", "ware", "ware"],
            "units": [3, 1, 1],
            "revenue": [140.0, 20.0, 180.0],
            "orders": [2, 1, 1],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_category_sales_sum_to_product_revenue():
    out = products.category_sales(ITEMS, ORDERS, None, freq="W")
    assert set(out["category"]) == {products.UNCATEGORIZED}
    total = products.product_performance(ITEMS, ORDERS)["revenue"].sum()
    assert out["revenue"].sum() == pytest.approx(total)


def test_sell_through_listed_products_only():
    out = products.sell_through(ITEMS, ORDERS, CATALOG)
    expected = pd.DataFrame(
        {
            "sku": ["cup", "pot", "tea"],
            "title": ["Cup", "Tea pot", "Green tea"],
            "category": ["ware", "ware", "tea"],
            "units_sold": [1, 1, 3],
            "stock_on_hand": [0.0, 3.0, 5.0],
            "sell_through": [1.0, 0.25, 3 / 8],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert out["sell_through"].between(0, 1).all()


def test_missing_columns_and_no_mutation():
    before_items, before_orders = ITEMS.copy(), ORDERS.copy()
    products.product_performance(ITEMS, ORDERS, CATALOG)
    products.category_sales(ITEMS, ORDERS, CATALOG)
    pd.testing.assert_frame_equal(ITEMS, before_items)
    pd.testing.assert_frame_equal(ORDERS, before_orders)
    with pytest.raises(MissingColumnsError, match="quantity"):
        products.product_performance(ITEMS.drop(columns="quantity"), ORDERS)
