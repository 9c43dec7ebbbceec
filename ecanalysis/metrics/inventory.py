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
    local_naive,
    numeric,
    one_time_zone,
    ratio,
    require,
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


# -- replenishment (补货): DESIGN §5 "Products, stock and after-sales" ---------------------

#: Reorder statuses, most urgent first (``unknown``: no lead time, so no reorder point).
REORDER_STATUSES = ("reorder_now", "reorder_soon", "ok", "no_sales", "unknown")
#: Days to the reorder point within which a SKU is ``reorder_soon`` (DESIGN §5).
REORDER_SOON_DAYS = 7

REORDER_COLUMNS = {
    "sku": "str",
    "title": "str",
    "stock_on_hand": "float64",
    "daily_velocity": "float64",
    "selling_days": "int64",
    "lead_time_days": "float64",
    "safety_stock": "float64",
    "reorder_point": "float64",
    "days_to_reorder": "float64",
    "suggested_qty": "float64",
    "status": "str",
}
UPLIFT_COLUMNS = {
    "sku": "str",
    "event_units": "int64",
    "event_days": "int64",
    "baseline_units": "int64",
    "baseline_days": "int64",
    "uplift": "float64",
}


def _daily_units(
    order_items: pd.DataFrame, orders: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Units per (sku, local day) of paid order lines paid in ``[start, end)``."""
    lines = _paid_lines(order_items, orders)
    inside = lines[(lines["paid_time"] >= start) & (lines["paid_time"] < end)]
    daily = inside.assign(date=inside["paid_time"].dt.normalize())
    return daily.groupby(["sku", "date"], as_index=False)["quantity"].sum()


def _out_of_stock_days(
    stock_levels: pd.DataFrame | None,
    daily: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.Series:
    """Days of the window per sku whose end-of-day stock was ≤ 0 and that sold nothing."""
    if stock_levels is None:
        return pd.Series(dtype="float64")
    require(stock_levels, ["date", "sku", "stock_on_hand"], "stock_levels")
    levels = pd.DataFrame(
        {
            "sku": stock_levels["sku"].astype("str"),
            "date": local_naive(stock_levels["date"]).dt.normalize(),
            "stock": numeric(stock_levels, "stock_on_hand"),
        }
    )
    empty = levels[(levels["date"] >= start) & (levels["date"] < end) & (levels["stock"] <= 0)]
    sold = daily.set_index(["sku", "date"])["quantity"]
    empty = empty[~pd.MultiIndex.from_frame(empty[["sku", "date"]]).isin(sold.index[sold > 0])]
    return empty.drop_duplicates(["sku", "date"]).groupby("sku").size().astype("float64")


def _uplift_of(campaign_uplift, skus: pd.Series) -> pd.Series:
    """The demand multiplier of each sku: 1, a number for all, or a frame's ``uplift``."""
    if campaign_uplift is None:
        return pd.Series(1.0, index=skus.index)
    if isinstance(campaign_uplift, pd.DataFrame):
        require(campaign_uplift, ["sku", "uplift"], "campaign_uplift")
        table = pd.Series(
            numeric(campaign_uplift, "uplift").to_numpy(),
            index=campaign_uplift["sku"].astype("str").to_numpy(),
        )
        return _lookup(skus, table.groupby(level=0).last()).fillna(1.0)
    factor = float(campaign_uplift)
    if not factor > 0:
        raise ParameterError(
            f"campaign_uplift={campaign_uplift!r}; give a multiplier > 0 (1.5 = 50 % more "
            "demand) or a frame with sku and uplift (campaign_uplift() of last year's event)"
        )
    return pd.Series(factor, index=skus.index)


def _safety_stock(
    velocity: pd.Series,
    sigma: pd.Series,
    lead_time: pd.Series,
    safety_days,
    service_level,
) -> pd.Series:
    if safety_days is not None and service_level is not None:
        raise ParameterError(
            "give safety_days or service_level, not both: safety stock is either "
            "velocity × safety_days or z(service_level) × σ × √lead time"
        )
    if safety_days is not None:
        if float(safety_days) < 0:
            raise ParameterError(f"safety_days={safety_days!r}; give a number of days ≥ 0")
        return velocity * float(safety_days)
    if service_level is not None:
        if not 0 < float(service_level) < 1:
            raise ParameterError(
                f"service_level={service_level!r}; give a probability such as 0.95 (in (0, 1))"
            )
        from scipy.stats import norm

        z = float(norm.ppf(float(service_level)))
        return z * sigma * np.sqrt(lead_time)
    return pd.Series(0.0, index=velocity.index)


def _order_quantity(need: pd.Series, min_qty: pd.Series, case_pack: pd.Series) -> pd.Series:
    """``need`` raised to the minimum order and rounded up to whole case packs (if given)."""
    qty = need.where(need <= 0, np.maximum(need, min_qty.fillna(0)))
    pack = case_pack.where(case_pack > 0)
    packed = np.ceil(qty / pack) * pack
    return packed.where(pack.notna(), np.ceil(qty)).where(qty > 0, 0.0).where(need.notna())


def reorder_plan(
    products: pd.DataFrame,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    window_days: int = 28,
    stock_levels: pd.DataFrame | None = None,
    lead_time_days: float | None = None,
    safety_days: float | None = None,
    service_level: float | None = None,
    cover_days: float = 30,
    campaign_uplift=None,
) -> pd.DataFrame:
    """When and how much to reorder each listed product: velocity, reorder point, quantity.

    Parameters
    ----------
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``title``, ``status``; ``stock_on_hand``,
        ``listed_at``, ``lead_time_days``, ``min_order_qty``, ``case_pack`` optional),
        stock as at ``as_of``.
    order_items, orders : pandas.DataFrame
        Order lines and orders covering at least the window.
    as_of : str or pandas.Timestamp
        End of the window (exclusive), e.g. the midnight after the inspection day.
    window_days : int, default 28
        Local days ``[as_of − window_days, as_of)`` the velocity is measured over.
    stock_levels : pandas.DataFrame, optional
        The ``stock_levels`` table (``date``, ``sku``, ``stock_on_hand`` at the end of the
        local day): days out of stock are left out of the velocity.
    lead_time_days : float, optional
        Days from ordering to stock on the shelf, for products without their own
        ``lead_time_days``. Without either, the product's status is ``unknown``.
    safety_days : float, optional
        Safety stock as days of sales (velocity × safety_days).
    service_level : float, optional
        Safety stock for this probability of not running out during the lead time
        (z × σ × √lead time). Give ``safety_days`` or ``service_level``, not both;
        neither means no safety stock.
    cover_days : float, default 30
        Days of sales an order should cover after it arrives (the order cycle).
    campaign_uplift : float or pandas.DataFrame, optional
        Expected demand multiplier during the lead time and the cover (e.g. 1.8 for
        双11 备货), for every product, or per sku as a frame with ``sku`` and ``uplift``
        (:func:`campaign_uplift` of last year's same event; skus absent get 1).

    Returns
    -------
    pandas.DataFrame
        One row per listed product, most urgent first (``reorder_now``, ``reorder_soon``,
        ``ok``, ``no_sales``, ``unknown``; then days_to_reorder, then sku):

        - ``sku``, ``title`` (str).
        - ``stock_on_hand`` (float64): units in stock (NaN without the column).
        - ``daily_velocity`` (float64): units sold in the window ÷ selling_days, times the
          campaign uplift; NaN when selling_days is 0.
        - ``selling_days`` (int64): days of the window the product was listed and in stock.
        - ``lead_time_days`` (float64): the product's own, else the argument.
        - ``safety_stock`` (float64): units held against demand above the velocity.
        - ``reorder_point`` (float64): daily_velocity × lead_time_days + safety_stock.
        - ``days_to_reorder`` (float64): (stock_on_hand − reorder_point) / daily_velocity.
        - ``suggested_qty`` (float64): for ``reorder_now`` and ``reorder_soon``,
          reorder_point + daily_velocity × cover_days − stock_on_hand, at least
          ``min_order_qty``, rounded up to whole ``case_pack``; 0 for ``ok`` and
          ``no_sales``, NaN for ``unknown``.
        - ``status`` (str): ``no_sales`` when the velocity is 0 (or unknown: no selling
          day); else ``unknown`` without a lead time or a stock figure; else
          ``reorder_now`` when stock_on_hand ≤ reorder_point, ``reorder_soon`` when
          days_to_reorder ≤ 7, else ``ok``.

    Notes
    -----
    中文名: 补货计划 (补货点, 建议采购量)

    DESIGN §5. Velocity (日均销量) = units of paid order lines (DESIGN §5, dated by
    ``paid_at``) in the window ÷ the days it could sell: days before ``listed_at`` do not
    count, nor, with ``stock_levels``, days whose end-of-day stock was ≤ 0 and that sold
    nothing (a day that sold out still sold, so it counts). A stock-out would otherwise
    read as low demand and the next order would be too small. Safety stock is
    velocity × safety_days (Shopify/Stocky style), or z(service_level) × σ × √L where σ is
    the standard deviation of daily units over the selling days (zeros included) and
    z = Φ⁻¹(service_level) (scipy.stats.norm.ppf): the classic formula for demand
    variability with a fixed lead time L. A product's own ``lead_time_days`` wins over
    the argument. The campaign uplift scales the velocity: the stock must last through a
    lead time in which the event sells uplift × the usual rate.

    Worked example (Shopify's reorder-point guide): 4 units a day, 7-day lead time and
    4 safety days give 4 × 7 + 4 × 4 = 44 units.

    Examples
    --------
    >>> import pandas as pd
    >>> products = pd.DataFrame({"sku": ["x"], "title": ["X"], "status": "listed",
    ...                          "stock_on_hand": [50], "case_pack": [12]})
    >>> orders = pd.DataFrame({"order_id": [f"o{d}" for d in range(28)], "status": "paid",
    ...     "ordered_at": pd.date_range("2025-11-01 10:00", periods=28, freq="D")})
    >>> items = pd.DataFrame({"order_id": orders["order_id"], "sku": "x", "quantity": 4,
    ...                       "unit_price": 9.0})
    >>> plan = reorder_plan(products, items, orders, as_of="2025-11-29", lead_time_days=7,
    ...                     safety_days=4)
    >>> plan[["sku", "daily_velocity", "reorder_point", "days_to_reorder", "status"]]
      sku  daily_velocity  reorder_point  days_to_reorder        status
    0   x             4.0           44.0              1.5  reorder_soon
    >>> plan["suggested_qty"].item()  # 44 + 4 × 30 − 50 = 114, in cases of 12
    120.0
    """
    one_time_zone(products=products, order_items=order_items, orders=orders)
    end = as_timestamp(as_of, "as_of")
    window = _positive_days(window_days, "window_days")
    start = end - pd.Timedelta(days=window)
    out = _listed(products)
    own = products.assign(sku=products["sku"].astype("str"))
    own = own.drop_duplicates("sku", keep="last").set_index("sku")

    def product_number(column: str) -> pd.Series:
        return _lookup(out["sku"], numeric(own, column)).astype("float64")

    daily = _daily_units(order_items, orders, start, end)
    per_sku = daily.groupby("sku")["quantity"]
    units = _lookup(out["sku"], per_sku.sum()).fillna(0.0)
    squares = _lookup(out["sku"], (daily["quantity"] ** 2).groupby(daily["sku"]).sum())
    listed_days = np.ceil((end - out["listed_at"]) / pd.Timedelta(days=1))
    days = listed_days.clip(lower=0, upper=window).fillna(window)
    out_days = _lookup(out["sku"], _out_of_stock_days(stock_levels, daily, start, end))
    out["selling_days"] = (days - out_days.fillna(0)).clip(lower=0)
    uplift = _uplift_of(campaign_uplift, out["sku"])
    out["daily_velocity"] = ratio(units, out["selling_days"]) * uplift
    n = out["selling_days"]
    mean = ratio(units, n)
    variance = ratio(squares.fillna(0.0) - n * mean**2, n - 1).clip(lower=0)
    sigma = np.sqrt(variance) * uplift
    given = np.nan if lead_time_days is None else float(lead_time_days)
    out["lead_time_days"] = product_number("lead_time_days").fillna(given)
    velocity = out["daily_velocity"]
    out["safety_stock"] = _safety_stock(
        velocity, sigma, out["lead_time_days"], safety_days, service_level
    )
    out["reorder_point"] = velocity * out["lead_time_days"] + out["safety_stock"]
    stock = out["stock_on_hand"]
    out["days_to_reorder"] = ratio(stock - out["reorder_point"], velocity)
    selling = velocity > 0
    known = out["reorder_point"].notna() & stock.notna()
    out["status"] = np.select(
        [
            ~selling,
            ~known,
            stock <= out["reorder_point"],
            out["days_to_reorder"] <= REORDER_SOON_DAYS,
        ],
        ["no_sales", "unknown", "reorder_now", "reorder_soon"],
        default="ok",
    )
    due = out["status"].isin(["reorder_now", "reorder_soon"])
    need = (out["reorder_point"] + velocity * float(cover_days) - stock).where(due, 0.0)
    quantity = _order_quantity(need, product_number("min_order_qty"), product_number("case_pack"))
    out["suggested_qty"] = quantity.where(out["status"] != "unknown", np.nan)
    out["_order"] = out["status"].map({s: i for i, s in enumerate(REORDER_STATUSES)})
    out = out.sort_values(["_order", "days_to_reorder", "sku"], na_position="last", kind="stable")
    return conform(out, REORDER_COLUMNS)


def campaign_uplift(
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    start,
    end,
    baseline_days: int = 28,
) -> pd.DataFrame:
    """Each SKU's daily sales during a past event over its daily sales just before it.

    Parameters
    ----------
    order_items, orders : pandas.DataFrame
        Order lines and orders covering the event and the baseline before it.
    start, end : str or pandas.Timestamp
        First and last local day of the event (inclusive, as campaigns' ``start``/``end``),
        e.g. last year's 双11 window.
    baseline_days : int, default 28
        Local days before ``start`` that the usual rate is measured over.

    Returns
    -------
    pandas.DataFrame
        One row per sku sold in the event or the baseline, sorted by sku:

        - ``sku`` (str).
        - ``event_units`` (int64), ``event_days`` (int64): units and days of the event.
        - ``baseline_units`` (int64), ``baseline_days`` (int64): same, before it.
        - ``uplift`` (float64): (event_units / event_days) ÷ (baseline_units /
          baseline_days); NaN when the baseline sold nothing.

    Notes
    -----
    中文名: 大促销量倍数 (备货系数)

    Pass the result as ``reorder_plan(..., campaign_uplift=...)`` before this year's same
    event: its velocity is then last year's ratio times this year's rate. 口径: units of
    paid order lines (DESIGN §5) dated by ``paid_at``. Stock-outs in either window are not
    corrected for (a SKU that ran out during the event shows a smaller uplift).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "status": "paid",
    ...     "ordered_at": pd.to_datetime(["2024-11-05 10:00", "2024-11-11 10:00"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o2"], "sku": "x", "quantity": [4, 3],
    ...                       "unit_price": 9.0})
    >>> campaign_uplift(items, orders, start="2024-11-11", end="2024-11-11", baseline_days=10)
      sku  event_units  event_days  baseline_units  baseline_days  uplift
    0   x            3           1               4             10     7.5
    """
    one_time_zone(order_items=order_items, orders=orders)
    first = as_timestamp(start, "start").normalize()
    after = as_timestamp(end, "end").normalize() + pd.Timedelta(days=1)
    if after <= first:
        raise ParameterError(f"end={end!r} is before start={start!r}")
    baseline = _positive_days(baseline_days, "baseline_days")
    event = _units_in_window(order_items, orders, first, after).rename("event_units")
    before = _units_in_window(
        order_items, orders, first - pd.Timedelta(days=baseline), first
    ).rename("baseline_units")
    out = pd.concat([event, before], axis=1).fillna(0).rename_axis("sku").reset_index()
    out["event_days"] = (after - first).days
    out["baseline_days"] = baseline
    out["uplift"] = ratio(
        out["event_units"] / out["event_days"], out["baseline_units"] / out["baseline_days"]
    )
    return conform(out.sort_values("sku"), UPLIFT_COLUMNS)
