"""Conversion (转化): visitors → cart → order → payment per period."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    conform,
    group_keys,
    is_paid,
    one_time_zone,
    paid_time,
    period_floor,
    ratio,
    require,
)
from ecanalysis.metrics.traffic import _traffic_sums

FUNNEL_COLUMNS = {
    "visitors": "float64",
    "visitor_days": "float64",
    "cart_visitors": "float64",
    "order_buyers": "int64",
    "paid_buyers": "int64",
    "cart_rate": "float64",
    "order_conversion_rate": "float64",
    "payment_conversion_rate": "float64",
    "order_to_payment_rate": "float64",
}

STEPS_COLUMNS = {
    "step": "str",
    "count": "float64",
    "rate_from_previous": "float64",
    "rate_from_first": "float64",
}

_STEPS = ("visitors", "cart_visitors", "order_buyers", "paid_buyers")


def conversion_funnel(
    traffic: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    freq: str = "D",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Visitors, cart visitors, ordering and paying buyers, and the conversion rates.

    Parameters
    ----------
    traffic : pandas.DataFrame
        The ``traffic`` table (``date``, ``visitors``, ``pageviews``; ``cart_visitors``
        optional).
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``; ``paid_at``
        optional) of the same days.
    freq : {"D", "W", "MS", "QS", "YS"}, default "D"
        Period length.
    by : str or list of str, optional
        Columns present in both tables to group by (e.g. ``device``).

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` groups, ``period_start``) present in ``traffic``:

        - the ``by`` columns; ``period_start`` (datetime64[ns]).
        - ``visitors`` (float64): UV for ``freq="D"``, NaN for longer periods.
        - ``visitor_days`` (float64): sum of daily visitors.
        - ``cart_visitors`` (float64): visitors who added to cart (sum of daily counts).
        - ``order_buyers`` (int64): distinct customers who placed an order (by
          ``ordered_at``), counted per day and summed over the period's days.
        - ``paid_buyers`` (int64): distinct customers with a paid order (by ``paid_at``),
          counted per day and summed.
        - ``cart_rate`` (float64): cart_visitors / visitor_days (加购率).
        - ``order_conversion_rate`` (float64): order_buyers / visitor_days (下单转化率).
        - ``payment_conversion_rate`` (float64): paid_buyers / visitor_days (支付转化率,
          the default "conversion rate").
        - ``order_to_payment_rate`` (float64): paid_buyers / order_buyers (下单-支付转化率).

    Notes
    -----
    中文名: 转化漏斗

    Formulas from research/metrics.md §3.1–§3.3 and §3.6: 下单转化率 = 下单买家数 / 访客数,
    支付转化率 = 支付买家数 / 访客数 (生意参谋, 京东), 加购率 = 加购人数 / 访客数. The
    numerator and denominator must be deduplicated over the same window (§1.7, §3.1): the
    traffic table only has daily UV, so buyers are also counted per day; for ``freq="D"``
    these are ordinary distinct counts, for longer periods they are buyer-days over
    visitor-days (and ``visitors`` is NaN, see :func:`traffic_summary`).
    ``order_to_payment_rate`` compares buyers who paid in the period with buyers who
    placed in it; a buyer who places late and pays the next day moves between days.
    Orders on days without traffic rows are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> traffic = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"]), "visitors": [200],
    ...                         "pageviews": [900], "cart_visitors": [30]})
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["c1", "c2", "c2", "c3"],
    ...     "ordered_at": pd.to_datetime(["2025-11-11 09:00"] * 4),
    ...     "paid_at": pd.to_datetime(["2025-11-11 09:01", "2025-11-11 09:02", None, None]),
    ...     "status": ["paid", "paid", "placed", "cancelled"],
    ... })
    >>> row = conversion_funnel(traffic, orders).iloc[0]
    >>> int(row["order_buyers"]), int(row["paid_buyers"])
    (3, 2)
    >>> float(row["payment_conversion_rate"]), round(float(row["order_to_payment_rate"]), 4)
    (0.01, 0.6667)
    """
    keys = group_keys(by)
    require(orders, ["customer_id", "ordered_at", "status", *keys], "orders")
    one_time_zone(traffic=traffic, orders=orders)
    sums, daily = _traffic_sums(traffic, keys, freq)
    placed = _buyer_days(orders, keys, orders["ordered_at"], freq, "order_buyers")
    paid = is_paid(orders)
    payers = _buyer_days(orders[paid], keys, paid_time(orders)[paid], freq, "paid_buyers")
    out = sums.rename(columns={"visitors": "visitor_days"})
    for part in (placed, payers):
        out = out.merge(part, on=[*keys, "period_start"], how="left")
    out[["order_buyers", "paid_buyers"]] = out[["order_buyers", "paid_buyers"]].fillna(0)
    out["visitors"] = out["visitor_days"] if daily else float("nan")
    out["cart_rate"] = ratio(out["cart_visitors"], out["visitor_days"])
    out["order_conversion_rate"] = ratio(out["order_buyers"], out["visitor_days"])
    out["payment_conversion_rate"] = ratio(out["paid_buyers"], out["visitor_days"])
    out["order_to_payment_rate"] = ratio(out["paid_buyers"], out["order_buyers"])
    schema = {key: traffic[key].dtype for key in keys}
    schema.update({"period_start": PERIOD_DTYPE, **FUNNEL_COLUMNS})
    return conform(out, schema)


def _buyer_days(
    orders: pd.DataFrame, keys: list[str], stamps: pd.Series, freq: str, name: str
) -> pd.DataFrame:
    """Distinct customers per (keys, day), summed per (keys, period)."""
    days = period_floor(stamps, "D")
    frame = orders[[*keys, "customer_id"]].assign(day=days)
    per_day = frame.groupby([*keys, "day"], dropna=False)["customer_id"].nunique()
    per_day = per_day.rename(name).reset_index()
    per_day["period_start"] = period_floor(per_day["day"], freq)
    grouped = per_day.groupby([*keys, "period_start"], dropna=False)[name].sum()
    return grouped.reset_index()


def funnel_steps(funnel: pd.DataFrame) -> pd.DataFrame:
    """The funnel of one row (or the sum of a frame's rows) as steps, for plotting.

    Parameters
    ----------
    funnel : pandas.DataFrame
        Output of :func:`conversion_funnel`; several rows are summed (counts, not rates).

    Returns
    -------
    pandas.DataFrame
        Four rows, ``visitors``, ``cart_visitors``, ``order_buyers``, ``paid_buyers``:

        - ``step`` (str): the step name (column of :func:`conversion_funnel`).
        - ``count`` (float64): the step's count (``visitor_days`` stands in for
          ``visitors`` when the latter is NaN).
        - ``rate_from_previous`` (float64): count / previous step's count (NaN for the
          first step).
        - ``rate_from_first`` (float64): count / visitors.

    Notes
    -----
    中文名: 漏斗步骤

    A cart step of NaN (no ``cart_visitors`` in the traffic table) is kept as NaN, and the
    order step's rate from the previous step is then NaN too. No rows for an empty funnel.

    Examples
    --------
    >>> import pandas as pd
    >>> row = pd.DataFrame({"visitors": [200.0], "visitor_days": [200.0], "cart_visitors": [30.0],
    ...                     "order_buyers": [3], "paid_buyers": [2]})
    >>> funnel_steps(row)
                step  count  rate_from_previous  rate_from_first
    0       visitors  200.0                 NaN            1.000
    1  cart_visitors   30.0            0.150000            0.150
    2   order_buyers    3.0            0.100000            0.015
    3    paid_buyers    2.0            0.666667            0.010
    """
    require(funnel, ["visitor_days", *_STEPS], "funnel")
    if funnel.empty:
        return conform(pd.DataFrame(columns=list(STEPS_COLUMNS)), STEPS_COLUMNS)
    totals = funnel[["visitor_days", *_STEPS[1:]]].sum(min_count=1)
    counts = [totals["visitor_days"], *(totals[step] for step in _STEPS[1:])]
    steps = pd.DataFrame({"step": list(_STEPS), "count": pd.Series(counts, dtype="float64")})
    steps["rate_from_previous"] = ratio(steps["count"], steps["count"].shift(1))
    steps["rate_from_first"] = ratio(steps["count"], pd.Series(counts[0], index=steps.index))
    return conform(steps, STEPS_COLUMNS)
