"""The one registry of roadmap formats (``roadmaps/formats.py``): pdf, xlsx and html built in.

Each built-in renderer registers itself the way an extension would: a module that calls
``register_renderer`` at import time. Adding a format is adding one module; nothing else lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from assessment.roadmap.view import RoadmapView
from roadmaps.formats import Formats, Renderer, format_key

__all__ = ["FORMATS", "Renderer", "format_key", "parse_formats", "register_renderer", "renderers"]

# Imported on first use: each registers itself, in this order (the order of the choices).
FORMATS: Formats[RoadmapView] = Formats("format", ("roadmaps.pdf", "roadmaps.xlsx", "roadmaps.html"))


def register_renderer(name: str, suffix: str, render: Callable[[RoadmapView, Path], Path]) -> Renderer[RoadmapView]:
    """Add a roadmap format; a name taken by a different writer is refused, re-importing a module is not."""
    return FORMATS.register(name, suffix, render)


def renderers() -> dict[str, Renderer[RoadmapView]]:
    """Every roadmap format by name: the built-in ones first, then those extensions added."""
    return FORMATS.all()


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """The names of comma-separated roadmap formats, each once; unknown ones refused, naming the choices."""
    return FORMATS.parse(text)
