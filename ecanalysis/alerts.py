"""Alert rules: pure functions from a result table (and thresholds) to alerts.

An alert is ``{"level": "critical" | "warning" | "info", "message": str}``; each rule returns
a list of them in the report language, so that a notebook reads
``rec.add(alerts.channel_cuts(performance, floor=..., lang=lang))``. No rule reads data,
settings or the clock: what it judges is in its arguments, and each is tested on a frame of
a few rows (tests/test_alerts.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ecanalysis.labels import COST_LIKE, format_value, kind_of, label, value_label

if TYPE_CHECKING:
    import pandas as pd

#: Alert levels, most severe first.
LEVELS = ("critical", "warning", "info")

#: What "against the period just before" is called, by the period's kind: (zh, en).
PREVIOUS_WORDS = {
    "day": ("环比前一天", "vs the day before"),
    "week": ("环比上周", "vs last week"),
    "month": ("环比上月", "vs last month"),
    "quarter": ("环比上季度", "vs last quarter"),
    "year": ("比上一年", "vs the year before"),
    "range": ("环比上期", "vs the period before"),
}

#: A period kind in words: (zh, en).
KIND_WORDS = {
    "day": ("一天", "a day"),
    "week": ("一个 ISO 周", "an ISO week"),
    "month": ("一个自然月", "a calendar month"),
    "quarter": ("一个季度", "a quarter"),
    "year": ("一年", "a year"),
    "range": ("一段日期", "a date range"),
}

Alert = dict[str, str]


def make(level: str, message: str) -> Alert:
    """One alert; refuses an unknown level.

    Examples
    --------
    >>> make("warning", "stock is low")
    {'level': 'warning', 'message': 'stock is low'}
    """
    if level not in LEVELS:
        raise ValueError(f"alert level {level!r} is not one of {LEVELS}")
    return {"level": level, "message": str(message)}


def say(lang: str, zh: str, en: str) -> str:
    """``zh`` or ``en`` by the report language."""
    return zh if lang == "zh" else en


def partial_period(label_: str, coverage: Mapping[str, Any], *, lang: str) -> list[Alert]:
    """The period is not covered by the data: its figures are partial."""
    first, last = coverage.get("first"), coverage.get("last")
    return [
        make(
            "warning",
            say(
                lang,
                f"数据未完整覆盖 {label_}（数据范围 {first} 至 {last}），本期数字不完整，"
                "勿与完整周期直接比较。",
                f"The data do not cover all of {label_} (data from {first} to {last}); "
                "figures are partial.",
            ),
        )
    ]


def period_kind_note(period, made_for: Iterable[str], *, lang: str) -> str | None:
    """What a period of another kind than the notebook is made for means, or None.

    Examples
    --------
    >>> from ecanalysis.periods import parse_period
    >>> period_kind_note(parse_period("2025-11", "UTC"), ("day",), lang="en")[:40]
    'This report is made for a day; 2025-11 i'
    >>> period_kind_note(parse_period("2025-11", "UTC"), ("month",), lang="en") is None
    True
    """
    kinds = tuple(made_for)
    if not kinds or period.kind in kinds:
        return None
    words = [KIND_WORDS[k] for k in kinds]
    zh_for = "或".join(zh for zh, _ in words)
    en_for = " or ".join(en for _, en in words)
    zh_is, en_is = KIND_WORDS[period.kind]
    return say(
        lang,
        f"本报告按{zh_for}设计；{period.label} 是{zh_is}：“上期”指紧邻其前的同样长度，"
        "按周或按月的说法请按本期理解。",
        f"This report is made for {en_for}; {period.label} is {en_is}: its "
        "comparisons are with the period of the same kind just before, and headings "
        "that name a day, week or month mean this period.",
    )


def sales_basis_note(basis: str, *, lang: str) -> str | None:
    """What a report on the placed basis counts as sales (None on the default paid basis).

    Examples
    --------
    >>> sales_basis_note("paid", lang="en") is None
    True
    >>> sales_basis_note("placed", lang="en")[:44]
    'Sales are counted on the placed basis (cash '
    """
    if basis != "placed":
        return None
    return say(
        lang,
        "本店按下单口径统计销售（货到付款）：订单、买家与金额均为已下单且未取消的订单，按下单时间"
        "计，不是已支付订单（params 中 sales_basis: placed）。",
        "Sales are counted on the placed basis (cash on delivery): orders, buyers and amounts "
        "are placed, not-cancelled orders dated by when they were placed, not paid orders "
        "(sales_basis: placed in params).",
    )


def missing_days(table: str, days: list, *, lang: str) -> list[Alert]:
    """Days of the period without a row of ``table`` (a traffic export with gaps)."""
    if not days:
        return []
    shown = ", ".join(str(day) for day in days[:5]) + (" …" if len(days) > 5 else "")
    return [
        make(
            "warning",
            say(
                lang,
                f"{table} 表缺少本期 {len(days)} 天的数据（{shown}）：这些天的访客等指标"
                "不计入，访客与转化率不是真实的变化。",
                f"The {table} table lacks {len(days)} day(s) of the period ({shown}): "
                "their visitors are not counted, so visitor and conversion figures are "
                "not a real change.",
            ),
        )
    ]


def quarantined(table: str, rows: int, *, lang: str) -> list[Alert]:
    """Rows of ``table`` set aside by ``--on-bad-rows quarantine``."""
    if rows <= 0:
        return []
    return [
        make(
            "warning",
            say(
                lang,
                f"{table} 表有 {rows} 行不符合数据约定，已隔离到 quarantine/{table}.csv，"
                "本报告的数字不含这些行。",
                f"{rows} {table} row(s) broke the data contract and were quarantined "
                f"(quarantine/{table}.csv); the figures exclude them.",
            ),
        )
    ]


def drops(
    comparisons: Mapping[str, Mapping[str, Any]],
    names: Iterable[str],
    *,
    limit: float,
    against: tuple[str, str],
    partial: bool = False,
    lang: str,
) -> list[Alert]:
    """KPIs among ``names`` whose ``change_pct`` fell below ``limit`` (e.g. -0.2).

    ``against`` names the comparison (zh, en), e.g. ``PREVIOUS_WORDS["week"]``. Nothing for
    a ``partial`` period (the data do not cover it): a half day is not a 50 % drop, and the
    report says the figures are partial instead.

    Examples
    --------
    >>> comparisons = {"orders": {"change_pct": -0.5}, "buyers": {"change_pct": 0.1}}
    >>> drops(comparisons, ["orders", "buyers"], limit=-0.2, against=("环比上周", "vs last week"),
    ...       lang="en")
    [{'level': 'warning', 'message': 'Paid orders fell 50% vs last week (alert at 20%)'}]
    """
    if partial:
        return []
    zh, en = against
    out = []
    for name in names:
        change = comparisons.get(name, {}).get("change_pct")
        if change is not None and change < limit:
            out.append(
                make(
                    "warning",
                    say(
                        lang,
                        f"{label(name, lang)} {zh}下降 {abs(change):.0%}（预警线 {abs(limit):.0%}）",
                        f"{label(name, lang)} fell {abs(change):.0%} {en} (alert at {abs(limit):.0%})",
                    ),
                )
            )
    return out


def rate_drops(
    comparisons: Mapping[str, Mapping[str, Any]],
    names: Iterable[str],
    *,
    limit_pp: float,
    against: tuple[str, str],
    partial: bool = False,
    lang: str,
) -> list[Alert]:
    """Rates among ``names`` (a margin, a conversion) that fell by more than ``limit_pp``
    (0.05: five percentage points). A rate falls in points, not in percent of itself: a
    margin from 35 % to 24 % is a 10.9-point fall, however large its relative change.

    Examples
    --------
    >>> comparisons = {"gross_margin": {"previous": 0.35, "change": -0.109}}
    >>> rate_drops(comparisons, ["gross_margin"], limit_pp=0.05,
    ...            against=("比上周同日", "vs the same weekday last week"), lang="en")
    [{'level': 'warning', 'message': 'Gross margin fell 10.9 pp vs the same weekday last week (alert at 5.0 pp)'}]
    """
    if partial:
        return []
    zh, en = against
    out = []
    for name in names:
        change = comparisons.get(name, {}).get("change")
        if change is not None and change < -limit_pp:
            points, limit = abs(change) * 100, limit_pp * 100
            out.append(
                make(
                    "warning",
                    say(
                        lang,
                        f"{label(name, lang)} {zh}下降 {points:.1f} 个百分点（预警线 {limit:.1f} 个百分点）",
                        f"{label(name, lang)} fell {points:.1f} pp {en} (alert at {limit:.1f} pp)",
                    ),
                )
            )
    return out


def anomalies(flags: pd.DataFrame, metric: str, *, currency: str | None, lang: str) -> list[Alert]:
    """Days flagged in a ``detect_anomalies`` result (pass the report period's rows).

    A day on the bad side of its expectation (below for sales, above for a cost such as
    refunds) is a ``warning``; one on the good side (Black Friday above expectation) is
    good news, an ``info``, never shown like a problem.
    """
    flagged = flags[flags["is_anomaly"].fillna(False).astype(bool)]
    out = []
    for _, row in flagged.iterrows():
        above = row["value"] > row["expected"]
        bad = above if metric in COST_LIKE else not above
        actual, expected = (
            format_value(row[c], kind_of(metric), currency=currency) for c in ("value", "expected")
        )
        out.append(
            make(
                "warning" if bad else "info",
                say(
                    lang,
                    f"{row['date']:%Y-%m-%d} {label(metric, lang)} {'高于' if above else '低于'}预期"
                    f"（实际 {actual}，预期 {expected}）",
                    f"{row['date']:%Y-%m-%d} {label(metric, lang)} is "
                    f"{'above' if above else 'below'} expectation (actual {actual}, "
                    f"expected {expected})",
                ),
            )
        )
    return out


def count(n: int, level: str, zh: str, en: str, *, lang: str) -> list[Alert]:
    """ "<n> <what>" when ``n`` is positive (stock-outs, idle products, …).

    Examples
    --------
    >>> count(3, "critical", "个商品缺货", "products are out of stock", lang="zh")
    [{'level': 'critical', 'message': '3 个商品缺货'}]
    >>> count(0, "critical", "个商品缺货", "products are out of stock", lang="zh")
    []
    """
    return [make(level, say(lang, f"{n} {zh}", f"{n} {en}"))] if n > 0 else []


def channel_cuts(
    performance: pd.DataFrame,
    *,
    floor: float,
    breakeven_roas: float | None = None,
    currency: str | None = None,
    lang: str,
) -> list[Alert]:
    """Channels that ``flag_channels`` says to cut.

    With the store's ``breakeven_roas`` (保本投产比, as passed to ``flag_channels``) the
    message names it with its number and the estimated loss: spend × (1 − ROAS /
    break-even), since the channel's sales keep 1 / break-even of their amount as CM2.
    Without it (costs unknown) the line is ``floor``, named "ROAS {floor}".

    Examples
    --------
    >>> import pandas as pd
    >>> perf = pd.DataFrame({"channel": ["paid_social"], "spend": [1000.0], "roas": [2.7],
    ...                      "spend_share": [0.4], "action": ["cut"]})
    >>> channel_cuts(perf, floor=1.0, breakeven_roas=3.3, lang="en")[0]["message"]
    'Channel Paid social: ROAS 2.70 is below the break-even ROAS 3.30 (40% of spend 1,000.00): cut, it loses about 181.82 after variable costs and spend'
    """
    if "action" not in performance.columns:
        return []
    known = _known_number(breakeven_roas)
    out = []
    for _, row in performance[performance["action"] == "cut"].iterrows():
        roas, share = row["roas"], row["spend_share"]
        channel = value_label("channel", row["channel"], lang)
        if known is None:
            out.append(
                make(
                    "warning",
                    say(
                        lang,
                        f"渠道 {channel} 花费高、回报低，建议削减（ROAS {roas:.2f}，"
                        f"占花费 {share:.0%}，低于回本线 {floor:g}）",
                        f"Channel {channel} costs money and brings little: cut "
                        f"(ROAS {roas:.2f}, {share:.0%} of spend: sales do not repay spend, "
                        f"floor {floor:g})",
                    ),
                )
            )
            continue
        out.append(make("warning", _below_breakeven(row, known, currency=currency, lang=lang)))
    return out


def _below_breakeven(row, breakeven: float, *, currency: str | None, lang: str) -> str:
    """A cut channel's message against the store's break-even ROAS (``inf``: CM2 ≤ 0)."""
    roas, share = row["roas"], row["spend_share"]
    channel = value_label("channel", row["channel"], lang)
    spent = format_value(row["spend"], "money", currency=currency)
    if math.isinf(breakeven):
        return say(
            lang,
            f"渠道 {channel}：ROAS {roas:.2f}（占花费 {share:.0%}，{spent}）；店铺 CM2 ≤ 0，"
            "没有可保本的投产比，建议削减",
            f"Channel {channel}: ROAS {roas:.2f} ({share:.0%} of spend {spent}); the store's "
            "CM2 is not positive, so no ROAS breaks even: cut",
        )
    lost = format_value(row["spend"] * (1 - roas / breakeven), "money", currency=currency)
    return say(
        lang,
        f"渠道 {channel}：ROAS {roas:.2f} 低于保本投产比 {breakeven:.2f}（占花费 {share:.0%}，"
        f"{spent}），建议削减：扣除变动成本和花费后约亏 {lost}",
        f"Channel {channel}: ROAS {roas:.2f} is below the break-even ROAS {breakeven:.2f} "
        f"({share:.0%} of spend {spent}): cut, it loses about {lost} after variable costs "
        "and spend",
    )


def breakeven_line(breakeven_roas: float | None, floor: float, *, lang: str) -> str:
    """How a report names the ROAS line channels are judged against.

    Examples
    --------
    >>> breakeven_line(3.3, 1.0, lang="en"), breakeven_line(None, 1.0, lang="zh")
    ('the break-even ROAS 3.30', 'ROAS 1（未设置成本，无法计算保本投产比）')
    """
    known = _known_number(breakeven_roas)
    if known is None:
        return say(
            lang,
            f"ROAS {floor:g}（未设置成本，无法计算保本投产比）",
            f"ROAS {floor:g} (costs not set: no break-even ROAS)",
        )
    if known == float("inf"):
        return say(lang, "保本投产比（CM2 ≤ 0，无法保本）", "the break-even ROAS (none: CM2 ≤ 0)")
    line = max(known, floor)
    return say(lang, f"保本投产比 {line:.2f}", f"the break-even ROAS {line:.2f}")


def dsr_below(dsr: pd.DataFrame, *, line: float, lang: str) -> list[Alert]:
    """DSR dimensions of a ``dsr_summary`` table below the alert ``line``."""
    out = []
    for _, row in dsr.iterrows():
        if bool(row.get("below_threshold")):
            name = label(f"dsr_{row['dimension']}", lang)
            out.append(
                make(
                    "critical",
                    say(
                        lang,
                        f"店铺动态评分「{name}」{row['score']:.2f}，低于预警线 {line}",
                        f"DSR {row['dimension']} is {row['score']:.2f}, below the alert line "
                        f"{line}",
                    ),
                )
            )
    return out


def dsr_alerted(dsr: pd.DataFrame) -> set[str]:
    """The ``dsr_<dimension>`` KPIs that :func:`dsr_below` alerts on (for ``targets(skip=)``).

    Examples
    --------
    >>> import pandas as pd
    >>> dsr_alerted(pd.DataFrame({"dimension": ["item", "service"], "below_threshold": [True, False]}))
    {'dsr_item'}
    """
    below = dsr[dsr["below_threshold"].fillna(False).astype(bool)]
    return {f"dsr_{dimension}" for dimension in below["dimension"]}


def campaign(
    summary: pd.DataFrame,
    lift: pd.DataFrame,
    *,
    roas_floor: float,
    breakeven_roas: float | None = None,
    lang: str,
) -> list[Alert]:
    """A campaign whose ROAS is below the line, or whose lift interval includes 0.

    The line is the store's ``breakeven_roas`` (保本投产比) when known, else ``roas_floor``.

    Examples
    --------
    >>> import pandas as pd
    >>> summary, lift = pd.DataFrame({"roas": [2.5]}), pd.DataFrame({"lift_low": [10.0]})
    >>> campaign(summary, lift, roas_floor=1.0, breakeven_roas=3.3, lang="en")[0]["message"]
    'Campaign ROAS 2.50 is below the break-even ROAS 3.30: its sales did not pay for its spend after variable costs'
    >>> campaign(summary, lift, roas_floor=1.0, lang="en")
    []
    """
    out = []
    known = _known_number(breakeven_roas)
    roas = summary["roas"].iloc[0] if len(summary) else float("nan")
    if known is not None and roas < max(known, roas_floor):
        line = max(known, roas_floor)
        out.append(
            make(
                "warning",
                say(
                    lang,
                    f"活动 ROAS {roas:.2f} 低于保本投产比 {line:.2f}：扣除变动成本后，活动销售"
                    "没有赚回花费",
                    f"Campaign ROAS {roas:.2f} is below the break-even ROAS {line:.2f}: its "
                    "sales did not pay for its spend after variable costs",
                ),
            )
        )
    elif known is None and roas < roas_floor:
        out.append(
            make(
                "warning",
                say(
                    lang,
                    f"活动 ROAS {roas:.2f} 低于 {roas_floor:g}：投入大于产出",
                    f"Campaign ROAS {roas:.2f} is below {roas_floor:g}: it cost more than it "
                    "brought",
                ),
            )
        )
    if len(lift) and lift["lift_low"].iloc[0] <= 0:
        out.append(
            make(
                "warning",
                say(
                    lang,
                    "活动增量的区间包含 0：无法确认活动带来了增量销售",
                    "The lift interval includes zero: no clear incremental sales",
                ),
            )
        )
    return out


def incremental_below_breakeven(
    iroas: pd.DataFrame, *, breakeven_roas: float | None, lang: str
) -> list[Alert]:
    """A campaign whose incremental ROAS (增量 ROAS) is below the store's break-even ROAS:
    the sales it added did not pay for it.

    Examples
    --------
    >>> import pandas as pd
    >>> iroas = pd.DataFrame({"incremental_roas": [1.8]})
    >>> incremental_below_breakeven(iroas, breakeven_roas=3.3, lang="zh")[0]["message"]
    '活动增量 ROAS 1.80 低于保本投产比 3.30：活动带来的增量销售没有赚回花费'
    >>> incremental_below_breakeven(iroas, breakeven_roas=None, lang="zh")
    []
    """
    known = _known_number(breakeven_roas)
    value = _known_number(iroas["incremental_roas"].iloc[0]) if len(iroas) else None
    if known is None or value is None or value >= known:
        return []
    line = say(lang, "（CM2 ≤ 0，无法保本）", " (none: CM2 ≤ 0)") if known == float("inf") else ""
    shown = "" if line else f" {known:.2f}"
    return [
        make(
            "warning",
            say(
                lang,
                f"活动增量 ROAS {value:.2f} 低于保本投产比{shown}{line}：活动带来的增量销售"
                "没有赚回花费",
                f"Campaign incremental ROAS {value:.2f} is below the break-even ROAS{shown}"
                f"{line}: the sales it added did not pay for it",
            ),
        )
    ]


def targets(
    assessment: pd.DataFrame,
    kpis: Mapping[str, Any],
    *,
    lower_is_better: Iterable[str],
    skip: Iterable[str] = (),
    currency: str | None,
    lang: str,
) -> list[Alert]:
    """Missed or at-risk targets of an ``assessment_table``, and targets naming no KPI.

    ``skip`` names KPIs another rule has already alerted on (a DSR under the store's alert
    line, :func:`dsr_alerted`): one KPI gets one alert, the more severe, not two.
    """
    from ecanalysis.errors import closest

    lower, skipped = set(lower_is_better), set(skip)
    out = []
    for _, row in assessment.iterrows():
        name = row["kpi"]
        if row["status"] == "not_set" or name in skipped:
            continue
        if name not in kpis:
            guess = closest(name, kpis)
            hint = (
                say(lang, f"（是否应为 {guess}？）", f" (did you mean {guess!r}?)") if guess else ""
            )
            out.append(
                make(
                    "warning",
                    say(
                        lang,
                        f"目标 {name} 不是本报告的指标{hint}，请检查 params 中的 targets。",
                        f"the target {name!r} names no KPI of this report{hint}; "
                        "check targets in params.",
                    ),
                )
            )
            continue
        if row["status"] in ("missed", "at_risk"):
            level = "critical" if row["status"] == "missed" else "warning"
            out.append(make(level, _target_message(row, lower, currency=currency, lang=lang)))
    return out


def _target_message(row, lower: set[str], *, currency: str | None, lang: str) -> str:
    name = label(row["kpi"], lang)
    projected = row["projected_attainment"] == row["projected_attainment"]
    basis = row["projected_attainment"] if projected else row["attainment"]
    kind = kind_of(row["kpi"])
    target = format_value(row["target"], kind, currency=currency)
    if basis != basis:  # no value (an AOV without orders): no percentage
        return say(
            lang,
            f"{name} 本期无数值（目标 {target}）",
            f"{name} has no value this period (target {target})",
        )
    if projected:  # a month in progress is judged on its projected end
        return say(
            lang,
            f"{name} 预计达成率 {basis:.0%}（按月末预测，目标 {target}）",
            f"{name} projected at {basis:.0%} of target by the end of the month ({target})",
        )
    if row["kpi"] in lower:  # a ceiling: say how far over it
        actual = format_value(row["actual"], kind, currency=currency)
        over = row["actual"] / row["target"] - 1 if row["target"] else float("nan")
        return say(
            lang,
            f"{name} {actual}，超出上限 {target}（{over:+.0%}）",
            f"{name} {actual}, above the ceiling {target} ({over:+.0%})",
        )
    return say(
        lang,
        f"{name} 目标达成率 {basis:.0%}（目标 {target}）",
        f"{name} at {basis:.0%} of target ({target})",
    )


def outliers(comparison: pd.DataFrame, *, lang: str) -> list[Alert]:
    """Stores whose change stands out from the portfolio, and stores without orders."""
    out = []
    for _, row in comparison[comparison["outlier"]].iterrows():
        change = row["paid_amount_change_pct"]
        out.append(
            make(
                "warning",
                say(
                    lang,
                    f"店铺 {row['name']}（{row['store_id']}）变化异常：{change:+.0%}",
                    f"Store {row['name']} ({row['store_id']}) stands out: {change:+.0%}",
                ),
            )
        )
    for _, row in comparison[comparison["orders"] == 0].iterrows():
        out.append(
            make(
                "warning",
                say(
                    lang,
                    f"店铺 {row['store_id']} 本期无订单",
                    f"Store {row['store_id']} has no orders in the period",
                ),
            )
        )
    return out


def rate_coverage(totals: pd.DataFrame, *, lang: str) -> list[Alert]:
    """Store-days left out of the reporting-currency totals for want of an exchange rate."""
    if len(totals) != 1 or not totals["rate_coverage"].iloc[0] < 1:
        return []
    row = totals.iloc[0]
    missing = 1 - row["rate_coverage"]
    return [
        make(
            "warning",
            say(
                lang,
                f"{missing:.1%} 的店铺日没有折算为 {row['currency']} 的汇率，"
                "其金额未计入合计；请在 fx_rates 中补全汇率。",
                f"{missing:.1%} of store-days have no exchange rate to "
                f"{row['currency']}; their amounts are left out of the totals. "
                "Add the missing rates to fx_rates.",
            ),
        )
    ]


# -- profit after marketing (DESIGN §5 "Profit") ---------------------------------------------

#: Cost columns of ``contribution_margin`` and the ``costs:`` key each needs (kept in step
#: with ``ecanalysis.metrics.profit.COST_COLUMN_KEYS``; this module must not import pandas).
COST_COLUMN_KEYS = {
    "payment_fees": "payment_fee_rate",
    "commission": "commission_rate",
    "other_variable_cost": "other_variable_rate",
    "fulfilment_cost": "fulfilment_cost_per_order",
}


def missing_cost_keys(row: Mapping[str, Any]) -> list[str]:
    """The ``costs:`` keys whose cost column is unknown (NaN) in a contribution row.

    Examples
    --------
    >>> missing_cost_keys({"payment_fees": 1.0, "commission": float("nan"),
    ...                    "other_variable_cost": 0.0, "fulfilment_cost": None})
    ['commission_rate', 'fulfilment_cost_per_order']
    """
    return [key for column, key in COST_COLUMN_KEYS.items() if _number(row, column) is None]


def profit(row: Mapping[str, Any], *, currency: str | None = None, lang: str) -> list[Alert]:
    """Alerts on one period of ``contribution_margin`` / ``period_contribution``.

    Parameters
    ----------
    row : mapping
        One row (a pandas Series or a dict) with ``contribution_margin``,
        ``contribution_margin_rate``, ``cm2`` and the cost columns.
    currency : str, optional
        ISO code to show money with; plain numbers when None.
    lang : {"zh", "en"}

    Returns
    -------
    list of dict
        - ``warning`` when the contribution margin (CM3) is negative, saying whether the
          store already loses money before ad spend (CM2 < 0);
        - ``info``, once, naming the ``costs:`` keys that are not set (their cost column is
          NaN), so that CM2 and CM3 cannot be shown.

    Examples
    --------
    >>> row = {"contribution_margin": -120.0, "contribution_margin_rate": -0.04, "cm2": 300.0,
    ...        "payment_fees": 6.0, "commission": 40.0, "other_variable_cost": 10.0,
    ...        "fulfilment_cost": 24.0}
    >>> profit(row, lang="en")[0]["message"]
    'Contribution margin after ad spend (CM3) is negative: -120.00 (-4.0% of net sales); ad spend exceeds CM2 300.00'
    """
    out = []
    cm3, cm2 = _number(row, "contribution_margin"), _number(row, "cm2")
    if cm3 is not None and cm3 < 0:
        amount = format_value(cm3, "money", currency=currency)
        rate = format_value(_number(row, "contribution_margin_rate"), "rate")
        cm2_text = format_value(cm2, "money", currency=currency)
        before_ads = cm2 is not None and cm2 < 0
        out.append(
            make(
                "warning",
                say(
                    lang,
                    f"营销后贡献毛利 (CM3) 为负：{amount}（占净销售额 {rate}）；"
                    + (
                        f"广告前已亏损，CM2 为 {cm2_text}"
                        if before_ads
                        else f"广告花费超过 CM2 {cm2_text}"
                    ),
                    f"Contribution margin after ad spend (CM3) is negative: {amount} ({rate} of "
                    "net sales); "
                    + (
                        f"the store loses money before ad spend, CM2 {cm2_text}"
                        if before_ads
                        else f"ad spend exceeds CM2 {cm2_text}"
                    ),
                ),
            )
        )
    return out + missing_costs(row, lang=lang)


def missing_costs(row: Mapping[str, Any], *, lang: str) -> list[Alert]:
    """One ``info`` alert naming the ``costs:`` keys not set (their cost column is NaN in
    the contribution ``row``), or nothing when every cost is known.

    Examples
    --------
    >>> missing_costs({"payment_fees": 1.0, "commission": None, "other_variable_cost": 0.0,
    ...                "fulfilment_cost": 5.0}, lang="en")[0]["message"][:40]
    'Costs not set: commission_rate (set them'
    """
    missing = missing_cost_keys(row)
    if not missing:
        return []
    keys = ", ".join(missing)
    return [
        make(
            "info",
            say(
                lang,
                f"成本参数未设置：{keys}（在 params 的 costs: 中设置）；CM2、贡献毛利和"
                "保本投产比无法计算，只显示毛利 (CM1)",
                f"Costs not set: {keys} (set them under costs: in the params); CM2, the "
                "contribution margin and break-even ROAS cannot be shown, only gross "
                "profit (CM1)",
            ),
        )
    ]


def _number(row: Mapping[str, Any], name: str) -> float | None:
    """``row[name]`` as a float, None when absent or missing (NaN, None, NA)."""
    value = row.get(name) if hasattr(row, "get") else None
    return _known_number(value)


def _known_number(value: Any) -> float | None:
    """``value`` as a float, None when missing (None, NaN, NA) or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


# -- issue 17: daily pacing against the month's target ------------------------------------


def pacing(
    pace: pd.DataFrame, *, limit: float, currency: str | None = None, lang: str
) -> list[Alert]:
    """KPIs of a ``targets.month_to_date_pacing`` table whose chance of reaching the
    month's target is below ``limit`` (params ``pacing_alert_probability``, e.g. 0.5).

    A month with days left is a ``warning`` that names the run-rate needed; a month
    whose last day is counted (nothing left to change) and whose target was not reached
    is ``critical``. A KPI without a probability (no forecast) gets no alert.

    Examples
    --------
    >>> import pandas as pd
    >>> pace = pd.DataFrame({"kpi": ["orders", "paid_amount"], "month_to_date": [400.0, 9e5],
    ...     "month_to_date_target": [500.0, 8e5], "target": [1500.0, 2e6],
    ...     "days_remaining": [20, 20], "required_daily": [55.0, 55000.0],
    ...     "target_hit_probability": [0.2, 0.7]})
    >>> pacing(pace, limit=0.5, currency="CNY", lang="en")  # doctest: +NORMALIZE_WHITESPACE
    [{'level': 'warning', 'message': 'Paid orders: 20.0% chance of reaching the monthly target
    1,500 (month to date 400 against 500 by now; 55 a day needed over the 20 days left)'}]
    """
    out = []
    for _, row in pace.iterrows():
        chance = row["target_hit_probability"]
        if chance != chance or chance >= limit:
            continue
        kind = kind_of(row["kpi"])
        target, actual, by_now, needed = (
            format_value(row[c], kind, currency=currency)
            for c in ("target", "month_to_date", "month_to_date_target", "required_daily")
        )
        name, left = label(row["kpi"], lang), int(row["days_remaining"])
        chance = format_value(chance, "rate")  # as the report's cards show it
        if left == 0:
            out.append(
                make(
                    "critical",
                    say(
                        lang,
                        f"{name} 未达成月目标 {target}（本月实际 {actual}）",
                        f"{name} missed the monthly target {target} (the month: {actual})",
                    ),
                )
            )
            continue
        out.append(
            make(
                "warning",
                say(
                    lang,
                    f"{name} 达成月目标 {target} 的概率为 {chance}（月初至今 {actual}，"
                    f"按进度应为 {by_now}；剩余 {left} 天需日均 {needed}）",
                    f"{name}: {chance} chance of reaching the monthly target {target} "
                    f"(month to date {actual} against {by_now} by now; {needed} a day needed "
                    f"over the {left} days left)",
                ),
            )
        )
    return out


# -- issue 17 (nbB): a campaign lift the placebo windows cannot tell from noise ----------------


def campaign_placebo(placebo: pd.DataFrame, *, lang: str) -> list[Alert]:
    """A campaign whose lift is not distinguishable from the lifts of windows without it.

    ``placebo`` is a ``campaigns.campaign_placebo`` result: the campaign's row first, then
    the placebo windows. A ``warning`` when ``distinguishable`` is False (the lift is not
    above the placebo lifts' quantile); nothing when it is True or unknown (too few
    placebo windows: the report says so instead).

    Examples
    --------
    >>> import pandas as pd
    >>> placebo = pd.DataFrame({"window": ["campaign", "placebo", "placebo", "placebo"],
    ...                         "lift_pct": [0.05, 0.02, 0.09, -0.03],
    ...                         "placebo_share_below": [2 / 3, None, None, None],
    ...                         "distinguishable": pd.array([False, None, None, None], "boolean")})
    >>> campaign_placebo(placebo, lang="en")[0]["message"]
    'The campaign lift (+5.0%) is not distinguishable from noise: 1 of 3 windows without a campaign showed a lift as large (placebo lifts -3.0% to +9.0%)'
    >>> campaign_placebo(placebo.assign(distinguishable=pd.array([True, None, None, None], "boolean")), lang="en")
    []
    """
    if placebo.empty or placebo["distinguishable"].isna().iloc[0]:
        return []
    if bool(placebo["distinguishable"].iloc[0]):
        return []
    own = float(placebo["lift_pct"].iloc[0])
    others = placebo.loc[placebo["window"] == "placebo", "lift_pct"].astype("float64")
    larger = int((others >= own).sum())
    low, high = float(others.min()), float(others.max())
    return [
        make(
            "warning",
            say(
                lang,
                f"活动增量（{own:+.1%}）与噪声无法区分：{len(others)} 个无活动窗口中有 {larger} 个"
                f"的增量不低于它（安慰剂增量 {low:+.1%} 至 {high:+.1%}）",
                f"The campaign lift ({own:+.1%}) is not distinguishable from noise: {larger} of "
                f"{len(others)} windows without a campaign showed a lift as large (placebo lifts "
                f"{low:+.1%} to {high:+.1%})",
            ),
        )
    ]


def placebo_sentence(placebo: pd.DataFrame, *, lang: str) -> str:
    """What the placebo check says, in one sentence with its numbers (for the report's note).

    Examples
    --------
    >>> import pandas as pd
    >>> placebo = pd.DataFrame({"window": ["campaign", "placebo", "placebo", "placebo"],
    ...                         "lift_pct": [0.6, 0.02, 0.09, -0.03],
    ...                         "placebo_share_below": [1.0, None, None, None],
    ...                         "distinguishable": pd.array([True, None, None, None], "boolean")})
    >>> placebo_sentence(placebo, lang="en")
    'The campaign lift (+60.0%) is above the lifts of all 3 windows without a campaign (-3.0% to +9.0%): distinguishable from noise.'
    """
    others = placebo.loc[placebo["window"] == "placebo", "lift_pct"].astype("float64")
    if placebo.empty or placebo["distinguishable"].isna().iloc[0]:
        return say(
            lang,
            f"只有 {len(others)} 个可用的无活动窗口（至少需要 3 个）：无法检验增量是否高于噪声。",
            f"Only {len(others)} usable window(s) without a campaign (3 are needed): whether the "
            "lift exceeds noise cannot be checked.",
        )
    if not bool(placebo["distinguishable"].iloc[0]):
        return campaign_placebo(placebo, lang=lang)[0]["message"] + say(lang, "。", ".")
    own = float(placebo["lift_pct"].iloc[0])
    below = int((others < own).sum())
    low, high = float(others.min()), float(others.max())
    count = say(
        lang,
        f"{len(others)} 个无活动窗口中的 {below} 个"
        if below < len(others)
        else f"全部 {below} 个无活动窗口",
        f"{below} of {len(others)} windows" if below < len(others) else f"all {below} windows",
    )
    return say(
        lang,
        f"活动增量（{own:+.1%}）高于{count}的增量（{low:+.1%} 至 {high:+.1%}）：可以与噪声区分。",
        f"The campaign lift ({own:+.1%}) is above the lifts of {count} without a campaign "
        f"({low:+.1%} to {high:+.1%}): distinguishable from noise.",
    )
