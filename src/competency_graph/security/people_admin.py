"""Who may add, edit and archive people, and open a candidate's account: the accompanists and admins of the
person's structure. Every decision is checked here and written to the audit log, allowed or denied.

An accompanist who adds a person follows them from that day (an assignment), so the person appears in their
caseload and nowhere else: a person of structure A is invisible to the accompanists of structure B.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from ..store.archive import archive_person, restore_person
from ..store.records import PersonRecord, UserRecord
from ..store.repository import Repository
from . import accounts, audit
from .access import Guard
from .errors import AccessDenied, SecurityError

__all__ = ["MANAGING_ROLES", "managed_structures", "require_structure", "create_person", "update_person", "archive", "restore",
           "open_candidate_account", "invitation_code"]

#: the roles that may add and edit the people of a structure
MANAGING_ROLES = frozenset({"accompanist", "admin"})
_EDITABLE = frozenset({"display_name", "birth_year", "status", "writing"})
# No 0/O, 1/I/L: the code is read aloud or copied by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def managed_structures(guard: Guard) -> tuple[str, ...]:
    """The structures where the user may add people."""
    return tuple(sorted(s for s, roles in guard.roles.items() if roles & MANAGING_ROLES))


def require_structure(guard: Guard, structure_id: str, action: str) -> None:
    """Refuse (and log) when the user manages no such structure."""
    if structure_id not in managed_structures(guard):
        audit.record(guard.repo, guard.user_id, action, "person", outcome="denied", structure_id=structure_id)
        raise AccessDenied(code="access_denied", message="access_denied.not_staff")


def create_person(guard: Guard, structure_id: str, display_name: str, status: str, **fields: Any) -> PersonRecord:
    """Add a person to a structure the user manages; an accompanist then follows them. One transaction with
    its audit entry."""
    require_structure(guard, structure_id, "create")

    def both(repo: Repository) -> PersonRecord:
        person = repo.create_person(structure_id, display_name, status, **fields)
        if guard.has("accompanist", structure_id):
            repo.assign(guard.user_id, person.id, since=dt.date.today())
        audit.record(repo, guard.user_id, "create", "person", person_id=person.id, structure_id=structure_id)
        return person
    return guard.repo.transaction(both)


def update_person(guard: Guard, person_id: str, **changes: Any) -> PersonRecord:
    """Change a person's name, birth year, status or writing ability (their accompanist or an admin)."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise SecurityError(code="bad_field", message="bad_field.not_editable")
    return guard.writing(person_id, "person", lambda _role: guard.repo.update_person(person_id, **changes),
                         roles=("accompanist", "admin"), action="change")


def archive(guard: Guard, person_id: str) -> None:
    """Hide a person from lists; nothing is deleted (their accompanist or an admin)."""
    guard.writing(person_id, "person_archive", lambda _role: archive_person(guard.repo, person_id, guard.user_id),
                  roles=("accompanist", "admin"), action="change")


def restore(guard: Guard, person_id: str) -> None:
    """Show an archived person again (their accompanist or an admin)."""
    guard.writing(person_id, "person_archive", lambda _role: restore_person(guard.repo, person_id),
                  roles=("accompanist", "admin"), action="change")


def invitation_code() -> str:
    """A random code to hand to the person as their first password: 16 letters and digits in 4 groups."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def open_candidate_account(guard: Guard, person_id: str, login: str, password: str) -> UserRecord:
    """The candidate account of a person with no account yet, with a first password (checked first: nothing
    is written when it is refused). Admins go through :meth:`Guard.create_account`; the person's
    accompanist may open it too. The password is set by ``security.accounts.set_password`` on behalf of the
    user who opens the account, so the rules for an admin-set password apply to it."""
    person = guard.repo.find_person(person_id)
    if person is None:
        audit.record(guard.repo, guard.user_id, "create", "user", outcome="denied")
        raise AccessDenied(code="access_denied", message="access_denied.read")
    login = (login or "").strip()
    if not login:
        raise SecurityError(code="missing_login")
    if guard.has("admin", person.structure_id):
        return guard.create_account(login, person.display_name, person.structure_id, "candidate", password,
                                    person_id=person.id)
    if guard.relation(person.id) != "accompanist":
        audit.record(guard.repo, guard.user_id, "create", "user", outcome="denied", person_id=person.id,
                     structure_id=person.structure_id)
        raise AccessDenied(code="access_denied", message="access_denied.open_account")
    accounts.check_password(password, login)
    if guard.repo.find_user_by_login(login) is not None:
        raise SecurityError(code="login_taken")
    if any(u.person_id == person.id for u in guard.repo.list_users(person.structure_id)):
        raise SecurityError(code="person_has_account")

    def both(repo: Repository) -> UserRecord:
        user = repo.create_user(login, person.display_name, person_id=person.id)
        repo.grant_role(user.id, person.structure_id, "candidate")
        audit.record(repo, guard.user_id, "create", "user", record_id=user.id, structure_id=person.structure_id)
        accounts.set_password(repo, user.id, password, by_user_id=guard.user_id)
        return repo.get_user(user.id)
    return guard.repo.transaction(both)
