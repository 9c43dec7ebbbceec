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


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"lang": "fr"}, "lang='fr' is not one of 'zh', 'en'"),
        ({"lang": "EN"}, "lang='EN' is not one of 'zh', 'en' (did you mean 'en'?)"),
        ({"on_bad_rows": "skip"}, "on_bad_rows='skip' is not one of 'fail', 'quarantine'"),
    ],
)
def test_a_parameter_of_a_closed_set_is_checked_before_the_report(given, message):
    declared = {"lang": {"type": "Optional[str]"}, "on_bad_rows": {"type": "str"}}
    with pytest.raises(ParameterError) as caught:
        validate_parameters("daily_report", declared, given)
    assert str(caught.value) == message
    assert validate_parameters("daily_report", declared, {"lang": "en"}) == {"lang": "en"}


def test_run_refuses_a_bad_language_before_any_notebook_runs(sample_dir, tmp_path, capsys):
    """Inside the kernel would be too late: the failed run would replace a good record."""
    from ecanalysis.cli import main

    argv = ["run", "daily_report", "--store-id", "shop01", "--period", "2025-11-30"]
    assert main([*argv, "-p", "lang", "fr", "--data", str(sample_dir), "--out", str(tmp_path)]) == 2
    assert "lang='fr' is not one of 'zh', 'en'" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


# -- settings are checked before a report starts ------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("thresholds:\n  top_n: ten\n", r"threshold top_n: 'ten' in .*s1\.yaml must be a number"),
        ("thresholds:\n  top_n: 2.5\n", r"top_n: 2\.5 .* must be a whole number of at least 1"),
        ("thresholds:\n  no_sales_days: 0\n", r"no_sales_days: 0 .* at least 1"),
        ("thresholds:\n  rating_alert: 48\n", r"rating_alert: 48 .* between 0 and 5"),
        ("thresholds:\n  drop_alert_pct: 0.2\n", r"drop_alert_pct: 0\.2 .* between -1 and 0"),
        ("thresholds:\n  rating_alert: true\n", r"rating_alert: True .* must be a number"),
        ("thresholds: 4.8\n", r"'thresholds' in .* must be a mapping"),
        (
            "threshold:\n  top_n: 3\n",
            r"unknown setting 'threshold' \(did you mean 'thresholds'\?\)",
        ),
        ("lang: fr\n", r"lang: 'fr' in .* must be 'zh' or 'en'"),
        ("portfolio_timezone: Shanghai\n", r"'Shanghai' .* is not an IANA time zone"),
        ("reporting_currency: rmb\n", r"reporting_currency: 'rmb' .* ISO 4217"),
        ("targets:\n  paid_amount: 1,300,000\n", r"paid_amount: default: '1,300,000' .* number"),
        (
            "targets:\n  orders: {default: 10, '2025-13': 20}\n",
            r"key '2025-13' .* 'default' or a mon",
        ),
        ("targets: [1, 2]\n", r"'targets' in .* must be a mapping"),
    ],
)
def test_bad_settings_name_file_key_value_and_fix(tmp_path, text, message):
    write(tmp_path / "stores" / "s1.yaml", text)
    with pytest.raises(ParameterError, match=message):
        load_settings(tmp_path, "s1")
    assert load_settings(tmp_path, "s2")["store_file"] is None, "other stores are unaffected"


def test_a_bad_default_names_defaults_yaml(tmp_path):
    write(tmp_path / "defaults.yaml", "thresholds:\n  low_cover_days: -7\n")
    with pytest.raises(ParameterError, match=r"low_cover_days: -7 in .*defaults\.yaml"):
        load_settings(tmp_path, None)


def test_good_settings_pass_untouched(tmp_path):
    write(
        tmp_path / "stores" / "s1.yaml",
        "reporting_currency: USD\nlang: en\nthresholds:\n  top_n: 3\n  rating_alert: 4.5\n"
        "targets:\n  orders: {default: 10, '2025-11': 20, '2025-12': null}\n  aov: 99.5\n",
    )
    settings = load_settings(tmp_path, "s1")
    assert settings["thresholds"]["top_n"] == 3
    assert monthly_target(settings, "2025-11", "orders") == 20.0
    assert monthly_target(settings, "2025-12", "orders") is None


def test_the_projects_params_are_valid():
    from pathlib import Path

    params = Path(__file__).resolve().parents[1] / "params"
    for store_file in sorted((params / "stores").glob("*.yaml")):
        assert load_settings(params, store_file.stem)["store_file"] == str(store_file)


# -- thresholds: one home (params.THRESHOLDS) ---------------------------------------------


def test_defaults_yaml_states_the_same_thresholds_as_the_code():
    """params/defaults.yaml spells every threshold out for users; it must agree with
    params.THRESHOLDS, which the settings check and the metric defaults read."""
    import yaml

    from ecanalysis.config import default_params_dir
    from ecanalysis.params import DEFAULT_THRESHOLDS

    text = (default_params_dir() / "defaults.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text)["thresholds"] == DEFAULT_THRESHOLDS


def test_every_threshold_has_a_meaning_and_a_default_in_its_range():
    from ecanalysis.params import BUILTIN_DEFAULTS, THRESHOLDS, check_settings

    for name, threshold in THRESHOLDS.items():
        assert threshold.meaning.strip(), name
        assert threshold.whole or threshold.high is None or threshold.low <= threshold.high
    check_settings(BUILTIN_DEFAULTS, where="the built-in defaults")


@pytest.mark.parametrize(
    ("function", "option", "threshold"),
    [
        ("reviews.rating_summary", "threshold", "rating_alert"),
        ("reviews.dsr_summary", "threshold", "rating_alert"),
        ("reviews.low_rated_products", "threshold", "rating_alert"),
        ("inventory.stock_cover", "window_days", "stock_window_days"),
        ("inventory.stock_cover", "low_cover_days", "low_cover_days"),
        ("inventory.no_sales_products", "days", "no_sales_days"),
        ("anomalies.detect_anomalies", "threshold", "anomaly_threshold"),
        ("channels.flag_channels", "min_spend_share", "channel_min_spend_share"),
        ("channels.flag_channels", "roas_floor", "channel_roas_floor"),
        ("channels.flag_channels", "grow_roas", "channel_grow_roas"),
        ("products.best_and_worst", "n", "top_n"),
        ("clv.customer_lifetime_value", "horizon", "clv_horizon_weeks"),
    ],
)
def test_metric_defaults_are_the_thresholds(function, option, threshold):
    import importlib
    import inspect

    from ecanalysis.params import DEFAULT_THRESHOLDS

    module, name = function.split(".")
    func = getattr(importlib.import_module(f"ecanalysis.metrics.{module}"), name)
    assert inspect.signature(func).parameters[option].default == DEFAULT_THRESHOLDS[threshold]


def test_a_threshold_out_of_range_names_its_range(tmp_path):
    write(tmp_path / "defaults.yaml", "thresholds:\n  channel_min_spend_share: 1.5\n")
    with pytest.raises(ParameterError, match="between 0 and 1"):
        load_settings(tmp_path, None)
    write(tmp_path / "defaults.yaml", "thresholds:\n  top_n: 2.5\n")
    with pytest.raises(ParameterError, match="whole number of at least 1"):
        load_settings(tmp_path, None)
