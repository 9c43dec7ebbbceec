"""Run every scale benchmark and print (and optionally record) the results table.

    python benchmarks/run_all.py [--quick] [--only NAME[,NAME]] [--workdir DIR] [--record]

Each benchmark prints its figures and ratios as it goes, measured side by side in the same
run. Generated data and run records go to a scratch directory (``--workdir``, default
``$ECANALYSIS_BENCH_DIR`` or ``~/bench/ecanalysis``), never into the repository; the
results table is written there as ``results.md``. ``--record`` also puts it into
benchmarks/RESULTS.md (between its ``results`` markers, keeping the notes around them).
``--quick`` runs each at a tenth of its size (to check the scripts, not to quote). Not part
of ``make test``: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _util
import bench_basket
import bench_batch
import bench_facts
import bench_memory
import bench_sample
import bench_statistics

BENCHMARKS = {
    "sample": bench_sample.run,
    "facts": bench_facts.run,
    "memory": bench_memory.run,
    "batch": bench_batch.run,
    "statistics": bench_statistics.run,
    "basket": bench_basket.run,
}
RESULTS = _util.ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--only", default=None, help="comma-separated: " + ",".join(BENCHMARKS))
    parser.add_argument("--workdir", default=None, help="scratch directory for data and runs")
    parser.add_argument(
        "--record", action="store_true", help="write the table into benchmarks/RESULTS.md"
    )
    args = parser.parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(
            f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}"
        )
    workdir = _util.set_workdir(args.workdir) if args.workdir else _util.workdir()
    print(f"scratch directory: {workdir}", flush=True)
    rows = []
    for name in names:
        print(f"== {name}", flush=True)
        rows.extend(BENCHMARKS[name](scale=scale))
    table = results_table(rows, quick=args.quick)
    (workdir / "results.md").write_text(table, encoding="utf-8")
    print(table)
    if args.record:
        record(table)
        print(f"recorded in {RESULTS}")
    return 0


def results_table(rows: list[dict], *, quick: bool) -> str:
    """The results (benchmark, figure, value, target, met, load) as Markdown."""
    lines = [
        f"Measured {dt.date.today().isoformat()} at commit {_util.commit()} on {_util.machine()}"
        + (" (quick run: a tenth of the sizes, not to quote)" if quick else "")
        + f"; {os.cpu_count()} cores shared with other work, load averages as measured.",
        "",
        "| benchmark | figure | value | target | met | load (1 min) |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        met = {True: "yes", False: "**no**", None: ""}[row.get("met")]
        lines.append(
            f"| {row['benchmark']} | {row['figure']} | {row['value']} | {row.get('target', '')} "
            f"| {met} | {row.get('load', '')} |"
        )
    return "\n".join(lines) + "\n"


def record(table: str) -> None:
    """Replace the table between the markers of RESULTS.md (or start the file)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else ""
    block = f"{START}\n{table}{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = f"# Benchmark results\n\n{block}\n" + text
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
