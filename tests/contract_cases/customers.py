"""Contract cases of ecanalysis.metrics.customers."""

from __future__ import annotations

import pandas as pd
from frames import orders_frame

from ecanalysis.metrics.customers import SEGMENTS, rfm_segments

END = "2025-11-30"


def _orders(empty: bool):
    return orders_frame(empty)


def _two_purchases(empty: bool):
    """Two paid orders of one customer on different days (one interval)."""
    if empty:
        return orders_frame(True)
    return orders_frame(
        rows=2,
        customer_id="C1",
        ordered_at=["2025-11-01 10:00", "2025-11-11 10:00"],
        paid_at=["2025-11-01 10:05", "2025-11-11 10:05"],
    )


CASES = {
    "cohort_retention": lambda empty: ((_orders(empty),), {"freq": "MS"}),
    "repeat_rate": lambda empty: ((_orders(empty),), {}),
    "rfm_summary": lambda empty: ((_orders(empty),), {"observation_end": END, "freq": "W"}),
    "buyer_mix": lambda empty: ((_orders(empty),), {"freq": "MS"}),
    "purchase_intervals": lambda empty: ((_two_purchases(empty),), {}),
    "purchase_interval_summary": lambda empty: ((_two_purchases(empty),), {}),
    "rfm_table": lambda empty: ((_orders(empty),), {"observation_end": END}),
    "rfm_segments": lambda empty: ((_orders(empty),), {"observation_end": END}),
    "segment_summary": lambda empty: (
        (rfm_segments(_orders(empty), observation_end=END),),
        {},
    ),
    "new_buyers_by_channel": lambda empty: ((_orders(empty),), {"freq": "MS"}),
    # issue 15 (nbB): suggested actions
    "win_back_customers": lambda empty: (
        (rfm_segments(_orders(empty), observation_end=END),),
        {"include": tuple(SEGMENTS)},
    ),
    "due_to_buy_again": lambda empty: (
        (_two_purchases(empty), pd.DataFrame({"customer_id": ["C1"], "p_alive": [0.9]})),
        {"observation_end": "2026-06-30"},
    ),
}
EXEMPT: dict[str, str] = {}
