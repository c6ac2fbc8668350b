"""Local accounts: argon2 password hashes, throttled sign-in (:mod:`.throttle`), passwords chosen by someone
else changed at the next sign-in, users changing their own password, expiring sessions.

Tokens are random (``secrets.token_urlsafe``) and only their SHA-256 is stored. Production mode
(``COMPETENCY_GRAPH_MODE=production``) has no passwordless demo sign-in and no default password.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..store import credentials, utcnow
from ..store.records import UserRecord
from ..store.repository import Repository
from . import audit
from .errors import AuthError, WeakPassword

__all__ = ["MIN_PASSWORD_LENGTH", "MAX_FAILURES", "LOCK_MINUTES", "SESSION_HOURS", "mode",
           "demo_sign_in_allowed", "check_password", "set_password", "authenticate", "demo_sign_in",
           "session_user", "logout", "users_with_password", "create_admin", "external_sign_in",
           "must_change_password", "change_password"]

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5  # per (login, client): see .throttle
LOCK_MINUTES = 15
SESSION_HOURS = 8
MODE_ENV = "COMPETENCY_GRAPH_MODE"

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so that the answer takes as long as for a known login
    (made on first use: hashing costs 0.2–0.6 s, not to be paid by every app start)."""
    return _hasher.hash(secrets.token_hex(16))

_COMMON = frozenset({
    "password", "motdepasse", "azerty", "qwerty", "123456", "1234567890", "000000", "111111", "admin",
    "administrateur", "bonjour", "soleil", "changeme", "welcome", "letmein", "secret", "demo", "demonstration",
    "competence", "competences", "esat", "accompagnateur", "formateur", "candidat", "iloveyou", "doudou",
})
# One message for every refusal (unknown login, wrong password, locked out): it must not tell them apart
# (the code bad_credentials and its catalogue sentence are the same for all).


def mode() -> str:
    """``production`` or ``demo`` (the default, for the demonstration database); any other value of
    ``COMPETENCY_GRAPH_MODE`` raises :class:`settings.SettingsError` (a typo must not open demo mode)."""
    from .. import settings

    return settings.mode()


def demo_sign_in_allowed() -> bool:
    """Whether the demo accounts may sign in without a password (never in production mode)."""
    return mode() != "production"


def check_password(password: str, login: str = "") -> None:
    """Raise :class:`WeakPassword` when ``password`` is too short or obvious."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(code="password_too_short", params={"min": MIN_PASSWORD_LENGTH})
    if len(password) > 1024:
        raise WeakPassword(code="password_too_long")
    folded = "".join(c for c in password.lower() if c.isalnum())
    stripped = folded.rstrip("0123456789").lstrip("0123456789")
    obvious = (
        len(set(password)) <= 3
        or folded in _COMMON or stripped in _COMMON
        or (login and login.lower() in password.lower())
        or folded in "abcdefghijklmnopqrstuvwxyz0123456789" or folded in "azertyuiopqsdfghjklmwxcvbn"
        or folded in "qwertyuiopasdfghjklzxcvbnm" or folded in "01234567890123456789"
    )
    if obvious:
        raise WeakPassword(code="password_obvious")


def set_password(repo: Repository, user_id: str, password: str, *, by_user_id: str | None = None,
                 must_change: bool | None = None) -> None:
    """Set (or change) a user's password after checking it; clears any lock-out and ends their sessions.

    ``must_change``: the user must change it at their next sign-in before anything else opens; by default
    whenever someone else sets it (``by_user_id`` another user: an admin's reset or first password)."""
    if must_change is None:
        must_change = by_user_id is not None and by_user_id != user_id
    user = repo.get_user(user_id)
    check_password(password, user.login)
    hashed = _hasher.hash(password)

    def write(r: Repository) -> None:  # the password, the end of the user's sessions and the audit entry: together
        credentials.save_password(r, user_id, hashed, must_change=must_change, at=utcnow())
        audit.record(r, by_user_id or user_id, "change", "password", record_id=user_id)
    repo.transaction(write)


def users_with_password(repo: Repository) -> set[str]:
    """Ids of the users who have a local password."""
    return credentials.user_ids_with_password(repo)


def create_admin(repo: Repository, login: str, display_name: str, structure_id: str, password: str) -> UserRecord:
    """The first administrator of a structure, with a checked password (for the admin command line, e.g. on a
    production database where nobody can sign in yet). Logged with no actor. Nothing is written when the
    password is refused or the login taken."""
    check_password(password, login)

    def both(r: Repository) -> UserRecord:
        user = r.create_user(login, display_name)
        r.grant_role(user.id, structure_id, "admin")
        audit.record(r, None, "create", "user", record_id=user.id, structure_id=structure_id)
        set_password(r, user.id, password, by_user_id=None, must_change=True)  # a first password
        return r.get_user(user.id)
    return repo.transaction(both)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _open_session(repo: Repository, user_id: str, now: dt.datetime, hours: float) -> str:
    token = secrets.token_urlsafe(32)
    credentials.open_session(repo, _token_hash(token), user_id, now, now + dt.timedelta(hours=hours))
    audit.record(repo, user_id, "sign_in", "session", record_id=user_id, at=now)
    return token


def _verify(hashed: str | None, password: str) -> bool:
    """Check ``password`` against ``hashed``, or against a dummy hash when there is none, so that every
    refusal costs one argon2 verification (no timing difference between unknown, locked and wrong)."""
    try:
        return bool(_hasher.verify(hashed or _dummy_hash(), password)) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def _refused() -> AuthError:
    return AuthError(code="bad_credentials")


def authenticate(repo: Repository, login: str, password: str, *, now: dt.datetime | None = None,
                 session_hours: float = SESSION_HOURS, client: str | None = None) -> str:
    """A session token for ``login``/``password``; raises :class:`AuthError` with one message and in about
    the same time for every refusal (unknown login, wrong password, deactivated, locked out).

    ``client`` identifies where the attempt comes from (an address): throttling counts failures per
    (login, client), per client and per login, and never locks a login for every client (see
    :mod:`.throttle`), so nobody can lock a real user out by failing on purpose."""
    from . import throttle

    now = now or utcnow()
    attempt = throttle.keys(repo, login, client)
    wait = throttle.delay_for(repo, attempt, now)
    if wait:
        throttle.sleep(wait)

    found = credentials.sign_in_row(repo, login.strip())
    locked = throttle.blocked(repo, attempt, now)
    ok = _verify(found.password_hash if found is not None else None, password)  # always one verification
    user_id = found.user_id if found is not None else None
    if locked or not ok or found is None or not found.active:
        throttle.record_failure(repo, attempt, now)
        if user_id is not None:
            audit.record(repo, user_id, "sign_in", "session", outcome="denied" if locked else "failed",
                         record_id=user_id, at=now)
        raise _refused()
    assert user_id is not None
    throttle.record_success(repo, attempt)

    credentials.clear_failures(
        repo, user_id, lambda old: _hasher.hash(password) if _hasher.check_needs_rehash(old) else None)
    return _open_session(repo, user_id, now, session_hours)


def must_change_password(repo: Repository, user_id: str) -> bool:
    """Whether the user's password was chosen by someone else and must be changed before anything else."""
    return credentials.must_change_password(repo, user_id)


def change_password(repo: Repository, user_id: str, current: str, new: str, *, now: dt.datetime | None = None,
                    session_hours: float = SESSION_HOURS) -> str:
    """The user changes their own password (``current`` checked first); every session ends and a fresh
    one is returned. Clears the forced-change flag. Refusals: :class:`AuthError` (wrong current password,
    one message) or :class:`WeakPassword`.

    The current password is throttled like a sign-in (:mod:`.throttle`), under keys of its own for this user:
    whoever holds an open session (a tab left open) cannot try passwords there without end — after
    :data:`~.throttle.PAIR_MAX_FAILURES` wrong ones the change is refused for
    :data:`~.throttle.LOCK_MINUTES` minutes, while signing in stays open to the real user."""
    from . import throttle

    at = now or utcnow()
    attempt = throttle.keys(repo, f"change-password:{user_id}", f"change-password:{user_id}")
    wait = throttle.delay_for(repo, attempt, at)
    if wait:
        throttle.sleep(wait)
    locked = throttle.blocked(repo, attempt, at)
    ok = _verify(credentials.password_hash(repo, user_id), current)  # always one verification
    if locked or not ok:
        throttle.record_failure(repo, attempt, at)
        audit.record(repo, user_id, "change", "password", outcome="denied" if locked else "failed",
                     record_id=user_id, at=at)
        if locked:
            raise AuthError(code="bad_current_password", message="bad_current_password.locked",
                            params={"minutes": throttle.LOCK_MINUTES})
        raise AuthError(code="bad_current_password")
    throttle.record_success(repo, attempt)
    if new == current:
        raise WeakPassword(code="password_unchanged")
    set_password(repo, user_id, new, by_user_id=user_id, must_change=False)
    return _open_session(repo, user_id, now or utcnow(), session_hours)


def demo_sign_in(repo: Repository, login: str, *, now: dt.datetime | None = None,
                 session_hours: float = SESSION_HOURS) -> str:
    """Passwordless sign-in of a demo account (login ``demo.*`` without a password), in demo mode only."""
    if not demo_sign_in_allowed():
        raise AuthError(code="demo_disabled")
    user = repo.find_user_by_login(login)
    if user is None or not login.startswith("demo.") or not user.active:
        raise AuthError(code="bad_credentials")
    if credentials.has_password(repo, user.id):
        raise AuthError(code="password_required")
    return _open_session(repo, user.id, now or utcnow(), session_hours)


def external_sign_in(repo: Repository, login: str, *, now: dt.datetime | None = None,
                     session_hours: float = SESSION_HOURS, email_verified: bool = False) -> str:
    """A session for a user whose identity an OpenID Connect provider has verified (``login``: the verified
    e-mail, matched to a login without regard to case). Roles still come from this database: an unknown or
    deactivated login is refused, and the attempt is logged without the address. The provider must say the
    address is verified (``email_verified``): otherwise anyone could register someone else's address there."""
    wanted = login.strip().casefold() if email_verified and "\x00" not in login else ""

    found = next(((user_id, active) for user_id, known, active in credentials.users_with_login_like(repo, login.strip())
                  if known.casefold() == wanted), None) if wanted else None
    if found is None or not found[1]:
        audit.record(repo, found[0] if found else None, "sign_in", "session", outcome="failed",
                     record_id=found[0] if found else None, at=now)
        raise AuthError(code="not_authorised")
    return _open_session(repo, found[0], now or utcnow(), session_hours)


def session_user(repo: Repository, token: str, *, now: dt.datetime | None = None,
                 allow_pending: bool = False) -> UserRecord | None:
    """The user of a live session (None when unknown, expired or the user is deactivated, and — unless
    ``allow_pending`` — while the user must still change a password someone else chose)."""
    if not token:
        return None
    now = now or utcnow()

    row = credentials.session_row(repo, _token_hash(token))
    if row is None or row.expires_at <= now or not row.user_active:
        return None
    if not allow_pending and row.must_change_password:
        return None
    return repo.get_user(row.user_id)


def logout(repo: Repository, token: str) -> None:
    """End a session (and purge expired ones)."""
    user_id = credentials.end_session_and_purge(repo, _token_hash(token), expired_before=utcnow())
    if user_id is not None:
        audit.record(repo, user_id, "sign_out", "session", record_id=user_id)
