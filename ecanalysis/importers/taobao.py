"""淘宝/天猫: the 订单报表 (orders report) and 宝贝报表 (items report) CSV files.

Both come from 千牛 › 交易 › 已卖出的宝贝 › 批量导出, GBK-encoded as a rule; ids are
often guarded for Excel (``="3912345678901234567"``) and amounts may carry ``元`` or
thousands separators. Which report a file is, is told by its header. Times are the
platform's local time (Asia/Shanghai) without a zone; they are taken as the store's local
time, so ``--timezone`` should be ``Asia/Shanghai`` (another zone that is not at
UTC+08:00 on the imported dates gets a warning). The currency is CNY unless
``--currency`` says otherwise.

订单报表 → ``orders``, one row per order:

=================  ================================================================
canonical          订单报表 column
=================  ================================================================
order_id           ``<store_id>:`` + 订单编号
customer_id        买家会员名 (as given)
ordered_at         订单创建时间
paid_at            订单付款时间
status             订单状态 and 退款金额 (below)
channel            empty (the report names none)
device             是否手机订单: ``mobile`` when it says 手机订单, else empty
item_count         宝贝总数量
gross_amount       买家应付货款 (the goods as priced on the order; the report has no list
                   price before item-level price changes)
discount_amount    总金额 − 买家实际支付金额 for paid orders (coupons and red packets;
                   总金额 = 买家应付货款 + 买家应付邮费 when absent), never below 0
shipping_amount    买家应付邮费
paid_amount        买家实际支付金额
refund_amount      退款金额 (0 when empty); no refund time in the report
=================  ================================================================

Status: 等待买家付款 → placed; 买家已付款，等待卖家发货 (or 等待卖家发货) → paid;
卖家已发货，等待买家确认 and 卖家部分发货 → shipped; 交易成功 → completed, or
partially_refunded when 0 < 退款金额 < 买家实际支付金额, refunded when 退款金额 ≥
买家实际支付金额 (售后 refunds keep the trade 交易成功); 交易关闭 → refunded when the order was paid and
退款金额 ≥ 买家实际支付金额 (a refund closes the trade), partially_refunded when paid
and 0 < 退款金额 < 买家实际支付金额, else cancelled (closed before payment). Other
statuses are quarantined.

宝贝报表 → ``order_items``: ``line_no`` = position of the row among its order's rows,
``sku`` = 商家编码 (else 外部系统编号, else 标题), ``quantity`` = 购买数量,
``unit_price`` = 价格. Lines of an order that is neither in the dataset nor in the
订单报表 of the same import (or whose order row is quarantined) are quarantined: import
the 宝贝报表 together with its 订单报表.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.importers import taobao_extra
from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    cells,
    count_column,
    ids,
    time_column,
)
from ecanalysis.importers._platform import (
    Context,
    Layout,
    Mapped,
    Platform,
    quarantine_frame,
    spread_to_orders,
)
from ecanalysis.importers._read import Export

_ORDERS_REQUIRED = (
    "订单编号",
    "买家会员名",
    "买家应付货款",
    "买家实际支付金额",
    "订单状态",
    "订单创建时间",
)
_ORDERS_OPTIONAL = (
    "买家应付邮费",
    "总金额",
    "订单付款时间",
    "宝贝总数量",
    "退款金额",
    "是否手机订单",
    "店铺名称",
)
_ITEMS_REQUIRED = ("订单编号", "标题", "价格", "购买数量")
_ITEMS_OPTIONAL = ("商家编码", "外部系统编号")

#: 订单状态 prefix → canonical status (交易关闭 is decided by payment and refund).
ORDER_STATUS = (
    ("等待买家付款", "placed"),
    ("买家已付款", "paid"),
    ("等待卖家发货", "paid"),
    ("卖家部分发货", "shipped"),
    ("卖家已发货", "shipped"),
    ("交易成功", "completed"),
    ("交易关闭", "closed"),
)


def map_export(export: Export, ctx: Context) -> Mapped:
    """Map a 订单报表 to ``orders``, a 宝贝报表 to ``order_items``, and the files of
    :mod:`~ecanalysis.importers.taobao_extra` to ``products``, ``reviews``, ``refunds``."""
    mappers = {
        "items": _map_items,
        "products": taobao_extra.map_products,
        "reviews": taobao_extra.map_reviews,
        "refunds": taobao_extra.map_refunds,
    }
    return mappers.get(export.kind, _map_orders)(export, ctx)


def _map_orders(export: Export, ctx: Context) -> Mapped:
    raw = export.frame
    problems = RowProblems(len(raw))
    number = ids(cells(raw, "订单编号"))
    problems.add(number.isna(), "订单编号: empty (it identifies the order)")
    buyer = ids(cells(raw, "买家会员名"))
    problems.add(buyer.isna(), "买家会员名: empty (it identifies the buyer)")
    paid_at = time_column(raw, "订单付款时间", ctx.timezone, problems)
    paid = amount_column(raw, "买家实际支付金额", problems, required=True)
    refund = amount_column(raw, "退款金额", problems).fillna(0.0)
    goods = amount_column(raw, "买家应付货款", problems, required=True)
    shipping = amount_column(raw, "买家应付邮费", problems)
    total = amount_column(raw, "总金额", problems).fillna(goods + shipping.fillna(0.0))
    mobile = cells(raw, "是否手机订单").str.contains("手机")
    orders = pd.DataFrame(
        {
            "order_id": ctx.order_id(number.fillna("")),
            "store_id": ctx.store_id,
            "customer_id": buyer,
            "ordered_at": time_column(raw, "订单创建时间", ctx.timezone, problems, required=True),
            "paid_at": paid_at,
            "status": _status(raw, paid_at, paid, refund, problems),
            # the report names no channel: empty, so per-channel views group these
            # orders under "(none)" next to the 直通车/万相台 spend
            "channel": pd.Series(pd.NA, index=raw.index, dtype="str"),
            "device": pd.Series("mobile", index=raw.index, dtype="str").where(mobile),
            "item_count": count_column(raw, "宝贝总数量", problems),
            "gross_amount": goods,
            "discount_amount": (total - paid).clip(lower=0.0).where(paid_at.notna()),
            "shipping_amount": shipping,
            "paid_amount": paid,
            "refund_amount": refund,
            "currency": ctx.currency,
        }
    )
    mask = problems.mask
    names = ids(cells(raw, "店铺名称")).dropna()
    return Mapped(
        tables={"orders": orders[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
        store_name=names.iloc[-1] if len(names) else None,
    )


def _status(
    raw: pd.DataFrame,
    paid_at: pd.Series,
    paid: pd.Series,
    refund: pd.Series,
    problems: RowProblems,
) -> pd.Series:
    text = cells(raw, "订单状态").str.replace(r"\s", "", regex=True).str.replace("，", ",")
    status = pd.Series(pd.NA, index=raw.index, dtype="str")
    for prefix, value in reversed(ORDER_STATUS):
        status = status.mask(text.str.startswith(prefix), value)
    problems.add_cells(status.isna() & (text != ""), "订单状态", "unknown status", text)
    problems.add(text == "", "订单状态: empty")
    was_paid = paid_at.notna()
    refunded = refund > 0
    closed = status == "closed"
    status = status.mask(closed, "cancelled")
    status = status.mask(closed & was_paid & refunded & (refund < paid), "partially_refunded")
    status = status.mask(closed & was_paid & refunded & (refund >= paid), "refunded")
    status = status.mask((status == "completed") & refunded & (refund < paid), "partially_refunded")
    status = status.mask((status == "completed") & refunded & (refund >= paid), "refunded")
    return status.astype("str")


def _map_items(export: Export, ctx: Context) -> Mapped:
    raw = export.frame
    rows = RowProblems(len(raw))
    number = ids(cells(raw, "订单编号")).fillna("")
    rows.add(number == "", "订单编号: empty (it identifies the order)")
    sku = ids(cells(raw, "商家编码")).fillna(ids(cells(raw, "外部系统编号")))
    sku = sku.fillna(ids(cells(raw, "标题")))
    rows.add(sku.isna(), "商家编码, 外部系统编号 and 标题: all empty")
    items = pd.DataFrame(
        {
            "order_id": ctx.order_id(number),
            "line_no": (number.groupby(number.to_numpy()).cumcount() + 1).astype("int64"),
            "sku": sku,
            "quantity": count_column(raw, "购买数量", rows, required=True),
            "unit_price": amount_column(raw, "价格", rows, required=True),
        }
    )
    no_order_problems = pd.Series("", index=pd.Index(number.unique()), dtype="str")
    mask, reasons = spread_to_orders(number, rows, no_order_problems)
    return Mapped(
        tables={"order_items": items[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, reasons),
        sources={"order_items": np.flatnonzero(~mask)},
    )


PLATFORM = Platform(
    name="taobao",
    title=(
        "淘宝/天猫 订单报表 and 宝贝报表 (千牛 › 已卖出的宝贝 › 批量导出), 宝贝 list, 评价 "
        "export and 退款报表; CSV in GBK or UTF-8, or .xlsx"
    ),
    layouts=(
        Layout("orders", "订单报表 → orders", _ORDERS_REQUIRED, _ORDERS_OPTIONAL),
        Layout("items", "宝贝报表 → order_items", _ITEMS_REQUIRED, _ITEMS_OPTIONAL),
        taobao_extra.PRODUCTS,
        taobao_extra.REVIEWS,
        taobao_extra.REFUNDS,
    ),
    mapper=map_export,
    default_currency="CNY",
    notes="times are China time, taken as local: use --timezone Asia/Shanghai (else a warning)",
    time_columns=("订单创建时间", "订单付款时间"),
    export_zone="Asia/Shanghai",
    summary=taobao_extra.summary_notes,
)
