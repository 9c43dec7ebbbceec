"""Shopify: the order export CSV (Admin › Orders › Export, "Plain CSV file").

The file has one row per line item. Order-level fields (``Email``, ``Financial Status``,
``Total`` …) are on the first row of each order and empty on the others; ``Name`` (the
order number, ``#1001``) is on every row and keys the order. Times carry a UTC offset
(``2025-11-02 01:30:00 -0400``) and are converted to the store's time zone; when most
offsets are ones that ``--timezone`` does not have at those instants, the import is refused
(:mod:`~ecanalysis.importers._zones`).

Mapping to DESIGN §2:

=================  ================================================================
canonical          Shopify column
=================  ================================================================
order_id           ``<store_id>:`` + ``Name`` without its leading ``#``
customer_id        ``Email`` in lower case; without one, ``guest:<order_id>``
ordered_at         ``Created at``
paid_at            ``Paid at``
status             ``Financial Status``, ``Fulfillment Status``, ``Cancelled at`` (below)
channel            ``Source`` (``web``, ``pos``, ``shopify_draft_order`` …)
item_count         sum of ``Lineitem quantity``
gross_amount       sum of ``Lineitem price`` × ``Lineitem quantity`` (list value of the
                   goods before discounts)
discount_amount    ``Discount Amount``
shipping_amount    ``Shipping``
paid_amount        ``Total`` (after discounts, with shipping and taxes)
refund_amount      ``Refunded Amount`` (0 when empty); the export has no refund time,
                   so ``refunded_at`` is empty and refunds are dated by ``paid_at``
currency           ``Currency``
order_items        one row per line: ``line_no`` in file order, ``sku`` = ``Lineitem
                   sku`` (``Lineitem name`` when empty), ``quantity``, ``unit_price`` =
                   ``Lineitem price``, ``discount_amount`` = ``Lineitem discount``
=================  ================================================================

Status: ``refunded`` → refunded; ``partially_refunded`` → partially_refunded; otherwise
an order with ``Cancelled at``, or ``voided`` or ``expired``, → cancelled; ``pending`` or
``authorized`` → placed; ``paid`` or ``partially_paid`` → shipped when ``Fulfillment
Status`` is ``fulfilled``, else paid. Shopify's export does not say when goods arrived,
so no Shopify order is ``completed``. Any other financial status is quarantined.
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

_ORDER_FIELDS = (
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Amount",
    "Created at",
    "Cancelled at",
    "Refunded Amount",
    "Source",
)
_REQUIRED = (
    "Name",
    "Financial Status",
    "Created at",
    "Total",
    "Lineitem quantity",
    "Lineitem price",
)
_OPTIONAL = (
    *(c for c in _ORDER_FIELDS if c not in _REQUIRED),
    "Lineitem name",
    "Lineitem sku",
    "Lineitem discount",
)

#: Shopify financial status → canonical status (before cancellation and fulfilment).
FINANCIAL_STATUS = {
    "pending": "placed",
    "authorized": "placed",
    "paid": "paid",
    "partially_paid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "cancelled",
    "expired": "cancelled",
}


def map_export(export: Export, ctx: Context) -> Mapped:
    """Map one Shopify order export to ``orders`` and ``order_items``."""
    raw = export.frame
    rows = RowProblems(len(raw))
    number = cells(raw, "Name").str.strip().str.lstrip("#").str.strip()
    rows.add(number == "", "Name: empty (the order number identifies the order)")
    lines = _lines(raw, rows)
    head = first_values(raw, number, [c for c in _ORDER_FIELDS if c in raw.columns])
    head = head[head.index != ""]
    orders, order_problems = _orders(head, lines, number, ctx)
    mask, reasons = spread_to_orders(number, rows, order_problems)
    keep = ~mask
    bad_orders = set(number[mask])
    orders = orders[~orders.index.isin(bad_orders)]
    items = lines[keep].assign(order_id=ctx.order_id(number[keep]))
    return Mapped(
        tables={
            "orders": orders.reset_index(drop=True),
            "order_items": _items(items),
        },
        quarantine=quarantine_frame(export, mask, reasons),
    )


def _lines(raw: pd.DataFrame, rows: RowProblems) -> pd.DataFrame:
    """Line-item cells of every row, parsed."""
    sku = ids(cells(raw, "Lineitem sku")).fillna(ids(cells(raw, "Lineitem name")))
    lines = pd.DataFrame(
        {
            "sku": sku,
            "quantity": count_column(raw, "Lineitem quantity", rows, required=True),
            "unit_price": amount_column(raw, "Lineitem price", rows, required=True),
            "discount_amount": amount_column(raw, "Lineitem discount", rows),
        }
    )
    rows.add(sku.isna(), "Lineitem sku and Lineitem name: both empty")
    return lines


def _orders(
    head: pd.DataFrame, lines: pd.DataFrame, number: pd.Series, ctx: Context
) -> tuple[pd.DataFrame, pd.Series]:
    """One canonical row per order (index: Shopify order number) and each order's problems."""
    problems = RowProblems(len(head))
    status = _status(head, problems)
    currency = cells(head, "Currency").str.upper()
    problems.add(
        (currency != "") & (currency != ctx.currency),
        f"Currency: not the store's currency {ctx.currency}",
    )
    refund = amount_column(head, "Refunded Amount", problems)
    goods = (lines["unit_price"] * lines["quantity"]).groupby(number.to_numpy()).sum()
    units = lines["quantity"].groupby(number.to_numpy()).sum()
    order_id = ctx.order_id(pd.Series(head.index, index=head.index, dtype="str"))
    email = ids(cells(head, "Email").str.lower())
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "store_id": ctx.store_id,
            "customer_id": email.fillna("guest:" + order_id),
            "ordered_at": time_column(head, "Created at", ctx.timezone, problems, required=True),
            "paid_at": time_column(head, "Paid at", ctx.timezone, problems),
            "status": status,
            "channel": ids(cells(head, "Source")),
            "item_count": units.reindex(head.index),
            "gross_amount": goods.reindex(head.index),
            "discount_amount": amount_column(head, "Discount Amount", problems),
            "shipping_amount": amount_column(head, "Shipping", problems),
            "paid_amount": amount_column(head, "Total", problems, required=True),
            "refund_amount": refund.fillna(0.0),
            "currency": currency.where(currency != "", ctx.currency),
        },
        index=head.index,
    )
    return orders, pd.Series(problems.reasons(), index=head.index, dtype="str")


def _status(head: pd.DataFrame, problems: RowProblems) -> pd.Series:
    """Canonical status from the financial status, cancellation and fulfilment."""
    raw = cells(head, "Financial Status")
    financial = raw.str.strip().str.lower().str.replace(" ", "_")
    status = financial.map(FINANCIAL_STATUS)
    problems.add_cells(status.isna() & ~blank(raw), "Financial Status", "unknown status", raw)
    problems.add(blank(raw), "Financial Status: empty")
    refunded = status.isin(["refunded", "partially_refunded"])
    cancelled = ~blank(cells(head, "Cancelled at")) & ~refunded
    fulfilled = cells(head, "Fulfillment Status").str.strip().str.lower() == "fulfilled"
    status = status.mask(cancelled & status.notna(), "cancelled")
    status = status.mask((status == "paid") & fulfilled, "shipped")
    return status.astype("str")


def _items(items: pd.DataFrame) -> pd.DataFrame:
    line_no = items.groupby("order_id", sort=False).cumcount() + 1
    out = items.assign(line_no=line_no.astype("int64"))
    columns = ["order_id", "line_no", "sku", "quantity", "unit_price", "discount_amount"]
    return out[columns].reset_index(drop=True)


PLATFORM = Platform(
    name="shopify",
    title="Shopify order export CSV (Admin › Orders › Export), one row per line item",
    layouts=(
        Layout(
            "orders",
            "orders and order_items",
            required=_REQUIRED,
            optional=_OPTIONAL,
        ),
    ),
    mapper=map_export,
    currency_column="Currency",
    notes="times with UTC offsets are converted to --timezone (refused when most disagree)",
    time_columns=("Created at", "Paid at"),
    join_files=order_joiner("Name", ("Financial Status", "Created at", "Total")),
)
