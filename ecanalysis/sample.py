"""Deterministic multi-store sample dataset (DESIGN §2 and §6 ``sample``).

:func:`write_sample` writes one Parquet file per table of the data contract (``stores,
orders, order_items, traffic, products, ad_spend, campaigns, reviews, refunds,
product_traffic, stock_levels, fx_rates``) for a
portfolio of stores in different time zones and currencies. The data look like a real shop's
exports: weekly and yearly seasonality, slow growth, the Chinese New Year dip for the
Chinese store, 618 and 双11 campaigns (and Black Friday/Cyber Monday outside China), an
evening peak within the day, unpaid, cancelled and refunded orders, repeat buyers, Zipf
popularity of products, stock-outs, products that never sell and bad reviews with reasons.

How it is made, per store, with one random generator each (``SeedSequence(seed,
spawn_key=(i,))``, so a store's data do not depend on how many stores are written):

1. a daily *intensity* ``s`` (seasonality × trend × campaign lift);
2. customers arrive as a Poisson process proportional to ``s``; each has a latent purchase
   rate (gamma) and dropout probability (beta) and buys again, BG/NBD-like, in operational
   time ``∫s`` (so repeat orders also follow the seasons and campaigns); a year of burn-in
   before ``start`` gives returning customers from the first day; campaign-acquired
   customers buy less often and drop out sooner;
3. order lines draw products by popularity, amounts follow from the lines, statuses from a
   fixed mix, payment and refund times from the order time;
4. traffic, ad spend and reviews are derived from the orders so that conversion (~3%), ROAS
   (affiliate poor) and ratings (a few SKUs and one store's logistics below 4.8) are coherent;
5. from a third stream, drawn last so that they moved no earlier number: refunds (one per
   line of a fully refunded order, one for a partial refund; amounts add up to the order's
   ``refund_amount``; reasons, 仅退款/退货退款, request times), product traffic per SKU and
   day (buyers are the day's paying customers), end-of-day stock levels walked back from
   ``stock_on_hand`` (deliveries and stock-outs), and products' lead times, minimum order
   quantities and case packs. Baskets draw SKUs independently (by popularity): there is
   no designed affinity between categories, as adding one would change the order lines.

Everything is vectorised with numpy and written with pyarrow with fixed writer options, so
the same arguments give byte-identical files. Nothing after ``end`` is written: an order
paid, refunded or reviewed after the last day is left unpaid, unrefunded or unreviewed, as
an export taken at the end of that day would show it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ecanalysis import _sample_words as words
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.paths import atomic_write
from ecanalysis.schema import TABLES as CONTRACT_TABLES

#: Tables of the data contract the sample does not write (none: the second-round tables
#: ``refunds``, ``product_traffic`` and ``stock_levels`` are written too).
_NOT_WRITTEN: tuple[str, ...] = ()
#: Tables written, in contract order.
TABLES = tuple(name for name in CONTRACT_TABLES if name not in _NOT_WRITTEN)

DEFAULT_START = dt.date(2023, 12, 1)
DEFAULT_END = dt.date(2025, 11, 30)
#: Mean orders a day of a store of scale 1 on an ordinary day.
DEFAULT_ORDERS_PER_DAY = 40.0

CHANNELS = ("direct", "organic_search", "paid_search", "paid_social", "email", "affiliate")
PAID_CHANNELS = ("paid_search", "paid_social", "affiliate")
STATUSES = ("placed", "paid", "shipped", "completed", "cancelled", "refunded", "partially_refunded")


#: Relative size of store i: ``_SCALES[i % 8]``.
_SCALES = (1.6, 1.0, 0.6, 0.8, 0.5, 0.4, 0.9, 0.3)
#: Store index (mod 8) whose deliveries are slow: its DSR logistics falls below 4.8.
_SLOW_LOGISTICS = 1

#: Weekly profile Monday..Sunday (weekend higher) and hourly profile 0..23 (evening peak).
_WEEKDAY = np.array([0.93, 0.90, 0.92, 0.95, 1.03, 1.14, 1.13])
_HOURS = np.array(
    [
        *(3.0, 1.8, 1.1, 0.7, 0.5, 0.6, 1.1, 2.1, 3.4, 4.4, 5.0, 5.3),
        *(5.6, 5.1, 4.8, 4.8, 5.0, 5.3, 5.9, 7.1, 8.6, 9.6, 8.5, 5.6),
    ]
)

#: Customers: gamma purchase rate (per ordinary day), beta dropout after each repeat purchase.
_RATE_SHAPE, _RATE_SCALE = 0.3, 0.009
_DROPOUT_A, _DROPOUT_B = 2.0, 4.0
_CAMPAIGN_RATE_FACTOR, _CAMPAIGN_DROPOUT = 0.5, (3.0, 2.5)
#: Orders per acquired customer at steady state (measured on the default sample), to turn
#: orders a day into new customers a day.
_ORDERS_PER_CUSTOMER = 1.8
_BURN_IN_DAYS = 365

# Channel shares (columns follow CHANNELS) for new and returning buyers, off and in campaigns.
_CHANNEL_SHARES = {
    (True, False): [0.19, 0.32, 0.25, 0.17, 0.04, 0.03],
    (True, True): [0.13, 0.21, 0.31, 0.29, 0.03, 0.03],
    (False, False): [0.37, 0.23, 0.12, 0.06, 0.20, 0.02],
    (False, True): [0.29, 0.17, 0.19, 0.13, 0.20, 0.02],
}
#: Conversion (orders / visitors) by source, and by device relative to that.
_CONVERSION = dict(zip(CHANNELS, [0.045, 0.026, 0.030, 0.016, 0.055, 0.008], strict=True))
_DEVICE_CONVERSION = {"app": 1.5, "mobile": 0.9, "desktop": 1.3, "tablet": 1.0}
#: Return on ad spend (paid_amount / spend) and click-through rate of the paid channels.
_ROAS = {"paid_search": 4.5, "paid_social": 2.6, "affiliate": 0.7}
_CTR = {"paid_search": 0.035, "paid_social": 0.011, "affiliate": 0.006}

_DEVICES_CN = (("app", "mobile", "desktop", "tablet"), [0.62, 0.22, 0.13, 0.03])
_DEVICES = (("mobile", "desktop", "tablet"), [0.60, 0.32, 0.08])

_LINES_PER_ORDER = [0.62, 0.24, 0.10, 0.04]  # 1..4 lines
_QUANTITY = [0.80, 0.14, 0.04, 0.015, 0.005]  # 1..5 units

# Reason mix (columns follow the reasons above) for a bad SKU, a slow store, and others.
_REASON_SHARES = {
    "sku": [0.08, 0.47, 0.30, 0.05, 0.10],
    "slow": [0.55, 0.15, 0.10, 0.08, 0.12],
    "other": [0.25, 0.25, 0.20, 0.15, 0.15],
}
_RATING_SHARES = {  # ratings 1..5
    "bad_sku": [0.10, 0.08, 0.12, 0.15, 0.55],
    "refunded": [0.10, 0.06, 0.10, 0.16, 0.58],
    "other": [0.004, 0.004, 0.012, 0.04, 0.94],
}

#: Platforms whose order export records what shipping cost the store (``shipping_cost``),
#: the spawn key of the random stream those costs draw from, and the status codes (index in
#: STATUSES) of orders that have shipped: shipped, completed, refunded, partially_refunded.
_RECORDS_SHIPPING_COST = frozenset({"shopify"})
_SHIPPING_COST_STREAM = 1
#: Spawn key of the stream of the second-round tables and columns (refunds, product traffic,
#: stock levels, lead times), drawn after everything else.
_SECOND_ROUND_STREAM = 2
_SHIPPED_STATUS_CODES = (2, 3, 5, 6)

_PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
}
_ROW_GROUP_SIZE = 1 << 20


@dataclass(frozen=True)
class SampleSummary:
    """What :func:`write_sample` wrote: rows per table, stores and the date range.

    ``str(summary)`` is the readable report that ``ecanalysis sample`` prints.
    """

    path: Path
    rows: dict[str, int]
    stores: tuple[str, ...]
    start: dt.date
    end: dt.date
    seed: int
    files: tuple[Path, ...] = field(default=(), repr=False)

    def __str__(self) -> str:
        lines = [
            f"sample dataset in {self.path} (seed {self.seed})",
            f"  stores: {len(self.stores)} ({', '.join(self.stores)})",
            f"  dates:  {self.start.isoformat()} .. {self.end.isoformat()} "
            f"({(self.end - self.start).days + 1} local days per store)",
        ]
        width = max(len(name) for name in self.rows)
        lines += [f"  {name:<{width}}  {count:>12,} rows" for name, count in self.rows.items()]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Store:
    index: int
    store_id: str
    profile: words.Profile
    scale: float

    @property
    def is_cn(self) -> bool:
        return self.profile.currency == "CNY"

    @property
    def devices(self) -> tuple[tuple[str, ...], list[float]]:
        """Device names and their order shares (the Tmall store sells mostly in its app)."""
        return _DEVICES_CN if self.is_cn else _DEVICES

    @property
    def slow_logistics(self) -> bool:
        return self.index % len(words.PROFILES) == _SLOW_LOGISTICS


@dataclass(frozen=True)
class _Campaign:
    campaign_id: str
    name: str
    start: dt.date
    end: dt.date
    channel: str
    peak: dt.date
    lift: float  # on ordinary campaign days
    peak_lift: float  # on the peak day


def write_sample(
    path: str | os.PathLike,
    *,
    stores: int = 3,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    orders_per_day: float | None = None,
    seed: int = 0,
) -> SampleSummary:
    """Write a deterministic sample dataset, one Parquet file per table, into ``path``.

    Parameters
    ----------
    path : str or os.PathLike
        Directory to write to (created when missing). Existing table files are replaced
        atomically (written to a temporary file, then renamed); other files are left alone.
    stores : int, default 3
        Number of stores, 1 to 999. Store ``i`` is ``shop01``, ``shop02``, … (three digits
        past 99), in the i-th of eight profiles (Asia/Shanghai CNY tmall, America/New_York
        USD, Europe/Berlin EUR, Asia/Tokyo JPY, Europe/London GBP, Australia/Sydney AUD,
        America/Los_Angeles USD, Asia/Singapore SGD) with a size factor of its own.
    start, end : str or datetime.date, optional
        First and last local day, inclusive (ISO dates); default 2023-12-01 and 2025-11-30.
    orders_per_day : float, optional
        Mean orders a day of a store of size 1 on an ordinary day (default 40: about
        100,000 orders for the default three stores over two years). Campaign days, the
        season and the trend move the daily number around this mean.
    seed : int, default 0
        Random seed. The same arguments write byte-identical files; store, campaign and
        product ids do not depend on the seed.

    Returns
    -------
    SampleSummary
        ``path``, ``rows`` (table → number of rows), ``stores`` (ids), ``start``, ``end``,
        ``seed`` and ``files``; ``str()`` gives a readable summary.

    Notes
    -----
    Tables and columns are those of DESIGN §2, optional columns included. Timestamps are
    naive store-local wall time and dates local midnight (both ``timestamp[us]``), money
    ``float64`` in the store's currency (rounded to its minor unit), ids strings:
    ``<store_id>-<8 digits>`` for orders, ``<store_id>-c<number>`` for customers,
    ``<store_id>-sku<3 digits>``, ``<store_id>-r<8 digits>`` for reviews,
    ``<store_id>-rf<8 digits>`` for refunds,
    ``<store_id>-618-<year>``, ``<store_id>-1111-<year>`` and (outside China)
    ``<store_id>-bf-<year>`` for campaigns.
    Order lines carry the list ``unit_price`` and the line's share of the order discount
    (``discount_amount``), as platform exports do (Shopify ``Lineitem price`` and
    ``Lineitem discount``), so that ``gross_amount`` = Σ quantity × unit_price and the
    order's ``discount_amount`` is the sum over its lines. ``fx_rates`` gives CNY per unit of each store currency every day.
    ``orders.shipping_cost`` (what shipping cost the store) is recorded by the Shopify stores
    for shipped orders, as Shopify Shipping labels are, and null elsewhere: the other stores
    rely on ``fulfilment_cost_per_order`` in their params (DESIGN §5 "Profit").

    Examples
    --------
    >>> import tempfile
    >>> from ecanalysis.sample import write_sample
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     summary = write_sample(tmp, stores=2, start="2025-06-01", end="2025-06-30",
    ...                            orders_per_day=5)
    >>> summary.stores
    ('shop01', 'shop02')
    >>> summary.rows["campaigns"]
    2
    """
    first, last = _parse_date(start, DEFAULT_START, "start"), _parse_date(end, DEFAULT_END, "end")
    if last < first:
        raise ParameterError(f"sample: end {last} is before start {first}; swap them.")
    if isinstance(stores, bool) or not isinstance(stores, int) or not 1 <= stores <= 999:
        raise ParameterError(f"sample: stores must be a whole number from 1 to 999, got {stores!r}")
    rate = DEFAULT_ORDERS_PER_DAY if orders_per_day is None else float(orders_per_day)
    if not np.isfinite(rate) or rate <= 0:
        raise ParameterError(
            f"sample: orders_per_day must be a positive number, got {orders_per_day!r}"
        )
    out = _prepare_dir(Path(path))
    shops = [_make_store(i, stores) for i in range(stores)]
    rows = dict.fromkeys(TABLES, 0)
    with _AtomicWriters(out) as writers:
        writers.write("stores", _stores_table(shops))
        for shop in shops:
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(shop.index + 1,)))
            # Shipping costs draw from a stream of their own, so that adding them moved no
            # other number of the sample.
            cost_rng = np.random.default_rng(
                np.random.SeedSequence(seed, spawn_key=(shop.index + 1, _SHIPPING_COST_STREAM))
            )
            # The second-round tables (refunds, product_traffic, stock_levels) and product
            # columns draw from a third stream: adding them changed no earlier number.
            extra_rng = np.random.default_rng(
                np.random.SeedSequence(seed, spawn_key=(shop.index + 1, _SECOND_ROUND_STREAM))
            )
            tables = _store_tables(rng, shop, first, last, rate, cost_rng, extra_rng)
            for name, table in tables.items():
                writers.write(name, table)
        currencies = sorted({shop.profile.currency for shop in shops})
        fx_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
        writers.write("fx_rates", _fx_table(fx_rng, currencies, first, last))
        files = writers.commit()
    rows.update(writers.rows)
    return SampleSummary(out, rows, tuple(s.store_id for s in shops), first, last, seed, files)


# ---------------------------------------------------------------------------------------------
# arguments, stores, files


def _parse_date(value: str | dt.date | None, default: dt.date, name: str) -> dt.date:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(
            f"sample: {name}={value!r} is not an ISO date; write it as YYYY-MM-DD (e.g. 2025-11-30)."
        ) from None


def _prepare_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise DataError(f"sample: {path} exists and is not a directory; choose a directory.")
    path.mkdir(parents=True, exist_ok=True)
    clashes = [
        str(path / other)
        for name in TABLES
        for other in (f"{name}.csv", name)
        if (path / other).exists()
    ]
    if clashes:
        raise DataError(
            f"sample: {path} already holds other files of the same tables ({', '.join(clashes)}),"
            " which a dataset may not have twice; remove them or write to an empty directory."
        )
    return path


def _make_store(index: int, count: int) -> _Store:
    width = 2 if count <= 99 else 3
    profile = words.PROFILES[index % len(words.PROFILES)]
    store_id = f"shop{index + 1:0{width}d}"
    return _Store(index, store_id, profile, _SCALES[index % len(_SCALES)])


def _store_name(shop: _Store) -> str:
    cycle = shop.index // len(words.PROFILES)
    return shop.profile.name if cycle == 0 else f"{shop.profile.name} {cycle + 1}"


class _AtomicWriters:
    """One Parquet writer per table into a temporary file (:func:`atomic_write`);
    ``commit`` moves them all in place, an error removes them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[str, int] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._files = ExitStack()

    def __enter__(self) -> _AtomicWriters:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._close()
            self._files.__exit__(exc_type, exc, tb)

    def write(self, name: str, table: pa.Table) -> None:
        if name not in self._writers:
            temp = self._files.enter_context(atomic_write(self.path / f"{name}.parquet"))
            self._writers[name] = pq.ParquetWriter(temp, table.schema, **_PARQUET_OPTIONS)
            self.rows[name] = 0
        self._writers[name].write_table(table, row_group_size=_ROW_GROUP_SIZE)
        self.rows[name] += table.num_rows

    def commit(self) -> tuple[Path, ...]:
        written = [name for name in TABLES if name in self._writers]
        self._close()
        self._files.close()
        return tuple(self.path / f"{name}.parquet" for name in written)

    def _close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


def _stores_table(shops: Sequence[_Store]) -> pa.Table:
    opened = [dt.datetime(2019 + s.index % 4, 1 + (3 * s.index) % 12, 8, 9, 30) for s in shops]
    return pa.table(
        {
            "store_id": pa.array([s.store_id for s in shops], pa.string()),
            "name": pa.array([_store_name(s) for s in shops], pa.string()),
            "timezone": pa.array([s.profile.timezone for s in shops], pa.string()),
            "currency": pa.array([s.profile.currency for s in shops], pa.string()),
            "platform": pa.array([s.profile.platform for s in shops], pa.string()),
            "opened_at": pa.array(opened, pa.timestamp("us")),
        }
    )


# ---------------------------------------------------------------------------------------------
# small vectorised helpers


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` followed by each number zero-padded to ``width`` digits."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _pick(values: Sequence[str], index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Strings ``values[index]`` as an Arrow array; null where ``mask`` is true."""
    picked = pa.array(list(values), pa.string()).take(pa.array(index, pa.int64()))
    if mask is None:
        return picked
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), picked)


def _choice_by_group(
    rng: np.random.Generator, groups: np.ndarray, shares: np.ndarray
) -> np.ndarray:
    """For each row, an index drawn from ``shares[group]`` (rows of probabilities)."""
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(groups.size)
    picked = (draws[:, None] > cumulative[groups]).sum(axis=1)
    return np.minimum(picked, shares.shape[1] - 1)


def _choice(rng: np.random.Generator, size: int, shares: Sequence[float]) -> np.ndarray:
    return _choice_by_group(rng, np.zeros(size, np.int64), np.asarray([shares], float))


def _round_money(values: np.ndarray, decimals: int) -> np.ndarray:
    return np.round(values, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0


def _timestamps(
    seconds: np.ndarray, origin: dt.date, missing: np.ndarray | None = None
) -> pa.Array:
    """Naive local timestamps from seconds since ``origin`` midnight (null where missing)."""
    base = np.datetime64(origin, "us")
    whole = np.floor(np.nan_to_num(seconds)).astype(np.int64)  # whole seconds, as exports show
    stamps = base + (whole * 1_000_000).astype("timedelta64[us]")
    return pa.array(stamps, pa.timestamp("us"), mask=missing)


def _dates(days) -> pa.Array:
    """Local dates as timestamps at local midnight (``date``, campaign ``start``/``end``).

    Written as timestamps rather than Parquet dates, so that pandas and DuckDB read them in
    the dtype of docs/conventions.md without a conversion.
    """
    return pa.array(np.asarray(days, "datetime64[D]").astype("datetime64[us]"), pa.timestamp("us"))


def _group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sums restarted at each group of ``counts`` consecutive values."""
    total = np.cumsum(values)
    starts = np.cumsum(counts) - counts
    before = np.repeat(total[starts] - values[starts], counts)
    return total - before


def _group_starts(keys: np.ndarray) -> np.ndarray:
    """Positions where a sorted key array changes (the first row of each group)."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


# ---------------------------------------------------------------------------------------------
# calendar: campaigns and the daily intensity


def _nov_black_friday(year: int) -> dt.date:
    first = dt.date(year, 11, 1)
    thanksgiving = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thanksgiving + dt.timedelta(days=1)


def _campaigns(shop: _Store, first: dt.date, last: dt.date) -> list[_Campaign]:
    """The store's festival campaigns of every year between ``first`` and ``last``."""
    found = []
    sid, cn = shop.store_id, shop.is_cn
    for year in range(first.year, last.year + 1):
        plans = [
            _Campaign(
                f"{sid}-618-{year}",
                f"{year} 618年中大促" if cn else f"618 Mid-Year Sale {year}",
                dt.date(year, 6, 1),
                dt.date(year, 6, 18),
                "paid_search",
                dt.date(year, 6, 18),
                1.6 if cn else 1.3,
                6.0 if cn else 3.0,
            ),
            _Campaign(
                f"{sid}-1111-{year}",
                f"{year} 双11全球狂欢节" if cn else f"Singles' Day 11.11 {year}",
                dt.date(year, 11, 1),
                dt.date(year, 11, 11),
                "paid_social",
                dt.date(year, 11, 11),
                1.8 if cn else 1.3,
                9.0 if cn else 3.5,
            ),
        ]
        if not cn:
            friday = _nov_black_friday(year)
            plans.append(
                _Campaign(
                    f"{sid}-bf-{year}",
                    f"Black Friday / Cyber Monday {year}",
                    friday,
                    friday + dt.timedelta(days=3),
                    "paid_social",
                    friday,
                    2.2,
                    4.0,
                )
            )
        found += [c for c in plans if c.end >= first and c.start <= last]
    return found


def _intensity(shop: _Store, days: np.ndarray, campaigns: Sequence[_Campaign]) -> np.ndarray:
    """Relative demand of each day: weekday × season × trend × holidays × campaigns."""
    stamps = days.astype("datetime64[D]")
    weekday = (stamps.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    day_of_year = (stamps - stamps.astype("datetime64[Y]")).astype(np.int64)
    season = 1 + 0.12 * np.cos(2 * np.pi * (day_of_year - 350) / 365.25)
    years = (stamps - stamps[_BURN_IN_DAYS]).astype(np.int64) / 365.25
    s = _WEEKDAY[weekday] * season * np.exp(0.14 * years)
    if shop.is_cn:
        for new_year in words.CHINESE_NEW_YEAR:
            offset = (stamps - np.datetime64(new_year, "D")).astype(np.int64)
            s *= 1 - 0.55 * np.exp(-(((offset - 1) / 6.0) ** 2))
    for campaign in campaigns:
        s *= _campaign_lift(stamps, campaign)
    return s / s[_BURN_IN_DAYS:].mean()


def _campaign_lift(stamps: np.ndarray, campaign: _Campaign) -> np.ndarray:
    start, end = np.datetime64(campaign.start, "D"), np.datetime64(campaign.end, "D")
    peak = np.datetime64(campaign.peak, "D")
    lift = np.ones(stamps.size)
    lift[(stamps >= start) & (stamps <= end)] = campaign.lift
    lift[(stamps >= peak - 2) & (stamps < peak)] = (campaign.lift + campaign.peak_lift) / 2
    lift[stamps == peak] = campaign.peak_lift
    # buyers wait for the festival before it and have bought already after it
    lift[(stamps >= start - 7) & (stamps < start)] = 0.88
    lift[(stamps > end) & (stamps <= end + 5)] = 0.9
    return lift


def _campaign_of_day(days: np.ndarray, campaigns: Sequence[_Campaign]) -> np.ndarray:
    """Index into ``campaigns`` of the campaign running each day, -1 for none."""
    found = np.full(days.size, -1)
    for i, campaign in enumerate(campaigns):
        start, end = np.datetime64(campaign.start, "D"), np.datetime64(campaign.end, "D")
        found[(days >= start) & (days <= end)] = i
    return found


# ---------------------------------------------------------------------------------------------
# one store


def _store_tables(
    rng: np.random.Generator,
    shop: _Store,
    first: dt.date,
    last: dt.date,
    rate: float,
    cost_rng: np.random.Generator,
    extra_rng: np.random.Generator,
) -> dict[str, pa.Table]:
    """Every table but ``stores`` and ``fx_rates`` for one store, from its own generator.

    Day indices count from ``origin``, a year of burn-in before ``first``; only orders
    from ``first`` on are kept (the burn-in gives returning customers from the first day).
    """
    origin = first - dt.timedelta(days=_BURN_IN_DAYS)
    days = np.arange(np.datetime64(origin, "D"), np.datetime64(last, "D") + 1)
    campaigns = _campaigns(shop, origin, last)
    intensity = _intensity(shop, days, campaigns)
    campaign_day = _campaign_of_day(days, campaigns)
    shown = [c for c in campaigns if c.end >= first]
    products = _products(rng, shop, first, last)
    orders = _orders(rng, shop, intensity, campaign_day, rate)
    orders = _drop_burn_in(orders)
    items = _order_items(rng, shop, orders, products, campaign_day)
    _settle(rng, shop, orders, items, days.size, campaign_day)
    orders["shipping_cost"] = _shipping_cost(cost_rng, shop, orders)
    campaign_ids = [c.campaign_id for c in campaigns]
    tables = {
        "orders": _orders_table(shop, orders, campaign_day, campaign_ids, origin),
        "order_items": _items_table(shop, items),
        "products": _products_table(rng, shop, products, items, days.size - _BURN_IN_DAYS, first),
    }
    traffic = _traffic(rng, shop, orders, days.size)
    tables["traffic"] = _traffic_table(shop, traffic, days)
    spend = _ad_spend(rng, shop, orders, traffic, days, intensity, campaign_day, campaign_ids)
    tables["ad_spend"] = spend
    tables["campaigns"] = _campaigns_table(shop, shown, spend)
    tables["reviews"] = _reviews_table(rng, shop, orders, items, products, days.size, origin)
    shown_days = days.size - _BURN_IN_DAYS
    tables["products"] = _with_supply_columns(extra_rng, shop, tables["products"])
    tables["refunds"] = _refunds_table(extra_rng, shop, orders, items, products, origin)
    sales = _daily_sku_sales(orders, items, products["price"].size, shown_days)
    tables["product_traffic"] = _product_traffic_table(
        extra_rng, shop, sales, products, first, shown_days
    )
    end_stock = tables["products"].column("stock_on_hand").to_numpy()
    tables["stock_levels"] = _stock_levels_table(
        extra_rng, shop, sales, products, end_stock, first, shown_days
    )
    return tables


# customers and orders ------------------------------------------------------------------------


def _orders(
    rng: np.random.Generator,
    shop: _Store,
    intensity: np.ndarray,
    campaign_day: np.ndarray,
    rate: float,
) -> dict[str, np.ndarray]:
    """Order skeleton: day, second of day, customer and whether it is the first order.

    New customers arrive on day d as Poisson(ν·s_d). Each buys again at a gamma-distributed
    rate in operational time u = ∫s (an inhomogeneous Poisson process in real time) until
    dropping out, with probability p after each repeat purchase (BG/NBD).
    """
    per_day = rate * shop.scale / _ORDERS_PER_CUSTOMER
    arrivals = rng.poisson(per_day * intensity)
    first_day = np.repeat(np.arange(intensity.size), arrivals)
    n = first_day.size
    operational = np.r_[0.0, np.cumsum(intensity)]
    campaign_acquired = campaign_day[first_day] >= 0
    purchase_rate = rng.gamma(_RATE_SHAPE, _RATE_SCALE, n)
    purchase_rate[campaign_acquired] *= _CAMPAIGN_RATE_FACTOR
    dropout = rng.beta(_DROPOUT_A, _DROPOUT_B, n)
    dropout[campaign_acquired] = rng.beta(*_CAMPAIGN_DROPOUT, campaign_acquired.sum())
    repeats = np.minimum(rng.geometric(dropout), 50)
    owner = np.repeat(np.arange(n), repeats)
    gaps = rng.exponential(1.0, owner.size) / np.maximum(purchase_rate[owner], 1e-9)
    u_first = operational[first_day] + rng.random(n) * intensity[first_day]
    u_repeat = u_first[owner] + _group_cumsum(gaps, repeats)
    inside = u_repeat < operational[-1]
    repeat_day = np.searchsorted(operational, u_repeat[inside], side="right") - 1
    day = np.r_[first_day, repeat_day]
    customer = np.r_[np.arange(n), owner[inside]]
    is_first = np.r_[np.ones(n, bool), np.zeros(repeat_day.size, bool)]
    second = _second_of_day(rng, day.size)
    order = np.lexsort((customer, second, day))
    return {
        "day": day[order],
        "second": second[order],
        "customer": customer[order],
        "is_first": is_first[order],
    }


def _second_of_day(rng: np.random.Generator, size: int) -> np.ndarray:
    hour = _choice(rng, size, _HOURS)
    return hour * 3600 + rng.integers(0, 3600, size)


def _drop_burn_in(orders: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    keep = orders["day"] >= _BURN_IN_DAYS
    kept = {name: values[keep] for name, values in orders.items()}
    # customers numbered densely in order of their first order in the whole history
    _, kept["customer"] = np.unique(kept["customer"], return_inverse=True)
    return kept


# products --------------------------------------------------------------------------------------


def _products(
    rng: np.random.Generator, shop: _Store, first: dt.date, last: dt.date
) -> dict[str, np.ndarray]:
    """Catalogue of 60–150 SKUs with price, cost, listing date, status and popularity."""
    categories = words.CATEGORIES_CN if shop.is_cn else words.CATEGORIES_EN
    count = int(rng.integers(60, 151))
    chosen = rng.choice(len(categories), size=int(rng.integers(5, 9)), replace=False)
    category = np.sort(chosen)[rng.integers(0, chosen.size, count)]
    low = np.array([categories[c][1][0] for c in category], float)
    high = np.array([categories[c][1][1] for c in category], float)
    usd = np.exp(rng.uniform(np.log(low), np.log(high)))
    price = _list_price(usd * shop.profile.price_scale, shop)
    unit_cost = _round_money(price * rng.uniform(0.55, 0.65, count), shop.profile.decimals)
    # one cost entered wrongly, above the price: an anomaly for the store inspection
    wrong = int(rng.integers(0, count))
    unit_cost[wrong] = _round_money(price[wrong] * 1.08, shop.profile.decimals)
    span = (last - first).days
    listed_day = -rng.integers(30, 900, count)  # days since ``first``
    newcomers = rng.random(count) < 0.12
    listed_day[newcomers] = rng.integers(0, max(span, 1), newcomers.sum())
    weight = (1.0 + rng.permutation(count)) ** -1.1  # Zipf popularity
    delisted = np.zeros(count, bool)
    delisted[rng.choice(count, size=int(rng.integers(3, 6)), replace=False)] = True
    never_sold = ~delisted & ~newcomers & (rng.random(count) < 0.06)
    never_sold[np.flatnonzero(~delisted & ~newcomers)[:2]] = True  # at least two
    weight[delisted | never_sold] = 0.0
    bad = rng.random(count) < 0.06
    bad[np.argsort(-weight)[9]] = True  # one popular product rated poorly
    return {
        "category": category,
        "title": _titles(rng, shop, category),
        "price": price,
        "unit_cost": unit_cost,
        "listed_day": listed_day,
        "delisted": delisted,
        "weight": weight / weight.sum(),
        "bad": bad,
    }


def _list_price(values: np.ndarray, shop: _Store) -> np.ndarray:
    """Shelf prices: ¥x9 for the Chinese store, whole tens of yen, x.99 elsewhere."""
    if shop.profile.currency == "JPY":
        return np.maximum(np.round(values / 10) * 10 - 20, 100.0)
    if shop.is_cn:
        return np.maximum(np.floor(values / 10) * 10 + 9, 9.0)
    return np.maximum(np.floor(values) + 0.99, 0.99)


def _titles(rng: np.random.Generator, shop: _Store, category: np.ndarray) -> list[str]:
    if shop.is_cn:
        categories, adjectives, colors, joint = (
            words.CATEGORIES_CN,
            words.ADJECTIVES_CN,
            words.COLORS_CN,
            "",
        )
    else:
        categories, adjectives, colors, joint = (
            words.CATEGORIES_EN,
            words.ADJECTIVES_EN,
            words.COLORS_EN,
            " ",
        )
    titles = []
    for c in category:
        nouns = categories[c][2]
        noun = nouns[int(rng.integers(0, len(nouns)))]
        adjective = adjectives[int(rng.integers(0, len(adjectives)))]
        color = colors[int(rng.integers(0, len(colors)))]
        titles.append(
            f"{adjective}{joint}{noun} {color}" if shop.is_cn else f"{adjective} {noun}, {color}"
        )
    return titles


# order lines and amounts --------------------------------------------------------------------------


def _order_items(
    rng: np.random.Generator,
    shop: _Store,
    orders: dict[str, np.ndarray],
    products: dict[str, np.ndarray],
    campaign_day: np.ndarray,
) -> dict[str, np.ndarray]:
    """1–4 lines an order: SKUs by popularity (listed by then), quantity, allocated discount."""
    n = orders["day"].size
    lines = _choice(rng, n, _LINES_PER_ORDER) + 1
    order = np.repeat(np.arange(n), lines)
    line_no = np.arange(order.size) - np.repeat(np.cumsum(lines) - lines, lines) + 1
    cumulative = np.cumsum(products["weight"])
    sku = np.minimum(np.searchsorted(cumulative, rng.random(order.size)), cumulative.size - 1)
    # a product sells only after it is listed: redraw from the products listed from the start
    day_since_first = orders["day"][order] - _BURN_IN_DAYS
    early = day_since_first < products["listed_day"][sku]
    if early.any():
        old = np.where(products["listed_day"] <= 0, products["weight"], 0.0)
        redrawn = np.searchsorted(np.cumsum(old / old.sum()), rng.random(early.sum()))
        sku[early] = np.minimum(redrawn, cumulative.size - 1)
    quantity = _choice(rng, order.size, _QUANTITY) + 1
    in_campaign = campaign_day[orders["day"]] >= 0
    discounted = rng.random(n) < np.where(in_campaign, 0.8, 0.3)
    depth = np.where(in_campaign, rng.uniform(0.10, 0.30, n), rng.uniform(0.05, 0.15, n))
    order_rate = np.where(discounted, depth, 0.0)
    decimals = shop.profile.decimals
    list_price = products["price"][sku]
    unit_discount = _round_money(list_price * order_rate[order], decimals)
    return {
        "order": order,
        "line_no": line_no,
        "sku": sku,
        "quantity": quantity,
        "unit_price": _round_money(list_price, decimals),
        "unit_cost": products["unit_cost"][sku],
        "discount_amount": _round_money(unit_discount * quantity, decimals),
        "list_value": list_price * quantity,
    }


def _settle(
    rng: np.random.Generator,
    shop: _Store,
    orders: dict[str, np.ndarray],
    items: dict[str, np.ndarray],
    total_days: int,
    campaign_day: np.ndarray,
) -> None:
    """Add amounts, channel, device, status and payment/refund times to ``orders``."""
    n = orders["day"].size
    decimals = shop.profile.decimals

    def per_order(values: np.ndarray) -> np.ndarray:
        return np.bincount(items["order"], weights=values, minlength=n)

    gross = _round_money(per_order(items["list_value"]), decimals)
    discount = _round_money(per_order(items["discount_amount"]), decimals)
    orders["gross_amount"] = gross
    orders["discount_amount"] = discount
    orders["item_count"] = per_order(items["quantity"]).astype(np.int64)
    orders["cost_amount"] = _round_money(
        per_order(items["unit_cost"] * items["quantity"]), decimals
    )
    orders["shipping_amount"] = _shipping(rng, shop, gross - discount)
    paid = _round_money(gross - discount + orders["shipping_amount"], decimals)
    orders["paid_amount"] = np.maximum(paid, 0.0)
    in_campaign = campaign_day[orders["day"]] >= 0
    group = 2 * (~orders["is_first"]) + in_campaign
    shares = np.array(
        [_CHANNEL_SHARES[(new, camp)] for new in (True, False) for camp in (False, True)]
    )
    orders["channel"] = _choice_by_group(rng, group.astype(np.int64), shares)
    _, device_shares = shop.devices
    orders["device"] = _choice(rng, n, device_shares)
    _status_and_times(rng, shop, orders, total_days)


def _shipping(rng: np.random.Generator, shop: _Store, goods: np.ndarray) -> np.ndarray:
    """Free shipping over a threshold; a flat fee below it (most Chinese orders ship free)."""
    scale = shop.profile.price_scale
    if shop.is_cn:
        fee = np.where(rng.random(goods.size) < 0.1, 10.0, 0.0)
    else:
        fee = np.where(
            goods >= 50 * scale, 0.0, _list_price(np.full(goods.size, 5.0 * scale), shop)
        )
    return _round_money(fee, shop.profile.decimals)


def _shipping_cost(
    rng: np.random.Generator, shop: _Store, orders: dict[str, np.ndarray]
) -> np.ndarray:
    """What shipping an order cost the store, for platforms whose export records it.

    Shopify stores buy labels through Shopify Shipping, so their orders carry the label
    cost once shipped (shipped, completed or refunded afterwards); the other stores' exports
    have no such column (all NaN) and rely on the per-order cost in their params. A label
    costs about 6 (USD-equivalent) plus 1.2 a further item, times a log-normal spread.
    """
    n = orders["day"].size
    spread = rng.lognormal(0.0, 0.25, n)
    if shop.profile.platform not in _RECORDS_SHIPPING_COST:
        return np.full(n, np.nan)
    items = np.maximum(orders["item_count"], 1)
    cost = (6.0 + 1.2 * (items - 1)) * spread * shop.profile.price_scale
    shipped = np.isin(orders["status"], _SHIPPED_STATUS_CODES)
    return np.where(shipped, _round_money(cost, shop.profile.decimals), np.nan)


def _status_and_times(
    rng: np.random.Generator, shop: _Store, orders: dict[str, np.ndarray], total_days: int
) -> None:
    """Status mix, payment seconds after the order, refunds days to weeks after payment.

    Times are seconds since the burn-in origin; nothing may happen after the last day
    (an export taken at its end): such payments stay unpaid, such refunds not yet made.
    """
    n = orders["day"].size
    horizon = total_days * 86400.0
    ordered = orders["day"] * 86400.0 + orders["second"]
    kind = _choice(rng, n, [0.03, 0.04, 0.03, 0.03, 0.87])  # placed cancelled ref part rest
    delay = np.minimum(rng.lognormal(np.log(120), 1.6, n), 6 * 3600.0)
    paid_at = ordered + delay
    unpaid = (kind == 0) | ((kind == 1) & (rng.random(n) < 0.55)) | (paid_at >= horizon)
    paid_at[unpaid] = np.nan
    age = (horizon - paid_at) / 86400.0
    fulfilled = np.where(age < rng.uniform(1, 3, n), 1, np.where(age < rng.uniform(7, 15, n), 2, 3))
    status = np.where(kind == 1, 4, np.where(unpaid, 0, fulfilled))
    refunded_at = paid_at + rng.lognormal(np.log(6), 0.7, n) * 86400.0
    refunds = (kind >= 2) & (kind <= 3) & ~unpaid & (refunded_at < horizon)
    status = np.where(refunds, np.where(kind == 2, 5, 6), status)
    share = np.where(kind == 2, 1.0, rng.uniform(0.1, 0.6, n))
    decimals = shop.profile.decimals
    refund = np.where(refunds, _round_money(orders["paid_amount"] * share, decimals), 0.0)
    orders["refund_amount"] = np.minimum(refund, orders["paid_amount"])
    orders["ordered_s"] = ordered
    orders["paid_s"] = paid_at
    orders["refunded_s"] = np.where(refunds, refunded_at, np.nan)
    orders["status"] = status


def _orders_table(
    shop: _Store,
    orders: dict[str, np.ndarray],
    campaign_day: np.ndarray,
    campaign_ids: Sequence[str],
    origin: dt.date,
) -> pa.Table:
    n = orders["day"].size
    campaign = campaign_day[orders["day"]]
    sid = shop.store_id
    return pa.table(
        {
            "order_id": _ids(f"{sid}-", np.arange(1, n + 1), 8),
            "store_id": _pick([sid], np.zeros(n, np.int64)),
            "customer_id": _ids(f"{sid}-c", orders["customer"] + 1, 6),
            "ordered_at": _timestamps(orders["ordered_s"], origin),
            "paid_at": _timestamps(orders["paid_s"], origin, np.isnan(orders["paid_s"])),
            "status": _pick(STATUSES, orders["status"]),
            "channel": _pick(CHANNELS, orders["channel"]),
            "device": _pick(shop.devices[0], orders["device"]),
            "item_count": pa.array(orders["item_count"], pa.int64()),
            "gross_amount": pa.array(orders["gross_amount"], pa.float64()),
            "discount_amount": pa.array(orders["discount_amount"], pa.float64()),
            "shipping_amount": pa.array(orders["shipping_amount"], pa.float64()),
            "paid_amount": pa.array(orders["paid_amount"], pa.float64()),
            "refund_amount": pa.array(orders["refund_amount"], pa.float64()),
            "refunded_at": _timestamps(
                orders["refunded_s"], origin, np.isnan(orders["refunded_s"])
            ),
            "cost_amount": pa.array(orders["cost_amount"], pa.float64()),
            "campaign_id": _pick(list(campaign_ids) or [""], np.maximum(campaign, 0), campaign < 0),
            "currency": _pick([shop.profile.currency], np.zeros(n, np.int64)),
            "shipping_cost": pa.array(
                orders["shipping_cost"], pa.float64(), mask=np.isnan(orders["shipping_cost"])
            ),
        }
    )


def _items_table(shop: _Store, items: dict[str, np.ndarray]) -> pa.Table:
    return pa.table(
        {
            "order_id": _ids(f"{shop.store_id}-", items["order"] + 1, 8),
            "line_no": pa.array(items["line_no"], pa.int64()),
            "sku": _ids(f"{shop.store_id}-sku", items["sku"] + 1, 3),
            "quantity": pa.array(items["quantity"], pa.int64()),
            "unit_price": pa.array(items["unit_price"], pa.float64()),
            "unit_cost": pa.array(items["unit_cost"], pa.float64()),
            "discount_amount": pa.array(items["discount_amount"], pa.float64()),
        }
    )


# products table ----------------------------------------------------------------------------------


def _products_table(
    rng: np.random.Generator,
    shop: _Store,
    products: dict[str, np.ndarray],
    items: dict[str, np.ndarray],
    days: int,
    first: dt.date,
) -> pa.Table:
    """Catalogue with stock on hand at the end: mostly weeks of cover, some low, some none."""
    count = products["price"].size
    units_a_day = np.bincount(items["sku"], weights=items["quantity"], minlength=count) / days
    cover_days = rng.uniform(12, 90, count)
    selling = np.flatnonzero(units_a_day > 0)
    low = rng.choice(selling, size=min(3, selling.size), replace=False)
    cover_days[low] = rng.uniform(1, 5, low.size)
    stock = np.round(units_a_day * cover_days + rng.integers(0, 15, count)).astype(np.int64)
    out_of_stock = rng.choice(count, size=max(2, count // 20), replace=False)
    stock[out_of_stock] = 0
    stock[products["delisted"]] = 0
    listed_s = products["listed_day"] * 86400.0 + rng.integers(9 * 3600, 18 * 3600, count)
    sid = shop.store_id
    categories = words.CATEGORIES_CN if shop.is_cn else words.CATEGORIES_EN
    return pa.table(
        {
            "store_id": _pick([sid], np.zeros(count, np.int64)),
            "sku": _ids(f"{sid}-sku", np.arange(1, count + 1), 3),
            "title": pa.array(products["title"], pa.string()),
            "category": _pick([c[0] for c in categories], products["category"]),
            "price": pa.array(products["price"], pa.float64()),
            "unit_cost": pa.array(products["unit_cost"], pa.float64()),
            "stock_on_hand": pa.array(stock, pa.int64()),
            "listed_at": _timestamps(listed_s, first),
            "status": _pick(("listed", "delisted"), products["delisted"].astype(np.int64)),
        }
    )


# traffic and ad spend ------------------------------------------------------------------------------


def _traffic(
    rng: np.random.Generator, shop: _Store, orders: dict[str, np.ndarray], total_days: int
) -> dict[str, np.ndarray]:
    """Visitors and their steps per (day, source, device), consistent with the orders.

    Visitors ≈ orders / conversion of the source and device (so conversion is ~3%), never
    fewer than orders; cart visitors never fewer than orders either.
    """
    devices = shop.devices[0]
    days = total_days - _BURN_IN_DAYS
    shape = (days, len(CHANNELS), len(devices))
    cell = np.ravel_multi_index(
        (orders["day"] - _BURN_IN_DAYS, orders["channel"], orders["device"]), shape
    )
    placed = np.bincount(cell, minlength=int(np.prod(shape))).reshape(shape)
    conversion = np.array([_CONVERSION[c] for c in CHANNELS])[:, None] * np.array(
        [_DEVICE_CONVERSION[d] for d in devices]
    )
    visitors = np.maximum(rng.poisson((placed + 0.3) / conversion), placed)
    new_share = np.array([0.35, 0.70, 0.65, 0.75, 0.10, 0.80])[:, None]
    bounce = np.array([0.30, 0.42, 0.45, 0.55, 0.28, 0.65])[:, None]
    sessions = visitors + rng.poisson(visitors * 0.22)
    pageviews = sessions + rng.poisson(sessions * 3.2)
    cart = np.maximum(rng.binomial(visitors, 0.09), placed)
    return {
        "placed": placed,
        "visitors": visitors,
        "sessions": sessions,
        "pageviews": pageviews,
        "new_visitors": rng.binomial(visitors, np.broadcast_to(new_share, shape)),
        "bounces": rng.binomial(sessions, np.broadcast_to(bounce, shape)),
        "time_on_site_s": np.round(sessions * rng.gamma(25.0, 7.2, shape)),
        "cart_visitors": cart,
        "product_views": np.maximum(rng.binomial(pageviews, 0.45), cart),
    }


def _traffic_table(shop: _Store, traffic: dict[str, np.ndarray], days: np.ndarray) -> pa.Table:
    shape = traffic["visitors"].shape
    day, source, device = (index.ravel() for index in np.indices(shape))
    counts = {
        name: pa.array(traffic[name].ravel(), pa.int64())
        for name in ("visitors", "sessions", "pageviews", "new_visitors", "bounces")
    }
    return pa.table(
        {
            "store_id": _pick([shop.store_id], np.zeros(day.size, np.int64)),
            "date": _dates(days[_BURN_IN_DAYS:][day]),
            "source": _pick(CHANNELS, source),
            "device": _pick(shop.devices[0], device),
            **counts,
            "time_on_site_s": pa.array(traffic["time_on_site_s"].ravel(), pa.float64()),
            "cart_visitors": pa.array(traffic["cart_visitors"].ravel(), pa.int64()),
            "product_views": pa.array(traffic["product_views"].ravel(), pa.int64()),
        }
    )


def _ad_spend(
    rng: np.random.Generator,
    shop: _Store,
    orders: dict[str, np.ndarray],
    traffic: dict[str, np.ndarray],
    days: np.ndarray,
    intensity: np.ndarray,
    campaign_day: np.ndarray,
    campaign_ids: Sequence[str],
) -> pa.Table:
    """Daily spend of the paid channels at a channel ROAS (affiliate below 1), more in campaigns."""
    in_range = slice(_BURN_IN_DAYS, None)
    paid = ~np.isnan(orders["paid_s"]) & (orders["status"] != 4)
    columns: dict[str, list] = {name: [] for name in ("channel", "spend", "clicks", "impressions")}
    day_count = days.size - _BURN_IN_DAYS
    campaign = campaign_day[in_range]
    for channel in PAID_CHANNELS:
        c = CHANNELS.index(channel)
        revenue = orders["paid_amount"][paid & (orders["channel"] == c)].sum()
        per_unit = revenue / intensity[in_range].sum()
        boost = np.where(campaign >= 0, 1.25, 1.0)
        noise = rng.lognormal(0.0, 0.15, day_count)
        spend = per_unit * intensity[in_range] * boost * noise / _ROAS[channel]
        visitors = traffic["visitors"][:, c, :].sum(axis=1)
        clicks = visitors + rng.poisson(visitors * 0.12)
        columns["channel"].append(np.full(day_count, c))
        columns["spend"].append(_round_money(spend, shop.profile.decimals))
        columns["clicks"].append(clicks)
        columns["impressions"].append(clicks + rng.poisson(clicks * (1 / _CTR[channel] - 1)))
    stacked = {name: np.concatenate(values) for name, values in columns.items()}
    day = np.tile(np.arange(day_count), len(PAID_CHANNELS))
    order = np.lexsort((stacked["channel"], day))
    campaign_of_row = campaign[day[order]]
    return pa.table(
        {
            "store_id": _pick([shop.store_id], np.zeros(day.size, np.int64)),
            "date": _dates(days[in_range][day[order]]),
            "channel": _pick(CHANNELS, stacked["channel"][order]),
            "spend": pa.array(stacked["spend"][order], pa.float64()),
            "impressions": pa.array(stacked["impressions"][order], pa.int64()),
            "clicks": pa.array(stacked["clicks"][order], pa.int64()),
            "campaign_id": _pick(
                list(campaign_ids) or [""], np.maximum(campaign_of_row, 0), campaign_of_row < 0
            ),
        }
    )


def _campaigns_table(shop: _Store, campaigns: Sequence[_Campaign], spend: pa.Table) -> pa.Table:
    """Campaign calendar; the budget is the planned spend, a little above what was spent."""
    by_campaign = spend.group_by("campaign_id").aggregate([("spend", "sum")])
    spent = dict(
        zip(
            by_campaign["campaign_id"].to_pylist(),
            by_campaign["spend_sum"].to_pylist(),
            strict=True,
        )
    )
    step = -4 if shop.profile.currency == "JPY" else -2
    budgets = [round(spent.get(c.campaign_id, 0.0) * 1.1, step) + 0.0 for c in campaigns]
    return pa.table(
        {
            "campaign_id": pa.array([c.campaign_id for c in campaigns], pa.string()),
            "store_id": pa.array([shop.store_id] * len(campaigns), pa.string()),
            "name": pa.array([c.name for c in campaigns], pa.string()),
            "start": _dates([c.start for c in campaigns]),
            "end": _dates([c.end for c in campaigns]),
            "budget": pa.array(budgets, pa.float64()),
            "channel": pa.array([c.channel for c in campaigns], pa.string()),
            "kind": pa.array(["festival"] * len(campaigns), pa.string()),
        }
    )


# reviews -------------------------------------------------------------------------------------------


def _reviews_table(
    rng: np.random.Generator,
    shop: _Store,
    orders: dict[str, np.ndarray],
    items: dict[str, np.ndarray],
    products: dict[str, np.ndarray],
    total_days: int,
    origin: dt.date,
) -> pa.Table:
    """Reviews of ~15% of delivered orders, after delivery, on the order's first line."""
    status = orders["status"]
    refunded = (status == 5) | (status == 6)
    delivered = (status == 2) | (status == 3) | refunded
    chance = np.where(refunded, 0.2, 0.15)
    created = orders["paid_s"] + rng.lognormal(np.log(6), 0.5, status.size) * 86400.0
    chosen = delivered & (rng.random(status.size) < chance) & (created < total_days * 86400.0)
    order = np.flatnonzero(chosen)
    order = order[np.argsort(created[order], kind="stable")]
    first_line = _group_starts(items["order"])[order]
    sku = items["sku"][first_line]
    bad_sku = products["bad"][sku]
    group = np.where(bad_sku, 0, np.where(refunded[order], 1, 2))
    rating = 1 + _choice_by_group(rng, group, np.array(list(_RATING_SHARES.values())))
    reason = _reasons(rng, shop, rating, bad_sku)
    n = order.size
    labels = words.REASONS_CN if shop.is_cn else words.REASONS_EN
    return pa.table(
        {
            "review_id": _ids(f"{shop.store_id}-r", np.arange(1, n + 1), 8),
            "store_id": _pick([shop.store_id], np.zeros(n, np.int64)),
            "created_at": _timestamps(created[order], origin),
            "rating": pa.array(rating, pa.int64()),
            "sku": _ids(f"{shop.store_id}-sku", sku + 1, 3),
            "order_id": _ids(f"{shop.store_id}-", order + 1, 8),
            **_dsr(rng, shop, rating, reason),
            "reason": _pick(labels, np.maximum(reason, 0), reason < 0),
            "text": _review_texts(rng, shop, rating, reason),
        }
    )


def _reasons(
    rng: np.random.Generator, shop: _Store, rating: np.ndarray, bad_sku: np.ndarray
) -> np.ndarray:
    """Index of the reason of each bad review (rating ≤ 3; 85% give one), -1 for none."""
    store_key = "slow" if shop.slow_logistics else "other"
    group = np.where(bad_sku, 0, 1)
    shares = np.array([_REASON_SHARES["sku"], _REASON_SHARES[store_key]])
    reason = _choice_by_group(rng, group, shares)
    given = (rating <= 3) & (rng.random(rating.size) < 0.85)
    return np.where(given, reason, -1)


def _dsr(
    rng: np.random.Generator, shop: _Store, rating: np.ndarray, reason: np.ndarray
) -> dict[str, pa.Array]:
    """Detailed seller ratings 1–5: item follows the rating; service and logistics their own."""
    n = rating.size
    item = np.clip(rating + _choice(rng, n, [0.1, 0.8, 0.1]) - 1, 1, 5)
    service = 1 + _choice(rng, n, [0.005, 0.005, 0.02, 0.07, 0.90])
    slow = (
        [0.03, 0.04, 0.10, 0.25, 0.58] if shop.slow_logistics else [0.002, 0.003, 0.01, 0.035, 0.95]
    )
    logistics = 1 + _choice(rng, n, slow)
    service = np.where(reason == 3, 1 + _choice(rng, n, [0.5, 0.5]), service)
    logistics = np.where(reason == 0, 1 + _choice(rng, n, [0.4, 0.4, 0.2]), logistics)
    return {
        "dsr_item": pa.array(item.astype(float), pa.float64()),
        "dsr_service": pa.array(service.astype(float), pa.float64()),
        "dsr_logistics": pa.array(logistics.astype(float), pa.float64()),
    }


def _review_texts(
    rng: np.random.Generator, shop: _Store, rating: np.ndarray, reason: np.ndarray
) -> pa.Array:
    texts = words.TEXTS_CN if shop.is_cn else words.TEXTS_EN
    labels = words.REASONS_CN if shop.is_cn else words.REASONS_EN
    keys = ["good", "meh", *labels]
    key = np.where(rating >= 4, 0, np.where(reason < 0, 1, reason + 2))
    sizes = np.array([len(texts[k]) for k in keys])
    offsets = np.cumsum(sizes) - sizes
    variant = (rng.random(rating.size) * sizes[key]).astype(np.int64)
    return _pick([text for k in keys for text in texts[k]], offsets[key] + variant)


# exchange rates -------------------------------------------------------------------------------------


def _fx_table(
    rng: np.random.Generator, currencies: Sequence[str], first: dt.date, last: dt.date
) -> pa.Table:
    """Daily CNY per unit of each currency: a gentle random walk around a typical rate."""
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    base = {p.currency: p.fx_cny for p in words.PROFILES}
    frames = []
    for currency in currencies:
        walk = np.cumsum(rng.normal(0.0, 0.003, days.size)) if currency != "CNY" else 0.0
        rate = np.round(base[currency] * np.exp(walk), 6) * np.ones(days.size)
        frames.append(
            pa.table(
                {
                    "date": _dates(days),
                    "currency": pa.array([currency] * days.size, pa.string()),
                    "rate": pa.array(rate, pa.float64()),
                }
            )
        )
    return pa.concat_tables(frames).sort_by([("date", "ascending"), ("currency", "ascending")])


# ---------------------------------------------------------------------------------------------
# second-round tables: supply columns, refunds, product traffic, stock levels (DESIGN §2).
# Everything here draws from the store's third stream (``_SECOND_ROUND_STREAM``) and reads the
# other tables' arrays without changing them.

#: Refund reason mix (columns follow words.REFUND_REASONS_*) for a poorly rated SKU, the
#: slow-logistics store, and the others; a share of refunds gives no reason at all.
_REFUND_REASON_SHARES = {
    "bad": [0.10, 0.45, 0.30, 0.10, 0.05],
    "slow": [0.15, 0.10, 0.10, 0.20, 0.45],
    "other": [0.35, 0.15, 0.15, 0.27, 0.08],
}
_REFUND_NO_REASON = 0.08
_REFUND_KINDS = ("refund_only", "return_refund")
#: Lead times (days) of Chinese (domestic suppliers) and other stores, with their shares.
_LEAD_TIMES_CN = ((3, 5, 7, 10, 15), [0.2, 0.3, 0.3, 0.15, 0.05])
_LEAD_TIMES = ((7, 14, 21, 30, 45), [0.15, 0.3, 0.25, 0.2, 0.1])
_MIN_ORDER = (10, 20, 50, 100)
_CASE_PACK = (6, 12, 24, 48)
#: Products that never sold still draw this many visitors a day (有访客无支付).
_IDLE_VISITORS = 10.0


def _with_supply_columns(rng: np.random.Generator, shop: _Store, products: pa.Table) -> pa.Table:
    """``products`` with ``lead_time_days``, ``min_order_qty`` and ``case_pack`` added
    (the two last missing for some products, as a supplier that sells by the piece)."""
    count = products.num_rows
    values, shares = _LEAD_TIMES_CN if shop.is_cn else _LEAD_TIMES
    lead = np.asarray(values)[_choice(rng, count, shares)]
    min_order = np.asarray(_MIN_ORDER)[rng.integers(0, len(_MIN_ORDER), count)]
    case_pack = np.asarray(_CASE_PACK)[rng.integers(0, len(_CASE_PACK), count)]
    no_min, no_pack = rng.random(count) < 0.4, rng.random(count) < 0.3
    return (
        products.append_column("lead_time_days", pa.array(lead, pa.int64()))
        .append_column("min_order_qty", pa.array(min_order, pa.int64(), mask=no_min))
        .append_column("case_pack", pa.array(case_pack, pa.int64(), mask=no_pack))
    )


def _refunds_table(
    rng: np.random.Generator,
    shop: _Store,
    orders: dict[str, np.ndarray],
    items: dict[str, np.ndarray],
    products: dict[str, np.ndarray],
    origin: dt.date,
) -> pa.Table:
    """One refund per line of a fully refunded order (its share of ``refund_amount``) and
    one on a random line of a partially refunded one: amounts add up to the order's
    ``refund_amount`` and ``refunded_at`` is the order's (DESIGN §2)."""
    refunded = ~np.isnan(orders["refunded_s"]) & (orders["refund_amount"] > 0)
    full = refunded & (orders["status"] == 5)
    partial = refunded & ~full
    starts = _group_starts(items["order"])
    lines_per_order = np.diff(np.r_[starts, items["order"].size])
    # fully refunded orders: every line, its share of the line values
    line_full = np.flatnonzero(full[items["order"]])
    # partially refunded ones: one line each
    part_orders = np.flatnonzero(partial)
    picked = starts[part_orders] + (rng.random(part_orders.size) * lines_per_order[part_orders])
    line = np.r_[line_full, picked.astype(np.int64)]
    order = items["order"][line]
    amount = _line_refunds(shop, orders, items, line_full, part_orders)
    quantity = np.r_[items["quantity"][line_full], np.ones(part_orders.size, np.int64)]
    # kind and reason per refunded order, shared by its rows
    per_order_kind = np.where(full, rng.random(full.size) < 0.7, rng.random(full.size) < 0.25)
    kind = per_order_kind[order].astype(np.int64)
    sku = items["sku"][line]
    store_key = "slow" if shop.slow_logistics else "other"
    group = np.where(products["bad"][sku], 0, 1)
    shares = np.array([_REFUND_REASON_SHARES["bad"], _REFUND_REASON_SHARES[store_key]])
    reason_of_order = np.full(full.size, -1)
    reason_of_order[order] = _choice_by_group(rng, group, shares)
    no_reason = rng.random(full.size) < _REFUND_NO_REASON
    reason = np.where(no_reason[order], -1, reason_of_order[order])
    refunded_s = orders["refunded_s"][order]
    waited = np.where(
        kind == 1,
        rng.lognormal(np.log(4.0), 0.4, order.size),
        rng.lognormal(np.log(0.6), 0.8, order.size),
    )
    earliest = orders["paid_s"][order] + 600.0
    requested_s = np.maximum(refunded_s - waited * 86400.0, earliest)
    requested_s = np.minimum(requested_s, refunded_s)
    sequence = np.lexsort((line, refunded_s))
    n = line.size
    sid = shop.store_id
    labels = words.REFUND_REASONS_CN if shop.is_cn else words.REFUND_REASONS_EN
    return pa.table(
        {
            "refund_id": _ids(f"{sid}-rf", np.arange(1, n + 1), 8),
            "store_id": _pick([sid], np.zeros(n, np.int64)),
            "order_id": _ids(f"{sid}-", order[sequence] + 1, 8),
            "amount": pa.array(amount[sequence], pa.float64()),
            "refunded_at": _timestamps(refunded_s[sequence], origin),
            "requested_at": _timestamps(requested_s[sequence], origin),
            "sku": _ids(f"{sid}-sku", sku[sequence] + 1, 3),
            "quantity": pa.array(quantity[sequence], pa.int64()),
            "reason": _pick(labels, np.maximum(reason[sequence], 0), reason[sequence] < 0),
            "kind": _pick(_REFUND_KINDS, kind[sequence]),
        }
    )


def _line_refunds(
    shop: _Store,
    orders: dict[str, np.ndarray],
    items: dict[str, np.ndarray],
    line_full: np.ndarray,
    part_orders: np.ndarray,
) -> np.ndarray:
    """Refund amounts of the rows of :func:`_refunds_table`: a fully refunded order's
    ``refund_amount`` split over its lines by line value (the last line takes the rounding
    remainder, so the rows add up to it), then each partial refund whole."""
    decimals = shop.profile.decimals
    n = orders["day"].size
    order = items["order"][line_full]
    value = np.maximum(
        items["unit_price"][line_full] * items["quantity"][line_full]
        - items["discount_amount"][line_full],
        0.0,
    )
    total = np.bincount(order, weights=value, minlength=n)[order]
    lines = np.bincount(order, minlength=n)[order]
    share = np.where(total > 0, value / np.where(total > 0, total, 1.0), 1.0 / lines)
    amount = _round_money(orders["refund_amount"][order] * share, decimals)
    last = np.r_[order[1:] != order[:-1], True] if order.size else np.zeros(0, bool)
    others = np.bincount(order, weights=np.where(last, 0.0, amount), minlength=n)[order]
    amount = np.where(last, _round_money(orders["refund_amount"][order] - others, decimals), amount)
    return np.r_[amount, orders["refund_amount"][part_orders]]


def _daily_sku_sales(
    orders: dict[str, np.ndarray], items: dict[str, np.ndarray], count: int, shown_days: int
) -> dict[str, np.ndarray]:
    """Units and distinct buyers per (sku, shown day) of paid, not cancelled orders, by
    payment day: what product traffic and stock levels must agree with."""
    paid = ~np.isnan(orders["paid_s"]) & (orders["status"] != STATUSES.index("cancelled"))
    line = np.flatnonzero(paid[items["order"]])
    order = items["order"][line]
    day = (orders["paid_s"][order] // 86400).astype(np.int64) - _BURN_IN_DAYS
    cell = items["sku"][line] * shown_days + day
    units = np.bincount(cell, weights=items["quantity"][line], minlength=count * shown_days)
    customers = int(orders["customer"].max(initial=0)) + 1
    pairs = np.unique(cell * customers + orders["customer"][order])
    buyers = np.bincount(pairs // customers, minlength=count * shown_days)
    return {
        "units": units.reshape(count, shown_days),
        "buyers": buyers.reshape(count, shown_days).astype(np.int64),
    }


def _on_sale(products: dict[str, np.ndarray], shown_days: int) -> np.ndarray:
    """(sku, shown day) cells when the product was listed and not delisted."""
    day = np.arange(shown_days)
    return (day[None, :] >= products["listed_day"][:, None]) & ~products["delisted"][:, None]


def _product_traffic_table(
    rng: np.random.Generator,
    shop: _Store,
    sales: dict[str, np.ndarray],
    products: dict[str, np.ndarray],
    first: dt.date,
    shown_days: int,
) -> pa.Table:
    """Visitors, pageviews, add-to-cart visitors and buyers per (sku, day) on sale.

    ``buyers`` are the day's distinct paying customers of the SKU (as order_items say);
    visitors follow from a conversion of the SKU's own (about 1.5–8 %) on the days it
    sells and on the days it does not, and products that never sell still get visitors.
    """
    buyers = sales["buyers"]
    count = buyers.shape[0]
    conversion = np.clip(rng.lognormal(np.log(0.035), 0.45, count), 0.008, 0.2)
    on_sale = _on_sale(products, shown_days)
    days_on_sale = np.maximum(on_sale.sum(axis=1), 1)
    usual = buyers.sum(axis=1) / days_on_sale
    expected = np.maximum(0.5 * buyers + 0.5 * usual[:, None], 0.0) / conversion[:, None]
    expected = np.where(usual[:, None] > 0, expected, _IDLE_VISITORS)
    visitors = np.maximum(rng.poisson(expected), buyers)
    browsing = visitors - buyers
    cart = buyers + rng.binomial(browsing, 0.09)
    pageviews = visitors + rng.poisson(visitors * 0.7)
    keep = on_sale & (visitors > 0)
    sku, day = np.nonzero(keep)
    n = sku.size
    sid = shop.store_id
    dates = np.datetime64(first, "D") + day
    return pa.table(
        {
            "store_id": _pick([sid], np.zeros(n, np.int64)),
            "date": _dates(dates),
            "sku": _ids(f"{sid}-sku", sku + 1, 3),
            "visitors": pa.array(visitors[keep], pa.int64()),
            "pageviews": pa.array(pageviews[keep], pa.int64()),
            "cart_visitors": pa.array(cart[keep], pa.int64()),
            "buyers": pa.array(buyers[keep], pa.int64()),
        }
    ).sort_by([("date", "ascending"), ("sku", "ascending")])


def _stock_levels_table(
    rng: np.random.Generator,
    shop: _Store,
    sales: dict[str, np.ndarray],
    products: dict[str, np.ndarray],
    end_stock: np.ndarray,
    first: dt.date,
    shown_days: int,
) -> pa.Table:
    """End-of-day stock per (sku, day) on sale, walked back from ``products.stock_on_hand``.

    Going back a day adds that day's units sold; when the stock would exceed the SKU's
    ceiling, a delivery came that day and the day before ends at a low level (often 0,
    so slow sellers show stock-outs: days ending at 0 without a sale). The last day's
    level is ``stock_on_hand`` and no day that sold ends below 0.
    """
    units = sales["units"]
    count = units.shape[0]
    velocity = units.sum(axis=1) / shown_days
    ceiling = np.ceil(velocity * rng.uniform(30, 75, count)) + 10
    level = np.maximum(end_stock.astype(float), 0.0)
    stock = np.empty((count, shown_days), np.int64)
    for day in range(shown_days - 1, -1, -1):
        stock[:, day] = level
        before = level + units[:, day]
        low = np.where(rng.random(count) < 0.35, 0.0, np.round(velocity * rng.uniform(1, 6, count)))
        level = np.where(before > ceiling, np.minimum(low, before), before)
    keep = _on_sale(products, shown_days)
    sku, day = np.nonzero(keep)
    n = sku.size
    sid = shop.store_id
    return pa.table(
        {
            "store_id": _pick([sid], np.zeros(n, np.int64)),
            "date": _dates(np.datetime64(first, "D") + day),
            "sku": _ids(f"{sid}-sku", sku + 1, 3),
            "stock_on_hand": pa.array(stock[keep], pa.int64()),
        }
    ).sort_by([("date", "ascending"), ("sku", "ascending")])
