"""Baskets (购物篮): 连带率, items bought together, and what a customer's first product leads to.

Everything here reads order lines (``order_items``) of *paid* orders (DESIGN §5) among the
``orders`` given, dated by payment. An *item* is a SKU (``level="sku"``) or the product's
category (``level="category"``, which needs the ``products`` table; SKUs without one are
``uncategorized``). A basket is the set of distinct items of one paid order: quantities do
not matter for affinity, only presence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    check_freq,
    conform,
    group_keys,
    is_paid,
    numeric,
    one_time_zone,
    paid_time,
    period_floor,
    ratio,
    require,
)
from ecanalysis.metrics.products import ITEM_COLUMNS, ORDER_COLUMNS, UNCATEGORIZED, _catalog

#: Levels an item can be read at.
LEVELS = ("sku", "category")
#: z of the one-sided 95 % bound of ``lift_lower`` (the 97.5 % normal quantile, two-sided 95 %).
Z_95 = 1.959963984540054

ITEMS_PER_ORDER_COLUMNS = {
    "period_start": PERIOD_DTYPE,
    "orders": "int64",
    "units": "int64",
    "distinct_items": "int64",
    "units_per_order": "float64",
    "items_per_order": "float64",
}
PAIR_COLUMNS = {
    "item_a": "str",
    "item_b": "str",
    "orders_a": "int64",
    "orders_b": "int64",
    "orders_ab": "int64",
    "total_orders": "int64",
    "support": "float64",
    "confidence_ab": "float64",
    "confidence_ba": "float64",
    "lift": "float64",
    "lift_lower": "float64",
}
BUNDLE_COLUMNS = {"rank": "int64", **PAIR_COLUMNS}
NEXT_PRODUCT_COLUMNS = {
    "first_item": "str",
    "next_item": "str",
    "first_item_customers": "int64",
    "repeat_customers": "int64",
    "customers": "int64",
    "share": "float64",
}
FIRST_PRODUCT_VALUE_COLUMNS = {
    "first_item": "str",
    "customers": "int64",
    "repeat_customers": "int64",
    "repeat_rate": "float64",
    "orders": "int64",
    "net_sales": "float64",
    "net_sales_per_customer": "float64",
}


def _check_level(level: str, products: pd.DataFrame | None) -> str:
    if level not in LEVELS:
        raise ParameterError(f"level={level!r}; use one of {', '.join(LEVELS)}")
    if level == "category" and products is None:
        raise ParameterError(
            "level='category' reads each SKU's category from the products table: pass "
            "products=<the products frame>"
        )
    return level


def _paid_heads(orders: pd.DataFrame, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Paid orders: ``order_id`` (text), ``paid_time`` and the ``extra`` columns, one per id."""
    require(orders, ORDER_COLUMNS, "orders")
    paid = orders[is_paid(orders)]
    heads = pd.DataFrame(
        {"order_id": paid["order_id"].astype("str"), "paid_time": paid_time(paid)},
        index=paid.index,
    )
    for column in extra:
        heads[column] = paid[column]
    return heads.drop_duplicates("order_id").reset_index(drop=True)


def _item_lines(
    order_items: pd.DataFrame,
    order_ids: pd.Series,
    *,
    level: str,
    products: pd.DataFrame | None,
) -> pd.DataFrame:
    """Lines of the given orders: ``order_id``, ``order_code`` (an integer per order id),
    ``item`` (sku or category) and ``quantity``.

    Only the columns a basket needs are built (no money), so that 10M lines stay cheap.
    """
    require(order_items, ITEM_COLUMNS, "order_items")
    order_id = order_items["order_id"].astype("str")
    order_code, keep = _codes_in(order_id, order_ids.astype("str"))
    item = order_items["sku"].astype("str")[keep]
    if level == "category":
        categories = _catalog(products).set_index("sku")["category"]
        found = categories.reindex(item.to_numpy()).to_numpy()
        item = pd.Series(found, index=item.index, dtype="str").fillna(UNCATEGORIZED)
    return pd.DataFrame(
        {
            "order_id": order_id[keep],
            "order_code": order_code[keep],
            "item": item,
            "quantity": numeric(order_items, "quantity")[keep],
        }
    ).reset_index(drop=True)


def _codes_in(values: pd.Series, allowed: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` and ``values.isin(allowed)``, from one factorisation
    (arrow-string ``isin`` is slow on 10M lines; integer codes are not)."""
    codes, _ = pd.factorize(pd.concat([values, allowed], ignore_index=True))
    return codes[: len(values)], np.isin(codes[: len(values)], codes[len(values) :])


def _sorted_unique(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of an int64 array, ascending, and how often each occurs."""
    ordered = np.sort(keys)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else []
    counts = np.diff(np.r_[starts, len(ordered)]).astype("int64")
    return ordered[starts] if len(ordered) else ordered, counts


def items_per_order(
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    freq: str = "D",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Units and distinct items per paid order (连带率), by period and optional groups.

    Parameters
    ----------
    order_items : pandas.DataFrame
        Order lines (``order_id``, ``sku``, ``quantity``, ``unit_price``).
    orders : pandas.DataFrame
        Orders (``order_id``, ``ordered_at``, ``status``; ``paid_at`` and the ``by``
        columns optional); lines of other orders are ignored.
    freq : {"D", "W", "MS", "QS", "YS"}, default "D"
        Period of each row, by the order's payment time.
    by : str or list of str, optional
        Columns of ``orders`` to group by as well (e.g. ``"channel"``).

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` groups, ``period_start``) with a paid order that has lines,
        sorted by them:

        - the ``by`` columns (str; a missing value stays missing).
        - ``period_start`` (datetime64[ns]): local start of the period.
        - ``orders`` (int64): paid orders with at least one line.
        - ``units`` (int64): Σ quantity of their lines.
        - ``distinct_items`` (int64): Σ over those orders of the distinct SKUs in the order.
        - ``units_per_order`` (float64): units / orders (连带率).
        - ``items_per_order`` (float64): distinct_items / orders.

    Notes
    -----
    中文名: 连带率 (件/单, 款/单)

    连带率 = units sold / paid orders: the Taobao/retail 连带率 counts pieces per ticket
    (件单比). ``items_per_order`` counts distinct SKUs instead, which is what cross-selling
    moves (two of one SKU is not a bundle). 口径: lines of paid orders (DESIGN §5), dated by
    ``paid_at``; orders without lines in ``order_items`` are not counted (they would make
    the ratio look lower for want of data). Ratios of sums, never means of ratios.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "status": "paid",
    ...     "ordered_at": pd.to_datetime(["2025-11-11 09:00", "2025-11-11 10:00", "2025-11-12 08:00"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o3"], "sku": ["x", "y", "x", "x"],
    ...                       "quantity": [2, 1, 3, 1], "unit_price": 9.0})
    >>> items_per_order(items, orders)
      period_start  orders  units  distinct_items  units_per_order  items_per_order
    0   2025-11-11       2      6               3              3.0              1.5
    1   2025-11-12       1      1               1              1.0              1.0
    """
    one_time_zone(order_items=order_items, orders=orders)
    freq = check_freq(freq)
    keys = group_keys(by)
    require(orders, keys, "orders", options={key: "by" for key in keys})
    heads = _paid_heads(orders, keys)
    lines = _item_lines(order_items, heads["order_id"], level="sku", products=None)
    per_order = lines.groupby("order_id", sort=False).agg(
        units=("quantity", "sum"), distinct_items=("item", "nunique")
    )
    heads = heads.merge(per_order, left_on="order_id", right_index=True, how="inner")
    heads["period_start"] = period_floor(heads["paid_time"], freq)
    for key in keys:
        heads[key] = heads[key].astype("str")
    grouped = heads.groupby([*keys, "period_start"], dropna=False, sort=True)
    out = grouped.agg(
        orders=("order_id", "size"),
        units=("units", "sum"),
        distinct_items=("distinct_items", "sum"),
    ).reset_index()
    out["units_per_order"] = ratio(out["units"], out["orders"])
    out["items_per_order"] = ratio(out["distinct_items"], out["orders"])
    return conform(out, {**dict.fromkeys(keys, "str"), **ITEMS_PER_ORDER_COLUMNS})


def _pair_counts(
    order_codes: np.ndarray, item_codes: np.ndarray, n_items: int, chunk_pairs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Orders per (a, b) item-code pair, a < b, from baskets sorted by (order, item).

    Every basket of k distinct items gives its k(k−1)/2 pairs, built with ``np.repeat``
    (row i pairs with the rows after it in its basket) and counted by sorting,
    a bounded slice of the baskets at a time so that memory stays flat.
    """
    n = len(order_codes)
    starts = np.flatnonzero(np.r_[True, order_codes[1:] != order_codes[:-1]])
    ends = np.r_[starts[1:], n]
    basket_end = np.repeat(ends, ends - starts)
    partners = basket_end - np.arange(n) - 1
    found_keys, found_counts = [], []
    done = 0
    while done < n:
        # whole baskets up to ~chunk_pairs pairs: cut at a basket start
        cumulative = np.cumsum(partners[done:])
        stop = done + int(np.searchsorted(cumulative, chunk_pairs, side="right"))
        stop = max(stop, done + 1)
        stop = int(basket_end[stop - 1]) if stop < n else n
        rows = np.arange(done, stop)
        first = np.repeat(rows, partners[done:stop])
        offsets = np.arange(len(first)) - np.repeat(
            np.cumsum(partners[done:stop]) - partners[done:stop], partners[done:stop]
        )
        second = first + 1 + offsets
        keys = item_codes[first].astype("int64") * n_items + item_codes[second]
        unique, counts = _sorted_unique(keys)
        found_keys.append(unique)
        found_counts.append(counts)
        done = stop
    if not found_keys:
        return np.empty(0, "int64"), np.empty(0, "int64")
    keys = np.concatenate(found_keys)
    counts = np.concatenate(found_counts)
    if len(found_keys) > 1:  # a pair seen in several slices: add its counts up
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        keys, counts = keys[starts], np.add.reduceat(counts, starts)
    return keys, counts.astype("int64")


def pair_affinity(
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    level: str = "sku",
    min_pair_orders: int = 5,
    max_basket_size: int = 50,
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Items bought in the same paid order: support, confidence, lift and a lower bound on lift.

    Parameters
    ----------
    order_items : pandas.DataFrame
        Order lines (``order_id``, ``sku``, ``quantity``, ``unit_price``).
    orders : pandas.DataFrame
        Orders (``order_id``, ``ordered_at``, ``status``; ``paid_at`` optional); lines of
        other orders are ignored.
    level : {"sku", "category"}, default "sku"
        Pair SKUs, or the products' categories (needs ``products``).
    min_pair_orders : int, default 5
        Pairs bought together in fewer orders are left out.
    max_basket_size : int, default 50
        Orders with more distinct items are left out entirely (wholesale or test orders;
        the cap also bounds the pairs an order makes at 1 225).
    products : pandas.DataFrame, optional
        The ``products`` table (``sku``, ``title``, ``category``), for ``level="category"``.

    Returns
    -------
    pandas.DataFrame
        One row per pair with at least ``min_pair_orders`` joint orders, highest
        ``lift_lower`` first (then ``orders_ab`` descending, then the items):

        - ``item_a``, ``item_b`` (str): the two items, ``item_a < item_b``.
        - ``orders_a``, ``orders_b`` (int64): orders (of the ``total_orders``) with the item.
        - ``orders_ab`` (int64): orders with both.
        - ``total_orders`` (int64): paid orders with 1 to ``max_basket_size`` distinct items.
        - ``support`` (float64): orders_ab / total_orders.
        - ``confidence_ab`` (float64): orders_ab / orders_a (P(b | a)).
        - ``confidence_ba`` (float64): orders_ab / orders_b (P(a | b)).
        - ``lift`` (float64): orders_ab × total_orders / (orders_a × orders_b).
        - ``lift_lower`` (float64): 95 % lower bound of lift (see Notes).

    Notes
    -----
    中文名: 商品关联 (搭配购买, 提升度)

    DESIGN §5. 口径: lines of paid orders (DESIGN §5) among the ``orders`` given; a basket
    is the set of distinct items of an order. ``lift`` > 1 means the two are bought
    together more often than if they were independent. Rare pairs have noisy lifts (two
    orders of two niche SKUs give lift in the hundreds), so rank by ``lift_lower``: with
    N = total_orders, the delta method on log lift = log p_ab − log p_a − log p_b, each
    p̂ = count / N a binomial proportion with var(log p̂) ≈ (1 − p) / (N p) = 1/count − 1/N,
    gives

        se = √(1/orders_ab + 1/orders_a + 1/orders_b − 3/N),
        lift_lower = lift × exp(−1.96 × se).

    The covariances between the three proportions (positive: an order with both has each)
    are left out, which widens the bound: it errs on the side of caution. The pairs are
    counted with vectorised numpy (no apriori candidate sets), in slices of baskets, so
    memory does not grow with the number of orders beyond the lines themselves.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "status": "paid",
    ...                        "ordered_at": pd.to_datetime(["2025-11-11"] * 4)})
    >>> items = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o2", "o3", "o4"],
    ...                       "sku": ["tea", "cup", "tea", "cup", "tea", "pot"],
    ...                       "quantity": 1, "unit_price": 9.0})
    >>> pairs = pair_affinity(items, orders, min_pair_orders=2)
    >>> pairs[["item_a", "item_b", "orders_a", "orders_b", "orders_ab", "support", "lift"]]
      item_a item_b  orders_a  orders_b  orders_ab  support      lift
    0    cup    tea         2         3          2      0.5  1.333333
    """
    one_time_zone(order_items=order_items, orders=orders, products=products)
    level = _check_level(level, products)
    cap = int(max_basket_size)
    if cap < 2:
        raise ParameterError(f"max_basket_size={max_basket_size!r}; give a whole number ≥ 2")
    heads = _paid_heads(orders)
    lines = _item_lines(order_items, heads["order_id"], level=level, products=products)
    order_codes = lines["order_code"].to_numpy()
    item_codes, item_names = pd.factorize(lines["item"], sort=True)
    baskets, _ = _sorted_unique(order_codes.astype("int64") * max(len(item_names), 1) + item_codes)
    basket_order = baskets // max(len(item_names), 1)
    basket_item = baskets % max(len(item_names), 1)
    sizes = np.bincount(basket_order, minlength=int(order_codes.max(initial=-1)) + 1)
    kept = sizes[basket_order] <= cap
    basket_order, basket_item = basket_order[kept], basket_item[kept]
    total_orders = int(((sizes >= 1) & (sizes <= cap)).sum())
    item_orders = np.bincount(basket_item, minlength=len(item_names))
    pairs = sizes[basket_order] >= 2
    keys, together = _pair_counts(
        basket_order[pairs], basket_item[pairs], len(item_names), chunk_pairs=4_000_000
    )
    enough = together >= int(min_pair_orders)
    keys, together = keys[enough], together[enough]
    code_a, code_b = keys // max(len(item_names), 1), keys % max(len(item_names), 1)
    out = pd.DataFrame(
        {
            "item_a": np.asarray(item_names, dtype=object)[code_a],
            "item_b": np.asarray(item_names, dtype=object)[code_b],
            "orders_a": item_orders[code_a],
            "orders_b": item_orders[code_b],
            "orders_ab": together,
        }
    )
    out["total_orders"] = total_orders
    _affinity_rates(out)
    out = out.sort_values(
        ["lift_lower", "orders_ab", "item_a", "item_b"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return conform(out, PAIR_COLUMNS)


def bundle_candidates(
    pairs: pd.DataFrame, *, n: int = 10, min_lift_lower: float = 1.0
) -> pd.DataFrame:
    """The pairs worth a bundle or a cross-sell: bought together above chance, surely.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Output of :func:`pair_affinity`.
    n : int, default 10
        Pairs to keep.
    min_lift_lower : float, default 1.0
        Keep pairs whose ``lift_lower`` is above this (1: more often together than
        independence would give, even at the 95 % lower bound).

    Returns
    -------
    pandas.DataFrame
        At most ``n`` rows, best first: ``rank`` (int64, 1 = best) and the columns of
        :func:`pair_affinity`.

    Notes
    -----
    中文名: 搭配套餐候选 (关联推荐)

    Ranked by ``lift_lower``, then joint orders: a pair with a high lift from two orders
    is not a finding, one with a lower bound above 1 over many orders is. Confidence tells
    which way to recommend (``confidence_ab``: buyers of A who also take B).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(6)], "status": "paid",
    ...                        "ordered_at": pd.to_datetime(["2025-11-11"] * 6)})
    >>> items = pd.DataFrame({"order_id": ["o0", "o0", "o1", "o1", "o2", "o2", "o3", "o3",
    ...                                    "o4", "o5"],
    ...                       "sku": ["a", "b", "a", "b", "a", "b", "a", "c", "c", "c"],
    ...                       "quantity": 1, "unit_price": 9.0})
    >>> pairs = pair_affinity(items, orders, min_pair_orders=1)
    >>> bundle_candidates(pairs, min_lift_lower=0.4)[["rank", "item_a", "item_b", "lift"]]
       rank item_a item_b  lift
    0     1      a      b   1.5
    """
    require(pairs, ["item_a", "item_b", "orders_ab", "lift_lower"], "pairs")
    count = int(n)
    if count < 1:
        raise ParameterError(f"bundle_candidates: n={n!r}; give a number of pairs ≥ 1")
    above = pairs[pairs["lift_lower"] > float(min_lift_lower)]
    out = above.sort_values(
        ["lift_lower", "orders_ab", "item_a", "item_b"],
        ascending=[False, False, True, True],
        kind="stable",
    ).head(count)
    out = out.assign(rank=np.arange(1, len(out) + 1))
    return conform(out, BUNDLE_COLUMNS)


def _affinity_rates(pairs: pd.DataFrame) -> None:
    """Add support, confidences, lift and lift_lower (formulas in :func:`pair_affinity`)."""
    n_ab = pairs["orders_ab"].astype("float64")
    n_a = pairs["orders_a"].astype("float64")
    n_b = pairs["orders_b"].astype("float64")
    total = pairs["total_orders"].astype("float64")
    pairs["support"] = ratio(n_ab, total)
    pairs["confidence_ab"] = ratio(n_ab, n_a)
    pairs["confidence_ba"] = ratio(n_ab, n_b)
    pairs["lift"] = ratio(n_ab * total, n_a * n_b)
    variance = (1 / n_ab + 1 / n_a + 1 / n_b - 3 / total).clip(lower=0)
    pairs["lift_lower"] = pairs["lift"] * np.exp(-Z_95 * np.sqrt(variance))


def _first_and_second(
    order_items: pd.DataFrame, orders: pd.DataFrame, level: str, products: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each customer's paid orders ranked by payment (``rank`` 1, 2 …), and the distinct
    items of their first two orders (``customer_id``, ``rank``, ``item``)."""
    require(orders, [*ORDER_COLUMNS, "customer_id"], "orders")
    known = orders[orders["customer_id"].notna()]
    heads = _paid_heads(known, ["customer_id"])
    heads["customer_id"] = heads["customer_id"].astype("str")
    heads = heads.sort_values(["customer_id", "paid_time", "order_id"], kind="stable")
    heads["rank"] = heads.groupby("customer_id").cumcount() + 1
    early = heads[heads["rank"] <= 2]
    lines = _item_lines(order_items, early["order_id"], level=level, products=products)
    items = lines.merge(early[["order_id", "customer_id", "rank"]], on="order_id")
    items = items[["customer_id", "rank", "item"]].drop_duplicates()
    return heads, items


def next_product(
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    level: str = "sku",
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What customers buy in their second order, by what they bought in their first.

    Parameters
    ----------
    order_items : pandas.DataFrame
        Order lines (``order_id``, ``sku``, ``quantity``, ``unit_price``).
    orders : pandas.DataFrame
        The store's paid history (``order_id``, ``customer_id``, ``ordered_at``,
        ``status``; ``paid_at`` optional): first orders are first in this frame.
    level : {"sku", "category"}, default "sku"
        Items as SKUs or as the products' categories (needs ``products``).
    products : pandas.DataFrame, optional
        The ``products`` table, for ``level="category"``.

    Returns
    -------
    pandas.DataFrame
        One row per (first item, next item) transition, sorted by first item, then
        ``customers`` descending, then next item:

        - ``first_item`` (str): an item of the customer's first paid order.
        - ``next_item`` (str): an item of their second paid order.
        - ``first_item_customers`` (int64): customers whose first order had first_item.
        - ``repeat_customers`` (int64): those of them with a second paid order.
        - ``customers`` (int64): those whose second order had next_item.
        - ``share`` (float64): customers / repeat_customers (of the repeat buyers of
          first_item, the share whose second order had next_item).

    Notes
    -----
    中文名: 复购商品流向 (首单 → 二单)

    Orders of a customer are ranked by payment time (ties by order id); an order with
    several items counts for each, so shares of one first item can add up to more than 1.
    口径: paid orders (DESIGN §5) of known customers. The repeat rate of a first item is
    repeat_customers / first_item_customers.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "status": "paid",
    ...     "customer_id": ["a", "a", "b", "c"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01", "2025-11-20", "2025-11-02", "2025-11-03"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"],
    ...                       "sku": ["tea", "cup", "tea", "tea"], "quantity": 1, "unit_price": 9.0})
    >>> next_product(items, orders)[["first_item", "next_item", "first_item_customers",
    ...                               "repeat_customers", "share"]]
      first_item next_item  first_item_customers  repeat_customers  share
    0        tea       cup                     3                 1    1.0
    """
    one_time_zone(order_items=order_items, orders=orders, products=products)
    level = _check_level(level, products)
    heads, items = _first_and_second(order_items, orders, level, products)
    first = items[items["rank"] == 1][["customer_id", "item"]].rename(
        columns={"item": "first_item"}
    )
    second = items[items["rank"] == 2][["customer_id", "item"]].rename(
        columns={"item": "next_item"}
    )
    repeaters = heads.loc[heads["rank"] == 2, "customer_id"]
    first_counts = first.groupby("first_item")["customer_id"].nunique()
    repeat_counts = first[first["customer_id"].isin(repeaters)].groupby("first_item").size()
    moves = first.merge(second, on="customer_id")
    out = moves.groupby(["first_item", "next_item"]).size().rename("customers").reset_index()
    out["first_item_customers"] = first_counts.reindex(out["first_item"]).to_numpy()
    out["repeat_customers"] = repeat_counts.reindex(out["first_item"]).to_numpy()
    out["share"] = ratio(out["customers"], out["repeat_customers"])
    out = out.sort_values(
        ["first_item", "customers", "next_item"], ascending=[True, False, True], kind="stable"
    )
    return conform(out, NEXT_PRODUCT_COLUMNS)


def value_by_first_product(
    order_items: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    level: str = "sku",
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Net sales per customer over their history, by the item of their first order.

    Parameters
    ----------
    order_items : pandas.DataFrame
        Order lines (``order_id``, ``sku``, ``quantity``, ``unit_price``).
    orders : pandas.DataFrame
        The store's paid history (``order_id``, ``customer_id``, ``ordered_at``,
        ``status``, ``paid_amount``; ``paid_at``, ``refund_amount`` optional).
    level : {"sku", "category"}, default "sku"
        Items as SKUs or as the products' categories (needs ``products``).
    products : pandas.DataFrame, optional
        The ``products`` table, for ``level="category"``.

    Returns
    -------
    pandas.DataFrame
        One row per first item, highest ``net_sales_per_customer`` first (then item):

        - ``first_item`` (str): an item of the customers' first paid order.
        - ``customers`` (int64): customers whose first order had it.
        - ``repeat_customers`` (int64): those with a second paid order.
        - ``repeat_rate`` (float64): repeat_customers / customers.
        - ``orders`` (int64): paid orders of those customers, all items.
        - ``net_sales`` (float64): Σ (paid_amount − refund_amount) of those orders.
        - ``net_sales_per_customer`` (float64): net_sales / customers.

    Notes
    -----
    中文名: 首购商品价值 (首单商品带来的客户价值)

    Which products bring customers worth having: each customer's whole paid history in
    the frame given is credited to every item of their first paid order (a first order of
    two SKUs credits both, so rows do not add up to the store). 口径: paid orders (DESIGN
    §5) of known customers; net_sales = paid_amount − refund_amount (a missing refund
    amount is 0). Customers acquired late have had less time to buy again: compare items
    whose customers were acquired over the same window.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "status": "paid",
    ...     "customer_id": ["a", "a", "b"], "paid_amount": [50.0, 30.0, 20.0],
    ...     "refund_amount": [0.0, 10.0, 0.0],
    ...     "ordered_at": pd.to_datetime(["2025-11-01", "2025-11-20", "2025-11-02"])})
    >>> items = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "sku": ["tea", "cup", "cup"],
    ...                       "quantity": 1, "unit_price": 9.0})
    >>> value_by_first_product(items, orders)[["first_item", "customers", "repeat_rate",
    ...                                        "net_sales", "net_sales_per_customer"]]
      first_item  customers  repeat_rate  net_sales  net_sales_per_customer
    0        tea          1          1.0       70.0                    70.0
    1        cup          1          0.0       20.0                    20.0
    """
    one_time_zone(order_items=order_items, orders=orders, products=products)
    level = _check_level(level, products)
    require(orders, ["paid_amount"], "orders")
    heads, items = _first_and_second(order_items, orders, level, products)
    paid = orders[is_paid(orders)].drop_duplicates("order_id")
    amounts = numeric(paid, "paid_amount") - numeric(paid, "refund_amount").fillna(0.0)
    net = pd.Series(amounts.to_numpy(), index=paid["order_id"].astype("str").to_numpy())
    heads["net_sales"] = net.reindex(heads["order_id"]).to_numpy()
    per_customer = heads.groupby("customer_id").agg(
        orders=("order_id", "size"), net_sales=("net_sales", "sum")
    )
    per_customer["repeat"] = per_customer["orders"] >= 2
    first = items[items["rank"] == 1][["customer_id", "item"]]
    credited = first.merge(per_customer, left_on="customer_id", right_index=True)
    out = (
        credited.groupby("item")
        .agg(
            customers=("customer_id", "size"),
            repeat_customers=("repeat", "sum"),
            orders=("orders", "sum"),
            net_sales=("net_sales", "sum"),
        )
        .reset_index()
        .rename(columns={"item": "first_item"})
    )
    out["repeat_rate"] = ratio(out["repeat_customers"], out["customers"])
    out["net_sales_per_customer"] = ratio(out["net_sales"], out["customers"])
    out = out.sort_values(
        ["net_sales_per_customer", "first_item"], ascending=[False, True], kind="stable"
    )
    return conform(out, FIRST_PRODUCT_VALUE_COLUMNS)
