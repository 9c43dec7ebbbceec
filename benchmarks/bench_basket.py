"""Benchmark 5: pair_affinity on 10M order lines: time and peak memory above the input.

Synthetic lines made with numpy (about 2.5 lines an order, SKUs drawn from 2 000 with a
skewed popularity, a few baskets over the cap): generating them is not measured. The peak
is tracemalloc's (numpy and pandas report their buffers to it) above what the input frames
hold, at a quarter of the size and at the full size: memory is flat when the extra peak
stays a small multiple of the input and grows no faster than it.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pandas as pd
from _util import load

LINES = 10_000_000
SKUS = 2_000


def synthetic(lines: int, *, seed: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``order_items`` and ``orders`` with about ``lines`` lines, all orders paid."""
    rng = np.random.default_rng(seed)
    sizes = rng.geometric(0.4, size=int(lines / 2.5) + 1)
    sizes[rng.random(len(sizes)) < 0.0005] = 80  # wholesale baskets over the cap
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), lines) + 1]
    order_ids = pd.Series(np.arange(len(sizes))).map("O{:09d}".format).astype("str")
    popularity = 1 / np.arange(1, SKUS + 1) ** 0.8
    skus = rng.choice(SKUS, size=int(sizes.sum()), p=popularity / popularity.sum())
    sku_names = np.array([f"SKU{i:05d}" for i in range(SKUS)], dtype=object)
    items = pd.DataFrame(
        {
            "order_id": order_ids.to_numpy().repeat(sizes),
            "sku": pd.Series(sku_names[skus], dtype="str"),
            "quantity": rng.integers(1, 4, size=int(sizes.sum())),
            "unit_price": 10.0,
        }
    )
    stamps = pd.Timestamp("2025-01-01") + pd.to_timedelta(
        rng.integers(0, 365 * 86_400, len(sizes)), unit="s"
    )
    orders = pd.DataFrame(
        {"order_id": order_ids, "ordered_at": stamps, "paid_at": stamps, "status": "paid"}
    )
    return items, orders


def frame_mib(*frames: pd.DataFrame) -> float:
    return sum(frame.memory_usage(deep=True).sum() for frame in frames) / 2**20


def one(lines: int) -> dict:
    from ecanalysis.metrics.basket import pair_affinity

    items, orders = synthetic(lines)
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    pairs = pair_affinity(items, orders, min_pair_orders=5, max_basket_size=50)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "lines": len(items),
        "seconds": seconds,
        "peak_mib": peak / 2**20,
        "input_mib": frame_mib(items, orders),
        "pairs": len(pairs),
    }


def run(*, scale: float = 1.0) -> list[dict]:
    before = load()
    small, big = one(int(LINES * scale / 4)), one(int(LINES * scale))
    after = load()
    growth = (big["peak_mib"] / big["lines"]) / (small["peak_mib"] / small["lines"]) - 1
    for m in (small, big):
        print(
            f"pair_affinity {m['lines']:,} lines: {m['seconds']:.1f} s, peak above input "
            f"{m['peak_mib']:,.0f} MiB (input {m['input_mib']:,.0f} MiB), {m['pairs']:,} pairs"
        )
    name = "5. basket pairs"
    rows = [
        {
            "benchmark": name,
            "figure": f"pair_affinity, {m['lines']:,} order lines",
            "value": f"{m['seconds']:.1f} s, peak {m['peak_mib']:,.0f} MiB above "
            f"{m['input_mib']:,.0f} MiB input",
            "load": f"{before} → {after}" if m is small else "",
        }
        for m in (small, big)
    ]
    rows[1]["target"] = "a few seconds"
    rows.append(
        {
            "benchmark": name,
            "figure": "peak memory per line, full vs quarter size",
            "value": f"{growth:+.1%}",
            "target": "< 20 %",
            "met": growth < 0.2,
        }
    )
    return rows


if __name__ == "__main__":
    import sys

    run(scale=float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
