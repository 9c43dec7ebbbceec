"""Profit after marketing in the reports (issue 16): the contribution-margin identity on a
report's record, a report without costs, the window function beside the per-period one, the
campaign and cohort payback tables, and targets on the profit KPIs."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ecanalysis.metrics import profit
from ecanalysis.metrics.orders import period_summary
from ecanalysis.metrics.targets import LOWER_IS_BETTER, assessment_table
from ecanalysis.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
STORE, DAY = "shop01", "2025-11-30"
PROFIT_KPIS = [
    "ad_spend",
    "cm2",
    "contribution_margin",
    "contribution_margin_rate",
    "breakeven_roas",
    "mer",
    "ncac",
]


def _record(runs: Path, notebook: str, period: str, *, lang: str | None = None) -> dict:
    """metrics.json of a record (``metrics.<lang>.json``: a second-language record)."""
    name = "metrics.json" if lang is None else f"metrics.{lang}.json"
    return json.loads((runs / notebook / STORE / period / name).read_text("utf-8"))


def _sample_spend(sample_dir: Path, day: str) -> float:
    spend = pd.read_parquet(sample_dir / "ad_spend.parquet")
    rows = spend[(spend["store_id"] == STORE) & (spend["date"] == pd.Timestamp(day))]
    return float(rows["spend"].sum())


def _paid_orders_of(sample_dir: Path, day: str) -> pd.DataFrame:
    """The store's orders paid on the local ``day`` (paid_at present, not cancelled)."""
    orders = pd.read_parquet(sample_dir / "orders.parquet")
    orders = orders[orders["store_id"] == STORE]
    paid_at = pd.to_datetime(orders["paid_at"])
    if isinstance(paid_at.dtype, pd.DatetimeTZDtype):
        paid_at = paid_at.dt.tz_localize(None)  # its wall time, the store's local day
    on_day = paid_at.dt.normalize() == pd.Timestamp(day)
    return orders[on_day & (orders["status"] != "cancelled")]


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_cm3_identity_on_the_daily_report_record(batch, sample_dir):
    code, runs = batch
    assert code == 0
    kpis = _record(runs, "daily_report", DAY)["kpis"]
    costs = yaml.safe_load((ROOT / "params" / "stores" / f"{STORE}.yaml").read_text())["costs"]
    fees = kpis["paid_amount"] * costs["payment_fee_rate"]
    commission = kpis["paid_amount"] * costs["commission_rate"]
    other = kpis["paid_amount"] * costs["other_variable_rate"]
    paid = _paid_orders_of(sample_dir, DAY)
    assert len(paid) == kpis["orders"]
    per_order = paid.get("shipping_cost", pd.Series(float("nan"), index=paid.index))
    fulfilment = per_order.fillna(costs["fulfilment_cost_per_order"]).sum()
    spend = _sample_spend(sample_dir, DAY)
    assert spend > 0 and kpis["ad_spend"] == pytest.approx(spend)
    expected = kpis["net_sales"] - kpis["cost_amount"] - fees - commission - other - fulfilment
    assert kpis["cm1"] == pytest.approx(kpis["gross_profit"])
    assert kpis["cm2"] == pytest.approx(expected)
    assert kpis["contribution_margin"] == pytest.approx(expected - spend)
    assert kpis["contribution_margin_rate"] == pytest.approx(
        kpis["contribution_margin"] / kpis["net_sales"]
    )
    assert kpis["breakeven_roas"] == pytest.approx(kpis["paid_amount"] / kpis["cm2"])
    assert kpis["mer"] == pytest.approx(kpis["paid_amount"] / spend)
    assert kpis["ncac"] == pytest.approx(spend / kpis["new_buyers"])


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_the_four_reports_carry_the_profit_kpis_with_comparisons(batch):
    _, runs = batch
    for notebook, period in [
        ("daily_report", DAY),
        ("weekly_review", "2025-W48"),
        ("monthly_assessment", "2025-11"),
        ("channel_efficiency", "2025-11"),
    ]:
        record = _record(runs, notebook, period)
        for name in PROFIT_KPIS:
            assert record["kpis"][name] is not None, (notebook, name)
            assert record["comparisons"][name]["previous"] is not None, (notebook, name)


@pytest.fixture
def params_without_costs(tmp_path):
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params", params)
    path = params / "stores" / f"{STORE}.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings.pop("costs")
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return params


@pytest.mark.slow
def test_a_report_without_costs_says_so_once_and_still_writes_cm1(
    sample_dir, params_without_costs, tmp_path
):
    from ecanalysis.cli import main

    out = tmp_path / "runs"
    args = ["run", "daily_report", "--store-id", STORE, "--period", DAY]
    args += ["--data", str(sample_dir), "--params", str(params_without_costs), "--out", str(out)]
    assert main([*args, "-p", "lang", "en"]) == 0
    record = _record(out, "daily_report", DAY, lang="en")
    kpis = record["kpis"]
    assert kpis["cm1"] == pytest.approx(kpis["gross_profit"]) and kpis["cm1"] is not None
    for unknown in ["cm2", "contribution_margin", "contribution_margin_rate", "breakeven_roas"]:
        assert kpis[unknown] is None, unknown  # never a made-up default margin
    assert kpis["ad_spend"] == pytest.approx(_sample_spend(sample_dir, DAY))
    assert kpis["mer"] is not None and kpis["ncac"] is not None
    said = [a for a in record["alerts"] if "Costs not set" in a["message"]]
    assert len(said) == 1 and said[0]["level"] == "info"
    assert (
        "payment_fee_rate, commission_rate, other_variable_rate, fulfilment_cost_per_order"
        in said[0]["message"]
    )
    html = next((out / "daily_report" / STORE / DAY).glob("*.html")).read_text("utf-8")
    assert "Costs not set" in html


def _orders_and_spend(dataset):
    return dataset.table("orders", store_id=STORE), dataset.table("ad_spend", store_id=STORE)


@pytest.mark.parametrize(("label", "freq"), [("2025-11-30", "D"), ("2025-W48", "W")])
def test_the_window_equals_the_period_row_and_the_reports_gross_profit(dataset, label, freq):
    orders, spend = _orders_and_spend(dataset)
    period = parse_period(label, "Asia/Shanghai")
    costs = {"payment_fee_rate": 0.006, "commission_rate": 0.04, "other_variable_rate": 0.01}
    costs["fulfilment_cost_per_order"] = 12.0
    window = profit.period_contribution(
        orders, spend, costs=costs, start=period.start, end=period.end
    )
    per_period = profit.contribution_margin(orders, spend, costs=costs, freq=freq)
    row = period.rows(per_period, "period_start")
    pd.testing.assert_frame_equal(window, row, check_exact=False, rtol=1e-12)
    summary = period_summary(orders, start=period.start, end=period.end)
    assert window["cm1"].iloc[0] == pytest.approx(summary["gross_profit"].iloc[0])


def test_a_window_without_spend_rows_has_zero_spend_and_unknown_spend_stays_unknown(dataset):
    orders, spend = _orders_and_spend(dataset)
    costs = dict.fromkeys(["payment_fee_rate", "commission_rate", "other_variable_rate"], 0.0)
    costs["fulfilment_cost_per_order"] = 0.0
    no_rows = spend.iloc[:0]
    known = profit.period_contribution(
        orders, no_rows, costs=costs, start="2025-11-30", end="2025-12-01"
    )
    assert known["ad_spend"].iloc[0] == 0.0 and math.isnan(known["mer"].iloc[0])
    assert known["contribution_margin"].iloc[0] == pytest.approx(known["cm1"].iloc[0])
    unknown = profit.period_contribution(
        orders, None, costs=costs, start="2025-11-30", end="2025-12-01"
    )
    assert math.isnan(unknown["ad_spend"].iloc[0])
    assert math.isnan(unknown["contribution_margin"].iloc[0])


def _campaign_orders() -> pd.DataFrame:
    # "old" bought before the campaign; a and b are its new buyers (first order on 11-11);
    # b's December order is refunded in part.
    return pd.DataFrame(
        {
            "customer_id": ["old", "a", "b", "old", "a", "b"],
            "ordered_at": pd.to_datetime(
                ["2025-10-02", "2025-11-11", "2025-11-11", "2025-11-11", "2026-01-05", "2025-12-01"]
            ),
            "status": "paid",
            "paid_amount": [99.0, 100.0, 50.0, 80.0, 300.0, 40.0],
            "refund_amount": [0.0, 0.0, 0.0, 0.0, 0.0, 10.0],
            "cost_amount": [50.0, 60.0, 30.0, 40.0, 150.0, 20.0],
        }
    )


def test_campaign_payback_counts_only_its_new_buyers_and_finds_the_month():
    table = profit.campaign_payback(
        _campaign_orders(), start="2025-11-10", end="2025-11-12", spend=100.0, value="gross_profit"
    )
    # gross profit per age: Nov (100−60)+(50−30) = 60; Dec (40−10−20) = 10; Jan 300−150 = 150
    assert list(table["age"]) == [0, 1, 2]
    assert list(table["value"]) == [60.0, 10.0, 150.0]
    assert list(table["cumulative_value_per_customer"]) == [30.0, 35.0, 110.0]
    assert set(table["new_buyers"]) == {2} and set(table["cac"]) == {50.0}
    assert set(table["payback_age"]) == {2.0}


def test_campaign_payback_not_yet_and_without_spend():
    orders = _campaign_orders()
    not_yet = profit.campaign_payback(orders, start="2025-11-11", end="2025-11-11", spend=1000.0)
    assert not_yet["payback_age"].isna().all() and set(not_yet["cac"]) == {500.0}
    unknown = profit.campaign_payback(
        orders, start="2025-11-11", end="2025-11-11", spend=float("nan")
    )
    assert unknown["cac"].isna().all() and unknown["payback_age"].isna().all()
    nobody = profit.campaign_payback(orders, start="2025-06-01", end="2025-06-02", spend=10.0)
    assert set(nobody["new_buyers"]) == {0} and nobody["cac"].isna().all()


def test_cohort_payback_is_the_last_observed_row_of_each_cohort():
    orders = _campaign_orders().assign(channel=["ads", "ads", "seo", "ads", "ads", "seo"])
    spend = pd.DataFrame(
        {"date": pd.to_datetime(["2025-11-03"]), "spend": [120.0], "channel": ["ads"]}
    )
    values = profit.cohort_value(orders, value="gross_profit", by="channel", ad_spend=spend)
    table = profit.cohort_payback(values)
    assert list(table.columns) == ["channel", *profit.COHORT_PAYBACK_COLUMNS]
    nov_ads = table[(table["channel"] == "ads") & (table["cohort"] == "2025-11-01")].iloc[0]
    # a: Nov 40, Jan 150 → 190 by age 2, CAC 120 → paid back at age 2
    assert nov_ads["cac"] == 120.0 and nov_ads["age"] == 2
    assert nov_ads["cumulative_value_per_customer"] == 190.0 and nov_ads["payback_age"] == 2.0
    seo = table[table["channel"] == "seo"].iloc[0]
    assert seo["ad_spend"] == 0.0 and seo["cac"] == 0.0 and seo["payback_age"] == 0.0
    empty = profit.cohort_payback(values.iloc[:0])
    assert list(empty.columns) == list(table.columns) and empty.empty


def test_targets_on_the_profit_kpis():
    assert {"ncac", "breakeven_roas"} <= LOWER_IS_BETTER
    actuals = {"ncac": 180.0, "contribution_margin": -50.0, "mer": 6.0, "breakeven_roas": 4.0}
    targets = {"ncac": 150.0, "contribution_margin": -100.0, "mer": 5.0, "breakeven_roas": 5.0}
    table = assessment_table(actuals, targets).set_index("kpi")
    assert table.loc["ncac", "attainment"] == pytest.approx(150 / 180)
    assert table.loc["ncac", "status"] == "missed"
    # a loss of 50 against an allowed loss of 100: met, with no ratio (it would read 0.5)
    assert math.isnan(table.loc["contribution_margin", "attainment"])
    assert table.loc["contribution_margin", "status"] == "met"
    assert table.loc["mer", "status"] == "met"
    assert table.loc["breakeven_roas", "attainment"] == pytest.approx(5 / 4)
    worse = assessment_table({"contribution_margin": -150.0}, {"contribution_margin": 0.0})
    assert worse["status"].iloc[0] == "missed"
