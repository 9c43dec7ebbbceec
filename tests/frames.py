"""Canonical one-row and empty frames for every table of DESIGN §2, in data-layer dtypes.

Used by the metric contract cases (``tests/contract_cases/<module>.py``) and by unit tests
that need a valid frame to start from. Each builder returns a fresh frame with every column
of the table (required and optional) in the dtypes of docs/conventions.md: ids and text
``str``, timestamps and dates naive local ``datetime64[ns]``, money ``float64``, counts
``int64``. ``empty=True`` gives zero rows with the same columns and dtypes.

Overrides: ``orders_frame(paid_amount=[99.0])`` replaces a column (a list per row, or a
scalar); ``orders_frame(rows=3)`` repeats the canonical row with distinct ids.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

_STAMP = "datetime64[ns]"

#: Table name → {column: dtype} in the order of DESIGN §2.
SCHEMAS: dict[str, dict[str, str]] = {
    "stores": {
        "store_id": "str",
        "name": "str",
        "timezone": "str",
        "currency": "str",
        "platform": "str",
        "opened_at": _STAMP,
    },
    "orders": {
        "order_id": "str",
        "store_id": "str",
        "customer_id": "str",
        "ordered_at": _STAMP,
        "paid_at": _STAMP,
        "status": "str",
        "channel": "str",
        "device": "str",
        "item_count": "int64",
        "gross_amount": "float64",
        "discount_amount": "float64",
        "shipping_amount": "float64",
        "paid_amount": "float64",
        "refund_amount": "float64",
        "refunded_at": _STAMP,
        "cost_amount": "float64",
        "campaign_id": "str",
        "currency": "str",
    },
    "order_items": {
        "order_id": "str",
        "line_no": "int64",
        "sku": "str",
        "quantity": "int64",
        "unit_price": "float64",
        "unit_cost": "float64",
        "discount_amount": "float64",
    },
    "traffic": {
        "store_id": "str",
        "date": _STAMP,
        "source": "str",
        "device": "str",
        "visitors": "int64",
        "sessions": "int64",
        "pageviews": "int64",
        "new_visitors": "int64",
        "bounces": "int64",
        "time_on_site_s": "float64",
        "cart_visitors": "int64",
        "product_views": "int64",
    },
    "products": {
        "store_id": "str",
        "sku": "str",
        "title": "str",
        "category": "str",
        "price": "float64",
        "unit_cost": "float64",
        "stock_on_hand": "int64",
        "listed_at": _STAMP,
        "status": "str",
    },
    "ad_spend": {
        "store_id": "str",
        "date": _STAMP,
        "channel": "str",
        "spend": "float64",
        "impressions": "int64",
        "clicks": "int64",
        "campaign_id": "str",
    },
    "campaigns": {
        "campaign_id": "str",
        "store_id": "str",
        "name": "str",
        "start": _STAMP,
        "end": _STAMP,
        "budget": "float64",
        "channel": "str",
        "kind": "str",
    },
    "reviews": {
        "review_id": "str",
        "store_id": "str",
        "created_at": _STAMP,
        "rating": "int64",
        "sku": "str",
        "order_id": "str",
        "dsr_item": "float64",
        "dsr_service": "float64",
        "dsr_logistics": "float64",
        "reason": "str",
        "text": "str",
    },
    "fx_rates": {"date": _STAMP, "currency": "str", "rate": "float64"},
}

#: One canonical row per table: a paid, completed order of 2 items in store S1 on
#: 2025-11-11, with its traffic, ad spend, product, campaign and a 5-star review.
ROWS: dict[str, dict[str, Any]] = {
    "stores": {
        "store_id": "S1",
        "name": "Store one",
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
        "platform": "taobao",
        "opened_at": "2024-01-01",
    },
    "orders": {
        "order_id": "O1",
        "store_id": "S1",
        "customer_id": "C1",
        "ordered_at": "2025-11-11 10:00",
        "paid_at": "2025-11-11 10:05",
        "status": "completed",
        "channel": "search",
        "device": "mobile",
        "item_count": 2,
        "gross_amount": 120.0,
        "discount_amount": 20.0,
        "shipping_amount": 0.0,
        "paid_amount": 100.0,
        "refund_amount": 0.0,
        "refunded_at": None,
        "cost_amount": 60.0,
        "campaign_id": "CMP1",
        "currency": "CNY",
    },
    "order_items": {
        "order_id": "O1",
        "line_no": 1,
        "sku": "SKU1",
        "quantity": 2,
        "unit_price": 60.0,
        "unit_cost": 30.0,
        "discount_amount": 20.0,
    },
    "traffic": {
        "store_id": "S1",
        "date": "2025-11-11",
        "source": "search",
        "device": "mobile",
        "visitors": 50,
        "sessions": 60,
        "pageviews": 240,
        "new_visitors": 30,
        "bounces": 18,
        "time_on_site_s": 7200.0,
        "cart_visitors": 10,
        "product_views": 120,
    },
    "products": {
        "store_id": "S1",
        "sku": "SKU1",
        "title": "Green tea 250g",
        "category": "tea",
        "price": 60.0,
        "unit_cost": 30.0,
        "stock_on_hand": 40,
        "listed_at": "2025-01-01",
        "status": "listed",
    },
    "ad_spend": {
        "store_id": "S1",
        "date": "2025-11-11",
        "channel": "search",
        "spend": 25.0,
        "impressions": 1000,
        "clicks": 40,
        "campaign_id": "CMP1",
    },
    "campaigns": {
        "campaign_id": "CMP1",
        "store_id": "S1",
        "name": "Double 11",
        "start": "2025-11-01",
        "end": "2025-11-11",
        "budget": 1000.0,
        "channel": "search",
        "kind": "festival",
    },
    "reviews": {
        "review_id": "R1",
        "store_id": "S1",
        "created_at": "2025-11-14 09:00",
        "rating": 5,
        "sku": "SKU1",
        "order_id": "O1",
        "dsr_item": 5.0,
        "dsr_service": 5.0,
        "dsr_logistics": 4.9,
        "reason": "",
        "text": "Fresh and fragrant",
    },
    "fx_rates": {"date": "2025-11-11", "currency": "CNY", "rate": 1.0},
}

#: Columns made distinct per row when ``rows`` > 1.
_ID_COLUMNS = {"order_id", "review_id", "campaign_id", "sku", "customer_id"}


def table_frame(
    table: str, empty: bool = False, *, rows: int = 1, **overrides: Any
) -> pd.DataFrame:
    """A frame of ``table`` with the canonical row repeated ``rows`` times (0 when ``empty``)."""
    schema = SCHEMAS[table]
    count = 0 if empty else rows
    data: dict[str, list[Any]] = {}
    for column in schema:
        value = ROWS[table][column]
        values = [value] * count
        if column in _ID_COLUMNS and count > 1 and table != "order_items":
            values = [f"{value}_{i}" if i else value for i in range(count)]
        data[column] = values
    for column, value in overrides.items():
        data[column] = list(value) if isinstance(value, list | tuple) else [value] * count
    frame = pd.DataFrame(data)
    dtypes = {c: schema.get(c, frame[c].dtype) for c in frame.columns}
    for column, dtype in dtypes.items():
        if dtype == _STAMP:
            frame[column] = pd.to_datetime(frame[column]).astype(_STAMP)
        elif dtype == "int64" and frame[column].isna().any():
            frame[column] = frame[column].astype("float64")
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def stores_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``stores`` table (one store, Asia/Shanghai, CNY)."""
    return table_frame("stores", empty, **kwargs)


def orders_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``orders`` table (one completed, paid order of 100.0 with cost 60.0)."""
    return table_frame("orders", empty, **kwargs)


def order_items_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``order_items`` table (one line: 2 × SKU1 at 60.0)."""
    return table_frame("order_items", empty, **kwargs)


def traffic_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``traffic`` table (one day, source ``search``, device ``mobile``, 50 UV)."""
    return table_frame("traffic", empty, **kwargs)


def products_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``products`` table (SKU1, listed, 40 in stock)."""
    return table_frame("products", empty, **kwargs)


def ad_spend_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``ad_spend`` table (channel ``search``, spend 25.0, 40 clicks)."""
    return table_frame("ad_spend", empty, **kwargs)


def campaigns_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``campaigns`` table (CMP1, 2025-11-01 to 2025-11-11 inclusive)."""
    return table_frame("campaigns", empty, **kwargs)


def reviews_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``reviews`` table (one 5-star review of SKU1 for order O1)."""
    return table_frame("reviews", empty, **kwargs)


def fx_rates_frame(empty: bool = False, **kwargs: Any) -> pd.DataFrame:
    """The ``fx_rates`` table (CNY at 1.0)."""
    return table_frame("fx_rates", empty, **kwargs)
