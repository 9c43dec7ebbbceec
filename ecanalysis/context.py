"""The context of one report run: store, period, settings, and the store's data.

A notebook calls :func:`open_report` once, right after its parameters cell::

    ctx, rec = open_report("daily_report", store_id=store_id, period=period, ...)

``ctx`` (:class:`ReportContext`) resolves the store and the period and reads each table
once: validated at the boundary, only this store's rows, from the start of the data to the
end of the period, with rows that break the contract stopped or quarantined. ``rec``
(:class:`~ecanalysis.record.Record`) collects what the run record holds. The context tells
the record what it learns of the data (partial periods, quarantined rows, missing
sections); everything else a notebook records itself. Notebooks never touch the dataset.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis import alerts
from ecanalysis.config import resolve_data_dir, resolve_params_dir
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.labels import LANGS
from ecanalysis.notebooks import spec_for
from ecanalysis.paths import check_identifier
from ecanalysis.record import Record, json_safe
from ecanalysis.schema import OPTIONAL_TABLES, PER_STORE_TABLES


@dataclass
class ReportContext:
    """Store, period, settings and data access of one report run."""

    notebook: str
    store_id: str
    store: dict[str, Any]
    period: Any
    settings: dict[str, Any]
    record: Record
    lang: str = "zh"
    output_dir: Path | None = None
    on_bad_rows: str = "fail"
    _dataset: Any = field(default=None, repr=False)
    _cache: dict[tuple, Any] = field(default_factory=dict, repr=False)

    # -- what the report is about ------------------------------------------------

    @property
    def tz(self) -> str:
        """The store's IANA time zone (the portfolio time zone for ``all``)."""
        return self.store["timezone"]

    @property
    def currency(self) -> str | None:
        """The store's currency (None for a portfolio whose totals stay per currency)."""
        return self.store.get("currency")

    @property
    def thresholds(self) -> dict[str, Any]:
        """Alert thresholds of this store (``params``)."""
        return self.settings["thresholds"]

    @property
    def sales_basis(self) -> str:
        """``paid`` (sales are paid orders) or ``placed`` (placed, not-cancelled orders: a
        cash-on-delivery store's setting, DESIGN §2)."""
        return self.settings.get("sales_basis", "paid")

    @property
    def coverage(self) -> dict[str, dt.date | None]:
        """First and last local day of the store's orders."""
        return self.record.coverage

    @property
    def complete(self) -> bool:
        """True when the data cover every day of the period."""
        return self.record.complete

    def say(self, zh: str, en: str) -> str:
        """The text in the report language."""
        return alerts.say(self.lang, zh, en)

    def vs_previous(self) -> str:
        """What the comparison with ``period.previous()`` is called (环比上月 / vs last month)."""
        return self.say(*alerts.PREVIOUS_WORDS[self.period.kind])

    # -- data ----------------------------------------------------------------------

    def load(
        self,
        table: str,
        *,
        history: bool = True,
        columns: list[str] | None = None,
        until_data_end: bool = False,
    ):
        """The store's rows of ``table``, validated; None when an optional table is absent
        (or has no row of this store).

        ``history=True`` (default) reads from the start of the data to the end of the
        period, as new-buyer, comparison and cohort figures need; ``False`` only the period;
        ``until_data_end=True`` everything (a campaign review follows its buyers afterwards).
        Rows that break the data contract stop the report (``on_bad_rows="fail"``) or are
        set aside in ``quarantine/<table>.csv`` and counted (``"quarantine"``).
        """
        key = ("table", table, history, until_data_end, tuple(columns) if columns else None)
        if key in self._cache:
            return self._cache[key]
        frame = self._read(table, history=history, columns=columns, until_data_end=until_data_end)
        if frame is not None:
            frame = self._screen(table, frame)
            if table == "orders":
                frame = self._orders_as_reported(frame)
            if table == "traffic" and self.store_id != "all":
                self.record.add(
                    alerts.missing_days(table, self._missing_days(frame), lang=self.lang)
                )
            self.record.data_rows[table] = max(self.record.data_rows.get(table, 0), len(frame))
        self._cache[key] = frame
        return frame

    def _read(self, table: str, *, history: bool, columns, until_data_end: bool):
        if not self._dataset.has(table):
            if table in OPTIONAL_TABLES:
                return None
            raise DataError(f"the dataset has no {table!r} table, which is required")
        store = None if self.store_id == "all" else self.store_id
        if table in ("stores", "fx_rates"):
            frame = self._dataset.table(table, columns=columns)
        elif until_data_end:
            frame = self._dataset.table(table, store_id=store, columns=columns)
        elif history:
            frame = self._dataset.table(table, store_id=store, until=self.period, columns=columns)
        else:
            frame = self._dataset.table(table, store_id=store, period=self.period, columns=columns)
        if frame.empty and store is not None and self._store_has_no_rows(table):
            return None  # as if absent: a section of "—" cards would say nothing
        return frame

    def _orders_as_reported(self, orders):
        """The orders as every figure of the report counts them: refunds from the
        ``refunds`` table where it has rows (DESIGN §2: they define the order's refunds and
        their dates), and on the placed basis for a cash-on-delivery store."""
        from ecanalysis.metrics.orders import as_placed_basis, with_refunds

        refunds = self.load("refunds", until_data_end=True)
        if refunds is not None and len(refunds):
            orders = with_refunds(orders, refunds)
        if self.sales_basis == "placed":
            orders = as_placed_basis(orders)
        return orders

    def _missing_days(self, frame) -> list[dt.date]:
        """Days of the period (up to the end of the order data) without a row of ``frame``:
        a store has visitors every day, so a day missing from a traffic export would read
        as a fall in visitors or a jump in conversion."""
        last = min(self.period.last_day, self.coverage["last"] or self.period.last_day)
        first = self.period.first_day
        wanted = {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}
        return sorted(wanted - set(frame["date"].dt.date))

    def _store_has_no_rows(self, table: str) -> bool:
        """True when an optional per-store table exists but holds no row of this store."""
        if table not in PER_STORE_TABLES:
            return False
        key = ("no rows", table)
        if key not in self._cache:
            rows = self._dataset.table(table, store_id=self.store_id, columns=["store_id"])
            self._cache[key] = rows.empty
        return self._cache[key]

    def _screen(self, table: str, frame):
        """Validate rows at the boundary; fail or quarantine the bad ones."""
        from ecanalysis.schema import split_bad_rows, validate_table
        from ecanalysis.spreadsheets import write_csv

        report = validate_table(table, frame, stores=self.stores())
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
        self.record.quarantined[table] = self.record.quarantined.get(table, 0) + len(bad)
        if self.output_dir is not None and len(bad):
            folder = self.output_dir / "quarantine"
            folder.mkdir(parents=True, exist_ok=True)
            write_csv(bad, folder / f"{table}.csv")
        self.record.add(alerts.quarantined(table, len(bad), lang=self.lang))
        return good.reset_index(drop=True)

    def stores(self):
        """The stores table (every store of the dataset)."""
        if ("stores",) not in self._cache:
            self._cache[("stores",)] = self._dataset.stores()
        return self._cache[("stores",)]

    def daily_facts(self, period):
        """The portfolio's daily facts of ``period`` (DESIGN §5), computed in DuckDB."""
        return self._dataset.daily_facts(period=period)

    def campaign(self, campaign_id: str) -> dict[str, Any]:
        """The campaigns row of ``campaign_id`` (``latest``: the latest ended campaign); a
        campaign of the festival calendar (no campaigns table) is said once, as an info."""
        campaign = find_campaign(self._dataset, self.store_id, campaign_id)
        if campaign.get("source") == "calendar":
            self.record.alert(
                "info",
                self.say(
                    f"本店数据没有活动表：按平台大促日历复盘「{campaign['name']}」"
                    f"（{campaign['start']:%Y-%m-%d} 至 {campaign['end']:%Y-%m-%d}），无活动预算。",
                    f"The store's data have no campaigns table: this reviews the platform "
                    f"festival {campaign['name']} ({campaign['start']:%Y-%m-%d} to "
                    f"{campaign['end']:%Y-%m-%d}), without a budget.",
                ),
            )
        return campaign

    def campaigns(self):
        """The store's campaigns: its rows of the campaigns table (loaded and screened as
        every table), else the platform festivals of the calendar (:func:`store_campaigns`)."""
        loaded = self.load("campaigns")
        if loaded is not None and len(loaded):
            return loaded
        return store_campaigns(self._dataset, self.store_id)

    # -- sections --------------------------------------------------------------------

    def header(self, zh: str, en: str) -> None:
        """Show the report title (store, period) and the data-coverage note."""
        from IPython.display import display

        from ecanalysis import report

        display(report.title_block(self.say(zh, en), self.store, self.period, lang=self.lang))
        display(report.coverage_note(self.coverage, self.period, lang=self.lang))
        kind_note = alerts.period_kind_note(
            self.period, spec_for(self.notebook).period_kinds or (), lang=self.lang
        )
        if kind_note:
            display(report.note(kind_note))
            self.record.alert("info", kind_note)
        basis_note = alerts.sales_basis_note(self.sales_basis, lang=self.lang)
        if basis_note:
            display(report.note(basis_note))
            self.record.alert("info", basis_note)
        if not self.complete:
            self.record.add(alerts.partial_period(self.period.label, self.coverage, lang=self.lang))

    def summary(self, *, against: str | None = None):
        """The paragraph a report opens with (:func:`ecanalysis.summary.summary_paragraph`):
        the period's result, the driver of its change and what to do first, from what the
        record holds when it is called (call it last, beside the alerts).

        ``against`` names the comparison of the KPIs (default: the period just before,
        :meth:`vs_previous`)."""
        from ecanalysis import report
        from ecanalysis.summary import summary_paragraph

        text = summary_paragraph(
            self.record.kpis,
            self.record.comparisons,
            self.record.alerts,
            period_label=self.period.label,
            against=against or self.vs_previous(),
            complete=self.complete,
            currency=self.currency,
            lang=self.lang,
        )
        return report.note(text, level="summary")

    def missing_section(self, table: str, what_it_would_show: str | None = None):
        """The note that replaces a section whose optional table (or ``table.column``) is
        absent or has no row of this store; also an ``info`` alert, so that "nothing needs
        attention" does not read as "all checked" when a check could not be made."""
        from ecanalysis import report

        store_has_none = self._dataset.has(table) and self._store_has_no_rows(table)
        note = report.missing_section(
            table,
            what_it_would_show,
            lang=self.lang,
            store_id=self.store_id if store_has_none else None,
        )
        self.record.alert("info", note.text)
        return note

    def comparable(self, period) -> bool:
        """False when ``period`` (a comparison period) begins before the store's data: its
        figures are unknown, and a table would read them as zeros (a rise from nothing)."""
        return not self.record.before_the_data(period.first_day)

    def known(self, frame, period):
        """``frame`` (a metric table of the comparison ``period``), or its columns without
        rows when the period begins before the store's data (unknown, not zero)."""
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

    # -- targets -----------------------------------------------------------------------

    def targets(self) -> dict[str, float | None]:
        """This month's target of each KPI from the params (None where not set).

        Targets are monthly: for a period that is not a calendar month (a week judged
        against a month's target would read as a 25 % attainment) every target is None.
        """
        from ecanalysis.params import monthly_target

        names = list((self.settings.get("targets") or {}).keys())
        if self.period.kind != "month":
            return dict.fromkeys(names)
        month = f"{self.period.first_day:%Y-%m}"
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

    def with_targets(self, monthly, kpi: str):
        """``period_start, actual, target`` of ``kpi`` for a monthly frame (trend plots)."""
        from ecanalysis.params import monthly_target

        targets = [
            monthly_target(self.settings, f"{month:%Y-%m}", kpi)
            for month in monthly["period_start"]
        ]
        return monthly[["period_start"]].assign(actual=monthly[kpi].to_numpy(), target=targets)


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

    A campaign review (``campaign_id``) covers its campaign's inclusive dates: another
    period is refused (one window per report).

    ``yesterday``, ``last-week`` and ``last-month`` are relative to the local date in
    ``tz`` at the instant ``now`` (a tz-aware datetime; default: the clock), so stores in
    different time zones can have different yesterdays at the same moment; ``latest-*``
    forms are relative to the last complete day of the store's data (of the whole
    portfolio for ``all``); ``campaign_review`` without a period takes the campaign's
    inclusive dates.
    """
    from zoneinfo import ZoneInfo

    from ecanalysis.periods import parse_period

    if campaign_id is not None:
        campaign = find_campaign(dataset, store_id, campaign_id)
        own = f"{campaign['start']:%Y-%m-%d}..{campaign['end']:%Y-%m-%d}"
        if (
            text not in (None, "")
            and parse_period(str(text), tz).label != parse_period(own, tz).label
        ):
            raise ParameterError(
                f"a campaign review covers its campaign's own dates ({own} for "
                f"{campaign['campaign_id']}), not {text}: its cards, lift and ROAS would mix "
                "two windows. Run it without --period (or with that range)."
            )
        text = own
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


def store_campaigns(dataset, store_id: str):
    """The store's campaigns: its rows of the ``campaigns`` table, else the platform festivals
    of the built-in calendar over its data (双11, 618, 年货节 … for a store selling in CNY,
    Black Friday and Cyber Monday for the others), so that a store whose exports hold no
    campaign table can still review its big sale days. A calendar campaign's id is
    ``<event>-<year>`` (``double_11-2025``), its ``kind`` is ``festival`` and its ``source``
    column (absent from a campaigns table) is ``calendar``."""
    import pandas as pd

    if dataset.has("campaigns"):
        campaigns = dataset.table("campaigns", store_id=store_id)
        if not campaigns.empty:
            return campaigns
    from ecanalysis.metrics.calendar import festival_calendar

    first, last = dataset.coverage(store_id)
    columns = [
        "campaign_id",
        "store_id",
        "name",
        "start",
        "end",
        "budget",
        "channel",
        "kind",
        "source",
    ]
    if first is None:
        return pd.DataFrame(columns=columns)
    store = dataset.stores().set_index("store_id").loc[store_id]
    region = "cn" if str(store.get("currency")) == "CNY" else "global"
    festivals = festival_calendar(first.isoformat(), last.isoformat(), region=region)
    return pd.DataFrame(
        {
            "campaign_id": festivals["event"] + "-" + festivals["start"].dt.year.astype(str),
            "store_id": store_id,
            "name": festivals["name_zh"] if region == "cn" else festivals["name_en"],
            "start": festivals["start"],
            "end": festivals["end"],
            "budget": float("nan"),
            "channel": None,
            "kind": "festival",
            "source": "calendar",
        }
    ).reset_index(drop=True)


def find_campaign(dataset, store_id: str, campaign_id: str) -> dict[str, Any]:
    """The campaign ``campaign_id`` of the store (``latest``: its latest ended campaign),
    from :func:`store_campaigns` (its campaigns table, else the festival calendar)."""
    campaigns = store_campaigns(dataset, store_id)
    if campaigns.empty:
        first, last = dataset.coverage(store_id)
        raise DataError(
            f"store {store_id!r} has no campaigns table rows and no platform festival (双11, "
            f"618, Black Friday …) falls inside its data ({first} to {last})"
        )
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
) -> tuple[ReportContext, Record]:
    """Resolve a report's store, period, settings and dataset: the first call of a notebook.

    Returns the run's context and its record. ``lang=None`` takes the report language from
    the params (``lang`` of the store's file, else of ``defaults.yaml``). Parameters are
    validated here as well as by the runner, so that JupyterLab users get the same clear
    errors as the command line.
    """
    from ecanalysis.data import open_dataset
    from ecanalysis.params import load_settings

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
    settings = load_settings(resolve_params_dir(params), store_id)
    lang = lang or settings["lang"]
    store = _store_row(dataset, store_id, settings)
    resolved = resolve_period(
        dataset, store_id, period, store["timezone"], campaign_id=extra.get("campaign_id")
    )
    check_period_in_data(dataset, store_id, resolved)
    first, last = dataset.coverage(None if store_id == "all" else store_id)
    output = None if output_dir in (None, "") else Path(output_dir)
    record = Record(
        notebook=notebook,
        store_id=store_id,
        period=resolved,
        parameters={
            "store_id": store_id,
            "period": resolved.label,
            "lang": lang,
            "on_bad_rows": on_bad_rows,
            **({"sales_basis": "placed"} if settings.get("sales_basis") == "placed" else {}),
            **{k: json_safe(v) for k, v in extra.items()},
        },
        store=store,
        coverage={"first": first, "last": last},
        lang=lang,
        output_dir=output,
        workbook=spec_for(notebook).workbook,
    )
    context = ReportContext(
        notebook=notebook,
        store_id=store_id,
        store=store,
        period=resolved,
        settings=settings,
        record=record,
        lang=lang,
        output_dir=output,
        on_bad_rows=on_bad_rows,
        _dataset=dataset,
    )
    return context, record


def _store_row(dataset, store_id: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The stores row of ``store_id``, or the portfolio's own for ``all``."""
    stores = dataset.stores()
    if store_id == "all":
        return {
            "store_id": "all",
            "name": "Portfolio",
            "timezone": settings["portfolio_timezone"],
            "currency": _portfolio_currency(dataset, stores, settings),
            "currencies": sorted(set(stores["currency"].astype(str))),
        }
    match = stores[stores["store_id"] == store_id]
    if match.empty:
        known = ", ".join(stores["store_id"].astype(str).head(20))
        raise DataError(f"store {store_id!r} is not in the dataset's stores table; known: {known}")
    return match.iloc[0].to_dict()


def _portfolio_currency(dataset, stores, settings) -> str | None:
    """The one currency of the portfolio's totals: the reporting currency when rates exist
    to convert to it (as :func:`~ecanalysis.metrics.portfolio.to_reporting_currency`
    does), else the stores' own when they share one, else None (totals per currency)."""
    if settings.get("reporting_currency") and dataset.has("fx_rates"):
        return settings["reporting_currency"]
    currencies = set(stores["currency"].astype(str))
    return currencies.pop() if len(currencies) == 1 else None
