"""The runs index: every record listed, escaped, linked and counted; never a crash."""

from __future__ import annotations

import json
import re

import pytest

from ecanalysis.cli import main
from ecanalysis.index import KEY_KPIS, collect_runs, write_index

HOSTILE = "<script>alert(1)</script>"


def _record(folder, *, status="ok", kpis=None, alerts=(), files=("report.html", "report.ipynb")):
    folder.mkdir(parents=True)
    record = {
        "notebook": folder.parent.parent.name,
        "store_id": folder.parent.name,
        "period": {"label": folder.name, "start": None, "end": None},
        "parameters": {"note": HOSTILE},
        "currency": "CNY" if status == "ok" else None,
        "kpis": kpis if kpis is not None else {"orders": 1234, "paid_amount": 56789.5},
        "comparisons": {},
        "alerts": list(alerts),
        "started_at": "2025-11-12T08:00:00+00:00",
        "finished_at": "2025-11-12T08:00:07+00:00",
        "status": status,
    }
    (folder / "metrics.json").write_text(json.dumps(record), encoding="utf-8")
    for name in files:
        (folder / name).write_text("x", encoding="utf-8")


@pytest.fixture
def runs(tmp_path):
    _record(tmp_path / "daily_report" / "shop01" / "2025-11-11")
    _record(tmp_path / "daily_report" / "shop01" / "2025-11-12", kpis={"orders": 7})
    _record(
        tmp_path / "weekly_review" / "shop02" / "2025-W46",
        status="failed",
        kpis={},
        alerts=[{"level": "critical", "message": f"KeyError {HOSTILE}\nsecond line"}],
        files=("report.ipynb", "error.txt"),
    )
    broken = tmp_path / "daily_report" / "shop03" / "2025-11-11"
    broken.mkdir(parents=True)
    (broken / "metrics.json").write_text("{not json", encoding="utf-8")
    # a run being published right now: hidden temporary folder, not listed
    _record(tmp_path / "daily_report" / "shop01" / ".tmp-2025-11-13-abc")
    return tmp_path


def test_rows_sorted_with_latest_period_first(runs):
    rows = collect_runs(runs)
    assert [(r.notebook, r.store_id, r.period, r.status) for r in rows] == [
        ("daily_report", "shop01", "2025-11-12", "ok"),
        ("daily_report", "shop01", "2025-11-11", "ok"),
        ("daily_report", "shop03", "2025-11-11", "unreadable"),
        ("weekly_review", "shop02", "2025-W46", "failed"),
    ]
    assert rows[1].kpis == {k: {"orders": 1234, "paid_amount": 56789.5}.get(k) for k in KEY_KPIS}
    assert [r.currency for r in rows] == ["CNY", "CNY", "", ""]
    assert rows[3].note == f"KeyError {HOSTILE}"
    assert rows[3].alerts == {"critical": 1}
    assert rows[3].files == ("report.ipynb", "metrics.json", "error.txt")


def test_index_escapes_counts_and_links(runs):
    path = write_index(runs, lang="en")
    assert path == runs / "index.html"
    page = path.read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "KeyError &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "second line" not in page
    assert '<span class="badge ok">ok</span> 2' in page
    assert '<span class="badge failed">failed</span> 1' in page
    assert '<span class="badge unreadable">unreadable</span> 1' in page
    assert "unreadable record" in page
    assert 'href="daily_report/shop01/2025-11-11/report.html"' in page
    assert 'href="weekly_review/shop02/2025-W46/error.txt"' in page
    assert 'href="weekly_review/shop02/2025-W46/report.html"' not in page
    assert ".tmp-" not in page
    assert '<td class="num" data-sort="1234">1,234</td>' in page
    assert '<td class="num" data-sort="56789.5">¥56,789.50</td>' in page


def test_the_workbook_of_a_record_is_linked(tmp_path):
    _record(
        tmp_path / "monthly_assessment" / "shop01" / "2025-10",
        files=("report.html", "monthly_assessment.xlsx", "daily_report.xlsx"),
    )
    (row,) = collect_runs(tmp_path)
    assert row.files == ("report.html", "metrics.json", "monthly_assessment.xlsx")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert 'href="monthly_assessment/shop01/2025-10/monthly_assessment.xlsx"' in page


def test_only_the_own_script_may_run(runs):
    page = write_index(runs).read_text(encoding="utf-8")
    assert page.count("<script>") == 1
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "script-src &#x27;sha256-" in csp
    assert "unsafe-inline&#x27;; img" in csp  # styles only; scripts need the hash


def test_chinese_labels_by_default(runs):
    page = write_index(runs).read_text(encoding="utf-8")
    assert "报告索引" in page and "支付金额" in page and "客单价" in page
    assert '<h3 id="daily_report--shop01">日报</h3>' in page


def test_empty_or_missing_runs_dir(tmp_path):
    path = write_index(tmp_path / "new" / "runs", lang="en")
    page = path.read_text(encoding="utf-8")
    assert "No runs yet." in page
    assert not list(path.parent.glob(".*tmp"))


def test_rewrite_replaces_the_page(runs):
    write_index(runs)
    _record(runs / "daily_report" / "shop09" / "2025-11-11")
    page = write_index(runs).read_text(encoding="utf-8")
    assert "shop09" in page


def test_record_that_is_not_an_object_is_unreadable(tmp_path):
    folder = tmp_path / "daily_report" / "shop01" / "2025-11-11"
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text("[1, 2]", encoding="utf-8")
    (row,) = collect_runs(tmp_path)
    assert row.status == "unreadable"


def test_cli_index_returns_0(runs, capsys):
    assert main(["index", "--out", str(runs)]) == 0
    assert "index.html" in capsys.readouterr().out
    assert (runs / "index.html").is_file()


def test_a_run_whose_data_do_not_cover_its_period_is_marked(tmp_path):
    """A daily report after the last export (all zeros) showed a plain green 'ok'."""
    _record(tmp_path / "daily_report" / "shop01" / "2025-12-03")
    _record(tmp_path / "daily_report" / "shop01" / "2025-11-30")
    partial = tmp_path / "daily_report" / "shop01" / "2025-12-03" / "metrics.json"
    record = json.loads(partial.read_text(encoding="utf-8"))
    record["period"]["complete"] = False
    partial.write_text(json.dumps(record), encoding="utf-8")
    rows = {row.period: row for row in collect_runs(tmp_path)}
    assert (rows["2025-12-03"].complete, rows["2025-11-30"].complete) == (False, True)
    page = write_index(tmp_path, lang="en").read_text(encoding="utf-8")
    assert page.count('<span class="badge partial">partial data</span>') == 1
    assert "the data do not cover the whole period: figures are partial" in page
    assert (
        '<a href="daily_report/shop01/2025-12-03/report.html" title="report.html">HTML</a>' in page
    )


# -- for stakeholders: names, local times, groups, neighbours (issue 15) -----------------


def _name_store(folder, name):
    path = folder / "metrics.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["store"] = {"name": name, "timezone": "Asia/Shanghai"}
    path.write_text(json.dumps(record), encoding="utf-8")


def test_stores_by_name_reports_by_name_newest_first(tmp_path):
    for day in ("2025-11-28", "2025-11-30", "2025-11-29"):
        _record(tmp_path / "daily_report" / "shop01" / day)
    _record(tmp_path / "weekly_review" / "shop01" / "2025-W48")
    _record(tmp_path / "daily_report" / "shop02" / "2025-11-30")
    _name_store(tmp_path / "daily_report" / "shop01" / "2025-11-30", "悦享家居天猫旗舰店")
    page = write_index(tmp_path, lang="zh").read_text(encoding="utf-8")
    assert "<h2>悦享家居天猫旗舰店<small>shop01</small></h2>" in page
    assert "<h2>shop02</h2>" in page  # no name recorded: the id
    shop01 = page[page.index('id="store--shop01"') : page.index('id="store--shop02"')]
    days = re.findall(r">(2025-11-\d\d)</a>", shop01)
    assert days == ["2025-11-30", "2025-11-29", "2025-11-28"]
    assert shop01.index(">日报</h3>") < shop01.index(">周报</h3>")
    english = write_index(tmp_path, lang="en").read_text(encoding="utf-8")
    assert ">Daily report</h3>" in english and ">Weekly review</h3>" in english
    assert '<html lang="en">' in english


def test_rows_link_their_previous_and_next_period(tmp_path):
    for day in ("2025-11-28", "2025-11-29", "2025-11-30"):
        _record(tmp_path / "daily_report" / "shop01" / day, files=("report.html",))
    page = write_index(tmp_path, lang="en").read_text(encoding="utf-8")
    row = page[page.index('data-sort="2025-11-29"') :].split("</td>", 1)[0]
    prev = re.search(r'href="([^"]+)" title="previous period', row).group(1)
    nxt = re.search(r'href="([^"]+)" title="next period', row).group(1)
    assert (prev, nxt) == (
        "daily_report/shop01/2025-11-28/report.html",
        "daily_report/shop01/2025-11-30/report.html",
    )
    newest = page[page.index('data-sort="2025-11-30"') :].split("</td>", 1)[0]
    assert "next period" not in newest


def test_times_in_the_given_zone_and_a_jump_to_each_report(tmp_path):
    _record(tmp_path / "daily_report" / "shop01" / "2025-11-30")
    page = write_index(tmp_path, tz="Asia/Shanghai").read_text(encoding="utf-8")
    assert '<td data-sort="2025-11-12 16:00">2025-11-12 16:00</td>' in page  # 08:00 UTC
    assert "时间均为 Asia/Shanghai" in page
    assert '<a href="#daily_report--shop01">shop01</a>' in page


def test_the_index_embeds_its_cjk_glyphs(tmp_path):
    import base64
    import io

    from fontTools.ttLib import TTFont

    _record(tmp_path / "daily_report" / "shop01" / "2025-11-30")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    data = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", page).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    assert all(ord(char) in cmap for char in "报告索引日报支付金额")
    assert ord("a") not in cmap  # Latin text keeps the system fonts
    assert page.count("<style>") == 1
