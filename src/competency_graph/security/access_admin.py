"""The administration part of :class:`~competency_graph.security.access.Guard`: accounts and roles of the
structures a user administers, assignments, RGPD (export, erasure, retention) and the audit log.

Every method checks that the user administers the structure concerned, logs the decision, then acts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from ..store.records import UserRecord
from . import accounts, audit, erasures, rgpd
from .errors import AccessDenied, SecurityError

if TYPE_CHECKING:
    from ..store.repository import Repository

__all__ = ["Administration"]


class Administration:
    """Mixed into :class:`Guard`: ``repo``, ``user``, ``roles`` and the decision helpers come from there."""

    repo: Repository
    user: UserRecord
    roles: dict[str, set[str]]

    # -- administration ----------------------------------------------------------------------------------

    @property
    def admin_structures(self) -> tuple[str, ...]:
        """The structures this user administers."""
        return tuple(sorted(s for s, roles in self.roles.items() if "admin" in roles))

    def _require_admin(self, structure_id: str | None, kind: str = "user", action: str = "change") -> None:
        allowed = bool(self.admin_structures) if structure_id is None else self.has("admin", structure_id)
        if not allowed:
            audit.record(self.repo, self.user_id, action, kind, outcome="denied", structure_id=structure_id)
            raise AccessDenied(code="access_denied", message="access_denied.admins_only")

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
            raise AccessDenied(code="not_managed")
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
                raise SecurityError(code="candidate_needs_person")
            if any(u.person_id == person.id for u in self.repo.list_users()):
                raise SecurityError(code="person_has_account")
        elif person_id is not None:
            raise SecurityError(code="person_only_for_candidates")

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
            raise SecurityError(code="own_admin_role")
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
            raise self._deny(person, "change", "assignment", message="access_denied.admins_only")
        if not self.repo.has_role(accompanist_id, "accompanist", person.structure_id):
            raise SecurityError(code="not_an_accompanist")

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
            raise self._deny(person, "export", "person", message="access_denied.admins_only")
        data = rgpd.export_person(self.repo, person_id)
        audit.record(self.repo, self.user_id, "export", "person", person_id=person_id,
                     structure_id=person.structure_id)
        return data

    def request_erasure(self, person_id: str) -> None:
        """Ask for a person's erasure (admins of their structure); a second admin confirms it with
        :meth:`erase_person`."""
        person = self._person(person_id, "erase", "erasure_request")
        if not self.has("admin", person.structure_id):
            raise self._deny(person, "erase", "erasure_request", message="access_denied.admins_only")
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
            raise self._deny(person, "erase", "person", message="access_denied.admins_only")
        asked_by = {p.requested_by for p in erasures.pending(self.repo, (person.structure_id,))
                    if p.person_id == person_id and p.requested_by != self.user_id
                    and self.repo.has_role(p.requested_by, "admin", person.structure_id)}
        if not asked_by:
            raise self._deny(person, "erase", "person", message="access_denied.erase_four_eyes")
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
