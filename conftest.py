"""pytest set-up for the notebooks (nbval), for `make test` and `pytest notebooks/` alike.

nbval runs every stored notebook with its default parameters, which read data/sample (the
sample `make sample` writes), as a run check: the notebooks carry no test code. The KPIs of a
test run are compared with golden values in tests/test_golden_kpis.py. Test fixtures are in
tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """nbval cells of one notebook share a kernel: keep them on one xdist worker (an
    ``xdist_group`` mark, set before xdist reads it); then make ``--dist loadgroup`` group."""
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
