"""docs/metrics.md is generated from the metric docstrings and must be current."""

from __future__ import annotations

from ecanalysis import glossary


def test_every_public_metric_documents_returns_notes_examples_and_label():
    problems = glossary.problems()
    assert not problems, (
        "metric docstrings need Returns, Notes (with a '中文名: …' line) and Examples:\n"
        + "\n".join(problems)
    )


def test_docs_metrics_md_is_current():
    text = glossary.PAGE.read_text(encoding="utf-8") if glossary.PAGE.exists() else ""
    assert text == glossary.render(), (
        "docs/metrics.md is out of date: run `python -m ecanalysis.glossary`"
    )


def test_check_mode_reports_stale_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(glossary, "PAGE", tmp_path / "metrics.md")
    assert glossary.main(["--check"]) == 1
    assert "run `python -m ecanalysis.glossary`" in capsys.readouterr().err
    assert glossary.main([]) == 0
    assert glossary.main(["--check"]) == 0


def test_sections_and_label_parsing():
    doc = """Summary line.

    Returns
    -------
    pandas.DataFrame
        - ``x`` (int64): a count.

    Notes
    -----
    中文名: 测试

    Formula.
    """
    parts = glossary.sections(doc)
    assert parts["Summary"] == "Summary line."
    assert "``x``" in parts["Returns"]
    assert glossary.label(doc) == "测试"
    assert glossary.label("Summary.\n\nNotes\n-----\nNo label.\n") is None
