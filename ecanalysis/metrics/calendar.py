"""The campaign calendar (大促日历): platform festivals by year, and daily event regressors.

Chinese platform festivals (年货节, 三八女王节, 618, 双11, 双12) and the Western ones
(Black Friday, Cyber Monday) are known in advance: a forecast should expect them and an
anomaly check should not read them as surprises. :func:`festival_calendar` lists their
windows for any range of years; :func:`event_regressors` turns a calendar (plus the
store's own ``campaigns`` table) into daily 0/1 columns for models.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import as_day, conform, local_naive, require

#: Columns of :func:`festival_calendar`.
CALENDAR_COLUMNS = {
    "event": "str",
    "name_zh": "str",
    "name_en": "str",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "pre_days": "int64",
    "post_days": "int64",
    "peak": "datetime64[ns]",
    "region": "str",
}

#: Columns of :func:`event_regressors`.
REGRESSOR_COLUMNS = {
    "date": "datetime64[ns]",
    "event_peak": "int64",
    "event_window": "int64",
    "pre_event": "int64",
    "post_event": "int64",
    "events": "str",
}

#: The 0/1 columns of :func:`event_regressors`, in order.
REGRESSORS = ("event_peak", "event_window", "pre_event", "post_event")

#: Chinese New Year (春节, first day of the first lunar month), Gregorian dates. Source: Hong
#: Kong Observatory, "Gregorian-Lunar Calendar Conversion Table" (www.hko.gov.hk/en/gts/time/
#: conversion.htm), years 2018-2035.
CHINESE_NEW_YEAR = {
    2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31),
    2034: dt.date(2034, 2, 19),
    2035: dt.date(2035, 2, 8),
}

REGIONS = ("cn", "global", "all")

#: Campaigns of the store's own table get these windows around them (days).
CAMPAIGN_PRE_DAYS = 0
CAMPAIGN_POST_DAYS = 3


def festival_calendar(start, end, *, region: str = "all") -> pd.DataFrame:
    """The platform festivals whose window (pre-window to post-window) meets ``start``–``end``.

    Parameters
    ----------
    start, end : date-like
        First and last local day of interest (inclusive).
    region : {"cn", "global", "all"}, default "all"
        ``cn``: 年货节, 三八女王节, 618, 双11, 双12; ``global``: Black Friday and Cyber
        Monday; ``all``: both.

    Returns
    -------
    pandas.DataFrame
        One row per festival and year, sorted by ``start``:

        - ``event`` (str): id, e.g. ``double_11``, ``618``, ``cny_shopping``,
          ``womens_day``, ``double_12``, ``black_friday``, ``cyber_monday``.
        - ``name_zh``, ``name_en`` (str): names.
        - ``start``, ``end`` (datetime64[ns]): the sale days (inclusive).
        - ``pre_days`` (int64): days before ``start`` that buyers wait or pay deposits
          (预售, 蓄水): sales dip or shift.
        - ``post_days`` (int64): days after ``end`` when demand pulled forward is missing
          (透支) or logistics stop.
        - ``peak`` (datetime64[ns]): the main day (Nov 11, Jun 18 …).
        - ``region`` (str): ``cn`` or ``global``.

    Notes
    -----
    中文名: 大促日历

    Windows by year Y (platform practice of Tmall/Taobao and JD, approximate where the
    platforms change dates every year):

    - 年货节 (cny_shopping): CNY − 21 to CNY − 8 (before couriers stop for the
      holiday), post-window 14 days (the holiday lull); CNY from
      :data:`CHINESE_NEW_YEAR` (Hong Kong Observatory), 2018–2035 only.
    - 三八女王节 (womens_day): Mar 1–8, peak Mar 8, post 3.
    - 618: Jun 1–18, peak Jun 18, presale from May 20 (pre 12), post 7.
    - 双11 (double_11): from 2020 Nov 1–11 (two sale waves), before Nov 11 only; presale
      from Oct 20 (Oct 21 before 2020), peak Nov 11, post 7.
    - 双12 (double_12): Dec 12, pre 3, post 3.
    - Black Friday: the day after US Thanksgiving (fourth Thursday of November),
      pre 7 (early deals); Cyber Monday: the Monday after, no windows.

    Prime Day (Amazon) moves every year and is announced weeks ahead: it is not built in;
    put it in the store's ``campaigns`` table. Years without a CNY date in the table have
    no 年货节 row.

    Examples
    --------
    >>> cal = festival_calendar("2025-11-01", "2025-12-31", region="all")
    >>> cal[["event", "start", "end", "peak"]]
              event      start        end       peak
    0     double_11 2025-11-01 2025-11-11 2025-11-11
    1  black_friday 2025-11-28 2025-11-28 2025-11-28
    2  cyber_monday 2025-12-01 2025-12-01 2025-12-01
    3     double_12 2025-12-12 2025-12-12 2025-12-12
    """
    first, last = as_day(start, "start"), as_day(end, "end")
    if last < first:
        raise ParameterError(f"end {last:%Y-%m-%d} is before start {first:%Y-%m-%d}")
    if region not in REGIONS:
        raise ParameterError(f"region={region!r} is not known; use one of {', '.join(REGIONS)}")
    rows = []
    for year in range(first.year - 1, last.year + 2):
        if region in ("cn", "all"):
            rows.extend(_chinese_festivals(year))
        if region in ("global", "all"):
            rows.extend(_western_festivals(year))
    out = pd.DataFrame(rows, columns=list(CALENDAR_COLUMNS))
    out = conform(out, CALENDAR_COLUMNS)
    window_start = out["start"] - pd.to_timedelta(out["pre_days"], unit="D")
    window_end = out["end"] + pd.to_timedelta(out["post_days"], unit="D")
    out = out[(window_end >= first) & (window_start <= last)]
    return out.sort_values(["start", "event"], kind="stable").reset_index(drop=True)


def _row(event, zh, en, start, end, pre, post, peak, region) -> dict:
    return {
        "event": event,
        "name_zh": zh,
        "name_en": en,
        "start": pd.Timestamp(start),
        "end": pd.Timestamp(end),
        "pre_days": pre,
        "post_days": post,
        "peak": pd.Timestamp(peak),
        "region": region,
    }


def _chinese_festivals(year: int) -> list[dict]:
    rows = []
    new_year = CHINESE_NEW_YEAR.get(year)
    if new_year is not None:
        day = pd.Timestamp(new_year)
        first, last = day - pd.Timedelta(days=21), day - pd.Timedelta(days=8)
        rows.append(
            _row("cny_shopping", "年货节", "CNY shopping festival", first, last, 0, 14, last, "cn")
        )
    rows.append(
        _row(
            "womens_day",
            "三八女王节",
            "Women's Day sale",
            f"{year}-03-01",
            f"{year}-03-08",
            0,
            3,
            f"{year}-03-08",
            "cn",
        )
    )
    rows.append(
        _row(
            "618",
            "618 大促",
            "618 festival",
            f"{year}-06-01",
            f"{year}-06-18",
            12,
            7,
            f"{year}-06-18",
            "cn",
        )
    )
    if year >= 2020:
        rows.append(
            _row(
                "double_11",
                "双11",
                "Singles' Day",
                f"{year}-11-01",
                f"{year}-11-11",
                12,
                7,
                f"{year}-11-11",
                "cn",
            )
        )
    else:
        rows.append(
            _row(
                "double_11",
                "双11",
                "Singles' Day",
                f"{year}-11-11",
                f"{year}-11-11",
                21,
                7,
                f"{year}-11-11",
                "cn",
            )
        )
    rows.append(
        _row(
            "double_12",
            "双12",
            "Double 12",
            f"{year}-12-12",
            f"{year}-12-12",
            3,
            3,
            f"{year}-12-12",
            "cn",
        )
    )
    return rows


def _thanksgiving(year: int) -> pd.Timestamp:
    """US Thanksgiving: the fourth Thursday of November of ``year``."""
    first = pd.Timestamp(year=year, month=11, day=1)
    first_thursday = first + pd.Timedelta(days=(3 - first.day_of_week) % 7)
    return first_thursday + pd.Timedelta(weeks=3)


def _western_festivals(year: int) -> list[dict]:
    friday = _thanksgiving(year) + pd.Timedelta(days=1)
    monday = friday + pd.Timedelta(days=3)
    return [
        _row("black_friday", "黑色星期五", "Black Friday", friday, friday, 7, 0, friday, "global"),
        _row("cyber_monday", "网络星期一", "Cyber Monday", monday, monday, 0, 0, monday, "global"),
    ]


def event_regressors(
    dates,
    calendar: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    *,
    date_col: str = "date",
) -> pd.DataFrame:
    """Daily 0/1 columns for festival and campaign days, their pre- and post-windows.

    Parameters
    ----------
    dates : pandas.DataFrame, Series or DatetimeIndex
        The days to describe: a frame's ``date_col`` (e.g. a daily series), or dates.
        Every day from the first to the last is returned.
    calendar : pandas.DataFrame, optional
        Events with ``event, start, end`` and optional ``pre_days, post_days, peak``
        (the output of :func:`festival_calendar`). None: no festivals.
    campaigns : pandas.DataFrame, optional
        The store's ``campaigns`` table (``campaign_id, start, end``, optional ``name``):
        each campaign is an event of its own, with a post-window of
        :data:`CAMPAIGN_POST_DAYS` days and no peak day.
    date_col : str, default "date"
        The day column of ``dates`` when it is a frame.

    Returns
    -------
    pandas.DataFrame
        One row per day:

        - ``date`` (datetime64[ns]): the local day.
        - ``event_peak`` (int64): 1 on the main day of a festival (``peak``).
        - ``event_window`` (int64): 1 on the other days of a festival or campaign.
        - ``pre_event`` (int64): 1 in a pre-window (presale, waiting) that is no sale day.
        - ``post_event`` (int64): 1 in a post-window (透支) that is no sale or pre day.
        - ``events`` (str): ids of the events whose window holds the day, ``;``-joined
          (empty when none).

    Notes
    -----
    中文名: 大促/活动日历变量

    A day is in one class only, in the order peak > window > pre > post: a day that is
    both the post-window of 双11 and the pre-window of 双12 counts as pre. Campaigns of
    the store's own table that overlap a festival add their days to its window.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2025-11-08", "2025-11-13", freq="D")
    >>> cal = festival_calendar("2025-11-01", "2025-11-30", region="cn")
    >>> event_regressors(days, cal)[["date", "event_peak", "event_window", "post_event"]]
            date  event_peak  event_window  post_event
    0 2025-11-08           0             1           0
    1 2025-11-09           0             1           0
    2 2025-11-10           0             1           0
    3 2025-11-11           1             0           0
    4 2025-11-12           0             0           1
    5 2025-11-13           0             0           1
    """
    days = _days(dates, date_col)
    out = pd.DataFrame({"date": days})
    if days.empty:
        return conform(out, REGRESSOR_COLUMNS)
    labels = {name: np.zeros(len(days), dtype="int64") for name in REGRESSORS}
    names = [[] for _ in range(len(days))]
    for event in _events(calendar, campaigns):
        for column, first, last in _windows(event):
            inside = (days >= first) & (days <= last)
            labels[column][inside] = 1
            for position in np.flatnonzero(inside):
                if event["event"] not in names[position]:
                    names[position].append(event["event"])
    peak = labels["event_peak"] == 1
    window = (labels["event_window"] == 1) & ~peak
    pre = (labels["pre_event"] == 1) & ~peak & ~window
    post = (labels["post_event"] == 1) & ~peak & ~window & ~pre
    for column, mask in zip(REGRESSORS, (peak, window, pre, post), strict=True):
        out[column] = mask.astype("int64")
    out["events"] = [";".join(held) for held in names]
    return conform(out, REGRESSOR_COLUMNS)


def _days(dates, date_col: str) -> pd.DatetimeIndex:
    if isinstance(dates, pd.DataFrame):
        require(dates, [date_col], "dates")
        values = dates[date_col]
    else:
        values = pd.Series(pd.DatetimeIndex(pd.to_datetime(dates)))
    stamps = local_naive(pd.Series(values).reset_index(drop=True)).dt.normalize().dropna()
    if stamps.empty:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    return pd.date_range(stamps.min(), stamps.max(), freq="D").astype("datetime64[ns]")


def _events(calendar, campaigns) -> list[dict]:
    events = []
    if calendar is not None:
        require(calendar, ["event", "start", "end"], "calendar")
        for _, row in calendar.iterrows():
            events.append(
                {
                    "event": str(row["event"]),
                    "start": as_day(row["start"], "calendar.start"),
                    "end": as_day(row["end"], "calendar.end"),
                    "pre_days": int(row.get("pre_days", 0) or 0),
                    "post_days": int(row.get("post_days", 0) or 0),
                    "peak": as_day(row["peak"], "calendar.peak")
                    if pd.notna(row.get("peak", pd.NaT))
                    else None,
                }
            )
    if campaigns is not None:
        require(campaigns, ["campaign_id", "start", "end"], "campaigns")
        for _, row in campaigns.iterrows():
            events.append(
                {
                    "event": str(row["campaign_id"]),
                    "start": as_day(row["start"], "campaigns.start"),
                    "end": as_day(row["end"], "campaigns.end"),
                    "pre_days": CAMPAIGN_PRE_DAYS,
                    "post_days": CAMPAIGN_POST_DAYS,
                    "peak": None,
                }
            )
    return events


def _windows(event: dict) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    one = pd.Timedelta(days=1)
    start, end = event["start"], event["end"]
    windows = [("event_window", start, end)]
    if event["pre_days"] > 0:
        windows.append(("pre_event", start - event["pre_days"] * one, start - one))
    if event["post_days"] > 0:
        windows.append(("post_event", end + one, end + event["post_days"] * one))
    if event["peak"] is not None:
        windows.append(("event_peak", event["peak"], event["peak"]))
    return windows
