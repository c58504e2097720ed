"""A flow's steps told to whoever watches them as they start and end: the CLI's step display.

A task made ``watched`` tells its name and state ("running", "completed", "failed") to every
watcher registered with ``watching`` in the context that started the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from prefect import Task
    from prefect.client.schemas.objects import State, TaskRun

P = ParamSpec("P")
R = TypeVar("R")
# Who watches the steps of the runs started in this context.
_watchers: ContextVar[tuple[Callable[[str, str], None], ...]] = ContextVar("flow_step_watchers", default=())


@contextmanager
def watching(on_step: Callable[[str, str], None]) -> Iterator[None]:
    """Tell ``on_step`` a step's name and state as each step of the runs started inside starts and ends."""
    token = _watchers.set((*_watchers.get(), on_step))
    try:
        yield
    finally:
        _watchers.reset(token)


def _tell(step: Task[..., Any], _run: TaskRun, state: State) -> None:
    for on_step in _watchers.get():
        on_step(step.name, state.type.value.lower())


def watched(step: Task[P, R]) -> Task[P, R]:
    """The task, telling its start and end to whoever is ``watching``."""
    return step.with_options(on_running=[_tell], on_completion=[_tell], on_failure=[_tell])
