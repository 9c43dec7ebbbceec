"""Contract cases of ecanalysis.metrics.compare."""

from __future__ import annotations

from frames import orders_frame

from ecanalysis.metrics.orders import daily_sales, sales_summary


def _by_channel(empty: bool):
    return sales_summary(orders_frame(empty), freq="MS", by="channel")


CASES = {
    "compare_periods": lambda empty: (
        (_by_channel(empty), _by_channel(empty)),
        {"keys": ["channel"], "metrics": ["orders", "aov"]},
    ),
    "contribution": lambda empty: (
        (_by_channel(empty), _by_channel(empty)),
        {"by": "channel", "metric": "paid_amount"},
    ),
    "mix_rate_decomposition": lambda empty: (
        (_by_channel(empty), _by_channel(empty)),
        {"by": "channel", "numerator": "paid_amount", "denominator": "orders"},
    ),
    "vs_trailing_mean": lambda empty: (
        (daily_sales(orders_frame(empty)),),
        {"value_cols": ["orders", "paid_amount"], "days": 7},
    ),
}
EXEMPT: dict[str, str] = {}
