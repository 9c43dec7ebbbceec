"""Import shim: tools/golden_kpis.py's ``collect`` for tests/test_golden_kpis.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "tools" / "golden_kpis.py"
_spec = importlib.util.spec_from_file_location("golden_kpis", _PATH)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
collect = _module.collect
