"""pytest set-up for the notebooks (nbval), for `make test` and `pytest notebooks/` alike.

nbval runs every stored notebook with its default parameters, which read data/sample (the
sample `make sample` writes), as a run check: the notebooks carry no test code. The KPIs of a
test run are compared with golden values in tests/test_golden_kpis.py. Test fixtures are in
tests/conftest.py. Every test file has a tier (:data:`TIERS`), a marker on its tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

# charts render off-screen in tests, docstring examples and the kernels nbval starts
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

#: The dataset the notebooks' defaults read (`make sample`, `ecanalysis sample data/sample`).
DEFAULT_SAMPLE = Path(__file__).resolve().parent / "data" / "sample"


def pytest_sessionstart(session):
    """Write data/sample when it is missing (`make test` writes it first)."""
    if os.environ.get("PYTEST_XDIST_WORKER") or (DEFAULT_SAMPLE / "stores.parquet").exists():
        return
    from ecanalysis.sample import write_sample

    temp = DEFAULT_SAMPLE.with_name(f".sample-{os.getpid()}")
    write_sample(temp)
    try:
        temp.rename(DEFAULT_SAMPLE)
    except OSError:  # written meanwhile by another run
        shutil.rmtree(temp, ignore_errors=True)


# --- hygiene of every test and docstring example ------------------------------------------


@pytest.fixture(autouse=True)
def _no_leaked_figures():
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    yield
    leaked = set(plt.get_fignums()) - before
    plt.close("all")
    assert not leaked, f"test left {len(leaked)} figure(s) open"


@pytest.fixture(autouse=True)
def _pandas_options_untouched():
    import pandas as pd

    keys = ["display.max_columns", "display.max_rows", "display.precision", "display.width"]
    before = {k: pd.get_option(k) for k in keys}
    yield
    assert {k: pd.get_option(k) for k in keys} == before, "a test changed global pandas options"


# --- test tiers -------------------------------------------------------------------------
#: The tier of every test file (a pytest marker of the same name on each of its tests):
#:
#: - ``unit``: one function or module, on small hand-made frames or the shared sample;
#: - ``contract``: a promise over every member of a set: every public metric, every module
#:   (layering), every output column (labels), every notebook, the data contract, the
#:   importers' platform formats, the HTML escaping;
#: - ``golden``: numbers compared with published values or with statistical behaviour over
#:   many seeded draws (slower);
#: - ``corpus``: the bad-input corpus (tests/corpus);
#: - ``e2e``: notebooks, the command line and batch runs on the sample;
#: - ``system``: real processes and installs (kill -9, concurrent batches, timeouts, full
#:   disks, a dask cluster, a wheel in a new virtual environment): ``make test-system``,
#:   which CI runs after ``make test``.
#:
#: Docstring examples of the package get ``doctest``; nbval notebook cells get ``e2e``.
#: Entries of files that are not (or not yet) in this checkout are harmless.
#: ``make test-fast`` runs unit, contract and doctest (without ``slow`` and ``browser``).
TIERS: dict[str, str] = {
    "test_alerts.py": "unit",
    "test_alerts_profit.py": "unit",
    "test_anomalies.py": "unit",
    "test_browser_report.py": "e2e",
    "test_campaigns.py": "unit",
    "test_channels_compare.py": "unit",
    "test_cli_e2e.py": "e2e",
    "test_clv.py": "golden",
    "test_context.py": "unit",
    "test_contract.py": "contract",
    "test_corpus.py": "corpus",
    "test_dask.py": "system",
    "test_data.py": "contract",
    "test_engine.py": "unit",
    "test_errors.py": "unit",
    "test_facts.py": "contract",
    "test_failures.py": "system",
    "test_forecast.py": "unit",
    "test_forecast_calibration.py": "golden",
    "test_glossary.py": "unit",
    "test_golden_kpis.py": "golden",
    "test_html_page.py": "unit",
    "test_html_safety.py": "contract",
    "test_importers.py": "contract",
    "test_importers_platforms.py": "contract",
    "test_importers_shopify.py": "contract",
    "test_index.py": "unit",
    "test_interrupted_and_bad_rows.py": "system",
    "test_kpi_crosscheck.py": "e2e",
    "test_labels.py": "contract",
    "test_layering.py": "contract",
    "test_metric_contract.py": "contract",
    "test_metrics_customers.py": "unit",
    "test_metrics_inventory.py": "unit",
    "test_metrics_products.py": "unit",
    "test_metrics_profit.py": "unit",
    "test_metrics_reviews.py": "unit",
    "test_metrics_targets_pricing_portfolio.py": "unit",
    "test_notebook_sections.py": "e2e",
    "test_notebook_structure.py": "contract",
    "test_notebooks.py": "contract",
    "test_orders.py": "unit",
    "test_params.py": "unit",
    "test_paths.py": "unit",
    "test_periods.py": "unit",
    "test_plots.py": "unit",
    "test_profit_inputs.py": "unit",
    "test_profit_reports.py": "e2e",
    "test_report.py": "unit",
    "test_reporting_currency.py": "unit",
    "test_runner_hardening.py": "system",
    "test_sample.py": "unit",
    "test_security_inputs.py": "corpus",
    "test_schedules.py": "e2e",
    "test_statistics_anomalies.py": "unit",
    "test_statistics_calendar.py": "unit",
    "test_statistics_campaigns.py": "unit",
    "test_statistics_clv.py": "golden",
    "test_statistics_forecast.py": "golden",
    "test_statistics_pacing.py": "unit",
    "test_summary.py": "unit",
    "test_traffic_funnel.py": "unit",
    "test_validate.py": "contract",
    "test_workbook.py": "unit",
    # --- install helper (issue 18): packaging, workspace, notify, data contract doc ---
    "test_packaging.py": "contract",
    "test_workspace.py": "unit",
    "test_notify.py": "unit",
    "test_notify_delivery.py": "e2e",
    "test_data_contract_doc.py": "contract",
    "test_install_e2e.py": "system",
    "test_lock.py": "contract",
}
TIER_MARKERS = ("unit", "contract", "golden", "corpus", "e2e", "system")
_TESTS = Path(__file__).resolve().parent / "tests"


def tier_of(path: Path) -> str | None:
    """The tier of a collected file: its entry in :data:`TIERS` for a test file here,
    ``doctest`` for a module of the package, ``e2e`` for a notebook (nbval)."""
    if path.suffix == ".ipynb":
        return "e2e"
    if _TESTS not in path.parents:
        return "doctest"
    return TIERS.get(path.name)


def _mark_tiers(items) -> None:
    """Mark every item with its tier; refuse a test file that has none."""
    unclassified = set()
    for item in items:
        tier = tier_of(item.path)
        if tier is None:
            unclassified.add(item.path.name)
            continue
        item.add_marker(getattr(pytest.mark, tier))
    if unclassified:
        raise pytest.UsageError(
            f"test files without a tier: {', '.join(sorted(unclassified))}. Add each to TIERS "
            f"in conftest.py as one of {', '.join(TIER_MARKERS)} (see the comment there)."
        )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Mark each item with its tier. nbval cells of one notebook share a kernel: keep them
    on one xdist worker (an ``xdist_group`` mark, set before xdist reads it); then make
    ``--dist loadgroup`` group."""
    _mark_tiers(items)
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group(f"nbval-{item.path.stem}"))
    result = yield
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        _keep_group_suffix(items)
    return result


def _keep_group_suffix(items) -> None:
    """Give each grouped item the ``@<group>`` node-id suffix that loadgroup schedules by.

    xdist 3.8 writes it to ``Node._nodeid``, which pytest 9 no longer reads (node ids live
    in ``Node._id``), so the groups are silently scattered over the workers
    (pytest-dev/pytest-xdist#1386): session fixtures such as the shared batch run once per
    worker and an nbval kernel misses the cells run elsewhere. Does nothing where the
    suffix is already there.
    """
    try:
        from _pytest.nodes import coerce_node_id
    except ImportError:  # pytest < 9: xdist's own suffix works
        return
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)


# -- tiers of the products, stock and after-sales tests (issue 20) ---------------------------
TIERS.update(
    {
        "test_metrics_basket.py": "unit",
        "test_metrics_reorder.py": "unit",
        "test_metrics_refunds.py": "unit",
        "test_metrics_product_diagnosis.py": "unit",
    }
)
