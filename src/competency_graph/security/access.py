"""Access rules on a person's record, enforced in the service layer by :class:`Guard`.

- candidate: only their own record (their user's ``person_id``); writes self-positionings and evidence;
- accompanist: only the candidates assigned to them, in a structure where they are accompanist;
- trainer: a structure's group data, pseudonymised and aggregated, unless also the person's accompanist;
- admin: manages users of their structures; may read a person's record there (logged), never writes it.

Every decision on a person's record is written to the audit log, allowed or denied.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Membership
from ..store.positions import Positioning
from ..store.records import EvidenceRecord, PersonRecord, UserRecord
from ..store.repository import Repository
from . import audit
from .errors import AccessDenied

__all__ = ["Guard"]

T = TypeVar("T")
_DENIED_READ = "Accès refusé : ce dossier ne fait pas partie de ceux que vous suivez."
_DENIED_WRITE = "Accès refusé : vous ne pouvez pas modifier ce dossier."


class Guard:
    """What one signed-in user may do; every method checks, logs, then calls the repository."""

    def __init__(self, repo: Repository, user_id: str) -> None:
        self.repo = repo
        self.user: UserRecord = repo.get_user(user_id)
        if not self.user.active:
            raise AccessDenied("Compte désactivé.")

        def read(s: Session) -> dict[str, set[str]]:
            roles: dict[str, set[str]] = {}
            for structure_id, role in s.execute(select(Membership.structure_id, Membership.role)
                                                .where(Membership.user_id == user_id)):
                roles.setdefault(structure_id, set()).add(role)
            return roles
        self.roles = repo._run(read, write=False)

    @property
    def user_id(self) -> str:
        return self.user.id

    def has(self, role: str, structure_id: str) -> bool:
        return role in self.roles.get(structure_id, set())

    # -- decisions ---------------------------------------------------------------------------------------

    def _relation(self, person: PersonRecord) -> str | None:
        """How the user relates to the person: self, accompanist, admin, or None."""
        if self.user.person_id == person.id:
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

    def _writing(self, person_id: str, kind: str, fn: Callable[[str], T]) -> T:
        """Run ``fn(author_role)`` and its audit entry in one transaction when the user may write."""
        person = self._person(person_id, "create", kind)
        relation = self._relation(person)
        if relation not in ("self", "accompanist"):
            raise self._deny(person, "create", kind, _DENIED_WRITE)
        role = relation

        def both(_repo: Repository) -> T:
            result = fn(role)
            audit.record(self.repo, self.user_id, "create", kind, person_id=person.id,
                         structure_id=person.structure_id)
            return result
        return self.repo.transaction(both)

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

    def people(self) -> list[PersonRecord]:
        """The records this user may open: their own, their assigned candidates, their structures' (admin)."""
        result: dict[str, PersonRecord] = {}
        if self.user.person_id:
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

    def group_view(self, structure_id: str) -> dict[str, Any]:
        """A structure's positionings for trainers, accompanists and admins: each person under a pseudonym
        (their name only when the user is their accompanist), and per item how many are at each level/state."""
        roles = self.roles.get(structure_id, set())
        if not roles & {"trainer", "accompanist", "admin"}:
            audit.record(self.repo, self.user_id, "read", "group", outcome="denied", record_id=structure_id,
                         structure_id=structure_id)
            raise AccessDenied("Accès refusé : vous n'intervenez pas dans cette structure.")
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

    def record_positioning(self, person_id: str, item_id: str, **kwargs: Any) -> Positioning:
        """A positioning by this user: ``self`` for the candidate, ``accompanist`` for their accompanist."""
        if "role" in kwargs or "author_id" in kwargs:
            raise TypeError("role and author come from the signed-in user")
        return self._writing(person_id, "positioning", lambda role: self.repo.record_positioning(
            person_id, item_id, role=role, author_id=self.user_id, **kwargs))

    def add_evidence(self, person_id: str, kind: str, title: str, **kwargs: Any) -> EvidenceRecord:
        if "author_id" in kwargs:
            raise TypeError("the author comes from the signed-in user")
        return self._writing(person_id, "evidence", lambda _role: self.repo.add_evidence(
            person_id, kind, title, author_id=self.user_id, **kwargs))

    # -- administration ----------------------------------------------------------------------------------

    def _require_admin(self, structure_id: str | None) -> None:
        allowed = any("admin" in r for r in self.roles.values()) if structure_id is None \
            else self.has("admin", structure_id)
        if not allowed:
            audit.record(self.repo, self.user_id, "change", "user", outcome="denied", structure_id=structure_id)
            raise AccessDenied("Accès refusé : réservé aux administrateurs.")

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
        self._require_admin(structure_id)

        def both(repo: Repository) -> UserRecord:
            user = repo.grant_role(user_id, structure_id, role)
            audit.record(repo, self.user_id, "change", "user", record_id=user_id, structure_id=structure_id)
            return user
        return self.repo.transaction(both)

    def assign(self, accompanist_id: str, person_id: str, *, since: dt.date | None = None) -> None:
        person = self._person(person_id, "change", "assignment")
        if not self.has("admin", person.structure_id):
            raise self._deny(person, "change", "assignment", "Accès refusé : réservé aux administrateurs.")

        def both(repo: Repository) -> None:
            repo.assign(accompanist_id, person_id, since=since)
            audit.record(repo, self.user_id, "change", "assignment", person_id=person_id,
                         structure_id=person.structure_id)
        self.repo.transaction(both)
