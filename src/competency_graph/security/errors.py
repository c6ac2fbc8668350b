"""Errors of the security layer: a stable code and a French message (no personal data in either).

They are :class:`~competency_graph.store.StoreError` s, so the app shows every refusal the same way
("Action refusée : …") without a page having to know about the security layer.
"""

from __future__ import annotations

from ..store.errors import StoreError

__all__ = ["SecurityError", "AccessDenied", "AuthError", "WeakPassword"]


class SecurityError(StoreError):
    """A refused security operation; ``message_fr`` is shown to users."""

    def __init__(self, code: str, message_fr: str, message_en: str = "Refused by the security layer.") -> None:
        super().__init__(code, message_fr, message_en)


class AccessDenied(SecurityError):
    """The signed-in user may not do this to this record (an audit entry was written)."""

    def __init__(self, message_fr: str = "Accès refusé.", code: str = "access_denied") -> None:
        super().__init__(code, message_fr, "Access denied.")


class AuthError(SecurityError):
    """Sign-in refused: wrong credentials, locked account, expired session."""


class WeakPassword(SecurityError):
    """A password refused by the policy (too short, too common, the login…)."""
