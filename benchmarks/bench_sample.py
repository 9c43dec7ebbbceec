"""Benchmark 4: generating a 10-million-order sample: time and peak memory."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
from _util import BIN, load, measure, workdir

#: 100 stores × two years (the default 2023-12-01..2025-11-30); orders a day chosen so the
#: portfolio holds about 10M orders (8 stores at 130 a day hold 587k).
STORES = 100
ORDERS_PER_DAY = 178
#: The small portfolio of benchmark 3: its first 10 stores, about 1M orders.
SMALL_STORES = 10


def _sample_command(path, stores: int, orders_per_day: float) -> list[str]:
    return [
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


def portfolio(stores: int, orders_per_day: float = ORDERS_PER_DAY) -> str:
    """The sample portfolio of ``stores`` stores under the scratch dir (generated once)."""
    path = workdir() / f"portfolio-{stores}x{orders_per_day:g}"
    if not (path / "stores.parquet").exists():
        measure(_sample_command(path, stores, orders_per_day))
    return str(path)


def order_count(path: str) -> int:
    """Rows of the orders table (from Parquet metadata, no scan)."""
    return pq.ParquetFile(f"{path}/orders.parquet").metadata.num_rows


def run(*, scale: float = 1.0) -> list[dict]:
    stores = max(1, int(STORES * scale))
    path = workdir() / f"portfolio-{stores}x{ORDERS_PER_DAY:g}"
    shutil.rmtree(path, ignore_errors=True)  # this benchmark is the generation itself
    before = load()
    result = measure(_sample_command(path, stores, ORDERS_PER_DAY))
    orders = order_count(str(path))
    size_mib = sum(f.stat().st_size for f in path.iterdir()) / 2**20
    rate = orders / result.seconds
    print(
        f"sample: {stores} stores, {orders:,} orders ({size_mib:,.0f} MiB of Parquet) in "
        f"{result.seconds:.1f} s ({rate:,.0f} orders/s), peak {result.peak_mib:,.0f} MiB; "
        f"{before}"
    )
    name = "4. sample generation"
    return [
        {"benchmark": name, "figure": f"orders ({stores} stores, 2 years)", "value": f"{orders:,}"},
        {
            "benchmark": name,
            "figure": "time",
            "value": f"{result.seconds:.1f} s ({rate:,.0f} orders/s)",
            "load": before,
        },
        {"benchmark": name, "figure": "peak memory", "value": f"{result.peak_mib:,.0f} MiB"},
        {"benchmark": name, "figure": "Parquet written", "value": f"{size_mib:,.0f} MiB"},
    ]
