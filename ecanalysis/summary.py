"""The paragraph a report opens with: what happened, the biggest change and its driver, what to do.

:func:`summary_paragraph` reads only what the record holds (KPIs, comparisons, alerts) and
says it in plain words in the report language, so that a stakeholder who reads nothing else
knows the period's result and what needs doing. It computes no metric: the driver of a
change in paid amount is read from the recorded changes of its factors (paid amount =
buyers × 客单价), and the advice is the most severe alert.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ecanalysis.alerts import LEVELS, say
from ecanalysis.labels import format_value, kind_of, label

#: Headline KPIs a summary may name, in order of importance.
HEADLINE = ("paid_amount", "orders", "buyers", "revenue_per_buyer", "aov", "visitors")
#: paid_amount = buyers × revenue_per_buyer: the factors whose changes explain its change.
FACTORS = ("buyers", "revenue_per_buyer")
#: A relative change smaller than this is "about flat".
FLAT = 0.02


def summary_paragraph(
    kpis: Mapping[str, Any],
    comparisons: Mapping[str, Mapping[str, Any]],
    alerts: Sequence[Mapping[str, str]],
    *,
    period_label: str,
    against: str,
    complete: bool = True,
    currency: str | None = None,
    lang: str = "zh",
) -> str:
    """One paragraph: the period's result, its biggest change and driver, and what to do.

    Parameters
    ----------
    kpis, comparisons, alerts
        As the record holds them (``metrics.json``).
    period_label : str
        The period in words or as its label (``2025-11-30``).
    against : str
        What the comparisons are against, in the report language (``较上周同日``,
        ``vs last week``).
    complete : bool
        False when the data do not cover the period: the figures are said to be partial
        and no change is read as news.

    Examples
    --------
    >>> kpis = {"paid_amount": 900.0, "orders": 9, "buyers": 9, "revenue_per_buyer": 100.0}
    >>> comparisons = {"paid_amount": {"change_pct": -0.25}, "buyers": {"change_pct": -0.25},
    ...                "revenue_per_buyer": {"change_pct": 0.0}, "orders": {"change_pct": -0.25}}
    >>> print(summary_paragraph(kpis, comparisons, [], period_label="2025-11-30",
    ...                         against="vs last week", currency="USD", lang="en"))
    2025-11-30: paid amount $900.00 from 9 paid orders, -25% vs last week. The change comes from buyers (-25%); revenue per buyer about flat. Nothing needs attention.
    """
    parts = [_what_happened(kpis, comparisons, period_label, against, complete, currency, lang)]
    if complete:
        driver = _driver(comparisons, lang)
        if driver:
            parts.append(driver)
    parts.append(_what_to_do(alerts, lang))
    return " ".join(p for p in parts if p) if lang == "en" else "".join(p for p in parts if p)


def _change(comparisons: Mapping[str, Mapping[str, Any]], name: str) -> float | None:
    value = (comparisons.get(name) or {}).get("change_pct")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _what_happened(kpis, comparisons, period_label, against, complete, currency, lang) -> str:
    paid = kpis.get("paid_amount")
    orders = kpis.get("orders")
    amount = format_value(paid, kind_of("paid_amount"), currency=currency)
    count = format_value(orders, kind_of("orders"), currency=currency)
    change = _change(comparisons, "paid_amount")
    if paid is None:  # a portfolio whose amounts stay per currency: no one total to name
        stores = kpis.get("stores")
        where = say(lang, f"（{stores} 家店铺）", f" across {stores} stores") if stores else ""
        return say(
            lang,
            f"{period_label}：支付订单 {count} 笔{where}。",
            f"{period_label}: {count} paid orders{where}.",
        )
    if not complete:
        return say(
            lang,
            f"{period_label}：数据未覆盖全部日期，以下为已有数据的部分数字（支付金额 {amount}，"
            f"支付订单 {count} 笔），勿与完整周期比较。",
            f"{period_label}: the data do not cover the whole period; partial figures so far "
            f"(paid amount {amount}, {count} paid orders), not comparable with a full period.",
        )
    if change is None:
        return say(
            lang,
            f"{period_label}：支付金额 {amount}，支付订单 {count} 笔。",
            f"{period_label}: paid amount {amount} from {count} paid orders.",
        )
    return say(
        lang,
        f"{period_label}：支付金额 {amount}，支付订单 {count} 笔，{against} {change:+.0%}。",
        f"{period_label}: paid amount {amount} from {count} paid orders, {change:+.0%} {against}.",
    )


def _driver(comparisons, lang) -> str | None:
    """Which factor of paid amount (buyers × 客单价) moved most, when paid amount moved."""
    total = _change(comparisons, "paid_amount")
    if total is None or abs(total) < FLAT:
        return None
    changes = {name: _change(comparisons, name) for name in FACTORS}
    known = {name: c for name, c in changes.items() if c is not None and c > -1}
    if not known:
        return None
    main = max(known, key=lambda name: abs(math.log1p(known[name])))
    others = [name for name in known if name != main]
    flat = [name for name in others if abs(known[name]) < FLAT]
    text = say(
        lang,
        f"变化主要来自{label(main, lang)}（{known[main]:+.0%}）",
        f"The change comes from {_lower(label(main, lang))} ({known[main]:+.0%})",
    )
    if flat:
        zh_names = "、".join(label(n, "zh") for n in flat)
        en_names = ", ".join(_lower(label(n, "en")) for n in flat)
        text += say(lang, f"，{zh_names}基本持平。", f"; {en_names} about flat.")
    else:
        for name in others:
            named = label(name, lang) if lang == "zh" else _lower(label(name, lang))
            text += say(lang, "，", ", ") + f"{named} {known[name]:+.0%}"
        text += say(lang, "。", ".")
    return text


def _lower(name: str) -> str:
    """A label inside an English sentence: "Revenue per buyer" → "revenue per buyer";
    an acronym (AOV, GMV) keeps its capitals."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _what_to_do(alerts: Sequence[Mapping[str, str]], lang: str) -> str:
    """The most severe alert as the thing to do first, and how many more there are."""
    ranked = sorted(
        (a for a in alerts if a.get("level") in ("critical", "warning")),
        key=lambda a: LEVELS.index(a["level"]),
    )
    if not ranked:
        return say(lang, "无需特别处理的事项。", "Nothing needs attention.")
    first = ranked[0]["message"].rstrip("。.")
    more = len(ranked) - 1
    if more:
        return say(
            lang,
            f"首先处理：{first}；另有 {more} 项需要关注（见下）。",
            f"First: {first}; {more} more {'item' if more == 1 else 'items'} below.",
        )
    return say(lang, f"需要处理：{first}。", f"To do: {first}.")
