"""Contract cases of ecanalysis.metrics.pricing."""

from __future__ import annotations

from frames import order_items_frame, products_frame

CASES = {
    "price_cost_anomalies": lambda empty: (
        (products_frame(empty, unit_cost=[70.0] if not empty else []), order_items_frame(empty)),
        {},
    ),
}
EXEMPT: dict[str, str] = {}
