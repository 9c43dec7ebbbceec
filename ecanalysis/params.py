"""Parameters: the ``params/`` directory (defaults, per-store settings, schedule) and
validation of notebook parameters before a kernel starts.

``params/defaults.yaml`` holds settings for every store (thresholds, portfolio time
zone, reporting currency); ``params/stores/<store_id>.yaml`` overrides them for one
store and holds its monthly targets and variable costs (``costs:``, DESIGN §5 "Profit");
``params/schedule.yaml`` says which reports ``ecanalysis batch`` runs by default.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecanalysis.config import ON_BAD_ROWS
from ecanalysis.errors import ParameterError, closest
from ecanalysis.labels import LANGS
from ecanalysis.notebooks import PORTFOLIO_STORE_ID
from ecanalysis.paths import check_identifier


@dataclass(frozen=True)
class Threshold:
    """A setting under ``thresholds:``: its built-in default, what it means, its range."""

    default: float
    meaning: str
    #: Allowed range, inclusive; ``high=None``: no upper bound.
    low: float = 0.0
    high: float | None = None
    #: Counts of days or rows: whole numbers of at least 1 (``low``/``high`` unused).
    whole: bool = False


#: The one home of every threshold: ``BUILTIN_DEFAULTS``, the settings check, the defaults
#: of the metric functions that take them and the test of ``params/defaults.yaml`` read it.
THRESHOLDS: dict[str, Threshold] = {
    "rating_alert": Threshold(
        4.8, "DSR / product rating below this is flagged (店铺动态评分预警线)", 0.0, 5.0
    ),
    "no_sales_days": Threshold(
        30, "listed products without sales for this many days are delist candidates", whole=True
    ),
    "stock_window_days": Threshold(30, "sales window for days of cover", whole=True),
    "low_cover_days": Threshold(7, 'stock lasting fewer days than this is "low"', whole=True),
    "reorder_lead_time_days": Threshold(
        14, "days from order to stock for products without their own lead_time_days", whole=True
    ),
    "reorder_service_level": Threshold(
        0.95, "chance that the safety stock covers demand during the lead time", 0.5, 0.999
    ),
    "anomaly_threshold": Threshold(
        3.5, "robust z-score beyond which a day is an anomaly", 0.0, None
    ),
    "drop_alert_pct": Threshold(
        -0.2, "alert when a headline KPI falls more than 20 % vs the comparison", -1.0, 0.0
    ),
    "drop_alert_pp": Threshold(
        0.05,
        "alert when a headline rate (a margin, a conversion) falls more than 5 percentage points",
        0.0,
        1.0,
    ),
    "channel_min_spend_share": Threshold(
        0.05, "channels below this share of spend are not judged", 0.0, 1.0
    ),
    "channel_roas_floor": Threshold(
        1.0, "paid channels under this ROAS cost money and bring little: cut", 0.0, None
    ),
    "channel_grow_roas": Threshold(3.0, "paid channels above this ROAS: grow", 0.0, None),
    "top_n": Threshold(10, "rows in best/worst lists", whole=True),
    "clv_horizon_weeks": Threshold(52, "CLV horizon", 0.0, None),
    # -- issue 17: drops found sooner than spikes, and daily pacing against the month's target
    "anomaly_threshold_below": Threshold(
        2.8,
        "z-score below expectation beyond which a day is an anomaly (drops sooner than spikes)",
        0.0,
        None,
    ),
    "pacing_alert_probability": Threshold(
        0.5, "alert when the chance of reaching a monthly target falls below this", 0.0, 1.0
    ),
}

#: ``{name: default}`` of :data:`THRESHOLDS`.
DEFAULT_THRESHOLDS: dict[str, float] = {name: t.default for name, t in THRESHOLDS.items()}

#: Built-in defaults, used when ``params/defaults.yaml`` lacks a key.
#: What a store's reports count as sales (``sales_basis`` in its params).
SALES_BASES = ("paid", "placed")

BUILTIN_DEFAULTS: dict[str, Any] = {
    "portfolio_timezone": "Asia/Shanghai",
    "reporting_currency": None,
    "lang": "zh",
    # paid: sales are paid orders dated by payment (DESIGN §5); placed: cash-on-delivery
    # stores count placed, not-cancelled orders, dated by ordered_at (DESIGN §2)
    "sales_basis": "paid",
    "thresholds": dict(DEFAULT_THRESHOLDS),
    "targets": {},
    "costs": {
        "payment_fee_rate": None,
        "commission_rate": None,
        "other_variable_rate": None,
        "fulfilment_cost_per_order": None,
    },
}


#: Largest YAML file read (params, schedules): they are a few kilobytes.
MAX_YAML_BYTES = 1024 * 1024
#: Most nodes a YAML document may expand to through aliases (``*name``): a "billion
#: laughs" file of nested aliases would otherwise grow without bound in memory.
MAX_YAML_NODES = 10_000


def _load_yaml(path: Path) -> dict[str, Any]:
    """The mapping in YAML file ``path``, read safely: the one loader of every YAML file
    the project reads (params, schedules).

    Refused with a one-line :class:`ParameterError` naming the file: a file larger than
    :data:`MAX_YAML_BYTES`, text that is not UTF-8 (e.g. GBK), invalid YAML, aliases
    that expand to more than :data:`MAX_YAML_NODES` nodes or refer to themselves, a
    document that is not a mapping.
    """
    import yaml

    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ParameterError(
            f"{path} is {size:,} bytes, more than the {MAX_YAML_BYTES:,} a params or "
            "schedule file may have; keep only the settings in it"
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParameterError(
            f"{path} is not UTF-8 text (line {line}; GBK?): save as UTF-8 "
            f"(e.g. iconv -f GB18030 -t UTF-8 {path.name})"
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_expansion(node, path)
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise ParameterError(f"{path} is not valid YAML: {detail}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(
            f"{path} must hold a mapping (key: value lines), not {type(loaded).__name__}"
        )
    return loaded


def _check_expansion(node, path: Path) -> None:
    """Refuse a composed YAML document whose aliases expand beyond :data:`MAX_YAML_NODES`
    nodes, or that contains itself."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(item) -> int:
        key = id(item)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise ParameterError(f"{path}: a YAML alias refers to itself; remove the alias")
        open_nodes.add(key)
        total = 1
        if isinstance(item.value, list):
            for child in item.value:
                parts = child if isinstance(child, tuple) else (child,)
                total += sum(size(part) for part in parts)
                if total > MAX_YAML_NODES:
                    break
        open_nodes.discard(key)
        if total > MAX_YAML_NODES:
            raise ParameterError(
                f"{path} expands to more than {MAX_YAML_NODES:,} YAML nodes through "
                "aliases (*name); write the values out instead of nesting aliases"
            )
        sizes[key] = total
        return total

    if node is not None:
        size(node)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_settings(params_dir: str | os.PathLike, store_id: str | None = None) -> dict[str, Any]:
    """Settings for one store: built-ins ← ``defaults.yaml`` ← ``stores/<store_id>.yaml``.

    The result has ``targets_set`` (True when the store has its own targets) and
    ``store_file`` (the per-store file used, or None).
    """
    params_dir = Path(params_dir)
    settings = copy.deepcopy(BUILTIN_DEFAULTS)
    defaults_file = params_dir / "defaults.yaml"
    if defaults_file.is_file():
        settings = _merge(settings, _load_settings_file(defaults_file))
    settings["store_file"] = None
    settings["targets_set"] = False
    if store_id is not None and store_id != PORTFOLIO_STORE_ID:
        check_identifier(store_id, "store_id")
        store_file = params_dir / "stores" / f"{store_id}.yaml"
        if store_file.is_file():
            store_settings = _load_settings_file(store_file)
            settings = _merge(settings, store_settings)
            settings["store_file"] = str(store_file)
            settings["targets_set"] = bool(store_settings.get("targets"))
    return settings


def _load_settings_file(path: Path) -> dict[str, Any]:
    """A settings file, checked on its own so that an error names the file at fault."""
    loaded = _load_yaml(path)
    check_settings(_merge(BUILTIN_DEFAULTS, loaded), where=str(path))
    return loaded


_MONTH_KEY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_settings(settings: dict[str, Any], *, where: str) -> None:
    """Refuse settings a report cannot use, naming the key, the value and the fix.

    Checks the top-level keys, that every threshold is a number in its range (whole for
    counts of days and rows), ``lang``, ``portfolio_timezone``, ``reporting_currency``, and
    that every target is a number or a mapping of ``default`` / ``YYYY-MM`` to numbers.
    """
    for key in settings:
        _refuse_unknown("setting", key, BUILTIN_DEFAULTS, where)
    thresholds = settings["thresholds"]
    if not isinstance(thresholds, dict):
        raise ParameterError(f"'thresholds' in {where} must be a mapping of name: number")
    for name, value in thresholds.items():
        _check_threshold(name, value, where)
    if settings["lang"] not in LANGS:
        raise ParameterError(f"lang: {settings['lang']!r} in {where} must be 'zh' or 'en'")
    if settings["sales_basis"] not in SALES_BASES:
        raise ParameterError(
            f"sales_basis: {settings['sales_basis']!r} in {where} must be 'paid' (paid orders, "
            "the default) or 'placed' (placed, not-cancelled orders: cash on delivery)"
        )
    _check_zone(settings["portfolio_timezone"], where)
    currency = settings["reporting_currency"]
    if currency is not None and not (
        isinstance(currency, str) and re.fullmatch("[A-Z]{3}", currency)
    ):
        raise ParameterError(
            f"reporting_currency: {currency!r} in {where} must be an ISO 4217 code such as "
            "'CNY' or 'USD', or left out"
        )
    targets = settings["targets"] or {}
    if not isinstance(targets, dict):
        raise ParameterError(f"'targets' in {where} must be a mapping of KPI: target")
    for kpi, target in targets.items():
        _check_target(str(kpi), target, where)
    check_costs(settings.get("costs"), where=where)


def _check_threshold(name: str, value: Any, where: str) -> None:
    _refuse_unknown("threshold", name, THRESHOLDS, where)
    threshold = THRESHOLDS[name]
    fix = f"threshold {name}: {value!r} in {where} must be"
    if not _is_number(value):
        raise ParameterError(f"{fix} a number (default {threshold.default})")
    if threshold.whole:
        if value != int(value) or value < 1:
            raise ParameterError(f"{fix} a whole number of at least 1")
        return
    low, high = threshold.low, threshold.high
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ParameterError(f"{fix} {bound}")


# -- costs (DESIGN §5 "Profit") ------------------------------------------------------------

#: The keys of the ``costs:`` block: shares of paid_amount, and a cost per paid order in the
#: store's currency. A key left unset (None) is unknown, never 0.
COST_RATES = ("payment_fee_rate", "commission_rate", "other_variable_rate")
COST_AMOUNTS = ("fulfilment_cost_per_order",)
COST_KEYS = (*COST_RATES, *COST_AMOUNTS)


def check_costs(costs: Any, *, where: str) -> None:
    """Refuse a ``costs:`` block a report cannot use, naming the key, the value and the fix.

    ``costs`` is a mapping of the :data:`COST_KEYS` (or None). Rates are shares of the paid
    amount in [0, 1) (write 0.006 for 0.6 %); ``fulfilment_cost_per_order`` is an amount of
    at least 0 in the store's currency; every value is a number or left unset (null).
    """
    if costs is None:
        return
    if not isinstance(costs, Mapping):
        raise ParameterError(f"'costs' in {where} must be a mapping of name: number")
    for name, value in costs.items():
        _refuse_unknown("cost", str(name), dict.fromkeys(COST_KEYS), where)
        if value is None:
            continue
        fix = f"costs: {name}: {value!r} in {where} must be"
        if not _is_number(value):
            raise ParameterError(
                f"{fix} a number or left unset (write 0.006 for 0.6 %, 10 for a cost of 10)"
            )
        if name in COST_RATES and not 0 <= value < 1:
            raise ParameterError(
                f"{fix} a share of the paid amount from 0 up to (not including) 1 "
                "(write 0.05 for 5 %, not 5)"
            )
        if name in COST_AMOUNTS and value < 0:
            raise ParameterError(f"{fix} an amount of at least 0 in the store's currency")


def store_costs(settings: dict[str, Any]) -> dict[str, float | None]:
    """The ``costs`` of loaded settings: every key of :data:`COST_KEYS`, None when unset."""
    costs = settings.get("costs") or {}
    return {key: None if costs.get(key) is None else float(costs[key]) for key in COST_KEYS}


def _refuse_unknown(what: str, name: str, known: dict[str, Any], where: str) -> None:
    if name in known:
        return
    guess = closest(name, known)
    hint = f" (did you mean {guess!r}?)" if guess else ""
    raise ParameterError(
        f"unknown {what} {name!r}{hint} in {where}; known {what}s: {', '.join(sorted(known))}"
    )


def _check_target(kpi: str, target: Any, where: str) -> None:
    per_month = target if isinstance(target, dict) else {"default": target}
    for key, value in per_month.items():
        key = str(key)
        if key != "default" and not _MONTH_KEY.match(key):
            raise ParameterError(
                f"targets: {kpi}: key {key!r} in {where} must be 'default' or a month "
                'such as "2025-11" (quoted, so YAML keeps it as text)'
            )
        if value is not None and not _is_number(value):
            raise ParameterError(
                f"targets: {kpi}: {key}: {value!r} in {where} must be a number "
                "(write 1300000, not '1,300,000' or '130万')"
            )


def _check_zone(zone: Any, where: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(
            f"portfolio_timezone: {zone!r} in {where} is not an IANA time zone "
            "such as 'Asia/Shanghai'"
        ) from None


def _is_number(value: Any) -> bool:
    import math

    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def monthly_target(settings: dict[str, Any], month_label: str, kpi: str) -> float | None:
    """The target of ``kpi`` for the month ``YYYY-MM``: a per-month value, else ``default``."""
    targets = settings.get("targets") or {}
    per_kpi = targets.get(kpi)
    if per_kpi is None:
        return None
    if isinstance(per_kpi, dict):
        value = per_kpi.get(month_label, per_kpi.get("default"))
    else:
        value = per_kpi
    return None if value is None else float(value)


def load_schedule(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The ``reports`` list of a schedule file, each entry with ``notebook`` and its options."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"schedule file {path} does not exist")
    schedule = _load_yaml(path)
    for key in schedule:
        _refuse_unknown("key", str(key), dict.fromkeys(("stores", "reports")), str(path))
    reports = schedule.get("reports")
    if not isinstance(reports, list) or not reports:
        raise ParameterError(f"{path} needs a non-empty 'reports:' list")
    default_stores = schedule.get("stores", "all")
    out = []
    for number, entry in enumerate(reports, start=1):
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise ParameterError(f"{path}: report {number} needs a 'notebook:' key")
        item = dict(entry)
        item.setdefault("stores", default_stores)
        out.append(item)
    return out


# ---------------------------------------------------------------------------
# notebook parameters


_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "1", "yes", "y", "on"}:
        return True
    if lowered in {"false", "0", "no", "n", "off"}:
        return False
    raise ValueError(text)


def coerce_parameter(name: str, value: Any, type_name: str) -> Any:
    """Convert ``value`` (often a command-line string) to the annotated ``type_name``.

    ``type_name`` is papermill's inferred type text, such as ``str``, ``int``,
    ``float``, ``bool``, ``Optional[str]`` or ``str | None``.
    """
    text = (type_name or "str").strip()
    optional_match = re.fullmatch(r"Optional\[(\w+)\]", text)
    if optional_match:
        text = f"{optional_match.group(1)} | None"
    options = [part.strip() for part in text.split("|")]
    optional = "None" in options
    base = next((o for o in options if o != "None"), "str")
    if value is None or (
        optional and isinstance(value, str) and value.lower() in {"none", "null", ""}
    ):
        if optional:
            return None
        raise ParameterError(f"parameter {name!r} needs a {base} value, got None")
    kind = _TYPES.get(base)
    if kind is None:
        return value
    try:
        if kind is bool:
            return value if isinstance(value, bool) else _parse_bool(str(value))
        if kind is str:
            return str(value)
        if isinstance(value, bool):
            raise ValueError(value)
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"parameter {name!r} must be {type_name}, got {value!r}") from exc


def notebook_parameters(path: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """Declared parameters of a notebook: ``{name: {"type", "default", "help"}}`` (papermill)."""
    import papermill

    declared = papermill.inspect_notebook(str(path))
    return {
        name: {
            "type": spec.get("inferred_type_name") or "str",
            "default": spec.get("default"),
            "help": spec.get("help") or "",
        }
        for name, spec in declared.items()
    }


#: Parameters whose values are a closed set, checked before a report starts (inside the
#: kernel would be too late: the failed run would replace the store's good record).
PARAMETER_CHOICES: dict[str, tuple[str, ...]] = {
    "lang": LANGS,
    "on_bad_rows": ON_BAD_ROWS,
}


def validate_parameters(
    notebook: str, declared: dict[str, dict[str, Any]], given: dict[str, Any]
) -> dict[str, Any]:
    """Check ``given`` against a notebook's declared parameters; return coerced values.

    Unknown names are refused (papermill would only warn), with the closest name as a
    hint; values are converted to the annotated types.
    """
    out = {}
    for name, value in given.items():
        if name not in declared:
            guess = closest(name, declared)
            hint = f"; did you mean {guess!r}?" if guess else "."
            raise ParameterError(
                f"{notebook} has no parameter {name!r}{hint} "
                f"Its parameters: {', '.join(declared)} (see `ecanalysis notebooks`)."
            )
        out[name] = coerce_parameter(name, value, declared[name]["type"])
        choices = PARAMETER_CHOICES.get(name)
        if choices and out[name] is not None and out[name] not in choices:
            guess = closest(str(out[name]), choices)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            raise ParameterError(
                f"{name}={out[name]!r} is not one of {', '.join(map(repr, choices))}{hint}"
            )
    return out
