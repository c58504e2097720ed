"""anchor commitments (hire, buy, invest, partner) with measurable targets

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

Measured values are append-only (a correction is a new row; the latest row is the current one),
so the database refuses to change them as it does for goal measures.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from assessment.migrations.guards import allow_changes, forbid_changes

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('anchor_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('baseline_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target_value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('spend_metric', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('version >= 1', name='ck_anchor_commitment_version'),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('anchor_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anchor_commitment_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchor_commitment_jurisdiction_id'), ['jurisdiction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchor_commitment_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchor_commitment_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_anchor_commitment_team_id'), ['team_id'], unique=False)

    op.create_table('anchor_measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['anchor_commitment.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('anchor_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anchor_measure_commitment_id'), ['commitment_id'], unique=False)

    forbid_changes('anchor_measure')


def downgrade() -> None:
    allow_changes('anchor_measure')
    with op.batch_alter_table('anchor_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anchor_measure_commitment_id'))

    op.drop_table('anchor_measure')
    with op.batch_alter_table('anchor_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anchor_commitment_team_id'))
        batch_op.drop_index(batch_op.f('ix_anchor_commitment_status'))
        batch_op.drop_index(batch_op.f('ix_anchor_commitment_owner_id'))
        batch_op.drop_index(batch_op.f('ix_anchor_commitment_jurisdiction_id'))
        batch_op.drop_index(batch_op.f('ix_anchor_commitment_category'))

    op.drop_table('anchor_commitment')
