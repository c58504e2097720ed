"""Reference lists from ``rubrics/``: barrier categories, process stages, rule controllers and
the community engagement spectrum, validated on load and looked up by id or label."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from assessment.errors import Problem, ValidationFailed
from assessment.sources import data_path

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Entry(BaseModel):
    """One item of a reference list: a stable id and the label people read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    description: str = ""


class Category(Entry):
    """A kind of administrative burden, with examples and typical reforms."""

    examples: list[str] = []
    reforms: list[str] = []


class Stage(Entry):
    """A stage a contract goes through, from outreach to closeout."""


class Controller(Entry):
    """Who controls the rule behind a barrier; decides whether the team can fix it alone."""

    team_can_fix: bool


E = TypeVar("E", bound=Entry)


def _unique(entries: list[E]) -> list[E]:
    for name, keys in (("id", [e.id for e in entries]), ("label", [e.label.casefold() for e in entries])):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"{name} {', '.join(repr(k) for k in twice)} is used twice; every {name} must be unique")
    return entries


class CategoryList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    categories: Annotated[list[Category], Field(min_length=1), AfterValidator(_unique)]


class StageList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    stages: Annotated[list[Stage], Field(min_length=1), AfterValidator(_unique)]


class ControllerList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    controllers: Annotated[list[Controller], Field(min_length=1), AfterValidator(_unique)]


class EngagementLevel(BaseModel):
    """One step of the spectrum of community engagement to ownership, 0 Ignore to 5 Defer to."""

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


M = TypeVar("M", bound=BaseModel)

CATEGORIES = "barrier-categories.yaml"
STAGES = "process-stages.yaml"
CONTROLLERS = "rule-controllers.yaml"
SPECTRUM = "engagement-spectrum.yaml"


def _where(source: str, loc: tuple[int | str, ...]) -> str:
    parts = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{source}: {parts}" if parts else source


def load_file(model: type[M], path: Path) -> M:
    """``path`` parsed as ``model``, or ValidationFailed naming every broken entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationFailed(f"The reference file {path} is missing; restore it from the project.") from None
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"The reference file {path} is not valid YAML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(_where(str(path), err["loc"]), err["msg"].removeprefix("Value error, "))
                    for err in exc.errors()]
        raise ValidationFailed(f"The reference file {path} is not valid; fix it and try again:", problems) from None


@lru_cache
def _cached(model: type[M], path: Path) -> M:
    return load_file(model, path)


def categories(path: Path | None = None) -> list[Category]:
    return _cached(CategoryList, path or data_path(CATEGORIES)).categories


def stages(path: Path | None = None) -> list[Stage]:
    return _cached(StageList, path or data_path(STAGES)).stages


def controllers(path: Path | None = None) -> list[Controller]:
    return _cached(ControllerList, path or data_path(CONTROLLERS)).controllers


def engagement_spectrum(path: Path | None = None) -> EngagementSpectrum:
    return _cached(EngagementSpectrum, path or data_path(SPECTRUM))


def engagement_levels() -> list[EngagementLevel]:
    """The six levels, 0 Ignore to 5 Defer to."""
    return engagement_spectrum().levels


def engagement_name(value: int) -> str:
    return engagement_levels()[value].name


def category_ids() -> list[str]:
    return [c.id for c in categories()]


def stage_ids() -> list[str]:
    return [s.id for s in stages()]


def controller_ids() -> list[str]:
    return [c.id for c in controllers()]


def category_label(category_id: str) -> str:
    return _label(categories(), category_id)


def stage_label(stage_id: str) -> str:
    return _label(stages(), stage_id)


def controller_label(controller_id: str) -> str:
    return _label(controllers(), controller_id)


def _label(entries: list[E], ident: str) -> str:
    """The label of ``ident``; an id no longer in the file reads as itself rather than failing."""
    return next((e.label for e in entries if e.id == ident), ident)


def _key(text: str) -> str:
    return "_".join(text.replace("-", " ").split()).casefold()


def _resolve(entries: list[E], text: str, what: str) -> str:
    """The id that ``text`` names, given as the id or the label, in any case and spacing."""
    wanted = _key(text)
    for entry in entries:
        if wanted in (entry.id, _key(entry.label)):
            return entry.id
    choices = ", ".join(entry.id for entry in entries)
    raise ValueError(f"'{text}' is not a {what}; use one of: {choices} (or its label)")


def resolve_category(text: str) -> str:
    return _resolve(categories(), text, "barrier category")


def resolve_stage(text: str) -> str:
    return _resolve(stages(), text, "process stage")


def resolve_controller(text: str) -> str:
    return _resolve(controllers(), text, "rule controller")


@lru_cache
def indicator_ids() -> frozenset[str]:
    """The indicator ids of the default rubric, which barriers and goals link to."""
    from assessment.rubric import load_rubric

    return frozenset(indicator.id for indicator in load_rubric().indicators)


def resolve_indicator(text: str) -> str:
    ident = text.strip().lower()
    if ident not in indicator_ids():
        example = min(indicator_ids())
        raise ValueError(f"'{text}' is not an indicator of the self-assessment rubric (ids look like {example})")
    return ident
