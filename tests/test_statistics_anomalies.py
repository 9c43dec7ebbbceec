"""detect_anomalies on small stores: count bands, amount floors, explainable flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import poisson

from ecanalysis.errors import ParameterError
from ecanalysis.metrics.anomalies import ANOMALY_COLUMNS, detect_anomalies


def poisson_store(rate: float, days: int, *, seed: int) -> pd.DataFrame:
    counts = np.random.default_rng(seed).poisson(rate, days).astype(float)
    dates = pd.date_range("2025-03-03", periods=days, freq="D")
    return pd.DataFrame({"date": dates, "orders": counts})


@pytest.mark.parametrize("seed", range(5))
def test_a_poisson_two_a_day_store_is_quiet(seed):
    flags = detect_anomalies(poisson_store(2.0, 120, seed=seed), value_col="orders")
    assert flags.attrs["kind"] == "count"
    assert int(flags["is_anomaly"].sum()) <= 2


@pytest.mark.parametrize("seed", range(3))
def test_a_store_with_mostly_empty_days_is_quiet_in_money_too(seed):
    # half a order a day of about 35 each: more than half the days have no sale, the MAD is 0
    rng = np.random.default_rng(seed)
    orders = rng.poisson(0.5, 120)
    amounts = np.array([rng.gamma(4.0, 35.0 / 4.0, n).sum() for n in orders])
    frame = pd.DataFrame(
        {"date": pd.date_range("2025-03-03", periods=120, freq="D"), "paid_amount": amounts}
    )
    flags = detect_anomalies(frame, value_col="paid_amount")
    assert flags.attrs["kind"] == "amount"
    assert int(flags["is_anomaly"].sum()) <= 2


def test_count_band_is_the_poisson_quantile_on_a_constant_series():
    frame = pd.DataFrame(
        {"date": pd.date_range("2025-03-03", periods=42, freq="D"), "orders": [10.0] * 42}
    )
    frame.loc[30, "orders"] = 25.0
    flags = detect_anomalies(frame, value_col="orders")
    tail = 2.326e-4  # 1 - Phi(3.5)
    day = flags.iloc[0]
    assert day["expected"] == pytest.approx(10.0)
    assert day["upper"] == poisson.ppf(1 - tail, 10.0)
    assert day["lower"] == poisson.ppf(tail, 10.0)
    assert flags.index[flags["is_anomaly"]].tolist() == [30]
    assert flags.loc[30, "direction"] == "above"


def test_a_day_printing_as_expected_is_never_flagged():
    # a near-constant amount series: the 1 % floor would flag 100.004 against 100.000
    values = np.full(42, 100.0)
    values[20] = 100.004
    frame = pd.DataFrame({"date": pd.date_range("2025-03-03", periods=42), "paid_amount": values})
    flags = detect_anomalies(frame, value_col="paid_amount", threshold=1e-6)
    assert not flags["is_anomaly"].any()
    for _, row in flags.iterrows():
        assert not (row["is_anomaly"] and round(row["value"], 2) == round(row["expected"], 2))


def test_actual_equal_to_expected_is_never_flagged():
    frame = poisson_store(3.0, 84, seed=11)
    flags = detect_anomalies(frame, value_col="orders", threshold=0.01)
    same = np.round(flags["value"]) == np.round(flags["expected"])
    assert same.any()
    assert not flags.loc[same, "is_anomaly"].any()


def test_min_abs_deviation_silences_small_departures():
    rng = np.random.default_rng(3)
    values = 100 + rng.normal(0, 0.1, 84)
    values[40] += 20  # 200 sigma, but only 20 in money
    frame = pd.DataFrame({"date": pd.date_range("2025-03-03", periods=84), "paid_amount": values})
    assert detect_anomalies(frame, value_col="paid_amount").loc[40, "is_anomaly"]
    quiet = detect_anomalies(frame, value_col="paid_amount", min_abs_deviation=50)
    assert not quiet["is_anomaly"].any()


def test_order_value_floors_the_spread():
    frame = poisson_store(2.0, 84, seed=5).rename(columns={"orders": "paid_amount"})
    frame["paid_amount"] *= 30.0
    flags = detect_anomalies(frame, value_col="paid_amount", order_value=30.0)
    expected = flags["expected"].clip(lower=0)
    half_width = flags["upper"] - flags["expected"]
    assert (half_width >= 3.5 * np.sqrt(expected * 30.0) - 1e-9).all()


def test_kind_is_inferred_from_the_name_and_can_be_forced():
    frame = poisson_store(5.0, 42, seed=1)
    assert detect_anomalies(frame, value_col="orders").attrs["kind"] == "count"
    renamed = frame.rename(columns={"orders": "new_buyers"})
    assert detect_anomalies(renamed, value_col="new_buyers").attrs["kind"] == "count"
    assert detect_anomalies(frame, value_col="orders", kind="amount").attrs["kind"] == "amount"
    with pytest.raises(ParameterError, match="kind"):
        detect_anomalies(frame, value_col="orders", kind="money")
    with pytest.raises(ParameterError, match="min_abs_deviation"):
        detect_anomalies(frame, value_col="orders", min_abs_deviation=-1)


def test_a_large_drop_on_a_large_store_is_found_below():
    frame = poisson_store(400.0, 120, seed=2)
    frame.loc[70, "orders"] = 300.0  # five Poisson sigmas
    flags = detect_anomalies(frame, value_col="orders")
    assert flags.loc[70, "is_anomaly"]
    assert flags.loc[70, "direction"] == "below"
    assert int(flags["is_anomaly"].sum()) <= 2
    assert dict(flags.dtypes.astype(str)) == ANOMALY_COLUMNS


def festival_store(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ecanalysis.metrics.calendar import event_regressors, festival_calendar

    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    rng = np.random.default_rng(seed)
    values = 1000 * np.exp(rng.normal(0, 0.05, len(days)))
    events = event_regressors(days, festival_calendar(days[0], days[-1], region="cn"))
    values = values * np.where(events["event_peak"] == 1, 4.0, 1.0)
    values = values * np.where(events["event_window"] == 1, 2.0, 1.0)
    values = values * np.where(events["post_event"] == 1, 0.8, 1.0)
    return pd.DataFrame({"date": days, "paid_amount": values}), events


def test_known_festivals_are_not_surprises():
    frame, events = festival_store()
    blind = detect_anomalies(frame, value_col="paid_amount")
    aware = detect_anomalies(frame, value_col="paid_amount", events=events)
    on_event = events[["event_peak", "event_window", "post_event"]].sum(axis=1).to_numpy() > 0
    assert blind.loc[on_event, "is_anomaly"].sum() >= 20
    assert aware["is_anomaly"].sum() <= 7  # at most 1 per 100 store-days
    # the event-adjusted expectation of a peak day is about four ordinary days
    peak = events["event_peak"].to_numpy() == 1
    assert np.allclose(aware.loc[peak, "expected"] / 1000, 4.0, rtol=0.1)


def test_a_festival_day_far_below_other_festival_days_is_flagged():
    frame, events = festival_store(seed=1)
    peak_day = events.index[(events["event_peak"] == 1).to_numpy()][-1]
    frame.loc[peak_day, "paid_amount"] = 900.0  # an ordinary day's sales on a peak day
    aware = detect_anomalies(frame, value_col="paid_amount", events=events)
    assert aware.loc[peak_day, "is_anomaly"]
    assert aware.loc[peak_day, "direction"] == "below"


def test_events_without_known_columns_are_refused():
    frame, _ = festival_store()
    with pytest.raises(ParameterError, match="event_regressors"):
        detect_anomalies(frame, value_col="paid_amount", events=frame[["date"]])


def test_threshold_below_finds_drops_sooner_than_spikes():
    rng = np.random.default_rng(4)
    values = 200 + rng.normal(0, 10, 120)
    drops, spikes = [20, 40, 60, 80, 100], [30, 50, 70, 90, 110]
    values[drops] -= 33.0  # about 3 sigma, partly absorbed by the trend
    values[spikes] += 33.0
    frame = pd.DataFrame({"date": pd.date_range("2025-03-03", periods=120), "paid_amount": values})
    default = detect_anomalies(frame, value_col="paid_amount")
    eager = detect_anomalies(frame, value_col="paid_amount", threshold_below=2.8)
    below = eager["is_anomaly"] & (eager["direction"] == "below")
    assert below.sum() > (default["is_anomaly"] & (default["direction"] == "below")).sum()
    assert (eager.loc[below, "score"] < -2.8).all()
    above = eager["is_anomaly"] & (eager["direction"] == "above")
    assert (eager.loc[above, "score"] > 3.5).all()
    # the band is asymmetric accordingly
    ratio = (eager["expected"] - eager["lower"]) / (eager["upper"] - eager["expected"])
    assert np.allclose(ratio, 2.8 / 3.5)
