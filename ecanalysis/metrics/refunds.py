"""After-sales (售后): refund rate by reason, SKU, kind and channel; refund times; campaigns.

The ``refunds`` table (DESIGN §2) has one row per refund: ``order_id``, ``amount``,
``refunded_at`` (when the money went back) and optionally ``requested_at``, ``sku``,
``quantity``, ``reason`` and ``kind`` (``refund_only`` 仅退款, ``return_refund`` 退货退款).
Where it is absent (``refunds=None``) each paid order with a ``refund_amount`` is one refund,
dated by ``refunded_at`` (else ``paid_at``) and without reason or kind. Missing reasons,
kinds and SKUs are an explicit ``(未填写)`` bucket, never dropped: a refund rate that
leaves out the refunds nobody explained would look better than it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    as_day,
    as_timestamp,
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
    refund_time,
    require,
)

#: The bucket of refunds whose reason, kind or sku was not given (or whose order is unknown).
NOT_GIVEN = "(未填写)"
#: Columns of ``refunds`` a summary can be grouped by, and ``channel`` of their orders.
REFUND_KEYS = ("reason", "sku", "kind", "channel")
REFUND_COLUMNS = ("order_id", "amount", "refunded_at")

SUMMARY_COLUMNS = {
    "period_start": PERIOD_DTYPE,
    "refunds": "int64",
    "refunded_orders": "int64",
    "refund_amount": "float64",
    "orders": "int64",
    "paid_amount": "float64",
    "refund_rate": "float64",
    "order_refund_rate": "float64",
    "median_days_to_refund": "float64",
}
TIMING_COLUMNS = {
    "refunds": "int64",
    "timed_refunds": "int64",
    "median_days_to_refund": "float64",
    "p90_days_to_refund": "float64",
}
CAMPAIGN_REFUND_COLUMNS = {
    "campaign_id": "str",
    "name": "str",
    "start": PERIOD_DTYPE,
    "end": PERIOD_DTYPE,
    "orders": "int64",
    "paid_amount": "float64",
    "refunded_orders": "int64",
    "refund_amount": "float64",
    "refund_rate": "float64",
    "order_refund_rate": "float64",
    "days_since_end": "int64",
    "mature": "bool",
}


def _refund_rows(refunds: pd.DataFrame | None, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per refund: ``order_id``, ``amount``, ``refunded_at``, ``days_to_refund``
    (requested → refunded, in days) and the :data:`REFUND_KEYS` (missing → :data:`NOT_GIVEN`)."""
    if refunds is None:
        amounts = numeric(orders, "refund_amount")
        refunded = is_paid(orders) & (amounts > 0)
        rows = pd.DataFrame(
            {
                "order_id": orders.loc[refunded, "order_id"].astype("str"),
                "amount": amounts[refunded],
                "refunded_at": refund_time(orders[refunded]) if refunded.any() else pd.NaT,
                "days_to_refund": np.nan,
            }
        )
    else:
        require(refunds, REFUND_COLUMNS, "refunds")
        refunded_at = local_naive(refunds["refunded_at"])
        requested = (
            local_naive(refunds["requested_at"])
            if "requested_at" in refunds.columns
            else pd.Series(pd.NaT, index=refunds.index, dtype=PERIOD_DTYPE)
        )
        rows = pd.DataFrame(
            {
                "order_id": refunds["order_id"].astype("str"),
                "amount": numeric(refunds, "amount"),
                "refunded_at": refunded_at,
                "days_to_refund": (refunded_at - requested) / pd.Timedelta(days=1),
            }
        )
        for key in ("reason", "sku", "kind"):
            if key in refunds.columns:
                rows[key] = refunds[key]
    rows = rows.reset_index(drop=True).astype({"refunded_at": PERIOD_DTYPE})
    channels = _order_channels(orders)
    rows["channel"] = channels.reindex(rows["order_id"]).to_numpy()
    for key in REFUND_KEYS:
        values = rows[key] if key in rows.columns else pd.Series(None, index=rows.index)
        text = values.astype("str").str.strip()
        rows[key] = text.where(values.notna() & (text != ""), NOT_GIVEN).astype("str")
    return rows


def _order_channels(orders: pd.DataFrame) -> pd.Series:
    """``channel`` of each order id (missing when the orders have no channel)."""
    ids = orders["order_id"].astype("str")
    values = orders["channel"] if "channel" in orders.columns else pd.Series(None, index=ids.index)
    channels = pd.Series(values.to_numpy(), index=ids.to_numpy(), dtype="str")
    return channels[~channels.index.duplicated(keep="last")]


def _check_keys(keys: list[str]) -> None:
    unknown = [key for key in keys if key not in REFUND_KEYS]
    if unknown:
        raise ParameterError(f"by={unknown!r}: refunds can be grouped by {', '.join(REFUND_KEYS)}")


def refund_summary(
    refunds: pd.DataFrame | None,
    orders: pd.DataFrame,
    *,
    freq: str = "MS",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Refunds against paid sales by period: amount, orders, rates and days to refund.

    Parameters
    ----------
    refunds : pandas.DataFrame or None
        The ``refunds`` table (``order_id``, ``amount``, ``refunded_at``; ``requested_at``,
        ``sku``, ``reason``, ``kind`` optional); ``None`` reads ``orders.refund_amount``.
    orders : pandas.DataFrame
        The orders of the same periods (``order_id``, ``ordered_at``, ``status``,
        ``paid_amount``; ``paid_at``, ``channel`` optional): the denominators, and each
        refund's channel.
    freq : {"D", "W", "MS", "QS", "YS"}, default "MS"
        Period of each row.
    by : str or list of str, optional
        ``reason``, ``sku``, ``kind`` and/or ``channel``.

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` groups, ``period_start``) with a refund or, without ``by``, a
        paid order; sorted by them:

        - the ``by`` columns (str): ``(未填写)`` where not given.
        - ``period_start`` (datetime64[ns]): local start of the period.
        - ``refunds`` (int64): refunds dated in the period (by ``refunded_at``).
        - ``refunded_orders`` (int64): distinct orders of those refunds.
        - ``refund_amount`` (float64): Σ amount of those refunds.
        - ``orders`` (int64): paid orders of the period (by ``paid_at``).
        - ``paid_amount`` (float64): their Σ paid_amount.
        - ``refund_rate`` (float64): refund_amount / paid_amount (退款率).
        - ``order_refund_rate`` (float64): refunded_orders / orders (退款订单率).
        - ``median_days_to_refund`` (float64): median days from ``requested_at`` to
          ``refunded_at`` (NaN without request times).

    Notes
    -----
    中文名: 退款分析 (退款率, 退款原因分布)

    DESIGN §5. Periodic 口径 (DESIGN §2): refunds are dated by ``refunded_at``, sales by
    ``paid_at``, each in its own period, as 生意参谋's 退款率 (退款金额 / 支付金额). The
    denominators are the period's paid orders (DESIGN §5) of the group where the orders
    carry it (``channel``); by ``reason``, ``sku`` or ``kind`` they are the whole period's,
    so each group's rate is its share of the sales refunded and the groups' rates add up
    to the store's. Refunds without a reason, kind or sku are the ``(未填写)`` bucket; a
    refund of an order absent from ``orders`` has channel ``(未填写)``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2", "o3", "o4"], "status": "paid",
    ...     "ordered_at": pd.to_datetime(["2025-11-01", "2025-11-02", "2025-11-03", "2025-11-04"]),
    ...     "paid_amount": 100.0})
    >>> refunds = pd.DataFrame({"refund_id": ["r1", "r2"], "order_id": ["o1", "o2"],
    ...     "amount": [100.0, 20.0], "reason": ["尺码不合适", None],
    ...     "refunded_at": pd.to_datetime(["2025-11-06", "2025-11-09"]),
    ...     "requested_at": pd.to_datetime(["2025-11-04", "2025-11-08"])})
    >>> out = refund_summary(refunds, orders, by="reason")
    >>> out[["reason", "refund_amount", "paid_amount", "refund_rate", "median_days_to_refund"]]
      reason  refund_amount  paid_amount  refund_rate  median_days_to_refund
    0  (未填写)           20.0        400.0         0.05                    1.0
    1  尺码不合适          100.0        400.0         0.25                    2.0
    """
    one_time_zone(refunds=refunds, orders=orders)
    freq = check_freq(freq)
    keys = group_keys(by)
    _check_keys(keys)
    require(orders, ["order_id", "ordered_at", "status", "paid_amount"], "orders")
    rows = _refund_rows(refunds, orders)
    rows["period_start"] = period_floor(rows["refunded_at"], freq)
    refunded = (
        rows.groupby([*keys, "period_start"], dropna=False)
        .agg(
            refunds=("order_id", "size"),
            refunded_orders=("order_id", "nunique"),
            refund_amount=("amount", "sum"),
            median_days_to_refund=("days_to_refund", "median"),
        )
        .reset_index()
    )
    sales_keys = [key for key in keys if key == "channel"]
    sales = _paid_sales(orders, freq, sales_keys)
    how = "left" if len(sales_keys) < len(keys) else "outer"
    out = refunded.merge(sales, on=[*sales_keys, "period_start"], how=how)
    for column in ("refunds", "refunded_orders", "refund_amount", "orders", "paid_amount"):
        out[column] = out[column].fillna(0)
    out["refund_rate"] = ratio(out["refund_amount"], out["paid_amount"])
    out["order_refund_rate"] = ratio(out["refunded_orders"], out["orders"])
    out = out.sort_values([*keys, "period_start"], kind="stable")
    return conform(out, {**dict.fromkeys(keys, "str"), **SUMMARY_COLUMNS})


def _paid_sales(orders: pd.DataFrame, freq: str, keys: list[str]) -> pd.DataFrame:
    """Paid orders and paid_amount by ``keys`` and period (by ``paid_at``)."""
    paid = orders[is_paid(orders)].drop_duplicates("order_id")
    frame = pd.DataFrame(
        {
            "period_start": period_floor(paid_time(paid), freq),
            "paid_amount": numeric(paid, "paid_amount"),
        }
    )
    if keys:
        frame["channel"] = _order_channels(paid).reindex(paid["order_id"].astype("str")).to_numpy()
        frame["channel"] = frame["channel"].fillna(NOT_GIVEN).astype("str")
    return (
        frame.groupby([*keys, "period_start"])
        .agg(orders=("paid_amount", "size"), paid_amount=("paid_amount", "sum"))
        .reset_index()
    )


def refund_timing(
    refunds: pd.DataFrame, *, by: str | Sequence[str] | None = "kind"
) -> pd.DataFrame:
    """Days from refund request to refund, median and 90th percentile, by kind.

    Parameters
    ----------
    refunds : pandas.DataFrame
        The ``refunds`` table (``order_id``, ``amount``, ``refunded_at``; ``requested_at``,
        ``kind``, ``reason``, ``sku`` optional).
    by : str or list of str or None, default "kind"
        ``kind``, ``reason`` and/or ``sku`` (``None``: one row for all refunds).

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted), or one row without ``by``:

        - the ``by`` columns (str): ``(未填写)`` where not given.
        - ``refunds`` (int64): refunds in the group.
        - ``timed_refunds`` (int64): those with both ``requested_at`` and ``refunded_at``.
        - ``median_days_to_refund`` (float64): median of refunded_at − requested_at, days.
        - ``p90_days_to_refund`` (float64): its 90th percentile (linear interpolation).

    Notes
    -----
    中文名: 退款时长 (申请到退款完成)

    Time from the buyer's request to the money going back (退款完结时长), the figure
    platforms score stores on. 仅退款 is usually fast; 退货退款 waits for the parcel to
    come back, so the kinds are shown apart. Refunds without a request time count in
    ``refunds`` but not in the times.

    Examples
    --------
    >>> import pandas as pd
    >>> refunds = pd.DataFrame({"order_id": ["o1", "o2", "o3"], "amount": 10.0,
    ...     "kind": ["refund_only", "return_refund", "return_refund"],
    ...     "requested_at": pd.to_datetime(["2025-11-01", "2025-11-01", "2025-11-02"]),
    ...     "refunded_at": pd.to_datetime(["2025-11-01 12:00", "2025-11-05 00:00", "2025-11-08 00:00"])})
    >>> refund_timing(refunds)[["kind", "refunds", "median_days_to_refund", "p90_days_to_refund"]]
                kind  refunds  median_days_to_refund  p90_days_to_refund
    0    refund_only        1                    0.5                 0.5
    1  return_refund        2                    5.0                 5.8
    """
    one_time_zone(refunds=refunds)
    keys = group_keys(by)
    _check_keys(keys)
    empty_orders = pd.DataFrame({"order_id": pd.Series(dtype="str")})
    rows = _refund_rows(refunds, empty_orders)
    days = rows["days_to_refund"]
    grouped = days.groupby([rows[key] for key in keys]) if keys else days.groupby(lambda _: 0)
    out = pd.DataFrame(
        {
            "refunds": grouped.size(),
            "timed_refunds": grouped.count(),
            "median_days_to_refund": grouped.median(),
            "p90_days_to_refund": grouped.quantile(0.9),
        }
    )
    out = out.reset_index() if keys else out.reset_index(drop=True)
    if not keys and out.empty:
        out = pd.DataFrame({"refunds": [0], "timed_refunds": [0]})
    return conform(out, {**dict.fromkeys(keys, "str"), **TIMING_COLUMNS})


def campaign_refund_rate(
    refunds: pd.DataFrame | None,
    orders: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    as_of,
    maturity_days: int = 30,
) -> pd.DataFrame:
    """Refund rate of each campaign's orders, counting their refunds up to ``as_of``.

    Parameters
    ----------
    refunds : pandas.DataFrame or None
        The ``refunds`` table; ``None`` reads ``orders.refund_amount``.
    orders : pandas.DataFrame
        Orders covering the campaigns (``order_id``, ``ordered_at``, ``status``,
        ``paid_amount``; ``paid_at`` optional).
    campaigns : pandas.DataFrame
        The ``campaigns`` table (``campaign_id``, ``name``, ``start``, ``end``, inclusive
        local dates).
    as_of : str or pandas.Timestamp
        Refunds before this moment count (e.g. the midnight after the report's last day).
    maturity_days : int, default 30
        Days after the campaign's end after which its refund rate is taken as final
        (returns and after-sales windows closed: 7-day no-reason returns, delivery, a
        margin); younger campaigns are ``mature`` False and their rate will still rise.

    Returns
    -------
    pandas.DataFrame
        One row per campaign, by start then id:

        - ``campaign_id``, ``name`` (str); ``start``, ``end`` (datetime64[ns]).
        - ``orders`` (int64), ``paid_amount`` (float64): paid orders paid on a campaign day.
        - ``refunded_orders`` (int64), ``refund_amount`` (float64): those orders' refunds
          with a refund time before ``as_of``.
        - ``refund_rate`` (float64): refund_amount / paid_amount.
        - ``order_refund_rate`` (float64): refunded_orders / orders.
        - ``days_since_end`` (int64): whole days from the day after ``end`` to ``as_of``'s
          date (negative while the campaign runs).
        - ``mature`` (bool): days_since_end ≥ maturity_days.

    Notes
    -----
    中文名: 活动退款率 (成熟期)

    Campaign 口径 (DESIGN §2, §5): refunds count against the order they refund, by order
    date, however late they come; orders belong to a campaign when they were paid on one
    of its days (as in ``campaigns.campaign_results``). 大促 orders are refunded more and
    later than usual (预售, 凑单 then refund), so the rate read a week after 双11 is not
    the rate: compare campaigns only when both are ``mature``.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "status": "paid",
    ...     "ordered_at": pd.to_datetime(["2025-11-11 10:00", "2025-11-11 11:00"]),
    ...     "paid_amount": [100.0, 300.0]})
    >>> refunds = pd.DataFrame({"order_id": ["o1", "o2"], "amount": [100.0, 50.0],
    ...     "refunded_at": pd.to_datetime(["2025-11-20", "2026-01-05"])})
    >>> campaigns = pd.DataFrame({"campaign_id": ["d11"], "name": ["双11"],
    ...     "start": pd.to_datetime(["2025-11-01"]), "end": pd.to_datetime(["2025-11-11"])})
    >>> out = campaign_refund_rate(refunds, orders, campaigns, as_of="2025-12-01")
    >>> out[["campaign_id", "orders", "refunded_orders", "refund_rate", "days_since_end", "mature"]]
      campaign_id  orders  refunded_orders  refund_rate  days_since_end  mature
    0         d11       2                1         0.25              19   False
    """
    one_time_zone(refunds=refunds, orders=orders, campaigns=campaigns)
    require(orders, ["order_id", "ordered_at", "status", "paid_amount"], "orders")
    require(campaigns, ["campaign_id", "name", "start", "end"], "campaigns")
    cutoff = as_timestamp(as_of, "as_of")
    if int(maturity_days) < 0:
        raise ParameterError(f"maturity_days={maturity_days!r}; give a whole number ≥ 0")
    paid = orders[is_paid(orders)].drop_duplicates("order_id")
    days = paid_time(paid).dt.normalize()
    rows = _refund_rows(refunds, orders)
    rows = rows[rows["refunded_at"] < cutoff]
    refunded = rows.groupby("order_id")["amount"].sum()
    ids = paid["order_id"].astype("str")
    refund_of_order = refunded.reindex(ids.to_numpy()).to_numpy()
    results = []
    for campaign in campaigns.itertuples(index=False):
        start, end = as_day(campaign.start, "start"), as_day(campaign.end, "end")
        inside = ((days >= start) & (days <= end)).to_numpy()
        amounts = refund_of_order[inside]
        results.append(
            {
                "campaign_id": campaign.campaign_id,
                "name": campaign.name,
                "start": start,
                "end": end,
                "orders": int(inside.sum()),
                "paid_amount": float(numeric(paid, "paid_amount")[inside].sum()),
                "refunded_orders": int((amounts > 0).sum()),
                "refund_amount": float(np.nansum(amounts)),
                "days_since_end": (cutoff.normalize() - end).days - 1,
            }
        )
    out = pd.DataFrame(results, columns=list(CAMPAIGN_REFUND_COLUMNS))
    out["refund_rate"] = ratio(out["refund_amount"], out["paid_amount"])
    out["order_refund_rate"] = ratio(out["refunded_orders"], out["orders"])
    out["mature"] = out["days_since_end"] >= int(maturity_days)
    out = out.sort_values(["start", "campaign_id"], kind="stable")
    return conform(out, CAMPAIGN_REFUND_COLUMNS)
