"""The data files of ``rubrics/`` (installed or in a checkout), loaded and validated by pydantic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assessment.core.errors import Problem, ValidationFailed
from assessment.core.settings import get_settings

M = TypeVar("M", bound=BaseModel)


# The reference files shipped with the project (resolved once: a page lists hundreds of labels).
PACKAGED_RUBRICS = Path(__file__).resolve().parent.parent.parent / "rubrics"


def rubrics_dir() -> Path:
    configured = get_settings().rubric_dir
    return configured if configured is not None else PACKAGED_RUBRICS


def data_path(name: str) -> Path:
    return rubrics_dir() / name


def where_in(source: str, loc: tuple[int | str, ...]) -> str:
    """A place in a data file as people read it: ``file: categories[3].label``."""
    parts = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{source}: {parts}" if parts else source


def load_file(model: type[M], path: Path) -> M:
    """``path`` parsed as ``model``, or ValidationFailed naming every broken entry."""
    import yaml  # loaded with the first data file, not with every command

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationFailed(f"The reference file {path} is missing; restore it from the project.") from None
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"The reference file {path} is not valid YAML: {exc}") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(where_in(str(path), err["loc"]), err["msg"].removeprefix("Value error, ")) for err in exc.errors()
        ]
        raise ValidationFailed(f"The reference file {path} is not valid; fix it and try again:", problems) from None


@lru_cache
def cached_file(model: type[M], path: Path) -> M:
    """``load_file``, once per model and path."""
    return load_file(model, path)
