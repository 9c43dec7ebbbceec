"""The record a report run leaves: KPIs, comparisons, alerts, tables, ``metrics.json`` (DESIGN §6).

A notebook gets a :class:`Record` from :func:`ecanalysis.context.open_report` beside its
context, fills it as its sections compute, and ends with :meth:`Record.finish`, which writes
``metrics.json`` (and the workbook) into the run's output directory. The record holds no
data and computes no metric: it keeps what the notebook hands it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis.alerts import LEVELS, Alert
from ecanalysis.errors import ParameterError
from ecanalysis.paths import check_identifier, write_text_atomic


def now() -> str:
    """The current UTC time as ISO text (seconds), as records write it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON types; NaN and NaT become None.

    Examples
    --------
    >>> import numpy as np
    >>> json_safe({"a": np.int64(2), "b": float("nan"), "c": [np.float64(0.5)]})
    {'a': 2, 'b': None, 'c': [0.5]}
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the numbers."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("ecanalysis", "pandas", "numpy", "duckdb", "statsmodels", "scipy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "unknown"
    return out


#: Decimal places of each kind of number in ``tables/*.csv`` (None: whole numbers).
CSV_DECIMALS = {"money": 2, "rate": 4, "ratio": 2, "count": None, "number": 2}


def csv_table(frame, *, lang: str = "zh"):
    """A copy of ``frame`` as a report's CSV holds it: each column headed by its label in
    ``lang`` (:func:`ecanalysis.labels.label`), numbers rounded as the report shows them:
    money and ratios to 2 decimals, rates as fractions to 4 decimals (``0.1234`` is
    12.34 %), counts as whole numbers; numbers stay numbers (a spreadsheet sums them) and
    other columns are untouched. The input is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> csv_table(pd.DataFrame({"paid_amount": [10.0 / 3], "conversion_rate": [0.123456],
    ...                         "orders": [3.0], "sku": ["A1"]}), lang="en")
       Paid amount  Conversion rate  Paid orders SKU
    0         3.33           0.1235            3  A1
    """
    import pandas as pd

    from ecanalysis.labels import kind_of, label

    table = frame.copy()
    for position, name in enumerate(frame.columns):
        values = table.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(
            values.dtype
        ):
            continue
        decimals = CSV_DECIMALS.get(kind_of(str(name)), 2)
        if decimals is None and values.isin([float("inf"), float("-inf")]).any():
            decimals = 2  # not a whole number: an infinite count stays a float
        if decimals is None:
            whole = values.round(0)
            table.isetitem(position, whole.astype("Int64") if whole.notna().any() else whole)
        elif pd.api.types.is_float_dtype(values.dtype):
            # Python's round, as the report's text formatting rounds (numpy rounds the
            # scaled value, so 0.005 would become 0.00 here and 0.01 in the report)
            table.isetitem(
                position, values.map(lambda v, d=decimals: round(v, d), na_action="ignore")
            )
    if not isinstance(table.columns, pd.MultiIndex):
        table.columns = [label(str(c), lang) for c in table.columns]
    return table


@dataclass
class Record:
    """What one report run records, and where it writes it.

    Attributes
    ----------
    notebook, store_id : str
        The report and its store (``all`` for the portfolio).
    period : Period
        The report's period.
    parameters : dict
        The run's resolved parameters (as ``metrics.json`` lists them).
    store : dict
        The stores row (name, timezone, currency), for the workbook's header.
    coverage : dict
        ``first`` and ``last`` local day of the store's data.
    lang : str
        Report language.
    output_dir : Path or None
        The run record directory; None writes nothing (a notebook opened in JupyterLab).
    workbook : bool
        Also write ``<notebook>.xlsx`` of the saved tables.
    """

    notebook: str
    store_id: str
    period: Any
    parameters: dict[str, Any]
    store: dict[str, Any]
    coverage: dict[str, dt.date | None]
    lang: str = "zh"
    output_dir: Path | None = None
    workbook: bool = False
    kpis: dict[str, Any] = field(default_factory=dict)
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)
    data_rows: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict, repr=False)
    started_at: str = field(default_factory=now)

    @property
    def currency(self) -> str | None:
        """The currency of the money KPIs (None: a portfolio whose totals stay per currency)."""
        return self.store.get("currency")

    @property
    def complete(self) -> bool:
        """True when the data cover every day of the period."""
        first, last = self.coverage.get("first"), self.coverage.get("last")
        if first is None or last is None:
            return False
        return first <= self.period.first_day and last >= self.period.last_day

    # -- KPIs and comparisons ---------------------------------------------------

    def kpi(self, name: str, value: Any) -> None:
        """Record one KPI (a number)."""
        self.kpis[name] = json_safe(value)

    def kpis_from(self, row, names) -> None:
        """Record ``names`` from a one-row frame or a mapping (None where absent)."""
        if hasattr(row, "iloc"):
            row = row.iloc[0] if len(row) else dict.fromkeys(names)
        for name in names:
            self.kpi(name, row.get(name))

    def kpis_by(self, frame, *, key: str, value: str, prefix: str = "", suffix: str = "") -> None:
        """Record ``<prefix><key value><suffix>`` = ``value`` for each row of a long frame
        (``dsr_item`` from a DSR table's ``dimension`` and ``score``)."""
        for _, row in frame.iterrows():
            self.kpi(f"{prefix}{row[key]}{suffix}", row[value])

    def compare(self, name: str, current: Any, previous: Any) -> None:
        """Record a comparison: previous value, absolute and relative change."""
        current, previous = json_safe(current), json_safe(previous)
        change = None if current is None or previous is None else current - previous
        change_pct = None if change is None or not previous else change / abs(previous)
        self.comparisons[name] = {"previous": previous, "change": change, "change_pct": change_pct}

    def compare_rows(self, current, previous, names, *, suffix: str = "") -> None:
        """Record comparisons of ``names`` between two one-row frames.

        ``suffix`` tells comparisons apart: ``""`` for the previous period (环比), ``"_yoy"``
        for the same period last year (同比). A previous row that begins before the store's
        data is unknown, not zero: its comparisons are blank.
        """
        cur = current.iloc[0] if len(current) else {}
        prev = previous.iloc[0] if len(previous) else {}
        if len(previous) and self.before_the_data(prev.get("period_start")):
            previous = previous.iloc[:0]
        for name in names:
            self.compare(
                f"{name}{suffix}",
                cur.get(name) if len(current) else None,
                prev.get(name) if len(previous) else None,
            )

    def compare_trailing(self, day_row, names, *, days: int) -> None:
        """Record ``<name>_vs_trailing_<days>d`` from a ``vs_trailing_mean`` row.

        Only for a one-day period: a longer period's total beside its first day's change
        would mix the two."""
        if not len(day_row) or self.period.days != 1:
            return
        row = day_row.iloc[0]
        for name in names:
            self.compare(
                f"{name}_vs_trailing_{days}d", row.get(name), row.get(f"{name}_trailing_mean")
            )

    def before_the_data(self, start) -> bool:
        """True when a (comparison) period starting at ``start`` begins before the store's
        data: its figures are unknown, not zero."""
        import pandas as pd

        first = self.coverage.get("first")
        if first is None or start is None or pd.isna(start):
            return False
        return pd.Timestamp(start).date() < first

    # -- alerts and tables ------------------------------------------------------

    def alert(self, level: str, message: str) -> None:
        """Record something that needs attention (``critical``, ``warning`` or ``info``)."""
        if level not in LEVELS:
            raise ParameterError(f"alert level {level!r} is not one of {LEVELS}")
        self.add([{"level": level, "message": str(message)}])

    def add(self, alerts: list[Alert]) -> None:
        """Record the alerts of a rule (:mod:`ecanalysis.alerts`); repeats are kept once."""
        for entry in alerts:
            if entry not in self.alerts:
                self.alerts.append(entry)

    def save_table(self, name: str, frame) -> None:
        """Keep a key table as ``tables/<name>.csv`` in the run record, for people
        (:func:`csv_table`: headers in the report language, numbers rounded as the report
        shows them; UTF-8 with BOM for Excel; text that a spreadsheet would run as a
        formula is neutralised), and, with its machine column names and full precision, as
        a sheet of the workbook when the report writes one."""
        from ecanalysis.spreadsheets import write_csv

        check_identifier(name, "table name")
        if self.output_dir is None:
            return
        folder = self.output_dir / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        write_csv(csv_table(frame, lang=self.lang), folder / f"{name}.csv")
        if self.workbook:
            self.tables[name] = frame.copy()

    # -- metrics.json -----------------------------------------------------------

    def to_dict(self, status: str = "ok") -> dict[str, Any]:
        """The ``metrics.json`` content (DESIGN §6)."""
        return json_safe(
            {
                "notebook": self.notebook,
                "store_id": self.store_id,
                "period": {
                    "label": self.period.label,
                    "start": self.period.start.isoformat(),
                    "end": self.period.end.isoformat(),
                    "complete": self.complete,
                },
                "parameters": self.parameters,
                "store": {k: self.store.get(k) for k in ("name", "timezone", "currency")},
                # money KPIs are in this currency (None: a portfolio without rates,
                # whose amounts are per currency: paid_amount_CNY, …)
                "currency": self.currency or self.parameters.get("reporting_currency"),
                "kpis": self.kpis,
                "comparisons": self.comparisons,
                "alerts": self.alerts,
                "data": self.data_rows,
                "coverage": self.coverage,
                "quarantined": self.quarantined,
                "started_at": self.started_at,
                "finished_at": now(),
                "status": status,
                "versions": versions(),
            }
        )

    def finish(self) -> dict[str, Any]:
        """Write ``metrics.json`` into the output directory (when the runner gave one), and
        ``<notebook>.xlsx`` of the saved tables when :attr:`workbook` is set."""
        from ecanalysis.notebooks import spec_for
        from ecanalysis.workbook import write_workbook

        if not self.kpis:
            raise ParameterError(
                f"{self.notebook} recorded no KPIs; metrics.json must not be empty"
            )
        record = self.to_dict()
        if self.output_dir is not None:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            if self.workbook:
                write_workbook(
                    self.output_dir / spec_for(self.notebook).workbook_file,
                    self.tables,
                    record=record,
                    store=self.store,
                    lang=self.lang,
                )
            text = json.dumps(record, ensure_ascii=False, indent=2, allow_nan=False)
            write_text_atomic(self.output_dir / "metrics.json", text + "\n")
        return record
