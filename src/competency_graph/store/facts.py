"""Facts the recognition rules read, in the person's record: read and write functions over a :class:`Repository`.

Stable API (the app's edit screens and the profile import/export build on it; every function takes the
repository first, validates its input and raises :class:`StoreError` with a French message):

Structure facts
    ``structure_facts(repo, structure_id) -> StructureFacts``
    ``set_network(repo, structure_id, network, *, trained_staff=None, field=None, field_structures=None,
    since=None) -> StructureFacts`` — create or replace the membership; also keeps ``structures.networks``
    (the effective networks of its people) in step.
    ``remove_network(repo, structure_id, network) -> StructureFacts``
    ``add_branch_agreement(repo, structure_id, branch, cqps, *, since=None) -> BranchAgreementRecord``
    ``remove_branch_agreement(repo, agreement_id) -> None``

Person facts
    ``rule_facts(repo, person_id) -> (PersonFacts, StructureFacts)`` (one read, for the rules)
    ``person_facts(repo, person_id) -> PersonFacts`` (contracts, certifications held, PEC enrolment,
    planned placement; goal/target/writing stay on the person, see ``Repository.update_person``)
    ``set_person_facts(repo, person_id, *, pec_enrolled_on=UNSET, placement_planned=UNSET) -> PersonFacts``
    ``add_contract(repo, person_id, kind, start, end=None, *, job=None, employer_id=None, weekly_hours=None,
    prescriber=None) -> ContractRecord`` (a PEC contract with an end date also gets its follow-up schedule)
    ``update_contract(repo, contract_id, **changes) -> ContractRecord`` (kind, start, end, job, employer_id,
    weekly_hours, prescriber)
    ``remove_contract(repo, contract_id) -> None``
    ``add_held(repo, person_id, certification, outcome, awarded_on, *, blocs=(), jury=None, modality=None,
    note=None) -> HeldRecord`` (outcome ``total`` or ``partial``; a partial outcome names its blocs)
    ``remove_held(repo, held_id) -> None``

Vocabularies: ``CONTRACT_KINDS``, ``HELD_OUTCOMES``, ``FACT_NETWORKS`` (re-exported from ``facts_models``).
Every write is one transaction; call inside ``repo.transaction`` to group several.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import StoreError
from .facts_models import (
    CONTRACT_KINDS,
    FACT_NETWORKS,
    HELD_OUTCOMES,
    BranchAgreement,
    HeldCertification,
    StructureNetwork,
)
from .facts_records import (
    BranchAgreementRecord,
    HeldRecord,
    NetworkMembership,
    PersonFacts,
    StructureFacts,
    _choice,
    _fact_count,
    _fact_date,
    _fact_id,
    _person,
    _structure,
    _text,
)
from .followup import contract_record
from .models import PRESCRIBERS, Contract, FollowUp, Person, Structure
from .records import ContractRecord
from .schedule import pec_schedule

if TYPE_CHECKING:
    from .repository import Repository

__all__ = [
    "CONTRACT_KINDS",
    "FACT_NETWORKS",
    "HELD_OUTCOMES",
    "UNSET",
    "BranchAgreementRecord",
    "HeldRecord",
    "NetworkMembership",
    "PersonFacts",
    "StructureFacts",
    "add_branch_agreement",
    "add_contract",
    "add_held",
    "person_facts",
    "rule_facts",
    "remove_branch_agreement",
    "remove_contract",
    "remove_held",
    "remove_network",
    "set_network",
    "set_person_facts",
    "structure_facts",
    "update_contract",
]

UNSET: Any = object()


# -- structure facts ---------------------------------------------------------------------------------------

def _structure_facts(s: Session, row: Structure) -> StructureFacts:
    nets = tuple(NetworkMembership(n.network, n.trained_staff, n.field, n.field_structures, n.since)
                 for n in s.scalars(select(StructureNetwork).where(StructureNetwork.structure_id == row.id)
                                    .order_by(StructureNetwork.network)))
    known = {n.network for n in nets}
    # a network listed on the structure without facts (older data) is still a membership, facts unknown
    nets += tuple(NetworkMembership(n) for n in (row.networks or ()) if n not in known)
    agreements = tuple(BranchAgreementRecord(a.id, a.structure_id, a.branch, tuple(a.cqps or ()), a.since)
                       for a in s.scalars(select(BranchAgreement).where(BranchAgreement.structure_id == row.id)
                                          .order_by(BranchAgreement.branch, BranchAgreement.id)))
    return StructureFacts(row.id, row.kind, row.field, tuple(sorted(nets, key=lambda n: n.network)), agreements)


def structure_facts(repo: Repository, structure_id: str) -> StructureFacts:
    """The structure's networks (with their facts) and branch agreements."""
    return repo.run(lambda s: _structure_facts(s, _structure(s, structure_id)), write=False)


def set_network(repo: Repository, structure_id: str, network: str, *, trained_staff: int | None = None,
                field: str | None = None, field_structures: int | None = None,
                since: dt.date | None = None) -> StructureFacts:
    """Record (or replace) the structure's membership of ``network`` with its facts."""
    _choice(network, FACT_NETWORKS, code="bad_network", field="fact_network")
    staff = _fact_count(trained_staff, 0, code="bad_trained_staff", field="trained_staff")
    peers = _fact_count(field_structures, 1, code="bad_field_structures", field="field_structures")
    field_text = _text(field, 100, code="bad_field", field="fact_field")
    _fact_date(since, code="bad_date", field="member_since")

    def write(s: Session) -> StructureFacts:
        row = _structure(s, structure_id)
        member = s.scalar(select(StructureNetwork).where(StructureNetwork.structure_id == structure_id,
                                                         StructureNetwork.network == network))
        if member is None:
            member = StructureNetwork(structure_id=structure_id, network=network)
            s.add(member)
        member.trained_staff, member.field, member.field_structures, member.since = staff, field_text, peers, since
        if network not in (row.networks or []):
            row.networks = [*(row.networks or []), network]
        s.flush()
        return _structure_facts(s, row)

    return repo.run(write, write=True)


def remove_network(repo: Repository, structure_id: str, network: str) -> StructureFacts:
    """The structure leaves ``network`` (its facts are removed too)."""
    def write(s: Session) -> StructureFacts:
        row = _structure(s, structure_id)
        for member in s.scalars(select(StructureNetwork).where(StructureNetwork.structure_id == structure_id,
                                                               StructureNetwork.network == network)):
            s.delete(member)
        row.networks = [n for n in (row.networks or []) if n != network]
        s.flush()
        return _structure_facts(s, row)

    return repo.run(write, write=True)


def add_branch_agreement(repo: Repository, structure_id: str, branch: str, cqps: Iterable[str], *,
                         since: dt.date | None = None) -> BranchAgreementRecord:
    """A branch agreement opening CQPs (ids ``rncp:…`` or ``cqp:…``) to the structure's workers."""
    name = _text(branch, 200, code="bad_branch", field="branch", required=True)
    ids = [_fact_id(c, code="bad_cqp", field="cqp") for c in cqps]
    _fact_date(since, code="bad_date", field="agreement_since")

    def write(s: Session) -> BranchAgreementRecord:
        _structure(s, structure_id)
        row = BranchAgreement(structure_id=structure_id, branch=name, cqps=ids, since=since)
        s.add(row)
        s.flush()
        return BranchAgreementRecord(row.id, structure_id, row.branch, tuple(ids), since)

    return repo.run(write, write=True)


def remove_branch_agreement(repo: Repository, agreement_id: str) -> None:
    def write(s: Session) -> None:
        row = s.get(BranchAgreement, agreement_id)
        if row is None:
            raise StoreError(code="unknown_agreement")
        s.delete(row)

    repo.run(write, write=True)


# -- person facts ------------------------------------------------------------------------------------------

def _held_record(row: HeldCertification) -> HeldRecord:
    return HeldRecord(row.id, row.person_id, row.certification, row.outcome, tuple(row.blocs or ()), row.awarded_on,
                      row.jury, row.modality, row.note)


def _person_facts(repo: Repository, s: Session, row: Person) -> PersonFacts:
    contracts = tuple(contract_record(s, c) for c in s.scalars(
        select(Contract).where(Contract.person_id == row.id).order_by(Contract.start_date, Contract.id)))
    held = tuple(_held_record(h) for h in s.scalars(
        select(HeldCertification).where(HeldCertification.person_id == row.id)
        .order_by(HeldCertification.awarded_on, HeldCertification.id)))
    return PersonFacts(row.id, row.structure_id, row.pec_enrolled_on, row.placement_planned, contracts, held)


def person_facts(repo: Repository, person_id: str) -> PersonFacts:
    """The person's dated contracts, certifications held, Compétences PEC enrolment and planned placement."""
    return repo.run(lambda s: _person_facts(repo, s, _person(s, person_id)), write=False)


def rule_facts(repo: Repository, person_id: str) -> tuple[PersonFacts, StructureFacts]:
    """The person's facts and their structure's, in one transaction and six queries, as the recognition rules
    read them (contracts without their planned follow-ups)."""
    def read(s: Session) -> tuple[PersonFacts, StructureFacts]:
        row = _person(s, person_id)
        contracts = tuple(ContractRecord(c.id, c.person_id, c.employer_id, c.kind, c.start_date, c.end_date,
                                         c.weekly_hours, c.prescriber, (), c.job)
                          for c in s.scalars(select(Contract).where(Contract.person_id == person_id)
                                             .order_by(Contract.start_date, Contract.id)))
        held = tuple(_held_record(h) for h in s.scalars(
            select(HeldCertification).where(HeldCertification.person_id == person_id)
            .order_by(HeldCertification.awarded_on, HeldCertification.id)))
        facts = PersonFacts(row.id, row.structure_id, row.pec_enrolled_on, row.placement_planned, contracts, held)
        return facts, _structure_facts(s, _structure(s, row.structure_id))
    return repo.run(read, write=False)


def set_person_facts(repo: Repository, person_id: str, *, pec_enrolled_on: Any = UNSET,
                     placement_planned: Any = UNSET) -> PersonFacts:
    """Change the person's Compétences PEC enrolment date and/or planned placement (None clears)."""
    if pec_enrolled_on is not UNSET:
        _fact_date(pec_enrolled_on, code="bad_date", field="pec_enrolled_on")
    if placement_planned is not UNSET and placement_planned is not None and not isinstance(placement_planned, bool):
        raise StoreError(code="bad_placement")

    def write(s: Session) -> PersonFacts:
        row = _person(s, person_id)
        if pec_enrolled_on is not UNSET:
            row.pec_enrolled_on = pec_enrolled_on
        if placement_planned is not UNSET:
            row.placement_planned = placement_planned
        s.flush()
        return _person_facts(repo, s, row)

    return repo.run(write, write=True)


def _check_contract(kind: Any, start: Any, end: Any, job: Any, weekly_hours: Any, prescriber: Any) -> None:
    _choice(kind, CONTRACT_KINDS, code="bad_contract_kind", field="contract_kind")
    _fact_date(start, code="bad_date", field="contract_start", optional=False)
    _fact_date(end, code="bad_date", field="contract_end")
    if end is not None and end <= start:
        raise StoreError(code="bad_dates")
    if job is not None:
        _fact_id(job, code="bad_job", field="fact_job")
    if weekly_hours is not None and (isinstance(weekly_hours, bool) or not isinstance(weekly_hours, int)
                                     or not 1 <= weekly_hours <= 48):
        raise StoreError(code="bad_hours")
    if prescriber is not None:
        _choice(prescriber, PRESCRIBERS, code="bad_prescriber", field="prescriber")


def add_contract(repo: Repository, person_id: str, kind: str, start: dt.date, end: dt.date | None = None, *,
                 job: str | None = None, employer_id: str | None = None, weekly_hours: int | None = None,
                 prescriber: str | None = None) -> ContractRecord:
    """A dated contract or work situation in ``job``; a PEC contract with an end also plans its follow-up
    (1 month, mid-contract, ¾, exit 1 to 3 months before the end: seeds 001/002)."""
    _check_contract(kind, start, end, job, weekly_hours, prescriber)

    def write(s: Session) -> ContractRecord:
        _person(s, person_id)
        if employer_id is not None:
            _structure(s, employer_id)
        row = Contract(person_id=person_id, employer_id=employer_id, kind=kind, start_date=start, end_date=end,
                       job=job, weekly_hours=weekly_hours, prescriber=prescriber)
        s.add(row)
        s.flush()
        if kind == "pec" and end is not None:
            for m in pec_schedule(start, end):
                s.add(FollowUp(person_id=person_id, contract_id=row.id, kind=m.kind, milestone=m.milestone,
                               status="planned", scheduled_on=m.scheduled_on, due_from=m.due_from,
                               due_until=m.due_until))
            s.flush()
        return contract_record(s, row)

    return repo.run(write, write=True)


_CONTRACT_FIELDS = {"kind": "kind", "start": "start_date", "end": "end_date", "job": "job",
                    "employer_id": "employer_id", "weekly_hours": "weekly_hours", "prescriber": "prescriber"}


def update_contract(repo: Repository, contract_id: str, **changes: Any) -> ContractRecord:
    """Change some of ``kind, start, end, job, employer_id, weekly_hours, prescriber`` (planned follow-ups
    are kept as they are)."""
    unknown = set(changes) - set(_CONTRACT_FIELDS)
    if unknown:
        raise StoreError(code="bad_field", params={"field_names": ", ".join(sorted(unknown))})

    def write(s: Session) -> ContractRecord:
        row = s.get(Contract, contract_id)
        if row is None:
            raise StoreError(code="unknown_contract")
        values = {key: getattr(row, column) for key, column in _CONTRACT_FIELDS.items()} | changes
        _check_contract(values["kind"], values["start"], values["end"], values["job"], values["weekly_hours"],
                        values["prescriber"])
        if values["employer_id"] is not None:
            _structure(s, values["employer_id"])
        for key, value in changes.items():
            setattr(row, _CONTRACT_FIELDS[key], value)
        s.flush()
        return contract_record(s, row)

    return repo.run(write, write=True)


def remove_contract(repo: Repository, contract_id: str) -> None:
    """Delete a contract entered by mistake (its planned follow-ups go with it)."""
    def write(s: Session) -> None:
        row = s.get(Contract, contract_id)
        if row is None:
            raise StoreError(code="unknown_contract")
        s.delete(row)

    repo.run(write, write=True)


def add_held(repo: Repository, person_id: str, certification: str, outcome: str, awarded_on: dt.date, *,
             blocs: Iterable[str] = (), jury: str | None = None, modality: str | None = None,
             note: str | None = None) -> HeldRecord:
    """A certification the person holds (``total``) or some of its blocs (``partial``, blocs named), an RAE
    attestation (``rae:<trade>``, partial by design) or an RSFP portfolio (``rsfp:<job>``)."""
    cert = _fact_id(certification, code="bad_certification", field="certification")
    _choice(outcome, HELD_OUTCOMES, code="bad_outcome", field="outcome")
    bloc_ids = [_fact_id(b, code="bad_bloc", field="bloc") for b in blocs]
    _fact_date(awarded_on, code="bad_date", field="awarded_on", optional=False)
    if awarded_on > dt.date.today():
        raise StoreError(code="bad_date")
    jury_text = _text(jury, 300, code="bad_jury", field="jury")
    if modality is not None:
        _fact_id(modality, code="bad_modality", field="modality")
    note_text = _text(note, 2000, code="bad_note", field="fact_note")

    def write(s: Session) -> HeldRecord:
        _person(s, person_id)
        row = HeldCertification(person_id=person_id, certification=cert, outcome=outcome, blocs=bloc_ids,
                                awarded_on=awarded_on, jury=jury_text, modality=modality, note=note_text)
        s.add(row)
        s.flush()
        return _held_record(row)

    return repo.run(write, write=True)


def remove_held(repo: Repository, held_id: str) -> None:
    def write(s: Session) -> None:
        row = s.get(HeldCertification, held_id)
        if row is None:
            raise StoreError(code="unknown_held")
        s.delete(row)

    repo.run(write, write=True)
