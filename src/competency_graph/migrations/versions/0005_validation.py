"""Recognition: validation events (validated / withdrawn, append-only) and proof withdrawals.

Revision ID: 0005
Revises: 0002
"""


from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The ORM models of these tables live in a separate module: importing it registers them on Base.metadata.
import competency_graph.store.validation_models  # noqa: F401

revision: str = '0005'
down_revision: str | None = '0004'  # re-chained at merge (0002 in its branch)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('validation_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=True),
    sa.Column('modality', sa.String(length=16), nullable=True),
    sa.Column('validator_role', sa.String(length=16), nullable=False),
    sa.Column('validator_name', sa.String(length=300), nullable=True),
    sa.Column('author_id', sa.String(length=64), nullable=True),
    sa.Column('positioning_id', sa.Integer(), nullable=True),
    sa.Column('evidence_ids', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('validated_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdraws_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("action = 'validate' OR withdraws_id IS NOT NULL", name=op.f('ck_validation_events_withdraw_target')),
    sa.CheckConstraint("action = 'withdraw' OR ((level IS NULL) <> (state IS NULL) AND modality IS NOT NULL)", name=op.f('ck_validation_events_validate_fields')),
    sa.CheckConstraint("action IN ('validate', 'withdraw')", name=op.f('ck_validation_events_action')),
    sa.CheckConstraint("modality IS NULL OR modality IN ('montrer', 'expliquer', 'comparer')", name=op.f('ck_validation_events_modality')),
    sa.CheckConstraint("validator_role IN ('accompanist', 'jury')", name=op.f('ck_validation_events_validator_role')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_validation_events_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_validation_events_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['positioning_id'], ['positioning_events.id'], name=op.f('fk_validation_events_positioning_id_positioning_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdraws_id'], ['validation_events.id'], name=op.f('fk_validation_events_withdraws_id_validation_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_validation_events')),
    sa.UniqueConstraint('uid', name=op.f('uq_validation_events_uid'))
    )
    with op.batch_alter_table('validation_events', schema=None) as batch_op:
        batch_op.create_index('ix_validation_events_person_item', ['person_id', 'item_id'], unique=False)

    op.create_table('evidence_withdrawals',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('evidence_id', sa.String(length=64), nullable=False),
    sa.Column('replaced_by_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('author_id', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_evidence_withdrawals_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_withdrawals_evidence_id_evidence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['evidence.id'], name=op.f('fk_evidence_withdrawals_replaced_by_id_evidence'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_withdrawals')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_evidence_withdrawals_evidence_id'))
    )


def downgrade() -> None:
    op.drop_table('evidence_withdrawals')
    with op.batch_alter_table('validation_events', schema=None) as batch_op:
        batch_op.drop_index('ix_validation_events_person_item')

    op.drop_table('validation_events')
