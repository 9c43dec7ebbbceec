"""Contract cases of ecanalysis.metrics.channels."""

from __future__ import annotations

from frames import ad_spend_frame, orders_frame, traffic_frame

from ecanalysis.metrics.channels import channel_performance


def _performance(empty: bool):
    return channel_performance(orders_frame(empty), traffic_frame(empty), ad_spend_frame(empty))


CASES = {
    "channel_performance": lambda empty: (
        (orders_frame(empty), traffic_frame(empty), ad_spend_frame(empty)),
        {},
    ),
    "flag_channels": lambda empty: ((_performance(empty),), {}),
    "channel_totals": lambda empty: ((_performance(empty),), {}),
}
EXEMPT: dict[str, str] = {}
