"""The parts of ecanalysis and who may import whom (docs/architecture.md).

Every module of the package is parsed with :mod:`ast`; every import of an ``ecanalysis``
module — at module level or inside a function, ``import x``, ``from x import y``, relative
imports, and ``importlib.import_module("ecanalysis....")`` with a literal name — is an edge
``importer → imported``. Each module belongs to one part (:data:`PARTS`); an edge is allowed
when the imported module's part is in :data:`ALLOWED` of the importer's part.

The test fails on a module without a part (add it to :data:`PARTS` and to the table in
docs/architecture.md), on a forbidden edge that is not in :data:`KNOWN_VIOLATIONS`, and on an
entry of :data:`KNOWN_VIOLATIONS` that no longer exists (delete it: the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ecanalysis"

#: The part of every module, by name relative to the package. A name ending in ``.*`` covers
#: a subpackage (its ``__init__`` and every module in it). Names of modules that do not exist
#: (yet) are allowed: they are the places the architecture plans for them.
PARTS: dict[str, frozenset[str]] = {
    # Core: definitions everything else shares; imports nothing else of ecanalysis.
    "core": frozenset(
        {
            "__init__",
            "errors",
            "config",
            "paths",
            "spreadsheets",
            "periods",
            "labels",
            "params",
            "notebooks",
        }
    ),
    # Data: the data contract, reading, validating, importing and generating datasets.
    "data": frozenset(
        {
            "schema",
            "validate",
            "_files",
            "_catalog",
            "facts",
            "data",
            "sample",
            "_sample_words",
            "importers.*",
            "contract_doc",
        }
    ),
    # Metrics: pure functions, DataFrames in, DataFrames out.
    "metrics": frozenset({"metrics.*"}),
    # Present: turning results into text, tables, charts and pages; never reads data.
    "present": frozenset(
        {
            "theme",
            "report",
            "alerts",
            "summary",
            "html",
            "plots",
            "workbook",
            "index",
            "fonts",
            "glossary",
        }
    ),
    # Run: the edge that puts it together (notebooks, runner, command line).
    "run": frozenset(
        {
            "context",
            "record",
            "runner",
            "publish",
            "schedule",
            "engine",
            "kernel",
            "cli",
            "commands",
            "__main__",
            "workspace",
            "notify.*",
        }
    ),
}

#: The parts each part may import (itself included).
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "data": frozenset({"core", "data"}),
    "metrics": frozenset({"core", "metrics"}),
    "present": frozenset({"core", "metrics", "present"}),
    "run": frozenset(PARTS),
}

#: Forbidden edges that exist today, ``(importer, imported)``. Each entry is a debt to
#: remove: move the code so that the edge goes away, then delete the entry (the test fails
#: on an entry whose edge no longer exists, so this set only shrinks). Never add to it to
#: make a new edge pass.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


def module_name(path: Path) -> str:
    """``ecanalysis/metrics/orders.py`` → ``metrics.orders``; a package ``__init__`` keeps
    its name (``metrics.__init__``) so that it has a part of its own."""
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def part_of(module: str) -> str | None:
    """The part of ``module`` (a name from :func:`module_name`), or None."""
    for part, names in PARTS.items():
        for name in names:
            if module == name or (name.endswith(".*") and module.startswith(name[:-1])):
                return part
    return None


def _existing(dotted: str) -> str:
    """The module a dotted ``ecanalysis...`` name refers to, in :func:`module_name` terms:
    the longest prefix that is a module or package of the package."""
    parts = dotted.split(".")[1:]
    while parts:
        path = PACKAGE.joinpath(*parts)
        if path.with_suffix(".py").is_file():
            return ".".join(parts)
        if (path / "__init__.py").is_file():
            return ".".join([*parts, "__init__"])
        parts = parts[:-1]
    return "__init__"


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """The absolute dotted name ``from <...> import`` refers to."""
    if not node.level:
        return node.module or ""
    package = ["ecanalysis", *module.split(".")[:-1]]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _literal_prefix(arg: ast.expr) -> str | None:
    """The ``ecanalysis...`` name in ``import_module("...")`` or the constant start of an
    f-string ``import_module(f"ecanalysis.metrics.{name}")`` (up to its last dot)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        text = str(arg.values[0].value)
        return text.rsplit(".", 1)[0] if "." in text else text
    return None


def imports_of(path: Path) -> set[str]:
    """Every ``ecanalysis`` module that the module at ``path`` imports, anywhere in it."""
    module = module_name(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            names = [f"{base}.{alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
        ):
            names = [name for name in [_literal_prefix(node.args[0])] if name]
        else:
            continue
        found.update(_existing(name) for name in names if name.split(".")[0] == "ecanalysis")
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    """``{module: modules it imports}`` for every module of the package."""
    return {
        module_name(path): imports_of(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def forbidden_edges(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Edges whose imported part is not allowed for the importer's part (edges of a module
    without a part are left to :func:`test_every_module_has_a_part`)."""
    return {
        (importer, imported)
        for importer, targets in graph.items()
        for imported in targets
        if part_of(importer) and part_of(imported)
        if part_of(imported) not in ALLOWED[part_of(importer)]
    }


GRAPH = import_graph()


def test_every_module_has_a_part():
    unassigned = sorted(module for module in GRAPH if part_of(module) is None)
    assert not unassigned, (
        f"modules without a part: {unassigned}. Add each to PARTS in tests/test_layering.py "
        "and to the parts table of docs/architecture.md (core, data, metrics, present or run)."
    )


def test_no_forbidden_imports():
    new = sorted(forbidden_edges(GRAPH) - KNOWN_VIOLATIONS)
    described = [
        f"{a} ({part_of(a)}) imports {b} ({part_of(b)}); {part_of(a)} may import "
        f"{', '.join(sorted(ALLOWED.get(part_of(a) or '', ())))}"
        for a, b in new
    ]
    assert not new, "forbidden imports (see docs/architecture.md):\n" + "\n".join(described)


def test_known_violations_still_exist():
    gone = sorted(KNOWN_VIOLATIONS - forbidden_edges(GRAPH))
    assert not gone, f"these debts are paid: delete them from KNOWN_VIOLATIONS: {gone}"


def test_parts_table_in_docs_matches():
    """docs/architecture.md lists the same modules per part as :data:`PARTS`."""
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for part, names in PARTS.items():
        row = next(
            (line for line in doc.splitlines() if line.lower().startswith(f"| {part} ")),
            None,
        )
        assert row is not None, f"docs/architecture.md has no '| {part} |' row in its table"
        for name in names:
            assert f"`{name}`" in row, f"docs/architecture.md: {part} row lacks `{name}`"


# --- the checker itself can fail --------------------------------------------------------


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A throwaway ``ecanalysis`` tree the helpers read instead of the real one."""
    root = tmp_path / "ecanalysis"
    _write(root, "__init__.py", "")
    _write(root, "metrics/__init__.py", "")
    _write(root, "metrics/orders.py", "")
    _write(root, "metrics/_common.py", "")
    _write(root, "errors.py", "")
    _write(root, "schema.py", "")
    monkeypatch.setitem(globals(), "PACKAGE", root)
    return root


def test_function_level_and_relative_imports_are_edges(fake_package):
    path = _write(
        fake_package,
        "plots.py",
        "def f():\n"
        "    from ecanalysis.schema import TABLES\n"
        "    import ecanalysis.metrics.orders as o\n"
        "from .errors import DataError\n"
        "from ecanalysis import metrics\n",
    )
    assert imports_of(path) == {"schema", "metrics.orders", "errors", "metrics.__init__"}
    assert forbidden_edges({"plots": imports_of(path)}) == {("plots", "schema")}


def test_relative_import_inside_a_subpackage(fake_package):
    path = _write(
        fake_package, "metrics/orders.py", "from ._common import x\nfrom .. import errors\n"
    )
    assert imports_of(path) == {"metrics._common", "errors"}


def test_dynamic_import_module_is_an_edge(fake_package):
    path = _write(
        fake_package,
        "metrics/forecast.py",
        "import importlib\n"
        "def f(name):\n"
        "    importlib.import_module('ecanalysis.schema')\n"
        "    return importlib.import_module(f'ecanalysis.metrics.{name}')\n",
    )
    assert imports_of(path) == {"schema", "metrics.__init__"}
    assert forbidden_edges({"metrics.forecast": imports_of(path)}) == {
        ("metrics.forecast", "schema")
    }


def test_unknown_module_has_no_part():
    assert part_of("brand_new_module") is None
    assert part_of("metrics.brand_new") == "metrics"
    assert part_of("importers.brand_new") == "data"
