"""Read a dataset directory (DESIGN §2) into pandas, one store and period at a time.

``open_dataset(path)`` finds the tables (``<table>.parquet``, ``<table>.csv`` or a
hive-partitioned ``<table>/**/*.parquet`` folder) and reads them with DuckDB: the store and
period filters and the column projection run inside the query, so a report on one store
reads only that store's rows. Frames come back in the dtypes of docs/conventions.md: ids
and text ``str`` (``00001`` stays ``"00001"``), timestamps naive store-local
``datetime64[ns]`` (zoned values converted with the store's time zone), money ``float64``,
counts ``int64`` (``float64`` when they hold NaN).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ecanalysis._catalog import Catalog
from ecanalysis.errors import DataError, ParameterError, closest
from ecanalysis.facts import FACTS_COLUMNS, daily_facts_sql
from ecanalysis.periods import Period, parse_period
from ecanalysis.schema import PANDAS_DTYPES, REQUIRED_TABLES, TABLES

_PANDAS_TYPES = {
    "VARCHAR": "str",
    "DATE": "datetime64[ns]",
    "TIMESTAMP": "datetime64[ns]",
    "DOUBLE": "float64",
    "BIGINT": "int64",
}


def open_dataset(path: str | os.PathLike) -> Dataset:
    """Open the dataset in directory ``path`` (no table is read until asked for).

    Parameters
    ----------
    path : path
        A directory with ``stores`` and ``orders`` and any optional tables of DESIGN §2.

    Returns
    -------
    Dataset

    Raises
    ------
    ecanalysis.errors.DataError
        When ``path`` is not a directory, or a table has two sources (``orders.csv`` and
        ``orders.parquet``).
    """
    return Dataset(path)


class Dataset:
    """A dataset directory, read through one lazily opened in-memory DuckDB connection.

    A Dataset pickles without its connection (a worker process reopens it on first use),
    so it can be shipped to process pools and dask workers.
    """

    def __init__(self, path: str | os.PathLike):
        self._catalog = Catalog.open(path)

    def __repr__(self) -> str:
        return f"Dataset({str(self.path)!r}, tables={self.tables()})"

    @property
    def path(self) -> Path:
        """The dataset directory."""
        return self._catalog.path

    def tables(self) -> list[str]:
        """Names of the tables present, in the order of DESIGN §2."""
        return [t for t in TABLES if self._catalog.has(t)]

    def has(self, name: str) -> bool:
        """True when the dataset has table ``name``."""
        return self._catalog.has(name)

    def close(self) -> None:
        """Close the DuckDB connection (it reopens on the next read)."""
        self._catalog.close()

    # -- tables -------------------------------------------------------------------

    def stores(self) -> pd.DataFrame:
        """The stores table (``store_id``, ``name``, ``timezone``, ``currency``, …)."""
        return self.table("stores")

    def table(
        self,
        name: str,
        store_id: str | None = None,
        period: Period | str | None = None,
        columns: list[str] | None = None,
        until: Period | dt.date | dt.datetime | str | None = None,
    ) -> pd.DataFrame:
        """Rows of one table, filtered and projected inside DuckDB.

        Parameters
        ----------
        name : str
            A table of DESIGN §2 (``orders``, ``traffic``, …).
        store_id : str, optional
            Keep one store's rows (order lines: the lines of that store's orders).
        period : Period or str, optional
            Keep rows whose date column is in the period's local window
            ``[start, end)``: the table's date column
            (:attr:`ecanalysis.schema.TableSpec.date_column`): ``ordered_at`` for orders
            and order lines, ``date`` for traffic, ad spend, product traffic, stock levels
            and fx rates, ``created_at`` for reviews, ``refunded_at`` for refunds;
            campaigns that overlap the period. Text is parsed in the store's time zone. Orders of the
            period *placed* in it: for the period's paid orders, refunds (dated when they
            happen) and new buyers (who need the history), read with ``until`` and let the
            metric functions date each figure.
        columns : list of str, optional
            Return only these columns, in this order. Optional columns the file lacks come
            back all-NaN; a missing required column raises :class:`DataError`.
        until : Period, date or datetime, optional
            Keep rows from the start of the data to the end of this period (a date: to
            the end of that day; a naive datetime: strictly before it). Reports load the
            history they compare against this way.

        Returns
        -------
        pandas.DataFrame
            The file's columns (or ``columns``) in the dtypes of docs/conventions.md, in
            file order, with a RangeIndex.

        Notes
        -----
        Stores and products have no date column: ``period`` and ``until`` leave them
        whole. ``period`` and ``until`` together are refused.
        """
        if period is not None and until is not None:
            raise ParameterError("pass period= or until=, not both")
        since = before = None
        if period is not None:
            since, before = _naive_bounds(self._as_period(period, store_id))
        if until is not None:
            before = self._until_bound(until, store_id)
        sql, params = self._catalog.select_sql(
            name, columns, store_id=store_id, since=since, before=before
        )
        result = self._catalog.execute(sql, params, tables=_read_by(name))
        return _contract_dtypes(result.df(), name)

    # -- coverage -----------------------------------------------------------------

    def coverage(self, store_id: str | None = None) -> tuple[dt.date | None, dt.date | None]:
        """``(first, last)`` local dates of ``ordered_at`` (of one store, or of all).

        ``(None, None)`` when there are no orders.
        """
        rows = self._order_days(store_id)
        if not rows:
            return None, None
        return min(first for _, first, _ in rows), max(last for _, _, last in rows)

    def last_complete_day(self, store_id: str | None = None) -> dt.date:
        """The last local day the data cover, which ``latest-*`` periods end on or before.

        It is the local date of the latest ``ordered_at`` of the store (of any store for
        the portfolio, ``store_id=None``): an export is taken to run to the end of its
        last day. A day that is still going on in the store's time zone (the store's local
        today, or later) is not complete, so then it is the day before today.

        Raises
        ------
        ecanalysis.errors.DataError
            When the store has no orders.
        """
        stores = self.stores()
        zones = dict(zip(stores["store_id"], stores["timezone"], strict=True))
        days = [_complete(last, zones.get(sid)) for sid, _, last in self._order_days(store_id)]
        if not days:
            who = f"store {store_id!r}" if store_id else "the dataset"
            raise DataError(
                f"{who} has no orders (dated from 1990 to a year from today), so latest-day, "
                "latest-week and latest-month cannot be resolved; give an explicit period "
                "such as 2025-11"
            )
        return max(days)

    def _order_days(self, store_id: str | None) -> list[tuple[str, dt.date, dt.date]]:
        sql, params = self._catalog.order_days_sql(store_id)
        rows = self._catalog.execute(sql, params, tables=_read_by("orders")).fetchall()
        return [row for row in rows if row[2] is not None]

    # -- facts --------------------------------------------------------------------

    def daily_facts(self, period: Period | str | None = None) -> pd.DataFrame:
        """Daily facts of every store: one row per (``store_id``, local ``date``).

        Parameters
        ----------
        period : Period or str, optional
            Keep the local dates of this period (text: a calendar form or ``latest-*``).

        Returns
        -------
        pandas.DataFrame
            - ``store_id`` (str)
            - ``date`` (datetime64[ns]): the store's local date
            - ``orders`` (int64): paid orders, by ``paid_at``
            - ``buyers`` (int64): distinct customers with a paid order that day
            - ``paid_amount`` (float64)
            - ``refund_amount`` (float64): by ``refunded_at``, else ``paid_at``
            - ``net_sales`` (float64): paid_amount − refund_amount
            - ``cost_amount`` (float64)
            - ``gross_profit`` (float64): net_sales − cost_amount

        Notes
        -----
        Computed in DuckDB by the SQL of :func:`ecanalysis.facts.daily_facts_sql` (its
        docstring states the 口径); the orders are never loaded into pandas. Days without
        payments or refunds have no row.
        """
        from ecanalysis.facts import resolve_facts_period

        first_day, last_day = resolve_facts_period(self._catalog, period)
        sql, params = daily_facts_sql(self._catalog, first_day=first_day, last_day=last_day)
        frame = self._catalog.execute(sql, params, tables=_read_by("orders")).df()
        return frame.astype({c: _PANDAS_TYPES[t] for c, t in FACTS_COLUMNS.items()})

    # -- checks -------------------------------------------------------------------

    def table_problems(self, store_id: str | None = None) -> list[str]:
        """Table-wide problems that make the dataset unusable, one readable line each.

        Cheap checks with DuckDB aggregates: required tables present, files readable,
        required columns present, store time zones known, keys unique, every
        ``store_id`` in the stores table. With ``store_id``, key checks look only at keys
        that involve that store and unknown store ids are not reported (they are other
        stores' rows). Row-level rules are :func:`ecanalysis.schema.validate_dataset`'s.
        """
        problems = self.structure_problems()
        checks = (self._zone_problems, self._key_problems, self._store_problems)
        for table in self.tables():
            if self._structure_of(table):
                continue
            for check in checks:
                try:
                    problems.extend(check(table, store_id))
                except DataError as exc:
                    problems.append(str(exc))
        return list(dict.fromkeys(problems))  # a file two checks could not read: once

    def structure_problems(self) -> list[str]:
        """Problems no report can go on with, one line each: a required table absent, a
        file that cannot be read, a required column missing (the part of
        :meth:`table_problems` that does not depend on rows)."""
        problems = [
            f"the dataset {self.path} has no {t!r} table ({t}.parquet, {t}.csv or {t}/); "
            "it is required"
            for t in REQUIRED_TABLES
            if not self.has(t)
        ]
        for table in self.tables():
            problems.extend(self._structure_of(table))
        return problems

    def _structure_of(self, table: str) -> list[str]:
        try:
            missing = self._catalog.missing_required(table)
        except DataError as exc:
            return [str(exc)]
        return self._missing_lines(table, missing)

    def _missing_lines(self, table: str, missing: list[str]) -> list[str]:
        present = list(self._catalog.file_types(table))
        lines = []
        for column in missing:
            guess = closest(column, present)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            lines.append(
                f"{table}: required column {column!r} is missing{hint}; the file "
                f"{self._catalog.sources[table].path.name} has {', '.join(present)}"
            )
        return lines

    def _zone_problems(self, table: str, store_id: str | None) -> list[str]:
        if table != "stores":
            return []
        stores = self.stores()
        lines = []
        for sid, zone in zip(stores["store_id"], stores["timezone"], strict=True):
            if str(sid) == "all":
                lines.append("stores: store_id 'all' is reserved for the portfolio; rename it")
            if not _is_zone(zone):
                lines.append(
                    f"stores: store {sid!r} has timezone {zone!r}, which is not an IANA time "
                    "zone name; use e.g. Asia/Shanghai or America/New_York"
                )
        return lines

    def _key_problems(self, table: str, store_id: str | None) -> list[str]:
        sql, params, key = self._catalog.duplicate_keys_sql(table, store_id)
        groups, rows, examples = self._catalog.execute(
            sql, params, tables=_read_by(table)
        ).fetchone()
        if not groups:
            return []
        return [
            f"{table}: {groups} value(s) of the key ({', '.join(key)}) occur more than once "
            f"({rows} rows), e.g. {', '.join(map(repr, examples))}; each must be unique: "
            "remove the duplicate rows from the export"
        ]

    def _store_problems(self, table: str, store_id: str | None) -> list[str]:
        if table == "stores" or "store_id" not in TABLES[table].columns or store_id is not None:
            return []
        sql = self._catalog.unknown_stores_sql(table)
        rows, examples = self._catalog.execute(sql, tables=(table, "stores")).fetchone()
        if not rows:
            return []
        return [
            f"{table}: {rows} row(s) have a store_id that is not in the stores table, e.g. "
            f"{', '.join(map(repr, sorted(examples)))}; add the store(s) to stores or fix "
            "the ids"
        ]

    # -- helpers ------------------------------------------------------------------

    def _as_period(self, period: Period | str, store_id: str | None) -> Period:
        if isinstance(period, Period):
            return period
        if not isinstance(period, str):
            raise ParameterError(f"period must be a Period or text such as 2025-11, got {period!r}")
        tz = self._store_zone(store_id)
        data_end = None
        if period.strip().lower().startswith("latest"):
            data_end = self.last_complete_day(store_id)
        return parse_period(period, tz, data_end=data_end)

    def _until_bound(self, until, store_id: str | None) -> dt.datetime:
        if isinstance(until, (Period, str)):
            if isinstance(until, str) and _looks_like_datetime(until):
                return _naive_datetime(until)
            return _naive_bounds(self._as_period(until, store_id))[1]
        if isinstance(until, dt.datetime):
            return _naive_datetime(until)
        if isinstance(until, dt.date):
            return dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        raise ParameterError(
            f"until must be a Period, a date or a naive local datetime, got {until!r}"
        )

    def _store_zone(self, store_id: str | None) -> str:
        if store_id is None:
            return "UTC"
        stores = self.stores()
        match = stores.loc[stores["store_id"] == str(store_id), "timezone"]
        return str(match.iloc[0]) if len(match) else "UTC"


def _read_by(table: str) -> tuple[str, ...]:
    """Tables a query of ``table`` reads (for error messages): itself, orders, stores."""
    extra = ("orders",) if table == "order_items" else ()
    return (table, *extra, "stores")


def _naive_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(period.first_day, dt.time())
    return start, dt.datetime.combine(period.last_day + dt.timedelta(days=1), dt.time())


def _looks_like_datetime(text: str) -> bool:
    return len(text.strip()) > 10 and text.strip()[10] in "T "


def _naive_datetime(value) -> dt.datetime:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        raise ParameterError(
            f"until={value!r} has a time zone; give the stores' local wall time without one"
        )
    return stamp.to_pydatetime()


def _complete(day: dt.date, zone: str | None) -> dt.date:
    """``day``, or the day before the store's local today when ``day`` is not over yet."""
    today = dt.datetime.now(ZoneInfo(zone) if _is_zone(zone) else dt.UTC).date()
    return min(day, today - dt.timedelta(days=1))


def _is_zone(zone) -> bool:
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return zone is not None and str(zone) != ""


def _contract_dtypes(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Cast the contract columns of ``frame`` to the dtypes of docs/conventions.md."""
    kinds = TABLES[table].columns
    casts = {}
    for column in frame.columns:
        kind = kinds.get(column)
        if kind is None:
            continue
        casts[column] = PANDAS_DTYPES[kind]
        if kind == "count":
            values = frame[column]
            whole = values.notna().all() and bool((values % 1 == 0).all())
            casts[column] = "int64" if whole else "float64"
    try:
        return frame.astype(casts)
    except pd.errors.OutOfBoundsDatetime:
        raise DataError(_out_of_range(frame, table)) from None


def _out_of_range(frame: pd.DataFrame, table: str) -> str:
    """The message for timestamps that pandas cannot hold (before 1678, after 2262)."""
    kinds = TABLES[table].columns
    for column in frame.columns:
        if kinds.get(column) not in ("timestamp", "date"):
            continue
        values = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(values.dtype):
            continue
        years = values.dt.year
        outside = values.notna() & ((years < 1678) | (years > 2261))
        if outside.any():
            rows = outside.to_numpy().nonzero()[0]
            return (
                f"{table}.{column}: {len(rows)} row(s) outside the plausible dates (rule: "
                f"plausible date); example {values[outside].iloc[0]}. Fix: check the year "
                "and the export's date format; run `ecanalysis validate` for every row"
            )
    return f"{table}: a timestamp is outside the plausible dates; run `ecanalysis validate`"
