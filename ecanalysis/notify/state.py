"""``<out>/.notify-state.json``: what notify sent, and what it still has to send.

``{"last_run": ISO time, "sent": {cooldown key: ISO time}, "pending": [message, …]}``.
``last_run`` is the finish time of the newest record seen by the last run that was not a
dry run; the next run reads the records after it. A message that could not be sent (or was
held by quiet hours) stays in ``pending`` and goes first next time. Written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ecanalysis.errors import ParameterError
from ecanalysis.notify.messages import Message
from ecanalysis.paths import write_text_atomic

STATE_NAME = ".notify-state.json"


@dataclass
class NotifyState:
    """The state of one runs directory."""

    last_run: dt.datetime | None = None
    sent: dict[str, str] = field(default_factory=dict)
    pending: list[Message] = field(default_factory=list)

    def cooling(self, now: dt.datetime, hours: float) -> set[str]:
        """The cooldown keys sent less than ``hours`` before ``now``."""
        limit = now - dt.timedelta(hours=hours)
        return {k for k, t in self.sent.items() if dt.datetime.fromisoformat(t) > limit}

    def forget_before(self, moment: dt.datetime) -> None:
        """Drop cooldown entries older than ``moment`` (the file does not grow forever)."""
        self.sent = {k: t for k, t in self.sent.items() if dt.datetime.fromisoformat(t) > moment}


def load_state(out: str | Path) -> NotifyState:
    """The state in ``out`` (empty when there is none yet)."""
    path = Path(out) / STATE_NAME
    if not path.is_file():
        return NotifyState()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return NotifyState(
            last_run=dt.datetime.fromisoformat(raw["last_run"]) if raw.get("last_run") else None,
            sent=dict(raw.get("sent", {})),
            pending=[Message.from_json(m) for m in raw.get("pending", [])],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ParameterError(
            f"{path} cannot be read ({exc}); move it away to start afresh (the records since "
            f"the last notification are then read with --since)"
        ) from None


def save_state(out: str | Path, state: NotifyState) -> Path:
    """Write the state into ``out`` atomically."""
    path = Path(out) / STATE_NAME
    raw = {
        "last_run": state.last_run.isoformat() if state.last_run else None,
        "sent": dict(sorted(state.sent.items())),
        "pending": [m.to_json() for m in state.pending],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(raw, ensure_ascii=False, indent=2) + "\n")
    return path


__all__ = ["STATE_NAME", "NotifyState", "load_state", "save_state"]
