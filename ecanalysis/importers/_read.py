"""Reading a platform's export file as text: encoding, header row, Excel-style cells.

Exports come from Excel and from Chinese Windows as often as from the platform itself, so
a file is read as the user has it:

- CSV in UTF-8 (with or without a byte-order mark) or GBK/GB18030 (tried in that order;
  GB18030 is a superset of GBK), UTF-16 with a byte-order mark and tabs or commas between
  cells (Google Ads' "Excel .csv"), or an ``.xlsx`` workbook (first sheet, via openpyxl);
- the header is the first of the first :data:`HEADER_SEARCH_ROWS` rows that holds every
  column a layout requires, so title lines above it (生意参谋 puts the shop and the dates
  there) are skipped;
- every cell is text: surrounding blanks and tabs are stripped, and Excel's text guards
  ``="1234567890"`` and ``'1234567890`` are removed, so that ids keep every digit.

Nothing is parsed here: money, counts and times are parsed by the platform modules, which
quarantine the rows whose cells do not parse.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ecanalysis.errors import DataError

#: Text encodings tried for CSV files, in order.
ENCODINGS = ("utf-8-sig", "gb18030")
#: How many rows from the top may hold the header.
HEADER_SEARCH_ROWS = 20
#: How alike (difflib ratio, case ignored) a found column must be to be named "closest".
CLOSE_RATIO = 0.8
_EXCEL_GUARD = re.compile(r'^="(.*)"$', re.DOTALL)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class NotAnExportError(DataError):
    """A file without the header of any layout of the platform it was given to."""


@dataclass(frozen=True)
class Export:
    """One export file, read as text.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    kind : str
        Which layout of the platform it matched (``orders``, ``items``, ``traffic``).
    frame : pandas.DataFrame
        Data rows under the header, every cell ``str`` (``""`` when empty), the header's
        column names; ``RangeIndex`` from 0.
    encoding : str
        ``utf-8-sig``, ``gb18030``, ``utf-16`` or ``xlsx``.
    header_line : int
        1-based line (or sheet row) of the header.
    digest : str
        SHA-256 of the file's bytes (names the quarantine file of an import).
    row_lines : tuple of int
        File line (1-based row of the file) of each data row; empty: the rows follow the
        header without a gap.
    repeated_headers : int
        Rows below the header that repeat it (exports concatenated into one file), dropped.
    row_files : tuple of str
        File name of each data row when some came from another file of the import (an
        order cut across files); empty: every row is from ``path``.
    """

    path: Path
    kind: str
    frame: pd.DataFrame
    encoding: str
    header_line: int
    digest: str
    row_lines: tuple[int, ...] = ()
    repeated_headers: int = 0
    row_files: tuple[str, ...] = ()

    def lines(self, positions: pd.Index) -> list[int]:
        """File lines (1-based) of the data rows at 0-based ``positions``."""
        if self.row_lines:
            return [self.row_lines[int(p)] for p in positions]
        return [self.header_line + 1 + int(p) for p in positions]

    def files(self, positions: pd.Index) -> list[str]:
        """File names of the data rows at 0-based ``positions``."""
        if self.row_files:
            return [self.row_files[int(p)] for p in positions]
        return [self.path.name] * len(positions)


def read_export(path: str | Path, layouts: Mapping[str, Sequence[str]], *, platform: str) -> Export:
    """Read ``path`` and find its header among ``layouts`` (kind → required columns).

    Raises
    ------
    ecanalysis.errors.DataError
        When the file is unreadable, in an unknown encoding or an old ``.xls`` workbook;
        :class:`NotAnExportError` when it has no row holding the columns of any layout
        (the message names the columns found and the closest matches of the missing ones).
    """
    path = Path(path)
    data = path.read_bytes()
    rows, encoding = _rows(path, data)
    found = _find_header(rows, layouts)
    if found is None:
        raise NotAnExportError(_no_header_message(path, rows, layouts, platform))
    kind, index = found
    header = [_clean(cell) for cell in rows[index]]
    width = len(header)
    numbered = [
        (number, _fit([_clean(c) for c in row], width))
        for number, row in enumerate(rows[index + 1 :], start=index + 2)
    ]
    # blank rows, and the header again (two exports concatenated into one file)
    repeated = sum(row == header for _, row in numbered)
    numbered = [(number, row) for number, row in numbered if any(row) and row != header]
    body = [row for _, row in numbered]
    frame = pd.DataFrame(body, columns=_unique(header), dtype="str")
    if frame.empty:
        frame = pd.DataFrame({name: pd.Series(dtype="str") for name in _unique(header)})
    return Export(
        path=path,
        kind=kind,
        frame=frame,
        encoding=encoding,
        header_line=index + 1,
        digest=hashlib.sha256(data).hexdigest(),
        row_lines=tuple(number for number, _ in numbered),
        repeated_headers=repeated,
    )


def header_kind(path: str | Path, layouts: Mapping[str, Sequence[str]]) -> str | None:
    """The layout kind whose header ``path`` holds, None when none (or unreadable)."""
    try:
        rows, _ = _rows(Path(path), Path(path).read_bytes())
    except (OSError, DataError):
        return None
    found = _find_header(rows, layouts)
    return None if found is None else found[0]


def _rows(path: Path, data: bytes) -> tuple[list[list[str]], str]:
    if data.startswith(_OLE_MAGIC):
        raise DataError(
            f"{path} is an old Excel .xls workbook, which ecanalysis does not read; "
            "open it in Excel or LibreOffice and save it as .xlsx or CSV"
        )
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(path), "xlsx"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Google Ads' "Excel .csv" download: UTF-16 with tabs between the cells
        text = data.decode("utf-16")
        head = text[:4096]  # title lines come first: judge by the first rows
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), "utf-16"
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            return list(reader), encoding
        except csv.Error as exc:  # a field over the csv module's limit, a NUL byte
            raise DataError(
                f"{path} cannot be read as CSV: line {reader.line_num}: {exc}; export the "
                "file again (CSV, one row per line, quotes closed) or as .xlsx"
            ) from None
    raise DataError(
        f"{path} is neither UTF-8 nor GBK/GB18030 text; save it as CSV (UTF-8) or .xlsx"
    )


def _xlsx_rows(path: Path) -> list[list[str]]:
    try:
        sheet = pd.read_excel(path, header=None, dtype="str", engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise DataError(f"{path} cannot be read as an .xlsx workbook: {exc}") from exc
    return [["" if pd.isna(v) else str(v) for v in row] for row in sheet.itertuples(index=False)]


def _clean(cell: str) -> str:
    text = cell.strip().strip("\t").strip()
    guarded = _EXCEL_GUARD.match(text)
    if guarded:
        return guarded.group(1).strip()
    if text.startswith("'"):
        return text[1:].strip()
    return text


def _fit(row: list[str], width: int) -> list[str]:
    return (row + [""] * width)[:width]


def _unique(header: list[str]) -> list[str]:
    """Header names, later repeats suffixed ``.1``, ``.2`` (as pandas does)."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        count = seen.get(name, 0)
        names.append(name if count == 0 else f"{name}.{count}")
        seen[name] = count + 1
    return names


def _find_header(
    rows: list[list[str]], layouts: Mapping[str, Sequence[str]]
) -> tuple[str, int] | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = {_clean(c) for c in row}
        for kind, required in layouts.items():
            if set(required) <= cells:
                return kind, index
    return None


def _no_header_message(
    path: Path, rows: list[list[str]], layouts: Mapping[str, Sequence[str]], platform: str
) -> str:
    if not rows:
        return f"{path} is empty: expected a {platform} export with a header row"
    best = max(rows[:HEADER_SEARCH_ROWS], key=lambda row: sum(bool(c.strip()) for c in row))
    present = [_clean(c) for c in best if c.strip()]
    parts = []
    for kind, required in layouts.items():
        missing = [c for c in required if c not in present]
        hints = []
        for column in missing:
            guess = close_name(column, present)
            hints.append(f"{column!r}" + (f" (closest: {guess!r})" if guess else ""))
        article = "an" if kind[:1] in "aeiou" else "a"
        parts.append(f"{article} {kind} file needs {', '.join(hints)}")
    return (
        f"{path} does not look like a {platform} export: {'; '.join(parts)}. "
        f"Columns found ({len(present)}): {present}. Check the platform name, or export the file "
        "again with these columns"
    )


def close_name(column: str, present: Sequence[str]) -> str | None:
    """The found column most like ``column`` when it is really close, else None.

    Close means a difflib ratio of at least :data:`CLOSE_RATIO` with case ignored
    (``Financial status`` for ``Financial Status``, ``Lineitem qty`` is not): a hint to a
    name that merely shares letters misleads more than no hint.
    """
    best, score = None, 0.0
    for name in present:
        ratio = difflib.SequenceMatcher(None, column.lower(), name.lower()).ratio()
        if ratio > score:
            best, score = name, ratio
    return best if score >= CLOSE_RATIO else None
