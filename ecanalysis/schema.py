"""The data contract of DESIGN §2: table specs, pandera schemas and validation reports.

The one place the contract is written: every other module (data layer, importers,
sample, runner) takes its tables, columns, kinds and types from here. Three layers, each
usable alone:

- :data:`TABLES` — a declarative :class:`TableSpec` per table (key, required and optional
  columns with their kind, the date column), with :data:`REQUIRED_TABLES`,
  :data:`OPTIONAL_TABLES`, :data:`PER_STORE_TABLES`, the statuses and refund kinds, and per
  kind (:data:`KINDS`) its DuckDB, Arrow and pandas type (:data:`SQL_TYPES`,
  :data:`ARROW_TYPES`, :data:`PANDAS_DTYPES`). Importing it loads neither pandas nor
  pandera, so the data layer and the importers can use it freely.
- :func:`validate_table` — one table (a frame as read from a file, text or typed) against the
  contract: its cells are parsed by kind, then a pandera ``DataFrameSchema``
  (:func:`table_schema`) checks every rule lazily, so that one pass reports every problem.
  The result is a :class:`ValidationReport` of :class:`Problem` objects, each rendered as one
  readable line that names the table, column, rule, rows, example values and a fix.
- :func:`ecanalysis.validate.validate_dataset` — every table of a dataset directory
  (``ecanalysis validate``); unreadable files (empty, truncated, not UTF-8, …) become
  problems, never tracebacks. It imports this module, never the reverse; the names
  ``schema.validate_dataset`` and ``schema.read_table_file`` still work (loaded on first
  use).

Findings that do not make data invalid (an order whose ``refund_amount`` differs from the
sum of its refunds) are warnings: shown by ``ecanalysis validate``, never failing it.

Row numbers in messages count the table's data rows from 1, in file order: row 1 is the
first row under the header (in a CSV file, line = row + 1). Rows that break a row-level
rule can be set aside with :func:`split_bad_rows` (``--on-bad-rows quarantine``).

Decisions where DESIGN §2 leaves a choice:

- An id column stored as numbers (a Parquet ``int64`` ``order_id``) is a problem of the
  column, not coerced silently: leading zeros may already be lost (``00001`` became ``1``).
- Numbers with thousands separators (``1,234.50``) and CSV files that are not UTF-8
  (GBK from Excel on Chinese Windows) are reported with the fix rather than guessed at,
  because the data layer reads the files as they are. A UTF-8 byte-order mark is accepted.
- Extra columns are allowed; one whose name is a near miss of an absent contract column
  (``refund_amout``) is reported as a likely typo, since its values would be ignored.
- Duplicate keys put every copy in the problem (and in quarantine): which copy is right
  is the user's call.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ecanalysis.errors import DataError, closest

if TYPE_CHECKING:
    import pandas as pd

# ---------------------------------------------------------------------------
# the contract, declaratively

#: Column kinds of the contract and their types: ``(DuckDB SQL, Arrow, pandas)``, the one
#: place they are written (docs/conventions.md). Dates are read as local midnight
#: (``TIMESTAMP``) and stored as Arrow ``date32``; counts are ``int64`` in pandas, or
#: ``float64`` when the column holds NaN.
_KIND_TYPES: dict[str, tuple[str, str, str]] = {
    "id": ("VARCHAR", "string", "str"),
    "text": ("VARCHAR", "string", "str"),
    "timestamp": ("TIMESTAMP", "timestamp[us]", "datetime64[ns]"),
    "date": ("TIMESTAMP", "date32", "datetime64[ns]"),
    "money": ("DOUBLE", "double", "float64"),
    "count": ("BIGINT", "int64", "int64"),
    "number": ("DOUBLE", "double", "float64"),
}

#: Column kinds: how a column is parsed and typed, and which generic rules it gets.
KINDS = tuple(_KIND_TYPES)
#: DuckDB type of each kind (the data layer's reads).
SQL_TYPES = {kind: types[0] for kind, types in _KIND_TYPES.items()}
#: Arrow type alias of each kind (``pyarrow.type_for_alias``), as Parquet files store it.
ARROW_TYPES = {kind: types[1] for kind, types in _KIND_TYPES.items()}
#: pandas dtype of each kind, as :func:`ecanalysis.data.open_dataset` returns it.
PANDAS_DTYPES = {kind: types[2] for kind, types in _KIND_TYPES.items()}


@dataclass(frozen=True)
class TableSpec:
    """One table of DESIGN §2.

    Attributes
    ----------
    name : str
        Table name, also the file stem (``orders.csv``).
    key : tuple of str
        Columns that identify a row (unique together; missing values count as values).
    required, optional : dict of str to str
        Column name to kind (one of :data:`KINDS`), in contract order.
    date_column : str or None
        The column that dates a row (``period=`` filters on it).
    """

    name: str
    key: tuple[str, ...]
    required: dict[str, str]
    optional: dict[str, str]
    date_column: str | None = None

    @property
    def columns(self) -> dict[str, str]:
        """Every contract column (required first) and its kind."""
        return {**self.required, **self.optional}


_ID, _TEXT, _TS, _DATE = "id", "text", "timestamp", "date"
_MONEY, _COUNT, _NUMBER = "money", "count", "number"

#: The tables of DESIGN §2, in contract order.
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "stores",
            ("store_id",),
            {"store_id": _ID, "name": _TEXT, "timezone": _TEXT, "currency": _TEXT},
            {"platform": _TEXT, "opened_at": _TS},
        ),
        TableSpec(
            "orders",
            ("order_id",),
            {
                "order_id": _ID,
                "store_id": _ID,
                "customer_id": _ID,
                "ordered_at": _TS,
                "status": _TEXT,
                "gross_amount": _MONEY,
                "paid_amount": _MONEY,
            },
            {
                "paid_at": _TS,
                "channel": _TEXT,
                "device": _TEXT,
                "item_count": _COUNT,
                "discount_amount": _MONEY,
                "shipping_amount": _MONEY,
                "refund_amount": _MONEY,
                "refunded_at": _TS,
                "cost_amount": _MONEY,
                "campaign_id": _ID,
                "currency": _TEXT,
                "shipping_cost": _MONEY,
            },
            "ordered_at",
        ),
        TableSpec(
            "order_items",
            ("order_id", "line_no"),
            {
                "order_id": _ID,
                "line_no": _COUNT,
                "sku": _ID,
                "quantity": _COUNT,
                "unit_price": _MONEY,
            },
            {"unit_cost": _MONEY, "discount_amount": _MONEY},
        ),
        TableSpec(
            "traffic",
            ("store_id", "date", "source", "device"),
            {"store_id": _ID, "date": _DATE, "visitors": _COUNT, "pageviews": _COUNT},
            {
                "source": _TEXT,
                "device": _TEXT,
                "sessions": _COUNT,
                "new_visitors": _COUNT,
                "bounces": _COUNT,
                "time_on_site_s": _NUMBER,
                "cart_visitors": _COUNT,
                "product_views": _COUNT,
            },
            "date",
        ),
        TableSpec(
            "products",
            ("store_id", "sku"),
            {"store_id": _ID, "sku": _ID, "title": _TEXT, "status": _TEXT},
            {
                "category": _TEXT,
                "price": _MONEY,
                "unit_cost": _MONEY,
                "stock_on_hand": _COUNT,
                "listed_at": _TS,
                "lead_time_days": _COUNT,
                "min_order_qty": _COUNT,
                "case_pack": _COUNT,
            },
        ),
        TableSpec(
            "ad_spend",
            ("store_id", "date", "channel"),
            {"store_id": _ID, "date": _DATE, "channel": _TEXT, "spend": _MONEY},
            {"impressions": _COUNT, "clicks": _COUNT, "campaign_id": _ID},
            "date",
        ),
        TableSpec(
            "campaigns",
            ("campaign_id",),
            {
                "campaign_id": _ID,
                "store_id": _ID,
                "name": _TEXT,
                "start": _DATE,
                "end": _DATE,
            },
            {"budget": _MONEY, "channel": _TEXT, "kind": _TEXT},
            "start",
        ),
        TableSpec(
            "reviews",
            ("review_id",),
            {"review_id": _ID, "store_id": _ID, "created_at": _TS, "rating": _COUNT},
            {
                "sku": _ID,
                "order_id": _ID,
                "dsr_item": _NUMBER,
                "dsr_service": _NUMBER,
                "dsr_logistics": _NUMBER,
                "reason": _TEXT,
                "text": _TEXT,
            },
            "created_at",
        ),
        TableSpec(
            "refunds",
            ("refund_id",),
            {
                "refund_id": _ID,
                "store_id": _ID,
                "order_id": _ID,
                "amount": _MONEY,
                "refunded_at": _TS,
            },
            {
                "requested_at": _TS,
                "sku": _ID,
                "quantity": _COUNT,
                "reason": _TEXT,
                "kind": _TEXT,
            },
            "refunded_at",
        ),
        TableSpec(
            "product_traffic",
            ("store_id", "date", "sku"),
            {"store_id": _ID, "date": _DATE, "sku": _ID, "visitors": _COUNT},
            {"pageviews": _COUNT, "cart_visitors": _COUNT, "buyers": _COUNT},
            "date",
        ),
        TableSpec(
            "stock_levels",
            ("store_id", "date", "sku"),
            {"store_id": _ID, "date": _DATE, "sku": _ID, "stock_on_hand": _COUNT},
            {},
            "date",
        ),
        TableSpec(
            "fx_rates",
            ("date", "currency"),
            {"date": _DATE, "currency": _TEXT, "rate": _NUMBER},
            {},
            "date",
        ),
    )
}

#: Tables every dataset must have.
REQUIRED_TABLES = ("stores", "orders")

#: Tables a dataset may lack, in contract order (a report section that needs one says so).
OPTIONAL_TABLES = tuple(name for name in TABLES if name not in REQUIRED_TABLES)

#: Optional tables with a ``store_id`` column: a store may have no rows in them.
PER_STORE_TABLES = tuple(name for name in OPTIONAL_TABLES if "store_id" in TABLES[name].columns)


def table_spec(name: str) -> TableSpec:
    """The :class:`TableSpec` of table ``name``, or a :class:`~ecanalysis.errors.DataError`
    that names the tables of the contract (and the closest one).

    Examples
    --------
    >>> table_spec("refunds").date_column
    'refunded_at'
    >>> table_spec("refund")
    Traceback (most recent call last):
    ...
    ecanalysis.errors.DataError: 'refund' is not a table of the data contract (did you mean 'refunds'?); tables: stores, orders, order_items, traffic, products, ad_spend, campaigns, reviews, refunds, product_traffic, stock_levels, fx_rates
    """
    if name in TABLES:
        return TABLES[name]
    guess = closest(name, TABLES)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    raise DataError(
        f"{name!r} is not a table of the data contract{hint}; tables: {', '.join(TABLES)}"
    )


#: Order statuses of DESIGN §2.
ORDER_STATUSES = (
    "placed",
    "paid",
    "shipped",
    "completed",
    "cancelled",
    "refunded",
    "partially_refunded",
)

#: Product statuses of DESIGN §2.
PRODUCT_STATUSES = ("listed", "delisted")

#: Refund kinds of DESIGN §2 (仅退款 / 退货退款).
REFUND_KINDS = ("refund_only", "return_refund")

#: Identifiers that become path components (store and campaign ids), DESIGN §6.
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

#: ISO 4217 codes of the currencies in circulation (funds, metals and test codes left out;
#: HRK and ZWL, withdrawn in 2023 and 2024, too).
_CURRENCY_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF
    XPF YER ZAR ZMW ZWG
"""
CURRENCIES = frozenset(_CURRENCY_CODES.split())

#: Near-miss threshold for extra column names (``refund_amout`` → ``refund_amount``).
_TYPO_CUTOFF = 0.85
_SHOWN_ROWS = 5
_SHOWN_EXAMPLES = 3
_QUARANTINE = "or run with --on-bad-rows quarantine to set these rows aside"

#: Column of :func:`split_bad_rows`' bad rows that says why (``reviews`` has a ``reason``).
REASON_COLUMN = "quarantine_reason"


# ---------------------------------------------------------------------------
# problems and reports


@dataclass(frozen=True)
class Problem:
    """One broken rule of the contract, found in one table.

    Attributes
    ----------
    table : str
        Table name (``dataset`` for problems of the directory itself).
    column : str or None
        Column (several joined by ``,`` for a composite key), None for the whole table.
    rule : str
        The rule, short (``>= 0``, ``unique order_id``).
    count : int
        Rows that break it (0 for table-level problems).
    rows : tuple of int
        Their 1-based data row numbers (row 1 is the first row under the header).
    examples : tuple of str
        A few of the offending values, formatted.
    hint : str
        How to fix it.
    what : str
        What is wrong: for row-level problems the predicate of "N rows are …"
        (``negative``), for table-level problems the whole statement.
    row_level : bool
        True when the problem is confined to ``rows`` (those can be quarantined).
    """

    table: str
    column: str | None
    rule: str
    count: int = 0
    rows: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()
    hint: str = ""
    what: str = ""
    row_level: bool = True

    def line(self) -> str:
        """The problem as one readable line.

        Examples
        --------
        >>> Problem("orders", "paid_amount", ">= 0", 3, (4, 17, 212), ("-5.0", "-12.5", "-1.0"),
        ...         "refunds belong in refund_amount", "negative").line()
        'orders.paid_amount: 3 rows are negative (rule: >= 0), rows 4, 17, 212; examples -5.0, -12.5, -1.0. Fix: refunds belong in refund_amount; or run with --on-bad-rows quarantine to set these rows aside.'
        """
        where = f"{self.table}.{self.column}" if self.column else self.table
        fix = f" Fix: {self.hint}." if self.hint else ""
        if not self.row_level:
            return f"{where}: {self.what}.{fix}"
        plural = self.count != 1
        shown = ", ".join(str(r) for r in self.rows[:_SHOWN_ROWS])
        more = ", …" if len(self.rows) > _SHOWN_ROWS else ""
        examples = ", ".join(self.examples)
        return (
            f"{where}: {self.count} row{'s' if plural else ''} {'are' if plural else 'is'} "
            f"{self.what} (rule: {self.rule}), row{'s' if plural else ''} {shown}{more}; "
            f"example{'s' if len(self.examples) != 1 else ''} {examples}. "
            f"Fix: {self.hint}; {_QUARANTINE}."
        )


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_table` or :func:`validate_dataset`.

    Attributes
    ----------
    problems : list of Problem
        Every broken rule; empty when the data are valid.
    tables : dict of str to int
        Rows read per table.
    stores : list of str
        Store ids of the stores table (or of the table validated).
    date_range : tuple of str or None
        First and last local date of ``orders.ordered_at`` (ISO dates).
    notes : list of str
        Remarks that do not make the data invalid (files ignored, …).
    source : str or None
        The dataset directory, when one was validated.
    warnings : list of Problem
        Findings that do not make the data invalid but deserve a look (an order whose
        ``refund_amount`` differs from the sum of its refunds): shown, never failing
        (``ok`` ignores them; they are not quarantined).
    """

    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    stores: list[str] = field(default_factory=list)
    date_range: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    source: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule is broken (warnings do not count)."""
        return not self.problems

    def render(self) -> str:
        """Problems one per line (if any), warnings, then a summary of tables, rows, stores
        and dates."""
        name = f"dataset {self.source}" if self.source else ", ".join(self.tables) or "data"
        count = len(self.problems)
        head = f"{name}: valid" if self.ok else f"{name}: {count} problem{'s' * (count != 1)}"
        if self.warnings:
            head += f", {len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}"
        lines = [head, *(p.line() for p in self.problems)]
        lines.extend(f"warning: {w.line()}" for w in self.warnings)
        rows = ", ".join(f"{t} {n:,} row{'s' * (n != 1)}" for t, n in self.tables.items())
        lines.append(f"tables: {rows or 'none read'}")
        if self.stores:
            lines.append(f"stores: {len(self.stores)} ({', '.join(self.stores)})")
        if self.date_range:
            lines.append(f"dates: {self.date_range[0]}..{self.date_range[1]} (orders.ordered_at)")
        lines.extend(f"note: {n}" for n in self.notes)
        if any(p.row_level for p in self.problems):
            lines.append("Row numbers count data rows from 1 (in a CSV file, line = row + 1).")
        return "\n".join(lines)

    def bad_rows(self, table: str) -> list[int]:
        """0-based positions of ``table``'s rows that break a row-level rule, sorted."""
        rows = {r for p in self.problems if p.table == table and p.row_level for r in p.rows}
        return [r - 1 for r in sorted(rows)]

    def split(self, table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``frame`` (the one validated) as (good rows, bad rows with ``quarantine_reason``).

        Both keep ``frame``'s index and columns; ``quarantine_reason`` lists every rule a
        bad row breaks, e.g. ``paid_amount: negative (rule: >= 0)``.
        """
        reasons: dict[int, list[str]] = {}
        for p in self.problems:
            if p.table == table and p.row_level:
                for row in p.rows:
                    reasons.setdefault(row - 1, []).append(f"{p.column}: {p.what} (rule: {p.rule})")
        positions = sorted(reasons)
        keep = [i for i in range(len(frame)) if i not in reasons]
        bad = frame.iloc[positions].assign(
            **{REASON_COLUMN: ["; ".join(reasons[i]) for i in positions]}
        )
        return frame.iloc[keep], bad


def split_bad_rows(
    name: str, frame: pd.DataFrame, report: ValidationReport
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into rows that pass and rows that break a row-level rule.

    For the runner's ``--on-bad-rows quarantine``: the bad rows, with the column
    ``quarantine_reason``, go to ``quarantine/<table>.csv``.

    Parameters
    ----------
    name : str
        Table name.
    frame : pandas.DataFrame
        The frame that ``report`` validated (same rows, same order).
    report : ValidationReport
        The result of ``validate_table(name, frame, ...)``.

    Returns
    -------
    good, bad : pandas.DataFrame
        ``good`` has ``frame``'s columns; ``bad`` has them plus ``quarantine_reason`` (str).
        Both keep ``frame``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> stores = pd.DataFrame({"store_id": ["s1"], "name": ["A"],
    ...                        "timezone": ["Asia/Shanghai"], "currency": ["CNY"]})
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "store_id": ["s1", "s1"],
    ...     "customer_id": ["c1", "c2"], "ordered_at": ["2025-11-11 10:00", "2025-11-11 11:00"],
    ...     "status": ["paid", "paid"], "gross_amount": [10.0, 20.0],
    ...     "paid_amount": [10.0, -5.0]})
    >>> report = validate_table("orders", orders, stores=stores)
    >>> good, bad = split_bad_rows("orders", orders, report)
    >>> good["order_id"].tolist(), bad[["order_id", "quarantine_reason"]].values.tolist()
    (['o1'], [['o2', 'paid_amount: negative (rule: >= 0)']])
    """
    return report.split(name, frame)


# ---------------------------------------------------------------------------
# rules


@dataclass(frozen=True)
class Rule:
    """A row-level rule: ``test(frame)`` is True where a row passes (missing values pass)."""

    column: str  # reported column (several joined by ",")
    rule: str
    what: str
    hint: str
    test: Callable[[pd.DataFrame], pd.Series]
    shows: tuple[str, ...] = ()  # columns whose values make an example

    @property
    def check_name(self) -> str:
        """Unique name of the pandera check."""
        return f"{self.column} | {self.rule}"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.shows or tuple(self.column.split(","))


#: Why a money column may not be negative, per column.
_NEGATIVE_HINTS = {
    "paid_amount": "refunds belong in refund_amount",
    "gross_amount": "gross_amount is the list value of the goods; refunds belong in refund_amount",
    "discount_amount": "write discounts as positive amounts that are subtracted",
    "refund_amount": "write refunds as positive amounts (they are subtracted in net_sales)",
    "amount": "write the refunded amount as a positive number",
}


@cache
def _time_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


#: Plausible ranges (docs/conventions.md): an amount, count or number at or beyond
#: 10^12 is a unit or export error (and overflows sums), and a date before 1990 or more
#: than a year ahead is a wrong year or format (a date in 2100 would make ``latest-day``
#: a day without data).
PLAUSIBLE_MAGNITUDE = 1e12
EARLIEST_PLAUSIBLE_DAY = "1990-01-01"
PLAUSIBLE_DAYS_AHEAD = 366


def plausible_bounds() -> tuple[dt.datetime, dt.datetime]:
    """``(low, high)``: a plausible timestamp is ``>= low`` and ``< high`` (from
    :data:`EARLIEST_PLAUSIBLE_DAY` to the end of the day :data:`PLAUSIBLE_DAYS_AHEAD`
    days after today, UTC)."""
    today = dt.datetime.now(dt.UTC).date()
    high = today + dt.timedelta(days=PLAUSIBLE_DAYS_AHEAD + 1)
    return dt.datetime.fromisoformat(EARLIEST_PLAUSIBLE_DAY), dt.datetime.combine(high, dt.time())


def _plausible_time(values):
    """True where a timestamp is missing or within :func:`plausible_bounds`."""
    import pandas as pd

    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        return pd.Series(True, index=values.index)
    low, high = (pd.Timestamp(bound) for bound in plausible_bounds())
    return values.isna() | ((values >= low) & (values < high))


def _range_rules(spec: TableSpec, present: set[str]) -> list[Rule]:
    """Plausible magnitudes of numbers and plausible dates."""
    import numpy as np

    rules = []
    for column, kind in spec.columns.items():
        if column not in present:
            continue
        if kind in (_MONEY, _COUNT, _NUMBER):
            rules.append(
                Rule(
                    column,
                    "|value| < 1e12",
                    "implausibly large (10^12 or more)",
                    "check the unit and the export (amounts in the currency's units, not "
                    "cents; no digits run together)",
                    lambda f, c=column: ~(np.abs(f[c]) >= PLAUSIBLE_MAGNITUDE) | np.isinf(f[c]),
                )
            )
        elif kind in (_TS, _DATE):
            rules.append(
                Rule(
                    column,
                    "plausible date",
                    f"before {EARLIEST_PLAUSIBLE_DAY} or more than a year from today",
                    "check the year and the export's date format (a date far ahead would "
                    "make latest-day a day without data)",
                    lambda f, c=column: _plausible_time(f[c]),
                )
            )
    return rules


def _generic_rules(spec: TableSpec, present: set[str]) -> list[Rule]:
    """Rules that follow from a column's kind: finite, non-negative, plausible."""
    import numpy as np

    rules = _range_rules(spec, present)
    for column, kind in spec.columns.items():
        if column not in present or kind not in (_MONEY, _COUNT, _NUMBER):
            continue
        rules.append(
            Rule(
                column,
                "finite",
                "not finite (inf or -inf)",
                "write a number; leave the cell empty when the value is unknown",
                lambda f, c=column: ~np.isinf(f[c]),
            )
        )
        if kind in (_MONEY, _COUNT) or column == "time_on_site_s":
            hint = _NEGATIVE_HINTS.get(column, f"{column} is never negative")
            rules.append(Rule(column, ">= 0", "negative", hint, lambda f, c=column: ~(f[c] < 0)))
    return rules


def _one_of(column: str, allowed: Iterable[str], what: str, hint: str) -> Rule:
    allowed = tuple(allowed)
    return Rule(
        column,
        f"one of {', '.join(allowed)}",
        what,
        hint,
        lambda f: _in(f[column], allowed),
    )


def _before(first: str, then: str, hint: str) -> Rule:
    return Rule(
        then,
        f"{then} >= {first}",
        f"before {first}",
        hint,
        lambda f: ~(f[then] < f[first]),
        shows=(first, then),
    )


def _identifier(column: str) -> list[Rule]:
    return [
        Rule(
            column,
            IDENTIFIER_PATTERN,
            "not a valid id",
            "ids start with a letter or digit and use only letters, digits, _ . - "
            "(at most 64 characters)",
            lambda f: f[column].isna() | f[column].str.fullmatch(IDENTIFIER_PATTERN),
        )
    ]


def _specific_rules(name: str, present: set[str]) -> list[Rule]:
    """Rules of particular columns of ``name`` (statuses, zones, currencies, ranges, order)."""
    rules: list[Rule] = []
    if name == "stores":
        rules += _identifier("store_id")
        rules.append(
            Rule(
                "store_id",
                "not 'all'",
                "the reserved id 'all'",
                "'all' stands for the whole portfolio; give the store another id",
                lambda f: f["store_id"] != "all",
            )
        )
        rules.append(
            Rule(
                "timezone",
                "IANA time zone",
                "not an IANA time zone",
                "write the zone's IANA name, e.g. Asia/Shanghai, America/New_York",
                lambda f: _in(f["timezone"], _time_zones()),
            )
        )
    if "currency" in TABLES[name].columns:
        rules.append(
            Rule(
                "currency",
                "ISO 4217 code",
                "not an ISO 4217 currency code",
                "write the three-letter code in capitals, e.g. CNY, USD, EUR",
                lambda f: _in(f["currency"], CURRENCIES),
            )
        )
    if name == "orders":
        rules.append(
            _one_of(
                "status",
                ORDER_STATUSES,
                "not a known order status",
                "map the platform's statuses (e.g. 交易成功 → completed, 交易关闭 → cancelled)",
            )
        )
        rules.append(
            _before("ordered_at", "paid_at", "an order is paid after it is placed; check the zones")
        )
        rules.append(
            _before("paid_at", "refunded_at", "a refund follows the payment; check the columns")
        )
        rules.append(
            Rule(
                "refund_amount",
                "refund_amount <= paid_amount",
                "larger than paid_amount",
                "a refund returns at most what the buyer paid",
                # a negative paid_amount is its own problem (non-negative amounts), not this
                lambda f: ~((f["refund_amount"] > f["paid_amount"]) & (f["paid_amount"] >= 0)),
                shows=("paid_amount", "refund_amount"),
            )
        )
    if name == "products":
        rules.append(
            _one_of(
                "status",
                PRODUCT_STATUSES,
                "not a known product status",
                "write listed (on sale) or delisted",
            )
        )
    if name == "refunds":
        rules.append(
            _one_of(
                "kind",
                REFUND_KINDS,
                "not a known refund kind",
                "write refund_only (仅退款) or return_refund (退货退款)",
            )
        )
        rules.append(
            _before("requested_at", "refunded_at", "a refund is completed after it is requested")
        )
    if name == "campaigns":
        rules += _identifier("campaign_id")
        rules.append(_before("start", "end", "end is the campaign's last day (inclusive)"))
    if name == "reviews":
        rules.append(_between("rating", 1, 5))
        rules += [_between(c, 1, 5) for c in ("dsr_item", "dsr_service", "dsr_logistics")]
    if name == "fx_rates":
        rules.append(
            Rule(
                "rate",
                "> 0",
                "not positive",
                "rate is units of the reporting currency per unit of currency",
                lambda f: ~(f["rate"] <= 0),
            )
        )
    return [r for r in rules if set(r.columns) <= present]


def _in(series: pd.Series, allowed: Iterable[str]) -> pd.Series:
    """True where ``series`` is missing or one of ``allowed`` (hash lookup, fast for big sets)."""
    values = list(allowed) if isinstance(allowed, (set, frozenset, tuple)) else allowed
    return series.isna() | series.astype(object).isin(values)


def _between(column: str, low: float, high: float) -> Rule:
    return Rule(
        column,
        f"{low}–{high}",
        f"outside {low}–{high}",
        f"{column} is a score from {low} to {high}",
        lambda f: f[column].isna() | f[column].between(low, high),
    )


def _key_rule(spec: TableSpec) -> Rule:
    key = list(spec.key)
    shown = ", ".join(key)
    return Rule(
        ",".join(key),
        f"unique {shown if len(key) == 1 else '(' + shown + ')'}",
        "duplicates of another row's key",
        f"each {shown} appears once; remove the duplicated rows from the export",
        lambda f: ~f.duplicated(key, keep=False),
    )


def _reference_rules(
    name: str, present: set[str], stores: pd.DataFrame | None, orders: pd.DataFrame | None
) -> list[Rule]:
    """Rules that need another table: known store ids, the store's currency, known orders."""
    rules = []
    if stores is not None and name != "stores" and "store_id" in present:
        known = _known_stores(stores)
        if known is not None:
            rules.append(
                Rule(
                    "store_id",
                    "known store_id",
                    "not in the stores table",
                    "add the store to stores, or fix the store_id",
                    lambda f: _in(f["store_id"], known),
                )
            )
        currencies = _store_currencies(stores)
        if name == "orders" and "currency" in present and currencies is not None:
            rules.append(
                Rule(
                    "currency",
                    "the store's currency",
                    "in a currency other than the store's",
                    "money is in the store's currency: convert the amounts, or file these "
                    "orders under a store of that currency",
                    lambda f: _same_currency(f, currencies),
                    shows=("store_id", "currency"),
                )
            )
    if name in _ORDER_REFERENCES and "order_id" in present and _has(orders, "order_id"):
        known_orders = orders["order_id"].dropna().astype(str).unique()
        rules.append(
            Rule(
                "order_id",
                "known order_id",
                "not in the orders table",
                _ORDER_REFERENCES[name],
                lambda f: _in(f["order_id"], known_orders),
            )
        )
    return rules


#: Tables whose ``order_id`` must be an order of the orders table, and the fix.
_ORDER_REFERENCES = {
    "order_items": "every line belongs to an order of the orders table; add the order or "
    "drop the line",
    "refunds": "every refund belongs to an order of the orders table; add the order or fix "
    "the refund's order_id",
}


def _has(frame: pd.DataFrame | None, column: str) -> bool:
    return frame is not None and column in frame.columns


def _known_stores(stores: pd.DataFrame) -> set[str] | None:
    if "store_id" not in stores.columns:
        return None
    return set(stores["store_id"].dropna().astype(str))


def _store_currencies(stores: pd.DataFrame) -> dict[str, str] | None:
    if not {"store_id", "currency"} <= set(stores.columns):
        return None
    pairs = stores[["store_id", "currency"]].dropna().astype(str)
    return dict(zip(pairs["store_id"], pairs["currency"], strict=True))


def _same_currency(frame: pd.DataFrame, currencies: dict[str, str]) -> pd.Series:
    expected = frame["store_id"].map(currencies)
    return frame["currency"].isna() | expected.isna() | (frame["currency"] == expected)


def table_rules(
    name: str,
    columns: Iterable[str],
    *,
    stores: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> list[Rule]:
    """The row-level rules of table ``name`` that apply to the ``columns`` present."""
    spec = TABLES[name]
    present = set(columns) & set(spec.columns)
    rules = _generic_rules(spec, present) + _specific_rules(name, present)
    rules += _reference_rules(name, present, stores, orders)
    if set(spec.key) <= present:
        rules.append(_key_rule(spec))
    return rules


def table_schema(
    name: str,
    *,
    columns: Iterable[str] | None = None,
    stores: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
):
    """The pandera ``DataFrameSchema`` of table ``name``, for frames parsed by kind.

    Parameters
    ----------
    name : str
        Table of :data:`TABLES`.
    columns : iterable of str, optional
        Columns present in the frame (default: all contract columns); rules on absent
        optional columns are left out.
    stores, orders : pandas.DataFrame, optional
        The stores (orders) table, for the rules that refer to it (known store ids, the
        store's currency; known order ids of ``order_items``).

    Returns
    -------
    pandera.pandas.DataFrameSchema
        Required columns not nullable; one named check per rule of :func:`table_rules`
        (single-column rules on their column, the others on the frame); extra columns
        allowed.
    """

    present = list(TABLES[name].columns) if columns is None else list(columns)
    rules = table_rules(name, present, stores=stores, orders=orders)
    return _schema_of(name, present, rules)


def _schema_of(name: str, present: list[str], rules: list[Rule]):
    import pandera.pandas as pa

    spec = TABLES[name]
    column_checks: dict[str, list] = {c: [] for c in spec.columns if c in present}
    frame_checks = []
    for rule in rules:
        check = pa.Check(rule.test, name=rule.check_name, ignore_na=False)
        if rule.column in column_checks and not rule.shows and rule.rule.startswith("unique"):
            frame_checks.append(check)
        elif rule.column in column_checks and not rule.shows:
            column_checks[rule.column].append(_series_check(pa, rule))
        else:
            frame_checks.append(check)
    schema_columns = {
        column: pa.Column(
            nullable=column not in spec.required,
            required=column in spec.required,
            checks=checks,
        )
        for column, checks in column_checks.items()
    }
    return pa.DataFrameSchema(schema_columns, checks=frame_checks, strict=False, name=name)


def _series_check(pa, rule: Rule):
    """A column check from a frame rule (the rule reads only its own column)."""
    column = rule.column
    return pa.Check(
        lambda series: rule.test(series.to_frame(column)), name=rule.check_name, ignore_na=False
    )


# ---------------------------------------------------------------------------
# parsing cells by kind


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def _is_text(series: pd.Series) -> bool:
    import pandas as pd

    return pd.api.types.is_string_dtype(series) or series.dtype == object


def _parse_number(series: pd.Series) -> pd.Series:
    import pandas as pd

    if _is_text(series):
        return pd.to_numeric(series.astype("str").str.strip(), errors="coerce").astype("float64")
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _parse_time(series: pd.Series) -> pd.Series:
    """Timestamps as naive ``datetime64``: naive values kept, zoned ones in UTC."""
    import pandas as pd

    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    text = series.astype("str").str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    return parsed.dt.tz_localize(None)


@dataclass
class _Parsed:
    """A frame parsed by kind, with the cells that did not parse as problems."""

    frame: pd.DataFrame
    problems: list[Problem]
    unparsed: dict[str, set[int]]  # column -> 0-based positions


def _parse(name: str, raw: pd.DataFrame) -> _Parsed:
    """Parse each contract column of ``raw`` by its kind; record cells that do not parse."""
    spec = TABLES[name]
    columns: dict[str, Any] = {}
    problems: list[Problem] = []
    unparsed: dict[str, set[int]] = {}
    for column in raw.columns:
        kind = spec.columns.get(column)
        series = raw[column]
        if kind is None:
            columns[column] = series
            continue
        parsed, column_problems = _parse_column(name, column, kind, series)
        columns[column] = parsed
        problems += column_problems
        bad = {r - 1 for p in column_problems for r in p.rows}
        if bad:
            unparsed[column] = bad
    import pandas as pd

    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(raw)))
    return _Parsed(frame, problems, unparsed)


def _parse_column(
    table: str, column: str, kind: str, series: pd.Series
) -> tuple[pd.Series, list[Problem]]:
    import numpy as np

    series = series.reset_index(drop=True)
    if kind in (_ID, _TEXT):
        problems = []
        if kind == _ID and not _is_text(series) and len(series.dropna()):
            problems.append(_numeric_id_problem(table, column, series))
        if not _is_text(series) or series.dtype == object:
            series = series.astype("str")
        return series, problems
    if kind in (_TS, _DATE):
        parsed = _parse_time(series)
        failed = series.notna() & parsed.isna()
        return parsed, _cell_problems(table, column, series, failed, is_time=True)
    parsed = _parse_number(series)
    failed = series.notna() & parsed.isna()
    if _is_text(series):
        failed &= series.astype("str").str.strip().str.lower().ne("nan")
    problems = _cell_problems(table, column, series, failed, is_time=False)
    if kind == _COUNT:
        fraction = parsed.notna() & np.isfinite(parsed) & parsed.mod(1).ne(0)
        problems += _row_problem(
            table,
            column,
            "whole number",
            "not a whole number",
            f"{column} counts things; write whole numbers",
            fraction,
            parsed,
        )
        failed |= fraction
    return parsed, problems


def _numeric_id_problem(table: str, column: str, series: pd.Series) -> Problem:
    return Problem(
        table,
        column,
        "ids are text",
        what=f"ids are stored as numbers ({series.dtype}), so leading zeros may be lost",
        hint="store the column as text (pandas: astype(str) before writing Parquet; "
        "Excel: format the column as Text), so that 00001 stays 00001",
        row_level=False,
    )


def _cell_problems(
    table: str, column: str, raw: pd.Series, failed: pd.Series, *, is_time: bool
) -> list[Problem]:
    """Problems of cells that did not parse: separators, then anything else."""
    if not failed.any():
        return []
    if is_time:
        return _row_problem(
            table,
            column,
            "ISO 8601 timestamp",
            "not a timestamp",
            "write ISO 8601, e.g. 2025-11-11 20:00:00 (store-local) or 2025-11-11T12:00:00Z",
            failed,
            raw,
        )
    separated = failed & raw.astype("str").str.strip().str.fullmatch(_THOUSANDS).fillna(False)
    problems = _row_problem(
        table,
        column,
        "number without thousands separators",
        "written with thousands separators",
        "remove the separators (1,234.50 → 1234.50): in Excel format the column as Number "
        "without 1000 separator, then save as CSV UTF-8 again",
        separated,
        raw,
    )
    problems += _row_problem(
        table,
        column,
        "number",
        "not a number",
        "write plain numbers with a dot for decimals and no currency signs",
        failed & ~separated,
        raw,
    )
    return problems


def _row_problem(
    table: str,
    column: str,
    rule: str,
    what: str,
    hint: str,
    failed: pd.Series,
    values: pd.Series,
) -> list[Problem]:
    """A one-column row-level problem for the rows where ``failed`` is True (or none)."""
    import numpy as np

    positions = np.flatnonzero(failed.to_numpy(dtype=bool))
    if not len(positions):
        return []
    return [
        Problem(
            table,
            column,
            rule,
            len(positions),
            tuple(int(p) + 1 for p in positions),
            _examples(values, positions),
            hint,
            what,
        )
    ]


def _examples(values: pd.Series, positions, *, whole: bool = False) -> tuple[str, ...]:
    shown: list[str] = []
    for value in values.iloc[positions[:200]]:
        text = _format_value(value, whole=whole)
        if text not in shown:
            shown.append(text)
        if len(shown) == _SHOWN_EXAMPLES:
            break
    return tuple(shown)


def _format_value(value: Any, *, whole: bool = False) -> str:
    """A cell as shown in messages: text quoted, numbers and times plain, missing as empty
    (``whole``: a count, shown without ``.0``)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    if isinstance(value, str):
        return repr(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return str(int(value)) if whole and value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------------------
# columns


def _column_problems(name: str, columns: list[str]) -> list[Problem]:
    """Missing required columns, and extra columns that look like typos of contract ones."""
    spec = TABLES[name]
    present = [str(c) for c in columns]
    extras = [c for c in present if c not in spec.columns]
    problems = []
    for column in spec.required:
        if column in present:
            continue
        guess = closest(column, extras)
        did_you_mean = f"; did you mean {guess!r}?" if guess else "."
        problems.append(
            Problem(
                name,
                None,
                "required column",
                what=f"required column {column!r} is missing{did_you_mean} "
                f"Columns present: {', '.join(present) or 'none'}",
                hint=f"name the column {column!r} in the file's header"
                + (f" (rename {guess!r})" if guess else ""),
                row_level=False,
            )
        )
    absent_optional = [c for c in spec.optional if c not in present]
    for extra in extras:
        match = difflib.get_close_matches(extra, absent_optional, n=1, cutoff=_TYPO_CUTOFF)
        if match:
            problems.append(
                Problem(
                    name,
                    extra,
                    "known column name",
                    what=f"column {extra!r} looks like a typo of {match[0]!r}; as it is, "
                    "its values are ignored",
                    hint=f"rename it to {match[0]!r}",
                    row_level=False,
                )
            )
    return problems


# ---------------------------------------------------------------------------
# one table


def validate_table(
    name: str,
    frame: pd.DataFrame,
    *,
    stores: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> ValidationReport:
    """Check one table against the data contract and report every problem at once.

    Parameters
    ----------
    name : str
        Table of DESIGN §2 (a key of :data:`TABLES`).
    frame : pandas.DataFrame
        The table as read: text cells (a CSV read as text) or typed columns (Parquet, or
        :func:`ecanalysis.data.open_dataset`'s frames). Not modified.
    stores : pandas.DataFrame, optional
        The stores table: enables the rules "known store_id" and, for orders, "the store's
        currency".
    orders : pandas.DataFrame, optional
        The orders table: enables "known order_id" for ``order_items`` and ``refunds``,
        and for ``refunds`` the warning where an order's ``refund_amount`` differs from the
        sum of its refunds (DESIGN §2).

    Returns
    -------
    ValidationReport
        ``problems`` (empty when valid), ``warnings``, ``tables`` = ``{name: rows}``,
        ``stores`` (the store ids of the table), ``date_range`` (orders only).

    Notes
    -----
    Cells are parsed by the column's kind first (ids and text as text, timestamps as ISO
    8601, money and counts as numbers); a cell that does not parse is one problem, and is
    not reported again by the rules. Then a pandera schema (:func:`table_schema`) checks
    required values, ranges, statuses, zones, currencies, order of timestamps, key
    uniqueness and references, lazily. Missing required columns are table-level problems;
    the rules on the other columns still run.

    Examples
    --------
    >>> import pandas as pd
    >>> stores = pd.DataFrame({"store_id": ["s1", "all"], "name": ["A", "B"],
    ...     "timezone": ["Asia/Shanghai", "Mars/Olympus"], "currency": ["CNY", "CNY"]})
    >>> for problem in validate_table("stores", stores).problems:
    ...     print(problem.line())
    stores.store_id: 1 row is the reserved id 'all' (rule: not 'all'), row 2; example 'all'. Fix: 'all' stands for the whole portfolio; give the store another id; or run with --on-bad-rows quarantine to set these rows aside.
    stores.timezone: 1 row is not an IANA time zone (rule: IANA time zone), row 2; example 'Mars/Olympus'. Fix: write the zone's IANA name, e.g. Asia/Shanghai, America/New_York; or run with --on-bad-rows quarantine to set these rows aside.
    """
    table_spec(name)
    problems = _column_problems(name, list(frame.columns))
    parsed = _parse(name, frame)
    problems += parsed.problems
    problems += _schema_problems(name, parsed, stores=stores, orders=orders)
    warnings = _paid_without_paid_at(parsed.frame) if name == "orders" else []
    if name == "refunds":
        bad = {r - 1 for p in problems if p.row_level for r in p.rows}
        good = parsed.frame.drop(index=sorted(bad))
        warnings = _refund_sum_warnings(good, orders)
    return ValidationReport(
        problems=_ordered(name, problems),
        tables={name: len(frame)},
        stores=_store_ids(name, parsed.frame),
        date_range=_date_range(name, parsed.frame),
        warnings=warnings,
    )


#: Statuses that say an order was paid (DESIGN §2): one without a ``paid_at`` contradicts it.
PAID_STATUSES = ("paid", "shipped", "completed", "refunded", "partially_refunded")


def _paid_without_paid_at(orders: pd.DataFrame) -> list[Problem]:
    """A warning for orders whose status says paid but whose ``paid_at`` is empty: every
    paid-basis figure reads them as unpaid (a Shopify export leaves ``Paid at`` empty on
    many paid orders; ``ecanalysis import shopify`` dates them by ``Created at``)."""
    if not {"status", "paid_at"} <= set(orders.columns):
        return []
    contradicting = orders["status"].isin(PAID_STATUSES) & orders["paid_at"].isna()
    count = int(contradicting.sum())
    if not count:
        return []
    rows = [int(i) + 1 for i in orders.index[contradicting][:_SHOWN_ROWS]]
    return [
        Problem(
            "orders",
            "paid_at",
            "a paid status has a paid_at",
            count,
            rows=tuple(rows),
            what=f"{count} order{'s have' if count != 1 else ' has'} a paid status "
            f"({', '.join(PAID_STATUSES)}) but no paid_at: the reports read "
            f"{'them' if count != 1 else 'it'} as unpaid and leave "
            f"{'them' if count != 1 else 'it'} out of paid amount, buyers and new buyers "
            f"(row{'s' if count != 1 else ''} {', '.join(map(str, rows))}"
            f"{' …' if count > len(rows) else ''})",
            hint="fill paid_at (the order time where the export has no payment time), or "
            "import the platform's export again with `ecanalysis import`",
            row_level=False,
        )
    ]


#: Largest difference between ``orders.refund_amount`` and the sum of the order's refunds
#: that counts as equal (half a cent: sums of two-decimal amounts in floating point).
_REFUND_TOLERANCE = 0.005


def _refund_sum_warnings(refunds: pd.DataFrame, orders: pd.DataFrame | None) -> list[Problem]:
    """A warning when an order's ``refund_amount`` differs from the sum of its refunds.

    ``refunds`` holds the rows that break no row-level rule (the others are problems of
    their own). Only orders with refund rows (and ``orders`` with a ``refund_amount``
    column) are compared; an empty ``refund_amount`` counts as 0. Orders unknown to
    ``orders`` are the "known order_id" rule's problem, not compared here.
    """
    if not (_has(orders, "refund_amount") and _has(orders, "order_id")):
        return []
    if not {"order_id", "amount"} <= set(refunds.columns):
        return []
    summed = refunds.groupby("order_id", sort=True)["amount"].sum(min_count=1).dropna()
    stated = (
        _parse_number(orders["refund_amount"])
        .fillna(0.0)
        .groupby(orders["order_id"].astype(str).to_numpy())
        .sum()
    )
    common = summed.index.intersection(stated.index)
    differ = common[(summed[common] - stated[common]).abs() > _REFUND_TOLERANCE]
    if differ.empty:
        return []
    shown = ", ".join(
        f"{order!r} (refunds {summed[order]:.2f}, refund_amount {stated[order]:.2f})"
        for order in differ[:_SHOWN_EXAMPLES]
    )
    count = len(differ)
    return [
        Problem(
            "refunds",
            "amount",
            "sum per order = orders.refund_amount",
            count,
            what=f"{count} order{'s have' if count != 1 else ' has'} a refund_amount in "
            f"orders that differs from the sum of {'their' if count != 1 else 'its'} refunds, "
            f"e.g. {shown}; where refunds has rows for an order, they define its refunds "
            "(DESIGN §2)",
            hint="export orders and refunds at the same time, or correct orders.refund_amount",
            row_level=False,
        )
    ]


def _ordered(name: str, problems: list[Problem]) -> list[Problem]:
    """Table-level problems first, then by contract column order."""
    order = {c: i for i, c in enumerate(TABLES[name].columns)}

    def position(p: Problem) -> tuple[int, int]:
        first = (p.column or "").split(",")[0]
        return (p.row_level, order.get(first, len(order)))

    return sorted(problems, key=position)


def _store_ids(name: str, frame: pd.DataFrame) -> list[str]:
    if name != "stores" or "store_id" not in frame.columns:
        return []
    return [str(s) for s in frame["store_id"].dropna().unique()]


def _date_range(name: str, frame: pd.DataFrame) -> tuple[str, str] | None:
    if name != "orders" or "ordered_at" not in frame.columns:
        return None
    times = frame["ordered_at"].dropna()
    if times.empty:
        return None
    return (times.min().date().isoformat(), times.max().date().isoformat())


def _schema_problems(
    name: str,
    parsed: _Parsed,
    *,
    stores: pd.DataFrame | None,
    orders: pd.DataFrame | None,
) -> list[Problem]:
    """Run the pandera schema lazily and turn its failure cases into problems."""
    import pandera.pandas as pa

    frame = parsed.frame
    rules = table_rules(name, frame.columns, stores=stores, orders=orders)
    schema = _schema_of(name, list(frame.columns), rules)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _failure_problems(name, errors.failure_cases, rules, parsed)
    return []


def _failure_problems(
    name: str, cases: pd.DataFrame, rules: list[Rule], parsed: _Parsed
) -> list[Problem]:
    by_check = {r.check_name: r for r in rules}
    problems = []
    for check, group in cases.groupby("check", sort=False):
        rows = sorted({int(i) for i in group["index"].dropna()})
        rule = by_check.get(str(check))
        if rule is None and str(check) == "not_nullable":
            for column, cells in group.groupby("column", sort=False):
                problems += _empty_problem(name, str(column), cells, parsed)
            continue
        if rule is None:  # pragma: no cover - a pandera check we did not define
            problems.append(
                Problem(
                    name, None, str(check), what=f"broke pandera check {check}", row_level=False
                )
            )
            continue
        rows = [r for r in rows if not _unparsed(parsed, rule.columns, r)]
        if rows:
            problems.append(_rule_problem(name, rule, rows, parsed.frame))
    return problems


def _unparsed(parsed: _Parsed, columns: Iterable[str], row: int) -> bool:
    return any(row in parsed.unparsed.get(c, ()) for c in columns)


def _empty_problem(name: str, column: str, cells: pd.DataFrame, parsed: _Parsed) -> list[Problem]:
    rows = sorted({int(i) for i in cells["index"].dropna()} - parsed.unparsed.get(column, set()))
    if not rows:
        return []
    return [
        Problem(
            name,
            column,
            "not empty",
            len(rows),
            tuple(r + 1 for r in rows),
            ("empty",),
            f"{column} is required in every row; fill it in",
            "empty",
        )
    ]


def _rule_problem(name: str, rule: Rule, rows: list[int], frame: pd.DataFrame) -> Problem:
    kinds = TABLES[name].columns
    if len(rule.columns) == 1:
        column = rule.columns[0]
        examples = _examples(frame[column], rows, whole=kinds.get(column) == _COUNT)
    else:
        shown = []
        for row in rows[:_SHOWN_EXAMPLES]:
            pairs = ", ".join(
                f"{c}={_format_value(frame.at[row, c], whole=kinds.get(c) == _COUNT)}"
                for c in rule.columns
            )
            shown.append(f"({pairs})")
        examples = tuple(shown)
    return Problem(
        name,
        rule.column,
        rule.rule,
        len(rows),
        tuple(r + 1 for r in rows),
        examples,
        rule.hint,
        rule.what,
    )


# ---------------------------------------------------------------------------
# a dataset directory: ecanalysis.validate (which imports this module, never the reverse)

#: Names kept here for compatibility, implemented in :mod:`ecanalysis.validate`.
_IN_VALIDATE = ("validate_dataset", "read_table_file")


def __getattr__(name: str):
    """``schema.validate_dataset`` and ``schema.read_table_file``, from
    :mod:`ecanalysis.validate` on first use (so importing this module loads neither it nor
    pandas)."""
    if name in _IN_VALIDATE:
        from ecanalysis import validate

        return getattr(validate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
