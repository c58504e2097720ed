"""Passwords for signing in to the web app: argon2id hashes (argon2-cffi), who may set one, and checking one."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session

from assessment.cohorts.people import find_person, get_person, load_actor, roles_of
from assessment.core import history
from assessment.core.errors import Problem, ValidationFailed
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, may, require

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing a megabyte on every sign-in attempt would be a cheap way to tire the server
# scrypt: how passwords were hashed before argon2id; such hashes still verify, and are replaced at sign-in
LEGACY_SCHEME = "scrypt"


@cache
def _hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """One self-describing string: argon2id's PHC format (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``)."""
    return _hasher().hash(password)


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (an argon2 hash, or an older scrypt one)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if stored.startswith(f"{LEGACY_SCHEME}$"):
        return _verify_scrypt(password, stored)
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with an older scheme or weaker settings than today's."""
    return stored.startswith(f"{LEGACY_SCHEME}$") or _hasher().check_needs_rehash(stored)


def _verify_scrypt(password: str, stored: str) -> bool:
    """An older ``scrypt$n$r$p$salt$hash`` hash (hex), compared in constant time."""
    try:
        _, n, r, p, salt, key = stored.split("$")
        cost, block, lanes = int(n), int(r), int(p)
        derived = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=cost, r=block, p=lanes,
            maxmem=2 * 128 * cost * block * lanes, dklen=len(bytes.fromhex(key)),
        )  # fmt: skip
        return hmac.compare_digest(derived, bytes.fromhex(key))
    except ValueError:
        return False


# Checked when the email is unknown (or has no password), so that answer takes as long as a wrong password.
@cache
def _decoy() -> str:
    return hash_password(secrets.token_hex(16))


def password_problems(password: str) -> list[Problem]:
    """What is wrong with ``password`` as a new password (nothing when it will do)."""
    if len(password) < MIN_LENGTH:
        return [
            Problem(
                "password",
                f"it has {len(password)} characters; a password needs at least {MIN_LENGTH}.",
                "A few unrelated words make a long password that is easy to remember.",
            )
        ]
    if len(password) > MAX_LENGTH:
        return [Problem("password", f"it has {len(password)} characters; at most {MAX_LENGTH} are accepted.")]
    if not password.strip():
        return [Problem("password", "it is only spaces.")]
    return []


def set_password(session: Session, actor: Actor, email: str, password: str) -> None:
    """Give ``email`` a new password: the person themselves, an admin, or whoever may register people
    where that person holds a role."""
    person = get_person(session, email)
    if person.id != actor.person_id:
        places = {r.jurisdiction_id for r in roles_of(session, person) if r.jurisdiction_id is not None}
        allowed = any(may(actor, "write", Record.person, _Place(j)) for j in places)
        if not allowed:
            require(actor, "write", Record.person, None, f"set the password of {person.email}")
    problems = password_problems(password)
    if problems:
        raise ValidationFailed(f"The password for {person.email} was not set:", problems)
    had = person.password_hash is not None
    person.password_hash = hash_password(password)
    session.add(person)
    # the history says that it changed, never the hash
    history.record(
        session, actor.email, "person", row_id(person), "password", "set" if had else None, "set", "password set"
    )


def check_password(session: Session, email: str, password: str) -> Actor | None:
    """The person signing in when ``password`` is theirs, else None (as slow for an unknown email)."""
    person = find_person(session, email)
    if person is None or person.password_hash is None or len(password) > MAX_LENGTH:
        verify_password(password[:MAX_LENGTH], _decoy())
        return None
    if not verify_password(password, person.password_hash):
        return None
    if needs_rehash(person.password_hash):
        # the same password under today's hash: not a change anyone made, so no history entry
        person.password_hash = hash_password(password)
        session.add(person)
    return load_actor(session, person)


class _Place:
    """A jurisdiction by id, for a permission check that needs only its id."""

    def __init__(self, jurisdiction_id: int) -> None:
        self.id: int | None = jurisdiction_id
        self.name = ""
