"""Security round 2: forced password change, sign-in throttling per client and per login, erasure requests
confirmed by a second admin.

Revision ID: 0006
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import competency_graph.store.security_models  # noqa: F401 - registers the tables on Base.metadata

revision: str = '0006'
down_revision: str | None = '0005'  # re-chained at merge (0002 in its branch)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('structure_id', sa.String(length=64), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_erasure_requests_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests'))
    )
    op.create_index(op.f('ix_erasure_requests_person_id'), 'erasure_requests', ['person_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_erasure_requests_person_id'), table_name='erasure_requests')
    op.drop_table('erasure_requests')
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('must_change_password')
