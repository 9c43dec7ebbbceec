"""Anomalous days (异常检测): seasonal-trend decomposition and a robust residual scale.

A daily KPI (sales, orders, visitors) is split by STL into trend, weekly season and
remainder; a day is anomalous when its remainder is far outside the typical remainder,
measured robustly (median absolute deviation), so that the anomalies themselves do not
widen the band that should catch them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import conform, never_negative
from ecanalysis.metrics._timeseries import daily_series
from ecanalysis.params import DEFAULT_THRESHOLDS

#: Columns of :func:`detect_anomalies`.
ANOMALY_COLUMNS = {
    "date": "datetime64[ns]",
    "value": "float64",
    "expected": "float64",
    "lower": "float64",
    "upper": "float64",
    "residual": "float64",
    "score": "float64",
    "is_anomaly": "bool",
    "direction": "str",
}

#: MAD × this constant estimates the standard deviation of normal residuals.
MAD_TO_SD = 1.4826

#: The scale is at least this share of the median absolute value (noise below 1 % is rounding).
SCALE_FLOOR = 0.01

#: STL seasonal smoother (in seasons): the weekly pattern may drift over about a quarter.
SEASONAL_SMOOTHER = 13


def detect_anomalies(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    period: int = 7,
    threshold: float = DEFAULT_THRESHOLDS["anomaly_threshold"],
    robust: bool = True,
) -> pd.DataFrame:
    """Flag days whose value is far from what trend and weekly season lead to expect.

    Parameters
    ----------
    series_frame : pandas.DataFrame
        One row per day: ``date_col`` and ``value_col`` (e.g. ``orders.daily_sales``
        with ``period_start`` renamed to ``date``). One store or group only.
    value_col : str
        The KPI to check (``paid_amount``, ``orders``, ``visitors`` …).
    date_col : str, default "date"
        The local day of each row.
    period : int, default 7
        Length of the season in days (7: weekly pattern).
    threshold : float, default 3.5
        How many robust standard deviations a remainder must exceed to be flagged.
    robust : bool, default True
        Set anomalies aside one at a time and refit, so that they bend neither the
        expectation nor the scale (see Notes); ``False`` fits once.

    Returns
    -------
    pandas.DataFrame
        One row per day from the first to the last day of the frame, sorted by date:

        - ``date`` (datetime64[ns]): the local day.
        - ``value`` (float64): the KPI (0 on days absent from the frame).
        - ``expected`` (float64): trend + seasonal component; never below 0 for a
          series without negative values.
        - ``lower``, ``upper`` (float64): expected ∓ threshold × scale; ``lower`` is
          floored at 0 for a series without negative values.
        - ``residual`` (float64): value − expected.
        - ``score`` (float64): residual / scale (a robust z-score).
        - ``is_anomaly`` (bool): \\|score\\| > threshold.
        - ``direction`` (str): ``"up"`` or ``"down"`` for anomalies, missing otherwise.

        When the series is shorter than 2 × period + 1 days, every model column is NaN,
        nothing is flagged, and ``result.attrs["note"]`` says why.

    Notes
    -----
    中文名: 异常检测

    Method: STL decomposition (Cleveland et al. 1990; ``statsmodels.tsa.seasonal.STL``
    with ``period`` and a seasonal smoother of 13 seasons) of the daily series;
    expected = trend + season; scale = 1.4826 × median absolute deviation of the
    remainders (the standard deviation for normal noise, insensitive to the anomalies
    themselves), floored at 1 % of the median \\|value\\| so that a nearly constant
    series does not flag rounding noise. A day is anomalous when
    \\|value − expected\\| > threshold × scale; with normal noise the default 3.5 flags
    about 1 day in 2,000 by chance. With ``robust``, the day with the largest score
    beyond the threshold is replaced by its expected value and the series refitted, one
    day at a time (at most a tenth of the days), so that a big spike neither lifts its
    weekday's seasonal value nor widens the band (Rosner's generalized ESD idea). The
    remainders of STL's own ``robust=True`` iterations are too peaked for a MAD scale (on
    normal noise about 5 % of days would be flagged), so that option is not used.

    A KPI that cannot be negative (sales, orders, visitors, conversion: no negative
    value in the series) cannot be expected below 0: trend + season is floored at 0
    (STL extrapolates a falling trend or a deep weekly trough below zero), in the fit
    too, so a day at 0 against a model value of −80 has residual 0 and is not "up",
    and the lower band is floored at 0. A series with a negative value (net sales
    after refunds) is modelled without the floor.

    Days absent from the frame count as 0 (no orders that day), which a real outage
    should show as a dip. NaN values are interpolated for the decomposition and are
    never flagged.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-09-01", periods=56, freq="D")
    >>> weekly = np.tile([100.0, 90, 95, 105, 120, 150, 140], 8)
    >>> noise = np.random.default_rng(0).normal(0, 3, 56)
    >>> sales = pd.DataFrame({"date": days, "paid_amount": weekly + noise})
    >>> sales.loc[40, "paid_amount"] += 80
    >>> flags = detect_anomalies(sales, value_col="paid_amount")
    >>> flags.loc[flags["is_anomaly"], ["date", "direction"]]
             date direction
    40 2025-10-11        up
    """
    _check_options(period, threshold)
    series = daily_series(series_frame, value_col, date_col)
    out = pd.DataFrame({"date": series.index, "value": series.to_numpy()})
    if len(series) < 2 * period + 1:
        out = conform(out, ANOMALY_COLUMNS)
        out["is_anomaly"] = False
        out.attrs["note"] = (
            f"{len(series)} day(s) of {value_col}: STL needs at least {2 * period + 1} "
            f"(two seasons of {period} days and one more); nothing is flagged"
        )
        return out
    non_negative = never_negative(series)
    expected, scale = _fit(series, period, threshold, robust=robust, non_negative=non_negative)
    residual = series.to_numpy() - expected
    score = residual / scale
    flagged = np.abs(score) > threshold
    lower = expected - threshold * scale
    out["expected"] = expected
    out["lower"] = np.maximum(lower, 0.0) if non_negative else lower
    out["upper"] = expected + threshold * scale
    out["residual"] = residual
    out["score"] = score
    out["is_anomaly"] = flagged
    out["direction"] = pd.Series(np.where(score > 0, "up", "down"), dtype="str").where(flagged)
    return conform(out, ANOMALY_COLUMNS)


def _check_options(period: int, threshold: float) -> None:
    if not isinstance(period, int | np.integer) or period < 2:
        raise ParameterError(f"period={period!r} must be a whole number of days >= 2 (7: weekly)")
    if not np.isscalar(threshold) or not threshold > 0:
        raise ParameterError(f"threshold={threshold!r} must be a positive number (e.g. 3.5)")


def _fit(series: pd.Series, period: int, threshold: float, *, robust: bool, non_negative: bool):
    """Expected values (STL trend + season) and the robust residual scale.

    With ``non_negative`` (the series has no negative value), expected values are
    floored at 0 before residuals and stand-ins are taken from them.

    With ``robust``, the day with the largest score beyond the threshold is set aside
    (replaced by its expected value, refined over three refits) and the series
    refitted, one day at a time, up to a tenth of the days, so that anomalies bend neither the expectation nor the scale.
    NaN values are interpolated first.
    """
    from statsmodels.tsa.seasonal import STL

    values = series.interpolate(limit_direction="both").fillna(0.0).to_numpy()
    level = float(np.median(np.abs(values)))
    cleaned, aside = values.copy(), np.zeros(len(values), dtype=bool)
    for _ in range(len(values) // 10 + 1 if robust else 1):
        for _ in range(3 if aside.any() else 1):  # refine the stand-ins of the days set aside
            fit = STL(cleaned, period=period, seasonal=SEASONAL_SMOOTHER).fit()
            expected = np.asarray(fit.trend) + np.asarray(fit.seasonal)
            if non_negative:
                expected = np.maximum(expected, 0.0)
            cleaned[aside] = expected[aside]
        scale = _robust_scale((values - expected)[~aside], level)
        scores = np.where(aside, 0.0, np.abs(values - expected) / scale)
        worst = int(np.argmax(scores))
        if scores[worst] <= threshold:
            break
        aside[worst], cleaned[worst] = True, expected[worst]
    return expected, scale


def _robust_scale(residual: np.ndarray, level: float) -> float:
    """1.4826 × MAD of the residuals, floored at 1 % of the level of the series."""
    mad = float(np.median(np.abs(residual - np.median(residual))))
    return max(MAD_TO_SD * mad, SCALE_FLOOR * level, 1e-9)
