"""Who is signed in: the demo sign-in (pick an account) and the people an identity may see.

The security issue replaces :func:`demo_sign_in` by a password (argon2) or OIDC sign-in that returns the
same :class:`Identity`; pages only ever read the identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store import PersonRecord, StoreError
from .context import Context

__all__ = ["Identity", "Account", "ROLES", "demo_accounts", "demo_sign_in", "visible_people", "require_person"]

#: roles in the order the sign-in page lists them
ROLES = ("candidate", "accompanist", "trainer", "admin")


@dataclass(frozen=True)
class Identity:
    """A signed-in user acting in one role (a user with several roles picks one at sign-in)."""

    user_id: str
    display_name: str
    role: str
    structures: tuple[str, ...]
    """Structures where the user holds ``role``."""
    person_id: str | None = None
    """For a candidate: their own record."""


@dataclass(frozen=True)
class Account:
    """One choice of the demo sign-in: a user in a role."""

    user_id: str
    login: str
    display_name: str
    role: str
    structures: tuple[str, ...]
    person_id: str | None


def demo_accounts(ctx: Context) -> list[Account]:
    """Every active (user, role) pair of the database, candidates first."""
    accounts = []
    for user in ctx.repo.list_users():
        if not user.active:
            continue
        for role in ROLES:
            structures = tuple(sorted({s for s, r in user.roles if r == role}))
            if structures and (role != "candidate" or user.person_id):
                accounts.append(Account(user.id, user.login, user.display_name, role, structures, user.person_id))
    return sorted(accounts, key=lambda a: (ROLES.index(a.role), a.display_name, a.user_id))


def demo_sign_in(ctx: Context, user_id: str, role: str) -> Identity:
    """Sign in as ``user_id`` in ``role`` without a password (demo only)."""
    for account in demo_accounts(ctx):
        if account.user_id == user_id and account.role == role:
            return Identity(account.user_id, account.display_name, role, account.structures,
                            account.person_id if role == "candidate" else None)
    raise StoreError("sign_in_refused", "Ce compte ne peut pas se connecter avec ce rôle.",
                     "This account cannot sign in with this role.")


def visible_people(ctx: Context, identity: Identity) -> list[PersonRecord]:
    """The people whose record the identity may open in the app."""
    repo = ctx.repo
    if identity.role == "candidate":
        return [repo.get_person(identity.person_id)] if identity.person_id else []
    if identity.role == "accompanist":
        return repo.candidates_of(identity.user_id)
    if identity.role == "trainer":
        return [p for s in identity.structures for p in repo.list_people(s)]
    return []


def require_person(ctx: Context, identity: Identity, person_id: str) -> PersonRecord:
    """The person's record when the identity may open it, else ``StoreError('access_denied')``."""
    for person in visible_people(ctx, identity):
        if person.id == person_id:
            return person
    raise StoreError("access_denied", "Vous n'avez pas accès au dossier de cette personne.",
                     "You have no access to this person's record.")
