"""The profile file: one format, one definition (docs/profile-format.md).

Read by ``competency-graph recommend|gaps|pathway|course-links`` and by the profile import of the record
(:mod:`competency_graph.services.profiles`), written by its export. Both read it through :func:`parse_profile`,
so they accept and refuse the same files.

```yaml
person: {id: p1, status: esat, age: 34, writing: limited, networks: [rae], goal: certification,
         pec_enrolled_on: 2022-11-30, placement_planned: false}
structure:                               # facts of the person's structure (optional; written on export)
  kind: esat
  networks: [{network: rae, trained_staff: 2}, {network: rsfp, field: propreté, field_structures: 2}]
  branch_agreements: [{branch: UIMM, cqps: [cqp:agent-logistique]}]
experience: [{job: rome:N1103, months: 14, in_pec: false, current: true}]     # undated experience
contracts: [{kind: pec, start: 2021-09-15, end: 2022-09-14, job: rsfp:agent-de-nettoyage-de-locaux}]
held: [{certification: rncp:RNCP38386, outcome: partial, blocs: [rncp:RNCP38386BC01], awarded_on: 2023-06-30}]
target: rncp:RNCP38386
positions: [{item: rectec:C01, self: 2, co: 3}, {item: rae:cuisinier/A1, self: acquis}]
```

Every key added since the first format is optional: older files load unchanged (``networks`` and
``network_peers`` on the person still say the structure's networks and RSFP structures of the field).
Inside the known keys nothing unknown is accepted (a typo is an error); unknown keys at the top level are
kept and written back untouched, so other tools may add their own, unless they look like a misspelt known
key. A state is ``acquired``, ``in_progress``, ``not_yet`` or its French spelling (``acquis``, ``en cours``,
``pas encore``), in any case. Every refusal is a French message naming the field (``positions[0].self``).

>>> text = "{person: {id: p1, status: ime, age: 13}, positions: [{item: 'rae:cuisinier/A1', self: Acquis}]}"
>>> parse_profile(text).positions[0].values
{'self': 'acquired'}
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Annotated, Any, Protocol

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..ids import ID_PATTERN
from ..messages import t
from ..problems import Location, Problem, ReferentialError
from ..vocab import (
    FRENCH_STATES,
    STATE_RANK,
    AuthorRole,
    ContractKind,
    Goal,
    HeldOutcome,
    Network,
    PersonStatus,
    State,
    WritingLevel,
    values,
)
from ..yamlsource import Positions, read_positioned
from .profile_problems import french_problems, problem, yaml_problems

__all__ = ["Person", "Experience", "Position", "TargetProfile", "Profile", "Contract", "Held", "NetworkFact",
           "BranchAgreement", "StructureFacts", "ItemScales", "position_problems", "load_profile", "load_target_profile", "parse_profile", "dump_profile",
           "write_profile", "profile_data", "STATUSES", "STATE_LEVEL", "CONTRACT_KINDS", "WORK_CONTRACT_KINDS",
           "ROLE_KEYS", "AGE_MIN", "AGE_MAX", "MAX_PROFILE_BYTES"]

STATUSES = values(PersonStatus)
#: kinds of contracts and work situations (same vocabulary as the store's ``facts_models.CONTRACT_KINDS``)
CONTRACT_KINDS = values(ContractKind)
#: contracts that are employment (experience counted for VAE); placements give a work situation only
WORK_CONTRACT_KINDS = frozenset({"pec", "cddi", "esat", "cdd", "cdi", "apprenticeship", "interim", "other"})
#: states of non-graded items (activities, bloc competencies) on a 0–2 scale; "acquired" is 2
STATE_LEVEL = STATE_RANK
#: a position's keys in the file and the author role each is stored as
ROLE_KEYS: dict[str, str] = {"self": AuthorRole.SELF.value, "co": AuthorRole.ACCOMPANIST.value,
                             "jury": AuthorRole.JURY.value, "tutor": AuthorRole.TUTOR.value}
#: ages accepted (docs/profile-format.md): IME and ITEP take young teenagers; ESAT, EA and caregivers have no
#: upper age limit, so the ceiling only catches a typo (a year of birth written as an age)
AGE_MIN, AGE_MAX = 10, 120
#: a profile file larger than this is refused unread
MAX_PROFILE_BYTES = 2 * 1024 * 1024


def _date(value: Any) -> dt.date:
    """A date written ``2024-01-31`` (YAML date or ISO text); not a date-time, not a number."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(t("profile.date_expected"))
    return value


def _position_value(value: Any) -> int | str | None:
    """A level (an integer) or a state, English or French, in any case (normalised to the English value)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = " ".join(value.strip().lower().split())
        state = FRENCH_STATES.get(word) or (State(word) if word in values(State) else None)
        if state is not None:
            return state.value
    raise ValueError(t("profile.level_or_state"))


Date = Annotated[dt.date, PlainValidator(_date)]
PositionValue = Annotated[int | str | None, PlainValidator(_position_value)]
ItemId = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]


def _none_is_empty(value: Any) -> Any:
    """``experience:`` written with nothing after it is an empty list."""
    return [] if value is None else value


class _Strict(BaseModel):
    # Vocabulary fields are vocab enums; values are kept as their plain strings.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, validate_default=True)


class Person(_Strict):
    id: str = Field(min_length=1, max_length=64, pattern=r"\S")
    status: PersonStatus
    age: StrictInt | None = Field(None, ge=AGE_MIN, le=AGE_MAX)
    writing: WritingLevel = WritingLevel.LIMITED
    networks: list[Network] = Field(default_factory=list)
    network_peers: StrictInt | None = Field(None, ge=0, description="Structures of the same field in the person's network(s).")
    goal: Goal = Goal.RECOGNITION
    name: str | None = Field(None, min_length=1, max_length=200, description="Display name (import only).")
    structure: str | None = None
    pec_enrolled_on: Date | None = Field(None, description="Enrolment in Compétences PEC (seed 000).")
    placement_planned: StrictBool | None = Field(None, description="A company placement is planned (RAE 'je COMPARE').")

    _lists = field_validator("networks", mode="before")(_none_is_empty)


class NetworkFact(_Strict):
    """The structure's membership of a recognition network, with the facts the rules read."""

    network: Network
    trained_staff: StrictInt | None = Field(None, ge=0)
    field: str | None = None
    field_structures: StrictInt | None = Field(None, ge=1, description="Structures of the field in the network, "
                                                                        "this one included (RSFP needs ≥ 2).")
    since: Date | None = None


class BranchAgreement(_Strict):
    branch: str = Field(min_length=1)
    cqps: list[str] = Field(default_factory=list)
    since: Date | None = None


class StructureFacts(_Strict):
    id: str | None = None
    kind: str | None = None
    field: str | None = None
    networks: list[NetworkFact] = Field(default_factory=list)
    branch_agreements: list[BranchAgreement] = Field(default_factory=list)


class Contract(_Strict):
    """A dated contract or work situation; ``end`` None: still running."""

    kind: ContractKind
    start: Date
    end: Date | None = None
    job: ItemId | None = None

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end <= start:
            raise ValueError(t("profile.end_before_start"))
        return end


class Held(_Strict):
    """A certification (total) or some of its blocs (partial), an RAE attestation, an RSFP portfolio."""

    certification: ItemId
    outcome: HeldOutcome = HeldOutcome.TOTAL
    blocs: list[ItemId] = Field(default_factory=list)
    awarded_on: Date
    jury: str | None = None
    modality: str | None = None


class Experience(_Strict):
    job: ItemId
    months: StrictInt = Field(ge=0, le=600)
    in_pec: StrictBool = False
    current: StrictBool = False


class Position(_Strict):
    """The values given to one item: circles for graded items, states otherwise; by the person (``self``),
    the accompanist (``co``), a jury, a tutor. Self and accompanist are kept apart, never merged."""

    item: ItemId
    self: PositionValue = None
    co: PositionValue = None
    jury: PositionValue = None
    tutor: PositionValue = None

    @model_validator(mode="after")
    def _one_view_at_least(self) -> Position:
        if all(getattr(self, key) is None for key in ROLE_KEYS):
            raise ValueError(t("profile.position_empty"))
        return self

    @property
    def values(self) -> dict[str, int | str]:
        """The values given, keyed as in the file (``self``, ``co``, ``jury``, ``tutor``)."""
        return {key: value for key in ROLE_KEYS if (value := getattr(self, key)) is not None}

    def get(self, key: str) -> int | str | None:
        return self.values.get(key)

    @staticmethod
    def as_level(value: int | str | None) -> int | None:
        if value is None or isinstance(value, int):
            return value
        return STATE_LEVEL[value]


class TargetProfile(_Strict):
    """A training's entry expectations: a required circle per competency, and required activities/blocs."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    requires: dict[str, int] = Field(default_factory=dict, description="competency id → required level")
    activities: list[str] = Field(default_factory=list)
    blocs: list[str] = Field(default_factory=list)


class Profile(_Strict):
    """A person's profile file; unknown top-level keys are kept (:attr:`extra`) and written back."""

    model_config = ConfigDict(extra="allow")

    person: Person
    structure: StructureFacts | None = None
    experience: list[Experience] = Field(default_factory=list)
    contracts: list[Contract] = Field(default_factory=list)
    held: list[Held] = Field(default_factory=list)
    target: ItemId | TargetProfile | None = None
    positions: list[Position] = Field(default_factory=list)
    expected: list[dict[str, Any]] | None = Field(None, description="Expected recommendations by date (worked examples only).")
    source: str | None = Field(None, description="Where the situation comes from (worked examples).")

    _lists = field_validator("experience", "contracts", "held", "positions", mode="before")(_none_is_empty)

    @field_validator("positions")
    @classmethod
    def _each_item_once(cls, positions: list[Position]) -> list[Position]:
        seen: set[str] = set()
        for position in positions:
            if position.item in seen:
                raise ValueError(t("profile.item_twice", item=position.item))
            seen.add(position.item)
        return positions

    @property
    def extra(self) -> dict[str, Any]:
        """The unknown top-level keys, kept as they were read."""
        return dict(self.model_extra or {})

    def positions_by_item(self) -> dict[str, Position]:
        return {p.item: p for p in self.positions}

    @property
    def target_id(self) -> str | None:
        if isinstance(self.target, TargetProfile):
            return self.target.id
        return self.target


class ItemScales(Protocol):
    """What checking positions needs of the referentials (a :class:`~competency_graph.bundle.Bundle` is one)."""

    def has_item(self, item_id: str) -> bool: ...

    def level_range(self, item_id: str) -> tuple[int, int] | None: ...


def _misspelt_keys(data: dict[Any, Any], positions: Positions, path: str) -> list[Problem]:
    known = list(Profile.model_fields)
    found = []
    for key in data:
        if isinstance(key, str) and key not in known and (close := difflib.get_close_matches(key, known, 1, 0.8)):
            found.append(problem("unknown-field", (key,), t("profile.misspelt_key", name=key, known=close[0]),
                                 positions, path, key=True))
    return found


def position_problems(profile: Profile, scales: ItemScales, positions: Positions | None = None,
                      path: str = "<profile>") -> list[Problem]:
    """Each value given to an item the referentials do not know, outside the item's scale, a state for a
    graded item or a level for one that is not (one problem per value, named ``positions[i].self``)."""
    found = []
    for i, pos in enumerate(profile.positions):
        known = scales.has_item(pos.item)
        bounds = scales.level_range(pos.item) if known else None
        for key, value in pos.values.items():
            if not known:
                message = t("profile.unknown_item", item=pos.item)
            elif bounds is None and not isinstance(value, str):
                message = t("profile.state_required", item=pos.item)
            elif bounds is not None and not (isinstance(value, int) and bounds[0] <= value <= bounds[1]):
                message = t("profile.level_required", item=pos.item, low=bounds[0], high=bounds[1])
            else:
                continue
            found.append(problem("unknown-item" if not known else "item-scale", ("positions", i, key), message,
                                 positions or {}, path))
    return found


def _too_large(path: str) -> ReferentialError:
    return ReferentialError([Problem("too-large", t("profile.file_too_large", limit=MAX_PROFILE_BYTES // (1024 * 1024)),
                                     Location(path))])


def _mapping(source: str | bytes, path: str) -> tuple[dict[Any, Any], Positions]:
    """The YAML mapping of a profile file and where each value stands; ReferentialError (French) otherwise."""
    if len(source) > MAX_PROFILE_BYTES:
        raise _too_large(path)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReferentialError([Problem("encoding", t("profile.not_utf8"), Location(path))]) from None
    data, positions, problems = read_positioned(source, path)
    if problems:
        raise ReferentialError(yaml_problems(problems))
    if not isinstance(data, dict):
        raise ReferentialError([Problem("not-a-mapping", t("profile.not_a_mapping"), Location(path, 1, 1))])
    return data, positions


def _file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise _too_large(str(path))
        return path.read_bytes()
    except OSError as exc:
        raise ReferentialError([Problem("io-error", t("profile.unreadable_file", detail=exc.strerror),
                                        Location(str(path)))]) from None


def parse_profile(source: str | bytes, path: str = "<profile>", *, scales: ItemScales | None = None) -> Profile:
    """Read a profile (YAML text or bytes); raises ReferentialError with French, located problems
    (``file:line:col``). With ``scales`` (the loaded referentials), each position's item must exist and its
    values fit the item's scale, as the record checks on import."""
    data, positions = _mapping(source, path)
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ReferentialError(french_problems(exc, positions, path) + _misspelt_keys(data, positions, path)) from None
    problems = _misspelt_keys(data, positions, path)
    if scales is not None:
        problems += position_problems(profile, scales, positions, path)
    if problems:
        raise ReferentialError(problems)
    return profile


def load_profile(path: Path | str, *, scales: ItemScales | None = None) -> Profile:
    """Read one profile file (UTF-8 YAML, at most :data:`MAX_PROFILE_BYTES`)."""
    return parse_profile(_file(Path(path)), str(path), scales=scales)


def load_target_profile(path: Path | str) -> TargetProfile:
    """Read a target-profile file (``--target FILE.yaml``); ReferentialError with French, located problems."""
    data, positions = _mapping(_file(Path(path)), str(path))
    try:
        return TargetProfile.model_validate(data)
    except ValidationError as exc:
        raise ReferentialError(french_problems(exc, positions, str(path))) from None


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile as plain data, keys in the documented order, what was not given left out."""
    data = profile.model_dump(mode="python", exclude_unset=True, exclude_none=True)
    for key in ("experience", "contracts", "held", "positions"):
        if not data.get(key):
            data.pop(key, None)
    return data


def dump_profile(profile: Profile) -> str:
    """The YAML text of a profile (what :func:`parse_profile` reads back as the same profile)."""
    text: str = yaml.safe_dump(profile_data(profile), sort_keys=False, allow_unicode=True, default_flow_style=None,
                               width=120)
    return text


def write_profile(profile: Profile, path: Path | str) -> None:
    Path(path).write_text(dump_profile(profile), encoding="utf-8")
