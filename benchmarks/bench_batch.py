"""Benchmark 1: N store reports (notebook + HTML), `ecanalysis batch` vs a shell loop of the
papermill and jupyter nbconvert command-line tools doing the same work."""

from __future__ import annotations

import shutil

from _util import BIN, OUT, measure

STORES = 8
NOTEBOOK = "daily_report"


def run(*, scale: float = 1.0) -> list[dict]:
    stores = max(2, int(STORES * scale))
    data = OUT / f"bench-batch-{stores}"
    if not (data / "orders.parquet").exists():
        measure(
            [str(BIN / "ecanalysis"), "sample", str(data), "--stores", str(stores), "--seed", "0"]
        )
    ids = [f"shop{i:02d}" for i in range(1, stores + 1)]
    runs = OUT / "batch-runs"
    shutil.rmtree(runs, ignore_errors=True)
    ours = measure(
        [
            str(BIN / "ecanalysis"),
            "batch",
            "--notebooks",
            NOTEBOOK,
            "--stores",
            "all",
            "--period",
            "latest-day",
            "--data",
            str(data),
            "--out",
            str(runs),
            "--workers",
            "2",
            "--force",
        ]
    )
    loop_dir = OUT / "loop-runs"
    shutil.rmtree(loop_dir, ignore_errors=True)
    loop_dir.mkdir(parents=True)
    steps = []
    for store in ids:
        out = loop_dir / f"{store}.ipynb"
        steps.append(
            f"{BIN / 'papermill'} notebooks/{NOTEBOOK}.ipynb {out} -k python3 --no-progress-bar "
            f"-p store_id {store} -p period latest-day -p data {data} -p output_dir {loop_dir / store} "
            f"&& {BIN / 'jupyter'} nbconvert --to html --no-input {out} --log-level ERROR"
        )
    loop = measure(" && ".join(steps))
    ratio = loop.seconds / ours.seconds
    print(
        f"{stores} reports: ecanalysis batch {ours.seconds:.1f} s, shell loop {loop.seconds:.1f} s, "
        f"speed-up {ratio:.2f}x"
    )
    return [
        {
            "benchmark": "1. report batch",
            "figure": f"ecanalysis batch, {stores} × {NOTEBOOK}",
            "value": f"{ours.seconds:.1f} s",
        },
        {
            "benchmark": "1. report batch",
            "figure": "shell loop (papermill + nbconvert CLIs)",
            "value": f"{loop.seconds:.1f} s",
        },
        {
            "benchmark": "1. report batch",
            "figure": "speed-up",
            "value": f"{ratio:.2f}x",
            "target": "≥ 3x",
            "met": ratio >= 3,
        },
    ]
