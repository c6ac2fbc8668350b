"""Properties of planned pathways on generated profiles: every step is eligible on the day it starts (with
what the earlier steps brought), and no step plans a bloc already held or planned before."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_graph.analysis.conditions import holds
from competency_graph.analysis.facts import gather_facts, held_blocs, target_facts
from competency_graph.analysis.pathway import plan_pathway
from competency_graph.analysis.profile import Profile
from competency_graph.analysis.recommend import evaluate, resolve_profile_target

TARGETS = ["rncp:RNCP38386", "rncp:RNCP26650", "rncp:RNCP37794", "rncp:RNCP19176", "rncp:RNCP37914",
           "rncp:RNCP35317", "rae:cuisinier", "rae:ouvrier-paysagiste", "rsfp:agent-de-nettoyage-de-locaux",
           "rsfp:aide-de-cuisine-en-restauration-collective"]
JOBS = ["rae:ouvrier-paysagiste", "rome:G1602", "rsfp:agent-de-nettoyage-de-locaux", "rae:operateur-logistique",
        "rae:cuisinier", "rome:K2204"]
BLOCS = ["rncp:RNCP38386BC01", "rncp:RNCP38386BC02", "rncp:RNCP38386BC03", "rncp:RNCP26650BC02",
         "rncp:RNCP37794BC01"]
DAYS = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def profiles(draw):
    contracts = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(DAYS)
        end = draw(st.one_of(st.none(), st.integers(20, 900).map(lambda n, s=start: s + dt.timedelta(days=n))))
        contracts.append({"kind": draw(st.sampled_from(["pec", "cdd", "cdi", "esat", "cddi", "pmsmp"])),
                          "start": start, "end": end, "job": draw(st.sampled_from(JOBS))})
    networks = []
    if draw(st.booleans()):
        networks.append({"network": "rae", "trained_staff": draw(st.one_of(st.none(), st.integers(0, 3)))})
    if draw(st.booleans()):
        networks.append({"network": "rsfp", "field": "f", "field_structures": draw(st.one_of(st.none(), st.integers(1, 3)))})
    held = [{"certification": "rncp:RNCP38386", "outcome": "partial", "awarded_on": draw(DAYS),
             "blocs": draw(st.lists(st.sampled_from(BLOCS), max_size=3, unique=True))}] if draw(st.booleans()) else []
    data = {
        "person": {"id": "p", "status": draw(st.sampled_from(["esat", "ea", "ime", "siae", "pec", "job_seeker", "employee"])),
                   "age": draw(st.integers(15, 60)), "writing": draw(st.sampled_from(["none", "limited", "fluent"])),
                   "goal": draw(st.sampled_from(["certification", "recognition", "employment", "training"])),
                   "placement_planned": draw(st.one_of(st.none(), st.booleans())),
                   "pec_enrolled_on": draw(st.one_of(st.none(), DAYS))},
        "structure": {"kind": "esat", "networks": networks,
                      "branch_agreements": [{"branch": "UIMM", "cqps": ["rncp:RNCP37914"]}] if draw(st.booleans()) else []},
        "experience": [{"job": draw(st.sampled_from(JOBS)), "months": draw(st.integers(0, 30)),
                        "in_pec": draw(st.booleans())} for _ in range(draw(st.integers(0, 2)))],
        "contracts": contracts,
        "held": held,
        "target": draw(st.sampled_from(TARGETS)),
        "positions": [{"item": "rectec:C01", "self": draw(st.integers(1, 4)), "co": draw(st.integers(1, 4))}],
    }
    return Profile.model_validate(data), draw(DAYS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(profiles())
def test_each_step_is_eligible_when_it_starts_and_no_bloc_is_planned_twice(shipped_bundle, case):
    profile, as_of = case
    path = plan_pathway(shipped_bundle, profile, as_of=as_of)
    target = resolve_profile_target(shipped_bundle, profile)
    tfacts = target_facts(shipped_bundle, profile, target)
    held_now = held_blocs(shipped_bundle, profile, as_of)
    brought: set[str] = set()
    consolidated = False
    day = as_of
    for step in path.steps:
        assert step.eligible_from >= day, (step.modality, step.eligible_from, day)
        model = shipped_bundle.items[step.modality].model
        facts = gather_facts(shipped_bundle, profile, tfacts, step.eligible_from, frozenset(brought), consolidated)
        rec = evaluate(model, facts, shipped_bundle)
        assert rec.eligible, (step.modality, step.eligible_from, rec.missing)
        assert not set(step.blocs) & held_now, (step.modality, step.blocs)
        assert not set(step.blocs) & brought, (step.modality, step.blocs)
        assert step.duration_months >= 0 and (step.duration_source is None or step.duration_source)
        brought.update(step.blocs)
        if step.modality in ("modality:rae", "modality:rsfp"):
            prefix = step.modality.split(":")[1] + ":"
            brought.update(o for o in (target.id, *target.occupations) if o.startswith(prefix))
        consolidated = consolidated or step.modality == "modality:afest"
        day = step.eligible_from
    assert holds({}, gather_facts(shipped_bundle, profile, tfacts, as_of))  # the empty condition always holds
