"""Safe path components, atomic file writes and atomic directory publication.

Identifiers that become path components (store ids, notebook names, campaign ids,
period labels) are checked here before any path is built, so nothing is ever written
outside the output directory.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ecanalysis.errors import DataError, ParameterError

#: DESIGN §6: identifiers that become path components.
IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: Period labels (DESIGN §4) such as ``2025-W46`` or ``2025-11-01..2025-11-15``.
LABEL_RE = re.compile(r"^[0-9]{4}[0-9A-Za-z.-]{0,40}$")


def check_identifier(value: object, what: str) -> str:
    """Return ``value`` as a string when it is a safe identifier; else raise ParameterError.

    Allowed: a letter or digit, then up to 63 letters, digits, ``_``, ``.`` or ``-``;
    ``.`` and ``..`` are refused, as is the reserved store id ``all`` when ``what`` is
    ``store_id``.
    """
    text = "" if value is None else str(value)
    shown = repr(text) if len(text) <= 80 else repr(text[:77] + "...")
    if not IDENTIFIER_RE.fullmatch(text) or text in {".", ".."}:
        raise ParameterError(
            f"{what} {shown} is not allowed: use 1–64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit (no '/', spaces or control characters)"
        )
    return text


def check_label(label: str) -> str:
    """Check a period label before it becomes a path component."""
    if not LABEL_RE.fullmatch(label):
        raise ParameterError(f"period label {label!r} is not a safe path component")
    return label


def record_dir(out: str | os.PathLike, notebook: str, store_id: str, label: str) -> Path:
    """``out/<notebook>/<store_id>/<label>``, every component checked, resolved inside ``out``."""
    root = Path(out).resolve()
    path = (
        root
        / check_identifier(notebook, "notebook")
        / check_identifier(store_id, "store_id")
        / check_label(label)
    ).resolve()
    if root not in path.parents:
        raise ParameterError(f"refusing to write outside {root}: {path}")
    return path


def safe_target(root: str | os.PathLike, relative: str | os.PathLike) -> Path:
    """``root/relative`` resolved (symbolic links followed), refused unless it stays inside
    ``root``: every file the project writes under a directory the user named goes through
    this, so that a link placed in that directory cannot send a write elsewhere.

    Raises
    ------
    ecanalysis.errors.DataError
        When ``relative`` is absolute or climbs out with ``..``, or a symbolic link on the
        way (or the target itself) points outside ``root``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     safe_target(d, "quarantine/x.csv") == Path(d).resolve() / "quarantine" / "x.csv"
    True
    """
    base = Path(root).resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise DataError(
            f"refusing to write {relative} outside {base}: it resolves to {target} (a "
            f"symbolic link inside {base}?); remove the link or choose another directory"
        )
    return target


def temp_dir_beside(final: Path) -> Path:
    """A fresh temporary directory in the same parent as ``final`` (same file system)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.parent / f".tmp-{final.name}-{uuid.uuid4().hex[:12]}"
    temp.mkdir()
    return temp


def sweep_leftovers(final: Path) -> list[Path]:
    """Remove what an interrupted run of ``final`` left beside it (``.tmp-`` and ``.old-``
    directories of exactly this record); return them.

    Call it only when no other process is writing the same record, e.g. just before
    rerunning it. Records of other periods in the same folder are never touched.
    """
    if not final.parent.is_dir():
        return []
    pattern = re.compile(rf"\.(tmp|old)-{re.escape(final.name)}-[0-9a-f]{{12}}")
    removed = [p for p in final.parent.iterdir() if p.is_dir() and pattern.fullmatch(p.name)]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def publish_dir(temp: Path, final: Path) -> None:
    """Move a finished ``temp`` directory to ``final`` atomically, replacing an old one.

    A reader sees either the old record or the new one, never a half-written one.
    """
    if final.exists():
        old = final.parent / f".old-{final.name}-{uuid.uuid4().hex[:12]}"
        os.replace(final, old)
        os.replace(temp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(temp, final)


@contextmanager
def atomic_write(path: str | os.PathLike, *, unless_same: bool = False) -> Iterator[Path]:
    """Write one file atomically: ``with atomic_write(path) as temp: <write temp>``.

    Yields a fresh temporary path beside ``path`` (same folder, so the same file system);
    when the block ends without an error, the temporary file replaces ``path`` in one
    rename, so a reader sees the old file or the new one, never half of one. The temporary
    file is removed in every case (an error leaves ``path`` as it was).
    ``unless_same=True`` leaves ``path`` untouched when it already holds the same bytes.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_write(target) as temp:
    ...     _ = temp.write_text("done", encoding="utf-8")
    >>> target.read_text(encoding="utf-8"), [p.name for p in target.parent.iterdir()]
    ('done', ['note.txt'])
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield temp
        if not (unless_same and path.is_file() and path.read_bytes() == temp.read_bytes()):
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (:func:`atomic_write`)."""
    with atomic_write(path) as temp:
        temp.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------
# second-language records (a record folder may hold a report in two languages)

#: Languages a record's files may be named with (a second record: ``report.en.html``).
RECORD_LANGS = ("zh", "en")


def lang_name(name: str, lang: str | None) -> str:
    """The name of a record file in the second-language record of ``lang`` (None: the
    default record's own name).

    >>> lang_name("report.html", "en"), lang_name("tables", "en"), lang_name("x.csv", None)
    ('report.en.html', 'tables.en', 'x.csv')
    """
    if lang is None:
        return name
    stem, dot, suffix = name.partition(".")
    return f"{stem}.{lang}{dot}{suffix}"


def lang_of(name: str) -> str | None:
    """The language of a record file's name (None: the default record's).

    >>> lang_of("metrics.en.json"), lang_of("tables.en"), lang_of("metrics.json")
    ('en', 'en', None)
    """
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RECORD_LANGS else None
