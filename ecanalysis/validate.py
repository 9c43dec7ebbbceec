"""``ecanalysis validate``: read a dataset directory as the user wrote it and check every table.

The dataset half of the data contract (:mod:`ecanalysis.schema` checks one table; this
module imports it, never the reverse). Files are found by :mod:`ecanalysis._files` and
read by DuckDB as they are (CSV cells as text, Parquet in its own types), so that the rules
of :func:`ecanalysis.schema.validate_table` can point at the exact cell and row. A file
that cannot be read (empty, truncated, not UTF-8) is a problem of its table, never a
traceback. ``ecanalysis.schema.validate_dataset`` and ``ecanalysis.schema.read_table_file``
are these functions, kept there for compatibility.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ecanalysis._catalog import first_line, hive_problem, scan
from ecanalysis._files import FORMS, TableFile, diagnose, find_tables
from ecanalysis.errors import DataError, closest
from ecanalysis.schema import (
    REQUIRED_TABLES,
    TABLES,
    Problem,
    ValidationReport,
    validate_table,
)

if TYPE_CHECKING:
    import pandas as pd


class UnreadableFileError(DataError):
    """A table's file cannot be read; ``what`` says why and ``hint`` how to fix it."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(f"{what}. Fix: {hint}.")
        self.what = what
        self.hint = hint


def _ignored_note(entry: Path) -> str:
    name = entry.name + ("/" if entry.is_dir() else "")
    stem = entry.name if entry.is_dir() else entry.stem
    if entry.is_dir() and entry.name == "quarantine":
        files = len(list(entry.glob("*.csv")))
        return f"quarantine/ holds {files} file(s) of rows `ecanalysis import` set aside; not read"
    if stem in TABLES and entry.is_dir():
        return f"ignored {name}: the folder holds no .parquet files"
    if stem in TABLES:
        return f"ignored {name}: tables are read from .csv (UTF-8) or .parquet files"
    guess = closest(stem, TABLES)
    hint = f" (did you mean {guess}{entry.suffix}?)" if guess else ""
    return f"ignored {name}: not a table of the data contract{hint}"


# ---------------------------------------------------------------------------
# reading one file


def read_table_file(path: str | Path, *, con=None) -> pd.DataFrame:
    """Read one table's file (or hive folder) as it is, for validation.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.csv`` file (UTF-8, a byte-order mark is accepted), a ``.parquet`` file, or a
        folder of hive-partitioned ``.parquet`` files.
    con : duckdb.DuckDBPyConnection, optional
        A connection to read with (default: a new in-memory one, closed afterwards).

    Returns
    -------
    pandas.DataFrame
        CSV: every cell as text (``str``), empty cells missing. Parquet: the file's own
        types (zoned timestamps in UTC); partition columns as text. Rows in file order.

    Raises
    ------
    UnreadableFileError
        The file is empty (0 bytes), not UTF-8 (GBK is recognised), not valid CSV, or
        truncated / not Parquet. The message says which and how to fix it.
    """
    path = Path(path)
    if path.is_dir():
        return _read_duckdb(path, "hive", con)
    form = FORMS.get(path.suffix.lower(), "csv")
    found = diagnose(path, form)
    if found:
        raise UnreadableFileError(*found)
    return _read_duckdb(path, form, con)


def _connect():
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    return con


def _read_duckdb(path: Path, form: str, con=None) -> pd.DataFrame:
    import duckdb

    own = con is None
    con = _connect() if own else con
    try:
        if form == "hive":
            found = hive_problem(con, TableFile(path.name, form, path))
            if found:
                raise UnreadableFileError(*found)
        frame = con.execute(f"SELECT * FROM {scan(TableFile(path.stem, form, path))}").fetch_df()
    except duckdb.Error as error:
        found = diagnose(path, form)
        if found:
            raise UnreadableFileError(*found) from None
        if form == "csv":
            _check_fields(path)
        raise _unreadable(path, form, error) from None
    finally:
        if own:
            con.close()
    if form == "csv" and len(frame.columns) == 1 and "," in str(frame.columns[0]):
        _check_fields(path)  # the sniffer gave up on commas: a ragged row, most likely
    return frame


def _check_fields(path: Path) -> None:
    """Raise naming the first CSV line whose number of fields differs from the header's."""
    import csv

    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        try:
            header = next(reader, [])
            for row in reader:
                if row and len(row) != len(header):
                    raise UnreadableFileError(
                        f"{path.name} cannot be read as CSV: line {reader.line_num} has "
                        f"{len(row)} fields, the header has {len(header)}",
                        "give every row the header's columns (quote values that contain commas)",
                    )
        except csv.Error as error:  # a field beyond the csv module's limit, a NUL byte
            raise UnreadableFileError(
                f"{path.name} cannot be read as CSV: line {reader.line_num}: {error}",
                "re-export the table as CSV (UTF-8, one row per line, quotes closed)",
            ) from None


def _unreadable(path: Path, form: str, error: Exception) -> UnreadableFileError:
    detail = first_line(error)
    if form == "csv":
        return UnreadableFileError(
            f"{path.name} cannot be read as CSV ({detail})",
            "check that every row has as many fields as the header and that quotes are closed",
        )
    name = path.name + ("/" if form == "hive" else "")
    return UnreadableFileError(
        f"{name} cannot be read: file is truncated or not Parquet ({detail})",
        "write or copy the file again",
    )


# ---------------------------------------------------------------------------
# the dataset


def validate_dataset(path: str | Path) -> ValidationReport:
    """Check every table of a dataset directory against the data contract (DESIGN §2).

    Parameters
    ----------
    path : str or pathlib.Path
        The dataset directory: ``<table>.csv``, ``<table>.parquet`` or
        ``<table>/**/*.parquet`` per table; other entries are ignored with a note.

    Returns
    -------
    ValidationReport
        Every problem of every table (unreadable files, missing tables and columns,
        broken rules), rows per table, the store ids and the orders' date range.
        ``ok`` is True when there is no problem; the data are never changed.

    Notes
    -----
    ``stores`` and ``orders`` are required, and must have rows; the other tables may be
    absent or empty. Rows of other tables are checked against the stores table (known
    ``store_id``, the store's currency), order lines and refunds against the orders table
    (known ``order_id``); an order whose ``refund_amount`` differs from the sum of its
    refunds is a warning (``report.warnings``), which leaves ``report.ok`` True.
    """
    root = Path(path)
    report = ValidationReport(source=str(path))
    if not root.is_dir():
        report.problems.append(
            _dataset_problem(
                f"{root} is not a directory",
                "pass the folder that holds stores.* and orders.* "
                "(`ecanalysis sample DIR` writes one)",
            )
        )
        return report
    found = find_tables(root)
    sources = found.sources
    report.notes = [_ignored_note(entry) for entry in found.ignored]
    frames = _read_sources(sources, report)
    _missing_tables(sources, report)
    for name in TABLES:
        if name in frames:
            _validate_one(name, frames, report)
    return report


def _read_sources(
    sources: dict[str, list[TableFile]], report: ValidationReport
) -> dict[str, pd.DataFrame]:
    frames = {}
    con = _connect()
    try:
        for name in TABLES:
            _read_one(name, sources.get(name, []), con, frames, report)
    finally:
        con.close()
    return frames


def _read_one(
    name: str,
    files: list[TableFile],
    con,
    frames: dict[str, pd.DataFrame],
    report: ValidationReport,
) -> None:
    if len(files) > 1:
        names = ", ".join(f.path.name for f in files)
        report.problems.append(
            _table_problem(
                name,
                "one source",
                f"the table has {len(files)} sources ({names})",
                "keep one of them and move the others out of the dataset",
            )
        )
    elif files:
        try:
            frames[name] = read_table_file(files[0].path, con=con)
        except UnreadableFileError as error:
            report.problems.append(_table_problem(name, "readable file", error.what, error.hint))


def _missing_tables(sources: dict[str, list[TableFile]], report: ValidationReport) -> None:
    for name in REQUIRED_TABLES:
        if name in sources:
            continue
        report.problems.append(
            _table_problem(
                name,
                "required table",
                f"the dataset has no {name} table ({name}.csv, {name}.parquet or {name}/ "
                "with .parquet files)",
                f"add {name}; every dataset needs stores and orders",
            )
        )


def _validate_one(name: str, frames: dict[str, pd.DataFrame], report: ValidationReport) -> None:
    frame = frames[name]
    if frame.empty and name in REQUIRED_TABLES:
        report.problems.append(
            _table_problem(
                name,
                "has rows",
                f"{name} has no rows",
                "export the table again with its rows; only optional tables may be empty",
            )
        )
    result = validate_table(name, frame, stores=frames.get("stores"), orders=frames.get("orders"))
    report.problems.extend(result.problems)
    report.warnings.extend(result.warnings)
    report.tables.update(result.tables)
    if name == "stores":
        report.stores = result.stores
    if result.date_range:
        report.date_range = result.date_range


def _table_problem(table: str, rule: str, what: str, hint: str) -> Problem:
    return Problem(table, None, rule, what=what, hint=hint, row_level=False)


def _dataset_problem(what: str, hint: str) -> Problem:
    return _table_problem("dataset", "directory", what, hint)
