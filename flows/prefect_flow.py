"""The flows' ``@flow``: Prefect's flow, its parameters stored without importing FastAPI; and two
ways of calling Prefect that cost less than the obvious ones (``whole``, ``without_heartbeat``).

Prefect stores a run's parameters after FastAPI's ``jsonable_encoder``, and that import (FastAPI's
application, routing and OpenAPI models) is a sixth of a second of every run started from the
terminal, spent on a web framework the run never uses. pydantic, already loaded, turns the
parameters into the same JSON: text, numbers, lists, paths as text, enums as their values,
models as their fields; a value it cannot turn is stored as ``<TypeName>``, as Prefect does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar, cast

import prefect
from prefect.client.schemas.objects import State
from prefect.context import SettingsContext, get_settings_context
from prefect.futures import PrefectFuture
from prefect.settings import Settings
from prefect.utilities.annotations import opaque
from pydantic_core import PydanticSerializationError, to_jsonable_python

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class Flow(prefect.Flow[P, R]):
    """A Prefect flow whose parameters are turned into JSON by pydantic (see the module's docstring)."""

    def serialize_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        if self.ismethod or self.isclassmethod:  # the bound object is left out: Prefect's way knows how
            return super().serialize_parameters(parameters)
        stored: dict[str, Any] = {}
        for name, value in parameters.items():
            if isinstance(value, (PrefectFuture, State)):
                stored[name] = f"<{type(value).__name__}>"  # as Prefect does: never resolved to store it
                continue
            try:
                stored[name] = to_jsonable_python(value)
            except (PydanticSerializationError, TypeError, ValueError, RecursionError):
                stored[name] = f"<{type(value).__name__}>"
        return stored


def flow(**options: Any) -> Callable[[Callable[P, R]], Flow[P, R]]:
    """``@flow(name=..., ...)`` as Prefect's, making a :class:`Flow`."""

    def make(fn: Callable[P, R]) -> Flow[P, R]:
        return Flow(fn, **options)

    return make


def whole(value: T) -> T:
    """``value`` for a task's argument, passed as it is: Prefect still links the task to the one that
    returned it (the run's graph keeps its arrow) but does not walk through every object inside it
    looking for futures (twice per task): some 7,000 visits in one run on a team's three workbooks, more
    for every jurisdiction in a region's report."""
    return cast(T, opaque(value))


@contextmanager
def without_heartbeat() -> Iterator[Settings]:
    """Flows started inside send the server no heartbeat.

    A heartbeat tells a server that a worker's run still lives; a person watching the terminal or a
    page sees that for themselves, and without one a run does not wait up to a second at its end for
    the heartbeat thread to stop. Prefect's ``temporary_settings`` would rebuild every setting from
    the environment and files (a twentieth of a second); a copy of the current ones with that one
    field changed costs nothing.
    """
    context = get_settings_context()
    settings = context.settings
    quiet = settings.model_copy(update={"flows": settings.flows.model_copy(update={"heartbeat_frequency": None})})
    with SettingsContext(profile=context.profile, settings=quiet):
        yield quiet
