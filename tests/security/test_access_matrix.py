"""The access matrix at the service layer: role × record (own / same structure / other structure) × read/write."""

from __future__ import annotations

import pytest

from competency_graph.security import audit
from competency_graph.security.access import Guard
from competency_graph.security.errors import AccessDenied
from competency_graph.store import Repository

# "own" = the record the role is about: the candidate's own, or the accompanist's assigned candidate.
# "same" = another person of the same structure (not assigned); "other" = a person of another structure.
MATRIX = [
    # user,        record,  read,  write
    ("u-cand",    "own",   True,  True),
    ("u-cand",    "mate",  False, False),
    ("u-cand",    "other", False, False),
    ("u-acc",     "own",   True,  True),
    ("u-acc",     "mate",  False, False),
    ("u-acc",     "other", False, False),
    ("u-trainer", "own",   False, False),
    ("u-trainer", "mate",  False, False),
    ("u-trainer", "other", False, False),
    ("u-admin",   "own",   True,  False),
    ("u-admin",   "mate",  True,  False),
    ("u-admin",   "other", False, False),
]


@pytest.mark.parametrize(("user", "person", "read", "write"), MATRIX)
def test_access_matrix(repo: Repository, world: dict[str, str], user: str, person: str, read: bool,
                       write: bool) -> None:
    guard = Guard(repo, user)
    before = len(audit.list_audit(repo, "u-admin"))
    for call in (lambda: guard.read_person(person), lambda: guard.history(person),
                 lambda: guard.list_evidence(person)):
        if read:
            call()
        else:
            with pytest.raises(AccessDenied) as caught:
                call()
            assert "refusé" in caught.value.message_fr
    writes = (lambda: guard.record_positioning(person, "rectec:C01", level=2),
              lambda: guard.add_evidence(person, "observation", "Observation", item_id="rectec:C01",
                                         description="Fait seul"))
    for call in writes:
        if write:
            call()
        else:
            with pytest.raises(AccessDenied):
                call()
    entries = audit.list_audit(repo, "u-admin")[: len(audit.list_audit(repo, "u-admin")) - before]
    assert len(entries) == 5  # every decision is logged, allowed or denied
    assert {e.outcome for e in entries[:2]} == {"allowed" if write else "denied"}
    assert all(e.subject_ref == audit.pseudonym(repo, person) for e in entries)
    if write:
        roles = {p.author_role for p in repo.history(person)}
        assert roles == {"self" if user == "u-cand" else "accompanist"}
        assert all(p.author_id == user for p in repo.history(person))


def test_role_cannot_be_forged(repo: Repository, world: dict[str, str]) -> None:
    with pytest.raises(TypeError):
        Guard(repo, "u-cand").record_positioning("own", "rectec:C01", level=2, role="accompanist")


def test_admin_reads_are_logged_without_personal_content(repo: Repository, world: dict[str, str]) -> None:
    Guard(repo, "u-admin").read_person("mate")
    entry = audit.list_audit(repo, "u-admin", action="read")[0]
    assert (entry.actor_id, entry.outcome, entry.record_kind) == ("u-admin", "allowed", "person")
    assert entry.subject_ref == audit.pseudonym(repo, "mate")
    assert audit.list_audit(repo, "u-admin", person_id="mate")[0].id == entry.id
    csv_text = audit.audit_csv(repo, "u-admin")
    assert "Personne" not in csv_text


def test_only_admins_list_the_audit_log(repo: Repository, world: dict[str, str]) -> None:
    for user in ("u-cand", "u-acc", "u-trainer"):
        with pytest.raises(AccessDenied):
            audit.list_audit(repo, user)


def test_audit_log_is_append_only(repo: Repository, world: dict[str, str]) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    Guard(repo, "u-admin").read_person("mate")
    for sql in ("UPDATE audit_log SET actor_id = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError), repo.engine.begin() as c:
            c.execute(text(sql))


def test_trainer_group_view_is_pseudonymised(repo: Repository, world: dict[str, str]) -> None:
    Guard(repo, "u-acc").record_positioning("own", "rectec:C01", level=3)
    Guard(repo, "u-cand").record_positioning("own", "rectec:C02", level=2)
    view = Guard(repo, "u-trainer").group_view(world["s"])
    assert all(m["name"] is None and m["ref"].startswith("P-") for m in view["people"])
    assert "Personne" not in str(view) and "'own'" not in str(view)
    assert view["items"] == {"rectec:C01": {"3": 1}, "rectec:C02": {"2": 1}}
    # The accompanist sees the names of their own candidates only.
    named = Guard(repo, "u-acc").group_view(world["s"])
    assert sorted(str(m["name"]) for m in named["people"]) == ["None", "Personne Propre"]
    with pytest.raises(AccessDenied):
        Guard(repo, "u-trainer").group_view(world["t"])


def test_trainer_who_is_also_accompanist_reads_that_person(repo: Repository, world: dict[str, str]) -> None:
    repo.grant_role("u-trainer", world["s"], "accompanist")
    repo.assign("u-trainer", "mate")
    guard = Guard(repo, "u-trainer")
    assert guard.read_person("mate").id == "mate"
    with pytest.raises(AccessDenied):
        guard.read_person("own")


def test_user_management_is_for_admins_of_the_structure(repo: Repository, world: dict[str, str]) -> None:
    created = Guard(repo, "u-admin").create_user("nouveau", "Nouveau", world["s"], "trainer")
    assert repo.has_role(created.id, "trainer", world["s"])
    with pytest.raises(AccessDenied):
        Guard(repo, "u-admin").create_user("ailleurs", "Ailleurs", world["t"], "trainer")
    with pytest.raises(AccessDenied):
        Guard(repo, "u-acc").grant_role("u-trainer", world["s"], "admin")


def test_people_lists_only_reachable_records(repo: Repository, world: dict[str, str]) -> None:
    assert [p.id for p in Guard(repo, "u-cand").people()] == ["own"]
    assert [p.id for p in Guard(repo, "u-acc").people()] == ["own"]
    assert sorted(p.id for p in Guard(repo, "u-admin").people()) == ["mate", "own"]
    assert Guard(repo, "u-trainer").people() == []
