"""notify.yaml checks, the messages built from records, cooldown, quiet hours, state and
--dry-run. No network: delivery is in test_notify_delivery.py."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import yaml
from notify_servers import write_record

from ecanalysis.errors import ParameterError
from ecanalysis.notify.config import parse_notify_config
from ecanalysis.notify.messages import build_messages, read_records
from ecanalysis.notify.run import notify, parse_since
from ecanalysis.notify.state import STATE_NAME, load_state

NOW = dt.datetime(2025, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai

CONFIG = {
    "channels": {
        "ops": {"kind": "dingtalk", "url_env": "ECA_DT_URL", "secret_env": "ECA_DT_SECRET"},
        "team": {"kind": "slack", "url_env": "ECA_SLACK_URL"},
    },
    "rules": [
        {
            "channel": "ops",
            "notebooks": ["daily_report"],
            "stores": "all",
            "levels": ["critical", "warning"],
            "kpis": {"paid_amount": {"below": 5000}},
        }
    ],
    "digests": [{"channel": "team", "notebooks": ["daily_report"], "stores": ["shop01"]}],
    "base_url": "https://reports.example.com/runs/",
    "cooldown_hours": 24,
}


def _params(tmp_path, config=CONFIG):
    params = tmp_path / "params"
    params.mkdir(exist_ok=True)
    (params / "notify.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    return params


def _records(out):
    write_record(
        out, "daily_report", "shop01", "2025-11-30", finished_at="2025-12-01T00:30:00+00:00",
        kpis={"orders": 12, "paid_amount": 4200.5, "conversion_rate": 0.031},
        alerts=[
            {"level": "critical", "message": "支付金额 −45% vs the day before"},
            {"level": "info", "message": "coverage complete"},
        ],
    )  # fmt: skip
    write_record(
        out, "daily_report", "shop02", "2025-11-30", finished_at="2025-12-01T00:31:00+00:00",
        kpis={"orders": 80, "paid_amount": 51000.0},
        alerts=[{"level": "warning", "message": "stock-out: 3 SKUs"}],
    )  # fmt: skip
    write_record(
        out, "weekly_review", "shop01", "2025-W48", finished_at="2025-12-01T00:32:00+00:00",
        kpis={"orders": 300}, alerts=[{"level": "critical", "message": "not for ops"}],
    )  # fmt: skip


# --- notify.yaml -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cooldown_hour": 3}, r"unknown key 'cooldown_hour'; did you mean 'cooldown_hours'"),
        ({"channels": {"x": {"kind": "dingtalk", "url": "https://oapi"}}}, r"unknown key 'url'"),
        ({"channels": {"x": {"kind": "dingtalk", "url_env": "https://oapi.dingtalk.com/x"}}},
         r"NAME of an environment variable"),
        ({"channels": {"x": {"kind": "dingtlk", "url_env": "A"}}}, r"did you mean 'dingtalk'"),
        ({"rules": [{"channel": "opz"}]}, r"'opz' is not a channel; did you mean 'ops'"),
        ({"rules": [{"channel": "ops", "levels": ["fatal"]}]}, r"\['fatal'\] not in"),
        ({"rules": [{"channel": "ops", "kpis": {"aov": {"belw": 3}}}]}, r"did you mean 'below'"),
        ({"channels": {"m": {"kind": "email", "to": ["nobody"], "smtp_env": "S"}}},
         r"e-mail addresses"),
        ({"quiet_hours": {"start": "22:00", "end": "7h"}}, r"quiet_hours.end"),
        ({"base_url": "reports.example.com"}, r"base_url must start with http"),
    ],
)  # fmt: skip
def test_notify_yaml_mistakes_are_named(change, message):
    raw = {**CONFIG, **change}
    if "channels" in change:
        raw["channels"] = {**CONFIG["channels"], **change["channels"]}
    with pytest.raises(ParameterError, match=message):
        parse_notify_config(raw)


def test_init_template_parses_and_sends_nothing(tmp_path):
    from ecanalysis.workspace import NOTIFY_TEMPLATE

    cfg = parse_notify_config(yaml.safe_load(NOTIFY_TEMPLATE))
    assert cfg.channels == {} and cfg.rules == () and cfg.digests == ()
    # the example block of the template, uncommented, is a valid file
    lines = NOTIFY_TEMPLATE.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("# channels:")))
    block = [line[2:] for line in lines[start:] if line.startswith("#")]
    raw = yaml.safe_load("\n".join(block))
    cfg = parse_notify_config(raw)
    assert set(cfg.channels) == {"ops", "group", "feishu", "team", "teams", "boss"}
    assert cfg.quiet_hours is not None and cfg.digests[0].channel == "boss"


def test_secrets_come_from_the_environment_only(tmp_path, monkeypatch):
    cfg = parse_notify_config(CONFIG)
    monkeypatch.delenv("ECA_DT_URL", raising=False)
    with pytest.raises(ParameterError, match="ECA_DT_URL"):
        cfg.channels["ops"].secret("url_env")
    monkeypatch.setenv("ECA_DT_URL", "http://127.0.0.1:9/robot")
    assert cfg.channels["ops"].secret("url_env") == "http://127.0.0.1:9/robot"


# --- messages ------------------------------------------------------------------------------


def test_alerts_follow_the_rules_and_digest_the_chosen_records(tmp_path):
    out = tmp_path / "runs"
    _records(out)
    cfg = parse_notify_config(CONFIG)
    messages = build_messages(cfg, read_records(out, None), out, cooling=set())
    alerts = [m for m in messages if m.kind == "alert"]
    assert [(m.channel, m.stores) for m in alerts] == [("ops", ["shop01"]), ("ops", ["shop02"])]
    shop01 = alerts[0]
    # the critical alert and the KPI bound; not the info alert, not the weekly review
    assert shop01.keys == [
        "shop01|daily_report|支付金额 −45% vs the day before",
        "shop01|daily_report|支付金额 (paid_amount) 4,200.50 < 5,000",
    ]
    assert "coverage complete" not in shop01.body and "not for ops" not in shop01.body
    assert (
        "[report](https://reports.example.com/runs/daily_report/shop01/2025-11-30/report.html)"
        in shop01.body
    )
    (digest,) = [m for m in messages if m.kind == "digest"]
    assert digest.channel == "team" and digest.stores == ["shop01"]
    assert "支付订单数 12" in digest.body and "支付金额 4,200.50" in digest.body
    assert "shop02" not in digest.body and "weekly_review" not in digest.body


def test_since_reads_only_later_records(tmp_path):
    out = tmp_path / "runs"
    _records(out)
    since = parse_since("2025-12-01T08:31:00+08:00")
    assert [r.rel for r in read_records(out, since)] == ["weekly_review/shop01/2025-W48"]


def test_dry_run_prints_and_changes_nothing(tmp_path):
    out = tmp_path / "runs"
    _records(out)
    stdout = io.StringIO()
    result = notify(out, _params(tmp_path), dry_run=True, now=NOW, environ={}, stdout=stdout)
    text = stdout.getvalue()
    assert "--- alert → ops (dingtalk)" in text and "--- digest → team (slack)" in text
    assert "dry run: 3 message(s) from 3 record(s); nothing sent" in text
    assert result.sent == [] and not (out / STATE_NAME).exists()


def test_a_missing_secret_stops_before_anything_is_sent(tmp_path):
    out = tmp_path / "runs"
    _records(out)
    with pytest.raises(ParameterError, match="ECA_DT_SECRET"):
        notify(out, _params(tmp_path), now=NOW, environ={"ECA_DT_URL": "x", "ECA_SLACK_URL": "y"})
    assert not (out / STATE_NAME).exists()


def test_quiet_hours_hold_messages_for_the_next_run(tmp_path):
    out = tmp_path / "runs"
    _records(out)
    config = {
        **CONFIG,
        "quiet_hours": {"start": "22:00", "end": "07:00", "timezone": "Asia/Shanghai"},
    }
    night = dt.datetime(2025, 11, 30, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai
    result = notify(out, _params(tmp_path, config), now=night, environ={}, stdout=io.StringIO())
    assert len(result.held) == 3 and result.exit_code == 0
    state = load_state(out)
    assert [m.kind for m in state.pending] == ["alert", "alert", "digest"]
    assert state.sent == {}
    assert state.last_run == dt.datetime(2025, 12, 1, 0, 32, tzinfo=dt.UTC)
    raw = json.loads((out / STATE_NAME).read_text())
    assert set(raw) == {"last_run", "sent", "pending"}


# --- the documentation ---------------------------------------------------------------------


def test_the_documented_notify_yaml_and_commands_are_valid():
    import re
    from pathlib import Path

    from ecanalysis.cli import build_parser

    root = Path(__file__).resolve().parent.parent
    doc = (root / "docs" / "scheduling.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n# params/notify.yaml\n(.*?)```", doc, flags=re.S)
    cfg = parse_notify_config(yaml.safe_load(block))
    assert {c.kind for c in cfg.channels.values()} == {"dingtalk", "email"}
    assert cfg.rules[1].kpis[0].below == 10000
    text = doc + (root / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"ecanalysis ((?:notify|init)\b[^;&|>`)#\n]*)", text)
    commands = [c for c in commands if "[" not in c]  # synopses such as init DIR [--update]
    assert len(commands) >= 4
    for command in commands:
        build_parser().parse_args([a for a in command.replace("\\", " ").split() if a])
