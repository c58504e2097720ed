"""Passwords for signing in to the web app: scrypt hashes, who may set one, and checking one."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session

from assessment.cohorts.people import find_person, get_person, load_actor, roles_of
from assessment.core import history
from assessment.core.errors import Problem, ValidationFailed
from assessment.core.fields import row_id
from assessment.core.permissions import Actor, Record, may, require

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing a megabyte on every sign-in attempt would be a cheap way to tire the server
# scrypt cost: 2**14 rounds, block size 8, one lane (about 16 MiB and tens of milliseconds a hash)
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
SCHEME = "scrypt"


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * n * r * p, dklen=KEY_BYTES
    )


def hash_password(password: str) -> str:
    """One self-describing string: scheme, cost, salt and hash (``scrypt$n$r$p$salt$hash``, hex)."""
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}${N}${R}${P}${salt.hex()}${_derive(password, salt, N, R, P).hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` hashes to ``stored`` (compared in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        derived = _derive(password, bytes.fromhex(salt), int(n), int(r), int(p))
        return hmac.compare_digest(derived, bytes.fromhex(key))
    except ValueError:
        return False


# Checked when the email is unknown (or has no password), so that answer takes as long as a wrong password.
_DECOY = hash_password(secrets.token_hex(16))


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
        verify_password(password[:MAX_LENGTH], _DECOY)
        return None
    if not verify_password(password, person.password_hash):
        return None
    return load_actor(session, person)


class _Place:
    """A jurisdiction by id, for a permission check that needs only its id."""

    def __init__(self, jurisdiction_id: int) -> None:
        self.id: int | None = jurisdiction_id
        self.name = ""
