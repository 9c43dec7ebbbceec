"""Portfolio totals in one reporting currency (``fx_rates``, ``reporting_currency``), or per
currency when there are no rates: ``metrics.portfolio.to_reporting_currency`` and the
``portfolio_overview`` notebook on a dataset of imported stores in USD and CNY."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecanalysis.cli import main
from ecanalysis.metrics.portfolio import to_reporting_currency

DATA = Path(__file__).parent / "data" / "importers"


def read_table(path, *names, lang="zh"):
    """A record's ``tables/*.csv`` with the labelled headers of ``names`` (the report shows
    labels in its language) renamed back to the machine names."""
    import pandas as pd

    from ecanalysis.labels import label

    frame = pd.read_csv(path, encoding="utf-8-sig")
    return frame.rename(columns={label(n, lang): n for n in names})


@pytest.fixture
def two_currencies():
    stores = pd.DataFrame({"store_id": ["cn", "us"], "currency": ["CNY", "USD"]})
    facts = pd.DataFrame(
        {
            "store_id": ["cn", "us", "us"],
            "date": pd.to_datetime(["2025-11-01", "2025-11-01", "2025-11-03"]).astype(
                "datetime64[us]"
            ),
            "orders": [2, 1, 4],
            "paid_amount": [20.0, 10.0, 3.0],
            "net_sales": [18.0, 10.0, 3.0],
            "gross_profit": [5.0, 4.0, 1.0],
        }
    )
    return facts, stores


@pytest.mark.parametrize(
    "rate_dates",
    [
        pd.to_datetime(["2025-11-02"]),
        pd.to_datetime(["2025-11-02"]).astype("datetime64[s]"),
        [dt.date(2025, 11, 2)],  # date32 from Parquet
    ],
    ids=["ns", "s", "date"],
)
def test_days_before_the_first_rate_are_left_out_and_counted(two_currencies, rate_dates):
    facts, stores = two_currencies
    rates = pd.DataFrame({"date": rate_dates, "currency": ["USD"], "rate": [7.0]})
    out = to_reporting_currency(facts, stores, rates, reporting_currency="CNY")
    # CNY needs no rate; USD on 11-01 has no rate on or before it (left out), on 11-03 the
    # 11-02 rate applies: paid 20 + 3 × 7 = 41, net 18 + 21 = 39, profit 5 + 7 = 12;
    # 2 of 3 store-days had a rate.
    expected = pd.DataFrame(
        {
            "currency": pd.Series(["CNY"], dtype="str"),
            "stores": np.array([2], dtype="int64"),
            "orders": np.array([7], dtype="int64"),
            "paid_amount": [41.0],
            "net_sales": [39.0],
            "gross_profit": [12.0],
            "rate_coverage": [2 / 3],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


@pytest.mark.parametrize("reporting_currency", [None, "CNY"])
def test_without_rates_or_reporting_currency_totals_stay_per_currency(
    two_currencies, reporting_currency
):
    facts, stores = two_currencies
    rates = pd.DataFrame(
        {"date": pd.to_datetime(["2025-10-01"]), "currency": ["USD"], "rate": [7.0]}
    )
    given = None if reporting_currency else rates  # rates but no currency, or the reverse
    out = to_reporting_currency(facts, stores, given, reporting_currency=reporting_currency)
    expected = pd.DataFrame(
        {
            "currency": pd.Series(["CNY", "USD"], dtype="str"),
            "stores": np.array([1, 1], dtype="int64"),
            "orders": np.array([2, 5], dtype="int64"),
            "paid_amount": [20.0, 13.0],
            "net_sales": [18.0, 13.0],
            "gross_profit": [5.0, 5.0],
            "rate_coverage": [np.nan, np.nan],  # no rate used: nothing to cover
        }
    )
    pd.testing.assert_frame_equal(out, expected)


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_portfolio_overview_totals_in_one_currency_only_with_rates(tmp_path, capsys):
    data = tmp_path / "data"
    for platform, name, store_id, zone in [
        ("shopify", "shopify_orders.csv", "us1", "America/New_York"),
        ("taobao", "taobao_orders.csv", "cn1", "Asia/Shanghai"),
    ]:
        argv = ["import", platform, str(DATA / name), "--store-id", store_id]
        assert main([*argv, "--timezone", zone, "--out", str(data)]) == 0

    def run(out: Path, *extra: str) -> dict:
        argv = ["run", "portfolio_overview", "--store-id", "all", "--period", "2025-11"]
        assert main([*argv, "--data", str(data), "--out", str(out), *extra]) == 0
        record = out / "portfolio_overview" / "all" / "2025-11"
        totals = read_table(
            record / "tables" / "totals.csv",
            "currency",
            "orders",
            "paid_amount",
            "net_sales",
            "rate_coverage",
        )
        return json.loads((record / "metrics.json").read_text()), totals

    # Paid orders of November (paid_at):
    #   USD us1: 1001 54 + 1002 27 + 1005 55 + 1007 15 + 1008 66 + 1009 20 + 1010 30 = 267,
    #            refunds 10 (1005) → net 257
    #   CNY cn1: 501 1279 + 502 209 + 504 1099 + 505 100 = 2687, refunds 209 → net 2478
    metrics, totals = run(tmp_path / "no_rates")
    assert totals[["currency", "orders", "paid_amount", "net_sales"]].to_dict("records") == [
        {"currency": "CNY", "orders": 4, "paid_amount": 2687.0, "net_sales": 2478.0},
        {"currency": "USD", "orders": 7, "paid_amount": 267.0, "net_sales": 257.0},
    ]
    assert "paid_amount" not in metrics["kpis"]
    assert metrics["kpis"]["paid_amount_USD"] == 267.0
    assert metrics["currency"] is None, "totals per currency: the record has no one currency"
    assert totals["rate_coverage"].isna().all(), "no rate used: nothing to cover"
    html = (tmp_path / "no_rates/portfolio_overview/all/2025-11/report.html").read_text()
    assert "币种：各店铺自身币种（CNY, USD）" in html and "币种：CNY" not in html

    rates = {"date": [dt.date(2025, 10, 31)], "currency": ["USD"], "rate": [7.1]}
    schema = pa.schema([("date", pa.date32()), ("currency", pa.string()), ("rate", pa.float64())])
    pq.write_table(pa.table(rates, schema=schema), data / "fx_rates.parquet")
    assert main(["validate", str(data)]) == 0
    capsys.readouterr()
    metrics, totals = run(tmp_path / "rates")
    # 2687 + 267 × 7.1 = 4582.7; 2478 + 257 × 7.1 = 4302.7
    assert totals["currency"].tolist() == ["CNY"]
    assert totals["paid_amount"].tolist() == pytest.approx([4582.7])
    assert totals["net_sales"].tolist() == pytest.approx([4302.7])
    assert totals["rate_coverage"].tolist() == [1.0]
    assert metrics["kpis"]["paid_amount"] == pytest.approx(4582.7)
    assert metrics["parameters"]["reporting_currency"] == "CNY"
    assert metrics["currency"] == "CNY"


def test_each_store_converted_at_its_days_rates_and_the_stores_add_up(two_currencies):
    """Issue 15: the portfolio ranking draws the converted amount of each store."""
    from ecanalysis.metrics.portfolio import reporting_currency_by_store

    facts, stores = two_currencies
    rates = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-01", "2025-11-03"]),
            "currency": "USD",
            "rate": [7.0, 7.5],
        }
    )
    by_store = reporting_currency_by_store(facts, stores, rates, reporting_currency="CNY")
    # cn: 20 CNY as is; us: 10 USD × 7.0 on the 1st + 3 USD × 7.5 on the 3rd = 92.5 CNY
    assert by_store["store_id"].tolist() == ["cn", "us"]
    assert by_store["currency"].tolist() == ["CNY", "CNY"]
    assert by_store["paid_amount"].tolist() == [20.0, 92.5]
    total = to_reporting_currency(facts, stores, rates, reporting_currency="CNY")
    assert by_store["paid_amount"].sum() == pytest.approx(total["paid_amount"].iloc[0])
    own = reporting_currency_by_store(facts, stores, None, reporting_currency="CNY")
    assert own["currency"].tolist() == ["CNY", "USD"]  # no rates: each store's own currency
    assert own["paid_amount"].tolist() == [20.0, 13.0]
