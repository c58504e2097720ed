"""health equity metrics of places, and the counties a jurisdiction covers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

A jurisdiction's counties (5-digit FIPS codes) decide which census tracts are its own; a metric
set is one metric imported for a jurisdiction (its direction, tract vintage, year and source),
with a row per tract; the ZIP code to tract crosswalk is shared, one per tract vintage.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jurisdiction_county',
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('county_fips', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('jurisdiction_id', 'county_fips')
    )
    op.create_table('metric_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('vintage', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('vintage IN (2010, 2020)', name='ck_metric_set_vintage'),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('jurisdiction_id', 'metric')
    )
    with op.batch_alter_table('metric_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metric_set_jurisdiction_id'), ['jurisdiction_id'], unique=False)

    op.create_table('place_metric',
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('geo_id', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('value', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('percentile', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('quartile', sa.Integer(), nullable=True),
    sa.CheckConstraint('quartile BETWEEN 1 AND 4', name='ck_place_metric_quartile'),
    sa.ForeignKeyConstraint(['set_id'], ['metric_set.id'], ),
    sa.PrimaryKeyConstraint('set_id', 'geo_id')
    )
    op.create_table('zip_tract',
    sa.Column('vintage', sa.Integer(), nullable=False),
    sa.Column('zip', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('geo_id', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('res_ratio', sa.Numeric(precision=11, scale=10), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('res_ratio >= 0 AND res_ratio <= 1', name='ck_zip_tract_ratio'),
    sa.CheckConstraint('vintage IN (2010, 2020)', name='ck_zip_tract_vintage'),
    sa.PrimaryKeyConstraint('vintage', 'zip', 'geo_id')
    )


def downgrade() -> None:
    op.drop_table('zip_tract')
    op.drop_table('place_metric')
    with op.batch_alter_table('metric_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metric_set_jurisdiction_id'))

    op.drop_table('metric_set')
    op.drop_table('jurisdiction_county')
