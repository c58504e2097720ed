"""The rubric as data: a pydantic schema for any rubric file, loading and a content hash."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.shapes import distinct, split
from assessment.core.sources import data_path

DEFAULT_RUBRIC = "cp-equity-self-assessment-v1"


class Level(BaseModel):
    """One ordered maturity level, e.g. 3 Developing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: int = Field(ge=1)
    name: str = Field(min_length=1)


class Indicator(BaseModel):
    """One practice, described at every level."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    text: str = Field(min_length=1)
    levels: dict[int, str]

    @field_validator("levels")
    @classmethod
    def _descriptors_not_blank(cls, levels: dict[int, str]) -> dict[int, str]:
        blank = [str(k) for k, v in levels.items() if not str(v).strip()]
        if blank:
            raise ValueError(f"level(s) {', '.join(blank)} have an empty descriptor")
        return levels


class Domain(BaseModel):
    """A group of indicators with a weight in the overall score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)
    indicators: list[Indicator] = Field(min_length=1)


class Rubric(BaseModel):
    """A versioned self-assessment rubric: domains, indicators and ordered levels."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    levels: list[Level] = Field(min_length=2)
    domains: list[Domain] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, (int, float)) else value

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        values = [level.value for level in self.levels]
        if values != list(range(1, len(values) + 1)):
            raise ValueError(f"levels must be numbered 1, 2, 3, ... in order; found {values}")
        seen: set[str] = set()
        for domain in self.domains:
            if domain.id in seen:
                raise ValueError(f"id '{domain.id}' is used twice; every domain and indicator id must be unique")
            seen.add(domain.id)
            for indicator in domain.indicators:
                if indicator.id in seen:
                    raise ValueError(f"id '{indicator.id}' is used twice; every domain and indicator id must be unique")
                seen.add(indicator.id)
                missing = sorted(set(values) - set(indicator.levels))
                extra = sorted(set(indicator.levels) - set(values))
                if missing or extra:
                    raise ValueError(
                        f"indicator '{indicator.id}' must describe exactly levels {values}"
                        + (f"; missing {missing}" if missing else "")
                        + (f"; unknown {extra}" if extra else "")
                    )
        return self

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical content: comments and layout of the file do not count."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @cached_property
    def indicators(self) -> list[Indicator]:
        return [indicator for domain in self.domains for indicator in domain.indicators]

    @cached_property
    def domain_of(self) -> dict[str, Domain]:
        return {i.id: d for d in self.domains for i in d.indicators}

    def level_name(self, value: int) -> str:
        return self.levels[value - 1].name

    @property
    def max_level(self) -> int:
        return len(self.levels)


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def parse_rubric(data: object, source: str) -> Rubric:
    """Validate parsed YAML as a rubric, listing every problem with its place in ``source``."""
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(f"{source}: {_location(err['loc'])}" if err["loc"] else source, err["msg"]) for err in exc.errors()
        ]
        raise ValidationFailed(f"The rubric file {source} is not valid; fix it and try again.", problems) from None


def load_rubric(ref: str | Path = DEFAULT_RUBRIC) -> Rubric:
    """Load a rubric by file path or by name in the rubrics folder (without ``.yaml``).

    Parsed once per version of the file (its path, size and modification time): a run's tasks
    share it, and a long-running process still sees a file changed on disk."""
    path = Path(ref) if str(ref).endswith((".yaml", ".yml")) else data_path(f"{ref}.yaml")
    if not path.is_file():
        raise ValidationFailed(f"No rubric file at {path}; check the name or path.")
    stat = path.stat()
    return _parsed(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _parsed(path: Path, size: int, modified: int) -> Rubric:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"The rubric file {path} is not valid YAML: {exc}") from None
    return parse_rubric(data, str(path))


@lru_cache
def indicator_ids() -> frozenset[str]:
    """The indicator ids of the default rubric, which barriers and goals link to."""
    return frozenset(indicator.id for indicator in load_rubric().indicators)


def resolve_indicator(text: str) -> str:
    """The indicator id ``text`` names (any case), or ValueError saying what ids look like."""
    ident = text.strip().lower()
    if ident not in indicator_ids():
        example = min(indicator_ids())
        raise ValueError(f"'{text}' is not an indicator of the self-assessment rubric (ids look like {example})")
    return ident


IndicatorId = Annotated[str, AfterValidator(resolve_indicator)]
IndicatorIds = Annotated[list[IndicatorId], BeforeValidator(split(r"[,;\n]")), AfterValidator(distinct)]
