"""Reviews (评价): ratings, store ratings (DSR), bad reviews and their reasons (巡店).

The frame given is the window to inspect (e.g. the last 30 days of reviews). A *bad
review* (差评) has a rating of at most ``bad_max_rating`` stars, 2 by default: on the 1–5
scale Taobao-style 好评/中评/差评 map to 4–5 / 3 / 1–2 (research/metrics.md §7.3 default:
rating ≤ 2); pass ``bad_max_rating=3`` to count 中评 too. Definitions follow
research/metrics.md §7.3–§7.4.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ecanalysis.errors import ParameterError
from ecanalysis.metrics._common import (
    PERIOD_DTYPE,
    conform,
    group_keys,
    local_naive,
    numeric,
    ratio,
    require,
)
from ecanalysis.metrics.products import _lookup
from ecanalysis.params import DEFAULT_THRESHOLDS

#: Default highest rating that counts as a bad review (差评).
BAD_MAX_RATING = 2

#: DSR dimensions: name → (column, zh-Hans label).
DSR_DIMENSIONS = {
    "item": ("dsr_item", "描述相符"),
    "service": ("dsr_service", "服务态度"),
    "logistics": ("dsr_logistics", "物流服务"),
}

#: Reason of a bad review that gives none, and its zh-Hans label.
UNSPECIFIED = "unspecified"
UNSPECIFIED_ZH = "未注明"

#: Longest example text quoted in :func:`bad_review_reasons` (longer ones end in "…").
EXAMPLE_CHARS = 80

RATING_COLUMNS = {
    "reviews": "int64",
    "avg_rating": "float64",
    "bad_reviews": "int64",
    "bad_review_rate": "float64",
    "below_threshold": "bool",
}
DSR_COLUMNS = {
    "dimension": "str",
    "dimension_zh": "str",
    "reviews": "int64",
    "score": "float64",
    "below_threshold": "bool",
}
BAD_REVIEW_COLUMNS = {
    "review_id": "str",
    "created_at": PERIOD_DTYPE,
    "rating": "int64",
    "sku": "str",
    "order_id": "str",
    "reason": "str",
    "text": "str",
}
REASON_COLUMNS = {"reason": "str", "bad_reviews": "int64", "share": "float64", "examples": "str"}
LOW_RATED_COLUMNS = {
    "sku": "str",
    "title": "str",
    "reviews": "int64",
    "avg_rating": "float64",
    "bad_reviews": "int64",
}

REQUIRED = ("review_id", "created_at", "rating")


def _check_bad_max(bad_max_rating) -> int:
    if not 1 <= int(bad_max_rating) <= 4:
        raise ParameterError(
            f"bad_max_rating={bad_max_rating!r}; give the highest star rating (1–4) that "
            "counts as a bad review, e.g. 2"
        )
    return int(bad_max_rating)


def _bad(reviews: pd.DataFrame, bad_max_rating: int) -> pd.Series:
    """True for reviews rated at most ``bad_max_rating``."""
    return numeric(reviews, "rating") <= _check_bad_max(bad_max_rating)


def _text(reviews: pd.DataFrame, column: str) -> pd.Series:
    """A text column as ``str`` (all missing when the optional column is absent)."""
    values = reviews[column] if column in reviews.columns else None
    return pd.Series(values, index=reviews.index, dtype="str")


def rating_summary(
    reviews: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLDS["rating_alert"],
    bad_max_rating: int = BAD_MAX_RATING,
) -> pd.DataFrame:
    """Review count, average rating and bad-review rate, overall or per group.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The ``reviews`` table of the window (``review_id``, ``created_at``, ``rating``).
    by : str or list of str, optional
        Columns to group by (e.g. ``"sku"``); one overall row when None.
    threshold : float, default 4.8
        Average rating below which ``below_threshold`` is True (the seed document's line).
    bad_max_rating : int, default 2
        Highest rating that counts as a bad review.

    Returns
    -------
    pandas.DataFrame
        One row per group (exactly one without ``by``), sorted by the ``by`` columns:

        - the ``by`` columns.
        - ``reviews`` (int64): reviews with a rating.
        - ``avg_rating`` (float64): mean rating (NaN without reviews).
        - ``bad_reviews`` (int64): reviews rated ≤ ``bad_max_rating``.
        - ``bad_review_rate`` (float64): bad_reviews / reviews.
        - ``below_threshold`` (bool): avg_rating < threshold (False when NaN).

    Notes
    -----
    中文名: 评分与差评率

    Formula (research/metrics.md §7.3): bad_review_rate = reviews rated ≤ bad_max_rating /
    reviews in the window; the average is a ratio of sums (Σ rating / reviews).

    Examples
    --------
    >>> import pandas as pd
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3", "r4"],
    ...                         "created_at": pd.to_datetime(["2025-11-01"] * 4),
    ...                         "rating": [5, 5, 4, 1]})
    >>> rating_summary(reviews)
       reviews  avg_rating  bad_reviews  bad_review_rate  below_threshold
    0        4        3.75            1             0.25             True
    """
    require(reviews, REQUIRED, "reviews")
    keys = group_keys(by)
    require(reviews, keys, "reviews")
    frame = reviews[keys].assign(
        rating=numeric(reviews, "rating"), bad=_bad(reviews, bad_max_rating)
    )
    frame = frame[frame["rating"].notna()]
    if keys:
        sums = frame.groupby(keys).agg(
            reviews=("rating", "size"), rating_sum=("rating", "sum"), bad_reviews=("bad", "sum")
        )
        out = sums.reset_index()
    else:
        out = pd.DataFrame(
            {
                "reviews": [len(frame)],
                "rating_sum": [frame["rating"].sum()],
                "bad_reviews": [int(frame["bad"].sum())],
            }
        )
    out["avg_rating"] = ratio(out["rating_sum"], out["reviews"])
    out["bad_review_rate"] = ratio(out["bad_reviews"], out["reviews"])
    out["below_threshold"] = (out["avg_rating"] < float(threshold)).fillna(False)
    columns = {key: reviews[key].dtype for key in keys} | RATING_COLUMNS
    return conform(out.sort_values(keys) if keys else out, columns)


def dsr_summary(
    reviews: pd.DataFrame, *, threshold: float = DEFAULT_THRESHOLDS["rating_alert"]
) -> pd.DataFrame:
    """Store ratings (DSR) per dimension: item as described, service, logistics.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The ``reviews`` table of the window (``dsr_item``, ``dsr_service``,
        ``dsr_logistics`` optional, each 1–5).
    threshold : float, default 4.8
        Score below which ``below_threshold`` is True.

    Returns
    -------
    pandas.DataFrame
        Three rows, ``item``, ``service``, ``logistics`` in that order:

        - ``dimension`` (str) and ``dimension_zh`` (str): 描述相符, 服务态度, 物流服务.
        - ``reviews`` (int64): reviews that rate the dimension.
        - ``score`` (float64): their mean (NaN when none, or without the column).
        - ``below_threshold`` (bool): score < threshold (False when NaN).

    Notes
    -----
    中文名: 店铺动态评分 (DSR)

    Research/metrics.md §7.4: the mean of the 1–5 ratings of each dimension over the
    reviews given (pass a rolling window, 30 days by default in the notebooks). The
    platform's published DSR may weigh and sample differently; show ``reviews`` beside the
    score when there are few.

    Examples
    --------
    >>> import pandas as pd
    >>> reviews = pd.DataFrame({"dsr_item": [5.0, 4.0], "dsr_service": [5.0, None],
    ...                         "dsr_logistics": [4.8, 4.9]})
    >>> dsr_summary(reviews)
       dimension dimension_zh  reviews  score  below_threshold
    0       item         描述相符        2   4.50             True
    1    service         服务态度        1   5.00            False
    2  logistics         物流服务        2   4.85            False
    """
    rows = []
    for dimension, (column, label) in DSR_DIMENSIONS.items():
        scores = numeric(reviews, column).dropna()
        rows.append(
            {
                "dimension": dimension,
                "dimension_zh": label,
                "reviews": len(scores),
                "score": scores.mean() if len(scores) else float("nan"),
            }
        )
    out = pd.DataFrame(rows)
    out["below_threshold"] = (out["score"] < float(threshold)).fillna(False)
    return conform(out, DSR_COLUMNS)


def bad_reviews(reviews: pd.DataFrame, *, bad_max_rating: int = BAD_MAX_RATING) -> pd.DataFrame:
    """Every bad review, newest first, with its product, order, reason and text.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The ``reviews`` table of the window (``review_id``, ``created_at``, ``rating``;
        ``sku``, ``order_id``, ``reason``, ``text`` optional).
    bad_max_rating : int, default 2
        Highest rating that counts as a bad review.

    Returns
    -------
    pandas.DataFrame
        One row per review rated ≤ ``bad_max_rating``, newest first (then by id):

        - ``review_id`` (str), ``created_at`` (datetime64[ns], local), ``rating`` (int64).
        - ``sku``, ``order_id``, ``reason``, ``text`` (str): missing when absent.

    Notes
    -----
    中文名: 差评明细

    The inspection (巡店) reads every bad review (research/metrics.md §7.3); nothing is
    sampled or truncated here.

    Examples
    --------
    >>> import pandas as pd
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3"],
    ...                         "created_at": pd.to_datetime(["2025-11-01", "2025-11-03", "2025-11-02"]),
    ...                         "rating": [1, 5, 2], "text": ["broken", "great", "late"]})
    >>> bad_reviews(reviews)[["review_id", "rating", "text"]]
      review_id  rating    text
    0        r3       2    late
    1        r1       1  broken
    """
    require(reviews, REQUIRED, "reviews")
    bad = reviews[_bad(reviews, bad_max_rating)]
    out = pd.DataFrame(
        {
            "review_id": bad["review_id"].astype("str"),
            "created_at": local_naive(bad["created_at"]),
            "rating": numeric(bad, "rating"),
            **{column: _text(bad, column) for column in ("sku", "order_id", "reason", "text")},
        }
    )
    out = out.sort_values(["created_at", "review_id"], ascending=[False, True], kind="stable")
    return conform(out, BAD_REVIEW_COLUMNS)


def _quote(texts: pd.Series, examples: int) -> str:
    """The first ``examples`` distinct non-empty texts, shortened, joined with `` | ``."""
    kept = list(dict.fromkeys(t.strip() for t in texts.dropna() if t.strip()))[:examples]
    short = [t if len(t) <= EXAMPLE_CHARS else t[: EXAMPLE_CHARS - 1] + "…" for t in kept]
    return " | ".join(short)


def bad_review_reasons(
    reviews: pd.DataFrame, *, bad_max_rating: int = BAD_MAX_RATING, examples: int = 3
) -> pd.DataFrame:
    """Bad reviews grouped by reason, most frequent first, with example texts.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The ``reviews`` table of the window (see :func:`bad_reviews`).
    bad_max_rating : int, default 2
        Highest rating that counts as a bad review.
    examples : int, default 3
        Example texts quoted per reason (newest first).

    Returns
    -------
    pandas.DataFrame
        One row per reason, by ``bad_reviews`` descending, then reason:

        - ``reason`` (str): the review's reason tag, ``unspecified`` (未注明) when empty.
        - ``bad_reviews`` (int64): bad reviews with the reason.
        - ``share`` (float64): bad_reviews / all bad reviews.
        - ``examples`` (str): up to ``examples`` distinct texts, newest first, joined with
          `` | `` (each cut at 80 characters), empty when none has a text.

    Notes
    -----
    中文名: 差评原因

    Uses the platform's reason tags (research/metrics.md §7.3); reasons are trimmed and
    compared as written. Every bad review is in exactly one row, so the rows add up to
    :func:`bad_reviews`.

    Examples
    --------
    >>> import pandas as pd
    >>> reviews = pd.DataFrame({"review_id": ["r1", "r2", "r3"],
    ...                         "created_at": pd.to_datetime(["2025-11-01", "2025-11-03", "2025-11-02"]),
    ...                         "rating": [1, 1, 2], "reason": ["quality", "quality", None],
    ...                         "text": ["broken", "cracked", "late"]})
    >>> bad_review_reasons(reviews)
            reason  bad_reviews     share          examples
    0      quality            2  0.666667  cracked | broken
    1  unspecified            1  0.333333              late
    """
    count = int(examples)
    if count < 0:
        raise ParameterError(f"bad_review_reasons: examples={examples!r}; give a count ≥ 0")
    bad = bad_reviews(reviews, bad_max_rating=bad_max_rating)
    reason = bad["reason"].str.strip()
    bad["reason"] = reason.where(reason.notna() & (reason != ""), UNSPECIFIED)
    grouped = bad.groupby("reason", sort=False)
    out = pd.DataFrame(
        {
            "bad_reviews": grouped.size(),
            "examples": grouped["text"].agg(lambda texts: _quote(texts, count)),
        }
    ).reset_index()
    out["share"] = ratio(out["bad_reviews"], pd.Series(len(bad), index=out.index))
    out = out.sort_values(["bad_reviews", "reason"], ascending=[False, True], kind="stable")
    return conform(out, REASON_COLUMNS)


def low_rated_products(
    reviews: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLDS["rating_alert"],
    min_reviews: int = 3,
    bad_max_rating: int = BAD_MAX_RATING,
) -> pd.DataFrame:
    """Products whose average rating is below the threshold, worst first.

    Parameters
    ----------
    reviews : pandas.DataFrame
        The ``reviews`` table of the window (``review_id``, ``created_at``, ``rating``,
        ``sku``).
    products : pandas.DataFrame, optional
        The ``products`` table, for ``title``.
    threshold : float, default 4.8
        Average rating below which a product is listed.
    min_reviews : int, default 3
        Fewest reviews for a product to be judged (one bad review alone does not list it).
    bad_max_rating : int, default 2
        Highest rating that counts as a bad review.

    Returns
    -------
    pandas.DataFrame
        One row per product listed, lowest average first (then sku):

        - ``sku``, ``title`` (str): title from ``products`` (missing if not given).
        - ``reviews`` (int64): its reviews with a rating.
        - ``avg_rating`` (float64): their mean.
        - ``bad_reviews`` (int64): those rated ≤ ``bad_max_rating``.

    Notes
    -----
    中文名: 低评分商品

    :func:`rating_summary` by ``sku``, kept where reviews ≥ ``min_reviews`` and
    avg_rating < ``threshold``. Reviews without a sku (store-level) are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> reviews = pd.DataFrame({"review_id": list("abcde"),
    ...                         "created_at": pd.to_datetime(["2025-11-01"] * 5),
    ...                         "rating": [5, 4, 3, 5, 5], "sku": ["x", "x", "x", "y", "y"]})
    >>> low_rated_products(reviews, min_reviews=2)
      sku title  reviews  avg_rating  bad_reviews
    0   x   NaN        3         4.0            0
    """
    require(reviews, [*REQUIRED, "sku"], "reviews")
    known = reviews[reviews["sku"].notna()].assign(sku=lambda frame: frame["sku"].astype("str"))
    per_sku = rating_summary(known, by="sku", threshold=threshold, bad_max_rating=bad_max_rating)
    out = per_sku[(per_sku["reviews"] >= int(min_reviews)) & per_sku["below_threshold"]]
    if products is not None:
        require(products, ["sku", "title"], "products")
        titles = products.drop_duplicates("sku", keep="last")
        titles = titles.set_index(titles["sku"].astype("str"))["title"]
        out = out.assign(title=_lookup(out["sku"], titles))
    out = out.sort_values(["avg_rating", "sku"], kind="stable")
    return conform(out, LOW_RATED_COLUMNS)
