"""The flows' ``@flow``: Prefect's flow, its parameters stored without importing FastAPI.

Prefect stores a run's parameters after FastAPI's ``jsonable_encoder``, and that import (FastAPI's
application, routing and OpenAPI models) is a sixth of a second of every run started from the
terminal, spent on a web framework the run never uses. pydantic, already loaded, turns the
parameters into the same JSON: text, numbers, lists, paths as text, enums as their values,
models as their fields; a value it cannot turn is stored as ``<TypeName>``, as Prefect does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import prefect
from prefect.client.schemas.objects import State
from prefect.futures import PrefectFuture
from pydantic_core import PydanticSerializationError, to_jsonable_python

P = ParamSpec("P")
R = TypeVar("R")


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
