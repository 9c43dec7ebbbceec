"""Contract cases of ecanalysis.metrics.targets."""

from __future__ import annotations

import pandas as pd

CASES = {
    "assessment_table": lambda empty: (
        (pd.DataFrame({"paid_amount": [] if empty else [95.0]}), {"paid_amount": 100.0}),
        {},
    ),
}
EXEMPT: dict[str, str] = {}
