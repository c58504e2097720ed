"""The one registry of report formats (``roadmaps/formats.py``): pdf, xlsx and html built in.

The built-in renderers register themselves the way an extension would: a module that calls
``register_report_renderer`` at import time. ``write_report`` writes the formats asked
for, all of them or none: a failing renderer leaves no file, whole or partial, behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from pathlib import Path

from assessment.core.faults import fault_of
from roadmaps.formats import Formats, Renderer
from roadmaps.report.document import ReportDocument

# Imported on first use: each registers itself, in this order (the order of the choices).
FORMATS: Formats[ReportDocument] = Formats(
    "report format", ("roadmaps.report.pdf", "roadmaps.report.xlsx", "roadmaps.report.html")
)


def register_report_renderer(
    name: str, suffix: str, render: Callable[[ReportDocument, Path], Path]
) -> Renderer[ReportDocument]:
    """Add a report format; a name taken by a different writer is refused, re-importing a module is not."""
    return FORMATS.register(name, suffix, render)


def report_renderers() -> dict[str, Renderer[ReportDocument]]:
    """Every report format by name: the built-in ones first, then those extensions added."""
    return FORMATS.all()


def parse_report_formats(text: str | Iterable[str]) -> list[str]:
    """The names of comma-separated report formats, each once; unknown ones refused, naming the choices."""
    return FORMATS.parse(text)


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
