"""Deprecated location: the run context is :mod:`ecanalysis.context`, the record :mod:`ecanalysis.record`.

Kept only while the runner modules move; nothing new imports it.
"""

from ecanalysis.context import check_period_in_data, find_campaign, resolve_period
from ecanalysis.record import json_safe, versions
from ecanalysis.record import now as _now

__all__ = [
    "_now",
    "check_period_in_data",
    "find_campaign",
    "json_safe",
    "resolve_period",
    "versions",
]
