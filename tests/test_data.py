"""Tests of ecanalysis.data: discovery, dtypes, local time, filters, coverage, checks, facts."""

from __future__ import annotations

import datetime as dt
import pickle
import textwrap

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ecanalysis.data import open_dataset
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.periods import parse_period

STORES_CSV = """\
store_id,name,timezone,currency
00001,Shanghai shop,Asia/Shanghai,CNY
00002,New York shop,America/New_York,USD
"""

# O3 is paid after midnight (a day later than ordered) and refunded two days later;
# O6 is refunded without refunded_at (dated by paid_at); O4 is unpaid, O5 cancelled.
ORDERS_CSV = """\
order_id,store_id,customer_id,ordered_at,paid_at,status,gross_amount,paid_amount,refund_amount,refunded_at,cost_amount
O1,00001,007,2025-11-10 09:00,2025-11-10 09:05,completed,110,100,0,,60
O2,00001,007,2025-11-10 20:00,2025-11-10 20:01,completed,50,50,0,,20
O3,00001,008,2025-11-10 23:30,2025-11-11 00:10,partially_refunded,80,80,30,2025-11-12 10:00,40
O4,00001,009,2025-11-11 10:00,,placed,70,70,,,
O5,00001,010,2025-11-11 11:00,2025-11-11 11:01,cancelled,90,90,,,
O6,00001,008,2025-11-11 12:00,2025-11-11 12:05,refunded,40,40,40,,
O7,00002,007,2025-11-10 08:00,2025-11-10 08:00,completed,200,200,0,,120
"""


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


def write_parquet(path, columns: dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)


@pytest.fixture
def csv_dir(tmp_path):
    folder = tmp_path / "csv"
    write(folder, "stores.csv", STORES_CSV)
    write(folder, "orders.csv", ORDERS_CSV)
    return folder


# -- discovery and dtypes -------------------------------------------------------------


def test_csv_ids_stay_strings_and_dtypes_follow_the_conventions(csv_dir):
    dataset = open_dataset(csv_dir)
    assert dataset.tables() == ["stores", "orders"]
    orders = dataset.table("orders")
    assert orders["store_id"].tolist()[:2] == ["00001", "00001"]
    assert orders["customer_id"].tolist()[0] == "007"
    assert orders.dtypes.astype(str).to_dict() == {
        "order_id": "str",
        "store_id": "str",
        "customer_id": "str",
        "ordered_at": "datetime64[ns]",
        "paid_at": "datetime64[ns]",
        "status": "str",
        "gross_amount": "float64",
        "paid_amount": "float64",
        "refund_amount": "float64",
        "refunded_at": "datetime64[ns]",
        "cost_amount": "float64",
    }
    assert orders.index.equals(pd.RangeIndex(7))
    assert orders.loc[2, "paid_at"] == pd.Timestamp("2025-11-11 00:10")
    assert pd.isna(orders.loc[3, "paid_at"])
    stores = dataset.stores()
    assert stores["store_id"].tolist() == ["00001", "00002"]


def test_counts_are_never_rounded_on_the_way_in(csv_dir, tmp_path):
    """A fractional count reaches validation as it is (4.5, not a rounded 5); whole
    counts become int64, from CSV text and from Parquet doubles alike."""
    write(
        csv_dir,
        "reviews.csv",
        """\
        review_id,store_id,created_at,rating
        r1,00001,2025-11-10 09:00,4.5
        r2,00001,2025-11-10 10:00,2
        r3,00002,2025-11-10 10:00,5
        """,
    )
    dataset = open_dataset(csv_dir)
    shanghai = dataset.table("reviews", store_id="00001")
    assert shanghai["rating"].dtype == "float64"
    assert shanghai["rating"].tolist() == [4.5, 2.0]
    new_york = dataset.table("reviews", store_id="00002")
    assert new_york["rating"].dtype == "int64"
    assert new_york["rating"].tolist() == [5]

    (csv_dir / "reviews.csv").unlink()
    write_parquet(
        csv_dir / "reviews.parquet",
        {
            "review_id": ["r1", "r2"],
            "store_id": ["00001", "00001"],
            "created_at": [dt.datetime(2025, 11, 10, 9), dt.datetime(2025, 11, 10, 10)],
            "rating": [4.0, 2.5],
        },
    )
    assert open_dataset(csv_dir).table("reviews")["rating"].tolist() == [4.0, 2.5]


def test_parquet_and_hive_folders_are_found(tmp_path):
    folder = tmp_path / "hive"
    write(folder, "stores.csv", STORES_CSV)
    for store, month, ids in [("00001", "2025-10", ["A"]), ("00001", "2025-11", ["B", "C"])]:
        write_parquet(
            folder / "orders" / f"store_id={store}" / f"month={month}" / "part-0.parquet",
            {
                "order_id": ids,
                "customer_id": ["c1"] * len(ids),
                "ordered_at": [pd.Timestamp(f"{month}-05 10:00")] * len(ids),
                "status": ["paid"] * len(ids),
                "gross_amount": [1.0] * len(ids),
                "paid_amount": [1.0] * len(ids),
            },
        )
    write_parquet(
        folder / "orders" / "store_id=00002" / "month=2025-11" / "part-0.parquet",
        {
            "order_id": ["D"],
            "customer_id": ["c9"],
            "ordered_at": [pd.Timestamp("2025-11-06 10:00")],
            "status": ["paid"],
            "gross_amount": [2.0],
            "paid_amount": [2.0],
        },
    )
    (folder / "README.md").write_text("not a table")
    dataset = open_dataset(folder)
    assert dataset.tables() == ["stores", "orders"]
    orders = dataset.table("orders")
    assert "month" not in orders.columns  # a partition key that is not a contract column
    assert orders["store_id"].dtype == "str"
    assert sorted(orders["store_id"]) == ["00001", "00001", "00001", "00002"]
    one = dataset.table("orders", store_id="00001", period=parse_period("2025-11", "UTC"))
    assert sorted(one["order_id"]) == ["B", "C"]
    assert set(one["store_id"]) == {"00001"}


def test_two_sources_for_one_table_are_refused(csv_dir):
    write_parquet(csv_dir / "orders.parquet", {"order_id": ["x"]})
    with pytest.raises(DataError, match=r"orders\.csv, orders\.parquet"):
        open_dataset(csv_dir)


def test_missing_directory_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        open_dataset(tmp_path / "nowhere")


def test_unknown_and_absent_tables(csv_dir):
    dataset = open_dataset(csv_dir)
    assert not dataset.has("traffic")
    with pytest.raises(DataError, match="has no 'traffic' table"):
        dataset.table("traffic")
    with pytest.raises(DataError, match="did you mean 'orders'"):
        dataset.table("order")


def test_dataset_pickles_without_its_connection(csv_dir):
    dataset = open_dataset(csv_dir)
    dataset.table("stores")
    copy = pickle.loads(pickle.dumps(dataset))
    assert copy.table("orders", store_id="00002")["order_id"].tolist() == ["O7"]


# -- local time ------------------------------------------------------------------------


def test_zoned_parquet_timestamps_become_store_local(tmp_path):
    folder = tmp_path / "zoned"
    write(folder, "stores.csv", STORES_CSV)
    instant = pd.Timestamp("2025-11-30 16:30", tz="UTC")  # Dec 1 00:30 in Shanghai
    write_parquet(
        folder / "orders.parquet",
        {
            "order_id": ["S", "N"],
            "store_id": ["00001", "00002"],
            "customer_id": ["c1", "c2"],
            "ordered_at": pa.array([instant, instant], type=pa.timestamp("us", tz="UTC")),
            "status": ["paid", "paid"],
            "gross_amount": [1.0, 1.0],
            "paid_amount": [1.0, 1.0],
        },
    )
    orders = open_dataset(folder).table("orders")
    assert orders["ordered_at"].dtype == "datetime64[ns]"
    assert orders["ordered_at"].tolist() == [
        pd.Timestamp("2025-12-01 00:30"),  # Asia/Shanghai, UTC+8
        pd.Timestamp("2025-11-30 11:30"),  # America/New_York, UTC-5
    ]
    december = open_dataset(folder).table(
        "orders", store_id="00001", period=parse_period("2025-12", "Asia/Shanghai")
    )
    assert december["order_id"].tolist() == ["S"]


def test_naive_timestamps_are_local_and_csv_offsets_are_converted_per_row(tmp_path):
    folder = tmp_path / "offsets"
    write(folder, "stores.csv", STORES_CSV)
    write(
        folder,
        "orders.csv",
        """\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amount
        late,00001,c1,2025-11-30 23:30,paid,1,1
        utc,00001,c1,2025-11-30T16:30:00Z,paid,1,1
        plus8,00001,c1,2025-11-30T23:59:00+08:00,paid,1,1
        ny,00002,c2,2025-12-01T03:00:00+00:00,paid,1,1
        """,
    )
    dataset = open_dataset(folder)
    orders = dataset.table("orders")
    assert orders["ordered_at"].tolist() == [
        pd.Timestamp("2025-11-30 23:30"),
        pd.Timestamp("2025-12-01 00:30"),
        pd.Timestamp("2025-11-30 23:59"),
        pd.Timestamp("2025-11-30 22:00"),
    ]
    november = dataset.table("orders", store_id="00001", period="2025-11")
    assert november["order_id"].tolist() == ["late", "plus8"]


def test_bad_timestamp_names_table_column_and_row(tmp_path):
    folder = tmp_path / "bad"
    write(folder, "stores.csv", STORES_CSV)
    write(
        folder,
        "orders.csv",
        """\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amount
        a,00001,c1,2025-11-30 23:30,paid,1,1
        b,00001,c1,yesterday noon,paid,1,1
        """,
    )
    with pytest.raises(DataError) as info:
        open_dataset(folder).table("orders")
    message = str(info.value)
    assert "'orders'" in message
    assert "ordered_at" in message
    assert "'yesterday noon' (row 2)" in message


def test_unreadable_parquet_names_the_file(csv_dir):
    (csv_dir / "traffic.parquet").write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match=r"traffic\.parquet"):
        open_dataset(csv_dir).table("traffic")


# -- filters and projection ------------------------------------------------------------


def test_store_and_period_filters_are_half_open_local_windows(csv_dir):
    dataset = open_dataset(csv_dir)
    day = parse_period("2025-11-10", "Asia/Shanghai")
    ids = dataset.table("orders", store_id="00001", period=day)["order_id"].tolist()
    assert ids == ["O1", "O2", "O3"]  # by ordered_at; O3 placed 23:30
    history = dataset.table("orders", store_id="00001", until=day)
    assert history["order_id"].tolist() == ["O1", "O2", "O3"]
    assert dataset.table("orders", until=dt.date(2025, 11, 10))["order_id"].tolist() == [
        "O1",
        "O2",
        "O3",
        "O7",
    ]
    assert dataset.table("orders", until=dt.datetime(2025, 11, 10, 20))["order_id"].tolist() == [
        "O1",
        "O7",
    ]
    assert dataset.table("orders", store_id="00009").empty
    with pytest.raises(ParameterError, match="not both"):
        dataset.table("orders", period=day, until=day)


def test_columns_projection_and_missing_optional_columns(csv_dir):
    dataset = open_dataset(csv_dir)
    frame = dataset.table("orders", columns=["paid_amount", "order_id", "channel", "item_count"])
    assert frame.columns.tolist() == ["paid_amount", "order_id", "channel", "item_count"]
    assert frame["channel"].isna().all()
    assert frame["channel"].dtype == "str"
    assert frame["item_count"].isna().all()
    assert frame["item_count"].dtype == "float64"


def test_missing_required_column_names_the_closest(tmp_path):
    folder = tmp_path / "typo"
    write(folder, "stores.csv", STORES_CSV)
    write(
        folder,
        "orders.csv",
        """\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amnt
        a,00001,c1,2025-11-30 23:30,paid,1,1
        """,
    )
    dataset = open_dataset(folder)
    with pytest.raises(DataError, match="did you mean 'paid_amnt'"):
        dataset.table("orders", columns=["order_id", "paid_amount"])
    with pytest.raises(DataError, match="not a column of table 'orders'"):
        dataset.table("orders", columns=["shoe_size"])
    problems = dataset.table_problems()
    assert len(problems) == 1
    assert "required column 'paid_amount' is missing (did you mean 'paid_amnt'?)" in problems[0]


def test_empty_selection_keeps_dtypes(csv_dir):
    frame = open_dataset(csv_dir).table("orders", period="2024-01")
    assert frame.empty
    assert frame["store_id"].dtype == "str"
    assert frame["ordered_at"].dtype == "datetime64[ns]"
    assert frame["paid_amount"].dtype == "float64"


def test_order_items_campaigns_fx_and_products_filters(csv_dir):
    write(
        csv_dir,
        "order_items.csv",
        """\
        order_id,line_no,sku,quantity,unit_price
        O1,1,0042,2,50
        O7,1,0042,1,200
        """,
    )
    write(
        csv_dir,
        "campaigns.csv",
        """\
        campaign_id,store_id,name,start,end
        c-oct,00001,October,2025-10-01,2025-10-31
        c-1111,00001,Double 11,2025-11-01,2025-11-11
        c-span,00001,Span,2025-10-25,2025-11-02
        """,
    )
    write(csv_dir, "fx_rates.csv", "date,currency,rate\n2025-11-10,USD,7.1\n2025-12-01,USD,7.2\n")
    write(csv_dir, "products.csv", "store_id,sku,title,status\n00001,0042,Tea,listed\n")
    dataset = open_dataset(csv_dir)
    items = dataset.table("order_items", store_id="00002")
    assert items["order_id"].tolist() == ["O7"]
    assert items["sku"].tolist() == ["0042"]
    assert items["quantity"].dtype == "int64"
    november = parse_period("2025-11", "Asia/Shanghai")
    campaigns = dataset.table("campaigns", store_id="00001", period=november)
    assert campaigns["campaign_id"].tolist() == ["c-1111", "c-span"]
    assert campaigns["start"].dtype == "datetime64[ns]"
    assert dataset.table("campaigns", until=parse_period("2025-10", "UTC"))[
        "campaign_id"
    ].tolist() == ["c-oct", "c-span"]
    assert dataset.table("fx_rates", period=november)["rate"].tolist() == [7.1]
    with pytest.raises(DataError, match="no store_id column"):
        dataset.table("fx_rates", store_id="00001")
    assert len(dataset.table("products", store_id="00001", until=november)) == 1


# -- coverage and latest days ----------------------------------------------------------


def test_coverage_and_last_complete_day(csv_dir):
    dataset = open_dataset(csv_dir)
    assert dataset.coverage() == (dt.date(2025, 11, 10), dt.date(2025, 11, 11))
    assert dataset.coverage("00002") == (dt.date(2025, 11, 10), dt.date(2025, 11, 10))
    assert dataset.coverage("00009") == (None, None)
    assert dataset.last_complete_day() == dt.date(2025, 11, 11)
    assert dataset.last_complete_day("00002") == dt.date(2025, 11, 10)
    with pytest.raises(DataError, match="has no orders"):
        dataset.last_complete_day("00009")
    latest = dataset.table("orders", store_id="00001", period="latest-day")
    assert latest["order_id"].tolist() == ["O4", "O5", "O6"]


def test_a_day_still_going_on_is_not_complete(tmp_path):
    folder = tmp_path / "future"
    write(folder, "stores.csv", STORES_CSV)
    ahead = dt.date.today() + dt.timedelta(days=30)  # plausible (a 2200 date is not)
    write(
        folder,
        "orders.csv",
        f"""\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amount
        a,00001,c1,{ahead} 10:00,paid,1,1
        """,
    )
    assert open_dataset(folder).last_complete_day("00001") < ahead


# -- table problems --------------------------------------------------------------------


def test_table_problems_of_a_clean_dataset_is_empty(csv_dir):
    assert open_dataset(csv_dir).table_problems() == []


def test_table_problems_finds_keys_unknown_stores_zones_and_tables(tmp_path):
    folder = tmp_path / "broken"
    write(
        folder,
        "stores.csv",
        """\
        store_id,name,timezone,currency
        s1,One,Asia/Shanghai,CNY
        s2,Two,Mars/Olympus,CNY
        """,
    )
    write(
        folder,
        "orders.csv",
        """\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amount
        a,s1,c1,2025-11-30 10:00,paid,1,1
        a,s1,c1,2025-11-30 10:00,paid,1,1
        b,s2,c1,2025-11-30 10:00,paid,1,1
        b,s2,c1,2025-11-30 10:00,paid,1,1
        c,s9,c1,2025-11-30 10:00,paid,1,1
        """,
    )
    problems = open_dataset(folder).table_problems()
    assert len(problems) == 3
    assert "store 's2' has timezone 'Mars/Olympus'" in problems[0]
    assert "orders: 2 value(s) of the key (order_id) occur more than once (4 rows)" in problems[1]
    assert "'a', 'b'" in problems[1]
    assert (
        "orders: 1 row(s) have a store_id that is not in the stores table, e.g. 's9'"
        in (problems[2])
    )
    # one store's view: only its own duplicate, no other stores' rows
    scoped = open_dataset(folder).table_problems(store_id="s1")
    assert len(scoped) == 2
    assert "1 value(s) of the key (order_id)" in scoped[1]
    assert "'a'" in scoped[1]


def test_table_problems_of_one_store_check_its_keys_across_the_table(tmp_path):
    folder = tmp_path / "keys"
    write(folder, "stores.csv", STORES_CSV)
    write(
        folder,
        "orders.csv",
        """\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amount
        a,00001,c1,2025-11-30 10:00,paid,1,1
        b,00002,c1,2025-11-30 10:00,paid,1,1
        c,00002,c1,2025-11-30 10:00,paid,1,1
        c,00002,c1,2025-11-30 10:00,paid,1,1
        a,00002,c1,2025-11-30 10:00,paid,1,1
        """,
    )
    write(
        folder,
        "order_items.csv",
        """\
        order_id,line_no,sku,quantity,unit_price
        a,1,s,1,1
        b,1,s,1,1
        b,1,s,1,1
        """,
    )
    dataset = open_dataset(folder)
    # 'a' is also another store's order id: a clash that involves store 00001
    assert len(dataset.table_problems(store_id="00001")) == 1
    assert (
        "orders: 1 value(s) of the key (order_id) occur more than once (2 rows), e.g. 'a'"
        in (dataset.table_problems(store_id="00001")[0])
    )
    # the other store's duplicate order and order line are its own problems
    problems = dataset.table_problems(store_id="00002")
    assert "orders: 2 value(s) of the key (order_id)" in problems[0]
    assert "order_items: 1 value(s) of the key (order_id, line_no)" in problems[1]
    assert "'b | 1'" in problems[1]


def test_table_problems_reports_a_missing_required_table(tmp_path):
    write(tmp_path / "d", "stores.csv", STORES_CSV)
    problems = open_dataset(tmp_path / "d").table_problems()
    assert problems == [
        f"the dataset {tmp_path / 'd'} has no 'orders' table (orders.parquet, orders.csv or "
        "orders/); it is required"
    ]


# -- daily facts -----------------------------------------------------------------------

EXPECTED_FACTS = pd.DataFrame(
    {
        "store_id": ["00001", "00001", "00001", "00002"],
        "date": pd.to_datetime(["2025-11-10", "2025-11-11", "2025-11-12", "2025-11-10"]).astype(
            "datetime64[ns]"
        ),
        # 11-10: O1+O2 (one buyer); 11-11: O3 (paid after midnight) and O6; 11-12: a refund only
        "orders": [2, 2, 0, 1],
        "buyers": [1, 1, 0, 1],
        "paid_amount": [150.0, 120.0, 0.0, 200.0],
        "refund_amount": [0.0, 40.0, 30.0, 0.0],  # O6 by paid_at, O3 by refunded_at
        "net_sales": [150.0, 80.0, -30.0, 200.0],
        "cost_amount": [80.0, 40.0, 0.0, 120.0],  # O6 has no cost
        "gross_profit": [70.0, 40.0, -30.0, 80.0],
    }
)


def test_daily_facts_hand_computed(csv_dir):
    facts = open_dataset(csv_dir).daily_facts()
    pd.testing.assert_frame_equal(facts, EXPECTED_FACTS)


def test_daily_facts_period_keeps_local_dates(csv_dir):
    dataset = open_dataset(csv_dir)
    facts = dataset.daily_facts(period=parse_period("2025-11-11", "Asia/Shanghai"))
    pd.testing.assert_frame_equal(facts, EXPECTED_FACTS.iloc[[1]].reset_index(drop=True))
    assert dataset.daily_facts(period="2025-11-12..2025-11-30")["refund_amount"].tolist() == [30.0]
    assert dataset.daily_facts(period="2024").empty
    assert dataset.daily_facts(period="2024").dtypes.equals(EXPECTED_FACTS.dtypes)


def test_daily_facts_without_optional_columns(tmp_path):
    folder = tmp_path / "lean"
    write(folder, "stores.csv", STORES_CSV)
    write(
        folder,
        "orders.csv",
        """\
        order_id,store_id,customer_id,ordered_at,status,gross_amount,paid_amount
        a,00001,c1,2025-11-30 23:30,paid,10,10
        b,00001,c2,2025-11-30 10:00,placed,5,5
        c,00001,c3,2025-11-30 11:00,cancelled,7,7
        """,
    )
    facts = open_dataset(folder).daily_facts()
    assert facts[["orders", "buyers", "paid_amount"]].to_dict("records") == [
        {"orders": 1, "buyers": 1, "paid_amount": 10.0}
    ]
    assert facts[["refund_amount", "net_sales", "cost_amount", "gross_profit"]].isna().all().all()


def test_daily_facts_match_the_sales_summary(csv_dir):
    orders_module = pytest.importorskip("ecanalysis.metrics.orders")
    dataset = open_dataset(csv_dir)
    summary = orders_module.sales_summary(dataset.table("orders"), freq="D", by="store_id")
    active = summary[(summary["orders"] > 0) | (summary["refund_amount"] != 0)]
    columns = ["orders", "buyers", "paid_amount", "refund_amount", "net_sales", "cost_amount"]
    expected = EXPECTED_FACTS.rename(columns={"date": "period_start"})
    merged = active.merge(expected, on=["store_id", "period_start"], suffixes=("", "_facts"))
    assert len(merged) == len(expected) == len(active)
    for column in columns:
        assert merged[column].tolist() == merged[f"{column}_facts"].tolist(), column


def test_daily_facts_on_the_sample_equal_a_pandas_computation(request):
    pytest.importorskip("ecanalysis.sample")
    dataset = request.getfixturevalue("dataset")
    facts = dataset.daily_facts(period="2025-11")
    orders = dataset.table("orders")
    paid = orders[orders["paid_at"].notna() & (orders["status"] != "cancelled")]  # DESIGN §5
    day = paid["paid_at"].dt.normalize()
    expected = (
        paid.assign(date=day)
        .query("date >= '2025-11-01' and date < '2025-12-01'")
        .groupby(["store_id", "date"])
        .agg(orders=("order_id", "size"), buyers=("customer_id", "nunique"))
        .reset_index()
    )
    merged = facts.merge(expected, on=["store_id", "date"], how="outer", suffixes=("", "_pd"))
    merged = merged.fillna({"orders_pd": 0, "buyers_pd": 0})
    assert len(facts) > 0
    assert (merged["orders"] == merged["orders_pd"]).all()
    assert (merged["buyers"] == merged["buyers_pd"]).all()


def test_validate_notes_what_it_does_not_read(csv_dir, capsys):
    """Entries that are not tables are named, with a hint for a typo; the importer's own
    quarantine/ folder is said to be that, not a mistake."""
    from ecanalysis.cli import main

    write(csv_dir, "order.csv", "order_id\n1\n")
    write(csv_dir / "quarantine", "import-shopify-ab12.csv", "order_id,reason\n1,x\n")
    assert main(["validate", str(csv_dir)]) == 0
    out = capsys.readouterr().out
    assert "ignored order.csv: not a table of the data contract (did you mean orders.csv?)" in out
    assert "quarantine/ holds 1 file(s) of rows `ecanalysis import` set aside; not read" in out
    assert "ignored quarantine/" not in out


def test_a_negative_payment_is_one_problem_not_also_a_refund_above_it():
    """paid_amount -5 with refund 0 was reported twice: negative, and 'refund_amount larger
    than paid_amount' (0 > -5), a cascade that sends the user after a second fix."""
    from ecanalysis.schema import validate_table

    orders = pd.DataFrame(
        {
            "order_id": ["a", "b"],
            "store_id": "s1",
            "customer_id": ["x", "y"],
            "ordered_at": pd.to_datetime(["2025-11-01 10:00", "2025-11-01 11:00"]),
            "status": "paid",
            "gross_amount": [10.0, 10.0],
            "paid_amount": [-5.0, 8.0],
            "refund_amount": [0.0, 9.0],
        }
    )
    problems = validate_table("orders", orders).problems
    assert sorted((p.column, p.rule) for p in problems) == [
        ("paid_amount", ">= 0"),
        ("refund_amount", "refund_amount <= paid_amount"),
    ]
    (refund,) = [p for p in problems if p.column == "refund_amount"]
    assert refund.count == 1, "order b only: 9 refunded of 8 paid"


# -- second-round tables: refunds, product_traffic, stock_levels -------------------------

# R2's refunded_at is in UTC (+8 h in Shanghai: 2025-11-11 14:00 local); R3 is December's.
REFUNDS_CSV = """\
refund_id,store_id,order_id,amount,refunded_at,requested_at,sku,quantity,reason,kind
R1,00001,O3,30,2025-11-12 10:00,2025-11-11 09:00,0042,1,damaged,refund_only
R2,00001,O6,40,2025-11-11T06:00:00Z,,,,,return_refund
R3,00002,O7,20.5,2025-12-01 08:00,,,,,refund_only
"""


def test_refunds_are_filtered_by_store_and_refunded_at(csv_dir):
    write(csv_dir, "refunds.csv", REFUNDS_CSV)
    dataset = open_dataset(csv_dir)
    assert dataset.tables() == ["stores", "orders", "refunds"]
    refunds = dataset.table("refunds", store_id="00001", period="2025-11")
    assert refunds["refund_id"].tolist() == ["R1", "R2"]
    assert refunds["refunded_at"].tolist() == [
        pd.Timestamp("2025-11-12 10:00"),
        pd.Timestamp("2025-11-11 14:00"),
    ]
    assert refunds.dtypes.astype(str).to_dict() == {
        "refund_id": "str",
        "store_id": "str",
        "order_id": "str",
        "amount": "float64",
        "refunded_at": "datetime64[ns]",
        "requested_at": "datetime64[ns]",
        "sku": "str",
        "quantity": "float64",  # a count with empty cells
        "reason": "str",
        "kind": "str",
    }
    assert refunds["sku"].tolist()[0] == "0042"
    # until= a date keeps everything to the end of that local day
    assert dataset.table("refunds", store_id="00001", until=dt.date(2025, 11, 11))[
        "refund_id"
    ].tolist() == ["R2"]
    assert dataset.table("refunds", store_id="00002", period="2025-11").empty
    december = dataset.table("refunds", store_id="00002", period="2025-12", columns=["amount"])
    assert december["amount"].tolist() == [20.5]


def test_product_traffic_parquet_is_filtered_by_date(csv_dir):
    write_parquet(
        csv_dir / "product_traffic.parquet",
        {
            "store_id": ["00001", "00001", "00002", "00001"],
            "date": pa.array(
                [dt.date(2025, 11, 10), dt.date(2025, 11, 11), dt.date(2025, 11, 10), None],
                pa.date32(),
            ),
            "sku": ["0042", "0042", "0042", "0043"],
            "visitors": pa.array([50, 60, 30, 5], pa.int64()),
            "buyers": pa.array([2, None, 1, 0], pa.int64()),
        },
    )
    dataset = open_dataset(csv_dir)
    day = dataset.table("product_traffic", store_id="00001", period="2025-11-11")
    assert day[["sku", "visitors"]].values.tolist() == [["0042", 60]]
    assert day["date"].tolist() == [pd.Timestamp("2025-11-11")]
    assert day["visitors"].dtype == "int64"
    assert day["buyers"].isna().all() and day["buyers"].dtype == "float64"
    # a row without a date is in no period (and not before any until=)
    everything = dataset.table("product_traffic", store_id="00001")
    assert len(everything) == 3
    until = dataset.table("product_traffic", store_id="00001", until="2025-11-10")
    assert until["visitors"].tolist() == [50]
    # optional columns the file lacks come back all-NaN
    cart = dataset.table("product_traffic", columns=["sku", "cart_visitors"])
    assert cart["cart_visitors"].isna().all() and len(cart) == 4


def test_stock_levels_in_a_hive_folder(csv_dir):
    for store, days, stock in [("00001", [10, 11], [12, 11]), ("00002", [10], [5])]:
        write_parquet(
            csv_dir / "stock_levels" / f"store_id={store}" / "part-0.parquet",
            {
                "date": [pd.Timestamp(f"2025-11-{d}") for d in days],
                "sku": ["0042"] * len(days),
                "stock_on_hand": pa.array(stock, pa.int64()),
            },
        )
    dataset = open_dataset(csv_dir)
    assert dataset.has("stock_levels")
    levels = dataset.table("stock_levels", store_id="00001", period="2025-11-11")
    assert levels[["store_id", "sku", "stock_on_hand"]].values.tolist() == [["00001", "0042", 11]]
    week = dataset.table("stock_levels", period=parse_period("2025-11-10..2025-11-16", "UTC"))
    assert sorted(week["stock_on_hand"].tolist()) == [5, 11, 12]
    assert dataset.table_problems() == []


def test_table_problems_check_the_keys_of_the_new_tables(csv_dir):
    write(csv_dir, "refunds.csv", REFUNDS_CSV + "R1,00009,O1,1,2025-11-10 10:00,,,,,\n")
    write(
        csv_dir,
        "stock_levels.csv",
        "store_id,date,sku,stock_on_hand\n00001,2025-11-10,A,1\n00001,2025-11-10,A,2\n",
    )
    problems = open_dataset(csv_dir).table_problems()
    assert any(p.startswith("refunds: 1 value(s) of the key (refund_id)") for p in problems)
    assert any(
        "refunds: 1 row(s) have a store_id that is not in the stores table" in p for p in problems
    )
    assert any(
        p.startswith("stock_levels: 1 value(s) of the key (store_id, date, sku)") for p in problems
    )
