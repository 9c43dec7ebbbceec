"""forecast_with_events: planted festival effects are expected, short histories fall back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.metrics.forecast import FORECAST_COLUMNS, forecast_with_events


def history(end: str, *, lift: float = 2.5, seed: int = 0) -> pd.DataFrame:
    days = pd.date_range("2023-10-01", end, freq="D")
    rng = np.random.default_rng(seed)
    values = 200 * np.exp(rng.normal(0, 0.05, len(days)))
    for year in (2023, 2024, 2025):
        values[(days >= f"{year}-11-01") & (days <= f"{year}-11-11")] *= lift
    return pd.DataFrame({"date": days, "paid_amount": values})


def test_a_planted_festival_lift_is_forecast():
    frame = history("2025-10-20")
    ahead = forecast_with_events(frame, value_col="paid_amount", horizon=30, region="cn")
    assert (ahead["model"] == "regression_events").all()
    by_day = ahead.set_index("date")["forecast"]
    sale = by_day["2025-11-01":"2025-11-10"].mean()
    after = by_day["2025-11-19":"2025-11-19"].mean()
    assert 2.0 < sale / after < 3.1
    assert (ahead["lower"] <= ahead["forecast"]).all() and (
        ahead["forecast"] <= ahead["upper"]
    ).all()
    assert dict(ahead.dtypes.astype(str)) == FORECAST_COLUMNS


def test_eighty_percent_intervals_cover_about_eighty_percent():
    inside = total = 0
    for seed in range(6):
        frame = history("2025-10-20", seed=seed)
        future = history("2025-11-18", seed=seed + 100).iloc[-29:]
        ahead = forecast_with_events(frame, value_col="paid_amount", horizon=29, region="cn")
        actual = future["paid_amount"].to_numpy()
        inside += int(((actual >= ahead["lower"]) & (actual <= ahead["upper"])).sum())
        total += len(actual)
    assert 0.65 <= inside / total <= 0.95


def test_short_history_without_events_falls_back_to_ets():
    days = pd.date_range("2025-07-01", periods=60, freq="D")
    frame = pd.DataFrame({"date": days, "orders": np.tile([10.0, 9, 9, 10, 12, 15, 14], 9)[:60]})
    ahead = forecast_with_events(frame, value_col="orders", horizon=7, region="cn")
    assert ahead["model"].iloc[0] == "ets"


def test_never_negative_and_empty():
    frame = history("2025-10-20")
    frame["paid_amount"] *= 0.0
    ahead = forecast_with_events(frame, value_col="paid_amount", horizon=5)
    assert (ahead[["forecast", "lower", "upper"]] >= 0).all().all()
    empty = forecast_with_events(frame.iloc[:0], value_col="paid_amount", horizon=5)
    assert empty.empty and dict(empty.dtypes.astype(str)) == FORECAST_COLUMNS
