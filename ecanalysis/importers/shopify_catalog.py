"""Shopify: the products export and the inventory export (imported as ``shopify`` files).

Products export (Admin › Products › Export, CSV for Excel or plain CSV) → ``products``,
one row per variant. A product's fields (``Title``, ``Type``, ``Status`` …) are on the
first row of its ``Handle``; each variant has a row with ``Variant Price``; rows with
only an image (``Image Src``) are not variants and are counted in the summary.

=============  ================================================================
canonical      column
=============  ================================================================
sku            ``Variant SKU``; without one, ``Handle`` (+ ``/`` and the option
               values when the product has options other than ``Default Title``)
title          ``Title`` (+ `` - `` and the option values)
category       ``Product Category``, else ``Type``
price          ``Variant Price``
unit_cost      ``Cost per item``, when exported
stock_on_hand  ``Variant Inventory Qty`` (older exports), else from the inventory
               export
status         ``Status`` ``active`` → listed, ``draft``/``archived`` → delisted;
               without ``Status``, ``Published`` TRUE → listed, else delisted
=============  ================================================================

Inventory export (Products › Inventory › Export, "All quantity types") → the
``stock_on_hand`` of ``products``: ``On hand (current)`` (older exports: ``On hand``,
else ``Available``) summed over the
``Location`` rows of each ``SKU`` (``not stocked`` counts 0). It updates products of the
same import or already stored; a SKU in neither is quarantined (import the products
export first, or with it). The export has no date, so no ``stock_levels`` row is
written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    blank,
    cells,
    count_column,
    counts,
    first_column,
    first_values,
    ids,
)
from ecanalysis.importers._platform import Context, Layout, Mapped, quarantine_frame
from ecanalysis.importers._read import Export

PRODUCTS = Layout(
    "products",
    "products export → products (one row per variant)",
    ("Handle", "Title", "Variant SKU", "Variant Price"),
    (
        *("Option1 Value", "Option2 Value", "Option3 Value", "Product Category", "Type"),
        *("Status", "Published", "Cost per item", "Variant Inventory Qty", "Image Src"),
    ),
)
INVENTORY = Layout(
    "inventory",
    "inventory export → products.stock_on_hand",
    ("Handle", "SKU", "Location"),
    ("On hand (current) (or On hand, Available)", "Title", "Option1 Value", "Option2 Value"),
)
#: Stock columns, by export version (newer: ``On hand (current)``), first found is read.
ON_HAND = ("On hand (current)", "On hand", "Available (not editable)", "Available")
#: Name of the mapped table that carries stock to apply to ``products`` (not a table).
STOCK = "products.stock_on_hand"
_PRODUCT_FIELDS = ["Title", "Product Category", "Type", "Status", "Published"]
_STATUS = {"active": "listed", "draft": "delisted", "archived": "delisted"}


def map_products(export: Export, ctx: Context) -> Mapped:
    """Products export → ``products``, one row per variant."""
    raw = export.frame
    handle = ids(cells(raw, "Handle")).fillna("")
    head = first_values(raw, handle, [c for c in _PRODUCT_FIELDS if c in raw.columns])
    product = head.reindex(handle.to_numpy()).set_index(raw.index)
    options = _options(raw)
    variant = ~blank(cells(raw, "Variant Price")) | ~blank(cells(raw, "Variant SKU"))
    problems = RowProblems(len(raw))
    problems.add(variant & (handle == ""), "Handle: empty (it identifies the product)")
    title = ids(cells(product, "Title"))
    problems.add(variant & title.isna(), "Title: empty on the product's first row")
    with_options = title + (" - " + options).fillna("")
    sku = ids(cells(raw, "Variant SKU")).fillna(handle + ("/" + options).fillna(""))
    status = _status(product)
    problems.add(variant & status.isna(), "Status: not active, draft or archived")
    category = ids(cells(product, "Product Category")).fillna(ids(cells(product, "Type")))
    rows = pd.DataFrame(
        {
            "store_id": ctx.store_id,
            "sku": sku,
            "title": with_options,
            "category": category,
            "price": amount_column(raw, "Variant Price", problems),
            "unit_cost": amount_column(raw, "Cost per item", problems),
            "stock_on_hand": count_column(raw, "Variant Inventory Qty", problems),
            "status": status,
        }
    )
    if "Variant Inventory Qty" not in raw.columns:
        rows = rows.drop(columns="stock_on_hand")
    mask = problems.mask & variant.to_numpy()
    keep = variant.to_numpy() & ~mask
    return Mapped(
        tables={"products": rows[keep].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
        facts={"image rows": int((~variant).sum())},
    )


def _options(raw: pd.DataFrame) -> pd.Series:
    """``M / Blue`` from the option values; NA for ``Default Title`` or none."""
    values = [cells(raw, f"Option{i} Value").str.strip() for i in (1, 2, 3)]
    joined = values[0]
    for more in values[1:]:
        joined = joined.where(more == "", joined + " / " + more)
    joined = joined.str.strip(" /")
    return joined.where((joined != "") & (joined != "Default Title")).astype("str")


def _status(product: pd.DataFrame) -> pd.Series:
    if "Status" in product.columns:
        return cells(product, "Status").str.strip().str.lower().map(_STATUS).astype("str")
    published = cells(product, "Published").str.strip().str.upper() == "TRUE"
    return pd.Series(np.where(published, "listed", "delisted"), index=product.index, dtype="str")


def map_inventory(export: Export, ctx: Context) -> Mapped:
    """Inventory export → stock per SKU, summed over locations (applied by :func:`apply_stock`)."""
    raw = export.frame
    problems = RowProblems(len(raw))
    sku = ids(cells(raw, "SKU"))
    problems.add(sku.isna(), "SKU: empty (products are matched by SKU)")
    column = first_column(raw, ON_HAND)
    text = cells(raw, column) if column else pd.Series("", index=raw.index, dtype="str")
    not_stocked = text.str.strip().str.lower() == "not stocked"
    quantity, bad = counts(text.where(~not_stocked, "0"))
    problems.add_cells(bad, column or "On hand", "not a whole number", text)
    problems.add(blank(text), f"{column or 'On hand'}: empty")
    mask = problems.mask
    good = pd.DataFrame({"sku": sku, "stock_on_hand": quantity})[~mask]
    summed = good.groupby("sku", sort=False)["stock_on_hand"].sum()
    stock = pd.DataFrame(
        {
            "store_id": ctx.store_id,
            "sku": summed.index.astype("str"),
            "stock_on_hand": summed.to_numpy(),
        }
    )
    return Mapped(
        tables={STOCK: stock},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
    )


def apply_stock(mapped: list[Mapped], exports: list[Export], stored: pd.DataFrame | None) -> None:
    """Put the inventory exports' stock on the products of this import and the stored ones.

    Products of the import get ``stock_on_hand`` in place; stored products with stock in
    the import come back as updated rows; rows of a SKU in neither are quarantined.
    """
    stocks = [m.tables.pop(STOCK) for m in mapped if STOCK in m.tables]
    if not stocks:
        return
    stock = pd.concat(stocks, ignore_index=True).drop_duplicates("sku", keep="last")
    level = stock.set_index("sku")["stock_on_hand"]
    imported: set[str] = set()
    for m in mapped:
        products = m.tables.get("products")
        if products is None:
            continue
        found = products["sku"].map(level)
        if found.notna().any():
            old = products.get("stock_on_hand", pd.Series(np.nan, index=products.index))
            m.tables["products"] = products.assign(stock_on_hand=found.fillna(old))
        imported |= set(products["sku"])
    rest = stock[~stock["sku"].isin(imported)]
    have = set() if stored is None else set(stored["sku"])
    update = stored[stored["sku"].isin(rest["sku"])] if stored is not None else None
    for m, export in zip(mapped, exports, strict=True):
        if export.kind != "inventory":
            continue
        if update is not None and len(update):
            rows = update.assign(stock_on_hand=update["sku"].map(level).to_numpy())
            m.tables["products"] = rows.reset_index(drop=True)
            update = None
        sku = cells(export.frame, "SKU").str.strip()
        unknown = (sku != "") & sku.isin(set(rest["sku"]) - have)
        already = set(pd.to_numeric(m.quarantine["line"]).tolist())
        lines = pd.Series(export.lines(export.frame.index), index=export.frame.index)
        unknown &= ~lines.isin(already)
        if unknown.any():
            reason = (
                "SKU not in products (neither stored nor in this import): import the "
                "products export first, or with the inventory export"
            )
            moved = quarantine_frame(export, unknown.to_numpy(), [reason] * len(export.frame))
            m.quarantine = pd.concat([m.quarantine, moved], ignore_index=True)
