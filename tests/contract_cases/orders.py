"""Contract cases of ecanalysis.metrics.orders."""

from __future__ import annotations

from frames import orders_frame


def refunds_frame(orders):
    """One refund of the first order (none for an empty frame)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "order_id": orders["order_id"].head(1).tolist(),
            "amount": [1.0] * min(len(orders), 1),
            "refunded_at": orders["ordered_at"].head(1).tolist(),
        }
    ).astype({"amount": "float64", "refunded_at": orders["ordered_at"].dtype})


CASES = {
    "paid_orders": lambda empty: ((orders_frame(empty),), {}),
    "valid_orders": lambda empty: ((orders_frame(empty),), {}),
    "sales_summary": lambda empty: ((orders_frame(empty),), {"freq": "W", "by": "channel"}),
    "period_summary": lambda empty: (
        (orders_frame(empty),),
        {"start": "2025-11-11", "end": "2025-11-12", "by": ["channel"]},
    ),
    "daily_sales": lambda empty: ((orders_frame(empty),), {}),
    "as_placed_basis": lambda empty: ((orders_frame(empty),), {}),
    "with_refunds": lambda empty: (
        (orders_frame(empty), refunds_frame(orders_frame(empty))),
        {},
    ),
    "paid_between": lambda empty: ((orders_frame(empty),), {"end": "2030-01-01"}),
}
EXEMPT: dict[str, str] = {}
