"""Build the bad-input corpus: one small broken dataset per case, and its manifest.

Usage::

    python tests/corpus/build.py OUT_DIR

writes ``OUT_DIR/base/`` (a valid dataset), ``OUT_DIR/<case>/`` per case of :data:`CASES`
and ``OUT_DIR/cases.json`` (the manifest: table, column, rule, exit code and the text the
message must contain). ``tests/test_corpus.py`` builds it into a temporary directory and
runs ``ecanalysis validate`` on every case. See ``tests/corpus/README.md``.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

# ---------------------------------------------------------------------------
# the valid base dataset


def base_tables() -> dict[str, pd.DataFrame]:
    """A small valid dataset: two stores in different zones and currencies, every table."""
    stores = pd.DataFrame(
        {
            "store_id": ["s01", "s02"],
            "name": ["天猫旗舰店", "US shop"],
            "timezone": ["Asia/Shanghai", "America/New_York"],
            "currency": ["CNY", "USD"],
            "platform": ["tmall", "shopify"],
            "opened_at": ["2023-01-01 00:00:00", "2023-06-01 00:00:00"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "store_id": ["s01", "s01", "s01", "s02", "s02", "s02"],
            "customer_id": ["c1", "c2", "c1", "c3", "c4", "c3"],
            "ordered_at": [
                "2025-11-10 09:00:00",
                "2025-11-10 10:30:00",
                "2025-11-11 00:05:00",
                "2025-11-10 12:00:00",
                "2025-11-11 13:00:00",
                "2025-11-12 08:00:00",
            ],
            "paid_at": [
                "2025-11-10 09:01:00",
                "2025-11-10 10:31:00",
                "2025-11-11 00:06:00",
                "2025-11-10 12:02:00",
                None,
                "2025-11-12 08:03:00",
            ],
            "status": ["completed", "refunded", "paid", "shipped", "placed", "partially_refunded"],
            "channel": ["search", "ads", "search", "email", "ads", "search"],
            "device": ["mobile", "mobile", "pc", "pc", "mobile", "mobile"],
            "item_count": [2, 1, 1, 3, 1, 2],
            "gross_amount": [120.0, 80.0, 55.5, 300.0, 20.0, 90.0],
            "discount_amount": [20.0, 0.0, 0.0, 30.0, 0.0, 10.0],
            "shipping_amount": [0.0, 10.0, 0.0, 5.0, 0.0, 0.0],
            "paid_amount": [100.0, 90.0, 55.5, 275.0, 20.0, 80.0],
            "refund_amount": [0.0, 90.0, 0.0, 0.0, 0.0, 30.0],
            "refunded_at": [None, "2025-11-12 10:00:00", None, None, None, "2025-11-13 09:00:00"],
            "cost_amount": [60.0, 50.0, 30.0, 150.0, 10.0, 40.0],
            "campaign_id": ["c11", None, "c11", None, None, None],
            "currency": ["CNY", "CNY", "CNY", "USD", "USD", "USD"],
        }
    )
    order_items = pd.DataFrame(
        {
            "order_id": ["o1", "o1", "o2", "o3", "o4", "o5", "o6"],
            "line_no": [1, 2, 1, 1, 1, 1, 1],
            "sku": ["A1", "B2", "A1", "C3", "X9", "X9", "Y8"],
            "quantity": [1, 1, 1, 1, 3, 1, 2],
            "unit_price": [70.0, 50.0, 80.0, 55.5, 100.0, 20.0, 45.0],
            "unit_cost": [35.0, 25.0, 50.0, 30.0, 50.0, 10.0, 20.0],
            "discount_amount": [10.0, 10.0, 0.0, 0.0, 30.0, 0.0, 10.0],
        }
    )
    traffic = pd.DataFrame(
        {
            "store_id": ["s01", "s01", "s01", "s02"],
            "date": ["2025-11-10", "2025-11-10", "2025-11-11", "2025-11-10"],
            "source": ["search", "ads", "search", None],
            "device": ["mobile", "mobile", "mobile", None],
            "visitors": [120, 40, 150, 60],
            "sessions": [130, 42, 160, 70],
            "pageviews": [400, 90, 500, 200],
            "new_visitors": [80, 30, 90, 20],
            "bounces": [30, 20, 40, 10],
            "time_on_site_s": [95.5, 40.0, 88.0, 120.0],
            "cart_visitors": [20, 5, 25, 8],
            "product_views": [300, 60, 350, 150],
        }
    )
    products = pd.DataFrame(
        {
            "store_id": ["s01", "s01", "s01", "s02", "s02"],
            "sku": ["A1", "B2", "C3", "X9", "Y8"],
            "title": ["保温杯", "茶叶礼盒", "帆布包", "Mug", "Tea towel"],
            "category": ["家居", "食品", "箱包", "home", "home"],
            "price": [70.0, 50.0, 55.5, 100.0, 45.0],
            "unit_cost": [35.0, 25.0, 30.0, 50.0, 20.0],
            "stock_on_hand": [12, 0, 40, 5, 100],
            "listed_at": ["2024-01-01 00:00:00"] * 5,
            "status": ["listed", "listed", "delisted", "listed", "listed"],
        }
    )
    ad_spend = pd.DataFrame(
        {
            "store_id": ["s01", "s01", "s02"],
            "date": ["2025-11-10", "2025-11-11", "2025-11-10"],
            "channel": ["ads", "ads", "ads"],
            "spend": [50.0, 80.0, 30.0],
            "impressions": [10000, 15000, 4000],
            "clicks": [200, 260, 80],
            "campaign_id": ["c11", "c11", None],
        }
    )
    campaigns = pd.DataFrame(
        {
            "campaign_id": ["c11"],
            "store_id": ["s01"],
            "name": ["双十一大促"],
            "start": ["2025-11-01"],
            "end": ["2025-11-11"],
            "budget": [5000.0],
            "channel": ["ads"],
            "kind": ["festival"],
        }
    )
    reviews = pd.DataFrame(
        {
            "review_id": ["r1", "r2"],
            "store_id": ["s01", "s02"],
            "created_at": ["2025-11-12 10:00:00", "2025-11-13 11:00:00"],
            "rating": [5, 2],
            "sku": ["A1", "X9"],
            "order_id": ["o1", "o4"],
            "dsr_item": [4.9, 3.0],
            "dsr_service": [4.8, 3.5],
            "dsr_logistics": [4.9, 2.5],
            "reason": [None, "broken"],
            "text": ["很好", "arrived broken"],
        }
    )
    # o2 and o6 are the refunded orders: their refunds add up to orders.refund_amount.
    refunds = pd.DataFrame(
        {
            "refund_id": ["rf1", "rf2"],
            "store_id": ["s01", "s02"],
            "order_id": ["o2", "o6"],
            "amount": [90.0, 30.0],
            "refunded_at": ["2025-11-12 10:00:00", "2025-11-13 09:00:00"],
            "requested_at": ["2025-11-11 20:00:00", "2025-11-12 18:00:00"],
            "sku": ["A1", "Y8"],
            "quantity": [1, 1],
            "reason": ["不想要了", "damaged"],
            "kind": ["return_refund", "refund_only"],
        }
    )
    product_traffic = pd.DataFrame(
        {
            "store_id": ["s01", "s01", "s02"],
            "date": ["2025-11-10", "2025-11-11", "2025-11-10"],
            "sku": ["A1", "A1", "X9"],
            "visitors": [50, 60, 30],
            "pageviews": [80, 95, 45],
            "cart_visitors": [8, 9, 4],
            "buyers": [1, 1, 1],
        }
    )
    stock_levels = pd.DataFrame(
        {
            "store_id": ["s01", "s01", "s02"],
            "date": ["2025-11-10", "2025-11-11", "2025-11-10"],
            "sku": ["A1", "A1", "X9"],
            "stock_on_hand": [12, 11, 5],
        }
    )
    fx_rates = pd.DataFrame(
        {"date": ["2025-11-10", "2025-11-10"], "currency": ["CNY", "USD"], "rate": [1.0, 7.1]}
    )
    return {
        "stores": stores,
        "orders": orders,
        "order_items": order_items,
        "traffic": traffic,
        "products": products,
        "ad_spend": ad_spend,
        "campaigns": campaigns,
        "reviews": reviews,
        "refunds": refunds,
        "product_traffic": product_traffic,
        "stock_levels": stock_levels,
        "fx_rates": fx_rates,
    }


def write_tables(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write each table as ``<table>.csv`` (UTF-8, no index) under ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(path / f"{name}.csv", index=False)
    return path


# ---------------------------------------------------------------------------
# cases


@dataclass(frozen=True)
class Case:
    """One broken dataset and what ``ecanalysis validate`` must say about it.

    ``column`` is None for a problem of the whole table (file, missing column). The
    expected line starts with ``table.column:`` (or ``table:``), contains ``(rule: RULE)``
    for row-level problems, every text of ``expect``, and ``Fix:``.
    """

    name: str
    table: str
    column: str | None
    rule: str | None
    exit_code: int
    expect: tuple[str, ...]
    make: Callable[[Path], None] = field(repr=False, compare=False)

    def manifest(self) -> dict:
        entry = asdict(self)
        del entry["make"]
        entry["expect"] = list(self.expect)
        return entry


Edit = Callable[[dict[str, pd.DataFrame]], None]


def _edited(edit: Edit) -> Callable[[Path], None]:
    """A maker that writes the base tables after ``edit`` changed them (in place)."""

    def make(path: Path) -> None:
        tables = base_tables()
        edit(tables)
        write_tables(tables, path)

    return make


def _then(file_edit: Callable[[Path], None]) -> Callable[[Path], None]:
    """A maker that writes the base dataset, then changes its files."""

    def make(path: Path) -> None:
        write_tables(base_tables(), path)
        file_edit(path)

    return make


def _set(table: str, column: str, value, row: int = 0) -> Edit:
    def edit(tables):
        frame = tables[table].astype({column: object})
        frame.loc[row, column] = value
        tables[table] = frame

    return edit


def _kind_columns(table: str, kinds: tuple[str, ...]) -> list[str]:
    from ecanalysis.schema import TABLES

    spec = TABLES[table]
    return [c for c, k in spec.columns.items() if k in kinds]


def _typo(column: str) -> str:
    """``paid_amount`` → ``paid_amout``: the second-last letter dropped."""
    return column[:-2] + column[-1]


def _generic_cases(table: str) -> list[Case]:
    from ecanalysis.schema import TABLES

    spec = TABLES[table]
    cases = []
    missing = list(spec.required)[-1]
    cases.append(
        Case(
            f"{table}-missing-column",
            table,
            None,
            "required column",
            2,
            (f"required column {missing!r} is missing.",),
            _edited(lambda t, c=missing: t.update({table: t[table].drop(columns=c)})),
        )
    )
    typo_of = list(spec.required)[-2]
    cases.append(
        Case(
            f"{table}-typo-column",
            table,
            None,
            "required column",
            2,
            (f"required column {typo_of!r} is missing; did you mean {_typo(typo_of)!r}?",),
            _edited(lambda t, c=typo_of: t.update({table: t[table].rename(columns={c: _typo(c)})})),
        )
    )
    key = spec.key
    rule = f"unique {key[0]}" if len(key) == 1 else f"unique ({', '.join(key)})"
    rows = len(base_tables()[table])
    cases.append(
        Case(
            f"{table}-duplicate-key",
            table,
            ",".join(key),
            rule,
            2,
            (f"rows 1, {rows + 1};",),
            _edited(lambda t: t.update({table: pd.concat([t[table], t[table].iloc[[0]]])})),
        )
    )
    numbers = _kind_columns(table, ("money", "count", "number"))
    if numbers:
        column = numbers[0]
        cases += [
            Case(
                f"{table}-wrong-type",
                table,
                column,
                "number",
                2,
                ("1 row is not a number", "row 1;", "example 'n/a'"),
                _edited(_set(table, column, "n/a")),
            ),
            Case(
                f"{table}-thousands-separator",
                table,
                column,
                "number without thousands separators",
                2,
                ("example '1,234'",),
                _edited(_set(table, column, "1,234")),
            ),
            Case(
                f"{table}-non-finite",
                table,
                column,
                "finite",
                2,
                ("not finite", "example inf"),
                _edited(_set(table, column, "inf")),
            ),
            Case(
                f"{table}-negative",
                table,
                column,
                "> 0" if table == "fx_rates" else ">= 0",
                2,
                ("example -5",),
                _edited(_set(table, column, -5)),
            ),
        ]
    times = _kind_columns(table, ("timestamp", "date"))
    if times:
        cases.append(
            Case(
                f"{table}-bad-timestamp",
                table,
                times[0],
                "ISO 8601 timestamp",
                2,
                ("1 row is not a timestamp", "example '11/31/2025 25:00'"),
                _edited(_set(table, times[0], "11/31/2025 25:00")),
            )
        )
    if "store_id" in spec.columns and table != "stores":
        cases.append(
            Case(
                f"{table}-unknown-store",
                table,
                "store_id",
                "known store_id",
                2,
                ("not in the stores table", "example 's99'"),
                _edited(_set(table, "store_id", "s99")),
            )
        )
    return cases + _file_cases(table)


def _empty_file(table: str, suffix: str = ".csv") -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        (path / f"{table}.csv").unlink()
        (path / f"{table}{suffix}").write_bytes(b"")

    return _then(edit)


def _header_only(table: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        file = path / f"{table}.csv"
        header = file.read_text(encoding="utf-8").splitlines()[0]
        file.write_text(header + "\n", encoding="utf-8")

    return _then(edit)


def _reencoded(table: str, encoding: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        file = path / f"{table}.csv"
        file.write_bytes(file.read_text(encoding="utf-8").encode(encoding))

    return _then(edit)


def _as_parquet(table: str, *, truncate: bool = False) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        (path / f"{table}.csv").unlink()
        target = path / f"{table}.parquet"
        base_tables()[table].to_parquet(target, index=False)
        if truncate:
            data = target.read_bytes()
            target.write_bytes(data[: len(data) // 2])

    return _then(edit)


#: Tables whose base rows hold Chinese text (only there GBK differs from UTF-8).
_CJK_TABLES = ("stores", "products", "campaigns", "reviews")


def _file_cases(table: str) -> list[Case]:
    required = table in ("stores", "orders")
    cases = [
        Case(
            f"{table}-empty-file",
            table,
            None,
            "readable file",
            2,
            (f"{table}.csv is empty (0 bytes)",),
            _empty_file(table),
        ),
        Case(
            f"{table}-header-only",
            table,
            None,
            "has rows" if required else None,
            2 if required else 0,
            (f"{table} has no rows",) if required else (),
            _header_only(table),
        ),
        Case(f"{table}-bom", table, None, None, 0, (), _reencoded(table, "utf-8-sig")),
        Case(
            f"{table}-zero-byte-parquet",
            table,
            None,
            "readable file",
            2,
            (f"{table}.parquet is empty (0 bytes)",),
            _empty_file(table, ".parquet"),
        ),
        Case(
            f"{table}-truncated-parquet",
            table,
            None,
            "readable file",
            2,
            (f"{table}.parquet cannot be read: file is truncated or not Parquet",),
            _as_parquet(table, truncate=True),
        ),
        Case(f"{table}-parquet", table, None, None, 0, (), _as_parquet(table)),
    ]
    if table in _CJK_TABLES:
        cases.append(
            Case(
                f"{table}-gbk",
                table,
                None,
                "readable file",
                2,
                (f"{table}.csv is not UTF-8 text", "looks like GBK/GB18030", "iconv"),
                _reencoded(table, "gb18030"),
            )
        )
    return cases


def _orders_with_ints(path: Path) -> None:
    (path / "orders.csv").unlink()
    orders = base_tables()["orders"]
    orders["order_id"] = range(1, len(orders) + 1)
    orders.to_parquet(path / "orders.parquet", index=False)
    items = base_tables()["order_items"]
    items["order_id"] = items["order_id"].str[1:]
    items.to_csv(path / "order_items.csv", index=False)


def _two_sources(path: Path) -> None:
    base_tables()["orders"].to_parquet(path / "orders.parquet", index=False)


def _ragged(path: Path) -> None:
    with (path / "traffic.csv").open("a", encoding="utf-8") as file:
        file.write("s01,2025-11-12,search,mobile,1,2,3\n")


def _specific_cases() -> list[Case]:
    def case(name, table, column, rule, expect, make, exit_code=2):
        return Case(name, table, column, rule, exit_code, tuple(expect), make)

    statuses = "placed, paid, shipped, completed, cancelled, refunded, partially_refunded"
    return [
        case(
            "orders-unknown-status",
            "orders",
            "status",
            f"one of {statuses}",
            ["not a known order status", "example 'pending'"],
            _edited(_set("orders", "status", "pending")),
        ),
        case(
            "products-unknown-status",
            "products",
            "status",
            "one of listed, delisted",
            ["not a known product status", "example 'on_sale'"],
            _edited(_set("products", "status", "on_sale")),
        ),
        case(
            "orders-mixed-currency",
            "orders",
            "currency",
            "the store's currency",
            ["in a currency other than the store's", "example (store_id='s01', currency='USD')"],
            _edited(_set("orders", "currency", "USD")),
        ),
        case(
            "orders-paid-before-ordered",
            "orders",
            "paid_at",
            "paid_at >= ordered_at",
            ["1 row is before ordered_at", "row 1;"],
            _edited(_set("orders", "paid_at", "2025-11-09 09:00:00")),
        ),
        case(
            "orders-refund-before-payment",
            "orders",
            "refunded_at",
            "refunded_at >= paid_at",
            ["1 row is before paid_at", "row 2;"],
            _edited(_set("orders", "refunded_at", "2025-11-09 00:00:00", row=1)),
        ),
        case(
            "orders-refund-above-paid",
            "orders",
            "refund_amount",
            "refund_amount <= paid_amount",
            ["larger than paid_amount", "(paid_amount=90.0, refund_amount=95.0)"],
            _edited(_set("orders", "refund_amount", 95.0, row=1)),
        ),
        case(
            "orders-empty-customer",
            "orders",
            "customer_id",
            "not empty",
            ["1 row is empty", "row 3;"],
            _edited(_set("orders", "customer_id", None, row=2)),
        ),
        case(
            "orders-typo-optional-column",
            "orders",
            "refund_amout",
            None,
            ["column 'refund_amout' looks like a typo of 'refund_amount'"],
            _edited(lambda t: t.update(orders=t["orders"].rename(columns=_typo_refund))),
        ),
        case(
            "orders-numeric-ids",
            "orders",
            "order_id",
            None,
            ["ids are stored as numbers (int64)", "00001 stays 00001"],
            _then(_orders_with_ints),
        ),
        case(
            "orders-two-sources",
            "orders",
            None,
            "one source",
            ["the table has 2 sources (orders.csv, orders.parquet)"],
            _then(_two_sources),
        ),
        case(
            "stores-missing-table",
            "stores",
            None,
            "required table",
            ["the dataset has no stores table"],
            _then(lambda p: (p / "stores.csv").unlink()),
        ),
        case(
            "stores-bad-timezone",
            "stores",
            "timezone",
            "IANA time zone",
            ["not an IANA time zone", "example 'China/Beijing'"],
            _edited(_set("stores", "timezone", "China/Beijing")),
        ),
        case(
            "stores-bad-currency",
            "stores",
            "currency",
            "ISO 4217 code",
            ["not an ISO 4217 currency code", "example 'RMB'"],
            _edited(_set("stores", "currency", "RMB")),
        ),
        case(
            "stores-reserved-id",
            "stores",
            "store_id",
            "not 'all'",
            ["the reserved id 'all'"],
            _edited(_set("stores", "store_id", "all", row=1)),
        ),
        case(
            "stores-bad-id",
            "stores",
            "store_id",
            r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
            ["not a valid id", "example '../s02'"],
            _edited(_set("stores", "store_id", "../s02", row=1)),
        ),
        case(
            "campaigns-end-before-start",
            "campaigns",
            "end",
            "end >= start",
            ["1 row is before start"],
            _edited(_set("campaigns", "end", "2025-10-01")),
        ),
        case(
            "reviews-rating-out-of-range",
            "reviews",
            "rating",
            "1–5",
            ["outside 1–5", "example 6"],
            _edited(_set("reviews", "rating", 6)),
        ),
        case(
            "reviews-fractional-rating",
            "reviews",
            "rating",
            "whole number",
            ["not a whole number", "example 4.5"],
            _edited(_set("reviews", "rating", 4.5)),
        ),
        case(
            "order-items-unknown-order",
            "order_items",
            "order_id",
            "known order_id",
            ["not in the orders table", "example 'o404'"],
            _edited(_set("order_items", "order_id", "o404", row=2)),
        ),
        case(
            "refunds-unknown-order",
            "refunds",
            "order_id",
            "known order_id",
            ["not in the orders table", "example 'o404'"],
            _edited(_set("refunds", "order_id", "o404")),
        ),
        case(
            "refunds-unknown-kind",
            "refunds",
            "kind",
            "one of refund_only, return_refund",
            ["not a known refund kind", "example 'exchange'"],
            _edited(_set("refunds", "kind", "exchange", row=1)),
        ),
        case(
            "refunds-requested-after-refunded",
            "refunds",
            "refunded_at",
            "refunded_at >= requested_at",
            ["before requested_at", "row 1;"],
            _edited(_set("refunds", "requested_at", "2025-11-12 11:00:00")),
        ),
        case(
            "traffic-ragged-csv",
            "traffic",
            None,
            "readable file",
            ["traffic.csv cannot be read as CSV: line 6 has 7 fields, the header has 12"],
            _then(_ragged),
        ),
        # -- issue 21: implausible values, files that are not what their name says --
        case(
            "orders-implausible-amount",
            "orders",
            "paid_amount",
            "|value| < 1e12",
            ["implausibly large", "example 1e+308"],
            _edited(_set("orders", "paid_amount", "1e308")),
        ),
        case(
            "orders-year-2300",
            "orders",
            "ordered_at",
            "plausible date",
            ["before 1990-01-01 or more than a year from today", "example 2300-01-01"],
            _edited(_set("orders", "ordered_at", "2300-01-01 09:00:00")),
        ),
        case(
            "orders-year-2100",
            "orders",
            "ordered_at",
            "plausible date",
            ["more than a year from today", "example 2100-01-01"],
            _edited(_set("orders", "ordered_at", "2100-01-01 09:00:00", row=5)),
        ),
        case(
            "traffic-year-1900",
            "traffic",
            "date",
            "plausible date",
            ["before 1990-01-01", "example 1900-01-01"],
            _edited(_set("traffic", "date", "1900-01-01")),
        ),
        case(
            "orders-gzip-named-csv",
            "orders",
            None,
            "readable file",
            ["orders.csv is gzip-compressed, not a CSV file", "unpack it"],
            _then(lambda p: _rewrite(p / "orders.csv", gzip.compress)),
        ),
        case(
            "orders-zip-named-csv",
            "orders",
            None,
            "readable file",
            ["orders.csv is a zip archive, not a CSV file"],
            _then(lambda p: _rewrite(p / "orders.csv", _zipped)),
        ),
        case(
            "traffic-long-line",
            "traffic",
            None,
            "readable file",
            ["traffic.csv cannot be read as CSV: line 6 is longer than 1 MiB", "re-export"],
            _then(_long_line),
        ),
        case(
            "unknown-file-ignored",
            "dataset",
            None,
            None,
            ["note: ignored notes.txt: not a table of the data contract"],
            _then(lambda p: (p / "notes.txt").write_text("hello", encoding="utf-8")),
            exit_code=0,
        ),
    ]


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def _zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("orders.csv", data)
    return buffer.getvalue()


def _long_line(path: Path) -> None:
    """A line over 1 MiB (the kind of failure a 200 MB single-line file gives)."""
    with (path / "traffic.csv").open("a", encoding="utf-8") as file:
        file.write("s01," + "x" * (1024 * 1024 + 1) + "\n")


def _typo_refund(column: str) -> str:
    return "refund_amout" if column == "refund_amount" else column


def all_cases() -> list[Case]:
    """Every case of the corpus: the generic ones per table, then the specific ones."""
    from ecanalysis.schema import TABLES

    cases = [case for table in TABLES for case in _generic_cases(table)]
    return cases + _specific_cases()


def build(root: Path) -> list[Case]:
    """Write ``root/base``, ``root/<case>`` for every case and ``root/cases.json``."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    write_tables(base_tables(), root / "base")
    cases = all_cases()
    for case in cases:
        case.make(root / case.name)
    manifest = [case.manifest() for case in cases]
    (root / "cases.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return cases


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/corpus/build.py OUT_DIR")
    built = build(Path(sys.argv[1]))
    print(f"wrote {len(built)} cases and the valid base dataset to {sys.argv[1]}")
