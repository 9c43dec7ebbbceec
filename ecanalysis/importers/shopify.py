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
paid_at            ``Paid at``; for a paid financial status (``paid``, ``partially_paid``,
                   ``partially_refunded``, ``refunded``) with an empty ``Paid at``,
                   ``Created at`` (the summary counts these orders)
status             ``Financial Status``, ``Fulfillment Status``, ``Cancelled at`` (below)
channel            ``Source`` (``web``, ``pos``, ``shopify_draft_order`` …)
item_count         sum of ``Lineitem quantity``
gross_amount       sum of ``Lineitem price`` × ``Lineitem quantity`` (list value of the
                   goods before discounts)
discount_amount    ``Discount Amount``
shipping_amount    ``Shipping``
paid_amount        ``Total`` (after discounts, with shipping and taxes)
refund_amount      ``Refunded Amount`` (0 when empty)
refunded_at        ``Cancelled at`` of a refunded order (a cancelled and refunded order
                   gets its money back when it is cancelled); else empty: the export has
                   no other refund time
currency           ``Currency``
order_items        one row per line: ``line_no`` in file order, ``sku`` = ``Lineitem
                   sku`` (``Lineitem name`` when empty), ``quantity``, ``unit_price`` =
                   ``Lineitem price``, ``discount_amount`` = ``Lineitem discount``
=================  ================================================================

``refunds``: one row per order with a ``Refunded Amount`` above 0, ``refund_id`` =
``<order_id>:refund``, ``amount`` = ``Refunded Amount``, ``refunded_at`` = the best date
the export has: ``Cancelled at`` when the order was cancelled, else its ``paid_at`` (the
date reports use for an undated refund), else ``Created at``. ``kind``, ``reason``,
``sku`` are empty (the order export has none). The summary says which rule dated how many.

Orders of $0 (replacements, drafts discounted 100 %) are orders with a zero amount:
imported and counted like any other.

Status: ``refunded`` → refunded; ``partially_refunded`` → partially_refunded; otherwise
an order with ``Cancelled at``, or ``voided`` or ``expired``, → cancelled; ``pending`` or
``authorized`` → placed; ``paid`` or ``partially_paid`` → shipped when ``Fulfillment
Status`` is ``fulfilled``, else paid. Shopify's export does not say when goods arrived,
so no Shopify order is ``completed``. Any other financial status is quarantined.
"""

from __future__ import annotations

import pandas as pd

from ecanalysis.importers import shopify_catalog
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

#: Financial statuses that state the order was paid (dated by ``Created at`` without
#: ``Paid at``).
PAID_STATUSES = ("paid", "partially_paid", "partially_refunded", "refunded")
#: Which rule dated an order's payment and a refund (the import summary counts them).
PAID_AT = "Paid at"
CREATED_AT = "Created at (paid status, empty Paid at)"
REFUND_BY_CANCEL = "Cancelled at (cancelled and refunded)"
REFUND_BY_PAID = "paid_at (the export has no refund date)"
REFUND_BY_CREATED = "Created at (neither a refund nor a payment date)"


def map_export(export: Export, ctx: Context) -> Mapped:
    """Map one Shopify export: orders (→ ``orders``, ``order_items``, ``refunds``),
    products or inventory (:mod:`~ecanalysis.importers.shopify_catalog`)."""
    if export.kind == "products":
        return shopify_catalog.map_products(export, ctx)
    if export.kind == "inventory":
        return shopify_catalog.map_inventory(export, ctx)
    return _map_orders(export, ctx)


def _map_orders(export: Export, ctx: Context) -> Mapped:
    """Map one Shopify order export to ``orders``, ``order_items`` and ``refunds``."""
    raw = export.frame
    rows = RowProblems(len(raw))
    number = cells(raw, "Name").str.strip().str.lstrip("#").str.strip()
    rows.add(number == "", "Name: empty (the order number identifies the order)")
    lines = _lines(raw, rows)
    head = first_values(raw, number, [c for c in _ORDER_FIELDS if c in raw.columns])
    head = head[head.index != ""]
    orders, order_problems, dated_by = _orders(head, lines, number, ctx)
    mask, reasons = spread_to_orders(number, rows, order_problems)
    keep = ~mask
    good = ~orders.index.isin(set(number[mask]))
    orders, dated_by = orders[good], dated_by[good]
    items = lines[keep].assign(order_id=ctx.order_id(number[keep]))
    refunds, refund_rules = _refunds(orders, ctx)
    facts = {f"paid_at: {rule}": int((dated_by == rule).sum()) for rule in (CREATED_AT,)}
    facts |= {f"refunded_at: {rule}": int(n) for rule, n in refund_rules.value_counts().items()}
    return Mapped(
        tables={
            "orders": orders.reset_index(drop=True),
            "order_items": _items(items),
            **({"refunds": refunds} if len(refunds) else {}),
        },
        quarantine=quarantine_frame(export, mask, reasons),
        facts=facts,
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
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """One canonical row per order (index: Shopify order number), each order's problems,
    and which rule dated its payment (``CREATED_AT`` where ``Paid at`` was empty)."""
    problems = RowProblems(len(head))
    status = _status(head, problems)
    ordered_at = time_column(head, "Created at", ctx.timezone, problems, required=True)
    paid_at, dated_by = _paid_at(head, ordered_at, ctx, problems)
    currency = cells(head, "Currency").str.upper()
    problems.add(
        (currency != "") & (currency != ctx.currency),
        f"Currency: not the store's currency {ctx.currency}",
    )
    refund = amount_column(head, "Refunded Amount", problems)
    cancelled_at = time_column(head, "Cancelled at", ctx.timezone, problems)
    goods = (lines["unit_price"] * lines["quantity"]).groupby(number.to_numpy()).sum()
    units = lines["quantity"].groupby(number.to_numpy()).sum()
    order_id = ctx.order_id(pd.Series(head.index, index=head.index, dtype="str"))
    email = ids(cells(head, "Email").str.lower())
    orders = pd.DataFrame(
        {
            "order_id": order_id,
            "store_id": ctx.store_id,
            "customer_id": email.fillna("guest:" + order_id),
            "ordered_at": ordered_at,
            "paid_at": paid_at,
            "status": status,
            "channel": ids(cells(head, "Source")),
            "item_count": units.reindex(head.index),
            "gross_amount": goods.reindex(head.index),
            "discount_amount": amount_column(head, "Discount Amount", problems),
            "shipping_amount": amount_column(head, "Shipping", problems),
            "paid_amount": amount_column(head, "Total", problems, required=True),
            "refund_amount": refund.fillna(0.0),
            "refunded_at": cancelled_at.where(refund.fillna(0.0) > 0),
            "currency": currency.where(currency != "", ctx.currency),
        },
        index=head.index,
    )
    reasons = pd.Series(problems.reasons(), index=head.index, dtype="str")
    return orders, reasons, dated_by


def _financial(head: pd.DataFrame) -> pd.Series:
    """``Financial Status`` in lower case, blanks as ``_`` (``Partially refunded`` too)."""
    return cells(head, "Financial Status").str.strip().str.lower().str.replace(" ", "_")


def _paid_at(
    head: pd.DataFrame, ordered_at: pd.Series, ctx: Context, problems: RowProblems
) -> tuple[pd.Series, pd.Series]:
    """``Paid at``; ``Created at`` for an order whose financial status says it was paid
    but whose ``Paid at`` is empty (older exports, app, marketplace and draft orders).

    Returns the times and, per order, ``PAID_AT``, ``CREATED_AT`` or ``""`` (unpaid).
    """
    paid_at = time_column(head, "Paid at", ctx.timezone, problems)
    stated = _financial(head).isin(PAID_STATUSES)
    fallback = stated & blank(cells(head, "Paid at"))
    dated_by = pd.Series("", index=head.index, dtype="str")
    dated_by = dated_by.mask(paid_at.notna(), PAID_AT).mask(fallback, CREATED_AT)
    return paid_at.mask(fallback, ordered_at), dated_by


def _refunds(orders: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.Series]:
    """One ``refunds`` row per order with a refund, dated by the best date the export has.

    Returns the rows and, per row, the rule that dated it.
    """
    refunded = orders[orders["refund_amount"] > 0]
    by_cancel = refunded["refunded_at"].notna()
    by_payment = ~by_cancel & refunded["paid_at"].notna()
    rule = pd.Series(REFUND_BY_CREATED, index=refunded.index, dtype="str")
    rule = rule.mask(by_payment, REFUND_BY_PAID).mask(by_cancel, REFUND_BY_CANCEL)
    when = refunded["refunded_at"].fillna(refunded["paid_at"]).fillna(refunded["ordered_at"])
    rows = pd.DataFrame(
        {
            "refund_id": (refunded["order_id"] + ":refund").astype("str"),
            "store_id": ctx.store_id,
            "order_id": refunded["order_id"],
            "amount": refunded["refund_amount"],
            "refunded_at": when,
        }
    )
    return rows.reset_index(drop=True), rule.reset_index(drop=True)


def _status(head: pd.DataFrame, problems: RowProblems) -> pd.Series:
    """Canonical status from the financial status, cancellation and fulfilment."""
    raw = cells(head, "Financial Status")
    financial = _financial(head)
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


def summary_notes(facts: dict[str, int]) -> list[str]:
    """Notes of the import summary from the counts the mapper kept."""
    notes = []
    images = facts.get("image rows", 0)
    if images:
        notes.append(f"products: {images} row(s) with only an image (not a variant) skipped")
    fallback = facts.get(f"paid_at: {CREATED_AT}", 0)
    if fallback:
        notes.append(
            f"paid_at: {fallback} order(s) with a paid Financial Status (paid, "
            "partially_paid, partially_refunded, refunded) had an empty Paid at and were "
            "dated by Created at: Shopify leaves it empty on older, app, marketplace and "
            "draft orders"
        )
    order = (REFUND_BY_CANCEL, REFUND_BY_PAID, REFUND_BY_CREATED)
    rules = {rule: facts.get(f"refunded_at: {rule}", 0) for rule in order}
    if any(rules.values()):
        parts = ", ".join(f"{n} by {rule}" for rule, n in rules.items() if n)
        notes.append(f"refunds: {sum(rules.values())} refund(s) written, dated {parts}")
    return notes


PLATFORM = Platform(
    name="shopify",
    title=(
        "Shopify order export CSV (Admin › Orders › Export, one row per line item), "
        "products export and inventory export"
    ),
    layouts=(
        Layout(
            "orders",
            "orders and order_items",
            required=_REQUIRED,
            optional=_OPTIONAL,
        ),
        shopify_catalog.PRODUCTS,
        shopify_catalog.INVENTORY,
    ),
    mapper=map_export,
    currency_column="Currency",
    notes="times with UTC offsets are converted to --timezone (refused when most disagree)",
    time_columns=("Created at", "Paid at", "Cancelled at"),
    country_columns=("Billing Country", "Shipping Country"),
    summary=summary_notes,
    join_files=order_joiner("Name", ("Financial Status", "Created at", "Total")),
)
