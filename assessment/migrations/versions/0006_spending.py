"""vendors, contracts and payments imported for the impact-spending baseline

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spend_vendor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('jurisdiction_id', 'key')
    )
    with op.batch_alter_table('spend_vendor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_vendor_jurisdiction_id'), ['jurisdiction_id'], unique=False)

    op.create_table('spend_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('solicited_on', sa.Date(), nullable=True),
    sa.Column('advance_payment', sa.Boolean(), nullable=True),
    sa.Column('cbo', sa.Boolean(), nullable=True),
    sa.Column('small', sa.Boolean(), nullable=True),
    sa.Column('local', sa.Boolean(), nullable=True),
    sa.Column('bipoc_led', sa.Boolean(), nullable=True),
    sa.Column('first_time', sa.Boolean(), nullable=True),
    sa.Column('scale', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('zip', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('tract', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('amount >= 0', name='ck_spend_contract_amount'),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['vendor_id'], ['spend_vendor.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('jurisdiction_id', 'key')
    )
    with op.batch_alter_table('spend_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_contract_awarded_on'), ['awarded_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_contract_jurisdiction_id'), ['jurisdiction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_contract_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('spend_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('invoiced_on', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('amount > 0', name='ck_spend_payment_amount'),
    sa.ForeignKeyConstraint(['contract_id'], ['spend_contract.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contract_id', 'key')
    )
    with op.batch_alter_table('spend_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_payment_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_payment_paid_on'), ['paid_on'], unique=False)

    op.create_table('spend_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('file', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('contracts_added', sa.Integer(), nullable=False),
    sa.Column('contracts_changed', sa.Integer(), nullable=False),
    sa.Column('payments_added', sa.Integer(), nullable=False),
    sa.Column('payments_changed', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('spend_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_import_jurisdiction_id'), ['jurisdiction_id'], unique=False)

    op.create_table('spend_baseline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('periods', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('version >= 1', name='ck_spend_baseline_version'),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id')
    )
    with op.batch_alter_table('spend_baseline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spend_baseline_jurisdiction_id'), ['jurisdiction_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('spend_baseline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_baseline_jurisdiction_id'))

    op.drop_table('spend_baseline')
    with op.batch_alter_table('spend_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_import_jurisdiction_id'))

    op.drop_table('spend_import')
    with op.batch_alter_table('spend_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_payment_paid_on'))
        batch_op.drop_index(batch_op.f('ix_spend_payment_contract_id'))

    op.drop_table('spend_payment')
    with op.batch_alter_table('spend_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_contract_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_spend_contract_jurisdiction_id'))
        batch_op.drop_index(batch_op.f('ix_spend_contract_awarded_on'))

    op.drop_table('spend_contract')
    with op.batch_alter_table('spend_vendor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_vendor_jurisdiction_id'))

    op.drop_table('spend_vendor')
