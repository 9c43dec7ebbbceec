"""The notebook registry: one :class:`NotebookSpec` per report notebook of DESIGN §1.

What a notebook *is* (its titles, the period kinds it is made for, whether it reports
on the whole portfolio or on one campaign, whether its record holds a workbook, its key
KPIs, its default schedule entry) is written here once; the runner, the schedule, the
command line, params, the workbook and the index read it. Where a notebook's file is
found (:func:`notebook_path`) lives beside it.

A notebook file placed in the notebooks directory without a spec here still runs: it
gets :func:`spec_for`'s plain spec (one store, any period, no workbook).

This module imports only Core modules (config, errors, paths, periods), so that every
part may read it.

Examples
--------
>>> get("daily_report").title("en")
'Daily report'
>>> get("portfolio_overview").portfolio
True
>>> [spec.name for spec in all() if spec.workbook]
['monthly_assessment', 'store_inspection']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ecanalysis.config import notebook_dirs
from ecanalysis.errors import ParameterError, closest
from ecanalysis.paths import check_identifier
from ecanalysis.periods import KINDS

#: The store id of reports on the whole portfolio (reserved: never a real store's id).
PORTFOLIO_STORE_ID = "all"
#: The headline KPIs every report on one store and one period records (DESIGN §6); a
#: failed record lists them as unknown, and the index shows them as columns.
HEADLINE_KPIS = ("orders", "paid_amount", "buyers", "new_buyers", "aov", "revenue_per_buyer")


@dataclass(frozen=True)
class NotebookSpec:
    """What one report notebook is.

    Attributes
    ----------
    name : str
        The notebook's name: ``notebooks/<name>.ipynb``, the first component of its
        records' paths.
    title_zh, title_en : str
        Its title in each report language (日报 / Daily report).
    period_kinds : tuple of str, or None
        The period kinds it is made for (other kinds run, with a note saying what
        "previous" then means); None: any period.
    portfolio : bool
        Reports on the whole portfolio, under store id :data:`PORTFOLIO_STORE_ID`.
    per_campaign : bool
        Reports on one campaign (``-p campaign_id ID``; the period defaults to the
        campaign's dates): a batch with ``--period`` leaves it out unless named, and
        plans it with ``campaign_id: latest``.
    workbook : bool
        Its record also holds :attr:`workbook_file`.
    key_kpis : tuple of str
        The KPIs the index shows for its records (a failed record lists them as unknown).
    schedule : tuple of (key, value) pairs
        Its entry in the default ``params/schedule.yaml`` besides ``notebook``; empty
        when it is not scheduled by default.
    """

    name: str
    title_zh: str
    title_en: str
    period_kinds: tuple[str, ...] | None
    portfolio: bool = False
    per_campaign: bool = False
    workbook: bool = False
    key_kpis: tuple[str, ...] = HEADLINE_KPIS
    schedule: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        check_identifier(self.name, "notebook")
        unknown = set(self.period_kinds or ()) - set(KINDS)
        if unknown:
            raise ValueError(f"{self.name}: unknown period kinds {sorted(unknown)}")

    def title(self, lang: str = "zh") -> str:
        """The title in ``lang`` (``zh`` or ``en``)."""
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def workbook_file(self) -> str | None:
        """The workbook's file name in the record (``<name>.xlsx``), or None."""
        return f"{self.name}.xlsx" if self.workbook else None

    def schedule_entry(self) -> dict[str, Any] | None:
        """The entry of the default ``params/schedule.yaml``, or None when unscheduled."""
        return {"notebook": self.name, **dict(self.schedule)} if self.schedule else None


_SPECS = (
    NotebookSpec(
        "daily_report",
        "日报",
        "Daily report",
        ("day",),
        schedule=(("period", "latest-day"),),
    ),
    NotebookSpec(
        "weekly_review",
        "周报",
        "Weekly review",
        ("week",),
        schedule=(("period", "latest-week"),),
    ),
    NotebookSpec(
        "monthly_assessment",
        "月度考核",
        "Monthly assessment",
        ("month",),
        workbook=True,
        schedule=(("period", "latest-month"),),
    ),
    NotebookSpec(
        "store_inspection",
        "巡店",
        "Store inspection",
        ("day",),
        workbook=True,
        schedule=(("period", "latest-day"),),
    ),
    NotebookSpec(
        "campaign_review",
        "活动复盘",
        "Campaign review",
        None,
        per_campaign=True,
        schedule=(("campaign_id", "latest"),),
    ),
    NotebookSpec(
        "customer_health",
        "客户健康",
        "Customer health",
        ("month",),
        schedule=(("period", "latest-month"),),
    ),
    NotebookSpec(
        "channel_efficiency",
        "渠道效率",
        "Channel efficiency",
        ("week", "month"),
        schedule=(("period", "latest-month"),),
    ),
    NotebookSpec(
        "portfolio_overview",
        "店铺总览",
        "Portfolio overview",
        None,
        portfolio=True,
        schedule=(("period", "latest-month"),),
    ),
)

#: Every registered notebook by name, in reading order (DESIGN §1).
REGISTRY: Mapping[str, NotebookSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
#: The registered notebooks' names, in reading order.
NAMES: tuple[str, ...] = tuple(REGISTRY)


def get(name: str) -> NotebookSpec:
    """The spec of the registered notebook ``name``; a clear error names the others.

    >>> get("weekly_review").period_kinds
    ('week',)
    """
    try:
        return REGISTRY[name]
    except KeyError:
        guess = closest(str(name), NAMES)
        hint = f"; did you mean {guess!r}?" if guess else ""
        raise ParameterError(
            f"no registered notebook {name!r}{hint} Registered: {', '.join(NAMES)}"
        ) from None


def all() -> tuple[NotebookSpec, ...]:
    """Every registered spec, in reading order."""
    return tuple(REGISTRY.values())


def spec_for(name: str) -> NotebookSpec:
    """The spec of ``name``: the registered one, else a plain spec (one store, any period,
    no workbook) for a notebook of the user's own placed in the notebooks directory.

    >>> spec_for("my_report").portfolio, spec_for("my_report").period_kinds
    (False, None)
    """
    spec = REGISTRY.get(name)
    return spec if spec is not None else NotebookSpec(name, name, name, None)


def portfolio_names() -> tuple[str, ...]:
    """The notebooks that report on the whole portfolio, under store id ``all``."""
    return tuple(spec.name for spec in REGISTRY.values() if spec.portfolio)


def default_schedule() -> list[dict[str, Any]]:
    """The ``reports:`` of the default ``params/schedule.yaml``, in reading order."""
    entries = (spec.schedule_entry() for spec in REGISTRY.values())
    return [entry for entry in entries if entry is not None]


def index_kpis() -> tuple[str, ...]:
    """The KPI columns of the index: every notebook's key KPIs, first seen first."""
    return tuple(dict.fromkeys(k for spec in REGISTRY.values() for k in spec.key_kpis))


def notebook_path(name: str) -> Path:
    """Path of the notebook ``name``: the workspace's ``notebooks/<name>.ipynb`` when it
    exists (a notebook of the user's own, or a customised copy, takes precedence), else
    the bundled one; a clear error names the notebooks that exist."""
    check_identifier(name, "notebook")
    dirs = notebook_dirs()
    for folder in dirs:
        path = folder / f"{name}.ipynb"
        if path.is_file():
            return path
    available = sorted({p.stem for folder in dirs for p in folder.glob("*.ipynb")})
    guess = closest(name, available)
    hint = f"; did you mean {guess!r}?" if guess else ""
    raise ParameterError(f"no notebook {name!r}{hint} Available: {', '.join(available)}")


__all__ = [
    "HEADLINE_KPIS",
    "NAMES",
    "PORTFOLIO_STORE_ID",
    "REGISTRY",
    "NotebookSpec",
    "all",
    "default_schedule",
    "get",
    "index_kpis",
    "notebook_path",
    "portfolio_names",
    "spec_for",
]
