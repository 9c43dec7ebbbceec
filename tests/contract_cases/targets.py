"""Contract cases of ecanalysis.metrics.targets."""

from __future__ import annotations

import pandas as pd

from ecanalysis.metrics.targets import assessment_table

CASES = {
    "assessment_table": lambda empty: (
        (pd.DataFrame({"paid_amount": [] if empty else [95.0]}), {"paid_amount": 100.0}),
        {},
    ),
    "judged_targets": lambda empty: (
        (
            assessment_table(
                pd.DataFrame({"paid_amount": [] if empty else [95.0]}), {"paid_amount": 100.0}
            ),
        ),
        {"kpis": {"paid_amount": 95.0}},
    ),
    "month_to_date_pacing": lambda empty: (
        (
            pd.DataFrame(
                {
                    "date": pd.to_datetime([] if empty else ["2025-11-01"]),
                    "paid_amount": [] if empty else [95.0],
                }
            ),
        ),
        {"month": "2025-11", "as_of": "2025-11-01", "targets": {"paid_amount": 100.0}},
    ),
}
EXEMPT: dict[str, str] = {}
