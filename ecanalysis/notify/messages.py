"""The records written since the last notification, and the messages they make.

A record is a run's ``metrics.json`` under ``<out>/<notebook>/<store_id>/<period>/``. An
*alert message* goes to a rule's channel: the alerts of one record at the rule's levels,
plus the rule's KPI bounds that the record crosses. A *digest* is one message per digest
entry and run of notify: the headline KPIs of each matching record, its alerts and links.

Bodies are written once, in a small markdown (``**bold**``, ``[text](url)``, ``- `` lists);
each sender turns them into its platform's format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis.labels import kind_of, label
from ecanalysis.notebooks import HEADLINE_KPIS
from ecanalysis.notify.config import Digest, NotifyConfig, Rule

_LEVEL_MARK = {"critical": "🔴", "warning": "🟠", "info": "🔵"}


@dataclass(frozen=True)
class RunRecord:
    """What notify reads of one record."""

    path: Path  # the record's folder
    rel: str  # its path under --out, with "/"
    notebook: str
    store_id: str
    period: str
    status: str
    finished_at: dt.datetime
    kpis: Mapping[str, Any]
    alerts: tuple[Mapping[str, str], ...]

    @property
    def report(self) -> Path:
        return self.path / "report.html"

    @property
    def workbook(self) -> Path | None:
        found = sorted(self.path.glob("*.xlsx"))
        return found[0] if found else None


@dataclass
class Message:
    """One message to one channel. ``keys`` are the cooldown keys it carries (store,
    notebook, alert text); ``attachments`` are files an e-mail may attach."""

    channel: str
    kind: str  # "alert" or "digest"
    title: str
    body: str
    keys: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    attachments: dict[str, str] = field(default_factory=dict)  # "report"/"workbook" → path
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            text = f"{self.channel}\n{self.title}\n{self.body}".encode()
            self.id = hashlib.sha256(text).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Message:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


def _parse_time(text: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def read_records(out: str | Path, since: dt.datetime | None) -> list[RunRecord]:
    """The records under ``out`` that finished after ``since`` (all when ``None``), oldest
    first. Hidden folders (a record being published) are skipped, and so is a
    ``metrics.json`` that cannot be read (a record being written)."""
    root = Path(out)
    found = []
    for path in sorted(root.glob("*/*/*/metrics.json")):
        rel_parts = path.parent.relative_to(root).parts
        if any(part.startswith(".") for part in rel_parts):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        finished = _parse_time(data.get("finished_at")) or dt.datetime.fromtimestamp(
            path.stat().st_mtime, dt.UTC
        )
        if since is not None and finished <= since:
            continue
        period = data.get("period") or {}
        found.append(
            RunRecord(
                path=path.parent,
                rel="/".join(rel_parts),
                notebook=str(data.get("notebook", rel_parts[0])),
                store_id=str(data.get("store_id", rel_parts[1])),
                period=str(period.get("label", rel_parts[2])),
                status=str(data.get("status", "ok")),
                finished_at=finished,
                kpis=data.get("kpis") or {},
                alerts=tuple(a for a in data.get("alerts") or [] if isinstance(a, Mapping)),
            )
        )
    return sorted(found, key=lambda r: (r.finished_at, r.rel))


def _matches(names: tuple[str, ...] | str, value: str) -> bool:
    return names == "all" or value in names


def format_value(name: str, value: Any) -> str:
    """A KPI for a message: money and counts with thousands separators, rates in %.

    >>> format_value("paid_amount", 1234567.891), format_value("conversion_rate", 0.0312)
    ('1,234,567.89', '3.12%')
    >>> format_value("orders", 12.0), format_value("aov", None)
    ('12', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if not isinstance(value, int | float):
        return str(value)
    kind = kind_of(name)
    if kind == "rate":
        return f"{value:.2%}"
    if kind == "count" or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def link(cfg: NotifyConfig, record: RunRecord, out: str | Path) -> str:
    """Where the record's report is read: under ``base_url``, else its path relative to
    the runs directory (``--out``)."""
    if cfg.base_url:
        return f"{cfg.base_url}/{record.rel}/report.html"
    return f"{record.rel}/report.html"


def cooldown_key(record: RunRecord, text: str) -> str:
    """The key of the cooldown: store, notebook and message (not the period: the same
    alert on the next day's report is the same alert)."""
    return f"{record.store_id}|{record.notebook}|{text}"


def _rule_alerts(rule: Rule, record: RunRecord) -> list[tuple[str, str]]:
    """(level, text) of the record's alerts at the rule's levels, then its KPI bounds."""
    found = [
        (str(a.get("level")), str(a.get("message")))
        for a in record.alerts
        if a.get("level") in rule.levels
    ]
    for bound in rule.kpis:
        value = record.kpis.get(bound.kpi)
        if not isinstance(value, int | float) or math.isnan(value):
            continue
        name = f"{label(bound.kpi)} ({bound.kpi})"
        shown = format_value(bound.kpi, value)
        if bound.below is not None and value < bound.below:
            limit = format_value(bound.kpi, bound.below)
            found.append(("warning", f"{name} {shown} < {limit}"))
        if bound.above is not None and value > bound.above:
            limit = format_value(bound.kpi, bound.above)
            found.append(("warning", f"{name} {shown} > {limit}"))
    if record.status == "failed":
        found.append(("critical", "the report failed (error.txt)"))
    return found


def _attachments(record: RunRecord) -> dict[str, str]:
    files = {}
    if record.report.is_file():
        files["report"] = str(record.report)
    if record.workbook is not None:
        files["workbook"] = str(record.workbook)
    return files


def alert_messages(
    cfg: NotifyConfig,
    records: Iterable[RunRecord],
    out: str | Path,
    *,
    cooling: set[str] = frozenset(),
) -> list[Message]:
    """One message per rule and record with alerts not in their cooldown (``cooling``)."""
    messages = []
    for rule in cfg.rules:
        for record in records:
            if not (
                _matches(rule.notebooks, record.notebook) and _matches(rule.stores, record.store_id)
            ):
                continue
            alerts = [
                (level, text)
                for level, text in _rule_alerts(rule, record)
                if cooldown_key(record, text) not in cooling
            ]
            if not alerts:
                continue
            title = f"{record.store_id} · {record.notebook} · {record.period}"
            lines = [f"**{title}**", ""]
            lines += [f"- {_LEVEL_MARK.get(lv, '')} {lv}: {text}" for lv, text in alerts]
            lines += ["", f"[report]({link(cfg, record, out)})"]
            messages.append(
                Message(
                    channel=rule.channel,
                    kind="alert",
                    title=f"ecanalysis alert: {title}",
                    body="\n".join(lines),
                    keys=[cooldown_key(record, text) for _, text in alerts],
                    stores=[record.store_id],
                    attachments=_attachments(record),
                )
            )
    return messages


def digest_message(
    cfg: NotifyConfig, digest: Digest, records: Iterable[RunRecord], out: str | Path
) -> Message | None:
    """The digest of one entry over the matching records (``None`` when none matches):
    per record its headline KPIs, the number of alerts by level with their texts, a link."""
    chosen = [
        r
        for r in records
        if _matches(digest.notebooks, r.notebook) and _matches(digest.stores, r.store_id)
    ]
    if not chosen:
        return None
    kpis = digest.kpis or HEADLINE_KPIS
    lines = [f"**ecanalysis digest** ({len(chosen)} reports)", ""]
    attachments: dict[str, str] = {}
    for record in chosen:
        lines.append(f"**{record.store_id} · {record.notebook} · {record.period}**")
        if record.status == "failed":
            lines.append("- 🔴 the report failed (error.txt)")
        shown = [f"{label(k)} {format_value(k, record.kpis[k])}" for k in kpis if k in record.kpis]
        if shown:
            lines.append("- " + " · ".join(shown))
        for alert in record.alerts:
            level = str(alert.get("level"))
            if level in ("critical", "warning"):
                lines.append(f"- {_LEVEL_MARK.get(level, '')} {alert.get('message')}")
        lines.append(f"- [report]({link(cfg, record, out)})")
        lines.append("")
        for what, path in _attachments(record).items():
            attachments.setdefault(f"{what}:{record.rel}", path)
    return Message(
        channel=digest.channel,
        kind="digest",
        title=f"ecanalysis digest: {len(chosen)} reports",
        body="\n".join(lines).rstrip("\n"),
        stores=sorted({r.store_id for r in chosen}),
        attachments=attachments,
    )


def build_messages(
    cfg: NotifyConfig, records: list[RunRecord], out: str | Path, *, cooling: set[str]
) -> list[Message]:
    """Alert messages of every rule, then one digest per digest entry."""
    messages = alert_messages(cfg, records, out, cooling=cooling)
    for digest in cfg.digests:
        message = digest_message(cfg, digest, records, out)
        if message is not None:
            messages.append(message)
    return messages


__all__ = [
    "Message",
    "RunRecord",
    "alert_messages",
    "build_messages",
    "cooldown_key",
    "digest_message",
    "format_value",
    "read_records",
]
