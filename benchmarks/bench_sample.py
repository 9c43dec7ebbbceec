"""Benchmark 4: generating a 10-million-order sample: time and peak memory."""

from __future__ import annotations

import pyarrow.parquet as pq
from _util import BIN, OUT, measure

#: 100 stores × two years; orders-per-day chosen so the portfolio holds about 10M orders.
STORES = 100
ORDERS_PER_DAY = 130


def portfolio(stores: int, orders_per_day: float, name: str) -> tuple[str, float]:
    """Generate (or reuse) a sample under benchmarks/out/<name>; return its path and seconds."""
    path = OUT / name
    if (path / "orders.parquet").exists() or (path / "orders").exists():
        return str(path), float("nan")
    result = measure(
        [
            str(BIN / "ecanalysis"),
            "sample",
            str(path),
            "--stores",
            str(stores),
            "--orders-per-day",
            str(orders_per_day),
            "--seed",
            "0",
        ]
    )
    if result.returncode:
        raise SystemExit(f"sample generation failed ({name})")
    return str(path), result.seconds


def order_count(path: str) -> int:
    """Rows of the orders table (from Parquet metadata, no scan)."""
    return pq.ParquetFile(f"{path}/orders.parquet").metadata.num_rows


def run(*, scale: float = 1.0) -> list[dict]:
    stores = max(1, int(STORES * scale))
    path = OUT / f"bench-sample-{stores}"
    result = measure(
        [
            str(BIN / "ecanalysis"),
            "sample",
            str(path),
            "--stores",
            str(stores),
            "--orders-per-day",
            str(ORDERS_PER_DAY),
            "--seed",
            "0",
        ]
    )
    orders = order_count(str(path))
    rate = orders / result.seconds if result.seconds else float("nan")
    print(
        f"sample: {orders:,} orders in {result.seconds:.1f} s ({rate:,.0f} orders/s), peak {result.peak_mib:,.0f} MiB"
    )
    return [
        {"benchmark": "4. sample generation", "figure": "orders", "value": f"{orders:,}"},
        {
            "benchmark": "4. sample generation",
            "figure": "time",
            "value": f"{result.seconds:.1f} s",
            "target": "minutes, not hours",
            "met": result.seconds < 1800,
        },
        {
            "benchmark": "4. sample generation",
            "figure": "peak memory",
            "value": f"{result.peak_mib:,.0f} MiB",
        },
    ]
