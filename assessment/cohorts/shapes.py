"""Input shapes for cohorts, jurisdictions and people."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field

from assessment.cohorts.models import JurisdictionKind
from assessment.core.permissions import Role
from assessment.core.shapes import Email, Name, Shape, by_label

RoleValue = Annotated[Role, BeforeValidator(by_label(Role, "role", show=lambda role: role.value))]
KindValue = Annotated[JurisdictionKind, BeforeValidator(by_label(JurisdictionKind, "kind of jurisdiction"))]


class PersonCreate(Shape):
    email: Email
    name: Name
    role: RoleValue | None = None
    jurisdiction: str | None = None


class JurisdictionCreate(Shape):
    name: Name
    kind: KindValue = JurisdictionKind.county
    region: str = ""


class CohortCreate(Shape):
    name: Name
    region: str = ""
    start: date | None = None
    sequence: str = Field(default="accelerator-sequence")
