"""Benchmark 2: portfolio daily facts on ~10M orders, `ecanalysis facts` vs hand-written DuckDB.

Both read the same Parquet files and write Parquet; the numbers must be identical.
"""

from __future__ import annotations

import bench_sample
import pandas as pd
from _util import BIN, OUT, PYTHON, measure

# A hand-written query with the same 口径 as DESIGN §5: paid orders dated by local paid_at,
# refunds by refunded_at (else paid_at); the sample's timestamps are naive local time.
HAND_WRITTEN = r"""
import sys, duckdb
src, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute(f'''
COPY (
  WITH o AS (SELECT * FROM read_parquet('{src}/orders.parquet')),
  paid AS (
    SELECT store_id, CAST(paid_at AS DATE) AS date, COUNT(*) AS orders,
           COUNT(DISTINCT customer_id) AS buyers, SUM(paid_amount) AS paid_amount,
           SUM(cost_amount) AS cost_amount
    FROM o WHERE paid_at IS NOT NULL AND status NOT IN ('cancelled', 'placed')
    GROUP BY ALL),
  refunds AS (
    SELECT store_id, CAST(COALESCE(refunded_at, paid_at) AS DATE) AS date,
           SUM(refund_amount) AS refund_amount
    FROM o WHERE paid_at IS NOT NULL AND status NOT IN ('cancelled', 'placed')
      AND refund_amount > 0
    GROUP BY ALL)
  SELECT store_id, date, COALESCE(orders, 0) AS orders, COALESCE(buyers, 0) AS buyers,
         COALESCE(paid_amount, 0) AS paid_amount, COALESCE(refund_amount, 0) AS refund_amount,
         COALESCE(paid_amount, 0) - COALESCE(refund_amount, 0) AS net_sales, cost_amount,
         COALESCE(paid_amount, 0) - COALESCE(refund_amount, 0) - cost_amount AS gross_profit
  FROM paid FULL OUTER JOIN refunds USING (store_id, date)
  ORDER BY store_id, date
) TO '{out}' (FORMAT parquet)''')
"""


def run(*, scale: float = 1.0) -> list[dict]:
    stores = max(1, int(bench_sample.STORES * scale))
    path, _ = bench_sample.portfolio(stores, bench_sample.ORDERS_PER_DAY, f"bench-sample-{stores}")
    orders = bench_sample.order_count(path)
    ours_file, hand_file = OUT / "facts-ecanalysis.parquet", OUT / "facts-hand.parquet"
    ours = measure([str(BIN / "ecanalysis"), "facts", path, "--out", str(ours_file)])
    hand = measure([PYTHON, "-c", HAND_WRITTEN, path, str(hand_file)])
    a = pd.read_parquet(ours_file).sort_values(["store_id", "date"]).reset_index(drop=True)
    b = pd.read_parquet(hand_file).sort_values(["store_id", "date"]).reset_index(drop=True)
    columns = ["orders", "buyers", "paid_amount", "refund_amount", "net_sales"]
    same = len(a) == len(b) and all(
        (a[c].astype("float64") - b[c].astype("float64")).abs().max() < 1e-6 for c in columns
    )
    ratio = ours.seconds / hand.seconds
    print(
        f"facts on {orders:,} orders: ecanalysis {ours.seconds:.2f} s ({ours.peak_mib:,.0f} MiB), "
        f"hand-written DuckDB {hand.seconds:.2f} s ({hand.peak_mib:,.0f} MiB), ratio {ratio:.2f}, same numbers: {same}"
    )
    return [
        {
            "benchmark": "2. portfolio facts",
            "figure": f"ecanalysis facts, {orders:,} orders",
            "value": f"{ours.seconds:.2f} s, peak {ours.peak_mib:,.0f} MiB",
        },
        {
            "benchmark": "2. portfolio facts",
            "figure": "hand-written DuckDB query",
            "value": f"{hand.seconds:.2f} s, peak {hand.peak_mib:,.0f} MiB",
        },
        {
            "benchmark": "2. portfolio facts",
            "figure": "time ratio (ecanalysis / hand-written)",
            "value": f"{ratio:.2f}",
            "target": "≤ 1.3",
            "met": ratio <= 1.3,
        },
        {
            "benchmark": "2. portfolio facts",
            "figure": "identical numbers",
            "value": str(same),
            "target": "True",
            "met": same,
        },
    ]
