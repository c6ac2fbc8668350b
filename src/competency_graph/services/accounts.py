"""Who is signed in, and the access rules every service goes through.

Sign-in opens a session (a random token; only its hash is stored) with a password (``security.accounts``),
through an OpenID Connect provider configured in the Streamlit secrets (``st.login``; roles still come from
this database) or, outside production mode, by picking a demo account. The app checks the token at every run and builds
that run's :class:`~.context.Context` with the checked identity as its ``actor``: services that read or write a
person's record build a :class:`~competency_graph.security.access.Guard` for the identity they are given, or
else for ``ctx.actor`` (:func:`guard_for`), so that every decision is checked and written to the audit log
whatever the page shows or hides.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..security import accounts as security_accounts
from ..security.access import Guard
from ..security.errors import AccessDenied, AuthError
from ..store import PersonRecord, StoreError, UserRecord
from .context import Context, Identity

__all__ = ["Identity", "Account", "SignedIn", "ROLES", "demo_accounts", "demo_sign_in", "demo_session",
           "password_sign_in", "external_sign_in", "change_password", "roles_of", "identity_for", "check_session", "sign_out",
           "guard_for", "visible_people", "require_person"]

#: roles in the order the sign-in page lists them
ROLES = ("candidate", "accompanist", "trainer", "admin")


@dataclass(frozen=True)
class Account:
    """One choice of the demo sign-in (or of the role picker): a user in a role."""

    user_id: str
    login: str
    display_name: str
    role: str
    structures: tuple[str, ...]
    person_id: str | None


@dataclass(frozen=True)
class SignedIn:
    """A password sign-in: the session token and the roles the user may act in (pick one when several)."""

    token: str
    accounts: tuple[Account, ...]
    must_change: bool = False
    """The password was chosen by someone else (an admin, the command line): it must be changed with
    :func:`change_password` before any role opens; until then the token opens nothing (``check_session``)."""


def _accounts_of(user: UserRecord) -> list[Account]:
    found = []
    for role in ROLES:
        structures = tuple(sorted({s for s, r in user.roles if r == role}))
        if structures and (role != "candidate" or user.person_id):
            found.append(Account(user.id, user.login, user.display_name, role, structures, user.person_id))
    return found


def roles_of(ctx: Context, user_id: str) -> list[Account]:
    """The roles an active user may act in (a candidate role needs a linked record)."""
    user = ctx.repo.get_user(user_id)
    return _accounts_of(user) if user.active else []


def identity_for(ctx: Context, user_id: str, role: str) -> Identity:
    """The identity of ``user_id`` acting as ``role``, read from the database (``AuthError`` when the user
    does not hold that role any more)."""
    for account in roles_of(ctx, user_id):
        if account.role == role:
            return Identity(account.user_id, account.display_name, role, account.structures,
                            account.person_id if role == "candidate" else None)
    raise AuthError(code="sign_in_refused")


def demo_accounts(ctx: Context) -> list[Account]:
    """Every active (user, role) pair of the demo accounts that have no password, candidates first; empty in
    production mode."""
    if not security_accounts.demo_sign_in_allowed():
        return []
    accounts = []
    with_password = security_accounts.users_with_password(ctx.repo)
    for user in ctx.repo.list_users():
        if user.active and user.login.startswith("demo.") and user.id not in with_password:
            accounts.extend(_accounts_of(user))
    return sorted(accounts, key=lambda a: (ROLES.index(a.role), a.display_name, a.user_id))


def demo_sign_in(ctx: Context, user_id: str, role: str) -> Identity:
    """The identity of a demo account in ``role`` (no password; refused in production mode)."""
    return demo_session(ctx, user_id, role)[0]


def demo_session(ctx: Context, user_id: str, role: str) -> tuple[Identity, str]:
    """Sign in a demo account without a password: its identity in ``role`` and a session token."""
    if not security_accounts.demo_sign_in_allowed():
        raise AuthError(code="demo_disabled")
    identity = identity_for(ctx, user_id, role)
    token = security_accounts.demo_sign_in(ctx.repo, ctx.repo.get_user(user_id).login)
    return identity, token


def password_sign_in(ctx: Context, login: str, password: str, *, client: str | None = None) -> SignedIn:
    """Check a login and password (throttled per login, client and pair, see ``security.throttle``);
    ``AuthError`` with one message for every refusal. ``client``: where the attempt comes from (an address).
    ``SignedIn.must_change``: the password must be changed (:func:`change_password`) before a role opens."""
    return _with_roles(ctx, security_accounts.authenticate(ctx.repo, login, password, client=client))


def _with_roles(ctx: Context, token: str) -> SignedIn:
    user = security_accounts.session_user(ctx.repo, token, allow_pending=True)
    choices = roles_of(ctx, user.id) if user is not None else []
    if not choices:  # an account with no role yet: nothing to open
        security_accounts.logout(ctx.repo, token)
        raise AuthError(code="no_role")
    assert user is not None
    return SignedIn(token, tuple(choices), security_accounts.must_change_password(ctx.repo, user.id))


def change_password(ctx: Context, user_id: str, current: str, new: str, *, old_token: str | None = None
                    ) -> SignedIn:
    """The user changes their own password (the current one checked first): every session ends, a fresh
    one opens. Used by the forced change after sign-in and by the "my password" page."""
    token = security_accounts.change_password(ctx.repo, user_id, current, new)
    if old_token:
        security_accounts.logout(ctx.repo, old_token)
    return _with_roles(ctx, token)


def external_sign_in(ctx: Context, email: str, *, email_verified: bool = False) -> SignedIn:
    """Sign in a user verified by the OpenID Connect provider (``st.login``), matched by login; roles come
    from this database as for a password sign-in. The provider must have verified the address."""
    token = security_accounts.external_sign_in(ctx.repo, email, email_verified=email_verified)
    return _with_roles(ctx, token)


def check_session(ctx: Context, identity: Identity, token: str | None) -> Identity | None:
    """The identity refreshed from the database when the session is still valid, else None.

    With a token: the session must be live and belong to the identity's user. Without one (only server code
    can put an identity in the session state, e.g. the app tests), outside production mode the identity is
    re-read from the database; in production mode every identity needs a live session."""
    if token:
        user = security_accounts.session_user(ctx.repo, token)
        if user is None or user.id != identity.user_id:
            return None
    elif not security_accounts.demo_sign_in_allowed():
        return None
    try:
        return identity_for(ctx, identity.user_id, identity.role)
    except StoreError:  # the role was revoked, the account deactivated or erased
        return None


def sign_out(ctx: Context, token: str | None) -> None:
    if token:
        security_accounts.logout(ctx.repo, token)


# -- the guard of the acting user ------------------------------------------------------------------------

def guard_for(ctx: Context, identity: Identity | None = None) -> Guard:
    """The access guard of ``identity`` (default: ``ctx.actor``, the signed-in user of the run) in its role;
    ``AccessDenied`` when nobody is signed in. The actor's guard is built once per context (a run) and kept
    :attr:`GuardMemo.SECONDS` at most; another identity's guard is built at each call."""
    who = identity if identity is not None else ctx.actor
    if who is None:
        raise AccessDenied(code="not_signed_in")
    if who != ctx.actor:
        return Guard(ctx.repo, who.user_id, who.role)
    memo = ctx.guards
    held = memo.held
    if held is not None and held[0] == who and time.monotonic() - held[2] < memo.SECONDS:
        return held[1]
    guard = Guard(ctx.repo, who.user_id, who.role)
    memo.held = (who, guard, time.monotonic())
    return guard


def visible_people(ctx: Context, identity: Identity) -> list[PersonRecord]:
    """The people whose record the identity may open (or, for a trainer, their groups' members, each under a
    pseudonym unless the trainer is also their accompanist)."""
    from ..store.archive import archived_ids  # archived people are hidden from every list

    guard = guard_for(ctx, identity)
    if identity.role == "trainer":
        members = {p.id: p for s in guard.roles if guard.has("trainer", s) for p in guard.group_members(s)}
        found = sorted(members.values(), key=lambda p: (p.display_name, p.id))
    else:
        found = guard.people()
    archived = archived_ids(ctx.repo, [p.id for p in found])
    return [p for p in found if p.id not in archived]


def require_person(ctx: Context, identity: Identity, person_id: str) -> PersonRecord:
    """The person's record when the identity may open it (logged), else ``AccessDenied`` (a ``StoreError``
    with code ``access_denied``, also logged)."""
    return guard_for(ctx, identity).read_person(person_id)


# -- what the admin pages read besides the guarded records (no personal data) ------------------------------

MIN_PASSWORD_LENGTH = security_accounts.MIN_PASSWORD_LENGTH


def structure_names(ctx: Context) -> dict[str, str]:
    """Establishment id -> name (names of establishments are not personal data)."""
    return {s.id: s.name for s in ctx.repo.list_structures()}


def users_with_password(ctx: Context) -> set[str]:
    """Ids of the users who have a local password."""
    return security_accounts.users_with_password(ctx.repo)


def retention_days(ctx: Context) -> int:
    """How long a person's record is kept after its last activity (days)."""
    from ..security import rgpd

    return rgpd.retention_days(ctx.repo)


def people_past_retention(ctx: Context) -> list[str]:
    """Ids of people with no activity within the retention period (to be reviewed for erasure)."""
    from ..security import rgpd

    return rgpd.people_past_retention(ctx.repo)
