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

from ..store.access_facts import PersonAccess
from ..store.positions import Positioning
from ..store.records import ContractRecord, EvidenceRecord, FollowUpRecord, PersonRecord, UserRecord
from ..store.repository import Repository
from . import audit
from .access_admin import Administration
from .errors import AccessDenied, SecurityError

__all__ = ["Guard", "ROLE_SCOPE", "pseudonymised"]

T = TypeVar("T")
#: record kinds an admin of the person's structure never writes, whatever role they signed in with
_ADMIN_NEVER_WRITES = frozenset({"positioning", "copositioning"})


#: the memberships each role a user signs in with brings into play (a trainer who also follows some
#: people as their accompanist sees those people by name)
ROLE_SCOPE = {"candidate": frozenset({"candidate"}), "accompanist": frozenset({"accompanist"}),
              "trainer": frozenset({"trainer", "accompanist"}), "admin": frozenset({"admin"})}


class Guard(Administration):
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
            raise AccessDenied(code="access_denied", message="access_denied.inactive")
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
            raise AccessDenied(code="access_denied", message="access_denied.read")
        return person

    def _deny(self, person: PersonRecord, action: str, kind: str, *, message: str) -> AccessDenied:
        audit.record(self.repo, self.user_id, action, kind, outcome="denied", person_id=person.id,
                     structure_id=person.structure_id)
        return AccessDenied(code="access_denied", message=message)

    def _reading(self, person_id: str, kind: str, fn: Callable[[], T]) -> T:
        person = self._person(person_id, "read", kind)
        if self._relation(person) is None:
            raise self._deny(person, "read", kind, message="access_denied.read")
        result = fn()
        audit.record(self.repo, self.user_id, "read", kind, person_id=person.id, structure_id=person.structure_id)
        return result

    def _relation_to(self, access: PersonAccess) -> str | None:
        """:meth:`_relation` from the access facts read in the write's transaction (same rules)."""
        if self.user.person_id == access.person_id and self.role in (None, "candidate"):
            return "self"
        if self.has("accompanist", access.structure_id) and access.assigned:
            return "accompanist"
        if self.has("admin", access.structure_id):
            return "admin"
        return None

    def _refusal(self, access: PersonAccess | None, kind: str, roles: tuple[str, ...]) -> AccessDenied | None:
        """The refusal of a write, or None when ``kind`` may be written (relation in ``roles``)."""
        if access is None:
            return AccessDenied(code="access_denied", message="access_denied.read")
        relation = self._relation_to(access)
        if relation not in roles:
            return AccessDenied(code="access_denied", message="access_denied.write")
        if kind in _ADMIN_NEVER_WRITES and relation != "self" and access.admin_here:
            # Separation of duties: whoever administers the structure never positions its people, whatever
            # role they signed in with (an admin who also holds the accompanist role there included).
            return AccessDenied(code="access_denied", message="access_denied.admin_never_positions")
        return None

    def _writing(self, person_id: str, kind: str, fn: Callable[[str], T], *,
                 roles: tuple[str, ...] = ("self", "accompanist"), action: str = "create") -> T:
        """Decide, run ``fn(author_role)`` and append the audit entry in ONE write transaction: the access facts
        are read by one query inside it (``store.access_facts``), so the decision and the write see the same
        data. A refusal commits its ``denied`` entry in that transaction and raises :class:`AccessDenied`."""
        refused: list[AccessDenied] = []

        def decide_and_write(_repo: Repository) -> T | None:
            refused.clear()  # the transaction may be run again when the database was busy
            access = self.repo.person_access(self.user_id, person_id)
            refusal = self._refusal(access, kind, roles)
            if refusal is not None:
                audit.record(self.repo, self.user_id, action, kind, outcome="denied", person_id=person_id,
                             structure_id=access.structure_id if access is not None else None)
                refused.append(refusal)
                return None
            assert access is not None
            result = fn(self._relation_to(access) or "")
            audit.record(self.repo, self.user_id, action, kind, person_id=person_id,
                         structure_id=access.structure_id)
            return result

        result = self.repo.transaction(decide_and_write)
        if refused:
            raise refused[0]
        return result  # type: ignore[return-value]

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

    def writing_set(self, person_ids: list[str], kind: str, fn: Callable[[dict[str, str]], T], *,
                    roles: tuple[str, ...] = ("self", "accompanist"), action: str = "create"
                    ) -> tuple[T | None, dict[str, AccessDenied]]:
        """The batched :meth:`writing`: ONE write transaction decides for every person (one query), runs
        ``fn({person: relation})`` for those the user may write and appends ONE audit entry naming them (and one
        ``denied`` entry naming the others). Returns ``(fn's result, {refused person: AccessDenied})``; ``fn`` is
        not called when every person is refused. A ``StoreError`` raised by ``fn`` writes nothing at all."""
        if action not in ("create", "change"):
            raise ValueError(f"not a write action: {action}")
        ids = list(dict.fromkeys(person_ids))
        refused: dict[str, AccessDenied] = {}

        def decide_and_write(_repo: Repository) -> T | None:
            refused.clear()
            facts = self.repo.people_access(self.user_id, ids)
            allowed: dict[str, str] = {}
            for pid in ids:
                refusal = self._refusal(facts.get(pid), kind, roles)
                if refusal is None:
                    allowed[pid] = self._relation_to(facts[pid]) or ""
                else:
                    refused[pid] = refusal
            if refused:
                audit.record_set(self.repo, self.user_id, action, kind, list(refused), outcome="denied")
            if not allowed:
                return None
            result = fn(allowed)
            structures = {facts[p].structure_id for p in allowed}
            audit.record_set(self.repo, self.user_id, action, kind, list(allowed),
                             structure_id=structures.pop() if len(structures) == 1 else None)
            return result

        return self.repo.transaction(decide_and_write), dict(refused)

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
            raise AccessDenied(code="access_denied", message="access_denied.read")
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
            raise AccessDenied(code="access_denied", message="access_denied.structure")

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
            raise self._deny(person, "create", "evidence", message="access_denied.write")
        return self.repo.add_evidence(person_id, kind, title, author_id=self.user_id, also=lambda: audit.record(
            self.repo, self.user_id, "create", "evidence", person_id=person.id, structure_id=person.structure_id),
            **kwargs)

    def endorse(self, person_id: str, evidence_id: str, endorser_name: str, relation: str, **kwargs: Any) -> None:
        """A witness's word on one of the person's proofs (their accompanist records it)."""
        def write(_role: str) -> None:
            owner = self.repo.evidence_owner(evidence_id)
            if owner != person_id:
                raise SecurityError(code="unknown_evidence", message="unknown_evidence.not_in_record")
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
            raise AccessDenied(code="access_denied", message="access_denied.write")
        return self._writing(person_id, "followup", lambda _role: self.repo.hold_followup(followup_id, **kwargs),
                             roles=("accompanist",), action="change")


def pseudonymised(repo: Repository, person: PersonRecord) -> PersonRecord:
    """The record with its name replaced by the keyed pseudonym ``P-xxxxxxxx`` (as in group views)."""
    return dataclasses.replace(person, display_name="P-" + audit.pseudonym(repo, person.id)[:8])
