"""Bring your own data: platform export files → the dataset of DESIGN §2.

``ecanalysis import PLATFORM FILE… --store-id ID --timezone TZ [--currency C] --out DIR``
calls :func:`import_files`; ``ecanalysis import --list`` prints :func:`describe_platforms`.

One module per platform (or family of platforms), each with the mapping table in its
docstring:

- :mod:`~ecanalysis.importers.shopify`: Shopify order export CSV → orders, order_items,
  refunds; with :mod:`~ecanalysis.importers.shopify_catalog`, the products export →
  products and the inventory export → products.stock_on_hand;
- :mod:`~ecanalysis.importers.woocommerce`: WooCommerce orders exported with the
  "Advanced Order Export For WooCommerce" plugin (CSV, products as rows) → orders,
  order_items;
- :mod:`~ecanalysis.importers.taobao`: 淘宝/天猫 订单报表 (and 宝贝报表) CSV → orders
  (order_items); with :mod:`~ecanalysis.importers.taobao_extra`, the 宝贝 list →
  products, the 评价 export → reviews, the 退款报表 → refunds;
- :mod:`~ecanalysis.importers.sycm`: 生意参谋 store traffic by day (CSV or .xlsx) → traffic;
- :mod:`~ecanalysis.importers.cn_orders`: 京东 (``jd``), 拼多多 (``pinduoduo``) and 抖店
  (``douyin``) order exports → orders, order_items;
- :mod:`~ecanalysis.importers.ads`: Meta Ads (``meta_ads``), Google Ads (``google_ads``),
  直通车 (``zhitongche``), 万相台 (``wanxiangtai``), 引力魔方 (``yinlimofang``) reports by
  campaign and day → ad_spend, one row per day;
- :mod:`~ecanalysis.importers.reviews`: Judge.me, Yotpo and Loox exports → reviews.

Every rule an importer applies is stated in docs/importers.md.

What every import does:

1. checks the store id (``^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$``, not ``all``), the IANA time
   zone and the currency before reading anything;
2. reads each file in UTF-8, UTF-8 with BOM or GBK/GB18030 (or .xlsx), finding the header
   row and removing Excel's ``="…"`` guards;
3. checks ``--timezone`` against the export's times (:mod:`~ecanalysis.importers._zones`):
   refused when more than half of the times with a UTC offset carry one that the zone does
   not have at that instant (fewer are converted and counted in a note: a store that
   changed its zone); a warning on stderr when a China-time platform (taobao, sycm) is
   imported with a zone that is not at UTC+08:00 on the imported dates;
4. maps rows to canonical columns: ``order_id`` = ``<store_id>:<platform id>``; times with a
   UTC offset converted to the store's local time, times without one taken as local;
5. sets aside rows that cannot be mapped (missing id, unparseable date or amount, unknown
   status, another currency) in ``<out>/quarantine/import-<platform>-<hash>.csv`` with a
   ``reason`` and their file and line; the hash is of the files' bytes, so a re-import
   rewrites the same file. Rows are never silently dropped;
6. upserts by key into ``<out>/<table>.parquet``: a row with the same key as a stored row
   replaces it (the later export wins); identical rows are counted as duplicates; a table
   is rewritten (temp file, then rename) only when it changes, so importing the same
   files again leaves every file byte-identical;
7. adds the store to ``stores`` when missing, and refuses a store already stored with
   another time zone or currency;
8. validates the dataset with ``ecanalysis.schema.validate_dataset``;
9. reports rows per table, the local dates of the imported rows, the quarantine, and
   notes: e.g. how many imported orders have a refund but no refund time (most order
   exports have none), which reports date by ``paid_at`` (DESIGN §5); how many Shopify
   orders were dated as paid by ``Created at``; a store whose orders are mostly pending
   (cash on delivery) is pointed at ``sales_basis: placed``.

Privacy: ``customer_id`` holds what identifies a buyer in the export (an e-mail address,
a 淘宝 member name) as given, so that a buyer's orders across exports link up. Treat
the dataset as personal data, or replace the ids before sharing it.
"""

from __future__ import annotations

from ecanalysis.importers._registry import PLATFORMS, describe_platforms, get_platform
from ecanalysis.importers._run import ImportResult, import_files

__all__ = ["PLATFORMS", "ImportResult", "describe_platforms", "get_platform", "import_files"]
