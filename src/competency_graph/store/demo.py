"""Demo data: a small fictional ESAT with candidates, an accompanist, a trainer, a few months of positionings,
proofs and interviews, plus a PEC employee with their follow-up schedule — so the app is alive on first run.

Every name here is invented. :func:`create_demo` is idempotent: a second call finds the demo and returns it.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass, field

from . import facts
from .catalog import ItemCatalog, demo_catalog
from .records import ExperienceEntry, Participant
from .repository import Repository
from .validations import record_validation

__all__ = ["DemoSummary", "create_demo", "ensure_demo", "DEMO_STRUCTURE_ID", "DEMO_PEC_EMPLOYER_ID"]

DEMO_STRUCTURE_ID = "demo-esat-canal"
DEMO_PEC_EMPLOYER_ID = "demo-asso-jardins"
_USERS = {
    "accompanist": ("demo-moniteur", "demo.moniteur", "Moniteur d'atelier (démo)"),
    "trainer": ("demo-formatrice", "demo.formatrice", "Formatrice (démo)"),
    "admin": ("demo-admin", "demo.admin", "Administratrice (démo)"),
    "prescriber": ("demo-conseiller", "demo.conseiller", "Conseiller France Travail (démo)"),
}
# person id -> (name, status, birth year, writing, goal, target, experience)
_PEOPLE = {
    "demo-lea": ("Léa (démo)", "esat", 1991, "limited", "recognition", "rae:operateur-logistique",
                 [ExperienceEntry("rome:N1105", 48, current=True)]),
    "demo-samir": ("Samir (démo)", "esat", 1985, "none", "recognition", None,
                   [ExperienceEntry("rome:K2204", 30, current=True), ExperienceEntry("rome:A1203", 12)]),
    "demo-julien": ("Julien (démo)", "esat", 1998, "fluent", "certification", "rncp:RNCP38386",
                    [ExperienceEntry("rome:A1203", 26, current=True)]),
}
_PEC_PERSON = ("demo-aicha", "Aïcha (démo)", "pec", 1979, "limited", "employment", "rome:A1203",
               [ExperienceEntry("rome:A1203", 5, in_pec=True, current=True), ExperienceEntry("rome:K2204", 14)])

# Positions over time: (days ago, person, competency number, self level, accompanist level or None)
_HISTORY = [
    (120, "demo-lea", 1, 2, 1), (120, "demo-lea", 3, 3, 2), (120, "demo-lea", 5, 2, 2), (120, "demo-lea", 10, 1, None),
    (60, "demo-lea", 1, 2, 2), (60, "demo-lea", 3, 3, 3), (60, "demo-lea", 10, 2, 1),
    (20, "demo-lea", 1, 3, 2), (20, "demo-lea", 2, 2, 2), (20, "demo-lea", 10, 2, 2),
    (110, "demo-samir", 1, 1, 1), (110, "demo-samir", 3, 2, 2), (110, "demo-samir", 7, 3, 1),
    (45, "demo-samir", 3, 2, 3), (45, "demo-samir", 7, 3, 2), (45, "demo-samir", 9, 1, None),
    (90, "demo-julien", 1, 3, 3), (90, "demo-julien", 4, 2, 2), (90, "demo-julien", 6, 3, 2),
    (30, "demo-julien", 4, 3, 3), (30, "demo-julien", 8, 2, 3), (30, "demo-julien", 11, 2, 2),
    (140, "demo-aicha", 3, 2, 2), (140, "demo-aicha", 5, 3, 2), (50, "demo-aicha", 5, 3, 3),
    (50, "demo-aicha", 10, 2, 1), (10, "demo-aicha", 10, 2, 2),
]
_ACTIVITY_STATES = [(100, "demo-lea", "rae:operateur-logistique/A1", "in_progress", "in_progress"),
                    (25, "demo-lea", "rae:operateur-logistique/A1", "acquired", "acquired"),
                    (25, "demo-lea", "rae:operateur-logistique/A2", "acquired", "in_progress")]


@dataclass(frozen=True)
class DemoSummary:
    structure_id: str
    pec_employer_id: str
    people: dict[str, str] = field(default_factory=dict)
    """person id -> display name"""
    users: dict[str, str] = field(default_factory=dict)
    """role -> user id"""
    created: bool = True


def _tiny_png() -> bytes:
    """A valid 4×4 green PNG (a stand-in for a photo of work done)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x2e\x8b\x57" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _summary(created: bool) -> DemoSummary:
    people = {pid: spec[0] for pid, spec in _PEOPLE.items()}
    people[_PEC_PERSON[0]] = _PEC_PERSON[1]
    return DemoSummary(DEMO_STRUCTURE_ID, DEMO_PEC_EMPLOYER_ID, people,
                       {role: spec[0] for role, spec in _USERS.items()}, created)


def create_demo(repo: Repository, *, today: dt.date | None = None, catalog: ItemCatalog | None = None
                ) -> DemoSummary:
    """Create the demo structure and its history in one transaction (nothing when it already exists).

    Positions use the RECTEC ids (``rectec:C01``…); with a real catalog, items it lacks are skipped and
    levels are kept within its range. Without any catalog a small built-in one is used.
    """
    catalog = catalog or repo.catalog or demo_catalog()
    if repo.catalog is not catalog:
        repo = Repository(repo.engine, catalog=catalog, files=repo.files, retry_seconds=repo.retry_seconds)
    day0 = today or dt.date.today()
    if any(s.id == DEMO_STRUCTURE_ID for s in repo.list_structures()):
        return _summary(created=False)

    def when(days_ago: int) -> dt.datetime:
        return dt.datetime.combine(day0 - dt.timedelta(days=days_ago), dt.time(10, 0), tzinfo=dt.UTC)

    def level_for(item: str, level: int) -> int | None:
        bounds = catalog.level_range(item)
        return None if bounds is None else max(bounds[0], min(bounds[1], level))

    def build(r: Repository) -> None:
        r.create_structure("ESAT Les Ateliers du Canal (fictif)", "esat", networks=["rae", "rsfp"],
                           field="conditionnement et espaces verts", structure_id=DEMO_STRUCTURE_ID)
        r.create_structure("Association Jardins Partagés (fictive)", "pec-employer", networks=[],
                           field="espaces verts", structure_id=DEMO_PEC_EMPLOYER_ID)
        # facts the recognition rules read: RAE staff trained, RSFP structures of the field (store/facts.py)
        facts.set_network(r, DEMO_STRUCTURE_ID, "rae", trained_staff=2)
        facts.set_network(r, DEMO_STRUCTURE_ID, "rsfp", field="espaces verts", field_structures=3)
        for role, (uid, login, name) in _USERS.items():
            r.create_user(login, name, user_id=uid)
            if role == "prescriber":
                r.grant_role(uid, DEMO_PEC_EMPLOYER_ID, "accompanist")
            else:
                r.grant_role(uid, DEMO_STRUCTURE_ID, role)
        accompanist = _USERS["accompanist"][0]
        r.grant_role(_USERS["trainer"][0], DEMO_PEC_EMPLOYER_ID, "trainer")
        for pid, (name, status, year, writing, goal, target, experience) in _PEOPLE.items():
            r.create_person(DEMO_STRUCTURE_ID, name, status, person_id=pid, birth_year=year, writing=writing,
                            goal=goal, target=target, experience=experience)
            r.assign(accompanist, pid, since=day0 - dt.timedelta(days=150))
        pid, name, status, year, writing, goal, target, experience = _PEC_PERSON
        r.create_person(DEMO_PEC_EMPLOYER_ID, name, status, person_id=pid, birth_year=year, writing=writing,
                        goal=goal, target=target, experience=experience)
        r.assign(_USERS["prescriber"][0], pid, since=day0 - dt.timedelta(days=150))
        r.create_user("demo.lea", "Léa (démo)", person_id="demo-lea", user_id="demo-user-lea")
        r.grant_role("demo-user-lea", DEMO_STRUCTURE_ID, "candidate")

        for days_ago, person, number, own, co in _HISTORY:
            item = f"rectec:C{number:02d}"
            if not catalog.has_item(item) or (lvl := level_for(item, own)) is None:
                continue
            author = _USERS["prescriber" if person == _PEC_PERSON[0] else "accompanist"][0]
            r.record_positioning(person, item, role="self", level=lvl, at=when(days_ago), source="demo")
            if co is not None:
                r.record_positioning(person, item, role="accompanist", level=level_for(item, co), author_id=author,
                                     at=when(days_ago) + dt.timedelta(hours=2), source="demo")
        for days_ago, person, item, own_state, co_state in _ACTIVITY_STATES:
            if catalog.has_item(item) and catalog.level_range(item) is None:
                r.record_positioning(person, item, role="self", state=own_state, at=when(days_ago), source="demo")
                r.record_positioning(person, item, role="accompanist", state=co_state, author_id=accompanist,
                                     at=when(days_ago) + dt.timedelta(hours=2), source="demo")

        if catalog.has_item("rectec:C03"):
            observed = r.add_evidence(
                "demo-lea", "observation", "Travail en binôme sur la ligne de conditionnement",
                item_id="rectec:C03", rae_modality="montrer", author_id=accompanist,
                description="Observation en situation de travail : répartition des tâches avec un collègue.",
                evidence_date=day0 - dt.timedelta(days=62))
            r.endorse(observed.id, "Chef d'équipe (démo)", "tutor", statement="Je l'ai vue organiser le poste.",
                      endorsed_on=day0 - dt.timedelta(days=60))
            r.add_evidence("demo-lea", "photo", "Palette terminée", item_id="rectec:C03", rae_modality="montrer",
                           content=_tiny_png(), filename="palette.png", author_id=accompanist,
                           evidence_date=day0 - dt.timedelta(days=61))
            if level_for("rectec:C03", 3) == 3:  # recognised only once validated, on the observed proof
                record_validation(r, "demo-lea", "rectec:C03", modality="montrer", evidence_ids=[observed.id],
                                  author_id=accompanist, validated_on=day0 - dt.timedelta(days=55))
        if catalog.has_item("rectec:C04"):
            r.add_evidence("demo-julien", "video_link", "Calcul de surface d'un massif (vidéo)", item_id="rectec:C04",
                           rae_modality="expliquer", url="https://example.org/demo/video-massif",
                           evidence_date=day0 - dt.timedelta(days=31))

        moniteur = Participant("accompanist", user_id=accompanist)
        for person in _PEOPLE:
            r.record_followup(person, "diagnostic", day0 - dt.timedelta(days=121),
                              notes="Entretien de diagnostic (démo).",
                              participants=[Participant("candidate", name=_PEOPLE[person][0]), moniteur])
        r.record_followup("demo-lea", "project_review", day0 - dt.timedelta(days=19), notes="Bilan d'étape (démo).",
                          participants=[Participant("candidate", name="Léa (démo)"), moniteur])
        r.plan_followup("demo-julien", "jury_preparation", day0 + dt.timedelta(days=30))

        start = day0 - dt.timedelta(days=150)
        contract = r.create_pec_contract(pid, DEMO_PEC_EMPLOYER_ID, start,
                                         start + dt.timedelta(days=365) - dt.timedelta(days=1),
                                         weekly_hours=20, prescriber="france_travail")
        r.record_followup(pid, "tripartite", start - dt.timedelta(days=7), notes="Entretien tripartite (démo).",
                          participants=[Participant("candidate", name=name),
                                        Participant("employer", name="Employeur (démo)"),
                                        Participant("prescriber", user_id=_USERS["prescriber"][0])])
        for followup in contract.followups:
            if followup.scheduled_on <= day0 - dt.timedelta(days=3):
                r.hold_followup(followup.id, held_on=followup.scheduled_on, notes="Suivi PEC (démo).",
                                participants=[Participant("candidate", name=name),
                                              Participant("tutor", name="Tuteur (démo)")])

    repo.transaction(build)
    return _summary(created=True)


def ensure_demo(repo: Repository, **kwargs: object) -> DemoSummary | None:
    """Create the demo on a database that holds no structure yet (the app's first start); else None."""
    if repo.list_structures():
        return None
    return create_demo(repo, **kwargs)  # type: ignore[arg-type]
