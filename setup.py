"""Build step of the wheel: bundle the notebooks and default params into the package.

The repository keeps ``notebooks/`` and ``params/`` at its top level, where people edit them;
the wheel carries copies at ``ecanalysis/_bundled/{notebooks,params}`` so that an installed
``ecanalysis`` works outside any checkout (``ecanalysis.config.bundled_root``). The copies are
made into the build directory only: nothing is duplicated in git. Everything else about the
package is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

#: top-level folder → file patterns bundled from it
BUNDLED = {"notebooks": ("*.ipynb",), "params": ("*.yaml", "stores/*.yaml")}


class BuildPyWithBundled(build_py):
    """``build_py`` that also copies the bundled folders into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib) / "ecanalysis" / "_bundled"
        for folder, patterns in BUNDLED.items():
            source = HERE / folder
            if not source.is_dir():
                raise SystemExit(f"setup.py: {source} is missing; build from a full checkout")
            for pattern in patterns:
                for path in sorted(source.glob(pattern)):
                    dest = target / folder / path.relative_to(source)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dest)


setup(cmdclass={"build_py": BuildPyWithBundled})
