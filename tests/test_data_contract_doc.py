"""docs/data-contract.md is what ecanalysis/schema.py says (generated, never drifts)."""

from __future__ import annotations

import re

from ecanalysis import contract_doc
from ecanalysis.schema import ORDER_STATUSES, REQUIRED_TABLES, TABLES


def test_page_is_current():
    text = contract_doc.PAGE.read_text(encoding="utf-8") if contract_doc.PAGE.exists() else ""
    assert text == contract_doc.render(), (
        "docs/data-contract.md is out of date: run `python -m ecanalysis.contract_doc`"
    )
    assert contract_doc.main(["--check"]) == 0


def test_every_table_and_column_is_on_the_page_with_its_kind():
    text = contract_doc.render()
    for name, spec in TABLES.items():
        section = text.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]
        assert ("Required" if name in REQUIRED_TABLES else "Optional") in section
        rows = dict(re.findall(r"^\| `(\w+)` \| (?:yes)? *\| (\w+) \|", section, re.MULTILINE))
        assert rows == dict(spec.columns), name
        required = set(re.findall(r"^\| `(\w+)` \| yes \|", section, re.MULTILINE))
        assert required == set(spec.required), name
    assert ", ".join(f"`{s}`" for s in ORDER_STATUSES) in text


def test_a_stale_page_is_reported(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "data-contract.md"
    stale.write_text(contract_doc.render().replace("`paid_at`", "`paid_time`", 1))
    monkeypatch.setattr(contract_doc, "PAGE", stale)
    assert contract_doc.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
