"""Bilingual labels (zh-Hans / English) of KPIs and columns, and how to format their values.

Reports, tables, charts and the run index name things the same way through
:func:`label`; numbers are shown through :func:`format_value` with the kind that
:func:`kind_of` infers from the column name (money, rate, count, ratio, number).
Re-exported by :mod:`ecanalysis.report`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

#: Report languages: 简体中文 and English.
LANGS = ("zh", "en")

#: zh-Hans and English label of every KPI and column name of DESIGN §2/§5 and the metric outputs.
LABELS: dict[str, tuple[str, str]] = {
    # sales_summary / period_summary
    "period_start": ("周期", "Period"),
    "placed_orders": ("下单订单数", "Placed orders"),
    "orders": ("支付订单数", "Paid orders"),
    "valid_orders": ("有效订单数", "Valid orders"),
    "order_validity_rate": ("订单有效率", "Order validity rate"),
    "buyers": ("支付买家数", "Buyers"),
    "new_buyers": ("新买家数", "New buyers"),
    "returning_buyers": ("老买家数", "Returning buyers"),
    "units": ("销售件数", "Units sold"),
    "gmv": ("GMV", "GMV"),
    "paid_amount": ("支付金额", "Paid amount"),
    "refund_amount": ("退款金额", "Refunds"),
    "net_sales": ("净销售额", "Net sales"),
    "aov": ("笔单价 (AOV)", "AOV"),
    "revenue_per_buyer": ("客单价", "Revenue per buyer"),
    "cost_amount": ("成本", "Cost"),
    "gross_profit": ("毛利", "Gross profit"),
    "gross_margin": ("毛利率", "Gross margin"),
    "cost_coverage": ("成本覆盖率", "Cost coverage"),
    "gross_amount": ("商品原价金额", "Gross amount"),
    "discount_amount": ("优惠金额", "Discounts"),
    "shipping_amount": ("运费", "Shipping"),
    # traffic_summary
    "visitors": ("访客数", "Visitors (UV)"),
    "sessions": ("访问次数", "Sessions"),
    "pageviews": ("浏览量", "Pageviews (PV)"),
    "new_visitors": ("新访客数", "New visitors"),
    "returning_visitors": ("老访客数", "Returning visitors"),
    "new_visitor_share": ("新访客占比", "New visitor share"),
    "pages_per_visitor": ("人均浏览量", "Pages per visitor"),
    "sessions_or_visitors": ("访问次数（无则访客数）", "Sessions (else visitors)"),
    "avg_time_on_site_s": ("平均停留时长（秒）", "Avg. time on site (s)"),
    "time_on_site_s": ("停留时长（秒）", "Time on site (s)"),
    "bounces": ("跳失访客数", "Bounces"),
    "bounce_rate": ("跳失率", "Bounce rate"),
    "cart_visitors": ("加购人数", "Add-to-cart visitors"),
    "product_views": ("商品浏览量", "Product views"),
    # funnel
    "order_buyers": ("下单买家数", "Ordering buyers"),
    "paid_buyers": ("支付买家数", "Paying buyers"),
    "order_conversion_rate": ("下单转化率", "Order conversion rate"),
    "payment_conversion_rate": ("支付转化率", "Payment conversion rate"),
    "order_to_payment_rate": ("下单-支付转化率", "Order-to-payment rate"),
    "step": ("环节", "Step"),
    "count": ("人数", "Count"),
    "rate_from_previous": ("环节转化率", "Rate from previous step"),
    "rate_from_first": ("累计转化率", "Rate from first step"),
    # channels and ad spend
    "channel": ("渠道", "Channel"),
    "source": ("流量来源", "Traffic source"),
    "device": ("设备", "Device"),
    "spend": ("推广花费", "Ad spend"),
    "impressions": ("展现量", "Impressions"),
    "clicks": ("点击量", "Clicks"),
    "cpc": ("点击成本 (CPC)", "CPC"),
    "conversion_rate": ("转化率", "Conversion rate"),
    "cpa": ("每笔支付订单花费 (CPA)", "Spend per paid order (CPA)"),
    "roas": ("投入产出比 ROAS", "ROAS"),
    "roi": ("投资回报率 ROI", "ROI"),
    "spend_share": ("花费占比", "Spend share"),
    "revenue_share": ("收入占比", "Revenue share"),
    "action": ("建议", "Action"),
    "suggestion": ("建议", "Suggestion"),
    "reason": ("原因", "Reason"),
    # customers
    "cohort": ("同期群", "Cohort"),
    "age": ("间隔期数", "Age (periods)"),
    "cohort_size": ("同期群人数", "Cohort size"),
    "active_customers": ("活跃客户数", "Active customers"),
    "retention": ("留存率", "Retention"),
    "customer_id": ("客户ID", "Customer ID"),
    "customers": ("客户数", "Customers"),
    "repeat_customers": ("复购客户数", "Repeat customers"),
    "repeat_rate": ("复购率", "Repeat rate"),
    "median_days": ("购买间隔中位数（天）", "Median days between purchases"),
    "mean_days": ("平均购买间隔（天）", "Mean days between purchases"),
    "frequency": ("复购次数", "Frequency"),
    "recency": ("首末购间隔", "Recency"),
    "T": ("客户年龄", "Customer age (T)"),
    "monetary_value": ("平均复购金额", "Monetary value"),
    "segment": ("客户分层", "Segment"),
    "segment_zh": ("客户分层", "Segment (zh)"),
    "share": ("占比", "Share"),
    "clv": ("客户终身价值 (CLV)", "Customer lifetime value"),
    "p_alive": ("存活概率", "P(alive)"),
    "expected_purchases": ("预期购买次数", "Expected purchases"),
    "expected_value": ("预期客单金额", "Expected order value"),
    "window_days": ("窗口（天）", "Window (days)"),
    "expected_clv_mean": ("平均预期 CLV", "Mean expected CLV"),
    "p_alive_mean": ("平均存活概率", "Mean P(alive)"),
    # products and inventory
    "sku": ("SKU", "SKU"),
    "title": ("商品名称", "Product"),
    "category": ("类目", "Category"),
    "revenue": ("销售额", "Revenue"),
    "rank": ("排名", "Rank"),
    "price": ("售价", "Price"),
    "unit_price": ("单价", "Unit price"),
    "unit_cost": ("单位成本", "Unit cost"),
    "quantity": ("数量", "Quantity"),
    "stock_on_hand": ("库存", "Stock on hand"),
    "days_of_cover": ("可售天数", "Days of cover"),
    "stock_status": ("库存状态", "Stock status"),
    "listed_at": ("上架时间", "Listed at"),
    "units_sold": ("近期销量", "Units sold"),
    "sales_days": ("统计天数", "Sales window (days)"),
    "sales_per_day": ("日均销量", "Units per day"),
    "last_sold_at": ("最近售出时间", "Last sold at"),
    "days_since_last_sale": ("距上次售出天数", "Days since last sale"),
    "issue": ("问题", "Issue"),
    "status": ("状态", "Status"),
    "stock_out_skus": ("缺货商品数", "Out-of-stock products"),
    "problem_products": ("异常商品数", "Problem products"),
    "reorder_now_skus": ("需立即补货商品数", "Products to reorder now"),
    "reorder_soon_skus": ("7 天内需补货商品数", "Products to reorder within 7 days"),
    "low_stock_skus": ("库存不足商品数", "Low-stock products"),
    "no_sales_skus": ("滞销商品数", "Products without sales"),
    "low_rated_skus": ("低分商品数", "Low-rated products"),
    "price_cost_anomalies": ("价格/成本异常数", "Price/cost anomalies"),
    # reviews
    "review_id": ("评价ID", "Review ID"),
    "created_at": ("评价时间", "Created at"),
    "rating": ("评分", "Rating"),
    "text": ("评价内容", "Review text"),
    "bad_reviews": ("差评数", "Bad reviews"),
    "examples": ("示例", "Examples"),
    "dimension": ("评分维度", "Dimension"),
    "reviews": ("评价数", "Reviews"),
    "score": ("得分", "Score"),
    "below_threshold": ("低于预警线", "Below threshold"),
    "dsr_item": ("DSR 描述相符", "DSR item as described"),
    "dsr_service": ("DSR 服务态度", "DSR service"),
    "dsr_logistics": ("DSR 物流服务", "DSR logistics"),
    "item": ("描述相符", "Item as described"),
    "service": ("服务态度", "Service"),
    "logistics": ("物流服务", "Logistics"),
    # anomalies, forecasts, campaigns
    "date": ("日期", "Date"),
    "value": ("数值", "Value"),
    "list_margin": ("标价毛利率", "Margin at list price"),
    "lines_below_cost": ("低于成本售出行数", "Lines sold below cost"),
    "price_deviation_pct": ("成交价偏离标价", "Selling price vs list price"),
    "expected": ("预期值", "Expected"),
    "lower": ("下限", "Lower bound"),
    "upper": ("上限", "Upper bound"),
    "is_anomaly": ("异常日", "Anomaly"),
    "forecast": ("预测值", "Forecast"),
    "actual": ("实际值", "Actual"),
    "baseline": ("基线（无活动）", "Baseline (no campaign)"),
    # campaign lift (money); pair_affinity's lift is a ratio of the same name: its tables
    # pass labels={"lift": ...} and ratios=... to format_table
    "lift": ("增量", "Lift"),
    "lift_pct": ("增量占比", "Lift %"),
    "uplift_pct": ("日均销售提升率（较活动前）", "Daily sales uplift (vs before)"),
    "incremental_roas": ("增量 ROAS", "Incremental ROAS"),
    "dip": ("活动后回落", "Post-campaign dip"),
    "campaign_id": ("活动ID", "Campaign ID"),
    "name": ("名称", "Name"),
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "budget": ("预算", "Budget"),
    "kind": ("类型", "Kind"),
    "forecast_next_period_paid_amount": ("下期支付金额预测", "Next period paid amount forecast"),
    "projected_total": ("预计期末总额", "Projected total"),
    # comparisons and targets
    "metric": ("指标", "Metric"),
    "current": ("本期", "Current"),
    "previous": ("对比期", "Previous"),
    "change": ("变化", "Change"),
    "change_pct": ("变化率", "Change %"),
    "share_of_change": ("变化贡献占比", "Share of change"),
    "kpi": ("指标", "KPI"),
    "target": ("目标", "Target"),
    "attainment": ("达成率", "Attainment"),
    "gap": ("差距", "Gap"),
    "projected": ("预计期末值", "Projected"),
    "projected_attainment": ("预计达成率", "Projected attainment"),
    # stores and portfolio
    "store_id": ("店铺ID", "Store ID"),
    "stores": ("店铺数", "Stores"),
    "currency": ("币种", "Currency"),
    "timezone": ("时区", "Time zone"),
    "platform": ("平台", "Platform"),
    "days": ("天数", "Days"),
    "robust_z": ("稳健 Z 分数", "Robust z"),
    "outlier": ("异常店铺", "Outlier"),
    "rate_coverage": ("汇率覆盖率", "FX coverage"),
    "order_id": ("订单ID", "Order ID"),
    "rank_type": ("榜单", "List"),
    "visitor_days": ("访客数（按日累计）", "Visitors (daily sum)"),
    "ctr": ("点击率", "Click-through rate"),
    "monetary": ("消费金额", "Spend"),
    "avg_monetary": ("人均消费金额", "Spend per customer"),
    "intervals": ("购买间隔数", "Intervals"),
    "p25_days": ("间隔 25 分位（天）", "25th percentile (days)"),
    "p75_days": ("间隔 75 分位（天）", "75th percentile (days)"),
    "repeaters": ("复购人数", "Repeat buyers"),
    "censored": ("观察期未满", "Window not yet complete"),
    "pre_days": ("基线天数", "Baseline days"),
    "post_days": ("活动后天数", "Days after"),
    "post_actual": ("活动后实际", "Actual after"),
    "post_baseline": ("活动后基线", "Baseline after"),
    "baseline_daily_sales": ("活动前日均销售", "Daily sales before"),
    "during_daily_sales": ("活动期日均销售", "Daily sales during"),
    "fold": ("回测轮次", "Fold"),
    "test_start": ("检验起始日", "Test start"),
    "mape": ("MAPE（平均绝对百分比误差）", "MAPE"),
    "smape": ("sMAPE（对称百分比误差）", "sMAPE"),
    "mae": ("MAE（平均绝对误差）", "MAE"),
    "avg_rating": ("平均评分", "Average rating"),
    "cost": ("成本", "Cost"),
    "phase": ("阶段", "Phase"),
    "ordered_at": ("下单时间", "Ordered at"),
    "paid_at": ("支付时间", "Paid at"),
    "model": ("模型", "Model"),
    "parameter": ("参数", "Parameter"),
    # -- metric output columns that had no label (tests/test_labels.py checks them all) --
    "residual": ("偏差（实际 − 预期）", "Deviation (actual − expected)"),
    "direction": ("方向（高于/低于预期）", "Direction (above/below expectation)"),
    "previous_weight": ("对比期权重", "Previous weight"),
    "current_weight": ("本期权重", "Current weight"),
    "previous_rate": ("对比期比率", "Previous rate"),
    "current_rate": ("本期比率", "Current rate"),
    "mix_effect": ("结构效应", "Mix effect"),
    "rate_effect": ("比率效应", "Rate effect"),
    "total_effect": ("总效应", "Total effect"),
    "returning_share": ("老买家占比", "Returning buyer share"),
    "purchase_number": ("购买次序", "Purchase number"),
    "purchase_date": ("购买日期", "Purchase date"),
    "days_since_previous": ("距上次购买天数", "Days since previous purchase"),
    "last_purchase": ("最近购买日期", "Last purchase"),
    "recency_days": ("最近购买距今天数", "Recency (days)"),
    "r_score": ("R 得分（最近购买）", "R score"),
    "f_score": ("F 得分（购买频次）", "F score"),
    "m_score": ("M 得分（消费金额）", "M score"),
    "as_of": ("截至日期", "As of"),
    "actual_to_date": ("至今实际", "Actual to date"),
    "forecast_remaining": ("剩余天数预测", "Forecast of the remaining days"),
    "days_elapsed": ("已过天数", "Days elapsed"),
    "days_remaining": ("剩余天数", "Days remaining"),
    "cart_rate": ("加购率", "Add-to-cart rate"),
    "cumulative_share": ("累计占比", "Cumulative share"),
    "abc_class": ("ABC 分类", "ABC class"),
    "sell_through": ("售罄率", "Sell-through rate"),
    "bad_review_rate": ("差评率", "Bad review rate"),
    "dimension_zh": ("评分维度（中文）", "Dimension (zh)"),
    "pages_per_session": ("平均访问深度", "Pages per session"),
    "refund_rate": ("退款率", "Refund rate"),
    # profit after marketing (metrics.profit)
    "cm1": ("毛利 (CM1)", "Gross profit (CM1)"),
    "cm1_rate": ("毛利率 (CM1)", "CM1 margin"),
    "payment_fees": ("支付手续费", "Payment fees"),
    "commission": ("平台佣金（技术服务费）", "Platform commission"),
    "other_variable_cost": ("其他变动成本", "Other variable costs"),
    "fulfilment_cost": ("履约成本（仓储物流）", "Fulfilment cost"),
    "shipping_cost": ("物流成本", "Shipping cost"),
    "cm2": ("变动成本后毛利 (CM2)", "Contribution after variable costs (CM2)"),
    "cm2_rate": ("CM2 毛利率", "CM2 margin"),
    "ad_spend": ("广告花费", "Ad spend"),
    "contribution_margin": ("贡献毛利 (CM3)", "Contribution margin (CM3)"),
    "contribution_margin_rate": ("贡献毛利率", "Contribution margin rate"),
    "breakeven_roas": ("保本投产比", "Break-even ROAS"),
    "mer": ("全店投产比 MER", "MER (blended ROAS)"),
    "ncac": ("新客获客成本 (nCAC)", "New-customer CAC (nCAC)"),
    "cumulative_value": ("累计价值", "Cumulative value"),
    "cumulative_value_per_customer": ("人均累计价值", "Cumulative value per customer"),
    "cac": ("获客成本 (CAC)", "CAC"),
    "payback_age": ("回本周期（期数）", "Payback (periods)"),
    "campaign_cac": ("活动新客获客成本", "Campaign CAC per new buyer"),
    "campaign_payback_age": ("活动新客回本（月）", "Campaign new buyers' payback (months)"),
    # statistics: anomalies, festival calendar, pacing, CLV uncertainty, placebo
    "event": ("活动/大促", "Event"),
    "name_zh": ("中文名", "Chinese name"),
    "name_en": ("英文名", "English name"),
    "peak": ("爆发日", "Peak day"),
    "region": ("地区", "Region"),
    "event_peak": ("大促爆发日", "Festival peak day"),
    "event_window": ("大促/活动期", "Festival or campaign day"),
    "pre_event": ("预售/蓄水期", "Pre-event window"),
    "post_event": ("活动后（透支期）", "Post-event window"),
    "events": ("所属活动", "Events"),
    "month_to_date": ("月初至今实际", "Month to date"),
    "month_to_date_target": ("月初至今目标", "Month-to-date target"),
    "required_daily": ("剩余日均需完成", "Required daily run-rate"),
    "target_hit_probability": ("目标达成概率", "Probability of reaching the target"),
    "param": ("参数", "Parameter"),
    "estimate": ("估计值", "Estimate"),
    "se": ("标准误", "Standard error"),
    "clv_se": ("CLV 标准误", "CLV standard error"),
    "frequency_cal": ("校准期复购次数", "Repeat purchases (calibration)"),
    "predicted": ("预测值", "Predicted"),
    "error": ("误差（预测 − 实际）", "Error (predicted − actual)"),
    "window": ("窗口", "Window"),
    "placebo_share_below": ("安慰剂增量低于本活动的占比", "Share of placebo lifts below"),
    "distinguishable": ("增量显著（区别于噪声）", "Lift distinguishable from noise"),
    # products, stock and after-sales (metrics.basket, inventory, refunds, products)
    "distinct_items": ("商品款数", "Distinct items"),
    "units_per_order": ("连带率（件/单）", "Units per order"),
    "items_per_order": ("款数/单", "Items per order"),
    "item_a": ("商品 A", "Item A"),
    "item_b": ("商品 B", "Item B"),
    "orders_a": ("含 A 订单数", "Orders with A"),
    "orders_b": ("含 B 订单数", "Orders with B"),
    "orders_ab": ("同时购买订单数", "Orders with both"),
    "total_orders": ("订单总数", "Total orders"),
    "support": ("支持度", "Support"),
    "confidence_ab": ("置信度 A→B", "Confidence A→B"),
    "confidence_ba": ("置信度 B→A", "Confidence B→A"),
    "lift_lower": ("提升度下限 (95%)", "Lift, 95% lower bound"),
    "first_item": ("首单商品", "First item"),
    "next_item": ("二单商品", "Next item"),
    "first_item_customers": ("首购客户数", "First-item customers"),
    "net_sales_per_customer": ("人均净销售额", "Net sales per customer"),
    "daily_velocity": ("日均销量（有货日）", "Daily velocity (in-stock days)"),
    "selling_days": ("可售天数", "Selling days"),
    "lead_time_days": ("采购周期（天）", "Lead time (days)"),
    "safety_stock": ("安全库存", "Safety stock"),
    "reorder_point": ("补货点", "Reorder point"),
    "days_to_reorder": ("距补货点天数", "Days to reorder point"),
    "suggested_qty": ("建议采购量", "Suggested order qty"),
    "event_units": ("活动期销量", "Event units"),
    "event_days": ("活动天数", "Event days"),
    "baseline_units": ("基准期销量", "Baseline units"),
    "baseline_days": ("基准期天数", "Baseline days"),
    "uplift": ("大促销量倍数", "Uplift"),
    "refunds": ("退款笔数", "Refunds"),
    "refunded_orders": ("退款订单数", "Refunded orders"),
    "order_refund_rate": ("退款订单率", "Order refund rate"),
    "median_days_to_refund": ("退款时长中位数（天）", "Median days to refund"),
    "p90_days_to_refund": ("退款时长 P90（天）", "P90 days to refund"),
    "timed_refunds": ("有申请时间的退款笔数", "Refunds with request time"),
    "days_since_end": ("活动结束后天数", "Days since end"),
    "mature": ("已成熟", "Mature"),
    "problems": ("异常类型", "Problems"),
    "revenue_change": ("销售额变化", "Revenue change"),
    "traffic_effect": ("流量影响", "Traffic effect"),
    "conversion_effect": ("转化影响", "Conversion effect"),
    "price_effect": ("客单价影响", "Price effect"),
    # forecasts, placebo and customer actions (monthly_assessment, campaign_review, customer_health)
    "forecast_next_period_paid_amount_low": (
        "下期支付金额预测下限（80%）",
        "Next period paid amount, low (80 %)",
    ),
    "forecast_next_period_paid_amount_high": (
        "下期支付金额预测上限（80%）",
        "Next period paid amount, high (80 %)",
    ),
    "forecast_mae_vs_naive": ("预测误差相对朴素预测", "Forecast error vs seasonal naive"),
    "naive_mae": ("朴素预测 MAE", "Seasonal-naive MAE"),
    "mae_change": ("MAE 变化", "MAE change"),
    "beats_naive": ("优于朴素预测", "Beats seasonal naive"),
    "folds": ("回测轮次", "Folds"),
    "placebo_windows": ("安慰剂窗口数", "Placebo windows"),
    "recency_weeks": ("首末购间隔（周）", "First to last purchase (weeks)"),
    "age_weeks": ("客户年龄（周）", "Customer age (weeks)"),
    "clv_lower": ("CLV 下限（95%）", "CLV low (95 %)"),
    "clv_upper": ("CLV 上限（95%）", "CLV high (95 %)"),
    "win_back_customers": ("待挽回客户数", "Customers to win back"),
    "due_to_buy_customers": ("应复购提醒客户数", "Customers due to buy again"),
    "days_since_last": ("距上次购买（天）", "Days since last purchase"),
    "usual_interval_days": ("通常购买间隔（天）", "Usual interval (days)"),
    "overdue_days": ("超出天数", "Days overdue"),
    "file": ("名单文件", "List (CSV)"),
    "clv_holdout_predicted": (
        "留出期预测购买次数（人均）",
        "Holdout purchases predicted (a customer)",
    ),
    "clv_holdout_actual": ("留出期实际购买次数（人均）", "Holdout purchases made (a customer)"),
    "repeat_purchase_weeks": ("有复购的周数", "Weeks with a repeat purchase"),
}

#: Derived names: (pattern, zh template, en template); ``{base}`` is the label of group 1.
_DERIVED: list[tuple[re.Pattern[str], str, str]] = [
    # before the generic suffixes: month_to_date_target_paid_amount is about paid_amount
    (
        re.compile(r"month_to_date_target_(.+)$"),
        "{base}月初至今目标",
        "{base} month-to-date target",
    ),
    (re.compile(r"month_to_date_(.+)$"), "{base}月初至今", "{base} month to date"),
    (
        re.compile(r"target_hit_probability_(.+)$"),
        "{base}目标达成概率",
        "{base} target probability",
    ),
    (re.compile(r"(.+)_yoy$"), "{base}（同比）", "{base} (YoY)"),
    (
        re.compile(r"(.+)_vs_trailing_(\d+)d$"),
        "{base}（较近{n}日均值）",
        "{base} (vs {n}-day mean)",
    ),
    (re.compile(r"(.+)_vs_trailing$"), "{base}（较近期日均）", "{base} (vs trailing mean)"),
    (re.compile(r"(.+)_trailing_mean$"), "{base}（近期日均）", "{base} (trailing mean)"),
    (re.compile(r"(.+)_lag_7$"), "{base}（上周同日）", "{base} (same weekday last week)"),
    (re.compile(r"(.+)_lag_(\d+)$"), "{base}（{n}天前）", "{base} ({n} days earlier)"),
    (re.compile(r"(.+)_change_pct$"), "{base}变化率", "{base} change %"),
    (re.compile(r"(.+)_change$"), "{base}变化", "{base} change"),
    (re.compile(r"(.+)_attainment$"), "{base}达成率", "{base} attainment"),
    (re.compile(r"(.+)_share$"), "{base}占比", "{base} share"),
    (re.compile(r"(.+)_rank$"), "{base}排名", "{base} rank"),
    (re.compile(r"(.+)_(?:low|lower)$"), "{base}下限", "{base} (low)"),
    (re.compile(r"(.+)_(?:high|upper)$"), "{base}上限", "{base} (high)"),
    (re.compile(r"(.+)_pct$"), "{base}（%）", "{base} (%)"),
    (re.compile(r"previous_(.+)$"), "{base}（对比期）", "{base} (previous)"),
    (re.compile(r"repeat_rate_(\d+)d$"), "{n}天复购率", "{n}-day repeat rate"),
    (re.compile(r"dsr_(.+)$"), "DSR {base}", "DSR {base}"),
    (re.compile(r"(.+)_([A-Z]{3})$"), "{base}（{n}）", "{base} ({n})"),
]


def label(name: str, lang: str = "zh", *, labels: Mapping[str, str] | None = None) -> str:
    """The label of a KPI or column in ``lang`` (``"zh"`` or ``"en"``).

    Parameters
    ----------
    name : str
        A column or KPI name (``paid_amount``), possibly derived (``paid_amount_yoy``,
        ``orders_vs_trailing_7d``, ``paid_amount_lag_7``, ``repeat_rate_30d``,
        ``paid_amount_CNY``).
    lang : {"zh", "en"}, default "zh"
    labels : mapping, optional
        Overrides: ``{name: text}`` used before :data:`LABELS`.

    Returns
    -------
    str
        The label; an unknown name is returned as it is.

    Examples
    --------
    >>> label("revenue_per_buyer")
    '客单价'
    >>> label("paid_amount_yoy", "en")
    'Paid amount (YoY)'
    >>> label("orders_vs_trailing_7d")
    '支付订单数（较近7日均值）'
    >>> label("mystery")
    'mystery'
    """
    name = str(name)
    if labels and name in labels:
        return str(labels[name])
    index = 1 if lang == "en" else 0
    if name in LABELS:
        return LABELS[name][index]
    for pattern, zh, en in _DERIVED:
        match = pattern.match(name)
        if match:
            groups = match.groups()
            base = label(groups[0], lang, labels=labels)
            number = groups[-1]
            return (en if index else zh).format(base=base, n=number)
    return name


# -- kinds of values ----------------------------------------------------------------

MONEY = frozenset(
    {
        "gmv",
        "aov",
        "revenue_per_buyer",
        "net_sales",
        "gross_profit",
        "spend",
        "cpc",
        "cpa",
        "revenue",
        "price",
        "unit_price",
        "unit_cost",
        "budget",
        "monetary_value",
        "clv",
        "expected_value",
        "expected_clv_mean",
        "lift",
        "dip",
        "gap",
        "projected_total",
        "forecast_next_period_paid_amount",
        "cost",
        "monetary",
        "avg_monetary",
        "mae",
        "baseline_daily_sales",
        "during_daily_sales",
        "post_actual",
        "post_baseline",
        "actual",
        "baseline",
        "forecast",
        "ad_spend",
        "cac",
        "campaign_cac",
        "cm1",
        "cm2",
        "commission",
        "contribution_margin",
        "cumulative_value",
        "cumulative_value_per_customer",
        "fulfilment_cost",
        "ncac",
        "other_variable_cost",
        "payment_fees",
        "shipping_cost",
        "conversion_effect",
        "net_sales_per_customer",
        "price_effect",
        "revenue_change",
        "traffic_effect",
        "clv_lower",
        "clv_upper",
        "forecast_next_period_paid_amount_high",
        "forecast_next_period_paid_amount_low",
        "naive_mae",
    }
)
RATES = frozenset(
    {
        "gross_margin",
        "cost_coverage",
        "retention",
        "share",
        "attainment",
        "projected_attainment",
        "roi",
        "p_alive",
        "p_alive_mean",
        "share_of_change",
        "rate_coverage",
        "ctr",
        "mape",
        "smape",
        "placebo_share_below",
        "target_hit_probability",
        "confidence_ab",
        "confidence_ba",
        "support",
        "forecast_mae_vs_naive",
        "mae_change",
    }
)
RATIOS = frozenset(
    {
        "roas",
        "incremental_roas",
        "pages_per_visitor",
        "score",
        "rating",
        "robust_z",
        "frequency",
        "recency",
        "T",
        "expected_purchases",
        "days_of_cover",
        "sales_per_day",
        "median_days",
        "mean_days",
        "avg_time_on_site_s",
        "avg_rating",
        "breakeven_roas",
        "mer",
        "daily_velocity",
        "items_per_order",
        "lift_lower",
        "units_per_order",
        "uplift",
    }
)
COUNTS = frozenset(
    {
        "orders",
        "placed_orders",
        "valid_orders",
        "buyers",
        "new_buyers",
        "returning_buyers",
        "units",
        "visitors",
        "sessions",
        "sessions_or_visitors",
        "pageviews",
        "new_visitors",
        "returning_visitors",
        "bounces",
        "cart_visitors",
        "product_views",
        "order_buyers",
        "paid_buyers",
        "clicks",
        "impressions",
        "count",
        "cohort_size",
        "active_customers",
        "customers",
        "repeat_customers",
        "bad_reviews",
        "reviews",
        "stock_on_hand",
        "units_sold",
        "sales_days",
        "days_since_last_sale",
        "quantity",
        "stores",
        "days",
        "rank",
        "age",
        "window_days",
        "campaign_payback_age",
        "payback_age",
        "baseline_days",
        "baseline_units",
        "days_since_end",
        "days_to_reorder",
        "distinct_items",
        "event_days",
        "event_units",
        "first_item_customers",
        "lead_time_days",
        "orders_a",
        "orders_ab",
        "orders_b",
        "refunded_orders",
        "refunds",
        "reorder_point",
        "safety_stock",
        "selling_days",
        "suggested_qty",
        "timed_refunds",
        "total_orders",
        "age_weeks",
        "days_remaining",
        "days_since_last",
        "due_to_buy_customers",
        "folds",
        "placebo_windows",
        "recency_weeks",
        "repeat_purchase_weeks",
        "win_back_customers",
    }
)
#: Costs: a rise is bad news, so KPI cards colour it like a fall.
COST_LIKE = frozenset(
    {
        "bad_reviews",
        "bounce_rate",
        "bounces",
        "breakeven_roas",
        "cac",
        "campaign_cac",
        "commission",
        "cost_amount",
        "cpa",
        "cpc",
        "fulfilment_cost",
        "ncac",
        "other_variable_cost",
        "payment_fees",
        "refund_amount",
        "shipping_cost",
    }
)
KINDS = ("money", "rate", "ratio", "count", "number")
_SUFFIXES = re.compile(
    r"_(?:yoy|vs_trailing_\d+d|trailing_mean|lag_\d+|low|high|lower|upper|change|previous|current)$"
)


def kind_of(name: str) -> str:
    """How a column's values are shown: ``money``, ``rate``, ``ratio``, ``count`` or ``number``.

    Inferred from the name: money sets and ``*_amount``; rates ``*_rate``, ``*_share``,
    ``*_pct``; counts of orders, buyers, visitors; derived names (``paid_amount_yoy``,
    ``change_pct_yoy``) take the kind of their base name; a name that is itself known
    (``share_of_change``) is not taken apart.

    Examples
    --------
    >>> [kind_of(n) for n in ["paid_amount", "bounce_rate", "orders_yoy", "roas", "x"]]
    ['money', 'rate', 'count', 'ratio', 'number']
    >>> [kind_of(n) for n in ["share_of_change", "change_pct_yoy", "orders_change"]]
    ['rate', 'rate', 'count']
    """
    name = str(name)
    if name.startswith("target_hit_probability"):
        return "rate"  # the probability of reaching a KPI's target, not the KPI's own kind
    if name.startswith("previous_"):
        return kind_of(name.removeprefix("previous_"))
    kind = _base_kind(name)
    while kind == "number" and _SUFFIXES.search(name):
        name = _SUFFIXES.sub("", name)
        kind = _base_kind(name)
    return kind


def _base_kind(name: str) -> str:
    """The kind of ``name`` as it stands (no suffix taken off); ``number`` when unknown."""
    if name.endswith(("_pct", "_attainment", "_vs_trailing")):
        return "rate"
    if re.match(r"(.+)_[A-Z]{3}$", name):
        name = name[:-4]
    if name in MONEY or name.endswith("_amount"):
        return "money"
    if name in RATES or name.endswith(("_rate", "_share", "_margin")) or "repeat_rate" in name:
        return "rate"
    if name in RATIOS or name.startswith("dsr_"):
        return "ratio"
    if name in COUNTS or name.endswith(("_skus", "_orders", "_buyers", "_customers", "_anomalies")):
        return "count"
    return "number"


#: Labels of coded values in text columns (``{column: {value: (zh, en)}}``): channels,
#: devices, statuses and actions that metric results hold as codes. Tables show these
#: labels; CSV files keep the codes.
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {
        "direct": ("直接访问", "Direct"),
        "organic_search": ("自然搜索", "Organic search"),
        "paid_search": ("付费搜索", "Paid search"),
        "paid_social": ("社交广告", "Paid social"),
        "social": ("社交媒体", "Social"),
        "email": ("邮件营销", "Email"),
        "affiliate": ("联盟推广", "Affiliate"),
        "referral": ("外部引荐", "Referral"),
        "display": ("展示广告", "Display ads"),
        "unknown": ("未知", "Unknown"),
    },
    "device": {
        "app": ("App", "App"),
        "mobile": ("手机网页", "Mobile web"),
        "desktop": ("电脑", "Desktop"),
        "tablet": ("平板", "Tablet"),
        "unknown": ("未知", "Unknown"),
    },
    "rank_type": {"best": ("畅销", "Best"), "worst": ("滞销", "Worst")},
    "action": {
        "cut": ("削减", "Cut"),
        "grow": ("加投", "Grow"),
        "keep": ("维持", "Keep"),
        "watch": ("观察", "Watch"),
        "win_back": ("挽回：流失风险客户", "Win back: customers at risk"),
        "due_to_buy": (
            "提醒复购：超过通常间隔仍活跃",
            "Remind: past their usual interval, still active",
        ),
    },
    "problems": {
        "no_payments": ("有访客无成交", "Visitors, no sales"),
        "conversion_drop": ("转化下滑", "Conversion fell"),
        "traffic_drop": ("流量下滑", "Traffic fell"),
        "low_stock_rising_sales": ("库存不足且销量上升", "Low stock, rising sales"),
    },
    "kind": {
        "refund_only": ("仅退款", "Refund only"),
        "return_refund": ("退货退款", "Return and refund"),
    },
    "suggestion": {
        "delist_or_promote": ("考虑下架或促销", "Delist or promote"),
        "restock_or_delist": ("缺货：补货或下架", "Out of stock: restock or delist"),
    },
    "stock_status": {
        "out_of_stock": ("缺货", "Out of stock"),
        "low": ("库存不足", "Low"),
        "ok": ("正常", "OK"),
        "no_sales": ("无销量", "No sales"),
    },
    "status": {
        "met": ("已达成", "Met"),
        "at_risk": ("有风险", "At risk"),
        "missed": ("未达成", "Missed"),
        "not_set": ("未设目标", "Not set"),
        # reorder_plan
        "reorder_now": ("立即补货", "Reorder now"),
        "reorder_soon": ("7 天内补货", "Reorder within 7 days"),
        "ok": ("正常", "OK"),
        "no_sales": ("无销量", "No sales"),
        "unknown": ("无法判断", "Unknown"),
    },
    "issue": {
        "cost_at_or_above_price": ("成本不低于售价", "Cost at or above price"),
        "sold_below_cost": ("低于成本售出", "Sold below cost"),
        "price_deviates": ("成交价偏离标价", "Selling price deviates from list price"),
        "missing_cost": ("缺少成本", "No unit cost"),
    },
    "phase": {
        "pre": ("活动前", "Before"),
        "campaign": ("活动期", "Campaign"),
        "post": ("活动后", "After"),
    },
    "dimension": {
        "item": ("描述相符", "Item as described"),
        "service": ("服务态度", "Service"),
        "logistics": ("物流服务", "Logistics"),
    },
    "reason": {"unspecified": ("未注明", "Unspecified")},
    "model": {
        "ets": ("指数平滑 (ETS)", "Exponential smoothing (ETS)"),
        "seasonal_naive": ("季节性朴素（上周同日）", "Seasonal naive (same weekday last week)"),
        "regression_events": ("大促感知模型", "Event-aware model"),
    },
    "segment": {
        "champions": ("明星客户", "Champions"),
        "loyal": ("忠诚客户", "Loyal"),
        "potential": ("潜力客户", "Potential"),
        "new": ("新客户", "New"),
        "needs_attention": ("需要关注", "Needs attention"),
        "at_risk": ("流失风险", "At risk"),
        "hibernating": ("沉睡客户", "Hibernating"),
        "lost": ("已流失", "Lost"),
    },
    "window": {
        "campaign": ("本次活动", "The campaign"),
        "placebo": ("安慰剂窗口", "Placebo window"),
    },
    "frequency_cal": {
        "all": ("全部", "All customers"),
    },
}
VALUE_LABELS["source"] = VALUE_LABELS["channel"]


def value_label(column: str, value: object, lang: str = "zh") -> object:
    """The label of a coded value of ``column`` (a channel, a status …); others unchanged.

    Examples
    --------
    >>> value_label("channel", "organic_search"), value_label("channel", "tmall_live")
    ('自然搜索', 'tmall_live')
    >>> value_label("status", "not_set", "en")
    'Not set'
    >>> value_label("problems", "traffic_drop,conversion_drop")
    '流量下滑、转化下滑'
    """
    labels = VALUE_LABELS.get(str(column))
    if labels is None or not isinstance(value, str):
        return value
    index = 1 if lang == "en" else 0
    parts = value.split(",")
    if len(parts) > 1 and all(part in labels for part in parts):  # several codes: a, b
        return ("、" if index == 0 else ", ").join(labels[part][index] for part in parts)
    return labels[value][index] if value in labels else value


# -- formatting -----------------------------------------------------------------------

#: Symbols of common currencies; others are written as their ISO code.
CURRENCY_SYMBOLS = {
    "CNY": "¥",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "JP¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "KRW": "₩",
}
_NO_DECIMALS = frozenset({"JPY", "KRW", "VND", "IDR"})
MISSING = "—"


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):  # pandas NA refuses bool()
        return True


def format_value(
    value: object, kind: str = "number", *, currency: str | None = None, signed: bool = False
) -> str:
    """A number as text for people: thousands separators, currency, percent.

    Parameters
    ----------
    value : number or None
        NaN, None and NA are shown as ``—``.
    kind : {"money", "rate", "ratio", "count", "number"}
        ``money``: two decimals (none for JPY, KRW) and the currency symbol or code;
        ``rate``: a fraction shown as a percent with one decimal; ``ratio``: two
        decimals; ``count``: whole number; ``number``: whole numbers as counts,
        others with two decimals.
    currency : str, optional
        ISO 4217 code of money values.
    signed : bool, default False
        Show ``+`` before positive values (changes).

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(1234567.891, "money", currency="CNY")
    '¥1,234,567.89'
    >>> format_value(-25, "money", currency="SGD", signed=True)
    '-SGD 25.00'
    >>> format_value(0.1234, "rate", signed=True)
    '+12.3%'
    >>> format_value(float("nan"), "count")
    '—'
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        value = int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    sign = "-" if number < 0 else ("+" if signed and number > 0 else "")
    return sign + _FORMATTERS.get(kind, _plain)(abs(number), currency)


def _money(number: float, currency: str | None) -> str:
    code = (currency or "").upper()
    decimals = 0 if code in _NO_DECIMALS else 2
    text = f"{number:,.{decimals}f}"
    if not code:
        return text
    symbol = CURRENCY_SYMBOLS.get(code)
    return f"{symbol}{text}" if symbol else f"{code} {text}"


def _plain(number: float, currency: str | None) -> str:
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


_FORMATTERS: dict[str, Callable[[float, str | None], str]] = {
    "money": _money,
    "rate": lambda number, _: f"{number:.1%}",
    "ratio": lambda number, _: f"{number:,.2f}",
    "count": lambda number, _: f"{number:,.0f}",
    "number": _plain,
}


def money_decimals(currency: str | None) -> int:
    """Decimals of a money value in the reports (``format_value``): 0 for currencies without
    minor units (JPY, KRW …), else 2. ``detect_anomalies(decimals=)`` takes it, so that no
    day is flagged whose actual and expected values print the same.

    >>> money_decimals("CNY"), money_decimals("jpy"), money_decimals(None)
    (2, 0, 2)
    """
    return 0 if (currency or "").upper() in _NO_DECIMALS else 2


# -- label coverage ------------------------------------------------------------------


def has_label(name: str) -> bool:
    """True when :func:`label` knows ``name``: it is in :data:`LABELS`, or it is a derived
    name (``paid_amount_yoy``, ``repeat_rate_30d``) whose base name has a label.

    Examples
    --------
    >>> has_label("paid_amount"), has_label("paid_amount_yoy"), has_label("repeat_rate_30d")
    (True, True, True)
    >>> has_label("mystery"), has_label("mystery_share")
    (False, False)
    """
    name = str(name)
    if name in LABELS:
        return True
    for pattern, _, _ in _DERIVED:
        match = pattern.match(name)
        if match:
            base = match.groups()[0]
            return base.isdigit() or has_label(base)
    return False
