"""Channels (渠道): traffic, ad spend and sales per channel; channels to cut or grow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.metrics._common import (
    as_timestamp,
    conform,
    is_paid,
    local_naive,
    numeric,
    one_time_zone,
    paid_time,
    ratio,
    require,
)
from ecanalysis.params import DEFAULT_THRESHOLDS

CHANNEL_COLUMNS = {
    "channel": "str",
    "visitors": "float64",
    "visitor_days": "float64",
    "sessions": "float64",
    "spend": "float64",
    "impressions": "float64",
    "clicks": "float64",
    "ctr": "float64",
    "cpc": "float64",
    "orders": "int64",
    "buyers": "int64",
    "new_buyers": "int64",
    "paid_amount": "float64",
    "conversion_rate": "float64",
    "cpa": "float64",
    "roas": "float64",
    "aov": "float64",
    "spend_share": "float64",
    "revenue_share": "float64",
}

FLAG_COLUMNS = {**CHANNEL_COLUMNS, "action": "str", "reason": "str"}

#: ``source`` of store-wide traffic rows in older data (importers now leave it null).
UNATTRIBUTED_SOURCE = "all"


def channel_performance(
    orders: pd.DataFrame,
    traffic: pd.DataFrame | None = None,
    ad_spend: pd.DataFrame | None = None,
    *,
    by: str = "channel",
    start=None,
) -> pd.DataFrame:
    """Visitors, spend, clicks, paid orders and sales per channel, with CPC, CPA and ROAS.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``orders`` of the window (``customer_id``, ``ordered_at``, ``status``,
        ``paid_amount`` and the ``by`` column). With ``start``, earlier orders may be
        included: they only decide who is a new buyer.
    traffic : pandas.DataFrame, optional
        The ``traffic`` table of the same window; its ``source`` is matched to the
        channel by name. Rows without a source (null, ``"all"``, or no ``source``
        column: a store-wide export) are not attributed to any channel.
    ad_spend : pandas.DataFrame, optional
        The ``ad_spend`` table of the same window (``channel``, ``spend``; optional
        ``impressions``, ``clicks``).
    by : str, default "channel"
        The orders column that names the channel.
    start : str or timestamp, optional
        First local instant of the window; paid orders before it are history.

    Returns
    -------
    pandas.DataFrame
        One row per channel found in any input, sorted by channel:

        - ``channel`` (str).
        - ``visitors`` (float64): UV when ``traffic`` covers one day, else NaN.
        - ``visitor_days`` (float64): sum of the channel's daily visitors (NaN when no
          traffic row names the channel as its source).
        - ``sessions``, ``spend``, ``impressions``, ``clicks`` (float64): sums (NaN when
          the table or column is absent).
        - ``ctr`` (float64): clicks / impressions. ``cpc`` (float64): spend / clicks.
        - ``orders`` (int64): paid orders. ``buyers`` (int64): distinct paying customers.
        - ``new_buyers`` (int64): buyers whose first paid order in ``orders`` is in the
          window and came through this channel (a buyer is new in one channel only, so
          the channels' new buyers add up to the store's).
        - ``paid_amount`` (float64): paid amount of the paid orders.
        - ``conversion_rate`` (float64): orders / visitor_days.
        - ``cpa`` (float64): spend / orders. ``roas`` (float64): paid_amount / spend
          (NaN without spend). ``aov`` (float64): paid_amount / orders.
        - ``spend_share`` (float64): spend / total spend over channels.
        - ``revenue_share`` (float64): paid_amount / total paid amount.

    Notes
    -----
    中文名: 渠道效率

    Formulas from research/metrics.md §2.9 and §9: CTR = 点击量 / 展现量, CPC = 花费 /
    点击量, CPA = 花费 / 支付订单数, ROAS (投入产出比) = 支付金额 / 花费 (never labelled ROI).
    Attribution is by name: an order's ``channel``, a traffic row's ``source`` and an
    ad-spend row's ``channel`` are the same channel when their names are equal (last-click
    as the platform recorded it). Sales are all paid orders of the channel, so ROAS is
    the channel's 全店投产比 rather than the ad console's attributed figure.
    ``conversion_rate`` is paid orders per visitor-day: orders add up over days, visitors
    do not (§1.7), so the ratio stays meaningful for a week or a month. Orders are dated by
    ``paid_at`` only through ``start``; the caller selects the window (notebooks pass the
    orders placed in the period). Paid orders without a channel are grouped under
    ``(none)``.

    Traffic rows whose ``source`` is null or ``"all"`` (any case) have no per-source
    breakdown: a store-wide export such as 生意参谋's 店铺整体 gives one row per day for
    every source together. They are not a channel, so they are left out of the
    per-channel visitors and sessions, not shown as a channel ``all`` next to the
    orders; channels without attributable traffic get NaN ``visitor_days`` and
    ``conversion_rate`` (no data, not 0). The store's total visitors
    (:func:`ecanalysis.metrics.traffic.traffic_summary`) still count every row.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["c1", "c2", "c3"], "channel": ["search", "search", "social"],
    ...     "ordered_at": pd.to_datetime(["2025-11-11 09:00"] * 3),
    ...     "status": ["paid", "paid", "paid"], "paid_amount": [100.0, 50.0, 30.0],
    ... })
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"] * 2),
    ...                       "channel": ["search", "social"], "spend": [50.0, 60.0]})
    >>> channel_performance(orders, ad_spend=spend)[["channel", "orders", "paid_amount", "roas"]]
      channel  orders  paid_amount  roas
    0  search       2        150.0   3.0
    1  social       1         30.0   0.5
    """
    require(orders, ["customer_id", "ordered_at", "status", "paid_amount", by], "orders")
    one_time_zone(orders=orders, traffic=traffic, ad_spend=ad_spend)
    sales = _order_part(orders, by, start)
    parts = [sales]
    if traffic is not None:
        parts.append(_traffic_part(traffic))
    if ad_spend is not None:
        parts.append(_spend_part(ad_spend))
    out = pd.concat([part.set_index("channel") for part in parts], axis=1, sort=True)
    out = out.reset_index().rename(columns={"index": "channel"})
    for column in ("visitor_days", "sessions", "spend", "impressions", "clicks"):
        if column not in out.columns:
            out[column] = np.nan
    for column in ("orders", "buyers", "new_buyers", "paid_amount"):
        out[column] = out[column].fillna(0)
    days = traffic["date"].nunique() if traffic is not None else 0
    out["visitors"] = out["visitor_days"] if days == 1 else np.nan
    out["ctr"] = ratio(out["clicks"], out["impressions"])
    out["cpc"] = ratio(out["spend"], out["clicks"])
    out["conversion_rate"] = ratio(out["orders"], out["visitor_days"])
    out["cpa"] = ratio(out["spend"], out["orders"])
    out["roas"] = ratio(out["paid_amount"], out["spend"])
    out["aov"] = ratio(out["paid_amount"], out["orders"])
    out["spend_share"] = ratio(out["spend"], _total(out["spend"]))
    out["revenue_share"] = ratio(out["paid_amount"], _total(out["paid_amount"]))
    return conform(out, CHANNEL_COLUMNS)


def _total(values: pd.Series) -> pd.Series:
    return pd.Series(values.sum(min_count=1), index=values.index, dtype="float64")


def _order_part(orders: pd.DataFrame, by: str, start) -> pd.DataFrame:
    paid = is_paid(orders)
    stamps = paid_time(orders)[paid]
    customers = orders.loc[paid, "customer_id"]
    first = stamps.groupby(customers).transform("min")
    # A new buyer belongs to the channel of their first paid order only, so that the
    # channels' new buyers add up to the store's.
    first_order = stamps.eq(first) & ~pd.DataFrame({"c": customers, "t": stamps}).duplicated()
    inside = pd.Series(True, index=stamps.index)
    if start is not None:
        origin = as_timestamp(start, "start")
        inside = local_naive(stamps) >= origin
        new = customers.where(first_order & (first >= origin))
    else:
        new = customers.where(first_order)
    frame = pd.DataFrame(
        {
            "channel": orders.loc[paid, by].astype("str").fillna("(none)").astype("str"),
            "order": 1,
            "buyer": customers,
            "new_buyer": new,
            "paid_amount": numeric(orders, "paid_amount")[paid],
        }
    )[inside]
    grouped = frame.groupby("channel", sort=True)
    return pd.DataFrame(
        {
            "orders": grouped["order"].sum(),
            "buyers": grouped["buyer"].nunique(),
            "new_buyers": grouped["new_buyer"].nunique(),
            "paid_amount": grouped["paid_amount"].sum(),
        },
        index=pd.Index(sorted(frame["channel"].unique()), name="channel", dtype="str"),
    ).reset_index()


def _traffic_part(traffic: pd.DataFrame) -> pd.DataFrame:
    """Visitor-days and sessions per source, from the rows attributable to a source."""
    require(traffic, ["date", "visitors"], "traffic")
    source = (
        traffic["source"].astype("str")
        if "source" in traffic.columns
        else pd.Series(pd.NA, index=traffic.index, dtype="str")
    )
    attributable = source.notna() & (source.str.strip().str.lower() != UNATTRIBUTED_SOURCE)
    frame = pd.DataFrame(
        {
            "channel": source,
            "visitor_days": numeric(traffic, "visitors"),
            "sessions": numeric(traffic, "sessions"),
        }
    )[attributable]
    return frame.groupby("channel", sort=True).sum(min_count=1).reset_index()


def _spend_part(ad_spend: pd.DataFrame) -> pd.DataFrame:
    require(ad_spend, ["channel", "spend"], "ad_spend")
    frame = pd.DataFrame(
        {
            "channel": ad_spend["channel"].astype("str"),
            "spend": numeric(ad_spend, "spend"),
            "impressions": numeric(ad_spend, "impressions"),
            "clicks": numeric(ad_spend, "clicks"),
        }
    )
    return frame.groupby("channel", sort=True).sum(min_count=1).reset_index()


def flag_channels(
    performance: pd.DataFrame,
    *,
    min_spend_share: float = DEFAULT_THRESHOLDS["channel_min_spend_share"],
    roas_floor: float = DEFAULT_THRESHOLDS["channel_roas_floor"],
    grow_roas: float = DEFAULT_THRESHOLDS["channel_grow_roas"],
    breakeven_roas: float | None = None,
) -> pd.DataFrame:
    """Say which channels to cut, grow, keep or watch: money spent against sales brought.

    Parameters
    ----------
    performance : pandas.DataFrame
        Output of :func:`channel_performance`.
    min_spend_share : float, default 0.05
        Channels with a smaller share of spend are too small to cut or grow: ``watch``
        when their ROAS is below the floor, ``keep`` otherwise.
    roas_floor : float, default 1.0
        ROAS below this (sales do not even repay the spend) means ``cut``.
    grow_roas : float, default 3.0
        ROAS at or above this means ``grow``.
    breakeven_roas : float, optional
        The store's break-even ROAS (保本投产比: paid amount / CM2, see
        :func:`ecanalysis.metrics.profit.breakeven_roas`). When given, it is the line
        instead of the floor (the higher of the two): a channel with spend below it is
        ``cut`` (``watch`` on a small budget), never ``keep`` or ``grow``. ``math.inf`` says no ROAS breaks
        even (CM2 ≤ 0). None or NaN (costs unknown) keeps the rules on ``roas_floor``
        alone, as before this option existed.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`channel_performance`, then:

        - ``action`` (str): ``cut``, ``grow``, ``keep`` or ``watch``.
        - ``reason`` (str): why, with the figures (plain English).

    Notes
    -----
    中文名: 渠道增减建议

    The seed question "traffic sources that cost money but bring little" (research/
    metrics.md §2.9, §9.4). Rules, in order: no spend → ``keep`` (organic); spend share
    below ``min_spend_share`` → ``watch`` if ROAS < ``roas_floor`` else ``keep``; ROAS <
    ``roas_floor`` → ``cut``; ROAS ≥ ``grow_roas`` → ``grow``; otherwise ``keep``. ROAS here
    is paid amount / spend (全店投产比 of the channel); with margins below 1/ROAS a
    channel loses money even above the floor, so the floor is a parameter in params.

    Without ``breakeven_roas`` the line is ``roas_floor`` (default 1, "ROAS 1": break-even
    only at a 100 % margin, kept for compatibility). With it, the line is max(roas_floor,
    breakeven_roas), and ``grow`` needs ROAS at or above both ``grow_roas`` and the line;
    reasons then name the break-even ROAS with its value. At a 30 % CM2 margin break-even
    is 3.33: a channel at ROAS 2.7 loses money on every order and is ``cut``.

    Examples
    --------
    >>> import pandas as pd
    >>> perf = pd.DataFrame({"channel": ["search", "social", "organic"],
    ...                      "spend": [50.0, 60.0, float("nan")],
    ...                      "paid_amount": [200.0, 30.0, 80.0]})
    >>> perf["roas"] = perf["paid_amount"] / perf["spend"]
    >>> perf["spend_share"] = perf["spend"] / 110.0
    >>> flag_channels(perf)[["channel", "action"]]
       channel action
    0   search   grow
    1   social    cut
    2  organic   keep
    """
    require(performance, ["channel", "spend", "roas", "spend_share"], "performance")
    out = performance.copy()
    floor, line = _line(roas_floor, breakeven_roas)
    decisions = [_decide(row, min_spend_share, floor, grow_roas, line) for _, row in out.iterrows()]
    out["action"] = [action for action, _ in decisions]
    out["reason"] = [reason for _, reason in decisions]
    return out.reset_index(drop=True).astype({"action": "str", "reason": "str"})


def _line(roas_floor: float, breakeven: float | None) -> tuple[float, str]:
    """The ROAS under which a channel is cut, and how reasons name it."""
    if breakeven is None or pd.isna(breakeven):
        return roas_floor, f"floor {roas_floor:g}"
    line = max(roas_floor, float(breakeven))
    if np.isinf(line):
        return line, "break-even (none reached: CM2 ≤ 0)"
    return line, f"break-even ROAS {line:.2f}"


def _decide(row, min_share: float, floor: float, grow: float, line: str) -> tuple[str, str]:
    spend, roas, share = row["spend"], row["roas"], row["spend_share"]
    if pd.isna(spend) or spend == 0:
        return "keep", "no ad spend"
    figures = f"ROAS {roas:.2f}, {share:.0%} of spend"
    if share < min_share:
        if roas < floor:
            return "watch", f"{figures}: below the {line} but a small budget"
        return "keep", f"{figures}: small budget"
    if roas < floor:
        return "cut", f"{figures}: sales do not repay spend ({line})"
    if roas >= max(grow, floor):
        return "grow", f"{figures}: at or above {max(grow, floor):g}"
    return "keep", f"{figures}: between {floor:g} and {grow:g}"


#: Columns of :func:`channel_totals`.
TOTAL_COLUMNS = {"spend": "float64", "roas": "float64", "cpa": "float64"}


def channel_totals(performance: pd.DataFrame) -> pd.DataFrame:
    """Spend, ROAS and CPA over all channels of a ``channel_performance`` table (渠道合计).

    Parameters
    ----------
    performance : DataFrame
        :func:`channel_performance` output (``spend``, ``paid_amount``, ``orders``).

    Returns
    -------
    DataFrame
        One row: ``spend`` (Σ spend; NaN when no channel has spend data), ``roas`` and
        ``cpa`` (NaN without spend).

    Notes
    -----
    Ratios of sums over the channels with spend, never means of the channels' ratios:
    ``roas`` = Σ paid_amount / Σ spend and ``cpa`` = Σ spend / Σ orders, the sums of
    ``paid_amount`` and ``orders`` taken over channels whose spend is positive (sales of
    organic channels are not attributed to spend).

    中文名: 渠道合计（花费、投产比 ROAS、每笔支付订单花费 CPA）

    Examples
    --------
    >>> perf = pd.DataFrame({"channel": ["search", "organic"], "spend": [100.0, 0.0],
    ...                      "paid_amount": [300.0, 500.0], "orders": [4, 9]})
    >>> channel_totals(perf)
       spend  roas   cpa
    0  100.0   3.0  25.0
    """
    require(performance, ["spend", "paid_amount", "orders"], "performance")
    spend = performance["spend"].sum(min_count=1)
    with_spend = performance.loc[performance["spend"] > 0]
    known = not pd.isna(spend)
    row = {
        "spend": spend,
        "roas": ratio(with_spend["paid_amount"].sum(), spend) if known else np.nan,
        "cpa": ratio(spend, with_spend["orders"].sum()) if known else np.nan,
    }
    return conform(pd.DataFrame([row]), TOTAL_COLUMNS)
