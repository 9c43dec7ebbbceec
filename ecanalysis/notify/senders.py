"""Delivering a message: group robots, incoming webhooks and e-mail, standard library only.

Each webhook kind has a pure ``*_request`` function (URL, JSON body) that the tests check
field by field, and one transport, :func:`post_json` (``urllib.request``). The formats:

- 钉钉 (DingTalk) custom robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  with 加签 the URL gets ``&timestamp=<ms>&sign=<urlencoded base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp}\\n{secret}"))>``; the answer is ``{"errcode": 0, ...}``
  (open.dingtalk.com, 自定义机器人安全设置 / 自定义机器人发送群消息).
- 企业微信 (WeCom) group robot: ``{"msgtype": "markdown", "markdown": {"content"}}``,
  content at most 4096 bytes; the answer is ``{"errcode": 0, ...}``
  (developer.work.weixin.qq.com/document/path/91770, 群机器人配置说明).
- 飞书 (Feishu/Lark) custom bot: ``{"msg_type": "interactive", "card": {...}}``; with 签名校验
  the body also carries ``timestamp`` (seconds) and ``sign`` = base64(HMAC-SHA256(key=
  f"{timestamp}\\n{secret}", msg=b"")); the answer is ``{"code": 0, ...}``
  (open.feishu.cn, 自定义机器人使用指南).
- Slack incoming webhook: ``{"text": fallback, "blocks": [{"type": "section", "text":
  {"type": "mrkdwn", "text"}}]}``; the answer is the text ``ok``
  (api.slack.com/messaging/webhooks).
- Microsoft Teams (Workflows "post to a channel when a webhook request is received", and
  the older incoming webhooks): ``{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": <AdaptiveCard 1.4>}]}``
  (learn.microsoft.com, Create incoming webhooks / Send Adaptive Cards using incoming webhooks).
- E-mail: :mod:`smtplib`; ``smtp://user:pass@host:587`` uses STARTTLS (when the server offers
  it; a password is never sent over a connection without TLS), ``smtps://…:465`` TLS from the
  start; the HTML report inline or attached, the workbook attached.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from html import escape
from pathlib import Path
from typing import Any

from ecanalysis.notify.config import Channel
from ecanalysis.notify.messages import Message

#: A request to a webhook: the URL and the JSON body.
Request = tuple[str, dict[str, Any]]

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


class SendError(RuntimeError):
    """A message could not be delivered (the platform's answer or the network)."""


# --- signing --------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>")).

    >>> sign = dingtalk_sign("SECabc", 1700000000000)
    >>> len(base64.b64decode(sign))  # a SHA-256 digest
    32
    """
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", msg=b"")).

    >>> feishu_sign("abc", 1700000000) != feishu_sign("abc", 1700000001)
    True
    """
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


# --- bodies ---------------------------------------------------------------------------------


def dingtalk_request(message: Message, url: str, secret: str | None, now: float) -> Request:
    """The DingTalk robot request (markdown; signed when the channel has a secret)."""
    if secret:
        timestamp = int(now * 1000)
        sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp))
        url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"
    text = message.body.replace("\n", "\n\n")  # DingTalk markdown needs blank lines
    return url, {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}


def wecom_request(message: Message, url: str, secret: str | None, now: float) -> Request:
    """The WeCom group robot request (markdown, cut to the platform's 4096 bytes)."""
    content = message.body
    while len(content.encode()) > 4096:
        content = content[: len(content) - 64].rstrip() + "…"
    return url, {"msgtype": "markdown", "markdown": {"content": content}}


def feishu_request(message: Message, url: str, secret: str | None, now: float) -> Request:
    """The Feishu custom bot request: an interactive card with a lark_md body."""
    body: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": message.title}},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": message.body}}],
        },
    }
    if secret:
        timestamp = int(now)
        body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
    return url, body


def to_slack_mrkdwn(text: str) -> str:
    """Our markdown in Slack's mrkdwn: ``*bold*``, ``<url|text>``.

    >>> to_slack_mrkdwn("**shop01** [report](https://x/r.html)")
    '*shop01* <https://x/r.html|report>'
    """
    return _LINK.sub(r"<\2|\1>", _BOLD.sub(r"*\1*", text))


def slack_request(message: Message, url: str, secret: str | None, now: float) -> Request:
    """The Slack incoming-webhook request: a fallback text and one mrkdwn section
    (Slack's limit for a section's text is 3000 characters)."""
    text = to_slack_mrkdwn(message.body)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[i : i + 3000]}}
        for i in range(0, len(text), 3000)
    ]
    return url, {"text": message.title, "blocks": blocks}


def teams_request(message: Message, url: str, secret: str | None, now: float) -> Request:
    """The Teams webhook request: a message with one Adaptive Card."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": message.title, "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": message.body, "wrap": True},
        ],
    }
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
    return url, {"type": "message", "attachments": [attachment]}


REQUESTS: dict[str, Callable[[Message, str, str | None, float], Request]] = {
    "dingtalk": dingtalk_request,
    "wecom": wecom_request,
    "feishu": feishu_request,
    "slack": slack_request,
    "teams": teams_request,
}


def _check_answer(kind: str, status: int, text: str) -> None:
    """Raise :class:`SendError` unless the platform's answer says the message was taken."""
    if not 200 <= status < 300:
        raise SendError(f"{kind}: HTTP {status}: {text[:200]}")
    if kind == "slack":
        if text.strip() != "ok":
            raise SendError(f"slack: answered {text[:200]!r}")
        return
    if kind == "teams":
        return
    try:
        answer = json.loads(text)
    except ValueError:
        raise SendError(f"{kind}: answered {text[:200]!r}, not JSON") from None
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code != 0:
        raise SendError(f"{kind}: error {code}: {answer.get('errmsg') or answer.get('msg')}")


def post_json(kind: str, url: str, body: Mapping[str, Any], *, timeout: float) -> None:
    """POST the JSON ``body`` to ``url`` and check the platform's answer."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"{kind}: {exc}") from None
    _check_answer(kind, status, text)


# --- e-mail ---------------------------------------------------------------------------------


def body_html(body: str) -> str:
    """Our markdown as HTML for an e-mail, everything escaped.

    >>> body_html("**a<b** [r](https://x/?a=1&b=2)")
    '<p><strong>a&lt;b</strong> <a href="https://x/?a=1&amp;b=2">r</a></p>'
    """
    out = []
    for line in body.split("\n"):
        html = escape(line, quote=True)
        html = _BOLD.sub(r"<strong>\1</strong>", html)
        html = _LINK.sub(r'<a href="\2">\1</a>', html)
        if html.startswith("- "):
            html = "&bull; " + html[2:]
        out.append(html)
    return "<p>" + "<br>\n".join(out) + "</p>"


def build_email(message: Message, channel: Channel, sender: str) -> EmailMessage:
    """The mail of a message: text and HTML alternatives, the report inline (the first one,
    as the HTML part's continuation) or attached, the workbook attached, as the channel says."""
    options = channel.options
    recipients = list(options["to"])
    for store in message.stores:
        recipients += [
            r for r in options.get("to_by_store", {}).get(store, ()) if r not in recipients
        ]
    mail = EmailMessage()
    mail["Date"] = email.utils.formatdate(localtime=True)
    mail["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Subject"] = message.title
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail.set_content(_LINK.sub(r"\1: \2", message.body.replace("**", "")))
    html = body_html(message.body)
    reports = [p for k, p in message.attachments.items() if k.split(":")[0] == "report"]
    if options.get("inline_report", True) and reports and Path(reports[0]).is_file():
        html += "<hr>\n" + Path(reports[0]).read_text(encoding="utf-8")
    mail.add_alternative(html, subtype="html")
    for key, path in message.attachments.items():
        what = key.split(":")[0]
        if what not in options.get("attach", ()) or not Path(path).is_file():
            continue
        data = Path(path).read_bytes()
        name = "_".join((*Path(path).parent.parts[-3:], Path(path).name))
        if what == "report":
            mail.add_attachment(data, maintype="text", subtype="html", filename=name)
        else:
            mail.add_attachment(
                data,
                maintype="application",
                subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                filename=name,
            )
    return mail


def send_email(message: Message, channel: Channel, smtp_url: str, *, timeout: float) -> None:
    """Send the mail of ``message`` through the server of ``smtp_url``."""
    import smtplib
    import ssl

    url = urllib.parse.urlsplit(smtp_url)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise SendError(
            f"email: the SMTP URL must look like smtp://user:pass@host:587 or smtps://…:465, "
            f"not {url.scheme}://…"
        )
    user = urllib.parse.unquote(url.username) if url.username else None
    password = urllib.parse.unquote(url.password) if url.password else None
    sender = channel.options.get("from") or (
        user if user and "@" in user else f"ecanalysis@{url.hostname}"
    )
    mail = build_email(message, channel, sender)
    context = ssl.create_default_context()
    try:
        if url.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                url.hostname, url.port or 465, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(url.hostname, url.port or 587, timeout=timeout)
        with client:
            client.ehlo()
            if url.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif url.scheme == "smtp" and password:
                raise SendError(
                    f"email: {url.hostname} offers no STARTTLS; the password is not sent in "
                    f"the clear (use smtps:// or a server with STARTTLS)"
                )
            if user and password:
                client.login(user, password)
            client.send_message(mail)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise SendError(f"email: {type(exc).__name__}: {exc}") from None


# --- one message ----------------------------------------------------------------------------


def send(
    message: Message,
    channel: Channel,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    now: Callable[[], float] = time.time,
) -> None:
    """Deliver one message to its channel (one attempt); :class:`SendError` when not."""
    if channel.kind == "email":
        send_email(message, channel, channel.secret("smtp_env", environ), timeout=timeout)
        return
    url = channel.secret("url_env", environ)
    secret = channel.secret("secret_env", environ)
    target, body = REQUESTS[channel.kind](message, url, secret, now())
    post_json(channel.kind, target, body, timeout=timeout)


def describe(message: Message, channel: Channel) -> str:
    """What ``--dry-run`` prints for a message: where it goes and its text."""
    where = f"{channel.name} ({channel.kind}"
    if channel.kind == "email":
        where += " to " + ", ".join(channel.options["to"])
    return f"--- {message.kind} → {where})\n{message.title}\n{message.body}\n"


__all__ = [
    "REQUESTS",
    "SendError",
    "body_html",
    "build_email",
    "describe",
    "dingtalk_request",
    "dingtalk_sign",
    "feishu_request",
    "feishu_sign",
    "post_json",
    "send",
    "send_email",
    "slack_request",
    "teams_request",
    "to_slack_mrkdwn",
    "wecom_request",
]
