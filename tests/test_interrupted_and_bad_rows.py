"""Interrupted batches and bad rows, end to end.

- A batch killed midway (SIGKILL to the parent and its workers) never leaves a report that
  looks done but is half-written; the rerun completes it with the same numbers.
- Rows that break the data contract stop ``run`` before any notebook executes; with
  ``--on-bad-rows quarantine`` they are set aside in the record's ``quarantine/``, counted
  in ``metrics.json`` and excluded from the figures; in a batch only their store fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ecanalysis.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

DAY = "2025-11-11"
STORES = "shop01,shop02,shop03"


def _kpis(out: Path) -> dict[tuple[str, str], dict]:
    found = {}
    for path in out.glob("*/*/*/metrics.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        found[(record["notebook"], record["store_id"])] = record
    return found


def _batch_argv(sample_dir: Path, out: Path) -> list[str]:
    return [
        "batch",
        "--notebooks",
        "daily_report",
        "--stores",
        STORES,
        "--period",
        DAY,
        "--data",
        str(sample_dir),
        "--out",
        str(out),
        "--workers",
        "2",
    ]


@pytest.fixture(scope="module")
def reference(sample_dir, tmp_path_factory):
    """The same batch, run undisturbed."""
    out = tmp_path_factory.mktemp("reference")
    assert main(_batch_argv(sample_dir, out)) == 0
    return _kpis(out)


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_killed_batch_leaves_no_half_written_record(sample_dir, tmp_path, reference, capsys):
    out = tmp_path / "runs"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecanalysis", *_batch_argv(sample_dir, out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the parent and its workers
    )
    try:
        # kill while a report is being written (a temporary directory exists)
        started = _wait_for(lambda: any(out.glob("daily_report/*/.tmp-*")), 120)
        assert started, "the batch never started a report"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    for folder in out.glob("daily_report/*/*"):
        if folder.name.startswith("."):
            continue  # leftovers of the killed run, never read as records
        record = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        assert record["status"] == "ok"
        assert (folder / "report.html").is_file() and (folder / "report.ipynb").is_file()
    assert len(list(out.glob("daily_report/*/*/metrics.json"))) < 3, "killed before the end"

    assert main(_batch_argv(sample_dir, out)) == 0
    rerun = _kpis(out)
    assert {k: r["kpis"] for k, r in rerun.items()} == {k: r["kpis"] for k, r in reference.items()}
    assert not list(out.rglob(".tmp-*")) and not list(out.rglob(".old-*"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert ".tmp-" not in index


# ---------------------------------------------------------------------------
# bad rows


@pytest.fixture(scope="module")
def broken(sample_dir, tmp_path_factory):
    """The sample with three of shop01's orders paid on DAY given a negative paid_amount."""
    data = tmp_path_factory.mktemp("broken") / "data"
    shutil.copytree(sample_dir, data)
    orders = pd.read_parquet(data / "orders.parquet")
    paid_that_day = (orders["store_id"] == "shop01") & (
        orders["paid_at"].dt.strftime("%Y-%m-%d") == DAY
    )
    bad = orders.index[paid_that_day][:3]
    assert len(bad) == 3
    orders.loc[bad, "paid_amount"] = -5.0
    orders.to_parquet(data / "orders.parquet", index=False)
    return data, list(orders.loc[bad, "order_id"])


def _run_argv(data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "run",
        "daily_report",
        "--store-id",
        "shop01",
        "--period",
        DAY,
        "--data",
        str(data),
        "--out",
        str(out),
        *extra,
    ]


def test_bad_rows_stop_the_run_before_the_notebook(broken, tmp_path, capsys):
    data, _ = broken
    assert main(_run_argv(data, tmp_path)) == 2
    err = capsys.readouterr().err
    assert "orders.paid_amount: 3 rows are negative (rule: >= 0)" in err
    assert "--on-bad-rows quarantine" in err
    assert "Traceback" not in err
    assert not list(tmp_path.rglob("*.ipynb")), "no notebook was executed"


def test_quarantine_sets_bad_rows_aside_and_counts_them(broken, tmp_path, reference, capsys):
    data, bad_ids = broken
    assert main(_run_argv(data, tmp_path, "--on-bad-rows", "quarantine")) == 0
    (folder,) = tmp_path.glob("daily_report/shop01/*")
    record = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert record["status"] == "ok"
    assert record["quarantined"] == {"orders": 3}
    set_aside = pd.read_csv(folder / "quarantine" / "orders.csv", dtype={"order_id": "str"})
    assert sorted(set_aside["order_id"]) == sorted(bad_ids)
    assert set_aside["quarantine_reason"].str.contains("paid_amount").all()
    clean = reference[("daily_report", "shop01")]["kpis"]
    assert record["kpis"]["orders"] == clean["orders"] - 3
    said = (
        "orders 表有 3 行不符合数据约定，已隔离到 quarantine/orders.csv，本报告的数字不含这些行。"
    )
    assert {"level": "warning", "message": said} in record["alerts"]  # a zh report
    assert said in (folder / "report.html").read_text(encoding="utf-8")


def test_bad_rows_in_a_batch_fail_only_their_store(broken, tmp_path, capsys):
    data, _ = broken
    argv = ["batch", "--notebooks", "daily_report", "--stores", "shop01,shop02"]
    argv += ["--period", DAY, "--data", str(data), "--out", str(tmp_path), "--workers", "2"]
    assert main(argv) == 1
    records = _kpis(tmp_path)
    assert records[("daily_report", "shop01")]["status"] == "failed"
    assert records[("daily_report", "shop02")]["status"] == "ok"
    (error,) = tmp_path.glob("daily_report/shop01/*/error.txt")
    assert "paid_amount" in error.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def duplicated(sample_dir, tmp_path_factory):
    """The sample with one of shop02's orders in the file twice."""
    data = tmp_path_factory.mktemp("duplicated") / "data"
    shutil.copytree(sample_dir, data)
    orders = pd.read_parquet(data / "orders.parquet")
    twice = orders[orders["store_id"] == "shop02"].head(1)
    pd.concat([orders, twice], ignore_index=True).to_parquet(data / "orders.parquet", index=False)
    return data, twice["order_id"].iloc[0]


def test_a_duplicate_key_in_a_batch_fails_only_its_store(duplicated, tmp_path, capsys):
    """Broken keys of one store are that store's problem (DESIGN §6): its reports fail
    with error.txt, before a notebook runs; the other stores' reports go on."""
    data, order_id = duplicated
    argv = ["batch", "--notebooks", "daily_report", "--stores", "shop01,shop02"]
    argv += ["--period", DAY, "--data", str(data), "--out", str(tmp_path), "--workers", "2"]
    assert main(argv) == 1
    assert "1 ok, 0 skipped (already done), 1 failed" in capsys.readouterr().out
    records = _kpis(tmp_path)
    assert records[("daily_report", "shop01")]["status"] == "ok"
    assert records[("daily_report", "shop02")]["status"] == "failed"
    (error,) = tmp_path.glob("daily_report/shop02/*/error.txt")
    text = error.read_text(encoding="utf-8")
    assert "orders: 1 value(s) of the key (order_id) occur more than once" in text
    assert repr(order_id) in text
    assert not list(tmp_path.glob("daily_report/shop02/*/report.ipynb")), "never executed"
