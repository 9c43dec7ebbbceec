"""Contract cases of ecanalysis.metrics.traffic."""

from __future__ import annotations

from frames import traffic_frame

CASES = {
    "traffic_summary": lambda empty: ((traffic_frame(empty),), {"freq": "MS", "by": "device"}),
}
EXEMPT: dict[str, str] = {}
