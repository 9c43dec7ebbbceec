"""Contract cases of ecanalysis.metrics.refunds."""

from __future__ import annotations

import pandas as pd
from frames import campaigns_frame, orders_frame


def refunds_frame(empty: bool) -> pd.DataFrame:
    """The ``refunds`` table: order O1 refunded 20.0 (size), requested a day before."""
    rows = 0 if empty else 1

    def column(value, dtype):
        return pd.Series([value] * rows, dtype=dtype)

    return pd.DataFrame(
        {
            "refund_id": column("RF1", "str"),
            "store_id": column("S1", "str"),
            "order_id": column("O1", "str"),
            "amount": column(20.0, "float64"),
            "refunded_at": column(pd.Timestamp("2025-11-14 09:00"), "datetime64[ns]"),
            "requested_at": column(pd.Timestamp("2025-11-13 09:00"), "datetime64[ns]"),
            "sku": column("SKU1", "str"),
            "quantity": column(1, "int64"),
            "reason": column("尺码不合适", "str"),
            "kind": column("return_refund", "str"),
        }
    )


CASES = {
    "refund_summary": lambda empty: ((refunds_frame(empty), orders_frame(empty)), {"by": "reason"}),
    "refund_timing": lambda empty: ((refunds_frame(empty),), {"by": "kind"}),
    "campaign_refund_rate": lambda empty: (
        (refunds_frame(empty), orders_frame(empty), campaigns_frame(empty)),
        {"as_of": "2025-12-01"},
    ),
}
EXEMPT: dict[str, str] = {}
