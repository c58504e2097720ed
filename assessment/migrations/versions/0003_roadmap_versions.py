"""roadmap versions: each build of a team's action roadmap, kept as a snapshot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roadmap_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("built_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("built_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("formats", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number"),
    )
    with op.batch_alter_table("roadmap_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roadmap_version_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("roadmap_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_version_team_id"))
    op.drop_table("roadmap_version")
