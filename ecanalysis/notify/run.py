"""``ecanalysis notify [--out DIR] [--since T] [--dry-run]``: one run of notify.

1. read ``params/notify.yaml`` and ``<out>/.notify-state.json``;
2. read the records finished after ``--since`` (else after the last run);
3. build the alert messages (minus the alerts in their cooldown) and the digests;
4. unless in quiet hours, send the pending messages of earlier runs, then the new ones,
   each with bounded retries and exponential backoff;
5. save the state: what was sent (for the cooldown), what was not (sent next time).

Exit 0 when everything due was sent (or held by quiet hours), 1 when a send failed: the
message is kept and the next run sends it.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ecanalysis.errors import ParameterError
from ecanalysis.notify.config import NotifyConfig, load_notify_config
from ecanalysis.notify.messages import Message, build_messages, read_records
from ecanalysis.notify.senders import SendError, describe, send
from ecanalysis.notify.state import load_state, save_state


@dataclass
class NotifyResult:
    """What one run did."""

    records: int = 0
    sent: list[Message] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)
    held: list[Message] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def parse_since(text: str) -> dt.datetime:
    """``--since``: an ISO date or time; without a zone it is UTC.

    >>> parse_since("2025-11-30T08:00:00+08:00").isoformat()
    '2025-11-30T08:00:00+08:00'
    >>> parse_since("2025-11-30").isoformat()
    '2025-11-30T00:00:00+00:00'
    """
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            f"--since {text!r} is not an ISO date or time (e.g. 2025-11-30T08:00+08:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _send_with_retries(
    message: Message,
    cfg: NotifyConfig,
    environ: Mapping[str, str] | None,
    sleep: Callable[[float], None],
    log: TextIO,
) -> str | None:
    """Send with up to ``cfg.retries`` attempts, waiting backoff·2^k between them (at most
    a minute); ``None`` when sent, else the last error."""
    channel = cfg.channels[message.channel]
    error = None
    for attempt in range(cfg.retries):
        if attempt:
            sleep(min(cfg.backoff_seconds * 2 ** (attempt - 1), 60.0))
        try:
            send(message, channel, environ=environ, timeout=cfg.timeout_seconds)
            return None
        except SendError as exc:
            error = str(exc)
            print(
                f"ecanalysis notify: {message.channel}: attempt {attempt + 1}/{cfg.retries} "
                f"failed: {error}",
                file=log,
            )
    return error


def _check_secrets(cfg: NotifyConfig, queue: list[Message], environ) -> None:
    """Every environment variable the queued messages need is set (else exit 2 before
    anything is sent, so that nothing is sent twice)."""
    for name in sorted({m.channel for m in queue}):
        channel = cfg.channels[name]
        for which in ("url_env", "secret_env", "smtp_env"):
            channel.secret(which, environ)


def notify(
    out: str | Path,
    params_dir: str | Path,
    *,
    since: dt.datetime | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    stdout: TextIO | None = None,
    log: TextIO | None = None,
) -> NotifyResult:
    """One run of notify over the records in ``out`` by the rules in ``params_dir``."""
    stdout = stdout or sys.stdout
    log = log or sys.stderr
    now = now or dt.datetime.now(dt.UTC)
    cfg = load_notify_config(params_dir)
    state = load_state(out)
    records = read_records(out, since if since is not None else state.last_run)
    cooling = state.cooling(now, cfg.cooldown_hours)
    fresh = build_messages(cfg, records, out, cooling=cooling)
    pending = [m for m in state.pending if m.channel in cfg.channels]
    dropped = len(state.pending) - len(pending)
    if dropped:
        print(
            f"ecanalysis notify: {dropped} pending message(s) of removed channels dropped", file=log
        )
    known = {m.id for m in pending}
    queue = pending + [m for m in fresh if m.id not in known]
    result = NotifyResult(records=len(records))

    if dry_run:
        for message in queue:
            print(describe(message, cfg.channels[message.channel]), file=stdout)
        print(
            f"dry run: {len(queue)} message(s) from {len(records)} record(s); nothing sent",
            file=stdout,
        )
        return result

    quiet = cfg.quiet_hours is not None and cfg.quiet_hours.contains(now)
    if not quiet:
        _check_secrets(cfg, queue, environ)
    for message in queue:
        if quiet:
            result.held.append(message)
            continue
        error = _send_with_retries(message, cfg, environ, sleep, log)
        if error is None:
            result.sent.append(message)
            for key in message.keys:
                state.sent[key] = now.isoformat()
        else:
            result.failed.append((message, error))
    state.pending = result.held + [m for m, _ in result.failed]
    if records:
        newest = max(r.finished_at for r in records)
        state.last_run = max(newest, state.last_run) if state.last_run else newest
    state.forget_before(now - dt.timedelta(hours=max(cfg.cooldown_hours, 1) * 2))
    save_state(out, state)
    summary = f"notify: {len(result.sent)} sent, {len(result.failed)} failed"
    if result.held:
        summary += f", {len(result.held)} held for the end of the quiet hours"
    print(f"{summary} ({len(records)} new record(s))", file=stdout)
    return result


def notify_command(args) -> int:
    """The handler of ``ecanalysis notify``."""
    from ecanalysis.config import resolve_params_dir

    out = Path(args.out)
    if not out.is_dir():
        raise ParameterError(f"runs directory {out} does not exist; run ecanalysis batch first")
    since = parse_since(args.since) if args.since else None
    result = notify(out, resolve_params_dir(args.params), since=since, dry_run=args.dry_run)
    for message, error in result.failed:
        print(
            f"ecanalysis notify: not sent to {message.channel} (kept for the next run): {error}",
            file=sys.stderr,
        )
    return result.exit_code


__all__ = ["NotifyResult", "notify", "notify_command", "parse_since"]
