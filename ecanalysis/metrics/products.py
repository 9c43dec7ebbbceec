"""Products (商品): sales by product and category, rankings, ABC classes, sell-through.

Product figures come from order lines (``order_items``) of *paid* orders (DESIGN §5); the
``orders`` frame given decides which orders count, so pass the window's orders (e.g. the
week's). Line value is net of the line's discount; refunds are recorded per order and are
not allocated to lines. Definitions follow research/metrics.md §10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    as_timestamp,
    check_freq,
    conform,
    is_paid,
    local_naive,
    numeric,
    one_time_zone,
    paid_time,
    period_floor,
    ratio,
    require,
)
from ecanalysis.params import DEFAULT_THRESHOLDS

#: Columns read from each table (the bold columns of DESIGN §2 the product metrics need).
ITEM_COLUMNS = ("order_id", "sku", "quantity", "unit_price")
ORDER_COLUMNS = ("order_id", "ordered_at", "status")
PRODUCT_COLUMNS = ("sku", "title")

#: Category of products without one (or sold but absent from the catalogue).
UNCATEGORIZED = "uncategorized"

PERFORMANCE_COLUMNS = {
    "sku": "str",
    "title": "str",
    "category": "str",
    "units": "int64",
    "orders": "int64",
    "buyers": "int64",
    "revenue": "float64",
    "cost": "float64",
    "gross_profit": "float64",
    "gross_margin": "float64",
    "revenue_share": "float64",
    "rank": "int64",
}
RANKING_COLUMNS = {"rank_type": "str", **PERFORMANCE_COLUMNS}
ABC_COLUMNS = {
    "sku": "str",
    "value": "float64",
    "share": "float64",
    "cumulative_share": "float64",
    "abc_class": "str",
}
CATEGORY_COLUMNS = {
    "period_start": PERIOD_DTYPE,
    "category": "str",
    "units": "int64",
    "revenue": "float64",
    "orders": "int64",
}
SELL_THROUGH_COLUMNS = {
    "sku": "str",
    "title": "str",
    "category": "str",
    "units_sold": "int64",
    "stock_on_hand": "float64",
    "sell_through": "float64",
}


def _paid_lines(
    order_items: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Order lines of paid orders with ``paid_time``, ``customer_id``, ``revenue`` and ``cost``.

    ``revenue`` = quantity × unit_price − discount_amount (a missing discount is 0);
    ``cost`` = quantity × unit_cost of the line, else of the product; NaN when neither.
    """
    require(order_items, ITEM_COLUMNS, "order_items")
    require(orders, ORDER_COLUMNS, "orders")
    paid = orders[is_paid(orders)]
    customers = paid["customer_id"] if "customer_id" in paid.columns else None
    heads = pd.DataFrame(
        {
            "order_id": paid["order_id"].astype("str"),
            "paid_time": paid_time(paid),
            "customer_id": customers,
        }
    ).drop_duplicates("order_id")
    lines = pd.DataFrame(
        {
            "order_id": order_items["order_id"].astype("str"),
            "sku": order_items["sku"].astype("str"),
            "quantity": numeric(order_items, "quantity"),
            "unit_price": numeric(order_items, "unit_price"),
            "discount": numeric(order_items, "discount_amount").fillna(0.0),
            "unit_cost": numeric(order_items, "unit_cost"),
        }
    )
    lines = lines.merge(heads, on="order_id", how="inner")
    if products is not None and "unit_cost" in products.columns:
        catalog_cost = _catalog(products).set_index("sku")["unit_cost"]
        lines["unit_cost"] = lines["unit_cost"].fillna(_lookup(lines["sku"], catalog_cost))
    lines["revenue"] = lines["quantity"] * lines["unit_price"] - lines["discount"]
    lines["cost"] = lines["quantity"] * lines["unit_cost"]
    return lines


def _catalog(products: pd.DataFrame | None) -> pd.DataFrame:
    """One row per sku with the product columns the metrics read (missing → NaN/NaT).

    Columns: ``sku``, ``title``, ``category``, ``status`` (str), ``unit_cost``,
    ``stock_on_hand`` (float64), ``listed_at`` (datetime64[ns], naive local).
    """
    if products is None:
        products = pd.DataFrame({"sku": pd.Series(dtype="str"), "title": pd.Series(dtype="str")})
    require(products, PRODUCT_COLUMNS, "products")

    def text(column: str) -> pd.Series:
        values = products[column] if column in products.columns else None
        return pd.Series(values, index=products.index, dtype="str")

    listed_at = (
        local_naive(products["listed_at"])
        if "listed_at" in products.columns
        else pd.Series(pd.NaT, index=products.index, dtype=PERIOD_DTYPE)
    )
    catalog = pd.DataFrame(
        {
            "sku": text("sku"),
            "title": text("title"),
            "category": text("category"),
            "status": text("status").str.lower(),
            "unit_cost": numeric(products, "unit_cost"),
            "stock_on_hand": numeric(products, "stock_on_hand"),
            "listed_at": listed_at,
        }
    )
    return catalog.drop_duplicates("sku", keep="last").reset_index(drop=True)


def _listed(products: pd.DataFrame) -> pd.DataFrame:
    """The catalogue rows of products with status ``listed`` (``status`` is required)."""
    require(products, [*PRODUCT_COLUMNS, "status"], "products")
    catalog = _catalog(products)
    return catalog[catalog["status"] == "listed"].reset_index(drop=True)


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values[key]`` for each key (missing where absent), keeping the dtype of ``values``.

    Unlike ``Series.map``, an empty ``keys`` does not turn the result into the keys' dtype.
    """
    found = values.reindex(keys.to_numpy())
    return pd.Series(found.to_numpy(), index=keys.index, dtype=found.dtype)


def _sum_all(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Group sums that are NaN when any value of the group is NaN (no partial costs)."""
    sums = values.groupby(keys).sum()
    return sums.where(~values.isna().groupby(keys).any())


def product_performance(
    order_items: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Units, orders, buyers, revenue and margin of every product sold, ranked by revenue.

    Parameters
    ----------
    order_items : pandas.DataFrame
        Order lines (``order_id``, ``sku``, ``quantity``, ``unit_price``; ``unit_cost``,
        ``discount_amount`` optional).
    orders : pandas.DataFrame
        The orders of the window (``order_id``, ``ordered_at``, ``status``; ``paid_at``,
        ``customer_id`` optional); lines of other orders are ignored.
    products : pandas.DataFrame, optional
        The ``products`` table, for ``title``, ``category`` and a fallback ``unit_cost``.

    Returns
    -------
    pandas.DataFrame
        One row per sku sold in a paid order, sorted by ``rank``:

        - ``sku``, ``title``, ``category`` (str): title and category from ``products``
          (missing when not given or not listed there).
        - ``units`` (int64): quantity sold.
        - ``orders`` (int64): paid orders with the sku.
        - ``buyers`` (int64): distinct customers of those orders (0 without ``customer_id``).
        - ``revenue`` (float64): Σ quantity × unit_price − line discount_amount.
        - ``cost`` (float64): Σ quantity × unit_cost (line cost, else the product's); NaN
          when any line lacks a cost.
        - ``gross_profit`` (float64): revenue − cost.
        - ``gross_margin`` (float64): gross_profit / revenue.
        - ``revenue_share`` (float64): revenue / revenue of all products.
        - ``rank`` (int64): 1 = highest revenue (ties broken by sku).

    Notes
    -----
    中文名: 商品销售排行 (销量 / 销售额 / 销售额占比)

    口径 (research/metrics.md §10.1): lines of paid orders (DESIGN §5: a ``paid_at`` and a
    status other than ``cancelled``) among the ``orders`` given. Revenue is the line value
    after line discounts, before order-level discounts and shipping, so it need not add up
    to the orders' ``paid_amount``. Refunds are recorded per order and are not allocated
    to products: a refunded order's lines still count, as in 生意参谋's paid-basis sales.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["a", "b"],
    ...                        "ordered_at": pd.to_datetime(["2025-11-11", "2025-11-12"]),
    ...                        "status": ["paid", "cancelled"]})
    >>> items = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "sku": ["x", "y", "x"],
    ...                       "quantity": [2, 1, 5], "unit_price": [10.0, 30.0, 10.0],
    ...                       "discount_amount": [2.0, 0.0, 0.0]})
    >>> product_performance(items, orders)[["sku", "units", "orders", "revenue", "revenue_share", "rank"]]
      sku  units  orders  revenue  revenue_share  rank
    0   y      1       1     30.0          0.625     1
    1   x      2       1     18.0          0.375     2
    """
    one_time_zone(order_items=order_items, orders=orders, products=products)
    lines = _paid_lines(order_items, orders, products)
    grouped = lines.groupby("sku")
    out = pd.DataFrame(
        {
            "units": grouped["quantity"].sum(),
            "orders": grouped["order_id"].nunique(),
            "buyers": grouped["customer_id"].nunique(),
            "revenue": grouped["revenue"].sum(),
            "cost": _sum_all(lines["cost"], lines["sku"]),
        }
    ).reset_index()
    out = out.merge(_catalog(products)[["sku", "title", "category"]], on="sku", how="left")
    out["gross_profit"] = out["revenue"] - out["cost"]
    out["gross_margin"] = ratio(out["gross_profit"], out["revenue"])
    out["revenue_share"] = ratio(out["revenue"], pd.Series(out["revenue"].sum(), index=out.index))
    out = out.sort_values(["revenue", "sku"], ascending=[False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return conform(out, PERFORMANCE_COLUMNS)


def best_and_worst(
    performance: pd.DataFrame, *, n: int = DEFAULT_THRESHOLDS["top_n"], by: str = "revenue"
) -> pd.DataFrame:
    """The ``n`` best and ``n`` worst selling products of a performance table.

    Parameters
    ----------
    performance : pandas.DataFrame
        Output of :func:`product_performance`.
    n : int, default 10
        Products in each list.
    by : str, default "revenue"
        Column to rank by (``revenue``, ``units``, ``gross_profit`` …).

    Returns
    -------
    pandas.DataFrame
        The best rows first, then the worst:

        - ``rank_type`` (str): ``best`` or ``worst``.
        - the columns of :func:`product_performance`, with ``rank`` (int64) the position
          in its list (1 = best of the best, or worst of the worst).

    Notes
    -----
    中文名: 畅销与滞销商品

    Best: highest ``by`` first; worst: lowest first, among products that sold something
    and are not already in the best list (products with no sales at all are listed by
    ``inventory.no_sales_products``). Ties are broken by sku.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1"], "ordered_at": pd.to_datetime(["2025-11-11"]),
    ...                        "status": "paid"})
    >>> items = pd.DataFrame({"order_id": "o1", "sku": ["a", "b", "c"], "quantity": 1,
    ...                       "unit_price": [50.0, 30.0, 5.0]})
    >>> performance = product_performance(items, orders)
    >>> best_and_worst(performance, n=1)[["rank_type", "rank", "sku", "revenue"]]
      rank_type  rank sku  revenue
    0      best     1   a     50.0
    1     worst     1   c      5.0
    """
    require(performance, ["sku", by], "performance")
    count = int(n)
    if count < 1:
        raise ParameterError(f"best_and_worst: n={n!r}; give a number of products ≥ 1")
    ordered = performance.sort_values([by, "sku"], ascending=[False, True], kind="stable")
    best = ordered.head(count).assign(rank_type="best")
    rest = ordered.iloc[count:]
    worst = rest.sort_values([by, "sku"], ascending=[True, True], kind="stable").head(count)
    worst = worst.assign(rank_type="worst")
    out = pd.concat([best, worst], ignore_index=True)
    out["rank"] = out.groupby("rank_type").cumcount() + 1
    return conform(out, RANKING_COLUMNS)


def abc_classes(
    performance: pd.DataFrame,
    *,
    a_share: float = 0.8,
    b_share: float = 0.95,
    value_col: str = "revenue",
) -> pd.DataFrame:
    """ABC (Pareto) classes of products by their share of revenue (or another value).

    Parameters
    ----------
    performance : pandas.DataFrame
        One row per product with ``sku`` and ``value_col`` (e.g. :func:`product_performance`).
    a_share, b_share : float, default 0.8 and 0.95
        Cumulative shares that close class A and class B.
    value_col : str, default "revenue"
        Value to rank by (``revenue``, ``gross_profit``, ``units``).

    Returns
    -------
    pandas.DataFrame
        One row per product, highest value first:

        - ``sku`` (str).
        - ``value`` (float64): the product's ``value_col``.
        - ``share`` (float64): value / total value.
        - ``cumulative_share`` (float64): share of this product and all above it.
        - ``abc_class`` (str): ``A``, ``B`` or ``C``.

    Notes
    -----
    中文名: ABC 分类 (帕累托分析)

    Research/metrics.md §10.2 (Shopify: A ≈ 80% of revenue, B the next 15%, C the rest).
    Products sorted by value (ties by sku); a product is A while the cumulative share
    *before* it is below ``a_share``, so the product that crosses 80% is A (a hero product
    with 90% of revenue is A, not B); likewise B up to ``b_share``. Products with zero or
    negative value are C. With no positive total, every product is C and shares are NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> performance = pd.DataFrame({"sku": ["a", "b", "c", "d"], "revenue": [70.0, 20.0, 6.0, 4.0]})
    >>> abc_classes(performance)
      sku  value  share  cumulative_share abc_class
    0   a   70.0   0.70              0.70         A
    1   b   20.0   0.20              0.90         A
    2   c    6.0   0.06              0.96         B
    3   d    4.0   0.04              1.00         C
    """
    require(performance, ["sku", value_col], "performance", options={value_col: "value_col"})
    if not 0 < a_share <= b_share <= 1:
        raise ParameterError(
            f"abc_classes: need 0 < a_share ≤ b_share ≤ 1, got a_share={a_share}, b_share={b_share}"
        )
    out = pd.DataFrame(
        {"sku": performance["sku"].astype("str"), "value": numeric(performance, value_col)}
    )
    out = out.sort_values(["value", "sku"], ascending=[False, True], kind="stable")
    total = out["value"].clip(lower=0).sum()
    out["share"] = ratio(out["value"], pd.Series(total, index=out.index))
    out["cumulative_share"] = out["share"].cumsum()
    before = out["cumulative_share"] - out["share"]
    positive = out["value"] > 0
    out["abc_class"] = np.select(
        [positive & (before < a_share), positive & (before < b_share)], ["A", "B"], default="C"
    )
    return conform(out, ABC_COLUMNS)


def category_sales(
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    products: pd.DataFrame | None,
    *,
    freq: str = "MS",
) -> pd.DataFrame:
    """Units, revenue and orders by product category and period.

    Parameters
    ----------
    order_items, orders : pandas.DataFrame
        As in :func:`product_performance`.
    products : pandas.DataFrame or None
        The ``products`` table (``sku``, ``title``; ``category`` optional).
    freq : {"MS", "W", "D", "QS", "YS"}, default "MS"
        Period of each row, by the order's payment time.

    Returns
    -------
    pandas.DataFrame
        One row per (period, category) with sales, sorted by both:

        - ``period_start`` (datetime64[ns]): local start of the period.
        - ``category`` (str): the product's category, ``uncategorized`` when unknown.
        - ``units`` (int64): quantity sold.
        - ``revenue`` (float64): Σ quantity × unit_price − line discount_amount.
        - ``orders`` (int64): paid orders with a line of the category (an order with two
          categories counts in both, so orders do not add up across categories).

    Notes
    -----
    中文名: 品类销售

    口径 as in :func:`product_performance` (lines of paid orders, dated by ``paid_at``,
    refunds not allocated).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "ordered_at": pd.to_datetime(["2025-11-11", "2025-12-01"]),
    ...                        "status": "paid"})
    >>> items = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "sku": ["x", "y", "x"],
    ...                       "quantity": [2, 1, 1], "unit_price": [10.0, 30.0, 10.0]})
    >>> products = pd.DataFrame({"sku": ["x", "y"], "title": ["X", "Y"], "category": ["tea", "cups"]})
    >>> category_sales(items, orders, products)
      period_start category  units  revenue  orders
    0   2025-11-01     cups      1     30.0       1
    1   2025-11-01      tea      2     20.0       1
    2   2025-12-01      tea      1     10.0       1
    """
    one_time_zone(order_items=order_items, orders=orders, products=products)
    freq = check_freq(freq)
    lines = _paid_lines(order_items, orders, products)
    categories = _catalog(products).set_index("sku")["category"]
    lines["category"] = _lookup(lines["sku"], categories).fillna(UNCATEGORIZED)
    lines["period_start"] = period_floor(lines["paid_time"], freq)
    out = lines.groupby(["period_start", "category"]).agg(
        units=("quantity", "sum"), revenue=("revenue", "sum"), orders=("order_id", "nunique")
    )
    return conform(out.reset_index(), CATEGORY_COLUMNS)


def sell_through(
    order_items: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame:
    """Sell-through of listed products: units sold / (units sold + stock on hand).

    Parameters
    ----------
    order_items, orders : pandas.DataFrame
        As in :func:`product_performance`; the orders of the window to measure.
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``title``, ``status``; ``stock_on_hand``,
        ``category`` optional), stock as at the end of the window.

    Returns
    -------
    pandas.DataFrame
        One row per listed product, sorted by sku:

        - ``sku``, ``title``, ``category`` (str).
        - ``units_sold`` (int64): quantity sold in paid orders of the window.
        - ``stock_on_hand`` (float64): units in stock (NaN without the column).
        - ``sell_through`` (float64): units_sold / (units_sold + stock_on_hand); NaN when
          both are 0 or the stock is unknown.

    Notes
    -----
    中文名: 售罄率

    Research/metrics.md §10.4 default: units sold / (units sold + ending on-hand), in
    [0, 1] while stock is not negative (negative stock is counted as 0); receipts during
    the window are counted implicitly. Shopify's "percent sold of starting stock" is a
    different figure.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1"], "ordered_at": pd.to_datetime(["2025-11-11"]),
    ...                        "status": "paid"})
    >>> items = pd.DataFrame({"order_id": ["o1"], "sku": ["x"], "quantity": [6], "unit_price": [10.0]})
    >>> products = pd.DataFrame({"sku": ["x", "y"], "title": ["X", "Y"], "status": "listed",
    ...                          "stock_on_hand": [2, 0]})
    >>> sell_through(items, orders, products)[["sku", "units_sold", "stock_on_hand", "sell_through"]]
      sku  units_sold  stock_on_hand  sell_through
    0   x           6            2.0          0.75
    1   y           0            0.0           NaN
    """
    one_time_zone(order_items=order_items, orders=orders, products=products)
    out = _listed(products)
    lines = _paid_lines(order_items, orders)
    sold = lines.groupby("sku")["quantity"].sum()
    out["units_sold"] = _lookup(out["sku"], sold).fillna(0)
    available = out["units_sold"] + out["stock_on_hand"].clip(lower=0)
    out["sell_through"] = ratio(out["units_sold"], available)
    return conform(out.sort_values("sku"), SELL_THROUGH_COLUMNS)


# -- product diagnosis (异常商品): DESIGN §5 "Products, stock and after-sales" -------------

#: Problems :func:`problem_products` flags, in the order they are listed.
PRODUCT_PROBLEMS = ("no_payments", "conversion_drop", "traffic_drop", "low_stock_rising_sales")

FUNNEL_COLUMNS = {
    "period_start": PERIOD_DTYPE,
    "sku": "str",
    "visitors": "int64",
    "pageviews": "float64",
    "cart_visitors": "float64",
    "buyers": "int64",
    "units": "int64",
    "revenue": "float64",
    "cart_rate": "float64",
    "conversion_rate": "float64",
}
PROBLEM_COLUMNS = {
    "sku": "str",
    "title": "str",
    "problems": "str",
    "visitors": "int64",
    "previous_visitors": "int64",
    "buyers": "int64",
    "previous_buyers": "int64",
    "conversion_rate": "float64",
    "previous_conversion_rate": "float64",
    "units": "int64",
    "previous_units": "int64",
    "revenue": "float64",
    "previous_revenue": "float64",
    "revenue_change": "float64",
    "traffic_effect": "float64",
    "conversion_effect": "float64",
    "price_effect": "float64",
    "stock_on_hand": "float64",
    "days_of_cover": "float64",
}


def _product_days(
    product_traffic: pd.DataFrame, order_items: pd.DataFrame, orders: pd.DataFrame
) -> pd.DataFrame:
    """One row per (sku, local date) with traffic or paid sales: ``visitors``,
    ``pageviews``, ``cart_visitors``, ``buyers``, ``units``, ``revenue``.

    ``buyers`` is the table's where ``product_traffic`` has the column, else the day's
    distinct customers of paid orders with the sku (orders without a customer count
    once each).
    """
    require(product_traffic, ["date", "sku", "visitors"], "product_traffic")
    traffic = pd.DataFrame(
        {
            "sku": product_traffic["sku"].astype("str"),
            "date": local_naive(product_traffic["date"]).dt.normalize(),
            "visitors": numeric(product_traffic, "visitors"),
            "pageviews": numeric(product_traffic, "pageviews"),
            "cart_visitors": numeric(product_traffic, "cart_visitors"),
            "traffic_buyers": numeric(product_traffic, "buyers"),
        }
    )
    lines = _paid_lines(order_items, orders)
    lines["date"] = lines["paid_time"].dt.normalize()
    lines["buyer"] = (
        lines["customer_id"]
        .astype("str")
        .where(lines["customer_id"].notna(), "order:" + lines["order_id"])
    )
    sales = lines.groupby(["sku", "date"], as_index=False).agg(
        units=("quantity", "sum"), revenue=("revenue", "sum"), line_buyers=("buyer", "nunique")
    )
    # concatenated and summed rather than merged (an outer merge of two empty arrow-string
    # keys fails in pandas 3)
    days = pd.concat([traffic, sales], ignore_index=True)
    days = days.groupby(["sku", "date"], as_index=False).sum(min_count=1)
    use_table = "buyers" in product_traffic.columns
    days["buyers"] = days["traffic_buyers" if use_table else "line_buyers"]
    for column in ("visitors", "buyers", "units", "revenue"):
        days[column] = days[column].fillna(0)
    return days


def product_funnel(
    product_traffic: pd.DataFrame,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    freq: str = "W",
) -> pd.DataFrame:
    """Each SKU's funnel by period: visitors, add-to-cart visitors, buyers, conversion.

    Parameters
    ----------
    product_traffic : pandas.DataFrame
        The ``product_traffic`` table (``date``, ``sku``, ``visitors``; ``pageviews``,
        ``cart_visitors``, ``buyers`` optional), one row per SKU and local day.
    order_items, orders : pandas.DataFrame
        Order lines and orders of the same days, for units and revenue (and buyers when
        ``product_traffic`` has none).
    freq : {"D", "W", "MS", "QS", "YS"}, default "W"
        Period of each row.

    Returns
    -------
    pandas.DataFrame
        One row per (period, sku) with traffic or sales, sorted by period, then revenue
        descending, then sku:

        - ``period_start`` (datetime64[ns]), ``sku`` (str).
        - ``visitors`` (int64): Σ daily visitors of the product page (商品访客数).
        - ``pageviews``, ``cart_visitors`` (float64): Σ daily pageviews and add-to-cart
          visitors (NaN without the column).
        - ``buyers`` (int64): Σ daily paying buyers (支付买家数).
        - ``units`` (int64), ``revenue`` (float64): paid order lines of the period.
        - ``cart_rate`` (float64): cart_visitors / visitors (加购率).
        - ``conversion_rate`` (float64): buyers / visitors (商品支付转化率).

    Notes
    -----
    中文名: 商品漏斗 (访客 → 加购 → 支付)

    ``product_traffic`` holds one count per SKU and day (the 生意参谋 商品效果 and Shopify
    product analytics exports), so a week's ``visitors`` and ``buyers`` are sums of daily
    distinct counts: a shopper who viewed on two days counts twice. Both sides of the
    conversion are summed alike, so the rate is comparable across SKUs and weeks; it is
    not the deduplicated weekly UV. ``buyers`` comes from the table where it has the
    column (the platform's count), else from paid orders (DESIGN §5) per day. Revenue is
    the line value after line discounts (as :func:`product_performance`).

    Examples
    --------
    >>> import pandas as pd
    >>> traffic = pd.DataFrame({"date": pd.to_datetime(["2025-11-10", "2025-11-11"]),
    ...     "sku": "x", "visitors": [40, 60], "cart_visitors": [8, 12]})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["a", "b"],
    ...     "status": "paid", "ordered_at": pd.to_datetime(["2025-11-10 09:00", "2025-11-11 09:00"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o2"], "sku": "x", "quantity": 1,
    ...                       "unit_price": 30.0})
    >>> product_funnel(traffic, items, orders)[["sku", "visitors", "buyers", "revenue",
    ...                                         "cart_rate", "conversion_rate"]]
      sku  visitors  buyers  revenue  cart_rate  conversion_rate
    0   x       100       2     60.0        0.2             0.02
    """
    one_time_zone(product_traffic=product_traffic, order_items=order_items, orders=orders)
    freq = check_freq(freq)
    days = _product_days(product_traffic, order_items, orders)
    days["period_start"] = period_floor(days["date"], freq)
    out = days.groupby(["period_start", "sku"], as_index=False)[
        ["visitors", "pageviews", "cart_visitors", "buyers", "units", "revenue"]
    ].sum(min_count=1)
    out["cart_rate"] = ratio(out["cart_visitors"], out["visitors"])
    out["conversion_rate"] = ratio(out["buyers"], out["visitors"])
    out = out.sort_values(
        ["period_start", "revenue", "sku"], ascending=[True, False, True], kind="stable"
    )
    return conform(out.fillna({"visitors": 0, "buyers": 0, "units": 0}), FUNNEL_COLUMNS)


def _revenue_effects(week: pd.DataFrame) -> pd.DataFrame:
    """Split revenue change into traffic, conversion and price (revenue per buyer) effects.

    revenue = visitors × conversion × revenue_per_buyer; chained in that order:
    traffic = ΔV × c₀ × p₀, conversion = V₁ × Δc × p₀, price = V₁ × c₁ × Δp, which add up
    to the change exactly. A week without buyers has no revenue per buyer: the other
    week's is used (no price effect can be seen). A week with buyers but no visitors
    (a SKU missing from ``product_traffic``) has no funnel: its effects are NaN.
    """
    v0, v1 = week["previous_visitors"], week["visitors"]
    c0 = ratio(week["previous_buyers"], v0).fillna(0.0)
    c1 = ratio(week["buyers"], v1).fillna(0.0)
    p0 = ratio(week["previous_revenue"], week["previous_buyers"])
    p1 = ratio(week["revenue"], week["buyers"])
    p0, p1 = p0.fillna(p1).fillna(0.0), p1.fillna(p0).fillna(0.0)
    effects = pd.DataFrame(
        {
            "traffic_effect": (v1 - v0) * c0 * p0,
            "conversion_effect": v1 * (c1 - c0) * p0,
            "price_effect": v1 * c1 * (p1 - p0),
        },
        index=week.index,
    )
    # buyers without any visitor (sales of a SKU missing from product_traffic): no funnel
    unfunneled = ((v0 == 0) & (week["previous_buyers"] > 0)) | ((v1 == 0) & (week["buyers"] > 0))
    return effects.where(~unfunneled)


def problem_products(
    product_traffic: pd.DataFrame,
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    as_of,
    days: int = 7,
    drop_share: float = 0.3,
    min_visitors: int = 50,
    low_cover_days: float = DEFAULT_THRESHOLDS["low_cover_days"],
) -> pd.DataFrame:
    """The week's problem products (异常商品), and their revenue change split into causes.

    Parameters
    ----------
    product_traffic : pandas.DataFrame
        The ``product_traffic`` table, covering this window and the one before.
    order_items, orders : pandas.DataFrame
        Order lines and orders of both windows.
    products : pandas.DataFrame, optional
        The ``products`` table, for ``title`` and ``stock_on_hand``.
    as_of : str or pandas.Timestamp
        End of the window (exclusive): the window is ``[as_of − days, as_of)``, compared
        with the ``days`` before it.
    days : int, default 7
        Length of each window.
    drop_share : float, default 0.3
        A fall of visitors or conversion by at least this share is a drop.
    min_visitors : int, default 50
        Visitors a SKU needs (in the window judged) before its drops or zero payments
        are flagged: fewer are noise.
    low_cover_days : float, default 7
        Stock lasting fewer days at this window's rate is low.

    Returns
    -------
    pandas.DataFrame
        One row per SKU with at least one problem, biggest revenue loss first (then sku):

        - ``sku``, ``title`` (str).
        - ``problems`` (str): comma-separated codes: ``no_payments`` (≥ min_visitors
          visitors, no buyer), ``conversion_drop``, ``traffic_drop``,
          ``low_stock_rising_sales`` (units up on the previous window and fewer than
          ``low_cover_days`` of cover left).
        - ``visitors``, ``previous_visitors``, ``buyers``, ``previous_buyers``,
          ``units``, ``previous_units`` (int64): Σ daily counts of each window.
        - ``conversion_rate``, ``previous_conversion_rate`` (float64): buyers / visitors.
        - ``revenue``, ``previous_revenue``, ``revenue_change`` (float64): paid line value.
        - ``traffic_effect``, ``conversion_effect``, ``price_effect`` (float64): the
          revenue change split as revenue = visitors × conversion × revenue per buyer
          (chained in that order; they add up to revenue_change; NaN for a SKU with
          buyers but no visitors in a window).
        - ``stock_on_hand`` (float64), ``days_of_cover`` (float64): stock / (units / days).

    Notes
    -----
    中文名: 异常商品 (流量下跌, 转化下跌, 有访客无支付, 库存告急)

    生意参谋's 异常商品 for one store's week. Counts are Σ of daily counts as in
    :func:`product_funnel`. A traffic drop is visitors ≤ (1 − drop_share) × the
    previous window's with at least ``min_visitors`` then; a conversion drop is
    conversion ≤ (1 − drop_share) × the previous with at least ``min_visitors`` now.
    The split is the chained (sequential) decomposition of 销售额 = 访客数 × 转化率 ×
    客单价, traffic first: exact, and the same reading the weekly review gives the store.
    ``price_effect`` is revenue per buyer, so it moves with price and with units a buyer
    takes. 口径: paid order lines (DESIGN §5), dated by ``paid_at``.

    Examples
    --------
    >>> import pandas as pd
    >>> traffic = pd.DataFrame({"date": pd.to_datetime(["2025-11-05", "2025-11-12"]),
    ...     "sku": "x", "visitors": [200, 100], "buyers": [10, 5]})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "status": "paid",
    ...     "ordered_at": pd.to_datetime(["2025-11-05 09:00", "2025-11-12 09:00"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o2"], "sku": "x", "quantity": [10, 5],
    ...                       "unit_price": 20.0})
    >>> out = problem_products(traffic, items, orders, as_of="2025-11-17")
    >>> out[["sku", "problems", "revenue_change", "traffic_effect", "conversion_effect"]]
      sku      problems  revenue_change  traffic_effect  conversion_effect
    0   x  traffic_drop          -100.0          -100.0                0.0
    """
    one_time_zone(
        product_traffic=product_traffic, order_items=order_items, orders=orders, products=products
    )
    end = as_timestamp(as_of, "as_of").normalize()
    width = int(days)
    if width < 1:
        raise ParameterError(f"days={days!r}; give a whole number of days ≥ 1")
    start, before = end - pd.Timedelta(days=width), end - pd.Timedelta(days=2 * width)
    daily = _product_days(product_traffic, order_items, orders)
    columns = ["visitors", "buyers", "units", "revenue"]

    def window(first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
        inside = daily[(daily["date"] >= first) & (daily["date"] < last)]
        return inside.groupby("sku")[columns].sum()

    now, previous = window(start, end), window(before, start)
    week = now.join(previous.add_prefix("previous_"), how="outer").fillna(0.0).reset_index()
    catalog = _catalog(products).set_index("sku")
    week["title"] = _lookup(week["sku"], catalog["title"])
    week["stock_on_hand"] = _lookup(week["sku"], catalog["stock_on_hand"])
    week["conversion_rate"] = ratio(week["buyers"], week["visitors"])
    week["previous_conversion_rate"] = ratio(week["previous_buyers"], week["previous_visitors"])
    week["revenue_change"] = week["revenue"] - week["previous_revenue"]
    week = week.join(_revenue_effects(week))
    week["days_of_cover"] = ratio(week["stock_on_hand"], week["units"] / width)
    keep = 1 - float(drop_share)
    flags = {
        "no_payments": (week["visitors"] >= min_visitors) & (week["buyers"] == 0),
        "conversion_drop": (week["visitors"] >= min_visitors)
        & (week["buyers"] > 0)
        & (week["conversion_rate"] <= keep * week["previous_conversion_rate"]),
        "traffic_drop": (week["previous_visitors"] >= min_visitors)
        & (week["visitors"] <= keep * week["previous_visitors"]),
        "low_stock_rising_sales": (week["units"] > week["previous_units"])
        & (week["days_of_cover"] < float(low_cover_days)),
    }
    problems = pd.Series("", index=week.index, dtype="str")
    for name, flag in flags.items():
        problems = problems + np.where(flag.fillna(False), name + ",", "")
    week["problems"] = problems.str.rstrip(",")
    out = week[week["problems"] != ""]
    out = out.sort_values(["revenue_change", "sku"], kind="stable")
    return conform(out, PROBLEM_COLUMNS)
