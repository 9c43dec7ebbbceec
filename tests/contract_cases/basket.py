"""Contract cases of ecanalysis.metrics.basket."""

from __future__ import annotations

from frames import order_items_frame, orders_frame, products_frame

from ecanalysis.metrics.basket import pair_affinity


def _two_lines(empty: bool):
    """The canonical order with a second line, so that it makes one pair."""
    if empty:
        return order_items_frame(True), orders_frame(True)
    items = order_items_frame(rows=2, line_no=[1, 2], sku=["SKU1", "SKU2"])
    return items, orders_frame()


def _history(empty: bool):
    """Customer C1 buys SKU1, then SKU2 in a second order."""
    if empty:
        return order_items_frame(True), orders_frame(True)
    orders = orders_frame(
        rows=2,
        customer_id="C1",
        ordered_at=["2025-11-11 10:00", "2025-11-20 10:00"],
        paid_at=["2025-11-11 10:05", "2025-11-20 10:05"],
    )
    items = order_items_frame(rows=2, order_id=list(orders["order_id"]), sku=["SKU1", "SKU2"])
    return items, orders


CASES = {
    "items_per_order": lambda empty: ((order_items_frame(empty), orders_frame(empty)), {}),
    "pair_affinity": lambda empty: (
        _two_lines(empty),
        {"level": "category", "min_pair_orders": 1, "products": products_frame(empty)},
    ),
    "bundle_candidates": lambda empty: (
        (pair_affinity(*_two_lines(empty), min_pair_orders=1),),
        {"n": 5, "min_lift_lower": 0.0},
    ),
    "next_product": lambda empty: (_history(empty), {}),
    "value_by_first_product": lambda empty: (_history(empty), {}),
}
EXEMPT: dict[str, str] = {}
