"""Cell parsers shared by the platform modules, and the bookkeeping of rows that fail.

Each parser takes a text column (``""`` for an empty cell) and returns the parsed values
with a mask of the cells that are not empty and do not parse; the platform module turns
that mask into a quarantine reason with :class:`RowProblems`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Currency signs, units and blanks that exports put around amounts (``¥1,234.50元``).
_MONEY_NOISE = re.compile(r"[\s元¥￥$€£]|CNY|RMB|USD|EUR")
#: Commas (ASCII or full-width) used as thousands separators only: ``1,234,567.5``.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?$")
#: A clock time followed by a UTC offset: ``01:30:00 -0400``, ``01:30+08:00``, ``01:30Z``,
#: ``14:22:10 UTC`` (Judge.me).
ZONED = re.compile(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$")
_STAMP = "datetime64[us]"


def blank(text: pd.Series) -> pd.Series:
    """True where a cell is empty."""
    return text.fillna("").str.strip() == ""


def ids(text: pd.Series) -> pd.Series:
    """Ids as text, missing where empty (``00123`` stays ``"00123"``)."""
    stripped = text.fillna("").str.strip()
    return stripped.where(stripped != "").astype("str")


def numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts and counts as float64 (NaN where empty) and the mask of unparseable cells.

    Thousands separators, blanks and currency signs or units (``¥``, ``元``, ``$``,
    ``CNY`` …) are dropped: ``"1,234.50元"`` → 1234.5. A comma that is not a thousands
    separator (``"59,90"``, a decimal comma) makes the cell unparseable rather than
    silently a hundred times larger.
    """
    cleaned = text.fillna("").str.replace(_MONEY_NOISE, "", regex=True)
    grouped = cleaned.str.fullmatch(_THOUSANDS)
    cleaned = cleaned.where(~grouped, cleaned.str.replace(r"[,，]", "", regex=True))
    present = cleaned != ""
    values = pd.to_numeric(cleaned.where(present), errors="coerce").astype("float64")
    return values, present & values.isna()


def counts(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers as float64 (NaN where empty) and the mask of bad cells (not whole)."""
    values, bad = numbers(text)
    fractional = values.notna() & (values != np.floor(values))
    return values.where(~fractional), bad | fractional


def fractions(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rates as fractions: ``"45.67%"`` → 0.4567; a number without ``%`` is a fraction."""
    stripped = text.fillna("").str.strip()
    percent = stripped.str.endswith("%")
    values, bad = numbers(stripped.str.rstrip("%"))
    values = values.where(~percent, values / 100.0)
    out_of_range = values.notna() & ((values < 0) | (values > 1))
    return values.where(~out_of_range), bad | out_of_range


def timestamps(text: pd.Series, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Local wall-clock times, naive ``datetime64[us]``, and the mask of unparseable cells.

    A time with a UTC offset (``2025-11-02 01:30:00 -0400``, ``…Z``, ``…+08:00``) is
    converted to ``timezone`` and the zone dropped; a time without one is already local.
    """
    stripped = text.fillna("").str.strip()
    present = stripped != ""
    zoned = present & stripped.str.contains(ZONED)
    out = pd.Series(pd.NaT, index=text.index, dtype=_STAMP)
    if zoned.any():
        parsed = pd.to_datetime(stripped[zoned], utc=True, format="mixed", errors="coerce")
        out[zoned] = parsed.dt.tz_convert(timezone).dt.tz_localize(None).astype(_STAMP)
    naive = present & ~zoned
    if naive.any():
        parsed = pd.to_datetime(stripped[naive], format="mixed", errors="coerce")
        out[naive] = parsed.astype(_STAMP)
    return out, present & out.isna()


def dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Calendar dates (``2025-11-01``, ``2025/11/1``, ``20251101``) at midnight."""
    stamps, bad = timestamps(text, "UTC")
    return stamps.dt.normalize(), bad


def first_values(frame: pd.DataFrame, key: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Per value of ``key`` (in order of first appearance), the first non-empty cell of
    each column: order-level fields of a file with one row per line item, whether the
    platform writes them on every row or only on the first row of an order."""
    cells = frame[columns].where(frame[columns] != "")
    grouped = cells.groupby(key.to_numpy(), sort=False).first()
    return grouped.reindex(columns=columns).fillna("").astype("str")


def cells(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of a text frame, or empty cells when the export lacks it."""
    if column in frame.columns:
        return frame[column].fillna("").astype("str")
    return pd.Series("", index=frame.index, dtype="str")


class RowProblems:
    """Reasons why rows of one export cannot be mapped, by 0-based row position."""

    def __init__(self, size: int) -> None:
        self._reasons: list[list[str]] = [[] for _ in range(size)]

    def add(self, mask: pd.Series | np.ndarray, reason: str) -> None:
        """Record ``reason`` for every row where ``mask`` is True."""
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            if reason not in self._reasons[position]:
                self._reasons[position].append(reason)

    def add_cells(self, bad: pd.Series, column: str, what: str, raw: pd.Series) -> None:
        """Record one reason per unparseable cell, quoting the cell."""
        for position in np.flatnonzero(bad.to_numpy(dtype=bool)):
            reason = f"{column}: {what} {raw.iloc[position]!r}"
            self._reasons[position].append(reason)

    def extend(self, other: RowProblems, *, where: pd.Series | np.ndarray) -> None:
        """Take over ``other``'s reasons for the rows where ``where`` is True."""
        for position in np.flatnonzero(np.asarray(where, dtype=bool)):
            for reason in other._reasons[position]:
                if reason not in self._reasons[position]:
                    self._reasons[position].append(reason)

    @property
    def mask(self) -> np.ndarray:
        """True for rows with at least one reason."""
        return np.array([bool(r) for r in self._reasons], dtype=bool)

    def reasons(self) -> list[str]:
        """The reasons of each row joined by ``"; "`` (``""`` for good rows)."""
        return ["; ".join(r) for r in self._reasons]


def amount_column(
    frame: pd.DataFrame, column: str, problems: RowProblems, *, required: bool = False
) -> pd.Series:
    """``column`` parsed by :func:`numbers`; bad (or, if ``required``, empty) cells recorded."""
    raw = cells(frame, column)
    values, bad = numbers(raw)
    problems.add_cells(bad, column, "not a number", raw)
    if required:
        problems.add(blank(raw), f"{column}: empty")
    return values


def count_column(
    frame: pd.DataFrame, column: str, problems: RowProblems, *, required: bool = False
) -> pd.Series:
    """``column`` parsed by :func:`counts`; bad (or, if ``required``, empty) cells recorded."""
    raw = cells(frame, column)
    values, bad = counts(raw)
    problems.add_cells(bad, column, "not a whole number", raw)
    if required:
        problems.add(blank(raw), f"{column}: empty")
    return values


def time_column(
    frame: pd.DataFrame,
    column: str,
    timezone: str,
    problems: RowProblems,
    *,
    required: bool = False,
) -> pd.Series:
    """``column`` parsed by :func:`timestamps`; bad (or, if ``required``, empty) cells recorded."""
    raw = cells(frame, column)
    values, bad = timestamps(raw, timezone)
    problems.add_cells(bad, column, "not a date and time", raw)
    if required:
        problems.add(blank(raw), f"{column}: empty")
    return values


def first_column(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that ``frame`` has (exports name a column differently by
    version: 退款金额 or 买家退款金额), None when it has none."""
    return next((name for name in names if name in frame.columns), None)


def skipped_rows(frame: pd.DataFrame, column: str, prefixes: tuple[str, ...]) -> pd.Series:
    """True for rows whose ``column`` starts with one of ``prefixes`` (totals rows such as
    Google Ads' ``Total: Account``), which are not records."""
    text = cells(frame, column).str.strip()
    return text.str.startswith(prefixes) if prefixes else pd.Series(False, index=frame.index)
