"""Errors of the security layer: a stable code and parameters, the French message from the catalogue (no
personal data in either).

They are :class:`~competency_graph.store.StoreError` s, so the app shows every refusal the same way
("Action refusée : …") without a page having to know about the security layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..store.errors import StoreError

__all__ = ["SecurityError", "AccessDenied", "AuthError", "WeakPassword"]


class SecurityError(StoreError):
    """A refused security operation; ``message_fr`` is shown to users."""


class AccessDenied(SecurityError):
    """The signed-in user may not do this to this record (an audit entry was written).

    >>> AccessDenied(code="access_denied", message="access_denied.structure").message_fr
    "Accès refusé : vous n'intervenez pas dans cette structure."
    """

    def __init__(self, code: str = "access_denied", params: Mapping[str, Any] | None = None, *,
                 message: str | None = None, details: list[str] | None = None) -> None:
        super().__init__(code, params, message=message, details=details)


class AuthError(SecurityError):
    """Sign-in refused: wrong credentials, locked account, expired session."""


class WeakPassword(SecurityError):
    """A password refused by the policy (too short, too common, the login…)."""
