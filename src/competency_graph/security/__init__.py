"""Accounts, access rules, audit log, RGPD export/erasure and backups of the person's record.

The access rules live in :class:`access.Guard`, at the service layer: pages call the guard, never the
repository directly, for anything about a person.
"""

from __future__ import annotations

from .errors import AccessDenied, AuthError, SecurityError

__all__ = ["SecurityError", "AccessDenied", "AuthError"]
