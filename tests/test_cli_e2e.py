"""End to end: the command line on the shared sample, as a user runs it.

One session-scoped batch (the ``batch`` fixture of conftest.py, shared with
test_kpi_crosscheck) runs every notebook for one store (and the portfolio); the tests read
its records. The command line is called in-process (``cli.main``), with one
subprocess smoke test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ecanalysis.cli import main
from ecanalysis.notebooks import NAMES as NOTEBOOKS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

REQUIRED_KPIS = ["orders", "paid_amount", "buyers", "new_buyers", "aov", "revenue_per_buyer"]
STORE_NOTEBOOKS = [n for n in NOTEBOOKS if n not in ("campaign_review", "portfolio_overview")]
RECORD_KEYS = {
    "notebook",
    "store_id",
    "period",
    "parameters",
    "kpis",
    "comparisons",
    "alerts",
    "data",
    "coverage",
    "quarantined",
    "started_at",
    "finished_at",
    "status",
    "versions",
}


def read_table(path, *names, lang="zh"):
    """A record's ``tables/*.csv`` with the labelled headers of ``names`` (the report shows
    labels in its language) renamed back to the machine names."""
    import pandas as pd

    from ecanalysis.labels import label

    frame = pd.read_csv(path, encoding="utf-8-sig")
    return frame.rename(columns={label(n, lang): n for n in names})


def records(out: Path) -> dict[tuple[str, str], dict]:
    found = {}
    for path in out.glob("*/*/*/metrics.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        found[(record["notebook"], record["store_id"])] = record | {"_dir": str(path.parent)}
    return found


def test_batch_runs_every_notebook(batch):
    code, out = batch
    found = records(out)
    failed = {
        k: (Path(v["_dir"]) / "error.txt").read_text()[:2000]
        for k, v in found.items()
        if v["status"] != "ok"
    }
    assert not failed, failed
    assert code == 0
    assert {k[0] for k in found} == set(NOTEBOOKS)
    assert ("portfolio_overview", "all") in found


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_record_layout(batch, notebook):
    _, out = batch
    record = next(r for (n, _), r in records(out).items() if n == notebook)
    folder = Path(record["_dir"])
    assert set(record) >= RECORD_KEYS
    assert record["kpis"], "kpis is never empty"
    assert folder.name == record["period"]["label"]
    for name in ("report.ipynb", "report.html", "metrics.json"):
        assert (folder / name).is_file()
    assert list((folder / "tables").glob("*.csv")), "key tables as CSV"
    html = (folder / "report.html").read_text(encoding="utf-8")
    # markdown renders inside jp-InputArea; code input would bring an editor or a prompt
    assert not re.search(r'class="[^"]*\bjp-(InputArea-editor|InputPrompt)\b', html), "no code"
    assert "<img" in html and "data:image/png;base64" in html, "charts embedded"
    assert not list(folder.parent.glob(".tmp-*")), "no temp directories left behind"
    if notebook in STORE_NOTEBOOKS:
        for kpi in REQUIRED_KPIS:
            assert kpi in record["kpis"], f"{notebook} lacks KPI {kpi}"


def test_index_lists_every_run(batch):
    _, out = batch
    index = (out / "index.html").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        assert notebook in index


def test_rerun_skips_then_force_reruns_with_same_numbers(batch, sample_dir, capsys):
    _, out = batch
    before = records(out)[("daily_report", "shop01")]
    argv = [
        "run",
        "daily_report",
        "--store-id",
        "shop01",
        "--period",
        before["period"]["label"],
        "--data",
        str(sample_dir),
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    assert "1 skipped" in capsys.readouterr().out
    assert main([*argv, "--force"]) == 0
    after = records(out)[("daily_report", "shop01")]
    assert after["kpis"] == before["kpis"]
    assert after["comparisons"] == before["comparisons"]


def test_a_report_done_by_other_code_is_not_done(batch, sample_dir, capsys, monkeypatch):
    """A fix or an upgrade of ecanalysis reruns the reports it shapes: the library's code
    is part of a report's inputs, as the data and params are."""
    from ecanalysis import publish

    _, out = batch
    label = records(out)[("daily_report", "shop01")]["period"]["label"]
    argv = ["run", "daily_report", "--store-id", "shop01", "--period", label]
    argv += ["--data", str(sample_dir), "--out", str(out)]
    assert main(argv) == 0
    assert "0 ok, 1 skipped" in capsys.readouterr().out
    stamp = publish._code_stamp()
    monkeypatch.setattr(publish, "_code_stamp", lambda: stamp + "\nmetrics/orders.py:1:1")
    assert main(argv) == 0
    assert "1 ok, 0 skipped" in capsys.readouterr().out


def test_absent_store_is_refused_before_anything_runs(sample_dir, tmp_path, capsys):
    """DESIGN §6: a store id absent from the data is an unusable argument: exit 2 with the
    closest ids, no record written (it used to fail in a cell, with a record, exit 1)."""
    code = main(
        [
            "batch",
            "--notebooks",
            "daily_report",
            "--stores",
            "shop01,nosuch",
            "--period",
            "latest-day",
            "--data",
            str(sample_dir),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "nosuch" in capsys.readouterr().err
    assert not list(tmp_path.glob("daily_report/*/*/metrics.json"))


@pytest.mark.parametrize("store_id", ["../../x", "/abs", "a/b", "x\x00y", "s" * 200, "all"])
def test_hostile_store_ids_are_refused_before_anything_is_written(
    sample_dir, tmp_path, store_id, capsys
):
    out = tmp_path / "runs"
    code = main(
        [
            "run",
            "daily_report",
            "--store-id",
            store_id,
            "--period",
            "latest-day",
            "--data",
            str(sample_dir),
            "--out",
            str(out),
        ]
    )
    assert code == 2
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(out in p.parents for p in written)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("period", ["../x", "2025-13", "2025-W54", "soon", "2025-11-31"])
def test_bad_periods_exit_2(sample_dir, tmp_path, period, capsys):
    code = main(
        [
            "run",
            "daily_report",
            "--store-id",
            "shop01",
            "--period",
            period,
            "--data",
            str(sample_dir),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "period" in err.lower()
    assert not any(tmp_path.iterdir())


def test_unknown_parameter_is_refused(sample_dir, tmp_path, capsys):
    code = main(
        [
            "run",
            "campaign_review",
            "--store-id",
            "shop01",
            "-p",
            "campain_id",
            "latest",
            "--data",
            str(sample_dir),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "did you mean 'campaign_id'" in capsys.readouterr().err


def test_notebooks_command_lists_parameters(capsys):
    assert main(["notebooks"]) == 0
    text = capsys.readouterr().out
    for notebook in NOTEBOOKS:
        assert notebook in text
    assert "campaign_id: str" in text


def test_python_m_ecanalysis_smoke(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ecanalysis", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.strip()
    proc = subprocess.run(
        [sys.executable, "-m", "ecanalysis", "validate", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_run_in_a_fresh_process_says_only_what_it_did(sample_dir, tmp_path):
    """`ecanalysis run` as a user types it: the record, a summary on stdout, and no kernel
    chatter on stderr (such as ipykernel's TCP warning)."""
    report = ["daily_report", "--store-id", "shop02", "--period", "latest-day"]
    places = ["--data", str(sample_dir), "--out", str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-m", "ecanalysis", "run", *report, *places],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    # (matplotlib may note that it builds its font cache, on a machine's first run)
    assert "IPKernelApp" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    record = next((tmp_path / "daily_report" / "shop02").iterdir())
    assert proc.stdout.splitlines()[0] == f"ok: {record}"
    assert json.loads((record / "metrics.json").read_text(encoding="utf-8"))["status"] == "ok"


def test_comparison_tables_compare_figures_that_exist(batch):
    """Each metric of a comparison table (compare_periods) has a current value for some
    row: a metric that is NaN by definition (UV over several days) is not compared."""
    _, out = batch
    tables = [
        path
        for path in sorted(Path(out).glob("*/*/*/tables/*.csv"))
        if {"metric", "current"} <= set(read_table(path, "metric", "current").columns)
    ]
    assert any(path.name == "channel_changes.csv" for path in tables)
    for path in tables:
        changes = read_table(path, "metric", "current")
        empty = sorted(m for m, rows in changes.groupby("metric") if rows["current"].isna().all())
        assert not empty, f"{path.relative_to(out)}: no current value for {empty}"


def test_run_takes_store_period_and_campaign_from_the_notebook_defaults(
    sample_dir, tmp_path, capsys
):
    """`run` without --store-id / --period runs what the notebook's parameters cell says
    (shop01, latest-day; campaign_review: the latest campaign, over its own dates)."""
    out = tmp_path / "runs"
    assert main(["run", "daily_report", "--data", str(sample_dir), "--out", str(out)]) == 0
    argv = ["run", "campaign_review", "--store-id", "shop02", "--data", str(sample_dir)]
    assert main([*argv, "--out", str(out)]) == 0
    records = sorted(p.relative_to(out).as_posix() for p in out.glob("*/*/*/metrics.json"))
    assert records == [
        "campaign_review/shop02/2025-11-01..2025-11-11/metrics.json",
        "daily_report/shop01/2025-11-30/metrics.json",
    ]


def test_the_html_report_speaks_the_language_the_params_set(sample_dir, tmp_path):
    """`lang: en` in a store's params file makes its reports English, headings and prose
    of the HTML included (the notebooks write both; the HTML keeps one); others stay zh."""
    import shutil

    from ecanalysis.config import default_params_dir

    params = tmp_path / "params"
    shutil.copytree(default_params_dir(), params)
    store_file = params / "stores" / "shop02.yaml"
    store_file.write_text(store_file.read_text(encoding="utf-8") + "lang: en\n", encoding="utf-8")
    out = tmp_path / "runs"
    for store in ("shop01", "shop02"):
        argv = ["run", "daily_report", "--store-id", store, "--period", "2025-11-30"]
        assert (
            main([*argv, "--data", str(sample_dir), "--params", str(params), "--out", str(out)])
            == 0
        )
    zh = (out / "daily_report/shop01/2025-11-30/report.html").read_text(encoding="utf-8")
    en = (out / "daily_report/shop02/2025-11-30/report.html").read_text(encoding="utf-8")
    assert ">核心指标<" in zh
    assert "Headline KPIs" not in zh and "Traffic, orders, sales" not in zh
    assert "Headline KPIs" in en and "Traffic, orders, sales, conversion" in en
    assert "核心指标" not in en and "当日的流量" not in en
    record = json.loads((out / "daily_report/shop02/2025-11-30/metrics.json").read_text())
    assert record["parameters"]["lang"] == "en"


def test_a_scheduled_batch_reviews_the_platform_festival_of_stores_without_campaigns(
    sample_with, tmp_path, capsys
):
    """schedule.yaml reviews each store's latest campaign: a store that runs none of its own
    reviews the latest platform festival of the calendar (Black Friday for the USD and EUR
    stores), said in the report, instead of failing or being skipped."""
    data = sample_with(campaigns=lambda frame: frame[frame["store_id"] == "shop01"])
    out = tmp_path / "runs"
    argv = ["batch", "--notebooks", "campaign_review", "--data", str(data), "--out", str(out)]
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert "3 ok, 0 skipped (already done), 0 failed" in said
    records = {
        p.parent.parent.name: json.loads(p.read_text(encoding="utf-8"))
        for p in out.glob("campaign_review/*/*/metrics.json")
    }
    assert records["shop01"]["parameters"]["campaign_id"] == "shop01-1111-2025"
    for store in ("shop02", "shop03"):
        assert records[store]["parameters"]["campaign_id"] == "black_friday-2025"
        assert records[store]["period"]["label"] == "2025-11-28..2025-11-28"
        assert any("calendar" in a["message"] or "日历" in a["message"]
                   for a in records[store]["alerts"])  # fmt: skip


def test_a_campaign_review_never_overwrites_another_campaign_of_the_same_dates(
    sample_with, tmp_path, capsys
):
    """Two campaigns of one store with the same dates share a record path: the second
    review is refused (exit 2, the first record intact) unless --force."""

    def with_twin(campaigns):
        twin = campaigns[campaigns["campaign_id"] == "shop02-1111-2025"].assign(
            campaign_id="shop02-live-2025", name="双11 直播专场"
        )
        return pd.concat([campaigns, twin])

    data = sample_with(campaigns=with_twin)
    out = tmp_path / "runs"
    argv = ["run", "campaign_review", "--store-id", "shop02", "--data", str(data)]
    argv += ["--out", str(out)]
    record = out / "campaign_review/shop02/2025-11-01..2025-11-11/metrics.json"

    def held() -> str:
        return json.loads(record.read_text(encoding="utf-8"))["parameters"]["campaign_id"]

    assert main([*argv, "-p", "campaign_id", "shop02-1111-2025"]) == 0
    capsys.readouterr()
    assert main([*argv, "-p", "campaign_id", "shop02-live-2025"]) == 2
    err = capsys.readouterr().err
    assert "already holds the review of campaign 'shop02-1111-2025'" in err
    assert "another --out" in err and "--force" in err
    assert held() == "shop02-1111-2025"
    assert main([*argv, "-p", "campaign_id", "latest"]) == 2  # the twin, by id order
    assert main([*argv, "-p", "campaign_id", "shop02-live-2025", "--force"]) == 0
    assert held() == "shop02-live-2025"
    # `latest` is resolved before it is compared: now it names the campaign held
    assert main([*argv, "-p", "campaign_id", "latest"]) == 0
    assert held() == "shop02-live-2025"


@pytest.mark.parametrize(
    ("notebook", "store_id", "message"),
    [
        ("portfolio_overview", "shop01", "its store id is 'all'"),
        ("daily_report", "all", "reports on one store: pass --store-id ID"),
    ],
)
def test_the_portfolio_is_all_and_only_all(
    sample_dir, tmp_path, capsys, notebook, store_id, message
):
    argv = ["run", notebook, "--store-id", store_id, "--data", str(sample_dir)]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing written"


def _record(out: Path, notebook: str) -> tuple[dict, Path]:
    record = next(r for (n, _), r in records(out).items() if n == notebook)
    return record, Path(record["_dir"])


@pytest.mark.parametrize("notebook", ["channel_efficiency", "weekly_review"])
def test_channel_tables_add_up_to_the_store(batch, notebook):
    """The channel table took only the period's orders, so every buyer was new there
    (new_buyers == buyers in each channel, summing far above the store's new buyers), and
    dated orders by ordering while the KPIs date them by payment (totals one order off)."""
    _, out = batch
    record, folder = _record(out, notebook)
    table = read_table(
        folder / "tables" / "channels.csv", "orders", "paid_amount", "new_buyers", "buyers"
    )
    assert table["orders"].sum() == record["kpis"]["orders"]
    assert table["paid_amount"].sum() == pytest.approx(record["kpis"]["paid_amount"])
    assert (table["new_buyers"] < table["buyers"]).any(), "returning buyers are not new"
    assert table["new_buyers"].sum() < table["buyers"].sum()


def test_weekly_contribution_tables_show_money(batch):
    """The channel and category contributions (current, previous, change of an amount)
    were plain numbers beside money everywhere else."""
    _, out = batch
    record, folder = _record(out, "weekly_review")
    html = (folder / "report.html").read_text(encoding="utf-8")
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€"}[record["currency"]]
    for table in ("channel_contribution", "category_contribution"):
        first = read_table(folder / "tables" / f"{table}.csv", "current").iloc[0]
        assert f"{symbol}{first['current']:,.2f}" in html, table


def test_charts_in_the_reports_are_described_for_screen_readers(batch):
    _, out = batch
    _, folder = _record(out, "daily_report")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "No description has been provided" not in html
    assert 'alt="每日支付金额 (日期 / 支付金额（¥）)"' in html  # the axis names its currency


def test_campaign_review_reads_the_dip_the_right_way_round(batch):
    """dip = baseline − actual: positive is pull-forward; the prose said negative."""
    _, out = batch
    _, folder = _record(out, "campaign_review")
    html = (folder / "report.html").read_text(encoding="utf-8")  # zh: the HTML keeps one language
    assert "为正说明活动提前透支了需求" in html and "负值说明活动提前透支" not in html
    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "campaign_review.ipynb"
    source = notebook.read_text(encoding="utf-8")
    assert "positive dip means the campaign pulled demand forward" in source
    assert "negative dip means the campaign" not in source


def test_portfolio_does_not_draw_currencies_on_one_axis(batch):
    """Stores in several currencies: with exchange rates (the sample has them) the ranking
    draws the amounts converted to the reporting currency, as the totals are, and says so;
    never ¥ and $ on one axis."""
    _, out = batch
    _, folder = _record(out, "portfolio_overview")
    stores = read_table(folder / "tables" / "stores.csv", "currency")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert stores["currency"].nunique() > 1, "the sample has stores in several currencies"
    assert "各店铺支付金额已按报告币种 CNY 折算（每天按当日汇率），与上方合计一致。" in html


def test_a_period_before_the_stores_data_is_refused(sample_dir, tmp_path, capsys):
    """The sample runs from 2023-12-01 to 2025-11-30: a day before it (a wrong year, say)
    would be an all-zero report that says "ok", so it is refused before anything runs. A
    day after the data end is reported, marked incomplete (test_schedules: how a scheduler
    learns that an export did not arrive)."""
    argv = ["run", "daily_report", "--store-id", "shop03", "--period", "2023-11-30"]
    assert main([*argv, "--data", str(sample_dir), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert (
        "period 2023-11-30 ends before store shop03's data begin (2023-12-01 to 2025-11-30)" in err
    )
    assert not list(tmp_path.glob("daily_report/**/metrics.json")), "nothing written"


def test_monthly_repeat_customers_are_the_month_buyers(sample_dir, tmp_path):
    """The repeat-rate cards counted customers of orders placed in the month (shop02,
    2025-11: 1,983) beside buyers paid in the month (1,984) on one page."""
    argv = ["run", "monthly_assessment", "--store-id", "shop01", "--period", "2025-10"]
    assert main([*argv, "--data", str(sample_dir), "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("*/*/*/metrics.json")
    kpis = json.loads(path.read_text(encoding="utf-8"))["kpis"]
    assert kpis["customers"] == kpis["buyers"]  # 1,303 and 1,304 on the test sample


def test_channel_changes_have_no_rows_of_dashes(batch):
    """Channels without spend in either period showed Ad spend and ROAS rows of dashes only."""
    _, out = batch
    _, folder = _record(out, "channel_efficiency")
    changes = read_table(folder / "tables" / "channel_changes.csv", "current", "previous", "metric")
    assert not (changes["current"].isna() & changes["previous"].isna()).any()
    assert {"spend", "roas"} <= set(changes["metric"]), "paid channels keep their rows"
