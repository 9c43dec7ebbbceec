"""Build the wheel from a copy of the sources, so that tests never leave ``build/`` in
the checkout and two builds running at once do not share one build directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What the wheel is built from (the sdist's contents: see MANIFEST.in).
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "ecanalysis",
    "notebooks",
    "params",
)


def build_wheel(workdir: Path) -> Path:
    """Copy the sources into ``workdir/src``, build the wheel into ``workdir/dist``."""
    src = workdir / "src"
    src.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    dist = workdir / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(dist)],
        check=True,
        timeout=240,
        capture_output=True,
    )
    (wheel,) = dist.glob("ecanalysis-*.whl")
    return wheel
