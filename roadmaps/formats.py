"""A registry of output formats: a renderer registers its name, file suffix and writer.

Roadmaps (``roadmaps/registry.py``) and reports (``roadmaps/report/registry.py``) each keep one.
Built-in renderers register themselves the way an extension would: a module that registers at
import time. Adding a format is adding one module; nothing else lists the formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Generic, TypeVar

from assessment.core.errors import ValidationFailed

V = TypeVar("V")  # what is rendered: a roadmap's view, a report's document


@dataclass(frozen=True)
class Renderer(Generic[V]):
    """One output format: its name (as people type it), the file suffix, and the writer."""

    name: str
    suffix: str
    render: Callable[[V, Path], Path]

    def write(self, view: V, folder: Path, stem: str) -> Path:
        """Lay ``view`` out as ``folder/stem<suffix>`` and return the path."""
        return self.render(view, folder / f"{stem}{self.suffix}")


def format_key(text: str) -> str:
    """A format name as a registry keys it: " .PDF " is "pdf"."""
    return text.strip().lower().lstrip(".")


def _qualname(render: Callable[..., object]) -> str:
    return f"{getattr(render, '__module__', '?')}.{getattr(render, '__qualname__', repr(render))}"


class Formats(Generic[V]):
    """The formats of one kind of output: ``what`` names them in messages ("format", "report format");
    the ``built_in`` modules register theirs when the formats are first listed, in that order."""

    def __init__(self, what: str, built_in: tuple[str, ...]) -> None:
        self.what = what
        self.built_in = built_in
        self.registered: dict[str, Renderer[V]] = {}

    def register(self, name: str, suffix: str, render: Callable[[V, Path], Path]) -> Renderer[V]:
        """Add a format; a name taken by a different writer is refused, re-importing a module is not."""
        key = format_key(name)
        if not key or not suffix.startswith("."):
            raise ValueError(f"A renderer needs a name and a suffix starting with '.'; got {name!r}, {suffix!r}.")
        renderer = Renderer(key, suffix, render)
        taken = self.registered.get(key)
        if taken is not None and _qualname(taken.render) != _qualname(render):
            raise ValueError(f"The {self.what} '{key}' is already registered by {_qualname(taken.render)}.")
        self.registered[key] = renderer
        return renderer

    def all(self) -> dict[str, Renderer[V]]:
        """Every registered format by name: the built-in ones first, then those extensions added."""
        for module in self.built_in:
            import_module(module)
        built_in = [module.rsplit(".", 1)[1] for module in self.built_in]
        order = [name for name in built_in if name in self.registered]
        order += [name for name in self.registered if name not in built_in]
        return {name: self.registered[name] for name in order}

    def parse(self, text: str | Iterable[str]) -> list[str]:
        """The registry names of comma-separated formats (any case, spaces, a leading dot), each once.

        Unknown names or none at all are refused, naming the choices."""
        parts = text.split(",") if isinstance(text, str) else list(text)
        wanted = [format_key(part) for part in parts if part.strip()]
        choices = list(self.all())
        unknown = [name for name in wanted if name not in choices]
        if unknown or not wanted:
            raise ValidationFailed(
                f"Unknown {self.what}(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(choices)}, "
                f"comma-separated, e.g. --format {','.join(choices)}."
            )
        return list(dict.fromkeys(wanted))
