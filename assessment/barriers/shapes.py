"""Input shapes of the barrier inventory: a new barrier, changes to one, a spreadsheet row."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from assessment.barriers.models import BarrierStatus
from assessment.barriers.reference import resolve_category, resolve_controller, resolve_stage
from assessment.core.shapes import Changes, Email, RecordId, RecordIds, Shape, Title, by_label, resolving, whole
from assessment.selfassessment.rubric import IndicatorIds


def _severity(value: int) -> int:
    if not 1 <= value <= 5:
        raise ValueError(f"{value} is not a severity; use a whole number from 1 (minor) to 5 (severe)")
    return value


Severity = Annotated[int, BeforeValidator(whole), AfterValidator(_severity)]
CategoryId = Annotated[str, BeforeValidator(resolving(resolve_category))]
StageId = Annotated[str, BeforeValidator(resolving(resolve_stage))]
ControllerId = Annotated[str, BeforeValidator(resolving(resolve_controller))]
BarrierStatusValue = Annotated[BarrierStatus, BeforeValidator(by_label(BarrierStatus, "barrier status"))]


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
            return {
                k: v
                for k, v in data.items()
                if not (k in ("controller", "severity", "owner") and (v is None or str(v).strip() == ""))
            }
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
    barrier and the ``version`` that was exported. A blank cell leaves the field unchanged (where
    in ``BarrierUpdate`` it clears it, so the two rules stay in separate shapes); columns that are
    not editable (labels, created_at, ...) are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    row: int | None = None
    id: RecordId | None = None
    version: Annotated[int, BeforeValidator(whole), Field(ge=1)] | None = None
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
