"""month_to_date_pacing: hand-computed month-to-date figures and calibrated probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.metrics.targets import PACING_COLUMNS, month_to_date_pacing


def flat_store(seed: int, *, sd: float = 10.0) -> pd.DataFrame:
    days = pd.date_range("2025-06-01", "2025-09-30", freq="D")
    values = 100 + sd * np.random.default_rng(seed).normal(size=len(days))
    return pd.DataFrame({"date": days, "orders": values})


def test_month_to_date_figures_by_hand():
    daily = flat_store(0)
    pace = month_to_date_pacing(
        daily,
        month="2025-09-01",
        as_of="2025-09-12",
        targets={"orders": 3000.0, "paid_amount": None},
        region="cn",
    )
    assert dict(pace.dtypes.astype(str)) == PACING_COLUMNS
    assert pace["kpi"].tolist() == ["orders"]  # no target, no row
    row = pace.iloc[0]
    actual = daily.set_index("date").loc["2025-09-01":"2025-09-12", "orders"].sum()
    assert row["month_to_date"] == pytest.approx(actual)
    assert (row["days_elapsed"], row["days_remaining"]) == (12, 18)
    assert row["required_daily"] == pytest.approx((3000.0 - actual) / 18)
    # a flat store: the profile is nearly flat, 12/30 of the target
    assert row["month_to_date_target"] == pytest.approx(3000.0 * 12 / 30, rel=0.03)


def test_probability_is_extreme_for_easy_and_impossible_targets():
    daily = flat_store(1)
    pace = month_to_date_pacing(
        daily, month="2025-09", as_of="2025-09-20", targets={"orders": 2000.0}, region="cn"
    )
    assert pace["target_hit_probability"].iloc[0] == 1.0
    pace = month_to_date_pacing(
        daily, month="2025-09", as_of="2025-09-20", targets={"orders": 5000.0}, region="cn"
    )
    assert pace["target_hit_probability"].iloc[0] == 0.0


def test_probability_is_calibrated_on_simulated_stores():
    # target = the true expected month total: the store hits it about half the time
    hits, probabilities = [], []
    for seed in range(12):
        daily = flat_store(seed, sd=20.0)
        pace = month_to_date_pacing(
            daily[daily["date"] <= "2025-09-15"],
            month="2025-09",
            as_of="2025-09-15",
            targets={"orders": 3000.0},
            region="cn",
        )
        probabilities.append(pace["target_hit_probability"].iloc[0])
        hits.append(daily.set_index("date").loc["2025-09", "orders"].sum() >= 3000.0)
    brier = np.mean((np.array(probabilities) - np.array(hits)) ** 2)
    assert brier < 0.2
    assert min(probabilities) >= 0.0 and max(probabilities) <= 1.0


def test_month_over_and_no_targets():
    daily = flat_store(2)
    pace = month_to_date_pacing(
        daily, month="2025-08", as_of="2025-09-30", targets={"orders": 3000.0}, region="cn"
    )
    row = pace.iloc[0]
    assert row["days_remaining"] == 0 and np.isnan(row["required_daily"])
    assert row["month_to_date_target"] == pytest.approx(3000.0)
    assert row["target_hit_probability"] == float(row["month_to_date"] >= 3000.0)
    empty = month_to_date_pacing(daily, month="2025-09", as_of="2025-09-10", targets={})
    assert empty.empty and dict(empty.dtypes.astype(str)) == PACING_COLUMNS


def test_without_events_or_a_year_the_ets_paths_are_used():
    daily = flat_store(3)
    daily = daily[daily["date"] >= "2025-07-01"]  # no festival of the region in the history
    easy = month_to_date_pacing(
        daily, month="2025-09", as_of="2025-09-15", targets={"orders": 2500.0}, region="global"
    )
    hard = month_to_date_pacing(
        daily, month="2025-09", as_of="2025-09-15", targets={"orders": 3600.0}, region="global"
    )
    assert easy["target_hit_probability"].iloc[0] > 0.95
    assert hard["target_hit_probability"].iloc[0] < 0.05
    assert easy["forecast_remaining"].iloc[0] == pytest.approx(1500.0, rel=0.1)
