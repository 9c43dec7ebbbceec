"""The report page in a real browser: headless Chromium (Debian's ``chromium``) measures
what can be measured of a daily report rendered through the project's template.

A copy of the page gets one measuring script (allowed by adding its hash to the page's
Content-Security-Policy, whose other rules stay). The copy is shown in an iframe of the
width under test (headless Chromium's window is at least 500 px wide, a phone is 390),
and posts its findings to the outer page, which writes them into the DOM that
``--dump-dom`` returns. Skipped when Chromium is not installed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess

import pytest

from ecanalysis.cli import main
from ecanalysis.html import render_report_html

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("e2e")]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: Measures the page once its fonts are ready; the result goes to <body data-measure>.
MEASURE = """
var problems = [];
window.addEventListener("error", function (e) { problems.push("error: " + (e.message || e.type)); }, true);
document.addEventListener("securitypolicyviolation", function (e) {
  problems.push("csp: " + e.violatedDirective + " " + e.blockedURI);
});
function align(selector) {
  var cell = document.querySelector(selector);
  return cell ? getComputedStyle(cell).textAlign : null;
}
function measure() {
  var root = document.documentElement, cards = document.querySelectorAll(".eca-card");
  var images = Array.prototype.slice.call(document.images);
  var faces = [];
  document.fonts.forEach(function (f) { faces.push([f.family.replace(/"/g, ""), f.status]); });
  var result = {
    lang: root.lang,
    innerWidth: window.innerWidth,
    scrollWidth: root.scrollWidth,
    textTd: align(".eca-table td.eca-text"),
    numTd: align(".eca-table td.eca-num"),
    textTh: align(".eca-table th.eca-text"),
    numTh: align(".eca-table th.eca-num"),
    faces: faces,
    cjkReady: document.fonts.check('16px "ECA Noto Sans SC"', "日报"),
    firstCardsTop: Array.prototype.slice.call(cards, 0, 3).map(function (c) { return c.getBoundingClientRect().top; }),
    widestImage: Math.max.apply(null, images.map(function (i) { return i.getBoundingClientRect().right; }).concat([0])),
    styles: document.querySelectorAll("style").length,
    title: document.title,
    problems: problems
  };
  parent.postMessage(JSON.stringify(result), "*");
}
window.addEventListener("load", function () { document.fonts.ready.then(measure); });
"""


@pytest.fixture(scope="module")
def executed(sample_dir, tmp_path_factory):
    """One daily report of the sample, run once; its executed notebook."""
    out = tmp_path_factory.mktemp("browser-runs")
    args = ["run", "daily_report", "--data", str(sample_dir), "--out", str(out)]
    assert main([*args, "--store-id", "shop01", "--period", "2025-11-30"]) == 0
    (notebook,) = out.glob("daily_report/shop01/*/report.ipynb")
    return notebook


@pytest.fixture(scope="module")
def pages(executed, tmp_path_factory):
    """The report rendered through the template in both languages: {lang: html path}."""
    folder = tmp_path_factory.mktemp("pages")
    return {
        lang: render_report_html(executed, folder / f"report.{lang}.html", lang=lang)
        for lang in ("zh", "en")
    }


def _measured(page, width, tmp_path) -> dict:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (Debian package 'chromium')")
    text = page.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(MEASURE.encode("utf-8")).digest()).decode()
    quote = "&#x27;" if "&#x27;" in text else "'"
    csp = f"default-src {quote}none{quote};"
    assert csp in text, "the page has no Content-Security-Policy"
    if "script-src " in text:  # the index allows its own script: allow ours beside it
        text = text.replace("script-src ", f"script-src 'sha256-{digest}' ", 1)
    else:
        text = text.replace(csp, f"{csp} script-src 'sha256-{digest}';", 1)
    text = text.replace("</body>", f"<script>{MEASURE}</script></body>", 1)
    copy = tmp_path / f"measure-{width}.html"
    copy.write_text(text, encoding="utf-8")
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe src="{copy.name}" style="border:0;width:{width}px;height:900px"></iframe>'
        '<script>window.addEventListener("message", function (e) {'
        ' document.body.setAttribute("data-measure", e.data); });</script></body></html>',
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / f'profile-{width}'}",
            "--window-size=1400,1000",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            frame.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'data-measure="([^"]*)"', run.stdout)
    assert found, f"the measuring script did not run: {run.stderr[-2000:]}"
    result = json.loads(html.unescape(found.group(1)))
    result["console"] = [
        line
        for line in run.stderr.splitlines()
        if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line
    ]
    return result


@pytest.mark.parametrize("width", [1280, 390])
def test_zh_page_fits_aligns_and_embeds_its_font(pages, width, tmp_path):
    found = _measured(pages["zh"], width, tmp_path)
    assert found["lang"] == "zh-Hans"
    assert found["innerWidth"] == width
    assert found["scrollWidth"] <= found["innerWidth"], "the page scrolls sideways"
    assert found["widestImage"] <= width
    assert (found["textTd"], found["numTd"]) == ("left", "right")
    assert (found["textTh"], found["numTh"]) == ("left", "right")
    assert ["ECA Noto Sans SC", "loaded"] in found["faces"]
    assert found["cjkReady"] is True
    assert found["styles"] == 1, "one stylesheet per page"
    assert found["title"].startswith("日报 · ") and "shop01" not in found["title"].split(" · ")[0]
    assert found["problems"] == [] and found["console"] == []


def test_kpi_cards_two_per_row_on_a_phone(pages, tmp_path):
    tops = _measured(pages["zh"], 390, tmp_path)["firstCardsTop"]
    assert tops[0] == tops[1] < tops[2]


def test_en_page_says_en(pages, tmp_path):
    found = _measured(pages["en"], 1280, tmp_path)
    assert found["lang"] == "en"
    assert found["scrollWidth"] <= found["innerWidth"]
    assert found["problems"] == [] and found["console"] == []


@pytest.mark.parametrize("width", [1280, 390])
def test_index_fits_and_embeds_its_font(executed, width, tmp_path):
    index = executed.parents[3] / "index.html"
    found = _measured(index, width, tmp_path)
    assert found["lang"] == "zh-Hans"
    assert found["scrollWidth"] <= found["innerWidth"], "the index scrolls sideways"
    assert ["ECA Noto Sans SC", "loaded"] in found["faces"] and found["cjkReady"] is True
    assert found["problems"] == [] and found["console"] == []
