"""The closed vocabularies of the domain, declared once.

Each is a :class:`~enum.StrEnum` whose values are what is stored (database CHECK constraints), written in
files (profiles, CSV) and used as message keys (``state.acquired``, ``status.esat``…). The pydantic models,
the store's constraints and the profile format all read them from here.

>>> State("acquired") is State.ACQUIRED
True
>>> values(WritingLevel)
('none', 'limited', 'fluent')
>>> message_key(State.IN_PROGRESS)
'state.in_progress'

A value is its own string (what the database stores), and a typo is refused where it is read:

>>> State.ACQUIRED == "acquired", f"{State.NOT_YET}"
(True, 'not_yet')
>>> try:
...     State("aquired")
... except ValueError as exc:
...     print(exc)
'aquired' is not a valid State

Every value of the vocabularies the pages show has its French label in the message catalogue:

>>> from competency_graph.messages import FR
>>> [message_key(m) for vocabulary in (State, PersonStatus, WritingLevel, Goal) for m in vocabulary
...  if message_key(m) not in FR]
[]
>>> FR[message_key(State.ACQUIRED)], FRENCH_STATES["en cours"]
('Je sais faire', <State.IN_PROGRESS: 'in_progress'>)
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar, overload

__all__ = ["State", "PersonStatus", "WritingLevel", "Goal", "Network", "StructureKind", "UserRole", "AuthorRole",
           "EvidenceKind", "RaeModality", "EndorserRelation", "FollowUpKind", "FollowUpStatus", "Milestone",
           "Prescriber", "ContractKind", "HeldOutcome", "ValidatorRole", "AuditAction", "AuditOutcome", "STATE_RANK", "FRENCH_STATES", "values", "message_key",
           "retained", "state_rank"]

E = TypeVar("E", bound=StrEnum)
V = TypeVar("V")


class State(StrEnum):
    """Where a person stands on an item that is not graded by level."""

    ACQUIRED = "acquired"
    IN_PROGRESS = "in_progress"
    NOT_YET = "not_yet"


class PersonStatus(StrEnum):
    ESAT = "esat"
    EA = "ea"
    IME = "ime"
    ITEP = "itep"
    IMPRO = "impro"
    SIAE = "siae"
    PEC = "pec"
    JOB_SEEKER = "job_seeker"
    EMPLOYEE = "employee"
    VOLUNTEER = "volunteer"
    CAREGIVER = "caregiver"


class WritingLevel(StrEnum):
    NONE = "none"
    LIMITED = "limited"
    FLUENT = "fluent"


class Goal(StrEnum):
    CERTIFICATION = "certification"
    RECOGNITION = "recognition"
    EMPLOYMENT = "employment"
    TRAINING = "training"


class Network(StrEnum):
    RAE = "rae"
    RAE_RECTEC = "rae-rectec"
    RSFP = "rsfp"
    CLEA = "clea"
    AFEST = "afest"
    OPEN_BADGE = "open-badge"


class StructureKind(StrEnum):
    ESAT = "esat"
    EA = "ea"
    IME = "ime"
    ITEP = "itep"
    IMPRO = "impro"
    SIAE_ACI = "siae-aci"
    SIAE_EI = "siae-ei"
    SIAE_ETTI = "siae-etti"
    PEC_EMPLOYER = "pec-employer"
    TRAINING_CENTRE = "training-centre"
    PRESCRIBER = "prescriber"
    OTHER = "other"


class UserRole(StrEnum):
    CANDIDATE = "candidate"
    ACCOMPANIST = "accompanist"
    TRAINER = "trainer"
    ADMIN = "admin"


class AuthorRole(StrEnum):
    """Who gave a positioning: the person (``self``), their accompanist, a jury, a tutor."""

    SELF = "self"
    ACCOMPANIST = "accompanist"
    JURY = "jury"
    TUTOR = "tutor"


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VIDEO_LINK = "video_link"
    OBSERVATION = "observation"
    ATTESTATION = "attestation"
    ENDORSEMENT = "endorsement"


class RaeModality(StrEnum):
    """The three ways a RAE candidate shows a competency."""

    MONTRER = "montrer"
    EXPLIQUER = "expliquer"
    COMPARER = "comparer"


class EndorserRelation(StrEnum):
    TUTOR = "tutor"
    COLLEAGUE = "colleague"
    EDUCATOR = "educator"
    ACCOMPANIST = "accompanist"
    EMPLOYER = "employer"
    CLIENT = "client"
    FAMILY = "family"
    OTHER = "other"


class FollowUpKind(StrEnum):
    DIAGNOSTIC = "diagnostic"
    TRIPARTITE = "tripartite"
    FOLLOW_UP = "follow_up"
    EXIT = "exit"
    JURY_PREPARATION = "jury_preparation"
    PROJECT_REVIEW = "project_review"


class FollowUpStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class Milestone(StrEnum):
    ONE_MONTH = "one_month"
    MID_CONTRACT = "mid_contract"
    THREE_QUARTERS = "three_quarters"
    EXIT = "exit"


class Prescriber(StrEnum):
    FRANCE_TRAVAIL = "france_travail"
    MISSION_LOCALE = "mission_locale"
    CAP_EMPLOI = "cap_emploi"
    CONSEIL_DEPARTEMENTAL = "conseil_departemental"
    OTHER = "other"


class ContractKind(StrEnum):
    PEC = "pec"
    CDDI = "cddi"
    ESAT = "esat"
    CDD = "cdd"
    CDI = "cdi"
    APPRENTICESHIP = "apprenticeship"
    INTERIM = "interim"
    INTERNSHIP = "internship"
    PMSMP = "pmsmp"
    OTHER = "other"


class HeldOutcome(StrEnum):
    TOTAL = "total"
    PARTIAL = "partial"


class ValidatorRole(StrEnum):
    """Who may validate a competency on proofs."""

    ACCOMPANIST = "accompanist"
    JURY = "jury"


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    CHANGE = "change"
    ERASE = "erase"
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


#: states of non-graded items on a 0–2 scale (``acquired`` is 2), for progress and coverage sums
STATE_RANK: dict[str, int] = {State.NOT_YET: 0, State.IN_PROGRESS: 1, State.ACQUIRED: 2}

#: the French spellings a person may type in a profile or a CSV file, and the state each means
FRENCH_STATES: dict[str, State] = {"acquis": State.ACQUIRED, "en cours": State.IN_PROGRESS,
                                   "en_cours": State.IN_PROGRESS, "pas encore": State.NOT_YET,
                                   "pas_encore": State.NOT_YET}


def values(vocabulary: type[E]) -> tuple[str, ...]:
    """The stored values of a vocabulary, in declaration order (for CHECK constraints and choices).

    >>> values(HeldOutcome)
    ('total', 'partial')
    """
    return tuple(member.value for member in vocabulary)


def message_key(member: StrEnum) -> str:
    """The catalogue key of a vocabulary value: the enum's family then the value (``state.acquired``).

    >>> message_key(PersonStatus.JOB_SEEKER)
    'status.job_seeker'
    """
    family = {State: "state", PersonStatus: "status", WritingLevel: "writing", Goal: "goal"}.get(
        type(member), type(member).__name__.lower())
    return f"{family}.{member.value}"


@overload
def retained(own: int | str | None, accompanist: int | str | None) -> int | str | None: ...
@overload
def retained(own: V | None, accompanist: V | None) -> V | None: ...
def retained(own: object, accompanist: object) -> object:
    """The value that counts for an item: the accompanist's when given, else the person's own.

    >>> retained(2, 3), retained(2, None), retained(None, None)
    (3, 2, None)
    """
    return accompanist if accompanist is not None else own


def state_rank(value: int | str | None) -> int | None:
    """A level as is, a state as its rank on the 0–2 scale, None when unknown.

    >>> state_rank("in_progress"), state_rank(3), state_rank("maybe")
    (1, 3, None)
    """
    if value is None or isinstance(value, int):
        return value
    return STATE_RANK.get(value)
