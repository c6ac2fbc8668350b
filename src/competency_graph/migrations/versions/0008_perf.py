"""Set-based reads: the people a list read named (``audit_subjects``, append-only), and the index of each
(person, item, role)'s events newest first.

Revision ID: 0008
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import competency_graph.store.read_models  # noqa: F401 - registers the table on Base.metadata

revision: str = '0008'
down_revision: str | None = '0006'  # re-chained after merging main (0002 in the brief)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER {name} BEFORE {what} ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END
"""


def upgrade() -> None:
    op.create_table('audit_subjects',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('subject_ref', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_log.id'], name=op.f('fk_audit_subjects_audit_id_audit_log')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_subjects'))
    )
    op.create_index(op.f('ix_audit_subjects_audit_id'), 'audit_subjects', ['audit_id'], unique=False)
    op.create_index(op.f('ix_audit_subjects_subject_ref'), 'audit_subjects', ['subject_ref'], unique=False)
    op.create_index('ix_positioning_events_latest', 'positioning_events',
                    ['person_id', 'item_id', 'author_role', sa.text('positioned_at DESC'), sa.text('id DESC')],
                    unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for what in ('UPDATE', 'DELETE'):
            op.execute(_APPEND_ONLY_SQLITE.format(name=f'audit_subjects_no_{what.lower()}', what=what))
    elif dialect == 'postgresql':
        op.execute("""
CREATE FUNCTION audit_subjects_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_subjects is append-only'; END; $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER audit_subjects_append_only BEFORE UPDATE OR DELETE ON audit_subjects "
                   "FOR EACH ROW EXECUTE FUNCTION audit_subjects_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_subjects_append_only ON audit_subjects")
        op.execute("DROP FUNCTION IF EXISTS audit_subjects_append_only()")
    op.drop_index('ix_positioning_events_latest', table_name='positioning_events')
    op.drop_index(op.f('ix_audit_subjects_subject_ref'), table_name='audit_subjects')
    op.drop_index(op.f('ix_audit_subjects_audit_id'), table_name='audit_subjects')
    op.drop_table('audit_subjects')
