"""Contract cases of ecanalysis.metrics.calendar."""

from __future__ import annotations

import pandas as pd


def _days(empty: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-11-11"])})
    return frame.iloc[:0] if empty else frame


def _calendar(empty: bool):
    from ecanalysis.metrics.calendar import festival_calendar

    return festival_calendar("2025-11-01", "2025-11-30", region="cn")


CASES = {
    # no empty range exists: the same range twice (the empty case is event_regressors')
    "festival_calendar": lambda empty: (("2025-11-01", "2025-11-30"), {}),
    "event_regressors": lambda empty: ((_days(empty), _calendar(empty)), {}),
}
EXEMPT: dict[str, str] = {}
