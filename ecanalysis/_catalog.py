"""The tables of a dataset directory as DuckDB SQL: typing, local time, filters.

Private to the data layer (:mod:`ecanalysis.data`, :mod:`ecanalysis.facts`,
:mod:`ecanalysis.validate`); imports neither pandas nor pandera, so that the ``facts``
command stays light. The tables are found by :mod:`ecanalysis._files` and described by
:data:`ecanalysis.schema.TABLES` (kinds, required columns, keys, date column); every SQL
text that reads the files is built here:

- :func:`scan` is the DuckDB table function of one table's file or hive folder.
- :meth:`Catalog.typed_sql` turns one table's file(s) into a relation in the dtypes of
  docs/conventions.md (:data:`ecanalysis.schema.SQL_TYPES`): ids and text ``VARCHAR``,
  money and numbers ``DOUBLE``, counts ``BIGINT``, timestamps ``TIMESTAMP`` in the store's
  local wall time (a ``TIMESTAMPTZ`` column, or text with an offset such as ``Z`` or
  ``+08:00``, is converted with the store's ``timezone`` from the stores table; naive
  values are already local), dates ``TIMESTAMP`` at local midnight.
- Table and column names come from the contract or from the files themselves and are
  quoted; values are bound as parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis._files import TableFile, diagnose, discover
from ecanalysis.errors import DataError, closest
from ecanalysis.schema import SQL_TYPES, TABLES, plausible_bounds, table_spec

#: Text timestamps that end in a UTC offset (``Z``, ``+08``, ``+08:00``, ``-0500``).
_OFFSET_RE = r"\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$"


def quote(name: str) -> str:
    """A SQL identifier, double-quoted (inner quotes doubled), whatever it contains."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal (inner quotes doubled); used only for file paths we discovered."""
    return "'" + str(text).replace("'", "''") + "'"


def glob_escape(path: str | Path) -> str:
    """``path`` with DuckDB's glob characters (``*``, ``?``, ``[``) matched literally:
    DuckDB expands every file path it reads, so ``data[1]/orders.csv`` would read
    ``data1/orders.csv``.

    Examples
    --------
    >>> glob_escape("shops[cn]/a*b?.csv")
    'shops[[]cn]/a[*]b[?].csv'
    """
    return re.sub(r"([\[*?])", r"[\1]", str(path))


def scan(source: TableFile) -> str:
    """The DuckDB table function that reads ``source`` (ids stay text in CSV and paths)."""
    path = literal(glob_escape(source.path))
    if source.form == "csv":
        return f"read_csv({path}, all_varchar = true, header = true)"
    if source.form == "hive":
        pattern = literal(glob_escape(source.path) + "/**/*.parquet")
        return (
            f"read_parquet({pattern}, hive_partitioning = true, "
            "hive_types_autocast = false, union_by_name = true)"
        )
    return f"read_parquet({path})"


@dataclass
class Catalog:
    """A dataset directory seen through one lazily opened in-memory DuckDB connection.

    Pickling drops the connection (a worker process opens its own on first use).
    """

    path: Path
    sources: dict[str, TableFile]
    _con: Any = field(default=None, repr=False)
    _types: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _zones: dict[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, path: str | Path) -> Catalog:
        """Discover the tables of ``path`` (no file is read yet)."""
        return cls(Path(path), discover(path))

    def __getstate__(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sources": self.sources,
            "_con": None,
            "_types": {},
            "_zones": None,
        }

    # -- connection -----------------------------------------------------------------

    @property
    def con(self):
        """The DuckDB connection (in memory, session time zone UTC)."""
        if self._con is None:
            import duckdb

            self._con = duckdb.connect(":memory:")
            self._con.execute("SET TimeZone = 'UTC'")
        return self._con

    def close(self) -> None:
        """Close the connection (it reopens on the next query)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def execute(self, sql: str, params: dict[str, Any] | None = None, *, tables=()):
        """Run ``sql``; a DuckDB error becomes a :class:`DataError` naming the file(s)."""
        import duckdb

        try:
            return self.con.execute(sql, self._bound(sql, params or {}))
        except duckdb.Error as exc:
            raise DataError(self._explain(exc, tables)) from None

    def _bound(self, sql: str, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` plus the store time-zone parameters that ``sql`` uses."""
        if "$zone_" not in sql:
            return params
        zones = {k: v for k, v in self.zone_params().items() if f"${k}" in sql}
        return {**params, **zones}

    # -- tables ---------------------------------------------------------------------

    def has(self, table: str) -> bool:
        """True when the dataset has a source for ``table``."""
        return table in self.sources

    def source(self, table: str) -> TableFile:
        """The source of ``table``, or a :class:`DataError` saying which tables exist."""
        table_spec(table)
        if table not in self.sources:
            present = ", ".join(sorted(self.sources)) or "none"
            raise DataError(
                f"the dataset {self.path} has no {table!r} table (no {table}.parquet, "
                f"{table}.csv or {table}/ folder); it has: {present}"
            )
        return self.sources[table]

    def file_types(self, table: str) -> dict[str, str]:
        """``{column: DuckDB type}`` of the table's file(s), partition-only columns dropped."""
        if table not in self._types:
            source = self.source(table)
            import duckdb

            if source.form == "hive":
                found = hive_problem(self.con, source)
                if found:
                    raise DataError(f"{found[0]}. Fix: {found[1]}")
            if source.form != "hive" and source.path.stat().st_size == 0:
                # DuckDB reads an empty CSV as one column "column0": say the file is empty
                raise DataError(_unreadable(source, None))
            try:
                rows = self.con.execute(f"DESCRIBE SELECT * FROM {scan(source)}").fetchall()
            except duckdb.Error as exc:
                raise DataError(_unreadable(source, exc)) from None
            if source.form == "csv" and len(rows) == 1 and "," in str(rows[0][0]):
                # the sniffer found no comma-separated columns: say why when we can
                found = diagnose(source.path)
                if found:
                    raise DataError(_unreadable(source, None))
            dropped = source.partition_keys() - set(TABLES[table].columns)
            self._types[table] = {name: kind for name, kind, *_ in rows if name not in dropped}
        return self._types[table]

    def missing_required(self, table: str) -> list[str]:
        """Required columns of ``table`` that its file lacks."""
        present = self.file_types(table)
        return [c for c in TABLES[table].required if c not in present]

    def check_columns(self, table: str, columns) -> None:
        """Raise :class:`DataError` when a required column in ``columns`` is absent."""
        present = self.file_types(table)
        required = set(TABLES[table].required)
        for column in columns:
            if column in present:
                continue
            if column not in TABLES[table].columns:
                raise DataError(_unknown_column(self.source(table), column, present))
            if column in required:
                raise DataError(_missing_column(self.source(table), column, present))

    def typed_sql(self, table: str, columns=None, *, strict: bool = True) -> str:
        """A ``SELECT`` of ``table`` in contract types and local time.

        ``columns`` (default: every column of the file) may name optional columns the
        file lacks: they come back as typed NULLs. ``strict=False`` uses ``TRY_CAST``
        (to find the values that do not convert). Zoned timestamps are converted with
        the time zone of each row's store, bound as ``$zone_*`` parameters that
        :meth:`execute` supplies; rows of stores absent from the stores table fall back to
        UTC. No join: the rows keep their file order.
        """
        present = self.file_types(table)
        spec = TABLES[table]
        wanted = list(present) if columns is None else list(columns)
        self.check_columns(table, wanted)
        zoned = any(_is_zoned(spec.columns.get(c), present[c]) for c in wanted if c in present)
        tz = self._zone_sql(table, present) if zoned else "'UTC'"
        selects = []
        for column in wanted:
            kind = spec.columns.get(column)
            if column not in present:
                selects.append(f"CAST(NULL AS {SQL_TYPES[kind]}) AS {quote(column)}")
                continue
            expr = _convert(f"t.{quote(column)}", kind, present[column], tz, strict)
            selects.append(f"{expr} AS {quote(column)}")
        return f"SELECT {', '.join(selects) or '*'} FROM {scan(self.source(table))} AS t"

    def _zone_sql(self, table: str, present: dict[str, str]) -> str:
        """SQL of the time zone of each row of ``table`` (its store's, else UTC)."""
        if table == "stores":
            return "coalesce(t.timezone, 'UTC')" if "timezone" in present else "'UTC'"
        if "store_id" not in present:
            return "'UTC'"
        store = f"CAST(t.{quote('store_id')} AS VARCHAR)"
        branches = " ".join(
            f"WHEN list_contains($zone_{i}_ids, {store}) THEN $zone_{i}_tz"
            for i in range(len(self.zone_params()) // 2)
        )
        return f"(CASE {branches} ELSE 'UTC' END)" if branches else "'UTC'"

    def zone_params(self) -> dict[str, Any]:
        """``{zone_<i>_tz: zone, zone_<i>_ids: [store ids]}`` from the stores table."""
        if self._zones is None:
            stores = scan(self.source("stores"))
            sql = (
                "SELECT tz, list(sid ORDER BY sid) FROM (SELECT CAST(store_id AS VARCHAR) AS "
                "sid, any_value(CAST(timezone AS VARCHAR)) AS tz FROM "
                f"{stores} WHERE store_id IS NOT NULL AND timezone IS NOT NULL GROUP BY 1) "
                "GROUP BY tz ORDER BY tz"
            )
            rows = self.execute(sql, tables=("stores",)).fetchall()
            self._zones = {}
            for index, (zone, ids) in enumerate(rows):
                self._zones[f"zone_{index}_tz"] = zone
                self._zones[f"zone_{index}_ids"] = list(ids)
        return self._zones

    def select_sql(
        self,
        table: str,
        columns=None,
        *,
        store_id: str | None = None,
        since: dt.datetime | None = None,
        before: dt.datetime | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """SQL and parameters of ``table``'s rows of one store in a local time window.

        ``since`` (included) and ``before`` (excluded) are naive local bounds on the
        table's date column (:attr:`TableSpec.date_column`); campaigns are kept when their
        dates overlap the window, order lines when their order's ``ordered_at`` is in it,
        and tables without a date column (stores, products) are not filtered by time.
        DuckDB pushes the ``store_id`` and time filters down into the scan.
        """
        present = self.file_types(table)
        wanted = list(present) if columns is None else list(columns)
        spec = TABLES[table]
        clauses: list[str] = []
        params: dict[str, Any] = {}
        needed = list(wanted)
        if table == "order_items":
            if store_id is not None or since is not None or before is not None:
                orders, order_params = self.select_sql(
                    "orders", ["order_id"], store_id=store_id, since=since, before=before
                )
                clauses.append(f"order_id IN (SELECT order_id FROM ({orders}) AS o)")
                params.update(order_params)
                needed.append("order_id")
        else:
            if store_id is not None:
                if "store_id" not in spec.columns:
                    raise DataError(
                        f"table {table!r} has no store_id column (it is shared by every "
                        "store); read it without store_id="
                    )
                clauses.append("store_id = $store_id")
                params["store_id"] = str(store_id)
                needed.append("store_id")
            low, high = spec.date_column, spec.date_column
            if table == "campaigns":
                high = "end"
            if low is not None and since is not None:
                clauses.append(f"{quote(high)} >= $since")
                params["since"] = since
                needed.append(high)
            if low is not None and before is not None:
                clauses.append(f"{quote(low)} < $before")
                params["before"] = before
                needed.append(low)
        typed = self.typed_sql(table, list(dict.fromkeys(needed)))
        select = ", ".join(quote(c) for c in wanted) or "*"
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return f"SELECT {select} FROM ({typed}) AS x{where}", params

    # -- aggregates -----------------------------------------------------------------

    def order_days_sql(self, store_id: str | None = None) -> tuple[str, dict[str, Any]]:
        """Per store: first and last local date of ``ordered_at`` (one store, or all).

        Only plausible dates count (:func:`ecanalysis.schema.plausible_bounds`): a row
        dated 2100, which validation refuses or quarantines, never moves ``latest-day``.
        """
        orders = self.typed_sql("orders", ["store_id", "ordered_at"])
        low, high = plausible_bounds()
        where = " WHERE ordered_at >= $plausible_low AND ordered_at < $plausible_high"
        params: dict[str, Any] = {"plausible_low": low, "plausible_high": high}
        if store_id is not None:
            where += " AND store_id = $store_id"
            params["store_id"] = str(store_id)
        sql = (
            "SELECT store_id, CAST(min(ordered_at) AS DATE) AS first_day, "
            f"CAST(max(ordered_at) AS DATE) AS last_day FROM ({orders}) AS o{where} "
            "GROUP BY store_id ORDER BY store_id"
        )
        return sql, params

    def duplicate_keys_sql(
        self, table: str, store_id: str | None = None
    ) -> tuple[str, dict[str, Any], list[str]]:
        """Count of duplicated key values of ``table``, their rows and three examples.

        With ``store_id``, only keys that involve that store: those of its own rows (of its
        orders' lines for ``order_items``), counted over the whole table. The store's keys
        are the small side of a semi-join that the whole table streams through, so the
        memory of the check grows with the store, not with the portfolio.
        Returns the SQL, its parameters and the key columns checked.
        """
        key = [c for c in TABLES[table].key if c in self.file_types(table)]
        source, params = self.select_sql(table, key)
        keys = ", ".join(quote(c) for c in key)
        shown = ", ".join(_shown(quote(c), TABLES[table].columns[c]) for c in key)
        scoped = store_id is not None and (
            "store_id" in TABLES[table].columns or table == "order_items"
        )
        if scoped:
            mine, mine_params = self.select_sql(table, key, store_id=store_id)
            params = {**params, **mine_params}
            same = " AND ".join(f"s.{quote(c)} IS NOT DISTINCT FROM m.{quote(c)}" for c in key)
            source = (
                f"SELECT s.* FROM ({source}) AS s SEMI JOIN "
                f"(SELECT DISTINCT {keys} FROM ({mine}) AS x) AS m ON {same}"
            )
        sql = (
            "SELECT count(*), coalesce(sum(n), 0), list(k ORDER BY k)[1:3] FROM ("
            f"SELECT {keys}, concat_ws(' | ', {shown}) AS k, count(*) AS n "
            f"FROM ({source}) AS s GROUP BY {keys} HAVING count(*) > 1)"
        )
        return sql, params, key

    def unknown_stores_sql(self, table: str) -> str:
        """Rows of ``table`` whose ``store_id`` is empty or not in stores, and five examples."""
        source, _ = self.select_sql(table, ["store_id"])
        known, _ = self.select_sql("stores", ["store_id"])
        return (
            "SELECT count(*), list(DISTINCT coalesce(store_id, '<empty>'))[1:5] "
            f"FROM ({source}) AS s WHERE store_id IS NULL OR store_id NOT IN "
            f"(SELECT store_id FROM ({known}) AS k WHERE store_id IS NOT NULL)"
        )

    # -- errors ---------------------------------------------------------------------

    def _explain(self, exc: Exception, tables) -> str:
        """A readable message for a failed query: the file, the column, example values."""
        for table in tables:
            source = self.sources.get(table)
            if source is None:
                continue
            found = diagnose(source.path)
            if found:
                return f"table {table!r} ({source.path}): {found[0]}. Fix: {found[1]}"
            detail = self._bad_values(table)
            if detail:
                return (
                    f"cannot read table {table!r} ({source.path}): {detail}. Fix these values "
                    "in the file (timestamps as ISO 8601, e.g. 2025-11-11 10:00 or "
                    "2025-11-11T02:00:00Z; numbers with a dot), or run `ecanalysis validate` "
                    "on the dataset for a full report"
                )
        files = ", ".join(str(self.sources[t].path) for t in tables if t in self.sources)
        return (
            f"cannot read {files or self.path}: {first_line(exc)}. Check that the file is a "
            "complete Parquet or UTF-8 CSV file with a header row, or regenerate it"
        )

    def _bad_values(self, table: str) -> str | None:
        """The first column of ``table`` whose values do not convert to its contract type."""
        present = self.file_types(table)
        spec = TABLES[table]
        for column, file_type in present.items():
            kind = spec.columns.get(column)
            if kind in (None, "id", "text"):
                continue
            tz = self._zone_sql(table, present) if _is_zoned(kind, file_type) else "'UTC'"
            expr = _convert(f"t.{quote(column)}", kind, file_type, tz, strict=False)
            raw = quote(column)
            sql = (
                f"SELECT n, CAST({raw} AS VARCHAR) FROM (SELECT row_number() OVER () AS n, "
                f"t.{raw}, {expr} AS converted FROM {scan(self.source(table))} AS t"
                f") WHERE {raw} IS NOT NULL AND converted IS NULL ORDER BY n LIMIT 5"
            )
            try:
                rows = self.con.execute(sql, self._bound(sql, {})).fetchall()
            except Exception:  # a diagnosis must never hide the original error
                continue
            if rows:
                examples = ", ".join(f"{value!r} (row {n})" for n, value in rows)
                return f"column {column!r} ({kind}) has values that are not a {kind}: {examples}"
        return None


def _is_zoned(kind: str | None, file_type: str) -> bool:
    """True when a column's values may carry a UTC offset (TIMESTAMPTZ, or text)."""
    upper = file_type.upper()
    return kind in ("timestamp", "date") and (
        upper == "VARCHAR" or upper.startswith("TIMESTAMP WITH TIME ZONE")
    )


def _convert(column: str, kind: str | None, file_type: str, tz: str, strict: bool) -> str:
    """One column in its contract type and local time (``tz``: SQL of the row's zone)."""
    cast = "CAST" if strict else "TRY_CAST"
    if kind is None:
        return column
    if kind in ("timestamp", "date"):
        expr = _local_timestamp(column, file_type, tz, cast)
        if kind == "date":
            expr = f"CAST(date_trunc('day', {expr}) AS TIMESTAMP)"
        return expr
    if kind == "count" and not _is_integer_type(file_type):
        # CAST(4.5 AS BIGINT) rounds: read as DOUBLE so that validation sees the 4.5
        # (and refuses or quarantines it) instead of a silently rounded 5.
        return f"{cast}({column} AS DOUBLE)"
    return f"{cast}({column} AS {SQL_TYPES[kind]})"


def _shown(column: str, kind: str) -> str:
    """SQL of a key value as text; a whole count read as DOUBLE shows as ``1``, not ``1.0``."""
    text = f"CAST({column} AS VARCHAR)"
    return f"regexp_replace({text}, '\\.0$', '')" if kind == "count" else text


def _is_integer_type(file_type: str) -> bool:
    return file_type.upper() in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    }


def _local_timestamp(column: str, file_type: str, tz: str, cast: str):
    upper = file_type.upper()
    if upper.startswith("TIMESTAMP WITH TIME ZONE") or upper == "TIMESTAMPTZ":
        return f"timezone({tz}, {column})"
    if upper == "VARCHAR":
        zoned = f"timezone({tz}, {cast}({column} AS TIMESTAMPTZ))"
        plain = f"{cast}({column} AS TIMESTAMP)"
        test = f"regexp_matches({column}, {literal(_OFFSET_RE)})"
        return f"(CASE WHEN {test} THEN {zoned} ELSE {plain} END)"
    return f"{cast}({column} AS TIMESTAMP)"


def _unreadable(source: TableFile, exc: Exception | None) -> str:
    found = diagnose(source.path)
    if found:
        return f"table {source.table!r} ({source.path}): {found[0]}. Fix: {found[1]}"
    return (
        f"cannot read table {source.table!r} from {source.path}: {first_line(exc)}. Check "
        "that the file is a complete Parquet or UTF-8 CSV file with a header row, or "
        "regenerate it"
    )


def hive_problem(con, source: TableFile) -> tuple[str, str] | None:
    """What makes a hive folder's files disagree, and how to fix it, or None.

    - a timestamp column stored with a time zone (UTC) in some files and without one
      (local wall time) in others: read together, the local times would be taken as UTC;
    - rows whose own ``store_id`` differs from their folder's ``store_id=…``: the folder
      would silently reassign them to another store.
    """
    import duckdb

    pattern = literal(glob_escape(source.path) + "/**/*.parquet")
    try:
        schema = con.execute(
            f"SELECT file_name, name, logical_type FROM parquet_schema({pattern})"
        ).fetchall()
    except duckdb.Error:
        return None  # unreadable files are diagnosed where they are read
    kinds = TABLES[source.table].columns

    def shown(files) -> str:
        names = sorted({str(Path(f).relative_to(source.path.parent)) for f in files})
        return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")

    for column, kind in kinds.items():
        if kind not in ("timestamp", "date"):
            continue
        types = [(f, str(t or "")) for f, name, t in schema if name == column]
        aware = [f for f, t in types if "isAdjustedToUTC=1" in t]
        naive = [f for f, t in types if "isAdjustedToUTC=0" in t]
        if aware and naive:
            return (
                f"{source.path.name}/: column {column!r} holds local times without a time "
                f"zone in {shown(naive)} but UTC times in {shown(aware)}; read together, "
                "the local times would be taken as UTC",
                "write every file of the folder the same way (all with a time zone, or all "
                "as local wall time), then read it again",
            )
    own = {name for _, name, _ in schema}
    if "store_id" not in own or "store_id" not in source.partition_keys():
        return None
    folder = "regexp_extract(filename, '[/\\\\]store_id=([^/\\\\]+)[/\\\\]', 1)"
    rows = con.execute(
        f"SELECT filename, count(*) FROM read_parquet({pattern}, hive_partitioning = false, "
        "union_by_name = true, filename = true) "
        f"WHERE {folder} <> '' AND CAST(store_id AS VARCHAR) IS DISTINCT FROM {folder} "
        "GROUP BY filename ORDER BY filename"
    ).fetchall()
    if not rows:
        return None
    count = sum(n for _, n in rows)
    return (
        f"{source.path.name}/: {count} row(s) in {shown(f for f, _ in rows)} have a "
        "store_id other than their folder's store_id=…; the folder would reassign them to "
        "another store",
        "move each file to the folder of its rows' store (or correct the store_id column)",
    )


def first_line(exc: Exception) -> str:
    """The first line of a DuckDB error, without its SQL and "Possible Solution" hints,
    at most 200 characters (a CSV error quotes the whole offending line)."""
    text = str(exc).strip()
    line = text.splitlines()[0].strip() if text else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"


def _missing_column(source: TableFile, column: str, present) -> str:
    guess = closest(column, present)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return (
        f"table {source.table!r} ({source.path}) lacks required column {column!r}{hint}; "
        f"it has {', '.join(present)}. Rename the column in the file or re-export it"
    )


def _unknown_column(source: TableFile, column: str, present) -> str:
    guess = closest(column, [*TABLES[source.table].columns, *present])
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return (
        f"{column!r} is not a column of table {source.table!r}{hint}; "
        f"the contract has {', '.join(TABLES[source.table].columns)}"
    )
