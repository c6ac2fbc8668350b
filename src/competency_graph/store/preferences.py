"""Display preferences saved on a user's account: easy-read, read aloud, text size."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .caseload_models import TEXT_SIZES, UserPreference
from .errors import StoreError
from .models import utcnow
from .repository import Repository

__all__ = ["Preferences", "get_preferences", "save_preferences"]


@dataclass(frozen=True)
class Preferences:
    easy_read: bool = False
    read_aloud: bool = False
    text_size: str = "normal"


def get_preferences(repo: Repository, user_id: str) -> Preferences:
    """The user's saved preferences (the defaults when none were saved)."""
    def read(s: Session) -> Preferences:
        row = s.get(UserPreference, user_id)
        return Preferences(row.easy_read, row.read_aloud, row.text_size) if row is not None else Preferences()
    return repo.run(read, write=False)


def save_preferences(repo: Repository, user_id: str, prefs: Preferences) -> Preferences:
    """Save the user's preferences (replacing the previous ones)."""
    if prefs.text_size not in TEXT_SIZES:
        raise StoreError(code="bad_text_size")

    def write(s: Session) -> Preferences:
        row = s.get(UserPreference, user_id)
        if row is None:
            s.add(UserPreference(user_id=user_id, easy_read=bool(prefs.easy_read), read_aloud=bool(prefs.read_aloud),
                                 text_size=prefs.text_size, changed_at=utcnow()))
        else:
            row.easy_read, row.read_aloud, row.text_size = bool(prefs.easy_read), bool(prefs.read_aloud), prefs.text_size
            row.changed_at = utcnow()
        return prefs
    return repo.run(write, write=True)
