"""Profit after marketing (营销后利润): contribution margin, break-even ROAS, MER, new-buyer CAC
and cohort payback (DESIGN §5 "Profit").

Costs come from the ``costs:`` block of the params (:data:`ecanalysis.params.COST_KEYS`):
``payment_fee_rate``, ``commission_rate`` and ``other_variable_rate`` are shares of
``paid_amount``; ``fulfilment_cost_per_order`` is an amount per paid order, which an order's
own ``shipping_cost`` overrides. A cost left unset is unknown, never 0: what depends on it is
NaN. The paid basis (orders, paid amount, refunds, COGS, new buyers) is
:func:`ecanalysis.metrics.orders.sales_summary`'s, not derived again here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    check_freq,
    conform,
    group_keys,
    is_paid,
    local_naive,
    numeric,
    one_time_zone,
    paid_time,
    period_floor,
    ratio,
    require,
)
from ecanalysis.metrics.customers import _last_stamp, _periods_between, _purchases
from ecanalysis.metrics.orders import period_summary, sales_summary
from ecanalysis.params import COST_KEYS, check_costs

#: Columns of :func:`contribution_margin` after the ``by`` columns.
CONTRIBUTION_COLUMNS = {
    "period_start": PERIOD_DTYPE,
    "orders": "int64",
    "new_buyers": "int64",
    "paid_amount": "float64",
    "net_sales": "float64",
    "cost_amount": "float64",
    "cost_coverage": "float64",
    "cm1": "float64",
    "cm1_rate": "float64",
    "payment_fees": "float64",
    "commission": "float64",
    "other_variable_cost": "float64",
    "fulfilment_cost": "float64",
    "cm2": "float64",
    "cm2_rate": "float64",
    "ad_spend": "float64",
    "contribution_margin": "float64",
    "contribution_margin_rate": "float64",
    "breakeven_roas": "float64",
    "mer": "float64",
    "ncac": "float64",
}
#: Columns of :func:`breakeven_roas`, :func:`mer` and :func:`ncac` after the frame's
#: identifying (non-numeric) columns.
BREAKEVEN_COLUMNS = {"paid_amount": "float64", "cm2": "float64", "breakeven_roas": "float64"}
MER_COLUMNS = {"paid_amount": "float64", "ad_spend": "float64", "mer": "float64"}
NCAC_COLUMNS = {"ad_spend": "float64", "new_buyers": "float64", "ncac": "float64"}
#: Columns of :func:`cohort_value` after the ``by`` column.
COHORT_VALUE_COLUMNS = {
    "cohort": PERIOD_DTYPE,
    "age": "int64",
    "cohort_size": "int64",
    "value": "float64",
    "cumulative_value": "float64",
    "cumulative_value_per_customer": "float64",
    "ad_spend": "float64",
    "cac": "float64",
    "payback_age": "float64",
}
ORDER_CATEGORY_COLUMNS = {"order_id": "str", "category": "str"}
#: Columns of :func:`cohort_payback` after the ``by`` column.
COHORT_PAYBACK_COLUMNS = {
    "cohort": PERIOD_DTYPE,
    "cohort_size": "int64",
    "ad_spend": "float64",
    "cac": "float64",
    "age": "int64",
    "cumulative_value_per_customer": "float64",
    "payback_age": "float64",
}
#: Columns of :func:`campaign_payback`.
CAMPAIGN_PAYBACK_COLUMNS = {
    "age": "int64",
    "new_buyers": "int64",
    "value": "float64",
    "cumulative_value": "float64",
    "cumulative_value_per_customer": "float64",
    "spend": "float64",
    "cac": "float64",
    "payback_age": "float64",
}

#: Values :func:`cohort_value` accumulates.
COHORT_VALUES = ("net_sales", "gross_profit")
#: Group of a first order whose ``by`` value is empty.
NO_GROUP = "(none)"

#: The cost columns of :func:`contribution_margin` and the ``costs`` key each depends on.
COST_COLUMN_KEYS = {
    "payment_fees": "payment_fee_rate",
    "commission": "commission_rate",
    "other_variable_cost": "other_variable_rate",
    "fulfilment_cost": "fulfilment_cost_per_order",
}


def contribution_margin(
    orders: pd.DataFrame,
    ad_spend: pd.DataFrame | None = None,
    *,
    costs: Mapping[str, float | None] | None,
    freq: str = "D",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Profit after variable costs and marketing per period: CM1, CM2 and CM3.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table, as for :func:`ecanalysis.metrics.orders.sales_summary`
        (the store's history: new buyers are judged against the whole frame); optional
        ``cost_amount`` (COGS) and ``shipping_cost``.
    ad_spend : pandas.DataFrame, optional
        The ``ad_spend`` table (``date``, ``spend``). None means unknown (ad spend and
        what depends on it are NaN); an empty table means no spend (0).
    costs : mapping or None
        The ``costs:`` block of the params: ``payment_fee_rate``, ``commission_rate``,
        ``other_variable_rate`` (shares of paid_amount, in [0, 1)) and
        ``fulfilment_cost_per_order`` (store currency). A key missing or None is unknown.
    freq : {"D", "W", "MS", "QS", "YS"}, default "D"
        Period length (local calendar; ``W`` = weeks Monday to Sunday).
    by : str or list of str, optional
        Columns of ``orders`` to group by as well. Ad spend is split by them only when
        ``ad_spend`` has every one of them (``channel``, ``store_id``); else it is NaN.

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` groups, ``period_start``) with a placement, payment, refund or
        ad spend, sorted by keys. Columns, in order:

        - the ``by`` columns; ``period_start`` (datetime64[ns]).
        - ``orders``, ``new_buyers`` (int64), ``paid_amount``, ``net_sales``,
          ``cost_amount``, ``cost_coverage`` (float64): as in ``sales_summary``.
        - ``cm1`` (float64): gross profit = net_sales − cost_amount. ``cm1_rate``:
          cm1 / net_sales.
        - ``payment_fees``, ``commission``, ``other_variable_cost`` (float64): each rate ×
          paid_amount (NaN when the rate is unset).
        - ``fulfilment_cost`` (float64): Σ over paid orders of ``shipping_cost`` where
          present, else ``fulfilment_cost_per_order`` (NaN when an order has neither).
        - ``cm2`` (float64): cm1 − payment_fees − commission − other_variable_cost −
          fulfilment_cost. ``cm2_rate``: cm2 / net_sales.
        - ``ad_spend`` (float64): Σ ``spend`` on the period's local dates.
        - ``contribution_margin`` (float64): CM3 = cm2 − ad_spend.
          ``contribution_margin_rate``: CM3 / net_sales.
        - ``breakeven_roas`` (float64): paid_amount / cm2, NaN when cm2 ≤ 0.
        - ``mer`` (float64): paid_amount / ad_spend. ``ncac`` (float64): ad_spend /
          new_buyers.

    Notes
    -----
    中文名: 贡献毛利 (CM1 / CM2 / CM3)

    Formulas (DESIGN §5 "Profit"): CM1 = 毛利 = net_sales − COGS; CM2 = CM1 − 支付手续费
    − 平台佣金(技术服务费) − 其他变动成本 − 履约成本; CM3 = 贡献毛利 = CM2 − 广告花费;
    保本投产比 = paid_amount / CM2; 全店投产比 MER = paid_amount / ad_spend; 新客获客成本
    nCAC = ad_spend / new_buyers.

    口径: the paid basis of ``sales_summary`` (paid orders dated by ``paid_at``, refunds on
    their own date, COGS of the paid orders that record one: read ``cost_coverage``). Fees,
    commission and other costs are charged on ``paid_amount`` (refunds not deducted);
    fulfilment is charged on every paid order of the period, refunded ones included. Ad
    spend is dated by its local ``date``. The margin rates are over ``net_sales`` and NaN
    when net_sales ≤ 0 (refunds larger than sales: a rate of a negative base misleads).
    Break-even ROAS is the ROAS at which a channel's attributed sales just pay its spend
    (sales × CM2 rate on paid amount = spend); with CM2 ≤ 0 no ROAS breaks even, so NaN.
    0/0 and x/0 are NaN; rates are ratios of the sums of the row.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B"], "customer_id": ["c1", "c2"],
    ...     "ordered_at": pd.to_datetime(["2025-11-11 09:00", "2025-11-11 10:00"]),
    ...     "paid_at": pd.to_datetime(["2025-11-11 09:01", "2025-11-11 10:01"]),
    ...     "status": ["paid", "paid"], "gross_amount": [600.0, 400.0],
    ...     "paid_amount": [600.0, 400.0], "refund_amount": [0.0, 0.0],
    ...     "cost_amount": [360.0, 240.0],
    ... })
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"]), "spend": [150.0]})
    >>> costs = {"payment_fee_rate": 0.01, "commission_rate": 0.05,
    ...          "other_variable_rate": 0.0, "fulfilment_cost_per_order": 10.0}
    >>> table = contribution_margin(orders, spend, costs=costs)
    >>> table[["cm1", "cm2", "ad_spend", "contribution_margin", "breakeven_roas", "mer"]]
         cm1    cm2  ad_spend  contribution_margin  breakeven_roas       mer
    0  400.0  320.0     150.0                170.0           3.125  6.666667
    """
    freq = check_freq(freq)
    keys = group_keys(by)
    known = _known_costs(costs)
    one_time_zone(orders=orders, ad_spend=ad_spend)
    summary = sales_summary(orders, freq=freq, by=by)
    out = summary.merge(
        _fulfilment(orders, keys, _floor(freq), known["fulfilment_cost_per_order"]),
        on=[*keys, "period_start"],
        how="left",
    )
    spend = _spend(ad_spend, keys, _floor(freq))
    if spend is not None:
        out = out.merge(spend, on=[*keys, "period_start"], how="outer")
        out = _fill_quiet_periods(out, orders)
    out = out.sort_values([*keys, "period_start"], kind="stable")
    out = _margins(out, known, spend_known=spend is not None)
    schema = {key: summary[key].dtype for key in keys} | CONTRIBUTION_COLUMNS
    return conform(out, schema)


def period_contribution(
    orders: pd.DataFrame,
    ad_spend: pd.DataFrame | None = None,
    *,
    costs: Mapping[str, float | None] | None,
    start,
    end,
) -> pd.DataFrame:
    """CM1, CM2 and CM3 of one window ``[start, end)``: a day, week, month or any range.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table, as for :func:`contribution_margin` (pass the store's history
        up to ``end``: new buyers are judged against the whole frame).
    ad_spend : pandas.DataFrame, optional
        The ``ad_spend`` table (``date``, ``spend``); the rows whose local ``date`` is in the
        window count. None means unknown; no row in the window means no spend (0).
    costs : mapping or None
        The ``costs:`` block of the params, as for :func:`contribution_margin`.
    start, end : str, datetime or pandas.Timestamp
        The half-open local window, as for
        :func:`ecanalysis.metrics.orders.period_summary` (e.g. ``Period.start``/``end``).

    Returns
    -------
    pandas.DataFrame
        Exactly one row with the columns of :func:`contribution_margin`
        (``period_start`` = ``start``), also when nothing happened in the window.

    Notes
    -----
    中文名: 区间贡献毛利

    The same 口径 as :func:`contribution_margin` on the basis of ``period_summary``, so that
    ``cm1`` equals that window's ``gross_profit`` and the report's other KPIs: each event
    counts when its own timestamp is in the window; ad spend on the window's local dates.
    A report's CM3 = net_sales − COGS − payment fees − commission − other variable costs −
    fulfilment − ad spend.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B"], "customer_id": ["c1", "c2"],
    ...     "ordered_at": pd.to_datetime(["2025-11-10 09:00", "2025-11-12 10:00"]),
    ...     "status": ["paid", "paid"], "gross_amount": [600.0, 400.0],
    ...     "paid_amount": [600.0, 400.0], "refund_amount": [0.0, 0.0],
    ...     "cost_amount": [360.0, 240.0],
    ... })
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2025-11-09", "2025-11-12"]),
    ...                       "spend": [90.0, 150.0]})
    >>> costs = {"payment_fee_rate": 0.01, "commission_rate": 0.05,
    ...          "other_variable_rate": 0.0, "fulfilment_cost_per_order": 10.0}
    >>> week = period_contribution(orders, spend, costs=costs, start="2025-11-10",
    ...                            end="2025-11-17")
    >>> week[["orders", "cm1", "cm2", "ad_spend", "contribution_margin", "breakeven_roas"]]
       orders    cm1    cm2  ad_spend  contribution_margin  breakeven_roas
    0       2  400.0  320.0     150.0                170.0           3.125
    """
    known = _known_costs(costs)
    one_time_zone(orders=orders, ad_spend=ad_spend)
    summary = period_summary(orders, start=start, end=end)
    first, stop = _window_bounds(summary, end)

    def assign(stamps: pd.Series) -> pd.Series:
        days = local_naive(stamps)
        inside = (days >= first) & (days < stop)
        return pd.Series(first, index=stamps.index, dtype=PERIOD_DTYPE).where(inside)

    out = summary.merge(
        _fulfilment(orders, [], assign, known["fulfilment_cost_per_order"]),
        on="period_start",
        how="left",
    )
    spend = _spend(ad_spend, [], assign)
    if spend is not None:
        out = out.merge(spend, on="period_start", how="left")
    out = _margins(out, known, spend_known=spend is not None)
    return conform(out, CONTRIBUTION_COLUMNS)


def channel_line(row) -> float:
    """The break-even ROAS to judge channels by, from one contribution row.

    Parameters
    ----------
    row : mapping
        A row of :func:`contribution_margin` or :func:`period_contribution` (``cm2``,
        ``breakeven_roas``), e.g. ``table.iloc[0]``; an empty frame is read as unknown.

    Returns
    -------
    float
        ``breakeven_roas`` when CM2 > 0; ``inf`` when CM2 ≤ 0 (no ROAS breaks even: every
        channel with spend loses money); NaN when CM2 is unknown (costs not set). This is
        what :func:`ecanalysis.metrics.channels.flag_channels` takes as ``breakeven_roas``.

    Notes
    -----
    中文名: 渠道保本线（保本投产比）

    Examples
    --------
    >>> channel_line({"cm2": 300.0, "breakeven_roas": 3.3}), channel_line({"cm2": -5.0})
    (3.3, inf)
    >>> channel_line({"cm2": float("nan"), "breakeven_roas": float("nan")})
    nan
    """
    if isinstance(row, pd.DataFrame):
        row = row.iloc[0] if len(row) else {}
    cm2 = pd.to_numeric(pd.Series([row.get("cm2")]), errors="coerce").iloc[0]
    if pd.isna(cm2):
        return float("nan")
    if cm2 <= 0:
        return float("inf")
    return float(row.get("breakeven_roas"))


def _window_bounds(summary: pd.DataFrame, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The naive local ``[first, stop)`` of a ``period_summary`` window."""
    first = summary["period_start"].iloc[0]
    stop = pd.Timestamp(end)
    if stop.tzinfo is not None:
        stop = stop.tz_localize(None)
    return first, stop.as_unit("ns")


def _floor(freq: str):
    """The period of each timestamp for ``freq`` (how :func:`contribution_margin` dates)."""
    return lambda stamps: period_floor(stamps, freq)


def _margins(out: pd.DataFrame, known: dict[str, float | None], *, spend_known: bool):
    """The cost, margin and ratio columns of a table of sales, fulfilment and spend sums."""
    out = out.copy()
    out["fulfilment_cost"] = (
        out["fulfilment_cost"].fillna(0.0).where(out["unknown_fulfilment"].fillna(0).eq(0))
    )
    out["ad_spend"] = out["ad_spend"].fillna(0.0) if spend_known else np.nan
    for column, key in COST_COLUMN_KEYS.items():
        if key != "fulfilment_cost_per_order":
            rate = known[key]
            out[column] = out["paid_amount"] * (np.nan if rate is None else rate)
    out["cm1"] = out["gross_profit"]
    out["cm2"] = out["cm1"] - out[list(COST_COLUMN_KEYS)].sum(axis=1, skipna=False)
    out["contribution_margin"] = out["cm2"] - out["ad_spend"]
    for margin in ("cm1", "cm2", "contribution_margin"):
        out[f"{margin}_rate"] = _margin_rate(out[margin], out["net_sales"])
    out["breakeven_roas"] = ratio(out["paid_amount"], out["cm2"].where(out["cm2"] > 0))
    out["mer"] = ratio(out["paid_amount"], out["ad_spend"])
    out["ncac"] = ratio(out["ad_spend"], out["new_buyers"])
    return out


def _known_costs(costs: Mapping[str, float | None] | None) -> dict[str, float | None]:
    """Every cost key with its value, None when unknown; bad keys and values refused."""
    check_costs(costs, where="the costs= argument")
    given = dict(costs or {})
    return {key: None if given.get(key) is None else float(given[key]) for key in COST_KEYS}


def _fulfilment(orders: pd.DataFrame, keys: list[str], assign, per_order: float | None):
    """Fulfilment cost of the paid orders per group and period, with the orders costed at
    neither their ``shipping_cost`` nor the per-order cost (``unknown_fulfilment``)."""
    paid = is_paid(orders)
    cost = numeric(orders, "shipping_cost")[paid]
    if per_order is not None:
        cost = cost.fillna(per_order)
    frame = orders.loc[paid, keys].assign(
        period_start=assign(paid_time(orders)[paid]),
        fulfilment_cost=cost,
        unknown_fulfilment=cost.isna().astype("int64"),
    )
    frame = frame[frame["period_start"].notna()]  # outside a window
    grouped = frame.groupby([*keys, "period_start"], dropna=False, sort=True)
    sums = grouped[["fulfilment_cost", "unknown_fulfilment"]].sum()
    return sums.reset_index() if len(frame) else frame.iloc[:0]


def _spend(ad_spend: pd.DataFrame | None, keys: list[str], assign) -> pd.DataFrame | None:
    """Ad spend per group and period; None when unknown (no table, or a table without
    the grouping columns)."""
    if ad_spend is None:
        return None
    require(ad_spend, ["date", "spend"], "ad_spend")
    if not all(key in ad_spend.columns for key in keys):
        return None  # the spend cannot be split by these groups: unknown per group
    frame = pd.DataFrame(
        {
            **{key: ad_spend[key] for key in keys},
            "period_start": assign(ad_spend["date"]),
            "ad_spend": numeric(ad_spend, "spend"),
        }
    )
    frame = frame[frame["period_start"].notna()]  # outside a window
    grouped = frame.groupby([*keys, "period_start"], dropna=False, sort=True)
    return grouped["ad_spend"].sum().reset_index()


def _fill_quiet_periods(out: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Periods with ad spend but no order activity: no orders, no sales, no cost."""
    quiet = out["orders"].isna()
    if not quiet.any():
        return out
    out = out.copy()
    zero = {"orders": 0, "new_buyers": 0, "paid_amount": 0.0, "unknown_fulfilment": 0}
    for column, value in zero.items():
        out[column] = out[column].fillna(value)
    for column, source in (("net_sales", "refund_amount"), ("cost_amount", "cost_amount")):
        if source in orders.columns:
            out.loc[quiet, column] = 0.0
    out.loc[quiet, "gross_profit"] = out["net_sales"] - out["cost_amount"]
    return out


def _margin_rate(margin: pd.Series, net_sales: pd.Series) -> pd.Series:
    """margin / net_sales, NaN when net_sales ≤ 0 (a rate of a negative base misleads)."""
    return ratio(margin, net_sales.where(net_sales > 0))


def _identifiers(frame: pd.DataFrame, measured: Sequence[str]) -> pd.DataFrame:
    """The columns of ``frame`` that identify rows: the non-numeric ones not measured."""
    keep = [
        c
        for c in frame.columns
        if c not in measured
        and not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
    ]
    return frame[keep].reset_index(drop=True)


def _ratio_table(
    frame: pd.DataFrame,
    roles: dict[str, str],
    name: str,
    columns: dict[str, str],
    compute,
) -> pd.DataFrame:
    require(frame, list(roles.values()), "frame")
    out = _identifiers(frame, list(roles.values()))
    for canonical, column in roles.items():
        out[canonical] = pd.to_numeric(frame[column], errors="coerce").to_numpy("float64")
    out[name] = compute(*(out[canonical] for canonical in roles))
    schema = {c: out[c].dtype for c in out.columns if c not in columns} | columns
    return conform(out, schema)


def breakeven_roas(
    frame: pd.DataFrame, *, sales_col: str = "paid_amount", margin_col: str = "cm2"
) -> pd.DataFrame:
    """Break-even ROAS (保本投产比): the ROAS at which ad-driven sales just pay their spend.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with the paid amount and CM2, e.g. :func:`contribution_margin`'s output.
    sales_col, margin_col : str, default "paid_amount", "cm2"
        The columns holding the paid amount and CM2 (before ad spend).

    Returns
    -------
    pandas.DataFrame
        The identifying (non-numeric) columns of ``frame`` (``period_start``, ``channel``
        …), then ``paid_amount``, ``cm2`` and ``breakeven_roas`` (float64).

    Notes
    -----
    中文名: 保本投产比

    Formula: breakeven_roas = paid_amount / CM2, NaN when CM2 ≤ 0 (no ROAS breaks even).
    A channel whose sales S cost spend A contributes S × CM2/paid_amount − A, which is
    positive exactly when its ROAS S / A exceeds paid_amount / CM2. 口径: CM2 after COGS,
    payment fees, commission, other variable costs and fulfilment (DESIGN §5); at a 30 %
    CM2 margin break-even is 3.33, not the "ROAS 1" of a 100 % margin.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"channel": ["search", "social"],
    ...                       "paid_amount": [1000.0, 500.0], "cm2": [300.0, -20.0]})
    >>> breakeven_roas(table)
      channel  paid_amount    cm2  breakeven_roas
    0  search       1000.0  300.0        3.333333
    1  social        500.0  -20.0             NaN
    """
    return _ratio_table(
        frame,
        {"paid_amount": sales_col, "cm2": margin_col},
        "breakeven_roas",
        BREAKEVEN_COLUMNS,
        lambda sales, cm2: ratio(sales, cm2.where(cm2 > 0)),
    )


def mer(
    frame: pd.DataFrame, *, sales_col: str = "paid_amount", spend_col: str = "ad_spend"
) -> pd.DataFrame:
    """Marketing efficiency ratio (全店投产比 MER): the store's sales per unit of ad spend.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with the paid amount and the ad spend, e.g. :func:`contribution_margin`'s
        output (or a channel table with ``spend_col="spend"``).
    sales_col, spend_col : str, default "paid_amount", "ad_spend"
        The columns holding the paid amount and the ad spend.

    Returns
    -------
    pandas.DataFrame
        The identifying (non-numeric) columns of ``frame``, then ``paid_amount``,
        ``ad_spend`` and ``mer`` (float64).

    Notes
    -----
    中文名: 全店投产比 MER

    Formula: MER = paid_amount / ad_spend (blended ROAS: every paid order of the store,
    organic included, over all ad spend), NaN without spend. 口径: paid basis (DESIGN §5);
    compare it with :func:`breakeven_roas`: MER below break-even means the store as a whole
    loses money after marketing.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"period_start": pd.to_datetime(["2025-11-01", "2025-12-01"]),
    ...                       "paid_amount": [9000.0, 4000.0], "ad_spend": [2000.0, 0.0]})
    >>> mer(table)
      period_start  paid_amount  ad_spend  mer
    0   2025-11-01       9000.0    2000.0  4.5
    1   2025-12-01       4000.0       0.0  NaN
    """
    return _ratio_table(
        frame,
        {"paid_amount": sales_col, "ad_spend": spend_col},
        "mer",
        MER_COLUMNS,
        ratio,
    )


def ncac(
    frame: pd.DataFrame, *, spend_col: str = "ad_spend", new_buyers_col: str = "new_buyers"
) -> pd.DataFrame:
    """New-customer acquisition cost (新客获客成本 nCAC): ad spend per new buyer.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ad spend and new buyers, e.g. :func:`contribution_margin`'s output, or
        :func:`ecanalysis.metrics.channels.channel_performance` with ``spend_col="spend"``.
    spend_col, new_buyers_col : str, default "ad_spend", "new_buyers"
        The columns holding the ad spend and the new buyers.

    Returns
    -------
    pandas.DataFrame
        The identifying (non-numeric) columns of ``frame``, then ``ad_spend``,
        ``new_buyers`` and ``ncac`` (float64).

    Notes
    -----
    中文名: 新客获客成本

    Formula: nCAC = ad_spend / new_buyers, NaN without new buyers. 口径: new buyers are
    buyers whose first paid order in the frame falls in the period (DESIGN §5); all ad
    spend is charged to them (a blended figure, unlike CPA = spend / paid orders).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"channel": ["search", "email"],
    ...                       "spend": [900.0, 0.0], "new_buyers": [30, 0]})
    >>> ncac(table, spend_col="spend")
      channel  ad_spend  new_buyers  ncac
    0  search     900.0        30.0  30.0
    1   email       0.0         0.0   NaN
    """
    return _ratio_table(
        frame,
        {"ad_spend": spend_col, "new_buyers": new_buyers_col},
        "ncac",
        NCAC_COLUMNS,
        ratio,
    )


def order_category(order_items: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """The main product category of each order: the category of its largest line.

    Parameters
    ----------
    order_items : pandas.DataFrame
        The ``order_items`` table (``order_id``, ``line_no``, ``sku``, ``quantity``,
        ``unit_price``).
    products : pandas.DataFrame
        The ``products`` table (``sku``, ``category``; ``store_id`` is not needed since
        SKUs are matched by value).

    Returns
    -------
    pandas.DataFrame
        One row per order of ``order_items``, sorted by ``order_id``: ``order_id`` (str)
        and ``category`` (str; ``(none)`` when the SKU has no category).

    Notes
    -----
    中文名: 订单主类目

    The category of the line with the largest list value (quantity × unit_price); ties go
    to the lowest ``line_no``. Merge it onto the orders (``on="order_id"``) to split
    :func:`cohort_value` by the first order's category (``by="category"``).

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"order_id": ["A", "A", "B"], "line_no": [1, 2, 1],
    ...                       "sku": ["s1", "s2", "s2"], "quantity": [1, 3, 1],
    ...                       "unit_price": [50.0, 20.0, 20.0]})
    >>> products = pd.DataFrame({"sku": ["s1", "s2"], "category": ["sofa", "lamp"]})
    >>> order_category(items, products)
      order_id category
    0        A     lamp
    1        B     lamp
    """
    require(order_items, ["order_id", "line_no", "sku", "quantity", "unit_price"], "order_items")
    require(products, ["sku", "category"], "products")
    lookup = products.drop_duplicates("sku").set_index(products["sku"].astype("str"))["category"]
    lines = pd.DataFrame(
        {
            "order_id": order_items["order_id"].astype("str"),
            "line_no": pd.to_numeric(order_items["line_no"], errors="coerce"),
            "value": numeric(order_items, "quantity") * numeric(order_items, "unit_price"),
            "category": order_items["sku"].astype("str").map(lookup),
        }
    )
    lines = lines.sort_values(["order_id", "value", "line_no"], ascending=[True, False, True])
    first = lines.drop_duplicates("order_id")
    first = first.assign(category=first["category"].astype("str").fillna(NO_GROUP))
    return conform(first, ORDER_CATEGORY_COLUMNS)


def cohort_value(
    orders: pd.DataFrame,
    *,
    freq: str = "MS",
    value: str = "net_sales",
    by: str | None = None,
    ad_spend: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cumulative value per customer of each cohort by age, its CAC and payback age.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` table (``customer_id``, ``ordered_at``, ``status``,
        ``paid_amount``; optional ``paid_at``, ``refund_amount``, ``cost_amount`` and the
        ``by`` column), the store's history up to the end of the report.
    freq : {"MS", "W", "D", "QS", "YS"}, default "MS"
        Cohort and age period.
    value : {"net_sales", "gross_profit"}, default "net_sales"
        What accumulates: paid_amount − refund_amount, or that − cost_amount.
    by : str, optional
        A column of ``orders`` read on each customer's first paid order: ``channel``
        (first channel), ``campaign_id`` (first campaign), or ``category`` after merging
        :func:`order_category` onto the orders (first product category).
    ad_spend : pandas.DataFrame, optional
        The ``ad_spend`` table (``date``, ``spend``), for the CAC; with ``by``, used only
        when it has the ``by`` column (``channel``, ``campaign_id``).

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` group, ``cohort``, ``age``) observed, sorted by them:

        - the ``by`` column (str), when given.
        - ``cohort`` (datetime64[ns]), ``age`` (int64), ``cohort_size`` (int64): as in
          :func:`ecanalysis.metrics.customers.cohort_retention`.
        - ``value`` (float64): the value of the cohort's paid orders in period cohort + age.
        - ``cumulative_value`` (float64): the sum of ``value`` over ages 0 … age.
        - ``cumulative_value_per_customer`` (float64): cumulative_value / cohort_size.
        - ``ad_spend`` (float64): ad spend on the local dates of the cohort period (of the
          group's channel or campaign with ``by``: 0 for a group with no spend rows, such
          as organic channels); NaN without ``ad_spend`` or when it lacks the ``by`` column.
        - ``cac`` (float64): ad_spend / cohort_size.
        - ``payback_age`` (float64): the first age at which cumulative_value_per_customer ≥
          cac, the same on every row of the cohort; NaN when not reached in the observed
          ages or without a CAC.

    Notes
    -----
    中文名: 同期群累计价值与回本周期

    口径: paid orders (DESIGN §5) of known customers, dated by ``paid_at``; the cohort is
    the period of a customer's first paid order in the frame, the group is the ``by``
    value of that order (``(none)`` when empty). Refunds are deducted from their order
    (order-date basis, as in every cohort view, DESIGN §2); ``gross_profit`` needs the
    order's ``cost_amount``: a cell with an order without one is NaN, and so is every
    later cumulative cell (unknown, not 0). Censoring as ``cohort_retention``: ages past
    the period of the latest ``ordered_at``/``paid_at`` of the frame are absent; observed
    ages without orders have value 0. CAC = the period's ad spend / the customers it
    acquired (all new buyers of the period, or of the channel / campaign), a blended
    acquisition cost; payback is reached at the first age whose cumulative value per
    customer covers it.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "b", "a"],
    ...     "ordered_at": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03"]),
    ...     "status": "paid", "paid_amount": [30.0, 50.0, 60.0],
    ... })
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2025-01-02"]), "spend": [100.0]})
    >>> cohort_value(orders, ad_spend=spend)[
    ...     ["cohort", "age", "cumulative_value_per_customer", "cac", "payback_age"]]
          cohort  age  cumulative_value_per_customer   cac  payback_age
    0 2025-01-01    0                           40.0  50.0          1.0
    1 2025-01-01    1                           70.0  50.0          1.0
    """
    freq = check_freq(freq)
    if value not in COHORT_VALUES:
        raise ParameterError(f"cohort_value: value={value!r} must be one of {COHORT_VALUES}")
    one_time_zone(orders=orders, ad_spend=ad_spend)
    groups = [by] if by is not None else []
    if by is not None:
        require(orders, [by], "orders")
    schema = {key: "str" for key in groups} | COHORT_VALUE_COLUMNS
    purchases = _purchases(orders.assign(_value=_order_value(orders, value)), "_value", groups)
    if purchases.empty:
        return conform(pd.DataFrame(), schema)
    purchases["period"] = period_floor(purchases["paid_time"], freq)
    first = purchases.sort_values("paid_time", kind="stable").drop_duplicates("customer_id")
    first = first.set_index("customer_id")
    for key in groups:
        first[key] = first[key].fillna(NO_GROUP)
        purchases[key] = purchases["customer_id"].map(first[key])
    purchases["cohort"] = purchases["customer_id"].map(first["period"])
    purchases["age"] = _periods_between(purchases["cohort"], purchases["period"], freq)
    cell_keys = [*groups, "cohort", "age"]
    grouped = purchases.assign(unknown=purchases["value"].isna()).groupby(cell_keys)
    cells = grouped.agg(value=("value", "sum"), unknown=("unknown", "any")).reset_index()
    sizes = first.groupby([*groups, "period"]).size().rename("cohort_size")
    sizes.index = sizes.index.set_names([*groups, "cohort"])
    out = _grid(sizes.reset_index(), orders, freq).merge(cells, on=cell_keys, how="left")
    out["value"] = out["value"].fillna(0.0).mask(out["unknown"].fillna(False).astype(bool))
    out = out.sort_values([*groups, "cohort", "age"], kind="stable").reset_index(drop=True)
    cohort_keys = [*groups, "cohort"]
    out["cumulative_value"] = out.groupby(cohort_keys)["value"].transform(
        lambda values: values.cumsum(skipna=False)
    )
    out["cumulative_value_per_customer"] = ratio(out["cumulative_value"], out["cohort_size"])
    spend = _cohort_spend(ad_spend, by, freq)
    if spend is None:
        out["ad_spend"] = np.nan
    else:
        out = out.merge(spend, on=cohort_keys, how="left")
        out["ad_spend"] = out["ad_spend"].fillna(0.0)
    out["cac"] = ratio(out["ad_spend"], out["cohort_size"])
    out["payback_age"] = _payback(out, cohort_keys)
    return conform(out, schema)


def _order_value(orders: pd.DataFrame, value: str) -> pd.Series:
    """Each order's net sales (paid − refund) or gross profit (that − cost_amount)."""
    net = numeric(orders, "paid_amount") - numeric(orders, "refund_amount").fillna(0.0)
    return net if value == "net_sales" else net - numeric(orders, "cost_amount")


def _grid(sizes: pd.DataFrame, orders: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Every observed (cohort, age): ages 0 … up to the period of the data's last stamp."""
    last = period_floor(pd.Series([_last_stamp(orders)]), freq).iloc[0]
    ages = _periods_between(sizes["cohort"], pd.Series(last, index=sizes.index), freq)
    grid = sizes.loc[sizes.index.repeat(ages.to_numpy() + 1)].reset_index(drop=True)
    grid["age"] = np.concatenate([np.arange(n + 1) for n in ages]).astype("int64")
    return grid


def _cohort_spend(ad_spend: pd.DataFrame | None, by: str | None, freq: str) -> pd.DataFrame | None:
    """Ad spend per cohort period (and ``by`` group); None when it cannot be known (no
    table, or a table without the ``by`` column)."""
    keys = [by] if by is not None else []
    if ad_spend is None or (by is not None and by not in ad_spend.columns):
        return None
    require(ad_spend, ["date", "spend"], "ad_spend")
    frame = pd.DataFrame(
        {
            **{key: ad_spend[key].astype("str") for key in keys},
            "cohort": period_floor(ad_spend["date"], freq),
            "ad_spend": numeric(ad_spend, "spend"),
        }
    )
    return frame.groupby([*keys, "cohort"], sort=True)["ad_spend"].sum().reset_index()


def _payback(out: pd.DataFrame, cohort_keys: list[str]) -> pd.Series:
    """First age with cumulative value per customer ≥ CAC, broadcast over the cohort."""
    reached = out["age"].astype("float64").where(out["cumulative_value_per_customer"] >= out["cac"])
    return reached.groupby([out[k] for k in cohort_keys]).transform("min")


def campaign_payback(
    orders: pd.DataFrame,
    *,
    start,
    end,
    spend: float,
    freq: str = "MS",
    value: str = "net_sales",
) -> pd.DataFrame:
    """Cumulative value per new buyer of a campaign by age, its CAC and payback age.

    Parameters
    ----------
    orders : pandas.DataFrame
        The store's ``orders`` with history (first orders are judged on the whole frame)
        and the days after the campaign (``customer_id``, ``ordered_at``, ``status``,
        ``paid_amount``; optional ``paid_at``, ``refund_amount``, ``cost_amount``).
    start, end : date-like
        The campaign's first and last local day (inclusive).
    spend : float
        The campaign's spend (``campaign_summary``'s ``spend``); NaN when unknown.
    freq : {"MS", "W", "D", "QS", "YS"}, default "MS"
        Age period; age 0 is the period of ``start``.
    value : {"net_sales", "gross_profit"}, default "net_sales"
        What accumulates, as in :func:`cohort_value`.

    Returns
    -------
    pandas.DataFrame
        One row per observed age (0 … the period of the data's last stamp):

        - ``age`` (int64); ``new_buyers`` (int64): customers whose first paid order in the
          frame was paid on a campaign day (the same on every row).
        - ``value`` (float64): value of their paid orders in period start + age.
        - ``cumulative_value``, ``cumulative_value_per_customer`` (float64).
        - ``spend`` (float64), ``cac`` (float64): spend / new_buyers.
        - ``payback_age`` (float64): first age with cumulative value per customer ≥ CAC,
          the same on every row; NaN when not reached yet or without a CAC.

    Notes
    -----
    中文名: 活动新客回本周期

    :func:`cohort_value` restricted to the buyers whose first paid order fell in the
    campaign, as one cohort: CAC = campaign spend / those new buyers (all of the
    campaign's spend charged to them, a conservative figure), censoring as
    ``cohort_value`` (ages after the data are absent; an observed age without orders is 0).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["old", "a", "b", "a", "old"],
    ...     "ordered_at": pd.to_datetime(["2025-10-02", "2025-11-11", "2025-11-11",
    ...                                   "2025-12-05", "2025-11-11"]),
    ...     "status": "paid", "paid_amount": [99.0, 40.0, 20.0, 60.0, 80.0],
    ... })
    >>> campaign_payback(orders, start="2025-11-11", end="2025-11-11", spend=100.0)[
    ...     ["age", "new_buyers", "cumulative_value_per_customer", "cac", "payback_age"]]
       age  new_buyers  cumulative_value_per_customer   cac  payback_age
    0    0           2                           30.0  50.0          1.0
    1    1           2                           60.0  50.0          1.0
    """
    freq = check_freq(freq)
    if value not in COHORT_VALUES:
        raise ParameterError(f"campaign_payback: value={value!r} must be one of {COHORT_VALUES}")
    first_day = pd.Timestamp(start).normalize()
    last_day = pd.Timestamp(end).normalize()
    purchases = _purchases(orders.assign(_value=_order_value(orders, value)), "_value")
    if purchases.empty:
        return conform(pd.DataFrame(), CAMPAIGN_PAYBACK_COLUMNS)
    first = purchases.groupby("customer_id")["paid_time"].min().dt.normalize()
    buyers = first[(first >= first_day) & (first <= last_day)].index
    cohort = purchases[purchases["customer_id"].isin(buyers)]
    origin = period_floor(pd.Series([first_day]), freq).iloc[0]
    last = period_floor(pd.Series([_last_stamp(orders)]), freq).iloc[0]
    span = int(_periods_between(pd.Series([origin]), pd.Series([last]), freq).iloc[0])
    ages = _periods_between(
        pd.Series(origin, index=cohort.index), period_floor(cohort["paid_time"], freq), freq
    )
    cells = cohort.assign(age=ages, unknown=cohort["value"].isna()).groupby("age")
    sums = cells.agg(value=("value", "sum"), unknown=("unknown", "any"))
    out = pd.DataFrame({"age": np.arange(max(span, 0) + 1, dtype="int64")})
    out = out.merge(sums.reset_index(), on="age", how="left")
    out["value"] = out["value"].fillna(0.0).mask(out["unknown"].fillna(False).astype(bool))
    out["new_buyers"] = len(buyers)
    out["cumulative_value"] = out["value"].cumsum(skipna=False)
    out["cumulative_value_per_customer"] = ratio(out["cumulative_value"], out["new_buyers"])
    out["spend"] = float(spend) if spend is not None else np.nan
    out["cac"] = ratio(out["spend"], out["new_buyers"])
    reached = out["age"].astype("float64").where(out["cumulative_value_per_customer"] >= out["cac"])
    out["payback_age"] = reached.min()
    return conform(out, CAMPAIGN_PAYBACK_COLUMNS)


def cohort_payback(values: pd.DataFrame) -> pd.DataFrame:
    """One row per cohort of a :func:`cohort_value` table: its CAC, value so far and payback.

    Parameters
    ----------
    values : pandas.DataFrame
        :func:`cohort_value` output (with or without its ``by`` column).

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` group, ``cohort``), sorted by them: the ``by`` column (str)
        when present, ``cohort``, ``cohort_size``, ``ad_spend``, ``cac``, ``age`` (the
        latest observed age), ``cumulative_value_per_customer`` (at that age) and
        ``payback_age`` (NaN: not paid back yet, or no CAC).

    Notes
    -----
    中文名: 同期群回本表

    The last observed row of each cohort of ``cohort_value``: nothing is computed again.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({
    ...     "cohort": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01"]),
    ...     "age": [0, 1, 0], "cohort_size": [2, 2, 1], "value": [80.0, 60.0, 10.0],
    ...     "cumulative_value": [80.0, 140.0, 10.0],
    ...     "cumulative_value_per_customer": [40.0, 70.0, 10.0],
    ...     "ad_spend": [100.0, 100.0, 30.0], "cac": [50.0, 50.0, 30.0],
    ...     "payback_age": [1.0, 1.0, float("nan")]})
    >>> cohort_payback(values)[["cohort", "cac", "age", "cumulative_value_per_customer",
    ...                         "payback_age"]]
          cohort   cac  age  cumulative_value_per_customer  payback_age
    0 2025-01-01  50.0    1                           70.0          1.0
    1 2025-02-01  30.0    0                           10.0          NaN
    """
    require(values, list(COHORT_PAYBACK_COLUMNS), "values")
    groups = [c for c in values.columns if c not in COHORT_VALUE_COLUMNS]
    latest = values.sort_values([*groups, "cohort", "age"], kind="stable")
    latest = latest.drop_duplicates([*groups, "cohort"], keep="last")
    schema = {key: "str" for key in groups} | COHORT_PAYBACK_COLUMNS
    return conform(latest[list(schema)].reset_index(drop=True), schema)
