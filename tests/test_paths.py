"""Identifiers that become path components are checked before any path is built."""

from __future__ import annotations

import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.paths import check_identifier, publish_dir, record_dir, temp_dir_beside

HOSTILE = [
    "../../x",
    "/abs",
    "a/b",
    "a\\b",
    "..",
    ".",
    "",
    "bad\x00nul",
    "x" * 65,
    "-lead",
    " space",
    "é",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_hostile_identifiers_are_refused(value):
    with pytest.raises(ParameterError, match="is not allowed"):
        check_identifier(value, "store_id")


@pytest.mark.parametrize("value", ["shop01", "00001", "a.b-c_d", "S" * 64])
def test_safe_identifiers_pass(value):
    assert check_identifier(value, "store_id") == value


def test_record_dir_stays_inside_out(tmp_path):
    path = record_dir(tmp_path, "daily_report", "shop01", "2025-11-11")
    assert path == (tmp_path / "daily_report" / "shop01" / "2025-11-11").resolve()
    with pytest.raises(ParameterError):
        record_dir(tmp_path, "daily_report", "..", "2025-11-11")
    with pytest.raises(ParameterError):
        record_dir(tmp_path, "daily_report", "shop01", "../2025")


def test_publish_replaces_atomically(tmp_path):
    final = tmp_path / "rec"
    first = temp_dir_beside(final)
    (first / "metrics.json").write_text("1")
    publish_dir(first, final)
    second = temp_dir_beside(final)
    (second / "metrics.json").write_text("2")
    publish_dir(second, final)
    assert (final / "metrics.json").read_text() == "2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec"]
