"""WooCommerce: orders exported with the "Advanced Order Export For WooCommerce" plugin.

The layout read is the plugin's default CSV with products (and coupons) as rows: one row
per line item, order fields on the first row of each order (or on every row when
"Populate other columns if products exported as rows" is on; both are read). The
plugin's default columns suffice; ``Paid Date``, ``Currency`` and ``Customer User ID``
are read when added. ``Order Date`` and ``Paid Date`` are the site's local time (naive;
taken as the store's local time, so ``--timezone`` must be the site's zone). When the
plugin's date format adds a UTC offset (``c``, ISO 8601), the times are converted and the
offsets checked against ``--timezone`` (:mod:`~ecanalysis.importers._zones`).

Mapping to DESIGN §2:

=================  ================================================================
canonical          WooCommerce column
=================  ================================================================
order_id           ``<store_id>:`` + ``Order Number``
customer_id        ``Email (Billing)`` in lower case, else ``user:`` + ``Customer User
                   ID`` (when not 0), else ``guest:<order_id>``
ordered_at         ``Order Date``
paid_at            ``Paid Date``; when the export lacks that column, ``Order Date`` for
                   orders whose status says they were paid
status             ``Order Status`` (below)
item_count         sum of ``Quantity`` (or ``Quantity (- Refund)``)
gross_amount       ``Order Subtotal Amount`` (line subtotals before coupons), else sum
                   of ``Item Cost`` × quantity
discount_amount    ``Cart Discount Amount``
shipping_amount    ``Order Shipping Amount``
paid_amount        ``Order Total Amount``
refund_amount      ``Order Refund Amount`` (0 when empty); no refund time in the export
currency           ``Currency``
order_items        rows with a ``SKU`` or ``Item Name``: ``line_no`` = ``Item #`` (file
                   order when absent), ``sku`` = ``SKU`` (``Item Name`` when empty),
                   ``quantity``, ``unit_price`` = ``Item Cost``
=================  ================================================================

Status (the slug, with or without ``wc-``, or its label such as ``On hold``):
``pending``/``pending-payment``/``on-hold``/``checkout-draft`` → placed; ``processing`` →
paid; ``completed`` → completed; ``cancelled``/``failed`` → cancelled; ``refunded`` →
refunded; a processing or completed order with 0 < refund < total → partially_refunded.
Other statuses (custom ones) are quarantined.
"""

from __future__ import annotations

import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    blank,
    cells,
    count_column,
    first_values,
    ids,
    time_column,
)
from ecanalysis.importers._platform import (
    Context,
    Layout,
    Mapped,
    Platform,
    order_joiner,
    quarantine_frame,
    spread_to_orders,
)
from ecanalysis.importers._read import Export

_REQUIRED = ("Order Number", "Order Status", "Order Date", "Order Total Amount")
_ORDER_FIELDS = (
    "Order Status",
    "Order Date",
    "Paid Date",
    "Currency",
    "Email (Billing)",
    "Customer User ID",
    "Order Subtotal Amount",
    "Cart Discount Amount",
    "Order Shipping Amount",
    "Order Refund Amount",
    "Order Total Amount",
)
_LINE_FIELDS = ("Item #", "SKU", "Item Name", "Quantity", "Quantity (- Refund)", "Item Cost")

#: WooCommerce status slug → canonical status (before partial refunds).
ORDER_STATUS = {
    "pending": "placed",
    "pending-payment": "placed",
    "on-hold": "placed",
    "checkout-draft": "placed",
    "processing": "paid",
    "completed": "completed",
    "cancelled": "cancelled",
    "failed": "cancelled",
    "refunded": "refunded",
}
_PAID_STATUSES = ("paid", "completed", "refunded", "partially_refunded")


def map_export(export: Export, ctx: Context) -> Mapped:
    """Map one WooCommerce order export to ``orders`` and ``order_items``."""
    raw = export.frame
    rows = RowProblems(len(raw))
    number = ids(cells(raw, "Order Number")).fillna("")
    rows.add(number == "", "Order Number: empty (it identifies the order)")
    is_item = ~blank(cells(raw, "SKU")) | ~blank(cells(raw, "Item Name"))
    lines = _lines(raw, is_item, number, rows)
    head = first_values(raw, number, [c for c in _ORDER_FIELDS if c in raw.columns])
    head = head[head.index != ""]
    orders, order_problems = _orders(head, lines[is_item], number[is_item], ctx)
    mask, reasons = spread_to_orders(number, rows, order_problems)
    orders = orders[~orders.index.isin(set(number[mask]))]
    items = lines[is_item & ~mask].assign(order_id=ctx.order_id(number[is_item & ~mask]))
    columns = ["order_id", "line_no", "sku", "quantity", "unit_price"]
    return Mapped(
        tables={
            "orders": orders.reset_index(drop=True),
            "order_items": items[columns].reset_index(drop=True),
        },
        quarantine=quarantine_frame(export, mask, reasons),
    )


def _lines(
    raw: pd.DataFrame, is_item: pd.Series, number: pd.Series, rows: RowProblems
) -> pd.DataFrame:
    quantity_column = "Quantity" if "Quantity" in raw.columns else "Quantity (- Refund)"
    line_rows = RowProblems(len(raw))
    quantity = count_column(raw, quantity_column, line_rows, required=True)
    unit_price = amount_column(raw, "Item Cost", line_rows, required=True)
    item_no = count_column(raw, "Item #", line_rows)
    rows.extend(line_rows, where=is_item)
    fallback = is_item.groupby(number.to_numpy()).cumsum()
    return pd.DataFrame(
        {
            "line_no": item_no.fillna(fallback.astype("float64")),
            "sku": ids(cells(raw, "SKU")).fillna(ids(cells(raw, "Item Name"))),
            "quantity": quantity,
            "unit_price": unit_price,
        }
    )


def _orders(
    head: pd.DataFrame, lines: pd.DataFrame, number: pd.Series, ctx: Context
) -> tuple[pd.DataFrame, pd.Series]:
    problems = RowProblems(len(head))
    total = amount_column(head, "Order Total Amount", problems, required=True)
    refund = amount_column(head, "Order Refund Amount", problems).fillna(0.0)
    status = _status(head, total, refund, problems)
    currency = cells(head, "Currency").str.strip().str.upper()
    problems.add(
        (currency != "") & (currency != ctx.currency),
        f"Currency: not the store's currency {ctx.currency}",
    )
    ordered_at = time_column(head, "Order Date", ctx.timezone, problems, required=True)
    if "Paid Date" in head.columns:
        paid_at = time_column(head, "Paid Date", ctx.timezone, problems)
    else:
        paid_at = ordered_at.where(status.isin(_PAID_STATUSES))
    goods = (lines["unit_price"] * lines["quantity"]).groupby(number.to_numpy()).sum()
    subtotal = amount_column(head, "Order Subtotal Amount", problems)
    order_id = ctx.order_id(pd.Series(head.index, index=head.index, dtype="str"))
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "store_id": ctx.store_id,
            "customer_id": _customers(head, order_id),
            "ordered_at": ordered_at,
            "paid_at": paid_at,
            "status": status,
            "item_count": lines["quantity"].groupby(number.to_numpy()).sum().reindex(head.index),
            "gross_amount": subtotal.fillna(goods.reindex(head.index)),
            "discount_amount": amount_column(head, "Cart Discount Amount", problems),
            "shipping_amount": amount_column(head, "Order Shipping Amount", problems),
            "paid_amount": total,
            "refund_amount": refund,
            "currency": currency.where(currency != "", ctx.currency),
        },
        index=head.index,
    )
    return orders, pd.Series(problems.reasons(), index=head.index, dtype="str")


def _status(
    head: pd.DataFrame, total: pd.Series, refund: pd.Series, problems: RowProblems
) -> pd.Series:
    raw = cells(head, "Order Status")
    slug = raw.str.strip().str.lower().str.removeprefix("wc-").str.replace(" ", "-")
    status = slug.map(ORDER_STATUS)
    problems.add_cells(status.isna() & ~blank(raw), "Order Status", "unknown status", raw)
    problems.add(blank(raw), "Order Status: empty")
    partial = status.isin(["paid", "completed"]) & (refund > 0) & (refund < total)
    return status.mask(partial, "partially_refunded").astype("str")


def _customers(head: pd.DataFrame, order_id: pd.Series) -> pd.Series:
    email = ids(cells(head, "Email (Billing)").str.lower())
    user = ids(cells(head, "Customer User ID"))
    user = ("user:" + user).where(user.notna() & (user != "0"))
    return email.fillna(user).fillna("guest:" + order_id).astype("str")


PLATFORM = Platform(
    name="woocommerce",
    title=(
        'WooCommerce orders exported as CSV by the "Advanced Order Export For WooCommerce" '
        "plugin (default fields, products as rows)"
    ),
    layouts=(
        Layout(
            "orders",
            "orders and order_items",
            required=_REQUIRED,
            optional=tuple(c for c in (*_ORDER_FIELDS, *_LINE_FIELDS) if c not in _REQUIRED),
        ),
    ),
    mapper=map_export,
    currency_column="Currency",
    notes=(
        "Order Date is the site's local time: --timezone must be the site's zone "
        "(checked when the date format adds a UTC offset)"
    ),
    time_columns=("Order Date", "Paid Date"),
    join_files=order_joiner("Order Number", ("Order Status", "Order Date", "Order Total Amount")),
)
