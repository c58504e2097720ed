"""Printing for people (rich) and for scripts (JSON), in one place."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

# Piped output (make, CI logs, files) gets room for a full table instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 120
console = Console(highlight=False, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, width=_WIDTH)


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
