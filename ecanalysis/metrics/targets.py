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
