"""Product reviews from the review apps of Shopify stores: Judge.me, Yotpo and Loox.

Each app exports its reviews as CSV, one row per review (Judge.me › Reviews › Export;
Yotpo › Moderation › Export reviews; Loox › Reviews › Export). → ``reviews``:

==============  ==================  ==================  ==================
canonical       judgeme             yotpo               loox
==============  ==================  ==================  ==================
review_id       ``judgeme:`` + hash ``Review ID``, else  ``id``
                of the row's date,  ``yotpo:`` + hash
                reviewer, product,
                title and body
created_at      ``review_date``     ``Date``            ``date``
rating          ``rating``          ``Review Score``    ``rating``
sku             ``product_handle``  ``Product ID``      ``handle``
order_id        —                   ``Order ID``        ``orderId``
text            ``title`` + body    ``Review Title`` +  ``review``
                                    ``Review Content``
==============  ==================  ==================  ==================

``review_id`` is prefixed with the store id (``<store_id>:…``). An export without a
review id (Judge.me) gets an id from the review's own cells, so a re-export of the same
review keeps its id (an edited review becomes a new one). ``order_id`` is
``<store_id>:<order number>`` when the app names the order, matching the Shopify order
import. ``sku`` is the product handle or id as the app gives it, which is the product,
not the variant SKU. Times with a UTC offset are converted to the store's zone. A
rating outside 1–5 or an unparseable date is quarantined.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    cells,
    count_column,
    ids,
    time_column,
)
from ecanalysis.importers._platform import Context, Layout, Mapped, Platform, quarantine_frame
from ecanalysis.importers._read import Export


def hashed_ids(frame: pd.DataFrame, columns: tuple[str, ...], prefix: str) -> pd.Series:
    """``<prefix>:`` + the first 16 hex digits of SHA-256 of the row's ``columns``."""
    joined = pd.Series([""] * len(frame), index=frame.index, dtype="str")
    for column in columns:
        joined = joined + "\x1f" + cells(frame, column)
    digests = [hashlib.sha256(text.encode()).hexdigest()[:16] for text in joined]
    return pd.Series([f"{prefix}:{d}" for d in digests], index=frame.index, dtype="str")


def _joined(first: pd.Series, second: pd.Series) -> pd.Series:
    """``first`` and ``second`` on two lines; either alone when the other is empty."""
    a, b = first.str.strip(), second.str.strip()
    both = (a != "") & (b != "")
    text = a.where(b == "", b).where(a != "", b).where(~both, a + "\n" + b)
    return text.where(text != "").astype("str")


def map_reviews(
    export: Export,
    ctx: Context,
    *,
    review_id: pd.Series,
    created: str,
    rating: str,
    sku: str,
    order: str | None,
    text: pd.Series,
) -> Mapped:
    """``reviews`` rows of one export, bad rows quarantined."""
    raw = export.frame
    problems = RowProblems(len(raw))
    problems.add(review_id.isna(), "review id: empty (it identifies the review)")
    stars = count_column(raw, rating, problems, required=True)
    problems.add(stars.notna() & ~stars.between(1, 5), f"{rating}: not a rating from 1 to 5")
    number = ids(cells(raw, order).str.lstrip("#")) if order else None
    rows = pd.DataFrame(
        {
            "review_id": (ctx.store_id + ":" + review_id.fillna("")).astype("str"),
            "store_id": ctx.store_id,
            "created_at": time_column(raw, created, ctx.timezone, problems, required=True),
            "rating": stars,
            "sku": ids(cells(raw, sku)),
            "order_id": (
                pd.Series(pd.NA, index=raw.index, dtype="str")
                if number is None
                else ctx.order_id(number).where(number.notna())
            ),
            "text": text,
        }
    )
    mask = problems.mask
    return Mapped(
        tables={"reviews": rows[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
    )


def map_judgeme(export: Export, ctx: Context) -> Mapped:
    """Judge.me reviews export → ``reviews``."""
    raw = export.frame
    key = ("review_date", "reviewer_email", "reviewer_name", "product_handle", "title", "body")
    return map_reviews(
        export,
        ctx,
        review_id=hashed_ids(raw, key, "judgeme"),
        created="review_date",
        rating="rating",
        sku="product_handle",
        order=None,
        text=_joined(cells(raw, "title"), cells(raw, "body")),
    )


def map_yotpo(export: Export, ctx: Context) -> Mapped:
    """Yotpo reviews export → ``reviews``."""
    raw = export.frame
    given = ids(cells(raw, "Review ID"))
    key = ("Date", "Email", "Display Name", "Product ID", "Review Title", "Review Content")
    return map_reviews(
        export,
        ctx,
        review_id=("yotpo:" + given).fillna(hashed_ids(raw, key, "yotpo")).astype("str"),
        created="Date",
        rating="Review Score",
        sku="Product ID",
        order="Order ID",
        text=_joined(cells(raw, "Review Title"), cells(raw, "Review Content")),
    )


def map_loox(export: Export, ctx: Context) -> Mapped:
    """Loox reviews export → ``reviews``."""
    raw = export.frame
    return map_reviews(
        export,
        ctx,
        review_id="loox:" + ids(cells(raw, "id")),
        created="date",
        rating="rating",
        sku="handle",
        order="orderId",
        text=ids(cells(raw, "review")),
    )


def _platform(
    name: str,
    title: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    mapper,
) -> Platform:
    """A review app: one layout → ``reviews``."""
    return Platform(
        name=name,
        title=title,
        layouts=(Layout("reviews", "reviews", required, optional),),
        mapper=mapper,
        notes=(
            "review_id from the app (Judge.me: a hash of the review's cells); times in "
            "UTC are converted to --timezone"
        ),
    )


PLATFORMS = {
    "judgeme": _platform(
        "judgeme",
        "Judge.me reviews export CSV → reviews",
        ("title", "body", "rating", "review_date", "product_handle"),
        ("reviewer_name", "reviewer_email", "product_id", "source", "curated", "reply"),
        map_judgeme,
    ),
    "yotpo": _platform(
        "yotpo",
        "Yotpo reviews export CSV → reviews",
        ("Review Title", "Review Content", "Review Score", "Date"),
        ("Review ID", "Product ID", "Product Title", "Display Name", "Email", "Order ID"),
        map_yotpo,
    ),
    "loox": _platform(
        "loox",
        "Loox reviews export CSV → reviews",
        ("id", "rating", "review", "date", "handle"),
        ("status", "email", "nickname", "full_name", "productId", "orderId", "variant"),
        map_loox,
    ),
}
