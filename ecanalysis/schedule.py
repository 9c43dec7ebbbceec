"""What a batch runs: the schedule, checked before anything runs, and the plan.

:func:`plan_batch` turns ``--period`` (every notebook) or a schedule file
(``params/schedule.yaml`` by default; read by :func:`ecanalysis.params.load_schedule`)
into one :class:`~ecanalysis.runner.RunSpec` per report, refusing up front what no report
could run with (an unknown notebook or parameter, a period no store could resolve).
:func:`drop_idle_reviews` leaves out the campaign reviews of stores with nothing to
review. Which notebooks report on the portfolio or on one campaign comes from the
registry (:mod:`ecanalysis.notebooks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ecanalysis.config import resolve_data_dir, resolve_params_dir
from ecanalysis.errors import DataError, EcanalysisError, ParameterError
from ecanalysis.notebooks import NAMES, PORTFOLIO_STORE_ID, notebook_path, spec_for
from ecanalysis.paths import check_identifier
from ecanalysis.runner import RunSpec


def plan_batch(
    *,
    data: str | None,
    params: str | None,
    out: str,
    notebooks: Iterable[str] | None = None,
    stores: str | Iterable[str] | None = None,
    period: str | None = None,
    schedule: str | None = None,
    on_bad_rows: str = "fail",
    force: bool = False,
    timeout: float | None = None,
    engine: str = "inprocess",
    lang: str | None = None,
) -> list[RunSpec]:
    """The reports a batch runs: from ``--period`` (every notebook) or a schedule file.

    Command-line ``notebooks`` and ``stores`` filter or override the schedule; a
    portfolio notebook (``portfolio_overview``) runs once under store id ``all``; a
    per-campaign notebook (``campaign_review``) takes ``campaign_id: latest`` unless the
    schedule names one, and runs with ``--period`` only when named in ``notebooks``.
    ``lang`` (``--lang``) runs every report in that language: where it is not the
    store's default, the report is a second record beside the default one.
    """
    from ecanalysis.data import open_dataset

    dataset = open_dataset(resolve_data_dir(data))
    known_stores = [str(s) for s in dataset.stores()["store_id"]]
    wanted_notebooks = (
        None if notebooks is None else [check_identifier(n, "notebook") for n in notebooks]
    )
    cli_stores = _store_list(stores, known_stores) if stores is not None else None
    if period is not None:
        entries = _period_entries(period, wanted_notebooks)
    else:
        entries = _schedule_entries(schedule or resolve_params_dir(params) / "schedule.yaml")
        if wanted_notebooks is not None:
            entries = [e for e in entries if e["notebook"] in wanted_notebooks]

    specs = []
    for entry in entries:
        notebook = entry["notebook"]
        where = entry.pop("_where", None)
        if lang is not None:
            entry["lang"] = lang
        try:
            extra = _entry_parameters(entry)
        except EcanalysisError as exc:
            if where is None:
                raise
            raise ParameterError(f"{where} ({notebook}): {exc}") from None
        if spec_for(notebook).portfolio:
            store_ids = [PORTFOLIO_STORE_ID]
        elif cli_stores is not None:
            store_ids = cli_stores
        else:
            store_ids = _store_list(entry.get("stores", "all"), known_stores)
        for store_id in store_ids:
            specs.append(
                RunSpec(
                    notebook=notebook,
                    store_id=store_id,
                    period=entry.get("period"),
                    data=data,
                    params=params,
                    out=out,
                    parameters=dict(extra),
                    on_bad_rows=on_bad_rows,
                    force=force,
                    timeout=timeout,
                    engine=engine,
                )
            )
    return specs


def _period_entries(period: str, notebooks: list[str] | None) -> list[dict[str, Any]]:
    """One entry per notebook for ``--period``: the ones named, else every registered
    notebook but the per-campaign ones (a campaign has its own dates)."""
    names = notebooks or [n for n in NAMES if not spec_for(n).per_campaign]
    entries = []
    for name in names:
        entry = {"notebook": name, "period": period, "stores": "all"}
        if spec_for(name).per_campaign:
            entry["campaign_id"] = "latest"
        entries.append(entry)
    return entries


def _schedule_entries(path) -> list[dict[str, Any]]:
    """The entries of a schedule file, each tagged with where it is (for error messages)."""
    from ecanalysis.params import load_schedule

    return [dict(e, _where=f"{path}: report {i}") for i, e in enumerate(load_schedule(path), 1)]


def _entry_parameters(entry: dict[str, Any]) -> dict[str, Any]:
    """The notebook parameters of a batch entry, checked as `run` checks them (an unknown
    name such as ``perod`` would otherwise fail each of its reports without a record)."""
    from ecanalysis.params import notebook_parameters, validate_parameters

    path = notebook_path(entry["notebook"])
    if entry.get("period") is not None:
        check_period_text(str(entry["period"]))
    extra = {k: v for k, v in entry.items() if k not in ("notebook", "period", "stores")}
    return validate_parameters(entry["notebook"], notebook_parameters(path), extra)


def check_period_text(text: str) -> str:
    """Refuse, before anything runs, a period that no store could resolve (a typo such as
    ``yesterdy`` or ``2025-13``); relative forms are resolved later, per store."""
    from ecanalysis.periods import RELATIVE_FORMS, parse_period

    if text.strip().lower() not in RELATIVE_FORMS:
        parse_period(text, "UTC")
    return text


def _store_list(stores: str | Iterable[str], known: list[str]) -> list[str]:
    if isinstance(stores, str):
        if stores == "all":
            return list(known)
        stores = [s.strip() for s in stores.split(",") if s.strip()]
    chosen = [check_identifier(s, "store_id") for s in stores]
    unknown = [s for s in chosen if s not in known]
    if unknown:
        import difflib

        hints = []
        for store_id in unknown:
            guesses = difflib.get_close_matches(store_id, known, n=1, cutoff=0.5)
            hints.append(store_id + (f" (did you mean {guesses[0]}?)" if guesses else ""))
        raise ParameterError(
            f"store ids not in the dataset's stores table: {', '.join(hints)}; "
            f"known: {', '.join(known[:20])}"
        )
    return chosen


def drop_idle_reviews(dataset, specs: list[RunSpec]) -> list[RunSpec]:
    """The specs without the per-campaign reports of ``campaign_id: latest`` for stores
    that have no ended campaign: nothing to review is not a failure (a store that never
    runs campaigns would fail every scheduled batch). Each is said on stdout."""
    from ecanalysis.context import find_campaign

    kept = []
    for spec in specs:
        if spec_for(spec.notebook).per_campaign and spec.parameters.get("campaign_id") == "latest":
            try:
                find_campaign(dataset, spec.store_id, "latest")
            except DataError as exc:
                print(f"nothing to review: {spec.notebook} {spec.store_id}: {exc}")
                continue
        kept.append(spec)
    return kept


__all__ = ["check_period_text", "drop_idle_reviews", "plan_batch"]
