"""Every stored notebook follows the notebook contract (no kernel needed)."""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest

from ecanalysis.notebooks import NAMES as NOTEBOOKS

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
COMMON = ["store_id", "period", "data", "params", "lang", "output_dir", "on_bad_rows"]
LINE_MAGICS = {"store", "time", "run", "load", "save", "history", "env", "config", "page", "who"}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_contract(name):
    path = NOTEBOOK_DIR / f"{name}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code_cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert tagged[0] is code_cells[0], "the parameters cell is the first code cell"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in code_cells:
        assert not cell.get("outputs"), "notebooks are stored without outputs"
        assert cell.get("execution_count") is None
    declared = papermill.inspect_notebook(str(path))
    source_lines = [ln for ln in "".join(tagged[0]["source"]).splitlines() if ln.strip()]
    assert len(declared) == len(source_lines), (
        "every parameter line parses (no '=' in help comments)"
    )
    for pname in COMMON:
        assert pname in declared, f"{name} lacks the common parameter {pname}"
    for pname, spec in declared.items():
        assert pname not in LINE_MAGICS, f"{pname} clashes with an IPython line magic"
        assert spec["inferred_type_name"] not in ("None", ""), f"{pname} has no type annotation"
        assert spec["help"], f"{pname} has no help comment"
    final = "".join(code_cells[-1]["source"])
    assert "rec.finish()" in final, "the notebook ends by writing metrics.json"
    for cell in code_cells:
        source = "".join(cell["source"])
        assert "assert " not in source, "notebooks carry no test code (tests/test_golden_kpis.py)"
        assert "_dataset" not in source, "notebooks never touch the dataset object"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_heading_and_paragraph_is_written_in_both_languages(name):
    """The HTML report keeps the report language's half of each markdown cell
    (report.markdown_in): each heading must be `中文 · English`, and each Chinese paragraph
    have its English one, so neither language loses a word of the prose."""
    from ecanalysis.report import _is_chinese, markdown_in

    nb = json.loads((NOTEBOOK_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        if text.startswith("#"):
            assert " · " in text.splitlines()[0], f"{name}: heading without ' · ': {text[:60]}"
        zh, en = markdown_in(text, "zh"), markdown_in(text, "en")
        zh_parts, en_parts = zh.split("\n\n"), en.split("\n\n")
        assert len(zh_parts) == len(en_parts), f"{name}: unpaired prose:\n{zh}\n---\n{en}"
        for part in zh_parts:
            assert part.startswith("#") or _is_chinese(part), f"{name}: {part!r}"
        for part in en_parts:
            assert part.startswith("#") or _is_chinese(part) is False, f"{name}: {part!r}"
        assert zh != en
