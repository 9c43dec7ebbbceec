"""Price and cost anomalies of listed products (巡店: 价格/成本异常)."""

from __future__ import annotations

import pandas as pd

from ecanalysis.metrics._common import conform, numeric, require

PRICE_ANOMALY_COLUMNS = {
    "sku": "str",
    "title": "str",
    "category": "str",
    "price": "float64",
    "unit_cost": "float64",
    "issue": "str",
    "list_margin": "float64",
    "lines_below_cost": "float64",
    "price_deviation_pct": "float64",
}

#: Issues in the order they are listed (most costly first).
ISSUES = ("cost_at_or_above_price", "sold_below_cost", "price_deviates", "missing_cost")


def price_cost_anomalies(
    products: pd.DataFrame,
    order_items: pd.DataFrame | None = None,
    *,
    deviation: float = 0.5,
) -> pd.DataFrame:
    """Listed products whose price or cost looks wrong.

    Parameters
    ----------
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``title``, ``status``; ``price`` and
        ``unit_cost`` optional).
    order_items : pandas.DataFrame, optional
        Order lines (``sku``, ``unit_price``, optional ``quantity``, ``discount_amount``
        and ``unit_cost``) of the window to inspect, e.g. the last 30 days. A line's
        selling price is ``unit_price − discount_amount / quantity``.
    deviation : float, default 0.5
        A product's median selling price that differs from its list price by more than
        this fraction is flagged ``price_deviates``.

    Returns
    -------
    pandas.DataFrame
        One row per (product, issue), most costly issues first:

        - ``sku``, ``title``, ``category`` (str).
        - ``price``, ``unit_cost`` (float64): list price and unit cost.
        - ``issue`` (str): ``cost_at_or_above_price`` (unit cost ≥ list price),
          ``sold_below_cost`` (order lines sold at a unit price below unit cost),
          ``price_deviates`` (median selling price far from the list price) or
          ``missing_cost`` (no unit cost, so margins are unknown).
        - ``list_margin`` (float64): (price − unit_cost) / price, for
          ``cost_at_or_above_price``; NaN otherwise.
        - ``lines_below_cost`` (float64): order lines sold below cost, for
          ``sold_below_cost``; NaN otherwise.
        - ``price_deviation_pct`` (float64): median selling price / list price − 1, for
          ``price_deviates``; NaN otherwise.

        Each issue fills its own figure, so a column holds one kind of number.

    Notes
    -----
    中文名: 价格与成本异常

    Only products with status ``listed`` are inspected. Without a ``unit_cost`` column
    the cost checks are skipped (nothing is invented), and every product is listed once
    as ``missing_cost``; without ``price`` the price checks are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecanalysis.metrics.pricing import price_cost_anomalies
    >>> products = pd.DataFrame({"sku": ["a", "b"], "title": ["A", "B"], "status": ["listed", "listed"],
    ...                          "price": [10.0, 20.0], "unit_cost": [12.0, 8.0]})
    >>> price_cost_anomalies(products)[["sku", "issue", "list_margin"]]
      sku                   issue  list_margin
    0   a  cost_at_or_above_price         -0.2
    """
    require(products, ["sku", "title", "status"], "products")
    listed = products[products["status"].astype("string").str.lower() == "listed"].copy()
    listed["price"] = numeric(listed, "price")
    listed["unit_cost"] = numeric(listed, "unit_cost")
    if "category" not in listed.columns:
        listed["category"] = pd.Series(pd.NA, index=listed.index, dtype="str")
    base = listed[["sku", "title", "category", "price", "unit_cost"]]
    found = []

    has_cost = "unit_cost" in products.columns
    if has_cost:
        loss = base[(base["unit_cost"] >= base["price"]) & base["price"].gt(0)]
        found.append(
            loss.assign(
                issue=ISSUES[0], list_margin=(loss["price"] - loss["unit_cost"]) / loss["price"]
            )
        )
        missing = base[base["unit_cost"].isna()]
    else:
        missing = base
    found.append(missing.assign(issue=ISSUES[3]))

    if order_items is not None and len(order_items) and "unit_price" in order_items.columns:
        discount = numeric(order_items, "discount_amount").fillna(0.0)
        quantity = numeric(order_items, "quantity").where(lambda q: q > 0)
        lines = order_items.assign(
            # the price the buyer paid a unit: list unit_price less the line's discount
            unit_price=numeric(order_items, "unit_price") - (discount / quantity).fillna(0.0),
            line_cost=numeric(order_items, "unit_cost"),
        )
        below = (
            lines[lines["unit_price"] < lines["line_cost"]]
            .groupby("sku")
            .size()
            .rename("lines_below_cost")
        )
        below_rows = base.merge(below, left_on="sku", right_index=True)
        found.append(below_rows.assign(issue=ISSUES[1]))
        median_price = lines.groupby("sku")["unit_price"].median().rename("median_price")
        priced = base.merge(median_price, left_on="sku", right_index=True)
        ratio = priced["median_price"] / priced["price"].where(priced["price"] > 0) - 1
        deviating = priced[ratio.abs() > deviation]
        found.append(
            deviating.drop(columns="median_price").assign(
                issue=ISSUES[2], price_deviation_pct=ratio[ratio.abs() > deviation]
            )
        )

    frames = [f for f in found if len(f)]
    if not frames:
        return conform(pd.DataFrame(columns=list(PRICE_ANOMALY_COLUMNS)), PRICE_ANOMALY_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out["order"] = out["issue"].map({issue: i for i, issue in enumerate(ISSUES)})
    out = out.sort_values(["order", "sku"], kind="stable")
    return conform(out, PRICE_ANOMALY_COLUMNS)
