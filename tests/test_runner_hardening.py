"""The Run layer against bad input and bad luck (issues 15 and 21): unknown store ids,
periods after the data end, second-language records, labelled CSV tables, per-report
locks, workers that die with their parent, timeouts on native hangs, unusable --out.

The fast tests call ``ecanalysis.cli.main`` in-process; the ``slow`` ones start real
processes (kill -9, concurrency, timeouts, a full disk) and run a tiny notebook of a
temporary workspace (``ECANALYSIS_ROOT``), not the real reports, to stay short.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from ecanalysis import publish
from ecanalysis.cli import main
from ecanalysis.index import write_index
from ecanalysis.record import csv_table

# ---------------------------------------------------------------------------
# arguments refused before anything runs (exit 2, nothing written)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_unknown_store_is_refused_with_the_closest_id(sample_dir, tmp_path, capsys):
    out = tmp_path / "runs"
    code = main(["run", "daily_report", "--store-id", "shp01", "--data", str(sample_dir),
                 "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "did you mean shop01" in err
    assert len(err.strip().splitlines()) == 1
    assert not list(out.glob("daily_report/**/metrics.json"))  # no record written


def test_batch_refuses_unknown_store_ids(sample_dir, tmp_path, capsys):
    code = main(["batch", "--stores", "shop01,shop9", "--period", "2025-11-30",
                 "--data", str(sample_dir), "--out", str(tmp_path / "runs")])  # fmt: skip
    assert code == 2
    assert "shop9" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "-inf"])
@pytest.mark.parametrize("command", ["run", "batch"])
def test_unusable_timeouts_are_one_line_errors(sample_dir, tmp_path, capsys, value, command):
    argv = [command, *(["daily_report"] if command == "run" else ["--period", "2025-11-30"])]
    code = main([*argv, f"--timeout={value}", "--data", str(sample_dir),
                 "--out", str(tmp_path / "runs")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "--timeout" in err and len(err.strip().splitlines()) == 1
    assert not _files(tmp_path / "runs")


@pytest.mark.parametrize("inside", [".", "runs", "deep/runs"])
def test_out_inside_the_dataset_is_refused(sample_with, tmp_path, capsys, inside):
    data = sample_with()
    out = data / inside
    code = main(["run", "daily_report", "--store-id", "shop01", "--data", str(data),
                 "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "inside the dataset" in err
    assert not (data / "deep").exists() and not (data / "runs").exists()


def test_unwritable_out_is_refused_before_anything_runs(sample_dir, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    code = main(["run", "daily_report", "--store-id", "shop01", "--data", str(sample_dir),
                 "--out", str(blocker / "runs")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot write records" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------------
# second-language records


def test_lang_names():
    assert publish.lang_name("report.html", "en") == "report.en.html"
    assert publish.lang_name("monthly_assessment.xlsx", "en") == "monthly_assessment.en.xlsx"
    assert publish.lang_name("tables", "en") == "tables.en"
    assert publish.lang_name("metrics.json", None) == "metrics.json"
    assert [publish.lang_of(n) for n in ("report.en.html", "tables.zh", "report.html")] == [
        "en",
        "zh",
        None,
    ]


def _publish(final: Path, lang: str | None, text: str) -> None:
    with publish.record_lock(final), publish.staged_record(final, lang=lang) as temp:
        (temp / "report.html").write_text(text)
        (temp / "metrics.json").write_text(json.dumps({"status": "ok", "text": text}))
        (temp / "tables").mkdir()
        (temp / "tables" / "t.csv").write_text(text)


def test_a_second_language_never_replaces_the_default_record(tmp_path):
    final = tmp_path / "daily_report" / "shop01" / "2025-11-30"
    _publish(final, None, "zh-1")
    _publish(final, "en", "en-1")
    assert (final / "report.html").read_text() == "zh-1"
    assert (final / "report.en.html").read_text() == "en-1"
    assert (final / "tables.en" / "t.csv").read_text() == "en-1"
    _publish(final, None, "zh-2")  # a rerun of the default keeps the English record
    assert (final / "report.html").read_text() == "zh-2"
    assert (final / "tables" / "t.csv").read_text() == "zh-2"
    assert (final / "report.en.html").read_text() == "en-1"
    _publish(final, "en", "en-2")
    assert sorted(p.name for p in final.iterdir()) == [
        "metrics.en.json",
        "metrics.json",
        "report.en.html",
        "report.html",
        "tables",
        "tables.en",
    ]
    assert (final / "report.html").read_text() == "zh-2"
    assert (final / "report.en.html").read_text() == "en-2"


@pytest.mark.parametrize(
    ("asked", "second"), [({"lang": "en"}, "en"), ({"lang": "zh"}, None), ({}, None)]
)
def test_only_a_language_other_than_the_stores_is_a_second_record(asked, second):
    from ecanalysis.config import default_params_dir
    from ecanalysis.runner import RunSpec, second_language

    spec = RunSpec("daily_report", "shop01", parameters=asked)  # the sample's stores: zh
    assert second_language(spec, default_params_dir()) == second


def test_batch_lang_runs_every_report_in_that_language(sample_dir, tmp_path):
    from ecanalysis.schedule import plan_batch

    specs = plan_batch(data=str(sample_dir), params=None, out=str(tmp_path), period="2025-11-30",
                       notebooks=["daily_report"], lang="en")  # fmt: skip
    assert [s.parameters.get("lang") for s in specs] == ["en"] * len(specs) and specs


def test_the_index_links_both_languages(tmp_path):
    final = tmp_path / "daily_report" / "shop01" / "2025-11-30"
    _publish(final, None, "zh")
    _publish(final, "en", "en")
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert 'href="daily_report/shop01/2025-11-30/report.html"' in html
    assert 'href="daily_report/shop01/2025-11-30/report.en.html"' in html
    assert 'href="daily_report/shop01/2025-11-30/metrics.en.json"' in html
    assert "2025-11-30 (en)" in html


# ---------------------------------------------------------------------------
# CSV tables for people


def test_csv_tables_have_labelled_headers_and_rounded_numbers():
    frame = pd.DataFrame(
        {
            "channel": ['=HYPERLINK("http://x")', "app"],
            "paid_amount": [1234.5678, 0.005],
            "conversion_rate": [0.123456, float("nan")],
            "orders": [3.0, 4.0],
        }
    )
    before = frame.copy()
    zh = csv_table(frame, lang="zh")
    assert list(zh.columns) == ["渠道", "支付金额", "转化率", "支付订单数"]
    assert zh["支付金额"].tolist() == [1234.57, 0.01]
    assert zh["转化率"].iloc[0] == 0.1235 and pd.isna(zh["转化率"].iloc[1])
    assert zh["支付订单数"].tolist() == [3, 4]
    assert csv_table(pd.DataFrame({"orders": [float("inf")]}))["支付订单数"].tolist() == [
        float("inf")
    ]
    assert list(csv_table(frame, lang="en").columns)[1] == "Paid amount"
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed


def test_save_table_writes_the_people_csv_and_keeps_the_raw_workbook_frame(tmp_path):
    from ecanalysis.record import Record

    record = Record("daily_report", "shop01", None, {}, {}, {}, lang="en",
                    output_dir=tmp_path, workbook=True)  # fmt: skip
    frame = pd.DataFrame({"sku": ["=1+1", "\r@SUM(A1)"], "paid_amount": [1.005, 2.0]})
    record.save_table("top", frame)
    text = (tmp_path / "tables" / "top.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "SKU,Paid amount"
    assert "'=1+1" in text  # formulas stay neutralised
    assert "\n=" not in text and "\r@" not in text.replace("\r\n", "\n")
    assert list(record.tables["top"].columns) == ["sku", "paid_amount"]  # raw for the workbook
    assert record.tables["top"]["paid_amount"].tolist() == [1.005, 2.0]


# ---------------------------------------------------------------------------
# a period after the data end


def test_no_data_note_names_store_period_and_data_end(tmp_path):
    from ecanalysis.commands import status_line
    from ecanalysis.runner import RunResult

    temp = tmp_path / "rec"
    temp.mkdir()
    record = {
        "store_id": "shop01",
        "period": {"label": "2025-12-05", "start": "2025-12-05T00:00:00+08:00", "complete": True},
        "coverage": {"first": "2023-12-01", "last": "2025-11-30"},
        "alerts": [],
        "parameters": {"lang": "en"},
    }
    note = publish._no_data(record)
    assert note.startswith(
        "no data for this period: store shop01, period 2025-12-05, data end 2025-11-30"
    )
    inside = dict(record, period={"label": "2025-11-30", "start": "2025-11-30T00:00:00+08:00"})
    assert publish._no_data(inside) is None
    result = RunResult("daily_report", "shop01", "2025-12-05", "ok", "runs/x", no_data=note)
    assert status_line(result).startswith("ok, no data for this period")


# ---------------------------------------------------------------------------
# real processes: a workspace with tiny notebooks


PARAMETERS = """\
store_id = "shop01"
period = "2025-11-30"
data = None
params = None
output_dir = ""
on_bad_rows = "fail"
lang = "zh"
delay: float = 0.0
blob: int = 0
"""

QUICK = """\
import json, time, pathlib
time.sleep(delay)
out = pathlib.Path(output_dir)
if blob:
    (out / "blob.bin").write_bytes(b"x" * int(blob))
(out / "metrics.json").write_text(json.dumps({
    "notebook": "quick", "store_id": store_id, "status": "ok",
    "period": {"label": period, "start": period + "T00:00:00+08:00", "complete": True},
    "coverage": {"first": "2023-12-01", "last": "2025-11-30"},
    "kpis": {"orders": 1}, "alerts": [], "parameters": {"lang": lang},
}))
"""

# A cell stuck where signals do not reach it (as in native code): SIGALRM, which the
# in-process engine's timeout uses, is blocked, and the wait never ends by itself.
HANG = """\
import signal, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGINT})
time.sleep(120)
"""


def _notebook(path: Path, source: str) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(PARAMETERS)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A project root with the project's params and the notebooks ``quick`` and ``hang``."""
    import shutil

    from ecanalysis.config import default_params_dir

    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(default_params_dir(), root / "params")
    (root / "notebooks").mkdir()
    _notebook(root / "notebooks" / "quick.ipynb", QUICK)
    _notebook(root / "notebooks" / "hang.ipynb", HANG)
    return root


def _ecanalysis(workspace: Path, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "ECANALYSIS_ROOT": str(workspace), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "ecanalysis", *args],
        env=env,
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_batch_workers_die_with_their_parent(workspace, sample_dir, tmp_path):
    out = tmp_path / "runs"
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(
        "reports:\n  - {notebook: quick, stores: [shop01, shop02], period: '2025-11-30', delay: 30}\n"
    )
    proc = _ecanalysis(workspace, "batch", "--schedule", str(schedule), "--data",
                       str(sample_dir), "--out", str(out), "--workers", "2")  # fmt: skip
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(workers) < 2:
            workers = {p for p in _children(proc.pid) if "spawn" in _cmdline(p)}
            time.sleep(0.2)
        assert len(workers) == 2, "the batch started no workers"
        time.sleep(1.0)  # past the workers' initializer
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "a worker outlived its batch"
    finally:  # a worker that outlived its batch holds the pipes: end it here
        for pid in workers | _children(proc.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()
    assert not list(out.glob("quick/*/*/metrics.json"))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow
def test_two_batches_on_one_out_take_turns(workspace, sample_dir, tmp_path):
    out = tmp_path / "runs"
    schedule = tmp_path / "schedule.yaml"
    # the same report twice in one batch, and two such batches at once
    entry = "  - {notebook: quick, stores: [shop01], period: '2025-11-30', delay: 2}\n"
    schedule.write_text("reports:\n" + entry + entry)
    args = ("batch", "--schedule", str(schedule), "--data", str(sample_dir), "--out", str(out),
            "--workers", "2")  # fmt: skip
    first, second = _ecanalysis(workspace, *args), _ecanalysis(workspace, *args)
    results = [p.communicate(timeout=60) for p in (first, second)]
    for proc, (stdout, stderr) in zip((first, second), results, strict=True):
        assert proc.returncode == 0, stdout + stderr
        assert "FileNotFoundError" not in stdout + stderr
    summaries = " ".join(stdout for stdout, _ in results)
    assert summaries.count("1 ok") == 1  # one of the four ran, the others waited and skipped
    assert "waiting: another run is writing" in " ".join(stderr for _, stderr in results)
    record = out / "quick" / "shop01" / "2025-11-30"
    assert json.loads((record / "metrics.json").read_text())["status"] == "ok"
    assert not [p for p in record.parent.iterdir() if p.name.startswith((".tmp-", ".old-"))]


@pytest.mark.slow
def test_a_killed_force_rerun_leaves_no_temp_folder(workspace, sample_dir, tmp_path):
    out = tmp_path / "runs"
    run = ("run", "quick", "--store-id", "shop01", "--period", "2025-11-30", "--data",
           str(sample_dir), "--out", str(out), "--engine", "inprocess")  # fmt: skip
    assert _ecanalysis(workspace, *run).wait(timeout=60) == 0
    record = out / "quick" / "shop01" / "2025-11-30"
    killed = _ecanalysis(workspace, *run, "--force", "-p", "delay", "30")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(record.parent.glob(".tmp-*")):
        time.sleep(0.2)
    assert list(record.parent.glob(".tmp-*")), "the rerun never started"
    killed.kill()
    killed.communicate()
    rerun = _ecanalysis(workspace, *run)  # skipped: the record is done, yet it sweeps
    stdout, _ = rerun.communicate(timeout=60)
    assert rerun.returncode == 0 and "skipped" in stdout
    assert not list(record.parent.glob(".tmp-*"))
    assert json.loads((record / "metrics.json").read_text())["status"] == "ok"


@pytest.mark.slow
def test_timeout_stops_a_cell_hung_where_signals_do_not_reach(workspace, sample_dir, tmp_path):
    out = tmp_path / "runs"
    started = time.monotonic()
    proc = _ecanalysis(workspace, "batch", "--notebooks", "hang", "--stores", "shop01",
                       "--period", "2025-11-30", "--data", str(sample_dir), "--out", str(out),
                       "--timeout", "3", "--workers", "1")  # fmt: skip
    try:
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert time.monotonic() - started < 60
    assert proc.returncode == 1, stdout + stderr
    record = json.loads((out / "hang" / "shop01" / "2025-11-30" / "metrics.json").read_text())
    assert record["status"] == "failed"


@pytest.mark.slow
def test_a_full_disk_keeps_the_previous_record(workspace, sample_dir, tmp_path):
    import resource

    out = tmp_path / "runs"
    run = ("run", "quick", "--store-id", "shop01", "--period", "2025-11-30", "--data",
           str(sample_dir), "--out", str(out), "--engine", "inprocess")  # fmt: skip
    assert _ecanalysis(workspace, *run).wait(timeout=60) == 0
    record = out / "quick" / "shop01" / "2025-11-30"
    good = (record / "metrics.json").read_text()

    def small_disk():  # files above 2 MB cannot be written: a disk that fills up
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))

    proc = _ecanalysis(workspace, *run, "--force", "-p", "blob", "3000000",
                       preexec_fn=small_disk)  # fmt: skip
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stdout + stderr
    assert "Traceback" not in stdout + stderr
    assert "File too large" in stdout and "previous record" in stdout
    assert (record / "metrics.json").read_text() == good
    assert not list(record.parent.glob(".tmp-*"))


def test_a_period_after_the_data_end_says_no_data(workspace, sample_dir, tmp_path, monkeypatch,
                                                  capsys):  # fmt: skip
    monkeypatch.setenv("ECANALYSIS_ROOT", str(workspace))
    out = tmp_path / "runs"
    code = main(["run", "quick", "--store-id", "shop01", "--period", "2025-12-05", "--data",
                 str(sample_dir), "--out", str(out), "--engine", "inprocess"])  # fmt: skip
    stdout = capsys.readouterr().out
    assert code == 0
    first = stdout.splitlines()[0]
    assert first.startswith("ok, no data for this period: store shop01, period 2025-12-05, ")
    assert "data end 2025-11-30" in first
    record = json.loads((out / "quick/shop01/2025-12-05/metrics.json").read_text())
    assert record["no_data"].startswith("no data for this period")
    assert record["alerts"][0]["message"] == record["no_data"]
    assert record["period"]["complete"] is False


def test_lang_en_run_writes_a_second_record(workspace, sample_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECANALYSIS_ROOT", str(workspace))
    out = tmp_path / "runs"
    run = ["run", "quick", "--store-id", "shop01", "--period", "2025-11-30", "--data",
           str(sample_dir), "--out", str(out), "--engine", "inprocess"]  # fmt: skip
    assert main(run) == 0
    assert main([*run, "-p", "lang", "en"]) == 0
    assert "report.en.html" in capsys.readouterr().out
    folder = out / "quick" / "shop01" / "2025-11-30"
    assert json.loads((folder / "metrics.json").read_text())["parameters"]["lang"] == "zh"
    assert json.loads((folder / "metrics.en.json").read_text())["parameters"]["lang"] == "en"
    assert (folder / "report.html").is_file() and (folder / "report.en.html").is_file()
    assert main([*run, "-p", "lang", "en"]) == 0  # done: skipped, the default one kept
    assert "1 skipped" in capsys.readouterr().out
    assert (folder / "report.html").is_file()
