"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured),
a cast of people built through the services, and one Prefect test harness per session."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Before anything imports Prefect: its home (database, settings) lives in a temporary folder.
_PREFECT_HOME = tempfile.mkdtemp(prefix="accelerator-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.pop("ACCELERATOR_ACTOR", None)
# The failure log lives in a folder of the test session, never the user's (a saved identity lives
# in a folder of each test: see ``own_identity``).
os.environ["ACCELERATOR_DATA_DIR"] = tempfile.mkdtemp(prefix="accelerator-data-")
os.environ.pop("PREFECT_API_URL", None)

# The PostgreSQL half runs against ACCELERATOR_TEST_POSTGRES_URL, else the local server every
# developer machine has; when that one does not answer, the half is skipped with one line saying so.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("ACCELERATOR_TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def _postgres_problem(url: str) -> str | None:
    """Why no PostgreSQL server answers at ``url``, or None when one does."""
    import psycopg

    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


POSTGRES_PROBLEM = _postgres_problem(POSTGRES_URL)
if POSTGRES_PROBLEM and os.environ.get("ACCELERATOR_TEST_POSTGRES_URL"):
    raise RuntimeError(f"ACCELERATOR_TEST_POSTGRES_URL is set but its server does not answer: {POSTGRES_PROBLEM}")
BACKENDS = ["sqlite", "postgresql"]


def _postgres_skip_line() -> str:
    return (
        f"PostgreSQL half skipped: no server answers at {POSTGRES_URL} ({POSTGRES_PROBLEM}); "
        "start it or set ACCELERATOR_TEST_POSTGRES_URL"
    )


def _on_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgresql" in callspec.params.values()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a PostgreSQL server, the PostgreSQL half is left out and said so once. The files with
    slow tests go first: the workers take whole files in this order, and a minute-long test taken
    last would leave the other worker idle for that minute."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: each file keeps its order
    if not POSTGRES_PROBLEM:
        return
    dropped = [item for item in items if _on_postgres(item)]
    if dropped:
        items[:] = [item for item in items if not _on_postgres(item)]
        config.hook.pytest_deselected(items=dropped)


def pytest_report_header(config: pytest.Config) -> str:
    return _postgres_skip_line() if POSTGRES_PROBLEM else f"databases: SQLite, and PostgreSQL at {POSTGRES_URL}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if POSTGRES_PROBLEM:
        terminalreporter.write_line(_postgres_skip_line())


@pytest.fixture(autouse=True)
def labels_in_enrollment_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Anonymized labels are drawn at random; tests draw them in enrollment order, to know whose is which
    (``tests/reports/test_regional.py`` checks the drawing itself)."""
    from assessment.reports import naming

    monkeypatch.setattr(naming, "draw", lambda teams: None)


@pytest.fixture(autouse=True)
def own_identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each test starts with nobody saved as the acting person (``accelerator whoami --set``)."""
    from assessment.core.settings import get_settings

    folder = tmp_path_factory.mktemp("config")
    os.environ["ACCELERATOR_CONFIG_DIR"] = str(folder)
    get_settings.cache_clear()
    yield folder
    os.environ.pop("ACCELERATOR_CONFIG_DIR", None)
    get_settings.cache_clear()


def use_database(url: str) -> None:
    """Point the settings (and the cached engine) at ``url``."""
    from assessment.core.db import engine_for
    from assessment.core.settings import get_settings

    os.environ["ACCELERATOR_DATABASE_URL"] = url
    get_settings.cache_clear()
    engine_for.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating is the slow part)."""
    from assessment.core.db import engine_for, upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A fresh, migrated, empty database; PostgreSQL gets a database of its own, copied from a migrated
    template (a copy takes a tenth of a second; migrating each one took three)."""
    if request.param == "sqlite":
        path = tmp_path / "accelerator.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        use_database(url)
        yield url
        return
    template = request.getfixturevalue("postgres_template")
    with postgres_database(template) as url:
        use_database(url)
        yield url


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated database that each test's PostgreSQL database is copied from (one per test process)."""
    from assessment.core.db import engine_for, upgrade

    name = f"accelerator_template_{os.getpid()}"
    with postgres_admin() as admin:
        admin.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.exec_driver_sql(f"CREATE DATABASE {name}")
    url = on_database(name)
    upgrade(url)
    engine_for(url).dispose()  # a template must have no connection when it is copied
    yield name
    with postgres_admin() as admin:
        admin.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def postgres_database(template: str) -> Iterator[str]:
    """A database of its own copied from ``template``, as a URL (dropped afterwards)."""
    from assessment.core.db import engine_for

    name = f"t_{uuid.uuid4().hex[:12]}"
    with postgres_admin() as admin:
        admin.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    url = on_database(name)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with postgres_admin() as admin:
            admin.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def on_database(name: str) -> str:
    """POSTGRES_URL pointed at database ``name`` of the same server."""
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@contextmanager
def postgres_admin() -> Iterator[Any]:
    """A connection to the test server in autocommit (CREATE and DROP DATABASE refuse transactions)."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection
    finally:
        engine.dispose()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A schema of its own on the PostgreSQL server (dropped afterwards), as a database URL;
    the test is skipped with the reason when no server answers."""
    if POSTGRES_PROBLEM:
        pytest.skip(
            f"PostgreSQL half skipped: no server answers at {POSTGRES_URL} ({POSTGRES_PROBLEM}); "
            "start it or set ACCELERATOR_TEST_POSTGRES_URL"
        )
    import sqlalchemy as sa

    from assessment.core.db import engine_for

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(POSTGRES_URL)
    with admin_engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
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

    from assessment.cohorts.jurisdictions import add_jurisdiction
    from assessment.cohorts.people import add_person, ensure_admin, resolve_actor
    from assessment.cohorts.service import create_cohort, enroll_team
    from assessment.core.db import transaction

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
