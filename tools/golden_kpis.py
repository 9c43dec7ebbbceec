"""Write (or check) the golden KPIs of the test sample's batch: tests/data/golden/batch_kpis.json.

    python tools/golden_kpis.py write     # after a deliberate change of a number, with a reason
    python tools/golden_kpis.py show RUNS # print the KPIs of a runs directory

The golden file holds, for each report of the batch that tests/conftest.py's ``batch`` fixture
runs (every notebook for shop01 and the portfolio, on the 3-store test sample), the
``kpis``, ``comparisons`` and ``alerts`` of its metrics.json. tests/test_golden_kpis.py compares a fresh
batch with it, so that a refactor cannot move a number silently. Regenerate only when a
number is meant to change, and say why in the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden" / "batch_kpis.json"


def collect(runs: Path) -> dict[str, dict]:
    """``{"<notebook>/<store>/<period>": {"kpis": …, "comparisons": …}}`` of a runs directory."""
    out = {}
    for path in sorted(runs.glob("*/*/*/metrics.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        key = "/".join(path.parent.relative_to(runs).parts)
        out[key] = {k: record[k] for k in ("kpis", "comparisons", "alerts")}
    return out


def run_batch(sample_kwargs: dict, workdir: Path) -> Path:
    from ecanalysis.cli import main
    from ecanalysis.sample import write_sample

    data, runs = workdir / "data", workdir / "runs"
    write_sample(data, **sample_kwargs)
    code = main(["batch", "--data", str(data), "--out", str(runs), "--stores", "shop01"])
    if code != 0:
        raise SystemExit(f"batch exited {code}")
    return runs


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import SAMPLE_KWARGS

    if argv[:1] == ["write"]:
        with tempfile.TemporaryDirectory() as tmp:
            golden = collect(run_batch(SAMPLE_KWARGS, Path(tmp)))
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(golden)} reports to {GOLDEN}")
        return 0
    if argv[:1] == ["show"] and len(argv) == 2:
        print(json.dumps(collect(Path(argv[1])), ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
