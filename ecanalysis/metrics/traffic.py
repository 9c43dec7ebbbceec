"""Traffic (流量): visitors, sessions, page views, time on site, bounces by period.

The ``traffic`` table holds platform exports: one row per (store, date, source, device) with
*daily* distinct visitors. Distinct counts cannot be summed across days (research/metrics.md
§1.7), so periods longer than a day report ``visitor_days`` and leave ``visitors`` NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    check_freq,
    conform,
    group_keys,
    numeric,
    period_floor,
    ratio,
    require,
)

TRAFFIC_COLUMNS = {
    "visitors": "float64",
    "visitor_days": "float64",
    "sessions": "float64",
    "pageviews": "float64",
    "new_visitors": "float64",
    "returning_visitors": "float64",
    "new_visitor_share": "float64",
    "pages_per_visitor": "float64",
    "pages_per_session": "float64",
    "sessions_or_visitors": "float64",
    "time_on_site_s": "float64",
    "avg_time_on_site_s": "float64",
    "bounces": "float64",
    "bounce_rate": "float64",
    "cart_visitors": "float64",
    "product_views": "float64",
}

_SUMMED = (
    "visitors",
    "sessions",
    "pageviews",
    "new_visitors",
    "bounces",
    "time_on_site_s",
    "cart_visitors",
    "product_views",
)


def _traffic_sums(traffic: pd.DataFrame, keys: list[str], freq: str) -> tuple[pd.DataFrame, bool]:
    """Sum the traffic columns per (keys, period); True when periods are single days.

    Shared by :mod:`ecanalysis.metrics.funnel` and :mod:`ecanalysis.metrics.channels` so
    that the visitor rule is applied once. ``visitors`` in the result is the sum of daily
    visitors over the rows (visitor-days); ``sessions_or_visitors`` sums each row's
    sessions, or its visitors where sessions are missing (生意参谋 counts none).
    """
    freq = check_freq(freq)
    require(traffic, ["date", "visitors", "pageviews", *keys], "traffic")
    frame = traffic[keys].assign(period_start=period_floor(traffic["date"], freq))
    for column in _SUMMED:
        frame[column] = numeric(traffic, column)
    frame["sessions_or_visitors"] = frame["sessions"].fillna(frame["visitors"])
    frame["rows_without_sessions"] = frame["sessions"].isna().astype("int64")
    grouped = frame.groupby([*keys, "period_start"], dropna=False, sort=True)
    columns = [*_SUMMED, "sessions_or_visitors", "rows_without_sessions"]
    sums = grouped[columns].sum(min_count=1).reset_index()
    for column in ("visitors", "pageviews"):
        sums[column] = sums[column].fillna(0.0)
    return sums, freq == "D"


def traffic_summary(
    traffic: pd.DataFrame, *, freq: str = "D", by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Visitors, sessions, page views, new visitors, time on site and bounces per period.

    Parameters
    ----------
    traffic : pandas.DataFrame
        The ``traffic`` table: ``date``, ``visitors``, ``pageviews``; optional
        ``sessions``, ``new_visitors``, ``bounces``, ``time_on_site_s`` (total seconds of
        the row), ``cart_visitors``, ``product_views``, ``source``, ``device``.
    freq : {"D", "W", "MS", "QS", "YS"}, default "D"
        Period length (local calendar; ``W`` = Monday to Sunday).
    by : str or list of str, optional
        Columns to group by as well (``source``, ``device``).

    Returns
    -------
    pandas.DataFrame
        One row per (``by`` groups, ``period_start``), sorted:

        - the ``by`` columns; ``period_start`` (datetime64[ns]).
        - ``visitors`` (float64): UV (访客数), the sum of the rows' daily visitors, for
          ``freq="D"``; NaN for longer periods (daily UV do not add up).
        - ``visitor_days`` (float64): sum of daily visitors over the period's days.
        - ``sessions``, ``pageviews`` (float64): sums (PV 浏览量).
        - ``new_visitors`` (float64), ``returning_visitors`` (float64):
          visitor_days − new_visitors.
        - ``new_visitor_share`` (float64): new_visitors / visitor_days.
        - ``pages_per_visitor`` (float64): pageviews / visitor_days (人均浏览量).
        - ``pages_per_session`` (float64): pageviews / sessions (平均访问深度); NaN when
          a row of the group has no sessions.
        - ``sessions_or_visitors`` (float64): the denominator of the two rates below,
          the sum over rows of sessions, or of visitors on rows without sessions.
        - ``time_on_site_s`` (float64): sum of the rows' total seconds on site.
        - ``avg_time_on_site_s`` (float64): time_on_site_s / sessions_or_visitors
          (seconds per session; per visitor where sessions are missing).
        - ``bounces`` (float64), ``bounce_rate`` (float64): bounces /
          sessions_or_visitors.
        - ``cart_visitors`` (float64), ``product_views`` (float64): sums.

        Counts are float64 because optional columns may be absent (then NaN).

    Notes
    -----
    中文名: 流量概况

    Formulas from research/metrics.md §2: 人均浏览量 = PV / UV and 平均访问深度 = PV /
    sessions (§2.6); bounce rate = single-page sessions / sessions (§2.8, definition 1);
    average time on site per session (§2.7, per-session variant, as Shopify and GA4).

    Rows without sessions (the column absent, or null on the row, as in a 生意参谋 export,
    which counts visitors only) use their visitors instead, the 生意参谋 口径: 跳失率 =
    bounced visitors / visitors and 平均停留时长 = total time on site / visitors
    (§2.7, §2.8). Each row contributes to ``sessions_or_visitors`` with its own
    denominator and the rates stay ratios of sums, so a frame that mixes both kinds of
    rows weighs each row by its own base. Per-session and per-visitor figures of one store
    are not the same quantity: compare a store with itself over time. ``pages_per_session``
    stays per session only (NaN unless every row has sessions); ``pages_per_visitor`` is its
    per-visitor counterpart. 生意参谋 averages daily values over several days; this is
    the ratio of sums over the days.

    Distinct counts (§1.7, DESIGN §5): a day's visitors are the sum of the table's rows for
    that day (source × device). Within a day, platforms such as 生意参谋 count a visitor in
    every source they came through, so per-source rows may add to more than the store's UV;
    the table is taken as given. Over a week or a month the sum of daily visitors counts a
    returning visitor once per day, so it is reported as ``visitor_days`` and ``visitors``
    is NaN. Every per-visitor rate uses ``visitor_days`` as denominator (for one day it
    equals ``visitors``), so rates stay ratios of sums with matching windows.

    Examples
    --------
    >>> import pandas as pd
    >>> traffic = pd.DataFrame({
    ...     "date": pd.to_datetime(["2025-11-10", "2025-11-10", "2025-11-11"]),
    ...     "source": ["search", "ads", "search"],
    ...     "visitors": [80, 20, 50],
    ...     "sessions": [100, 25, 60],
    ...     "pageviews": [400, 50, 180],
    ...     "new_visitors": [30, 10, 20],
    ...     "bounces": [40, 15, 30],
    ... })
    >>> traffic_summary(traffic)[["period_start", "visitors", "sessions", "pages_per_visitor", "bounce_rate"]]
      period_start  visitors  sessions  pages_per_visitor  bounce_rate
    0   2025-11-10     100.0     125.0                4.5         0.44
    1   2025-11-11      50.0      60.0                3.6         0.50
    >>> traffic_summary(traffic, freq="W")[["visitors", "visitor_days", "new_visitor_share"]]
       visitors  visitor_days  new_visitor_share
    0       NaN         150.0                0.4
    """
    keys = group_keys(by)
    sums, daily = _traffic_sums(traffic, keys, freq)
    out = sums.rename(columns={"visitors": "visitor_days"})
    out["visitors"] = out["visitor_days"] if daily else float("nan")
    out["returning_visitors"] = out["visitor_days"] - out["new_visitors"]
    out["new_visitor_share"] = ratio(out["new_visitors"], out["visitor_days"])
    out["pages_per_visitor"] = ratio(out["pageviews"], out["visitor_days"])
    # per session only where every row counts sessions (else pageviews of rows without
    # sessions would be divided by the sessions of the others)
    per_session = ratio(out["pageviews"], out["sessions"])
    out["pages_per_session"] = per_session.where(out["rows_without_sessions"] == 0)
    out["avg_time_on_site_s"] = ratio(out["time_on_site_s"], out["sessions_or_visitors"])
    out["bounce_rate"] = ratio(out["bounces"], out["sessions_or_visitors"])
    schema = {key: traffic[key].dtype for key in keys}
    schema.update({"period_start": PERIOD_DTYPE, **TRAFFIC_COLUMNS})
    return conform(out, schema)
