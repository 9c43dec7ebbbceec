"""Adding imported rows to a dataset directory: dtypes, upserts, atomic Parquet writes.

Every table is one Parquet file, ``<out>/<table>.parquet``. A table is rewritten only
when the import changes it (so importing the same files again leaves every file
byte-identical), through a temporary file in the same directory and a rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ecanalysis.errors import DataError
from ecanalysis.paths import atomic_write, safe_target
from ecanalysis.schema import TABLES

#: Optional column of imported rows: the position of the file they came from.
FILE_COLUMN = "_import_file"
_ARROW_TYPES = {
    "id": pa.string(),
    "text": pa.string(),
    "timestamp": pa.timestamp("us"),
    "date": pa.timestamp("us"),  # cast to date32 after conversion
    "money": pa.float64(),
    "number": pa.float64(),
    "count": pa.int64(),
}


@dataclass
class TableCounts:
    """What an import did to one table.

    Attributes
    ----------
    new, updated : int
        Rows added, and stored rows replaced by a different version.
    duplicates : int
        Imported rows that changed nothing: exact copies within the import, or the same
        as the stored row.
    superseded : int
        Imported rows replaced by a later row with the same key in the same import, or
        (for a grouped table) lines of an order that a later file of the import exports
        again: the later export wins.
    removed : int
        Stored ``order_items`` lines of a re-imported order that its new export lacks.
    """

    new: int = 0
    updated: int = 0
    duplicates: int = 0
    superseded: int = 0
    removed: int = 0

    @property
    def written(self) -> int:
        """Rows added or replaced."""
        return self.new + self.updated

    @property
    def changed(self) -> bool:
        """True when the table's file must be rewritten."""
        return bool(self.new or self.updated or self.removed)


def table_path(out: Path, table: str) -> Path:
    return out / f"{table}.parquet"


def check_writable(out: Path, tables: list[str]) -> None:
    """Refuse a dataset whose tables are stored as CSV or folders (import writes Parquet)."""
    for table in tables:
        for other in (out / f"{table}.csv", out / table):
            if other.exists():
                raise DataError(
                    f"{out} stores the {table} table as {other.name}; import adds rows to "
                    f"{table}.parquet only. Convert it to {table}.parquet, or import into "
                    "another --out directory"
                )


def normalize(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns in the dtypes the importer compares and writes.

    ids and text ``str``; timestamps and dates naive ``datetime64[us]``; money ``float64``;
    counts nullable ``Int64``. Other columns are kept as they are.
    """
    kinds = TABLES[table].columns
    columns = {}
    for name in frame.columns:
        columns[name] = _cast(table, name, kinds.get(name), frame[name])
    return pd.DataFrame(columns, index=frame.index)


def _cast(table: str, name: str, kind: str | None, values: pd.Series) -> pd.Series:
    if kind in ("id", "text"):
        return values.astype("str")
    if kind in ("timestamp", "date"):
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            raise DataError(
                f"{table}.{name} is stored with a time zone; the importer writes local "
                "times without one. Rewrite the column as local wall time"
            )
        stamps = pd.to_datetime(values).astype("datetime64[us]")
        return stamps.dt.normalize() if kind == "date" else stamps
    if kind in ("money", "number"):
        return pd.to_numeric(values).astype("float64")
    if kind == "count":
        return pd.to_numeric(values).astype("Int64")
    return values


def read_table(out: Path, table: str) -> pd.DataFrame | None:
    """The stored table, normalized, or None when the dataset lacks it."""
    path = table_path(out, table)
    if not path.exists():
        return None
    try:
        frame = pq.read_table(path).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path} cannot be read as Parquet: {exc}") from exc
    return normalize(table, frame)


def upsert(
    existing: pd.DataFrame | None,
    incoming: pd.DataFrame,
    key: list[str],
    *,
    group: str | None = None,
) -> tuple[pd.DataFrame, TableCounts]:
    """Add ``incoming`` rows to ``existing`` by ``key``; later rows win.

    Parameters
    ----------
    existing : pandas.DataFrame or None
        The stored table (normalized), None when absent.
    incoming : pandas.DataFrame
        Imported rows (normalized), in file order.
    key : list of str
        The table's key columns.
    group : str, optional
        A column whose re-imported values replace every stored row of that value
        (``order_id`` for ``order_items``: an order's lines come as a whole). When
        ``incoming`` has a :data:`FILE_COLUMN`, the same holds within the import: a group
        takes its rows from the last file that has it.

    Returns
    -------
    merged, counts
        The table sorted by ``key`` and what the import did. Columns that only the
        stored table has keep their stored values on updated rows.
    """
    counts = TableCounts()
    incoming = incoming.reset_index(drop=True)
    if FILE_COLUMN in incoming.columns:
        incoming = _last_file_per_group(incoming, group, counts)
    exact = incoming.duplicated(keep="last")
    counts.duplicates += int(exact.sum())
    incoming = incoming[~exact]
    later = incoming.duplicated(subset=key, keep="last")
    counts.superseded += int(later.sum())
    batch = incoming[~later].reset_index(drop=True)
    if existing is None or existing.empty:
        counts.new = len(batch)
        return _sorted(batch, key), counts
    stored = existing.drop_duplicates(subset=key, keep="last")
    columns = list(batch.columns)
    shared = [c for c in columns if c in stored.columns]
    probe = stored[shared].assign(_stored_hash=_row_hash(stored[shared]))
    matched = batch[key].merge(probe[[*key, "_stored_hash"]], on=key, how="left")
    found = matched["_stored_hash"].notna().to_numpy()
    same = found & (matched["_stored_hash"].to_numpy() == _row_hash(batch[shared]).to_numpy())
    # a column the stored table lacks (stock from an inventory export) is a change when set
    added = [c for c in columns if c not in stored.columns]
    if added:
        same &= batch[added].isna().all(axis=1).to_numpy()
    counts.duplicates += int(same.sum())
    counts.updated = int((found & ~same).sum())
    counts.new = int((~found).sum())
    replaced = _key_index(existing, key).isin(_key_index(batch, key))
    if group is not None:
        stale = existing[group].isin(batch[group]) & ~replaced
        counts.removed = int(stale.sum())
        replaced |= stale
    extra = [c for c in existing.columns if c not in columns]
    if extra:
        batch = batch.merge(stored[[*key, *extra]], on=key, how="left")
    kept = existing[~replaced]
    merged = pd.concat([kept, batch], ignore_index=True) if len(kept) else batch
    return _sorted(
        merged[list(existing.columns) + [c for c in columns if c not in existing]], key
    ), counts


def _last_file_per_group(
    incoming: pd.DataFrame, group: str | None, counts: TableCounts
) -> pd.DataFrame:
    """Drop the rows of a group that a later file of the import has again.

    Such a row counts as a duplicate when a later row is identical to it, else as
    superseded. Returns the rows kept, without :data:`FILE_COLUMN`.
    """
    content = incoming.drop(columns=FILE_COLUMN)
    if group is None:
        return content
    last_file = incoming.groupby(group, sort=False)[FILE_COLUMN].transform("max")
    older = (incoming[FILE_COLUMN] < last_file).to_numpy()
    repeated = content.duplicated(keep="last").to_numpy()
    counts.duplicates += int((older & repeated).sum())
    counts.superseded += int((older & ~repeated).sum())
    return content[~older].reset_index(drop=True)


def _row_hash(frame: pd.DataFrame) -> pd.Series:
    return pd.util.hash_pandas_object(frame, index=False).astype("uint64")


def _key_index(frame: pd.DataFrame, key: list[str]) -> pd.Index:
    if len(key) == 1:
        return pd.Index(frame[key[0]])
    return pd.MultiIndex.from_frame(frame[key])


def _sorted(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def write_table(out: Path, table: str, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``<out>/<table>.parquet`` atomically (temp file, then rename);
    refused when a symbolic link would put it outside ``out`` (:func:`safe_target`)."""
    path = safe_target(out, f"{table}.parquet")
    arrow = _to_arrow(table, frame)
    with atomic_write(path) as temp:
        pq.write_table(arrow, temp)
    return path


def _to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    kinds = TABLES[table].columns
    arrays = {}
    for name in frame.columns:
        kind = kinds.get(name)
        if kind is None:
            arrays[name] = pa.array(frame[name], from_pandas=True)
            continue
        array = pa.array(frame[name], type=_ARROW_TYPES[kind], from_pandas=True)
        arrays[name] = array.cast(pa.date32()) if kind == "date" else array
    return pa.table(arrays)


def write_csv_atomic(out: Path, relative: str, frame: pd.DataFrame) -> Path:
    """Write ``frame`` to ``out/relative`` as a spreadsheet-safe CSV
    (:func:`ecanalysis.spreadsheets.write_csv`: UTF-8 with a byte-order mark, formulas
    neutralised), atomically; refused when a symbolic link would put it outside ``out``.

    A file that already holds these bytes is left as it is (a re-import touches nothing).
    Returns ``out / relative`` (as the user named it; the file written is inside it).
    """
    from ecanalysis.spreadsheets import write_csv

    path = safe_target(out, relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path = safe_target(out, relative)  # the folder just made may not be a link either
    with atomic_write(path, unless_same=True) as temp:
        write_csv(frame, temp)
    return Path(out) / relative
