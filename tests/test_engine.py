"""The in-process papermill engine: outputs like a kernel's, errors, timeouts, fresh namespaces."""

from __future__ import annotations

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from ecanalysis.engine import register


def make_notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x: int = 1  # a number")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *[nbformat.v4.new_code_cell(source) for source in cells]]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def execute(source, target, parameters=None, **kwargs):
    # parameters are always given, so that papermill's injected cell is cell 1
    return papermill.execute_notebook(
        str(source),
        str(target),
        parameters=parameters or {"x": 1},
        engine_name=register(),
        progress_bar=False,
        kernel_name="python3",
        **kwargs,
    )


def output_types(cell):
    return [o["output_type"] for o in cell["outputs"]]


def test_outputs_like_a_kernel(tmp_path):
    source = make_notebook(
        tmp_path / "nb.ipynb",
        "print('hello', x)",
        "from IPython.display import HTML, display\ndisplay(HTML('<b>x</b>'))\nx * 2",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2]);",
    )
    nb = execute(source, tmp_path / "out.ipynb", parameters={"x": 5})
    stream, html, figure = nb.cells[2], nb.cells[3], nb.cells[4]  # cell 1 is injected
    assert stream["outputs"][0]["text"] == "hello 5\n"
    assert output_types(html) == ["display_data", "execute_result"]
    assert html["outputs"][0]["data"]["text/html"] == "<b>x</b>"
    assert html["outputs"][1]["data"]["text/plain"] == "10"
    assert output_types(figure) == ["display_data"]
    assert "image/png" in figure["outputs"][0]["data"]
    assert [c["execution_count"] for c in nb.cells] == [1, 2, 3, 4, 5]


def test_error_stops_and_is_recorded(tmp_path):
    source = make_notebook(tmp_path / "nb.ipynb", "y = 1", "raise ValueError('bad input')", "z = 3")
    with pytest.raises(PapermillExecutionError) as info:
        execute(source, tmp_path / "out.ipynb")
    assert info.value.ename == "ValueError"
    assert info.value.evalue == "bad input"
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    cells = {cell["source"]: cell for cell in nb.cells}
    assert output_types(cells["raise ValueError('bad input')"]) == ["error"]
    assert cells["z = 3"]["execution_count"] is None  # never ran
    assert "papermill-error-cell-tag" in nb.cells[0]["metadata"].get("tags", [])


def test_timeout(tmp_path):
    source = make_notebook(tmp_path / "nb.ipynb", "import time\ntime.sleep(5)")
    with pytest.raises(PapermillExecutionError) as info:
        execute(source, tmp_path / "out.ipynb", execution_timeout=0.5)
    assert info.value.ename == "CellTimeoutError"


def test_each_notebook_gets_a_fresh_namespace(tmp_path):
    first = make_notebook(tmp_path / "a.ipynb", "leftover = 42")
    second = make_notebook(tmp_path / "b.ipynb", "print('leftover' in globals())")
    execute(first, tmp_path / "a-out.ipynb")
    nb = execute(second, tmp_path / "b-out.ipynb")
    assert nb.cells[2]["outputs"][0]["text"] == "False\n"


def test_the_process_keeps_its_main_module_and_can_still_spawn(tmp_path):
    """IPython swaps ``sys.modules['__main__']`` for its namespace; the engine puts it back,
    so the process can start ``spawn`` workers afterwards (a batch after a run)."""
    import multiprocessing
    import sys

    main_before = sys.modules["__main__"]
    execute(make_notebook(tmp_path / "nb.ipynb", "y = x + 1"), tmp_path / "out.ipynb")
    assert sys.modules["__main__"] is main_before
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        assert pool.apply(abs, (-3,)) == 3


def test_a_figure_is_drawn_once(tmp_path):
    # pyplot's redraw of open figures after each cell (for GUI windows) is skipped: a
    # figure is drawn only as often as making its PNG output takes
    source = make_notebook(
        tmp_path / "nb.ipynb",
        "import matplotlib.pyplot as plt\n"
        "draws = []\n"
        "fig, ax = plt.subplots()\n"
        "fig.canvas.mpl_connect('draw_event', draws.append)\n"
        "ax.plot([1, 2, 3])",
        "from IPython.core.pylabtools import print_figure\n"
        "shown = len(draws)\n"
        "print_figure(fig, 'png', bbox_inches='tight')\n"
        "print(shown, len(draws) - shown)",
    )
    nb = execute(source, tmp_path / "out.ipynb")
    figure, count = nb.cells[2], nb.cells[3]
    assert any("image/png" in o.get("data", {}) for o in figure["outputs"])
    shown, one_png = map(int, count["outputs"][0]["text"].split())
    assert shown == one_png


def test_report_kernels_start_no_heartbeat_channel(monkeypatch):
    """The heartbeat thread could hang a dask worker forever when the channels stopped;
    nbclient never reads it, so report kernels run without it (ecanalysis.kernel)."""
    from jupyter_client.asynchronous import AsyncKernelClient

    from ecanalysis.kernel import ReportKernelManager

    started = {}
    monkeypatch.setattr(AsyncKernelClient, "start_channels", lambda self, **kw: started.update(kw))
    ReportKernelManager(kernel_name="python3").client().start_channels()
    assert started == {"shell": True, "iopub": True, "stdin": True, "hb": False, "control": True}
