"""The barrier inventory's reference lists from ``rubrics/``: categories, process stages and rule
controllers, validated on load and looked up by id or label."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assessment.core.shapes import did_you_mean, key_of
from assessment.core.sources import cached_file, data_path

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


CATEGORIES = "barrier-categories.yaml"
STAGES = "process-stages.yaml"
CONTROLLERS = "rule-controllers.yaml"


def categories(path: Path | None = None) -> list[Category]:
    return cached_file(CategoryList, path or data_path(CATEGORIES)).categories


def stages(path: Path | None = None) -> list[Stage]:
    return cached_file(StageList, path or data_path(STAGES)).stages


def controllers(path: Path | None = None) -> list[Controller]:
    return cached_file(ControllerList, path or data_path(CONTROLLERS)).controllers


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


def _resolve(entries: list[E], text: str, what: str) -> str:
    """The id that ``text`` names, given as the id or the label, in any case and spacing."""
    wanted = key_of(text)
    for entry in entries:
        if wanted in (entry.id, key_of(entry.label)):
            return entry.id
    ids = [entry.id for entry in entries]
    close = did_you_mean(text, ids + [entry.label for entry in entries])
    raise ValueError(f"'{text}' is not a {what}; {close}use one of: {', '.join(ids)} (or its label)")


def resolve_category(text: str) -> str:
    return _resolve(categories(), text, "barrier category")


def resolve_stage(text: str) -> str:
    return _resolve(stages(), text, "process stage")


def resolve_controller(text: str) -> str:
    return _resolve(controllers(), text, "rule controller")
