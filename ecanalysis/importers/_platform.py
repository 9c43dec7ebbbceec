"""What every platform module provides, and the pieces they share.

A platform module (``shopify``, ``woocommerce``, ``taobao``, ``sycm``) defines a
:class:`Platform`: its export layouts (the columns that identify a file and the ones it
reads) and a ``mapper`` that turns one :class:`~ecanalysis.importers._read.Export` into
canonical rows (:class:`Mapped`). Rows that cannot be mapped are returned, never dropped:
they go to the import's quarantine file with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecanalysis.importers._parse import RowProblems
from ecanalysis.importers._read import Export

#: Columns that the quarantine file puts before the export's own columns.
QUARANTINE_COLUMNS = ("reason", "file", "line")


@dataclass(frozen=True)
class Context:
    """What a mapper needs to know of the store the rows are filed under."""

    store_id: str
    timezone: str
    currency: str

    def order_id(self, platform_ids: pd.Series) -> pd.Series:
        """``<store_id>:<platform id>``, the canonical order id (DESIGN §6)."""
        return (self.store_id + ":" + platform_ids).astype("str")


@dataclass(frozen=True)
class Layout:
    """One kind of export file of a platform.

    ``required`` identify the file (its header must hold them all) and must be present;
    ``optional`` are read when present.
    """

    kind: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


@dataclass
class Mapped:
    """Canonical rows from one export, and the rows that could not be mapped.

    ``sources`` gives, for a table whose rows map one to one to export rows, the 0-based
    export row of each (so that rows set aside later, such as lines of an unknown order,
    go to quarantine as the user has them).
    """

    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    store_name: str | None = None
    sources: dict[str, np.ndarray] = field(default_factory=dict)
    #: Counts kept by the mapper for the import summary (summed over the files).
    facts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Platform:
    """A platform's layouts, how its files map, its defaults, and where its times are.

    ``time_columns`` are checked against ``--timezone`` where they carry a UTC offset;
    ``export_zone`` is the zone of a platform whose exports are always in one zone
    (淘宝 and 生意参谋: Asia/Shanghai), which ``--timezone`` is compared with.
    """

    name: str
    title: str
    layouts: tuple[Layout, ...]
    mapper: Callable[[Export, Context], Mapped] = field(repr=False)
    currency_column: str | None = None
    default_currency: str | None = None
    notes: str = ""
    #: Columns holding times: those with a UTC offset are checked against --timezone.
    time_columns: tuple[str, ...] = ()
    #: Columns with the buyer's country (ISO code): its zones are suggested first.
    country_columns: tuple[str, ...] = ()
    #: The zone of the platform's naive times when it is always the same (China time).
    export_zone: str | None = None
    #: The currencies an export states when not in a column (Meta: ``Amount spent (USD)``).
    currencies: Callable[[Export], list[str]] | None = field(default=None, repr=False)
    #: Notes of the import summary from the mappers' summed ``facts``.
    summary: Callable[[dict[str, int]], list[str]] | None = field(default=None, repr=False)
    #: Joins the rows of one order split across the files of one import (the rows of a
    #: file that lack the order's fields go to the file that has them), or None.
    join_files: Callable[[list[Export]], list[Export]] | None = field(default=None, repr=False)

    @property
    def header_markers(self) -> dict[str, tuple[str, ...]]:
        """Layout kind → required columns (what :func:`read_export` looks for)."""
        return {layout.kind: layout.required for layout in self.layouts}


def order_joiner(number: str, head: tuple[str, ...]) -> Callable[[list[Export]], list[Export]]:
    """A :attr:`Platform.join_files` for exports with one row per line item whose order
    fields are on the order's first row: ``number`` names the order, ``head`` are columns
    that only (or also) the first row fills (:func:`join_split_orders`)."""

    def join(exports: list[Export]) -> list[Export]:
        return join_split_orders(exports, number=number, head=head)

    return join


def join_split_orders(exports: list[Export], *, number: str, head: tuple[str, ...]) -> list[Export]:
    """Move the line rows of an order that a file has without the order's fields (its
    first row, with ``head`` filled, is in another file of the same import: one export cut
    in two) to the last file that has them, after its rows of the order.

    Examples
    --------
    >>> from pathlib import Path
    >>> def export(name, rows):
    ...     frame = pd.DataFrame(rows, columns=["Name", "Created at", "Lineitem sku"])
    ...     return Export(Path(name), "orders", frame, "utf-8-sig", 1, name)
    >>> first = export("a.csv", [["#1", "2025-11-01 10:00", "A"]])
    >>> second = export("b.csv", [["#1", "", "B"], ["#2", "2025-11-02 10:00", "C"]])
    >>> joined = join_split_orders([first, second], number="Name", head=("Created at",))
    >>> joined[0].frame["Lineitem sku"].tolist(), joined[1].frame["Lineitem sku"].tolist()
    (['A', 'B'], ['C'])
    >>> joined[0].lines(pd.Index([0, 1])), joined[0].files(pd.Index([0, 1]))
    ([2, 2], ['a.csv', 'b.csv'])
    """
    import dataclasses

    numbers = [_order_numbers(e.frame, number) for e in exports]
    heads = [set(n[_has_any(e.frame, head)]) - {""} for e, n in zip(exports, numbers, strict=True)]
    moved: dict[int, list[tuple[pd.DataFrame, list[int], list[str]]]] = {}
    kept = []
    for index, (export, values) in enumerate(zip(exports, numbers, strict=True)):
        orphan = ~values.isin(heads[index]) & (values != "")
        owners = {
            value: next(
                (j for j in range(len(exports) - 1, -1, -1) if j != index and value in heads[j]),
                None,
            )
            for value in set(values[orphan])
        }
        owner = values.map(owners).where(orphan)
        for j in sorted({int(o) for o in owner.dropna()}):
            at = np.flatnonzero((owner == j).to_numpy())
            where = pd.Index(at)
            moved.setdefault(j, []).append(
                (export.frame.iloc[at], export.lines(where), export.files(where))
            )
        kept.append(owner.isna().to_numpy())
    if not moved:
        return exports
    joined = []
    for index, export in enumerate(exports):
        keep = kept[index]
        frames = [export.frame[keep]] + [rows for rows, _, _ in moved.get(index, [])]
        lines = export.lines(pd.Index(np.flatnonzero(keep)))
        files = export.files(pd.Index(np.flatnonzero(keep)))
        for _, more_lines, more_files in moved.get(index, []):
            lines += more_lines
            files += more_files
        frame = pd.concat(frames, ignore_index=True).reindex(columns=export.frame.columns)
        joined.append(
            dataclasses.replace(
                export,
                frame=frame.fillna("").astype("str"),
                row_lines=tuple(lines),
                row_files=tuple(files),
            )
        )
    return joined


def _order_numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].fillna("").astype("str").str.strip().str.lstrip("#").str.strip()


def _has_any(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Rows with any of ``columns`` filled (the first row of an order)."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return pd.Series(False, index=frame.index)
    return (frame[present] != "").any(axis=1)


def quarantine_frame(export: Export, mask: np.ndarray, reasons: list[str]) -> pd.DataFrame:
    """The export's rows where ``mask`` holds, with ``reason``, ``file`` and ``line`` first."""
    positions = np.flatnonzero(mask)
    rows = export.frame.iloc[positions].reset_index(drop=True)
    head = pd.DataFrame(
        {
            "reason": pd.Series([reasons[p] for p in positions], dtype="str"),
            "file": pd.Series(export.files(pd.Index(positions)), dtype="str"),
            "line": pd.Series(export.lines(pd.Index(positions)), dtype="int64"),
        }
    )
    return pd.concat([head, rows], axis=1)


def spread_to_orders(
    key: pd.Series, rows: RowProblems, order_reasons: pd.Series
) -> tuple[np.ndarray, list[str]]:
    """Quarantine whole orders: every row of an order with any problem.

    Parameters
    ----------
    key : pandas.Series
        The platform order id of each row (``""`` where missing).
    rows : RowProblems
        Problems of single rows (a line item's quantity, a missing id …).
    order_reasons : pandas.Series
        Reason per order id (index), ``""`` for good orders.

    Returns
    -------
    mask, reasons
        Rows to quarantine and the reason of each row: its own reasons, then its order's;
        a good row of a bad order says so.
    """
    own = rows.reasons()
    of_order = key.map(order_reasons).fillna("").tolist()
    bad_keys = set(order_reasons.index[order_reasons != ""])
    bad_keys |= {k for k, r in zip(key, own, strict=True) if r and k}
    mask = np.array([bool(r) or (k in bad_keys) for k, r in zip(key, own, strict=True)], dtype=bool)
    reasons = []
    for reason, order_reason, row_bad in zip(own, of_order, mask, strict=True):
        parts = [p for p in (reason, order_reason) if p]
        if row_bad and not parts:
            parts = ["another row of this order cannot be mapped"]
        reasons.append("; ".join(parts))
    return mask, reasons
