"""The one registry of roadmap formats: a renderer registers its name, file suffix and writer.

The built-in renderers (pdf, xlsx, html) register themselves the way an extension would: a
module that calls ``register_renderer`` at import time. Adding a format is adding one module;
nothing else lists the formats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from assessment.core.errors import ValidationFailed
from assessment.roadmap.view import RoadmapView

Render = Callable[[RoadmapView, Path], Path]

# Imported on first use: each registers itself, in this order (the order of the choices).
BUILT_IN = ("roadmaps.pdf", "roadmaps.xlsx", "roadmaps.html")


@dataclass(frozen=True)
class Renderer:
    """One output format: its name (as people type it), the file suffix, and the writer."""

    name: str
    suffix: str
    render: Render

    def write(self, view: RoadmapView, folder: Path, stem: str) -> Path:
        """Lay ``view`` out as ``folder/stem<suffix>`` and return the path."""
        return self.render(view, folder / f"{stem}{self.suffix}")


_registry: dict[str, Renderer] = {}


def format_key(text: str) -> str:
    """A format name as the registry keys it: " .PDF " is "pdf"."""
    return text.strip().lower().lstrip(".")


def register_renderer(name: str, suffix: str, render: Render) -> Renderer:
    """Add a format; a name taken by a different writer is refused, re-importing a module is not."""
    key = format_key(name)
    if not key or not suffix.startswith("."):
        raise ValueError(f"A renderer needs a name and a suffix starting with '.'; got {name!r}, {suffix!r}.")
    renderer = Renderer(key, suffix, render)
    taken = _registry.get(key)
    if taken is not None and _qualname(taken.render) != _qualname(render):
        raise ValueError(f"The format '{key}' is already registered by {_qualname(taken.render)}.")
    _registry[key] = renderer
    return renderer


def renderers() -> dict[str, Renderer]:
    """Every registered format by name: the built-in ones first, then those extensions added."""
    for module in BUILT_IN:
        import_module(module)
    built_in = [module.rsplit(".", 1)[1] for module in BUILT_IN]
    order = [name for name in built_in if name in _registry] + [n for n in _registry if n not in built_in]
    return {name: _registry[name] for name in order}


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """The registry names of comma-separated formats (any case, spaces, a leading dot), each once.

    Unknown names or none at all are refused, naming the choices."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    wanted = [format_key(part) for part in parts if part.strip()]
    choices = list(renderers())
    unknown = [name for name in wanted if name not in choices]
    if unknown or not wanted:
        raise ValidationFailed(
            f"Unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(choices)}, "
            f"comma-separated, e.g. --format {','.join(choices)}."
        )
    return list(dict.fromkeys(wanted))


def _qualname(render: Render) -> str:
    return f"{getattr(render, '__module__', '?')}.{getattr(render, '__qualname__', repr(render))}"
