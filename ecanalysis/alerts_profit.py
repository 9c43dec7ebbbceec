"""Alert rules on profit after marketing (DESIGN §5 "Profit"): pure functions, no I/O.

Each rule takes a metric result and returns a list of ``{"level", "message"}`` dicts
(levels as the reports use them: ``critical``, ``warning``, ``info``) in ``lang`` (``zh``
or ``en``). Money is shown with thousands separators and no currency symbol unless a
``currency`` is given, so the same rule serves every store. The reports fold these into
their alerts; the rules themselves compute nothing the metric functions did not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ecanalysis.labels import format_value, value_label

#: Cost columns of ``contribution_margin`` and the ``costs:`` key each needs (kept in step
#: with ``ecanalysis.metrics.profit.COST_COLUMN_KEYS``; this module must not import pandas).
COST_COLUMN_KEYS = {
    "payment_fees": "payment_fee_rate",
    "commission": "commission_rate",
    "other_variable_cost": "other_variable_rate",
    "fulfilment_cost": "fulfilment_cost_per_order",
}


def profit_alerts(
    row: Mapping[str, Any], *, lang: str = "zh", currency: str | None = None
) -> list[dict[str, str]]:
    """Alerts on one period of :func:`ecanalysis.metrics.profit.contribution_margin`.

    Parameters
    ----------
    row : mapping
        One row of ``contribution_margin`` (a pandas Series or a dict) with
        ``contribution_margin``, ``contribution_margin_rate``, ``cm2`` and the cost columns.
    lang : {"zh", "en"}, default "zh"
    currency : str, optional
        ISO code to show money with; plain numbers when None.

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
    >>> profit_alerts(row, lang="en")[0]["message"]
    'Contribution margin after ad spend (CM3) is negative: -120.00 (-4.0% of net sales); ad spend exceeds CM2 300.00'
    """
    alerts = []
    cm3, cm2 = _number(row, "contribution_margin"), _number(row, "cm2")
    if cm3 is not None and cm3 < 0:
        amount = format_value(cm3, "money", currency=currency)
        rate = format_value(_number(row, "contribution_margin_rate"), "rate")
        cm2_text = format_value(cm2, "money", currency=currency)
        before_ads = cm2 is not None and cm2 < 0
        alerts.append(
            _alert(
                "warning",
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
            )
        )
    missing = [key for column, key in COST_COLUMN_KEYS.items() if _number(row, column) is None]
    if missing:
        keys = ", ".join(missing)
        alerts.append(
            _alert(
                "info",
                lang,
                f"成本参数未设置：{keys}（在 params 的 costs: 中设置）；CM2、贡献毛利和保本投产比"
                "无法计算，只显示毛利 (CM1)",
                f"Costs not set: {keys} (set them under costs: in the params); CM2, the "
                "contribution margin and break-even ROAS cannot be shown, only gross profit (CM1)",
            )
        )
    return alerts


def channel_breakeven_alerts(
    performance, *, breakeven_roas: float | None, lang: str = "zh", currency: str | None = None
) -> list[dict[str, str]]:
    """Warnings for the channels with ad spend whose ROAS is below the break-even ROAS.

    Parameters
    ----------
    performance : pandas.DataFrame
        :func:`ecanalysis.metrics.channels.channel_performance` (``channel``, ``spend``,
        ``roas``), with or without the advice columns.
    breakeven_roas : float or None
        The store's break-even ROAS (保本投产比) of the same period; None or NaN (costs
        unknown) gives no alert, ``math.inf`` (CM2 ≤ 0) flags every channel with spend.
    lang : {"zh", "en"}, default "zh"
    currency : str, optional
        ISO code to show money with; plain numbers when None.

    Returns
    -------
    list of dict
        One ``warning`` per channel with spend > 0 and ROAS < break-even, in the order of
        ``performance``, with its ROAS, the break-even, the spend and the estimated
        estimated loss after variable costs and spend: spend × (1 − ROAS / break-even)
        (its sales keep 1 / break-even of their amount as CM2).

    Examples
    --------
    >>> import pandas as pd
    >>> perf = pd.DataFrame({"channel": ["paid_search", "paid_social", "direct"],
    ...                      "spend": [1000.0, 1000.0, float("nan")],
    ...                      "roas": [4.5, 2.7, float("nan")]})
    >>> [a["message"] for a in channel_breakeven_alerts(perf, breakeven_roas=3.3, lang="en")]
    ['Channel Paid social: ROAS 2.70 is below the break-even ROAS 3.30 on spend 1,000.00: it loses about 181.82 after variable costs and spend']
    """
    if breakeven_roas is None or math.isnan(breakeven_roas):
        return []
    alerts = []
    for _, row in performance.iterrows():
        spend, roas = _number(row, "spend"), _number(row, "roas")
        if spend is None or spend <= 0 or roas is None or roas >= breakeven_roas:
            continue
        channel = value_label("channel", row["channel"], lang)
        spent = format_value(spend, "money", currency=currency)
        if math.isinf(breakeven_roas):
            zh = f"渠道 {channel}：ROAS {roas:.2f}，花费 {spent}；店铺 CM2 ≤ 0，没有可保本的投产比"
            en = (
                f"Channel {channel}: ROAS {roas:.2f} on spend {spent}; the store's CM2 is "
                "not positive, so no ROAS breaks even"
            )
        else:
            lost = format_value(spend * (1 - roas / breakeven_roas), "money", currency=currency)
            zh = (
                f"渠道 {channel}：ROAS {roas:.2f} 低于保本投产比 {breakeven_roas:.2f}，"
                f"花费 {spent}，扣除变动成本和花费后约亏 {lost}"
            )
            en = (
                f"Channel {channel}: ROAS {roas:.2f} is below the break-even ROAS "
                f"{breakeven_roas:.2f} on spend {spent}: it loses about {lost} after "
                "variable costs and spend"
            )
        alerts.append(_alert("warning", lang, zh, en))
    return alerts


def _number(row: Mapping[str, Any], name: str) -> float | None:
    """``row[name]`` as a float, None when absent or missing (NaN, None, NA)."""
    value = row.get(name) if hasattr(row, "get") else None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _alert(level: str, lang: str, zh: str, en: str) -> dict[str, str]:
    return {"level": level, "message": en if lang == "en" else zh}
