"""Run every scale benchmark and write benchmarks/RESULTS.md.

    python benchmarks/run_all.py [--quick] [--only NAME[,NAME]]

Each benchmark prints its figures and ratios as it goes. ``--quick`` runs each at a tenth of
its size (to check the scripts, not to quote). Results go to benchmarks/RESULTS.md with the
machine and the date. Not part of ``make test``: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch
import bench_facts
import bench_memory
import bench_sample
from _util import OUT, ROOT, machine

BENCHMARKS = {
    "sample": bench_sample.run,
    "facts": bench_facts.run,
    "memory": bench_memory.run,
    "batch": bench_batch.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--only", default=None, help="comma-separated: " + ",".join(BENCHMARKS))
    args = parser.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        print(f"== {name}", flush=True)
        rows.extend(BENCHMARKS[name](scale=scale))
    write_results(rows, quick=args.quick)
    return 0


def write_results(rows: list[dict], *, quick: bool) -> None:
    """Write the results table (benchmark, figure, value, target, met) to RESULTS.md."""
    lines = [
        "# Benchmark results",
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}"
        + (" (quick run: a tenth of the sizes)" if quick else "")
        + ". Produced by `make bench` (`python benchmarks/run_all.py`).",
        "",
        "| benchmark | figure | value | target | met |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        met = {True: "yes", False: "no", None: ""}[row.get("met")]
        lines.append(
            f"| {row['benchmark']} | {row['figure']} | {row['value']} | {row.get('target', '')} | {met} |"
        )
    (ROOT / "benchmarks" / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
