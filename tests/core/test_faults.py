"""Faults of the machine said in one sentence: the translator on the errors SQLite, PostgreSQL and
the operating system raise, and workbooks written whole or not at all."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import IO

import psycopg
import psycopg.errors
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import exc as sa_exc

from assessment.core.errors import Fault, NotFound
from assessment.core.faults import fault_of
from assessment.core.files import save_workbook

SQLITE_URL = "sqlite:////srv/equity/accelerator.db"
POSTGRES_URL = "postgresql+psycopg://accelerator:s3cret@db.example.org:6432/equity?options=-csearch_path%3Dx"


def raised(error: BaseException, cause: BaseException | None = None) -> BaseException:
    """``error`` as it arrives in an ``except`` clause, raised from ``cause`` as SQLAlchemy does."""
    try:
        raise error from cause
    except BaseException as caught:
        return caught


def from_sqlalchemy(orig: BaseException) -> BaseException:
    """``orig`` wrapped the way SQLAlchemy wraps a driver's error."""
    return raised(sa_exc.OperationalError("INSERT INTO barrier ...", {}, orig), orig)


def sentence(error: BaseException, database_url: str | None = None) -> str:
    fault = fault_of(error, database_url)
    assert fault is not None, f"{error!r} was not recognised"
    assert fault.exit_code == 1
    return fault.message


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "attempt to write a readonly database",
            "The database at /srv/equity/accelerator.db is read-only, so nothing was saved; make the file and its "
            "folder writable (or set ACCELERATOR_DATABASE_URL to a writable copy) and try again.",
        ),
        (
            "unable to open database file",
            "The database at /srv/equity/accelerator.db could not be opened for writing, so nothing was done; check "
            "that the file and its folder exist, that you may write to both and that the disk is not read-only, "
            "then try again.",
        ),
        (
            "database or disk is full",
            "The disk holding the database at /srv/equity/accelerator.db is full, so nothing was saved; free some "
            "space on it and try again.",
        ),
        (
            "disk I/O error",
            "The database at /srv/equity/accelerator.db could not be read or written (a disk I/O error: the disk may "
            "be full, read-only or failing), so nothing was saved; free some space on it or check the disk, then "
            "try again.",
        ),
    ],
)
def test_sqlite_faults_name_the_database_file(words: str, expected: str) -> None:
    assert sentence(from_sqlalchemy(sqlite3.OperationalError(words)), SQLITE_URL) == expected


def test_a_sqlite_uri_filename_is_named_by_its_path() -> None:
    error = from_sqlalchemy(sqlite3.OperationalError("attempt to write a readonly database"))
    said = sentence(error, "sqlite:///file:/srv/equity/accelerator.db?mode=ro&uri=true")
    assert said.startswith("The database at /srv/equity/accelerator.db is read-only")


def test_a_read_only_postgresql_session_is_named_without_password_or_options() -> None:
    orig = psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
    error = raised(sa_exc.InternalError("INSERT INTO barrier ...", {}, orig), orig)
    assert sentence(error, POSTGRES_URL) == (
        "The database at postgresql+psycopg://accelerator@db.example.org:6432/equity accepts no writes (the session "
        "or the server is read-only), so nothing was saved; connect to a writable server rather than a read-only "
        "replica, or ask its administrator to allow writes, then try again."
    )


def test_a_postgresql_server_out_of_disk_says_who_can_free_it() -> None:
    orig = psycopg.errors.DiskFull('could not extend file "base/16384/16385": No space left on device')
    said = sentence(raised(sa_exc.OperationalError("INSERT", {}, orig), orig), POSTGRES_URL)
    assert said == (
        "The server of the database at postgresql+psycopg://accelerator@db.example.org:6432/equity has run out of "
        "disk space, so nothing was saved; ask its administrator to free some space and try again."
    )
    assert "s3cret" not in said


def test_a_postgresql_server_that_does_not_answer_is_named_by_host_and_port() -> None:
    orig = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 6432 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?"
    )
    assert sentence(from_sqlalchemy(orig), POSTGRES_URL) == (
        "The PostgreSQL server does not answer at db.example.org:6432, so nothing was done; check that it is running "
        "and that ACCELERATOR_DATABASE_URL names the right host and port, then try again."
    )


def test_a_connection_the_server_turns_away_says_why() -> None:
    orig = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.5", port 6432 failed: FATAL:  database "equity" does '
        "not exist"
    )
    assert sentence(from_sqlalchemy(orig), POSTGRES_URL) == (
        'The PostgreSQL server at db.example.org:6432 refused the connection (database "equity" does not exist), '
        "so nothing was done; check the user, password and database name in ACCELERATOR_DATABASE_URL, then try "
        "again."
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (
            errno.ENOSPC,
            "The disk is full, so /srv/out/inventory.xlsx was not written; free some space on it or choose another "
            "folder, then try again.",
        ),
        (
            errno.EDQUOT,
            "Your disk quota is used up, so /srv/out/inventory.xlsx was not written; free some space or choose "
            "another folder, then try again.",
        ),
        (
            errno.EROFS,
            "The disk is read-only, so /srv/out/inventory.xlsx was not written; choose a folder you may write to and "
            "try again.",
        ),
        (
            errno.EACCES,
            "Permission was denied for /srv/out/inventory.xlsx, so nothing was done with it; choose a file or folder "
            "you have access to (or ask for access), then try again.",
        ),
        (
            errno.EPERM,
            "Permission was denied for /srv/out/inventory.xlsx, so nothing was done with it; choose a file or folder "
            "you have access to (or ask for access), then try again.",
        ),
    ],
)
def test_file_faults_name_the_file(number: int, expected: str) -> None:
    error = OSError(number, "refused by the system", "/srv/out/inventory.xlsx")
    assert sentence(error) == expected


def test_a_file_fault_is_found_behind_the_error_raised_while_handling_it() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/srv/out/roadmap.pdf")
        except OSError:
            raise RuntimeError("the renderer gave up")  # noqa: B904
    except RuntimeError as caught:
        error = caught
    assert sentence(error).startswith("The disk is full, so /srv/out/roadmap.pdf was not written")


@pytest.mark.parametrize(
    "error",
    [
        ValueError("not a fault"),
        OSError(errno.ENOENT, "No such file or directory", "/srv/in.xlsx"),
        from_sqlalchemy(sqlite3.OperationalError("database is locked")),
        raised(sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))),
        raised(sa_exc.ProgrammingError("SELECT", {}, psycopg.errors.UndefinedTable('relation "x" does not exist'))),
        raised(NotFound("No jurisdiction named 'Elm'."), OSError(errno.EACCES, "denied", "/x")),
    ],
    ids=["plain", "missing-file", "locked", "integrity", "missing-table", "already-said"],
)
def test_other_errors_are_left_alone(error: BaseException) -> None:
    assert fault_of(error, SQLITE_URL) is None


def small_workbook() -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 200):
        sheet.cell(row=row, column=1, value=f"row {row}")
    return book


def write_part_then_fill_the_disk(book: Workbook, target: str | Path | IO[bytes]) -> None:
    """What a save on a full disk does: some bytes land, then the write fails."""
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(b"PK\x03\x04 half a zip")
    else:
        target.write(b"PK\x03\x04 half a zip")
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_workbook_that_cannot_be_written_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "reports" / "inventory.xlsx"
    monkeypatch.setattr(Workbook, "save", write_part_then_fill_the_disk)
    with pytest.raises(Fault) as refused:
        save_workbook(small_workbook(), out)
    assert refused.value.message.startswith(f"The disk is full, so {out} was not written;")
    assert list(out.parent.iterdir()) == []


def test_a_failed_write_keeps_the_workbook_already_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "inventory.xlsx"
    save_workbook(small_workbook(), out)
    monkeypatch.setattr(Workbook, "save", write_part_then_fill_the_disk)
    with pytest.raises(Fault):
        save_workbook(Workbook(), out)
    assert [p.name for p in tmp_path.iterdir()] == ["inventory.xlsx"]
    sheet = load_workbook(out).active
    assert sheet is not None and sheet["A199"].value == "row 199"
