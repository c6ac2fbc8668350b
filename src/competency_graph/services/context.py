"""What every service needs: the referential bundle and the repository of the person's record."""

from __future__ import annotations

from dataclasses import dataclass

from ..bundle import Bundle
from ..store import Repository

__all__ = ["Context"]


@dataclass(frozen=True)
class Context:
    bundle: Bundle
    repo: Repository
