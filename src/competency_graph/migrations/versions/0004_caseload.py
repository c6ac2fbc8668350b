"""Caseload: archived people, session activity (idle timeout), display preferences, trainer groups and their
versioned course links.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Registers the tables of this revision on Base.metadata (see 0002 for why).
import competency_graph.store.caseload_models  # noqa: F401

revision: str = '0004'
down_revision: str | None = '0003'  # '0002' in the brief; 0003 (facts, branch advice) is merged in
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('person_archive',
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('archived_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['archived_by'], ['users.id'], name=op.f('fk_person_archive_archived_by_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_archive_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_person_archive'))
    )
    op.create_table('session_activity',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_hash'], ['sessions.token_hash'],
                            name=op.f('fk_session_activity_token_hash_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_session_activity'))
    )
    op.create_table('user_preferences',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('easy_read', sa.Boolean(), nullable=False),
    sa.Column('read_aloud', sa.Boolean(), nullable=False),
    sa.Column('text_size', sa.String(length=16), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("text_size IN ('normal', 'large', 'larger')", name=op.f('ck_user_preferences_text_size')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_preferences_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_preferences'))
    )
    op.create_table('trainer_groups',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('structure_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_trainer_groups_owner_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'],
                            name=op.f('fk_trainer_groups_structure_id_structures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainer_groups')),
    sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_trainer_groups_owner_id_name'))
    )
    op.create_index(op.f('ix_trainer_groups_owner_id'), 'trainer_groups', ['owner_id'], unique=False)
    op.create_table('course_link_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_course_link_versions_version')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_course_link_versions_author_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['trainer_groups.id'],
                            name=op.f('fk_course_link_versions_group_id_trainer_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_link_versions')),
    sa.UniqueConstraint('group_id', 'version', name=op.f('uq_course_link_versions_group_id_version'))
    )
    op.create_index(op.f('ix_course_link_versions_group_id'), 'course_link_versions', ['group_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_course_link_versions_group_id'), table_name='course_link_versions')
    op.drop_table('course_link_versions')
    op.drop_index(op.f('ix_trainer_groups_owner_id'), table_name='trainer_groups')
    op.drop_table('trainer_groups')
    op.drop_table('user_preferences')
    op.drop_table('session_activity')
    op.drop_table('person_archive')
