"""a password (its scrypt hash) for each person, for signing in to the web app

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24

Nullable: people registered before this, or never given a password, cannot sign in to the web app
until someone runs `accelerator person set-password` for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
