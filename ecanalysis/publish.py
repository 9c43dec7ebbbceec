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
import re
import shutil
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecanalysis.notebooks import spec_for
from ecanalysis.paths import publish_dir, sweep_leftovers, temp_dir_beside

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


def is_done(final: Path, fingerprint: str) -> bool:
    """True when the record at ``final`` is ok and was made with ``fingerprint``."""
    try:
        record = json.loads((final / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("status") == "ok" and record.get("fingerprint") == fingerprint


# ---------------------------------------------------------------------------
# publishing


@contextmanager
def staged_record(final: Path) -> Iterator[Path]:
    """A fresh temporary folder beside ``final`` to write a record into; renamed into
    ``final`` when the block ends normally, removed in any case. Leftovers of an earlier
    run that was killed midway are swept first."""
    sweep_leftovers(final)
    temp = temp_dir_beside(final)
    try:
        yield temp
        publish_dir(temp, final)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)


def _write_json(path: Path, record: dict[str, Any]) -> None:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def first_line(error: str) -> str:
    """The first line of an error text (the batch summary's and the alert's message)."""
    return error.strip().splitlines()[0] if error.strip() else "failed"


def finish_ok(temp: Path, fingerprint: str, final: Path) -> str | None:
    """Complete the record of a notebook that ran: its ``metrics.json`` gets the
    fingerprint, ``report.html`` is rendered in the record's language with links to the
    index and the neighbouring periods of the record that will be at ``final``. Returns
    the error text when the notebook wrote no ``metrics.json`` (the report then failed),
    else None."""
    from ecanalysis.html import record_links, render_report_html

    metrics_file = temp / "metrics.json"
    if not metrics_file.is_file():
        return (
            "The notebook finished without writing metrics.json (it must end with report.finish())."
        )
    record = json.loads(metrics_file.read_text(encoding="utf-8"))
    record["fingerprint"] = fingerprint
    _write_json(metrics_file, record)
    lang = record.get("parameters", {}).get("lang") or "zh"
    render_report_html(
        temp / "report.ipynb", temp / "report.html", lang=lang, **record_links(final)
    )
    return None


def finish_failed(
    temp: Path, spec: RunSpec, label: str, error: str, fingerprint: str, started: str
) -> None:
    """Write ``error.txt`` and a failed ``metrics.json`` into the record at ``temp``."""
    (temp / "error.txt").write_text(error, encoding="utf-8")
    _write_json(temp / "metrics.json", failed_record(spec, label, error, fingerprint, started))


def write_failure(final: Path, spec: RunSpec, label: str, error: str) -> None:
    """Publish at ``final`` a failed record for a report that never reached its own (its
    process died, or it was refused before it started)."""
    from ecanalysis.record import now as _now

    with staged_record(final) as temp:
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
