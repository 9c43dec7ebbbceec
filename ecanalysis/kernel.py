"""The Jupyter kernel manager that runs reports in a kernel (``--engine kernel``, dask).

It is jupyter_client's own :class:`~jupyter_client.manager.AsyncKernelManager`, with one
change: its client starts no heartbeat channel. nbclient never reads the heartbeat (it
asks the manager whether the kernel process is alive), and jupyter_client's heartbeat
thread can hang forever when the channels stop: ``HBChannel.stop`` joins a thread that
still awaits its socket after the kernel is gone (seen in a dask worker, jupyter_client
8.10, after the report had written its notebook and metrics.json). That hang held the
worker, and with it the whole batch.
"""

from __future__ import annotations

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type


class NoHeartbeatKernelClient(AsyncKernelClient):
    """An :class:`AsyncKernelClient` whose ``start_channels`` never starts the heartbeat."""

    def start_channels(
        self,
        shell: bool = True,
        iopub: bool = True,
        stdin: bool = True,
        hb: bool = True,
        control: bool = True,
    ) -> None:
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)


#: Kernel options every report kernel gets: no IPython history, which would store every
#: executed cell (data and output paths included) in
#: ``$HOME/.ipython/profile_default/history.sqlite``, growing with every report.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class ReportKernelManager(AsyncKernelManager):
    """:class:`AsyncKernelManager` with :class:`NoHeartbeatKernelClient` as its client,
    whose kernels keep no IPython history (:data:`KERNEL_ARGUMENTS`)."""

    client_class = DottedObjectName("ecanalysis.kernel.NoHeartbeatKernelClient")
    client_factory = Type(klass=NoHeartbeatKernelClient, default_value=NoHeartbeatKernelClient)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel's command line, with :data:`KERNEL_ARGUMENTS` appended."""
        return super().format_kernel_cmd([*(extra_arguments or []), *KERNEL_ARGUMENTS])
