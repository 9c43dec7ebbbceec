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
from ecanalysis.metrics._common import conform, local_naive, never_negative, require
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

#: The scale is at least this share of the mean absolute value (noise below 1 % is rounding).
SCALE_FLOOR = 0.01

#: STL seasonal smoother (in seasons): the weekly pattern may drift over about a quarter.
SEASONAL_SMOOTHER = 13

#: KPI names read as counts (whole events a day) when ``kind`` is not given; names ending
#: in one of :data:`COUNT_SUFFIXES` too. Every other KPI is read as an amount.
COUNT_KPIS = frozenset(
    {
        "orders",
        "buyers",
        "units",
        "quantity",
        "visitors",
        "sessions",
        "pageviews",
        "refunds",
        "reviews",
    }
)
COUNT_SUFFIXES = ("_orders", "_buyers", "_units", "_visitors", "_count", "_sessions", "_reviews")

#: Counts: the level is the mean of the surrounding this many seasons (four weeks) and the
#: weekday factors are shrunk towards 1 as if with this many extra average weeks.
COUNT_LEVEL_SEASONS = 4
COUNT_FACTOR_PRIOR = 2.0

#: At most this share of days is left out of a count's dispersion as extreme.
EXTREME_SHARE = 0.05

#: A count expected below this is modelled as this (a day "expected 0" is not certain to be 0).
MIN_EXPECTED_COUNT = 0.1

KINDS = ("count", "amount")

#: An amount's order value is estimated from its days without sale when at least this
#: share of days have none (a single empty day, an outage, says nothing about it).
MIN_EMPTY_SHARE = 0.1


def detect_anomalies(
    series_frame: pd.DataFrame,
    *,
    value_col: str,
    date_col: str = "date",
    period: int = 7,
    threshold: float = DEFAULT_THRESHOLDS["anomaly_threshold"],
    threshold_below: float | None = None,
    robust: bool = True,
    kind: str | None = None,
    order_value: float | None = None,
    min_abs_deviation: float = 0.0,
    decimals: int | None = None,
    events: pd.DataFrame | None = None,
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
        How far a day must be to be flagged, in standard deviations of normal noise: for
        counts, the equivalent tail probability (3.5 → 2.3 in 10,000 on each side).
    threshold_below : float, optional
        The threshold for days below expectation (bad news for sales), default
        ``threshold``: e.g. 2.8 finds drops sooner than spikes (see Notes).
    robust : bool, default True
        Set anomalies aside one at a time and refit, so that they bend neither the
        expectation nor the scale (see Notes); ``False`` fits once.
    kind : {"count", "amount"}, optional
        How the KPI varies from day to day. Default from ``value_col``: ``count`` for
        :data:`COUNT_KPIS` (orders, buyers, units, visitors …) and names ending in
        :data:`COUNT_SUFFIXES`, ``amount`` for everything else (money, rates).
    order_value : float, optional
        Typical value of one order (AOV) for an amount KPI: the spread is then at least
        √(expected × order_value) (see Notes). Default: estimated from the days without
        sales when there are some, else no such floor.
    min_abs_deviation : float, default 0.0
        A day is flagged only when \\|value − expected\\| is at least this, in the KPI's
        own unit (e.g. 50 for "no alert for less than ¥50").
    decimals : int, optional
        Precision at which the report prints the KPI: a day whose value and expected value
        print the same (rounded to ``decimals``) is never flagged. Default 0 for counts, 2
        for amounts.
    events : pandas.DataFrame, optional
        Known festival and campaign days: ``date`` and any of the 0/1 columns
        ``event_peak, event_window, pre_event, post_event`` (the output of
        ``calendar.event_regressors``). Their days are scored against an event-adjusted
        expectation (see Notes), not against an ordinary day.

    Returns
    -------
    pandas.DataFrame
        One row per day from the first to the last day of the frame, sorted by date:

        - ``date`` (datetime64[ns]): the local day.
        - ``value`` (float64): the KPI (0 on days absent from the frame).
        - ``expected`` (float64): trend + seasonal component; never below 0 for a
          series without negative values.
        - ``lower``, ``upper`` (float64): the band outside which a day is flagged;
          ``lower`` is floored at 0 for a series without negative values.
        - ``residual`` (float64): value − expected.
        - ``score`` (float64): how unusual the day is, in normal standard deviations
          (amounts: residual / scale; counts: the normal quantile of the tail
          probability), signed like the residual.
        - ``is_anomaly`` (bool): score > threshold or score < −threshold_below,
          \\|residual\\| ≥
          ``min_abs_deviation`` and value and expected differ at ``decimals``.
        - ``direction`` (str): ``"above"`` (more than expected: good news for sales)
          or ``"below"`` for anomalies, missing otherwise.

        When the series is shorter than 2 × period + 1 days, every model column is NaN,
        nothing is flagged, and ``result.attrs["note"]`` says why. ``result.attrs["kind"]``
        is the kind used.

    Notes
    -----
    中文名: 异常检测

    Expected value: STL decomposition (Cleveland et al. 1990;
    ``statsmodels.tsa.seasonal.STL`` with ``period`` and a seasonal smoother of 13
    seasons) of the daily series; expected = trend + season. Counts, which are mostly
    noise at a few orders a day, get a steadier expectation: level × weekday factor, where
    level is the mean of the seasonally adjusted days within 2 × period days on either side
    and the factor the weekday's mean over the overall mean (shrunk towards 1 as if with two
    more average weeks), both without the day itself, so that a spike does not lift its own
    expectation.

    Counts (orders, buyers, units): a count model around the expected value μ, negative
    binomial with variance μ + φμ², φ = max(0, Σ((y − μ)² − μ) / Σμ²) (method of moments
    over the days not set aside, leaving out the days beyond the threshold even for
    Poisson noise, at most 5 % of them; φ = 0 is Poisson), μ at least 0.1. With
    p = 1 − Φ(threshold), the band is [NB quantile p, NB quantile 1 − p]; a day is
    flagged when P(Y ≥ y) < p or P(Y ≤ y) < p, and score = ±Φ⁻¹(1 − tail probability).
    On a store with two orders a day, 0 orders is no anomaly (P(Y = 0) = 13.5 %): a
    store that small cannot show a one-day drop, only a spike.

    Amounts (sales, rates): scale = max(1.4826 × MAD of the residuals, 1 % of the mean
    \\|value\\|, √(max(μ, 0) × v)), v the value of one order (``order_value``; by default,
    when some days have no sale, v = mean value / −ln(share of days without sale), the
    order value of a Poisson store with as many empty days). The last term is the
    standard deviation of a compound-Poisson day (Var = E[orders] · E[v²] ≥ E[sales] · v):
    when more than half the days have no sale the MAD is 0, and without it nearly every
    day would be flagged. A day is flagged when \\|value − expected\\| > threshold × scale
    (1 day in 2,000 by chance with normal noise at 3.5).

    Known events (``events``): their days are first set aside, so that they bend
    neither the ordinary expectation nor the spread; each class c (peak, sale window,
    pre-window, post-window) then gets its effect e_c, the median over its days of
    value / ordinary expectation. Amounts are then refitted on value / e (e = 1 on
    ordinary days): event days inform the expectation and the spread like any other
    day once their effect is divided out, and expected and band are multiplied back by
    e (the spread grows with the level). Counts: expected × e_c with the count band
    around it. A 双11 day is flagged only when it is far even from what a festival day
    of the series looks like; the 透支 days after it are compared with other
    post-event days.

    ``threshold_below`` below ``threshold`` trades a few more false alarms for drops
    found sooner: on a large store with normal noise a day exactly 3σ below
    expectation is found about half the time at 3.0, most of the time at 2.8 (0.5
    false alarms per 100 days by chance); a drop of 3σ with the day's own noise on top
    cannot be found 90 % of the time by any threshold that keeps false alarms under
    1 in 100 days (it would need 1.7σ).

    An explainable flag: never when \\|value − expected\\| < ``min_abs_deviation`` or when
    both print the same at ``decimals`` ("actual 2, expected 2" is no alert).

    With ``robust``, the day with the largest score beyond the threshold is replaced by
    its expected value and the series refitted, one day at a time (at most a tenth of
    the days), so that a big spike neither lifts its weekday's seasonal value nor widens
    the band (Rosner's generalized ESD idea). The remainders of STL's own ``robust=True``
    iterations are too peaked for a MAD scale, so amounts do not use that option.

    A KPI that cannot be negative (no negative value in the series) cannot be expected
    below 0: trend + season is floored at 0 in the fit too, and the lower band is
    floored at 0. A series with a negative value (net sales after refunds) is modelled
    without the floor, as an amount.

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
    40 2025-10-11     above

    A small store (two orders a day) is quiet; a day with 12 orders stands out:

    >>> counts = np.random.default_rng(1).poisson(2, 56).astype(float)
    >>> counts[30] = 12
    >>> flags = detect_anomalies(pd.DataFrame({"date": days, "orders": counts}),
    ...                          value_col="orders")
    >>> flags.index[flags["is_anomaly"]].tolist(), flags.attrs["kind"]
    ([30], 'count')
    """
    _check_options(period, threshold, min_abs_deviation)
    threshold_below = threshold if threshold_below is None else threshold_below
    _check_options(period, threshold_below, min_abs_deviation)
    series = daily_series(series_frame, value_col, date_col)
    out = pd.DataFrame({"date": series.index, "value": series.to_numpy()})
    non_negative = never_negative(series)
    kind = _kind(kind, value_col, non_negative)
    decimals = (0 if kind == "count" else 2) if decimals is None else int(decimals)
    if len(series) < 2 * period + 1:
        out = conform(out, ANOMALY_COLUMNS)
        out["is_anomaly"] = False
        out.attrs["note"] = (
            f"{len(series)} day(s) of {value_col}: STL needs at least {2 * period + 1} "
            f"(two seasons of {period} days and one more); nothing is flagged"
        )
        out.attrs["kind"] = kind
        return out
    thresholds = (threshold, threshold_below)
    model = _CountModel(*thresholds) if kind == "count" else _AmountModel(thresholds, order_value)
    event_class = _event_classes(events, series.index)
    expected, band, aside = _fit(
        series,
        period,
        min(thresholds),
        model,
        robust=robust,
        non_negative=non_negative,
        known=event_class >= 0,
    )
    values = series.to_numpy()
    if (event_class >= 0).any():
        effect = _event_effects(values, expected, event_class)
        if kind == "amount" and (effect > 0).all():
            # refit on the series with the event effects divided out: event days then
            # inform the expectation and the spread like any other day
            normalized = series / effect
            fitted, scaled, aside = _fit(
                normalized,
                period,
                min(thresholds),
                model,
                robust=robust,
                non_negative=non_negative,
                known=np.zeros(len(values), dtype=bool),
            )
            expected = fitted * effect
            band = _Band(
                expected,
                scaled.lower * effect,
                scaled.upper * effect,
                lambda y: scaled.score(y / effect),
            )
        else:
            expected = expected * effect
            band = model.band(values, expected, ~aside, widen=np.maximum(effect, 1.0))
    residual = values - expected
    score = band.score(values)
    printed_apart = np.round(values, decimals) != np.round(expected, decimals)
    flagged = (
        ((score > threshold) | (score < -threshold_below))
        & (np.abs(residual) >= min_abs_deviation)
        & printed_apart
        & ~np.isnan(values)
    )
    out["expected"] = expected
    out["lower"] = np.maximum(band.lower, 0.0) if non_negative else band.lower
    out["upper"] = band.upper
    out["residual"] = residual
    out["score"] = score
    out["is_anomaly"] = flagged
    out["direction"] = pd.Series(np.where(residual > 0, "above", "below"), dtype="str").where(
        flagged
    )
    out = conform(out, ANOMALY_COLUMNS)
    out.attrs["kind"] = kind
    return out


def _kind(kind: str | None, value_col: str, non_negative: bool) -> str:
    """The kind of KPI: given, or inferred from its name (see :data:`COUNT_KPIS`)."""
    if kind is None:
        name = str(value_col)
        counted = name in COUNT_KPIS or name.endswith(COUNT_SUFFIXES)
        kind = "count" if counted else "amount"
    elif kind not in KINDS:
        raise ParameterError(
            f"kind={kind!r} is not known; use 'count' (orders, buyers, units) or 'amount' "
            "(money, rates), or leave it out to infer it from value_col"
        )
    return kind if non_negative or kind == "amount" else "amount"


def _check_options(period: int, threshold: float, min_abs_deviation: float) -> None:
    if not isinstance(period, int | np.integer) or period < 2:
        raise ParameterError(f"period={period!r} must be a whole number of days >= 2 (7: weekly)")
    if not np.isscalar(threshold) or not threshold > 0:
        raise ParameterError(f"threshold={threshold!r} must be a positive number (e.g. 3.5)")
    if not np.isscalar(min_abs_deviation) or not min_abs_deviation >= 0:
        raise ParameterError(
            f"min_abs_deviation={min_abs_deviation!r} must be a number >= 0 in the KPI's unit"
        )


class _Band:
    """Expected values and the band of a fitted noise model: ``lower``, ``upper``, ``score``."""

    def __init__(self, expected, lower, upper, score):
        self.expected, self.lower, self.upper, self.score = expected, lower, upper, score


class _AmountModel:
    """Normal noise with a robust scale, floored (see detect_anomalies Notes)."""

    @staticmethod
    def expected(values: np.ndarray, period: int) -> np.ndarray:
        from statsmodels.tsa.seasonal import STL

        fit = STL(values, period=period, seasonal=SEASONAL_SMOOTHER).fit()
        return np.asarray(fit.trend) + np.asarray(fit.seasonal)

    def __init__(self, thresholds: tuple[float, float], order_value: float | None):
        self.thresholds, self.order_value = thresholds, order_value

    def band(self, values, expected, keep, widen=None) -> _Band:
        finite = ~np.isnan(values)
        level = float(np.mean(np.abs(values[finite]))) if finite.any() else 0.0
        residual = (values - expected)[keep & finite]
        mad = float(np.median(np.abs(residual - np.median(residual)))) if residual.size else 0.0
        scale = np.full(len(values), max(MAD_TO_SD * mad, SCALE_FLOOR * level, 1e-9))
        unit = self._order_value(values[finite], level)
        if unit > 0:
            scale = np.maximum(scale, np.sqrt(np.maximum(expected, 0.0) * unit))
        if widen is not None:
            scale = scale * widen
        above, below = self.thresholds
        return _Band(
            expected,
            expected - below * scale,
            expected + above * scale,
            lambda y: (y - expected) / scale,
        )

    def _order_value(self, values: np.ndarray, level: float) -> float:
        if self.order_value is not None:
            return float(self.order_value)
        empty = float(np.mean(values == 0)) if values.size else 0.0
        if not MIN_EMPTY_SHARE <= empty < 1 or (values < 0).any():
            return 0.0
        return level / -np.log(empty)


class _CountModel:
    """Negative binomial (Poisson when not overdispersed) around the expected count."""

    @staticmethod
    def expected(values: np.ndarray, period: int) -> np.ndarray:
        """Weekday factor × level of the surrounding weeks, each without the day itself."""
        n = len(values)
        overall = float(values.mean())
        if overall <= 0:
            return np.zeros(n)
        season = np.arange(n) % period
        sums = np.bincount(season, weights=values, minlength=period)
        counts = np.bincount(season, minlength=period).astype("float64")
        own_sum, own_count = sums[season] - values, counts[season] - 1  # leave the day out
        factor = (own_sum / overall + COUNT_FACTOR_PRIOR) / (own_count + COUNT_FACTOR_PRIOR)
        full = (sums / overall + COUNT_FACTOR_PRIOR) / (counts + COUNT_FACTOR_PRIOR)
        adjusted = values / np.maximum(full[season], 1e-9)
        half = COUNT_LEVEL_SEASONS * period // 2
        cumulative = np.concatenate([[0.0], np.cumsum(adjusted)])
        low, high = np.maximum(np.arange(n) - half, 0), np.minimum(np.arange(n) + half + 1, n)
        window_sum = cumulative[high] - cumulative[low] - adjusted
        level = window_sum / np.maximum(high - low - 1, 1)
        return level * factor

    def __init__(self, threshold: float, threshold_below: float):
        from scipy.stats import norm

        self.threshold = threshold
        self.tail = float(norm.sf(threshold))
        self.tail_below = float(norm.sf(threshold_below))

    def band(self, values, expected, keep, widen=None) -> _Band:
        """The NB band (``widen`` is not needed: the NB variance grows with μ²)."""
        from scipy.stats import nbinom, norm, poisson

        mean = np.maximum(expected, MIN_EXPECTED_COUNT)
        used = keep & ~np.isnan(values) & ~self._extreme(values, mean)
        excess = float(np.sum((values[used] - mean[used]) ** 2 - mean[used]))
        phi = max(excess / float(np.sum(mean[used] ** 2)), 0.0) if used.any() else 0.0
        if phi > 1e-6:
            size = 1.0 / phi
            dist = nbinom(size, size / (size + mean))
        else:
            dist = poisson(mean)

        def score(y: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                above = dist.sf(np.ceil(y) - 1)  # P(Y >= y)
                below = dist.cdf(np.floor(y))  # P(Y <= y)
            z_above = norm.isf(np.clip(above, 1e-300, 1.0))
            z_below = norm.isf(np.clip(below, 1e-300, 1.0))
            out = np.where(y > mean, np.maximum(z_above, 0.0), -np.maximum(z_below, 0.0))
            return np.where(np.isnan(y), np.nan, out)

        return _Band(expected, dist.ppf(self.tail_below), dist.ppf(1 - self.tail), score)

    def _extreme(self, values: np.ndarray, mean: np.ndarray) -> np.ndarray:
        """Days beyond the threshold even for Poisson noise (at most 5 % of the days, the
        most extreme): left out of the dispersion, which a spike would otherwise inflate."""
        from scipy.stats import poisson

        with np.errstate(invalid="ignore"):
            tail = np.minimum(poisson.sf(np.ceil(values) - 1, mean), poisson.cdf(values, mean))
        tail = np.where(np.isnan(values), 1.0, tail)
        limit = int(np.ceil(EXTREME_SHARE * len(values)))
        order = np.argsort(tail, kind="stable")[:limit]
        extreme = np.zeros(len(values), dtype=bool)
        extreme[order] = tail[order] < self.tail
        return extreme


def _fit(series: pd.Series, period: int, threshold: float, model, *, robust, non_negative, known):
    """Expected values (``model.expected``) and the fitted band of ``model``.

    With ``non_negative`` (the series has no negative value), expected values are
    floored at 0 before residuals and stand-ins are taken from them.

    With ``robust``, the day with the largest score beyond the threshold is set aside
    (replaced by its expected value, refined over three refits) and the series
    refitted, one day at a time, up to a tenth of the days, so that anomalies bend
    neither the expectation nor the scale. NaN values are interpolated first.
    """
    raw = series.to_numpy()
    values = series.interpolate(limit_direction="both").fillna(0.0).to_numpy()
    aside = np.asarray(known, dtype=bool).copy()
    # known event days start from the ordinary days around them, not from their own level
    cleaned = pd.Series(values).where(~aside).interpolate(limit_direction="both")
    cleaned = cleaned.fillna(0.0).to_numpy(copy=True)
    for _ in range(len(values) // 10 + 1 if robust else 1):
        for _ in range(3 if aside.any() else 1):  # refine the stand-ins of the days set aside
            expected = model.expected(cleaned, period)
            if non_negative:
                expected = np.maximum(expected, 0.0)
            cleaned[aside] = expected[aside]
        band = model.band(raw, expected, ~aside)
        scores = np.where(aside | np.isnan(raw), 0.0, np.abs(band.score(raw)))
        worst = int(np.argmax(scores))
        if scores[worst] <= threshold:
            break
        aside[worst], cleaned[worst] = True, expected[worst]
    return expected, band, aside


#: Event classes of ``events``, in order of precedence.
EVENT_CLASSES = ("event_peak", "event_window", "pre_event", "post_event")


def _event_classes(events: pd.DataFrame | None, days: pd.DatetimeIndex) -> np.ndarray:
    """Index into :data:`EVENT_CLASSES` of each day's event class, -1 for none."""
    out = np.full(len(days), -1)
    if events is None:
        return out
    require(events, ["date"], "events")
    present = [c for c in EVENT_CLASSES if c in events.columns]
    if not present:
        raise ParameterError(
            f"events has none of the columns {', '.join(EVENT_CLASSES)}; pass the output of "
            "calendar.event_regressors"
        )
    stamps = local_naive(events["date"]).dt.normalize()
    for index in reversed(range(len(EVENT_CLASSES))):  # the first class wins
        column = EVENT_CLASSES[index]
        if column in present:
            on = stamps[pd.to_numeric(events[column], errors="coerce").fillna(0).to_numpy() > 0]
            out[np.asarray(days.isin(on))] = index
    return out


def _event_effects(values: np.ndarray, expected: np.ndarray, event_class: np.ndarray):
    """Each day's event effect: its class's median of value / ordinary expectation (1 on
    ordinary days)."""
    effect = np.ones(len(values))
    for index in np.unique(event_class[event_class >= 0]):
        days = (event_class == index) & (expected > 0) & ~np.isnan(values)
        effect[event_class == index] = (
            float(np.median(values[days] / expected[days])) if days.any() else 1.0
        )
    return effect
