"""Inputs of the profit metrics: the ``costs:`` block of the params and the sample's
``orders.shipping_cost`` (DESIGN §5 "Profit", §2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.params import COST_KEYS, load_settings, store_costs
from ecanalysis.sample import write_sample

PARAMS = Path(__file__).resolve().parent.parent / "params"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_unset_costs_are_unknown_not_zero(tmp_path):
    write(tmp_path / "defaults.yaml", "costs:\n  payment_fee_rate: 0.006\n")
    write(tmp_path / "stores" / "s1.yaml", "costs:\n  fulfilment_cost_per_order: 0\n")
    costs = store_costs(load_settings(tmp_path, "s1"))
    assert costs == {
        "payment_fee_rate": 0.006,
        "commission_rate": None,
        "other_variable_rate": None,
        "fulfilment_cost_per_order": 0.0,  # set to 0 on purpose: known
    }
    assert store_costs(load_settings(tmp_path, None)) == {
        **costs,
        "fulfilment_cost_per_order": None,
    }


def test_a_store_may_unset_a_default_cost(tmp_path):
    write(tmp_path / "defaults.yaml", "costs:\n  commission_rate: 0.05\n")
    write(tmp_path / "stores" / "s1.yaml", "costs:\n  commission_rate: null\n")
    assert store_costs(load_settings(tmp_path, "s1"))["commission_rate"] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("costs:\n  comission_rate: 0.05\n", r"unknown cost 'comission_rate'.*'commission_rate'"),
        ("costs:\n  payment_fee_rate: 0.6%\n", r"payment_fee_rate: '0.6%'.*a number"),
        ("costs:\n  commission_rate: 5\n", r"commission_rate: 5 .*not including\) 1.*0.05"),
        ("costs:\n  other_variable_rate: 1.0\n", r"other_variable_rate: 1.0 .*not including"),
        ("costs:\n  payment_fee_rate: -0.01\n", r"from 0 up to"),
        ("costs:\n  fulfilment_cost_per_order: -3\n", r"at least 0 in the store's currency"),
        ("costs:\n  fulfilment_cost_per_order: true\n", r"a number"),
        ("costs: 0.05\n", r"'costs' .*must be a mapping"),
        ("cost:\n  commission_rate: 0.05\n", r"unknown setting 'cost'.*did you mean 'costs'"),
    ],
)
def test_bad_costs_name_file_key_value_and_fix(tmp_path, text, message):
    write(tmp_path / "stores" / "s1.yaml", text)
    with pytest.raises(ParameterError, match=message) as error:
        load_settings(tmp_path, "s1")
    assert "s1.yaml" in str(error.value)


def test_the_sample_stores_have_realistic_costs_and_defaults_leave_them_unset():
    assert set(store_costs(load_settings(PARAMS, None)).values()) == {None}
    tmall, shopify, woo = (
        store_costs(load_settings(PARAMS, s)) for s in ("shop01", "shop02", "shop03")
    )
    assert all(value is not None for c in (tmall, shopify, woo) for value in c.values())
    assert 0.02 <= tmall["commission_rate"] <= 0.05 and tmall["payment_fee_rate"] == 0.006
    assert shopify["commission_rate"] == 0.0 and 0.029 <= shopify["payment_fee_rate"] < 0.04
    assert 8 <= tmall["fulfilment_cost_per_order"] <= 12
    assert 6 <= shopify["fulfilment_cost_per_order"] <= 9
    assert set(COST_KEYS) == set(tmall)


TINY = {"stores": 3, "start": "2025-05-01", "end": "2025-06-30", "orders_per_day": 10}


@pytest.fixture(scope="module")
def tiny_orders(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny")
    write_sample(path, **TINY)
    return pd.read_parquet(path / "orders.parquet")


def test_only_the_shopify_store_records_shipping_cost_of_shipped_orders(tiny_orders):
    recorded = tiny_orders[tiny_orders["shipping_cost"].notna()]
    assert set(recorded["store_id"]) == {"shop02"}  # shop02 is the Shopify profile
    shop02 = tiny_orders[tiny_orders["store_id"] == "shop02"]
    shipped = shop02["status"].isin(["shipped", "completed", "refunded", "partially_refunded"])
    assert shop02.loc[shipped, "shipping_cost"].notna().all()
    assert shop02.loc[~shipped, "shipping_cost"].isna().all()
    costs = recorded["shipping_cost"]
    assert (costs > 0).all() and 5 < costs.median() < 10  # USD a label
    assert np.allclose(costs, costs.round(2))
    # More items cost more to ship.
    by_items = recorded.groupby(recorded["item_count"].clip(upper=3))["shipping_cost"].mean()
    assert by_items.is_monotonic_increasing


def test_shipping_cost_is_deterministic(tiny_orders, tmp_path):
    write_sample(tmp_path, **TINY)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "orders.parquet"), tiny_orders)
    assert list(tiny_orders.columns)[-1] == "shipping_cost"


def test_the_other_columns_do_not_depend_on_shipping_cost(tiny_orders, tmp_path, monkeypatch):
    """Shipping costs draw from their own random stream: with no store recording them,
    every other column of the orders is the same (the sample's golden numbers hold)."""
    import ecanalysis.sample as sample

    monkeypatch.setattr(sample, "_RECORDS_SHIPPING_COST", frozenset())
    write_sample(tmp_path, **TINY)
    without = pd.read_parquet(tmp_path / "orders.parquet")
    assert without["shipping_cost"].isna().all()
    others = [c for c in tiny_orders.columns if c != "shipping_cost"]
    pd.testing.assert_frame_equal(without[others], tiny_orders[others])
