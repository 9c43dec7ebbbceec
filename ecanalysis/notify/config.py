"""``params/notify.yaml``: channels, rules, digests, links, cooldown, quiet hours, retries.

Checked like the other params: unknown keys are refused with the closest known key, every
error names where it is. Secrets are never in the file: a channel names the environment
variables that hold its webhook URL, signing secret or SMTP URL (``url_env``,
``secret_env``, ``smtp_env``), read only when a message is sent.

Example
-------
>>> cfg = parse_notify_config({
...     "channels": {"ops": {"kind": "dingtalk", "url_env": "ECA_DINGTALK_URL"}},
...     "rules": [{"channel": "ops", "levels": ["critical"]}],
... })
>>> cfg.channels["ops"].kind, cfg.rules[0].stores, cfg.cooldown_hours
('dingtalk', 'all', 24.0)
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecanalysis.errors import ParameterError, closest

#: The kinds of channel and what each one needs and takes.
KINDS = ("dingtalk", "wecom", "feishu", "slack", "teams", "email")
_LEVELS = ("critical", "warning", "info")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_CHANNEL_KEYS = {
    "dingtalk": ({"kind", "url_env"}, {"secret_env"}),
    "wecom": ({"kind", "url_env"}, set()),
    "feishu": ({"kind", "url_env"}, {"secret_env"}),
    "slack": ({"kind", "url_env"}, set()),
    "teams": ({"kind", "url_env"}, set()),
    "email": ({"kind", "to", "smtp_env"}, {"from", "attach", "inline_report", "to_by_store"}),
}
_TOP_KEYS = {
    "channels",
    "rules",
    "digests",
    "base_url",
    "cooldown_hours",
    "quiet_hours",
    "retries",
    "timeout_seconds",
}
_RULE_KEYS = {"channel", "notebooks", "stores", "levels", "kpis"}
_DIGEST_KEYS = {"channel", "notebooks", "stores", "kpis"}
_ATTACH = ("report", "workbook")


@dataclass(frozen=True)
class Channel:
    """Where messages go. ``options`` holds the kind's own keys (``to``, ``attach``, …)."""

    name: str
    kind: str
    url_env: str | None = None
    secret_env: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def secret(self, which: str, environ: Mapping[str, str] | None = None) -> str | None:
        """The value of the environment variable named by ``which`` (``url_env``,
        ``secret_env`` or ``smtp_env``); ``None`` when the channel names none. A named
        variable that is unset or empty is a :class:`ParameterError`."""
        name = self.options.get(which) if which == "smtp_env" else getattr(self, which)
        if name is None:
            return None
        value = (os.environ if environ is None else environ).get(name, "")
        if not value:
            raise ParameterError(
                f"notify.yaml: channel {self.name!r} needs the environment variable {name} "
                f"({which}); it is not set"
            )
        return value


@dataclass(frozen=True)
class KpiBound:
    """An alert of a rule when a KPI is below ``below`` or above ``above``."""

    kpi: str
    below: float | None = None
    above: float | None = None


@dataclass(frozen=True)
class Rule:
    """Alerts of records of ``notebooks`` and ``stores`` at ``levels`` go to ``channel``."""

    channel: str
    notebooks: tuple[str, ...] | str = "all"
    stores: tuple[str, ...] | str = "all"
    levels: tuple[str, ...] = ("critical", "warning")
    kpis: tuple[KpiBound, ...] = ()


@dataclass(frozen=True)
class Digest:
    """One message per run of notify to ``channel``: headline KPIs, alerts, links."""

    channel: str
    notebooks: tuple[str, ...] | str = "all"
    stores: tuple[str, ...] | str = "all"
    kpis: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuietHours:
    """Local ``start``–``end`` (may wrap midnight) in ``timezone``: nothing is sent then."""

    start: dt.time
    end: dt.time
    timezone: str

    def contains(self, moment: dt.datetime) -> bool:
        """Whether the aware ``moment`` falls in the quiet hours.

        >>> q = QuietHours(dt.time(22), dt.time(7), "Asia/Shanghai")
        >>> q.contains(dt.datetime(2025, 1, 1, 15, 0, tzinfo=dt.UTC))  # 23:00 in Shanghai
        True
        >>> q.contains(dt.datetime(2025, 1, 1, 1, 0, tzinfo=dt.UTC))   # 09:00 in Shanghai
        False
        """
        from zoneinfo import ZoneInfo

        local = moment.astimezone(ZoneInfo(self.timezone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True)
class NotifyConfig:
    """The checked contents of ``notify.yaml``."""

    channels: Mapping[str, Channel]
    rules: tuple[Rule, ...] = ()
    digests: tuple[Digest, ...] = ()
    base_url: str | None = None
    cooldown_hours: float = 24.0
    quiet_hours: QuietHours | None = None
    retries: int = 3
    timeout_seconds: float = 10.0
    backoff_seconds: float = 1.0


def _refuse_unknown(where: str, given: Mapping[str, Any], known: set[str]) -> None:
    for key in given:
        if key not in known:
            guess = closest(str(key), sorted(known))
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise ParameterError(
                f"notify.yaml: {where}: unknown key {key!r}{hint} Known: {', '.join(sorted(known))}"
            )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ParameterError(f"notify.yaml: {where} must be a mapping, not {value!r}")
    return value


def _names(value: Any, where: str) -> tuple[str, ...] | str:
    if value in (None, "all"):
        return "all"
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParameterError(f"notify.yaml: {where} must be 'all' or a list of names")
    return tuple(value)


def _env_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        raise ParameterError(
            f"notify.yaml: {where} must be the NAME of an environment variable (e.g. "
            f"ECA_WEBHOOK_URL), not {value!r}; secrets never go in the file"
        )
    return value


def _channel(name: str, raw: Any) -> Channel:
    where = f"channels.{name}"
    raw = _mapping(raw, where)
    kind = raw.get("kind")
    if kind not in KINDS:
        guess = closest(str(kind), KINDS)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        raise ParameterError(
            f"notify.yaml: {where}.kind {kind!r} is not one of {', '.join(KINDS)}{hint}"
        )
    required, optional = _CHANNEL_KEYS[kind]
    _refuse_unknown(where, raw, required | optional)
    missing = sorted(required - set(raw))
    if missing:
        raise ParameterError(f"notify.yaml: {where} ({kind}) lacks {', '.join(missing)}")
    options = {k: v for k, v in raw.items() if k not in {"kind", "url_env", "secret_env"}}
    if kind == "email":
        options["smtp_env"] = _env_name(raw["smtp_env"], f"{where}.smtp_env")
        to = raw["to"]
        if isinstance(to, str):
            to = [to]
        if not to or not all(isinstance(t, str) and "@" in t for t in to):
            raise ParameterError(f"notify.yaml: {where}.to must list e-mail addresses")
        options["to"] = tuple(to)
        by_store = _mapping(raw.get("to_by_store", {}), f"{where}.to_by_store")
        options["to_by_store"] = {str(k): tuple(v) for k, v in by_store.items()}
        attach = raw.get("attach", ["workbook"])
        if not isinstance(attach, list) or any(a not in _ATTACH for a in attach):
            raise ParameterError(f"notify.yaml: {where}.attach lists only {_ATTACH}")
        options["attach"] = tuple(attach)
        options["inline_report"] = bool(raw.get("inline_report", True))
    return Channel(
        name=name,
        kind=kind,
        url_env=_env_name(raw["url_env"], f"{where}.url_env") if "url_env" in raw else None,
        secret_env=_env_name(raw["secret_env"], f"{where}.secret_env")
        if "secret_env" in raw
        else None,
        options=options,
    )


def _channel_ref(raw: Mapping[str, Any], where: str, channels: Mapping[str, Channel]) -> str:
    name = raw.get("channel")
    if name not in channels:
        guess = closest(str(name), sorted(channels))
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise ParameterError(f"notify.yaml: {where}.channel {name!r} is not a channel{hint}")
    return name


def _bound(kpi: str, raw: Any, where: str) -> KpiBound:
    raw = _mapping(raw, where)
    _refuse_unknown(where, raw, {"below", "above"})
    if not raw or not all(isinstance(v, int | float) for v in raw.values()):
        raise ParameterError(f"notify.yaml: {where} needs a number for below and/or above")
    return KpiBound(kpi, raw.get("below"), raw.get("above"))


def _rule(i: int, raw: Any, channels: Mapping[str, Channel]) -> Rule:
    where = f"rules[{i}]"
    raw = _mapping(raw, where)
    _refuse_unknown(where, raw, _RULE_KEYS)
    levels = raw.get("levels", ["critical", "warning"])
    if isinstance(levels, str):
        levels = [levels]
    bad = [lv for lv in levels if lv not in _LEVELS]
    if bad:
        raise ParameterError(f"notify.yaml: {where}.levels: {bad} not in {_LEVELS}")
    kpis = _mapping(raw.get("kpis", {}), f"{where}.kpis")
    return Rule(
        channel=_channel_ref(raw, where, channels),
        notebooks=_names(raw.get("notebooks"), f"{where}.notebooks"),
        stores=_names(raw.get("stores"), f"{where}.stores"),
        levels=tuple(levels),
        kpis=tuple(_bound(k, v, f"{where}.kpis.{k}") for k, v in kpis.items()),
    )


def _digest(i: int, raw: Any, channels: Mapping[str, Channel]) -> Digest:
    where = f"digests[{i}]"
    raw = _mapping(raw, where)
    _refuse_unknown(where, raw, _DIGEST_KEYS)
    kpis = raw.get("kpis", [])
    if not isinstance(kpis, list) or not all(isinstance(k, str) for k in kpis):
        raise ParameterError(f"notify.yaml: {where}.kpis must list KPI names")
    return Digest(
        channel=_channel_ref(raw, where, channels),
        notebooks=_names(raw.get("notebooks"), f"{where}.notebooks"),
        stores=_names(raw.get("stores"), f"{where}.stores"),
        kpis=tuple(kpis),
    )


def _clock(value: Any, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"notify.yaml: {where} must be a time like '22:00'") from None


def _quiet(raw: Any) -> QuietHours | None:
    if raw is None:
        return None
    raw = _mapping(raw, "quiet_hours")
    _refuse_unknown("quiet_hours", raw, {"start", "end", "timezone"})
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone = str(raw.get("timezone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(f"notify.yaml: quiet_hours.timezone {zone!r} is unknown") from None
    return QuietHours(
        _clock(raw.get("start"), "quiet_hours.start"),
        _clock(raw.get("end"), "quiet_hours.end"),
        zone,
    )


def _number(raw: Mapping[str, Any], key: str, default: float, low: float) -> float:
    value = raw.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < low:
        raise ParameterError(f"notify.yaml: {key} must be a number ≥ {low}, not {value!r}")
    return float(value)


def parse_notify_config(raw: Any) -> NotifyConfig:
    """Check the parsed YAML of ``notify.yaml`` and return it as a :class:`NotifyConfig`."""
    raw = _mapping(raw if raw is not None else {}, "the file")
    _refuse_unknown("top level", raw, _TOP_KEYS)
    channels_raw = _mapping(raw.get("channels") or {}, "channels")
    channels = {str(name): _channel(str(name), spec) for name, spec in channels_raw.items()}
    rules = raw.get("rules") or []
    digests = raw.get("digests") or []
    if not isinstance(rules, list) or not isinstance(digests, list):
        raise ParameterError("notify.yaml: rules and digests must be lists")
    base_url = raw.get("base_url")
    if base_url is not None and not re.match(r"^https?://", str(base_url)):
        raise ParameterError(f"notify.yaml: base_url must start with http(s)://, not {base_url!r}")
    retries = raw.get("retries", {})
    retries = (
        _mapping(retries, "retries") if not isinstance(retries, int) else {"attempts": retries}
    )
    _refuse_unknown("retries", retries, {"attempts", "backoff_seconds"})
    return NotifyConfig(
        channels=channels,
        rules=tuple(_rule(i, r, channels) for i, r in enumerate(rules)),
        digests=tuple(_digest(i, d, channels) for i, d in enumerate(digests)),
        base_url=str(base_url).rstrip("/") if base_url else None,
        cooldown_hours=_number(raw, "cooldown_hours", 24, 0),
        quiet_hours=_quiet(raw.get("quiet_hours")),
        retries=int(_number(retries, "attempts", 3, 1)),
        timeout_seconds=_number(raw, "timeout_seconds", 10, 0.1),
        backoff_seconds=_number(retries, "backoff_seconds", 1, 0),
    )


def load_notify_config(params_dir: str | os.PathLike) -> NotifyConfig:
    """Read ``<params_dir>/notify.yaml`` (missing: no channels, nothing sent)."""
    import yaml

    path = Path(params_dir) / "notify.yaml"
    if not path.is_file():
        return NotifyConfig(channels={})
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None
    try:
        return parse_notify_config(raw)
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None


__all__ = [
    "KINDS",
    "Channel",
    "Digest",
    "KpiBound",
    "NotifyConfig",
    "QuietHours",
    "Rule",
    "load_notify_config",
    "parse_notify_config",
]
