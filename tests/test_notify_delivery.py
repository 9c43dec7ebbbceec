"""Delivery over loopback (127.0.0.1) only: a local HTTP server plays 钉钉, 企业微信, 飞书,
Slack and Teams (payload shape and signature checked as each platform documents them), a
local SMTP server (aiosmtpd) receives the mails. Nothing reaches the internet."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
import yaml
from notify_servers import (
    DINGTALK_SECRET,
    FEISHU_SECRET,
    MailBox,
    start_platforms,
    write_record,
)

from ecanalysis.notify.run import notify
from ecanalysis.notify.state import load_state


@pytest.fixture
def platforms():
    server, state = start_platforms()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free loopback port (aiosmtpd needs one up front)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    box.port = port
    yield box
    controller.stop()


def _env(platforms, smtp=None) -> dict[str, str]:
    env = {
        "ECA_DT_URL": platforms.url("dingtalk") + "?access_token=abc",
        "ECA_DT_SECRET": DINGTALK_SECRET,
        "ECA_WECOM_URL": platforms.url("wecom") + "?key=k",
        "ECA_FEISHU_URL": platforms.url("feishu"),
        "ECA_FEISHU_SECRET": FEISHU_SECRET,
        "ECA_SLACK_URL": platforms.url("slack"),
        "ECA_TEAMS_URL": platforms.url("teams"),
    }
    if smtp is not None:
        env["ECA_SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
    return env


CHANNELS = {
    "dingtalk": {"kind": "dingtalk", "url_env": "ECA_DT_URL", "secret_env": "ECA_DT_SECRET"},
    "wecom": {"kind": "wecom", "url_env": "ECA_WECOM_URL"},
    "feishu": {"kind": "feishu", "url_env": "ECA_FEISHU_URL", "secret_env": "ECA_FEISHU_SECRET"},
    "slack": {"kind": "slack", "url_env": "ECA_SLACK_URL"},
    "teams": {"kind": "teams", "url_env": "ECA_TEAMS_URL"},
}


def _setup(tmp_path, config):
    params = tmp_path / "params"
    params.mkdir(exist_ok=True)
    (params / "notify.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    out = tmp_path / "runs"
    write_record(
        out, "daily_report", "shop01", "2025-11-30", finished_at="2025-12-01T00:30:00+00:00",
        kpis={"orders": 12, "paid_amount": 4200.5},
        alerts=[{"level": "critical", "message": "支付金额 −45% vs the day before"}],
        workbook=True,
    )  # fmt: skip
    return out, params


def _run(out, params, env, **kw):
    return notify(
        out,
        params,
        environ=env,
        sleep=lambda s: None,
        stdout=io.StringIO(),
        log=io.StringIO(),
        **kw,
    )


def test_every_platform_receives_a_valid_signed_alert(tmp_path, platforms):
    rules = [{"channel": name, "levels": ["critical"]} for name in CHANNELS]
    out, params = _setup(tmp_path, {"channels": CHANNELS, "rules": rules, "retries": 1})
    result = _run(out, params, _env(platforms))
    assert result.exit_code == 0 and len(result.sent) == 5
    verdicts = {r.path: r.verdict for r in platforms.received}
    assert verdicts == dict.fromkeys(CHANNELS, "ok")
    for r in platforms.received:
        text = str(r.body)
        assert "支付金额 −45% vs the day before" in text, r.path
    (dt_req,) = platforms.accepted("dingtalk")
    assert dt_req.query["access_token"] == "abc"  # the URL's own query is kept
    (slack,) = platforms.accepted("slack")
    assert "*shop01 · daily_report · 2025-11-30*" in slack.body["blocks"][0]["text"]["text"]


def test_a_wrong_signing_secret_is_refused_and_kept(tmp_path, platforms):
    rules = [{"channel": "dingtalk"}, {"channel": "feishu"}]
    out, params = _setup(tmp_path, {"channels": CHANNELS, "rules": rules, "retries": 2})
    env = {**_env(platforms), "ECA_DT_SECRET": "SECwrong", "ECA_FEISHU_SECRET": "wrong"}
    result = _run(out, params, env)
    assert result.exit_code == 1 and len(result.failed) == 2
    assert {r.verdict for r in platforms.received} == {"sign not match", "sign match fail"}
    assert len(platforms.received) == 4  # two attempts each
    assert len(load_state(out).pending) == 2
    # the next run, with the right secrets, sends what was kept
    result = _run(out, params, _env(platforms))
    assert result.exit_code == 0 and len(result.sent) == 2
    assert len(platforms.accepted("dingtalk")) == 1 and len(platforms.accepted("feishu")) == 1
    assert load_state(out).pending == []


def test_a_failing_server_is_retried_with_backoff(tmp_path, platforms):
    config = {
        "channels": CHANNELS,
        "rules": [{"channel": "wecom"}],
        "retries": {"attempts": 3, "backoff_seconds": 0.5},
    }
    out, params = _setup(tmp_path, config)
    platforms.fail_next["wecom"] = 2
    waits = []
    result = notify(
        out, params, environ=_env(platforms), sleep=waits.append, stdout=io.StringIO(),
        log=io.StringIO(),
    )  # fmt: skip
    assert result.exit_code == 0 and waits == [0.5, 1.0]
    assert [r.verdict for r in platforms.received] == ["HTTP 500", "HTTP 500", "ok"]


def test_an_unreachable_channel_exits_1_and_sends_next_time(tmp_path, platforms):
    out, params = _setup(
        tmp_path, {"channels": CHANNELS, "rules": [{"channel": "slack"}], "retries": 2}
    )
    env = {**_env(platforms), "ECA_SLACK_URL": "http://127.0.0.1:9/closed"}  # port 9: discard
    log = io.StringIO()
    result = notify(out, params, environ=env, sleep=lambda s: None, stdout=io.StringIO(), log=log)
    assert result.exit_code == 1 and "attempt 2/2 failed" in log.getvalue()
    assert len(load_state(out).pending) == 1
    result = _run(out, params, _env(platforms))
    assert result.exit_code == 0 and len(platforms.accepted("slack")) == 1


def test_cooldown_keeps_the_same_alert_from_being_sent_twice(tmp_path, platforms):
    config = {"channels": CHANNELS, "rules": [{"channel": "teams"}], "cooldown_hours": 24}
    out, params = _setup(tmp_path, config)
    now = dt.datetime(2025, 12, 1, 1, 0, tzinfo=dt.UTC)
    assert len(_run(out, params, _env(platforms), now=now).sent) == 1
    # the next day's report raises the same alert: within 24 h, not sent again
    write_record(
        out, "daily_report", "shop01", "2025-12-01", finished_at="2025-12-01T12:00:00+00:00",
        alerts=[{"level": "critical", "message": "支付金额 −45% vs the day before"}],
    )  # fmt: skip
    assert _run(out, params, _env(platforms), now=now + dt.timedelta(hours=12)).sent == []
    # after the cooldown it is
    write_record(
        out, "daily_report", "shop01", "2025-12-02", finished_at="2025-12-02T12:00:00+00:00",
        alerts=[{"level": "critical", "message": "支付金额 −45% vs the day before"}],
    )  # fmt: skip
    assert len(_run(out, params, _env(platforms), now=now + dt.timedelta(hours=36)).sent) == 1
    assert len(platforms.accepted("teams")) == 2


def test_email_digest_with_report_inline_and_workbook_attached(tmp_path, platforms, smtp):
    config = {
        "channels": {
            "boss": {
                "kind": "email",
                "to": ["boss@example.com"],
                "to_by_store": {"shop01": ["shop01-lead@example.com"]},
                "smtp_env": "ECA_SMTP_URL",
                "from": "reports@example.com",
                "attach": ["workbook"],
            }
        },
        "digests": [{"channel": "boss", "notebooks": ["daily_report"]}],
        "base_url": "https://reports.example.com/runs",
    }
    out, params = _setup(tmp_path, config)
    result = _run(out, params, _env(platforms, smtp))
    assert result.exit_code == 0
    ((sender, recipients, mail),) = smtp.messages
    assert sender == "reports@example.com"
    assert recipients == ["boss@example.com", "shop01-lead@example.com"]
    assert mail["Subject"] == "ecanalysis digest: 1 reports"
    assert mail["Date"] and mail["Message-ID"].endswith("@example.com>")
    html = mail.get_body(("html",)).get_content()
    assert "<h1>daily_report shop01 2025-11-30</h1>" in html  # the report inline
    assert (
        'href="https://reports.example.com/runs/daily_report/shop01/2025-11-30/report.html"' in html
    )
    assert "支付金额 4,200.50" in mail.get_body(("plain",)).get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "daily_report_shop01_2025-11-30_daily_report.xlsx"
    assert attachment.get_content() == b"PK\x03\x04 not really a workbook"


def test_email_refuses_a_password_without_tls(tmp_path, platforms, smtp):
    config = {
        "channels": {
            "boss": {"kind": "email", "to": ["b@example.com"], "smtp_env": "ECA_SMTP_URL"}
        },
        "rules": [{"channel": "boss"}],
        "retries": 1,
    }
    out, params = _setup(tmp_path, config)
    env = {**_env(platforms), "ECA_SMTP_URL": f"smtp://me:secret@127.0.0.1:{smtp.port}"}
    log = io.StringIO()
    result = notify(out, params, environ=env, sleep=lambda s: None, stdout=io.StringIO(), log=log)
    assert result.exit_code == 1 and "offers no STARTTLS" in log.getvalue()
    assert smtp.messages == []


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1 that the client trusts (SSL_CERT_FILE)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return cert, key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_email_logs_in_over_starttls_or_ssl(tmp_path, platforms, certificate, scheme):
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login, auth_data.password))
        ok = auth_data.login == b"shop@example.com" and auth_data.password == b"p@ss word"
        return AuthResult(success=ok)

    box, port = MailBox(), _free_port()
    tls = {"tls_context": server_tls, "require_starttls": True, "auth_require_tls": True}
    if scheme == "smtps":
        # TLS from the first byte; aiosmtpd counts only STARTTLS as TLS for AUTH, so its
        # auth_require_tls would hide AUTH here
        tls = {"ssl_context": server_tls, "server_hostname": "127.0.0.1", "auth_require_tls": False}
    controller = Controller(
        box, hostname="127.0.0.1", port=port, ready_timeout=10, authenticator=authenticator,
        **tls,
    )  # fmt: skip
    controller.start()
    try:
        config = {
            "channels": {"boss": {"kind": "email", "to": ["b@example.com"], "smtp_env": "S"}},
            "rules": [{"channel": "boss"}],
            "retries": 1,
        }
        out, params = _setup(tmp_path, config)
        env = {"S": f"{scheme}://shop%40example.com:p%40ss%20word@127.0.0.1:{port}"}
        log = io.StringIO()
        result = notify(
            out, params, environ=env, sleep=lambda s: None, stdout=io.StringIO(), log=log
        )
        assert result.exit_code == 0, log.getvalue()
    finally:
        controller.stop()
    assert [(login, password) for _, login, password in logins] == [
        (b"shop@example.com", b"p@ss word")
    ]
    ((sender, recipients, mail),) = box.messages
    assert sender == "shop@example.com" and recipients == ["b@example.com"]
    assert "支付金额 −45% vs the day before" in mail.get_body(("plain",)).get_content()
