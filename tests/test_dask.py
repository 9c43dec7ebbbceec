"""Scale-out on dask.distributed (DESIGN §6): a real two-worker ``LocalCluster`` runs a small
batch through ``run_batch`` with ``Client.get_executor()`` and through ``ecanalysis batch
--executor dask --scheduler ADDR``; the records equal those of the default process pool.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecanalysis.cli import main
from ecanalysis.runner import run_batch
from ecanalysis.schedule import plan_batch

try:
    import distributed
except ImportError:  # the extra is optional: pip install 'ecanalysis[dask]'
    distributed = None

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        distributed is None, reason="distributed is not installed (pip install 'ecanalysis[dask]')"
    ),
]

STORES = ("shop01", "shop02")
NOTEBOOK = "daily_report"
PERIOD = "latest-day"


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, as on a small real cluster."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


@pytest.fixture(scope="module")
def reference(sample_dir, tmp_path_factory):
    """The same reports run with the default local process pool."""
    out = tmp_path_factory.mktemp("runs-process")
    specs = plan(sample_dir, out)
    results = run_batch(specs, workers=2, progress=False)
    assert [r.status for r in results] == ["ok"] * len(STORES), results
    return records(out)


def plan(sample_dir, out, **options) -> list:
    """The test's reports (NOTEBOOK for STORES on PERIOD), written under ``out``."""
    return plan_batch(
        data=str(sample_dir),
        params=None,
        out=str(out),
        notebooks=[NOTEBOOK],
        stores=",".join(STORES),
        period=PERIOD,
        **options,
    )


def records(out: Path) -> dict[str, dict]:
    """metrics.json of each store under ``out``, by store id."""
    found = {}
    for path in sorted(Path(out).glob(f"{NOTEBOOK}/*/*/metrics.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        found[record["store_id"]] = record
    return found


def assert_same_reports(found: dict[str, dict], reference: dict[str, dict]) -> None:
    assert sorted(found) == sorted(STORES)
    for store_id, record in found.items():
        assert record["status"] == "ok", store_id
        assert record["period"] == reference[store_id]["period"]
        assert record["kpis"], store_id
        assert record["kpis"] == reference[store_id]["kpis"], store_id


def test_run_batch_on_a_dask_executor(cluster, reference, sample_dir, tmp_path):
    specs = plan(sample_dir, tmp_path, engine="kernel")  # what `batch --executor dask` uses
    with distributed.Client(cluster) as client:
        results = run_batch(specs, executor=client.get_executor(pure=False), progress=False)
    assert [(r.store_id, r.status) for r in results] == [(s, "ok") for s in STORES], results
    for result in results:
        assert (Path(result.record_dir) / "report.html").is_file()
        assert (Path(result.record_dir) / "report.ipynb").is_file()
    assert_same_reports(records(tmp_path), reference)


def dask_batch(sample_dir, out, *where: str) -> int:
    """``ecanalysis batch --executor dask`` of the test's reports, on the cluster ``where``
    says (``--scheduler ADDR`` or ``--workers N``)."""
    reports = ["--notebooks", NOTEBOOK, "--stores", ",".join(STORES), "--period", PERIOD]
    return main(
        [
            "batch",
            "--executor",
            "dask",
            *where,
            *reports,
            "--data",
            str(sample_dir),
            "--out",
            str(out),
        ]
    )


def test_cli_batch_on_an_existing_scheduler(cluster, reference, sample_dir, tmp_path, capsys):
    code = dask_batch(sample_dir, tmp_path, "--scheduler", cluster.scheduler_address)
    assert code == 0, capsys.readouterr()
    assert "2 ok, 0 skipped" in capsys.readouterr().out
    assert_same_reports(records(tmp_path), reference)
    assert (tmp_path / "index.html").is_file()


def test_cli_batch_starts_a_local_cluster(reference, sample_dir, tmp_path, capsys):
    code = dask_batch(sample_dir, tmp_path, "--workers", "2")
    assert code == 0, capsys.readouterr()
    assert "dask: local cluster of 2 workers, dashboard http" in capsys.readouterr().err
    assert_same_reports(records(tmp_path), reference)


def test_an_unreachable_scheduler_is_a_clear_error(sample_dir, tmp_path, monkeypatch, capsys):
    def unreachable(address, **_):
        raise OSError(f"Timed out trying to connect to {address} after 20 s")

    monkeypatch.setattr(distributed, "Client", unreachable)
    code = dask_batch(sample_dir, tmp_path, "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot reach the dask scheduler at 'tcp://127.0.0.1:1'" in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("daily_report/*/*/metrics.json")), "no report ran"
