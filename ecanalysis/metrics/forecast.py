"""Daily forecasts (销售预测): exponential smoothing with weekly seasonality, and baselines.

``forecast_daily`` fits an ETS model (additive error, damped additive trend, additive
weekly season) with statsmodels; ``seasonal_naive`` is the baseline it must beat
(``backtest`` checks that it does); ``project_period_end`` turns a part-month into a
month-end projection for the monthly assessment (月度考核).
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import as_day, conform, never_negative
from ecanalysis.metrics._timeseries import daily_series, normal_quantile

#: Columns of :func:`forecast_daily` and :func:`seasonal_naive`.
FORECAST_COLUMNS = {
    "date": "datetime64[ns]",
    "forecast": "float64",
    "lower": "float64",
    "upper": "float64",
    "model": "str",
}

#: Columns of :func:`backtest`.
BACKTEST_COLUMNS = {
    "model": "str",
    "fold": "int64",
    "test_start": "datetime64[ns]",
    "mape": "float64",
    "smape": "float64",
    "mae": "float64",
}

#: Columns of :func:`project_period_end`.
PROJECTION_COLUMNS = {
    "as_of": "datetime64[ns]",
    "actual_to_date": "float64",
    "forecast_remaining": "float64",
    "projected_total": "float64",
    "lower": "float64",
    "upper": "float64",
    "days_elapsed": "int64",
    "days_remaining": "int64",
}

#: Simulated paths for the interval of a sum of forecast days (fixed seed: reproducible).
_PATHS = 1000


def forecast_daily(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    horizon: int = 30,
    seasonal_periods: int = 7,
    interval: float = 0.8,
) -> pd.DataFrame:
    """Forecast the next ``horizon`` days with exponential smoothing (ETS).

    Parameters
    ----------
    series_frame : pandas.DataFrame
        One row per local day with ``date_col`` and ``value_col`` (one store or group);
        absent days count as 0.
    value_col : str
        The KPI to forecast (``paid_amount``, ``orders`` …).
    date_col : str, default "date"
        The local day of each row.
    horizon : int, default 30
        Days to forecast, starting the day after the last day of the frame.
    seasonal_periods : int, default 7
        Season length in days.
    interval : float, default 0.8
        Coverage of the prediction interval.

    Returns
    -------
    pandas.DataFrame
        ``horizon`` rows (none for an empty frame):

        - ``date`` (datetime64[ns]): the forecast day.
        - ``forecast`` (float64): point forecast.
        - ``lower``, ``upper`` (float64): prediction interval of each day.
        - ``model`` (str): ``"ets"``, or ``"seasonal_naive"`` for short histories.

    Notes
    -----
    中文名: 日度销售预测

    Model: ETS(A, Ad, A) (statsmodels ``ETSModel``: additive error, damped additive trend,
    additive season of ``seasonal_periods`` days), fitted by maximum likelihood;
    intervals are the model's analytic prediction intervals. With fewer than two full
    seasons of history, or when the fit fails, the forecast falls back to
    :func:`seasonal_naive` (``model`` says which). For a series without negative values
    (sales, orders, visitors) the forecast and both bounds are floored at 0: an additive
    model can go below 0 after a quiet spell, and a negative day of sales means nothing.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-09-01", periods=56, freq="D")
    >>> weekly = np.tile([100.0, 90, 95, 105, 120, 150, 140], 8)
    >>> noise = np.random.default_rng(0).normal(0, 3, 56)
    >>> sales = pd.DataFrame({"date": days, "paid_amount": weekly + noise})
    >>> ahead = forecast_daily(sales, value_col="paid_amount", horizon=7)
    >>> bool(np.allclose(ahead["forecast"], weekly[:7], atol=8))  # the weekly pattern
    True
    >>> ahead["model"].iloc[0]
    'ets'
    """
    series = _checked(series_frame, value_col, date_col, horizon, seasonal_periods)
    quantile = normal_quantile(interval)
    fit = _fit_ets(series, seasonal_periods)
    if fit is None:
        return _floored(_naive(series, horizon, seasonal_periods, quantile), series)
    with _quiet():
        frame = fit.get_prediction(start=len(series), end=len(series) + horizon - 1)
        summary = frame.summary_frame(alpha=1 - interval)
    out = pd.DataFrame(
        {
            "date": _future_days(series, horizon),
            "forecast": summary["mean"].to_numpy(),
            "lower": summary["pi_lower"].to_numpy(),
            "upper": summary["pi_upper"].to_numpy(),
            "model": "ets",
        }
    )
    return _floored(conform(out, FORECAST_COLUMNS), series)


def seasonal_naive(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    horizon: int = 30,
    seasonal_periods: int = 7,
    interval: float = 0.8,
) -> pd.DataFrame:
    """Forecast each day as the same weekday of the last week (the seasonal naive baseline).

    Parameters
    ----------
    series_frame, value_col, date_col, horizon, seasonal_periods, interval
        As for :func:`forecast_daily`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`forecast_daily`, ``model`` = ``"seasonal_naive"``.

    Notes
    -----
    中文名: 季节性朴素预测（上周同日）

    forecast(T + h) = y(T + h − m·k), k = ⌈h / m⌉ (m = ``seasonal_periods``). Interval:
    ± z · σ · √k, σ the standard deviation of the one-season differences
    y(t) − y(t − m) (Hyndman and Athanasopoulos, *Forecasting: Principles and Practice*,
    §5.5). With less than one season of history the forecast is NaN. For a series without
    negative values the lower bound is floored at 0.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "date": pd.date_range("2025-11-03", periods=14, freq="D"),
    ...     "orders": [5.0, 6, 7, 8, 9, 10, 11, 6, 7, 8, 9, 10, 11, 12],
    ... })
    >>> seasonal_naive(frame, value_col="orders", horizon=3)[["date", "forecast"]]
            date  forecast
    0 2025-11-17       6.0
    1 2025-11-18       7.0
    2 2025-11-19       8.0
    """
    series = _checked(series_frame, value_col, date_col, horizon, seasonal_periods)
    return _floored(_naive(series, horizon, seasonal_periods, normal_quantile(interval)), series)


def backtest(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    horizon: int = 28,
    folds: int = 3,
    seasonal_periods: int = 7,
) -> pd.DataFrame:
    """Rolling-origin backtest of ETS against the seasonal naive baseline.

    Parameters
    ----------
    series_frame, value_col, date_col, seasonal_periods
        As for :func:`forecast_daily`.
    horizon : int, default 28
        Days forecast in each fold.
    folds : int, default 3
        Number of test windows: the last ``folds`` × ``horizon`` days, in blocks.

    Returns
    -------
    pandas.DataFrame
        Two rows per fold that has at least one season of training data, sorted by
        ``fold`` then ``model``:

        - ``model`` (str): ``"ets"`` or ``"seasonal_naive"``.
        - ``fold`` (int64): 1 = the earliest test window.
        - ``test_start`` (datetime64[ns]): the first test day.
        - ``mape`` (float64): mean \\|actual − forecast\\| / \\|actual\\| over days with
          a non-zero actual (NaN when every actual is 0); a fraction, 0.1 = 10 %.
        - ``smape`` (float64): mean 2 \\|actual − forecast\\| / (\\|actual\\| + \\|forecast\\|)
          over days where the denominator is not 0.
        - ``mae`` (float64): mean absolute error, in the unit of the KPI.

    Notes
    -----
    中文名: 预测回测

    Fold k trains on every day before its test window and forecasts the window's
    ``horizon`` days; errors are the point forecasts against the actuals. ETS falls back
    to seasonal naive on short training data, as in :func:`forecast_daily`.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-06-02", periods=140, freq="D")
    >>> weekly = np.tile([100.0, 90, 95, 105, 120, 150, 140], 20)
    >>> noise = np.random.default_rng(1).normal(0, 5, 140)
    >>> sales = pd.DataFrame({"date": days, "paid_amount": weekly + noise})
    >>> scores = backtest(sales, value_col="paid_amount", horizon=14, folds=2)
    >>> scores[["model", "fold"]].to_dict("list")
    {'model': ['ets', 'seasonal_naive', 'ets', 'seasonal_naive'], 'fold': [1, 1, 2, 2]}
    """
    series = _checked(series_frame, value_col, date_col, horizon, seasonal_periods)
    rows = []
    for fold, cut, train, actual in _folds(series, horizon, folds, seasonal_periods):
        for model, predict in (("ets", forecast_daily), ("seasonal_naive", seasonal_naive)):
            frame = train.rename("value").rename_axis("date").reset_index()
            predicted = predict(
                frame, value_col="value", horizon=horizon, seasonal_periods=seasonal_periods
            )["forecast"].to_numpy()
            rows.append({"model": model, "fold": fold, "test_start": series.index[cut]})
            rows[-1].update(_errors(actual, predicted))
    return conform(pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS)), BACKTEST_COLUMNS)


def project_period_end(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    period_start,
    period_end,
    as_of,
    date_col: str = "date",
    interval: float = 0.8,
    seasonal_periods: int = 7,
) -> pd.DataFrame:
    """Project a period's total from the days so far plus a forecast of the days left.

    Parameters
    ----------
    series_frame, value_col, date_col, seasonal_periods
        As for :func:`forecast_daily`; the history before ``period_start`` feeds the model.
    period_start : date-like
        First local day of the period (``Period.start`` works: tz-aware is fine).
    period_end : date-like
        End of the period, **exclusive** (``Period.end``: the first day after it).
    as_of : date-like
        Last local day with complete data (inclusive); later rows are ignored.
    interval : float, default 0.8
        Coverage of the interval of the projected total.

    Returns
    -------
    pandas.DataFrame
        One row:

        - ``as_of`` (datetime64[ns]): the last day counted as actual.
        - ``actual_to_date`` (float64): sum of ``value_col`` from ``period_start`` to ``as_of``.
        - ``forecast_remaining`` (float64): forecast sum of the days after ``as_of``.
        - ``projected_total`` (float64): actual_to_date + forecast_remaining.
        - ``lower``, ``upper`` (float64): interval of the projected total.
        - ``days_elapsed``, ``days_remaining`` (int64): days in each part.

    Notes
    -----
    中文名: 期末预测（月底达成预估）

    The remaining days are forecast by :func:`forecast_daily` on the history up to
    ``as_of``. The interval of their sum comes from 1,000 simulated ETS paths (fixed
    seed, so reruns agree); for the seasonal naive fallback the daily variances are
    added as if independent. Without history (empty frame) the forecast part is NaN; when
    nothing remains, lower = upper = the actual total.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "date": pd.date_range("2025-10-06", periods=35, freq="D"),
    ...     "orders": [10.0, 10, 10, 10, 10, 20, 20] * 5,
    ... })
    >>> row = project_period_end(frame, value_col="orders", period_start="2025-11-01",
    ...                          period_end="2025-12-01", as_of="2025-11-09")
    >>> row[["actual_to_date", "days_elapsed", "days_remaining"]]
       actual_to_date  days_elapsed  days_remaining
    0           130.0             9              21
    >>> round(float(row["projected_total"].iloc[0]))
    400
    """
    first, stop = _period_bounds(period_start, period_end)
    last = as_day(as_of, "as_of")
    normal_quantile(interval)  # checks interval
    series = _checked(series_frame, value_col, date_col, 1, seasonal_periods)
    last = _clamped(last, first, stop)
    history = series[series.index <= last]
    remaining = int((stop - last).days - 1)
    point, low, high = _remaining_sum(history, last, remaining, seasonal_periods, interval)
    return _projection(history, first, last, remaining, (point, low, high))


def forecast_with_events(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    horizon: int = 30,
    calendar: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    region: str = "all",
    interval: float = 0.8,
    min_history_days: int = 365,
) -> pd.DataFrame:
    """Forecast the next ``horizon`` days knowing the festivals and campaigns ahead.

    Parameters
    ----------
    series_frame, value_col, date_col, horizon, interval
        As for :func:`forecast_daily`.
    calendar : pandas.DataFrame, optional
        Festivals (``calendar.festival_calendar``); default the built-in calendar of
        ``region`` over the history and the horizon.
    campaigns : pandas.DataFrame, optional
        The store's ``campaigns`` table (``campaign_id, start, end``), past and planned.
    region : {"cn", "global", "all"}, default "all"
        Region of the default calendar.
    min_history_days : int, default 365
        With less history than this and no event day in it, the forecast is
        :func:`forecast_daily` (ETS): event effects cannot be estimated.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`forecast_daily`; ``model`` is ``"regression_events"``, or
        ``"ets"`` / ``"seasonal_naive"`` when it falls back.

    Notes
    -----
    中文名: 大促感知的日度预测

    Regression with AR(1) errors of log(1 + y) for a KPI that is never negative (y
    itself otherwise), on the last two years: intercept, linear trend, a yearly season
    (two Fourier pairs, with a year of history or more), six weekday dummies, the 0/1
    columns of ``calendar.event_regressors`` (peak, window, pre-window, post-window) and,
    for each festival seen in the history, dummies of its sale days and of its peak day
    (双11 lifts more than 618). Fitted in two steps (least squares, then φ = lag-1 autocorrelation of the
    residuals, clipped to [0, 0.98]): the model of SARIMAX(1, 0, 0) with ``exog``, at a
    thousandth of the cost of its likelihood fit (seconds a store matter in batch).
    The last residual decays as φʰ into the forecast; the variance of day h is
    σ²(1 − φ²ʰ)/(1 − φ²) + xₕᵀ Σ xₕ, Σ = s² (XᵀX)⁻¹ (1 + φ)/(1 − φ) the coefficients'
    covariance (s² the residual variance, inflated for autocorrelated errors): an
    effect seen in two festivals is uncertain, and the interval says so. Point
    forecast: the back-transformed mean of the log (the median day); interval:
    back-transformed quantiles, floored at 0. Used when the
    history has at least ``min_history_days`` days, or four weeks with an event day;
    otherwise :func:`forecast_daily`.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2024-09-01", "2025-10-31", freq="D")
    >>> rng = np.random.default_rng(0)
    >>> sales = 100 * np.exp(rng.normal(0, 0.05, len(days)))
    >>> sales[(days >= "2024-11-01") & (days <= "2024-11-11")] *= 2.0
    >>> frame = pd.DataFrame({"date": days, "paid_amount": sales})
    >>> ahead = forecast_with_events(frame, value_col="paid_amount", horizon=15, region="cn")
    >>> ahead["model"].iloc[0]
    'regression_events'
    >>> bool(ahead["forecast"].iloc[5] > 1.6 * ahead["forecast"].iloc[14])  # Nov 6 vs Nov 15
    True
    """
    series = _checked(series_frame, value_col, date_col, horizon, 7)
    quantile = normal_quantile(interval)
    if series.empty:
        return conform(pd.DataFrame(), FORECAST_COLUMNS)
    model = _event_model(series, horizon, calendar, campaigns, region, min_history_days)
    if model is None:
        return forecast_daily(
            series_frame,
            value_col=value_col,
            date_col=date_col,
            horizon=horizon,
            interval=interval,
        )
    mean, sd = model.mean_and_sd()
    out = pd.DataFrame(
        {
            "date": _future_days(series, horizon),
            "forecast": model.back(mean),
            "lower": model.back(mean - quantile * sd),
            "upper": model.back(mean + quantile * sd),
            "model": "regression_events",
        }
    )
    return _floored(conform(out, FORECAST_COLUMNS), series)


#: The event regression needs at least this many days (four weeks), whatever the events.
EVENT_MODEL_MIN_DAYS = 28

#: Days of history the event regression is fitted on (the last two years).
EVENT_MODEL_DAYS = 730


def _event_design(days: pd.DatetimeIndex, calendar, campaigns, origin) -> pd.DataFrame:
    """Trend, yearly season, weekday dummies, event classes, one dummy per festival."""
    from ecanalysis.metrics.calendar import REGRESSORS, event_regressors

    events = event_regressors(pd.DataFrame({"date": days}), calendar, campaigns)
    design = pd.DataFrame(index=days)
    design["const"] = 1.0
    design["trend"] = np.asarray((days - origin).days, dtype="float64") / 365.25
    angle = 2 * np.pi * days.day_of_year.to_numpy() / 365.25
    for k in (1, 2):
        design[f"sin_{k}"], design[f"cos_{k}"] = np.sin(k * angle), np.cos(k * angle)
    for weekday in range(1, 7):
        design[f"weekday_{weekday}"] = (days.day_of_week == weekday).astype("float64")
    for column in REGRESSORS:
        design[column] = events[column].to_numpy(dtype="float64")
    if calendar is not None:
        for name, rows in calendar.groupby("event"):
            inside, peak = np.zeros(len(days)), np.zeros(len(days))
            for _, row in rows.iterrows():
                inside[(days >= row["start"]) & (days <= row["end"])] = 1.0
                peak[days == row["peak"]] = 1.0
            design[f"sale_{name}"], design[f"peak_{name}"] = inside, peak
    return design


class _EventModel:
    """Least squares on the design, AR(1) errors (two-step, Cochrane-Orcutt style)."""

    def __init__(self, target, past, future, logged):
        coef, *_ = np.linalg.lstsq(past, target, rcond=None)
        residual = target - past @ coef
        spread = float(np.std(residual[1:]) * np.std(residual[:-1]))
        lag_one = float(np.mean(residual[1:] * residual[:-1]) / spread) if spread > 0 else 0.0
        self.phi = float(np.clip(lag_one, 0.0, 0.98))
        innovations = residual[1:] - self.phi * residual[:-1]
        self.sigma = float(np.std(innovations, ddof=past.shape[1] + 1))
        # coefficient uncertainty, with the AR(1) variance inflation of slowly varying
        # regressors (1 + φ)/(1 − φ): a festival seen twice is not known exactly
        inflation = (1 + self.phi) / (1 - self.phi)
        covariance = np.var(residual) * inflation * np.linalg.pinv(past.T @ past)
        self.base = future @ coef
        self.base_cov = future @ covariance @ future.T
        self.last = float(residual[-1])
        self.logged = logged

    def back(self, values):
        return np.expm1(values) if self.logged else values

    def mean_and_sd(self):
        steps = np.arange(1, len(self.base) + 1)
        mean = self.base + self.last * self.phi**steps
        variance = self.sigma**2 * (1 - self.phi ** (2 * steps)) / max(1 - self.phi**2, 1e-9)
        return mean, np.sqrt(variance + np.clip(np.diag(self.base_cov), 0.0, None))

    def paths(self, repetitions: int, rng) -> np.ndarray:
        """Simulated future days (horizon × repetitions), back-transformed: AR(1) errors
        plus a draw of the coefficients' error shared by the days of a path."""
        errors = np.empty((len(self.base), repetitions))
        state = np.full(repetitions, self.last)
        for day in range(len(self.base)):
            state = self.phi * state + rng.normal(0.0, self.sigma, repetitions)
            errors[day] = state
        values, vectors = np.linalg.eigh(self.base_cov)
        root = vectors * np.sqrt(np.clip(values, 0.0, None))
        shift = root @ rng.normal(size=(len(self.base), repetitions))
        return self.back(self.base[:, None] + shift + errors)


def _event_model(series, horizon, calendar, campaigns, region, min_history_days):
    """The fitted event regression, or None when it does not apply."""
    from ecanalysis.metrics.calendar import festival_calendar

    series = series.iloc[-EVENT_MODEL_DAYS:]
    days = pd.date_range(series.index[0], periods=len(series) + horizon, freq="D")
    if calendar is None:
        calendar = festival_calendar(days[0], days[-1], region=region)
    design = _event_design(days, calendar, campaigns, series.index[0])
    past, future = design.iloc[: len(series)], design.iloc[len(series) :]
    fixed = ["const", "trend", *(c for c in design.columns if c.startswith("weekday_"))]
    events = [c for c in design.columns if c not in fixed and not c.startswith(("sin", "cos"))]
    seen = [c for c in events if past[c].any()]
    if len(series) < EVENT_MODEL_MIN_DAYS or (len(series) < min_history_days and not seen):
        return None
    yearly = [c for c in design.columns if c.startswith(("sin", "cos"))]
    columns = fixed + (yearly if len(series) >= 365 else []) + seen
    logged = never_negative(series)
    target = np.log1p(series.to_numpy()) if logged else series.to_numpy()
    return _EventModel(target, past[columns].to_numpy(), future[columns].to_numpy(), logged)


# -- helpers ----------------------------------------------------------------------------------


def _checked(frame, value_col, date_col, horizon, seasonal_periods) -> pd.Series:
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ParameterError(f"horizon={horizon!r} must be a whole number of days >= 1")
    if not isinstance(seasonal_periods, int | np.integer) or seasonal_periods < 1:
        raise ParameterError(f"seasonal_periods={seasonal_periods!r} must be a whole number >= 1")
    return daily_series(frame, value_col, date_col).fillna(0.0)


@contextmanager
def _quiet():
    """Silence statsmodels' convergence and frequency warnings inside a fit, nothing else."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, ValueWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", ValueWarning)
        yield


def _fit_ets(series: pd.Series, seasonal_periods: int):
    """The fitted ETS(A, Ad, A) results, or None when the history is too short or the fit fails."""
    if len(series) < 2 * seasonal_periods or seasonal_periods < 2:
        return None
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(
        pd.Series(series.to_numpy()),  # RangeIndex: statsmodels' predictions need an index
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add",
        seasonal_periods=seasonal_periods,
    )
    try:
        with _quiet():
            return model.fit(disp=False)
    except (ValueError, np.linalg.LinAlgError):
        return None


def _future_days(series: pd.Series, horizon: int) -> pd.DatetimeIndex:
    return pd.date_range(series.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")


def _floored(forecast: pd.DataFrame, series: pd.Series) -> pd.DataFrame:
    """``forecast`` with its values and bounds floored at 0 when ``series`` never goes below 0."""
    if never_negative(series):
        columns = ["forecast", "lower", "upper"]
        forecast[columns] = forecast[columns].clip(lower=0.0)
    return forecast


def _naive_parts(series: pd.Series, horizon: int, m: int):
    """Point forecasts and their standard deviations of the seasonal naive method."""
    values = series.to_numpy()
    if len(values) < m:
        return np.full(horizon, np.nan), np.full(horizon, np.nan)
    steps = np.arange(horizon)
    point = values[len(values) - m + steps % m]
    differences = values[m:] - values[:-m]
    sigma = float(np.std(differences, ddof=1)) if len(differences) > 1 else np.nan
    return point, sigma * np.sqrt(steps // m + 1)


def _naive(series: pd.Series, horizon: int, m: int, quantile: float) -> pd.DataFrame:
    if series.empty:
        return conform(pd.DataFrame(), FORECAST_COLUMNS)
    point, sd = _naive_parts(series, horizon, m)
    out = pd.DataFrame(
        {
            "date": _future_days(series, horizon),
            "forecast": point,
            "lower": point - quantile * sd,
            "upper": point + quantile * sd,
            "model": "seasonal_naive",
        }
    )
    return conform(out, FORECAST_COLUMNS)


def _remaining_sum(history: pd.Series, last, remaining: int, m: int, interval: float):
    """Point forecast and interval (offsets) of the sum of the ``remaining`` days."""
    if remaining == 0:
        return 0.0, 0.0, 0.0
    if history.empty:
        return np.nan, np.nan, np.nan
    quantile = normal_quantile(interval)
    history = history.reindex(pd.date_range(history.index[0], last, freq="D"), fill_value=0.0)
    floor = 0.0 if never_negative(history) else -np.inf  # no negative days for sales, orders
    fit = _fit_ets(history, m)
    if fit is None:
        point, sd = _naive_parts(history, remaining, m)
        total, spread = float(point.sum()), float(np.sqrt(np.sum(sd**2)))
        return total, max(total - quantile * spread, floor), total + quantile * spread
    with _quiet():
        total = float(np.sum(np.maximum(fit.forecast(remaining), floor)))
    paths = _simulated_ets(fit, remaining, _PATHS, np.random.default_rng(0))
    sums = np.maximum(paths, floor).sum(axis=0)
    low, _, high = _central(sums, interval)
    return total, low, high


def _period_bounds(period_start, period_end):
    """First day and exclusive end of a period, checked to be in order."""
    first, stop = as_day(period_start, "period_start"), as_day(period_end, "period_end")
    if stop <= first:
        raise ParameterError(
            f"period_end {stop:%Y-%m-%d} must be after period_start {first:%Y-%m-%d}"
        )
    return first, stop


def _clamped(last, first, stop):
    """``as_of`` moved inside [the day before ``first``, the last day before ``stop``]."""
    return min(max(last, first - pd.Timedelta(days=1)), stop - pd.Timedelta(days=1))


def _projection(history: pd.Series, first, last, remaining: int, rest) -> pd.DataFrame:
    """The one-row frame of a projection: actual since ``first`` plus ``rest`` (point, low, high)."""
    actual = float(history[history.index >= first].sum())
    point, low, high = rest
    out = pd.DataFrame(
        {
            "as_of": [last],
            "actual_to_date": [actual],
            "forecast_remaining": [point],
            "projected_total": [actual + point],
            "lower": [actual + low],
            "upper": [actual + high],
            "days_elapsed": [int((last - first).days + 1)],
            "days_remaining": [remaining],
        }
    )
    return conform(out, PROJECTION_COLUMNS)


def _folds(series: pd.Series, horizon: int, folds: int, min_train: int):
    """Rolling-origin folds: (fold, cut, training series, actual values of the window)."""
    if not isinstance(folds, int | np.integer) or folds < 1:
        raise ParameterError(f"folds={folds!r} must be a whole number >= 1")
    for fold in range(1, folds + 1):
        cut = len(series) - (folds - fold + 1) * horizon
        if cut < min_train:
            continue
        yield fold, cut, series.iloc[:cut], series.iloc[cut : cut + horizon].to_numpy()


def _simulated_ets(fit, horizon: int, paths: int, rng) -> np.ndarray:
    """Days simulated from the end of a fitted ETS model (horizon × paths)."""
    with _quiet():
        drawn = fit.simulate(horizon, anchor="end", repetitions=paths, rng=rng)
    return np.asarray(drawn).reshape(horizon, -1)


def _central(totals: np.ndarray, interval: float) -> tuple[float, float, float]:
    """Lower bound, median and upper bound of the central ``interval`` of ``totals``."""
    tail = (1 - interval) / 2
    low, middle, high = np.quantile(totals, [tail, 0.5, 1 - tail])
    return float(low), float(middle), float(high)


def _errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    error = np.abs(actual - predicted)
    nonzero = actual != 0
    denominator = np.abs(actual) + np.abs(predicted)
    return {
        "mape": float(np.mean(error[nonzero] / np.abs(actual[nonzero])))
        if nonzero.any()
        else np.nan,
        "smape": float(np.mean(2 * error[denominator > 0] / denominator[denominator > 0]))
        if (denominator > 0).any()
        else np.nan,
        "mae": float(np.mean(error)),
    }


# -- issue 17: the total of a future period, with the event model's range --------------------

#: Columns of :func:`forecast_period_total`.
PERIOD_TOTAL_COLUMNS = {
    "period_start": "datetime64[ns]",
    "days": "int64",
    "forecast": "float64",
    "lower": "float64",
    "upper": "float64",
    "model": "str",
}


def forecast_period_total(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    period_start,
    period_end,
    date_col: str = "date",
    calendar: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    region: str = "all",
    interval: float = 0.8,
    paths: int = _PATHS,
) -> pd.DataFrame:
    """The total of a future period from :func:`forecast_with_events`, with its interval.

    Parameters
    ----------
    series_frame, value_col, date_col, calendar, campaigns, region
        As for :func:`forecast_with_events`; only the days before ``period_start`` feed
        the model.
    period_start : date-like
        First local day of the period (``Period.start`` works).
    period_end : date-like
        End of the period, **exclusive** (``Period.end``: the first day after it).
    interval : float, default 0.8
        Coverage of the interval of the total.
    paths : int, default 1000
        Simulated paths behind the interval (fixed seed: reruns agree).

    Returns
    -------
    pandas.DataFrame
        One row:

        - ``period_start`` (datetime64[ns]).
        - ``days`` (int64): days in the period.
        - ``forecast`` (float64): the median of the simulated totals (the total as likely
          to be above as below).
        - ``lower``, ``upper`` (float64): the (1 − interval)/2 and (1 + interval)/2
          quantiles of the simulated totals.
        - ``model`` (str): ``regression_events``, ``ets`` or ``seasonal_naive``.

    Notes
    -----
    中文名: 期间合计预测（含区间）

    The model is the one :func:`forecast_with_events` picks, run from the last day of
    history to the end of the period (days between them are forecast and not counted).
    The total and its interval are read from ``paths`` simulated paths of that model:
    the interval of a sum is not the sum of the days' intervals (errors are correlated),
    and the sum of the daily point forecasts (each a median day) understates the total
    of a skewed KPI such as refunds, and can fall outside its interval. Paths come from
    the same model (the event regression's
    AR(1) errors and coefficient draws; the ETS model's own simulation when it falls
    back; independent normal days around the seasonal naive forecast last), each day
    floored at 0 for a KPI that is never negative. NaN without history.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-08-04", "2025-10-31", freq="D")
    >>> sales = 100 + np.random.default_rng(0).normal(0, 5, len(days))
    >>> frame = pd.DataFrame({"date": days, "paid_amount": sales})
    >>> row = forecast_period_total(frame, value_col="paid_amount", period_start="2025-11-01",
    ...                             period_end="2025-12-01", region="global")
    >>> int(row["days"].iloc[0])
    30
    >>> bool(row["lower"].iloc[0] < row["forecast"].iloc[0] < row["upper"].iloc[0])
    True
    """
    first, stop = _period_bounds(period_start, period_end)
    if not isinstance(paths, int | np.integer) or paths < 2:
        raise ParameterError(f"paths={paths!r} must be a whole number >= 2")
    normal_quantile(interval)  # checks interval
    days = int((stop - first).days)
    series = _checked(series_frame, value_col, date_col, 1, 7)
    history = series[series.index < first]
    row = {"period_start": first, "days": days, "forecast": np.nan, "lower": np.nan}
    row |= {"upper": np.nan, "model": ""}
    if not history.empty:
        gap = int((first - history.index[-1]).days) - 1
        frame = history.rename("value").rename_axis("date").reset_index()
        ahead = forecast_with_events(
            frame,
            value_col="value",
            horizon=gap + days,
            calendar=calendar,
            campaigns=campaigns,
            region=region,
            interval=interval,
        )
        model = ahead["model"].iloc[0]
        drawn = _paths(history, model, gap + days, paths, calendar, campaigns, region)[gap:]
        floor = 0.0 if never_negative(history) else -np.inf
        low, middle, high = _central(np.maximum(drawn, floor).sum(axis=0), interval)
        row |= {"forecast": middle, "lower": low, "upper": high, "model": model}
    return conform(pd.DataFrame([row]), PERIOD_TOTAL_COLUMNS)


def _paths(history, model: str, horizon: int, paths: int, calendar, campaigns, region):
    """Days simulated by ``model`` (horizon × paths), from a fixed seed."""
    rng = np.random.default_rng(0)
    if model == "regression_events":
        fitted = _event_model(history, horizon, calendar, campaigns, region, 365)
        return fitted.paths(paths, rng)
    fit = _fit_ets(history, 7) if model == "ets" else None
    return _ets_or_naive_paths(fit, history, horizon, paths, rng)


def _ets_or_naive_paths(fit, history: pd.Series, horizon: int, paths: int, rng) -> np.ndarray:
    """Days simulated from the fitted ETS model, or, when ``fit`` is None, the seasonal
    naive forecast of ``history`` with independent normal days (horizon × paths)."""
    if fit is not None:
        return _simulated_ets(fit, horizon, paths, rng)
    point, sd = _naive_parts(history, horizon, 7)
    return point[:, None] + np.nan_to_num(sd)[:, None] * rng.normal(size=(horizon, paths))


def project_period_end_with_events(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    period_start,
    period_end,
    as_of,
    date_col: str = "date",
    calendar: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    region: str = "all",
    interval: float = 0.8,
) -> pd.DataFrame:
    """:func:`project_period_end` with the remaining days forecast by the event model.

    Parameters
    ----------
    series_frame, value_col, date_col, period_start, period_end, as_of, interval
        As for :func:`project_period_end`.
    calendar, campaigns, region
        As for :func:`forecast_with_events`: the festivals and campaigns of the days left.

    Returns
    -------
    pandas.DataFrame
        One row with the columns of :func:`project_period_end`.

    Notes
    -----
    中文名: 期末预测（大促感知）

    projected_total = actual_to_date + the :func:`forecast_period_total` of the days
    after ``as_of`` (history up to ``as_of``); its interval is actual_to_date plus the
    interval of that total (simulated paths), so a campaign still ahead in the month
    counts in the projection and the next month's forecast alike.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "date": pd.date_range("2025-10-06", periods=35, freq="D"),
    ...     "orders": [10.0, 10, 10, 10, 10, 20, 20] * 5,
    ... })
    >>> row = project_period_end_with_events(frame, value_col="orders",
    ...     period_start="2025-11-01", period_end="2025-12-01", as_of="2025-11-09", region="global")
    >>> row[["actual_to_date", "days_elapsed", "days_remaining"]]
       actual_to_date  days_elapsed  days_remaining
    0           130.0             9              21
    """
    first, stop = _period_bounds(period_start, period_end)
    series = _checked(series_frame, value_col, date_col, 1, 7)
    last = _clamped(as_day(as_of, "as_of"), first, stop)
    history = series[series.index <= last]
    remaining = int((stop - last).days - 1)
    point = low = high = 0.0
    if remaining:
        frame = history.rename(value_col).rename_axis(date_col).reset_index()
        rest = forecast_period_total(
            frame,
            value_col=value_col,
            date_col=date_col,
            period_start=last + pd.Timedelta(days=1),
            period_end=stop,
            calendar=calendar,
            campaigns=campaigns,
            region=region,
            interval=interval,
        ).iloc[0]
        point, low, high = rest["forecast"], rest["lower"], rest["upper"]
    return _projection(history, first, last, remaining, (point, low, high))


def backtest_with_events(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    horizon: int = 28,
    folds: int = 3,
    calendar: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    region: str = "all",
) -> pd.DataFrame:
    """Rolling-origin backtest of :func:`forecast_with_events` against the seasonal naive.

    Parameters
    ----------
    series_frame, value_col, date_col, horizon, folds
        As for :func:`backtest`.
    calendar, campaigns, region
        As for :func:`forecast_with_events`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`backtest`; ``model`` is the model the event forecast used in
        the fold (``regression_events``, or ``ets`` / ``seasonal_naive`` when it fell
        back) and ``seasonal_naive`` for the baseline.

    Notes
    -----
    中文名: 大促感知预测回测

    As :func:`backtest`, with the forecast the report shows: fold k trains on the days
    before its test window, so the festivals and campaigns of the window are known
    in advance as they are for a real forecast.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-06-02", periods=140, freq="D")
    >>> weekly = np.tile([100.0, 90, 95, 105, 120, 150, 140], 20)
    >>> sales = pd.DataFrame({"date": days, "paid_amount": weekly})
    >>> scores = backtest_with_events(sales, value_col="paid_amount", horizon=14, folds=2,
    ...                               region="global")
    >>> scores["fold"].tolist()
    [1, 1, 2, 2]
    """
    series = _checked(series_frame, value_col, date_col, horizon, 7)
    rows = []
    for fold, cut, train, actual in _folds(series, horizon, folds, 7):
        frame = train.rename("value").rename_axis("date").reset_index()
        events = forecast_with_events(
            frame,
            value_col="value",
            horizon=horizon,
            calendar=calendar,
            campaigns=campaigns,
            region=region,
        )
        naive = seasonal_naive(frame, value_col="value", horizon=horizon)
        for predicted in (events, naive):
            rows.append({"model": predicted["model"].iloc[0], "fold": fold})
            rows[-1]["test_start"] = series.index[cut]
            rows[-1].update(_errors(actual, predicted["forecast"].to_numpy()))
    return conform(pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS)), BACKTEST_COLUMNS)


#: Columns of :func:`backtest_verdict`.
VERDICT_COLUMNS = {
    "model": "str",
    "folds": "int64",
    "mae": "float64",
    "naive_mae": "float64",
    "mae_change": "float64",
    "beats_naive": "boolean",
}


def backtest_verdict(scores: pd.DataFrame) -> pd.DataFrame:
    """Whether the forecast beat the seasonal naive baseline in a backtest, and by how much.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of :func:`backtest` or :func:`backtest_with_events`.

    Returns
    -------
    pandas.DataFrame
        One row (none when ``scores`` has no fold with both models):

        - ``model`` (str): the model judged (``ets``, ``regression_events``; the most
          frequent name when folds fell back differently).
        - ``folds`` (int64): folds with both models.
        - ``mae``, ``naive_mae`` (float64): mean absolute error over those folds' days,
          of the model and of the seasonal naive forecast.
        - ``mae_change`` (float64): mae / naive_mae − 1 (−0.2: 20 % smaller errors).
        - ``beats_naive`` (boolean): mae < naive_mae.

    Notes
    -----
    中文名: 回测结论（是否优于朴素预测）

    Judged on the MAE (a ratio of sums over equal-length folds, so no fold weighs more),
    not on the MAPE, which days with near-zero sales blow up. A model that does not beat
    the seasonal naive forecast ("same weekday last week") adds nothing over it: its
    forecast should be read with care.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"model": ["ets", "seasonal_naive", "ets", "seasonal_naive"],
    ...                        "fold": [1, 1, 2, 2], "mae": [8.0, 10.0, 10.0, 10.0]})
    >>> backtest_verdict(scores)[["model", "folds", "mae", "naive_mae", "mae_change", "beats_naive"]]
      model  folds  mae  naive_mae  mae_change  beats_naive
    0   ets      2  9.0       10.0        -0.1         True
    """
    from ecanalysis.metrics._common import require

    require(scores, ["model", "fold", "mae"], "backtest scores")
    naive = scores[scores["model"] == "seasonal_naive"].drop_duplicates("fold", keep="last")
    model = scores[scores["model"] != "seasonal_naive"]
    model = model[~model.duplicated("fold", keep="last")]
    both = model.merge(naive, on="fold", suffixes=("", "_naive"))
    if both.empty:
        return conform(pd.DataFrame(columns=list(VERDICT_COLUMNS)), VERDICT_COLUMNS)
    mae, naive_mae = float(both["mae"].mean()), float(both["mae_naive"].mean())
    row = {
        "model": both["model"].mode().iloc[0],
        "folds": len(both),
        "mae": mae,
        "naive_mae": naive_mae,
        "mae_change": mae / naive_mae - 1 if naive_mae else np.nan,
        "beats_naive": mae < naive_mae,
    }
    return conform(pd.DataFrame([row]), VERDICT_COLUMNS)
