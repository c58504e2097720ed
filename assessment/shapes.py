"""Input shapes (pydantic) validated before anything reaches a table."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
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

from assessment import reference
from assessment.errors import Problem, ValidationFailed
from assessment.models import JurisdictionKind, Role, utcnow
from assessment.planning import BarrierStatus, GoalStatus, InputSource

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


# --- Sessions 2 to 4: barriers, community input, engagement and near-term goals -----------------
# People type these into forms and spreadsheets, so ids and labels are both accepted
# ("Action planned" or action_planned), numbers may arrive as text or floats ("3", 3.0), and
# lists may arrive as one comma-separated cell.


def _key(text: str) -> str:
    return "_".join(text.replace("-", " ").split()).casefold()


def _whole(value: object) -> object:
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


def _by_label(enum: type[StrEnum], what: str) -> Callable[[object], object]:
    """A parser accepting a member, its value or its label, in any case and spacing."""

    def parse(value: object) -> object:
        if isinstance(value, str):
            for member in enum:
                if _key(value) in (member.value, _key(getattr(member, "label", member.value))):
                    return member
            choices = ", ".join(getattr(m, "label", m.value) for m in enum)
            raise ValueError(f"'{value}' is not a {what}; use one of: {choices}")
        return value

    return parse


def _resolving(resolve: Callable[[str], str]) -> Callable[[object], object]:
    def parse(value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("must not be empty")
            return resolve(value)
        return value

    return parse


def _split(pattern: str) -> Callable[[object], object]:
    """One cell holding several values ("3, 5" or lines of text) as a list."""

    def parse(value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in re.split(pattern, value) if part.strip()]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return [value]
        return value

    return parse


T = TypeVar("T")


def _distinct(items: list[T]) -> list[T]:
    return list(dict.fromkeys(items))


def _stripped(items: list[str]) -> list[str]:
    return [item.strip() for item in items if item.strip()]


def _at_least_one_barrier(ids: list[int]) -> list[int]:
    if not ids:
        raise ValueError("link at least one barrier that this goal removes")
    return ids


def _engagement_level(value: object) -> object:
    """3, "3", "3 - Involve" and "Involve" are all level 3 of the engagement spectrum."""
    if isinstance(value, str):
        text = value.strip()
        number = re.match(r"^(-?\d+)\b", text)
        if number:
            return int(number.group(1))
        for level in reference.engagement_levels():
            if level.name.casefold() == text.casefold():
                return level.value
        names = ", ".join(f"{level.value} {level.name}" for level in reference.engagement_levels())
        raise ValueError(f"'{value}' is not a level of the engagement spectrum; use one of: {names}")
    return _whole(value)


def _not_in_future(day: date | None) -> date | None:
    if day is not None and day > utcnow().date():
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


Title = Annotated[str, AfterValidator(_name), Field(max_length=200)]
WholeNumber = Annotated[int, BeforeValidator(_whole)]
def _severity(value: int) -> int:
    if not 1 <= value <= 5:
        raise ValueError(f"{value} is not a severity; use a whole number from 1 (minor) to 5 (severe)")
    return value


Severity = Annotated[int, BeforeValidator(_whole), AfterValidator(_severity)]
CategoryId = Annotated[str, BeforeValidator(_resolving(reference.resolve_category))]
StageId = Annotated[str, BeforeValidator(_resolving(reference.resolve_stage))]
ControllerId = Annotated[str, BeforeValidator(_resolving(reference.resolve_controller))]
IndicatorId = Annotated[str, AfterValidator(reference.resolve_indicator)]
IndicatorIds = Annotated[list[IndicatorId], BeforeValidator(_split(r"[,;\n]")), AfterValidator(_distinct)]
RecordId = Annotated[int, BeforeValidator(_whole), Field(ge=1)]
RecordIds = Annotated[list[RecordId], BeforeValidator(_split(r"[,;\s]+")), AfterValidator(_distinct)]
Texts = Annotated[list[str], BeforeValidator(_split(r"\n")), AfterValidator(_stripped)]
BarrierStatusValue = Annotated[BarrierStatus, BeforeValidator(_by_label(BarrierStatus, "barrier status"))]
GoalStatusValue = Annotated[GoalStatus, BeforeValidator(_by_label(GoalStatus, "goal status"))]
InputSourceValue = Annotated[InputSource, BeforeValidator(_by_label(InputSource, "source of community input"))]
EngagementLevel = Annotated[int, BeforeValidator(_engagement_level), Field(ge=0, le=5)]
# Exact decimals as stored (Numeric(18, 4)): "12.5", 12.5 and Decimal("12.5") are the same value.
Value = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]
PastDate = Annotated[date, AfterValidator(_not_in_future)]


class Changes(Shape):
    """An update: only the fields given change; a field may be cleared (None) only if optional."""

    CLEARABLE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _blank_clears(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: (None if k in cls.CLEARABLE and isinstance(v, str) and not v.strip() else v)
                    for k, v in data.items()}
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


class BarrierCreate(Shape):
    """A new barrier for the inventory (session 2)."""

    title: Title
    description: str = ""
    category: CategoryId
    stage: StageId
    controller: ControllerId | None = None
    severity: Severity | None = None
    burden_on: str = ""
    root_cause: str = ""
    indicators: IndicatorIds = []
    inputs: RecordIds = []
    owner: Email | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: v for k, v in data.items()
                    if not (k in ("controller", "severity", "owner") and (v is None or str(v).strip() == ""))}
        return data


class BarrierUpdate(Changes):
    """Changes to a barrier; a status change is a lifecycle transition."""

    CLEARABLE: ClassVar[frozenset[str]] = frozenset({"controller", "severity", "owner"})

    title: Title | None = None
    description: str | None = None
    category: CategoryId | None = None
    stage: StageId | None = None
    controller: ControllerId | None = None
    severity: Severity | None = None
    burden_on: str | None = None
    root_cause: str | None = None
    indicators: IndicatorIds | None = None
    inputs: RecordIds | None = None
    owner: Email | None = None
    status: BarrierStatusValue | None = None


class BarrierImportRow(BaseModel):
    """One spreadsheet row of the barrier inventory: ``id`` blank for a new barrier, else the
    barrier and the ``version`` that was exported. A blank cell leaves the field unchanged;
    columns that are not editable (labels, created_at, ...) are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    row: int | None = None
    id: RecordId | None = None
    version: Annotated[int, BeforeValidator(_whole), Field(ge=1)] | None = None
    jurisdiction: str | None = None
    title: Title | None = None
    description: str | None = None
    category: CategoryId | None = None
    stage: StageId | None = None
    controller: ControllerId | None = None
    severity: Severity | None = None
    burden_on: str | None = None
    root_cause: str | None = None
    indicators: IndicatorIds | None = None
    inputs: RecordIds | None = None
    owner: Email | None = None
    status: BarrierStatusValue | None = None
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _blank_cells_are_unchanged(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and not (isinstance(v, str) and not v.strip())}
        return data

    def given(self) -> dict[str, object]:
        """The editable fields this row fills in, by name."""
        editable = set(BarrierUpdate.model_fields)
        return {k: getattr(self, k) for k in type(self).model_fields if k in self.model_fields_set and k in editable}


class InputCreate(Shape):
    """What a jurisdiction heard from its community (session 3)."""

    source: InputSourceValue
    held_on: PastDate
    participants: Annotated[int, BeforeValidator(_whole), Field(ge=0)] | None = None
    organizations: Texts = []
    themes: Texts = []
    quotes: Texts = []


class EngagementCreate(Shape):
    """A team's community engagement on the spectrum: where it is and where it wants to be."""

    current: EngagementLevel
    aspirational: EngagementLevel
    evidence: str = ""

    @field_validator("aspirational")
    @classmethod
    def _not_below_current(cls, aspirational: int, info: ValidationInfo) -> int:
        current = info.data.get("current")
        if current is not None and aspirational < current:
            raise ValueError(f"the aspirational level ({aspirational}) is below the current level ({current})")
        return aspirational


def _future(day: date | None) -> date | None:
    if day is not None and day < utcnow().date():
        raise ValueError(f"{day.isoformat()} is in the past; a goal's due date must be today or later")
    return day


DueDate = Annotated[date, AfterValidator(_future)]
BarrierIds = Annotated[RecordIds, AfterValidator(_at_least_one_barrier)]


class GoalCreate(Shape):
    """A SMART near-term process-change goal (session 4): specific statement, measure from a
    baseline to a target, a due date, an owner, and the barriers it removes."""

    statement: Annotated[str, AfterValidator(_name)]
    # measure, baseline and target may come later; the goal then carries a warning until they do
    measure: Annotated[str, Field(max_length=200)] = ""
    baseline: Value | None = None
    target: Value | None = None
    unit: str = ""
    due: DueDate
    owner: Email
    barriers: BarrierIds
    indicators: IndicatorIds = []

    @field_validator("target")
    @classmethod
    def _target_moves(cls, target: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if target is not None and info.data.get("baseline") == target:
            raise ValueError("equals the baseline; a goal's target must differ from where it starts")
        return target


class GoalUpdate(Changes):
    """Changes to a goal; the status change from and to done or dropped needs a reason."""

    statement: Annotated[str, AfterValidator(_name)] | None = None
    measure: Title | None = None
    baseline: Value | None = None
    target: Value | None = None
    unit: str | None = None
    due: DueDate | None = None
    owner: Email | None = None
    barriers: BarrierIds | None = None
    indicators: IndicatorIds | None = None
    status: GoalStatusValue | None = None


class MilestoneCreate(Shape):
    title: Title
    due: date | None = None
    owner: Email | None = None


class MilestoneUpdate(Changes):
    CLEARABLE: ClassVar[frozenset[str]] = frozenset({"due", "owner"})

    title: Title | None = None
    due: date | None = None
    owner: Email | None = None


class MeasureCreate(Shape):
    """A value of a goal's measure, as of a day (today when not given)."""

    value: Value
    as_of: PastDate | None = None
    note: str = ""
