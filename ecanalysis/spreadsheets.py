"""Text that stays text in a spreadsheet: CSV formula injection neutralised (OWASP).

Spreadsheets evaluate cells that start with ``=``, ``+``, ``-`` or ``@`` (and a few more
characters): a review text ``=HYPERLINK(...)`` would become a live link in the operator's
Excel. Every CSV and workbook the project writes (run records' tables, quarantine files,
import quarantine) goes through :func:`neutralise_formulas` (:func:`write_csv` for CSV), so
that such text is shown, never run. Core: it imports nothing else of ecanalysis and loads
pandas only when a frame is written.
"""

from __future__ import annotations

import os
import re
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The same, full width (an IME's ＝ is read as = by some spreadsheets).
FULL_WIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Leading characters a spreadsheet skips before it looks for a formula.
_LEADING_BLANKS = " \t\r\n\u3000\u00a0"
_BARE_CR = re.compile(r"\r(?!\n)")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula.

    Its first character is ``= + - @`` (or their full-width forms), a tab or a carriage
    return, or such a character follows leading spaces, tabs or line breaks.

    Examples
    --------
    >>> is_formula_like(" \\n=1"), is_formula_like("\\uff1dSUM(1)"), is_formula_like("a=1")
    (True, True, False)
    """
    if text.startswith(FORMULA_STARTS):
        return True
    return text.lstrip(_LEADING_BLANKS).startswith(FORMULA_STARTS[:4] + FULL_WIDTH_STARTS)


def neutralise_text(value: Any) -> Any:
    """Text that a spreadsheet reads as text; other values as they are.

    Formula-like text (:func:`is_formula_like`) gets a leading ``'``; a bare carriage
    return (not followed by a line feed) becomes a line feed, which every CSV writer
    quotes (a spreadsheet would start a new row at an unquoted one).

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text("-5 stars"), neutralise_text("fine"), neutralise_text(-5)
    ("'-5 stars", 'fine', -5)
    >>> neutralise_text("x\\r=1")
    'x\\n=1'
    """
    if not isinstance(value, str):
        return value
    text = _BARE_CR.sub("\n", value)
    return "'" + text if is_formula_like(value) else text


def neutralise_formulas(frame):
    """A copy of ``frame`` whose text cells and column names cannot run as formulas.

    Every text cell goes through :func:`neutralise_text`; numbers (a negative amount)
    and dates keep their type. Every CSV the project writes is written through this
    function (:func:`write_csv`).
    """
    import pandas as pd

    safe = frame.copy()
    for position in range(safe.shape[1]):  # by position: column names may repeat
        values = safe.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype):
            safe.isetitem(position, values.map(neutralise_text, na_action="ignore"))
    if not isinstance(safe.columns, pd.MultiIndex):
        safe.columns = [neutralise_text(c) for c in safe.columns]
    return safe


def write_csv(frame, path: str | os.PathLike) -> None:
    """Write ``frame`` as a CSV a spreadsheet opens safely: UTF-8 with a byte-order mark
    (Excel reads it as UTF-8), text neutralised (:func:`neutralise_formulas`), every cell
    holding a line break or a quote quoted, no index."""
    import csv

    neutralise_formulas(frame).to_csv(
        path, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL, lineterminator="\n"
    )
