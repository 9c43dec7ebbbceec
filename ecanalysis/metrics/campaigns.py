"""Campaign post-mortem (活动复盘): results, lift against a counterfactual, repeat, pull-forward.

Campaign ``start`` and ``end`` are inclusive local dates (DESIGN §5). Orders belong to a
campaign by date window: paid orders whose payment falls on a campaign day, whatever
their ``campaign_id`` (a platform-wide sale lifts untagged orders too); refunds count
against the order they refund, whenever they happen (campaign views date refunds by
order date). The counterfactual of :func:`campaign_lift` is a regression on the weeks
before the campaign: what the days would have sold without it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    as_day,
    conform,
    numeric,
    one_time_zone,
    paid_purchases,
    paid_time,
    ratio,
    require,
)
from ecanalysis.metrics._timeseries import daily_series

#: Columns of :func:`campaign_summary`.
SUMMARY_COLUMNS = {
    "campaign_id": "str",
    "name": "str",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "days": "int64",
    "spend": "float64",
    "budget": "float64",
    "orders": "int64",
    "buyers": "int64",
    "new_buyers": "int64",
    "paid_amount": "float64",
    "net_sales": "float64",
    "gross_profit": "float64",
    "roas": "float64",
    "roi": "float64",
    "baseline_daily_sales": "float64",
    "during_daily_sales": "float64",
    "uplift_pct": "float64",
}

#: Columns of :func:`campaign_lift`.
LIFT_COLUMNS = {
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "days": "int64",
    "pre_days": "int64",
    "actual": "float64",
    "baseline": "float64",
    "baseline_low": "float64",
    "baseline_high": "float64",
    "lift": "float64",
    "lift_low": "float64",
    "lift_high": "float64",
    "lift_pct": "float64",
}

#: Columns of :func:`campaign_lift_daily`.
LIFT_DAILY_COLUMNS = {
    "date": "datetime64[ns]",
    "phase": "str",
    "actual": "float64",
    "baseline": "float64",
    "lower": "float64",
    "upper": "float64",
}

#: Columns of :func:`campaign_placebo`.
PLACEBO_COLUMNS = {
    "window": "str",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "actual": "float64",
    "baseline": "float64",
    "lift": "float64",
    "lift_pct": "float64",
    "placebo_share_below": "float64",
    "distinguishable": "boolean",
}

#: Columns of :func:`incremental_roas`.
IROAS_COLUMNS = {
    "spend": "float64",
    "incremental_roas": "float64",
    "incremental_roas_low": "float64",
    "incremental_roas_high": "float64",
}

#: Columns of :func:`new_buyer_repeat`.
REPEAT_COLUMNS = {
    "window_days": "int64",
    "new_buyers": "int64",
    "repeaters": "int64",
    "repeat_rate": "float64",
    "censored": "bool",
}

#: Columns of :func:`pull_forward`.
PULL_FORWARD_COLUMNS = {
    "post_days": "int64",
    "post_actual": "float64",
    "post_baseline": "float64",
    "dip": "float64",
    "dip_low": "float64",
    "dip_high": "float64",
    "dip_pct": "float64",
}

_ORDER_COLUMNS = ("order_id", "customer_id", "ordered_at", "status", "paid_amount")


# -- descriptive summary ----------------------------------------------------------------------


def campaign_summary(
    campaigns: pd.DataFrame,
    orders: pd.DataFrame,
    ad_spend: pd.DataFrame | None = None,
    *,
    baseline_days: int = 28,
) -> pd.DataFrame:
    """Orders, buyers, sales, spend, ROAS and ROI of each campaign, with a before/during uplift.

    Parameters
    ----------
    campaigns : pandas.DataFrame
        The ``campaigns`` table: ``campaign_id``, ``name``, ``start``, ``end`` (inclusive
        local dates); optional ``store_id``, ``budget``.
    orders : pandas.DataFrame
        The store's ``orders`` (pass the history: new buyers and the baseline need it).
        With ``store_id`` in both tables, a campaign only sees its store's orders.
    ad_spend : pandas.DataFrame, optional
        The ``ad_spend`` table (``date``, ``spend``; optional ``campaign_id``,
        ``store_id``). None: spend, ROAS and ROI are NaN.
    baseline_days : int, default 28
        Days before ``start`` whose mean daily paid amount is the baseline.

    Returns
    -------
    pandas.DataFrame
        One row per campaign, sorted by ``start`` and ``campaign_id``:

        - ``campaign_id``, ``name`` (str); ``start``, ``end`` (datetime64[ns]); ``days`` (int64).
        - ``spend`` (float64): ad spend of the campaign (see Notes); NaN without ``ad_spend``.
        - ``budget`` (float64): from the campaigns table (NaN when absent).
        - ``orders``, ``buyers``, ``new_buyers`` (int64): paid orders on campaign days,
          their distinct customers, and those whose first paid order it was.
        - ``paid_amount``, ``net_sales``, ``gross_profit`` (float64): of those orders;
          net of their refunds whenever refunded; profit NaN without ``cost_amount``.
        - ``roas`` (float64): paid_amount / spend (投入产出比).
        - ``roi`` (float64): (gross_profit − spend) / spend.
        - ``baseline_daily_sales`` (float64): mean daily paid amount over the
          ``baseline_days`` before ``start`` (days before the first order excluded).
        - ``during_daily_sales`` (float64): paid_amount / days.
        - ``uplift_pct`` (float64): during / baseline − 1.

    Notes
    -----
    中文名: 活动效果汇总

    口径: orders by date window (paid orders paid on a campaign day, research/metrics.md
    §9.4's 全店投产比 rather than platform-attributed revenue); refunds by order date.
    Spend: the ``ad_spend`` rows tagged with the campaign's id; when no row carries it,
    the store's spend dated on campaign days (all channels). ROAS = paid_amount / spend
    (research §9.4: the label "ROI" is never used for it); ROI = (gross_profit − spend) /
    spend (§9.5). The before/during uplift is descriptive: it ignores trend and weekday
    mix; :func:`campaign_lift` is the counterfactual estimate.

    Examples
    --------
    >>> import pandas as pd
    >>> campaigns = pd.DataFrame({"campaign_id": ["C1"], "name": ["Flash sale"],
    ...     "start": pd.to_datetime(["2025-11-11"]), "end": pd.to_datetime(["2025-11-12"])})
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C"], "customer_id": ["u1", "u2", "u1"],
    ...     "ordered_at": pd.to_datetime(["2025-11-01 10:00", "2025-11-11 09:00", "2025-11-12 20:00"]),
    ...     "status": ["completed"] * 3, "paid_amount": [50.0, 80.0, 120.0]})
    >>> spend = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"]), "spend": [40.0]})
    >>> row = campaign_summary(campaigns, orders, spend, baseline_days=14)
    >>> row[["orders", "buyers", "new_buyers", "paid_amount", "spend", "roas", "during_daily_sales"]]
       orders  buyers  new_buyers  paid_amount  spend  roas  during_daily_sales
    0       2       2           1        200.0   40.0   5.0               100.0
    """
    require(campaigns, ["campaign_id", "name", "start", "end"], "campaigns")
    require(orders, _ORDER_COLUMNS, "orders")
    one_time_zone(campaigns=campaigns, orders=orders, ad_spend=ad_spend)
    if not isinstance(baseline_days, int | np.integer) or baseline_days < 1:
        raise ParameterError(f"baseline_days={baseline_days!r} must be a whole number >= 1")
    paid = _paid_orders(orders)
    rows = [_summary_row(c, paid, ad_spend, baseline_days) for _, c in campaigns.iterrows()]
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    out = conform(out, SUMMARY_COLUMNS)
    return out.sort_values(["start", "campaign_id"], kind="stable").reset_index(drop=True)


def _paid_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Paid orders with their local payment day, first-order flag and net/profit amounts."""
    purchases = paid_purchases(orders, known_customers=False)
    paid = orders.loc[purchases.index]
    refund = numeric(paid, "refund_amount").fillna(0.0)
    amount = pd.to_numeric(paid["paid_amount"], errors="coerce").astype("float64")
    out = pd.DataFrame(
        {
            "store_id": paid["store_id"] if "store_id" in paid.columns else "",
            "customer_id": purchases["customer_id"],
            "stamp": purchases["paid_time"],
            "paid_amount": amount,
            "net_sales": amount - refund,
            "cost_amount": numeric(paid, "cost_amount"),
        }
    )
    out["day"] = out["stamp"].dt.normalize()
    first = out.groupby("customer_id")["stamp"].transform("min")
    out["first_order"] = out["stamp"] == first
    return out.reset_index(drop=True)


def _summary_row(campaign, paid: pd.DataFrame, ad_spend, baseline_days: int) -> dict:
    start, end = as_day(campaign["start"], "start"), as_day(campaign["end"], "end")
    if "store_id" in campaign.index and pd.notna(campaign["store_id"]):
        paid = paid[paid["store_id"].astype("str") == str(campaign["store_id"])]
    during = paid[(paid["day"] >= start) & (paid["day"] <= end)]
    days = int((end - start).days + 1)
    cost = during["cost_amount"].sum(min_count=1)
    gross_profit = during["net_sales"].sum() - cost if pd.notna(cost) else np.nan
    spend = _campaign_spend(campaign, ad_spend, start, end)
    baseline = _baseline_daily(paid, start, baseline_days)
    during_daily = float(during["paid_amount"].sum()) / days if days > 0 else np.nan
    return {
        "campaign_id": str(campaign["campaign_id"]),
        "name": campaign["name"],
        "start": start,
        "end": end,
        "days": days,
        "spend": spend,
        "budget": campaign.get("budget", np.nan),
        "orders": len(during),
        "buyers": during["customer_id"].nunique(),
        "new_buyers": during.loc[during["first_order"], "customer_id"].nunique(),
        "paid_amount": float(during["paid_amount"].sum()),
        "net_sales": float(during["net_sales"].sum()),
        "gross_profit": gross_profit,
        "roas": ratio(float(during["paid_amount"].sum()), spend),
        "roi": ratio(gross_profit - spend, spend),
        "baseline_daily_sales": baseline,
        "during_daily_sales": during_daily,
        "uplift_pct": ratio(during_daily, baseline) - 1,
    }


def _campaign_spend(campaign, ad_spend, start, end) -> float:
    if ad_spend is None:
        return np.nan
    require(ad_spend, ["date", "spend"], "ad_spend")
    spend = pd.to_numeric(ad_spend["spend"], errors="coerce").astype("float64")
    if "campaign_id" in ad_spend.columns:
        tagged = ad_spend["campaign_id"].astype("str") == str(campaign["campaign_id"])
        if tagged.any():
            return float(spend[tagged].sum())
    days = pd.to_datetime(ad_spend["date"]).dt.normalize()
    if isinstance(days.dtype, pd.DatetimeTZDtype):
        days = days.dt.tz_localize(None)
    inside = (days >= start) & (days <= end)
    if "store_id" in ad_spend.columns and "store_id" in campaign.index:
        inside &= ad_spend["store_id"].astype("str") == str(campaign["store_id"])
    return float(spend[inside].sum())


def _baseline_daily(paid: pd.DataFrame, start: pd.Timestamp, baseline_days: int) -> float:
    """Mean daily paid amount over the baseline days before ``start`` that the data cover."""
    if paid.empty:
        return np.nan
    first_day = max(start - pd.Timedelta(days=baseline_days), paid["day"].min())
    covered = int((start - first_day).days)
    if covered <= 0:
        return np.nan
    window = paid[(paid["day"] >= first_day) & (paid["day"] < start)]
    return float(window["paid_amount"].sum()) / covered


# -- counterfactual lift ----------------------------------------------------------------------


def campaign_lift(
    daily: pd.DataFrame,
    *,
    start,
    end,
    value_col: str = "paid_amount",
    date_col: str = "date",
    pre_days: int = 56,
    control: pd.DataFrame | None = None,
    interval: float = 0.9,
    exclude: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Incremental sales of a campaign: actual minus a counterfactual baseline, with an interval.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per local day (``date_col``, ``value_col``), e.g. ``orders.daily_sales``
        with ``period_start`` renamed to ``date``; absent days count as 0.
    start, end : date-like
        The campaign's first and last local day (inclusive).
    value_col : str, default "paid_amount"
        The KPI whose lift is measured.
    date_col : str, default "date"
        The local day of each row.
    pre_days : int, default 56
        Days before ``start`` that train the baseline model (fewer when the data start later).
    control : pandas.DataFrame, optional
        A control series (``date_col``, ``value_col``) untouched by the campaign, e.g. a
        store without it; used as an extra regressor.
    interval : float, default 0.9
        Coverage of the intervals.
    exclude : pandas.DataFrame, optional
        Other events to keep out of the pre-period: rows with ``start``, ``end``
        (inclusive) and optional ``pre_days``, ``post_days`` (e.g. the ``campaigns``
        table, or ``calendar.festival_calendar``); their days, windows included, do
        not train the baseline.

    Returns
    -------
    pandas.DataFrame
        One row: ``start``, ``end`` (datetime64[ns]); ``days``, ``pre_days`` (int64: days
        used); ``actual`` (sum over campaign days); ``baseline``, ``baseline_low``,
        ``baseline_high`` (counterfactual sum and its prediction interval); ``lift`` =
        actual − baseline, ``lift_low``, ``lift_high``; ``lift_pct`` = lift / baseline
        (all float64). Estimates are NaN when the pre-period is too short to fit
        (fewer than the model's parameters + 2 days) or the campaign days are absent.

    Notes
    -----
    中文名: 活动增量（反事实基线）

    Model: ordinary least squares of the daily value on an intercept, a linear trend
    and six weekday dummies (and the control series) over the pre-period; the baseline
    of each campaign day is the model's prediction. The interval of the baseline *sum*
    uses the prediction variance of the sum, 1ᵀXΣXᵀ1 + n·σ² (Σ the covariance of the
    coefficients, σ² the residual variance: days independent given the model), with a
    t quantile on the residual degrees of freedom. The lift interval is actual minus
    that interval. Pre-campaign warm-up (buyers waiting for the sale) lowers the
    baseline's last days; leave a gap by passing a ``start`` a few days earlier if it
    matters. Days of other campaigns and festivals in ``exclude`` (with their pre- and
    post-windows) are left out of the fit, so that a 618 does not inflate the baseline
    of a campaign in July; ``pre_days`` counts calendar days, so fewer days may train.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-09-15", periods=63, freq="D")
    >>> weekly = np.tile([100.0, 90, 95, 105, 120, 150, 140], 9)
    >>> sales = weekly + np.random.default_rng(0).normal(0, 5, 63)
    >>> sales[56:] += 60  # the campaign adds 60 a day for its 7 days
    >>> daily = pd.DataFrame({"date": days, "paid_amount": sales})
    >>> lift = campaign_lift(daily, start="2025-11-10", end="2025-11-16")
    >>> bool(lift["lift_low"].iloc[0] < 420 < lift["lift_high"].iloc[0])
    True
    """
    first, last = _campaign_days(start, end)
    series = daily_series(daily, value_col, date_col).fillna(0.0)
    fit = _baseline_model(series, control, value_col, date_col, first, pre_days, exclude)
    campaign_days = pd.date_range(first, last, freq="D")
    row = {"start": first, "end": last, "days": len(campaign_days), "pre_days": fit["pre_days"]}
    if fit["model"] is None or not campaign_days.isin(series.index).all():
        return conform(pd.DataFrame([row]), LIFT_COLUMNS)
    actual = float(series.reindex(campaign_days).sum())
    baseline, low, high = _sum_interval(fit, campaign_days, interval)
    row.update(
        actual=actual,
        baseline=baseline,
        baseline_low=low,
        baseline_high=high,
        lift=actual - baseline,
        lift_low=actual - high,
        lift_high=actual - low,
        lift_pct=ratio(actual - baseline, baseline),
    )
    return conform(pd.DataFrame([row]), LIFT_COLUMNS)


def campaign_lift_daily(
    daily: pd.DataFrame,
    *,
    start,
    end,
    value_col: str = "paid_amount",
    date_col: str = "date",
    pre_days: int = 56,
    post_days: int = 14,
    control: pd.DataFrame | None = None,
    interval: float = 0.9,
    exclude: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Day by day: actual against the counterfactual baseline, before, during and after.

    Parameters
    ----------
    daily, start, end, value_col, date_col, pre_days, control, interval, exclude
        As for :func:`campaign_lift`.
    post_days : int, default 14
        Days after ``end`` to show (those the data cover).

    Returns
    -------
    pandas.DataFrame
        One row per day of the pre-period, the campaign and the post-period:

        - ``date`` (datetime64[ns])
        - ``phase`` (str): ``"pre"``, ``"campaign"`` or ``"post"``.
        - ``actual`` (float64)
        - ``baseline`` (float64): fitted value (pre) or prediction (campaign, post).
        - ``lower``, ``upper`` (float64): prediction interval of the day.

        Empty when the baseline cannot be fitted.

    Notes
    -----
    中文名: 活动每日增量

    The model of :func:`campaign_lift`; each day's interval is the prediction interval
    of one day (t quantile on the residual degrees of freedom).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-09-15", periods=63, freq="D")
    >>> daily = pd.DataFrame({"date": days, "orders": np.tile([10.0, 9, 9, 10, 12, 15, 14], 9)})
    >>> frame = campaign_lift_daily(daily, start="2025-11-10", end="2025-11-16", value_col="orders")
    >>> frame.groupby("phase", sort=False).size().to_dict()
    {'pre': 56, 'campaign': 7}
    """
    first, last = _campaign_days(start, end)
    series = daily_series(daily, value_col, date_col).fillna(0.0)
    fit = _baseline_model(series, control, value_col, date_col, first, pre_days, exclude)
    if fit["model"] is None:
        return conform(pd.DataFrame(), LIFT_DAILY_COLUMNS)
    stop = min(last + pd.Timedelta(days=post_days), series.index[-1])
    days = pd.date_range(fit["origin"], stop, freq="D")
    days = days[days.isin(series.index)]
    prediction = _predict(fit, days).summary_frame(alpha=1 - interval)
    phase = np.where(days < first, "pre", np.where(days <= last, "campaign", "post"))
    out = pd.DataFrame(
        {
            "date": days,
            "phase": phase,
            "actual": series.reindex(days).to_numpy(),
            "baseline": prediction["mean"].to_numpy(),
            "lower": prediction["obs_ci_lower"].to_numpy(),
            "upper": prediction["obs_ci_upper"].to_numpy(),
        }
    )
    return conform(out, LIFT_DAILY_COLUMNS)


def pull_forward(
    daily: pd.DataFrame,
    *,
    start,
    end,
    value_col: str = "paid_amount",
    date_col: str = "date",
    post_days: int = 14,
    pre_days: int = 56,
    interval: float = 0.9,
    exclude: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The post-campaign dip: sales after the campaign against the pre-campaign baseline.

    Parameters
    ----------
    daily, start, end, value_col, date_col, pre_days, interval, exclude
        As for :func:`campaign_lift`.
    post_days : int, default 14
        Days after ``end`` to examine (those the data cover).

    Returns
    -------
    pandas.DataFrame
        One row: ``post_days`` (int64: days examined), ``post_actual``,
        ``post_baseline`` (sums over those days), ``dip`` = post_baseline − post_actual
        (positive: demand pulled forward), ``dip_low``, ``dip_high`` (interval),
        ``dip_pct`` = dip / post_baseline (float64). NaN when nothing after ``end`` is
        covered or the baseline cannot be fitted.

    Notes
    -----
    中文名: 活动透支效应（活动后回落）

    The baseline model of :func:`campaign_lift` (fitted before ``start``) predicts the
    post-campaign days; a dip whose interval excludes 0 means the campaign borrowed
    sales from the following weeks (pull-forward, 透支), a negative dip a halo.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-09-15", periods=70, freq="D")
    >>> daily = pd.DataFrame({"date": days, "orders": np.tile([10.0, 9, 9, 10, 12, 15, 14], 10)})
    >>> pull_forward(daily, start="2025-11-10", end="2025-11-16", value_col="orders",
    ...              post_days=7)[["post_days", "post_actual"]]
       post_days  post_actual
    0          7         79.0
    """
    first, last = _campaign_days(start, end)
    series = daily_series(daily, value_col, date_col).fillna(0.0)
    fit = _baseline_model(series, None, value_col, date_col, first, pre_days, exclude)
    after = pd.date_range(last + pd.Timedelta(days=1), periods=post_days, freq="D")
    after = after[after.isin(series.index)]
    row = {"post_days": len(after)}
    if fit["model"] is not None and len(after):
        actual = float(series.reindex(after).sum())
        baseline, low, high = _sum_interval(fit, after, interval)
        row.update(
            post_actual=actual,
            post_baseline=baseline,
            dip=baseline - actual,
            dip_low=low - actual,
            dip_high=high - actual,
            dip_pct=ratio(baseline - actual, baseline),
        )
    return conform(pd.DataFrame([row]), PULL_FORWARD_COLUMNS)


def incremental_roas(lift: pd.DataFrame, *, spend: float) -> pd.DataFrame:
    """Incremental ROAS: the campaign's lift per unit of spend, with the lift's interval.

    Parameters
    ----------
    lift : pandas.DataFrame
        The one-row result of :func:`campaign_lift`.
    spend : float
        The campaign's spend (e.g. ``campaign_summary(...)["spend"]``).

    Returns
    -------
    pandas.DataFrame
        One row (none when ``lift`` is empty): ``spend``, ``incremental_roas`` = lift /
        spend, ``incremental_roas_low``, ``incremental_roas_high`` (float64; NaN when
        spend is 0 or NaN).

    Notes
    -----
    中文名: 增量投产比 (iROAS)

    Unlike ROAS (all sales / spend), iROAS counts only the sales the campaign added over
    the counterfactual baseline; below 1 the campaign did not pay back its spend.

    Examples
    --------
    >>> import pandas as pd
    >>> lift = pd.DataFrame({"lift": [300.0], "lift_low": [150.0], "lift_high": [450.0]})
    >>> incremental_roas(lift, spend=100.0)
       spend  incremental_roas  incremental_roas_low  incremental_roas_high
    0  100.0               3.0                   1.5                    4.5
    """
    require(lift, ["lift", "lift_low", "lift_high"], "lift")
    spend = float(spend) if spend is not None else np.nan
    out = pd.DataFrame(
        {
            "spend": spend,
            "incremental_roas": [ratio(value, spend) for value in lift["lift"]],
            "incremental_roas_low": [ratio(value, spend) for value in lift["lift_low"]],
            "incremental_roas_high": [ratio(value, spend) for value in lift["lift_high"]],
        },
        index=lift.index,
    )
    return conform(out, IROAS_COLUMNS)


def campaign_placebo(
    daily: pd.DataFrame,
    *,
    start,
    end,
    value_col: str = "paid_amount",
    date_col: str = "date",
    pre_days: int = 56,
    placebos: int = 8,
    exclude: pd.DataFrame | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Placebo check of a campaign's lift: the same estimate on windows without the campaign.

    Parameters
    ----------
    daily, start, end, value_col, date_col, pre_days, exclude
        As for :func:`campaign_lift`.
    placebos : int, default 8
        Placebo windows: the windows of the campaign's length just before it, one after
        the other going back (those the data can fit).
    level : float, default 0.95
        The campaign's lift is distinguishable from noise when its ``lift_pct`` is above
        this quantile of the placebo lifts.

    Returns
    -------
    pandas.DataFrame
        The campaign's row (``window`` = ``"campaign"``), then one row per placebo
        window (``"placebo"``), each with ``start``, ``end``, ``actual``, ``baseline``,
        ``lift``, ``lift_pct`` as :func:`campaign_lift` estimates them. On the campaign's
        row only: ``placebo_share_below`` (float64, share of placebo ``lift_pct`` below
        the campaign's) and ``distinguishable`` (boolean: above the ``level`` quantile
        of the placebos; missing with fewer than 3 placebos).

    Notes
    -----
    中文名: 活动增量安慰剂检验

    In-time placebo (Abadie, Diamond and Hainmueller 2015): the baseline model is fitted
    and scored on windows where nothing happened; their lifts show how large a lift
    the model reports by chance (weekday mix, trend drift, noise). A campaign lift inside
    that spread is not distinguishable from noise, whatever its own interval says.
    Placebo windows are the ``placebos`` windows of the campaign's length ending the day
    before the campaign, the one before that, and so on; each is fitted on the
    ``pre_days`` days before it, with the days in ``exclude`` left out. With n placebos
    the campaign beats their ``level`` quantile by chance about once in n + 1 checks
    (fewer than 19 placebos cannot reach 5 %): pass more when the history allows.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-04-01", "2025-11-16", freq="D")
    >>> sales = 100 + np.random.default_rng(0).normal(0, 5, len(days))
    >>> sales[-7:] += 60  # the campaign adds 60 a day for its 7 days
    >>> daily = pd.DataFrame({"date": days, "paid_amount": sales})
    >>> check = campaign_placebo(daily, start="2025-11-10", end="2025-11-16")
    >>> check["window"].value_counts().to_dict()
    {'placebo': 8, 'campaign': 1}
    >>> bool(check["distinguishable"].iloc[0])
    True
    """
    first, last = _campaign_days(start, end)
    if not isinstance(placebos, int | np.integer) or placebos < 1:
        raise ParameterError(f"placebos={placebos!r} must be a whole number >= 1")
    length = pd.Timedelta(days=int((last - first).days + 1))
    options = {
        "value_col": value_col,
        "date_col": date_col,
        "pre_days": pre_days,
        "exclude": exclude,
    }
    windows = [("campaign", first, last)] + [
        ("placebo", first - k * length, last - k * length) for k in range(1, placebos + 1)
    ]
    rows = []
    for window, begin, finish in windows:
        lift = campaign_lift(daily, start=begin, end=finish, **options).iloc[0]
        if window == "placebo" and pd.isna(lift["lift_pct"]):
            continue
        rows.append(
            {"window": window, "start": begin, "end": finish}
            | {c: lift[c] for c in ("actual", "baseline", "lift", "lift_pct")}
        )
    out = pd.DataFrame(rows, columns=list(PLACEBO_COLUMNS))
    out["placebo_share_below"] = np.nan
    out["distinguishable"] = pd.array([pd.NA] * len(out), dtype="boolean")
    placebo = out.loc[out["window"] == "placebo", "lift_pct"].to_numpy("float64")
    own = float(out["lift_pct"].iloc[0])
    if len(placebo) and not np.isnan(own):
        out.loc[0, "placebo_share_below"] = float(np.mean(placebo < own))
    if len(placebo) >= 3 and not np.isnan(own):
        out.loc[0, "distinguishable"] = bool(own > np.quantile(placebo, level))
    return conform(out, PLACEBO_COLUMNS)


# -- new buyers' repeat -----------------------------------------------------------------------


def new_buyer_repeat(
    orders: pd.DataFrame,
    *,
    start,
    end,
    windows: Sequence[int] = (30, 60, 90),
) -> pd.DataFrame:
    """How many of the campaign's new buyers bought again within 30, 60, 90 days.

    Parameters
    ----------
    orders : pandas.DataFrame
        The store's ``orders`` with history (first orders are judged on the whole frame)
        and the days after the campaign.
    start, end : date-like
        The campaign's first and last local day (inclusive).
    windows : sequence of int, default (30, 60, 90)
        Days after each new buyer's first order.

    Returns
    -------
    pandas.DataFrame
        One row per window:

        - ``window_days`` (int64)
        - ``new_buyers`` (int64): customers whose first paid order in the frame was paid
          on a campaign day.
        - ``repeaters`` (int64): those with another paid order on a later local day
          within ``window_days`` days of their first.
        - ``repeat_rate`` (float64): repeaters / new_buyers; NaN when censored.
        - ``censored`` (bool): the data end before ``end`` + ``window_days``, so the
          window is not complete for every new buyer.

    Notes
    -----
    中文名: 活动新客复购率

    A repeat is a paid order on a later local day than the first (several orders on the
    first day are one purchase occasion, as in ``customers.repeat_rate``). The data end
    is the last local day with an order (placed or paid) in the frame.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "order_id": ["A", "B", "C", "D"], "customer_id": ["u1", "u2", "u1", "u3"],
    ...     "ordered_at": pd.to_datetime(["2025-11-11", "2025-11-11", "2025-11-25", "2026-03-01"]),
    ...     "paid_at": pd.to_datetime(["2025-11-11", "2025-11-11", "2025-11-25", "2026-03-01"]),
    ...     "status": ["completed"] * 4, "paid_amount": [10.0, 20.0, 15.0, 5.0]})
    >>> new_buyer_repeat(orders, start="2025-11-11", end="2025-11-11", windows=(30,))
       window_days  new_buyers  repeaters  repeat_rate  censored
    0           30           2          1          0.5     False
    """
    require(orders, ["customer_id", "ordered_at", "status"], "orders")
    first, last = _campaign_days(start, end)
    purchases = paid_purchases(orders)
    days = pd.DataFrame(
        {"customer_id": purchases["customer_id"], "day": purchases["paid_time"].dt.normalize()}
    )
    first_day = days.groupby("customer_id")["day"].min()
    cohort = first_day[(first_day >= first) & (first_day <= last)]
    later = days[days["customer_id"].isin(cohort.index)]
    first_of_row = cohort.reindex(later["customer_id"].to_numpy()).to_numpy()
    later = later.assign(since=(later["day"] - first_of_row).dt.days)
    data_end = _data_end(orders)
    rows = []
    for window in windows:
        if not isinstance(window, int | np.integer) or window < 1:
            raise ParameterError(f"windows must be whole numbers of days >= 1, got {window!r}")
        repeaters = later.loc[(later["since"] > 0) & (later["since"] <= window), "customer_id"]
        censored = bool(pd.isna(data_end) or data_end < last + pd.Timedelta(days=int(window)))
        count = repeaters.nunique()
        rows.append(
            {
                "window_days": int(window),
                "new_buyers": len(cohort),
                "repeaters": count,
                "repeat_rate": np.nan if censored else ratio(count, len(cohort)),
                "censored": censored,
            }
        )
    return conform(pd.DataFrame(rows, columns=list(REPEAT_COLUMNS)), REPEAT_COLUMNS)


def _data_end(orders: pd.DataFrame):
    stamps = [paid_time(orders)]
    if "ordered_at" in orders.columns:
        stamps.append(pd.to_datetime(orders["ordered_at"]))
    latest = [
        s.dt.tz_localize(None) if isinstance(s.dtype, pd.DatetimeTZDtype) else s for s in stamps
    ]
    return max((s.max() for s in latest), default=pd.NaT).normalize() if len(orders) else pd.NaT


# -- the baseline model -----------------------------------------------------------------------


def _campaign_days(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, last = as_day(start, "start"), as_day(end, "end")
    if last < first:
        raise ParameterError(f"end {last:%Y-%m-%d} is before start {first:%Y-%m-%d}")
    return first, last


def _design(
    days: pd.DatetimeIndex, origin: pd.Timestamp, control: pd.Series | None
) -> pd.DataFrame:
    """Intercept, trend (days since origin), six weekday dummies (Monday is the reference)."""
    design = pd.DataFrame(index=days)
    design["const"] = 1.0
    design["trend"] = np.asarray((days - origin).days, dtype="float64")
    for weekday in range(1, 7):
        design[f"weekday_{weekday}"] = (days.day_of_week == weekday).astype("float64")
    if control is not None:
        design["control"] = control.reindex(days).to_numpy()
    return design


def _excluded(exclude: pd.DataFrame | None, first: pd.Timestamp) -> pd.DatetimeIndex:
    """Days of the events in ``exclude`` (windows included) before ``first``."""
    if exclude is None or exclude.empty:
        return pd.DatetimeIndex([])
    require(exclude, ["start", "end"], "exclude")
    days = []
    for _, row in exclude.iterrows():
        before = int(row.get("pre_days", 0) or 0)
        after = int(row.get("post_days", 0) or 0)
        begin = as_day(row["start"], "exclude.start") - pd.Timedelta(days=before)
        finish = as_day(row["end"], "exclude.end") + pd.Timedelta(days=after)
        days.append(pd.date_range(begin, min(finish, first - pd.Timedelta(days=1)), freq="D"))
    return pd.DatetimeIndex(np.concatenate([d.to_numpy() for d in days])).unique()


def _baseline_model(series, control, value_col, date_col, first, pre_days, exclude=None) -> dict:
    """OLS of the pre-period, or ``model=None`` when there are too few days to fit."""
    import statsmodels.api as sm

    if not isinstance(pre_days, int | np.integer) or pre_days < 1:
        raise ParameterError(f"pre_days={pre_days!r} must be a whole number of days >= 1")
    control_series = None if control is None else daily_series(control, value_col, date_col)
    origin = first - pd.Timedelta(days=int(pre_days))
    pre = series[(series.index >= origin) & (series.index < first)]
    pre = pre[~pre.index.isin(_excluded(exclude, first))]
    if control_series is not None:
        pre = pre[pre.index.isin(control_series.index)]
    fit = {"model": None, "pre_days": len(pre), "origin": origin, "control": control_series}
    design = _design(pre.index, origin, control_series)
    if len(pre) < design.shape[1] + 2:
        return fit
    fit["model"] = sm.OLS(pre.to_numpy(), design.to_numpy()).fit()
    fit["origin"] = pre.index[0] if len(pre) else origin
    fit["trend_origin"] = origin
    return fit


def _predict(fit: dict, days: pd.DatetimeIndex):
    design = _design(days, fit["trend_origin"], fit["control"])
    return fit["model"].get_prediction(design.to_numpy())


def _sum_interval(fit: dict, days: pd.DatetimeIndex, interval: float):
    """Predicted sum over ``days`` and its prediction interval (see campaign_lift Notes)."""
    from scipy.stats import t as student_t

    from ecanalysis.metrics._timeseries import normal_quantile

    normal_quantile(interval)  # checks interval
    model = fit["model"]
    design = _design(days, fit["trend_origin"], fit["control"]).to_numpy()
    if np.isnan(design).any():
        return np.nan, np.nan, np.nan
    total_row = design.sum(axis=0)
    point = float(total_row @ model.params)
    variance = float(total_row @ model.cov_params() @ total_row) + len(days) * model.scale
    quantile = float(student_t.ppf(0.5 + interval / 2, model.df_resid))
    spread = quantile * np.sqrt(variance)
    return point, point - spread, point + spread


# -- issue 17: what to keep out of a campaign's baseline ---------------------------------------

#: Columns of :func:`baseline_exclusions`.
EXCLUSION_COLUMNS = {
    "event": "str",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "pre_days": "int64",
    "post_days": "int64",
}


def baseline_exclusions(
    campaigns: pd.DataFrame | None,
    *,
    campaign_id: str,
    start,
    end,
    region: str = "all",
    lookback_days: int = 400,
) -> pd.DataFrame:
    """The other campaigns and the festivals to keep out of a campaign's baseline.

    Parameters
    ----------
    campaigns : pandas.DataFrame or None
        The store's ``campaigns`` table (``campaign_id``, ``start``, ``end``); None: none.
    campaign_id : str
        The campaign reviewed: its own row is not excluded.
    start, end : date-like
        The campaign's first and last local day (inclusive).
    region : {"cn", "global", "all"}, default "all"
        Region of the built-in festival calendar (``calendar.festival_calendar``).
    lookback_days : int, default 400
        Festivals from this many days before ``start`` to ``end`` (enough for the
        baseline's pre-period and the placebo windows before it).

    Returns
    -------
    pandas.DataFrame
        One row per event, the store's other campaigns first (``event`` = their
        ``campaign_id``, no windows) then the festivals (``event`` = its code, with its
        pre- and post-window days); columns ``event`` (str), ``start``, ``end``
        (datetime64[ns]), ``pre_days``, ``post_days`` (int64). Pass it as ``exclude=`` to
        :func:`campaign_lift` and :func:`campaign_placebo`.

    Notes
    -----
    中文名: 基线排除的活动与大促

    A baseline trained on days of another sale reads that sale as the normal level and
    understates the lift; festival pre-windows (预热) and post-windows (返场) are kept
    out with the festival. The campaign's own festival (双11 for a 双11 campaign) stays
    in the list: its pre-window days before the campaign are not a normal baseline either.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"campaign_id": ["c1", "c2"],
    ...                       "start": pd.to_datetime(["2025-06-01", "2025-11-01"]),
    ...                       "end": pd.to_datetime(["2025-06-18", "2025-11-11"])})
    >>> out = baseline_exclusions(table, campaign_id="c2", start="2025-11-01", end="2025-11-11",
    ...                           region="cn", lookback_days=30)
    >>> out
           event      start        end  pre_days  post_days
    0         c1 2025-06-01 2025-06-18         0          0
    1  double_11 2025-11-01 2025-11-11        12          7
    """
    from ecanalysis.metrics.calendar import festival_calendar

    first, last = _campaign_days(start, end)
    if not isinstance(lookback_days, int | np.integer) or lookback_days < 0:
        raise ParameterError(f"lookback_days={lookback_days!r} must be a whole number of days >= 0")
    frames = []
    if campaigns is not None and len(campaigns):
        require(campaigns, ["campaign_id", "start", "end"], "campaigns")
        others = campaigns[campaigns["campaign_id"].astype("str") != str(campaign_id)]
        frames.append(
            pd.DataFrame(
                {
                    "event": others["campaign_id"].astype("str"),
                    "start": pd.to_datetime(others["start"]),
                    "end": pd.to_datetime(others["end"]),
                    "pre_days": 0,
                    "post_days": 0,
                }
            )
        )
    festivals = festival_calendar(
        first - pd.Timedelta(days=int(lookback_days)), last, region=region
    )
    frames.append(festivals[list(EXCLUSION_COLUMNS)])
    out = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(map(len, frames))
        else None
    )
    return conform(out if out is not None else pd.DataFrame(), EXCLUSION_COLUMNS)
