"""淘宝/天猫: the 宝贝 list, the 评价 export and the 退款报表 (imported as ``taobao`` files).

Which file is which is told by its header, like the 订单报表 and 宝贝报表
(:mod:`~ecanalysis.importers.taobao`). Files are GBK as a rule; times are China time.

宝贝 list (千牛 › 商品 › 出售中的宝贝 / 仓库中的宝贝 › 导出, or 淘宝助理) → ``products``:

=============  ================================================================
canonical      column
=============  ================================================================
sku            商家编码, else 宝贝ID (数字ID)
title          宝贝名称
category       宝贝类目, when exported
price          宝贝价格
stock_on_hand  宝贝数量 (the stock the listing shows)
listed_at      上架时间 (else 开始时间), when exported
status         宝贝状态 (出售中 → listed, 仓库中 → delisted); else 放入仓库 (1 →
               delisted, 0 → listed); else the file name (出售中的宝贝… → listed,
               仓库中的宝贝… → delisted). A row whose status none of these tells is
               quarantined.
=============  ================================================================

评价 export (千牛 › 评价 › 来自买家的评价 › 导出) → ``reviews``: ``review_id`` =
``<store_id>:tb:`` + 子订单编号 (else 订单编号 + ``/`` + sku), ``created_at`` = 评价时间,
``rating`` = 评分 (天猫 stars 1–5) when exported, else 评价结果 好评 → 5, 中评 → 3, 差评
→ 1; ``order_id`` = ``<store_id>:`` + 订单编号; ``sku`` = 商家编码 (else 宝贝ID);
``text`` = 评价内容 (and 追评内容 on a new line).

退款报表 (千牛 › 售后 › 退款管理 › 批量导出) → ``refunds``, one row per 退款编号:
``refund_id`` = ``<store_id>:`` + 退款编号, ``order_id`` = ``<store_id>:`` + 订单编号,
``amount`` = 买家退款金额 (or 退款金额), ``refunded_at`` = 退款完结时间, ``requested_at``
= 申请时间 (or 退款申请时间), ``reason`` = 退款原因 (or 买家退款原因), ``sku`` = 商家编码,
``kind`` = ``return_refund`` when 是否需要退货 is 是 (or 售后类型/退款类型 says 退货),
``refund_only`` when 否 (or 仅退款). Only 退款状态 退款成功 is money back: other requests
(退款关闭, waiting for the seller or the return) are not refunds and are counted in the
summary, not imported; a 退款成功 row without 退款完结时间 is quarantined.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecanalysis.importers._parse import (
    RowProblems,
    amount_column,
    blank,
    cells,
    count_column,
    first_column,
    ids,
    time_column,
)
from ecanalysis.importers._platform import Context, Layout, Mapped, quarantine_frame
from ecanalysis.importers._read import Export

PRODUCTS = Layout(
    "products",
    "宝贝 list (出售中/仓库中的宝贝) → products",
    ("宝贝名称", "宝贝价格", "宝贝数量"),
    ("商家编码", "宝贝ID", "数字ID", "宝贝类目", "宝贝状态", "放入仓库", "上架时间", "开始时间"),
)
REVIEWS = Layout(
    "reviews",
    "评价 export → reviews",
    ("订单编号", "评价时间", "评价内容"),
    ("子订单编号", "评价结果", "评分", "商家编码", "宝贝ID", "宝贝标题", "追评内容"),
)
REFUNDS = Layout(
    "refunds",
    "退款报表 → refunds",
    ("退款编号", "订单编号", "退款状态"),
    (
        *("买家退款金额 (or 退款金额)", "退款完结时间", "申请时间 (or 退款申请时间)"),
        *("退款原因 (or 买家退款原因)", "是否需要退货 (or 售后类型)", "商家编码", "退货数量"),
    ),
)
#: 评价结果 → rating.
VERDICTS = {"好评": 5, "中评": 3, "差评": 1}
#: 退款状态 of a refund that was paid back.
REFUNDED = "退款成功"


def map_products(export: Export, ctx: Context) -> Mapped:
    """宝贝 list → ``products``."""
    raw = export.frame
    problems = RowProblems(len(raw))
    sku = ids(cells(raw, "商家编码")).fillna(ids(cells(raw, "宝贝ID")))
    sku = sku.fillna(ids(cells(raw, "数字ID")))
    problems.add(sku.isna(), "商家编码 and 宝贝ID: both empty (one identifies the product)")
    title = ids(cells(raw, "宝贝名称"))
    problems.add(title.isna(), "宝贝名称: empty")
    status = _listing_status(raw, export.path.name)
    problems.add(
        status.isna(),
        "status unknown: export with 宝贝状态, or name the file 出售中的宝贝… / 仓库中的宝贝…",
    )
    listed = first_column(raw, ("上架时间", "开始时间"))
    rows = pd.DataFrame(
        {
            "store_id": ctx.store_id,
            "sku": sku,
            "title": title,
            "category": ids(cells(raw, "宝贝类目")),
            "price": amount_column(raw, "宝贝价格", problems, required=True),
            "stock_on_hand": count_column(raw, "宝贝数量", problems),
            "listed_at": (
                time_column(raw, listed, ctx.timezone, problems)
                if listed
                else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
            ),
            "status": status,
        }
    )
    mask = problems.mask
    return Mapped(
        tables={"products": rows[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
    )


def _listing_status(raw: pd.DataFrame, file_name: str) -> pd.Series:
    """listed / delisted from 宝贝状态, else 放入仓库, else the file's name; NA when none."""
    stated = cells(raw, "宝贝状态").str.strip()
    status = pd.Series(pd.NA, index=raw.index, dtype="str")
    status = status.mask(stated.str.contains("出售中"), "listed")
    status = status.mask(stated.str.contains("仓库"), "delisted")
    shelved = cells(raw, "放入仓库").str.strip()
    status = status.fillna(shelved.map({"1": "delisted", "0": "listed"}))
    if "出售中" in file_name:
        status = status.fillna("listed")
    elif "仓库中" in file_name:
        status = status.fillna("delisted")
    return status.astype("str")


def map_reviews(export: Export, ctx: Context) -> Mapped:
    """评价 export → ``reviews``."""
    raw = export.frame
    problems = RowProblems(len(raw))
    number = ids(cells(raw, "订单编号"))
    problems.add(number.isna(), "订单编号: empty (it identifies the order)")
    sku = ids(cells(raw, "商家编码")).fillna(ids(cells(raw, "宝贝ID")))
    line = ids(cells(raw, "子订单编号")).fillna(number + "/" + sku.fillna(""))
    rating = _rating(raw, problems)
    text = ids(cells(raw, "评价内容"))
    follow = ids(cells(raw, "追评内容"))
    both = text.notna() & follow.notna()
    text = text.fillna(follow).where(~both, text + "\n" + follow)
    rows = pd.DataFrame(
        {
            "review_id": (ctx.store_id + ":tb:" + line.fillna("")).astype("str"),
            "store_id": ctx.store_id,
            "created_at": time_column(raw, "评价时间", ctx.timezone, problems, required=True),
            "rating": rating,
            "sku": sku,
            "order_id": ctx.order_id(number.fillna("")),
            "text": text.astype("str"),
        }
    )
    mask = problems.mask
    return Mapped(
        tables={"reviews": rows[~mask].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
    )


def _rating(raw: pd.DataFrame, problems: RowProblems) -> pd.Series:
    """评分 (1–5) when given, else 评价结果 好评/中评/差评 → 5/3/1."""
    stars = count_column(raw, "评分", problems)
    verdict = cells(raw, "评价结果").str.strip()
    from_verdict = verdict.map(VERDICTS).astype("float64")
    rating = stars.fillna(from_verdict)
    problems.add_cells(
        stars.isna() & from_verdict.isna() & (verdict != ""), "评价结果", "unknown", verdict
    )
    problems.add(rating.isna() & (verdict == ""), "评分 and 评价结果: both empty")
    problems.add(rating.notna() & ~rating.between(1, 5), "评分: not from 1 to 5")
    return rating


def map_refunds(export: Export, ctx: Context) -> Mapped:
    """退款报表 → ``refunds`` (退款成功 only; other requests counted)."""
    raw = export.frame
    problems = RowProblems(len(raw))
    refund = ids(cells(raw, "退款编号"))
    problems.add(refund.isna(), "退款编号: empty (it identifies the refund)")
    number = ids(cells(raw, "订单编号"))
    problems.add(number.isna(), "订单编号: empty")
    state = cells(raw, "退款状态").str.strip()
    done = (state == REFUNDED).to_numpy()
    amount_name = first_column(raw, ("买家退款金额", "退款金额"))
    if amount_name is None:
        problems.add(done, "no 买家退款金额 (or 退款金额) column: export it")
        amount = pd.Series(np.nan, index=raw.index)
    else:
        amount = amount_column(raw, amount_name, problems, required=True)
    requested = first_column(raw, ("申请时间", "退款申请时间", "买家退款申请时间"))
    finished = time_column(raw, "退款完结时间", ctx.timezone, problems)
    problems.add(done & finished.isna().to_numpy(), "退款完结时间: empty for 退款成功")
    reason = first_column(raw, ("退款原因", "买家退款原因", "买家申请退款原因"))
    rows = pd.DataFrame(
        {
            "refund_id": (ctx.store_id + ":" + refund.fillna("")).astype("str"),
            "store_id": ctx.store_id,
            "order_id": ctx.order_id(number.fillna("")),
            "amount": amount,
            "refunded_at": finished,
            "requested_at": (
                time_column(raw, requested, ctx.timezone, problems)
                if requested
                else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
            ),
            "sku": ids(cells(raw, "商家编码")),
            "quantity": count_column(raw, "退货数量", problems),
            "reason": ids(cells(raw, reason)) if reason else pd.Series(pd.NA, dtype="str"),
            "kind": _kind(raw),
        }
    )
    mask = problems.mask & done
    keep = done & ~mask
    open_states = state[~done & ~blank(state).to_numpy()].value_counts()
    facts = {f"refund requests: {name}": int(n) for name, n in open_states.items()}
    return Mapped(
        tables={"refunds": rows[keep].reset_index(drop=True)},
        quarantine=quarantine_frame(export, mask, problems.reasons()),
        facts=facts,
    )


def _kind(raw: pd.DataFrame) -> pd.Series:
    """return_refund / refund_only from 是否需要退货 (是/否) or 售后类型/退款类型."""
    needs = cells(raw, "是否需要退货").str.strip()
    kind = needs.map({"是": "return_refund", "否": "refund_only"})
    for column in ("售后类型", "退款类型"):
        text = cells(raw, column)
        kind = kind.fillna(
            pd.Series(np.where(text.str.contains("退货"), "return_refund", None), index=raw.index)
        )
        kind = kind.fillna(
            pd.Series(np.where(text.str.contains("仅退款"), "refund_only", None), index=raw.index)
        )
    return kind.astype("str")


def summary_notes(facts: dict[str, int]) -> list[str]:
    """Count the refund requests of the 退款报表 that were not refunds (not imported)."""
    open_requests = {
        k.split(": ", 1)[1]: n for k, n in facts.items() if k.startswith("refund requests: ")
    }
    if not open_requests:
        return []
    parts = ", ".join(f"{n} {state}" for state, n in sorted(open_requests.items()))
    return [
        f"refunds: {sum(open_requests.values())} request(s) of the 退款报表 are not refunds "
        f"(only {REFUNDED} is money back) and were not imported: {parts}"
    ]
