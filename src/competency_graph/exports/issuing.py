"""Issue signed Open Badges for the items a person had validated: credential, signature, baked images.

Which items count as validated is decided upstream (the data-assembly layer: accompanist or jury
recognition, never a self-positioning); :func:`issue_badges` issues exactly the list it is given, and
:func:`.openbadges.credential_for` still refuses anything not mastered or only self-assessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import badge_image, openbadges, signing

__all__ = ["IssuedBadge", "issue_badge", "issue_badges"]


@dataclass(frozen=True)
class IssuedBadge:
    item_id: str
    credential: dict[str, Any]
    png: bytes
    svg: str


def issue_badge(repo: Any, bundle: Any, person_id: str, item_id: str, *, valid_from: dt.date | dt.datetime,
                valid_until: dt.date | dt.datetime | None = None, level: int | None = None,
                issuer: signing.Issuer | None = None, base: Path | None = None, **kw: Any) -> IssuedBadge:
    """One signed ``OpenBadgeCredential`` for a validated item, with its baked PNG and SVG."""
    person = repo.get_person(person_id)
    structure = repo.get_structure(person.structure_id)
    issuer = issuer or signing.issuer_for(structure.id, base=base)
    achievement = openbadges.achievement_for(bundle, item_id, level)
    subtitle = f"Cercle {level}" if level is not None else ""
    svg = badge_image.badge_svg(achievement["name"].split(" — ")[0], subtitle)
    credential = openbadges.credential_for(repo, bundle, person_id, item_id, level=level, valid_from=valid_from,
                                           valid_until=valid_until, issuer_id=issuer.did,
                                           image=badge_image.data_uri(svg), **kw)
    problems = openbadges.schema_errors(credential)
    if problems:  # a bug of ours: never hand out a credential that fails the official schema
        raise RuntimeError(f"OB 3.0 schema: {len(problems)} problem(s), first: {problems[0]}")
    signed = signing.sign(credential, issuer)
    png = badge_image.badge_png(achievement["name"].split(" — ")[0], subtitle)
    return IssuedBadge(item_id, signed, badge_image.bake_png(png, signed), badge_image.bake_svg(svg, signed))


def issue_badges(repo: Any, bundle: Any, person_id: str, validated: Iterable[str | tuple[str, int | None]], *,
                 valid_from: dt.date | dt.datetime, **kw: Any) -> list[IssuedBadge]:
    """A signed badge per validated item (``item_id`` or ``(item_id, level)``), in the order given."""
    out = []
    for entry in validated:
        item_id, level = (entry, None) if isinstance(entry, str) else entry
        out.append(issue_badge(repo, bundle, person_id, item_id, valid_from=valid_from, level=level, **kw))
    return out
