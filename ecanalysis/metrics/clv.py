"""Predictive customer lifetime value (客户终身价值): BG/NBD and Gamma-Gamma by maximum likelihood.

The models of Fader, Hardie and Lee (2005): BG/NBD for how many purchases a customer will make
("Counting Your Customers the Easy Way", *Marketing Science* 24(2)) and Gamma-Gamma for how
much each is worth ("RFM and CLV: Using Iso-Value Curves", *JMR* 42(4)), as lifetimes and
pymc-marketing implement them, fitted here with scipy. Both take the per-customer summary of
:func:`ecanalysis.metrics.customers.rfm_summary`: ``frequency`` (repeat purchases),
``recency`` and ``T`` in any one time unit (days, weeks, fractional weeks …) and
``monetary_value`` (mean value of the repeat purchases). Predictions are in the same unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ecanalysis.errors import DataError, EcanalysisError, ParameterError
from ecanalysis.metrics._common import conform, require
from ecanalysis.params import DEFAULT_THRESHOLDS

#: Columns of :func:`customer_lifetime_value`.
CLV_COLUMNS = {
    "customer_id": "str",
    "frequency": "int64",
    "recency": "float64",
    "T": "float64",
    "monetary_value": "float64",
    "p_alive": "float64",
    "expected_purchases": "float64",
    "expected_value": "float64",
    "clv": "float64",
}

_RFM = ("frequency", "recency", "T")

#: Columns of ``BetaGeoFit.summary`` and ``GammaGammaFit.summary``.
SUMMARY_COLUMNS = {
    "param": "str",
    "estimate": "float64",
    "se": "float64",
    "lower": "float64",
    "upper": "float64",
}

#: Columns of :func:`clv_intervals`.
CLV_INTERVAL_COLUMNS = {
    "customer_id": "str",
    "clv": "float64",
    "clv_se": "float64",
    "clv_lower": "float64",
    "clv_upper": "float64",
}

#: Columns of :func:`calibration_holdout`.
HOLDOUT_COLUMNS = {
    "frequency_cal": "str",
    "customers": "int64",
    "predicted": "float64",
    "actual": "float64",
    "error": "float64",
}

#: Relative step of the finite differences of the Hessian (in log-parameters).
_HESSIAN_STEP = 1e-4

#: Search box of the log-parameters (data are rescaled, so sane estimates lie well inside).
_LOG_BOUND = 12.0


class ConvergenceError(EcanalysisError):
    """The maximum-likelihood fit did not converge (too few or degenerate customers)."""


# -- input checks ---------------------------------------------------------------------------


def _rfm_arrays(rfm: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``frequency, recency, T`` as float arrays, after checking the summary is consistent."""
    require(rfm, _RFM, "rfm")
    x, t_x, big_t = (pd.to_numeric(rfm[c], errors="coerce").to_numpy("float64") for c in _RFM)
    problems = {
        "a value is missing or not a number": np.isnan(x) | np.isnan(t_x) | np.isnan(big_t),
        "frequency is negative or not a whole number": (x < 0) | (x != np.round(x)),
        "T is negative": big_t < 0,
        "recency is negative or exceeds T": (t_x < 0) | (t_x > big_t),
        "recency is not 0 although frequency is 0": (x == 0) & (t_x != 0),
    }
    for rule, bad in problems.items():
        if bad.any():
            rows = np.flatnonzero(bad)
            raise DataError(
                f"rfm: {rule} in {len(rows)} row(s), e.g. rows {rows[:5].tolist()} "
                f"{rfm.iloc[rows[:3]][list(_RFM)].to_dict('records')}; pass the output of "
                "customers.rfm_summary (frequency = repeat purchases, recency <= T, same time unit)"
            )
    return x, t_x, big_t


def _monetary(rfm: pd.DataFrame, x: np.ndarray) -> np.ndarray:
    """``monetary_value`` as floats; refuses a value that is missing or infinite for a repeat
    customer (``x`` > 0), whose mean spend the Gamma-Gamma model reads."""
    require(rfm, ["monetary_value"], "rfm")
    m = pd.to_numeric(rfm["monetary_value"], errors="coerce").to_numpy("float64")
    bad = np.isinf(m) | ((x > 0) & np.isnan(m))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise DataError(
            f"rfm: monetary_value is missing or infinite for {len(rows)} customer(s) with "
            f"repeat purchases, e.g. rows {rows[:5].tolist()} "
            f"{rfm.iloc[rows[:3]][['frequency', 'monetary_value']].to_dict('records')}; "
            "it must be the mean value of the repeat purchases, a finite number (0 when "
            "frequency is 0), as customers.rfm_summary computes it"
        )
    return m


def _check_penalizer(penalizer: float) -> float:
    if not np.isfinite(penalizer) or penalizer < 0:
        raise ParameterError(f"penalizer={penalizer!r} must be a number >= 0 (0 = plain MLE)")
    return float(penalizer)


# -- standard errors ------------------------------------------------------------------------


def _hessian(function, point: np.ndarray) -> np.ndarray:
    """Central finite-difference Hessian of ``function`` at ``point``."""
    k = len(point)
    step = _HESSIAN_STEP * np.maximum(np.abs(point), 1.0)
    hessian = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            total = 0.0
            for si, sj, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                shifted = point.copy()
                shifted[i] += si * step[i]
                shifted[j] += sj * step[j]
                total += sign * function(shifted)
            hessian[i, j] = hessian[j, i] = total / (4 * step[i] * step[j])
    return hessian


def _log_covariance(negative_loglik, params: np.ndarray) -> np.ndarray:
    """Covariance of the log-parameters: inverse Hessian of the total negative
    log-likelihood at the optimum (NaN when it is not positive definite)."""
    hessian = _hessian(negative_loglik, np.log(params))
    try:
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full_like(hessian, np.nan)
    if not (np.linalg.eigvalsh((covariance + covariance.T) / 2) > 0).all():
        return np.full_like(hessian, np.nan)
    return covariance


def _summary(params: pd.Series, log_covariance: np.ndarray, z: float = 1.959964) -> pd.DataFrame:
    """Estimates, delta-method standard errors and log-scale 95 % intervals."""
    estimate = params.to_numpy()
    log_se = np.sqrt(np.diag(log_covariance))
    out = pd.DataFrame(
        {
            "param": params.index.astype("str"),
            "estimate": estimate,
            "se": estimate * log_se,
            "lower": estimate * np.exp(-z * log_se),
            "upper": estimate * np.exp(z * log_se),
        }
    )
    return conform(out, SUMMARY_COLUMNS)


# -- BG/NBD -----------------------------------------------------------------------------------


def _bgnbd_loglik(params: np.ndarray, x, t_x, big_t) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie and Lee 2005, eq. 6), in log space."""
    from scipy.special import betaln, gammaln

    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + big_t)
    repeat = x > 0
    a4 = np.where(
        repeat,
        np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return a1 + a2 + np.logaddexp(a3, a4)


def _fit_mle(negative_loglik, start: np.ndarray, what: str) -> np.ndarray:
    """Minimise over log-parameters (positive parameters), L-BFGS-B polished by Nelder-Mead."""
    from scipy.optimize import minimize

    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(start)
    first = minimize(negative_loglik, np.log(start), method="L-BFGS-B", bounds=bounds)
    best = minimize(
        negative_loglik,
        first.x,
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000, "maxfev": 40_000},
    )
    at_bound = np.abs(best.x) > _LOG_BOUND - 1
    if at_bound.any() or not np.isfinite(best.fun):
        raise ConvergenceError(
            f"{what} fit did not converge: the likelihood keeps rising towards a degenerate "
            "model; it needs more customers with repeat purchases, or pass penalizer=0.01 "
            "to regularise"
        )
    return np.exp(best.x)


@dataclass(frozen=True)
class BetaGeoFit:
    """A fitted BG/NBD model: parameters, fit quality and predictions.

    Attributes
    ----------
    params : pandas.Series
        ``r, alpha, a, b`` (float64). ``alpha`` is in the time unit of the data.
    log_likelihood : float
        Total log-likelihood of the training customers at ``params`` (no penalty).
    n_customers : int
        Customers the model was fitted on.
    penalizer : float
        The L2 penalty used in the fit.
    rfm : pandas.DataFrame
        The training summary, used when a method gets no ``rfm``.
    """

    params: pd.Series
    log_likelihood: float
    n_customers: int
    penalizer: float
    rfm: pd.DataFrame = field(repr=False)

    def _frame(self, rfm: pd.DataFrame | None) -> pd.DataFrame:
        return self.rfm if rfm is None else rfm

    @cached_property
    def log_covariance(self) -> np.ndarray:
        """Covariance matrix of log(r, α, a, b): inverse Hessian of the negative
        log-likelihood at the optimum (central finite differences)."""
        x, t_x, big_t = _rfm_arrays(self.rfm)

        def negative_loglik(log_params: np.ndarray) -> float:
            return float(-_bgnbd_loglik(np.exp(log_params), x, t_x, big_t).sum())

        return _log_covariance(negative_loglik, self.params.to_numpy())

    @property
    def summary(self) -> pd.DataFrame:
        """``param, estimate, se, lower, upper`` of r, α, a, b (95 % intervals).

        se = estimate × se(log estimate) (delta method: the standard error of the
        natural-scale Hessian at the optimum); the interval is exp(log estimate ±
        1.96 se(log)), which stays positive. NaN when the Hessian is not positive
        definite (a flat likelihood: too few repeat customers).
        """
        return _summary(self.params, self.log_covariance)

    def p_alive(self, rfm: pd.DataFrame | None = None) -> pd.Series:
        """Probability that each customer is still active at ``T`` (P(alive), 存活概率).

        P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x))
        (Fader, Hardie and Lee 2005, eq. 13). A customer without repeat purchases is alive
        with probability 1: in BG/NBD a customer can only drop out right after a purchase.

        Returns a float64 Series named ``p_alive``, with the index of ``rfm``.
        """
        frame = self._frame(rfm)
        x, t_x, big_t = _rfm_arrays(frame)
        r, alpha, a, b = self.params.to_numpy()
        log_odds_dead = np.where(
            x > 0,
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x)),
            -np.inf,
        )
        from scipy.special import expit

        return pd.Series(expit(-log_odds_dead), index=frame.index, name="p_alive", dtype="float64")

    def expected_purchases(self, t: float, rfm: pd.DataFrame | None = None) -> pd.Series:
        """Conditional expected purchases of each customer in the next ``t`` time units.

        E[Y(t) | x, t_x, T] (Fader, Hardie and Lee 2005, eq. 10), in the time unit of the
        data. Returns a float64 Series named ``expected_purchases`` with the index of ``rfm``.
        """
        from scipy.special import hyp2f1

        t = _horizon(t, "t")
        frame = self._frame(rfm)
        x, t_x, big_t = _rfm_arrays(frame)
        r, alpha, a, b = self.params.to_numpy()
        ratio = (alpha + big_t) / (alpha + big_t + t)
        hyper = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
        numerator = (a + b + x - 1) / (a - 1) * (1 - ratio ** (r + x) * hyper)
        alive_odds = np.where(
            x > 0,
            a / np.maximum(b + x - 1, 1e-300) * ((alpha + big_t) / (alpha + t_x)) ** (r + x),
            0.0,
        )
        values = numerator / (1 + alive_odds)
        return pd.Series(values, index=frame.index, name="expected_purchases", dtype="float64")

    def expected_purchases_new(self, t: float) -> float:
        """Expected purchases of a new customer in their first ``t`` time units (E[X(t)]).

        E[X(t)] = (a + b − 1) / (a − 1) · [1 − (α / (α + t))^r · ₂F₁(r, b; a + b − 1; t / (α + t))]
        (Fader, Hardie and Lee 2005, eq. 7): repeat purchases after the first one.
        """
        from scipy.special import hyp2f1

        t = _horizon(t, "t")
        r, alpha, a, b = self.params.to_numpy()
        hyper = hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return float((a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyper))


def _horizon(t: float, name: str) -> float:
    if not np.isscalar(t) or not np.isfinite(t) or t < 0:
        raise ParameterError(f"{name}={t!r} must be a number >= 0 (in the time unit of the rfm)")
    return float(t)


def fit_bgnbd(rfm: pd.DataFrame, *, penalizer: float = 0.0) -> BetaGeoFit:
    """Fit the BG/NBD model of repeat purchasing by maximum likelihood.

    Parameters
    ----------
    rfm : pandas.DataFrame
        One row per customer with ``frequency`` (repeat purchases, whole numbers),
        ``recency`` (time from the first to the last purchase) and ``T`` (time from the
        first purchase to the end of observation), e.g. from ``customers.rfm_summary``.
        Any time unit, also fractional (weeks with decimals); the fit is in that unit.
    penalizer : float, default 0.0
        L2 penalty on the parameters (added to the mean negative log-likelihood, as in
        lifetimes); 0 is plain maximum likelihood.

    Returns
    -------
    BetaGeoFit
        ``.params`` (pandas Series ``r, alpha, a, b``), ``.log_likelihood``,
        ``.expected_purchases(t, rfm=None)``, ``.p_alive(rfm=None)``,
        ``.expected_purchases_new(t)``.

    Raises
    ------
    DataError
        When ``rfm`` is empty or inconsistent (recency > T, negative or fractional
        frequency, recency ≠ 0 with frequency 0), or when every ``T`` is 0 (the
        observation window is shorter than one period of the summary).
    ConvergenceError
        When the optimiser fails (too few repeat customers).

    Notes
    -----
    中文名: BG/NBD 购买次数模型

    Model (Fader, Hardie and Lee 2005): while active, a customer buys as a Poisson process
    with rate λ ~ Gamma(r, α); after each purchase they drop out with probability
    p ~ Beta(a, b). The log-likelihood of eq. 6 is computed in log space (``gammaln``,
    ``betaln``, ``logaddexp``) and maximised over log-parameters with scipy
    (L-BFGS-B, then Nelder-Mead). Time is rescaled internally so that the longest ``T``
    is 10 (α scales back linearly), which makes the fit indifferent to the time unit.
    On the CDNOW sample (weeks) it gives r = 0.243, α = 4.414, a = 0.793, b = 2.426,
    log-likelihood −9582.4, the published estimates.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({
    ...     "frequency": [0, 1, 2, 0, 3, 1, 0, 5, 2, 0],
    ...     "recency": [0.0, 4.0, 20.0, 0.0, 30.0, 2.0, 0.0, 35.0, 10.0, 0.0],
    ...     "T": [40.0, 38.0, 39.0, 30.0, 36.0, 40.0, 20.0, 39.0, 38.0, 25.0],
    ... })
    >>> model = fit_bgnbd(rfm)
    >>> model.params.round(1).to_dict()
    {'r': 1.1, 'alpha': 17.6, 'a': 1.1, 'b': 2.9}
    >>> model.p_alive().round(1).tolist()
    [1.0, 0.3, 0.5, 1.0, 0.7, 0.2, 1.0, 0.8, 0.3, 1.0]
    """
    penalizer = _check_penalizer(penalizer)
    x, t_x, big_t = _rfm_arrays(rfm)
    if len(x) == 0:
        raise DataError("rfm has no customers: fit_bgnbd needs at least one row")
    if not (big_t > 0).any():
        raise DataError(
            f"rfm: the observation window is too short: every T is 0 ({len(x)} customer(s) "
            "first bought in the last period observed), so no time passes in which BG/NBD "
            "could see repeat purchases or drop-outs; pass more history (an earlier start "
            'or a later observation_end) or a finer freq such as "D" to rfm_summary'
        )
    scale = float(big_t.max()) / 10.0
    xs, ts, bigs = x, t_x / scale, big_t / scale

    def negative_loglik(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        value = -_bgnbd_loglik(params, xs, ts, bigs).mean() + penalizer * np.sum(params**2)
        return float(value) if np.isfinite(value) else 1e300

    r, alpha, a, b = _fit_mle(negative_loglik, np.ones(4), "BG/NBD")
    params = np.array([r, alpha * scale, a, b])
    return BetaGeoFit(
        params=pd.Series(params, index=["r", "alpha", "a", "b"], dtype="float64"),
        log_likelihood=float(_bgnbd_loglik(params, x, t_x, big_t).sum()),
        n_customers=len(x),
        penalizer=penalizer,
        rfm=rfm.copy(),
    )


# -- Gamma-Gamma ------------------------------------------------------------------------------


def _gamma_gamma_loglik(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of the mean spend ``m`` over ``x`` purchases."""
    from scipy.special import gammaln

    p, q, v = params
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model.

    Attributes
    ----------
    params : pandas.Series
        ``p, q, v`` (float64); ``v`` is in the currency of ``monetary_value``.
    log_likelihood : float
        Total log-likelihood of the fitted customers at ``params`` (no penalty).
    n_customers : int
        Customers the model was fitted on (frequency > 0 and monetary_value > 0).
    penalizer : float
        The L2 penalty used in the fit.
    rfm : pandas.DataFrame
        The summary given to the fit, used when ``expected_value`` gets no ``rfm``.
    """

    params: pd.Series
    log_likelihood: float
    n_customers: int
    penalizer: float
    rfm: pd.DataFrame = field(repr=False)

    @cached_property
    def log_covariance(self) -> np.ndarray:
        """Covariance matrix of log(p, q, v): inverse Hessian of the negative
        log-likelihood of the fitted customers at the optimum."""
        x_all, _, _ = _rfm_arrays(self.rfm)
        m_all = _monetary(self.rfm, x_all)
        used = (x_all > 0) & (m_all > 0)
        x, m = x_all[used], m_all[used]

        def negative_loglik(log_params: np.ndarray) -> float:
            return float(-_gamma_gamma_loglik(np.exp(log_params), x, m).sum())

        return _log_covariance(negative_loglik, self.params.to_numpy())

    @property
    def summary(self) -> pd.DataFrame:
        """``param, estimate, se, lower, upper`` of p, q, v (95 % intervals), as
        ``BetaGeoFit.summary``."""
        return _summary(self.params, self.log_covariance)

    @property
    def population_mean(self) -> float:
        """Mean transaction value of the population, E[Z] = p · v / (q − 1) (NaN if q ≤ 1)."""
        p, q, v = self.params.to_numpy()
        return float(p * v / (q - 1)) if q > 1 else float("nan")

    def expected_value(self, rfm: pd.DataFrame | None = None) -> pd.Series:
        """Conditional expected value of each customer's future purchases.

        E[Z | x, m] = p · (v + x · m) / (p · x + q − 1) (Fader, Hardie and Lee 2005, eq. 5):
        a weighted mean of the population mean p · v / (q − 1) and the customer's own mean
        ``m``; a customer with frequency 0 gets the population mean. Negative
        ``monetary_value`` (net of refunds) counts as 0. Returns a float64 Series named
        ``expected_value`` with the index of ``rfm``; NaN when q ≤ 1 (no finite mean).
        """
        frame = self.rfm if rfm is None else rfm
        x, _, _ = _rfm_arrays(frame)
        m = np.clip(np.nan_to_num(_monetary(frame, x), nan=0.0), 0.0, None)
        p, q, v = self.params.to_numpy()
        values = p * (v + x * m) / (p * x + q - 1) if q > 1 else np.full(len(x), np.nan)
        return pd.Series(values, index=frame.index, name="expected_value", dtype="float64")


def fit_gamma_gamma(rfm: pd.DataFrame, *, penalizer: float = 0.0) -> GammaGammaFit:
    """Fit the Gamma-Gamma model of spend per purchase by maximum likelihood.

    Parameters
    ----------
    rfm : pandas.DataFrame
        One row per customer with ``frequency``, ``recency``, ``T`` and ``monetary_value``
        (mean value of the repeat purchases). Only customers with frequency > 0 and
        monetary_value > 0 enter the fit.
    penalizer : float, default 0.0
        L2 penalty on the parameters (added to the mean negative log-likelihood).

    Returns
    -------
    GammaGammaFit
        ``.params`` (pandas Series ``p, q, v``), ``.log_likelihood``,
        ``.population_mean``, ``.expected_value(rfm=None)``.

    Raises
    ------
    DataError
        When no customer has a repeat purchase with a positive value, or when a repeat
        customer's ``monetary_value`` is missing or infinite.

    Notes
    -----
    中文名: Gamma-Gamma 客单价值模型

    Model (Fader, Hardie and Lee 2005, "RFM and CLV"): a customer's purchase values are
    Gamma(p, ν), and ν ~ Gamma(q, v) across customers; spend is independent of the
    purchase process (check that frequency and monetary_value are barely correlated).
    Maximum likelihood over log-parameters with scipy, monetary values rescaled to mean 1
    internally (v scales back). On the 946 CDNOW repeat customers: p = 6.25, q = 3.74,
    v = 15.44.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({
    ...     "frequency": [1, 2, 3, 1, 4, 2, 0],
    ...     "recency": [5.0, 10.0, 20.0, 3.0, 30.0, 12.0, 0.0],
    ...     "T": [30.0, 30.0, 35.0, 20.0, 40.0, 25.0, 10.0],
    ...     "monetary_value": [20.0, 35.0, 28.0, 60.0, 31.0, 18.0, 0.0],
    ... })
    >>> model = fit_gamma_gamma(rfm, penalizer=0.01)
    >>> list(model.params.index), model.n_customers
    (['p', 'q', 'v'], 6)
    """
    penalizer = _check_penalizer(penalizer)
    x_all, _, _ = _rfm_arrays(rfm)
    m_all = _monetary(rfm, x_all)
    used = (x_all > 0) & (m_all > 0)
    if not used.any():
        raise DataError(
            "rfm has no customer with frequency > 0 and monetary_value > 0: the Gamma-Gamma "
            "model needs repeat purchases with a positive value"
        )
    x, m = x_all[used], m_all[used]
    scale = float(m.mean())

    def negative_loglik(log_params: np.ndarray) -> float:
        params = np.exp(log_params)
        value = -_gamma_gamma_loglik(params, x, m / scale).mean() + penalizer * np.sum(params**2)
        return float(value) if np.isfinite(value) else 1e300

    p, q, v = _fit_mle(negative_loglik, np.ones(3), "Gamma-Gamma")
    params = np.array([p, q, v * scale])
    return GammaGammaFit(
        params=pd.Series(params, index=["p", "q", "v"], dtype="float64"),
        log_likelihood=float(_gamma_gamma_loglik(params, x, m).sum()),
        n_customers=int(used.sum()),
        penalizer=penalizer,
        rfm=rfm.copy(),
    )


# -- CLV --------------------------------------------------------------------------------------


def customer_lifetime_value(
    rfm: pd.DataFrame,
    bgnbd: BetaGeoFit,
    gamma_gamma: GammaGammaFit,
    *,
    horizon: float = DEFAULT_THRESHOLDS["clv_horizon_weeks"],
    step: float = 1.0,
    discount_rate: float = 0.0,
) -> pd.DataFrame:
    """Expected value of each customer's purchases over the next ``horizon`` time units.

    Parameters
    ----------
    rfm : pandas.DataFrame
        ``customer_id``, ``frequency``, ``recency``, ``T``, ``monetary_value`` in the time
        unit the models were fitted in (weeks for ``rfm_summary(freq="W")``).
    bgnbd : BetaGeoFit
        From :func:`fit_bgnbd`.
    gamma_gamma : GammaGammaFit
        From :func:`fit_gamma_gamma`.
    horizon : float, default 52
        Length of the future window, in the time unit of ``rfm`` (52 weeks = a year).
    step : float, default 1.0
        Length of one discounting step, in the same unit; ``horizon`` must be a whole
        number of steps (e.g. ``step=4.345`` weeks for monthly discounting).
    discount_rate : float, default 0.0
        Discount rate per step (0 = undiscounted).

    Returns
    -------
    pandas.DataFrame
        One row per row of ``rfm``, in its order:

        - ``customer_id`` (str)
        - ``frequency`` (int64), ``recency`` (float64), ``T`` (float64),
          ``monetary_value`` (float64): the input summary.
        - ``p_alive`` (float64): probability that the customer is still active.
        - ``expected_purchases`` (float64): expected purchases in the horizon (BG/NBD).
        - ``expected_value`` (float64): expected value per purchase (Gamma-Gamma).
        - ``clv`` (float64): discounted expected value of the horizon's purchases, in the
          currency of ``monetary_value``.

    Notes
    -----
    中文名: 客户终身价值（预测）

    With n = horizon / step steps and t_k = k · step,

    clv = Σ_{k=1..n} E[Z] · (E[Y(t_k)] − E[Y(t_{k−1})]) / (1 + discount_rate)^k,

    where E[Y(t)] is the BG/NBD conditional expected purchases and E[Z] the Gamma-Gamma
    conditional expected value: lifetimes' ``customer_lifetime_value`` with its month of
    ``factor`` time units replaced by ``step`` (lifetimes' ``time=12, freq="W"`` is
    ``horizon=52.14, step=4.345`` here). The value is that of the purchases (what
    ``monetary_value`` measures: paid amount, or net of refunds if the summary is), not a
    margin; multiply by a margin for profit. The 口径 of research/metrics.md §8.7: this is
    the predictive CLV; historical value is the sum of a customer's net paid amount.

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({
    ...     "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
    ...     "frequency": [1, 2, 3, 1, 4, 2, 0],
    ...     "recency": [5.0, 10.0, 20.0, 3.0, 30.0, 12.0, 0.0],
    ...     "T": [30.0, 30.0, 35.0, 20.0, 40.0, 25.0, 10.0],
    ...     "monetary_value": [20.0, 35.0, 28.0, 60.0, 31.0, 18.0, 0.0],
    ... })
    >>> bgnbd = fit_bgnbd(rfm, penalizer=0.01)  # seven customers: regularise
    >>> gamma_gamma = fit_gamma_gamma(rfm, penalizer=0.01)
    >>> values = customer_lifetime_value(rfm, bgnbd, gamma_gamma, horizon=52)
    >>> values[["customer_id", "p_alive", "expected_purchases", "expected_value", "clv"]].round(2)
      customer_id  p_alive  expected_purchases  expected_value    clv
    0          c1     0.11                0.24           29.31   7.00
    1          c2     0.18                0.54           36.63  19.72
    2          c3     0.36                1.27           30.72  39.13
    3          c4     0.16                0.40           51.23  20.38
    4          c5     0.57                2.27           32.64  74.19
    5          c6     0.33                1.07           24.60  26.37
    6          c7     1.00                1.96           40.60  79.52
    """
    require(rfm, ["customer_id", *_RFM, "monetary_value"], "rfm")
    steps = _steps(horizon, step, discount_rate)
    purchases = [bgnbd.expected_purchases(k * step, rfm).to_numpy() for k in range(steps + 1)]
    value = gamma_gamma.expected_value(rfm).to_numpy()
    clv = np.zeros(len(rfm))
    for k in range(1, steps + 1):
        clv += value * (purchases[k] - purchases[k - 1]) / (1 + discount_rate) ** k
    out = pd.DataFrame(
        {
            "customer_id": rfm["customer_id"].astype("str").to_numpy(),
            "frequency": rfm["frequency"].to_numpy(),
            "recency": rfm["recency"].to_numpy(),
            "T": rfm["T"].to_numpy(),
            "monetary_value": rfm["monetary_value"].to_numpy(),
            "p_alive": bgnbd.p_alive(rfm).to_numpy(),
            "expected_purchases": purchases[-1],
            "expected_value": value,
            "clv": clv,
        }
    )
    return conform(out, CLV_COLUMNS)


def _steps(horizon: float, step: float, discount_rate: float) -> int:
    """Number of discounting steps; checks the three CLV options."""
    _horizon(horizon, "horizon")
    if not np.isscalar(step) or not np.isfinite(step) or step <= 0:
        raise ParameterError(f"step={step!r} must be a positive number of time units")
    if not np.isscalar(discount_rate) or not np.isfinite(discount_rate) or discount_rate <= -1:
        raise ParameterError(f"discount_rate={discount_rate!r} must be a number > -1 (0.01 = 1%)")
    steps = round(horizon / step)
    if abs(steps * step - horizon) > 1e-9 * max(1.0, horizon):
        raise ParameterError(
            f"horizon={horizon!r} is not a whole number of steps of {step!r}; "
            f"use horizon={steps * step:g} or a step that divides it"
        )
    return steps


# -- uncertainty and holdout checks -----------------------------------------------------------


def clv_intervals(
    rfm: pd.DataFrame,
    bgnbd: BetaGeoFit,
    gamma_gamma: GammaGammaFit,
    *,
    horizon: float = 52,
    step: float = 1.0,
    discount_rate: float = 0.0,
    draws: int = 200,
    interval: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Each customer's CLV with a standard error and interval from the parameters' uncertainty.

    Parameters
    ----------
    rfm, bgnbd, gamma_gamma, horizon, step, discount_rate
        As for :func:`customer_lifetime_value`.
    draws : int, default 200
        Parameter draws of the parametric bootstrap.
    interval : float, default 0.95
        Coverage of the interval.
    seed : int, default 0
        Seed of the draws (reruns agree).

    Returns
    -------
    pandas.DataFrame
        One row per row of ``rfm``: ``customer_id`` (str), ``clv`` (the point estimate
        of :func:`customer_lifetime_value`), ``clv_se`` (standard deviation over the
        draws), ``clv_lower``, ``clv_upper`` (quantiles of the draws), float64. The
        interval columns are NaN when a model's Hessian is not positive definite.

    Notes
    -----
    中文名: 客户终身价值区间

    Parametric bootstrap over the parameters' covariance: log(r, α, a, b) ~ N(MLE,
    inverse Hessian) and log(p, q, v) ~ N(MLE, inverse Hessian), independently (the two
    models are fitted separately); each draw recomputes every customer's CLV, and the
    interval is the draws' (1 − interval)/2 and (1 + interval)/2 quantiles. It carries
    the uncertainty of the estimated population, not the randomness of the customer's
    own future purchases (which is much larger for one customer).

    Examples
    --------
    >>> import pandas as pd
    >>> rfm = pd.DataFrame({
    ...     "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
    ...     "frequency": [1, 2, 3, 1, 4, 2, 0],
    ...     "recency": [5.0, 10.0, 20.0, 3.0, 30.0, 12.0, 0.0],
    ...     "T": [30.0, 30.0, 35.0, 20.0, 40.0, 25.0, 10.0],
    ...     "monetary_value": [20.0, 35.0, 28.0, 60.0, 31.0, 18.0, 0.0],
    ... })
    >>> bgnbd = fit_bgnbd(rfm, penalizer=0.01)
    >>> gamma_gamma = fit_gamma_gamma(rfm, penalizer=0.01)
    >>> values = clv_intervals(rfm, bgnbd, gamma_gamma, horizon=12, draws=50)
    >>> list(values.columns)
    ['customer_id', 'clv', 'clv_se', 'clv_lower', 'clv_upper']
    """
    from dataclasses import replace

    if not isinstance(draws, int | np.integer) or draws < 2:
        raise ParameterError(f"draws={draws!r} must be a whole number >= 2")
    if not np.isscalar(interval) or not 0 < interval < 1:
        raise ParameterError(f"interval={interval!r} must be a probability in (0, 1), e.g. 0.95")
    point = customer_lifetime_value(
        rfm, bgnbd, gamma_gamma, horizon=horizon, step=step, discount_rate=discount_rate
    )
    out = pd.DataFrame({"customer_id": point["customer_id"], "clv": point["clv"]})
    covariances = (bgnbd.log_covariance, gamma_gamma.log_covariance)
    if len(rfm) == 0 or any(np.isnan(c).any() for c in covariances):
        return conform(out, CLV_INTERVAL_COLUMNS)
    rng = np.random.default_rng(seed)
    samples = []
    draws_bg = rng.multivariate_normal(np.log(bgnbd.params), covariances[0], size=draws)
    draws_gg = rng.multivariate_normal(np.log(gamma_gamma.params), covariances[1], size=draws)
    for log_bg, log_gg in zip(draws_bg, draws_gg, strict=True):
        drawn_bg = replace(bgnbd, params=pd.Series(np.exp(log_bg), index=bgnbd.params.index))
        drawn_gg = replace(
            gamma_gamma, params=pd.Series(np.exp(log_gg), index=gamma_gamma.params.index)
        )
        values = customer_lifetime_value(
            rfm, drawn_bg, drawn_gg, horizon=horizon, step=step, discount_rate=discount_rate
        )
        samples.append(values["clv"].to_numpy())
    matrix = np.vstack(samples)
    tail = (1 - interval) / 2
    out["clv_se"] = matrix.std(axis=0, ddof=1)
    out["clv_lower"], out["clv_upper"] = np.nanquantile(matrix, [tail, 1 - tail], axis=0)
    return conform(out, CLV_INTERVAL_COLUMNS)


def calibration_holdout(
    orders: pd.DataFrame,
    *,
    calibration_end,
    observation_end,
    freq: str = "W",
    penalizer: float = 0.0,
    max_frequency: int = 7,
) -> pd.DataFrame:
    """Fit BG/NBD on the calibration period and compare its predictions with the holdout.

    Parameters
    ----------
    orders : pandas.DataFrame
        The store's ``orders`` (``customer_id``, ``ordered_at``, ``status``,
        ``paid_amount``; ``paid_at`` optional).
    calibration_end : date-like
        Last day of the calibration period (the model sees nothing later).
    observation_end : date-like
        Last day of the holdout period.
    freq : {"W", "D"}, default "W"
        Purchase period, as for ``customers.rfm_summary``.
    penalizer : float, default 0.0
        Passed to :func:`fit_bgnbd`.
    max_frequency : int, default 7
        Calibration frequencies of this or more share the last bucket (``"7+"``).

    Returns
    -------
    pandas.DataFrame
        One row per bucket of calibration frequency (``"0"``, ``"1"``, … ``"7+"``),
        then ``"all"``:

        - ``frequency_cal`` (str): repeat purchases in the calibration period.
        - ``customers`` (int64): calibration customers in the bucket.
        - ``predicted`` (float64): mean predicted purchases in the holdout.
        - ``actual`` (float64): mean actual purchases (purchase periods) in the holdout.
        - ``error`` (float64): predicted − actual.

        ``result.attrs["mean_absolute_error"]`` is the mean over customers of
        \\|predicted − actual\\|, ``result.attrs["holdout_periods"]`` the holdout length.

    Notes
    -----
    中文名: CLV 模型校准/留出检验

    As lifetimes' ``calibration_and_holdout_data`` and
    ``plot_calibration_purchases_vs_holdout_purchases``: the customers first seen up to
    ``calibration_end``; their holdout purchases are the distinct purchase periods with
    a paid order after the period of ``calibration_end`` up to that of
    ``observation_end``; predicted = E[Y(t) | x, t_x, T] for t = the holdout length in
    periods. A model that over-predicts the "all" row by more than a few per cent
    should not be trusted for the customers' value.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> first = rng.integers(0, 400, 800)  # day of each customer's first order
    >>> life = rng.exponential(200, 800)  # days each customer stays active
    >>> gap = rng.integers(7, 150, 800)  # days between a customer's orders
    >>> rows = [(c, d) for c in range(800) for d in range(first[c], 700, gap[c])
    ...         if d - first[c] <= life[c]]
    >>> orders = pd.DataFrame({
    ...     "order_id": [f"o{i}" for i in range(len(rows))],
    ...     "customer_id": [f"c{c}" for c, _ in rows],
    ...     "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta([d for _, d in rows], "D"),
    ...     "status": "completed", "paid_amount": 50.0})
    >>> table = calibration_holdout(orders, calibration_end="2025-01-31",
    ...                             observation_end="2025-11-30")
    >>> table["frequency_cal"].iloc[-1], int(table["customers"].iloc[-1])
    ('all', 799)
    """
    from ecanalysis.metrics._common import as_day, check_freq, is_paid, paid_time, period_floor
    from ecanalysis.metrics.customers import rfm_summary

    cal_end, obs_end = (
        as_day(calibration_end, "calibration_end"),
        as_day(observation_end, "observation_end"),
    )
    if obs_end <= cal_end:
        raise ParameterError(
            f"observation_end {obs_end:%Y-%m-%d} must be after calibration_end {cal_end:%Y-%m-%d}"
        )
    freq = check_freq(freq)
    rfm = rfm_summary(orders, observation_end=cal_end, freq=freq)
    if rfm.empty:
        raise DataError(f"no paid order up to calibration_end {cal_end:%Y-%m-%d}: nothing to fit")
    model = fit_bgnbd(rfm, penalizer=penalizer)
    unit = pd.Timedelta(days=7 if freq == "W" else 1)
    cal_period = period_floor(pd.Series([cal_end]), "W" if unit.days == 7 else "D").iloc[0]
    obs_period = period_floor(pd.Series([obs_end]), "W" if unit.days == 7 else "D").iloc[0]
    holdout = float((obs_period - cal_period) / unit)
    predicted = model.expected_purchases(holdout, rfm).to_numpy()
    paid = orders[is_paid(orders)]
    periods = pd.DataFrame(
        {
            "customer_id": paid["customer_id"].astype("str").to_numpy(),
            "period": period_floor(paid_time(paid), "W" if unit.days == 7 else "D").to_numpy(),
        }
    )
    later = periods[(periods["period"] > cal_period) & (periods["period"] <= obs_period)]
    counts = later.drop_duplicates().groupby("customer_id").size()
    actual = counts.reindex(rfm["customer_id"].astype("str")).fillna(0).to_numpy("float64")
    frequency = rfm["frequency"].to_numpy()
    bucket = np.minimum(frequency, max_frequency).astype(int)
    rows = []
    for value in sorted(set(bucket)):
        inside = bucket == value
        name = f"{value}+" if value == max_frequency else str(value)
        rows.append(_holdout_row(name, predicted[inside], actual[inside]))
    rows.append(_holdout_row("all", predicted, actual))
    out = conform(pd.DataFrame(rows, columns=list(HOLDOUT_COLUMNS)), HOLDOUT_COLUMNS)
    out.attrs["mean_absolute_error"] = float(np.mean(np.abs(predicted - actual)))
    out.attrs["holdout_periods"] = holdout
    return out


def _holdout_row(name: str, predicted: np.ndarray, actual: np.ndarray) -> dict:
    return {
        "frequency_cal": name,
        "customers": len(predicted),
        "predicted": float(predicted.mean()),
        "actual": float(actual.mean()),
        "error": float(predicted.mean() - actual.mean()),
    }
