"""Tests of ecanalysis.metrics.customers: hand-computed frames, properties, a lifetimes golden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecanalysis.errors import MissingColumnsError, ParameterError
from ecanalysis.metrics import customers
from ecanalysis.metrics.orders import sales_summary


def _orders(rows, *, channel=None) -> pd.DataFrame:
    """Orders from ``(customer_id, paid_at, status, paid_amount)`` tuples (ordered = paid)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "paid_at", "status", "paid_amount"])
    frame["paid_at"] = pd.to_datetime(frame["paid_at"])
    frame.insert(0, "order_id", [f"o{i}" for i in range(len(frame))])
    frame["ordered_at"] = frame["paid_at"]
    frame["gross_amount"] = frame["paid_amount"]
    if channel is not None:
        frame["channel"] = channel
    return frame


def _days(values) -> pd.Series:
    """Expected period/date columns: ``datetime64[ns]`` (pandas 3 parses to microseconds)."""
    return pd.Series(pd.to_datetime(values)).astype("datetime64[ns]")


def _synthetic(seed: int = 3, n: int = 300) -> pd.DataFrame:
    """A deterministic random history: 40 customers, 150 days, some cancelled orders."""
    rng = np.random.default_rng(seed)
    stamps = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 150 * 24, n), unit="h")
    return _orders(
        {
            "customer_id": rng.choice([f"c{i:02d}" for i in range(40)], n),
            "paid_at": stamps,
            "status": rng.choice(["paid", "completed", "refunded", "cancelled"], n),
            "paid_amount": rng.integers(10, 300, n).astype(float),
        }
    )


# -- cohort_retention ---------------------------------------------------------------------


def test_cohort_retention_by_hand_with_censored_ages():
    orders = _orders(
        [
            ("a", "2025-01-05 10:00", "paid", 10.0),
            ("a", "2025-02-03 10:00", "paid", 10.0),
            ("b", "2025-01-20 10:00", "paid", 10.0),
            ("b", "2025-03-10 10:00", "completed", 10.0),
            ("c", "2025-02-14 10:00", "paid", 10.0),
            ("d", "2025-02-20 10:00", "cancelled", 10.0),  # never a customer
            ("d", "2025-03-20 10:00", "paid", 10.0),
        ]
    )
    expected = pd.DataFrame(
        {
            # Jan: a and b; Feb: a back (1/2); Mar: b back (1/2). Feb: c, nobody back in Mar.
            # Mar: d (its cancelled Feb order does not count). Data end in March, so Jan has
            # no age 3, Feb no age 2, Mar no age 1: censored, absent.
            "cohort": _days(
                ["2025-01-01", "2025-01-01", "2025-01-01", "2025-02-01", "2025-02-01", "2025-03-01"]
            ),
            "age": [0, 1, 2, 0, 1, 0],
            "cohort_size": [2, 2, 2, 1, 1, 1],
            "active_customers": [2, 1, 1, 1, 0, 1],
            "retention": [1.0, 0.5, 0.5, 1.0, 0.0, 1.0],
        }
    )
    pd.testing.assert_frame_equal(customers.cohort_retention(orders, freq="MS"), expected)


def test_cohort_retention_data_end_counts_unpaid_orders():
    # A placed (unpaid) order in April shows the data reach April: April cells are observed.
    orders = _orders(
        [("a", "2025-03-05 10:00", "paid", 10.0), ("b", "2025-04-02 10:00", "placed", 10.0)]
    )
    orders.loc[1, "paid_at"] = pd.NaT
    out = customers.cohort_retention(orders)
    assert out[["age", "active_customers"]].values.tolist() == [[0, 1], [1, 0]]


def test_cohort_retention_weekly_cohorts_start_on_monday():
    orders = _orders(
        [("a", "2025-11-09 23:00", "paid", 1.0), ("a", "2025-11-10 01:00", "paid", 1.0)]
    )
    out = customers.cohort_retention(orders, freq="W")
    assert out["cohort"].tolist() == [pd.Timestamp("2025-11-03")] * 2  # Sunday 9th → Monday 3rd
    assert out["retention"].tolist() == [1.0, 1.0]


def test_cohort_retention_local_calendar_of_tz_aware_timestamps():
    # 2025-01-31 16:30 UTC is 2025-02-01 00:30 in Shanghai: a February customer.
    orders = _orders([("a", "2025-01-31 16:30", "paid", 1.0)])
    for column in ("paid_at", "ordered_at"):
        orders[column] = orders[column].dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    out = customers.cohort_retention(orders)
    assert out["cohort"].tolist() == [pd.Timestamp("2025-02-01")]
    assert out["cohort"].dtype == "datetime64[ns]"


@pytest.mark.parametrize("freq", ["D", "W", "MS", "QS"])
def test_cohort_retention_properties(freq):
    orders = _synthetic()
    out = customers.cohort_retention(orders, freq=freq)
    assert (out["retention"] <= 1).all() and (out["retention"] >= 0).all()
    age0 = out[out["age"] == 0]
    assert (age0["active_customers"] == age0["cohort_size"]).all()
    assert (age0["retention"] == 1.0).all()
    paid = orders[orders["status"] != "cancelled"]
    assert age0["cohort_size"].sum() == paid["customer_id"].nunique()
    # every cohort's ages run 0..k without gaps, and later cohorts have no more ages
    ages = out.groupby("cohort")["age"].agg(["min", "max", "count"])
    assert (ages["min"] == 0).all() and (ages["count"] == ages["max"] + 1).all()
    assert ages["max"].is_monotonic_decreasing


def test_cohort_retention_cohort_sizes_match_new_buyers_of_sales_summary():
    orders = _synthetic()
    cohorts = customers.cohort_retention(orders, freq="MS").query("age == 0")
    summary = sales_summary(orders, freq="MS")
    merged = cohorts.merge(summary, left_on="cohort", right_on="period_start")
    assert len(merged) == len(cohorts)
    assert (merged["cohort_size"] == merged["new_buyers"]).all()


# -- repeat_rate and rfm_summary ------------------------------------------------------------


def test_repeat_rate_counts_distinct_days():
    orders = _orders(
        [
            ("a", "2025-11-01 09:00", "paid", 1.0),
            ("a", "2025-11-01 21:00", "paid", 1.0),  # same day: not a repeat
            ("b", "2025-11-01 09:00", "paid", 1.0),
            ("b", "2025-11-02 09:00", "refunded", 1.0),  # refunded orders stay paid
            ("c", "2025-11-01 09:00", "paid", 1.0),
            ("c", "2025-11-03 09:00", "cancelled", 1.0),
        ]
    )
    expected = pd.DataFrame({"customers": [3], "repeat_customers": [1], "repeat_rate": [1 / 3]})
    pd.testing.assert_frame_equal(customers.repeat_rate(orders), expected)


def test_repeat_rate_empty_is_nan_not_zero():
    out = customers.repeat_rate(_orders([]))
    assert out[["customers", "repeat_customers"]].values.tolist() == [[0, 0]]
    assert np.isnan(out.loc[0, "repeat_rate"])


def test_repeat_rate_agrees_with_daily_rfm_frequency():
    orders = _synthetic()
    rfm = customers.rfm_summary(orders, observation_end="2025-12-31", freq="D")
    repeat = customers.repeat_rate(orders)
    assert repeat.loc[0, "customers"] == len(rfm)
    assert repeat.loc[0, "repeat_customers"] == (rfm["frequency"] > 0).sum()


def test_rfm_summary_by_hand_in_weeks():
    orders = _orders(
        [
            # a: week of Mon 3 Nov (two orders merge: 10 + 5), week of 17 Nov (30),
            #    week of 24 Nov (8 + 2).  Three purchase weeks → frequency 2; recency 3 weeks;
            #    observation_end Sun 30 Nov is in the week of 24 Nov → T 3; monetary mean(30, 10).
            ("a", "2025-11-03 09:00", "paid", 10.0),
            ("a", "2025-11-09 23:59", "paid", 5.0),
            ("a", "2025-11-19 12:00", "paid", 30.0),
            ("a", "2025-11-24 08:00", "paid", 8.0),
            ("a", "2025-11-30 20:00", "paid", 2.0),
            ("a", "2025-12-01 08:00", "paid", 99.0),  # after observation_end: excluded
            # b: one purchase week (10 Nov) → frequency 0, recency 0, T 2, monetary 0.
            ("b", "2025-11-12 10:00", "paid", 8.0),
            ("b", "2025-11-13 10:00", "cancelled", 50.0),
            # c: only after observation_end → absent.
            ("c", "2025-12-02 10:00", "paid", 8.0),
        ]
    )
    expected = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "frequency": [2.0, 0.0],
            "recency": [3.0, 0.0],
            "T": [3.0, 2.0],
            "monetary_value": [20.0, 0.0],
        }
    )
    out = customers.rfm_summary(orders, observation_end="2025-11-30", freq="W")
    pd.testing.assert_frame_equal(out, expected)
    stamp = customers.rfm_summary(orders, observation_end=pd.Timestamp("2025-11-30"), freq="W")
    pd.testing.assert_frame_equal(stamp, expected)


def test_rfm_summary_by_hand_in_days():
    orders = _orders(
        [
            ("a", "2025-11-01 09:00", "paid", 10.0),
            ("a", "2025-11-01 18:00", "paid", 4.0),  # same day: one purchase of 14
            ("a", "2025-11-04 09:00", "paid", 6.0),
            ("a", "2025-11-11 09:00", "paid", 12.0),
        ]
    )
    out = customers.rfm_summary(orders, observation_end="2025-11-21", freq="D")
    assert out.drop(columns="customer_id").values.tolist() == [[2.0, 10.0, 20.0, 9.0]]


#: observation_end is Wednesday 19 Nov 2025, in the week Mon 17 – Sun 23 Nov.
MID_WEEK_ROWS = [
    ("a", "2025-11-03 10:00", "paid", 10.0),
    ("a", "2025-11-11 10:00", "paid", 20.0),
    ("a", "2025-11-20 10:00", "paid", 5.0),  # after observation_end, in its week
    ("a", "2025-11-23 23:30", "paid", 7.0),  # last minutes of that week
    ("a", "2025-11-24 00:00", "paid", 100.0),  # the next week
    ("b", "2025-11-21 10:00", "paid", 8.0),  # first and only purchase after observation_end
    ("b", "2025-11-22 10:00", "cancelled", 50.0),
    ("c", "2025-11-05 10:00", "paid", 40.0),
    ("c", "2025-11-19 23:59", "paid", 12.0),  # on observation_end's date
    ("c", "2025-11-25 10:00", "paid", 50.0),  # the next week
    ("d", "2025-11-24 00:00", "paid", 9.0),  # only in the next week
    ("e", "2025-11-16 23:59", "paid", 30.0),  # Sunday: the week before observation_end's
]


def test_rfm_summary_mid_week_observation_end_keeps_the_rest_of_its_week():
    # By hand from lifetimes 0.11.3's summary_data_from_transaction_data: every timestamp,
    # observation_end included, becomes the start of its period (to_period(freq)
    # .to_timestamp(): the day, or the Monday of the W-SUN week), so E = Mon 17 Nov.  Rows
    # whose period start is <= E are kept (all of the week of 17 Nov, even after Wed 19),
    # one customer's rows in one period are summed, and with periods P1 < ... < Pn:
    # frequency n - 1, recency (Pn - P1) / 7 days, T (E - P1) / 7 days, monetary mean of
    # the sums of P2..Pn (0 when n = 1).
    # a: weeks 3 Nov (10), 10 Nov (20), 17 Nov (5 + 7 = 12); 24 Nov dropped
    #    → frequency 2, recency 2, T 2, monetary mean(20, 12) = 16.
    # b: week 17 Nov only (8; the cancelled order is not paid) → 0, 0, T (E - 17 Nov) = 0, 0.
    # c: weeks 3 Nov (40), 17 Nov (12); 25 Nov dropped → 1, 2, 2, 12.
    # d: nothing up to the week of 17 Nov → absent.   e: week 10 Nov only → 0, 0, 1, 0.
    # (The old cut at observation_end's date gave a 1, 1, 2, 20 and left b out.)
    orders = _orders(MID_WEEK_ROWS)
    expected = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "e"],
            "frequency": [2.0, 0.0, 1.0, 0.0],
            "recency": [2.0, 0.0, 2.0, 0.0],
            "T": [2.0, 0.0, 2.0, 1.0],
            "monetary_value": [16.0, 0.0, 12.0, 0.0],
        }
    )
    out = customers.rfm_summary(orders, observation_end="2025-11-19", freq="W")
    pd.testing.assert_frame_equal(out, expected)
    # A time of day is dropped as lifetimes' to_period does; a Timestamp gives the same.
    for end in ("2025-11-19 08:00", pd.Timestamp("2025-11-19")):
        pd.testing.assert_frame_equal(
            customers.rfm_summary(orders, observation_end=end, freq="W"), expected
        )


def test_rfm_summary_mid_week_observation_end_in_days():
    # freq "D": the period of observation_end is its day, so the cut is its date (23:59 on
    # Wed 19 Nov counts, Thu 20 Nov does not).  E = 19 Nov.
    # a: days 3 Nov (10), 11 Nov (20) → frequency 1, recency 8, T 16, monetary 20.
    # b, d: nothing up to 19 Nov → absent.
    # c: days 5 Nov (40), 19 Nov (12) → 1, 14, 14, 12.   e: day 16 Nov → 0, 0, 3, 0.
    orders = _orders(MID_WEEK_ROWS)
    expected = pd.DataFrame(
        {
            "customer_id": ["a", "c", "e"],
            "frequency": [1.0, 1.0, 0.0],
            "recency": [8.0, 14.0, 0.0],
            "T": [16.0, 14.0, 3.0],
            "monetary_value": [20.0, 12.0, 0.0],
        }
    )
    out = customers.rfm_summary(orders, observation_end="2025-11-19", freq="D")
    pd.testing.assert_frame_equal(out, expected)


#: Provenance: lifetimes 0.11.3 (pandas 2.2.3) in a throwaway venv, not a project dependency:
#: ``summary_data_from_transaction_data(df, "customer_id", "ordered_at",
#: monetary_value_col="paid_amount", observation_period_end="2025-12-07", freq=...)`` on the
#: rows below, drawn with ``numpy.random.default_rng(7)`` (30 orders, 8 customers, 90 days).
LIFETIMES_ROWS = [
    ("c1", "2025-09-15 10:00", 77.0),
    ("c1", "2025-10-01 16:00", 193.0),
    ("c1", "2025-10-11 00:00", 134.0),
    ("c2", "2025-09-11 07:00", 125.0),
    ("c2", "2025-10-26 23:00", 42.0),
    ("c3", "2025-10-12 23:00", 176.0),
    ("c3", "2025-10-12 23:00", 176.0),
    ("c3", "2025-10-17 08:00", 57.0),
    ("c3", "2025-11-22 13:00", 104.0),
    ("c3", "2025-11-27 07:00", 193.0),
    ("c3", "2025-11-29 00:00", 139.0),
    ("c4", "2025-09-04 05:00", 35.0),
    ("c4", "2025-10-10 17:00", 143.0),
    ("c4", "2025-10-27 15:00", 170.0),
    ("c4", "2025-11-17 04:00", 100.0),
    ("c5", "2025-10-17 06:00", 129.0),
    ("c5", "2025-11-12 16:00", 198.0),
    ("c6", "2025-10-16 20:00", 78.0),
    ("c6", "2025-10-20 19:00", 101.0),
    ("c6", "2025-11-12 18:00", 41.0),
    ("c7", "2025-09-04 22:00", 166.0),
    ("c7", "2025-09-13 17:00", 109.0),
    ("c7", "2025-09-20 09:00", 44.0),
    ("c7", "2025-10-26 03:00", 5.0),
    ("c7", "2025-11-03 00:00", 23.0),
    ("c7", "2025-11-11 08:00", 7.0),
    ("c8", "2025-10-23 10:00", 56.0),
    ("c8", "2025-11-14 02:00", 188.0),
    ("c8", "2025-11-16 01:00", 145.0),
    ("c8", "2025-11-29 14:00", 53.0),
]
#: customer → (frequency, recency, T, monetary_value) as lifetimes printed them.
LIFETIMES_GOLDEN = {
    "W": {
        "c1": (2.0, 3.0, 11.0, 163.5),
        "c2": (1.0, 6.0, 12.0, 42.0),
        "c3": (3.0, 7.0, 8.0, 164.333333),
        "c4": (3.0, 11.0, 13.0, 137.666667),
        "c5": (1.0, 4.0, 7.0, 198.0),
        "c6": (2.0, 4.0, 7.0, 71.0),
        "c7": (5.0, 10.0, 13.0, 37.6),
        "c8": (2.0, 5.0, 6.0, 193.0),
    },
    "D": {
        "c1": (2.0, 26.0, 83.0, 163.5),
        "c2": (1.0, 45.0, 87.0, 42.0),
        "c3": (4.0, 48.0, 56.0, 123.25),
        "c4": (3.0, 74.0, 94.0, 137.666667),
        "c5": (1.0, 26.0, 51.0, 198.0),
        "c6": (2.0, 27.0, 52.0, 71.0),
        "c7": (5.0, 68.0, 94.0, 37.6),
        "c8": (3.0, 37.0, 45.0, 128.666667),
    },
}


@pytest.mark.parametrize("freq", ["W", "D"])
def test_rfm_summary_matches_lifetimes_golden(freq):
    orders = _orders([(c, t, "paid", v) for c, t, v in LIFETIMES_ROWS])
    out = customers.rfm_summary(orders, observation_end="2025-12-07", freq=freq)
    golden = pd.DataFrame.from_dict(
        LIFETIMES_GOLDEN[freq],
        orient="index",
        columns=["frequency", "recency", "T", "monetary_value"],
    )
    got = out.set_index("customer_id").rename_axis(None)
    pd.testing.assert_frame_equal(got, golden, rtol=1e-6)


def test_rfm_summary_rejects_unsupported_freq_and_bad_dates():
    orders = _orders([("a", "2025-11-01 09:00", "paid", 1.0)])
    with pytest.raises(ParameterError, match="'W'"):
        customers.rfm_summary(orders, observation_end="2025-11-30", freq="MS")
    with pytest.raises(ParameterError, match="observation_end"):
        customers.rfm_summary(orders, observation_end="end of november")


def test_missing_required_column_names_it():
    orders = _orders([("a", "2025-11-01 09:00", "paid", 1.0)]).rename(
        columns={"customer_id": "customer"}
    )
    with pytest.raises(MissingColumnsError, match="customer_id"):
        customers.repeat_rate(orders)


# -- buyer mix, channels and intervals ----------------------------------------------------


def test_buyer_mix_and_new_buyers_by_channel_by_hand():
    orders = _orders(
        [
            ("a", "2025-10-05 10:00", "paid", 1.0),
            ("a", "2025-11-03 10:00", "paid", 1.0),
            ("b", "2025-11-12 10:00", "paid", 1.0),
            ("c", "2025-11-13 10:00", "paid", 1.0),
            ("c", "2025-11-10 10:00", "cancelled", 1.0),
        ],
        channel=["search", "ads", "ads", None, "search"],
    )
    mix = pd.DataFrame(
        {
            "period_start": _days(["2025-10-01", "2025-11-01"]),
            "buyers": [1, 3],
            "new_buyers": [1, 2],
            "returning_buyers": [0, 1],
            "returning_share": [0.0, 1 / 3],
        }
    )
    pd.testing.assert_frame_equal(customers.buyer_mix(orders), mix)
    by_channel = pd.DataFrame(
        {
            # c's first *paid* order has no channel; its cancelled "search" order does not count
            "period_start": _days(["2025-10-01", "2025-11-01", "2025-11-01"]),
            "channel": ["search", "ads", "unknown"],
            "new_buyers": [1, 1, 1],
        }
    )
    pd.testing.assert_frame_equal(customers.new_buyers_by_channel(orders), by_channel)


def test_new_buyers_by_channel_sums_to_buyer_mix():
    orders = _synthetic()
    orders["channel"] = np.where(np.arange(len(orders)) % 3 == 0, "ads", "search")
    by_channel = customers.new_buyers_by_channel(orders, freq="W")
    totals = by_channel.groupby("period_start")["new_buyers"].sum()
    mix = customers.buyer_mix(orders, freq="W").set_index("period_start")["new_buyers"]
    pd.testing.assert_series_equal(totals, mix[mix > 0], check_names=False)


def test_purchase_intervals_and_summary_by_hand():
    orders = _orders(
        [
            ("a", "2025-11-01 08:00", "paid", 1.0),
            ("a", "2025-11-01 20:00", "paid", 1.0),
            ("a", "2025-11-11 09:00", "paid", 1.0),
            ("a", "2025-11-13 09:00", "paid", 1.0),
            ("b", "2025-11-02 23:59", "paid", 1.0),
            ("b", "2025-11-08 00:01", "paid", 1.0),
            ("c", "2025-11-02 10:00", "paid", 1.0),
        ]
    )
    expected = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "purchase_number": [2, 3, 2],
            "purchase_date": _days(["2025-11-11", "2025-11-13", "2025-11-08"]),
            "days_since_previous": [10, 2, 6],  # local calendar days, not 24-hour spans
        }
    )
    pd.testing.assert_frame_equal(customers.purchase_intervals(orders), expected)
    summary = customers.purchase_interval_summary(orders)
    assert summary.iloc[0].tolist() == [2, 3, 6.0, 6.0, 4.0, 8.0]


# -- RFM segments -------------------------------------------------------------------------


def test_rfm_table_by_hand():
    orders = _orders(
        [
            ("a", "2025-11-03 10:00", "paid", 10.0),
            ("a", "2025-11-20 10:00", "refunded", 30.0),
            ("b", "2025-11-12 10:00", "paid", 8.0),
            ("b", "2025-12-01 10:00", "paid", 80.0),  # after observation_end
        ]
    )
    orders["refund_amount"] = [0.0, 30.0, None, 0.0]
    expected = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "last_purchase": _days(["2025-11-20", "2025-11-12"]),
            "recency_days": [10, 18],
            "frequency": [2, 1],
            "monetary": [10.0, 8.0],
        }
    )
    out = customers.rfm_table(orders, observation_end="2025-11-30")
    pd.testing.assert_frame_equal(out, expected)


def test_rfm_segments_scores_and_ties():
    table = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(10)],
            "last_purchase": pd.Timestamp("2025-11-01"),
            "recency_days": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "frequency": [1, 1, 1, 1, 1, 1, 2, 2, 3, 9],
            "monetary": [10.0 * (i + 1) for i in range(10)],
        }
    )
    out = customers.rfm_segments(table)
    assert out["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert out["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # six one-order customers share the lowest score; equal customers, equal scores
    assert out["f_score"].tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    first = customers.rfm_segments(table, ties="first")
    assert first["f_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert set(out["segment"]) <= set(customers.SEGMENTS)
    assert (out["segment_zh"] == out["segment"].map(customers.SEGMENTS)).all()
    assert out.loc[0, "segment"] == "new"  # most recent, one order
    assert out.loc[9, "segment"] == "at_risk"  # long ago, many orders and much spend


def test_rfm_segments_from_orders_needs_observation_end():
    orders = _synthetic()
    with pytest.raises(ParameterError, match="observation_end"):
        customers.rfm_segments(orders)
    segments = customers.rfm_segments(orders, observation_end="2025-06-30")
    table = customers.rfm_table(orders, observation_end="2025-06-30")
    pd.testing.assert_frame_equal(segments[list(table.columns)], table)
    summary = customers.segment_summary(segments)
    assert summary["segment"].tolist() == list(customers.SEGMENTS)
    assert summary["customers"].sum() == len(segments)
    assert summary["share"].sum() == pytest.approx(1.0)
    assert summary["monetary"].sum() == pytest.approx(segments["monetary"].sum())


def test_functions_do_not_mutate_their_input():
    orders = _synthetic()
    orders["channel"] = "ads"
    before = orders.copy()
    customers.cohort_retention(orders)
    customers.rfm_summary(orders, observation_end="2025-06-30")
    customers.rfm_segments(orders, observation_end="2025-06-30")
    customers.new_buyers_by_channel(orders)
    customers.purchase_interval_summary(orders)
    pd.testing.assert_frame_equal(orders, before)


# -- issue 15 (nbB): suggested actions of customer_health -------------------------------------

from ecanalysis.metrics.customers import due_to_buy_again, rfm_segments, win_back_customers  # noqa: E402


def _action_orders(rows):
    """Paid orders from (customer, day) pairs."""
    return pd.DataFrame(
        {
            "customer_id": [c for c, _ in rows],
            "ordered_at": pd.to_datetime([d for _, d in rows]),
            "status": "paid",
            "paid_amount": 10.0,
        }
    )


def test_due_lists_the_overdue_active_customer_only():
    orders = _action_orders(
        [
            ("a", "2025-09-01"),  # intervals 10, 14, 40: median 14 (the mean, 21.3, would differ)
            ("a", "2025-09-11"),
            ("a", "2025-09-25"),
            ("a", "2025-11-04"),  # last purchase: 26 days before 2025-11-30
            ("b", "2025-11-01"),  # interval 19, 10 days since: not due
            ("b", "2025-11-20"),
            ("c", "2025-10-01"),  # interval 4, 60 days since, but P(alive) 0.3: not due
            ("c", "2025-10-05"),
            ("d", "2025-06-01"),  # one purchase day: no interval of their own
            ("e", "2025-08-01"),  # interval 30, 91 days since, absent from p_alive
            ("e", "2025-08-31"),
        ]
    )
    alive = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "p_alive": [0.8, 0.95, 0.3, 0.9]})
    due = due_to_buy_again(orders, alive, observation_end="2025-11-30")
    expected = pd.DataFrame(
        {
            "customer_id": ["a"],
            "last_purchase": pd.to_datetime(["2025-11-04"]).astype("datetime64[ns]"),
            "days_since_last": [26],
            "usual_interval_days": [14.0],
            "overdue_days": [12.0],
            "p_alive": [0.8],
        }
    )
    pd.testing.assert_frame_equal(due, expected)


def test_due_ignores_orders_after_observation_end_and_sorts_by_overdue_ratio():
    orders = _action_orders(
        [
            ("a", "2025-10-01"),
            ("a", "2025-10-11"),  # interval 10, 20 days since 10-31: ratio 2
            ("a", "2025-11-05"),  # after observation_end: unseen
            ("b", "2025-09-01"),
            ("b", "2025-09-06"),  # interval 5, 55 days since: ratio 11
        ]
    )
    alive = pd.DataFrame({"customer_id": ["a", "b"], "p_alive": [0.9, 0.7]})
    due = due_to_buy_again(orders, alive, observation_end="2025-10-31")
    assert due["customer_id"].tolist() == ["b", "a"]
    assert due["days_since_last"].tolist() == [55, 20]
    assert due["usual_interval_days"].tolist() == [5.0, 10.0]
    # min_p_alive is inclusive and can drop b
    assert due_to_buy_again(orders, alive, observation_end="2025-10-31", min_p_alive=0.8)[
        "customer_id"
    ].tolist() == ["a"]


def test_due_refuses_a_probability_outside_0_1():
    with pytest.raises(ParameterError, match="min_p_alive"):
        due_to_buy_again(
            _action_orders([("a", "2025-10-01")]),
            pd.DataFrame({"customer_id": ["a"], "p_alive": [0.5]}),
            observation_end="2025-10-31",
            min_p_alive=70,
        )


def test_win_back_is_the_at_risk_segment_with_its_count():
    table = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "last_purchase": pd.to_datetime(
                ["2025-11-29", "2025-11-20", "2025-10-01", "2025-06-01", "2025-11-25"]
            ),
            "recency_days": [1, 10, 60, 182, 5],
            "frequency": [6, 3, 4, 1, 1],
            "monetary": [600.0, 150.0, 300.0, 20.0, 40.0],
        }
    )
    segments = rfm_segments(table)
    back = win_back_customers(segments)
    # c is the only customer with R <= 2 and FM >= 3 (see rfm_segments' example)
    assert back["customer_id"].tolist() == ["c"]
    assert back["segment"].tolist() == ["at_risk"]
    assert len(back) == int((segments["segment"] == "at_risk").sum())
    both = win_back_customers(segments, include=("at_risk", "lost"))
    assert both["customer_id"].tolist() == ["c", "d"]  # highest spend first
    with pytest.raises(ParameterError, match="cant_lose"):
        win_back_customers(segments, include=("cant_lose",))
