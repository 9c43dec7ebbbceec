"""Failures stay contained: a notebook that raises, a kernel or worker that dies and a
timeout each end as ``status: failed`` with ``error.txt`` for that report only; the rest
of the batch completes, the exit code is 1 and the index shows the failures.

The planted notebooks live in a throw-away project root (``ECANALYSIS_ROOT``) next to a
copy of the real ``daily_report``, so the batch runs real and broken reports side by side.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from ecanalysis.cli import main
from ecanalysis.config import ROOT_ENV, project_root
from ecanalysis.notebooks import HEADLINE_KPIS
from ecanalysis.runner import RunSpec, run_batch, run_notebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

DAY = "2025-11-11"
PARAMETERS = """\
store_id: str = "shop01"  # store
period: str = "latest-day"  # period
data: "Optional[str]" = None  # dataset directory
params: "Optional[str]" = None  # params directory
output_dir: "Optional[str]" = None  # record directory
on_bad_rows: str = "fail"  # fail or quarantine
"""
#: Planted notebooks: name → the cell that follows the parameters.
PLANTED = {
    "raises": 'raise ValueError("planted failure in the report")',
    "dies": "import os\nos._exit(3)",
    "sleeps": "import time\ntime.sleep(60)",
}


def _planted_notebook(body: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    return nb


@pytest.fixture(scope="module")
def planted_root(tmp_path_factory):
    """A project root with the real daily_report and params, plus the planted notebooks."""
    root = tmp_path_factory.mktemp("root")
    (root / "notebooks").mkdir()
    shutil.copy(project_root() / "notebooks" / "daily_report.ipynb", root / "notebooks")
    shutil.copytree(project_root() / "params", root / "params")
    for name, body in PLANTED.items():
        nbformat.write(_planted_notebook(body), root / "notebooks" / f"{name}.ipynb")
    return root


@pytest.fixture
def in_planted_root(planted_root, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(planted_root))  # inherited by spawned workers
    return planted_root


def _record(out: Path, notebook: str, store_id: str = "shop01") -> dict:
    (path,) = out.glob(f"{notebook}/{store_id}/*/metrics.json")
    return json.loads(path.read_text(encoding="utf-8")) | {"_dir": path.parent}


def test_batch_contains_every_kind_of_failure(in_planted_root, sample_dir, tmp_path, capsys):
    out = tmp_path / "runs"
    common = {"data": str(sample_dir), "out": str(out), "period": DAY}
    specs = [
        RunSpec("daily_report", "shop01", engine="inprocess", **common),
        RunSpec("raises", "shop01", engine="inprocess", **common),
        RunSpec("dies", "shop01", engine="inprocess", **common),  # takes its worker down
        RunSpec("sleeps", "shop01", engine="inprocess", timeout=2, **common),
        RunSpec("daily_report", "shop02", engine="inprocess", **common),
    ]
    results = run_batch(specs, workers=2, progress=False)

    assert [(r.notebook, r.store_id, r.status) for r in results] == [
        ("daily_report", "shop01", "ok"),
        ("raises", "shop01", "failed"),
        ("dies", "shop01", "failed"),
        ("sleeps", "shop01", "failed"),
        ("daily_report", "shop02", "ok"),
    ]
    for notebook, reason in [
        ("raises", "ValueError: planted failure in the report"),
        ("dies", "worker process died"),
        ("sleeps", "cell did not finish within 2 seconds"),
    ]:
        record = _record(out, notebook)
        assert record["status"] == "failed"
        assert record["kpis"] == dict.fromkeys(HEADLINE_KPIS), "never empty: headline KPIs unknown"
        assert reason in (record["_dir"] / "error.txt").read_text(encoding="utf-8")
        assert record["alerts"][0]["level"] == "critical"
    for store in ("shop01", "shop02"):
        assert _record(out, "daily_report", store)["status"] == "ok"
    assert not list(out.rglob(".tmp-*")), "no temporary directories left behind"


@pytest.mark.parametrize(("notebook", "reason"), [("dies", "DeadKernelError"), ("sleeps", "")])
def test_kernel_engine_records_dead_kernels_and_timeouts(
    in_planted_root, sample_dir, tmp_path, notebook, reason
):
    spec = RunSpec(
        notebook, "shop01", DAY, str(sample_dir), out=str(tmp_path), timeout=3, engine="kernel"
    )
    result = run_notebook(spec)
    assert result.status == "failed"
    error = (Path(result.record_dir) / "error.txt").read_text(encoding="utf-8")
    assert reason in error
    if notebook == "sleeps":
        assert "timed out" in error.lower() or "timeout" in error.lower()


def test_cli_exit_code_and_index_show_failures(in_planted_root, sample_dir, tmp_path, capsys):
    out = tmp_path / "runs"
    argv = ["batch", "--notebooks", "daily_report,raises", "--stores", "shop01"]
    argv += ["--period", DAY, "--data", str(sample_dir), "--out", str(out), "--workers", "1"]
    assert main(argv) == 1
    said = capsys.readouterr()
    printed = said.out
    assert "1 ok, 0 skipped (already done), 1 failed" in printed
    assert "ValueError: planted failure in the report" in printed
    # not a terminal (a cron log): each failure once, in the summary
    assert (said.out + said.err).count("failed: raises shop01") == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "raises" in index and "failed" in index
    assert "error.txt" in index
