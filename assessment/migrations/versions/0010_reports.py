"""impact report highlights and quotes; a team's opt-in to be named in the regional report

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

The log of compiled reports is append-only (one row per compile, never changed), so the database
refuses to change it as it does for measured values.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from assessment.migrations.guards import allow_changes, forbid_changes

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_highlight',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attribution', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report_highlight', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_highlight_jurisdiction_id'), ['jurisdiction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_highlight_team_id'), ['team_id'], unique=False)

    op.create_table('report_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('named_in_regional', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id')
    )
    with op.batch_alter_table('report_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_preference_jurisdiction_id'), ['jurisdiction_id'], unique=False)

    op.create_table('compiled_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('anonymized', sa.Boolean(), nullable=False),
    sa.Column('formats', sa.JSON(), nullable=False),
    sa.Column('folder', sa.Text(), nullable=False),
    sa.Column('compiled_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('compiled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compiled_report_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compiled_report_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_compiled_report_team_id'), ['team_id'], unique=False)

    forbid_changes('compiled_report')

    op.create_table('report_label',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('team_id'),
    sa.UniqueConstraint('cohort_id', 'position')
    )
    with op.batch_alter_table('report_label', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_label_cohort_id'), ['cohort_id'], unique=False)

    forbid_changes('report_label')


def downgrade() -> None:
    allow_changes('report_label')
    with op.batch_alter_table('report_label', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_label_cohort_id'))

    op.drop_table('report_label')
    allow_changes('compiled_report')
    with op.batch_alter_table('compiled_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compiled_report_team_id'))
        batch_op.drop_index(batch_op.f('ix_compiled_report_kind'))
        batch_op.drop_index(batch_op.f('ix_compiled_report_cohort_id'))

    op.drop_table('compiled_report')
    with op.batch_alter_table('report_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_preference_jurisdiction_id'))

    op.drop_table('report_preference')
    with op.batch_alter_table('report_highlight', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_highlight_team_id'))
        batch_op.drop_index(batch_op.f('ix_report_highlight_jurisdiction_id'))

    op.drop_table('report_highlight')
