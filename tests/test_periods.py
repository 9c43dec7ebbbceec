"""Tests of ecanalysis.periods: every form, DST, ISO weeks, leap days, relative forms."""

from __future__ import annotations

import datetime as dt
import pickle
import re
import zoneinfo

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecanalysis.errors import ParameterError
from ecanalysis.periods import ACCEPTED_FORMS, KINDS, Period, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "kind", "label", "first", "last"),
    [
        ("2025-11-11", "day", "2025-11-11", D(2025, 11, 11), D(2025, 11, 11)),
        ("2025-11-1", "day", "2025-11-01", D(2025, 11, 1), D(2025, 11, 1)),
        ("2025-W46", "week", "2025-W46", D(2025, 11, 10), D(2025, 11, 16)),
        ("2025-w46", "week", "2025-W46", D(2025, 11, 10), D(2025, 11, 16)),
        ("2025-W1", "week", "2025-W01", D(2024, 12, 30), D(2025, 1, 5)),
        ("2025-11", "month", "2025-11", D(2025, 11, 1), D(2025, 11, 30)),
        ("2024-02", "month", "2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025-Q4", "quarter", "2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025-q1", "quarter", "2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025", "year", "2025", D(2025, 1, 1), D(2025, 12, 31)),
        (
            "2025-11-01..2025-11-15",
            "range",
            "2025-11-01..2025-11-15",
            D(2025, 11, 1),
            D(2025, 11, 15),
        ),
        (" 2025-11 ", "month", "2025-11", D(2025, 11, 1), D(2025, 11, 30)),
    ],
)
def test_absolute_forms(text, kind, label, first, last):
    period = parse_period(text, "Asia/Shanghai")
    assert (period.kind, period.label, period.first_day, period.last_day) == (
        kind,
        label,
        first,
        last,
    )
    assert str(period) == label
    assert re.fullmatch(r"[0-9A-Za-z.-]+", period.label)
    assert parse_period(period.label, "Asia/Shanghai") == period  # labels parse to themselves


def test_start_end_are_local_midnights():
    period = parse_period("2025-11", "Asia/Shanghai")
    assert period.start == pd.Timestamp("2025-11-01 00:00", tz="Asia/Shanghai")
    assert period.end == pd.Timestamp("2025-12-01 00:00", tz="Asia/Shanghai")
    assert period.start == pd.Timestamp("2025-10-31 16:00", tz="UTC")
    assert period.tz == "Asia/Shanghai"
    assert period.days == 30
    assert period.local_bounds() == (pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01"))
    assert period.dates()[0] == D(2025, 11, 1)
    assert period.dates()[-1] == D(2025, 11, 30)
    assert len(period.dates()) == 30


@pytest.mark.parametrize(
    ("day", "tz", "hours"),
    [
        ("2025-03-09", "America/New_York", 23),
        ("2025-11-02", "America/New_York", 25),
        ("2025-03-30", "Europe/Berlin", 23),
        ("2025-10-26", "Europe/Berlin", 25),
        ("2025-03-09", "Asia/Shanghai", 24),
    ],
)
def test_dst_day_lengths(day, tz, hours):
    period = parse_period(day, tz)
    assert period.end - period.start == pd.Timedelta(hours=hours)
    assert period.start.hour == 0
    assert period.end.hour == 0


def test_dst_month_length_in_hours():
    march = parse_period("2025-03", "America/New_York")
    assert march.end - march.start == pd.Timedelta(hours=31 * 24 - 1)


def test_midnight_skipped_by_dst_starts_at_first_existing_instant():
    # Chile moves clocks forward at local midnight: 2024-09-08 00:00 does not exist.
    period = parse_period("2024-09-08", "America/Santiago")
    assert period.start == pd.Timestamp("2024-09-08 01:00", tz="America/Santiago")
    assert period.end - period.start == pd.Timedelta(hours=23)


def test_iso_weeks_across_year_ends():
    assert parse_period("2020-W53", "UTC").first_day == D(2020, 12, 28)
    assert parse_period("2024-W01", "UTC").first_day == D(2024, 1, 1)
    assert parse_period("2025-W01", "UTC").first_day == D(2024, 12, 30)
    assert parse_period("2026-W53", "UTC").last_day == D(2027, 1, 3)
    with pytest.raises(ParameterError, match="not a real week: ISO year 2021 has weeks W01 to W52"):
        parse_period("2021-W53", "UTC")
    with pytest.raises(ParameterError):
        parse_period("2025-W00", "UTC")


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2025-11-11", "2025-11-10"),
        ("2025-03-01", "2025-02-28"),
        ("2025-W46", "2025-W45"),
        ("2025-W01", "2024-W52"),
        ("2021-W01", "2020-W53"),
        ("2025-01", "2024-12"),
        ("2025-03", "2025-02"),
        ("2025-Q1", "2024-Q4"),
        ("2025-Q3", "2025-Q2"),
        ("2025", "2024"),
        ("2025-11-01..2025-11-15", "2025-10-17..2025-10-31"),
        ("2025-03-01..2025-03-01", "2025-02-28..2025-02-28"),
    ],
)
def test_previous(text, previous):
    period = parse_period(text, "Europe/Berlin")
    before = period.previous()
    assert before.label == previous
    assert before.kind == period.kind
    assert before.end == period.start


@pytest.mark.parametrize(
    ("text", "year_ago"),
    [
        ("2025-11-11", "2024-11-12"),  # 364 days: both Tuesdays
        ("2024-02-29", "2023-03-02"),
        ("2025-W46", "2024-W46"),
        ("2021-W01", "2020-W01"),
        ("2020-W53", "2019-W52"),
        ("2024-02", "2023-02"),
        ("2025-Q4", "2024-Q4"),
        ("2025", "2024"),
        ("2025-11-01..2025-11-15", "2024-11-01..2024-11-15"),
        ("2024-02-20..2024-02-29", "2023-02-20..2023-02-28"),
    ],
)
def test_year_ago(text, year_ago):
    period = parse_period(text, "UTC")
    earlier = period.year_ago()
    assert earlier.label == year_ago
    assert earlier.kind == period.kind
    if period.kind in ("day", "week"):
        assert earlier.first_day.weekday() == period.first_day.weekday()


def test_year_ago_month_days():
    assert parse_period("2024-02", "UTC").year_ago().days == 28


@pytest.mark.parametrize(
    ("form", "today", "label"),
    [
        ("yesterday", D(2025, 12, 1), "2025-11-30"),
        ("yesterday", D(2024, 3, 1), "2024-02-29"),
        ("last-week", D(2025, 11, 19), "2025-W46"),  # a Wednesday
        ("last-week", D(2025, 11, 17), "2025-W46"),  # a Monday
        ("last-week", D(2025, 11, 16), "2025-W45"),  # a Sunday
        ("last-week", D(2025, 1, 1), "2024-W52"),
        ("last-month", D(2025, 1, 15), "2024-12"),
        ("last-month", D(2025, 3, 31), "2025-02"),
        ("LAST-MONTH", D(2025, 3, 1), "2025-02"),
    ],
)
def test_relative_to_today(form, today, label):
    assert parse_period(form, "Asia/Shanghai", today=today).label == label


def test_relative_default_today_is_the_stores_local_today():
    period = parse_period("yesterday", "Pacific/Kiritimati")  # UTC+14
    # the clock is read once here and once in parse_period; a midnight between is harmless
    local_today = dt.datetime.now(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert period.first_day in (local_today - dt.timedelta(days=1), local_today)


@pytest.mark.parametrize(
    ("form", "data_end", "label"),
    [
        ("latest-day", D(2025, 11, 30), "2025-11-30"),
        ("latest-week", D(2025, 11, 30), "2025-W48"),  # a Sunday: its own week is complete
        ("latest-week", D(2025, 11, 29), "2025-W47"),  # a Saturday: its week is partial
        ("latest-week", D(2025, 11, 24), "2025-W47"),  # a Monday
        ("latest-month", D(2025, 11, 30), "2025-11"),
        ("latest-month", D(2025, 11, 29), "2025-10"),
        ("latest-month", D(2024, 2, 29), "2024-02"),
        ("latest-month", D(2025, 1, 1), "2024-12"),
    ],
)
def test_relative_to_data_end(form, data_end, label):
    assert parse_period(form, "UTC", data_end=data_end).label == label


def test_latest_without_data_end_is_a_clear_error():
    with pytest.raises(ParameterError, match="data_end"):
        parse_period("latest-month", "UTC")


@pytest.mark.parametrize(
    "text",
    ["", "2025-13", "2025-02-30", "2025-Q5", "Q4", "last-year", "2025/11", "25-11-11", "..", "x"],
)
def test_invalid_text_lists_accepted_forms(text):
    with pytest.raises(ParameterError) as info:
        parse_period(text, "UTC")
    assert ACCEPTED_FORMS in str(info.value)
    assert isinstance(info.value, ValueError)


def test_range_backwards_is_refused():
    with pytest.raises(ParameterError, match="before it starts"):
        parse_period("2025-11-15..2025-11-01", "UTC")


def test_unknown_time_zone_is_refused():
    with pytest.raises(ParameterError, match="IANA"):
        parse_period("2025-11", "Mars/Olympus")


def test_contains():
    period = parse_period("2025-11", "Asia/Shanghai")
    assert period.contains(D(2025, 11, 30))
    assert not period.contains(D(2025, 12, 1))
    assert period.contains(pd.Timestamp("2025-11-30 23:30"))  # naive = local
    assert not period.contains(pd.Timestamp("2025-12-01 00:00"))
    assert not period.contains(pd.Timestamp("2025-11-30 16:30", tz="UTC"))  # Dec 1 in Shanghai
    assert period.contains(pd.Timestamp("2025-11-30 15:59", tz="UTC"))


def test_periods_pickle_and_compare():
    period = parse_period("2025-W46", "Asia/Shanghai")
    assert pickle.loads(pickle.dumps(period)) == period
    assert {period, parse_period("2025-w46", "Asia/Shanghai")} == {period}
    with pytest.raises(ParameterError):
        Period(D(2025, 1, 1), D(2025, 1, 1), "fortnight", "UTC")


# -- properties ----------------------------------------------------------------------

days = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))
zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin"])


def _period_of(kind: str, day: dt.date, tz: str) -> Period:
    year, week, _ = day.isocalendar()
    text = {
        "day": day.isoformat(),
        "week": f"{year}-W{week:02d}",
        "month": f"{day:%Y-%m}",
        "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        "year": f"{day.year}",
        "range": f"{day.isoformat()}..{(day + dt.timedelta(days=day.day)).isoformat()}",
    }[kind]
    return parse_period(text, tz)


@given(kind=st.sampled_from(KINDS), day=days, tz=zones)
def test_previous_tiles_without_gaps(kind, day, tz):
    period = _period_of(kind, day, tz)
    assert period.contains(day)
    before = period.previous()
    assert before.last_day + dt.timedelta(days=1) == period.first_day
    assert before.end == period.start
    assert before.kind == period.kind
    if kind in ("day", "week", "range"):
        assert before.days == period.days
    assert sum(1 for d in before.dates() if period.contains(d)) == 0


@given(kind=st.sampled_from(KINDS), day=days, tz=zones)
def test_label_round_trips_and_year_ago_is_a_year_back(kind, day, tz):
    period = _period_of(kind, day, tz)
    assert parse_period(period.label, tz) == period
    earlier = period.year_ago()
    assert earlier.kind == period.kind
    assert 357 <= (period.first_day - earlier.first_day).days <= 371
