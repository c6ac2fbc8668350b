"""The condition kinds are a typed registry: every kind is documented, used kinds are registered, and the
referential model refuses what the registry does not know."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from competency_graph.analysis.conditions import COMPOSITES, REGISTRY, Facts, holds
from competency_graph.model import Condition

DOC = (Path(__file__).resolve().parents[2] / "docs" / "recommendation.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_condition_kind_is_documented_and_has_a_docstring(kind):
    assert f"`{kind}`" in DOC
    assert REGISTRY[kind].doc


def test_model_fields_are_the_registry():
    assert set(Condition.model_fields) == set(REGISTRY) | set(COMPOSITES)


@pytest.mark.parametrize("bad", [{"min_month": 12}, {"status_in": ["esta"]}, {"network_in": ["rsfp2"]},
                                 {"any_of": [{"goal_in": ["diplome"]}]}, {"pec_enrolled_by": "bientôt"}])
def test_typos_are_refused(bad):
    with pytest.raises(ValidationError):
        Condition.model_validate(bad)


def test_composites_and_thresholds_at_the_edge():
    cond = Condition.model_validate({"any_of": [{"min_months_outside_pec": 12},
                                                {"min_months_outside_pec": 6, "pec_same_job": True}]})
    assert holds(cond, Facts(months_outside_pec=12))
    assert not holds(cond, Facts(months_outside_pec=11))
    assert holds(cond, Facts(months_outside_pec=6, pec_same_job=True))
    assert not holds(cond, Facts(months_outside_pec=5, pec_same_job=True))
    assert not holds(Condition.model_validate({"min_rsfp_structures": 2}), Facts(rsfp_structures=None))
    assert holds(Condition.model_validate({"none_of": [{"has_gap": True}]}), Facts(has_gap=None))
