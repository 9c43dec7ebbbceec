"""Tests of ecanalysis.metrics.inventory: hand-computed 巡店 tables and the as_of boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.metrics import inventory


def _stamps(values) -> pd.Series:
    return pd.Series(pd.to_datetime(values, format="ISO8601")).astype("datetime64[ns]")


#: Inspection of the day 2025-11-30: as_of is the midnight that ends it.
AS_OF = "2025-12-01"

CATALOG = pd.DataFrame(
    {
        "sku": ["fast", "slow", "empty", "idle", "fresh", "gone", "never"],
        "title": ["Fast", "Slow", "Empty", "Idle", "Fresh", "Gone", "Never"],
        "category": ["tea"] * 7,
        "stock_on_hand": [20, 100, 0, 7, 4, 0, 3],
        "listed_at": _stamps(
            [
                "2025-01-01",
                "2025-01-01",
                "2025-01-01",
                "2025-01-01",
                "2025-11-27",
                "2025-01-01",
                None,
            ]
        ),
        "status": ["listed", "listed", "listed", "listed", "listed", "delisted", "listed"],
    }
)
ORDERS = pd.DataFrame(
    {
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
        "ordered_at": _stamps(
            [
                "2025-11-15 10:00",
                "2025-11-20 10:00",
                "2025-10-31 23:30",  # paid 1 Nov 00:10: inside the 30-day window
                "2025-09-15 12:00",
                "2025-11-28 10:00",
                "2025-11-30 23:00",  # cancelled
                "2025-11-30 23:59",  # paid after as_of: not seen
            ]
        ),
        "paid_at": _stamps(
            [
                "2025-11-15 10:05",
                "2025-11-20 10:05",
                "2025-11-01 00:10",
                "2025-09-15 12:05",
                "2025-11-28 10:05",
                "2025-11-30 23:05",
                "2025-12-01 00:01",
            ]
        ),
        "status": ["paid", "paid", "paid", "completed", "paid", "cancelled", "paid"],
    }
)
ITEMS = pd.DataFrame(
    {
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6", "o7"],
        "line_no": 1,
        "sku": ["fast", "fast", "slow", "idle", "fresh", "idle", "idle"],
        "quantity": [30, 15, 3, 2, 2, 5, 5],
        "unit_price": 10.0,
    }
)


def test_stock_cover_by_hand():
    out = inventory.stock_cover(CATALOG, ITEMS, ORDERS, as_of=AS_OF, window_days=30)
    expected = pd.DataFrame(
        {
            "sku": ["empty", "idle", "never", "fresh", "fast", "slow"],
            "title": ["Empty", "Idle", "Never", "Fresh", "Fast", "Slow"],
            "category": ["tea"] * 6,
            "stock_on_hand": [0.0, 7.0, 3.0, 4.0, 20.0, 100.0],
            "units_sold": [0, 0, 0, 2, 45, 3],
            # fresh was listed 4 days before as_of: its rate runs over 4 days, not 30
            "sales_days": [30, 30, 30, 4, 30, 30],
            "sales_per_day": [0.0, 0.0, 0.0, 0.5, 1.5, 0.1],
            "days_of_cover": [np.nan, np.nan, np.nan, 8.0, 20 / 1.5, 1000.0],
            "stock_status": ["out_of_stock", "no_sales", "no_sales", "ok", "ok", "ok"],
        }
    )
    # ok rows sort by cover: fresh 8, fast 13.3, slow 1000
    pd.testing.assert_frame_equal(out, expected)
    low = inventory.stock_cover(
        CATALOG, ITEMS, ORDERS, as_of=AS_OF, window_days=30, low_cover_days=10
    )
    assert low.loc[low["sku"] == "fresh", "stock_status"].item() == "low"


def test_stock_cover_accepts_tz_aware_period_end():
    # Period.end of the day 2025-11-30 in Shanghai is a tz-aware local midnight
    as_of = pd.Timestamp("2025-12-01", tz="Asia/Shanghai")
    aware = inventory.stock_cover(CATALOG, ITEMS, ORDERS, as_of=as_of)
    pd.testing.assert_frame_equal(aware, inventory.stock_cover(CATALOG, ITEMS, ORDERS, as_of=AS_OF))


def test_stock_cover_without_stock_column_is_unknown():
    out = inventory.stock_cover(CATALOG.drop(columns="stock_on_hand"), ITEMS, ORDERS, as_of=AS_OF)
    assert set(out["stock_status"]) == {"unknown"}
    assert out["days_of_cover"].isna().all()


def test_stock_outs_listed_only():
    out = inventory.stock_outs(CATALOG)
    assert out["sku"].tolist() == ["empty"]  # gone is delisted
    assert out.columns.tolist() == ["sku", "title", "category", "stock_on_hand"]


def test_no_sales_products_by_hand():
    out = inventory.no_sales_products(CATALOG, ITEMS, ORDERS, as_of=AS_OF, days=30)
    expected = pd.DataFrame(
        {
            # empty and never: never sold → first (a missing listed_at is judged); idle: last paid sale 15 Sep 12:05.
            # slow sold on 1 Nov 00:10 (inside [1 Nov, 1 Dec)); fresh is too new to judge;
            # idle's cancelled order and its order paid after as_of do not count.
            "sku": ["empty", "never", "idle"],
            "title": ["Empty", "Never", "Idle"],
            "category": ["tea"] * 3,
            "listed_at": _stamps(["2025-01-01", None, "2025-01-01"]),
            "last_sold_at": _stamps([None, None, "2025-09-15 12:05"]),
            "days_since_last_sale": [np.nan, np.nan, 76.0],
            "stock_on_hand": [0.0, 3.0, 7.0],
            # empty has no stock: it could not sell, so promoting it would sell nothing
            "suggestion": ["restock_or_delist", "delist_or_promote", "delist_or_promote"],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_no_sales_window_is_half_open_at_as_of():
    # fresh was paid at 2025-11-28 10:05: a sale at as_of itself is outside [as_of − 1 day, as_of)
    at_sale = inventory.no_sales_products(CATALOG, ITEMS, ORDERS, as_of="2025-11-28 10:05", days=1)
    after_sale = inventory.no_sales_products(
        CATALOG, ITEMS, ORDERS, as_of="2025-11-28 10:06", days=1
    )
    assert "fresh" in at_sale["sku"].tolist()
    assert "fresh" not in after_sale["sku"].tolist()


def test_parameters_are_checked():
    with pytest.raises(ParameterError, match="as_of"):
        inventory.stock_cover(CATALOG, ITEMS, ORDERS, as_of="yesterday-ish")
    with pytest.raises(ParameterError, match="days"):
        inventory.no_sales_products(CATALOG, ITEMS, ORDERS, as_of=AS_OF, days=0)


def test_no_mutation():
    before = CATALOG.copy()
    inventory.stock_cover(CATALOG, ITEMS, ORDERS, as_of=AS_OF)
    inventory.no_sales_products(CATALOG, ITEMS, ORDERS, as_of=AS_OF)
    pd.testing.assert_frame_equal(CATALOG, before)
