"""Run report notebooks with papermill and file their records.

:func:`run_notebook` executes one notebook for one store and period, in-process
through papermill's Python API, and publishes the run record atomically at
``<out>/<notebook>/<store_id>/<period label>/``: ``report.ipynb``, ``report.html`` (no
input cells, images embedded), ``metrics.json``, ``tables/*.csv``, and ``error.txt``
when it failed. :func:`run_batch` runs many over any ``concurrent.futures.Executor``
(a process pool by default, dask's ``Client.get_executor()`` for a cluster); one
failure never stops the others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import sys
import time
import traceback
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis.config import (
    DEFAULT_CELL_TIMEOUT,
    notebooks_dir,
    resolve_data_dir,
    resolve_params_dir,
)
from ecanalysis.errors import DataError, EcanalysisError, ParameterError, closest
from ecanalysis.paths import (
    check_identifier,
    publish_dir,
    record_dir,
    sweep_leftovers,
    temp_dir_beside,
)

#: The notebooks of DESIGN §1, in reading order.
NOTEBOOKS = (
    "daily_report",
    "weekly_review",
    "monthly_assessment",
    "store_inspection",
    "campaign_review",
    "customer_health",
    "channel_efficiency",
    "portfolio_overview",
)
#: Notebooks that report on the whole portfolio, under store id ``all``.
PORTFOLIO_NOTEBOOKS = ("portfolio_overview",)
#: Parameters the runner sets itself; users set the others with ``-p NAME VALUE``.
RUNNER_PARAMETERS = ("store_id", "period", "data", "params", "output_dir", "on_bad_rows")
KERNEL_NAME = "python3"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class RunSpec:
    """One report to run: which notebook, for which store and period, with what inputs."""

    notebook: str
    store_id: str
    period: str | None = None
    data: str | None = None
    params: str | None = None
    out: str = "runs"
    parameters: dict[str, Any] = field(default_factory=dict)
    on_bad_rows: str = "fail"
    force: bool = False
    timeout: float | None = None
    engine: str = "kernel"


#: How a notebook is executed: ``kernel`` (papermill's Jupyter kernel, isolated) or
#: ``inprocess`` (in the worker's own interpreter: no kernel start-up, shared imports).
ENGINES = ("kernel", "inprocess")


@dataclass
class RunResult:
    """What became of one report: ``ok``, ``skipped`` (done before, same inputs) or ``failed``."""

    notebook: str
    store_id: str
    period: str
    status: str
    record_dir: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True unless the report failed."""
        return self.status != "failed"


# ---------------------------------------------------------------------------
# notebooks


def notebook_path(name: str) -> Path:
    """Path of the notebook ``name``; a clear error names the notebooks that exist."""
    check_identifier(name, "notebook")
    path = notebooks_dir() / f"{name}.ipynb"
    if not path.is_file():
        available = sorted(p.stem for p in notebooks_dir().glob("*.ipynb"))
        guess = closest(name, available)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise ParameterError(f"no notebook {name!r}{hint} Available: {', '.join(available)}")
    return path


def describe_notebooks() -> str:
    """Text listing every notebook with its parameters, types, defaults and help."""
    from ecanalysis.params import notebook_parameters

    lines = []
    for name in NOTEBOOKS:
        path = notebooks_dir() / f"{name}.ipynb"
        if not path.is_file():
            continue
        lines.append(name)
        for pname, spec in notebook_parameters(path).items():
            lines.append(
                f"  {pname}: {spec['type']} = {spec['default']}"
                + (f"  # {spec['help']}" if spec["help"] else "")
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# one report


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


def _fingerprint(spec: RunSpec, nb_path: Path, data_dir: Path, params_dir: Path, label: str) -> str:
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


def _is_done(final: Path, fingerprint: str) -> bool:
    try:
        record = json.loads((final / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("status") == "ok" and record.get("fingerprint") == fingerprint


def resolve_label(spec: RunSpec, data_dir: Path, params_dir: Path) -> str:
    """The canonical period label a spec resolves to (record paths are built from it)."""
    from ecanalysis.data import open_dataset
    from ecanalysis.notebook import check_period_in_data, resolve_period
    from ecanalysis.params import load_settings

    dataset = open_dataset(data_dir)
    settings = load_settings(params_dir, spec.store_id)
    tz = settings["portfolio_timezone"]
    stores = dataset.stores()
    match = stores[stores["store_id"] == spec.store_id]
    store_id = spec.store_id
    if not match.empty:
        tz = match.iloc[0]["timezone"]
    elif spec.store_id != "all":
        store_id = "all"  # an absent store: its report fails, filed under the portfolio period
    campaign_id = spec.parameters.get("campaign_id")
    period = resolve_period(dataset, store_id, spec.period, tz, campaign_id=campaign_id)
    check_period_in_data(dataset, store_id, period)
    return period.label


def _refuse_other_campaign(spec: RunSpec, final: Path, data_dir: Path) -> None:
    """Refuse to replace the review of another campaign: a record is filed by store and
    period, so two campaigns with the same dates (a 双11 sale and a 双11 live-stream, say)
    share one path, and the second review would silently overwrite the first."""
    if spec.notebook != "campaign_review":
        return
    try:
        record = json.loads((final / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no record there yet (or a broken one, which a rerun replaces)
    held = (record.get("parameters") or {}).get("campaign_id")
    wanted = spec.parameters.get("campaign_id")
    if held is None or wanted is None or held == wanted:
        return
    if wanted == "latest":
        from ecanalysis.data import open_dataset
        from ecanalysis.notebook import find_campaign

        wanted = find_campaign(open_dataset(data_dir), spec.store_id, "latest")["campaign_id"]
        if held == wanted:
            return
    raise ParameterError(
        f"{final} already holds the review of campaign {held!r}, which has the same dates "
        f"as {wanted!r} (records are filed by store and period); to keep both, run this one "
        "with another --out; to replace it, add --force"
    )


def _error_text(exc: BaseException) -> str:
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


def render_html(notebook_file: Path, html_file: Path, title: str, *, lang: str = "zh") -> None:
    """Export an executed notebook as self-contained HTML without input cells, its
    bilingual headings and prose in the report language ``lang`` only."""
    import nbformat
    from nbconvert import HTMLExporter

    from ecanalysis.report import markdown_in

    nb = nbformat.read(notebook_file, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_in(cell.source, lang)
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    html_file.write_text(_describe_charts(body, nb), encoding="utf-8")


#: The alt text nbconvert gives an image that has none.
_NO_ALT = 'alt="No description has been provided for this image"'


def _describe_charts(body: str, nb) -> str:
    """Give each chart image of the HTML its description as alt text: the text/plain of
    its output (a figure's titles, :func:`ecanalysis.report.chart_description`), in order.
    Left as nbconvert made it when the images and descriptions do not pair up."""
    import html

    descriptions = [
        str(output.get("data", {}).get("text/plain") or "chart")
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    pieces = body.split(_NO_ALT)
    if len(pieces) != len(descriptions) + 1:
        return body
    out = [pieces[0]]
    for description, piece in zip(descriptions, pieces[1:], strict=True):
        out.append(f'alt="{html.escape(description, quote=True)}"' + piece)
    return "".join(out)


def _failed_record(
    spec: RunSpec, label: str, error: str, fingerprint: str, started: str
) -> dict[str, Any]:
    from ecanalysis.index import KEY_KPIS
    from ecanalysis.notebook import _now, versions

    return {
        "notebook": spec.notebook,
        "store_id": spec.store_id,
        "period": {"label": label, "start": None, "end": None},
        "parameters": {"store_id": spec.store_id, "period": label, **spec.parameters},
        "kpis": dict.fromkeys(KEY_KPIS),  # never empty (DESIGN §6): the headline KPIs, unknown
        "comparisons": {},
        "alerts": [
            {
                "level": "critical",
                "message": error.strip().splitlines()[0][:500] if error.strip() else "failed",
            }
        ],
        "data": {},
        "coverage": {"first": None, "last": None},
        "quarantined": {},
        "started_at": started,
        "finished_at": _now(),
        "status": "failed",
        "versions": versions(),
        "fingerprint": fingerprint,
    }


def run_notebook(spec: RunSpec) -> RunResult:
    """Execute one report and publish its record; never raises for a failing report.

    Argument problems (unsafe identifiers, unknown notebook or parameter, bad period)
    raise :class:`~ecanalysis.errors.EcanalysisError` before anything is written.
    """
    from ecanalysis.notebook import _now
    from ecanalysis.params import notebook_parameters, validate_parameters

    started_clock = time.perf_counter()
    started = _now()
    nb_path = notebook_path(spec.notebook)
    check_identifier(spec.store_id, "store_id")
    declared = notebook_parameters(nb_path)
    extra = validate_parameters(spec.notebook, declared, spec.parameters)
    data_dir = resolve_data_dir(spec.data).resolve()
    params_dir = resolve_params_dir(spec.params).resolve()
    label = resolve_label(spec, data_dir, params_dir)
    final = record_dir(spec.out, spec.notebook, spec.store_id, label)
    fingerprint = _fingerprint(spec, nb_path, data_dir, params_dir, label)
    result = RunResult(spec.notebook, spec.store_id, label, "ok", str(final))
    if not spec.force:
        _refuse_other_campaign(spec, final, data_dir)
    if not spec.force and _is_done(final, fingerprint):
        result.status = "skipped"
        return result

    sweep_leftovers(final)  # of an earlier run that was killed midway
    temp = temp_dir_beside(final)
    try:
        parameters = {
            **extra,
            "store_id": spec.store_id,
            "period": label,
            "data": str(data_dir),
            "params": str(params_dir),
            "output_dir": str(temp),
            "on_bad_rows": spec.on_bad_rows,
        }
        parameters = {k: v for k, v in parameters.items() if k in declared}
        error = _execute(nb_path, temp / "report.ipynb", parameters, spec.timeout, spec.engine)
        metrics_file = temp / "metrics.json"
        if error is None and not metrics_file.is_file():
            error = "The notebook finished without writing metrics.json (it must end with report.finish())."
        if error is None:
            record = json.loads(metrics_file.read_text(encoding="utf-8"))
            record["fingerprint"] = fingerprint
            metrics_file.write_text(
                json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            title = f"{spec.notebook} · {spec.store_id} · {label}"
            lang = record.get("parameters", {}).get("lang") or "zh"
            render_html(temp / "report.ipynb", temp / "report.html", title, lang=lang)
        else:
            (temp / "error.txt").write_text(error, encoding="utf-8")
            record = _failed_record(spec, label, error, fingerprint, started)
            metrics_file.write_text(
                json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            result.status = "failed"
            result.error = error.strip().splitlines()[0] if error.strip() else "failed"
        publish_dir(temp, final)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    result.seconds = time.perf_counter() - started_clock
    return result


def _execute(
    nb_path: Path, output: Path, parameters: dict[str, Any], timeout: float | None, engine: str
) -> str | None:
    """Run the notebook with papermill; return None on success, else the error text."""
    import papermill

    if engine not in ENGINES:
        raise ParameterError(f"engine {engine!r} is not one of {ENGINES}")
    engine_name = None
    kernel_options: dict[str, Any] = {
        # ipykernel warns on stderr, for every report, that a local kernel talks over TCP
        # without CurveZMQ, and logs an ERROR when the SIGINT that jupyter_client sends at
        # shutdown finds it idle ("KeyboardInterrupt caught in kernel", under load). A
        # report's own errors reach error.txt through papermill, not through this log.
        "extra_arguments": ["--IPKernelApp.log_level=CRITICAL"],
        # no heartbeat thread, which can hang forever when the channels stop (kernel.py)
        "kernel_manager_class": "ecanalysis.kernel.ReportKernelManager",
    }
    if engine == "inprocess":
        from ecanalysis.engine import register

        engine_name = register()
        kernel_options = {}
    try:
        papermill.execute_notebook(
            str(nb_path),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            start_timeout=120,
            execution_timeout=timeout or DEFAULT_CELL_TIMEOUT,
            cwd=None,
            engine_name=engine_name,
            **kernel_options,
        )
    except Exception as exc:  # any failure of the report is recorded, not raised
        return _error_text(exc)
    return None


def _run_safely(spec: RunSpec) -> RunResult:
    """:func:`run_notebook` for executors: argument errors become a failed result too."""
    try:
        return run_notebook(spec)
    except Exception as exc:
        return _failed_result(spec, exc)


# ---------------------------------------------------------------------------
# many reports


def default_executor(workers: int):
    """A process pool whose workers start fresh interpreters (``spawn``), safe with kernels."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def run_batch(
    specs: Sequence[RunSpec],
    *,
    executor: Executor | None = None,
    workers: int = 2,
    progress: bool = True,
) -> list[RunResult]:
    """Run many reports concurrently; return one result per spec, in the order given.

    ``executor`` is any ``concurrent.futures.Executor`` (the caller keeps ownership);
    by default a local process pool of ``workers``. A report that fails gives a
    ``failed`` result and the others go on. When a worker process dies (a report that
    crashes the interpreter), the reports it took down with it are retried once, each
    in a fresh process of its own, so that only the culprit fails.
    """
    from concurrent.futures.process import BrokenProcessPool

    from tqdm.auto import tqdm

    own = executor is None
    results: list[RunResult | None] = [None] * len(specs)
    orphans: list[int] = []
    # disable=None: no bar when stderr is not a terminal (cron logs); failures still print
    bar = tqdm(total=len(specs), desc="reports", unit="report", disable=None if progress else True)

    def settle(i: int, result: RunResult) -> None:
        results[i] = result
        bar.update(1)
        if result.status == "failed" and not bar.disable:  # as it happens, on a terminal;
            bar.write(  # the batch's summary lists every failure (once, in a cron log)
                f"failed: {result.notebook} {result.store_id} {result.period}: {result.error}"
            )

    pool = default_executor(workers) if own else executor
    try:
        futures = {pool.submit(_run_safely, spec): i for i, spec in enumerate(specs)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                settle(i, future.result())
            except BrokenProcessPool:
                orphans.append(i)
            except Exception as exc:  # a lost worker fails its report only
                settle(i, _failed_result(specs[i], exc))
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    for i in sorted(orphans):
        with default_executor(1) as solo:
            try:
                settle(i, solo.submit(_run_safely, specs[i]).result())
            except Exception as exc:
                settle(i, _failed_result(specs[i], exc, died=True))
    bar.close()
    return [r for r in results if r is not None]


def _failed_result(spec: RunSpec, exc: BaseException, *, died: bool = False) -> RunResult:
    reason = (
        "the worker process died while running this report (a crash of the interpreter)"
        if died
        else f"{type(exc).__name__}: {exc}"
    )
    result = RunResult(spec.notebook, spec.store_id, spec.period or "", "failed", None, reason)
    if died:
        record_failure(spec, result)
    return result


def record_failure(spec: RunSpec, result: RunResult) -> None:
    """Publish a failed record (``error.txt``, ``metrics.json``) for a report that never
    reached its own: the process running it died."""
    from ecanalysis.notebook import _now

    try:
        data_dir = resolve_data_dir(spec.data).resolve()
        params_dir = resolve_params_dir(spec.params).resolve()
        label = resolve_label(spec, data_dir, params_dir)
        final = record_dir(spec.out, spec.notebook, spec.store_id, label)
    except EcanalysisError:
        return  # nothing safe to file it under; the batch summary still lists it
    sweep_leftovers(final)
    temp = temp_dir_beside(final)
    (temp / "error.txt").write_text(result.error + "\n", encoding="utf-8")
    record = _failed_record(spec, label, result.error, "", _now())
    (temp / "metrics.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    publish_dir(temp, final)
    result.period, result.record_dir = label, str(final)


def plan_batch(
    *,
    data: str | None,
    params: str | None,
    out: str,
    notebooks: Iterable[str] | None = None,
    stores: str | Iterable[str] | None = None,
    period: str | None = None,
    schedule: str | None = None,
    on_bad_rows: str = "fail",
    force: bool = False,
    timeout: float | None = None,
    engine: str = "inprocess",
) -> list[RunSpec]:
    """The reports a batch runs: from ``--period`` (every notebook) or a schedule file.

    Command-line ``notebooks`` and ``stores`` filter or override the schedule;
    ``portfolio_overview`` runs once under store id ``all``; ``campaign_review`` takes
    ``campaign_id: latest`` unless the schedule names one.
    """
    from ecanalysis.data import open_dataset
    from ecanalysis.params import load_schedule

    data_dir = resolve_data_dir(data)
    dataset = open_dataset(data_dir)
    known_stores = [str(s) for s in dataset.stores()["store_id"]]
    wanted_notebooks = (
        None if notebooks is None else [check_identifier(n, "notebook") for n in notebooks]
    )
    cli_stores = _store_list(stores, known_stores) if stores is not None else None

    if period is not None:
        names = wanted_notebooks or [n for n in NOTEBOOKS if n != "campaign_review"]
        entries = [{"notebook": n, "period": period, "stores": "all"} for n in names]
        entries = [
            dict(e, campaign_id="latest") if e["notebook"] == "campaign_review" else e
            for e in entries
        ]
    else:
        path = schedule or (resolve_params_dir(params) / "schedule.yaml")
        entries = load_schedule(path)
        entries = [dict(e, _where=f"{path}: report {i}") for i, e in enumerate(entries, 1)]
        if wanted_notebooks is not None:
            entries = [e for e in entries if e["notebook"] in wanted_notebooks]

    specs = []
    for entry in entries:
        notebook = entry["notebook"]
        where = entry.pop("_where", None)
        try:
            extra = _entry_parameters(entry)
        except EcanalysisError as exc:
            if where is None:
                raise
            raise ParameterError(f"{where} ({notebook}): {exc}") from None
        if notebook in PORTFOLIO_NOTEBOOKS:
            store_ids = ["all"]
        else:
            store_ids = (
                cli_stores
                if cli_stores is not None
                else _store_list(entry.get("stores", "all"), known_stores)
            )
        for store_id in store_ids:
            specs.append(
                RunSpec(
                    notebook=notebook,
                    store_id=store_id,
                    period=entry.get("period"),
                    data=data,
                    params=params,
                    out=out,
                    parameters=dict(extra),
                    on_bad_rows=on_bad_rows,
                    force=force,
                    timeout=timeout,
                    engine=engine,
                )
            )
    return specs


def _entry_parameters(entry: dict[str, Any]) -> dict[str, Any]:
    """The notebook parameters of a batch entry, checked as `run` checks them (an unknown
    name such as ``perod`` would otherwise fail each of its reports without a record)."""
    from ecanalysis.params import notebook_parameters, validate_parameters

    path = notebook_path(entry["notebook"])
    if entry.get("period") is not None:
        check_period_text(str(entry["period"]))
    extra = {k: v for k, v in entry.items() if k not in ("notebook", "period", "stores")}
    return validate_parameters(entry["notebook"], notebook_parameters(path), extra)


def check_period_text(text: str) -> str:
    """Refuse, before anything runs, a period that no store could resolve (a typo such as
    ``yesterdy`` or ``2025-13``); relative forms are resolved later, per store."""
    from ecanalysis.periods import RELATIVE_FORMS, parse_period

    if text.strip().lower() not in RELATIVE_FORMS:
        parse_period(text, "UTC")
    return text


def _store_list(stores: str | Iterable[str], known: list[str]) -> list[str]:
    if isinstance(stores, str):
        if stores == "all":
            return list(known)
        stores = [s.strip() for s in stores.split(",") if s.strip()]
    return [check_identifier(s, "store_id") for s in stores]


# ---------------------------------------------------------------------------
# command line


def _preflight(
    data_dir: Path, store_id: str | None, on_bad_rows: str, *, structure_only: bool = False
):
    """Refuse before any notebook runs: unreadable tables, missing columns, broken keys,
    and (for one store) rows that break the data contract when ``on_bad_rows`` is ``fail``.
    ``structure_only``: only what no report can go on with (a batch fails the reports of
    stores with broken keys one by one). Returns the dataset it opened."""
    from ecanalysis.data import open_dataset

    if not data_dir.is_dir():
        raise DataError(
            f"dataset directory {data_dir} does not exist; run `make sample` or pass --data DIR"
        )
    dataset = open_dataset(data_dir)
    if structure_only:
        problems = dataset.structure_problems()
    else:
        problems = dataset.table_problems(None if store_id in (None, "all") else store_id)
    if problems:
        raise DataError("the dataset cannot be used:\n" + "\n".join(problems))
    if store_id is None or on_bad_rows == "quarantine":
        return dataset
    from ecanalysis._catalog import TABLES
    from ecanalysis.schema import validate_table

    stores = dataset.stores()
    if store_id == "all":
        # The portfolio reads daily facts (checked above) and converts with fx_rates.
        tables = ("stores", "fx_rates")
    elif store_id in set(stores["store_id"].astype(str)):
        tables = tuple(t for t in TABLES if t != "fx_rates")  # fx_rates: the portfolio's
    else:
        return dataset  # the report fails with error.txt (DESIGN §6)
    lines = []
    for table in tables:
        if not dataset.has(table):
            continue
        whole = table in ("stores", "fx_rates")
        frame = dataset.table(table) if whole else dataset.table(table, store_id=store_id)
        report = validate_table(table, frame, stores=stores)
        lines.extend(p.line() for p in report.problems)
    if lines:
        raise DataError(
            f"{'the portfolio' if store_id == 'all' else 'store ' + store_id}'s data break "
            "the data contract:\n"
            + "\n".join(lines)
            + "\nFix the export, or run with --on-bad-rows quarantine to set bad rows aside."
        )
    return dataset


def _finish(results: list[RunResult], out: str) -> int:
    from ecanalysis.index import write_index

    index = write_index(out)
    failed = [r for r in results if r.status == "failed"]
    done = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(f"{done} ok, {skipped} skipped (already done), {len(failed)} failed; index: {index}")
    for r in failed:
        print(f"  failed: {r.notebook} {r.store_id} {r.period}: {r.error}")
    return 1 if failed else 0


def _notebook_defaults(notebook: str) -> dict[str, Any]:
    """The default value of each parameter of ``notebook``'s parameters cell."""
    import ast

    from ecanalysis.params import notebook_parameters

    defaults = {}
    for name, info in notebook_parameters(notebook_path(notebook)).items():
        try:
            defaults[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):  # not a literal: papermill's to resolve
            continue
    return defaults


def run_command(args) -> int:
    """``ecanalysis run``: one report; exit 0 ok, 1 failed, 2 unusable arguments or data."""
    parameters = {name: value for name, value in args.parameters}
    for name in parameters:
        if name in RUNNER_PARAMETERS:
            raise ParameterError(
                f"set {name} with its own flag (--{name.replace('_', '-')}), not -p"
            )
    # What the command line leaves out, the notebook's parameters cell supplies (its
    # defaults run against the bundled sample), as papermill would.
    defaults = _notebook_defaults(args.notebook)
    store_id = args.store_id or defaults.get("store_id")
    period = args.period or defaults.get("period")
    if "campaign_id" in defaults and "campaign_id" not in parameters:
        parameters["campaign_id"] = defaults["campaign_id"]  # it resolves the period
    if store_id is None:
        raise ParameterError(f"{args.notebook} has no default store: pass --store-id ID")
    check_identifier(store_id, "store_id")
    portfolio = args.notebook in PORTFOLIO_NOTEBOOKS
    if (store_id == "all") != portfolio:
        raise ParameterError(
            f"{args.notebook} reports on the whole portfolio: its store id is 'all' (or leave "
            "--store-id out)"
            if portfolio
            else f"store id 'all' is reserved for the portfolio notebooks "
            f"({', '.join(PORTFOLIO_NOTEBOOKS)}); {args.notebook} reports on one store: "
            "pass --store-id ID"
        )
    data_dir = resolve_data_dir(args.data)
    _preflight(data_dir, store_id, args.on_bad_rows)
    spec = RunSpec(
        notebook=args.notebook,
        store_id=store_id,
        period=period,
        data=args.data,
        params=args.params,
        out=args.out,
        parameters=parameters,
        on_bad_rows=args.on_bad_rows,
        force=args.force,
        timeout=args.timeout,
        engine=args.engine or "kernel",
    )
    result = run_notebook(spec)
    print(f"{result.status}: {result.record_dir}")
    return _finish([result], args.out)


def batch_command(args) -> int:
    """``ecanalysis batch``: many reports with a progress bar; exit 1 when any failed."""
    data_dir = resolve_data_dir(args.data)
    dataset = _preflight(data_dir, None, args.on_bad_rows, structure_only=True)
    specs = plan_batch(
        data=args.data,
        params=args.params,
        out=args.out,
        notebooks=None
        if args.notebooks is None
        else [n.strip() for n in args.notebooks.split(",") if n.strip()],
        stores=args.stores,
        period=args.period,
        schedule=args.schedule,
        on_bad_rows=args.on_bad_rows,
        force=args.force,
        timeout=args.timeout,
        engine=args.engine or ("kernel" if args.executor == "dask" else "inprocess"),
    )
    if not specs:
        raise ParameterError("nothing to run: the notebooks and stores chosen select no report")
    specs = _drop_idle_reviews(dataset, specs)
    if not specs:
        print("nothing to run: no store has a campaign to review")
        return _finish([], args.out)
    refused = _refused_stores(dataset, {spec.store_id for spec in specs})
    workers = args.workers or 2
    runnable = [spec for spec in specs if spec.store_id not in refused]
    if not runnable:
        results = []
    elif args.executor == "dask":
        results = _run_on_dask(runnable, workers=workers, scheduler=args.scheduler)
    else:
        results = run_batch(runnable, workers=workers)
    for spec in specs:
        if spec.store_id in refused:
            results.append(_refused(spec, refused[spec.store_id]))
    return _finish(results, args.out)


def _drop_idle_reviews(dataset, specs: list[RunSpec]) -> list[RunSpec]:
    """The specs without the ``campaign_review``s of ``campaign_id: latest`` for stores
    that have no ended campaign: nothing to review is not a failure (a store that never
    runs campaigns would fail every scheduled batch). Each is said on stdout."""
    from ecanalysis.notebook import find_campaign

    kept = []
    for spec in specs:
        if spec.notebook == "campaign_review" and spec.parameters.get("campaign_id") == "latest":
            try:
                find_campaign(dataset, spec.store_id, "latest")
            except DataError as exc:
                print(f"nothing to review: campaign_review {spec.store_id}: {exc}")
                continue
        kept.append(spec)
    return kept


def _refused_stores(dataset, store_ids: set[str]) -> dict[str, str]:
    """Why each store's reports cannot run: duplicate keys or rows of unknown stores that
    involve it (the portfolio, ``all``: any). Row problems confined to one store fail only
    that store's reports (DESIGN §6)."""
    if not dataset.table_problems():
        return {}  # the usual case: one cheap pass over the tables
    refused = {}
    for store_id in sorted(store_ids):
        problems = dataset.table_problems(None if store_id == "all" else store_id)
        if problems:
            refused[store_id] = "DataError: the dataset cannot be used:\n" + "\n".join(problems)
    return refused


def _refused(spec: RunSpec, error: str) -> RunResult:
    """A failed result, with its record, for a report refused before it started."""
    result = RunResult(spec.notebook, spec.store_id, spec.period or "", "failed", error=error)
    record_failure(spec, result)
    return result


def _run_on_dask(specs: list[RunSpec], *, workers: int, scheduler: str | None) -> list[RunResult]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise EcanalysisError(
            "--executor dask needs the dask extra: pip install 'ecanalysis[dask]'"
        ) from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise ParameterError(
                f"cannot reach the dask scheduler at {scheduler!r} ({exc}); check the address "
                "(e.g. tcp://10.0.0.5:8786) and that `dask scheduler` is running there"
            ) from None
        cluster = None
    else:
        # ":0" picks a free port: a fixed one (dask's default 8787) collides with any
        # other cluster on the machine, and the scheduler binds its HTTP routes even
        # with the dashboard off.
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, dashboard_address=":0", processes=True
        )
        client = Client(cluster)
        print(
            f"dask: local cluster of {workers} workers, dashboard {client.dashboard_link}",
            file=sys.stderr,
        )
    try:
        return run_batch(specs, executor=client.get_executor(pure=False))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def results_as_dicts(results: Iterable[RunResult]) -> list[dict[str, Any]]:
    """Results as plain dicts (for logs and tests)."""
    return [asdict(r) for r in results]


__all__ = [
    "NOTEBOOKS",
    "RunResult",
    "RunSpec",
    "describe_notebooks",
    "plan_batch",
    "run_batch",
    "run_notebook",
]
