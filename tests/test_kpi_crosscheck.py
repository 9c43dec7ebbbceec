"""Each notebook's metrics.json KPIs equal what the metric functions give on the same data.

The records come from the session's shared batch run (the ``batch`` fixture of conftest.py:
every notebook for shop01 and the portfolio on the test sample); the expected values are
computed here, straight from the sample, with the public metric functions of DESIGN §5:
``sales_summary`` at the period's frequency over the store's history, ``traffic_summary``
and ``conversion_funnel`` over the period's traffic, ``campaign_summary`` for a campaign, the
``ad_spend`` table for channel spend, ``dsr_summary`` for the month's reviews.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ecanalysis.metrics import campaigns as campaign_metrics
from ecanalysis.metrics import funnel, reviews, traffic
from ecanalysis.metrics.orders import sales_summary
from ecanalysis.periods import parse_period

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

STORE = "shop01"
SALES_KPIS = ["orders", "paid_amount", "buyers", "new_buyers", "aov", "revenue_per_buyer"]
#: The sales_summary frequency of each notebook's period.
FREQ = {
    "daily_report": "D",
    "store_inspection": "D",
    "weekly_review": "W",
    "monthly_assessment": "MS",
    "customer_health": "MS",
    "channel_efficiency": "MS",
}


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-9, nan_ok=True)


@pytest.fixture(scope="module")
def runs(batch):
    """``{notebook: metrics.json}`` of the shared batch (all ok, or the test fails)."""
    code, out = batch
    found = {}
    for path in Path(out).glob("*/*/*/metrics.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        found[record["notebook"]] = record
    assert code == 0, {n: r["alerts"] for n, r in found.items() if r["status"] != "ok"}
    return found


def period_of(record, dataset, store_id=STORE):
    stores = dataset.stores().set_index("store_id")
    return parse_period(record["period"]["label"], stores.loc[store_id, "timezone"])


def expected_sales(dataset, period, freq, store_id=STORE) -> pd.Series:
    """``sales_summary`` of the store's history (new buyers need it), the period's row."""
    history = dataset.table("orders", store_id=store_id, until=period)
    summary = sales_summary(history, freq=freq)
    row = summary[summary["period_start"] == pd.Timestamp(period.first_day)]
    assert len(row) == 1, f"{period.label} has no {freq} row"
    return row.iloc[0]


@pytest.mark.parametrize("notebook", sorted(FREQ))
def test_sales_kpis_match_sales_summary(runs, dataset, notebook):
    record = runs[notebook]
    period = period_of(record, dataset)
    expected = expected_sales(dataset, period, FREQ[notebook])
    for kpi in SALES_KPIS:
        assert record["kpis"][kpi] == approx(float(expected[kpi])), f"{notebook}: {kpi}"


@pytest.mark.parametrize("notebook", ["daily_report", "weekly_review", "monthly_assessment"])
def test_margin_and_refunds_match_sales_summary(runs, dataset, notebook):
    record = runs[notebook]
    expected = expected_sales(dataset, period_of(record, dataset), FREQ[notebook])
    for kpi in ["net_sales", "refund_amount", "gross_margin", "placed_orders", "valid_orders"]:
        assert record["kpis"][kpi] == approx(float(expected[kpi])), f"{notebook}: {kpi}"


def test_daily_traffic_and_funnel_match(runs, dataset):
    record = runs["daily_report"]
    period = period_of(record, dataset)
    day_traffic = dataset.table("traffic", store_id=STORE, period=period)
    day_orders = dataset.table("orders", store_id=STORE, period=period)
    summary = traffic.traffic_summary(day_traffic).iloc[0]
    for kpi in ["visitors", "pageviews", "sessions", "bounce_rate", "new_visitor_share"]:
        assert record["kpis"][kpi] == approx(float(summary[kpi])), kpi
    conversion = funnel.conversion_funnel(day_traffic, day_orders).iloc[0]
    for kpi in ["order_conversion_rate", "payment_conversion_rate"]:
        assert record["kpis"][kpi] == approx(float(conversion[kpi])), kpi


def test_monthly_conversion_and_dsr_match(runs, dataset):
    record = runs["monthly_assessment"]
    period = period_of(record, dataset)
    month_traffic = dataset.table("traffic", store_id=STORE, period=period)
    month_orders = dataset.table("orders", store_id=STORE, period=period)
    conversion = funnel.conversion_funnel(month_traffic, month_orders, freq="MS").iloc[0]
    assert record["kpis"]["payment_conversion_rate"] == approx(
        float(conversion["payment_conversion_rate"])
    )
    month_reviews = dataset.table("reviews", store_id=STORE, period=period)
    for _, row in reviews.dsr_summary(month_reviews).iterrows():
        assert record["kpis"][f"dsr_{row['dimension']}"] == approx(float(row["score"]))


def test_channel_spend_matches_the_ad_spend_table(runs, dataset):
    record = runs["channel_efficiency"]
    spend = dataset.table("ad_spend", store_id=STORE, period=period_of(record, dataset))
    assert record["kpis"]["spend"] == approx(float(spend["spend"].sum()))


def test_campaign_kpis_match_campaign_summary(runs, dataset):
    record = runs["campaign_review"]
    campaign_id = record["parameters"]["campaign_id"]
    campaigns = dataset.table("campaigns", store_id=STORE)
    summary = campaign_metrics.campaign_summary(
        campaigns[campaigns["campaign_id"] == campaign_id],
        dataset.table("orders", store_id=STORE),
        dataset.table("ad_spend", store_id=STORE),
    ).iloc[0]
    for kpi in ["orders", "buyers", "new_buyers", "paid_amount", "spend", "roas"]:
        assert record["kpis"][kpi] == approx(float(summary[kpi])), kpi


def test_portfolio_totals_match_each_stores_sales_summary(runs, dataset):
    record = runs["portfolio_overview"]
    stores = dataset.stores()
    rows = {
        store_id: expected_sales(dataset, period_of(record, dataset, store_id), "MS", store_id)
        for store_id in stores["store_id"]
    }
    assert record["kpis"]["stores"] == len(stores)
    assert record["kpis"]["orders"] == sum(int(row["orders"]) for row in rows.values())
    for currency, group in stores.groupby("currency"):
        paid = sum(float(rows[s]["paid_amount"]) for s in group["store_id"])
        assert record["kpis"][f"paid_amount_{currency}"] == approx(paid), currency
