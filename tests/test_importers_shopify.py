"""Shopify semantics that real stores hit (issue 14), each on export rows that reproduce it.

The rows are written in the layout of Shopify's order export (Admin › Orders › Export,
"Plain CSV file"): the real header, order fields on an order's first row only, times with
the store's UTC offset. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from ecanalysis.cli import main
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.importers import import_files

DATA = Path(__file__).parent / "data" / "importers"
NEW_YORK = "America/New_York"
HEADER = next(csv.reader((DATA / "shopify_orders.csv").open(encoding="utf-8")))


def _export(path: Path, rows: list[dict[str, str]]) -> Path:
    """A Shopify order export with ``rows`` (missing cells empty), in its CRLF layout."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in HEADER})
    return path


def _order(name: str, status: str, created: str, total: str, **more: str) -> dict[str, str]:
    row = {
        "Name": name,
        "Email": f"{name.strip('#')}@example.com",
        "Financial Status": status,
        "Currency": "USD",
        "Subtotal": total,
        "Shipping": "0.00",
        "Total": total,
        "Discount Amount": "0.00",
        "Created at": created,
        "Lineitem quantity": "1",
        "Lineitem name": "Leash",
        "Lineitem price": total,
        "Lineitem sku": "LEASH-1",
        "Refunded Amount": "0.00",
        "Source": "web",
    }
    row.update({key.replace("_", " "): value for key, value in more.items()})
    return row


def _orders(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "orders.parquet").set_index("order_id")


def test_paid_status_without_paid_at_is_paid_dated_by_created_at(tmp_path):
    source = _export(
        tmp_path / "orders_export_1.csv",
        [
            # an app order: paid, Paid at empty
            _order("#2001", "paid", "2025-03-03 09:00:00 -0500", "40.00"),
            # an older export of a partially refunded order: Paid at empty
            _order(
                "#2002",
                "partially_refunded",
                "2025-03-04 10:00:00 -0500",
                "60.00",
                Refunded_Amount="15.00",
            ),
            # a normal order: dated by its Paid at
            _order(
                "#2003",
                "paid",
                "2025-03-05 11:00:00 -0500",
                "20.00",
                Paid_at="2025-03-05 11:02:00 -0500",
            ),
            # pending stays unpaid
            _order("#2004", "pending", "2025-03-06 12:00:00 -0500", "30.00"),
        ],
    )
    out = tmp_path / "out"
    result = import_files("shopify", [source], store_id="pets", timezone=NEW_YORK, out=out)
    orders = _orders(out)
    assert orders.loc["pets:2001", "paid_at"] == pd.Timestamp("2025-03-03 09:00:00")
    assert orders.loc["pets:2001", "status"] == "paid"
    assert orders.loc["pets:2002", "paid_at"] == pd.Timestamp("2025-03-04 10:00:00")
    assert orders.loc["pets:2002", "status"] == "partially_refunded"
    assert orders.loc["pets:2003", "paid_at"] == pd.Timestamp("2025-03-05 11:02:00")
    assert pd.isna(orders.loc["pets:2004", "paid_at"])
    assert (
        "note: paid_at: 2 order(s) with a paid Financial Status (paid, partially_paid, "
        "partially_refunded, refunded) had an empty Paid at and were dated by Created at: "
        "Shopify leaves it empty on older, app, marketplace and draft orders"
    ) in result.render().splitlines()
    assert main(["validate", str(out)]) == 0


def test_refunds_are_dated_by_cancelled_at_else_by_payment(tmp_path):
    source = _export(
        tmp_path / "orders_export_1.csv",
        [
            # cancelled and refunded: the money went back when it was cancelled (03-09)
            _order(
                "#3001",
                "refunded",
                "2025-03-01 09:00:00 -0500",
                "50.00",
                Paid_at="2025-03-01 09:01:00 -0500",
                Cancelled_at="2025-03-09 14:00:00 -0400",  # after the DST change: EDT
                Refunded_Amount="50.00",
            ),
            # partially refunded, not cancelled: the export has no refund date
            _order(
                "#3002",
                "partially_refunded",
                "2025-03-02 09:00:00 -0500",
                "80.00",
                Paid_at="2025-03-02 09:03:00 -0500",
                Refunded_Amount="20.00",
            ),
            # cancelled before payment, nothing refunded: no refund row
            _order(
                "#3003",
                "voided",
                "2025-03-03 09:00:00 -0500",
                "10.00",
                Cancelled_at="2025-03-03 10:00:00 -0500",
            ),
        ],
    )
    out = tmp_path / "out"
    result = import_files("shopify", [source], store_id="pets", timezone=NEW_YORK, out=out)
    refunds = pd.read_parquet(out / "refunds.parquet")
    expected = pd.DataFrame(
        {
            "refund_id": pd.Series(["pets:3001:refund", "pets:3002:refund"], dtype="str"),
            "store_id": pd.Series(["pets", "pets"], dtype="str"),
            "order_id": pd.Series(["pets:3001", "pets:3002"], dtype="str"),
            "amount": [50.0, 20.0],
            "refunded_at": pd.Series(
                pd.to_datetime(["2025-03-09 14:00:00", "2025-03-02 09:03:00"]),
                dtype="datetime64[us]",
            ),
        }
    )
    pd.testing.assert_frame_equal(refunds, expected)
    orders = _orders(out)
    assert orders.loc["pets:3001", "refunded_at"] == pd.Timestamp("2025-03-09 14:00:00")
    assert orders.loc["pets:3001", "status"] == "refunded"
    assert pd.isna(orders.loc["pets:3002", "refunded_at"])
    assert orders.loc["pets:3003", "status"] == "cancelled"
    lines = result.render().splitlines()
    assert (
        "note: refunds: 2 refund(s) written, dated 1 by Cancelled at (cancelled and "
        "refunded), 1 by paid_at (the export has no refund date)"
    ) in lines
    # the one refund without a date of its own is still pointed out
    assert any(
        line.startswith("note: refunds: 1 imported order(s) have a refund") for line in lines
    )
    assert main(["validate", str(out)]) == 0
    # a re-import changes nothing
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    again = import_files("shopify", [source], store_id="pets", timezone=NEW_YORK, out=out)
    assert again.tables["refunds"].duplicates == 2
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before


def test_cash_on_delivery_store_is_told_about_sales_basis_placed(tmp_path):
    # 4 of 5 orders pending (cash on delivery, collected at the door)
    rows = [
        _order(f"#40{i}", "pending", f"2025-05-0{i} 12:00:00 +0500", "2500.00") for i in range(1, 5)
    ]
    rows.append(
        _order(
            "#405",
            "paid",
            "2025-05-05 12:00:00 +0500",
            "1800.00",
            Paid_at="2025-05-05 12:01:00 +0500",
        )
    )
    for row in rows:
        row["Currency"] = "PKR"
    out = tmp_path / "out"
    source = _export(tmp_path / "orders_export.csv", rows)
    result = import_files("shopify", [source], store_id="cod", timezone="Asia/Karachi", out=out)
    assert (
        "note: orders: 4 of 5 imported orders (80%) are placed and not paid (pending): a "
        "cash-on-delivery store? Reports count paid orders as sales by default, so theirs "
        "would be near 0; set `sales_basis: placed` in params/stores/cod.yaml to report "
        "placed, not-cancelled orders as sales (DESIGN §2; every report then says so)"
    ) in result.render().splitlines()
    # half pending (#404 and #405) is not "most": no note
    half = _export(tmp_path / "half.csv", rows[3:])
    result = import_files("shopify", [half], store_id="cod2", timezone="Asia/Karachi", out=out)
    assert not any("sales_basis" in line for line in result.render().splitlines())


def test_zero_amount_orders_are_counted_not_dropped(tmp_path):
    source = _export(
        tmp_path / "orders_export.csv",
        [
            # a replacement sent free of charge (draft order, 100 % discount)
            _order(
                "#5001",
                "paid",
                "2025-06-01 09:00:00 -0400",
                "0.00",
                Discount_Amount="35.00",
                Subtotal="0.00",
                Source="shopify_draft_order",
                **{"Lineitem price": "35.00", "Lineitem discount": "35.00"},
            ),
            _order(
                "#5002",
                "paid",
                "2025-06-01 10:00:00 -0400",
                "35.00",
                Paid_at="2025-06-01 10:00:10 -0400",
            ),
        ],
    )
    out = tmp_path / "out"
    result = import_files("shopify", [source], store_id="gear", timezone=NEW_YORK, out=out)
    orders = _orders(out)
    assert result.tables["orders"].new == 2
    assert result.quarantined == 0
    free = orders.loc["gear:5001"]
    assert (free["paid_amount"], free["gross_amount"], free["discount_amount"]) == (0, 35, 35)
    assert free["status"] == "paid"
    assert free["paid_at"] == pd.Timestamp("2025-06-01 09:00:00")  # no Paid at: Created at
    assert free["channel"] == "shopify_draft_order"
    assert main(["validate", str(out)]) == 0


def test_times_across_the_november_dst_change_convert_to_local_wall_time(tmp_path):
    # New York: 2025-11-02 02:00 EDT (-0400) → 01:00 EST (-0500). The hour 01:00–02:00
    # happens twice; each export time names its offset, so each converts exactly.
    source = _export(
        tmp_path / "orders_export.csv",
        [
            _order("#6001", "pending", "2025-11-02 00:59:00 -0400", "10.00"),  # EDT
            _order("#6002", "pending", "2025-11-02 01:15:00 -0400", "10.00"),  # EDT 1st 01:15
            _order("#6003", "pending", "2025-11-02 01:15:00 -0500", "10.00"),  # EST 2nd 01:15
            _order("#6004", "pending", "2025-11-02 02:30:00 -0500", "10.00"),  # EST
            _order("#6005", "pending", "2025-11-02 07:45:00 +0000", "10.00"),  # UTC: 02:45 EST
            _order("#6006", "pending", "2025-11-01 23:30:00 -0500", "10.00"),  # CDT: 00:30 EDT
        ],
    )
    out = tmp_path / "out"
    result = import_files("shopify", [source], store_id="ny", timezone=NEW_YORK, out=out)
    ordered = _orders(out)["ordered_at"]
    expected = {
        "ny:6001": "2025-11-02 00:59",
        "ny:6002": "2025-11-02 01:15",
        "ny:6003": "2025-11-02 01:15",
        "ny:6004": "2025-11-02 02:30",
        "ny:6005": "2025-11-02 02:45",
        "ny:6006": "2025-11-02 00:30",
    }
    for order_id, local in expected.items():
        assert ordered[order_id] == pd.Timestamp(local), order_id
    # two of six carry an offset New York does not have then (+0000, and -0500 on 11-01)
    assert any(line.startswith("note: times: 2 of 6 ") for line in result.render().splitlines())


def test_timezone_refusal_suggests_populous_zones_never_research_stations(tmp_path):
    source = _export(
        tmp_path / "orders_export.csv",
        [
            _order(f"#70{i}", "pending", f"2025-05-0{i} 12:00:00 +0500", "900.00")
            for i in range(1, 4)
        ],
    )
    with pytest.raises(ParameterError) as caught:
        import_files("shopify", [source], store_id="pk", timezone=NEW_YORK, out=tmp_path / "o")
    message = str(caught.value)
    assert "Zones with these offsets then: Asia/Karachi, Asia/Tashkent, " in message
    assert "Antarctica" not in message


def test_refused_file_lists_every_column_and_hints_only_close_names(tmp_path):
    columns = [f"Column {i}" for i in range(40)] + ["Financial status", "Lineitem qty", "Sum"]
    source = tmp_path / "export.csv"
    source.write_text(",".join(columns) + "\r\n" + ",".join("x" for _ in columns) + "\r\n")
    with pytest.raises(DataError) as caught:
        import_files("shopify", [source], store_id="s", timezone=NEW_YORK, out=tmp_path / "o")
    message = str(caught.value)
    assert f"Columns found (43): {columns}" in message
    # a difference of case or an abbreviation is close; names that share a few letters
    # ("Column 1" for "Name", "Sum" for "Total") are not
    assert "'Financial Status' (closest: 'Financial status')" in message
    assert "'Lineitem quantity' (closest: 'Lineitem qty')" in message
    assert "needs 'Name', 'Financial Status'" in message
    assert "'Total', 'Lineitem quantity'" in message
    assert message.count("closest") == 2


def test_timezone_refusal_suggests_the_zones_of_the_exports_country_first(tmp_path):
    rows = [
        _order(f"#71{i}", "pending", f"2025-05-0{i} 12:00:00 +0500", "90.00") for i in range(1, 4)
    ]
    for row in rows:
        row["Shipping Country"] = "UZ"
    source = _export(tmp_path / "orders_export.csv", rows)
    with pytest.raises(ParameterError) as caught:
        import_files("shopify", [source], store_id="uz", timezone=NEW_YORK, out=tmp_path / "o")
    # Uzbekistan's zones (Tashkent, the larger, first), then the major zones
    assert "Zones with these offsets then: Asia/Tashkent, Asia/Samarkand, Asia/Karachi …" in (
        str(caught.value)
    )
