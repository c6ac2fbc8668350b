"""A SQLite repository whose catalog is the shipped referential bundle, with one positioned person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from competency_graph.store import Repository
from competency_graph.store.catalog import StaticCatalog
from competency_graph.store.validations import record_validation

UTC = dt.timezone.utc
#: validated (co-positioned, then validated on a proof): the only items recognised
VALIDATED = ("rectec:C01", "rae:agent-de-restauration/A1")
#: only the person's own word (C04 at circle 3, A2 "in progress"): never recognised
SELF_ONLY = ("rectec:C04", "rae:agent-de-restauration/A2")


def _catalog(bundle) -> StaticCatalog:
    items = {}
    for item in bundle.items.values():
        if item.id.startswith(("rectec:", "rae:agent-de-restauration")):
            items[item.id] = (item.scale, item.referential.partition("@")[2])
    return StaticCatalog(items)


@pytest.fixture
def repo(shipped_bundle, tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(f"sqlite:///{tmp_path / 'r.sqlite'}", catalog=_catalog(shipped_bundle),
                                 files_dir=tmp_path / "files")
    yield repository
    repository.close()


@pytest.fixture
def person(repo: Repository) -> str:
    s = repo.create_structure("ESAT Les Ateliers d'Émeraude", "esat", networks=["rae"])
    p = repo.create_person(s.id, "Zoé Martin-Lefèvre", "esat", person_id="p1")
    t0 = dt.datetime(2025, 1, 10, 9, tzinfo=UTC)
    t1 = dt.datetime(2025, 3, 10, 9, tzinfo=UTC)
    rec = repo.record_positioning
    rec(p.id, "rectec:C01", role="self", level=1, at=t0)
    rec(p.id, "rectec:C01", role="accompanist", level=2, at=t1)
    rec(p.id, "rectec:C04", role="self", level=3, at=t0)
    rec(p.id, "rae:agent-de-restauration/A1", role="accompanist", state="acquired", at=t1)
    rec(p.id, "rae:agent-de-restauration/A2", role="self", state="in_progress", at=t0)
    ev = repo.add_evidence(p.id, "observation", "Mise en place du poste (photo)", item_id="rectec:C01",
                           description="Observé en atelier cuisine", evidence_date=dt.date(2025, 3, 1))
    repo.endorse(ev.id, "Mme Tutrice", "tutor", statement="Travail soigné et régulier")
    stage = repo.add_evidence(p.id, "attestation", "Attestation de stage", item_id="rae:agent-de-restauration/A1",
                              evidence_date=dt.date(2025, 3, 2))
    record_validation(repo, p.id, "rectec:C01", modality="montrer", evidence_ids=[ev.id], author_id=None,
                      validated_on=dt.date(2025, 3, 15))
    record_validation(repo, p.id, "rae:agent-de-restauration/A1", modality="expliquer", evidence_ids=[stage.id],
                      author_id=None, validator_role="jury", validator_name="Jury RAE du 15/03",
                      validated_on=dt.date(2025, 3, 15))
    repo.record_followup(p.id, "follow_up", dt.date(2025, 2, 1), notes="Premier point : objectifs fixés")
    repo.record_followup(p.id, "follow_up", dt.date(2025, 4, 1), notes="Bilan : progrès en organisation")
    return p.id
