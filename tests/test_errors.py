"""Error messages say a fix the caller can apply."""

from __future__ import annotations

import pandas as pd
import pytest

from ecanalysis.errors import MissingColumnsError
from ecanalysis.metrics import anomalies, orders


def test_a_metric_with_a_column_option_names_it():
    frame = pd.DataFrame({"date": pd.date_range("2025-11-01", periods=3), "gmv": [1.0, 2, 3]})
    with pytest.raises(MissingColumnsError, match=r"or pass value_col=<your column>"):
        anomalies.detect_anomalies(frame, value_col="paid_amount")


def test_a_metric_without_column_options_only_says_rename():
    frame = pd.DataFrame({"order_id": ["a"], "status": ["completed"]})
    with pytest.raises(MissingColumnsError) as caught:
        orders.sales_summary(frame)
    message = str(caught.value)
    assert "ordered_at" in message and "Rename the column(s)." in message
    assert "_col" not in message, "sales_summary has no <role>_col option to pass"
