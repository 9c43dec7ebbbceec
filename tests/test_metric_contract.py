"""Every public metric: a DataFrame with a RangeIndex, same columns and dtypes empty or not.

Functions are discovered in each ``ecanalysis/metrics/*.py`` module; their inputs come from
``tests/contract_cases/<module>.py`` (``CASES``, ``EXEMPT``; see that package's docstring).
"""

from __future__ import annotations

import importlib
import inspect

import pandas as pd
import pytest

from ecanalysis import glossary
from ecanalysis.errors import DataError, ParameterError


def _discover() -> list[tuple[str, str]]:
    return [
        (module.rsplit(".", 1)[1], name)
        for module in glossary.metric_modules()
        for name, _ in glossary.public_functions(module)
    ]


FUNCTIONS = _discover()


def _cases(module: str):
    try:
        cases = importlib.import_module(f"contract_cases.{module}")
    except ModuleNotFoundError as error:
        if error.name != f"contract_cases.{module}":
            raise
        return {}, {}
    return getattr(cases, "CASES", {}), getattr(cases, "EXEMPT", {})


@pytest.mark.parametrize(("module", "name"), FUNCTIONS, ids=[f"{m}.{n}" for m, n in FUNCTIONS])
def test_metric_contract(module, name):
    cases, exempt = _cases(module)
    if name in exempt:
        assert exempt[name].strip(), f"EXEMPT[{name!r}] needs a reason"
        return
    assert name in cases, (
        f"ecanalysis.metrics.{module}.{name} has no contract case: add a contract case to "
        f"tests/contract_cases/{module}.py (CASES[{name!r}] = lambda empty: (args, kwargs)) "
        "or list it in EXEMPT with a reason"
    )
    func = getattr(importlib.import_module(f"ecanalysis.metrics.{module}"), name)
    results = {}
    for empty in (False, True):
        args, kwargs = cases[name](empty)
        result = func(*args, **kwargs)
        assert isinstance(result, pd.DataFrame), f"{name} returned {type(result).__name__}"
        assert isinstance(result.index, pd.RangeIndex), f"{name}: index is not a RangeIndex"
        assert result.index.start == 0 and result.index.step == 1
        results[empty] = result
    full, empty = results[False], results[True]
    assert len(full) >= 1, f"{name}: the one-row case gave no rows"
    assert list(full.columns) == list(empty.columns), f"{name}: columns differ when empty"
    assert full.dtypes.to_dict() == empty.dtypes.to_dict(), f"{name}: dtypes differ when empty"


def test_every_case_names_an_existing_function():
    known = set(FUNCTIONS)
    for module in {m for m, _ in FUNCTIONS}:
        cases, exempt = _cases(module)
        for name in [*cases, *exempt]:
            assert (module, name) in known, f"contract_cases/{module}.py names unknown {name!r}"


def _takes_freq(module: str, name: str) -> bool:
    func = getattr(importlib.import_module(f"ecanalysis.metrics.{module}"), name)
    return "freq" in inspect.signature(func).parameters


WITH_FREQ = [(m, n) for m, n in FUNCTIONS if _takes_freq(m, n)]


@pytest.mark.parametrize(("module", "name"), WITH_FREQ, ids=[f"{m}.{n}" for m, n in WITH_FREQ])
def test_freq_w_sun_is_w_and_other_weekly_anchors_are_refused(module, name):
    """DESIGN §5: ``W`` is the week Monday to Sunday, pandas ``W-SUN``; ``W-MON`` (weeks
    ending on Monday) and the other anchors are different weeks, refused with the accepted
    values rather than computed as ``W``."""
    func = getattr(importlib.import_module(f"ecanalysis.metrics.{module}"), name)
    args, kwargs = _cases(module)[0][name](False)
    weekly = func(*args, **{**kwargs, "freq": "W"})
    pd.testing.assert_frame_equal(func(*args, **{**kwargs, "freq": "W-SUN"}), weekly)
    for anchored in ("W-MON", "W-TUE", "W-SAT"):
        with pytest.raises(ParameterError, match=rf"freq='{anchored}' is not supported.*W-SUN"):
            func(*args, **{**kwargs, "freq": anchored})


#: Metrics that read no timestamp of the orders (they filter on status and paid_at's presence).
READ_NO_TIME = {("orders", "paid_orders"), ("orders", "valid_orders")}


def _reads_orders(module: str, name: str) -> bool:
    cases = _cases(module)[0]
    if name not in cases or (module, name) in READ_NO_TIME:
        return False
    args, kwargs = cases[name](False)
    return any(_is_orders(value) for value in [*args, *kwargs.values()])


def _is_orders(value) -> bool:
    return isinstance(value, pd.DataFrame) and {"ordered_at", "paid_at"} <= set(value.columns)


WITH_ORDERS = [(m, n) for m, n in FUNCTIONS if _reads_orders(m, n)]


@pytest.mark.parametrize(("module", "name"), WITH_ORDERS, ids=[f"{m}.{n}" for m, n in WITH_ORDERS])
def test_orders_in_two_time_zones_are_refused(module, name):
    """Each tz-aware column is read as wall time of its own zone: ordered_at in Shanghai and
    paid_at in UTC would date one order on two local days, so every metric refuses them."""

    def mixed(value):
        if not _is_orders(value):
            return value
        return value.assign(
            ordered_at=value["ordered_at"].dt.tz_localize("Asia/Shanghai"),
            paid_at=value["paid_at"].dt.tz_localize("UTC"),
        )

    func = getattr(importlib.import_module(f"ecanalysis.metrics.{module}"), name)
    args, kwargs = _cases(module)[0][name](False)
    with pytest.raises(DataError, match=r"ordered_at \(Asia/Shanghai\).*paid_at \(UTC\)"):
        func(*[mixed(a) for a in args], **{k: mixed(v) for k, v in kwargs.items()})
