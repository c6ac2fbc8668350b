"""The app's services go through the access guard: role × record × read/write at the service layer (the
functions pages call), sessions checked at every run, the admin operations of the admin page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from competency_graph.security import accounts as security_accounts
from competency_graph.security import audit
from competency_graph.security.errors import AccessDenied, AuthError, SecurityError, WeakPassword
from competency_graph.services import accounts, caseload, evidence, followup, people, positioning
from competency_graph.services.accounts import Identity
from competency_graph.services.context import Context
from competency_graph.store import Repository, StoreError
from competency_graph.store.models import utcnow

PASSWORD = "Tournesol-bleu-42!"


@pytest.fixture
def repo(tmp_path: Path, shipped_bundle):
    """Overrides the package fixture: the shipped referentials as catalog, for services that show labels."""
    repository = Repository.open(f"sqlite:///{tmp_path / 'record.sqlite'}", catalog=shipped_bundle,
                                 files_dir=tmp_path / "files")
    yield repository
    repository.close()


@pytest.fixture
def ctx(repo: Repository, shipped_bundle, world) -> Context:
    return Context(shipped_bundle, repo)


def who(ctx: Context, user_id: str, role: str) -> Identity:
    return accounts.identity_for(ctx, user_id, role)


def denied_entries(repo: Repository) -> list[audit.AuditRecord]:
    return [e for e in audit.list_audit(repo, "u-admin") if e.outcome == "denied"]


# -- reads and writes of a person's record -------------------------------------------------------------------

READS = {
    "comparison": lambda c, i, p: positioning.comparison(c, p, ["rectec:C01"], identity=i),
    "map": lambda c, i, p: people.candidate_map(c, p, identity=i),
    "profile": lambda c, i, p: people.person_profile(c, p, identity=i),
    "dossier": lambda c, i, p: evidence.dossier(c, p, identity=i),
    "timeline": lambda c, i, p: followup.timeline(c, p, identity=i),
    "progress": lambda c, i, p: followup.progress(c, p, dt.date(2020, 1, 1), dt.date.today(), identity=i),
    "require": lambda c, i, p: accounts.require_person(c, i, p),
}

# identity (user, role) → records it may read; every other record of the world is refused
MAY_READ = {
    ("u-cand", "candidate"): {"own"},
    ("u-acc", "accompanist"): {"own"},
    ("u-acc-t", "accompanist"): {"other"},
    ("u-trainer", "trainer"): set(),
    ("u-admin", "admin"): {"own", "mate"},
}


@pytest.mark.parametrize(("user", "role"), list(MAY_READ))
def test_service_reads_follow_the_access_rules_and_are_logged(ctx: Context, user: str, role: str) -> None:
    identity = who(ctx, user, role)
    for person in ("own", "mate", "other"):
        for name, read in READS.items():
            before = len(audit.list_audit(ctx.repo, "u-admin"))
            if person in MAY_READ[(user, role)]:
                read(ctx, identity, person)
                outcome = "allowed"
            else:
                with pytest.raises(AccessDenied) as caught:
                    read(ctx, identity, person)
                assert "refusé" in caught.value.message_fr, name
                outcome = "denied"
            new = audit.list_audit(ctx.repo, "u-admin")[: len(audit.list_audit(ctx.repo, "u-admin")) - before]
            assert new and {e.outcome for e in new} == {outcome}, (name, person)
            assert all(e.actor_id == user and e.subject_ref == audit.pseudonym(ctx.repo, person) for e in new)


def test_self_positioning_only_by_the_person_and_co_positioning_only_by_their_accompanist(ctx: Context) -> None:
    candidate, accompanist = who(ctx, "u-cand", "candidate"), who(ctx, "u-acc", "accompanist")
    admin = who(ctx, "u-admin", "admin")
    own = positioning.record_self(ctx, candidate, "own", "rectec:C01", level=2)
    co = positioning.record_co(ctx, accompanist, "own", "rectec:C01", level=3, note="Vu en atelier")
    assert (own.author_role, own.author_id) == ("self", "u-cand")
    assert (co.author_role, co.author_id, co.comment) == ("accompanist", "u-acc", "Vu en atelier")
    refused = [
        lambda: positioning.record_co(ctx, candidate, "own", "rectec:C02", level=4),   # not their accompanist
        lambda: positioning.record_self(ctx, accompanist, "own", "rectec:C02", level=4),  # not the person
        lambda: positioning.record_self(ctx, candidate, "mate", "rectec:C02", level=4),
        lambda: positioning.record_co(ctx, accompanist, "mate", "rectec:C02", level=4),
        lambda: positioning.record_co(ctx, who(ctx, "u-acc-t", "accompanist"), "own", "rectec:C02", level=4),
        lambda: positioning.record_co(ctx, admin, "own", "rectec:C02", level=4),  # admins read, never write
    ]
    for call in refused:
        with pytest.raises(AccessDenied):
            call()
    assert len(ctx.repo.history("own")) == 2 and ctx.repo.history("mate") == []
    assert len(denied_entries(ctx.repo)) == len(refused)


def test_evidence_endorsement_and_files_through_the_guard(ctx: Context) -> None:
    from competency_graph.store.demo import _tiny_png

    candidate, accompanist = who(ctx, "u-cand", "candidate"), who(ctx, "u-acc", "accompanist")
    photo = evidence.add_proof(ctx, candidate, "own", "photo", "Mon poste", item_id="rectec:C01",
                               content=_tiny_png(), filename="poste.png")
    assert photo.author_id == "u-cand"
    content, media_type = evidence.proof_file(ctx, photo.id, identity=accompanist)
    assert media_type == "image/png" and content.startswith(b"\x89PNG") and len(content) == photo.size
    evidence.endorse(ctx, "own", photo.id, "Chef d'équipe", "tutor", identity=accompanist)
    refused = [
        lambda: evidence.proof_file(ctx, photo.id, identity=who(ctx, "u-acc-t", "accompanist")),
        lambda: evidence.proof_file(ctx, photo.id, identity=who(ctx, "u-trainer", "trainer")),
        lambda: evidence.proof_file(ctx, "no-such-proof", identity=accompanist),
        lambda: evidence.endorse(ctx, "own", photo.id, "Moi-même", "tutor", identity=candidate),
        lambda: evidence.add_proof(ctx, candidate, "mate", "observation", "Pas à moi", item_id="rectec:C01",
                                   description="Texte"),
    ]
    for call in refused:
        with pytest.raises(AccessDenied):
            call()
    # a proof of another person's dossier cannot be endorsed through this person's record
    mate_proof = ctx.repo.add_evidence("mate", "observation", "Autre", item_id="rectec:C01", description="x")
    with pytest.raises(SecurityError) as caught:
        evidence.endorse(ctx, "own", mate_proof.id, "Témoin", "tutor", identity=accompanist)
    assert caught.value.code == "unknown_evidence"
    assert [r.title for r in ctx.repo.list_evidence("own")] == ["Mon poste"]


def test_follow_up_is_written_by_the_accompanist_only(ctx: Context) -> None:
    accompanist, candidate = who(ctx, "u-acc", "accompanist"), who(ctx, "u-cand", "candidate")
    done = followup.record_interview(ctx, accompanist, "own", "follow_up", dt.date.today(), "Point d'étape")
    assert done.status == "done"
    planned = ctx.repo.plan_followup("own", "follow_up", dt.date.today())
    with pytest.raises(AccessDenied):
        followup.hold_interview(ctx, candidate, planned.id, dt.date.today())
    with pytest.raises(AccessDenied):
        followup.record_interview(ctx, candidate, "own", "follow_up", dt.date.today())
    with pytest.raises(AccessDenied):
        followup.record_interview(ctx, accompanist, "mate", "follow_up", dt.date.today())
    held = followup.hold_interview(ctx, accompanist, planned.id, dt.date.today(), "Tenu")
    assert held.status == "done"
    assert [e.category for e in followup.timeline(ctx, "own", identity=candidate)].count("interview") == 2


def test_lists_of_people_per_role(ctx: Context) -> None:
    assert [p.id for p in accounts.visible_people(ctx, who(ctx, "u-cand", "candidate"))] == ["own"]
    assert [p.id for p in accounts.visible_people(ctx, who(ctx, "u-acc", "accompanist"))] == ["own"]
    assert sorted(p.id for p in accounts.visible_people(ctx, who(ctx, "u-admin", "admin"))) == ["mate", "own"]
    rows = caseload.caseload(ctx, who(ctx, "u-acc", "accompanist"))
    assert [r.person_id for r in rows] == ["own"]
    # the caseload read is logged per person
    assert audit.list_audit(ctx.repo, "u-admin", actor_id="u-acc")[0].record_kind == "caseload"


def test_trainer_sees_the_group_under_pseudonyms_unless_also_accompanist(ctx: Context, world) -> None:
    trainer = who(ctx, "u-trainer", "trainer")
    members = accounts.visible_people(ctx, trainer)
    assert sorted(p.id for p in members) == ["mate", "own"]
    assert all(p.display_name.startswith("P-") for p in members)
    assert "Personne" not in repr(members)
    assert audit.list_audit(ctx.repo, "u-admin", actor_id="u-trainer")[0].record_kind == "group"
    with pytest.raises(AccessDenied):
        accounts.require_person(ctx, trainer, "own")
    ctx.repo.grant_role("u-trainer", world["s"], "accompanist")
    ctx.repo.assign("u-trainer", "mate")
    names = {p.id: p.display_name for p in accounts.visible_people(ctx, who(ctx, "u-trainer", "trainer"))}
    assert names["mate"] == "Personne Voisine" and names["own"].startswith("P-")
    assert accounts.require_person(ctx, who(ctx, "u-trainer", "trainer"), "mate").id == "mate"


def test_the_role_signed_in_with_limits_what_counts(ctx: Context, world) -> None:
    # an admin who is also a candidate: as admin, no self-positioning on their own record
    ctx.repo.grant_role("u-admin", world["s"], "candidate")
    ctx.repo.create_user("cand-admin", "Candidat admin", person_id="mate", user_id="u-cand-admin")
    ctx.repo.grant_role("u-cand-admin", world["s"], "candidate")
    ctx.repo.grant_role("u-cand-admin", world["s"], "admin")
    as_admin, as_candidate = who(ctx, "u-cand-admin", "admin"), who(ctx, "u-cand-admin", "candidate")
    with pytest.raises(AccessDenied):
        positioning.record_self(ctx, as_admin, "mate", "rectec:C01", level=1)
    assert positioning.record_self(ctx, as_candidate, "mate", "rectec:C01", level=1).author_role == "self"
    with pytest.raises(AccessDenied):  # as a candidate, the structure's other records are closed
        accounts.require_person(ctx, as_candidate, "own")
    with pytest.raises(AuthError):
        who(ctx, "u-acc", "admin")  # a role the user does not hold


def test_services_refuse_when_nobody_is_signed_in_and_use_the_actor_of_the_run(ctx: Context) -> None:
    with pytest.raises(AccessDenied) as caught:
        positioning.comparison(ctx, "own", ["rectec:C01"])
    assert caught.value.code == "not_signed_in"
    run = ctx.as_actor(who(ctx, "u-acc", "accompanist"))
    assert positioning.comparison(run, "own", ["rectec:C01"])[0].item_id == "rectec:C01"
    with pytest.raises(AccessDenied):
        positioning.comparison(run, "mate", ["rectec:C01"])
    assert ctx.actor is None and run.repo is ctx.repo  # the copy acts; the context it came from does not
    with pytest.raises(AccessDenied) as caught:
        positioning.comparison(ctx, "own", ["rectec:C01"])
    assert caught.value.code == "not_signed_in"


def test_refusals_are_store_errors_shown_by_the_app() -> None:
    error = AccessDenied(code="access_denied", message="access_denied.structure")
    assert isinstance(error, StoreError)
    assert error.message("fr") == "Accès refusé : vous n'intervenez pas dans cette structure."


# -- sessions ------------------------------------------------------------------------------------------------

def test_password_sign_in_and_session_checks(ctx: Context, world, monkeypatch: pytest.MonkeyPatch) -> None:
    security_accounts.set_password(ctx.repo, "u-acc", PASSWORD)
    with pytest.raises(AuthError) as wrong:
        accounts.password_sign_in(ctx, "u-acc", PASSWORD + "x")
    with pytest.raises(AuthError) as unknown:
        accounts.password_sign_in(ctx, "personne", PASSWORD)
    assert wrong.value.message_fr == unknown.value.message_fr  # never says which one was wrong
    signed = accounts.password_sign_in(ctx, "u-acc", PASSWORD)
    assert [a.role for a in signed.accounts] == ["accompanist"]
    identity = accounts.identity_for(ctx, "u-acc", "accompanist")
    assert accounts.check_session(ctx, identity, signed.token) == identity
    # a token of another user, a forged role, a revoked role, an ended session: all refused
    assert accounts.check_session(ctx, who(ctx, "u-admin", "admin"), signed.token) is None
    assert accounts.check_session(ctx, Identity("u-acc", "x", "admin", (world["s"],)), signed.token) is None
    ctx.repo.grant_role("u-acc", world["s"], "trainer")
    assert accounts.check_session(ctx, who(ctx, "u-acc", "trainer"), signed.token) is not None
    ctx.repo.revoke_role("u-acc", world["s"], "trainer")
    assert accounts.check_session(ctx, Identity("u-acc", "x", "trainer", (world["s"],)), signed.token) is None
    accounts.sign_out(ctx, signed.token)
    assert accounts.check_session(ctx, identity, signed.token) is None
    # an expired session
    old = security_accounts.authenticate(ctx.repo, "u-acc", PASSWORD, now=utcnow() - dt.timedelta(hours=9))
    assert accounts.check_session(ctx, identity, old) is None
    # without a token: accepted (re-read from the database) in demo mode only
    assert accounts.check_session(ctx, identity, None) == identity
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "production")
    assert accounts.check_session(ctx, identity, None) is None


def test_several_roles_are_offered_after_a_password_and_no_role_is_refused(ctx: Context, world) -> None:
    ctx.repo.grant_role("u-trainer", world["s"], "accompanist")
    security_accounts.set_password(ctx.repo, "u-trainer", PASSWORD)
    signed = accounts.password_sign_in(ctx, "u-trainer", PASSWORD)
    assert [a.role for a in signed.accounts] == ["accompanist", "trainer"]
    ctx.repo.create_user("sans-role", "Sans rôle", user_id="u-none")
    security_accounts.set_password(ctx.repo, "u-none", PASSWORD)
    with pytest.raises(AuthError) as caught:
        accounts.password_sign_in(ctx, "sans-role", PASSWORD)
    assert caught.value.code == "no_role"


def test_demo_accounts_only_outside_production_and_never_with_a_password(ctx: Context, world,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx.repo.create_user("demo.julie", "Julie (démo)", user_id="u-demo")
    ctx.repo.grant_role("u-demo", world["s"], "trainer")
    ctx.repo.create_user("demo.pass", "Avec mot de passe", user_id="u-demo-pass")
    ctx.repo.grant_role("u-demo-pass", world["s"], "trainer")
    security_accounts.set_password(ctx.repo, "u-demo-pass", PASSWORD)
    assert [a.user_id for a in accounts.demo_accounts(ctx)] == ["u-demo"]  # not u-acc…: no demo. login
    identity, token = accounts.demo_session(ctx, "u-demo", "trainer")
    assert accounts.check_session(ctx, identity, token) == identity
    with pytest.raises(AuthError):
        accounts.demo_session(ctx, "u-demo-pass", "trainer")
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "production")
    assert accounts.demo_accounts(ctx) == []
    with pytest.raises(AuthError):
        accounts.demo_session(ctx, "u-demo", "trainer")


# -- administration ------------------------------------------------------------------------------------------

def test_admin_creates_accounts_with_a_checked_password(ctx: Context, world) -> None:
    guard = accounts.guard_for(ctx, who(ctx, "u-admin", "admin"))
    with pytest.raises(WeakPassword):
        guard.create_account("nouvelle", "Nouvelle", world["s"], "trainer", "azerty123")
    assert ctx.repo.find_user_by_login("nouvelle") is None  # nothing written
    created = guard.create_account("nouvelle", "Nouvelle", world["s"], "trainer", PASSWORD)
    assert ctx.repo.has_role(created.id, "trainer", world["s"])
    assert accounts.password_sign_in(ctx, "nouvelle", PASSWORD).accounts[0].role == "trainer"
    with pytest.raises(SecurityError) as caught:
        guard.create_account("cand2", "Cand", world["s"], "candidate", PASSWORD)
    assert caught.value.code == "candidate_needs_person"
    with pytest.raises(SecurityError) as caught:
        guard.create_account("cand2", "Cand", world["s"], "candidate", PASSWORD, person_id="own")
    assert caught.value.code == "person_has_account"
    with pytest.raises(SecurityError):
        guard.create_account("cand2", "Cand", world["s"], "candidate", PASSWORD, person_id="other")
    linked = guard.create_account("cand2", "Cand", world["s"], "candidate", PASSWORD, person_id="mate")
    assert linked.person_id == "mate"
    with pytest.raises(AccessDenied):
        guard.create_account("ailleurs", "Ailleurs", world["t"], "trainer", PASSWORD)


def test_admin_operations_are_refused_to_other_roles_and_logged(ctx: Context, world) -> None:
    for user, role in [("u-cand", "candidate"), ("u-acc", "accompanist"), ("u-trainer", "trainer")]:
        guard = accounts.guard_for(ctx, who(ctx, user, role))
        for call in (guard.list_users, guard.audit_entries, guard.audit_csv, guard.erasures,
                     lambda g=guard: g.set_retention_days(365),
                     lambda g=guard: g.create_account("x-" + user, "X", world["s"], "trainer", PASSWORD),
                     lambda g=guard: g.grant_role(user, world["s"], "admin"),
                     lambda g=guard: g.assign("u-acc", "mate"),
                     lambda g=guard: g.set_password("u-acc", PASSWORD),
                     lambda g=guard: g.export_person("mate"),
                     lambda g=guard: g.erase_person("mate")):
            with pytest.raises(AccessDenied):
                call()
    assert ctx.repo.find_person("mate") is not None
    assert not ctx.repo.has_role("u-cand", "admin")
    # an admin signed in as a non-admin role has no admin rights either
    ctx.repo.grant_role("u-admin", world["s"], "trainer")
    with pytest.raises(AccessDenied):
        accounts.guard_for(ctx, who(ctx, "u-admin", "trainer")).list_users()
    assert len(denied_entries(ctx.repo)) >= 33


def test_admin_assigns_grants_resets_and_reads_the_log(ctx: Context, world) -> None:
    guard = accounts.guard_for(ctx, who(ctx, "u-admin", "admin"))
    with pytest.raises(SecurityError):
        guard.assign("u-trainer", "mate")  # not an accompanist of the structure
    guard.assign("u-acc", "mate")
    assert ctx.repo.is_assigned("u-acc", "mate")
    guard.grant_role("u-trainer", world["s"], "accompanist")
    assert ctx.repo.has_role("u-trainer", "accompanist", world["s"])
    with pytest.raises(AccessDenied):
        guard.set_password("u-acc-t", PASSWORD)  # a user of another structure
    guard.set_password("u-acc", PASSWORD)
    assert accounts.password_sign_in(ctx, "u-acc", PASSWORD).token
    with pytest.raises(SecurityError):
        guard.revoke_role("u-admin", world["s"], "admin")
    entries = guard.audit_entries(action="change")
    assert {e.record_kind for e in entries} >= {"assignment", "user", "password"}
    text = guard.audit_csv(action="change")
    assert text.splitlines()[0].startswith("at,actor_id,action") and "Personne" not in text
    kinds = [(e.action, e.record_kind) for e in audit.list_audit(ctx.repo, "u-admin", actor_id="u-admin")[:2]]
    assert kinds == [("export", "audit_log"), ("read", "audit_log")]


def test_admin_exports_and_erases_a_person_with_a_record(ctx: Context, world) -> None:
    admin = who(ctx, "u-admin", "admin")
    positioning.record_self(ctx, who(ctx, "u-cand", "candidate"), "own", "rectec:C01", level=2)
    guard = accounts.guard_for(ctx, admin)
    data = guard.export_person("own")
    assert data["person"]["display_name"] == "Personne Propre" and len(data["positionings"]) == 1
    assert audit.list_audit(ctx.repo, "u-admin", action="export", person_id="own")
    assert accounts.guard_for(ctx, who(ctx, "u-cand", "candidate")).export_person("own")["person"]["id"] == "own"
    with pytest.raises(AccessDenied):
        guard.export_person("other")
    # Separation of duties: one admin asks, another admin of the structure confirms.
    with pytest.raises(AccessDenied):
        guard.erase_person("own")
    ctx.repo.create_user("u-admin2", "Deuxième admin", user_id="u-admin2")
    ctx.repo.grant_role("u-admin2", world["s"], "admin")
    accounts.guard_for(ctx, who(ctx, "u-admin2", "admin")).request_erasure("own")
    record = guard.erase_person("own")
    assert record.rows_deleted > 0 and ctx.repo.find_person("own") is None
    assert guard.erasures()[0].subject_ref == record.subject_ref
    with pytest.raises(AccessDenied):
        guard.erase_person("other")
    guard.set_retention_days(400)
    from competency_graph.security import rgpd

    assert rgpd.retention_days(ctx.repo) == 400
    with pytest.raises(SecurityError):
        guard.set_retention_days(5)


def test_group_records_for_a_trainer_are_pseudonymised_and_limited_to_their_structures(ctx: Context, world) -> None:
    positioning.record_co(ctx, who(ctx, "u-acc", "accompanist"), "own", "rectec:C01", level=3)
    guard = accounts.guard_for(ctx, who(ctx, "u-trainer", "trainer"))
    records = guard.group_records(["own", "mate"])
    assert {pid: r.display_name.startswith("P-") for pid, (r, _) in records.items()} == {"own": True, "mate": True}
    assert records["own"][1].items["rectec:C01"].accompanist.level == 3
    entry = audit.list_audit(ctx.repo, "u-admin", actor_id="u-trainer")[0]
    assert (entry.action, entry.record_kind, entry.structure_id) == ("read", "group", world["s"])
    with pytest.raises(AccessDenied):
        guard.group_records(["own", "other"])  # a person of a structure the trainer does not work in
    with pytest.raises(AccessDenied):
        accounts.guard_for(ctx, who(ctx, "u-cand", "candidate")).group_records(["own"])


def test_first_admin_from_the_command_line_has_a_checked_password(ctx: Context, world) -> None:
    with pytest.raises(WeakPassword):
        security_accounts.create_admin(ctx.repo, "chef", "Chef", world["t"], "chef12345678")
    assert ctx.repo.find_user_by_login("chef") is None
    admin = security_accounts.create_admin(ctx.repo, "chef", "Chef", world["t"], PASSWORD)
    assert ctx.repo.has_role(admin.id, "admin", world["t"])
    signed = accounts.password_sign_in(ctx, "chef", PASSWORD)
    assert [a.role for a in signed.accounts] == ["admin"]
    assert [p.id for p in accounts.visible_people(ctx, who(ctx, admin.id, "admin"))] == ["other"]


def test_single_sign_on_matches_the_verified_email_to_a_login_and_logs_no_address(ctx: Context, world) -> None:
    ctx.repo.create_user("Marie.Curie@Structure.example", "Marie", user_id="u-sso")
    ctx.repo.grant_role("u-sso", world["s"], "accompanist")
    signed = accounts.external_sign_in(ctx, "marie.curie@structure.example", email_verified=True)
    assert [a.role for a in signed.accounts] == ["accompanist"]
    assert security_accounts.session_user(ctx.repo, signed.token).id == "u-sso"
    for unknown in ("marie.curie@autre.example", "%", ""):
        with pytest.raises(AuthError) as caught:
            accounts.external_sign_in(ctx, unknown, email_verified=True)
        assert caught.value.code == "not_authorised"
    failed = [e for e in audit.list_audit(ctx.repo, "u-admin", action="sign_in") if e.outcome == "failed"]
    assert len(failed) == 3 and "autre.example" not in audit.audit_csv(ctx.repo, "u-admin")


def test_trainer_group_work_goes_through_the_guard(ctx: Context, world) -> None:
    from competency_graph.services import cohort

    positioning.record_co(ctx, who(ctx, "u-acc", "accompanist"), "own", "rectec:C01", level=1)
    trainer = who(ctx, "u-trainer", "trainer")
    labels = cohort.member_labels(ctx, trainer, ["own", "mate"])
    assert labels == {"own": "Personne A", "mate": "Personne B"}
    target, _links = cohort.course_links(ctx, trainer, ["own", "mate"], "rae:cuisinier")
    matrix = cohort.gap_matrix(ctx, trainer, ["own", "mate"], target)
    assert list(matrix.index) == ["own", "mate"]
    kinds = [(e.action, e.record_kind) for e in audit.list_audit(ctx.repo, "u-admin", actor_id="u-trainer")]
    assert kinds.count(("read", "group")) >= 3
    for call in (lambda: cohort.member_labels(ctx, trainer, ["own", "other"]),
                 lambda: cohort.course_links(ctx, trainer, ["other"], "rae:cuisinier"),
                 lambda: cohort.gap_matrix(ctx, trainer, ["other"], target)):
        with pytest.raises(AccessDenied):
            call()
    # also the person's accompanist: their name, not a pseudonym
    ctx.repo.grant_role("u-trainer", world["s"], "accompanist")
    ctx.repo.assign("u-trainer", "mate")
    assert cohort.member_labels(ctx, who(ctx, "u-trainer", "trainer"), ["own", "mate"])["mate"] == "Personne Voisine"


def test_no_demo_data_by_default_in_production_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from competency_graph.services.bootstrap import demo_enabled

    monkeypatch.delenv("COMPETENCY_GRAPH_DEMO", raising=False)
    monkeypatch.setenv("COMPETENCY_GRAPH_MODE", "production")
    assert demo_enabled() is False
    monkeypatch.setenv("COMPETENCY_GRAPH_DEMO", "1")  # an explicit request still works (a training session)
    assert demo_enabled() is True
    monkeypatch.delenv("COMPETENCY_GRAPH_DEMO")
    monkeypatch.delenv("COMPETENCY_GRAPH_MODE")
    assert demo_enabled() is True
