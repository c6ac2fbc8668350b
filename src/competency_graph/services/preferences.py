"""Display preferences saved on the signed-in user's own account (easy-read, read aloud, text size), and the
session a signed cookie brings back after a reload."""

from __future__ import annotations

from ..security import accounts as security_accounts
from ..security import audit
from ..security import sessions as signed_sessions
from ..security.errors import AuthError
from ..store import StoreError
from ..store.preferences import Preferences, get_preferences, save_preferences
from .accounts import Identity, identity_for
from .context import Context

__all__ = ["Preferences", "load", "save", "restore_session"]


def load(ctx: Context, user_id: str) -> Preferences:
    """The preferences saved on ``user_id``'s account (defaults when none)."""
    return get_preferences(ctx.repo, user_id)


def save(ctx: Context, identity: Identity, *, easy_read: bool, read_aloud: bool, text_size: str) -> Preferences:
    """Save the signed-in user's own preferences (logged as a change of their account settings)."""
    prefs = Preferences(bool(easy_read), bool(read_aloud), text_size)

    def both(repo) -> Preferences:
        saved = save_preferences(repo, identity.user_id, prefs)
        audit.record(repo, identity.user_id, "change", "preferences", record_id=identity.user_id)
        return saved
    return ctx.repo.transaction(both)


def restore_session(ctx: Context, cookie: str | None) -> tuple[Identity, str] | None:
    """The identity and token of the session a cookie names, when its signature holds, the session is live
    (not expired, not idle, user active) and the user still holds the role; else None."""
    found = signed_sessions.read_cookie(ctx.repo, cookie)
    if found is None:
        return None
    token, role = found
    user = security_accounts.session_user(ctx.repo, token)
    if user is None or not signed_sessions.touch(ctx.repo, token):
        return None
    try:
        return identity_for(ctx, user.id, role), token
    except (AuthError, StoreError):
        return None
