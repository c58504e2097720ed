"""Printing for people (rich) and for scripts (JSON), in one place."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """One JSON document on stdout (pydantic models and dates included)."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def escape(text: object) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(str(text))
