"""The maintained table of current positions: the latest event of each (person, item, author role), written
with each event (``store.current_positions``) and backfilled here from the events.

On PostgreSQL databases where row-level security is already enabled (``store.rls``), the table gets the same
per-structure policy as the events.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """
INSERT INTO current_positions (person_id, item_id, author_role, event_id, level, state, positioned_at)
SELECT person_id, item_id, author_role, id, level, state, positioned_at FROM (
  SELECT id, person_id, item_id, author_role, level, state, positioned_at,
         ROW_NUMBER() OVER (PARTITION BY person_id, item_id, author_role
                            ORDER BY positioned_at DESC, id DESC) AS rank
  FROM positioning_events) AS ranked
WHERE rank = 1
"""


def upgrade() -> None:
    op.create_table('current_positions',
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.String(length=200), nullable=False),
    sa.Column('author_role', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=True),
    sa.Column('positioned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_current_positions_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'item_id', 'author_role', name=op.f('pk_current_positions')),
    sqlite_with_rowid=False,
    )
    op.execute(_BACKFILL)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql' and bind.execute(sa.text(
            "SELECT relrowsecurity FROM pg_class WHERE oid = 'positioning_events'::regclass")).scalar():
        served = "string_to_array(current_setting('competency_graph.structures', true), ',')"
        condition = f"person_id IN (SELECT id FROM people WHERE structure_id = ANY ({served}))"
        op.execute("ALTER TABLE current_positions ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE current_positions FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY current_positions_by_structure ON current_positions USING ({condition}) "
                   f"WITH CHECK ({condition})")


def downgrade() -> None:
    op.drop_table('current_positions')
