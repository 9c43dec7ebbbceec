"""Order exports of 京东 (JD), 拼多多 and 抖店 (Douyin shop) → ``orders`` + ``order_items``.

All three come from the merchant back office as CSV (GBK as a rule, or UTF-8) or .xlsx,
with China times without a zone (``--timezone Asia/Shanghai``). Ids are kept as text
(Excel guards ``="…"`` and ``'…`` are removed). The currency is CNY.

===============  ==================  ======================  ========================
canonical        jd (订单导出)        pinduoduo (订单查询导出) douyin (抖店 订单导出)
===============  ==================  ======================  ========================
rows             one per SKU line    one per order           one per 子订单 (line)
order_id         订单号               订单号                   主订单编号
customer_id      下单帐号, else       ``guest:<order_id>``     ``guest:<order_id>``
                 ``guest:…``          (no buyer id exported)   (no buyer id exported)
ordered_at       下单时间             订单成交时间             订单提交时间
paid_at          付款时间 (or 付款     支付时间, else 订单成交   支付完成时间
                 确认时间)            时间 (orders are made
                                      when paid)
gross_amount     Σ 京东价 × 订购数量    商品总价(元)             Σ 商品单价 × 商品数量
shipping_amount  运费金额              邮费(元)                 运费
paid_amount      应付金额 (first row)  用户实付金额(元)         Σ 订单应付金额 of the lines
discount_amount  gross + shipping − paid, never below 0 (the export's own discount
                 columns split it by who paid for it)
refund_amount    0                   用户实付金额 when 售后状态  Σ 订单应付金额 of lines
                                     is 退款成功               whose 售后状态 is 退款成功
channel          订单类型             empty (none exported)    流量来源
order_items      sku = 商家SKU编码     sku = 商家编码-SKU维度    sku = 商家编码, else
                 (else 商品ID), 订购   (else 商品ID), 商品数量   商品ID; 商品数量, 商品单价
                 数量, 京东价          (件), 商品总价 / 数量
===============  ==================  ======================  ========================

Statuses (prefix of the cell): JD 等待付款 → placed, 等待出库 → paid, 等待确认收货 →
shipped, 完成 → completed, 已取消/取消 → cancelled; 拼多多 待支付 → placed, 待发货 →
paid, 已发货 → shipped, 已签收/已收货 → completed, 已取消 → cancelled; 抖店 待支付 →
placed, 待发货/备货中 → paid, 已发货 → shipped, 已完成 → completed, 已关闭 →
cancelled. A refunded order (售后状态 退款成功) is ``refunded`` when the whole paid amount
went back, else ``partially_refunded``. Other statuses are quarantined with their order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    cells,
    count_column,
    first_column,
    first_values,
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


@dataclass(frozen=True)
class Columns:
    """Where one platform's export keeps what an order needs."""

    number: str
    ordered: str
    paid: tuple[str, ...]
    status: str
    statuses: tuple[tuple[str, str], ...]
    quantity: str
    sku: tuple[str, ...]
    price: str | None  # unit price of a line; None: the line's total / quantity
    line_total: str | None
    paid_amount: str
    paid_per_line: bool
    shipping: str | None
    gross: str | None = None  # an order-level goods total (拼多多)
    customer: str | None = None
    channel: str | None = None
    after_sale: str | None = None


JD = Columns(
    number="订单号",
    ordered="下单时间",
    paid=("付款时间", "付款确认时间"),
    status="订单状态",
    statuses=(
        ("等待付款", "placed"),
        ("等待出库", "paid"),
        ("等待确认收货", "shipped"),
        ("完成", "completed"),
        ("已取消", "cancelled"),
        ("取消", "cancelled"),
    ),
    quantity="订购数量",
    sku=("商家SKU编码", "商品ID"),
    price="京东价",
    line_total=None,
    paid_amount="应付金额",
    paid_per_line=False,
    shipping="运费金额",
    customer="下单帐号",
    channel="订单类型",
)
PINDUODUO = Columns(
    number="订单号",
    ordered="订单成交时间",
    paid=("支付时间", "订单成交时间"),
    status="订单状态",
    statuses=(
        ("待支付", "placed"),
        ("待发货", "paid"),
        ("已发货", "shipped"),
        ("已签收", "completed"),
        ("已收货", "completed"),
        ("已取消", "cancelled"),
    ),
    quantity="商品数量(件)",
    sku=("商家编码-SKU维度", "商家编码-商品维度", "商品id"),
    price=None,
    line_total="商品总价(元)",
    paid_amount="用户实付金额(元)",
    paid_per_line=False,
    shipping="邮费(元)",
    gross="商品总价(元)",
    after_sale="售后状态",
)
DOUYIN = Columns(
    number="主订单编号",
    ordered="订单提交时间",
    paid=("支付完成时间",),
    status="订单状态",
    statuses=(
        ("待支付", "placed"),
        ("待发货", "paid"),
        ("备货中", "paid"),
        ("已发货", "shipped"),
        ("已完成", "completed"),
        ("已关闭", "cancelled"),
    ),
    quantity="商品数量",
    sku=("商家编码", "商品ID"),
    price="商品单价",
    line_total=None,
    paid_amount="订单应付金额",
    paid_per_line=True,
    shipping="运费",
    channel="流量来源",
    after_sale="售后状态",
)
REFUNDED = "退款成功"


def _mapper(spec: Columns):
    """The mapper of one platform's export."""

    def map_export(export: Export, ctx: Context) -> Mapped:
        return map_orders(export, ctx, spec)

    return map_export


def map_orders(export: Export, ctx: Context, spec: Columns) -> Mapped:
    """``orders`` and ``order_items`` of one export; bad orders quarantined whole."""
    raw = export.frame
    rows = RowProblems(len(raw))
    number = ids(cells(raw, spec.number)).fillna("")
    rows.add(number == "", f"{spec.number}: empty (it identifies the order)")
    lines = _lines(raw, spec, rows)
    order_fields = [
        c
        for c in (spec.ordered, *spec.paid, spec.status, spec.customer, spec.channel)
        if c and c in raw.columns
    ]
    order_fields += [c for c in (spec.paid_amount, spec.shipping, spec.gross) if c]
    order_fields = [c for c in dict.fromkeys(order_fields) if c in raw.columns]
    head = first_values(raw, number, order_fields)
    head = head[head.index != ""]
    orders, problems = _orders(raw, head, lines, number, spec, ctx)
    mask, reasons = spread_to_orders(number, rows, problems)
    keep = ~mask
    orders = orders[~orders.index.isin(set(number[mask]))]
    items = lines[keep].assign(order_id=ctx.order_id(number[keep]))
    items["line_no"] = (items.groupby("order_id", sort=False).cumcount() + 1).astype("int64")
    columns = ["order_id", "line_no", "sku", "quantity", "unit_price"]
    return Mapped(
        tables={
            "orders": orders.reset_index(drop=True),
            "order_items": items[columns].reset_index(drop=True),
        },
        quarantine=quarantine_frame(export, mask, reasons),
    )


def _lines(raw: pd.DataFrame, spec: Columns, rows: RowProblems) -> pd.DataFrame:
    """Per row: sku, quantity, unit_price, the amount charged (per-line exports) and
    whether the line was refunded (售后状态 退款成功)."""
    sku = pd.Series(pd.NA, index=raw.index, dtype="str")
    for column in spec.sku:
        sku = sku.fillna(ids(cells(raw, column)))
    rows.add(sku.isna(), f"{' and '.join(spec.sku)}: all empty")
    quantity = count_column(raw, spec.quantity, rows, required=True)
    if spec.price is not None:
        price = amount_column(raw, spec.price, rows, required=True)
    else:
        total = amount_column(raw, spec.line_total, rows, required=True)
        price = (total / quantity).where(quantity > 0)
    charged = (
        amount_column(raw, spec.paid_amount, rows, required=True)
        if spec.paid_per_line
        else pd.Series(np.nan, index=raw.index)
    )
    refunded = cells(raw, spec.after_sale).str.contains(REFUNDED) if spec.after_sale else None
    return pd.DataFrame(
        {
            "sku": sku,
            "quantity": quantity,
            "unit_price": price,
            "charged": charged,
            "refunded": False if refunded is None else refunded,
        }
    )


def _orders(
    raw: pd.DataFrame,
    head: pd.DataFrame,
    lines: pd.DataFrame,
    number: pd.Series,
    spec: Columns,
    ctx: Context,
) -> tuple[pd.DataFrame, pd.Series]:
    """One canonical row per order (index: the platform's order number) and its problems."""
    problems = RowProblems(len(head))
    key = number.to_numpy()
    goods = (lines["unit_price"] * lines["quantity"]).groupby(key).sum().reindex(head.index)
    if spec.gross:
        goods = amount_column(head, spec.gross, problems, required=True)
    units = lines["quantity"].groupby(key).sum().reindex(head.index)
    if spec.paid_per_line:
        paid = lines["charged"].groupby(key).sum().reindex(head.index)
        refund = (lines["charged"].where(lines["refunded"], 0.0)).groupby(key).sum()
        refund = refund.reindex(head.index)
    else:
        paid = amount_column(head, spec.paid_amount, problems, required=True)
        whole = lines["refunded"].groupby(key).any().reindex(head.index).fillna(False)
        refund = paid.where(whole, 0.0)
    shipping = (
        amount_column(head, spec.shipping, problems)
        if spec.shipping and spec.shipping in head.columns
        else pd.Series(np.nan, index=head.index)
    )
    paid_column = first_column(head, spec.paid)
    paid_at = (
        time_column(head, paid_column, ctx.timezone, problems)
        if paid_column
        else pd.Series(pd.NaT, index=head.index, dtype="datetime64[us]")
    )
    status = _status(head, spec, problems)
    status = status.mask((refund > 0) & (refund >= paid), "refunded")
    status = status.mask((refund > 0) & (refund < paid), "partially_refunded")
    order_id = ctx.order_id(pd.Series(head.index, index=head.index, dtype="str"))
    customer = ids(cells(head, spec.customer)) if spec.customer else None
    guest = "guest:" + order_id
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "store_id": ctx.store_id,
            "customer_id": guest if customer is None else customer.fillna(guest),
            "ordered_at": time_column(head, spec.ordered, ctx.timezone, problems, required=True),
            "paid_at": paid_at,
            "status": status,
            "channel": (
                ids(cells(head, spec.channel))
                if spec.channel
                else pd.Series(pd.NA, index=head.index, dtype="str")
            ),
            "item_count": units,
            "gross_amount": goods,
            "discount_amount": (goods + shipping.fillna(0.0) - paid).clip(lower=0.0),
            "shipping_amount": shipping,
            "paid_amount": paid,
            "refund_amount": refund.fillna(0.0),
            "currency": ctx.currency,
        },
        index=head.index,
    )
    return orders, pd.Series(problems.reasons(), index=head.index, dtype="str")


def _status(head: pd.DataFrame, spec: Columns, problems: RowProblems) -> pd.Series:
    """Canonical status from the status cell's prefix; unknown and empty ones recorded."""
    text = cells(head, spec.status).str.replace(r"\s", "", regex=True)
    status = pd.Series(pd.NA, index=head.index, dtype="str")
    for prefix, value in reversed(spec.statuses):
        status = status.mask(text.str.startswith(prefix), value)
    problems.add_cells(status.isna() & (text != ""), spec.status, "unknown status", text)
    problems.add(text == "", f"{spec.status}: empty")
    return status.astype("str")


def _platform(name: str, title: str, spec: Columns, required, optional) -> Platform:
    """One platform of this module: one orders layout, China time, CNY."""
    return Platform(
        name=name,
        title=title,
        layouts=(Layout("orders", "orders and order_items", required, optional),),
        mapper=_mapper(spec),
        default_currency="CNY",
        notes="times are China time, taken as local: use --timezone Asia/Shanghai",
        time_columns=(spec.ordered, *spec.paid),
        export_zone="Asia/Shanghai",
    )


PLATFORMS = {
    "jd": _platform(
        "jd",
        "京东 商家后台 订单导出 (one row per SKU line), GBK or UTF-8, or .xlsx",
        JD,
        ("订单号", "下单时间", "订单金额", "应付金额", "订单状态", "订购数量", "京东价"),
        ("付款时间", "付款确认时间", "商品ID", "商家SKU编码", "商品名称", "下单帐号", "运费金额"),
    ),
    "pinduoduo": _platform(
        "pinduoduo",
        "拼多多 商家后台 订单查询 › 导出 (one row per order), GBK or UTF-8, or .xlsx",
        PINDUODUO,
        ("订单号", "订单成交时间", "商品总价(元)", "用户实付金额(元)", "订单状态", "商品数量(件)"),
        ("支付时间", "邮费(元)", "商家编码-SKU维度", "商家编码-商品维度", "商品id", "售后状态"),
    ),
    "douyin": _platform(
        "douyin",
        "抖店 订单管理 › 导出 (one row per 子订单), GBK or UTF-8, or .xlsx",
        DOUYIN,
        (
            "主订单编号",
            "子订单编号",
            "订单提交时间",
            "订单应付金额",
            "订单状态",
            "商品数量",
            "商品单价",
        ),
        ("支付完成时间", "商家编码", "商品ID", "运费", "流量来源", "售后状态"),
    ),
}
