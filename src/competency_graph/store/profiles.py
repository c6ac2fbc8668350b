"""Profile files: a person's profile and positions as YAML, in the format read by ``competency-graph recommend``.

```yaml
person: {id: p1, status: esat, age: 34, writing: limited, networks: [rae, rsfp], goal: certification}
experience: [{job: rome:N1103, months: 14, in_pec: false, current: true}]
target: rncp:RNCP38386        # optional
positions: [{item: rectec:C01, self: 2, co: 3}]
```

Facts for the recognition rules (all optional, so older files load unchanged): ``person.pec_enrolled_on``,
``person.placement_planned``, ``contracts: [{kind, start, end, job}]`` and ``held: [{certification, outcome,
blocs, awarded_on, jury, modality}]`` are imported into the record (a contract or certification already
there is not added twice); ``structure:`` (the structure's networks and branch agreements) is written on
export and kept untouched on import (structure facts are changed by its admins, not through a person).

``self`` / ``co`` (accompanist; also ``jury`` and ``tutor``) hold a level for graded items or a state
(``acquired``, ``in_progress``, ``not_yet``; French ``acquis``, ``en cours``, ``pas encore`` accepted).
Unknown keys are kept and written back untouched, so other tools may add their own. Loading is safe
(``yaml.SafeLoader``) and refuses duplicate keys, naming the line and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..vocab import FRENCH_STATES
from .errors import StoreError
from .facts_models import CONTRACT_KINDS, HELD_OUTCOMES
from .models import GOALS, NETWORKS, PERSON_STATUSES, STATES, WRITING_LEVELS
from .profile_facts import ProfileContract, ProfileHeld
from .records import ExperienceEntry

__all__ = ["Profile", "ProfilePerson", "ProfilePosition", "ProfileContract", "ProfileHeld", "load_profile", "read_profile", "dump_profile",
           "write_profile", "MAX_PROFILE_BYTES", "ROLE_KEYS"]

MAX_PROFILE_BYTES = 2 * 1024 * 1024
ROLE_KEYS = {"self": "self", "co": "accompanist", "jury": "jury", "tutor": "tutor"}
_FRENCH_STATES: dict[str, str] = {k: v.value for k, v in FRENCH_STATES.items()}


@dataclass(frozen=True)
class ProfilePerson:
    id: str
    status: str
    age: int | None = None
    writing: str | None = None
    networks: tuple[str, ...] | None = None
    goal: str | None = None
    name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    pec_enrolled_on: dt.date | None = None
    placement_planned: bool | None = None


@dataclass(frozen=True)
class ProfilePosition:
    """One item with the value given by each role, keyed as in the file: ``self``, ``co``, ``jury``, ``tutor``."""

    item: str
    values: dict[str, int | str] = field(default_factory=dict)

    def get(self, key: str) -> int | str | None:
        return self.values.get(key)


@dataclass(frozen=True)
class Profile:
    person: ProfilePerson
    experience: tuple[ExperienceEntry, ...] = ()
    target: str | None = None
    positions: tuple[ProfilePosition, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    contracts: tuple[ProfileContract, ...] | None = None
    """None: the file has no ``contracts`` key (import leaves the record's contracts alone)."""
    held: tuple[ProfileHeld, ...] | None = None


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)) and key is not None:  # found by the fuzzer: [a]: b
                raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value",
                                                        key_node.start_mark)
            if key in seen:
                mark = key_node.start_mark
                raise StoreError(code="profile_duplicate_key",
                                 params={"line": mark.line + 1, "column": mark.column + 1, "key": key})
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _bad(path: str, *, message: str, **params: Any) -> StoreError:
    """``profile_invalid`` at ``path``; ``message`` is the catalogue key saying what was expected."""
    return StoreError(code="profile_invalid", params={"path": path, **params}, message=message)


def _mapping(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(path, message="profile_invalid.mapping")
    return value


def _str(value: Any, path: str, *, allowed: tuple[str, ...] | None = None, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _bad(path, message="profile_invalid.text")
    if allowed is not None and value not in allowed:
        raise _bad(path, message="profile_invalid.choice", value=value, options=", ".join(allowed))
    return value


def _int(value: Any, path: str, low: int, high: int, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(path, message="profile_invalid.integer", low=low, high=high)
    return value


def _bool(value: Any, path: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _bad(path, message="profile_invalid.boolean")
    return value


def _date(value: Any, path: str, *, optional: bool = True) -> dt.date | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _bad(path, message="profile_invalid.date")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(path, message="profile_invalid.list")
    return value


def _contracts(value: Any) -> tuple[ProfileContract, ...]:
    found = []
    for i, raw in enumerate(_list(value, "contracts")):
        raw = _mapping(raw, f"contracts[{i}]")
        unknown = set(raw) - {"kind", "start", "end", "job"}
        if unknown:
            raise _bad(f"contracts[{i}]", message="profile_invalid.unknown_keys",
                       keys=", ".join(sorted(map(str, unknown))))
        start = _date(raw.get("start"), f"contracts[{i}].start", optional=False)
        end = _date(raw.get("end"), f"contracts[{i}].end")
        if start is not None and end is not None and end <= start:
            raise _bad(f"contracts[{i}].end", message="profile_invalid.end_before_start")
        found.append(ProfileContract(str(_str(raw.get("kind"), f"contracts[{i}].kind", allowed=CONTRACT_KINDS)),
                                     start or dt.date.min, end, _str(raw.get("job"), f"contracts[{i}].job",
                                                                     optional=True)))
    return tuple(found)


def _held(value: Any) -> tuple[ProfileHeld, ...]:
    found = []
    for i, raw in enumerate(_list(value, "held")):
        raw = _mapping(raw, f"held[{i}]")
        unknown = set(raw) - {"certification", "outcome", "blocs", "awarded_on", "jury", "modality"}
        if unknown:
            raise _bad(f"held[{i}]", message="profile_invalid.unknown_keys",
                       keys=", ".join(sorted(map(str, unknown))))
        blocs = tuple(str(_str(b, f"held[{i}].blocs[{j}]")) for j, b in enumerate(_list(raw.get("blocs"),
                                                                                          f"held[{i}].blocs")))
        found.append(ProfileHeld(
            certification=str(_str(raw.get("certification"), f"held[{i}].certification")),
            outcome=str(_str(raw.get("outcome", "total"), f"held[{i}].outcome", allowed=HELD_OUTCOMES)),
            awarded_on=_date(raw.get("awarded_on"), f"held[{i}].awarded_on", optional=False) or dt.date.min,
            blocs=blocs, jury=_str(raw.get("jury"), f"held[{i}].jury", optional=True),
            modality=_str(raw.get("modality"), f"held[{i}].modality", optional=True)))
    return tuple(found)


def _position_value(value: Any, path: str) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _bad(path, message="profile_invalid.level_or_state")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        state = _FRENCH_STATES.get(value.strip().lower(), value.strip())
        if state in STATES:
            return state
    raise _bad(path, message="profile_invalid.level_or_state_named")


def load_profile(source: str | bytes | Path) -> Profile:
    """Parse a profile from YAML text, bytes or a file path; :class:`StoreError` on any problem."""
    if isinstance(source, Path):
        if source.stat().st_size > MAX_PROFILE_BYTES:
            raise StoreError(code="profile_too_large")
        source = source.read_bytes()
    if isinstance(source, bytes):
        if len(source) > MAX_PROFILE_BYTES:
            raise StoreError(code="profile_too_large")
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StoreError(code="profile_encoding") from exc
    try:
        data = yaml.load(source, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            raise StoreError(code="profile_yaml") from exc
        raise StoreError(code="profile_yaml", params={"line": mark.line + 1, "column": mark.column + 1},
                         message="profile_yaml.located") from exc
    return profile_from_data(data)


def profile_from_data(data: Any) -> Profile:
    """Check and convert the parsed YAML (a mapping) into a :class:`Profile`."""
    data = _mapping(data, "racine")
    person_data = _mapping(data.get("person"), "person")
    known_person = {"id", "status", "age", "writing", "networks", "goal", "name", "pec_enrolled_on",
                    "placement_planned"}
    networks = person_data.get("networks")
    if networks is not None:
        if not isinstance(networks, list):
            raise _bad("person.networks", message="profile_invalid.list")
        networks = tuple(str(_str(n, f"person.networks[{i}]", allowed=NETWORKS)) for i, n in enumerate(networks))
    person = ProfilePerson(
        id=str(_str(person_data.get("id"), "person.id")),
        status=str(_str(person_data.get("status"), "person.status", allowed=PERSON_STATUSES)),
        age=_int(person_data.get("age"), "person.age", 10, 120, optional=True),
        writing=_str(person_data.get("writing"), "person.writing", allowed=WRITING_LEVELS, optional=True),
        networks=networks,
        goal=_str(person_data.get("goal"), "person.goal", allowed=GOALS, optional=True),
        name=_str(person_data.get("name"), "person.name", optional=True),
        extra={k: v for k, v in person_data.items() if k not in known_person},
        pec_enrolled_on=_date(person_data.get("pec_enrolled_on"), "person.pec_enrolled_on"),
        placement_planned=(_bool(person_data.get("placement_planned"), "person.placement_planned")
                           if person_data.get("placement_planned") is not None else None),
    )
    experience_data = data.get("experience") or []
    if not isinstance(experience_data, list):
        raise _bad("experience", message="profile_invalid.list")
    experience = []
    for i, raw in enumerate(experience_data):
        raw = _mapping(raw, f"experience[{i}]")
        experience.append(ExperienceEntry(
            job=str(_str(raw.get("job"), f"experience[{i}].job")),
            months=int(_int(raw.get("months"), f"experience[{i}].months", 0, 600) or 0),
            in_pec=_bool(raw.get("in_pec"), f"experience[{i}].in_pec"),
            current=_bool(raw.get("current"), f"experience[{i}].current"),
        ))
    positions_data = data.get("positions") or []
    if not isinstance(positions_data, list):
        raise _bad("positions", message="profile_invalid.list")
    positions = []
    seen: set[str] = set()
    for i, raw in enumerate(positions_data):
        raw = _mapping(raw, f"positions[{i}]")
        unknown = set(raw) - {"item", *(ROLE_KEYS)}
        if unknown:
            raise _bad(f"positions[{i}]", message="profile_invalid.unknown_keys",
                       keys=", ".join(sorted(map(str, unknown))))
        item = str(_str(raw.get("item"), f"positions[{i}].item"))
        if item in seen:
            raise _bad(f"positions[{i}].item", message="profile_invalid.duplicate_item", item=item)
        seen.add(item)
        values = {k: _position_value(raw.get(k), f"positions[{i}].{k}") for k in ROLE_KEYS}
        positions.append(ProfilePosition(item, {k: v for k, v in values.items() if v is not None}))
    return Profile(
        person=person,
        experience=tuple(experience),
        target=_str(data.get("target"), "target", optional=True),
        positions=tuple(positions),
        extra={k: v for k, v in data.items()
               if k not in {"person", "experience", "target", "positions", "contracts", "held"}},
        contracts=_contracts(data["contracts"]) if "contracts" in data else None,
        held=_held(data["held"]) if "held" in data else None,
    )


def read_profile(path: Path | str) -> Profile:
    return load_profile(Path(path))


def _profile_data(profile: Profile) -> dict[str, Any]:
    p = profile.person
    person: dict[str, Any] = {"id": p.id, "status": p.status}
    for key in ("age", "writing", "networks", "goal", "name", "pec_enrolled_on", "placement_planned"):
        value = getattr(p, key)
        if value is not None:
            person[key] = list(value) if key == "networks" else value
    person.update(p.extra)
    data: dict[str, Any] = {"person": person}
    if profile.experience:
        data["experience"] = [{"job": e.job, "months": e.months, "in_pec": e.in_pec, "current": e.current}
                              for e in profile.experience]
    if profile.contracts:
        data["contracts"] = [{k: v for k, v in (("kind", c.kind), ("start", c.start), ("end", c.end), ("job", c.job))
                              if v is not None} for c in profile.contracts]
    if profile.held:
        data["held"] = [{k: v for k, v in (("certification", h.certification), ("outcome", h.outcome),
                                           ("blocs", list(h.blocs) or None), ("awarded_on", h.awarded_on),
                                           ("jury", h.jury), ("modality", h.modality)) if v is not None}
                        for h in profile.held]
    if profile.target:
        data["target"] = profile.target
    if profile.positions:
        data["positions"] = [
            {"item": pos.item, **{k: pos.values[k] for k in ROLE_KEYS if k in pos.values}}
            for pos in profile.positions
        ]
    data.update(profile.extra)
    return data


def dump_profile(profile: Profile) -> str:
    """The YAML text of a profile (keys in the documented order)."""
    return yaml.safe_dump(_profile_data(profile), sort_keys=False, allow_unicode=True, default_flow_style=None,
                          width=120)


def write_profile(profile: Profile, path: Path | str) -> None:
    Path(path).write_text(dump_profile(profile), encoding="utf-8")
