"""Tests of ecanalysis.metrics.profit (DESIGN §5 "Profit"): hand-computed frames, the
contribution-margin identity on the sample, cohort payback, the break-even channel advice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from ecanalysis.errors import ParameterError
from ecanalysis.metrics.channels import flag_channels
from ecanalysis.metrics.profit import (
    breakeven_roas,
    cohort_value,
    contribution_margin,
    mer,
    ncac,
    order_category,
)
from ecanalysis.params import load_settings, store_costs

NAN = np.nan
COSTS = {
    "payment_fee_rate": 0.01,
    "commission_rate": 0.05,
    "other_variable_rate": 0.02,
    "fulfilment_cost_per_order": 10.0,
}


def orders() -> pd.DataFrame:
    """Three paid orders and one unpaid over 10–12 Nov; B is refunded in full on the 12th.

    A (c1, 10th): 200 paid, cost 120, no shipping_cost (→ 10 from the params)
    B (c2, 10th): 100 paid, cost 50, shipping_cost 6, refunded 100 on the 12th
    C (c1, 11th): 300 paid, cost 150, shipping_cost 14 (c1 is returning)
    D (c3, 11th): placed, never paid
    """
    return pd.DataFrame(
        {
            "order_id": ["A", "B", "C", "D"],
            "customer_id": ["c1", "c2", "c1", "c3"],
            "ordered_at": pd.to_datetime(
                ["2025-11-10 09:00", "2025-11-10 10:00", "2025-11-11 11:00", "2025-11-11 12:00"]
            ),
            "paid_at": pd.to_datetime(
                ["2025-11-10 09:01", "2025-11-10 10:01", "2025-11-11 11:01", None]
            ),
            "status": ["completed", "refunded", "completed", "placed"],
            "channel": ["search", "social", "search", "search"],
            "device": ["app", "app", "desktop", "app"],
            "gross_amount": [200.0, 100.0, 300.0, 80.0],
            "paid_amount": [200.0, 100.0, 300.0, 80.0],
            "refund_amount": [0.0, 100.0, 0.0, 0.0],
            "refunded_at": pd.to_datetime([None, "2025-11-12 15:00", None, None]),
            "cost_amount": [120.0, 50.0, 150.0, 40.0],
            "shipping_cost": [NAN, 6.0, 14.0, NAN],
        }
    )


def spend() -> pd.DataFrame:
    """50 on the 10th (search), 40 + 20 on the 11th, nothing on the 12th, 30 on the 13th."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-10", "2025-11-11", "2025-11-11", "2025-11-13"]),
            "channel": ["search", "search", "social", "social"],
            "spend": [50.0, 40.0, 20.0, 30.0],
        }
    )


def expected_daily() -> pd.DataFrame:
    """By hand. Day 10: paid 300, COGS 170, fees 3 + 15 + 6, fulfilment 10 + 6.
    Day 11: paid 300, COGS 150, fees 24, fulfilment 14. Day 12: the refund of 100 only.
    Day 13: ad spend only (no order activity)."""
    cm1 = [130.0, 150.0, -100.0, 0.0]
    cm2 = [130.0 - 24 - 16, 150.0 - 24 - 14, -100.0, 0.0]
    ad = [50.0, 60.0, 0.0, 30.0]
    cm3 = [c - a for c, a in zip(cm2, ad, strict=True)]
    return pd.DataFrame(
        {
            "period_start": pd.to_datetime(
                ["2025-11-10", "2025-11-11", "2025-11-12", "2025-11-13"]
            ).astype("datetime64[ns]"),
            "orders": [2, 1, 0, 0],
            "new_buyers": [2, 0, 0, 0],
            "paid_amount": [300.0, 300.0, 0.0, 0.0],
            "net_sales": [300.0, 300.0, -100.0, 0.0],
            "cost_amount": [170.0, 150.0, 0.0, 0.0],
            "cost_coverage": [1.0, 1.0, NAN, NAN],
            "cm1": cm1,
            "cm1_rate": [130 / 300, 150 / 300, NAN, NAN],
            "payment_fees": [3.0, 3.0, 0.0, 0.0],
            "commission": [15.0, 15.0, 0.0, 0.0],
            "other_variable_cost": [6.0, 6.0, 0.0, 0.0],
            "fulfilment_cost": [16.0, 14.0, 0.0, 0.0],
            "cm2": cm2,
            "cm2_rate": [90 / 300, 112 / 300, NAN, NAN],
            "ad_spend": ad,
            "contribution_margin": cm3,
            "contribution_margin_rate": [40 / 300, 52 / 300, NAN, NAN],
            "breakeven_roas": [300 / 90, 300 / 112, NAN, NAN],
            "mer": [6.0, 5.0, NAN, 0.0],
            "ncac": [25.0, NAN, NAN, NAN],
        }
    )


# contribution_margin ------------------------------------------------------------------------


def test_contribution_margin_daily_by_hand():
    got = contribution_margin(orders(), spend(), costs=COSTS)
    assert_frame_equal(got, expected_daily())


def test_refunds_larger_than_sales_give_negative_margins_and_no_rates():
    day = contribution_margin(orders(), spend(), costs=COSTS).iloc[2]
    assert day["net_sales"] == -100.0 and day["contribution_margin"] == -100.0
    # A rate over a negative base would read +100 %: NaN instead; no ROAS breaks even.
    assert np.isnan(day["contribution_margin_rate"]) and np.isnan(day["breakeven_roas"])


def test_zero_cm2_has_no_breakeven_roas():
    one = orders().iloc[[0]].assign(cost_amount=200.0 - 10.0 - 16.0)
    costs = {**COSTS, "fulfilment_cost_per_order": 0.0}  # fees 16, COGS 174 + 10 → CM2 0
    one = one.assign(shipping_cost=10.0)
    row = contribution_margin(one, costs=costs).iloc[0]
    assert row["cm2"] == pytest.approx(0.0)
    assert np.isnan(row["breakeven_roas"])


def test_a_month_adds_up_the_days():
    monthly = contribution_margin(orders(), spend(), costs=COSTS, freq="MS")
    daily = expected_daily()
    assert len(monthly) == 1
    row = monthly.iloc[0]
    for column in ("paid_amount", "net_sales", "cm1", "fulfilment_cost", "cm2", "ad_spend"):
        assert row[column] == pytest.approx(daily[column].sum()), column
    assert row["contribution_margin"] == pytest.approx(500 - 320 - 48 - 30 - 140)
    assert row["breakeven_roas"] == pytest.approx(600 / 102)
    assert row["mer"] == pytest.approx(600 / 140)
    assert row["ncac"] == pytest.approx(140 / 2)


def test_no_ad_spend_table_is_unknown_not_zero():
    got = contribution_margin(orders(), None, costs=COSTS)
    assert len(got) == 3  # no row for the 13th: only the spend was there
    assert got["ad_spend"].isna().all() and got["contribution_margin"].isna().all()
    assert got["mer"].isna().all() and got["ncac"].isna().all()
    assert got["cm2"].tolist() == expected_daily()["cm2"].iloc[:3].tolist()


def test_an_empty_ad_spend_table_is_no_spend():
    got = contribution_margin(orders(), spend().iloc[:0], costs=COSTS)
    assert got["ad_spend"].tolist() == [0.0, 0.0, 0.0]
    assert got["contribution_margin"].tolist() == got["cm2"].tolist()
    assert got["mer"].isna().all()


def test_missing_costs_are_nan_and_cm1_still_shows():
    got = contribution_margin(orders(), spend(), costs={"payment_fee_rate": 0.01})
    assert got["payment_fees"].tolist() == [3.0, 3.0, 0.0, 0.0]
    assert got["commission"].isna().all() and got["other_variable_cost"].isna().all()
    # Without a per-order cost, only days whose paid orders all carry shipping_cost are known.
    assert got["fulfilment_cost"].tolist()[1:] == [14.0, 0.0, 0.0]
    assert np.isnan(got["fulfilment_cost"].iloc[0])
    assert got["cm2"].isna().all() and got["breakeven_roas"].isna().all()
    assert got["cm1"].tolist() == expected_daily()["cm1"].tolist()
    assert got["cost_coverage"].iloc[0] == 1.0


def test_costs_none_is_every_cost_unknown():
    got = contribution_margin(orders(), spend(), costs=None)
    assert got[["payment_fees", "commission", "other_variable_cost"]].isna().all().all()


def test_no_cost_amount_gives_nan_cm1_and_zero_coverage():
    got = contribution_margin(orders().drop(columns="cost_amount"), spend(), costs=COSTS)
    assert got["cm1"].isna().all() and got["contribution_margin"].isna().all()
    assert got["cost_coverage"].iloc[0] == 0.0


def test_shipping_cost_overrides_the_per_order_cost_on_those_orders_only():
    no_column = contribution_margin(orders().drop(columns="shipping_cost"), costs=COSTS)
    with_column = contribution_margin(orders(), costs=COSTS)
    assert no_column["fulfilment_cost"].tolist() == [20.0, 10.0, 0.0]
    assert with_column["fulfilment_cost"].tolist() == [16.0, 14.0, 0.0]


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        ({"payment_fee": 0.01}, r"unknown cost 'payment_fee'.*did you mean 'payment_fee_rate'"),
        ({"commission_rate": 5}, r"commission_rate: 5 .*from 0 up to \(not including\) 1"),
        ({"fulfilment_cost_per_order": -1}, r"at least 0"),
        ({"other_variable_rate": "1%"}, r"a number"),
    ],
)
def test_bad_costs_are_refused(costs, message):
    with pytest.raises(ParameterError, match=message):
        contribution_margin(orders(), costs=costs)


def test_by_channel_splits_ad_spend_and_adds_up():
    got = contribution_margin(orders(), spend(), costs=COSTS, freq="MS", by="channel")
    got = got.set_index("channel")
    # search: A + C, paid 500, COGS 270, fees 8 % → 40, fulfilment 10 + 14, spend 90.
    assert got.loc["search", "cm2"] == pytest.approx(500 - 270 - 40 - 24)
    assert got.loc["search", "contribution_margin"] == pytest.approx(166 - 90)
    # social: B, paid 100 and refunded, COGS 50, fees 8, fulfilment 6, spend 50.
    assert got.loc["social", "contribution_margin"] == pytest.approx(-50 - 8 - 6 - 50)
    assert got["contribution_margin"].sum() == pytest.approx(500 - 320 - 48 - 30 - 140)


def test_by_a_column_ad_spend_lacks_leaves_ad_spend_unknown():
    got = contribution_margin(orders(), spend(), costs=COSTS, freq="MS", by="device")
    assert got["ad_spend"].isna().all() and got["cm2"].notna().all()


def test_input_is_not_mutated():
    frame, ads = orders(), spend()
    contribution_margin(frame, ads, costs=COSTS, by="channel")
    assert_frame_equal(frame, orders())
    assert_frame_equal(ads, spend())


def test_identity_on_the_sample(sample_dir):
    """CM3 = net sales − COGS − fees − commission − other − fulfilment − ad spend, for the
    last month of the Shopify store (whose shipped orders carry shipping_cost), computed here
    straight from the tables with the store's params."""
    from pathlib import Path

    params = Path(__file__).resolve().parent.parent / "params"
    costs = store_costs(load_settings(params, "shop02"))
    all_orders = pd.read_parquet(sample_dir / "orders.parquet")
    store = all_orders[all_orders["store_id"] == "shop02"]
    ads = pd.read_parquet(sample_dir / "ad_spend.parquet")
    ads = ads[ads["store_id"] == "shop02"]
    table = contribution_margin(store, ads, costs=costs, freq="MS")
    row = table.set_index("period_start").loc[pd.Timestamp("2025-11-01")]

    def in_november(stamps):
        return (stamps >= "2025-11-01") & (stamps < "2025-12-01")

    paid = store[store["paid_at"].notna() & (store["status"] != "cancelled")]
    paid_november = paid[in_november(paid["paid_at"])]
    refunded_at = paid["refunded_at"].fillna(paid["paid_at"])
    refunds = paid.loc[in_november(refunded_at), "refund_amount"].sum()
    paid_amount = paid_november["paid_amount"].sum()
    net_sales = paid_amount - refunds
    cogs = paid_november["cost_amount"].sum()
    rates = costs["payment_fee_rate"] + costs["commission_rate"] + costs["other_variable_rate"]
    fulfilment = paid_november["shipping_cost"].fillna(costs["fulfilment_cost_per_order"]).sum()
    ad = ads.loc[in_november(ads["date"]), "spend"].sum()
    assert (
        paid_november["shipping_cost"].notna().any() and paid_november["shipping_cost"].isna().any()
    )
    expected = net_sales - cogs - rates * paid_amount - fulfilment - ad
    assert row["contribution_margin"] == pytest.approx(expected, rel=1e-9)
    assert row["fulfilment_cost"] == pytest.approx(fulfilment)
    assert row["breakeven_roas"] == pytest.approx(paid_amount / (expected + ad))


_rows = st.lists(
    st.tuples(
        st.integers(0, 4),  # customer
        st.integers(0, 60 * 24 * 20),  # minutes after 2025-10-25 (spans two months)
        st.sampled_from(["placed", "paid", "completed", "cancelled", "refunded"]),
        st.floats(0, 500, allow_nan=False),  # paid amount
        st.floats(0, 1, allow_nan=False),  # cost share of it
        st.one_of(st.none(), st.floats(0, 30, allow_nan=False)),  # shipping_cost
    ),
    max_size=20,
)
_spend_days = st.lists(
    st.tuples(st.integers(0, 19), st.floats(0, 300, allow_nan=False)), max_size=10
)


def _random(rows, spend_days):
    start = pd.Timestamp("2025-10-25")
    ordered = pd.Series([start + pd.Timedelta(minutes=m) for _, m, *_ in rows])
    frame = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(rows))],
            "customer_id": [f"c{c}" for c, *_ in rows],
            "ordered_at": ordered.astype("datetime64[ns]"),
            "paid_at": ordered.astype("datetime64[ns]"),
            "status": [s for _, _, s, *_ in rows],
            "gross_amount": [a for _, _, _, a, _, _ in rows],
            "paid_amount": [a for _, _, _, a, _, _ in rows],
            "refund_amount": [a if s == "refunded" else 0.0 for _, _, s, a, _, _ in rows],
            "refunded_at": (ordered + pd.Timedelta(days=3)).astype("datetime64[ns]"),
            "cost_amount": [a * c for _, _, _, a, c, _ in rows],
            "shipping_cost": [NAN if x is None else x for *_, x in rows],
        }
    )
    ads = pd.DataFrame(
        {
            "date": pd.Series(
                [start + pd.Timedelta(days=d) for d, _ in spend_days], dtype="datetime64[ns]"
            ),
            "spend": pd.Series([x for _, x in spend_days], dtype="float64"),
        }
    )
    return frame, ads


@settings(max_examples=40, deadline=None)
@given(_rows, _spend_days)
def test_identity_per_row_and_days_add_up_to_months(rows, spend_days):
    orders, ads = _random(rows, spend_days)
    daily = contribution_margin(orders, ads, costs=COSTS, freq="D")
    costs = daily[["payment_fees", "commission", "other_variable_cost", "fulfilment_cost"]]
    np.testing.assert_allclose(
        daily["contribution_margin"],
        daily["net_sales"] - daily["cost_amount"] - costs.sum(axis=1) - daily["ad_spend"],
        atol=1e-6,
    )
    monthly = contribution_margin(orders, ads, costs=COSTS, freq="MS").set_index("period_start")
    month = daily["period_start"].dt.to_period("M").dt.start_time
    for column in ("paid_amount", "fulfilment_cost", "cm2", "ad_spend", "contribution_margin"):
        summed = daily.groupby(month)[column].sum()
        np.testing.assert_allclose(summed, monthly.loc[summed.index, column], atol=1e-6)
    assert daily["ad_spend"].sum() == pytest.approx(ads["spend"].sum())
    positive = daily["cm2"] > 0
    assert (daily.loc[positive, "breakeven_roas"] >= 1 - 1e-9).all()  # CM2 ≤ paid amount


# breakeven_roas, mer, ncac ------------------------------------------------------------------


def test_ratio_helpers_on_the_contribution_table():
    table = contribution_margin(orders(), spend(), costs=COSTS)
    expected = expected_daily()
    got = breakeven_roas(table)
    assert list(got.columns) == ["period_start", "paid_amount", "cm2", "breakeven_roas"]
    assert_frame_equal(got, expected[list(got.columns)])
    got = mer(table)
    assert_frame_equal(got, expected[["period_start", "paid_amount", "ad_spend", "mer"]])
    got = ncac(table)
    want = expected[["period_start", "ad_spend", "new_buyers", "ncac"]]
    assert_frame_equal(got, want.astype({"new_buyers": "float64"}))


def test_ncac_on_a_channel_table_names_its_spend_column():
    channels = pd.DataFrame(
        {"channel": ["a", "b", "c"], "spend": [300.0, 0.0, 50.0], "new_buyers": [10, 0, 0]}
    )
    got = ncac(channels, spend_col="spend")
    assert got["channel"].tolist() == ["a", "b", "c"]
    assert got["ncac"].tolist()[0] == 30.0 and got["ncac"].iloc[1:].isna().all()


def test_ratio_helpers_name_a_missing_column():
    with pytest.raises(Exception, match="cm2"):
        breakeven_roas(pd.DataFrame({"paid_amount": [1.0]}))


# cohort_value --------------------------------------------------------------------------------


def cohort_orders() -> pd.DataFrame:
    """a: Jan 100 (search), Feb 50 refunded in full (email), Mar 80; b: Jan 60 (social);
    c: Feb 40 (search). The data end in March."""
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "a", "c", "a"],
            "ordered_at": pd.to_datetime(
                ["2025-01-05", "2025-01-20", "2025-02-10", "2025-02-02", "2025-03-03"]
            ),
            "status": ["completed", "completed", "refunded", "completed", "completed"],
            "channel": ["search", "social", "email", "search", "email"],
            "paid_amount": [100.0, 60.0, 50.0, 40.0, 80.0],
            "refund_amount": [0.0, 0.0, 50.0, 0.0, 0.0],
            "cost_amount": [60.0, 30.0, 25.0, 20.0, 40.0],
        }
    )


def cohort_spend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01", "2025-01-15", "2025-02-01"]),
            "channel": ["search", "social", "search"],
            "spend": [200.0, 20.0, 50.0],
        }
    )


def test_cohort_value_net_sales_censoring_and_payback():
    got = cohort_value(cohort_orders(), ad_spend=cohort_spend())
    expected = pd.DataFrame(
        {
            "cohort": pd.to_datetime(["2025-01-01"] * 3 + ["2025-02-01"] * 2).astype(
                "datetime64[ns]"
            ),
            "age": [0, 1, 2, 0, 1],  # February's cohort has no age 2: censored
            "cohort_size": [2, 2, 2, 1, 1],
            "value": [160.0, 0.0, 80.0, 40.0, 0.0],
            "cumulative_value": [160.0, 160.0, 240.0, 40.0, 40.0],
            "cumulative_value_per_customer": [80.0, 80.0, 120.0, 40.0, 40.0],
            "ad_spend": [220.0, 220.0, 220.0, 50.0, 50.0],
            "cac": [110.0, 110.0, 110.0, 50.0, 50.0],
            "payback_age": [2.0, 2.0, 2.0, NAN, NAN],  # February not yet paid back
        }
    )
    assert_frame_equal(got, expected)


def test_cohort_value_gross_profit_and_unknown_cost():
    got = cohort_value(cohort_orders(), value="gross_profit")
    jan = got[got["cohort"] == "2025-01-01"]
    assert jan["value"].tolist() == [70.0, -25.0, 40.0]
    assert jan["cumulative_value_per_customer"].tolist() == [35.0, 22.5, 42.5]
    assert got["cac"].isna().all() and got["payback_age"].isna().all()
    unknown = cohort_orders().assign(cost_amount=[60.0, 30.0, NAN, 20.0, 40.0])
    got = cohort_value(unknown, value="gross_profit")
    jan = got[got["cohort"] == "2025-01-01"]
    assert jan["value"].tolist()[0] == 70.0
    assert jan["value"].iloc[1:2].isna().all() and jan["cumulative_value"].iloc[1:].isna().all()


def test_cohort_value_by_first_channel_with_channel_cac():
    got = cohort_value(cohort_orders(), by="channel", ad_spend=cohort_spend())
    rows = {(r.channel, str(r.cohort.date()), r.age): r for r in got.itertuples()}
    # a's later orders came by email but stay in a's first channel, search.
    assert "email" not in set(got["channel"])
    assert rows[("search", "2025-01-01", 2)].cumulative_value_per_customer == 180.0
    assert rows[("search", "2025-01-01", 0)].cac == 200.0
    assert np.isnan(rows[("search", "2025-01-01", 0)].payback_age)
    assert rows[("social", "2025-01-01", 0)].cac == 20.0
    assert rows[("social", "2025-01-01", 1)].payback_age == 0.0
    assert rows[("search", "2025-02-01", 1)].cac == 50.0
    assert list(got.columns)[:2] == ["channel", "cohort"]


def test_cohort_value_by_a_column_ad_spend_lacks_has_no_cac():
    frame = cohort_orders().assign(campaign_id=["x", None, None, "y", None])
    got = cohort_value(frame, by="campaign_id", ad_spend=cohort_spend())
    assert set(got["campaign_id"]) == {"x", "y", "(none)"}
    assert got["cac"].isna().all()


def test_cohort_value_refuses_an_unknown_value():
    with pytest.raises(ParameterError, match="value='revenue'"):
        cohort_value(cohort_orders(), value="revenue")


def test_order_category_takes_the_largest_line():
    items = pd.DataFrame(
        {
            "order_id": ["A", "A", "B", "C", "C"],
            "line_no": [1, 2, 1, 1, 2],
            "sku": ["s1", "s2", "s3", "s1", "s2"],
            "quantity": [1, 1, 1, 2, 1],
            "unit_price": [30.0, 70.0, 5.0, 10.0, 20.0],
        }
    )
    products = pd.DataFrame({"sku": ["s1", "s2"], "category": ["mug", "lamp"]})
    got = order_category(items, products)
    expected = pd.DataFrame({"order_id": ["A", "B", "C"], "category": ["lamp", "(none)", "mug"]})
    assert_frame_equal(got, expected.astype("str"))  # C: a tie of 20, the first line wins


# channel advice against break-even --------------------------------------------------------------


def channels_at(roas: list[float], spend_share: list[float]) -> pd.DataFrame:
    spend = [1000.0] * len(roas)
    return pd.DataFrame(
        {
            "channel": [f"ch{i}" for i in range(len(roas))],
            "spend": spend,
            "paid_amount": [r * s for r, s in zip(roas, spend, strict=True)],
            "roas": roas,
            "spend_share": spend_share,
        }
    )


def test_a_channel_at_roas_2_7_is_kept_by_roas_1_and_cut_by_break_even_3_3():
    perf = channels_at([2.7], [0.5])
    # At a ~30 % CM2 margin break-even is 1 / 0.3 = 3.33: 2.7 loses money on every order.
    assert flag_channels(perf)["action"].tolist() == ["keep"]  # the old ROAS-1 rule
    advised = flag_channels(perf, breakeven_roas=3.3)
    assert advised["action"].tolist() == ["cut"]
    assert "break-even ROAS 3.30" in advised.loc[0, "reason"]


def test_below_break_even_is_never_keep_or_grow():
    perf = channels_at([2.7, 3.2, 3.5, 2.0], [0.5, 0.3, 0.17, 0.03])
    got = flag_channels(perf, breakeven_roas=3.3, grow_roas=3.0)
    # 3.2 ≥ grow 3.0 but below break-even: cut; 3.5 above both: grow; small budget: watch.
    assert got["action"].tolist() == ["cut", "cut", "grow", "watch"]
    unknown = flag_channels(perf, breakeven_roas=float("nan"), grow_roas=3.0)
    assert unknown["action"].tolist() == ["keep", "grow", "grow", "keep"]
    nothing = flag_channels(perf, breakeven_roas=float("inf"))
    assert set(nothing["action"]) == {"cut", "watch"}
