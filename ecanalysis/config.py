"""Where things live: the workspace and the default data, params and notebook directories.

The workspace is the directory holding ``params/``, found upwards from the working directory
like git finds its repository (``ecanalysis init DIR`` creates one); a checkout of the
repository is one. What the workspace lacks comes from the files bundled with the package:
its notebooks and its default params. Notebooks resolve ``data=None`` and ``params=None`` through these functions, so a kernel
started in any working directory finds the same files as the command line.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Seconds a notebook cell may run before its report fails (``--timeout``).
DEFAULT_CELL_TIMEOUT = 600.0

#: What a report does with rows that break the data contract (``on_bad_rows``, ``--on-bad-rows``):
#: stop (the default, first) or set them aside in the record's ``quarantine/`` and go on.
ON_BAD_ROWS = ("fail", "quarantine")

#: Environment variable that overrides the workspace (for installed, non-editable use).
ROOT_ENV = "ECANALYSIS_ROOT"

#: The folder inside the installed package that holds the bundled ``notebooks/`` and
#: ``params/`` (copied there when the wheel is built; see ``setup.py``).
BUNDLED_DIR = Path(__file__).resolve().parent / "_bundled"


def _checkout_root() -> Path | None:
    """The repository checkout above the package (an editable install), else ``None``."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").is_file() and (here / "notebooks").is_dir() else None


def find_workspace(start: str | os.PathLike | None = None) -> Path | None:
    """The workspace holding ``start`` (default: the working directory): the nearest
    directory, ``start`` or above it, that holds a ``params/`` directory, found upwards like
    git finds its repository; ``None`` when there is none.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ws = Path(tmp).resolve()
    ...     (ws / "params").mkdir()
    ...     (ws / "runs" / "deep").mkdir(parents=True)
    ...     find_workspace(ws / "runs" / "deep") == ws
    True
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "params").is_dir():
            return folder
    return None


def bundled_root() -> Path:
    """Where the bundled ``notebooks/`` and ``params/`` are: ``ecanalysis/_bundled`` in an
    installed wheel, the checkout itself in an editable install."""
    if BUNDLED_DIR.is_dir():
        return BUNDLED_DIR
    return _checkout_root() or BUNDLED_DIR


def project_root() -> Path:
    """Return the workspace: ``$ECANALYSIS_ROOT``, else the directory holding ``params/``
    found upwards from the working directory, else the checkout of an editable install,
    else the working directory."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    return find_workspace() or _checkout_root() or Path.cwd()


def default_data_dir() -> Path:
    """The sample dataset of the workspace, ``<root>/data/sample``."""
    return project_root() / "data" / "sample"


def default_params_dir() -> Path:
    """The parameters directory: ``<root>/params`` when it exists, else the bundled one."""
    own = project_root() / "params"
    return own if own.is_dir() else bundled_root() / "params"


def notebooks_dir() -> Path:
    """The workspace's own notebooks directory, ``<root>/notebooks`` (it may not exist)."""
    return project_root() / "notebooks"


def bundled_notebooks_dir() -> Path:
    """The notebooks that ship with the package."""
    return bundled_root() / "notebooks"


def notebook_dirs() -> tuple[Path, ...]:
    """Where notebooks are looked for, first match wins: the workspace's ``notebooks/``,
    then the bundled ones (one entry when they are the same folder, as in a checkout)."""
    own, bundled = notebooks_dir(), bundled_notebooks_dir()
    if own.resolve() == bundled.resolve():
        return (own,)
    return (own, bundled)


def resolve_data_dir(data: str | os.PathLike | None) -> Path:
    """``None`` → the sample dataset; a path → that path (relative to the working directory)."""
    return default_data_dir() if data in (None, "") else Path(data)


def resolve_params_dir(params: str | os.PathLike | None) -> Path:
    """``None`` → :func:`default_params_dir`; a path → that path."""
    return default_params_dir() if params in (None, "") else Path(params)
