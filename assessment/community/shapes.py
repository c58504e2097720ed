"""Input shapes of community input and the engagement rating (session 3)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from assessment.community.models import InputSource
from assessment.community.spectrum import engagement_levels
from assessment.core.shapes import PastDate, RecordIds, Shape, Texts, by_label, whole

InputSourceValue = Annotated[InputSource, BeforeValidator(by_label(InputSource, "source of community input"))]


def _engagement_level(value: object) -> object:
    """3, "3", "3 - Involve" and "Involve" are all level 3 of the engagement spectrum."""
    if isinstance(value, str):
        text = value.strip()
        number = re.match(r"^(-?\d+)\b", text)
        if number:
            return int(number.group(1))
        for level in engagement_levels():
            if level.name.casefold() == text.casefold():
                return level.value
        names = ", ".join(f"{level.value} {level.name}" for level in engagement_levels())
        raise ValueError(f"'{value}' is not a level of the engagement spectrum; use one of: {names}")
    return whole(value)


EngagementLevelValue = Annotated[int, BeforeValidator(_engagement_level), Field(ge=0, le=5)]


class InputCreate(Shape):
    """What a jurisdiction heard from its community (session 3)."""

    source: InputSourceValue
    held_on: PastDate
    participants: Annotated[int, BeforeValidator(whole), Field(ge=0)] | None = None
    organizations: Texts = []
    themes: Texts = []
    quotes: Texts = []
    barriers: RecordIds = []  # barriers of the same jurisdiction that this input informs


class EngagementCreate(Shape):
    """A team's community engagement on the spectrum: where it is and where it wants to be."""

    current: EngagementLevelValue
    aspirational: EngagementLevelValue
    evidence: str = ""

    @field_validator("aspirational")
    @classmethod
    def _not_below_current(cls, aspirational: int, info: ValidationInfo) -> int:
        current = info.data.get("current")
        if current is not None and aspirational < current:
            raise ValueError(f"the aspirational level ({aspirational}) is below the current level ({current})")
        return aspirational
