"""campaign_lift keeps other campaigns out of its baseline; campaign_placebo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.metrics.campaigns import PLACEBO_COLUMNS, campaign_lift, campaign_placebo


def flat(seed: int, *, start: str = "2025-03-01", end: str = "2025-09-30") -> pd.DataFrame:
    days = pd.date_range(start, end, freq="D")
    values = 100 + np.random.default_rng(seed).normal(0, 4, len(days))
    return pd.DataFrame({"date": days, "paid_amount": values})


def test_an_earlier_campaign_is_kept_out_of_the_baseline():
    daily = flat(0)
    earlier = (daily["date"] >= "2025-08-10") & (daily["date"] <= "2025-08-19")
    daily.loc[earlier, "paid_amount"] += 150  # an earlier campaign inside the pre-period
    other = pd.DataFrame({"start": ["2025-08-10"], "end": ["2025-08-19"], "post_days": [2]})
    naive = campaign_lift(daily, start="2025-09-20", end="2025-09-26")
    kept_out = campaign_lift(daily, start="2025-09-20", end="2025-09-26", exclude=other)
    assert kept_out["pre_days"].iloc[0] == naive["pre_days"].iloc[0] - 12
    # nothing happened in the campaign's week: the cleaned baseline says so
    assert kept_out["lift_low"].iloc[0] < 0 < kept_out["lift_high"].iloc[0]
    # the earlier campaign no longer inflates the residual spread: a far narrower interval
    naive_width = naive["lift_high"].iloc[0] - naive["lift_low"].iloc[0]
    assert kept_out["lift_high"].iloc[0] - kept_out["lift_low"].iloc[0] < naive_width / 5


def test_placebo_says_when_a_lift_is_noise_and_when_it_is_not():
    daily = flat(1)
    quiet = campaign_placebo(daily, start="2025-09-20", end="2025-09-26")
    assert dict(quiet.dtypes.astype(str)) == PLACEBO_COLUMNS
    assert quiet["window"].tolist() == ["campaign"] + ["placebo"] * 8
    lengths = (quiet["end"] - quiet["start"]).dt.days.unique().tolist()
    assert lengths == [6]
    assert quiet["end"].iloc[1] == pd.Timestamp("2025-09-19")  # the week just before
    assert not quiet["distinguishable"].iloc[0]
    assert quiet["placebo_share_below"].iloc[1:].isna().all()
    strong = daily.copy()
    strong.loc[strong["date"] >= "2025-09-20", "paid_amount"] += 40
    loud = campaign_placebo(strong, start="2025-09-20", end="2025-09-26")
    assert loud["distinguishable"].iloc[0]
    assert loud["placebo_share_below"].iloc[0] == 1.0


def test_placebo_false_positive_rate_is_about_one_in_placebos_plus_one():
    # 10 placebos: by chance the campaign beats their 95th percentile ~1 time in 11
    found = sum(
        bool(
            campaign_placebo(
                flat(seed, start="2025-01-01"), start="2025-09-20", end="2025-09-26", placebos=10
            )["distinguishable"].iloc[0]
        )
        for seed in range(15)
    )
    assert found <= 4  # expected 15/11; 5 or more has a chance of about 1 %


def test_placebo_with_short_history_and_bad_options():
    short = flat(2, start="2025-08-01")
    check = campaign_placebo(short, start="2025-09-20", end="2025-09-26")
    assert check["window"].iloc[0] == "campaign"
    assert pd.isna(check["distinguishable"].iloc[0]) or len(check) >= 4
    with pytest.raises(ParameterError, match="placebos"):
        campaign_placebo(short, start="2025-09-20", end="2025-09-26", placebos=0)


def test_daily_view_and_pull_forward_take_the_same_exclusions():
    from ecanalysis.metrics.campaigns import campaign_lift_daily, pull_forward

    daily = flat(3)
    other = pd.DataFrame({"start": ["2025-08-10"], "end": ["2025-08-19"]})
    window = {"start": "2025-09-10", "end": "2025-09-16"}
    lift = campaign_lift(daily, **window, exclude=other)
    frame = campaign_lift_daily(daily, **window, exclude=other)
    inside = frame[frame["phase"] == "campaign"]
    assert inside["baseline"].sum() == pytest.approx(lift["baseline"].iloc[0])
    dip = pull_forward(daily, **window, exclude=other, post_days=7)
    assert dip["post_days"].iloc[0] == 7
    assert dip["dip_low"].iloc[0] < 0 < dip["dip_high"].iloc[0]
