"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured),
a cast of people built through the services, and one Prefect test harness per session."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Before anything imports Prefect: its home (database, settings) lives in a temporary folder.
_PREFECT_HOME = tempfile.mkdtemp(prefix="accelerator-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.pop("ACCELERATOR_ACTOR", None)
os.environ.pop("PREFECT_API_URL", None)

POSTGRES_URL = os.environ.get("ACCELERATOR_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def use_database(url: str) -> None:
    """Point the settings (and the cached engine) at ``url``."""
    from assessment.config import get_settings
    from assessment.db import engine_for

    os.environ["ACCELERATOR_DATABASE_URL"] = url
    get_settings.cache_clear()
    engine_for.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating is the slow part)."""
    from assessment.db import engine_for, upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A fresh, migrated, empty database; PostgreSQL gets a schema of its own."""
    if request.param == "sqlite":
        path = tmp_path / "accelerator.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        use_database(url)
        yield url
        return
    import sqlalchemy as sa

    from assessment.db import upgrade

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(POSTGRES_URL)  # type: ignore[arg-type]
    with admin_engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    use_database(url)
    upgrade(url)
    try:
        yield url
    finally:
        from assessment.db import engine_for

        engine_for(url).dispose()
        with admin_engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin_engine.dispose()


@dataclass
class Cast:
    """The people and places most tests need, made through the services."""

    cohort: str = "2026 Test Cohort"
    alder: str = "Alder County"
    birch: str = "Birch City"
    admin: str = "admin@example.org"
    lead: str = "lead@alliance.example.org"
    alder_manager: str = "manager@alder.example.org"
    alder_officer: str = "officer@alder.example.org"
    alder_exec: str = "exec@alder.example.org"
    birch_manager: str = "manager@birch.example.org"
    birch_officer: str = "officer@birch.example.org"
    outsider: str = "someone@example.org"


@pytest.fixture
def cast(database_url: str) -> Cast:
    """A cohort with two enrolled jurisdictions and a person in each role that matters."""
    from datetime import date

    from assessment.cohorts import create_cohort, enroll_team
    from assessment.db import transaction
    from assessment.jurisdictions import add_jurisdiction
    from assessment.people import add_person, ensure_admin
    from assessment.permissions import resolve_actor

    c = Cast()
    with transaction() as session:
        ensure_admin(session, c.admin, "Ada Admin")
        admin = resolve_actor(session, c.admin)
        create_cohort(session, admin, c.cohort, "Southern California", date(2026, 3, 1))
        add_jurisdiction(session, admin, c.alder, "county")
        add_jurisdiction(session, admin, c.birch, "city")
        for place in (c.alder, c.birch):
            enroll_team(session, admin, place, c.cohort)
        add_person(session, admin, c.lead, "Lee Lead", "alliance_lead")
        add_person(session, admin, c.alder_manager, "Nguyễn Thị Hồng", "equity_program_manager", c.alder)
        add_person(session, admin, c.alder_officer, "Pat Officer", "procurement_officer", c.alder)
        add_person(session, admin, c.alder_exec, "Erin Exec", "executive_lead", c.alder)
        add_person(session, admin, c.birch_manager, "김민준", "equity_program_manager", c.birch)
        add_person(session, admin, c.birch_officer, "Señora Peña", "procurement_officer", c.birch)
        add_person(session, admin, c.outsider, "Sam Nobody")
    return c


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
