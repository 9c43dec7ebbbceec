"""The report page (ecanalysis.html): the project's template, one stylesheet, the report
language, the embedded CJK font subset and the navigation links."""

from __future__ import annotations

import base64
import io
import re

import nbformat
import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from ecanalysis import report
from ecanalysis.html import record_links, render_report_html, visible_text

STORE = {"store_id": "shop01", "name": "悦享家居天猫旗舰店", "currency": "CNY"}


def _notebook(tmp_path, *blocks, markdown="## 核心指标 · Headline KPIs\n中文段落。\n\nEnglish."):
    """An executed-looking notebook: a code cell (source hidden in the page) whose
    outputs are ``blocks``, then a bilingual markdown cell."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("secret_source_code = 1")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": b._repr_html_(), "text/plain": repr(b)}
        )
        for b in blocks
    ]
    code.outputs.append(nbformat.v4.new_output("stream", name="stderr", text="a warning\n"))
    nb.cells = [code, nbformat.v4.new_markdown_cell(markdown)]
    path = tmp_path / "report.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def page(tmp_path):
    table = pd.DataFrame({"title": ["杯子", "<b>碗</b>"], "paid_amount": [1234.5, 10.0]})
    source = _notebook(
        tmp_path,
        report.title_block("日报", STORE, "2025-11-30"),
        report.kpi_cards({"paid_amount": 1.0, "orders": 2}, currency="CNY"),
        report.format_table(table, currency="CNY"),
    )
    html = render_report_html(source, tmp_path / "report.html", lang="zh")
    return html.read_text(encoding="utf-8")


def test_page_language_title_and_one_stylesheet(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-Hans">' in page
    assert "<title>日报 · 悦享家居天猫旗舰店 · 2025-11-30</title>" in page
    assert page.count("<style") == 1 and page.count("@media print") == 1
    assert "<script" not in page and "default-src 'none'" in page


def test_no_code_prompts_or_warnings(page):
    assert "secret_source_code" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "a warning" not in page
    assert "jp-" not in page  # not the JupyterLab page


def test_markdown_in_the_report_language(page, tmp_path):
    assert "中文段落。" in page and "English." not in page
    english = render_report_html(
        _notebook(tmp_path), tmp_path / "en.html", lang="en", embed_font=False
    ).read_text(encoding="utf-8")
    assert '<html lang="en">' in english
    assert "Headline KPIs" in english and "中文段落" not in english


def test_table_headings_aligned_like_their_cells(page):
    heads = re.findall(r'<th class="([^"]+)" title="([^"]+)"', page)
    assert heads == [("eca-text", "title"), ("eca-num", "paid_amount")]
    assert "&lt;b&gt;碗&lt;/b&gt;" in page
    assert '<div class="eca-scroll"><table class="eca-table">' in page


def test_embedded_font_has_the_page_glyphs_and_is_small(page):
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", page).group(1)
    font = base64.b64decode(data)
    cmap = TTFont(io.BytesIO(font)).getBestCmap()
    body = page[page.index("<body>") :]
    cjk = {c for c in visible_text(body) if "\u4e00" <= c <= "\u9fff" or c in "，：（）。；"}
    assert {"日", "报", "悦", "碗", "："} <= cjk
    assert all(ord(c) in cmap for c in cjk)
    assert ord("A") not in cmap and len(cmap) < 80
    assert len(font) < 40_000, f"{len(font) / 1024:.1f} KB"


def test_navigation_links(tmp_path):
    runs = tmp_path / "runs"
    earlier = runs / "daily_report" / "shop01" / "2025-11-29"
    earlier.mkdir(parents=True)
    (earlier / "report.html").write_text("x", encoding="utf-8")
    links = record_links(runs / "daily_report" / "shop01" / "2025-11-30")
    source = _notebook(tmp_path, report.note("x"))
    page = render_report_html(
        source, tmp_path / "r.html", lang="en", embed_font=False, **links
    ).read_text(encoding="utf-8")
    nav = re.search(r'<nav class="eca-nav">(.*?)</nav>', page).group(1)
    assert '<a href="../../../index.html">↑ All reports</a>' in nav
    assert '<a href="../2025-11-29/report.html" rel="prev">← Previous</a>' in nav
    assert 'href="../../../index.html#daily_report--shop01"' in nav


def test_no_neighbours_no_links(tmp_path):
    source = _notebook(tmp_path, report.note("x"))
    page = render_report_html(source, tmp_path / "r.html", embed_font=False).read_text(
        encoding="utf-8"
    )
    nav = re.search(r'<nav class="eca-nav">(.*?)</nav>', page).group(1)
    assert "<a " not in nav and '<span class="eca-off">← 上一期</span>' in nav


def test_a_later_record_is_the_next_link(tmp_path):
    day = tmp_path / "daily_report" / "shop01"
    for label in ("2025-11-28", "2025-12-02", "2025-W49"):
        (day / label).mkdir(parents=True)
        (day / label / "report.html").write_text("x", encoding="utf-8")
    links = record_links(day / "2025-11-30")
    assert links["prev_href"] == "../2025-11-28/report.html"
    assert links["next_href"] == "../2025-12-02/report.html"  # the week is another kind


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="lang='fr'"):
        render_report_html(_notebook(tmp_path), tmp_path / "x.html", lang="fr")
