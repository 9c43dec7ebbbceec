"""Shared fixtures: one small deterministic sample per test session and the batch run that
end-to-end tests share; the hypothesis profiles. The notebook (nbval) set-up, the test
tiers and the hygiene checks (no leaked figures, pandas options untouched), which hold for
docstring examples too, are in the root conftest.py."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import settings

# Hypothesis: the same examples on every run (a failure in CI is a failure on your machine),
# no deadline (the CPU is shared, timings vary). HYPOTHESIS_PROFILE=dev draws new random
# examples, more of them, to hunt for bugs locally.
settings.register_profile(
    "repeatable", derandomize=True, deadline=None, max_examples=50, database=None
)
settings.register_profile("dev", deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


#: Size of the shared test sample: 3 stores, a year and a half, ~25 orders a day a store.
SAMPLE_KWARGS = {"stores": 3, "orders_per_day": 25, "seed": 0}


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory):
    """A small sample dataset (all tables, 3 stores) shared by the tests of one worker."""
    from ecanalysis.sample import write_sample

    path = tmp_path_factory.mktemp("sample") / "data"
    write_sample(path, **SAMPLE_KWARGS)
    return path


@pytest.fixture
def sample_report(sample_dir, tmp_path):
    """``sample_report(notebook, store_id, period)``: the ``(context, record)`` a notebook
    opens on the sample (in English unless ``lang`` says), writing into a temporary record."""
    from ecanalysis.context import open_report

    def open_one(notebook: str, store_id: str, period: str, *, lang: str = "en"):
        return open_report(
            notebook,
            store_id=store_id,
            period=period,
            data=sample_dir,
            lang=lang,
            output_dir=tmp_path / "record",
        )

    return open_one


@pytest.fixture
def sample_with(sample_dir, tmp_path):
    """``sample_with(table=edit)``: a dataset folder holding the shared sample with
    ``table`` replaced by ``edit(frame of the sample's table)``; the other tables are links
    to the sample's files. For tests of one table's gaps or extra rows."""

    def make(**edits):
        data = tmp_path / "data"
        data.mkdir()
        for path in sample_dir.iterdir():
            if path.stem not in edits:
                (data / path.name).symlink_to(path)
        for table, edit in edits.items():
            frame = edit(pd.read_parquet(sample_dir / f"{table}.parquet"))
            frame.to_parquet(data / f"{table}.parquet", index=False)
        return data

    return make


@pytest.fixture(scope="session")
def dataset(sample_dir):
    """``open_dataset`` on the shared sample."""
    from ecanalysis.data import open_dataset

    return open_dataset(sample_dir)


@pytest.fixture(scope="session")
def batch(sample_dir, tmp_path_factory):
    """Every notebook for shop01 and the portfolio, run once through `ecanalysis batch`:
    ``(exit code, runs directory)``. Shared by the end-to-end tests (test_cli_e2e,
    test_kpi_crosscheck), which are in one xdist group, so the batch runs once."""
    from ecanalysis.cli import main

    out = tmp_path_factory.mktemp("runs")
    code = main(
        [
            "batch",
            "--data",
            str(sample_dir),
            "--out",
            str(out),
            "--stores",
            "shop01",
            "--workers",
            "2",
        ]
    )
    return code, out
