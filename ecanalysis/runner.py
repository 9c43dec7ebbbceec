"""Run report notebooks with papermill: one report, or many over any executor.

:func:`run_notebook` executes one notebook for one store and period, in-process
through papermill's Python API, and publishes the run record atomically at
``<out>/<notebook>/<store_id>/<period label>/`` (:mod:`ecanalysis.publish`):
``report.ipynb``, ``report.html`` (no input cells, images embedded), ``metrics.json``,
``tables/*.csv``, and ``error.txt`` when it failed. :func:`run_batch` runs many over any
``concurrent.futures.Executor`` (a process pool by default, dask's
``Client.get_executor()`` for a cluster, :func:`run_on_dask`); one failure never stops
the others. What a batch runs is planned in :mod:`ecanalysis.schedule`; the command
line's handlers are in :mod:`ecanalysis.commands`.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis import publish
from ecanalysis.config import DEFAULT_CELL_TIMEOUT, resolve_data_dir, resolve_params_dir
from ecanalysis.errors import EcanalysisError, ParameterError
from ecanalysis.notebooks import PORTFOLIO_STORE_ID, notebook_path, spec_for
from ecanalysis.paths import check_identifier, record_dir

#: Parameters the runner sets itself; users set the others with ``-p NAME VALUE``.
RUNNER_PARAMETERS = ("store_id", "period", "data", "params", "output_dir", "on_bad_rows")
KERNEL_NAME = "python3"


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
    #: "no data for this period: store …, period …, data end …" (a period after the data end)
    no_data: str | None = None
    #: the language of a second record beside the default one (None: the default record)
    lang: str | None = None

    @property
    def ok(self) -> bool:
        """True unless the report failed."""
        return self.status != "failed"


# ---------------------------------------------------------------------------
# one report


def resolve_label(spec: RunSpec, data_dir: Path, params_dir: Path) -> str:
    """The canonical period label a spec resolves to (record paths are built from it)."""
    from ecanalysis.context import check_period_in_data, resolve_period
    from ecanalysis.data import open_dataset
    from ecanalysis.params import load_settings

    dataset = open_dataset(data_dir)
    settings = load_settings(params_dir, spec.store_id)
    tz = settings["portfolio_timezone"]
    stores = dataset.stores()
    match = stores[stores["store_id"] == spec.store_id]
    store_id = spec.store_id
    if not match.empty:
        tz = match.iloc[0]["timezone"]
    elif spec.store_id != PORTFOLIO_STORE_ID:
        # an absent store: its report fails, filed under the portfolio period
        store_id = PORTFOLIO_STORE_ID
    campaign_id = spec.parameters.get("campaign_id")
    period = resolve_period(dataset, store_id, spec.period, tz, campaign_id=campaign_id)
    check_period_in_data(dataset, store_id, period)
    return period.label


def _refuse_other_campaign(spec: RunSpec, final: Path, data_dir: Path) -> None:
    """Refuse to replace the review of another campaign: a record is filed by store and
    period, so two campaigns with the same dates (a 双11 sale and a 双11 live-stream, say)
    share one path, and the second review would silently overwrite the first."""
    if not spec_for(spec.notebook).per_campaign:
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
        from ecanalysis.context import find_campaign
        from ecanalysis.data import open_dataset

        wanted = find_campaign(open_dataset(data_dir), spec.store_id, "latest")["campaign_id"]
        if held == wanted:
            return
    raise ParameterError(
        f"{final} already holds the review of campaign {held!r}, which has the same dates "
        f"as {wanted!r} (records are filed by store and period); to keep both, run this one "
        "with another --out; to replace it, add --force"
    )


def run_notebook(spec: RunSpec) -> RunResult:
    """Execute one report and publish its record; never raises for a failing report.

    Argument problems (unsafe identifiers, unknown notebook or parameter, bad period)
    raise :class:`~ecanalysis.errors.EcanalysisError` before anything is written.
    """
    from ecanalysis.params import notebook_parameters, validate_parameters
    from ecanalysis.record import now as _now

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
    lang = second_language(spec, params_dir)
    fingerprint = publish.fingerprint(spec, nb_path, data_dir, params_dir, label)
    result = RunResult(spec.notebook, spec.store_id, label, "ok", str(final))
    waiting = f"waiting: another run is writing {final} ({spec.notebook} {spec.store_id} {label})"
    with publish.record_lock(final, wait_message=waiting):
        publish.sweep(final)  # what a run killed midway left, even when this one is skipped
        if not spec.force:
            _refuse_other_campaign(spec, final, data_dir)
        if not spec.force and publish.is_done(final, fingerprint, lang=lang):
            result.status = "skipped"
        else:
            parameters = {
                **extra,
                "store_id": spec.store_id,
                "period": label,
                "data": str(data_dir),
                "params": str(params_dir),
                "output_dir": "",  # the staged record's folder, set when it exists
                "on_bad_rows": spec.on_bad_rows,
            }
            parameters = {k: v for k, v in parameters.items() if k in declared}
            error = _run_and_publish(spec, nb_path, final, lang, parameters, fingerprint, started)
            if error is not None:
                result.status, result.error = "failed", error
    result.no_data = publish.no_data_note(final, lang=lang)
    result.lang = lang
    result.seconds = time.perf_counter() - started_clock
    return result


def second_language(spec: RunSpec, params_dir: Path) -> str | None:
    """The language of a report asked for (``-p lang en``) in another language than its
    store's default, whose record is then a second one beside the default one (DESIGN
    §6); None for a report in the store's own language."""
    from ecanalysis.params import load_settings

    wanted = spec.parameters.get("lang")
    if not wanted:
        return None
    default = load_settings(params_dir, spec.store_id)["lang"]
    return None if wanted == default else str(wanted)


def _run_and_publish(
    spec: RunSpec,
    nb_path: Path,
    final: Path,
    lang: str | None,
    parameters: dict[str, Any],
    fingerprint: str,
    started: str,
) -> str | None:
    """Execute the notebook into a staged record and publish it (hold the record's lock);
    return the first line of the error when the report failed, else None. A record that
    cannot be written (a read-only or full disk) fails the report with one line and
    leaves the previous record as it was."""
    label = parameters.get("period", "")
    try:
        with publish.staged_record(final, lang=lang) as temp:
            if "output_dir" in parameters:
                parameters = {**parameters, "output_dir": str(temp)}
            error = _execute(nb_path, temp / "report.ipynb", parameters, spec.timeout, spec.engine)
            if error is None:
                error = publish.finish_ok(temp, fingerprint, final, lang=lang)
            if error is not None and (storage := _storage_error(error)) is not None:
                raise OSError(storage, os.strerror(storage))  # keep the previous record
            if error is not None:
                publish.finish_failed(temp, spec, label, error, fingerprint, started)
                return publish.first_line(error)
    except OSError as exc:
        return (
            f"cannot write the record {final}: {exc.strerror or exc}; the previous record "
            "(if any) is kept. Free some space or make the directory writable, then rerun"
        )
    return None


#: Errors of the disk, not of the report: a record that hit one is not published (the
#: previous record stays), whatever the notebook was doing when it happened.
_STORAGE_ERRORS = (errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EDQUOT)


def _storage_error(error: str) -> int | None:
    """The errno of a full, read-only or over-quota disk named in an error text, else None."""
    for number in _STORAGE_ERRORS:
        if os.strerror(number) in error:
            return number
    return None


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
        return publish.error_text(exc)
    return None


def record_failure(spec: RunSpec, result: RunResult) -> None:
    """Publish a failed record (``error.txt``, ``metrics.json``) for a report that never
    reached its own (its process died, or it was refused before it started)."""
    try:
        data_dir = resolve_data_dir(spec.data).resolve()
        params_dir = resolve_params_dir(spec.params).resolve()
        label = resolve_label(spec, data_dir, params_dir)
        final = record_dir(spec.out, spec.notebook, spec.store_id, label)
        lang = second_language(spec, params_dir)
    except EcanalysisError:
        return  # nothing safe to file it under; the batch summary still lists it
    publish.write_failure(final, spec, label, result.error, lang=lang)
    result.period, result.record_dir = label, str(final)


# ---------------------------------------------------------------------------
# many reports


def _run_safely(spec: RunSpec) -> RunResult:
    """:func:`run_notebook` for executors: argument errors become a failed result too."""
    try:
        return run_notebook(spec)
    except Exception as exc:
        return _failed_result(spec, exc)


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


def default_executor(workers: int):
    """A process pool whose workers start fresh interpreters (``spawn``), safe with kernels,
    and die with the process that started them (:func:`die_with_parent`)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


def die_with_parent(parent: int) -> None:
    """A worker's initializer: end this process when ``parent`` dies, even by ``kill -9``
    (which runs no clean-up), so that no orphaned worker goes on publishing records.

    On Linux the kernel sends SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``);
    elsewhere a daemon thread polls the parent pid every second."""
    import os
    import signal
    import threading

    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # it died before the call: nothing would signal
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="ecanalysis-parent-watch", daemon=True).start()


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


def run_on_dask(
    specs: Sequence[RunSpec], *, workers: int, scheduler: str | None
) -> list[RunResult]:
    """:func:`run_batch` on dask.distributed: the cluster at ``scheduler``, else a
    ``LocalCluster`` of ``workers`` single-threaded processes (closed at the end)."""
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


__all__ = [
    "RunResult",
    "RunSpec",
    "record_failure",
    "resolve_label",
    "run_batch",
    "run_notebook",
    "run_on_dask",
]
