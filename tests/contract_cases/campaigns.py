"""Contract cases of ecanalysis.metrics.campaigns."""

from __future__ import annotations

import pandas as pd
from frames import ad_spend_frame, campaigns_frame, orders_frame


def _daily(empty: bool, days: int = 1) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2025-11-11", periods=days, freq="D")
            - pd.Timedelta(days=days - 1),
            "paid_amount": [100.0 + day % 7 for day in range(days)],
        }
    )
    return frame.iloc[:0] if empty else frame


_WINDOW = {"start": "2025-11-11", "end": "2025-11-11"}

CASES = {
    "campaign_summary": lambda empty: (
        (campaigns_frame(empty), orders_frame(empty), ad_spend_frame(empty)),
        {},
    ),
    "campaign_lift": lambda empty: ((_daily(empty),), dict(_WINDOW)),
    "campaign_placebo": lambda empty: ((_daily(empty),), dict(_WINDOW)),
    # The daily view has rows only when the baseline can be fitted: 30 days of history.
    "campaign_lift_daily": lambda empty: ((_daily(empty, days=30),), dict(_WINDOW)),
    "pull_forward": lambda empty: ((_daily(empty),), dict(_WINDOW)),
    "incremental_roas": lambda empty: (
        (
            pd.DataFrame({"lift": [10.0], "lift_low": [1.0], "lift_high": [20.0]}).iloc[
                : 0 if empty else 1
            ],
        ),
        {"spend": 5.0},
    ),
    "new_buyer_repeat": lambda empty: ((orders_frame(empty),), dict(_WINDOW)),
    # issue 17 (nbB): with no campaigns the festivals remain, so both cases have rows
    "baseline_exclusions": lambda empty: (
        (campaigns_frame(empty),),
        {"campaign_id": "none", **_WINDOW, "lookback_days": 30},
    ),
}
EXEMPT: dict[str, str] = {}
