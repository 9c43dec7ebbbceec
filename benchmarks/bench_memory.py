"""Benchmark 3: one store's monthly_assessment peak memory, 1M- vs 10M-order portfolio.

The same store (shop01, same size) sits in a 10-store and a 100-store portfolio; a report
reads only its store's rows and columns, so its peak memory should not grow with the
portfolio.
"""

from __future__ import annotations

import shutil

import bench_sample
from _util import BIN, OUT, measure


def report_peak(path: str, out: str) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    result = measure(
        [
            str(BIN / "ecanalysis"),
            "run",
            "monthly_assessment",
            "--store-id",
            "shop01",
            "--period",
            "latest-month",
            "--data",
            path,
            "--out",
            out,
            "--force",
        ]
    )
    if result.returncode:
        raise SystemExit("monthly_assessment failed")
    return result.seconds, result.peak_mib


def run(*, scale: float = 1.0) -> list[dict]:
    small_stores = max(1, int(10 * scale))
    big_stores = max(2, int(bench_sample.STORES * scale))
    small, _ = bench_sample.portfolio(
        small_stores, bench_sample.ORDERS_PER_DAY, f"bench-sample-{small_stores}"
    )
    big, _ = bench_sample.portfolio(
        big_stores, bench_sample.ORDERS_PER_DAY, f"bench-sample-{big_stores}"
    )
    n_small, n_big = bench_sample.order_count(small), bench_sample.order_count(big)
    t_small, m_small = report_peak(small, str(OUT / "runs-small"))
    t_big, m_big = report_peak(big, str(OUT / "runs-big"))
    growth = m_big / m_small - 1
    print(
        f"monthly_assessment shop01: {n_small:,} orders portfolio {m_small:,.0f} MiB ({t_small:.1f} s); "
        f"{n_big:,} orders {m_big:,.0f} MiB ({t_big:.1f} s); growth {growth:+.1%}"
    )
    return [
        {
            "benchmark": "3. memory flatness",
            "figure": f"peak, {n_small:,}-order portfolio",
            "value": f"{m_small:,.0f} MiB ({t_small:.1f} s)",
        },
        {
            "benchmark": "3. memory flatness",
            "figure": f"peak, {n_big:,}-order portfolio",
            "value": f"{m_big:,.0f} MiB ({t_big:.1f} s)",
        },
        {
            "benchmark": "3. memory flatness",
            "figure": "growth",
            "value": f"{growth:+.1%}",
            "target": "< 20 %",
            "met": growth < 0.2,
        },
    ]
