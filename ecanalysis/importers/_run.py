"""``import_files``: platform exports in, dataset rows added, a result to show."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import numpy as np
import pandas as pd

from ecanalysis._catalog import TABLES
from ecanalysis.errors import DataError, ParameterError, closest
from ecanalysis.importers import _dataset, _zones, shopify_catalog
from ecanalysis.importers._dataset import TableCounts
from ecanalysis.importers._platform import Context, Mapped, Platform, quarantine_frame
from ecanalysis.importers._read import Export, NotAnExportError, header_kind, read_export
from ecanalysis.importers._registry import PLATFORMS, get_platform
from ecanalysis.paths import check_identifier

#: Key columns of the tables an import writes (DESIGN §2).
KEYS = {table: list(spec.key) for table, spec in TABLES.items()}
#: Share of an import's orders left ``placed`` (never paid) above which the summary
#: suggests ``sales_basis: placed`` (cash on delivery stores).
PENDING_SHARE = 0.5
#: Stored rows of these tables are replaced as a group (an order's lines come as a whole).
GROUPS = {"order_items": "order_id"}
#: ``source`` and ``device`` of store-total traffic rows written by earlier versions (now
#: empty: ``all`` reads as a channel of that name).
LEGACY_TOTAL = "all"
#: The order export to name after an import that leaves the dataset without orders.
ORDER_EXPORTS = {
    "shopify": "shopify orders_export_1.csv",
    "meta_ads": "shopify orders_export_1.csv",
    "google_ads": "shopify orders_export_1.csv",
    "judgeme": "shopify orders_export_1.csv",
    "yotpo": "shopify orders_export_1.csv",
    "loox": "shopify orders_export_1.csv",
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: Places people write as a time zone that IANA names after another city.
ZONE_ALIASES = {
    "beijing": "Asia/Shanghai",
    "peking": "Asia/Shanghai",
    "hangzhou": "Asia/Shanghai",
    "guangzhou": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "chengdu": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "taipei": "Asia/Taipei",
    "hongkong": "Asia/Hong_Kong",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "newdelhi": "Asia/Kolkata",
    "hanoi": "Asia/Ho_Chi_Minh",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "sanfrancisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "milan": "Europe/Rome",
    "barcelona": "Europe/Madrid",
}


@dataclass
class ImportResult:
    """What :func:`import_files` did.

    Attributes
    ----------
    platform, store_id, timezone, currency : str
        The import's platform and the store the rows were filed under.
    out : pathlib.Path
        The dataset directory.
    files : dict of str to int
        Data rows read per file (in the order given).
    tables : dict of str to TableCounts
        Per table written: new, updated, duplicate, superseded and removed rows.
    quarantined : int
        Rows that could not be mapped (written to ``quarantine_file`` with the reason).
    quarantine_file : pathlib.Path or None
    dates : tuple of str or None
        First and last local date (ISO) of the imported rows, whether new, updated or
        duplicates of stored ones; None when no imported table is dated.
    date_columns : list of str
        The columns ``dates`` is taken from (``orders.ordered_at``, ``traffic.date``).
    store_created : bool
        True when the import added the store to ``stores``.
    validation : ValidationReport or None
        ``ecanalysis.schema.validate_dataset(out)``, None when it could not run.
    notes : list of str
        Remarks shown in :meth:`render`.
    warnings : list of str
        Doubts about the arguments that did not stop the import (e.g. a ``--timezone``
        off China time for 淘宝); the command line prints them on stderr.
    """

    platform: str
    store_id: str
    timezone: str
    currency: str
    out: Path
    files: dict[str, int] = field(default_factory=dict)
    tables: dict[str, TableCounts] = field(default_factory=dict)
    quarantined: int = 0
    quarantine_file: Path | None = None
    dates: tuple[str, str] | None = None
    date_columns: list[str] = field(default_factory=list)
    store_created: bool = False
    validation: Any = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Data rows read from all files."""
        return sum(self.files.values())

    @property
    def ok(self) -> bool:
        """True unless the dataset fails validation. A dataset that lacks only its orders
        (生意参谋 traffic imported before the order export) is not a failed import: the
        summary says what to import next."""
        return self.validation is None or bool(self.validation.ok) or self.awaits_orders

    @property
    def awaits_orders(self) -> bool:
        """True when the dataset's only problem is that it has no orders table yet."""
        problems = [] if self.validation is None else self.validation.problems
        return bool(problems) and all(
            p.table == "orders" and p.rule == "required table" for p in problems
        )

    def render(self) -> str:
        """A short report: files, rows per table, their dates, quarantine, validation.

        The dates are the imported rows' (those of the dataset are ``ecanalysis
        validate``'s), so the validation's own dataset-wide date line is left out.
        """
        lines = [
            f"import {self.platform} into {self.out} "
            f"(store {self.store_id}, {self.timezone}, {self.currency}"
            + (", new store)" if self.store_created else ")"),
            f"read {self.rows_read} rows from {len(self.files)} file(s): "
            + ", ".join(f"{name} ({rows})" for name, rows in self.files.items()),
        ]
        for table, c in self.tables.items():
            extra = f", {c.superseded} superseded by a later row" if c.superseded else ""
            extra += f", {c.removed} stale lines removed" if c.removed else ""
            lines.append(
                f"{table}: {c.written} written ({c.new} new, {c.updated} updated), "
                f"{c.duplicates} skipped as duplicates{extra}"
            )
        if self.dates:
            lines.append(
                f"dates: {self.dates[0]}..{self.dates[1]} (local dates of the imported rows: "
                f"{', '.join(self.date_columns)})"
            )
        if self.quarantined:
            lines.append(
                f"quarantined: {self.quarantined} row(s) that could not be mapped, "
                f"with the reason, in {self.quarantine_file}"
            )
        else:
            lines.append("quarantined: 0 rows")
        lines.extend(f"note: {note}" for note in self.notes)
        if self.validation is None:
            lines.append("validation: not run")
        else:
            report = dataclasses.replace(self.validation, date_range=None)
            lines.append("validation: " + report.render())
        if self.awaits_orders:
            lines.append(
                "next: import the store's orders (e.g. `ecanalysis import "
                f"{ORDER_EXPORTS.get(self.platform, 'taobao 订单报表.csv')} "
                f"--store-id {self.store_id} …`); reports need them"
            )
        return "\n".join(lines)


def import_files(
    platform: str,
    files: Sequence[str | os.PathLike],
    *,
    store_id: str,
    timezone: str,
    currency: str | None = None,
    out: str | os.PathLike,
) -> ImportResult:
    """Convert a platform's export files into the dataset at ``out`` (DESIGN §2, §6).

    Parameters
    ----------
    platform : str
        A name of :data:`~ecanalysis.importers.PLATFORMS` (``shopify``, ``taobao``,
        ``meta_ads`` …; :func:`describe_platforms` lists them with their columns).
    files : sequence of path
        Export files, oldest first: for rows with the same key, the later file wins.
    store_id : str
        The store the rows belong to; order ids become ``<store_id>:<platform id>``.
    timezone : str
        The store's IANA time zone; times with a UTC offset are converted to it.
    currency : str, optional
        The store's ISO 4217 currency; default: the stored store's, else the one in the
        files, else the platform's (CNY for taobao and sycm).
    out : path
        Dataset directory (created when missing).

    Returns
    -------
    ImportResult

    Raises
    ------
    ecanalysis.errors.ParameterError
        Unknown platform, unsafe or reserved store id, unknown time zone or currency, or a
        store already stored with another time zone or currency.
    ecanalysis.errors.DataError
        A file that is not an export of the platform, or a dataset that stores a table
        the import writes as CSV.
    """
    spec = get_platform(platform)
    store_id = _check_store_id(store_id)
    timezone = _check_timezone(timezone)
    currency = _check_currency(currency) if currency else None
    paths = _check_files(files)
    out = _check_out(out)
    exports = [_read_export(path, spec) for path in paths]
    if spec.join_files is not None:
        exports = spec.join_files(exports)
    stored = _stored_store(out, store_id)
    store_currency = _store_currency(spec, exports, stored, currency, store_id)
    _check_same_timezone(stored, timezone, store_id)
    zone_note = _zones.check_offsets(
        exports, spec.time_columns, timezone, country_columns=spec.country_columns
    )
    ctx = Context(store_id=store_id, timezone=timezone, currency=store_currency)
    mapped = [spec.mapper(export, ctx) for export in exports]
    _quarantine_orphan_lines(mapped, exports, _known_orders(out, mapped))
    shopify_catalog.apply_stock(mapped, exports, _dataset.read_table(out, "products"))
    _check_something_mapped(exports, mapped, stored, store_id, _platform_notes(spec, mapped))

    result = ImportResult(
        platform=spec.name,
        store_id=store_id,
        timezone=timezone,
        currency=store_currency,
        out=out,
        files={e.path.name: len(e.frame) for e in exports},
        notes=[zone_note] if zone_note else [],
    )
    result.notes += [
        f"{e.path.name}: {e.repeated_headers} repeated header row(s) dropped (exports "
        "concatenated into one file)"
        for e in exports
        if e.repeated_headers
    ]
    tables = _incoming(mapped)
    days, result.date_columns = _local_days(tables)
    if not days.empty:
        result.dates = (days.min().date().isoformat(), days.max().date().isoformat())
    if spec.export_zone:
        warning = _zones.local_time_warning(spec.name, spec.export_zone, timezone, days)
        if warning:
            result.warnings.append(warning)
    result.notes.extend(_platform_notes(spec, mapped))
    for note in (
        _undated_refunds_note(tables.get("orders"), _reported_refunds(exports, mapped)),
        _pending_note(tables.get("orders"), store_id),
    ):
        if note:
            result.notes.append(note)
    _dataset.check_writable(out, ["stores", *tables])
    out.mkdir(parents=True, exist_ok=True)
    _write_quarantine(result, spec, exports, mapped)
    result.store_created = _ensure_store(out, stored, ctx, spec, _store_name(mapped))
    for table, frame in tables.items():
        result.tables[table] = _merge(out, table, frame, result.notes)
    result.validation, note = _validate(out)
    if note:
        result.notes.append(note)
    return result


# ---------------------------------------------------------------------------
# arguments


def _check_store_id(store_id: str) -> str:
    text = check_identifier(store_id, "store_id")
    if text.lower() == "all":
        raise ParameterError(
            "store_id 'all' is reserved for the whole portfolio; give the store another id"
        )
    return text


def _check_timezone(timezone: str) -> str:
    zones = available_timezones()
    if timezone not in zones:
        place = re.sub(r"[^a-z]", "", str(timezone).rsplit("/", 1)[-1].lower())
        guess = ZONE_ALIASES.get(place) or closest(str(timezone), zones)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        raise ParameterError(
            f"--timezone {timezone!r} is not an IANA time zone{hint}; "
            "write the store's zone, e.g. Asia/Shanghai or America/New_York"
        )
    return timezone


def _check_currency(currency: str) -> str:
    code = str(currency).strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise ParameterError(
            f"--currency {currency!r} is not an ISO 4217 code; write three letters, e.g. CNY, USD"
        )
    return code


def _check_files(files: Sequence[str | os.PathLike]) -> list[Path]:
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    paths = [Path(f) for f in files]
    if not paths:
        raise ParameterError("no export file given: name one or more files to import")
    for path in paths:
        if path.is_dir():
            raise DataError(
                f"export file {path} is a directory; name the export files in it, "
                f"e.g. {path / '*.csv'}"
            )
        if not path.is_file():
            raise DataError(
                f"export file {path} does not exist or is not a file; check the path "
                "(relative paths start at the current directory)"
            )
    return paths


def _read_export(path: Path, spec: Platform) -> Export:
    """Read ``path`` as an export of ``spec``; name the platform it is an export of."""
    try:
        return read_export(path, spec.header_markers, platform=spec.name)
    except NotAnExportError as exc:
        for name in PLATFORMS:
            other = get_platform(name)
            kind = None if name == spec.name else header_kind(path, other.header_markers)
            if kind is not None:
                raise DataError(
                    f"{path} is a {name} export ({kind} file), not a {spec.name} one; "
                    f"import it with `ecanalysis import {name} {path} …`"
                ) from exc
        raise


def _check_out(out: str | os.PathLike) -> Path:
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise DataError(f"--out {path} is a file; give the dataset directory")
    return path


# ---------------------------------------------------------------------------
# the store


def _stored_store(out: Path, store_id: str) -> dict | None:
    stores = _dataset.read_table(out, "stores")
    if stores is None:
        return None
    rows = stores[stores["store_id"] == store_id]
    return None if rows.empty else rows.iloc[-1].to_dict()


def _store_currency(
    spec: Platform,
    exports: list[Export],
    stored: dict | None,
    given: str | None,
    store_id: str,
) -> str:
    found = _file_currencies(spec, exports)
    if stored is not None:
        if given and given != stored["currency"]:
            raise ParameterError(
                f"store {store_id!r} is stored with currency {stored['currency']}, not "
                f"{given}; money is kept in the store's currency. Drop --currency, or "
                "import into another store id"
            )
        _check_files_currency(found, str(stored["currency"]), store_id=store_id)
        return str(stored["currency"])
    if given:
        _check_files_currency(found, given)
        return given
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ParameterError(
            f"the files hold several currencies ({', '.join(found)}); pass --currency "
            "with the store's currency (orders in others are quarantined)"
        )
    if spec.default_currency:
        return spec.default_currency
    raise ParameterError(
        f"the {spec.name} files name no currency; pass --currency with the store's "
        "ISO 4217 code, e.g. --currency USD"
    )


def _check_files_currency(found: list[str], currency: str, *, store_id: str | None = None) -> None:
    """Refuse files none of whose rows are in the store's currency (all would be set aside).

    ``store_id`` names the stored store whose currency it is; None: ``--currency``.
    """
    if not found or currency in found:
        return
    if store_id is None:
        source, fix = f"--currency is {currency}", f"pass --currency {found[0]}"
    else:
        source = f"store {store_id!r} is stored in {currency}"
        fix = f"import them into another store id with --currency {found[0]}"
    raise ParameterError(
        f"the files are in {', '.join(found)} but {source}, so every order would be set "
        f"aside and nothing imported; {fix}"
    )


def _check_something_mapped(
    exports: list[Export],
    mapped: list[Mapped],
    stored: dict | None,
    store_id: str,
    notes: Sequence[str] = (),
) -> None:
    """Refuse an import that would file no row: nothing is written then.

    A store is not created from header-only files, nor from files whose rows are all
    counted but not records (refund requests that were not refunded: the notes say so),
    and files whose every row is set aside point at a wrong export or settings (the first
    reason is shown).
    """
    if any(len(frame) for m in mapped for frame in m.tables.values()):
        return
    names = ", ".join(str(e.path) for e in exports)
    bad = [m.quarantine for m in mapped if len(m.quarantine)]
    if bad:
        first = bad[0].iloc[0]
        count = sum(len(q) for q in bad)
        raise DataError(
            f"none of the {count} data row(s) of {names} could be imported (e.g. "
            f"{first['file']} line {first['line']}: {first['reason']}); nothing was "
            "written. Check the platform, --timezone and --currency, or export again"
        )
    if stored is None and any(m.facts for m in mapped) and notes:
        raise DataError(
            f"no row of {names} is a record to import ({'; '.join(notes)}); nothing was "
            f"written and store {store_id!r} was not created"
        )
    if stored is None:
        raise DataError(
            f"no data rows under the header of {names}; nothing was written and store "
            f"{store_id!r} was not created. Export again with a date range that has orders"
        )


def _file_currencies(spec: Platform, exports: list[Export]) -> list[str]:
    if spec.currencies is not None:
        return sorted({code for export in exports for code in spec.currencies(export)})
    if spec.currency_column is None:
        return []
    values: set[str] = set()
    for export in exports:
        if spec.currency_column in export.frame.columns:
            column = export.frame[spec.currency_column].str.strip().str.upper()
            values |= {v for v in column.unique() if v}
    return sorted(values)


def _check_same_timezone(stored: dict | None, timezone: str, store_id: str) -> None:
    if stored is not None and stored["timezone"] != timezone:
        raise ParameterError(
            f"store {store_id!r} is stored with time zone {stored['timezone']}, not "
            f"{timezone}; local times would mix. Pass --timezone {stored['timezone']}"
        )


def _store_name(mapped: list[Mapped]) -> str | None:
    names = [m.store_name for m in mapped if m.store_name]
    return names[-1] if names else None


def _ensure_store(
    out: Path, stored: dict | None, ctx: Context, spec: Platform, name: str | None
) -> bool:
    """Add the store's row to ``stores`` when it is missing; True when added."""
    if stored is not None:
        return False
    row = pd.DataFrame(
        {
            "store_id": [ctx.store_id],
            "name": [name or ctx.store_id],
            "timezone": [ctx.timezone],
            "currency": [ctx.currency],
            "platform": [spec.name],
            "opened_at": pd.Series([pd.NaT], dtype="datetime64[us]"),
        }
    )
    existing = _dataset.read_table(out, "stores")
    merged, _ = _dataset.upsert(existing, _dataset.normalize("stores", row), ["store_id"])
    _dataset.write_table(out, "stores", merged)
    return True


# ---------------------------------------------------------------------------
# rows


def _incoming(mapped: list[Mapped]) -> dict[str, pd.DataFrame]:
    """Each table's rows from all files, in file order, normalized.

    Rows of grouped tables carry the position of their file, so that an order exported
    again by a later file takes all its lines from that file (:func:`_dataset.upsert`).
    """
    tables: dict[str, list[pd.DataFrame]] = {}
    for position, m in enumerate(mapped):
        for table, frame in m.tables.items():
            if table in GROUPS:
                frame = frame.assign(**{_dataset.FILE_COLUMN: position})
            tables.setdefault(table, []).append(frame)
    return {
        table: _dataset.normalize(table, pd.concat(frames, ignore_index=True))
        for table, frames in tables.items()
    }


def _local_days(tables: dict[str, pd.DataFrame]) -> tuple[pd.Series, list[str]]:
    """The local dates (midnight) of the rows of the dated tables, and the columns read.

    When the import has orders, their dates alone: the other tables it writes with them
    (Shopify's refunds) are derived from the same orders.
    """
    days = [pd.Series(dtype="datetime64[us]")]
    columns = []
    dated = {"orders": tables["orders"]} if "orders" in tables else tables
    for table, frame in dated.items():
        column = TABLES[table].date_column
        if column in frame.columns and frame[column].notna().any():
            days.append(frame[column].dropna().dt.normalize())
            columns.append(f"{table}.{column}")
    return pd.concat(days, ignore_index=True), columns


def _platform_notes(spec: Platform, mapped: list[Mapped]) -> list[str]:
    """The platform's own notes from the counts its mapper kept, summed over the files."""
    if spec.summary is None:
        return []
    facts: dict[str, int] = {}
    for m in mapped:
        for name, count in m.facts.items():
            facts[name] = facts.get(name, 0) + int(count)
    return spec.summary(facts)


def _pending_note(orders: pd.DataFrame | None, store_id: str) -> str | None:
    """Point a store whose orders are mostly never paid (cash on delivery) at
    ``sales_basis: placed``: on the paid basis its reports would show almost no sales."""
    if orders is None or orders.empty:
        return None
    placed = int((orders["status"] == "placed").sum())
    if placed <= PENDING_SHARE * len(orders):
        return None
    share = placed / len(orders)
    return (
        f"orders: {placed} of {len(orders)} imported orders ({share:.0%}) are placed and "
        "not paid (pending): a cash-on-delivery store? Reports count paid orders as sales "
        "by default, so theirs would be near 0; set `sales_basis: placed` in "
        f"params/stores/{store_id}.yaml to report placed, not-cancelled orders as sales "
        "(DESIGN §2; every report then says so)"
    )


def _reported_refunds(exports: list[Export], mapped: list[Mapped]) -> set[str]:
    """Order ids of the refunds read from a refunds report (淘宝 退款报表) in this import:
    dated by the report, unlike refunds derived from an order export."""
    found: set[str] = set()
    for export, m in zip(exports, mapped, strict=True):
        if export.kind == "refunds" and "refunds" in m.tables:
            found |= set(m.tables["refunds"]["order_id"].dropna())
    return found


def _undated_refunds_note(
    orders: pd.DataFrame | None, reported: set[str] = frozenset()
) -> str | None:
    """Say how many imported orders have a refund without a refund date, and what follows.

    Most platforms' order exports have no refund time; reports then date a refund by
    ``paid_at`` (DESIGN §5), which the operator should know when reading net sales.
    Orders in ``reported`` have their refunds from a refunds report of the same import.
    """
    if orders is None or "refund_amount" not in orders.columns:
        return None
    refunded = orders["refund_amount"].fillna(0.0) > 0
    if "refunded_at" in orders.columns:
        refunded &= orders["refunded_at"].isna()
    refunded &= ~orders["order_id"].isin(reported)
    count = orders.loc[refunded, "order_id"].nunique()
    if not count:
        return None
    return (
        f"refunds: {count} imported order(s) have a refund but no refund date (the export "
        "has none), so reports date each of these refunds by the order's paid_at: net sales "
        "drop on the day of payment, not on the day of the refund"
    )


def _known_orders(out: Path, mapped: list[Mapped]) -> set[str]:
    """Order ids stored in the dataset or mapped by this import."""
    known: set[str] = set()
    stored = _dataset.read_table(out, "orders")
    if stored is not None:
        known |= set(stored["order_id"].dropna())
    for m in mapped:
        if "orders" in m.tables:
            known |= set(m.tables["orders"]["order_id"].dropna())
    return known


def _quarantine_orphan_lines(mapped: list[Mapped], exports: list[Export], known: set[str]) -> None:
    """Set aside lines of orders that are neither stored nor imported (validate refuses them).

    This happens with a platform whose lines come in their own file (淘宝 宝贝报表), when
    the order's row is missing from the orders files given or could not be mapped.
    """
    for m, export in zip(mapped, exports, strict=True):
        lines = m.tables.get("order_items")
        positions = m.sources.get("order_items")
        if lines is None or positions is None or lines.empty:
            continue
        orphan = ~lines["order_id"].isin(known).to_numpy()
        if not orphan.any():
            continue
        mask = np.zeros(len(export.frame), dtype=bool)
        mask[positions[orphan]] = True
        reason = (
            "order not in the dataset nor in the orders files of this import (or its "
            "order row was quarantined): import the orders report with the lines"
        )
        moved = quarantine_frame(export, mask, [reason] * len(export.frame))
        m.quarantine = pd.concat([m.quarantine, moved], ignore_index=True)
        m.tables["order_items"] = lines[~orphan].reset_index(drop=True)
        m.sources["order_items"] = positions[~orphan]


def _merge(out: Path, table: str, incoming: pd.DataFrame, notes: list[str]) -> TableCounts:
    existing = _dataset.read_table(out, table)
    replaced = 0
    if table == "traffic" and existing is not None:
        existing, replaced = _drop_legacy_totals(existing, incoming, notes)
    merged, counts = _dataset.upsert(existing, incoming, KEYS[table], group=GROUPS.get(table))
    # each dropped legacy total has come back under its new key, counted as new
    counts.new -= replaced
    counts.updated += replaced
    if counts.changed:
        _dataset.write_table(out, table, merged)
    return counts


def _drop_legacy_totals(
    existing: pd.DataFrame, incoming: pd.DataFrame, notes: list[str]
) -> tuple[pd.DataFrame, int]:
    """Drop stored store totals keyed ``all``/``all`` on the days the import has again.

    Earlier versions wrote 生意参谋 store totals with source and device ``all``; the same
    day imported now has them empty, and both kept would count the day's visitors twice.
    A stored total is dropped only when no stored row has the new key, so that each drop
    is one row that the upsert adds as new. Returns the table and the rows dropped.
    """
    if "source" not in existing.columns or "device" not in existing.columns:
        return existing, 0
    total = incoming["source"].isna() & incoming["device"].isna()
    days = incoming.loc[total, ["store_id", "date"]].drop_duplicates()
    legacy = (existing["source"] == LEGACY_TOTAL) & (existing["device"] == LEGACY_TOTAL)
    if days.empty or not legacy.any():
        return existing, 0
    stored_totals = existing.loc[
        existing["source"].isna() & existing["device"].isna(), ["store_id", "date"]
    ]
    day_key = pd.MultiIndex.from_frame(existing[["store_id", "date"]])
    again = day_key.isin(pd.MultiIndex.from_frame(days))
    kept_new_key = day_key.isin(pd.MultiIndex.from_frame(stored_totals))
    dropped = legacy & again & ~kept_new_key
    replaced = int(dropped.sum())
    stores = ", ".join(sorted(set(days["store_id"])))
    left = int((legacy & ~dropped & existing["store_id"].isin(days["store_id"])).sum())
    parts = [f"{replaced} replaced"] if replaced else []
    if left:
        parts.append(
            f"{left} {'more ' if replaced else ''}on other days keep 'all': import their "
            "生意参谋 exports again"
        )
    if parts:
        notes.append(
            f"traffic: store totals of {stores} stored with source and device 'all' by an "
            f"earlier import: {'; '.join(parts)}"
        )
    return existing[~dropped].reset_index(drop=True), replaced


def _write_quarantine(
    result: ImportResult, spec: Platform, exports: list[Export], mapped: list[Mapped]
) -> None:
    frames = [m.quarantine for m in mapped if len(m.quarantine)]
    result.quarantined = sum(len(f) for f in frames)
    if not frames:
        return
    digest = hashlib.sha256(
        "\n".join([spec.name, result.store_id, *(e.digest for e in exports)]).encode()
    ).hexdigest()[:12]
    relative = f"quarantine/import-{spec.name}-{digest}.csv"
    frame = pd.concat(frames, ignore_index=True)
    result.quarantine_file = _dataset.write_csv_atomic(result.out, relative, frame)


def _validate(out: Path) -> tuple[Any, str | None]:
    try:
        from ecanalysis.schema import validate_dataset
    except ImportError:
        return None, (
            "validation not run: this version has no ecanalysis.schema.validate_dataset; "
            f"run `ecanalysis validate {out}` once it does"
        )
    return validate_dataset(out), None
