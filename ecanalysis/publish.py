"""Publishing a run record: what makes a report done, and what its record holds.

- the rerun fingerprint (:func:`fingerprint`, :func:`is_done`): a hash of everything that
  shapes a report, kept in its ``metrics.json``; a report with the same one is not rerun;
- atomic publishing (:func:`staged_record`): a record is written in a hidden temporary
  folder beside its final place and renamed into it, so a reader never sees half of one;
- the record of a report that ran (:func:`finish_ok`: the fingerprint, ``report.html``)
  or failed (:func:`finish_failed`: ``error.txt`` and a ``metrics.json`` with status
  ``failed``), also for a report whose process died (:func:`write_failure`);
- the stakeholder page (``report.html``, :func:`ecanalysis.html.render_report_html`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecanalysis.notebooks import spec_for
from ecanalysis.paths import (
    lang_name,
    lang_of,
    publish_dir,
    sweep_leftovers,
    temp_dir_beside,
)

if TYPE_CHECKING:
    from ecanalysis.runner import RunSpec

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# ---------------------------------------------------------------------------
# done or not


@functools.cache
def _code_stamp() -> str:
    """The version and source files (path, size, mtime) of the installed ecanalysis: a
    report done by other code is not done (an upgrade or a fix reruns it). Once a process:
    the code it runs does not change under it."""
    import ecanalysis

    package = Path(ecanalysis.__file__).parent
    stamp = [ecanalysis.__version__]
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        stamp.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(stamp)


def fingerprint(spec: RunSpec, nb_path: Path, data_dir: Path, params_dir: Path, label: str) -> str:
    """A hash of everything that shapes a report: the library's code, notebook,
    parameters, data and params files."""
    digest = hashlib.sha256()
    digest.update(_code_stamp().encode())
    digest.update(nb_path.read_bytes())
    digest.update(
        json.dumps(
            [spec.store_id, label, spec.parameters, spec.on_bad_rows], sort_keys=True, default=str
        ).encode()
    )
    for root in (data_dir, params_dir):
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(
                        f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                    )
    return digest.hexdigest()[:20]


def is_done(final: Path, fingerprint: str, *, lang: str | None = None) -> bool:
    """True when the record at ``final`` (its ``lang`` files for a second language) is ok
    and was made with ``fingerprint``."""
    try:
        record = json.loads((final / lang_name("metrics.json", lang)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("status") == "ok" and record.get("fingerprint") == fingerprint


# ---------------------------------------------------------------------------
# publishing


@contextmanager
def record_lock(final: Path, *, wait_message: str | None = None) -> Iterator[None]:
    """Hold the lock of the record at ``final`` (``<out>/<notebook>/<store>/<label>``: an
    ``fcntl`` lock on ``<out>/.locks/<notebook>__<store>__<label>.lock``), so that two processes writing the same record
    (two batches on one ``--out``, one report twice in a batch) take turns instead of
    sweeping each other's temporary folder. When another process holds it, print
    ``wait_message`` on stderr and wait. Released when the block ends or the process dies.
    """
    import fcntl
    import sys

    locks = final.parents[2] / ".locks"  # <out>/.locks: no file among the records
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / ("__".join(final.parts[-3:]) + ".lock"), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if wait_message:
                print(wait_message, file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sweep(final: Path) -> None:
    """Remove what a run of ``final`` that was killed midway left beside it (hidden
    ``.tmp-`` and ``.old-`` folders). Call it holding :func:`record_lock`."""
    sweep_leftovers(final)


@contextmanager
def staged_record(final: Path, *, lang: str | None = None) -> Iterator[Path]:
    """A fresh temporary folder beside ``final`` to write a record into; renamed into
    ``final`` when the block ends normally, removed in any case. Leftovers of an earlier
    run that was killed midway are swept first (hold :func:`record_lock`).

    ``lang`` (a language other than the store's default) makes the record a second one
    beside the first in the same folder: its files are renamed with the language
    (:func:`lang_name`: ``report.en.html``, ``metrics.en.json``, ``tables.en/`` …), and
    the files of the other language already in ``final`` are carried over, so that
    publishing one language never removes the other."""
    sweep_leftovers(final)
    temp = temp_dir_beside(final)
    try:
        yield temp
        if lang is not None:
            for entry in list(temp.iterdir()):
                entry.rename(temp / lang_name(entry.name, lang))
        _carry_over(final, temp, lang)
        publish_dir(temp, final)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)


def _carry_over(final: Path, temp: Path, lang: str | None) -> None:
    """Link into ``temp`` the entries of ``final`` that belong to the other records of
    the folder (the default one, or the other languages'), so the rename keeps them."""
    if not final.is_dir():
        return
    for entry in final.iterdir():
        if lang_of(entry.name) == lang or (temp / entry.name).exists():
            continue
        target = temp / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def no_data_note(final: Path, *, lang: str | None = None) -> str | None:
    """The "no data for this period" note of the record at ``final``, when it has one."""
    try:
        record = json.loads((final / lang_name("metrics.json", lang)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    note = record.get("no_data") if isinstance(record, dict) else None
    return note if isinstance(note, str) else None


def _no_data(record: dict[str, Any]) -> str | None:
    """For a period that begins after the data end: "no data for this period" with the
    store, period and data end (the report is still written, marked partial)."""
    period = record.get("period") or {}
    last = (record.get("coverage") or {}).get("last")
    start = period.get("start")
    if not isinstance(last, str) or not isinstance(start, str) or start[:10] <= last[:10]:
        return None
    return (
        f"no data for this period: store {record.get('store_id')}, period "
        f"{period.get('label')}, data end {last[:10]} (the report shows zeros; import "
        "the missing days or pick a period inside the data)"
    )


def _write_json(path: Path, record: dict[str, Any]) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def first_line(error: str) -> str:
    """The first line of an error text (the batch summary's and the alert's message)."""
    return error.strip().splitlines()[0] if error.strip() else "failed"


def finish_ok(temp: Path, fingerprint: str, final: Path, *, lang: str | None = None) -> str | None:
    """Complete the record of a notebook that ran: its ``metrics.json`` gets the
    fingerprint, ``report.html`` is rendered in the record's language with links to the
    index and the neighbouring periods of the record that will be at ``final`` (their pages
    in the same language: ``report.<lang>.html`` for a second-language record). Returns
    the error text when the notebook wrote no ``metrics.json`` (the report then failed),
    else None."""
    from ecanalysis.html import record_links, render_report_html

    metrics_file = temp / "metrics.json"
    if not metrics_file.is_file():
        return "The notebook finished without writing metrics.json (it must end with rec.finish())."
    record = json.loads(metrics_file.read_text(encoding="utf-8"))
    record["fingerprint"] = fingerprint
    note = _no_data(record)
    if note is not None:
        record["no_data"] = note
        alert = {"level": "warning", "message": note}
        record["alerts"] = [alert, *(record.get("alerts") or [])]
        if isinstance(record.get("period"), dict):
            record["period"]["complete"] = False
    _write_json(metrics_file, record)
    links = record_links(final, html_name=lang_name("report.html", lang))
    page_lang = record.get("parameters", {}).get("lang") or "zh"
    render_report_html(temp / "report.ipynb", temp / "report.html", lang=page_lang, **links)
    return None


def finish_failed(
    temp: Path, spec: RunSpec, label: str, error: str, fingerprint: str, started: str
) -> None:
    """Write ``error.txt`` and a failed ``metrics.json`` into the record at ``temp``."""
    (temp / "error.txt").write_text(error, encoding="utf-8")
    _write_json(temp / "metrics.json", failed_record(spec, label, error, fingerprint, started))


def write_failure(
    final: Path, spec: RunSpec, label: str, error: str, *, lang: str | None = None
) -> None:
    """Publish at ``final`` a failed record for a report that never reached its own (its
    process died, or it was refused before it started)."""
    from ecanalysis.record import now as _now

    with record_lock(final), staged_record(final, lang=lang) as temp:
        finish_failed(temp, spec, label, error + "\n", "", _now())


def failed_record(
    spec: RunSpec, label: str, error: str, fingerprint: str, started: str
) -> dict[str, Any]:
    """The ``metrics.json`` of a failed report (DESIGN §6): status ``failed``, its key
    KPIs unknown, the error's first line as a critical alert."""
    from ecanalysis.record import now as _now
    from ecanalysis.record import versions

    return {
        "notebook": spec.notebook,
        "store_id": spec.store_id,
        "period": {"label": label, "start": None, "end": None},
        "parameters": {"store_id": spec.store_id, "period": label, **spec.parameters},
        # never empty (DESIGN §6): the headline KPIs, unknown
        "kpis": dict.fromkeys(spec_for(spec.notebook).key_kpis),
        "comparisons": {},
        "alerts": [{"level": "critical", "message": first_line(error)[:500]}],
        "data": {},
        "coverage": {"first": None, "last": None},
        "quarantined": {},
        "started_at": started,
        "finished_at": _now(),
        "status": "failed",
        "versions": versions(),
        "fingerprint": fingerprint,
    }


def error_text(exc: BaseException) -> str:
    """A readable error for ``error.txt``: first line ``ename: evalue (cell N)`` (shown in
    the batch summary and the record's alert), then the failing cell and the traceback,
    without ANSI codes."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        tb = _ANSI.sub("", "\n".join(exc.traceback or []))
        return (
            f"{exc.ename}: {exc.evalue} (cell {exc.cell_index}, "
            f"execution count {exc.exec_count})\n\n"
            f"--- cell source ---\n{exc.source}\n\n--- error ---\n{exc.ename}: {exc.evalue}\n\n{tb}\n"
        )
    return f"{type(exc).__name__}: {exc}\n\n" + "".join(traceback.format_exception(exc))
