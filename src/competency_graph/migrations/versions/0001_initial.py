"""Initial schema: structures, people, users and roles, positioning events, evidence, follow-up.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 10:41:52.859378
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stored_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_files'))
    )
    op.create_table('structures',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('networks', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('esat', 'ea', 'ime', 'itep', 'impro', 'siae-aci', 'siae-ei', 'siae-etti', 'pec-employer', 'training-centre', 'prescriber', 'other')", name=op.f('ck_structures_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structures'))
    )
    op.create_table('people',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('structure_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('writing', sa.String(length=16), nullable=True),
    sa.Column('goal', sa.String(length=32), nullable=True),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('networks', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("goal IS NULL OR goal IN ('certification', 'recognition', 'employment', 'training')", name=op.f('ck_people_goal')),
    sa.CheckConstraint("status IN ('esat', 'ea', 'ime', 'itep', 'impro', 'siae', 'pec', 'job_seeker', 'employee', 'volunteer', 'caregiver')", name=op.f('ck_people_status')),
    sa.CheckConstraint("writing IS NULL OR writing IN ('none', 'limited', 'fluent')", name=op.f('ck_people_writing')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_people_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    op.create_index(op.f('ix_people_structure_id'), 'people', ['structure_id'], unique=False)
    op.create_table('contracts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('employer_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('weekly_hours', sa.Integer(), nullable=True),
    sa.Column('prescriber', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("prescriber IS NULL OR prescriber IN ('france_travail', 'mission_locale', 'cap_emploi', 'conseil_departemental', 'other')", name=op.f('ck_contracts_prescriber')),
    sa.CheckConstraint('end_date > start_date', name=op.f('ck_contracts_dates')),
    sa.ForeignKeyConstraint(['employer_id'], ['structures.id'], name=op.f('fk_contracts_employer_id_structures')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_contracts_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts'))
    )
    op.create_index(op.f('ix_contracts_person_id'), 'contracts', ['person_id'], unique=False)
    op.create_table('experiences',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('job', sa.String(length=200), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('in_pec', sa.Boolean(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.CheckConstraint('months >= 0', name=op.f('ck_experiences_months')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_experiences_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiences'))
    )
    op.create_index(op.f('ix_experiences_person_id'), 'experiences', ['person_id'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('login', sa.String(length=200), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_users_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('accompanist_id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['accompanist_id'], ['users.id'], name=op.f('fk_assignments_accompanist_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_assignments_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    op.create_index(op.f('ix_assignments_accompanist_id'), 'assignments', ['accompanist_id'], unique=False)
    op.create_index(op.f('ix_assignments_person_id'), 'assignments', ['person_id'], unique=False)
    op.create_table('followups',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('contract_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('milestone', sa.String(length=24), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=False),
    sa.Column('due_from', sa.Date(), nullable=True),
    sa.Column('due_until', sa.Date(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('diagnostic', 'tripartite', 'follow_up', 'exit', 'jury_preparation', 'project_review')", name=op.f('ck_followups_kind')),
    sa.CheckConstraint("milestone IS NULL OR milestone IN ('one_month', 'mid_contract', 'three_quarters', 'exit')", name=op.f('ck_followups_milestone')),
    sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name=op.f('ck_followups_status')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_followups_contract_id_contracts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_followups_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups'))
    )
    op.create_index(op.f('ix_followups_person_id'), 'followups', ['person_id'], unique=False)
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('structure_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('candidate', 'accompanist', 'trainer', 'admin')", name=op.f('ck_memberships_role')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_memberships_structure_id_structures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'structure_id', 'role', name=op.f('uq_memberships_user_id_structure_id_role'))
    )
    op.create_index(op.f('ix_memberships_structure_id'), 'memberships', ['structure_id'], unique=False)
    op.create_index(op.f('ix_memberships_user_id'), 'memberships', ['user_id'], unique=False)
    op.create_table('positioning_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=True),
    sa.Column('author_role', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=True),
    sa.Column('referential_version', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('positioned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.CheckConstraint("author_role IN ('self', 'accompanist', 'jury', 'tutor')", name=op.f('ck_positioning_events_author_role')),
    sa.CheckConstraint("state IS NULL OR state IN ('acquired', 'in_progress', 'not_yet')", name=op.f('ck_positioning_events_state')),
    sa.CheckConstraint('(level IS NULL) <> (state IS NULL)', name=op.f('ck_positioning_events_level_xor_state')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_positioning_events_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corrects_id'], ['positioning_events.id'], name=op.f('fk_positioning_events_corrects_id_positioning_events')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_positioning_events_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positioning_events')),
    sa.UniqueConstraint('uid', name=op.f('uq_positioning_events_uid'))
    )
    op.create_index('ix_positioning_events_person_item_time', 'positioning_events', ['person_id', 'item_id', 'positioned_at'], unique=False)
    op.create_table('evidence',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=True),
    sa.Column('positioning_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('rae_modality', sa.String(length=16), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('original_name', sa.String(length=300), nullable=True),
    sa.Column('evidence_date', sa.Date(), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('photo', 'document', 'video_link', 'observation', 'attestation', 'endorsement')", name=op.f('ck_evidence_kind')),
    sa.CheckConstraint("rae_modality IS NULL OR rae_modality IN ('montrer', 'expliquer', 'comparer')", name=op.f('ck_evidence_rae_modality')),
    sa.CheckConstraint('item_id IS NOT NULL OR positioning_id IS NOT NULL', name=op.f('ck_evidence_attached')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_evidence_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_files.sha256'], name=op.f('fk_evidence_file_sha256_stored_files')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_evidence_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['positioning_id'], ['positioning_events.id'], name=op.f('fk_evidence_positioning_id_positioning_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    op.create_index(op.f('ix_evidence_person_id'), 'evidence', ['person_id'], unique=False)
    op.create_table('followup_participants',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('followup_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_followup_participants_followup_id_followups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_followup_participants_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_participants'))
    )
    op.create_index(op.f('ix_followup_participants_followup_id'), 'followup_participants', ['followup_id'], unique=False)
    op.create_table('endorsements',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('evidence_id', sa.String(length=64), nullable=False),
    sa.Column('endorser_name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('statement', sa.Text(), nullable=True),
    sa.Column('endorsed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("relation IN ('tutor', 'colleague', 'educator', 'accompanist', 'employer', 'client', 'family', 'other')", name=op.f('ck_endorsements_relation')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_endorsements_evidence_id_evidence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsements'))
    )
    op.create_index(op.f('ix_endorsements_evidence_id'), 'endorsements', ['evidence_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_endorsements_evidence_id'), table_name='endorsements')
    op.drop_table('endorsements')
    op.drop_index(op.f('ix_followup_participants_followup_id'), table_name='followup_participants')
    op.drop_table('followup_participants')
    op.drop_index(op.f('ix_evidence_person_id'), table_name='evidence')
    op.drop_table('evidence')
    op.drop_index('ix_positioning_events_person_item_time', table_name='positioning_events')
    op.drop_table('positioning_events')
    op.drop_index(op.f('ix_memberships_user_id'), table_name='memberships')
    op.drop_index(op.f('ix_memberships_structure_id'), table_name='memberships')
    op.drop_table('memberships')
    op.drop_index(op.f('ix_followups_person_id'), table_name='followups')
    op.drop_table('followups')
    op.drop_index(op.f('ix_assignments_person_id'), table_name='assignments')
    op.drop_index(op.f('ix_assignments_accompanist_id'), table_name='assignments')
    op.drop_table('assignments')
    op.drop_table('users')
    op.drop_index(op.f('ix_experiences_person_id'), table_name='experiences')
    op.drop_table('experiences')
    op.drop_index(op.f('ix_contracts_person_id'), table_name='contracts')
    op.drop_table('contracts')
    op.drop_index(op.f('ix_people_structure_id'), table_name='people')
    op.drop_table('people')
    op.drop_table('structures')
    op.drop_table('stored_files')
