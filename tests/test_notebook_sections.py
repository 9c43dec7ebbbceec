"""Sections that cannot show their figures say why and the report stays ok.

The notebooks run in this process (``engine="inprocess"``), so a metric can be made to fail
with monkeypatch: a CLV fit that does not converge gives a note in customer_health, not a
failed report; a store without a params file gets its assessment table with every target
"not set".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ecanalysis.metrics import clv
from ecanalysis.runner import RunSpec, run_notebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

PROJECT_PARAMS = Path(__file__).resolve().parent.parent / "params"


def read_table(path, *names, lang="zh"):
    """A record's ``tables/*.csv`` with the labelled headers of ``names`` (the report shows
    labels in its language) renamed back to the machine names."""
    import pandas as pd

    from ecanalysis.labels import label

    frame = pd.read_csv(path, encoding="utf-8-sig")
    return frame.rename(columns={label(n, lang): n for n in names})


def run(notebook, sample_dir, out, **kwargs):
    """``(metrics.json, report.html)`` of shop01's report for 2025-11 (or ``period=``)."""
    record, html, _ = run_in(notebook, sample_dir, out, **kwargs)
    return record, html


def run_in(notebook, sample_dir, out, *, period="2025-11", **kwargs):
    """:func:`run`, and the record's folder too (for its tables)."""
    spec = RunSpec(
        notebook, "shop01", period, str(sample_dir), out=str(out), engine="inprocess", **kwargs
    )
    result = run_notebook(spec)
    folder = Path(result.record_dir)
    error = (folder / "error.txt").read_text() if (folder / "error.txt").exists() else ""
    assert result.status == "ok", error
    # a report in another language than the store's is a second record beside the first
    suffix = f".{result.lang}" if getattr(result, "lang", None) else ""
    record = json.loads((folder / f"metrics{suffix}.json").read_text(encoding="utf-8"))
    return record, (folder / f"report{suffix}.html").read_text(encoding="utf-8"), folder


def test_clv_that_does_not_converge_is_a_note(sample_dir, tmp_path, monkeypatch):
    def no_convergence(rfm, **kwargs):
        raise clv.ConvergenceError("BG/NBD likelihood did not converge (test)")

    monkeypatch.setattr(clv, "fit_bgnbd", no_convergence)
    record, html = run("customer_health", sample_dir, tmp_path)
    assert "expected_clv_mean" not in record["kpis"]
    assert record["kpis"]["repeat_rate"] is not None, "the other sections still report"
    assert "CLV 模型未能拟合" in html and "did not converge (test)" in html
    assert any("CLV" in alert["message"] for alert in record["alerts"])


def test_store_without_params_file_shows_targets_not_set(sample_dir, tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(PROJECT_PARAMS / "defaults.yaml", params / "defaults.yaml")
    record, html = run("monthly_assessment", sample_dir, tmp_path / "runs", params=str(params))
    assert not any(k.endswith("_attainment") for k in record["kpis"])
    assert "未设目标" in html and "本店未设置月度目标" in html


def test_store_with_targets_shows_attainment(sample_dir, tmp_path):
    record, html = run("monthly_assessment", sample_dir, tmp_path, params=str(PROJECT_PARAMS))
    assert "本店未设置月度目标" not in html
    targets = {"paid_amount": 2_600_000, "orders": 4000}  # params/stores/shop01.yaml, 2025-11
    for kpi, target in targets.items():
        assert record["kpis"][f"{kpi}_attainment"] == pytest.approx(record["kpis"][kpi] / target)


def test_store_inspection_states_the_store_alert_line(sample_dir, tmp_path):
    """The prose gave the default line (4.8) while a store with its own line (shop02: 4.6)
    was judged by that one: the report states the line it used."""
    params = tmp_path / "params"
    (params / "stores").mkdir(parents=True)
    shutil.copy(PROJECT_PARAMS / "defaults.yaml", params / "defaults.yaml")
    (params / "stores" / "shop01.yaml").write_text("thresholds:\n  rating_alert: 4.3\n")
    spec = RunSpec(
        "store_inspection", "shop01", "2025-11-30", str(sample_dir), params=str(params),
        out=str(tmp_path / "runs"), engine="inprocess",
    )  # fmt: skip
    result = run_notebook(spec)
    assert result.status == "ok"
    html = (Path(result.record_dir) / "report.html").read_text(encoding="utf-8")
    assert "本店预警线：4.3 分" in html
    assert "（默认 4.8）的" not in html


def test_daily_report_over_a_month_shows_no_one_day_traffic(sample_dir, tmp_path):
    """daily_report is made for a day. Given a month (`batch --period 2025-11` gives every
    notebook the month), its traffic KPIs would be the month's first day only: the section
    says traffic is per day instead, and the sales figures cover the month."""
    record, html = run("daily_report", sample_dir, tmp_path)
    assert not [k for k in record["kpis"] if "visitor" in k or "conversion" in k]
    assert "流量与转化按日统计，本报告期 2025-11 不是一天" in html
    assert record["kpis"]["orders"] > 1000, "the month's paid orders"


def test_a_store_missing_from_an_optional_table_is_told_so(sample_with, tmp_path):
    """A traffic export that covers other stores only: shop01's channel report says its
    traffic rows are missing (it showed channels without visitors, as if none came)."""

    data = sample_with(traffic=lambda frame: frame[frame["store_id"] != "shop01"])
    record, html = run("channel_efficiency", data, tmp_path / "runs")
    assert "本节需要 traffic 表中店铺 shop01 的数据（该表没有本店的行）" in html
    assert record["kpis"]["orders"] > 0, "the sections from orders and ad spend still report"
    record, html = run("daily_report", data, tmp_path / "runs", period="2025-11-30")
    assert not [k for k in record["kpis"] if "visitor" in k], "no traffic KPIs, not zeros"
    unchecked = [a for a in record["alerts"] if a["level"] == "info"]
    assert [a["message"].split("：")[0] for a in unchecked] == [
        "本节需要 traffic 表中店铺 shop01 的数据（该表没有本店的行）"
    ], "what needs attention says what could not be checked"
    assert "本节需要 traffic 表中店铺 shop01 的数据（该表没有本店的行）" in html


def test_weekly_review_of_the_first_weeks_compares_with_nothing(sample_dir, tmp_path):
    """2023-W49: the week before (2023-W48) begins before the data (2023-12-01) and a year
    earlier there are none: every previous figure is blank, not 0 (a rise from nothing),
    and the channel and category contributions say why they are not shown."""

    _, html, folder = run_in("weekly_review", sample_dir, tmp_path, period="2023-W49")
    for name in ("kpis_wow", "kpis_yoy"):
        table = read_table(folder / "tables" / f"{name}.csv", "current", "previous")
        assert table["current"].notna().any() and table["previous"].isna().all(), name
    assert html.count("对比期 2023-W48 早于本店数据起点（2023-12-01），无法比较。") == 2
    assert not (folder / "tables" / "channel_contribution.csv").exists()


def test_no_next_month_forecast_from_a_month_the_data_do_not_cover(sample_dir, tmp_path):
    """The sample ends on 2025-11-30: a 2025-12 assessment forecast "next month" from
    2025-12-01 on, that is this month, not January."""
    record, html, folder = run_in("monthly_assessment", sample_dir, tmp_path, period="2025-12")
    assert "forecast_next_period_paid_amount" not in record["kpis"]
    assert not (folder / "tables" / "forecast.csv").exists()
    assert "数据截至 2025-11-30，未覆盖本月全部日期：下月预测需要本月完整的数据。" in html


# -- issues 15 and 17: daily_report on a week, and its month-to-date pacing -----------------


def test_daily_report_on_a_week_compares_with_the_week_before(sample_dir, tmp_path):
    """Run on a week, nothing says "vs the same weekday last week": cards, summary and drop
    alerts use the week's words, and the comparison is the week before."""
    record, html = run("daily_report", sample_dir, tmp_path, period="2025-W48",
                       parameters={"lang": "en"})  # fmt: skip
    assert "vs the same weekday last week" not in html
    assert "vs last week" in html
    assert not any("same weekday" in alert["message"] for alert in record["alerts"])
    week = record["comparisons"]["orders"]
    assert week["previous"] > record["kpis"]["orders"] / 3, "the week before, not one day"


def test_daily_report_paces_the_month_against_its_targets(sample_dir, tmp_path):
    record, html = run("daily_report", sample_dir, tmp_path, period="2025-11-20",
                       params=str(PROJECT_PARAMS))  # fmt: skip
    kpis = record["kpis"]
    # params/stores/shop01.yaml, 2025-11: paid_amount 2,600,000, orders 4,000, new_buyers 2,100
    for kpi in ("paid_amount", "orders", "new_buyers"):
        assert 0.0 <= kpis[f"target_hit_probability_{kpi}"] <= 1.0
        assert 0 < kpis[f"month_to_date_target_{kpi}"] < kpis[f"month_to_date_{kpi}"] * 2
    # the month to date is the sum of the first 20 days' paid orders
    assert kpis["month_to_date_orders"] > 20 * kpis["orders"] / 2
    assert "月初至今" in html


def test_daily_report_without_targets_says_so_once(sample_dir, tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(PROJECT_PARAMS / "defaults.yaml", params / "defaults.yaml")
    record, html = run("daily_report", sample_dir, tmp_path / "runs", period="2025-11-20",
                       params=str(params))  # fmt: skip
    assert not any(k.startswith("target_hit_probability") for k in record["kpis"])
    assert html.count("本店未设置 2025-11 可按天跟踪的月度目标") == 1
