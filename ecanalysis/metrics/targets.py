"""The monthly assessment table (月度考核表): KPIs against their targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ecanalysis.metrics._common import conform

ASSESSMENT_COLUMNS = {
    "kpi": "str",
    "actual": "float64",
    "target": "float64",
    "attainment": "float64",
    "gap": "float64",
    "projected": "float64",
    "projected_attainment": "float64",
    "status": "str",
}

#: KPIs where less is better: attainment is target / actual for these.
LOWER_IS_BETTER = frozenset(
    {"refund_amount", "refund_rate", "bounce_rate", "cpa", "cpc", "cost_amount"}
    | {"ncac", "breakeven_roas"}  # profit after marketing (DESIGN §5 "Profit")
)

#: Targets paced day by day (issue 17, ``daily_report``): KPIs that add up over the days of
#: a month (a month's buyers, AOV or margin do not) and where more is better.
PACED_KPIS = ("paid_amount", "orders", "new_buyers", "units", "gmv", "net_sales", "gross_profit")


def assessment_table(
    actuals: Mapping[str, float] | pd.DataFrame,
    targets: Mapping[str, float | None],
    *,
    kpis: Sequence[str] | None = None,
    projected: Mapping[str, float] | None = None,
    on_track: float = 1.0,
    at_risk: float = 0.9,
    in_progress: bool | None = None,
) -> pd.DataFrame:
    """Compare each KPI with its target: the monthly assessment table (月度考核表).

    Parameters
    ----------
    actuals : mapping or one-row DataFrame
        Actual values by KPI name (e.g. a row of ``sales_summary``).
    targets : mapping
        Target by KPI name; ``None`` or absent means "not set".
    kpis : sequence of str, optional
        KPIs to list, in order; default the KPIs that have a target.
    projected : mapping, optional
        Projected end-of-period values (for a month in progress).
    on_track, at_risk : float, default 1.0 and 0.9
        Attainment at or above ``on_track`` is ``met``; at or above ``at_risk`` is
        ``at_risk`` while the month is in progress; below is ``missed``.
    in_progress : bool, optional
        Whether the period is still running. A finished month can only have met or missed
        its target, never be "at risk". Default: in progress when ``projected`` is given.

    Returns
    -------
    pandas.DataFrame
        One row per KPI:

        - ``kpi`` (str): KPI name (column names of DESIGN §5).
        - ``actual`` (float64): the value achieved.
        - ``target`` (float64): the target, NaN when not set.
        - ``attainment`` (float64): actual / target (target / actual for KPIs where
          less is better, such as ``refund_amount``); NaN without a target.
        - ``gap`` (float64): actual − target.
        - ``projected`` (float64): projected value, NaN when not given.
        - ``projected_attainment`` (float64): projected / target.
        - ``status`` (str): ``met``, ``at_risk`` (a month in progress only), ``missed``
          or ``not_set``; judged on the projection when there is one.

    Notes
    -----
    中文名: 月度考核表（目标达成率）

    达成率 (attainment) = actual / target for KPIs where more is better, and
    target / actual where less is better (refunds, bounce rate, CPA), so that 1.0 always
    means "on target" and more is always better. A KPI without a target stays in the
    table with status ``not_set`` (the report shows "target not set"). A target ≤ 0 (a
    contribution margin allowed to be negative) has no attainment: it is ``met`` when the
    actual is on its right side (at or above it; at or below for ``LOWER_IS_BETTER``),
    else ``missed``. Profit KPIs (``contribution_margin``, ``cm2``, ``mer``, ``ncac``,
    ``breakeven_roas`` …) take targets like any other; ``ncac`` and ``breakeven_roas`` are
    lower-is-better.

    Examples
    --------
    >>> from ecanalysis.metrics.targets import assessment_table
    >>> table = assessment_table({"paid_amount": 95.0, "orders": 12}, {"paid_amount": 100, "orders": None},
    ...                          kpis=["paid_amount", "orders"])
    >>> table[["kpi", "actual", "target", "attainment", "status"]]
               kpi  actual  target  attainment   status
    0  paid_amount    95.0   100.0        0.95   missed
    1       orders    12.0     NaN         NaN  not_set
    >>> assessment_table({"paid_amount": 60.0}, {"paid_amount": 100}, projected={"paid_amount": 95.0}
    ...                  )[["kpi", "projected_attainment", "status"]]
               kpi  projected_attainment   status
    0  paid_amount                  0.95  at_risk
    """
    if isinstance(actuals, pd.DataFrame):
        actuals = actuals.iloc[0].to_dict() if len(actuals) else {}
    projected = projected or {}
    running = bool(projected) if in_progress is None else in_progress
    names = list(kpis) if kpis is not None else [k for k, v in targets.items() if v is not None]
    rows = []
    for name in names:
        actual = _number(actuals.get(name))
        target = _number(targets.get(name))
        proj = _number(projected.get(name))
        attainment = _attainment(name, actual, target)
        proj_attainment = _attainment(name, proj, target)
        judged = proj_attainment if not np.isnan(proj_attainment) else attainment
        if np.isnan(target):
            status = "not_set"
        elif np.isnan(judged):  # no ratio (a target ≤ 0, an actual of 0): compare values
            status = _beyond(name, proj if not np.isnan(proj) else actual, target)
        elif judged >= on_track:
            status = "met"
        elif running and judged >= at_risk:
            status = "at_risk"
        else:
            status = "missed"
        rows.append(
            {
                "kpi": name,
                "actual": actual,
                "target": target,
                "attainment": attainment,
                "gap": actual - target,
                "projected": proj,
                "projected_attainment": proj_attainment,
                "status": status,
            }
        )
    return conform(pd.DataFrame(rows, columns=list(ASSESSMENT_COLUMNS)), ASSESSMENT_COLUMNS)


def _number(value) -> float:
    if value is None:
        return np.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return np.nan
    return number


def _attainment(name: str, actual: float, target: float) -> float:
    """actual / target (target / actual where less is better); NaN for a target ≤ 0, whose
    ratio reads backwards (a contribution margin allowed to be −100 and reaching −50)."""
    if np.isnan(actual) or np.isnan(target) or target <= 0:
        return np.nan
    if name in LOWER_IS_BETTER:
        return target / actual if actual != 0 else np.nan
    return actual / target if target != 0 else np.nan


def _beyond(name: str, value: float, target: float) -> str:
    """``met`` when ``value`` is on the right side of ``target``, else ``missed``."""
    if np.isnan(value):
        return "missed"
    if name in LOWER_IS_BETTER:
        return "met" if value <= target else "missed"
    return "met" if value >= target else "missed"


def judged_targets(assessment: pd.DataFrame, *, kpis) -> pd.DataFrame:
    """Rows of an ``assessment_table`` that judge a KPI: a target set, naming a KPI of ``kpis``.

    Parameters
    ----------
    assessment : DataFrame
        :func:`assessment_table` output.
    kpis : mapping or iterable of str
        The report's KPI names (a target naming none of them is a typo, not a miss).

    Returns
    -------
    DataFrame
        The judged rows, every column unchanged, fresh RangeIndex.

    Notes
    -----
    中文名: 参与考核的目标行

    Rows with a target set whose KPI the report has; their attainment is recorded in
    metrics.json as ``<kpi>_attainment``.

    Examples
    --------
    >>> table = assessment_table({"orders": 80}, {"orders": 100.0, "paid_amout": 5.0})
    >>> judged_targets(table, kpis={"orders": 80})[["kpi", "attainment"]]
          kpi  attainment
    0  orders         0.8
    """
    names = set(kpis)
    keep = (assessment["status"] != "not_set") & assessment["kpi"].isin(names)
    return assessment[keep].reset_index(drop=True)


#: Columns of :func:`month_to_date_pacing`.
PACING_COLUMNS = {
    "kpi": "str",
    "month_to_date": "float64",
    "month_to_date_target": "float64",
    "target": "float64",
    "days_elapsed": "int64",
    "days_remaining": "int64",
    "required_daily": "float64",
    "forecast_remaining": "float64",
    "target_hit_probability": "float64",
}

#: Simulated month-ends behind ``target_hit_probability`` (fixed seed: reruns agree).
PACING_PATHS = 1000


def month_to_date_pacing(
    daily: pd.DataFrame,
    *,
    month,
    as_of,
    targets: Mapping[str, float | None],
    date_col: str = "date",
    calendar: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    region: str = "all",
    paths: int = PACING_PATHS,
) -> pd.DataFrame:
    """Month-to-date actual against the month-to-date target, and the chance of the target.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per local day: ``date_col`` and one column per KPI (``paid_amount``,
        ``orders`` …), with the history before the month (it feeds the forecast).
    month : date-like
        Any day of the month assessed (``"2025-11"`` or ``Period.start``).
    as_of : date-like
        Last complete local day counted as actual.
    targets : mapping
        Monthly target by KPI (additive KPIs: sums over the month); ``None`` = not set.
    date_col : str, default "date"
    calendar, campaigns, region
        As for ``forecast.forecast_with_events``: the festivals and campaigns that
        shape the month's daily profile.
    paths : int, default 1000
        Simulated month-ends.

    Returns
    -------
    pandas.DataFrame
        One row per KPI with a target (in the order of ``targets``):

        - ``kpi`` (str).
        - ``month_to_date`` (float64): actual from the 1st to ``as_of``.
        - ``month_to_date_target`` (float64): target × the share of the month's expected
          total that falls on the days to ``as_of`` (the forecast's daily profile,
          weekdays and campaigns included).
        - ``target`` (float64): the monthly target.
        - ``days_elapsed``, ``days_remaining`` (int64).
        - ``required_daily`` (float64): (target − month_to_date) / days_remaining, the
          run-rate needed (NaN when no day remains).
        - ``forecast_remaining`` (float64): expected sum of the remaining days.
        - ``target_hit_probability`` (float64): share of simulated month-ends at or
          above the target, in [0, 1].

    Notes
    -----
    中文名: 月度目标进度（时间进度 vs 目标进度）

    The profile comes from the event-aware forecast (``forecast.forecast_with_events``,
    ETS when it falls back) fitted on the history before the month and run to its end:
    w_d = expected value of day d / Σ over the month; month_to_date_target =
    target × Σ_{d ≤ as_of} w_d (a flat profile, days elapsed / days in month, when no
    forecast can be made). The probability draws ``paths`` simulated paths of the
    remaining days from the forecast fitted on the history up to ``as_of`` (AR(1)
    errors and coefficient draws of the event regression; the ETS model's own
    simulated paths, as in ``forecast.project_period_end``, for the fallback), each day
    floored at 0: P(month_to_date + Σ path ≥ target).
    Keys of metrics.json: ``month_to_date_<kpi>``, ``month_to_date_target_<kpi>``,
    ``target_hit_probability_<kpi>``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> days = pd.date_range("2025-08-01", "2025-11-10", freq="D")
    >>> sales = 100 + 10 * np.random.default_rng(0).normal(size=len(days))
    >>> daily = pd.DataFrame({"date": days, "paid_amount": sales})
    >>> pace = month_to_date_pacing(daily, month="2025-11", as_of="2025-11-10",
    ...                             targets={"paid_amount": 3000.0}, region="global")
    >>> pace[["kpi", "days_elapsed", "days_remaining"]]
               kpi  days_elapsed  days_remaining
    0  paid_amount            10              20
    >>> bool(0.2 < pace["target_hit_probability"].iloc[0] < 0.8)
    True
    """
    from ecanalysis.metrics._common import as_day
    from ecanalysis.metrics._timeseries import daily_series

    first = as_day(month, "month").replace(day=1)
    stop = first + pd.offsets.MonthBegin(1)
    last = min(
        max(as_day(as_of, "as_of"), first - pd.Timedelta(days=1)), stop - pd.Timedelta(days=1)
    )
    elapsed, remaining = int((last - first).days + 1), int((stop - last).days - 1)
    rows = []
    for kpi, target in targets.items():
        target = _number(target)
        if np.isnan(target):
            continue
        series = daily_series(daily, kpi, date_col).fillna(0.0)
        actual = float(series[(series.index >= first) & (series.index <= last)].sum())
        share = _elapsed_share(
            series[series.index < first], first, stop, elapsed, calendar, campaigns, region
        )
        sums = _remaining_paths(
            series[series.index <= last], remaining, calendar, campaigns, region, paths
        )
        rows.append(
            {
                "kpi": kpi,
                "month_to_date": actual,
                "month_to_date_target": target * share,
                "target": target,
                "days_elapsed": elapsed,
                "days_remaining": remaining,
                "required_daily": (target - actual) / remaining if remaining else np.nan,
                "forecast_remaining": float(np.mean(sums)) if sums.size else np.nan,
                "target_hit_probability": float(np.mean(actual + sums >= target))
                if sums.size
                else np.nan,
            }
        )
    return conform(pd.DataFrame(rows, columns=list(PACING_COLUMNS)), PACING_COLUMNS)


def _elapsed_share(history, first, stop, elapsed, calendar, campaigns, region) -> float:
    """Share of the month's expected total on its first ``elapsed`` days."""
    from ecanalysis.metrics.forecast import forecast_with_events

    days = int((stop - first).days)
    flat = elapsed / days
    if len(history) < 14:
        return flat
    frame = history.rename("value").rename_axis("date").reset_index()
    gap = int((first - history.index[-1]).days) - 1
    ahead = forecast_with_events(
        frame,
        value_col="value",
        horizon=gap + days,
        calendar=calendar,
        campaigns=campaigns,
        region=region,
    )["forecast"].to_numpy()[gap:]
    total = float(np.nansum(ahead))
    return float(np.nansum(ahead[:elapsed]) / total) if total > 0 else flat


def _remaining_paths(history, remaining, calendar, campaigns, region, paths) -> np.ndarray:
    """Simulated sums of the ``remaining`` days (``paths`` of them), floored at 0 a day."""
    from ecanalysis.metrics.forecast import _event_model

    if remaining == 0:
        return np.zeros(paths)
    if len(history) < 14:
        return np.array([])
    rng = np.random.default_rng(0)
    model = _event_model(history, remaining, calendar, campaigns, region, 365)
    if model is not None:
        days = model.paths(paths, rng)
    else:
        days = _ets_paths(history, remaining, paths, rng)
    return np.maximum(days, 0.0).sum(axis=0)


def _ets_paths(history, remaining: int, paths: int, rng) -> np.ndarray:
    """Simulated ETS paths (the month-end projection's), or the seasonal naive forecast
    with independent normal days when ETS cannot be fitted."""
    from ecanalysis.metrics.forecast import _ets_or_naive_paths, _fit_ets

    return _ets_or_naive_paths(_fit_ets(history, 7), history, remaining, paths, rng)
