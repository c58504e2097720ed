"""The one error family every door (CLI, flows, web) maps to messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class AcceleratorError(Exception):
    """Base of every error a user is meant to read."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and how to fix it."""

    location: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} {self.fix}".rstrip() if self.fix else text


class ValidationFailed(AcceleratorError):
    """Input was refused; every problem found is listed, nothing was written."""

    exit_code = 2

    def __init__(self, summary: str, problems: Iterable[Problem] | None = None) -> None:
        self.summary = summary
        self.problems = list(problems or [])
        lines = [summary] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def not_saved(what: str, problems: Iterable[Problem]) -> ValidationFailed:
    """The refusal of a record that was not saved, listing every problem."""
    return ValidationFailed(f"The {what} was not saved; fix these and try again:", problems)


class PermissionDenied(AcceleratorError):
    """The actor's roles do not allow this; the message names who may."""

    exit_code = 3


class NotFound(AcceleratorError):
    """A named thing does not exist."""

    exit_code = 4


class Conflict(AcceleratorError):
    """Someone else changed the thing since it was read, or it already exists."""

    exit_code = 5
