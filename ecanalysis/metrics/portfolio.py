"""Every store side by side (多店铺总览): totals, change, rank, outliers, currencies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.metrics._common import conform, local_naive, one_time_zone, ratio, require

STORE_COMPARISON_COLUMNS = {
    "store_id": "str",
    "name": "str",
    "currency": "str",
    "days": "int64",
    "orders": "int64",
    "paid_amount": "float64",
    "refund_amount": "float64",
    "net_sales": "float64",
    "cost_amount": "float64",
    "gross_profit": "float64",
    "gross_margin": "float64",
    "aov": "float64",
    "previous_orders": "float64",
    "previous_paid_amount": "float64",
    "paid_amount_change_pct": "float64",
    "rank": "int64",
    "robust_z": "float64",
    "outlier": "bool",
}

_SUMS = ["orders", "paid_amount", "refund_amount", "net_sales", "cost_amount", "gross_profit"]


def store_comparison(
    facts: pd.DataFrame,
    stores: pd.DataFrame,
    *,
    previous: pd.DataFrame | None = None,
    outlier_z: float = 3.5,
    min_stores_for_outliers: int = 5,
) -> pd.DataFrame:
    """One row per store: the period's totals, change vs the previous period, rank.

    Parameters
    ----------
    facts : pandas.DataFrame
        Daily facts of the period (``Dataset.daily_facts``): ``store_id``, ``date``,
        ``orders``, ``paid_amount``, ``refund_amount``, ``net_sales``, ``cost_amount``,
        ``gross_profit``.
    stores : pandas.DataFrame
        The ``stores`` table (``store_id``, ``name``, ``currency``); stores without
        facts appear with zeros.
    previous : pandas.DataFrame, optional
        Daily facts of the comparison period.
    outlier_z : float, default 3.5
        A store whose paid-amount change lies further than this many robust standard
        deviations (1.4826 × MAD) from the median change is an outlier.
    min_stores_for_outliers : int, default 5
        With fewer stores no store is called an outlier.

    Returns
    -------
    pandas.DataFrame
        One row per store, ranked by paid amount when the stores share one currency,
        else by paid orders (amounts in different currencies do not compare):

        - ``store_id``, ``name``, ``currency`` (str).
        - ``days`` (int64): days with facts.
        - ``orders`` (int64), ``paid_amount``, ``refund_amount``, ``net_sales``,
          ``cost_amount``, ``gross_profit`` (float64): sums over the period.
        - ``gross_margin`` (float64): gross_profit / net_sales.
        - ``aov`` (float64): paid_amount / orders.
        - ``previous_orders``, ``previous_paid_amount`` (float64): the same sums for
          the comparison period (NaN without one).
        - ``paid_amount_change_pct`` (float64): paid_amount / previous − 1.
        - ``rank`` (int64): 1 = the largest paid amount (one currency) or the most paid
          orders (several currencies).
        - ``robust_z`` (float64), ``outlier`` (bool): how unusual the store's change is.

    Notes
    -----
    中文名: 店铺对比

    Buyers are not summed here: distinct buyers do not add up across days, and the
    daily facts hold per-day counts only. Amounts stay in each store's currency; see
    :func:`to_reporting_currency` for totals in one currency.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecanalysis.metrics.portfolio import store_comparison
    >>> stores = pd.DataFrame({"store_id": ["a", "b"], "name": ["A", "B"], "currency": ["CNY", "USD"]})
    >>> facts = pd.DataFrame({"store_id": ["a", "a", "b"], "date": pd.to_datetime(["2025-11-01", "2025-11-02",
    ...     "2025-11-01"]), "orders": [2, 3, 1], "paid_amount": [20.0, 30.0, 80.0], "refund_amount": [0.0, 5.0, 0.0],
    ...     "net_sales": [20.0, 25.0, 80.0], "cost_amount": [10.0, 10.0, 40.0], "gross_profit": [10.0, 15.0, 40.0]})
    >>> store_comparison(facts, stores)[["store_id", "orders", "paid_amount", "gross_margin", "aov", "rank"]]
      store_id  orders  paid_amount  gross_margin   aov  rank
    0        a       5         50.0      0.555556  10.0     1
    1        b       1         80.0      0.500000  80.0     2
    """
    require(stores, ["store_id", "name"], "stores")
    current = _totals(facts)
    table = stores[["store_id", "name"]].assign(
        currency=stores["currency"] if "currency" in stores.columns else pd.NA
    )
    table = table.merge(current, on="store_id", how="left")
    # a store without facts sold nothing; its cost and profit stay unknown (NaN)
    for column in ["days", "orders", "paid_amount", "refund_amount", "net_sales"]:
        table[column] = table[column].fillna(0)
    table["gross_margin"] = ratio(table["gross_profit"], table["net_sales"])
    table["aov"] = ratio(table["paid_amount"], table["orders"])
    if previous is not None:
        prev = _totals(previous)[["store_id", "orders", "paid_amount"]]
        prev = prev.rename(
            columns={"orders": "previous_orders", "paid_amount": "previous_paid_amount"}
        )
        table = table.merge(prev, on="store_id", how="left")
        table[["previous_orders", "previous_paid_amount"]] = table[
            ["previous_orders", "previous_paid_amount"]
        ].fillna(0.0)
    else:
        table["previous_orders"] = np.nan
        table["previous_paid_amount"] = np.nan
    table["paid_amount_change_pct"] = ratio(table["paid_amount"], table["previous_paid_amount"]) - 1
    # amounts in different currencies do not compare: then rank by paid orders
    rank_by = "paid_amount" if table["currency"].nunique() <= 1 else "orders"
    table = table.sort_values([rank_by, "store_id"], ascending=[False, True], kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    change = table["paid_amount_change_pct"]
    mad = (change - change.median()).abs().median() * 1.4826
    table["robust_z"] = (change - change.median()) / mad if mad and not np.isnan(mad) else np.nan
    enough = change.notna().sum() >= min_stores_for_outliers
    table["outlier"] = enough & (table["robust_z"].abs() > outlier_z)
    return conform(table, STORE_COMPARISON_COLUMNS)


def _totals(facts: pd.DataFrame) -> pd.DataFrame:
    require(facts, ["store_id", "date", *_SUMS], "facts")
    grouped = facts.groupby("store_id", observed=True, sort=True)
    totals = grouped[_SUMS].sum(min_count=1)
    totals["days"] = grouped["date"].nunique()
    return totals.reset_index()


REPORTING_COLUMNS = {
    "currency": "str",
    "stores": "int64",
    "orders": "int64",
    "paid_amount": "float64",
    "net_sales": "float64",
    "gross_profit": "float64",
    "rate_coverage": "float64",
}


def to_reporting_currency(
    facts: pd.DataFrame,
    stores: pd.DataFrame,
    fx_rates: pd.DataFrame | None,
    *,
    reporting_currency: str | None,
) -> pd.DataFrame:
    """Portfolio totals in one reporting currency, or per currency when rates are absent.

    Parameters
    ----------
    facts : pandas.DataFrame
        Daily facts (``store_id``, ``date``, ``orders``, ``paid_amount``,
        ``net_sales``, ``gross_profit``).
    stores : pandas.DataFrame
        ``store_id`` and ``currency`` of every store.
    fx_rates : pandas.DataFrame or None
        ``date``, ``currency``, ``rate`` (units of the reporting currency per unit of
        ``currency``); a day without a rate uses the latest earlier rate.
    reporting_currency : str or None
        Currency of the totals; ``None`` or no ``fx_rates`` gives one row per currency.

    Returns
    -------
    pandas.DataFrame
        - ``currency`` (str): the reporting currency, or each store currency.
        - ``stores`` (int64): stores counted.
        - ``orders`` (int64): paid orders.
        - ``paid_amount``, ``net_sales``, ``gross_profit`` (float64): converted sums.
        - ``rate_coverage`` (float64): share of store-days that had a rate; amounts of
          days without any rate are left out of the converted sums and the report says
          so. NaN for totals per currency (no rate used: nothing to cover).

    Notes
    -----
    中文名: 报告币种汇总

    Each day's amounts are converted at that day's rate (as-of the latest earlier rate),
    then summed: Σ amount(d) × rate(d, currency).

    Examples
    --------
    >>> import pandas as pd
    >>> from ecanalysis.metrics.portfolio import to_reporting_currency
    >>> stores = pd.DataFrame({"store_id": ["a", "b"], "currency": ["CNY", "USD"]})
    >>> facts = pd.DataFrame({"store_id": ["a", "b"], "date": pd.to_datetime(["2025-11-01", "2025-11-01"]),
    ...     "orders": [2, 1], "paid_amount": [20.0, 10.0], "net_sales": [20.0, 10.0], "gross_profit": [5.0, 4.0]})
    >>> rates = pd.DataFrame({"date": pd.to_datetime(["2025-11-01", "2025-11-01"]), "currency": ["CNY", "USD"],
    ...     "rate": [1.0, 7.0]})
    >>> to_reporting_currency(facts, stores, rates, reporting_currency="CNY")
      currency  stores  orders  paid_amount  net_sales  gross_profit  rate_coverage
    0      CNY       2       3         90.0       90.0          33.0            1.0
    """
    one_time_zone(facts=facts, fx_rates=fx_rates)
    money = ["paid_amount", "net_sales", "gross_profit"]
    frame = facts.merge(stores[["store_id", "currency"]], on="store_id", how="left")
    if reporting_currency is None or fx_rates is None or fx_rates.empty:
        grouped = frame.groupby("currency", observed=True, sort=True)
        out = grouped[["orders"]].sum().join(grouped[money].sum(min_count=1))  # no costs → NaN
        out["stores"] = grouped["store_id"].nunique()
        out["rate_coverage"] = np.nan  # nothing converted: coverage does not apply
        return conform(out.reset_index(), REPORTING_COLUMNS)
    rates = fx_rates.assign(date=local_naive(fx_rates["date"])).sort_values("date")
    frame = frame.assign(date=local_naive(frame["date"])).sort_values("date")
    converted = pd.merge_asof(frame, rates[["date", "currency", "rate"]], on="date", by="currency")
    converted.loc[converted["currency"] == reporting_currency, "rate"] = 1.0
    has_rate = converted["rate"].notna()
    for column in money:
        converted[column] = converted[column] * converted["rate"]
    out = pd.DataFrame(
        {
            "currency": [reporting_currency],
            "stores": [frame["store_id"].nunique()],
            "orders": [int(frame["orders"].sum())],
            **{column: [converted.loc[has_rate, column].sum(min_count=1)] for column in money},
            "rate_coverage": [ratio(has_rate.sum(), len(converted)) if len(converted) else np.nan],
        }
    )
    return conform(out, REPORTING_COLUMNS)


#: Columns of :func:`currency_totals`.
CURRENCY_TOTAL_COLUMNS = {
    "currency": "str",
    "stores": "int64",
    "orders": "int64",
    "paid_amount": "float64",
    "net_sales": "float64",
}


def currency_totals(comparison: pd.DataFrame) -> pd.DataFrame:
    """The portfolio's totals per currency (按币种合计), from a ``store_comparison`` table.

    Returns
    -------
    DataFrame
        One row per currency, sorted: ``currency, stores, orders, paid_amount, net_sales``.

    Notes
    -----
    Amounts in different currencies are never added: each currency gets its own row (see
    :func:`to_reporting_currency` to convert them with exchange rates).

    中文名: 按币种合计（店铺数、支付订单数、支付金额、净销售额）

    Examples
    --------
    >>> comparison = pd.DataFrame({"currency": ["CNY", "USD", "CNY"], "orders": [3, 2, 5],
    ...                            "paid_amount": [30.0, 20.0, 50.0], "net_sales": [28.0, 20.0, 50.0]})
    >>> currency_totals(comparison)
      currency  stores  orders  paid_amount  net_sales
    0      CNY       2       8         80.0       78.0
    1      USD       1       2         20.0       20.0
    """
    require(comparison, ["currency", "orders", "paid_amount", "net_sales"], "comparison")
    totals = comparison.groupby("currency", sort=True).agg(
        stores=("orders", "size"),
        orders=("orders", "sum"),
        paid_amount=("paid_amount", "sum"),
        net_sales=("net_sales", "sum"),
    )
    return conform(totals.reset_index(), CURRENCY_TOTAL_COLUMNS)


# -- issue 15: one axis for stores of several currencies ----------------------------------

#: Columns of :func:`reporting_currency_by_store`.
STORE_REPORTING_COLUMNS = {"store_id": "str", **REPORTING_COLUMNS}


def reporting_currency_by_store(
    facts: pd.DataFrame,
    stores: pd.DataFrame,
    fx_rates: pd.DataFrame | None,
    *,
    reporting_currency: str | None,
) -> pd.DataFrame:
    """Each store's totals converted to the reporting currency, so that stores of several
    currencies can be ranked on one axis.

    Parameters
    ----------
    facts, stores, fx_rates, reporting_currency
        As for :func:`to_reporting_currency`.

    Returns
    -------
    pandas.DataFrame
        One row per store of ``facts``, sorted by ``store_id``: ``store_id`` (str) and the
        columns of :func:`to_reporting_currency` for that store alone (``stores`` is 1).
        Without rates or a reporting currency, each store's amounts stay in its own
        currency (``currency`` says which).

    Notes
    -----
    中文名: 各店铺报告币种金额

    Σ over the store's days of amount(d) × rate(d, currency), as
    :func:`to_reporting_currency`; the stores' rows add up to its totals.

    Examples
    --------
    >>> import pandas as pd
    >>> stores = pd.DataFrame({"store_id": ["a", "b"], "currency": ["CNY", "USD"]})
    >>> facts = pd.DataFrame({"store_id": ["a", "b"], "date": pd.to_datetime(["2025-11-01", "2025-11-01"]),
    ...     "orders": [2, 1], "paid_amount": [20.0, 10.0], "net_sales": [20.0, 10.0], "gross_profit": [5.0, 4.0]})
    >>> rates = pd.DataFrame({"date": pd.to_datetime(["2025-11-01", "2025-11-01"]), "currency": ["CNY", "USD"],
    ...     "rate": [1.0, 7.0]})
    >>> reporting_currency_by_store(facts, stores, rates, reporting_currency="CNY")[
    ...     ["store_id", "currency", "paid_amount"]]
      store_id currency  paid_amount
    0        a      CNY         20.0
    1        b      CNY         70.0
    """
    require(facts, ["store_id"], "facts")
    rows = [
        to_reporting_currency(
            facts[facts["store_id"] == store_id],
            stores,
            fx_rates,
            reporting_currency=reporting_currency,
        ).assign(store_id=store_id)
        for store_id in sorted(facts["store_id"].dropna().unique())
    ]
    if not rows:
        return conform(pd.DataFrame(columns=list(STORE_REPORTING_COLUMNS)), STORE_REPORTING_COLUMNS)
    out = pd.concat(rows, ignore_index=True)[list(STORE_REPORTING_COLUMNS)]
    return conform(out, STORE_REPORTING_COLUMNS)
