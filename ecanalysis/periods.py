"""Reporting periods in a store's local calendar: parse, compare, filter.

A :class:`Period` is a run of whole local days (a day, an ISO week, a calendar month,
quarter or year, or an inclusive date range) in one IANA time zone. Its ``start`` and
``end`` are tz-aware instants at local midnight (half-open), correct across daylight-saving
changes: a New York day in March can be 23 hours long. ``label`` is the canonical text of
the period and is safe as a path component; run records are filed under it.

The module needs only the standard library to parse periods (the ``facts`` command uses it
without pandas); ``start``, ``end``, ``contains`` and ``local_bounds`` import pandas when
called.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecanalysis.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

#: Kinds of period, in the order of DESIGN §4.
KINDS = ("day", "week", "month", "quarter", "year", "range")

#: Relative forms: resolved against the store's local today or the data's last complete day.
RELATIVE_FORMS = (
    "yesterday",
    "last-week",
    "last-month",
    "latest-day",
    "latest-week",
    "latest-month",
)

ACCEPTED_FORMS = (
    "2025-11-11 (day), 2025-W46 (ISO week), 2025-11 (month), 2025-Q4 (quarter), "
    "2025 (year), 2025-11-01..2025-11-15 (inclusive dates), yesterday, last-week, "
    "last-month, latest-day, latest-week, latest-month"
)

_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_PATTERNS = (
    ("range", re.compile(rf"{_DATE}\.\.{_DATE}")),
    ("day", re.compile(_DATE)),
    ("week", re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)),
    ("quarter", re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)),
    ("month", re.compile(r"(\d{4})-(\d{1,2})")),
    ("year", re.compile(r"(\d{4})")),
)


@dataclass(frozen=True)
class Period:
    """Whole local days ``first_day..last_day`` (inclusive) of one kind, in time zone ``tz``.

    Build periods with :func:`parse_period`; the constructor trusts that the dates fit the
    kind (a ``week`` starts on a Monday, a ``month`` on the 1st, and so on).

    Attributes
    ----------
    first_day, last_day : datetime.date
        First and last local day, both included.
    kind : str
        One of ``day``, ``week``, ``month``, ``quarter``, ``year``, ``range``.
    tz : str
        IANA time zone of the local calendar, e.g. ``Asia/Shanghai``.
    label : str
        Canonical text (``2025-11-11``, ``2025-W46``, ``2025-11``, ``2025-Q4``, ``2025``,
        ``2025-11-01..2025-11-15``); only ``[0-9A-Za-z.-]``, so safe in paths.

    Examples
    --------
    >>> p = parse_period("2025-w46", "Asia/Shanghai")
    >>> p.label, p.kind, p.days
    ('2025-W46', 'week', 7)
    >>> p.first_day, p.last_day
    (datetime.date(2025, 11, 10), datetime.date(2025, 11, 16))
    >>> p.start
    Timestamp('2025-11-10 00:00:00+0800', tz='Asia/Shanghai')
    >>> str(p.previous()), str(p.year_ago())
    ('2025-W45', '2024-W46')
    """

    first_day: dt.date
    last_day: dt.date
    kind: str
    tz: str
    label: str = field(init=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ParameterError(f"period kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.last_day < self.first_day:
            raise ParameterError(
                f"period ends ({self.last_day}) before it starts ({self.first_day}); "
                "write ranges as FIRST..LAST with FIRST on or before LAST; "
                f"accepted forms: {ACCEPTED_FORMS}"
            )
        object.__setattr__(self, "label", _label(self.first_day, self.last_day, self.kind))

    def __str__(self) -> str:
        return self.label

    @property
    def start(self) -> pd.Timestamp:
        """Local midnight that opens the period, tz-aware."""
        return _local_midnight(self.first_day, self.tz)

    @property
    def end(self) -> pd.Timestamp:
        """Local midnight after the last day (excluded), tz-aware."""
        return _local_midnight(self.last_day + dt.timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        """Number of local days in the period."""
        return (self.last_day - self.first_day).days + 1

    def dates(self) -> list[dt.date]:
        """Every local date of the period, in order."""
        return [self.first_day + dt.timedelta(days=i) for i in range(self.days)]

    def local_bounds(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``(start, end)`` as naive local timestamps, for filtering naive local frames.

        Examples
        --------
        >>> parse_period("2025-11", "Asia/Shanghai").local_bounds()
        (Timestamp('2025-11-01 00:00:00'), Timestamp('2025-12-01 00:00:00'))
        """
        import pandas as pd

        return pd.Timestamp(self.first_day), pd.Timestamp(self.last_day + dt.timedelta(days=1))

    def contains(self, when) -> bool:
        """True when ``when`` falls in the period.

        A ``datetime.date`` is compared by local date; a naive timestamp is read as local
        wall time; a tz-aware one as an instant.

        Examples
        --------
        >>> nov = parse_period("2025-11", "Asia/Shanghai")
        >>> nov.contains("2025-11-30 23:30"), nov.contains("2025-11-30T16:30:00Z")
        (True, False)
        """
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            return self.first_day <= when <= self.last_day
        import pandas as pd

        stamp = pd.Timestamp(when)
        if stamp.tzinfo is None:
            start, end = self.local_bounds()
        else:
            start, end = self.start, self.end
        return bool(start <= stamp < end)

    def shift(self, *, days: int) -> Period:
        """The period of the same length moved by ``days`` local days (``-7``: a week earlier).

        A day stays a day and a week moved by whole weeks stays a week; anything else
        becomes a date range.

        Examples
        --------
        >>> str(parse_period("2025-11-30", "UTC").shift(days=-7))
        '2025-11-23'
        >>> str(parse_period("2025-W48", "UTC").shift(days=-7))
        '2025-W47'
        >>> str(parse_period("2025-11", "UTC").shift(days=30))
        '2025-12-01..2025-12-30'
        """
        step = dt.timedelta(days=days)
        first, last = self.first_day + step, self.last_day + step
        keeps_kind = self.kind == "day" or (self.kind == "week" and days % 7 == 0)
        return Period(first, last, self.kind if keeps_kind else "range", self.tz)

    def next(self) -> Period:
        """The period of the same kind right after this one (a range: as many days).

        Examples
        --------
        >>> str(parse_period("2025-02", "UTC").next()), str(parse_period("2025-W52", "UTC").next())
        ('2025-03', '2026-W01')
        """
        following = self.last_day + dt.timedelta(days=1)
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            last = _add_months(following, months) - dt.timedelta(days=1)
            return Period(following, last, self.kind, self.tz)
        return Period(following, following + dt.timedelta(days=self.days - 1), self.kind, self.tz)

    def rows(self, frame: pd.DataFrame, column: str) -> pd.DataFrame:
        """Rows of ``frame`` whose naive local ``column`` falls in ``[start, end)``.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"date": pd.to_datetime(["2025-10-31", "2025-11-01"])})
        >>> len(parse_period("2025-11", "UTC").rows(frame, "date"))
        1
        """
        start, end = self.local_bounds()
        values = frame[column]
        return frame[(values >= start) & (values < end)].reset_index(drop=True)

    def trailing_rows(self, frame: pd.DataFrame, column: str, *, days: int) -> pd.DataFrame:
        """Rows of ``frame`` in the ``days`` local days that end with the period.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"date": pd.date_range("2025-11-01", periods=30)})
        >>> len(parse_period("2025-11-30", "UTC").trailing_rows(frame, "date", days=7))
        7
        """
        import pandas as pd

        end = self.local_bounds()[1]
        values = frame[column]
        return frame[(values >= end - pd.Timedelta(days=days)) & (values < end)].reset_index(
            drop=True
        )

    def previous(self) -> Period:
        """The period of the same kind just before (a range: as many days just before).

        Examples
        --------
        >>> str(parse_period("2025-W01", "UTC").previous())
        '2024-W52'
        >>> str(parse_period("2025-11-01..2025-11-15", "UTC").previous())
        '2025-10-17..2025-10-31'
        """
        if self.kind in ("day", "week", "range"):
            shift = dt.timedelta(days=self.days)
            return Period(self.first_day - shift, self.last_day - shift, self.kind, self.tz)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        first = _add_months(self.first_day, -months)
        return Period(first, self.first_day - dt.timedelta(days=1), self.kind, self.tz)

    def year_ago(self) -> Period:
        """The same period a year earlier (同比).

        Days move back 364 days (the same weekday); weeks to the same ISO week number of
        the previous ISO year (W53 to W52 when that year has none); months, quarters and
        years to the same calendar period; ranges to the same dates a year earlier (29
        February becomes 28 February), without weekday alignment.

        Examples
        --------
        >>> str(parse_period("2024-02-29", "UTC").year_ago())
        '2023-03-02'
        >>> str(parse_period("2020-W53", "UTC").year_ago())
        '2019-W52'
        """
        if self.kind == "day":
            day = self.first_day - dt.timedelta(days=364)
            return Period(day, day, "day", self.tz)
        if self.kind == "week":
            year, week, _ = self.first_day.isocalendar()
            week = min(week, _iso_weeks(year - 1))
            first = dt.date.fromisocalendar(year - 1, week, 1)
            return Period(first, first + dt.timedelta(days=6), "week", self.tz)
        if self.kind == "range":
            first, last = _year_earlier(self.first_day), _year_earlier(self.last_day)
            return Period(first, last, "range", self.tz)
        first = _add_months(self.first_day, -12)
        last = _add_months(self.last_day + dt.timedelta(days=1), -12) - dt.timedelta(days=1)
        return Period(first, last, self.kind, self.tz)


def parse_period(
    text: str,
    tz: str,
    *,
    today: dt.date | None = None,
    data_end: dt.date | None = None,
) -> Period:
    """Parse a period in the store's local calendar.

    Parameters
    ----------
    text : str
        ``2025-11-11`` (day), ``2025-W46`` (ISO week, Monday to Sunday), ``2025-11``
        (month), ``2025-Q4``, ``2025``, ``2025-11-01..2025-11-15`` (inclusive dates), or a
        relative form: ``yesterday``, ``last-week``, ``last-month`` (relative to ``today``),
        ``latest-day``, ``latest-week``, ``latest-month`` (relative to ``data_end``).
        Case and surrounding spaces do not matter; one-digit months and days are accepted
        (``2025-11-1`` is ``2025-11-01``).
    tz : str
        The store's IANA time zone.
    today : datetime.date, optional
        The store's local today; default: the clock's date in ``tz``.
    data_end : datetime.date, optional
        The last complete local day of the data; required by ``latest-*``.

    Returns
    -------
    Period
        With a canonical ``label`` (``2025-w46`` gives ``2025-W46``).

    Raises
    ------
    ecanalysis.errors.ParameterError
        For text in none of the forms (the message lists them), an impossible date or ISO
        week (``2021-W53``), an unknown time zone, or a ``latest-*`` form without
        ``data_end``.

    Notes
    -----
    ``last-week`` and ``last-month`` are the complete week and month before the one that
    contains ``today``. ``latest-day`` is ``data_end``; ``latest-week`` is the latest ISO
    week that ends on or before ``data_end`` and ``latest-month`` the latest calendar month
    that ends on or before it: the week or month containing ``data_end`` is partial unless
    ``data_end`` is its last day, and a partial period would read as a drop.

    Examples
    --------
    >>> parse_period("2025-11", "Asia/Shanghai").label
    '2025-11'
    >>> parse_period("last-month", "UTC", today=dt.date(2025, 1, 15)).label
    '2024-12'
    >>> parse_period("latest-week", "UTC", data_end=dt.date(2025, 11, 30)).label
    '2025-W48'
    >>> parse_period("latest-month", "UTC", data_end=dt.date(2025, 11, 29)).label
    '2025-10'
    """
    _check_tz(tz)
    if not isinstance(text, str):
        raise ParameterError(f"period must be text, got {text!r}; accepted forms: {ACCEPTED_FORMS}")
    cleaned = text.strip()
    lowered = cleaned.lower()
    if lowered in RELATIVE_FORMS:
        return _relative(lowered, tz, today=today, data_end=data_end)
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            return _absolute(kind, [int(g) for g in match.groups()], tz, text)
    raise ParameterError(f"period {text!r} is not understood; accepted forms: {ACCEPTED_FORMS}")


def _absolute(kind: str, numbers: list[int], tz: str, text: str) -> Period:
    try:
        if kind == "day":
            day = dt.date(*numbers)
            return Period(day, day, "day", tz)
        if kind == "range":
            return Period(dt.date(*numbers[:3]), dt.date(*numbers[3:]), "range", tz)
        if kind == "week":
            return _iso_week(numbers[0], numbers[1], tz)
        if kind == "month":
            first = dt.date(numbers[0], numbers[1], 1)
            return Period(first, _add_months(first, 1) - dt.timedelta(days=1), "month", tz)
        if kind == "quarter":
            first = dt.date(numbers[0], 3 * numbers[1] - 2, 1)
            return Period(first, _add_months(first, 3) - dt.timedelta(days=1), "quarter", tz)
        return Period(dt.date(numbers[0], 1, 1), dt.date(numbers[0], 12, 31), "year", tz)
    except ValueError as exc:
        if isinstance(exc, ParameterError):
            raise
        raise ParameterError(
            f"period {text!r} is not a real {kind} ({exc}); accepted forms: {ACCEPTED_FORMS}"
        ) from None


def _relative(form: str, tz: str, *, today: dt.date | None, data_end: dt.date | None) -> Period:
    if form.startswith("latest"):
        if data_end is None:
            raise ParameterError(
                f"period {form!r} is relative to the last complete day of the data, which "
                "was not given (pass data_end=, as the runner does from the dataset), or use "
                "an explicit period such as 2025-11"
            )
        anchor = _as_date(data_end, "data_end")
        if form == "latest-day":
            return Period(anchor, anchor, "day", tz)
        if form == "latest-week":
            return _week_of(anchor - dt.timedelta(days=(anchor.isoweekday() % 7)), tz)
        month_end = _add_months(anchor.replace(day=1), 1) - dt.timedelta(days=1)
        last = anchor if anchor == month_end else anchor.replace(day=1) - dt.timedelta(days=1)
        return _month_of(last, tz)
    now = _as_date(today, "today") if today is not None else dt.datetime.now(ZoneInfo(tz)).date()
    if form == "yesterday":
        day = now - dt.timedelta(days=1)
        return Period(day, day, "day", tz)
    if form == "last-week":
        return _week_of(now - dt.timedelta(days=7), tz)
    return _month_of(now.replace(day=1) - dt.timedelta(days=1), tz)


def _week_of(day: dt.date, tz: str) -> Period:
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6), "week", tz)


def _month_of(day: dt.date, tz: str) -> Period:
    first = day.replace(day=1)
    return Period(first, _add_months(first, 1) - dt.timedelta(days=1), "month", tz)


def _iso_week(year: int, week: int, tz: str) -> Period:
    weeks = _iso_weeks(year)
    if not 1 <= week <= weeks:
        raise ParameterError(
            f"period '{year}-W{week:02d}' is not a real week: ISO year {year} has weeks "
            f"W01 to W{weeks:02d}; "
            f"accepted forms: {ACCEPTED_FORMS}"
        )
    monday = dt.date.fromisocalendar(year, week, 1)
    return Period(monday, monday + dt.timedelta(days=6), "week", tz)


def _iso_weeks(year: int) -> int:
    """52 or 53: the ISO week number of 28 December, which is always in the last week."""
    return dt.date(year, 12, 28).isocalendar()[1]


def _label(first: dt.date, last: dt.date, kind: str) -> str:
    if kind == "day":
        return first.isoformat()
    if kind == "week":
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "month":
        return f"{first:%Y-%m}"
    if kind == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if kind == "year":
        return f"{first.year}"
    return f"{first.isoformat()}..{last.isoformat()}"


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (``day`` is a 1st here)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _year_earlier(day: dt.date) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _as_date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(f"{name} must be a date (datetime.date or YYYY-MM-DD), got {value!r}")


def _check_tz(tz: str) -> None:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ParameterError(
            f"time zone {tz!r} is not an IANA time zone name; use e.g. Asia/Shanghai, "
            "America/New_York or UTC (the stores table's timezone column)"
        ) from None


def _local_midnight(day: dt.date, tz: str) -> pd.Timestamp:
    """Local midnight of ``day`` in ``tz``: the first instant of the day.

    Where a clock change skips midnight the day starts at the first existing instant;
    where midnight happens twice, at the first of them.
    """
    import pandas as pd

    return pd.Timestamp(day).tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
