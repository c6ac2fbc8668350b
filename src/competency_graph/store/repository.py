"""The facade over the store's aggregate modules: ``Repository`` keeps the one-object API callers use.

Each method is the aggregate module's free function bound to this unit of work: ``repo.create_person(...)``
is :func:`people.create_person(repo, ...) <competency_graph.store.people.create_person>`. New store code goes
in the aggregate module (or a new one), never here. Log lines carry ids and codes only, never names or notes.
"""

from __future__ import annotations

from . import access_facts, accounts, evidence, followup, memberships, people, positionings
from .checks import MAX_COMMENT_CHARS
from .followup import PARTICIPANT_ROLES
from .unit import UnitOfWork

__all__ = ["Repository", "PARTICIPANT_ROLES", "MAX_COMMENT_CHARS"]


class Repository(UnitOfWork):
    """Structures, people, users and roles, positionings, evidence and follow-up of one database.

    >>> repo = Repository.open("sqlite://")  # in memory; normally Repository.open() uses settings
    >>> repo.create_structure("ESAT des Tilleuls", "esat", networks=["rae"]).kind
    'esat'
    """

    # -- people -------------------------------------------------------------------------------------
    create_structure = people.create_structure
    get_structure = people.get_structure
    list_structures = people.list_structures
    create_person = people.create_person
    update_person = people.update_person
    set_experience = people.set_experience
    get_person = people.get_person
    find_person = people.find_person
    list_people = people.list_people

    # -- accounts -----------------------------------------------------------------------------------
    create_user = accounts.create_user
    get_user = accounts.get_user
    find_user_by_login = accounts.find_user_by_login
    list_users = accounts.list_users

    # -- memberships --------------------------------------------------------------------------------
    grant_role = memberships.grant_role
    revoke_role = memberships.revoke_role
    has_role = memberships.has_role
    assign = memberships.assign
    end_assignment = memberships.end_assignment
    is_assigned = memberships.is_assigned
    candidates_of = memberships.candidates_of
    accompanists_of = memberships.accompanists_of
    roles_by_structure = memberships.roles_by_structure
    person_access = access_facts.person_access
    people_access = access_facts.people_access

    # -- positionings -------------------------------------------------------------------------------
    record_positioning = positionings.record_positioning
    record_positionings = positionings.record_positionings
    history = positionings.history
    current_view = positionings.current_view
    structure_views = positionings.structure_views
    count_positionings = positionings.count_positionings
    export_positionings_csv = positionings.export_positionings_csv
    import_positionings_csv = positionings.import_positionings_csv

    # -- evidence -----------------------------------------------------------------------------------
    add_evidence = evidence.add_evidence
    endorse = evidence.endorse
    list_evidence = evidence.list_evidence
    orphan_files = evidence.orphan_files
    remove_orphan_files = evidence.remove_orphan_files
    evidence_file = evidence.evidence_file
    evidence_owner = evidence.evidence_owner

    # -- followup -----------------------------------------------------------------------------------
    create_pec_contract = followup.create_pec_contract
    list_contracts = followup.list_contracts
    plan_followup = followup.plan_followup
    hold_followup = followup.hold_followup
    record_followup = followup.record_followup
    cancel_followup = followup.cancel_followup
    followup_owner = followup.followup_owner
    list_followups = followup.list_followups
    due_followups = followup.due_followups
