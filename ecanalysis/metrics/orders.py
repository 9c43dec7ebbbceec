"""Orders and sales (订单与销售): paid and valid orders, the sales summary by period.

Every figure here follows DESIGN §5 and research/metrics.md §1.1–§1.2, §4–§6: placed-basis
figures are dated by ``ordered_at``, paid-basis figures by ``paid_at``, refunds by their own
date (``refunded_at``, else ``paid_at``). One core (:func:`_sales_sums`, :func:`_derive`) computes the
summary for any assignment of timestamps to periods: calendar periods
(:func:`sales_summary`, :func:`daily_sales`) or one arbitrary window (:func:`period_summary`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    as_timestamp,
    check_freq,
    conform,
    group_keys,
    is_paid,
    is_valid,
    local_naive,
    numeric,
    one_time_zone,
    paid_time,
    period_floor,
    ratio,
    refund_time,
    require,
)

#: Columns of the sales summary after ``period_start`` (and the ``by`` columns), DESIGN §5.
SALES_COLUMNS = {
    "placed_orders": "int64",
    "orders": "int64",
    "valid_orders": "int64",
    "order_validity_rate": "float64",
    "buyers": "int64",
    "new_buyers": "int64",
    "returning_buyers": "int64",
    "units": "float64",
    "gmv": "float64",
    "paid_amount": "float64",
    "refund_amount": "float64",
    "net_sales": "float64",
    "aov": "float64",
    "revenue_per_buyer": "float64",
    "cost_amount": "float64",
    "gross_profit": "float64",
    "gross_margin": "float64",
    "cost_coverage": "float64",
}

#: Columns every orders frame needs (the bold columns of DESIGN §2 that the summary reads).
REQUIRED = ("order_id", "customer_id", "ordered_at", "status", "gross_amount", "paid_amount")

_COUNTS = ("placed_orders", "orders", "valid_orders", "buyers", "new_buyers")

#: Assigns each local timestamp its period start (NaT when outside every period).
Assign = Callable[[pd.Series], pd.Series]


def paid_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The paid orders: a ``paid_at`` and a status other than ``cancelled``.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``status``; ``paid_at`` optional).

    Returns
    -------
    pandas.DataFrame
        The rows of ``orders`` that are paid, every column unchanged, with a fresh
        RangeIndex.

    Notes
    -----
    中文名: 支付订单

    口径 (DESIGN §5, research/metrics.md §1.1, §4.1): an order is paid when it has a
    ``paid_at`` and its status is not ``cancelled``; any other status counts, ``placed``
    included (the ``paid_at`` says it was paid). Refunded and partially refunded orders
    stay paid orders, as in 生意参谋's 支付笔数 ("支付后退款不剔除"); refunds are
    subtracted in ``net_sales`` on their own date. Without a ``paid_at`` column, the
    status alone decides: neither ``placed`` nor ``cancelled``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C"],
    ...     "status": ["completed", "cancelled", "refunded"],
    ...     "paid_at": pd.to_datetime(["2025-11-11 10:00", "2025-11-11 11:00", "2025-11-11 12:00"]),
    ... })
    >>> paid_orders(orders)["order_id"].tolist()
    ['A', 'C']
    """
    require(orders, ["status"], "orders")
    return orders[is_paid(orders)].reset_index(drop=True)


def paid_between(orders: pd.DataFrame, *, start=None, end) -> pd.DataFrame:
    """Orders paid in ``[start, end)``: the window that paid-basis figures are dated by.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``ordered_at``; ``paid_at`` optional), local naive times.
    start : timestamp, str or None
        Local time (naive) that opens the window, included; None: from the first order.
    end : timestamp or str
        Local time (naive) that closes the window, excluded.

    Returns
    -------
    pandas.DataFrame
        The rows whose ``paid_at`` is in the window (by ``ordered_at`` where the frame has
        no ``paid_at`` column), every column unchanged, fresh RangeIndex.

    Notes
    -----
    中文名: 时段内支付的订单

    Paid-basis figures are dated by payment (DESIGN §2): the channel table of a period
    takes the orders paid up to the period's end (``start=None``; those paid before its
    start are history that decides who is a new buyer), the month's repeat rate the orders
    paid in the month. Orders without a ``paid_at`` are left out; which of the others count
    as paid is :func:`paid_orders`' rule.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01", "2025-11-02", "2025-11-03"]),
    ...     "paid_at": pd.to_datetime(["2025-11-01", None, "2025-11-04"]),
    ... })
    >>> paid_between(orders, end="2025-11-04")["order_id"].tolist()
    ['A']
    >>> paid_between(orders, start="2025-11-02", end="2025-11-05")["order_id"].tolist()
    ['C']
    """
    column = "paid_at" if "paid_at" in orders.columns else "ordered_at"
    require(orders, [column], "orders")
    one_time_zone(orders=orders)
    times = local_naive(orders[column])
    keep = times < as_timestamp(end, "paid_between: end")
    if start is not None:
        keep &= times >= as_timestamp(start, "paid_between: start")
    return orders[keep].reset_index(drop=True)


def as_placed_basis(orders: pd.DataFrame) -> pd.DataFrame:
    """The orders as a cash-on-delivery store counts its sales: placed and not cancelled.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``ordered_at``, ``status``; ``paid_at`` optional).

    Returns
    -------
    pandas.DataFrame
        A copy of ``orders`` whose ``paid_at`` is ``ordered_at`` for every order that is
        not ``cancelled`` and empty for cancelled ones; every other column unchanged. Every
        paid-basis metric then counts placed, not-cancelled orders, dated by their order
        time.

    Notes
    -----
    中文名: 下单口径（货到付款店铺）

    DESIGN §2 ``sales_basis: placed``: where most orders are paid on delivery, the
    platform's export marks them ``pending`` (no payment yet) and a paid-basis report would
    show almost no sales. Such a store reports placed, not-cancelled orders as its sales,
    labelled as such on every page; ``paid_amount`` is then what the buyer is to pay.
    Refunds keep their own dates (a refund without ``refunded_at`` is dated by the order).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C"],
    ...     "status": ["placed", "cancelled", "paid"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01 09:00", "2025-11-01 10:00", "2025-11-02 08:00"]),
    ...     "paid_at": pd.to_datetime([None, None, "2025-11-03 08:00"]),
    ... })
    >>> as_placed_basis(orders)["paid_at"].dt.strftime("%m-%d %H:%M").tolist()
    ['11-01 09:00', nan, '11-02 08:00']
    """
    require(orders, ["ordered_at", "status"], "orders")
    one_time_zone(orders=orders)
    out = orders.copy()
    placed = out["ordered_at"].where(out["status"] != "cancelled")
    out["paid_at"] = placed.astype(out["ordered_at"].dtype)
    return out.reset_index(drop=True)


def with_refunds(orders: pd.DataFrame, refunds: pd.DataFrame) -> pd.DataFrame:
    """The orders with their refunds taken from the ``refunds`` table where it has rows.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``order_id``; ``refund_amount``, ``refunded_at`` optional).
    refunds : pandas.DataFrame
        The ``refunds`` table (``order_id``, ``amount``, ``refunded_at``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``orders``: for every order with rows in ``refunds``, ``refund_amount`` is
        the sum of their ``amount`` and ``refunded_at`` the time of the last one; other orders
        unchanged. Same columns (``refund_amount`` and ``refunded_at`` added when absent).

    Notes
    -----
    中文名: 按退款明细更新订单退款

    DESIGN §2: when ``refunds`` has rows for an order they define that order's refunds,
    amounts and dates: a refund is dated by when the money went back (退款完结时间), not by
    the payment. An order refunded in several parts on different days is dated by its last
    refund (the orders table holds one refund date per order).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["A", "B"], "refund_amount": [0.0, 5.0],
    ...                        "refunded_at": pd.to_datetime([None, "2025-11-02"])})
    >>> refunds = pd.DataFrame({"order_id": ["A", "A"], "amount": [3.0, 4.0],
    ...                         "refunded_at": pd.to_datetime(["2025-11-05", "2025-11-07"])})
    >>> with_refunds(orders, refunds)[["order_id", "refund_amount", "refunded_at"]]
      order_id  refund_amount refunded_at
    0        A            7.0  2025-11-07
    1        B            5.0  2025-11-02
    """
    require(orders, ["order_id"], "orders")
    require(refunds, ["order_id", "amount", "refunded_at"], "refunds")
    one_time_zone(orders=orders, refunds=refunds)
    out = orders.copy()
    if "refund_amount" not in out.columns:
        out["refund_amount"] = float("nan")
    if "refunded_at" not in out.columns:
        out["refunded_at"] = pd.Series(pd.NaT, index=out.index, dtype=refunds["refunded_at"].dtype)
    per_order = refunds.groupby("order_id").agg(
        amount=("amount", "sum"), last=("refunded_at", "max")
    )
    known = out["order_id"].isin(per_order.index)
    ids = out.loc[known, "order_id"]
    out.loc[known, "refund_amount"] = per_order["amount"].reindex(ids).to_numpy()
    out.loc[known, "refunded_at"] = per_order["last"].reindex(ids).to_numpy()
    return out.reset_index(drop=True)


def valid_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """The valid orders: paid and not fully refunded.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``status``; ``paid_at`` optional).

    Returns
    -------
    pandas.DataFrame
        The rows of ``orders`` that are valid, every column unchanged, with a fresh
        RangeIndex.

    Notes
    -----
    中文名: 有效订单

    口径 (DESIGN §5, research/metrics.md §4.2): valid = paid (see :func:`paid_orders`) and
    status not ``refunded``. A partially refunded order stays valid.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C"],
    ...     "status": ["completed", "partially_refunded", "refunded"],
    ...     "paid_at": pd.to_datetime(["2025-11-11 10:00", "2025-11-11 11:00", "2025-11-11 12:00"]),
    ... })
    >>> valid_orders(orders)["order_id"].tolist()
    ['A', 'B']
    """
    require(orders, ["status"], "orders")
    return orders[is_valid(orders)].reset_index(drop=True)


def sales_summary(
    orders: pd.DataFrame, *, freq: str = "D", by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Orders, buyers, sales, refunds and margin per period: the sales summary.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table: ``order_id``, ``customer_id``, ``ordered_at``, ``status``,
        ``gross_amount``, ``paid_amount``; optional ``paid_at``, ``item_count``,
        ``refund_amount``, ``refunded_at``, ``cost_amount``. Timestamps naive local or
        tz-aware (their wall time in their own zone is used). Pass the store's history:
        new buyers are judged against the whole frame.
    freq : {"D", "W", "MS", "QS", "YS"}, default "D"
        Period length: day, week Monday to Sunday, month, quarter, year (local calendar).
    by : str or list of str, optional
        Columns of ``orders`` to group by as well (e.g. ``"channel"``).

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` groups, ``period_start``) that has a placed order, a paid order
        or a refund, sorted by keys. Columns, in order:

        - the ``by`` columns (their input dtype).
        - ``period_start`` (datetime64[ns]): local start of the period (Monday for ``W``).
        - ``placed_orders`` (int64): orders placed in the period, whatever their status
          (by ``ordered_at``).
        - ``orders`` (int64): paid orders (by ``paid_at``).
        - ``valid_orders`` (int64): paid orders not fully refunded (by ``paid_at``).
        - ``order_validity_rate`` (float64): valid_orders / placed_orders.
        - ``buyers`` (int64): distinct customers with a paid order (by ``paid_at``).
        - ``new_buyers`` (int64): buyers whose first paid order in the frame is in the period.
        - ``returning_buyers`` (int64): buyers − new_buyers.
        - ``units`` (float64): items in paid orders (sum of ``item_count``; NaN without it).
        - ``gmv`` (float64): ``gross_amount`` of the orders placed in the period.
        - ``paid_amount`` (float64): ``paid_amount`` of paid orders (by ``paid_at``).
        - ``refund_amount`` (float64): refunds of paid orders dated in the period (by
          ``refunded_at``, else ``paid_at``); NaN without a ``refund_amount`` column.
        - ``net_sales`` (float64): paid_amount − refund_amount.
        - ``aov`` (float64): paid_amount / orders (笔单价).
        - ``revenue_per_buyer`` (float64): paid_amount / buyers (客单价).
        - ``cost_amount`` (float64): ``cost_amount`` of paid orders that have one (by
          ``paid_at``); NaN when none has.
        - ``gross_profit`` (float64): net_sales − cost_amount.
        - ``gross_margin`` (float64): gross_profit / net_sales.
        - ``cost_coverage`` (float64): share of paid_amount from paid orders that have a
          ``cost_amount`` (0 without the column).

    Notes
    -----
    中文名: 销售汇总（订单、买家、销售额、退款、毛利）

    口径 (DESIGN §5; research/metrics.md §1.1, §1.2, §4, §5, §6):

    - Paid orders have a ``paid_at`` and are not cancelled; refunded orders stay paid.
      Valid orders are paid and not fully refunded (§4.2).
    - ``gmv`` is Taobao's 成交总额 口径: the list value (``gross_amount``) of every order
      placed (拍下) in the period, including unpaid and cancelled ones (§4.5), dated by
      ``ordered_at``. ``paid_amount`` is 生意参谋's 支付金额: what buyers paid, shipping
      included, refunds not deducted (§4.6).
    - Refunds land on the day they succeed (event basis, §1.2), so ``net_sales`` and
      ``gross_profit`` of a day can be negative, and a period with refunds only still
      appears. Refunds of unpaid orders are ignored.
    - ``order_validity_rate`` = valid_orders / placed_orders (订单有效率, §4.2). The
      numerator is dated by payment and the denominator by placement, so an order placed
      just before a period boundary and paid after it moves between periods; the rate can
      then exceed 1 on a very small day.
    - New and returning buyers (§8.1): a buyer is new in the period of their first paid
      order in the frame given; the look-back is the whole frame (callers pass the
      store's history). ``returning_buyers`` = buyers − new_buyers. With ``by``, a buyer is
      new in a group when their first paid order (in any group) falls in that period.
    - Buyers are distinct within each period and group: monthly buyers are not the sum
      of daily buyers (§1.7).
    - ``gross_margin`` = (net_sales − cost) / net_sales (毛利率, §6.1). Orders without a
      cost contribute no cost, so read the margin together with ``cost_coverage`` (the
      share of paid_amount whose cost is recorded, after ShopifyQL's
      ``net_sales_with_cost_recorded``). Without ``cost_amount`` the margin is NaN.
    - Rates are ratios of the sums in the row; 0/0 is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C"],
    ...     "customer_id": ["c1", "c2", "c1"],
    ...     "ordered_at": pd.to_datetime(["2025-11-10 09:00", "2025-11-10 10:00", "2025-11-11 08:00"]),
    ...     "paid_at": pd.to_datetime(["2025-11-10 09:01", None, "2025-11-11 08:01"]),
    ...     "status": ["completed", "placed", "completed"],
    ...     "gross_amount": [120.0, 50.0, 80.0],
    ...     "paid_amount": [100.0, 0.0, 80.0],
    ... })
    >>> table = sales_summary(orders)
    >>> table[["period_start", "placed_orders", "orders", "buyers", "new_buyers", "gmv", "paid_amount"]]
      period_start  placed_orders  orders  buyers  new_buyers    gmv  paid_amount
    0   2025-11-10              2       1       1           1  170.0        100.0
    1   2025-11-11              1       1       1           0   80.0         80.0
    """
    freq = check_freq(freq)
    keys = group_keys(by)
    sums = _sales_sums(orders, keys, lambda stamps: period_floor(stamps, freq))
    return _derive(sums, keys, orders)


def period_summary(
    orders: pd.DataFrame,
    *,
    start,
    end,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """The sales summary of one window ``[start, end)``: a day, week, month or any range.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table, as for :func:`sales_summary` (pass the store's history up
        to ``end`` so that new buyers are judged correctly).
    start, end : str, datetime or pandas.Timestamp
        The half-open local window: naive local, tz-aware (its wall time in its own zone,
        e.g. ``Period.start``) or ISO text.
    by : str or list of str, optional
        Columns of ``orders`` to group by as well.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`sales_summary`, with ``period_start`` = ``start``. Without
        ``by``, exactly one row, also when nothing happened in the window (counts 0,
        amounts 0, rates NaN); with ``by``, one row per group with activity.

    Notes
    -----
    中文名: 区间销售汇总

    The same core and 口径 as :func:`sales_summary`: each event (placement, payment,
    refund) counts when its own timestamp is in ``[start, end)``; a buyer is new when
    their first paid order in the frame is in the window.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B"],
    ...     "customer_id": ["c1", "c1"],
    ...     "ordered_at": pd.to_datetime(["2025-11-03 09:00", "2025-11-11 10:00"]),
    ...     "paid_at": pd.to_datetime(["2025-11-03 09:01", "2025-11-11 10:01"]),
    ...     "status": ["completed", "completed"],
    ...     "gross_amount": [60.0, 90.0],
    ...     "paid_amount": [50.0, 90.0],
    ... })
    >>> week = period_summary(orders, start="2025-11-10", end="2025-11-17")
    >>> week[["period_start", "orders", "buyers", "new_buyers", "returning_buyers", "aov"]]
      period_start  orders  buyers  new_buyers  returning_buyers   aov
    0   2025-11-10       1       1           0                 1  90.0
    """
    first = as_timestamp(start, "period_summary: start")
    stop = as_timestamp(end, "period_summary: end")
    if stop <= first:
        raise ParameterError(f"period_summary: end {stop} must be after start {first}")

    def assign(stamps: pd.Series) -> pd.Series:
        inside = (stamps >= first) & (stamps < stop)
        return pd.Series(first, index=stamps.index, dtype=PERIOD_DTYPE).where(inside)

    keys = group_keys(by)
    sums = _sales_sums(orders, keys, assign)
    if not keys:
        sums = _fill_periods(sums, [], pd.DatetimeIndex([first]))
    return _derive(sums, keys, orders)


def daily_sales(orders: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The daily sales summary with every day from the first to the last day present.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table, as for :func:`sales_summary`.
    by : str or list of str, optional
        Columns to group by as well; every group gets every day.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`sales_summary` (``freq="D"``), one row per day (and group)
        from the first to the last day with any placement, payment or refund. Days
        without activity have counts 0, amounts 0 (NaN where the column is absent) and
        NaN rates, so trailing means and anomaly detection see quiet days.

    Notes
    -----
    中文名: 每日销售（补齐无交易日）

    Identical to ``sales_summary(orders, freq="D")`` on the days it lists; the added
    days are zeros, not gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B"],
    ...     "customer_id": ["c1", "c2"],
    ...     "ordered_at": pd.to_datetime(["2025-11-10 09:00", "2025-11-12 10:00"]),
    ...     "paid_at": pd.to_datetime(["2025-11-10 09:01", "2025-11-12 10:01"]),
    ...     "status": ["completed", "completed"],
    ...     "gross_amount": [60.0, 90.0],
    ...     "paid_amount": [50.0, 90.0],
    ... })
    >>> daily_sales(orders)[["period_start", "orders", "paid_amount", "aov"]]
      period_start  orders  paid_amount   aov
    0   2025-11-10       1         50.0  50.0
    1   2025-11-11       0          0.0   NaN
    2   2025-11-12       1         90.0  90.0
    """
    keys = group_keys(by)
    sums = _sales_sums(orders, keys, lambda stamps: period_floor(stamps, "D"))
    if len(sums):
        days = pd.date_range(sums["period_start"].min(), sums["period_start"].max(), freq="D")
        sums = _fill_periods(sums, keys, days)
    return _derive(sums, keys, orders)


# -- the shared core ---------------------------------------------------------------------


def _sales_sums(orders: pd.DataFrame, keys: list[str], assign: Assign) -> pd.DataFrame:
    """The summed parts of the summary, one row per (keys, period) with activity.

    ``assign`` maps local timestamps to their period start (NaT outside every period);
    each event (placement, payment, refund) is dated by its own timestamp.
    """
    require(orders, [*REQUIRED, *keys], "orders")
    index = [*keys, "period_start"]
    parts = [
        _placed_part(orders, keys, assign),
        _paid_part(orders, keys, assign),
        _refund_part(orders, keys, assign),
    ]
    sums = pd.concat([part.set_index(index) for part in parts], axis=1, join="outer", sort=True)
    return sums.sort_index().reset_index()


def _placed_part(orders: pd.DataFrame, keys: list[str], assign: Assign) -> pd.DataFrame:
    frame = orders[keys].assign(
        period_start=assign(local_naive(orders["ordered_at"])),
        placed_orders=1,
        gmv=numeric(orders, "gross_amount"),
    )
    return _sum(frame, keys, {"placed_orders": "sum", "gmv": "sum"})


def _paid_part(orders: pd.DataFrame, keys: list[str], assign: Assign) -> pd.DataFrame:
    paid = is_paid(orders)
    stamps = paid_time(orders)[paid]
    customers = orders.loc[paid, "customer_id"]
    first_paid = stamps.groupby(customers).transform("min")
    period = assign(stamps)
    cost = numeric(orders, "cost_amount")[paid]
    paid_amount = numeric(orders, "paid_amount")[paid]
    frame = orders.loc[paid, keys].assign(
        period_start=period,
        orders=1,
        valid_orders=is_valid(orders)[paid].astype("int64"),
        buyer=customers,
        new_buyer=customers.where(assign(first_paid) == period),
        units=numeric(orders, "item_count")[paid],
        paid_amount=paid_amount,
        cost_amount=cost,
        paid_with_cost=paid_amount.where(cost.notna(), 0.0),
    )
    out = _sum(
        frame,
        keys,
        {
            "orders": "sum",
            "valid_orders": "sum",
            "buyer": "nunique",
            "new_buyer": "nunique",
            "units": "sum",
            "paid_amount": "sum",
            "cost_amount": "sum",
            "paid_with_cost": "sum",
        },
    )
    return out.rename(columns={"buyer": "buyers", "new_buyer": "new_buyers"})


def _refund_part(orders: pd.DataFrame, keys: list[str], assign: Assign) -> pd.DataFrame:
    refunds = numeric(orders, "refund_amount")
    dated = is_paid(orders) & refunds.notna() & (refunds != 0)
    frame = orders.loc[dated, keys].assign(
        period_start=assign(refund_time(orders)[dated]),
        refund_amount=refunds[dated],
    )
    return _sum(frame, keys, {"refund_amount": "sum"})


def _sum(frame: pd.DataFrame, keys: list[str], how: dict[str, str]) -> pd.DataFrame:
    """Aggregate ``frame`` by keys and period (rows outside every period dropped).

    Sums use ``min_count=1`` so that a column that is all NaN in a group stays NaN
    (absent optional column, or no order with a cost).
    """
    frame = frame[frame["period_start"].notna()]
    grouped = frame.groupby([*keys, "period_start"], dropna=False, sort=True)
    columns = {}
    for column, func in how.items():
        if func == "sum":
            columns[column] = grouped[column].sum(min_count=1)
        else:
            columns[column] = grouped[column].nunique()
    if not columns or frame.empty:
        return pd.DataFrame(columns=[*keys, "period_start", *how])
    return pd.DataFrame(columns).reset_index()


def _derive(sums: pd.DataFrame, keys: list[str], orders: pd.DataFrame) -> pd.DataFrame:
    """Fill absent activity with zeros and compute the derived columns of the summary."""
    out = sums.copy()
    for column in _COUNTS:
        out[column] = pd.to_numeric(out[column]).fillna(0)
    for column in ("gmv", "paid_amount", "paid_with_cost"):
        out[column] = pd.to_numeric(out[column]).astype("float64").fillna(0.0)
    has = {c: c in orders.columns for c in ("item_count", "refund_amount")}
    for column, source in (("units", "item_count"), ("refund_amount", "refund_amount")):
        values = pd.to_numeric(out[column]).astype("float64")
        out[column] = values.fillna(0.0) if has[source] else values
    cost = pd.to_numeric(out["cost_amount"]).astype("float64")
    if "cost_amount" in orders.columns:
        cost = cost.mask(out["orders"] == 0, 0.0)
    out["cost_amount"] = cost
    out["returning_buyers"] = out["buyers"] - out["new_buyers"]
    out["order_validity_rate"] = ratio(out["valid_orders"], out["placed_orders"])
    out["net_sales"] = out["paid_amount"] - out["refund_amount"]
    out["aov"] = ratio(out["paid_amount"], out["orders"])
    out["revenue_per_buyer"] = ratio(out["paid_amount"], out["buyers"])
    out["gross_profit"] = out["net_sales"] - out["cost_amount"]
    out["gross_margin"] = ratio(out["gross_profit"], out["net_sales"])
    out["cost_coverage"] = ratio(out["paid_with_cost"], out["paid_amount"])
    return conform(out, _schema(orders, keys))


def _fill_periods(sums: pd.DataFrame, keys: list[str], periods: pd.DatetimeIndex) -> pd.DataFrame:
    """``sums`` with a row for every (group, period); quiet ones are filled by ``_derive``."""
    groups = sums[keys].drop_duplicates() if keys else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"period_start": periods.astype(PERIOD_DTYPE)}), how="cross")
    return grid.merge(sums, on=[*keys, "period_start"], how="left")


def _schema(orders: pd.DataFrame, keys: list[str]) -> dict[str, object]:
    schema: dict[str, object] = {key: orders[key].dtype for key in keys}
    schema["period_start"] = PERIOD_DTYPE
    schema.update(SALES_COLUMNS)
    return schema
