"""Contract cases of ecanalysis.metrics.clv."""

from __future__ import annotations

from functools import cache

import pandas as pd

from ecanalysis.metrics import clv

_RFM = pd.DataFrame(
    {
        "customer_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
        "frequency": [1, 2, 3, 1, 4, 2, 0],
        "recency": [5.0, 10.0, 20.0, 3.0, 30.0, 12.0, 0.0],
        "T": [30.0, 30.0, 35.0, 20.0, 40.0, 25.0, 10.0],
        "monetary_value": [20.0, 35.0, 28.0, 60.0, 31.0, 18.0, 0.0],
    }
)


@cache
def _models():
    return clv.fit_bgnbd(_RFM, penalizer=0.01), clv.fit_gamma_gamma(_RFM, penalizer=0.01)


def _clv_case(empty: bool):
    rfm = _RFM.iloc[:0] if empty else _RFM.iloc[:1]
    return (rfm, *_models()), {"horizon": 12}


def _interval_case(empty: bool):
    args, kwargs = _clv_case(empty)
    return args, {**kwargs, "draws": 5}


@cache
def _orders() -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(0)
    first, life, gap = (
        rng.integers(0, 300, 400),
        rng.exponential(250, 400),
        rng.integers(7, 90, 400),
    )
    rows = [
        (c, d) for c in range(400) for d in range(first[c], 600, gap[c]) if d - first[c] <= life[c]
    ]
    return pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(len(rows))],
            "customer_id": [f"c{c}" for c, _ in rows],
            "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta([d for _, d in rows], "D"),
            "status": "completed",
            "paid_amount": 50.0,
        }
    )


def _holdout_case(empty: bool):
    # no empty case: without orders there is nothing to fit (EXEMPT below); this case
    # serves the freq checks
    return (_orders(),), {
        "calibration_end": "2024-10-31",
        "observation_end": "2025-06-30",
        "penalizer": 0.01,
    }


CASES = {
    "customer_lifetime_value": _clv_case,
    "clv_intervals": _interval_case,
    "calibration_holdout": _holdout_case,
}
EXEMPT = {
    "calibration_holdout": "fits a model on the orders: without any order it is an error",
    "fit_bgnbd": "returns a fitted model (BetaGeoFit), not a frame; an empty rfm is an error",
    "fit_gamma_gamma": "returns a fitted model (GammaGammaFit), not a frame",
}
