"""Comparisons (对比): period over period (环比/同比), contributions, trailing means."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecanalysis.metrics._common import conform, local_naive, ratio, require

CHANGE_COLUMNS = {
    "metric": "str",
    "current": "float64",
    "previous": "float64",
    "change": "float64",
    "change_pct": "float64",
}

CONTRIBUTION_COLUMNS = {
    "current": "float64",
    "previous": "float64",
    "change": "float64",
    "share_of_change": "float64",
}


def compare_periods(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    keys: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each metric now and before, its change and relative change: WoW, MoM, YoY.

    Parameters
    ----------
    current, previous : pandas.DataFrame
        The same kind of table for two periods, e.g. two rows of
        :func:`~ecanalysis.metrics.orders.period_summary`, or two grouped tables.
    keys : list of str, optional
        Columns identifying a row (e.g. ``["channel"]``); the two frames are outer-joined
        on them. Without keys each frame must have at most one row.
    metrics : list of str, optional
        Columns to compare; default every numeric column of ``current`` except the keys.

    Returns
    -------
    pandas.DataFrame
        Long and tidy, one row per (keys, metric), in the order of ``metrics``:

        - the ``keys`` columns.
        - ``metric`` (str): the column name.
        - ``current`` (float64), ``previous`` (float64): the values (NaN when a side is
          missing).
        - ``change`` (float64): current − previous (for rates, the change in percentage
          points as a fraction: 0.02 = +2 pp).
        - ``change_pct`` (float64): change / |previous|; NaN when previous is 0 or NaN.

    Notes
    -----
    中文名: 环比 / 同比

    Growth = (本期 − 基期) / 基期 (research/metrics.md §1.5). A base of 0 gives NaN, shown
    as "new" or "—", never ∞; a negative base (e.g. profit) is divided by its absolute
    value so that an improvement is positive. Rates are compared primarily by their
    difference (``change``), as §1.5 recommends. Which periods are compared (previous
    period 环比, same period last year 同比, same weekday last week) is the caller's choice.

    Examples
    --------
    >>> import pandas as pd
    >>> week = pd.DataFrame({"orders": [120], "gross_margin": [0.42]})
    >>> before = pd.DataFrame({"orders": [100], "gross_margin": [0.40]})
    >>> compare_periods(week, before).round(4)
             metric  current  previous  change  change_pct
    0        orders   120.00     100.0   20.00        0.20
    1  gross_margin     0.42       0.4    0.02        0.05
    """
    keys = list(keys or [])
    require(current, keys, "current")
    require(previous, keys, "previous")
    if metrics is None:
        metrics = [
            c
            for c in current.columns
            if c not in keys
            and pd.api.types.is_numeric_dtype(current[c])
            and not pd.api.types.is_bool_dtype(current[c])
        ]
    metrics = list(metrics)
    require(current, metrics, "current")
    require(previous, metrics, "previous")
    if not keys and (len(current) > 1 or len(previous) > 1):
        raise ValueError(
            "compare_periods: without keys each frame must have at most one row; "
            f"got {len(current)} and {len(previous)} rows. Pass keys=[...] for grouped tables."
        )
    if keys:
        joined = current[[*keys, *metrics]].merge(
            previous[[*keys, *metrics]],
            on=keys,
            how="outer",
            suffixes=("", "__prev"),
            sort=True,
        )
    else:
        joined = _one_row(current, metrics).join(_one_row(previous, metrics).add_suffix("__prev"))
        if len(current) == 0 and len(previous) == 0:
            joined = joined.iloc[:0]
    frames = []
    for metric in metrics:
        part = joined[keys].copy()
        part["metric"] = metric
        part["current"] = pd.to_numeric(joined[metric]).astype("float64")
        part["previous"] = pd.to_numeric(joined[f"{metric}__prev"]).astype("float64")
        frames.append(part)
    schema = {key: current[key].dtype for key in keys}
    schema.update(CHANGE_COLUMNS)
    if not frames:
        return conform(pd.DataFrame(columns=list(schema)), schema)
    out = pd.concat(frames, ignore_index=True)
    out["change"] = out["current"] - out["previous"]
    out["change_pct"] = ratio(out["change"], out["previous"].abs())
    return conform(out, schema)


def _one_row(frame: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The frame's single row (all NaN when it has none), with index 0."""
    if len(frame):
        return frame[metrics].reset_index(drop=True).astype("float64")
    return pd.DataFrame({m: [np.nan] for m in metrics})


def contribution(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    by: str,
    metric: str = "paid_amount",
) -> pd.DataFrame:
    """Which groups (channels, products, categories) explain the change of a total.

    Parameters
    ----------
    current, previous : pandas.DataFrame
        Grouped tables for two periods with the ``by`` and ``metric`` columns (several
        rows of one group are summed).
    by : str
        The group column (e.g. ``"channel"``).
    metric : str, default "paid_amount"
        An additive column (amounts, orders); not a rate or a distinct count.

    Returns
    -------
    pandas.DataFrame
        One row per group, largest absolute change first:

        - ``by`` column (its input dtype).
        - ``current`` (float64), ``previous`` (float64): the group's sums (0 when absent
          in one period).
        - ``change`` (float64): current − previous.
        - ``share_of_change`` (float64): change / total change; NaN when the total did
          not change. Shares add up to 1 and can be negative or above 1 when groups move
          in opposite directions.

    Notes
    -----
    中文名: 变化贡献度

    贡献度 = 分组变化量 / 总变化量: the additive decomposition of the change of a sum.
    Only additive metrics decompose this way; for ratios (AOV, conversion) compare the
    numerator and the denominator separately.

    Examples
    --------
    >>> import pandas as pd
    >>> now = pd.DataFrame({"channel": ["ads", "search"], "paid_amount": [300.0, 500.0]})
    >>> before = pd.DataFrame({"channel": ["ads", "search"], "paid_amount": [200.0, 650.0]})
    >>> contribution(now, before, by="channel")
      channel  current  previous  change  share_of_change
    0  search    500.0     650.0  -150.0              3.0
    1     ads    300.0     200.0   100.0             -2.0
    """
    require(current, [by, metric], "current")
    require(previous, [by, metric], "previous")
    now = current.groupby(by, sort=True)[metric].sum(min_count=1).rename("current")
    before = previous.groupby(by, sort=True)[metric].sum(min_count=1).rename("previous")
    out = pd.concat([now, before], axis=1, sort=True).fillna(0.0)
    out.index.name = by
    out = out.reset_index()
    out["change"] = out["current"] - out["previous"]
    total = out["change"].sum()
    out["share_of_change"] = ratio(out["change"], pd.Series(total, index=out.index))
    out = out.iloc[np.argsort(-out["change"].abs().to_numpy(), kind="stable")]
    schema = {by: current[by].dtype, **CONTRIBUTION_COLUMNS}
    return conform(out, schema)


def vs_trailing_mean(
    daily: pd.DataFrame,
    *,
    value_cols: Sequence[str],
    days: int = 7,
    lag: int = 7,
    date_col: str = "period_start",
) -> pd.DataFrame:
    """Each day against the mean of the ``days`` days before it and the same day a week ago.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per local day (e.g. :func:`~ecanalysis.metrics.orders.daily_sales`, which
        fills quiet days with zeros).
    value_cols : list of str
        Columns to compare.
    days : int, default 7
        Length of the trailing window (the day itself excluded).
    lag : int, default 7
        Days back for the point comparison (7: the same weekday last week).
    date_col : str, default "period_start"
        The day column.

    Returns
    -------
    pandas.DataFrame
        One row per day, sorted, with ``date_col`` (datetime64[ns]) and for each value
        column ``c``:

        - ``c`` (float64): the day's value.
        - ``c_trailing_mean`` (float64): mean over the ``days`` calendar days before
          (NaN until ``days`` earlier days exist).
        - ``c_vs_trailing`` (float64): c / c_trailing_mean − 1 (NaN when the mean is 0).
        - ``c_lag_<lag>`` (float64): the value ``lag`` days earlier (NaN when absent).

    Notes
    -----
    中文名: 与近N日均值对比

    The daily report's "vs trailing 7-day mean" and "vs same weekday last week". The
    window is in calendar days: a day absent from ``daily`` shortens the window's count
    and the mean is NaN, so pass a frame with every day (``daily_sales``).

    Examples
    --------
    >>> import pandas as pd
    >>> daily = pd.DataFrame({"period_start": pd.date_range("2025-11-01", periods=8),
    ...                       "orders": [10, 10, 10, 10, 10, 10, 10, 15]})
    >>> [float(v) for v in vs_trailing_mean(daily, value_cols=["orders"]).iloc[-1].iloc[1:]]
    [15.0, 10.0, 0.5, 10.0]
    """
    require(daily, [date_col, *value_cols], "daily", options={date_col: "date_col"})
    if days < 1 or lag < 1:
        raise ValueError(f"vs_trailing_mean: days={days} and lag={lag} must be at least 1")
    frame = daily[[date_col, *value_cols]].copy()
    frame[date_col] = local_naive(frame[date_col]).dt.normalize()
    frame = frame.sort_values(date_col).set_index(date_col)
    out = pd.DataFrame(index=frame.index)
    for column in value_cols:
        values = pd.to_numeric(frame[column]).astype("float64")
        window = values.rolling(f"{days}D", closed="left")
        mean = window.mean().where(window.count() == days)
        lagged = values.copy()
        lagged.index = lagged.index + pd.Timedelta(days=lag)
        out[column] = values
        out[f"{column}_trailing_mean"] = mean
        out[f"{column}_vs_trailing"] = ratio(values, mean) - 1
        out[f"{column}_lag_{lag}"] = lagged.reindex(out.index)
    schema = {date_col: "datetime64[ns]", **dict.fromkeys(out.columns, "float64")}
    return conform(out.reset_index(), schema)


MIX_RATE_COLUMNS = {
    "previous_weight": "float64",
    "current_weight": "float64",
    "previous_rate": "float64",
    "current_rate": "float64",
    "mix_effect": "float64",
    "rate_effect": "float64",
    "total_effect": "float64",
}


def mix_rate_decomposition(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    by: str,
    numerator: str,
    denominator: str,
) -> pd.DataFrame:
    """Split the change of a ratio (AOV, conversion) into mix and rate effects by group.

    Parameters
    ----------
    current, previous : pandas.DataFrame
        Grouped tables for two periods with ``by``, ``numerator`` and ``denominator``
        (several rows of a group are summed).
    by : str
        The group column (e.g. ``"channel"``).
    numerator, denominator : str
        Additive columns whose ratio is decomposed (AOV: ``paid_amount`` over ``orders``).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by group:

        - ``by`` column (its input dtype).
        - ``previous_weight``, ``current_weight`` (float64): the group's share of the
          denominator (0 when absent in that period).
        - ``previous_rate``, ``current_rate`` (float64): the group's ratio (NaN when absent).
        - ``mix_effect`` (float64): (current_weight − previous_weight) × (previous_rate −
          overall previous ratio).
        - ``rate_effect`` (float64): current_weight × (current_rate − previous_rate).
        - ``total_effect`` (float64): mix_effect + rate_effect.

    Notes
    -----
    中文名: 结构与比率分解

    With R = Σ w·r (w = group share of the denominator, r = group ratio), the change
    R₁ − R₀ = Σ (w₁ − w₀)·r₀ + Σ w₁·(r₁ − r₀) exactly; centring r₀ on R₀ in the mix term
    changes no total (Σ (w₁ − w₀) = 0) and makes a group's mix effect positive when
    weight moves towards groups above the average. A group new in the current period
    has no previous ratio: its rate effect is 0 and its whole contribution is mix; a
    vanished group contributes mix only. ``total_effect`` sums to the change of the ratio.

    Examples
    --------
    >>> import pandas as pd
    >>> before = pd.DataFrame({"channel": ["ads", "search"], "paid_amount": [200.0, 400.0],
    ...                        "orders": [2, 8]})
    >>> now = pd.DataFrame({"channel": ["ads", "search"], "paid_amount": [500.0, 250.0],
    ...                     "orders": [5, 5]})
    >>> out = mix_rate_decomposition(now, before, by="channel", numerator="paid_amount",
    ...                              denominator="orders")
    >>> out[["channel", "mix_effect", "rate_effect", "total_effect"]]
      channel  mix_effect  rate_effect  total_effect
    0     ads        12.0          0.0          12.0
    1  search         3.0          0.0           3.0

    AOV rose from 60 to 75 with no channel changing its own AOV: all mix.
    """
    columns = [by, numerator, denominator]
    require(current, columns, "current")
    require(previous, columns, "previous")
    now = current.groupby(by, sort=True)[[numerator, denominator]].sum()
    before = previous.groupby(by, sort=True)[[numerator, denominator]].sum()
    joined = pd.concat([now.add_prefix("c_"), before.add_prefix("p_")], axis=1, sort=True)
    out = pd.DataFrame(index=joined.index)
    for side in ("c", "p"):
        num = joined[f"{side}_{numerator}"].astype("float64")
        den = joined[f"{side}_{denominator}"].astype("float64")
        name = "current" if side == "c" else "previous"
        out[f"{name}_weight"] = ratio(den.fillna(0.0), _total(den))
        out[f"{name}_rate"] = ratio(num, den)
    overall = ratio(float(joined[f"p_{numerator}"].sum()), float(joined[f"p_{denominator}"].sum()))
    base = out["previous_rate"].fillna(out["current_rate"])
    out["mix_effect"] = (out["current_weight"] - out["previous_weight"]) * (base - overall)
    out["rate_effect"] = (out["current_weight"] * (out["current_rate"] - base)).fillna(0.0)
    out["total_effect"] = out["mix_effect"] + out["rate_effect"]
    out.index.name = by
    schema = {by: current[by].dtype, **MIX_RATE_COLUMNS}
    return conform(out.reset_index(), schema)


def _total(values: pd.Series) -> pd.Series:
    return pd.Series(values.sum(), index=values.index, dtype="float64")
