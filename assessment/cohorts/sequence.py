"""The nine-session sequence as data (``rubrics/accelerator-sequence.yaml``)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from pydantic import BaseModel, Field, ValidationError

from assessment.core.errors import ValidationFailed
from assessment.core.shapes import problems_of
from assessment.core.sources import data_path


class Deliverable(BaseModel):
    """What a session records for the team; ``key`` names the fact that shows it is done."""

    key: str
    text: str


class SessionSpec(BaseModel):
    number: int = Field(ge=1)
    key: str
    title: str
    month_offset: int = Field(ge=0)
    purpose: str = ""
    needs: list[str] = []  # facts that must hold before the session's flow runs
    deliverables: list[Deliverable] = []


class Sequence(BaseModel):
    id: str
    title: str
    sessions: list[SessionSpec] = Field(min_length=1)


@lru_cache
def load_sequence(name: str = "accelerator-sequence") -> Sequence:
    import yaml  # only commands that create cohorts pay for the YAML parser

    path = data_path(f"{name}.yaml")
    try:
        return Sequence.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ValidationFailed(f"No session sequence file at {path}.") from None
    except ValidationError as exc:
        raise ValidationFailed(f"The sequence file {path} is not valid:", problems_of(exc, str(path))) from None


def add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    return start.replace(year=start.year + year, month=month + 1, day=min(start.day, 28))
