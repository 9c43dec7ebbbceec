"""The KPIs, comparisons and alerts of every report of the test batch equal the golden file.

The golden file (tests/data/golden/batch_kpis.json) was written by ``tools/golden_kpis.py
write`` from the batch that the ``batch`` fixture runs: every notebook for shop01 and the
portfolio on the 3-store test sample (tests/conftest.py ``SAMPLE_KWARGS``). It holds the
numbers the reports gave before the second-round refactor, so that moving code cannot move
a number: a change here must be deliberate, regenerated with the tool and explained in the
commit. The notebooks themselves carry no test code.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tools_golden import collect

GOLDEN = Path(__file__).resolve().parent / "data" / "golden" / "batch_kpis.json"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def test_the_batch_gives_the_golden_numbers(batch):
    code, runs = batch
    assert code == 0
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    fresh = collect(runs)
    assert sorted(fresh) == sorted(golden)
    for report, expected in golden.items():
        got = fresh[report]
        assert got["kpis"].keys() == expected["kpis"].keys(), report
        moved = {
            name: (value, got["kpis"][name])
            for name, value in expected["kpis"].items()
            if not _same(value, got["kpis"][name])
        }
        assert not moved, f"{report}: KPIs moved (golden, now): {moved}"
        assert _same(got["comparisons"], expected["comparisons"]), report
        assert got["alerts"] == expected["alerts"], report
