"""Where a dataset's tables live: the one discovery of table files (DESIGN §2).

A dataset directory holds one source per table: ``<table>.parquet``, ``<table>.csv`` or a
hive-partitioned folder ``<table>/**/*.parquet``. :func:`find_tables` lists every source
and every other entry; :func:`discover` is the strict form the data layer reads with (one
source per table, else an error). Both the DuckDB catalog (:mod:`ecanalysis._catalog`) and
validation (:mod:`ecanalysis.validate`) use it. Imports neither pandas nor DuckDB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ecanalysis.errors import DataError
from ecanalysis.schema import TABLES

#: File forms by suffix (lower case).
FORMS = {".csv": "csv", ".parquet": "parquet"}
#: A CSV line longer than this is refused: no export has one (the file is not line-based
#: text, or lost its line breaks).
MAX_LINE_BYTES = 1024 * 1024
#: First bytes of archives that are sometimes saved under a ``.csv`` name.
_ARCHIVES = {b"PK\x03\x04": "a zip archive", b"\x1f\x8b": "gzip-compressed"}
_PARQUET_MAGIC = b"PAR1"
_UTF8_FIX = "save it again as CSV UTF-8 (Excel: Save As → CSV UTF-8)"

_HIVE_KEY = re.compile(r"^([^=/\\]+)=")


@dataclass(frozen=True)
class TableFile:
    """One source of a table: a Parquet or CSV file, or a hive-partitioned folder."""

    table: str
    form: str  # "parquet", "csv" or "hive"
    path: Path

    def partition_keys(self) -> set[str]:
        """Names of the hive partition columns (``store_id`` of ``store_id=shop01/``)."""
        if self.form != "hive":
            return set()
        keys = set()
        for file in self.path.rglob("*.parquet"):
            for part in file.relative_to(self.path).parts[:-1]:
                match = _HIVE_KEY.match(part)
                if match:
                    keys.add(match.group(1))
        return keys


@dataclass
class Found:
    """What :func:`find_tables` saw in a dataset directory."""

    sources: dict[str, list[TableFile]] = field(default_factory=dict)  # per table, by name
    ignored: list[Path] = field(default_factory=list)  # entries that are no table's source


def table_file(entry: Path) -> TableFile | None:
    """``entry`` as the source of a table of the contract, or None.

    Hidden entries (``.DS_Store``, ``.git``) and folders without ``.parquet`` files are
    no table's source.

    Examples
    --------
    >>> table_file(Path("data/orders.CSV"))
    TableFile(table='orders', form='csv', path=PosixPath('data/orders.CSV'))
    >>> table_file(Path("data/orders.xlsx")) is None
    True
    """
    if entry.name.startswith("."):
        return None
    if entry.is_dir():
        if entry.name in TABLES and any(entry.rglob("*.parquet")):
            return TableFile(entry.name, "hive", entry)
        return None
    form = FORMS.get(entry.suffix.lower())
    if form and entry.stem in TABLES:
        return TableFile(entry.stem, form, entry)
    return None


def find_tables(root: Path) -> Found:
    """Every source of every table in directory ``root``, and the entries ignored.

    Hidden entries are neither sources nor ignored entries. A table may have several
    sources here (``orders.csv`` and ``orders.parquet``): the caller decides.
    """
    found = Found()
    for entry in sorted(Path(root).iterdir()):
        if entry.name.startswith("."):
            continue
        source = table_file(entry)
        if source is None:
            found.ignored.append(entry)
        else:
            found.sources.setdefault(source.table, []).append(source)
    return found


def discover(path: str | Path) -> dict[str, TableFile]:
    """The one source of each table present in dataset directory ``path``.

    Raises
    ------
    ecanalysis.errors.DataError
        When ``path`` is not a directory, or a table has two sources (the reader could not
        tell which is current).
    """
    root = Path(path)
    if not root.is_dir():
        raise DataError(
            f"dataset directory {root} does not exist or is not a directory; "
            "pass the folder that holds stores.* and orders.* (e.g. `ecanalysis sample DIR`)"
        )
    sources = {}
    for table, candidates in find_tables(root).sources.items():
        if len(candidates) > 1:
            names = ", ".join(c.path.name for c in candidates)
            raise DataError(
                f"table {table!r} has {len(candidates)} sources in {root} ({names}); "
                "keep one of them and move the others away"
            )
        sources[table] = candidates[0]
    return sources


# ---------------------------------------------------------------------------
# why a file cannot be read


def diagnose(path: Path, form: str | None = None) -> tuple[str, str] | None:
    """What is wrong with a table's file, and how to fix it, or None when nothing is seen.

    One ``(what, fix)`` pair, each one line naming the file: an empty file, an archive
    (zip, gzip) named ``.csv``, text that is not UTF-8 (GBK/GB18030 is recognised), a
    line longer than :data:`MAX_LINE_BYTES`, a Parquet file that is truncated or not
    Parquet. A hive folder is diagnosed file by file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     file = Path(d) / "orders.csv"
    ...     _ = file.write_bytes("店铺".encode("gbk"))
    ...     diagnose(file)[0]
    'orders.csv is not UTF-8 text (first at line 1); it looks like GBK/GB18030, as Excel saves CSV on Chinese Windows'
    """
    path = Path(path)
    if path.is_dir():
        for file in sorted(path.rglob("*.parquet")):
            found = diagnose(file, "parquet")
            if found:
                return (f"{path.name}/{file.relative_to(path)}: {found[0]}", found[1])
        return None
    form = form or FORMS.get(path.suffix.lower(), "csv")
    size = path.stat().st_size
    if size == 0:
        return (
            f"{path.name} is empty (0 bytes)",
            "export the table again (a CSV needs at least its header row), "
            "or remove the file if the table is optional",
        )
    with path.open("rb") as file:
        head = file.read(4)
        file.seek(max(size - 4, 0))
        tail = file.read(4)
    for magic, what in _ARCHIVES.items():
        if head.startswith(magic):
            return (
                f"{path.name} is {what}, not a {'Parquet' if form == 'parquet' else 'CSV'} file",
                f"unpack it and save the table it holds as {path.name}",
            )
    if form == "parquet":
        if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
            return (
                f"{path.name} cannot be read: file is truncated or not Parquet",
                "write or copy the file again (re-export it)",
            )
        return None
    return _diagnose_text(path)


def _diagnose_text(path: Path) -> tuple[str, str] | None:
    """Encoding and line length of a CSV file, read in chunks."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    line, run = 1, 0  # the line being read, and its bytes so far
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return _not_utf8(path, line + chunk[: error.start].count(b"\n"))
            lengths = [len(part) for part in chunk.split(b"\n")]
            lengths[0] += run
            for index, length in enumerate(lengths):
                if length > MAX_LINE_BYTES:
                    return _long_line(path, line + index)
            line += len(lengths) - 1
            run = lengths[-1]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _not_utf8(path, line)
    return None


def _not_utf8(path: Path, line: int) -> tuple[str, str]:
    with path.open("rb") as file:
        sample = file.read(1 << 16)
    if _looks_like_gbk(sample):
        return (
            f"{path.name} is not UTF-8 text (first at line {line}); it looks like "
            "GBK/GB18030, as Excel saves CSV on Chinese Windows",
            f"{_UTF8_FIX}, or convert it: iconv -f GB18030 -t UTF-8 {path.name} > utf8.csv",
        )
    return (f"{path.name} is not UTF-8 text (first at line {line})", _UTF8_FIX)


def _long_line(path: Path, line: int) -> tuple[str, str]:
    return (
        f"{path.name} cannot be read as CSV: line {line} is longer than "
        f"{MAX_LINE_BYTES // (1024 * 1024)} MiB (not line-based text, or its line breaks "
        "were lost)",
        "re-export the table as CSV with one row per line",
    )


def _looks_like_gbk(data: bytes) -> bool:
    """True when ``data`` decodes as GB18030 into Chinese text (a cut last character is
    forgiven)."""
    text = data.decode("gb18030", errors="ignore")
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
