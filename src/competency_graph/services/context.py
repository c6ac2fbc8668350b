"""What every service needs, passed explicitly: the referential bundle, the repository of the person's record,
the acting user and the site's settings.

The app builds one :class:`Context` per script run with the identity it has just checked as ``actor``
(``ui.cache.begin_run``); a command or a test builds its own (``Context(bundle, repo)``, then
``ctx.as_actor(identity)``). A service that is given an ``identity`` acts as that identity; one that is not acts
as ``ctx.actor`` (``services.accounts.guard_for``), and refuses when nobody is signed in. Nothing about the
acting user lives in a module-level or thread-level variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..bundle import Bundle
from ..settings import Settings, get_settings
from ..store import Repository

if TYPE_CHECKING:
    from ..security.access import Guard

__all__ = ["Context", "Identity", "GuardMemo"]


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


class GuardMemo:
    """The actor's guard, built at most once per context (a guard reads the user and their memberships: a page
    that asked for it four times read them four times) and kept a few seconds at most (roles may change)."""

    __slots__ = ("held",)
    SECONDS = 5.0

    def __init__(self) -> None:
        self.held: tuple[Identity, Guard, float] | None = None


@dataclass(frozen=True)
class Context:
    bundle: Bundle
    repo: Repository
    actor: Identity | None = None
    """Who acts when a service is not given an identity: the signed-in user of this run (None: nobody)."""
    settings: Settings = field(default_factory=get_settings)
    """The settings read when the context was built (the app builds one context per run)."""
    guards: GuardMemo = field(default_factory=GuardMemo, init=False, repr=False, compare=False)
    """The actor's guard of this context (``services.accounts.guard_for``); a copy starts empty."""

    def as_actor(self, identity: Identity | None) -> Context:
        """The same bundle, repository and settings acting as ``identity`` (a fresh guard memo)."""
        return replace(self, actor=identity)
