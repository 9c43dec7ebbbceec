"""Importers of platform exports (``ecanalysis import``) on the example files of
``tests/data/importers/``.

The expected canonical rows are written out by hand from the example files (the
arithmetic is in the comments); the files are described in ``tests/data/importers/README.md``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecanalysis.cli import main
from ecanalysis.errors import DataError
from ecanalysis.importers import PLATFORMS, import_files
from ecanalysis.importers._parse import fractions, numbers

DATA = Path(__file__).parent / "data" / "importers"
NEW_YORK = "America/New_York"
SHANGHAI = "Asia/Shanghai"


def _read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{table}.parquet")


def _stamps(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values), dtype="datetime64[us]")


def _text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def _money(values: list[float]) -> pd.Series:
    return pd.Series(values, dtype="float64")


def _ints(values: list[int]) -> pd.Series:
    return pd.Series(values, dtype="int64")


def _quarantine(out: Path) -> pd.DataFrame:
    files = sorted((out / "quarantine").glob("import-*.csv"))
    if not files:
        return pd.DataFrame(columns=["reason", "file", "line"])
    return pd.concat(
        [pd.read_csv(f, dtype="str", keep_default_na=False) for f in files], ignore_index=True
    )


def _bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))}


# ---------------------------------------------------------------------------
# cell parsers


def test_amounts_with_units_and_thousands_separators():
    values, bad = numbers(
        _text(["1,234.50元", "¥12", "2,400.00元", "12，345.6", "-1,000", "", "100"])
    )
    expected = _money([1234.5, 12.0, 2400.0, 12345.6, -1000.0, np.nan, 100.0])
    pd.testing.assert_series_equal(values, expected)
    assert not bad.any()


@pytest.mark.parametrize("cell", ["59,90", "1,2345", "1,23.5", "--", "abc"])
def test_decimal_commas_and_junk_are_unparseable_not_misread(cell):
    # "59,90" (a European decimal comma) must not silently become 5990.
    values, bad = numbers(_text([cell]))
    assert values.isna().all()
    assert bad.all()


def test_percent_strings_are_fractions():
    values, bad = fractions(_text(["45.67%", "0.5", "", "120%", "--"]))
    pd.testing.assert_series_equal(values, _money([0.4567, 0.5, np.nan, np.nan, np.nan]))
    assert bad.tolist() == [False, False, False, True, True]


# ---------------------------------------------------------------------------
# Shopify


def _shopify_orders_expected() -> pd.DataFrame:
    # Times carry the UTC offset of New York; 2025-11-02 is the DST day (02:00 EDT → 01:00
    # EST): #1002 at 01:30 -0400 and #1003 at 01:30 -0500 are both 01:30 local. #1006 has
    # an unparseable "Created at" and is quarantined.
    # gross = Σ Lineitem price × quantity: #1001 2×15 + 20 = 50; #1008 30 + 3×10 = 60.
    return pd.DataFrame(
        {
            "order_id": _text(
                [
                    *("shop1:1001", "shop1:1002", "shop1:1003", "shop1:1004", "shop1:1005"),
                    *("shop1:1007", "shop1:1008", "shop1:1009", "shop1:1010"),
                ]
            ),
            "store_id": _text(["shop1"] * 9),
            "customer_id": _text(
                [
                    "alice@example.com",  # Alice@Example.com, lower-cased
                    "bob@example.com",
                    "carol@example.com",
                    "alice@example.com",
                    "guest:shop1:1005",  # no e-mail
                    "dan@example.com",
                    "carol@example.com",
                    "bob@example.com",  # BOB@example.com
                    "erin@example.com",
                ]
            ),
            "ordered_at": _stamps(
                [
                    "2025-11-01 10:15:00",
                    "2025-11-02 01:30:00",
                    "2025-11-02 01:30:00",
                    "2025-11-03 08:00:00",
                    "2025-11-04 12:00:00",
                    "2025-11-01 23:50:00",
                    "2025-11-02 00:10:00",
                    "2025-11-02 23:40:00",
                    "2025-11-03 00:20:00",
                ]
            ),
            "paid_at": _stamps(
                [
                    "2025-11-01 10:15:30",
                    "2025-11-02 01:31:00",
                    None,
                    None,
                    "2025-11-04 12:05:00",
                    "2025-11-02 00:05:00",
                    "2025-11-02 00:12:00",
                    "2025-11-02 23:41:00",
                    "2025-11-03 00:21:00",
                ]
            ),
            "status": _text(
                [
                    "shipped",  # paid + fulfilled
                    "paid",
                    "placed",  # authorized
                    "cancelled",  # voided, Cancelled at
                    "partially_refunded",
                    "paid",
                    "shipped",
                    "paid",
                    "paid",
                ]
            ),
            "channel": _text(["web", "web", "pos", "web", "web", "web", "web", "pos", "web"]),
            "item_count": _ints([3, 1, 2, 1, 2, 3, 4, 2, 1]),
            "gross_amount": _money([50.0, 25.0, 20.0, 30.0, 50.0, 15.0, 60.0, 20.0, 30.0]),
            "discount_amount": _money([5.0, 0, 0, 0, 0, 0, 0, 0, 0]),
            "shipping_amount": _money([5.0, 0, 0, 0, 5.0, 0, 6.0, 0, 0]),
            "paid_amount": _money([54.0, 27.0, 20.0, 30.0, 55.0, 15.0, 66.0, 20.0, 30.0]),
            "refund_amount": _money([0, 0, 0, 0, 10.0, 0, 0, 0, 0]),
            # only a cancelled and refunded order has a refund date (its Cancelled at)
            "refunded_at": _stamps([None] * 9),
            "currency": _text(["USD"] * 9),
        }
    )


def _shopify_items_expected() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": _text(
                [
                    *("shop1:1001", "shop1:1001", "shop1:1002", "shop1:1003", "shop1:1004"),
                    *("shop1:1005", "shop1:1005", "shop1:1007", "shop1:1008", "shop1:1008"),
                    *("shop1:1009", "shop1:1010"),
                ]
            ),
            "line_no": _ints([1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1]),
            # #1005's second line has no SKU: its name stands in
            "sku": _text(
                [
                    *("TEE-1", "MUG-1", "CAP-1", "SOCK-1", "TEE-1", "JACKET-1", "Socks"),
                    *("PIN-1", "TEE-1", "SOCK-1", "SOCK-1", "TEE-1"),
                ]
            ),
            "quantity": _ints([2, 1, 1, 2, 1, 1, 1, 3, 1, 3, 2, 1]),
            "unit_price": _money([15.0, 20, 25, 10, 30, 40, 10, 5, 30, 10, 10, 30]),
            "discount_amount": _money([5.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        }
    )


def test_shopify_orders_and_lines(tmp_path):
    result = import_files(
        "shopify",
        [DATA / "shopify_orders.csv"],
        store_id="shop1",
        timezone=NEW_YORK,
        out=tmp_path,
    )
    pd.testing.assert_frame_equal(_read(tmp_path, "orders"), _shopify_orders_expected())
    pd.testing.assert_frame_equal(_read(tmp_path, "order_items"), _shopify_items_expected())
    stores = _read(tmp_path, "stores")
    assert stores[["store_id", "timezone", "currency", "platform"]].to_dict("records") == [
        {"store_id": "shop1", "timezone": NEW_YORK, "currency": "USD", "platform": "shopify"}
    ]
    assert result.store_created
    assert result.ok
    assert result.files == {"shopify_orders.csv": 13}
    assert (result.tables["orders"].new, result.tables["order_items"].new) == (9, 12)
    assert result.quarantined == 1
    quarantined = _quarantine(tmp_path)
    assert quarantined[["file", "line", "Name"]].to_dict("records") == [
        {"file": "shopify_orders.csv", "line": "9", "Name": "#1006"}
    ]
    assert quarantined["reason"].tolist() == ["Created at: not a date and time 'yesterday-ish'"]


def test_shopify_overlapping_exports_are_idempotent(tmp_path):
    files = [DATA / "shopify_orders.csv", DATA / "shopify_orders_later.csv"]
    first = import_files("shopify", files, store_id="shop1", timezone=NEW_YORK, out=tmp_path)
    # The later export repeats #1005 (two rows) and #1010 unchanged and adds #1011, #1012.
    orders, items = first.tables["orders"], first.tables["order_items"]
    assert (orders.new, orders.duplicates, orders.updated) == (11, 2, 0)
    assert (items.new, items.duplicates, items.updated) == (14, 3, 0)
    added = _read(tmp_path, "orders").set_index("order_id").loc[["shop1:1011", "shop1:1012"]]
    assert added["status"].tolist() == ["refunded", "placed"]
    assert added["refund_amount"].tolist() == [25.0, 0.0]
    assert added["paid_amount"].tolist() == [25.0, 1250.0]
    assert added["item_count"].tolist() == [1, 50]
    stored = _bytes(tmp_path)

    again = import_files("shopify", files, store_id="shop1", timezone=NEW_YORK, out=tmp_path)
    assert (again.tables["orders"].written, again.tables["orders"].duplicates) == (0, 13)
    assert (again.tables["order_items"].written, again.tables["order_items"].duplicates) == (0, 17)
    assert _bytes(tmp_path) == stored  # nothing rewritten
    assert len(_read(tmp_path, "orders")) == 11
    assert len(_read(tmp_path, "order_items")) == 14
    assert "orders: 0 written (0 new, 0 updated), 13 skipped as duplicates" in again.render()
    assert again.quarantined == 1  # #1006 again, counted again


def test_shopify_later_export_of_an_order_replaces_it_with_all_its_lines(tmp_path):
    # A later export in which #1005 was refunded in full and its second line removed.
    text = (DATA / "shopify_orders_later.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    changed = (
        lines[1].replace("partially_refunded", "refunded").replace(",10.00,Acme", ",55.00,Acme")
    )
    assert changed != lines[1]
    later = tmp_path / "later.csv"
    later.write_text(lines[0] + changed, encoding="utf-8")

    # in two imports: the stored order is updated, its stale line removed
    out = tmp_path / "two"
    import_files("shopify", [DATA / "shopify_orders.csv"], store_id="s", timezone=NEW_YORK, out=out)
    result = import_files("shopify", [later], store_id="s", timezone=NEW_YORK, out=out)
    assert result.tables["orders"].updated == 1
    assert (result.tables["order_items"].duplicates, result.tables["order_items"].removed) == (1, 1)

    # in one import (older file first): the later file's version wins, lines included
    out_one = tmp_path / "one"
    result = import_files(
        "shopify",
        [DATA / "shopify_orders.csv", later],
        store_id="s",
        timezone=NEW_YORK,
        out=out_one,
    )
    assert result.tables["orders"].superseded == 1
    assert result.tables["order_items"].superseded == 1  # the line the later file lacks
    for out_dir in (out, out_one):
        order = _read(out_dir, "orders").set_index("order_id").loc["s:1005"]
        assert (order["status"], order["refund_amount"]) == ("refunded", 55.0)
        lines_1005 = _read(out_dir, "order_items").query("order_id == 's:1005'")
        assert lines_1005[["line_no", "sku"]].to_dict("records") == [
            {"line_no": 1, "sku": "JACKET-1"}
        ]


# ---------------------------------------------------------------------------
# WooCommerce


def test_woocommerce_orders_and_lines(tmp_path):
    result = import_files(
        "woocommerce",
        [DATA / "woocommerce_orders.csv"],
        store_id="woo1",
        timezone="Europe/Berlin",
        out=tmp_path,
    )
    # UTF-8 with BOM; order fields on every row; naive times are Berlin time.
    # #2001: subtotal 60 = 2×20 + 2×10, coupon 5, shipping 4.90, total 59.90.
    # #2002: processing with refund 10 < total 39.90 → partially_refunded.
    expected = pd.DataFrame(
        {
            "order_id": _text(["woo1:2001", "woo1:2002", "woo1:2003", "woo1:2004", "woo1:2005"]),
            "store_id": _text(["woo1"] * 5),
            "customer_id": _text(
                [
                    "lena@example.de",
                    "max@example.de",  # Max@Example.de
                    "jo@example.de",
                    "lena@example.de",
                    "max@example.de",
                ]
            ),
            "ordered_at": _stamps(
                [
                    "2025-11-10 09:12",
                    "2025-11-10 18:40",
                    "2025-11-11 08:00",
                    "2025-11-11 10:30",
                    "2025-11-12 14:00",
                ]
            ),
            "paid_at": _stamps(
                ["2025-11-10 09:13", "2025-11-10 18:41", None, None, "2025-11-12 14:02"]
            ),
            "status": _text(["completed", "partially_refunded", "placed", "cancelled", "refunded"]),
            "item_count": _ints([4, 1, 1, 1, 1]),
            "gross_amount": _money([60.0, 35.0, 12.0, 20.0, 20.0]),
            "discount_amount": _money([5.0, 0, 0, 0, 0]),
            "shipping_amount": _money([4.9, 4.9, 0, 0, 4.9]),
            "paid_amount": _money([59.9, 39.9, 12.0, 20.0, 24.9]),
            "refund_amount": _money([0, 10.0, 0, 0, 24.9]),
            "currency": _text(["EUR"] * 5),
        }
    )
    pd.testing.assert_frame_equal(_read(tmp_path, "orders"), expected)
    expected_items = pd.DataFrame(
        {
            "order_id": _text(
                ["woo1:2001", "woo1:2001", "woo1:2002", "woo1:2003", "woo1:2004", "woo1:2005"]
            ),
            "line_no": _ints([1, 2, 1, 1, 1, 1]),
            "sku": _text(["BAG-1", "PEN-1", "BAG-2", "PEN-1", "BAG-1", "BAG-1"]),
            "quantity": _ints([2, 2, 1, 1, 1, 1]),
            "unit_price": _money([20.0, 10, 35, 12, 20, 20]),
        }
    )
    pd.testing.assert_frame_equal(_read(tmp_path, "order_items"), expected_items)
    assert result.currency == "EUR"  # from the file's Currency column
    # #2006 has a custom status (wc-awaiting-shipment): quarantined, not dropped
    assert result.quarantined == 1
    quarantined = _quarantine(tmp_path)
    assert quarantined[["line", "Order Number"]].to_dict("records") == [
        {"line": "8", "Order Number": "2006"}
    ]
    assert "unknown status 'wc-awaiting-shipment'" in quarantined["reason"].iloc[0]


# ---------------------------------------------------------------------------
# 淘宝 订单报表 and 宝贝报表


def _taobao_orders_expected() -> pd.DataFrame:
    # GBK; ids behind Excel guards ="…"; amounts "1,299.00" and "199.00元".
    # discount = 总金额 − 买家实际支付金额 for paid orders: 501 1299 − 1279 = 20; 505 112 − 100.
    # 502 交易关闭 after payment, 退款金额 209 = paid → refunded; 506 closed unpaid → cancelled.
    # 507 (神秘状态) is quarantined.
    return pd.DataFrame(
        {
            "order_id": _text([f"tb1:39123456789012345{n:02d}" for n in (1, 2, 3, 4, 5, 6)]),
            "store_id": _text(["tb1"] * 6),
            "customer_id": _text(["小明", "tb_abc", "小红", "小明", "老王", "tb_abc"]),
            "ordered_at": _stamps(
                [
                    "2025-11-11 00:00:05",
                    "2025-11-11 09:30:00",
                    "2025-11-11 10:00:00",
                    "2025-11-12 08:00:00",
                    "2025-11-12 20:15:00",
                    "2025-11-13 11:00:00",
                ]
            ),
            "paid_at": _stamps(
                [
                    "2025-11-11 00:00:20",
                    "2025-11-11 09:31:00",
                    None,
                    "2025-11-12 08:01:00",
                    "2025-11-12 20:16:00",
                    None,
                ]
            ),
            "status": _text(["completed", "refunded", "placed", "paid", "shipped", "cancelled"]),
            "channel": _text([None] * 6),  # the report names no channel
            "device": _text(["mobile", None, "mobile", "mobile", None, None]),
            "item_count": _ints([3, 1, 1, 1, 2, 1]),
            "gross_amount": _money([1299.0, 199.0, 88.0, 1099.0, 100.0, 199.0]),
            "discount_amount": _money([20.0, 0.0, np.nan, 0.0, 12.0, np.nan]),
            "shipping_amount": _money([0.0, 10.0, 0.0, 0.0, 12.0, 0.0]),
            "paid_amount": _money([1279.0, 209.0, 0.0, 1099.0, 100.0, 0.0]),
            "refund_amount": _money([0.0, 209.0, 0.0, 0.0, 0.0, 0.0]),
            "currency": _text(["CNY"] * 6),
        }
    )


def test_taobao_order_and_item_reports(tmp_path):
    result = import_files(
        "taobao",
        [DATA / "taobao_orders.csv", DATA / "taobao_items.csv"],
        store_id="tb1",
        timezone=SHANGHAI,
        out=tmp_path,
    )
    assert (DATA / "taobao_orders.csv").read_bytes().startswith("订单编号".encode("gbk"))
    pd.testing.assert_frame_equal(_read(tmp_path, "orders"), _taobao_orders_expected())
    expected_items = pd.DataFrame(
        {
            "order_id": _text([f"tb1:39123456789012345{n:02d}" for n in (1, 1, 2, 5)]),
            "line_no": _ints([1, 2, 1, 1]),
            # 商家编码, else 外部系统编号 (SLV-02 of 501's second line)
            "sku": _text(["CUP-01", "SLV-02", "BAG-01", "SLV-02"]),
            "quantity": _ints([1, 2, 1, 2]),
            "unit_price": _money([1099.0, 100.0, 199.0, 50.0]),
        }
    )
    pd.testing.assert_frame_equal(_read(tmp_path, "order_items"), expected_items)
    stores = _read(tmp_path, "stores")
    assert stores[["store_id", "name", "currency"]].to_dict("records") == [
        {"store_id": "tb1", "name": "示例旗舰店", "currency": "CNY"}
    ]
    # 507's order row (unknown status) and its line in the 宝贝报表 both go to quarantine:
    # a line without its order would fail validation
    assert result.quarantined == 2
    quarantined = _quarantine(tmp_path)
    assert quarantined[["file", "line", "订单编号"]].to_dict("records") == [
        {"file": "taobao_orders.csv", "line": "8", "订单编号": "3912345678901234507"},
        {"file": "taobao_items.csv", "line": "6", "订单编号": "3912345678901234507"},
    ]
    assert quarantined["reason"].iloc[0] == "订单状态: unknown status '神秘状态'"
    assert "order not in the dataset" in quarantined["reason"].iloc[1]
    assert result.ok


def test_taobao_later_reports_update_add_and_skip_duplicates(tmp_path):
    import_files(
        "taobao",
        [DATA / "taobao_orders.csv", DATA / "taobao_items.csv"],
        store_id="tb1",
        timezone=SHANGHAI,
        out=tmp_path,
    )
    # The later 订单报表: 504 now 交易成功 (updated), 505 unchanged (duplicate), and
    # 508 交易成功 with 退款金额 300 < 2350 → partially_refunded; 509 交易成功 with a
    # 售后 refund of everything (100 = 100) → refunded.
    result = import_files(
        "taobao",
        [DATA / "taobao_orders_later.csv", DATA / "taobao_items_later.csv"],
        store_id="tb1",
        timezone=SHANGHAI,
        out=tmp_path,
    )
    orders = result.tables["orders"]
    assert (orders.new, orders.updated, orders.duplicates) == (2, 1, 1)
    assert result.quarantined == 0
    stored = _read(tmp_path, "orders").set_index("order_id")
    assert len(stored) == 8
    later = stored.loc[[f"tb1:39123456789012345{n:02d}" for n in (4, 8, 9)]]
    assert later["status"].tolist() == ["completed", "partially_refunded", "refunded"]
    # 508: "2,400.00元" goods, "2,350.00元" paid, "300.00元" refunded; discount 2400 − 2350
    assert later["gross_amount"].tolist() == [1099.0, 2400.0, 100.0]
    assert later["paid_amount"].tolist() == [1099.0, 2350.0, 100.0]
    assert later["refund_amount"].tolist() == [0.0, 300.0, 100.0]
    assert later["discount_amount"].tolist() == [0.0, 50.0, 0.0]
    items = _read(tmp_path, "order_items")
    assert len(items) == 6
    assert items.iloc[-2:][["sku", "quantity", "unit_price"]].to_dict("records") == [
        {"sku": "CUP-01", "quantity": 2, "unit_price": 1200.0},
        {"sku": "SLV-02", "quantity": 2, "unit_price": 50.0},
    ]


def test_taobao_item_report_alone_quarantines_lines_of_unknown_orders(tmp_path):
    items = DATA / "taobao_items.csv"
    # no order is known: every line would be set aside, so nothing is written
    with pytest.raises(DataError, match=r"none of the 5 data row\(s\) .* could be imported"):
        import_files("taobao", [items], store_id="tb1", timezone=SHANGHAI, out=tmp_path)
    assert not list(tmp_path.iterdir())
    # once the 订单报表 is imported, the same 宝贝报表 finds its orders (507's stays out)
    import_files(
        "taobao", [DATA / "taobao_orders.csv"], store_id="tb1", timezone=SHANGHAI, out=tmp_path
    )
    result = import_files("taobao", [items], store_id="tb1", timezone=SHANGHAI, out=tmp_path)
    assert (result.tables["order_items"].new, result.quarantined) == (4, 1)
    assert result.ok


# ---------------------------------------------------------------------------
# 生意参谋 traffic


def test_sycm_traffic_with_overlapping_exports(tmp_path):
    result = import_files(
        "sycm",
        [DATA / "sycm_traffic.csv", DATA / "sycm_traffic_later.csv"],
        store_id="tb1",
        timezone=SHANGHAI,
        out=tmp_path,
    )
    # bounces = round(跳失率 × 访客数): 0.4567 × 1200 = 548.04 → 548; 0.5 × 1000 = 500;
    # 0.4005 × 900 = 360.45 → 360; 0.42 × 950 = 399; 0.395 × 1100 = 434.5 → 435.
    # time_on_site_s = 平均停留时长 × 访客数: 35.5 × 1200 = 42600; 33.3 × 1100 = 36630.
    # 11-04 is "--" in the first export (quarantined) and present in the later one.
    expected = pd.DataFrame(
        {
            "store_id": _text(["tb1"] * 5),
            "date": pd.to_datetime(
                ["2025-11-01", "2025-11-02", "2025-11-03", "2025-11-04", "2025-11-05"]
            ).date,
            # a store total: no source or device breakdown, so both are empty, not "all"
            "source": _text([None] * 5),
            "device": _text([None] * 5),
            "visitors": _ints([1200, 1000, 900, 950, 1100]),  # "1,200"
            "sessions": _money([np.nan] * 5),
            "pageviews": _ints([3600, 2500, 2000, 2100, 2600]),  # "2,100"
            "new_visitors": _ints([800, 600, 500, 520, 640]),
            "bounces": _ints([548, 500, 360, 399, 435]),
            "time_on_site_s": _money([42600.0, 40000.0, 27000.0, 29450.0, 36630.0]),
            "cart_visitors": _money([np.nan] * 5),
            "product_views": _money([np.nan] * 5),
        }
    )
    expected["date"] = expected["date"].astype("object")
    pd.testing.assert_frame_equal(_read(tmp_path, "traffic"), expected)
    assert (result.tables["traffic"].new, result.tables["traffic"].duplicates) == (5, 1)
    assert result.quarantined == 1
    quarantined = _quarantine(tmp_path)
    assert quarantined[["file", "line", "日期"]].to_dict("records") == [
        {"file": "sycm_traffic.csv", "line": "7", "日期": "2025-11-04"}
    ]
    assert "访客数: not a whole number '--'" in quarantined["reason"].iloc[0]
    assert result.currency == "CNY"
    stored = _bytes(tmp_path)

    again = import_files(
        "sycm",
        [DATA / "sycm_traffic.csv", DATA / "sycm_traffic_later.csv"],
        store_id="tb1",
        timezone=SHANGHAI,
        out=tmp_path,
    )
    # rows with empty source and device are matched by key like any other
    assert (again.tables["traffic"].written, again.tables["traffic"].duplicates) == (0, 6)
    assert _bytes(tmp_path) == stored


def test_sycm_store_totals_keep_a_key_that_validate_checks(tmp_path, capsys):
    # a dataset needs orders: the store's 订单报表 first, then its traffic
    orders = [str(DATA / "taobao_orders.csv")]
    traffic = [str(DATA / "sycm_traffic.csv"), str(DATA / "sycm_traffic_later.csv")]
    options = ["--store-id", "tb1", "--timezone", SHANGHAI, "--out", str(tmp_path)]
    assert main(["import", "taobao", *orders, *options]) == 0
    assert main(["import", "sycm", *traffic, *options]) == 0
    assert main(["validate", str(tmp_path)]) == 0
    capsys.readouterr()
    # a second store total for 11-01 (empty source and device again) is a duplicate key
    traffic = _read(tmp_path, "traffic")
    pd.concat([traffic, traffic.iloc[:1]]).to_parquet(tmp_path / "traffic.parquet")
    assert main(["validate", str(tmp_path)]) == 2
    assert "2 rows are duplicates of another row's key" in capsys.readouterr().out


def test_sycm_import_replaces_store_totals_an_earlier_import_wrote_as_all(tmp_path):
    # Earlier versions wrote 生意参谋 store totals with source and device "all"; the same
    # days imported again must replace them, not add a second total beside them.
    import_files(
        "sycm", [DATA / "sycm_traffic.csv"], store_id="tb1", timezone=SHANGHAI, out=tmp_path
    )
    legacy = _read(tmp_path, "traffic").assign(source="all", device="all")
    legacy.to_parquet(tmp_path / "traffic.parquet")  # 11-01, 11-02, 11-03
    result = import_files(
        "sycm", [DATA / "sycm_traffic_later.csv"], store_id="tb1", timezone=SHANGHAI, out=tmp_path
    )
    traffic = _read(tmp_path, "traffic")
    # 11-03 is replaced (same numbers, key without "all"), 11-04 and 11-05 are new;
    # 11-01 and 11-02 are not in this export and keep "all", which the summary says
    assert [str(d) for d in traffic["date"]] == [f"2025-11-0{d}" for d in range(1, 6)]
    for column in ("source", "device"):
        assert traffic[column].tolist()[:2] == ["all", "all"]
        assert traffic[column].iloc[2:].isna().all()
    assert (result.tables["traffic"].new, result.tables["traffic"].updated) == (2, 1)
    assert (
        "traffic: store totals of tb1 stored with source and device 'all' by an earlier "
        "import: 1 replaced; 2 more on other days keep 'all': import their 生意参谋 exports again"
    ) in result.render()


# ---------------------------------------------------------------------------
# the command line


def test_import_list_names_each_platform_and_its_columns(capsys):
    assert main(["import", "--list"]) == 0
    out = capsys.readouterr().out
    for platform in PLATFORMS:
        assert f"{platform}:" in out
    for column in (
        "Lineitem quantity",
        "Order Total Amount",
        "买家实际支付金额",
        "购买数量",
        "跳失率",
    ):
        assert column in out


def test_import_command_reports_what_it_did(tmp_path, capsys):
    argv = [
        "import",
        "shopify",
        str(DATA / "shopify_orders.csv"),
        str(DATA / "shopify_orders_later.csv"),
        "--store-id",
        "shop1",
        "--timezone",
        NEW_YORK,
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "read 18 rows from 2 file(s)" in out
    assert "orders: 11 written (11 new, 0 updated), 2 skipped as duplicates" in out
    assert "quarantined: 1 row(s)" in out
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "orders: 0 written (0 new, 0 updated), 13 skipped as duplicates" in out
    assert "order_items: 0 written (0 new, 0 updated), 17 skipped as duplicates" in out
    assert main(["validate", str(tmp_path)]) == 0


def test_import_summary_dates_are_the_imported_rows_of_the_store(tmp_path, capsys):
    base = ["--out", str(tmp_path)]
    shop = ["import", "shopify", str(DATA / "shopify_orders.csv"), "--store-id", "shop1"]
    assert main([*shop, "--timezone", NEW_YORK, *base]) == 0
    assert (
        "dates: 2025-11-01..2025-11-04 (local dates of the imported rows: orders.ordered_at)"
        in (capsys.readouterr().out)
    )
    # another store, later days: its own rows' range, not the dataset's 11-01..11-14
    later = [str(DATA / "taobao_orders_later.csv"), str(DATA / "taobao_items_later.csv")]
    assert (
        main(["import", "taobao", *later, "--store-id", "tb1", "--timezone", SHANGHAI, *base]) == 0
    )
    out = capsys.readouterr().out
    # 504 and 505 were placed on 11-12, 508 and 509 on 11-14
    assert (
        "dates: 2025-11-12..2025-11-14 (local dates of the imported rows: orders.ordered_at)" in out
    )
    assert out.count("dates:") == 1
    # a traffic import names its date column
    sycm = ["import", "sycm", str(DATA / "sycm_traffic_later.csv"), "--store-id", "tb1"]
    assert main([*sycm, "--timezone", SHANGHAI, *base]) == 0
    out = capsys.readouterr().out
    assert "dates: 2025-11-03..2025-11-05 (local dates of the imported rows: traffic.date)" in out


REFUND_NOTE = (
    "note: refunds: {n} imported order(s) have a refund but no refund date (the export "
    "has none), so reports date each of these refunds by the order's paid_at: net sales "
    "drop on the day of payment, not on the day of the refund"
)


@pytest.mark.parametrize(
    ("platform", "files", "timezone", "refunded"),
    [
        # #1005 (partially refunded 10.00), and in the later file #1005 again and #1011
        ("shopify", ["shopify_orders.csv"], NEW_YORK, 1),
        ("shopify", ["shopify_orders.csv", "shopify_orders_later.csv"], NEW_YORK, 2),
        ("taobao", ["taobao_orders.csv"], SHANGHAI, 1),  # 502 (退款金额 209)
        ("taobao", ["taobao_orders_later.csv"], SHANGHAI, 2),  # 508, 509
        ("woocommerce", ["woocommerce_orders.csv"], "Europe/Berlin", 2),  # 2002, 2005
    ],
)
def test_import_summary_says_refunds_are_dated_by_payment(
    tmp_path, platform, files, timezone, refunded
):
    paths = [DATA / name for name in files]
    result = import_files(platform, paths, store_id="s1", timezone=timezone, out=tmp_path)
    assert REFUND_NOTE.format(n=refunded) in result.render().splitlines()
    orders = _read(tmp_path, "orders")
    assert (orders["refund_amount"] > 0).sum() == refunded
    assert "refunded_at" not in orders.columns or orders["refunded_at"].isna().all()


def test_import_summary_has_no_refund_note_without_refunds(tmp_path):
    # the Shopify export without #1005, its one refunded order
    lines = (DATA / "shopify_orders.csv").read_bytes().split(b"\r\n")
    source = tmp_path / "export.csv"
    source.write_bytes(b"\r\n".join(x for x in lines if not x.startswith(b"#1005,")))
    out = tmp_path / "out"
    result = import_files("shopify", [source], store_id="s1", timezone=NEW_YORK, out=out)
    assert result.tables["orders"].new == 8
    assert "refund" not in result.render()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"platform": "shopfy"}, "unknown platform 'shopfy' (did you mean 'shopify'?)"),
        ({"file": "missing.csv"}, "does not exist"),
        ({"--timezone": "America/NewYork"}, "is not an IANA time zone"),
        ({"--timezone": "EST+5"}, "is not an IANA time zone"),
        ({"--store-id": "../x"}, "store_id '../x' is not allowed"),
        ({"--store-id": "a/b"}, "store_id 'a/b' is not allowed"),
        ({"--store-id": "all"}, "reserved"),
        ({"--currency": "dollars"}, "is not an ISO 4217 code"),
        ({"--store-id": None}, "import is missing --store-id ID"),
        ({"--timezone": None}, "import is missing --timezone TZ"),
        ({"--timezone": "Asia/Beijing"}, "(did you mean 'Asia/Shanghai'?)"),
        ({"--timezone": SHANGHAI}, "which Asia/Shanghai (UTC+08:00 then) does not have"),
        ({"platform": "taobao"}, "is a shopify export (orders file), not a taobao one"),
        ({"platform": "sycm"}, "`ecanalysis import shopify "),
        ({"file": str(DATA / "taobao_orders.csv")}, "is a taobao export (orders file)"),
        ({"file": str(DATA)}, "is a directory; name the export files in it"),
        ({"--currency": "EUR"}, "the files are in USD but --currency is EUR"),
        ({"file": "header-only.csv"}, "no data rows under the header of"),
    ],
)
def test_bad_import_arguments_exit_2_with_a_message(tmp_path, capsys, change, message):
    args = {
        "platform": "shopify",
        "file": str(DATA / "shopify_orders.csv"),
        "--store-id": "shop1",
        "--timezone": NEW_YORK,
        "--currency": None,
    }
    args.update(change)
    if args["file"] == "missing.csv":
        args["file"] = str(tmp_path / "missing.csv")
    if args["file"] == "header-only.csv":
        args["file"] = str(tmp_path / "header-only.csv")
        header = (DATA / "shopify_orders.csv").read_bytes().split(b"\r\n")[0]
        Path(args["file"]).write_bytes(header + b"\r\n")
        args["--currency"] = "USD"
    out = tmp_path / "out"
    argv = ["import", args["platform"], args["file"], "--out", str(out)]
    for flag in ("--store-id", "--timezone", "--currency"):
        if args[flag] is not None:
            argv += [flag, args[flag]]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("ecanalysis import: error: ")
    assert "Traceback" not in captured.err + captured.out
    assert len(captured.err.strip().splitlines()) == 1
    assert not out.exists()
    assert not (tmp_path / "x").exists()


def test_import_refuses_files_in_another_currency_than_the_stored_store(tmp_path, capsys):
    woo = ["import", "woocommerce", str(DATA / "woocommerce_orders.csv"), "--store-id", "s1"]
    assert main([*woo, "--timezone", "Europe/Berlin", "--out", str(tmp_path)]) == 0
    stored = _bytes(tmp_path)
    quarantine = sorted((tmp_path / "quarantine").iterdir())
    capsys.readouterr()
    shop = ["import", "shopify", str(DATA / "shopify_orders.csv"), "--store-id", "s1"]
    assert main([*shop, "--timezone", "Europe/Berlin", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "the files are in USD but store 's1' is stored in EUR" in err
    assert _bytes(tmp_path) == stored
    assert sorted((tmp_path / "quarantine").iterdir()) == quarantine


def test_import_of_only_unmappable_rows_writes_nothing(tmp_path, capsys):
    source = tmp_path / "export.csv"
    lines = (DATA / "shopify_orders.csv").read_bytes().split(b"\r\n")
    # the header and #1006, whose Created at does not parse
    source.write_bytes(b"\r\n".join([lines[0], *(x for x in lines if b"#1006" in x)]) + b"\r\n")
    out = tmp_path / "out"
    argv = ["import", "shopify", str(source), "--store-id", "s1", "--timezone", NEW_YORK]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "none of the 1 data row(s) of" in err
    assert "export.csv line 2:" in err
    assert not out.exists()


def test_empty_reimport_into_a_stored_store_changes_nothing(tmp_path, capsys):
    base = ["--store-id", "s1", "--timezone", NEW_YORK, "--out", str(tmp_path)]
    assert main(["import", "shopify", str(DATA / "shopify_orders.csv"), *base]) == 0
    stored = _bytes(tmp_path)
    header = tmp_path / "header.csv"
    header.write_bytes((DATA / "shopify_orders.csv").read_bytes().split(b"\r\n")[0])
    assert main(["import", "shopify", str(header), *base]) == 0
    assert _bytes(tmp_path) == stored


def test_reimport_leaves_the_quarantine_file_untouched(tmp_path):
    kwargs = {"store_id": "s1", "timezone": NEW_YORK, "out": tmp_path}
    first = import_files("shopify", [DATA / "shopify_orders.csv"], **kwargs)
    before = first.quarantine_file.stat().st_mtime_ns
    again = import_files("shopify", [DATA / "shopify_orders.csv"], **kwargs)
    assert again.quarantine_file == first.quarantine_file
    assert again.quarantine_file.stat().st_mtime_ns == before


# ---------------------------------------------------------------------------
# does --timezone fit the export?


def test_import_refuses_a_timezone_that_the_exports_utc_offsets_contradict(tmp_path, capsys):
    # Every time of the Shopify export is at -04:00 or -05:00 (New York); read as Shanghai
    # time, #1007 (2025-11-01 23:50 -0400) would land on 11-02 and every day would shift.
    argv = ["import", "shopify", str(DATA / "shopify_orders.csv"), "--store-id", "harbor2"]
    assert main([*argv, "--timezone", SHANGHAI, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecanalysis import: error: ")
    assert len(err.strip().splitlines()) == 1
    # 9 parseable Created at, 8 Paid at and 1 Cancelled at cells (#1006's Created at does
    # not parse)
    assert (
        "the export's times are at UTC-04:00/-05:00 (18 of 18 times with a UTC offset, e.g. "
        "shopify_orders.csv line 2, Created at '2025-11-01 10:15:00 -0400'), which "
        "Asia/Shanghai (UTC+08:00 then) does not have: is --timezone right? Zones with "
        # the export's Billing Country is US: its zones first
        "these offsets then: America/New_York, America/Detroit, America/Indiana/Indianapolis "
        "…; pass "
        "the store's own zone as --timezone"
    ) in err
    assert not (tmp_path / "out").exists()


def test_a_few_times_at_another_offset_are_converted_and_noted(tmp_path):
    # A store that moved from Chicago to New York: #1001 still carries Chicago's -0500
    # (CDT on 2025-11-01, when New York is at -0400). 2 of 18 times do not block.
    text = (DATA / "shopify_orders.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[1] = lines[1].replace("-0400", "-0500")
    source = tmp_path / "moved.csv"
    source.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    result = import_files("shopify", [source], store_id="s1", timezone=NEW_YORK, out=out)
    assert result.ok
    order = _read(out, "orders").set_index("order_id").loc["s1:1001"]
    # 10:15 -0500 is 11:15 in New York
    assert order["ordered_at"] == pd.Timestamp("2025-11-01 11:15:00")
    assert (
        "note: times: 2 of 18 times with a UTC offset are at UTC-05:00 (e.g. moved.csv line "
        "2, Created at '2025-11-01 10:15:00 -0500'), which America/New_York does not have "
        "then; they were converted to America/New_York time: check them if the store "
        "changed its time zone"
    ) in result.render().splitlines()


def _woocommerce_with_offsets(tmp_path: Path) -> Path:
    # The plugin's date format set to ISO 8601 ("c"): Berlin times with their offset.
    text = (DATA / "woocommerce_orders.csv").read_text(encoding="utf-8-sig")
    zoned = re.sub(r"(2025-11-1\d) (\d\d:\d\d)", r"\1T\2:00+01:00", text)
    assert zoned.count("+01:00") == 12  # 7 Order Date and 5 Paid Date cells
    source = tmp_path / "woo_iso.csv"
    source.write_text(zoned, encoding="utf-8-sig")
    return source


def test_woocommerce_times_with_offsets_are_checked_too(tmp_path, capsys):
    source = _woocommerce_with_offsets(tmp_path)
    argv = ["import", "woocommerce", str(source), "--store-id", "woo1"]
    assert main([*argv, "--timezone", NEW_YORK, "--out", str(tmp_path / "ny")]) == 2
    err = capsys.readouterr().err
    assert "the export's times are at UTC+01:00 (12 of 12 times" in err
    assert "which America/New_York (UTC-05:00 then) does not have" in err
    assert "Europe/Berlin" in err
    # with the right zone, the same rows as the naive export
    assert main([*argv, "--timezone", "Europe/Berlin", "--out", str(tmp_path / "de")]) == 0
    plain = tmp_path / "plain"
    import_files(
        "woocommerce",
        [DATA / "woocommerce_orders.csv"],
        store_id="woo1",
        timezone="Europe/Berlin",
        out=plain,
    )
    pd.testing.assert_frame_equal(_read(tmp_path / "de", "orders"), _read(plain, "orders"))


@pytest.mark.parametrize(
    ("platform", "files", "timezone", "warned"),
    [
        ("taobao", ["taobao_orders.csv", "taobao_items.csv"], NEW_YORK, True),
        ("taobao", ["taobao_orders.csv", "taobao_items.csv"], SHANGHAI, False),
        ("taobao", ["taobao_orders.csv"], "Asia/Singapore", False),  # UTC+08:00 too
        ("sycm", ["sycm_traffic.csv"], "Europe/London", True),
        ("sycm", ["sycm_traffic.csv"], "Asia/Taipei", False),
    ],
)
def test_china_time_exports_warn_of_a_timezone_off_utc_plus_8(
    tmp_path, capsys, platform, files, timezone, warned
):
    argv = ["import", platform, *(str(DATA / name) for name in files), "--store-id", "cn1"]
    main([*argv, "--timezone", timezone, "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert (_read(tmp_path, "stores")["timezone"] == timezone).all()  # a warning, not a refusal
    if not warned:
        assert "warning" not in captured.err
        return
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith(
        f"ecanalysis import: warning: {platform} exports are in China time (UTC+08:00) "
        f"without a zone, and their times were taken as {timezone} times"
    )
    assert "import them again with --timezone Asia/Shanghai" in captured.err


def test_import_refuses_another_time_zone_for_a_stored_store(tmp_path, capsys):
    base = ["import", "shopify", str(DATA / "shopify_orders.csv"), "--store-id", "shop1"]
    assert main([*base, "--timezone", NEW_YORK, "--out", str(tmp_path)]) == 0
    stored = _bytes(tmp_path)
    capsys.readouterr()
    assert main([*base, "--timezone", "Europe/London", "--out", str(tmp_path)]) == 2
    assert "stored with time zone America/New_York" in capsys.readouterr().err
    assert _bytes(tmp_path) == stored


# ---------------------------------------------------------------------------
# round trip: import → validate → daily_report


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_round_trip_shopify_import_validate_daily_report(tmp_path, capsys):
    data = tmp_path / "data"
    runs = tmp_path / "runs"
    source = tmp_path / "export.csv"
    shutil.copyfile(DATA / "shopify_orders.csv", source)
    argv = ["import", "shopify", str(source), "--store-id", "shop1", "--timezone", NEW_YORK]
    assert main([*argv, "--out", str(data)]) == 0
    assert main(["validate", str(data)]) == 0
    assert sorted(p.name for p in data.glob("*.parquet")) == [
        "order_items.parquet",
        "orders.parquet",
        "refunds.parquet",  # #1005's refund
        "stores.parquet",
    ]
    code = main(
        [
            "run",
            "daily_report",
            "--store-id",
            "shop1",
            "--period",
            "2025-11-02",
            "--data",
            str(data),
            "--out",
            str(runs),
        ]
    )
    assert code == 0, capsys.readouterr()
    metrics = json.loads(
        (runs / "daily_report" / "shop1" / "2025-11-02" / "metrics.json").read_text()
    )
    assert metrics["status"] == "ok"
    # 2025-11-02 in New York, the DST day (25 hours), paid basis (paid_at, local time):
    #   #1007 paid 00:05 EDT (placed 11-01 23:50)  dan    15.00
    #   #1008 paid 00:12 EDT                       carol  66.00
    #   #1002 paid 01:31 EDT                       bob    27.00
    #   #1009 paid 23:41 EST                       bob    20.00
    # not: #1003 (authorized, not paid), #1010 (paid 11-03 00:21 EST).
    # orders = 4; paid_amount = 15 + 66 + 27 + 20 = 128; buyers = {dan, carol, bob} = 3;
    # aov = 128 / 4 = 32; revenue_per_buyer = 128 / 3; all three buyers are new.
    kpis = metrics["kpis"]
    assert kpis["orders"] == 4
    assert kpis["paid_amount"] == pytest.approx(128.0)
    assert kpis["buyers"] == 3
    assert kpis["aov"] == pytest.approx(32.0)
    assert kpis["revenue_per_buyer"] == pytest.approx(128.0 / 3)
    assert kpis["new_buyers"] == 3
    assert metrics["period"]["start"] == "2025-11-02T00:00:00-04:00"
    assert metrics["period"]["end"] == "2025-11-03T00:00:00-05:00"


def test_files_may_come_after_the_options(tmp_path, capsys):
    """`import shopify --store-id s1 … orders.csv --out d` reads as the files first would."""
    first, after = tmp_path / "first", tmp_path / "after"
    options = ["--store-id", "s1", "--timezone", NEW_YORK]
    source = str(DATA / "shopify_orders.csv")
    assert main(["import", "shopify", source, *options, "--out", str(first)]) == 0
    assert main(["import", "shopify", *options, source, "--out", str(after)]) == 0
    assert _bytes(after) == _bytes(first)
    capsys.readouterr()
    assert main(["import", "shopify", *options, source, "--bogus", "--out", str(after)]) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_traffic_imported_before_the_orders_is_not_a_failed_import(tmp_path, capsys):
    """生意参谋 traffic into a new folder: the rows are written and the dataset only lacks
    orders, which the next import brings. Exit 0 and say so (it was exit 2, an error)."""
    argv = ["import", "sycm", str(DATA / "sycm_traffic.csv"), "--store-id", "tb1"]
    assert main([*argv, "--timezone", SHANGHAI, "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "the dataset has no orders table" in said
    assert said.rstrip().endswith(
        "next: import the store's orders (e.g. `ecanalysis import taobao 订单报表.csv "
        "--store-id tb1 …`); reports need them"
    )
    assert main(["validate", str(tmp_path)]) == 2, "the dataset is still incomplete"
    capsys.readouterr()
    argv = ["import", "taobao", str(DATA / "taobao_orders.csv"), "--store-id", "tb1"]
    assert main([*argv, "--timezone", SHANGHAI, "--out", str(tmp_path)]) == 0
    assert "next:" not in capsys.readouterr().out
