"""Where a dataset's tables live: the one discovery of table files (DESIGN §2).

A dataset directory holds one source per table: ``<table>.parquet``, ``<table>.csv`` or a
hive-partitioned folder ``<table>/**/*.parquet``. :func:`find_tables` lists every source
and every other entry; :func:`discover` is the strict form the data layer reads with (one
source per table, else an error). Both the DuckDB catalog (:mod:`ecanalysis._catalog`) and
validation (:mod:`ecanalysis.validate`) use it. Imports neither pandas nor DuckDB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ecanalysis.errors import DataError
from ecanalysis.schema import TABLES

#: File forms by suffix (lower case).
FORMS = {".csv": "csv", ".parquet": "parquet"}

_HIVE_KEY = re.compile(r"^([^=/\\]+)=")


@dataclass(frozen=True)
class TableFile:
    """One source of a table: a Parquet or CSV file, or a hive-partitioned folder."""

    table: str
    form: str  # "parquet", "csv" or "hive"
    path: Path

    def partition_keys(self) -> set[str]:
        """Names of the hive partition columns (``store_id`` of ``store_id=shop01/``)."""
        if self.form != "hive":
            return set()
        keys = set()
        for file in self.path.rglob("*.parquet"):
            for part in file.relative_to(self.path).parts[:-1]:
                match = _HIVE_KEY.match(part)
                if match:
                    keys.add(match.group(1))
        return keys


@dataclass
class Found:
    """What :func:`find_tables` saw in a dataset directory."""

    sources: dict[str, list[TableFile]] = field(default_factory=dict)  # per table, by name
    ignored: list[Path] = field(default_factory=list)  # entries that are no table's source


def table_file(entry: Path) -> TableFile | None:
    """``entry`` as the source of a table of the contract, or None.

    Hidden entries (``.DS_Store``, ``.git``) and folders without ``.parquet`` files are
    no table's source.

    Examples
    --------
    >>> table_file(Path("data/orders.CSV"))
    TableFile(table='orders', form='csv', path=PosixPath('data/orders.CSV'))
    >>> table_file(Path("data/orders.xlsx")) is None
    True
    """
    if entry.name.startswith("."):
        return None
    if entry.is_dir():
        if entry.name in TABLES and any(entry.rglob("*.parquet")):
            return TableFile(entry.name, "hive", entry)
        return None
    form = FORMS.get(entry.suffix.lower())
    if form and entry.stem in TABLES:
        return TableFile(entry.stem, form, entry)
    return None


def find_tables(root: Path) -> Found:
    """Every source of every table in directory ``root``, and the entries ignored.

    Hidden entries are neither sources nor ignored entries. A table may have several
    sources here (``orders.csv`` and ``orders.parquet``): the caller decides.
    """
    found = Found()
    for entry in sorted(Path(root).iterdir()):
        if entry.name.startswith("."):
            continue
        source = table_file(entry)
        if source is None:
            found.ignored.append(entry)
        else:
            found.sources.setdefault(source.table, []).append(source)
    return found


def discover(path: str | Path) -> dict[str, TableFile]:
    """The one source of each table present in dataset directory ``path``.

    Raises
    ------
    ecanalysis.errors.DataError
        When ``path`` is not a directory, or a table has two sources (the reader could not
        tell which is current).
    """
    root = Path(path)
    if not root.is_dir():
        raise DataError(
            f"dataset directory {root} does not exist or is not a directory; "
            "pass the folder that holds stores.* and orders.* (e.g. `ecanalysis sample DIR`)"
        )
    sources = {}
    for table, candidates in find_tables(root).sources.items():
        if len(candidates) > 1:
            names = ", ".join(c.path.name for c in candidates)
            raise DataError(
                f"table {table!r} has {len(candidates)} sources in {root} ({names}); "
                "keep one of them and move the others away"
            )
        sources[table] = candidates[0]
    return sources
