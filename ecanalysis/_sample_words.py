"""Store profiles and the words of the sample data: product titles, review reasons and texts.

Private to :mod:`ecanalysis.sample`; kept apart so that the generator reads as a model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Time zone, currency, platform and name of a sample store, and how its prices look."""

    timezone: str
    currency: str
    platform: str
    name: str
    price_scale: float  # prices in this currency per USD of list price
    decimals: int  # money rounding
    fx_cny: float  # CNY per unit, around the sample period


#: Store profiles, cycled: store i gets ``PROFILES[i % 8]``.
PROFILES = (
    Profile("Asia/Shanghai", "CNY", "tmall", "悦享家居天猫旗舰店", 7.0, 2, 1.0),
    Profile("America/New_York", "USD", "shopify", "Northwind Outfitters", 1.0, 2, 7.20),
    Profile("Europe/Berlin", "EUR", "woocommerce", "Waldhaus Berlin", 0.92, 2, 7.85),
    Profile("Asia/Tokyo", "JPY", "rakuten", "Sakura Select Tokyo", 150.0, 0, 0.048),
    Profile("Europe/London", "GBP", "shopify", "Thames & Co", 0.79, 2, 9.15),
    Profile("Australia/Sydney", "AUD", "shopify", "Harbour Goods", 1.52, 2, 4.70),
    Profile("America/Los_Angeles", "USD", "bigcommerce", "Pacific Trail Supply", 1.0, 2, 7.20),
    Profile("Asia/Singapore", "SGD", "shopee", "Lion City Living", 1.34, 2, 5.35),
)

#: Chinese New Year's day (Spring Festival), for the dip of the Chinese store.
CHINESE_NEW_YEAR = tuple(
    dt.date.fromisoformat(d)
    for d in (
        "2019-02-05",
        "2020-01-25",
        "2021-02-12",
        "2022-02-01",
        "2023-01-22",
        "2024-02-10",
        "2025-01-29",
        "2026-02-17",
        "2027-02-06",
        "2028-01-26",
        "2029-02-13",
        "2030-02-03",
    )
)

# (category, price range in USD, item nouns), Chinese and English.
CATEGORIES_CN = (
    ("女装", (19, 160), ("连衣裙", "针织开衫", "阔腿裤", "羊毛大衣", "真丝衬衫", "半身裙")),
    ("男装", (19, 180), ("纯棉T恤", "休闲西裤", "羽绒服", "牛仔夹克", "商务衬衫", "卫衣")),
    ("鞋靴", (29, 150), ("小白鞋", "切尔西靴", "跑步鞋", "乐福鞋", "帆布鞋")),
    ("箱包", (25, 220), ("双肩包", "托特包", "登机箱", "斜挎包", "钱包")),
    ("美妆护肤", (9, 90), ("精华液", "面霜", "防晒霜", "口红", "卸妆油", "面膜")),
    ("家居日用", (6, 70), ("四件套", "乳胶枕", "收纳盒", "香薰蜡烛", "毛巾礼盒")),
    ("数码配件", (8, 120), ("蓝牙耳机", "充电宝", "数据线", "手机壳", "机械键盘")),
    ("食品饮料", (4, 45), ("坚果礼盒", "挂耳咖啡", "绿茶", "牛肉干", "燕麦片")),
)
CATEGORIES_EN = (
    ("Apparel", (19, 160), ("Linen Shirt", "Wool Sweater", "Chino Pants", "Rain Jacket", "Tee")),
    ("Footwear", (29, 150), ("Trail Runner", "Leather Boot", "Canvas Sneaker", "Loafer")),
    ("Bags", (25, 220), ("Backpack", "Tote Bag", "Carry-on Case", "Crossbody Bag", "Wallet")),
    ("Beauty", (9, 90), ("Face Serum", "Night Cream", "Sunscreen SPF50", "Lip Balm", "Mask")),
    ("Home & Living", (6, 70), ("Bath Towel Set", "Scented Candle", "Throw Blanket", "Mug")),
    ("Electronics", (8, 120), ("Wireless Earbuds", "Power Bank", "USB-C Cable", "Phone Case")),
    ("Kitchen", (6, 110), ("Chef Knife", "Cast Iron Pan", "Pour-over Kettle", "Cutting Board")),
    ("Outdoor", (12, 200), ("Camping Chair", "Water Bottle", "Headlamp", "Day Pack", "Tent")),
)
ADJECTIVES_CN = ("新款", "经典", "轻薄", "加厚", "简约", "复古", "高端", "日常")
ADJECTIVES_EN = ("Classic", "Everyday", "Premium", "Light", "Essential", "Vintage", "Pro")
COLORS_CN = ("黑色", "白色", "灰色", "米色", "藏青", "酒红")
COLORS_EN = ("Black", "White", "Grey", "Sand", "Navy", "Olive")

REASONS_CN = ("物流慢", "质量差", "与描述不符", "客服态度差", "包装破损")
REASONS_EN = (
    "late delivery",
    "poor quality",
    "not as described",
    "bad service",
    "damaged package",
)

TEXTS_CN = {
    "good": ("质量很好，物流很快，好评！", "包装精美，性价比高，会回购。", "和描述一致，很满意。"),
    "meh": ("一般般吧，凑合用。", "还行，没有想象中好。"),
    "物流慢": ("等了一个多星期才到，物流太慢了。", "发货太慢，催了好几次。"),
    "质量差": ("用了两次就坏了，质量太差。", "做工粗糙，有线头。"),
    "与描述不符": ("颜色和图片差别很大，与描述不符。", "尺码不对，跟详情页写的不一样。"),
    "客服态度差": ("客服爱答不理，态度很差。", "问问题半天没人回。"),
    "包装破损": ("收到时外包装破了，商品有压痕。", "快递盒子都烂了。"),
}
TEXTS_EN = {
    "good": ("Great quality, fast shipping!", "Exactly as pictured, would buy again.", "Love it."),
    "meh": ("It's okay, nothing special.", "Not quite what I hoped for."),
    "late delivery": ("Took almost two weeks to arrive.", "Shipping was very slow."),
    "poor quality": ("Broke after a few uses.", "Cheap material, loose seams."),
    "not as described": ("Colour is nothing like the photos.", "Size runs small, not as listed."),
    "bad service": ("Support never answered my emails.", "Rude customer service."),
    "damaged package": ("Box arrived crushed and the item is scratched.", "Package was torn open."),
}

# -- after-sales (refunds table): 退款原因, in the order of sample._REFUND_REASON_SHARES --------
REFUND_REASONS_CN = ("尺码不合适", "质量问题", "与描述不符", "不想要了", "物流慢")
REFUND_REASONS_EN = (
    "size did not fit",
    "quality issue",
    "not as described",
    "changed mind",
    "late delivery",
)
