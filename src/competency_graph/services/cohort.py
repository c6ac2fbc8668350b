"""A trainer's group: gaps of every member to a target (people × competencies) and the maillons de parcours
that close them, exportable as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from string import ascii_uppercase

import pandas as pd

from ..analysis.course_links import CourseLink, design_course_links
from ..analysis.gaps import cohort_gaps
from ..analysis.targets import Target
from ..messages import t
from ..security.access import pseudonymised
from ..store import PersonRecord, bulk
from ..store.csvio import neutralise
from .accounts import Identity
from .batch import read_group, read_group_with
from .context import Context
from .guidance import resolve
from .people import profile_from_record

__all__ = ["group_records", "member_labels", "gap_matrix", "course_links", "links_frame", "frame_to_csv"]


def group_records(ctx: Context, identity: Identity, person_ids: Sequence[str]) -> dict[str, tuple[PersonRecord, object]]:
    """Each member's record (pseudonymised unless the user is their accompanist) and current positions,
    under the access rules of group work: every person must be in one of the user's groups; the read is
    logged once per structure, naming its members. A few set-based queries whatever the size of the group
    (``services.batch.read_group``)."""
    return read_group(ctx, identity, person_ids)  # type: ignore[return-value]


def member_labels(ctx: Context, identity: Identity, person_ids: Sequence[str]) -> dict[str, str]:
    """How the trainer sees each member: their name when the trainer also follows them as accompanist,
    else a pseudonym (Personne A, B…) — group work needs no names."""
    labels = {}
    records = group_records(ctx, identity, person_ids)
    for index, pid in enumerate(person_ids):
        shown = records[pid][0]
        if shown.display_name != pseudonymised(ctx.repo, shown).display_name:
            labels[pid] = shown.display_name
        else:
            letters = ascii_uppercase[index % 26] + (str(index // 26 + 1) if index >= 26 else "")
            labels[pid] = t("links.pseudonym", letters=letters)
    return labels


def _long_positions(records: dict[str, tuple[PersonRecord, object]], person_ids: Sequence[str]) -> pd.DataFrame:
    rows = []
    for pid in person_ids:
        view = records[pid][1]
        for item_id, entry in view.items.items():
            own, co = entry.self_, entry.accompanist
            rows.append({"person": pid, "item": item_id,
                         "self": float(own.level) if own and own.level is not None else float("nan"),
                         "co": float(co.level) if co and co.level is not None else float("nan")})
        if not view.items:
            rows.append({"person": pid, "item": "", "self": float("nan"), "co": float("nan")})
    return pd.DataFrame(rows, columns=["person", "item", "self", "co"])


def gap_matrix(ctx: Context, identity: Identity, person_ids: Sequence[str], target: Target) -> pd.DataFrame:
    """One row per person, one column per graded requirement of ``target`` (circles missing), plus
    ``total_gap`` and ``met``; rows in the order of ``person_ids``."""
    requirements = {r.item: r.level for r in target.requirements if r.graded}
    if not person_ids or not requirements:
        return pd.DataFrame(columns=[*requirements, "total_gap", "met"])
    # The group read of ``group_records`` (access, audit), fetching only the latest levels on the target's items.
    _, rows = read_group_with(ctx, identity, person_ids, lambda s, ids: bulk.latest_levels(s, ids, list(requirements)))
    frame = pd.DataFrame(rows, columns=["person", "item", "role", "level"])
    frame["level"] = frame["level"].astype(float)
    own = frame[frame["role"] == "self"].set_index(["person", "item"])["level"]
    co = frame[frame["role"] == "accompanist"].set_index(["person", "item"])["level"]
    both = pd.concat({"self": own, "co": co}, axis=1).reset_index()
    people = pd.DataFrame({"person": list(dict.fromkeys(person_ids)), "item": "", "self": float("nan"),
                           "co": float("nan")})  # every member has a row, positioned or not
    long = pd.concat([both.reindex(columns=["person", "item", "self", "co"]), people], ignore_index=True)
    return cohort_gaps(long, requirements).reindex(list(person_ids))


def course_links(ctx: Context, identity: Identity, person_ids: Sequence[str], target_id: str
                 ) -> tuple[Target, list[CourseLink]]:
    target = resolve(ctx, target_id)
    records = group_records(ctx, identity, person_ids)
    profiles = [profile_from_record(ctx.bundle, *records[pid]) for pid in person_ids]
    return target, design_course_links(ctx.bundle, profiles, target)


def _link_key(key: str) -> str:
    """``rectec:C01#2`` → ``C01 (cercle 2)``."""
    item, _, level = key.partition("#")
    return f"{item.split(':')[-1]} (cercle {level})"


def links_frame(links: Sequence[CourseLink], labels: dict[str, str], columns: dict[str, str]) -> pd.DataFrame:
    """The maillons as an editable table; ``columns`` maps field names to the displayed (French) headers."""
    rows = []
    for link in links:
        rows.append({
            "order": link.order, "title": link.title, "competency": link.competency_label,
            "from_level": link.from_level, "to_level": link.to_level, "hours": link.hours,
            "situations": " ; ".join(s["label"] for s in link.situations),
            "people": ", ".join(labels.get(p, p) for p in link.people),
            "after": ", ".join(_link_key(a) for a in link.after),
        })
    frame = pd.DataFrame(rows, columns=["order", "title", "competency", "from_level", "to_level", "hours",
                                        "situations", "people", "after"])
    return frame.rename(columns=columns)


def frame_to_csv(frame: pd.DataFrame) -> bytes:
    """CSV for a French spreadsheet: UTF-8 with BOM, ``;`` separator, formula-like cells neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([neutralise("" if pd.isna(v) else str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
