"""The run context (ecanalysis.context) and record (ecanalysis.record) on the test sample:
what they learn of the data and how they record comparisons."""

from __future__ import annotations

import pandas as pd
import pytest

from ecanalysis.context import open_report
from ecanalysis.errors import ParameterError
from ecanalysis.periods import parse_period


def test_a_comparison_with_a_period_before_the_data_is_unknown(sample_report):
    """The sample begins on 2023-12-01: November 2023 had no data, not zero sales, so the
    first month's change against it is unknown (not "▲ 100 %")."""
    _, rec = sample_report("monthly_assessment", "shop01", "2024-01")
    month = pd.DataFrame({"period_start": pd.to_datetime(["2023-12-01"]), "orders": [10]})
    before = pd.DataFrame({"period_start": pd.to_datetime(["2023-11-01"]), "orders": [0]})
    rec.compare_rows(month, before, ["orders"])
    assert rec.comparisons["orders"] == {"previous": None, "change": None, "change_pct": None}
    january = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01"]), "orders": [15]})
    rec.compare_rows(january, month, ["orders"], suffix="_mom")
    assert rec.comparisons["orders_mom"] == {"previous": 10, "change": 5, "change_pct": 0.5}


def test_a_table_of_a_period_before_the_data_keeps_its_columns_and_no_rows(sample_report):
    """2023-W48 (Nov 27 to Dec 3) begins before the sample's first day, 2023-12-01: its
    figures are unknown, and a comparison table must not read them as zeros."""
    ctx, _ = sample_report("weekly_review", "shop01", "2023-W49")
    frame = pd.DataFrame({"period_start": pd.to_datetime(["2023-11-27"]), "orders": [3]})
    before = parse_period("2023-W48", ctx.tz)
    assert not ctx.comparable(before)
    assert ctx.known(frame, before).empty
    assert list(ctx.known(frame, before).columns) == ["period_start", "orders"]
    assert ctx.comparable(ctx.period) and ctx.known(frame, ctx.period) is frame
    assert ctx.no_comparison(before).text == (
        "The comparison period 2023-W48 begins before the store's data (2023-12-01): no comparison."
    )


@pytest.mark.parametrize(("period", "recorded"), [("2025-11-10", True), ("2025-W46", False)])
def test_the_trailing_mean_compares_a_day_only(sample_report, period, recorded):
    """daily_report on a week showed the week's total beside its Monday's change."""
    _, rec = sample_report("daily_report", "shop01", period)
    row = pd.DataFrame({"orders": [120.0], "orders_trailing_mean": [100.0]})
    rec.compare_trailing(row, ["orders"], days=7)
    expected = {"orders_vs_trailing_7d": {"previous": 100.0, "change": 20.0, "change_pct": 0.2}}
    assert rec.comparisons == (expected if recorded else {})


@pytest.mark.parametrize(
    ("notebook", "period", "noted"),
    [
        ("monthly_assessment", "2025-W46", True),
        ("channel_efficiency", "2025-11-30", True),
        ("channel_efficiency", "2025-11", False),
        ("campaign_review", "2025-11-01..2025-11-11", False),
    ],
)
def test_the_header_notes_a_period_of_another_kind(sample_report, notebook, period, noted):
    ctx, rec = sample_report(notebook, "shop01", period)
    ctx.header("title", "title")
    infos = [a["message"] for a in rec.alerts if a["level"] == "info"]
    assert len(infos) == (1 if noted else 0)
    assert all(message.startswith("This report is made for") for message in infos)


def test_the_header_says_a_period_past_the_data_is_partial(sample_report):
    ctx, rec = sample_report("daily_report", "shop01", "2025-12-01")
    ctx.header("title", "title")
    assert not ctx.complete and not rec.to_dict()["period"]["complete"]
    assert [a["level"] for a in rec.alerts] == ["warning"]
    assert "figures are partial" in rec.alerts[0]["message"]


def test_monthly_targets_judge_only_a_calendar_month(sample_report):
    """shop01 has monthly targets: a week is not judged against a month's target."""
    month, _ = sample_report("monthly_assessment", "shop01", "2025-11")
    assert month.targets()["paid_amount"] == 2_600_000
    assert month.targets_note() is None
    week, _ = sample_report("monthly_assessment", "shop01", "2025-W46")
    assert set(week.targets()) == set(month.targets())
    assert all(target is None for target in week.targets().values())
    assert week.targets_note() == (
        "Targets are monthly and 2025-W46 is not a calendar month: "
        "this period is not compared with them."
    )


def test_days_missing_from_the_traffic_export_are_an_alert(sample_with):
    """A day missing from a traffic export (shop01, 2025-11-06) read as fewer visitors
    and a higher conversion, under a coverage note that said the period was complete."""

    def without_a_day(traffic):
        gap = (traffic["store_id"] == "shop01") & (traffic["date"] == pd.Timestamp("2025-11-06"))
        assert gap.any()
        return traffic[~gap]

    data = sample_with(traffic=without_a_day)

    def alerts(store_id: str, period: str) -> list[dict]:
        ctx, rec = open_report("monthly_assessment", store_id=store_id, period=period,
                               data=data, lang="en")  # fmt: skip
        ctx.load("traffic")
        return rec.alerts

    assert alerts("shop01", "2025-11") == [
        {
            "level": "warning",
            "message": "The traffic table lacks 1 day(s) of the period (2025-11-06): their "
            "visitors are not counted, so visitor and conversion figures are not a real change.",
        }
    ]
    assert alerts("shop01", "2025-10") == [] and alerts("shop02", "2025-11") == []


def test_a_notebook_refuses_a_period_before_the_data_as_run_does(sample_dir):
    """An analyst running the notebook directly (JupyterLab, papermill) got an all-zero
    report for a wrong year, which `ecanalysis run` refuses."""
    with pytest.raises(ParameterError) as caught:
        open_report("weekly_review", store_id="shop01", period="2021-W10", data=sample_dir)
    assert str(caught.value).startswith(
        "period 2021-W10 ends before store shop01's data begin (2023-12-01 to 2025-11-30)"
    )


def test_loads_are_cached_and_counted(sample_report):
    ctx, rec = sample_report("daily_report", "shop01", "2025-11-30")
    orders = ctx.load("orders")
    assert ctx.load("orders") is orders
    assert rec.data_rows["orders"] == len(orders) > 0
    assert orders["ordered_at"].max() < pd.Timestamp("2025-12-01")


def test_a_record_without_kpis_is_refused(sample_report):
    _, rec = sample_report("daily_report", "shop01", "2025-11-30")
    with pytest.raises(ParameterError, match="recorded no KPIs"):
        rec.finish()


def test_a_cash_on_delivery_store_reports_placed_not_cancelled_orders(sample_dir, tmp_path):
    """sales_basis: placed (DESIGN §2): every paid-basis figure counts placed, not-cancelled
    orders dated by ordered_at, and every page says so."""
    from ecanalysis.metrics.orders import period_summary

    params = tmp_path / "params"
    (params / "stores").mkdir(parents=True)
    (params / "stores" / "shop01.yaml").write_text("sales_basis: placed\n", encoding="utf-8")
    ctx, rec = open_report(
        "daily_report", store_id="shop01", period="2025-11-30", data=sample_dir, params=params,
        lang="en",
    )  # fmt: skip
    orders = ctx.load("orders")
    day = period_summary(orders, start=ctx.period.start, end=ctx.period.end)
    raw = pd.read_parquet(sample_dir / "orders.parquet")
    raw = raw[raw["store_id"] == "shop01"]
    placed = raw[
        (raw["ordered_at"].dt.date == ctx.period.first_day) & (raw["status"] != "cancelled")
    ]
    assert day["orders"].iloc[0] == len(placed)
    assert day["paid_amount"].iloc[0] == pytest.approx(placed["paid_amount"].sum())
    ctx.header("t", "t")
    assert any("placed basis" in a["message"] for a in rec.alerts)
    assert rec.parameters["sales_basis"] == "placed"


def test_an_unknown_sales_basis_is_refused(tmp_path):
    from ecanalysis.params import load_settings

    (tmp_path / "defaults.yaml").write_text("sales_basis: shipped\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="sales_basis: 'shipped'"):
        load_settings(tmp_path, None)


def test_a_campaign_review_covers_its_campaigns_own_dates(sample_dir):
    """Given --period 2025-11, the review mixed the campaign's 11 days (cards) with the
    month (lift): one window per report, the campaign's."""
    from ecanalysis.context import resolve_period
    from ecanalysis.data import open_dataset

    dataset = open_dataset(sample_dir)
    tz = "Asia/Shanghai"
    own = resolve_period(dataset, "shop01", None, tz, campaign_id="shop01-1111-2025")
    assert own.label == "2025-11-01..2025-11-11"
    same = resolve_period(dataset, "shop01", own.label, tz, campaign_id="shop01-1111-2025")
    assert same.label == own.label
    with pytest.raises(ParameterError, match="covers its campaign's own dates"):
        resolve_period(dataset, "shop01", "2025-11", tz, campaign_id="shop01-1111-2025")


def test_refunds_of_the_refunds_table_date_the_orders_refunds(sample_with):
    """DESIGN §2: rows of the refunds table define an order's refunds and their dates (the
    money went back on 2025-11-20, not on the payment day)."""
    data = sample_with(orders=lambda frame: frame)  # a folder of links, refunds added below
    raw = pd.read_parquet(data / "orders.parquet")
    paid = raw[(raw["store_id"] == "shop01") & raw["paid_at"].notna() & (raw["refund_amount"] == 0)]
    order = paid.iloc[0]
    refunds = pd.DataFrame(
        {
            "refund_id": ["r1", "r2"],
            "store_id": ["shop01", "shop01"],
            "order_id": [order["order_id"]] * 2,
            "amount": [1.5, 2.0],
            "refunded_at": pd.to_datetime(["2025-11-19 10:00", "2025-11-20 09:00"]),
        }
    )
    refunds.to_parquet(data / "refunds.parquet", index=False)
    ctx, _ = open_report("daily_report", store_id="shop01", period="2025-11-30", data=data)
    loaded = ctx.load("orders").set_index("order_id").loc[order["order_id"]]
    assert loaded["refund_amount"] == 3.5
    assert loaded["refunded_at"] == pd.Timestamp("2025-11-20 09:00")


def test_a_store_without_a_campaigns_table_reviews_the_platform_festivals(sample_dir, tmp_path):
    """Imported exports hold no campaigns table: campaign_review reviews 双11 from the
    built-in calendar instead of failing with 'table absent'."""
    from ecanalysis.context import find_campaign, store_campaigns
    from ecanalysis.data import open_dataset

    data = tmp_path / "data"
    data.mkdir()
    for path in sample_dir.iterdir():
        if path.stem != "campaigns":
            (data / path.name).symlink_to(path)
    dataset = open_dataset(data)
    campaigns = store_campaigns(dataset, "shop01")
    assert {"double_11-2025", "618-2025"} <= set(campaigns["campaign_id"])
    latest = find_campaign(dataset, "shop01", "latest")
    assert latest["campaign_id"] == "double_11-2025"
    assert (latest["start"].date().isoformat(), latest["end"].date().isoformat()) == (
        "2025-11-01",
        "2025-11-11",
    )
    ctx, rec = open_report(
        "campaign_review", store_id="shop01", period=None, data=data, campaign_id="latest",
        lang="en",
    )  # fmt: skip
    assert ctx.period.label == "2025-11-01..2025-11-11"
    assert ctx.campaign("latest")["source"] == "calendar"
    assert rec.alerts and "platform festival" in rec.alerts[0]["message"]


def test_a_store_with_its_own_campaigns_is_not_told_about_the_calendar(sample_report):
    ctx, rec = sample_report("campaign_review", "shop01", "2025-11-01..2025-11-11")
    assert ctx.campaign("shop01-1111-2025")["campaign_id"] == "shop01-1111-2025"
    assert rec.alerts == []
