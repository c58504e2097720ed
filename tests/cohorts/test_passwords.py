"""Passwords for the web app: who may set one, what is refused, and signing in with it."""

from __future__ import annotations

import hashlib
import io
import time

import pytest
from sqlmodel import select

from assessment.cohorts.models import Person
from assessment.cohorts.passwords import check_password, set_password
from assessment.cohorts.people import resolve_actor
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.core.history import History
from tests.cli import run_cli
from tests.conftest import Cast

GOOD = "correct horse battery staple"


def set_as(who: str, email: str, password: str = GOOD) -> None:
    with transaction() as session:
        set_password(session, resolve_actor(session, who), email, password)


def signs_in(email: str, password: str) -> str | None:
    with transaction() as session:
        actor = check_password(session, email, password)
    return actor.email if actor else None


def test_a_person_signs_in_with_the_password_they_set_and_not_another(cast: Cast) -> None:
    set_as(cast.alder_officer, cast.alder_officer)
    assert signs_in(cast.alder_officer, GOOD) == cast.alder_officer
    assert signs_in(cast.alder_officer.upper(), GOOD) == cast.alder_officer
    assert signs_in(cast.alder_officer, GOOD + "!") is None
    assert signs_in(cast.birch_officer, GOOD) is None  # no password set yet
    assert signs_in("nobody@example.org", GOOD) is None


def test_the_hash_is_salted_self_describing_and_kept_out_of_the_history(cast: Cast) -> None:
    set_as(cast.admin, cast.alder_officer)
    set_as(cast.admin, cast.birch_officer)
    with transaction() as session:
        hashes = [p.password_hash for p in session.exec(select(Person)) if p.password_hash]
        entries = [h for h in session.exec(select(History)) if h.field == "password"]
    assert len(hashes) == 2
    assert hashes[0] != hashes[1]  # same password, different salts
    assert all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and GOOD not in h for h in hashes)
    assert [(e.old, e.new, e.actor) for e in entries] == [(None, "set", cast.admin), (None, "set", cast.admin)]
    assert not any(h in (e.new or "") for e in entries for h in hashes)


def test_the_program_manager_sets_passwords_in_their_jurisdiction_only(cast: Cast) -> None:
    set_as(cast.alder_manager, cast.alder_officer)
    set_as(cast.lead, cast.birch_officer)
    with pytest.raises(PermissionDenied) as refused:
        set_as(cast.alder_manager, cast.birch_officer)
    assert "may not set the password of officer@birch.example.org" in refused.value.message
    with pytest.raises(PermissionDenied):
        set_as(cast.alder_officer, cast.alder_exec)


def test_a_short_password_is_refused_saying_how_long_it_must_be(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        set_as(cast.alder_officer, cast.alder_officer, "short pass")
    assert "it has 10 characters; a password needs at least 12" in str(refused.value)
    assert signs_in(cast.alder_officer, "short pass") is None


def test_an_unknown_email_takes_about_as_long_as_a_wrong_password(cast: Cast) -> None:
    set_as(cast.alder_officer, cast.alder_officer)

    def timed(email: str) -> float:
        start = time.perf_counter()
        signs_in(email, "wrong password here")
        return time.perf_counter() - start

    known = min(timed(cast.alder_officer) for _ in range(3))
    unknown = min(timed("nobody@example.org") for _ in range(3))
    # both hash once with scrypt; without the decoy the unknown email would answer far faster
    assert unknown > known / 3


def test_set_password_from_the_command_line_reads_standard_input(
    cast: Cast, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD + "\n"))
    done = run_cli(capsys, "--actor", cast.admin, "person", "set-password", cast.alder_officer, "--stdin")
    assert done.code == 0, done.err
    assert "Password set for officer@alder.example.org" in done.out
    assert signs_in(cast.alder_officer, GOOD) == cast.alder_officer

    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    refused = run_cli(capsys, "--actor", cast.admin, "person", "set-password", cast.alder_officer, "--stdin")
    assert refused.code == 2
    assert "a password needs at least 12" in " ".join(refused.err.split())


def test_set_password_asks_twice_without_showing_it_and_again_when_they_differ(cast: Cast) -> None:
    from typer.testing import CliRunner

    from accelerator.cli import build_app

    args = ["--actor", cast.alder_officer, "person", "set-password", cast.alder_officer]
    typed = f"{GOOD}\n{GOOD}x\n{GOOD}\n{GOOD}\n"  # a typo the first time round
    done = CliRunner().invoke(build_app(args), args, input=typed)
    assert done.exit_code == 0, done.output
    assert "New password for officer@alder.example.org (at least 12 characters):" in done.output
    assert "Type it again" in done.output
    assert "do not match" in done.output
    assert GOOD not in done.output  # never echoed
    assert signs_in(cast.alder_officer, GOOD) == cast.alder_officer


def test_an_older_scrypt_hash_still_signs_in_and_is_replaced_by_argon2id(cast: Cast) -> None:
    salt = bytes(range(16))
    key = hashlib.scrypt(GOOD.encode(), salt=salt, n=2**14, r=8, p=1, maxmem=2 * 128 * 2**14 * 8, dklen=32)
    with transaction() as session:
        person = session.exec(select(Person).where(Person.email == cast.alder_officer)).one()
        person.password_hash = f"scrypt$16384$8$1${salt.hex()}${key.hex()}"
        session.add(person)
    assert signs_in(cast.alder_officer, "not the password at all") is None
    assert signs_in(cast.alder_officer, GOOD) is not None
    with transaction() as session:
        stored = session.exec(select(Person).where(Person.email == cast.alder_officer)).one().password_hash
    assert stored is not None and stored.startswith("$argon2id$")
    assert signs_in(cast.alder_officer, GOOD) is not None
