"""Customers (客户): cohorts, repeat purchase, purchase intervals, RFM and the CLV summary.

Every figure counts *paid* orders (DESIGN §5: a ``paid_at`` and a status other than
``cancelled``), dated by ``paid_at`` on the store's local calendar, of orders that carry a
``customer_id`` (guest orders without one are nobody's purchase). "First" always means first
in the frame given, so callers pass the store's history (DESIGN §6). Definitions and 口径
follow DESIGN §5 and research/metrics.md §8.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    as_day,
    check_freq,
    conform,
    local_naive,
    numeric,
    paid_purchases,
    period_floor,
    ratio,
    require,
)

#: Columns every customer metric reads (the bold columns of DESIGN §2 it needs).
REQUIRED = ("customer_id", "ordered_at", "status", "paid_amount")

COHORT_COLUMNS = {
    "cohort": PERIOD_DTYPE,
    "age": "int64",
    "cohort_size": "int64",
    "active_customers": "int64",
    "retention": "float64",
}
REPEAT_COLUMNS = {"customers": "int64", "repeat_customers": "int64", "repeat_rate": "float64"}
RFM_SUMMARY_COLUMNS = {
    "customer_id": "str",
    "frequency": "float64",
    "recency": "float64",
    "T": "float64",
    "monetary_value": "float64",
}
BUYER_MIX_COLUMNS = {
    "period_start": PERIOD_DTYPE,
    "buyers": "int64",
    "new_buyers": "int64",
    "returning_buyers": "int64",
    "returning_share": "float64",
}
INTERVAL_COLUMNS = {
    "customer_id": "str",
    "purchase_number": "int64",
    "purchase_date": PERIOD_DTYPE,
    "days_since_previous": "int64",
}
INTERVAL_SUMMARY_COLUMNS = {
    "repeat_customers": "int64",
    "intervals": "int64",
    "mean_days": "float64",
    "median_days": "float64",
    "p25_days": "float64",
    "p75_days": "float64",
}
RFM_TABLE_COLUMNS = {
    "customer_id": "str",
    "last_purchase": PERIOD_DTYPE,
    "recency_days": "int64",
    "frequency": "int64",
    "monetary": "float64",
}
RFM_SEGMENT_COLUMNS = {
    **RFM_TABLE_COLUMNS,
    "r_score": "int64",
    "f_score": "int64",
    "m_score": "int64",
    "segment": "str",
    "segment_zh": "str",
}
SEGMENT_SUMMARY_COLUMNS = {
    "segment": "str",
    "segment_zh": "str",
    "customers": "int64",
    "share": "float64",
    "monetary": "float64",
    "avg_monetary": "float64",
}
NEW_BY_CHANNEL_COLUMNS = {"period_start": PERIOD_DTYPE, "channel": "str", "new_buyers": "int64"}

#: RFM segments in display order (best first) with their zh-Hans labels.
SEGMENTS = {
    "champions": "明星客户",
    "loyal": "忠诚客户",
    "potential": "潜力客户",
    "new": "新客户",
    "needs_attention": "需要关注",
    "at_risk": "流失风险",
    "hibernating": "沉睡客户",
    "lost": "已流失",
}

#: Column used for customers' channel when the ``channel`` column is empty.
UNKNOWN_CHANNEL = "unknown"


def _purchases(
    orders: pd.DataFrame, value_col: str = "paid_amount", extra: list[str] | None = None
) -> pd.DataFrame:
    """Paid orders of known customers: ``customer_id``, local ``paid_time``, ``value``.

    ``extra`` text columns are carried along (all missing when the table lacks them).
    """
    require(orders, [*REQUIRED, value_col], "orders", options={value_col: "value_col"})
    out = paid_purchases(orders)
    paid = orders.loc[out.index]
    out["value"] = numeric(paid, value_col)
    for column in extra or []:
        values = paid[column] if column in paid.columns else pd.Series(None, index=paid.index)
        out[column] = values.astype("str")
    return out.reset_index(drop=True)


def _periods_between(start: pd.Series, end: pd.Series, freq: str) -> pd.Series:
    """Whole periods from ``start`` to ``end`` (both period starts of the same ``freq``)."""
    if freq in ("D", "W"):
        days = (end - start).dt.days
        return days if freq == "D" else days // 7
    months = (end.dt.year - start.dt.year) * 12 + (end.dt.month - start.dt.month)
    return months // {"MS": 1, "QS": 3, "YS": 12}[freq]


def _last_stamp(orders: pd.DataFrame) -> pd.Timestamp:
    """The latest local timestamp of the frame (placement or payment, any status)."""
    latest = local_naive(orders["ordered_at"]).max()
    if "paid_at" in orders.columns:
        latest = max(latest, local_naive(orders["paid_at"]).max(), key=_nat_low)
    return latest


def _nat_low(stamp) -> pd.Timestamp:
    return pd.Timestamp.min if pd.isna(stamp) else stamp


def cohort_retention(orders: pd.DataFrame, *, freq: str = "MS") -> pd.DataFrame:
    """Retention of customer cohorts: the share of each cohort buying again at each age.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``, ``paid_amount``;
        ``paid_at`` optional), the store's history up to the end of the report.
    freq : {"MS", "W", "D", "QS", "YS"}, default "MS"
        Cohort and age period (``W`` = weeks Monday to Sunday).

    Returns
    -------
    pandas.DataFrame
        One row per (``cohort``, ``age``) observed, sorted by both:

        - ``cohort`` (datetime64[ns]): local start of the period of the customers' first
          paid order.
        - ``age`` (int64): whole periods since the cohort period (0 = the cohort period).
        - ``cohort_size`` (int64): customers in the cohort.
        - ``active_customers`` (int64): customers of the cohort with a paid order in period
          ``cohort + age``.
        - ``retention`` (float64): active_customers / cohort_size (1.0 at age 0).

    Notes
    -----
    中文名: 复购留存 (同期群留存率)

    Formula (research/metrics.md §8.5, order-based cohorts): cell (c, k) = customers of
    cohort c with a paid order in period c + k, divided by the cohort size. 口径: paid
    orders (DESIGN §5) dated by ``paid_at`` on the local calendar; the cohort is the period
    of a customer's first paid order *in the frame*. This is period retention, not
    cumulative ("bought again by age k").

    Censoring: the data end at the period of the latest ``ordered_at``/``paid_at`` in the
    frame. Ages past it are absent (not zero), so the last cohorts have fewer rows; an
    observed age with no buyers is 0. The last period is usually partial: read its cells
    with care.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "b", "a", "c"],
    ...     "ordered_at": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03", "2025-02-10"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> cohort_retention(orders)
          cohort  age  cohort_size  active_customers  retention
    0 2025-01-01    0            2                 2        1.0
    1 2025-01-01    1            2                 1        0.5
    2 2025-02-01    0            1                 1        1.0
    """
    freq = check_freq(freq)
    purchases = _purchases(orders)
    if purchases.empty:
        return conform(pd.DataFrame(), COHORT_COLUMNS)
    purchases["period"] = period_floor(purchases["paid_time"], freq)
    active = purchases[["customer_id", "period"]].drop_duplicates()
    active["cohort"] = active.groupby("customer_id")["period"].transform("min")
    active["age"] = _periods_between(active["cohort"], active["period"], freq)
    counts = active.groupby(["cohort", "age"]).size()
    sizes = counts.xs(0, level="age").rename("cohort_size")
    last = period_floor(pd.Series([_last_stamp(orders)]), freq)
    ages = _periods_between(
        pd.Series(sizes.index), last.repeat(len(sizes)).reset_index(drop=True), freq
    )
    grid = pd.DataFrame(
        {
            "cohort": np.repeat(sizes.index.to_numpy(), ages.to_numpy() + 1),
            "age": np.concatenate([np.arange(n + 1) for n in ages]),
        }
    )
    out = grid.merge(sizes, left_on="cohort", right_index=True)
    out = out.merge(counts.rename("active_customers"), on=["cohort", "age"], how="left")
    out["active_customers"] = out["active_customers"].fillna(0)
    out["retention"] = ratio(out["active_customers"], out["cohort_size"])
    return conform(out.sort_values(["cohort", "age"]), COHORT_COLUMNS)


def repeat_rate(orders: pd.DataFrame) -> pd.DataFrame:
    """Repeat purchase rate: the share of customers who bought on two or more days.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table of the window to measure (``customer_id``, ``ordered_at``,
        ``status``, ``paid_amount``; ``paid_at`` optional).

    Returns
    -------
    pandas.DataFrame
        Exactly one row:

        - ``customers`` (int64): distinct customers with a paid order in the frame.
        - ``repeat_customers`` (int64): those with paid orders on two or more distinct
          local days.
        - ``repeat_rate`` (float64): repeat_customers / customers (NaN when no customers).

    Notes
    -----
    中文名: 复购率

    Formula (DESIGN §5, research/metrics.md §8.3, user basis deduplicated by day):
    customers with paid orders on ≥ 2 distinct local days / customers with a paid order,
    both within the frame given (pass the window, e.g. the last 365 days). Two orders on
    the same day are one purchase day. It equals the share of customers with
    ``frequency > 0`` in :func:`rfm_summary` at ``freq="D"``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "b"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01 09:00", "2025-11-03 10:00",
    ...                                   "2025-11-05 09:00", "2025-11-05 21:00"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> repeat_rate(orders)
       customers  repeat_customers  repeat_rate
    0          2                 1          0.5
    """
    purchases = _purchases(orders)
    days = purchases.assign(day=purchases["paid_time"].dt.normalize())
    per_customer = days.groupby("customer_id")["day"].nunique()
    customers = len(per_customer)
    repeaters = int((per_customer >= 2).sum())
    out = pd.DataFrame(
        {
            "customers": [customers],
            "repeat_customers": [repeaters],
            "repeat_rate": [ratio(repeaters, customers)],
        }
    )
    return conform(out, REPEAT_COLUMNS)


def rfm_summary(
    orders: pd.DataFrame,
    *,
    observation_end,
    freq: str = "W",
    value_col: str = "paid_amount",
) -> pd.DataFrame:
    """The frequency/recency/T/monetary summary of lifetimes, input of the CLV models.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``, ``paid_amount``;
        ``paid_at`` optional), the store's history.
    observation_end : str, datetime.date or pandas.Timestamp
        Last day observed (an ISO date such as ``"2025-11-30"``; a time of day is ignored).
        Paid orders of a later period are excluded; as in lifetimes, with ``freq="W"`` the
        whole week of ``observation_end`` counts, also its days after ``observation_end``.
    freq : {"W", "D"}, default "W"
        Purchase period: orders of one customer in one period are one purchase (``W``,
        also written ``W-SUN``, is the week Monday to Sunday).
    value_col : str, default "paid_amount"
        Column with each order's value (pass a column of net values to deduct refunds).

    Returns
    -------
    pandas.DataFrame
        One row per customer with a paid order up to the end of ``observation_end``'s
        period, sorted by id:

        - ``customer_id`` (str).
        - ``frequency`` (float64): purchase periods − 1 (repeat purchases).
        - ``recency`` (float64): periods from the first to the last purchase period.
        - ``T`` (float64): periods from the first purchase period to the period of
          ``observation_end`` (0 when the first purchase is in that period).
        - ``monetary_value`` (float64): mean value of the repeat purchases (0 when none).

    Notes
    -----
    中文名: 客户 RFM 汇总 (CLV 模型输入)

    Reproduces ``lifetimes.utils.summary_data_from_transaction_data`` (0.11.3; DESIGN §5,
    research/metrics.md §8.6) exactly, for ``"D"`` and ``"W"`` and any ``observation_end``.
    Each paid order is dated by the start of its period, p(t) (the local day, or the
    Monday of the week: pandas' ``W-SUN`` periods), and so is ``observation_end``, E =
    p(observation_end). Orders with p(t) ≤ E are kept — with ``"W"`` that includes orders
    later in ``observation_end``'s week, which lifetimes keeps (it compares period starts);
    with ``"D"`` it is every order up to ``observation_end``'s date. A customer's kept
    orders in one period merge into one purchase whose value is their sum; with purchase
    periods P₁ < … < Pₙ: frequency = n − 1, recency = (Pₙ − P₁) / period, T = (E − P₁) /
    period (whole periods; recency may equal T, and a customer who first bought in E,
    even after ``observation_end``'s date, has T = 0) and monetary_value = mean of the sums
    of P₂ … Pₙ (0 when n = 1). ``recency`` is *not* the time since the last purchase.
    口径: paid orders (DESIGN §5) dated by ``paid_at`` on the store's local calendar;
    refunds are not deducted unless ``value_col`` says so. All four numbers are floats,
    as lifetimes returns them. To count nothing after a mid-week date, pass ``orders``
    cut at that date (the notebooks load orders up to the period's last day).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2025-11-03", "2025-11-04", "2025-11-19", "2025-11-12"]),
    ...     "status": "paid", "paid_amount": [10.0, 5.0, 30.0, 8.0],
    ... })
    >>> rfm_summary(orders, observation_end="2025-11-30")
      customer_id  frequency  recency    T  monetary_value
    0           a        1.0      2.0  3.0            30.0
    1           b        0.0      0.0  2.0             0.0
    """
    if freq not in ("D", "W", "W-SUN"):
        raise ParameterError(
            f"rfm_summary: freq={freq!r} is not supported; use 'W' (weeks Monday to Sunday, "
            "also written 'W-SUN') or 'D' (days), the periods of the CLV models"
        )
    freq = check_freq(freq)
    end_day = as_day(observation_end, "observation_end")
    end_period = period_floor(pd.Series([end_day]), freq).iloc[0]
    purchases = _purchases(orders, value_col)
    purchases["period"] = period_floor(purchases["paid_time"], freq)
    # lifetimes keeps every transaction whose period starts no later than the period of
    # observation_end: the whole of observation_end's week, also after its date.
    purchases = purchases[purchases["period"] <= end_period]
    periods = purchases.groupby(["customer_id", "period"], as_index=False)["value"].sum()
    by_customer = periods.groupby("customer_id")["period"]
    summary = by_customer.agg(first="min", last="max", purchases="count")
    unit = pd.Timedelta(days=1 if freq == "D" else 7)
    repeat_values = periods["value"].where(periods["period"] != by_customer.transform("min"))
    summary["frequency"] = summary["purchases"] - 1
    summary["recency"] = (summary["last"] - summary["first"]) / unit
    summary["T"] = (end_period - summary["first"]) / unit
    summary["monetary_value"] = (
        repeat_values.groupby(periods["customer_id"]).mean().reindex(summary.index).fillna(0.0)
    )
    return conform(summary.reset_index(), RFM_SUMMARY_COLUMNS)


def buyer_mix(orders: pd.DataFrame, *, freq: str = "MS") -> pd.DataFrame:
    """New and returning buyers per period, and the returning buyers' share.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``, ``paid_amount``;
        ``paid_at`` optional), the store's history.
    freq : {"MS", "W", "D", "QS", "YS"}, default "MS"
        Period of each row.

    Returns
    -------
    pandas.DataFrame
        One row per period with a paid order, sorted by ``period_start``:

        - ``period_start`` (datetime64[ns]): local start of the period.
        - ``buyers`` (int64): distinct customers with a paid order in the period.
        - ``new_buyers`` (int64): buyers whose first paid order in the frame is in it.
        - ``returning_buyers`` (int64): buyers − new_buyers.
        - ``returning_share`` (float64): returning_buyers / buyers.

    Notes
    -----
    中文名: 新老买家构成 (老买家占比)

    口径 (DESIGN §5, research/metrics.md §8.1): paid orders dated by ``paid_at``; "new"
    means first in the frame given (an unlimited look-back over the history passed in, not
    生意参谋's 365 days: pass a frame that starts 365 days before the period for that).
    The same definition as ``orders.sales_summary``'s ``new_buyers``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2025-10-05", "2025-11-03", "2025-11-12"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> buyer_mix(orders)
      period_start  buyers  new_buyers  returning_buyers  returning_share
    0   2025-10-01       1           1                 0              0.0
    1   2025-11-01       2           1                 1              0.5
    """
    freq = check_freq(freq)
    purchases = _purchases(orders)
    purchases["period_start"] = period_floor(purchases["paid_time"], freq)
    active = purchases[["customer_id", "period_start"]].drop_duplicates()
    first = active.groupby("customer_id")["period_start"].transform("min")
    active["new"] = active["period_start"] == first
    out = active.groupby("period_start").agg(
        buyers=("customer_id", "size"), new_buyers=("new", "sum")
    )
    out = out.reset_index()
    out["returning_buyers"] = out["buyers"] - out["new_buyers"]
    out["returning_share"] = ratio(out["returning_buyers"], out["buyers"])
    return conform(out.sort_values("period_start"), BUYER_MIX_COLUMNS)


def purchase_intervals(orders: pd.DataFrame) -> pd.DataFrame:
    """Days between a customer's consecutive purchase days, one row per repeat purchase.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``, ``paid_amount``;
        ``paid_at`` optional).

    Returns
    -------
    pandas.DataFrame
        One row per purchase day after a customer's first, sorted by customer and number:

        - ``customer_id`` (str).
        - ``purchase_number`` (int64): 2 for the second purchase day, 3 for the third, …
        - ``purchase_date`` (datetime64[ns]): local date of that purchase day.
        - ``days_since_previous`` (int64): days since the previous purchase day (≥ 1).

    Notes
    -----
    中文名: 回购间隔 (购买间隔天数)

    口径: paid orders (DESIGN §5) dated by ``paid_at``; orders of one customer on one local
    day are one purchase day (as in :func:`repeat_rate`), so intervals are whole days ≥ 1.
    Only intervals inside the frame are seen: a short frame cannot show long intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01 08:00", "2025-11-01 20:00", "2025-11-11 09:00",
    ...                                   "2025-11-02 10:00"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> purchase_intervals(orders)
      customer_id  purchase_number purchase_date  days_since_previous
    0           a                2    2025-11-11                   10
    """
    purchases = _purchases(orders)
    days = purchases.assign(purchase_date=purchases["paid_time"].dt.normalize())
    days = days[["customer_id", "purchase_date"]].drop_duplicates()
    days = days.sort_values(["customer_id", "purchase_date"])
    by_customer = days.groupby("customer_id")
    days["purchase_number"] = by_customer.cumcount() + 1
    days["days_since_previous"] = by_customer["purchase_date"].diff().dt.days
    return conform(days[days["purchase_number"] > 1], INTERVAL_COLUMNS)


def purchase_interval_summary(orders: pd.DataFrame) -> pd.DataFrame:
    """The distribution of days between purchases: mean, median and quartiles.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (see :func:`purchase_intervals`).

    Returns
    -------
    pandas.DataFrame
        Exactly one row:

        - ``repeat_customers`` (int64): customers with at least one interval.
        - ``intervals`` (int64): number of intervals (repeat purchase days).
        - ``mean_days``, ``median_days``, ``p25_days``, ``p75_days`` (float64): mean,
          median and quartiles of ``days_since_previous``; NaN without intervals.

    Notes
    -----
    中文名: 平均回购周期

    Every interval of :func:`purchase_intervals` counts once, so frequent buyers weigh
    more. Quartiles are pandas' linear-interpolation quantiles.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "b"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01", "2025-11-11", "2025-11-13",
    ...                                   "2025-11-02", "2025-11-08"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> purchase_interval_summary(orders)
       repeat_customers  intervals  mean_days  median_days  p25_days  p75_days
    0                 2          3        6.0          6.0       4.0       8.0
    """
    intervals = purchase_intervals(orders)
    gaps = intervals["days_since_previous"].astype("float64")
    out = pd.DataFrame(
        {
            "repeat_customers": [intervals["customer_id"].nunique()],
            "intervals": [len(gaps)],
            "mean_days": [gaps.mean()],
            "median_days": [gaps.median()],
            "p25_days": [gaps.quantile(0.25)],
            "p75_days": [gaps.quantile(0.75)],
        }
    )
    return conform(out, INTERVAL_SUMMARY_COLUMNS)


def rfm_table(orders: pd.DataFrame, *, observation_end) -> pd.DataFrame:
    """Marketing RFM per customer: days since the last purchase, paid orders, net spend.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``, ``paid_amount``;
        ``paid_at``, ``refund_amount`` optional), the store's history.
    observation_end : str, datetime.date or pandas.Timestamp
        Last day observed (``"2025-11-30"``); paid orders on a later local date are left out.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a paid order up to ``observation_end``, sorted by id:

        - ``customer_id`` (str).
        - ``last_purchase`` (datetime64[ns]): local date of the last paid order.
        - ``recency_days`` (int64): days from ``last_purchase`` to ``observation_end``.
        - ``frequency`` (int64): paid orders.
        - ``monetary`` (float64): sum of paid_amount − refund_amount of those orders.

    Notes
    -----
    中文名: RFM 指标 (最近购买天数 / 购买次数 / 消费金额)

    The marketing RFM of research/metrics.md §8.6 (Shopify-like), not the lifetimes
    summary of :func:`rfm_summary` (same words, other meanings). 口径: paid orders
    (DESIGN §5) dated by ``paid_at``; refunds recorded on those orders are deducted
    (a missing ``refund_amount`` counts as no refund), whenever they happened. The cut is
    ``observation_end``'s date, not its week as in :func:`rfm_summary` at ``freq="W"``:
    ``recency_days`` counts days back from that date, so no later order can count.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b"],
    ...     "ordered_at": pd.to_datetime(["2025-11-03", "2025-11-20", "2025-11-12"]),
    ...     "status": "paid", "paid_amount": [10.0, 30.0, 8.0], "refund_amount": [0.0, 5.0, None],
    ... })
    >>> rfm_table(orders, observation_end="2025-11-30")
      customer_id last_purchase  recency_days  frequency  monetary
    0           a    2025-11-20            10          2      35.0
    1           b    2025-11-12            18          1       8.0
    """
    end_day = as_day(observation_end, "observation_end")
    net = numeric(orders, "paid_amount") - numeric(orders, "refund_amount").fillna(0.0)
    purchases = _purchases(orders.assign(_net_value=net), "_net_value")
    purchases = purchases[purchases["paid_time"] < end_day + pd.Timedelta(days=1)]
    out = purchases.groupby("customer_id").agg(
        last_purchase=("paid_time", "max"),
        frequency=("paid_time", "size"),
        monetary=("value", "sum"),
    )
    out["last_purchase"] = out["last_purchase"].dt.normalize()
    out["recency_days"] = (end_day - out["last_purchase"]).dt.days
    return conform(out.reset_index(), RFM_TABLE_COLUMNS)


def _quintile(values: pd.Series, ties: str) -> pd.Series:
    """Scores 1–5 by quintile of ``values`` (higher value, higher score)."""
    count = len(values)
    if ties == "first":
        return np.ceil(values.rank(method="first") * 5 / count)
    below = values.rank(method="min") - 1
    return 1 + np.floor(below * 5 / count)


def _segment(r_score: pd.Series, f_score: pd.Series, m_score: pd.Series) -> pd.Series:
    """Segment names from R and FM = (F + M) / 2 (the grid in :func:`rfm_segments`)."""
    fm = (f_score + m_score) / 2
    recent = r_score >= 4
    conditions = [
        recent & (fm >= 4),
        recent & (fm >= 3),
        recent & (f_score == 1),
        recent,
        (r_score == 3) & (fm >= 3),
        r_score == 3,
        fm >= 3,
        r_score == 2,
    ]
    names = ["champions", "loyal", "new", "potential", "loyal", "needs_attention", "at_risk"]
    names.append("hibernating")
    return pd.Series(np.select(conditions, names, default="lost"), index=r_score.index)


def rfm_segments(frame: pd.DataFrame, *, observation_end=None, ties: str = "min") -> pd.DataFrame:
    """RFM scores (quintiles 1–5) and segments of every customer.

    Parameters
    ----------
    frame : pandas.DataFrame
        Either the ``orders`` table (then ``observation_end`` is required) or the output
        of :func:`rfm_table`.
    observation_end : str, datetime.date or pandas.Timestamp, optional
        Last day observed, for orders (see :func:`rfm_table`).
    ties : {"min", "first"}, default "min"
        ``min``: equal values get equal scores (the score of the lowest rank); ``first``:
        ties are broken by customer id so the five bins stay equal-sized (research default).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`rfm_table`, then:

        - ``r_score``, ``f_score``, ``m_score`` (int64): 1–5, 5 = best fifth (most recent,
          most orders, most spend).
        - ``segment`` (str): ``champions``, ``loyal``, ``potential``, ``new``,
          ``needs_attention``, ``at_risk``, ``hibernating`` or ``lost``.
        - ``segment_zh`` (str): its zh-Hans label (明星客户, 忠诚客户, 潜力客户, 新客户,
          需要关注, 流失风险, 沉睡客户, 已流失).

    Notes
    -----
    中文名: RFM 客户分层

    Scores are quintiles within the frame (Shopify-like, research/metrics.md §8.6): with
    ``ties="min"``, score = 1 + ⌊5 × (customers with a worse value) / customers⌋, so
    identical customers share a score and a value held by many customers gets the score of
    its lowest rank (most one-order customers get F = 1). R ranks ``recency_days``
    ascending-is-better.

    Segments, from R and FM = (F + M) / 2, first match wins: R ≥ 4 and FM ≥ 4 champions;
    R ≥ 4 and FM ≥ 3 loyal; R ≥ 4 and F = 1 new; R ≥ 4 potential; R = 3 and FM ≥ 3 loyal;
    R = 3 needs_attention; R ≤ 2 and FM ≥ 3 at_risk; R = 2 hibernating; else lost.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "customer_id": ["a", "b", "c", "d", "e"],
    ...     "last_purchase": pd.to_datetime(["2025-11-29", "2025-11-20", "2025-10-01",
    ...                                      "2025-06-01", "2025-11-25"]),
    ...     "recency_days": [1, 10, 60, 182, 5], "frequency": [6, 3, 4, 1, 1],
    ...     "monetary": [600.0, 150.0, 300.0, 20.0, 40.0],
    ... })
    >>> rfm_segments(table)[["customer_id", "r_score", "f_score", "m_score", "segment"]]
      customer_id  r_score  f_score  m_score    segment
    0           a        5        5        5  champions
    1           b        3        3        3      loyal
    2           c        2        4        4    at_risk
    3           d        1        1        1       lost
    4           e        4        1        2        new
    """
    if ties not in ("min", "first"):
        raise ParameterError(f"rfm_segments: ties={ties!r}; use 'min' or 'first'")
    if "status" in frame.columns:
        if observation_end is None:
            raise ParameterError(
                "rfm_segments: observation_end is required with an orders frame; give the "
                "last day observed, e.g. observation_end='2025-11-30'"
            )
        frame = rfm_table(frame, observation_end=observation_end)
    require(frame, list(RFM_TABLE_COLUMNS), "rfm table")
    out = conform(frame, RFM_TABLE_COLUMNS).sort_values("customer_id", kind="stable")
    out["r_score"] = _quintile(-out["recency_days"], ties)
    out["f_score"] = _quintile(out["frequency"], ties)
    out["m_score"] = _quintile(out["monetary"], ties)
    out["segment"] = _segment(out["r_score"], out["f_score"], out["m_score"])
    out["segment_zh"] = out["segment"].map(SEGMENTS)
    return conform(out, RFM_SEGMENT_COLUMNS)


def segment_summary(segments: pd.DataFrame) -> pd.DataFrame:
    """Customers and spend per RFM segment, every segment listed best first.

    Parameters
    ----------
    segments : pandas.DataFrame
        Output of :func:`rfm_segments` (``segment``, ``monetary``).

    Returns
    -------
    pandas.DataFrame
        One row per segment of ``SEGMENTS`` (all eight, in order, also when empty):

        - ``segment``, ``segment_zh`` (str): name and zh-Hans label.
        - ``customers`` (int64): customers in the segment.
        - ``share`` (float64): customers / all customers.
        - ``monetary`` (float64): their total net spend.
        - ``avg_monetary`` (float64): monetary / customers (NaN for an empty segment).

    Notes
    -----
    中文名: RFM 分层汇总

    Shares and averages are ratios of sums over the segment's customers.

    Examples
    --------
    >>> import pandas as pd
    >>> segments = pd.DataFrame({"segment": ["champions", "lost", "lost"],
    ...                          "monetary": [600.0, 20.0, 40.0]})
    >>> segment_summary(segments).head(2)
         segment segment_zh  customers     share  monetary  avg_monetary
    0  champions       明星客户          1  0.333333     600.0         600.0
    1      loyal       忠诚客户          0  0.000000       0.0           NaN
    """
    require(segments, ["segment", "monetary"], "segments")
    sums = segments.groupby("segment").agg(
        customers=("segment", "size"), monetary=("monetary", "sum")
    )
    out = pd.DataFrame({"segment": list(SEGMENTS), "segment_zh": list(SEGMENTS.values())})
    out = out.merge(sums, left_on="segment", right_index=True, how="left")
    out["customers"] = out["customers"].fillna(0)
    out["monetary"] = out["monetary"].fillna(0.0)
    out["share"] = ratio(out["customers"], pd.Series(out["customers"].sum(), index=out.index))
    out["avg_monetary"] = ratio(out["monetary"], out["customers"])
    return conform(out, SEGMENT_SUMMARY_COLUMNS)


def new_buyers_by_channel(orders: pd.DataFrame, *, freq: str = "MS") -> pd.DataFrame:
    """New buyers per period by the channel of their first paid order.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``, ``paid_amount``;
        ``paid_at``, ``channel`` optional), the store's history.
    freq : {"MS", "W", "D", "QS", "YS"}, default "MS"
        Period of each row.

    Returns
    -------
    pandas.DataFrame
        One row per (period, channel) with new buyers, sorted by both:

        - ``period_start`` (datetime64[ns]): local start of the period of the first order.
        - ``channel`` (str): channel of the customer's first paid order (``unknown`` when
          missing or when the table has no ``channel`` column).
        - ``new_buyers`` (int64): customers whose first paid order in the frame is in the
          period and came through the channel.

    Notes
    -----
    中文名: 各渠道新买家数 (引流)

    口径: paid orders (DESIGN §5) dated by ``paid_at``; a customer's first paid order in the
    frame decides both the period and the channel (first-touch by order, research/metrics.md
    §8.1, §9.7). Summed over channels, a period's rows give ``buyer_mix``'s ``new_buyers``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b"], "channel": ["search", "ads", "ads"],
    ...     "ordered_at": pd.to_datetime(["2025-11-03", "2025-11-20", "2025-11-12"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> new_buyers_by_channel(orders)
      period_start channel  new_buyers
    0   2025-11-01     ads           1
    1   2025-11-01  search           1
    """
    freq = check_freq(freq)
    purchases = _purchases(orders, extra=["channel"])
    purchases["channel"] = purchases["channel"].fillna(UNKNOWN_CHANNEL)
    first = purchases.sort_values("paid_time", kind="stable").drop_duplicates("customer_id")
    first = first.assign(period_start=period_floor(first["paid_time"], freq))
    out = first.groupby(["period_start", "channel"]).size().rename("new_buyers").reset_index()
    return conform(out, NEW_BY_CHANNEL_COLUMNS)


# -- issue 15: suggested actions (who to win back, who is due to buy again) --------------------

#: Columns of :func:`win_back_customers`.
WIN_BACK_COLUMNS = {
    "customer_id": "str",
    "segment": "str",
    "last_purchase": PERIOD_DTYPE,
    "recency_days": "int64",
    "frequency": "int64",
    "monetary": "float64",
}

#: Columns of :func:`due_to_buy_again`.
DUE_COLUMNS = {
    "customer_id": "str",
    "last_purchase": PERIOD_DTYPE,
    "days_since_last": "int64",
    "usual_interval_days": "float64",
    "overdue_days": "float64",
    "p_alive": "float64",
}


def win_back_customers(
    segments: pd.DataFrame, *, include: tuple[str, ...] = ("at_risk",)
) -> pd.DataFrame:
    """Customers to win back: the valuable ones who stopped buying (RFM ``at_risk``).

    Parameters
    ----------
    segments : pandas.DataFrame
        Output of :func:`rfm_segments`.
    include : tuple of str, default ("at_risk",)
        Segments to win back. ``at_risk`` (流失风险) is R ≤ 2 with FM ≥ 3: customers who
        bought often or much and have not bought lately, the "can't lose" customers of
        other RFM grids (this grid folds them into one segment).

    Returns
    -------
    pandas.DataFrame
        One row per customer of those segments, highest ``monetary`` first (ties by id):
        ``customer_id``, ``segment`` (str), ``last_purchase`` (datetime64[ns]),
        ``recency_days``, ``frequency`` (int64), ``monetary`` (float64).

    Notes
    -----
    中文名: 待挽回客户

    A selection of :func:`rfm_segments` rows, nothing recomputed: the counts agree with
    the RFM table of the same report.

    Examples
    --------
    >>> import pandas as pd
    >>> segments = pd.DataFrame({
    ...     "customer_id": ["a", "b", "c"], "segment": ["at_risk", "champions", "at_risk"],
    ...     "last_purchase": pd.to_datetime(["2025-06-01", "2025-11-20", "2025-07-01"]),
    ...     "recency_days": [182, 10, 152], "frequency": [5, 8, 4], "monetary": [300.0, 900.0, 500.0],
    ... })
    >>> win_back_customers(segments)[["customer_id", "monetary"]]
      customer_id  monetary
    0           c     500.0
    1           a     300.0
    """
    require(segments, list(WIN_BACK_COLUMNS), "segments")
    unknown = sorted(set(include) - set(SEGMENTS))
    if unknown:
        raise ParameterError(
            f"win_back_customers: unknown segment(s) {unknown}; use some of {list(SEGMENTS)}"
        )
    chosen = segments[segments["segment"].isin(list(include))]
    chosen = chosen.sort_values(["monetary", "customer_id"], ascending=[False, True])
    return conform(chosen.reset_index(drop=True), WIN_BACK_COLUMNS)


def due_to_buy_again(
    orders: pd.DataFrame,
    p_alive: pd.DataFrame,
    *,
    observation_end,
    min_p_alive: float = 0.7,
) -> pd.DataFrame:
    """Customers due to buy again: past their usual interval while probably still active.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (see :func:`purchase_intervals`), the store's history.
    p_alive : pandas.DataFrame
        ``customer_id`` and ``p_alive`` (the BG/NBD probability of being active, e.g.
        ``clv.customer_lifetime_value``) as of ``observation_end``.
    observation_end : date-like
        Last day observed; later orders are left out.
    min_p_alive : float, default 0.7
        Lowest P(alive) of a customer listed: below it the customer has more likely
        lapsed (a win-back case, not a reminder).

    Returns
    -------
    pandas.DataFrame
        One row per due customer, most overdue (relative to their interval) first:

        - ``customer_id`` (str).
        - ``last_purchase`` (datetime64[ns]): local date of the last purchase day.
        - ``days_since_last`` (int64): days from it to ``observation_end``.
        - ``usual_interval_days`` (float64): median of the customer's own intervals.
        - ``overdue_days`` (float64): days_since_last − usual_interval_days (> 0).
        - ``p_alive`` (float64).

    Notes
    -----
    中文名: 应复购提醒客户

    Customers with at least two purchase days (so that an interval of their own exists,
    :func:`purchase_intervals` 口径) whose days since the last purchase day exceed the
    median of their intervals, and whose P(alive) is at least ``min_p_alive``. A customer
    without a P(alive) (absent from ``p_alive``) is not listed.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "b", "c", "c"],
    ...     "ordered_at": pd.to_datetime(["2025-09-01", "2025-09-11", "2025-09-21",
    ...                                   "2025-11-01", "2025-11-20", "2025-10-01", "2025-10-05"]),
    ...     "status": "paid", "paid_amount": 10.0,
    ... })
    >>> alive = pd.DataFrame({"customer_id": ["a", "b", "c"], "p_alive": [0.9, 0.95, 0.3]})
    >>> due = due_to_buy_again(orders, alive, observation_end="2025-11-30")
    >>> due[["customer_id", "days_since_last", "usual_interval_days", "overdue_days"]]
      customer_id  days_since_last  usual_interval_days  overdue_days
    0           a               70                 10.0          60.0
    """
    end_day = as_day(observation_end, "observation_end")
    if not np.isscalar(min_p_alive) or not 0 <= min_p_alive <= 1:
        raise ParameterError(f"min_p_alive={min_p_alive!r} must be a probability in [0, 1]")
    require(p_alive, ["customer_id", "p_alive"], "p_alive")
    intervals = purchase_intervals(orders)
    intervals = intervals[intervals["purchase_date"] <= end_day]  # days after it are unseen
    usual = intervals.groupby("customer_id")["days_since_previous"].median()
    last = intervals.groupby("customer_id")["purchase_date"].max()
    out = pd.DataFrame({"usual_interval_days": usual.astype("float64"), "last_purchase": last})
    out["days_since_last"] = (end_day - out["last_purchase"]).dt.days
    out["overdue_days"] = out["days_since_last"] - out["usual_interval_days"]
    alive = p_alive.assign(customer_id=p_alive["customer_id"].astype("str"))
    out = out.reset_index().merge(alive[["customer_id", "p_alive"]], on="customer_id")
    out = out[(out["overdue_days"] > 0) & (out["p_alive"] >= min_p_alive)]
    out = out.assign(_ratio=out["days_since_last"] / out["usual_interval_days"])
    out = out.sort_values(["_ratio", "customer_id"], ascending=[False, True])
    return conform(out.reset_index(drop=True), DUE_COLUMNS)
