"""Input shapes (pydantic) shared by every feature, validated before anything reaches a table.

People type into forms and spreadsheets, so closed sets accept a member's id or its label in
any case and spacing ("Action planned" or action_planned), numbers may arrive as text or floats
("3", 3.0), and lists may arrive as one comma-separated cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from difflib import get_close_matches
from enum import StrEnum
from typing import Annotated, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from assessment.core.errors import Problem, ValidationFailed, not_saved
from assessment.core.fields import utcnow

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


def key_of(text: str) -> str:
    """Text as an id is compared: ``Action planned`` and ``action-planned`` are ``action_planned``."""
    return "_".join(text.replace("-", " ").split()).casefold()


def whole(value: object) -> object:
    """3, 3.0, "3" and "3.0" are all 3; 3.5 is refused; anything else is left to pydantic."""
    if isinstance(value, bool):
        return value
    number: float
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value
    elif isinstance(value, float):
        number = value
    else:
        return value
    if not number.is_integer():
        raise ValueError(f"'{value}' is not a whole number")
    return int(number)


E = TypeVar("E", bound=StrEnum)


def choice(enum: type[E], text: str, what: str, show: Callable[[E], str] | None = None) -> E:
    """The member of ``enum`` that ``text`` names by value or label, in any case and spacing;
    a refusal lists the choices as ``show`` writes them (labels by default)."""
    for member in enum:
        if key_of(text) in (member.value, key_of(getattr(member, "label", member.value))):
            return member
    names = [show(m) if show else getattr(m, "label", m.value) for m in enum]
    raise ValueError(f"'{text}' is not a {what}; {did_you_mean(text, names)}use one of: {', '.join(names)}")


def did_you_mean(text: str, choices: Sequence[str]) -> str:
    """ "did you mean 'X'? " when one of ``choices`` is close to what was typed, else ""."""
    keys = {key_of(choice): choice for choice in choices}
    close = get_close_matches(key_of(text), list(keys), n=1, cutoff=0.6)
    return f"did you mean '{keys[close[0]]}'? " if close else ""


def by_label(enum: type[E], what: str, show: Callable[[E], str] | None = None) -> Callable[[object], object]:
    """A pydantic before-validator accepting a member, its value or its label."""

    def parse(value: object) -> object:
        return choice(enum, value, what, show) if isinstance(value, str) else value

    return parse


def parse_choice(enum: type[E], text: str | E, what: str, option: str = "") -> E:
    """A closed set parsed once, at a service's edge: the member, or ValidationFailed naming the choices."""
    if isinstance(text, enum):
        return text
    try:
        return choice(enum, str(text), what)
    except ValueError as exc:
        message = str(exc)
        raise ValidationFailed(
            f"{message[0].upper()}{message[1:]}.", [Problem(option, message)] if option else []
        ) from None


def resolving(resolve: Callable[[str], str]) -> Callable[[object], object]:
    """A before-validator that turns non-empty text into the id ``resolve`` finds for it."""

    def parse(value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("must not be empty")
            return resolve(value)
        return value

    return parse


def split(pattern: str) -> Callable[[object], object]:
    """One cell holding several values ("3, 5" or lines of text) as a list."""

    def parse(value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in re.split(pattern, value) if part.strip()]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return [value]
        return value

    return parse


T = TypeVar("T")


def distinct(items: list[T]) -> list[T]:
    return list(dict.fromkeys(items))


def _stripped(items: list[str]) -> list[str]:
    return [item.strip() for item in items if item.strip()]


def _not_in_future(day: date | None) -> date | None:
    if day is not None and day > utcnow().date():
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


Email = Annotated[str, AfterValidator(_email)]
Name = Annotated[str, AfterValidator(_name)]
Title = Annotated[str, AfterValidator(_name), Field(max_length=200)]
WholeNumber = Annotated[int, BeforeValidator(whole)]
RecordId = Annotated[int, BeforeValidator(whole), Field(ge=1)]
RecordIds = Annotated[list[RecordId], BeforeValidator(split(r"[,;\s]+")), AfterValidator(distinct)]
Texts = Annotated[list[str], BeforeValidator(split(r"\n")), AfterValidator(_stripped)]
# Exact decimals as stored (Numeric(18, 4)): "12.5", 12.5 and Decimal("12.5") are the same value.
Value = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]
PastDate = Annotated[date, AfterValidator(_not_in_future)]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Changes(Shape):
    """An update: only the fields given change; a field may be cleared (None) only if optional."""

    CLEARABLE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _blank_clears(cls, data: object) -> object:
        if isinstance(data, dict):
            return {
                k: (None if k in cls.CLEARABLE and isinstance(v, str) and not v.strip() else v) for k, v in data.items()
            }
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _required_not_cleared(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.CLEARABLE:
            raise ValueError("cannot be emptied; give a value or leave the field out")
        return value

    def changes(self) -> dict[str, object]:
        """The fields given, by name."""
        return {name: getattr(self, name) for name in type(self).model_fields if name in self.model_fields_set}


S = TypeVar("S", bound=BaseModel)


def problems_of(exc: ValidationError, where: str = "", names: Mapping[str, str] | None = None) -> list[Problem]:
    """Pydantic's errors as problems located by field (and ``where`` the input came from); ``names``
    says what a door calls a field (the CLI's "--from-ranking" for ``categories``)."""
    problems = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        if loc and names and loc[0] in names:
            loc = [names[loc[0]]]  # the option as typed; which of its values is in the message
        field = ".".join(loc) or "input"
        message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(f"{where} {field}".strip() if where else field, message))
    return problems


def validate(
    shape: type[S], data: dict[str, object], what: str, where: str = "", names: Mapping[str, str] | None = None
) -> S:
    """``shape`` built from ``data``, or one ValidationFailed listing every field's problem (located by
    ``names`` where a door calls a field otherwise)."""
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        raise not_saved(what, problems_of(exc, where, names)) from None
