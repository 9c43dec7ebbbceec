"""Contract cases of ecanalysis.metrics.forecast."""

from __future__ import annotations

import pandas as pd


def _daily(empty: bool, days: int = 1) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2025-11-01", periods=days, freq="D"),
            "paid_amount": [100.0 + day % 7 for day in range(days)],
        }
    )
    return frame.iloc[:0] if empty else frame


CASES = {
    "forecast_daily": lambda empty: ((_daily(empty),), {"value_col": "paid_amount", "horizon": 3}),
    "seasonal_naive": lambda empty: ((_daily(empty),), {"value_col": "paid_amount", "horizon": 3}),
    # A backtest needs a training season before its test window: 20 days, not one.
    "backtest": lambda empty: (
        (_daily(empty, days=20),),
        {"value_col": "paid_amount", "horizon": 5, "folds": 1},
    ),
    "project_period_end": lambda empty: (
        (_daily(empty),),
        {
            "value_col": "paid_amount",
            "period_start": "2025-11-01",
            "period_end": "2025-12-01",
            "as_of": "2025-11-01",
        },
    ),
    "forecast_with_events": lambda empty: (
        (_daily(empty),),
        {"value_col": "paid_amount", "horizon": 3},
    ),
    # issue 17 (nbB): a month's total with its range, the event model's projection and backtest
    "forecast_period_total": lambda empty: (
        (_daily(empty, days=20),),
        {"value_col": "paid_amount", "period_start": "2025-11-21", "period_end": "2025-11-24"},
    ),
    "project_period_end_with_events": lambda empty: (
        (_daily(empty, days=20),),
        {
            "value_col": "paid_amount",
            "period_start": "2025-11-15",
            "period_end": "2025-12-01",
            "as_of": "2025-11-20",
        },
    ),
    "backtest_with_events": lambda empty: (
        (_daily(empty, days=20),),
        {"value_col": "paid_amount", "horizon": 5, "folds": 1},
    ),
    "backtest_verdict": lambda empty: (
        (
            pd.DataFrame(
                {"model": ["ets", "seasonal_naive"], "fold": [1, 1], "mae": [1.0, 2.0]}
            ).iloc[: 0 if empty else 2],
        ),
        {},
    ),
}
EXEMPT: dict[str, str] = {}
