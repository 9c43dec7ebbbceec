"""The bad-input corpus: every broken dataset gets exit 2 and one clear line, never a traceback.

The corpus is built by ``tests/corpus/build.py`` (see ``tests/corpus/README.md``) into a
temporary directory once per session; each case runs ``ecanalysis validate`` in-process.
"""

from __future__ import annotations

import json

import pytest
from corpus.build import all_cases, build

from ecanalysis.cli import main

CASES = all_cases()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus") / "corpus"
    build(root)
    return root


def _validate(path, capsys) -> tuple[int, str, str]:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_base_dataset_is_valid(corpus_dir, capsys):
    code, out, err = _validate(corpus_dir / "base", capsys)
    assert code == 0, out
    assert out.splitlines()[0] == f"dataset {corpus_dir / 'base'}: valid"
    assert "stores: 2 (s01, s02)" in out
    assert "dates: 2025-11-10..2025-11-12 (orders.ordered_at)" in out
    assert err == ""


def test_manifest_lists_every_case(corpus_dir):
    manifest = json.loads((corpus_dir / "cases.json").read_text(encoding="utf-8"))
    assert [entry["name"] for entry in manifest] == [case.name for case in CASES]
    assert all((corpus_dir / case.name).is_dir() for case in CASES)


def _expected_line(case, lines: list[str]) -> str:
    prefix = f"{case.table}.{case.column}:" if case.column else f"{case.table}:"
    if case.table == "dataset":
        prefix = "note:"
    matching = [line for line in lines if line.startswith(prefix)]
    if case.rule and case.column:
        matching = [line for line in matching if f"(rule: {case.rule})" in line]
    matching = [line for line in matching if all(text in line for text in case.expect)]
    assert matching, f"no line starts with {prefix!r} and has {case.expect}:\n" + "\n".join(lines)
    return matching[0]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case, corpus_dir, capsys):
    code, out, err = _validate(corpus_dir / case.name, capsys)
    assert "Traceback" not in out + err
    assert code == case.exit_code, out
    if not case.expect:
        return
    line = _expected_line(case, out.splitlines())
    if case.exit_code == 2:
        assert " Fix: " in line
    if case.rule and case.column:  # a row-level problem names its rows
        assert " row" in line.split("(rule:")[1]


#: Cases `run` lets through on purpose: rows of a store that is not in ``stores`` and
#: order lines of an order that is not in ``orders`` belong to no store's report (DESIGN
#: §6: row problems fail only their own store's reports); a store that is not in an empty
#: ``stores`` table is a failed report with error.txt (DESIGN §6); an empty orders table
#: gives reports that say there are no orders; ids stored as numbers are read back as text
#: (validate still warns that leading zeros may already be lost).
RUN_PROCEEDS = {
    "stores-header-only",
    "orders-header-only",
    "order-items-unknown-order",
    "orders-numeric-ids",
    *(f"{table}-unknown-store" for table in ("orders", "traffic", "products", "ad_spend")),
    *(f"{table}-unknown-store" for table in ("campaigns", "reviews")),
    # refunds of an unknown order: like order lines, they belong to no store's report
    "refunds-unknown-order",
    *(f"{table}-unknown-store" for table in ("refunds", "product_traffic", "stock_levels")),
}
REFUSED = [case for case in CASES if case.exit_code == 2 and case.name not in RUN_PROCEEDS]


@pytest.mark.parametrize("case", REFUSED, ids=[case.name for case in REFUSED])
def test_run_refuses_before_any_notebook(case, corpus_dir):
    """What validate refuses, `run` refuses too, in its pre-flight check before a kernel
    starts (a DataError: exit 2): for a store's report, or (fx_rates, which only the
    portfolio reads) for the portfolio's."""
    from ecanalysis.commands import preflight
    from ecanalysis.errors import EcanalysisError

    refused = []
    for store_id in ("all",) if case.table == "fx_rates" else ("s01", "s02"):
        try:
            preflight(corpus_dir / case.name, store_id, "fail")
        except EcanalysisError as exc:
            refused.append(str(exc))
            break
    assert refused, f"{case.name}: run would execute the notebook for both stores"
