"""The data contract is written once (``ecanalysis.schema``), found once (``_files``), and
the data layer's modules import it without a cycle."""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecanalysis import schema
from ecanalysis._files import discover, find_tables
from ecanalysis.data import open_dataset
from ecanalysis.errors import DataError

PACKAGE = Path(schema.__file__).parent


def _loaded_after(statement: str) -> dict[str, bool]:
    """Which heavy modules a fresh interpreter has loaded after ``statement``."""
    watched = ["pandas", "pandera", "duckdb", "pyarrow", "ecanalysis.validate"]
    code = f"import sys; {statement}; import json; print(json.dumps({{m: m in sys.modules for m in {watched!r}}}))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


def test_importing_the_contract_loads_neither_pandas_nor_pandera():
    assert _loaded_after("import ecanalysis.schema") == {
        "pandas": False,
        "pandera": False,
        "duckdb": False,
        "pyarrow": False,
        "ecanalysis.validate": False,
    }


def test_the_catalog_and_discovery_stay_light_too():
    loaded = _loaded_after("import ecanalysis._catalog, ecanalysis._files, ecanalysis.facts")
    assert not loaded["pandas"] and not loaded["pandera"] and not loaded["duckdb"]


def test_the_compatibility_names_come_from_validate():
    from ecanalysis import validate

    assert schema.validate_dataset is validate.validate_dataset
    assert schema.read_table_file is validate.read_table_file
    with pytest.raises(AttributeError, match="no attribute 'validate_datasets'"):
        schema.validate_datasets  # noqa: B018


def _module_imports(path: Path) -> set[str]:
    """Modules ``path`` imports at module level (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _ecanalysis_imports(path: Path) -> set[str]:
    """Every ``ecanalysis`` module ``path`` imports, in functions too."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "ecanalysis":
            names.update(f"ecanalysis.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ecanalysis."):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("ecanalysis."))
    return names


def test_schema_imports_only_errors_at_module_level():
    ours = {m for m in _module_imports(PACKAGE / "schema.py") if m.startswith("ecanalysis")}
    assert ours == {"ecanalysis.errors"}


def test_no_data_module_imports_one_that_imports_it_back():
    data = ["schema", "validate", "_files", "_catalog", "facts", "data"]
    graph = {f"ecanalysis.{m}": _ecanalysis_imports(PACKAGE / f"{m}.py") for m in data}
    # validate is reached from schema only through the compatibility __getattr__
    graph["ecanalysis.schema"] -= {"ecanalysis.validate"}
    cycles = [(a, b) for a in graph for b in graph[a] if a in graph.get(b, set())]
    assert cycles == []
    assert "ecanalysis.schema" in graph["ecanalysis.validate"]


def test_optional_and_per_store_tables_follow_from_the_contract():
    assert schema.REQUIRED_TABLES == ("stores", "orders")
    assert schema.OPTIONAL_TABLES == (
        "order_items",
        "traffic",
        "products",
        "ad_spend",
        "campaigns",
        "reviews",
        "refunds",
        "product_traffic",
        "stock_levels",
        "fx_rates",
    )
    assert schema.PER_STORE_TABLES == (
        "traffic",
        "products",
        "ad_spend",
        "campaigns",
        "reviews",
        "refunds",
        "product_traffic",
        "stock_levels",
    )


@pytest.mark.parametrize("name", list(schema.TABLES))
def test_every_table_spec_is_consistent(name):
    spec = schema.TABLES[name]
    assert spec.name == name
    assert set(spec.required).isdisjoint(spec.optional)
    assert set(spec.columns.values()) <= set(schema.KINDS)
    assert set(spec.key) <= set(spec.columns)
    if spec.date_column is not None:
        assert spec.columns[spec.date_column] in ("timestamp", "date")


def test_each_kind_has_its_sql_arrow_and_pandas_type():
    assert set(schema.SQL_TYPES) == set(schema.ARROW_TYPES) == set(schema.PANDAS_DTYPES)
    assert set(schema.SQL_TYPES) == set(schema.KINDS)
    for kind in schema.KINDS:
        pa.type_for_alias(schema.ARROW_TYPES[kind])  # raises on an unknown alias
        pd.api.types.pandas_dtype(schema.PANDAS_DTYPES[kind])


_VALUES = {
    "id": "007",
    "text": "x",
    "timestamp": dt.datetime(2025, 11, 11, 20, 0),
    "date": dt.date(2025, 11, 11),
    "money": 1.5,
    "count": 2,
    "number": 0.25,
}


@pytest.mark.parametrize("name", list(schema.TABLES))
def test_a_table_written_in_arrow_types_reads_back_in_pandas_dtypes(name, tmp_path):
    """Every column of every table: written as ``ARROW_TYPES`` says, read by
    ``open_dataset`` in the dtypes ``PANDAS_DTYPES`` says."""
    stores = {"store_id": ["s1"], "name": ["A"], "timezone": ["UTC"], "currency": ["CNY"]}
    pq.write_table(pa.table(stores), tmp_path / "stores.parquet")
    spec = schema.TABLES[name]
    columns = {
        column: pa.array([_VALUES[kind]], pa.type_for_alias(schema.ARROW_TYPES[kind]))
        for column, kind in spec.columns.items()
    }
    if "store_id" in columns:
        columns["store_id"] = pa.array(["s1"])
    if name != "stores":
        pq.write_table(pa.table(columns), tmp_path / f"{name}.parquet")
    frame = open_dataset(tmp_path).table(name)
    expected = {c: schema.PANDAS_DTYPES[k] for c, k in spec.columns.items()}
    if name == "stores":
        expected = {c: expected[c] for c in stores}
    assert frame.dtypes.astype(str).to_dict() == expected


def test_find_tables_lists_every_source_and_what_it_ignores(tmp_path):
    (tmp_path / "orders.csv").write_text("order_id\n", encoding="utf-8")
    (tmp_path / "orders.parquet").write_bytes(b"")
    (tmp_path / "refunds" / "store_id=s1").mkdir(parents=True)
    (tmp_path / "refunds" / "store_id=s1" / "part.parquet").write_bytes(b"")
    (tmp_path / "traffic").mkdir()  # no .parquet inside: not a source
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    (tmp_path / ".DS_Store").write_text("", encoding="utf-8")
    found = find_tables(tmp_path)
    assert {t: [(f.form, f.path.name) for f in fs] for t, fs in found.sources.items()} == {
        "orders": [("csv", "orders.csv"), ("parquet", "orders.parquet")],
        "refunds": [("hive", "refunds")],
    }
    assert found.sources["refunds"][0].partition_keys() == {"store_id"}
    assert [p.name for p in found.ignored] == ["notes.txt", "traffic"]
    with pytest.raises(DataError, match=r"table 'orders' has 2 sources .*orders\.csv, orders"):
        discover(tmp_path)
    (tmp_path / "orders.parquet").unlink()
    assert {t: f.form for t, f in discover(tmp_path).items()} == {
        "orders": "csv",
        "refunds": "hive",
    }
    with pytest.raises(DataError, match="does not exist or is not a directory"):
        discover(tmp_path / "nowhere")


def _table_name_lists(path: Path) -> list[tuple[int, list[str]]]:
    """Tuple, list and set literals in ``path`` that spell out four or more table names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = [
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and e.value in schema.TABLES
            ]
            if len(names) >= 4:
                found.append((node.lineno, names))
    return found


#: Modules whose literals name columns and KPIs, some of which share a table's name
#: (``orders``, ``refunds``, ``products`` are counts too): not lists of tables.
_NOT_YET: set[str] = {"labels.py"}


def test_the_table_list_is_written_once():
    lists = {
        str(path.relative_to(PACKAGE)): _table_name_lists(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name not in _NOT_YET and path.name != "schema.py"
    }
    assert {module: found for module, found in lists.items() if found} == {}
