"""Contract cases of ecanalysis.metrics.portfolio (daily facts as Dataset.daily_facts gives)."""

from __future__ import annotations

import pandas as pd
from frames import fx_rates_frame, stores_frame

from ecanalysis.metrics.portfolio import store_comparison


def facts_frame(empty: bool = False) -> pd.DataFrame:
    """Daily facts of DESIGN §5: one store-day, or none."""
    row = {
        "store_id": "S1",
        "date": pd.Timestamp("2025-11-11"),
        "orders": 1,
        "buyers": 1,
        "paid_amount": 100.0,
        "refund_amount": 0.0,
        "net_sales": 100.0,
        "cost_amount": 60.0,
        "gross_profit": 40.0,
    }
    frame = pd.DataFrame([row]).iloc[: 0 if empty else 1]
    return frame.astype({"store_id": "str", "date": "datetime64[ns]"}).reset_index(drop=True)


CASES = {
    "store_comparison": lambda empty: (
        (facts_frame(empty), stores_frame(empty)),
        {"previous": facts_frame(empty)},
    ),
    "to_reporting_currency": lambda empty: (
        (facts_frame(empty), stores_frame(empty), fx_rates_frame(empty)),
        {"reporting_currency": "CNY"},
    ),
    "reporting_currency_by_store": lambda empty: (
        (facts_frame(empty), stores_frame(empty), fx_rates_frame(empty)),
        {"reporting_currency": "CNY"},
    ),
    "currency_totals": lambda empty: (
        (store_comparison(facts_frame(empty), stores_frame(empty)),),
        {},
    ),
}
EXEMPT: dict[str, str] = {}
