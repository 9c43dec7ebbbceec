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


CASES = {"customer_lifetime_value": _clv_case}
EXEMPT = {
    "fit_bgnbd": "returns a fitted model (BetaGeoFit), not a frame; an empty rfm is an error",
    "fit_gamma_gamma": "returns a fitted model (GammaGammaFit), not a frame",
}
