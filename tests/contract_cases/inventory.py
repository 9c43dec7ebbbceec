"""Contract cases of ecanalysis.metrics.inventory."""

from __future__ import annotations

from frames import order_items_frame, orders_frame, products_frame

#: The end of the inspection day 2025-11-30 (the canonical order was paid 2025-11-11).
AS_OF = "2025-12-01"


def _frames(empty: bool) -> tuple:
    return products_frame(empty), order_items_frame(empty), orders_frame(empty)


CASES = {
    "stock_cover": lambda empty: (_frames(empty), {"as_of": AS_OF}),
    "stock_outs": lambda empty: ((products_frame(empty, stock_on_hand=0),), {}),
    "no_sales_products": lambda empty: (_frames(empty), {"as_of": AS_OF, "days": 7}),
}
EXEMPT: dict[str, str] = {}
