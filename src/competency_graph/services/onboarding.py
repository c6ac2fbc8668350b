"""People from the app: add a person (and, in the same flow, their candidate account with a first password or
an invitation code), edit them, archive them. Every decision goes through ``security.people_admin``
(checked, logged)."""

from __future__ import annotations

from dataclasses import dataclass

from ..security import accounts as security_accounts
from ..security import people_admin
from ..security.errors import SecurityError
from ..store import PersonRecord, StructureRecord, UserRecord
from ..store.archive import archived_ids
from .accounts import Identity, guard_for
from .context import Context

__all__ = ["Added", "PersonRow", "structures", "people", "add_person", "edit_person", "archive_person",
           "restore_person", "open_account"]


@dataclass(frozen=True)
class Added:
    """What :func:`add_person` created: the person, their account (if any) and the invitation code to hand
    over (shown once, never stored in clear)."""

    person: PersonRecord
    account: UserRecord | None = None
    invitation_code: str | None = None


@dataclass(frozen=True)
class PersonRow:
    person: PersonRecord
    archived: bool
    has_account: bool


def structures(ctx: Context, identity: Identity) -> list[StructureRecord]:
    """The structures where the identity may add people."""
    managed = people_admin.managed_structures(guard_for(ctx, identity))
    return [s for s in ctx.repo.list_structures() if s.id in managed]


def people(ctx: Context, identity: Identity, *, include_archived: bool = False) -> list[PersonRow]:
    """The people the identity manages (their followed candidates; for an admin, their structures'), with
    whether each is archived and has an account. Archived people only when asked."""
    guard = guard_for(ctx, identity)
    found = [p for p in guard.people() if p.structure_id in people_admin.managed_structures(guard)]
    archived = archived_ids(ctx.repo, [p.id for p in found])
    with_account = {u.person_id for s in {p.structure_id for p in found} for u in ctx.repo.list_users(s)
                    if u.person_id}
    return [PersonRow(p, p.id in archived, p.id in with_account) for p in found
            if include_archived or p.id not in archived]


def add_person(ctx: Context, identity: Identity, structure_id: str, display_name: str, status: str, *,
               birth_year: int | None = None, writing: str | None = None, account: str | None = None,
               login: str | None = None, password: str | None = None) -> Added:
    """Add a person; with ``account`` = ``password`` (a first password typed by the user) or ``invitation``
    (a code made here), open their candidate account in the same transaction: nothing is written when any
    part is refused."""
    if not (display_name or "").strip():
        raise SecurityError(code="missing_name")
    if account not in (None, "password", "invitation"):
        raise ValueError(f"unknown account mode: {account}")
    code = people_admin.invitation_code() if account == "invitation" else None
    secret = code if code is not None else password
    if account is not None:
        if not (login or "").strip():
            raise SecurityError(code="missing_login")
        if not secret:
            raise SecurityError(code="missing_password")
        security_accounts.check_password(secret, login or "")
    guard = guard_for(ctx, identity)
    people_admin.require_structure(guard, structure_id, "create")  # outside the transaction: the refusal stays logged

    def flow(_repo) -> Added:
        person = people_admin.create_person(guard, structure_id, display_name, status, birth_year=birth_year,
                                            writing=writing)
        user = people_admin.open_candidate_account(guard, person.id, login or "", secret or "") \
            if account is not None else None
        return Added(person, user, code)
    return ctx.repo.transaction(flow)


def edit_person(ctx: Context, identity: Identity, person_id: str, **changes) -> PersonRecord:
    return people_admin.update_person(guard_for(ctx, identity), person_id, **changes)


def archive_person(ctx: Context, identity: Identity, person_id: str) -> None:
    people_admin.archive(guard_for(ctx, identity), person_id)


def restore_person(ctx: Context, identity: Identity, person_id: str) -> None:
    people_admin.restore(guard_for(ctx, identity), person_id)


def open_account(ctx: Context, identity: Identity, person_id: str, login: str, *, password: str | None = None
                 ) -> tuple[UserRecord, str | None]:
    """Open the candidate account of an existing person: with ``password``, or else an invitation code
    (returned, to hand over)."""
    code = None if password else people_admin.invitation_code()
    user = people_admin.open_candidate_account(guard_for(ctx, identity), person_id, login, password or code or "")
    return user, code
