"""Spreadsheets of a run record: the ``.xlsx`` workbook, and text that stays text.

:func:`write_workbook` turns the tables a report saved (``Report.save_table``) into one
Excel workbook: a first sheet 概览 / Summary (store, period, coverage, KPIs with their
comparisons, alerts), then one sheet per table with a bold, frozen header row of
labels in the report language, number formats by kind (money ``#,##0.00``, rates as
percent, counts, dates as dates) and column widths that fit. ``Report.finish`` writes
it for the notebooks whose registry spec says ``workbook`` (:mod:`ecanalysis.notebooks`),
inside the temporary directory the runner publishes, so the workbook appears together
with the rest of the record.

Spreadsheets evaluate cells that start with ``=``, ``+``, ``-`` or ``@`` (CSV or
formula injection: a review text ``=HYPERLINK(...)`` would become a live link), also
after leading spaces, tabs or line breaks, and in their full-width forms ``＝＋－＠``. In
the workbook every text cell is stored as a string, with Excel's quote prefix when it is
such text; :func:`neutralise_formulas` is the one function every CSV the project writes
goes through (``tables/*.csv``, run and import ``quarantine/*.csv``): it prefixes ``'`` to
such text, as OWASP recommends, and writes a bare carriage return as a line feed, so that
the CSV writer quotes the cell instead of letting a spreadsheet start a new row there
(:func:`write_csv` writes a frame that way).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecanalysis.labels import is_missing, kind_of, label, value_label
from ecanalysis.paths import atomic_write
from ecanalysis.spreadsheets import (  # noqa: F401  (the workbook's own and re-exported)
    FORMULA_STARTS,
    is_formula_like,
    neutralise_formulas,
    neutralise_text,
    write_csv,
)

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0%"
#: The change of a rate, in percentage points (the cell holds points: 5.9 for 0.059).
POINTS_FORMAT = '+0.0" pp";-0.0" pp";0.0" pp"'

RATIO_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMATS = {
    "money": MONEY_FORMAT,
    "rate": RATE_FORMAT,
    "ratio": RATIO_FORMAT,
    "count": COUNT_FORMAT,
    "number": RATIO_FORMAT,
}

#: Sheet titles of the tables the notebooks save; others are titled by their name.
SHEET_TITLES: dict[str, tuple[str, str]] = {
    "assessment": ("月度考核表", "Assessment"),
    "monthly": ("月度趋势", "Monthly trend"),
    "cohort_retention": ("同期群留存", "Cohort retention"),
    "forecast": ("下期预测", "Forecast"),
    "stock_cover": ("库存可售天数", "Stock cover"),
    "reorder_plan": ("补货计划", "Reorder plan"),
    "refunds_by_reason": ("退款原因", "Refunds by reason"),
    "no_sales": ("滞销商品", "No sales"),
    "bad_reviews": ("差评明细", "Bad reviews"),
    "bad_review_reasons": ("差评原因", "Bad review reasons"),
    "price_cost_anomalies": ("价格成本异常", "Price-cost anomalies"),
}

_TEXT = {
    "summary": ("概览", "Summary"),
    "store": ("店铺", "Store"),
    "report": ("报告", "Report"),
    "period": ("周期", "Period"),
    "first_day": ("首日", "First day"),
    "last_day": ("末日", "Last day"),
    "currency": ("币种", "Currency"),
    "data_first": ("数据首日", "Data from"),
    "data_last": ("数据末日", "Data until"),
    "complete": ("数据覆盖完整", "Data cover the period"),
    "finished": ("生成时间 (UTC)", "Generated (UTC)"),
    "kpis": ("指标", "KPI"),
    "name": ("代码", "Name"),
    "value": ("本期", "Value"),
    "previous": ("上期", "Previous period"),
    "change_pct": ("环比", "Change"),
    "previous_yoy": ("去年同期", "Last year"),
    "change_pct_yoy": ("同比", "YoY change"),
    "alerts": ("预警", "Alerts"),
    "level": ("级别", "Level"),
    "message": ("内容", "Message"),
    "no_alerts": ("无预警", "No alerts"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "critical": ("严重", "critical"),
    "warning": ("警告", "warning"),
    "info": ("提示", "info"),
}

#: Long tables: the row's ``kpi``/``metric`` names the kind of these columns' values.
_ROW_VALUE_COLUMNS = frozenset(
    {"current", "previous", "change", "actual", "target", "gap", "projected"}
)
_METRIC_NAME_COLUMNS = ("metric", "kpi")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_SHEET_TITLE = 31
MAX_CELL_TEXT = 32767
MIN_WIDTH, MAX_WIDTH = 8, 60
_WIDTH_SAMPLE = 200


def _say(lang: str, key: str) -> str:
    zh, en = _TEXT[key]
    return en if lang == "en" else zh


# -- the workbook ----------------------------------------------------------------------


def write_workbook(
    path: str | os.PathLike,
    tables: Mapping[str, Any],
    *,
    record: Mapping[str, Any],
    store: Mapping[str, Any] | None = None,
    lang: str = "zh",
) -> Path:
    """Write a report's tables as an Excel workbook, atomically (temporary file, rename).

    Parameters
    ----------
    path : path-like
        The ``.xlsx`` file to write (replaced when it exists).
    tables : mapping of str to pandas.DataFrame
        ``{name: frame}`` in sheet order, as the report saved them.
    record : mapping
        The report's ``metrics.json`` content: store, period, KPIs, comparisons, alerts
        and coverage fill the summary sheet.
    store : mapping, optional
        The stores row (``name``, ``currency``) for the summary.
    lang : {"zh", "en"}, default "zh"
        Language of sheet titles, headers and the summary.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    summary = book.active
    summary.title = _say(lang, "summary")
    _fill_summary(summary, record, store or {}, lang)
    used = {summary.title.lower()}
    for name, frame in tables.items():
        title = sheet_title(name, lang, used)
        used.add(title.lower())
        _fill_table(book.create_sheet(title), frame, lang)
    book.properties.title = (
        f"{record.get('notebook', '')} · {record.get('store_id', '')} · "
        f"{(record.get('period') or {}).get('label', '')}"
    )
    with atomic_write(path) as temp:
        book.save(temp)
    return path


def sheet_title(name: str, lang: str = "zh", used: set[str] | frozenset[str] = frozenset()) -> str:
    """An Excel-safe sheet title for table ``name``: at most 31 characters, none of
    ``[]:*?/\\``, no apostrophe at either end, unique (case-insensitive) among ``used``.

    Examples
    --------
    >>> sheet_title("stock_cover"), sheet_title("stock_cover", "en")
    ('库存可售天数', 'Stock cover')
    >>> sheet_title("a_very_long_table_name_that_goes_on_and_on")
    'a_very_long_table_name_that_goe'
    >>> sheet_title("monthly", "en", used={"monthly trend"})
    'Monthly trend (2)'
    """
    titles = SHEET_TITLES.get(name)
    text = (titles[1] if lang == "en" else titles[0]) if titles else str(name)
    text = _SHEET_FORBIDDEN.sub("_", text).strip().strip("'") or "Sheet"
    if text.lower() == "history":  # reserved by Excel
        text = f"{text}_"
    title = text[:MAX_SHEET_TITLE]
    number = 2
    while title.lower() in used:
        suffix = f" ({number})"
        title = text[: MAX_SHEET_TITLE - len(suffix)] + suffix
        number += 1
    return title


def _fill_summary(sheet, record: Mapping[str, Any], store: Mapping[str, Any], lang: str) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    period = record.get("period") or {}
    coverage = record.get("coverage") or {}
    store_id = record.get("store_id", "")
    name = store.get("name")
    complete = period.get("complete")
    facts = [
        ("store", f"{name} ({store_id})" if name and name != store_id else store_id, None),
        ("report", record.get("notebook"), None),
        ("period", period.get("label"), None),
        ("first_day", _day(period.get("start")), DATE_FORMAT),
        ("last_day", _last_day(period.get("end")), DATE_FORMAT),
        ("currency", store.get("currency"), None),
        ("data_first", _day(coverage.get("first")), DATE_FORMAT),
        ("data_last", _day(coverage.get("last")), DATE_FORMAT),
        ("complete", None if complete is None else _say(lang, "yes" if complete else "no"), None),
        ("finished", record.get("finished_at"), None),
    ]
    for row, (key, value, number_format) in enumerate(facts, start=1):
        sheet.cell(row=row, column=1, value=_say(lang, key)).font = bold
        _put(sheet.cell(row=row, column=2), value, number_format)

    row = len(facts) + 2
    heads = ["kpis", "name", "value", "previous", "change_pct", "previous_yoy", "change_pct_yoy"]
    for column, key in enumerate(heads, start=1):
        sheet.cell(row=row, column=column, value=_say(lang, key)).font = bold
    comparisons = record.get("comparisons") or {}
    for kpi, value in (record.get("kpis") or {}).items():
        row += 1
        number_format = NUMBER_FORMATS[kind_of(kpi)]
        previous = comparisons.get(kpi) or {}
        yoy = comparisons.get(f"{kpi}_yoy") or {}
        cells = [
            (label(kpi, lang), None),
            (kpi, None),
            (value, number_format),
            (previous.get("previous"), number_format),
            _change_cell(kpi, previous),
            (yoy.get("previous"), number_format),
            _change_cell(kpi, yoy),
        ]
        for column, (cell_value, cell_format) in enumerate(cells, start=1):
            _put(sheet.cell(row=row, column=column), cell_value, cell_format)

    row += 2
    sheet.cell(row=row, column=1, value=_say(lang, "alerts")).font = bold
    row += 1
    sheet.cell(row=row, column=1, value=_say(lang, "level")).font = bold
    sheet.cell(row=row, column=2, value=_say(lang, "message")).font = bold
    alerts = record.get("alerts") or []
    if not alerts:
        _put(sheet.cell(row=row + 1, column=1), _say(lang, "no_alerts"))
    for alert in alerts:
        row += 1
        level = str(alert.get("level", ""))
        _put(sheet.cell(row=row, column=1), _say(lang, level) if level in _TEXT else level)
        _put(sheet.cell(row=row, column=2), alert.get("message"))
    _fit_widths(sheet, {1: 18, 2: 40, 3: 16, 4: 16, 5: 10, 6: 16, 7: 10})


def _fill_table(sheet, frame, lang: str) -> None:
    import pandas as pd
    from openpyxl.styles import Alignment, Font, PatternFill

    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F2F2F2")
    names = [str(c) for c in frame.columns]
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=column)
        _put(cell, label(name, lang))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"

    metric_column = next((c for c in _METRIC_NAME_COLUMNS if c in frame.columns), None)
    row_kinds = None if metric_column is None else [kind_of(str(v)) for v in frame[metric_column]]
    widths = {}
    for column, name in enumerate(names, start=1):
        values = frame.iloc[:, column - 1]
        is_metric_name = name == metric_column
        formats = _column_formats(values, name, row_kinds)
        width = _text_width(label(name, lang))
        for row, (value, number_format) in enumerate(zip(values, formats, strict=True), start=2):
            if is_metric_name and isinstance(value, str):
                value = label(value, lang)
            else:  # a coded value (status not_set, channel organic_search) as the HTML shows it
                value = value_label(name, value, lang)
            cell = sheet.cell(row=row, column=column)
            _put(cell, value, number_format)
            if row - 2 < _WIDTH_SAMPLE:
                width = max(width, _shown_width(cell.value, number_format))
        widths[column] = width
    _fit_widths(sheet, widths)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, width in widths.items():
        if width > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.alignment = wrap
    if len(frame) and names:
        sheet.auto_filter.ref = sheet.dimensions


def _column_formats(values, name: str, row_kinds: list[str] | None) -> list[str | None]:
    """The number format of each cell of one column."""
    import pandas as pd

    dtype = values.dtype
    if name in _ROW_VALUE_COLUMNS and row_kinds is not None:
        return [NUMBER_FORMATS[kind] for kind in row_kinds]
    if pd.api.types.is_bool_dtype(dtype):
        return [None] * len(values)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = values.dropna()
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        daily = bool((stamps == stamps.dt.normalize()).all())
        return [DATE_FORMAT if daily else DATETIME_FORMAT] * len(values)
    if pd.api.types.is_numeric_dtype(dtype):
        kind = kind_of(name)
        if kind == "number" and pd.api.types.is_integer_dtype(dtype):
            kind = "count"
        return [NUMBER_FORMATS[kind]] * len(values)
    # object columns: dates and numbers among text get a format by their own type
    return [_object_format(value, name) for value in values]


def _object_format(value: Any, name: str) -> str | None:
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return NUMBER_FORMATS[kind_of(name)]
    return None


def _put(cell, value: Any, number_format: str | None = None) -> None:
    """Write one value: numbers as numbers, dates as dates, text always as text."""
    value = _cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel's ': shown and edited as text
    elif number_format and value is not None and not isinstance(value, bool):
        cell.number_format = number_format


def _cell_value(value: Any) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(value, (list, tuple, dict, set)):
        return _clean_text(str(value))
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return None if math.isinf(number) else number
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return _clean_text(str(value))


def _clean_text(text: str) -> str:
    """Text Excel accepts: no XML control characters, at most 32,767 characters."""
    text = _ILLEGAL_XML.sub("\ufffd", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def _day(text: Any) -> dt.date | None:
    """The local date of an ISO date or timestamp (``period.start``, coverage)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _last_day(end: Any) -> dt.date | None:
    """The last day of a half-open period from its local-midnight ``end``."""
    day = _day(end)
    return None if day is None else day - dt.timedelta(days=1)


def _text_width(text: str) -> int:
    """Display width: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.datetime, dt.date)):
        return 16 if number_format == DATETIME_FORMAT else 10
    if isinstance(value, float):
        if number_format == RATE_FORMAT:
            return len(f"{value:.1%}")
        return len(f"{value:,.2f}")
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{value:,}")
    return _text_width(str(value))


def _change_cell(kpi: str, comparison: dict[str, Any]) -> tuple[Any, str]:
    """The change of a KPI as the HTML shows it: a rate (a margin, a conversion) changes by
    percentage points, ``−5.9 pp``, never by a percent of itself (``−16.8 %``); anything
    else by its relative change."""
    if kind_of(kpi) == "rate":
        change = comparison.get("change")
        return (None if change is None else change * 100, POINTS_FORMAT)
    return (comparison.get("change_pct"), RATE_FORMAT)


def _fit_widths(sheet, widths: Mapping[int, int]) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
