"""Hostile text in the data (product titles, review texts, ids) stays inert in the HTML.

The store_inspection report shows product titles and every bad review's text; here they
carry script tags, event handlers and javascript: links. The HTML must show them as text,
and headless Chromium (Debian's ``chromium``) must run none of them.
"""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from ecanalysis.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

MARK = "data-pwned"
HOSTILE = [
    f"<script>document.documentElement.setAttribute('{MARK}','script')</script>",
    f"<img src=x onerror=\"document.documentElement.setAttribute('{MARK}','img')\">",
    '<a href="javascript:alert(1)">click</a>',
    "</table></div><b>unbalanced",
]


@pytest.fixture(scope="module")
def hostile_run(sample_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(sample_dir, data)
    products = pd.read_parquet(data / "products.parquet")
    mine = products["store_id"] == "shop01"
    products.loc[mine, "title"] = [HOSTILE[i % len(HOSTILE)] + f" #{i}" for i in range(mine.sum())]
    products.to_parquet(data / "products.parquet", index=False)
    reviews = pd.read_parquet(data / "reviews.parquet")
    mine = reviews["store_id"] == "shop01"
    reviews.loc[mine, "text"] = [HOSTILE[i % len(HOSTILE)] for i in range(mine.sum())]
    reviews.loc[mine, "reason"] = HOSTILE[0]
    reviews.to_parquet(data / "reviews.parquet", index=False)
    out = tmp_path_factory.mktemp("runs")
    code = main(
        [
            "run",
            "store_inspection",
            "--store-id",
            "shop01",
            "--period",
            "latest-day",
            "--data",
            str(data),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    html_file = next(out.glob("store_inspection/shop01/*/report.html"))
    return html_file, out


def test_hostile_text_is_escaped_in_the_report(hostile_run):
    html_file, _ = hostile_run
    html = html_file.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.documentElement" in html
    assert f"<script>document.documentElement.setAttribute('{MARK}'" not in html
    assert "<img src=x onerror" not in html
    assert '<a href="javascript:' not in html
    assert '&lt;a href="javascript:alert(1)"&gt;click' in html


def test_hostile_text_is_escaped_in_the_index(hostile_run):
    _, out = hostile_run
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"<script>document.documentElement.setAttribute('{MARK}'" not in index


def test_no_injected_script_runs_in_chromium(hostile_run, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip(
            "headless Chromium is not installed (Debian package 'chromium'); .ci/run installs it"
        )
    html_file, _ = hostile_run
    flags = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=3000",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", html_file.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    assert "<html" in dom.lower(), "Chromium rendered nothing"
    html_tag = dom[dom.lower().find("<html") :].split(">", 1)[0]
    assert MARK not in html_tag, f"an injected script ran: {html_tag}"
    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, "--window-size=1280,2400", f"--screenshot={shot}", html_file.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000
