"""Tests of ecanalysis.facts and the ``facts`` command: Parquet output, atomic replace, light import."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ecanalysis.cli import main
from ecanalysis.data import open_dataset
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.facts import FACTS_COLUMNS, write_daily_facts

STORES = """\
store_id,name,timezone,currency
s1,Shanghai shop,Asia/Shanghai,CNY
s2,New York shop,America/New_York,USD
"""

# s1: 100 on Nov 30 local (23:30), 50 paid 16:30 UTC = Dec 1 00:30 Shanghai, refund of 20
# on Dec 2; s2: 70 on Nov 30 New York (03:00 UTC Dec 1).
ORDERS = """\
order_id,store_id,customer_id,ordered_at,paid_at,status,gross_amount,paid_amount,refund_amount,refunded_at,cost_amount
a,s1,c1,2025-11-30 23:30,2025-11-30 23:30,completed,100,100,0,,30
b,s1,c2,2025-11-30T16:00:00Z,2025-11-30T16:30:00Z,partially_refunded,50,50,20,2025-12-02 09:00,10
c,s2,c1,2025-12-01T03:00:00Z,2025-12-01T03:00:00Z,completed,70,70,0,,
"""

NOV_30 = dt.date(2025, 11, 30)
EXPECTED = pd.DataFrame(
    {
        "store_id": ["s1", "s1", "s1", "s2"],
        "date": [dt.date(2025, 11, 30), dt.date(2025, 12, 1), dt.date(2025, 12, 2), NOV_30],
        "orders": [1, 1, 0, 1],
        "buyers": [1, 1, 0, 1],
        "paid_amount": [100.0, 50.0, 0.0, 70.0],
        "refund_amount": [0.0, 0.0, 20.0, 0.0],
        "net_sales": [100.0, 50.0, -20.0, 70.0],
        "cost_amount": [30.0, 10.0, 0.0, None],
        "gross_profit": [70.0, 40.0, -20.0, None],
    }
)


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "stores.csv").write_text(STORES, encoding="utf-8")
    (folder / "orders.csv").write_text(ORDERS, encoding="utf-8")
    return folder


def read_facts(path) -> pd.DataFrame:
    table = pq.read_table(path)
    assert table.column_names == list(FACTS_COLUMNS)
    rows = table.to_pylist()
    return pd.DataFrame(rows, columns=list(FACTS_COLUMNS))


def test_write_daily_facts_hand_computed(data_dir, tmp_path):
    out = tmp_path / "out" / "facts.parquet"
    assert write_daily_facts(data_dir, out) == 4
    facts = read_facts(out)
    pd.testing.assert_frame_equal(facts, EXPECTED, check_dtype=False)
    schema = pq.read_schema(out)
    assert str(schema.field("date").type) == "date32[day]"
    assert str(schema.field("orders").type) == "int64"
    assert str(schema.field("store_id").type) == "string"


def test_file_and_dataset_facts_are_one_definition(data_dir, tmp_path):
    out = tmp_path / "facts.parquet"
    write_daily_facts(data_dir, out)
    from_file = read_facts(out).assign(date=lambda f: pd.to_datetime(f["date"]))
    from_dataset = open_dataset(data_dir).daily_facts()
    pd.testing.assert_frame_equal(
        from_dataset, from_file.astype(from_dataset.dtypes.to_dict()), check_exact=True
    )


# p is `placed` but has a paid_at (paid: DESIGN §5 looks at paid_at and `cancelled` only);
# x is cancelled after payment (not paid); u is placed and unpaid.
STATUS_ORDERS = """\
order_id,store_id,customer_id,ordered_at,paid_at,status,gross_amount,paid_amount
k,s1,c1,2025-11-30 09:00,2025-11-30 09:05,completed,100,100
p,s1,c2,2025-11-30 10:00,2025-11-30 10:05,placed,40,40
x,s1,c3,2025-11-30 11:00,2025-11-30 11:05,cancelled,70,70
u,s1,c4,2025-11-30 12:00,,placed,5,5
"""


def test_paid_is_a_paid_at_and_not_cancelled(data_dir, tmp_path):
    (data_dir / "orders.csv").write_text(STATUS_ORDERS, encoding="utf-8")
    out = tmp_path / "facts.parquet"
    assert write_daily_facts(data_dir, out) == 1
    facts = read_facts(out)
    assert facts[["store_id", "date", "orders", "buyers", "paid_amount"]].to_dict("records") == [
        {"store_id": "s1", "date": NOV_30, "orders": 2, "buyers": 2, "paid_amount": 140.0}
    ]
    orders_module = pytest.importorskip("ecanalysis.metrics.orders")
    dataset = open_dataset(data_dir)
    summary = orders_module.sales_summary(dataset.table("orders"), freq="D").iloc[0]
    assert (summary["orders"], summary["buyers"], summary["paid_amount"]) == (2, 2, 140.0)
    assert dataset.daily_facts()["orders"].tolist() == [2]


@pytest.mark.parametrize(
    ("period", "rows"),
    # latest-day: the last ordered_at is b's, Dec 1 00:00 in Shanghai
    [("2025-11", [0, 3]), ("2025-12-01..2025-12-31", [1, 2]), ("latest-day", [1]), ("2024", [])],
)
def test_period_restricts_local_dates(data_dir, tmp_path, period, rows):
    out = tmp_path / "facts.parquet"
    assert write_daily_facts(data_dir, out, period=period) == len(rows)
    expected = EXPECTED.iloc[rows].reset_index(drop=True)
    pd.testing.assert_frame_equal(read_facts(out), expected, check_dtype=False)


def test_relative_periods_that_need_a_today_are_refused(data_dir, tmp_path):
    with pytest.raises(ParameterError, match="time zones"):
        write_daily_facts(data_dir, tmp_path / "f.parquet", period="yesterday")


def test_replaces_the_file_atomically(data_dir, tmp_path):
    out = tmp_path / "facts.parquet"
    out.write_bytes(b"old contents")
    write_daily_facts(data_dir, out)
    assert len(read_facts(out)) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "facts.parquet"]


def test_a_failed_write_leaves_the_old_file(data_dir, tmp_path):
    out = tmp_path / "facts.parquet"
    write_daily_facts(data_dir, out, period="2025-11")
    before = out.read_bytes()
    (data_dir / "orders.csv").write_text(
        ORDERS + "d,s1,c3,2025-11-30 10:00,not a time,paid,1,1,0,,\n"
    )
    with pytest.raises(DataError, match="'not a time' \\(row 4\\)"):
        write_daily_facts(data_dir, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "facts.parquet"]


def test_missing_required_column_is_a_data_error(data_dir, tmp_path):
    text = ORDERS.replace("customer_id", "customer", 1)
    (data_dir / "orders.csv").write_text(text)
    with pytest.raises(DataError, match="did you mean 'customer'"):
        write_daily_facts(data_dir, tmp_path / "f.parquet")


def test_facts_command(data_dir, tmp_path, capsys):
    out = tmp_path / "facts.parquet"
    assert main(["facts", str(data_dir), "--out", str(out), "--period", "2025-11"]) == 0
    assert "wrote 2 rows" in capsys.readouterr().out
    assert len(read_facts(out)) == 2
    assert main(["facts", str(tmp_path / "missing"), "--out", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_facts_command_imports_neither_pandas_nor_pandera(data_dir, tmp_path):
    out = tmp_path / "facts.parquet"
    script = textwrap.dedent(
        f"""
        import sys
        from ecanalysis.cli import main
        code = main(["facts", {str(data_dir)!r}, "--out", {str(out)!r}])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "pandera"))
        assert code == 0, code
        assert not heavy, heavy
        print("light")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("light")
    assert len(read_facts(out)) == 4
