"""ecanalysis.metrics.basket: 连带率, pair affinity (against a brute force), first products."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecanalysis.errors import ParameterError
from ecanalysis.metrics import basket


def _orders(ids, *, status="paid", customers=None, days=None, **columns):
    frame = pd.DataFrame({"order_id": ids, "status": status})
    frame["customer_id"] = customers if customers is not None else [f"c{i}" for i in ids]
    stamps = days if days is not None else ["2025-11-11 10:00"] * len(ids)
    frame["ordered_at"] = pd.to_datetime(stamps)
    frame["paid_at"] = frame["ordered_at"]
    for name, values in columns.items():
        frame[name] = values
    return frame


def _items(pairs):
    order_ids, skus = zip(*pairs, strict=True) if pairs else ((), ())
    return pd.DataFrame(
        {"order_id": list(order_ids), "sku": list(skus), "quantity": 1, "unit_price": 10.0}
    )


def test_items_per_order_by_channel_counts_units_and_distinct_skus():
    orders = _orders(["o1", "o2", "o3", "o4"], channel=["app", "app", "web", "web"])
    orders.loc[3, "status"] = "cancelled"
    items = pd.DataFrame(
        {
            "order_id": ["o1", "o1", "o1", "o2", "o3", "o4"],
            "sku": ["x", "x", "y", "z", "x", "y"],
            "quantity": [1, 2, 1, 4, 1, 9],
            "unit_price": 5.0,
        }
    )
    out = basket.items_per_order(items, orders, freq="W", by="channel")
    expected = pd.DataFrame(
        {
            "channel": ["app", "web"],
            "period_start": pd.to_datetime(["2025-11-10", "2025-11-10"]).astype("datetime64[ns]"),
            "orders": [2, 1],
            "units": [8, 1],
            "distinct_items": [3, 1],
            "units_per_order": [4.0, 1.0],
            "items_per_order": [1.5, 1.0],
        }
    ).astype({"channel": "str"})
    pd.testing.assert_frame_equal(out, expected)


def test_pair_affinity_hand_computed():
    # o1 {a,b}, o2 {a,b}, o3 {a,c}, o4 {b}, o5 {a,b,c,d,e} over the cap of 4, o6 cancelled
    baskets = [("o1", "a"), ("o1", "b"), ("o1", "a"), ("o2", "a"), ("o2", "b"), ("o3", "a")]
    baskets += [("o3", "c"), ("o4", "b"), ("o6", "a"), ("o6", "b")]
    baskets += [("o5", sku) for sku in "abcde"]
    orders = _orders(["o1", "o2", "o3", "o4", "o5", "o6"])
    orders.loc[5, "status"] = "cancelled"
    out = basket.pair_affinity(_items(baskets), orders, min_pair_orders=1, max_basket_size=4)
    assert list(out[["item_a", "item_b"]].itertuples(index=False, name=None)) == [
        ("a", "b"),
        ("a", "c"),
    ]
    ab = out.iloc[0]
    assert (ab.orders_a, ab.orders_b, ab.orders_ab, ab.total_orders) == (3, 3, 2, 4)
    assert ab.support == pytest.approx(0.5)
    assert ab.confidence_ab == pytest.approx(2 / 3)
    assert ab.lift == pytest.approx(2 * 4 / 9)
    se = np.sqrt(1 / 2 + 1 / 3 + 1 / 3 - 3 / 4)
    assert ab.lift_lower == pytest.approx(8 / 9 * np.exp(-1.959963984540054 * se))
    ac = out.iloc[1]
    assert (ac.orders_a, ac.orders_b, ac.orders_ab) == (3, 1, 1)
    assert ac.lift == pytest.approx(4 / 3)


def test_pair_affinity_by_category_and_min_pair_orders():
    products = pd.DataFrame(
        {"sku": ["t1", "t2", "c1"], "title": ["T1", "T2", "C1"], "category": ["tea", "tea", "cup"]}
    )
    baskets = [("o1", "t1"), ("o1", "c1"), ("o2", "t2"), ("o2", "c1"), ("o3", "t1"), ("o3", "t2")]
    orders = _orders(["o1", "o2", "o3"])
    out = basket.pair_affinity(
        _items(baskets), orders, level="category", min_pair_orders=2, products=products
    )
    assert out[["item_a", "item_b", "orders_ab", "orders_a", "orders_b"]].values.tolist() == [
        ["cup", "tea", 2, 2, 3]
    ]
    with pytest.raises(ParameterError, match="products="):
        basket.pair_affinity(_items(baskets), orders, level="category")


def _brute_force(baskets: dict[str, set[str]], cap: int, min_pair: int) -> pd.DataFrame:
    kept = {order: items for order, items in baskets.items() if 1 <= len(items) <= cap}
    total = len(kept)
    single = {}
    joint = {}
    for items in kept.values():
        for item in items:
            single[item] = single.get(item, 0) + 1
        for a, b in itertools.combinations(sorted(items), 2):
            joint[a, b] = joint.get((a, b), 0) + 1
    rows = []
    for (a, b), n_ab in joint.items():
        if n_ab < min_pair:
            continue
        n_a, n_b = single[a], single[b]
        lift = n_ab * total / (n_a * n_b)
        se = np.sqrt(max(1 / n_ab + 1 / n_a + 1 / n_b - 3 / total, 0))
        rows.append((a, b, n_a, n_b, n_ab, total, lift, lift * np.exp(-1.959963984540054 * se)))
    columns = ["item_a", "item_b", "orders_a", "orders_b", "orders_ab", "total_orders"]
    frame = pd.DataFrame(rows, columns=[*columns, "lift", "lift_lower"])
    return frame.sort_values(["item_a", "item_b"]).reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(
    baskets=st.lists(
        st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=6), min_size=0, max_size=40
    ),
    cap=st.integers(2, 6),
    min_pair=st.integers(1, 3),
)
def test_pair_affinity_equals_brute_force(baskets, cap, min_pair):
    pairs = [(f"o{i}", sku) for i, skus in enumerate(baskets) for sku in skus]
    orders = _orders([f"o{i}" for i in range(len(baskets))])
    out = basket.pair_affinity(_items(pairs), orders, min_pair_orders=min_pair, max_basket_size=cap)
    got = out.sort_values(["item_a", "item_b"]).reset_index(drop=True)
    expected = _brute_force({f"o{i}": set(skus) for i, skus in enumerate(baskets)}, cap, min_pair)
    columns = list(expected.columns)
    pd.testing.assert_frame_equal(
        got[columns], expected.astype(got[columns].dtypes.to_dict()), check_exact=False
    )
    assert (out["lift_lower"] <= out["lift"] + 1e-12).all()
    assert out["lift_lower"].is_monotonic_decreasing


def test_pair_counts_in_slices_equal_one_pass():
    rng = np.random.default_rng(7)
    order_codes = np.sort(rng.integers(0, 300, 2_000))
    frame = pd.DataFrame({"o": order_codes, "i": rng.integers(0, 40, 2_000)}).drop_duplicates()
    frame = frame.sort_values(["o", "i"])
    args = (frame["o"].to_numpy(), frame["i"].to_numpy(), 40)
    keys_small, counts_small = basket._pair_counts(*args, chunk_pairs=7)
    keys_big, counts_big = basket._pair_counts(*args, chunk_pairs=10**9)
    np.testing.assert_array_equal(keys_small, keys_big)
    np.testing.assert_array_equal(counts_small, counts_big)


def test_next_product_and_value_by_first_product():
    orders = _orders(
        ["o1", "o2", "o3", "o4", "o5", "o6"],
        customers=["a", "a", "a", "b", "b", "c"],
        days=["2025-11-01", "2025-11-05", "2025-11-09", "2025-11-02", "2025-11-03", "2025-11-04"],
        paid_amount=[100.0, 50.0, 30.0, 40.0, 60.0, 20.0],
        refund_amount=[0.0, 10.0, 0.0, 0.0, 0.0, np.nan],
    )
    lines = [("o1", "tea"), ("o1", "cup"), ("o2", "pot"), ("o3", "tea"), ("o4", "tea")]
    items = _items([*lines, ("o5", "pot"), ("o5", "cup"), ("o6", "cup")])
    moves = basket.next_product(items, orders)
    # a: {tea, cup} → {pot}; b: {tea} → {pot, cup}; c: {cup} → none
    expected = pd.DataFrame(
        {
            "first_item": ["cup", "tea", "tea"],
            "next_item": ["pot", "pot", "cup"],
            "first_item_customers": [2, 2, 2],
            "repeat_customers": [1, 2, 2],
            "customers": [1, 2, 1],
            "share": [1.0, 1.0, 0.5],
        }
    ).astype({"first_item": "str", "next_item": "str"})
    pd.testing.assert_frame_equal(moves, expected)
    value = basket.value_by_first_product(items, orders)
    expected_value = pd.DataFrame(
        {
            "first_item": ["tea", "cup"],
            "customers": [2, 2],
            "repeat_customers": [2, 1],
            "repeat_rate": [1.0, 0.5],
            "orders": [5, 4],
            "net_sales": [170.0 + 100.0, 170.0 + 20.0],
            "net_sales_per_customer": [135.0, 95.0],
        }
    ).astype({"first_item": "str"})
    pd.testing.assert_frame_equal(value, expected_value)


def test_bundle_candidates_keep_pairs_surely_above_chance():
    pairs = pd.DataFrame(
        {
            "item_a": ["a", "a", "b"],
            "item_b": ["b", "c", "c"],
            "orders_a": [50, 50, 40],
            "orders_b": [40, 30, 30],
            "orders_ab": [30, 2, 15],
            "total_orders": 200,
        }
    )
    basket._affinity_rates(pairs)
    out = basket.bundle_candidates(pairs, n=5)
    # a–c: lift 0.27; b–c: lift 2.5, lower bound 1.30; a–b: lift 3.0, lower bound 1.83
    assert out[["rank", "item_a", "item_b"]].values.tolist() == [[1, "a", "b"], [2, "b", "c"]]
    assert basket.bundle_candidates(pairs, n=1)["item_b"].tolist() == ["b"]
    with pytest.raises(ParameterError, match="n=0"):
        basket.bundle_candidates(pairs, n=0)


@settings(max_examples=30, deadline=None)
@given(
    days=st.lists(st.integers(0, 60), min_size=1, max_size=25),
    skus=st.lists(st.sampled_from("abc"), min_size=25, max_size=25),
)
def test_daily_items_per_order_add_up_to_the_month(days, skus):
    ids = [f"o{i}" for i in range(len(days))]
    stamps = [pd.Timestamp("2025-10-01 10:00") + pd.Timedelta(days=d) for d in days]
    orders = _orders(ids, days=stamps)
    items = _items([(order, sku) for order, sku in zip(ids, skus, strict=False)])
    items = pd.concat([items, items.assign(sku="a")], ignore_index=True)
    daily = basket.items_per_order(items, orders, freq="D")
    monthly = basket.items_per_order(items, orders, freq="MS")
    by_month = daily.groupby(daily["period_start"].dt.to_period("M").dt.start_time)[
        ["orders", "units", "distinct_items"]
    ].sum()
    assert (
        by_month.to_numpy().tolist()
        == monthly[["orders", "units", "distinct_items"]].to_numpy().tolist()
    )
