"""The spectrum of community engagement to ownership (``rubrics/engagement-spectrum.yaml``),
0 Ignore to 5 Defer to."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessment.core.sources import cached_file, data_path

SPECTRUM = "engagement-spectrum.yaml"


class EngagementLevel(BaseModel):
    """One step of the spectrum."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: int = Field(ge=0, le=5)
    name: str = Field(min_length=1)
    description: str = ""


class EngagementSpectrum(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    source: str = ""
    levels: list[EngagementLevel]

    @model_validator(mode="after")
    def _zero_to_five(self) -> EngagementSpectrum:
        values = [level.value for level in self.levels]
        if values != list(range(6)):
            raise ValueError(f"levels must be numbered 0, 1, 2, 3, 4, 5 in order; found {values}")
        return self


def engagement_spectrum(path: Path | None = None) -> EngagementSpectrum:
    return cached_file(EngagementSpectrum, path or data_path(SPECTRUM))


def engagement_levels() -> list[EngagementLevel]:
    """The six levels, 0 Ignore to 5 Defer to."""
    return engagement_spectrum().levels


def engagement_name(value: int) -> str:
    return engagement_levels()[value].name
