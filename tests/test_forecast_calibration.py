"""Forecasts over many seeded draws: ETS beats seasonal naive, intervals cover about 80 %,
projections are reproducible. Each fits several ETS models (tens of seconds): the golden
tier, outside `make test-fast`; tests/test_forecast.py has the quick ones."""

from __future__ import annotations

import pandas as pd
from test_forecast import series

from ecanalysis.metrics import forecast


def test_ets_beats_seasonal_naive_on_mape():
    scores = forecast.backtest(series(196, seed=1), value_col="paid_amount", horizon=28, folds=3)
    assert scores["fold"].tolist() == [1, 1, 2, 2, 3, 3]
    mean_mape = scores.groupby("model")["mape"].mean()
    assert mean_mape["ets"] < mean_mape["seasonal_naive"]


def test_intervals_cover_about_eighty_percent():
    covered = total = 0
    for seed in range(12):
        frame = series(126, seed=seed)
        train, test = frame.iloc[:112], frame.iloc[112:]
        ahead = forecast.forecast_daily(train, value_col="paid_amount", horizon=14)
        actual = test["paid_amount"].to_numpy()
        covered += int(((actual >= ahead["lower"]) & (actual <= ahead["upper"])).sum())
        total += len(actual)
    # ETS intervals ignore parameter uncertainty, so they run a little narrow (about 70 %).
    assert 0.65 <= covered / total <= 0.92


def test_projection_is_reproducible():
    frame = series(90, seed=4)
    kwargs = dict(value_col="paid_amount", period_start="2025-03-01", period_end="2025-04-01")
    first = forecast.project_period_end(frame, as_of="2025-03-10", **kwargs)
    pd.testing.assert_frame_equal(
        first, forecast.project_period_end(frame, as_of="2025-03-10", **kwargs)
    )
