"""Input shapes (pydantic) validated before anything reaches a table."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from assessment.errors import Problem, ValidationFailed
from assessment.models import JurisdictionKind, Role

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if not EMAIL.match(value):
        raise ValueError(f"'{value}' is not an email address (expected name@example.org)")
    return value


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be empty")
    return value


Email = Annotated[str, AfterValidator(_email)]
Name = Annotated[str, AfterValidator(_name)]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonCreate(Shape):
    email: Email
    name: Name
    role: Role | None = None
    jurisdiction: str | None = None


class JurisdictionCreate(Shape):
    name: Name
    kind: JurisdictionKind = JurisdictionKind.county
    region: str = ""


class CohortCreate(Shape):
    name: Name
    region: str = ""
    start: date | None = None
    sequence: str = Field(default="accelerator-sequence")


S = TypeVar("S", bound=BaseModel)


def problems_of(exc: ValidationError, where: str = "") -> list[Problem]:
    """Pydantic's errors as problems located by field (and ``where`` the input came from)."""
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "input"
        message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(f"{where} {field}".strip() if where else field, message))
    return problems


def validate(shape: type[S], data: dict[str, object], what: str, where: str = "") -> S:
    """``shape`` built from ``data``, or one ValidationFailed listing every field's problem."""
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(f"The {what} was not saved; fix these and try again:", problems_of(exc, where)) from None
