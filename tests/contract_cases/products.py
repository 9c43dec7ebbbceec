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


# -- product diagnosis (issue 20) ------------------------------------------------------------


def _product_traffic(empty: bool):
    """The ``product_traffic`` table: SKU1 on 2025-11-11, 200 visitors of whom 4 paid."""
    import pandas as pd

    rows = 0 if empty else 1

    def column(value, dtype):
        return pd.Series([value] * rows, dtype=dtype)

    return pd.DataFrame(
        {
            "store_id": column("S1", "str"),
            "date": column(pd.Timestamp("2025-11-11"), "datetime64[ns]"),
            "sku": column("SKU1", "str"),
            "visitors": column(200, "int64"),
            "pageviews": column(450, "int64"),
            "cart_visitors": column(30, "int64"),
            "buyers": column(4, "int64"),
        }
    )


CASES["product_funnel"] = lambda empty: (
    (_product_traffic(empty), order_items_frame(empty), orders_frame(empty)),
    {"freq": "W"},
)
CASES["problem_products"] = lambda empty: (
    (_product_traffic(empty), order_items_frame(empty), orders_frame(empty), products_frame(empty)),
    # the week after the canonical day: SKU1's traffic fell from 200 to 0
    {"as_of": "2025-11-19"},
)
