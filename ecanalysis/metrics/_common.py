"""Shared building blocks of the metric functions: order classes, period floors, safe ratios.

Private to ``ecanalysis.metrics``; the definitions they implement are stated in the
docstrings of the public functions that use them (and in DESIGN §5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ecanalysis.errors import DataError, ParameterError, require_columns

#: Frequencies every metric accepts, as pandas offset aliases (``W`` = weeks Monday to Sunday).
FREQS = ("D", "W", "MS", "QS", "YS")
#: Other pandas aliases of exactly these periods. Only the label differs (pandas dates a month,
#: quarter or year by its end, the metrics by its start); the grouping is the same. Weekly
#: aliases anchored on another day than Sunday (``W-MON`` = weeks ending on Monday) are other
#: weeks and are refused by :func:`check_freq`.
_FREQ_ALIASES = {
    "W-SUN": "W",
    "M": "MS",
    "ME": "MS",
    "Q": "QS",
    "QE": "QS",
    "Y": "YS",
    "YE": "YS",
    "A": "YS",
    "AS": "YS",
}

#: Canonical output dtype of period columns (``period_start``, ``cohort``, ``date``).
PERIOD_DTYPE = "datetime64[ns]"

#: Order statuses that never count as paid, whatever ``paid_at`` says (DESIGN §5).
UNPAID_STATUSES = frozenset({"cancelled"})

#: Statuses not counted as paid when the orders have no ``paid_at`` column at all: the
#: status alone then decides, and ``placed`` means not yet paid. With a ``paid_at``
#: column, a ``placed`` order that has one is paid (DESIGN §5).
UNPAID_STATUSES_WITHOUT_PAID_AT = frozenset({"cancelled", "placed"})


_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_freq(freq: str) -> str:
    """Return the canonical alias of ``freq`` or raise a clear error listing the accepted ones."""
    canonical = _FREQ_ALIASES.get(freq, freq) if isinstance(freq, str) else None
    if canonical in FREQS:
        return canonical
    weekly = isinstance(freq, str) and freq.upper().startswith("W-")
    anchor = freq.upper()[2:] if weekly else None
    weeks = ""
    if anchor in _WEEKDAYS and anchor != "SUN":
        end = _WEEKDAYS.index(anchor)
        weeks = (
            f" ({freq!r} is pandas' week ending on {_WEEKDAY_NAMES[end]}, "
            f"{_WEEKDAY_NAMES[(end + 1) % 7]} to {_WEEKDAY_NAMES[end]}; weeks here always run "
            "Monday to Sunday)"
        )
    raise ParameterError(
        f"freq={freq!r} is not supported{weeks}; use one of {', '.join(FREQS)} "
        "(D day, W week Monday–Sunday, also written W-SUN, MS month, QS quarter, YS year)"
    )


def one_time_zone(**frames: pd.DataFrame | None) -> None:
    """Raise :class:`DataError` when the tz-aware columns of ``frames`` are in different zones.

    :func:`local_naive` reads a tz-aware column as wall time of its own zone, which is the
    store's local time only when every zone-carrying column is in the store's zone. Columns
    in two zones (``ordered_at`` in Asia/Shanghai, ``paid_at`` in UTC) would put one order
    on two local days, so they are refused. Naive columns and one shared zone pass.
    Keyword names are the frames' names in the message; ``None`` (an absent optional
    frame) is skipped.
    """
    zones: dict[str, str] = {}
    for frame_name, frame in frames.items():
        if frame is None:
            continue
        for column, dtype in frame.dtypes.items():
            if isinstance(dtype, pd.DatetimeTZDtype):
                zones[f"{frame_name}.{column}"] = str(dtype.tz)
    if len(set(zones.values())) > 1:
        listed = ", ".join(f"{column} ({zone})" for column, zone in zones.items())
        raise DataError(
            f"timestamp columns are in different time zones: {listed}; each would be read as "
            "wall time of its own zone, so one moment could fall on two local days. Convert "
            "them to the store's time zone first (frame[column].dt.tz_convert(<store "
            "timezone>), or drop the zones with .dt.tz_localize(None) after converting); "
            "open_dataset already returns naive local time"
        )


def local_naive(values: pd.Series) -> pd.Series:
    """Timestamps as naive local wall time, ``datetime64[ns]``.

    Naive input is already local (the data contract); tz-aware input keeps its wall
    time in its own zone and drops the zone (so the columns read together must share one
    zone, the store's: :func:`one_time_zone`). Strings are parsed as ISO timestamps.
    """
    if not isinstance(values.dtype, pd.DatetimeTZDtype) and not pd.api.types.is_datetime64_dtype(
        values.dtype
    ):
        values = pd.to_datetime(values, errors="raise", format="ISO8601")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    return values.astype(PERIOD_DTYPE)


def as_timestamp(value, name: str) -> pd.Timestamp:
    """A point-in-time option (``as_of``, ``observation_end``, ``start``, ``end``…) given as
    ISO text, date, datetime or Timestamp, as a naive local Timestamp.

    Frames hold naive local wall time (docs/conventions.md), so a tz-aware value keeps its
    wall time in its own zone and drops the zone, as :func:`local_naive` does for columns.
    ``name`` is the option's name in the error.

    Examples
    --------
    >>> as_timestamp("2025-11-12", "as_of")
    Timestamp('2025-11-12 00:00:00')
    >>> as_timestamp(pd.Timestamp("2025-11-12 08:00", tz="Asia/Shanghai"), "as_of")
    Timestamp('2025-11-12 08:00:00')
    """
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        raise ParameterError(f"{name} is required: give a date such as '2025-11-30'")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            f"{name}={value!r} is not a date or timestamp; use an ISO date such as "
            "'2025-11-30' or a timestamp such as '2025-11-30 23:59'"
        ) from error
    if stamp is pd.NaT:
        raise ParameterError(f"{name} is required: give a date such as '2025-11-30'")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.as_unit("ns")


def as_day(value, name: str) -> pd.Timestamp:
    """A date option as the naive local midnight that starts its date (:func:`as_timestamp`).

    Examples
    --------
    >>> as_day("2025-11-30 18:00", "observation_end")
    Timestamp('2025-11-30 00:00:00')
    """
    return as_timestamp(value, name).normalize()


def period_floor(values: pd.Series, freq: str) -> pd.Series:
    """Local start of the period (day, Monday-start week, month, quarter, year) of each timestamp."""
    freq = check_freq(freq)
    stamps = local_naive(values)
    days = stamps.dt.normalize()
    if freq == "D":
        out = days
    elif freq == "W":
        out = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    else:
        months = days.to_numpy().astype("datetime64[M]")
        if freq == "QS":
            month_index = months.astype("int64")
            months = (month_index - month_index % 3).astype("datetime64[M]")
        elif freq == "YS":
            months = days.to_numpy().astype("datetime64[Y]").astype("datetime64[M]")
        out = pd.Series(months.astype(PERIOD_DTYPE), index=values.index)
    return out.astype(PERIOD_DTYPE).rename(values.name)


def never_negative(values) -> bool:
    """True when ``values`` (a series of a KPI) has values and none below 0 (NaN aside):
    sales, orders and visitors, whose expectations and forecasts are floored at 0."""
    array = np.asarray(values, dtype="float64")
    return bool(array.size) and not (array < 0).any()


def ratio(numerator, denominator):
    """``numerator / denominator`` with 0/0 (and x/0) as NaN, never 0 or inf."""
    num = pd.Series(numerator, dtype="float64") if np.isscalar(numerator) else numerator
    den = denominator
    if isinstance(den, pd.Series):
        return num.astype("float64") / den.astype("float64").where(den != 0)
    if den == 0 or pd.isna(den):
        return np.nan
    return float(numerator) / float(den)


def is_paid(orders: pd.DataFrame) -> pd.Series:
    """True for paid orders: a ``paid_at`` and a status other than ``cancelled`` (DESIGN §5).

    Any other status counts, ``placed`` included: the ``paid_at`` says it was paid.
    Refunded and partially refunded orders stay paid. Without a ``paid_at`` column, the
    status alone decides (any status past ``placed`` other than cancelled).
    """
    status = orders["status"].astype("string").str.lower()
    if "paid_at" in orders.columns:
        paid = ~status.isin(UNPAID_STATUSES) & orders["paid_at"].notna()
    else:
        paid = ~status.isin(UNPAID_STATUSES_WITHOUT_PAID_AT)
    return paid.fillna(False).astype(bool)


def is_valid(orders: pd.DataFrame) -> pd.Series:
    """True for valid orders: paid and not fully refunded (status ``refunded``)."""
    status = orders["status"].astype("string").str.lower()
    return (is_paid(orders) & (status != "refunded")).fillna(False).astype(bool)


def paid_time(orders: pd.DataFrame) -> pd.Series:
    """The timestamp that dates paid-basis figures: ``paid_at``, else ``ordered_at``."""
    one_time_zone(orders=orders)
    if "paid_at" in orders.columns:
        return local_naive(orders["paid_at"]).fillna(local_naive(orders["ordered_at"]))
    return local_naive(orders["ordered_at"])


def paid_purchases(orders: pd.DataFrame, *, known_customers: bool = True) -> pd.DataFrame:
    """Paid orders as purchases: ``customer_id`` (text) and local ``paid_time`` (DESIGN §5).

    Only orders of known customers (a ``customer_id``) unless ``known_customers=False``
    (then an anonymous order keeps a missing ``customer_id``). The index is the orders'
    index, so a caller adds columns with ``orders.loc[purchases.index, ...]``.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["a", "b", "c"], "customer_id": ["c1", None, "c2"],
    ...     "ordered_at": pd.to_datetime(["2025-11-11 09:00"] * 3),
    ...     "paid_at": pd.to_datetime(["2025-11-11 09:05", "2025-11-11 09:06", None]),
    ...     "status": ["completed", "completed", "placed"]})
    >>> paid_purchases(orders)
      customer_id           paid_time
    0          c1 2025-11-11 09:05:00
    """
    paid = is_paid(orders)
    if known_customers:
        paid &= orders["customer_id"].notna()
    rows = orders[paid]
    return pd.DataFrame(
        {"customer_id": rows["customer_id"].astype("str"), "paid_time": paid_time(rows)},
        index=rows.index,
    )


def refund_time(orders: pd.DataFrame) -> pd.Series:
    """The timestamp that dates a refund: ``refunded_at``, else ``paid_at`` (DESIGN §5)."""
    base = paid_time(orders)
    if "refunded_at" in orders.columns:
        return local_naive(orders["refunded_at"]).fillna(base)
    return base


def numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column as float64, or all-NaN when the optional column is absent."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def group_keys(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names (``None`` → no grouping)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the given ``{column: dtype}`` schema."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Select ``columns`` in order and cast them to their declared dtypes; fresh RangeIndex."""
    out = frame.reset_index(drop=True)
    for name in columns:
        if name not in out.columns:
            out[name] = pd.Series(dtype=columns[name], index=out.index)
    out = out[list(columns)]
    return out.astype(columns)


def require(
    frame: pd.DataFrame,
    columns: Iterable[str],
    frame_name: str,
    *,
    options: Mapping[str, str] | None = None,
) -> None:
    """:func:`ecanalysis.errors.require_columns` for metric modules; ``options`` maps a
    column to the metric's option that names it (``{value_col: "value_col"}``)."""
    require_columns(frame, columns, frame_name=frame_name, options=options)
