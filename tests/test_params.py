"""params/: settings merge, targets, schedule, notebook parameter checks."""

from __future__ import annotations

import pytest

from ecanalysis.errors import ParameterError
from ecanalysis.params import (
    coerce_parameter,
    load_schedule,
    load_settings,
    monthly_target,
    validate_parameters,
)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_store_file_overrides_defaults(tmp_path):
    write(tmp_path / "defaults.yaml", "thresholds:\n  rating_alert: 4.7\n  top_n: 5\n")
    write(tmp_path / "stores" / "s1.yaml", "thresholds:\n  top_n: 3\ntargets:\n  orders: 100\n")
    s1 = load_settings(tmp_path, "s1")
    assert s1["thresholds"]["rating_alert"] == 4.7
    assert s1["thresholds"]["top_n"] == 3
    assert s1["thresholds"]["no_sales_days"] == 30  # built-in default
    assert s1["targets_set"] is True
    other = load_settings(tmp_path, "s2")
    assert other["thresholds"]["top_n"] == 5
    assert other["targets_set"] is False


def test_unknown_threshold_is_named_with_a_hint(tmp_path):
    write(tmp_path / "defaults.yaml", "thresholds:\n  rating_alrt: 4.7\n")
    with pytest.raises(
        ParameterError, match=r"unknown threshold 'rating_alrt' .*did you mean 'rating_alert'"
    ):
        load_settings(tmp_path, None)


def test_invalid_yaml_is_a_clear_error(tmp_path):
    write(tmp_path / "defaults.yaml", "thresholds: [1,\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_settings(tmp_path, None)


def test_monthly_target_per_month_and_default():
    settings = {"targets": {"paid_amount": {"default": 100, "2025-11": 250}, "orders": 7}}
    assert monthly_target(settings, "2025-11", "paid_amount") == 250.0
    assert monthly_target(settings, "2025-10", "paid_amount") == 100.0
    assert monthly_target(settings, "2025-10", "orders") == 7.0
    assert monthly_target(settings, "2025-10", "buyers") is None


def test_schedule_needs_reports(tmp_path):
    write(tmp_path / "s.yaml", "stores: all\n")
    with pytest.raises(ParameterError, match="reports"):
        load_schedule(tmp_path / "s.yaml")
    write(
        tmp_path / "s.yaml",
        "stores: [a]\nreports:\n  - notebook: daily_report\n    period: latest-day\n",
    )
    assert load_schedule(tmp_path / "s.yaml") == [
        {"notebook": "daily_report", "period": "latest-day", "stores": ["a"]}
    ]


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        ("3", "int", 3),
        ("2.5", "float", 2.5),
        ("yes", "bool", True),
        ("none", "str | None", None),
        ("null", "Optional[str]", None),
        ("x", "Optional[str]", "x"),
        ("00123", "str", "00123"),
        (4, "float", 4.0),
    ],
)
def test_coerce_parameter(value, type_name, expected):
    assert coerce_parameter("x", value, type_name) == expected


def test_coerce_parameter_refuses_wrong_type():
    with pytest.raises(ParameterError, match="parameter 'top' must be int, got 'many'"):
        coerce_parameter("top", "many", "int")


def test_unknown_parameter_gets_closest_name():
    declared = {"store_id": {"type": "str"}, "campaign_id": {"type": "str | None"}}
    with pytest.raises(
        ParameterError, match="no parameter 'campain_id'; did you mean 'campaign_id'"
    ):
        validate_parameters("campaign_review", declared, {"campain_id": "x"})
    assert validate_parameters("campaign_review", declared, {"campaign_id": "c1"}) == {
        "campaign_id": "c1"
    }
