"""Faults of the machine rather than of the input, each said in one sentence: what failed, where,
and what to do.

``fault_of(exc)`` reads an exception and everything it wraps (``__cause__``, ``__context__`` and
SQLAlchemy's ``.orig``): SQLite's read-only, unopenable, full or failing database file; a
PostgreSQL session or server that accepts no writes, has no disk left, or cannot be reached; and
a file that cannot be written for want of space or permission. Errors are recognised by module
and class name, SQLSTATE and errno, so nothing here imports SQLAlchemy or psycopg to do it.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assessment.core.errors import AcceleratorError, Fault

if TYPE_CHECKING:
    from sqlalchemy import URL

# SQLite's own words (sqlite3 errors carry no code before Python 3.11), each with its sentence.
SQLITE_FAULTS = {
    "attempt to write a readonly database": (
        "{database} is read-only, so nothing was saved; make the file and its folder writable "
        "(or set ACCELERATOR_DATABASE_URL to a writable copy) and try again."
    ),
    "unable to open database file": (
        "{database} could not be opened for writing, so nothing was done; check that the file and its folder "
        "exist, that you may write to both and that the disk is not read-only, then try again."
    ),
    "database or disk is full": (
        "The disk holding {database} is full, so nothing was saved; free some space on it and try again."
    ),
    "disk i/o error": (
        "{database} could not be read or written (a disk I/O error: the disk may be full, read-only or failing), "
        "so nothing was saved; free some space on it or check the disk, then try again."
    ),
}

# PostgreSQL's SQLSTATEs for a database that takes no writes, each with its sentence.
POSTGRES_FAULTS = {
    "25006": (  # read_only_sql_transaction
        "{database} accepts no writes (the session or the server is read-only), so nothing was saved; "
        "connect to a writable server rather than a read-only replica, or ask its administrator to allow "
        "writes, then try again."
    ),
    "53100": (  # disk_full
        "The server of {database} has run out of disk space, so nothing was saved; ask its administrator to "
        "free some space and try again."
    ),
}

# How libpq and psycopg say no server was reached at all.
UNREACHABLE = (
    "connection refused",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "failed to resolve host",
    "could not translate host name",
    "no such file or directory",  # a Unix socket nobody listens on
)

# What a file that cannot be written says, with its sentence; {path} names it.
FILE_FAULTS = {
    errno.ENOSPC: (
        "The disk is full, so {path} was not written; free some space on it or choose another folder, then try again."
    ),
    errno.EDQUOT: (
        "Your disk quota is used up, so {path} was not written; free some space or choose another folder, "
        "then try again."
    ),
    errno.EROFS: "The disk is read-only, so {path} was not written; choose a folder you may write to and try again.",
    errno.EACCES: (
        "Permission was denied for {path}, so nothing was done with it; choose a file or folder you have access "
        "to (or ask for access), then try again."
    ),
}
FILE_FAULTS[errno.EPERM] = FILE_FAULTS[errno.EACCES]


def fault_of(exc: BaseException, database_url: str | URL | None = None, path: Path | str | None = None) -> Fault | None:
    """The fault ``exc`` reports, said for a person, or None when it is not one of these faults.

    ``database_url`` is the database being used and ``path`` the file being written, when the
    caller knows them (the error itself rarely names either)."""
    if isinstance(exc, AcceleratorError):
        return None  # already said for a person
    for link in causes(exc):
        found = _sqlite_fault(link, database_url) or _postgres_fault(link, database_url) or _file_fault(link, path)
        if found is not None:
            return found
    return None


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, then what it wraps and what it was raised from or while handling, each once."""
    seen: set[int] = set()
    waiting = [exc]
    while waiting:
        link = waiting.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        for inner in (getattr(link, "orig", None), link.__cause__, link.__context__):
            if isinstance(inner, BaseException):
                waiting.append(inner)


def _sqlite_fault(link: BaseException, database_url: str | URL | None) -> Fault | None:
    if type(link).__module__ != "sqlite3":
        return None
    text = str(link).lower()
    for words, sentence in SQLITE_FAULTS.items():
        if words in text:
            return Fault(_capitalized(sentence.format(database=database_named(database_url))))
    return None


def _postgres_fault(link: BaseException, database_url: str | URL | None) -> Fault | None:
    if type(link).__module__.split(".")[0] not in ("psycopg", "psycopg2"):
        return None
    state = getattr(link, "sqlstate", None) or getattr(link, "pgcode", None)
    if state in POSTGRES_FAULTS:
        return Fault(_capitalized(POSTGRES_FAULTS[state].format(database=database_named(database_url))))
    if state is not None or type(link).__name__ != "OperationalError":
        return None
    text = str(link)
    server = server_named(database_url)
    if any(words in text.lower() for words in UNREACHABLE):
        return Fault(
            f"The PostgreSQL server does not answer at {server}, so nothing was done; check that it is running "
            "and that ACCELERATOR_DATABASE_URL names the right host and port, then try again."
        )
    if not text.startswith("connection failed"):
        return None
    # the server answered and turned the connection away: a wrong user, password or database name
    said = text.rsplit("failed:", 1)[-1].strip().removeprefix("FATAL:").strip().splitlines()[0]
    return Fault(
        f"The PostgreSQL server at {server} refused the connection ({said}), so nothing was done; check the "
        "user, password and database name in ACCELERATOR_DATABASE_URL, then try again."
    )


def _file_fault(link: BaseException, path: Path | str | None) -> Fault | None:
    if not isinstance(link, OSError) or link.errno not in FILE_FAULTS:
        return None
    named = path or link.filename
    return Fault(FILE_FAULTS[link.errno].format(path=named if named else "the file"))


def database_named(database_url: str | URL | None) -> str:
    """The database as a sentence names it."""
    return f"the database at {database_location(database_url)}" if database_url else "the database"


def database_location(database_url: str | URL) -> str:
    """Where a database is, for people: a SQLite file's path, else its URL without password or options."""
    from sqlalchemy.engine import URL, make_url

    from assessment.core.db import sqlite_path

    path = sqlite_path(database_url)
    if path is not None:
        return str(path)
    url = make_url(database_url)
    shown = URL.create(url.drivername, username=url.username, host=url.host, port=url.port, database=url.database)
    return shown.render_as_string(hide_password=False)


def server_named(database_url: str | URL | None) -> str:
    """host:port of a database server (libpq's defaults when the URL leaves them out)."""
    if not database_url:
        return "the configured host and port"
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _capitalized(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]
