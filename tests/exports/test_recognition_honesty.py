"""Acceptance (issue 16): a competency that is only self-positioned — or co-positioned but not validated, or
validated then withdrawn — never appears as recognised in any PDF, badge or attestation; the person's own
answer is never dropped from her portfolio."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from competency_graph.exports.openbadges import NotMastered, credential_for
from competency_graph.exports.pdf import evidence_pdf, followup_pdf, portfolio_pdf
from competency_graph.exports.recognition import recognition_for
from competency_graph.store.validations import record_validation, withdraw_evidence, withdraw_validation

UTC = dt.timezone.utc
RECOGNISED = "Compétences reconnues (validées)"
NEXT_SECTIONS = ("Co-positionnements non encore validés", "Ce que la personne dit d'elle-même", "Signatures")


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _recognised_section(text: str) -> str:
    start = text.index(RECOGNISED)
    end = min(text.index(s, start) for s in NEXT_SECTIONS if s in text[start:])
    return text[start:end]


@pytest.fixture
def worker(repo, shipped_bundle):
    """A worker who answered every RECTEC competency herself at circle 4 and every activity of her trade as
    acquired; her accompanist co-positioned two items, and validated one of them, then withdrew another."""
    s = repo.create_structure("ESAT Honnête", "esat", networks=["rae"])
    p = repo.create_person(s.id, "Inès Honnête", "esat", person_id="honest").id
    t0 = dt.datetime(2025, 1, 10, 9, tzinfo=UTC)
    rectec = sorted(i.id for i in shipped_bundle.of_kind("competency", "rectec"))
    activities = [a.id for a in shipped_bundle.children("rae:agent-de-restauration") if a.kind == "activity"]
    for item in rectec:
        repo.record_positioning(p, item, role="self", level=4, at=t0)
    for item in activities:
        repo.record_positioning(p, item, role="self", state="acquired", at=t0)
    t1 = t0 + dt.timedelta(days=30)
    repo.record_positioning(p, "rectec:C01", role="accompanist", level=2, at=t1)  # validated below
    repo.record_positioning(p, "rectec:C02", role="accompanist", level=3, at=t1)  # co-positioned only
    repo.record_positioning(p, "rectec:C03", role="accompanist", level=3, at=t1)  # validated, then withdrawn
    proof = repo.add_evidence(p, "observation", "Vu en atelier", item_id="rectec:C01", description="Poste rangé",
                              evidence_date=dt.date(2025, 2, 1)).id
    dup = repo.add_evidence(p, "observation", "Doublon de preuve", item_id="rectec:C03", description="Doublon",
                            evidence_date=dt.date(2025, 2, 1)).id
    record_validation(repo, p, "rectec:C01", modality="montrer", evidence_ids=[proof], author_id=None,
                      validated_on=dt.date(2025, 2, 15))
    gone = record_validation(repo, p, "rectec:C03", modality="montrer", evidence_ids=[dup], author_id=None,
                             validated_on=dt.date(2025, 2, 15))
    withdraw_validation(repo, p, gone.id, author_id=None, reason="Erreur de saisie")
    withdraw_evidence(repo, p, dup, author_id=None, reason="Doublon")
    return {"id": p, "rectec": rectec, "activities": activities}


def test_only_the_validated_competency_is_recognised_anywhere(repo, shipped_bundle, worker):
    p = worker["id"]
    not_recognised = [i for i in worker["rectec"] + worker["activities"] if i != "rectec:C01"]
    assert len(not_recognised) >= 11 + 3

    summary = recognition_for(repo, p)
    assert summary.recognised_ids() == ["rectec:C01"]
    assert {x.item_id for x in summary.co_positioned} == {"rectec:C02", "rectec:C03"}
    assert {x.item_id for x in summary.self_only} == set(not_recognised) - {"rectec:C02", "rectec:C03"}

    # the portfolio / attestation descriptive: recognised section holds C01 only
    text = _text(portfolio_pdf(repo, shipped_bundle, p))
    recognised = _recognised_section(text)
    assert shipped_bundle.items["rectec:C01"].label in recognised
    for item in not_recognised:
        assert shipped_bundle.items[item].label not in recognised, item
        assert shipped_bundle.items[item].label in text, item  # still in the PDF, in its own section
    # her own circle 4 stays beside the validated circle 2 and beside the accompanist's circle 3
    assert "La personne se positionne : cercle / niveau 4" in recognised
    assert "accompagnateur : cercle / niveau 3 ; la personne : cercle / niveau 4" in text
    map_part = text[text.index("Carte des compétences validées"):]
    assert "2/4" in map_part and "4/4" not in map_part and "3/4" not in map_part

    # badges: none for anything but the validated item, at most at its validated circle
    for item in not_recognised:
        why = "co-positionnement" if item in ("rectec:C02", "rectec:C03") else "auto-positionnement seulement"
        with pytest.raises(NotMastered, match=why):
            credential_for(repo, shipped_bundle, p, item, valid_from=dt.datetime(2025, 6, 1, tzinfo=UTC))
    with pytest.raises(NotMastered):
        credential_for(repo, shipped_bundle, p, "rectec:C01", level=4, valid_from=dt.datetime(2025, 6, 1, tzinfo=UTC))
    badge = credential_for(repo, shipped_bundle, p, "rectec:C01", valid_from=dt.datetime(2025, 6, 1, tzinfo=UTC))
    assert badge["credentialSubject"]["result"][0]["value"] == "cercle 2"
    assert "modalité RAE « je MONTRE »" in badge["description"]
    with pytest.raises(NotMastered):  # before the validation date, nothing was recognised
        credential_for(repo, shipped_bundle, p, "rectec:C01", valid_from=dt.datetime(2025, 2, 1, tzinfo=UTC))

    # the withdrawn duplicate proof is gone from the dossier PDF; the other documents never say "reconnu"
    dossier = _text(evidence_pdf(repo, shipped_bundle, p))
    assert "Vu en atelier" in dossier and "Doublon de preuve" not in dossier
    followup = _text(followup_pdf(repo, shipped_bundle, p, dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert "reconnu" not in followup.lower()


def test_a_person_with_self_positionings_only_has_nothing_recognised(repo, shipped_bundle, worker):
    s = repo.get_person(worker["id"]).structure_id
    q = repo.create_person(s, "Self Seulement", "esat", person_id="self-only").id
    for item in worker["rectec"]:
        repo.record_positioning(q, item, role="self", level=3)
    text = _text(portfolio_pdf(repo, shipped_bundle, q))
    assert "Aucune compétence n'est encore validée à cette date." in _recognised_section(text)
    assert "Carte des compétences validées" not in text
    for item in worker["rectec"]:
        with pytest.raises(NotMastered):
            credential_for(repo, shipped_bundle, q, item, valid_from=dt.datetime.now(UTC))
