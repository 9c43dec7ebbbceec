"""Parse the point-in-time options of metric functions (``as_of``, ``observation_end``).

Private to ``ecanalysis.metrics``. Frames hold naive local wall time (docs/conventions.md),
so a tz-aware option keeps its wall time in its own zone and drops the zone, exactly as
``_common.local_naive`` does for columns.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ecanalysis.errors import ParameterError


def as_timestamp(value, name: str) -> pd.Timestamp:
    """``value`` (ISO string, date, datetime or Timestamp) as a naive local Timestamp.

    Examples
    --------
    >>> as_timestamp("2025-11-12", "as_of")
    Timestamp('2025-11-12 00:00:00')
    >>> as_timestamp(pd.Timestamp("2025-11-12", tz="Asia/Shanghai"), "as_of")
    Timestamp('2025-11-12 00:00:00')
    """
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        raise ParameterError(f"{name} is required: give a date such as '2025-11-30'")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            f"{name}={value!r} is not a date or timestamp; use an ISO date such as "
            "'2025-11-30' or a timestamp such as '2025-11-30 23:59'"
        ) from error
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.as_unit("ns")


def as_day(value, name: str) -> pd.Timestamp:
    """``value`` as the naive local midnight that starts its date.

    Examples
    --------
    >>> as_day("2025-11-30 18:00", "observation_end")
    Timestamp('2025-11-30 00:00:00')
    """
    return as_timestamp(value, name).normalize()
