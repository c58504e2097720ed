"""The one registry of report formats: a renderer registers its name, file suffix and writer.

The built-in renderers (pdf, xlsx, html) register themselves the way an extension would: a module
that calls ``register_report_renderer`` at import time. ``write_report`` writes the formats asked
for, all of them or none: a failing renderer leaves no file, whole or partial, behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from assessment.core.errors import ValidationFailed
from assessment.core.faults import fault_of
from roadmaps.registry import format_key
from roadmaps.report.document import ReportDocument

Render = Callable[[ReportDocument, Path], Path]

# Imported on first use: each registers itself, in this order (the order of the choices).
BUILT_IN = ("roadmaps.report.pdf", "roadmaps.report.xlsx", "roadmaps.report.html")


@dataclass(frozen=True)
class ReportRenderer:
    """One output format of a report: its name (as people type it), the file suffix, and the writer."""

    name: str
    suffix: str
    render: Render


_registry: dict[str, ReportRenderer] = {}


def register_report_renderer(name: str, suffix: str, render: Render) -> ReportRenderer:
    """Add a format; a name taken by a different writer is refused, re-importing a module is not."""
    key = format_key(name)
    if not key or not suffix.startswith("."):
        raise ValueError(f"A renderer needs a name and a suffix starting with '.'; got {name!r}, {suffix!r}.")
    renderer = ReportRenderer(key, suffix, render)
    taken = _registry.get(key)
    if taken is not None and _qualname(taken.render) != _qualname(render):
        raise ValueError(f"The report format '{key}' is already registered by {_qualname(taken.render)}.")
    _registry[key] = renderer
    return renderer


def report_renderers() -> dict[str, ReportRenderer]:
    """Every registered report format by name: the built-in ones first, then those extensions added."""
    for module in BUILT_IN:
        import_module(module)
    built_in = [module.rsplit(".", 1)[1] for module in BUILT_IN]
    order = [name for name in built_in if name in _registry] + [n for n in _registry if n not in built_in]
    return {name: _registry[name] for name in order}


def parse_report_formats(text: str | Iterable[str]) -> list[str]:
    """The registry names of comma-separated formats (any case, spaces, a leading dot), each once.

    Unknown names or none at all are refused, naming the choices."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    wanted = [format_key(part) for part in parts if part.strip()]
    choices = list(report_renderers())
    unknown = [name for name in wanted if name not in choices]
    if unknown or not wanted:
        raise ValidationFailed(
            f"Unknown report format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(choices)}, "
            f"comma-separated, e.g. --format {','.join(choices)}."
        )
    return list(dict.fromkeys(wanted))


def write_report(document: ReportDocument, folder: Path, stem: str, formats: Sequence[str]) -> list[Path]:
    """Write ``document`` as ``folder/stem.<suffix>`` in each of ``formats`` and return the paths.

    Every format is written under a hidden temporary name first and renamed only once all are
    written, so a failing renderer (or a full disk) leaves neither a partial file nor a mix of new
    and old files behind. A disk that is full or closed to us is raised as a ``Fault`` naming the file."""
    folder = Path(folder)
    chosen = [report_renderers()[name] for name in parse_report_formats(formats)]
    token = secrets.token_hex(4)
    written: list[tuple[Path, Path]] = []  # (temporary, final)
    target = folder / stem
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for renderer in chosen:
            target = folder / f"{stem}{renderer.suffix}"
            # The suffix stays last: some writers choose the file type by it.
            partial = folder / f".{stem}.{token}.partial{renderer.suffix}"
            written.append((partial, target))
            renderer.render(document, partial)
        for partial, final in written:
            target = final
            os.replace(partial, final)
    except OSError as exc:
        fault = fault_of(exc, path=target)
        if fault is None:
            raise
        raise fault from exc
    finally:
        for partial, _ in written:
            with suppress(OSError):  # renamed already, or never written: nothing to undo
                partial.unlink()
    return [final for _, final in written]


def _qualname(render: Render) -> str:
    return f"{getattr(render, '__module__', '?')}.{getattr(render, '__qualname__', repr(render))}"
