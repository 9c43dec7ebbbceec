"""Contract cases of ecanalysis.metrics.funnel."""

from __future__ import annotations

from frames import orders_frame, traffic_frame

from ecanalysis.metrics.funnel import conversion_funnel

CASES = {
    "conversion_funnel": lambda empty: ((traffic_frame(empty), orders_frame(empty)), {}),
    "funnel_steps": lambda empty: (
        (conversion_funnel(traffic_frame(empty), orders_frame(empty)),),
        {},
    ),
}
EXEMPT: dict[str, str] = {}
