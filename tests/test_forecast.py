"""Forecasts: ETS beats seasonal naive, intervals cover, fallbacks, month-end projection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.metrics import forecast

WEEK = np.array([100.0, 90, 95, 105, 120, 150, 140])


def series(days: int, *, seed: int, noise: float = 8.0, trend: float = 0.3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = np.tile(WEEK, days // 7 + 1)[:days] + trend * np.arange(days)
    return pd.DataFrame(
        {
            "date": pd.date_range("2025-01-06", periods=days, freq="D"),
            "paid_amount": values + rng.normal(0, noise, days),
        }
    )


def test_short_history_falls_back_to_seasonal_naive():
    frame = series(10, seed=2)
    ahead = forecast.forecast_daily(frame, value_col="paid_amount", horizon=9)
    assert (ahead["model"] == "seasonal_naive").all()
    values = frame["paid_amount"].to_numpy()
    assert ahead["forecast"].tolist() == pytest.approx(list(values[3:10]) + list(values[3:5]))
    assert ahead["date"].iloc[0] == pd.Timestamp("2025-01-16")


def test_seasonal_naive_interval_widens_each_season():
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2025-11-03", periods=14, freq="D"),
            "orders": [5.0, 6, 7, 8, 9, 10, 11, 6, 7, 8, 9, 10, 11, 14],
        }
    )
    ahead = forecast.seasonal_naive(frame, value_col="orders", horizon=8, interval=0.8)
    sigma = np.std([1, 1, 1, 1, 1, 1, 3], ddof=1)
    width = (ahead["upper"] - ahead["forecast"]).to_numpy()
    assert width[0] == pytest.approx(1.2815516 * sigma)
    assert width[7] == pytest.approx(1.2815516 * sigma * np.sqrt(2))


def test_errors_ignore_zero_actuals_in_mape():
    errors = forecast._errors(np.array([0.0, 10.0, 20.0]), np.array([5.0, 12.0, 15.0]))
    assert errors["mape"] == pytest.approx((0.2 + 0.25) / 2)
    assert errors["mae"] == pytest.approx(4.0)
    assert errors["smape"] == pytest.approx((2.0 + 4 / 22 + 10 / 35) / 3)


def test_project_period_end_hand_computed_on_a_flat_week():
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2025-10-06", periods=35, freq="D"),
            "orders": [10.0, 10, 10, 10, 10, 20, 20] * 5,
        }
    )
    row = forecast.project_period_end(
        frame,
        value_col="orders",
        period_start=pd.Timestamp("2025-11-01", tz="Asia/Shanghai"),
        period_end=pd.Timestamp("2025-12-01", tz="Asia/Shanghai"),
        as_of="2025-11-09",
    ).iloc[0]
    assert row["actual_to_date"] == 130.0
    assert row["forecast_remaining"] == pytest.approx(270.0, abs=1.0)
    assert row["lower"] <= row["projected_total"] <= row["upper"]
    assert (row["days_elapsed"], row["days_remaining"]) == (9, 21)


def test_project_period_end_when_the_period_is_over():
    frame = series(60, seed=3)
    row = forecast.project_period_end(
        frame,
        value_col="paid_amount",
        period_start="2025-02-01",
        period_end="2025-03-01",
        as_of="2025-03-05",
    ).iloc[0]
    in_feb = frame[(frame["date"] >= "2025-02-01") & (frame["date"] < "2025-03-01")]
    assert row["actual_to_date"] == pytest.approx(in_feb["paid_amount"].sum())
    assert row["forecast_remaining"] == 0.0
    assert row["lower"] == row["upper"] == row["projected_total"]


def test_empty_and_one_row_keep_the_schema():
    empty = forecast.forecast_daily(series(5, seed=0).iloc[:0], value_col="paid_amount")
    one = forecast.forecast_daily(series(1, seed=0), value_col="paid_amount", horizon=3)
    assert dict(empty.dtypes.astype(str)) == forecast.FORECAST_COLUMNS
    assert dict(one.dtypes.astype(str)) == forecast.FORECAST_COLUMNS
    assert one["forecast"].isna().all()


def test_bad_options_are_explained():
    with pytest.raises(ParameterError, match="horizon"):
        forecast.forecast_daily(series(30, seed=0), value_col="paid_amount", horizon=0)
    with pytest.raises(ParameterError, match="interval"):
        forecast.forecast_daily(series(30, seed=0), value_col="paid_amount", interval=80)


def falling(days: int, *, shift: float = 0.0) -> pd.DataFrame:
    """Sales falling from 120 a day to about 10: an additive trend runs below 0 ahead."""
    rng = np.random.default_rng(5)
    values = (
        np.linspace(120.0, 10.0, days) + np.tile([0.0, 5, -5, 3, -3, 8, -8], days // 7 + 1)[:days]
    )
    return pd.DataFrame(
        {
            "date": pd.date_range("2025-01-06", periods=days, freq="D"),
            "paid_amount": values + rng.normal(0, 2, days) + shift,
        }
    )


def test_a_series_that_is_never_negative_is_never_forecast_below_zero():
    frame = falling(70)
    ahead = forecast.forecast_daily(frame, value_col="paid_amount", horizon=28)
    assert (ahead[["forecast", "lower", "upper"]] >= 0).all().all()
    assert (ahead["lower"] == 0).any(), "the unfloored model does go below 0 here"
    naive = forecast.seasonal_naive(frame.iloc[-10:], value_col="paid_amount", horizon=14)
    assert (naive["lower"] >= 0).all()
    row = forecast.project_period_end(
        frame, value_col="paid_amount", period_start="2025-03-01", period_end="2025-04-30",
        as_of="2025-03-16",
    )  # fmt: skip
    assert row["lower"].iloc[0] >= row["actual_to_date"].iloc[0]


def test_a_series_with_negative_values_is_not_floored():
    """Net sales can be negative (refunds): their forecast is the model's."""
    ahead = forecast.forecast_daily(falling(70, shift=-60.0), value_col="paid_amount", horizon=28)
    assert (ahead["forecast"] < 0).any()


# -- issue 17 (nbB): a period's total with its range, the verdict of a backtest ----------------


def _flat_weeks(days: int, noise: float = 5.0, seed: int = 0) -> pd.DataFrame:
    dates = pd.date_range("2025-03-03", periods=days, freq="D")
    weekly = np.tile([100.0, 90, 95, 105, 120, 150, 140], days // 7 + 1)[:days]
    values = weekly + np.random.default_rng(seed).normal(0, noise, days)
    return pd.DataFrame({"date": dates, "paid_amount": values})


def test_period_total_is_the_sum_of_the_daily_forecast_inside_its_range():
    frame = _flat_weeks(140)
    row = forecast.forecast_period_total(
        frame,
        value_col="paid_amount",
        period_start="2025-07-21",
        period_end="2025-08-18",
        region="global",
    ).iloc[0]
    daily = forecast.forecast_with_events(
        frame, value_col="paid_amount", horizon=28, region="global"
    )
    assert row["days"] == 28
    # the median of the simulated totals: near the sum of the daily forecasts for a symmetric KPI
    assert row["forecast"] == pytest.approx(daily["forecast"].sum(), rel=0.02)
    # four weeks of a 800-a-week pattern: 3,200, and the 80 % range brackets it tightly
    assert row["forecast"] == pytest.approx(3200, rel=0.05)
    assert row["lower"] < row["forecast"] < row["upper"]
    assert row["upper"] - row["lower"] < 0.2 * row["forecast"]
    # the range of a sum is narrower than the sum of the days' ranges (errors partly cancel)
    assert row["upper"] - row["lower"] < (daily["upper"] - daily["lower"]).sum()


def test_period_total_skips_the_gap_before_the_period_and_needs_history():
    frame = _flat_weeks(140)  # ends 2025-07-20
    gap = forecast.forecast_period_total(
        frame,
        value_col="paid_amount",
        period_start="2025-07-28",
        period_end="2025-08-04",
        region="global",
    ).iloc[0]
    assert gap["forecast"] == pytest.approx(800, rel=0.05)  # one week, not two
    early = forecast.forecast_period_total(
        frame, value_col="paid_amount", period_start="2025-03-01", period_end="2025-03-08"
    ).iloc[0]
    assert np.isnan(early["forecast"]) and early["model"] == ""
    with pytest.raises(ParameterError, match="period_end"):
        forecast.forecast_period_total(
            frame, value_col="paid_amount", period_start="2025-08-01", period_end="2025-08-01"
        )


def test_projection_with_events_adds_the_forecast_of_the_days_left():
    frame = _flat_weeks(140)
    row = forecast.project_period_end_with_events(
        frame,
        value_col="paid_amount",
        period_start="2025-07-01",
        period_end="2025-08-01",
        as_of="2025-07-20",
        region="global",
    ).iloc[0]
    july = frame[(frame["date"] >= "2025-07-01") & (frame["date"] <= "2025-07-20")]
    assert row["actual_to_date"] == pytest.approx(july["paid_amount"].sum())
    assert (row["days_elapsed"], row["days_remaining"]) == (20, 11)
    assert row["projected_total"] == pytest.approx(
        row["actual_to_date"] + row["forecast_remaining"]
    )
    assert row["lower"] < row["projected_total"] < row["upper"]
    done = forecast.project_period_end_with_events(
        frame,
        value_col="paid_amount",
        period_start="2025-07-01",
        period_end="2025-07-21",
        as_of="2025-07-20",
    ).iloc[0]
    assert done["lower"] == done["upper"] == done["projected_total"] == done["actual_to_date"]


def test_verdict_by_hand():
    scores = pd.DataFrame(
        {
            "model": ["regression_events", "seasonal_naive"] * 2,
            "fold": [1, 1, 2, 2],
            "mae": [12.0, 10.0, 12.0, 10.0],
        }
    )
    verdict = forecast.backtest_verdict(scores).iloc[0]
    assert verdict["model"] == "regression_events"
    assert (verdict["folds"], verdict["mae"], verdict["naive_mae"]) == (2, 12.0, 10.0)
    assert verdict["mae_change"] == pytest.approx(0.2)
    assert not verdict["beats_naive"]
    # a fold without its naive row does not count
    alone = forecast.backtest_verdict(scores.iloc[:3])
    assert alone["folds"].tolist() == [1]


def test_event_backtest_beats_naive_on_a_clean_weekly_pattern():
    scores = forecast.backtest_with_events(
        _flat_weeks(140, noise=2.0), value_col="paid_amount", horizon=14, folds=2, region="global"
    )
    # 140 days and no festival in them: the event model falls back to ETS, and says so
    assert set(scores["model"]) == {"ets", "seasonal_naive"}
    assert bool(forecast.backtest_verdict(scores)["beats_naive"].iloc[0])


def test_period_total_of_a_skewed_kpi_stays_inside_its_range():
    """Refund-like days (log-normal, heavy tail): the sum of the median days understates the
    total, so the total is the median of the simulated totals, inside its 80 % range."""
    days = pd.date_range("2024-06-01", periods=420, freq="D")
    values = 100 * np.exp(np.random.default_rng(3).normal(0, 1.2, len(days)))
    frame = pd.DataFrame({"date": days, "refund_amount": values})
    row = forecast.forecast_period_total(
        frame,
        value_col="refund_amount",
        period_start="2025-07-25",
        period_end="2025-08-24",
        region="global",
    ).iloc[0]
    daily = forecast.forecast_with_events(
        frame, value_col="refund_amount", horizon=30, region="global"
    )
    assert row["model"] == "regression_events"
    assert row["lower"] <= row["forecast"] <= row["upper"]
    assert row["forecast"] > daily["forecast"].sum()  # the median day undercounts a skewed total
