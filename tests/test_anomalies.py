"""detect_anomalies: planted spikes and dips found, few false alarms, short series, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import DataError, MissingColumnsError, ParameterError
from ecanalysis.metrics.anomalies import ANOMALY_COLUMNS, detect_anomalies

WEEK = np.array([100.0, 90, 95, 105, 120, 150, 140])


def seasonal_series(days: int, *, seed: int, noise: float = 3.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = np.tile(WEEK, days // 7 + 1)[:days] + np.linspace(0, 20, days)
    values = values + rng.normal(0, noise, days)
    dates = pd.date_range("2025-01-06", periods=days, freq="D")
    return pd.DataFrame({"date": dates, "paid_amount": values})


def test_planted_spikes_and_dips_are_found():
    frame = seasonal_series(120, seed=1)
    planted = {20: 40.0, 57: -35.0, 90: 30.0, 101: -30.0}
    for row, shift in planted.items():
        frame.loc[row, "paid_amount"] += shift
    flags = detect_anomalies(frame, value_col="paid_amount")
    found = flags.index[flags["is_anomaly"]].tolist()
    assert found == sorted(planted)
    assert flags.loc[found, "direction"].tolist() == ["above", "below", "above", "below"]


def test_false_alarm_rate_on_clean_series_is_below_one_percent():
    flagged = days = 0
    for seed in range(10):
        flags = detect_anomalies(seasonal_series(180, seed=seed), value_col="paid_amount")
        flagged += int(flags["is_anomaly"].sum())
        days += len(flags)
    assert flagged / days < 0.01


def test_columns_band_and_score_are_consistent():
    flags = detect_anomalies(seasonal_series(60, seed=3), value_col="paid_amount", threshold=3.0)
    assert dict(flags.dtypes.astype(str)) == ANOMALY_COLUMNS
    assert np.allclose(flags["residual"], flags["value"] - flags["expected"])
    half_width = (flags["upper"] - flags["lower"]) / 2
    assert np.allclose(flags["score"].abs() * half_width / 3.0, flags["residual"].abs())
    outside = (flags["value"] > flags["upper"]) | (flags["value"] < flags["lower"])
    assert (outside == flags["is_anomaly"]).all()


def closed_store() -> pd.DataFrame:
    """Four weeks at 100 a day, then a fortnight at 0 (the store stopped selling)."""
    days = pd.date_range("2025-09-01", periods=42, freq="D")
    return pd.DataFrame({"date": days, "paid_amount": [100.0] * 28 + [0.0] * 14})


@pytest.mark.parametrize("robust", [True, False])
def test_a_series_without_negative_values_is_never_expected_below_zero(robust):
    # STL carries the falling trend into the closed fortnight below 0 (without the floor
    # 0 was read "actual 0, expected -5.61" on 7 Oct and flagged up).
    flags = detect_anomalies(closed_store(), value_col="paid_amount", robust=robust)
    assert (flags["expected"] >= 0).all()
    assert (flags["lower"] >= 0).all()
    closed = flags.iloc[28:]
    assert not (closed["direction"] == "above").any()
    # where the model touches 0, a day at 0 is exactly as expected
    at_zero = closed[closed["expected"] == 0.0]
    assert len(at_zero) >= 1
    assert (at_zero[["lower", "residual", "score"]] == 0.0).all().all()
    assert not at_zero["is_anomaly"].any()
    # band, score and flag still agree
    assert np.allclose(flags["residual"], flags["value"] - flags["expected"])
    outside = (flags["value"] > flags["upper"]) | (flags["value"] < flags["lower"])
    assert (outside == flags["is_anomaly"]).all()


def test_a_series_with_negative_values_is_not_floored():
    # net sales after refunds can be negative: the model is left as STL gives it
    frame = closed_store()
    frame.loc[30, "paid_amount"] = -1.0
    flags = detect_anomalies(frame, value_col="paid_amount", robust=False)
    assert flags["expected"].min() < 0
    assert flags["lower"].min() < 0


def test_missing_days_count_as_zero_and_show_as_a_dip():
    frame = seasonal_series(84, seed=4).drop(index=50)
    flags = detect_anomalies(frame, value_col="paid_amount")
    assert len(flags) == 84
    day = flags.iloc[50]
    assert day["value"] == 0.0
    assert day["is_anomaly"]
    assert day["direction"] == "below"


def test_nan_values_are_never_flagged():
    frame = seasonal_series(60, seed=5)
    frame.loc[30, "paid_amount"] = np.nan
    flags = detect_anomalies(frame, value_col="paid_amount")
    assert not flags.loc[30, "is_anomaly"]
    assert np.isnan(flags.loc[30, "score"])


def test_short_series_flags_nothing_and_says_why():
    frame = seasonal_series(14, seed=6)
    flags = detect_anomalies(frame, value_col="paid_amount")
    assert len(flags) == 14
    assert not flags["is_anomaly"].any()
    assert flags["expected"].isna().all()
    assert "at least 15" in flags.attrs["note"]
    assert dict(flags.dtypes.astype(str)) == ANOMALY_COLUMNS


def test_constant_series_flags_only_the_change():
    frame = pd.DataFrame(
        {"date": pd.date_range("2025-03-03", periods=42, freq="D"), "orders": [10.0] * 42}
    )
    frame.loc[30, "orders"] = 25.0
    flags = detect_anomalies(frame, value_col="orders")
    assert flags.index[flags["is_anomaly"]].tolist() == [30]


def test_tz_aware_and_unsorted_dates_are_local_days():
    frame = seasonal_series(30, seed=7)
    shuffled = frame.sample(frac=1.0, random_state=0)
    shuffled["date"] = shuffled["date"].dt.tz_localize("Asia/Shanghai")
    flags = detect_anomalies(shuffled, value_col="paid_amount")
    assert flags["date"].tolist() == frame["date"].tolist()
    assert np.allclose(flags["value"], frame["paid_amount"])


def test_input_is_not_mutated():
    frame = seasonal_series(30, seed=8)
    before = frame.copy()
    detect_anomalies(frame, value_col="paid_amount")
    pd.testing.assert_frame_equal(frame, before)


def test_bad_input_is_explained():
    frame = seasonal_series(30, seed=9)
    with pytest.raises(MissingColumnsError, match="paid_amount"):
        detect_anomalies(frame, value_col="paid_amont")
    with pytest.raises(DataError, match="one row per day"):
        detect_anomalies(pd.concat([frame, frame]), value_col="paid_amount")
    with pytest.raises(ParameterError, match="threshold"):
        detect_anomalies(frame, value_col="paid_amount", threshold=0)
