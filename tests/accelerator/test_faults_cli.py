"""A read-only database, a full disk and a server that does not answer, as a user meets them on
the command line: one sentence saying where and what to do, exit code 1, no traceback, and
nothing half-written (no new rows, no partial file)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from openpyxl import Workbook
from sqlalchemy import event, func
from sqlmodel import select

from assessment.barriers.models import Barrier
from assessment.core.db import engine_for, transaction
from assessment.core.settings import get_settings
from tests.cli import Outcome, run_cli
from tests.conftest import Cast, use_database

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def add_barrier(capsys: pytest.CaptureFixture[str], cast: Cast, *more: str) -> Outcome:
    return run_cli(
        capsys,
        "--actor",
        cast.alder_officer,
        "barrier",
        "add",
        "--jurisdiction",
        cast.alder,
        "--title",
        "Reimbursement-only funding",
        "--category",
        "payment_cash_flow",
        "--stage",
        "invoicing_payment",
        *more,
    )


def barriers_in(database_url: str) -> int:
    use_database(database_url)
    with transaction() as session:
        return session.exec(select(func.count()).select_from(Barrier)).one()


def said_once(outcome: Outcome, sentence: str) -> None:
    """The command failed with exit code 1 and said exactly ``sentence``, with no traceback."""
    assert outcome.code == 1, outcome.err
    assert outcome.err.strip() == f"Error: {sentence}"
    assert "Traceback" not in outcome.err


def sqlite_file(database_url: str) -> Path:
    """The test's SQLite file, with every connection closed (so its -wal and -shm are folded in)."""
    engine_for(database_url).dispose()
    return Path(database_url.removeprefix("sqlite:///"))


@contextmanager
def as_root(*command: str) -> Iterator[None]:
    """Run a command only root may (mount, chattr); the test is skipped, saying why, when it is refused."""
    if os.geteuid() != 0 or shutil.which(command[0]) is None:
        pytest.skip(f"needs root and `{command[0]}` to make a real {command[0]} fault")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"`{' '.join(command)}` was refused here: {done.stderr.strip()}")
    yield


@contextmanager
def read_only_copy(folder: Path, view: Path) -> Iterator[Path]:
    """``folder`` seen read-only at ``view`` (a read-only bind mount)."""
    view.mkdir()
    with as_root("mount", "--bind", str(folder), str(view)):
        try:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
            yield view
        finally:
            subprocess.run(["umount", str(view)], check=True)


@contextmanager
def small_disk(folder: Path, size: str = "512k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder``."""
    folder.mkdir()
    with as_root("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)):
        try:
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``; the filler file is returned so it can be removed."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


# -- a read-only database --------------------------------------------------------------------------


READ_ONLY = (
    "The database at {path} is read-only, so nothing was saved; make the file and its folder writable (or set "
    "ACCELERATOR_DATABASE_URL to a writable copy) and try again."
)


@SQLITE_ONLY
def test_a_sqlite_database_opened_read_only_refuses_a_write_in_one_sentence(
    cast: Cast, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_file(database_url)
    use_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    said_once(add_barrier(capsys, cast), READ_ONLY.format(path=path))
    assert barriers_in(database_url) == 0


@SQLITE_ONLY
def test_an_immutable_sqlite_file_refuses_a_write_in_one_sentence(
    cast: Cast, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_file(database_url)
    with as_root("chattr", "+i", str(path)):
        try:
            use_database(database_url)
            said_once(add_barrier(capsys, cast), READ_ONLY.format(path=path))
        finally:
            engine_for(database_url).dispose()
            subprocess.run(["chattr", "-i", str(path)], check=True)
    assert barriers_in(database_url) == 0


@SQLITE_ONLY
def test_a_sqlite_database_on_a_read_only_disk_says_it_cannot_be_opened_for_writing(
    cast: Cast, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_file(database_url)
    with read_only_copy(path.parent, tmp_path.parent / f"{tmp_path.name}-ro") as view:
        use_database(f"sqlite:///{view / path.name}")
        try:
            outcome = add_barrier(capsys, cast)
        finally:
            engine_for(f"sqlite:///{view / path.name}").dispose()
    said_once(
        outcome,
        f"The database at {view / path.name} could not be opened for writing, so nothing was done; check that the "
        "file and its folder exist, that you may write to both and that the disk is not read-only, then try again.",
    )
    assert barriers_in(database_url) == 0


@POSTGRES_ONLY
def test_a_read_only_postgresql_session_refuses_a_write_in_one_sentence(
    cast: Cast, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    read_only = f"{database_url}?options=-cdefault_transaction_read_only%3Don"
    use_database(read_only)
    try:
        outcome = add_barrier(capsys, cast)
    finally:
        engine_for(read_only).dispose()
    assert outcome.code == 1 and "Traceback" not in outcome.err
    said = outcome.err.strip()
    assert said.startswith("Error: The database at postgresql+psycopg://")
    assert said.endswith(
        "accepts no writes (the session or the server is read-only), so nothing was saved; connect to a writable "
        "server rather than a read-only replica, or ask its administrator to allow writes, then try again."
    )
    assert "options" not in said and "***" not in said
    assert barriers_in(database_url) == 0


def test_a_postgresql_server_that_does_not_answer_is_named_without_its_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCELERATOR_DATABASE_URL", "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/test")
    get_settings.cache_clear()
    said_once(
        run_cli(capsys, "--actor", "admin@example.org", "jurisdiction", "list"),
        "The PostgreSQL server does not answer at 127.0.0.1:1, so nothing was done; check that it is running and "
        "that ACCELERATOR_DATABASE_URL names the right host and port, then try again.",
    )


# -- a full disk under the database ------------------------------------------------------------------

LONG_DESCRIPTION = "Invoices wait for three signatures before payment. " * 400  # needs pages the database lacks


@SQLITE_ONLY
def test_a_full_sqlite_database_keeps_nothing_of_the_write(
    cast: Cast, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite's own limit on the file's size stands in for the disk; the same error, on every machine."""
    path = sqlite_file(database_url)
    engine = engine_for(database_url)

    @event.listens_for(engine, "connect")
    def _no_room_to_grow(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    said_once(
        add_barrier(capsys, cast, "--description", LONG_DESCRIPTION),
        f"The disk holding the database at {path} is full, so nothing was saved; free some space on it and try again.",
    )
    event.remove(engine, "connect", _no_room_to_grow)
    engine.dispose()
    assert barriers_in(database_url) == 0


@SQLITE_ONLY
def test_a_sqlite_database_on_a_full_disk_keeps_nothing_of_the_write(
    cast: Cast, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_disk(tmp_path / "disk", size="2m") as disk:
        path = disk / "accelerator.db"
        shutil.copy(sqlite_file(database_url), path)
        url = f"sqlite:///{path}"
        use_database(url)
        # a process already running when the disk fills: its database is open, its working files made
        assert run_cli(capsys, "--actor", cast.admin, "jurisdiction", "list").code == 0
        filler = fill(disk)
        try:
            outcome = add_barrier(capsys, cast, "--description", LONG_DESCRIPTION)
        finally:
            filler.unlink()
        said_once(
            outcome,
            f"The disk holding the database at {path} is full, so nothing was saved; free some space on it and try "
            "again.",
        )
        assert barriers_in(url) == 0
        engine_for(url).dispose()


# -- a full disk under --out -------------------------------------------------------------------------


def export_inventory(capsys: pytest.CaptureFixture[str], cast: Cast, out: Path) -> Outcome:
    return run_cli(
        capsys, "--actor", cast.alder_manager, "barrier", "export", "--jurisdiction", cast.alder, "--out", str(out)
    )


def write_template(capsys: pytest.CaptureFixture[str], cast: Cast, out: Path) -> Outcome:
    return run_cli(
        capsys,
        "--actor",
        cast.alder_manager,
        "assessment",
        "template",
        "--jurisdiction",
        cast.alder,
        "--cohort",
        cast.cohort,
        "--cycle",
        "baseline",
        "--out",
        str(out),
    )


def disk_full(out: Path) -> str:
    return (
        f"The disk is full, so {out} was not written; free some space on it or choose another folder, then try again."
    )


Writer = Callable[[pytest.CaptureFixture[str], Cast, Path], Outcome]
WORKBOOK_WRITERS = pytest.mark.parametrize("write", [export_inventory, write_template], ids=["export", "template"])


@SQLITE_ONLY
@WORKBOOK_WRITERS
def test_a_workbook_on_a_full_disk_is_not_left_half_written(
    write: Writer, cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_disk(tmp_path / "out", size="256k") as disk:
        filler = fill(disk)
        out = disk / "alder.xlsx"
        said_once(write(capsys, cast, out), disk_full(out))
        assert sorted(disk.iterdir()) == [filler]


def write_part_then_fill_the_disk(book: Workbook, target: str | Path | IO[bytes]) -> None:
    """What a save on a full disk does: some bytes land, then the write fails."""
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(b"PK\x03\x04 half a zip")
    else:
        target.write(b"PK\x03\x04 half a zip")
    raise OSError(errno.ENOSPC, "No space left on device")


@WORKBOOK_WRITERS
def test_a_workbook_whose_write_fails_midway_is_not_left_half_written(
    write: Writer, cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Workbook, "save", write_part_then_fill_the_disk)
    out = tmp_path / "out" / "alder.xlsx"
    said_once(write(capsys, cast, out), disk_full(out))
    assert list(out.parent.iterdir()) == []


@SQLITE_ONLY
def test_a_workbook_for_a_read_only_folder_says_so(
    cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "shared").mkdir()
    with read_only_copy(tmp_path / "shared", tmp_path / "view") as view:
        out = view / "alder.xlsx"
        said_once(
            export_inventory(capsys, cast, out),
            f"The disk is read-only, so {out} was not written; choose a folder you may write to and try again.",
        )
        assert list(view.iterdir()) == []
