"""Inventory (库存): days of cover, stock-outs and listed products that sell nothing (巡店).

Every function inspects the *listed* products (``status`` ``listed``) as at ``as_of``, the
end of the inspection day: a half-open bound, so ``as_of="2025-11-12"`` (midnight) inspects
up to and including 2025-11-11, and a window of ``days`` days is ``[as_of − days, as_of)``.
``as_of`` accepts an ISO date or timestamp string or a Timestamp (a tz-aware one, e.g.
``Period.end``, is read as its local wall time). Sales are units of order lines of paid
orders (DESIGN §5) dated by ``paid_at``. Definitions follow research/metrics.md §10.3, §10.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    as_timestamp,
    conform,
    numeric,
    one_time_zone,
    ratio,
)
from ecanalysis.metrics.products import _listed, _lookup, _paid_lines
from ecanalysis.params import DEFAULT_THRESHOLDS

#: Stock statuses, most urgent first.
STOCK_STATUSES = ("out_of_stock", "low", "no_sales", "ok", "unknown")

COVER_COLUMNS = {
    "sku": "str",
    "title": "str",
    "category": "str",
    "stock_on_hand": "float64",
    "units_sold": "int64",
    "sales_days": "int64",
    "sales_per_day": "float64",
    "days_of_cover": "float64",
    "stock_status": "str",
}
STOCK_OUT_COLUMNS = {"sku": "str", "title": "str", "category": "str", "stock_on_hand": "float64"}
NO_SALES_COLUMNS = {
    "sku": "str",
    "title": "str",
    "category": "str",
    "listed_at": PERIOD_DTYPE,
    "last_sold_at": PERIOD_DTYPE,
    "days_since_last_sale": "float64",
    "stock_on_hand": "float64",
    "suggestion": "str",
}


def _positive_days(value, name: str) -> int:
    days = int(value)
    if days < 1:
        raise ParameterError(f"{name}={value!r}; give a whole number of days ≥ 1")
    return days


def _units_in_window(
    order_items: pd.DataFrame, orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """Units sold per sku in paid orders with a payment time in ``[start, end)``."""
    lines = _paid_lines(order_items, orders)
    inside = lines[(lines["paid_time"] >= start) & (lines["paid_time"] < end)]
    return inside.groupby("sku")["quantity"].sum()


def stock_cover(
    products: pd.DataFrame,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    window_days: int = DEFAULT_THRESHOLDS["stock_window_days"],
    low_cover_days: float = DEFAULT_THRESHOLDS["low_cover_days"],
) -> pd.DataFrame:
    """Days of stock cover of every listed product, and its stock status.

    Parameters
    ----------
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``title``, ``status``; ``stock_on_hand``,
        ``category``, ``listed_at`` optional), stock as at ``as_of``.
    order_items, orders : pandas.DataFrame
        Order lines and orders covering at least the window.
    as_of : str or pandas.Timestamp
        End of the inspection (exclusive), e.g. the midnight after the inspection day.
    window_days : int, default 30
        Days of sales the daily rate is averaged over.
    low_cover_days : float, default 7
        Cover below this many days is ``low``.

    Returns
    -------
    pandas.DataFrame
        One row per listed product, most urgent first (``out_of_stock``, ``low``,
        ``no_sales``, ``ok``, ``unknown``; then days of cover, then sku):

        - ``sku``, ``title``, ``category`` (str).
        - ``stock_on_hand`` (float64): units in stock (NaN without the column).
        - ``units_sold`` (int64): units sold in the window ``[as_of − window_days, as_of)``.
        - ``sales_days`` (int64): days the rate is averaged over: ``window_days``, or the
          days since ``listed_at`` (at least 1) for a product listed inside the window.
        - ``sales_per_day`` (float64): units_sold / sales_days.
        - ``days_of_cover`` (float64): stock_on_hand / sales_per_day; NaN without sales.
        - ``stock_status`` (str): ``out_of_stock`` (stock ≤ 0), ``low`` (cover <
          ``low_cover_days``), ``no_sales`` (stock but no sales in the window), ``ok``,
          or ``unknown`` (no stock figure).

    Notes
    -----
    中文名: 库存可售天数

    Formula (research/metrics.md §10.5): days_of_cover = on-hand units / average daily
    units sold over the trailing window. Without daily stock history the average runs over
    every day of the window, not only in-stock days, so a product out of stock for part
    of the window looks slower than it is. Zero sales give no cover figure (∞ would hide
    them): they are ``no_sales`` and belong to :func:`no_sales_products`.

    Examples
    --------
    >>> import pandas as pd
    >>> products = pd.DataFrame({"sku": ["x", "y", "z"], "title": ["X", "Y", "Z"],
    ...                          "status": "listed", "stock_on_hand": [10, 0, 5]})
    >>> orders = pd.DataFrame({"order_id": ["o1"], "ordered_at": pd.to_datetime(["2025-11-10"]),
    ...                        "status": "paid"})
    >>> items = pd.DataFrame({"order_id": "o1", "sku": ["x"], "quantity": [6], "unit_price": 9.0})
    >>> cover = stock_cover(products, items, orders, as_of="2025-11-12", window_days=3)
    >>> cover[["sku", "units_sold", "sales_per_day", "days_of_cover", "stock_status"]]
      sku  units_sold  sales_per_day  days_of_cover  stock_status
    0   y           0            0.0            NaN  out_of_stock
    1   x           6            2.0            5.0           low
    2   z           0            0.0            NaN      no_sales
    """
    one_time_zone(products=products, order_items=order_items, orders=orders)
    end = as_timestamp(as_of, "as_of")
    window = _positive_days(window_days, "window_days")
    start = end - pd.Timedelta(days=window)
    out = _listed(products)
    sold = _units_in_window(order_items, orders, start, end)
    out["units_sold"] = _lookup(out["sku"], sold).fillna(0)
    listed_days = np.ceil((end - out["listed_at"]) / pd.Timedelta(days=1))
    out["sales_days"] = listed_days.clip(lower=1, upper=window).fillna(window)
    out["sales_per_day"] = out["units_sold"] / out["sales_days"]
    out["days_of_cover"] = ratio(out["stock_on_hand"], out["sales_per_day"])
    stock = out["stock_on_hand"]
    status = np.select(
        [
            stock.isna(),
            stock <= 0,
            out["units_sold"] == 0,
            out["days_of_cover"] < float(low_cover_days),
        ],
        ["unknown", "out_of_stock", "no_sales", "low"],
        default="ok",
    )
    out["stock_status"] = status
    out["_order"] = out["stock_status"].map({s: i for i, s in enumerate(STOCK_STATUSES)})
    out = out.sort_values(["_order", "days_of_cover", "sku"], na_position="last", kind="stable")
    return conform(out, COVER_COLUMNS)


def stock_outs(products: pd.DataFrame) -> pd.DataFrame:
    """Listed products with nothing in stock.

    Parameters
    ----------
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``title``, ``status``; ``stock_on_hand``,
        ``category`` optional).

    Returns
    -------
    pandas.DataFrame
        One row per listed product with ``stock_on_hand`` ≤ 0, sorted by sku:

        - ``sku``, ``title``, ``category`` (str).
        - ``stock_on_hand`` (float64): 0 or negative (oversold).

    Notes
    -----
    中文名: 缺货商品

    Only products with status ``listed`` (delisted products are not for sale). Without a
    ``stock_on_hand`` column nothing can be said and no rows are returned.

    Examples
    --------
    >>> import pandas as pd
    >>> products = pd.DataFrame({"sku": ["x", "y", "z"], "title": ["X", "Y", "Z"],
    ...                          "status": ["listed", "listed", "delisted"],
    ...                          "stock_on_hand": [3, -1, 0]})
    >>> stock_outs(products)
      sku title category  stock_on_hand
    0   y     Y      NaN           -1.0
    """
    listed = _listed(products)
    out = listed[listed["stock_on_hand"] <= 0].sort_values("sku")
    return conform(out, STOCK_OUT_COLUMNS)


def no_sales_products(
    products: pd.DataFrame,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    days: int = DEFAULT_THRESHOLDS["no_sales_days"],
) -> pd.DataFrame:
    """Listed products that sold nothing in the last ``days`` days (delist candidates).

    Parameters
    ----------
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``title``, ``status``; ``listed_at``,
        ``stock_on_hand``, ``category`` optional).
    order_items, orders : pandas.DataFrame
        Order lines and orders: the store's history up to ``as_of`` (for the last sale).
    as_of : str or pandas.Timestamp
        End of the inspection (exclusive), e.g. the midnight after the inspection day.
    days : int, default 30
        Length of the window ``[as_of − days, as_of)`` with no paid units.

    Returns
    -------
    pandas.DataFrame
        One row per product, longest without a sale first (never sold first, then sku):

        - ``sku``, ``title``, ``category`` (str).
        - ``listed_at`` (datetime64[ns]): when the product was listed (NaT if unknown).
        - ``last_sold_at`` (datetime64[ns]): payment time of its last paid order line
          before ``as_of`` (NaT if never sold in the frame).
        - ``days_since_last_sale`` (float64): whole days from ``last_sold_at`` to
          ``as_of`` (NaN if never sold).
        - ``stock_on_hand`` (float64): units in stock (NaN without the column).
        - ``suggestion`` (str): ``delist_or_promote`` for a product with stock (or stock
          unknown); ``restock_or_delist`` for one out of stock, which could not sell:
          promoting it would sell nothing.

    Notes
    -----
    中文名: 滞销商品 (零动销, 建议下架)

    Research/metrics.md §10.3 (the seed document's 30-day rule): listed products with 0
    paid units in the window. Products listed less than ``days`` days before ``as_of``
    are left out (too new to judge, as Sumtracker's report does); a product without
    ``listed_at`` is judged. 口径: lines of paid orders (DESIGN §5) dated by ``paid_at``.

    Examples
    --------
    >>> import pandas as pd
    >>> products = pd.DataFrame({"sku": ["x", "y", "new"], "title": ["X", "Y", "New"],
    ...                          "status": "listed",
    ...                          "listed_at": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-11-01"])})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "status": "paid",
    ...                        "ordered_at": pd.to_datetime(["2025-09-01 10:00", "2025-11-05 09:00"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o2"], "sku": ["y", "x"], "quantity": 1,
    ...                       "unit_price": 9.0})
    >>> no_sales_products(products, items, orders, as_of="2025-11-12")[
    ...     ["sku", "last_sold_at", "days_since_last_sale"]]
      sku        last_sold_at  days_since_last_sale
    0   y 2025-09-01 10:00:00                  71.0
    """
    one_time_zone(products=products, order_items=order_items, orders=orders)
    end = as_timestamp(as_of, "as_of")
    window = _positive_days(days, "days")
    start = end - pd.Timedelta(days=window)
    listed = _listed(products)
    old_enough = listed["listed_at"].isna() | (listed["listed_at"] <= start)
    lines = _paid_lines(order_items, orders)
    before = lines[lines["paid_time"] < end]
    last_sold = before.groupby("sku")["paid_time"].max()
    out = listed[old_enough].copy()
    out["last_sold_at"] = _lookup(out["sku"], last_sold).astype(PERIOD_DTYPE)
    out = out[~(out["last_sold_at"] >= start)]
    out["days_since_last_sale"] = np.floor((end - out["last_sold_at"]) / pd.Timedelta(days=1))
    stock = numeric(out, "stock_on_hand")
    out["suggestion"] = np.where(stock <= 0, "restock_or_delist", "delist_or_promote")
    out = out.sort_values(
        ["days_since_last_sale", "sku"], ascending=[False, True], na_position="first"
    )
    return conform(out, NO_SALES_COLUMNS)
