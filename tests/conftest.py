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
    """A fresh, migrated, empty database: SQLite, a copy of a migrated file; PostgreSQL, the test
    process's own database, emptied after each test (see ``ReusedDatabase``)."""
    if request.param == "sqlite":
        path = tmp_path / "accelerator.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        use_database(url)
        yield url
        return
    reused: ReusedDatabase = request.getfixturevalue("postgres_reused")
    use_database(reused.url)
    try:
        yield reused.url
    finally:
        reused.empty()


class SchemaChanged(Exception):
    """A test changed the tables themselves: emptying them would not give the next test a fresh database."""


@dataclass
class ReusedDatabase:
    """A test process's PostgreSQL database, copied from the migrated template once and emptied after
    each test as a new copy would be: every row deleted and every sequence back at 1, so the next
    test's ids start at 1 too. A copy took half a second a test; emptying takes a few hundredths.
    A test that changed the tables, or after which the emptying fails (a server user who may not
    set the replica role, say), gets a new copy instead."""

    template: str
    name: str
    tables: list[str]
    sequences: list[str]
    shape: list[tuple[Any, ...]]  # the tables' columns and the migration, as copied

    @property
    def url(self) -> str:
        return on_database(self.name)

    @classmethod
    def copied_from(cls, template: str) -> ReusedDatabase:
        import sqlalchemy as sa

        name = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        copy_database(template, name)
        engine = sa.create_engine(on_database(name), poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                tables = list(
                    connection.exec_driver_sql(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                    ).scalars()
                )
                sequences = list(
                    connection.exec_driver_sql(
                        "SELECT schemaname || '.' || sequencename FROM pg_sequences WHERE schemaname = 'public'"
                    ).scalars()
                )
                shape = shape_of(connection)
        finally:
            engine.dispose()
        return cls(template, name, tables, sequences, shape)

    def empty(self) -> None:
        import sqlalchemy as sa

        from assessment.core.db import engine_for

        engine_for(self.url).dispose()
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as connection:
                # a process the test started (a served flow, a web app) may still hold a connection
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if shape_of(connection) != self.shape:
                    raise SchemaChanged
                # the replica role (a superuser's, as the local test server's is) runs no trigger: neither
                # the append-only tables' guards, which refuse deletes, nor the foreign keys' checks
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
                connection.exec_driver_sql("; ".join(f'DELETE FROM "{table}"' for table in self.tables))
                connection.exec_driver_sql(
                    "SELECT setval(name::regclass, 1, false) FROM unnest(%(names)s::text[]) AS name",
                    {"names": self.sequences},
                )
        except (sa.exc.SQLAlchemyError, SchemaChanged):
            engine.dispose()
            drop_database(self.name)
            copy_database(self.template, self.name)
        finally:
            engine.dispose()


def shape_of(connection: Any) -> list[tuple[Any, ...]]:
    """The database's tables, columns and migration: what emptying the rows does not restore."""
    columns = connection.exec_driver_sql(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, column_name"
    ).all()
    version = connection.exec_driver_sql("SELECT version_num FROM alembic_version ORDER BY 1").all()
    return [tuple(row) for row in [*columns, *version]]


@pytest.fixture(scope="session")
def postgres_reused(postgres_template: str) -> Iterator[ReusedDatabase]:
    """The test process's own PostgreSQL database (dropped at the end)."""
    reused = ReusedDatabase.copied_from(postgres_template)
    try:
        yield reused
    finally:
        from assessment.core.db import engine_for

        engine_for(reused.url).dispose()
        drop_database(reused.name)


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


def copy_database(template: str, name: str) -> None:
    with postgres_admin() as admin:
        admin.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")


def drop_database(name: str) -> None:
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
