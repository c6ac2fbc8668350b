"""The refusals a page may catch from a service, in one place (pages never import the store or security)."""

from __future__ import annotations

from ..security.errors import AccessDenied, SecurityError
from ..store.errors import StoreError

__all__ = ["StoreError", "AccessDenied", "SecurityError"]
