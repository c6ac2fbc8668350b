"""The profile file read by ``competency-graph recommend|gaps|pathway|course-links`` (docs/profile-format.md).

```yaml
person: {id: p1, status: esat, age: 34, writing: limited, networks: [rae], goal: certification,
         pec_enrolled_on: 2022-11-30, placement_planned: false}
structure:                               # facts of the person's structure (optional)
  kind: esat
  networks: [{network: rae, trained_staff: 2}, {network: rsfp, field: propreté, field_structures: 2}]
  branch_agreements: [{branch: UIMM, cqps: [cqp:agent-logistique]}]
experience: [{job: rome:N1103, months: 14, in_pec: false, current: true}]     # undated experience
contracts: [{kind: pec, start: 2021-09-15, end: 2022-09-14, job: rsfp:agent-de-nettoyage-de-locaux}]
held: [{certification: rncp:RNCP38386, outcome: partial, blocs: [rncp:RNCP38386BC01], awarded_on: 2023-06-30}]
target: rncp:RNCP38386
positions: [{item: rectec:C01, self: 2, co: 3}]
```

Every key added since the first format is optional: older files load unchanged (``networks`` and
``network_peers`` on the person still say the structure's networks and RSFP structures of the field).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..ids import ID_PATTERN
from ..problems import Location, Problem, ReferentialError
from ..vocab import STATE_RANK, ContractKind, Goal, HeldOutcome, Network, PersonStatus, State, WritingLevel, values
from ..yamlsource import read_positioned

__all__ = ["Person", "Experience", "Position", "TargetProfile", "Profile", "Contract", "Held", "NetworkFact",
           "BranchAgreement", "StructureFacts", "load_profile", "parse_profile", "STATUSES", "STATE_LEVEL",
           "CONTRACT_KINDS", "WORK_CONTRACT_KINDS"]

STATUSES = values(PersonStatus)
#: kinds of contracts and work situations (same vocabulary as the store's ``facts_models.CONTRACT_KINDS``)
CONTRACT_KINDS = values(ContractKind)
#: contracts that are employment (experience counted for VAE); placements give a work situation only
WORK_CONTRACT_KINDS = frozenset({"pec", "cddi", "esat", "cdd", "cdi", "apprenticeship", "interim", "other"})
#: states of non-graded items (activities, bloc competencies) on a 0–2 scale; "acquired" is 2
STATE_LEVEL = STATE_RANK


class _Strict(BaseModel):
    # Vocabulary fields are vocab enums; values are kept as their plain strings.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, validate_default=True)


class Person(_Strict):
    id: str = Field(min_length=1)
    status: PersonStatus
    age: int | None = Field(None, ge=10, le=100)
    writing: WritingLevel = WritingLevel.LIMITED
    networks: list[Network] = Field(default_factory=list)
    network_peers: int | None = Field(None, ge=0, description="Structures of the same field in the person's network(s).")
    goal: Goal = Goal.RECOGNITION
    structure: str | None = None
    pec_enrolled_on: dt.date | None = Field(None, description="Enrolment in Compétences PEC (seed 000).")
    placement_planned: bool | None = Field(None, description="A company placement is planned (RAE 'je COMPARE').")


class NetworkFact(_Strict):
    """The structure's membership of a recognition network, with the facts the rules read."""

    network: Network
    trained_staff: int | None = Field(None, ge=0)
    field: str | None = None
    field_structures: int | None = Field(None, ge=1, description="Structures of the field in the network, "
                                                                  "this one included (RSFP needs ≥ 2).")
    since: dt.date | None = None


class BranchAgreement(_Strict):
    branch: str = Field(min_length=1)
    cqps: list[str] = Field(default_factory=list)
    since: dt.date | None = None


class StructureFacts(_Strict):
    id: str | None = None
    kind: str | None = None
    field: str | None = None
    networks: list[NetworkFact] = Field(default_factory=list)
    branch_agreements: list[BranchAgreement] = Field(default_factory=list)


class Contract(_Strict):
    """A dated contract or work situation; ``end`` None: still running."""

    kind: ContractKind
    start: dt.date
    end: dt.date | None = None
    job: str | None = Field(None, pattern=ID_PATTERN)

    @model_validator(mode="after")
    def _ordered(self) -> Contract:
        if self.end is not None and self.end <= self.start:
            raise ValueError("a contract ends after it starts")
        return self


class Held(_Strict):
    """A certification (total) or some of its blocs (partial), an RAE attestation, an RSFP portfolio."""

    certification: str = Field(pattern=ID_PATTERN)
    outcome: HeldOutcome = HeldOutcome.TOTAL
    blocs: list[str] = Field(default_factory=list)
    awarded_on: dt.date
    jury: str | None = None
    modality: str | None = None


class Experience(_Strict):
    job: str = Field(pattern=ID_PATTERN)
    months: int = Field(ge=0, le=600)
    in_pec: bool = False
    current: bool = False


class Position(_Strict):
    """Self and accompanist positionings of one item: circles for graded items, states otherwise."""

    item: str = Field(pattern=ID_PATTERN)
    self: int | State | None = None
    co: int | State | None = None

    @model_validator(mode="after")
    def _one_view_at_least(self) -> Position:
        if self.self is None and self.co is None:
            raise ValueError("a position needs 'self' or 'co'")
        return self

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
    person: Person
    structure: StructureFacts | None = None
    experience: list[Experience] = Field(default_factory=list)
    contracts: list[Contract] = Field(default_factory=list)
    held: list[Held] = Field(default_factory=list)
    target: str | TargetProfile | None = None
    positions: list[Position] = Field(default_factory=list)
    expected: list[dict[str, Any]] | None = Field(None, description="Expected recommendations by date (worked examples only).")
    source: str | None = Field(None, description="Where the situation comes from (worked examples).")

    def positions_by_item(self) -> dict[str, Position]:
        return {p.item: p for p in self.positions}

    @property
    def target_id(self) -> str | None:
        if isinstance(self.target, TargetProfile):
            return self.target.id
        return self.target


def parse_profile(text: str, path: str = "<profile>") -> Profile:
    """Parse a profile; raises ReferentialError with located problems (``file:line:col``)."""
    from ..loader import validation_problems

    data, positions, problems = read_positioned(text, path)
    if problems:
        raise ReferentialError(problems)
    if not isinstance(data, dict):
        raise ReferentialError([Problem("not-a-mapping", "a profile is a mapping with a 'person' key", Location(path, 1, 1))])
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ReferentialError(validation_problems(exc, positions, path)) from None


def load_profile(path: Path) -> Profile:
    """Read one profile file (UTF-8 YAML)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferentialError([Problem("io-error", f"cannot read profile: {exc}", Location(str(path)))]) from None
    return parse_profile(text, str(path))
