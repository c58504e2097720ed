"""the partner survey: instruments, responses, answers; the cohort's small-number minimum

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

Responses and answers are append-only (a --replace import marks the earlier imports replaced; their
rows stay), so the database refuses to change them. Cohorts that exist already get the default
minimum of 5.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from assessment.migrations.guards import allow_changes, forbid_changes

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_instrument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('first_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('first_used_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('instrument_id', 'version')
    )

    op.create_table('survey_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('replaced_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('replaced_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], ),
    sa.ForeignKeyConstraint(['instrument_id'], ['survey_instrument.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_import_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('respondent', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('organization', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['survey_import.id'], ),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_jurisdiction_id'), ['jurisdiction_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('answer', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('answer >= 1 AND answer <= 5', name='ck_survey_answer_scale'),
    sa.ForeignKeyConstraint(['import_id'], ['survey_import.id'], ),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], ),
    sa.PrimaryKeyConstraint('response_id', 'statement_id')
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answer_counts', ['import_id', 'statement_id', 'jurisdiction_id', 'answer'], unique=False)

    forbid_changes('survey_response')
    forbid_changes('survey_answer')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_minimum', sa.Integer(), nullable=False, server_default='5'))


def downgrade() -> None:
    # Not a batch "move and copy" on SQLite: dropping the old cohort table would break its teams'
    # foreign keys; SQLite (3.35 and later) drops a column in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cohort DROP COLUMN survey_minimum")
    else:
        op.drop_column('cohort', 'survey_minimum')

    allow_changes('survey_answer')
    allow_changes('survey_response')
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answer_counts')

    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_jurisdiction_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_import_id'))

    op.drop_table('survey_response')
    with op.batch_alter_table('survey_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_import_cohort_id'))

    op.drop_table('survey_import')
    op.drop_table('survey_instrument')
