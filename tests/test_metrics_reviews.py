"""Tests of ecanalysis.metrics.reviews: hand-computed ratings, DSR and bad-review tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import MissingColumnsError, ParameterError
from ecanalysis.metrics import reviews

REVIEWS = pd.DataFrame(
    {
        "review_id": ["r1", "r2", "r3", "r4", "r5", "r6"],
        "store_id": "S1",
        "created_at": pd.Series(
            pd.to_datetime(
                [
                    "2025-11-01 10:00",
                    "2025-11-02 10:00",
                    "2025-11-03 10:00",
                    "2025-11-04 10:00",
                    "2025-11-05 10:00",
                    "2025-11-06 10:00",
                ]
            )
        ).astype("datetime64[ns]"),
        "rating": [5, 1, 3, 2, 5, 1],
        "sku": ["tea", "tea", "tea", "cup", "cup", None],
        "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
        "dsr_item": [5.0, 2.0, 4.0, 3.0, 5.0, np.nan],
        "dsr_service": [5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
        "dsr_logistics": [np.nan] * 6,
        "reason": ["", "quality", None, " quality ", "", "logistics"],
        "text": ["Great", "Broken lid", "ok", "x" * 100, "Nice", "Late"],
    }
)


def test_rating_summary_overall_and_by_sku():
    overall = reviews.rating_summary(REVIEWS)
    expected = pd.DataFrame(
        {
            "reviews": [6],
            "avg_rating": [17 / 6],
            "bad_reviews": [3],  # ratings 1, 2, 1 (3 stars is 中评, not 差评, by default)
            "bad_review_rate": [0.5],
            "below_threshold": [True],
        }
    )
    pd.testing.assert_frame_equal(overall, expected)
    with_neutral = reviews.rating_summary(REVIEWS, bad_max_rating=3)
    assert with_neutral.loc[0, "bad_reviews"] == 4
    by_sku = reviews.rating_summary(REVIEWS, by="sku")
    assert by_sku["sku"].tolist() == ["cup", "tea"]  # the review without a sku has no group
    assert by_sku["avg_rating"].tolist() == [3.5, 3.0]
    assert by_sku["bad_reviews"].tolist() == [1, 1]


def test_rating_summary_empty_is_nan_not_alert():
    out = reviews.rating_summary(REVIEWS.iloc[:0])
    assert out.loc[0, "reviews"] == 0 and np.isnan(out.loc[0, "avg_rating"])
    assert not out.loc[0, "below_threshold"]


def test_dsr_summary_by_hand():
    expected = pd.DataFrame(
        {
            "dimension": ["item", "service", "logistics"],
            "dimension_zh": ["描述相符", "服务态度", "物流服务"],
            "reviews": [5, 6, 0],
            "score": [19 / 5, 5.0, np.nan],
            "below_threshold": [True, False, False],
        }
    )
    pd.testing.assert_frame_equal(reviews.dsr_summary(REVIEWS), expected)
    no_dsr = reviews.dsr_summary(REVIEWS.drop(columns=["dsr_item", "dsr_service", "dsr_logistics"]))
    assert no_dsr["reviews"].tolist() == [0, 0, 0] and no_dsr["score"].isna().all()


def test_bad_reviews_newest_first_every_one():
    out = reviews.bad_reviews(REVIEWS)
    assert out["review_id"].tolist() == ["r6", "r4", "r2"]
    assert out.loc[0, "text"] == "Late" and pd.isna(out.loc[0, "sku"])
    assert out.loc[1, "text"] == "x" * 100  # the full list is never truncated
    assert out.columns.tolist() == [
        "review_id",
        "created_at",
        "rating",
        "sku",
        "order_id",
        "reason",
        "text",
    ]


def test_bad_review_reasons_by_hand():
    out = reviews.bad_review_reasons(REVIEWS, bad_max_rating=3)
    expected = pd.DataFrame(
        {
            # r4 " quality " is trimmed into quality; r3 has no reason
            "reason": ["quality", "logistics", "unspecified"],
            "bad_reviews": [2, 1, 1],
            "share": [0.5, 0.25, 0.25],
            "examples": ["x" * 79 + "…" + " | Broken lid", "Late", "ok"],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert out["bad_reviews"].sum() == len(reviews.bad_reviews(REVIEWS, bad_max_rating=3))
    repeated = REVIEWS.assign(text=["a", "Same", "b", "Same", "c", "Late"])
    assert reviews.bad_review_reasons(repeated).loc[0, "examples"] == "Same"  # distinct texts
    one = reviews.bad_review_reasons(REVIEWS, bad_max_rating=3, examples=1)
    assert one.loc[0, "examples"] == "x" * 79 + "…"


def test_low_rated_products_by_hand():
    catalog = pd.DataFrame({"sku": ["tea", "cup"], "title": ["Green tea", "Cup"]})
    out = reviews.low_rated_products(REVIEWS, catalog, min_reviews=2)
    expected = pd.DataFrame(
        {
            "sku": ["tea", "cup"],
            "title": ["Green tea", "Cup"],
            "reviews": [3, 2],
            "avg_rating": [3.0, 3.5],
            "bad_reviews": [1, 1],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert reviews.low_rated_products(REVIEWS, catalog)["sku"].tolist() == ["tea"]


def test_options_and_columns_are_checked():
    with pytest.raises(ParameterError, match="bad_max_rating"):
        reviews.bad_reviews(REVIEWS, bad_max_rating=5)
    with pytest.raises(MissingColumnsError, match="rating"):
        reviews.rating_summary(REVIEWS.drop(columns="rating"))
    before = REVIEWS.copy()
    reviews.bad_review_reasons(REVIEWS)
    pd.testing.assert_frame_equal(REVIEWS, before)
