"""CLV uncertainty: Hessian standard errors (published CDNOW), CLV intervals, holdout check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.metrics import clv

CDNOW = Path(__file__).parent / "data" / "cdnow_summary.csv"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW, dtype={"customer_id": "str"})


@pytest.fixture(scope="module")
def bgnbd(cdnow):
    return clv.fit_bgnbd(cdnow)


def test_bgnbd_standard_errors_match_fader_hardie_lee_2005(bgnbd):
    # "Counting Your Customers the Easy Way", CDNOW: r 0.243 (0.013), alpha 4.414 (0.378),
    # a 0.793 (0.185), b 2.426 (0.705)
    summary = bgnbd.summary.set_index("param")
    assert dict(summary.dtypes.astype(str)) == {
        k: v for k, v in clv.SUMMARY_COLUMNS.items() if k != "param"
    }
    published = {"r": 0.013, "alpha": 0.378, "a": 0.185, "b": 0.705}
    for name, se in published.items():
        assert summary.loc[name, "se"] == pytest.approx(se, abs=0.002)
        assert (
            summary.loc[name, "lower"] < summary.loc[name, "estimate"] < summary.loc[name, "upper"]
        )


def test_gamma_gamma_standard_errors_are_finite_and_shrink_with_more_customers(cdnow):
    full = clv.fit_gamma_gamma(cdnow).summary.set_index("param")
    half = clv.fit_gamma_gamma(cdnow.iloc[::2]).summary.set_index("param")
    assert np.isfinite(full["se"]).all()
    # about sqrt(2) larger on half the customers
    ratio = (half["se"] / full["se"]).to_numpy()
    assert 1.1 < np.exp(np.mean(np.log(ratio))) < 2.0


def test_simulated_intervals_cover_the_true_parameters():
    # BG/NBD simulation with known r, alpha, a, b: the 95 % intervals hold them
    rng = np.random.default_rng(7)
    n, r, alpha, a, b, big_t = 4000, 0.5, 5.0, 0.8, 2.5, 40.0
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    rows = []
    for rate, drop in zip(lam, p, strict=True):
        t, last, x = 0.0, 0.0, 0
        while True:
            t += rng.exponential(1 / rate)
            if t > big_t:
                break
            x, last = x + 1, t
            if rng.random() < drop:
                break
        rows.append((x, last, big_t))
    rfm = pd.DataFrame(rows, columns=["frequency", "recency", "T"])
    summary = clv.fit_bgnbd(rfm).summary.set_index("param")
    for name, true in {"r": r, "alpha": alpha, "a": a, "b": b}.items():
        assert summary.loc[name, "lower"] < true < summary.loc[name, "upper"]


def test_clv_intervals_hold_the_point_and_are_seeded(cdnow, bgnbd):
    gamma_gamma = clv.fit_gamma_gamma(cdnow)
    rfm = cdnow.iloc[:200]
    first = clv.clv_intervals(rfm, bgnbd, gamma_gamma, horizon=12, draws=40, seed=3)
    again = clv.clv_intervals(rfm, bgnbd, gamma_gamma, horizon=12, draws=40, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert dict(first.dtypes.astype(str)) == clv.CLV_INTERVAL_COLUMNS
    inside = (first["clv_lower"] <= first["clv"]) & (first["clv"] <= first["clv_upper"])
    assert inside.mean() > 0.9
    assert (first["clv_se"] > 0).all()
    with pytest.raises(ParameterError, match="draws"):
        clv.clv_intervals(rfm, bgnbd, gamma_gamma, draws=1)


def simulated_orders(seed: int = 0, customers: int = 3000) -> pd.DataFrame:
    """Orders of a BG/NBD population (rates Gamma(0.6, 1/20 a day), drop-out Beta(1, 4))."""
    rng = np.random.default_rng(seed)
    rows = []
    for customer in range(customers):
        rate, drop, day = rng.gamma(0.6, 1 / 20), rng.beta(1.0, 4.0), rng.uniform(0, 300)
        while day < 700:
            rows.append((customer, int(day)))
            if rng.random() < drop:
                break
            day += rng.exponential(1 / rate)
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(rows))],
            "customer_id": [f"c{c}" for c, _ in rows],
            "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta([d for _, d in rows], "D"),
            "status": "completed",
            "paid_amount": 50.0,
        }
    )


def test_calibration_holdout_counts_holdout_purchases_by_hand():
    orders = simulated_orders()
    table = clv.calibration_holdout(
        orders, calibration_end="2024-10-27", observation_end="2025-11-30"
    )
    assert dict(table.dtypes.astype(str)) == clv.HOLDOUT_COLUMNS
    all_row = table[table["frequency_cal"] == "all"].iloc[0]
    # by hand: customers first seen by 2024-10-27; their distinct weeks after that week
    week = orders["ordered_at"] - pd.to_timedelta(orders["ordered_at"].dt.day_of_week, "D")
    seen = orders.loc[orders["ordered_at"] <= "2024-10-27", "customer_id"].unique()
    later = orders[
        (week > "2024-10-21") & (week <= "2025-11-24") & orders["customer_id"].isin(seen)
    ]
    actual = later.assign(week=week).drop_duplicates(["customer_id", "week"]).shape[0]
    assert all_row["customers"] == len(seen)
    assert all_row["actual"] * len(seen) == pytest.approx(actual)
    assert table.attrs["holdout_periods"] == 57.0
    buckets = table[table["frequency_cal"] != "all"]
    assert buckets["customers"].sum() == len(seen)
    # on a BG/NBD population the model tracks the holdout overall (weekly purchase periods
    # merge the orders of a week, which a continuous-time model does not)
    assert abs(all_row["error"]) < 0.3 * all_row["actual"]


def test_calibration_holdout_bad_dates():
    with pytest.raises(ParameterError, match="after"):
        clv.calibration_holdout(
            simulated_orders(), calibration_end="2025-01-01", observation_end="2024-12-01"
        )
