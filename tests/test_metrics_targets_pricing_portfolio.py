"""Assessment table, price/cost anomalies and the portfolio comparison, hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from ecanalysis.metrics.portfolio import store_comparison, to_reporting_currency
from ecanalysis.metrics.pricing import price_cost_anomalies
from ecanalysis.metrics.targets import assessment_table


def test_assessment_table_statuses_and_lower_is_better():
    table = assessment_table(
        {"paid_amount": 120.0, "orders": 80, "refund_amount": 50.0, "buyers": 10},
        {"paid_amount": 100, "orders": 100, "refund_amount": 40, "buyers": None},
        kpis=["paid_amount", "orders", "refund_amount", "buyers"],
        projected={"orders": 95},
    )
    expected = pd.DataFrame(
        {
            "kpi": ["paid_amount", "orders", "refund_amount", "buyers"],
            "actual": [120.0, 80.0, 50.0, 10.0],
            "target": [100.0, 100.0, 40.0, np.nan],
            # refunds: less is better, so attainment = 40 / 50
            "attainment": [1.2, 0.8, 0.8, np.nan],
            "gap": [20.0, -20.0, 10.0, np.nan],
            "projected": [np.nan, 95.0, np.nan, np.nan],
            "projected_attainment": [np.nan, 0.95, np.nan, np.nan],
            # orders judged on the projection (0.95 ≥ 0.9): at risk, not missed
            "status": ["met", "at_risk", "missed", "not_set"],
        }
    ).astype({"kpi": "str", "status": "str"})
    pdt.assert_frame_equal(table, expected)


def test_assessment_table_defaults_to_kpis_with_targets():
    table = assessment_table(pd.DataFrame({"orders": [5]}), {"orders": 5, "buyers": None})
    assert table["kpi"].tolist() == ["orders"]
    assert table["status"].tolist() == ["met"]


def test_price_cost_anomalies_every_issue():
    products = pd.DataFrame(
        {
            "sku": ["a", "b", "c", "d", "e"],
            "title": ["A", "B", "C", "D", "E"],
            "category": ["x"] * 5,
            "status": ["listed", "listed", "listed", "listed", "delisted"],
            "price": [10.0, 20.0, 30.0, 40.0, 1.0],
            "unit_cost": [10.0, 8.0, np.nan, 10.0, 5.0],
        }
    )
    items = pd.DataFrame(
        {
            "sku": ["b", "b", "d", "d"],
            "unit_price": [7.0, 7.0, 40.0, 41.0],
            "unit_cost": [8.0, 8.0, 10.0, 10.0],
        }
    )
    out = price_cost_anomalies(products, items)
    figures = ["list_margin", "lines_below_cost", "price_deviation_pct"]
    # a: cost = price → margin 0; b: two lines sold at 7 < cost 8, median 7 vs list 20 → −0.65;
    # c: no cost; e is delisted and not inspected. Each issue fills its own column.
    expected = pd.DataFrame(
        {
            "sku": ["a", "b", "b", "c"],
            "issue": [
                "cost_at_or_above_price",
                "sold_below_cost",
                "price_deviates",
                "missing_cost",
            ],
            "list_margin": [0.0, np.nan, np.nan, np.nan],
            "lines_below_cost": [np.nan, 2.0, np.nan, np.nan],
            "price_deviation_pct": [np.nan, np.nan, -0.65, np.nan],
        }
    ).astype({"sku": "str", "issue": "str"})
    got = out[["sku", "issue", *figures]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got.round(4), expected)


def test_price_cost_anomalies_sells_at_list_price_less_the_line_discount():
    products = pd.DataFrame(
        {"sku": ["a"], "title": ["A"], "status": ["listed"], "price": [20.0], "unit_cost": [9.0]}
    )
    items = pd.DataFrame(
        {
            "sku": ["a", "a"],
            "quantity": [2, 1],
            "unit_price": [20.0, 20.0],  # list price
            "discount_amount": [24.0, 0.0],  # line 1 sells at 20 − 24 / 2 = 8 < cost 9
            "unit_cost": [9.0, 9.0],
        }
    )
    out = price_cost_anomalies(products, items)
    # selling prices 8 and 20: median 14, 14 / 20 − 1 = −0.3 is within the 0.5 deviation
    assert list(zip(out["issue"], out["lines_below_cost"], strict=True)) == [
        ("sold_below_cost", 1.0)
    ]


def test_price_cost_anomalies_without_cost_column_lists_missing_cost_only():
    products = pd.DataFrame({"sku": ["a"], "title": ["A"], "status": ["listed"], "price": [3.0]})
    out = price_cost_anomalies(products)
    assert out["issue"].tolist() == ["missing_cost"]


@pytest.fixture
def facts():
    return pd.DataFrame(
        {
            "store_id": ["a", "a", "b", "c"],
            "date": pd.to_datetime(["2025-11-01", "2025-11-02", "2025-11-01", "2025-11-02"]),
            "orders": [2, 3, 4, 1],
            "paid_amount": [20.0, 30.0, 40.0, 5.0],
            "refund_amount": [0.0, 10.0, 0.0, 0.0],
            "net_sales": [20.0, 20.0, 40.0, 5.0],
            "cost_amount": [10.0, 10.0, 30.0, np.nan],
            "gross_profit": [10.0, 10.0, 10.0, np.nan],
        }
    )


def test_store_comparison_hand_computed(facts):
    stores = pd.DataFrame(
        {
            "store_id": ["a", "b", "c", "d"],
            "name": ["A", "B", "C", "D"],
            "currency": ["CNY", "CNY", "USD", "EUR"],
        }
    )
    previous = facts.assign(paid_amount=[10.0, 15.0, 40.0, 10.0])
    out = store_comparison(facts, stores, previous=previous)
    assert out["store_id"].tolist() == ["a", "b", "c", "d"]  # 50, 40, 5, 0
    assert out["orders"].tolist() == [5, 4, 1, 0]
    assert out["days"].tolist() == [2, 1, 1, 0]
    np.testing.assert_allclose(out["gross_margin"], [0.5, 0.25, np.nan, np.nan])
    np.testing.assert_allclose(
        out["paid_amount_change_pct"], [50 / 25 - 1, 0.0, 5 / 10 - 1, np.nan]
    )
    assert out["rank"].tolist() == [1, 2, 3, 4]
    assert not out["outlier"].any()  # fewer than 5 stores: nobody is an outlier


def test_store_comparison_flags_an_outlier():
    stores = pd.DataFrame(
        {"store_id": list("abcdef"), "name": list("ABCDEF"), "currency": ["CNY"] * 6}
    )
    days = pd.to_datetime(["2025-11-01"] * 6)
    base = dict(
        store_id=list("abcdef"),
        date=days,
        orders=[1] * 6,
        refund_amount=[0.0] * 6,
        cost_amount=[0.0] * 6,
    )
    now = pd.DataFrame(
        base
        | {
            "paid_amount": [100.0, 102, 98, 101, 99, 10],
            "net_sales": [1.0] * 6,
            "gross_profit": [1.0] * 6,
        }
    )
    before = now.assign(paid_amount=[100.0] * 6)
    out = store_comparison(now, stores, previous=before)
    assert out.loc[out["outlier"], "store_id"].tolist() == ["f"]


def test_to_reporting_currency_uses_latest_earlier_rate(facts):
    stores = pd.DataFrame({"store_id": ["a", "b", "c"], "currency": ["CNY", "CNY", "USD"]})
    rates = pd.DataFrame(
        {"date": pd.to_datetime(["2025-10-31"]), "currency": ["USD"], "rate": [7.0]}
    )
    out = to_reporting_currency(facts, stores, rates, reporting_currency="CNY")
    assert out["paid_amount"].tolist() == [20.0 + 30.0 + 40.0 + 5.0 * 7.0]
    assert out["rate_coverage"].tolist() == [1.0]
    per_currency = to_reporting_currency(facts, stores, None, reporting_currency="CNY")
    assert per_currency["currency"].tolist() == ["CNY", "USD"]
    assert per_currency["paid_amount"].tolist() == [90.0, 5.0]


@pytest.mark.parametrize("reporting_currency", [None, "CNY"])
def test_unknown_costs_stay_unknown_in_currency_totals(reporting_currency):
    """A portfolio without cost data has no gross profit (NaN), not a profit of 0."""
    stores = pd.DataFrame({"store_id": ["a"], "currency": ["CNY"]})
    facts = pd.DataFrame(
        {
            "store_id": ["a", "a"],
            "date": pd.to_datetime(["2025-11-01", "2025-11-02"]),
            "orders": [2, 1],
            "paid_amount": [20.0, 10.0],
            "net_sales": [20.0, 10.0],
            "gross_profit": [np.nan, np.nan],
        }
    )
    rates = pd.DataFrame(
        {"date": pd.to_datetime(["2025-11-01"]), "currency": ["CNY"], "rate": [1.0]}
    )
    out = to_reporting_currency(facts, stores, rates, reporting_currency=reporting_currency)
    assert out["paid_amount"].tolist() == [30.0]
    assert out["gross_profit"].isna().all()


def test_store_comparison_ranks_by_orders_across_currencies():
    """¥50 and $80 do not compare: with several currencies the rank goes by paid orders;
    with one currency by paid amount."""
    facts = pd.DataFrame(
        {
            "store_id": ["a", "b"],
            "date": pd.to_datetime(["2025-11-01", "2025-11-01"]),
            "orders": [5, 1],
            "paid_amount": [50.0, 80.0],
            "refund_amount": [0.0, 0.0],
            "net_sales": [50.0, 80.0],
            "cost_amount": [10.0, 40.0],
            "gross_profit": [40.0, 40.0],
        }
    )
    stores = pd.DataFrame({"store_id": ["a", "b"], "name": ["A", "B"], "currency": ["CNY", "USD"]})
    mixed = store_comparison(facts, stores)
    assert mixed[["store_id", "rank"]].values.tolist() == [["a", 1], ["b", 2]]
    one = store_comparison(facts, stores.assign(currency="CNY"))
    assert one[["store_id", "rank"]].values.tolist() == [["b", 1], ["a", 2]]
