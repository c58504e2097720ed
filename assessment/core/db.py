"""The database: engine, transactions and schema migrations (Alembic)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlmodel import Session

from assessment.core.errors import NotFound
from assessment.core.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys, WAL and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The configured database's engine; a SQLite file that does not exist yet is not made here
    (only ``accelerator init`` makes it), so a mistyped path is said, not left behind empty."""
    url = get_settings().database_url
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise NotFound(
            f"There is no database at {path}. Run `accelerator init` to make it there, or set "
            "ACCELERATOR_DATABASE_URL to the database you mean."
        )
    return engine_for(url)


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite); a URI filename
    (``sqlite:///file:PATH?mode=ro&uri=true``) names its PATH."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    if parsed.query.get("uri") == "true":
        name = name.removeprefix("file:")
    return Path(name)


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back whole on any error; a read-only
    or full database, or a server that does not answer, is raised as a ``Fault`` that says so."""
    engine = engine or get_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception as exc:
            session.rollback()
            from assessment.core.faults import fault_of

            fault = fault_of(exc, engine.url)
            if fault is None:
                raise
            raise fault from exc
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the newest migration (creates the database file if needed)."""
    from alembic import command

    url = url or get_settings().database_url
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url or get_settings().database_url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
