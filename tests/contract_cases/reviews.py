"""Contract cases of ecanalysis.metrics.reviews."""

from __future__ import annotations

from frames import products_frame, reviews_frame


def _bad(empty: bool):
    """One 1-star review (a bad review under every threshold)."""
    return reviews_frame(empty, rating=1, reason="quality", text="Arrived broken")


CASES = {
    "rating_summary": lambda empty: ((reviews_frame(empty),), {}),
    "dsr_summary": lambda empty: ((reviews_frame(empty),), {}),
    "bad_reviews": lambda empty: ((_bad(empty),), {}),
    "bad_review_reasons": lambda empty: ((_bad(empty),), {}),
    "low_rated_products": lambda empty: (
        (_bad(empty), products_frame(empty)),
        {"min_reviews": 1},
    ),
}
EXEMPT: dict[str, str] = {}
