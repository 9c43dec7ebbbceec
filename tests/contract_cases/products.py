"""Contract cases of ecanalysis.metrics.products."""

from __future__ import annotations

from frames import order_items_frame, orders_frame, products_frame

from ecanalysis.metrics.products import product_performance


def _sales(empty: bool) -> tuple:
    return order_items_frame(empty), orders_frame(empty), products_frame(empty)


CASES = {
    "product_performance": lambda empty: (_sales(empty), {}),
    "best_and_worst": lambda empty: ((product_performance(*_sales(empty)),), {"n": 5}),
    "abc_classes": lambda empty: ((product_performance(*_sales(empty)),), {}),
    "category_sales": lambda empty: (_sales(empty), {"freq": "MS"}),
    "sell_through": lambda empty: (_sales(empty), {}),
}
EXEMPT: dict[str, str] = {}
