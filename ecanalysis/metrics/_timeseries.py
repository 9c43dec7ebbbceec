"""Daily series for the statistical metrics (anomalies, forecasts, campaign lift).

Private to ``ecanalysis.metrics``. A daily frame (``date`` + a value column, e.g. from
``orders.daily_sales``) becomes a float Series with one entry per local day; dates given as
text, ``datetime.date`` or (tz-aware) timestamps become naive local midnights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.errors import DataError, ParameterError
from ecanalysis.metrics._common import PERIOD_DTYPE, local_naive, require


def daily_series(frame: pd.DataFrame, value_col: str, date_col: str) -> pd.Series:
    """``value_col`` by local day, every day from the first to the last; absent days are 0.

    A day missing from the frame had nothing (no orders, no sales): counts and amounts
    are 0 on it. NaN values in the frame stay NaN. Several rows on one day are refused
    (filter one store or aggregate first).
    """
    require(
        frame,
        [date_col, value_col],
        "series_frame",
        options={date_col: "date_col", value_col: "value_col"},
    )
    days = local_naive(frame[date_col]).dt.normalize()
    values = pd.to_numeric(frame[value_col], errors="coerce").astype("float64")
    duplicated = days.duplicated(keep=False) & days.notna()
    if duplicated.any():
        rows = np.flatnonzero(duplicated.to_numpy())
        raise DataError(
            f"series_frame has {int(duplicated.sum())} rows sharing a {date_col!r} "
            f"(rows {rows[:5].tolist()}, e.g. {days.iloc[rows[0]]:%Y-%m-%d}); pass one row per "
            "day: filter one store or group, or aggregate the frame by day first"
        )
    series = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(days.to_numpy()), name=value_col)
    series = series[series.index.notna()].sort_index()
    if series.empty:
        return pd.Series(dtype="float64", index=pd.DatetimeIndex([], dtype=PERIOD_DTYPE))
    every_day = pd.date_range(series.index[0], series.index[-1], freq="D").astype(PERIOD_DTYPE)
    present = series.reindex(every_day)
    absent = ~every_day.isin(series.index)
    return present.where(~absent, 0.0).rename(value_col)


def normal_quantile(interval: float, name: str = "interval") -> float:
    """The two-sided standard normal quantile of a central ``interval`` (0.8 → 1.2816)."""
    from scipy.stats import norm

    if not np.isscalar(interval) or not 0 < interval < 1:
        raise ParameterError(f"{name}={interval!r} must be a probability in (0, 1), e.g. 0.8")
    return float(norm.ppf(0.5 + interval / 2))
