"""Exceptions that describe a user's mistake.

Library code raises these; the command line turns them into one readable message
and an exit code (2 for unusable input), never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping


class EcanalysisError(ValueError):
    """Base class: bad input to ecanalysis (data, parameters or arguments)."""

    exit_code = 2


class MissingColumnsError(EcanalysisError):
    """A required column is absent from an input frame or table."""


class DataError(EcanalysisError):
    """A dataset or table cannot be read or is not in the data contract."""


class ParameterError(EcanalysisError):
    """A notebook or command parameter is unknown, of the wrong type or out of range."""


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``name`` (for 'did you mean' hints), or None."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    if name.lower() in lowered:
        return lowered[name.lower()]
    match = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not match:
        match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        match = [lowered[m] for m in match]
    return match[0] if match else None


def require_columns(
    frame,
    columns: Iterable[str],
    *,
    frame_name: str = "frame",
    options: Mapping[str, str] | None = None,
) -> None:
    """Raise :class:`MissingColumnsError` naming every missing column and the closest match.

    ``options`` maps a column to the caller's option that names it (``{"date":
    "date_col"}``): for those columns the fix also says to pass that option. Other columns
    can only be renamed (most metrics read fixed column names).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"day": [], "orders": []})
    >>> require_columns(frame, ["date", "orders"], frame_name="series", options={"date": "date_col"})
    Traceback (most recent call last):
    ...
    ecanalysis.errors.MissingColumnsError: series lacks required column(s) 'date'; it has ['day', 'orders']. Rename the column(s), or pass date_col=<your column>.
    """
    present = [str(c) for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return
    hints = []
    for column in missing:
        guess = closest(column, present)
        hints.append(f"{column!r}" + (f" (did you mean {guess!r}?)" if guess else ""))
    named = [options[c] for c in missing if options and c in options]
    fix = "Rename the column(s)"
    if named:
        fix += ", or pass " + " and ".join(f"{option}=<your column>" for option in named)
    raise MissingColumnsError(
        f"{frame_name} lacks required column(s) {', '.join(hints)}; it has {present}. {fix}."
    )
