"""Each PostgreSQL test gets a database as fresh as a new copy of the migrated template, though the
test process reuses one database and empties it after each test (``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_PROBLEM, ReusedDatabase, drop_database

pytestmark = pytest.mark.skipif(bool(POSTGRES_PROBLEM), reason=f"no PostgreSQL server: {POSTGRES_PROBLEM}")

WRITE = (
    "INSERT INTO history (entity, entity_id, field, new, note, actor, at) "
    "VALUES ('cohort', 1, 'name', 'A', '', 'admin@example.org', now()) RETURNING id"
)


@pytest.fixture
def reused(postgres_template: str) -> Iterator[ReusedDatabase]:
    database = ReusedDatabase.copied_from(postgres_template)
    try:
        yield database
    finally:
        drop_database(database.name)


def columns_of(engine: sa.Engine, table: str) -> list[str]:
    with engine.connect() as connection:
        return sorted(c["name"] for c in sa.inspect(connection).get_columns(table))


def test_emptied_it_has_no_rows_and_ids_start_again_at_1(reused: ReusedDatabase) -> None:
    engine = sa.create_engine(reused.url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            assert [connection.execute(sa.text(WRITE)).scalar() for _ in range(3)] == [1, 2, 3]
        reused.empty()
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM history")).scalar() == 0
            assert connection.execute(sa.text(WRITE)).scalar() == 1
        # the append-only guard is still there for the next test
        with pytest.raises(sa.exc.DBAPIError, match="history is append-only"), engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM history"))
    finally:
        engine.dispose()


def test_a_test_that_changed_a_table_leaves_a_new_copy(reused: ReusedDatabase) -> None:
    engine = sa.create_engine(reused.url, poolclass=sa.pool.NullPool)
    try:
        migrated = columns_of(engine, "history")
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE history ADD COLUMN scribble text"))
            connection.execute(sa.text(WRITE))
        reused.empty()
        assert columns_of(engine, "history") == migrated
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM history")).scalar() == 0
    finally:
        engine.dispose()


def test_a_connection_left_open_by_the_test_does_not_stop_the_emptying(reused: ReusedDatabase) -> None:
    """A process the test started (a served flow, the web app) may still be connected, mid-transaction,
    holding a lock on a row the emptying deletes."""
    import threading

    engine = sa.create_engine(reused.url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(WRITE))
    lingering = engine.connect()
    try:
        lingering.execute(sa.text("SELECT id FROM history FOR UPDATE"))  # its transaction left open
        emptying = threading.Thread(target=reused.empty, daemon=True)
        emptying.start()
        emptying.join(timeout=30)
        assert not emptying.is_alive(), "the emptying waits for the lingering connection's lock"
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM history")).scalar() == 0
    finally:
        lingering.invalidate()
        engine.dispose()
