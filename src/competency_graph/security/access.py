"""Access rules on a person's record, enforced in the service layer by :class:`Guard`.

- candidate: only their own record (their user's ``person_id``); writes self-positionings and evidence;
- accompanist: only the candidates assigned to them, in a structure where they are accompanist;
- trainer: a structure's group data, pseudonymised and aggregated, unless also the person's accompanist;
- admin: manages users of their structures; may read a person's record there (logged), never writes it;
  exports (RGPD access) and erases a person; reads the audit log.

A guard built with the role the user signed in with only counts that role's memberships (``ROLE_SCOPE``).
Every decision on a person's record is written to the audit log, allowed or denied. The app's services build
one per call (``services.accounts.guard_for``); pages never reach the repository for a person's data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from ..store.positions import Positioning
from ..store.records import ContractRecord, EvidenceRecord, FollowUpRecord, PersonRecord, UserRecord
from ..store.repository import Repository
from . import accounts, audit, erasures, rgpd
from .errors import AccessDenied, SecurityError

__all__ = ["Guard", "ROLE_SCOPE", "pseudonymised"]

T = TypeVar("T")
_DENIED_READ = "Accès refusé : ce dossier ne fait pas partie de ceux que vous suivez."
_DENIED_WRITE = "Accès refusé : vous ne pouvez pas modifier ce dossier."
#: record kinds an admin of the person's structure never writes, whatever role they signed in with
_ADMIN_NEVER_WRITES = frozenset({"positioning", "copositioning"})


#: the memberships each role a user signs in with brings into play (a trainer who also follows some
#: people as their accompanist sees those people by name)
ROLE_SCOPE = {"candidate": frozenset({"candidate"}), "accompanist": frozenset({"accompanist"}),
              "trainer": frozenset({"trainer", "accompanist"}), "admin": frozenset({"admin"})}


class Guard:
    """What one signed-in user may do; every method checks, logs, then calls the repository.

    ``role``: the role the user signed in with; only the memberships of that role count (see
    :data:`ROLE_SCOPE`), and the user is ``self`` to their own record only as a candidate. None: every role.
    """

    def __init__(self, repo: Repository, user_id: str, role: str | None = None) -> None:
        if role is not None and role not in ROLE_SCOPE:
            raise ValueError(f"unknown role: {role}")
        self.repo = repo
        self.role = role
        self.user: UserRecord = repo.get_user(user_id)  # with its memberships, read in the same transaction
        if not self.user.active:
            raise AccessDenied("Compte désactivé.")
        roles: dict[str, set[str]] = {}
        for structure_id, held in self.user.roles:
            roles.setdefault(structure_id, set()).add(held)
        if role is not None:
            roles = {s: kept for s, held in roles.items() if (kept := held & ROLE_SCOPE[role])}
        self.roles = roles

    @property
    def user_id(self) -> str:
        return self.user.id

    def has(self, role: str, structure_id: str) -> bool:
        return role in self.roles.get(structure_id, set())

    # -- decisions ---------------------------------------------------------------------------------------

    def _relation(self, person: PersonRecord) -> str | None:
        """How the user relates to the person: self, accompanist, admin, or None."""
        if self.user.person_id == person.id and self.role in (None, "candidate"):
            return "self"
        if self.has("accompanist", person.structure_id) and self.repo.is_assigned(self.user_id, person.id):
            return "accompanist"
        if self.has("admin", person.structure_id):
            return "admin"
        return None

    def _person(self, person_id: str, action: str, kind: str) -> PersonRecord:
        person = self.repo.find_person(person_id)
        if person is None:
            audit.record(self.repo, self.user_id, action, kind, outcome="denied", person_id=person_id)
            raise AccessDenied(_DENIED_READ)
        return person

    def _deny(self, person: PersonRecord, action: str, kind: str, message: str) -> AccessDenied:
        audit.record(self.repo, self.user_id, action, kind, outcome="denied", person_id=person.id,
                     structure_id=person.structure_id)
        return AccessDenied(message)

    def _reading(self, person_id: str, kind: str, fn: Callable[[], T]) -> T:
        person = self._person(person_id, "read", kind)
        if self._relation(person) is None:
            raise self._deny(person, "read", kind, _DENIED_READ)
        result = fn()
        audit.record(self.repo, self.user_id, "read", kind, person_id=person.id, structure_id=person.structure_id)
        return result

    def _writing(self, person_id: str, kind: str, fn: Callable[[str], T], *,
                 roles: tuple[str, ...] = ("self", "accompanist"), action: str = "create") -> T:
        """Run ``fn(author_role)`` and its audit entry in one transaction when the user may write."""
        person = self._person(person_id, action, kind)
        relation = self._relation(person)
        if relation not in roles:
            raise self._deny(person, action, kind, _DENIED_WRITE)
        if kind in _ADMIN_NEVER_WRITES and relation != "self" and self.repo.has_role(
                self.user_id, "admin", person.structure_id):
            # Separation of duties: whoever administers the structure never positions its people, whatever
            # role they signed in with (an admin who also holds the accompanist role there included).
            raise self._deny(person, action, kind,
                             "Accès refusé : un administrateur de la structure ne positionne pas ses personnes.")
        role = relation

        def both(_repo: Repository) -> T:
            result = fn(role)
            audit.record(self.repo, self.user_id, action, kind, person_id=person.id,
                         structure_id=person.structure_id)
            return result
        return self.repo.transaction(both)

    # -- building blocks for the services ----------------------------------------------------------------

    def relation(self, person_id: str) -> str | None:
        """``self``, ``accompanist``, ``admin`` or None (not logged: for choosing what to show)."""
        person = self.repo.find_person(person_id)
        return self._relation(person) if person is not None else None

    def reading(self, person_id: str, kind: str, fn: Callable[[], T]) -> T:
        """``fn()`` when the user may read the person's record; the decision is logged either way."""
        return self._reading(person_id, kind, fn)

    def writing(self, person_id: str, kind: str, fn: Callable[[str], T], *,
                roles: tuple[str, ...] = ("self", "accompanist"), action: str = "create") -> T:
        """``fn(relation)`` in one transaction with its audit entry when the user relates to the person as
        one of ``roles``; a logged refusal otherwise."""
        if action not in ("create", "change"):
            raise ValueError(f"not a write action: {action}")
        return self._writing(person_id, kind, fn, roles=roles, action=action)

    # -- reads -------------------------------------------------------------------------------------------

    def may_read(self, person_id: str) -> bool:
        """The decision alone (not logged; for hiding links in the UI, never as the only check)."""
        person = self.repo.find_person(person_id)
        return person is not None and self._relation(person) is not None

    def read_person(self, person_id: str) -> PersonRecord:
        return self._reading(person_id, "person", lambda: self.repo.get_person(person_id))

    def history(self, person_id: str, **kwargs: Any) -> list[Positioning]:
        return self._reading(person_id, "positioning", lambda: self.repo.history(person_id, **kwargs))

    def current_view(self, person_id: str, **kwargs: Any) -> Any:
        return self._reading(person_id, "positioning", lambda: self.repo.current_view(person_id, **kwargs))

    def list_evidence(self, person_id: str, **kwargs: Any) -> list[EvidenceRecord]:
        return self._reading(person_id, "evidence", lambda: self.repo.list_evidence(person_id, **kwargs))

    def evidence_file(self, evidence_id: str) -> tuple[bytes, str]:
        """The content and media type of a proof's file, when the user may read its owner's record."""
        person_id = self.repo.evidence_owner(evidence_id)
        if person_id is None:
            audit.record(self.repo, self.user_id, "read", "evidence_file", outcome="denied", record_id=None)
            raise AccessDenied(_DENIED_READ)
        return self._reading(person_id, "evidence_file", lambda: self.repo.evidence_file(evidence_id))

    def list_followups(self, person_id: str, **kwargs: Any) -> list[FollowUpRecord]:
        return self._reading(person_id, "followup", lambda: self.repo.list_followups(person_id, **kwargs))

    def list_contracts(self, person_id: str) -> list[ContractRecord]:
        return self._reading(person_id, "contract", lambda: self.repo.list_contracts(person_id))

    def people(self) -> list[PersonRecord]:
        """The records this user may open: their own, their assigned candidates, their structures' (admin)."""
        result: dict[str, PersonRecord] = {}
        if self.user.person_id and self.role in (None, "candidate"):
            own = self.repo.find_person(self.user.person_id)
            if own is not None:
                result[own.id] = own
        for person in self.repo.candidates_of(self.user_id):
            if self.has("accompanist", person.structure_id):
                result[person.id] = person
        for structure_id, roles in self.roles.items():
            if "admin" in roles:
                result.update({p.id: p for p in self.repo.list_people(structure_id)})
        return sorted(result.values(), key=lambda p: p.display_name)

    def _require_group(self, structure_id: str) -> None:
        roles = self.roles.get(structure_id, set())
        if not roles & {"trainer", "accompanist", "admin"}:
            audit.record(self.repo, self.user_id, "read", "group", outcome="denied", record_id=structure_id,
                         structure_id=structure_id)
            raise AccessDenied("Accès refusé : vous n'intervenez pas dans cette structure.")

    def group_members(self, structure_id: str) -> list[PersonRecord]:
        """The people of a structure for group work (trainers): each record under a pseudonym
        (``P-…``) unless the user is that person's accompanist; logged as a group read."""
        self._require_group(structure_id)
        members = []
        for person in self.repo.list_people(structure_id):
            if self._relation(person) == "accompanist":
                members.append(person)
            else:
                members.append(pseudonymised(self.repo, person))
        audit.record(self.repo, self.user_id, "read", "group", record_id=structure_id, structure_id=structure_id)
        return sorted(members, key=lambda p: p.display_name)

    def group_records(self, person_ids: list[str], *, as_of: dt.datetime | dt.date | None = None
                      ) -> dict[str, tuple[PersonRecord, Any]]:
        """Record and current positions of each person of a group, for group work (a trainer's gaps and
        course links): every person must belong to a structure where the user is trainer, accompanist or
        admin; names are pseudonymised as in :meth:`group_members`. One group read is logged per structure."""
        people = [self._person(pid, "read", "group") for pid in person_ids]
        for structure_id in sorted({p.structure_id for p in people}):
            self._require_group(structure_id)
        result: dict[str, tuple[PersonRecord, Any]] = {}
        for person in people:
            shown = person if self._relation(person) == "accompanist" else pseudonymised(self.repo, person)
            result[person.id] = (shown, self.repo.current_view(person.id, as_of=as_of))
        for structure_id in sorted({p.structure_id for p in people}):
            audit.record(self.repo, self.user_id, "read", "group", record_id=structure_id, structure_id=structure_id)
        return result

    def group_view(self, structure_id: str) -> dict[str, Any]:
        """A structure's positionings for trainers, accompanists and admins: each person under a pseudonym
        (their name only when the user is their accompanist), and per item how many are at each level/state."""
        self._require_group(structure_id)
        views = self.repo.structure_views(structure_id)
        people = {p.id: p for p in self.repo.list_people(structure_id)}
        members: list[dict[str, Any]] = []
        per_item: dict[str, Counter[str]] = {}
        for person_id, view in views.items():
            person = people.get(person_id)
            named = person is not None and self._relation(person) in ("accompanist",)
            positions: dict[str, Any] = {}
            for item in view.items.values():
                # The accompanist's reading when there is one, else the person's own; never comments.
                chosen = item.accompanist or item.self_
                if chosen is not None:
                    positions[item.item_id] = chosen.value
            members.append({"ref": "P-" + audit.pseudonym(self.repo, person_id)[:8],
                            "name": person.display_name if named and person else None,
                            "positions": positions})
            for item_id, value in positions.items():
                per_item.setdefault(item_id, Counter())[str(value)] += 1
        members.sort(key=lambda m: m["ref"])
        audit.record(self.repo, self.user_id, "read", "group", record_id=structure_id, structure_id=structure_id)
        return {"structure_id": structure_id, "people": members,
                "items": {k: dict(v) for k, v in sorted(per_item.items())}, "count": len(members)}

    # -- writes ------------------------------------------------------------------------------------------

    def record_positioning(self, person_id: str, item_id: str, *, as_role: str | None = None,
                           **kwargs: Any) -> Positioning:
        """A positioning by this user: ``self`` for the candidate, ``accompanist`` for their accompanist.
        ``as_role`` (``self`` or ``accompanist``) refuses the write when the user is not that to the person."""
        if "role" in kwargs or "author_id" in kwargs:
            raise TypeError("role and author come from the signed-in user")
        roles = (as_role,) if as_role is not None else ("self", "accompanist")
        return self._writing(person_id, "positioning", lambda role: self.repo.record_positioning(
            person_id, item_id, role=role, author_id=self.user_id, **kwargs), roles=roles)

    def add_evidence(self, person_id: str, kind: str, title: str, **kwargs: Any) -> EvidenceRecord:
        """A proof by the person or their accompanist. The store reads an uploaded stream once (so this is
        not an outer transaction that could be retried); the audit entry is written inside the store's own
        transaction (``also``), so that a proof is never stored without its entry, nor the reverse."""
        if "author_id" in kwargs or "also" in kwargs:
            raise TypeError("the author comes from the signed-in user")
        person = self._person(person_id, "create", "evidence")
        if self._relation(person) not in ("self", "accompanist"):
            raise self._deny(person, "create", "evidence", _DENIED_WRITE)
        return self.repo.add_evidence(person_id, kind, title, author_id=self.user_id, also=lambda: audit.record(
            self.repo, self.user_id, "create", "evidence", person_id=person.id, structure_id=person.structure_id),
            **kwargs)

    def endorse(self, person_id: str, evidence_id: str, endorser_name: str, relation: str, **kwargs: Any) -> None:
        """A witness's word on one of the person's proofs (their accompanist records it)."""
        def write(_role: str) -> None:
            owner = self.repo.evidence_owner(evidence_id)
            if owner != person_id:
                raise SecurityError("unknown_evidence", "Cette preuve n'est pas dans le dossier de cette personne.",
                                    "This proof is not in this person's dossier.")
            self.repo.endorse(evidence_id, endorser_name, relation, **kwargs)
        self._writing(person_id, "endorsement", write, roles=("accompanist",))

    def record_followup(self, person_id: str, kind: str, held_on: dt.date, **kwargs: Any) -> FollowUpRecord:
        """An interview held with the person (their accompanist records it)."""
        return self._writing(person_id, "followup", lambda _role: self.repo.record_followup(
            person_id, kind, held_on, **kwargs), roles=("accompanist",))

    def hold_followup(self, followup_id: str, **kwargs: Any) -> FollowUpRecord:
        """Mark a planned interview as held (the person's accompanist)."""
        person_id = self.repo.followup_owner(followup_id)
        if person_id is None:
            audit.record(self.repo, self.user_id, "change", "followup", outcome="denied")
            raise AccessDenied(_DENIED_WRITE)
        return self._writing(person_id, "followup", lambda _role: self.repo.hold_followup(followup_id, **kwargs),
                             roles=("accompanist",), action="change")

    # -- administration ----------------------------------------------------------------------------------

    @property
    def admin_structures(self) -> tuple[str, ...]:
        """The structures this user administers."""
        return tuple(sorted(s for s, roles in self.roles.items() if "admin" in roles))

    def _require_admin(self, structure_id: str | None, kind: str = "user", action: str = "change") -> None:
        allowed = bool(self.admin_structures) if structure_id is None else self.has("admin", structure_id)
        if not allowed:
            audit.record(self.repo, self.user_id, action, kind, outcome="denied", structure_id=structure_id)
            raise AccessDenied("Accès refusé : réservé aux administrateurs.")

    def manages(self, user: UserRecord) -> bool:
        """Whether this admin may act on ``user``'s account: **every** role of the user lies in a structure
        this admin administers (an admin of A cannot reset the password of someone who is also admin, or
        anything else, in B), and the user is not the admin themself."""
        managed = set(self.admin_structures)
        return user.id != self.user_id and bool(user.roles) and all(s in managed for s, _ in user.roles)

    def _require_manages(self, user_id: str, kind: str) -> UserRecord:
        target = self.repo.get_user(user_id)
        if not self.manages(target):
            audit.record(self.repo, self.user_id, "change", kind, outcome="denied", record_id=user_id)
            raise AccessDenied("Accès refusé : ce compte a aussi des rôles dans une structure que vous "
                               "n'administrez pas (ou c'est le vôtre).", code="not_managed")
        return target

    def list_users(self) -> list[UserRecord]:
        """The accounts holding a role in a structure this user administers, each showing only its roles in
        those structures (roles elsewhere are not this admin's business); logged."""
        self._require_admin(None, "user", "read")
        managed = set(self.admin_structures)
        users = [dataclasses.replace(u, roles=tuple((s, r) for s, r in u.roles if s in managed))
                 for u in self.repo.list_users() if any(s in managed for s, _ in u.roles)]
        audit.record(self.repo, self.user_id, "read", "user")
        return users

    def create_account(self, login: str, display_name: str, structure_id: str, role: str, password: str, *,
                       person_id: str | None = None) -> UserRecord:
        """Create a user with one role and an initial password (checked first: nothing is written when it is
        refused). A candidate's account is linked to an existing record of the structure with no account."""
        self._require_admin(structure_id)
        accounts.check_password(password, login)
        if role == "candidate":
            person = self.repo.find_person(person_id or "")
            if person is None or person.structure_id != structure_id:
                raise SecurityError("candidate_needs_person",
                                    "Un compte candidat se rattache à une personne de la structure.",
                                    "A candidate account needs a person of the structure.")
            if any(u.person_id == person.id for u in self.repo.list_users()):
                raise SecurityError("person_has_account", "Cette personne a déjà un compte.",
                                    "This person already has an account.")
        elif person_id is not None:
            raise SecurityError("person_only_for_candidates", "Seul un compte candidat se rattache à une personne.",
                                "Only a candidate account is linked to a person.")

        def both(repo: Repository) -> UserRecord:
            user = repo.create_user(login, display_name, person_id=person_id)
            repo.grant_role(user.id, structure_id, role)
            audit.record(repo, self.user_id, "create", "user", record_id=user.id, structure_id=structure_id)
            accounts.set_password(repo, user.id, password, by_user_id=self.user_id)
            return repo.get_user(user.id)
        return self.repo.transaction(both)

    def set_password(self, user_id: str, password: str) -> None:
        """Reset the password of a user of a structure this user administers (their sessions end)."""
        self._require_manages(user_id, "password")
        accounts.set_password(self.repo, user_id, password, by_user_id=self.user_id)  # changed at next sign-in

    def create_user(self, login: str, display_name: str, structure_id: str, role: str, **kwargs: Any
                    ) -> UserRecord:
        """Create an account with one role in a structure the admin manages."""
        self._require_admin(structure_id)

        def both(repo: Repository) -> UserRecord:
            user = repo.create_user(login, display_name, **kwargs)
            repo.grant_role(user.id, structure_id, role)
            audit.record(repo, self.user_id, "create", "user", record_id=user.id, structure_id=structure_id)
            return user
        return self.repo.transaction(both)

    def grant_role(self, user_id: str, structure_id: str, role: str) -> UserRecord:
        """Give a role in a structure this admin administers to a user whose every role already lies in the
        structures they administer; never to themself (separation of duties: an admin who made themself
        accompanist could write co-positionings)."""
        self._require_admin(structure_id)
        self._require_manages(user_id, "user")

        def both(repo: Repository) -> UserRecord:
            user = repo.grant_role(user_id, structure_id, role)
            audit.record(repo, self.user_id, "change", "user", record_id=user_id, structure_id=structure_id)
            return user
        return self.repo.transaction(both)

    def revoke_role(self, user_id: str, structure_id: str, role: str) -> UserRecord:
        self._require_admin(structure_id)
        if user_id == self.user_id and role == "admin":
            raise SecurityError("own_admin_role", "Vous ne pouvez pas retirer votre propre rôle d'administrateur.",
                                "Admins cannot revoke their own admin role.")
        if user_id != self.user_id:
            self._require_manages(user_id, "user")

        def both(repo: Repository) -> UserRecord:
            user = repo.revoke_role(user_id, structure_id, role)
            audit.record(repo, self.user_id, "change", "user", record_id=user_id, structure_id=structure_id)
            return user
        return self.repo.transaction(both)

    def assign(self, accompanist_id: str, person_id: str, *, since: dt.date | None = None) -> None:
        """Make ``accompanist_id`` (an accompanist of the person's structure) follow the person."""
        person = self._person(person_id, "change", "assignment")
        if not self.has("admin", person.structure_id):
            raise self._deny(person, "change", "assignment", "Accès refusé : réservé aux administrateurs.")
        if not self.repo.has_role(accompanist_id, "accompanist", person.structure_id):
            raise SecurityError("not_an_accompanist",
                                "Cette personne n'est pas accompagnateur·rice dans la structure du candidat.",
                                "This user is not an accompanist of the candidate's structure.")

        def both(repo: Repository) -> None:
            repo.assign(accompanist_id, person_id, since=since)
            audit.record(repo, self.user_id, "change", "assignment", person_id=person_id,
                         structure_id=person.structure_id)
        self.repo.transaction(both)

    def export_person(self, person_id: str) -> dict[str, Any]:
        """Everything about a person (RGPD right of access), for an admin of their structure or the person
        themselves; logged as an export."""
        person = self._person(person_id, "export", "person")
        if self._relation(person) not in ("self", "admin"):
            raise self._deny(person, "export", "person", "Accès refusé : réservé aux administrateurs.")
        data = rgpd.export_person(self.repo, person_id)
        audit.record(self.repo, self.user_id, "export", "person", person_id=person_id,
                     structure_id=person.structure_id)
        return data

    def request_erasure(self, person_id: str) -> None:
        """Ask for a person's erasure (admins of their structure); a second admin confirms it with
        :meth:`erase_person`."""
        person = self._person(person_id, "erase", "erasure_request")
        if not self.has("admin", person.structure_id):
            raise self._deny(person, "erase", "erasure_request", "Accès refusé : réservé aux administrateurs.")
        erasures.request(self.repo, person_id, person.structure_id, self.user_id)
        audit.record(self.repo, self.user_id, "create", "erasure_request", person_id=person_id,
                     structure_id=person.structure_id)

    def pending_erasures(self) -> list[erasures.PendingErasure]:
        """Erasures asked in the structures this admin administers, waiting for a second admin."""
        self._require_admin(None, "erasure_request", "read")
        return erasures.pending(self.repo, self.admin_structures)

    def erase_person(self, person_id: str) -> rgpd.ErasureRecord:
        """Erase a person and their files (RGPD right to erasure): an admin of their structure confirms the
        request of **another** admin of that structure (separation of duties: one admin alone cannot make a
        record disappear)."""
        person = self._person(person_id, "erase", "person")
        if not self.has("admin", person.structure_id):
            raise self._deny(person, "erase", "person", "Accès refusé : réservé aux administrateurs.")
        asked_by = {p.requested_by for p in erasures.pending(self.repo, (person.structure_id,))
                    if p.person_id == person_id and p.requested_by != self.user_id
                    and self.repo.has_role(p.requested_by, "admin", person.structure_id)}
        if not asked_by:
            raise self._deny(person, "erase", "person",
                             "Effacement refusé : il doit être demandé par un autre administrateur de la "
                             "structure, puis confirmé par vous.")
        return rgpd.erase_person(self.repo, person_id, self.user_id)

    def erasures(self) -> list[rgpd.ErasureRecord]:
        """The erasure log (pseudonyms only), newest first."""
        self._require_admin(None, "erasure", "read")
        return rgpd.list_erasures(self.repo)

    def set_retention_days(self, days: int) -> None:
        self._require_admin(None, "setting")
        rgpd.set_retention_days(self.repo, days, by_user_id=self.user_id)

    def audit_entries(self, **filters: Any) -> list[audit.AuditRecord]:
        """The audit log for an admin, filtered (see :func:`audit.list_audit`)."""
        self._require_admin(None, "audit_log", "read")
        entries = audit.list_audit(self.repo, self.user_id, **filters)
        audit.record(self.repo, self.user_id, "read", "audit_log")
        return entries

    def audit_csv(self, **filters: Any) -> str:
        self._require_admin(None, "audit_log", "export")
        text = audit.audit_csv(self.repo, self.user_id, **filters)
        audit.record(self.repo, self.user_id, "export", "audit_log")
        return text


def pseudonymised(repo: Repository, person: PersonRecord) -> PersonRecord:
    """The record with its name replaced by the keyed pseudonym ``P-xxxxxxxx`` (as in group views)."""
    return dataclasses.replace(person, display_name="P-" + audit.pseudonym(repo, person.id)[:8])
