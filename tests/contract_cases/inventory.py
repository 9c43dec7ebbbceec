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


# -- replenishment (issue 20) ----------------------------------------------------------------


def _stock_levels(empty: bool):
    import pandas as pd

    rows = 0 if empty else 1
    return pd.DataFrame(
        {
            "store_id": pd.Series(["S1"] * rows, dtype="str"),
            "date": pd.Series(pd.to_datetime(["2025-11-10"] * rows), dtype="datetime64[ns]"),
            "sku": pd.Series(["SKU1"] * rows, dtype="str"),
            "stock_on_hand": pd.Series([0] * rows, dtype="int64"),
        }
    )


CASES["reorder_plan"] = lambda empty: (
    _frames(empty),
    {"as_of": AS_OF, "window_days": 28, "stock_levels": _stock_levels(empty), "lead_time_days": 7},
)
CASES["campaign_uplift"] = lambda empty: (
    _frames(empty)[1:],
    {"start": "2025-11-11", "end": "2025-11-11", "baseline_days": 14},
)
