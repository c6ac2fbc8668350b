"""Errors of the security layer: a stable code and a French message (no personal data in either)."""

from __future__ import annotations

__all__ = ["SecurityError", "AccessDenied", "AuthError", "WeakPassword"]


class SecurityError(Exception):
    """A refused security operation; ``message_fr`` is shown to users."""

    def __init__(self, code: str, message_fr: str) -> None:
        super().__init__(f"[{code}] {message_fr}")
        self.code = code
        self.message_fr = message_fr


class AccessDenied(SecurityError):
    """The signed-in user may not do this to this record (an audit entry was written)."""

    def __init__(self, message_fr: str = "Accès refusé.", code: str = "access_denied") -> None:
        super().__init__(code, message_fr)


class AuthError(SecurityError):
    """Sign-in refused: wrong credentials, locked account, expired session."""


class WeakPassword(SecurityError):
    """A password refused by the policy (too short, too common, the login…)."""
