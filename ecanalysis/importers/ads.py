"""Ad spend by day: Meta Ads, Google Ads and 阿里妈妈 (直通车, 万相台, 引力魔方) reports.

Each is a campaign-by-day report (one row per campaign and day) exported as CSV or
.xlsx. ``ad_spend`` is keyed by (store_id, date, channel), so the rows of a day are
summed over campaigns into one row per day and channel (``campaign_id`` stays empty: the
report's campaigns are not the ``campaigns`` table's). A later file's day replaces an
earlier file's same day, so export every campaign of the days you export.

=============  ===============================================================
platform       file and mapping
=============  ===============================================================
meta_ads       Ads Manager › Reports › Export table data (CSV), breakdown by Day:
               ``Day`` → date, ``Amount spent (USD)`` → spend (the currency in the
               column name must be the store's), ``Impressions``, ``Link clicks`` →
               clicks (``Clicks (all)`` when absent); channel ``meta_ads``. A summary
               row (no ``Campaign name`` and no ``Day``) is skipped and counted.
google_ads     Campaigns report downloaded as CSV: two title lines, then ``Campaign``,
               ``Day``, ``Currency code``, ``Cost``, ``Impr.``, ``Clicks``; channel
               ``google_ads``. ``Total: …`` rows are skipped and counted. ``Currency
               code`` must be the store's.
zhitongche     直通车 推广计划 分日报表: 日期, 花费 (元), 展现量, 点击量; channel 直通车
wanxiangtai    万相台 计划报表 by day, the same columns; channel 万相台
yinlimofang    引力魔方 计划报表 by day, the same columns; channel 引力魔方
=============  ===============================================================

A row whose date or spend does not parse is quarantined with every other row of its day
(a partial sum would understate the day); empty impressions or clicks are
missing, not 0. 阿里妈妈 reports are China days (``--timezone Asia/Shanghai``).
"""

from __future__ import annotations

import re

import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    blank,
    cells,
    count_column,
    dates,
    first_column,
)
from ecanalysis.importers._platform import (
    Context,
    Layout,
    Mapped,
    Platform,
    quarantine_frame,
    spread_to_orders,
)
from ecanalysis.importers._read import Export

_META_SPEND = re.compile(r"^Amount spent \(([A-Z]{3})\)$")


def _meta_spend_column(frame: pd.DataFrame) -> str | None:
    """``Amount spent (USD)`` or the column of another currency, None when absent."""
    return next((c for c in frame.columns if _META_SPEND.match(c)), None)


def _meta_currencies(export: Export) -> list[str]:
    """The currency named by the spend column's header (``USD``)."""
    column = _meta_spend_column(export.frame)
    return [_META_SPEND.match(column).group(1)] if column else []


def _map(
    export: Export,
    ctx: Context,
    *,
    channel: str,
    day: str,
    spend: str | None,
    impressions: tuple[str, ...],
    clicks: tuple[str, ...],
    summary: pd.Series | None = None,
    currency: str | None = None,
) -> Mapped:
    """Sum one report's campaign rows into one ``ad_spend`` row per day."""
    raw = export.frame
    skip = pd.Series(False, index=raw.index) if summary is None else summary.fillna(False)
    problems = RowProblems(len(raw))
    when, bad_day = dates(cells(raw, day))
    problems.add_cells(bad_day & ~skip, day, "not a date", cells(raw, day))
    problems.add(when.isna() & ~bad_day & ~skip, f"{day}: empty")
    if spend is None:
        problems.add(~skip, "no 'Amount spent (XXX)' column: export the spend column")
        cost = pd.Series(float("nan"), index=raw.index)
    else:
        cost = amount_column(raw, spend, problems, required=True)
    if currency is not None:
        code = cells(raw, currency).str.strip().str.upper()
        problems.add(
            (code != "") & (code != ctx.currency) & ~skip,
            f"{currency}: not the store's currency {ctx.currency}",
        )
    shown = _counts(raw, impressions, problems)
    clicked = _counts(raw, clicks, problems)
    # a day with a bad row is set aside whole: a partial sum would understate the day
    day_key = cells(raw, day).str.strip().where(~skip, "")
    no_day_problems = pd.Series("", index=pd.Index(day_key.unique()), dtype="str")
    bad, reasons = spread_to_orders(day_key, problems, no_day_problems)
    reasons = [r.replace("of this order", "of this day") for r in reasons]
    bad &= ~skip.to_numpy()
    keep = ~bad & ~skip.to_numpy()
    rows = pd.DataFrame({"date": when, "spend": cost, "impressions": shown, "clicks": clicked})[
        keep
    ]
    daily = rows.groupby("date", sort=True).agg(
        spend=("spend", "sum"),
        impressions=("impressions", lambda s: s.sum(min_count=1)),
        clicks=("clicks", lambda s: s.sum(min_count=1)),
    )
    spend_rows = pd.DataFrame(
        {
            "store_id": pd.Series(ctx.store_id, index=daily.index, dtype="str"),
            "date": daily.index,
            "channel": pd.Series(channel, index=daily.index, dtype="str"),
            "spend": daily["spend"].astype("float64"),
            "impressions": daily["impressions"],
            "clicks": daily["clicks"],
        }
    ).reset_index(drop=True)
    return Mapped(
        tables={"ad_spend": spend_rows},
        quarantine=quarantine_frame(export, bad, reasons),
        facts={"skipped summary rows": int(skip.sum()), "campaign-day rows": int(keep.sum())},
    )


def _counts(raw: pd.DataFrame, names: tuple[str, ...], problems: RowProblems) -> pd.Series:
    """The first of ``names`` present, as counts (NaN when none is exported)."""
    column = first_column(raw, names)
    if column is None:
        return pd.Series(float("nan"), index=raw.index)
    return count_column(raw, column, problems)


def map_meta(export: Export, ctx: Context) -> Mapped:
    """Meta Ads Manager export by campaign and Day → ``ad_spend`` (channel ``meta_ads``)."""
    raw = export.frame
    summary = blank(cells(raw, "Campaign name")) & blank(cells(raw, "Day"))
    return _map(
        export,
        ctx,
        channel="meta_ads",
        day="Day",
        spend=_meta_spend_column(raw),
        impressions=("Impressions",),
        clicks=("Link clicks", "Clicks (all)"),
        summary=summary,
    )


def map_google(export: Export, ctx: Context) -> Mapped:
    """Google Ads campaign report by Day → ``ad_spend`` (channel ``google_ads``)."""
    raw = export.frame
    summary = pd.concat(
        [cells(raw, c).str.strip().str.startswith("Total:") for c in raw.columns], axis=1
    ).any(axis=1)
    return _map(
        export,
        ctx,
        channel="google_ads",
        day="Day",
        spend="Cost",
        impressions=("Impr.", "Impressions"),
        clicks=("Clicks",),
        summary=summary,
        currency="Currency code",
    )


def _alimama(channel: str):
    """The mapper of one 阿里妈妈 tool's daily report (channel: the tool's name)."""

    def mapper(export: Export, ctx: Context) -> Mapped:
        return _map(
            export,
            ctx,
            channel=channel,
            day="日期",
            spend="花费",
            impressions=("展现量",),
            clicks=("点击量",),
        )

    return mapper


def summary_notes(facts: dict[str, int]) -> list[str]:
    """Say how many campaign rows were summed and how many totals rows were skipped."""
    notes = [
        f"ad_spend: {facts.get('campaign-day rows', 0)} campaign-day row(s) summed into one "
        "row per day (ad_spend is keyed by store, date and channel)"
    ]
    skipped = facts.get("skipped summary rows", 0)
    if skipped:
        notes.append(f"ad_spend: {skipped} totals row(s) of the report skipped (not a day)")
    return notes


_ALIMAMA_OPTIONAL = (
    "计划名称",
    "推广计划名称",
    "点击率",
    "平均点击花费",
    "总成交金额",
    "投入产出比",
)


def _alimama_platform(name: str, channel: str, report: str) -> Platform:
    return Platform(
        name=name,
        title=f"{channel} {report} by day (CSV or .xlsx, GBK or UTF-8) → ad_spend, channel {channel}",
        layouts=(
            Layout("ad_spend", "ad_spend", ("日期", "花费", "展现量", "点击量"), _ALIMAMA_OPTIONAL),
        ),
        mapper=_alimama(channel),
        default_currency="CNY",
        notes="campaign rows of a day are summed; dates are China days: --timezone Asia/Shanghai",
        time_columns=("日期",),
        export_zone="Asia/Shanghai",
        summary=summary_notes,
    )


PLATFORMS = {
    "meta_ads": Platform(
        name="meta_ads",
        title="Meta Ads Manager export by campaign and Day (CSV) → ad_spend, channel meta_ads",
        layouts=(
            Layout(
                "ad_spend",
                "ad_spend",
                ("Campaign name", "Day", "Impressions"),
                ("Amount spent (USD) or another currency", "Link clicks", "Clicks (all)"),
            ),
        ),
        mapper=map_meta,
        currencies=_meta_currencies,
        notes="campaign rows of a day are summed; the spend column's currency is the store's",
        summary=summary_notes,
    ),
    "google_ads": Platform(
        name="google_ads",
        title="Google Ads campaign report by Day (CSV) → ad_spend, channel google_ads",
        layouts=(
            Layout(
                "ad_spend",
                "ad_spend",
                ("Campaign", "Day", "Cost"),
                ("Currency code", "Impr.", "Clicks", "Campaign status"),
            ),
        ),
        mapper=map_google,
        currency_column="Currency code",
        notes="campaign rows of a day are summed; 'Total: …' rows are skipped",
        summary=summary_notes,
    ),
    "zhitongche": _alimama_platform("zhitongche", "直通车", "推广计划分日报表"),
    "wanxiangtai": _alimama_platform("wanxiangtai", "万相台", "计划分日报表"),
    "yinlimofang": _alimama_platform("yinlimofang", "引力魔方", "计划分日报表"),
}
