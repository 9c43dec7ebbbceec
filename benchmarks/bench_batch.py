"""Benchmark 1: N store reports (notebook + HTML), `ecanalysis batch` vs a shell loop of the
papermill and jupyter nbconvert command-line tools doing the same work.

Both run ``daily_report`` for the latest day of every store of an 8-store sample (two years,
the default 40 orders a day) and leave an executed notebook, its HTML without input cells,
metrics.json and tables per store. The batch uses its defaults on 2 workers (a warm process
pool, notebooks executed in-process); the loop is what one would write without it, one
store after the other. They run one after the other, twice, alternately; medians compared.
"""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
from _util import BIN, ROOT, load, measure, median, workdir

STORES = 8
NOTEBOOK = "daily_report"
PERIOD = "latest-day"
REPEATS = 2


def store_ids(data) -> list[str]:
    return [str(s) for s in pq.read_table(data / "stores.parquet", columns=["store_id"])[0]]


def batch_command(data, runs) -> list[str]:
    return [
        str(BIN / "ecanalysis"),
        "batch",
        "--notebooks",
        NOTEBOOK,
        "--stores",
        "all",
        "--period",
        PERIOD,
        "--data",
        str(data),
        "--out",
        str(runs),
        "--workers",
        "2",
        "--force",
    ]


def loop_command(data, ids, loop_dir) -> str:
    steps = []
    for store in ids:
        out = loop_dir / store / "report.ipynb"
        steps.append(
            f"mkdir -p {loop_dir / store} && "
            f"{BIN / 'papermill'} {ROOT / 'notebooks' / NOTEBOOK}.ipynb {out} -k python3 "
            f"--no-progress-bar --log-level ERROR -p store_id {store} -p period {PERIOD} "
            f"-p data {data} -p output_dir {loop_dir / store} "
            f"&& {BIN / 'jupyter'} nbconvert --to html --no-input {out} --log-level ERROR"
        )
    return " && ".join(steps)


def check_records(runs, loop_dir, ids) -> None:
    """Both did the whole work: per store an ok metrics.json, a notebook and its HTML, and
    the same KPIs."""
    for store in ids:
        ours = list(runs.glob(f"{NOTEBOOK}/{store}/*/metrics.json"))
        theirs = loop_dir / store / "metrics.json"
        assert len(ours) == 1 and theirs.is_file(), store
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (ours[0], theirs))
        assert a["status"] == "ok" and (ours[0].parent / "report.html").is_file(), store
        assert (loop_dir / store / "report.html").is_file(), store
        assert a["kpis"] == b["kpis"], f"{store}: the batch and the loop disagree"


def run(*, scale: float = 1.0) -> list[dict]:
    stores = max(2, int(STORES * scale))
    data = workdir() / f"batch-sample-{stores}"
    if not (data / "stores.parquet").exists():
        measure([str(BIN / "ecanalysis"), "sample", str(data), "--stores", str(stores)])
    ids = store_ids(data)
    runs, loop_dir = workdir() / "batch-runs", workdir() / "loop-runs"
    before = load()
    ours, loop = [], []
    for _ in range(REPEATS):
        shutil.rmtree(runs, ignore_errors=True)
        ours.append(measure(batch_command(data, runs)))
        shutil.rmtree(loop_dir, ignore_errors=True)
        loop.append(measure(loop_command(data, ids, loop_dir)))
    after = load()
    check_records(runs, loop_dir, ids)
    t_ours, t_loop = median(m.seconds for m in ours), median(m.seconds for m in loop)
    ratio = t_loop / t_ours
    cpu_ours, cpu_loop = median(m.cpu_seconds for m in ours), median(m.cpu_seconds for m in loop)
    cpu_ratio = cpu_loop / cpu_ours
    print(
        f"{stores} × {NOTEBOOK}: ecanalysis batch {t_ours:.1f} s "
        f"({', '.join(f'{m.seconds:.1f}' for m in ours)}), shell loop {t_loop:.1f} s "
        f"({', '.join(f'{m.seconds:.1f}' for m in loop)}), speed-up {ratio:.2f}x; CPU time "
        f"{cpu_ours:.1f} s vs {cpu_loop:.1f} s ({cpu_ratio:.2f}x less); "
        f"{before} → {after}"
    )
    name = "1. report batch"
    return [
        {
            "benchmark": name,
            "figure": f"`ecanalysis batch --workers 2`, {stores} × {NOTEBOOK} (notebook + HTML)",
            "value": f"{t_ours:.1f} s ({t_ours / stores:.2f} s a report), CPU {cpu_ours:.1f} s",
            "load": f"{before} → {after}",
        },
        {
            "benchmark": name,
            "figure": "shell loop of `papermill` + `jupyter nbconvert --to html --no-input`",
            "value": f"{t_loop:.1f} s ({t_loop / stores:.2f} s a report), CPU {cpu_loop:.1f} s",
        },
        {
            "benchmark": name,
            "figure": f"speed-up (median of {REPEATS})",
            "value": f"{ratio:.2f}x",
            "target": "≥ 3x",
            "met": ratio >= 3,
        },
        {
            "benchmark": name,
            "figure": "CPU time ratio, loop / batch (the work saved, load aside)",
            "value": f"{cpu_ratio:.2f}x",
        },
    ]
