"""Benchmark 2: portfolio daily facts on ~10M orders, `ecanalysis facts` vs a hand-written
DuckDB query over the same files.

Both read the same Parquet file and write Parquet; every column must be identical. They run
alternately, three times each after one warm-up of each (so both find the file in the page
cache), and the medians are compared.
"""

from __future__ import annotations

import math

import bench_sample
import pyarrow.parquet as pq
from _util import BIN, PYTHON, load, measure, median, workdir

REPEATS = 3

# What an analyst would write by hand for DESIGN §5's daily facts: paid = a paid_at and a
# status other than cancelled or placed, dated by paid_at; refunds of paid orders dated by
# refunded_at, else paid_at; cost 0 on a day with refunds only. The sample's timestamps are
# naive store-local time, so a CAST to DATE is the local date.
HAND_WRITTEN = r"""
import sys, duckdb
src, out = sys.argv[1], sys.argv[2]
duckdb.sql(f'''
COPY (
  WITH paid_orders AS (
    SELECT store_id, customer_id, paid_at, paid_amount, refund_amount, refunded_at, cost_amount
    FROM read_parquet('{src}/orders.parquet')
    WHERE paid_at IS NOT NULL AND status NOT IN ('cancelled', 'placed')),
  paid AS (
    SELECT store_id, CAST(paid_at AS DATE) AS date, count(*) AS orders,
           count(DISTINCT customer_id) AS buyers, sum(paid_amount) AS paid_amount,
           sum(cost_amount) AS cost_amount
    FROM paid_orders GROUP BY ALL),
  refunds AS (
    SELECT store_id, CAST(coalesce(refunded_at, paid_at) AS DATE) AS date,
           sum(refund_amount) AS refund_amount
    FROM paid_orders WHERE refund_amount <> 0 GROUP BY ALL)
  SELECT store_id, date, coalesce(orders, 0) AS orders, coalesce(buyers, 0) AS buyers,
         coalesce(paid_amount, 0) AS paid_amount, coalesce(refund_amount, 0) AS refund_amount,
         coalesce(paid_amount, 0) - coalesce(refund_amount, 0) AS net_sales,
         CASE WHEN orders IS NULL THEN 0 ELSE cost_amount END AS cost_amount,
         coalesce(paid_amount, 0) - coalesce(refund_amount, 0)
           - CASE WHEN orders IS NULL THEN 0 ELSE cost_amount END AS gross_profit
  FROM paid FULL OUTER JOIN refunds USING (store_id, date)
  ORDER BY store_id, date
) TO '{out}' (FORMAT parquet)''')
"""

COLUMNS = [
    "orders",
    "buyers",
    "paid_amount",
    "refund_amount",
    "net_sales",
    "cost_amount",
    "gross_profit",
]


def compare(ours_file, hand_file) -> tuple[bool, str]:
    """Whether both files hold the same rows; and the largest money difference seen.

    Counts must be equal; sums of money may differ in the last bits of a double (DuckDB
    adds in parallel, in no fixed order), so they are compared to 1e-6 of a currency unit.
    """
    a = pq.read_table(ours_file).to_pylist()
    b = pq.read_table(hand_file).to_pylist()
    if len(a) != len(b):
        return False, f"{len(a)} vs {len(b)} rows"
    worst = 0.0
    for x, y in zip(a, b, strict=True):
        if (str(x["store_id"]), x["date"]) != (str(y["store_id"]), y["date"]):
            return (
                False,
                f"row keys differ: {x['store_id']} {x['date']} vs {y['store_id']} {y['date']}",
            )
        for column in COLUMNS:
            u, v = x[column], y[column]
            if u is None or v is None or (isinstance(u, float) and math.isnan(u)):
                if (u is None) != (v is None):
                    return False, f"{column} on {x['store_id']} {x['date']}: {u} vs {v}"
                continue
            worst = max(worst, abs(float(u) - float(v)))
    return worst < 1e-6, f"max abs difference {worst:.1e}"


def run(*, scale: float = 1.0) -> list[dict]:
    stores = max(1, int(bench_sample.STORES * scale))
    path = bench_sample.portfolio(stores)
    orders = bench_sample.order_count(path)
    ours_file, hand_file = workdir() / "facts-ecanalysis.parquet", workdir() / "facts-hand.parquet"
    ours_cmd = [str(BIN / "ecanalysis"), "facts", path, "--out", str(ours_file)]
    hand_cmd = [PYTHON, "-c", HAND_WRITTEN, path, str(hand_file)]
    before = load()
    measure(ours_cmd), measure(hand_cmd)  # warm-up: file in the page cache, imports compiled
    ours, hand = [], []
    for _ in range(REPEATS):
        ours.append(measure(ours_cmd))
        hand.append(measure(hand_cmd))
    after = load()
    t_ours, t_hand = median(m.seconds for m in ours), median(m.seconds for m in hand)
    m_ours, m_hand = max(m.peak_mib for m in ours), max(m.peak_mib for m in hand)
    same, detail = compare(ours_file, hand_file)
    rows = pq.ParquetFile(ours_file).metadata.num_rows
    ratio = t_ours / t_hand
    print(
        f"facts on {orders:,} orders ({rows:,} store-days): ecanalysis {t_ours:.2f} s "
        f"({m_ours:,.0f} MiB), hand-written DuckDB {t_hand:.2f} s ({m_hand:,.0f} MiB), "
        f"ratio {ratio:.2f}; identical numbers: {same} ({detail}); {before} → {after}"
    )
    name = "2. portfolio facts"
    return [
        {
            "benchmark": name,
            "figure": f"`ecanalysis facts`, {orders:,} orders → {rows:,} store-days",
            "value": f"{t_ours:.2f} s, peak {m_ours:,.0f} MiB",
            "load": f"{before} → {after}",
        },
        {
            "benchmark": name,
            "figure": "hand-written DuckDB query (same files)",
            "value": f"{t_hand:.2f} s, peak {m_hand:,.0f} MiB",
        },
        {
            "benchmark": name,
            "figure": f"time ratio ecanalysis / hand-written (median of {REPEATS})",
            "value": f"{ratio:.2f}",
            "target": "≤ 1.3",
            "met": ratio <= 1.3,
        },
        {
            "benchmark": name,
            "figure": "identical numbers (all 7 columns)",
            "value": f"{same} ({detail})",
            "target": "identical",
            "met": same,
        },
    ]
