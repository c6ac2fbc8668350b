"""Facts for the recognition rules: structure networks (RAE trained staff, RSFP field and structures), branch
agreements (CQP), certifications held; dated contracts of any kind with their job; PEC enrolment and planned
placement of a person.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import competency_graph.store.facts_models  # noqa: F401 - registers the new tables on Base.metadata

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('structure_networks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('structure_id', sa.String(length=64), nullable=False),
    sa.Column('network', sa.String(length=16), nullable=False),
    sa.Column('trained_staff', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('field_structures', sa.Integer(), nullable=True),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("network IN ('rae', 'rae-rectec', 'rsfp', 'clea', 'afest', 'open-badge')",
                       name=op.f('ck_structure_networks_network')),
    sa.CheckConstraint('trained_staff IS NULL OR trained_staff >= 0', name=op.f('ck_structure_networks_trained_staff')),
    sa.CheckConstraint('field_structures IS NULL OR field_structures >= 1',
                       name=op.f('ck_structure_networks_field_structures')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_structure_networks_structure_id_structures'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_structure_networks')),
    sa.UniqueConstraint('structure_id', 'network', name=op.f('uq_structure_networks_structure_id_network'))
    )
    op.create_index(op.f('ix_structure_networks_structure_id'), 'structure_networks', ['structure_id'], unique=False)
    op.create_table('branch_agreements',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('structure_id', sa.String(length=64), nullable=False),
    sa.Column('branch', sa.String(length=200), nullable=False),
    sa.Column('cqps', sa.JSON(), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_branch_agreements_structure_id_structures'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_agreements'))
    )
    op.create_index(op.f('ix_branch_agreements_structure_id'), 'branch_agreements', ['structure_id'], unique=False)
    op.create_table('held_certifications',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('certification', sa.String(length=200), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('blocs', sa.JSON(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('jury', sa.String(length=300), nullable=True),
    sa.Column('modality', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("outcome IN ('total', 'partial')", name=op.f('ck_held_certifications_outcome')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_held_certifications_person_id_people'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_certifications'))
    )
    op.create_index(op.f('ix_held_certifications_person_id'), 'held_certifications', ['person_id'], unique=False)
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('pec_enrolled_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('placement_planned', sa.Boolean(), nullable=True))
    with op.batch_alter_table('contracts') as batch:
        batch.add_column(sa.Column('job', sa.String(length=200), nullable=True))
        batch.alter_column('end_date', existing_type=sa.Date(), nullable=True)
        batch.alter_column('employer_id', existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('contracts') as batch:
        batch.alter_column('employer_id', existing_type=sa.String(length=64), nullable=False)
        batch.alter_column('end_date', existing_type=sa.Date(), nullable=False)
        batch.drop_column('job')
    with op.batch_alter_table('people') as batch:
        batch.drop_column('placement_planned')
        batch.drop_column('pec_enrolled_on')
    op.drop_index(op.f('ix_held_certifications_person_id'), table_name='held_certifications')
    op.drop_table('held_certifications')
    op.drop_index(op.f('ix_branch_agreements_structure_id'), table_name='branch_agreements')
    op.drop_table('branch_agreements')
    op.drop_index(op.f('ix_structure_networks_structure_id'), table_name='structure_networks')
    op.drop_table('structure_networks')
