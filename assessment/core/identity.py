"""Who is acting, as the person said it: an option, ``ACCELERATOR_ACTOR``, or an identity saved once.

Nobody acts as the administrator by default: a change is always made by someone who said who
they are, so the history credits the right person."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from assessment.core.errors import ValidationFailed
from assessment.core.settings import get_settings

Source = Literal["option", "environment", "saved"]
# How each source is named to the person
SAID_BY: dict[Source, str] = {
    "option": "--actor",
    "environment": "ACCELERATOR_ACTOR",
    "saved": "saved with accelerator whoami --set",
}
HOW_TO_SAY = (
    "Say who you are: add --actor EMAIL to the command, set ACCELERATOR_ACTOR=EMAIL, "
    "or save it once with `accelerator whoami --set EMAIL`."
)


def identity_file() -> Path:
    return get_settings().config_dir / "identity"


def saved_identity() -> str | None:
    """The email saved with ``accelerator whoami --set``, if any."""
    try:
        text = identity_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def save_identity(email: str) -> Path:
    """Remember ``email`` as the person acting from now on (for this user of this machine)."""
    path = identity_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(email.strip().lower() + "\n", encoding="utf-8")
    return path


def forget_identity() -> bool:
    """Forget the saved identity; False when there was none."""
    try:
        identity_file().unlink()
    except FileNotFoundError:
        return False
    return True


def acting_email(option: str | None = None) -> tuple[str, Source] | None:
    """The email of the person acting and where it was said, or None when nobody said it."""
    said: tuple[tuple[str | None, Source], ...] = (
        (option, "option"),
        (get_settings().actor, "environment"),
        (saved_identity(), "saved"),
    )
    for email, source in said:
        if email is not None:
            if not email.strip():
                raise ValidationFailed(f"{SAID_BY[source]} is empty. {HOW_TO_SAY}")
            return email.strip().lower(), source
    return None
