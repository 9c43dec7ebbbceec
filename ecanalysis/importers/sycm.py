"""生意参谋 (SYCM): the store's traffic by day, exported as CSV or .xlsx.

From 生意参谋 › 流量 › 流量看板 (or 店铺整体 › 取数) with 日期 as rows; the title lines
above the header (shop name, date range) are skipped. Rates are percent strings
(``45.67%``). Dates are China days, so ``--timezone`` should be a zone at UTC+08:00
(else a warning). One row per day becomes one ``traffic`` row for the whole store:

=================  ================================================================
canonical          生意参谋 column
=================  ================================================================
date               日期 (``2025-11-01``, ``2025/11/1`` or ``20251101``)
source, device     empty (null): the export totals every source and device, and a
                   value such as ``all`` would read as a channel of that name
visitors           访客数
pageviews          浏览量
sessions           empty: 生意参谋 does not count sessions
new_visitors       新访客数, when exported
bounces            round(跳失率 × 访客数), half up: 跳失率 is the share of visitors who
                   left after one page, so this assumes one landing per visitor-day
time_on_site_s     平均停留时长 (seconds per visitor) × 访客数
cart_visitors      加购人数, when exported
product_views      商品浏览量, when exported
=================  ================================================================

商品 by day (生意参谋 › 品类 › 商品排行 or 商品360, 日期 as rows, exported per day) →
``product_traffic``: ``date`` = 统计日期, ``sku`` = 商家编码 when exported, else 商品ID (so
that it matches the products imported from the 宝贝 list, export 商家编码 with it),
``visitors`` = 商品访客数, ``pageviews`` = 商品浏览量, ``cart_visitors`` = 商品加购人数,
``buyers`` = 支付买家数.

A row whose date or counts do not parse is quarantined. Store totals that an earlier
version wrote with source and device ``all`` are replaced when their day is imported
again (the import's summary counts those left).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    cells,
    count_column,
    dates,
    fractions,
    ids,
)
from ecanalysis.importers._platform import Context, Layout, Mapped, Platform, quarantine_frame
from ecanalysis.importers._read import Export

_REQUIRED = ("日期", "访客数", "浏览量")
_OPTIONAL = ("跳失率", "平均停留时长", "新访客数", "加购人数", "商品浏览量")


def map_export(export: Export, ctx: Context) -> Mapped:
    """Map a 生意参谋 daily traffic export to ``traffic`` (a 商品 export: ``product_traffic``)."""
    if export.kind == "product_traffic":
        return map_products(export, ctx)
    raw = export.frame
    problems = RowProblems(len(raw))
    day, bad_day = dates(cells(raw, "日期"))
    problems.add_cells(bad_day, "日期", "not a date", cells(raw, "日期"))
    problems.add(day.isna() & ~bad_day, "日期: empty")
    visitors = count_column(raw, "访客数", problems, required=True)
    bounce_rate, bad_rate = fractions(cells(raw, "跳失率"))
    problems.add_cells(bad_rate, "跳失率", "not a percentage", cells(raw, "跳失率"))
    average_stay = amount_column(raw, "平均停留时长", problems)
    traffic = pd.DataFrame(
        {
            "store_id": ctx.store_id,
            "date": day,
            "source": pd.Series(pd.NA, index=raw.index, dtype="str"),
            "device": pd.Series(pd.NA, index=raw.index, dtype="str"),
            "visitors": visitors,
            "sessions": np.nan,
            "pageviews": count_column(raw, "浏览量", problems, required=True),
            "new_visitors": count_column(raw, "新访客数", problems),
            "bounces": np.floor(bounce_rate * visitors + 0.5),
            "time_on_site_s": average_stay * visitors,
            "cart_visitors": count_column(raw, "加购人数", problems),
            "product_views": count_column(raw, "商品浏览量", problems),
        }
    )
    mask = problems.mask
    return Mapped(
        tables={"traffic": traffic[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
    )


def map_products(export: Export, ctx: Context) -> Mapped:
    """Map a 生意参谋 商品 export by day to ``product_traffic``."""
    raw = export.frame
    problems = RowProblems(len(raw))
    day, bad_day = dates(cells(raw, "统计日期"))
    problems.add_cells(bad_day, "统计日期", "not a date", cells(raw, "统计日期"))
    problems.add(day.isna() & ~bad_day, "统计日期: empty")
    sku = ids(cells(raw, "商家编码")).fillna(ids(cells(raw, "商品ID")))
    problems.add(sku.isna(), "商家编码 and 商品ID: both empty")
    rows = pd.DataFrame(
        {
            "store_id": ctx.store_id,
            "date": day,
            "sku": sku,
            "visitors": count_column(raw, "商品访客数", problems, required=True),
            "pageviews": count_column(raw, "商品浏览量", problems),
            "cart_visitors": count_column(raw, "商品加购人数", problems),
            "buyers": count_column(raw, "支付买家数", problems),
        }
    )
    mask = problems.mask
    return Mapped(
        tables={"product_traffic": rows[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
    )


PLATFORM = Platform(
    name="sycm",
    title="生意参谋 store traffic by day (CSV or .xlsx), store totals: source and device empty",
    layouts=(
        Layout("traffic", "traffic", _REQUIRED, _OPTIONAL),
        Layout(
            "product_traffic",
            "商品 by day → product_traffic",
            ("统计日期", "商品ID", "商品访客数"),
            ("商家编码", "商品名称", "商品浏览量", "商品加购人数", "支付买家数"),
        ),
    ),
    mapper=map_export,
    default_currency="CNY",
    notes=(
        "bounces = round(跳失率 × 访客数); time_on_site_s = 平均停留时长 × 访客数; "
        "dates are China days: use --timezone Asia/Shanghai (else a warning)"
    ),
    time_columns=("日期", "统计日期"),
    export_zone="Asia/Shanghai",
)
