"""Contract cases of ecanalysis.metrics.anomalies."""

from __future__ import annotations

import pandas as pd


def _daily(empty: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"]), "paid_amount": [100.0]})
    return frame.iloc[:0] if empty else frame


CASES = {
    "detect_anomalies": lambda empty: ((_daily(empty),), {"value_col": "paid_amount"}),
}
EXEMPT: dict[str, str] = {}
