"""The handlers of ``ecanalysis notebooks``, ``run`` and ``batch``, and their pre-flight.

:mod:`ecanalysis.cli` parses the arguments and imports this module only for these
commands. Before any notebook runs, :func:`preflight` refuses data that no report could
use (DESIGN §6: exit 2, no record written); afterwards :func:`_finish` rebuilds the
index and prints the summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ecanalysis.config import resolve_data_dir
from ecanalysis.errors import DataError, ParameterError
from ecanalysis.notebooks import NAMES, PORTFOLIO_STORE_ID, notebook_path, portfolio_names, spec_for
from ecanalysis.runner import (
    RUNNER_PARAMETERS,
    RunResult,
    RunSpec,
    record_failure,
    run_batch,
    run_notebook,
    run_on_dask,
)


def describe_notebooks() -> str:
    """Text listing every notebook with the file used (the workspace's own copy before the
    bundled one) and its parameters, types, defaults and help."""
    from ecanalysis.params import notebook_parameters

    lines = []
    for name in NAMES:
        try:
            path = notebook_path(name)
        except ParameterError:
            continue
        lines.append(f"{name}  ({path})")
        for pname, spec in notebook_parameters(path).items():
            lines.append(
                f"  {pname}: {spec['type']} = {spec['default']}"
                + (f"  # {spec['help']}" if spec["help"] else "")
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# pre-flight


def preflight(
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
        problems = dataset.table_problems(
            None if store_id in (None, PORTFOLIO_STORE_ID) else store_id
        )
    if problems:
        raise DataError("the dataset cannot be used:\n" + "\n".join(problems))
    if store_id is None or on_bad_rows == "quarantine":
        return dataset
    from ecanalysis._catalog import TABLES
    from ecanalysis.schema import validate_table

    stores = dataset.stores()
    if store_id == PORTFOLIO_STORE_ID:
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
        who = "the portfolio" if store_id == PORTFOLIO_STORE_ID else "store " + store_id
        raise DataError(
            f"{who}'s data break the data contract:\n"
            + "\n".join(lines)
            + "\nFix the export, or run with --on-bad-rows quarantine to set bad rows aside."
        )
    return dataset


def _refused_stores(dataset, store_ids: set[str]) -> dict[str, str]:
    """Why each store's reports cannot run: duplicate keys or rows of unknown stores that
    involve it (the portfolio, ``all``: any). Row problems confined to one store fail only
    that store's reports (DESIGN §6)."""
    if not dataset.table_problems():
        return {}  # the usual case: one cheap pass over the tables
    refused = {}
    for store_id in sorted(store_ids):
        problems = dataset.table_problems(None if store_id == PORTFOLIO_STORE_ID else store_id)
        if problems:
            refused[store_id] = "DataError: the dataset cannot be used:\n" + "\n".join(problems)
    return refused


def _refused(spec: RunSpec, error: str) -> RunResult:
    """A failed result, with its record, for a report refused before it started."""
    result = RunResult(spec.notebook, spec.store_id, spec.period or "", "failed", error=error)
    record_failure(spec, result)
    return result


def check_timeout(timeout: float | None) -> None:
    """Refuse a ``--timeout`` that is not a finite number of seconds above zero."""
    import math

    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise ParameterError(
            f"--timeout {timeout:g} is not usable: give the seconds a notebook cell may run, "
            "a number above 0 (e.g. --timeout 300)"
        )


def check_out(out: str, data_dir: Path) -> None:
    """Refuse an ``--out`` inside the dataset directory (its records would change the
    data's fingerprint, so every report would rerun forever) or one that cannot be
    written (read-only, not a directory): before anything runs, nothing is written."""
    import errno
    import os
    import tempfile

    root = Path(out).resolve()
    data = data_dir.resolve()
    if root == data or data in root.parents:
        raise ParameterError(
            f"--out {out} is inside the dataset directory {data_dir}: the records would "
            "change the data and every report would run again each time; "
            "write the records elsewhere (e.g. --out runs)"
        )
    existing = next(p for p in (root, *root.parents) if p.exists())  # nothing created
    try:
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        if existing != root:
            if not os.access(existing, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        else:
            with tempfile.NamedTemporaryFile(dir=root, prefix=".write-check-"):
                pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ParameterError(
            f"cannot write records to --out {out}: {reason} ({existing}); pick a writable "
            "directory (and one with free space)"
        ) from None


def check_store_known(dataset, store_id: str) -> None:
    """Refuse a store id that the dataset's stores table lacks, with the closest ids
    (DESIGN §6: exit 2 before anything runs, no record written)."""
    import difflib

    if store_id == PORTFOLIO_STORE_ID:
        return
    known = [str(s) for s in dataset.stores()["store_id"]]
    if store_id in known:
        return
    guesses = difflib.get_close_matches(store_id, known, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    shown = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
    raise ParameterError(
        f"store id {store_id!r} is not in the dataset's stores table{hint} Known: {shown}"
    )


def status_line(result: RunResult) -> str:
    """The console line of one report: its status and record, and for a period after the
    data end, that it holds no data (store, period, data end)."""
    where = str(result.record_dir)
    if result.lang is not None:
        where += f" ({result.lang}: report.{result.lang}.html beside the default report.html)"
    if result.no_data and result.status != "failed":
        return f"{result.status}, {result.no_data}: {where}"
    return f"{result.status}: {where}"


# ---------------------------------------------------------------------------
# commands


def _finish(results: list[RunResult], out: str) -> int:
    """Rebuild the index, print the summary (every failure on a line); the exit code."""
    from ecanalysis.index import write_index

    index = write_index(out)
    failed = [r for r in results if r.status == "failed"]
    done = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    print(f"{done} ok, {skipped} skipped (already done), {len(failed)} failed; index: {index}")
    for r in failed:
        print(f"  failed: {r.notebook} {r.store_id} {r.period}: {r.error}")
    for r in results:
        if r.no_data and r.status != "failed" and len(results) > 1:
            print(f"  {r.notebook}: {r.no_data}")
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


def _check_store_kind(notebook: str, store_id: str) -> None:
    """Refuse store id ``all`` for a one-store notebook, and any other for a portfolio one."""
    portfolio = spec_for(notebook).portfolio
    if (store_id == PORTFOLIO_STORE_ID) == portfolio:
        return
    raise ParameterError(
        f"{notebook} reports on the whole portfolio: its store id is "
        f"'{PORTFOLIO_STORE_ID}' (or leave --store-id out)"
        if portfolio
        else f"store id '{PORTFOLIO_STORE_ID}' is reserved for the portfolio notebooks "
        f"({', '.join(portfolio_names())}); {notebook} reports on one store: "
        "pass --store-id ID"
    )


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
    from ecanalysis.paths import check_identifier

    check_identifier(store_id, "store_id")
    _check_store_kind(args.notebook, store_id)
    check_timeout(args.timeout)
    data_dir = resolve_data_dir(args.data)
    check_out(args.out, data_dir)
    dataset = preflight(data_dir, store_id, args.on_bad_rows)
    check_store_known(dataset, store_id)
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
    print(status_line(result))
    return _finish([result], args.out)


def _batch_engine(args) -> str:
    """The engine of a batch: in-process, unless on dask or with a ``--timeout``, which
    only a kernel (a process of its own, killed when the time is up) can enforce on a
    cell that hangs in native code."""
    if args.executor == "dask" or args.timeout is not None:
        return "kernel"
    return "inprocess"


def batch_command(args) -> int:
    """``ecanalysis batch``: many reports with a progress bar; exit 1 when any failed."""
    from ecanalysis.schedule import drop_idle_reviews, plan_batch

    check_timeout(args.timeout)
    data_dir = resolve_data_dir(args.data)
    check_out(args.out, data_dir)
    dataset = preflight(data_dir, None, args.on_bad_rows, structure_only=True)
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
        engine=args.engine or _batch_engine(args),
        lang=args.lang,
    )
    if not specs:
        raise ParameterError("nothing to run: the notebooks and stores chosen select no report")
    specs = drop_idle_reviews(dataset, specs)
    if not specs:
        print("nothing to run: no store has a campaign to review")
        return _finish([], args.out)
    refused = _refused_stores(dataset, {spec.store_id for spec in specs})
    workers = args.workers or 2
    runnable = [spec for spec in specs if spec.store_id not in refused]
    if not runnable:
        results = []
    elif args.executor == "dask":
        results = run_on_dask(runnable, workers=workers, scheduler=args.scheduler)
    else:
        results = run_batch(runnable, workers=workers)
    for spec in specs:
        if spec.store_id in refused:
            results.append(_refused(spec, refused[spec.store_id]))
    return _finish(results, args.out)
