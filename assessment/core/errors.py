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


# Past this many problems in one input, more are counted, not kept: a sheet with 100,000 bad rows
# must not take its reader's memory (a person fixes the first ones and tries again anyway).
MAX_PROBLEMS = 1000


class ValidationFailed(AcceleratorError):
    """Input was refused; every problem found is listed (up to ``MAX_PROBLEMS``, then counted in
    ``more``), nothing was written."""

    exit_code = 2

    def __init__(self, summary: str, problems: Iterable[Problem] | None = None, more: int = 0) -> None:
        self.summary = summary
        self.problems = list(problems or [])
        self.more = more
        lines = [summary] + [f"  - {p}" for p in self.problems]
        if more:
            lines.append(f"  ... and {more} more problem(s)")
        super().__init__("\n".join(lines))


class ProblemLog:
    """Problems as they are found: kept up to ``limit``, counted beyond it."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.kept: list[Problem] = []
        self.more = 0
        self.limit = limit

    def add(self, problem: Problem) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def full(self) -> bool:
        return len(self.kept) >= self.limit

    def __len__(self) -> int:
        return len(self.kept) + self.more

    def __bool__(self) -> bool:
        return bool(self.kept)


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


class Fault(AcceleratorError):
    """The machine refused, not the input: a read-only or full disk, a read-only database, a
    database server that does not answer. Nothing was written; the message says where and what to do."""

    exit_code = 1
