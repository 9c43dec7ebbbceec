"""The wheel carries the eight notebooks and the default params (built by ``setup.py``
into ``ecanalysis/_bundled``), and declares nothing that matches no file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from wheel_build import build_wheel

from ecanalysis.notebooks import NAMES

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    with zipfile.ZipFile(build_wheel(tmp_path_factory.mktemp("wheel"))) as archive:
        yield archive


def test_wheel_carries_every_notebook_of_the_registry(wheel):
    names = set(wheel.namelist())
    for name in NAMES:
        assert f"ecanalysis/_bundled/notebooks/{name}.ipynb" in names
    repo = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    bundled = {Path(n).name for n in names if n.startswith("ecanalysis/_bundled/notebooks/")}
    assert bundled == repo


def test_wheel_carries_the_default_params_byte_for_byte(wheel):
    for path in [*(ROOT / "params").glob("*.yaml"), *(ROOT / "params").glob("stores/*.yaml")]:
        member = f"ecanalysis/_bundled/params/{path.relative_to(ROOT / 'params').as_posix()}"
        assert wheel.read(member) == path.read_bytes(), member


def test_every_package_data_pattern_ships_a_file(wheel):
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"].get("package-data", {}).get("ecanalysis", [])
    names = wheel.namelist()
    for pattern in patterns:
        assert list((ROOT / "ecanalysis").glob(pattern)), f"{pattern} matches nothing"
        prefix = "ecanalysis/" + pattern.split("*")[0]
        assert any(n.startswith(prefix) for n in names), pattern


def test_the_console_script_is_declared(wheel):
    (entry,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "ecanalysis = ecanalysis.cli:main" in wheel.read(entry).decode()
