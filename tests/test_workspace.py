"""The workspace: found upwards from the working directory, its own notebooks before the
bundled ones, and ``ecanalysis init DIR [--update]``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ecanalysis import config
from ecanalysis.errors import ParameterError
from ecanalysis.notebooks import NAMES, notebook_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A working directory outside any workspace, as after ``pip install``."""
    monkeypatch.delenv(config.ROOT_ENV, raising=False)
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_workspace_is_found_upwards_from_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(config.ROOT_ENV, raising=False)
    (tmp_path / "ws" / "params").mkdir(parents=True)
    deep = tmp_path / "ws" / "runs" / "daily_report"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert config.project_root() == (tmp_path / "ws").resolve()
    assert config.default_params_dir() == (tmp_path / "ws" / "params").resolve()
    assert config.default_data_dir() == (tmp_path / "ws" / "data" / "sample").resolve()


def test_outside_a_workspace_the_bundled_files_are_used(elsewhere, monkeypatch):
    monkeypatch.setattr(config, "find_workspace", lambda start=None: None)
    assert config.default_params_dir() == config.bundled_root() / "params"
    for name in NAMES:
        assert notebook_path(name).parent == config.bundled_notebooks_dir()


def test_a_workspace_notebook_takes_precedence_over_the_bundled_one(tmp_path, monkeypatch):
    monkeypatch.setenv(config.ROOT_ENV, str(tmp_path))
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    own = tmp_path / "notebooks" / "daily_report.ipynb"
    shutil.copy(ROOT / "notebooks" / "daily_report.ipynb", own)
    assert notebook_path("daily_report") == own
    assert notebook_path("weekly_review") == config.bundled_notebooks_dir() / "weekly_review.ipynb"


def test_a_missing_notebook_names_those_of_both_places(tmp_path, monkeypatch):
    monkeypatch.setenv(config.ROOT_ENV, str(tmp_path))
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "my_report.ipynb").write_text(json.dumps({"cells": []}))
    with pytest.raises(ParameterError, match=r"did you mean 'my_report'.*daily_report"):
        notebook_path("my_reprt")


def test_notebooks_command_says_which_file_is_used(tmp_path, monkeypatch, capsys):
    from ecanalysis.cli import main

    monkeypatch.setenv(config.ROOT_ENV, str(tmp_path))
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    own = tmp_path / "notebooks" / "daily_report.ipynb"
    shutil.copy(ROOT / "notebooks" / "daily_report.ipynb", own)
    assert main(["notebooks"]) == 0
    out = capsys.readouterr().out
    assert f"daily_report  ({own})" in out
    assert f"weekly_review  ({config.bundled_notebooks_dir() / 'weekly_review.ipynb'})" in out


# --- ecanalysis init -----------------------------------------------------------------------


def test_init_creates_a_workspace_that_is_found_and_used(tmp_path, monkeypatch, capsys):
    from ecanalysis.cli import main

    monkeypatch.delenv(config.ROOT_ENV, raising=False)
    ws = tmp_path / "ws"
    assert main(["init", str(ws)]) == 0
    for rel in [
        "README.md",
        "params/defaults.yaml",
        "params/schedule.yaml",
        "params/notify.yaml",
        "params/stores/example.yaml",
        "notebooks/README.md",
        "schedule/crontab",
        "schedule/ecanalysis.timer",
        "schedule/ecanalysis.service",
    ]:
        assert (ws / rel).is_file(), rel
    assert (ws / "data").is_dir() and (ws / "runs").is_dir()
    assert not list((ws / "notebooks").glob("*.ipynb"))
    bundled = config.bundled_root() / "params"
    assert (ws / "params/defaults.yaml").read_bytes() == (bundled / "defaults.yaml").read_bytes()
    monkeypatch.chdir(ws / "runs")
    assert config.default_params_dir() == (ws / "params").resolve()
    assert notebook_path("daily_report") == config.bundled_notebooks_dir() / "daily_report.ipynb"


def test_init_params_are_valid_as_they_are(tmp_path):
    import yaml

    from ecanalysis.params import load_settings
    from ecanalysis.workspace import init_workspace

    init_workspace(tmp_path / "ws")
    settings = load_settings(tmp_path / "ws" / "params", "shop01")
    assert settings["lang"] in ("zh", "en")
    assert yaml.safe_load((tmp_path / "ws/params/notify.yaml").read_text()) == {"channels": {}}
    assert yaml.safe_load((tmp_path / "ws/params/stores/example.yaml").read_text()) is None


def test_init_refuses_a_non_empty_directory(tmp_path, capsys):
    from ecanalysis.cli import main

    (tmp_path / "mine.txt").write_text("keep me")
    assert main(["init", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_init_update_shows_changes_and_never_overwrites(tmp_path, monkeypatch, capsys):
    from ecanalysis import workspace
    from ecanalysis.cli import main

    # a "new version" of the package: a bundled tree of our own
    bundled = tmp_path / "bundled"
    shutil.copytree(config.bundled_root() / "params", bundled / "params")
    (bundled / "notebooks").mkdir()
    shutil.copy(config.bundled_notebooks_dir() / "daily_report.ipynb", bundled / "notebooks")
    monkeypatch.setattr(workspace, "bundled_root", lambda: bundled)
    ws = tmp_path / "ws"
    workspace.init_workspace(ws)
    own = (ws / "params/defaults.yaml").read_text()
    (ws / "params/defaults.yaml").write_text(own + "# my note\n")
    mine = ws / "notebooks" / "daily_report.ipynb"
    shutil.copy(bundled / "notebooks" / "daily_report.ipynb", mine)
    before = {
        p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and ".ecanalysis" not in p.parts
    }

    # the upgrade changes defaults.yaml and adds a notebook
    text = (bundled / "params/defaults.yaml").read_text().replace("lang: zh", "lang: en")
    (bundled / "params/defaults.yaml").write_text(text)
    shutil.copy(config.bundled_notebooks_dir() / "weekly_review.ipynb", bundled / "notebooks")

    assert main(["init", "--update", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "changed   params/defaults.yaml, your copy differs (+1 -2 lines)" in out
    assert "new       notebooks/weekly_review.ipynb" in out
    assert "unchanged notebooks/daily_report.ipynb, your copy is the same" in out
    assert "-lang: zh\n+lang: en" in out
    assert "-# my note" in out
    after = {
        p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and ".ecanalysis" not in p.parts
    }
    assert after == before

    # seen: a second --update reports nothing new
    assert main(["init", "--update", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "  changed " not in out and "  new " not in out


def test_init_update_refuses_a_folder_that_is_no_workspace(tmp_path, capsys):
    from ecanalysis.cli import main

    assert main(["init", "--update", str(tmp_path)]) == 2
    assert "not a workspace" in capsys.readouterr().err
