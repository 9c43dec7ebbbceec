"""Validation of the second-round tables (refunds, product_traffic, stock_levels) and of
warnings: hand-made datasets in temporary directories, checked through ``ecanalysis
validate`` and :func:`ecanalysis.schema.validate_table`."""

from __future__ import annotations

import re
import textwrap

import pandas as pd
import pytest

from ecanalysis.cli import main
from ecanalysis.schema import split_bad_rows, validate_table
from ecanalysis.validate import validate_dataset

STORES_CSV = """\
store_id,name,timezone,currency
s1,Shanghai shop,Asia/Shanghai,CNY
"""

# o1 is refunded in two parts (60 + 40 = its refund_amount 100); o2's refund_amount says 30.
ORDERS_CSV = """\
order_id,store_id,customer_id,ordered_at,paid_at,status,gross_amount,paid_amount,refund_amount,refunded_at
o1,s1,c1,2025-11-10 09:00,2025-11-10 09:01,refunded,100,100,100,2025-11-12 10:00
o2,s1,c2,2025-11-10 10:00,2025-11-10 10:01,partially_refunded,80,80,30,2025-11-13 10:00
o3,s1,c3,2025-11-10 11:00,2025-11-10 11:01,completed,50,50,,
"""

GOOD_REFUNDS_CSV = """\
refund_id,store_id,order_id,amount,refunded_at,requested_at,kind
r1,s1,o1,60,2025-11-12 10:00,2025-11-11 10:00,return_refund
r2,s1,o1,40,2025-11-12 11:00,2025-11-11 10:00,refund_only
r3,s1,o2,30,2025-11-13 10:00,2025-11-12 10:00,refund_only
"""


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "data"
    write(folder, "stores.csv", STORES_CSV)
    write(folder, "orders.csv", ORDERS_CSV)
    return folder


#: A row-level problem line: ``table.column: … (rule: RULE), row…``.
_RULE_LINE = re.compile(r"^(\S+): .* \(rule: (.*)\), rows? ")


def _lines(folder, capsys) -> tuple[int, list[str]]:
    code = main(["validate", str(folder)])
    return code, capsys.readouterr().out.splitlines()


def test_valid_refunds_product_traffic_and_stock_levels(dataset, capsys):
    write(dataset, "refunds.csv", GOOD_REFUNDS_CSV)
    write(
        dataset,
        "product_traffic.csv",
        """\
        store_id,date,sku,visitors,pageviews,cart_visitors,buyers
        s1,2025-11-10,A1,50,80,8,1
        s1,2025-11-10,B2,10,12,,0
        """,
    )
    write(dataset, "stock_levels.csv", "store_id,date,sku,stock_on_hand\ns1,2025-11-10,A1,0\n")
    code, lines = _lines(dataset, capsys)
    assert code == 0, lines
    assert lines[0] == f"dataset {dataset}: valid"
    assert lines[1] == (
        "tables: stores 1 row, orders 3 rows, refunds 3 rows, product_traffic 2 rows, "
        "stock_levels 1 row"
    )


def test_refunds_rows_that_break_the_contract(dataset, capsys):
    write(
        dataset,
        "refunds.csv",
        """\
        refund_id,store_id,order_id,amount,refunded_at,requested_at,kind
        r1,s1,o1,60,2025-11-12 10:00,2025-11-11 10:00,return_refund
        r2,s1,o1,40,2025-11-12 11:00,2025-11-11 10:00,refund_only
        r3,s1,o2,30,2025-11-13 10:00,2025-11-14 10:00,exchange
        r4,s1,o404,10,2025-11-13 10:00,,refund_only
        r5,s9,o2,-5,2025-11-13 10:00,,
        """,
    )
    code, lines = _lines(dataset, capsys)
    assert code == 2
    assert lines[0] == f"dataset {dataset}: 5 problems"
    quarantine = "; or run with --on-bad-rows quarantine to set these rows aside."
    assert lines[1:6] == [
        "refunds.store_id: 1 row is not in the stores table (rule: known store_id), row 5; "
        "example 's9'. Fix: add the store to stores, or fix the store_id" + quarantine,
        "refunds.order_id: 1 row is not in the orders table (rule: known order_id), row 4; "
        "example 'o404'. Fix: every refund belongs to an order of the orders table; add the "
        "order or fix the refund's order_id" + quarantine,
        "refunds.amount: 1 row is negative (rule: >= 0), row 5; example -5.0. Fix: write the "
        "refunded amount as a positive number" + quarantine,
        "refunds.refunded_at: 1 row is before requested_at (rule: refunded_at >= "
        "requested_at), row 3; example (requested_at=2025-11-14 10:00:00, "
        "refunded_at=2025-11-13 10:00:00). Fix: a refund is completed after it is "
        "requested" + quarantine,
        "refunds.kind: 1 row is not a known refund kind (rule: one of refund_only, "
        "return_refund), row 3; example 'exchange'. Fix: write refund_only (仅退款) or "
        "return_refund (退货退款)" + quarantine,
    ]


def test_refund_sums_that_differ_from_refund_amount_warn_without_failing(dataset, capsys):
    # o1: 60 + 30 = 90, not 100; o3: refunds 5 but an empty refund_amount (0);
    # o2: 29.999 + 0.001 = 30 (equal up to half a cent).
    write(
        dataset,
        "refunds.csv",
        """\
        refund_id,store_id,order_id,amount,refunded_at
        r1,s1,o1,60,2025-11-12 10:00
        r2,s1,o1,30,2025-11-12 11:00
        r3,s1,o2,29.999,2025-11-13 10:00
        r4,s1,o2,0.001,2025-11-13 10:00
        r5,s1,o3,5,2025-11-13 10:00
        """,
    )
    code, lines = _lines(dataset, capsys)
    assert code == 0, lines
    assert lines[0] == f"dataset {dataset}: valid, 1 warning"
    assert lines[1] == (
        "warning: refunds.amount: 2 orders have a refund_amount in orders that differs from "
        "the sum of their refunds, e.g. 'o1' (refunds 90.00, refund_amount 100.00), 'o3' "
        "(refunds 5.00, refund_amount 0.00); where refunds has rows for an order, they define "
        "its refunds (DESIGN §2). Fix: export orders and refunds at the same time, or correct "
        "orders.refund_amount."
    )
    report = validate_dataset(dataset)
    assert report.ok and report.problems == []
    assert [(w.table, w.column, w.count) for w in report.warnings] == [("refunds", "amount", 2)]


def test_no_refund_warning_without_orders_refund_amount(tmp_path, capsys):
    folder = tmp_path / "data"
    write(folder, "stores.csv", STORES_CSV)
    orders = pd.read_csv(pd.io.common.StringIO(ORDERS_CSV), dtype=str)
    orders.drop(columns=["refund_amount"]).to_csv(folder / "orders.csv", index=False)
    write(
        folder,
        "refunds.csv",
        "refund_id,store_id,order_id,amount,refunded_at\nr1,s1,o1,1,2025-11-12\n",
    )
    report = validate_dataset(folder)
    assert report.ok and report.warnings == []


def test_refunds_without_orders_skip_the_order_rules():
    """The run's pre-flight validates a store's refunds with stores only: the order
    reference and the sums need the orders table, and are not guessed."""
    refunds = pd.DataFrame(
        {
            "refund_id": ["r1"],
            "store_id": ["s1"],
            "order_id": ["o404"],
            "amount": ["10"],
            "refunded_at": ["2025-11-12 10:00"],
        }
    )
    report = validate_table("refunds", refunds)
    assert report.ok and report.warnings == []
    orders = pd.DataFrame({"order_id": ["o1"], "refund_amount": ["3"]})
    with_orders = validate_table("refunds", refunds, orders=orders)
    assert [p.rule for p in with_orders.problems] == ["known order_id"]
    assert with_orders.warnings == []  # an unknown order has no refund_amount to compare


def test_bad_refund_rows_are_quarantined_and_warnings_are_not():
    refunds = pd.DataFrame(
        {
            "refund_id": ["r1", "r2", "r3"],
            "store_id": ["s1", "s1", "s1"],
            "order_id": ["o1", "o1", "o2"],
            "amount": [60.0, 30.0, 5.0],
            "refunded_at": ["2025-11-12 10:00"] * 3,
            "kind": ["refund_only", "swap", "refund_only"],
        }
    )
    orders = pd.DataFrame({"order_id": ["o1", "o2"], "refund_amount": [100.0, 5.0]})
    report = validate_table("refunds", refunds, orders=orders)
    assert [w.count for w in report.warnings] == [1]  # o1: 90 against 100
    good, bad = split_bad_rows("refunds", refunds, report)
    assert good["refund_id"].tolist() == ["r1", "r3"]
    assert bad["quarantine_reason"].tolist() == [
        "kind: not a known refund kind (rule: one of refund_only, return_refund)"
    ]


def test_product_traffic_and_stock_levels_rows_that_break_the_contract(dataset, capsys):
    write(
        dataset,
        "product_traffic.csv",
        """\
        store_id,date,sku,visitors,buyers
        s1,2025-11-10,A1,50,1
        s1,2025-11-10,A1,40,2
        s1,2025-11-11,A1,-3,
        s1,11/12/2025,A1,5,0
        """,
    )
    write(
        dataset,
        "stock_levels.csv",
        """\
        store_id,date,sku,stock_on_hand
        s1,2025-11-10,A1,2.5
        s2,2025-11-10,A1,3
        """,
    )
    code, lines = _lines(dataset, capsys)
    assert code == 2
    found = {match.groups() for match in map(_RULE_LINE.match, lines) if match}
    assert found == {
        ("product_traffic.date", "ISO 8601 timestamp"),
        ("product_traffic.visitors", ">= 0"),
        ("product_traffic.store_id,date,sku", "unique (store_id, date, sku)"),
        ("stock_levels.store_id", "known store_id"),
        ("stock_levels.stock_on_hand", "whole number"),
    }
    duplicate = next(line for line in lines if "unique (store_id, date, sku)" in line)
    assert "2 rows are duplicates of another row's key" in duplicate
    assert "rows 1, 2;" in duplicate


def test_a_paid_status_without_paid_at_is_a_warning(tmp_path):
    """Shopify leaves Paid at empty on many paid orders: read as unpaid, they vanish from
    paid amount and buyers. validate says so (a warning: the dataset stays usable)."""
    import pandas as pd

    from ecanalysis.validate import validate_dataset

    pd.DataFrame(
        {"store_id": ["s1"], "name": ["S"], "timezone": ["UTC"], "currency": ["USD"]}
    ).to_csv(tmp_path / "stores.csv", index=False)
    pd.DataFrame(
        {
            "order_id": ["a", "b", "c"],
            "store_id": ["s1"] * 3,
            "customer_id": ["x", "y", "z"],
            "ordered_at": ["2025-11-01 10:00"] * 3,
            "paid_at": ["2025-11-01 10:05", "", ""],
            "status": ["paid", "paid", "placed"],
            "gross_amount": [10.0, 10.0, 10.0],
            "paid_amount": [10.0, 10.0, 10.0],
        }
    ).to_csv(tmp_path / "orders.csv", index=False)
    report = validate_dataset(tmp_path)
    assert report.ok
    assert [w.line() for w in report.warnings] == [
        "orders.paid_at: 1 order has a paid status (paid, shipped, completed, refunded, "
        "partially_refunded) but no paid_at: the reports read it as unpaid and leave it out "
        "of paid amount, buyers and new buyers (row 2). Fix: fill paid_at (the order time where "
        "the export has no payment time), or import the platform's export again with "
        "`ecanalysis import`."
    ]
