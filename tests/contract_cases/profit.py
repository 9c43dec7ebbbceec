"""Contract cases of ecanalysis.metrics.profit."""

from __future__ import annotations

from frames import ad_spend_frame, order_items_frame, orders_frame, products_frame

from ecanalysis.metrics.profit import cohort_value, contribution_margin

COSTS = {
    "payment_fee_rate": 0.006,
    "commission_rate": 0.05,
    "other_variable_rate": 0.01,
    "fulfilment_cost_per_order": 10.0,
}


def _margin(empty: bool):
    return contribution_margin(orders_frame(empty), ad_spend_frame(empty), costs=COSTS)


CASES = {
    "contribution_margin": lambda empty: (
        (orders_frame(empty), ad_spend_frame(empty)),
        {"costs": COSTS, "freq": "D"},
    ),
    "breakeven_roas": lambda empty: ((_margin(empty),), {}),
    "mer": lambda empty: ((_margin(empty),), {}),
    "ncac": lambda empty: ((_margin(empty),), {}),
    "order_category": lambda empty: ((order_items_frame(empty), products_frame(empty)), {}),
    "cohort_value": lambda empty: (
        (orders_frame(empty),),
        {"freq": "MS", "ad_spend": ad_spend_frame(empty)},
    ),
    "period_contribution": lambda empty: (
        (orders_frame(empty), ad_spend_frame(empty)),
        {"costs": COSTS, "start": "2025-11-01", "end": "2025-12-01"},
    ),
    "campaign_payback": lambda empty: (
        (orders_frame(empty),),
        {"start": "2025-11-01", "end": "2025-11-11", "spend": 500.0, "freq": "MS"},
    ),
    "cohort_payback": lambda empty: (
        (cohort_value(orders_frame(empty), ad_spend=ad_spend_frame(empty)),),
        {},
    ),
}
EXEMPT: dict[str, str] = {
    "channel_line": "returns one number (the break-even ROAS to judge channels by), no frame",
}
