"""festival_calendar and event_regressors: known dates, windows, the store's campaigns."""

from __future__ import annotations

import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.metrics.calendar import CALENDAR_COLUMNS, event_regressors, festival_calendar


def one(calendar: pd.DataFrame, event: str, year: int) -> pd.Series:
    rows = calendar[(calendar["event"] == event) & (calendar["start"].dt.year == year)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("year", "new_year"),
    [
        (2019, "2019-02-05"),
        (2023, "2023-01-22"),
        (2024, "2024-02-10"),
        (2025, "2025-01-29"),
        (2026, "2026-02-17"),
    ],
)
def test_cny_shopping_ends_eight_days_before_chinese_new_year(year, new_year):
    cal = festival_calendar(f"{year}-01-01", f"{year}-03-31", region="cn")
    row = one(cal, "cny_shopping", year)
    assert row["end"] == pd.Timestamp(new_year) - pd.Timedelta(days=8)
    assert row["start"] == pd.Timestamp(new_year) - pd.Timedelta(days=21)


@pytest.mark.parametrize(
    ("year", "friday"), [(2023, "2023-11-24"), (2024, "2024-11-29"), (2025, "2025-11-28")]
)
def test_black_friday_and_cyber_monday(year, friday):
    cal = festival_calendar(f"{year}-11-01", f"{year}-12-31", region="global")
    assert one(cal, "black_friday", year)["start"] == pd.Timestamp(friday)
    assert one(cal, "cyber_monday", year)["start"] == pd.Timestamp(friday) + pd.Timedelta(days=3)
    assert set(cal["region"]) == {"global"}


def test_chinese_festival_windows():
    cal = festival_calendar("2024-01-01", "2024-12-31", region="cn")
    six = one(cal, "618", 2024)
    assert (six["start"], six["end"], six["pre_days"]) == (
        pd.Timestamp("2024-06-01"),
        pd.Timestamp("2024-06-18"),
        12,
    )
    eleven = one(cal, "double_11", 2024)
    assert eleven["start"] - pd.Timedelta(days=int(eleven["pre_days"])) == pd.Timestamp(
        "2024-10-20"
    )
    assert eleven["peak"] == pd.Timestamp("2024-11-11")
    assert one(cal, "double_12", 2024)["peak"] == pd.Timestamp("2024-12-12")
    assert one(cal, "womens_day", 2024)["peak"] == pd.Timestamp("2024-03-08")
    assert "black_friday" not in set(cal["event"])
    assert dict(cal.dtypes.astype(str)) == CALENDAR_COLUMNS


def test_only_events_whose_window_meets_the_range():
    cal = festival_calendar("2025-11-15", "2025-11-16", region="cn")
    assert cal["event"].tolist() == ["double_11"]  # its 7-day post-window reaches Nov 18
    assert festival_calendar("2025-07-01", "2025-07-31", region="cn").empty


def test_bad_options():
    with pytest.raises(ParameterError, match="region"):
        festival_calendar("2025-01-01", "2025-12-31", region="eu")
    with pytest.raises(ParameterError, match="before"):
        festival_calendar("2025-12-31", "2025-01-01")


def test_regressors_classes_are_exclusive_and_hand_checked():
    days = pd.date_range("2025-10-15", "2025-11-20", freq="D")
    frame = event_regressors(
        pd.DataFrame({"date": days}), festival_calendar("2025-10-01", "2025-11-30", region="cn")
    )
    by_day = frame.set_index("date")
    assert by_day.loc["2025-10-19", ["pre_event", "event_window"]].tolist() == [0, 0]
    assert by_day.loc["2025-10-20", "pre_event"] == 1
    assert by_day.loc["2025-11-01", "event_window"] == 1
    assert by_day.loc["2025-11-11", ["event_peak", "event_window"]].tolist() == [1, 0]
    assert by_day.loc["2025-11-18", "post_event"] == 1
    assert by_day.loc["2025-11-19", "post_event"] == 0
    classes = frame[["event_peak", "event_window", "pre_event", "post_event"]].sum(axis=1)
    assert classes.max() == 1
    assert by_day.loc["2025-11-05", "events"] == "double_11"


def test_store_campaigns_are_events_with_a_post_window():
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["C7"],
            "name": ["clearance"],
            "start": ["2025-07-10"],
            "end": ["2025-07-12"],
        }
    )
    frame = event_regressors(pd.date_range("2025-07-08", "2025-07-16"), None, campaigns)
    assert frame["event_window"].tolist() == [0, 0, 1, 1, 1, 0, 0, 0, 0]
    assert frame["post_event"].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 0]
    assert frame["events"].iloc[2] == "C7"
    assert frame["event_peak"].sum() == 0


def test_empty_dates_keep_the_schema():
    frame = event_regressors(pd.DataFrame({"date": pd.to_datetime([])}), None)
    assert frame.empty
    assert list(frame.columns) == [
        "date",
        "event_peak",
        "event_window",
        "pre_event",
        "post_event",
        "events",
    ]
