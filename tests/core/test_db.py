"""The database: SQLite settings, and migrations that match the models and run both ways."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from assessment.cohorts.models import Team
from assessment.core.db import alembic_config, current_revision, engine_for, transaction
from assessment.tables import register_tables

register_tables()


def test_sqlite_has_foreign_keys_on_and_wal(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite settings")
    with engine_for(database_url).connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    with pytest.raises(IntegrityError):
        with transaction() as session:
            session.add(Team(jurisdiction_id=999, cohort_id=999))


def test_migrations_match_the_models_and_run_down_and_up(database_url: str) -> None:
    engine = engine_for(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    head = current_revision(database_url)
    command.downgrade(alembic_config(database_url), "base")
    assert current_revision(database_url) is None
    command.upgrade(alembic_config(database_url), "head")
    assert current_revision(database_url) == head
