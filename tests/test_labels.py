"""Label coverage: every column a public metric declares has a zh-Hans and English label.

Each public module of ``ecanalysis.metrics`` declares its output columns in ``*_COLUMNS``
mappings (``{column: dtype}``, the ones ``conform`` applies); reports, tables and charts name
those columns through :func:`ecanalysis.labels.label`, which returns an unknown name as it
is. A column without a label would show as ``paid_amount`` in a Chinese report.
"""

from __future__ import annotations

import importlib

import pytest

from ecanalysis import glossary, labels


def declared_columns() -> dict[str, list[str]]:
    """``{column: ["module.NAME_COLUMNS", ...]}`` over every public metrics module."""
    found: dict[str, list[str]] = {}
    for module_name in glossary.metric_modules():
        module = importlib.import_module(module_name)
        for attr, value in vars(module).items():
            if attr.endswith("_COLUMNS") and isinstance(value, dict):
                where = f"{module_name.rsplit('.', 1)[1]}.{attr}"
                for column in value:
                    found.setdefault(column, []).append(where)
    return found


DECLARED = declared_columns()


def test_the_metrics_declare_columns():
    # guards the discovery itself: an empty set would make the coverage test pass vacuously
    assert len(DECLARED) > 100
    assert "paid_amount" in DECLARED and "repeat_rate" in DECLARED


def test_every_declared_output_column_has_a_label():
    missing = {column: where for column, where in DECLARED.items() if not labels.has_label(column)}
    assert not missing, (
        "metric output columns without a label: add (zh, en) to LABELS in "
        f"ecanalysis/labels.py: {missing}"
    )


@pytest.mark.parametrize("lang", labels.LANGS)
def test_labels_are_text_in_both_languages(lang):
    for name, pair in labels.LABELS.items():
        assert isinstance(pair, tuple) and len(pair) == 2, name
        text = labels.label(name, lang)
        assert isinstance(text, str) and text.strip(), f"{name}: empty {lang} label"


def test_chinese_labels_are_chinese():
    # a zh label copied from the English one is a missing translation (names such as GMV,
    # SKU, ROAS or MAE stay as they are in Chinese reports too)
    untranslated = [
        name
        for name, (zh, en) in labels.LABELS.items()
        if zh == en and not zh.replace(" ", "").isupper()
    ]
    assert not untranslated, f"zh labels equal to the English ones: {untranslated}"


def test_has_label_needs_a_known_base():
    assert labels.has_label("paid_amount_yoy")
    assert not labels.has_label("no_such_column")
    assert not labels.has_label("no_such_column_share"), "a derived name of an unknown base"
    assert labels.label("no_such_column") == "no_such_column"
