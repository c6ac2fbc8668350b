"""Security: accounts (password hash, lock-out), sessions, append-only audit log, erasure log, settings.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The ORM models of these tables live in a separate module: importing it registers them on Base.metadata,
# which env.py gives to Alembic and which the "migrations == models" test compares.
import competency_graph.store.security_models  # noqa: F401

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER {name} BEFORE {what} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END
"""


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('failed_attempts >= 0', name=op.f('ck_accounts_failed_attempts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_accounts'))
    )
    op.create_table('sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_sessions'))
    )
    op.create_index(op.f('ix_sessions_user_id'), 'sessions', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('record_kind', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=True),
    sa.Column('subject_ref', sa.String(length=64), nullable=True),
    sa.Column('structure_id', sa.String(length=64), nullable=True),
    sa.CheckConstraint("action IN ('read', 'create', 'change', 'erase', 'export', 'sign_in', 'sign_out')", name=op.f('ck_audit_log_action')),
    sa.CheckConstraint("outcome IN ('allowed', 'denied', 'failed')", name=op.f('ck_audit_log_outcome')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_index(op.f('ix_audit_log_actor_id'), 'audit_log', ['actor_id'], unique=False)
    op.create_index(op.f('ix_audit_log_subject_ref'), 'audit_log', ['subject_ref'], unique=False)
    op.create_table('erasure_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.String(length=64), nullable=True),
    sa.Column('subject_ref', sa.String(length=64), nullable=False),
    sa.Column('rows_deleted', sa.Integer(), nullable=False),
    sa.Column('files_deleted', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_log'))
    )
    settings = op.create_table('security_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_security_settings'))
    )
    # The key of the audit pseudonyms: random per database, never shipped.
    op.bulk_insert(settings, [{'key': 'pseudonym_key', 'value': secrets.token_hex(32)}])

    dialect = op.get_bind().dialect.name
    for table in ('audit_log', 'erasure_log'):
        if dialect == 'sqlite':
            for what in ('UPDATE', 'DELETE'):
                op.execute(_APPEND_ONLY_SQLITE.format(name=f'{table}_no_{what.lower()}', what=what, table=table))
        elif dialect == 'postgresql':
            op.execute(f"""
CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql""")
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table('security_settings')
    op.drop_table('erasure_log')
    op.drop_index(op.f('ix_audit_log_subject_ref'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_actor_id'), table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
    if dialect == 'postgresql':
        for table in ('audit_log', 'erasure_log'):
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    op.drop_index(op.f('ix_sessions_user_id'), table_name='sessions')
    op.drop_table('sessions')
    op.drop_table('accounts')
