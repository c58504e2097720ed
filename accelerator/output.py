"""Printing for people (rich) and for scripts (JSON), in one place."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console

    from assessment.core.history import HistoryEntry


class _LazyConsole:
    """A rich Console made on first use, so a command that prints only JSON never imports rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    @property
    def made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made, name)

    # rich uses a console as a context manager (live displays), which __getattr__ does not cover
    def __enter__(self) -> Console:
        return self.made.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.made.__exit__(*exc)


# Piped output (make, CI logs, files) gets room for a full table instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 120
console = cast("Console", _LazyConsole(highlight=False, width=_WIDTH))
err_console = cast("Console", _LazyConsole(stderr=True, highlight=False, width=_WIDTH))


def print_json(data: Any) -> None:
    """One JSON document on stdout (pydantic models and dates included)."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [item.model_dump(mode="json") if hasattr(item, "model_dump") else item for item in data]
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def escape(text: object) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(str(text))


def print_history(title: str, entries: Iterable[HistoryEntry], labels: Mapping[str, str] | None = None) -> None:
    """A record's history as a table: when, who, which field (named as ``labels`` say, else from its
    code), from what, to what, and the note."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("When (UTC)", "Who", "Field", "From", "To", "Note"):
        table.add_column(column, overflow="fold", no_wrap=column in ("When (UTC)", "Field"))
    for e in entries:
        field = getattr(e, "field_label", None) or (labels or {}).get(e.field, e.field.replace("_", " ").capitalize())
        old = getattr(e, "old_label", None) or e.old
        new = getattr(e, "new_label", None) or e.new
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M}",
            escape(e.actor),
            escape(field),
            escape(old or "–"),
            escape(new or "–"),
            escape(e.note),
        )
    console.print(table)
