"""BG/NBD, Gamma-Gamma and CLV: published CDNOW estimates, properties, simulation recovery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import DataError, MissingColumnsError, ParameterError
from ecanalysis.metrics import clv

CDNOW = Path(__file__).parent / "data" / "cdnow_summary.csv"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(CDNOW, dtype={"customer_id": "str"})


@pytest.fixture(scope="module")
def bgnbd(cdnow):
    return clv.fit_bgnbd(cdnow)


@pytest.fixture(scope="module")
def gamma_gamma(cdnow):
    return clv.fit_gamma_gamma(cdnow)


# -- published numbers ------------------------------------------------------------------------


def test_cdnow_sample_is_the_published_one(cdnow):
    repeaters = cdnow[cdnow["frequency"] > 0]
    assert len(cdnow) == 2357
    assert len(repeaters) == 946
    assert repeaters["monetary_value"].mean() == pytest.approx(35.08, abs=0.005)
    assert repeaters["monetary_value"].std() == pytest.approx(30.28, abs=0.01)


def test_bgnbd_matches_fader_hardie_lee_2005(bgnbd):
    # "Counting your customers the easy way", section 5: r, alpha, a, b and LL -9582.4.
    assert bgnbd.params.round(3).to_dict() == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert bgnbd.n_customers == 2357


def test_gamma_gamma_matches_rfm_and_clv_paper(gamma_gamma):
    # "RFM and CLV: Using Iso-Value Curves", Hardie's note 025: p 6.25, q 3.74, gamma 15.44.
    expected = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    assert gamma_gamma.n_customers == 946
    assert np.allclose(gamma_gamma.params, expected, atol=0.02)
    assert gamma_gamma.population_mean == pytest.approx(6.2488 * 15.4478 / 2.7446, rel=1e-3)


def test_clv_matches_lifetimes_quickstart(cdnow, bgnbd, gamma_gamma):
    # lifetimes Quickstart: ggf.customer_lifetime_value(bgf, ..., time=12, discount_rate=0.01)
    # with freq="D" on these week-unit data: 12 steps of 30 units each.
    values = clv.customer_lifetime_value(
        cdnow, bgnbd, gamma_gamma, horizon=360, step=30, discount_rate=0.01
    )
    head = values["clv"].head(5).to_numpy()
    assert head == pytest.approx([140.096218, 18.943466, 38.180575, 38.180575, 38.180575], rel=1e-4)


def test_published_fit_is_the_same_in_days(cdnow, bgnbd):
    in_days = cdnow.assign(recency=cdnow["recency"] * 7, T=cdnow["T"] * 7)
    daily = clv.fit_bgnbd(in_days)
    assert daily.params["alpha"] == pytest.approx(bgnbd.params["alpha"] * 7, rel=1e-3)
    assert daily.params[["r", "a", "b"]].to_numpy() == pytest.approx(
        bgnbd.params[["r", "a", "b"]].to_numpy(), rel=1e-3
    )


# -- BG/NBD properties ------------------------------------------------------------------------


def test_p_alive_is_one_without_repeat_purchases(cdnow, bgnbd):
    alive = bgnbd.p_alive(cdnow)
    assert (alive[cdnow["frequency"] == 0] == 1.0).all()
    assert alive.between(0, 1).all()
    assert alive.index.equals(cdnow.index)


def test_p_alive_falls_with_time_since_last_purchase(bgnbd):
    rfm = pd.DataFrame({"frequency": [3, 3, 3], "recency": [30.0, 20.0, 5.0], "T": [39.0] * 3})
    alive = bgnbd.p_alive(rfm).to_numpy()
    assert alive[0] > alive[1] > alive[2]


def test_expected_purchases_increase_with_t(cdnow, bgnbd):
    sample = cdnow.head(50)
    previous = bgnbd.expected_purchases(0, sample)
    assert (previous == 0).all()
    for t in (1, 10, 39, 100):
        current = bgnbd.expected_purchases(t, sample)
        assert (current > previous).all()
        previous = current
    assert bgnbd.expected_purchases_new(10) < bgnbd.expected_purchases_new(39)


def test_expected_purchases_grow_with_frequency(bgnbd):
    rfm = pd.DataFrame({"frequency": [1, 3, 6], "recency": [35.0] * 3, "T": [38.0] * 3})
    values = bgnbd.expected_purchases(52, rfm).to_numpy()
    assert values[0] < values[1] < values[2]


def test_unconditional_expectation_tracks_calibration_purchases(cdnow, bgnbd):
    # Fader, Hardie and Lee 2005, figure 2: over the calibration weeks the model's expected
    # repeat purchases, sum of E[X(T_i)], track the 2,457 actual ones closely.
    expected = sum(bgnbd.expected_purchases_new(t) for t in cdnow["T"])
    assert cdnow["frequency"].sum() == 2457
    assert expected == pytest.approx(2457, rel=0.02)


def test_methods_default_to_training_rows(cdnow, bgnbd):
    assert bgnbd.p_alive().equals(bgnbd.p_alive(cdnow))


def test_fit_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rfm = _simulate_bgnbd(truth, customers=6000, seed=7)
    fitted = clv.fit_bgnbd(rfm).params
    for name, value in truth.items():
        assert fitted[name] == pytest.approx(value, rel=0.2), name


def _simulate_bgnbd(params: dict, *, customers: int, seed: int) -> pd.DataFrame:
    """Customers from the BG/NBD process: Poisson purchases, drop-out after each one."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(params["r"], 1 / params["alpha"], customers)
    drop = rng.beta(params["a"], params["b"], customers)
    horizon = rng.uniform(20, 52, customers)
    rows = []
    for rate, p, big_t in zip(rates, drop, horizon, strict=True):
        clock, purchases, last = 0.0, 0, 0.0
        while True:
            clock += rng.exponential(1 / rate)
            if clock > big_t:
                break
            purchases, last = purchases + 1, clock
            if rng.random() < p:
                break
        rows.append((purchases, last, big_t))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


# -- Gamma-Gamma and CLV ----------------------------------------------------------------------


def test_expected_value_of_one_time_buyers_is_the_population_mean(cdnow, gamma_gamma):
    values = gamma_gamma.expected_value(cdnow)
    once = values[cdnow["frequency"] == 0]
    assert np.allclose(once, gamma_gamma.population_mean)


def test_expected_value_shrinks_towards_the_population_mean(gamma_gamma):
    rfm = pd.DataFrame(
        {
            "frequency": [1, 10],
            "recency": [5.0, 30.0],
            "T": [39.0] * 2,
            "monetary_value": [100.0] * 2,
        }
    )
    values = gamma_gamma.expected_value(rfm).to_numpy()
    assert gamma_gamma.population_mean < values[0] < values[1] < 100.0


def test_gamma_gamma_fits_only_positive_repeaters():
    rfm = pd.DataFrame(
        {
            "frequency": [1, 2, 3, 0, 2],
            "recency": [5.0, 10.0, 20.0, 0.0, 8.0],
            "T": [30.0] * 5,
            "monetary_value": [20.0, 35.0, 28.0, 0.0, -5.0],
        }
    )
    assert clv.fit_gamma_gamma(rfm, penalizer=0.01).n_customers == 3


def test_clv_hand_computed_from_the_fitted_pieces(cdnow, bgnbd, gamma_gamma):
    rows = cdnow.head(3)
    values = clv.customer_lifetime_value(
        rows, bgnbd, gamma_gamma, horizon=8, step=4, discount_rate=0.1
    )
    e4 = bgnbd.expected_purchases(4, rows).to_numpy()
    e8 = bgnbd.expected_purchases(8, rows).to_numpy()
    z = gamma_gamma.expected_value(rows).to_numpy()
    expected = z * e4 / 1.1 + z * (e8 - e4) / 1.1**2
    assert values["clv"].to_numpy() == pytest.approx(expected)
    assert values["expected_purchases"].to_numpy() == pytest.approx(e8)
    assert values["customer_id"].tolist() == ["1", "2", "3"]


def test_clv_without_discount_is_value_times_purchases(cdnow, bgnbd, gamma_gamma):
    values = clv.customer_lifetime_value(cdnow, bgnbd, gamma_gamma, horizon=52)
    assert np.allclose(values["clv"], values["expected_value"] * values["expected_purchases"])
    assert list(values.dtypes.astype(str)) == [
        "str",
        "int64",
        "float64",
        "float64",
        "float64",
        "float64",
        "float64",
        "float64",
        "float64",
    ]


def test_clv_does_not_mutate_input(cdnow, bgnbd, gamma_gamma):
    before = cdnow.copy()
    clv.customer_lifetime_value(cdnow.head(10), bgnbd, gamma_gamma, horizon=10)
    pd.testing.assert_frame_equal(cdnow, before)


# -- bad input --------------------------------------------------------------------------------


def test_recency_beyond_t_is_refused():
    rfm = pd.DataFrame({"frequency": [1, 2], "recency": [5.0, 50.0], "T": [30.0, 40.0]})
    with pytest.raises(DataError, match=r"recency is negative or exceeds T in 1 row.*rows \[1\]"):
        clv.fit_bgnbd(rfm)


def test_missing_column_is_named():
    with pytest.raises(MissingColumnsError, match="'T'"):
        clv.fit_bgnbd(pd.DataFrame({"frequency": [1], "recency": [2.0], "t": [3.0]}))


def test_empty_rfm_is_refused():
    empty = pd.DataFrame({"frequency": [], "recency": [], "T": [], "monetary_value": []})
    with pytest.raises(DataError, match="no customers"):
        clv.fit_bgnbd(empty)
    with pytest.raises(DataError, match="frequency > 0"):
        clv.fit_gamma_gamma(empty)


def test_horizon_must_be_whole_steps(cdnow, bgnbd, gamma_gamma):
    with pytest.raises(ParameterError, match="whole number of steps"):
        clv.customer_lifetime_value(cdnow.head(2), bgnbd, gamma_gamma, horizon=10, step=4)
    with pytest.raises(ParameterError, match="penalizer"):
        clv.fit_bgnbd(cdnow, penalizer=-1)


def test_customer_first_seen_at_the_end_is_accepted(cdnow, bgnbd):
    """T = 0 (first purchase in the last step): the BG/NBD likelihood term is exactly 0,
    so adding such a customer leaves the fit unchanged and the customer behaves like a new one."""
    newcomer = pd.DataFrame(
        {"customer_id": ["new"], "frequency": [0], "recency": [0.0], "T": [0.0]}
    )
    fit = clv.fit_bgnbd(pd.concat([cdnow, newcomer], ignore_index=True))
    np.testing.assert_allclose(fit.params.to_numpy(), bgnbd.params.to_numpy(), rtol=1e-3)
    assert fit.p_alive(newcomer).iloc[0] == 1.0
    expected = fit.expected_purchases(10.0, newcomer).iloc[0]
    assert expected == pytest.approx(fit.expected_purchases_new(10.0), rel=1e-9)


def test_negative_t_is_refused():
    rfm = pd.DataFrame({"frequency": [0, 0], "recency": [0.0, -1.0], "T": [3.0, -1.0]})
    with pytest.raises(DataError, match=r"T is negative in 1 row.*rows \[1\]"):
        clv.fit_bgnbd(rfm)


def test_observation_window_without_time_is_refused():
    """One week of orders summarised by week: every T is 0, nothing can be fitted."""
    from ecanalysis.metrics.customers import rfm_summary

    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "ordered_at": pd.to_datetime(
                ["2025-11-03 10:00", "2025-11-05 09:00", "2025-11-04 12:00", "2025-11-09 20:00"]
            ),
            "status": "paid",
            "paid_amount": [10.0, 5.0, 30.0, 8.0],
        }
    )
    rfm = rfm_summary(orders, observation_end="2025-11-09", freq="W")
    assert rfm["T"].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(
        DataError, match=r"too short: every T is 0 \(3 customer.*freq such as \"D\""
    ):
        clv.fit_bgnbd(rfm)
    with pytest.raises(DataError, match="every T is 0"):
        clv.fit_bgnbd(rfm, penalizer=0.01)
    # by day the same week has time in it, which is what the message advises
    daily = rfm_summary(orders, observation_end="2025-11-09", freq="D")
    assert daily["T"].tolist() == [6.0, 5.0, 0.0]


def test_non_finite_spend_of_a_repeat_customer_is_refused():
    rfm = pd.DataFrame(
        {
            "frequency": [1, 2, 0, 3],
            "recency": [5.0, 10.0, 0.0, 20.0],
            "T": [30.0] * 4,
            "monetary_value": [20.0, np.inf, np.nan, 28.0],
        }
    )
    with pytest.raises(DataError, match=r"missing or infinite for 1 customer.*rows \[1\]"):
        clv.fit_gamma_gamma(rfm, penalizer=0.01)
    with_nan = rfm.assign(monetary_value=[20.0, np.nan, 0.0, 28.0])
    with pytest.raises(DataError, match=r"missing or infinite for 1 customer.*rows \[1\]"):
        clv.fit_gamma_gamma(with_nan, penalizer=0.01)
    # a one-time buyer's monetary_value is not read: NaN there is accepted
    fine = rfm.assign(monetary_value=[20.0, 35.0, np.nan, 28.0])
    model = clv.fit_gamma_gamma(fine, penalizer=0.01)
    assert model.n_customers == 3
    with pytest.raises(DataError, match="missing or infinite"):
        model.expected_value(rfm)
