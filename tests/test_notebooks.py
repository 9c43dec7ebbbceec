"""The notebook registry (ecanalysis.notebooks) against DESIGN §1 and what lies on disk:
the notebook files, their parameters cells, the default schedule, and the copies that
other modules still hold until they read the registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from ecanalysis import notebooks
from ecanalysis.errors import ParameterError
from ecanalysis.params import notebook_parameters

ROOT = Path(__file__).resolve().parents[1]

#: DESIGN §1, written out by hand: name → (zh title, en title, period kinds).
DESIGN_1 = {
    "daily_report": ("日报", "Daily report", ("day",)),
    "weekly_review": ("周报", "Weekly review", ("week",)),
    "monthly_assessment": ("月度考核", "Monthly assessment", ("month",)),
    "store_inspection": ("巡店", "Store inspection", ("day",)),
    "campaign_review": ("活动复盘", "Campaign review", None),
    "customer_health": ("客户健康", "Customer health", ("month",)),
    "channel_efficiency": ("渠道效率", "Channel efficiency", ("week", "month")),
    "portfolio_overview": ("店铺总览", "Portfolio overview", None),
}


def _defaults(name: str) -> dict[str, object]:
    """The defaults of ``store_id`` and ``campaign_id`` in ``name``'s parameters cell."""
    declared = notebook_parameters(notebooks.notebook_path(name))
    wanted = ("store_id", "campaign_id")
    return {k: ast.literal_eval(v["default"]) for k, v in declared.items() if k in wanted}


def test_the_registry_is_design_1_in_reading_order():
    assert tuple(DESIGN_1) == notebooks.NAMES
    for spec in notebooks.all():
        zh, en, kinds = DESIGN_1[spec.name]
        assert (spec.title("zh"), spec.title("en"), spec.period_kinds) == (zh, en, kinds)
    assert notebooks.portfolio_names() == ("portfolio_overview",)
    assert [s.name for s in notebooks.all() if s.per_campaign] == ["campaign_review"]


def test_every_registered_notebook_has_its_file_and_no_file_is_unregistered():
    on_disk = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk == set(notebooks.NAMES)


@pytest.mark.parametrize("name", notebooks.NAMES)
def test_the_parameters_cell_agrees_with_the_spec(name):
    spec = notebooks.get(name)
    defaults = _defaults(name)
    assert (defaults["store_id"] == notebooks.PORTFOLIO_STORE_ID) == spec.portfolio
    assert ("campaign_id" in defaults) == spec.per_campaign


def test_the_default_schedule_file_is_the_registrys():
    reports = yaml.safe_load((ROOT / "params" / "schedule.yaml").read_text(encoding="utf-8"))
    in_file = {
        e["notebook"]: {k: v for k, v in e.items() if k != "stores"} for e in reports["reports"]
    }
    assert in_file == {e["notebook"]: e for e in notebooks.default_schedule()}


def test_workbooks_and_index_columns_come_from_the_registry():
    from ecanalysis.index import KEY_KPIS

    assert {s.name for s in notebooks.all() if s.workbook} == {
        "monthly_assessment",
        "store_inspection",
    }
    assert notebooks.get("monthly_assessment").workbook_file == "monthly_assessment.xlsx"
    assert notebooks.get("daily_report").workbook_file is None
    assert KEY_KPIS == notebooks.HEADLINE_KPIS


def test_an_unknown_name_gets_the_closest_registered_one():
    with pytest.raises(ParameterError, match="did you mean 'daily_report'"):
        notebooks.get("daily_reprot")
    with pytest.raises(ParameterError, match="did you mean 'weekly_review'"):
        notebooks.notebook_path("weekly_reveiw")


def test_a_notebook_of_ones_own_gets_a_plain_spec():
    spec = notebooks.spec_for("my_report")
    assert (spec.portfolio, spec.per_campaign, spec.workbook, spec.period_kinds) == (
        False,
        False,
        False,
        None,
    )
    assert spec.key_kpis == notebooks.HEADLINE_KPIS
    assert notebooks.spec_for("daily_report") is notebooks.get("daily_report")


def test_a_spec_refuses_an_unsafe_name_and_an_unknown_period_kind():
    with pytest.raises(ParameterError):
        notebooks.NotebookSpec("../x", "x", "x", None)
    with pytest.raises(ValueError, match="fortnight"):
        notebooks.NotebookSpec("x", "x", "x", ("fortnight",))
