"""Loopback servers for the notify tests: an HTTP server that plays each platform's
webhook (checks the payload's shape and signature as the platform documents it, answers
as the platform does, records every request) and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DINGTALK_SECRET = "SECtest-dingtalk-secret"
FEISHU_SECRET = "feishu-test-secret"


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: Any
    verdict: str  # "ok" or why the platform refused it


@dataclass
class Platforms:
    """What the fake platforms received; ``fail_next`` makes the next N requests of a path
    fail with HTTP 500."""

    received: list[Received] = field(default_factory=list)
    fail_next: dict[str, int] = field(default_factory=dict)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def accepted(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path and r.verdict == "ok"]


def _dingtalk(query: dict[str, str], body: Any) -> str:
    # 自定义机器人安全设置 加签: sign = urlencode(base64(HmacSHA256(secret, ts + "\n" + secret)))
    ts, sign = query.get("timestamp"), query.get("sign")
    if ts is None or sign is None:
        return "sign missing"
    if abs(int(ts) - time.time() * 1000) > 3600_000:
        return "timestamp too old"
    expected = base64.b64encode(
        hmac.new(
            DINGTALK_SECRET.encode(), f"{ts}\n{DINGTALK_SECRET}".encode(), hashlib.sha256
        ).digest()
    ).decode()
    if not hmac.compare_digest(sign, expected):
        return "sign not match"
    md = body.get("markdown", {})
    if body.get("msgtype") != "markdown" or not md.get("title") or not md.get("text"):
        return "bad markdown payload"
    return "ok"


def _wecom(query: dict[str, str], body: Any) -> str:
    content = body.get("markdown", {}).get("content")
    if body.get("msgtype") != "markdown" or not content:
        return "bad markdown payload"
    return "content too long" if len(content.encode()) > 4096 else "ok"


def _feishu(query: dict[str, str], body: Any) -> str:
    # 签名校验: sign = base64(HmacSHA256(key = ts + "\n" + secret, msg = ""))
    ts, sign = body.get("timestamp"), body.get("sign")
    if ts is None or sign is None:
        return "sign missing"
    if abs(int(ts) - time.time()) > 3600:
        return "timestamp too old"
    key = f"{ts}\n{FEISHU_SECRET}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(sign, expected):
        return "sign match fail"
    card = body.get("card", {})
    if body.get("msg_type") != "interactive" or not card.get("elements"):
        return "bad card"
    return "ok"


def _slack(query: dict[str, str], body: Any) -> str:
    blocks = body.get("blocks") or []
    if not body.get("text") or not blocks:
        return "invalid_payload"
    for block in blocks:
        if block.get("type") != "section" or block.get("text", {}).get("type") != "mrkdwn":
            return "invalid_blocks"
        if len(block["text"]["text"]) > 3000 or "**" in block["text"]["text"]:
            return "invalid_blocks"
    return "ok"


def _teams(query: dict[str, str], body: Any) -> str:
    attachments = body.get("attachments") or []
    if body.get("type") != "message" or len(attachments) != 1:
        return "bad message"
    card = attachments[0]
    if card.get("contentType") != "application/vnd.microsoft.card.adaptive":
        return "bad contentType"
    content = card.get("content", {})
    if content.get("type") != "AdaptiveCard" or not content.get("body"):
        return "bad card"
    return "ok"


CHECKS = {
    "dingtalk": _dingtalk,
    "wecom": _wecom,
    "feishu": _feishu,
    "slack": _slack,
    "teams": _teams,
}


def _answer(path: str, verdict: str) -> tuple[int, str]:
    ok = verdict == "ok"
    if path in ("dingtalk", "wecom"):
        return 200, json.dumps({"errcode": 0 if ok else 310000, "errmsg": "ok" if ok else verdict})
    if path == "feishu":
        return 200, json.dumps({"code": 0 if ok else 19021, "msg": "success" if ok else verdict})
    if path == "slack":
        return (200, "ok") if ok else (400, verdict)
    return (202, "") if ok else (400, verdict)


def start_platforms() -> tuple[ThreadingHTTPServer, Platforms]:
    state = Platforms()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            path = url.path.strip("/")
            query = dict(urllib.parse.parse_qsl(url.query))
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if state.fail_next.get(path, 0) > 0:
                state.fail_next[path] -= 1
                state.received.append(Received(path, query, None, "HTTP 500"))
                self._reply(500, "server error")
                return
            try:
                body = json.loads(raw.decode("utf-8"))
                ctype = self.headers.get("Content-Type", "")
                verdict = CHECKS[path](query, body) if "json" in ctype else "not JSON"
            except (ValueError, KeyError) as exc:
                body, verdict = None, f"bad request: {exc}"
            state.received.append(Received(path, query, body, verdict))
            self._reply(*_answer(path, verdict))

        def _reply(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state


class MailBox:
    """aiosmtpd handler that keeps the messages it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), mail))
        return "250 OK"


def write_record(
    out,
    notebook: str,
    store: str,
    period: str,
    *,
    finished_at: str,
    kpis: dict | None = None,
    alerts: list | None = None,
    status: str = "ok",
    workbook: bool = False,
):
    """A record as the runner files it: metrics.json, report.html (and a workbook)."""
    from pathlib import Path

    folder = Path(out) / notebook / store / period
    folder.mkdir(parents=True, exist_ok=True)
    metrics = {
        "notebook": notebook,
        "store_id": store,
        "period": {"label": period, "start": period, "end": period},
        "kpis": kpis or {},
        "alerts": alerts or [],
        "status": status,
        "finished_at": finished_at,
    }
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    (folder / "report.html").write_text(
        f"<html><body><h1>{notebook} {store} {period}</h1></body></html>", encoding="utf-8"
    )
    if workbook:
        (folder / f"{notebook}.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return folder
