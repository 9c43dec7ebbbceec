"""Scheduled runs: relative periods resolved per store, and notifying from metrics.json alone.

A scheduler runs the same command every day (``--period yesterday``, ``last-month``,
``latest-day`` …); each store's period follows its own local calendar and data. Whether
to notify anyone is decided from ``metrics.json`` only (``alerts``, ``comparisons``,
``status``), with the example script of docs/scheduling.md.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from ecanalysis.context import resolve_period
from ecanalysis.data import open_dataset
from ecanalysis.errors import DataError
from ecanalysis.runner import RunSpec, resolve_label

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "examples" / "notify_alerts.py"
DOC = ROOT / "docs" / "scheduling.md"

STORES_CSV = """\
store_id,name,timezone,currency
sh,Shanghai shop,Asia/Shanghai,CNY
ny,New York shop,America/New_York,USD
be,Berlin shop,Europe/Berlin,EUR
"""
# Last orders: sh on Saturday 29 Nov (local), ny on Sunday 30 Nov (local), be on Mon 1 Dec.
ORDERS_CSV = """\
order_id,store_id,customer_id,ordered_at,paid_at,status,gross_amount,paid_amount
a,sh,c1,2025-10-01 10:00,2025-10-01 10:01,paid,10,10
b,sh,c2,2025-11-29 23:30,2025-11-29 23:31,paid,10,10
c,ny,c3,2025-11-30 22:00,2025-11-30 22:05,paid,10,10
d,be,c4,2025-12-01 09:00,2025-12-01 09:01,paid,10,10
"""


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zones")
    (folder / "stores.csv").write_text(STORES_CSV, encoding="utf-8")
    (folder / "orders.csv").write_text(ORDERS_CSV, encoding="utf-8")
    return open_dataset(folder)


def at(text: str, tz: str = "UTC") -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz))


# -- relative to the store's local today ---------------------------------------------------


@pytest.mark.parametrize(
    ("form", "now", "labels"),
    [
        # 2025-12-01 02:00 UTC: 10:00 on Monday 1 Dec in Shanghai and Berlin's 03:00,
        # but still 21:00 on Sunday 30 Nov in New York.
        ("yesterday", at("2025-12-01 02:00"), {"sh": "2025-11-30", "ny": "2025-11-29"}),
        ("last-week", at("2025-12-01 02:00"), {"sh": "2025-W48", "ny": "2025-W47"}),
        ("last-month", at("2025-12-01 02:00"), {"sh": "2025-11", "ny": "2025-10"}),
        # a cron at 06:30 Shanghai time on the 1st
        ("last-month", at("2026-01-01 06:30", "Asia/Shanghai"), {"sh": "2025-12", "ny": "2025-11"}),
        (
            "yesterday",
            at("2024-03-01 06:30", "Asia/Shanghai"),
            {"sh": "2024-02-29", "ny": "2024-02-28"},
        ),
        (
            "last-week",
            at("2026-01-05 06:30", "Asia/Shanghai"),
            {"sh": "2026-W01", "ny": "2025-W52"},
        ),
    ],
)
def test_relative_to_today_follows_each_stores_time_zone(dataset, form, now, labels):
    zones = {"sh": "Asia/Shanghai", "ny": "America/New_York"}
    got = {s: resolve_period(dataset, s, form, zones[s], now=now).label for s in labels}
    assert got == labels


def test_relative_periods_have_whole_local_bounds(dataset):
    period = resolve_period(
        dataset, "ny", "yesterday", "America/New_York", now=at("2025-03-10 12:00")
    )
    assert period.label == "2025-03-09"  # the spring-forward day: 23 hours
    assert period.start == pd.Timestamp("2025-03-09 00:00", tz="America/New_York")
    assert period.end - period.start == pd.Timedelta(hours=23)


# -- relative to the data's last complete day -----------------------------------------------


@pytest.mark.parametrize(
    ("store_id", "tz", "labels"),
    [
        # last day Sat 29 Nov: week W48 is not over, nor is November
        ("sh", "Asia/Shanghai", ("2025-11-29", "2025-W47", "2025-10")),
        # last day Sun 30 Nov: the week and the month are complete
        ("ny", "America/New_York", ("2025-11-30", "2025-W48", "2025-11")),
        ("be", "Europe/Berlin", ("2025-12-01", "2025-W48", "2025-11")),
        # the portfolio: the latest day of any store, in the portfolio's time zone
        ("all", "Asia/Shanghai", ("2025-12-01", "2025-W48", "2025-11")),
    ],
)
def test_latest_forms_follow_each_stores_data(dataset, store_id, tz, labels):
    forms = ("latest-day", "latest-week", "latest-month")
    got = tuple(resolve_period(dataset, store_id, form, tz).label for form in forms)
    assert got == labels


def test_latest_of_a_store_without_orders_is_a_clear_error(dataset):
    with pytest.raises(DataError, match=r"no orders.*explicit period"):
        resolve_period(dataset, "zz", "latest-day", "UTC")


def test_the_runner_files_records_under_each_stores_label(dataset, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "stores.csv").write_text(STORES_CSV, encoding="utf-8")
    (data / "orders.csv").write_text(ORDERS_CSV, encoding="utf-8")
    params = ROOT / "params"

    def label(store_id, period):
        spec = RunSpec("daily_report", store_id, period=period, data=str(data))
        return resolve_label(spec, data, params)

    assert label("sh", "latest-week") == "2025-W47"
    assert label("ny", "latest-week") == "2025-W48"
    assert label("all", "latest-day") == "2025-12-01"
    assert label("sh", "2025-w48") == "2025-W48"  # canonical labels for explicit periods too


@pytest.mark.parametrize("period", ["yesterdy", "last-months", "2025-13", "2025-W54"])
def test_a_batch_refuses_a_period_no_store_can_resolve(sample_dir, tmp_path, period, capsys):
    from ecanalysis.cli import main

    out = tmp_path / "runs"
    argv = ["batch", "--notebooks", "daily_report", "--stores", "all", "--period", period]
    assert main([*argv, "--data", str(sample_dir), "--out", str(out)]) == 2
    assert "accepted forms" in capsys.readouterr().err
    assert not out.exists(), "nothing ran"
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(
        f"stores: all\nreports:\n  - notebook: daily_report\n    period: {period}\n"
    )
    argv = ["batch", "--schedule", str(schedule), "--data", str(sample_dir), "--out", str(out)]
    assert main(argv) == 2
    assert not out.exists()


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (
            "stores: all\nreports:\n  - notebook: daily_report\n    perod: latest-day\n",
            "schedule.yaml: report 1 (daily_report): daily_report has no parameter 'perod'; "
            "did you mean 'period'?",
        ),
        (
            "reports:\n  - notebook: weekly_review\n    period: latest-week\n"
            "  - notebook: daily_report\n    period: latest-day\n    top_n: 3\n",
            "schedule.yaml: report 2 (daily_report): daily_report has no parameter 'top_n'. "
            "Its parameters:",
        ),
        (
            "store: shop01\nreports:\n  - notebook: daily_report\n    period: latest-day\n",
            "unknown key 'store' (did you mean 'stores'?) in ",
        ),
    ],
)
def test_a_typo_in_a_schedule_stops_the_batch_before_anything_runs(
    sample_dir, tmp_path, capsys, schedule, message
):
    """A typo failed each report of its entry without a record, so the index and a cron
    mail showed nothing; a top-level typo (store:) was ignored and ran every store."""
    from ecanalysis.cli import main

    path = tmp_path / "schedule.yaml"
    path.write_text(schedule, encoding="utf-8")
    out = tmp_path / "runs"
    argv = ["batch", "--schedule", str(path), "--data", str(sample_dir), "--out", str(out)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not out.exists(), "nothing ran"


# -- notifying from metrics.json -------------------------------------------------------------


def load_script():
    spec = importlib.util.spec_from_file_location("notify_alerts", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_record(
    runs: Path, parts: str, *, status="ok", alerts=(), finished="2025-12-01T06:35:00+00:00"
):
    folder = runs / parts
    folder.mkdir(parents=True)
    record = {
        "notebook": folder.parent.parent.name,
        "store_id": folder.parent.name,
        "period": {"label": folder.name},
        "kpis": {"orders": 1},
        "comparisons": {},
        "alerts": list(alerts),
        "finished_at": finished,
        "status": status,
    }
    (folder / "metrics.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def runs(tmp_path):
    runs = tmp_path / "runs"
    write_record(
        runs, "daily_report/shop01/2025-11-30", alerts=[{"level": "info", "message": "fine"}]
    )
    write_record(
        runs,
        "daily_report/shop02/2025-11-30",
        alerts=[
            {"level": "warning", "message": "支付金额 比上周同日下降 35%\n(预警线 20%)"},
            {"level": "critical", "message": "6 listed products are out of stock\x1b[31m"},
        ],
    )
    write_record(
        runs,
        "monthly_assessment/shop03/2025-11",
        status="failed",
        alerts=[{"level": "critical", "message": "KeyError: 'paid_amount' (cell 4)"}],
    )
    write_record(
        runs,
        "daily_report/shop01/2025-11-29",
        alerts=[{"level": "critical", "message": "yesterday's news"}],
        finished="2025-11-30T06:35:00+00:00",
    )
    # a record being published right now is not read
    write_record(
        runs,
        "daily_report/shop01/.tmp-2025-12-01-0123456789ab",
        alerts=[{"level": "critical", "message": "being written"}],
    )
    return runs


def test_notices_levels_order_and_clean_text(runs):
    script = load_script()
    since = dt.datetime(2025, 12, 1, 6, 30, tzinfo=dt.UTC)
    assert [line for _, line in script.notices(runs, since)] == [
        "CRITICAL daily_report shop02 2025-11-30: 6 listed products are out of stock[31m",
        "CRITICAL monthly_assessment shop03 2025-11 (failed): KeyError: 'paid_amount' (cell 4)",
        "WARNING daily_report shop02 2025-11-30: 支付金额 比上周同日下降 35% (预警线 20%)",
    ]
    critical = [line for _, line in script.notices(runs, since, "critical")]
    assert len(critical) == 2
    everything = [line for _, line in script.notices(runs)]
    assert "CRITICAL daily_report shop01 2025-11-29: yesterday's news" in everything
    assert "INFO daily_report shop01 2025-11-30: fine" not in everything
    assert "INFO daily_report shop01 2025-11-30: fine" in [
        line for _, line in script.notices(runs, level="info")
    ]


def test_exit_codes(runs, capsys):
    script = load_script()
    assert script.main([str(runs), "--since", "2025-12-01T06:30:00+00:00"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert script.main([str(runs), "--since", "2025-12-02T00:00:00+08:00"]) == 0
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit) as bad:
        script.main([str(runs), "--since", "2025-12-01 06:30"])  # no UTC offset
    assert bad.value.code == 2
    with pytest.raises(SystemExit) as bad:
        script.main([str(runs / "nonexistent")])  # not "nothing to tell"
    assert bad.value.code == 2
    assert "nonexistent is not a directory" in capsys.readouterr().err


def test_an_unreadable_record_is_told(tmp_path):
    folder = tmp_path / "daily_report" / "shop01" / "2025-11-30"
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text("{half", encoding="utf-8")
    script = load_script()
    (line,) = [line for _, line in script.notices(tmp_path)]
    assert line.startswith("CRITICAL unreadable record ")


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_a_scheduler_decides_from_metrics_json_alone(sample_dir, tmp_path):
    """The day after the data end: what a cron job sees when the export did not arrive."""
    from ecanalysis.cli import main

    out = tmp_path / "runs"
    stores = pd.read_parquet(sample_dir / "stores.parquet")
    orders = pd.read_parquet(sample_dir / "orders.parquet")
    mine = orders[orders["store_id"] == "shop01"]
    last_day = mine["ordered_at"].max().date()
    day = last_day + dt.timedelta(days=1)
    argv = [
        "batch",
        "--notebooks",
        "daily_report",
        "--stores",
        "shop01",
        "--period",
        day.isoformat(),
    ]
    assert main([*argv, "--data", str(sample_dir), "--out", str(out), "--engine", "inprocess"]) == 0
    assert stores.loc[stores["store_id"] == "shop01", "timezone"].item() == "Asia/Shanghai"

    record = json.loads(
        (out / "daily_report" / "shop01" / day.isoformat() / "metrics.json").read_text("utf-8")
    )
    assert record["status"] == "ok" and record["period"]["complete"] is False
    assert record["kpis"]["orders"] == 0
    # vs the same weekday a week earlier, by hand from the orders table
    week_ago = day - dt.timedelta(days=7)
    paid = mine[mine["paid_at"].notna() & (mine["status"] != "cancelled")]
    previous = paid.loc[paid["paid_at"].dt.date == week_ago, "paid_amount"].sum()
    assert previous > 0
    assert record["comparisons"]["paid_amount"] == {
        "previous": pytest.approx(previous),
        "change": pytest.approx(-previous),
        "change_pct": -1.0,
    }
    levels = {alert["level"] for alert in record["alerts"]}
    assert "warning" in levels
    assert any("数据未完整覆盖" in alert["message"] for alert in record["alerts"])

    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), "--since", record["started_at"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert (
        f"WARNING daily_report shop01 {day.isoformat()}: 数据未完整覆盖 {day.isoformat()}"
        in "\n".join(lines)
    )
    assert len(lines) == sum(a["level"] in ("critical", "warning") for a in record["alerts"])


# -- the documentation ---------------------------------------------------------------------


def test_the_documented_commands_parse():
    from ecanalysis.cli import build_parser

    text = DOC.read_text(encoding="utf-8")
    commands = re.findall(r"ecanalysis (batch [^;&|>\n]*)", text)
    assert len(commands) >= 3
    for command in commands:
        argv = [a for a in command.replace("\\", " ").split() if a]
        build_parser().parse_args(argv)
    assert "--period yesterday" in text and "--period last-month" in text


def test_the_documented_snippet_runs(runs):
    text = DOC.read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(snippet)],
        cwd=runs.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "6 listed products are out of stock" in done.stdout
    assert "KeyError: 'paid_amount' (cell 4)" in done.stdout
    assert "fine" not in done.stdout and "being written" not in done.stdout


@pytest.mark.skipif(
    not (ROOT / ".venv" / "bin" / "ecanalysis").exists() or shutil.which("sh") is None,
    reason="needs the project's .venv and a POSIX shell",
)
def test_the_cron_script_refuses_a_typo_with_exit_2_and_says_so(sample_dir, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "ECANALYSIS_HOME": str(ROOT),
        "ECANALYSIS_DATA": str(sample_dir),
        "ECANALYSIS_RUNS": str(tmp_path / "runs"),
        "ECANALYSIS_LOG": str(tmp_path / "logs" / "batch.log"),
        "NOTIFY": f"cat > {tmp_path / 'notice.txt'}",
    }
    script = ROOT / "docs" / "examples" / "scheduled_batch.sh"
    done = subprocess.run(
        ["sh", str(script), "--notebooks", "daily_report", "--period", "yesterdy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    notice = (tmp_path / "notice.txt").read_text(encoding="utf-8")
    assert notice.startswith("ecanalysis batch --notebooks daily_report --period yesterdy refused")
    log = (tmp_path / "logs" / "batch.log").read_text(encoding="utf-8")
    assert "period 'yesterdy' is not understood" in log
    assert log.rstrip().endswith("exit 2")
    assert not (tmp_path / "runs").exists()
