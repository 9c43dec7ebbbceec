"""What a report notebook needs besides the metrics: its run context and its record.

A notebook calls :func:`open_report` once, right after its parameters cell. The
returned :class:`Report` resolves the store and the period, reads each table once
(validated at the boundary, only this store's rows, from the start of the data to the
end of the period), and collects what the run record holds: KPIs, comparisons,
alerts, tables. :meth:`Report.finish` writes ``metrics.json`` (DESIGN §6).

No metric logic lives here: numbers come from ``ecanalysis.metrics``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis.config import resolve_data_dir, resolve_params_dir
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.labels import LANGS
from ecanalysis.paths import check_identifier, write_text_atomic
from ecanalysis.workbook import WORKBOOK_NOTEBOOKS, neutralise_formulas, write_workbook

#: Optional tables: a notebook whose section needs one that is absent says so and goes on.
OPTIONAL_TABLES = (
    "order_items",
    "traffic",
    "products",
    "ad_spend",
    "campaigns",
    "reviews",
    "fx_rates",
)
#: Optional tables with a store_id column: a store may have no rows in them.
_PER_STORE_TABLES = ("traffic", "products", "ad_spend", "campaigns", "reviews")
#: Notebook parameters every report shares (DESIGN §1).
COMMON_PARAMETERS = ("store_id", "period", "data", "params", "lang", "output_dir", "on_bad_rows")
#: Alert levels, most severe first.
ALERT_LEVELS = ("critical", "warning", "info")
#: The period kinds each notebook is made for (DESIGN §1). Others run, with a note saying
#: what "previous" then means; campaign_review and portfolio_overview take any period.
PERIOD_KINDS = {
    "daily_report": ("day",),
    "weekly_review": ("week",),
    "monthly_assessment": ("month",),
    "store_inspection": ("day",),
    "customer_health": ("month",),
    "channel_efficiency": ("week", "month"),
}
_KIND_WORDS = {  # (zh, en)
    "day": ("一天", "a day"),
    "week": ("一个 ISO 周", "an ISO week"),
    "month": ("一个自然月", "a calendar month"),
    "quarter": ("一个季度", "a quarter"),
    "year": ("一年", "a year"),
    "range": ("一段日期", "a date range"),
}
_PREVIOUS_WORDS = {  # (zh, en): "against the period just before", by the period's kind
    "day": ("环比前一天", "vs the day before"),
    "week": ("环比上周", "vs last week"),
    "month": ("环比上月", "vs last month"),
    "quarter": ("环比上季度", "vs last quarter"),
    "year": ("比上一年", "vs the year before"),
    "range": ("环比上期", "vs the period before"),
}
#: Set by tests/conftest.py: nbval runs the notebooks with their defaults on data/sample, and
#: their checked cells assert KPI values of that sample (see :meth:`Report.sample_check`).
SAMPLE_CHECK_ENV = "ECANALYSIS_SAMPLE_CHECK"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to JSON types; NaN and NaT become None."""
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


def resolve_period(
    dataset,
    store_id: str,
    text: str | None,
    tz: str,
    *,
    campaign_id=None,
    now: dt.datetime | None = None,
):
    """The :class:`~ecanalysis.periods.Period` a report covers.

    ``yesterday``, ``last-week`` and ``last-month`` are relative to the local date in
    ``tz`` at the instant ``now`` (a tz-aware datetime; default: the clock), so stores in
    different time zones can have different yesterdays at the same moment; ``latest-*``
    forms are relative to the last complete day of the store's data (of the whole
    portfolio for ``all``); ``campaign_review`` without a period takes the campaign's
    inclusive dates.
    """
    from zoneinfo import ZoneInfo

    from ecanalysis.periods import parse_period

    if (text is None or text == "") and campaign_id is not None:
        campaign = find_campaign(dataset, store_id, campaign_id)
        text = f"{campaign['start']:%Y-%m-%d}..{campaign['end']:%Y-%m-%d}"
    if text is None or text == "":
        raise ParameterError("period is required, e.g. 2025-11, 2025-W46, 2025-11-11 or latest-day")
    data_end = None
    if str(text).startswith("latest"):
        data_end = dataset.last_complete_day(None if store_id == "all" else store_id)
    today = None if now is None else now.astimezone(ZoneInfo(tz)).date()
    return parse_period(str(text), tz, today=today, data_end=data_end)


def check_period_in_data(dataset, store_id: str, period) -> None:
    """Refuse a period that ends before the store's data begin: a mistake (a wrong year),
    not news, whose report would be all zeros. One after the data end is reported and
    marked incomplete: that is how a scheduler learns that an export did not arrive."""
    if store_id == "all":
        return
    first, last = dataset.coverage(store_id)
    if first is not None and period.last_day < first:
        raise ParameterError(
            f"period {period.label} ends before store {store_id}'s data begin ({first} "
            f"to {last}): its report would be all zeros; pick a period inside the data "
            "(e.g. latest-day, latest-month) or import the earlier days"
        )


def find_campaign(dataset, store_id: str, campaign_id: str) -> dict[str, Any]:
    """The campaigns row of ``campaign_id`` (``latest``: the store's latest ended campaign)."""
    if not dataset.has("campaigns"):
        raise DataError("campaign_review needs the campaigns table, which this dataset lacks")
    campaigns = dataset.table("campaigns", store_id=store_id)
    if campaigns.empty:
        raise DataError(f"store {store_id!r} has no campaigns")
    if campaign_id == "latest":
        last_day = dataset.last_complete_day(store_id)
        ended = campaigns[campaigns["end"].dt.date <= last_day]
        if ended.empty:
            raise DataError(f"store {store_id!r} has no campaign that ended by {last_day}")
        return ended.sort_values(["end", "campaign_id"]).iloc[-1].to_dict()
    check_identifier(campaign_id, "campaign_id")
    match = campaigns[campaigns["campaign_id"] == campaign_id]
    if match.empty:
        known = ", ".join(campaigns["campaign_id"].astype(str).head(10))
        raise DataError(
            f"campaign {campaign_id!r} not found for store {store_id!r}; known: {known}"
        )
    return match.iloc[0].to_dict()


@dataclass
class Report:
    """The context of one report run: store, period, data, and the record being built."""

    notebook: str
    store_id: str
    parameters: dict[str, Any]
    dataset: Any
    settings: dict[str, Any]
    store: dict[str, Any]
    period: Any
    lang: str = "zh"
    output_dir: Path | None = None
    on_bad_rows: str = "fail"
    workbook: bool = False
    kpis: dict[str, Any] = field(default_factory=dict)
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: list[dict[str, str]] = field(default_factory=list)
    data_rows: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    started_at: str = field(default_factory=_now)
    tables: dict[str, Any] = field(default_factory=dict, repr=False)
    _cache: dict[tuple, Any] = field(default_factory=dict, repr=False)

    # -- context --------------------------------------------------------------

    @property
    def tz(self) -> str:
        """The store's IANA time zone (the portfolio time zone for ``all``)."""
        return self.store["timezone"]

    @property
    def currency(self) -> str | None:
        """The store's currency (None for the portfolio, which may mix currencies)."""
        return self.store.get("currency")

    @property
    def thresholds(self) -> dict[str, Any]:
        """Alert thresholds of this store (``params``)."""
        return self.settings["thresholds"]

    @property
    def coverage(self) -> dict[str, dt.date | None]:
        """First and last local day of the store's orders."""
        key = ("coverage",)
        if key not in self._cache:
            first, last = self.dataset.coverage(None if self.store_id == "all" else self.store_id)
            self._cache[key] = {"first": first, "last": last}
        return self._cache[key]

    @property
    def complete(self) -> bool:
        """True when the data cover every day of the period."""
        first, last = self.coverage["first"], self.coverage["last"]
        if first is None or last is None:
            return False
        return first <= self.period.first_day and last >= self.period.last_day

    def t(self, name: str) -> str:
        """The label of a KPI or column in the report language."""
        from ecanalysis.report import label

        return label(name, self.lang)

    # -- data -----------------------------------------------------------------

    def has(self, table: str) -> bool:
        """True when the dataset has ``table``."""
        return self.dataset.has(table)

    def load(
        self,
        table: str,
        *,
        history: bool = True,
        columns: list[str] | None = None,
        until_data_end: bool = False,
    ):
        """The store's rows of ``table``, validated; None when an optional table is absent.

        ``history=True`` (default) reads from the start of the data to the end of the
        period, as new-buyer, comparison and cohort figures need; ``False`` only the period;
        ``until_data_end=True`` everything (a campaign review follows its buyers afterwards).
        Rows that break the data contract stop the report (``on_bad_rows="fail"``) or are
        set aside in ``quarantine/<table>.csv`` and counted (``"quarantine"``).
        """
        key = ("table", table, history, until_data_end, tuple(columns) if columns else None)
        if key in self._cache:
            return self._cache[key]
        if not self.dataset.has(table):
            if table in OPTIONAL_TABLES:
                self._cache[key] = None
                return None
            raise DataError(f"the dataset has no {table!r} table, which is required")
        store = None if self.store_id == "all" else self.store_id
        if table in ("stores", "fx_rates"):
            frame = self.dataset.table(table, columns=columns)
        elif until_data_end:
            frame = self.dataset.table(table, store_id=store, columns=columns)
        elif history:
            frame = self.dataset.table(table, store_id=store, until=self.period, columns=columns)
        else:
            frame = self.dataset.table(table, store_id=store, period=self.period, columns=columns)
        if frame.empty and store is not None and self._store_has_no_rows(table):
            self._cache[key] = None  # as if absent: a section of "—" cards would say nothing
            return None
        frame = self._screen(table, frame)
        if table == "traffic" and store is not None:
            self._flag_missing_days(frame, table)
        self.data_rows[table] = max(self.data_rows.get(table, 0), len(frame))
        self._cache[key] = frame
        return frame

    def _flag_missing_days(self, frame, table: str) -> None:
        """Alert for days of the period (up to the end of the order data) without a row of
        ``table``: a store has visitors every day, so a day missing from a traffic export
        would read as a fall in visitors or a jump in conversion."""
        import datetime as _dt

        last = min(self.period.last_day, self.coverage["last"] or self.period.last_day)
        wanted = {
            self.period.first_day + _dt.timedelta(days=i)
            for i in range((last - self.period.first_day).days + 1)
        }
        missing = sorted(wanted - set(frame["date"].dt.date))
        if not missing:
            return
        shown = ", ".join(str(day) for day in missing[:5]) + (" …" if len(missing) > 5 else "")
        self.alert(
            "warning",
            self.say(
                f"{table} 表缺少本期 {len(missing)} 天的数据（{shown}）：这些天的访客等指标"
                "不计入，访客与转化率不是真实的变化。",
                f"The {table} table lacks {len(missing)} day(s) of the period ({shown}): "
                "their visitors are not counted, so visitor and conversion figures are "
                "not a real change.",
            ),
        )

    def _store_has_no_rows(self, table: str) -> bool:
        """True when an optional per-store table exists but holds no row of this store (a
        portfolio whose traffic export covers some stores only)."""
        if table not in _PER_STORE_TABLES:
            return False
        key = ("no rows", table)
        if key not in self._cache:
            rows = self.dataset.table(table, store_id=self.store_id, columns=["store_id"])
            self._cache[key] = rows.empty
        return self._cache[key]

    def missing_section(self, table: str, what_it_would_show: str | None = None):
        """The note that replaces a section whose optional table (or ``table.column``) is
        absent, or has no row of this store (:func:`ecanalysis.report.missing_section`).
        It is also an ``info`` alert: "nothing needs attention" must not read as "all
        checked" when a check could not be made."""
        from ecanalysis import report

        store_has_none = self.dataset.has(table) and self._store_has_no_rows(table)
        note = report.missing_section(
            table,
            what_it_would_show,
            lang=self.lang,
            store_id=self.store_id if store_has_none else None,
        )
        self.alert("info", note.text)
        return note

    def _screen(self, table: str, frame):
        """Validate rows at the boundary; fail or quarantine the bad ones."""
        from ecanalysis.schema import split_bad_rows, validate_table

        stores = self.dataset.stores()
        report = validate_table(table, frame, stores=stores)
        if report.ok:
            return frame
        row_level = [p for p in report.problems if getattr(p, "row_level", True)]
        if self.on_bad_rows != "quarantine" or len(row_level) != len(report.problems):
            lines = "\n".join(p.line() for p in report.problems)
            raise DataError(
                f"{table} rows of store {self.store_id} break the data contract:\n{lines}\n"
                "Fix the export, or run with --on-bad-rows quarantine to set these rows aside."
            )
        good, bad = split_bad_rows(table, frame, report)
        self.quarantined[table] = self.quarantined.get(table, 0) + len(bad)
        if self.output_dir is not None and len(bad):
            folder = self.output_dir / "quarantine"
            folder.mkdir(parents=True, exist_ok=True)
            neutralise_formulas(bad).to_csv(
                folder / f"{table}.csv", index=False, encoding="utf-8-sig"
            )
        self.alert(
            "warning",
            self.say(
                f"{table} 表有 {len(bad)} 行不符合数据约定，已隔离到 quarantine/{table}.csv，"
                "本报告的数字不含这些行。",
                f"{len(bad)} {table} row(s) broke the data contract and were quarantined "
                f"(quarantine/{table}.csv); the figures exclude them.",
            ),
        )
        return good.reset_index(drop=True)

    def in_period(self, frame, column: str, *, period=None):
        """Rows of ``frame`` whose local ``column`` falls in the period ``[start, end)``
        (the report's period unless ``period`` is given)."""
        start, end = (period or self.period).local_bounds()
        values = frame[column]
        return frame[(values >= start) & (values < end)].reset_index(drop=True)

    def last_days(self, frame, column: str, *, days: int):
        """Rows of ``frame`` in the ``days`` local days that end with the period."""
        import pandas as pd

        end = self.period.local_bounds()[1]
        values = frame[column]
        return frame[(values >= end - pd.Timedelta(days=days)) & (values < end)].reset_index(
            drop=True
        )

    def shifted_period(self, *, days: int):
        """The period of the same length moved by ``days`` local days (``-7``: a week earlier)."""
        import datetime as _dt

        from ecanalysis.periods import parse_period

        first = self.period.first_day + _dt.timedelta(days=days)
        last = self.period.last_day + _dt.timedelta(days=days)
        text = first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"
        return parse_period(text, self.tz)

    def header(self, zh: str, en: str) -> None:
        """Show the report title (store, period) and the data-coverage note."""
        from IPython.display import display

        from ecanalysis import report

        title = zh if self.lang == "zh" else en
        display(report.title_block(title, self.store, self.period, lang=self.lang))
        display(report.coverage_note(self.coverage, self.period, lang=self.lang))
        kind_note = self._period_kind_note()
        if kind_note:
            display(report.note(kind_note))
            self.alert("info", kind_note)
        if not self.complete:
            self.alert(
                "warning",
                self.say(
                    f"数据未完整覆盖 {self.period.label}（数据范围 {self.coverage['first']} 至 "
                    f"{self.coverage['last']}），本期数字不完整，勿与完整周期直接比较。",
                    f"The data do not cover all of {self.period.label} (data from "
                    f"{self.coverage['first']} to {self.coverage['last']}); figures are partial.",
                ),
            )

    def _period_kind_note(self) -> str | None:
        """What a period of another kind than the notebook is made for means, or None."""
        kinds = PERIOD_KINDS.get(self.notebook)
        if kinds is None or self.period.kind in kinds:
            return None
        made_for = [_KIND_WORDS[k] for k in kinds]
        zh_for = "或".join(zh for zh, _ in made_for)
        en_for = " or ".join(en for _, en in made_for)
        zh_is, en_is = _KIND_WORDS[self.period.kind]
        return self.say(
            f"本报告按{zh_for}设计；{self.period.label} 是{zh_is}：“上期”指紧邻其前的同样长度，"
            "按周或按月的说法请按本期理解。",
            f"This report is made for {en_for}; {self.period.label} is {en_is}: its "
            "comparisons are with the period of the same kind just before, and headings "
            "that name a day, week or month mean this period.",
        )

    # -- record ---------------------------------------------------------------

    def kpi(self, name: str, value: Any) -> None:
        """Record one KPI (a number) for ``metrics.json``."""
        self.kpis[name] = json_safe(value)

    def record_kpis(self, row, names) -> None:
        """Record several KPIs from a one-row frame or a mapping."""
        if hasattr(row, "iloc"):
            row = row.iloc[0] if len(row) else {n: None for n in names}
        for name in names:
            self.kpi(name, row.get(name))

    def compare(self, name: str, current: Any, previous: Any) -> None:
        """Record a comparison: previous value, absolute change and relative change."""
        current, previous = json_safe(current), json_safe(previous)
        change = None if current is None or previous is None else current - previous
        change_pct = None if change is None or not previous else change / abs(previous)
        self.comparisons[name] = {"previous": previous, "change": change, "change_pct": change_pct}

    def record_comparisons(self, current, previous, names, *, suffix: str = "") -> None:
        """Record comparisons of ``names`` between two one-row frames (current vs previous).

        ``suffix`` tells comparisons apart: ``""`` for the previous period (环比),
        ``"_yoy"`` for the same period last year (同比).
        """
        cur = current.iloc[0] if len(current) else {}
        prev = previous.iloc[0] if len(previous) else {}
        if len(previous) and self._before_the_data(prev.get("period_start")):
            previous = previous.iloc[:0]  # no data then: unknown, not zero
        for name in names:
            self.compare(
                f"{name}{suffix}",
                cur.get(name) if len(current) else None,
                prev.get(name) if len(previous) else None,
            )

    def comparable(self, period) -> bool:
        """False when ``period`` (a comparison period) begins before the store's data: its
        figures are unknown, and a table would read them as zeros (a rise from nothing)."""
        return not self._before_the_data(period.first_day)

    def known(self, frame, period):
        """``frame``, a metric table of the comparison ``period``, or the same columns
        without rows when the period begins before the store's data (unknown, not zero)."""
        return frame if self.comparable(period) else frame.iloc[:0]

    def no_comparison(self, period):
        """The note that replaces a comparison with ``period``, which begins before the data."""
        from ecanalysis import report

        first = self.coverage["first"]
        return report.note(
            self.say(
                f"对比期 {period.label} 早于本店数据起点（{first}），无法比较。",
                f"The comparison period {period.label} begins before the store's data "
                f"({first}): no comparison.",
            )
        )

    def _before_the_data(self, start) -> bool:
        """True when a comparison period starting at ``start`` begins before the store's
        data do: its figures would read as zeros (a 100 % rise from nothing)."""
        import pandas as pd

        first = self.coverage["first"]
        if first is None or start is None or pd.isna(start):
            return False
        return pd.Timestamp(start).date() < first

    def record_trailing(self, day_row, names, *, days: int) -> None:
        """Record ``<name>_vs_trailing_<days>d`` comparisons from a ``vs_trailing_mean`` row.

        Only for a one-day period: the row is one day's, and a longer period's total beside
        its first day's change would mix the two."""
        if not len(day_row) or self.period.days != 1:
            return
        row = day_row.iloc[0]
        for name in names:
            self.compare(
                f"{name}_vs_trailing_{days}d", row.get(name), row.get(f"{name}_trailing_mean")
            )

    def vs_previous(self) -> str:
        """What the comparison with ``period.previous()`` is called, in the report language
        and for the period's kind: 环比上月 / vs last month for a month, and so on."""
        return self.say(*_PREVIOUS_WORDS[self.period.kind])

    def flag_drops(self, names, *, zh: str | None = None, en: str | None = None) -> None:
        """Alert for each KPI among ``names`` that fell more than the drop threshold against
        the comparison ``zh`` / ``en`` names (by default the period just before, named by
        :meth:`vs_previous`).

        Not for a period the data do not cover completely: a half day is not a 50 % drop
        (the report says the figures are partial instead)."""
        if not self.complete:
            return
        if zh is None or en is None:
            zh, en = _PREVIOUS_WORDS[self.period.kind]
        limit = float(self.thresholds["drop_alert_pct"])
        for name in names:
            change = self.comparisons.get(name, {}).get("change_pct")
            if change is not None and change < limit:
                self.alert(
                    "warning",
                    self.say(
                        f"{self.t(name)} {zh}下降 {abs(change):.0%}（预警线 {abs(limit):.0%}）",
                        f"{self.t(name)} fell {abs(change):.0%} {en} (alert at {abs(limit):.0%})",
                    ),
                )

    def flag_anomaly(self, flags, metric: str) -> None:
        """Alert when the period's days are flagged in a ``detect_anomalies`` result."""
        from ecanalysis.labels import format_value, kind_of

        in_period = self.in_period(flags, "date")
        for _, row in in_period[in_period["is_anomaly"].fillna(False).astype(bool)].iterrows():
            direction = "高于" if row["value"] > row["expected"] else "低于"
            direction_en = "above" if row["value"] > row["expected"] else "below"
            actual, expected = (
                format_value(row[c], kind_of(metric), currency=self.currency)
                for c in ("value", "expected")
            )
            self.alert(
                "warning",
                self.say(
                    f"{row['date']:%Y-%m-%d} {self.t(metric)} {direction}预期（实际 {actual}，预期 "
                    f"{expected}）",
                    f"{row['date']:%Y-%m-%d} {self.t(metric)} is {direction_en} expectation "
                    f"(actual {actual}, expected {expected})",
                ),
            )

    def flag_count(self, count: int, level: str, zh: str, en: str) -> None:
        """Alert "<count> <what>" when ``count`` is positive (e.g. stock-outs)."""
        if count > 0:
            self.alert(level, self.say(f"{count} {zh}", f"{count} {en}"))

    def flag_channels(self, performance) -> None:
        """Alert for channels that ``flag_channels`` says to cut."""
        if "action" not in performance.columns:
            return
        from ecanalysis.labels import value_label

        floor = self.thresholds["channel_roas_floor"]
        for _, row in performance[performance["action"] == "cut"].iterrows():
            roas, share = row["roas"], row["spend_share"]
            channel = value_label("channel", row["channel"], self.lang)
            self.alert(
                "warning",
                self.say(
                    f"渠道 {channel} 花费高、回报低，建议削减（ROAS {roas:.2f}，"
                    f"占花费 {share:.0%}，低于回本线 {floor:g}）",
                    f"Channel {channel} costs money and brings little: cut "
                    f"(ROAS {roas:.2f}, {share:.0%} of spend: sales do not repay spend, "
                    f"floor {floor:g})",
                ),
            )

    def record_dsr(self, dsr) -> None:
        """Record DSR scores as ``dsr_<dimension>`` KPIs and alert below the threshold."""
        for _, row in dsr.iterrows():
            self.kpi(f"dsr_{row['dimension']}", row["score"])
            if bool(row.get("below_threshold")):
                self.alert(
                    "critical",
                    self.say(
                        f"店铺动态评分「{self.t('dsr_' + str(row['dimension']))}」{row['score']:.2f}，"
                        f"低于预警线 {self.thresholds['rating_alert']}",
                        f"DSR {row['dimension']} is {row['score']:.2f}, below the alert line "
                        f"{self.thresholds['rating_alert']}",
                    ),
                )

    def targets(self) -> dict[str, float | None]:
        """This month's target of each KPI from the params (``None`` where not set).

        Targets are monthly: for a period that is not a calendar month (a week judged
        against a month's target would read as a 25 % attainment) every target is None.
        """
        from ecanalysis.params import monthly_target

        month = f"{self.period.first_day:%Y-%m}"
        names = list((self.settings.get("targets") or {}).keys())
        if self.period.kind != "month":
            return dict.fromkeys(names)
        return {name: monthly_target(self.settings, month, name) for name in names}

    def targets_note(self) -> str | None:
        """Why the assessment table shows no targets, or None when it shows them."""
        if self.period.kind != "month" and self.settings["targets_set"]:
            return self.say(
                f"目标按自然月设定，{self.period.label} 不是一个自然月：本期不与目标对比。",
                f"Targets are monthly and {self.period.label} is not a calendar month: "
                "this period is not compared with them.",
            )
        if not self.settings["targets_set"]:
            return self.say(
                "本店未设置月度目标（params/stores/<store_id>.yaml 的 targets）。",
                "No monthly targets are set for this store "
                "(targets in params/stores/<store_id>.yaml).",
            )
        return None

    def target_kpis(self, kpis) -> list[str]:
        """KPIs for the assessment table: those with targets first, then the headline ones."""
        with_targets = [k for k, v in self.targets().items() if v is not None]
        headline = [
            "paid_amount",
            "orders",
            "buyers",
            "new_buyers",
            "aov",
            "revenue_per_buyer",
            "gross_margin",
            "refund_amount",
        ]
        return with_targets + [k for k in headline if k in kpis and k not in with_targets]

    def record_assessment(self, assessment) -> None:
        """Record attainment KPIs and alert for missed or at-risk targets."""
        from ecanalysis.errors import closest
        from ecanalysis.labels import format_value, kind_of
        from ecanalysis.metrics.targets import LOWER_IS_BETTER

        for _, row in assessment.iterrows():
            if row["status"] == "not_set":
                continue
            if row["kpi"] not in self.kpis:
                guess = closest(row["kpi"], self.kpis)
                hint = (
                    self.say(f"（是否应为 {guess}？）", f" (did you mean {guess!r}?)")
                    if guess
                    else ""
                )
                self.alert(
                    "warning",
                    self.say(
                        f"目标 {row['kpi']} 不是本报告的指标{hint}，请检查 params 中的 targets。",
                        f"the target {row['kpi']!r} names no KPI of this report{hint}; "
                        "check targets in params.",
                    ),
                )
                continue
            self.kpi(f"{row['kpi']}_attainment", row["attainment"])
            if row["status"] in ("missed", "at_risk"):
                level = "critical" if row["status"] == "missed" else "warning"
                projected = row["projected_attainment"] == row["projected_attainment"]
                basis = row["projected_attainment"] if projected else row["attainment"]
                kind = kind_of(row["kpi"])
                target = format_value(row["target"], kind, currency=self.currency)
                if basis != basis:  # no value (an AOV without orders): no percentage
                    message = self.say(
                        f"{self.t(row['kpi'])} 本期无数值（目标 {target}）",
                        f"{self.t(row['kpi'])} has no value this period (target {target})",
                    )
                elif projected:  # a month in progress is judged on its projected end
                    message = self.say(
                        f"{self.t(row['kpi'])} 预计达成率 {basis:.0%}（按月末预测，目标 {target}）",
                        f"{self.t(row['kpi'])} projected at {basis:.0%} of target by the end of "
                        f"the month ({target})",
                    )
                elif row["kpi"] in LOWER_IS_BETTER:  # a ceiling: say how far over it
                    actual = format_value(row["actual"], kind, currency=self.currency)
                    over = row["actual"] / row["target"] - 1 if row["target"] else float("nan")
                    message = self.say(
                        f"{self.t(row['kpi'])} {actual}，超出上限 {target}（{over:+.0%}）",
                        f"{self.t(row['kpi'])} {actual}, above the ceiling {target} ({over:+.0%})",
                    )
                else:
                    message = self.say(
                        f"{self.t(row['kpi'])} 目标达成率 {basis:.0%}（目标 {target}）",
                        f"{self.t(row['kpi'])} at {basis:.0%} of target ({target})",
                    )
                self.alert(level, message)

    def with_targets(self, monthly, kpi: str):
        """``period_start, actual, target`` of ``kpi`` for a monthly frame (for trend plots)."""
        from ecanalysis.params import monthly_target

        targets = [
            monthly_target(self.settings, f"{month:%Y-%m}", kpi)
            for month in monthly["period_start"]
        ]
        return monthly[["period_start"]].assign(actual=monthly[kpi].to_numpy(), target=targets)

    def next_period(self):
        """The period of the same kind right after this one."""
        from ecanalysis.periods import parse_period

        following = self.period.last_day + dt.timedelta(days=1)
        if self.period.kind == "month":
            return parse_period(f"{following:%Y-%m}", self.tz)
        if self.period.kind == "day":
            return parse_period(following.isoformat(), self.tz)
        last = following + dt.timedelta(days=self.period.days - 1)
        return parse_period(f"{following.isoformat()}..{last.isoformat()}", self.tz)

    def record_repeat(self, repeat) -> None:
        """Record ``repeat_rate_<N>d`` KPIs from ``new_buyer_repeat``."""
        for _, row in repeat.iterrows():
            self.kpi(f"repeat_rate_{int(row['window_days'])}d", row["repeat_rate"])

    def flag_campaign(self, summary, lift) -> None:
        """Alert when a campaign lost money (ROAS < 1) or its lift interval includes zero."""
        if len(summary) and summary["roas"].iloc[0] < 1:
            self.alert(
                "warning",
                self.say(
                    f"活动 ROAS {summary['roas'].iloc[0]:.2f} 低于 1：投入大于产出",
                    f"Campaign ROAS {summary['roas'].iloc[0]:.2f} is below 1: it cost more than it brought",
                ),
            )
        if len(lift) and lift["lift_low"].iloc[0] <= 0:
            self.alert(
                "warning",
                self.say(
                    "活动增量的区间包含 0：无法确认活动带来了增量销售",
                    "The lift interval includes zero: no clear incremental sales",
                ),
            )

    def record_channel_totals(self, performance, *, previous=None) -> None:
        """Record spend, ROAS and CPA over all channels (ratios of sums), compared with
        the ``previous`` period's channel table when given."""
        totals = _channel_totals(performance)
        for name, value in totals.items():
            self.kpi(name, value)
        if previous is not None:
            before = _channel_totals(previous)
            for name, value in totals.items():
                self.compare(name, value, before[name])

    def record_portfolio(self, comparison) -> None:
        """Record portfolio KPIs: stores, orders and each currency's paid amount."""
        self.kpi("stores", len(comparison))
        self.kpi("orders", comparison["orders"].sum())
        for currency, group in comparison.groupby("currency", sort=True):
            self.kpi(f"paid_amount_{currency}", group["paid_amount"].sum())
            self.kpi(f"net_sales_{currency}", group["net_sales"].sum())

    def record_totals(self, totals) -> None:
        """Record the reporting-currency totals (when there is one); the record's currency
        is the totals' one, or none when they stay per currency."""
        self.store["currency"] = totals["currency"].iloc[0] if len(totals) == 1 else None
        if len(totals) == 1:
            row = totals.iloc[0]
            self.kpi("paid_amount", row["paid_amount"])
            self.kpi("net_sales", row["net_sales"])
            self.kpi("gross_profit", row["gross_profit"])
            self.parameters["reporting_currency"] = row["currency"]
            self.kpi("rate_coverage", row["rate_coverage"])
            if row["rate_coverage"] < 1:
                missing = 1 - row["rate_coverage"]
                self.alert(
                    "warning",
                    self.say(
                        f"{missing:.1%} 的店铺日没有折算为 {row['currency']} 的汇率，"
                        "其金额未计入合计；请在 fx_rates 中补全汇率。",
                        f"{missing:.1%} of store-days have no exchange rate to "
                        f"{row['currency']}; their amounts are left out of the totals. "
                        "Add the missing rates to fx_rates.",
                    ),
                )

    def flag_outliers(self, comparison) -> None:
        """Alert for stores whose change stands out from the portfolio."""
        for _, row in comparison[comparison["outlier"]].iterrows():
            self.alert(
                "warning",
                self.say(
                    f"店铺 {row['name']}（{row['store_id']}）变化异常：{row['paid_amount_change_pct']:+.0%}",
                    f"Store {row['name']} ({row['store_id']}) stands out: {row['paid_amount_change_pct']:+.0%}",
                ),
            )
        for _, row in comparison[comparison["orders"] == 0].iterrows():
            self.alert(
                "warning",
                self.say(
                    f"店铺 {row['store_id']} 本期无订单",
                    f"Store {row['store_id']} has no orders in the period",
                ),
            )

    def sample_check(self) -> bool:
        """True when a notebook's checked cell should assert KPIs of the bundled sample:
        under ``make test`` (nbval sets ``ECANALYSIS_SAMPLE_CHECK``) and outside the runner
        (no run record), i.e. the notebook's defaults on ``data/sample``."""
        return bool(os.environ.get(SAMPLE_CHECK_ENV)) and self.output_dir is None

    def say(self, zh: str, en: str) -> str:
        """The text in the report language."""
        return zh if self.lang == "zh" else en

    def alert(self, level: str, message: str) -> None:
        """Record something that needs attention (``critical``, ``warning`` or ``info``)."""
        if level not in ALERT_LEVELS:
            raise ParameterError(f"alert level {level!r} is not one of {ALERT_LEVELS}")
        entry = {"level": level, "message": str(message)}
        if entry not in self.alerts:
            self.alerts.append(entry)

    def save_table(self, name: str, frame) -> None:
        """Keep a key table as ``tables/<name>.csv`` in the run record (UTF-8 with BOM for
        Excel; text that a spreadsheet would run as a formula gets a leading ``'``), and as
        a sheet of the workbook when the report writes one."""
        check_identifier(name, "table name")
        if self.output_dir is None:
            return
        folder = self.output_dir / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        neutralise_formulas(frame).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
        if self.workbook:
            self.tables[name] = frame.copy()

    def record(self, status: str = "ok") -> dict[str, Any]:
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
                "finished_at": _now(),
                "status": status,
                "versions": versions(),
            }
        )

    def finish(self) -> dict[str, Any]:
        """Write ``metrics.json`` into the output directory (when the runner gave one), and
        ``<notebook>.xlsx`` of the saved tables when :attr:`workbook` is set."""
        if not self.kpis:
            raise ParameterError(
                f"{self.notebook} recorded no KPIs; metrics.json must not be empty"
            )
        record = self.record()
        if self.output_dir is not None:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            if self.workbook:
                write_workbook(
                    self.output_dir / f"{self.notebook}.xlsx",
                    self.tables,
                    record=record,
                    store=self.store,
                    lang=self.lang,
                )
            text = json.dumps(record, ensure_ascii=False, indent=2, allow_nan=False)
            write_text_atomic(self.output_dir / "metrics.json", text + "\n")
        return record


def _channel_totals(performance) -> dict[str, Any]:
    """Spend, ROAS and CPA of a ``channel_performance`` table: ratios of the sums over
    the channels with spend (None without any spend)."""
    from ecanalysis.metrics._common import ratio

    spend = performance["spend"].sum(min_count=1)
    paid = performance.loc[performance["spend"] > 0]
    known = spend == spend
    return {
        "spend": spend,
        "roas": ratio(paid["paid_amount"].sum(), spend) if known else None,
        "cpa": ratio(spend, paid["orders"].sum()) if known else None,
    }


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


def open_report(
    notebook: str,
    *,
    store_id: str,
    period: str | None,
    data: str | os.PathLike | None = None,
    params: str | os.PathLike | None = None,
    lang: str | None = None,
    output_dir: str | os.PathLike | None = None,
    on_bad_rows: str = "fail",
    **extra: Any,
) -> Report:
    """Resolve a report's store, period, settings and dataset; the first call of a notebook.

    ``lang=None`` takes the report language from the params (``lang`` of the store's file,
    else of ``defaults.yaml``). Parameters are validated here as well as by the runner, so
    that JupyterLab users get the same clear errors as the command line.
    """
    from ecanalysis.data import open_dataset

    check_identifier(notebook, "notebook")
    check_identifier(store_id, "store_id")
    if lang is not None and lang not in LANGS:
        raise ParameterError(f"lang={lang!r} is not supported; use one of {LANGS}")
    if on_bad_rows not in ("fail", "quarantine"):
        raise ParameterError("on_bad_rows must be 'fail' or 'quarantine'")
    data_dir = resolve_data_dir(data)
    if not data_dir.is_dir():
        raise DataError(
            f"dataset directory {data_dir} does not exist; run `make sample` or pass data=<dir>"
        )
    dataset = open_dataset(data_dir)
    settings = load_settings_for(params, store_id)
    lang = lang or settings["lang"]
    stores = dataset.stores()
    if store_id == "all":
        store = {
            "store_id": "all",
            "name": "Portfolio",
            "timezone": settings["portfolio_timezone"],
            "currency": _portfolio_currency(dataset, stores, settings),
            "currencies": sorted(set(stores["currency"].astype(str))),
        }
    else:
        match = stores[stores["store_id"] == store_id]
        if match.empty:
            known = ", ".join(stores["store_id"].astype(str).head(20))
            raise DataError(
                f"store {store_id!r} is not in the dataset's stores table; known: {known}"
            )
        store = match.iloc[0].to_dict()
    resolved = resolve_period(
        dataset, store_id, period, store["timezone"], campaign_id=extra.get("campaign_id")
    )
    check_period_in_data(dataset, store_id, resolved)
    parameters = {
        "store_id": store_id,
        "period": resolved.label,
        "lang": lang,
        "on_bad_rows": on_bad_rows,
        **{k: json_safe(v) for k, v in extra.items()},
    }
    return Report(
        notebook=notebook,
        store_id=store_id,
        parameters=parameters,
        dataset=dataset,
        settings=settings,
        store=store,
        period=resolved,
        lang=lang,
        output_dir=None if output_dir in (None, "") else Path(output_dir),
        on_bad_rows=on_bad_rows,
        workbook=notebook in WORKBOOK_NOTEBOOKS,
    )


def _portfolio_currency(dataset, stores, settings) -> str | None:
    """The one currency of the portfolio's totals: the reporting currency when rates exist
    to convert to it (as :func:`~ecanalysis.metrics.portfolio.to_reporting_currency`
    does), else the stores' own when they share one, else None (totals per currency)."""
    if settings.get("reporting_currency") and dataset.has("fx_rates"):
        return settings["reporting_currency"]
    currencies = set(stores["currency"].astype(str))
    return currencies.pop() if len(currencies) == 1 else None


def load_settings_for(params: str | os.PathLike | None, store_id: str) -> dict[str, Any]:
    """Settings of ``store_id`` from the params directory (``None`` → ``<root>/params``)."""
    from ecanalysis.params import load_settings

    return load_settings(resolve_params_dir(params), store_id)
