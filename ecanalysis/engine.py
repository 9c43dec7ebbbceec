"""A papermill engine that executes notebooks in the calling process, without a kernel.

A batch worker that runs many reports pays for Python start-up, kernel start-up and the
imports of pandas, matplotlib, statsmodels and DuckDB once, not once per report: each
notebook runs in a fresh IPython namespace of the worker's own interpreter. Outputs are
captured as a kernel would produce them (streams, rich display data with inline PNG
figures, errors), so the executed notebook, its HTML and papermill's error handling are
the same as with a kernel.

Trade-offs, and why the runner keeps the kernel engine available: a notebook that
crashes the interpreter takes its worker with it (the runner retries the other reports
of that worker in a fresh one), and the per-cell timeout uses ``SIGALRM``, so it applies
only when the notebook runs in a process's main thread (process pools; not dask's
threaded workers).
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from contextlib import contextmanager

import nbformat
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "ecanalysis-inprocess"


class CellTimeoutError(TimeoutError):
    """A cell ran longer than the execution timeout."""


@contextmanager
def _alarm(seconds: float | None):
    """Raise :class:`CellTimeoutError` after ``seconds`` (main thread only; else no limit)."""
    usable = seconds and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def _raise(signum, frame):
        raise CellTimeoutError(f"cell did not finish within {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _no_history():
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    return config


def _shell():
    """The process's IPython shell, with inline matplotlib, cleared for a new notebook."""
    from IPython.core.interactiveshell import InteractiveShell

    from ecanalysis.report import draw_figures_once

    # no history: IPython would store every cell (data and output paths included) in
    # $HOME/.ipython/profile_default/history.sqlite, growing with every report
    shell = InteractiveShell.instance(config=_no_history())
    if not getattr(shell, "_ecanalysis_ready", False):
        from IPython.core.pylabtools import activate_matplotlib
        from matplotlib_inline.backend_inline import configure_inline_support

        # what ``%matplotlib inline`` does in a kernel: figures become PNG display data
        activate_matplotlib("module://matplotlib_inline.backend_inline")
        configure_inline_support(shell, "inline")
        # errors become "error" outputs (see run_cell), not ANSI text on stdout
        shell.showtraceback = lambda *args, **kwargs: None
        shell.showsyntaxerror = lambda *args, **kwargs: None
        shell.ast_node_interactivity = "last_expr"
        # IPython's displayhook would print "Out[n]:" to stdout; results are recorded instead
        shell.displayhook.write_output_prompt = lambda: None
        shell.displayhook.write_format_data = lambda *a, **k: None
        shell._ecanalysis_ready = True
    draw_figures_once(shell)
    shell.reset(new_session=True)
    shell.execution_count = 1
    return shell


def _error_output(exc: BaseException) -> nbformat.NotebookNode:
    frames = traceback.format_exception(type(exc), exc, exc.__traceback__)
    # drop the engine's own frames: the reader wants the cell's
    cell_frames = [f for f in frames if "ecanalysis/engine.py" not in f and "IPython/core" not in f]
    return nbformat.v4.new_output(
        "error", ename=type(exc).__name__, evalue=str(exc), traceback=cell_frames
    )


def run_cell(shell, source: str, timeout: float | None) -> tuple[list, BaseException | None]:
    """Execute one cell's source; return its outputs (kernel-style) and its exception."""
    from IPython.utils.capture import capture_output

    outputs: list = []
    error: BaseException | None = None
    with capture_output(stdout=True, stderr=True, display=True) as captured:
        try:
            with _alarm(timeout):
                result = shell.run_cell(source, store_history=True, silent=False)
            error = result.error_before_exec or result.error_in_exec
            if error is None and result.result is not None:
                data, metadata = shell.display_formatter.format(result.result)
                outputs_result = nbformat.v4.new_output(
                    "execute_result",
                    data=data,
                    metadata=metadata,
                    execution_count=shell.execution_count - 1,
                )
            else:
                outputs_result = None
        except CellTimeoutError as exc:
            error, outputs_result = exc, None
    if captured.stdout:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=captured.stdout))
    if captured.stderr:
        outputs.append(nbformat.v4.new_output("stream", name="stderr", text=captured.stderr))
    for rich in captured.outputs:
        outputs.append(
            nbformat.v4.new_output("display_data", data=rich.data, metadata=rich.metadata or {})
        )
    if outputs_result is not None:
        outputs.append(outputs_result)
    if error is not None:
        outputs.append(_error_output(error))
    return outputs, error


class InProcessEngine(Engine):
    """Papermill engine: run every cell in this process's IPython shell (no kernel)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, execution_timeout=None, **kwargs):
        # IPython makes its user namespace the process's ``__main__``; put the real one
        # back afterwards, or the process can no longer spawn workers (multiprocessing
        # reads ``__main__.__spec__``)
        main_module = sys.modules.get("__main__")
        try:
            shell = _shell()
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code":
                    continue
                nb_man.cell_start(cell, index)
                cell.execution_count = shell.execution_count
                outputs, error = run_cell(shell, cell.source, execution_timeout)
                cell.outputs = outputs
                if error is not None:
                    nb_man.cell_exception(cell, index, exception=error)
                    nb_man.cell_complete(cell, index)
                    break
                nb_man.cell_complete(cell, index)
        finally:
            _close_figures()
            if main_module is not None:
                sys.modules["__main__"] = main_module
        return nb_man.nb


def _close_figures() -> None:
    import matplotlib.pyplot as plt

    plt.close("all")


def register() -> str:
    """Register the engine with papermill (idempotent); return its name."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
    return ENGINE_NAME
