"""Contract cases of ecanalysis.metrics.orders."""

from __future__ import annotations

from frames import orders_frame

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
    "paid_between": lambda empty: ((orders_frame(empty),), {"end": "2030-01-01"}),
}
EXEMPT: dict[str, str] = {}
