"""The issue's "done": outside the repository, in a fresh virtual environment, the built
wheel installed with pip, then ``init ws``, ``sample``, ``batch`` and ``notify`` against
loopback servers all succeed.

The fresh environment gets the project's dependencies through a ``.pth`` line naming the
site-packages of the interpreter running the tests (so nothing is downloaded), and the
wheel is installed with ``--no-deps``; the ``ecanalysis`` package itself comes only from
the wheel. About 40 seconds: marked slow.
"""

from __future__ import annotations

import os
import site
import socket
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from notify_servers import MailBox, start_platforms
from wheel_build import build_wheel

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(args, *, cwd, env, timeout=240):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_in_a_fresh_venv_init_sample_batch_notify(tmp_path):
    from aiosmtpd.controller import Controller

    wheel = build_wheel(tmp_path / "wheel")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)  # pip --python installs into it
    bindir = env_dir / "bin"
    fresh_site = Path(
        _run([str(bindir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
             cwd=tmp_path, env=os.environ).strip()
    )  # fmt: skip
    (fresh_site / "zz_ecanalysis_deps.pth").write_text(site.getsitepackages()[0] + "\n")
    _run(
        [sys.executable, "-m", "pip", "--python", str(bindir / "python"), "install", "-q",
         "--no-deps", str(wheel)],
        cwd=tmp_path, env=os.environ,
    )  # fmt: skip

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECANALYSIS_", "PYTHON"))}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    # the dependencies' data files (nbconvert's templates) live in the tests' prefix
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    home = tmp_path / "home"
    home.mkdir()

    where = _run(["ecanalysis", "notebooks"], cwd=home, env=env)
    assert f"daily_report  ({fresh_site / 'ecanalysis' / '_bundled' / 'notebooks'}" in where
    _run(["ecanalysis", "init", "ws"], cwd=home, env=env)
    ws = home / "ws"
    _run(["ecanalysis", "sample", "data/sample"], cwd=ws, env=env)
    _run(
        ["ecanalysis", "batch", "--notebooks", "daily_report", "--stores", "shop01", "--workers", "1"],
        cwd=ws, env=env,
    )  # fmt: skip
    assert list((ws / "runs" / "daily_report" / "shop01").glob("*/report.html"))

    server, platforms = start_platforms()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        config = {
            "channels": {
                "team": {"kind": "slack", "url_env": "ECA_SLACK_URL"},
                "boss": {"kind": "email", "to": ["boss@example.com"], "smtp_env": "ECA_SMTP_URL"},
            },
            "digests": [{"channel": "team"}, {"channel": "boss"}],
        }
        (ws / "params" / "notify.yaml").write_text(yaml.safe_dump(config))
        env["ECA_SLACK_URL"] = platforms.url("slack")
        env["ECA_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        out = _run(["ecanalysis", "notify"], cwd=ws, env=env, timeout=60)
        assert "2 sent, 0 failed" in out
        again = _run(["ecanalysis", "notify"], cwd=ws, env=env, timeout=60)
        assert "0 sent, 0 failed (0 new record(s))" in again
    finally:
        controller.stop()
        server.shutdown()
        server.server_close()
    (slack,) = platforms.accepted("slack")
    assert "shop01 · daily_report" in slack.body["blocks"][0]["text"]["text"]
    ((_, recipients, mail),) = box.messages
    assert recipients == ["boss@example.com"] and "digest" in mail["Subject"]
