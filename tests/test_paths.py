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


def test_atomic_write_replaces_the_file_only_when_the_block_succeeds(tmp_path):
    from ecanalysis.paths import atomic_write

    target = tmp_path / "metrics.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as temp:
        temp.write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"], "no temporary file left"
    with atomic_write(target) as temp:
        assert temp.parent == target.parent and temp != target
        temp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]


def test_atomic_write_unless_same_keeps_an_identical_file(tmp_path):
    import os

    from ecanalysis.paths import atomic_write

    target = tmp_path / "quarantine.csv"
    target.write_bytes(b"a,b\n")
    os.utime(target, (1_000_000_000, 1_000_000_000))
    with atomic_write(target, unless_same=True) as temp:
        temp.write_bytes(b"a,b\n")
    assert target.stat().st_mtime == 1_000_000_000, "same bytes: the file is not touched"
    with atomic_write(target, unless_same=True) as temp:
        temp.write_bytes(b"a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["quarantine.csv"]
