"""Files the accelerator writes for people (workbooks, reports): each one whole, or not at all."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from assessment.core.faults import fault_of

if TYPE_CHECKING:
    from openpyxl import Workbook


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A path beside ``path`` to write the file to; it becomes ``path`` when the block ends, and is
    removed when the block fails, so a full disk never leaves a truncated file behind (nor
    spoils the one already there). A disk that is full, read-only or closed to us is raised as a
    ``Fault`` naming ``path``."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        fault = fault_of(exc, path=path)
        if fault is None:
            raise
        raise fault from exc
    finally:
        with suppress(OSError):  # never there, or on a disk that just turned read-only: nothing to undo
            partial.unlink()


def save_workbook(book: Workbook, path: Path) -> Path:
    """Save ``book`` at ``path`` whole (see ``replacing``)."""
    # Made in memory first: openpyxl leaves its zip open when a write fails, and the zip, closed
    # later by the garbage collector, would try the full disk again and print a traceback.
    with replacing(path) as partial:
        data = io.BytesIO()
        book.save(data)
        partial.write_bytes(data.getbuffer())
    return path
