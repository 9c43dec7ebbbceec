"""requirements/dev.lock pins every dependency pyproject.toml declares (runtime and the
dev, dask and lab extras), within pyproject's ranges: `make lock` after changing them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8").splitlines():
        # name==version, maybe with a marker (a package pinned per Python version: the first)
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins.setdefault(canonicalize_name(match.group(1)), match.group(2))
    return pins


def test_the_lock_pins_every_declared_dependency_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in ("dev", "dask", "lab"):
        declared += project["optional-dependencies"][extra]
    pins = _pins()
    assert len(pins) > len(declared)  # the lock holds the transitive dependencies too
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/dev.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in the lock is outside pyproject's {requirement.specifier}"
        )


def test_make_install_uses_the_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LOCK := requirements/dev.lock" in makefile
    assert "$(STAMP): pyproject.toml $(LOCK)" in makefile
    assert "pip install --quiet -c $(LOCK) -e '.[$(EXTRAS)]'" in makefile
