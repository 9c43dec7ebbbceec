"""Benchmark 3: one store's monthly_assessment peak memory, 1M- vs 10M-order portfolio.

The first store of the sample is the same store (same seed stream, size and rows; only its
id is ``shop01`` among 10 stores and ``shop001`` among 100) in a 10-store portfolio of about
1M orders and a 100-store portfolio of about 10M. A report reads only its store's rows and
the columns it needs, so its peak memory should not grow with the portfolio. ``ecanalysis
run`` executes the notebook in a Jupyter kernel; the peak is that of the largest process
(the runner or the kernel), and both are reported.
"""

from __future__ import annotations

import shutil

import bench_sample
import pyarrow.parquet as pq
from _util import BIN, load, measure, workdir

REPEATS = 2


def first_store(path: str) -> str:
    return str(pq.read_table(f"{path}/stores.parquet", columns=["store_id"])[0][0])


def report(path: str, out: str):
    """Run one monthly_assessment of the portfolio's first store; its Measure."""
    shutil.rmtree(out, ignore_errors=True)
    return measure(
        [
            str(BIN / "ecanalysis"),
            "run",
            "monthly_assessment",
            "--store-id",
            first_store(path),
            "--period",
            "latest-month",
            "--data",
            path,
            "--out",
            out,
            "--force",
        ]
    )


def run(*, scale: float = 1.0) -> list[dict]:
    small_stores = max(1, int(bench_sample.SMALL_STORES * scale))
    big_stores = max(2, int(bench_sample.STORES * scale))
    small = bench_sample.portfolio(small_stores)
    big = bench_sample.portfolio(big_stores)
    n_small, n_big = bench_sample.order_count(small), bench_sample.order_count(big)
    before = load()
    runs_small, runs_big = [], []
    for _ in range(REPEATS):  # alternately, so a busy moment hits both alike
        runs_small.append(report(small, str(workdir() / "runs-small")))
        runs_big.append(report(big, str(workdir() / "runs-big")))
    after = load()
    m_small, m_big = max(m.peak_mib for m in runs_small), max(m.peak_mib for m in runs_big)
    t_small, t_big = min(m.seconds for m in runs_small), min(m.seconds for m in runs_big)
    growth = m_big / m_small - 1
    print(
        f"monthly_assessment {first_store(small)}/{first_store(big)}: "
        f"{n_small:,}-order portfolio peak {m_small:,.0f} MiB ({t_small:.1f} s); "
        f"{n_big:,}-order portfolio peak {m_big:,.0f} MiB ({t_big:.1f} s); "
        f"growth {growth:+.1%}; {before} → {after}"
    )
    name = "3. memory flatness"
    return [
        {
            "benchmark": name,
            "figure": f"monthly_assessment peak, {n_small:,}-order portfolio ({small_stores} stores)",
            "value": f"{m_small:,.0f} MiB ({t_small:.1f} s)",
            "load": f"{before} → {after}",
        },
        {
            "benchmark": name,
            "figure": f"same store, {n_big:,}-order portfolio ({big_stores} stores)",
            "value": f"{m_big:,.0f} MiB ({t_big:.1f} s)",
        },
        {
            "benchmark": name,
            "figure": "peak memory growth",
            "value": f"{growth:+.1%}",
            "target": "< 20 %",
            "met": growth < 0.2,
        },
    ]
